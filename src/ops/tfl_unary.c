/* Unary tfl.* ops: activations (LOGISTIC, TANH, RELU, RELU6, RELU_N1_TO_1,
 * RELU_0_TO_1, LEAKY_RELU, HARD_SWISH, GELU, ELU), element-wise math (ABS,
 * NEG, EXP, LOG, SQRT, RSQRT, SQUARE, SIN, COS, CEIL, FLOOR, ROUND, SIGN),
 * QUANTIZE, DEQUANTIZE, CAST, LOGICAL_NOT, ZEROS_LIKE, ONES_LIKE.
 *
 * Quantized arithmetic (TFLite Micro's reference kernels):
 *  - LOGISTIC int8: the input, less its zero point, is scaled into Q4.27 by
 *    the frexp multiplier of input_scale * 2^27 (inputs beyond the radius
 *    saturate), gemmlowp's fixed-point logistic, rounded to Q0.8, - 128;
 *    TANH int8 likewise, rounded to Q0.7, no zero point;
 *  - LOGISTIC/TANH int16: TFLite's 256-entry sigmoid table with linear
 *    interpolation (tfq_logistic16/tfq_tanh16); a power-of-two input scale
 *    2^-12 (or 2^-11 for TANH) takes the multiplier-3 path, others a 15-bit
 *    multiplier found by doubling input_scale * 3 * 4096;
 *  - RELU/RELU_N1_TO_1/RELU_0_TO_1: requantized by in_scale / out_scale
 *    (float quotient) and clamped to the activation's quantized range;
 *    RELU6 clamps the raw input to [zero point, q(6)] without requantizing;
 *  - LEAKY_RELU: identity multiplier in_s / out_s and alpha multiplier
 *    in_s * alpha / out_s (both float quotients);
 *  - QUANTIZE float -> int: round-half-away(x / scale) + zero point,
 *    saturated (per-axis too); int -> int: (q - zp_in) requantized by
 *    in_scale / out_scale (double) + zp_out, saturated;
 *  - DEQUANTIZE: scale (as double) * (q - zp), rounded to float32. */
#include <math.h>
#include <string.h>

#include "core/half.h"
#include "ops/tfl.h"

fy_status tfl_float_param_parse(const struct ir_node *n, int64_t opset, void *params,
                                struct fy_error *err)
{
    (void)opset;
    struct tfl_float_param *p = params;
    return op_attr_float(n, "alpha", 0.0f, &p->value, err);
}

fy_status tfl_gelu_parse(const struct ir_node *n, int64_t opset, void *params, struct fy_error *err)
{
    (void)opset;
    struct tfl_int_params *p = params;
    int64_t v;
    fy_status st = op_attr_int(n, "approximate", 0, &v, err);
    p->v[0] = v != 0;
    p->n = 1;
    return st;
}

/* ---- infer ---- */

static bool float_only_op(enum ir_op op)
{
    switch (op) {
    case IR_OP_TFL_EXP:
    case IR_OP_TFL_LOG:
    case IR_OP_TFL_SQRT:
    case IR_OP_TFL_RSQRT:
    case IR_OP_TFL_SIN:
    case IR_OP_TFL_COS:
    case IR_OP_TFL_CEIL:
    case IR_OP_TFL_FLOOR:
    case IR_OP_TFL_ROUND:
    case IR_OP_TFL_HARD_SWISH:
    case IR_OP_TFL_GELU:
    case IR_OP_TFL_ELU:
        return true;
    default:
        return false;
    }
}

/* Ops whose integer inputs are plain integers, not quantized values. */
static bool plain_int_op(enum ir_op op)
{
    return op == IR_OP_TFL_ABS || op == IR_OP_TFL_NEG || op == IR_OP_TFL_SQUARE ||
           op == IR_OP_TFL_SIGN;
}

fy_status tfl_unary_infer(struct op_ctx *c)
{
    const struct op_tensor *x = c->in[0];
    if (!x) return op_fail(c, FY_EINVALID, "input 0 is missing");
    const enum ir_op op = c->node->op;
    if (float_only_op(op)) {
        if (x->dtype != IR_F32)
            return op_fail(c, FY_EUNSUPPORTED, "input has type %s; float32 is supported",
                           ir_dtype_name(x->dtype));
    } else if (plain_int_op(op)) {
        static const enum ir_dtype ok[] = {IR_F32, IR_I32, IR_I64, IR_I16, IR_I8};
        fy_status st = op_expect_dtype(c, 0, ok, 5);
        if (st) return st;
        if (x->dtype != IR_F32 && x->quant && x->quant->count > 0 &&
            (op == IR_OP_TFL_ABS || op == IR_OP_TFL_SQUARE) &&
            (tfl_scale(x) != tfl_scale(c->out[0]) ||
             tfl_zero_point(x) != tfl_zero_point(c->out[0])))
            return op_fail(c, FY_EUNSUPPORTED, "quantized %s with rescaling is not supported",
                           c->node->op_type);
    } else {
        static const enum ir_dtype ok[] = {IR_F32, IR_I8, IR_I16};
        fy_status st = op_expect_dtype(c, 0, ok, 3);
        if (st) return st;
        if (x->dtype != IR_F32) {
            st = tfl_need_quant(c, x, "input 0");
            if (!st) st = tfl_need_quant(c, c->out[0], "output 0");
            if (st) return st;
        }
    }
    return op_set_output(c, 0, x->dtype, x->rank, x->dims);
}

/* ---- float math ---- */

static float gelu_f(float x, bool approximate)
{
    if (approximate) {
        const float k = 0.7978845608028654f; /* sqrt(2 / pi) */
        return 0.5f * x * (1.0f + tanhf(k * (x + 0.044715f * x * x * x)));
    }
    return 0.5f * x * (1.0f + erff(x * 0.7071067811865476f));
}

static float logistic_f(float v)
{
    /* TFLite's reference: cut-offs where the float result saturates */
    if (v > 16.619047164916992188f) return 1.0f;
    if (v < -9.0f) return expf(v);
    return 1.0f / (1.0f + expf(-v));
}

static float unary_f(enum ir_op op, float x, const struct op_ctx *c)
{
    switch (op) {
    case IR_OP_TFL_ABS:
        return fabsf(x);
    case IR_OP_TFL_NEG:
        return -x;
    case IR_OP_TFL_EXP:
        return expf(x);
    case IR_OP_TFL_LOG:
        return logf(x);
    case IR_OP_TFL_SQRT:
        return sqrtf(x);
    case IR_OP_TFL_RSQRT:
        return 1.0f / sqrtf(x);
    case IR_OP_TFL_SQUARE:
        return x * x;
    case IR_OP_TFL_SIN:
        return sinf(x);
    case IR_OP_TFL_COS:
        return cosf(x);
    case IR_OP_TFL_CEIL:
        return ceilf(x);
    case IR_OP_TFL_FLOOR:
        return floorf(x);
    case IR_OP_TFL_ROUND:
        return rintf(x); /* TFLite rounds half to even */
    case IR_OP_TFL_SIGN:
        return (float)((x > 0) - (x < 0));
    case IR_OP_TFL_LOGISTIC:
        return logistic_f(x);
    case IR_OP_TFL_TANH:
        return tanhf(x);
    case IR_OP_TFL_RELU:
        return x < 0 ? 0.0f : x;
    case IR_OP_TFL_RELU6:
        return x < 0 ? 0.0f : (x > 6 ? 6.0f : x);
    case IR_OP_TFL_RELU_N1_TO_1:
        return x < -1 ? -1.0f : (x > 1 ? 1.0f : x);
    case IR_OP_TFL_RELU_0_TO_1:
        return x < 0 ? 0.0f : (x > 1 ? 1.0f : x);
    case IR_OP_TFL_LEAKY_RELU:
        return x > 0 ? x : x * ((const struct tfl_float_param *)c->params)->value;
    case IR_OP_TFL_HARD_SWISH: {
        float r = x + 3.0f;
        r = r < 0 ? 0 : (r > 6 ? 6 : r);
        return x * r / 6.0f;
    }
    case IR_OP_TFL_GELU:
        return gelu_f(x, ((const struct tfl_int_params *)c->params)->v[0] != 0);
    case IR_OP_TFL_ELU:
        return x < 0 ? expm1f(x) : x;
    default:
        return x;
    }
}

static fy_status float_eval(struct op_ctx *c)
{
    const float *x = c->in[0]->data;
    float *y = c->out[0]->data;
    const enum ir_op op = c->node->op;
    for (uint64_t i = 0; i < c->out[0]->numel; i++)
        y[i] = unary_f(op, x[i], c);
    return FY_OK;
}

static int64_t geti(const struct op_tensor *t, uint64_t i)
{
    return op_get_i64(t, i);
}

static void seti(struct op_tensor *t, uint64_t i, int64_t v)
{
    op_set_i64(t, i, v);
}

fy_status tfl_unary_eval(struct op_ctx *c)
{
    const struct op_tensor *x = c->in[0];
    struct op_tensor *y = c->out[0];
    if (x->dtype == IR_F32) return float_eval(c);
    /* plain integers (or quantized values whose scale the op keeps) */
    int32_t lo = INT32_MIN, hi = INT32_MAX;
    if (y->dtype == IR_I8 || y->dtype == IR_I16) tfl_int_range(y->dtype, &lo, &hi);
    const int64_t zp = x->quant && x->quant->count > 0 ? tfl_zero_point(x) : 0;
    for (uint64_t i = 0; i < y->numel; i++) {
        int64_t v = geti(x, i) - zp, r = v;
        switch (c->node->op) {
        case IR_OP_TFL_ABS:
            r = v < 0 ? (int64_t)(0 - (uint64_t)v) : v;
            break;
        case IR_OP_TFL_NEG:
            r = (int64_t)(0 - (uint64_t)v);
            break;
        case IR_OP_TFL_SQUARE:
            r = (int64_t)((uint64_t)v * (uint64_t)v);
            break;
        case IR_OP_TFL_SIGN:
            r = (v > 0) - (v < 0);
            break;
        default:
            break;
        }
        r += zp;
        if (y->dtype == IR_I8 || y->dtype == IR_I16) r = r < lo ? lo : (r > hi ? hi : r);
        seti(y, i, r);
    }
    return FY_OK;
}

/* ---- LOGISTIC, TANH ---- */

/* int16 input scaling of LOGISTIC (int_bits 3) and TANH, as Prepare sets it:
 * a power-of-two scale whose shift lands on 0 (or 1 for TANH) uses the
 * multiplier-3 path; any other scale gets a 15-bit multiplier. */
static void int16_act_params(float input_scale, bool is_tanh, int32_t *mult, int32_t *shift)
{
    int l2;
    bool pot = tfq_checked_log2(input_scale, &l2);
    int32_t s = (15 - 3) + l2;
    pot = pot && (s == 0 || (is_tanh && s == 1));
    if (pot) {
        *mult = 0;
        *shift = s;
        return;
    }
    double m = (double)input_scale * 4096.0 * 3.0;
    s = 0;
    while (m <= 32767.0 / 2.0 && s <= 30) {
        s++;
        m = m * 2.0;
    }
    *mult = (int32_t)m;
    *shift = s;
}

/* int8 input scaling of LOGISTIC and TANH: Q4.27 by frexp, no renormalizing */
static void int8_act_params(float input_scale, int32_t *mult, int *left_shift, int *radius)
{
    const double real = (double)input_scale * (double)(1 << (31 - 4));
    const double q = frexp(real, left_shift);
    *mult = (int32_t)(int64_t)round(q * (double)(1LL << 31));
    *radius = tfq_input_radius(4, *left_shift, 31);
}

static fy_status logistic_tanh_eval(struct op_ctx *c, bool is_tanh)
{
    const struct op_tensor *x = c->in[0];
    struct op_tensor *y = c->out[0];
    if (x->dtype == IR_F32) return float_eval(c);
    if (x->dtype == IR_I16) {
        int32_t m, s;
        int16_act_params(tfl_scale(x), is_tanh, &m, &s);
        const int16_t *in = x->data;
        int16_t *out = y->data;
        for (uint64_t i = 0; i < y->numel; i++)
            out[i] = is_tanh ? tfq_tanh16(in[i], m, s) : tfq_logistic16(in[i], m, s);
        return FY_OK;
    }
    int32_t mult;
    int shift, radius;
    int8_act_params(tfl_scale(x), &mult, &shift, &radius);
    const int32_t zp = tfl_zero_point(x);
    const int8_t *in = x->data;
    int8_t *out = y->data;
    for (uint64_t i = 0; i < y->numel; i++) {
        const int32_t v = (int32_t)in[i] - zp;
        int32_t r;
        if (v <= -radius) {
            r = -128;
        } else if (v >= radius) {
            r = 127;
        } else {
            const int32_t q4 = tfq_mbqm(v, mult, shift);
            if (is_tanh) {
                r = tfq_rdbpot(tfq_tanh(q4, 4), 31 - 7);
            } else {
                r = tfq_rdbpot(tfq_logistic(q4, 4), 31 - 8) - 128;
            }
            r = r < -128 ? -128 : (r > 127 ? 127 : r);
        }
        out[i] = (int8_t)r;
    }
    return FY_OK;
}

fy_status tfl_logistic_eval(struct op_ctx *c)
{
    return logistic_tanh_eval(c, false);
}
fy_status tfl_tanh_eval(struct op_ctx *c)
{
    return logistic_tanh_eval(c, true);
}

/* ---- RELU family ---- */

fy_status tfl_relu_eval(struct op_ctx *c)
{
    const struct op_tensor *x = c->in[0];
    struct op_tensor *y = c->out[0];
    if (x->dtype == IR_F32) return float_eval(c);
    const enum ir_op op = c->node->op;
    const float xs = tfl_scale(x), ys = tfl_scale(y);
    const int32_t xz = tfl_zero_point(x), yz = tfl_zero_point(y);
    int32_t qmin, qmax;
    tfl_int_range(y->dtype, &qmin, &qmax);
    if (op == IR_OP_TFL_RELU6) {
        /* no requantization: clamp the raw input to [q(0), q(6)] */
        const int32_t six = xz + (int32_t)roundf(6.0f / xs);
        for (uint64_t i = 0; i < y->numel; i++) {
            int32_t v = (int32_t)op_get_i64(x, i);
            v = v > six ? six : (v < xz ? xz : v);
            op_set_i64(y, i, v);
        }
        return FY_OK;
    }
    float act_min = 0.0f, act_max = INFINITY;
    if (op == IR_OP_TFL_RELU_N1_TO_1) act_min = -1.0f, act_max = 1.0f;
    if (op == IR_OP_TFL_RELU_0_TO_1) act_max = 1.0f;
    int32_t m;
    int s;
    tfq_quantize_multiplier((double)(xs / ys), &m, &s);
    int32_t lo = yz + (int32_t)roundf(act_min / ys);
    if (lo < qmin) lo = qmin;
    int32_t hi = qmax;
    if (act_max != INFINITY) {
        int32_t h = yz + (int32_t)roundf(act_max / ys);
        if (h < hi) hi = h;
    }
    for (uint64_t i = 0; i < y->numel; i++) {
        int32_t v = yz + tfq_mbqm((int32_t)op_get_i64(x, i) - xz, m, s);
        v = v < lo ? lo : (v > hi ? hi : v);
        op_set_i64(y, i, v);
    }
    return FY_OK;
}

fy_status tfl_leaky_relu_eval(struct op_ctx *c)
{
    const struct op_tensor *x = c->in[0];
    struct op_tensor *y = c->out[0];
    if (x->dtype == IR_F32) return float_eval(c);
    const float alpha = ((const struct tfl_float_param *)c->params)->value;
    const float xs = tfl_scale(x), ys = tfl_scale(y);
    int32_t m_alpha, m_id;
    int s_alpha, s_id;
    tfq_quantize_multiplier((double)(xs * alpha / ys), &m_alpha, &s_alpha);
    tfq_quantize_multiplier((double)(xs / ys), &m_id, &s_id);
    const bool neg_alpha = m_alpha < 0;
    const int32_t safe_alpha = neg_alpha ? -m_alpha : m_alpha;
    const int32_t xz = tfl_zero_point(x), yz = tfl_zero_point(y);
    int32_t lo, hi;
    tfl_int_range(y->dtype, &lo, &hi);
    for (uint64_t i = 0; i < y->numel; i++) {
        const int32_t v = (int32_t)op_get_i64(x, i) - xz;
        int32_t r = yz;
        if (v >= 0) {
            r += tfq_mbqm(v, m_id, s_id);
        } else {
            int32_t a = tfq_mbqm(v, safe_alpha, s_alpha);
            r += neg_alpha ? -a : a;
        }
        r = r < lo ? lo : (r > hi ? hi : r);
        op_set_i64(y, i, r);
    }
    return FY_OK;
}

fy_status tfl_hard_swish_eval(struct op_ctx *c)
{
    return float_eval(c);
}
fy_status tfl_gelu_eval(struct op_ctx *c)
{
    return float_eval(c);
}
fy_status tfl_elu_eval(struct op_ctx *c)
{
    return float_eval(c);
}

/* ---- QUANTIZE ---- */

fy_status tfl_quantize_infer(struct op_ctx *c)
{
    const struct op_tensor *x = c->in[0];
    if (!x) return op_fail(c, FY_EINVALID, "input 0 is missing");
    const enum ir_dtype yt = tfl_declared_dtype(c, 0, IR_UNDEFINED);
    if (yt != IR_I8 && yt != IR_U8 && yt != IR_I16 && yt != IR_I32)
        return op_fail(c, FY_EUNSUPPORTED, "output type %s; expected int8, uint8, int16 or int32",
                       ir_dtype_name(yt));
    static const enum ir_dtype ok[] = {IR_F32, IR_I8, IR_U8, IR_I16, IR_I32};
    fy_status st = op_expect_dtype(c, 0, ok, 5);
    if (st) return st;
    if (x->dtype != IR_F32) st = tfl_need_quant(c, x, "input 0");
    if (!st) st = tfl_need_quant(c, c->out[0], "output 0");
    if (st) return st;
    const struct ir_quant *q = c->out[0]->quant;
    if (q->count > 1) {
        if (x->dtype != IR_F32)
            return op_fail(c, FY_EUNSUPPORTED, "per-axis requantization is not supported");
        if (q->axis < 0 || q->axis >= x->rank || x->dims[q->axis] != q->count)
            return op_fail(c, FY_EINVALID, "%d scales on axis %d do not fit the input", q->count,
                           q->axis);
    }
    return op_set_output(c, 0, yt, x->rank, x->dims);
}

fy_status tfl_quantize_eval(struct op_ctx *c)
{
    const struct op_tensor *x = c->in[0];
    struct op_tensor *y = c->out[0];
    int32_t lo, hi;
    tfl_int_range(y->dtype, &lo, &hi);
    const struct ir_quant *q = y->quant;
    if (x->dtype == IR_F32) {
        /* stride of the quantized axis, for per-axis outputs */
        uint64_t inner = 1;
        int64_t axis_n = 1;
        if (q->count > 1) {
            for (int d = q->axis + 1; d < x->rank; d++)
                inner *= (uint64_t)x->dims[d];
            axis_n = x->dims[q->axis];
        }
        const float *in = x->data;
        for (uint64_t i = 0; i < y->numel; i++) {
            const int64_t ch = q->count > 1 ? (int64_t)((i / inner) % (uint64_t)axis_n) : 0;
            const float t = roundf(in[i] / q->scale[ch]);
            int64_t v;
            if (isnan(t))
                v = 0;
            else if (t >= 2147483648.0f)
                v = INT32_MAX;
            else if (t < -2147483648.0f)
                v = INT32_MIN;
            else
                v = (int32_t)t;
            v += q->zero_point[ch];
            v = v < lo ? lo : (v > hi ? hi : v);
            op_set_i64(y, i, v);
        }
        return FY_OK;
    }
    int32_t m;
    int s;
    tfq_quantize_multiplier((double)tfl_scale(x) / (double)tfl_scale(y), &m, &s);
    const int32_t xz = tfl_zero_point(x), yz = tfl_zero_point(y);
    for (uint64_t i = 0; i < y->numel; i++) {
        const int32_t v = (int32_t)((uint32_t)(int32_t)op_get_i64(x, i) - (uint32_t)xz);
        int64_t r = (int64_t)tfq_mbqm(v, m, s) + yz;
        r = r < lo ? lo : (r > hi ? hi : r);
        op_set_i64(y, i, r);
    }
    return FY_OK;
}

/* ---- DEQUANTIZE ---- */

fy_status tfl_dequantize_infer(struct op_ctx *c)
{
    const struct op_tensor *x = c->in[0];
    if (!x) return op_fail(c, FY_EINVALID, "input 0 is missing");
    if (x->dtype == IR_F16) return op_set_output(c, 0, IR_F32, x->rank, x->dims);
    static const enum ir_dtype ok[] = {IR_I8, IR_U8, IR_I16, IR_I32, IR_F16};
    fy_status st = op_expect_dtype(c, 0, ok, 5);
    if (!st) st = tfl_need_quant(c, x, "input 0");
    if (st) return st;
    const struct ir_quant *q = x->quant;
    if (q->count > 1 && (q->axis < 0 || q->axis >= x->rank || x->dims[q->axis] != q->count))
        return op_fail(c, FY_EINVALID, "%d scales on axis %d do not fit the input", q->count,
                       q->axis);
    return op_set_output(c, 0, IR_F32, x->rank, x->dims);
}

fy_status tfl_dequantize_eval(struct op_ctx *c)
{
    const struct op_tensor *x = c->in[0];
    float *y = c->out[0]->data;
    if (x->dtype == IR_F16) {
        const uint16_t *h = x->data;
        for (uint64_t i = 0; i < x->numel; i++)
            y[i] = half_to_float(h[i]);
        return FY_OK;
    }
    const struct ir_quant *q = x->quant;
    uint64_t inner = 1;
    int64_t axis_n = 1;
    if (q->count > 1) {
        for (int d = q->axis + 1; d < x->rank; d++)
            inner *= (uint64_t)x->dims[d];
        axis_n = x->dims[q->axis];
    }
    for (uint64_t i = 0; i < x->numel; i++) {
        const int64_t ch = q->count > 1 ? (int64_t)((i / inner) % (uint64_t)axis_n) : 0;
        const int32_t v = (int32_t)op_get_i64(x, i);
        y[i] = (float)((double)q->scale[ch] * (double)(v - (int32_t)q->zero_point[ch]));
    }
    return FY_OK;
}

/* ---- CAST ---- */

fy_status tfl_cast_infer(struct op_ctx *c)
{
    const struct op_tensor *x = c->in[0];
    if (!x) return op_fail(c, FY_EINVALID, "input 0 is missing");
    enum ir_dtype yt = tfl_declared_dtype(c, 0, IR_UNDEFINED);
    if (yt == IR_UNDEFINED) {
        struct fy_error ignore = {0};
        tfl_parse_tensor_type(c->node, "out_data_type", &yt, &ignore);
    }
    if (yt == IR_UNDEFINED || yt == IR_STRING || x->dtype == IR_STRING)
        return op_fail(c, FY_EUNSUPPORTED, "cast from %s to %s", ir_dtype_name(x->dtype),
                       ir_dtype_name(yt));
    return op_set_output(c, 0, yt, x->rank, x->dims);
}

fy_status tfl_cast_eval(struct op_ctx *c)
{
    const struct op_tensor *x = c->in[0];
    struct op_tensor *y = c->out[0];
    const bool xf = ir_dtype_table[x->dtype].is_float, yf = ir_dtype_table[y->dtype].is_float;
    for (uint64_t i = 0; i < y->numel; i++) {
        if (y->dtype == IR_BOOL) {
            op_set_i64(y, i, xf ? op_get_f64(x, i) != 0 : op_get_i64(x, i) != 0);
        } else if (xf || yf) {
            op_set_f64(y, i, op_get_f64(x, i)); /* float -> int truncates toward zero */
        } else {
            op_set_i64(y, i, op_get_i64(x, i)); /* integers wrap, as static_cast */
        }
    }
    return FY_OK;
}

/* ---- LOGICAL_NOT, ZEROS_LIKE, ONES_LIKE ---- */

fy_status tfl_logical_not_infer(struct op_ctx *c)
{
    static const enum ir_dtype ok[] = {IR_BOOL};
    if (!c->in[0]) return op_fail(c, FY_EINVALID, "input 0 is missing");
    fy_status st = op_expect_dtype(c, 0, ok, 1);
    if (st) return st;
    return op_set_output(c, 0, IR_BOOL, c->in[0]->rank, c->in[0]->dims);
}

fy_status tfl_logical_not_eval(struct op_ctx *c)
{
    const uint8_t *x = c->in[0]->data;
    uint8_t *y = c->out[0]->data;
    for (uint64_t i = 0; i < c->out[0]->numel; i++)
        y[i] = !x[i];
    return FY_OK;
}

fy_status tfl_like_infer(struct op_ctx *c)
{
    if (!c->in[0]) return op_fail(c, FY_EINVALID, "input 0 is missing");
    if (c->in[0]->dtype == IR_STRING)
        return op_fail(c, FY_EUNSUPPORTED, "input is a string tensor");
    return op_set_output(c, 0, c->in[0]->dtype, c->in[0]->rank, c->in[0]->dims);
}

fy_status tfl_zeros_like_eval(struct op_ctx *c)
{
    if (c->out[0]->nbytes) memset(c->out[0]->data, 0, (size_t)c->out[0]->nbytes);
    return FY_OK;
}

fy_status tfl_ones_like_eval(struct op_ctx *c)
{
    for (uint64_t i = 0; i < c->out[0]->numel; i++)
        op_set_i64(c->out[0], i, 1);
    return FY_OK;
}
