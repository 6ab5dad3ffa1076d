/* tfl.AVERAGE_POOL_2D, tfl.MAX_POOL_2D, tfl.L2_POOL_2D (NHWC).
 *
 * TFLite's reference kernels: the window is clipped to the input (padding
 * cells are not counted); AVERAGE float divides the float sum by the count;
 * AVERAGE int8/int16 divides the integer sum rounding half away from zero;
 * MAX keeps the largest raw value; quantized outputs are clamped to the
 * fused activation's range (TFLite requires input and output to share their
 * quantization, so no requantization happens). L2 is float only. */
#include <math.h>

#include "ops/tfl.h"

fy_status tfl_pool_parse(const struct ir_node *n, int64_t opset, void *params, struct fy_error *err)
{
    (void)opset;
    struct tfl_pool_params *p = params;
    fy_status st = tfl_parse_padding(n, &p->padding, err);
    if (!st) st = tfl_parse_int(n, "stride_w", 1, 1, 1 << 20, &p->stride_w, err);
    if (!st) st = tfl_parse_int(n, "stride_h", 1, 1, 1 << 20, &p->stride_h, err);
    if (!st) st = tfl_parse_int(n, "filter_width", 1, 1, 1 << 20, &p->filter_w, err);
    if (!st) st = tfl_parse_int(n, "filter_height", 1, 1, 1 << 20, &p->filter_h, err);
    return st;
}

fy_status tfl_pool_infer(struct op_ctx *c)
{
    const struct tfl_pool_params *p = c->params;
    const struct op_tensor *x = c->in[0];
    if (!x) return op_fail(c, FY_EINVALID, "input 0 is missing");
    if (x->rank != 4) return op_fail(c, FY_EINVALID, "input has rank %d; expected 4", x->rank);
    static const enum ir_dtype ok[] = {IR_F32, IR_I8, IR_U8, IR_I16};
    fy_status st = op_expect_dtype(c, 0, ok, c->node->op == IR_OP_TFL_L2_POOL_2D ? 1 : 4);
    if (st) return st;
    if (x->dtype != IR_F32) {
        st = tfl_need_quant(c, c->out[0], "output 0");
        if (st) return st;
    }
    int64_t dims[4] = {
        x->dims[0], tfl_out_size(p->padding, x->dims[1], p->filter_h, p->stride_h, 1),
        tfl_out_size(p->padding, x->dims[2], p->filter_w, p->stride_w, 1), x->dims[3]};
    return op_set_output(c, 0, x->dtype, 4, dims);
}

enum pool_kind { POOL_AVG, POOL_MAX, POOL_L2 };

static fy_status pool_eval(struct op_ctx *c, enum pool_kind kind)
{
    const struct tfl_pool_params *p = c->params;
    const struct op_tensor *x = c->in[0];
    struct op_tensor *y = c->out[0];
    const int64_t N = x->dims[0], H = x->dims[1], W = x->dims[2], C = x->dims[3];
    const int64_t OH = y->dims[1], OW = y->dims[2];
    const int ph = tfl_pad_before(p->stride_h, 1, H, p->filter_h, OH, NULL);
    const int pw = tfl_pad_before(p->stride_w, 1, W, p->filter_w, OW, NULL);
    int32_t lo = 0, hi = 0;
    if (x->dtype != IR_F32) tfl_act_range(c, y, &lo, &hi);
    for (int64_t b = 0; b < N; b++)
        for (int64_t oy = 0; oy < OH; oy++)
            for (int64_t ox = 0; ox < OW; ox++) {
                const int64_t iy0 = oy * p->stride_h - ph, ix0 = ox * p->stride_w - pw;
                const int64_t fy0 = iy0 < 0 ? -iy0 : 0, fx0 = ix0 < 0 ? -ix0 : 0;
                const int64_t fy1 = p->filter_h < H - iy0 ? p->filter_h : H - iy0;
                const int64_t fx1 = p->filter_w < W - ix0 ? p->filter_w : W - ix0;
                for (int64_t ch = 0; ch < C; ch++) {
                    const uint64_t o = (uint64_t)(((b * OH + oy) * OW + ox) * C + ch);
                    if (x->dtype == IR_F32) {
                        const float *xf = x->data;
                        float sum = 0.0f, count = 0.0f, max = -INFINITY;
                        for (int64_t fy = fy0; fy < fy1; fy++)
                            for (int64_t fx = fx0; fx < fx1; fx++) {
                                const float v = xf[((b * H + iy0 + fy) * W + ix0 + fx) * C + ch];
                                if (kind == POOL_L2)
                                    sum += v * v;
                                else
                                    sum += v;
                                if (v > max) max = v;
                                count += 1.0f;
                            }
                        float r = kind == POOL_MAX  ? max
                                  : kind == POOL_L2 ? sqrtf(sum / count)
                                                    : sum / count;
                        ((float *)y->data)[o] = count > 0 ? r : 0.0f;
                        continue;
                    }
                    int64_t sum = 0, max = INT64_MIN, count = 0;
                    for (int64_t fy = fy0; fy < fy1; fy++)
                        for (int64_t fx = fx0; fx < fx1; fx++) {
                            const int64_t v = op_get_i64(
                                x, (uint64_t)(((b * H + iy0 + fy) * W + ix0 + fx) * C + ch));
                            sum += v;
                            if (v > max) max = v;
                            count++;
                        }
                    int64_t r;
                    if (count == 0)
                        r = 0;
                    else if (kind == POOL_MAX)
                        r = max;
                    else
                        r = sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
                    r = r < lo ? lo : (r > hi ? hi : r);
                    op_set_i64(y, o, r);
                }
            }
    return FY_OK;
}

fy_status tfl_avgpool_eval(struct op_ctx *c)
{
    return pool_eval(c, POOL_AVG);
}
fy_status tfl_maxpool_eval(struct op_ctx *c)
{
    return pool_eval(c, POOL_MAX);
}
fy_status tfl_l2pool_eval(struct op_ctx *c)
{
    return pool_eval(c, POOL_L2);
}
