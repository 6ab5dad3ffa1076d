/* Target openvino: the OpenVINO ONNX frontend (ov.Core().read_model, ovc,
 * convert_model).
 *
 * OpenVINO converts an ONNX model into its own opset through one translator
 * per (domain, op, opset range). Conversion is all or nothing: the frontend
 * lists every node without a translator ("OpenVINO does not support the
 * following ONNX operations: ...") and no model is produced. Which device
 * then runs each OpenVINO op (CPU, GPU, NPU, HETERO/AUTO) is decided after
 * conversion, per OpenVINO op, and is not modelled here.
 *
 * Where the facts come from: openvinotoolkit/openvino
 * src/frontends/onnx/docs/supported_ops.md at 0ae60f0 (columns Domain,
 * Operation Name, Supported Version, Defined Version, Limitation). The
 * Supported Version column gives the opsets that have a translator; each
 * translator is registered from its opset onwards, so a node at opset N uses
 * the newest translator not newer than N, and a node older than the first
 * translator has none. A blank Supported Version means no translator. The
 * translators' own refusals come from the frontend source
 * (src/frontends/onnx/frontend/src/op/resize.cpp, pad.cpp).
 *
 * How rows decide. An ai.onnx op with a translator is native, with a rule
 * comparing the node's opset with the first translator version (and, for
 * Resize and Pad, the attribute values the translator refuses or ignores);
 * an op without a translator is unsupported. IR_OP_OPAQUE (ops ferry does not
 * model, or ops of other domains) is decided by domain and name in a sorted
 * table of the translators the document lists (ai.onnx ops ferry lacks,
 * com.microsoft, org.openvinotoolkit, org.pytorch.aten, mmdeploy,
 * ai.onnx.ml); anything else is unsupported unless the application registers
 * a frontend extension for it. */
#include <stdlib.h>
#include <string.h>

#include "targets/rules.h"
#include "targets/target.h"

/* ---- translator versions ---- */

/* Every ai.onnx op ferry models that has a translator:
 * X(OP, rule, translator opsets ascending). */
#define OV_TRANSLATED(X)                                                                           \
    X(ABS, ov_version, 1, 6, 13)                                                                   \
    X(ACOS, ov_version, 7)                                                                         \
    X(ACOSH, ov_version, 9)                                                                        \
    X(ADD, ov_version, 1, 6, 7, 13, 14)                                                            \
    X(AND, ov_version, 1, 7)                                                                       \
    X(ARG_MAX, ov_version, 1, 12)                                                                  \
    X(ARG_MIN, ov_version, 1, 12)                                                                  \
    X(ASIN, ov_version, 7)                                                                         \
    X(ASINH, ov_version, 9)                                                                        \
    X(ATAN, ov_version, 7)                                                                         \
    X(ATANH, ov_version, 9)                                                                        \
    X(ATTENTION, ov_version, 23)                                                                   \
    X(AVERAGE_POOL, ov_version, 1)                                                                 \
    X(BATCH_NORMALIZATION, ov_version, 1, 7, 14)                                                   \
    X(BIT_SHIFT, ov_version, 11)                                                                   \
    X(BITWISE_AND, ov_version, 18)                                                                 \
    X(BITWISE_NOT, ov_version, 18)                                                                 \
    X(BITWISE_OR, ov_version, 18)                                                                  \
    X(BITWISE_XOR, ov_version, 18)                                                                 \
    X(CAST, ov_version, 1)                                                                         \
    X(CAST_LIKE, ov_version, 15)                                                                   \
    X(CEIL, ov_version, 1)                                                                         \
    X(CELU, ov_version, 12)                                                                        \
    X(CLIP, ov_version, 1, 11)                                                                     \
    X(COMPRESS, ov_version, 9)                                                                     \
    X(CONCAT, ov_version, 1)                                                                       \
    X(CONSTANT, ov_version, 1, 13)                                                                 \
    X(CONSTANT_OF_SHAPE, ov_version, 9)                                                            \
    X(CONV, ov_version, 1)                                                                         \
    X(CONV_INTEGER, ov_version, 10)                                                                \
    X(CONV_TRANSPOSE, ov_version, 1)                                                               \
    X(COS, ov_version, 7)                                                                          \
    X(COSH, ov_version, 9)                                                                         \
    X(CUM_SUM, ov_version, 11)                                                                     \
    X(DEPTH_TO_SPACE, ov_version, 1)                                                               \
    X(DEQUANTIZE_LINEAR, ov_version, 10, 13, 19, 21)                                               \
    X(DIV, ov_version, 1, 7)                                                                       \
    X(DROPOUT, ov_version, 1, 7, 12)                                                               \
    X(DYNAMIC_QUANTIZE_LINEAR, ov_version, 11)                                                     \
    X(EINSUM, ov_version, 12)                                                                      \
    X(ELU, ov_version, 1)                                                                          \
    X(EQUAL, ov_version, 1)                                                                        \
    X(ERF, ov_version, 9)                                                                          \
    X(EXP, ov_version, 1)                                                                          \
    X(EXPAND, ov_version, 8)                                                                       \
    X(EYE_LIKE, ov_version, 9)                                                                     \
    X(FLATTEN, ov_version, 1)                                                                      \
    X(FLOOR, ov_version, 1)                                                                        \
    X(GRU, ov_version, 1)                                                                          \
    X(GATHER, ov_version, 1)                                                                       \
    X(GATHER_ELEMENTS, ov_version, 11)                                                             \
    X(GATHER_ND, ov_version, 11)                                                                   \
    X(GELU, ov_version, 20)                                                                        \
    X(GEMM, ov_version, 1, 6)                                                                      \
    X(GLOBAL_AVERAGE_POOL, ov_version, 1)                                                          \
    X(GLOBAL_LP_POOL, ov_version, 1)                                                               \
    X(GLOBAL_MAX_POOL, ov_version, 1)                                                              \
    X(GREATER, ov_version, 1)                                                                      \
    X(GREATER_OR_EQUAL, ov_version, 12, 16)                                                        \
    X(GRID_SAMPLE, ov_version, 16)                                                                 \
    X(GROUP_NORMALIZATION, ov_version, 18, 21)                                                     \
    X(HARD_SIGMOID, ov_version, 1)                                                                 \
    X(HARD_SWISH, ov_version, 14)                                                                  \
    X(HARDMAX, ov_version, 1, 13)                                                                  \
    X(IDENTITY, ov_version, 1)                                                                     \
    X(IF, ov_version, 1)                                                                           \
    X(INSTANCE_NORMALIZATION, ov_version, 1)                                                       \
    X(IS_INF, ov_version, 10)                                                                      \
    X(IS_NA_N, ov_version, 9)                                                                      \
    X(LRN, ov_version, 1)                                                                          \
    X(LSTM, ov_version, 1)                                                                         \
    X(LAYER_NORMALIZATION, ov_version, 17)                                                         \
    X(LEAKY_RELU, ov_version, 1)                                                                   \
    X(LESS, ov_version, 1)                                                                         \
    X(LESS_OR_EQUAL, ov_version, 12, 16)                                                           \
    X(LOG, ov_version, 1)                                                                          \
    X(LOG_SOFTMAX, ov_version, 1, 13)                                                              \
    X(LOOP, ov_version, 1)                                                                         \
    X(LP_NORMALIZATION, ov_version, 1)                                                             \
    X(MAT_MUL, ov_version, 1)                                                                      \
    X(MAT_MUL_INTEGER, ov_version, 10)                                                             \
    X(MAX, ov_version, 1, 8)                                                                       \
    X(MAX_POOL, ov_version, 1, 8)                                                                  \
    X(MAX_ROI_POOL, ov_version, 1)                                                                 \
    X(MEAN, ov_version, 1)                                                                         \
    X(MEAN_VARIANCE_NORMALIZATION, ov_version, 1, 9)                                               \
    X(MIN, ov_version, 1, 8)                                                                       \
    X(MISH, ov_version, 18)                                                                        \
    X(MOD, ov_version, 10)                                                                         \
    X(MUL, ov_version, 1, 7)                                                                       \
    X(NEG, ov_version, 1)                                                                          \
    X(NON_MAX_SUPPRESSION, ov_version, 10)                                                         \
    X(NON_ZERO, ov_version, 9)                                                                     \
    X(NOT, ov_version, 1)                                                                          \
    X(ONE_HOT, ov_version, 9, 11)                                                                  \
    X(OR, ov_version, 1)                                                                           \
    X(P_RELU, ov_version, 1)                                                                       \
    X(PAD, ov_pad, 1, 11)                                                                          \
    X(POW, ov_version, 1)                                                                          \
    X(Q_LINEAR_CONV, ov_version, 10)                                                               \
    X(Q_LINEAR_MAT_MUL, ov_version, 10)                                                            \
    X(QUANTIZE_LINEAR, ov_version, 10, 13, 21)                                                     \
    X(RMS_NORMALIZATION, ov_version, 23)                                                           \
    X(RNN, ov_version, 1)                                                                          \
    X(RANGE, ov_version, 11)                                                                       \
    X(RECIPROCAL, ov_version, 1)                                                                   \
    X(REDUCE_L1, ov_version, 1, 13, 18)                                                            \
    X(REDUCE_L2, ov_version, 1, 13, 18)                                                            \
    X(REDUCE_LOG_SUM, ov_version, 1, 13, 18)                                                       \
    X(REDUCE_LOG_SUM_EXP, ov_version, 1, 13, 18)                                                   \
    X(REDUCE_MAX, ov_version, 1, 13, 18, 20)                                                       \
    X(REDUCE_MEAN, ov_version, 1, 13, 18)                                                          \
    X(REDUCE_MIN, ov_version, 1, 13, 18, 20)                                                       \
    X(REDUCE_PROD, ov_version, 1, 13, 18)                                                          \
    X(REDUCE_SUM, ov_version, 1, 13)                                                               \
    X(REDUCE_SUM_SQUARE, ov_version, 1, 13, 18)                                                    \
    X(RELU, ov_version, 1)                                                                         \
    X(RESHAPE, ov_version, 1)                                                                      \
    X(RESIZE, ov_resize, 10, 11)                                                                   \
    X(REVERSE_SEQUENCE, ov_version, 10)                                                            \
    X(ROI_ALIGN, ov_version, 10, 16)                                                               \
    X(ROUND, ov_version, 11)                                                                       \
    X(SCAN, ov_version, 8, 9)                                                                      \
    X(SCATTER, ov_version, 9)                                                                      \
    X(SCATTER_ELEMENTS, ov_version, 11)                                                            \
    X(SCATTER_ND, ov_version, 11, 16)                                                              \
    X(SELU, ov_version, 1)                                                                         \
    X(SHAPE, ov_version, 1, 15)                                                                    \
    X(SHRINK, ov_version, 9)                                                                       \
    X(SIGMOID, ov_version, 1)                                                                      \
    X(SIGN, ov_version, 9)                                                                         \
    X(SIN, ov_version, 7)                                                                          \
    X(SINH, ov_version, 9)                                                                         \
    X(SIZE, ov_version, 1)                                                                         \
    X(SLICE, ov_version, 1, 10)                                                                    \
    X(SOFTMAX, ov_version, 1, 11, 13)                                                              \
    X(SOFTPLUS, ov_version, 1)                                                                     \
    X(SOFTSIGN, ov_version, 1)                                                                     \
    X(SPACE_TO_DEPTH, ov_version, 1)                                                               \
    X(SPLIT, ov_version, 1, 13, 18)                                                                \
    X(SQRT, ov_version, 1)                                                                         \
    X(SQUEEZE, ov_version, 1, 13)                                                                  \
    X(SUB, ov_version, 1, 7)                                                                       \
    X(SUM, ov_version, 1, 8)                                                                       \
    X(TAN, ov_version, 7)                                                                          \
    X(TANH, ov_version, 1)                                                                         \
    X(THRESHOLDED_RELU, ov_version, 10)                                                            \
    X(TILE, ov_version, 1)                                                                         \
    X(TOP_K, ov_version, 1, 10, 11)                                                                \
    X(TRANSPOSE, ov_version, 1)                                                                    \
    X(TRILU, ov_version, 14)                                                                       \
    X(UNIQUE, ov_version, 11)                                                                      \
    X(UNSQUEEZE, ov_version, 1, 13)                                                                \
    X(UPSAMPLE, ov_version, 1, 7, 9)                                                               \
    X(WHERE, ov_version, 9)                                                                        \
    X(XOR, ov_version, 1)

/* The translator opsets of each op, ascending, 0-terminated. */
#define OV_VERSIONS(OP, FN, ...) [IR_OP_##OP] = {__VA_ARGS__},
static const unsigned char ov_versions[IR_OP_COUNT][6] = {OV_TRANSLATED(OV_VERSIONS)};

static const char *op_name(const struct ir_node *n)
{
    return n->op_type && n->op_type[0] ? n->op_type : ir_op_name(n->op);
}

/* The node's opset against the first translator. */
static bool ov_version(const struct check_node *c, struct check_verdict *v)
{
    int first = ov_versions[c->n->op][0];
    if (c->opset <= 0 || c->opset >= first) return false;
    return check_set(v, CHECK_UNSUPPORTED, "openvino.opset",
                     "%s at opset %lld: OpenVINO's first %s translator is for opset %d, and none "
                     "covers opset %lld",
                     op_name(c->n), (long long)c->opset, op_name(c->n), first, (long long)c->opset);
}

/* A STRING attribute whose value is outside a list (absent: the default,
 * which the caller knows to be allowed). */
static bool string_outside(const struct ir_node *n, const char *attr, const char *const *ok,
                           int n_ok, char *buf, int cap)
{
    if (!ir_node_attr(n, attr)) return false;
    rule_attr_string(n, attr, buf, cap);
    for (int i = 0; i < n_ok; i++)
        if (!strcmp(buf, ok[i])) return false;
    return true;
}

/* resize.cpp: modes and coordinate transformations the translator accepts;
 * keep_aspect_ratio_policy and exclude_outside are not read (ONNX 18 and
 * 11 attributes the opset-10/11 translators predate or skip), so a value
 * other than the default would be computed as the default. */
static bool ov_resize(const struct check_node *c, struct check_verdict *v)
{
    static const char *const modes[] = {"nearest", "linear", "cubic"};
    static const char *const ctm[] = {"half_pixel", "pytorch_half_pixel", "align_corners",
                                      "asymmetric", "tf_half_pixel_for_nn"};
    static const char *const stretch[] = {"stretch"};
    const struct ir_node *n = c->n;
    char s[64];
    if (ov_version(c, v)) return true;
    if (string_outside(n, "mode", modes, 3, s, sizeof s))
        return check_set(v, CHECK_UNSUPPORTED, "openvino.resize.mode",
                         "mode '%s'; OpenVINO's Resize translator takes nearest, linear, cubic", s);
    if (string_outside(n, "coordinate_transformation_mode", ctm, 5, s, sizeof s))
        return check_set(v, CHECK_UNSUPPORTED, "openvino.resize.coordinate_transformation_mode",
                         "coordinate_transformation_mode '%s'; OpenVINO's Resize translator "
                         "takes half_pixel, pytorch_half_pixel, align_corners, asymmetric, "
                         "tf_half_pixel_for_nn",
                         s);
    if (string_outside(n, "keep_aspect_ratio_policy", stretch, 1, s, sizeof s))
        return check_set(v, CHECK_UNSUPPORTED, "openvino.resize.keep_aspect_ratio_policy",
                         "keep_aspect_ratio_policy '%s'; OpenVINO's Resize translators (opsets "
                         "10, 11) do not read it and would resize as 'stretch'",
                         s);
    int64_t ex = rule_attr_int(n, "exclude_outside", 0);
    if (ex != 0)
        return check_set(v, CHECK_UNSUPPORTED, "openvino.resize.exclude_outside",
                         "exclude_outside is %lld; OpenVINO's Resize translator does not read it "
                         "and would compute as 0",
                         (long long)ex);
    return false;
}

/* pad.cpp: constant, reflect and edge modes; axes (ONNX 18) must be a
 * constant. */
static bool ov_pad(const struct check_node *c, struct check_verdict *v)
{
    static const char *const modes[] = {"constant", "reflect", "edge"};
    char s[32];
    if (ov_version(c, v)) return true;
    if (string_outside(c->n, "mode", modes, 3, s, sizeof s))
        return check_set(v, CHECK_UNSUPPORTED, "openvino.pad.mode",
                         "mode '%s'; OpenVINO's Pad translator takes constant, reflect, edge", s);
    const struct ir_tensor *axes = rule_input(c->n, 3);
    bool konst =
        rule_is_const(axes) || (axes && axes->producer && axes->producer->op == IR_OP_CONSTANT);
    if (axes && !konst)
        return check_set(v, CHECK_UNSUPPORTED, "openvino.pad.axes",
                         "axes ('%s') is computed at run time; OpenVINO's Pad translator needs "
                         "constant axes",
                         axes->name ? axes->name : "?");
    return false;
}

/* ---- the rows ---- */

#define OV_ROW(OP, FN, ...)                                                                        \
    TARGET_RULE(                                                                                   \
        OP, NATIVE,                                                                                \
        "the OpenVINO ONNX frontend has a translator (supported_ops.md: opsets " #__VA_ARGS__ ")", \
        FN),

/* ai.onnx ops the document lists without a Supported Version, or not at all. */
#define OV_NONE(OP, NAME, NOTE)                                                                    \
    TARGET_ROW(OP, UNSUPPORTED,                                                                    \
               "the OpenVINO ONNX frontend has no translator for " NAME                            \
               " (supported_ops.md: " NOTE "); conversion of the whole model fails")

static bool opaque_rule(const struct check_node *c, struct check_verdict *v);

/* clang-format off */
static const struct target_row rows[IR_OP_COUNT] = {
    TARGET_RULE(OPAQUE, UNSUPPORTED,
                "an op ferry does not model: decided by domain and name against the "
                "translators supported_ops.md lists (ai.onnx ops ferry lacks, com.microsoft, "
                "org.openvinotoolkit, org.pytorch.aten, mmdeploy, ai.onnx.ml); anything else "
                "has no translator unless the application registers a frontend extension",
                opaque_rule),
    OV_NONE(DEFORM_CONV, "DeformConv",
            "no Supported Version; org.openvinotoolkit's DeformableConv2D is translated"),
    OV_NONE(DET, "Det", "no Supported Version"),
    OV_NONE(LP_POOL, "LpPool", "no Supported Version"),
    OV_NONE(MAX_UNPOOL, "MaxUnpool", "no Supported Version"),
    OV_NONE(SWISH, "Swish", "not listed for ai.onnx; org.openvinotoolkit's Swish is translated"),
    OV_TRANSLATED(OV_ROW)
    IR_OP_LIST_TFL(TARGET_ROW_TFLITE_NEEDS_ONNX)
};
/* clang-format on */
_Static_assert(sizeof rows / sizeof rows[0] == IR_OP_COUNT, "one row per IR op");

/* ---- IR_OP_OPAQUE: by domain and name ---- */

struct ov_named {
    const char *domain; /* "" for ai.onnx */
    const char *name;
    unsigned char since; /* first translator opset */
    bool pattern;        /* "Supported only in certain patterns" */
};

/* The translators supported_ops.md lists for ops ferry holds as opaque,
 * sorted by (domain, name) with strcmp; a unit test keeps it so. */
static const struct ov_named named[] = {
    {"", "ATen", 1, false},
    {"", "Affine", 1, false},
    {"", "AffineGrid", 20, false},
    {"", "BlackmanWindow", 17, false},
    {"", "CenterCropPad", 18, false},
    {"", "Col2Im", 18, false},
    {"", "ConcatFromSequence", 11, true},
    {"", "ConstantFill", 1, false},
    {"", "Crop", 1, false},
    {"", "DFT", 17, false},
    {"", "HammingWindow", 17, false},
    {"", "HannWindow", 17, false},
    {"", "ImageScaler", 1, false},
    {"", "IsFinite", 1, false},
    {"", "Multinomial", 7, false},
    {"", "NegativeLogLikelihoodLoss", 12, false},
    {"", "RandomNormal", 1, false},
    {"", "RandomNormalLike", 1, false},
    {"", "RandomUniform", 1, false},
    {"", "RandomUniformLike", 1, false},
    {"", "RotaryEmbedding", 23, false},
    {"", "STFT", 17, false},
    {"", "SequenceAt", 11, true},
    {"", "SequenceConstruct", 11, true},
    {"", "SequenceEmpty", 11, true},
    {"", "SequenceErase", 11, true},
    {"", "SequenceInsert", 11, true},
    {"", "SequenceLength", 11, true},
    {"", "SimplifiedLayerNormalization", 1, false},
    {"", "SoftmaxCrossEntropyLoss", 12, false},
    {"", "SplitToSequence", 11, false},
    {"ai.onnx.ml", "Normalizer", 1, false},
    {"com.microsoft", "Attention", 1, false},
    {"com.microsoft", "BiasAdd", 1, false},
    {"com.microsoft", "BiasGelu", 1, false},
    {"com.microsoft", "BifurcationDetector", 1, false},
    {"com.microsoft", "DequantizeLinear", 1, false},
    {"com.microsoft", "DynamicQuantizeMatMul", 1, false},
    {"com.microsoft", "EmbedLayerNormalization", 1, false},
    {"com.microsoft", "FastGelu", 1, false},
    {"com.microsoft", "FusedConv", 1, false},
    {"com.microsoft", "FusedGemm", 1, false},
    {"com.microsoft", "FusedMatMul", 1, false},
    {"com.microsoft", "GatherND", 1, false},
    {"com.microsoft", "Gelu", 1, false},
    {"com.microsoft", "GroupNorm", 1, false},
    {"com.microsoft", "GroupQueryAttention", 1, false},
    {"com.microsoft", "MatMulIntegerToFloat", 1, false},
    {"com.microsoft", "MatMulNBits", 1, false},
    {"com.microsoft", "Pad", 1, false},
    {"com.microsoft", "QLinearAdd", 1, false},
    {"com.microsoft", "QLinearAveragePool", 1, false},
    {"com.microsoft", "QLinearConcat", 1, false},
    {"com.microsoft", "QLinearLeakyRelu", 1, false},
    {"com.microsoft", "QLinearMul", 1, false},
    {"com.microsoft", "QLinearReduceMean", 1, false},
    {"com.microsoft", "QLinearSigmoid", 1, false},
    {"com.microsoft", "QLinearSoftmax", 1, false},
    {"com.microsoft", "QLinearWhere", 1, false},
    {"com.microsoft", "QuantizeLinear", 1, false},
    {"com.microsoft", "QuickGelu", 1, false},
    {"com.microsoft", "Range", 1, false},
    {"com.microsoft", "RotaryEmbedding", 1, false},
    {"com.microsoft", "SimplifiedLayerNormalization", 1, false},
    {"com.microsoft", "SkipLayerNormalization", 1, false},
    {"com.microsoft", "SkipSimplifiedLayerNormalization", 1, false},
    {"com.microsoft", "Trilu", 1, false},
    {"mmdeploy", "MMCVRoIAlignRotated", 1, false},
    {"mmdeploy", "NMSRotated", 1, false},
    {"org.openvinotoolkit", "DeformableConv2D", 1, false},
    {"org.openvinotoolkit", "DetectionOutput", 1, false},
    {"org.openvinotoolkit", "ExperimentalDetectronDetectionOutput", 1, false},
    {"org.openvinotoolkit", "ExperimentalDetectronGenerateProposalsSingleImage", 1, false},
    {"org.openvinotoolkit", "ExperimentalDetectronGroupNorm", 1, false},
    {"org.openvinotoolkit", "ExperimentalDetectronPriorGridGenerator", 1, false},
    {"org.openvinotoolkit", "ExperimentalDetectronROIFeatureExtractor", 1, false},
    {"org.openvinotoolkit", "ExperimentalDetectronTopKROIs", 1, false},
    {"org.openvinotoolkit", "FakeQuantize", 1, false},
    {"org.openvinotoolkit", "GenerateProposals", 1, false},
    {"org.openvinotoolkit", "GroupNorm", 1, false},
    {"org.openvinotoolkit", "Normalize", 1, false},
    {"org.openvinotoolkit", "PriorBox", 1, false},
    {"org.openvinotoolkit", "PriorBoxClustered", 1, false},
    {"org.openvinotoolkit", "Swish", 1, false},
    {"org.pytorch.aten", "adaptive_avg_pool2d", 1, false},
};

struct ov_key {
    const char *domain;
    const char *name;
};

static int named_cmp(const void *key, const void *elem)
{
    const struct ov_key *k = key;
    const struct ov_named *e = elem;
    int d = strcmp(k->domain, e->domain);
    return d ? d : strcmp(k->name, e->name);
}

/* For the table test. */
int openvino_named_count(void);
const char *openvino_named_domain(int i);
const char *openvino_named_name(int i);
int openvino_named_count(void)
{
    return (int)(sizeof named / sizeof named[0]);
}
const char *openvino_named_domain(int i)
{
    return named[i].domain;
}
const char *openvino_named_name(int i)
{
    return named[i].name;
}

static bool opaque_rule(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_node *n = c->n;
    const char *name = n->op_type ? n->op_type : "";
    const char *dom = n->domain && strcmp(n->domain, "ai.onnx") ? n->domain : "";
    const char *shown = dom[0] ? dom : "ai.onnx";
    if (!strncmp(name, "CUSTOM:", 7) || (c->m && c->m->format == IR_FORMAT_TFLITE))
        return check_set(v, CHECK_UNSUPPORTED, "openvino.opaque.tflite",
                         "TFLite custom op '%s': this target reads ONNX, and ferry has no "
                         "TFLite-to-ONNX conversion",
                         name);
    struct ov_key key = {dom, name};
    const struct ov_named *e =
        bsearch(&key, named, sizeof named / sizeof named[0], sizeof named[0], named_cmp);
    if (!e)
        return check_set(v, CHECK_UNSUPPORTED, "openvino.opaque.no_translator",
                         "%s.%s: the OpenVINO ONNX frontend has no translator for it "
                         "(supported_ops.md), so conversion fails unless the application "
                         "registers a frontend extension for %s",
                         shown, name, name);
    if (c->opset > 0 && c->opset < e->since)
        return check_set(v, CHECK_UNSUPPORTED, "openvino.opset",
                         "%s.%s at opset %lld: OpenVINO's first translator is for opset %d, and "
                         "none covers opset %lld",
                         shown, name, (long long)c->opset, e->since, (long long)c->opset);
    if (e->pattern)
        return check_set(v, CHECK_UNSUPPORTED, "openvino.opaque.pattern",
                         "%s.%s: translated only in certain patterns (supported_ops.md: "
                         "\"Supported only in certain patterns\"); ferry does not match the "
                         "pattern, so the conversion may fail",
                         shown, name);
    return check_set(v, CHECK_NATIVE, "openvino.opaque.translator",
                     "%s.%s: the OpenVINO ONNX frontend has a translator (supported_ops.md: "
                     "opset %d)",
                     shown, name, e->since);
}

const struct target target_openvino = {
    .name = "openvino",
    .title = "OpenVINO ONNX frontend",
    .version = "OpenVINO ONNX frontend at openvino@0ae60f0 (translators up to opset 23)",
    .source = "openvinotoolkit/openvino@0ae60f0ffec990b581cf29cae47563090e5deca0:"
              "src/frontends/onnx/docs/supported_ops.md; translator refusals from "
              "src/frontends/onnx/frontend/src/op/resize.cpp and pad.cpp",
    .takes = TARGET_TAKES_ONNX,
    .rows = rows,
    .model_rule = NULL,
    .partition = TARGET_PARTITION_NONE,
    .accelerator = NULL,
    .unknown = "supported_ops.md gives no types and no per-op limits beyond the Sequence "
               "patterns; where ONNX redefined an op after the newest translator (AveragePool "
               "19 dilations, Cast 19 saturate, ScatterElements 16/18 reduction, Pad 18/19, "
               "Resize 13/18/19) only the Resize and Pad attributes the translator refuses or "
               "does not read are checked; which device plugin (CPU, GPU, NPU) runs each "
               "converted op is decided after conversion and not modelled",
};
