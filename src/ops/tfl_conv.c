/* tfl.CONV_2D, tfl.DEPTHWISE_CONV_2D, tfl.TRANSPOSE_CONV (NHWC).
 *
 * Layouts: input [N, H, W, C]; CONV_2D filter [O, KH, KW, C / groups];
 * DEPTHWISE_CONV_2D filter [1, KH, KW, C * depth_multiplier]; TRANSPOSE_CONV
 * inputs (output_shape, filter [O, KH, KW, C], input, bias?).
 *
 * Arithmetic (TFLite's reference kernels):
 *  - float32: sum in filter order (ky, kx, c), then + bias (CONV_2D and
 *    DEPTHWISE_CONV_2D run it vectorized across output channels, the same
 *    operations per element: see "float32 fast paths");
 *  - int8 (per-channel or per-tensor filter): acc = Σ w * (x - x_zp) + bias
 *    in int32, requantized per output channel with the multiplier of
 *    x_scale * w_scale[o] / y_scale (double), + y_zp, clamped to the
 *    activation range;
 *  - int16 activations with int8 filter: no zero points (TFLite requires 0),
 *    int64 accumulator and the int64 requantization when the bias is int64
 *    (or absent and quantized_bias_type is not INT32), else int32 — exactly
 *    the two paths TFLite Micro takes. DEPTHWISE int16 always accumulates in
 *    int64;
 *  - uint8 (legacy): both zero points, one multiplier from the float
 *    product x_scale * w_scale.
 * XNNPACK mode (op_ctx.tflite_arith), int8 CONV_2D and DEPTHWISE_CONV_2D:
 * the same int32 accumulator, requantized as XNNPACK does (tfl_xnn_requant:
 * float scale x_scale * w_scale[o] / y_scale computed in float32, round half
 * to even) and clamped to the delegate's activation bounds.
 * Integer accumulators are summed in int64 and narrowed at the end, which
 * equals TFLite's int32 wrap-around on overflow. */
#include <math.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ops/gemm_kernel.h"
#include "ops/tfl.h"

fy_status tfl_conv_parse(const struct ir_node *n, int64_t opset, void *params, struct fy_error *err)
{
    (void)opset;
    struct tfl_conv_params *p = params;
    fy_status st = tfl_parse_padding(n, &p->padding, err);
    if (!st) st = tfl_parse_int(n, "stride_w", 1, 1, 1 << 20, &p->stride_w, err);
    if (!st) st = tfl_parse_int(n, "stride_h", 1, 1, 1 << 20, &p->stride_h, err);
    if (!st) st = tfl_parse_int(n, "dilation_w_factor", 1, 1, 1 << 20, &p->dilation_w, err);
    if (!st) st = tfl_parse_int(n, "dilation_h_factor", 1, 1, 1 << 20, &p->dilation_h, err);
    if (!st) st = tfl_parse_int(n, "depth_multiplier", 0, 0, 1 << 20, &p->depth_multiplier, err);
    return st;
}

/* ---- shared checks ---- */

enum conv_kind { CONV, DWCONV, TCONV };

/* The arithmetic a node runs, decided in infer from the dtypes. */
enum conv_arith { ARITH_F32, ARITH_I8, ARITH_U8, ARITH_I16_32, ARITH_I16_64 };

static fy_status check_types(struct op_ctx *c, const struct op_tensor *x, const struct op_tensor *w,
                             const struct op_tensor *b, enum conv_kind kind)
{
    const char *what = kind == TCONV ? "input 2" : "input 0";
    switch (x->dtype) {
    case IR_F32:
        if (w->dtype != IR_F32)
            return op_fail(c, FY_EUNSUPPORTED,
                           "filter is %s with a float32 input; hybrid kernels are not supported",
                           ir_dtype_name(w->dtype));
        if (b && b->dtype != IR_F32)
            return op_fail(c, FY_EINVALID, "bias is %s; expected float32", ir_dtype_name(b->dtype));
        return FY_OK;
    case IR_I8:
    case IR_U8:
        if (w->dtype != x->dtype)
            return op_fail(c, FY_EUNSUPPORTED, "filter is %s with a %s input",
                           ir_dtype_name(w->dtype), ir_dtype_name(x->dtype));
        if (b && b->dtype != IR_I32)
            return op_fail(c, FY_EINVALID, "bias is %s; expected int32", ir_dtype_name(b->dtype));
        break;
    case IR_I16:
        if (w->dtype != IR_I8)
            return op_fail(c, FY_EUNSUPPORTED, "filter is %s with an int16 input; expected int8",
                           ir_dtype_name(w->dtype));
        if (b && b->dtype != IR_I64 && b->dtype != IR_I32 && !(kind == TCONV && b->dtype == IR_I16))
            return op_fail(c, FY_EINVALID, "bias is %s; expected int64 or int32",
                           ir_dtype_name(b->dtype));
        break;
    default:
        return op_fail(c, FY_EUNSUPPORTED, "%s has type %s; expected float32, int8, uint8 or int16",
                       what, ir_dtype_name(x->dtype));
    }
    fy_status st = tfl_need_quant(c, x, what);
    if (!st) st = tfl_need_quant(c, w, "the filter");
    if (!st && c->out[0]) st = tfl_need_quant(c, c->out[0], "output 0");
    if (st) return st;
    /* per-channel scales must match the output channels (filter dim 0, or 3
     * for depthwise) */
    const struct ir_quant *q = w->quant;
    if (q->count > 1) {
        int64_t oc = kind == DWCONV ? w->dims[3] : w->dims[0];
        if (q->count != oc)
            return op_fail(c, FY_EINVALID, "filter has %d scales for %lld output channels",
                           q->count, (long long)oc);
    }
    return FY_OK;
}

static enum conv_arith arith_of(const struct op_tensor *x, const struct op_tensor *b,
                                const struct ir_node *n, enum conv_kind kind)
{
    switch (x->dtype) {
    case IR_F32:
        return ARITH_F32;
    case IR_I8:
        return ARITH_I8;
    case IR_U8:
        return ARITH_U8;
    default:
        break;
    }
    if (kind == DWCONV) return ARITH_I16_64;
    if (b) return b->dtype == IR_I32 ? ARITH_I16_32 : ARITH_I16_64;
    /* no bias: TFLite Micro takes the int32 path only when the model says so */
    enum ir_dtype qbt = IR_UNDEFINED;
    struct fy_error ignore = {0};
    tfl_parse_tensor_type(n, "quantized_bias_type", &qbt, &ignore);
    return qbt == IR_I32 ? ARITH_I16_32 : ARITH_I16_64;
}

/* ---- CONV_2D and DEPTHWISE_CONV_2D ---- */

struct conv_job {
    enum conv_kind kind;
    enum conv_arith arith;
    const struct op_tensor *x, *w, *b;
    struct op_tensor *y;
    int64_t n, h, wd, c;       /* input */
    int64_t kh, kw, wc;        /* filter spatial dims and its input channels */
    int64_t oh, ow, oc;        /* output */
    int64_t groups, per_group; /* CONV_2D groups: output channels per group */
    int64_t dm;                /* DEPTHWISE multiplier */
    int sh, sw, dh, dw, ph, pw;
    int32_t x_off, w_off, y_off, lo, hi;
    const int32_t *mult;
    const int *shift;
    const float *xnn_scale; /* XNNPACK mode: per-channel float requantization scales */
};

static double bias_f(const struct op_tensor *b, int64_t o)
{
    return b ? ((const float *)b->data)[o] : 0.0;
}

static int64_t bias_i(const struct op_tensor *b, int64_t o)
{
    if (!b) return 0;
    switch (b->dtype) {
    case IR_I32:
        return ((const int32_t *)b->data)[o];
    case IR_I64:
        return ((const int64_t *)b->data)[o];
    case IR_I16:
        return ((const int16_t *)b->data)[o];
    default:
        return 0;
    }
}

static int64_t get_q(const void *p, enum ir_dtype t, int64_t i)
{
    switch (t) {
    case IR_I8:
        return ((const int8_t *)p)[i];
    case IR_U8:
        return ((const uint8_t *)p)[i];
    case IR_I16:
        return ((const int16_t *)p)[i];
    default:
        return 0;
    }
}

static void put_q(void *p, enum ir_dtype t, int64_t i, int32_t v)
{
    switch (t) {
    case IR_I8:
        ((int8_t *)p)[i] = (int8_t)v;
        break;
    case IR_U8:
        ((uint8_t *)p)[i] = (uint8_t)v;
        break;
    case IR_I16:
        ((int16_t *)p)[i] = (int16_t)v;
        break;
    default:
        break;
    }
}

/* Requantize one accumulator of output channel o as the arithmetic says. */
static int32_t requant(const struct conv_job *j, int64_t acc, int64_t o)
{
    if (j->xnn_scale) return tfl_xnn_requant((int32_t)acc, j->xnn_scale[o], j->y_off, j->lo, j->hi);
    int32_t v = j->arith == ARITH_I16_64 ? tfq_mbqm64(acc, j->mult[o], j->shift[o])
                                         : tfq_mbqm((int32_t)acc, j->mult[o], j->shift[o]);
    /* the int16 kernels take no zero points (TFLite requires them to be 0) */
    if (j->y->dtype != IR_I16) v = tfq_wadd(v, j->y_off);
    return v < j->lo ? j->lo : (v > j->hi ? j->hi : v);
}

/* One output row (b, oy) of CONV_2D or DEPTHWISE_CONV_2D. */
static void conv_rows(void *arg, int64_t begin, int64_t end)
{
    const struct conv_job *j = arg;
    const enum ir_dtype xt = j->x->dtype, wt = j->w->dtype, yt = j->y->dtype;
    const void *xd = j->x->data, *wd = j->w->data;
    for (int64_t row = begin; row < end; row++) {
        const int64_t b = row / j->oh, oy = row % j->oh;
        const int64_t iy0 = oy * j->sh - j->ph;
        for (int64_t ox = 0; ox < j->ow; ox++) {
            const int64_t ix0 = ox * j->sw - j->pw;
            const int64_t yo = ((b * j->oh + oy) * j->ow + ox) * j->oc;
            for (int64_t o = 0; o < j->oc; o++) {
                /* input channels this output reads, and its filter offset */
                int64_t c0, cn, wstride, wbase;
                if (j->kind == CONV) {
                    c0 = (o / j->per_group) * j->wc;
                    cn = j->wc;
                    wbase = o * j->kh * j->kw * j->wc;
                    wstride = 1;
                } else {
                    c0 = o / j->dm;
                    cn = 1;
                    wbase = o;
                    wstride = 0;
                }
                float accs = 0.0f; /* TFLite sums floats in float32 */
                int64_t acc = 0;
                for (int64_t ky = 0; ky < j->kh; ky++) {
                    const int64_t iy = iy0 + ky * j->dh;
                    if (iy < 0 || iy >= j->h) continue;
                    for (int64_t kx = 0; kx < j->kw; kx++) {
                        const int64_t ix = ix0 + kx * j->dw;
                        if (ix < 0 || ix >= j->wd) continue;
                        const int64_t xi = ((b * j->h + iy) * j->wd + ix) * j->c + c0;
                        const int64_t wi = j->kind == CONV ? wbase + (ky * j->kw + kx) * j->wc
                                                           : (ky * j->kw + kx) * j->oc + wbase;
                        if (j->arith == ARITH_F32) {
                            const float *xf = (const float *)xd + xi;
                            const float *wf = (const float *)wd + wi;
                            for (int64_t ci = 0; ci < cn; ci++)
                                accs += xf[ci] * wf[ci * wstride];
                        } else if (xt == IR_I8 && wt == IR_I8) {
                            const int8_t *xq = (const int8_t *)xd + xi;
                            const int8_t *wq = (const int8_t *)wd + wi;
                            int32_t s = 0;
                            for (int64_t ci = 0; ci < cn; ci++)
                                s += (int32_t)wq[ci * wstride] * ((int32_t)xq[ci] + j->x_off);
                            acc += s;
                        } else if (xt == IR_I16) {
                            const int16_t *xq = (const int16_t *)xd + xi;
                            const int8_t *wq = (const int8_t *)wd + wi;
                            for (int64_t ci = 0; ci < cn; ci++)
                                acc += (int64_t)wq[ci * wstride] * xq[ci];
                        } else { /* uint8 */
                            for (int64_t ci = 0; ci < cn; ci++)
                                acc += (get_q(wd, wt, wi + ci * wstride) + j->w_off) *
                                       (get_q(xd, xt, xi + ci) + j->x_off);
                        }
                    }
                }
                if (j->arith == ARITH_F32) {
                    ((float *)j->y->data)[yo + o] = accs + (float)bias_f(j->b, o);
                } else {
                    acc += bias_i(j->b, o);
                    put_q(j->y->data, yt, yo + o, requant(j, acc, o));
                }
            }
        }
    }
}

/* ---- float32 fast paths ----
 * The same arithmetic as conv_rows, element for element: every output
 * channel o of every output pixel still computes acc = 0.0f, then
 * acc = acc + x * w for each tap inside the input in the order (ky, kx, c),
 * skipping the taps outside it, then acc + bias (+ 0.0f without one). Only
 * the loops are reordered: SIMD lanes run output channels side by side (the
 * lane's sequence of float32 multiplies and adds is the scalar one; C11 mode
 * keeps GCC from contracting them into FMAs), and a tile keeps the
 * accumulators of up to CF_R neighbouring pixels of one output row and one
 * block of channels while the taps go by.
 *
 * CONV_2D: the filter [O, KH, KW, C/groups] is read as panels of OB = 2
 * vectors of output channels, packed k-major ([KH][KW][C/groups] steps of OB
 * values, zero lanes past the group's last channel). A work unit is one
 * output row times one panel; each thread takes a contiguous range of units
 * and packs a panel when it reaches it, so the panel stays in cache while its
 * rows go by. Which thread computes an element never changes its value:
 * results do not depend on the thread count (nor on the ISA: AVX-512, AVX2
 * without FMA and the portable 4-lane vectors run the same lane arithmetic;
 * tests/unit/test_tfl_conv_speed.c checks every variant against the scalar
 * loop bit for bit).
 *
 * DEPTHWISE_CONV_2D with depth multiplier 1: channel o reads input channel o
 * and filter column o, so a vector of channels is one load from each. */

#define CF_R 6 /* pixels per tile */

typedef float cf_v4 __attribute__((vector_size(16)));
#if defined(__x86_64__)
typedef float cf_v8 __attribute__((vector_size(32)));
typedef float cf_v16 __attribute__((vector_size(64)));
#endif

/* acc[r * OB + l] += x[r * xs + i] * w[i * OB + l] for i in [0, len), for
 * the n <= CF_R pixels r of a tile (OB = 2L lanes; acc in memory between
 * calls, in registers during one). */
typedef void (*cf_tile_fn)(int n, const float *x, int64_t xs, const float *w, int64_t len,
                           float *acc);

#define CF_TILE_CASE(V, L, N)                                                                    \
    case N: {                                                                                    \
        V a0[N], a1[N];                                                                          \
        _Pragma("GCC unroll 8") for (int r = 0; r < N; r++)                                      \
        {                                                                                        \
            memcpy(&a0[r], acc + r * 2 * L, sizeof(V));                                          \
            memcpy(&a1[r], acc + r * 2 * L + L, sizeof(V));                                      \
        }                                                                                        \
        for (int64_t i = 0; i < len; i++) {                                                      \
            V w0, w1;                                                                            \
            memcpy(&w0, w + i * 2 * L, sizeof(V));                                               \
            memcpy(&w1, w + i * 2 * L + L, sizeof(V));                                           \
            _Pragma("GCC unroll 8") for (int r = 0; r < N; r++)                                  \
            {                                                                                    \
                const float xv = x[r * xs + i];                                                  \
                a0[r] = a0[r] + xv * w0;                                                         \
                a1[r] = a1[r] + xv * w1;                                                         \
            }                                                                                    \
        }                                                                                        \
        _Pragma("GCC unroll 8") for (int r = 0; r < N; r++)                                      \
        {                                                                                        \
            memcpy(acc + r * 2 * L, &a0[r], sizeof(V));                                          \
            memcpy(acc + r * 2 * L + L, &a1[r], sizeof(V));                                      \
        }                                                                                        \
        break;                                                                                   \
    }

#define CF_DEFINE_TILE(NAME, ATTR, V, L)                                                         \
    ATTR static void NAME(int n, const float *x, int64_t xs, const float *w, int64_t len,         \
                          float *acc)                                                            \
    {                                                                                            \
        switch (n) {                                                                             \
            CF_TILE_CASE(V, L, 1)                                                                \
            CF_TILE_CASE(V, L, 2)                                                                \
            CF_TILE_CASE(V, L, 3)                                                                \
            CF_TILE_CASE(V, L, 4)                                                                \
            CF_TILE_CASE(V, L, 5)                                                                \
            CF_TILE_CASE(V, L, 6)                                                                \
        default:                                                                                 \
            break;                                                                               \
        }                                                                                        \
    }

/* y[r * ys + l] = acc[r * OB + l] + bias[l] for the n pixels r of a tile and
 * the on <= OB channels l of its panel (bias: OB values, zeros without one). */
typedef void (*cf_finish_fn)(int n, const float *acc, const float *bias, float *y, int64_t ys,
                             int64_t on);

#define CF_DEFINE_FINISH(NAME, ATTR, V, L)                                                       \
    ATTR static void NAME(int n, const float *acc, const float *bias, float *y, int64_t ys,       \
                          int64_t on)                                                            \
    {                                                                                            \
        V b0, b1;                                                                                \
        memcpy(&b0, bias, sizeof(V));                                                            \
        memcpy(&b1, bias + L, sizeof(V));                                                        \
        for (int r = 0; r < n; r++) {                                                            \
            const float *a = acc + r * 2 * L;                                                    \
            float *yp = y + r * ys;                                                              \
            if (on == 2 * L) {                                                                   \
                V a0, a1;                                                                        \
                memcpy(&a0, a, sizeof(V));                                                       \
                memcpy(&a1, a + L, sizeof(V));                                                   \
                a0 = a0 + b0;                                                                    \
                a1 = a1 + b1;                                                                    \
                memcpy(yp, &a0, sizeof(V));                                                      \
                memcpy(yp + L, &a1, sizeof(V));                                                  \
            } else {                                                                             \
                for (int64_t l = 0; l < on; l++)                                                 \
                    yp[l] = a[l] + bias[l];                                                      \
            }                                                                                    \
        }                                                                                        \
    }

/* DEPTHWISE (multiplier 1), output rows [begin, end): per pixel and vector
 * of L channels, the taps in order; the channels past the last full vector
 * take the scalar loop (the same arithmetic). */
#define CF_DEFINE_DW(NAME, ATTR, V, L)                                                           \
    ATTR static void NAME(void *arg, int64_t begin, int64_t end)                                 \
    {                                                                                            \
        const struct conv_job *j = arg;                                                          \
        const float *xd = j->x->data, *wd = j->w->data;                                          \
        const float *bd = j->b ? (const float *)j->b->data : NULL;                               \
        float *yd = j->y->data;                                                                  \
        const int64_t C = j->oc, nv = C / L * L;                                                 \
        for (int64_t row = begin; row < end; row++) {                                            \
            const int64_t b = row / j->oh, oy = row % j->oh;                                     \
            const int64_t iy0 = oy * j->sh - j->ph;                                              \
            for (int64_t ox = 0; ox < j->ow; ox++) {                                             \
                const int64_t ix0 = ox * j->sw - j->pw;                                          \
                float *yp = yd + ((b * j->oh + oy) * j->ow + ox) * C;                            \
                for (int64_t o = 0; o < nv; o += L) {                                            \
                    V acc = {0};                                                                 \
                    for (int64_t ky = 0; ky < j->kh; ky++) {                                     \
                        const int64_t iy = iy0 + ky * j->dh;                                     \
                        if (iy < 0 || iy >= j->h) continue;                                      \
                        for (int64_t kx = 0; kx < j->kw; kx++) {                                 \
                            const int64_t ix = ix0 + kx * j->dw;                                 \
                            if (ix < 0 || ix >= j->wd) continue;                                 \
                            V xv, wv;                                                            \
                            memcpy(&xv, xd + ((b * j->h + iy) * j->wd + ix) * C + o, sizeof xv); \
                            memcpy(&wv, wd + (ky * j->kw + kx) * C + o, sizeof wv);              \
                            acc = acc + xv * wv;                                                 \
                        }                                                                        \
                    }                                                                            \
                    V bv = {0};                                                                  \
                    if (bd) memcpy(&bv, bd + o, sizeof bv);                                      \
                    acc = acc + bv;                                                              \
                    memcpy(yp + o, &acc, sizeof acc);                                            \
                }                                                                                \
                for (int64_t o = nv; o < C; o++) {                                               \
                    float acc = 0.0f;                                                            \
                    for (int64_t ky = 0; ky < j->kh; ky++) {                                     \
                        const int64_t iy = iy0 + ky * j->dh;                                     \
                        if (iy < 0 || iy >= j->h) continue;                                      \
                        for (int64_t kx = 0; kx < j->kw; kx++) {                                 \
                            const int64_t ix = ix0 + kx * j->dw;                                 \
                            if (ix < 0 || ix >= j->wd) continue;                                 \
                            acc = acc + xd[((b * j->h + iy) * j->wd + ix) * C + o] *             \
                                            wd[(ky * j->kw + kx) * C + o];                       \
                        }                                                                        \
                    }                                                                            \
                    yp[o] = acc + (bd ? bd[o] : 0.0f);                                           \
                }                                                                                \
            }                                                                                    \
        }                                                                                        \
    }

CF_DEFINE_TILE(cf_tile_v4, , cf_v4, 4)
CF_DEFINE_FINISH(cf_finish_v4, , cf_v4, 4)
CF_DEFINE_DW(cf_dw_v4, , cf_v4, 4)
#if defined(__x86_64__)
CF_DEFINE_TILE(cf_tile_v8, __attribute__((target("avx2"))), cf_v8, 8)
CF_DEFINE_TILE(cf_tile_v16, __attribute__((target("avx512f"))), cf_v16, 16)
CF_DEFINE_FINISH(cf_finish_v8, __attribute__((target("avx2"))), cf_v8, 8)
CF_DEFINE_FINISH(cf_finish_v16, __attribute__((target("avx512f"))), cf_v16, 16)
CF_DEFINE_DW(cf_dw_v8, __attribute__((target("avx2"))), cf_v8, 8)
CF_DEFINE_DW(cf_dw_v16, __attribute__((target("avx512f"))), cf_v16, 16)
#endif

struct cf_job {
    const struct conv_job *j;
    cf_tile_fn tile;
    cf_finish_fn finish;
    int ob;            /* output channels per panel (2 vectors) */
    int64_t k;         /* taps x channels of one output channel: KH * KW * C/groups */
    int64_t panels;    /* per group */
    int64_t rows;      /* N * OH */
    atomic_bool nomem; /* a worker found no memory for its panel */
};

/* Packs panel p (over all groups) into dst: k steps of ob values. */
static void cf_pack(const struct cf_job *f, int64_t p, float *dst)
{
    const struct conv_job *j = f->j;
    const float *w = j->w->data;
    const int64_t g = p / f->panels, o0 = g * j->per_group + p % f->panels * f->ob;
    const int64_t on = j->per_group - p % f->panels * f->ob;
    /* 16 values of k at a time: whole lines in, a block of 16 * ob out */
    for (int64_t k0 = 0; k0 < f->k; k0 += 16) {
        const int64_t kn = f->k - k0 < 16 ? f->k - k0 : 16;
        float *d = dst + k0 * f->ob;
        for (int l = 0; l < f->ob; l++) {
            const float *src = w + (o0 + l) * f->k + k0;
            if (l >= on)
                for (int64_t k = 0; k < kn; k++)
                    d[k * f->ob + l] = 0.0f;
            else
                for (int64_t k = 0; k < kn; k++)
                    d[k * f->ob + l] = src[k];
        }
    }
}

/* Units [u0, u1): unit = panel * rows + output row. A range packs each of
 * its panels into memory of its own when it reaches it (a panel is at most
 * a few hundred KB, so it is still in cache for the rows that follow). */
static void cf_units(void *arg, int64_t u0, int64_t u1)
{
    struct cf_job *f = arg;
    const struct conv_job *j = f->j;
    const int ob = f->ob;
    const float *xd = j->x->data;
    const float *bd = j->b ? (const float *)j->b->data : NULL;
    float *yd = j->y->data;
    const int64_t C = j->c, wc = j->wc, KW = j->kw;
    /* one run over (kx, c) per ky when the taps of a row are adjacent */
    const bool merged = j->dw == 1 && j->groups == 1;
    const int64_t xs = j->sw * C; /* from one pixel of a tile to the next */
    _Alignas(64) float acc[CF_R * 32];
    _Alignas(64) float bias[32];
    float *panel = aligned_alloc(64, (sizeof(float) * (size_t)(f->k * ob) + 64) & ~(size_t)63);
    if (!panel) {
        atomic_store(&f->nomem, true);
        return;
    }
    int64_t packed = -1;
    for (int64_t u = u0; u < u1; u++) {
        const int64_t p = u / f->rows, row = u % f->rows;
        const int64_t g = p / f->panels;
        const int64_t o0 = g * j->per_group + p % f->panels * ob;
        const int64_t on0 = j->per_group - p % f->panels * ob, on = on0 < ob ? on0 : ob;
        if (p != packed) {
            cf_pack(f, p, panel);
            for (int64_t l = 0; l < ob; l++)
                bias[l] = bd && l < on ? bd[o0 + l] : 0.0f;
            packed = p;
        }
        const int64_t b = row / j->oh, oy = row % j->oh;
        const int64_t iy0 = oy * j->sh - j->ph;
        for (int64_t ox0 = 0; ox0 < j->ow; ox0 += CF_R) {
            const int n = j->ow - ox0 < CF_R ? (int)(j->ow - ox0) : CF_R;
            memset(acc, 0, sizeof(float) * (size_t)(n * ob));
            const int64_t ix0 = ox0 * j->sw - j->pw; /* first pixel's first tap */
            const int64_t ixl = ix0 + (n - 1) * j->sw + (KW - 1) * j->dw;
            const bool inside = ix0 >= 0 && ixl < j->wd;
            for (int64_t ky = 0; ky < j->kh; ky++) {
                const int64_t iy = iy0 + ky * j->dh;
                if (iy < 0 || iy >= j->h) continue;
                const float *xr = xd + (b * j->h + iy) * j->wd * C + g * wc; /* column 0 */
                const float *wk = panel + ky * KW * wc * ob;
                if (inside && merged) {
                    f->tile(n, xr + ix0 * C, xs, wk, KW * wc, acc);
                    continue;
                }
                for (int64_t kx = 0; kx < KW; kx++) {
                    /* the tile's pixels whose tap kx is inside: r in [r0, r1) */
                    const int64_t ix = ix0 + kx * j->dw;
                    int r0 = 0, r1 = n;
                    if (!inside) {
                        while (r0 < n && ix + r0 * j->sw < 0) r0++;
                        while (r1 > r0 && ix + (r1 - 1) * j->sw >= j->wd) r1--;
                        if (r0 == r1) continue;
                    }
                    f->tile(r1 - r0, xr + (ix + r0 * j->sw) * C, xs, wk + kx * wc * ob, wc,
                            acc + r0 * ob);
                }
            }
            f->finish(n, acc, bias, yd + ((b * j->oh + oy) * j->ow + ox0) * j->oc + o0, j->oc,
                      on);
        }
    }
    free(panel);
}

/* CONV_2D float32; false when out of memory. */
static bool cf_conv(struct op_ctx *c, const struct conv_job *j)
{
    struct cf_job f = {.j = j, .tile = cf_tile_v4, .finish = cf_finish_v4, .ob = 8};
#if defined(__x86_64__)
    switch (sgemm_best_isa()) {
    case SGEMM_AVX512:
        f.tile = cf_tile_v16, f.finish = cf_finish_v16, f.ob = 32;
        break;
    case SGEMM_AVX2:
        f.tile = cf_tile_v8, f.finish = cf_finish_v8, f.ob = 16;
        break;
    default:
        break;
    }
#endif
    f.k = j->kh * j->kw * j->wc;
    f.panels = (j->per_group + f.ob - 1) / f.ob;
    f.rows = j->n * j->oh;
    atomic_init(&f.nomem, false);
    op_parallel_for(c, j->groups * f.panels * f.rows, 1, cf_units, &f);
    return !atomic_load(&f.nomem);
}

static op_range_fn cf_dw_best(void)
{
#if defined(__x86_64__)
    switch (sgemm_best_isa()) {
    case SGEMM_AVX512:
        return cf_dw_v16;
    case SGEMM_AVX2:
        return cf_dw_v8;
    default:
        break;
    }
#endif
    return cf_dw_v4;
}

/* Per-channel multipliers as TFLite's Prepare computes them. */
static fy_status make_multipliers(struct op_ctx *c, struct conv_job *j, int64_t channels)
{
    int32_t *m = op_scratch(c, sizeof(int32_t) * (size_t)channels + 1);
    int *s = op_scratch(c, sizeof(int) * (size_t)channels + 1);
    if (!m || !s) return FY_ENOMEM;
    const float xs = tfl_scale(j->x), ys = tfl_scale(j->y);
    const struct ir_quant *wq = j->w->quant;
    for (int64_t o = 0; o < channels; o++) {
        const float ws = wq->scale[wq->count > 1 ? o : 0];
        double real;
        if (j->arith == ARITH_U8) /* legacy uint8: the float product */
            real = (double)(xs * ws) / (double)ys;
        else
            real = (double)xs * (double)ws / (double)ys;
        tfq_quantize_multiplier(real, &m[o], &s[o]);
    }
    j->mult = m;
    j->shift = s;
    j->x_off = -tfl_zero_point(j->x);
    j->w_off = -tfl_zero_point(j->w);
    j->y_off = tfl_zero_point(j->y);
    tfl_act_range(c, j->y, &j->lo, &j->hi);
    if (j->kind != TCONV && j->arith == ARITH_I8 && tfl_xnn(c, j->y)) {
        /* XNNPACK: scale = x_scale * w_scale[o] / y_scale in float, fp32
         * requantization, and its own quantized activation bounds */
        float *fs = op_scratch(c, sizeof(float) * (size_t)channels + 1);
        if (!fs) return FY_ENOMEM;
        for (int64_t o = 0; o < channels; o++)
            fs[o] = xs * wq->scale[wq->count > 1 ? o : 0] / ys;
        j->xnn_scale = fs;
        tfl_xnn_act_range(c, j->y, &j->lo, &j->hi);
    }
    return FY_OK;
}

static fy_status conv_common_infer(struct op_ctx *c, enum conv_kind kind)
{
    const struct tfl_conv_params *p = c->params;
    const struct op_tensor *x = c->in[0], *w = c->n_inputs > 1 ? c->in[1] : NULL;
    const struct op_tensor *b = c->n_inputs > 2 ? c->in[2] : NULL;
    if (!x || !w) return op_fail(c, FY_EINVALID, "input and filter are required");
    if (x->rank != 4 || w->rank != 4)
        return op_fail(c, FY_EINVALID, "input has rank %d and filter rank %d; both must be 4",
                       x->rank, w->rank);
    fy_status st = check_types(c, x, w, b, kind);
    if (st) return st;
    int64_t oc;
    if (kind == CONV) {
        oc = w->dims[0];
        if (w->dims[3] <= 0 || x->dims[3] % w->dims[3] != 0)
            return op_fail(c, FY_EINVALID,
                           "input has %lld channels, not a multiple of the filter's %lld",
                           (long long)x->dims[3], (long long)w->dims[3]);
        int64_t groups = x->dims[3] / w->dims[3];
        if (groups <= 0 || oc % groups != 0)
            return op_fail(c, FY_EINVALID, "%lld output channels do not split into %lld groups",
                           (long long)oc, (long long)groups);
    } else {
        oc = w->dims[3];
        if (w->dims[0] != 1)
            return op_fail(c, FY_EINVALID, "depthwise filter has dim 0 = %lld; expected 1",
                           (long long)w->dims[0]);
        if (x->dims[3] <= 0 || oc % x->dims[3] != 0)
            return op_fail(c, FY_EINVALID,
                           "filter has %lld channels, not a multiple of the input's %lld",
                           (long long)oc, (long long)x->dims[3]);
        if (p->depth_multiplier && p->depth_multiplier * x->dims[3] != oc)
            return op_fail(c, FY_EINVALID,
                           "depth_multiplier %d with %lld input channels does not give the "
                           "filter's %lld",
                           p->depth_multiplier, (long long)x->dims[3], (long long)oc);
    }
    if (b && b->numel != (uint64_t)oc)
        return op_fail(c, FY_EINVALID, "bias has %llu values for %lld output channels",
                       (unsigned long long)b->numel, (long long)oc);
    int64_t dims[4] = {
        x->dims[0], tfl_out_size(p->padding, x->dims[1], w->dims[1], p->stride_h, p->dilation_h),
        tfl_out_size(p->padding, x->dims[2], w->dims[2], p->stride_w, p->dilation_w), oc};
    return op_set_output(c, 0, x->dtype, 4, dims); /* TFLite: output type = input type */
}

fy_status tfl_conv2d_infer(struct op_ctx *c)
{
    return conv_common_infer(c, CONV);
}
fy_status tfl_dwconv_infer(struct op_ctx *c)
{
    return conv_common_infer(c, DWCONV);
}

static fy_status conv_common_eval(struct op_ctx *c, enum conv_kind kind)
{
    const struct tfl_conv_params *p = c->params;
    struct conv_job j = {.kind = kind};
    j.x = c->in[0];
    j.w = c->in[1];
    j.b = c->n_inputs > 2 ? c->in[2] : NULL;
    j.y = c->out[0];
    j.arith = arith_of(j.x, j.b, c->node, kind);
    j.n = j.x->dims[0], j.h = j.x->dims[1], j.wd = j.x->dims[2], j.c = j.x->dims[3];
    j.kh = j.w->dims[1], j.kw = j.w->dims[2], j.wc = j.w->dims[3];
    j.oh = j.y->dims[1], j.ow = j.y->dims[2], j.oc = j.y->dims[3];
    j.sh = p->stride_h, j.sw = p->stride_w, j.dh = p->dilation_h, j.dw = p->dilation_w;
    j.ph = tfl_pad_before(j.sh, j.dh, j.h, j.kh, j.oh, NULL);
    j.pw = tfl_pad_before(j.sw, j.dw, j.wd, j.kw, j.ow, NULL);
    if (kind == CONV) {
        j.groups = j.c / j.wc;
        j.per_group = j.oc / j.groups;
    } else {
        j.dm = j.oc / j.c;
    }
    if (j.arith != ARITH_F32) {
        fy_status st = make_multipliers(c, &j, j.oc);
        if (st) return op_fail(c, st, "out of memory");
    }
    if (j.y->numel == 0) return FY_OK;
    if (j.arith == ARITH_F32 && kind == CONV) {
        if (!cf_conv(c, &j)) return op_fail(c, FY_ENOMEM, "out of memory");
        return FY_OK;
    }
    op_range_fn rows = conv_rows;
    if (j.arith == ARITH_F32 && j.dm == 1) rows = cf_dw_best();
    op_parallel_for(c, j.n * j.oh, 1, rows, &j);
    return FY_OK;
}

fy_status tfl_conv2d_eval(struct op_ctx *c)
{
    return conv_common_eval(c, CONV);
}
fy_status tfl_dwconv_eval(struct op_ctx *c)
{
    return conv_common_eval(c, DWCONV);
}

/* ---- TRANSPOSE_CONV ---- */

fy_status tfl_tconv_infer(struct op_ctx *c)
{
    const struct op_tensor *shape = c->in[0], *w = c->in[1], *x = c->in[2];
    const struct op_tensor *b = c->n_inputs > 3 ? c->in[3] : NULL;
    if (!shape || !w || !x)
        return op_fail(c, FY_EINVALID, "output_shape, filter and input are required");
    if (x->rank != 4 || w->rank != 4)
        return op_fail(c, FY_EINVALID, "input has rank %d and filter rank %d; both must be 4",
                       x->rank, w->rank);
    fy_status st = check_types(c, x, w, b, TCONV);
    if (st) return st;
    int64_t dims[OP_MAX_RANK];
    int n;
    st = op_read_ints(c, 0, dims, OP_MAX_RANK, &n);
    if (st) return st;
    if (n != 4) return op_fail(c, FY_EINVALID, "output_shape has %d values; expected 4", n);
    if (dims[0] != x->dims[0] || dims[3] != w->dims[0] || w->dims[3] != x->dims[3])
        return op_fail(c, FY_EINVALID,
                       "output_shape [%lld,%lld,%lld,%lld] does not fit input batch %lld, filter "
                       "[%lld,%lld,%lld,%lld]",
                       (long long)dims[0], (long long)dims[1], (long long)dims[2],
                       (long long)dims[3], (long long)x->dims[0], (long long)w->dims[0],
                       (long long)w->dims[1], (long long)w->dims[2], (long long)w->dims[3]);
    if (b && b->numel != (uint64_t)w->dims[0])
        return op_fail(c, FY_EINVALID, "bias has %llu values for %lld output channels",
                       (unsigned long long)b->numel, (long long)w->dims[0]);
    return op_set_output(c, 0, x->dtype, 4, dims);
}

fy_status tfl_tconv_eval(struct op_ctx *c)
{
    const struct tfl_conv_params *p = c->params;
    struct conv_job j = {.kind = TCONV};
    j.w = c->in[1];
    j.x = c->in[2];
    j.b = c->n_inputs > 3 ? c->in[3] : NULL;
    j.y = c->out[0];
    j.arith = arith_of(j.x, j.b, c->node, TCONV);
    if (j.arith == ARITH_I16_32) j.arith = ARITH_I16_64; /* Micro's int16 path is int64 only */
    const int64_t N = j.x->dims[0], H = j.x->dims[1], W = j.x->dims[2], C = j.x->dims[3];
    const int64_t KH = j.w->dims[1], KW = j.w->dims[2], O = j.w->dims[0];
    const int64_t OH = j.y->dims[1], OW = j.y->dims[2];
    const int sh = p->stride_h, sw = p->stride_w;
    /* padding from the output size, as for a forward conv over it (dilation 1) */
    const int ph = tfl_pad_before(sh, 1, OH, KH, tfl_out_size(p->padding, OH, KH, sh, 1), NULL);
    const int pw = tfl_pad_before(sw, 1, OW, KW, tfl_out_size(p->padding, OW, KW, sw, 1), NULL);
    const uint64_t total = j.y->numel;
    if (total == 0) return FY_OK;
    if (j.arith != ARITH_F32) {
        fy_status st = make_multipliers(c, &j, O);
        if (st) return op_fail(c, st, "out of memory");
    }
    /* scatter every input value through the filter into an accumulator */
    float *accf = NULL;
    int64_t *acci = NULL;
    if (j.arith == ARITH_F32)
        accf = op_scratch(c, sizeof(float) * total);
    else
        acci = op_scratch(c, sizeof(int64_t) * total);
    if (!accf && !acci) return op_fail(c, FY_ENOMEM, "out of memory");
    if (accf)
        memset(accf, 0, sizeof(float) * total);
    else
        memset(acci, 0, sizeof(int64_t) * total);
    for (int64_t b = 0; b < N; b++)
        for (int64_t iy = 0; iy < H; iy++)
            for (int64_t ix = 0; ix < W; ix++)
                for (int64_t ic = 0; ic < C; ic++) {
                    const int64_t xi = ((b * H + iy) * W + ix) * C + ic;
                    const int64_t oy0 = iy * sh - ph, ox0 = ix * sw - pw;
                    for (int64_t ky = 0; ky < KH; ky++) {
                        const int64_t oy = oy0 + ky;
                        if (oy < 0 || oy >= OH) continue;
                        for (int64_t kx = 0; kx < KW; kx++) {
                            const int64_t ox = ox0 + kx;
                            if (ox < 0 || ox >= OW) continue;
                            const int64_t yo = ((b * OH + oy) * OW + ox) * O;
                            for (int64_t o = 0; o < O; o++) {
                                const int64_t wi = ((o * KH + ky) * KW + kx) * C + ic;
                                if (accf) {
                                    accf[yo + o] += ((const float *)j.x->data)[xi] *
                                                    ((const float *)j.w->data)[wi];
                                } else if (j.arith == ARITH_I16_64) {
                                    acci[yo + o] += (int64_t)((const int16_t *)j.x->data)[xi] *
                                                    ((const int8_t *)j.w->data)[wi];
                                } else {
                                    acci[yo + o] += (get_q(j.x->data, j.x->dtype, xi) + j.x_off) *
                                                    (get_q(j.w->data, j.w->dtype, wi) + j.w_off);
                                }
                            }
                        }
                    }
                }
    for (uint64_t i = 0; i < total; i++) {
        const int64_t o = (int64_t)(i % (uint64_t)O);
        if (accf) {
            ((float *)j.y->data)[i] = accf[i] + (float)bias_f(j.b, o);
        } else {
            /* int8: TFLite's scratch is int32, so the sum wraps there */
            int64_t acc = j.arith == ARITH_I16_64 ? acci[i] : (int64_t)(int32_t)acci[i];
            acc += bias_i(j.b, o);
            put_q(j.y->data, j.y->dtype, (int64_t)i, requant(&j, acc, o));
        }
    }
    return FY_OK;
}

/* ---- CONV_3D (float32): input [N, D, H, W, C], filter [KD, KH, KW, C, O],
 * bias [O]?; the sum runs over (kd, ky, kx, c) in float32, then + bias ---- */

fy_status tfl_conv3d_parse(const struct ir_node *n, int64_t opset, void *params,
                           struct fy_error *err)
{
    (void)opset;
    struct tfl_conv3d_params *p = params;
    fy_status st = tfl_parse_padding(n, &p->padding, err);
    if (!st) st = tfl_parse_int(n, "stride_d", 1, 1, 1 << 20, &p->stride[0], err);
    if (!st) st = tfl_parse_int(n, "stride_h", 1, 1, 1 << 20, &p->stride[1], err);
    if (!st) st = tfl_parse_int(n, "stride_w", 1, 1, 1 << 20, &p->stride[2], err);
    if (!st) st = tfl_parse_int(n, "dilation_d_factor", 1, 1, 1 << 20, &p->dilation[0], err);
    if (!st) st = tfl_parse_int(n, "dilation_h_factor", 1, 1, 1 << 20, &p->dilation[1], err);
    if (!st) st = tfl_parse_int(n, "dilation_w_factor", 1, 1, 1 << 20, &p->dilation[2], err);
    return st;
}

fy_status tfl_conv3d_infer(struct op_ctx *c)
{
    const struct tfl_conv3d_params *p = c->params;
    const struct op_tensor *x = c->in[0], *w = c->n_inputs > 1 ? c->in[1] : NULL;
    const struct op_tensor *b = c->n_inputs > 2 ? c->in[2] : NULL;
    if (!x || !w) return op_fail(c, FY_EINVALID, "input and filter are required");
    if (x->dtype != IR_F32 || w->dtype != IR_F32 || (b && b->dtype != IR_F32))
        return op_fail(c, FY_EUNSUPPORTED, "CONV_3D is supported for float32 only");
    if (x->rank != 5 || w->rank != 5)
        return op_fail(c, FY_EINVALID, "input has rank %d and filter rank %d; both must be 5",
                       x->rank, w->rank);
    if (w->dims[3] != x->dims[4])
        return op_fail(c, FY_EINVALID, "filter has %lld input channels; the input has %lld",
                       (long long)w->dims[3], (long long)x->dims[4]);
    if (b && b->numel != (uint64_t)w->dims[4])
        return op_fail(c, FY_EINVALID, "bias has %llu values for %lld output channels",
                       (unsigned long long)b->numel, (long long)w->dims[4]);
    int64_t dims[5] = {x->dims[0], 0, 0, 0, w->dims[4]};
    for (int k = 0; k < 3; k++)
        dims[1 + k] =
            tfl_out_size(p->padding, x->dims[1 + k], w->dims[k], p->stride[k], p->dilation[k]);
    return op_set_output(c, 0, IR_F32, 5, dims);
}

fy_status tfl_conv3d_eval(struct op_ctx *c)
{
    const struct tfl_conv3d_params *p = c->params;
    const struct op_tensor *x = c->in[0], *w = c->in[1];
    const struct op_tensor *b = c->n_inputs > 2 ? c->in[2] : NULL;
    struct op_tensor *y = c->out[0];
    const int64_t N = x->dims[0], C = x->dims[4], O = w->dims[4];
    int64_t in[3], k[3], out[3];
    int pad[3];
    for (int i = 0; i < 3; i++) {
        in[i] = x->dims[1 + i];
        k[i] = w->dims[i];
        out[i] = y->dims[1 + i];
        pad[i] = tfl_pad_before(p->stride[i], p->dilation[i], in[i], k[i], out[i], NULL);
    }
    const float *xd = x->data, *wd = w->data;
    float *yd = y->data;
    for (int64_t n = 0; n < N; n++)
        for (int64_t od = 0; od < out[0]; od++)
            for (int64_t oy = 0; oy < out[1]; oy++)
                for (int64_t ox = 0; ox < out[2]; ox++)
                    for (int64_t o = 0; o < O; o++) {
                        float total = 0.0f;
                        for (int64_t kd = 0; kd < k[0]; kd++) {
                            const int64_t id = od * p->stride[0] - pad[0] + kd * p->dilation[0];
                            if (id < 0 || id >= in[0]) continue;
                            for (int64_t ky = 0; ky < k[1]; ky++) {
                                const int64_t iy = oy * p->stride[1] - pad[1] + ky * p->dilation[1];
                                if (iy < 0 || iy >= in[1]) continue;
                                for (int64_t kx = 0; kx < k[2]; kx++) {
                                    const int64_t ix =
                                        ox * p->stride[2] - pad[2] + kx * p->dilation[2];
                                    if (ix < 0 || ix >= in[2]) continue;
                                    const float *xp =
                                        xd + (((n * in[0] + id) * in[1] + iy) * in[2] + ix) * C;
                                    const float *wp = wd + ((kd * k[1] + ky) * k[2] + kx) * C * O;
                                    for (int64_t ci = 0; ci < C; ci++)
                                        total += xp[ci] * wp[ci * O + o];
                                }
                            }
                        }
                        yd[(((n * out[0] + od) * out[1] + oy) * out[2] + ox) * O + o] =
                            total + (b ? ((const float *)b->data)[o] : 0.0f);
                    }
    return FY_OK;
}
