/* Target hailo8: Hailo-8 / Hailo-8L through the Hailo Dataflow Compiler.
 *
 * The DFC parses an ONNX model into Hailo's own graph, quantizes it with
 * calibration data and compiles it for the chip; HailoRT runs the result
 * and can run NMS/box decoding on the host. The DFC and its User Guide
 * (with the supported-layer chapter) are not public, so these rows rest on
 * what is: the Hailo Model Zoo for Hailo-8 (v2.x line, v2.17 with DFC 3.33:
 * which networks compile — classifiers, YOLO/SSD detectors, segmentation,
 * super-resolution, ViT/DeiT/DETR transformers — its CHANGELOG, YAML and
 * model scripts), the public table of contents of the DFC 3.7 product brief
 * (convolution, depthwise convolution, deconvolution, dense, max/average
 * pooling, concat) and the community post on handling unsupported ops.
 * ../shared/reference/targets.md §7 gathers them.
 *
 * How rows decide:
 *  - model_rule: the DFC compiles fixed shapes; any dynamic dim makes the
 *    node unsupported (hailo8.static_shapes) until --shape pins it.
 *  - Layers the public material shows compiling are native, with the few
 *    structural limits the sources imply as rules (weights known at compile
 *    time, constant slice bounds and pads, nearest/bilinear resize).
 *  - Host post-processing per Hailo's guidance (NMS through HailoRT, top-k)
 *    and reshapes at the model's edges are fallback.
 *  - Everything else is unsupported with "not in Hailo's public
 *    supported-layer list" — unless all of its inputs are known at compile
 *    time (shape arithmetic on fixed shapes), in which case constant folding
 *    removes it before parsing (hailo8.constant_fold).
 * `.unknown` lists what the public sources leave out. */
#include <stdio.h>
#include <string.h>

#include "targets/rules.h"
#include "targets/target.h"

#define HAILO_UNKNOWN                                                                              \
    "not in Hailo's public supported-layer list (the DFC's full rules are not public)"

/* ---- shared helpers ---- */

static bool is_tfl(enum ir_op op)
{
    return op >= IR_OP_TFL_ABS;
}

/* Whether t's value is known when the DFC compiles: an initializer, a
 * Constant node's output, the shape of a static tensor, or computed from
 * such values only. Bounded walk (shape subgraphs are small). */
static bool foldable_walk(const struct ir_tensor *t, int depth, int *budget)
{
    if (!t) return true; /* an optional input left out */
    if (rule_is_const(t)) return true;
    const struct ir_node *p = t->producer;
    if (!p || depth > 24 || --*budget < 0) return false;
    if (p->op == IR_OP_CONSTANT) return true;
    if (p->op == IR_OP_SHAPE || p->op == IR_OP_SIZE) return rule_is_static(rule_input(p, 0));
    if (p->op == IR_OP_OPAQUE || p->n_inputs == 0 || is_tfl(p->op)) return false;
    for (int i = 0; i < p->n_inputs; i++)
        if (!foldable_walk(p->inputs[i], depth + 1, budget)) return false;
    return true;
}

static bool foldable(const struct ir_tensor *t)
{
    int budget = 256;
    return foldable_walk(t, 0, &budget);
}

static const char *tname(const struct ir_tensor *t)
{
    return t && t->name ? t->name : "?";
}

static bool is_graph_output(const struct ir_tensor *t)
{
    const struct ir_graph *g = t ? t->graph : NULL;
    for (int i = 0; g && i < g->n_outputs; i++)
        if (g->outputs[i] == t) return true;
    return false;
}

static bool is_graph_input(const struct ir_tensor *t)
{
    return t && t->kind == IR_TENSOR_VALUE && !t->producer;
}

/* ---- model rule: fixed shapes ---- */

/* The first dynamic dim of t: writes the verdict. A tensor of unknown rank
 * counts only when it is a graph input (an intermediate may just not have
 * been inferred). */
static bool dynamic_dim(const struct ir_tensor *t, struct check_verdict *v)
{
    if (!t || t->kind == IR_TENSOR_CONST) return false;
    if (t->rank < 0) {
        if (!is_graph_input(t)) return false;
        return check_set(v, CHECK_UNSUPPORTED, "hailo8.static_shapes",
                         "tensor '%s' has no known shape: the Hailo DFC compiles fixed shapes "
                         "only; give them with --shape NAME=DIMS",
                         tname(t));
    }
    for (int d = 0; d < t->rank; d++) {
        if (t->dims[d].value >= 0) continue;
        const char *p = t->dims[d].param;
        return check_set(v, CHECK_UNSUPPORTED, "hailo8.static_shapes",
                         "tensor '%s' dim %d is %s%s%s (dynamic): the Hailo DFC compiles fixed "
                         "shapes only; pin the model's inputs with --shape NAME=DIMS",
                         tname(t), d, p && *p ? "'" : "", p && *p ? p : "unknown",
                         p && *p ? "'" : "");
    }
    return false;
}

static bool hailo_static_shapes(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_node *n = c->n;
    if (is_tfl(n->op)) return false; /* the row answers: ONNX only */
    /* the DFC compiles the whole network at once: a dynamic model input
     * stops every node, not only the ones reading it */
    const struct ir_graph *g = c->m ? c->m->graph : NULL;
    for (int i = 0; g && i < g->n_inputs; i++)
        if (dynamic_dim(g->inputs[i], v)) return true;
    for (int i = 0; i < n->n_inputs; i++)
        if (dynamic_dim(n->inputs[i], v)) return true;
    for (int i = 0; i < n->n_outputs; i++)
        if (dynamic_dim(n->outputs[i], v)) return true;
    return false;
}

/* ---- row rules ---- */

/* Unknown ops: constant folding removes a node whose inputs are all known. */
static bool hailo_fold(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_node *n = c->n;
    bool all = n->n_inputs > 0;
    if (n->op == IR_OP_SHAPE || n->op == IR_OP_SIZE)
        all = rule_is_static(rule_input(n, 0));
    else
        for (int i = 0; i < n->n_inputs && all; i++)
            all = foldable(n->inputs[i]);
    if (!all) return false;
    return check_set(v, CHECK_NATIVE, "hailo8.constant_fold",
                     "%s computes only on values known at compile time (constants, fixed "
                     "shapes): folded into a constant before parsing",
                     ir_op_name(n->op));
}

/* Conv / ConvTranspose: weights are compiled into the HEF. */
static bool hailo_const_weights(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_tensor *w = rule_input(c->n, 1);
    if (!w || foldable(w)) return false;
    return check_set(v, CHECK_UNSUPPORTED, "hailo8.conv.weights",
                     "weights '%s' are computed at run time; the DFC quantizes and compiles "
                     "weights, so they must be initializers",
                     tname(w));
}

/* Div by a constant is a multiplication by its reciprocal. */
static bool hailo_div(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_tensor *b = rule_input(c->n, 1);
    if (!b || foldable(b)) return false;
    return check_set(v, CHECK_UNSUPPORTED, "hailo8.div.divisor",
                     "divisor '%s' is a run-time tensor: division by a constant (a scaling) is "
                     "what the public models show; tensor-by-tensor division is " HAILO_UNKNOWN,
                     tname(b));
}

/* Clip as ReLU6-style bounds: min/max must be constants. */
static bool hailo_clip(const struct check_node *c, struct check_verdict *v)
{
    for (int i = 1; i <= 2; i++) {
        const struct ir_tensor *t = rule_input(c->n, i);
        if (t && !foldable(t))
            return check_set(v, CHECK_UNSUPPORTED, "hailo8.clip.bounds",
                             "Clip %s '%s' is a run-time tensor; the public models clip to "
                             "constant bounds (ReLU6)",
                             i == 1 ? "min" : "max", tname(t));
    }
    return false;
}

/* Resize / Upsample: nearest (YOLO necks) or bilinear (on-chip resize), with
 * constant scales or sizes. */
static bool hailo_resize(const struct check_node *c, struct check_verdict *v)
{
    char mode[32];
    rule_attr_string(c->n, "mode", mode, sizeof mode);
    if (mode[0] && strcmp(mode, "nearest") && strcmp(mode, "linear") && strcmp(mode, "bilinear"))
        return check_set(v, CHECK_UNSUPPORTED, "hailo8.resize.mode",
                         "mode '%s': the public material shows nearest and bilinear resize only",
                         mode);
    for (int i = 1; i < c->n->n_inputs; i++) {
        const struct ir_tensor *t = rule_input(c->n, i);
        if (t && !foldable(t))
            return check_set(v, CHECK_UNSUPPORTED, "hailo8.resize.scales",
                             "input %d '%s' (roi/scales/sizes) is a run-time tensor; the DFC "
                             "needs the output size at compile time",
                             i, tname(t));
    }
    return false;
}

/* Reshape-like ops: folded when constant, a host-side format conversion at
 * the model's edges (HailoRT transforms inputs and outputs on the host),
 * native inside; Reshape's target shape must be known. */
static bool hailo_reshape(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_node *n = c->n;
    const char *op = ir_op_name(n->op);
    if (hailo_fold(c, v)) return true;
    for (int i = 1; i < n->n_inputs; i++) {
        const struct ir_tensor *t = rule_input(n, i);
        if (t && !foldable(t))
            return check_set(v, CHECK_UNSUPPORTED, "hailo8.reshape.shape",
                             "%s input %d '%s' is a run-time tensor; the DFC needs the result "
                             "shape at compile time",
                             op, i, tname(t));
    }
    const struct ir_tensor *x = rule_input(n, 0), *y = rule_output(n, 0);
    if (is_graph_input(x) || is_graph_output(y))
        return check_set(v, CHECK_FALLBACK, "hailo8.reshape.edge",
                         "%s at the model's %s ('%s'): a layout change at the edge is left to "
                         "the host (HailoRT's input/output transformations, or host pre/post-"
                         "processing when the parser cuts it off)",
                         op, is_graph_input(x) ? "input" : "output",
                         is_graph_input(x) ? tname(x) : tname(y));
    return false;
}

/* Slice / Split / Pad: bounds, sizes and pads known at compile time. */
static bool hailo_const_params(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_node *n = c->n;
    if (hailo_fold(c, v)) return true;
    if (n->op == IR_OP_PAD && !rule_attr_string_is(n, "mode", "constant", true)) {
        char mode[32];
        return check_set(v, CHECK_UNSUPPORTED, "hailo8.pad.mode",
                         "Pad mode '%s': zero/constant padding is what the public models use; "
                         "other modes are " HAILO_UNKNOWN,
                         rule_attr_string(n, "mode", mode, sizeof mode));
    }
    for (int i = 1; i < n->n_inputs; i++) {
        const struct ir_tensor *t = rule_input(n, i);
        if (t && !foldable(t))
            return check_set(v, CHECK_UNSUPPORTED, "hailo8.params.const",
                             "%s input %d '%s' is a run-time tensor; the DFC needs it at compile "
                             "time",
                             ir_op_name(n->op), i, tname(t));
    }
    return false;
}

/* Sum of two inputs is an Add. */
static bool hailo_sum(const struct check_node *c, struct check_verdict *v)
{
    int k = rule_input_count(c->n);
    if (k <= 2) return false;
    return check_set(
        v, CHECK_UNSUPPORTED, "hailo8.sum.inputs",
        "Sum of %d inputs: a two-input sum is an elementwise add; more inputs are " HAILO_UNKNOWN,
        k);
}

static bool hailo_opaque(const struct check_node *c, struct check_verdict *v)
{
    const char *dom = c->n->domain && *c->n->domain ? c->n->domain : "ai.onnx";
    return check_set(v, CHECK_UNSUPPORTED, "hailo8.opaque", "%s::%s: " HAILO_UNKNOWN, dom,
                     c->n->op_type ? c->n->op_type : "?");
}

/* ---- rows ---- */

#define N(OP, WHY) TARGET_ROW(OP, NATIVE, WHY)
#define NR(OP, WHY, FN) TARGET_RULE(OP, NATIVE, WHY, FN)
#define U(OP) TARGET_RULE(OP, UNSUPPORTED, HAILO_UNKNOWN, hailo_fold)
#define UW(OP, WHY) TARGET_RULE(OP, UNSUPPORTED, HAILO_UNKNOWN "; " WHY, hailo_fold)

#define MZ "Hailo Model Zoo (Hailo-8): "
#define PB "DFC product brief layer list: "
#define ACT "activation; " MZ

static const struct target_row rows[IR_OP_COUNT] = {
    TARGET_RULE(OPAQUE, UNSUPPORTED, "ops of other domains or unknown names: " HAILO_UNKNOWN,
                hailo_opaque),
    U(ABS),
    U(ACOS),
    U(ACOSH),
    N(ADD, "elementwise add; " MZ "residual networks (ResNet, RegNet, YOLO)"),
    U(AND),
    N(ARG_MAX, "on-chip argmax post-processing layer (Model Zoo YAML device_pre_post_layers; "
               "segmentation models)"),
    U(ARG_MIN),
    U(ASIN),
    U(ASINH),
    U(ATAN),
    U(ATANH),
    UW(ATTENTION, "the Model Zoo's transformers compile attention as MatMul/Softmax layers, "
                  "not as the fused ONNX op"),
    N(AVERAGE_POOL, PB "average pooling"),
    N(BATCH_NORMALIZATION, MZ "vit_*_bn (BatchNorm in place of LayerNorm), CNNs (folded "
                              "into the convolution)"),
    U(BIT_SHIFT),
    U(BITWISE_AND),
    U(BITWISE_NOT),
    U(BITWISE_OR),
    U(BITWISE_XOR),
    U(CAST),
    U(CAST_LIKE),
    U(CEIL),
    U(CELU),
    NR(CLIP, ACT "MobileNetV2 (ReLU6)", hailo_clip),
    U(COMPRESS),
    N(CONCAT, PB "concat; " MZ "YOLO necks, Inception"),
    N(CONSTANT, "constants are folded into the layers that use them"),
    U(CONSTANT_OF_SHAPE),
    NR(CONV,
       PB "convolution, depthwise convolution; " MZ "grouped (ResNeXt), dilated "
          "(DeepLab), 3-D (r3d_18)",
       hailo_const_weights),
    U(CONV_INTEGER),
    NR(CONV_TRANSPOSE, PB "deconvolution", hailo_const_weights),
    U(COS),
    U(COSH),
    U(CUM_SUM),
    U(DEFORM_CONV),
    N(DEPTH_TO_SPACE, MZ "ESPCN super-resolution (pixel shuffle)"),
    UW(DEQUANTIZE_LINEAR, "the DFC quantizes float models itself (optimize step with "
                          "calibration data)"),
    U(DET),
    NR(DIV, "division by a constant (a scaling); " MZ "normalisation layers", hailo_div),
    N(DROPOUT, "an inference no-op, removed by the parser"),
    U(DYNAMIC_QUANTIZE_LINEAR),
    U(EINSUM),
    U(ELU),
    U(EQUAL),
    U(ERF),
    U(EXP),
    U(EXPAND),
    U(EYE_LIKE),
    NR(FLATTEN, "reshape before a dense layer; " MZ "classifiers", hailo_reshape),
    U(FLOOR),
    U(GRU),
    U(GATHER),
    U(GATHER_ELEMENTS),
    U(GATHER_ND),
    N(GELU, ACT "ViT, DeiT"),
    N(GEMM, PB "dense"),
    N(GLOBAL_AVERAGE_POOL, MZ "ResNet/MobileNet/EfficientNet classifier heads"),
    U(GLOBAL_LP_POOL),
    U(GLOBAL_MAX_POOL),
    U(GREATER),
    U(GREATER_OR_EQUAL),
    U(GRID_SAMPLE),
    U(GROUP_NORMALIZATION),
    N(HARD_SIGMOID, ACT "MobileNetV3"),
    N(HARD_SWISH, ACT "MobileNetV3"),
    U(HARDMAX),
    N(IDENTITY, "removed by the parser"),
    UW(IF, "control flow is not a layer: the DFC compiles one static dataflow graph"),
    U(INSTANCE_NORMALIZATION),
    U(IS_INF),
    U(IS_NA_N),
    U(LRN),
    UW(LSTM, "no recurrent network in the Hailo-8 Model Zoo"),
    N(LAYER_NORMALIZATION, MZ "v2.10 vit_pose_small \"with layernorm\", v2.12 ViT/DeiT"),
    N(LEAKY_RELU, ACT "Tiny-YOLOv4"),
    U(LESS),
    U(LESS_OR_EQUAL),
    U(LOG),
    U(LOG_SOFTMAX),
    UW(LOOP, "control flow is not a layer: the DFC compiles one static dataflow graph"),
    U(LP_NORMALIZATION),
    U(LP_POOL),
    N(MAT_MUL, PB "dense; " MZ "transformer attention (ViT, DETR)"),
    U(MAT_MUL_INTEGER),
    U(MAX),
    N(MAX_POOL, PB "max pooling"),
    U(MAX_ROI_POOL),
    U(MAX_UNPOOL),
    U(MEAN),
    U(MEAN_VARIANCE_NORMALIZATION),
    U(MIN),
    U(MISH),
    U(MOD),
    N(MUL, "elementwise multiply; " MZ "squeeze-excitation (EfficientNet), SiLU"),
    U(NEG),
    TARGET_ROW(NON_MAX_SUPPRESSION, FALLBACK,
               "NMS is post-processing: HailoRT runs it on the host (model script "
               "nms_postprocess(..., engine=cpu)) or on the NN core for the YOLO/SSD variants "
               "Hailo supports; the DFC does not parse the ONNX op"),
    U(NON_ZERO),
    U(NOT),
    U(ONE_HOT),
    U(OR),
    N(P_RELU, ACT "ArcFace"),
    NR(PAD, "zero padding (constant pads)", hailo_const_params),
    U(POW),
    UW(Q_LINEAR_CONV, "the DFC quantizes float models itself"),
    UW(Q_LINEAR_MAT_MUL, "the DFC quantizes float models itself"),
    UW(QUANTIZE_LINEAR, "the DFC quantizes float models itself (optimize step with calibration "
                        "data)"),
    U(RMS_NORMALIZATION),
    UW(RNN, "no recurrent network in the Hailo-8 Model Zoo"),
    U(RANGE),
    U(RECIPROCAL),
    U(REDUCE_L1),
    U(REDUCE_L2),
    U(REDUCE_LOG_SUM),
    U(REDUCE_LOG_SUM_EXP),
    U(REDUCE_MAX),
    N(REDUCE_MEAN, "mean pooling over axes (squeeze-excitation and normalisation blocks); the "
                   "axis limits are not public"),
    U(REDUCE_MIN),
    U(REDUCE_PROD),
    U(REDUCE_SUM),
    U(REDUCE_SUM_SQUARE),
    N(RELU, ACT "most CNNs"),
    NR(RESHAPE, "reshapes inside transformer and classifier blocks; " MZ "ViT, DETR",
       hailo_reshape),
    NR(RESIZE,
       "nearest (YOLO necks) and bilinear resize (on-chip resize layer, model-script "
       "resize)",
       hailo_resize),
    U(REVERSE_SEQUENCE),
    U(ROI_ALIGN),
    U(ROUND),
    UW(SCAN, "control flow is not a layer: the DFC compiles one static dataflow graph"),
    U(SCATTER),
    U(SCATTER_ELEMENTS),
    U(SCATTER_ND),
    U(SELU),
    U(SHAPE),
    U(SHRINK),
    N(SIGMOID, ACT "YOLO heads, SiLU"),
    U(SIGN),
    U(SIN),
    U(SINH),
    U(SIZE),
    NR(SLICE, "slicing with constant bounds; " MZ "YOLOv5 focus layer", hailo_const_params),
    N(SOFTMAX, "on-chip softmax (Model Zoo YAML device_pre_post_layers); transformer attention"),
    U(SOFTPLUS),
    U(SOFTSIGN),
    U(SPACE_TO_DEPTH),
    NR(SPLIT, "feature split with constant sizes; " MZ "YOLOv8 C2f blocks", hailo_const_params),
    U(SQRT),
    NR(SQUEEZE, "a reshape", hailo_reshape),
    N(SUB, "elementwise subtract (normalisation in model scripts)"),
    NR(SUM, "a two-input Sum is an elementwise add", hailo_sum),
    N(SWISH, ACT "EfficientNet, YOLOv5 v6.1 (SiLU)"),
    U(TAN),
    N(TANH, ACT "Zero-DCE low-light enhancement"),
    U(THRESHOLDED_RELU),
    U(TILE),
    TARGET_ROW(TOP_K, FALLBACK,
               "detection/classification post-processing: the Model Zoo runs top-k on the host "
               "(CenterNet post-processing); cut the graph before it and run it on the CPU"),
    NR(TRANSPOSE, "layout changes inside transformer blocks; " MZ "ViT, DETR", hailo_reshape),
    U(TRILU),
    U(UNIQUE),
    NR(UNSQUEEZE, "a reshape", hailo_reshape),
    NR(UPSAMPLE, "nearest/bilinear upsampling (YOLOv3/v4 necks)", hailo_resize),
    U(WHERE),
    U(XOR),
    IR_OP_LIST_TFL(TARGET_ROW_TFLITE_NEEDS_ONNX)};
_Static_assert(sizeof rows / sizeof rows[0] == IR_OP_COUNT, "one row per IR op");

const struct target target_hailo8 = {
    .name = "hailo8",
    .title = "Hailo-8 / Hailo-8L (Hailo Dataflow Compiler)",
    .version = "Hailo Model Zoo v2.17 (DFC 3.33.0, HailoRT 4.23.0), public material only",
    .source = "github.com/hailo-ai/hailo_model_zoo v2.17 (docs/PUBLIC_MODELS_HAILO8*.rst, "
              "docs/CHANGELOG.rst, docs/YAML.rst, cfg/alls); Hailo DFC 3.7.0 Product Brief "
              "(layer list); https://community.hailo.ai/t/"
              "handling-unsupported-operations-with-onnxruntime/17956",
    .takes = TARGET_TAKES_ONNX,
    .rows = rows,
    .model_rule = hailo_static_shapes,
    .partition = TARGET_PARTITION_NONE,
    .accelerator = NULL,
    .unknown = "the DFC's supported-layer list and per-layer limits (kernel sizes, strides, "
               "dilations, channel and group counts, padding schemes, which activations, "
               "reduce axes, resize scales, which reshapes and transposes map to the chip); "
               "its layer-order limitations; which layers 16-bit (a16_w16) precision covers; "
               "when a network needs several contexts or does not fit; which ops the parser "
               "folds or fuses (ferry assumes constant subgraphs fold, and does not model "
               "fusions such as an Erf-based GELU or a decomposed LayerNorm); placement between "
               "NN core and host beyond "
               "NMS post-processing. Rows for ops outside the public material answer "
               "unsupported.",
};
