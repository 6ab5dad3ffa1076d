/* ferry convert IN -o OUT [--to onnx|tflite] [--shape NAME=DIMS] [--io-layout nchw|nhwc]
 *               [--json] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/json.h"
#include "formats/format.h"
#include "passes/pass.h"

static const char usage[] =
    "usage: ferry convert IN -o OUT [--to onnx|tflite] [--shape NAME=DIMS]\n"
    "                     [--io-layout nchw|nhwc] [--json]\n"
    "\n"
    "Converts IN to the format --to names, or the one OUT's extension names\n"
    "(.onnx, .tflite). ONNX to TFLite runs the conversion passes (constant\n"
    "folding, BatchNorm folding, activation fusion, lowering to TFLite builtins,\n"
    "NHWC layout); a model with a node that has no TFLite builtin mapping is\n"
    "refused, every such node listed, before anything is written (exit 3). The\n"
    "same format in and out rewrites the model. The output is written to a\n"
    "temporary file and renamed, and is never written over the input.\n"
    "  --to onnx|tflite     target format (default: from OUT's extension)\n"
    "  --shape NAME=DIMS    fix input NAME's shape, e.g. input=1x3x224x224\n"
    "                       (symbolic dims left unfixed become 1)\n"
    "  --io-layout L        nchw (default): inputs and outputs keep the source's\n"
    "                       layout; nhwc: image-like (rank-4) inputs and outputs\n"
    "                       become NHWC, with no boundary transposes\n"
    "  --json               print a JSON report on stdout\n"
    "Exit: 0 written, 2 usage, 3 unreadable or unsupported input, 4 internal error\n";

#define MAX_SHAPES 32

static void print_notes(struct json *j, const char *key, const struct pass_note_list *l,
                        const char *k1, const char *k2, const char *k3)
{
    json_key(j, key);
    json_array(j);
    for (int i = 0; i < l->count; i++) {
        json_object_inline(j);
        if (k1) json_key_string(j, k1, l->items[i].node);
        if (k2) json_key_string(j, k2, l->items[i].op);
        json_key_string(j, k3, l->items[i].text);
        json_end(j);
    }
    json_end(j);
}

static void report_json(const struct pass_report *r, const char *out, const char *format,
                        const struct fy_error *err)
{
    struct json j;
    json_init(&j, stdout, true);
    json_object(&j);
    if (out) json_key_string(&j, "output", out);
    else json_key_null(&j, "output");
    json_key_string(&j, "format", format);
    json_key(&j, "passes");
    json_array(&j);
    for (int i = 0; r && i < r->n_stats; i++) {
        json_object_inline(&j);
        json_key_string(&j, "name", r->stats[i].name);
        json_key_int(&j, "changes", r->stats[i].changes);
        json_key_double(&j, "ms", (double)(int64_t)(r->stats[i].seconds * 1e5) / 100.0);
        json_end(&j);
    }
    json_end(&j);
    json_key_int(&j, "batchnorms_folded", r ? r->batchnorms_folded : 0);
    json_key_int(&j, "activations_fused", r ? r->activations_fused : 0);
    json_key_int(&j, "constants_folded", r ? r->constants_folded : 0);
    static const struct pass_note_list empty = {0};
    print_notes(&j, "transposes", r ? &r->transposes : &empty, "node", NULL, "reason");
    print_notes(&j, "decompositions", r ? &r->decompositions : &empty, "node", "op", "into");
    print_notes(&j, "unsupported", r ? &r->unsupported : &empty, "node", "op", "reason");
    print_notes(&j, "warnings", r ? &r->warnings : &empty, NULL, NULL, "message");
    if (err && err->status) {
        char buf[1200];
        fy_error_format(err, buf, sizeof buf);
        json_key_string(&j, "error", buf);
    }
    json_end(&j);
    json_finish(&j);
}

int cmd_convert(int argc, char **argv)
{
    const char *in = NULL, *out = NULL, *to = NULL, *io = NULL;
    int json = 0, n_shapes = 0, rc = EXIT_OK;
    struct ir_input_shape shapes[MAX_SHAPES];
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(usage, stdout);
            rc = EXIT_OK;
            goto done;
        } else if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) {
            if (++i >= argc) return cli_usage_error("convert", "-o needs a file");
            out = argv[i];
        } else if (!strcmp(argv[i], "--to")) {
            if (++i >= argc) return cli_usage_error("convert", "--to needs a format");
            to = argv[i];
        } else if (!strcmp(argv[i], "--io-layout")) {
            if (++i >= argc) return cli_usage_error("convert", "--io-layout needs nchw or nhwc");
            io = argv[i];
            if (strcmp(io, "nchw") && strcmp(io, "nhwc"))
                return cli_usage_error("convert", "--io-layout takes nchw or nhwc, not '%s'", io);
        } else if (!strcmp(argv[i], "--shape")) {
            if (++i >= argc) return cli_usage_error("convert", "--shape needs NAME=DIMS");
            if (n_shapes >= MAX_SHAPES)
                return cli_usage_error("convert", "at most %d --shape options", MAX_SHAPES);
            if (cli_parse_shape(argv[i], &shapes[n_shapes])) {
                rc = cli_usage_error("convert", "--shape takes NAME=DIMS (e.g. x=1x3x224x224), "
                                                "not '%s'", argv[i]);
                goto done;
            }
            n_shapes++;
        } else if (!strcmp(argv[i], "--json")) {
            json = 1;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            rc = cli_usage_error("convert", "unknown option '%s'", argv[i]);
            goto done;
        } else if (!in) {
            in = argv[i];
        } else {
            rc = cli_usage_error("convert", "unexpected argument '%s'", argv[i]);
            goto done;
        }
    }
    if (!in || !out) {
        rc = cli_usage_error("convert", "needs IN and -o OUT");
        goto done;
    }
    enum ir_format f = to ? format_from_name(to) : format_from_extension(out);
    if (f == IR_FORMAT_NONE) {
        rc = cli_usage_error("convert", to ? "unknown format '%s'" : "cannot tell the format "
                                                                     "of '%s' from its "
                                                                     "extension; use --to",
                             to ? to : out);
        goto done;
    }
    struct fy_error err = {0};
    struct ir_model *m = NULL;
    fy_status st = format_read_model(in, &m, &err);
    if (st) {
        rc = cli_report(&err);
        goto done;
    }
    struct pass_report rep;
    pass_report_init(&rep);
    bool converted = false;
    if (m->format != f) {
        if (!(m->format == IR_FORMAT_ONNX && f == IR_FORMAT_TFLITE)) {
            fprintf(stderr, "ferry convert: converting %s to %s is not supported yet\n",
                    format_name(m->format), format_name(f));
            rc = EXIT_BAD_INPUT;
            goto free_model;
        }
        rep.opt.io_nhwc = io && !strcmp(io, "nhwc");
        rep.opt.shapes = shapes;
        rep.opt.n_shapes = n_shapes;
        err_clear(&err);
        st = pass_run_list(m, pass_tflite_pipeline, pass_tflite_pipeline_len, &rep, &err);
        if (!st) st = pass_finish_tflite(m, &rep, in, &err);
        if (st) {
            if (json) {
                report_json(&rep, NULL, format_name(f), &err);
                rc = cli_exit_code(st);
            } else {
                rc = cli_report(&err);
                if (rep.unsupported.count) {
                    fprintf(stderr, "%d node%s without a TFLite builtin mapping:\n",
                            rep.unsupported.count, rep.unsupported.count == 1 ? "" : "s");
                    for (int i = 0; i < rep.unsupported.count; i++)
                        fprintf(stderr, "  '%s' (%s): %s\n", rep.unsupported.items[i].node,
                                rep.unsupported.items[i].op, rep.unsupported.items[i].text);
                }
            }
            goto free_model;
        }
        converted = true;
    } else if (n_shapes || io) {
        fprintf(stderr, "ferry convert: --shape and --io-layout apply to conversions between "
                        "formats\n");
        rc = EXIT_USAGE;
        goto free_model;
    }
    const char *inputs[1] = {in};
    err_clear(&err);
    err_set_file(&err, out);
    st = format_write_model(m, out, f, inputs, 1, &err);
    if (st) {
        rc = cli_report(&err);
        goto free_model;
    }
    if (json) {
        report_json(&rep, out, format_name(f), NULL);
    } else if (converted) {
        for (int i = 0; i < rep.warnings.count; i++)
            fprintf(stderr, "ferry convert: warning: %s\n", rep.warnings.items[i].text);
        printf("wrote %s (%s, %d ops)\n", out, format_name(f), m->graph->n_nodes);
        printf("  batchnorms folded    %d\n", rep.batchnorms_folded);
        printf("  activations fused    %d\n", rep.activations_fused);
        printf("  constants folded     %d\n", rep.constants_folded);
        printf("  transposes           %d\n", rep.transposes.count);
        for (int i = 0; i < rep.transposes.count; i++)
            printf("    %s: %s\n", rep.transposes.items[i].node, rep.transposes.items[i].text);
        printf("  decompositions       %d\n", rep.decompositions.count);
        for (int i = 0; i < rep.decompositions.count; i++)
            printf("    %s (%s) -> %s\n", rep.decompositions.items[i].node,
                   rep.decompositions.items[i].op, rep.decompositions.items[i].text);
    } else {
        printf("wrote %s (%s)\n", out, format_name(f));
    }
free_model:
    pass_report_free(&rep);
    ir_model_free(m);
done:
    for (int i = 0; i < n_shapes; i++) free((char *)shapes[i].name);
    return rc;
}
