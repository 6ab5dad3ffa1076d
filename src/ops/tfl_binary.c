/* Binary element-wise tfl.* ops with numpy-style broadcasting: ADD, SUB,
 * MUL, DIV, SQUARED_DIFFERENCE, MAXIMUM, MINIMUM, POW, FLOOR_DIV, FLOOR_MOD,
 * the comparisons, LOGICAL_AND/OR, SELECT/SELECT_V2, ADD_N and PRELU.
 *
 * Quantized arithmetic is TFLite Micro's (reference kernels):
 *  - ADD/SUB (int8 left_shift 20, int16 15): each input is offset by its zero
 *    point, shifted left, scaled by scale_i / (2 max scale) with
 *    MultiplyByQuantizedMultiplierSmallerThanOneExp, summed, then scaled by
 *    2 max scale / (2^left_shift out_scale), + out zero point, clamped to the
 *    activation range, with multipliers derived in double. int16 ADD always takes
 *    this general-scale path, as TFLite Micro does whatever pot_scale_int16
 *    says;
 *  - MUL: (a - za)(b - zb) scaled by sa sb / so (double), + zo, clamped;
 *  - DIV (int8): TFLite's reciprocal-based division with the multiplier of
 *    the float quotient sa / (sb so);
 *  - SQUARED_DIFFERENCE (int8 left_shift 7, int16 0): the ADD scheme on the
 *    difference, squared, then the output multiplier;
 *  - MAXIMUM/MINIMUM compare raw values (TFLite requires equal quantization).
 * Float kernels leave the fused activation to the interpreter; int32
 * outputs clamp to it here (the interpreter only touches float32), as
 * TFLite does (TFLite Micro's int32 ADD ignores it). */
#include <math.h>
#include <string.h>

#include "ops/tfl.h"

/* ---- infer ---- */

static fy_status same_type_inputs(struct op_ctx *c, int n)
{
    for (int i = 0; i < n; i++)
        if (!c->in[i]) return op_fail(c, FY_EINVALID, "input %d is missing", i);
    return op_expect_same_dtype(c, 0, n - 1);
}

fy_status tfl_add_infer(struct op_ctx *c)
{
    fy_status st = same_type_inputs(c, 2);
    if (st) return st;
    const struct op_tensor *a = c->in[0], *b = c->in[1];
    static const enum ir_dtype ok[] = {IR_F32, IR_I32, IR_I64, IR_I8, IR_U8, IR_I16};
    st = op_expect_dtype(c, 0, ok, 6);
    if (st) return st;
    if (tfl_is_quant_int(a->dtype) && c->node->op != IR_OP_TFL_MAXIMUM &&
        c->node->op != IR_OP_TFL_MINIMUM) {
        st = tfl_need_quant(c, a, "input 0");
        if (!st) st = tfl_need_quant(c, b, "input 1");
        if (!st) st = tfl_need_quant(c, c->out[0], "output 0");
        if (st) return st;
    }
    int rank;
    int64_t dims[OP_MAX_RANK];
    st = op_broadcast_shape(c, c->in, 2, &rank, dims);
    if (st) return st;
    return op_set_output(c, 0, a->dtype, rank, dims);
}

/* ---- per-element kernels ---- */

struct bin {
    const struct op_tensor *a, *b;
    struct op_tensor *y;
    enum ir_op op;
    /* quantized parameters */
    int32_t a_off, b_off, y_off, lo, hi;
    int left_shift;
    int32_t a_mult, b_mult, y_mult;
    int a_shift, b_shift, y_shift;
    int64_t ilo, ihi; /* int32/int64 activation clamp */
    bool div_by_zero;
};

static int64_t qv(const struct op_tensor *t, uint64_t i)
{
    switch (t->dtype) {
    case IR_I8:
        return ((const int8_t *)t->data)[i];
    case IR_U8:
        return ((const uint8_t *)t->data)[i];
    case IR_I16:
        return ((const int16_t *)t->data)[i];
    case IR_I32:
        return ((const int32_t *)t->data)[i];
    case IR_I64:
        return ((const int64_t *)t->data)[i];
    case IR_BOOL:
        return ((const uint8_t *)t->data)[i] != 0;
    default:
        return 0;
    }
}

static void qset(struct op_tensor *t, uint64_t i, int64_t v)
{
    switch (t->dtype) {
    case IR_I8:
        ((int8_t *)t->data)[i] = (int8_t)v;
        break;
    case IR_U8:
        ((uint8_t *)t->data)[i] = (uint8_t)v;
        break;
    case IR_I16:
        ((int16_t *)t->data)[i] = (int16_t)v;
        break;
    case IR_I32:
        ((int32_t *)t->data)[i] = (int32_t)v;
        break;
    case IR_I64:
        ((int64_t *)t->data)[i] = v;
        break;
    case IR_BOOL:
        ((uint8_t *)t->data)[i] = v != 0;
        break;
    default:
        break;
    }
}

static int32_t clamp32(int32_t v, int32_t lo, int32_t hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}

/* ADD/SUB/SQUARED_DIFFERENCE: both inputs rescaled to a common scale */
static void q_addsub(void *arg, uint64_t o, uint64_t ia, uint64_t ib)
{
    const struct bin *p = arg;
    int32_t a = tfq_wshl((int32_t)qv(p->a, ia) + p->a_off, p->left_shift);
    int32_t b = tfq_wshl((int32_t)qv(p->b, ib) + p->b_off, p->left_shift);
    a = tfq_mbqm_lt1(a, p->a_mult, p->a_shift);
    b = tfq_mbqm_lt1(b, p->b_mult, p->b_shift);
    int32_t r;
    if (p->op == IR_OP_TFL_ADD) {
        r = tfq_mbqm_lt1(tfq_wadd(a, b), p->y_mult, p->y_shift);
    } else if (p->op == IR_OP_TFL_SUB) {
        r = tfq_mbqm_lt1(tfq_wsub(a, b), p->y_mult, p->y_shift);
    } else {
        int32_t d = tfq_wsub(a, b);
        r = tfq_mbqm((int32_t)((uint32_t)d * (uint32_t)d), p->y_mult, p->y_shift);
    }
    qset(p->y, o, clamp32(tfq_wadd(r, p->y_off), p->lo, p->hi));
}

static void q_mul(void *arg, uint64_t o, uint64_t ia, uint64_t ib)
{
    const struct bin *p = arg;
    int32_t a = (int32_t)qv(p->a, ia) + p->a_off, b = (int32_t)qv(p->b, ib) + p->b_off;
    int32_t r = tfq_mbqm((int32_t)((uint32_t)a * (uint32_t)b), p->y_mult, p->y_shift);
    qset(p->y, o, clamp32(tfq_wadd(r, p->y_off), p->lo, p->hi));
}

static void q_div(void *arg, uint64_t o, uint64_t ia, uint64_t ib)
{
    struct bin *p = arg;
    int32_t a = (int32_t)qv(p->a, ia) + p->a_off, b = (int32_t)qv(p->b, ib) + p->b_off;
    if (b == 0) {
        p->div_by_zero = true;
        qset(p->y, o, 0);
        return;
    }
    if (b < 0) {
        a = -a;
        b = -b;
    }
    int recip_shift;
    const int32_t b_inv = tfq_reciprocal(b, 31, &recip_shift);
    const int headroom = a ? __builtin_clrsb(a) : 31;
    const int32_t unscaled = tfq_mbqm_gt1(a, b_inv, headroom);
    const int total_shift = p->y_shift - recip_shift - headroom;
    /* TFLite shifts right here (MultiplyByQuantizedMultiplierSmallerThanOneExp)
     * and asserts total_shift <= 0; tfq_mbqm is the same for those and
     * stays exact when a tiny quotient makes the shift positive */
    int32_t r = tfq_wadd(tfq_mbqm(unscaled, p->y_mult, total_shift), p->y_off);
    qset(p->y, o, clamp32(r, p->lo, p->hi));
}

static void raw_minmax(void *arg, uint64_t o, uint64_t ia, uint64_t ib)
{
    const struct bin *p = arg;
    if (p->y->dtype == IR_F32) {
        float a = ((const float *)p->a->data)[ia], b = ((const float *)p->b->data)[ib];
        /* TFLite: max = a > b ? a : b (NaN in b wins a tie-less compare) */
        ((float *)p->y->data)[o] = p->op == IR_OP_TFL_MAXIMUM ? (a > b ? a : b) : (a < b ? a : b);
        return;
    }
    int64_t a = qv(p->a, ia), b = qv(p->b, ib);
    qset(p->y, o, p->op == IR_OP_TFL_MAXIMUM ? (a > b ? a : b) : (a < b ? a : b));
}

static int64_t floordiv64(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
    return q;
}

/* float32 and plain integer arithmetic */
static void plain(void *arg, uint64_t o, uint64_t ia, uint64_t ib)
{
    struct bin *p = arg;
    if (p->y->dtype == IR_F32) {
        const float a = ((const float *)p->a->data)[ia], b = ((const float *)p->b->data)[ib];
        float r = 0;
        switch (p->op) {
        case IR_OP_TFL_ADD:
            r = a + b;
            break;
        case IR_OP_TFL_SUB:
            r = a - b;
            break;
        case IR_OP_TFL_MUL:
            r = a * b;
            break;
        case IR_OP_TFL_DIV:
            r = a / b;
            break;
        case IR_OP_TFL_SQUARED_DIFFERENCE:
            r = (a - b) * (a - b);
            break;
        case IR_OP_TFL_POW:
            r = powf(a, b);
            break;
        case IR_OP_TFL_FLOOR_DIV:
            r = floorf(a / b);
            break;
        case IR_OP_TFL_FLOOR_MOD: {
            /* TFLite: fmod, then shifted to take the divisor's sign */
            r = fmodf(a, b);
            if (r != 0 && ((r < 0) != (b < 0))) r += b;
            break;
        }
        default:
            break;
        }
        ((float *)p->y->data)[o] = r;
        return;
    }
    const int64_t a = qv(p->a, ia), b = qv(p->b, ib);
    const bool is32 = p->y->dtype == IR_I32;
    int64_t r = 0;
    switch (p->op) {
    case IR_OP_TFL_ADD:
        r = (int64_t)((uint64_t)a + (uint64_t)b);
        break;
    case IR_OP_TFL_SUB:
        r = (int64_t)((uint64_t)a - (uint64_t)b);
        break;
    case IR_OP_TFL_MUL:
        r = (int64_t)((uint64_t)a * (uint64_t)b);
        break;
    case IR_OP_TFL_SQUARED_DIFFERENCE: {
        uint64_t d = (uint64_t)a - (uint64_t)b;
        r = (int64_t)(d * d);
        break;
    }
    case IR_OP_TFL_DIV:
    case IR_OP_TFL_FLOOR_DIV:
    case IR_OP_TFL_FLOOR_MOD:
        if (b == 0) {
            p->div_by_zero = true;
            break;
        }
        if (b == -1 && a == (is32 ? INT32_MIN : INT64_MIN)) {
            r = p->op == IR_OP_TFL_FLOOR_MOD ? 0 : a; /* wraps */
            break;
        }
        if (p->op == IR_OP_TFL_DIV)
            r = a / b;
        else if (p->op == IR_OP_TFL_FLOOR_DIV)
            r = floordiv64(a, b);
        else {
            r = a % b;
            if (r != 0 && ((r < 0) != (b < 0))) r += b;
        }
        break;
    case IR_OP_TFL_POW: {
        /* TFLite's integer pow: repeated squaring, negative exponents refused */
        int64_t base = a, e = b, acc = 1;
        if (e < 0) {
            p->div_by_zero = true;
            break;
        }
        while (e) {
            if (e & 1) acc = (int64_t)((uint64_t)acc * (uint64_t)base);
            base = (int64_t)((uint64_t)base * (uint64_t)base);
            e >>= 1;
        }
        r = acc;
        break;
    }
    default:
        break;
    }
    if (is32) r = (int32_t)r; /* int32 arithmetic wraps */
    if (r < p->ilo) r = p->ilo;
    if (r > p->ihi) r = p->ihi;
    qset(p->y, o, r);
}

/* The integer clamp of a fused activation on an int32/int64 output
 * (TFLite's CalculateActivationRange for integers). */
static void int_act(const struct op_ctx *c, struct bin *p)
{
    p->ilo = INT64_MIN;
    p->ihi = INT64_MAX;
    switch (c->node->activation) {
    case IR_ACT_RELU:
        p->ilo = 0;
        break;
    case IR_ACT_RELU6:
        p->ilo = 0, p->ihi = 6;
        break;
    case IR_ACT_RELU_N1_TO_1:
        p->ilo = -1, p->ihi = 1;
        break;
    default:
        break;
    }
}

static void setup(struct op_ctx *c, struct bin *p)
{
    memset(p, 0, sizeof *p);
    p->a = c->in[0];
    p->b = c->in[1];
    p->y = c->out[0];
    p->op = c->node->op;
    int_act(c, p);
    if (tfl_is_quant_int(p->y->dtype)) {
        p->a_off = -tfl_zero_point(p->a);
        p->b_off = -tfl_zero_point(p->b);
        p->y_off = tfl_zero_point(p->y);
        tfl_act_range(c, p->y, &p->lo, &p->hi);
    }
}

static fy_status finish(struct op_ctx *c, const struct bin *p)
{
    if (p->div_by_zero)
        return op_fail(c, FY_EINVALID,
                       p->op == IR_OP_TFL_POW ? "integer POW with a negative exponent"
                                              : "integer division by zero");
    return FY_OK;
}

/* XNNPACK's qs8 ADD: 21-bit multipliers of the float ratios a_scale /
 * y_scale and b_scale / y_scale, scaled by 2^shift with shift = 20 - the
 * larger ratio's binary exponent; acc = bias + a * a_mult + b * b_mult with
 * bias = 2^(shift-1) - a_zp * a_mult - b_zp * b_mult, arithmetic shift right,
 * + y_zp, clamped to the delegate's activation bounds. */
static void q_xnn_add(void *arg, uint64_t o, uint64_t ia, uint64_t ib)
{
    const struct bin *p = arg;
    int32_t acc = (int32_t)((uint32_t)p->a_off + (uint32_t)((int32_t)qv(p->a, ia) * p->a_mult) +
                            (uint32_t)((int32_t)qv(p->b, ib) * p->b_mult));
    int32_t v = (acc >> p->y_shift) + p->y_off;
    v = v < p->lo ? p->lo : (v > p->hi ? p->hi : v);
    ((int8_t *)p->y->data)[o] = (int8_t)v;
}

static void xnn_add(struct op_ctx *c, struct bin *p)
{
    const float ra = tfl_scale(p->a) / tfl_scale(p->y), rb = tfl_scale(p->b) / tfl_scale(p->y);
    const float mx = fmaxf(fabsf(ra), fabsf(rb));
    uint32_t bits;
    memcpy(&bits, &mx, sizeof bits);
    const int shift = 20 - ((int)(bits >> 23) - 127);
    p->a_mult = (int32_t)lrintf(ldexpf(ra, shift));
    p->b_mult = (int32_t)lrintf(ldexpf(rb, shift));
    p->y_shift = shift;
    /* a_off holds the bias */
    p->a_off = (int32_t)((1u << (shift - 1)) - (uint32_t)(tfl_zero_point(p->a) * p->a_mult) -
                         (uint32_t)(tfl_zero_point(p->b) * p->b_mult));
    p->y_off = tfl_zero_point(p->y);
    tfl_xnn_act_range(c, p->y, &p->lo, &p->hi);
    tfl_broadcast2(p->a, p->b, p->y, q_xnn_add, p);
}

static bool xnn_add_applies(const struct op_ctx *c, const struct bin *p)
{
    if (!tfl_xnn(c, p->y) || p->a->dtype != IR_I8 || p->b->dtype != IR_I8) return false;
    /* the delegate takes ADD only with both ratios in [2^-10, 2^8) */
    const float ra = tfl_scale(p->a) / tfl_scale(p->y), rb = tfl_scale(p->b) / tfl_scale(p->y);
    return ra >= 0x1.0p-10f && ra < 0x1.0p+8f && rb >= 0x1.0p-10f && rb < 0x1.0p+8f;
}

fy_status tfl_add_eval(struct op_ctx *c)
{
    struct bin p;
    setup(c, &p);
    if (!tfl_is_quant_int(p.y->dtype)) {
        tfl_broadcast2(p.a, p.b, p.y, plain, &p);
        return FY_OK;
    }
    if (xnn_add_applies(c, &p)) {
        xnn_add(c, &p);
        return FY_OK;
    }
    const float sa = tfl_scale(p.a), sb = tfl_scale(p.b), sy = tfl_scale(p.y);
    p.left_shift = p.y->dtype == IR_I16 ? 15 : 20;
    const double twice_max = 2 * (double)(sa > sb ? sa : sb);
    tfq_quantize_multiplier((double)sa / twice_max, &p.a_mult, &p.a_shift);
    tfq_quantize_multiplier((double)sb / twice_max, &p.b_mult, &p.b_shift);
    tfq_quantize_multiplier(twice_max / ((double)(1 << p.left_shift) * (double)sy), &p.y_mult,
                            &p.y_shift);
    tfl_broadcast2(p.a, p.b, p.y, q_addsub, &p);
    return FY_OK;
}

fy_status tfl_sub_eval(struct op_ctx *c)
{
    struct bin p;
    setup(c, &p);
    if (!tfl_is_quant_int(p.y->dtype)) {
        tfl_broadcast2(p.a, p.b, p.y, plain, &p);
        return FY_OK;
    }
    const float sa = tfl_scale(p.a), sb = tfl_scale(p.b), sy = tfl_scale(p.y);
    p.left_shift = p.y->dtype == IR_I16 ? 15 : 20;
    /* in double, as ADD: the seanet SUB goldens (and TFLite) agree with
     * this; TFLM's current sub_common.cc divides in float, which differs on
     * 4 of their 10848 values */
    const double twice_max = 2 * (double)(sa > sb ? sa : sb);
    tfq_quantize_multiplier((double)sa / twice_max, &p.a_mult, &p.a_shift);
    tfq_quantize_multiplier((double)sb / twice_max, &p.b_mult, &p.b_shift);
    tfq_quantize_multiplier(twice_max / ((double)(1 << p.left_shift) * (double)sy), &p.y_mult,
                            &p.y_shift);
    tfl_broadcast2(p.a, p.b, p.y, q_addsub, &p);
    return FY_OK;
}

fy_status tfl_mul_eval(struct op_ctx *c)
{
    struct bin p;
    setup(c, &p);
    if (!tfl_is_quant_int(p.y->dtype)) {
        tfl_broadcast2(p.a, p.b, p.y, plain, &p);
        return FY_OK;
    }
    double real = (double)tfl_scale(p.a) * (double)tfl_scale(p.b) / (double)tfl_scale(p.y);
    tfq_quantize_multiplier(real, &p.y_mult, &p.y_shift);
    tfl_broadcast2(p.a, p.b, p.y, q_mul, &p);
    return FY_OK;
}

fy_status tfl_div_eval(struct op_ctx *c)
{
    struct bin p;
    setup(c, &p);
    if (!tfl_is_quant_int(p.y->dtype)) {
        tfl_broadcast2(p.a, p.b, p.y, plain, &p);
        return finish(c, &p);
    }
    double real = (double)(tfl_scale(p.a) / (tfl_scale(p.b) * tfl_scale(p.y))); /* float quotient */
    tfq_quantize_multiplier(real, &p.y_mult, &p.y_shift);
    tfl_broadcast2(p.a, p.b, p.y, q_div, &p);
    return finish(c, &p);
}

fy_status tfl_squared_difference_eval(struct op_ctx *c)
{
    struct bin p;
    setup(c, &p);
    if (!tfl_is_quant_int(p.y->dtype)) {
        tfl_broadcast2(p.a, p.b, p.y, plain, &p);
        return FY_OK;
    }
    const float sa = tfl_scale(p.a), sb = tfl_scale(p.b), sy = tfl_scale(p.y);
    p.left_shift = p.y->dtype == IR_I16 ? 0 : 7;
    const double twice_max = 2.0 * (double)(sa > sb ? sa : sb);
    tfq_quantize_multiplier((double)sa / twice_max, &p.a_mult, &p.a_shift);
    tfq_quantize_multiplier((double)sb / twice_max, &p.b_mult, &p.b_shift);
    tfq_quantize_multiplier(twice_max * twice_max / (double)((float)(1 << (p.left_shift * 2)) * sy),
                            &p.y_mult, &p.y_shift);
    /* TFLite Micro clamps to the type's range: no fused activation here */
    tfl_int_range(p.y->dtype, &p.lo, &p.hi);
    tfl_broadcast2(p.a, p.b, p.y, q_addsub, &p);
    return FY_OK;
}

fy_status tfl_maximum_eval(struct op_ctx *c)
{
    struct bin p;
    setup(c, &p);
    tfl_broadcast2(p.a, p.b, p.y, raw_minmax, &p);
    return FY_OK;
}

fy_status tfl_minimum_eval(struct op_ctx *c)
{
    return tfl_maximum_eval(c);
}

fy_status tfl_pow_eval(struct op_ctx *c)
{
    struct bin p;
    setup(c, &p);
    tfl_broadcast2(p.a, p.b, p.y, plain, &p);
    return finish(c, &p);
}

fy_status tfl_floor_div_eval(struct op_ctx *c)
{
    return tfl_pow_eval(c);
}
fy_status tfl_floor_mod_eval(struct op_ctx *c)
{
    return tfl_pow_eval(c);
}

/* ---- comparisons and logic ---- */

fy_status tfl_compare_infer(struct op_ctx *c)
{
    fy_status st = same_type_inputs(c, 2);
    if (st) return st;
    int rank;
    int64_t dims[OP_MAX_RANK];
    st = op_broadcast_shape(c, c->in, 2, &rank, dims);
    if (st) return st;
    return op_set_output(c, 0, IR_BOOL, rank, dims);
}

static void compare(void *arg, uint64_t o, uint64_t ia, uint64_t ib)
{
    const struct bin *p = arg;
    int cmp; /* -1, 0, 1; 2 when unordered (NaN) */
    if (p->a->dtype == IR_F32) {
        float a = ((const float *)p->a->data)[ia], b = ((const float *)p->b->data)[ib];
        cmp = a < b ? -1 : (a > b ? 1 : (a == b ? 0 : 2));
    } else if (p->left_shift) {
        /* int8/uint8: TFLite compares the rescaled values (q - zp) * 2^8 * scale */
        int32_t a = tfq_mbqm_lt1(tfq_wshl((int32_t)qv(p->a, ia) + p->a_off, p->left_shift),
                                 p->a_mult, p->a_shift);
        int32_t b = tfq_mbqm_lt1(tfq_wshl((int32_t)qv(p->b, ib) + p->b_off, p->left_shift),
                                 p->b_mult, p->b_shift);
        cmp = a < b ? -1 : (a > b ? 1 : 0);
    } else {
        int64_t a = qv(p->a, ia), b = qv(p->b, ib);
        cmp = a < b ? -1 : (a > b ? 1 : 0);
    }
    bool r = false;
    switch (p->op) {
    case IR_OP_TFL_EQUAL:
        r = cmp == 0;
        break;
    case IR_OP_TFL_NOT_EQUAL:
        r = cmp != 0;
        break;
    case IR_OP_TFL_LESS:
        r = cmp == -1;
        break;
    case IR_OP_TFL_LESS_EQUAL:
        r = cmp == -1 || cmp == 0;
        break;
    case IR_OP_TFL_GREATER:
        r = cmp == 1;
        break;
    case IR_OP_TFL_GREATER_EQUAL:
        r = cmp == 1 || cmp == 0;
        break;
    default:
        break;
    }
    ((uint8_t *)p->y->data)[o] = r;
}

fy_status tfl_compare_eval(struct op_ctx *c)
{
    struct bin p;
    memset(&p, 0, sizeof p);
    p.a = c->in[0];
    p.b = c->in[1];
    p.y = c->out[0];
    p.op = c->node->op;
    if ((p.a->dtype == IR_I8 || p.a->dtype == IR_U8) && p.a->quant && p.b->quant &&
        p.a->quant->count > 0 && p.b->quant->count > 0) {
        /* comparisons.cc: left shift 8, each input scaled by its own scale */
        p.left_shift = 8;
        p.a_off = -tfl_zero_point(p.a);
        p.b_off = -tfl_zero_point(p.b);
        tfq_quantize_multiplier((double)tfl_scale(p.a), &p.a_mult, &p.a_shift);
        tfq_quantize_multiplier((double)tfl_scale(p.b), &p.b_mult, &p.b_shift);
    }
    tfl_broadcast2(p.a, p.b, p.y, compare, &p);
    return FY_OK;
}

fy_status tfl_logical_infer(struct op_ctx *c)
{
    fy_status st = same_type_inputs(c, 2);
    if (st) return st;
    static const enum ir_dtype ok[] = {IR_BOOL};
    st = op_expect_dtype(c, 0, ok, 1);
    if (st) return st;
    return tfl_compare_infer(c);
}

static void logical(void *arg, uint64_t o, uint64_t ia, uint64_t ib)
{
    const struct bin *p = arg;
    bool a = ((const uint8_t *)p->a->data)[ia] != 0, b = ((const uint8_t *)p->b->data)[ib] != 0;
    ((uint8_t *)p->y->data)[o] = p->op == IR_OP_TFL_LOGICAL_AND ? (a && b) : (a || b);
}

fy_status tfl_logical_eval(struct op_ctx *c)
{
    struct bin p;
    memset(&p, 0, sizeof p);
    p.a = c->in[0];
    p.b = c->in[1];
    p.y = c->out[0];
    p.op = c->node->op;
    tfl_broadcast2(p.a, p.b, p.y, logical, &p);
    return FY_OK;
}

/* ---- SELECT / SELECT_V2 (condition, x, y) ---- */

fy_status tfl_select_infer(struct op_ctx *c)
{
    for (int i = 0; i < 3; i++)
        if (!c->in[i]) return op_fail(c, FY_EINVALID, "input %d is missing", i);
    if (c->in[0]->dtype != IR_BOOL)
        return op_fail(c, FY_EINVALID, "condition is %s; expected bool",
                       ir_dtype_name(c->in[0]->dtype));
    fy_status st = op_expect_same_dtype(c, 1, 2);
    if (st) return st;
    int rank;
    int64_t dims[OP_MAX_RANK];
    if (c->node->op == IR_OP_TFL_SELECT && c->in[0]->rank == 1 && c->in[1]->rank > 1) {
        /* SELECT (v1): a vector condition picks whole rows */
        if (c->in[0]->dims[0] != c->in[1]->dims[0])
            return op_fail(c, FY_EINVALID, "condition has %lld rows for %lld",
                           (long long)c->in[0]->dims[0], (long long)c->in[1]->dims[0]);
        rank = c->in[1]->rank;
        memcpy(dims, c->in[1]->dims, sizeof(int64_t) * (size_t)rank);
    } else {
        st = op_broadcast_shape(c, c->in, 3, &rank, dims);
        if (st) return st;
    }
    return op_set_output(c, 0, c->in[1]->dtype, rank, dims);
}

fy_status tfl_select_eval(struct op_ctx *c)
{
    const struct op_tensor *cond = c->in[0], *x = c->in[1], *y = c->in[2];
    struct op_tensor *o = c->out[0];
    const size_t es = (size_t)(ir_dtype_table[o->dtype].bits / 8);
    const int rank = o->rank;
    if (c->node->op == IR_OP_TFL_SELECT && cond->rank == 1 && x->rank > 1) {
        const uint64_t row = o->numel / (uint64_t)(o->dims[0] ? o->dims[0] : 1);
        for (int64_t r = 0; r < o->dims[0]; r++) {
            const struct op_tensor *src = ((const uint8_t *)cond->data)[r] ? x : y;
            memcpy((char *)o->data + (size_t)(r * (int64_t)row) * es,
                   (const char *)src->data + (size_t)(r * (int64_t)row) * es, (size_t)row * es);
        }
        return FY_OK;
    }
    int64_t sc[OP_MAX_RANK], sx[OP_MAX_RANK], sy[OP_MAX_RANK];
    op_broadcast_strides(cond, rank, o->dims, sc);
    op_broadcast_strides(x, rank, o->dims, sx);
    op_broadcast_strides(y, rank, o->dims, sy);
    for (uint64_t i = 0; i < o->numel; i++) {
        uint64_t rem = i, ic = 0, ix = 0, iy = 0;
        for (int d = rank - 1; d >= 0; d--) {
            uint64_t k = rem % (uint64_t)o->dims[d];
            rem /= (uint64_t)o->dims[d];
            ic += k * (uint64_t)sc[d];
            ix += k * (uint64_t)sx[d];
            iy += k * (uint64_t)sy[d];
        }
        const bool take_x = ((const uint8_t *)cond->data)[ic] != 0;
        memcpy((char *)o->data + i * es,
               take_x ? (const char *)x->data + ix * es : (const char *)y->data + iy * es, es);
    }
    return FY_OK;
}

/* ---- ADD_N (float32, int32) ---- */

fy_status tfl_add_n_infer(struct op_ctx *c)
{
    fy_status st = same_type_inputs(c, c->n_inputs);
    if (st) return st;
    static const enum ir_dtype ok[] = {IR_F32, IR_I32};
    st = op_expect_dtype(c, 0, ok, 2);
    if (st) return st;
    for (int i = 1; i < c->n_inputs; i++)
        if (c->in[i]->numel != c->in[0]->numel)
            return op_fail(c, FY_EINVALID, "input %d has %llu values; input 0 has %llu", i,
                           (unsigned long long)c->in[i]->numel,
                           (unsigned long long)c->in[0]->numel);
    return op_set_output(c, 0, c->in[0]->dtype, c->in[0]->rank, c->in[0]->dims);
}

fy_status tfl_add_n_eval(struct op_ctx *c)
{
    struct op_tensor *o = c->out[0];
    for (uint64_t i = 0; i < o->numel; i++) {
        if (o->dtype == IR_F32) {
            float s = ((const float *)c->in[0]->data)[i];
            for (int k = 1; k < c->n_inputs; k++)
                s += ((const float *)c->in[k]->data)[i];
            ((float *)o->data)[i] = s;
        } else {
            uint32_t s = (uint32_t)((const int32_t *)c->in[0]->data)[i];
            for (int k = 1; k < c->n_inputs; k++)
                s += (uint32_t)((const int32_t *)c->in[k]->data)[i];
            ((int32_t *)o->data)[i] = (int32_t)s;
        }
    }
    return FY_OK;
}

/* ---- PRELU (input, alpha broadcast to it) ---- */

fy_status tfl_prelu_infer(struct op_ctx *c)
{
    fy_status st = same_type_inputs(c, 2);
    if (st) return st;
    static const enum ir_dtype ok[] = {IR_F32, IR_I8, IR_U8};
    st = op_expect_dtype(c, 0, ok, 3);
    if (st) return st;
    if (c->in[0]->dtype != IR_F32) {
        st = tfl_need_quant(c, c->in[0], "input 0");
        if (!st) st = tfl_need_quant(c, c->in[1], "alpha");
        if (!st) st = tfl_need_quant(c, c->out[0], "output 0");
        if (st) return st;
    }
    int rank;
    int64_t dims[OP_MAX_RANK];
    st = op_broadcast_shape(c, c->in, 2, &rank, dims);
    if (st) return st;
    return op_set_output(c, 0, c->in[0]->dtype, rank, dims);
}

static void prelu(void *arg, uint64_t o, uint64_t ia, uint64_t ib)
{
    const struct bin *p = arg;
    if (p->y->dtype == IR_F32) {
        float x = ((const float *)p->a->data)[ia], al = ((const float *)p->b->data)[ib];
        ((float *)p->y->data)[o] = x >= 0 ? x : x * al;
        return;
    }
    /* prelu.cc: identity multiplier for x >= 0, alpha multiplier otherwise */
    const int32_t x = (int32_t)qv(p->a, ia) + p->a_off;
    int32_t r;
    if (x >= 0) {
        r = tfq_mbqm(x, p->a_mult, p->a_shift);
    } else {
        const int32_t al = (int32_t)qv(p->b, ib) + p->b_off;
        r = tfq_mbqm(x * al, p->b_mult, p->b_shift);
    }
    qset(p->y, o, clamp32(tfq_wadd(r, p->y_off), p->lo, p->hi));
}

fy_status tfl_prelu_eval(struct op_ctx *c)
{
    struct bin p;
    setup(c, &p);
    if (p.y->dtype != IR_F32) {
        const float sx = tfl_scale(p.a), sa = tfl_scale(p.b), sy = tfl_scale(p.y);
        tfq_quantize_multiplier((double)sx / (double)sy, &p.a_mult, &p.a_shift);
        tfq_quantize_multiplier((double)sx * (double)sa / (double)sy, &p.b_mult, &p.b_shift);
        tfl_int_range(p.y->dtype, &p.lo, &p.hi);
    }
    tfl_broadcast2(p.a, p.b, p.y, prelu, &p);
    return FY_OK;
}
