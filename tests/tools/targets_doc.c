/* Writes docs/targets.md from the target tables (src/targets), so the
 * document cannot drift from what `ferry check` does: `make docs`
 * regenerates it and the check suite compares the file with this output.
 *
 *   targets_doc > docs/targets.md */
#include <stdio.h>
#include <string.h>

#include "targets/target.h"

static const char *code(enum check_status s)
{
    switch (s) {
    case CHECK_NATIVE: return "N";
    case CHECK_FALLBACK: return "F";
    case CHECK_SUBSTITUTED: return "S";
    case CHECK_UNSUPPORTED: return "U";
    case CHECK_VIA_CONVERTER: return "C";
    default: return "?";
    }
}

static const char *op_label(int i) { return i ? ir_op_name((enum ir_op)i) : "(unknown op / custom op)"; }

/* Markdown table cells: '|' and newlines would break the row. */
static void cell(const char *s)
{
    for (; s && *s; s++) {
        if (*s == '|') fputs("\\|", stdout);
        else if (*s == '\n') fputc(' ', stdout);
        else fputc(*s, stdout);
    }
}

static bool generated_row(const struct target *t, int i)
{
    enum check_status s = t->rows[i].status;
    return i && (s == CHECK_VIA_CONVERTER ||
                 (t->takes == TARGET_TAKES_ONNX && !strncmp(ir_op_name((enum ir_op)i), "tfl.", 4)));
}

int main(void)
{
    printf("# ferry check: what each target runtime does with each op\n\n");
    printf("Generated from the rule tables in `src/targets/` by `tests/tools/targets_doc.c`\n"
           "(`make docs`); the test suite fails when this file and the tables differ. Do not\n"
           "edit by hand.\n\n");
    printf("Answers: **N** native (the target's fast path), **F** fallback (runs on the CPU or a\n"
           "slow path), **S** substituted (replaced by a named approximation or decomposition),\n"
           "**U** unsupported (refused), **C** decided by ferry's ONNX-to-TFLite converter and\n"
           "then by the target's rows for the builtins it makes. A `*` marks a row whose answer\n"
           "can get worse for a particular node: a rule looks at its attributes, dtypes or\n"
           "shapes, and `ferry check` names the rule and the value.\n\n");
    printf("## Targets\n\n| target | runtime | rules describe | takes | partitions | source |\n"
           "|---|---|---|---|---|---|\n");
    for (int t = 0; t < target_count; t++) {
        const struct target *tg = target_list[t];
        printf("| `%s` | ", tg->name);
        cell(tg->title);
        printf(" | ");
        cell(tg->version);
        printf(" | %s | %s | ", tg->takes == TARGET_TAKES_TFLITE ? "TFLite" : "ONNX",
               tg->partition == TARGET_PARTITION_PREFIX     ? "first CPU op and all after it on the CPU"
               : tg->partition == TARGET_PARTITION_DELEGATE ? "runs of supported ops on the delegate"
                                                            : "-");
        cell(tg->source);
        printf(" |\n");
    }
    printf("\n## Matrix\n\n| op |");
    for (int t = 0; t < target_count; t++) printf(" %s |", target_list[t]->name);
    printf("\n|---|");
    for (int t = 0; t < target_count; t++) printf("---|");
    printf("\n");
    for (int i = 0; i < IR_OP_COUNT; i++) {
        printf("| `%s` |", op_label(i));
        for (int t = 0; t < target_count; t++) {
            const struct target_row *r = &target_list[t]->rows[i];
            printf(" %s%s |", code(r->status), r->rule ? "*" : "");
        }
        printf("\n");
    }
    for (int t = 0; t < target_count; t++) {
        const struct target *tg = target_list[t];
        printf("\n## %s\n\n", tg->name);
        cell(tg->title);
        printf("; rules describe ");
        cell(tg->version);
        printf(". Source: ");
        cell(tg->source);
        printf(".\n\n");
        if (tg->unknown && tg->unknown[0]) {
            printf("Not in the public sources (answered conservatively): ");
            cell(tg->unknown);
            printf("\n\n");
        }
        if (tg->takes == TARGET_TAKES_TFLITE)
            printf("Every ONNX op: **C**, %s.\n\n", tg->rows[IR_OP_ADD].why);
        else
            printf("Every TFLite builtin (`tfl.*`): **U**, %s.\n\n", tg->rows[IR_OP_TFL_ADD].why);
        printf("| op | answer | why |\n|---|---|---|\n");
        for (int i = 0; i < IR_OP_COUNT; i++) {
            if (generated_row(tg, i)) continue;
            const struct target_row *r = &tg->rows[i];
            printf("| `%s` | %s%s | ", op_label(i), check_status_name(r->status),
                   r->rule ? " *" : "");
            cell(r->why);
            if (r->substitute) {
                printf(" → ");
                cell(r->substitute);
            }
            printf(" |\n");
        }
    }
    return 0;
}
