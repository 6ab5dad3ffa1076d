#include "ir/dtype.h"

#include <string.h>

const struct ir_dtype_info ir_dtype_table[IR_DTYPE_COUNT] = {
#define X(e, name, bits, isf, iss) {IR_##e, name, bits, isf, iss},
    IR_DTYPE_LIST(X)
#undef X
};

const char *ir_dtype_name(enum ir_dtype t)
{
    if ((unsigned)t >= IR_DTYPE_COUNT) return "?";
    return ir_dtype_table[t].name;
}

bool ir_dtype_nbytes(enum ir_dtype t, uint64_t count, uint64_t *nbytes)
{
    if ((unsigned)t >= IR_DTYPE_COUNT) return false;
    int bits = ir_dtype_table[t].bits;
    if (bits == 0) return false;
    if (count > UINT64_MAX / (uint64_t)bits - 7) return false;
    *nbytes = (count * (uint64_t)bits + 7) / 8;
    return true;
}

enum ir_dtype ir_dtype_from_name(const char *name)
{
    for (int i = 1; i < IR_DTYPE_COUNT; i++)
        if (strcmp(ir_dtype_table[i].name, name) == 0) return (enum ir_dtype)i;
    return IR_UNDEFINED;
}
