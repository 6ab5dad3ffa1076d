/* Helpers shared by the tfl.* descriptors (see tfl.h). */
#include <string.h>

#include <math.h>

#include "ops/tfl.h"

float tfl_scale(const struct op_tensor *t)
{
    return t && t->quant && t->quant->count > 0 ? t->quant->scale[0] : 0.0f;
}

int32_t tfl_zero_point(const struct op_tensor *t)
{
    return t && t->quant && t->quant->count > 0 ? (int32_t)t->quant->zero_point[0] : 0;
}

fy_status tfl_need_quant(struct op_ctx *c, const struct op_tensor *t, const char *what)
{
    if (t && t->quant && t->quant->count > 0 && t->quant->scale && t->quant->zero_point)
        return FY_OK;
    return op_fail(c, FY_EINVALID, "%s is %s without quantization parameters", what,
                   t ? ir_dtype_name(t->dtype) : "missing");
}

enum ir_dtype tfl_declared_dtype(const struct op_ctx *c, int i, enum ir_dtype fallback)
{
    const struct ir_node *n = c->node;
    if (i < n->n_outputs && n->outputs[i] && n->outputs[i]->dtype != IR_UNDEFINED)
        return n->outputs[i]->dtype;
    return fallback;
}

void tfl_int_range(enum ir_dtype t, int32_t *lo, int32_t *hi)
{
    switch (t) {
    case IR_I8:
        *lo = INT8_MIN, *hi = INT8_MAX;
        break;
    case IR_U8:
        *lo = 0, *hi = UINT8_MAX;
        break;
    case IR_I16:
        *lo = INT16_MIN, *hi = INT16_MAX;
        break;
    default:
        *lo = INT32_MIN, *hi = INT32_MAX;
        break;
    }
}

bool tfl_is_quant_int(enum ir_dtype t)
{
    return t == IR_I8 || t == IR_U8 || t == IR_I16;
}

void tfl_act_range(const struct op_ctx *c, const struct op_tensor *out, int32_t *lo, int32_t *hi)
{
    int32_t qmin, qmax;
    tfl_int_range(out->dtype, &qmin, &qmax);
    tfq_activation_range((int)c->node->activation, tfl_scale(out), tfl_zero_point(out), qmin, qmax,
                         lo, hi);
}

bool tfl_xnn(const struct op_ctx *c, const struct op_tensor *out)
{
    return c->tflite_arith == OP_TFLITE_ARITH_XNNPACK && out->dtype == IR_I8;
}

static int32_t xnn_quantize(float v, float scale, int32_t zp, int32_t qmin, int32_t qmax)
{
    float f = v / scale + (float)zp;
    f = fminf(fmaxf(f, (float)qmin), (float)qmax);
    return (int32_t)lrintf(f);
}

void tfl_xnn_act_range(const struct op_ctx *c, const struct op_tensor *out, int32_t *lo,
                       int32_t *hi)
{
    int32_t qmin, qmax;
    tfl_int_range(out->dtype, &qmin, &qmax);
    const float s = tfl_scale(out);
    const int32_t zp = tfl_zero_point(out);
    *lo = qmin;
    *hi = qmax;
    switch (c->node->activation) {
    case IR_ACT_RELU:
        *lo = xnn_quantize(0.0f, s, zp, qmin, qmax);
        break;
    case IR_ACT_RELU6:
        *lo = xnn_quantize(0.0f, s, zp, qmin, qmax);
        *hi = xnn_quantize(6.0f, s, zp, qmin, qmax);
        break;
    case IR_ACT_RELU_N1_TO_1:
        *lo = xnn_quantize(-1.0f, s, zp, qmin, qmax);
        *hi = xnn_quantize(1.0f, s, zp, qmin, qmax);
        break;
    default:
        tfl_act_range(c, out, lo, hi);
        break;
    }
}

int32_t tfl_xnn_requant(int32_t acc, float scale, int32_t zp, int32_t lo, int32_t hi)
{
    float f = (float)acc * scale;
    f = fmaxf(f, (float)(lo - zp));
    f = fminf(f, (float)(hi - zp));
    return (int32_t)lrintf(f) + zp;
}

fy_status tfl_parse_padding(const struct ir_node *n, int *padding, struct fy_error *err)
{
    struct ir_bytes s;
    fy_status st = op_attr_string(n, "padding", "SAME", &s, err); /* schema default SAME */
    if (st) return st;
    if (op_bytes_eq(s, "SAME"))
        *padding = TFL_PAD_SAME;
    else if (op_bytes_eq(s, "VALID"))
        *padding = TFL_PAD_VALID;
    else
        return op_fail_node(n, err, FY_EINVALID, "padding '%.*s' is not SAME or VALID", (int)s.size,
                            (const char *)s.data);
    return FY_OK;
}

fy_status tfl_parse_int(const struct ir_node *n, const char *name, int64_t dflt, int64_t lo,
                        int64_t hi, int *out, struct fy_error *err)
{
    int64_t v;
    fy_status st = op_attr_int(n, name, dflt, &v, err);
    if (st) return st;
    if (v < lo || v > hi)
        return op_fail_node(n, err, FY_EINVALID, "%s is %lld; it must be in [%lld, %lld]", name,
                            (long long)v, (long long)lo, (long long)hi);
    *out = (int)v;
    return FY_OK;
}

fy_status tfl_parse_tensor_type(const struct ir_node *n, const char *name, enum ir_dtype *out,
                                struct fy_error *err)
{
    static const struct {
        const char *name;
        enum ir_dtype dt;
    } types[] = {{"FLOAT32", IR_F32},     {"FLOAT16", IR_F16}, {"FLOAT64", IR_F64},
                 {"INT32", IR_I32},       {"UINT8", IR_U8},    {"INT64", IR_I64},
                 {"BOOL", IR_BOOL},       {"INT16", IR_I16},   {"INT8", IR_I8},
                 {"UINT32", IR_U32},      {"UINT16", IR_U16},  {"UINT64", IR_U64},
                 {"BFLOAT16", IR_BF16},   {"INT4", IR_I4},     {"STRING", IR_STRING},
                 {"NOTYPE", IR_UNDEFINED}};
    *out = IR_UNDEFINED;
    const struct ir_attr *a = ir_node_attr(n, name);
    if (!a) return FY_OK;
    if (a->type == IR_ATTR_INT) { /* tolerate the enum's number (TensorType order) */
        static const enum ir_dtype by_code[] = {
            IR_F32, IR_F16, IR_I32,  IR_U8,  IR_I64,       IR_STRING, IR_BOOL, IR_I16, IR_C64,
            IR_I8,  IR_F64, IR_C128, IR_U64, IR_UNDEFINED, IR_U32,    IR_U16,  IR_I4,  IR_BF16};
        if (a->v.i < 0 || a->v.i >= (int64_t)(sizeof by_code / sizeof by_code[0]))
            return op_fail_node(n, err, FY_EINVALID, "%s has unknown type code %lld", name,
                                (long long)a->v.i);
        *out = by_code[a->v.i];
        return FY_OK;
    }
    struct ir_bytes s;
    fy_status st = op_attr_string(n, name, "NOTYPE", &s, err);
    if (st) return st;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (op_bytes_eq(s, types[i].name)) {
            *out = types[i].dt;
            return FY_OK;
        }
    return op_fail_node(n, err, FY_EINVALID, "%s '%.*s' is not a TensorType", name, (int)s.size,
                        (const char *)s.data);
}

int64_t tfl_out_size(int padding, int64_t in, int64_t filter, int stride, int dilation)
{
    int64_t eff = (filter - 1) * dilation + 1;
    int64_t v = padding == TFL_PAD_SAME ? (in + stride - 1) / stride : (in + stride - eff) / stride;
    return v < 0 ? 0 : v;
}

int tfl_pad_before(int stride, int dilation, int64_t in, int64_t filter, int64_t out, int *offset)
{
    int64_t eff = (filter - 1) * dilation + 1;
    int64_t total = (out - 1) * stride + eff - in;
    if (total < 0) total = 0;
    if (offset) *offset = (int)(total % 2);
    return (int)(total / 2);
}

void tfl_broadcast2(const struct op_tensor *a, const struct op_tensor *b,
                    const struct op_tensor *out, tfl_bcast_fn fn, void *arg)
{
    const uint64_t n = out->numel;
    if (a->numel == n && b->numel == n) {
        for (uint64_t i = 0; i < n; i++)
            fn(arg, i, i, i);
        return;
    }
    if (b->numel == 1 && a->numel == n) {
        for (uint64_t i = 0; i < n; i++)
            fn(arg, i, i, 0);
        return;
    }
    if (a->numel == 1 && b->numel == n) {
        for (uint64_t i = 0; i < n; i++)
            fn(arg, i, 0, i);
        return;
    }
    const int rank = out->rank;
    int64_t sa[OP_MAX_RANK], sb[OP_MAX_RANK], idx[OP_MAX_RANK];
    op_broadcast_strides(a, rank, out->dims, sa);
    op_broadcast_strides(b, rank, out->dims, sb);
    memset(idx, 0, sizeof idx);
    uint64_t ia = 0, ib = 0;
    for (uint64_t o = 0; o < n; o++) {
        fn(arg, o, ia, ib);
        for (int d = rank - 1; d >= 0; d--) { /* odometer step */
            idx[d]++;
            ia += (uint64_t)sa[d];
            ib += (uint64_t)sb[d];
            if (idx[d] < out->dims[d]) break;
            ia -= (uint64_t)(sa[d] * idx[d]);
            ib -= (uint64_t)(sb[d] * idx[d]);
            idx[d] = 0;
        }
    }
}
