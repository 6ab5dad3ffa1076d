/* Pooling: MaxPool (with Indices), AveragePool, LpPool, their Global*
 * forms, MaxRoiPool and MaxUnpool.
 *
 * Windowed pools support 1 to 3 spatial dims: geometry is folded to 3-D
 * (missing leading dims of extent 1) so one loop nest serves all three.
 * Values are pooled in double (exact for max, at least as accurate as the
 * input type for sums), one (image, channel) plane per task. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ops/nn.h"

static const enum ir_dtype float_types[] = {IR_F32, IR_F16, IR_BF16, IR_F64};
static const enum ir_dtype maxpool_types[] = {IR_F32, IR_F16, IR_BF16, IR_F64, IR_I8, IR_U8};

enum pool_kind { POOL_MAX, POOL_AVG, POOL_LP };

static enum pool_kind pool_kind_of(enum ir_op op)
{
    if (op == IR_OP_MAX_POOL || op == IR_OP_GLOBAL_MAX_POOL) return POOL_MAX;
    if (op == IR_OP_LP_POOL || op == IR_OP_GLOBAL_LP_POOL) return POOL_LP;
    return POOL_AVG;
}

static fy_status parse_p(const struct ir_node *n, struct nn_pool_params *p, struct fy_error *err)
{
    /* opset 1 of LpPool and GlobalLpPool had p as a float */
    const struct ir_attr *a = ir_node_attr(n, "p");
    fy_status st;
    if (a && a->type == IR_ATTR_FLOAT) {
        if (a->v.f != (float)(int64_t)a->v.f)
            return op_fail_node(n, err, FY_EUNSUPPORTED, "p is %g; only integer p is supported",
                                (double)a->v.f);
        p->p = (int64_t)a->v.f;
    } else {
        st = op_attr_int(n, "p", 2, &p->p, err);
        if (st) return st;
    }
    if (p->p < 1 || p->p > 1024)
        return op_fail_node(n, err, FY_EINVALID, "p is %lld; it must be a positive integer",
                            (long long)p->p);
    return FY_OK;
}

fy_status nn_maxpool_parse(const struct ir_node *n, int64_t opset, void *params,
                           struct fy_error *err)
{
    (void)opset;
    struct nn_pool_params *p = params;
    fy_status st = nn_window_parse(n, &p->w, true, true, err);
    if (!st) st = op_attr_int(n, "storage_order", 0, &p->storage_order, err);
    if (st) return st;
    if (p->storage_order != 0 && p->storage_order != 1)
        return op_fail_node(n, err, FY_EINVALID, "storage_order is %lld; expected 0 or 1",
                            (long long)p->storage_order);
    return FY_OK;
}

fy_status nn_avgpool_parse(const struct ir_node *n, int64_t opset, void *params,
                           struct fy_error *err)
{
    (void)opset;
    struct nn_pool_params *p = params;
    int64_t cip;
    fy_status st = nn_window_parse(n, &p->w, true, true, err);
    if (!st) st = op_attr_int(n, "count_include_pad", 0, &cip, err);
    if (st) return st;
    p->count_include_pad = cip != 0;
    return FY_OK;
}

fy_status nn_lppool_parse(const struct ir_node *n, int64_t opset, void *params,
                          struct fy_error *err)
{
    (void)opset;
    struct nn_pool_params *p = params;
    fy_status st = nn_window_parse(n, &p->w, true, true, err);
    if (!st) st = parse_p(n, p, err);
    return st;
}

fy_status nn_globallp_parse(const struct ir_node *n, int64_t opset, void *params,
                            struct fy_error *err)
{
    (void)opset;
    return parse_p(n, params, err);
}

/* ---- windowed pooling ---- */

struct pool3 {
    int64_t in[3], out[3], k[3], s[3], d[3], pb[3], pe[3];
};

static void fold3(const struct nn_geom *g, struct pool3 *f)
{
    int lead = 3 - g->ns;
    for (int i = 0; i < 3; i++) {
        int j = i - lead;
        bool real = j >= 0;
        f->in[i] = real ? g->in[j] : 1;
        f->out[i] = real ? g->out[j] : 1;
        f->k[i] = real ? g->k[j] : 1;
        f->s[i] = real ? g->s[j] : 1;
        f->d[i] = real ? g->d[j] : 1;
        f->pb[i] = real ? g->pb[j] : 0;
        f->pe[i] = real ? g->pe[j] : 0;
    }
}

static fy_status pool_geom(struct op_ctx *c, const struct nn_pool_params *p, struct nn_geom *g)
{
    const struct op_tensor *x = c->in[0];
    char buf[96];
    if (x->rank < 3)
        return op_fail(c, FY_EINVALID, "X has shape %s; %s needs N x C x D1 x ... (rank >= 3)",
                       nn_shape_str(x, buf, sizeof buf), c->node->op_type);
    int ns = x->rank - 2;
    if (p->w.n_kernel != ns)
        return op_fail(c, FY_EINVALID, "kernel_shape has %d values; the input has %d spatial dims",
                       p->w.n_kernel, ns);
    if (ns > 3)
        return op_fail(c, FY_EUNSUPPORTED, "%d spatial dims; at most 3 are supported", ns);
    return nn_window_geom(c, &p->w, ns, x->dims + 2, p->w.kernel, g);
}

fy_status nn_pool_infer(struct op_ctx *c)
{
    const struct nn_pool_params *p = c->params;
    enum pool_kind kind = pool_kind_of(c->node->op);
    fy_status st = kind == POOL_MAX ? op_expect_dtype(c, 0, maxpool_types, 6)
                                    : op_expect_dtype(c, 0, float_types, 4);
    if (st) return st;
    struct nn_geom g;
    st = pool_geom(c, p, &g);
    if (st) return st;
    const struct op_tensor *x = c->in[0];
    int64_t dims[OP_MAX_RANK] = {x->dims[0], x->dims[1]};
    for (int i = 0; i < g.ns; i++) dims[i + 2] = g.out[i];
    st = op_set_output(c, 0, x->dtype, x->rank, dims);
    if (!st) st = op_set_output(c, 1, IR_I64, x->rank, dims);
    return st;
}

/* Taps of a window starting at position `start` (stride d, k taps) that lie
 * in [lo, hi). */
static int64_t taps_within(int64_t start, int64_t k, int64_t d, int64_t lo, int64_t hi)
{
    int64_t n = 0;
    for (int64_t t = 0; t < k; t++) {
        int64_t pos = start + t * d;
        if (pos >= lo && pos < hi) n++;
    }
    return n;
}

struct pool_job {
    enum pool_kind kind;
    const struct nn_pool_params *p;
    struct pool3 f;
    const double *x;
    double *y;
    int64_t *indices; /* MaxPool's second output, or NULL */
};

/* Planes [p0, p1). For each output position the window's taps in the input
 * are visited in row-major order; taps in the padding are skipped (for max
 * and Lp they contribute nothing, for the average they count in the divisor
 * only with count_include_pad, and only where they lie in the declared pads,
 * not past them in ceil mode). */
static void pool_planes(void *arg, int64_t p0, int64_t p1)
{
    const struct pool_job *j = arg;
    const struct pool3 *f = &j->f;
    int64_t in_size = f->in[0] * f->in[1] * f->in[2];
    int64_t out_size = f->out[0] * f->out[1] * f->out[2];
    double pw = j->p ? (double)j->p->p : 2;
    for (int64_t plane = p0; plane < p1; plane++) {
        const double *x = j->x + plane * in_size;
        double *y = j->y + plane * out_size;
        int64_t *idx = j->indices ? j->indices + plane * out_size : NULL;
        int64_t o = 0;
        for (int64_t od = 0; od < f->out[0]; od++)
            for (int64_t oh = 0; oh < f->out[1]; oh++)
                for (int64_t ow = 0; ow < f->out[2]; ow++, o++) {
                    int64_t start[3] = {od * f->s[0] - f->pb[0], oh * f->s[1] - f->pb[1],
                                        ow * f->s[2] - f->pb[2]};
                    double acc = j->kind == POOL_MAX ? -INFINITY : 0;
                    int64_t best = -1, count = 0;
                    for (int64_t kd = 0; kd < f->k[0]; kd++) {
                        int64_t id = start[0] + kd * f->d[0];
                        if (id < 0 || id >= f->in[0]) continue;
                        for (int64_t kh = 0; kh < f->k[1]; kh++) {
                            int64_t ih = start[1] + kh * f->d[1];
                            if (ih < 0 || ih >= f->in[1]) continue;
                            for (int64_t kw = 0; kw < f->k[2]; kw++) {
                                int64_t iw = start[2] + kw * f->d[2];
                                if (iw < 0 || iw >= f->in[2]) continue;
                                int64_t at = (id * f->in[1] + ih) * f->in[2] + iw;
                                double v = x[at];
                                count++;
                                if (j->kind == POOL_MAX) {
                                    if (best < 0 || v > acc) {
                                        acc = v;
                                        best = at;
                                    }
                                } else if (j->kind == POOL_AVG) {
                                    acc += v;
                                } else {
                                    acc += pow(fabs(v), pw);
                                }
                            }
                        }
                    }
                    if (j->kind == POOL_AVG) {
                        if (j->p->count_include_pad) {
                            count = 1;
                            for (int a = 0; a < 3; a++)
                                count *= taps_within(start[a], f->k[a], f->d[a], -f->pb[a],
                                                     f->in[a] + f->pe[a]);
                        }
                        acc = count ? acc / (double)count : NAN;
                    } else if (j->kind == POOL_LP) {
                        acc = pow(acc, 1.0 / pw);
                    }
                    y[o] = acc;
                    if (idx) {
                        int64_t at = best;
                        if (best >= 0 && j->p->storage_order == 1) {
                            /* column major: the first spatial dim varies fastest */
                            int64_t iw = best % f->in[2], ih = best / f->in[2] % f->in[1];
                            int64_t id = best / (f->in[2] * f->in[1]);
                            at = (iw * f->in[1] + ih) * f->in[0] + id;
                        }
                        idx[o] = at < 0 ? -1 : plane * in_size + at;
                    }
                }
    }
}

/* ---- float32 fast path: 2-D MaxPool without Indices (CNN stems) ----
 * The same windows as pool_planes, in float, with each window's rows and
 * columns clipped to the input once instead of testing every tap. */

struct maxpool2d_job {
    const struct pool3 *f;
    const float *x;
    float *y;
};

/* Taps t of a window starting at `start` (stride d, k taps) whose position
 * start + t*d lies in [0, n): t in [*t0, *t1). */
static void tap_range(int64_t start, int64_t k, int64_t d, int64_t n, int64_t *t0, int64_t *t1)
{
    int64_t lo = start >= 0 ? 0 : (-start + d - 1) / d;
    int64_t hi = start >= n ? 0 : (n - start + d - 1) / d;
    *t0 = lo < k ? lo : k;
    *t1 = hi < k ? hi : k;
    if (*t1 < *t0) *t1 = *t0;
}

static void maxpool2d_planes(void *arg, int64_t p0, int64_t p1)
{
    const struct maxpool2d_job *j = arg;
    const struct pool3 *f = j->f;
    int64_t H = f->in[1], W = f->in[2], OH = f->out[1], OW = f->out[2];
    for (int64_t p = p0; p < p1; p++) {
        const float *x = j->x + p * H * W;
        float *y = j->y + p * OH * OW;
        for (int64_t oh = 0; oh < OH; oh++) {
            int64_t hs = oh * f->s[1] - f->pb[1], kh0, kh1;
            tap_range(hs, f->k[1], f->d[1], H, &kh0, &kh1);
            for (int64_t ow = 0; ow < OW; ow++) {
                int64_t ws = ow * f->s[2] - f->pb[2], kw0, kw1;
                tap_range(ws, f->k[2], f->d[2], W, &kw0, &kw1);
                float best = -INFINITY;
                for (int64_t kh = kh0; kh < kh1; kh++) {
                    const float *row = x + (hs + kh * f->d[1]) * W + ws;
                    for (int64_t kw = kw0; kw < kw1; kw++) {
                        float v = row[kw * f->d[2]];
                        best = v > best ? v : best;
                    }
                }
                y[oh * OW + ow] = best;
            }
        }
    }
}

fy_status nn_pool_eval(struct op_ctx *c)
{
    const struct nn_pool_params *p = c->params;
    struct nn_geom g;
    fy_status st = pool_geom(c, p, &g);
    if (st) return st;
    struct op_tensor *yt = c->out[0];
    struct pool_job j = {.kind = pool_kind_of(c->node->op), .p = p};
    fold3(&g, &j.f);
    int64_t planes = c->in[0]->dims[0] * c->in[0]->dims[1];
    int64_t work = g.out_size * g.k_size;
    int64_t min_planes = work ? ((int64_t)1 << 15) / work + 1 : planes;
    bool want_indices = c->n_outputs > 1 && c->out[1];
    if (j.kind == POOL_MAX && yt->dtype == IR_F32 && g.ns <= 2 && !want_indices) {
        struct maxpool2d_job mj = {&j.f, c->in[0]->data, yt->data};
        op_parallel_for(c, planes, min_planes, maxpool2d_planes, &mj);
        return FY_OK;
    }
    j.x = nn_load_f64(c, c->in[0]);
    j.y = nn_out_f64(c, yt);
    if (!j.x || !j.y) return FY_ENOMEM;
    j.indices = want_indices ? c->out[1]->data : NULL;
    op_parallel_for(c, planes, min_planes, pool_planes, &j);
    nn_store_f64(yt, j.y);
    return FY_OK;
}

/* ---- Global pools ---- */

fy_status nn_global_pool_infer(struct op_ctx *c)
{
    const struct op_tensor *x = c->in[0];
    fy_status st = op_expect_dtype(c, 0, float_types, 4);
    if (st) return st;
    char buf[96];
    if (x->rank < 2)
        return op_fail(c, FY_EINVALID, "X has shape %s; %s needs N x C x ... (rank >= 2)",
                       nn_shape_str(x, buf, sizeof buf), c->node->op_type);
    int64_t dims[OP_MAX_RANK];
    for (int d = 0; d < x->rank; d++) dims[d] = d < 2 ? x->dims[d] : 1;
    return op_set_output(c, 0, x->dtype, x->rank, dims);
}

fy_status nn_global_pool_eval(struct op_ctx *c)
{
    const struct op_tensor *xt = c->in[0];
    struct op_tensor *yt = c->out[0];
    enum pool_kind kind = pool_kind_of(c->node->op);
    const struct nn_pool_params *p = c->params;
    double pw = p ? (double)p->p : 2;
    int64_t planes = xt->dims[0] * xt->dims[1];
    int64_t size = planes ? (int64_t)xt->numel / planes : 0;
    if (xt->dtype == IR_F32 && kind == POOL_AVG) {
        /* the common case (end of every CNN): float sums in double */
        const float *x = xt->data;
        float *y = yt->data;
        for (int64_t i = 0; i < planes; i++) {
            double acc = 0;
            for (int64_t k = 0; k < size; k++) acc += x[i * size + k];
            y[i] = size ? (float)(acc / (double)size) : NAN;
        }
        return FY_OK;
    }
    const double *x = nn_load_f64(c, xt);
    double *y = nn_out_f64(c, yt);
    if (!x || !y) return FY_ENOMEM;
    for (int64_t i = 0; i < planes; i++) {
        const double *xp = x + i * size;
        double acc = kind == POOL_MAX ? -INFINITY : 0;
        for (int64_t k = 0; k < size; k++) {
            if (kind == POOL_MAX) {
                if (xp[k] > acc || k == 0) acc = xp[k];
            } else if (kind == POOL_AVG) {
                acc += xp[k];
            } else {
                acc += pow(fabs(xp[k]), pw);
            }
        }
        if (kind == POOL_AVG) acc = size ? acc / (double)size : NAN;
        if (kind == POOL_LP) acc = pow(acc, 1.0 / pw);
        y[i] = acc;
    }
    nn_store_f64(yt, y);
    return FY_OK;
}

/* ---- MaxRoiPool ----
 * Each RoI [batch, x1, y1, x2, y2] is scaled by spatial_scale and rounded to
 * whole pixels (ends inclusive; a malformed RoI becomes 1x1), then split
 * into pooled_h x pooled_w bins: bin i spans [floor(i*h/ph), ceil((i+1)*h/ph))
 * rows from the RoI's start, clipped to the image. An empty bin gives 0.
 * (Caffe's RoIPooling, which ONNX adopted.) */

fy_status nn_roipool_parse(const struct ir_node *n, int64_t opset, void *params,
                           struct fy_error *err)
{
    (void)opset;
    struct nn_roipool_params *p = params;
    int64_t shape[2];
    int count;
    fy_status st = op_attr_ints(n, "pooled_shape", shape, 2, &count, err);
    if (!st) st = op_attr_float(n, "spatial_scale", 1.0f, &p->spatial_scale, err);
    if (st) return st;
    if (count != 2 || shape[0] < 1 || shape[1] < 1 || shape[0] > (1 << 20) ||
        shape[1] > (1 << 20))
        return op_fail_node(n, err, FY_EINVALID,
                            "pooled_shape must be two positive ints (height, width)");
    if (!(p->spatial_scale > 0) || !isfinite(p->spatial_scale))
        return op_fail_node(n, err, FY_EINVALID, "spatial_scale is %g; it must be positive",
                            (double)p->spatial_scale);
    p->pooled_h = shape[0];
    p->pooled_w = shape[1];
    return FY_OK;
}

fy_status nn_roipool_infer(struct op_ctx *c)
{
    const struct nn_roipool_params *p = c->params;
    const struct op_tensor *x = c->in[0], *r = c->in[1];
    fy_status st = op_expect_dtype(c, 0, float_types, 4);
    if (!st) st = op_expect_same_dtype(c, 0, 1);
    if (st) return st;
    char buf[96];
    if (x->rank != 4)
        return op_fail(c, FY_EINVALID, "X has shape %s; MaxRoiPool needs N x C x H x W",
                       nn_shape_str(x, buf, sizeof buf));
    if (r->rank != 2 || r->dims[1] != 5)
        return op_fail(c, FY_EINVALID, "rois has shape %s; expected [num_rois, 5]",
                       nn_shape_str(r, buf, sizeof buf));
    int64_t dims[4] = {r->dims[0], x->dims[1], p->pooled_h, p->pooled_w};
    return op_set_output(c, 0, x->dtype, 4, dims);
}

static int64_t clamp64(int64_t v, int64_t lo, int64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* round() to int64, saturating (RoI values come from data) */
static int64_t round_sat(double v)
{
    if (!(v > -1e15)) return -(int64_t)1e15;
    if (v > 1e15) return (int64_t)1e15;
    return (int64_t)round(v);
}

fy_status nn_roipool_eval(struct op_ctx *c)
{
    const struct nn_roipool_params *p = c->params;
    const struct op_tensor *xt = c->in[0], *rt = c->in[1];
    struct op_tensor *yt = c->out[0];
    const double *x = nn_load_f64(c, xt), *rois = nn_load_f64(c, rt);
    double *y = nn_out_f64(c, yt);
    if (!x || !rois || !y) return FY_ENOMEM;
    int64_t N = xt->dims[0], C = xt->dims[1], H = xt->dims[2], W = xt->dims[3];
    int64_t PH = p->pooled_h, PW = p->pooled_w;
    double scale = p->spatial_scale;
    for (int64_t r = 0; r < rt->dims[0]; r++) {
        const double *roi = rois + r * 5;
        if (!(roi[0] >= 0 && roi[0] < (double)N))
            return op_fail(c, FY_EINVALID, "RoI %lld has batch index %g; X has %lld images",
                           (long long)r, roi[0], (long long)N);
        int64_t n = (int64_t)roi[0];
        int64_t x1 = round_sat(roi[1] * scale), y1 = round_sat(roi[2] * scale);
        int64_t x2 = round_sat(roi[3] * scale), y2 = round_sat(roi[4] * scale);
        int64_t rh = y2 - y1 + 1 > 1 ? y2 - y1 + 1 : 1;
        int64_t rw = x2 - x1 + 1 > 1 ? x2 - x1 + 1 : 1;
        double bin_h = (double)rh / (double)PH, bin_w = (double)rw / (double)PW;
        for (int64_t ch = 0; ch < C; ch++) {
            const double *xp = x + (n * C + ch) * H * W;
            double *yp = y + (r * C + ch) * PH * PW;
            for (int64_t ph = 0; ph < PH; ph++) {
                int64_t hs = clamp64((int64_t)floor((double)ph * bin_h) + y1, 0, H);
                int64_t he = clamp64((int64_t)ceil((double)(ph + 1) * bin_h) + y1, 0, H);
                for (int64_t pw = 0; pw < PW; pw++) {
                    int64_t ws = clamp64((int64_t)floor((double)pw * bin_w) + x1, 0, W);
                    int64_t we = clamp64((int64_t)ceil((double)(pw + 1) * bin_w) + x1, 0, W);
                    double best = -INFINITY;
                    for (int64_t h = hs; h < he; h++)
                        for (int64_t w = ws; w < we; w++)
                            if (xp[h * W + w] > best) best = xp[h * W + w];
                    yp[ph * PW + pw] = (he <= hs || we <= ws) ? 0 : best;
                }
            }
        }
    }
    nn_store_f64(yt, y);
    return FY_OK;
}

/* ---- MaxUnpool ----
 * The output is zero except where the indices put X's values. Indices are
 * flat positions in the tensor MaxPool read, whose spatial size follows from
 * the window: (in - 1) * stride - pads + kernel. With an output_shape input
 * (which may be larger), each value keeps the coordinates its index has in
 * that inferred shape (ONNX's reference behaviour). */

fy_status nn_unpool_parse(const struct ir_node *n, int64_t opset, void *params,
                          struct fy_error *err)
{
    (void)opset;
    struct nn_pool_params *p = params;
    return nn_window_parse(n, &p->w, true, false, err);
}

static fy_status unpool_inferred(struct op_ctx *c, const struct nn_pool_params *p,
                                 int64_t *dims)
{
    const struct op_tensor *x = c->in[0];
    char buf[96];
    if (x->rank < 3)
        return op_fail(c, FY_EINVALID, "X has shape %s; MaxUnpool needs N x C x D1 x ...",
                       nn_shape_str(x, buf, sizeof buf));
    int ns = x->rank - 2;
    const struct nn_window *w = &p->w;
    if (w->n_kernel != ns || (w->n_strides >= 0 && w->n_strides != ns) ||
        (w->n_pads >= 0 && w->n_pads != 2 * ns))
        return op_fail(c, FY_EINVALID,
                       "kernel_shape, strides or pads do not match the input's %d spatial dims",
                       ns);
    dims[0] = x->dims[0];
    dims[1] = x->dims[1];
    for (int i = 0; i < ns; i++) {
        int64_t s = w->n_strides > 0 ? w->strides[i] : 1;
        int64_t pads = w->n_pads > 0 ? w->pads[i] + w->pads[i + ns] : 0;
        dims[i + 2] = (x->dims[i + 2] - 1) * s - pads + w->kernel[i];
        if (dims[i + 2] < 0)
            return op_fail(c, FY_EINVALID, "pads exceed the unpooled size along dim %d", i);
    }
    return FY_OK;
}

fy_status nn_unpool_infer(struct op_ctx *c)
{
    const struct nn_pool_params *p = c->params;
    const struct op_tensor *x = c->in[0], *ix = c->in[1], *os = nn_in(c, 2);
    static const enum ir_dtype i64[] = {IR_I64};
    fy_status st = op_expect_dtype(c, 0, float_types, 4);
    if (!st) st = op_expect_dtype(c, 1, i64, 1);
    if (st) return st;
    char b1[96], b2[96];
    if (ix->rank != x->rank || memcmp(ix->dims, x->dims, sizeof(int64_t) * (size_t)x->rank))
        return op_fail(c, FY_EINVALID, "I has shape %s; it must match X's %s",
                       nn_shape_str(ix, b1, sizeof b1), nn_shape_str(x, b2, sizeof b2));
    int64_t dims[OP_MAX_RANK];
    st = unpool_inferred(c, p, dims);
    if (st) return st;
    if (os) {
        int64_t want[OP_MAX_RANK];
        int count;
        st = op_read_ints(c, 2, want, OP_MAX_RANK, &count);
        if (st) return st;
        if (count != x->rank)
            return op_fail(c, FY_EINVALID, "output_shape has %d values; X has rank %d", count,
                           x->rank);
        for (int d = 0; d < count; d++)
            if (want[d] < dims[d] || (d < 2 && want[d] != dims[d]))
                return op_fail(c, FY_EINVALID,
                               "output_shape[%d] is %lld; the unpooled size there is %lld", d,
                               (long long)want[d], (long long)dims[d]);
        memcpy(dims, want, sizeof(int64_t) * (size_t)count);
    }
    return op_set_output(c, 0, x->dtype, x->rank, dims);
}

fy_status nn_unpool_eval(struct op_ctx *c)
{
    const struct nn_pool_params *p = c->params;
    const struct op_tensor *xt = c->in[0], *it = c->in[1];
    struct op_tensor *yt = c->out[0];
    int64_t inferred[OP_MAX_RANK];
    fy_status st = unpool_inferred(c, p, inferred);
    if (st) return st;
    int rank = xt->rank;
    uint64_t total = 1;
    for (int d = 0; d < rank; d++) total *= (uint64_t)inferred[d];
    const double *x = nn_load_f64(c, xt);
    double *y = nn_out_f64(c, yt);
    if (!x || !y) return FY_ENOMEM;
    memset(y, 0, (size_t)yt->numel * sizeof(double));
    const int64_t *idx = it->data;
    for (uint64_t e = 0; e < xt->numel; e++) {
        int64_t at = idx[e];
        if (at < 0 || (uint64_t)at >= total)
            return op_fail(c, FY_EINVALID, "index %lld at position %llu is outside [0, %llu)",
                           (long long)at, (unsigned long long)e, (unsigned long long)total);
        /* coordinates in the inferred shape, re-linearized in the output's */
        int64_t coord[OP_MAX_RANK], rest = at;
        for (int d = rank - 1; d >= 0; d--) {
            coord[d] = rest % inferred[d];
            rest /= inferred[d];
        }
        int64_t o = 0;
        for (int d = 0; d < rank; d++) o = o * yt->dims[d] + coord[d];
        y[o] = x[e];
    }
    nn_store_f64(yt, y);
    return FY_OK;
}
