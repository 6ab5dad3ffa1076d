/* ferry inspect MODEL [--json] [--dot FILE] */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/json.h"
#include "formats/format.h"
#include "inspect/inspect.h"

static const char usage[] =
    "usage: ferry inspect MODEL [--json] [--dot FILE]\n"
    "\n"
    "Summarizes MODEL (.onnx, .tflite): format, producer, opsets, inputs and outputs\n"
    "with their dtypes, shapes and quantization, node and op counts (with TFLite op\n"
    "versions), parameters, TFLite signatures, reader warnings, and findings that\n"
    "matter when converting or deploying it (BatchNorms not folded, constant\n"
    "subgraphs, control flow, dynamic dims, ops ferry does not know, ...).\n"
    "  --json      print one JSON document instead (fields in DESIGN.md)\n"
    "  --dot FILE  also write the main graph as Graphviz to FILE\n";

#define WIDTH 100   /* wrap long lines here */
#define LABEL 11    /* width of the left column */
#define KIND 24     /* findings: messages start here, after the kind */
#define MAX_PER_KIND 4      /* findings of one kind shown in full, */
#define EXAMPLES_PER_KIND 2 /* else this many and a count */

/* ---- text ---- */

/* All text goes through here: names come from the file, and a control
 * character in one (an escape sequence, a carriage return) must not reach
 * the terminal. GLUE joins words that wrapping must keep together. */
#define GLUE '\x01'

static void emit(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        putchar(c == GLUE ? ' ' : c == '\n' || (c >= 0x20 && c != 0x7f) ? c : '?');
    }
}

/* Text from the file, newlines included, made printable on one line. Kept
 * in a few rotating buffers so one tprintf can take several. */
static const char *safe(const char *s)
{
    static char bufs[8][1024];
    static int k;
    char *b = bufs[k++ & 7];
    size_t n = 0;
    for (; s && *s && n + 1 < sizeof bufs[0]; s++, n++) {
        unsigned char c = (unsigned char)*s;
        b[n] = c < 0x20 || c == 0x7f ? '?' : (char)c;
    }
    b[n] = 0;
    return b;
}

static void tprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void tprintf(const char *fmt, ...)
{
    char buf[8192];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > 0) emit(buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

/* Wrapped text is one paragraph: a newline in it came from a name. */
static void emit_flat(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) emit(p[i] == '\n' ? "?" : p + i, 1);
}

/* "12,345,678" */
static void thousands(uint64_t v, char *buf, size_t cap)
{
    char digits[32];
    int n = snprintf(digits, sizeof digits, "%" PRIu64, v);
    size_t k = 0;
    for (int i = 0; i < n && k + 2 < cap; i++) {
        if (i && (n - i) % 3 == 0) buf[k++] = ',';
        buf[k++] = digits[i];
    }
    buf[k] = 0;
}

/* Prints text from column col on (after a space when col is past indent),
 * wrapping at spaces to WIDTH with lines continued at column indent. */
static void print_wrapped(const char *text, int col, int indent)
{
    const char *p = text;
    while (*p) {
        const char *sp = strchr(p, ' ');
        int word = sp ? (int)(sp - p) : (int)strlen(p);
        if (col > indent && col + 1 + word > WIDTH) {
            tprintf("\n%*s", indent, "");
            col = indent;
        } else if (col > indent) {
            emit(" ", 1);
            col++;
        }
        emit_flat(p, (size_t)word);
        col += word;
        p += word;
        while (*p == ' ') p++;
    }
    emit("\n", 1);
}

/* Inputs and outputs share their columns, so the two tables read as one. */
struct columns {
    int name, type;
};

static void widen(struct columns *c, const struct inspect_value *v, int n)
{
    for (int i = 0; i < n; i++) {
        int w = (int)strlen(v[i].name);
        if (w > c->name) c->name = w > 40 ? 40 : w;
        w = (int)strlen(v[i].dtype ? v[i].dtype : "?");
        if (w > c->type) c->type = w;
    }
}

/* "q(0.0078431, -1)", or for per-axis parameters "q(32 scales along dim 0)". */
static void quant_str(const struct ir_quant *q, char *buf, size_t cap)
{
    buf[0] = 0;
    if (!q || !q->count) return;
    if (q->count == 1 && q->axis < 0)
        snprintf(buf, cap, "  q(%.8g, %" PRId64 ")", (double)q->scale[0], q->zero_point[0]);
    else
        snprintf(buf, cap, "  q(%d scales along dim %d)", q->count, q->axis);
}

static void print_values(const char *label, const struct inspect_value *v, int n,
                         const struct columns *c)
{
    if (!n) tprintf("  %-*s (none)\n", LABEL - 2, label);
    for (int i = 0; i < n; i++) {
        char shape[512], quant[96];
        inspect_shape_str(v[i].rank, v[i].dims, shape, sizeof shape);
        quant_str(v[i].quant, quant, sizeof quant);
        tprintf("  %-*s %-*s  %-*s  %s%s\n", LABEL - 2, i ? "" : label, c->name, safe(v[i].name),
                c->type, v[i].dtype ? v[i].dtype : "?", safe(shape), quant);
    }
}

/* "v1", "v1,v3": the op versions in a bit set. */
static void versions_str(uint64_t versions, char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = 0;
    for (int v = 1; v < 64 && len < cap; v++)
        if (versions >> v & 1) {
            int w = snprintf(buf + len, cap - len, "%sv%d", len ? "," : "", v);
            len = w < 0 ? cap : len + (size_t)w;
        }
}

/* "20 Conv, 17 Relu, 8 Add, ..." wrapped under the label. */
static void print_ops(const struct inspect_report *r)
{
    char line[8192] = "";
    size_t len = 0;
    for (int i = 0; i < r->n_op_counts && len < sizeof line; i++) {
        char versions[200];
        versions_str(r->op_counts[i].versions, versions, sizeof versions);
        int w = snprintf(line + len, sizeof line - len, "%s%" PRId64 "%c%s%s%s", i ? ", " : "",
                         r->op_counts[i].count, GLUE, r->op_counts[i].op_type,
                         versions[0] ? "\x01" : "", versions);
        if (w < 0) break;
        len += (size_t)w;
    }
    tprintf("  %-*s ", LABEL - 2, "ops");
    print_wrapped(line, LABEL + 1, LABEL + 1);
}

static void print_findings(const struct inspect_report *r)
{
    if (!r->n_findings) {
        tprintf("\nfindings: none\n");
        return;
    }
    tprintf("\nfindings (%d)\n", r->n_findings);
    for (int i = 0; i < r->n_findings;) {
        const char *kind = r->findings[i].kind;
        int end = i;
        while (end < r->n_findings && !strcmp(r->findings[end].kind, kind)) end++;
        /* a long run of one kind (52 BatchNorms) shows a few and a count */
        int shown = end - i > MAX_PER_KIND ? EXAMPLES_PER_KIND : end - i;
        for (int k = i; k < i + shown; k++) {
            const struct inspect_finding *f = &r->findings[k];
            tprintf("  %-*s ", KIND - 3, k == i ? kind : "");
            if (!f->node) {
                print_wrapped(f->message, KIND, KIND);
                continue;
            }
            /* "'node': message", the node name kept whole */
            char head[512];
            snprintf(head, sizeof head, "'%s':", safe(f->node));
            for (char *p = head; *p; p++)
                if (*p == ' ') *p = GLUE;
            emit(head, strlen(head));
            int col = KIND + (int)strlen(head);
            print_wrapped(f->message, col > WIDTH ? WIDTH : col, KIND);
        }
        if (end - i > shown)
            tprintf("  %-*s ... and %d more like %s (--json lists all %d)\n", KIND - 3, "",
                    end - i - shown, shown == 1 ? "it" : "these", end - i);
        i = end;
    }
}

static void print_text(const struct inspect_report *r)
{
    tprintf("%s\n", safe(r->path));
    char producer[300] = "";
    if (r->producer_name[0] || r->producer_version[0])
        snprintf(producer, sizeof producer, ", produced by %s%s%s", safe(r->producer_name),
                 r->producer_name[0] && r->producer_version[0] ? " " : "",
                 safe(r->producer_version));
    if (r->ir_version)
        tprintf("  %-*s %s (IR version %" PRId64 ")%s\n", LABEL - 2, "format", r->format,
                r->ir_version, producer);
    else
        tprintf("  %-*s %s%s\n", LABEL - 2, "format", r->format, producer);
    if (r->has_opsets) {
        tprintf("  %-*s ", LABEL - 2, "opsets");
        for (int i = 0; i < r->n_opsets; i++)
            tprintf("%s%s %" PRId64, i ? ", " : "",
                    r->opsets[i].domain[0] ? safe(r->opsets[i].domain) : "ai.onnx",
                    r->opsets[i].version);
        tprintf("%s\n", r->n_opsets ? "" : "(none)");
    }
    struct columns cols = {0, 0};
    widen(&cols, r->inputs, r->n_inputs);
    widen(&cols, r->outputs, r->n_outputs);
    print_values("inputs", r->inputs, r->n_inputs, &cols);
    print_values("outputs", r->outputs, r->n_outputs, &cols);
    tprintf("  %-*s %" PRId64, LABEL - 2, "nodes", r->node_count);
    if (r->subgraph_node_count) tprintf(" (+%" PRId64 " in subgraphs)", r->subgraph_node_count);
    tprintf("\n");
    if (r->n_op_counts) print_ops(r);
    char count[40], human[32];
    thousands(r->param_count, count, sizeof count);
    inspect_human_bytes(r->weight_bytes, human, sizeof human);
    tprintf("  %-*s %s (%s)\n", LABEL - 2, "params", count, human);
    /* "'serving_default' (subgraph 0): inputs x='t:0'; outputs y='u:0'" */
    for (int i = 0; i < r->n_signatures; i++) {
        const struct ir_tflite_signature *sg = &r->signatures[i];
        char text[4096];
        size_t len = 0;
#define ADD(...)                                                                               \
    do {                                                                                       \
        if (len < sizeof text) {                                                               \
            int w_ = snprintf(text + len, sizeof text - len, __VA_ARGS__);                     \
            len = w_ < 0 ? sizeof text : len + (size_t)w_;                                     \
        }                                                                                      \
    } while (0)
        ADD("'%s' (subgraph %d):", safe(sg->key), sg->subgraph_index);
        for (int io = 0; io < 2; io++) {
            int n = io ? sg->n_outputs : sg->n_inputs;
            ADD("%s %s", io ? ";" : "", io ? "outputs" : "inputs");
            for (int k = 0; k < n; k++) {
                const struct ir_tflite_tensor_ref *t = io ? &sg->outputs[k] : &sg->inputs[k];
                ADD("%s %s\x01=\x01'%s'", k ? "," : "", safe(t->name), safe(t->tensor->name));
            }
        }
#undef ADD
        tprintf("  %-*s ", LABEL - 2, i ? "" : "signature");
        print_wrapped(text, LABEL + 1, LABEL + 3);
    }
    if (r->n_warnings) {
        tprintf("\nwarnings (%d)\n", r->n_warnings);
        for (int i = 0; i < r->n_warnings; i++) {
            tprintf("  - ");
            print_wrapped(safe(r->warnings[i]), 4, 4);
        }
    }
    print_findings(r);
}

/* ---- JSON ---- */

static void json_value(struct json *j, const struct inspect_value *v)
{
    json_object_inline(j);
    json_key_string(j, "name", v->name);
    json_key_string(j, "dtype", v->dtype);
    json_key(j, "shape");
    if (v->rank < 0) {
        json_null(j);
    } else {
        json_array(j);
        for (int i = 0; i < v->rank; i++) {
            if (v->dims[i].value >= 0) json_int(j, v->dims[i].value);
            else json_string(j, v->dims[i].param); /* NULL: unknown, null */
        }
        json_end(j);
    }
    json_key(j, "quantization");
    if (!v->quant) {
        json_null(j);
    } else {
        json_object_inline(j);
        json_key(j, "scale");
        json_array(j);
        for (int i = 0; i < v->quant->count; i++) json_float(j, v->quant->scale[i]);
        json_end(j);
        json_key(j, "zero_point");
        json_array(j);
        for (int i = 0; i < v->quant->count; i++) json_int(j, v->quant->zero_point[i]);
        json_end(j);
        json_key(j, "axis");
        if (v->quant->axis >= 0) json_int(j, v->quant->axis);
        else json_null(j);
        json_end(j);
    }
    json_end(j);
}

static int print_json(const struct inspect_report *r)
{
    struct json j;
    json_init(&j, stdout, true);
    json_object(&j);
    json_key_string(&j, "format", r->format);
    json_key(&j, "producer");
    json_object_inline(&j);
    json_key_string(&j, "name", r->producer_name);
    json_key_string(&j, "version", r->producer_version);
    json_end(&j);
    json_key(&j, "ir_version");
    if (r->ir_version) json_int(&j, r->ir_version);
    else json_null(&j);
    json_key(&j, "opset");
    if (r->has_opsets) {
        json_object_inline(&j);
        for (int i = 0; i < r->n_opsets; i++) json_key_int(&j, r->opsets[i].domain, r->opsets[i].version);
        json_end(&j);
    } else {
        json_null(&j);
    }
    json_key(&j, "inputs");
    json_array(&j);
    for (int i = 0; i < r->n_inputs; i++) json_value(&j, &r->inputs[i]);
    json_end(&j);
    json_key(&j, "outputs");
    json_array(&j);
    for (int i = 0; i < r->n_outputs; i++) json_value(&j, &r->outputs[i]);
    json_end(&j);
    json_key_int(&j, "node_count", r->node_count);
    json_key_int(&j, "subgraph_node_count", r->subgraph_node_count);
    json_key(&j, "op_counts");
    json_object(&j);
    for (int i = 0; i < r->n_op_counts; i++)
        json_key_int(&j, r->op_counts[i].op_type, r->op_counts[i].count);
    json_end(&j);
    json_key(&j, "op_versions");
    json_object(&j);
    for (int i = 0; i < r->n_op_counts; i++) {
        if (!r->op_counts[i].versions) continue;
        json_key(&j, r->op_counts[i].op_type);
        json_array_inline(&j);
        for (int v = 1; v < 64; v++)
            if (r->op_counts[i].versions >> v & 1) json_int(&j, v);
        json_end(&j);
    }
    json_end(&j);
    json_key(&j, "signatures");
    json_array(&j);
    for (int i = 0; i < r->n_signatures; i++) {
        const struct ir_tflite_signature *sg = &r->signatures[i];
        json_object(&j);
        json_key_string(&j, "key", sg->key);
        json_key_int(&j, "subgraph", sg->subgraph_index);
        for (int io = 0; io < 2; io++) {
            json_key(&j, io ? "outputs" : "inputs");
            json_array(&j);
            int n = io ? sg->n_outputs : sg->n_inputs;
            for (int k = 0; k < n; k++) {
                const struct ir_tflite_tensor_ref *t = io ? &sg->outputs[k] : &sg->inputs[k];
                json_object_inline(&j);
                json_key_string(&j, "name", t->name);
                json_key_string(&j, "tensor", t->tensor->name);
                json_key_int(&j, "tensor_index", t->tensor_index);
                json_end(&j);
            }
            json_end(&j);
        }
        json_end(&j);
    }
    json_end(&j);
    json_key(&j, "warnings");
    json_array(&j);
    for (int i = 0; i < r->n_warnings; i++) json_string(&j, r->warnings[i]);
    json_end(&j);
    json_key_uint(&j, "param_count", r->param_count);
    json_key_uint(&j, "weight_bytes", r->weight_bytes);
    json_key(&j, "findings");
    json_array(&j);
    for (int i = 0; i < r->n_findings; i++) {
        json_object_inline(&j);
        json_key_string(&j, "kind", r->findings[i].kind);
        json_key_string(&j, "node", r->findings[i].node);
        json_key_string(&j, "message", r->findings[i].message);
        json_end(&j);
    }
    json_end(&j);
    json_end(&j);
    return json_finish(&j);
}

int cmd_inspect(int argc, char **argv)
{
    const char *path = NULL, *dot = NULL;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(usage, stdout);
            return EXIT_OK;
        } else if (!strcmp(argv[i], "--json")) {
            json = 1;
        } else if (!strcmp(argv[i], "--dot")) {
            if (++i >= argc) return cli_usage_error("inspect", "--dot needs a file");
            dot = argv[i];
        } else if (!strcmp(argv[i], "--html")) {
            return cli_usage_error("inspect", "--html is not supported yet");
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_usage_error("inspect", "unknown option '%s'", argv[i]);
        } else if (!path) {
            path = argv[i];
        } else {
            return cli_usage_error("inspect", "unexpected argument '%s'", argv[i]);
        }
    }
    if (!path) return cli_usage_error("inspect", "needs a MODEL");

    struct fy_error err = {0};
    struct ir_model *m = NULL;
    fy_status st = format_read_model(path, &m, &err);
    if (st) return cli_report(&err);
    struct inspect_report r;
    st = inspect_model(m, &r, &err);
    if (!st && dot) {
        const char *inputs[1] = {path};
        err_clear(&err);
        err_set_file(&err, dot);
        st = inspect_write_dot(m, dot, inputs, 1, &err);
    }
    if (st) {
        inspect_report_free(&r);
        ir_model_free(m);
        return cli_report(&err);
    }
    int rc = EXIT_OK;
    if (json) {
        if (print_json(&r)) rc = EXIT_INTERNAL;
    } else {
        print_text(&r);
        if (fflush(stdout) || ferror(stdout)) rc = EXIT_INTERNAL;
    }
    inspect_report_free(&r);
    ir_model_free(m);
    return rc;
}
