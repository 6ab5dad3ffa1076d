/* Concat and Split: joining and cutting along one axis. Both see a tensor as
 * outer x (dim along axis) x inner, so each piece is one contiguous run per
 * outer index, moved with memcpy. */
#include <string.h>

#include "ops/shape.h"

/* ---- Concat ---- */

fy_status shp_concat_parse(const struct ir_node *n, int64_t opset, void *params,
                           struct fy_error *err)
{
    struct shp_axis_params *p = params;
    p->has_axis = ir_node_attr(n, "axis") != NULL;
    /* opset 1 defaulted axis to 1; from opset 4 it is required */
    if (!p->has_axis && opset >= 4)
        return op_fail_node(n, err, FY_EINVALID, "attribute 'axis' is missing");
    return op_attr_int(n, "axis", 1, &p->axis, err);
}

fy_status shp_concat_infer(struct op_ctx *c)
{
    const struct shp_axis_params *p = c->params;
    for (int i = 0; i < c->n_inputs; i++) {
        fy_status st = shp_expect_movable(c, i);
        if (st) return st;
    }
    fy_status st = op_expect_same_dtype(c, 0, c->n_inputs - 1);
    if (st) return st;
    const struct op_tensor *x = c->in[0];
    if (x->rank == 0) return op_fail(c, FY_EINVALID, "inputs are scalars; Concat needs rank >= 1");
    int axis;
    st = op_axis(c, p->axis, x->rank, "axis", &axis);
    if (st) return st;
    int64_t dims[OP_MAX_RANK];
    memcpy(dims, x->dims, sizeof(int64_t) * (size_t)x->rank);
    for (int i = 1; i < c->n_inputs; i++) {
        const struct op_tensor *t = c->in[i];
        if (t->rank != x->rank)
            return op_fail(c, FY_EINVALID, "input %d has rank %d but input 0 has rank %d", i,
                           t->rank, x->rank);
        for (int d = 0; d < x->rank; d++)
            if (d != axis && t->dims[d] != x->dims[d])
                return op_fail(c, FY_EINVALID,
                               "input %d has dim %d = %lld but input 0 has %lld (only axis %d "
                               "may differ)",
                               i, d, (long long)t->dims[d], (long long)x->dims[d], axis);
        dims[axis] += t->dims[axis];
    }
    return op_set_output(c, 0, x->dtype, x->rank, dims);
}

fy_status shp_concat_eval(struct op_ctx *c)
{
    const struct shp_axis_params *p = c->params;
    struct op_tensor *o = c->out[0];
    if (!o->numel) return FY_OK; /* and the loop bounds below are exact */
    int axis = (int)(p->axis < 0 ? p->axis + o->rank : p->axis);
    size_t es = shp_esize(o->dtype);
    int64_t outer = shp_numel(axis, o->dims);
    int64_t inner = shp_numel(o->rank - axis - 1, o->dims + axis + 1);
    size_t out_run = (size_t)(o->dims[axis] * inner) * es;
    char *dst = shp_dst(o);
    size_t at = 0; /* offset of input i's run within each output run */
    for (int i = 0; i < c->n_inputs; i++) {
        const struct op_tensor *t = c->in[i];
        size_t run = (size_t)(t->dims[axis] * inner) * es;
        const char *src = shp_src(t);
        if (run)
            for (int64_t k = 0; k < outer; k++)
                memcpy(dst + (size_t)k * out_run + at, src + (size_t)k * run, run);
        at += run;
    }
    return FY_OK;
}

/* ---- Split ---- */

fy_status shp_split_parse(const struct ir_node *n, int64_t opset, void *params,
                          struct fy_error *err)
{
    struct shp_split_params *p = params;
    fy_status st = op_attr_int(n, "axis", 0, &p->axis, err);
    if (st) return st;
    p->n_split = -1;
    /* 'split' is an attribute before opset 13 and input 1 from then on */
    const struct ir_attr *a = opset < 13 ? ir_node_attr(n, "split") : NULL;
    if (a) {
        if (a->type != IR_ATTR_INTS)
            return op_fail_node(n, err, FY_EINVALID,
                                "attribute 'split' is of type %s; expected ints",
                                ir_attr_type_name(a->type));
        p->n_split = (int)a->count;
        p->split = a->v.ints;
    }
    /* num_outputs arrived at opset 18 */
    st = op_attr_int(n, "num_outputs", 0, &p->num_outputs, err);
    if (st) return st;
    if (ir_node_attr(n, "num_outputs") && p->num_outputs < 1)
        return op_fail_node(n, err, FY_EINVALID, "num_outputs is %lld", (long long)p->num_outputs);
    if (p->num_outputs && p->num_outputs != n->n_outputs)
        return op_fail_node(n, err, FY_EINVALID, "num_outputs is %lld but the node has %d outputs",
                            (long long)p->num_outputs, n->n_outputs);
    return FY_OK;
}

/* The size of each output along the axis (scratch memory, n_outputs values). */
static fy_status split_sizes(struct op_ctx *c, int *axis_out, int64_t **sizes_out)
{
    const struct shp_split_params *p = c->params;
    const struct op_tensor *x = c->in[0];
    int axis;
    fy_status st = op_axis(c, p->axis, x->rank, "axis", &axis);
    if (st) return st;
    int n = c->n_outputs;
    int64_t *sizes = op_scratch(c, sizeof(int64_t) * (size_t)n);
    if (!sizes) return FY_ENOMEM;
    int64_t dim = x->dims[axis];
    const struct op_tensor *s = c->n_inputs > 1 ? c->in[1] : NULL;
    if (s || p->n_split >= 0) {
        int64_t count = s ? (int64_t)s->numel : p->n_split;
        if (s && ((s->dtype != IR_I64 && s->dtype != IR_I32) || s->rank > 1))
            return op_fail(c, FY_EINVALID, "split must be a 1-D int64 tensor");
        if (count != n)
            return op_fail(c, FY_EINVALID, "split has %lld values but the node has %d outputs",
                           (long long)count, n);
        int64_t sum = 0;
        for (int i = 0; i < n; i++) {
            sizes[i] = s ? op_get_i64(s, (uint64_t)i) : p->split[i];
            if (sizes[i] < 0)
                return op_fail(c, FY_EINVALID, "split value %d is %lld", i, (long long)sizes[i]);
            /* past dim it is wrong anyway; stopping there keeps the sum from overflowing */
            if (sizes[i] > dim - sum) {
                sum = -1;
                break;
            }
            sum += sizes[i];
        }
        if (sum != dim)
            return op_fail(c, FY_EINVALID,
                           "split values do not add up to %lld, the size of axis %d",
                           (long long)dim, axis);
    } else if (c->opset >= 18) {
        /* equal chunks of ceil(dim / n); the last ones take what is left */
        int64_t chunk = (dim + n - 1) / n, left = dim;
        for (int i = 0; i < n; i++) {
            sizes[i] = chunk < left ? chunk : left;
            left -= sizes[i];
        }
    } else {
        if (dim % n)
            return op_fail(c, FY_EINVALID, "axis %d (%lld) does not split into %d equal parts",
                           axis, (long long)dim, n);
        for (int i = 0; i < n; i++)
            sizes[i] = dim / n;
    }
    *axis_out = axis;
    *sizes_out = sizes;
    return FY_OK;
}

fy_status shp_split_infer(struct op_ctx *c)
{
    fy_status st = shp_expect_movable(c, 0);
    if (st) return st;
    int axis;
    int64_t *sizes;
    st = split_sizes(c, &axis, &sizes);
    if (st) return st;
    const struct op_tensor *x = c->in[0];
    int64_t dims[OP_MAX_RANK];
    memcpy(dims, x->dims, sizeof(int64_t) * (size_t)x->rank);
    for (int i = 0; i < c->n_outputs; i++) {
        dims[axis] = sizes[i];
        st = op_set_output(c, i, x->dtype, x->rank, dims);
        if (st) return st;
    }
    return FY_OK;
}

fy_status shp_split_eval(struct op_ctx *c)
{
    int axis;
    int64_t *sizes;
    fy_status st = split_sizes(c, &axis, &sizes);
    if (st) return st;
    const struct op_tensor *x = c->in[0];
    size_t es = shp_esize(x->dtype);
    int64_t outer = shp_numel(axis, x->dims);
    int64_t inner = shp_numel(x->rank - axis - 1, x->dims + axis + 1);
    size_t in_run = (size_t)(x->dims[axis] * inner) * es;
    const char *src = shp_src(x);
    size_t at = 0;
    for (int i = 0; i < c->n_outputs; i++) {
        size_t run = (size_t)(sizes[i] * inner) * es;
        if (c->out[i] && c->out[i]->numel) {
            char *dst = shp_dst(c->out[i]);
            for (int64_t k = 0; k < outer; k++)
                memcpy(dst + (size_t)k * run, src + (size_t)k * in_run + at, run);
        }
        at += run;
    }
    return FY_OK;
}
