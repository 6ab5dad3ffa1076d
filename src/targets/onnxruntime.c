/* Target onnxruntime: the ONNX Runtime CPU execution provider.
 *
 * Facts: microsoft/onnxruntime@001d12d docs/OperatorKernels.md, the table
 * generated from the CPU EP's registered kernels (op, opset range, element
 * types of each type constraint), plus the kernel registrations themselves
 * (onnxruntime/core/providers/cpu/cpu_execution_provider.cc,
 * contrib_ops/cpu/cpu_contrib_kernels.cc) for kernels the generator leaves out
 * because they declare no type constraint (NonMaxSuppression,
 * QLinearAveragePool, QLinearConcat, QLinearGlobalAveragePool).
 * ../shared/reference/targets.md §8 summarises them.
 *
 * How a row decides:
 *  - An op with a CPU kernel is native, and one rule (ort_kernel) checks the
 *    node against that kernel's registrations in `kernels` below: the node's
 *    opset must fall in a registered range (Upsample has kernels for opsets
 *    7-9 only, Scatter for 9-10 only), and the element type bound by the
 *    kernel's main type constraint must be one the range lists. A type
 *    outside it fails session creation ("NOT_IMPLEMENTED: Could not find an
 *    implementation for ..."), except float16 where the kernel takes float32:
 *    ORT's InsertCastTransformer wraps such CPU nodes in Casts and runs them
 *    in float32 (substituted).
 *  - ONNX function ops without a CPU kernel (HardSwish, Mish, Swish,
 *    GroupNormalization, CastLike) run by inlining their function body:
 *    substituted, naming the decomposition.
 *  - No kernel and no function body (DeformConv): unsupported.
 *  - Ops ferry's IR does not model (IR_OP_OPAQUE) are looked up by domain in
 *    small name tables: ai.onnx ops the IR lacks, ai.onnx.ml, com.microsoft
 *    contrib ops and com.microsoft.nchwc; any other domain needs a custom op
 *    library.
 * Reduced, minimal and mobile builds register only the kernels of the models
 * they were built for: this table is the full build's upper bound. */
#include <stdio.h>
#include <string.h>

#include "targets/rules.h"
#include "targets/target.h"

/* ---- element-type sets: one bit per IR dtype ---- */

#define TB(t) (1u << IR_##t)
#define T_F TB(F32)
#define T_FD (TB(F32) | TB(F64))
#define T_FDH (T_FD | TB(F16))
#define T_FH (TB(F32) | TB(F16))
#define T_QU (TB(I8) | TB(U8))
#define T_NUM6 (T_FD | TB(I32) | TB(I64) | TB(U32) | TB(U64))
#define T_NUM10 (T_NUM6 | TB(I8) | TB(I16) | TB(U8) | TB(U16))
#define T_NUMH (T_NUM10 | TB(F16) | TB(BF16))
#define T_MINMAX (T_FDH | TB(I32) | TB(I64) | TB(I8) | TB(U32) | TB(U64) | TB(U8))
#define T_RED (T_FD | TB(I32) | TB(I64))
#define T_IBITS (TB(I8) | TB(I16) | TB(I32) | TB(I64) | TB(U8) | TB(U16) | TB(U32) | TB(U64))
#define T_NOHALF (T_NUM10 | TB(BOOL) | TB(STRING))
#define T_ALL (T_NOHALF | TB(F16) | TB(BF16))
#define T_ALL4 (T_ALL | TB(I4) | TB(U4))

/* One registered kernel: opsets [since, until] (until 0: no upper bound),
 * the element types of the constrained tensor (0: not checked) and of
 * output 0 where the kernel constrains it separately (0: not checked). */
struct ort_range {
    int since, until;
    uint32_t types, out;
};

/* The kernels of one op. `arg` is the input whose element type the main
 * constraint binds; ORT_OUT0 for output 0 (ConstantOfShape). */
#define ORT_OUT0 (-1)
struct ort_kernels {
    int arg;
    struct ort_range r[3];
};

#define KS(OP, ARG, ...) [IR_OP_##OP] = {ARG, {__VA_ARGS__}}

/* From OperatorKernels.md, CPUExecutionProvider, ai.onnx (ranges whose type
 * lists are equal are merged). */
static const struct ort_kernels kernels[IR_OP_COUNT] = {
    KS(ABS, 0, {6, 0, T_NUM10, 0}),
    KS(ACOS, 0, {7, 0, T_F, 0}),
    KS(ACOSH, 0, {9, 0, T_F, 0}),
    KS(ADD, 0, {7, 13, T_NUM6, 0}, {14, 0, T_NUM10, 0}),
    KS(AND, 0, {7, 0, TB(BOOL), 0}),
    KS(ARG_MAX, 0, {1, 0, T_FD | TB(I32) | TB(I64) | T_QU, 0}),
    KS(ARG_MIN, 0, {1, 0, T_FD | TB(I32) | TB(I64) | T_QU, 0}),
    KS(ASIN, 0, {7, 0, T_F, 0}),
    KS(ASINH, 0, {9, 0, T_F, 0}),
    KS(ATAN, 0, {7, 0, T_F, 0}),
    KS(ATANH, 0, {9, 0, T_F, 0}),
    KS(ATTENTION, 0, {23, 0, T_FH, 0}),
    KS(AVERAGE_POOL, 0, {7, 0, T_F, 0}),
    KS(BATCH_NORMALIZATION, 0, {7, 0, T_FD, 0}),
    KS(BIT_SHIFT, 0, {11, 0, TB(U8) | TB(U32) | TB(U64), 0}),
    KS(BITWISE_AND, 0, {18, 0, T_IBITS, 0}),
    KS(BITWISE_NOT, 0, {18, 0, T_IBITS, 0}),
    KS(BITWISE_OR, 0, {18, 0, T_IBITS, 0}),
    KS(BITWISE_XOR, 0, {18, 0, T_IBITS, 0}),
    KS(CAST, 0, {6, 0, T_ALL4, T_ALL4}),
    KS(CEIL, 0, {6, 0, T_FD, 0}),
    KS(CELU, 0, {12, 0, T_F, 0}),
    KS(CLIP, 0, {6, 11, T_F, 0}, {12, 0, T_MINMAX, 0}),
    KS(COMPRESS, 0, {9, 0, T_ALL, 0}),
    KS(CONCAT, 0, {4, 0, T_ALL, 0}),
    KS(CONSTANT_OF_SHAPE, ORT_OUT0, {9, 0, T_ALL & ~TB(STRING), 0}),
    KS(CONV, 0, {1, 0, T_F, 0}),
    KS(CONV_INTEGER, 0, {10, 0, T_QU, 0}),
    KS(CONV_TRANSPOSE, 0, {1, 0, T_F, 0}),
    KS(COS, 0, {7, 0, T_F, 0}),
    KS(COSH, 0, {9, 0, T_F, 0}),
    KS(CUM_SUM, 0, {11, 0, T_RED, 0}),
    KS(DEPTH_TO_SPACE, 0, {1, 10, T_FD, 0}, {11, 0, T_FD | TB(U8), 0}),
    KS(DEQUANTIZE_LINEAR, 0, {10, 18, TB(I32) | T_QU, T_F}, {19, 20, TB(I32) | T_QU, T_FH},
       {21, 0, TB(I32) | T_QU | TB(I16) | TB(U16) | TB(I4) | TB(U4), T_FH}),
    KS(DET, 0, {11, 0, T_F, 0}),
    KS(DIV, 0, {7, 13, T_NUM6, 0}, {14, 0, T_NUM10, 0}),
    KS(DROPOUT, 0, {7, 11, T_FDH, 0}, {12, 0, T_FD, 0}),
    KS(DYNAMIC_QUANTIZE_LINEAR, 0, {11, 0, T_F, TB(U8)}),
    KS(EINSUM, 0, {12, 0, T_RED, 0}),
    KS(ELU, 0, {6, 0, T_F, 0}),
    KS(EQUAL, 0, {7, 10, TB(BOOL) | T_FD | TB(I32) | TB(I64), 0}, {11, 18, TB(BOOL) | T_NUM10, 0},
       {19, 0, TB(BOOL) | T_NUM10 | TB(STRING), 0}),
    KS(ERF, 0, {9, 0, T_F, 0}),
    KS(EXP, 0, {6, 0, T_FD, 0}),
    KS(EXPAND, 0, {8, 0, T_NOHALF | TB(F16), 0}),
    KS(EYE_LIKE, 0, {9, 0, T_FD | TB(I32) | TB(I64) | TB(U64), 0}),
    KS(FLATTEN, 0, {1, 0, T_ALL, 0}),
    KS(FLOOR, 0, {6, 0, T_FD, 0}),
    KS(GRU, 0, {7, 0, T_FD, 0}),
    KS(GATHER, 0, {1, 0, T_ALL, 0}),
    KS(GATHER_ELEMENTS, 0, {11, 0, T_ALL, 0}),
    KS(GATHER_ND, 0, {11, 0, T_ALL, 0}),
    KS(GELU, 0, {20, 0, T_F, 0}),
    KS(GEMM, 0, {7, 0, T_FD, 0}),
    KS(GLOBAL_AVERAGE_POOL, 0, {1, 0, T_F, 0}),
    KS(GLOBAL_LP_POOL, 0, {2, 0, T_F, 0}),
    KS(GLOBAL_MAX_POOL, 0, {1, 0, T_F, 0}),
    KS(GREATER, 0, {7, 8, T_FD, 0}, {9, 0, T_NUM10, 0}),
    KS(GREATER_OR_EQUAL, 0, {12, 0, T_NUM10, 0}),
    KS(GRID_SAMPLE, 0, {16, 19, T_F, 0}, {20, 0, T_FD, 0}),
    KS(HARD_SIGMOID, 0, {6, 0, T_F, 0}),
    KS(HARDMAX, 0, {1, 0, T_F, 0}),
    KS(IDENTITY, 0, {1, 0, T_ALL, 0}),
    KS(IF, 0, {1, 0, 0, 0}),
    KS(INSTANCE_NORMALIZATION, 0, {6, 0, T_F, 0}),
    KS(IS_INF, 0, {10, 19, T_FD, 0}, {20, 0, T_FDH | TB(BF16), 0}),
    KS(IS_NA_N, 0, {9, 19, T_FDH, 0}, {20, 0, T_FDH | TB(BF16), 0}),
    KS(LRN, 0, {1, 0, T_F, 0}),
    KS(LSTM, 0, {7, 0, T_FD, 0}),
    KS(LAYER_NORMALIZATION, 0, {1, 0, T_FDH, 0}),
    KS(LEAKY_RELU, 0, {6, 0, T_F, 0}),
    KS(LESS, 0, {7, 8, T_FD, 0}, {9, 0, T_NUM10, 0}),
    KS(LESS_OR_EQUAL, 0, {12, 0, T_NUM10, 0}),
    KS(LOG, 0, {6, 0, T_FD, 0}),
    KS(LOG_SOFTMAX, 0, {1, 0, T_FD, 0}),
    KS(LOOP, 0, {1, 0, 0, 0}),
    KS(LP_NORMALIZATION, 0, {1, 0, T_FD, 0}),
    KS(LP_POOL, 0, {2, 0, T_F, 0}),
    KS(MAT_MUL, 0, {1, 8, T_FD, 0}, {9, 0, T_NUM6, 0}),
    KS(MAT_MUL_INTEGER, 0, {10, 0, T_QU, 0}),
    KS(MAX, 0, {6, 7, T_F, 0}, {8, 11, T_FD, 0}, {12, 0, T_MINMAX, 0}),
    KS(MAX_POOL, 0, {1, 7, T_F, 0}, {8, 11, T_FD, 0}, {12, 0, T_FD | T_QU, 0}),
    KS(MAX_ROI_POOL, 0, {1, 0, T_F, 0}),
    KS(MAX_UNPOOL, 0, {9, 0, T_F, 0}),
    KS(MEAN, 0, {6, 0, T_F, 0}),
    KS(MEAN_VARIANCE_NORMALIZATION, 0, {1, 0, T_F, 0}),
    KS(MIN, 0, {6, 7, T_F, 0}, {8, 11, T_FD, 0}, {12, 0, T_MINMAX, 0}),
    KS(MOD, 0, {10, 0, T_NUM10 | TB(F16), 0}),
    KS(MUL, 0, {7, 13, T_NUM6, 0}, {14, 0, T_NUM10, 0}),
    KS(NEG, 0, {6, 0, T_FD | TB(I8) | TB(I16) | TB(I32) | TB(I64), 0}),
    KS(NON_MAX_SUPPRESSION, 0, {10, 0, 0, 0}),
    KS(NON_ZERO, 0, {9, 0, TB(BOOL) | T_F | TB(I32) | TB(I64) | TB(U8), 0}),
    KS(NOT, 0, {1, 0, TB(BOOL), 0}),
    KS(ONE_HOT, 0, {9, 0, T_F | TB(I32) | TB(I64), 0}),
    KS(OR, 0, {7, 0, TB(BOOL), 0}),
    KS(P_RELU, 0, {7, 0, T_F, 0}),
    KS(PAD, 0, {2, 10, T_FD, 0}, {11, 12, T_NUM6 | T_QU, 0}, {13, 0, T_NUM6 | T_QU | TB(BOOL), 0}),
    KS(POW, 0, {7, 11, T_FD, 0}, {12, 0, T_RED, 0}),
    KS(Q_LINEAR_CONV, 0, {10, 0, T_QU, 0}),
    KS(Q_LINEAR_MAT_MUL, 0, {10, 0, T_QU, 0}),
    KS(QUANTIZE_LINEAR, 0, {10, 18, T_F, T_QU}, {19, 20, T_FH, T_QU},
       {21, 0, T_FH, T_QU | TB(I16) | TB(U16) | TB(I4) | TB(U4)}),
    KS(RMS_NORMALIZATION, 0, {23, 0, T_FDH, 0}),
    KS(RNN, 0, {7, 0, T_F, 0}),
    KS(RANGE, 0, {11, 0, T_FD | TB(I16) | TB(I32) | TB(I64), 0}),
    KS(RECIPROCAL, 0, {6, 0, T_FD, 0}),
    KS(REDUCE_L1, 0, {1, 0, T_RED, 0}),
    KS(REDUCE_L2, 0, {1, 0, T_RED, 0}),
    KS(REDUCE_LOG_SUM, 0, {1, 0, T_RED, 0}),
    KS(REDUCE_LOG_SUM_EXP, 0, {1, 0, T_RED, 0}),
    KS(REDUCE_MAX, 0, {1, 11, T_RED, 0}, {12, 19, T_RED | T_QU, 0},
       {20, 0, T_RED | T_QU | TB(BOOL), 0}),
    KS(REDUCE_MEAN, 0, {1, 0, T_RED, 0}),
    KS(REDUCE_MIN, 0, {1, 11, T_RED, 0}, {12, 19, T_RED | T_QU, 0},
       {20, 0, T_RED | T_QU | TB(BOOL), 0}),
    KS(REDUCE_PROD, 0, {1, 0, T_RED, 0}),
    KS(REDUCE_SUM, 0, {1, 0, T_RED, 0}),
    KS(REDUCE_SUM_SQUARE, 0, {1, 0, T_RED, 0}),
    KS(RELU, 0, {6, 13, T_FD, 0}, {14, 0, T_FD | TB(I32) | TB(I8), 0}),
    KS(RESHAPE, 0, {1, 0, T_ALL, 0}),
    KS(RESIZE, 0, {10, 0, T_F | TB(I32) | T_QU, 0}),
    KS(REVERSE_SEQUENCE, 0, {10, 0, T_ALL, 0}),
    KS(ROI_ALIGN, 0, {10, 0, T_FD, 0}),
    KS(ROUND, 0, {11, 0, T_FDH, 0}),
    KS(SCAN, 0, {8, 0, 0, 0}),
    KS(SCATTER, 0, {9, 10, T_ALL, 0}),
    KS(SCATTER_ELEMENTS, 0, {11, 0, T_ALL, 0}),
    KS(SCATTER_ND, 0, {11, 0, T_ALL, 0}),
    KS(SELU, 0, {6, 0, T_F, 0}),
    KS(SHAPE, 0, {1, 0, T_ALL, 0}),
    KS(SHRINK, 0, {9, 0, T_NUMH, 0}),
    KS(SIGMOID, 0, {6, 0, T_FD, 0}),
    KS(SIGN, 0, {9, 0, T_NUMH, 0}),
    KS(SIN, 0, {7, 0, T_FD, 0}),
    KS(SINH, 0, {9, 0, T_F, 0}),
    KS(SIZE, 0, {1, 0, T_NOHALF, 0}),
    KS(SLICE, 0, {1, 0, T_ALL, 0}),
    KS(SOFTMAX, 0, {1, 0, T_FD, 0}),
    KS(SOFTPLUS, 0, {1, 0, T_F, 0}),
    KS(SOFTSIGN, 0, {1, 0, T_F, 0}),
    KS(SPACE_TO_DEPTH, 0, {1, 0, T_FD, 0}),
    KS(SPLIT, 0, {2, 0, T_ALL, 0}),
    KS(SQRT, 0, {6, 0, T_FD, 0}),
    KS(SQUEEZE, 0, {1, 0, T_ALL, 0}),
    KS(SUB, 0, {7, 13, T_NUM6, 0}, {14, 0, T_NUM10, 0}),
    KS(SUM, 0, {6, 0, T_FD, 0}),
    KS(TAN, 0, {7, 0, T_F, 0}),
    KS(TANH, 0, {6, 0, T_FD, 0}),
    KS(THRESHOLDED_RELU, 0, {1, 0, T_F, 0}),
    KS(TILE, 0, {6, 0, T_NOHALF, 0}),
    KS(TOP_K, 0, {1, 10, T_FD, 0}, {11, 0, T_RED, 0}),
    KS(TRANSPOSE, 0, {1, 20, T_ALL, 0}, {21, 0, T_ALL4, 0}),
    KS(TRILU, 0, {14, 0, TB(BOOL) | T_FD | TB(I64), 0}),
    KS(UNIQUE, 0, {11, 0, T_FD | TB(I64) | TB(I8) | TB(STRING), 0}),
    KS(UNSQUEEZE, 0, {1, 0, T_ALL, 0}),
    KS(UPSAMPLE, 0, {7, 9, T_F | TB(I32) | T_QU, 0}),
    KS(WHERE, 1, {9, 0, T_FD | TB(I32) | TB(I64) | TB(STRING) | TB(U8), 0}),
    KS(XOR, 0, {7, 0, TB(BOOL), 0}),
};

/* ---- the kernel rule ---- */

static const char *types_text(uint32_t mask, char *buf, int cap)
{
    int k = 0;
    buf[0] = 0;
    for (int d = 1; d < IR_DTYPE_COUNT && k < cap; d++)
        if (mask & (1u << d))
            k += snprintf(buf + k, (size_t)(cap - k), "%s%s", k ? ", " : "",
                          ir_dtype_name((enum ir_dtype)d));
    return buf;
}

static const struct ort_range *range_for(const struct ort_kernels *ks, int64_t opset)
{
    const struct ort_range *last = NULL;
    for (int i = 0; i < 3 && ks->r[i].since; i++) {
        last = &ks->r[i];
        if (opset >= ks->r[i].since && (!ks->r[i].until || opset <= ks->r[i].until))
            return &ks->r[i];
    }
    return opset <= 0 ? last : NULL; /* opset unknown: the newest kernel */
}

/* The element type of t against a kernel's list: true when it decided. */
static bool dtype_verdict(const struct check_node *c, const struct ir_tensor *t, const char *what,
                          uint32_t allowed, struct check_verdict *v)
{
    if (!t || !allowed || t->dtype == IR_UNDEFINED || (allowed & (1u << t->dtype))) return false;
    const char *op = ir_op_name(c->n->op);
    char list[200];
    types_text(allowed, list, sizeof list);
    if (t->dtype == IR_F16 && (allowed & TB(F32))) {
        check_set(v, CHECK_SUBSTITUTED, "onnxruntime.kernel.float16",
                  "%s is float16; the CPU kernel for %s (opset %lld) takes %s: ORT's "
                  "InsertCastTransformer casts it to float32 and back",
                  what, op, (long long)c->opset, list);
        v->substitute = "float32 computation between inserted Cast nodes";
        return true;
    }
    return check_set(v, CHECK_UNSUPPORTED, "onnxruntime.kernel.dtype",
                     "%s is %s; the CPU kernel for %s (opset %lld) takes %s only: session "
                     "creation fails with NOT_IMPLEMENTED",
                     what, ir_dtype_name(t->dtype), op, (long long)c->opset, list);
}

static bool ort_kernel(const struct check_node *c, struct check_verdict *v)
{
    const struct ort_kernels *ks = &kernels[c->n->op];
    if (!ks->r[0].since) return false;
    const char *op = ir_op_name(c->n->op);
    const struct ort_range *r = range_for(ks, c->opset);
    if (!r) {
        int last = 0;
        for (int i = 0; i < 3 && ks->r[i].since; i++)
            last = ks->r[i].until;
        if (c->opset < ks->r[0].since)
            return check_set(v, CHECK_UNSUPPORTED, "onnxruntime.kernel.opset",
                             "%s at opset %lld: the CPU EP's first %s kernel is for opset %d", op,
                             (long long)c->opset, op, ks->r[0].since);
        return check_set(v, CHECK_UNSUPPORTED, "onnxruntime.kernel.opset",
                         "%s at opset %lld: the CPU EP registers %s for opsets %d-%d only", op,
                         (long long)c->opset, op, ks->r[0].since, last);
    }
    char what[96];
    const struct ir_tensor *t;
    if (ks->arg == ORT_OUT0) {
        t = rule_output(c->n, 0);
        snprintf(what, sizeof what, "output 0");
    } else {
        t = rule_input(c->n, ks->arg);
        snprintf(what, sizeof what, "input %d", ks->arg);
    }
    if (dtype_verdict(c, t, what, r->types, v)) return true;
    return dtype_verdict(c, rule_output(c->n, 0), "output 0", r->out, v);
}

/* ---- ops ferry's IR does not model ---- */

/* clang-format off */
/* ai.onnx ops with a CPU kernel that are not IR ops (including the former
 * experimental ops ORT still registers in the default domain). */
static const char *const onnx_kernels[] = {
    "Affine",                       "AffineGrid",
    "BlackmanWindow",               "Col2Im",
    "ConcatFromSequence",           "Crop",
    "DFT",                          "DynamicSlice",
    "HammingWindow",                "HannWindow",
    "ImageScaler",                  "MelWeightMatrix",
    "Multinomial",                  "Optional",
    "OptionalGetElement",           "OptionalHasElement",
    "ParametricSoftplus",           "RandomNormal",
    "RandomNormalLike",             "RandomUniform",
    "RandomUniformLike",            "RegexFullMatch",
    "RotaryEmbedding",              "STFT",
    "Scale",                        "ScaledTanh",
    "SequenceAt",                   "SequenceConstruct",
    "SequenceEmpty",                "SequenceErase",
    "SequenceInsert",               "SequenceLength",
    "SimplifiedLayerNormalization", "SplitToSequence",
    "StringConcat",                 "StringNormalizer",
    "StringSplit",                  "TensorScatter",
    "TfIdfVectorizer",
};
/* ai.onnx function ops without a CPU kernel: ORT inlines their body. */
static const char *const onnx_functions[] = {
    "Bernoulli",                 "CenterCropPad",             "NegativeLogLikelihoodLoss",
    "SequenceMap",               "SoftmaxCrossEntropyLoss",
};
static const char *const ml_kernels[] = {
    "ArrayFeatureExtractor",  "Binarizer",              "CastMap",
    "CategoryMapper",         "DictVectorizer",         "FeatureVectorizer",
    "Imputer",                "LabelEncoder",           "LinearClassifier",
    "LinearRegressor",        "Normalizer",             "OneHotEncoder",
    "SVMClassifier",          "SVMRegressor",           "Scaler",
    "TreeEnsemble",           "TreeEnsembleClassifier", "TreeEnsembleRegressor",
    "ZipMap",
};
static const char *const ms_kernels[] = {
    "Attention",                        "AttnLSTM",
    "BeamSearch",                       "BiasGelu",
    "BifurcationDetector",              "CDist",
    "ConvTransposeWithDynamicPads",     "CropAndResize",
    "DecoderMaskedMultiHeadAttention",  "DequantizeLinear",
    "DynamicQuantizeLSTM",              "DynamicQuantizeMatMul",
    "DynamicTimeWarping",               "EmbedLayerNormalization",
    "ExpandDims",                       "FastGelu",
    "FusedConv",                        "FusedGemm",
    "FusedMatMul",                      "GatherBlockQuantized",
    "GatherND",                         "Gelu",
    "GreedySearch",                     "GridSample",
    "GroupQueryAttention",              "Inverse",
    "MatMulBnb4",                       "MatMulFpQ4",
    "MatMulInteger16",                  "MatMulIntegerToFloat",
    "MatMulNBits",                      "MaxpoolWithMask",
    "MoE",                              "MultiHeadAttention",
    "MurmurHash3",                      "NGramRepeatBlock",
    "NhwcMaxPool",                      "Pad",
    "QAttention",                       "QEmbedLayerNormalization",
    "QGemm",                            "QLinearAdd",
    "QLinearAveragePool",               "QLinearConcat",
    "QLinearConv",                      "QLinearGlobalAveragePool",
    "QLinearLeakyRelu",                 "QLinearMul",
    "QLinearSigmoid",                   "QLinearSoftmax",
    "QLinearWhere",                     "QMoE",
    "QuantizeLinear",                   "QuickGelu",
    "Range",                            "RotaryEmbedding",
    "SampleOp",                         "Sampling",
    "SkipLayerNormalization",           "SkipSimplifiedLayerNormalization",
    "SparseAttention",                  "SparseToDenseMatMul",
    "Tokenizer",                        "TransposeMatMul",
    "Trilu",                            "UnfoldTensor",
    "Unique",                           "WhisperBeamSearch",
    "WordConvEmbedding",
};
/* Layout ops ORT's own NCHWc transformer writes into optimized models. */
static const char *const nchwc_kernels[] = {
    "AveragePool",       "Conv",              "GlobalAveragePool", "GlobalMaxPool",
    "MaxPool",           "ReorderInput",      "ReorderOutput",     "Upsample",
};

/* clang-format on */

#define NAMES(a) a, (int)(sizeof a / sizeof a[0])

static bool name_in(const char *name, const char *const *list, int n)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(list[i], name)) return true;
    return false;
}

static const struct {
    const char *domain;
    const char *const *names;
    int count;
    const char *what;
} domains[] = {
    {"ai.onnx.ml", NAMES(ml_kernels), "ai.onnx.ml kernel"},
    {"com.microsoft", NAMES(ms_kernels), "com.microsoft contrib kernel"},
    {"com.microsoft.nchwc", NAMES(nchwc_kernels), "NCHWc layout kernel"},
};

static bool ort_opaque(const struct check_node *c, struct check_verdict *v)
{
    const char *dom = c->n->domain ? c->n->domain : "";
    const char *op = c->n->op_type ? c->n->op_type : "";
    if (!*dom || !strcmp(dom, "ai.onnx")) {
        if (name_in(op, NAMES(onnx_kernels)))
            return check_set(v, CHECK_NATIVE, "onnxruntime.opaque.kernel",
                             "ai.onnx %s: the CPU EP registers a kernel for it", op);
        if (name_in(op, NAMES(onnx_functions))) {
            check_set(v, CHECK_SUBSTITUTED, "onnxruntime.opaque.function",
                      "ai.onnx %s: no CPU kernel; ORT inlines its ONNX function body", op);
            v->substitute = "the op's ONNX function body";
            return true;
        }
        return check_set(v, CHECK_UNSUPPORTED, "onnxruntime.opaque.onnx",
                         "ai.onnx %s: no CPU kernel and no function body in this snapshot "
                         "(kernels go to opset 25)",
                         op);
    }
    for (size_t i = 0; i < sizeof domains / sizeof domains[0]; i++) {
        if (strcmp(dom, domains[i].domain)) continue;
        if (name_in(op, domains[i].names, domains[i].count))
            return check_set(v, CHECK_NATIVE, "onnxruntime.opaque.kernel", "%s %s: CPU %s", dom, op,
                             domains[i].what);
        return check_set(v, CHECK_UNSUPPORTED, "onnxruntime.opaque.domain",
                         "%s %s: the CPU EP has no kernel of that name in this domain", dom, op);
    }
    return check_set(v, CHECK_UNSUPPORTED, "onnxruntime.opaque.custom",
                     "%s::%s: no kernel; register a custom op library that implements it "
                     "(SessionOptions.register_custom_ops_library)",
                     dom, op);
}

/* ---- rows ---- */

#define K(OP, WHY) TARGET_RULE(OP, NATIVE, "CPU kernel: " WHY, ort_kernel)
#define FN(OP, WHY, INTO)                                                                          \
    TARGET_SUBST(OP, "no CPU kernel; a function op, so ORT inlines its ONNX body (" WHY ")", INTO)

static const struct target_row rows[IR_OP_COUNT] = {
    TARGET_RULE(OPAQUE, UNSUPPORTED,
                "decided by domain: ai.onnx ops with a kernel, ai.onnx.ml and com.microsoft "
                "kernels run; other domains need a custom op library",
                ort_opaque),
    K(ABS, "opset 6+, numeric types"),
    K(ACOS, "opset 7+, float32 only"),
    K(ACOSH, "opset 9+, float32 only"),
    K(ADD, "opset 7+; int8/int16/uint8/uint16 from opset 14"),
    K(AND, "opset 7+, bool"),
    K(ARG_MAX, "opset 1+; float32, float64, int32, int64, int8, uint8"),
    K(ARG_MIN, "opset 1+; float32, float64, int32, int64, int8, uint8"),
    K(ASIN, "opset 7+, float32 only"),
    K(ASINH, "opset 9+, float32 only"),
    K(ATAN, "opset 7+, float32 only"),
    K(ATANH, "opset 9+, float32 only"),
    K(ATTENTION, "opset 23+; float32, float16"),
    K(AVERAGE_POOL, "opset 7+, float32 only"),
    K(BATCH_NORMALIZATION, "opset 7+; float32, float64"),
    K(BIT_SHIFT, "opset 11+; uint8, uint32, uint64"),
    K(BITWISE_AND, "opset 18+, integer types"),
    K(BITWISE_NOT, "opset 18+, integer types"),
    K(BITWISE_OR, "opset 18+, integer types"),
    K(BITWISE_XOR, "opset 18+, integer types"),
    K(CAST, "opset 6+, every tensor type but complex"),
    FN(CAST_LIKE, "Operators.md: function", "Cast to the second input's element type"),
    K(CEIL, "opset 6+; float32, float64"),
    K(CELU, "opset 12+, float32 only"),
    K(CLIP, "opsets 6-11 float32; 12+ adds float64, float16 and integer types"),
    K(COMPRESS, "opset 9+, every standard type"),
    K(CONCAT, "opset 4+, every standard type"),
    TARGET_ROW(CONSTANT, NATIVE,
               "no kernel needed: ORT turns Constant nodes into initializers when it loads the "
               "graph"),
    K(CONSTANT_OF_SHAPE, "opset 9+, every standard type but string"),
    K(CONV, "opset 1+, float32 only"),
    K(CONV_INTEGER, "opset 10+; int8, uint8"),
    K(CONV_TRANSPOSE, "opset 1+, float32 only"),
    K(COS, "opset 7+, float32 only"),
    K(COSH, "opset 9+, float32 only"),
    K(CUM_SUM, "opset 11+; float32, float64, int32, int64"),
    TARGET_ROW(DEFORM_CONV, UNSUPPORTED,
               "no CPU kernel in OperatorKernels.md, and DeformConv is not a function op, so "
               "nothing expands it"),
    K(DEPTH_TO_SPACE, "opset 1+; float32, float64 (uint8 from 11)"),
    K(DEQUANTIZE_LINEAR, "opset 10+; int8, uint8, int32 (int16, uint16, int4, uint4 from 21)"),
    K(DET, "opset 11+, float32 only"),
    K(DIV, "opset 7+; int8/int16/uint8/uint16 from opset 14"),
    K(DROPOUT, "opset 7+; float32, float64 (float16 at opsets 7-11)"),
    K(DYNAMIC_QUANTIZE_LINEAR, "opset 11+, float32 to uint8"),
    K(EINSUM, "opset 12+; float32, float64, int32, int64"),
    K(ELU, "opset 6+, float32 only"),
    K(EQUAL, "opset 7+; numeric and bool (string from 19)"),
    K(ERF, "opset 9+, float32 only"),
    K(EXP, "opset 6+; float32, float64"),
    K(EXPAND, "opset 8+, every standard type but bfloat16"),
    K(EYE_LIKE, "opset 9+; float32, float64, int32, int64, uint64"),
    K(FLATTEN, "opset 1+, every standard type"),
    K(FLOOR, "opset 6+; float32, float64"),
    K(GRU, "opset 7+; float32, float64"),
    K(GATHER, "opset 1+, every standard type"),
    K(GATHER_ELEMENTS, "opset 11+, every standard type"),
    K(GATHER_ND, "opset 11+, every standard type"),
    K(GELU, "opset 20+, float32 only"),
    K(GEMM, "opset 7+; float32, float64"),
    K(GLOBAL_AVERAGE_POOL, "opset 1+, float32 only"),
    K(GLOBAL_LP_POOL, "opset 2+, float32 only"),
    K(GLOBAL_MAX_POOL, "opset 1+, float32 only"),
    K(GREATER, "opset 7+; float32, float64 (integer types from 9)"),
    K(GREATER_OR_EQUAL, "opset 12+, numeric types"),
    K(GRID_SAMPLE, "opset 16+, float32 (float64 from 20)"),
    FN(GROUP_NORMALIZATION, "Operators.md: function",
       "reshape to groups, mean/variance normalisation, per-channel scale and bias"),
    K(HARD_SIGMOID, "opset 6+, float32 only"),
    FN(HARD_SWISH, "Operators.md: function; onnxruntime#21699", "x * HardSigmoid(x, 1/6, 0.5)"),
    K(HARDMAX, "opset 1+, float32 only"),
    K(IDENTITY, "opset 1+, every type"),
    K(IF, "opset 1+, any branch types"),
    K(INSTANCE_NORMALIZATION, "opset 6+, float32 only"),
    K(IS_INF, "opset 10+; float32, float64 (float16, bfloat16 from 20)"),
    K(IS_NA_N, "opset 9+; float32, float64, float16 (bfloat16 from 20)"),
    K(LRN, "opset 1+, float32 only"),
    K(LSTM, "opset 7+; float32, float64"),
    K(LAYER_NORMALIZATION, "opset 1+ (a contrib kernel below 17); float32, float64, float16"),
    K(LEAKY_RELU, "opset 6+, float32 only"),
    K(LESS, "opset 7+; float32, float64 (integer types from 9)"),
    K(LESS_OR_EQUAL, "opset 12+, numeric types"),
    K(LOG, "opset 6+; float32, float64"),
    K(LOG_SOFTMAX, "opset 1+; float32, float64"),
    K(LOOP, "opset 1+, any loop-carried types"),
    K(LP_NORMALIZATION, "opset 1+; float32, float64"),
    K(LP_POOL, "opset 2+, float32 only"),
    K(MAT_MUL, "opset 1+; float32, float64 (int32, int64, uint32, uint64 from 9)"),
    K(MAT_MUL_INTEGER, "opset 10+; int8, uint8"),
    K(MAX, "opset 6+; float32 (float64 from 8; float16 and integers from 12)"),
    K(MAX_POOL, "opset 1+; float32 (float64 from 8; int8, uint8 from 12)"),
    K(MAX_ROI_POOL, "opset 1+, float32 only"),
    K(MAX_UNPOOL, "opset 9+, float32 only"),
    K(MEAN, "opset 6+, float32 only"),
    K(MEAN_VARIANCE_NORMALIZATION, "opset 1+, float32 only"),
    K(MIN, "opset 6+; float32 (float64 from 8; float16 and integers from 12)"),
    FN(MISH, "Operators.md: function", "x * Tanh(Softplus(x))"),
    K(MOD, "opset 10+, numeric types and float16"),
    K(MUL, "opset 7+; int8/int16/uint8/uint16 from opset 14"),
    K(NEG, "opset 6+; float32, float64, signed integers"),
    K(NON_MAX_SUPPRESSION,
      "opsets 10 and 11+ (registered with fixed float32/int64 types, so the generated "
      "table omits it; cpu_execution_provider.cc)"),
    K(NON_ZERO, "opset 9+; bool, float32, int32, int64, uint8"),
    K(NOT, "opset 1+, bool"),
    K(ONE_HOT, "opset 9+; indices float32, int32, int64"),
    K(OR, "opset 7+, bool"),
    K(P_RELU, "opset 7+, float32 only"),
    K(PAD, "opset 2+; float32, float64 (integers from 11, bool from 13)"),
    K(POW, "opset 7+; float32, float64 (int32, int64 from 12)"),
    K(Q_LINEAR_CONV, "opset 10+; int8, uint8"),
    K(Q_LINEAR_MAT_MUL, "opset 10+; int8, uint8"),
    K(QUANTIZE_LINEAR, "opset 10+; float32 in (float16 from 19), int8/uint8 out (int16, "
                       "uint16, int4, uint4 from 21)"),
    K(RMS_NORMALIZATION, "opset 23+; float32, float64, float16"),
    K(RNN, "opset 7+, float32 only"),
    K(RANGE, "opset 11+; float32, float64, int16, int32, int64"),
    K(RECIPROCAL, "opset 6+; float32, float64"),
    K(REDUCE_L1, "opset 1+; float32, float64, int32, int64"),
    K(REDUCE_L2, "opset 1+; float32, float64, int32, int64"),
    K(REDUCE_LOG_SUM, "opset 1+; float32, float64, int32, int64"),
    K(REDUCE_LOG_SUM_EXP, "opset 1+; float32, float64, int32, int64"),
    K(REDUCE_MAX, "opset 1+; float32, float64, int32, int64 (int8, uint8 from 12; bool from 20)"),
    K(REDUCE_MEAN, "opset 1+; float32, float64, int32, int64"),
    K(REDUCE_MIN, "opset 1+; float32, float64, int32, int64 (int8, uint8 from 12; bool from 20)"),
    K(REDUCE_PROD, "opset 1+; float32, float64, int32, int64"),
    K(REDUCE_SUM, "opset 1+; float32, float64, int32, int64"),
    K(REDUCE_SUM_SQUARE, "opset 1+; float32, float64, int32, int64"),
    K(RELU, "opset 6+; float32, float64 (int32, int8 from 14)"),
    K(RESHAPE, "opset 1+, every standard type"),
    K(RESIZE, "opset 10+; float32, int32, int8, uint8 (no float64)"),
    K(REVERSE_SEQUENCE, "opset 10+, every standard type"),
    K(ROI_ALIGN, "opset 10+; float32, float64"),
    K(ROUND, "opset 11+; float32, float64, float16"),
    K(SCAN, "opset 8+, any state types"),
    K(SCATTER, "opsets 9-10 only (deprecated at 11: use ScatterElements)"),
    K(SCATTER_ELEMENTS, "opset 11+, every standard type"),
    K(SCATTER_ND, "opset 11+, every standard type"),
    K(SELU, "opset 6+, float32 only"),
    K(SHAPE, "opset 1+, every standard type"),
    K(SHRINK, "opset 9+, numeric types"),
    K(SIGMOID, "opset 6+; float32, float64"),
    K(SIGN, "opset 9+, numeric types"),
    K(SIN, "opset 7+; float32, float64"),
    K(SINH, "opset 9+, float32 only"),
    K(SIZE, "opset 1+, every standard type but float16 and bfloat16"),
    K(SLICE, "opset 1+, every standard type"),
    K(SOFTMAX, "opset 1+; float32, float64"),
    K(SOFTPLUS, "opset 1+, float32 only"),
    K(SOFTSIGN, "opset 1+, float32 only"),
    K(SPACE_TO_DEPTH, "opset 1+; float32, float64"),
    K(SPLIT, "opset 2+, every standard type"),
    K(SQRT, "opset 6+; float32, float64"),
    K(SQUEEZE, "opset 1+, every standard type"),
    K(SUB, "opset 7+; int8/int16/uint8/uint16 from opset 14"),
    K(SUM, "opset 6+; float32, float64"),
    FN(SWISH, "Operators.md: function", "x * Sigmoid(alpha * x)"),
    K(TAN, "opset 7+, float32 only"),
    K(TANH, "opset 6+; float32, float64"),
    K(THRESHOLDED_RELU, "opset 1+, float32 only"),
    K(TILE, "opset 6+, every standard type but float16 and bfloat16"),
    K(TOP_K, "opset 1+; float32, float64 (int32, int64 from 11)"),
    K(TRANSPOSE, "opset 1+, every standard type (int4, uint4 from 21)"),
    K(TRILU, "opset 14+; bool, float32, float64, int64"),
    K(UNIQUE, "opset 11+; float32, float64, int64, int8, string"),
    K(UNSQUEEZE, "opset 1+, every standard type"),
    K(UPSAMPLE, "opsets 7-9 only (deprecated at 10: use Resize); float32, int32, int8, uint8"),
    K(WHERE, "opset 9+; X/Y float32, float64, int32, int64, uint8, string (no bool, no int8)"),
    K(XOR, "opset 7+, bool"),
    IR_OP_LIST_TFL(TARGET_ROW_TFLITE_NEEDS_ONNX)};
_Static_assert(sizeof rows / sizeof rows[0] == IR_OP_COUNT, "one row per IR op");

const struct target target_onnxruntime = {
    .name = "onnxruntime",
    .title = "ONNX Runtime CPU execution provider",
    .version = "ONNX Runtime main @001d12d (CPU kernels to opset 25)",
    .source = "microsoft/onnxruntime@001d12d2623fd411ce0f83d05abb5e82304a3389:"
              "docs/OperatorKernels.md (CPUExecutionProvider), with "
              "onnxruntime/core/providers/cpu/cpu_execution_provider.cc and "
              "onnxruntime/contrib_ops/cpu/cpu_contrib_kernels.cc for kernels the table omits",
    .takes = TARGET_TAKES_ONNX,
    .rows = rows,
    .model_rule = NULL,
    .partition = TARGET_PARTITION_NONE,
    .accelerator = NULL,
    .unknown = NULL,
};
