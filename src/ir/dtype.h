/* Element types of the IR. The order is ours; each format maps its own codes
 * through a table in formats/<fmt>/. */
#ifndef FERRY_IR_DTYPE_H
#define FERRY_IR_DTYPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* X(ENUM, numpy spelling, bits per element, is float, is signed integer) */
#define IR_DTYPE_LIST(X)                                                                       \
    X(UNDEFINED, "undefined", 0, 0, 0)                                                         \
    X(F32, "float32", 32, 1, 0)                                                                \
    X(F16, "float16", 16, 1, 0)                                                                \
    X(BF16, "bfloat16", 16, 1, 0)                                                              \
    X(F64, "float64", 64, 1, 0)                                                                \
    X(I8, "int8", 8, 0, 1)                                                                     \
    X(U8, "uint8", 8, 0, 0)                                                                    \
    X(I16, "int16", 16, 0, 1)                                                                  \
    X(U16, "uint16", 16, 0, 0)                                                                 \
    X(I32, "int32", 32, 0, 1)                                                                  \
    X(U32, "uint32", 32, 0, 0)                                                                 \
    X(I64, "int64", 64, 0, 1)                                                                  \
    X(U64, "uint64", 64, 0, 0)                                                                 \
    X(BOOL, "bool", 8, 0, 0)                                                                   \
    X(I4, "int4", 4, 0, 1)                                                                     \
    X(U4, "uint4", 4, 0, 0)                                                                    \
    X(C64, "complex64", 64, 0, 0)                                                              \
    X(C128, "complex128", 128, 0, 0)                                                           \
    X(STRING, "string", 0, 0, 0)

enum ir_dtype {
#define X(e, name, bits, isf, iss) IR_##e,
    IR_DTYPE_LIST(X)
#undef X
        IR_DTYPE_COUNT
};

struct ir_dtype_info {
    enum ir_dtype dtype;
    const char *name; /* NumPy spelling */
    int bits;         /* 0 for string and undefined */
    bool is_float;
    bool is_signed_int;
};

extern const struct ir_dtype_info ir_dtype_table[IR_DTYPE_COUNT];

const char *ir_dtype_name(enum ir_dtype t);
/* Bytes for count elements (packed sub-byte types round up); false on overflow
 * or for types without a fixed size. */
bool ir_dtype_nbytes(enum ir_dtype t, uint64_t count, uint64_t *nbytes);
/* Lookup by NumPy spelling; IR_UNDEFINED when unknown. */
enum ir_dtype ir_dtype_from_name(const char *name);

#endif
