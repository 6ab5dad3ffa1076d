#include "formats/format.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "formats/onnx/onnx.h"
#include "formats/tflite/tflite.h"

struct format_row {
    enum ir_format format;
    const char *name;
    const char *extension;
};

static const struct format_row formats[] = {
    {IR_FORMAT_NONE, "none", ""},
    {IR_FORMAT_ONNX, "onnx", ".onnx"},
    {IR_FORMAT_TFLITE, "tflite", ".tflite"},
};
_Static_assert(sizeof formats / sizeof formats[0] == IR_FORMAT_TFLITE + 1, "one row per format");

const char *format_name(enum ir_format f)
{
    if ((unsigned)f > IR_FORMAT_TFLITE) return "?";
    return formats[f].name;
}

enum ir_format format_from_name(const char *name)
{
    for (size_t i = 1; i < sizeof formats / sizeof formats[0]; i++)
        if (!strcasecmp(name, formats[i].name)) return formats[i].format;
    return IR_FORMAT_NONE;
}

enum ir_format format_from_extension(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!dot || strchr(dot, '/')) return IR_FORMAT_NONE;
    for (size_t i = 1; i < sizeof formats / sizeof formats[0]; i++)
        if (!strcasecmp(dot, formats[i].extension)) return formats[i].format;
    return IR_FORMAT_NONE;
}

enum ir_format format_detect(const char *path)
{
    /* A TFLite FlatBuffer carries the identifier "TFL3" at byte 4. */
    unsigned char head[8] = {0};
    FILE *f = fopen(path, "rb");
    if (f) {
        size_t n = fread(head, 1, sizeof head, f);
        fclose(f);
        if (n == 8 && !memcmp(head + 4, "TFL3", 4)) return IR_FORMAT_TFLITE;
    }
    enum ir_format ext = format_from_extension(path);
    return ext != IR_FORMAT_NONE ? ext : IR_FORMAT_ONNX;
}

fy_status format_read_model(const char *path, struct ir_model **out, struct fy_error *err)
{
    *out = NULL;
    err_set_file(err, path);
    switch (format_detect(path)) {
    case IR_FORMAT_ONNX: return onnx_read_model(path, out, err);
    case IR_FORMAT_TFLITE: return tflite_read_model(path, out, err);
    default: return err_fmt(err, FY_EUNSUPPORTED, "unknown model format");
    }
}

fy_status format_write_model(const struct ir_model *m, const char *path, enum ir_format f,
                             const char *const *inputs, int n_inputs, struct fy_error *err)
{
    switch (f) {
    case IR_FORMAT_ONNX:
        return onnx_write_model(m, path, ONNX_EXTERNAL_AUTO, inputs, n_inputs, err);
    case IR_FORMAT_TFLITE: return tflite_write_model(m, path, inputs, n_inputs, err);
    default:
        return err_fmt(err, FY_EUNSUPPORTED, "writing %s models is not supported yet",
                       format_name(f));
    }
}
