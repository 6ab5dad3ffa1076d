/* Tables shared by the ONNX reader and writer. */
#include "formats/onnx/onnx.h"

const struct onnx_dtype_row onnx_dtype_table[ONNX_DTYPE_LIMIT] = {
    {ONNX_UNDEFINED, IR_UNDEFINED, ONNX_FIELD_NONE, "UNDEFINED"},
    {ONNX_FLOAT, IR_F32, ONNX_FIELD_FLOAT_DATA, "FLOAT"},
    {ONNX_UINT8, IR_U8, ONNX_FIELD_INT32_DATA, "UINT8"},
    {ONNX_INT8, IR_I8, ONNX_FIELD_INT32_DATA, "INT8"},
    {ONNX_UINT16, IR_U16, ONNX_FIELD_INT32_DATA, "UINT16"},
    {ONNX_INT16, IR_I16, ONNX_FIELD_INT32_DATA, "INT16"},
    {ONNX_INT32, IR_I32, ONNX_FIELD_INT32_DATA, "INT32"},
    {ONNX_INT64, IR_I64, ONNX_FIELD_INT64_DATA, "INT64"},
    {ONNX_STRING, IR_STRING, ONNX_FIELD_STRING_DATA, "STRING"},
    {ONNX_BOOL, IR_BOOL, ONNX_FIELD_INT32_DATA, "BOOL"},
    {ONNX_FLOAT16, IR_F16, ONNX_FIELD_INT32_DATA, "FLOAT16"},
    {ONNX_DOUBLE, IR_F64, ONNX_FIELD_DOUBLE_DATA, "DOUBLE"},
    {ONNX_UINT32, IR_U32, ONNX_FIELD_UINT64_DATA, "UINT32"},
    {ONNX_UINT64, IR_U64, ONNX_FIELD_UINT64_DATA, "UINT64"},
    {ONNX_COMPLEX64, IR_C64, ONNX_FIELD_FLOAT_DATA, "COMPLEX64"},
    {ONNX_COMPLEX128, IR_C128, ONNX_FIELD_DOUBLE_DATA, "COMPLEX128"},
    {ONNX_BFLOAT16, IR_BF16, ONNX_FIELD_INT32_DATA, "BFLOAT16"},
    /* float8 and float4 types: not held by the IR yet; refused by name. */
    {ONNX_FLOAT8E4M3FN, IR_UNDEFINED, ONNX_FIELD_INT32_DATA, "FLOAT8E4M3FN"},
    {ONNX_FLOAT8E4M3FNUZ, IR_UNDEFINED, ONNX_FIELD_INT32_DATA, "FLOAT8E4M3FNUZ"},
    {ONNX_FLOAT8E5M2, IR_UNDEFINED, ONNX_FIELD_INT32_DATA, "FLOAT8E5M2"},
    {ONNX_FLOAT8E5M2FNUZ, IR_UNDEFINED, ONNX_FIELD_INT32_DATA, "FLOAT8E5M2FNUZ"},
    {ONNX_UINT4, IR_U4, ONNX_FIELD_INT32_DATA, "UINT4"},
    {ONNX_INT4, IR_I4, ONNX_FIELD_INT32_DATA, "INT4"},
    {ONNX_FLOAT4E2M1, IR_UNDEFINED, ONNX_FIELD_INT32_DATA, "FLOAT4E2M1"},
};

enum ir_dtype onnx_dtype_to_ir(int64_t code)
{
    if (code < 0 || code >= ONNX_DTYPE_LIMIT) return IR_UNDEFINED;
    return onnx_dtype_table[code].ir;
}

enum onnx_dtype onnx_dtype_from_ir(enum ir_dtype t)
{
    for (int i = 1; i < ONNX_DTYPE_LIMIT; i++)
        if (onnx_dtype_table[i].ir == t && t != IR_UNDEFINED) return (enum onnx_dtype)i;
    return ONNX_UNDEFINED;
}

/* AttributeProto.AttributeType (onnx.proto): FLOAT=1 INT=2 STRING=3 TENSOR=4
 * GRAPH=5 FLOATS=6 INTS=7 STRINGS=8 TENSORS=9 GRAPHS=10 SPARSE_TENSOR=11
 * SPARSE_TENSORS=12 TYPE_PROTO=13 TYPE_PROTOS=14. */
static const enum ir_attr_type attr_types[15] = {
    IR_ATTR_UNDEFINED,     IR_ATTR_FLOAT,  IR_ATTR_INT,     IR_ATTR_STRING,
    IR_ATTR_TENSOR,        IR_ATTR_GRAPH,  IR_ATTR_FLOATS,  IR_ATTR_INTS,
    IR_ATTR_STRINGS,       IR_ATTR_TENSORS, IR_ATTR_GRAPHS, IR_ATTR_SPARSE_TENSOR,
    IR_ATTR_SPARSE_TENSORS, IR_ATTR_TYPE_PROTO, IR_ATTR_TYPE_PROTOS,
};

enum ir_attr_type onnx_attr_type_to_ir(int64_t code)
{
    if (code < 0 || code >= 15) return IR_ATTR_UNDEFINED;
    return attr_types[code];
}

int64_t onnx_attr_type_from_ir(enum ir_attr_type t)
{
    for (int i = 1; i < 15; i++)
        if (attr_types[i] == t) return i;
    return 0;
}
