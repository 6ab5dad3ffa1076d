/* Resize (opsets 10, 11, 13, 18, 19) and Upsample (opsets 7, 9).
 *
 * Every output coordinate x of a resized dim maps to a coordinate x_orig of
 * the input by coordinate_transformation_mode, with
 *   scale = the given scale, or output / input length when sizes are given,
 *   len   = scale * input length (fractional when derived from a scale; ONNX's
 *           reference implementation, and so its test data, uses this value
 *           for align_corners, pytorch_half_pixel and tf_crop_and_resize):
 *     half_pixel            (x + 0.5) / scale - 0.5
 *     half_pixel_symmetric  half_pixel shifted by in/2 * (1 - out/len)
 *     pytorch_half_pixel    len > 1 ? half_pixel : 0
 *     align_corners         len == 1 ? 0 : x * (in - 1) / (len - 1)
 *     asymmetric            x / scale
 *     tf_half_pixel_for_nn  (x + 0.5) / scale
 *     tf_crop_and_resize    len > 1 ? lo*(in-1) + x*(hi-lo)*(in-1)/(len-1)
 *                                   : (lo+hi)/2 * (in-1); outside [0, in-1]
 *                           the output is extrapolation_value.
 * Upsample and Resize-10 know only asymmetric, with nearest taking floor
 * (ceil when downsampling, as ONNX Runtime does; Upsample never downsamples).
 *
 * Each output coordinate then reads a few input positions ("taps") with
 * weights. With base = ceil(x_orig) - 1 and r = x_orig - base in (0, 1]:
 *   nearest  one tap, rounded per nearest_mode;
 *   linear   base, base+1 with 1-r, r;
 *   cubic    base-1 .. base+2 with Keys' kernel (cubic_coeff_a);
 *   antialias (opset 18, downsampling only) stretches the linear or cubic
 *            kernel by 1/scale over more taps, normalized to sum 1.
 * Taps past the edges read the edge (indices clamped) unless
 * exclude_outside zeroes their weights and renormalizes. The N-D result is
 * the tensor product of the per-dim taps. Output sizes are
 * floor(in * scale), or the sizes given (keep_aspect_ratio_policy scales
 * them to one common factor, rounding half up). */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "ops/image.h"

/* ---- parse ---- */

static fy_status parse_choice(const struct ir_node *n, const char *attr, const char *dflt,
                              const char *const *names, int count, int *out,
                              struct fy_error *err)
{
    struct ir_bytes s;
    fy_status st = op_attr_string(n, attr, dflt, &s, err);
    if (st) return st;
    for (int i = 0; i < count; i++)
        if (names[i] && op_bytes_eq(s, names[i])) {
            *out = i;
            return FY_OK;
        }
    return op_fail_node(n, err, FY_EINVALID, "%s is '%.*s', which this opset does not define",
                        attr, (int)s.size, (const char *)s.data);
}

fy_status resize_parse(const struct ir_node *n, int64_t opset, void *params,
                       struct fy_error *err)
{
    struct resize_params *p = params;
    bool upsample = n->op == IR_OP_UPSAMPLE;
    p->min_scale_1 = upsample;
    p->layout = upsample ? (opset < 9 ? RS_UPSAMPLE_ATTR : RS_X_SCALES)
                         : (opset < 11 ? RS_X_SCALES : RS_X_ROI_SCALES_SIZES);
    p->n_axes = -1;
    p->n_attr_scales = -1;
    p->cubic_a = -0.75f;
    p->coord = RS_ASYMMETRIC;
    p->nearest = RS_SIMPLE;
    p->aspect = RS_STRETCH;

    /* cubic from Resize-11; Upsample was exported as "bilinear" by old tools */
    static const char *const modes[] = {"nearest", "linear", "cubic", "bilinear"};
    int mode = 0;
    bool v11 = p->layout == RS_X_ROI_SCALES_SIZES;
    fy_status st = parse_choice(n, "mode", "nearest", modes, v11 ? 3 : (upsample ? 4 : 2),
                                &mode, err);
    if (st) return st;
    p->mode = mode == 3 ? RS_LINEAR : (enum rs_mode)mode;

    if (p->layout == RS_UPSAMPLE_ATTR) {
        st = op_attr_floats(n, "scales", p->attr_scales, OP_MAX_RANK, &p->n_attr_scales, err);
        if (st) return st;
        if (p->n_attr_scales < 0)
            return op_fail_node(n, err, FY_EINVALID, "attribute 'scales' is missing");
    }
    if (!v11) return FY_OK;

    static const char *const coords[] = {"half_pixel",   "half_pixel_symmetric",
                                         "pytorch_half_pixel", "align_corners",
                                         "asymmetric",   "tf_half_pixel_for_nn",
                                         "tf_crop_and_resize"};
    const char *coord_names[7];
    for (int i = 0; i < 7; i++) coord_names[i] = coords[i];
    if (opset < 19) coord_names[RS_HALF_PIXEL_SYMMETRIC] = NULL; /* added in 19 */
    int v = 0;
    st = parse_choice(n, "coordinate_transformation_mode", "half_pixel", coord_names, 7, &v, err);
    if (st) return st;
    p->coord = (enum rs_coord)v;
    static const char *const nearest[] = {"round_prefer_floor", "round_prefer_ceil", "floor",
                                          "ceil"};
    st = parse_choice(n, "nearest_mode", "round_prefer_floor", nearest, 4, &v, err);
    if (st) return st;
    p->nearest = (enum rs_nearest)v;
    int64_t excl = 0, anti = 0;
    st = op_attr_float(n, "cubic_coeff_a", -0.75f, &p->cubic_a, err);
    if (!st) st = op_attr_int(n, "exclude_outside", 0, &excl, err);
    if (!st) st = op_attr_float(n, "extrapolation_value", 0.0f, &p->extrapolation, err);
    if (st) return st;
    if (excl != 0 && excl != 1)
        return op_fail_node(n, err, FY_EINVALID, "exclude_outside is %lld; expected 0 or 1",
                            (long long)excl);
    p->exclude_outside = excl == 1;
    if (opset < 18) return FY_OK;
    st = op_attr_int(n, "antialias", 0, &anti, err);
    if (!st) st = op_attr_ints(n, "axes", p->axes, OP_MAX_RANK, &p->n_axes, err);
    if (st) return st;
    if (anti != 0 && anti != 1)
        return op_fail_node(n, err, FY_EINVALID, "antialias is %lld; expected 0 or 1",
                            (long long)anti);
    p->antialias = anti == 1;
    static const char *const aspects[] = {"stretch", "not_larger", "not_smaller"};
    st = parse_choice(n, "keep_aspect_ratio_policy", "stretch", aspects, 3, &v, err);
    if (st) return st;
    p->aspect = (enum rs_aspect)v;
    return FY_OK;
}

/* ---- geometry: output sizes, scales and roi per dim ---- */

struct rs_geom {
    int rank;
    int64_t in[OP_MAX_RANK], out[OP_MAX_RANK];
    double scale[OP_MAX_RANK];
    double lo[OP_MAX_RANK], hi[OP_MAX_RANK];
};

/* A float input given and not empty, or NULL. */
static const struct op_tensor *given(const struct op_ctx *c, int i)
{
    const struct op_tensor *t = rx_in(c, i);
    return t && t->numel ? t : NULL;
}

static fy_status rs_geom(struct op_ctx *c, struct rs_geom *g)
{
    const struct resize_params *p = c->params;
    const struct op_tensor *x = c->in[0];
    int r = x->rank;
    g->rank = r;
    for (int d = 0; d < r; d++) {
        g->in[d] = g->out[d] = x->dims[d];
        g->scale[d] = 1;
        g->lo[d] = 0;
        g->hi[d] = 1;
    }
    /* the axes the scales / sizes / roi list */
    int axes[OP_MAX_RANK], na = r;
    for (int d = 0; d < r; d++) axes[d] = d;
    if (p->n_axes >= 0) {
        bool seen[OP_MAX_RANK] = {false};
        na = p->n_axes;
        for (int i = 0; i < na; i++) {
            fy_status st = op_axis(c, p->axes[i], r, "axis", &axes[i]);
            if (st) return st;
            if (seen[axes[i]])
                return op_fail(c, FY_EINVALID, "axis %d is listed twice in axes", axes[i]);
            seen[axes[i]] = true;
        }
    }
    double sc[OP_MAX_RANK];
    int64_t sz[OP_MAX_RANK];
    bool have_scales = false, have_sizes = false;
    const struct op_tensor *scales = NULL, *sizes = NULL, *roi = NULL;
    if (p->layout == RS_UPSAMPLE_ATTR) {
        if (p->n_attr_scales != r)
            return op_fail(c, FY_EINVALID, "scales has %d values; X has rank %d",
                           p->n_attr_scales, r);
        for (int i = 0; i < r; i++) sc[i] = p->attr_scales[i];
        have_scales = true;
    } else if (p->layout == RS_X_SCALES) {
        scales = rx_in(c, 1);
        if (!scales) return op_fail(c, FY_EINVALID, "input scales is missing");
    } else {
        roi = given(c, 1);
        scales = given(c, 2);
        sizes = given(c, 3);
        if (scales && sizes)
            return op_fail(c, FY_EINVALID, "both scales and sizes are given; give only one");
        if (!scales && !sizes)
            return op_fail(c, FY_EINVALID, "neither scales nor sizes is given");
    }
    if (scales) {
        if (scales->dtype != IR_F32)
            return op_fail(c, FY_EINVALID, "scales has type %s; expected float32",
                           ir_dtype_name(scales->dtype));
        if (scales->rank != 1 || scales->numel != (uint64_t)na)
            return op_fail(c, FY_EINVALID, "scales has %llu values; expected %d",
                           (unsigned long long)scales->numel, na);
        for (int i = 0; i < na; i++) sc[i] = op_get_f64(scales, (uint64_t)i);
        have_scales = true;
    }
    if (sizes) {
        if (sizes->dtype != IR_I64)
            return op_fail(c, FY_EINVALID, "sizes has type %s; expected int64",
                           ir_dtype_name(sizes->dtype));
        if (sizes->rank != 1 || sizes->numel != (uint64_t)na)
            return op_fail(c, FY_EINVALID, "sizes has %llu values; expected %d",
                           (unsigned long long)sizes->numel, na);
        for (int i = 0; i < na; i++) sz[i] = op_get_i64(sizes, (uint64_t)i);
        have_sizes = true;
    }
    if (have_scales) {
        for (int i = 0; i < na; i++) {
            int d = axes[i];
            if (!(sc[i] > 0) || (p->min_scale_1 && !(sc[i] >= 1)) || isinf(sc[i]))
                return op_fail(c, FY_EINVALID, "scale %g for axis %d; expected a finite value %s",
                               sc[i], d, p->min_scale_1 ? ">= 1" : "> 0");
            double o = floor((double)g->in[d] * sc[i]);
            if (o > 9.0e15)
                return op_fail(c, FY_EINVALID, "scale %g makes axis %d too long", sc[i], d);
            g->scale[d] = sc[i];
            g->out[d] = (int64_t)o;
        }
    }
    if (have_sizes) {
        for (int i = 0; i < na; i++) {
            int d = axes[i];
            if (sz[i] < 0)
                return op_fail(c, FY_EINVALID, "sizes gives %lld for axis %d",
                               (long long)sz[i], d);
            if (g->in[d] == 0 && sz[i] != 0)
                return op_fail(c, FY_EINVALID,
                               "axis %d has length 0; it cannot be resized to %lld", d,
                               (long long)sz[i]);
        }
        if (p->aspect == RS_STRETCH) {
            for (int i = 0; i < na; i++) {
                int d = axes[i];
                g->out[d] = sz[i];
                g->scale[d] = g->in[d] ? (double)sz[i] / (double)g->in[d] : 1;
            }
        } else {
            double s = 0;
            for (int i = 0; i < na; i++) {
                int d = axes[i];
                double v = g->in[d] ? (double)sz[i] / (double)g->in[d] : 1;
                if (i == 0 || (p->aspect == RS_NOT_LARGER ? v < s : v > s)) s = v;
            }
            for (int i = 0; i < na; i++) {
                int d = axes[i];
                double o = s * (double)g->in[d] + 0.5; /* round half up */
                if (!(o < 9.0e15))
                    return op_fail(c, FY_EINVALID, "sizes make axis %d too long", d);
                g->scale[d] = s;
                g->out[d] = (int64_t)o;
            }
        }
        for (int d = 0; d < r; d++)
            if (g->out[d] && !(g->scale[d] > 0))
                return op_fail(c, FY_EINVALID, "axis %d would be resized by a scale of 0", d);
    }
    if (p->coord == RS_TF_CROP_AND_RESIZE && roi) {
        static const enum ir_dtype floats[] = {IR_F32, IR_F64, IR_F16, IR_BF16};
        fy_status st = op_expect_dtype(c, 1, floats, 4);
        if (st) return st;
        if (roi->numel != (uint64_t)(2 * na))
            return op_fail(c, FY_EINVALID, "roi has %llu values; expected %d",
                           (unsigned long long)roi->numel, 2 * na);
        for (int i = 0; i < na; i++) {
            g->lo[axes[i]] = op_get_f64(roi, (uint64_t)i);
            g->hi[axes[i]] = op_get_f64(roi, (uint64_t)(na + i));
        }
    }
    return FY_OK;
}

fy_status resize_infer(struct op_ctx *c)
{
    const struct resize_params *p = c->params;
    const struct op_tensor *x = c->in[0];
    if (x->dtype == IR_STRING || x->dtype == IR_I4 || x->dtype == IR_U4 ||
        x->dtype == IR_C64 || x->dtype == IR_C128)
        return op_fail(c, FY_EUNSUPPORTED, "X has type %s, which ferry does not resize",
                       ir_dtype_name(x->dtype));
    if (p->mode != RS_NEAREST && x->dtype == IR_BOOL)
        return op_fail(c, FY_EINVALID, "X is bool; only mode nearest can resize it");
    struct rs_geom g;
    fy_status st = rs_geom(c, &g);
    if (st) return st;
    return op_set_output(c, 0, x->dtype, g.rank, g.out);
}

/* ---- taps ---- */

/* Input coordinate of output coordinate x along one dim. */
static double rs_orig(enum rs_coord m, double x, double scale, int64_t in, int64_t out,
                      double lo, double hi)
{
    double len = scale * (double)in;
    switch (m) {
    case RS_HALF_PIXEL: return (x + 0.5) / scale - 0.5;
    case RS_HALF_PIXEL_SYMMETRIC: {
        double adjust = (double)out / len;
        double offset = (double)in / 2 * (1 - adjust);
        return offset + (x + 0.5) / scale - 0.5;
    }
    case RS_PYTORCH_HALF_PIXEL: return len > 1 ? (x + 0.5) / scale - 0.5 : 0;
    case RS_ALIGN_CORNERS: return len == 1 ? 0 : x * (double)(in - 1) / (len - 1);
    case RS_ASYMMETRIC: return x / scale;
    case RS_TF_HALF_PIXEL_FOR_NN: return (x + 0.5) / scale;
    case RS_TF_CROP_AND_RESIZE:
        if (len > 1) return lo * (double)(in - 1) + x * (hi - lo) * (double)(in - 1) / (len - 1);
        return 0.5 * (lo + hi) * (double)(in - 1);
    }
    return x;
}

static int64_t rs_nearest_index(enum rs_nearest m, double x, double scale)
{
    switch (m) {
    case RS_ROUND_PREFER_FLOOR: return (int64_t)ceil(x - 0.5);
    case RS_ROUND_PREFER_CEIL: return (int64_t)floor(x + 0.5);
    case RS_FLOOR: return (int64_t)floor(x);
    case RS_CEIL: return (int64_t)ceil(x);
    case RS_SIMPLE: return scale < 1 ? (int64_t)ceil(x) : (int64_t)floor(x);
    }
    return 0;
}

/* Keys' cubic convolution kernel with parameter a, at distance t. */
static double keys(double t, double a)
{
    t = fabs(t);
    if (t <= 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
    if (t < 2) return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
    return 0;
}

/* The taps of one dim: for output coordinate o, taps [first[o], first[o+1])
 * of off (input offset: index times the dim's stride) and w. */
struct rs_taps {
    int64_t *first;
    int64_t *off;
    double *w;
    bool *ext; /* tf_crop_and_resize: outside the input, so extrapolate */
    int64_t max_taps;
};

/* Taps one output coordinate can have at most, for this dim (a double: a
 * tiny antialiasing scale asks for more than any integer holds). */
static double rs_tap_count(const struct resize_params *p, double scale)
{
    if (p->mode == RS_NEAREST) return 1;
    if (p->antialias && scale < 1) {
        double start = p->mode == RS_LINEAR ? floor(-1 / scale) + 1 : floor(-2 / scale) + 1;
        return 2 - 2 * start;
    }
    return p->mode == RS_LINEAR ? 2 : 4;
}

static fy_status rs_build_taps(struct op_ctx *c, const struct rs_geom *g, int d, int64_t stride,
                               struct rs_taps *t)
{
    const struct resize_params *p = c->params;
    int64_t in = g->in[d], out = g->out[d];
    double scale = g->scale[d];
    double nd = rs_tap_count(p, scale);
    if (!(nd >= 1 && nd <= (double)(1 << 24)))
        return op_fail(c, FY_EUNSUPPORTED, "scale %g of axis %d needs %g taps per element", scale,
                       d, nd);
    int64_t n = (int64_t)nd;
    t->max_taps = n;
    t->first = op_scratch(c, (size_t)(out + 1) * sizeof(int64_t));
    t->off = op_scratch(c, (size_t)(out * n + 1) * sizeof(int64_t));
    t->w = op_scratch(c, (size_t)(out * n + 1) * sizeof(double));
    t->ext = op_scratch(c, (size_t)(out + 1) * sizeof(bool));
    double *wk = op_scratch(c, (size_t)n * sizeof(double));
    int64_t *ik = op_scratch(c, (size_t)n * sizeof(int64_t));
    if (!t->first || !t->off || !t->w || !t->ext || !wk || !ik) return FY_ENOMEM;
    int64_t k = 0;
    for (int64_t o = 0; o < out; o++) {
        t->first[o] = k;
        double xo = rs_orig(p->coord, (double)o, scale, in, out, g->lo[d], g->hi[d]);
        t->ext[o] = p->coord == RS_TF_CROP_AND_RESIZE &&
                    (xo < 0 || xo > (double)(in - 1) || xo != xo);
        if (t->ext[o] || in == 0) continue;
        /* Beyond the taps' reach every index clamps to an edge, so pulling a
         * far (or NaN, from a NaN roi) coordinate in changes nothing and
         * keeps the integer conversions below defined. */
        double reach = (double)n + 2;
        if (xo != xo) xo = 0;
        xo = fmin(fmax(xo, -reach), (double)in + reach);
        int m = 0;
        if (p->mode == RS_NEAREST) {
            ik[0] = rs_nearest_index(p->nearest, xo, scale);
            wk[0] = 1;
            m = 1;
        } else {
            double base = ceil(xo) - 1, r = xo - base; /* r in (0, 1] */
            if (p->antialias && scale < 1) {
                double s = scale, start = (double)(1 - n / 2);
                double sum = 0;
                for (int64_t i = 0; i < n; i++) {
                    double arg = (start + (double)i - r) * s;
                    double v = p->mode == RS_LINEAR ? fmax(0.0, 1 - fabs(arg))
                                                    : keys(arg, p->cubic_a);
                    wk[m] = v;
                    ik[m++] = (int64_t)(base + start) + i;
                    sum += v;
                }
                for (int i = 0; i < m; i++) wk[i] /= sum;
            } else if (p->mode == RS_LINEAR) {
                ik[0] = (int64_t)base;
                wk[0] = 1 - r;
                ik[1] = (int64_t)base + 1;
                wk[1] = r;
                m = 2;
            } else {
                for (int i = 0; i < 4; i++) {
                    ik[i] = (int64_t)base - 1 + i;
                    wk[i] = keys(r + 1 - i, p->cubic_a);
                }
                m = 4;
            }
            if (p->exclude_outside) {
                double sum = 0;
                for (int i = 0; i < m; i++) {
                    if (ik[i] < 0 || ik[i] >= in) wk[i] = 0;
                    sum += wk[i];
                }
                if (sum != 0)
                    for (int i = 0; i < m; i++) wk[i] /= sum;
            }
        }
        for (int i = 0; i < m; i++) {
            /* weight 0 adds nothing: dropping it halves the work on unscaled dims */
            if (wk[i] == 0) continue;
            int64_t ix = ik[i] < 0 ? 0 : (ik[i] >= in ? in - 1 : ik[i]);
            t->off[k] = ix * stride;
            t->w[k++] = wk[i];
        }
    }
    t->first[out] = k;
    return FY_OK;
}

/* ---- the kernel ---- */

struct rs_job {
    int rank;
    int64_t out[OP_MAX_RANK];
    struct rs_taps taps[OP_MAX_RANK];
    int64_t row_len, max_combos;
    bool nearest;
    double extrap;
    const double *x; /* interpolating modes */
    double *y;
    const char *xb;  /* nearest: bytes copied as they are */
    char *yb;
    size_t es;
    struct op_tensor *yt; /* for writing the extrapolation value */
    atomic_int failed;
};

/* Output rows [b, e): a row is every dim but the last. */
static void rs_range(void *arg, int64_t b, int64_t e)
{
    struct rs_job *j = arg;
    int last = j->rank - 1;
    int64_t *coff = malloc((size_t)j->max_combos * sizeof(int64_t));
    double *cw = malloc((size_t)j->max_combos * sizeof(double));
    if (!coff || !cw) {
        atomic_store(&j->failed, 1);
        free(coff);
        free(cw);
        return;
    }
    const struct rs_taps *tl = &j->taps[last];
    for (int64_t row = b; row < e; row++) {
        int64_t co[OP_MAX_RANK];
        int64_t rem = row;
        bool ext = false;
        for (int d = last - 1; d >= 0; d--) {
            co[d] = rem % j->out[d];
            rem /= j->out[d];
            ext |= j->taps[d].ext[co[d]];
        }
        /* the leading dims' taps, multiplied out */
        int64_t nc = 1;
        coff[0] = 0;
        cw[0] = 1;
        for (int d = 0; d < last && !ext; d++) {
            const struct rs_taps *t = &j->taps[d];
            int64_t f = t->first[co[d]], cnt = t->first[co[d] + 1] - f;
            /* expand in place from the back so entries are not overwritten early */
            for (int64_t i = nc - 1; i >= 0; i--)
                for (int64_t k = cnt - 1; k >= 0; k--) {
                    int64_t at = i * cnt + k;
                    coff[at] = coff[i] + t->off[f + k];
                    cw[at] = cw[i] * t->w[f + k];
                }
            nc *= cnt;
        }
        int64_t y0 = row * j->row_len;
        for (int64_t o = 0; o < j->row_len; o++) {
            if (ext || tl->ext[o]) {
                if (j->nearest) op_set_f64(j->yt, (uint64_t)(y0 + o), j->extrap);
                else j->y[y0 + o] = j->extrap;
                continue;
            }
            int64_t f = tl->first[o], cnt = tl->first[o + 1] - f;
            if (j->nearest) {
                /* one tap per dim */
                int64_t src = cnt ? coff[0] + tl->off[f] : 0;
                memcpy(j->yb + (size_t)(y0 + o) * j->es, j->xb + (size_t)src * j->es, j->es);
                continue;
            }
            double acc = 0;
            for (int64_t i = 0; i < nc; i++) {
                const double *xp = j->x + coff[i];
                double s = 0;
                for (int64_t k = 0; k < cnt; k++) s += tl->w[f + k] * xp[tl->off[f + k]];
                acc += cw[i] * s;
            }
            j->y[y0 + o] = acc;
        }
    }
    free(coff);
    free(cw);
}

/* Writes doubles into an output of any numeric type; integer types round
 * half to even and saturate (cubic overshoot must not wrap a uint8 image),
 * as the saturate_cast of ONNX's reference implementation does. */
static void rs_store(struct op_tensor *t, const double *v)
{
    if (rx_is_float(t->dtype)) {
        rx_write_f64(t, 0, (int64_t)t->numel, v);
        return;
    }
    double lo, hi;
    switch (t->dtype) {
    case IR_I8: lo = INT8_MIN, hi = INT8_MAX; break;
    case IR_U8: lo = 0, hi = UINT8_MAX; break;
    case IR_I16: lo = INT16_MIN, hi = INT16_MAX; break;
    case IR_U16: lo = 0, hi = UINT16_MAX; break;
    case IR_I32: lo = INT32_MIN, hi = INT32_MAX; break;
    case IR_U32: lo = 0, hi = UINT32_MAX; break;
    case IR_U64: lo = 0, hi = 1.8446744073709550e19; break;
    default: lo = -9.2233720368547758e18, hi = 9.2233720368547748e18; break;
    }
    for (uint64_t i = 0; i < t->numel; i++) {
        double r = nearbyint(v[i]);
        double x = r != r ? 0 : (r < lo ? lo : (r > hi ? hi : r));
        if (t->dtype == IR_U64) ((uint64_t *)t->data)[i] = (uint64_t)x;
        else op_set_i64(t, i, (int64_t)x);
    }
}

fy_status resize_eval(struct op_ctx *c)
{
    const struct resize_params *p = c->params;
    const struct op_tensor *x = c->in[0];
    struct op_tensor *y = c->out[0];
    if (y->numel == 0) return FY_OK;
    size_t es = (size_t)ir_dtype_table[x->dtype].bits / 8;
    if (x->rank == 0) {
        memcpy(y->data, x->data, es);
        return FY_OK;
    }
    struct rs_geom g;
    fy_status st = rs_geom(c, &g);
    if (st) return st;
    struct rs_job *j = op_scratch(c, sizeof *j);
    if (!j) return FY_ENOMEM;
    memset(j, 0, sizeof *j);
    j->rank = g.rank;
    j->nearest = p->mode == RS_NEAREST;
    j->extrap = p->extrapolation;
    j->es = es;
    j->yt = y;
    atomic_init(&j->failed, 0);
    int64_t stride = 1;
    j->max_combos = 1;
    for (int d = g.rank - 1; d >= 0; d--) {
        j->out[d] = g.out[d];
        st = rs_build_taps(c, &g, d, stride, &j->taps[d]);
        if (st) return st;
        stride *= g.in[d];
        if (d < g.rank - 1) {
            if (j->max_combos > ((int64_t)1 << 24) / j->taps[d].max_taps)
                return op_fail(c, FY_EUNSUPPORTED, "resize needs too many taps per element");
            j->max_combos *= j->taps[d].max_taps;
        }
    }
    j->row_len = g.out[g.rank - 1];
    int64_t rows = (int64_t)y->numel / j->row_len;
    if (j->nearest) {
        j->xb = x->data;
        j->yb = y->data;
    } else {
        j->x = rx_load_f64(c, x);
        j->y = op_scratch(c, (size_t)y->numel * sizeof(double));
        if (!j->x || !j->y) return FY_ENOMEM;
    }
    op_parallel_for(c, rows, 8192 / j->row_len + 1, rs_range, j);
    if (atomic_load(&j->failed)) return op_fail(c, FY_ENOMEM, "out of memory");
    if (!j->nearest) rs_store(y, j->y);
    return FY_OK;
}
