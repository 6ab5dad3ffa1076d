/* Ops that select elements by index or mask: Gather, GatherElements,
 * GatherND, Compress. Indices are data: one out of range fails the node
 * (naming the index and the axis) before anything is read through it. */
#include <string.h>

#include "ops/shape.h"

static const enum ir_dtype index_types[] = {IR_I64, IR_I32};

/* An index checked against dim and made non-negative; false when out of
 * [-dim, dim). */
static bool norm_index(int64_t i, int64_t dim, int64_t *out)
{
    if (i < -dim || i >= dim) return false;
    *out = i < 0 ? i + dim : i;
    return true;
}

static fy_status bad_index(struct op_ctx *c, int64_t v, uint64_t at, int axis, int64_t dim)
{
    return op_fail(c, FY_EINVALID,
                   "index %lld (element %llu of the indices) is out of range for axis %d of "
                   "size %lld",
                   (long long)v, (unsigned long long)at, axis, (long long)dim);
}

static fy_status axis_parse(const struct ir_node *n, void *params, struct fy_error *err)
{
    struct shp_axis_params *p = params;
    p->has_axis = ir_node_attr(n, "axis") != NULL;
    return op_attr_int(n, "axis", 0, &p->axis, err);
}

/* ---- Gather ---- */

fy_status shp_gather_parse(const struct ir_node *n, int64_t opset, void *params,
                           struct fy_error *err)
{
    (void)opset;
    return axis_parse(n, params, err);
}

fy_status shp_gather_infer(struct op_ctx *c)
{
    const struct shp_axis_params *p = c->params;
    fy_status st = shp_expect_movable(c, 0);
    if (!st) st = op_expect_dtype(c, 1, index_types, 2);
    if (st) return st;
    const struct op_tensor *x = c->in[0], *ind = c->in[1];
    if (!ind) return op_fail(c, FY_EINVALID, "input 1 (indices) is missing");
    int axis;
    st = op_axis(c, p->axis, x->rank, "axis", &axis);
    if (st) return st;
    int rank = x->rank - 1 + ind->rank;
    if (rank > OP_MAX_RANK)
        return op_fail(c, FY_EUNSUPPORTED, "output would have rank %d; at most %d is supported",
                       rank, OP_MAX_RANK);
    int64_t dims[OP_MAX_RANK];
    int k = 0;
    for (int d = 0; d < axis; d++)
        dims[k++] = x->dims[d];
    for (int d = 0; d < ind->rank; d++)
        dims[k++] = ind->dims[d];
    for (int d = axis + 1; d < x->rank; d++)
        dims[k++] = x->dims[d];
    return op_set_output(c, 0, x->dtype, rank, dims);
}

fy_status shp_gather_eval(struct op_ctx *c)
{
    const struct shp_axis_params *p = c->params;
    const struct op_tensor *x = c->in[0], *ind = c->in[1];
    int axis = (int)(p->axis < 0 ? p->axis + x->rank : p->axis);
    int64_t dim = x->dims[axis];
    int64_t n = (int64_t)ind->numel;
    int64_t *idx = op_scratch(c, sizeof(int64_t) * (size_t)(n ? n : 1));
    if (!idx) return FY_ENOMEM;
    for (int64_t j = 0; j < n; j++) {
        int64_t v = op_get_i64(ind, (uint64_t)j);
        if (!norm_index(v, dim, &idx[j])) return bad_index(c, v, (uint64_t)j, axis, dim);
    }
    /* nothing to write (and the loop bounds below are exact only when there is) */
    if (!c->out[0]->numel) return FY_OK;
    size_t es = shp_esize(x->dtype);
    int64_t outer = shp_numel(axis, x->dims);
    int64_t inner = shp_numel(x->rank - axis - 1, x->dims + axis + 1);
    size_t run = (size_t)inner * es;
    const char *src = shp_src(x);
    char *dst = shp_dst(c->out[0]);
    for (int64_t o = 0; o < outer; o++)
        for (int64_t j = 0; j < n; j++)
            memcpy(dst + (size_t)(o * n + j) * run, src + (size_t)(o * dim + idx[j]) * run, run);
    return FY_OK;
}

/* ---- GatherElements ---- */

fy_status shp_gather_elements_parse(const struct ir_node *n, int64_t opset, void *params,
                                    struct fy_error *err)
{
    (void)opset;
    return axis_parse(n, params, err);
}

fy_status shp_gather_elements_infer(struct op_ctx *c)
{
    const struct shp_axis_params *p = c->params;
    fy_status st = shp_expect_movable(c, 0);
    if (!st) st = op_expect_dtype(c, 1, index_types, 2);
    if (st) return st;
    const struct op_tensor *x = c->in[0], *ind = c->in[1];
    if (!ind) return op_fail(c, FY_EINVALID, "input 1 (indices) is missing");
    if (ind->rank != x->rank)
        return op_fail(c, FY_EINVALID, "indices have rank %d but data has rank %d", ind->rank,
                       x->rank);
    int axis;
    st = op_axis(c, p->axis, x->rank, "axis", &axis);
    if (st) return st;
    /* off the axis, an index position is a data position: it must exist */
    for (int d = 0; d < x->rank; d++)
        if (d != axis && ind->dims[d] > x->dims[d])
            return op_fail(c, FY_EINVALID, "indices dim %d is %lld but data has only %lld", d,
                           (long long)ind->dims[d], (long long)x->dims[d]);
    return op_set_output(c, 0, x->dtype, ind->rank, ind->dims);
}

fy_status shp_gather_elements_eval(struct op_ctx *c)
{
    const struct shp_axis_params *p = c->params;
    const struct op_tensor *x = c->in[0], *ind = c->in[1];
    int r = x->rank, axis = (int)(p->axis < 0 ? p->axis + r : p->axis);
    int64_t xs[OP_MAX_RANK], coord[OP_MAX_RANK] = {0};
    shp_strides(r, x->dims, xs);
    size_t es = shp_esize(x->dtype);
    const char *src = shp_src(x);
    char *dst = shp_dst(c->out[0]);
    int64_t base = 0; /* data offset of coord with the axis coordinate left out */
    for (uint64_t i = 0; i < ind->numel; i++) {
        int64_t v = op_get_i64(ind, i), at;
        if (!norm_index(v, x->dims[axis], &at)) return bad_index(c, v, i, axis, x->dims[axis]);
        memcpy(dst + i * es, src + (size_t)(base + at * xs[axis]) * es, es);
        for (int d = r - 1; d >= 0; d--) {
            if (d != axis) base += xs[d];
            if (++coord[d] < ind->dims[d]) break;
            if (d != axis) base -= xs[d] * ind->dims[d];
            coord[d] = 0;
        }
    }
    return FY_OK;
}

/* ---- GatherND ---- */

fy_status shp_gathernd_parse(const struct ir_node *n, int64_t opset, void *params,
                             struct fy_error *err)
{
    (void)opset;
    struct shp_gathernd_params *p = params;
    fy_status st = op_attr_int(n, "batch_dims", 0, &p->batch_dims, err);
    if (st) return st;
    if (p->batch_dims < 0)
        return op_fail_node(n, err, FY_EINVALID, "batch_dims is %lld", (long long)p->batch_dims);
    return FY_OK;
}

fy_status shp_gathernd_infer(struct op_ctx *c)
{
    const struct shp_gathernd_params *p = c->params;
    fy_status st = shp_expect_movable(c, 0);
    if (!st) st = op_expect_dtype(c, 1, index_types, 2);
    if (st) return st;
    const struct op_tensor *x = c->in[0], *ind = c->in[1];
    if (!ind) return op_fail(c, FY_EINVALID, "input 1 (indices) is missing");
    int r = x->rank, q = ind->rank;
    int64_t b = p->batch_dims;
    if (r < 1 || q < 1)
        return op_fail(c, FY_EINVALID, "data (rank %d) and indices (rank %d) need rank >= 1", r, q);
    if (b >= q || b >= r)
        return op_fail(c, FY_EINVALID, "batch_dims %lld must be less than both ranks (%d, %d)",
                       (long long)b, r, q);
    int64_t k = ind->dims[q - 1];
    if (k < 1 || k > r - b)
        return op_fail(c, FY_EINVALID, "indices' last dim is %lld; expected 1 to %lld",
                       (long long)k, (long long)(r - b));
    for (int d = 0; d < b; d++)
        if (ind->dims[d] != x->dims[d])
            return op_fail(c, FY_EINVALID, "batch dim %d is %lld in indices but %lld in data", d,
                           (long long)ind->dims[d], (long long)x->dims[d]);
    int64_t dims[OP_MAX_RANK];
    int rank = 0;
    for (int d = 0; d < q - 1; d++)
        dims[rank++] = ind->dims[d];
    for (int64_t d = b + k; d < r; d++) {
        if (rank == OP_MAX_RANK)
            return op_fail(c, FY_EUNSUPPORTED, "output rank is above %d", OP_MAX_RANK);
        dims[rank++] = x->dims[d];
    }
    return op_set_output(c, 0, x->dtype, rank, dims);
}

fy_status shp_gathernd_eval(struct op_ctx *c)
{
    const struct shp_gathernd_params *p = c->params;
    const struct op_tensor *x = c->in[0], *ind = c->in[1];
    if (!c->out[0]->numel) return FY_OK; /* and the loop bounds below are exact */
    int r = x->rank, q = ind->rank, b = (int)p->batch_dims;
    int k = (int)ind->dims[q - 1];
    int64_t xs[OP_MAX_RANK];
    shp_strides(r, x->dims, xs);
    int64_t batches = shp_numel(b, x->dims);
    int64_t tuples = shp_numel(q - 1 - b, ind->dims + b); /* per batch */
    int64_t slab = b ? xs[b - 1] : shp_numel(r, x->dims); /* data elements per batch */
    int64_t inner = shp_numel(r - b - k, x->dims + b + k);
    size_t es = shp_esize(x->dtype), run = (size_t)inner * es;
    const char *src = shp_src(x);
    char *dst = shp_dst(c->out[0]);
    for (int64_t bi = 0; bi < batches; bi++)
        for (int64_t t = 0; t < tuples; t++) {
            uint64_t at = (uint64_t)((bi * tuples + t) * k);
            int64_t off = bi * slab;
            for (int j = 0; j < k; j++) {
                int64_t v = op_get_i64(ind, at + (uint64_t)j), i;
                if (!norm_index(v, x->dims[b + j], &i))
                    return bad_index(c, v, at + (uint64_t)j, b + j, x->dims[b + j]);
                off += i * xs[b + j];
            }
            if (run) memcpy(dst + (size_t)(bi * tuples + t) * run, src + (size_t)off * es, run);
        }
    return FY_OK;
}

/* ---- Compress ---- */

fy_status shp_compress_parse(const struct ir_node *n, int64_t opset, void *params,
                             struct fy_error *err)
{
    (void)opset;
    return axis_parse(n, params, err);
}

/* The length along which the condition selects (the axis, or every element
 * when no axis is given) and how many it selects. */
static fy_status compress_plan(struct op_ctx *c, int *axis, int64_t *len, int64_t *count)
{
    const struct shp_axis_params *p = c->params;
    const struct op_tensor *x = c->in[0], *cond = c->in[1];
    *axis = -1;
    *len = (int64_t)x->numel;
    if (p->has_axis) {
        fy_status st = op_axis(c, p->axis, x->rank, "axis", axis);
        if (st) return st;
        *len = x->dims[*axis];
    }
    *count = 0;
    for (uint64_t i = 0; i < cond->numel; i++) {
        if (!((const uint8_t *)cond->data)[i]) continue;
        /* numpy.compress: a condition longer than the axis may only be false there */
        if ((int64_t)i >= *len)
            return op_fail(c, FY_EINVALID, "condition is true at %llu but the axis has %lld",
                           (unsigned long long)i, (long long)*len);
        (*count)++;
    }
    return FY_OK;
}

fy_status shp_compress_infer(struct op_ctx *c)
{
    static const enum ir_dtype bools[] = {IR_BOOL};
    fy_status st = shp_expect_movable(c, 0);
    if (!st) st = op_expect_dtype(c, 1, bools, 1);
    if (st) return st;
    if (!c->in[1]) return op_fail(c, FY_EINVALID, "input 1 (condition) is missing");
    if (c->in[1]->rank != 1)
        return op_fail(c, FY_EINVALID, "condition has rank %d; expected 1", c->in[1]->rank);
    int axis;
    int64_t len, count;
    st = compress_plan(c, &axis, &len, &count);
    if (st) return st;
    const struct op_tensor *x = c->in[0];
    if (axis < 0) return op_set_output(c, 0, x->dtype, 1, &count);
    int64_t dims[OP_MAX_RANK];
    memcpy(dims, x->dims, sizeof(int64_t) * (size_t)x->rank);
    dims[axis] = count;
    return op_set_output(c, 0, x->dtype, x->rank, dims);
}

fy_status shp_compress_eval(struct op_ctx *c)
{
    if (!c->out[0]->numel) return FY_OK; /* and the loop bounds below are exact */
    int axis;
    int64_t len, count;
    fy_status st = compress_plan(c, &axis, &len, &count);
    if (st) return st;
    const struct op_tensor *x = c->in[0], *cond = c->in[1];
    const uint8_t *keep = cond->data;
    int64_t n = (int64_t)cond->numel < len ? (int64_t)cond->numel : len;
    size_t es = shp_esize(x->dtype);
    int64_t outer = axis < 0 ? 1 : shp_numel(axis, x->dims);
    int64_t inner = axis < 0 ? 1 : shp_numel(x->rank - axis - 1, x->dims + axis + 1);
    size_t run = (size_t)inner * es;
    const char *src = shp_src(x);
    char *dst = shp_dst(c->out[0]);
    for (int64_t o = 0; o < outer; o++)
        for (int64_t j = 0; j < n; j++)
            if (keep[j]) {
                memcpy(dst, src + (size_t)(o * len + j) * run, run);
                dst += run;
            }
    return FY_OK;
}
