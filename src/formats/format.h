/* Format dispatch: which reader or writer serves a file. */
#ifndef FERRY_FORMATS_FORMAT_H
#define FERRY_FORMATS_FORMAT_H

#include "ir/ir.h"

/* From the file's content (magic) when it can tell, else its extension. */
enum ir_format format_detect(const char *path);
/* From an extension or a --to name ("onnx", "tflite"); NONE when unknown. */
enum ir_format format_from_name(const char *name);
enum ir_format format_from_extension(const char *path);
const char *format_name(enum ir_format f);

fy_status format_read_model(const char *path, struct ir_model **out, struct fy_error *err);
fy_status format_write_model(const struct ir_model *m, const char *path, enum ir_format f,
                             const char *const *inputs, int n_inputs, struct fy_error *err);

#endif
