/* RoiAlign (opsets 10, 16): pools each region of interest to a fixed
 * output_height x output_width grid by bilinear sampling.
 *
 * A roi (x1, y1, x2, y2) is scaled by spatial_scale; half_pixel (opset 16's
 * default) then shifts it by -0.5, output_half_pixel (opset 10's only
 * behavior) does not shift but makes it at least 1 x 1. Each output bin
 * averages (or takes the maximum of) sampling_ratio x sampling_ratio samples
 * (ceil(roi size / output size) when sampling_ratio is 0) at the centers
 * of an even grid in the bin. A sample more than one pixel outside the map
 * reads 0; otherwise coordinates are clamped to the map and interpolated
 * bilinearly. Max mode takes, per sample, the largest of the four weighted
 * corner values, and the largest over samples: ONNX's definition, which
 * follows ONNX Runtime. */
#include <math.h>
#include <string.h>

#include "ops/image.h"

fy_status roi_align_parse(const struct ir_node *n, int64_t opset, void *params,
                          struct fy_error *err)
{
    struct roi_align_params *p = params;
    struct ir_bytes mode, ctm;
    fy_status st = op_attr_string(n, "mode", "avg", &mode, err);
    if (!st) st = op_attr_int(n, "output_height", 1, &p->out_h, err);
    if (!st) st = op_attr_int(n, "output_width", 1, &p->out_w, err);
    if (!st) st = op_attr_int(n, "sampling_ratio", 0, &p->sampling_ratio, err);
    if (!st) st = op_attr_float(n, "spatial_scale", 1.0f, &p->spatial_scale, err);
    if (!st && opset >= 16)
        st = op_attr_string(n, "coordinate_transformation_mode", "half_pixel", &ctm, err);
    if (st) return st;
    if (op_bytes_eq(mode, "avg")) p->max_mode = false;
    else if (op_bytes_eq(mode, "max")) p->max_mode = true;
    else
        return op_fail_node(n, err, FY_EINVALID, "mode is '%.*s'; expected avg or max",
                            (int)mode.size, (const char *)mode.data);
    p->half_pixel = false;
    if (opset >= 16) {
        if (op_bytes_eq(ctm, "half_pixel")) p->half_pixel = true;
        else if (!op_bytes_eq(ctm, "output_half_pixel"))
            return op_fail_node(n, err, FY_EINVALID,
                                "coordinate_transformation_mode is '%.*s'; expected half_pixel "
                                "or output_half_pixel",
                                (int)ctm.size, (const char *)ctm.data);
    }
    if (p->out_h < 1 || p->out_w < 1 || p->sampling_ratio < 0)
        return op_fail_node(n, err, FY_EINVALID,
                            "output_height %lld, output_width %lld, sampling_ratio %lld; "
                            "expected >= 1, >= 1, >= 0",
                            (long long)p->out_h, (long long)p->out_w,
                            (long long)p->sampling_ratio);
    return FY_OK;
}

fy_status roi_align_infer(struct op_ctx *c)
{
    const struct roi_align_params *p = c->params;
    const struct op_tensor *x = c->in[0], *rois = c->in[1], *bi = c->in[2];
    static const enum ir_dtype floats[] = {IR_F32, IR_F64, IR_F16};
    static const enum ir_dtype i64[] = {IR_I64};
    fy_status st = op_expect_dtype(c, 0, floats, 3);
    if (!st) st = op_expect_same_dtype(c, 0, 1);
    if (!st) st = op_expect_dtype(c, 2, i64, 1);
    if (st) return st;
    char b1[96], b2[96];
    if (x->rank != 4)
        return op_fail(c, FY_EINVALID, "X has shape %s; RoiAlign needs [N, C, H, W]",
                       rx_shape_str(x, b1, sizeof b1));
    if (rois->rank != 2 || rois->dims[1] != 4)
        return op_fail(c, FY_EINVALID, "rois has shape %s; expected [num_rois, 4]",
                       rx_shape_str(rois, b1, sizeof b1));
    if (bi->rank != 1 || bi->dims[0] != rois->dims[0])
        return op_fail(c, FY_EINVALID, "batch_indices has shape %s; with rois %s it must be [%lld]",
                       rx_shape_str(bi, b1, sizeof b1), rx_shape_str(rois, b2, sizeof b2),
                       (long long)rois->dims[0]);
    int64_t dims[4] = {rois->dims[0], x->dims[1], p->out_h, p->out_w};
    return op_set_output(c, 0, x->dtype, 4, dims);
}

/* One sample: four corner offsets into a channel plane and their weights
 * (all weights 0 for a sample outside the map). */
struct ra_sample {
    int64_t pos[4];
    double w[4];
};

fy_status roi_align_eval(struct op_ctx *c)
{
    const struct roi_align_params *p = c->params;
    const struct op_tensor *xt = c->in[0], *rois_t = c->in[1], *bi = c->in[2];
    struct op_tensor *yt = c->out[0];
    int64_t N = xt->dims[0], C = xt->dims[1], H = xt->dims[2], W = xt->dims[3];
    int64_t R = rois_t->dims[0], ph_n = p->out_h, pw_n = p->out_w;
    for (int64_t r = 0; r < R; r++) {
        int64_t b = op_get_i64(bi, (uint64_t)r);
        if (b < 0 || b >= N)
            return op_fail(c, FY_EINVALID, "batch_indices[%lld] is %lld; X has %lld images",
                           (long long)r, (long long)b, (long long)N);
    }
    if (yt->numel == 0) return FY_OK;
    const double *x = rx_load_f64(c, xt), *rois = rx_load_f64(c, rois_t);
    double *y = op_scratch(c, (size_t)yt->numel * sizeof(double));
    if (!x || !rois || !y) return FY_ENOMEM;
    double offset = p->half_pixel ? 0.5 : 0.0, scale = p->spatial_scale;
    struct ra_sample *s = NULL;
    size_t cap = 0;
    for (int64_t r = 0; r < R; r++) {
        const double *roi = rois + r * 4;
        int64_t b = op_get_i64(bi, (uint64_t)r);
        double x0 = roi[0] * scale - offset, y0 = roi[1] * scale - offset;
        double x1 = roi[2] * scale - offset, y1 = roi[3] * scale - offset;
        double rw = x1 - x0, rh = y1 - y0;
        if (!p->half_pixel) {
            /* output_half_pixel: malformed rois count as 1 x 1 */
            rw = fmax(rw, 1.0);
            rh = fmax(rh, 1.0);
        }
        double bin_h = rh / (double)ph_n, bin_w = rw / (double)pw_n;
        if (!isfinite(x0) || !isfinite(y0) || !isfinite(rw) || !isfinite(rh))
            return op_fail(c, FY_EINVALID, "roi %lld (%g, %g, %g, %g) is not finite",
                           (long long)r, roi[0], roi[1], roi[2], roi[3]);
        double ghd = p->sampling_ratio > 0 ? (double)p->sampling_ratio : ceil(bin_h);
        double gwd = p->sampling_ratio > 0 ? (double)p->sampling_ratio : ceil(bin_w);
        if (ghd * gwd * (double)(ph_n * pw_n) > (double)(1 << 26))
            return op_fail(c, FY_EUNSUPPORTED, "roi %lld needs %g x %g samples per bin",
                           (long long)r, ghd, gwd);
        int64_t gh = ghd > 0 ? (int64_t)ghd : 0, gw = gwd > 0 ? (int64_t)gwd : 0;
        double count = (double)(gh * gw > 1 ? gh * gw : 1);
        /* samples of every bin, shared by all channels */
        size_t ns = (size_t)(ph_n * pw_n * gh * gw);
        if (ns > cap) {
            cap = ns;
            s = op_scratch(c, cap * sizeof *s);
            if (!s) return FY_ENOMEM;
        }
        size_t k = 0;
        for (int64_t ph = 0; ph < ph_n; ph++)
            for (int64_t pw = 0; pw < pw_n; pw++)
                for (int64_t iy = 0; iy < gh; iy++) {
                    double yy = y0 + (double)ph * bin_h + ((double)iy + 0.5) * bin_h / (double)gh;
                    for (int64_t ix = 0; ix < gw; ix++, k++) {
                        double xx =
                            x0 + (double)pw * bin_w + ((double)ix + 0.5) * bin_w / (double)gw;
                        struct ra_sample *sm = &s[k];
                        memset(sm, 0, sizeof *sm);
                        if (yy < -1.0 || yy > (double)H || xx < -1.0 || xx > (double)W ||
                            H == 0 || W == 0)
                            continue;
                        double sy = fmax(yy, 0), sx = fmax(xx, 0);
                        int64_t ylo = (int64_t)sy, xlo = (int64_t)sx, yhi, xhi;
                        if (ylo >= H - 1) {
                            ylo = yhi = H - 1;
                            sy = (double)ylo;
                        } else {
                            yhi = ylo + 1;
                        }
                        if (xlo >= W - 1) {
                            xlo = xhi = W - 1;
                            sx = (double)xlo;
                        } else {
                            xhi = xlo + 1;
                        }
                        double ly = sy - (double)ylo, lx = sx - (double)xlo;
                        double hy = 1 - ly, hx = 1 - lx;
                        sm->pos[0] = ylo * W + xlo;
                        sm->pos[1] = ylo * W + xhi;
                        sm->pos[2] = yhi * W + xlo;
                        sm->pos[3] = yhi * W + xhi;
                        sm->w[0] = hy * hx;
                        sm->w[1] = hy * lx;
                        sm->w[2] = ly * hx;
                        sm->w[3] = ly * lx;
                    }
                }
        for (int64_t ch = 0; ch < C; ch++) {
            const double *plane = x + (b * C + ch) * H * W;
            double *out = y + ((r * C + ch) * ph_n) * pw_n;
            size_t si = 0;
            for (int64_t bin = 0; bin < ph_n * pw_n; bin++) {
                double v = 0;
                for (int64_t q = 0; q < gh * gw; q++, si++) {
                    const struct ra_sample *sm = &s[si];
                    if (!p->max_mode) {
                        for (int t = 0; t < 4; t++) v += sm->w[t] * plane[sm->pos[t]];
                        continue;
                    }
                    double m = sm->w[0] * plane[sm->pos[0]];
                    for (int t = 1; t < 4; t++) m = fmax(m, sm->w[t] * plane[sm->pos[t]]);
                    v = q == 0 ? m : fmax(v, m);
                }
                out[bin] = p->max_mode ? v : v / count;
            }
        }
    }
    rx_write_f64(yt, 0, (int64_t)yt->numel, y);
    return FY_OK;
}
