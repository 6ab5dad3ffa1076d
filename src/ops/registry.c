#include "ops/registry.h"

#include <pthread.h>

static const struct op_desc *table[IR_OP_COUNT];
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static void table_build(void)
{
    static const struct op_family families[] = {
#define X(f) {#f, op_family_##f, &op_family_##f##_count},
        OP_FAMILY_LIST(X)
#undef X
    };
    for (size_t i = 0; i < sizeof families / sizeof families[0]; i++) {
        for (int k = 0; k < *families[i].count; k++) {
            const struct op_desc *d = &families[i].descs[k];
            if ((unsigned)d->op < IR_OP_COUNT && d->op != IR_OP_OPAQUE) table[d->op] = d;
        }
    }
}

const struct op_desc *op_find_node(const struct ir_node *n)
{
    pthread_once(&table_once, table_build);
    if ((unsigned)n->op >= IR_OP_COUNT || n->op == IR_OP_OPAQUE) return NULL;
    return table[n->op];
}

const struct op_desc *op_find(enum ir_op op)
{
    pthread_once(&table_once, table_build);
    if ((unsigned)op >= IR_OP_COUNT || op == IR_OP_OPAQUE) return NULL;
    return table[op];
}
