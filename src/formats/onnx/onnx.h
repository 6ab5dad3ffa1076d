/* ONNX: reader and writer between .onnx (protobuf ModelProto) and the IR.
 *
 * The reader is zero-copy for raw_data and trusts nothing: every varint,
 * length and count is bounds- and overflow-checked, nesting is bounded.
 * Fields ferry does not interpret are kept verbatim (ir_extras) and written
 * back, so a rewrite never drops anything silently. */
#ifndef FERRY_FORMATS_ONNX_H
#define FERRY_FORMATS_ONNX_H

#include <stddef.h>
#include <stdint.h>

#include "ir/ir.h"

/* Reads path (and external data files beside it). On failure *out is NULL
 * and err names the file, the node/op where known, and the byte offset. */
fy_status onnx_read_model(const char *path, struct ir_model **out, struct fy_error *err);
/* Reads from memory (the buffer must outlive the model). base_dir is where
 * external data is looked up; NULL refuses external data. */
fy_status onnx_read_buffer(const uint8_t *data, size_t size, const char *base_dir,
                           struct ir_model **out, struct fy_error *err);

/* Writes the model atomically; tensors are stored as external data in
 * "<path>.data" beside it when the model would pass protobuf's 2 GB limit
 * (or always/never, by policy). inputs: files that must not be overwritten. */
enum onnx_external_policy {
    ONNX_EXTERNAL_AUTO = 0,
    ONNX_EXTERNAL_NEVER,
    ONNX_EXTERNAL_ALWAYS, /* for tests of the external-data path */
};
fy_status onnx_write_model(const struct ir_model *m, const char *path,
                           enum onnx_external_policy policy, const char *const *inputs,
                           int n_inputs, struct fy_error *err);
/* onnx_write_model with protobuf's size limit as a parameter, so tests reach
 * the switch to external data without a 2 GiB model. */
fy_status onnx_write_model_limit(const struct ir_model *m, const char *path,
                                 enum onnx_external_policy policy, uint64_t limit,
                                 const char *const *inputs, int n_inputs, struct fy_error *err);

/* Reads one serialized TensorProto (a backend test's input_N.pb, a `-i x.pb`
 * file) into a standalone tensor (not in any graph) in m's arena; the buffer
 * must outlive m. */
fy_status onnx_read_tensor(struct ir_model *m, const uint8_t *data, size_t size,
                           struct ir_tensor **out, struct fy_error *err);

/* ---- shared by reader and writer ---- */

/* TensorProto.DataType codes (onnx.proto). */
enum onnx_dtype {
    ONNX_UNDEFINED = 0,
    ONNX_FLOAT = 1,
    ONNX_UINT8 = 2,
    ONNX_INT8 = 3,
    ONNX_UINT16 = 4,
    ONNX_INT16 = 5,
    ONNX_INT32 = 6,
    ONNX_INT64 = 7,
    ONNX_STRING = 8,
    ONNX_BOOL = 9,
    ONNX_FLOAT16 = 10,
    ONNX_DOUBLE = 11,
    ONNX_UINT32 = 12,
    ONNX_UINT64 = 13,
    ONNX_COMPLEX64 = 14,
    ONNX_COMPLEX128 = 15,
    ONNX_BFLOAT16 = 16,
    ONNX_FLOAT8E4M3FN = 17,
    ONNX_FLOAT8E4M3FNUZ = 18,
    ONNX_FLOAT8E5M2 = 19,
    ONNX_FLOAT8E5M2FNUZ = 20,
    ONNX_UINT4 = 21,
    ONNX_INT4 = 22,
    ONNX_FLOAT4E2M1 = 23,
    ONNX_DTYPE_LIMIT
};

/* Which typed field of TensorProto holds a dtype's values when raw_data is
 * not used (onnx.proto's comments on each field). */
enum onnx_typed_field {
    ONNX_FIELD_NONE = 0,
    ONNX_FIELD_FLOAT_DATA = 4,
    ONNX_FIELD_INT32_DATA = 5,
    ONNX_FIELD_STRING_DATA = 6,
    ONNX_FIELD_INT64_DATA = 7,
    ONNX_FIELD_DOUBLE_DATA = 10,
    ONNX_FIELD_UINT64_DATA = 11,
};

struct onnx_dtype_row {
    enum onnx_dtype onnx;
    enum ir_dtype ir; /* IR_UNDEFINED: ferry cannot hold this type */
    enum onnx_typed_field field;
    const char *name; /* onnx.proto spelling */
};

/* Row i describes ONNX dtype i (tests check it). */
extern const struct onnx_dtype_row onnx_dtype_table[ONNX_DTYPE_LIMIT];
enum ir_dtype onnx_dtype_to_ir(int64_t code);
/* ONNX_UNDEFINED when the IR type has no ONNX code. */
enum onnx_dtype onnx_dtype_from_ir(enum ir_dtype t);

/* AttributeProto.AttributeType codes, and the IR attribute type of each. */
enum ir_attr_type onnx_attr_type_to_ir(int64_t code);
int64_t onnx_attr_type_from_ir(enum ir_attr_type t);

#endif
