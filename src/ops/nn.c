/* Family 'nn': the descriptor table, and what the family's files share:
 * sliding-window attributes and geometry, and float/double views of tensors.
 * The ops themselves live in conv.c, pool.c, norm.c and gemm.c (see nn.h). */
#include "ops/nn.h"

#include <stdio.h>
#include <string.h>

#include "core/half.h"
#include "ops/gemm_kernel.h"

/* ---- sliding windows ---- */

/* Attribute values beyond this are refused at parse, which keeps every
 * window computation ((k-1)*d+1, out*s, ...) far from int64 overflow. */
#define NN_ATTR_MAX ((int64_t)1 << 31)

static fy_status ints_in_range(const struct ir_node *n, const char *name, const int64_t *v,
                               int count, int64_t lo, struct fy_error *err)
{
    for (int i = 0; i < count; i++)
        if (v[i] < lo || v[i] > NN_ATTR_MAX)
            return op_fail_node(n, err, FY_EINVALID, "%s[%d] is %lld; it must be %s", name, i,
                                (long long)v[i], lo > 0 ? "positive" : "non-negative");
    return FY_OK;
}

fy_status nn_window_parse(const struct ir_node *n, struct nn_window *w, bool kernel_required,
                          bool with_ceil, struct fy_error *err)
{
    struct ir_bytes ap;
    fy_status st = op_attr_string(n, "auto_pad", "NOTSET", &ap, err);
    if (st) return st;
    if (op_bytes_eq(ap, "NOTSET") || ap.size == 0) w->auto_pad = NN_PAD_NOTSET;
    else if (op_bytes_eq(ap, "SAME_UPPER")) w->auto_pad = NN_PAD_SAME_UPPER;
    else if (op_bytes_eq(ap, "SAME_LOWER")) w->auto_pad = NN_PAD_SAME_LOWER;
    else if (op_bytes_eq(ap, "VALID")) w->auto_pad = NN_PAD_VALID;
    else
        return op_fail_node(n, err, FY_EINVALID,
                            "auto_pad is '%.*s'; expected NOTSET, SAME_UPPER, SAME_LOWER or VALID",
                            (int)(ap.size > 64 ? 64 : ap.size), (const char *)ap.data);
    st = op_attr_ints(n, "kernel_shape", w->kernel, NN_MAX_SPATIAL, &w->n_kernel, err);
    if (!st) st = op_attr_ints(n, "strides", w->strides, NN_MAX_SPATIAL, &w->n_strides, err);
    if (!st)
        st = op_attr_ints(n, "dilations", w->dilations, NN_MAX_SPATIAL, &w->n_dilations, err);
    if (!st) st = op_attr_ints(n, "pads", w->pads, 2 * NN_MAX_SPATIAL, &w->n_pads, err);
    if (st) return st;
    if (kernel_required && w->n_kernel < 0)
        return op_fail_node(n, err, FY_EINVALID, "attribute 'kernel_shape' is required");
    if (w->n_pads >= 0 && w->n_pads % 2)
        return op_fail_node(n, err, FY_EINVALID,
                            "pads has %d values; it needs a begin and an end per spatial axis",
                            w->n_pads);
    st = ints_in_range(n, "kernel_shape", w->kernel, w->n_kernel, 1, err);
    if (!st) st = ints_in_range(n, "strides", w->strides, w->n_strides, 1, err);
    if (!st) st = ints_in_range(n, "dilations", w->dilations, w->n_dilations, 1, err);
    if (!st) st = ints_in_range(n, "pads", w->pads, w->n_pads, 0, err);
    if (st) return st;
    w->ceil_mode = false;
    if (with_ceil) {
        int64_t ceil_mode;
        st = op_attr_int(n, "ceil_mode", 0, &ceil_mode, err);
        if (st) return st;
        w->ceil_mode = ceil_mode != 0;
    }
    return FY_OK;
}

static fy_status check_len(const struct op_ctx *c, const char *name, int count, int want)
{
    if (count >= 0 && count != want)
        return op_fail(c, FY_EINVALID, "%s has %d values; the input has %d spatial dims%s", name,
                       count, want, !strcmp(name, "pads") ? " (pads needs two per dim)" : "");
    return FY_OK;
}

bool nn_geom_finish(struct nn_geom *g)
{
    g->in_size = g->out_size = g->k_size = 1;
    for (int i = 0; i < g->ns; i++) {
        if (g->in[i] && g->in_size > INT64_MAX / g->in[i]) return false;
        if (g->out[i] && g->out_size > INT64_MAX / g->out[i]) return false;
        if (g->k[i] && g->k_size > INT64_MAX / g->k[i]) return false;
        g->in_size *= g->in[i];
        g->out_size *= g->out[i];
        g->k_size *= g->k[i];
    }
    return true;
}

fy_status nn_window_geom(const struct op_ctx *c, const struct nn_window *w, int ns,
                         const int64_t *in, const int64_t *kernel, struct nn_geom *g)
{
    fy_status st = check_len(c, "strides", w->n_strides, ns);
    if (!st) st = check_len(c, "dilations", w->n_dilations, ns);
    if (!st && w->n_pads >= 0) st = check_len(c, "pads", w->n_pads / 2, ns);
    if (st) return st;
    g->ns = ns;
    for (int i = 0; i < ns; i++) {
        int64_t k = kernel[i], s = w->n_strides > 0 ? w->strides[i] : 1;
        int64_t d = w->n_dilations > 0 ? w->dilations[i] : 1;
        if (k < 1 || k > NN_ATTR_MAX)
            return op_fail(c, FY_EINVALID, "kernel dim %d is %lld", i, (long long)k);
        int64_t dk = (k - 1) * d + 1; /* extent of the dilated window */
        int64_t pb = 0, pe = 0, out;
        switch (w->auto_pad) {
        case NN_PAD_SAME_UPPER:
        case NN_PAD_SAME_LOWER: {
            /* output ceil(in / s); the padding that needs is split, the odd
             * one going to the end (UPPER) or the beginning (LOWER) */
            out = (in[i] + s - 1) / s;
            int64_t total = (out - 1) * s + dk - in[i];
            if (total < 0) total = 0;
            if (w->auto_pad == NN_PAD_SAME_UPPER) {
                pb = total / 2;
                pe = total - pb;
            } else {
                pe = total / 2;
                pb = total - pe;
            }
            break;
        }
        case NN_PAD_VALID:
        case NN_PAD_NOTSET:
        default:
            if (w->auto_pad == NN_PAD_NOTSET && w->n_pads > 0) {
                pb = w->pads[i];
                pe = w->pads[i + ns];
            }
            if (in[i] + pb + pe < dk)
                return op_fail(c, FY_EINVALID,
                               "spatial dim %d is %lld (with pads %lld+%lld); the window "
                               "spans %lld",
                               i, (long long)in[i], (long long)pb, (long long)pe, (long long)dk);
            if (!w->ceil_mode) {
                out = (in[i] + pb + pe - dk) / s + 1;
            } else {
                out = (in[i] + pb + pe - dk + s - 1) / s + 1;
                /* a window may hang over the end pad, but must start inside
                 * the input or the begin pad */
                if ((out - 1) * s >= in[i] + pb) out--;
            }
            break;
        }
        g->in[i] = in[i];
        g->out[i] = out;
        g->k[i] = k;
        g->s[i] = s;
        g->d[i] = d;
        g->pb[i] = pb;
        g->pe[i] = pe;
    }
    if (!nn_geom_finish(g)) return op_fail(c, FY_EINVALID, "window sizes overflow");
    return FY_OK;
}

/* ---- values as float / double ---- */

bool nn_is_float(enum ir_dtype t)
{
    return t == IR_F32 || t == IR_F16 || t == IR_BF16 || t == IR_F64;
}

const struct op_tensor *nn_in(const struct op_ctx *c, int i)
{
    return i < c->n_inputs ? c->in[i] : NULL;
}

const char *nn_shape_str(const struct op_tensor *t, char *buf, size_t cap)
{
    size_t k = (size_t)snprintf(buf, cap, "[");
    for (int d = 0; d < t->rank && k + 24 < cap; d++)
        k += (size_t)snprintf(buf + k, cap - k, "%s%lld", d ? "," : "", (long long)t->dims[d]);
    snprintf(buf + k, cap - k, "]");
    return buf;
}

const double *nn_load_f64(struct op_ctx *c, const struct op_tensor *t)
{
    if (t->dtype == IR_F64) return t->data;
    double *v = op_scratch(c, (size_t)t->numel * sizeof(double) + 8);
    if (!v) return NULL;
    if (t->dtype == IR_F32) {
        const float *s = t->data;
        for (uint64_t i = 0; i < t->numel; i++) v[i] = s[i];
    } else {
        for (uint64_t i = 0; i < t->numel; i++) v[i] = op_get_f64(t, i);
    }
    return v;
}

double *nn_out_f64(struct op_ctx *c, struct op_tensor *t)
{
    if (t->dtype == IR_F64) return t->data;
    return op_scratch(c, (size_t)t->numel * sizeof(double) + 8);
}

void nn_store_f64(struct op_tensor *t, const double *v)
{
    if (t->dtype == IR_F64) {
        if (t->data != v) memcpy(t->data, v, (size_t)t->numel * sizeof(double));
    } else if (t->dtype == IR_F32) {
        float *d = t->data;
        for (uint64_t i = 0; i < t->numel; i++) d[i] = (float)v[i];
    } else {
        for (uint64_t i = 0; i < t->numel; i++) op_set_f64(t, i, v[i]);
    }
}

const float *nn_load_f32(struct op_ctx *c, const struct op_tensor *t)
{
    if (t->dtype == IR_F32) return t->data;
    float *v = op_scratch(c, (size_t)t->numel * sizeof(float) + 4);
    if (!v) return NULL;
    const uint16_t *h = t->data;
    if (t->dtype == IR_F16)
        for (uint64_t i = 0; i < t->numel; i++) v[i] = half_to_float(h[i]);
    else if (t->dtype == IR_BF16)
        for (uint64_t i = 0; i < t->numel; i++) v[i] = bf16_to_float(h[i]);
    else
        for (uint64_t i = 0; i < t->numel; i++) v[i] = (float)op_get_f64(t, i);
    return v;
}

float *nn_out_f32(struct op_ctx *c, struct op_tensor *t)
{
    if (t->dtype == IR_F32) return t->data;
    return op_scratch(c, (size_t)t->numel * sizeof(float) + 4);
}

void nn_store_f32(struct op_tensor *t, const float *v)
{
    uint16_t *h = t->data;
    if (t->dtype == IR_F32) {
        if (t->data != v) memcpy(t->data, v, (size_t)t->numel * sizeof(float));
    } else if (t->dtype == IR_F16) {
        for (uint64_t i = 0; i < t->numel; i++) h[i] = half_from_float(v[i]);
    } else if (t->dtype == IR_BF16) {
        for (uint64_t i = 0; i < t->numel; i++) h[i] = bf16_from_float(v[i]);
    } else {
        for (uint64_t i = 0; i < t->numel; i++) op_set_f64(t, i, v[i]);
    }
}

/* ---- float32 loops with vector types ---- */

/* 16-byte vectors: the native width of the baseline targets (SSE2, NEON),
 * so no function passes a vector wider than its ABI knows. Two per step. */
typedef float v4f __attribute__((vector_size(16)));

static v4f load4(const float *p)
{
    v4f v;
    memcpy(&v, p, sizeof v); /* unaligned load */
    return v;
}

static void store4(float *p, v4f v) { memcpy(p, &v, sizeof v); }

#if defined(__x86_64__)
#include <immintrin.h>

/* AVX-512: whole 16-float groups, the tail masked */
__attribute__((target("avx512f"))) static void affine_avx512(int64_t n, const float *x, float a,
                                                             float b, float *y)
{
    __m512 va = _mm512_set1_ps(a), vb = _mm512_set1_ps(b);
    int64_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm512_storeu_ps(y + i, _mm512_add_ps(_mm512_mul_ps(_mm512_loadu_ps(x + i), va), vb));
    if (i < n) {
        __mmask16 m = (__mmask16)((1u << (n - i)) - 1);
        __m512 v = _mm512_maskz_loadu_ps(m, x + i);
        _mm512_mask_storeu_ps(y + i, m, _mm512_add_ps(_mm512_mul_ps(v, va), vb));
    }
}
#endif

void nn_affine_f32(int64_t n, const float *x, float a, float b, float *y)
{
#if defined(__x86_64__)
    if (sgemm_best_isa() == SGEMM_AVX512) {
        /* multiply, then add (not fused): the same rounding as the C below */
        affine_avx512(n, x, a, b, y);
        return;
    }
#endif
    v4f va = (v4f){0} + a, vb = (v4f){0} + b;
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        store4(y + i, load4(x + i) * va + vb);
        store4(y + i + 4, load4(x + i + 4) * va + vb);
    }
    for (; i < n; i++) y[i] = x[i] * a + b;
}

void nn_axpy_f32(int64_t n, float a, const float *x, int64_t stride, float *y)
{
    int64_t i = 0;
    if (stride == 1) {
        v4f va = (v4f){0} + a;
        for (; i + 8 <= n; i += 8) {
            store4(y + i, load4(y + i) + va * load4(x + i));
            store4(y + i + 4, load4(y + i + 4) + va * load4(x + i + 4));
        }
    }
    for (; i < n; i++) y[i] += a * x[i * stride];
}

float nn_dot_f32(int64_t n, const float *x, const float *y)
{
    v4f acc0 = {0}, acc1 = {0};
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        acc0 += load4(x + i) * load4(y + i);
        acc1 += load4(x + i + 4) * load4(y + i + 4);
    }
    v4f acc = acc0 + acc1;
    float s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    for (; i < n; i++) s += x[i] * y[i];
    return s;
}

/* ---- the family's descriptors ---- */

const struct op_desc op_family_nn[] = {
    /* conv.c */
    {IR_OP_CONV, 2, 3, 1, 1, sizeof(struct nn_conv_params), nn_conv_parse, nn_conv_infer,
     nn_conv_eval},
    {IR_OP_CONV_INTEGER, 2, 4, 1, 1, sizeof(struct nn_conv_params), nn_conv_parse,
     nn_conv_integer_infer, nn_conv_integer_eval},
    {IR_OP_CONV_TRANSPOSE, 2, 3, 1, 1, sizeof(struct nn_convt_params), nn_convt_parse,
     nn_convt_infer, nn_convt_eval},
    /* pool.c */
    {IR_OP_MAX_POOL, 1, 1, 1, 2, sizeof(struct nn_pool_params), nn_maxpool_parse,
     nn_pool_infer, nn_pool_eval},
    {IR_OP_AVERAGE_POOL, 1, 1, 1, 1, sizeof(struct nn_pool_params), nn_avgpool_parse,
     nn_pool_infer, nn_pool_eval},
    {IR_OP_LP_POOL, 1, 1, 1, 1, sizeof(struct nn_pool_params), nn_lppool_parse, nn_pool_infer,
     nn_pool_eval},
    {IR_OP_GLOBAL_AVERAGE_POOL, 1, 1, 1, 1, 0, NULL, nn_global_pool_infer, nn_global_pool_eval},
    {IR_OP_GLOBAL_MAX_POOL, 1, 1, 1, 1, 0, NULL, nn_global_pool_infer, nn_global_pool_eval},
    {IR_OP_GLOBAL_LP_POOL, 1, 1, 1, 1, sizeof(struct nn_pool_params), nn_globallp_parse,
     nn_global_pool_infer, nn_global_pool_eval},
    {IR_OP_MAX_ROI_POOL, 2, 2, 1, 1, sizeof(struct nn_roipool_params), nn_roipool_parse,
     nn_roipool_infer, nn_roipool_eval},
    {IR_OP_MAX_UNPOOL, 2, 3, 1, 1, sizeof(struct nn_pool_params), nn_unpool_parse,
     nn_unpool_infer, nn_unpool_eval},
    /* norm.c */
    {IR_OP_BATCH_NORMALIZATION, 5, 5, 1, 5, sizeof(struct nn_batchnorm_params),
     nn_batchnorm_parse, nn_batchnorm_infer, nn_batchnorm_eval},
    {IR_OP_INSTANCE_NORMALIZATION, 3, 3, 1, 1, sizeof(struct nn_eps_params), nn_instnorm_parse,
     nn_instnorm_infer, nn_instnorm_eval},
    {IR_OP_LAYER_NORMALIZATION, 2, 3, 1, 3, sizeof(struct nn_layernorm_params),
     nn_layernorm_parse, nn_layernorm_infer, nn_layernorm_eval},
    {IR_OP_RMS_NORMALIZATION, 2, 2, 1, 1, sizeof(struct nn_layernorm_params),
     nn_layernorm_parse, nn_rmsnorm_infer, nn_rmsnorm_eval},
    {IR_OP_GROUP_NORMALIZATION, 3, 3, 1, 1, sizeof(struct nn_groupnorm_params),
     nn_groupnorm_parse, nn_groupnorm_infer, nn_groupnorm_eval},
    {IR_OP_LRN, 1, 1, 1, 1, sizeof(struct nn_lrn_params), nn_lrn_parse, nn_lrn_infer,
     nn_lrn_eval},
    {IR_OP_LP_NORMALIZATION, 1, 1, 1, 1, sizeof(struct nn_lpnorm_params), nn_lpnorm_parse,
     nn_lpnorm_infer, nn_lpnorm_eval},
    {IR_OP_MEAN_VARIANCE_NORMALIZATION, 1, 1, 1, 1, sizeof(struct nn_mvn_params), nn_mvn_parse,
     nn_mvn_infer, nn_mvn_eval},
    /* gemm.c */
    {IR_OP_GEMM, 2, 3, 1, 1, sizeof(struct nn_gemm_params), nn_gemm_parse, nn_gemm_infer,
     nn_gemm_eval},
    {IR_OP_MAT_MUL, 2, 2, 1, 1, 0, NULL, nn_matmul_infer, nn_matmul_eval},
    {IR_OP_MAT_MUL_INTEGER, 2, 4, 1, 1, 0, NULL, nn_matmul_integer_infer,
     nn_matmul_integer_eval},
};
const int op_family_nn_count = sizeof op_family_nn / sizeof op_family_nn[0];
