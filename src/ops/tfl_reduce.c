/* Reductions: tfl.MEAN, SUM, REDUCE_MAX, REDUCE_MIN, REDUCE_PROD (input,
 * axes, keep_dims) and ARG_MAX, ARG_MIN (input, axis, output_type).
 *
 * Values are accumulated in input order into their output slot (TFLite's
 * ReduceSumImpl), float32 in float32. Quantized MEAN/SUM (int8, int16)
 * follow TFLite Micro's QuantizedMeanOrSum: the raw values are summed in
 * int32, the input zero point times the count is subtracted, and the sum is
 * requantized by in_scale / out_scale; MEAN folds the division by the count
 * into that multiplier (multiplier * 2^s / count with s = floor(log2 count),
 * capped at 32 and at 31 + shift) before the + output zero point and
 * saturation. MAX/MIN compare raw values (TFLite requires equal
 * quantization). ARG_MAX/ARG_MIN return the first index of the extremum. */
#include <math.h>
#include <string.h>

#include "ops/tfl.h"

fy_status tfl_reduce_parse(const struct ir_node *n, int64_t opset, void *params,
                           struct fy_error *err)
{
    (void)opset;
    struct tfl_int_params *p = params;
    int64_t keep;
    fy_status st = op_attr_int(n, "keep_dims", 0, &keep, err);
    p->v[0] = keep != 0;
    p->n = 1;
    return st;
}

/* Reduced axes as a mask; false on a bad axis (error set). */
static fy_status reduced_axes(struct op_ctx *c, bool *red)
{
    const struct op_tensor *x = c->in[0], *a = c->in[1];
    for (int d = 0; d < OP_MAX_RANK; d++)
        red[d] = false;
    if (a->dtype != IR_I32 && a->dtype != IR_I64)
        return op_fail(c, FY_EINVALID, "axes have type %s", ir_dtype_name(a->dtype));
    for (uint64_t i = 0; i < a->numel; i++) {
        int ax;
        fy_status st = op_axis(c, op_get_i64(a, i), x->rank, "axis", &ax);
        if (st) return st;
        red[ax] = true;
    }
    return FY_OK;
}

fy_status tfl_reduce_infer(struct op_ctx *c)
{
    const struct tfl_int_params *p = c->params;
    if (!c->in[0] || !c->in[1]) return op_fail(c, FY_EINVALID, "input and axes are required");
    const struct op_tensor *x = c->in[0];
    const enum ir_op op = c->node->op;
    static const enum ir_dtype ok[] = {IR_F32, IR_I32, IR_I64, IR_I8, IR_U8, IR_I16};
    fy_status st = op_expect_dtype(c, 0, ok, 6);
    if (st) return st;
    if (op == IR_OP_TFL_REDUCE_PROD && x->dtype != IR_F32 && x->dtype != IR_I32 &&
        x->dtype != IR_I64)
        return op_fail(c, FY_EUNSUPPORTED, "quantized REDUCE_PROD is not supported");
    if ((op == IR_OP_TFL_MEAN || op == IR_OP_TFL_SUM) && tfl_is_quant_int(x->dtype)) {
        st = tfl_need_quant(c, x, "input 0");
        if (!st) st = tfl_need_quant(c, c->out[0], "output 0");
        if (st) return st;
    }
    bool red[OP_MAX_RANK];
    st = reduced_axes(c, red);
    if (st) return st;
    int64_t dims[OP_MAX_RANK];
    int n = 0;
    for (int d = 0; d < x->rank; d++) {
        if (!red[d])
            dims[n++] = x->dims[d];
        else if (p->v[0])
            dims[n++] = 1;
    }
    return op_set_output(c, 0, x->dtype, n, dims);
}

/* Output offset of every input element: strides of the kept dims. */
static void out_strides(const struct op_tensor *x, const bool *red, int64_t *st)
{
    int64_t s = 1;
    for (int d = x->rank - 1; d >= 0; d--) {
        if (red[d]) {
            st[d] = 0;
        } else {
            st[d] = s;
            s *= x->dims[d];
        }
    }
}

enum red_kind { RED_SUM, RED_MEAN, RED_MAX, RED_MIN, RED_PROD };

static fy_status reduce_eval(struct op_ctx *c, enum red_kind kind)
{
    const struct op_tensor *x = c->in[0];
    struct op_tensor *y = c->out[0];
    bool red[OP_MAX_RANK];
    fy_status st = reduced_axes(c, red);
    if (st) return st;
    int64_t ost[OP_MAX_RANK], idx[OP_MAX_RANK] = {0};
    out_strides(x, red, ost);
    uint64_t count = y->numel ? x->numel / y->numel : 0;
    const uint64_t ny = y->numel;
    if (x->dtype == IR_F32) {
        float *acc = y->data;
        for (uint64_t i = 0; i < ny; i++)
            acc[i] = kind == RED_MAX    ? -INFINITY
                     : kind == RED_MIN  ? INFINITY
                     : kind == RED_PROD ? 1.0f
                                        : 0.0f;
        const float *xf = x->data;
        uint64_t o = 0;
        for (uint64_t i = 0; i < x->numel; i++) {
            const float v = xf[i];
            switch (kind) {
            case RED_SUM:
            case RED_MEAN:
                acc[o] += v;
                break;
            case RED_MAX:
                acc[o] = v > acc[o] ? v : acc[o];
                break;
            case RED_MIN:
                acc[o] = v < acc[o] ? v : acc[o];
                break;
            case RED_PROD:
                acc[o] *= v;
                break;
            }
            for (int d = x->rank - 1; d >= 0; d--) {
                idx[d]++;
                o += (uint64_t)ost[d];
                if (idx[d] < x->dims[d]) break;
                o -= (uint64_t)(ost[d] * idx[d]);
                idx[d] = 0;
            }
        }
        if (kind == RED_MEAN && count)
            for (uint64_t i = 0; i < ny; i++)
                acc[i] = acc[i] / (float)count;
        return FY_OK;
    }
    /* integers: int64 accumulators, narrowed as TFLite's int32 sums wrap */
    int64_t *acc = op_scratch(c, sizeof(int64_t) * (size_t)(ny ? ny : 1));
    if (!acc) return op_fail(c, FY_ENOMEM, "out of memory");
    for (uint64_t i = 0; i < ny; i++)
        acc[i] = kind == RED_MAX    ? INT64_MIN
                 : kind == RED_MIN  ? INT64_MAX
                 : kind == RED_PROD ? 1
                                    : 0;
    uint64_t o = 0;
    for (uint64_t i = 0; i < x->numel; i++) {
        const int64_t v = op_get_i64(x, i);
        switch (kind) {
        case RED_SUM:
        case RED_MEAN:
            acc[o] = (int64_t)((uint64_t)acc[o] + (uint64_t)v);
            break;
        case RED_MAX:
            acc[o] = v > acc[o] ? v : acc[o];
            break;
        case RED_MIN:
            acc[o] = v < acc[o] ? v : acc[o];
            break;
        case RED_PROD:
            acc[o] = (int64_t)((uint64_t)acc[o] * (uint64_t)v);
            break;
        }
        for (int d = x->rank - 1; d >= 0; d--) {
            idx[d]++;
            o += (uint64_t)ost[d];
            if (idx[d] < x->dims[d]) break;
            o -= (uint64_t)(ost[d] * idx[d]);
            idx[d] = 0;
        }
    }
    const bool quant = tfl_is_quant_int(x->dtype) && (kind == RED_SUM || kind == RED_MEAN);
    if (!quant) {
        for (uint64_t i = 0; i < ny; i++) {
            int64_t v = acc[i];
            if (kind == RED_MEAN && count) v /= (int64_t)count; /* integer mean truncates */
            if (x->dtype == IR_I32) v = (int32_t)v;
            op_set_i64(y, i, v);
        }
        return FY_OK;
    }
    int32_t mult;
    int shift;
    tfq_quantize_multiplier((double)tfl_scale(x) / (double)tfl_scale(y), &mult, &shift);
    if (kind == RED_MEAN && count) {
        int s = 63 - __builtin_clzll(count);
        if (s > 32) s = 32;
        if (s > 31 + shift) s = 31 + shift;
        mult = (int32_t)(((int64_t)mult << s) / (int64_t)count);
        shift -= s;
    }
    int32_t lo, hi;
    tfl_int_range(y->dtype, &lo, &hi);
    const int32_t xz = tfl_zero_point(x), yz = tfl_zero_point(y);
    for (uint64_t i = 0; i < ny; i++) {
        const int32_t sum = (int32_t)(acc[i] - (int64_t)xz * (int64_t)count);
        int32_t v = tfq_wadd(tfq_mbqm(sum, mult, shift), yz);
        v = v < lo ? lo : (v > hi ? hi : v);
        op_set_i64(y, i, v);
    }
    return FY_OK;
}

fy_status tfl_mean_eval(struct op_ctx *c)
{
    return reduce_eval(c, RED_MEAN);
}
fy_status tfl_sum_eval(struct op_ctx *c)
{
    return reduce_eval(c, RED_SUM);
}
fy_status tfl_reduce_max_eval(struct op_ctx *c)
{
    return reduce_eval(c, RED_MAX);
}
fy_status tfl_reduce_min_eval(struct op_ctx *c)
{
    return reduce_eval(c, RED_MIN);
}
fy_status tfl_reduce_prod_eval(struct op_ctx *c)
{
    return reduce_eval(c, RED_PROD);
}

/* ---- ARG_MAX, ARG_MIN ---- */

fy_status tfl_arg_parse(const struct ir_node *n, int64_t opset, void *params, struct fy_error *err)
{
    (void)opset;
    struct tfl_int_params *p = params;
    enum ir_dtype t;
    fy_status st = tfl_parse_tensor_type(n, "output_type", &t, err);
    p->v[0] = t == IR_UNDEFINED ? IR_I64 : t;
    p->n = 1;
    return st;
}

fy_status tfl_arg_infer(struct op_ctx *c)
{
    const struct tfl_int_params *p = c->params;
    if (!c->in[0] || !c->in[1]) return op_fail(c, FY_EINVALID, "input and axis are required");
    const struct op_tensor *x = c->in[0];
    if (c->in[1]->numel != 1) return op_fail(c, FY_EINVALID, "axis must hold one value");
    int axis;
    fy_status st = op_axis(c, op_get_i64(c->in[1], 0), x->rank, "axis", &axis);
    if (st) return st;
    const enum ir_dtype t = tfl_declared_dtype(c, 0, (enum ir_dtype)p->v[0]);
    if (t != IR_I32 && t != IR_I64)
        return op_fail(c, FY_EINVALID, "output_type must be int32/int64");
    int64_t dims[OP_MAX_RANK];
    int n = 0;
    for (int d = 0; d < x->rank; d++)
        if (d != axis) dims[n++] = x->dims[d];
    return op_set_output(c, 0, t, n, dims);
}

static fy_status arg_eval(struct op_ctx *c, bool is_max)
{
    const struct op_tensor *x = c->in[0];
    int64_t a = op_get_i64(c->in[1], 0);
    const int axis = (int)(a < 0 ? a + x->rank : a);
    uint64_t outer = 1, inner = 1;
    for (int d = 0; d < axis; d++)
        outer *= (uint64_t)x->dims[d];
    for (int d = axis + 1; d < x->rank; d++)
        inner *= (uint64_t)x->dims[d];
    const int64_t n = x->dims[axis];
    const bool fl = ir_dtype_table[x->dtype].is_float;
    for (uint64_t o = 0; o < outer; o++)
        for (uint64_t in = 0; in < inner; in++) {
            int64_t best = 0;
            double bf = 0;
            int64_t bi = 0;
            for (int64_t k = 0; k < n; k++) {
                const uint64_t i = (o * (uint64_t)n + (uint64_t)k) * inner + in;
                if (fl) {
                    const double v = op_get_f64(x, i);
                    if (k == 0 || (is_max ? v > bf : v < bf)) bf = v, best = k;
                } else {
                    const int64_t v = op_get_i64(x, i);
                    if (k == 0 || (is_max ? v > bi : v < bi)) bi = v, best = k;
                }
            }
            op_set_i64(c->out[0], o * inner + in, best);
        }
    return FY_OK;
}

fy_status tfl_arg_max_eval(struct op_ctx *c)
{
    return arg_eval(c, true);
}
fy_status tfl_arg_min_eval(struct op_ctx *c)
{
    return arg_eval(c, false);
}
