/* Each family file of src/ops exports its descriptors as an array; the
 * registry indexes them by op. */
#ifndef FERRY_OPS_REGISTRY_H
#define FERRY_OPS_REGISTRY_H

#include "ops/op.h"

struct op_family {
    const char *name;
    const struct op_desc *descs;
    const int *count;
};

#define OP_FAMILY_LIST(X)                                                                      \
    X(basic)                                                                                   \
    X(elementwise)                                                                             \
    X(shape)                                                                                   \
    X(nn)                                                                                      \
    X(reduce)                                                                                  \
    X(image)                                                                                   \
    X(sequence)                                                                                \
    X(quant)                                                                                   \
    X(control)                                                                                 \
    X(tflite)

#define X(f)                                                                                   \
    extern const struct op_desc op_family_##f[];                                               \
    extern const int op_family_##f##_count;
OP_FAMILY_LIST(X)
#undef X

#endif
