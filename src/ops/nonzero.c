/* NonZero: the coordinates of the non-zero elements, one column each, in
 * row-major order ([rank, count], int64). NaN counts as non-zero, an empty
 * string as zero. A scalar is treated as a 1-element vector (as numpy,
 * which defines the op's reference output, does). */
#include <string.h>

#include "ops/shape.h"

static bool is_nonzero(const struct op_tensor *x, uint64_t i)
{
    if (x->dtype == IR_STRING) return x->strings[i].size != 0;
    if (ir_dtype_table[x->dtype].is_float) return op_get_f64(x, i) != 0;
    return op_get_i64(x, i) != 0;
}

fy_status shp_nonzero_infer(struct op_ctx *c)
{
    const struct op_tensor *x = c->in[0];
    if (!x) return op_fail(c, FY_EINVALID, "input 0 is missing");
    if (!shp_esize(x->dtype) || x->dtype == IR_C64 || x->dtype == IR_C128)
        return op_fail(c, FY_EUNSUPPORTED, "input has type %s", ir_dtype_name(x->dtype));
    int64_t dims[2] = {x->rank ? x->rank : 1, 0};
    for (uint64_t i = 0; i < x->numel; i++)
        dims[1] += is_nonzero(x, i);
    return op_set_output(c, 0, IR_I64, 2, dims);
}

fy_status shp_nonzero_eval(struct op_ctx *c)
{
    const struct op_tensor *x = c->in[0];
    struct op_tensor *o = c->out[0];
    int64_t *out = o->data;
    int64_t nnz = o->dims[1];
    int r = x->rank;
    int64_t coord[OP_MAX_RANK] = {0}, k = 0;
    for (uint64_t i = 0; i < x->numel; i++) {
        if (is_nonzero(x, i)) {
            if (r == 0) out[k] = 0;
            for (int d = 0; d < r; d++)
                out[d * nnz + k] = coord[d];
            k++;
        }
        for (int d = r - 1; d >= 0; d--) {
            if (++coord[d] < x->dims[d]) break;
            coord[d] = 0;
        }
    }
    return FY_OK;
}
