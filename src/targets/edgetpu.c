/* Target edgetpu: the Coral Edge TPU, programmed through edgetpu_compiler,
 * which turns a TFLite model into one whose Edge TPU part is a single custom
 * op (edgetpu-custom-op) and whose other ops run in the TFLite CPU
 * interpreter.
 *
 * Where the facts come from (the compiler is closed source; its last release
 * is 16.0; ../shared/reference/targets.md §4 gathers them):
 * - coral.ai/docs/edgetpu/models-intro ("TensorFlow models on the Edge TPU"):
 *   the model requirements (fully 8-bit quantized, tensor sizes and
 *   parameters constant at compile time, tensors of at most 3 dims > 1, only
 *   the listed ops) and the table of supported ops with their limitations,
 *   as reproduced on developer.axis.com's ARTPEC-7 "supported ops" page; the
 *   rows after ResizeBilinear from the 2019 coral.withgoogle.com copy;
 * - google-coral/edgetpu issues: TRANSPOSE mapped from compiler 16 (#193,
 *   #242), TRANSPOSE_CONV listed but strided cases reported unmapped (#509,
 *   #684), QUANTIZE at the model's input and DEQUANTIZE left to the CPU
 *   ("otherwise supported, but not mapped", "working on an unsupported data
 *   type"), one Edge TPU subgraph only (#342), float models mapping nothing
 *   (#225), and "Attempting to use a delegate that only supports
 *   static-sized tensors" failing the compile (#829).
 *
 * How rows decide. The model rule comes first, for every node: a model that
 * is not int8/uint8-quantized (its first compute op reads float or 16-bit
 * data, or it has no 8-bit quantized tensor) is unsupported, and so is one
 * with a tensor whose size is not fixed at compile time (an unknown or
 * symbolic dim, or a TFLite op whose output shape comes from a non-constant
 * operand, which TFLite makes a dynamic tensor). A TFLite shape_signature of
 * -1 alone is not counted: TFLite allocates from Tensor.shape. Then each op
 * in Coral's list is native with one shared rule — its non-constant tensors
 * are 8-bit and have at most 3 dims > 1, the innermost ones — and the
 * limitation Coral's table gives for it; any failure is a fallback (the
 * compiler leaves the op to the CPU). Every op not in the list is a fallback.
 * A fallback node and everything after it run on the CPU (the compiler makes
 * one Edge TPU subgraph): the check engine draws that prefix partition. */
#include <stdio.h>
#include <string.h>

#include "targets/rules.h"
#include "targets/target.h"

static const char *tname(const struct ir_tensor *t)
{
    return t && t->name ? t->name : "?";
}

static const char *nname(const struct ir_node *n)
{
    return n->name && n->name[0] ? n->name : "?";
}

static const char *opname(const struct ir_node *n)
{
    return n->op_type ? n->op_type : ir_op_name(n->op);
}

static bool is_q8(const struct ir_tensor *t)
{
    return rule_is_quantized(t) && (t->dtype == IR_I8 || t->dtype == IR_U8);
}

static bool is_float(enum ir_dtype d)
{
    return d != IR_UNDEFINED && ir_dtype_table[d].is_float;
}

/* A constant's integer values (int32 or int64, at most cap); -1 when t is
 * not such a constant. */
static int const_ints(const struct ir_tensor *t, int64_t *out, int cap)
{
    if (!rule_is_const(t) || !t->data) return -1;
    int size = t->dtype == IR_I32 ? 4 : t->dtype == IR_I64 ? 8 : 0;
    if (!size) return -1;
    uint64_t n = t->nbytes / (uint64_t)size;
    if (n > (uint64_t)cap) return -1;
    for (uint64_t i = 0; i < n; i++) {
        if (size == 4) {
            int32_t x;
            memcpy(&x, (const char *)t->data + 4 * i, 4);
            out[i] = x;
        } else {
            memcpy(&out[i], (const char *)t->data + 8 * i, 8);
        }
    }
    return (int)n;
}

/* Dims beyond the 3 innermost are "batch" dims (Coral: only the 3
 * innermost dims may be > 1). */
static bool is_batch_axis(int64_t axis, int rank)
{
    if (axis < 0) axis += rank;
    return rank >= 4 && axis >= 0 && axis < rank - 3;
}

/* How many dims are > 1, and the last such one. */
static int dims_above_one(const struct ir_tensor *t, int *last)
{
    int k = 0;
    *last = -1;
    for (int d = 0; t && d < t->rank; d++)
        if (t->dims[d].value > 1 || t->dims[d].value < 0) {
            k++;
            *last = d;
        }
    return k;
}

/* ---- the model rule: full 8-bit quantization and static shapes ---- */

static bool quant_io(enum ir_op op)
{
    return op == IR_OP_TFL_QUANTIZE || op == IR_OP_TFL_DEQUANTIZE || op == IR_OP_QUANTIZE_LINEAR ||
           op == IR_OP_DEQUANTIZE_LINEAR || op == IR_OP_DYNAMIC_QUANTIZE_LINEAR ||
           op == IR_OP_TFL_SHAPE || op == IR_OP_SHAPE || op == IR_OP_OPAQUE;
}

/* The data a compute node reads (non-constant): 8-bit quantized, float or
 * wider integer, or neither (int32 indices, bool masks). An ONNX input that
 * a DequantizeLinear produces is quantized data (QDQ form). */
enum data_kind { DATA_OTHER, DATA_Q8, DATA_NOT_Q8 };

static enum data_kind data_kind(const struct ir_tensor *t)
{
    if (!t || rule_is_const(t)) return DATA_OTHER;
    if (is_q8(t)) return DATA_Q8;
    if (is_float(t->dtype))
        return t->producer && t->producer->op == IR_OP_DEQUANTIZE_LINEAR ? DATA_Q8 : DATA_NOT_Q8;
    if (rule_is_quantized(t)) return DATA_NOT_Q8; /* int16 activations (16x8) */
    return DATA_OTHER;
}

static bool full_int8(const struct ir_graph *g, struct check_verdict *v)
{
    /* the first compute op in graph order that reads data decides */
    for (int i = 0; i < g->n_nodes; i++) {
        const struct ir_node *n = g->nodes[i];
        if (quant_io(n->op)) continue;
        for (int k = 0; k < n->n_inputs; k++) {
            enum data_kind d = data_kind(n->inputs[k]);
            if (d == DATA_Q8) return false;
            if (d == DATA_NOT_Q8)
                return check_set(v, CHECK_UNSUPPORTED, "edgetpu.full_int8",
                                 "the model is not fully int8-quantized (tensor '%s' is %s%s, "
                                 "read by '%s' (%s)); the Edge TPU runs only 8-bit quantized "
                                 "models, so the compiler maps none of it: quantize it first "
                                 "(full-integer quantization)",
                                 tname(n->inputs[k]), rule_dtype_name(n->inputs[k]),
                                 is_float(n->inputs[k]->dtype) ? "" : " quantized", nname(n),
                                 opname(n));
        }
    }
    for (int i = 0; i < g->n_tensors; i++)
        if (is_q8(g->tensors[i])) return false;
    return check_set(v, CHECK_UNSUPPORTED, "edgetpu.full_int8",
                     "the model is not int8-quantized (no tensor has int8/uint8 quantization); "
                     "the Edge TPU runs only 8-bit quantized models: quantize it first "
                     "(full-integer quantization)");
}

static bool is_graph_input(const struct ir_graph *g, const struct ir_tensor *t)
{
    for (int i = 0; i < g->n_inputs; i++)
        if (g->inputs[i] == t) return true;
    return false;
}

static bool size_unknown(const struct ir_graph *g, const struct ir_tensor *t)
{
    if (!t || t->kind == IR_TENSOR_CONST) return false;
    if (t->rank < 0) return is_graph_input(g, t);
    for (int d = 0; d < t->rank; d++)
        if (t->dims[d].value < 0) return true;
    return false;
}

/* TFLite ops whose output shape comes from an operand (bit i: input i):
 * when that operand is not constant, TFLite sizes the output at run time (a
 * dynamic tensor). */
static const uint8_t shape_operands[IR_OP_COUNT] = {
    [IR_OP_TFL_RESHAPE] = 0x2,
    [IR_OP_TFL_FILL] = 0x1,
    [IR_OP_TFL_BROADCAST_TO] = 0x2,
    [IR_OP_TFL_TILE] = 0x2,
    [IR_OP_TFL_PAD] = 0x2,
    [IR_OP_TFL_PADV2] = 0x2,
    [IR_OP_TFL_MIRROR_PAD] = 0x2,
    [IR_OP_TFL_STRIDED_SLICE] = 0xe,
    [IR_OP_TFL_SLICE] = 0x6,
    [IR_OP_TFL_RESIZE_BILINEAR] = 0x2,
    [IR_OP_TFL_RESIZE_NEAREST_NEIGHBOR] = 0x2,
    [IR_OP_TFL_TRANSPOSE_CONV] = 0x1,
    [IR_OP_TFL_EXPAND_DIMS] = 0x2,
    [IR_OP_TFL_MEAN] = 0x2,
    [IR_OP_TFL_SUM] = 0x2,
    [IR_OP_TFL_REDUCE_MAX] = 0x2,
    [IR_OP_TFL_REDUCE_MIN] = 0x2,
    [IR_OP_TFL_REDUCE_PROD] = 0x2,
    [IR_OP_TFL_SPLIT] = 0x1,
    [IR_OP_TFL_SPLIT_V] = 0x6,
    [IR_OP_TFL_TRANSPOSE] = 0x2,
    [IR_OP_TFL_SPACE_TO_BATCH_ND] = 0x6,
    [IR_OP_TFL_BATCH_TO_SPACE_ND] = 0x6,
    [IR_OP_TFL_TOPK_V2] = 0x2,
    [IR_OP_TFL_ARG_MAX] = 0x2,
    [IR_OP_TFL_ARG_MIN] = 0x2,
    [IR_OP_TFL_RANGE] = 0x7,
    [IR_OP_TFL_WHERE] = 0x1,
};

static bool static_shapes(const struct ir_graph *g, struct check_verdict *v)
{
    char sh[96];
    const struct ir_tensor *bad = NULL;
    for (int i = 0; i < g->n_inputs && !bad; i++)
        if (size_unknown(g, g->inputs[i])) bad = g->inputs[i];
    for (int i = 0; i < g->n_tensors && !bad; i++)
        if (size_unknown(g, g->tensors[i])) bad = g->tensors[i];
    if (bad)
        return check_set(v, CHECK_UNSUPPORTED, "edgetpu.static_shapes",
                         "tensor '%s' has no fixed size %s; the Edge TPU compiler needs every "
                         "tensor size constant at compile time (\"Attempting to use a delegate "
                         "that only supports static-sized tensors\"): give the input a static "
                         "shape (--shape NAME=DIMS) and convert with it",
                         tname(bad), rule_shape(bad, sh, sizeof sh));
    for (int i = 0; i < g->n_nodes; i++) {
        const struct ir_node *n = g->nodes[i];
        unsigned ops = shape_operands[n->op];
        for (int k = 0; ops && k < n->n_inputs && k < 8; k++) {
            const struct ir_tensor *t = n->inputs[k];
            if (!(ops & (1u << k)) || !t || rule_is_const(t)) continue;
            return check_set(v, CHECK_UNSUPPORTED, "edgetpu.static_shapes",
                             "the output of '%s' (%s) is sized at run time from '%s', which is "
                             "not a constant, so TFLite makes it a dynamic tensor and the Edge "
                             "TPU compiler refuses the model (\"Attempting to use a delegate "
                             "that only supports static-sized tensors\"): fold the shape "
                             "computation into constants (fixed input shapes)",
                             nname(n), opname(n), tname(t));
        }
    }
    return false;
}

static bool etpu_model(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_graph *g = c->m ? c->m->graph : c->n->graph;
    if (!g) return false;
    return full_int8(g, v) || static_shapes(g, v);
}

/* ---- the shared rule of every mapped op ---- */

static bool mapped_tensor(const struct ir_node *n, const struct ir_tensor *t, const char *what,
                          int i, struct check_verdict *v)
{
    char sh[96];
    if (!t || rule_is_const(t) || t->is_variable) return false;
    if (t->dtype != IR_UNDEFINED && t->dtype != IR_I8 && t->dtype != IR_U8)
        return check_set(v, CHECK_FALLBACK, "edgetpu.dtype",
                         "%s %d '%s' is %s: the Edge TPU computes on int8/uint8 only, so the "
                         "compiler leaves %s to the CPU (\"Operation is working on an "
                         "unsupported data type\")",
                         what, i, tname(t), rule_dtype_name(t), opname(n));
    for (int d = 0; d + 3 < t->rank; d++)
        if (t->dims[d].value != 1)
            return check_set(v, CHECK_FALLBACK, "edgetpu.tensor_dims",
                             "%s %d '%s' is %s: the Edge TPU takes tensors whose dims beyond "
                             "the 3 innermost are 1, so %s runs on the CPU",
                             what, i, tname(t), rule_shape(t, sh, sizeof sh), opname(n));
    return false;
}

static bool mapped_common(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_node *n = c->n;
    for (int i = 0; i < n->n_inputs; i++)
        if (mapped_tensor(n, n->inputs[i], "input", i, v)) return true;
    for (int i = 0; i < n->n_outputs; i++)
        if (mapped_tensor(n, n->outputs[i], "output", i, v)) return true;
    return false;
}

/* ---- the limitations of Coral's table ---- */

static bool no_fused_activation(const struct check_node *c, struct check_verdict *v,
                                const char *rule)
{
    static const char *const acts[] = {"NONE", "RELU", "RELU_N1_TO_1", "RELU6", "TANH", "SIGN_BIT"};
    int a = (int)c->n->activation;
    if (a == IR_ACT_NONE) return false;
    return check_set(v, CHECK_FALLBACK, rule,
                     "fused activation %s: the Edge TPU maps %s only without a fused "
                     "activation function, so it runs on the CPU",
                     a >= 0 && a < IR_ACT_COUNT ? acts[a] : "?", opname(c->n));
}

static bool pool_limits(const struct check_node *c, struct check_verdict *v)
{
    return no_fused_activation(c, v, "edgetpu.pool.activation");
}

/* A constant that is all zeros in real value (every element equal to its
 * zero point when quantized). */
static bool all_zero(const struct ir_tensor *t)
{
    if (!t->data) return false;
    const uint8_t *p = t->data;
    bool q8 = t->dtype == IR_I8 || t->dtype == IR_U8;
    int64_t zp = q8 && t->quant && t->quant->count >= 1 && t->quant->zero_point
                     ? t->quant->zero_point[0]
                     : 0;
    for (uint64_t i = 0; i < t->nbytes; i++) {
        int64_t x = t->dtype == IR_I8 ? (int8_t)p[i] : p[i];
        if (q8 ? x != zp : p[i] != 0) return false;
    }
    return true;
}

static bool concat_limits(const struct check_node *c, struct check_verdict *v)
{
    if (no_fused_activation(c, v, "edgetpu.concatenation.activation")) return true;
    int k = rule_input_count(c->n);
    for (int i = 0; i < k; i++) {
        const struct ir_tensor *t = rule_input(c->n, i);
        if (!rule_is_const(t)) continue;
        if (k != 2)
            return check_set(v, CHECK_FALLBACK, "edgetpu.concatenation.const",
                             "constant input '%s' among %d inputs: the Edge TPU maps a "
                             "concatenation with a constant only when it has exactly 2 inputs "
                             "(a zero padding), so it runs on the CPU",
                             tname(t), k);
        if (!all_zero(t))
            return check_set(v, CHECK_FALLBACK, "edgetpu.concatenation.const",
                             "constant input '%s' is not all zeros: the Edge TPU maps a "
                             "concatenation with a constant only when that constant is zero "
                             "padding, so it runs on the CPU",
                             tname(t));
    }
    return false;
}

static bool const_params(const struct check_node *c, struct check_verdict *v, int w, int b,
                         const char *rule)
{
    const int slots[2] = {w, b};
    for (int i = 0; i < 2; i++) {
        const struct ir_tensor *t = rule_input(c->n, slots[i]);
        if (slots[i] < 0 || !t || rule_is_const(t)) continue;
        return check_set(v, CHECK_FALLBACK, rule,
                         "%s '%s' is computed at run time: the Edge TPU compiler needs weights "
                         "and biases constant at compile time, so %s runs on the CPU",
                         i ? "bias" : "weights", tname(t), opname(c->n));
    }
    return false;
}

static bool conv_limits(const struct check_node *c, struct check_verdict *v)
{
    int64_t dw = rule_attr_int(c->n, "dilation_w_factor", 1);
    int64_t dh = rule_attr_int(c->n, "dilation_h_factor", 1);
    if (dw != dh)
        return check_set(v, CHECK_FALLBACK, "edgetpu.conv.dilation",
                         "dilation %lld x %lld (height x width): the Edge TPU needs the same "
                         "dilation in x and y, so %s runs on the CPU",
                         (long long)dh, (long long)dw, opname(c->n));
    return const_params(c, v, 1, 2, "edgetpu.conv.const_weights");
}

static bool fc_limits(const struct check_node *c, struct check_verdict *v)
{
    char fmt[40];
    if (!rule_attr_string_is(c->n, "weights_format", "DEFAULT", true))
        return check_set(v, CHECK_FALLBACK, "edgetpu.fully_connected.weights_format",
                         "weights format %s: the Edge TPU maps the default weights format only, "
                         "so FULLY_CONNECTED runs on the CPU",
                         rule_attr_string(c->n, "weights_format", fmt, sizeof fmt));
    const struct ir_tensor *y = rule_output(c->n, 0);
    int last, k = dims_above_one(y, &last);
    char sh[96];
    if (k > 1)
        return check_set(v, CHECK_FALLBACK, "edgetpu.fully_connected.output",
                         "output '%s' is %s: the Edge TPU maps FULLY_CONNECTED with a "
                         "one-dimensional output only (one dim > 1), so it runs on the CPU",
                         tname(y), rule_shape(y, sh, sizeof sh));
    return const_params(c, v, 1, 2, "edgetpu.fully_connected.const_weights");
}

static bool tconv_limits(const struct check_node *c, struct check_verdict *v)
{
    /* inputs: output_shape, weights, input, bias */
    return const_params(c, v, 1, 3, "edgetpu.transpose_conv.const_weights");
}

/* Axes a reduction runs over (input 1, a constant), normalized; -1 when
 * not constant. */
static int reduce_axes(const struct check_node *c, int64_t *axes, int cap)
{
    int k = const_ints(rule_input(c->n, 1), axes, cap);
    int r = rule_rank(rule_input(c->n, 0));
    for (int i = 0; i < k; i++)
        if (axes[i] < 0) axes[i] += r;
    return k;
}

static bool batch_reduction(const struct check_node *c, struct check_verdict *v, const char *rule)
{
    int64_t axes[16];
    int k = reduce_axes(c, axes, 16);
    const struct ir_tensor *x = rule_input(c->n, 0);
    char sh[96];
    for (int i = 0; i < k; i++)
        if (is_batch_axis(axes[i], rule_rank(x)))
            return check_set(v, CHECK_FALLBACK, rule,
                             "reduces over axis %lld of '%s' %s, the batch dimension: the Edge "
                             "TPU cannot reduce over batch, so %s runs on the CPU",
                             (long long)axes[i], tname(x), rule_shape(x, sh, sizeof sh),
                             opname(c->n));
    return false;
}

static bool mean_limits(const struct check_node *c, struct check_verdict *v)
{
    if (batch_reduction(c, v, "edgetpu.mean.batch")) return true;
    int64_t axes[16];
    int k = reduce_axes(c, axes, 16);
    const struct ir_tensor *x = rule_input(c->n, 0);
    int r = rule_rank(x);
    for (int i = 0; i < k && r > 0; i++) {
        int64_t z = x->dims[r - 1].value;
        if (axes[i] == r - 1 && z > 0 && z % 4)
            return check_set(v, CHECK_FALLBACK, "edgetpu.mean.channels",
                             "reduces over the channel dim of size %lld: the Edge TPU needs a "
                             "channel (z) reduction over a multiple of 4, so MEAN runs on the "
                             "CPU",
                             (long long)z);
    }
    return false;
}

static bool reduce_limits(const struct check_node *c, struct check_verdict *v)
{
    return batch_reduction(c, v, "edgetpu.reduce.batch");
}

static bool pack_limits(const struct check_node *c, struct check_verdict *v)
{
    int64_t axis = rule_attr_int(c->n, "axis", 0);
    int r = rule_rank(rule_output(c->n, 0));
    if (!is_batch_axis(axis, r)) return false;
    return check_set(v, CHECK_FALLBACK, "edgetpu.pack.batch",
                     "packs along axis %lld of a rank-%d output, the batch dimension: the Edge "
                     "TPU cannot pack in the batch dimension, so PACK runs on the CPU",
                     (long long)axis, r);
}

static bool pad_limits(const struct check_node *c, struct check_verdict *v)
{
    int64_t p[32];
    int k = const_ints(rule_input(c->n, 1), p, 32);
    int r = rule_rank(rule_input(c->n, 0));
    for (int d = 0; d < r && 2 * d + 1 < k; d++)
        if (is_batch_axis(d, r) && (p[2 * d] || p[2 * d + 1]))
            return check_set(v, CHECK_FALLBACK, "edgetpu.pad.batch",
                             "pads axis %d (the batch dimension) by [%lld, %lld]: the Edge TPU "
                             "cannot pad in the batch dimension, so PAD runs on the CPU",
                             d, (long long)p[2 * d], (long long)p[2 * d + 1]);
    return false;
}

static bool prelu_limits(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_tensor *a = rule_input(c->n, 1);
    int last, k = dims_above_one(a, &last);
    char sh[96];
    if (!a || k == 0 || (k == 1 && last == a->rank - 1)) return false;
    return check_set(v, CHECK_FALLBACK, "edgetpu.prelu.alpha",
                     "alpha '%s' is %s: the Edge TPU needs a one-dimensional alpha (only the "
                     "innermost dim > 1; Keras PReLU with shared_axes [1,2]), so PRELU runs on "
                     "the CPU",
                     tname(a), rule_shape(a, sh, sizeof sh));
}

static bool softmax_limits(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_tensor *x = rule_input(c->n, 0);
    int last, k = dims_above_one(x, &last);
    uint64_t n = 0;
    char sh[96];
    if (k > 1)
        return check_set(v, CHECK_FALLBACK, "edgetpu.softmax.rank",
                         "input '%s' is %s: the Edge TPU maps SOFTMAX on a one-dimensional "
                         "input only (one dim > 1), so it runs on the CPU",
                         tname(x), rule_shape(x, sh, sizeof sh));
    if (x && ir_tensor_numel(x, &n) && n > 16000)
        return check_set(v, CHECK_FALLBACK, "edgetpu.softmax.size",
                         "input '%s' has %llu elements: the Edge TPU maps SOFTMAX on at most "
                         "16,000, so it runs on the CPU",
                         tname(x), (unsigned long long)n);
    return false;
}

static bool split_limits(const struct check_node *c, struct check_verdict *v)
{
    int64_t axis;
    /* SPLIT: inputs (axis, data) */
    if (const_ints(rule_input(c->n, 0), &axis, 1) != 1) return false;
    int r = rule_rank(rule_input(c->n, 1));
    if (!is_batch_axis(axis, r)) return false;
    return check_set(v, CHECK_FALLBACK, "edgetpu.split.batch",
                     "splits along axis %lld of a rank-%d input, the batch dimension: the Edge "
                     "TPU cannot split in the batch dimension, so SPLIT runs on the CPU",
                     (long long)axis, r);
}

static bool squeeze_limits(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_tensor *x = rule_input(c->n, 0);
    int r = rule_rank(x);
    if (r < 0) return false;
    const int64_t *sq = NULL;
    int k = rule_attr_ints(c->n, "squeeze_dims", &sq);
    char sh[96];
    for (int d = 0; d < r; d++) {
        bool squeezed = false;
        if (k <= 0) squeezed = x->dims[d].value == 1;
        for (int i = 0; i < k; i++)
            if ((sq[i] < 0 ? sq[i] + r : sq[i]) == d) squeezed = true;
        if (!squeezed) continue;
        for (int e = 0; e < d; e++)
            if (x->dims[e].value != 1)
                return check_set(v, CHECK_FALLBACK, "edgetpu.squeeze.leading",
                                 "squeezes axis %d of '%s' %s, after a dim > 1: the Edge TPU "
                                 "maps SQUEEZE only of leading 1s, so it runs on the CPU",
                                 d, tname(x), rule_shape(x, sh, sizeof sh));
    }
    return false;
}

static bool strided_slice_limits(const struct check_node *c, struct check_verdict *v)
{
    int64_t el = rule_attr_int(c->n, "ellipsis_mask", 0);
    int64_t na = rule_attr_int(c->n, "new_axis_mask", 0);
    if (el || na)
        return check_set(v, CHECK_FALLBACK, "edgetpu.strided_slice.mask",
                         "%s %lld: the Edge TPU maps STRIDED_SLICE without ellipsis and new-axis "
                         "masks only, so it runs on the CPU",
                         el ? "ellipsis_mask" : "new_axis_mask", (long long)(el ? el : na));
    int64_t s[16];
    int k = const_ints(rule_input(c->n, 3), s, 16);
    for (int i = 0; i < k; i++)
        if (s[i] != 1)
            return check_set(v, CHECK_FALLBACK, "edgetpu.strided_slice.stride",
                             "stride %lld on axis %d: the Edge TPU maps STRIDED_SLICE with all "
                             "strides 1 only, so it runs on the CPU",
                             (long long)s[i], i);
    return false;
}

/* Per-op limitations, after the shared checks. */
static const check_rule_fn limits[IR_OP_COUNT] = {
    [IR_OP_TFL_AVERAGE_POOL_2D] = pool_limits,
    [IR_OP_TFL_MAX_POOL_2D] = pool_limits,
    [IR_OP_TFL_CONCATENATION] = concat_limits,
    [IR_OP_TFL_CONV_2D] = conv_limits,
    [IR_OP_TFL_DEPTHWISE_CONV_2D] = conv_limits,
    [IR_OP_TFL_FULLY_CONNECTED] = fc_limits,
    [IR_OP_TFL_TRANSPOSE_CONV] = tconv_limits,
    [IR_OP_TFL_MEAN] = mean_limits,
    [IR_OP_TFL_REDUCE_MAX] = reduce_limits,
    [IR_OP_TFL_REDUCE_MIN] = reduce_limits,
    [IR_OP_TFL_PACK] = pack_limits,
    [IR_OP_TFL_PAD] = pad_limits,
    [IR_OP_TFL_PRELU] = prelu_limits,
    [IR_OP_TFL_SOFTMAX] = softmax_limits,
    [IR_OP_TFL_SPLIT] = split_limits,
    [IR_OP_TFL_SQUEEZE] = squeeze_limits,
    [IR_OP_TFL_STRIDED_SLICE] = strided_slice_limits,
};

static bool etpu_mapped(const struct check_node *c, struct check_verdict *v)
{
    if (mapped_common(c, v)) return true;
    check_rule_fn f = limits[c->n->op];
    return f && f(c, v);
}

/* QUANTIZE: a requantization maps; a float-to-int8 one at the model's input
 * is left to the CPU ahead of the Edge TPU subgraph. */
static bool etpu_quantize(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_tensor *x = rule_input(c->n, 0);
    if (x && is_float(x->dtype))
        return check_set(v, CHECK_FALLBACK, "edgetpu.quantize.float_input",
                         "quantizes %s '%s' to 8 bits: the compiler leaves a float input's "
                         "QUANTIZE to the CPU (\"Operation is otherwise supported, but not "
                         "mapped\"); only requantizations between 8-bit types map",
                         rule_dtype_name(x), tname(x));
    return mapped_common(c, v);
}

/* ---- IR_OP_OPAQUE ---- */

static bool etpu_opaque(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_node *n = c->n;
    const char *op = n->op_type ? n->op_type : "?";
    if (c->m && c->m->format != IR_FORMAT_TFLITE) {
        const char *dom = n->domain && n->domain[0] ? n->domain : "ai.onnx";
        return check_set(v, CHECK_UNSUPPORTED, "edgetpu.onnx.unknown_op",
                         "ONNX op %s (domain %s) is unknown to ferry, so its ONNX-to-TFLite "
                         "converter cannot lower it to TFLite builtins",
                         op, dom);
    }
    if (!strcmp(op, "CUSTOM:edgetpu-custom-op"))
        return check_set(v, CHECK_NATIVE, "edgetpu.custom.compiled",
                         "custom op 'edgetpu-custom-op': a subgraph already compiled for the "
                         "Edge TPU; it runs there through the Edge TPU delegate (libedgetpu)");
    if (!strcmp(op, "CUSTOM:ethos-u"))
        return check_set(v, CHECK_UNSUPPORTED, "edgetpu.custom.ethos_u",
                         "custom op 'ethos-u': a Vela-compiled subgraph for an Arm Ethos-U NPU; "
                         "neither the Edge TPU nor the TFLite CPU interpreter can run it");
    if (!strncmp(op, "CUSTOM:", 7))
        return check_set(v, CHECK_FALLBACK, "edgetpu.custom.cpu",
                         "custom op '%s': the compiler maps builtins only, so it runs on the CPU "
                         "in TFLite, which needs a kernel for it (the stock resolver has "
                         "TFLite_Detection_PostProcess; others the application registers)",
                         op + 7);
    if (!strcmp(op, "BIDIRECTIONAL_SEQUENCE_LSTM"))
        return check_set(v, CHECK_FALLBACK, "edgetpu.lstm.bidirectional",
                         "bidirectional LSTM: the Edge TPU maps unidirectional LSTMs only, so it "
                         "runs on the CPU");
    return check_set(v, CHECK_FALLBACK, "edgetpu.builtin.not_listed",
                     "builtin %s is not among the ops the Edge TPU supports: it runs on the "
                     "CPU, and the compiler maps every op after it to the CPU too",
                     op);
}

/* ---- the table ---- */

#define CPU                                                                                        \
    "not among the ops the Edge TPU supports: runs on the CPU; the Edge TPU compiler maps "        \
    "this op and every op after it to the CPU"
#define MAPPED(WHAT) "Edge TPU op" WHAT " (8-bit data, at most 3 dims > 1)"

static const struct target_row rows[IR_OP_COUNT] = {
    IR_OP_LIST_ONNX(TARGET_ROW_VIA_CONVERTER) /* every ONNX op: the converter decides */
    TARGET_ROW(TFL_ABS, FALLBACK, CPU),
    TARGET_RULE(TFL_ADD, NATIVE, MAPPED(""), etpu_mapped),
    TARGET_ROW(TFL_ADD_N, FALLBACK, CPU),
    TARGET_ROW(TFL_ARG_MAX, FALLBACK, CPU),
    TARGET_ROW(TFL_ARG_MIN, FALLBACK, CPU),
    TARGET_RULE(TFL_AVERAGE_POOL_2D, NATIVE, MAPPED("; no fused activation"), etpu_mapped),
    TARGET_ROW(TFL_BATCH_MATMUL, FALLBACK, CPU),
    TARGET_ROW(TFL_BATCH_TO_SPACE_ND, FALLBACK, CPU),
    TARGET_ROW(TFL_BROADCAST_TO, FALLBACK, CPU),
    TARGET_ROW(TFL_CAST, FALLBACK, CPU),
    TARGET_ROW(TFL_CEIL, FALLBACK, CPU),
    TARGET_RULE(TFL_CONCATENATION, NATIVE,
                MAPPED("; no fused activation; a constant input only as zero padding with "
                       "exactly 2 inputs"),
                etpu_mapped),
    TARGET_RULE(TFL_CONV_2D, NATIVE,
                MAPPED("; the same dilation in x and y; constant weights and bias"), etpu_mapped),
    TARGET_ROW(TFL_CONV_3D, FALLBACK, CPU),
    TARGET_ROW(TFL_COS, FALLBACK, CPU),
    TARGET_ROW(TFL_CUMSUM, FALLBACK, CPU),
    TARGET_RULE(TFL_DEPTHWISE_CONV_2D, NATIVE,
                MAPPED("; the same dilation in x and y; constant weights and bias"), etpu_mapped),
    TARGET_ROW(TFL_DEPTH_TO_SPACE, FALLBACK, CPU),
    TARGET_ROW(TFL_DEQUANTIZE, FALLBACK,
               "not mapped: the Edge TPU has no float output, so the compiler leaves DEQUANTIZE "
               "to the CPU (\"Operation is working on an unsupported data type\"); at the "
               "model's output that costs nothing else"),
    TARGET_ROW(TFL_DIV, FALLBACK, CPU),
    TARGET_ROW(TFL_ELU, FALLBACK, CPU),
    TARGET_ROW(TFL_EQUAL, FALLBACK, CPU),
    TARGET_ROW(TFL_EXP, FALLBACK, CPU),
    TARGET_RULE(TFL_EXPAND_DIMS, NATIVE, MAPPED(""), etpu_mapped),
    TARGET_ROW(TFL_FILL, FALLBACK, CPU),
    TARGET_ROW(TFL_FLOOR, FALLBACK, CPU),
    TARGET_ROW(TFL_FLOOR_DIV, FALLBACK, CPU),
    TARGET_ROW(TFL_FLOOR_MOD, FALLBACK, CPU),
    TARGET_RULE(TFL_FULLY_CONNECTED, NATIVE,
                MAPPED("; default weights format only; one-dimensional output; constant "
                       "weights and bias"),
                etpu_mapped),
    TARGET_ROW(TFL_GATHER, FALLBACK, CPU),
    TARGET_ROW(TFL_GATHER_ND, FALLBACK, CPU),
    TARGET_ROW(TFL_GELU, FALLBACK, CPU),
    TARGET_ROW(TFL_GREATER, FALLBACK, CPU),
    TARGET_ROW(TFL_GREATER_EQUAL, FALLBACK, CPU),
    TARGET_ROW(TFL_HARD_SWISH, FALLBACK, CPU),
    TARGET_ROW(TFL_IF, FALLBACK, CPU),
    TARGET_RULE(TFL_L2_NORMALIZATION, NATIVE, MAPPED(""), etpu_mapped),
    TARGET_ROW(TFL_L2_POOL_2D, FALLBACK, CPU),
    TARGET_ROW(TFL_LEAKY_RELU, FALLBACK, CPU),
    TARGET_ROW(TFL_LESS, FALLBACK, CPU),
    TARGET_ROW(TFL_LESS_EQUAL, FALLBACK, CPU),
    TARGET_ROW(TFL_LOCAL_RESPONSE_NORMALIZATION, FALLBACK, CPU),
    TARGET_ROW(TFL_LOG, FALLBACK, CPU),
    TARGET_ROW(TFL_LOGICAL_AND, FALLBACK, CPU),
    TARGET_ROW(TFL_LOGICAL_NOT, FALLBACK, CPU),
    TARGET_ROW(TFL_LOGICAL_OR, FALLBACK, CPU),
    TARGET_RULE(TFL_LOGISTIC, NATIVE, MAPPED(""), etpu_mapped),
    TARGET_ROW(TFL_LOG_SOFTMAX, FALLBACK, CPU),
    TARGET_ROW(TFL_MATRIX_DIAG, FALLBACK, CPU),
    TARGET_RULE(TFL_MAXIMUM, NATIVE, MAPPED(""), etpu_mapped),
    TARGET_RULE(TFL_MAX_POOL_2D, NATIVE, MAPPED("; no fused activation"), etpu_mapped),
    TARGET_RULE(TFL_MEAN, NATIVE,
                MAPPED("; no reduction over batch; a channel reduction needs channels a "
                       "multiple of 4"),
                etpu_mapped),
    TARGET_RULE(TFL_MINIMUM, NATIVE, MAPPED(""), etpu_mapped),
    TARGET_ROW(TFL_MIRROR_PAD, FALLBACK, CPU),
    TARGET_RULE(TFL_MUL, NATIVE, MAPPED(""), etpu_mapped),
    TARGET_ROW(TFL_NEG, FALLBACK, CPU),
    TARGET_ROW(TFL_NOT_EQUAL, FALLBACK, CPU),
    TARGET_ROW(TFL_ONES_LIKE, UNSUPPORTED,
               "not a TFLite builtin (ferry's own op, no schema code): neither the compiler nor "
               "the TFLite CPU interpreter can take it"),
    TARGET_RULE(TFL_PACK, NATIVE, MAPPED("; not along the batch dimension"), etpu_mapped),
    TARGET_RULE(TFL_PAD, NATIVE, MAPPED("; no padding in the batch dimension"), etpu_mapped),
    TARGET_ROW(TFL_PADV2, FALLBACK, CPU),
    TARGET_ROW(TFL_POW, FALLBACK, CPU),
    TARGET_RULE(TFL_PRELU, NATIVE, MAPPED("; a one-dimensional alpha (innermost dim only)"),
                etpu_mapped),
    TARGET_RULE(TFL_QUANTIZE, NATIVE,
                MAPPED("; requantization between 8-bit types (a float input's QUANTIZE stays on "
                       "the CPU)"),
                etpu_quantize),
    TARGET_ROW(TFL_RANGE, FALLBACK, CPU),
    TARGET_RULE(TFL_REDUCE_MAX, NATIVE, MAPPED("; not over the batch dimension"), etpu_mapped),
    TARGET_RULE(TFL_REDUCE_MIN, NATIVE, MAPPED("; not over the batch dimension"), etpu_mapped),
    TARGET_ROW(TFL_REDUCE_PROD, FALLBACK, CPU),
    TARGET_RULE(TFL_RELU, NATIVE, MAPPED(""), etpu_mapped),
    TARGET_RULE(TFL_RELU6, NATIVE, MAPPED(""), etpu_mapped),
    TARGET_ROW(TFL_RELU_0_TO_1, FALLBACK, CPU),
    TARGET_RULE(TFL_RELU_N1_TO_1, NATIVE, MAPPED(""), etpu_mapped),
    TARGET_RULE(TFL_RESHAPE, NATIVE,
                MAPPED("; Coral notes some reshapes of large tensors are not mapped (the size "
                       "is not published)"),
                etpu_mapped),
    TARGET_RULE(TFL_RESIZE_BILINEAR, NATIVE,
                MAPPED("; 3-D input and output; Coral notes it may be left unmapped for some "
                       "sizes to avoid precision loss (the sizes are not published)"),
                etpu_mapped),
    TARGET_RULE(TFL_RESIZE_NEAREST_NEIGHBOR, NATIVE,
                MAPPED("; 3-D input and output; Coral notes it may be left unmapped for some "
                       "sizes to avoid precision loss (the sizes are not published)"),
                etpu_mapped),
    TARGET_ROW(TFL_REVERSE_V2, FALLBACK, CPU),
    TARGET_ROW(TFL_ROUND, FALLBACK, CPU),
    TARGET_ROW(TFL_RSQRT, FALLBACK, CPU),
    TARGET_ROW(TFL_SELECT, FALLBACK, CPU),
    TARGET_ROW(TFL_SELECT_V2, FALLBACK, CPU),
    TARGET_ROW(TFL_SHAPE, FALLBACK, CPU),
    TARGET_ROW(TFL_SIGN, FALLBACK, CPU),
    TARGET_ROW(TFL_SIN, FALLBACK, CPU),
    TARGET_RULE(TFL_SLICE, NATIVE, MAPPED(""), etpu_mapped),
    TARGET_RULE(TFL_SOFTMAX, NATIVE, MAPPED("; a one-dimensional input of at most 16,000 elements"),
                etpu_mapped),
    TARGET_ROW(TFL_SPACE_TO_BATCH_ND, FALLBACK, CPU),
    TARGET_RULE(TFL_SPACE_TO_DEPTH, NATIVE, MAPPED(""), etpu_mapped),
    TARGET_RULE(TFL_SPLIT, NATIVE, MAPPED("; not along the batch dimension"), etpu_mapped),
    TARGET_ROW(TFL_SPLIT_V, FALLBACK, CPU),
    TARGET_ROW(TFL_SQRT, FALLBACK, CPU),
    TARGET_ROW(TFL_SQUARE, FALLBACK, CPU),
    TARGET_ROW(TFL_SQUARED_DIFFERENCE, FALLBACK, CPU),
    TARGET_RULE(TFL_SQUEEZE, NATIVE, MAPPED("; squeezing leading 1s only"), etpu_mapped),
    TARGET_RULE(TFL_STRIDED_SLICE, NATIVE, MAPPED("; all strides 1, no ellipsis or new-axis mask"),
                etpu_mapped),
    TARGET_RULE(TFL_SUB, NATIVE, MAPPED(""), etpu_mapped),
    TARGET_ROW(TFL_SUM, FALLBACK, CPU),
    TARGET_ROW(TFL_SVDF, FALLBACK, CPU),
    TARGET_RULE(TFL_TANH, NATIVE, MAPPED(""), etpu_mapped),
    TARGET_ROW(TFL_TILE, FALLBACK, CPU),
    TARGET_ROW(TFL_TOPK_V2, FALLBACK, CPU),
    TARGET_RULE(TFL_TRANSPOSE, NATIVE,
                MAPPED(" from compiler 16 (compiler 14 refused it; google-coral/edgetpu #193, "
                       "#242)"),
                etpu_mapped),
    TARGET_RULE(TFL_TRANSPOSE_CONV, NATIVE,
                MAPPED("; constant weights and bias (users report some strided or large cases "
                       "unmapped, #509, #684: the limit is not published)"),
                etpu_mapped),
    TARGET_RULE(TFL_UNIDIRECTIONAL_SEQUENCE_LSTM, NATIVE, MAPPED("; unidirectional LSTM only"),
                etpu_mapped),
    TARGET_ROW(TFL_UNPACK, FALLBACK, CPU),
    TARGET_ROW(TFL_WHERE, FALLBACK, CPU),
    TARGET_ROW(TFL_WHILE, FALLBACK, CPU),
    TARGET_ROW(TFL_ZEROS_LIKE, FALLBACK, CPU),
    TARGET_RULE(OPAQUE, FALLBACK,
                "not a builtin ferry knows: decided by the custom code (edgetpu-custom-op is "
                "already compiled; other custom ops run on the CPU) or the builtin's name",
                etpu_opaque),
};
_Static_assert(sizeof rows / sizeof rows[0] == IR_OP_COUNT, "one row per IR op");

const struct target target_edgetpu = {
    .name = "edgetpu",
    .title = "Coral Edge TPU (edgetpu_compiler)",
    .version = "edgetpu_compiler 16.0 (its last release; Edge TPU runtime 14)",
    .source = "https://coral.ai/docs/edgetpu/models-intro/#supported-operations (as reproduced "
              "at https://developer.axis.com/computer-vision/on-device/system-on-chip/artpec-7/"
              "supported-ops/), google-coral/edgetpu issues #193 #242 #342 #509 #684 #829",
    .takes = TARGET_TAKES_TFLITE,
    .rows = rows,
    .model_rule = etpu_model,
    .partition = TARGET_PARTITION_PREFIX,
    .accelerator = "Edge TPU",
    .unknown = "the compiler is closed source: the tensor sizes above which RESHAPE, "
               "RESIZE_BILINEAR/NEAREST_NEIGHBOR and TRANSPOSE_CONV stay unmapped are not "
               "published; the minimum runtime version of each op and the op versions the "
               "compiler accepts (\"Operation version not supported\") are not modelled; ops "
               "newer Coral pages may list (RSQRT, SQUARED_DIFFERENCE, SUM, HARD_SWISH) are "
               "answered as CPU ops; on-chip memory (parameter caching) is not estimated",
};
