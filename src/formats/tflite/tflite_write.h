/* TFLite writer: what tests reach beyond tflite_write_model (tflite.h). */
#ifndef FERRY_FORMATS_TFLITE_WRITE_H
#define FERRY_FORMATS_TFLITE_WRITE_H

#include "formats/tflite/tflite.h"

/* tflite_write_model with FlatBuffers' 2 GB limit as a parameter: a model
 * whose FlatBuffer would pass `limit` is written with its constant buffers
 * after the FlatBuffer (Buffer.offset/size), as TFLite's converter writes
 * models past 2 GB, so tests reach that form with small models. */
fy_status tflite_write_model_limit(const struct ir_model *m, const char *path, uint64_t limit,
                                   const char *const *inputs, int n_inputs, struct fy_error *err);

#endif
