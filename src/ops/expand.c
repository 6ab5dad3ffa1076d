/* Ops that replicate the input: Expand (numpy broadcasting to a shape) and
 * Tile (repeat along every axis; Tile-1 repeated along one axis). */
#include <string.h>

#include "ops/shape.h"

/* ---- Expand ---- */

static fy_status expand_shape(struct op_ctx *c, int *rank, int64_t *dims)
{
    const struct op_tensor *x = c->in[0];
    int64_t shape[OP_MAX_RANK];
    int n;
    fy_status st = op_read_ints(c, 1, shape, OP_MAX_RANK, &n);
    if (st) return st;
    int r = n > x->rank ? n : x->rank;
    for (int d = 0; d < r; d++) {
        int xd = d - (r - x->rank), sd = d - (r - n);
        int64_t a = xd >= 0 ? x->dims[xd] : 1, b = sd >= 0 ? shape[sd] : 1;
        if (b < 0) return op_fail(c, FY_EINVALID, "shape dim %d is %lld", sd, (long long)b);
        if (a == b || b == 1) {
            dims[d] = a;
        } else if (a == 1) {
            dims[d] = b;
        } else {
            return op_fail(c, FY_EINVALID,
                           "input dim %d (%lld) cannot be broadcast to shape dim %d (%lld)", xd,
                           (long long)a, sd, (long long)b);
        }
    }
    *rank = r;
    return FY_OK;
}

fy_status shp_expand_infer(struct op_ctx *c)
{
    fy_status st = shp_expect_movable(c, 0);
    if (st) return st;
    int rank = 0;
    int64_t dims[OP_MAX_RANK];
    st = expand_shape(c, &rank, dims);
    if (st) return st;
    return op_set_output(c, 0, c->in[0]->dtype, rank, dims);
}

fy_status shp_expand_eval(struct op_ctx *c)
{
    const struct op_tensor *x = c->in[0];
    struct op_tensor *o = c->out[0];
    int64_t strides[OP_MAX_RANK];
    op_broadcast_strides(x, o->rank, o->dims, strides);
    shp_strided_copy(c, shp_dst(o), shp_src(x), o->rank, o->dims, strides, shp_esize(x->dtype));
    return FY_OK;
}

/* ---- Tile ---- */

static fy_status tile_repeats(struct op_ctx *c, int64_t *reps)
{
    const struct op_tensor *x = c->in[0];
    int n;
    fy_status st;
    if (c->opset < 6) {
        /* Tile-1: inputs 'tiles' (a count) and 'axis' (where to repeat) */
        int64_t v[2];
        for (int i = 0; i < 2; i++) {
            const struct op_tensor *t = c->n_inputs > i + 1 ? c->in[i + 1] : NULL;
            if (!t || t->numel != 1 || t->rank > 1 || ir_dtype_table[t->dtype].is_float)
                return op_fail(c, FY_EINVALID, "Tile-1 needs integer scalars 'tiles' and 'axis'");
            v[i] = op_get_i64(t, 0);
        }
        int axis;
        st = op_axis(c, v[1], x->rank, "axis", &axis);
        if (st) return st;
        for (int d = 0; d < x->rank; d++)
            reps[d] = d == axis ? v[0] : 1;
        n = x->rank;
    } else {
        st = op_read_ints(c, 1, reps, OP_MAX_RANK, &n);
        if (st) return st;
    }
    if (n != x->rank)
        return op_fail(c, FY_EINVALID, "repeats has %d values but the input has rank %d", n,
                       x->rank);
    for (int d = 0; d < n; d++)
        if (reps[d] < 0) return op_fail(c, FY_EINVALID, "repeat %d is %lld", d, (long long)reps[d]);
    return FY_OK;
}

fy_status shp_tile_infer(struct op_ctx *c)
{
    fy_status st = shp_expect_movable(c, 0);
    if (st) return st;
    int64_t reps[OP_MAX_RANK], dims[OP_MAX_RANK];
    st = tile_repeats(c, reps);
    if (st) return st;
    const struct op_tensor *x = c->in[0];
    for (int d = 0; d < x->rank; d++) {
        if (reps[d] && x->dims[d] > INT64_MAX / reps[d])
            return op_fail(c, FY_EINVALID, "output dim %d overflows", d);
        dims[d] = x->dims[d] * reps[d];
    }
    return op_set_output(c, 0, x->dtype, x->rank, dims);
}

fy_status shp_tile_eval(struct op_ctx *c)
{
    const struct op_tensor *x = c->in[0];
    struct op_tensor *o = c->out[0];
    size_t es = shp_esize(x->dtype);
    const char *src = shp_src(x);
    char *dst = shp_dst(o);
    if (!o->numel) return FY_OK;
    int r = x->rank;
    if (r == 0) {
        memcpy(dst, src, es);
        return FY_OK;
    }
    /* each output row (last axis) is the matching input row repeated */
    int64_t xs[OP_MAX_RANK], coord[OP_MAX_RANK] = {0};
    shp_strides(r, x->dims, xs);
    int64_t xrow = x->dims[r - 1], orow = o->dims[r - 1];
    int64_t rows = (int64_t)o->numel / orow;
    size_t run = (size_t)xrow * es;
    for (int64_t row = 0; row < rows; row++) {
        int64_t off = 0;
        for (int d = 0; d < r - 1; d++)
            off += (coord[d] % x->dims[d]) * xs[d];
        char *out = dst + (size_t)(row * orow) * es;
        for (int64_t k = 0; k < orow / xrow; k++)
            memcpy(out + (size_t)k * run, src + (size_t)off * es, run);
        for (int d = r - 2; d >= 0; d--) {
            if (++coord[d] < o->dims[d]) break;
            coord[d] = 0;
        }
    }
    return FY_OK;
}
