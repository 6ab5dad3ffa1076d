/* Target tensorrt: the TensorRT 10.15 ONNX parser (onnx-tensorrt).
 *
 * TensorRT builds an engine from an ONNX model through its ONNX parser, which
 * has one importer per ONNX op name. Parsing is all or nothing: a node the
 * parser cannot import fails the whole model (no CPU fallback inside
 * TensorRT; ONNX Runtime's TensorRT execution provider partitions instead,
 * which is the onnxruntime target's business).
 *
 * Where the facts come from:
 *  - onnx/onnx-tensorrt docs/operators.md for TensorRT 10.15 (opsets 9 to 24):
 *    one row per ONNX op, Y or N, the types it imports (FP32, FP16, BF16,
 *    INT32, INT64, BOOL, ...) and its restrictions;
 *  - the parser source (ModelImporter.cpp, onnxOpImporters.cpp,
 *    importerUtils.cpp of onnx-tensorrt): importers are looked up by op_type
 *    alone (the node's domain is not consulted); an op without an importer is
 *    tried as a plugin of the same name ("No importer registered for op: X.
 *    Attempting to import as plugin."); ONNX DOUBLE maps to TensorRT FLOAT;
 *    int16, uint16, uint32, uint64, string and complex have no TensorRT type;
 *    Q/DQ refuse UINT8 and need zero points that are all zeros;
 *  - NVIDIA/TensorRT plugin/README.md: the plugins TensorRT ships in
 *    libnvinfer_plugin (EfficientNMS_TRT, ...).
 *
 * How rows decide. Every op the matrix marks Y is native, with a rule that
 * checks, in this order: (1) no input or output has a dtype TensorRT has no
 * type for; (2) the op's data tensor (input 0 unless the op says otherwise)
 * has a type the matrix lists for the op; (3) the op's own restriction from
 * the matrix (attribute values, initializer-only inputs, ranks), naming the
 * value found; (4) a float64 tensor makes the node substituted: the parser
 * computes it in float32. Ops the matrix marks N, and ops it does not list,
 * are unsupported: the parser has no importer and a plugin would be needed.
 * IR_OP_OPAQUE (ops ferry does not model) is decided by name: ai.onnx ops the
 * matrix lists, the parser's own TRT_* importers, TensorRT's shipped plugins,
 * custom-domain nodes named like an ai.onnx importer (imported by that
 * importer regardless of domain), else unsupported unless a plugin of that
 * name is registered. */
#include <stdlib.h>
#include <string.h>

#include "formats/onnx/onnx.h"
#include "targets/rules.h"
#include "targets/target.h"

/* ---- types: one bit per TensorRT type the matrix names ---- */

enum {
    TT_F = 1 << 0,  /* FP32 (and DOUBLE, cast down to it) */
    TT_H = 1 << 1,  /* FP16 */
    TT_B = 1 << 2,  /* BF16 */
    TT_I = 1 << 3,  /* INT32 */
    TT_L = 1 << 4,  /* INT64 */
    TT_b = 1 << 5,  /* BOOL */
    TT_U8 = 1 << 6, /* UINT8 (network inputs and outputs only) */
    TT_I8 = 1 << 7, /* INT8 (a quantized type: through Q/DQ only) */
    TT_I4 = 1 << 8, /* INT4 (a quantized type) */
};

/* The type sets of the matrix, as a mask and as the matrix writes them. */
#define TT_FHB_M (TT_F | TT_H | TT_B)
#define TT_FHB_S "FP32, FP16, BF16"
#define TT_FH_M (TT_F | TT_H)
#define TT_FH_S "FP32, FP16"
#define TT_FHBIL_M (TT_FHB_M | TT_I | TT_L)
#define TT_FHBIL_S "FP32, FP16, BF16, INT32, INT64"
#define TT_FHBILb_M (TT_FHBIL_M | TT_b)
#define TT_FHBILb_S "FP32, FP16, BF16, INT32, INT64, BOOL"
#define TT_BOOL_M (TT_b)
#define TT_BOOL_S "BOOL"
#define TT_CAST_M (TT_FHBILb_M | TT_U8)
#define TT_CAST_S "FP32, FP16, BF16, INT32, INT64, UINT8, BOOL"
#define TT_GELU_M (TT_FHBIL_M | TT_I8)
#define TT_GELU_S "FP32, FP16, BF16, INT8, INT32, INT64"
#define TT_ATTN_M (TT_FHB_M | TT_I8)
#define TT_ATTN_S "FP32, FP16, BF16, INT8, FP8"
#define TT_DQ_M (TT_I8 | TT_I4)
#define TT_DQ_S "INT8, FP8, FP4, INT4"
#define TT_CONST_M (TT_FHBILb_M | TT_I4)
#define TT_CONST_S "FP32, FP16, BF16, FP8, FP4, INT4, INT32, INT64, BOOL"
#define TT_F_M (TT_F)
#define TT_F_S "FP32"
#define TT_FHBI_M (TT_FHB_M | TT_I)
#define TT_FHBI_S "FP32, FP16, BF16, INT32"

static unsigned trt_bit(enum ir_dtype d)
{
    switch (d) {
    case IR_F32:
    case IR_F64:
        return TT_F;
    case IR_F16:
        return TT_H;
    case IR_BF16:
        return TT_B;
    case IR_I32:
        return TT_I;
    case IR_I64:
        return TT_L;
    case IR_BOOL:
        return TT_b;
    case IR_U8:
        return TT_U8;
    case IR_I8:
        return TT_I8;
    case IR_I4:
        return TT_I4;
    default:
        return 0; /* no TensorRT type */
    }
}

/* ---- small helpers ---- */

static const char *op_name(const struct ir_node *n)
{
    return n->op_type && n->op_type[0] ? n->op_type : ir_op_name(n->op);
}

/* A tensor the parser sees as weights: an initializer, or the output of a
 * Constant node. */
static bool build_const(const struct ir_tensor *t)
{
    return rule_is_const(t) || (t && t->producer && t->producer->op == IR_OP_CONSTANT);
}

/* The data of a build-time constant (initializer or Constant's `value`). */
static const struct ir_tensor *const_data(const struct ir_tensor *t)
{
    if (rule_is_const(t)) return t->data ? t : NULL;
    if (t && t->producer && t->producer->op == IR_OP_CONSTANT) {
        const struct ir_attr *a = ir_node_attr(t->producer, "value");
        if (a && a->type == IR_ATTR_TENSOR && a->v.t && a->v.t->data) return a->v.t;
    }
    return NULL;
}

/* Element i of an integer (or bool) constant. */
static bool const_int(const struct ir_tensor *t, uint64_t i, int64_t *out)
{
    t = const_data(t);
    if (!t) return false;
    unsigned bits = ir_dtype_table[t->dtype].bits;
    if (!bits || bits % 8 || ir_dtype_table[t->dtype].is_float) return false;
    uint64_t w = bits / 8;
    if ((i + 1) * w > t->nbytes) return false;
    const unsigned char *p = (const unsigned char *)t->data + i * w;
    switch (t->dtype) {
    case IR_I8:
        *out = (int8_t)p[0];
        return true;
    case IR_U8:
    case IR_BOOL:
        *out = p[0];
        return true;
    case IR_I32: {
        int32_t x;
        memcpy(&x, p, 4);
        *out = x;
        return true;
    }
    case IR_I64: {
        int64_t x;
        memcpy(&x, p, 8);
        *out = x;
        return true;
    }
    default:
        return false;
    }
}

/* Every byte of a constant zero (a zero point of any integer type);
 * false when the data is not known. */
static bool const_all_zero(const struct ir_tensor *t)
{
    t = const_data(t);
    if (!t) return false;
    const unsigned char *p = t->data;
    for (uint64_t i = 0; i < t->nbytes; i++)
        if (p[i]) return false;
    return true;
}

static const char *tensor_name(const struct ir_tensor *t)
{
    return t && t->name ? t->name : "?";
}

/* ---- the common part of every supported row ---- */

static const unsigned short trt_types[IR_OP_COUNT];

static void mask_names(unsigned m, char *buf, int cap)
{
    static const char *const names[] = {"FP32", "FP16",  "BF16", "INT32", "INT64",
                                        "BOOL", "UINT8", "INT8", "INT4"};
    int k = 0;
    buf[0] = 0;
    for (int i = 0; i < 9 && k < cap; i++)
        if (m & (1u << i))
            k += snprintf(buf + k, (size_t)(cap - k), "%s%s", k ? ", " : "", names[i]);
}

/* (1) a tensor of a dtype TensorRT has no type for. */
static bool no_trt_type(const struct ir_node *n, struct check_verdict *v)
{
    for (int io = 0; io < 2; io++) {
        int cnt = io ? n->n_outputs : n->n_inputs;
        for (int i = 0; i < cnt; i++) {
            const struct ir_tensor *t = io ? n->outputs[i] : n->inputs[i];
            if (!t || t->dtype == IR_UNDEFINED || trt_bit(t->dtype)) continue;
            return check_set(v, CHECK_UNSUPPORTED, "tensorrt.dtype",
                             "%s %d ('%s') is %s; TensorRT has no %s type (its types: FP32, "
                             "FP16, BF16, FP8, FP4, INT32, INT64, INT8, INT4, UINT8, BOOL)",
                             io ? "output" : "input", i, tensor_name(t), rule_dtype_name(t),
                             rule_dtype_name(t));
        }
    }
    return false;
}

/* (2) the data tensor's type against the matrix's list for the op. */
static bool data_type(const struct check_node *c, const struct ir_tensor *t, const char *which,
                      struct check_verdict *v)
{
    unsigned want = trt_types[c->n->op];
    if (!t || t->dtype == IR_UNDEFINED || !want) return false;
    unsigned bit = trt_bit(t->dtype);
    if (bit & want) return false;
    char list[96];
    mask_names(want, list, sizeof list);
    const char *why = bit == TT_U8 ? " (UINT8 is allowed only for network inputs and outputs)"
                      : bit == TT_I8 || bit == TT_I4
                          ? " (INT8 and INT4 are quantized types, reached only through "
                            "QuantizeLinear/DequantizeLinear)"
                          : "";
    return check_set(v, CHECK_UNSUPPORTED, "tensorrt.dtype",
                     "%s ('%s') is %s; the TensorRT 10.15 matrix lists %s for %s only%s", which,
                     tensor_name(t), rule_dtype_name(t), op_name(c->n), list, why);
}

/* (4) float64 anywhere: computed in float32. */
static bool float64_cast(const struct ir_node *n, struct check_verdict *v)
{
    for (int io = 0; io < 2; io++) {
        int cnt = io ? n->n_outputs : n->n_inputs;
        for (int i = 0; i < cnt; i++) {
            const struct ir_tensor *t = io ? n->outputs[i] : n->inputs[i];
            if (!t || t->dtype != IR_F64) continue;
            check_set(v, CHECK_SUBSTITUTED, "tensorrt.float64",
                      "%s %d ('%s') is float64; TensorRT has no DOUBLE type and the parser "
                      "casts it down to FP32 (values clamped to +-FLT_MAX)",
                      io ? "output" : "input", i, tensor_name(t));
            v->substitute = "the same op computed in FP32 (DOUBLE cast down)";
            return true;
        }
    }
    return false;
}

enum { DATA_OUT0 = -1, DATA_NONE = -2 };

static bool trt_node(const struct check_node *c, struct check_verdict *v, int data,
                     check_rule_fn own)
{
    const struct ir_node *n = c->n;
    if (no_trt_type(n, v)) return true;
    if (data >= 0 && data_type(c, rule_input(n, data), data ? "input 1" : "input 0", v))
        return true;
    if (data == DATA_OUT0 && data_type(c, rule_output(n, 0), "output 0", v)) return true;
    if (own && own(c, v)) return true;
    return float64_cast(n, v);
}

/* ---- the ops' own restrictions (operators.md, TensorRT 10.15) ---- */

static bool dilations_one(const struct check_node *c, struct check_verdict *v)
{
    const int64_t *d;
    int k = rule_attr_ints(c->n, "dilations", &d);
    for (int i = 0; i < k; i++)
        if (d[i] != 1)
            return check_set(v, CHECK_UNSUPPORTED, "tensorrt.pool.dilations",
                             "dilations[%d] is %lld; TensorRT pools need dilations empty or all "
                             "1",
                             i, (long long)d[i]);
    return false;
}

/* The number of spatial dims of a pooling / conv node: kernel_shape's
 * length, else the input rank minus 2; -1 when unknown. */
static int spatial_dims(const struct ir_node *n)
{
    int k = rule_attr_ints(n, "kernel_shape", NULL);
    if (k >= 0) return k;
    int r = rule_rank(rule_input(n, 0));
    return r >= 2 ? r - 2 : -1;
}

static bool pool_2d_3d(const struct check_node *c, struct check_verdict *v)
{
    int s = spatial_dims(c->n);
    if (s >= 0 && s != 2 && s != 3)
        return check_set(v, CHECK_UNSUPPORTED, "tensorrt.pool.rank",
                         "%dD pooling; TensorRT imports 2D or 3D pooling only", s);
    return dilations_one(c, v);
}

static bool maxpool_own(const struct check_node *c, struct check_verdict *v)
{
    if (rule_output(c->n, 1))
        return check_set(v, CHECK_UNSUPPORTED, "tensorrt.maxpool.indices",
                         "the Indices output ('%s') is used; TensorRT does not support it",
                         tensor_name(rule_output(c->n, 1)));
    return pool_2d_3d(c, v);
}

static bool attention_own(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_node *n = c->n;
    static const char *const qkv[] = {"Q", "K", "V"};
    for (int i = 0; i < 3; i++) {
        int r = rule_rank(rule_input(n, i));
        if (r >= 0 && r != 4)
            return check_set(v, CHECK_UNSUPPORTED, "tensorrt.attention.rank",
                             "%s is %dD; TensorRT's Attention needs Q, K, V and attn_mask 4D",
                             qkv[i], r);
    }
    int mr = rule_rank(rule_input(n, 3));
    if (mr >= 0 && mr != 4)
        return check_set(v, CHECK_UNSUPPORTED, "tensorrt.attention.rank",
                         "attn_mask is %dD; TensorRT's Attention needs Q, K, V and attn_mask 4D",
                         mr);
    static const char *const ins[] = {"past_key", "past_value", "nonpad_kv_seqlen"};
    for (int i = 4; i < 7; i++)
        if (rule_input(n, i))
            return check_set(v, CHECK_UNSUPPORTED, "tensorrt.attention.inputs",
                             "input %s ('%s') is given; TensorRT does not support it", ins[i - 4],
                             tensor_name(rule_input(n, i)));
    static const char *const outs[] = {"present_key", "present_value", "qk_matmul_output"};
    for (int i = 1; i < 4; i++)
        if (rule_output(n, i))
            return check_set(v, CHECK_UNSUPPORTED, "tensorrt.attention.outputs",
                             "output %s ('%s') is used; TensorRT supports only Y", outs[i - 1],
                             tensor_name(rule_output(n, i)));
    if (ir_node_attr(n, "qk_matmul_output_mode") &&
        rule_attr_int(n, "qk_matmul_output_mode", 0) != 0)
        return check_set(v, CHECK_UNSUPPORTED, "tensorrt.attention.attr",
                         "qk_matmul_output_mode is %lld; TensorRT does not support the attribute",
                         (long long)rule_attr_int(n, "qk_matmul_output_mode", 0));
    float sc = rule_attr_float(n, "softcap", 0.0f);
    if (sc != 0.0f)
        return check_set(v, CHECK_UNSUPPORTED, "tensorrt.attention.attr",
                         "softcap is %g; TensorRT does not support the attribute", (double)sc);
    return false;
}

static bool constant_own(const struct check_node *c, struct check_verdict *v)
{
    static const char *const bad[] = {"sparse_value", "value_string", "value_strings"};
    for (int i = 0; i < 3; i++)
        if (ir_node_attr(c->n, bad[i]))
            return check_set(v, CHECK_UNSUPPORTED, "tensorrt.constant.attr",
                             "Constant uses attribute %s; TensorRT does not support "
                             "sparse_value, value_string or value_strings",
                             bad[i]);
    return false;
}

/* Input i must be an initializer (or build-time constant). */
static bool needs_const(const struct check_node *c, struct check_verdict *v, int i,
                        const char *what, const char *rule)
{
    const struct ir_tensor *t = rule_input(c->n, i);
    if (!t || build_const(t)) return false;
    return check_set(v, CHECK_UNSUPPORTED, rule,
                     "%s ('%s') is computed at run time; TensorRT needs it to be a build-time "
                     "constant (an initializer: fold constants first, e.g. polygraphy surgeon "
                     "sanitize --fold-constants)",
                     what, tensor_name(t));
}

static bool cumsum_own(const struct check_node *c, struct check_verdict *v)
{
    return needs_const(c, v, 1, "axis", "tensorrt.cumsum.axis");
}

static bool onehot_own(const struct check_node *c, struct check_verdict *v)
{
    return needs_const(c, v, 1, "depth", "tensorrt.onehot.depth");
}

static bool reduce_own(const struct check_node *c, struct check_verdict *v)
{
    return needs_const(c, v, 1, "axes", "tensorrt.reduce.axes");
}

static bool squeeze_own(const struct check_node *c, struct check_verdict *v)
{
    return needs_const(c, v, 1, "axes", "tensorrt.squeeze.axes");
}

static bool deformconv_own(const struct check_node *c, struct check_verdict *v)
{
    int r = rule_rank(rule_input(c->n, 0));
    if (r >= 0 && r != 3 && r != 4)
        return check_set(v, CHECK_UNSUPPORTED, "tensorrt.deformconv.rank",
                         "input is %dD (%d spatial dims); TensorRT's DeformConv takes 1D or 2D "
                         "spatial input",
                         r, r - 2);
    const int64_t *p;
    int k = rule_attr_ints(c->n, "pads", &p);
    for (int i = 0; k > 0 && i < k / 2; i++)
        if (p[i] != p[i + k / 2])
            return check_set(v, CHECK_UNSUPPORTED, "tensorrt.deformconv.pads",
                             "pads of spatial axis %d are %lld at the start and %lld at the end; "
                             "TensorRT needs them equal",
                             i, (long long)p[i], (long long)p[i + k / 2]);
    return false;
}

/* Q/DQ: the parser refuses UINT8 zero points and data, and supports
 * symmetric quantization only (zero points all zeros). */
static bool zero_point_zero(const struct ir_tensor *zp, struct check_verdict *v)
{
    if (!const_data(zp) || const_all_zero(zp)) return false;
    int64_t z = 0;
    const_int(zp, 0, &z);
    return check_set(v, CHECK_UNSUPPORTED, "tensorrt.qdq.zero_point",
                     "zero point '%s' is not all zeros (first value %lld); TensorRT supports "
                     "symmetric quantization only (zero point 0)",
                     tensor_name(zp), (long long)z);
}

static bool quantize_own(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_tensor *zp = rule_input(c->n, 2);
    if (zp && zp->dtype == IR_U8)
        return check_set(v, CHECK_UNSUPPORTED, "tensorrt.qdq.uint8",
                         "y_zero_point '%s' is uint8; TensorRT quantizes to INT8, FP8 or INT4 "
                         "only (UINT8 is refused)",
                         tensor_name(zp));
    if (zp) return zero_point_zero(zp, v);
    if (ir_node_attr(c->n, "output_dtype")) return false; /* opset 21: the type is said */
    const struct ir_tensor *y = rule_output(c->n, 0);
    if (y && y->dtype != IR_UNDEFINED && y->dtype != IR_U8) return false;
    check_set(v, CHECK_SUBSTITUTED, "tensorrt.qdq.default_uint8",
              "no y_zero_point: ONNX quantizes to UINT8 by default, TensorRT quantizes to INT8 "
              "instead (values below zero are kept, not clamped to 0)");
    v->substitute = "QuantizeLinear to INT8";
    return true;
}

static bool dequantize_own(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_tensor *x = rule_input(c->n, 0);
    /* UINT8 data reaches TensorRT as INT8 when a QuantizeLinear made it */
    bool from_q = x && x->producer && x->producer->op == IR_OP_QUANTIZE_LINEAR;
    if (x && x->dtype == IR_U8 && !from_q)
        return check_set(v, CHECK_UNSUPPORTED, "tensorrt.qdq.uint8",
                         "x ('%s') is uint8; TensorRT dequantizes INT8, FP8, FP4 and INT4 only "
                         "(UINT8 is refused)",
                         tensor_name(x));
    if (x && x->dtype != IR_U8 && data_type(c, x, "input 0", v)) return true;
    return zero_point_zero(rule_input(c->n, 2), v);
}

static bool dropout_own(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_tensor *t = rule_input(c->n, 2);
    if (!t) return false;
    if (!build_const(t)) return needs_const(c, v, 2, "training_mode", "tensorrt.dropout.training");
    int64_t on = 0;
    if (const_int(t, 0, &on) && on)
        return check_set(v, CHECK_UNSUPPORTED, "tensorrt.dropout.training",
                         "training_mode is true; TensorRT needs it to be an initializer equal "
                         "to false");
    return false;
}

static bool eyelike_own(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_tensor *t = rule_input(c->n, 0);
    char s[96];
    if (t && t->rank >= 0 && !rule_is_static(t))
        return check_set(v, CHECK_UNSUPPORTED, "tensorrt.eyelike.static",
                         "input shape %s is not static; TensorRT needs EyeLike's input dims "
                         "known at build time",
                         rule_shape(t, s, sizeof s));
    return false;
}

static bool gridsample_own(const struct check_node *c, struct check_verdict *v)
{
    int r = rule_rank(rule_input(c->n, 0));
    if (r >= 0 && r != 4)
        return check_set(v, CHECK_UNSUPPORTED, "tensorrt.gridsample.rank",
                         "input is %dD; TensorRT's GridSample needs a 4D input", r);
    return false;
}

static bool hardmax_own(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_tensor *t = rule_input(c->n, 0);
    int r = rule_rank(t);
    if (r <= 0) return false;
    int64_t axis = rule_attr_int(c->n, "axis", c->opset && c->opset < 13 ? 1 : -1);
    if (axis < 0) axis += r;
    if (axis < 0 || axis >= r || t->dims[axis].value >= 0) return false;
    return check_set(v, CHECK_UNSUPPORTED, "tensorrt.hardmax.axis",
                     "dim %lld (the axis) of the input is not known at build time; TensorRT "
                     "needs it constant",
                     (long long)axis);
}

static bool if_own(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_attr *a = ir_node_attr(c->n, "then_branch");
    const struct ir_attr *b = ir_node_attr(c->n, "else_branch");
    if (!a || !b || a->type != IR_ATTR_GRAPH || b->type != IR_ATTR_GRAPH || !a->v.g || !b->v.g)
        return false;
    const struct ir_graph *tg = a->v.g, *eg = b->v.g;
    for (int i = 0; i < tg->n_outputs && i < eg->n_outputs; i++) {
        int rt = rule_rank(tg->outputs[i]), re = rule_rank(eg->outputs[i]);
        if (rt >= 0 && re >= 0 && rt != re)
            return check_set(v, CHECK_UNSUPPORTED, "tensorrt.if.rank",
                             "output %d is %dD in then_branch and %dD in else_branch; TensorRT "
                             "needs both branches' outputs of the same rank",
                             i, rt, re);
    }
    return false;
}

static bool layernorm_own(const struct check_node *c, struct check_verdict *v)
{
    for (int i = 1; i < c->n->n_outputs; i++)
        if (c->n->outputs[i])
            return check_set(v, CHECK_UNSUPPORTED, "tensorrt.layernorm.outputs",
                             "output %d ('%s', %s) is used; TensorRT supports only the first "
                             "output Y",
                             i, tensor_name(c->n->outputs[i]), i == 1 ? "Mean" : "InvStdDev");
    return false;
}

/* Bidirectional recurrences: the same activations both ways. per_dir is the
 * number of activations per direction (RNN 1, GRU 2, LSTM 3). */
static bool same_activations(const struct check_node *c, struct check_verdict *v, int per_dir)
{
    if (!rule_attr_string_is(c->n, "direction", "bidirectional", false)) return false;
    const struct ir_attr *a = ir_node_attr(c->n, "activations");
    if (!a || a->type != IR_ATTR_STRINGS || a->count != 2 * per_dir) return false;
    for (int i = 0; i < per_dir; i++) {
        const struct ir_bytes *f = &a->v.strings[i], *r = &a->v.strings[i + per_dir];
        if (f->size != r->size || (f->size && memcmp(f->data, r->data, f->size)))
            return check_set(v, CHECK_UNSUPPORTED, "tensorrt.rnn.activations",
                             "bidirectional with activation %d '%.*s' forward and '%.*s' "
                             "reverse; TensorRT needs the same activations in both directions",
                             i, (int)f->size, (const char *)f->data, (int)r->size,
                             (const char *)r->data);
    }
    return false;
}

static bool rnn_own(const struct check_node *c, struct check_verdict *v)
{
    return same_activations(c, v, 1);
}

static bool gru_own(const struct check_node *c, struct check_verdict *v)
{
    return same_activations(c, v, 2);
}

static bool lstm_own(const struct check_node *c, struct check_verdict *v)
{
    int64_t f = rule_attr_int(c->n, "input_forget", 0);
    if (f != 0)
        return check_set(v, CHECK_UNSUPPORTED, "tensorrt.lstm.input_forget",
                         "input_forget is %lld; TensorRT needs 0", (long long)f);
    int64_t l = rule_attr_int(c->n, "layout", 0);
    if (l != 0)
        return check_set(v, CHECK_UNSUPPORTED, "tensorrt.lstm.layout",
                         "layout is %lld; TensorRT needs 0", (long long)l);
    return same_activations(c, v, 3);
}

/* A STRING attribute's value is one of a list (absent: the default, which
 * the caller knows to be allowed). */
static bool string_outside(const struct ir_node *n, const char *attr, const char *const *ok,
                           int n_ok, char *buf, int cap)
{
    if (!ir_node_attr(n, attr)) return false;
    rule_attr_string(n, attr, buf, cap);
    for (int i = 0; i < n_ok; i++)
        if (!strcmp(buf, ok[i])) return false;
    return true;
}

static bool resize_own(const struct check_node *c, struct check_verdict *v)
{
    static const char *const ctm[] = {"half_pixel", "pytorch_half_pixel", "tf_half_pixel_for_nn",
                                      "asymmetric", "align_corners"};
    static const char *const modes[] = {"nearest", "linear"};
    static const char *const nearest[] = {"floor", "ceil", "round_prefer_floor",
                                          "round_prefer_ceil"};
    static const char *const policy[] = {"stretch"};
    const struct ir_node *n = c->n;
    char s[64];
    if (string_outside(n, "coordinate_transformation_mode", ctm, 5, s, sizeof s))
        return check_set(v, CHECK_UNSUPPORTED, "tensorrt.resize.coordinate_transformation_mode",
                         "coordinate_transformation_mode '%s'; TensorRT supports half_pixel, "
                         "pytorch_half_pixel, tf_half_pixel_for_nn, asymmetric, align_corners",
                         s);
    if (string_outside(n, "mode", modes, 2, s, sizeof s))
        return check_set(v, CHECK_UNSUPPORTED, "tensorrt.resize.mode",
                         "mode '%s'; TensorRT supports nearest and linear", s);
    if (rule_attr_string_is(n, "mode", "nearest", true) &&
        string_outside(n, "nearest_mode", nearest, 4, s, sizeof s))
        return check_set(v, CHECK_UNSUPPORTED, "tensorrt.resize.nearest_mode",
                         "nearest_mode '%s'; TensorRT supports floor, ceil, round_prefer_floor, "
                         "round_prefer_ceil",
                         s);
    if (string_outside(n, "keep_aspect_ratio_policy", policy, 1, s, sizeof s))
        return check_set(v, CHECK_UNSUPPORTED, "tensorrt.resize.keep_aspect_ratio_policy",
                         "keep_aspect_ratio_policy '%s'; TensorRT supports stretch only", s);
    int64_t aa = rule_attr_int(n, "antialias", 0);
    if (aa != 0)
        return check_set(v, CHECK_UNSUPPORTED, "tensorrt.resize.antialias",
                         "antialias is %lld; TensorRT does not support antialiasing",
                         (long long)aa);
    /* scales given as a run-time tensor: axes must be 0..rank-1 */
    const int64_t *ax;
    int k = rule_attr_ints(n, "axes", &ax);
    int r = rule_rank(rule_input(n, 0));
    const struct ir_tensor *scales = rule_input(n, 2);
    if (k >= 0 && r >= 0 && scales && !build_const(scales)) {
        bool iota = k == r;
        for (int i = 0; iota && i < k; i++)
            iota = (ax[i] < 0 ? ax[i] + r : ax[i]) == i;
        if (!iota)
            return check_set(v, CHECK_UNSUPPORTED, "tensorrt.resize.axes",
                             "scales '%s' is a run-time tensor and axes lists %d of %d axes (not "
                             "0..%d in order); TensorRT then needs axes to be every axis in order",
                             tensor_name(scales), k, r, r - 1);
    }
    return false;
}

static bool scatternd_own(const struct check_node *c, struct check_verdict *v)
{
    char s[32];
    static const char *const none[] = {"none"};
    if (string_outside(c->n, "reduction", none, 1, s, sizeof s))
        return check_set(v, CHECK_UNSUPPORTED, "tensorrt.scatternd.reduction",
                         "reduction '%s'; TensorRT's ScatterND supports reduction none only", s);
    return false;
}

static bool topk_own(const struct check_node *c, struct check_verdict *v)
{
    int64_t sorted = rule_attr_int(c->n, "sorted", 1);
    if (sorted != 1)
        return check_set(v, CHECK_UNSUPPORTED, "tensorrt.topk.sorted",
                         "sorted is %lld; TensorRT needs sorted = 1", (long long)sorted);
    int64_t k = rule_attr_int(c->n, "k", -1);
    if (k < 0 && !const_int(rule_input(c->n, 1), 0, &k)) return false;
    if (k >= 3840)
        return check_set(v, CHECK_UNSUPPORTED, "tensorrt.topk.k",
                         "K is %lld; TensorRT needs K < 3840", (long long)k);
    return false;
}

/* Cast to a type TensorRT has no tensor type for. */
static bool cast_own(const struct check_node *c, struct check_verdict *v)
{
    int64_t to = rule_attr_int(c->n, "to", -1);
    if (to <= 0 || to >= ONNX_DTYPE_LIMIT) return false;
    const struct onnx_dtype_row *d = &onnx_dtype_table[to];
    enum ir_dtype ir = d->ir;
    bool fp8 = to >= ONNX_FLOAT8E4M3FN && to <= ONNX_FLOAT8E5M2FNUZ;
    if (to == ONNX_DOUBLE || fp8 || to == ONNX_FLOAT4E2M1) return false;
    if (ir != IR_UNDEFINED && (trt_bit(ir) & TT_CAST_M)) return false;
    return check_set(v, CHECK_UNSUPPORTED, "tensorrt.cast.to",
                     "to is %s; TensorRT casts to FP32, FP16, BF16, INT32, INT64, UINT8 and BOOL "
                     "only",
                     d->name ? d->name : "an unknown type");
}

/* ---- rule functions of the rows: data tensor + own restriction ---- */

#define TRT_FN(name, data, own)                                                                    \
    static bool name(const struct check_node *c, struct check_verdict *v)                          \
    {                                                                                              \
        return trt_node(c, v, data, own);                                                          \
    }

TRT_FN(r_plain, 0, NULL)
TRT_FN(r_where, 1, NULL)
TRT_FN(r_control, DATA_NONE, NULL)
TRT_FN(r_if, DATA_NONE, if_own)
TRT_FN(r_constant, DATA_OUT0, constant_own)
TRT_FN(r_out0, DATA_OUT0, NULL)
TRT_FN(r_cast, 0, cast_own)
TRT_FN(r_attention, 0, attention_own)
TRT_FN(r_avgpool, 0, pool_2d_3d)
TRT_FN(r_lppool, 0, dilations_one)
TRT_FN(r_maxpool, 0, maxpool_own)
TRT_FN(r_cumsum, 0, cumsum_own)
TRT_FN(r_deformconv, 0, deformconv_own)
TRT_FN(r_quant, 0, quantize_own)
TRT_FN(r_dequant, DATA_NONE, dequantize_own)
TRT_FN(r_dropout, 0, dropout_own)
TRT_FN(r_eyelike, 0, eyelike_own)
TRT_FN(r_gridsample, 0, gridsample_own)
TRT_FN(r_hardmax, 0, hardmax_own)
TRT_FN(r_layernorm, 0, layernorm_own)
TRT_FN(r_lstm, 0, lstm_own)
TRT_FN(r_gru, 0, gru_own)
TRT_FN(r_rnn, 0, rnn_own)
TRT_FN(r_onehot, DATA_NONE, onehot_own)
TRT_FN(r_reduce, 0, reduce_own)
TRT_FN(r_resize, 0, resize_own)
TRT_FN(r_scatternd, 0, scatternd_own)
TRT_FN(r_squeeze, 0, squeeze_own)
TRT_FN(r_topk, 0, topk_own)

/* ---- the rows ---- */

/* Every op the matrix marks Y: X(OP, type set, rule, restriction text). */
#define TRT_SUPPORTED(X)                                                                           \
    X(ABS, FHBIL, r_plain, "")                                                                     \
    X(ACOS, FHB, r_plain, "")                                                                      \
    X(ACOSH, FHB, r_plain, "")                                                                     \
    X(ADD, FHBIL, r_plain, "")                                                                     \
    X(AND, BOOL, r_plain, "")                                                                      \
    X(ARG_MAX, FHBIL, r_plain, "")                                                                 \
    X(ARG_MIN, FHBIL, r_plain, "")                                                                 \
    X(ASIN, FHB, r_plain, "")                                                                      \
    X(ASINH, FHB, r_plain, "")                                                                     \
    X(ATAN, FHB, r_plain, "")                                                                      \
    X(ATANH, FHB, r_plain, "")                                                                     \
    X(ATTENTION, ATTN, r_attention,                                                                \
      "; Q, K, V and attn_mask 4D; no past_key, past_value, nonpad_kv_seqlen inputs; only "        \
      "output Y; qk_matmul_output_mode and softcap unsupported")                                   \
    X(AVERAGE_POOL, FHB, r_avgpool, "; 2D or 3D pooling only; dilations empty or all 1")           \
    X(BATCH_NORMALIZATION, FHB, r_plain, "")                                                       \
    X(CAST, CAST, r_cast, "")                                                                      \
    X(CAST_LIKE, CAST, r_plain, "")                                                                \
    X(CEIL, FHB, r_plain, "")                                                                      \
    X(CELU, FHB, r_plain, "")                                                                      \
    X(CLIP, FHB, r_plain, "")                                                                      \
    X(CONCAT, FHBILb, r_plain, "")                                                                 \
    X(CONSTANT, CONST, r_constant,                                                                 \
      "; sparse_value, value_string and value_strings attributes unsupported")                     \
    X(CONSTANT_OF_SHAPE, CONST, r_out0, "")                                                        \
    X(CONV, FHB, r_plain, "")                                                                      \
    X(CONV_TRANSPOSE, FHB, r_plain, "")                                                            \
    X(COS, FHB, r_plain, "")                                                                       \
    X(COSH, FHB, r_plain, "")                                                                      \
    X(CUM_SUM, FHB, r_cumsum, "; axis must be a build-time constant")                              \
    X(DEFORM_CONV, FH, r_deformconv,                                                               \
      "; input with 1D or 2D spatial dims; begin and end pads equal per axis")                     \
    X(DEPTH_TO_SPACE, FHBIL, r_plain, "")                                                          \
    X(DEQUANTIZE_LINEAR, DQ, r_dequant, "; x_zero_point must be zero (UINT8 refused)")             \
    X(DIV, FHBIL, r_plain, "")                                                                     \
    X(DROPOUT, FHB, r_dropout, "; training_mode must be an initializer equal to false")            \
    X(EINSUM, FHB, r_plain, "")                                                                    \
    X(ELU, FHB, r_plain, "")                                                                       \
    X(EQUAL, FHBIL, r_plain, "")                                                                   \
    X(ERF, FHB, r_plain, "")                                                                       \
    X(EXP, FHB, r_plain, "")                                                                       \
    X(EXPAND, FHBILb, r_plain, "")                                                                 \
    X(EYE_LIKE, FHBILb, r_eyelike, "; input must have static dims")                                \
    X(FLATTEN, FHBILb, r_plain, "")                                                                \
    X(FLOOR, FHB, r_plain, "")                                                                     \
    X(GRU, FHB, r_gru, "; bidirectional: the same activations in both directions")                 \
    X(GATHER, FHBILb, r_plain, "")                                                                 \
    X(GATHER_ELEMENTS, FHBILb, r_plain, "")                                                        \
    X(GATHER_ND, FHBILb, r_plain, "")                                                              \
    X(GELU, GELU, r_plain, "")                                                                     \
    X(GEMM, FHB, r_plain, "")                                                                      \
    X(GLOBAL_AVERAGE_POOL, FHB, r_plain, "")                                                       \
    X(GLOBAL_LP_POOL, FHB, r_plain, "")                                                            \
    X(GLOBAL_MAX_POOL, FHB, r_plain, "")                                                           \
    X(GREATER, FHBIL, r_plain, "")                                                                 \
    X(GREATER_OR_EQUAL, FHBIL, r_plain, "")                                                        \
    X(GRID_SAMPLE, FH, r_gridsample, "; input must be 4D")                                         \
    X(GROUP_NORMALIZATION, FHB, r_plain, "")                                                       \
    X(HARD_SIGMOID, FHB, r_plain, "")                                                              \
    X(HARD_SWISH, FHB, r_plain, "")                                                                \
    X(HARDMAX, FHB, r_hardmax, "; the axis dim of the input must be a build-time constant")        \
    X(IDENTITY, FHBILb, r_plain, "")                                                               \
    X(IF, FHBILb, r_if, "; the branches' outputs must have the same rank and different names")     \
    X(INSTANCE_NORMALIZATION, FHB, r_plain, "")                                                    \
    X(IS_INF, FHB, r_plain, "")                                                                    \
    X(IS_NA_N, FHBIL, r_plain, "")                                                                 \
    X(LRN, FHB, r_plain, "")                                                                       \
    X(LSTM, FHB, r_lstm,                                                                           \
      "; input_forget = 0; layout = 0; bidirectional: the same activations both ways")             \
    X(LAYER_NORMALIZATION, FHB, r_layernorm, "; only the first output Y")                          \
    X(LEAKY_RELU, FHB, r_plain, "")                                                                \
    X(LESS, FHBIL, r_plain, "")                                                                    \
    X(LESS_OR_EQUAL, FHBIL, r_plain, "")                                                           \
    X(LOG, FHB, r_plain, "")                                                                       \
    X(LOG_SOFTMAX, FHB, r_plain, "")                                                               \
    X(LOOP, FHBILb, r_control,                                                                     \
      "; scan outputs of static length; loop-carried shapes constant across iterations "           \
      "(not checked by ferry)")                                                                    \
    X(LP_NORMALIZATION, FHB, r_plain, "")                                                          \
    X(LP_POOL, FHB, r_lppool, "; dilations empty or all 1")                                        \
    X(MAT_MUL, FHB, r_plain, "")                                                                   \
    X(MAX, FHBIL, r_plain, "")                                                                     \
    X(MAX_POOL, FHB, r_maxpool,                                                                    \
      "; 2D or 3D pooling only; Indices output unsupported; dilations empty or all 1")             \
    X(MEAN, FHBIL, r_plain, "")                                                                    \
    X(MEAN_VARIANCE_NORMALIZATION, FHB, r_plain, "")                                               \
    X(MIN, FHBIL, r_plain, "")                                                                     \
    X(MISH, FH, r_plain, "")                                                                       \
    X(MOD, FHBIL, r_plain, "")                                                                     \
    X(MUL, FHBIL, r_plain, "")                                                                     \
    X(NEG, FHBIL, r_plain, "")                                                                     \
    X(NON_MAX_SUPPRESSION, FH, r_plain, "")                                                        \
    X(NON_ZERO, FH, r_plain, "")                                                                   \
    X(NOT, BOOL, r_plain, "")                                                                      \
    X(ONE_HOT, FHBILb, r_onehot, "; depth must be a build-time constant")                          \
    X(OR, BOOL, r_plain, "")                                                                       \
    X(P_RELU, FHB, r_plain, "")                                                                    \
    X(PAD, FHBIL, r_plain, "")                                                                     \
    X(POW, FHBIL, r_plain, "")                                                                     \
    X(QUANTIZE_LINEAR, FHB, r_quant, "; y_zero_point must be 0 (UINT8 refused)")                   \
    X(RMS_NORMALIZATION, FHB, r_plain, "")                                                         \
    X(RNN, FHB, r_rnn, "; bidirectional: the same activations in both directions")                 \
    X(RANGE, FHBIL, r_plain, "")                                                                   \
    X(RECIPROCAL, FHB, r_plain, "")                                                                \
    X(REDUCE_L1, FHBIL, r_reduce, "; axes must be an initializer")                                 \
    X(REDUCE_L2, FHBIL, r_reduce, "; axes must be an initializer")                                 \
    X(REDUCE_LOG_SUM, FHBIL, r_reduce, "; axes must be an initializer")                            \
    X(REDUCE_LOG_SUM_EXP, FHBIL, r_reduce, "; axes must be an initializer")                        \
    X(REDUCE_MAX, FHBIL, r_reduce, "; axes must be an initializer")                                \
    X(REDUCE_MEAN, FHBIL, r_reduce, "; axes must be an initializer")                               \
    X(REDUCE_MIN, FHBIL, r_reduce, "; axes must be an initializer")                                \
    X(REDUCE_PROD, FHBIL, r_reduce, "; axes must be an initializer")                               \
    X(REDUCE_SUM, FHBIL, r_reduce, "; axes must be an initializer")                                \
    X(REDUCE_SUM_SQUARE, FHBIL, r_reduce, "; axes must be an initializer")                         \
    X(RELU, FHBIL, r_plain, "")                                                                    \
    X(RESHAPE, FHBILb, r_plain, "")                                                                \
    X(RESIZE, FHB, r_resize,                                                                       \
      "; coordinate_transformation_mode half_pixel, pytorch_half_pixel, "                          \
      "tf_half_pixel_for_nn, asymmetric or align_corners; mode nearest or linear; "                \
      "nearest_mode floor, ceil, round_prefer_floor or round_prefer_ceil; "                        \
      "keep_aspect_ratio_policy stretch; no antialias; with run-time scales, axes every "          \
      "axis in order")                                                                             \
    X(REVERSE_SEQUENCE, FHBILb, r_plain, "")                                                       \
    X(ROI_ALIGN, FH, r_plain, "")                                                                  \
    X(ROUND, FHB, r_plain, "")                                                                     \
    X(SCAN, FHB, r_control, "")                                                                    \
    X(SCATTER, FHBIL, r_plain, "")                                                                 \
    X(SCATTER_ELEMENTS, FHBIL, r_plain, "")                                                        \
    X(SCATTER_ND, FHBIL, r_scatternd, "; reduction none only")                                     \
    X(SELU, FHB, r_plain, "")                                                                      \
    X(SHAPE, FHBILb, r_plain, "")                                                                  \
    X(SHRINK, FHBIL, r_plain, "")                                                                  \
    X(SIGMOID, FHB, r_plain, "")                                                                   \
    X(SIGN, FHBIL, r_plain, "")                                                                    \
    X(SIN, FHB, r_plain, "")                                                                       \
    X(SINH, FHB, r_plain, "")                                                                      \
    X(SIZE, FHBILb, r_plain, "")                                                                   \
    X(SLICE, FHBILb, r_plain, "")                                                                  \
    X(SOFTMAX, FHB, r_plain, "")                                                                   \
    X(SOFTPLUS, FHB, r_plain, "")                                                                  \
    X(SOFTSIGN, FHB, r_plain, "")                                                                  \
    X(SPACE_TO_DEPTH, FHBIL, r_plain, "")                                                          \
    X(SPLIT, FHBILb, r_plain, "")                                                                  \
    X(SQRT, FHB, r_plain, "")                                                                      \
    X(SQUEEZE, FHBILb, r_squeeze, "; axes must be resolvable to a constant")                       \
    X(SUB, FHBIL, r_plain, "")                                                                     \
    X(SUM, FHBIL, r_plain, "")                                                                     \
    X(TAN, FHB, r_plain, "")                                                                       \
    X(TANH, FHB, r_plain, "")                                                                      \
    X(THRESHOLDED_RELU, FHB, r_plain, "")                                                          \
    X(TILE, FHBILb, r_plain, "")                                                                   \
    X(TOP_K, FHBIL, r_topk, "; sorted = 1; K < 3840")                                              \
    X(TRANSPOSE, FHBILb, r_plain, "")                                                              \
    X(TRILU, FHBILb, r_plain, "")                                                                  \
    X(UNSQUEEZE, FHBILb, r_squeeze, "; axes must be resolvable to a constant")                     \
    X(UPSAMPLE, FHB, r_plain, "")                                                                  \
    X(WHERE, FHBILb, r_where, "")                                                                  \
    X(XOR, BOOL, r_plain, "")

#define TRT_ROW_Y(OP, TY, FN, NOTE)                                                                \
    TARGET_RULE(                                                                                   \
        OP, NATIVE,                                                                                \
        "imported by the TensorRT 10.15 ONNX parser (operators.md: Y; types " TT_##TY##_S NOTE     \
        ")",                                                                                       \
        FN),
#define TRT_MASK(OP, TY, FN, NOTE) [IR_OP_##OP] = TT_##TY##_M,

/* Ops the matrix marks N, or does not list: no importer. */
#define TRT_N(OP, NAME, NOTE)                                                                      \
    TARGET_ROW(OP, UNSUPPORTED,                                                                    \
               "the TensorRT ONNX parser has no importer for " NAME " (operators.md: " NOTE        \
               "); a plugin is needed")

static const unsigned short trt_types[IR_OP_COUNT] = {TRT_SUPPORTED(TRT_MASK)};

static bool opaque_rule(const struct check_node *c, struct check_verdict *v);

/* clang-format off */
static const struct target_row rows[IR_OP_COUNT] = {
    TARGET_RULE(OPAQUE, UNSUPPORTED,
                "an op ferry does not model: decided by name (the parser looks importers up by "
                "op_type alone): ai.onnx ops the TensorRT 10.15 matrix lists, the parser's TRT_* "
                "importers and the plugins TensorRT ships are imported; anything else needs a "
                "TensorRT plugin of that name to be registered",
                opaque_rule),
    TRT_N(BIT_SHIFT, "BitShift", "N"),
    TRT_N(BITWISE_AND, "BitwiseAnd", "N"),
    TRT_N(BITWISE_NOT, "BitwiseNot", "N"),
    TRT_N(BITWISE_OR, "BitwiseOr", "N"),
    TRT_N(BITWISE_XOR, "BitwiseXor", "N"),
    TRT_N(COMPRESS, "Compress", "N"),
    TRT_N(CONV_INTEGER, "ConvInteger", "N"),
    TRT_N(DET, "Det", "N"),
    TRT_N(DYNAMIC_QUANTIZE_LINEAR, "DynamicQuantizeLinear",
          "N; TensorRT's IDynamicQuantize can instead be reached through a model-local "
          "function"),
    TRT_N(MAT_MUL_INTEGER, "MatMulInteger", "N"),
    TRT_N(MAX_ROI_POOL, "MaxRoiPool", "N"),
    TRT_N(MAX_UNPOOL, "MaxUnpool", "N"),
    TRT_N(Q_LINEAR_CONV, "QLinearConv", "N; use QuantizeLinear/DequantizeLinear around Conv"),
    TRT_N(Q_LINEAR_MAT_MUL, "QLinearMatMul",
          "N; use QuantizeLinear/DequantizeLinear around MatMul"),
    TRT_N(SWISH, "Swish", "not listed: Swish-24 is newer than the parser's importers"),
    TRT_N(UNIQUE, "Unique", "N"),
    TRT_SUPPORTED(TRT_ROW_Y)
    IR_OP_LIST_TFL(TARGET_ROW_TFLITE_NEEDS_ONNX)
};
/* clang-format on */
_Static_assert(sizeof rows / sizeof rows[0] == IR_OP_COUNT, "one row per IR op");

/* ---- IR_OP_OPAQUE: by name ---- */

/* ai.onnx ops ferry does not model that the matrix marks Y. */
static bool op_rotary(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_tensor *p = rule_input(c->n, 3);
    if (p && p->dtype != IR_UNDEFINED && p->dtype != IR_I64)
        return check_set(v, CHECK_UNSUPPORTED, "tensorrt.rotaryembedding.position_ids",
                         "position_ids ('%s') is %s; TensorRT needs INT64", tensor_name(p),
                         rule_dtype_name(p));
    return false;
}

static bool op_stft(const struct check_node *c, struct check_verdict *v)
{
    if (needs_const(c, v, 1, "frame_step", "tensorrt.stft.const")) return true;
    if (needs_const(c, v, 2, "window", "tensorrt.stft.const")) return true;
    const struct ir_tensor *s = rule_input(c->n, 0);
    int r = rule_rank(s);
    if (r >= 1 && s->dims[r - 1].value == 2)
        return check_set(v, CHECK_UNSUPPORTED, "tensorrt.stft.complex",
                         "signal's last dim is 2 (complex input); TensorRT's STFT takes "
                         "real-valued input only");
    return false;
}

static bool op_tensor_scatter(const struct check_node *c, struct check_verdict *v)
{
    int64_t axis = rule_attr_int(c->n, "axis", -2);
    if (axis != -2)
        return check_set(v, CHECK_UNSUPPORTED, "tensorrt.tensorscatter.axis",
                         "axis is %lld; TensorRT needs -2", (long long)axis);
    static const char *const what[] = {"past_cache", "update"};
    for (int i = 0; i < 2; i++) {
        int r = rule_rank(rule_input(c->n, i));
        if (r >= 0 && r != 4)
            return check_set(v, CHECK_UNSUPPORTED, "tensorrt.tensorscatter.rank",
                             "%s is %dD; TensorRT needs past_cache and update 4D", what[i], r);
    }
    return false;
}

enum named_kind {
    NAMED_ONNX,     /* an ai.onnx op the matrix marks Y */
    NAMED_IMPORTER, /* one of the parser's own TRT_* importers */
    NAMED_PLUGIN,   /* a plugin TensorRT ships (libnvinfer_plugin) */
};

struct named_op {
    const char *name;
    enum named_kind kind;
    const char *note;
    check_rule_fn rule;
};

/* Sorted by name (strcmp); a unit test keeps it so. */
static const struct named_op named[] = {
    {"BatchTilePlugin_TRT", NAMED_PLUGIN, " (deprecated)", NULL},
    {"BatchedNMSDynamic_TRT", NAMED_PLUGIN, " (deprecated)", NULL},
    {"BatchedNMS_TRT", NAMED_PLUGIN, " (deprecated)", NULL},
    {"BlackmanWindow", NAMED_ONNX, "; types FP32, FP16", NULL},
    {"Clip_TRT", NAMED_PLUGIN, " (deprecated)", NULL},
    {"CoordConvAC", NAMED_PLUGIN, " (deprecated)", NULL},
    {"CropAndResize", NAMED_PLUGIN, " (deprecated)", NULL},
    {"CropAndResizeDynamic", NAMED_PLUGIN, "", NULL},
    {"CustomEmbLayerNormPluginDynamic", NAMED_PLUGIN, "", NULL},
    {"CustomFCPluginDynamic", NAMED_PLUGIN, "", NULL},
    {"CustomGeluPluginDynamic", NAMED_PLUGIN, " (deprecated)", NULL},
    {"CustomQKVToContextPluginDynamic", NAMED_PLUGIN, "", NULL},
    {"CustomSkipLayerNormPluginDynamic", NAMED_PLUGIN, "", NULL},
    {"DecodeBbox3DPlugin", NAMED_PLUGIN, "", NULL},
    {"DetectionLayer_TRT", NAMED_PLUGIN, "", NULL},
    {"DisentangledAttention_TRT", NAMED_PLUGIN, "", NULL},
    {"EfficientNMS_ONNX_TRT", NAMED_PLUGIN, " (deprecated)", NULL},
    {"EfficientNMS_TRT", NAMED_PLUGIN, "", NULL},
    {"FlattenConcat_TRT", NAMED_PLUGIN, "", NULL},
    {"GenerateDetection_TRT", NAMED_PLUGIN, "", NULL},
    {"GridAnchorRect_TRT", NAMED_PLUGIN, "", NULL},
    {"GridAnchor_TRT", NAMED_PLUGIN, "", NULL},
    {"GroupNormalizationPlugin", NAMED_PLUGIN, "", NULL},
    {"HammingWindow", NAMED_ONNX, "; types FP32, FP16", NULL},
    {"HannWindow", NAMED_ONNX, "; types FP32, FP16", NULL},
    {"ImageScaler", NAMED_ONNX, "; types FP32, FP16, BF16", NULL},
    {"InstanceNormalization_TRT", NAMED_PLUGIN, "", NULL},
    {"LReLU_TRT", NAMED_PLUGIN, " (deprecated)", NULL},
    {"ModulatedDeformConv2d", NAMED_PLUGIN, "", NULL},
    {"MultilevelCropAndResize_TRT", NAMED_PLUGIN, "", NULL},
    {"MultilevelProposeROI_TRT", NAMED_PLUGIN, "", NULL},
    {"MultiscaleDeformableAttnPlugin_TRT", NAMED_PLUGIN, "", NULL},
    {"NMSDynamic_TRT", NAMED_PLUGIN, " (deprecated)", NULL},
    {"NMS_TRT", NAMED_PLUGIN, " (deprecated)", NULL},
    {"Normalize_TRT", NAMED_PLUGIN, " (deprecated)", NULL},
    {"ParametricSoftplus", NAMED_ONNX, "; types FP32, FP16, BF16", NULL},
    {"PillarScatterPlugin", NAMED_PLUGIN, "", NULL},
    {"PriorBox_TRT", NAMED_PLUGIN, "", NULL},
    {"Proposal", NAMED_PLUGIN, " (deprecated)", NULL},
    {"ProposalDynamic", NAMED_PLUGIN, "", NULL},
    {"ProposalLayer_TRT", NAMED_PLUGIN, "", NULL},
    {"PyramidROIAlign_TRT", NAMED_PLUGIN, "", NULL},
    {"ROIAlign_TRT", NAMED_PLUGIN, "", NULL},
    {"RPROI_TRT", NAMED_PLUGIN, "", NULL},
    {"RandomNormal", NAMED_ONNX, "; types FP32, FP16, BF16; the seed is ignored", NULL},
    {"RandomNormalLike", NAMED_ONNX, "; types FP32, FP16, BF16; the seed is ignored", NULL},
    {"RandomUniform", NAMED_ONNX, "; types FP32, FP16, BF16; the seed is ignored", NULL},
    {"RandomUniformLike", NAMED_ONNX, "; types FP32, FP16, BF16; the seed is ignored", NULL},
    {"Region_TRT", NAMED_PLUGIN, "", NULL},
    {"Reorg_TRT", NAMED_PLUGIN, "", NULL},
    {"ResizeNearest_TRT", NAMED_PLUGIN, "", NULL},
    {"RotaryEmbedding", NAMED_ONNX, "; types FP32, FP16, BF16; position_ids must be INT64",
     op_rotary},
    {"STFT", NAMED_ONNX, "; type FP32; frame_step and window initializers; real input only",
     op_stft},
    {"ScaledTanh", NAMED_ONNX, "; types FP32, FP16, BF16", NULL},
    {"SpecialSlice_TRT", NAMED_PLUGIN, " (deprecated)", NULL},
    {"TRT_AveragePool", NAMED_IMPORTER, "", NULL},
    {"TRT_Conv", NAMED_IMPORTER, "", NULL},
    {"TRT_Deconv", NAMED_IMPORTER, "", NULL},
    {"TRT_FP8DequantizeLinear", NAMED_IMPORTER, "", NULL},
    {"TRT_FP8QuantizeLinear", NAMED_IMPORTER, "", NULL},
    {"TRT_FloorDiv", NAMED_IMPORTER, "", NULL},
    {"TRT_Gather", NAMED_IMPORTER, "", NULL},
    {"TRT_INT4DequantizeLinear", NAMED_IMPORTER, "", NULL},
    {"TRT_INT4QuantizeLinear", NAMED_IMPORTER, "", NULL},
    {"TRT_MatMul", NAMED_IMPORTER, "", NULL},
    {"TRT_MaxAverageBlendPool", NAMED_IMPORTER, "", NULL},
    {"TRT_MaxPool", NAMED_IMPORTER, "", NULL},
    {"TRT_PluginV2", NAMED_IMPORTER, "", NULL},
    {"TRT_QuantizedAttention", NAMED_IMPORTER, "", NULL},
    {"TRT_RaggedSoftmax", NAMED_IMPORTER, "", NULL},
    {"TRT_Resize", NAMED_IMPORTER, "", NULL},
    {"TRT_Scale", NAMED_IMPORTER, "", NULL},
    {"TRT_Shuffle", NAMED_IMPORTER, "", NULL},
    {"TRT_Slice", NAMED_IMPORTER, "", NULL},
    {"TRT_TopK_Min", NAMED_IMPORTER, "", NULL},
    {"TensorScatter", NAMED_ONNX,
     "; types FP32, FP16, BF16, INT32; past_cache and update 4D; "
     "axis -2",
     op_tensor_scatter},
    {"VoxelGeneratorPlugin", NAMED_PLUGIN, "", NULL},
};

static int named_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const struct named_op *)elem)->name);
}

/* For the table test. */
int tensorrt_named_count(void);
const char *tensorrt_named_name(int i);
int tensorrt_named_count(void)
{
    return (int)(sizeof named / sizeof named[0]);
}
const char *tensorrt_named_name(int i)
{
    return named[i].name;
}

/* ONNX-family IR ops are 1 .. ONNX_OPS. */
enum {
#define X(e, name) TRT_COUNT_##e,
    IR_OP_LIST_ONNX(X)
#undef X
        ONNX_OPS
};

static bool default_domain(const char *d)
{
    return !d || !d[0] || !strcmp(d, "ai.onnx");
}

static bool opaque_rule(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_node *n = c->n;
    const char *name = n->op_type ? n->op_type : "";
    const char *dom = default_domain(n->domain) ? "ai.onnx" : n->domain;
    if (!strncmp(name, "CUSTOM:", 7) || (c->m && c->m->format == IR_FORMAT_TFLITE))
        return check_set(v, CHECK_UNSUPPORTED, "tensorrt.opaque.tflite",
                         "TFLite custom op '%s': TensorRT reads ONNX, and ferry has no "
                         "TFLite-to-ONNX conversion",
                         name);
    const struct named_op *e =
        bsearch(name, named, sizeof named / sizeof named[0], sizeof named[0], named_cmp);
    if (e && e->kind == NAMED_ONNX) {
        if (e->rule && e->rule(c, v)) return true;
        if (default_domain(n->domain))
            return check_set(v, CHECK_NATIVE, "tensorrt.opaque.onnx",
                             "%s: imported by the TensorRT 10.15 ONNX parser (operators.md: Y%s)",
                             name, e->note);
        check_set(v, CHECK_SUBSTITUTED, "tensorrt.opaque.same_name",
                  "%s.%s: the parser picks importers by op_type alone, so it imports this node "
                  "with its ai.onnx %s importer; that is right only if %s's %s has ai.onnx's "
                  "inputs, attributes and meaning",
                  dom, name, name, dom, name);
        v->substitute = "the parser's ai.onnx importer of the same name";
        return true;
    }
    if (e && e->kind == NAMED_IMPORTER)
        return check_set(v, CHECK_NATIVE, "tensorrt.opaque.trt_importer",
                         "%s.%s: one of the ONNX parser's own TensorRT-op importers (TRT_*)", dom,
                         name);
    if (e)
        return check_set(v, CHECK_NATIVE, "tensorrt.opaque.plugin",
                         "%s.%s: runs as the plugin %s that TensorRT ships%s (libnvinfer_plugin; "
                         "the application must load it, e.g. initLibNvInferPlugins, as trtexec "
                         "does)",
                         dom, name, name, e->note);
    /* a custom-domain node named like an ai.onnx op ferry models */
    enum ir_op op = ir_op_from_name(name);
    if (op > IR_OP_OPAQUE && (int)op <= (int)ONNX_OPS && rows[op].status == CHECK_NATIVE) {
        check_set(v, CHECK_SUBSTITUTED, "tensorrt.opaque.same_name",
                  "%s.%s: the parser picks importers by op_type alone, so it imports this node "
                  "with its ai.onnx %s importer; that is right only if %s's %s has ai.onnx's "
                  "inputs, attributes and meaning",
                  dom, name, name, dom, name);
        v->substitute = "the parser's ai.onnx importer of the same name";
        return true;
    }
    return check_set(v, CHECK_UNSUPPORTED, "tensorrt.opaque.plugin_needed",
                     "%s.%s: the TensorRT ONNX parser has no importer for %s; it tries a plugin "
                     "named %s, so a TensorRT plugin of that name (plugin_version attribute, "
                     "default 1) must be registered, or the parse fails",
                     dom, name, name, name);
}

const struct target target_tensorrt = {
    .name = "tensorrt",
    .title = "TensorRT 10 ONNX parser",
    .version = "TensorRT 10.15 (ONNX opsets 9 to 24)",
    .source = "onnx/onnx-tensorrt docs/operators.md (the TensorRT 10.15 GA operator matrix, "
              "2026-02-02); onnx/onnx-tensorrt ModelImporter.cpp and "
              "onnxOpImporters.cpp (importer lookup, DOUBLE cast, Q/DQ checks); "
              "NVIDIA/TensorRT plugin/README.md (shipped plugins)",
    .takes = TARGET_TAKES_ONNX,
    .rows = rows,
    .model_rule = NULL,
    .partition = TARGET_PARTITION_NONE,
    .accelerator = NULL,
    .unknown = "Loop (scan-output length, loop-carried shapes) and If output names are not "
               "checked; types of inputs other than the data input are not in the matrix; the "
               "matrix covers opsets 9 to 24 and says nothing of models outside that range; "
               "whether the application registers extra plugins, and what a model-local "
               "function imports (the parser inlines its body), cannot be seen from the model "
               "alone",
};
