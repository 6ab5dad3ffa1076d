/* Conv, ConvTranspose and ConvInteger, 1-D to N-D, with groups, strides,
 * dilations, explicit pads and auto_pad.
 *
 * Reference kernels (double, one output element at a time, every index
 * spelled out) run float64 and the integer op. float32 (and float16/bfloat16,
 * computed in float32) take the fast paths, which compute what ONNX
 * Runtime's CPU EP computes (MLAS's MlasConv, one thread), rounding for
 * rounding, so QDQ models land on the reference's side of every .5:
 *   Conv           per image and group an SGEMM (gemm_kernel.c, which keeps
 *                  MLAS's summation orders) of the weights and the column
 *                  matrix: the image itself when 1x1 stride-1 unpadded, else
 *                  B panels packed straight from the image (implicit im2col:
 *                  the column matrix never exists whole). The bias is added
 *                  after the product.
 *                  2-D depthwise (one input and one output channel per
 *                  group): direct loops over a zero-bordered copy of each
 *                  plane, in the order of MLAS's one-row GEMM kernel
 *                  (portable vector code; AVX-512, with a 3x3 special case,
 *                  when the CPU has it). Depthwise 7x7/2 with two outputs
 *                  per group: ORT 1.30's special kernel for it.
 *   ConvTranspose  SGEMM (W^T X) into columns, then col2im.
 * tests/unit/test_ops_nn.c checks every fast path, in every variant the CPU
 * runs, against the reference, and their bits against each other and
 * against ONNX Runtime's on small cases. */
#include <math.h>
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

/* ---- depthwise 2-D convolution (one input and one output channel per group) ----
 * ONNX Runtime computes each such group as a one-row GEMM over the im2col
 * matrix, which MLAS gives to its M=1 kernel (gemm_kernel.c): the products
 * of taps 4i .. 4i+3 summed left to right, t = ((p0 + p1) + p2) + p3, each
 * group added to the running sum (which starts at +0), c = t + c, then a
 * pair and a single tap for the last K mod 4 (K = KH * KW taps, row-major);
 * the bias after all of it. The loops here compute exactly that, straight
 * from a zero-bordered copy of each input plane (a tap in the padding
 * multiplies a 0, as im2col's zero does), keeping groups of outputs in
 * registers through all taps. Multiplies and adds are separate operations,
 * so the portable and the AVX-512 code give the same bits. */

struct depthwise_job {
    const struct conv_shape *s;
    const float *x, *w, *b;
    float *y;
    int64_t hp, wp; /* padded plane */
    atomic_bool nomem;
};

/* One output row: y[ow] = sum over taps k of w[k] * tap[k][ow * sw] in the
 * order above, + *bias (bias may be NULL). tap[k]: where tap k reads for
 * output 0 of the row. */
typedef void (*depthwise_row_fn)(int64_t OW, int64_t sw, int64_t K, const float *const *tap,
                                 const float *w, const float *bias, float *y);

/* the taps of outputs ow .. ow+3 */
static v4f dw_load(const float *p, int64_t sw, int64_t ow)
{
    return sw == 1 ? load4(p + ow) : load4_even(p + 2 * ow);
}

static void depthwise_row(int64_t OW, int64_t sw, int64_t K, const float *const *tap,
                          const float *w, const float *bias, float *y)
{
    int64_t ow = 0;
    if (sw <= 2) {
        for (; ow + 8 <= OW; ow += 8) {
            v4f c0 = {0}, c1 = {0};
            int64_t k = 0;
            for (; k + 4 <= K; k += 4) {
                v4f t0 = w[k] * dw_load(tap[k], sw, ow), t1 = w[k] * dw_load(tap[k], sw, ow + 4);
                for (int u = 1; u < 4; u++) {
                    v4f p0 = w[k + u] * dw_load(tap[k + u], sw, ow);
                    v4f p1 = w[k + u] * dw_load(tap[k + u], sw, ow + 4);
                    t0 = t0 + p0;
                    t1 = t1 + p1;
                }
                c0 = t0 + c0;
                c1 = t1 + c1;
            }
            if (K - k >= 2) {
                v4f t0 = w[k] * dw_load(tap[k], sw, ow), t1 = w[k] * dw_load(tap[k], sw, ow + 4);
                v4f p0 = w[k + 1] * dw_load(tap[k + 1], sw, ow);
                v4f p1 = w[k + 1] * dw_load(tap[k + 1], sw, ow + 4);
                t0 = t0 + p0;
                t1 = t1 + p1;
                c0 = t0 + c0;
                c1 = t1 + c1;
                k += 2;
            }
            if (K - k >= 1) {
                v4f t0 = w[k] * dw_load(tap[k], sw, ow), t1 = w[k] * dw_load(tap[k], sw, ow + 4);
                c0 = t0 + c0;
                c1 = t1 + c1;
            }
            if (bias) {
                c0 = c0 + *bias;
                c1 = c1 + *bias;
            }
            memcpy(y + ow, &c0, sizeof c0);
            memcpy(y + ow + 4, &c1, sizeof c1);
        }
    }
    for (; ow < OW; ow++) {
        const int64_t at = ow * sw;
        float c = 0.0f;
        int64_t k = 0;
        for (; k + 4 <= K; k += 4) {
            float t = w[k] * tap[k][at];
            for (int u = 1; u < 4; u++) {
                float p = w[k + u] * tap[k + u][at];
                t = t + p;
            }
            c = t + c;
        }
        if (K - k >= 2) {
            float t = w[k] * tap[k][at];
            float p = w[k + 1] * tap[k + 1][at];
            t = t + p;
            c = t + c;
            k += 2;
        }
        if (K - k >= 1) {
            float t = w[k] * tap[k][at];
            c = t + c;
        }
        if (bias) c = c + *bias;
        y[ow] = c;
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

static const int32_t even_lanes[16] = {0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30};

/* inputs p[0], p[sw], ... of up to 16 outputs (mask m; stride 2 picks the
 * even lanes of the 2n-1 floats from p, in two loads masked by mlo, mhi) */
__attribute__((target("avx512f"))) static inline __m512
dw_load16(const float *p, int64_t sw, __mmask16 m, __mmask16 mlo, __mmask16 mhi)
{
    if (sw == 1) return _mm512_maskz_loadu_ps(m, p);
    __m512 lo = _mm512_maskz_loadu_ps(mlo, p), hi = _mm512_maskz_loadu_ps(mhi, p + 16);
    return _mm512_permutex2var_ps(lo, _mm512_loadu_si512(even_lanes), hi);
}

/* The same with AVX-512: 16 outputs per step, the last group masked. */
__attribute__((target("avx512f"))) static void
depthwise_row_avx512(int64_t OW, int64_t sw, int64_t K, const float *const *tap, const float *w,
                     const float *bias, float *y)
{
    if (sw > 2) {
        depthwise_row(OW, sw, K, tap, w, bias, y);
        return;
    }
    for (int64_t ow = 0; ow < OW; ow += 16) {
        int n = OW - ow < 16 ? (int)(OW - ow) : 16;
        __mmask16 m = (__mmask16)((1u << n) - 1);
        int span = 2 * n - 1;
        __mmask16 mlo = (__mmask16)(span >= 16 ? 0xffffu : (1u << span) - 1);
        __mmask16 mhi = (__mmask16)(span > 16 ? (1u << (span - 16)) - 1 : 0);
        int64_t at = ow * sw;
        __m512 c = _mm512_setzero_ps();
        int64_t k = 0;
        for (; k + 4 <= K; k += 4) {
            __m512 t = _mm512_mul_ps(_mm512_set1_ps(w[k]), dw_load16(tap[k] + at, sw, m, mlo, mhi));
            for (int u = 1; u < 4; u++)
                t = _mm512_add_ps(t, _mm512_mul_ps(_mm512_set1_ps(w[k + u]),
                                                   dw_load16(tap[k + u] + at, sw, m, mlo, mhi)));
            c = _mm512_add_ps(t, c);
        }
        if (K - k >= 2) {
            __m512 t = _mm512_mul_ps(_mm512_set1_ps(w[k]), dw_load16(tap[k] + at, sw, m, mlo, mhi));
            t = _mm512_add_ps(t, _mm512_mul_ps(_mm512_set1_ps(w[k + 1]),
                                               dw_load16(tap[k + 1] + at, sw, m, mlo, mhi)));
            c = _mm512_add_ps(t, c);
            k += 2;
        }
        if (K - k >= 1)
            c = _mm512_add_ps(_mm512_mul_ps(_mm512_set1_ps(w[k]),
                                            dw_load16(tap[k] + at, sw, m, mlo, mhi)),
                              c);
        if (bias) c = _mm512_add_ps(c, _mm512_set1_ps(*bias));
        _mm512_mask_storeu_ps(y + ow, m, c);
    }
}

/* A whole output plane with 3x3 taps, the usual depthwise kernel: its nine
 * weights stay in registers for the plane. The order above for K = 9:
 * c = ((x0 + x1) + x2) + x3 (+0), c = (((x4 + x5) + x6) + x7) + c,
 * c = x8 + c, then + bias (xk: tap k's product). */
__attribute__((target("avx512f"))) static void
depthwise_plane3x3_avx512(int64_t OH, int64_t OW, int64_t sh, int64_t sw, int64_t dh, int64_t dw,
                          int64_t wp, const float *pad, const float *w, const float *bias, float *y)
{
    __m512 w0 = _mm512_set1_ps(w[0]), w1 = _mm512_set1_ps(w[1]), w2 = _mm512_set1_ps(w[2]);
    __m512 w3 = _mm512_set1_ps(w[3]), w4 = _mm512_set1_ps(w[4]), w5 = _mm512_set1_ps(w[5]);
    __m512 w6 = _mm512_set1_ps(w[6]), w7 = _mm512_set1_ps(w[7]), w8 = _mm512_set1_ps(w[8]);
    for (int64_t oh = 0; oh < OH; oh++) {
        const float *r0 = pad + (oh * sh) * wp, *r1 = r0 + dh * wp, *r2 = r1 + dh * wp;
        float *yr = y + oh * OW;
        for (int64_t ow = 0; ow < OW; ow += 16) {
            int n = OW - ow < 16 ? (int)(OW - ow) : 16;
            __mmask16 m = (__mmask16)((1u << n) - 1);
            int span = 2 * n - 1;
            __mmask16 mlo = (__mmask16)(span >= 16 ? 0xffffu : (1u << span) - 1);
            __mmask16 mhi = (__mmask16)(span > 16 ? (1u << (span - 16)) - 1 : 0);
            int64_t at = ow * sw;
            const float *p0 = r0 + at, *p1 = r1 + at, *p2 = r2 + at;
            __m512 t = _mm512_mul_ps(w0, dw_load16(p0, sw, m, mlo, mhi));
            t = _mm512_add_ps(t, _mm512_mul_ps(w1, dw_load16(p0 + dw, sw, m, mlo, mhi)));
            t = _mm512_add_ps(t, _mm512_mul_ps(w2, dw_load16(p0 + 2 * dw, sw, m, mlo, mhi)));
            t = _mm512_add_ps(t, _mm512_mul_ps(w3, dw_load16(p1, sw, m, mlo, mhi)));
            __m512 c = _mm512_add_ps(t, _mm512_setzero_ps());
            t = _mm512_mul_ps(w4, dw_load16(p1 + dw, sw, m, mlo, mhi));
            t = _mm512_add_ps(t, _mm512_mul_ps(w5, dw_load16(p1 + 2 * dw, sw, m, mlo, mhi)));
            t = _mm512_add_ps(t, _mm512_mul_ps(w6, dw_load16(p2, sw, m, mlo, mhi)));
            t = _mm512_add_ps(t, _mm512_mul_ps(w7, dw_load16(p2 + dw, sw, m, mlo, mhi)));
            c = _mm512_add_ps(t, c);
            c = _mm512_add_ps(_mm512_mul_ps(w8, dw_load16(p2 + 2 * dw, sw, m, mlo, mhi)), c);
            if (bias) c = _mm512_add_ps(c, _mm512_set1_ps(*bias));
            _mm512_mask_storeu_ps(yr + ow, m, c);
        }
    }
}

#endif

static depthwise_row_fn depthwise_row_best(void)
{
#if defined(__x86_64__)
    if (sgemm_best_isa() == SGEMM_AVX512) return depthwise_row_avx512;
#endif
    return depthwise_row;
}

/* Output planes [p0, p1) (plane = image * M + channel) of a 2-D convolution
 * whose groups have one input and one output channel each. The input plane
 * is copied once into a zero-bordered buffer so the taps need no bounds
 * checks. */
static void depthwise_planes(void *arg, int64_t p0, int64_t p1)
{
    struct depthwise_job *j = arg;
    const struct conv_shape *s = j->s;
    const struct nn_geom *g = &s->g;
    int64_t H = g->in[0], W = g->in[1], OH = g->out[0], OW = g->out[1];
    int64_t KH = g->k[0], KW = g->k[1], sh = g->s[0], sw = g->s[1], dh = g->d[0], dw = g->d[1];
    int64_t K = KH * KW;
    /* slack after the plane: the stride-2 loads read 8 floats for 4 */
    size_t floats = ((size_t)(j->hp * j->wp) + 32 + 15) & ~(size_t)15; /* tap[] after it stays aligned */
    float *pad = malloc(floats * sizeof(float) + (size_t)K * sizeof(float *));
    if (!pad) {
        atomic_store(&j->nomem, true);
        return;
    }
    const float **tap = (const float **)(void *)(pad + floats);
    depthwise_row_fn row_fn = depthwise_row_best();
#if defined(__x86_64__)
    bool plane3x3 = row_fn == depthwise_row_avx512 && KH == 3 && KW == 3 && sw <= 2;
#endif
    memset(pad, 0, floats * sizeof(float));
    for (int64_t p = p0; p < p1; p++) {
        int64_t n = p / s->m_out, m = p % s->m_out;
        const float *xp = j->x + (n * s->c_in + m) * H * W; /* the group's input channel */
        for (int64_t h = 0; h < H; h++)
            memcpy(pad + (h + g->pb[0]) * j->wp + g->pb[1], xp + h * W, (size_t)W * sizeof(float));
        const float *wm = j->w + m * K;
        const float *bias = j->b ? j->b + m : NULL;
        float *yp = j->y + p * OH * OW;
#if defined(__x86_64__)
        if (plane3x3) {
            depthwise_plane3x3_avx512(OH, OW, sh, sw, dh, dw, j->wp, pad, wm, bias, yp);
            continue;
        }
#endif
        for (int64_t oh = 0; oh < OH; oh++) {
            for (int64_t k = 0; k < K; k++)
                tap[k] = pad + (oh * sh + k / KW * dh) * j->wp + k % KW * dw;
            row_fn(OW, sw, K, tap, wm, bias, yp + oh * OW);
        }
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

/* ---- depthwise 7x7, stride 2, pad 3, two output channels per group ----
 * ONNX Runtime 1.30 has a kernel of its own for this one geometry (MobileCLIP;
 * MLAS's MlasConvAlgorithmDepthwiseMultiplier2, on CPUs with AVX-512 the
 * kernel of sconv_nchw_depthwise_multiplier_greater_than_1_avx512f.cpp). Its
 * order: an output whose 7x7 window lies inside the image keeps one FMA
 * chain per kernel column kw (over kh, from 0) and reduces the 7 chains as
 * _mm512_reduce_add_ps does with lanes 7..15 zero,
 *   r = ((a0 + a4) + (a2 + a6)) + ((a1 + a5) + (a3 + 0))   (each a + 0 first),
 * an output on the border is one FMA chain over the taps inside the image,
 * kh then kw; the bias is added after. (Without AVX-512 ORT runs a scalar
 * loop without FMA instead; ferry follows the AVX-512 machines, where the
 * references were made, on every CPU.) */

static bool is_dw_mult2_7x7(const struct conv_shape *s)
{
    const struct nn_geom *g = &s->g;
    if (g->ns != 2 || s->group < 2 || s->cg != 1 || s->mg != 2 || g->out_size < 2) return false;
    for (int i = 0; i < 2; i++)
        if (g->k[i] != 7 || g->s[i] != 2 || g->d[i] != 1 || g->pb[i] != 3 || g->pe[i] != 3)
            return false;
    return true;
}

struct dm2_job {
    const struct conv_shape *s;
    const float *x, *w, *b;
    float *y;
};

#define DM2_PLANE_BODY                                                                           \
    const struct dm2_job *j = arg;                                                               \
    const struct conv_shape *s = j->s;                                                           \
    const struct nn_geom *g = &s->g;                                                             \
    int64_t H = g->in[0], W = g->in[1], OH = g->out[0], OW = g->out[1];                          \
    for (int64_t p = p0; p < p1; p++) { /* p = image * M + output channel */                    \
        int64_t n = p / s->m_out, m = p % s->m_out;                                              \
        const float *xp = j->x + (n * s->c_in + m / 2) * H * W, *wm = j->w + m * 49;             \
        float *yp = j->y + p * OH * OW;                                                          \
        for (int64_t oh = 0; oh < OH; oh++)                                                      \
            for (int64_t ow = 0; ow < OW; ow++) {                                                \
                int64_t iy = oh * 2 - 3, ix = ow * 2 - 3;                                        \
                float r;                                                                         \
                if (iy >= 0 && iy + 7 <= H && ix >= 0 && ix + 7 <= W) {                          \
                    float a[8];                                                                  \
                    for (int kw = 0; kw < 7; kw++) {                                             \
                        float acc = 0.0f;                                                        \
                        for (int kh = 0; kh < 7; kh++)                                           \
                            acc = fmaf(xp[(iy + kh) * W + ix + kw], wm[kh * 7 + kw], acc);       \
                        a[kw] = acc + 0.0f;                                                      \
                    }                                                                            \
                    a[7] = 0.0f;                                                                 \
                    float t0 = a[4] + a[0], t1 = a[5] + a[1], t2 = a[6] + a[2], t3 = a[7] + a[3]; \
                    float e = t0 + t2, o = t1 + t3;                                              \
                    r = e + o;                                                                   \
                } else {                                                                         \
                    r = 0.0f;                                                                    \
                    for (int kh = 0; kh < 7; kh++) {                                             \
                        int64_t ih = iy + kh;                                                    \
                        if (ih < 0 || ih >= H) continue;                                         \
                        for (int kw = 0; kw < 7; kw++) {                                         \
                            int64_t iw = ix + kw;                                                \
                            if (iw < 0 || iw >= W) continue;                                     \
                            r = fmaf(xp[ih * W + iw], wm[kh * 7 + kw], r);                       \
                        }                                                                        \
                    }                                                                            \
                }                                                                                \
                if (j->b) r = r + j->b[m];                                                       \
                yp[oh * OW + ow] = r;                                                            \
            }                                                                                    \
    }

static void dm2_planes(void *arg, int64_t p0, int64_t p1)
{
    DM2_PLANE_BODY
}

#if defined(__x86_64__)
/* the same, where fmaf is one instruction */
__attribute__((target("avx2,fma"))) static void dm2_planes_fma(void *arg, int64_t p0, int64_t p1)
{
    DM2_PLANE_BODY
}
#endif

static fy_status conv_dm2_f32(struct op_ctx *c, const struct conv_shape *s, const float *x,
                              const float *w, const float *b, float *y)
{
    struct dm2_job j = {.s = s, .x = x, .w = w, .b = b, .y = y};
    op_range_fn fn = dm2_planes;
#if defined(__x86_64__)
    if (sgemm_best_isa() != SGEMM_PORTABLE) fn = dm2_planes_fma;
#endif
    int64_t work = s->g.out_size * 49;
    op_parallel_for(c, s->batch * s->m_out, ((int64_t)1 << 16) / work + 1, fn, &j);
    return FY_OK;
}

static bool is_pointwise(const struct nn_geom *g)
{
    for (int i = 0; i < g->ns; i++)
        if (g->k[i] != 1 || g->s[i] != 1 || g->pb[i] != 0 || g->pe[i] != 0) return false;
    return true;
}

/* MLAS's other direct GEMM (MlasConvPrepare): one input channel per group,
 * unit strides and dilations, no padding, and a kernel as wide as the input
 * (1-D counts as 2-D of height 1): the column matrix is the image read
 * transposed, B(k, n) = x[n * W + k]. It matters for one output channel per
 * group, which MLAS then computes with its transposed-B M=1 kernel. */
static bool is_full_width(const struct conv_shape *s)
{
    const struct nn_geom *g = &s->g;
    if (s->cg != 1 || g->ns > 2) return false;
    for (int i = 0; i < g->ns; i++)
        if (g->s[i] != 1 || g->d[i] != 1 || g->pb[i] != 0 || g->pe[i] != 0) return false;
    return g->k[g->ns - 1] == g->in[g->ns - 1];
}

/* Per image and group one SGEMM, W_g [M/group, C/group * k] times the
 * column matrix, as MLAS does (MlasConv): the summation orders are its own
 * (gemm_kernel.c), the bias goes in after the product. */
static fy_status conv_f32(struct op_ctx *c, const struct conv_shape *s, const float *x,
                          const float *w, const float *b, float *y)
{
    const struct nn_geom *g = &s->g;
    /* 1x1, stride 1, no padding: the image itself is the column matrix */
    bool pointwise = is_pointwise(g);
    bool full_width = !pointwise && is_full_width(s);
    if (s->cg == 1 && s->mg == 1 && s->group > 1 && g->ns == 2 && !full_width)
        return conv_depthwise_f32(c, s, x, w, b, y);
    if (is_dw_mult2_7x7(s)) return conv_dm2_f32(c, s, x, w, b, y);
    int64_t krows = s->cg * g->k_size;
    for (int64_t n = 0; n < s->batch; n++)
        for (int64_t grp = 0; grp < s->group; grp++) {
            const float *xg = x + (n * s->c_in + grp * s->cg) * g->in_size;
            struct im2col_job ij = {g, xg};
            struct sgemm_args ga = {
                .trans_b = full_width,
                .m = s->mg, .n = g->out_size, .k = krows, .alpha = 1,
                .a = w + grp * s->mg * krows, .lda = krows,
                .b = xg, .ldb = full_width ? g->in[g->ns - 1] : g->out_size,
                .beta = 0, .c = y + (n * s->m_out + grp * s->mg) * g->out_size,
                .ldc = g->out_size,
                .pack_b = pointwise || full_width ? NULL : im2col_pack, .pack_user = &ij,
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
