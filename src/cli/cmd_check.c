/* ferry check MODEL [--target T[,T...]] [--shape NAME=DIMS] [--json]: argument
 * parsing and printing; the work is check_model (src/targets). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/json.h"
#include "targets/check.h"

static const char usage[] =
    "usage: ferry check MODEL [--target T[,T...]] [--shape NAME=DIMS] [--all] [--json]\n"
    "\n"
    "Says, for every node and every target runtime, whether the node runs natively,\n"
    "falls back to the CPU (or a slow path), is substituted by an approximation or\n"
    "decomposition, or is unsupported, with the rule and the value that decides.\n"
    "TFLite targets judge an ONNX model through ferry's own ONNX-to-TFLite\n"
    "conversion, so check and convert agree.\n"
    "  --target T,...   tflite, tflite-gpu, tflite-micro, edgetpu, tensorrt, openvino,\n"
    "                   hailo8, onnxruntime, onnx-opsetN (default: all but\n"
    "                   onnx-opsetN, which needs its N)\n"
    "  --shape NAME=DIMS fix an input's dynamic dims first (e.g. x=1x3x224x224)\n"
    "  --all            list every node's answers, not only those that are not native\n"
    "  --json           one JSON document on stdout\n"
    "Exit: 0 every node runs on every target asked, 1 some node is unsupported,\n"
    "2 usage, 3 unreadable or malformed model, 4 internal error\n";

#define MAX_TARGETS 32
#define MAX_SHAPES 32

static const char *short_status(enum check_status s)
{
    switch (s) {
    case CHECK_NATIVE: return "native";
    case CHECK_FALLBACK: return "fallback";
    case CHECK_SUBSTITUTED: return "substituted";
    case CHECK_UNSUPPORTED: return "UNSUPPORTED";
    default: return "?";
    }
}

static void print_json(const char *path, const struct check_report *r)
{
    struct json j;
    json_init(&j, stdout, true);
    json_object(&j);
    json_key_string(&j, "model", path);
    json_key_string(&j, "format", r->format);
    json_key_string(&j, "verdict", check_status_name(r->verdict));
    json_key(&j, "targets");
    json_array(&j);
    for (int t = 0; t < r->n_targets; t++) {
        const struct check_target_report *tr = &r->targets[t];
        json_object(&j);
        json_key_string(&j, "name", tr->name);
        json_key_string(&j, "title", tr->target->title);
        json_key_string(&j, "version", tr->target->version);
        json_key_string(&j, "source", tr->target->source);
        json_key_string(&j, "verdict", check_status_name(tr->verdict));
        json_key(&j, "counts");
        json_object_inline(&j);
        for (int s = CHECK_NATIVE; s <= CHECK_UNSUPPORTED; s++)
            json_key_int(&j, check_status_name((enum check_status)s), tr->counts[s]);
        json_end(&j);
        json_key(&j, "partitions");
        if (tr->target->partition == TARGET_PARTITION_NONE) {
            json_null(&j);
        } else {
            json_array(&j);
            for (int p = 0; p < tr->n_partitions; p++) {
                json_object_inline(&j);
                json_key_string(&j, "device", tr->partitions[p].device);
                json_key_string(&j, "first", tr->partitions[p].first);
                json_key_string(&j, "last", tr->partitions[p].last);
                json_key_int(&j, "nodes", tr->partitions[p].nodes);
                json_end(&j);
            }
            json_end(&j);
        }
        if (tr->note) json_key_string(&j, "note", tr->note);
        json_end(&j);
    }
    json_end(&j);
    json_key(&j, "nodes");
    json_array(&j);
    for (int i = 0; i < r->n_nodes; i++) {
        const struct check_node_report *n = &r->nodes[i];
        json_object(&j);
        json_key_string(&j, "name", n->name);
        json_key_string(&j, "op", n->op);
        json_key(&j, "results");
        json_object(&j);
        for (int t = 0; t < r->n_targets; t++) {
            const struct check_verdict *v = &n->results[t];
            json_key(&j, r->targets[t].name);
            json_object_inline(&j);
            json_key_string(&j, "status", check_status_name(v->status));
            json_key_string(&j, "rule", v->rule);
            json_key_string(&j, "detail", v->detail);
            json_key_string(&j, "substitute", v->substitute);
            json_end(&j);
        }
        json_end(&j);
        json_end(&j);
    }
    json_end(&j);
    json_key(&j, "notes");
    json_array(&j);
    for (int i = 0; i < r->n_notes; i++) json_string(&j, r->notes[i]);
    json_end(&j);
    json_end(&j);
    json_finish(&j);
}

static void print_text(const char *path, const struct check_report *r, bool all)
{
    printf("%s (%s): %d nodes, %d target%s: %s\n", path, r->format, r->n_nodes, r->n_targets,
           r->n_targets == 1 ? "" : "s", check_status_name(r->verdict));
    for (int i = 0; i < r->n_notes; i++) printf("note: %s\n", r->notes[i]);
    printf("\n%-14s %-12s %7s %9s %12s %12s  %s\n", "target", "verdict", "native", "fallback",
           "substituted", "unsupported", "rules for");
    for (int t = 0; t < r->n_targets; t++) {
        const struct check_target_report *tr = &r->targets[t];
        printf("%-14s %-12s %7d %9d %12d %12d  %s%s%s\n", tr->name, short_status(tr->verdict),
               tr->counts[CHECK_NATIVE], tr->counts[CHECK_FALLBACK],
               tr->counts[CHECK_SUBSTITUTED], tr->counts[CHECK_UNSUPPORTED],
               tr->target->version, tr->note ? "; " : "", tr->note ? tr->note : "");
        if (tr->n_partitions > 1 || (tr->n_partitions == 1 && tr->target->partition)) {
            printf("%-14s partitions:", "");
            for (int p = 0; p < tr->n_partitions; p++)
                printf("%s %s %d node%s ('%s'..'%s')", p ? " |" : "", tr->partitions[p].device,
                       tr->partitions[p].nodes, tr->partitions[p].nodes == 1 ? "" : "s",
                       tr->partitions[p].first, tr->partitions[p].last);
            printf("\n");
        }
    }
    /* the matrix: nodes not native everywhere (or all with --all) */
    int shown = 0, wn = 4, wo = 2;
    for (int i = 0; i < r->n_nodes; i++) {
        const struct check_node_report *n = &r->nodes[i];
        if ((int)strlen(n->name) > wn) wn = (int)strlen(n->name);
        if ((int)strlen(n->op) > wo) wo = (int)strlen(n->op);
    }
    wn = wn > 48 ? 48 : wn;
    wo = wo > 24 ? 24 : wo;
    for (int i = 0; i < r->n_nodes; i++) {
        const struct check_node_report *n = &r->nodes[i];
        bool plain = true;
        for (int t = 0; t < r->n_targets; t++)
            if (n->results[t].status != CHECK_NATIVE) plain = false;
        if (plain && !all) continue;
        if (!shown++) {
            printf("\n%-*s %-*s", wn, "node", wo, "op");
            for (int t = 0; t < r->n_targets; t++) printf(" %-12s", r->targets[t].name);
            printf("\n");
        }
        printf("%-*.*s %-*.*s", wn, wn, n->name, wo, wo, n->op);
        for (int t = 0; t < r->n_targets; t++) printf(" %-12s", short_status(n->results[t].status));
        printf("\n");
    }
    if (!shown) printf("\nevery node is native on every target\n");
    /* why: each distinct answer once, with the nodes it applies to (a
     * whole-model rule would otherwise repeat for every node) */
    int why = 0;
    for (int t = 0; t < r->n_targets; t++)
        for (int i = 0; i < r->n_nodes; i++) {
            const struct check_verdict *v = &r->nodes[i].results[t];
            if (v->status == CHECK_NATIVE && !all) continue;
            bool seen = false;
            for (int k = 0; k < i && !seen; k++) {
                const struct check_verdict *w = &r->nodes[k].results[t];
                seen = w->status == v->status && !strcmp(w->detail, v->detail) &&
                       !strcmp(w->rule ? w->rule : "", v->rule ? v->rule : "");
            }
            if (seen) continue;
            int count = 0;
            for (int k = i; k < r->n_nodes; k++) {
                const struct check_verdict *w = &r->nodes[k].results[t];
                count += w->status == v->status && !strcmp(w->detail, v->detail) &&
                         !strcmp(w->rule ? w->rule : "", v->rule ? v->rule : "");
            }
            if (!why++) printf("\nwhy:\n");
            if (count == 1)
                printf("  %s: %s (%s): %s [%s] %s%s%s\n", r->targets[t].name, r->nodes[i].name,
                       r->nodes[i].op, check_status_name(v->status), v->rule ? v->rule : "",
                       v->detail, v->substitute ? " -> " : "", v->substitute ? v->substitute : "");
            else
                printf("  %s: %d nodes from %s (%s): %s [%s] %s%s%s\n", r->targets[t].name, count,
                       r->nodes[i].name, r->nodes[i].op, check_status_name(v->status),
                       v->rule ? v->rule : "", v->detail, v->substitute ? " -> " : "",
                       v->substitute ? v->substitute : "");
        }
}

int cmd_check(int argc, char **argv)
{
    const char *model = NULL;
    bool json = false, all = false;
    struct check_request req[MAX_TARGETS];
    struct ir_input_shape shapes[MAX_SHAPES];
    int n_req = 0, n_shapes = 0, rc = EXIT_USAGE;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage, stdout);
            rc = EXIT_OK;
            goto out;
        } else if (!strcmp(a, "--json")) {
            json = true;
        } else if (!strcmp(a, "--all")) {
            all = true;
        } else if (!strcmp(a, "--target") || !strcmp(a, "-t")) {
            if (++i >= argc) {
                rc = cli_usage_error("check", "--target needs a name");
                goto out;
            }
            char *list = strdup(argv[i]);
            if (!list) goto out;
            for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok;
                 tok = strtok_r(NULL, ",", &save)) {
                int64_t opset = 0;
                const struct target *t = target_find(tok, &opset);
                if (!t || n_req >= MAX_TARGETS) {
                    rc = cli_usage_error("check",
                                         "unknown target '%s'; targets: tflite, tflite-gpu, "
                                         "tflite-micro, edgetpu, tensorrt, openvino, hailo8, "
                                         "onnxruntime, onnx-opsetN",
                                         tok);
                    free(list);
                    goto out;
                }
                req[n_req].target = t;
                req[n_req].opset = opset;
                n_req++;
            }
            free(list);
        } else if (!strcmp(a, "--shape")) {
            if (++i >= argc || n_shapes >= MAX_SHAPES || cli_parse_shape(argv[i], &shapes[n_shapes])) {
                rc = cli_usage_error("check", "--shape takes NAME=DIMS (e.g. x=1x3x224x224)");
                goto out;
            }
            n_shapes++;
        } else if (a[0] == '-' && a[1]) {
            rc = cli_usage_error("check", "unknown option '%s'", a);
            goto out;
        } else if (!model) {
            model = a;
        } else {
            rc = cli_usage_error("check", "unexpected argument '%s'", a);
            goto out;
        }
    }
    if (!model) {
        rc = cli_usage_error("check", "needs a MODEL");
        goto out;
    }
    if (!n_req)
        for (int t = 0; t < target_count; t++) {
            int64_t opset = 0;
            if (target_find(target_list[t]->name, &opset) != target_list[t]) continue;
            req[n_req].target = target_list[t];
            req[n_req].opset = 0;
            n_req++;
        }
    struct check_report r;
    struct fy_error err = {0};
    err_clear(&err);
    fy_status st = check_model(model, req, n_req, shapes, n_shapes, &r, &err);
    if (st) {
        rc = st == FY_EUSAGE ? cli_usage_error("check", "%s", err.message) : cli_report(&err);
    } else {
        if (json) print_json(model, &r);
        else print_text(model, &r, all);
        rc = r.verdict == CHECK_UNSUPPORTED ? EXIT_FAILED : EXIT_OK;
    }
    check_report_free(&r);
out:
    for (int i = 0; i < n_shapes; i++) free((char *)shapes[i].name);
    return rc;
}
