/* tfl.RESIZE_BILINEAR (float32) and tfl.RESIZE_NEAREST_NEIGHBOR (any
 * whole-byte type), NHWC, inputs (images, size int32[2]), options
 * align_corners and half_pixel_centers, as TFLite's reference kernels:
 *  - scale = in / out, or (in - 1) / (out - 1) with align_corners;
 *  - bilinear: src = (dst + 0.5) * scale - 0.5 with half-pixel centers, else
 *    dst * scale; neighbours floor(src) (at least 0) and ceil(src) (at most
 *    in - 1); weights from src minus the lower neighbour, in float32;
 *  - nearest: round((dst + offset) * scale) with align_corners, else floor,
 *    capped at in - 1 (and at 0 with half-pixel centers). */
#include <math.h>
#include <string.h>

#include "ops/tfl.h"

fy_status tfl_resize_parse(const struct ir_node *n, int64_t opset, void *params,
                           struct fy_error *err)
{
    (void)opset;
    struct tfl_resize_params *p = params;
    int64_t ac, hp;
    fy_status st = op_attr_int(n, "align_corners", 0, &ac, err);
    if (!st) st = op_attr_int(n, "half_pixel_centers", 0, &hp, err);
    p->align_corners = ac != 0;
    p->half_pixel_centers = hp != 0;
    return st;
}

fy_status tfl_resize_infer(struct op_ctx *c)
{
    const struct op_tensor *x = c->in[0], *s = c->in[1];
    if (!x || !s) return op_fail(c, FY_EINVALID, "images and size are required");
    if (x->rank != 4) return op_fail(c, FY_EINVALID, "images have rank %d; expected 4", x->rank);
    if (c->node->op == IR_OP_TFL_RESIZE_BILINEAR && x->dtype != IR_F32)
        return op_fail(c, FY_EUNSUPPORTED, "bilinear resize of %s is not supported",
                       ir_dtype_name(x->dtype));
    if (x->dtype == IR_STRING || ir_dtype_table[x->dtype].bits < 8)
        return op_fail(c, FY_EUNSUPPORTED, "type %s", ir_dtype_name(x->dtype));
    int64_t sz[2];
    int n;
    fy_status st = op_read_ints(c, 1, sz, 2, &n);
    if (st) return st;
    if (n != 2 || sz[0] <= 0 || sz[1] <= 0)
        return op_fail(c, FY_EINVALID, "size must be two positive values");
    int64_t dims[4] = {x->dims[0], sz[0], sz[1], x->dims[3]};
    return op_set_output(c, 0, x->dtype, 4, dims);
}

static float resize_scale(int64_t in, int64_t out, bool align)
{
    if (align && out > 1) return (float)(in - 1) / (float)(out - 1);
    return (float)in / (float)out;
}

static void interp_values(int64_t v, float scale, bool half, int64_t size, float *src, int64_t *lo,
                          int64_t *hi)
{
    *src = half ? ((float)v + 0.5f) * scale - 0.5f : (float)v * scale;
    const int64_t f = (int64_t)floorf(*src), cl = (int64_t)ceilf(*src);
    *lo = f > 0 ? f : 0;
    *hi = cl < size - 1 ? cl : size - 1;
}

fy_status tfl_resize_bilinear_eval(struct op_ctx *c)
{
    const struct tfl_resize_params *p = c->params;
    const struct op_tensor *x = c->in[0];
    struct op_tensor *y = c->out[0];
    const int64_t N = x->dims[0], H = x->dims[1], W = x->dims[2], C = x->dims[3];
    const int64_t OH = y->dims[1], OW = y->dims[2];
    const float hs = resize_scale(H, OH, p->align_corners),
                ws = resize_scale(W, OW, p->align_corners);
    const float *in = x->data;
    float *out = y->data;
    for (int64_t b = 0; b < N; b++)
        for (int64_t oy = 0; oy < OH; oy++) {
            float sy;
            int64_t y0, y1;
            interp_values(oy, hs, p->half_pixel_centers, H, &sy, &y0, &y1);
            for (int64_t ox = 0; ox < OW; ox++) {
                float sx;
                int64_t x0, x1;
                interp_values(ox, ws, p->half_pixel_centers, W, &sx, &x0, &x1);
                const float dy = sy - (float)y0, dx = sx - (float)x0;
                for (int64_t ch = 0; ch < C; ch++) {
                    const float v00 = in[((b * H + y0) * W + x0) * C + ch];
                    const float v10 = in[((b * H + y1) * W + x0) * C + ch];
                    const float v01 = in[((b * H + y0) * W + x1) * C + ch];
                    const float v11 = in[((b * H + y1) * W + x1) * C + ch];
                    out[((b * OH + oy) * OW + ox) * C + ch] = v00 * (1 - dy) * (1 - dx) +
                                                              v10 * dy * (1 - dx) +
                                                              v01 * (1 - dy) * dx + v11 * dy * dx;
                }
            }
        }
    return FY_OK;
}

static int64_t nearest(int64_t v, int64_t in, int64_t out, bool align, bool half)
{
    const float scale = resize_scale(in, out, align);
    const float off = half ? 0.5f : 0.0f;
    int64_t r = align ? (int64_t)roundf(((float)v + off) * scale)
                      : (int64_t)floorf(((float)v + off) * scale);
    if (r > in - 1) r = in - 1;
    if (half && r < 0) r = 0;
    return r;
}

fy_status tfl_resize_nearest_eval(struct op_ctx *c)
{
    const struct tfl_resize_params *p = c->params;
    const struct op_tensor *x = c->in[0];
    struct op_tensor *y = c->out[0];
    const size_t es = (size_t)(ir_dtype_table[x->dtype].bits / 8);
    const int64_t N = x->dims[0], H = x->dims[1], W = x->dims[2], C = x->dims[3];
    const int64_t OH = y->dims[1], OW = y->dims[2];
    for (int64_t b = 0; b < N; b++)
        for (int64_t oy = 0; oy < OH; oy++) {
            const int64_t iy = nearest(oy, H, OH, p->align_corners, p->half_pixel_centers);
            for (int64_t ox = 0; ox < OW; ox++) {
                const int64_t ix = nearest(ox, W, OW, p->align_corners, p->half_pixel_centers);
                memcpy((char *)y->data + (size_t)(((b * OH + oy) * OW + ox) * C) * es,
                       (const char *)x->data + (size_t)(((b * H + iy) * W + ix) * C) * es,
                       (size_t)C * es);
            }
        }
    return FY_OK;
}
