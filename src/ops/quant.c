/* QuantizeLinear, DequantizeLinear and DynamicQuantizeLinear, and the
 * family's descriptor table (see quant.h).
 *
 * Quantization parameters come per tensor (a scalar, or one value), per axis
 * (1-D, one per element of dim `axis`) or, from opset 21, per block (the
 * input's shape with dim `axis` divided into blocks of block_size). Integer
 * types: uint8, int8, uint16, int16, uint4, int4 (and int32 for
 * DequantizeLinear); the float8 types are not held by ferry's IR. */
#include <math.h>
#include <string.h>

#include "core/half.h"
#include "ops/nn.h"
#include "ops/quant.h"

/* ---- shared helpers ---- */

bool q_int_range(enum ir_dtype t, int64_t *lo, int64_t *hi)
{
    switch (t) {
    case IR_U8: *lo = 0, *hi = 255; return true;
    case IR_I8: *lo = -128, *hi = 127; return true;
    case IR_U16: *lo = 0, *hi = 65535; return true;
    case IR_I16: *lo = -32768, *hi = 32767; return true;
    case IR_U4: *lo = 0, *hi = 15; return true;
    case IR_I4: *lo = -8, *hi = 7; return true;
    case IR_I32: *lo = INT32_MIN, *hi = INT32_MAX; return true;
    default: return false;
    }
}

/* int4/uint4 are packed two to a byte, the first element in the low nibble */
int64_t q_get_int(const struct op_tensor *t, uint64_t i)
{
    if (t->dtype == IR_U4 || t->dtype == IR_I4) {
        unsigned v = (((const uint8_t *)t->data)[i / 2] >> (i % 2 ? 4 : 0)) & 15u;
        return t->dtype == IR_I4 && v >= 8 ? (int64_t)v - 16 : (int64_t)v;
    }
    return op_get_i64(t, i);
}

void q_set_int(struct op_tensor *t, uint64_t i, int64_t v)
{
    if (t->dtype == IR_U4 || t->dtype == IR_I4) {
        uint8_t *p = (uint8_t *)t->data + i / 2;
        unsigned nib = (unsigned)v & 15u;
        *p = i % 2 ? (uint8_t)((*p & 0x0F) | (nib << 4)) : (uint8_t)((*p & 0xF0) | nib);
        return;
    }
    op_set_i64(t, i, v);
}

float q_get_scale(const struct op_tensor *t, uint64_t i)
{
    switch (t->dtype) {
    case IR_F32: return ((const float *)t->data)[i];
    case IR_F16: return half_to_float(((const uint16_t *)t->data)[i]);
    case IR_BF16: return bf16_to_float(((const uint16_t *)t->data)[i]);
    default: return (float)op_get_f64(t, i);
    }
}

int64_t q_requantize(float v, int64_t zp, int64_t lo, int64_t hi)
{
    /* rintf rounds half to even in the default rounding mode, which nothing
     * here changes */
    if (isnan(v)) return zp < lo ? lo : (zp > hi ? hi : zp);
    double r = (double)rintf(v) + (double)zp;
    if (r < (double)lo) return lo;
    if (r > (double)hi) return hi;
    return (int64_t)r;
}

/* ---- parameters ---- */

/* ONNX TensorProto codes of the types these ops may name (output_dtype,
 * precision); ops/ does not see the format tables. */
static enum ir_dtype onnx_code_dtype(int64_t code)
{
    switch (code) {
    case 1: return IR_F32;
    case 2: return IR_U8;
    case 3: return IR_I8;
    case 4: return IR_U16;
    case 5: return IR_I16;
    case 6: return IR_I32;
    case 10: return IR_F16;
    case 11: return IR_F64;
    case 16: return IR_BF16;
    case 21: return IR_U4;
    case 22: return IR_I4;
    default: return IR_UNDEFINED;
    }
}

fy_status q_linear_parse(const struct ir_node *n, int64_t opset, void *params,
                         struct fy_error *err)
{
    (void)opset;
    struct q_linear_params *p = params;
    int64_t out_code, prec_code;
    fy_status st = op_attr_int(n, "axis", 1, &p->axis, err);
    if (!st) st = op_attr_int(n, "block_size", 0, &p->block_size, err);
    if (!st) st = op_attr_int(n, "output_dtype", 0, &out_code, err);
    if (!st) st = op_attr_int(n, "precision", 0, &prec_code, err);
    if (st) return st;
    /* 'saturate' only concerns float8 outputs, which ferry does not hold */
    if (p->block_size < 0)
        return op_fail_node(n, err, FY_EINVALID, "block_size is %lld; it must not be negative",
                            (long long)p->block_size);
    p->out_dtype = out_code ? onnx_code_dtype(out_code) : IR_UNDEFINED;
    if (out_code && p->out_dtype == IR_UNDEFINED)
        return op_fail_node(n, err, FY_EUNSUPPORTED,
                            "output_dtype %lld is not a type ferry quantizes to",
                            (long long)out_code);
    p->precision = prec_code ? onnx_code_dtype(prec_code) : IR_UNDEFINED;
    if (prec_code && p->precision != IR_F32 && p->precision != IR_F16 &&
        p->precision != IR_BF16 && p->precision != IR_F64)
        return op_fail_node(n, err, FY_EUNSUPPORTED, "precision %lld is not a float type",
                            (long long)prec_code);
    return FY_OK;
}

/* Where element i of x finds its scale and zero point. */
struct q_map {
    enum { Q_TENSOR, Q_AXIS, Q_BLOCK } kind;
    int64_t dim, inner, blocks, block; /* of x's axis */
};

static uint64_t q_param_index(const struct q_map *m, uint64_t i)
{
    switch (m->kind) {
    case Q_TENSOR: return 0;
    case Q_AXIS: return (i / (uint64_t)m->inner) % (uint64_t)m->dim;
    case Q_BLOCK: {
        uint64_t inner = (uint64_t)m->inner, dim = (uint64_t)m->dim;
        uint64_t o = i / (dim * inner), k = (i / inner) % dim, r = i % inner;
        return (o * (uint64_t)m->blocks + k / (uint64_t)m->block) * inner + r;
    }
    }
    return 0;
}

/* Checks scale (input 1) and zero point (input 2) against x (input 0). */
static fy_status q_map_for(struct op_ctx *c, struct q_map *m)
{
    const struct q_linear_params *p = c->params;
    const struct op_tensor *x = c->in[0], *s = c->in[1];
    const struct op_tensor *z = nn_in(c, 2);
    char b1[96], b2[96];
    memset(m, 0, sizeof *m);
    if (z) {
        bool same = z->rank == s->rank;
        for (int d = 0; same && d < s->rank; d++) same = z->dims[d] == s->dims[d];
        if (!same)
            return op_fail(c, FY_EINVALID, "the zero point has shape %s but the scale has %s",
                           nn_shape_str(z, b1, sizeof b1), nn_shape_str(s, b2, sizeof b2));
    }
    /* the scale's shape decides the granularity (block_size only sizes blocks) */
    if (s->numel == 1 && s->rank <= 1) {
        m->kind = Q_TENSOR;
        return FY_OK;
    }
    int axis;
    fy_status st = op_axis(c, p->axis, x->rank, "axis", &axis);
    if (st) return st;
    m->dim = x->dims[axis];
    m->inner = 1;
    for (int d = axis + 1; d < x->rank; d++) m->inner *= x->dims[d];
    if (m->inner == 0) m->inner = 1; /* x is empty: no element asks */
    if (p->block_size == 0) {
        if (s->rank != 1 || s->dims[0] != m->dim)
            return op_fail(c, FY_EINVALID,
                           "the scale has shape %s; per-axis quantization along axis %d of %s "
                           "needs [%lld]",
                           nn_shape_str(s, b1, sizeof b1), axis, nn_shape_str(x, b2, sizeof b2),
                           (long long)m->dim);
        m->kind = Q_AXIS;
        return FY_OK;
    }
    m->kind = Q_BLOCK;
    m->block = p->block_size;
    m->blocks = (m->dim + m->block - 1) / m->block;
    bool ok = s->rank == x->rank;
    for (int d = 0; ok && d < x->rank; d++) ok = s->dims[d] == (d == axis ? m->blocks : x->dims[d]);
    if (!ok)
        return op_fail(c, FY_EINVALID,
                       "the scale has shape %s; blocks of %lld along axis %d of %s need %lld "
                       "there and x's dims elsewhere",
                       nn_shape_str(s, b1, sizeof b1), (long long)m->block, axis,
                       nn_shape_str(x, b2, sizeof b2), (long long)m->blocks);
    return FY_OK;
}

static bool is_scale_type(enum ir_dtype t)
{
    return t == IR_F32 || t == IR_F16 || t == IR_BF16;
}

/* ---- QuantizeLinear ---- */

static enum ir_dtype quantize_out_type(const struct op_ctx *c)
{
    const struct q_linear_params *p = c->params;
    const struct op_tensor *z = nn_in(c, 2);
    if (z) return z->dtype;
    return p->out_dtype != IR_UNDEFINED ? p->out_dtype : IR_U8;
}

fy_status q_quantize_infer(struct op_ctx *c)
{
    const struct q_linear_params *p = c->params;
    static const enum ir_dtype xs[] = {IR_F32, IR_F16, IR_BF16, IR_I32};
    fy_status st = op_expect_dtype(c, 0, xs, 4);
    if (st) return st;
    const struct op_tensor *s = c->in[1], *z = nn_in(c, 2);
    if (!is_scale_type(s->dtype))
        return op_fail(c, FY_EUNSUPPORTED, "y_scale has type %s; expected a float type",
                       ir_dtype_name(s->dtype));
    enum ir_dtype out = quantize_out_type(c);
    int64_t lo, hi;
    if (!q_int_range(out, &lo, &hi) || out == IR_I32)
        return op_fail(c, FY_EUNSUPPORTED, "cannot quantize to %s", ir_dtype_name(out));
    if (z && p->out_dtype != IR_UNDEFINED && p->out_dtype != z->dtype)
        return op_fail(c, FY_EINVALID, "output_dtype is %s but y_zero_point has type %s",
                       ir_dtype_name(p->out_dtype), ir_dtype_name(z->dtype));
    struct q_map m;
    st = q_map_for(c, &m);
    if (st) return st;
    return op_set_output(c, 0, out, c->in[0]->rank, c->in[0]->dims);
}

/* x / scale in the precision ONNX asks for: that of the scale's type
 * unless the precision attribute names another. */
static float divide(float x, float s, enum ir_dtype prec)
{
    switch (prec) {
    case IR_F16: return half_to_float(half_from_float(x / s));
    case IR_BF16: return bf16_to_float(bf16_from_float(x / s));
    default: return x / s;
    }
}

/* The common layouts (per tensor, or per axis) walk x in runs that share
 * one scale and zero point; run r covers [start, start + len) with
 * parameter index k. Blocked quantization returns false: the element-wise
 * path serves it. */
static bool q_runs(const struct q_map *m, uint64_t numel, uint64_t r, uint64_t *start,
                   uint64_t *len, uint64_t *k)
{
    if (m->kind == Q_TENSOR) {
        if (r) return false;
        *start = 0, *len = numel, *k = 0;
        return true;
    }
    uint64_t inner = (uint64_t)m->inner;
    if (m->kind != Q_AXIS || r * inner >= numel) return false;
    *start = r * inner;
    *len = inner;
    *k = r % (uint64_t)m->dim;
    return true;
}

static bool is_8bit(enum ir_dtype t) { return t == IR_I8 || t == IR_U8; }

/* 8-bit x, float32 everything else: the same arithmetic as the general
 * loops below, on typed pointers. */
OP_VECTORIZE static void q_dequantize_8bit(const struct q_map *m, const struct op_tensor *x,
                              const struct op_tensor *s, const struct op_tensor *z, float *y)
{
    uint64_t start, len, k;
    for (uint64_t r = 0; q_runs(m, x->numel, r, &start, &len, &k); r++) {
        /* 8-bit values and zero points: the difference is exact in int32 */
        int32_t zp = z ? (int32_t)q_get_int(z, k) : 0;
        float sc = ((const float *)s->data)[k];
        float *yv = y + start;
        if (x->dtype == IR_I8) {
            const int8_t *xv = (const int8_t *)x->data + start;
            for (uint64_t i = 0; i < len; i++) yv[i] = (float)((int32_t)xv[i] - zp) * sc;
        } else {
            const uint8_t *xv = (const uint8_t *)x->data + start;
            for (uint64_t i = 0; i < len; i++) yv[i] = (float)((int32_t)xv[i] - zp) * sc;
        }
    }
}

/* q_requantize for 8-bit outputs, in float: rintf by the 1.5 * 2^23 trick
 * (exact round-half-even in the default rounding mode for |v| < 2^22; larger
 * values land beyond the 8-bit range either way and are clamped), so the
 * loop vectorizes on baseline x86-64, which has no rounding instruction. */
OP_VECTORIZE static inline float q_requantize_8bit(float v, float zp, float lo, float hi)
{
    const float magic = 12582912.0f; /* 1.5 * 2^23 */
    float q = (v + magic) - magic + zp;
    q = q < lo ? lo : (q > hi ? hi : q);
    return q == q ? q : (zp < lo ? lo : (zp > hi ? hi : zp)); /* NaN: the zero point */
}

OP_VECTORIZE static void q_quantize_8bit(const struct q_map *m, const struct op_tensor *x,
                            const struct op_tensor *s, const struct op_tensor *z,
                            struct op_tensor *y, int64_t lo, int64_t hi)
{
    uint64_t start, len, k;
    float flo = (float)lo, fhi = (float)hi;
    for (uint64_t r = 0; q_runs(m, x->numel, r, &start, &len, &k); r++) {
        float zp = z ? (float)q_get_int(z, k) : 0.0f;
        float sc = ((const float *)s->data)[k];
        const float *xv = (const float *)x->data + start;
        if (y->dtype == IR_I8) {
            int8_t *yv = (int8_t *)y->data + start;
            for (uint64_t i = 0; i < len; i++)
                yv[i] = (int8_t)(int32_t)q_requantize_8bit(xv[i] / sc, zp, flo, fhi);
        } else {
            uint8_t *yv = (uint8_t *)y->data + start;
            for (uint64_t i = 0; i < len; i++)
                yv[i] = (uint8_t)(int32_t)q_requantize_8bit(xv[i] / sc, zp, flo, fhi);
        }
    }
}

fy_status q_quantize_eval(struct op_ctx *c)
{
    const struct q_linear_params *p = c->params;
    const struct op_tensor *x = c->in[0], *s = c->in[1], *z = nn_in(c, 2);
    struct op_tensor *y = c->out[0];
    struct q_map m;
    fy_status st = q_map_for(c, &m);
    if (st) return st;
    int64_t lo, hi;
    q_int_range(y->dtype, &lo, &hi);
    enum ir_dtype prec = p->precision != IR_UNDEFINED ? p->precision : s->dtype;
    if (m.kind != Q_BLOCK && x->dtype == IR_F32 && s->dtype == IR_F32 && prec == IR_F32 &&
        is_8bit(y->dtype) && (!z || z->dtype == y->dtype)) {
        q_quantize_8bit(&m, x, s, z, y, lo, hi);
        return FY_OK;
    }
    for (uint64_t i = 0; i < x->numel; i++) {
        uint64_t k = q_param_index(&m, i);
        int64_t zp = z ? q_get_int(z, k) : 0;
        float q;
        if (prec == IR_F64) {
            q = (float)rint(op_get_f64(x, i) / (double)q_get_scale(s, k));
        } else {
            float xv = x->dtype == IR_F32 ? ((const float *)x->data)[i] : (float)op_get_f64(x, i);
            q = divide(xv, q_get_scale(s, k), prec);
        }
        q_set_int(y, i, q_requantize(q, zp, lo, hi));
    }
    return FY_OK;
}

/* ---- DequantizeLinear ---- */

fy_status q_dequantize_infer(struct op_ctx *c)
{
    const struct q_linear_params *p = c->params;
    const struct op_tensor *x = c->in[0], *s = c->in[1], *z = nn_in(c, 2);
    int64_t lo, hi;
    if (!q_int_range(x->dtype, &lo, &hi))
        return op_fail(c, FY_EUNSUPPORTED, "x has type %s; expected an integer quantized type",
                       ir_dtype_name(x->dtype));
    if (!is_scale_type(s->dtype))
        return op_fail(c, FY_EUNSUPPORTED, "x_scale has type %s; expected a float type",
                       ir_dtype_name(s->dtype));
    if (z && z->dtype != x->dtype)
        return op_fail(c, FY_EINVALID, "x_zero_point has type %s; x has type %s",
                       ir_dtype_name(z->dtype), ir_dtype_name(x->dtype));
    struct q_map m;
    fy_status st = q_map_for(c, &m);
    if (st) return st;
    /* shape inference without values (passes) gives no data to look at */
    if (x->dtype == IR_I32 && z && z->data)
        for (uint64_t i = 0; i < z->numel; i++)
            if (q_get_int(z, i) != 0)
                return op_fail(c, FY_EINVALID, "an int32 x needs a zero point of 0");
    /* float32 before opset 19; then the scale's type, or output_dtype (23) */
    enum ir_dtype out = c->opset < 19 ? IR_F32 : s->dtype;
    if (p->out_dtype != IR_UNDEFINED) {
        if (p->out_dtype != s->dtype)
            return op_fail(c, FY_EINVALID, "output_dtype is %s but x_scale has type %s",
                           ir_dtype_name(p->out_dtype), ir_dtype_name(s->dtype));
        out = p->out_dtype;
    }
    return op_set_output(c, 0, out, x->rank, x->dims);
}

fy_status q_dequantize_eval(struct op_ctx *c)
{
    const struct op_tensor *x = c->in[0], *s = c->in[1], *z = nn_in(c, 2);
    struct op_tensor *y = c->out[0];
    struct q_map m;
    fy_status st = q_map_for(c, &m);
    if (st) return st;
    if (m.kind != Q_BLOCK && is_8bit(x->dtype) && s->dtype == IR_F32 && y->dtype == IR_F32) {
        q_dequantize_8bit(&m, x, s, z, y->data);
        return FY_OK;
    }
    for (uint64_t i = 0; i < x->numel; i++) {
        uint64_t k = q_param_index(&m, i);
        int64_t d = q_get_int(x, i) - (z ? q_get_int(z, k) : 0);
        float v = (float)d * q_get_scale(s, k);
        if (y->dtype == IR_F32) ((float *)y->data)[i] = v;
        else op_set_f64(y, i, v);
    }
    return FY_OK;
}

/* ---- DynamicQuantizeLinear ----
 * uint8 with the range widened to include 0:
 *   scale = (max(0, max x) - min(0, min x)) / 255   (1/255 when that range is 0)
 *   zp    = round(saturate(0 - min(0, min x) / scale))
 *   y     = saturate(round(x / scale) + zp)
 * in float32 arithmetic, as ONNX's reference implementation computes it. */

fy_status q_dynamic_infer(struct op_ctx *c)
{
    static const enum ir_dtype xs[] = {IR_F32};
    fy_status st = op_expect_dtype(c, 0, xs, 1);
    if (st) return st;
    const struct op_tensor *x = c->in[0];
    st = op_set_output(c, 0, IR_U8, x->rank, x->dims);
    if (!st) st = op_set_output(c, 1, IR_F32, 0, NULL);
    if (!st) st = op_set_output(c, 2, IR_U8, 0, NULL);
    return st;
}

fy_status q_dynamic_eval(struct op_ctx *c)
{
    const struct op_tensor *x = c->in[0];
    const float *xv = x->data;
    float mn = 0, mx = 0;
    for (uint64_t i = 0; i < x->numel; i++) {
        /* NaN never wins a comparison, so it is left out of the range */
        if (xv[i] < mn) mn = xv[i];
        if (xv[i] > mx) mx = xv[i];
    }
    float scale = (mx == mn ? 1.0f : mx - mn) / 255.0f;
    float zpf = 0.0f - mn / scale;
    zpf = fminf(fmaxf(zpf, 0.0f), 255.0f);
    int64_t zp = (int64_t)rintf(zpf);
    if (c->out[0]) {
        uint8_t *y = c->out[0]->data;
        for (uint64_t i = 0; i < x->numel; i++)
            y[i] = (uint8_t)q_requantize(xv[i] / scale, zp, 0, 255);
    }
    if (c->n_outputs > 1 && c->out[1]) *(float *)c->out[1]->data = scale;
    if (c->n_outputs > 2 && c->out[2]) *(uint8_t *)c->out[2]->data = (uint8_t)zp;
    return FY_OK;
}

/* ---- the family's descriptors ---- */

/* QLinearConv shares Conv's attributes: struct nn_conv_params, nn_conv_parse (nn.h) */
const struct op_desc op_family_quant[] = {
    {IR_OP_QUANTIZE_LINEAR, 2, 3, 1, 1, sizeof(struct q_linear_params), q_linear_parse,
     q_quantize_infer, q_quantize_eval},
    {IR_OP_DEQUANTIZE_LINEAR, 2, 3, 1, 1, sizeof(struct q_linear_params), q_linear_parse,
     q_dequantize_infer, q_dequantize_eval},
    {IR_OP_DYNAMIC_QUANTIZE_LINEAR, 1, 1, 1, 3, 0, NULL, q_dynamic_infer, q_dynamic_eval},
    /* qlinear.c */
    {IR_OP_Q_LINEAR_CONV, 8, 9, 1, 1, sizeof(struct nn_conv_params), nn_conv_parse,
     q_conv_infer, q_conv_eval},
    {IR_OP_Q_LINEAR_MAT_MUL, 8, 8, 1, 1, 0, NULL, q_matmul_infer, q_matmul_eval},
};
const int op_family_quant_count = sizeof op_family_quant / sizeof op_family_quant[0];
