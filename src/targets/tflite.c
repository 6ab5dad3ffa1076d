/* Target tflite: the TensorFlow Lite / LiteRT CPU interpreter with its stock
 * op resolver (BuiltinOpResolver; XNNPACK is applied by default where it can,
 * the built-in kernels run the rest).
 *
 * Where the facts come from (google-ai-edge/LiteRT@f674577, 2026-08-21, the
 * repository TFLite development moved to; ../shared/reference/targets.md §1
 * summarises an earlier snapshot):
 * - tflite/core/kernels/register.cc: every builtin the stock resolver has a
 *   kernel for, each with the [min, max] OperatorCode.version range it is
 *   registered for, and the five custom ops it registers by name;
 * - tflite/converter/tools/versioning/runtime_version.cc: the TF / LiteRT
 *   release that first runs each builtin version (all versions the resolver
 *   registers are listed there; the newest date from TF 2.23);
 * - tflite/util.cc and §1.4 of the reference: Flex ops are custom ops whose
 *   code starts with "Flex" and need the Flex (SELECT_TF_OPS) delegate.
 *
 * How rows decide: every builtin ferry has an IR op for has a kernel, so each
 * tfl.* row is native with one shared rule: an OperatorCode.version outside
 * the registered range fails at interpreter build ("Didn't find op for
 * builtin opcode ... version ..."), so it is unsupported, with the numbers.
 * (The resolver looks a kernel up by version only; the per-type checks each
 * kernel makes in Prepare are not modelled — see .unknown.) tfl.ONES_LIKE is
 * ferry's own op with no builtin code. ONNX rows are decided by ferry's
 * ONNX-to-TFLite converter and then by these rows. IR_OP_OPAQUE: builtins
 * ferry holds opaquely (LSTM, CALL_ONCE, STABLEHLO_*, ...) are native when the
 * resolver has a kernel (same version rule) and unsupported otherwise; the
 * custom ops the resolver registers are native; Flex ops and every other
 * custom op are unsupported, saying what the application would have to add. */
#include <string.h>

#include "targets/rules.h"
#include "targets/target.h"

/* Builtins with an IR op: name, min and max registered version, the TF
 * release that introduced the max version (runtime_version.cc). */
#define TFLITE_KERNELS(X)                                                                          \
    X(ABS, 1, 5, "2.12")                                                                           \
    X(ADD, 1, 6, "2.23")                                                                           \
    X(ADD_N, 1, 1, "1.14")                                                                         \
    X(ARG_MAX, 1, 3, "2.9")                                                                        \
    X(ARG_MIN, 1, 3, "2.9")                                                                        \
    X(AVERAGE_POOL_2D, 1, 3, "2.3")                                                                \
    X(BATCH_MATMUL, 1, 4, "2.5")                                                                   \
    X(BATCH_TO_SPACE_ND, 1, 4, "2.12")                                                             \
    X(BROADCAST_TO, 2, 4, "2.23")                                                                  \
    X(CAST, 1, 9, "2.23")                                                                          \
    X(CEIL, 1, 1, "1.14")                                                                          \
    X(CONCATENATION, 1, 7, "2.23")                                                                 \
    X(CONV_2D, 1, 8, "2.15")                                                                       \
    X(CONV_3D, 1, 1, "2.5")                                                                        \
    X(COS, 1, 2, "2.23")                                                                           \
    X(CUMSUM, 1, 1, "2.4")                                                                         \
    X(DEPTHWISE_CONV_2D, 1, 7, "2.11")                                                             \
    X(DEPTH_TO_SPACE, 1, 2, "2.5")                                                                 \
    X(DEQUANTIZE, 1, 9, "2.23")                                                                    \
    X(DIV, 1, 2, "2.3")                                                                            \
    X(ELU, 1, 1, "1.14")                                                                           \
    X(EQUAL, 1, 5, "2.21")                                                                         \
    X(EXP, 1, 2, "2.12")                                                                           \
    X(EXPAND_DIMS, 1, 1, "1.10")                                                                   \
    X(FILL, 1, 5, "2.23")                                                                          \
    X(FLOOR, 1, 1, "1.9")                                                                          \
    X(FLOOR_DIV, 1, 3, "2.13")                                                                     \
    X(FLOOR_MOD, 1, 2, "2.13")                                                                     \
    X(FULLY_CONNECTED, 1, 14, "2.21")                                                              \
    X(GATHER, 1, 8, "2.23")                                                                        \
    X(GATHER_ND, 1, 6, "2.23")                                                                     \
    X(GELU, 1, 3, "2.23")                                                                          \
    X(GREATER, 1, 2, "1.14")                                                                       \
    X(GREATER_EQUAL, 1, 3, "2.13")                                                                 \
    X(HARD_SWISH, 1, 1, "1.15")                                                                    \
    X(IF, 1, 1, "1.15")                                                                            \
    X(L2_NORMALIZATION, 1, 2, "1.14")                                                              \
    X(L2_POOL_2D, 1, 1, "1.5")                                                                     \
    X(LEAKY_RELU, 1, 2, "2.3")                                                                     \
    X(LESS, 1, 3, "2.13")                                                                          \
    X(LESS_EQUAL, 1, 2, "1.14")                                                                    \
    X(LOCAL_RESPONSE_NORMALIZATION, 1, 1, "1.5")                                                   \
    X(LOG, 1, 2, "2.15")                                                                           \
    X(LOGICAL_AND, 1, 1, "1.11")                                                                   \
    X(LOGICAL_NOT, 1, 1, "1.11")                                                                   \
    X(LOGICAL_OR, 1, 1, "1.11")                                                                    \
    X(LOGISTIC, 1, 3, "2.3")                                                                       \
    X(LOG_SOFTMAX, 1, 2, "1.14")                                                                   \
    X(MATRIX_DIAG, 1, 1, "1.14")                                                                   \
    X(MAXIMUM, 1, 4, "2.3")                                                                        \
    X(MAX_POOL_2D, 1, 3, "2.3")                                                                    \
    X(MEAN, 1, 3, "2.4")                                                                           \
    X(MINIMUM, 1, 4, "2.3")                                                                        \
    X(MIRROR_PAD, 1, 3, "2.12")                                                                    \
    X(MUL, 1, 8, "2.23")                                                                           \
    X(NEG, 1, 1, "1.9")                                                                            \
    X(NOT_EQUAL, 1, 4, "2.21")                                                                     \
    X(PACK, 1, 5, "2.23")                                                                          \
    X(PAD, 1, 6, "2.23")                                                                           \
    X(PADV2, 1, 6, "2.23")                                                                         \
    X(POW, 1, 1, "1.10")                                                                           \
    X(PRELU, 1, 1, "1.8")                                                                          \
    X(QUANTIZE, 1, 6, "2.21")                                                                      \
    X(RANGE, 1, 2, "2.14")                                                                         \
    X(REDUCE_MAX, 1, 3, "2.5")                                                                     \
    X(REDUCE_MIN, 1, 3, "2.5")                                                                     \
    X(REDUCE_PROD, 1, 2, "2.6")                                                                    \
    X(RELU, 1, 3, "2.5")                                                                           \
    X(RELU6, 1, 3, "2.5")                                                                          \
    X(RELU_0_TO_1, 1, 1, "2.10")                                                                   \
    X(RELU_N1_TO_1, 1, 1, "1.5")                                                                   \
    X(RESHAPE, 1, 1, "1.5")                                                                        \
    X(RESIZE_BILINEAR, 1, 4, "2.5")                                                                \
    X(RESIZE_NEAREST_NEIGHBOR, 1, 4, "2.4")                                                        \
    X(REVERSE_V2, 1, 4, "2.23")                                                                    \
    X(ROUND, 1, 1, "1.14")                                                                         \
    X(RSQRT, 1, 3, "2.15")                                                                         \
    X(SELECT, 1, 4, "2.12")                                                                        \
    X(SELECT_V2, 1, 2, "2.12")                                                                     \
    X(SHAPE, 1, 1, "1.10")                                                                         \
    X(SIGN, 1, 2, "2.12")                                                                          \
    X(SIN, 1, 2, "2.23")                                                                           \
    X(SLICE, 1, 8, "2.23")                                                                         \
    X(SOFTMAX, 1, 4, "2.23")                                                                       \
    X(SPACE_TO_BATCH_ND, 1, 4, "2.12")                                                             \
    X(SPACE_TO_DEPTH, 1, 2, "1.14")                                                                \
    X(SPLIT, 1, 5, "2.23")                                                                         \
    X(SPLIT_V, 1, 3, "2.23")                                                                       \
    X(SQRT, 1, 2, "2.21")                                                                          \
    X(SQUARE, 1, 1, "1.12")                                                                        \
    X(SQUARED_DIFFERENCE, 1, 2, "2.5")                                                             \
    X(SQUEEZE, 1, 2, "2.5")                                                                        \
    X(STRIDED_SLICE, 1, 8, "2.14")                                                                 \
    X(SUB, 1, 5, "2.4")                                                                            \
    X(SUM, 1, 2, "1.15")                                                                           \
    X(SVDF, 1, 4, "2.3")                                                                           \
    X(TANH, 1, 3, "2.3")                                                                           \
    X(TILE, 1, 3, "2.8")                                                                           \
    X(TOPK_V2, 1, 3, "2.13")                                                                       \
    X(TRANSPOSE, 1, 9, "2.23")                                                                     \
    X(TRANSPOSE_CONV, 1, 5, "2.15")                                                                \
    X(UNIDIRECTIONAL_SEQUENCE_LSTM, 1, 4, "2.12")                                                  \
    X(UNPACK, 1, 6, "2.23")                                                                        \
    X(WHERE, 1, 2, "2.8")                                                                          \
    X(WHILE, 1, 1, "1.15")                                                                         \
    X(ZEROS_LIKE, 1, 1, "1.12")

struct kernel_versions {
    const char *name; /* the builtin's schema name */
    int min, max;
    const char *since; /* TF release that first runs version max */
};

#define KV(OP, MIN, MAX, TF) [IR_OP_TFL_##OP] = {#OP, MIN, MAX, TF},
static const struct kernel_versions ir_kernels[IR_OP_COUNT] = {TFLITE_KERNELS(KV)};
#undef KV

/* Builtins ferry holds as IR_OP_OPAQUE (op_type = the schema name) that the
 * stock resolver has a kernel for. Every other builtin name (CALL,
 * CONCAT_EMBEDDINGS, DELEGATE, most STABLEHLO_*) has none. */
static const struct kernel_versions opaque_kernels[] = {
    {"RNN", 1, 3, "2.3"},
    {"BIDIRECTIONAL_SEQUENCE_RNN", 1, 3, "2.3"},
    {"UNIDIRECTIONAL_SEQUENCE_RNN", 1, 3, "2.3"},
    {"EMBEDDING_LOOKUP", 1, 5, "2.21"},
    {"EMBEDDING_LOOKUP_SPARSE", 1, 1, "1.5"},
    {"LSH_PROJECTION", 1, 1, "1.5"},
    {"HASHTABLE_LOOKUP", 1, 1, "1.5"},
    {"LSTM", 1, 4, "2.3"},
    {"BIDIRECTIONAL_SEQUENCE_LSTM", 1, 3, "1.14"},
    {"SKIP_GRAM", 1, 1, "1.5"},
    {"REDUCE_ANY", 1, 1, "1.11"},
    {"REDUCE_ALL", 1, 1, "2.6"},
    {"SPARSE_TO_DENSE", 1, 3, "1.15"},
    {"RANK", 1, 1, "1.14"},
    {"FAKE_QUANT", 1, 2, "1.10"},
    {"ONE_HOT", 1, 1, "1.11"},
    {"UNIQUE", 1, 1, "1.14"},
    {"REVERSE_SEQUENCE", 1, 1, "1.14"},
    {"MATRIX_SET_DIAG", 1, 1, "1.14"},
    {"NON_MAX_SUPPRESSION_V4", 1, 1, "2.1"},
    {"NON_MAX_SUPPRESSION_V5", 1, 1, "2.1"},
    {"SCATTER_ND", 1, 1, "2.1"},
    {"DENSIFY", 1, 1, "2.2"},
    {"SEGMENT_SUM", 1, 1, "2.2"},
    {"CALL_ONCE", 1, 1, "2.5"},
    {"RFFT2D", 1, 1, "2.5"},
    {"IMAG", 1, 1, "2.5"},
    {"REAL", 1, 1, "2.5"},
    {"COMPLEX_ABS", 1, 1, "2.5"},
    {"BROADCAST_ARGS", 1, 1, "2.6"},
    {"HASHTABLE", 1, 1, "2.5"},
    {"HASHTABLE_FIND", 1, 1, "2.5"},
    {"HASHTABLE_IMPORT", 1, 1, "2.5"},
    {"HASHTABLE_SIZE", 1, 1, "2.5"},
    {"CONV_3D_TRANSPOSE", 1, 1, "2.6"},
    {"VAR_HANDLE", 1, 1, "2.6"},
    {"READ_VARIABLE", 1, 1, "2.6"},
    {"ASSIGN_VARIABLE", 1, 1, "2.6"},
    {"MULTINOMIAL", 1, 1, "2.8"},
    {"RANDOM_STANDARD_NORMAL", 1, 1, "2.8"},
    {"BUCKETIZE", 1, 1, "2.8"},
    {"RANDOM_UNIFORM", 1, 1, "2.8"},
    {"DYNAMIC_UPDATE_SLICE", 1, 6, "2.22"},
    {"UNSORTED_SEGMENT_PROD", 1, 1, "2.10"},
    {"UNSORTED_SEGMENT_MAX", 1, 1, "2.10"},
    {"UNSORTED_SEGMENT_MIN", 1, 1, "2.11"},
    {"UNSORTED_SEGMENT_SUM", 1, 1, "2.10"},
    {"ATAN2", 1, 1, "2.10"},
    {"BITCAST", 1, 1, "2.13"},
    {"BITWISE_XOR", 1, 1, "2.13"},
    {"RIGHT_SHIFT", 1, 1, "2.13"},
    {"STABLEHLO_SCATTER", 1, 1, "2.15"},
    {"DILATE", 1, 1, "2.15"},
    {"STABLEHLO_RNG_BIT_GENERATOR", 1, 1, "2.15"},
    {"REDUCE_WINDOW", 1, 1, "2.15"},
    {"STABLEHLO_REDUCE_WINDOW", 1, 1, "2.16"},
    {"STABLEHLO_GATHER", 1, 1, "2.16"},
    {"STABLEHLO_ADD", 1, 1, "2.16"},
    {"STABLEHLO_AND", 1, 1, "2.17"},
    {"STABLEHLO_MULTIPLY", 1, 1, "2.16"},
    {"STABLEHLO_MAXIMUM", 1, 1, "2.16"},
    {"STABLEHLO_MINIMUM", 1, 1, "2.16"},
    {"STABLEHLO_SHIFT_LEFT", 1, 1, "2.17"},
    {"STABLEHLO_PAD", 1, 1, "2.16"},
    {"STABLEHLO_COMPOSITE", 1, 1, "2.17"},
    {"STABLEHLO_CASE", 1, 1, "2.17"},
};

/* Custom ops the stock resolver registers by name (each at version 1). */
static const char *const builtin_customs[] = {
    "NumericVerify",         "Mfcc", "AudioSpectrogram", "TFLite_Detection_PostProcess",
    "aeq.hadamard_rotation",
};

/* The highest builtin code of the schema the pinned runtime reads. */
enum { LAST_BUILTIN_CODE = 209 };

/* OperatorCode.version as the file holds it; ferry's writer writes 1 for a
 * node built without one (version 0). */
static int node_version(const struct ir_node *n)
{
    return n->version > 0 ? n->version : 1;
}

static bool version_rule(const struct ir_node *n, const struct kernel_versions *k,
                         struct check_verdict *v)
{
    int ver = node_version(n);
    if (ver > k->max)
        return check_set(v, CHECK_UNSUPPORTED, "tflite.builtin.version",
                         "%s version %d: the interpreter registers versions %d to %d (version %d "
                         "since TF %s); the model needs a newer runtime (\"Didn't find op for "
                         "builtin opcode\")",
                         k->name, ver, k->min, k->max, k->max, k->since);
    if (ver < k->min)
        return check_set(v, CHECK_UNSUPPORTED, "tflite.builtin.version",
                         "%s version %d: the interpreter registers versions %d to %d only "
                         "(older versions were withdrawn)",
                         k->name, ver, k->min, k->max);
    return false;
}

/* Every tfl.* row with a kernel. */
static bool builtin_version(const struct check_node *c, struct check_verdict *v)
{
    const struct kernel_versions *k = &ir_kernels[c->n->op];
    return k->name && version_rule(c->n, k, v);
}

static bool starts_with(const char *s, const char *prefix)
{
    return !strncmp(s, prefix, strlen(prefix));
}

static bool opaque_onnx(const struct check_node *c, struct check_verdict *v)
{
    const char *dom = c->n->domain && c->n->domain[0] ? c->n->domain : "ai.onnx";
    return check_set(v, CHECK_UNSUPPORTED, "tflite.onnx.unknown_op",
                     "ONNX op %s (domain %s) is unknown to ferry, so its ONNX-to-TFLite "
                     "converter cannot lower it to TFLite builtins",
                     c->n->op_type ? c->n->op_type : "?", dom);
}

static bool opaque_custom(const struct ir_node *n, const char *code, struct check_verdict *v)
{
    for (size_t i = 0; i < sizeof builtin_customs / sizeof builtin_customs[0]; i++) {
        if (strcmp(code, builtin_customs[i])) continue;
        if (node_version(n) > 1)
            return check_set(v, CHECK_UNSUPPORTED, "tflite.custom.version",
                             "custom op '%s' version %d: the interpreter registers it at "
                             "version 1 only",
                             code, node_version(n));
        return check_set(v, CHECK_NATIVE, "tflite.custom.builtin",
                         "custom op '%s': the stock op resolver registers a kernel for it "
                         "(register.cc)",
                         code);
    }
    if (starts_with(code, "Flex"))
        return check_set(v, CHECK_UNSUPPORTED, "tflite.custom.flex",
                         "Flex op '%s' (TensorFlow op %s kept by SELECT_TF_OPS): needs the Flex "
                         "delegate (SELECT_TF_OPS) linked into the app; the standard build fails "
                         "at prepare",
                         code, code + 4);
    return check_set(v, CHECK_UNSUPPORTED, "tflite.custom.unregistered",
                     "custom op '%s': the application must register a kernel for it (otherwise "
                     "\"Encountered unresolved custom op\" at prepare)",
                     code);
}

static bool opaque_builtin(const struct ir_node *n, const char *name, struct check_verdict *v)
{
    for (size_t i = 0; i < sizeof opaque_kernels / sizeof opaque_kernels[0]; i++) {
        if (strcmp(name, opaque_kernels[i].name)) continue;
        if (version_rule(n, &opaque_kernels[i], v)) return true;
        return check_set(v, CHECK_NATIVE, "tflite.builtin.kernel",
                         "builtin %s: the stock op resolver has a kernel for it (versions %d to "
                         "%d); ferry holds it opaquely",
                         name, opaque_kernels[i].min, opaque_kernels[i].max);
    }
    if (starts_with(name, "BUILTIN_"))
        return check_set(v, CHECK_UNSUPPORTED, "tflite.builtin.unknown_code",
                         "builtin code %s is newer than the schema of this runtime (codes end at "
                         "%d): no kernel",
                         name + 8, LAST_BUILTIN_CODE);
    return check_set(v, CHECK_UNSUPPORTED, "tflite.builtin.no_kernel",
                     "builtin %s: the stock op resolver registers no kernel for it (register.cc; "
                     "schema-only or converter-internal code)",
                     name);
}

/* Ops ferry does not know: TFLite custom ops ("CUSTOM:<code>"), builtins
 * held opaquely (op_type = schema name or "BUILTIN_<code>"), ONNX ops of
 * other domains. */
static bool opaque_rule(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_node *n = c->n;
    const char *t = n->op_type ? n->op_type : "";
    if (starts_with(t, "CUSTOM:")) return opaque_custom(n, t + 7, v);
    /* TFLite nodes (read from a file or made by the converter) follow
     * TFLite's arithmetic; a node of an ONNX model that does not is ONNX */
    if (n->rounding != IR_ROUND_TFLITE && c->m && c->m->format == IR_FORMAT_ONNX)
        return opaque_onnx(c, v);
    return opaque_builtin(n, t, v);
}

#define KERNEL_ROW(OP, MIN, MAX, TF)                                                               \
    TARGET_RULE(TFL_##OP, NATIVE,                                                                  \
                "kernel in the stock op resolver (register.cc), versions " #MIN " to " #MAX,       \
                builtin_version),

static const struct target_row rows[IR_OP_COUNT] = {
    IR_OP_LIST_ONNX(TARGET_ROW_VIA_CONVERTER) TFLITE_KERNELS(KERNEL_ROW) TARGET_ROW(
        TFL_ONES_LIKE, UNSUPPORTED,
        "not a TFLite builtin: the schema has no ONES_LIKE code, so a .tflite file cannot "
        "hold it (TensorFlow's converter emits FILL or a constant instead)"),
    TARGET_RULE(OPAQUE, UNSUPPORTED,
                "not a builtin ferry knows: decided by the custom code or builtin name",
                opaque_rule),
};
_Static_assert(sizeof rows / sizeof rows[0] == IR_OP_COUNT, "one row per IR op");

const struct target target_tflite = {
    .name = "tflite",
    .title = "TensorFlow Lite / LiteRT CPU interpreter",
    .version = "LiteRT / TFLite interpreter with the stock op resolver, as of "
               "google-ai-edge/LiteRT@f674577 (2026-08-21): builtin versions up to TF 2.23",
    .source = "google-ai-edge/LiteRT@f67457790c9c2ab67347d6fe53270e8d3df20868:"
              "tflite/core/kernels/register.cc (kernels and version ranges), "
              "tflite/converter/tools/versioning/runtime_version.cc (release of each version)",
    .takes = TARGET_TAKES_TFLITE,
    .rows = rows,
    .partition = TARGET_PARTITION_NONE,
    .accelerator = NULL,
    .unknown = "Only the op resolver's lookup (builtin code and version) is modelled: the "
               "type and shape checks each kernel makes in Prepare (a dtype the registered "
               "version does not cover, a rank a kernel refuses) are not; which ops XNNPACK "
               "takes over (a speed question, not a support one) is not; custom op versions "
               "other than 1 are assumed unregistered",
};
