/* OneHot: a new axis of length depth holding values[1] where it equals the
 * index and values[0] elsewhere. Negative indices count from depth; indices
 * outside [-depth, depth) give a row of values[0] (ONNX: not an error). */
#include <string.h>

#include "ops/shape.h"

fy_status shp_onehot_parse(const struct ir_node *n, int64_t opset, void *params,
                           struct fy_error *err)
{
    (void)opset;
    struct shp_onehot_params *p = params;
    return op_attr_int(n, "axis", -1, &p->axis, err);
}

static fy_status onehot_plan(struct op_ctx *c, int *axis, int64_t *depth)
{
    const struct shp_onehot_params *p = c->params;
    const struct op_tensor *ind = c->in[0], *dep = c->in[1];
    int r = ind->rank + 1;
    if (p->axis < -(int64_t)r || p->axis >= r)
        return op_fail(c, FY_EINVALID, "axis %lld is out of range for output rank %d",
                       (long long)p->axis, r);
    *axis = (int)(p->axis < 0 ? p->axis + r : p->axis);
    double dv = op_get_f64(dep, 0);
    if (!(dv >= 0 && dv < (double)(1ll << 40))) return op_fail(c, FY_EINVALID, "depth is %g", dv);
    *depth = (int64_t)dv;
    return FY_OK;
}

fy_status shp_onehot_infer(struct op_ctx *c)
{
    static const enum ir_dtype num[] = {IR_F32, IR_F16, IR_BF16, IR_F64, IR_I8,  IR_U8,
                                        IR_I16, IR_U16, IR_I32,  IR_U32, IR_I64, IR_U64};
    fy_status st = op_expect_dtype(c, 0, num, 12);
    if (!st) st = op_expect_dtype(c, 1, num, 12);
    if (!st) st = shp_expect_movable(c, 2);
    if (st) return st;
    if (!c->in[0] || !c->in[1]) return op_fail(c, FY_EINVALID, "indices and depth are required");
    if (c->in[1]->numel != 1 || c->in[1]->rank > 1)
        return op_fail(c, FY_EINVALID, "depth must hold one value");
    if (c->in[2]->numel != 2 || c->in[2]->rank != 1)
        return op_fail(c, FY_EINVALID, "values must be a 1-D tensor of 2 elements");
    const struct op_tensor *ind = c->in[0];
    if (ind->rank + 1 > OP_MAX_RANK)
        return op_fail(c, FY_EUNSUPPORTED, "output rank is above %d", OP_MAX_RANK);
    int axis;
    int64_t depth;
    st = onehot_plan(c, &axis, &depth);
    if (st) return st;
    int64_t dims[OP_MAX_RANK];
    for (int d = 0, k = 0; d <= ind->rank; d++)
        dims[d] = d == axis ? depth : ind->dims[k++];
    return op_set_output(c, 0, c->in[2]->dtype, ind->rank + 1, dims);
}

fy_status shp_onehot_eval(struct op_ctx *c)
{
    const struct op_tensor *ind = c->in[0], *val = c->in[2];
    struct op_tensor *o = c->out[0];
    int axis;
    int64_t depth;
    fy_status st = onehot_plan(c, &axis, &depth);
    if (st) return st;
    size_t es = shp_esize(val->dtype);
    const char *off = shp_src(val), *on = off + es;
    char *dst = shp_dst(o);
    shp_fill(dst, (int64_t)o->numel, off, es);
    /* output [outer, depth, inner]; index element (o, i) sits at o * inner + i */
    int64_t outer = shp_numel(axis, ind->dims);
    int64_t inner = shp_numel(ind->rank - axis, ind->dims + axis);
    for (int64_t a = 0; a < outer; a++)
        for (int64_t i = 0; i < inner; i++) {
            int64_t v = op_get_i64(ind, (uint64_t)(a * inner + i));
            if (v < 0) v += depth;
            if (v < 0 || v >= depth) continue;
            memcpy(dst + (size_t)((a * depth + v) * inner + i) * es, on, es);
        }
    return FY_OK;
}
