/* Target onnx-opsetN: what happens to each node when the model moves from
 * its own opset to ONNX opset N.
 *
 * The facts are ONNX's operator history: docs/Changelog.md of onnx/onnx
 * (main @f754691, 2026-08-22, opsets 1-28) lists every version of every
 * operator of the default domain; for opsets up to 17 the table below is
 * checked against Debian python3-onnx's schemas (tests/tools/
 * onnx_versions_check.py, run by tests/unit/test_target_opset.c).
 *
 * A node's definition at opset K is the version of its op with the largest
 * since_version <= K. For each ONNX op, `hist` lists those versions in
 * order, one `step` per version: the IR dtypes its type constraints allow
 * and what changed from the version before, classified as
 *   K_TYPES    only the types change: the node keeps its meaning; it stays
 *              native when its dtypes exist at N;
 *   K_DOC      only the wording changes (a restatement, a clarification);
 *   K_NEG      negative axis values become legal (going down, a negative
 *              axis must be made non-negative, which needs the rank);
 *   K_ADD      an attribute / optional input / output appears whose default
 *              keeps the old meaning (going down, a node using it cannot be
 *              expressed unless a rewrite is named);
 *   K_DEFAULT  an attribute loses its default (going up it is written out);
 *   K_OPTIONAL an input becomes optional (going down it is supplied);
 *   K_MOVE     attributes become inputs (Squeeze axes at 13, ReduceX axes at
 *              18, Split split at 13, Clip min/max at 11, Pad pads at 11,
 *              ...): the node is rewritten; going down the input must be a
 *              constant to become an attribute again;
 *   K_DROP     an attribute is removed (consumed_inputs at 6, is_test, ...);
 *   K_CHANGE   anything else: a rewrite, refined by a hook where the answer
 *              depends on the node (Softmax axis at 13, Resize modes at
 *              11/13, Split num_outputs at 18, GridSample modes at 20, ...);
 *   K_GONE     the op is deprecated from this version (Upsample at 10,
 *              Scatter at 11, GroupNormalization-18).
 * The rule walks the versions between the model's opset M and N (either
 * direction) and answers the worst: native when every change keeps the
 * node's meaning, substituted "rewritten as <Op>-<vN>" when the node must be
 * rewritten (the detail says what moves), unsupported when the node uses
 * something opset N cannot express. An op not defined at N (introduced
 * later, or deprecated) is substituted by a named decomposition or
 * replacement when one exists with ops of opset N (LayerNormalization ->
 * ReduceMean, Sub, Pow, ...), else unsupported. Ops of other domains are not
 * versioned by the ai.onnx opset: native. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "targets/rules.h"
#include "targets/target.h"

#define OPSET_MAX 28 /* the last opset the Changelog snapshot describes */

enum step_kind {
    K_NEW = 1,
    K_TYPES,
    K_DOC,
    K_NEG,
    K_ADD,
    K_DEFAULT,
    K_OPTIONAL,
    K_MOVE,
    K_DROP,
    K_CHANGE,
    K_GONE,
};

enum step_hook {
    H_NONE = 0,
    H_BCAST7,
    H_BCAST8,
    H_AUTOPAD,
    H_BN14,
    H_QAXIS,
    H_SOFTMAX13,
    H_RESIZE11,
    H_RESIZE13,
    H_SLICE10,
    H_SPLIT18,
    H_GRIDSAMPLE20,
    H_GROUPNORM21,
};

/* What a decomposition needs of the node. */
enum decomp_need {
    D_NONE = 0,
    D_CONST_ALL, /* every input constant (folds into a Constant) */
    D_CONST_1,   /* input 1 constant */
    D_STATIC,    /* static shapes */
    D_DTYPE1,    /* input 1's dtype known (CastLike) */
    D_GELU,      /* approximate picks the decomposition */
    D_RESIZE,    /* Resize as Upsample (opsets 7-9) */
    D_SCATTER,   /* ScatterElements as Scatter (opsets 9-10) */
};

/* One version of an op: since_version v and what changed from the one before.
 * arg (by kind): K_ADD a comma list of "name=default" (absent is the
 * default), "name" (absent is the default), "name=old/new" (the old
 * behaviour equals old; absent now means new), "name!a|b" (values a, b are
 * new), "#k" (optional input k), "^k" (optional output k); K_DEFAULT
 * "name:old"; K_OPTIONAL "#k"; K_MOVE "attr#k,..."; K_DROP the attribute;
 * K_GONE the replacement op. neg: attributes, or "#k" constant inputs, that
 * accept negative values from v. rewrite: how a node using what K_ADD adds
 * (or missing what K_OPTIONAL makes optional) is expressed below v. */
struct step {
    int v;
    enum step_kind kind;
    enum step_hook hook;
    uint32_t dt; /* IR dtypes allowed by the version's type constraints (union) */
    const char *arg, *neg, *what, *rewrite;
    const char *as; /* the substitute "rewritten as <Op>-<v>" */
};

#define MAX_STEPS 10
struct op_history {
    struct step s[MAX_STEPS];
    const char *decomp; /* what replaces the op before its first version */
    int decomp_min;     /* the opset the decomposition needs */
    enum decomp_need decomp_need;
};

#define B(x) (1u << IR_##x)
#define DT_FLT (B(F16) | B(F32) | B(F64))
#define DT_INT (B(I8) | B(U8) | B(I16) | B(U16) | B(I32) | B(U32) | B(I64) | B(U64))
#define DT_ALL (DT_FLT | DT_INT | B(BOOL) | B(STRING) | B(C64) | B(C128))
#define AS(op, v) "rewritten as " op "-" #v

#define COUNT_ONE(e, name) +1
#define ONNX_OP_END ((int)(1 IR_OP_LIST_ONNX(COUNT_ONE)))
_Static_assert(ONNX_OP_END == (int)IR_OP_TFL_ABS, "ONNX ops come first, after OPAQUE");
_Static_assert(IR_DTYPE_COUNT <= 32, "IR dtypes fit in a 32-bit mask");

/* Generated from docs/Changelog.md (versions, types) and annotated by hand
 * (kinds, what changed); tests/unit/test_target_opset.c checks versions and
 * types up to opset 17 against python onnx. */
static const struct op_history hist[ONNX_OP_END] = {
    [IR_OP_ABS] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("Abs", 1)},
        {.v = 6,
         .kind = K_DROP,
         .dt = DT_FLT | DT_INT,
         .arg = "consumed_inputs",
         .what = "drops the legacy consumed_inputs attribute",
         .as = AS("Abs", 6)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_FLT | DT_INT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Abs", 13)},
    }},
    [IR_OP_ACOS] = {{
        {.v = 7, .kind = K_NEW, .dt = DT_FLT, .as = AS("Acos", 7)},
        {.v = 22,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Acos", 22)},
    }},
    [IR_OP_ACOSH] = {{
                         {.v = 9, .kind = K_NEW, .dt = DT_FLT, .as = AS("Acosh", 9)},
                         {.v = 22,
                          .kind = K_TYPES,
                          .dt = DT_FLT | B(BF16),
                          .what = "adds bfloat16",
                          .as = AS("Acosh", 22)},
                     },
                     .decomp = "decomposed into Mul, Sub, Sqrt, Add, Log",
                     .decomp_min = 7,
                     .decomp_need = D_NONE},
    [IR_OP_ADD] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("Add", 1)},
        {.v = 6,
         .kind = K_DROP,
         .dt = DT_FLT | B(I32) | B(U32) | B(I64) | B(U64),
         .arg = "consumed_inputs",
         .what = "drops the legacy consumed_inputs attribute",
         .as = AS("Add", 6)},
        {.v = 7,
         .kind = K_CHANGE,
         .hook = H_BCAST7,
         .dt = DT_FLT | B(I32) | B(U32) | B(I64) | B(U64),
         .what = "the broadcast and axis attributes give way to numpy-style multidirectional "
                 "broadcasting",
         .as = AS("Add", 7)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16) | B(I32) | B(U32) | B(I64) | B(U64),
         .what = "adds bfloat16",
         .as = AS("Add", 13)},
        {.v = 14,
         .kind = K_TYPES,
         .dt = DT_FLT | DT_INT | B(BF16),
         .what = "adds int16, int8, uint16, uint8",
         .as = AS("Add", 14)},
    }},
    [IR_OP_AND] = {{
        {.v = 1, .kind = K_NEW, .dt = B(BOOL), .as = AS("And", 1)},
        {.v = 7,
         .kind = K_CHANGE,
         .hook = H_BCAST7,
         .dt = B(BOOL),
         .what = "the broadcast and axis attributes give way to numpy-style multidirectional "
                 "broadcasting",
         .as = AS("And", 7)},
    }},
    [IR_OP_ARG_MAX] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT | DT_INT, .as = AS("ArgMax", 1)},
        {.v = 11,
         .kind = K_NEG,
         .dt = DT_FLT | DT_INT,
         .neg = "axis",
         .what = "accepts negative axis values",
         .as = AS("ArgMax", 11)},
        {.v = 12,
         .kind = K_ADD,
         .dt = DT_FLT | DT_INT,
         .arg = "select_last_index=0",
         .what = "adds select_last_index (default 0: first index, as before)",
         .as = AS("ArgMax", 12)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_FLT | DT_INT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("ArgMax", 13)},
    }},
    [IR_OP_ARG_MIN] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT | DT_INT, .as = AS("ArgMin", 1)},
        {.v = 11,
         .kind = K_NEG,
         .dt = DT_FLT | DT_INT,
         .neg = "axis",
         .what = "accepts negative axis values",
         .as = AS("ArgMin", 11)},
        {.v = 12,
         .kind = K_ADD,
         .dt = DT_FLT | DT_INT,
         .arg = "select_last_index=0",
         .what = "adds select_last_index (default 0: first index, as before)",
         .as = AS("ArgMin", 12)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_FLT | DT_INT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("ArgMin", 13)},
    }},
    [IR_OP_ASIN] = {{
        {.v = 7, .kind = K_NEW, .dt = DT_FLT, .as = AS("Asin", 7)},
        {.v = 22,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Asin", 22)},
    }},
    [IR_OP_ASINH] = {{
                         {.v = 9, .kind = K_NEW, .dt = DT_FLT, .as = AS("Asinh", 9)},
                         {.v = 22,
                          .kind = K_TYPES,
                          .dt = DT_FLT | B(BF16),
                          .what = "adds bfloat16",
                          .as = AS("Asinh", 22)},
                     },
                     .decomp = "decomposed into Mul, Add, Sqrt, Add, Log",
                     .decomp_min = 7,
                     .decomp_need = D_NONE},
    [IR_OP_ATAN] = {{
        {.v = 7, .kind = K_NEW, .dt = DT_FLT, .as = AS("Atan", 7)},
        {.v = 22,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Atan", 22)},
    }},
    [IR_OP_ATANH] = {{
                         {.v = 9, .kind = K_NEW, .dt = DT_FLT, .as = AS("Atanh", 9)},
                         {.v = 22,
                          .kind = K_TYPES,
                          .dt = DT_FLT | B(BF16),
                          .what = "adds bfloat16",
                          .as = AS("Atanh", 22)},
                     },
                     .decomp = "decomposed into Add, Sub, Div, Log, Mul",
                     .decomp_min = 7,
                     .decomp_need = D_NONE},
    [IR_OP_ATTENTION] =
        {{
             {.v = 23,
              .kind = K_NEW,
              .dt = DT_FLT | DT_INT | B(BF16) | B(BOOL),
              .as = AS("Attention", 23)},
             {.v = 24,
              .kind = K_ADD,
              .dt = DT_FLT | DT_INT | B(BF16) | B(BOOL),
              .arg = "#6",
              .what = "adds the nonpad_kv_seqlen input",
              .as = AS("Attention", 24)},
             {.v = 25,
              .kind = K_ADD,
              .dt = DT_FLT | DT_INT | B(BF16) | B(BOOL),
              .arg = "left_window_size=-1,right_window_size=-1",
              .what = "adds left_window_size and right_window_size",
              .as = AS("Attention", 25)},
         },
         .decomp =
             "decomposed into MatMul, Mul, Add, Softmax, MatMul (Transpose/Reshape for the heads)",
         .decomp_min = 13,
         .decomp_need = D_NONE},
    [IR_OP_AVERAGE_POOL] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("AveragePool", 1)},
        {.v = 7,
         .kind = K_ADD,
         .dt = DT_FLT,
         .arg = "count_include_pad=0",
         .what = "adds count_include_pad (default 0: padding not counted, as before)",
         .as = AS("AveragePool", 7)},
        {.v = 10,
         .kind = K_ADD,
         .dt = DT_FLT,
         .arg = "ceil_mode=0",
         .what = "adds ceil_mode (default 0: floor, as before)",
         .as = AS("AveragePool", 10)},
        {.v = 11,
         .kind = K_DOC,
         .dt = DT_FLT,
         .what = "restates auto_pad SAME and the default strides; the meaning is unchanged",
         .as = AS("AveragePool", 11)},
        {.v = 19,
         .kind = K_ADD,
         .dt = DT_FLT,
         .arg = "dilations=1",
         .what = "adds dilations (default 1)",
         .as = AS("AveragePool", 19)},
        {.v = 22,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16),
         .what = "adds bfloat16; states that with ceil_mode a window starting in the right padding "
                 "is dropped",
         .as = AS("AveragePool", 22)},
    }},
    [IR_OP_BATCH_NORMALIZATION] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("BatchNormalization", 1)},
        {.v = 6,
         .kind = K_DROP,
         .dt = DT_FLT,
         .arg = "consumed_inputs",
         .what = "drops the legacy consumed_inputs attribute",
         .as = AS("BatchNormalization", 6)},
        {.v = 7,
         .kind = K_DROP,
         .dt = DT_FLT,
         .arg = "is_test",
         .what = "drops is_test (inference behaviour is the only one)",
         .as = AS("BatchNormalization", 7)},
        {.v = 9,
         .kind = K_DROP,
         .dt = DT_FLT,
         .arg = "spatial",
         .what = "drops spatial: mean and variance are always per channel",
         .as = AS("BatchNormalization", 9)},
        {.v = 14,
         .kind = K_CHANGE,
         .hook = H_BN14,
         .dt = DT_FLT | B(BF16),
         .what = "adds training_mode; the optional outputs become running_mean/running_var "
                 "(saved_mean/saved_var go)",
         .as = AS("BatchNormalization", 14)},
        {.v = 15,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16),
         .what = "scale/bias and mean/var get type constraints of their own",
         .as = AS("BatchNormalization", 15)},
    }},
    [IR_OP_BIT_SHIFT] = {{
        {.v = 11, .kind = K_NEW, .dt = B(U8) | B(U16) | B(U32) | B(U64), .as = AS("BitShift", 11)},
    }},
    [IR_OP_BITWISE_AND] = {{
        {.v = 18, .kind = K_NEW, .dt = DT_INT, .as = AS("BitwiseAnd", 18)},
    }},
    [IR_OP_BITWISE_NOT] = {{
        {.v = 18, .kind = K_NEW, .dt = DT_INT, .as = AS("BitwiseNot", 18)},
    }},
    [IR_OP_BITWISE_OR] = {{
        {.v = 18, .kind = K_NEW, .dt = DT_INT, .as = AS("BitwiseOr", 18)},
    }},
    [IR_OP_BITWISE_XOR] = {{
        {.v = 18, .kind = K_NEW, .dt = DT_INT, .as = AS("BitwiseXor", 18)},
    }},
    [IR_OP_CAST] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT | DT_INT | B(BOOL), .as = AS("Cast", 1)},
        {.v = 6,
         .kind = K_CHANGE,
         .dt = DT_FLT | DT_INT | B(BOOL),
         .what = "`to` changes from a type-name string to a TensorProto data-type code",
         .as = AS("Cast", 6)},
        {.v = 9,
         .kind = K_TYPES,
         .dt = DT_FLT | DT_INT | B(BOOL) | B(STRING),
         .what = "adds string",
         .as = AS("Cast", 9)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_FLT | DT_INT | B(BF16) | B(BOOL) | B(STRING),
         .what = "adds bfloat16",
         .as = AS("Cast", 13)},
        {.v = 19,
         .kind = K_TYPES,
         .dt = DT_FLT | DT_INT | B(BF16) | B(BOOL) | B(STRING),
         .what = "adds float8 types and saturate (which concerns float8 only)",
         .as = AS("Cast", 19)},
        {.v = 21,
         .kind = K_TYPES,
         .dt = DT_FLT | DT_INT | B(BF16) | B(BOOL) | B(I4) | B(U4) | B(STRING),
         .what = "adds int4, uint4",
         .as = AS("Cast", 21)},
        {.v = 23,
         .kind = K_TYPES,
         .dt = DT_FLT | DT_INT | B(BF16) | B(BOOL) | B(I4) | B(U4) | B(STRING),
         .what = "adds float4e2m1",
         .as = AS("Cast", 23)},
        {.v = 24,
         .kind = K_TYPES,
         .dt = DT_FLT | DT_INT | B(BF16) | B(BOOL) | B(I4) | B(U4) | B(STRING),
         .what = "adds float8e8m0 and round_mode (which concerns float8e8m0 only)",
         .as = AS("Cast", 24)},
        {.v = 25,
         .kind = K_TYPES,
         .dt = DT_FLT | DT_INT | B(BF16) | B(BOOL) | B(I4) | B(U4) | B(STRING),
         .what = "adds int2, uint2",
         .as = AS("Cast", 25)},
    }},
    [IR_OP_CAST_LIKE] = {{
                             {.v = 15,
                              .kind = K_NEW,
                              .dt = DT_FLT | DT_INT | B(BF16) | B(BOOL) | B(STRING),
                              .as = AS("CastLike", 15)},
                             {.v = 19,
                              .kind = K_TYPES,
                              .dt = DT_FLT | DT_INT | B(BF16) | B(BOOL) | B(STRING),
                              .what = "adds float8 types and saturate (which concerns float8 only)",
                              .as = AS("CastLike", 19)},
                             {.v = 21,
                              .kind = K_TYPES,
                              .dt = DT_FLT | DT_INT | B(BF16) | B(BOOL) | B(I4) | B(U4) | B(STRING),
                              .what = "adds int4, uint4",
                              .as = AS("CastLike", 21)},
                             {.v = 23,
                              .kind = K_TYPES,
                              .dt = DT_FLT | DT_INT | B(BF16) | B(BOOL) | B(I4) | B(U4) | B(STRING),
                              .what = "adds float4e2m1",
                              .as = AS("CastLike", 23)},
                             {.v = 24,
                              .kind = K_TYPES,
                              .dt = DT_FLT | DT_INT | B(BF16) | B(BOOL) | B(I4) | B(U4) | B(STRING),
                              .what =
                                  "adds float8e8m0 and round_mode (which concerns float8e8m0 only)",
                              .as = AS("CastLike", 24)},
                             {.v = 25,
                              .kind = K_TYPES,
                              .dt = DT_FLT | DT_INT | B(BF16) | B(BOOL) | B(I4) | B(U4) | B(STRING),
                              .what = "adds int2, uint2",
                              .as = AS("CastLike", 25)},
                         },
                         .decomp = "rewritten as Cast to the second input's type",
                         .decomp_min = 6,
                         .decomp_need = D_DTYPE1},
    [IR_OP_CEIL] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("Ceil", 1)},
        {.v = 6,
         .kind = K_DROP,
         .dt = DT_FLT,
         .arg = "consumed_inputs",
         .what = "drops the legacy consumed_inputs attribute",
         .as = AS("Ceil", 6)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Ceil", 13)},
    }},
    [IR_OP_CELU] = {{
                        {.v = 12, .kind = K_NEW, .dt = B(F32), .as = AS("Celu", 12)},
                        {.v = 28,
                         .kind = K_TYPES,
                         .dt = DT_FLT | B(BF16),
                         .what = "adds bfloat16, float64, float16",
                         .as = AS("Celu", 28)},
                    },
                    .decomp = "decomposed into Div, Elu, Mul",
                    .decomp_min = 7,
                    .decomp_need = D_NONE},
    [IR_OP_CLIP] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("Clip", 1)},
        {.v = 6,
         .kind = K_DROP,
         .dt = DT_FLT,
         .arg = "consumed_inputs",
         .what = "drops consumed_inputs; min/max default to the float range",
         .as = AS("Clip", 6)},
        {.v = 11,
         .kind = K_MOVE,
         .dt = DT_FLT,
         .arg = "min#1,max#2",
         .what = "min and max move from attributes to optional inputs",
         .as = AS("Clip", 11)},
        {.v = 12,
         .kind = K_TYPES,
         .dt = DT_FLT | DT_INT,
         .what = "adds int16, int32, int64, int8, uint16, uint32, uint64, uint8",
         .as = AS("Clip", 12)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_FLT | DT_INT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Clip", 13)},
    }},
    [IR_OP_COMPRESS] = {{
                            {.v = 9, .kind = K_NEW, .dt = DT_ALL, .as = AS("Compress", 9)},
                            {.v = 11,
                             .kind = K_NEG,
                             .dt = DT_ALL,
                             .neg = "axis",
                             .what = "accepts negative axis values",
                             .as = AS("Compress", 11)},
                        },
                        .decomp = "rewritten as Gather with constant indices",
                        .decomp_min = 1,
                        .decomp_need = D_CONST_1},
    [IR_OP_CONCAT] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("Concat", 1)},
        {.v = 4,
         .kind = K_DEFAULT,
         .dt = DT_ALL,
         .arg = "axis:1",
         .what = "axis becomes required (Concat-1 defaulted it to 1)",
         .as = AS("Concat", 4)},
        {.v = 11,
         .kind = K_NEG,
         .dt = DT_ALL,
         .neg = "axis",
         .what = "accepts negative axis values",
         .as = AS("Concat", 11)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Concat", 13)},
    }},
    [IR_OP_CONSTANT] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("Constant", 1)},
        {.v = 9,
         .kind = K_TYPES,
         .dt = DT_ALL,
         .what = "adds bool, complex128, complex64, int16, int32, int64, int8, string, uint16, "
                 "uint32, uint64, uint8",
         .as = AS("Constant", 9)},
        {.v = 11,
         .kind = K_ADD,
         .dt = DT_ALL,
         .arg = "sparse_value",
         .what = "adds sparse_value",
         .rewrite = "rewritten as a dense Constant",
         .as = AS("Constant", 11)},
        {.v = 12,
         .kind = K_ADD,
         .dt = DT_ALL,
         .arg = "value_float,value_floats,value_int,value_ints,value_string,value_strings",
         .what = "adds the value_float/_int/_string(s) shorthands",
         .rewrite = "rewritten as a Constant with a value tensor",
         .as = AS("Constant", 12)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Constant", 13)},
        {.v = 19,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16),
         .what = "adds float8e4m3fn, float8e4m3fnuz, float8e5m2, float8e5m2fnuz",
         .as = AS("Constant", 19)},
        {.v = 21,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds int4, uint4",
         .as = AS("Constant", 21)},
        {.v = 23,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds float4e2m1",
         .as = AS("Constant", 23)},
        {.v = 24,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds float8e8m0",
         .as = AS("Constant", 24)},
        {.v = 25,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds int2, uint2",
         .as = AS("Constant", 25)},
    }},
    [IR_OP_CONSTANT_OF_SHAPE] =
        {{
             {.v = 9,
              .kind = K_NEW,
              .dt = DT_FLT | DT_INT | B(BOOL),
              .as = AS("ConstantOfShape", 9)},
             {.v = 20,
              .kind = K_TYPES,
              .dt = DT_FLT | DT_INT | B(BF16) | B(BOOL),
              .what = "adds bfloat16, float8e4m3fn, float8e4m3fnuz, float8e5m2, float8e5m2fnuz",
              .as = AS("ConstantOfShape", 20)},
             {.v = 21,
              .kind = K_TYPES,
              .dt = DT_FLT | DT_INT | B(BF16) | B(BOOL) | B(I4) | B(U4),
              .what = "adds int4, uint4",
              .as = AS("ConstantOfShape", 21)},
             {.v = 23,
              .kind = K_TYPES,
              .dt = DT_FLT | DT_INT | B(BF16) | B(BOOL) | B(I4) | B(U4),
              .what = "adds float4e2m1",
              .as = AS("ConstantOfShape", 23)},
             {.v = 24,
              .kind = K_TYPES,
              .dt = DT_FLT | DT_INT | B(BF16) | B(BOOL) | B(I4) | B(U4),
              .what = "adds float8e8m0",
              .as = AS("ConstantOfShape", 24)},
             {.v = 25,
              .kind = K_TYPES,
              .dt = DT_FLT | DT_INT | B(BF16) | B(BOOL) | B(I4) | B(U4),
              .what = "adds int2, uint2",
              .as = AS("ConstantOfShape", 25)},
         },
         .decomp = "folded into a Constant",
         .decomp_min = 1,
         .decomp_need = D_CONST_ALL},
    [IR_OP_CONV] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("Conv", 1)},
        {.v = 11,
         .kind = K_DOC,
         .dt = DT_FLT,
         .what =
             "restates auto_pad SAME and the default strides/dilations; the meaning is unchanged",
         .as = AS("Conv", 11)},
        {.v = 22,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Conv", 22)},
    }},
    [IR_OP_CONV_INTEGER] = {{
        {.v = 10, .kind = K_NEW, .dt = B(I8) | B(U8) | B(I32), .as = AS("ConvInteger", 10)},
    }},
    [IR_OP_CONV_TRANSPOSE] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("ConvTranspose", 1)},
        {.v = 11,
         .kind = K_CHANGE,
         .hook = H_AUTOPAD,
         .dt = DT_FLT,
         .what =
             "corrects how auto_pad SAME_UPPER/SAME_LOWER split the padding (inverted before 11)",
         .as = AS("ConvTranspose", 11)},
        {.v = 22,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("ConvTranspose", 22)},
    }},
    [IR_OP_COS] = {{
        {.v = 7, .kind = K_NEW, .dt = DT_FLT, .as = AS("Cos", 7)},
        {.v = 22,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Cos", 22)},
    }},
    [IR_OP_COSH] = {{
                        {.v = 9, .kind = K_NEW, .dt = DT_FLT, .as = AS("Cosh", 9)},
                        {.v = 22,
                         .kind = K_TYPES,
                         .dt = DT_FLT | B(BF16),
                         .what = "adds bfloat16",
                         .as = AS("Cosh", 22)},
                    },
                    .decomp = "decomposed into Exp, Neg, Exp, Add, Div",
                    .decomp_min = 7,
                    .decomp_need = D_NONE},
    [IR_OP_CUM_SUM] = {{
        {.v = 11,
         .kind = K_NEW,
         .dt = B(F32) | B(F64) | B(I32) | B(U32) | B(I64) | B(U64),
         .as = AS("CumSum", 11)},
        {.v = 14,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16) | B(I32) | B(U32) | B(I64) | B(U64),
         .what = "adds bfloat16, float16",
         .as = AS("CumSum", 14)},
    }},
    [IR_OP_DEFORM_CONV] = {{
        {.v = 19, .kind = K_NEW, .dt = DT_FLT, .as = AS("DeformConv", 19)},
        {.v = 22,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("DeformConv", 22)},
    }},
    [IR_OP_DEPTH_TO_SPACE] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_ALL, .as = AS("DepthToSpace", 1)},
        {.v = 11,
         .kind = K_ADD,
         .dt = DT_ALL,
         .arg = "mode=DCR",
         .what = "adds mode (default DCR, the old order; CRD is new)",
         .rewrite = "decomposed into Reshape, Transpose, Reshape",
         .as = AS("DepthToSpace", 11)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16),
         .what = "adds bfloat16",
         .as = AS("DepthToSpace", 13)},
    }},
    [IR_OP_DEQUANTIZE_LINEAR] =
        {{
             {.v = 10,
              .kind = K_NEW,
              .dt = B(F32) | B(I8) | B(U8) | B(I32),
              .as = AS("DequantizeLinear", 10)},
             {.v = 13,
              .kind = K_ADD,
              .hook = H_QAXIS,
              .dt = B(F32) | B(I8) | B(U8) | B(I32),
              .arg = "axis=1",
              .what = "adds axis: per-axis (1-D) scale and zero point",
              .as = AS("DequantizeLinear", 13)},
             {.v = 19,
              .kind = K_TYPES,
              .dt = B(F32) | B(F16) | B(BF16) | B(I8) | B(U8) | B(I32),
              .what = "adds bfloat16, float16, float8e4m3fn, float8e4m3fnuz, float8e5m2, "
                      "float8e5m2fnuz",
              .as = AS("DequantizeLinear", 19)},
             {.v = 21,
              .kind = K_ADD,
              .dt = B(F32) | B(F16) | B(BF16) | B(I8) | B(U8) | B(I16) | B(U16) | B(I32) | B(I4) |
                    B(U4),
              .arg = "block_size=0",
              .what = "adds blocked quantization (block_size) and int4/uint4/int16",
              .as = AS("DequantizeLinear", 21)},
             {.v = 23,
              .kind = K_ADD,
              .dt = B(F32) | B(F16) | B(BF16) | B(I8) | B(U8) | B(I16) | B(U16) | B(I32) | B(I4) |
                    B(U4),
              .arg = "output_dtype=0",
              .what = "adds output_dtype and float4e2m1",
              .as = AS("DequantizeLinear", 23)},
             {.v = 24,
              .kind = K_TYPES,
              .dt = B(F32) | B(F16) | B(BF16) | B(I8) | B(U8) | B(I16) | B(U16) | B(I32) | B(I4) |
                    B(U4),
              .what = "adds float8e8m0",
              .as = AS("DequantizeLinear", 24)},
             {.v = 25,
              .kind = K_TYPES,
              .dt = B(F32) | B(F16) | B(BF16) | B(I8) | B(U8) | B(I16) | B(U16) | B(I32) | B(I4) |
                    B(U4),
              .what = "adds int2, uint2",
              .as = AS("DequantizeLinear", 25)},
         },
         .decomp = "decomposed into Cast, Sub, Mul",
         .decomp_min = 7,
         .decomp_need = D_NONE},
    [IR_OP_DET] = {{
        {.v = 11, .kind = K_NEW, .dt = DT_FLT, .as = AS("Det", 11)},
        {.v = 22,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Det", 22)},
    }},
    [IR_OP_DIV] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("Div", 1)},
        {.v = 6,
         .kind = K_DROP,
         .dt = DT_FLT | B(I32) | B(U32) | B(I64) | B(U64),
         .arg = "consumed_inputs",
         .what = "drops the legacy consumed_inputs attribute",
         .as = AS("Div", 6)},
        {.v = 7,
         .kind = K_CHANGE,
         .hook = H_BCAST7,
         .dt = DT_FLT | B(I32) | B(U32) | B(I64) | B(U64),
         .what = "the broadcast and axis attributes give way to numpy-style multidirectional "
                 "broadcasting",
         .as = AS("Div", 7)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16) | B(I32) | B(U32) | B(I64) | B(U64),
         .what = "adds bfloat16",
         .as = AS("Div", 13)},
        {.v = 14,
         .kind = K_TYPES,
         .dt = DT_FLT | DT_INT | B(BF16),
         .what = "adds int16, int8, uint16, uint8",
         .as = AS("Div", 14)},
    }},
    [IR_OP_DROPOUT] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("Dropout", 1)},
        {.v = 6,
         .kind = K_DROP,
         .dt = DT_FLT,
         .arg = "consumed_inputs",
         .what = "drops the legacy consumed_inputs attribute",
         .as = AS("Dropout", 6)},
        {.v = 7,
         .kind = K_DROP,
         .dt = DT_FLT,
         .arg = "is_test",
         .what = "drops is_test (inference behaviour is the only one)",
         .as = AS("Dropout", 7)},
        {.v = 10,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BOOL),
         .what = "the mask output becomes bool",
         .as = AS("Dropout", 10)},
        {.v = 12,
         .kind = K_MOVE,
         .dt = DT_FLT | B(BOOL),
         .arg = "ratio#1",
         .what = "ratio moves from attribute to input; adds the training_mode input and seed",
         .as = AS("Dropout", 12)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16) | B(BOOL),
         .what = "adds bfloat16",
         .as = AS("Dropout", 13)},
        {.v = 22,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16) | B(BOOL),
         .what = "adds float8e4m3fn, float8e4m3fnuz, float8e5m2, float8e5m2fnuz",
         .as = AS("Dropout", 22)},
    }},
    [IR_OP_DYNAMIC_QUANTIZE_LINEAR] = {{
        {.v = 11, .kind = K_NEW, .dt = B(F32) | B(U8), .as = AS("DynamicQuantizeLinear", 11)},
    }},
    [IR_OP_EINSUM] = {{
        {.v = 12, .kind = K_NEW, .dt = DT_FLT | DT_INT, .as = AS("Einsum", 12)},
    }},
    [IR_OP_ELU] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("Elu", 1)},
        {.v = 6,
         .kind = K_DROP,
         .dt = DT_FLT,
         .arg = "consumed_inputs",
         .what = "drops the legacy consumed_inputs attribute",
         .as = AS("Elu", 6)},
        {.v = 22,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Elu", 22)},
    }},
    [IR_OP_EQUAL] = {{
        {.v = 1, .kind = K_NEW, .dt = B(I32) | B(I64) | B(BOOL), .as = AS("Equal", 1)},
        {.v = 7,
         .kind = K_CHANGE,
         .hook = H_BCAST7,
         .dt = B(I32) | B(I64) | B(BOOL),
         .what = "the broadcast and axis attributes give way to numpy-style multidirectional "
                 "broadcasting",
         .as = AS("Equal", 7)},
        {.v = 11,
         .kind = K_TYPES,
         .dt = DT_FLT | DT_INT | B(BOOL),
         .what = "adds float64, float32, float16, int16, int8, uint16, uint32, uint64, uint8",
         .as = AS("Equal", 11)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_FLT | DT_INT | B(BF16) | B(BOOL),
         .what = "adds bfloat16",
         .as = AS("Equal", 13)},
        {.v = 19,
         .kind = K_TYPES,
         .dt = DT_FLT | DT_INT | B(BF16) | B(BOOL) | B(STRING),
         .what = "adds string",
         .as = AS("Equal", 19)},
    }},
    [IR_OP_ERF] = {{
        {.v = 9, .kind = K_NEW, .dt = DT_FLT | DT_INT, .as = AS("Erf", 9)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16),
         .what = "adds bfloat16; removes int16, int32, int64, int8, uint16, uint32, uint64, uint8",
         .as = AS("Erf", 13)},
    }},
    [IR_OP_EXP] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("Exp", 1)},
        {.v = 6,
         .kind = K_DROP,
         .dt = DT_FLT,
         .arg = "consumed_inputs",
         .what = "drops the legacy consumed_inputs attribute",
         .as = AS("Exp", 6)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Exp", 13)},
    }},
    [IR_OP_EXPAND] = {{
                          {.v = 8, .kind = K_NEW, .dt = DT_ALL, .as = AS("Expand", 8)},
                          {.v = 13,
                           .kind = K_TYPES,
                           .dt = DT_ALL | B(BF16),
                           .what = "adds bfloat16",
                           .as = AS("Expand", 13)},
                      },
                      .decomp = "rewritten as Mul by a ones constant of the target shape",
                      .decomp_min = 7,
                      .decomp_need = D_CONST_1},
    [IR_OP_EYE_LIKE] =
        {{
             {.v = 9, .kind = K_NEW, .dt = DT_FLT | DT_INT | B(BOOL), .as = AS("EyeLike", 9)},
             {.v = 22,
              .kind = K_TYPES,
              .dt = DT_FLT | DT_INT | B(BF16) | B(BOOL),
              .what = "adds bfloat16",
              .as = AS("EyeLike", 22)},
         },
         .decomp = "folded into a Constant",
         .decomp_min = 1,
         .decomp_need = D_STATIC},
    [IR_OP_FLATTEN] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("Flatten", 1)},
        {.v = 9,
         .kind = K_TYPES,
         .dt = DT_ALL,
         .what = "adds bool, complex128, complex64, int16, int32, int64, int8, string, uint16, "
                 "uint32, uint64, uint8",
         .as = AS("Flatten", 9)},
        {.v = 11,
         .kind = K_NEG,
         .dt = DT_ALL,
         .neg = "axis",
         .what = "accepts negative axis values",
         .as = AS("Flatten", 11)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Flatten", 13)},
        {.v = 21,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds float8e4m3fn, float8e4m3fnuz, float8e5m2, float8e5m2fnuz, int4, uint4",
         .as = AS("Flatten", 21)},
        {.v = 23,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds float4e2m1",
         .as = AS("Flatten", 23)},
        {.v = 24,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds float8e8m0",
         .as = AS("Flatten", 24)},
        {.v = 25,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds int2, uint2",
         .as = AS("Flatten", 25)},
    }},
    [IR_OP_FLOOR] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("Floor", 1)},
        {.v = 6,
         .kind = K_DROP,
         .dt = DT_FLT,
         .arg = "consumed_inputs",
         .what = "drops the legacy consumed_inputs attribute",
         .as = AS("Floor", 6)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Floor", 13)},
    }},
    [IR_OP_GRU] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT | B(I32), .as = AS("GRU", 1)},
        {.v = 3,
         .kind = K_ADD,
         .dt = DT_FLT | B(I32),
         .arg = "linear_before_reset=0",
         .what = "adds linear_before_reset (default 0, as before); Y_h becomes optional",
         .as = AS("GRU", 3)},
        {.v = 7,
         .kind = K_DROP,
         .dt = DT_FLT | B(I32),
         .arg = "output_sequence",
         .what = "drops output_sequence (Y is output when it is connected)",
         .as = AS("GRU", 7)},
        {.v = 14,
         .kind = K_ADD,
         .dt = DT_FLT | B(I32),
         .arg = "layout=0",
         .what = "adds layout (1: batch-first)",
         .rewrite = "rewritten as Transpose, GRU, Transpose",
         .as = AS("GRU", 14)},
        {.v = 22,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16) | B(I32),
         .what = "adds bfloat16",
         .as = AS("GRU", 22)},
    }},
    [IR_OP_GATHER] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_ALL, .as = AS("Gather", 1)},
        {.v = 11,
         .kind = K_NEG,
         .dt = DT_ALL,
         .neg = "axis,#1",
         .what = "accepts negative axis and indices",
         .as = AS("Gather", 11)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Gather", 13)},
    }},
    [IR_OP_GATHER_ELEMENTS] = {{
        {.v = 11, .kind = K_NEW, .dt = DT_ALL, .as = AS("GatherElements", 11)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16),
         .what = "adds bfloat16",
         .as = AS("GatherElements", 13)},
    }},
    [IR_OP_GATHER_ND] = {{
        {.v = 11, .kind = K_NEW, .dt = DT_ALL, .as = AS("GatherND", 11)},
        {.v = 12,
         .kind = K_ADD,
         .dt = DT_ALL,
         .arg = "batch_dims=0",
         .what = "adds batch_dims (default 0, as before)",
         .as = AS("GatherND", 12)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16),
         .what = "adds bfloat16",
         .as = AS("GatherND", 13)},
    }},
    [IR_OP_GELU] = {{
                        {.v = 20, .kind = K_NEW, .dt = DT_FLT | B(BF16), .as = AS("Gelu", 20)},
                    },
                    .decomp = "decomposed into Div, Erf, Add, Mul, Mul",
                    .decomp_min = 9,
                    .decomp_need = D_GELU},
    [IR_OP_GEMM] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("Gemm", 1)},
        {.v = 6,
         .kind = K_DOC,
         .dt = DT_FLT,
         .what = "editorial only (C is no longer described as in-place)",
         .as = AS("Gemm", 6)},
        {.v = 7,
         .kind = K_CHANGE,
         .hook = H_BCAST7,
         .dt = DT_FLT,
         .what = "drops broadcast: C always broadcasts (unidirectionally) to A*B",
         .as = AS("Gemm", 7)},
        {.v = 9,
         .kind = K_TYPES,
         .dt = DT_FLT | B(I32) | B(U32) | B(I64) | B(U64),
         .what = "adds int32, int64, uint32, uint64",
         .as = AS("Gemm", 9)},
        {.v = 11,
         .kind = K_OPTIONAL,
         .dt = DT_FLT | B(I32) | B(U32) | B(I64) | B(U64),
         .arg = "#2",
         .what = "C becomes optional",
         .rewrite = "rewritten with a zero C constant",
         .as = AS("Gemm", 11)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16) | B(I32) | B(U32) | B(I64) | B(U64),
         .what = "adds bfloat16",
         .as = AS("Gemm", 13)},
    }},
    [IR_OP_GLOBAL_AVERAGE_POOL] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("GlobalAveragePool", 1)},
        {.v = 22,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("GlobalAveragePool", 22)},
    }},
    [IR_OP_GLOBAL_LP_POOL] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("GlobalLpPool", 1)},
        {.v = 2,
         .kind = K_CHANGE,
         .dt = DT_FLT,
         .what = "p becomes an int (it was a float)",
         .as = AS("GlobalLpPool", 2)},
        {.v = 22,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("GlobalLpPool", 22)},
    }},
    [IR_OP_GLOBAL_MAX_POOL] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("GlobalMaxPool", 1)},
        {.v = 22,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("GlobalMaxPool", 22)},
    }},
    [IR_OP_GREATER] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT | B(BOOL), .as = AS("Greater", 1)},
        {.v = 7,
         .kind = K_CHANGE,
         .hook = H_BCAST7,
         .dt = DT_FLT | B(BOOL),
         .what = "the broadcast and axis attributes give way to numpy-style multidirectional "
                 "broadcasting",
         .as = AS("Greater", 7)},
        {.v = 9,
         .kind = K_TYPES,
         .dt = DT_FLT | DT_INT | B(BOOL),
         .what = "adds int16, int32, int64, int8, uint16, uint32, uint64, uint8",
         .as = AS("Greater", 9)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_FLT | DT_INT | B(BF16) | B(BOOL),
         .what = "adds bfloat16",
         .as = AS("Greater", 13)},
    }},
    [IR_OP_GREATER_OR_EQUAL] = {{
                                    {.v = 12,
                                     .kind = K_NEW,
                                     .dt = DT_FLT | DT_INT | B(BOOL),
                                     .as = AS("GreaterOrEqual", 12)},
                                    {.v = 16,
                                     .kind = K_TYPES,
                                     .dt = DT_FLT | DT_INT | B(BF16) | B(BOOL),
                                     .what = "adds bfloat16",
                                     .as = AS("GreaterOrEqual", 16)},
                                },
                                .decomp = "rewritten as Less, Not",
                                .decomp_min = 9,
                                .decomp_need = D_NONE},
    [IR_OP_GRID_SAMPLE] = {{
        {.v = 16, .kind = K_NEW, .dt = DT_ALL, .as = AS("GridSample", 16)},
        {.v = 20,
         .kind = K_CHANGE,
         .hook = H_GRIDSAMPLE20,
         .dt = DT_ALL,
         .what = "accepts N-D input; modes renamed bilinear -> linear, bicubic -> cubic",
         .as = AS("GridSample", 20)},
        {.v = 22,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16),
         .what = "adds bfloat16",
         .as = AS("GridSample", 22)},
    }},
    [IR_OP_GROUP_NORMALIZATION] =
        {{
             {.v = 18,
              .kind = K_GONE,
              .what = "scale and bias per group; GroupNormalization-21 (per channel) replaces it",
              .as = AS("GroupNormalization", 18)},
             {.v = 21,
              .kind = K_CHANGE,
              .hook = H_GROUPNORM21,
              .dt = DT_FLT | B(BF16),
              .what = "scale and bias become per channel (they were per group); adds stash_type",
              .as = AS("GroupNormalization", 21)},
         },
         .decomp = "decomposed into Reshape, ReduceMean, Sub, Mul, ReduceMean, Add, Sqrt, Div, "
                   "Reshape, Mul, Add",
         .decomp_min = 7,
         .decomp_need = D_NONE},
    [IR_OP_HARD_SIGMOID] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("HardSigmoid", 1)},
        {.v = 6,
         .kind = K_DROP,
         .dt = DT_FLT,
         .arg = "consumed_inputs",
         .what = "drops the legacy consumed_inputs attribute",
         .as = AS("HardSigmoid", 6)},
        {.v = 22,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("HardSigmoid", 22)},
    }},
    [IR_OP_HARD_SWISH] = {{
                              {.v = 14, .kind = K_NEW, .dt = DT_FLT, .as = AS("HardSwish", 14)},
                              {.v = 22,
                               .kind = K_TYPES,
                               .dt = DT_FLT | B(BF16),
                               .what = "adds bfloat16",
                               .as = AS("HardSwish", 22)},
                          },
                          .decomp = "decomposed into HardSigmoid, Mul",
                          .decomp_min = 6,
                          .decomp_need = D_NONE},
    [IR_OP_HARDMAX] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("Hardmax", 1)},
        {.v = 11,
         .kind = K_NEG,
         .dt = DT_FLT,
         .neg = "axis",
         .what = "accepts negative axis values",
         .as = AS("Hardmax", 11)},
        {.v = 13,
         .kind = K_CHANGE,
         .hook = H_SOFTMAX13,
         .dt = DT_FLT | B(BF16),
         .what = "works along the single axis (default -1); before 13 the input was coerced to 2-D "
                 "at axis (default 1)",
         .as = AS("Hardmax", 13)},
    }},
    [IR_OP_IDENTITY] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_ALL, .as = AS("Identity", 1)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Identity", 13)},
        {.v = 14,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16),
         .what = "accepts sequences",
         .as = AS("Identity", 14)},
        {.v = 16,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16),
         .what = "accepts optionals",
         .as = AS("Identity", 16)},
        {.v = 19,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16),
         .what = "adds float8e4m3fn, float8e4m3fnuz, float8e5m2, float8e5m2fnuz",
         .as = AS("Identity", 19)},
        {.v = 21,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds int4, uint4",
         .as = AS("Identity", 21)},
        {.v = 23,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds float4e2m1",
         .as = AS("Identity", 23)},
        {.v = 24,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds float8e8m0",
         .as = AS("Identity", 24)},
        {.v = 25,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds int2, uint2",
         .as = AS("Identity", 25)},
    }},
    [IR_OP_IF] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_ALL, .as = AS("If", 1)},
        {.v = 11,
         .kind = K_DOC,
         .dt = DT_ALL,
         .what = "branches may produce outputs of different shapes",
         .as = AS("If", 11)},
        {.v = 13, .kind = K_TYPES, .dt = DT_ALL, .what = "accepts sequences", .as = AS("If", 13)},
        {.v = 16,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16),
         .what = "adds bfloat16",
         .as = AS("If", 16)},
        {.v = 19,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16),
         .what = "adds float8e4m3fn, float8e4m3fnuz, float8e5m2, float8e5m2fnuz",
         .as = AS("If", 19)},
        {.v = 21,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds int4, uint4",
         .as = AS("If", 21)},
        {.v = 23,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds float4e2m1",
         .as = AS("If", 23)},
        {.v = 24,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds float8e8m0",
         .as = AS("If", 24)},
        {.v = 25,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds int2, uint2",
         .as = AS("If", 25)},
    }},
    [IR_OP_INSTANCE_NORMALIZATION] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("InstanceNormalization", 1)},
        {.v = 6,
         .kind = K_DROP,
         .dt = DT_FLT,
         .arg = "consumed_inputs",
         .what = "drops the legacy consumed_inputs attribute",
         .as = AS("InstanceNormalization", 6)},
        {.v = 22,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("InstanceNormalization", 22)},
    }},
    [IR_OP_IS_INF] = {{
        {.v = 10, .kind = K_NEW, .dt = B(F32) | B(F64) | B(BOOL), .as = AS("IsInf", 10)},
        {.v = 20,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16) | B(BOOL),
         .what = "adds bfloat16, float16, float8e4m3fn, float8e4m3fnuz, float8e5m2, float8e5m2fnuz",
         .as = AS("IsInf", 20)},
    }},
    [IR_OP_IS_NA_N] = {{
        {.v = 9, .kind = K_NEW, .dt = DT_FLT | B(BOOL), .as = AS("IsNaN", 9)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16) | B(BOOL),
         .what = "adds bfloat16",
         .as = AS("IsNaN", 13)},
        {.v = 20,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16) | B(BOOL),
         .what = "adds float8e4m3fn, float8e4m3fnuz, float8e5m2, float8e5m2fnuz",
         .as = AS("IsNaN", 20)},
    }},
    [IR_OP_LRN] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("LRN", 1)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("LRN", 13)},
    }},
    [IR_OP_LSTM] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT | B(I32), .as = AS("LSTM", 1)},
        {.v = 7,
         .kind = K_DROP,
         .dt = DT_FLT | B(I32),
         .arg = "output_sequence",
         .what = "drops output_sequence (Y is output when it is connected)",
         .as = AS("LSTM", 7)},
        {.v = 14,
         .kind = K_ADD,
         .dt = DT_FLT | B(I32),
         .arg = "layout=0",
         .what = "adds layout (1: batch-first)",
         .rewrite = "rewritten as Transpose, LSTM, Transpose",
         .as = AS("LSTM", 14)},
        {.v = 22,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16) | B(I32),
         .what = "adds bfloat16",
         .as = AS("LSTM", 22)},
    }},
    [IR_OP_LAYER_NORMALIZATION] =
        {{
             {.v = 17, .kind = K_NEW, .dt = DT_FLT | B(BF16), .as = AS("LayerNormalization", 17)},
         },
         .decomp = "decomposed into ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div, Mul, Add",
         .decomp_min = 7,
         .decomp_need = D_NONE},
    [IR_OP_LEAKY_RELU] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("LeakyRelu", 1)},
        {.v = 6,
         .kind = K_DROP,
         .dt = DT_FLT,
         .arg = "consumed_inputs",
         .what = "drops the legacy consumed_inputs attribute",
         .as = AS("LeakyRelu", 6)},
        {.v = 16,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("LeakyRelu", 16)},
    }},
    [IR_OP_LESS] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT | B(BOOL), .as = AS("Less", 1)},
        {.v = 7,
         .kind = K_CHANGE,
         .hook = H_BCAST7,
         .dt = DT_FLT | B(BOOL),
         .what = "the broadcast and axis attributes give way to numpy-style multidirectional "
                 "broadcasting",
         .as = AS("Less", 7)},
        {.v = 9,
         .kind = K_TYPES,
         .dt = DT_FLT | DT_INT | B(BOOL),
         .what = "adds int16, int32, int64, int8, uint16, uint32, uint64, uint8",
         .as = AS("Less", 9)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_FLT | DT_INT | B(BF16) | B(BOOL),
         .what = "adds bfloat16",
         .as = AS("Less", 13)},
    }},
    [IR_OP_LESS_OR_EQUAL] =
        {{
             {.v = 12, .kind = K_NEW, .dt = DT_FLT | DT_INT | B(BOOL), .as = AS("LessOrEqual", 12)},
             {.v = 16,
              .kind = K_TYPES,
              .dt = DT_FLT | DT_INT | B(BF16) | B(BOOL),
              .what = "adds bfloat16",
              .as = AS("LessOrEqual", 16)},
         },
         .decomp = "rewritten as Greater, Not",
         .decomp_min = 9,
         .decomp_need = D_NONE},
    [IR_OP_LOG] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("Log", 1)},
        {.v = 6,
         .kind = K_DROP,
         .dt = DT_FLT,
         .arg = "consumed_inputs",
         .what = "drops the legacy consumed_inputs attribute",
         .as = AS("Log", 6)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Log", 13)},
    }},
    [IR_OP_LOG_SOFTMAX] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("LogSoftmax", 1)},
        {.v = 11,
         .kind = K_NEG,
         .dt = DT_FLT,
         .neg = "axis",
         .what = "accepts negative axis values",
         .as = AS("LogSoftmax", 11)},
        {.v = 13,
         .kind = K_CHANGE,
         .hook = H_SOFTMAX13,
         .dt = DT_FLT | B(BF16),
         .what = "works along the single axis (default -1); before 13 the input was coerced to 2-D "
                 "at axis (default 1)",
         .as = AS("LogSoftmax", 13)},
    }},
    [IR_OP_LOOP] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_ALL, .as = AS("Loop", 1)},
        {.v = 11,
         .kind = K_DOC,
         .dt = DT_ALL,
         .what = "restates loop-carried values; the meaning is unchanged",
         .as = AS("Loop", 11)},
        {.v = 13, .kind = K_TYPES, .dt = DT_ALL, .what = "accepts sequences", .as = AS("Loop", 13)},
        {.v = 16,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Loop", 16)},
        {.v = 19,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16),
         .what = "adds float8e4m3fn, float8e4m3fnuz, float8e5m2, float8e5m2fnuz",
         .as = AS("Loop", 19)},
        {.v = 21,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds int4, uint4",
         .as = AS("Loop", 21)},
        {.v = 23,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds float4e2m1",
         .as = AS("Loop", 23)},
        {.v = 24,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds float8e8m0",
         .as = AS("Loop", 24)},
        {.v = 25,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds int2, uint2",
         .as = AS("Loop", 25)},
    }},
    [IR_OP_LP_NORMALIZATION] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("LpNormalization", 1)},
        {.v = 22,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("LpNormalization", 22)},
    }},
    [IR_OP_LP_POOL] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("LpPool", 1)},
        {.v = 2,
         .kind = K_CHANGE,
         .dt = DT_FLT,
         .what = "p becomes an int (it was a float)",
         .as = AS("LpPool", 2)},
        {.v = 11,
         .kind = K_DOC,
         .dt = DT_FLT,
         .what = "restates auto_pad SAME and the default strides; the meaning is unchanged",
         .as = AS("LpPool", 11)},
        {.v = 18,
         .kind = K_ADD,
         .dt = DT_FLT,
         .arg = "ceil_mode=0,dilations=1",
         .what = "adds ceil_mode and dilations",
         .as = AS("LpPool", 18)},
        {.v = 22,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("LpPool", 22)},
    }},
    [IR_OP_MAT_MUL] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("MatMul", 1)},
        {.v = 9,
         .kind = K_TYPES,
         .dt = DT_FLT | B(I32) | B(U32) | B(I64) | B(U64),
         .what = "adds int32, int64, uint32, uint64",
         .as = AS("MatMul", 9)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16) | B(I32) | B(U32) | B(I64) | B(U64),
         .what = "adds bfloat16",
         .as = AS("MatMul", 13)},
    }},
    [IR_OP_MAT_MUL_INTEGER] =
        {{
             {.v = 10, .kind = K_NEW, .dt = B(I8) | B(U8) | B(I32), .as = AS("MatMulInteger", 10)},
         },
         .decomp = "decomposed into Cast, Sub, MatMul",
         .decomp_min = 9,
         .decomp_need = D_NONE},
    [IR_OP_MAX] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("Max", 1)},
        {.v = 6,
         .kind = K_DROP,
         .dt = DT_FLT,
         .arg = "consumed_inputs",
         .what = "drops the legacy consumed_inputs attribute",
         .as = AS("Max", 6)},
        {.v = 8,
         .kind = K_CHANGE,
         .hook = H_BCAST8,
         .dt = DT_FLT,
         .what =
             "inputs may differ in shape (multidirectional broadcasting); before 8 they must match",
         .as = AS("Max", 8)},
        {.v = 12,
         .kind = K_TYPES,
         .dt = DT_FLT | DT_INT,
         .what = "adds int16, int32, int64, int8, uint16, uint32, uint64, uint8",
         .as = AS("Max", 12)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_FLT | DT_INT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Max", 13)},
    }},
    [IR_OP_MAX_POOL] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("MaxPool", 1)},
        {.v = 8,
         .kind = K_ADD,
         .dt = DT_FLT | B(I64),
         .arg = "storage_order=0,^1",
         .what = "adds the Indices output and storage_order",
         .as = AS("MaxPool", 8)},
        {.v = 10,
         .kind = K_ADD,
         .dt = DT_FLT | B(I64),
         .arg = "ceil_mode=0,dilations=1",
         .what = "adds ceil_mode and dilations",
         .as = AS("MaxPool", 10)},
        {.v = 11,
         .kind = K_DOC,
         .dt = DT_FLT | B(I64),
         .what =
             "restates auto_pad SAME and the default strides/dilations; the meaning is unchanged",
         .as = AS("MaxPool", 11)},
        {.v = 12,
         .kind = K_TYPES,
         .dt = DT_FLT | B(I8) | B(U8) | B(I64),
         .what = "adds int8, uint8",
         .as = AS("MaxPool", 12)},
        {.v = 22,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16) | B(I8) | B(U8) | B(I64),
         .what = "adds bfloat16",
         .as = AS("MaxPool", 22)},
    }},
    [IR_OP_MAX_ROI_POOL] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("MaxRoiPool", 1)},
        {.v = 22,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("MaxRoiPool", 22)},
    }},
    [IR_OP_MAX_UNPOOL] = {{
        {.v = 9, .kind = K_NEW, .dt = DT_FLT | B(I64), .as = AS("MaxUnpool", 9)},
        {.v = 11,
         .kind = K_DOC,
         .dt = DT_FLT | B(I64),
         .what =
             "restates auto_pad SAME and the default strides/dilations; the meaning is unchanged",
         .as = AS("MaxUnpool", 11)},
        {.v = 22,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16) | B(I64),
         .what = "adds bfloat16",
         .as = AS("MaxUnpool", 22)},
    }},
    [IR_OP_MEAN] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("Mean", 1)},
        {.v = 6,
         .kind = K_DROP,
         .dt = DT_FLT,
         .arg = "consumed_inputs",
         .what = "drops the legacy consumed_inputs attribute",
         .as = AS("Mean", 6)},
        {.v = 8,
         .kind = K_CHANGE,
         .hook = H_BCAST8,
         .dt = DT_FLT,
         .what =
             "inputs may differ in shape (multidirectional broadcasting); before 8 they must match",
         .as = AS("Mean", 8)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Mean", 13)},
    }},
    [IR_OP_MEAN_VARIANCE_NORMALIZATION] =
        {{
             {.v = 9, .kind = K_NEW, .dt = DT_FLT, .as = AS("MeanVarianceNormalization", 9)},
             {.v = 13,
              .kind = K_TYPES,
              .dt = DT_FLT | B(BF16),
              .what = "adds bfloat16",
              .as = AS("MeanVarianceNormalization", 13)},
         },
         .decomp = "decomposed into ReduceMean, Sub, Mul, ReduceMean, Sqrt, Div",
         .decomp_min = 7,
         .decomp_need = D_NONE},
    [IR_OP_MIN] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("Min", 1)},
        {.v = 6,
         .kind = K_DROP,
         .dt = DT_FLT,
         .arg = "consumed_inputs",
         .what = "drops the legacy consumed_inputs attribute",
         .as = AS("Min", 6)},
        {.v = 8,
         .kind = K_CHANGE,
         .hook = H_BCAST8,
         .dt = DT_FLT,
         .what =
             "inputs may differ in shape (multidirectional broadcasting); before 8 they must match",
         .as = AS("Min", 8)},
        {.v = 12,
         .kind = K_TYPES,
         .dt = DT_FLT | DT_INT,
         .what = "adds int16, int32, int64, int8, uint16, uint32, uint64, uint8",
         .as = AS("Min", 12)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_FLT | DT_INT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Min", 13)},
    }},
    [IR_OP_MISH] = {{
                        {.v = 18, .kind = K_NEW, .dt = DT_FLT, .as = AS("Mish", 18)},
                        {.v = 22,
                         .kind = K_TYPES,
                         .dt = DT_FLT | B(BF16),
                         .what = "adds bfloat16",
                         .as = AS("Mish", 22)},
                    },
                    .decomp = "decomposed into Softplus, Tanh, Mul",
                    .decomp_min = 6,
                    .decomp_need = D_NONE},
    [IR_OP_MOD] = {{
        {.v = 10, .kind = K_NEW, .dt = DT_FLT | DT_INT, .as = AS("Mod", 10)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_FLT | DT_INT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Mod", 13)},
    }},
    [IR_OP_MUL] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("Mul", 1)},
        {.v = 6,
         .kind = K_DROP,
         .dt = DT_FLT | B(I32) | B(U32) | B(I64) | B(U64),
         .arg = "consumed_inputs",
         .what = "drops the legacy consumed_inputs attribute",
         .as = AS("Mul", 6)},
        {.v = 7,
         .kind = K_CHANGE,
         .hook = H_BCAST7,
         .dt = DT_FLT | B(I32) | B(U32) | B(I64) | B(U64),
         .what = "the broadcast and axis attributes give way to numpy-style multidirectional "
                 "broadcasting",
         .as = AS("Mul", 7)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16) | B(I32) | B(U32) | B(I64) | B(U64),
         .what = "adds bfloat16",
         .as = AS("Mul", 13)},
        {.v = 14,
         .kind = K_TYPES,
         .dt = DT_FLT | DT_INT | B(BF16),
         .what = "adds int16, int8, uint16, uint8",
         .as = AS("Mul", 14)},
    }},
    [IR_OP_NEG] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("Neg", 1)},
        {.v = 6,
         .kind = K_DROP,
         .dt = DT_FLT | B(I8) | B(I16) | B(I32) | B(I64),
         .arg = "consumed_inputs",
         .what = "drops the legacy consumed_inputs attribute",
         .as = AS("Neg", 6)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16) | B(I8) | B(I16) | B(I32) | B(I64),
         .what = "adds bfloat16",
         .as = AS("Neg", 13)},
    }},
    [IR_OP_NON_MAX_SUPPRESSION] = {{
        {.v = 10, .kind = K_NEW, .dt = B(F32) | B(I64), .as = AS("NonMaxSuppression", 10)},
        {.v = 11,
         .kind = K_DOC,
         .dt = B(F32) | B(I64),
         .what = "states that boxes with IoU strictly above the threshold are suppressed",
         .as = AS("NonMaxSuppression", 11)},
    }},
    [IR_OP_NON_ZERO] = {{
        {.v = 9, .kind = K_NEW, .dt = DT_ALL, .as = AS("NonZero", 9)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16),
         .what = "adds bfloat16",
         .as = AS("NonZero", 13)},
    }},
    [IR_OP_NOT] = {{
        {.v = 1, .kind = K_NEW, .dt = B(BOOL), .as = AS("Not", 1)},
    }},
    [IR_OP_ONE_HOT] = {{
        {.v = 9, .kind = K_NEW, .dt = DT_ALL, .as = AS("OneHot", 9)},
        {.v = 11,
         .kind = K_NEG,
         .dt = DT_ALL,
         .neg = "axis,#0",
         .what = "accepts negative axis and indices",
         .as = AS("OneHot", 11)},
    }},
    [IR_OP_OR] = {{
        {.v = 1, .kind = K_NEW, .dt = B(BOOL), .as = AS("Or", 1)},
        {.v = 7,
         .kind = K_CHANGE,
         .hook = H_BCAST7,
         .dt = B(BOOL),
         .what = "the broadcast and axis attributes give way to numpy-style multidirectional "
                 "broadcasting",
         .as = AS("Or", 7)},
    }},
    [IR_OP_P_RELU] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("PRelu", 1)},
        {.v = 6,
         .kind = K_DROP,
         .dt = DT_FLT,
         .arg = "consumed_inputs",
         .what = "drops the legacy consumed_inputs attribute",
         .as = AS("PRelu", 6)},
        {.v = 7,
         .kind = K_CHANGE,
         .hook = H_BCAST8,
         .dt = DT_FLT,
         .what =
             "slope broadcasts to X (unidirectional); before 7 it must match X or have one element",
         .as = AS("PRelu", 7)},
        {.v = 9,
         .kind = K_TYPES,
         .dt = DT_FLT | B(I32) | B(U32) | B(I64) | B(U64),
         .what = "adds int32, int64, uint32, uint64",
         .as = AS("PRelu", 9)},
        {.v = 16,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16) | B(I32) | B(U32) | B(I64) | B(U64),
         .what = "adds bfloat16",
         .as = AS("PRelu", 16)},
    }},
    [IR_OP_PAD] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("Pad", 1)},
        {.v = 2,
         .kind = K_CHANGE,
         .dt = DT_FLT,
         .what = "paddings is renamed pads",
         .as = AS("Pad", 2)},
        {.v = 11,
         .kind = K_MOVE,
         .dt = DT_FLT | DT_INT,
         .arg = "pads#1,value#2",
         .what = "pads and value move from attributes to inputs (value becomes constant_value)",
         .as = AS("Pad", 11)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16),
         .what = "adds bfloat16, bool, complex128, complex64, string",
         .as = AS("Pad", 13)},
        {.v = 18,
         .kind = K_ADD,
         .dt = DT_ALL | B(BF16),
         .arg = "#3",
         .what = "adds the axes input",
         .rewrite = "rewritten with pads for every axis",
         .as = AS("Pad", 18)},
        {.v = 19,
         .kind = K_ADD,
         .dt = DT_ALL | B(BF16),
         .arg = "mode!wrap",
         .what = "adds mode wrap",
         .as = AS("Pad", 19)},
        {.v = 21,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds float8e4m3fn, float8e4m3fnuz, float8e5m2, float8e5m2fnuz, int4, uint4",
         .as = AS("Pad", 21)},
        {.v = 23,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds float4e2m1",
         .as = AS("Pad", 23)},
        {.v = 24,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds float8e8m0",
         .as = AS("Pad", 24)},
        {.v = 25,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds int2, uint2",
         .as = AS("Pad", 25)},
    }},
    [IR_OP_POW] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("Pow", 1)},
        {.v = 7,
         .kind = K_CHANGE,
         .hook = H_BCAST7,
         .dt = DT_FLT,
         .what = "the broadcast and axis attributes give way to numpy-style multidirectional "
                 "broadcasting",
         .as = AS("Pow", 7)},
        {.v = 12,
         .kind = K_TYPES,
         .dt = DT_FLT | DT_INT,
         .what = "adds int16, int32, int64, int8, uint16, uint32, uint64, uint8",
         .as = AS("Pow", 12)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_FLT | DT_INT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Pow", 13)},
        {.v = 15,
         .kind = K_TYPES,
         .dt = DT_FLT | DT_INT | B(BF16),
         .what = "the exponent may be bfloat16",
         .as = AS("Pow", 15)},
    }},
    [IR_OP_Q_LINEAR_CONV] = {{
        {.v = 10,
         .kind = K_NEW,
         .dt = B(F32) | B(I8) | B(U8) | B(I32),
         .as = AS("QLinearConv", 10)},
    }},
    [IR_OP_Q_LINEAR_MAT_MUL] = {{
        {.v = 10, .kind = K_NEW, .dt = B(F32) | B(I8) | B(U8), .as = AS("QLinearMatMul", 10)},
        {.v = 21,
         .kind = K_TYPES,
         .dt = B(F32) | B(F16) | B(BF16) | B(I8) | B(U8),
         .what = "adds bfloat16, float16, float8e4m3fn, float8e4m3fnuz, float8e5m2, float8e5m2fnuz",
         .as = AS("QLinearMatMul", 21)},
    }},
    [IR_OP_QUANTIZE_LINEAR] = {{
        {.v = 10,
         .kind = K_NEW,
         .dt = B(F32) | B(I8) | B(U8) | B(I32),
         .as = AS("QuantizeLinear", 10)},
        {.v = 13,
         .kind = K_ADD,
         .hook = H_QAXIS,
         .dt = B(F32) | B(I8) | B(U8) | B(I32),
         .arg = "axis=1",
         .what = "adds axis: per-axis (1-D) scale and zero point",
         .as = AS("QuantizeLinear", 13)},
        {.v = 19,
         .kind = K_TYPES,
         .dt = B(F32) | B(F16) | B(BF16) | B(I8) | B(U8) | B(I32),
         .what = "adds float8/float16/bfloat16 types and saturate (float8 only)",
         .as = AS("QuantizeLinear", 19)},
        {.v = 21,
         .kind = K_ADD,
         .dt = B(F32) | B(F16) | B(BF16) | B(I8) | B(U8) | B(I16) | B(U16) | B(I32) | B(I4) | B(U4),
         .arg = "block_size=0,output_dtype=0",
         .what = "adds blocked quantization, output_dtype and int4/uint4/int16",
         .as = AS("QuantizeLinear", 21)},
        {.v = 23,
         .kind = K_ADD,
         .dt = B(F32) | B(F16) | B(BF16) | B(I8) | B(U8) | B(I16) | B(U16) | B(I32) | B(I4) | B(U4),
         .arg = "precision=0",
         .what = "adds precision and float4e2m1",
         .as = AS("QuantizeLinear", 23)},
        {.v = 24,
         .kind = K_TYPES,
         .dt = B(F32) | B(F16) | B(BF16) | B(I8) | B(U8) | B(I16) | B(U16) | B(I32) | B(I4) | B(U4),
         .what = "adds float8e8m0",
         .as = AS("QuantizeLinear", 24)},
        {.v = 25,
         .kind = K_TYPES,
         .dt = B(F32) | B(F16) | B(BF16) | B(I8) | B(U8) | B(I16) | B(U16) | B(I32) | B(I4) | B(U4),
         .what = "adds int2, uint2",
         .as = AS("QuantizeLinear", 25)},
    }},
    [IR_OP_RMS_NORMALIZATION] =
        {{
             {.v = 23, .kind = K_NEW, .dt = DT_FLT | B(BF16), .as = AS("RMSNormalization", 23)},
         },
         .decomp = "decomposed into Mul, ReduceMean, Add, Sqrt, Div, Mul",
         .decomp_min = 7,
         .decomp_need = D_NONE},
    [IR_OP_RNN] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT | B(I32), .as = AS("RNN", 1)},
        {.v = 7,
         .kind = K_DROP,
         .dt = DT_FLT | B(I32),
         .arg = "output_sequence",
         .what = "drops output_sequence (Y is output when it is connected)",
         .as = AS("RNN", 7)},
        {.v = 14,
         .kind = K_ADD,
         .dt = DT_FLT | B(I32),
         .arg = "layout=0",
         .what = "adds layout (1: batch-first)",
         .rewrite = "rewritten as Transpose, RNN, Transpose",
         .as = AS("RNN", 14)},
        {.v = 22,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16) | B(I32),
         .what = "adds bfloat16",
         .as = AS("RNN", 22)},
    }},
    [IR_OP_RANGE] = {{
                         {.v = 11,
                          .kind = K_NEW,
                          .dt = B(F32) | B(F64) | B(I16) | B(I32) | B(I64),
                          .as = AS("Range", 11)},
                         {.v = 27,
                          .kind = K_ADD,
                          .dt = DT_FLT | B(BF16) | B(I16) | B(I32) | B(I64),
                          .arg = "stash_type=1",
                          .what = "adds float16/bfloat16 and stash_type",
                          .as = AS("Range", 27)},
                     },
                     .decomp = "folded into a Constant",
                     .decomp_min = 1,
                     .decomp_need = D_CONST_ALL},
    [IR_OP_RECIPROCAL] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("Reciprocal", 1)},
        {.v = 6,
         .kind = K_DROP,
         .dt = DT_FLT,
         .arg = "consumed_inputs",
         .what = "drops the legacy consumed_inputs attribute",
         .as = AS("Reciprocal", 6)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Reciprocal", 13)},
    }},
    [IR_OP_REDUCE_L1] = {{
        {.v = 1,
         .kind = K_NEW,
         .dt = DT_FLT | B(I32) | B(U32) | B(I64) | B(U64),
         .as = AS("ReduceL1", 1)},
        {.v = 11,
         .kind = K_NEG,
         .dt = DT_FLT | B(I32) | B(U32) | B(I64) | B(U64),
         .neg = "axes",
         .what = "accepts negative axes",
         .as = AS("ReduceL1", 11)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16) | B(I32) | B(U32) | B(I64) | B(U64),
         .what = "adds bfloat16",
         .as = AS("ReduceL1", 13)},
        {.v = 18,
         .kind = K_MOVE,
         .dt = DT_FLT | B(BF16) | B(I32) | B(U32) | B(I64) | B(U64),
         .arg = "axes#1",
         .what = "axes moves from attribute to optional input; adds noop_with_empty_axes",
         .as = AS("ReduceL1", 18)},
    }},
    [IR_OP_REDUCE_L2] = {{
        {.v = 1,
         .kind = K_NEW,
         .dt = DT_FLT | B(I32) | B(U32) | B(I64) | B(U64),
         .as = AS("ReduceL2", 1)},
        {.v = 11,
         .kind = K_NEG,
         .dt = DT_FLT | B(I32) | B(U32) | B(I64) | B(U64),
         .neg = "axes",
         .what = "accepts negative axes",
         .as = AS("ReduceL2", 11)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16) | B(I32) | B(U32) | B(I64) | B(U64),
         .what = "adds bfloat16",
         .as = AS("ReduceL2", 13)},
        {.v = 18,
         .kind = K_MOVE,
         .dt = DT_FLT | B(BF16) | B(I32) | B(U32) | B(I64) | B(U64),
         .arg = "axes#1",
         .what = "axes moves from attribute to optional input; adds noop_with_empty_axes",
         .as = AS("ReduceL2", 18)},
    }},
    [IR_OP_REDUCE_LOG_SUM] = {{
        {.v = 1,
         .kind = K_NEW,
         .dt = DT_FLT | B(I32) | B(U32) | B(I64) | B(U64),
         .as = AS("ReduceLogSum", 1)},
        {.v = 11,
         .kind = K_NEG,
         .dt = DT_FLT | B(I32) | B(U32) | B(I64) | B(U64),
         .neg = "axes",
         .what = "accepts negative axes",
         .as = AS("ReduceLogSum", 11)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16) | B(I32) | B(U32) | B(I64) | B(U64),
         .what = "adds bfloat16",
         .as = AS("ReduceLogSum", 13)},
        {.v = 18,
         .kind = K_MOVE,
         .dt = DT_FLT | B(BF16) | B(I32) | B(U32) | B(I64) | B(U64),
         .arg = "axes#1",
         .what = "axes moves from attribute to optional input; adds noop_with_empty_axes",
         .as = AS("ReduceLogSum", 18)},
    }},
    [IR_OP_REDUCE_LOG_SUM_EXP] = {{
        {.v = 1,
         .kind = K_NEW,
         .dt = DT_FLT | B(I32) | B(U32) | B(I64) | B(U64),
         .as = AS("ReduceLogSumExp", 1)},
        {.v = 11,
         .kind = K_NEG,
         .dt = DT_FLT | B(I32) | B(U32) | B(I64) | B(U64),
         .neg = "axes",
         .what = "accepts negative axes",
         .as = AS("ReduceLogSumExp", 11)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16) | B(I32) | B(U32) | B(I64) | B(U64),
         .what = "adds bfloat16",
         .as = AS("ReduceLogSumExp", 13)},
        {.v = 18,
         .kind = K_MOVE,
         .dt = DT_FLT | B(BF16) | B(I32) | B(U32) | B(I64) | B(U64),
         .arg = "axes#1",
         .what = "axes moves from attribute to optional input; adds noop_with_empty_axes",
         .as = AS("ReduceLogSumExp", 18)},
    }},
    [IR_OP_REDUCE_MAX] = {{
        {.v = 1,
         .kind = K_NEW,
         .dt = DT_FLT | B(I32) | B(U32) | B(I64) | B(U64),
         .as = AS("ReduceMax", 1)},
        {.v = 11,
         .kind = K_NEG,
         .dt = DT_FLT | B(I32) | B(U32) | B(I64) | B(U64),
         .neg = "axes",
         .what = "accepts negative axes",
         .as = AS("ReduceMax", 11)},
        {.v = 12,
         .kind = K_TYPES,
         .dt = DT_FLT | B(I8) | B(U8) | B(I32) | B(U32) | B(I64) | B(U64),
         .what = "adds int8, uint8",
         .as = AS("ReduceMax", 12)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16) | B(I8) | B(U8) | B(I32) | B(U32) | B(I64) | B(U64),
         .what = "adds bfloat16",
         .as = AS("ReduceMax", 13)},
        {.v = 18,
         .kind = K_MOVE,
         .dt = DT_FLT | B(BF16) | B(I8) | B(U8) | B(I32) | B(U32) | B(I64) | B(U64),
         .arg = "axes#1",
         .what = "axes moves from attribute to optional input; adds noop_with_empty_axes",
         .as = AS("ReduceMax", 18)},
        {.v = 20,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16) | B(I8) | B(U8) | B(I32) | B(U32) | B(I64) | B(U64) | B(BOOL),
         .what = "adds bool",
         .as = AS("ReduceMax", 20)},
    }},
    [IR_OP_REDUCE_MEAN] = {{
        {.v = 1,
         .kind = K_NEW,
         .dt = DT_FLT | B(I32) | B(U32) | B(I64) | B(U64),
         .as = AS("ReduceMean", 1)},
        {.v = 11,
         .kind = K_NEG,
         .dt = DT_FLT | B(I32) | B(U32) | B(I64) | B(U64),
         .neg = "axes",
         .what = "accepts negative axes",
         .as = AS("ReduceMean", 11)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16) | B(I32) | B(U32) | B(I64) | B(U64),
         .what = "adds bfloat16",
         .as = AS("ReduceMean", 13)},
        {.v = 18,
         .kind = K_MOVE,
         .dt = DT_FLT | B(BF16) | B(I32) | B(U32) | B(I64) | B(U64),
         .arg = "axes#1",
         .what = "axes moves from attribute to optional input; adds noop_with_empty_axes",
         .as = AS("ReduceMean", 18)},
    }},
    [IR_OP_REDUCE_MIN] = {{
        {.v = 1,
         .kind = K_NEW,
         .dt = DT_FLT | B(I32) | B(U32) | B(I64) | B(U64),
         .as = AS("ReduceMin", 1)},
        {.v = 11,
         .kind = K_NEG,
         .dt = DT_FLT | B(I32) | B(U32) | B(I64) | B(U64),
         .neg = "axes",
         .what = "accepts negative axes",
         .as = AS("ReduceMin", 11)},
        {.v = 12,
         .kind = K_TYPES,
         .dt = DT_FLT | B(I8) | B(U8) | B(I32) | B(U32) | B(I64) | B(U64),
         .what = "adds int8, uint8",
         .as = AS("ReduceMin", 12)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16) | B(I8) | B(U8) | B(I32) | B(U32) | B(I64) | B(U64),
         .what = "adds bfloat16",
         .as = AS("ReduceMin", 13)},
        {.v = 18,
         .kind = K_MOVE,
         .dt = DT_FLT | B(BF16) | B(I8) | B(U8) | B(I32) | B(U32) | B(I64) | B(U64),
         .arg = "axes#1",
         .what = "axes moves from attribute to optional input; adds noop_with_empty_axes",
         .as = AS("ReduceMin", 18)},
        {.v = 20,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16) | B(I8) | B(U8) | B(I32) | B(U32) | B(I64) | B(U64) | B(BOOL),
         .what = "adds bool",
         .as = AS("ReduceMin", 20)},
    }},
    [IR_OP_REDUCE_PROD] = {{
        {.v = 1,
         .kind = K_NEW,
         .dt = DT_FLT | B(I32) | B(U32) | B(I64) | B(U64),
         .as = AS("ReduceProd", 1)},
        {.v = 11,
         .kind = K_NEG,
         .dt = DT_FLT | B(I32) | B(U32) | B(I64) | B(U64),
         .neg = "axes",
         .what = "accepts negative axes",
         .as = AS("ReduceProd", 11)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16) | B(I32) | B(U32) | B(I64) | B(U64),
         .what = "adds bfloat16",
         .as = AS("ReduceProd", 13)},
        {.v = 18,
         .kind = K_MOVE,
         .dt = DT_FLT | B(BF16) | B(I32) | B(U32) | B(I64) | B(U64),
         .arg = "axes#1",
         .what = "axes moves from attribute to optional input; adds noop_with_empty_axes",
         .as = AS("ReduceProd", 18)},
    }},
    [IR_OP_REDUCE_SUM] = {{
        {.v = 1,
         .kind = K_NEW,
         .dt = DT_FLT | B(I32) | B(U32) | B(I64) | B(U64),
         .as = AS("ReduceSum", 1)},
        {.v = 11,
         .kind = K_NEG,
         .dt = DT_FLT | B(I32) | B(U32) | B(I64) | B(U64),
         .neg = "axes",
         .what = "accepts negative axes",
         .as = AS("ReduceSum", 11)},
        {.v = 13,
         .kind = K_MOVE,
         .dt = DT_FLT | B(BF16) | B(I32) | B(U32) | B(I64) | B(U64),
         .arg = "axes#1",
         .what = "axes moves from attribute to optional input; adds noop_with_empty_axes",
         .as = AS("ReduceSum", 13)},
    }},
    [IR_OP_REDUCE_SUM_SQUARE] = {{
        {.v = 1,
         .kind = K_NEW,
         .dt = DT_FLT | B(I32) | B(U32) | B(I64) | B(U64),
         .as = AS("ReduceSumSquare", 1)},
        {.v = 11,
         .kind = K_NEG,
         .dt = DT_FLT | B(I32) | B(U32) | B(I64) | B(U64),
         .neg = "axes",
         .what = "accepts negative axes",
         .as = AS("ReduceSumSquare", 11)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16) | B(I32) | B(U32) | B(I64) | B(U64),
         .what = "adds bfloat16",
         .as = AS("ReduceSumSquare", 13)},
        {.v = 18,
         .kind = K_MOVE,
         .dt = DT_FLT | B(BF16) | B(I32) | B(U32) | B(I64) | B(U64),
         .arg = "axes#1",
         .what = "axes moves from attribute to optional input; adds noop_with_empty_axes",
         .as = AS("ReduceSumSquare", 18)},
    }},
    [IR_OP_RELU] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("Relu", 1)},
        {.v = 6,
         .kind = K_DROP,
         .dt = DT_FLT,
         .arg = "consumed_inputs",
         .what = "drops the legacy consumed_inputs attribute",
         .as = AS("Relu", 6)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Relu", 13)},
        {.v = 14,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16) | B(I8) | B(I16) | B(I32) | B(I64),
         .what = "adds int16, int32, int64, int8",
         .as = AS("Relu", 14)},
    }},
    [IR_OP_RESHAPE] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("Reshape", 1)},
        {.v = 5,
         .kind = K_MOVE,
         .dt = DT_ALL,
         .arg = "shape#1",
         .what = "shape moves from attribute to input (and consumed_inputs goes)",
         .as = AS("Reshape", 5)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Reshape", 13)},
        {.v = 14,
         .kind = K_ADD,
         .dt = DT_ALL | B(BF16),
         .arg = "allowzero=0",
         .what = "adds allowzero (default 0: a 0 copies the input dim, as before)",
         .as = AS("Reshape", 14)},
        {.v = 19,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16),
         .what = "adds float8e4m3fn, float8e4m3fnuz, float8e5m2, float8e5m2fnuz",
         .as = AS("Reshape", 19)},
        {.v = 21,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds int4, uint4",
         .as = AS("Reshape", 21)},
        {.v = 23,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds float4e2m1",
         .as = AS("Reshape", 23)},
        {.v = 24,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds float8e8m0",
         .as = AS("Reshape", 24)},
        {.v = 25,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds int2, uint2",
         .as = AS("Reshape", 25)},
    }},
    [IR_OP_RESIZE] = {{
                          {.v = 10, .kind = K_NEW, .dt = DT_ALL, .as = AS("Resize", 10)},
                          {.v = 11,
                           .kind = K_CHANGE,
                           .hook = H_RESIZE11,
                           .dt = DT_ALL,
                           .what = "adds roi and sizes inputs, coordinate_transformation_mode "
                                   "(default half_pixel), cubic mode, nearest_mode",
                           .as = AS("Resize", 11)},
                          {.v = 13,
                           .kind = K_CHANGE,
                           .hook = H_RESIZE13,
                           .dt = DT_ALL | B(BF16),
                           .what =
                               "roi and scales become optional; tf_half_pixel_for_nn is removed",
                           .as = AS("Resize", 13)},
                          {.v = 18,
                           .kind = K_ADD,
                           .dt = DT_ALL | B(BF16),
                           .arg = "antialias=0,axes,keep_aspect_ratio_policy=stretch",
                           .what = "adds antialias, axes and keep_aspect_ratio_policy",
                           .as = AS("Resize", 18)},
                          {.v = 19,
                           .kind = K_ADD,
                           .dt = DT_ALL | B(BF16),
                           .arg = "coordinate_transformation_mode!half_pixel_symmetric",
                           .what = "adds coordinate_transformation_mode half_pixel_symmetric",
                           .as = AS("Resize", 19)},
                      },
                      .decomp = "rewritten as Upsample",
                      .decomp_min = 7,
                      .decomp_need = D_RESIZE},
    [IR_OP_REVERSE_SEQUENCE] = {{
        {.v = 10, .kind = K_NEW, .dt = DT_ALL, .as = AS("ReverseSequence", 10)},
    }},
    [IR_OP_ROI_ALIGN] = {{
        {.v = 10, .kind = K_NEW, .dt = DT_FLT | B(I64), .as = AS("RoiAlign", 10)},
        {.v = 16,
         .kind = K_ADD,
         .dt = DT_FLT | B(I64),
         .arg = "coordinate_transformation_mode=output_half_pixel/half_pixel",
         .what = "adds coordinate_transformation_mode whose default half_pixel differs from the "
                 "old mapping (output_half_pixel)",
         .as = AS("RoiAlign", 16)},
        {.v = 22,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16) | B(I64),
         .what = "adds bfloat16",
         .as = AS("RoiAlign", 22)},
    }},
    [IR_OP_ROUND] = {{
        {.v = 11, .kind = K_NEW, .dt = DT_FLT, .as = AS("Round", 11)},
        {.v = 22,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Round", 22)},
    }},
    [IR_OP_SCAN] = {{
        {.v = 8, .kind = K_NEW, .dt = DT_ALL, .as = AS("Scan", 8)},
        {.v = 9,
         .kind = K_CHANGE,
         .dt = DT_ALL,
         .what = "drops the batch axis and sequence_lens; adds per-input/output scan axes and "
                 "directions",
         .as = AS("Scan", 9)},
        {.v = 11,
         .kind = K_NEG,
         .dt = DT_ALL,
         .neg = "scan_input_axes,scan_output_axes",
         .what = "accepts negative scan axes",
         .as = AS("Scan", 11)},
        {.v = 16,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Scan", 16)},
        {.v = 19,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16),
         .what = "adds float8e4m3fn, float8e4m3fnuz, float8e5m2, float8e5m2fnuz",
         .as = AS("Scan", 19)},
        {.v = 21,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds int4, uint4",
         .as = AS("Scan", 21)},
        {.v = 23,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds float4e2m1",
         .as = AS("Scan", 23)},
        {.v = 24,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds float8e8m0",
         .as = AS("Scan", 24)},
        {.v = 25,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds int2, uint2",
         .as = AS("Scan", 25)},
    }},
    [IR_OP_SCATTER] = {{
        {.v = 9, .kind = K_NEW, .dt = DT_ALL, .as = AS("Scatter", 9)},
        {.v = 11,
         .kind = K_GONE,
         .arg = "ScatterElements",
         .what = "deprecated: ScatterElements computes the same",
         .rewrite = "rewritten as ScatterElements",
         .as = AS("Scatter", 11)},
    }},
    [IR_OP_SCATTER_ELEMENTS] =
        {{
             {.v = 11, .kind = K_NEW, .dt = DT_ALL, .as = AS("ScatterElements", 11)},
             {.v = 13,
              .kind = K_TYPES,
              .dt = DT_ALL | B(BF16),
              .what = "adds bfloat16",
              .as = AS("ScatterElements", 13)},
             {.v = 16,
              .kind = K_ADD,
              .dt = DT_ALL | B(BF16),
              .arg = "reduction=none",
              .what = "adds reduction (none, add, mul)",
              .as = AS("ScatterElements", 16)},
             {.v = 18,
              .kind = K_ADD,
              .dt = DT_ALL | B(BF16),
              .arg = "reduction!max|min",
              .what = "adds reductions max and min",
              .as = AS("ScatterElements", 18)},
         },
         .decomp = "rewritten as Scatter",
         .decomp_min = 9,
         .decomp_need = D_SCATTER},
    [IR_OP_SCATTER_ND] = {{
        {.v = 11, .kind = K_NEW, .dt = DT_ALL, .as = AS("ScatterND", 11)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16),
         .what = "adds bfloat16",
         .as = AS("ScatterND", 13)},
        {.v = 16,
         .kind = K_ADD,
         .dt = DT_ALL | B(BF16),
         .arg = "reduction=none",
         .what = "adds reduction (none, add, mul)",
         .as = AS("ScatterND", 16)},
        {.v = 18,
         .kind = K_ADD,
         .dt = DT_ALL | B(BF16),
         .arg = "reduction!max|min",
         .what = "adds reductions max and min",
         .as = AS("ScatterND", 18)},
    }},
    [IR_OP_SELU] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("Selu", 1)},
        {.v = 6,
         .kind = K_DROP,
         .dt = DT_FLT,
         .arg = "consumed_inputs",
         .what = "drops consumed_inputs; the alpha and gamma defaults gain digits (1.6732 -> "
                 "1.67326319, 1.0507 -> 1.05070102)",
         .as = AS("Selu", 6)},
        {.v = 22,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Selu", 22)},
    }},
    [IR_OP_SHAPE] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_ALL, .as = AS("Shape", 1)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Shape", 13)},
        {.v = 15,
         .kind = K_ADD,
         .dt = DT_ALL | B(BF16),
         .arg = "start=0,end",
         .what = "adds start and end",
         .rewrite = "rewritten as Shape, Slice",
         .as = AS("Shape", 15)},
        {.v = 19,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16),
         .what = "adds float8e4m3fn, float8e4m3fnuz, float8e5m2, float8e5m2fnuz",
         .as = AS("Shape", 19)},
        {.v = 21,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds int4, uint4",
         .as = AS("Shape", 21)},
        {.v = 23,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds float4e2m1",
         .as = AS("Shape", 23)},
        {.v = 24,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds float8e8m0",
         .as = AS("Shape", 24)},
        {.v = 25,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds int2, uint2",
         .as = AS("Shape", 25)},
    }},
    [IR_OP_SHRINK] = {{
        {.v = 9, .kind = K_NEW, .dt = DT_FLT | DT_INT, .as = AS("Shrink", 9)},
    }},
    [IR_OP_SIGMOID] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("Sigmoid", 1)},
        {.v = 6,
         .kind = K_DROP,
         .dt = DT_FLT,
         .arg = "consumed_inputs",
         .what = "drops the legacy consumed_inputs attribute",
         .as = AS("Sigmoid", 6)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Sigmoid", 13)},
    }},
    [IR_OP_SIGN] = {{
        {.v = 9, .kind = K_NEW, .dt = DT_FLT | DT_INT, .as = AS("Sign", 9)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_FLT | DT_INT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Sign", 13)},
    }},
    [IR_OP_SIN] = {{
        {.v = 7, .kind = K_NEW, .dt = DT_FLT, .as = AS("Sin", 7)},
        {.v = 22,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Sin", 22)},
    }},
    [IR_OP_SINH] = {{
                        {.v = 9, .kind = K_NEW, .dt = DT_FLT, .as = AS("Sinh", 9)},
                        {.v = 22,
                         .kind = K_TYPES,
                         .dt = DT_FLT | B(BF16),
                         .what = "adds bfloat16",
                         .as = AS("Sinh", 22)},
                    },
                    .decomp = "decomposed into Exp, Neg, Exp, Sub, Div",
                    .decomp_min = 7,
                    .decomp_need = D_NONE},
    [IR_OP_SIZE] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_ALL, .as = AS("Size", 1)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Size", 13)},
        {.v = 19,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16),
         .what = "adds float8e4m3fn, float8e4m3fnuz, float8e5m2, float8e5m2fnuz",
         .as = AS("Size", 19)},
        {.v = 21,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds int4, uint4",
         .as = AS("Size", 21)},
        {.v = 23,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds float4e2m1",
         .as = AS("Size", 23)},
        {.v = 24,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds float8e8m0",
         .as = AS("Size", 24)},
        {.v = 25,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds int2, uint2",
         .as = AS("Size", 25)},
    }},
    [IR_OP_SLICE] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_ALL, .as = AS("Slice", 1)},
        {.v = 10,
         .kind = K_CHANGE,
         .hook = H_SLICE10,
         .dt = DT_ALL,
         .what = "starts, ends and axes move from attributes to inputs; adds steps",
         .as = AS("Slice", 10)},
        {.v = 11,
         .kind = K_NEG,
         .dt = DT_ALL,
         .neg = "#3",
         .what = "accepts negative axes",
         .as = AS("Slice", 11)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Slice", 13)},
    }},
    [IR_OP_SOFTMAX] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("Softmax", 1)},
        {.v = 11,
         .kind = K_NEG,
         .dt = DT_FLT,
         .neg = "axis",
         .what = "accepts negative axis values",
         .as = AS("Softmax", 11)},
        {.v = 13,
         .kind = K_CHANGE,
         .hook = H_SOFTMAX13,
         .dt = DT_FLT | B(BF16),
         .what = "works along the single axis (default -1); before 13 the input was coerced to 2-D "
                 "at axis (default 1)",
         .as = AS("Softmax", 13)},
    }},
    [IR_OP_SOFTPLUS] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("Softplus", 1)},
        {.v = 22,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Softplus", 22)},
    }},
    [IR_OP_SOFTSIGN] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("Softsign", 1)},
        {.v = 22,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Softsign", 22)},
    }},
    [IR_OP_SPACE_TO_DEPTH] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_ALL, .as = AS("SpaceToDepth", 1)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16),
         .what = "adds bfloat16",
         .as = AS("SpaceToDepth", 13)},
    }},
    [IR_OP_SPLIT] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("Split", 1)},
        {.v = 2,
         .kind = K_CHANGE,
         .dt = DT_ALL,
         .what = "split moves from an optional input to an attribute",
         .as = AS("Split", 2)},
        {.v = 11,
         .kind = K_NEG,
         .dt = DT_ALL,
         .neg = "axis",
         .what = "accepts negative axis values",
         .as = AS("Split", 11)},
        {.v = 13,
         .kind = K_MOVE,
         .dt = DT_ALL | B(BF16),
         .arg = "split#1",
         .what = "split moves from attribute to optional input",
         .as = AS("Split", 13)},
        {.v = 18,
         .kind = K_CHANGE,
         .hook = H_SPLIT18,
         .dt = DT_ALL | B(BF16),
         .what = "adds num_outputs: one of it or the split input must be given (uneven: last chunk "
                 "smaller)",
         .as = AS("Split", 18)},
    }},
    [IR_OP_SQRT] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("Sqrt", 1)},
        {.v = 6,
         .kind = K_DROP,
         .dt = DT_FLT,
         .arg = "consumed_inputs",
         .what = "drops the legacy consumed_inputs attribute",
         .as = AS("Sqrt", 6)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Sqrt", 13)},
    }},
    [IR_OP_SQUEEZE] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_ALL, .as = AS("Squeeze", 1)},
        {.v = 11,
         .kind = K_NEG,
         .dt = DT_ALL,
         .neg = "axes",
         .what = "accepts negative axes",
         .as = AS("Squeeze", 11)},
        {.v = 13,
         .kind = K_MOVE,
         .dt = DT_ALL | B(BF16),
         .arg = "axes#1",
         .what = "axes moves from attribute to input",
         .as = AS("Squeeze", 13)},
        {.v = 21,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds float8e4m3fn, float8e4m3fnuz, float8e5m2, float8e5m2fnuz, int4, uint4",
         .as = AS("Squeeze", 21)},
        {.v = 23,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds float4e2m1",
         .as = AS("Squeeze", 23)},
        {.v = 24,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds float8e8m0",
         .as = AS("Squeeze", 24)},
        {.v = 25,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds int2, uint2",
         .as = AS("Squeeze", 25)},
    }},
    [IR_OP_SUB] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("Sub", 1)},
        {.v = 6,
         .kind = K_DROP,
         .dt = DT_FLT | B(I32) | B(U32) | B(I64) | B(U64),
         .arg = "consumed_inputs",
         .what = "drops the legacy consumed_inputs attribute",
         .as = AS("Sub", 6)},
        {.v = 7,
         .kind = K_CHANGE,
         .hook = H_BCAST7,
         .dt = DT_FLT | B(I32) | B(U32) | B(I64) | B(U64),
         .what = "the broadcast and axis attributes give way to numpy-style multidirectional "
                 "broadcasting",
         .as = AS("Sub", 7)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16) | B(I32) | B(U32) | B(I64) | B(U64),
         .what = "adds bfloat16",
         .as = AS("Sub", 13)},
        {.v = 14,
         .kind = K_TYPES,
         .dt = DT_FLT | DT_INT | B(BF16),
         .what = "adds int16, int8, uint16, uint8",
         .as = AS("Sub", 14)},
    }},
    [IR_OP_SUM] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("Sum", 1)},
        {.v = 6,
         .kind = K_DROP,
         .dt = DT_FLT,
         .arg = "consumed_inputs",
         .what = "drops the legacy consumed_inputs attribute",
         .as = AS("Sum", 6)},
        {.v = 8,
         .kind = K_CHANGE,
         .hook = H_BCAST8,
         .dt = DT_FLT,
         .what =
             "inputs may differ in shape (multidirectional broadcasting); before 8 they must match",
         .as = AS("Sum", 8)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Sum", 13)},
    }},
    [IR_OP_SWISH] = {{
                         {.v = 24, .kind = K_NEW, .dt = DT_FLT | B(BF16), .as = AS("Swish", 24)},
                     },
                     .decomp = "decomposed into Mul, Sigmoid, Mul",
                     .decomp_min = 7,
                     .decomp_need = D_NONE},
    [IR_OP_TAN] = {{
        {.v = 7, .kind = K_NEW, .dt = DT_FLT, .as = AS("Tan", 7)},
        {.v = 22,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Tan", 22)},
    }},
    [IR_OP_TANH] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT, .as = AS("Tanh", 1)},
        {.v = 6,
         .kind = K_DROP,
         .dt = DT_FLT,
         .arg = "consumed_inputs",
         .what = "drops the legacy consumed_inputs attribute",
         .as = AS("Tanh", 6)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_FLT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Tanh", 13)},
    }},
    [IR_OP_THRESHOLDED_RELU] =
        {{
             {.v = 10, .kind = K_NEW, .dt = DT_FLT, .as = AS("ThresholdedRelu", 10)},
             {.v = 22,
              .kind = K_TYPES,
              .dt = DT_FLT | B(BF16),
              .what = "adds bfloat16",
              .as = AS("ThresholdedRelu", 22)},
         },
         .decomp = "decomposed into Greater, Cast, Mul",
         .decomp_min = 7,
         .decomp_need = D_NONE},
    [IR_OP_TILE] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT | B(I64), .as = AS("Tile", 1)},
        {.v = 6,
         .kind = K_CHANGE,
         .dt = DT_ALL,
         .what = "the tiles and axis inputs give way to one repeats input",
         .as = AS("Tile", 6)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Tile", 13)},
    }},
    [IR_OP_TOP_K] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT | B(I64), .as = AS("TopK", 1)},
        {.v = 10,
         .kind = K_MOVE,
         .dt = DT_FLT | B(I64),
         .arg = "k#1",
         .what = "k moves from attribute to input K",
         .as = AS("TopK", 10)},
        {.v = 11,
         .kind = K_ADD,
         .dt = DT_FLT | DT_INT,
         .arg = "largest=1,sorted=1",
         .neg = "axis",
         .what = "adds largest and sorted (defaults as before); accepts negative axis",
         .as = AS("TopK", 11)},
        {.v = 24,
         .kind = K_TYPES,
         .dt = DT_FLT | DT_INT | B(BF16),
         .what = "adds bfloat16",
         .as = AS("TopK", 24)},
    }},
    [IR_OP_TRANSPOSE] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_ALL, .as = AS("Transpose", 1)},
        {.v = 13,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Transpose", 13)},
        {.v = 21,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds float8e4m3fn, float8e4m3fnuz, float8e5m2, float8e5m2fnuz, int4, uint4",
         .as = AS("Transpose", 21)},
        {.v = 23,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds float4e2m1",
         .as = AS("Transpose", 23)},
        {.v = 24,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds float8e8m0",
         .as = AS("Transpose", 24)},
        {.v = 25,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds int2, uint2",
         .as = AS("Transpose", 25)},
    }},
    [IR_OP_TRILU] = {{
                         {.v = 14, .kind = K_NEW, .dt = DT_ALL | B(BF16), .as = AS("Trilu", 14)},
                     },
                     .decomp = "rewritten as Mul by a constant triangular mask",
                     .decomp_min = 7,
                     .decomp_need = D_STATIC},
    [IR_OP_UNIQUE] = {{
        {.v = 11, .kind = K_NEW, .dt = DT_ALL, .as = AS("Unique", 11)},
    }},
    [IR_OP_UNSQUEEZE] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_ALL, .as = AS("Unsqueeze", 1)},
        {.v = 11,
         .kind = K_NEG,
         .dt = DT_ALL,
         .neg = "axes",
         .what = "accepts negative axes",
         .as = AS("Unsqueeze", 11)},
        {.v = 13,
         .kind = K_MOVE,
         .dt = DT_ALL | B(BF16),
         .arg = "axes#1",
         .what = "axes moves from attribute to input",
         .as = AS("Unsqueeze", 13)},
        {.v = 21,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds float8e4m3fn, float8e4m3fnuz, float8e5m2, float8e5m2fnuz, int4, uint4",
         .as = AS("Unsqueeze", 21)},
        {.v = 23,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds float4e2m1",
         .as = AS("Unsqueeze", 23)},
        {.v = 24,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds float8e8m0",
         .as = AS("Unsqueeze", 24)},
        {.v = 25,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16) | B(I4) | B(U4),
         .what = "adds int2, uint2",
         .as = AS("Unsqueeze", 25)},
    }},
    [IR_OP_UPSAMPLE] = {{
        {.v = 1, .kind = K_NEW, .dt = DT_FLT | B(I32) | B(I64) | B(BOOL), .as = AS("Upsample", 1)},
        {.v = 7,
         .kind = K_CHANGE,
         .dt = DT_ALL,
         .what = "height_scale/width_scale give way to scales",
         .as = AS("Upsample", 7)},
        {.v = 9,
         .kind = K_MOVE,
         .dt = DT_ALL,
         .arg = "scales#1",
         .what = "scales moves from attribute to input",
         .as = AS("Upsample", 9)},
        {.v = 10,
         .kind = K_GONE,
         .arg = "Resize",
         .what = "deprecated: Resize replaces it",
         .rewrite = "rewritten as Resize",
         .as = AS("Upsample", 10)},
    }},
    [IR_OP_WHERE] = {{
        {.v = 9, .kind = K_NEW, .dt = DT_ALL, .as = AS("Where", 9)},
        {.v = 16,
         .kind = K_TYPES,
         .dt = DT_ALL | B(BF16),
         .what = "adds bfloat16",
         .as = AS("Where", 16)},
    }},
    [IR_OP_XOR] = {{
        {.v = 1, .kind = K_NEW, .dt = B(BOOL), .as = AS("Xor", 1)},
        {.v = 7,
         .kind = K_CHANGE,
         .hook = H_BCAST7,
         .dt = B(BOOL),
         .what = "the broadcast and axis attributes give way to numpy-style multidirectional "
                 "broadcasting",
         .as = AS("Xor", 7)},
    }},
};
_Static_assert(sizeof hist / sizeof hist[0] == ONNX_OP_END, "one history per ONNX op");

/* ai.onnx operators ferry does not model (they reach the rules as
 * IR_OP_OPAQUE): their versions only, from the same Changelog, by name. */
static const struct other_op {
    const char *name;
    int v[4];
} other_ops[] = {
    {"AffineGrid", {20}},
    {"Bernoulli", {15, 22}},
    {"BitCast", {26}},
    {"BlackmanWindow", {17}},
    {"CausalConvWithState", {27}},
    {"CenterCropPad", {18}},
    {"Col2Im", {18}},
    {"ConcatFromSequence", {11}},
    {"CumProd", {26}},
    {"DFT", {17, 20}},
    {"HammingWindow", {17}},
    {"HannWindow", {17}},
    {"ImageDecoder", {20}},
    {"LinearAttention", {27}},
    {"MelWeightMatrix", {17}},
    {"Multinomial", {7, 22}},
    {"NegativeLogLikelihoodLoss", {12, 13, 22}},
    {"Optional", {15}},
    {"OptionalGetElement", {15, 18}},
    {"OptionalHasElement", {15, 18}},
    {"RandomNormal", {1, 22}},
    {"RandomNormalLike", {1, 22}},
    {"RandomUniform", {1, 22}},
    {"RandomUniformLike", {1, 22}},
    {"RegexFullMatch", {20}},
    {"RotaryEmbedding", {23}},
    {"STFT", {17}},
    {"SequenceAt", {11}},
    {"SequenceConstruct", {11}},
    {"SequenceEmpty", {11}},
    {"SequenceErase", {11}},
    {"SequenceInsert", {11}},
    {"SequenceLength", {11}},
    {"SequenceMap", {17}},
    {"SoftmaxCrossEntropyLoss", {12, 13}},
    {"SplitToSequence", {11, 24}},
    {"StringConcat", {20}},
    {"StringNormalizer", {10}},
    {"StringSplit", {20}},
    {"SwiGLU", {28}},
    {"TensorScatter", {24}},
    {"TfIdfVectorizer", {9}},
};

/* ---- versions ---- */

static int n_steps(const int *v, int cap)
{
    int k = 0;
    while (k < cap && v[k])
        k++;
    return k;
}

static int hist_count(const struct op_history *h)
{
    int k = 0;
    while (k < MAX_STEPS && h->s[k].v)
        k++;
    return k;
}

/* The index of the version in force at opset k; -1 before the first. */
static int hist_at(const struct op_history *h, int64_t k)
{
    int i = -1;
    for (int j = 0; j < hist_count(h); j++)
        if (h->s[j].v <= k) i = j;
    return i;
}

static int64_t clamp_opset(int64_t k)
{
    return k > OPSET_MAX ? OPSET_MAX : k;
}

/* For tests/unit/test_target_opset.c, which compares the table with python
 * onnx's schemas: the since_versions of op and each version's dtype mask
 * (0 for a deprecated version); returns the count, or -1 for a non-ONNX op. */
int onnx_opset_history(enum ir_op op, int *since, uint32_t *dtypes, int cap);
int onnx_opset_history(enum ir_op op, int *since, uint32_t *dtypes, int cap)
{
    if (op <= IR_OP_OPAQUE || (int)op >= ONNX_OP_END) return -1;
    const struct op_history *h = &hist[op];
    int k = hist_count(h);
    for (int i = 0; i < k && i < cap; i++) {
        since[i] = h->s[i].v;
        dtypes[i] = h->s[i].kind == K_GONE ? 0 : h->s[i].dt;
    }
    return k;
}

/* ---- reading the node ---- */

/* The integer values of a constant int32/int64 tensor (up to cap of them);
 * the element count, or -1 when t is not such a constant. */
static int const_ints(const struct ir_tensor *t, int64_t *out, int cap)
{
    if (!rule_is_const(t) || !t->data) return -1;
    int size = t->dtype == IR_I64 ? 8 : t->dtype == IR_I32 ? 4 : 0;
    if (!size) return -1;
    int count = (int)(t->nbytes / (uint64_t)size);
    for (int i = 0; i < count && i < cap; i++) {
        if (size == 8) {
            int64_t x;
            memcpy(&x, (const uint8_t *)t->data + 8 * i, 8);
            out[i] = x;
        } else {
            int32_t x;
            memcpy(&x, (const uint8_t *)t->data + 4 * i, 4);
            out[i] = x;
        }
    }
    return count;
}

/* Element count of a tensor with a static shape, else -1. */
static int64_t elem_count(const struct ir_tensor *t)
{
    if (!rule_is_static(t)) return -1;
    int64_t k = 1;
    for (int d = 0; d < t->rank; d++)
        k *= t->dims[d].value;
    return k;
}

static const char *fmt_ints(char *buf, int cap, const int64_t *vals, int n)
{
    int k = snprintf(buf, (size_t)cap, "[");
    for (int i = 0; i < n && i < 8 && k < cap; i++)
        k += snprintf(buf + k, (size_t)(cap - k), "%s%lld", i ? "," : "", (long long)vals[i]);
    if (n > 8 && k < cap) k += snprintf(buf + k, (size_t)(cap - k), ",...");
    if (k < cap) snprintf(buf + k, (size_t)(cap - k), "]");
    return buf;
}

/* An attribute's value as text ("1", "[0,2]", "half_pixel"). */
static const char *fmt_attr(const struct ir_attr *a, char *buf, int cap)
{
    buf[0] = 0;
    if (!a) return buf;
    switch (a->type) {
    case IR_ATTR_INT:
        snprintf(buf, (size_t)cap, "%lld", (long long)a->v.i);
        break;
    case IR_ATTR_FLOAT:
        snprintf(buf, (size_t)cap, "%g", (double)a->v.f);
        break;
    case IR_ATTR_INTS:
        fmt_ints(buf, cap, a->v.ints, (int)a->count);
        break;
    case IR_ATTR_STRING:
        snprintf(buf, (size_t)cap, "%.*s", (int)(a->v.s.size < 60 ? a->v.s.size : 60),
                 (const char *)a->v.s.data);
        break;
    default:
        snprintf(buf, (size_t)cap, "(%s)", ir_attr_type_name(a->type));
        break;
    }
    return buf;
}

/* Whether attribute a holds the value written as text dflt. */
static bool attr_equals(const struct ir_attr *a, const char *dflt)
{
    switch (a->type) {
    case IR_ATTR_INT:
        return a->v.i == strtoll(dflt, NULL, 10);
    case IR_ATTR_FLOAT:
        return (double)a->v.f == strtod(dflt, NULL);
    case IR_ATTR_INTS:
        for (int64_t i = 0; i < a->count; i++)
            if (a->v.ints[i] != strtoll(dflt, NULL, 10)) return false;
        return true;
    case IR_ATTR_STRING:
        return a->v.s.size == strlen(dflt) && !memcmp(a->v.s.data, dflt, a->v.s.size);
    default:
        return false;
    }
}

/* Next comma-separated item of *p into buf; false at the end. */
static bool next_item(const char **p, char *buf, int cap)
{
    if (!*p || !**p) return false;
    const char *e = strchr(*p, ',');
    int k = e ? (int)(e - *p) : (int)strlen(*p);
    snprintf(buf, (size_t)cap, "%.*s", k, *p);
    *p = e ? e + 1 : *p + k;
    return true;
}

/* ---- one version step ---- */

/* What one version change means for the node. */
struct finding {
    enum check_status st;
    const char *rule;
    const char *sub; /* the substitute, when not "rewritten as <Op>-<vN>" */
    char text[224];
};

__attribute__((format(printf, 4, 5))) static void found(struct finding *f, enum check_status st,
                                                        const char *rule, const char *fmt, ...)
{
    f->st = st;
    f->rule = rule;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->text, sizeof f->text, fmt, ap);
    va_end(ap);
}

/* The labels of a version change: the op's name and the version at N. */
struct move {
    const char *op;
    int vn;  /* the version in force at N */
    bool up; /* N above the model's opset */
};

static void step_neg(const struct check_node *c, const struct step *s, const struct move *mv,
                     struct finding *f)
{
    char name[48], vals[64];
    const char *p = s->neg;
    int64_t xs[16];
    while (next_item(&p, name, sizeof name)) {
        int cnt = -1;
        bool scalar = false;
        if (name[0] == '#') {
            cnt = const_ints(rule_input(c->n, atoi(name + 1)), xs, 16);
        } else {
            const struct ir_attr *a = ir_node_attr(c->n, name);
            if (a && a->type == IR_ATTR_INT) {
                xs[0] = a->v.i;
                cnt = 1;
                scalar = true;
            } else if (a && a->type == IR_ATTR_INTS) {
                cnt = (int)(a->count < 16 ? a->count : 16);
                memcpy(xs, a->v.ints, (size_t)cnt * sizeof xs[0]);
            }
        }
        bool neg = false;
        for (int i = 0; i < cnt && i < 16; i++)
            neg |= xs[i] < 0;
        if (!neg) continue;
        const char *what = name[0] == '#' ? "input" : name;
        if (scalar)
            snprintf(vals, sizeof vals, "%lld", (long long)xs[0]);
        else
            fmt_ints(vals, sizeof vals, xs, cnt < 16 ? cnt : 16);
        if (rule_rank(rule_input(c->n, 0)) >= 0)
            found(f, CHECK_SUBSTITUTED, "onnx-opset.negative-axis",
                  "%s %s: %s-%d accepts only non-negative values (negative from %s-%d); made "
                  "non-negative with the input rank %d",
                  what, vals, mv->op, mv->vn, mv->op, s->v, rule_rank(rule_input(c->n, 0)));
        else
            found(f, CHECK_UNSUPPORTED, "onnx-opset.negative-axis",
                  "%s %s with the input rank unknown: %s-%d accepts only non-negative values "
                  "(negative from %s-%d)",
                  what, vals, mv->op, mv->vn, mv->op, s->v);
        return;
    }
}

/* K_ADD going down: does the node use what version s added? */
static void step_add_down(const struct check_node *c, const struct step *s, const struct move *mv,
                          struct finding *f)
{
    char item[96], val[64];
    const char *p = s->arg;
    while (next_item(&p, item, sizeof item)) {
        const char *used = NULL; /* what the node uses, for the message */
        bool drop_only = false;  /* the old behaviour: only the attribute must go */
        bool computed = false;   /* an input computed at run time: no rewrite */
        if (item[0] == '#') {
            int k = atoi(item + 1);
            if (rule_input(c->n, k)) {
                snprintf(val, sizeof val, "input %d", k);
                used = val;
                computed = !rule_is_const(rule_input(c->n, k));
            }
        } else if (item[0] == '^') {
            int k = atoi(item + 1);
            if (rule_output(c->n, k)) {
                snprintf(val, sizeof val, "output %d", k);
                used = val;
            }
        } else {
            char *eq = strpbrk(item, "=!");
            char op = eq ? *eq : 0;
            if (eq) *eq = 0;
            const char *rest = eq ? eq + 1 : "";
            const struct ir_attr *a = ir_node_attr(c->n, item);
            char shown[96];
            snprintf(shown, sizeof shown, "%s=%s", item, fmt_attr(a, val, sizeof val));
            if (op == '!') {
                char opt[48];
                const char *q = rest;
                /* "a|b": new values of a STRING attribute */
                while (a && *q) {
                    const char *e = strchr(q, '|');
                    int k = e ? (int)(e - q) : (int)strlen(q);
                    snprintf(opt, sizeof opt, "%.*s", k, q);
                    if (attr_equals(a, opt)) used = shown;
                    q = e ? e + 1 : q + k;
                }
            } else if (op == '=' && strchr(rest, '/')) {
                /* "old/new": absent now means new, which the old version lacks */
                char old[48];
                snprintf(old, sizeof old, "%.*s", (int)(strchr(rest, '/') - rest), rest);
                if (a && attr_equals(a, old)) {
                    used = shown;
                    drop_only = true;
                } else {
                    snprintf(shown, sizeof shown, "%s=%s", item, a ? val : strchr(rest, '/') + 1);
                    used = shown;
                }
            } else if (a && !(op == '=' && attr_equals(a, rest))) {
                used = shown;
            }
            if (used) {
                snprintf(item, sizeof item, "%s", shown);
                used = item;
            }
        }
        if (!used) continue;
        if (drop_only)
            found(f, CHECK_SUBSTITUTED, "onnx-opset.new-attribute",
                  "%s: %s-%d has no such attribute (added at %s-%d); the old behaviour is the "
                  "same without it",
                  used, mv->op, mv->vn, mv->op, s->v);
        else if (s->rewrite && !computed) {
            found(f, CHECK_SUBSTITUTED, "onnx-opset.new-attribute",
                  "%s: %s-%d lacks it (added at %s-%d); %s", used, mv->op, mv->vn, mv->op, s->v,
                  s->rewrite);
            f->sub = s->rewrite;
        } else
            found(f, CHECK_UNSUPPORTED, "onnx-opset.new-attribute",
                  "%s: %s-%d cannot express it (added at %s-%d: %s)", used, mv->op, mv->vn, mv->op,
                  s->v, s->what);
        return;
    }
}

/* K_ADD going up: only an "old/new" default needs the old value written out. */
static void step_add_up(const struct check_node *c, const struct step *s, const struct move *mv,
                        struct finding *f)
{
    char item[96];
    const char *p = s->arg;
    while (next_item(&p, item, sizeof item)) {
        char *eq = strchr(item, '=');
        if (!eq || !strchr(eq, '/')) continue;
        *eq = 0;
        *strchr(eq + 1, '/') = 0;
        if (ir_node_attr(c->n, item)) continue;
        found(f, CHECK_SUBSTITUTED, "onnx-opset.default-changed",
              "%s-%d adds %s with a default that differs from the old behaviour; the node gets "
              "%s=%s",
              mv->op, s->v, item, item, eq + 1);
        return;
    }
}

static void step_move(const struct check_node *c, const struct step *s, const struct move *mv,
                      struct finding *f)
{
    char item[48], val[96];
    int64_t xs[16];
    const char *p = s->arg;
    if (!mv->up && rule_attr_int(c->n, "noop_with_empty_axes", 0) == 1 &&
        (!rule_input(c->n, 1) || elem_count(rule_input(c->n, 1)) == 0)) {
        found(f, CHECK_SUBSTITUTED, "onnx-opset.input-to-attribute",
              "noop_with_empty_axes=1 without axes: the node passes its input through (%s-%d "
              "would reduce every axis)",
              mv->op, mv->vn);
        f->sub = "rewritten as Identity";
        return;
    }
    while (next_item(&p, item, sizeof item)) {
        char *hash = strchr(item, '#');
        int k = hash ? atoi(hash + 1) : 0;
        if (hash) *hash = 0;
        if (mv->up) {
            const struct ir_attr *a = ir_node_attr(c->n, item);
            if (!a) continue;
            found(f, CHECK_SUBSTITUTED, "onnx-opset.attribute-to-input",
                  "%s %s moves from attribute to a constant input at %s-%d", item,
                  fmt_attr(a, val, sizeof val), mv->op, s->v);
            return;
        }
        const struct ir_tensor *t = rule_input(c->n, k);
        if (!t) continue;
        if (!rule_is_const(t)) {
            found(f, CHECK_UNSUPPORTED, "onnx-opset.input-to-attribute",
                  "input %d (%s) is computed at run time: %s-%d takes %s as an attribute (an "
                  "input from %s-%d)",
                  k, item, mv->op, mv->vn, item, mv->op, s->v);
            return;
        }
        int cnt = const_ints(t, xs, 16);
        if (cnt >= 0)
            fmt_ints(val, sizeof val, xs, cnt);
        else if (t->dtype == IR_F32 && t->data && t->nbytes == 4) {
            float x;
            memcpy(&x, t->data, 4);
            snprintf(val, sizeof val, "%g", (double)x);
        } else
            snprintf(val, sizeof val, "(constant)");
        found(f, CHECK_SUBSTITUTED, "onnx-opset.input-to-attribute",
              "the constant input %d %s becomes the %s attribute of %s-%d (an input from %s-%d)", k,
              val, item, mv->op, mv->vn, mv->op, s->v);
    }
}

/* ---- hooks: changes whose answer depends on the node ---- */

static bool same_shapes(const struct ir_node *n)
{
    const struct ir_tensor *a = rule_input(n, 0);
    if (!rule_is_static(a)) return false;
    for (int i = 1; i < n->n_inputs; i++) {
        const struct ir_tensor *b = n->inputs[i];
        if (!b) continue;
        if (!rule_is_static(b) || b->rank != a->rank) return false;
        for (int d = 0; d < a->rank; d++)
            if (b->dims[d].value != a->dims[d].value) return false;
    }
    return true;
}

static void hook_bcast7(const struct check_node *c, const struct step *s, const struct move *mv,
                        struct finding *f)
{
    char b0[64], b1[64];
    if (mv->up) {
        if (!ir_node_attr(c->n, "broadcast") &&
            (c->n->op == IR_OP_GEMM || !ir_node_attr(c->n, "axis")))
            return;
        found(f, CHECK_SUBSTITUTED, "onnx-opset.broadcast",
              "broadcast=%lld axis=%lld: %s-%d drops them for numpy broadcasting; B is reshaped "
              "to align",
              (long long)rule_attr_int(c->n, "broadcast", 0),
              (long long)rule_attr_int(c->n, "axis", -1), mv->op, s->v);
        return;
    }
    if (c->n->op == IR_OP_GEMM) {
        /* Gemm-6 broadcasts C to A*B only with broadcast=1 */
        const struct ir_tensor *cc = rule_input(c->n, 2), *y = rule_output(c->n, 0);
        if (!cc) return;
        if (rule_is_static(cc) && rule_is_static(y) && cc->rank == y->rank) {
            bool eq = true;
            for (int d = 0; d < cc->rank; d++)
                eq &= cc->dims[d].value == y->dims[d].value;
            if (eq) return;
        }
        found(f, CHECK_SUBSTITUTED, "onnx-opset.broadcast",
              "C %s may need broadcasting to the output %s: %s-%d broadcasts C only with "
              "broadcast=1; rewritten so",
              rule_shape(cc, b0, sizeof b0), rule_shape(y, b1, sizeof b1), mv->op, mv->vn);
        return;
    }
    if (same_shapes(c->n)) {
        found(f, CHECK_NATIVE, NULL, "inputs of one shape: no broadcasting either way");
        return;
    }
    found(f, CHECK_SUBSTITUTED, "onnx-opset.broadcast",
          "inputs %s and %s may differ in shape: %s-%d broadcasts only with broadcast=1 (and "
          "axis); rewritten so",
          rule_shape(rule_input(c->n, 0), b0, sizeof b0),
          rule_shape(rule_input(c->n, 1), b1, sizeof b1), mv->op, mv->vn);
}

static void hook_bcast8(const struct check_node *c, const struct step *s, const struct move *mv,
                        struct finding *f)
{
    (void)s;
    char b0[64], b1[64];
    if (mv->up) return;
    if (same_shapes(c->n)) {
        found(f, CHECK_NATIVE, NULL, "inputs of one shape: no broadcasting needed");
        return;
    }
    const struct ir_node *n = c->n;
    if (n->op == IR_OP_P_RELU && elem_count(rule_input(n, 1)) == 1) return;
    bool consts = rule_is_static(rule_input(n, 0));
    for (int i = 1; i < n->n_inputs; i++)
        if (n->inputs[i] && (!rule_is_const(n->inputs[i]) || !rule_is_static(n->inputs[i])))
            consts = false;
    const struct ir_tensor *other = rule_input(n, 1);
    for (int i = 1; i < n->n_inputs && !other; i++)
        other = n->inputs[i];
    if (consts)
        found(f, CHECK_SUBSTITUTED, "onnx-opset.broadcast",
              "inputs %s and %s differ in shape: %s-%d needs one shape; the constants are "
              "expanded to %s",
              rule_shape(rule_input(n, 0), b0, sizeof b0), rule_shape(other, b1, sizeof b1), mv->op,
              mv->vn, b0);
    else
        found(f, CHECK_UNSUPPORTED, "onnx-opset.broadcast",
              "inputs %s and %s are not known to have one shape: %s-%d does not broadcast "
              "(from %s-%d it does)",
              rule_shape(rule_input(n, 0), b0, sizeof b0), rule_shape(other, b1, sizeof b1), mv->op,
              mv->vn, mv->op, s->v);
}

static void hook_autopad(const struct check_node *c, const struct step *s, const struct move *mv,
                         struct finding *f)
{
    char pad[32];
    rule_attr_string(c->n, "auto_pad", pad, sizeof pad);
    if (strcmp(pad, "SAME_UPPER") && strcmp(pad, "SAME_LOWER")) return;
    found(f, CHECK_SUBSTITUTED, "onnx-opset.auto-pad",
          "auto_pad %s: %s-%d puts the odd padding element on the other side than %s-%d; "
          "rewritten with explicit pads",
          pad, mv->op, mv->up ? 1 : mv->vn, mv->op, s->v);
}

static void hook_bn14(const struct check_node *c, const struct step *s, const struct move *mv,
                      struct finding *f)
{
    int outs = 0;
    for (int i = 0; i < c->n->n_outputs; i++)
        outs += c->n->outputs[i] != NULL;
    int64_t training = rule_attr_int(c->n, "training_mode", 0);
    if (outs <= 1 && training == 0) {
        found(f, CHECK_NATIVE, NULL, "one output, inference: the same at %d and after", s->v);
        return;
    }
    found(f, CHECK_UNSUPPORTED, "onnx-opset.batchnorm-training",
          "%d outputs, training_mode=%lld: the training form changes at %s-%d (running_mean and "
          "running_var replace mean, var, saved_mean, saved_var)",
          outs, (long long)training, mv->op, s->v);
}

static void hook_qaxis(const struct check_node *c, const struct step *s, const struct move *mv,
                       struct finding *f)
{
    if (mv->up) return;
    const struct ir_tensor *scale = rule_input(c->n, 1);
    int64_t k = elem_count(scale);
    if (k > 1 || (k < 0 && rule_rank(scale) != 0)) {
        found(f, CHECK_UNSUPPORTED, "onnx-opset.per-axis",
              "scale %s: %s-%d takes one scale per tensor (per-axis from %s-%d)",
              k > 1 ? "has several values" : "may have several values", mv->op, mv->vn, mv->op,
              s->v);
        return;
    }
    if (ir_node_attr(c->n, "axis"))
        found(f, CHECK_SUBSTITUTED, "onnx-opset.new-attribute",
              "axis is set but the scale is per tensor: %s-%d has no axis; the attribute is "
              "dropped",
              mv->op, mv->vn);
}

static const char *softmax_flat(enum ir_op op)
{
    return op == IR_OP_SOFTMAX       ? "rewritten as Flatten, Softmax, Reshape"
           : op == IR_OP_LOG_SOFTMAX ? "rewritten as Flatten, LogSoftmax, Reshape"
                                     : "rewritten as Flatten, Hardmax, Reshape";
}

static const char *softmax_transposed(enum ir_op op)
{
    return op == IR_OP_SOFTMAX       ? "rewritten as Transpose, Softmax, Transpose"
           : op == IR_OP_LOG_SOFTMAX ? "rewritten as Transpose, LogSoftmax, Transpose"
                                     : "rewritten as Transpose, Hardmax, Transpose";
}

static void hook_softmax13(const struct check_node *c, const struct step *s, const struct move *mv,
                           struct finding *f)
{
    const struct ir_attr *ax = ir_node_attr(c->n, "axis");
    int r = rule_rank(rule_input(c->n, 0));
    int64_t a = rule_attr_int(c->n, "axis", mv->up ? 1 : -1);
    int64_t an = a < 0 && r >= 0 ? a + r : a;
    /* axis -1 (or rank-1) is the last axis alone under both definitions;
     * so is any axis followed only by dims of 1 */
    bool last = a == -1 || (r >= 0 && an == r - 1);
    const struct ir_tensor *x = rule_input(c->n, 0);
    if (!last && r >= 0 && an >= 0 && an < r && x->dims) {
        last = true;
        for (int d = (int)an + 1; d < r; d++)
            last &= x->dims[d].value == 1;
    }
    if (mv->up) {
        /* old meaning: normalise over dims axis..r-1 together */
        if (last) {
            found(f, CHECK_NATIVE, NULL,
                  "axis %lld%s works on the last axis (or dims of 1 after "
                  "it): the coerced 2-D form and the single axis agree",
                  (long long)a, ax ? "" : " (default)");
            return;
        }
        if (r >= 0)
            found(f, CHECK_SUBSTITUTED, "onnx-opset.softmax-axis",
                  "axis %lld%s on rank %d: before %s-%d the input is coerced to 2-D at axis "
                  "(dims %lld..%d together); %s-%d works along one axis",
                  (long long)a, ax ? "" : " (default)", r, mv->op, s->v, (long long)an, r - 1,
                  mv->op, s->v);
        else
            found(f, CHECK_SUBSTITUTED, "onnx-opset.softmax-axis",
                  "axis %lld%s with the rank unknown: before %s-%d the input is coerced to 2-D "
                  "at axis; %s-%d works along one axis",
                  (long long)a, ax ? "" : " (default)", mv->op, s->v, mv->op, s->v);
        f->sub = softmax_flat(c->n->op);
        return;
    }
    if (last) {
        if (!ax && r != 2)
            found(f, CHECK_SUBSTITUTED, "onnx-opset.softmax-axis",
                  "no axis (default -1 from %s-%d): %s-%d defaults to 1, so the node gets "
                  "axis=%s",
                  mv->op, s->v, mv->op, mv->vn, mv->vn >= 11 ? "-1" : "rank-1");
        else
            found(f, CHECK_NATIVE, NULL,
                  "axis %lld works on the last axis (or dims of 1 after "
                  "it): the single axis and the coerced 2-D form agree",
                  (long long)a);
        return;
    }
    if (r < 0)
        found(f, CHECK_SUBSTITUTED, "onnx-opset.softmax-axis",
              "axis %lld with the rank unknown: %s-%d coerces the input to 2-D at axis (every "
              "dim from axis on together)",
              (long long)a, mv->op, mv->vn);
    else
        found(f, CHECK_SUBSTITUTED, "onnx-opset.softmax-axis",
              "axis %lld on rank %d: %s-%d would normalise dims %lld..%d together; the axis "
              "is moved last",
              (long long)a, r, mv->op, mv->vn, (long long)an, r - 1);
    f->sub = softmax_transposed(c->n->op);
}

static void hook_resize11(const struct check_node *c, const struct step *s, const struct move *mv,
                          struct finding *f)
{
    char mode[32], ctm[48];
    rule_attr_string(c->n, "mode", mode, sizeof mode);
    if (!mode[0]) snprintf(mode, sizeof mode, "nearest");
    if (mv->up) {
        found(f, CHECK_SUBSTITUTED, "onnx-opset.resize-coordinates",
              "%s-%d adds the roi input and coordinate_transformation_mode (default half_pixel); "
              "Resize-10 samples as Upsample (x_resized / scale), so the node gets "
              "coordinate_transformation_mode=asymmetric%s",
              mv->op, s->v, strcmp(mode, "nearest") ? "" : " and nearest_mode=floor");
        return;
    }
    rule_attr_string(c->n, "coordinate_transformation_mode", ctm, sizeof ctm);
    if (!ctm[0]) snprintf(ctm, sizeof ctm, "half_pixel");
    if (!strcmp(mode, "cubic")) {
        found(f, CHECK_UNSUPPORTED, "onnx-opset.resize-mode",
              "mode cubic: Resize-10 has nearest and linear only (cubic from Resize-11)");
        return;
    }
    if (strcmp(ctm, "asymmetric")) {
        found(f, CHECK_UNSUPPORTED, "onnx-opset.resize-coordinates",
              "coordinate_transformation_mode %s: Resize-10 samples only as Upsample "
              "(asymmetric)",
              ctm);
        return;
    }
    char nm[32];
    rule_attr_string(c->n, "nearest_mode", nm, sizeof nm);
    if (!strcmp(mode, "nearest") && strcmp(nm, "floor")) {
        found(f, CHECK_UNSUPPORTED, "onnx-opset.resize-rounding",
              "nearest_mode %s: Resize-10 picks the nearest pixel as Upsample (floor)",
              nm[0] ? nm : "round_prefer_floor");
        return;
    }
    if (!rule_input(c->n, 2) && rule_input(c->n, 3) &&
        !(rule_is_static(rule_input(c->n, 0)) && rule_is_static(rule_output(c->n, 0)))) {
        found(f, CHECK_UNSUPPORTED, "onnx-opset.resize-sizes",
              "sizes given and shapes not static: Resize-10 takes scales only");
        return;
    }
    found(f, CHECK_SUBSTITUTED, "onnx-opset.resize-coordinates",
          "Resize-10 takes (X, scales): roi is dropped%s",
          rule_input(c->n, 2) ? "" : " and sizes become scales");
}

static void hook_resize13(const struct check_node *c, const struct step *s, const struct move *mv,
                          struct finding *f)
{
    char ctm[48];
    if (mv->up) {
        rule_attr_string(c->n, "coordinate_transformation_mode", ctm, sizeof ctm);
        if (!strcmp(ctm, "tf_half_pixel_for_nn"))
            found(f, CHECK_UNSUPPORTED, "onnx-opset.resize-coordinates",
                  "coordinate_transformation_mode tf_half_pixel_for_nn: removed at %s-%d", mv->op,
                  s->v);
        return;
    }
    if (mv->vn < 11) return; /* the step to Resize-10 says what happens */
    if (rule_input(c->n, 1) && rule_input(c->n, 2)) return;
    found(f, CHECK_SUBSTITUTED, "onnx-opset.resize-inputs",
          "%s left out: %s-%d requires roi and scales; empty constants are supplied",
          !rule_input(c->n, 1) && !rule_input(c->n, 2) ? "roi and scales"
          : !rule_input(c->n, 1)                       ? "roi"
                                                       : "scales",
          mv->op, mv->vn);
}

static void hook_slice10(const struct check_node *c, const struct step *s, const struct move *mv,
                         struct finding *f)
{
    static const char *const names[] = {"", "starts", "ends", "axes"};
    if (mv->up) {
        found(f, CHECK_SUBSTITUTED, "onnx-opset.attribute-to-input",
              "starts, ends and axes move from attributes to constant inputs at %s-%d", mv->op,
              s->v);
        return;
    }
    for (int k = 1; k <= 3; k++) {
        const struct ir_tensor *t = rule_input(c->n, k);
        if (t && !rule_is_const(t)) {
            found(f, CHECK_UNSUPPORTED, "onnx-opset.input-to-attribute",
                  "%s is computed at run time: %s-%d takes it as an attribute", names[k], mv->op,
                  mv->vn);
            return;
        }
    }
    const struct ir_tensor *st = rule_input(c->n, 4);
    if (st) {
        int64_t xs[16];
        char buf[96];
        int k = const_ints(st, xs, 16);
        bool ones = k >= 0 && k <= 16;
        for (int i = 0; i < k && i < 16; i++)
            ones &= xs[i] == 1;
        if (!ones) {
            found(f, CHECK_UNSUPPORTED, "onnx-opset.slice-steps",
                  "steps %s: %s-%d has no steps (from %s-%d)",
                  k >= 0 ? fmt_ints(buf, sizeof buf, xs, k) : "computed at run time", mv->op,
                  mv->vn, mv->op, s->v);
            return;
        }
    }
    found(f, CHECK_SUBSTITUTED, "onnx-opset.input-to-attribute",
          "the constant starts/ends/axes inputs become attributes of %s-%d", mv->op, mv->vn);
}

static void hook_split18(const struct check_node *c, const struct step *s, const struct move *mv,
                         struct finding *f)
{
    const struct ir_node *n = c->n;
    if (mv->up) {
        if (rule_input(n, 1)) return;
        found(f, CHECK_SUBSTITUTED, "onnx-opset.split-outputs",
              "no split input: %s-%d needs num_outputs (the node's %d outputs)", mv->op, s->v,
              n->n_outputs);
        return;
    }
    int64_t k = rule_attr_int(n, "num_outputs", 0);
    if (k <= 0) return;
    const struct ir_tensor *x = rule_input(n, 0);
    int r = rule_rank(x);
    int64_t axis = rule_attr_int(n, "axis", 0);
    if (axis < 0 && r >= 0) axis += r;
    int64_t dim = r > 0 && axis >= 0 && axis < r ? x->dims[axis].value : -1;
    if (dim >= 0 && dim % k == 0)
        found(f, CHECK_SUBSTITUTED, "onnx-opset.split-outputs",
              "num_outputs=%lld on a dim of %lld: %s-%d splits evenly without it", (long long)k,
              (long long)dim, mv->op, mv->vn);
    else if (dim >= 0)
        found(f, CHECK_SUBSTITUTED, "onnx-opset.split-outputs",
              "num_outputs=%lld on a dim of %lld (uneven): %s-%d gets the sizes as a split "
              "input",
              (long long)k, (long long)dim, mv->op, mv->vn);
    else
        found(f, CHECK_UNSUPPORTED, "onnx-opset.split-outputs",
              "num_outputs=%lld on a dim of unknown size: %s-%d cannot express a smaller last "
              "chunk (from %s-%d)",
              (long long)k, mv->op, mv->vn, mv->op, s->v);
}

static void hook_gridsample20(const struct check_node *c, const struct step *s,
                              const struct move *mv, struct finding *f)
{
    char mode[32];
    rule_attr_string(c->n, "mode", mode, sizeof mode);
    if (!mv->up && rule_rank(rule_input(c->n, 0)) > 4) {
        found(f, CHECK_UNSUPPORTED, "onnx-opset.gridsample-rank",
              "input of rank %d: %s-%d takes 4-D input only (N-D from %s-%d)",
              rule_rank(rule_input(c->n, 0)), mv->op, mv->vn, mv->op, s->v);
        return;
    }
    const char *renamed = mv->up ? (!strcmp(mode, "bilinear")  ? "linear"
                                    : !strcmp(mode, "bicubic") ? "cubic"
                                                               : NULL)
                                 : (!strcmp(mode, "linear")  ? "bilinear"
                                    : !strcmp(mode, "cubic") ? "bicubic"
                                                             : NULL);
    if (!renamed) return;
    found(f, CHECK_SUBSTITUTED, "onnx-opset.gridsample-mode", "mode %s is named %s at %s-%d", mode,
          renamed, mv->op, mv->vn);
}

static void hook_groupnorm21(const struct check_node *c, const struct step *s,
                             const struct move *mv, struct finding *f)
{
    if (!mv->up) return;
    found(f, CHECK_SUBSTITUTED, "onnx-opset.groupnorm-scale",
          "num_groups=%lld: scale and bias per group become per channel at %s-%d (each "
          "group's value repeated over its channels)",
          (long long)rule_attr_int(c->n, "num_groups", 0), mv->op, s->v);
}

static void eval_step(const struct check_node *c, const struct step *s, const struct move *mv,
                      struct finding *f)
{
    memset(f, 0, sizeof *f);
    f->st = CHECK_NATIVE;
    switch (s->kind) {
    case K_NEG:
        if (!mv->up) step_neg(c, s, mv, f);
        break;
    case K_ADD:
        if (s->hook == H_QAXIS) {
            hook_qaxis(c, s, mv, f);
            break;
        }
        if (mv->up)
            step_add_up(c, s, mv, f);
        else
            step_add_down(c, s, mv, f);
        if (f->st == CHECK_NATIVE && s->neg && !mv->up) step_neg(c, s, mv, f);
        break;
    case K_DEFAULT: {
        char name[48];
        snprintf(name, sizeof name, "%s", s->arg);
        char *colon = strchr(name, ':');
        if (!colon || !mv->up) break;
        *colon = 0;
        if (!ir_node_attr(c->n, name))
            found(f, CHECK_SUBSTITUTED, "onnx-opset.required-attribute",
                  "no %s: %s-%d requires it; the node gets the old default %s=%s", name, mv->op,
                  s->v, name, colon + 1);
        break;
    }
    case K_OPTIONAL: {
        int k = atoi(s->arg + 1);
        if (!mv->up && !rule_input(c->n, k)) {
            found(f, CHECK_SUBSTITUTED, "onnx-opset.optional-input",
                  "input %d left out: %s-%d requires it (optional from %s-%d); %s", k, mv->op,
                  mv->vn, mv->op, s->v, s->rewrite);
            f->sub = s->rewrite;
        }
        break;
    }
    case K_MOVE:
        step_move(c, s, mv, f);
        break;
    case K_DROP:
        if (mv->up && ir_node_attr(c->n, s->arg))
            found(f, CHECK_SUBSTITUTED, "onnx-opset.removed-attribute", "%s is set: %s-%d %s",
                  s->arg, mv->op, s->v, s->what);
        break;
    case K_CHANGE:
        switch (s->hook) {
        case H_BCAST7:
            hook_bcast7(c, s, mv, f);
            break;
        case H_BCAST8:
            hook_bcast8(c, s, mv, f);
            break;
        case H_AUTOPAD:
            hook_autopad(c, s, mv, f);
            break;
        case H_BN14:
            hook_bn14(c, s, mv, f);
            break;
        case H_SOFTMAX13:
            hook_softmax13(c, s, mv, f);
            break;
        case H_RESIZE11:
            hook_resize11(c, s, mv, f);
            break;
        case H_RESIZE13:
            hook_resize13(c, s, mv, f);
            break;
        case H_SLICE10:
            hook_slice10(c, s, mv, f);
            break;
        case H_SPLIT18:
            hook_split18(c, s, mv, f);
            break;
        case H_GRIDSAMPLE20:
            hook_gridsample20(c, s, mv, f);
            break;
        case H_GROUPNORM21:
            hook_groupnorm21(c, s, mv, f);
            break;
        default:
            found(f, CHECK_SUBSTITUTED, "onnx-opset.rewrite", "%s-%d %s", mv->op, s->v, s->what);
            break;
        }
        break;
    default:
        break; /* K_TYPES: the dtype check at N decides */
    }
}

/* ---- the verdict ---- */

/* The node's first dtype that version s does not accept, or NULL. */
static const struct ir_tensor *dtype_outside(const struct ir_node *n, const struct step *s,
                                             uint32_t skip, const char **where, int *which)
{
    for (int io = 0; io < 2; io++) {
        int k = io ? n->n_outputs : n->n_inputs;
        for (int i = 0; i < k; i++) {
            const struct ir_tensor *t = io ? n->outputs[i] : n->inputs[i];
            if (!io && i < 32 && (skip & (1u << i))) continue;
            if (!t || t->dtype == IR_UNDEFINED || (s->dt & (1u << t->dtype))) continue;
            *where = io ? "output" : "input";
            *which = i;
            return t;
        }
    }
    return NULL;
}

/* The inputs a step removes going down (attributes again, or inputs the
 * older version lacks): the dtype check at N leaves them out. */
static uint32_t inputs_removed(const struct step *s)
{
    uint32_t m = 0;
    if (s->hook == H_SLICE10) return 0x1e;  /* starts, ends, axes, steps */
    if (s->hook == H_RESIZE11) return 0x0a; /* roi, sizes */
    if ((s->kind != K_MOVE && s->kind != K_ADD) || !s->arg) return 0;
    for (const char *p = strchr(s->arg, '#'); p; p = strchr(p + 1, '#')) {
        int k = atoi(p + 1);
        if (k >= 0 && k < 32) m |= 1u << k;
    }
    return m;
}

/* An unsupported finding when the node's dtypes do not exist at version s
 * (inputs in skip left out). */
static bool check_dtypes(const struct check_node *c, const struct op_history *h, int in,
                         uint32_t skip, const char *op, struct finding *f)
{
    const char *where;
    int which;
    const struct ir_tensor *t = dtype_outside(c->n, &h->s[in], skip, &where, &which);
    if (!t) return false;
    int later = 0;
    for (int j = in + 1; j < hist_count(h) && !later; j++)
        if (h->s[j].kind != K_GONE && (h->s[j].dt & (1u << t->dtype))) later = h->s[j].v;
    memset(f, 0, sizeof *f);
    if (later)
        found(f, CHECK_UNSUPPORTED, "onnx-opset.dtype",
              "%s %d is %s: %s-%d does not accept it (from %s-%d)", where, which,
              rule_dtype_name(t), op, h->s[in].v, op, later);
    else
        found(f, CHECK_UNSUPPORTED, "onnx-opset.dtype", "%s %d is %s: %s-%d does not accept it",
              where, which, rule_dtype_name(t), op, h->s[in].v);
    return true;
}

static bool verdict(struct check_verdict *v, const struct finding *f, const char *sub)
{
    check_set(v, f->st, f->rule, "%s", f->text);
    if (f->st == CHECK_SUBSTITUTED) v->substitute = f->sub ? f->sub : sub;
    return true;
}

/* Resize before opset 10 is Upsample (7-9): what stops it, or NULL. */
static const char *resize_as_upsample(const struct check_node *c, char *buf, int cap)
{
    char mode[32], ctm[48];
    rule_attr_string(c->n, "mode", mode, sizeof mode);
    rule_attr_string(c->n, "coordinate_transformation_mode", ctm, sizeof ctm);
    if (!strcmp(mode, "cubic")) return "mode cubic (Upsample has nearest and linear)";
    if (c->opset >= 11 && strcmp(ctm, "asymmetric")) {
        snprintf(buf, (size_t)cap,
                 "coordinate_transformation_mode %s (Upsample samples "
                 "asymmetrically)",
                 ctm[0] ? ctm : "half_pixel");
        return buf;
    }
    const struct ir_tensor *scales = rule_input(c->n, c->opset >= 11 ? 2 : 1);
    bool shapes = rule_is_static(rule_input(c->n, 0)) && rule_is_static(rule_output(c->n, 0));
    if (!scales && !shapes) return "sizes given and shapes not static (Upsample takes scales)";
    if (c->target_opset < 9 && scales && !rule_is_const(scales) && !shapes)
        return "scales computed at run time (Upsample-7 takes them as an attribute)";
    return NULL;
}

/* The op is not defined at N (introduced later): a decomposition or nothing. */
static bool not_defined(const struct check_node *c, struct check_verdict *v,
                        const struct op_history *h, const char *op)
{
    int64_t N = c->target_opset;
    int first = h->s[0].v;
    if (!h->decomp)
        return check_set(v, CHECK_UNSUPPORTED, "onnx-opset.not-defined",
                         "%s does not exist at opset %lld (first defined at %d)", op, (long long)N,
                         first);
    const char *sub = h->decomp, *stop = NULL;
    int min = h->decomp_min;
    char buf[128];
    const struct ir_node *n = c->n;
    switch (h->decomp_need) {
    case D_CONST_ALL:
        for (int i = 0; i < n->n_inputs; i++)
            if (n->inputs[i] && !rule_is_const(n->inputs[i]))
                stop = "its inputs are computed at run time";
        break;
    case D_CONST_1:
        if (!rule_is_const(rule_input(n, 1))) stop = "input 1 is computed at run time";
        break;
    case D_STATIC:
        if (!rule_node_static(n)) stop = "its shapes are not static";
        break;
    case D_DTYPE1: {
        const struct ir_tensor *t = rule_input(n, 1);
        if (!t || t->dtype == IR_UNDEFINED) stop = "the type of input 1 is unknown";
        break;
    }
    case D_GELU:
        if (rule_attr_string_is(n, "approximate", "tanh", false)) {
            sub = "decomposed into Pow, Mul, Add, Mul, Tanh, Add, Mul, Mul";
            min = 7;
        }
        break;
    case D_RESIZE:
        stop = resize_as_upsample(c, buf, sizeof buf);
        break;
    case D_SCATTER:
        if (!rule_attr_string_is(n, "reduction", "none", true))
            stop = "it uses a reduction (Scatter has none)";
        break;
    default:
        break;
    }
    if (N >= min && !stop) {
        check_set(v, CHECK_SUBSTITUTED, "onnx-opset.decomposed",
                  "%s is defined from opset %d; opset %lld has the ops of its decomposition", op,
                  first, (long long)N);
        v->substitute = sub;
        return true;
    }
    if (stop)
        return check_set(v, CHECK_UNSUPPORTED, "onnx-opset.not-defined",
                         "%s does not exist at opset %lld (first defined at %d) and cannot be %s: "
                         "%s",
                         op, (long long)N, first, sub, stop);
    return check_set(v, CHECK_UNSUPPORTED, "onnx-opset.not-defined",
                     "%s does not exist at opset %lld (first defined at %d); %s needs opset %d", op,
                     (long long)N, first, sub, min);
}

/* The op is deprecated at N: its replacement, a decomposition, or nothing. */
static bool deprecated(const struct check_node *c, struct check_verdict *v,
                       const struct op_history *h, int in, const char *op)
{
    const struct step *s = &h->s[in];
    long long N = (long long)c->target_opset;
    if (c->n->op == IR_OP_UPSAMPLE) {
        const struct op_history *r = &hist[IR_OP_RESIZE];
        int rv = r->s[hist_at(r, clamp_opset(N))].v;
        check_set(v, CHECK_SUBSTITUTED, "onnx-opset.deprecated",
                  "%s is deprecated from opset %d; at opset %lld it becomes Resize-%d%s", op, s->v,
                  N, rv,
                  rv >= 11 ? " with coordinate_transformation_mode=asymmetric (and nearest_mode="
                             "floor), Upsample's sampling"
                           : " (X, scales)");
        v->substitute = s->rewrite;
        return true;
    }
    if (s->rewrite) {
        check_set(v, CHECK_SUBSTITUTED, "onnx-opset.deprecated",
                  "%s is deprecated from opset %d; at opset %lld: %s (%s)", op, s->v, N, s->rewrite,
                  s->what);
        v->substitute = s->rewrite;
        return true;
    }
    if (h->decomp && N >= h->decomp_min) {
        check_set(v, CHECK_SUBSTITUTED, "onnx-opset.deprecated",
                  "%s-%d, the version at opset %lld, is deprecated (%s); opset %lld has the ops "
                  "of its decomposition",
                  op, s->v, N, s->what, N);
        v->substitute = h->decomp;
        return true;
    }
    return check_set(v, CHECK_UNSUPPORTED, "onnx-opset.deprecated",
                     "%s-%d is deprecated at opset %lld (%s)", op, s->v, N, s->what);
}

static void append(char *buf, int cap, const char *sep, const char *text)
{
    int k = (int)strlen(buf);
    if (k >= cap - 1) return;
    snprintf(buf + k, (size_t)(cap - k), "%s%s", k ? sep : "", text);
}

static bool other_domain(const struct check_node *c, struct check_verdict *v);

static bool opset_rule(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_node *n = c->n;
    if (c->target_opset <= 0) return false;
    if (n->domain && n->domain[0] && strcmp(n->domain, "ai.onnx")) return other_domain(c, v);
    if (n->op <= IR_OP_OPAQUE || (int)n->op >= ONNX_OP_END) return false;
    const struct op_history *h = &hist[n->op];
    const char *op = ir_op_name(n->op);
    long long N = (long long)c->target_opset, M = (long long)c->opset;
    int in = hist_at(h, clamp_opset(N));
    if (in < 0) return not_defined(c, v, h, op);
    if (h->s[in].kind == K_GONE) return deprecated(c, v, h, in, op);
    const struct step *sn = &h->s[in];
    struct finding f;
    int im = M > 0 ? hist_at(h, clamp_opset(M)) : -1;
    if (im < 0) {
        if (check_dtypes(c, h, in, 0, op, &f)) return verdict(v, &f, sn->as);
        if (M <= 0)
            return check_set(v, CHECK_NATIVE, "onnx-opset.version",
                             "the model's ai.onnx opset is not known; at opset %lld the node is "
                             "%s-%d",
                             N, op, sn->v);
        return check_set(v, CHECK_NATIVE, "onnx-opset.version",
                         "%s is not defined at the model's opset %lld (first at %d); at opset "
                         "%lld it is %s-%d",
                         op, M, h->s[0].v, N, op, sn->v);
    }
    if (im == in)
        return check_set(v, CHECK_NATIVE, "onnx-opset.same-version",
                         "%s-%d is the same at opset %lld and %lld%s", op, sn->v, M, N,
                         M > OPSET_MAX || N > OPSET_MAX
                             ? " (ferry's table ends at opset 28: later changes are unknown)"
                             : "");

    /* walk the versions between the two, keeping the worst finding */
    struct move mv = {op, sn->v, in > im};
    int lo = mv.up ? im : in, hi = mv.up ? in : im;
    struct finding worst = {.st = CHECK_NATIVE};
    char notes[256] = "", more[256] = "";
    bool types_only = true;
    uint32_t skip = 0;
    for (int j = lo + 1; j <= hi; j++) {
        const struct step *s = &h->s[j];
        if (s->kind == K_GONE) continue;
        if (!mv.up) skip |= inputs_removed(s);
        eval_step(c, s, &mv, &f);
        if (f.st == CHECK_NATIVE) {
            char note[200];
            snprintf(note, sizeof note, "%d: %s", s->v,
                     f.text[0] ? f.text
                     : s->what ? s->what
                               : "");
            append(notes, sizeof notes, "; ", note);
            if (s->kind != K_TYPES) types_only = false;
        } else if (f.st > worst.st) {
            worst = f;
            more[0] = 0;
        } else if (f.st == worst.st) {
            append(more, sizeof more, "; ", f.text);
        }
    }
    if (check_dtypes(c, h, in, skip, op, &f) && f.st >= worst.st) {
        worst = f;
        more[0] = 0;
    }
    char head[96];
    snprintf(head, sizeof head, "%s-%d (opset %lld) -> %s-%d (opset %lld)", op, h->s[im].v, M, op,
             sn->v, N);
    if (worst.st == CHECK_NATIVE) {
        if (!notes[0]) /* only a deprecation lies between: the model is past it */
            return check_set(v, CHECK_NATIVE, "onnx-opset.version",
                             "%s: the model uses %s past its deprecation at %d; at opset %lld it "
                             "is %s-%d again",
                             head, op, h->s[im].v, N, op, sn->v);
        if (types_only)
            return check_set(v, CHECK_NATIVE, "onnx-opset.types",
                             "%s: %s types (%s); the node's meaning is unchanged", head,
                             mv.up ? "only adds" : "differs only in", notes);
        return check_set(v, CHECK_NATIVE, "onnx-opset.compatible",
                         "%s: the node's meaning is unchanged (%s)", head, notes);
    }
    check_set(v, worst.st, worst.rule, "%s: %s%s%s", head, worst.text, more[0] ? "; " : "", more);
    if (worst.st == CHECK_SUBSTITUTED) v->substitute = worst.sub ? worst.sub : sn->as;
    return true;
}

/* ---- other domains and ai.onnx ops ferry does not model ---- */

static int other_cmp(const void *key, const void *elem)
{
    return strcmp((const char *)key, ((const struct other_op *)elem)->name);
}

static bool other_domain(const struct check_node *c, struct check_verdict *v)
{
    return check_set(v, CHECK_NATIVE, "onnx-opset.other-domain",
                     "opset %lld concerns the default domain only; domain %s has its own opset",
                     (long long)c->target_opset, c->n->domain);
}

static bool opaque_rule(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_node *n = c->n;
    const char *type = n->op_type ? n->op_type : "";
    if (!strncmp(type, "CUSTOM:", 7) || (c->m && c->m->format == IR_FORMAT_TFLITE))
        return check_set(v, CHECK_UNSUPPORTED, "onnx-opset.tflite-custom",
                         "TFLite custom op %s: ONNX opsets describe ONNX ops, and ferry has no "
                         "TFLite-to-ONNX conversion yet",
                         type);
    if (c->target_opset <= 0) return false;
    if (n->domain && n->domain[0] && strcmp(n->domain, "ai.onnx")) return other_domain(c, v);
    const struct other_op *o = bsearch(type, other_ops, sizeof other_ops / sizeof other_ops[0],
                                       sizeof other_ops[0], other_cmp);
    long long N = (long long)c->target_opset, M = (long long)c->opset;
    if (!o)
        return check_set(v, CHECK_UNSUPPORTED, "onnx-opset.not-defined",
                         "%s is not an operator of the default domain in ONNX's Changelog (to "
                         "opset %d)",
                         type, OPSET_MAX);
    int k = n_steps(o->v, 4), in = -1, im = -1;
    for (int j = 0; j < k; j++) {
        if (o->v[j] <= clamp_opset(N)) in = j;
        if (o->v[j] <= clamp_opset(M)) im = j;
    }
    if (in < 0)
        return check_set(v, CHECK_UNSUPPORTED, "onnx-opset.not-defined",
                         "%s does not exist at opset %lld (first defined at %d)", type, N, o->v[0]);
    if (im == in || M <= 0)
        return check_set(v, CHECK_NATIVE, "onnx-opset.same-version",
                         "%s-%d is the same at opset %lld and %lld", type, o->v[in], M, N);
    check_set(v, CHECK_SUBSTITUTED, "onnx-opset.rewrite",
              "%s-%d (opset %lld) -> %s-%d (opset %lld): its definition changes between them "
              "(ferry lists this op's versions, not what changed: see the Changelog)",
              type, im >= 0 ? o->v[im] : 0, M, type, o->v[in], N);
    v->substitute = "rewritten for the target opset";
    return true;
}

static const struct target_row rows[IR_OP_COUNT] = {
    TARGET_RULE(OPAQUE, NATIVE,
                "ops of other domains are not versioned by the ai.onnx opset (opset N concerns "
                "the default domain only); ai.onnx ops ferry does not model are looked up by "
                "name in the Changelog's version lists",
                opaque_rule),
    TARGET_RULE(
        ABS, NATIVE,
        "Abs versions 1, 6, 13 (ONNX Changelog); 6: drops the legacy consumed_inputs attribute",
        opset_rule),
    TARGET_RULE(ACOS, NATIVE,
                "Acos versions 7, 22 (ONNX Changelog); later versions change only types or wording",
                opset_rule),
    TARGET_RULE(ACOSH, NATIVE,
                "Acosh versions 9, 22 (ONNX Changelog); later versions change only types or "
                "wording; before 9: decomposed into Mul, Sub, Sqrt, Add, Log (from opset 7)",
                opset_rule),
    TARGET_RULE(ADD, NATIVE,
                "Add versions 1, 6, 7, 13, 14 (ONNX Changelog); 6: drops the legacy "
                "consumed_inputs attribute; 7: the broadcast and axis attributes give way to "
                "numpy-style multidirectional broadcasting",
                opset_rule),
    TARGET_RULE(AND, NATIVE,
                "And versions 1, 7 (ONNX Changelog); 7: the broadcast and axis attributes give way "
                "to numpy-style multidirectional broadcasting",
                opset_rule),
    TARGET_RULE(ARG_MAX, NATIVE,
                "ArgMax versions 1, 11, 12, 13 (ONNX Changelog); 11: accepts negative axis values; "
                "12: adds select_last_index (default 0: first index, as before)",
                opset_rule),
    TARGET_RULE(ARG_MIN, NATIVE,
                "ArgMin versions 1, 11, 12, 13 (ONNX Changelog); 11: accepts negative axis values; "
                "12: adds select_last_index (default 0: first index, as before)",
                opset_rule),
    TARGET_RULE(ASIN, NATIVE,
                "Asin versions 7, 22 (ONNX Changelog); later versions change only types or wording",
                opset_rule),
    TARGET_RULE(ASINH, NATIVE,
                "Asinh versions 9, 22 (ONNX Changelog); later versions change only types or "
                "wording; before 9: decomposed into Mul, Add, Sqrt, Add, Log (from opset 7)",
                opset_rule),
    TARGET_RULE(ATAN, NATIVE,
                "Atan versions 7, 22 (ONNX Changelog); later versions change only types or wording",
                opset_rule),
    TARGET_RULE(ATANH, NATIVE,
                "Atanh versions 9, 22 (ONNX Changelog); later versions change only types or "
                "wording; before 9: decomposed into Add, Sub, Div, Log, Mul (from opset 7)",
                opset_rule),
    TARGET_RULE(
        ATTENTION, NATIVE,
        "Attention versions 23, 24, 25 (ONNX Changelog); 24: adds the nonpad_kv_seqlen input; 25: "
        "adds left_window_size and right_window_size; before 23: decomposed into MatMul, Mul, Add, "
        "Softmax, MatMul (Transpose/Reshape for the heads) (from opset 13)",
        opset_rule),
    TARGET_RULE(AVERAGE_POOL, NATIVE,
                "AveragePool versions 1, 7, 10, 11, 19, 22 (ONNX Changelog); 7: adds "
                "count_include_pad (default 0: padding not counted, as before); 10: adds ceil_mode "
                "(default 0: floor, as before); 19: adds dilations (default 1)",
                opset_rule),
    TARGET_RULE(
        BATCH_NORMALIZATION, NATIVE,
        "BatchNormalization versions 1, 6, 7, 9, 14, 15 (ONNX Changelog); 6: drops the legacy "
        "consumed_inputs attribute; 7: drops is_test (inference behaviour is the only one); 9: "
        "drops spatial: mean and variance are always per channel; 14: adds training_mode; the "
        "optional outputs become running_mean/running_var (saved_mean/saved_var go)",
        opset_rule),
    TARGET_RULE(BIT_SHIFT, NATIVE, "BitShift version 11 only (ONNX Changelog)", opset_rule),
    TARGET_RULE(BITWISE_AND, NATIVE, "BitwiseAnd version 18 only (ONNX Changelog)", opset_rule),
    TARGET_RULE(BITWISE_NOT, NATIVE, "BitwiseNot version 18 only (ONNX Changelog)", opset_rule),
    TARGET_RULE(BITWISE_OR, NATIVE, "BitwiseOr version 18 only (ONNX Changelog)", opset_rule),
    TARGET_RULE(BITWISE_XOR, NATIVE, "BitwiseXor version 18 only (ONNX Changelog)", opset_rule),
    TARGET_RULE(CAST, NATIVE,
                "Cast versions 1, 6, 9, 13, 19, 21, 23, 24, 25 (ONNX Changelog); 6: `to` changes "
                "from a type-name string to a TensorProto data-type code",
                opset_rule),
    TARGET_RULE(
        CAST_LIKE, NATIVE,
        "CastLike versions 15, 19, 21, 23, 24, 25 (ONNX Changelog); later versions change only "
        "types or wording; before 15: rewritten as Cast to the second input's type (from opset 6)",
        opset_rule),
    TARGET_RULE(
        CEIL, NATIVE,
        "Ceil versions 1, 6, 13 (ONNX Changelog); 6: drops the legacy consumed_inputs attribute",
        opset_rule),
    TARGET_RULE(CELU, NATIVE,
                "Celu versions 12, 28 (ONNX Changelog); later versions change only types or "
                "wording; before 12: decomposed into Div, Elu, Mul (from opset 7)",
                opset_rule),
    TARGET_RULE(
        CLIP, NATIVE,
        "Clip versions 1, 6, 11, 12, 13 (ONNX Changelog); 6: drops consumed_inputs; min/max "
        "default to the float range; 11: min and max move from attributes to optional inputs",
        opset_rule),
    TARGET_RULE(COMPRESS, NATIVE,
                "Compress versions 9, 11 (ONNX Changelog); 11: accepts negative axis values; "
                "before 9: rewritten as Gather with constant indices (from opset 1)",
                opset_rule),
    TARGET_RULE(CONCAT, NATIVE,
                "Concat versions 1, 4, 11, 13 (ONNX Changelog); 4: axis becomes required (Concat-1 "
                "defaulted it to 1); 11: accepts negative axis values",
                opset_rule),
    TARGET_RULE(CONSTANT, NATIVE,
                "Constant versions 1, 9, 11, 12, 13, 19, 21, 23, 24, 25 (ONNX Changelog); 11: adds "
                "sparse_value; 12: adds the value_float/_int/_string(s) shorthands",
                opset_rule),
    TARGET_RULE(CONSTANT_OF_SHAPE, NATIVE,
                "ConstantOfShape versions 9, 20, 21, 23, 24, 25 (ONNX Changelog); later versions "
                "change only types or wording; before 9: folded into a Constant (from opset 1)",
                opset_rule),
    TARGET_RULE(
        CONV, NATIVE,
        "Conv versions 1, 11, 22 (ONNX Changelog); later versions change only types or wording",
        opset_rule),
    TARGET_RULE(CONV_INTEGER, NATIVE, "ConvInteger version 10 only (ONNX Changelog)", opset_rule),
    TARGET_RULE(CONV_TRANSPOSE, NATIVE,
                "ConvTranspose versions 1, 11, 22 (ONNX Changelog); 11: corrects how auto_pad "
                "SAME_UPPER/SAME_LOWER split the padding (inverted before 11)",
                opset_rule),
    TARGET_RULE(COS, NATIVE,
                "Cos versions 7, 22 (ONNX Changelog); later versions change only types or wording",
                opset_rule),
    TARGET_RULE(COSH, NATIVE,
                "Cosh versions 9, 22 (ONNX Changelog); later versions change only types or "
                "wording; before 9: decomposed into Exp, Neg, Exp, Add, Div (from opset 7)",
                opset_rule),
    TARGET_RULE(
        CUM_SUM, NATIVE,
        "CumSum versions 11, 14 (ONNX Changelog); later versions change only types or wording",
        opset_rule),
    TARGET_RULE(
        DEFORM_CONV, NATIVE,
        "DeformConv versions 19, 22 (ONNX Changelog); later versions change only types or wording",
        opset_rule),
    TARGET_RULE(DEPTH_TO_SPACE, NATIVE,
                "DepthToSpace versions 1, 11, 13 (ONNX Changelog); 11: adds mode (default DCR, the "
                "old order; CRD is new)",
                opset_rule),
    TARGET_RULE(DEQUANTIZE_LINEAR, NATIVE,
                "DequantizeLinear versions 10, 13, 19, 21, 23, 24, 25 (ONNX Changelog); 13: adds "
                "axis: per-axis (1-D) scale and zero point; 21: adds blocked quantization "
                "(block_size) and int4/uint4/int16; 23: adds output_dtype and float4e2m1; before "
                "10: decomposed into Cast, Sub, Mul (from opset 7)",
                opset_rule),
    TARGET_RULE(DET, NATIVE,
                "Det versions 11, 22 (ONNX Changelog); later versions change only types or wording",
                opset_rule),
    TARGET_RULE(DIV, NATIVE,
                "Div versions 1, 6, 7, 13, 14 (ONNX Changelog); 6: drops the legacy "
                "consumed_inputs attribute; 7: the broadcast and axis attributes give way to "
                "numpy-style multidirectional broadcasting",
                opset_rule),
    TARGET_RULE(
        DROPOUT, NATIVE,
        "Dropout versions 1, 6, 7, 10, 12, 13, 22 (ONNX Changelog); 6: drops the legacy "
        "consumed_inputs attribute; 7: drops is_test (inference behaviour is the only one); 12: "
        "ratio moves from attribute to input; adds the training_mode input and seed",
        opset_rule),
    TARGET_RULE(DYNAMIC_QUANTIZE_LINEAR, NATIVE,
                "DynamicQuantizeLinear version 11 only (ONNX Changelog)", opset_rule),
    TARGET_RULE(EINSUM, NATIVE, "Einsum version 12 only (ONNX Changelog)", opset_rule),
    TARGET_RULE(
        ELU, NATIVE,
        "Elu versions 1, 6, 22 (ONNX Changelog); 6: drops the legacy consumed_inputs attribute",
        opset_rule),
    TARGET_RULE(EQUAL, NATIVE,
                "Equal versions 1, 7, 11, 13, 19 (ONNX Changelog); 7: the broadcast and axis "
                "attributes give way to numpy-style multidirectional broadcasting",
                opset_rule),
    TARGET_RULE(ERF, NATIVE,
                "Erf versions 9, 13 (ONNX Changelog); later versions change only types or wording",
                opset_rule),
    TARGET_RULE(
        EXP, NATIVE,
        "Exp versions 1, 6, 13 (ONNX Changelog); 6: drops the legacy consumed_inputs attribute",
        opset_rule),
    TARGET_RULE(
        EXPAND, NATIVE,
        "Expand versions 8, 13 (ONNX Changelog); later versions change only types or wording; "
        "before 8: rewritten as Mul by a ones constant of the target shape (from opset 7)",
        opset_rule),
    TARGET_RULE(EYE_LIKE, NATIVE,
                "EyeLike versions 9, 22 (ONNX Changelog); later versions change only types or "
                "wording; before 9: folded into a Constant (from opset 1)",
                opset_rule),
    TARGET_RULE(FLATTEN, NATIVE,
                "Flatten versions 1, 9, 11, 13, 21, 23, 24, 25 (ONNX Changelog); 11: accepts "
                "negative axis values",
                opset_rule),
    TARGET_RULE(
        FLOOR, NATIVE,
        "Floor versions 1, 6, 13 (ONNX Changelog); 6: drops the legacy consumed_inputs attribute",
        opset_rule),
    TARGET_RULE(GRU, NATIVE,
                "GRU versions 1, 3, 7, 14, 22 (ONNX Changelog); 3: adds linear_before_reset "
                "(default 0, as before); Y_h becomes optional; 7: drops output_sequence (Y is "
                "output when it is connected); 14: adds layout (1: batch-first)",
                opset_rule),
    TARGET_RULE(GATHER, NATIVE,
                "Gather versions 1, 11, 13 (ONNX Changelog); 11: accepts negative axis and indices",
                opset_rule),
    TARGET_RULE(GATHER_ELEMENTS, NATIVE,
                "GatherElements versions 11, 13 (ONNX Changelog); later versions change only types "
                "or wording",
                opset_rule),
    TARGET_RULE(
        GATHER_ND, NATIVE,
        "GatherND versions 11, 12, 13 (ONNX Changelog); 12: adds batch_dims (default 0, as before)",
        opset_rule),
    TARGET_RULE(GELU, NATIVE,
                "Gelu version 20 only (ONNX Changelog); before 20: decomposed into Div, Erf, Add, "
                "Mul, Mul (from opset 9)",
                opset_rule),
    TARGET_RULE(GEMM, NATIVE,
                "Gemm versions 1, 6, 7, 9, 11, 13 (ONNX Changelog); 7: drops broadcast: C always "
                "broadcasts (unidirectionally) to A*B; 11: C becomes optional",
                opset_rule),
    TARGET_RULE(GLOBAL_AVERAGE_POOL, NATIVE,
                "GlobalAveragePool versions 1, 22 (ONNX Changelog); later versions change only "
                "types or wording",
                opset_rule),
    TARGET_RULE(
        GLOBAL_LP_POOL, NATIVE,
        "GlobalLpPool versions 1, 2, 22 (ONNX Changelog); 2: p becomes an int (it was a float)",
        opset_rule),
    TARGET_RULE(GLOBAL_MAX_POOL, NATIVE,
                "GlobalMaxPool versions 1, 22 (ONNX Changelog); later versions change only types "
                "or wording",
                opset_rule),
    TARGET_RULE(GREATER, NATIVE,
                "Greater versions 1, 7, 9, 13 (ONNX Changelog); 7: the broadcast and axis "
                "attributes give way to numpy-style multidirectional broadcasting",
                opset_rule),
    TARGET_RULE(GREATER_OR_EQUAL, NATIVE,
                "GreaterOrEqual versions 12, 16 (ONNX Changelog); later versions change only types "
                "or wording; before 12: rewritten as Less, Not (from opset 9)",
                opset_rule),
    TARGET_RULE(GRID_SAMPLE, NATIVE,
                "GridSample versions 16, 20, 22 (ONNX Changelog); 20: accepts N-D input; modes "
                "renamed bilinear -> linear, bicubic -> cubic",
                opset_rule),
    TARGET_RULE(GROUP_NORMALIZATION, NATIVE,
                "GroupNormalization versions 18, 21 (ONNX Changelog); 18: deprecated (scale and "
                "bias per group); 21: scale and bias become per channel (they were per group); "
                "adds stash_type; before 18: decomposed into Reshape, ReduceMean, Sub, Mul, "
                "ReduceMean, Add, Sqrt, Div, Reshape, Mul, Add (from opset 7)",
                opset_rule),
    TARGET_RULE(HARD_SIGMOID, NATIVE,
                "HardSigmoid versions 1, 6, 22 (ONNX Changelog); 6: drops the legacy "
                "consumed_inputs attribute",
                opset_rule),
    TARGET_RULE(HARD_SWISH, NATIVE,
                "HardSwish versions 14, 22 (ONNX Changelog); later versions change only types or "
                "wording; before 14: decomposed into HardSigmoid, Mul (from opset 6)",
                opset_rule),
    TARGET_RULE(HARDMAX, NATIVE,
                "Hardmax versions 1, 11, 13 (ONNX Changelog); 11: accepts negative axis values; "
                "13: works along the single axis (default -1); before 13 the input was coerced to "
                "2-D at axis (default 1)",
                opset_rule),
    TARGET_RULE(IDENTITY, NATIVE,
                "Identity versions 1, 13, 14, 16, 19, 21, 23, 24, 25 (ONNX Changelog); later "
                "versions change only types or wording",
                opset_rule),
    TARGET_RULE(IF, NATIVE,
                "If versions 1, 11, 13, 16, 19, 21, 23, 24, 25 (ONNX Changelog); later versions "
                "change only types or wording",
                opset_rule),
    TARGET_RULE(INSTANCE_NORMALIZATION, NATIVE,
                "InstanceNormalization versions 1, 6, 22 (ONNX Changelog); 6: drops the legacy "
                "consumed_inputs attribute",
                opset_rule),
    TARGET_RULE(
        IS_INF, NATIVE,
        "IsInf versions 10, 20 (ONNX Changelog); later versions change only types or wording",
        opset_rule),
    TARGET_RULE(
        IS_NA_N, NATIVE,
        "IsNaN versions 9, 13, 20 (ONNX Changelog); later versions change only types or wording",
        opset_rule),
    TARGET_RULE(LRN, NATIVE,
                "LRN versions 1, 13 (ONNX Changelog); later versions change only types or wording",
                opset_rule),
    TARGET_RULE(LSTM, NATIVE,
                "LSTM versions 1, 7, 14, 22 (ONNX Changelog); 7: drops output_sequence (Y is "
                "output when it is connected); 14: adds layout (1: batch-first)",
                opset_rule),
    TARGET_RULE(LAYER_NORMALIZATION, NATIVE,
                "LayerNormalization version 17 only (ONNX Changelog); before 17: decomposed into "
                "ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div, Mul, Add (from opset 7)",
                opset_rule),
    TARGET_RULE(LEAKY_RELU, NATIVE,
                "LeakyRelu versions 1, 6, 16 (ONNX Changelog); 6: drops the legacy consumed_inputs "
                "attribute",
                opset_rule),
    TARGET_RULE(LESS, NATIVE,
                "Less versions 1, 7, 9, 13 (ONNX Changelog); 7: the broadcast and axis attributes "
                "give way to numpy-style multidirectional broadcasting",
                opset_rule),
    TARGET_RULE(LESS_OR_EQUAL, NATIVE,
                "LessOrEqual versions 12, 16 (ONNX Changelog); later versions change only types or "
                "wording; before 12: rewritten as Greater, Not (from opset 9)",
                opset_rule),
    TARGET_RULE(
        LOG, NATIVE,
        "Log versions 1, 6, 13 (ONNX Changelog); 6: drops the legacy consumed_inputs attribute",
        opset_rule),
    TARGET_RULE(LOG_SOFTMAX, NATIVE,
                "LogSoftmax versions 1, 11, 13 (ONNX Changelog); 11: accepts negative axis values; "
                "13: works along the single axis (default -1); before 13 the input was coerced to "
                "2-D at axis (default 1)",
                opset_rule),
    TARGET_RULE(LOOP, NATIVE,
                "Loop versions 1, 11, 13, 16, 19, 21, 23, 24, 25 (ONNX Changelog); later versions "
                "change only types or wording",
                opset_rule),
    TARGET_RULE(LP_NORMALIZATION, NATIVE,
                "LpNormalization versions 1, 22 (ONNX Changelog); later versions change only types "
                "or wording",
                opset_rule),
    TARGET_RULE(LP_POOL, NATIVE,
                "LpPool versions 1, 2, 11, 18, 22 (ONNX Changelog); 2: p becomes an int (it was a "
                "float); 18: adds ceil_mode and dilations",
                opset_rule),
    TARGET_RULE(
        MAT_MUL, NATIVE,
        "MatMul versions 1, 9, 13 (ONNX Changelog); later versions change only types or wording",
        opset_rule),
    TARGET_RULE(MAT_MUL_INTEGER, NATIVE,
                "MatMulInteger version 10 only (ONNX Changelog); before 10: decomposed into Cast, "
                "Sub, MatMul (from opset 9)",
                opset_rule),
    TARGET_RULE(MAX, NATIVE,
                "Max versions 1, 6, 8, 12, 13 (ONNX Changelog); 6: drops the legacy "
                "consumed_inputs attribute; 8: inputs may differ in shape (multidirectional "
                "broadcasting); before 8 they must match",
                opset_rule),
    TARGET_RULE(MAX_POOL, NATIVE,
                "MaxPool versions 1, 8, 10, 11, 12, 22 (ONNX Changelog); 8: adds the Indices "
                "output and storage_order; 10: adds ceil_mode and dilations",
                opset_rule),
    TARGET_RULE(
        MAX_ROI_POOL, NATIVE,
        "MaxRoiPool versions 1, 22 (ONNX Changelog); later versions change only types or wording",
        opset_rule),
    TARGET_RULE(MAX_UNPOOL, NATIVE,
                "MaxUnpool versions 9, 11, 22 (ONNX Changelog); later versions change only types "
                "or wording",
                opset_rule),
    TARGET_RULE(MEAN, NATIVE,
                "Mean versions 1, 6, 8, 13 (ONNX Changelog); 6: drops the legacy consumed_inputs "
                "attribute; 8: inputs may differ in shape (multidirectional broadcasting); before "
                "8 they must match",
                opset_rule),
    TARGET_RULE(MEAN_VARIANCE_NORMALIZATION, NATIVE,
                "MeanVarianceNormalization versions 9, 13 (ONNX Changelog); later versions change "
                "only types or wording; before 9: decomposed into ReduceMean, Sub, Mul, "
                "ReduceMean, Sqrt, Div (from opset 7)",
                opset_rule),
    TARGET_RULE(MIN, NATIVE,
                "Min versions 1, 6, 8, 12, 13 (ONNX Changelog); 6: drops the legacy "
                "consumed_inputs attribute; 8: inputs may differ in shape (multidirectional "
                "broadcasting); before 8 they must match",
                opset_rule),
    TARGET_RULE(MISH, NATIVE,
                "Mish versions 18, 22 (ONNX Changelog); later versions change only types or "
                "wording; before 18: decomposed into Softplus, Tanh, Mul (from opset 6)",
                opset_rule),
    TARGET_RULE(MOD, NATIVE,
                "Mod versions 10, 13 (ONNX Changelog); later versions change only types or wording",
                opset_rule),
    TARGET_RULE(MUL, NATIVE,
                "Mul versions 1, 6, 7, 13, 14 (ONNX Changelog); 6: drops the legacy "
                "consumed_inputs attribute; 7: the broadcast and axis attributes give way to "
                "numpy-style multidirectional broadcasting",
                opset_rule),
    TARGET_RULE(
        NEG, NATIVE,
        "Neg versions 1, 6, 13 (ONNX Changelog); 6: drops the legacy consumed_inputs attribute",
        opset_rule),
    TARGET_RULE(NON_MAX_SUPPRESSION, NATIVE,
                "NonMaxSuppression versions 10, 11 (ONNX Changelog); later versions change only "
                "types or wording",
                opset_rule),
    TARGET_RULE(
        NON_ZERO, NATIVE,
        "NonZero versions 9, 13 (ONNX Changelog); later versions change only types or wording",
        opset_rule),
    TARGET_RULE(NOT, NATIVE, "Not version 1 only (ONNX Changelog)", opset_rule),
    TARGET_RULE(ONE_HOT, NATIVE,
                "OneHot versions 9, 11 (ONNX Changelog); 11: accepts negative axis and indices",
                opset_rule),
    TARGET_RULE(OR, NATIVE,
                "Or versions 1, 7 (ONNX Changelog); 7: the broadcast and axis attributes give way "
                "to numpy-style multidirectional broadcasting",
                opset_rule),
    TARGET_RULE(P_RELU, NATIVE,
                "PRelu versions 1, 6, 7, 9, 16 (ONNX Changelog); 6: drops the legacy "
                "consumed_inputs attribute; 7: slope broadcasts to X (unidirectional); before 7 it "
                "must match X or have one element",
                opset_rule),
    TARGET_RULE(PAD, NATIVE,
                "Pad versions 1, 2, 11, 13, 18, 19, 21, 23, 24, 25 (ONNX Changelog); 2: paddings "
                "is renamed pads; 11: pads and value move from attributes to inputs (value becomes "
                "constant_value); 18: adds the axes input; 19: adds mode wrap",
                opset_rule),
    TARGET_RULE(POW, NATIVE,
                "Pow versions 1, 7, 12, 13, 15 (ONNX Changelog); 7: the broadcast and axis "
                "attributes give way to numpy-style multidirectional broadcasting",
                opset_rule),
    TARGET_RULE(Q_LINEAR_CONV, NATIVE, "QLinearConv version 10 only (ONNX Changelog)", opset_rule),
    TARGET_RULE(Q_LINEAR_MAT_MUL, NATIVE,
                "QLinearMatMul versions 10, 21 (ONNX Changelog); later versions change only types "
                "or wording",
                opset_rule),
    TARGET_RULE(QUANTIZE_LINEAR, NATIVE,
                "QuantizeLinear versions 10, 13, 19, 21, 23, 24, 25 (ONNX Changelog); 13: adds "
                "axis: per-axis (1-D) scale and zero point; 21: adds blocked quantization, "
                "output_dtype and int4/uint4/int16; 23: adds precision and float4e2m1",
                opset_rule),
    TARGET_RULE(RMS_NORMALIZATION, NATIVE,
                "RMSNormalization version 23 only (ONNX Changelog); before 23: decomposed into "
                "Mul, ReduceMean, Add, Sqrt, Div, Mul (from opset 7)",
                opset_rule),
    TARGET_RULE(RNN, NATIVE,
                "RNN versions 1, 7, 14, 22 (ONNX Changelog); 7: drops output_sequence (Y is output "
                "when it is connected); 14: adds layout (1: batch-first)",
                opset_rule),
    TARGET_RULE(RANGE, NATIVE,
                "Range versions 11, 27 (ONNX Changelog); 27: adds float16/bfloat16 and stash_type; "
                "before 11: folded into a Constant (from opset 1)",
                opset_rule),
    TARGET_RULE(RECIPROCAL, NATIVE,
                "Reciprocal versions 1, 6, 13 (ONNX Changelog); 6: drops the legacy "
                "consumed_inputs attribute",
                opset_rule),
    TARGET_RULE(REDUCE_L1, NATIVE,
                "ReduceL1 versions 1, 11, 13, 18 (ONNX Changelog); 11: accepts negative axes; 18: "
                "axes moves from attribute to optional input; adds noop_with_empty_axes",
                opset_rule),
    TARGET_RULE(REDUCE_L2, NATIVE,
                "ReduceL2 versions 1, 11, 13, 18 (ONNX Changelog); 11: accepts negative axes; 18: "
                "axes moves from attribute to optional input; adds noop_with_empty_axes",
                opset_rule),
    TARGET_RULE(REDUCE_LOG_SUM, NATIVE,
                "ReduceLogSum versions 1, 11, 13, 18 (ONNX Changelog); 11: accepts negative axes; "
                "18: axes moves from attribute to optional input; adds noop_with_empty_axes",
                opset_rule),
    TARGET_RULE(REDUCE_LOG_SUM_EXP, NATIVE,
                "ReduceLogSumExp versions 1, 11, 13, 18 (ONNX Changelog); 11: accepts negative "
                "axes; 18: axes moves from attribute to optional input; adds noop_with_empty_axes",
                opset_rule),
    TARGET_RULE(REDUCE_MAX, NATIVE,
                "ReduceMax versions 1, 11, 12, 13, 18, 20 (ONNX Changelog); 11: accepts negative "
                "axes; 18: axes moves from attribute to optional input; adds noop_with_empty_axes",
                opset_rule),
    TARGET_RULE(REDUCE_MEAN, NATIVE,
                "ReduceMean versions 1, 11, 13, 18 (ONNX Changelog); 11: accepts negative axes; "
                "18: axes moves from attribute to optional input; adds noop_with_empty_axes",
                opset_rule),
    TARGET_RULE(REDUCE_MIN, NATIVE,
                "ReduceMin versions 1, 11, 12, 13, 18, 20 (ONNX Changelog); 11: accepts negative "
                "axes; 18: axes moves from attribute to optional input; adds noop_with_empty_axes",
                opset_rule),
    TARGET_RULE(REDUCE_PROD, NATIVE,
                "ReduceProd versions 1, 11, 13, 18 (ONNX Changelog); 11: accepts negative axes; "
                "18: axes moves from attribute to optional input; adds noop_with_empty_axes",
                opset_rule),
    TARGET_RULE(REDUCE_SUM, NATIVE,
                "ReduceSum versions 1, 11, 13 (ONNX Changelog); 11: accepts negative axes; 13: "
                "axes moves from attribute to optional input; adds noop_with_empty_axes",
                opset_rule),
    TARGET_RULE(REDUCE_SUM_SQUARE, NATIVE,
                "ReduceSumSquare versions 1, 11, 13, 18 (ONNX Changelog); 11: accepts negative "
                "axes; 18: axes moves from attribute to optional input; adds noop_with_empty_axes",
                opset_rule),
    TARGET_RULE(RELU, NATIVE,
                "Relu versions 1, 6, 13, 14 (ONNX Changelog); 6: drops the legacy consumed_inputs "
                "attribute",
                opset_rule),
    TARGET_RULE(RESHAPE, NATIVE,
                "Reshape versions 1, 5, 13, 14, 19, 21, 23, 24, 25 (ONNX Changelog); 5: shape "
                "moves from attribute to input (and consumed_inputs goes); 14: adds allowzero "
                "(default 0: a 0 copies the input dim, as before)",
                opset_rule),
    TARGET_RULE(
        RESIZE, NATIVE,
        "Resize versions 10, 11, 13, 18, 19 (ONNX Changelog); 11: adds roi and sizes inputs, "
        "coordinate_transformation_mode (default half_pixel), cubic mode, nearest_mode; 13: roi "
        "and scales become optional; tf_half_pixel_for_nn is removed; 18: adds antialias, axes and "
        "keep_aspect_ratio_policy; 19: adds coordinate_transformation_mode half_pixel_symmetric; "
        "before 10: rewritten as Upsample (from opset 7)",
        opset_rule),
    TARGET_RULE(REVERSE_SEQUENCE, NATIVE, "ReverseSequence version 10 only (ONNX Changelog)",
                opset_rule),
    TARGET_RULE(
        ROI_ALIGN, NATIVE,
        "RoiAlign versions 10, 16, 22 (ONNX Changelog); 16: adds coordinate_transformation_mode "
        "whose default half_pixel differs from the old mapping (output_half_pixel)",
        opset_rule),
    TARGET_RULE(
        ROUND, NATIVE,
        "Round versions 11, 22 (ONNX Changelog); later versions change only types or wording",
        opset_rule),
    TARGET_RULE(SCAN, NATIVE,
                "Scan versions 8, 9, 11, 16, 19, 21, 23, 24, 25 (ONNX Changelog); 9: drops the "
                "batch axis and sequence_lens; adds per-input/output scan axes and directions; 11: "
                "accepts negative scan axes",
                opset_rule),
    TARGET_RULE(SCATTER, NATIVE,
                "Scatter versions 9, 11 (ONNX Changelog); 11: deprecated: ScatterElements computes "
                "the same",
                opset_rule),
    TARGET_RULE(
        SCATTER_ELEMENTS, NATIVE,
        "ScatterElements versions 11, 13, 16, 18 (ONNX Changelog); 16: adds reduction (none, add, "
        "mul); 18: adds reductions max and min; before 11: rewritten as Scatter (from opset 9)",
        opset_rule),
    TARGET_RULE(SCATTER_ND, NATIVE,
                "ScatterND versions 11, 13, 16, 18 (ONNX Changelog); 16: adds reduction (none, "
                "add, mul); 18: adds reductions max and min",
                opset_rule),
    TARGET_RULE(SELU, NATIVE,
                "Selu versions 1, 6, 22 (ONNX Changelog); 6: drops consumed_inputs; the alpha and "
                "gamma defaults gain digits (1.6732 -> 1.67326319, 1.0507 -> 1.05070102)",
                opset_rule),
    TARGET_RULE(
        SHAPE, NATIVE,
        "Shape versions 1, 13, 15, 19, 21, 23, 24, 25 (ONNX Changelog); 15: adds start and end",
        opset_rule),
    TARGET_RULE(SHRINK, NATIVE, "Shrink version 9 only (ONNX Changelog)", opset_rule),
    TARGET_RULE(
        SIGMOID, NATIVE,
        "Sigmoid versions 1, 6, 13 (ONNX Changelog); 6: drops the legacy consumed_inputs attribute",
        opset_rule),
    TARGET_RULE(SIGN, NATIVE,
                "Sign versions 9, 13 (ONNX Changelog); later versions change only types or wording",
                opset_rule),
    TARGET_RULE(SIN, NATIVE,
                "Sin versions 7, 22 (ONNX Changelog); later versions change only types or wording",
                opset_rule),
    TARGET_RULE(SINH, NATIVE,
                "Sinh versions 9, 22 (ONNX Changelog); later versions change only types or "
                "wording; before 9: decomposed into Exp, Neg, Exp, Sub, Div (from opset 7)",
                opset_rule),
    TARGET_RULE(SIZE, NATIVE,
                "Size versions 1, 13, 19, 21, 23, 24, 25 (ONNX Changelog); later versions change "
                "only types or wording",
                opset_rule),
    TARGET_RULE(SLICE, NATIVE,
                "Slice versions 1, 10, 11, 13 (ONNX Changelog); 10: starts, ends and axes move "
                "from attributes to inputs; adds steps; 11: accepts negative axes",
                opset_rule),
    TARGET_RULE(SOFTMAX, NATIVE,
                "Softmax versions 1, 11, 13 (ONNX Changelog); 11: accepts negative axis values; "
                "13: works along the single axis (default -1); before 13 the input was coerced to "
                "2-D at axis (default 1)",
                opset_rule),
    TARGET_RULE(
        SOFTPLUS, NATIVE,
        "Softplus versions 1, 22 (ONNX Changelog); later versions change only types or wording",
        opset_rule),
    TARGET_RULE(
        SOFTSIGN, NATIVE,
        "Softsign versions 1, 22 (ONNX Changelog); later versions change only types or wording",
        opset_rule),
    TARGET_RULE(
        SPACE_TO_DEPTH, NATIVE,
        "SpaceToDepth versions 1, 13 (ONNX Changelog); later versions change only types or wording",
        opset_rule),
    TARGET_RULE(SPLIT, NATIVE,
                "Split versions 1, 2, 11, 13, 18 (ONNX Changelog); 2: split moves from an optional "
                "input to an attribute; 11: accepts negative axis values; 13: split moves from "
                "attribute to optional input; 18: adds num_outputs: one of it or the split input "
                "must be given (uneven: last chunk smaller)",
                opset_rule),
    TARGET_RULE(
        SQRT, NATIVE,
        "Sqrt versions 1, 6, 13 (ONNX Changelog); 6: drops the legacy consumed_inputs attribute",
        opset_rule),
    TARGET_RULE(SQUEEZE, NATIVE,
                "Squeeze versions 1, 11, 13, 21, 23, 24, 25 (ONNX Changelog); 11: accepts negative "
                "axes; 13: axes moves from attribute to input",
                opset_rule),
    TARGET_RULE(SUB, NATIVE,
                "Sub versions 1, 6, 7, 13, 14 (ONNX Changelog); 6: drops the legacy "
                "consumed_inputs attribute; 7: the broadcast and axis attributes give way to "
                "numpy-style multidirectional broadcasting",
                opset_rule),
    TARGET_RULE(
        SUM, NATIVE,
        "Sum versions 1, 6, 8, 13 (ONNX Changelog); 6: drops the legacy consumed_inputs attribute; "
        "8: inputs may differ in shape (multidirectional broadcasting); before 8 they must match",
        opset_rule),
    TARGET_RULE(SWISH, NATIVE,
                "Swish version 24 only (ONNX Changelog); before 24: decomposed into Mul, Sigmoid, "
                "Mul (from opset 7)",
                opset_rule),
    TARGET_RULE(TAN, NATIVE,
                "Tan versions 7, 22 (ONNX Changelog); later versions change only types or wording",
                opset_rule),
    TARGET_RULE(
        TANH, NATIVE,
        "Tanh versions 1, 6, 13 (ONNX Changelog); 6: drops the legacy consumed_inputs attribute",
        opset_rule),
    TARGET_RULE(THRESHOLDED_RELU, NATIVE,
                "ThresholdedRelu versions 10, 22 (ONNX Changelog); later versions change only "
                "types or wording; before 10: decomposed into Greater, Cast, Mul (from opset 7)",
                opset_rule),
    TARGET_RULE(TILE, NATIVE,
                "Tile versions 1, 6, 13 (ONNX Changelog); 6: the tiles and axis inputs give way to "
                "one repeats input",
                opset_rule),
    TARGET_RULE(TOP_K, NATIVE,
                "TopK versions 1, 10, 11, 24 (ONNX Changelog); 10: k moves from attribute to input "
                "K; 11: adds largest and sorted (defaults as before); accepts negative axis",
                opset_rule),
    TARGET_RULE(TRANSPOSE, NATIVE,
                "Transpose versions 1, 13, 21, 23, 24, 25 (ONNX Changelog); later versions change "
                "only types or wording",
                opset_rule),
    TARGET_RULE(TRILU, NATIVE,
                "Trilu version 14 only (ONNX Changelog); before 14: rewritten as Mul by a constant "
                "triangular mask (from opset 7)",
                opset_rule),
    TARGET_RULE(UNIQUE, NATIVE, "Unique version 11 only (ONNX Changelog)", opset_rule),
    TARGET_RULE(UNSQUEEZE, NATIVE,
                "Unsqueeze versions 1, 11, 13, 21, 23, 24, 25 (ONNX Changelog); 11: accepts "
                "negative axes; 13: axes moves from attribute to input",
                opset_rule),
    TARGET_RULE(
        UPSAMPLE, NATIVE,
        "Upsample versions 1, 7, 9, 10 (ONNX Changelog); 7: height_scale/width_scale give way to "
        "scales; 9: scales moves from attribute to input; 10: deprecated: Resize replaces it",
        opset_rule),
    TARGET_RULE(
        WHERE, NATIVE,
        "Where versions 9, 16 (ONNX Changelog); later versions change only types or wording",
        opset_rule),
    TARGET_RULE(XOR, NATIVE,
                "Xor versions 1, 7 (ONNX Changelog); 7: the broadcast and axis attributes give way "
                "to numpy-style multidirectional broadcasting",
                opset_rule),
    IR_OP_LIST_TFL(TARGET_ROW_TFLITE_NEEDS_ONNX)};
_Static_assert(sizeof rows / sizeof rows[0] == IR_OP_COUNT, "one row per IR op");

const struct target target_onnx_opset = {
    .name = "onnx-opsetN",
    .title = "ONNX opset N (what changes between the model's opset and N)",
    .version = "ONNX opsets 1-28 (onnx main @f754691, 2026-08-22; ONNX 1.22 = opset 27)",
    .source = "onnx/onnx@f7546912001bc31e92a238b17068a21b373d882e:docs/Changelog.md",
    .takes = TARGET_TAKES_ONNX,
    .rows = rows,
    .partition = TARGET_PARTITION_NONE,
    .accelerator = NULL,
    .unknown = "Resize-10 states no coordinate mapping (read as Upsample's, asymmetric); "
               "version bumps that only restate the text are taken as unchanged; dtype checks "
               "use the union of a version's type constraints, not each input's; for ai.onnx "
               "ops ferry does not model only the versions are known, not what changed; "
               "opsets above 28 are taken to equal 28",
};
