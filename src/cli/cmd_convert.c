/* ferry convert IN -o OUT [--to onnx|tflite] [--json] */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/json.h"
#include "formats/format.h"

static const char usage[] =
    "usage: ferry convert IN -o OUT [--to onnx|tflite] [--json]\n"
    "\n"
    "Reads IN and writes it to OUT in the format --to names, or the one OUT's\n"
    "extension names (.onnx, .tflite). For now OUT's format must be IN's (a\n"
    "rewrite); converting between formats comes later. The output is written to\n"
    "a temporary file and renamed, and is never written over the input.\n"
    "  --to onnx|tflite   target format (default: from OUT's extension)\n"
    "  --json             print a JSON report on stdout\n";

int cmd_convert(int argc, char **argv)
{
    const char *in = NULL, *out = NULL, *to = NULL;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(usage, stdout);
            return EXIT_OK;
        } else if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) {
            if (++i >= argc) return cli_usage_error("convert", "-o needs a file");
            out = argv[i];
        } else if (!strcmp(argv[i], "--to")) {
            if (++i >= argc) return cli_usage_error("convert", "--to needs a format");
            to = argv[i];
        } else if (!strcmp(argv[i], "--json")) {
            json = 1;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_usage_error("convert", "unknown option '%s'", argv[i]);
        } else if (!in) {
            in = argv[i];
        } else {
            return cli_usage_error("convert", "unexpected argument '%s'", argv[i]);
        }
    }
    if (!in || !out) return cli_usage_error("convert", "needs IN and -o OUT");
    enum ir_format f = to ? format_from_name(to) : format_from_extension(out);
    if (f == IR_FORMAT_NONE)
        return cli_usage_error("convert", to ? "unknown format '%s'" : "cannot tell the format "
                                                                       "of '%s' from its "
                                                                       "extension; use --to",
                               to ? to : out);
    struct fy_error err = {0};
    struct ir_model *m = NULL;
    fy_status st = format_read_model(in, &m, &err);
    if (st) return cli_report(&err);
    if (m->format != f) {
        ir_model_free(m);
        fprintf(stderr, "ferry convert: converting %s to %s is not supported yet\n",
                format_name(m->format), format_name(f));
        return EXIT_BAD_INPUT;
    }
    const char *inputs[1] = {in};
    err_clear(&err);
    err_set_file(&err, out);
    st = format_write_model(m, out, f, inputs, 1, &err);
    ir_model_free(m);
    if (st) return cli_report(&err);
    if (json) {
        /* no passes run yet: the lists are empty, but every field is there */
        struct json j;
        json_init(&j, stdout, true);
        json_object(&j);
        json_key_string(&j, "output", out);
        json_key_string(&j, "format", format_name(f));
        json_key(&j, "passes");
        json_array(&j);
        json_end(&j);
        json_key_int(&j, "batchnorms_folded", 0);
        json_key_int(&j, "activations_fused", 0);
        json_key(&j, "transposes");
        json_array(&j);
        json_end(&j);
        json_key(&j, "decompositions");
        json_array(&j);
        json_end(&j);
        json_end(&j);
        if (json_finish(&j)) return EXIT_INTERNAL;
    } else {
        printf("wrote %s (%s)\n", out, format_name(f));
    }
    return EXIT_OK;
}
