/* Range: start, start + delta, ... up to (not including) limit; ONNX's
 * element count is max(ceil((limit - start) / delta), 0). Values are
 * accumulated in the element type, start + delta + delta + ..., as ONNX's
 * own function definition of Range does. */
#include <math.h>
#include <string.h>

#include "ops/shape.h"

static fy_status range_count(struct op_ctx *c, int64_t *count)
{
    static const enum ir_dtype ok[] = {IR_F32, IR_F64, IR_I16, IR_I32, IR_I64};
    for (int i = 0; i < 3; i++) {
        fy_status st = op_expect_dtype(c, i, ok, 5);
        if (st) return st;
        if (!c->in[i]) return op_fail(c, FY_EINVALID, "input %d is missing", i);
        if (c->in[i]->numel != 1 || c->in[i]->rank > 1)
            return op_fail(c, FY_EINVALID, "input %d must be a scalar", i);
    }
    fy_status st = op_expect_same_dtype(c, 0, 2);
    if (st) return st;
    const struct op_tensor *s = c->in[0], *l = c->in[1], *d = c->in[2];
    if (ir_dtype_table[s->dtype].is_float) {
        double start = op_get_f64(s, 0), limit = op_get_f64(l, 0), delta = op_get_f64(d, 0);
        if (delta == 0) return op_fail(c, FY_EINVALID, "delta is 0");
        /* the difference is taken in the element type, as the kernel adds in it */
        double diff = s->dtype == IR_F32 ? (double)((float)limit - (float)start) : limit - start;
        double n = ceil(diff / delta);
        if (!(n > 0)) n = 0; /* also NaN */
        if (n > (double)(1ll << 40))
            return op_fail(c, FY_EINVALID, "range would have %g elements", n);
        *count = (int64_t)n;
        return FY_OK;
    }
    int64_t start = op_get_i64(s, 0), limit = op_get_i64(l, 0), delta = op_get_i64(d, 0);
    if (delta == 0) return op_fail(c, FY_EINVALID, "delta is 0");
    /* exact integer ceil division on magnitudes (in uint64_t: no overflow) */
    uint64_t dist, step = delta > 0 ? (uint64_t)delta : 0 - (uint64_t)delta;
    if (delta > 0 && limit > start)
        dist = (uint64_t)limit - (uint64_t)start;
    else if (delta < 0 && limit < start)
        dist = (uint64_t)start - (uint64_t)limit;
    else
        dist = 0;
    *count = dist ? (int64_t)(1 + (dist - 1) / step) : 0;
    return FY_OK;
}

fy_status shp_range_infer(struct op_ctx *c)
{
    int64_t n;
    fy_status st = range_count(c, &n);
    if (st) return st;
    return op_set_output(c, 0, c->in[0]->dtype, 1, &n);
}

fy_status shp_range_eval(struct op_ctx *c)
{
    struct op_tensor *o = c->out[0];
    const struct op_tensor *s = c->in[0], *d = c->in[2];
    int64_t n = (int64_t)o->numel;
    switch (o->dtype) {
    case IR_F32: {
        float v, delta;
        memcpy(&v, s->data, 4);
        memcpy(&delta, d->data, 4);
        float *out = o->data;
        for (int64_t i = 0; i < n; i++, v += delta)
            out[i] = v;
        break;
    }
    case IR_F64: {
        double v, delta;
        memcpy(&v, s->data, 8);
        memcpy(&delta, d->data, 8);
        double *out = o->data;
        for (int64_t i = 0; i < n; i++, v += delta)
            out[i] = v;
        break;
    }
    default: {
        /* every value lies between start and limit, so none overflows */
        int64_t start = op_get_i64(s, 0), delta = op_get_i64(d, 0);
        for (int64_t i = 0; i < n; i++)
            op_set_i64(o, (uint64_t)i, start + i * delta);
        break;
    }
    }
    return FY_OK;
}
