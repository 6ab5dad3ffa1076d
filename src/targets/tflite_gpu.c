/* Target tflite-gpu: the TFLite / LiteRT GPU delegate (TfLiteGpuDelegateV2:
 * OpenCL, OpenGL ES 3.1 or Metal) with its default options — quantized
 * models enabled (TFLITE_GPU_EXPERIMENTAL_FLAGS_ENABLE_QUANT), standard
 * broadcasting, max_delegated_partitions = 1.
 *
 * Where the facts come from (google-ai-edge/LiteRT@f674577, 2026-08-21;
 * ../shared/reference/targets.md §2 summarises an earlier tensorflow/tensorflow
 * snapshot of the same files):
 * - tflite/delegates/gpu/common/model_builder.cc: NewOperationParser (which
 *   builtins and custom ops the delegate has a parser for — the real gate),
 *   each parser's IsSupported (the op version it accepts, the comparison /
 *   CAST pairing rules) and GetOpsToReplace (the tensor types it accepts on
 *   non-constant tensors, rank 5 and more refused on any tensor);
 * - tflite/tools/versioning/gpu_compatibility.cc: the per-op checks the
 *   parsers call (runtime / constant input counts, strides, dilations,
 *   activations, broadcasting, masks, paddings, axes).
 *
 * How rows decide: the delegate never refuses a model; it claims the nodes it
 * can run and leaves the rest to the CPU interpreter (TARGET_PARTITION_DELEGATE;
 * which claimed run is delegated — only the largest by default — is the check
 * engine's business). So a builtin the delegate has a parser for is native,
 * with a rule that applies, in the delegate's order, the CPU interpreter's own
 * refusal (a node neither can run is unsupported), the parser's version limit,
 * the op's checks and the tensor types and ranks; a failed check makes the
 * node fallback, naming the value. A builtin without a parser is fallback
 * (unsupported when the CPU refuses it too). Quantized (int8 / uint8) nodes
 * are native: the delegate runs them on dequantized values, float inside,
 * as the LiteRT GPU docs say. ONNX rows are decided by ferry's ONNX-to-TFLite
 * converter, then by these rows. IR_OP_OPAQUE: the four custom ops and the
 * three opaque builtins (LSTM, ONE_HOT, DENSIFY) the delegate parses are
 * checked like builtins; every other opaque node answers as the CPU target
 * does, native there meaning fallback here. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "targets/rules.h"
#include "targets/target.h"

extern const struct target target_tflite;

/* ---- helpers ---- */

static const char *op_name(const struct ir_node *n)
{
    if (n->op == IR_OP_OPAQUE) return n->op_type ? n->op_type : "?";
    const char *s = ir_op_name(n->op);
    return strncmp(s, "tfl.", 4) ? s : s + 4;
}

static int node_version(const struct ir_node *n)
{
    return n->version > 0 ? n->version : 1;
}

/* Inputs given and not constant ("runtime inputs"), and constant inputs. */
static int n_runtime(const struct ir_node *n)
{
    int k = 0;
    for (int i = 0; i < n->n_inputs; i++)
        if (n->inputs[i] && !rule_is_const(n->inputs[i])) k++;
    return k;
}

static int n_const(const struct ir_node *n)
{
    int k = 0;
    for (int i = 0; i < n->n_inputs; i++)
        if (rule_is_const(n->inputs[i])) k++;
    return k;
}

/* dims[i], or -1 when unknown. */
static int64_t dim(const struct ir_tensor *t, int i)
{
    if (!t || i < 0 || i >= t->rank) return -1;
    return t->dims[i].value;
}

static bool same_dims(const struct ir_tensor *a, const struct ir_tensor *b)
{
    if (a->rank != b->rank) return false;
    for (int i = 0; i < a->rank; i++)
        if (a->dims[i].value != b->dims[i].value) return false;
    return true;
}

/* Nodes of t's graph that read t; *first is the first of them. */
static int consumers(const struct ir_tensor *t, const struct ir_node **first)
{
    const struct ir_graph *g = t ? t->graph : NULL;
    int k = 0;
    if (!g) return -1;
    for (int i = 0; i < g->n_nodes; i++) {
        const struct ir_node *m = g->nodes[i];
        for (int j = 0; j < m->n_inputs; j++)
            if (m->inputs[j] == t) {
                if (!k && first) *first = m;
                k++;
                break;
            }
    }
    return k;
}

/* A failed delegate check: the node stays on the CPU. */
static bool gpu_fail(struct check_verdict *v, const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bool gpu_fail(struct check_verdict *v, const char *rule, const char *fmt, ...)
{
    char why[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    return check_set(v, CHECK_FALLBACK, rule, "%s; the node runs on the CPU", why);
}

/* The CPU interpreter's answer, when it refuses the node. */
static bool cpu_refuses(const struct check_node *c, struct check_verdict *v)
{
    struct check_verdict cpu;
    target_check_node(&target_tflite, c, &cpu);
    if (cpu.status != CHECK_UNSUPPORTED) return false;
    *v = cpu;
    return true;
}

/* ---- tensor types and ranks (GetOpsToReplace) ---- */

enum {
    T_BOOL_OUT = 1, /* comparisons: a bool result */
    T_BOOL_IN = 2,  /* SELECT / SELECT_V2 condition */
    T_I32_IN = 4,   /* GATHER indices, ONE_HOT indices */
    T_CAST = 8,     /* CAST: bool, float32, int32 in; float32, int32, bool out */
    T_LOGICAL = 16, /* LOGICAL_AND: bool in and out */
};

static bool type_ok(enum ir_dtype d, bool out, unsigned types)
{
    if (d == IR_UNDEFINED || d == IR_F32 || d == IR_F16 || d == IR_I8 || d == IR_U8) return true;
    if (d == IR_BOOL)
        return out ? (types & (T_BOOL_OUT | T_CAST | T_LOGICAL)) != 0
                   : (types & (T_BOOL_IN | T_CAST | T_LOGICAL)) != 0;
    if (d == IR_I32) return out ? (types & T_CAST) != 0 : (types & (T_I32_IN | T_CAST)) != 0;
    return false;
}

static bool tensor_rule(const struct ir_node *n, const struct ir_tensor *t, int i, bool out,
                        unsigned types, struct check_verdict *v)
{
    char sh[96];
    if (!t) return false;
    if (t->rank >= 5)
        return gpu_fail(v, "tflite-gpu.tensor.rank",
                        "%s %d of %s has rank %d %s: the GPU delegate takes tensors of rank 4 "
                        "or less",
                        out ? "output" : "input", i, op_name(n), t->rank,
                        rule_shape(t, sh, (int)sizeof sh));
    /* only tensors computed at run time are type-checked (constants are
     * converted when the delegate is built) */
    if (t->kind == IR_TENSOR_CONST || t->is_variable || type_ok(t->dtype, out, types)) return false;
    return gpu_fail(v, "tflite-gpu.tensor.dtype",
                    "%s %d of %s is %s: the GPU delegate takes float32 and float16 tensors, "
                    "int8 and uint8 in quantized models%s",
                    out ? "output" : "input", i, op_name(n), rule_dtype_name(t),
                    types & T_CAST                                 ? ", bool and int32 for CAST"
                    : types & T_I32_IN                             ? ", int32 indices"
                    : types & (T_BOOL_IN | T_BOOL_OUT | T_LOGICAL) ? ", bool where the op has one"
                                                                   : "");
}

static bool tensors_rule(const struct ir_node *n, unsigned types, struct check_verdict *v)
{
    for (int i = 0; i < n->n_inputs; i++)
        if (tensor_rule(n, n->inputs[i], i, false, types, v)) return true;
    for (int i = 0; i < n->n_outputs; i++)
        if (tensor_rule(n, n->outputs[i], i, true, types, v)) return true;
    return false;
}

/* ---- shared op checks (gpu_compatibility.cc) ---- */

static bool io_rule(const struct ir_node *n, int runtime, int outputs, struct check_verdict *v)
{
    int rt = n_runtime(n);
    if (rt != runtime)
        return gpu_fail(v, "tflite-gpu.inputs.runtime",
                        "%s has %d non-constant input(s): the GPU delegate takes exactly %d",
                        op_name(n), rt, runtime);
    if (n->n_outputs != outputs)
        return gpu_fail(v, "tflite-gpu.outputs", "%s has %d outputs: the GPU delegate takes %d",
                        op_name(n), n->n_outputs, outputs);
    return false;
}

/* exactly `consts` constant inputs, `runtime` others, `outputs` outputs */
static bool io_const_rule(const struct ir_node *n, int runtime, int consts, int outputs,
                          struct check_verdict *v)
{
    int k = n_const(n);
    if (k != consts)
        return gpu_fail(v, "tflite-gpu.inputs.const",
                        "%s has %d constant input(s): the GPU delegate takes exactly %d",
                        op_name(n), k, consts);
    return io_rule(n, runtime, outputs, v);
}

static bool activation_rule(const struct ir_node *n, struct check_verdict *v)
{
    if (n->activation != IR_ACT_SIGN_BIT) return false;
    return gpu_fail(v, "tflite-gpu.activation",
                    "%s has fused activation SIGN_BIT: the GPU delegate fuses NONE, RELU, "
                    "RELU_N1_TO_1, RELU6, TANH and sigmoid only",
                    op_name(n));
}

static bool strides_rule(const struct ir_node *n, struct check_verdict *v)
{
    int64_t sh = rule_attr_int(n, "stride_h", 1), sw = rule_attr_int(n, "stride_w", 1);
    if (sh <= 0 || sw <= 0)
        return gpu_fail(v, "tflite-gpu.conv.stride",
                        "%s stride_h %lld, stride_w %lld: the GPU delegate needs strides > 0",
                        op_name(n), (long long)sh, (long long)sw);
    return false;
}

static bool dilation_rule(const struct ir_node *n, struct check_verdict *v)
{
    int64_t dh = rule_attr_int(n, "dilation_h_factor", 1);
    int64_t dw = rule_attr_int(n, "dilation_w_factor", 1);
    if (dh <= 0 || dw <= 0)
        return gpu_fail(v, "tflite-gpu.conv.dilation",
                        "%s dilation_h_factor %lld, dilation_w_factor %lld: the GPU delegate "
                        "needs dilations > 0",
                        op_name(n), (long long)dh, (long long)dw);
    return false;
}

/* Convolutions: 1 or 2 non-constant inputs (weights may be computed), 1 output. */
static bool conv_io_rule(const struct ir_node *n, struct check_verdict *v)
{
    int rt = n_runtime(n);
    if (rt < 1 || rt > 2)
        return gpu_fail(v, "tflite-gpu.conv.inputs",
                        "%s has %d non-constant inputs: the GPU delegate takes 1 or 2", op_name(n),
                        rt);
    if (n->n_outputs != 1)
        return gpu_fail(v, "tflite-gpu.outputs", "%s has %d outputs: the GPU delegate takes 1",
                        op_name(n), n->n_outputs);
    if (rt == 1 && n->n_inputs < 2)
        return gpu_fail(v, "tflite-gpu.conv.inputs",
                        "%s has no weights input: the GPU delegate needs one", op_name(n));
    return false;
}

/* The broadcasts ADD and MUL take without the enhanced-broadcast flag, which
 * the delegate does not set: only when both ranks exceed 1 and differ. */
static bool broadcast_rule(const struct ir_node *n, struct check_verdict *v)
{
    const struct ir_tensor *a = rule_input(n, 0), *b = rule_input(n, 1);
    if (!a || !b || a->rank <= 1 || b->rank <= 1 || a->rank == b->rank) return false;
    if (!rule_is_static(a) || !rule_is_static(b)) return false;
    const struct ir_tensor *lo = a->rank > b->rank ? a : b, *sh = lo == a ? b : a;
    bool ok = false;
    if (lo->rank == 4 && sh->rank == 3 && dim(lo, 0) == 1) ok = true; /* 3D → 4D, batch 1 */
    if (lo->rank == 4 && sh->rank == 2 && dim(lo, 0) == 1 && dim(sh, 0) == 1 && dim(sh, 1) == 1)
        ok = true; /* [1,1] → [1,h,w,c] */
    if (lo->rank == 4 && sh->rank == 2 && dim(lo, 0) == dim(sh, 0) && dim(lo, 3) == dim(sh, 1))
        ok = true; /* [b,c] → [b,h,w,c] */
    if (ok) return false;
    char s0[96], s1[96];
    return gpu_fail(v, "tflite-gpu.broadcast",
                    "%s broadcasts %s with %s: the GPU delegate broadcasts only 3D to 4D with "
                    "batch 1, [1,1] to [1,h,w,c] and [b,c] to [b,h,w,c]",
                    op_name(n), rule_shape(a, s0, (int)sizeof s0),
                    rule_shape(b, s1, (int)sizeof s1));
}

/* ---- per-op checks; each returns true with a verdict when one fails ---- */

static bool chk_unary(const struct check_node *c, struct check_verdict *v)
{
    return io_const_rule(c->n, 1, 0, 1, v);
}

/* two computed operands, or one and a constant; activation for DIV / SUB */
static bool chk_binary(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_node *n = c->n;
    int rt = n_runtime(n), k = n_const(n);
    if (!((rt == 2 && k == 0) || (rt == 1 && k == 1)) || n->n_outputs != 1)
        return gpu_fail(v, "tflite-gpu.binary.inputs",
                        "%s has %d non-constant and %d constant inputs, %d outputs: the GPU "
                        "delegate takes 2 non-constant or 1 and 1 constant, and 1 output",
                        op_name(n), rt, k, n->n_outputs);
    return activation_rule(n, v);
}

static bool is_compare(enum ir_op op)
{
    return op == IR_OP_TFL_EQUAL || op == IR_OP_TFL_NOT_EQUAL || op == IR_OP_TFL_GREATER ||
           op == IR_OP_TFL_GREATER_EQUAL || op == IR_OP_TFL_LESS || op == IR_OP_TFL_LESS_EQUAL;
}

/* Comparisons run only fused with the one CAST / SELECT(_V2) that turns
 * their bool into float. */
static bool chk_compare(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_node *n = c->n, *next = NULL;
    const struct ir_tensor *y = rule_output(n, 0);
    int k = consumers(y, &next);
    if (k < 0) return false;
    if (k != 1)
        return gpu_fail(v, "tflite-gpu.compare.consumers",
                        "%s result %s is read by %d nodes: the GPU delegate runs a comparison "
                        "only when exactly one CAST, SELECT or SELECT_V2 with a float result "
                        "reads it",
                        op_name(n), y->name, k);
    const struct ir_tensor *z = rule_output(next, 0);
    bool ok_op = next->op == IR_OP_TFL_CAST || next->op == IR_OP_TFL_SELECT ||
                 next->op == IR_OP_TFL_SELECT_V2;
    if (ok_op && z && (z->dtype == IR_F32 || z->dtype == IR_F16)) return false;
    return gpu_fail(v, "tflite-gpu.compare.consumers",
                    "%s result feeds %s giving %s: the GPU delegate runs a comparison only when "
                    "its one reader is a CAST, SELECT or SELECT_V2 with a float result",
                    op_name(n), op_name(next), rule_dtype_name(z));
}

static bool chk_cast(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_node *n = c->n;
    const struct ir_tensor *x = rule_input(n, 0), *y = rule_output(n, 0);
    if (!x || !y) return false;
    bool to_float = y->dtype == IR_F32 || y->dtype == IR_F16;
    if (x->dtype == IR_BOOL && to_float) {
        if (!x->producer || consumers(x, NULL) != 1)
            return gpu_fail(v, "tflite-gpu.cast.bool",
                            "CAST of bool %s: the GPU delegate casts bool to float only right "
                            "after the one comparison that computes it, with no other reader",
                            x->name);
        if (consumers(y, NULL) != 1)
            return gpu_fail(v, "tflite-gpu.cast.bool",
                            "CAST from bool whose result %s is read by %d nodes: the GPU "
                            "delegate needs exactly one (a graph output is cast on the CPU)",
                            y->name, consumers(y, NULL));
        if (is_compare(x->producer->op)) return false;
    }
    if (io_rule(n, 1, 1, v)) return true;
    bool xf = x->dtype == IR_F32 || x->dtype == IR_F16;
    bool ok =
        (x->dtype == IR_BOOL && to_float) || (xf && y->dtype == IR_BOOL) ||
        ((x->dtype == IR_F32 || x->dtype == IR_I32) && (y->dtype == IR_F32 || y->dtype == IR_I32));
    if (ok || x->dtype == IR_UNDEFINED || y->dtype == IR_UNDEFINED) return false;
    return gpu_fail(v, "tflite-gpu.cast.types",
                    "CAST %s to %s: the GPU delegate casts bool to and from float16/float32 and "
                    "between float32 and int32 only",
                    rule_dtype_name(x), rule_dtype_name(y));
}

static bool chk_add(const struct check_node *c, struct check_verdict *v)
{
    if (c->n->n_inputs != 2)
        return gpu_fail(v, "tflite-gpu.add.inputs", "ADD has %d inputs: the GPU delegate takes 2",
                        c->n->n_inputs);
    return broadcast_rule(c->n, v);
}

static bool chk_add_n(const struct check_node *c, struct check_verdict *v)
{
    if (c->n->n_inputs == 2) return false;
    return gpu_fail(v, "tflite-gpu.add_n.inputs",
                    "ADD_N has %d inputs: the GPU delegate takes 2 only", c->n->n_inputs);
}

static bool chk_mul(const struct check_node *c, struct check_verdict *v)
{
    if (c->n->n_inputs != 2)
        return gpu_fail(v, "tflite-gpu.mul.inputs", "MUL has %d inputs: the GPU delegate takes 2",
                        c->n->n_inputs);
    return broadcast_rule(c->n, v) || activation_rule(c->n, v);
}

static bool chk_pool(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_node *n = c->n;
    if (io_rule(n, 1, 1, v)) return true;
    int64_t fh = rule_attr_int(n, "filter_height", 1), fw = rule_attr_int(n, "filter_width", 1);
    if (fh <= 0 || fw <= 0)
        return gpu_fail(v, "tflite-gpu.pool.filter",
                        "%s filter_height %lld, filter_width %lld: the GPU delegate needs "
                        "kernel sizes > 0",
                        op_name(n), (long long)fh, (long long)fw);
    return strides_rule(n, v) || activation_rule(n, v);
}

static bool chk_batch_matmul(const struct check_node *c, struct check_verdict *v)
{
    if (c->n->n_inputs == 2 && c->n->n_outputs == 1) return false;
    return gpu_fail(v, "tflite-gpu.batch_matmul.io",
                    "BATCH_MATMUL has %d inputs and %d outputs: the GPU delegate takes 2 and 1",
                    c->n->n_inputs, c->n->n_outputs);
}

static bool chk_conv(const struct check_node *c, struct check_verdict *v)
{
    return conv_io_rule(c->n, v) || strides_rule(c->n, v) || dilation_rule(c->n, v) ||
           activation_rule(c->n, v);
}

static bool chk_depthwise(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_node *n = c->n;
    if (chk_conv(c, v)) return true;
    const struct ir_tensor *x = rule_input(n, 0), *w = rule_input(n, 1), *b = rule_input(n, 2);
    const struct ir_tensor *y = rule_output(n, 0);
    const struct ir_tensor *four[] = {x, w, y};
    const char *what[] = {"input", "filter", "output"};
    for (int i = 0; i < 3; i++)
        if (four[i] && four[i]->rank >= 0 && four[i]->rank != 4)
            return gpu_fail(v, "tflite-gpu.depthwise.rank",
                            "DEPTHWISE_CONV_2D %s has rank %d: the GPU delegate needs 4", what[i],
                            four[i]->rank);
    int64_t dm = rule_attr_int(n, "depth_multiplier", 1);
    int64_t xb = dim(x, 0), yb = dim(y, 0), xc = dim(x, 3), yc = dim(y, 3), wc = dim(w, 3);
    if (xb >= 0 && yb >= 0 && xb != yb)
        return gpu_fail(v, "tflite-gpu.depthwise.batch",
                        "DEPTHWISE_CONV_2D input batch %lld, output batch %lld: the GPU "
                        "delegate needs them equal",
                        (long long)xb, (long long)yb);
    if (wc >= 0 && yc >= 0 && wc != yc)
        return gpu_fail(v, "tflite-gpu.depthwise.channels",
                        "DEPTHWISE_CONV_2D filter has %lld output channels, output %lld: the "
                        "GPU delegate needs them equal",
                        (long long)wc, (long long)yc);
    if (xc >= 0 && yc >= 0 && yc != xc * dm)
        return gpu_fail(v, "tflite-gpu.depthwise.multiplier",
                        "DEPTHWISE_CONV_2D output channels %lld, input channels %lld, "
                        "depth_multiplier %lld: the GPU delegate needs output = input x "
                        "multiplier",
                        (long long)yc, (long long)xc, (long long)dm);
    uint64_t nb;
    if (b && yc >= 0 && ir_tensor_numel(b, &nb) && nb != (uint64_t)yc)
        return gpu_fail(v, "tflite-gpu.depthwise.bias",
                        "DEPTHWISE_CONV_2D bias has %llu values for %lld output channels: the "
                        "GPU delegate needs one per channel",
                        (unsigned long long)nb, (long long)yc);
    return false;
}

static bool chk_transpose_conv(const struct check_node *c, struct check_verdict *v)
{
    return conv_io_rule(c->n, v) || strides_rule(c->n, v);
}

static bool chk_cumsum(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_node *n = c->n;
    const struct ir_tensor *x = rule_input(n, 0), *axis = rule_input(n, 1), *y = rule_output(n, 0);
    if (n->n_inputs != 2 || n->n_outputs != 1 || !x || !axis || !y)
        return gpu_fail(v, "tflite-gpu.cumsum.io",
                        "CUMSUM has %d inputs and %d outputs: the GPU delegate takes 2 and 1",
                        n->n_inputs, n->n_outputs);
    if ((x->dtype != IR_F32 && x->dtype != IR_F16) || y->dtype != x->dtype)
        return gpu_fail(v, "tflite-gpu.cumsum.dtype",
                        "CUMSUM of %s giving %s: the GPU delegate takes float16 or float32, "
                        "same type out",
                        rule_dtype_name(x), rule_dtype_name(y));
    if (axis->dtype != IR_I32 || !rule_is_const(axis))
        return gpu_fail(v, "tflite-gpu.cumsum.axis",
                        "CUMSUM axis is %s %s: the GPU delegate needs a constant int32 axis",
                        rule_is_const(axis) ? "constant" : "computed", rule_dtype_name(axis));
    return false;
}

static bool chk_block(const struct check_node *c, struct check_verdict *v)
{
    if (io_rule(c->n, 1, 1, v)) return true;
    int64_t bs = rule_attr_int(c->n, "block_size", 2);
    if (bs > 1) return false;
    return gpu_fail(v, "tflite-gpu.block_size",
                    "%s block_size %lld: the GPU delegate needs block_size > 1 (1 is a no-op)",
                    op_name(c->n), (long long)bs);
}

static bool chk_dequantize(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_node *n = c->n;
    if (n->n_inputs != 1 || n->n_outputs != 1)
        return gpu_fail(v, "tflite-gpu.dequantize.io",
                        "DEQUANTIZE has %d inputs and %d outputs: the GPU delegate takes 1 and 1",
                        n->n_inputs, n->n_outputs);
    const struct ir_tensor *x = rule_input(n, 0);
    if (x && x->dtype == IR_I16)
        return gpu_fail(v, "tflite-gpu.dequantize.int16",
                        "DEQUANTIZE of int16: the GPU delegate does not dequantize int16");
    return false;
}

static bool chk_fully_connected(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_node *n = c->n;
    char fmt[40];
    if (!rule_attr_string_is(n, "weights_format", "DEFAULT", true))
        return gpu_fail(v, "tflite-gpu.fully_connected.weights_format",
                        "FULLY_CONNECTED weights_format %s: the GPU delegate takes DEFAULT only",
                        rule_attr_string(n, "weights_format", fmt, (int)sizeof fmt));
    if (n_runtime(n) > 2)
        return gpu_fail(v, "tflite-gpu.fully_connected.inputs",
                        "FULLY_CONNECTED has %d non-constant inputs: the GPU delegate takes at "
                        "most 2",
                        n_runtime(n));
    if (rule_is_const(rule_input(n, 0)))
        return gpu_fail(v, "tflite-gpu.fully_connected.const_input",
                        "FULLY_CONNECTED input 0 is a constant: the GPU delegate needs it "
                        "computed");
    const struct ir_tensor *x = rule_input(n, 0), *y = rule_output(n, 0);
    if (rule_attr_int(n, "keep_num_dims", 0) && x && y && x->rank >= 0 && y->rank >= 0 &&
        x->rank != y->rank)
        return gpu_fail(v, "tflite-gpu.fully_connected.keep_num_dims",
                        "FULLY_CONNECTED keep_num_dims with input rank %d, output rank %d: the "
                        "GPU delegate needs equal ranks",
                        x->rank, y->rank);
    return false;
}

static bool chk_gather(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_node *n = c->n;
    int rt = n_runtime(n), k = n_const(n);
    if (!((rt == 2 && k == 0) || (rt == 1 && k == 1)) || n->n_outputs != 1)
        return gpu_fail(v, "tflite-gpu.gather.inputs",
                        "GATHER has %d non-constant and %d constant inputs: the GPU delegate "
                        "takes 2 operands, at most one constant",
                        rt, k);
    const struct ir_tensor *idx = rule_input(n, 1);
    if (idx && idx->rank >= 0 && idx->rank != 1)
        return gpu_fail(v, "tflite-gpu.gather.indices",
                        "GATHER indices have rank %d: the GPU delegate takes 1-D indices",
                        idx->rank);
    if (idx && idx->dtype != IR_I32 && idx->dtype != IR_UNDEFINED)
        return gpu_fail(v, "tflite-gpu.gather.indices",
                        "GATHER indices are %s: the GPU delegate takes int32",
                        rule_dtype_name(idx));
    return false;
}

static bool chk_one_in(const struct check_node *c, struct check_verdict *v)
{
    return io_rule(c->n, 1, 1, v);
}

static bool chk_resize_bilinear(const struct check_node *c, struct check_verdict *v)
{
    if (io_rule(c->n, 1, 1, v)) return true;
    if (rule_attr_int(c->n, "align_corners", 0) && rule_attr_int(c->n, "half_pixel_centers", 0))
        return gpu_fail(v, "tflite-gpu.resize.align",
                        "RESIZE_BILINEAR with align_corners and half_pixel_centers both set: "
                        "the GPU delegate takes at most one");
    return false;
}

/* MEAN, SUM, REDUCE_*: one computed input, constant int32 axes */
static bool chk_reduce(const struct check_node *c, struct check_verdict *v)
{
    if (io_const_rule(c->n, 1, 1, 1, v)) return true;
    const struct ir_tensor *axes = rule_input(c->n, 1);
    if (!rule_is_const(axes))
        return gpu_fail(v, "tflite-gpu.reduce.axes",
                        "%s axes are computed: the GPU delegate needs constant axes",
                        op_name(c->n));
    if (axes->dtype != IR_I32)
        return gpu_fail(v, "tflite-gpu.reduce.axes",
                        "%s axes are %s: the GPU delegate takes int32 axes", op_name(c->n),
                        rule_dtype_name(axes));
    return false;
}

static bool chk_pad(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_node *n = c->n;
    char mode[24];
    if (n->op == IR_OP_TFL_MIRROR_PAD && !rule_attr_string_is(n, "mode", "REFLECT", true))
        return gpu_fail(v, "tflite-gpu.mirror_pad.mode",
                        "MIRROR_PAD mode %s: the GPU delegate takes REFLECT only",
                        rule_attr_string(n, "mode", mode, (int)sizeof mode));
    if (io_rule(n, 1, 1, v)) return true;
    const struct ir_tensor *p = rule_input(n, 1);
    if (!p)
        return gpu_fail(v, "tflite-gpu.pad.paddings",
                        "%s has no paddings input: the GPU delegate needs one", op_name(n));
    if (p->rank < 0) return false;
    if (p->rank != 2 || (dim(p, 0) != 3 && dim(p, 0) != 4) || dim(p, 1) != 2) {
        char sh[64];
        return gpu_fail(v, "tflite-gpu.pad.paddings",
                        "%s paddings have shape %s: the GPU delegate takes 4x2 or 3x2 (inputs "
                        "of rank 4 or 3)",
                        op_name(n), rule_shape(p, sh, (int)sizeof sh));
    }
    return false;
}

/* if / else must be the output's shape, or scalars; a computed 2-D one is refused */
static bool select_branch(const struct ir_tensor *t, const struct ir_tensor *y, const char *what,
                          struct check_verdict *v)
{
    char sh[64];
    if (!t || t->rank < 0 || !y || y->rank < 0) return false;
    if (t->rank > 0 && !same_dims(t, y) && (t->rank > 1 || dim(t, 0) > 1))
        return gpu_fail(v, "tflite-gpu.select.broadcast",
                        "SELECT %s has shape %s: the GPU delegate needs the output's shape or a "
                        "scalar",
                        what, rule_shape(t, sh, (int)sizeof sh));
    if (!rule_is_const(t) && t->rank == 2)
        return gpu_fail(v, "tflite-gpu.select.rank2",
                        "SELECT %s is a computed 2-D tensor: the GPU delegate takes a 2-D one "
                        "only when constant",
                        what);
    return false;
}

static bool chk_select(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_node *n = c->n;
    if (n->n_inputs != 3 || n->n_outputs != 1)
        return gpu_fail(v, "tflite-gpu.select.io",
                        "%s has %d inputs and %d outputs: the GPU delegate takes 3 and 1",
                        op_name(n), n->n_inputs, n->n_outputs);
    const struct ir_tensor *cond = rule_input(n, 0), *y = rule_output(n, 0);
    if (cond && cond->dtype != IR_BOOL && cond->dtype != IR_F32 && cond->dtype != IR_F16 &&
        cond->dtype != IR_UNDEFINED)
        return gpu_fail(v, "tflite-gpu.select.cond",
                        "%s condition is %s: the GPU delegate takes bool, float16 or float32",
                        op_name(n), rule_dtype_name(cond));
    if (cond && y && cond->rank > 0 && y->rank >= 0) {
        int off = y->rank - cond->rank;
        bool ok = off >= 0;
        for (int i = 0; ok && i < cond->rank; i++)
            ok = dim(cond, i) == dim(y, off + i) || dim(cond, i) == 1;
        if (!ok) {
            char s0[64], s1[64];
            return gpu_fail(v, "tflite-gpu.select.cond",
                            "%s condition %s does not broadcast to the output %s on the GPU",
                            op_name(n), rule_shape(cond, s0, (int)sizeof s0),
                            rule_shape(y, s1, (int)sizeof s1));
        }
    }
    return select_branch(rule_input(n, 1), y, "if-value", v) ||
           select_branch(rule_input(n, 2), y, "else-value", v);
}

static bool rank_3_or_4(const struct ir_node *n, const char *rule, struct check_verdict *v)
{
    const struct ir_tensor *x = rule_input(n, 0);
    if (!x || x->rank < 0 || x->rank == 3 || x->rank == 4) return false;
    return gpu_fail(v, rule,
                    "%s input has rank %d: the GPU delegate slices 3-D and 4-D tensors only",
                    op_name(n), x->rank);
}

static bool chk_slice(const struct check_node *c, struct check_verdict *v)
{
    if (c->n->n_inputs < 3)
        return gpu_fail(v, "tflite-gpu.slice.inputs",
                        "SLICE has %d inputs: the GPU delegate needs 3", c->n->n_inputs);
    return rank_3_or_4(c->n, "tflite-gpu.slice.rank", v);
}

static bool chk_strided_slice(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_node *n = c->n;
    static const char *const masks[] = {"ellipsis_mask", "new_axis_mask", "shrink_axis_mask"};
    for (int i = 0; i < 3; i++) {
        int64_t m = rule_attr_int(n, masks[i], 0);
        if (m)
            return gpu_fail(v, "tflite-gpu.strided_slice.mask",
                            "STRIDED_SLICE %s %lld: the GPU delegate takes none of "
                            "ellipsis_mask, new_axis_mask, shrink_axis_mask",
                            masks[i], (long long)m);
    }
    if (n->n_inputs < 4)
        return gpu_fail(v, "tflite-gpu.strided_slice.inputs",
                        "STRIDED_SLICE has %d inputs: the GPU delegate needs 4", n->n_inputs);
    return rank_3_or_4(n, "tflite-gpu.strided_slice.rank", v);
}

static bool chk_softmax(const struct check_node *c, struct check_verdict *v)
{
    float beta = rule_attr_float(c->n, "beta", 1.0f);
    if (beta == 1.0f) return false;
    return gpu_fail(v, "tflite-gpu.softmax.beta",
                    "SOFTMAX beta %g: the GPU delegate takes beta 1 only", (double)beta);
}

/* ---- the common path of every op the delegate parses ---- */

/* CPU refusal, the parser's version limit (0: none), the op's checks, the
 * tensors. */
static bool gpu_node(const struct check_node *c, struct check_verdict *v, int max_version,
                     unsigned types, check_rule_fn check)
{
    if (cpu_refuses(c, v)) return true;
    int ver = node_version(c->n);
    if (max_version > 0 && ver > max_version)
        return gpu_fail(v, "tflite-gpu.version",
                        "%s version %d: the GPU delegate's parser takes versions up to %d (the "
                        "newer ones add types or options it does not handle)",
                        op_name(c->n), ver, max_version);
    if (check && check(c, v)) return true;
    return tensors_rule(c->n, types, v);
}

#define GPU_OP(FN, MAXV, TYPES, CHECK)                                                             \
    static bool FN(const struct check_node *c, struct check_verdict *v)                            \
    {                                                                                              \
        return gpu_node(c, v, MAXV, TYPES, CHECK);                                                 \
    }

/* name, parser version limit, extra tensor types, op checks */
GPU_OP(gpu_unary, 2, 0, chk_unary)
GPU_OP(gpu_binary, 2, 0, chk_binary)
GPU_OP(gpu_logical_and, 2, T_LOGICAL, chk_binary)
GPU_OP(gpu_compare, 2, T_BOOL_OUT, chk_compare)
GPU_OP(gpu_add, 2, 0, chk_add)
GPU_OP(gpu_add_n, 2, 0, chk_add_n)
GPU_OP(gpu_mul, 3, 0, chk_mul)
GPU_OP(gpu_pool, 2, 0, chk_pool)
GPU_OP(gpu_batch_matmul, 0, 0, chk_batch_matmul)
GPU_OP(gpu_cast, 0, T_CAST, chk_cast)
GPU_OP(gpu_concat, 2, 0, NULL)
GPU_OP(gpu_conv, 6, 0, chk_conv)
GPU_OP(gpu_cumsum, 1, 0, chk_cumsum)
GPU_OP(gpu_depthwise, 6, 0, chk_depthwise)
GPU_OP(gpu_depth_to_space, 0, 0, chk_block)
GPU_OP(gpu_space_to_depth, 2, 0, chk_block)
GPU_OP(gpu_dequantize, 3, 0, chk_dequantize)
GPU_OP(gpu_fully_connected, 9, 0, chk_fully_connected)
GPU_OP(gpu_gather, 1, T_I32_IN, chk_gather)
GPU_OP(gpu_one_in, 0, 0, chk_one_in)
GPU_OP(gpu_reshape, 1, 0, chk_one_in)
GPU_OP(gpu_transpose, 4, 0, chk_one_in)
GPU_OP(gpu_quantize, 2, 0, chk_one_in)
GPU_OP(gpu_resize_nearest, 3, 0, chk_one_in)
GPU_OP(gpu_resize_bilinear, 3, 0, chk_resize_bilinear)
GPU_OP(gpu_reduce, 0, 0, chk_reduce)
GPU_OP(gpu_pad, 2, 0, chk_pad)
GPU_OP(gpu_relu, 2, 0, NULL)
GPU_OP(gpu_prelu, 1, 0, NULL)
GPU_OP(gpu_any, 0, 0, NULL)
GPU_OP(gpu_select, 1, T_BOOL_IN, chk_select)
GPU_OP(gpu_slice, 2, 0, chk_slice)
GPU_OP(gpu_strided_slice, 4, 0, chk_strided_slice)
GPU_OP(gpu_softmax, 2, 0, chk_softmax)
GPU_OP(gpu_transpose_conv, 3, 0, chk_transpose_conv)

/* Builtins without a parser: fallback, unless the CPU refuses them too. */
static bool cpu_only(const struct check_node *c, struct check_verdict *v)
{
    return cpu_refuses(c, v);
}

/* ---- IR_OP_OPAQUE ---- */

static bool chk_lstm(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_node *n = c->n;
    if (n->activation != IR_ACT_TANH)
        return gpu_fail(v, "tflite-gpu.lstm.activation",
                        "LSTM activation is not TANH: the GPU delegate takes tanh (or sigmoid)");
    if (rule_attr_string_is(n, "kernel_type", "BASIC", false)) {
        if (io_const_rule(n, 3, 2, 4, v)) return true;
        int64_t depth = dim(rule_output(n, 3), rule_rank(rule_output(n, 3)) - 1);
        if (depth > 0 && depth % 4)
            return gpu_fail(v, "tflite-gpu.lstm.depth",
                            "basic LSTM activation depth %lld: the GPU delegate needs a "
                            "multiple of 4",
                            (long long)depth);
        float cc = rule_attr_float(n, "cell_clip", 0.0f),
              pc = rule_attr_float(n, "proj_clip", 0.0f);
        if (cc != 0.0f || pc != 0.0f)
            return gpu_fail(v, "tflite-gpu.lstm.clip",
                            "basic LSTM cell_clip %g, proj_clip %g: the GPU delegate takes no "
                            "clipping",
                            (double)cc, (double)pc);
        return false;
    }
    if ((n->n_inputs != 20 && n->n_inputs != 24) || n->n_outputs != 1)
        return gpu_fail(v, "tflite-gpu.lstm.io",
                        "full LSTM with %d inputs and %d outputs: the GPU delegate takes 20 or "
                        "24 inputs and 1 output",
                        n->n_inputs, n->n_outputs);
    return false;
}

static bool one_hot_value_ok(const struct ir_tensor *t)
{
    return t && t->dtype == IR_F32 && rule_is_const(t) && t->rank <= 1 &&
           (t->rank < 1 || dim(t, 0) <= 1);
}

static bool chk_one_hot(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_node *n = c->n;
    const struct ir_tensor *idx = rule_input(n, 0);
    if (n->n_inputs != 4 || n->n_outputs != 1 || !idx)
        return gpu_fail(v, "tflite-gpu.one_hot.io",
                        "ONE_HOT has %d inputs and %d outputs: the GPU delegate takes 4 and 1",
                        n->n_inputs, n->n_outputs);
    if (idx->dtype != IR_I32)
        return gpu_fail(v, "tflite-gpu.one_hot.indices",
                        "ONE_HOT indices are %s: the GPU delegate takes int32",
                        rule_dtype_name(idx));
    int64_t axis = rule_attr_int(n, "axis", -1);
    int nd = idx->rank;
    if (axis != -1 && (nd <= 0 || axis != dim(idx, nd - 1)))
        return gpu_fail(v, "tflite-gpu.one_hot.axis",
                        "ONE_HOT axis %lld: the GPU delegate takes -1 (the last axis)",
                        (long long)axis);
    for (int i = 0; i < nd - 1; i++)
        if (!(nd > 3 && i == 0) && dim(idx, i) != 1)
            return gpu_fail(v, "tflite-gpu.one_hot.shape",
                            "ONE_HOT indices dim %d is %lld: the GPU delegate allows only batch "
                            "and channels to exceed 1",
                            i, (long long)dim(idx, i));
    if (!one_hot_value_ok(rule_input(n, 2)) || !one_hot_value_ok(rule_input(n, 3)))
        return gpu_fail(v, "tflite-gpu.one_hot.values",
                        "ONE_HOT on/off values must be constant float32 scalars on the GPU");
    return false;
}

static bool chk_densify(const struct check_node *c, struct check_verdict *v)
{
    return io_rule(c->n, 0, 1, v);
}

static bool chk_c2d_transpose_bias(const struct check_node *c, struct check_verdict *v)
{
    if (c->n->n_inputs >= 2) return false;
    return gpu_fail(v, "tflite-gpu.custom.inputs",
                    "Convolution2DTransposeBias has %d inputs: the GPU delegate needs weights",
                    c->n->n_inputs);
}

static bool chk_argmax_pool(const struct check_node *c, struct check_verdict *v)
{
    return io_rule(c->n, 1, 2, v);
}

static bool chk_unpool(const struct check_node *c, struct check_verdict *v)
{
    return io_rule(c->n, 2, 1, v);
}

static bool chk_resampler(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_node *n = c->n;
    if (io_rule(n, 2, 1, v)) return true;
    const struct ir_tensor *src = rule_input(n, 0), *warp = rule_input(n, 1);
    if (rule_rank(src) != 4 || rule_rank(warp) != 4)
        return gpu_fail(v, "tflite-gpu.resampler.rank",
                        "Resampler source rank %d, warp rank %d: the GPU delegate needs 4 and 4",
                        rule_rank(src), rule_rank(warp));
    if (dim(src, 0) != dim(warp, 0))
        return gpu_fail(v, "tflite-gpu.resampler.batch",
                        "Resampler source batch %lld, warp batch %lld: the GPU delegate needs "
                        "them equal",
                        (long long)dim(src, 0), (long long)dim(warp, 0));
    if (dim(warp, 3) >= 0 && dim(warp, 3) < 2)
        return gpu_fail(v, "tflite-gpu.resampler.warp",
                        "Resampler warp has %lld channels: the GPU delegate needs 2 or more",
                        (long long)dim(warp, 3));
    return false;
}

struct gpu_opaque {
    const char *op_type; /* as the TFLite reader names the node */
    int max_version;
    unsigned types;
    check_rule_fn check;
};

/* model_builder.cc parses these custom ops (MediaPipe's) and opaque builtins;
 * the custom ops' options sit in custom bytes ferry does not decode, so their
 * stride and kernel checks are not made. */
static const struct gpu_opaque gpu_opaques[] = {
    {"CUSTOM:Convolution2DTransposeBias", 0, 0, chk_c2d_transpose_bias},
    {"CUSTOM:MaxPoolingWithArgmax2D", 0, 0, chk_argmax_pool},
    {"CUSTOM:MaxUnpooling2D", 0, 0, chk_unpool},
    {"CUSTOM:Resampler", 0, 0, chk_resampler},
    {"LSTM", 4, 0, chk_lstm},
    {"ONE_HOT", 1, T_I32_IN, chk_one_hot},
    {"DENSIFY", 1, 0, chk_densify},
};

static bool gpu_opaque_rule(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_node *n = c->n;
    struct check_verdict cpu;
    target_check_node(&target_tflite, c, &cpu);
    const struct gpu_opaque *g = NULL;
    bool onnx = n->rounding != IR_ROUND_TFLITE && c->m && c->m->format == IR_FORMAT_ONNX;
    if (!onnx && n->op_type)
        for (size_t i = 0; i < sizeof gpu_opaques / sizeof gpu_opaques[0]; i++)
            if (!strcmp(n->op_type, gpu_opaques[i].op_type)) g = &gpu_opaques[i];
    bool custom = n->op_type && !strncmp(n->op_type, "CUSTOM:", 7);
    if (!g || (!custom && cpu.status == CHECK_UNSUPPORTED)) {
        if (cpu.status == CHECK_UNSUPPORTED) {
            *v = cpu;
            return true;
        }
        return gpu_fail(v, "tflite-gpu.no_parser",
                        "%s: the GPU delegate has no parser for it (model_builder.cc)", op_name(n));
    }
    int ver = node_version(n);
    bool failed = (g->max_version > 0 && ver > g->max_version &&
                   gpu_fail(v, "tflite-gpu.version",
                            "%s version %d: the GPU delegate's parser takes versions up to %d",
                            op_name(n), ver, g->max_version)) ||
                  g->check(c, v) || tensors_rule(n, g->types, v);
    if (!failed)
        return check_set(v, CHECK_NATIVE, "tflite-gpu.opaque",
                         "%s: the GPU delegate has a parser for it (model_builder.cc)%s",
                         op_name(n),
                         custom ? "; the CPU resolver has none, so it must fall in the "
                                  "delegated partition"
                                : "");
    if (cpu.status == CHECK_UNSUPPORTED) {
        /* neither side can run it */
        char gpu[sizeof v->detail];
        snprintf(gpu, sizeof gpu, "%s", v->detail);
        check_set(v, CHECK_UNSUPPORTED, v->rule, "%.200s, where it has no kernel either", gpu);
    }
    return true;
}

/* ---- rows ---- */

#define NO_PARSER                                                                                  \
    "no parser in the GPU delegate (model_builder.cc NewOperationParser): the node stays on "      \
    "the CPU interpreter and splits the delegated graph"
#define ONLY_CHECKED                                                                               \
    "gpu_compatibility.cc has checks for it, but the delegate has no parser for it "               \
    "(model_builder.cc): the node stays on the CPU and splits the delegated graph"
#define UNARY "elementwise parser, versions <= 2; exactly 1 non-constant input, no constant"
#define BINARY "elementwise parser, versions <= 2; 2 non-constant inputs, or 1 and 1 constant"
#define COMPARE                                                                                    \
    "elementwise parser, versions <= 2, only when the bool result feeds exactly one CAST / "       \
    "SELECT / SELECT_V2 with a float result"
#define NOT_TFLITE                                                                                 \
    "not a TFLite builtin (ferry's own op): a .tflite file cannot hold it, so no runtime runs "    \
    "it"

static const struct target_row rows[IR_OP_COUNT] = {
    IR_OP_LIST_ONNX(TARGET_ROW_VIA_CONVERTER) TARGET_RULE(TFL_ABS, NATIVE, UNARY, gpu_unary),
    TARGET_RULE(TFL_ADD, NATIVE,
                "elementwise parser, versions <= 2; 2 inputs; standard broadcasting only "
                "(3D to 4D with batch 1, [1,1] and [b,c] to 4D)",
                gpu_add),
    TARGET_RULE(TFL_ADD_N, NATIVE, "elementwise ADD parser, versions <= 2; exactly 2 inputs",
                gpu_add_n),
    TARGET_RULE(TFL_ARG_MAX, FALLBACK, NO_PARSER, cpu_only),
    TARGET_RULE(TFL_ARG_MIN, FALLBACK, NO_PARSER, cpu_only),
    TARGET_RULE(TFL_AVERAGE_POOL_2D, NATIVE,
                "pooling parser, versions <= 2; 1 non-constant input, 1 output; kernel and "
                "strides > 0",
                gpu_pool),
    TARGET_RULE(TFL_BATCH_MATMUL, NATIVE, "batched matmul parser; 2 inputs, 1 output",
                gpu_batch_matmul),
    TARGET_RULE(TFL_BATCH_TO_SPACE_ND, FALLBACK,
                "model_builder.cc has a parser class for it but NewOperationParser does not "
                "use it: the node stays on the CPU and splits the delegated graph",
                cpu_only),
    TARGET_RULE(TFL_BROADCAST_TO, FALLBACK, NO_PARSER, cpu_only),
    TARGET_RULE(TFL_CAST, NATIVE,
                "cast parser; bool to and from float, float32 and int32 between them; bool to "
                "float only right after a comparison",
                gpu_cast),
    TARGET_RULE(TFL_CEIL, FALLBACK, ONLY_CHECKED, cpu_only),
    TARGET_RULE(TFL_CONCATENATION, NATIVE, "concatenation parser, versions <= 2", gpu_concat),
    TARGET_RULE(TFL_CONV_2D, NATIVE,
                "convolution parser, versions <= 6; 1 or 2 non-constant inputs (weights may be "
                "computed); strides and dilations > 0",
                gpu_conv),
    TARGET_RULE(TFL_CONV_3D, FALLBACK, NO_PARSER, cpu_only),
    TARGET_RULE(TFL_COS, NATIVE, UNARY, gpu_unary),
    TARGET_RULE(TFL_CUMSUM, NATIVE,
                "cumsum parser, version 1; float16/float32 data, constant int32 axis", gpu_cumsum),
    TARGET_RULE(TFL_DEPTHWISE_CONV_2D, NATIVE,
                "depthwise parser, versions <= 6; 4-D tensors, output channels = input "
                "channels x depth_multiplier, one bias per channel",
                gpu_depthwise),
    TARGET_RULE(TFL_DEPTH_TO_SPACE, NATIVE,
                "depth-to-space parser; 1 non-constant input; block_size > 1", gpu_depth_to_space),
    TARGET_RULE(TFL_DEQUANTIZE, NATIVE,
                "dequantize parser (quantized models enabled by default), versions <= 3; no "
                "int16 input",
                gpu_dequantize),
    TARGET_RULE(TFL_DIV, NATIVE, BINARY, gpu_binary),
    TARGET_RULE(TFL_ELU, NATIVE, UNARY, gpu_unary),
    TARGET_RULE(TFL_EQUAL, NATIVE, COMPARE, gpu_compare),
    TARGET_RULE(TFL_EXP, NATIVE, UNARY, gpu_unary),
    TARGET_RULE(TFL_EXPAND_DIMS, FALLBACK, NO_PARSER, cpu_only),
    TARGET_RULE(TFL_FILL, FALLBACK, NO_PARSER, cpu_only),
    TARGET_RULE(TFL_FLOOR, NATIVE, UNARY, gpu_unary),
    TARGET_RULE(TFL_FLOOR_DIV, NATIVE, BINARY, gpu_binary),
    TARGET_RULE(TFL_FLOOR_MOD, NATIVE, BINARY, gpu_binary),
    TARGET_RULE(TFL_FULLY_CONNECTED, NATIVE,
                "fully-connected parser, versions <= 9; DEFAULT weights format, at most 2 "
                "non-constant inputs, input 0 computed",
                gpu_fully_connected),
    TARGET_RULE(TFL_GATHER, NATIVE,
                "gather parser, version 1; 1-D int32 indices, at most one constant operand",
                gpu_gather),
    TARGET_RULE(TFL_GATHER_ND, FALLBACK, NO_PARSER, cpu_only),
    TARGET_RULE(TFL_GELU, NATIVE, UNARY, gpu_unary),
    TARGET_RULE(TFL_GREATER, NATIVE, COMPARE, gpu_compare),
    TARGET_RULE(TFL_GREATER_EQUAL, NATIVE, COMPARE, gpu_compare),
    TARGET_RULE(TFL_HARD_SWISH, NATIVE, "hard-swish parser; 1 non-constant input, 1 output",
                gpu_one_in),
    TARGET_RULE(TFL_IF, FALLBACK, NO_PARSER, cpu_only),
    TARGET_RULE(TFL_L2_NORMALIZATION, FALLBACK, NO_PARSER, cpu_only),
    TARGET_RULE(TFL_L2_POOL_2D, FALLBACK, NO_PARSER, cpu_only),
    TARGET_RULE(TFL_LEAKY_RELU, NATIVE, "ReLU parser, versions <= 2", gpu_relu),
    TARGET_RULE(TFL_LESS, NATIVE, COMPARE, gpu_compare),
    TARGET_RULE(TFL_LESS_EQUAL, NATIVE, COMPARE, gpu_compare),
    TARGET_RULE(TFL_LOCAL_RESPONSE_NORMALIZATION, FALLBACK, NO_PARSER, cpu_only),
    TARGET_RULE(TFL_LOG, NATIVE, UNARY, gpu_unary),
    TARGET_RULE(TFL_LOGICAL_AND, NATIVE, BINARY "; bool tensors allowed", gpu_logical_and),
    TARGET_RULE(TFL_LOGICAL_NOT, FALLBACK, ONLY_CHECKED, cpu_only),
    TARGET_RULE(TFL_LOGICAL_OR, FALLBACK, ONLY_CHECKED, cpu_only),
    TARGET_RULE(TFL_LOGISTIC, NATIVE, UNARY, gpu_unary),
    TARGET_RULE(TFL_LOG_SOFTMAX, FALLBACK, NO_PARSER, cpu_only),
    TARGET_RULE(TFL_MATRIX_DIAG, FALLBACK, NO_PARSER, cpu_only),
    TARGET_RULE(TFL_MAXIMUM, NATIVE, BINARY, gpu_binary),
    TARGET_RULE(TFL_MAX_POOL_2D, NATIVE,
                "pooling parser, versions <= 2; 1 non-constant input, 1 output; kernel and "
                "strides > 0",
                gpu_pool),
    TARGET_RULE(TFL_MEAN, NATIVE, "mean parser; 1 non-constant input and constant int32 axes",
                gpu_reduce),
    TARGET_RULE(TFL_MINIMUM, NATIVE, BINARY, gpu_binary),
    TARGET_RULE(TFL_MIRROR_PAD, NATIVE,
                "pad parser, versions <= 2; REFLECT mode only; paddings 4x2 or 3x2", gpu_pad),
    TARGET_RULE(TFL_MUL, NATIVE,
                "elementwise parser, versions <= 3; 2 inputs; standard broadcasting only when "
                "ranks differ",
                gpu_mul),
    TARGET_RULE(TFL_NEG, NATIVE, UNARY, gpu_unary),
    TARGET_RULE(TFL_NOT_EQUAL, NATIVE, COMPARE, gpu_compare),
    TARGET_ROW(TFL_ONES_LIKE, UNSUPPORTED, NOT_TFLITE),
    TARGET_RULE(TFL_PACK, NATIVE, "pack parser; no further checks", gpu_any),
    TARGET_RULE(TFL_PAD, NATIVE,
                "pad parser, versions <= 2; 1 non-constant input; paddings 4x2 or 3x2", gpu_pad),
    TARGET_RULE(TFL_PADV2, NATIVE,
                "pad parser, versions <= 2; 1 non-constant input; paddings 4x2 or 3x2", gpu_pad),
    TARGET_RULE(TFL_POW, NATIVE, BINARY, gpu_binary),
    TARGET_RULE(TFL_PRELU, NATIVE, "PReLU parser, version 1", gpu_prelu),
    TARGET_RULE(TFL_QUANTIZE, NATIVE,
                "quantize parser (quantized models enabled by default), versions <= 2; 1 "
                "non-constant input",
                gpu_quantize),
    TARGET_RULE(TFL_RANGE, FALLBACK, NO_PARSER, cpu_only),
    TARGET_RULE(TFL_REDUCE_MAX, NATIVE,
                "reduce parser; 1 non-constant input and constant int32 axes", gpu_reduce),
    TARGET_RULE(TFL_REDUCE_MIN, NATIVE,
                "reduce parser; 1 non-constant input and constant int32 axes", gpu_reduce),
    TARGET_RULE(TFL_REDUCE_PROD, NATIVE,
                "reduce parser; 1 non-constant input and constant int32 axes", gpu_reduce),
    TARGET_RULE(TFL_RELU, NATIVE, "ReLU parser, versions <= 2", gpu_relu),
    TARGET_RULE(TFL_RELU6, NATIVE, "ReLU parser, versions <= 2", gpu_relu),
    TARGET_RULE(TFL_RELU_0_TO_1, NATIVE, "ReLU parser, versions <= 2", gpu_relu),
    TARGET_RULE(TFL_RELU_N1_TO_1, NATIVE, "ReLU parser, versions <= 2", gpu_relu),
    TARGET_RULE(TFL_RESHAPE, NATIVE,
                "reshape parser, version 1; 1 non-constant input (constant new shape)",
                gpu_reshape),
    TARGET_RULE(TFL_RESIZE_BILINEAR, NATIVE,
                "resize parser, versions <= 3; 1 non-constant input; not align_corners with "
                "half_pixel_centers",
                gpu_resize_bilinear),
    TARGET_RULE(TFL_RESIZE_NEAREST_NEIGHBOR, NATIVE,
                "resize parser, versions <= 3; 1 non-constant input", gpu_resize_nearest),
    TARGET_RULE(TFL_REVERSE_V2, FALLBACK, ONLY_CHECKED, cpu_only),
    TARGET_RULE(TFL_ROUND, FALLBACK, ONLY_CHECKED, cpu_only),
    TARGET_RULE(TFL_RSQRT, NATIVE, UNARY, gpu_unary),
    TARGET_RULE(TFL_SELECT, NATIVE,
                "select parser, version 1; condition bool/float; if and else of the output's "
                "shape or scalar, a 2-D one only constant",
                gpu_select),
    TARGET_RULE(TFL_SELECT_V2, NATIVE,
                "select parser, version 1; condition bool/float broadcast to the output; if "
                "and else of the output's shape or scalar, a 2-D one only constant",
                gpu_select),
    TARGET_RULE(TFL_SHAPE, FALLBACK, NO_PARSER, cpu_only),
    TARGET_RULE(TFL_SIGN, NATIVE, UNARY, gpu_unary),
    TARGET_RULE(TFL_SIN, NATIVE, UNARY, gpu_unary),
    TARGET_RULE(TFL_SLICE, NATIVE, "slice parser, versions <= 2; 3-D or 4-D input", gpu_slice),
    TARGET_RULE(TFL_SOFTMAX, NATIVE, "softmax parser, versions <= 2; beta 1 only", gpu_softmax),
    TARGET_RULE(TFL_SPACE_TO_BATCH_ND, FALLBACK,
                "model_builder.cc has a parser class for it but NewOperationParser does not "
                "use it: the node stays on the CPU and splits the delegated graph",
                cpu_only),
    TARGET_RULE(TFL_SPACE_TO_DEPTH, NATIVE,
                "space-to-depth parser, versions <= 2; 1 non-constant input; block_size > 1",
                gpu_space_to_depth),
    TARGET_RULE(TFL_SPLIT, NATIVE, "split parser; no further checks", gpu_any),
    TARGET_RULE(TFL_SPLIT_V, NATIVE, "split_v parser; no further checks", gpu_any),
    TARGET_RULE(TFL_SQRT, NATIVE, UNARY, gpu_unary),
    TARGET_RULE(TFL_SQUARE, NATIVE, UNARY, gpu_unary),
    TARGET_RULE(TFL_SQUARED_DIFFERENCE, NATIVE, BINARY, gpu_binary),
    TARGET_RULE(TFL_SQUEEZE, FALLBACK, NO_PARSER, cpu_only),
    TARGET_RULE(TFL_STRIDED_SLICE, NATIVE,
                "strided-slice parser, versions <= 4; no ellipsis / new-axis / shrink-axis "
                "masks; 4 inputs; 3-D or 4-D input",
                gpu_strided_slice),
    TARGET_RULE(TFL_SUB, NATIVE, BINARY, gpu_binary),
    TARGET_RULE(TFL_SUM, NATIVE, "reduce parser; 1 non-constant input and constant int32 axes",
                gpu_reduce),
    TARGET_RULE(TFL_SVDF, FALLBACK, NO_PARSER, cpu_only),
    TARGET_RULE(TFL_TANH, NATIVE, UNARY, gpu_unary),
    TARGET_RULE(TFL_TILE, NATIVE, "tile parser; 1 non-constant input, 1 output", gpu_one_in),
    TARGET_RULE(TFL_TOPK_V2, FALLBACK, ONLY_CHECKED, cpu_only),
    TARGET_RULE(TFL_TRANSPOSE, NATIVE,
                "transpose parser, versions <= 4; 1 non-constant input (constant perm)",
                gpu_transpose),
    TARGET_RULE(TFL_TRANSPOSE_CONV, NATIVE,
                "transposed-convolution parser, versions <= 3; 1 or 2 non-constant inputs; "
                "strides > 0",
                gpu_transpose_conv),
    TARGET_RULE(TFL_UNIDIRECTIONAL_SEQUENCE_LSTM, FALLBACK, NO_PARSER, cpu_only),
    TARGET_RULE(TFL_UNPACK, NATIVE, "unpack parser; no further checks", gpu_any),
    TARGET_RULE(TFL_WHERE, FALLBACK, NO_PARSER, cpu_only),
    TARGET_RULE(TFL_WHILE, FALLBACK, NO_PARSER, cpu_only),
    TARGET_RULE(TFL_ZEROS_LIKE, FALLBACK, NO_PARSER, cpu_only),
    TARGET_RULE(OPAQUE, FALLBACK,
                "not a builtin ferry knows: the GPU delegate parses four custom ops and LSTM, "
                "ONE_HOT, DENSIFY; any other runs on the CPU if the CPU interpreter can",
                gpu_opaque_rule),
};
_Static_assert(sizeof rows / sizeof rows[0] == IR_OP_COUNT, "one row per IR op");

const struct target target_tflite_gpu = {
    .name = "tflite-gpu",
    .title = "TFLite GPU delegate (OpenCL / OpenGL ES / Metal)",
    .version = "LiteRT GPU delegate (TfLiteGpuDelegateV2, default options: quantized models "
               "enabled, standard broadcasting, 1 delegated partition) as of "
               "google-ai-edge/LiteRT@f674577 (2026-08-21)",
    .source = "google-ai-edge/LiteRT@f67457790c9c2ab67347d6fe53270e8d3df20868:"
              "tflite/delegates/gpu/common/model_builder.cc (parsers, versions, tensor types) "
              "and tflite/tools/versioning/gpu_compatibility.cc (per-op checks)",
    .takes = TARGET_TAKES_TFLITE,
    .rows = rows,
    .partition = TARGET_PARTITION_DELEGATE,
    .accelerator = "GPU",
    .unknown = "Checks the delegate makes only while building its graph, after partitioning "
               "(shape conversions to BHWC, identical operands of one op, device limits such "
               "as texture sizes, OpenCL vs OpenGL vs Metal differences) are not modelled; the "
               "stride and kernel options of the four custom ops are in bytes ferry does not "
               "decode, so those checks are skipped; dynamic shapes (a resize re-builds the "
               "delegate) are not judged",
};
