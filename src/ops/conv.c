/* Conv, ConvTranspose and ConvInteger, 1-D to N-D, with groups, strides,
 * dilations, explicit pads and auto_pad.
 *
 * Reference kernels (double, one output element at a time, every index
 * spelled out) run float64 and the integer op. float32 (and float16/bfloat16,
 * computed in float32) take the fast paths:
 *   Conv           1x1 stride-1 unpadded: SGEMM on X directly;
 *                  2-D depthwise (one input channel per group): direct loops
 *                  over a zero-bordered copy of each plane (portable vector
 *                  code; AVX-512, with a 3x3 special case, when the CPU has it);
 *                  otherwise SGEMM per image and group whose B panels are
 *                  packed straight from the image (implicit im2col: the
 *                  column matrix never exists whole). The bias rides in SGEMM.
 *   ConvTranspose  SGEMM (W^T X) into columns, then col2im.
 * tests/unit/test_ops_nn.c checks every fast path, in every variant the CPU
 * runs, against the reference. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "ops/gemm_kernel.h"
#include "ops/nn.h"

static const enum ir_dtype float_types[] = {IR_F32, IR_F16, IR_BF16, IR_F64};

/* Row-major multi-index of flat index i over dims[0..n). */
static void unravel(int64_t i, int n, const int64_t *dims, int64_t *coord)
{
    for (int d = n - 1; d >= 0; d--) {
        coord[d] = dims[d] ? i % dims[d] : 0;
        i = dims[d] ? i / dims[d] : 0;
    }
}

/* Input position that output position oc reads through kernel tap kc, as a
 * flat spatial offset; false when it falls in the padding. */
static bool conv_tap(const struct nn_geom *g, const int64_t *oc, const int64_t *kc, int64_t *off)
{
    int64_t o = 0;
    for (int d = 0; d < g->ns; d++) {
        int64_t pos = oc[d] * g->s[d] - g->pb[d] + kc[d] * g->d[d];
        if (pos < 0 || pos >= g->in[d]) return false;
        o = o * g->in[d] + pos;
    }
    *off = o;
    return true;
}

static int64_t ceil_div(int64_t a, int64_t b) /* b > 0 */
{
    return a >= 0 ? (a + b - 1) / b : -((-a) / b);
}

/* ---- shapes ---- */

struct conv_shape {
    int64_t batch, c_in, m_out, group;
    int64_t cg, mg; /* input / output channels per group */
    struct nn_geom g;
};

fy_status nn_conv_parse(const struct ir_node *n, int64_t opset, void *params,
                        struct fy_error *err)
{
    (void)opset;
    struct nn_conv_params *p = params;
    fy_status st = nn_window_parse(n, &p->w, false, false, err);
    if (!st) st = op_attr_int(n, "group", 1, &p->group, err);
    if (st) return st;
    if (p->group < 1)
        return op_fail_node(n, err, FY_EINVALID, "group is %lld; it must be positive",
                            (long long)p->group);
    return FY_OK;
}

/* X [N, C, D...], W [M, C/group, k...] (Conv) or [C, M/group, k...]
 * (ConvTranspose, transposed = true). Fills everything but the geometry's
 * output side for ConvTranspose. */
static fy_status conv_channels(struct op_ctx *c, const struct nn_window *w, int64_t group,
                               bool transposed, struct conv_shape *s, int64_t *kernel)
{
    const struct op_tensor *x = c->in[0], *wt = c->in[1];
    char b1[96], b2[96];
    if (x->rank < 3)
        return op_fail(c, FY_EINVALID, "X has shape %s; %s needs N x C x D1 x ... (rank >= 3)",
                       nn_shape_str(x, b1, sizeof b1), c->node->op_type);
    if (wt->rank != x->rank)
        return op_fail(c, FY_EINVALID, "W has shape %s; X has shape %s (ranks must match)",
                       nn_shape_str(wt, b1, sizeof b1), nn_shape_str(x, b2, sizeof b2));
    int ns = x->rank - 2;
    s->batch = x->dims[0];
    s->c_in = x->dims[1];
    s->group = group;
    if (s->c_in % group)
        return op_fail(c, FY_EINVALID, "X has %lld channels, not divisible into %lld groups",
                       (long long)s->c_in, (long long)group);
    s->cg = s->c_in / group;
    if (!transposed) {
        s->m_out = wt->dims[0];
        s->mg = group ? s->m_out / group : 0;
        if (s->m_out % group)
            return op_fail(c, FY_EINVALID, "W has %lld filters, not divisible into %lld groups",
                           (long long)s->m_out, (long long)group);
        if (wt->dims[1] != s->cg)
            return op_fail(c, FY_EINVALID,
                           "W has shape %s: %lld input channels per filter, but X has %lld "
                           "channels in %lld group(s)",
                           nn_shape_str(wt, b1, sizeof b1), (long long)wt->dims[1],
                           (long long)s->c_in, (long long)group);
    } else {
        if (wt->dims[0] != s->c_in)
            return op_fail(c, FY_EINVALID, "W has shape %s; its first dim must be X's %lld channels",
                           nn_shape_str(wt, b1, sizeof b1), (long long)s->c_in);
        s->mg = wt->dims[1];
        s->m_out = s->mg * group;
    }
    if (w->n_kernel >= 0 && w->n_kernel != ns)
        return op_fail(c, FY_EINVALID, "kernel_shape has %d values; the input has %d spatial dims",
                       w->n_kernel, ns);
    for (int i = 0; i < ns; i++) {
        kernel[i] = wt->dims[i + 2];
        if (w->n_kernel >= 0 && w->kernel[i] != kernel[i])
            return op_fail(c, FY_EINVALID, "kernel_shape[%d] is %lld but W has %lld there", i,
                           (long long)w->kernel[i], (long long)kernel[i]);
        if (kernel[i] < 1)
            return op_fail(c, FY_EINVALID, "W has shape %s; kernel dims must be positive",
                           nn_shape_str(wt, b1, sizeof b1));
    }
    return FY_OK;
}

static fy_status conv_shape(struct op_ctx *c, const struct nn_conv_params *p, struct conv_shape *s)
{
    int64_t kernel[NN_MAX_SPATIAL];
    fy_status st = conv_channels(c, &p->w, p->group, false, s, kernel);
    if (st) return st;
    return nn_window_geom(c, &p->w, c->in[0]->rank - 2, c->in[0]->dims + 2, kernel, &s->g);
}

static fy_status check_bias(struct op_ctx *c, int i, int64_t m)
{
    const struct op_tensor *b = nn_in(c, i);
    char buf[96];
    if (b && (b->rank != 1 || b->dims[0] != m))
        return op_fail(c, FY_EINVALID, "B has shape %s; expected [%lld]",
                       nn_shape_str(b, buf, sizeof buf), (long long)m);
    return FY_OK;
}

static fy_status set_conv_output(struct op_ctx *c, enum ir_dtype dt, const struct conv_shape *s)
{
    int64_t dims[OP_MAX_RANK];
    dims[0] = s->batch;
    dims[1] = s->m_out;
    for (int i = 0; i < s->g.ns; i++) dims[i + 2] = s->g.out[i];
    return op_set_output(c, 0, dt, s->g.ns + 2, dims);
}

/* ---- Conv: reference ---- */

/* y[n, m, o] = b[m] + sum over the group's input channels ci and taps k of
 * x[n, ci, o*s - pb + k*d] * w[m, ci, k]  (taps in the padding add nothing) */
static void conv_reference(const struct conv_shape *s, const double *x, const double *w,
                           const double *b, double *y)
{
    const struct nn_geom *g = &s->g;
    int64_t oc[NN_MAX_SPATIAL], kc[NN_MAX_SPATIAL], off;
    for (int64_t n = 0; n < s->batch; n++)
        for (int64_t m = 0; m < s->m_out; m++) {
            int64_t grp = m / s->mg;
            const double *wm = w + m * s->cg * g->k_size;
            double *ym = y + (n * s->m_out + m) * g->out_size;
            for (int64_t o = 0; o < g->out_size; o++) {
                unravel(o, g->ns, g->out, oc);
                double acc = b ? b[m] : 0;
                for (int64_t ci = 0; ci < s->cg; ci++) {
                    const double *xc = x + (n * s->c_in + grp * s->cg + ci) * g->in_size;
                    for (int64_t k = 0; k < g->k_size; k++) {
                        unravel(k, g->ns, g->k, kc);
                        if (conv_tap(g, oc, kc, &off)) acc += xc[off] * wm[ci * g->k_size + k];
                    }
                }
                ym[o] = acc;
            }
        }
}

/* ---- Conv: float32 fast paths ---- */

typedef float v4f __attribute__((vector_size(16)));
typedef int v4i __attribute__((vector_size(16)));

static v4f load4(const float *p)
{
    v4f v;
    memcpy(&v, p, sizeof v); /* unaligned load */
    return v;
}

/* x[0], x[2], x[4], x[6] */
static v4f load4_even(const float *p)
{
    v4f a = load4(p), b = load4(p + 4);
#if defined(__clang__)
    return __builtin_shufflevector(a, b, 0, 2, 4, 6);
#else
    return __builtin_shuffle(a, b, (v4i){0, 2, 4, 6});
#endif
}

/* d[i] = src[2 * i] for i < n (strided rows of im2col: stride-2 convolutions) */
static void copy_stride2(float *d, const float *src, int64_t n)
{
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) {
        v4f v = load4_even(src + 2 * i);
        memcpy(d + i, &v, sizeof v);
    }
    for (; i < n; i++) d[i] = src[2 * i];
}

struct im2col_job {
    const struct nn_geom *g;
    const float *x; /* one image's channels of one group */
};

/* Fills row `row` of the (virtual) column matrix for columns [n0, n0+nc)
 * into out: row (ci, tap) holds, for every output position, the input value
 * that tap reads (0 in the padding). Positions run along the last spatial
 * dim in segments, whose in-range part is a strided copy. */
static void im2col_row(const struct im2col_job *j, int64_t row, int64_t n0, int64_t nc,
                       float *out)
{
    const struct nn_geom *g = j->g;
    int last = g->ns - 1;
    int64_t kc[NN_MAX_SPATIAL], oc[NN_MAX_SPATIAL];
    int64_t out_l = g->out[last], in_l = g->in[last], s_l = g->s[last];
    const float *xc = j->x + row / g->k_size * g->in_size;
    unravel(row % g->k_size, g->ns, g->k, kc);
    /* along the last dim, output position ow reads input ow*s + off */
    int64_t off = kc[last] * g->d[last] - g->pb[last];
    int64_t lo = off >= 0 ? 0 : ceil_div(-off, s_l);
    int64_t hi = ceil_div(in_l - off, s_l);
    int64_t ow0 = n0 % out_l;
    unravel(n0 / out_l, last, g->out, oc); /* then stepped like an odometer */
    for (int64_t col = 0; col < nc; ow0 = 0) {
        int64_t seg = out_l - ow0 < nc - col ? out_l - ow0 : nc - col;
        float *d = out + col - ow0; /* d[ow] for ow in [ow0, ow0 + seg) */
        col += seg;
        int64_t base = 0;
        bool inside = true;
        for (int i = 0; i < last && inside; i++) {
            int64_t pos = oc[i] * g->s[i] - g->pb[i] + kc[i] * g->d[i];
            inside = pos >= 0 && pos < g->in[i];
            base = base * g->in[i] + pos;
        }
        int64_t end = ow0 + seg;
        int64_t a = inside ? (lo < ow0 ? ow0 : lo > end ? end : lo) : end;
        int64_t b = inside ? (hi < a ? a : hi > end ? end : hi) : end;
        for (int64_t ow = ow0; ow < a; ow++) d[ow] = 0;
        if (b > a) {
            const float *xr = xc + base * in_l;
            if (s_l == 1)
                memcpy(d + a, xr + a + off, (size_t)(b - a) * sizeof(float));
            else if (s_l == 2 && (b - 1) * 2 + off + 1 < in_l)
                copy_stride2(d + a, xr + a * 2 + off, b - a); /* reads one past the last */
            else
                for (int64_t ow = a; ow < b; ow++) d[ow] = xr[ow * s_l + off];
        }
        for (int64_t ow = b; ow < end; ow++) d[ow] = 0;
        for (int i = last - 1; i >= 0; i--) {
            if (++oc[i] < g->out[i]) break;
            oc[i] = 0;
        }
    }
}

/* SGEMM's B packer for convolution: builds each panel of the column matrix
 * straight from the image, a row at a time through a small buffer, so the
 * full column matrix (K x output positions) never exists. (Writing the
 * strips directly, run by run, measured slower: most runs are a few floats.) */
static void im2col_pack(const void *user, int64_t k0, int64_t kc, int64_t n0, int64_t nc, int nr,
                        float *dst)
{
    const struct im2col_job *j = user;
    float rowbuf[2048 + 64];
    int64_t strips = (nc + nr - 1) / nr;
    for (int64_t c0 = 0; c0 < nc; c0 += 2048) {
        int64_t cn = nc - c0 < 2048 ? nc - c0 : 2048; /* a multiple of nr unless last */
        for (int64_t r = 0; r < kc; r++) {
            im2col_row(j, k0 + r, n0 + c0, cn, rowbuf);
            for (int64_t st = c0 / nr; st < strips && st * nr < c0 + cn; st++) {
                int64_t first = st * nr - c0, cols = cn - first < nr ? cn - first : nr;
                float *d = dst + st * kc * nr + r * nr;
                if (cols == 32 && nr == 32) {
                    memcpy(d, rowbuf + first, 32 * sizeof(float)); /* inlined: constant size */
                } else if (cols == 16 && nr == 16) {
                    memcpy(d, rowbuf + first, 16 * sizeof(float));
                } else {
                    memcpy(d, rowbuf + first, (size_t)cols * sizeof(float));
                    for (int64_t t = cols; t < nr; t++) d[t] = 0;
                }
            }
        }
    }
}

struct depthwise_job {
    const struct conv_shape *s;
    const float *x, *w, *b;
    float *y;
    int64_t hp, wp; /* padded plane */
    atomic_bool nomem;
};

/* One output row of a depthwise 2-D convolution:
 *   y[ow] = bias + sum over taps (kh, kw) of w[kh, kw] * rows[kh][ow*sw + kw*dw]
 * (rows: the padded input rows the taps read). Groups of outputs keep their
 * sums in registers through all taps: 8, then 4 at a time (strides 1 and 2),
 * the rest one at a time. */
typedef void (*depthwise_row_fn)(int64_t OW, int64_t KH, int64_t KW, int64_t sw, int64_t dw,
                                 const float *const *rows, const float *w, float bias, float *y);

/* The padded input plane and the output plane of one depthwise channel. */
struct depthwise_geom {
    int64_t oh, ow, kh, kw, sh, sw, dh, dw;
    int64_t wp; /* padded row length */
};

static void depthwise_row(int64_t OW, int64_t KH, int64_t KW, int64_t sw, int64_t dw,
                          const float *const *rows, const float *w, float bias, float *y)
{
    int64_t ow = 0;
    if (sw <= 2) {
        for (; ow + 8 <= OW; ow += 8) {
            v4f acc0 = (v4f){0} + bias, acc1 = acc0;
            for (int64_t kh = 0; kh < KH; kh++)
                for (int64_t kw = 0; kw < KW; kw++) {
                    v4f wv = (v4f){0} + w[kh * KW + kw];
                    const float *xs = rows[kh] + ow * sw + kw * dw;
                    acc0 += wv * (sw == 1 ? load4(xs) : load4_even(xs));
                    acc1 += wv * (sw == 1 ? load4(xs + 4) : load4_even(xs + 8));
                }
            memcpy(y + ow, &acc0, sizeof acc0);
            memcpy(y + ow + 4, &acc1, sizeof acc1);
        }
        for (; ow + 4 <= OW; ow += 4) {
            v4f acc = (v4f){0} + bias;
            for (int64_t kh = 0; kh < KH; kh++)
                for (int64_t kw = 0; kw < KW; kw++) {
                    const float *xs = rows[kh] + ow * sw + kw * dw;
                    acc += ((v4f){0} + w[kh * KW + kw]) * (sw == 1 ? load4(xs) : load4_even(xs));
                }
            memcpy(y + ow, &acc, sizeof acc);
        }
    }
    for (; ow < OW; ow++) {
        float acc = bias;
        for (int64_t kh = 0; kh < KH; kh++)
            for (int64_t kw = 0; kw < KW; kw++)
                acc += w[kh * KW + kw] * rows[kh][ow * sw + kw * dw];
        y[ow] = acc;
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

/* The same with AVX-512: 16 outputs per step, the last group masked, so no
 * output is done one at a time; stride 2 picks the even lanes of two loads. */
__attribute__((target("avx512f"))) static void
depthwise_row_avx512(int64_t OW, int64_t KH, int64_t KW, int64_t sw, int64_t dw,
                     const float *const *rows, const float *w, float bias, float *y)
{
    if (sw > 2) {
        depthwise_row(OW, KH, KW, sw, dw, rows, w, bias, y);
        return;
    }
    const __m512i even = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
    for (int64_t ow = 0; ow < OW; ow += 16) {
        int n = OW - ow < 16 ? (int)(OW - ow) : 16;
        __mmask16 m = (__mmask16)((1u << n) - 1);
        /* stride 2 reads inputs 0 .. 2n-2 of the group: 2n-1 floats over two loads */
        int span = 2 * n - 1;
        __mmask16 mlo = (__mmask16)(span >= 16 ? 0xffffu : (1u << span) - 1);
        __mmask16 mhi = (__mmask16)(span > 16 ? (1u << (span - 16)) - 1 : 0);
        __m512 acc = _mm512_set1_ps(bias);
        for (int64_t kh = 0; kh < KH; kh++)
            for (int64_t kw = 0; kw < KW; kw++) {
                const float *xs = rows[kh] + ow * sw + kw * dw;
                __m512 xv;
                if (sw == 1) {
                    xv = _mm512_maskz_loadu_ps(m, xs);
                } else {
                    __m512 lo = _mm512_maskz_loadu_ps(mlo, xs);
                    __m512 hi = _mm512_maskz_loadu_ps(mhi, xs + 16);
                    xv = _mm512_permutex2var_ps(lo, even, hi);
                }
                acc = _mm512_fmadd_ps(_mm512_set1_ps(w[kh * KW + kw]), xv, acc);
            }
        _mm512_mask_storeu_ps(y + ow, m, acc);
    }
}

/* acc + wv * (p[0], p[2], ..., p[30]): one stride-2 tap for 16 outputs */
__attribute__((target("avx512f"))) static inline __m512
tap_stride2(__m512 acc, __m512 wv, const float *p, __mmask16 mlo, __mmask16 mhi, __m512i even)
{
    __m512 lo = _mm512_maskz_loadu_ps(mlo, p), hi = _mm512_maskz_loadu_ps(mhi, p + 16);
    return _mm512_fmadd_ps(wv, _mm512_permutex2var_ps(lo, even, hi), acc);
}

/* A whole output plane with 3x3 taps, the usual depthwise kernel: its nine
 * weights stay in registers for the plane instead of being broadcast again
 * for every group of outputs. */
__attribute__((target("avx512f"))) static void
depthwise_plane3x3_avx512(const struct depthwise_geom *q, const float *pad, const float *w,
                          float bias, float *y)
{
    const __m512i even = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
    __m512 w0 = _mm512_set1_ps(w[0]), w1 = _mm512_set1_ps(w[1]), w2 = _mm512_set1_ps(w[2]);
    __m512 w3 = _mm512_set1_ps(w[3]), w4 = _mm512_set1_ps(w[4]), w5 = _mm512_set1_ps(w[5]);
    __m512 w6 = _mm512_set1_ps(w[6]), w7 = _mm512_set1_ps(w[7]), w8 = _mm512_set1_ps(w[8]);
    __m512 vb = _mm512_set1_ps(bias);
    int64_t dw = q->dw, OW = q->ow;
    for (int64_t oh = 0; oh < q->oh; oh++) {
        const float *r0 = pad + (oh * q->sh) * q->wp, *r1 = r0 + q->dh * q->wp, *r2 = r1 + q->dh * q->wp;
        float *yr = y + oh * OW;
        for (int64_t ow = 0; ow < OW; ow += 16) {
            int n = OW - ow < 16 ? (int)(OW - ow) : 16;
            __mmask16 m = (__mmask16)((1u << n) - 1);
            __m512 acc = vb;
            if (q->sw == 1) {
                const float *p0 = r0 + ow, *p1 = r1 + ow, *p2 = r2 + ow;
                acc = _mm512_fmadd_ps(w0, _mm512_maskz_loadu_ps(m, p0), acc);
                acc = _mm512_fmadd_ps(w1, _mm512_maskz_loadu_ps(m, p0 + dw), acc);
                acc = _mm512_fmadd_ps(w2, _mm512_maskz_loadu_ps(m, p0 + 2 * dw), acc);
                acc = _mm512_fmadd_ps(w3, _mm512_maskz_loadu_ps(m, p1), acc);
                acc = _mm512_fmadd_ps(w4, _mm512_maskz_loadu_ps(m, p1 + dw), acc);
                acc = _mm512_fmadd_ps(w5, _mm512_maskz_loadu_ps(m, p1 + 2 * dw), acc);
                acc = _mm512_fmadd_ps(w6, _mm512_maskz_loadu_ps(m, p2), acc);
                acc = _mm512_fmadd_ps(w7, _mm512_maskz_loadu_ps(m, p2 + dw), acc);
                acc = _mm512_fmadd_ps(w8, _mm512_maskz_loadu_ps(m, p2 + 2 * dw), acc);
            } else {
                /* stride 2: the even lanes of 2n-1 inputs from each tap's start */
                int span = 2 * n - 1;
                __mmask16 mlo = (__mmask16)(span >= 16 ? 0xffffu : (1u << span) - 1);
                __mmask16 mhi = (__mmask16)(span > 16 ? (1u << (span - 16)) - 1 : 0);
                const float *p0 = r0 + 2 * ow, *p1 = r1 + 2 * ow, *p2 = r2 + 2 * ow;
                acc = tap_stride2(acc, w0, p0, mlo, mhi, even);
                acc = tap_stride2(acc, w1, p0 + dw, mlo, mhi, even);
                acc = tap_stride2(acc, w2, p0 + 2 * dw, mlo, mhi, even);
                acc = tap_stride2(acc, w3, p1, mlo, mhi, even);
                acc = tap_stride2(acc, w4, p1 + dw, mlo, mhi, even);
                acc = tap_stride2(acc, w5, p1 + 2 * dw, mlo, mhi, even);
                acc = tap_stride2(acc, w6, p2, mlo, mhi, even);
                acc = tap_stride2(acc, w7, p2 + dw, mlo, mhi, even);
                acc = tap_stride2(acc, w8, p2 + 2 * dw, mlo, mhi, even);
            }
            _mm512_mask_storeu_ps(yr + ow, m, acc);
        }
    }
}

#endif

/* One output plane, row by row with `row` (rows: KH pointers of scratch). */
static void depthwise_plane(const struct depthwise_geom *q, depthwise_row_fn row,
                            const float **rows, const float *pad, const float *w, float bias,
                            float *y)
{
    for (int64_t oh = 0; oh < q->oh; oh++) {
        for (int64_t kh = 0; kh < q->kh; kh++) rows[kh] = pad + (oh * q->sh + kh * q->dh) * q->wp;
        row(q->ow, q->kh, q->kw, q->sw, q->dw, rows, w, bias, y + oh * q->ow);
    }
}

static depthwise_row_fn depthwise_row_best(void)
{
#if defined(__x86_64__)
    if (sgemm_best_isa() == SGEMM_AVX512) return depthwise_row_avx512;
#endif
    return depthwise_row;
}

/* Output planes [p0, p1) (plane = image * M + channel) of a 2-D convolution
 * whose groups have one input channel each. The input plane is copied once
 * into a zero-bordered buffer so the taps need no bounds checks. */
static void depthwise_planes(void *arg, int64_t p0, int64_t p1)
{
    struct depthwise_job *j = arg;
    const struct conv_shape *s = j->s;
    const struct nn_geom *g = &s->g;
    int64_t H = g->in[0], W = g->in[1], OH = g->out[0], OW = g->out[1];
    int64_t KH = g->k[0], KW = g->k[1], sh = g->s[0], sw = g->s[1], dh = g->d[0], dw = g->d[1];
    /* slack after the plane: the stride-2 loads read 8 floats for 4 */
    size_t floats = ((size_t)(j->hp * j->wp) + 16 + 15) & ~(size_t)15; /* rows[] after it stays aligned */
    float *pad = malloc(floats * sizeof(float) + (size_t)KH * sizeof(float *));
    if (!pad) {
        atomic_store(&j->nomem, true);
        return;
    }
    const float **rows = (const float **)(void *)(pad + floats);
    depthwise_row_fn row_fn = depthwise_row_best();
    struct depthwise_geom q = {OH, OW, KH, KW, sh, sw, dh, dw, j->wp};
#if defined(__x86_64__)
    bool plane3x3 = row_fn == depthwise_row_avx512 && KH == 3 && KW == 3 && sw <= 2;
#endif
    memset(pad, 0, floats * sizeof(float));
    int64_t loaded = -1;
    for (int64_t p = p0; p < p1; p++) {
        int64_t n = p / s->m_out, m = p % s->m_out;
        int64_t plane = n * s->c_in + m / s->mg; /* the group's single input channel */
        if (plane != loaded) {
            const float *xp = j->x + plane * H * W;
            for (int64_t h = 0; h < H; h++)
                memcpy(pad + (h + g->pb[0]) * j->wp + g->pb[1], xp + h * W,
                       (size_t)W * sizeof(float));
            loaded = plane;
        }
        const float *wm = j->w + m * KH * KW;
        float bias = j->b ? j->b[m] : 0.0f;
        float *yp = j->y + p * OH * OW;
#if defined(__x86_64__)
        if (plane3x3) {
            depthwise_plane3x3_avx512(&q, pad, wm, bias, yp);
            continue;
        }
#endif
        depthwise_plane(&q, row_fn, rows, pad, wm, bias, yp);
    }
    free(pad);
}

static fy_status conv_depthwise_f32(struct op_ctx *c, const struct conv_shape *s, const float *x,
                                    const float *w, const float *b, float *y)
{
    const struct nn_geom *g = &s->g;
    struct depthwise_job j = {.s = s, .x = x, .w = w, .b = b, .y = y};
    j.hp = g->pb[0] + g->in[0] + g->pe[0];
    j.wp = g->pb[1] + g->in[1] + g->pe[1];
    atomic_init(&j.nomem, false);
    int64_t work = g->out_size * g->k_size;
    op_parallel_for(c, s->batch * s->m_out, work ? ((int64_t)1 << 16) / work + 1 : 1,
                    depthwise_planes, &j);
    if (atomic_load(&j.nomem)) return op_fail(c, FY_ENOMEM, "out of memory for a padded plane");
    return FY_OK;
}

static bool is_pointwise(const struct nn_geom *g)
{
    for (int i = 0; i < g->ns; i++)
        if (g->k[i] != 1 || g->s[i] != 1 || g->pb[i] != 0 || g->pe[i] != 0) return false;
    return true;
}

static fy_status conv_f32(struct op_ctx *c, const struct conv_shape *s, const float *x,
                          const float *w, const float *b, float *y)
{
    const struct nn_geom *g = &s->g;
    if (s->cg == 1 && s->group > 1 && g->ns == 2) return conv_depthwise_f32(c, s, x, w, b, y);
    /* 1x1, stride 1, no padding: the image itself is the column matrix */
    bool pointwise = is_pointwise(g);
    int64_t krows = s->cg * g->k_size;
    for (int64_t n = 0; n < s->batch; n++)
        for (int64_t grp = 0; grp < s->group; grp++) {
            const float *xg = x + (n * s->c_in + grp * s->cg) * g->in_size;
            struct im2col_job ij = {g, xg};
            struct sgemm_args ga = {
                .m = s->mg, .n = g->out_size, .k = krows, .alpha = 1,
                .a = w + grp * s->mg * krows, .lda = krows,
                .b = xg, .ldb = g->out_size,
                .beta = 0, .c = y + (n * s->m_out + grp * s->mg) * g->out_size,
                .ldc = g->out_size,
                .pack_b = pointwise ? NULL : im2col_pack, .pack_user = &ij,
                .row_bias = b ? b + grp * s->mg : NULL,
            };
            fy_status st = sgemm(c, &ga);
            if (st) return st;
        }
    return FY_OK;
}

/* ---- Conv: descriptor ---- */

fy_status nn_conv_infer(struct op_ctx *c)
{
    const struct nn_conv_params *p = c->params;
    fy_status st = op_expect_dtype(c, 0, float_types, 4);
    if (!st) st = op_expect_same_dtype(c, 0, 2);
    if (st) return st;
    struct conv_shape s;
    st = conv_shape(c, p, &s);
    if (!st) st = check_bias(c, 2, s.m_out);
    if (st) return st;
    return set_conv_output(c, c->in[0]->dtype, &s);
}

fy_status nn_conv_eval(struct op_ctx *c)
{
    const struct nn_conv_params *p = c->params;
    struct conv_shape s;
    fy_status st = conv_shape(c, p, &s);
    if (st) return st;
    const struct op_tensor *bt = nn_in(c, 2);
    struct op_tensor *yt = c->out[0];
    if (yt->numel == 0) return FY_OK;
    if (yt->dtype == IR_F64) {
        conv_reference(&s, c->in[0]->data, c->in[1]->data, bt ? bt->data : NULL, yt->data);
        return FY_OK;
    }
    const float *x = nn_load_f32(c, c->in[0]), *w = nn_load_f32(c, c->in[1]);
    const float *b = bt ? nn_load_f32(c, bt) : NULL;
    float *y = nn_out_f32(c, yt);
    if (!x || !w || (bt && !b) || !y) return FY_ENOMEM;
    st = conv_f32(c, &s, x, w, b, y);
    if (st) return st;
    nn_store_f32(yt, y);
    return FY_OK;
}

/* ---- ConvInteger ----
 * y = conv(x - x_zero_point, w - w_zero_point) in int32. Computed by the
 * reference kernel in double, which is exact here: each product is at most
 * 255 * 255 and sums stay far below 2^53. */

static const enum ir_dtype int8_types[] = {IR_U8, IR_I8};

fy_status nn_conv_integer_infer(struct op_ctx *c)
{
    const struct nn_conv_params *p = c->params;
    fy_status st = op_expect_dtype(c, 0, int8_types, 2);
    if (!st) st = op_expect_dtype(c, 1, int8_types, 2);
    if (st) return st;
    struct conv_shape s;
    st = conv_shape(c, p, &s);
    if (st) return st;
    const struct op_tensor *xz = nn_in(c, 2), *wz = nn_in(c, 3);
    if (xz && xz->dtype != c->in[0]->dtype)
        return op_fail(c, FY_EINVALID, "x_zero_point has type %s; X has type %s",
                       ir_dtype_name(xz->dtype), ir_dtype_name(c->in[0]->dtype));
    if (wz && wz->dtype != c->in[1]->dtype)
        return op_fail(c, FY_EINVALID, "w_zero_point has type %s; W has type %s",
                       ir_dtype_name(wz->dtype), ir_dtype_name(c->in[1]->dtype));
    if (xz && xz->numel != 1)
        return op_fail(c, FY_EINVALID, "x_zero_point has %llu values; it must be a scalar",
                       (unsigned long long)xz->numel);
    if (wz && wz->numel != 1 && (wz->rank != 1 || wz->dims[0] != s.m_out))
        return op_fail(c, FY_EINVALID,
                       "w_zero_point has %llu values; expected 1 or one per filter (%lld)",
                       (unsigned long long)wz->numel, (long long)s.m_out);
    return set_conv_output(c, IR_I32, &s);
}

fy_status nn_conv_integer_eval(struct op_ctx *c)
{
    const struct nn_conv_params *p = c->params;
    struct conv_shape s;
    fy_status st = conv_shape(c, p, &s);
    if (st) return st;
    const struct op_tensor *xt = c->in[0], *wt = c->in[1];
    const struct op_tensor *xz = nn_in(c, 2), *wz = nn_in(c, 3);
    double *x = op_scratch(c, (size_t)xt->numel * sizeof(double) + 8);
    double *w = op_scratch(c, (size_t)wt->numel * sizeof(double) + 8);
    double *y = op_scratch(c, (size_t)c->out[0]->numel * sizeof(double) + 8);
    if (!x || !w || !y) return FY_ENOMEM;
    double xzp = xz ? (double)op_get_i64(xz, 0) : 0;
    for (uint64_t i = 0; i < xt->numel; i++) x[i] = (double)op_get_i64(xt, i) - xzp;
    uint64_t per_filter = s.m_out ? wt->numel / (uint64_t)s.m_out : 0;
    for (uint64_t i = 0; i < wt->numel; i++) {
        double wzp = 0;
        if (wz) wzp = (double)op_get_i64(wz, wz->numel == 1 ? 0 : i / per_filter);
        w[i] = (double)op_get_i64(wt, i) - wzp;
    }
    conv_reference(&s, x, w, NULL, y);
    int32_t *out = c->out[0]->data;
    for (uint64_t i = 0; i < c->out[0]->numel; i++) out[i] = (int32_t)(int64_t)y[i];
    return FY_OK;
}

/* ---- ConvTranspose ---- */

fy_status nn_convt_parse(const struct ir_node *n, int64_t opset, void *params,
                         struct fy_error *err)
{
    (void)opset;
    struct nn_convt_params *p = params;
    fy_status st = nn_window_parse(n, &p->w, false, false, err);
    if (!st) st = op_attr_int(n, "group", 1, &p->group, err);
    if (!st)
        st = op_attr_ints(n, "output_padding", p->output_padding, NN_MAX_SPATIAL,
                          &p->n_output_padding, err);
    if (!st)
        st = op_attr_ints(n, "output_shape", p->output_shape, OP_MAX_RANK, &p->n_output_shape,
                          err);
    if (st) return st;
    if (p->group < 1)
        return op_fail_node(n, err, FY_EINVALID, "group is %lld; it must be positive",
                            (long long)p->group);
    for (int i = 0; i < p->n_output_padding; i++)
        if (p->output_padding[i] < 0 || p->output_padding[i] > ((int64_t)1 << 31))
            return op_fail_node(n, err, FY_EINVALID, "output_padding[%d] is %lld", i,
                                (long long)p->output_padding[i]);
    for (int i = 0; i < p->n_output_shape; i++)
        if (p->output_shape[i] < 0 || p->output_shape[i] > ((int64_t)1 << 40))
            return op_fail_node(n, err, FY_EINVALID, "output_shape[%d] is %lld", i,
                                (long long)p->output_shape[i]);
    return FY_OK;
}

/* Geometry of ConvTranspose. Output position of input i through tap k is
 * i*s - pb + k*d. Natural output size: s*(in-1) + output_padding +
 * (k-1)*d + 1 - pb - pe. With output_shape (or SAME auto_pad, where the
 * output is in*s) the total padding follows from the wanted size and is
 * split with the odd unit at the end for SAME_UPPER, at the start otherwise
 * (ONNX's rule). */
static fy_status convt_shape(struct op_ctx *c, const struct nn_convt_params *p,
                             struct conv_shape *s)
{
    int64_t kernel[NN_MAX_SPATIAL];
    fy_status st = conv_channels(c, &p->w, p->group, true, s, kernel);
    if (st) return st;
    const struct nn_window *w = &p->w;
    int ns = c->in[0]->rank - 2;
    struct nn_geom *g = &s->g;
    if ((w->n_strides >= 0 && w->n_strides != ns) ||
        (w->n_dilations >= 0 && w->n_dilations != ns) || (w->n_pads >= 0 && w->n_pads != 2 * ns) ||
        (p->n_output_padding >= 0 && p->n_output_padding != ns))
        return op_fail(c, FY_EINVALID,
                       "strides, dilations, pads or output_padding do not match the input's "
                       "%d spatial dims",
                       ns);
    if (p->n_output_shape >= 0 && p->n_output_shape != ns && p->n_output_shape != ns + 2)
        return op_fail(c, FY_EINVALID, "output_shape has %d values; the input has %d spatial dims",
                       p->n_output_shape, ns);
    g->ns = ns;
    for (int i = 0; i < ns; i++) {
        int64_t in = c->in[0]->dims[i + 2], k = kernel[i];
        int64_t st_ = w->n_strides > 0 ? w->strides[i] : 1;
        int64_t d = w->n_dilations > 0 ? w->dilations[i] : 1;
        int64_t op = p->n_output_padding > 0 ? p->output_padding[i] : 0;
        int64_t full = st_ * (in - 1) + op + (k - 1) * d + 1; /* with no padding */
        if (in == 0) full = 0;
        int64_t pb = 0, pe = 0, out;
        bool want_shape = p->n_output_shape > 0;
        if (want_shape || w->auto_pad == NN_PAD_SAME_UPPER || w->auto_pad == NN_PAD_SAME_LOWER) {
            out = want_shape ? p->output_shape[p->n_output_shape - ns + i] : in * st_;
            /* total < 0 when the wanted output is larger than the natural one;
             * halves round toward -inf (ONNX's reference is Python, whose //
             * floors), which puts the extra positions at the end */
            int64_t total = full - out;
            int64_t half = total >= 0 ? total / 2 : -((-total + 1) / 2);
            if (w->auto_pad == NN_PAD_SAME_UPPER) {
                pb = half;
                pe = total - pb;
            } else {
                pe = half;
                pb = total - pe;
            }
        } else {
            if (w->auto_pad == NN_PAD_NOTSET && w->n_pads > 0) {
                pb = w->pads[i];
                pe = w->pads[i + ns];
            }
            out = full - pb - pe;
            if (out < 0)
                return op_fail(c, FY_EINVALID,
                               "pads %lld+%lld exceed the output's %lld positions along dim %d",
                               (long long)pb, (long long)pe, (long long)full, i);
        }
        g->in[i] = in;
        g->out[i] = out;
        g->k[i] = k;
        g->s[i] = st_;
        g->d[i] = d;
        g->pb[i] = pb;
        g->pe[i] = pe;
    }
    if (!nn_geom_finish(g)) return op_fail(c, FY_EINVALID, "window sizes overflow");
    return FY_OK;
}

/* Output position (flat) that input position ic reaches through tap kc;
 * false when it falls outside the output. */
static bool convt_tap(const struct nn_geom *g, const int64_t *ic, const int64_t *kc, int64_t *off)
{
    int64_t o = 0;
    for (int d = 0; d < g->ns; d++) {
        int64_t pos = ic[d] * g->s[d] - g->pb[d] + kc[d] * g->d[d];
        if (pos < 0 || pos >= g->out[d]) return false;
        o = o * g->out[d] + pos;
    }
    *off = o;
    return true;
}

/* y[n, m, i*s - pb + k*d] += x[n, c, i] * w[c, m', k] over the group's input
 * channels c (m = group * M/group + m'), then + b[m]. */
static void convt_reference(const struct conv_shape *s, const double *x, const double *w,
                            const double *b, double *y)
{
    const struct nn_geom *g = &s->g;
    int64_t ic[NN_MAX_SPATIAL], kc[NN_MAX_SPATIAL], off;
    for (int64_t n = 0; n < s->batch; n++)
        for (int64_t m = 0; m < s->m_out; m++) {
            double *ym = y + (n * s->m_out + m) * g->out_size;
            for (int64_t o = 0; o < g->out_size; o++) ym[o] = b ? b[m] : 0;
            int64_t grp = m / s->mg, mm = m % s->mg;
            for (int64_t ci = 0; ci < s->cg; ci++) {
                int64_t chan = grp * s->cg + ci;
                const double *xc = x + (n * s->c_in + chan) * g->in_size;
                const double *wk = w + (chan * s->mg + mm) * g->k_size;
                for (int64_t i = 0; i < g->in_size; i++) {
                    unravel(i, g->ns, g->in, ic);
                    for (int64_t k = 0; k < g->k_size; k++) {
                        unravel(k, g->ns, g->k, kc);
                        if (convt_tap(g, ic, kc, &off)) ym[off] += xc[i] * wk[k];
                    }
                }
            }
        }
}

struct col2im_job {
    const struct nn_geom *g;
    const float *col; /* [M/group * k_size, in_size] */
    float *y;         /* the group's output channels */
};

/* Output channels [m0, m1): add every column entry to the output position
 * it lands on. Each channel is owned by one range, so no two threads write
 * the same element. */
static void col2im_channels(void *arg, int64_t m0, int64_t m1)
{
    const struct col2im_job *j = arg;
    const struct nn_geom *g = j->g;
    int last = g->ns - 1;
    int64_t kc[NN_MAX_SPATIAL], ic[NN_MAX_SPATIAL];
    int64_t in_l = g->in[last], out_l = g->out[last], s_l = g->s[last];
    int64_t outer = in_l ? g->in_size / in_l : 0;
    for (int64_t m = m0; m < m1; m++) {
        float *ym = j->y + m * g->out_size;
        for (int64_t k = 0; k < g->k_size; k++) {
            unravel(k, g->ns, g->k, kc);
            const float *crow = j->col + (m * g->k_size + k) * g->in_size;
            /* along the last dim, input i lands on output i*s + off */
            int64_t off = kc[last] * g->d[last] - g->pb[last];
            int64_t lo = off >= 0 ? 0 : ceil_div(-off, s_l);
            int64_t hi = ceil_div(out_l - off, s_l);
            if (lo > in_l) lo = in_l;
            if (hi > in_l) hi = in_l;
            for (int64_t q = 0; q < outer; q++) {
                unravel(q, last, g->in, ic);
                int64_t base = 0;
                bool inside = true;
                for (int d = 0; d < last && inside; d++) {
                    int64_t pos = ic[d] * g->s[d] - g->pb[d] + kc[d] * g->d[d];
                    inside = pos >= 0 && pos < g->out[d];
                    base = base * g->out[d] + pos;
                }
                if (!inside) continue;
                float *yrow = ym + base * out_l + off;
                const float *cr = crow + q * in_l;
                for (int64_t i = lo; i < hi; i++) yrow[i * s_l] += cr[i];
            }
        }
    }
}

static fy_status convt_f32(struct op_ctx *c, const struct conv_shape *s, const float *x,
                           const float *w, const float *b, float *y)
{
    const struct nn_geom *g = &s->g;
    int64_t rows = s->mg * g->k_size;
    float *col = op_scratch(c, (size_t)(rows * g->in_size) * sizeof(float) + 64);
    if (!col) return FY_ENOMEM;
    for (int64_t n = 0; n < s->batch; n++)
        for (int64_t grp = 0; grp < s->group; grp++) {
            float *yg = y + (n * s->m_out + grp * s->mg) * g->out_size;
            for (int64_t i = 0; i < s->mg; i++) {
                float bv = b ? b[grp * s->mg + i] : 0.0f;
                for (int64_t o = 0; o < g->out_size; o++) yg[i * g->out_size + o] = bv;
            }
            /* col[(m', k), i] = sum_c w[c, m', k] * x[c, i]: W_g is [C/g, rows] */
            struct sgemm_args ga = {
                .trans_a = true, .m = rows, .n = g->in_size, .k = s->cg, .alpha = 1,
                .a = w + grp * s->cg * rows, .lda = rows,
                .b = x + (n * s->c_in + grp * s->cg) * g->in_size, .ldb = g->in_size,
                .beta = 0, .c = col, .ldc = g->in_size,
            };
            fy_status st = sgemm(c, &ga);
            if (st) return st;
            struct col2im_job cj = {g, col, yg};
            int64_t per = g->k_size * g->in_size;
            op_parallel_for(c, s->mg, per ? ((int64_t)1 << 15) / per + 1 : s->mg,
                            col2im_channels, &cj);
        }
    return FY_OK;
}

fy_status nn_convt_infer(struct op_ctx *c)
{
    const struct nn_convt_params *p = c->params;
    fy_status st = op_expect_dtype(c, 0, float_types, 4);
    if (!st) st = op_expect_same_dtype(c, 0, 2);
    if (st) return st;
    struct conv_shape s;
    st = convt_shape(c, p, &s);
    if (!st) st = check_bias(c, 2, s.m_out);
    if (st) return st;
    return set_conv_output(c, c->in[0]->dtype, &s);
}

fy_status nn_convt_eval(struct op_ctx *c)
{
    const struct nn_convt_params *p = c->params;
    struct conv_shape s;
    fy_status st = convt_shape(c, p, &s);
    if (st) return st;
    const struct op_tensor *bt = nn_in(c, 2);
    struct op_tensor *yt = c->out[0];
    if (yt->numel == 0) return FY_OK;
    if (yt->dtype == IR_F64) {
        convt_reference(&s, c->in[0]->data, c->in[1]->data, bt ? bt->data : NULL, yt->data);
        return FY_OK;
    }
    const float *x = nn_load_f32(c, c->in[0]), *w = nn_load_f32(c, c->in[1]);
    const float *b = bt ? nn_load_f32(c, bt) : NULL;
    float *y = nn_out_f32(c, yt);
    if (!x || !w || (bt && !b) || !y) return FY_ENOMEM;
    st = convt_f32(c, &s, x, w, b, y);
    if (st) return st;
    nn_store_f32(yt, y);
    return FY_OK;
}
