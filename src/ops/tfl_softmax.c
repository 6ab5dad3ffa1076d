/* tfl.SOFTMAX, tfl.LOG_SOFTMAX, tfl.L2_NORMALIZATION,
 * tfl.LOCAL_RESPONSE_NORMALIZATION, over the last dim (LRN: the channels).
 *
 * SOFTMAX arithmetic (TFLite Micro's reference kernels):
 *  - float32: exp((x - max) * beta) in float32, divided by their float sum;
 *  - int8 in, int8 (zp -128, scale 1/256) or int16 (zp -32768) out: the
 *    difference to the row max is scaled by beta * input_scale into Q5.26
 *    (PreprocessSoftmaxScaling); differences below -radius contribute 0;
 *    gemmlowp's exp_on_negative_values, summed in Q12.19, one reciprocal,
 *    each exp times it rounded to the output's bits, + the type's minimum;
 *  - int16 in and out (zp 0, scale 2^-15): the difference scaled by
 *    beta * input_scale / (10 / 65535), looked up in a 513-entry exp table
 *    over [-10, 0], summed, and the sum's reciprocal from a 1 / (1 + x)
 *    table (TFLite's SoftmaxInt16). */
#include <math.h>
#include <string.h>

#include "ops/tfl.h"

fy_status tfl_softmax_parse(const struct ir_node *n, int64_t opset, void *params,
                            struct fy_error *err)
{
    (void)opset;
    struct tfl_float_param *p = params;
    /* LOG_SOFTMAX and L2_NORMALIZATION have no beta; the schema default of
     * SoftmaxOptions.beta is 0, which a converter never leaves */
    return op_attr_float(n, "beta", 1.0f, &p->value, err);
}

fy_status tfl_softmax_infer(struct op_ctx *c)
{
    const struct op_tensor *x = c->in[0];
    if (!x) return op_fail(c, FY_EINVALID, "input 0 is missing");
    if (x->rank < 1) return op_fail(c, FY_EINVALID, "input is a scalar; rank >= 1 is needed");
    enum ir_dtype yt = x->dtype;
    const enum ir_op op = c->node->op;
    if (x->dtype == IR_F32) return op_set_output(c, 0, IR_F32, x->rank, x->dims);
    if (op != IR_OP_TFL_SOFTMAX || (x->dtype != IR_I8 && x->dtype != IR_I16))
        return op_fail(c, FY_EUNSUPPORTED, "input type %s is not supported",
                       ir_dtype_name(x->dtype));
    yt = tfl_declared_dtype(c, 0, x->dtype);
    if (!(yt == x->dtype || (x->dtype == IR_I8 && yt == IR_I16)))
        return op_fail(c, FY_EUNSUPPORTED, "output type %s with a %s input", ir_dtype_name(yt),
                       ir_dtype_name(x->dtype));
    fy_status st = tfl_need_quant(c, x, "input 0");
    if (!st) st = tfl_need_quant(c, c->out[0], "output 0");
    if (st) return st;
    return op_set_output(c, 0, yt, x->rank, x->dims);
}

static float expf_fn(float v)
{
    return expf(v);
}
static float inv1p_fn(float v)
{
    return 1.0f / (1.0f + v);
}

static void softmax_int16(const struct op_ctx *c, float beta, uint64_t rows, int64_t depth)
{
    int16_t exp_lut[513], inv_lut[513];
    const int32_t range = 65535; /* int16 max - min */
    tfq_lut_populate_int16(10.0f / (float)range, INT16_MAX, 2.0f / (float)range, 0, expf_fn,
                           exp_lut);
    tfq_lut_populate_int16(1.0f / (float)range, INT16_MIN, 2.0f / (float)range, 0, inv1p_fn,
                           inv_lut);
    int32_t mult;
    int shift;
    tfq_quantize_multiplier((double)tfl_scale(c->in[0]) * (double)beta / (10.0 / 65535.0), &mult,
                            &shift);
    const int16_t *x = c->in[0]->data;
    int16_t *y = c->out[0]->data;
    for (uint64_t r = 0; r < rows; r++) {
        const int16_t *xr = x + r * (uint64_t)depth;
        int16_t *yr = y + r * (uint64_t)depth;
        int16_t max = INT16_MIN;
        for (int64_t k = 0; k < depth; k++)
            max = xr[k] > max ? xr[k] : max;
        int32_t sum = 0; /* Q16.15 */
        for (int64_t k = 0; k < depth; k++) {
            int32_t d = tfq_mbqm((int32_t)xr[k] - max, mult, shift) + 32767;
            d = d < -32768 ? -32768 : (d > 32767 ? 32767 : d);
            yr[k] = tfq_lut_lookup_int16((int16_t)d, exp_lut);
            sum += yr[k];
        }
        const int headroom_plus_one = tfq_clz32((uint32_t)sum);
        int32_t shifted = (int32_t)((((int64_t)sum << (headroom_plus_one - 1)) + (1 << 13)) >> 14);
        int32_t sym = shifted - ((1 << 15) + (1 << 16));
        sym = sym < -32768 ? -32768 : (sym > 32767 ? 32767 : sym);
        const int16_t recip = tfq_lut_lookup_int16((int16_t)sym, inv_lut);
        const int right_shift = 31 - headroom_plus_one;
        const int64_t round = (int64_t)1 << (right_shift - 1);
        for (int64_t k = 0; k < depth; k++) {
            int32_t v = (int32_t)(((int64_t)yr[k] * recip + round) >> right_shift);
            yr[k] = (int16_t)(v < 0 ? 0 : (v > 32767 ? 32767 : v));
        }
    }
}

static void softmax_int8(const struct op_ctx *c, float beta, uint64_t rows, int64_t depth)
{
    const int diff_bits = 5, accum_bits = 12;
    int32_t mult;
    int left_shift;
    tfq_softmax_scaling((double)beta, (double)tfl_scale(c->in[0]), diff_bits, &mult, &left_shift);
    const int diff_min = -tfq_input_radius(diff_bits, left_shift, 31);
    const int8_t *x = c->in[0]->data;
    const struct op_tensor *yt = c->out[0];
    const int out_bits = yt->dtype == IR_I16 ? 16 : 8;
    const int32_t out_min = yt->dtype == IR_I16 ? INT16_MIN : INT8_MIN;
    const int32_t out_max = yt->dtype == IR_I16 ? INT16_MAX : INT8_MAX;
    for (uint64_t r = 0; r < rows; r++) {
        const int8_t *xr = x + r * (uint64_t)depth;
        int8_t max = INT8_MIN;
        for (int64_t k = 0; k < depth; k++)
            max = xr[k] > max ? xr[k] : max;
        int32_t sum = 0; /* Q12 */
        for (int64_t k = 0; k < depth; k++) {
            const int32_t d = (int32_t)xr[k] - max;
            if (d >= diff_min) {
                const int32_t scaled = tfq_mbqm_gt1(d, mult, left_shift);
                sum = tfq_wadd(
                    sum, tfq_rdbpot(tfq_exp_on_negative_values(scaled, diff_bits), accum_bits));
            }
        }
        int bits_over_unit;
        const int32_t scale = tfq_reciprocal(sum, accum_bits, &bits_over_unit);
        const int exponent = bits_over_unit + 31 - out_bits;
        for (int64_t k = 0; k < depth; k++) {
            const int32_t d = (int32_t)xr[k] - max;
            int32_t v = out_min;
            if (d >= diff_min) {
                const int32_t scaled = tfq_mbqm_gt1(d, mult, left_shift);
                const int32_t e = tfq_exp_on_negative_values(scaled, diff_bits);
                v = tfq_rdbpot(tfq_srdhm(scale, e), exponent) + out_min;
                v = v < out_min ? out_min : (v > out_max ? out_max : v);
            }
            op_set_i64(c->out[0], r * (uint64_t)depth + (uint64_t)k, v);
        }
    }
}

fy_status tfl_softmax_eval(struct op_ctx *c)
{
    const struct op_tensor *x = c->in[0];
    const float beta = ((const struct tfl_float_param *)c->params)->value;
    const int64_t depth = x->dims[x->rank - 1];
    if (depth == 0 || x->numel == 0) return FY_OK;
    const uint64_t rows = x->numel / (uint64_t)depth;
    if (x->dtype == IR_I16) {
        softmax_int16(c, beta, rows, depth);
        return FY_OK;
    }
    if (x->dtype == IR_I8) {
        softmax_int8(c, beta, rows, depth);
        return FY_OK;
    }
    const float *xf = x->data;
    float *y = c->out[0]->data;
    for (uint64_t r = 0; r < rows; r++) {
        const float *xr = xf + r * (uint64_t)depth;
        float *yr = y + r * (uint64_t)depth;
        float max = -INFINITY;
        for (int64_t k = 0; k < depth; k++)
            max = xr[k] > max ? xr[k] : max;
        float sum = 0.0f;
        for (int64_t k = 0; k < depth; k++) {
            yr[k] = expf((xr[k] - max) * beta);
            sum += yr[k];
        }
        for (int64_t k = 0; k < depth; k++)
            yr[k] = yr[k] / sum;
    }
    return FY_OK;
}

fy_status tfl_log_softmax_eval(struct op_ctx *c)
{
    const struct op_tensor *x = c->in[0];
    const int64_t depth = x->dims[x->rank - 1];
    if (depth == 0 || x->numel == 0) return FY_OK;
    const uint64_t rows = x->numel / (uint64_t)depth;
    const float *xf = x->data;
    float *y = c->out[0]->data;
    for (uint64_t r = 0; r < rows; r++) {
        const float *xr = xf + r * (uint64_t)depth;
        float max = -INFINITY;
        for (int64_t k = 0; k < depth; k++)
            max = xr[k] > max ? xr[k] : max;
        float sum = 0.0f;
        for (int64_t k = 0; k < depth; k++)
            sum += expf(xr[k] - max);
        const float log_sum = logf(sum);
        for (int64_t k = 0; k < depth; k++)
            y[r * (uint64_t)depth + (uint64_t)k] = xr[k] - max - log_sum;
    }
    return FY_OK;
}

fy_status tfl_l2norm_eval(struct op_ctx *c)
{
    const struct op_tensor *x = c->in[0];
    const int64_t depth = x->dims[x->rank - 1];
    if (depth == 0 || x->numel == 0) return FY_OK;
    const uint64_t rows = x->numel / (uint64_t)depth;
    const float *xf = x->data;
    float *y = c->out[0]->data;
    for (uint64_t r = 0; r < rows; r++) {
        const float *xr = xf + r * (uint64_t)depth;
        float sq = 0.0f;
        for (int64_t k = 0; k < depth; k++)
            sq += xr[k] * xr[k];
        float norm = sqrtf(sq);
        if (norm < 1e-6f) norm = 1e-6f; /* TFLite's epsilon */
        for (int64_t k = 0; k < depth; k++)
            y[r * (uint64_t)depth + (uint64_t)k] = xr[k] / norm;
    }
    return FY_OK;
}

/* LOCAL_RESPONSE_NORMALIZATION: radius, bias, alpha, beta */
fy_status tfl_lrn_parse(const struct ir_node *n, int64_t opset, void *params, struct fy_error *err)
{
    (void)opset;
    struct tfl_lrn_params *p = params;
    fy_status st = tfl_parse_int(n, "radius", 0, 0, 1 << 20, &p->radius, err);
    if (!st) st = op_attr_float(n, "bias", 0.0f, &p->bias, err);
    if (!st) st = op_attr_float(n, "alpha", 0.0f, &p->alpha, err);
    if (!st) st = op_attr_float(n, "beta", 0.0f, &p->beta, err);
    return st;
}

fy_status tfl_lrn_eval(struct op_ctx *c)
{
    const struct tfl_lrn_params lp = *(const struct tfl_lrn_params *)c->params;
    const struct op_tensor *x = c->in[0];
    const int64_t depth = x->dims[x->rank - 1];
    if (depth == 0 || x->numel == 0) return FY_OK;
    const uint64_t rows = x->numel / (uint64_t)depth;
    const float *xf = x->data;
    float *y = c->out[0]->data;
    for (uint64_t r = 0; r < rows; r++) {
        const float *xr = xf + r * (uint64_t)depth;
        for (int64_t k = 0; k < depth; k++) {
            const int64_t lo = k - lp.radius < 0 ? 0 : k - lp.radius;
            const int64_t hi = k + lp.radius + 1 > depth ? depth : k + lp.radius + 1;
            float acc = 0.0f;
            for (int64_t i = lo; i < hi; i++)
                acc += xr[i] * xr[i];
            y[r * (uint64_t)depth + (uint64_t)k] = xr[k] * powf(lp.bias + lp.alpha * acc, -lp.beta);
        }
    }
    return FY_OK;
}
