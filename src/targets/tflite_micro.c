/* Target tflite-micro: TensorFlow Lite for Microcontrollers (TFLM), the
 * interpreter for bare-metal MCUs: a fixed tensor arena, no heap, and only the
 * kernels the application registers with its MicroMutableOpResolver.
 *
 * Where the facts come from (tensorflow/tflite-micro@90b983c, 2026-08-20;
 * ../shared/reference/targets.md §3 summarises the same snapshot):
 * - tensorflow/lite/micro/micro_mutable_op_resolver.h: one Add* method per
 *   builtin that has a kernel, and the custom ops it can register by name
 *   (the signal library's Signal*, TFLite_Detection_PostProcess,
 *   CIRCULAR_BUFFER, TFLM_DECODE, and "ethos-u" only in the Ethos-U build:
 *   the plain build's Register_ETHOSU() returns nothing);
 * - tensorflow/lite/micro/kernels/<op>.cc: the element types each reference
 *   kernel's Prepare/Eval accepts (read from their type checks and switches),
 *   the weight/input pairings of the convolution-like kernels ("Hybrid models
 *   are not supported on TFLite Micro"), and per-kernel limits (at most 10
 *   CONCATENATION inputs, STRIDED_SLICE rank <= 4 with constant
 *   begin/end/strides, TRANSPOSE/PAD/SLICE/BROADCAST_TO rank <= 5, GATHER_ND
 *   index depth <= 5, ...);
 * - tensorflow/lite/kernels/internal/runtime_shape.h: shapes hold at most 6
 *   dims (kMaxSmallSize);
 * - micro_interpreter_graph.cc: a missing kernel fails at init ("Didn't find
 *   op for builtin opcode"), a failed Prepare fails AllocateTensors, a tensor
 *   without a fixed size is refused ("Dynamic tensors are not supported").
 *
 * How rows decide. TFLM has no CPU fallback: a node either has a kernel that
 * accepts it or the model does not load, so answers are native or
 * unsupported. The model rule (applied to every node first) refuses a node
 * that touches a tensor of unknown size (a symbolic or unknown dim, an input
 * of unknown rank) or of rank > 6. A TFLite shape_signature of -1 is not
 * counted: TFLM allocates from Tensor.shape and ignores the signature (its
 * own hello_world_int8.tflite carries -1 batch signatures). Each builtin with
 * an Add* method is native with one shared rule: the element types of its
 * data tensors must be ones the reference kernel takes (shape, axis and
 * index operands are not data), then the op's own limits. Builtins with no
 * Add* method are unsupported. IR_OP_OPAQUE decides by custom code or builtin
 * name. Optimized kernel libraries (CMSIS-NN, Xtensa, ARC MLI, CEVA) accept
 * fewer types than the reference kernels; the rows describe the reference
 * kernels (see .unknown). */
#include <stdio.h>
#include <string.h>

#include "targets/rules.h"
#include "targets/target.h"

/* Element-type sets as bit masks over enum ir_dtype. */
#define DT(e) (1u << IR_##e)
#define F32 DT(F32)
#define I8 DT(I8)
#define U8 DT(U8)
#define I16 DT(I16)
#define I32 DT(I32)
#define U32 DT(U32)
#define I64 DT(I64)
#define BOOL DT(BOOL)
#define ANY 0xffffffffu /* type-agnostic, or not checked */
#define SAME 0u         /* outputs: the data set */
/* input slots holding data (bit i: input i) */
#define S0 0x1u
#define S1 0x2u
#define S01 0x3u
#define S12 0x6u
#define S2 0x4u
#define SALL 0xffffffffu
#define SNONE 0u

static bool rank_le4(const struct check_node *c, struct check_verdict *v);
static bool rank_le5(const struct check_node *c, struct check_verdict *v);
static bool rank_3_4(const struct check_node *c, struct check_verdict *v);
static bool out_rank_le5(const struct check_node *c, struct check_verdict *v);
static bool concat_inputs(const struct check_node *c, struct check_verdict *v);
static bool conv_weights(const struct check_node *c, struct check_verdict *v);
static bool fc_weights(const struct check_node *c, struct check_verdict *v);
static bool tconv_weights(const struct check_node *c, struct check_verdict *v);
static bool lstm_weights(const struct check_node *c, struct check_verdict *v);
static bool svdf_limits(const struct check_node *c, struct check_verdict *v);
static bool gather_indices(const struct check_node *c, struct check_verdict *v);
static bool gather_nd_indices(const struct check_node *c, struct check_verdict *v);
static bool quantize_pairs(const struct check_node *c, struct check_verdict *v);
static bool strided_slice_limits(const struct check_node *c, struct check_verdict *v);

/* Builtins with a kernel: X(OP, rule name, data types, data input slots,
 * output types, op limits, why). Types are the reference kernel's. */
#define MICRO_KERNELS(X)                                                                           \
    X(ABS, "abs", F32 | I8 | I16, S0, SAME, NULL,                                                  \
      "AddAbs; reference kernel: float32, int8, int16 (kernels/elementwise.cc)")                   \
    X(ADD, "add", F32 | I8 | I16 | I32, S01, SAME, NULL,                                           \
      "AddAdd; reference kernel: float32, int8, int16, int32 (kernels/add.cc)")                    \
    X(ADD_N, "add_n", F32 | I8, SALL, SAME, NULL,                                                  \
      "AddAddN; reference kernel: float32, int8 (kernels/add_n.cc)")                               \
    X(ARG_MAX, "arg_max", F32 | I8, S0, I32, NULL,                                                 \
      "AddArgMax; reference kernel: float32 or int8 input, int32 output "                          \
      "(kernels/arg_min_max.cc)")                                                                  \
    X(ARG_MIN, "arg_min", F32 | I8, S0, I32, NULL,                                                 \
      "AddArgMin; reference kernel: float32 or int8 input, int32 output "                          \
      "(kernels/arg_min_max.cc)")                                                                  \
    X(AVERAGE_POOL_2D, "average_pool_2d", F32 | I8 | I16, S0, SAME, NULL,                          \
      "AddAveragePool2D; reference kernel: float32, int8, int16 (kernels/pooling.cc)")             \
    X(BATCH_MATMUL, "batch_matmul", F32 | I8 | I16, S01, SAME, NULL,                               \
      "AddBatchMatMul; reference kernel: float32, int8, int16 (kernels/batch_matmul.cc)")          \
    X(BATCH_TO_SPACE_ND, "batch_to_space_nd", F32 | I8, S0, SAME, rank_3_4,                        \
      "AddBatchToSpaceNd; reference kernel: float32, int8, rank 3 or 4 "                           \
      "(kernels/batch_to_space_nd.cc)")                                                            \
    X(BROADCAST_TO, "broadcast_to", ANY, SNONE, ANY, out_rank_le5,                                 \
      "AddBroadcastTo; the kernel copies bytes (any type), output rank <= 5 "                      \
      "(kernels/broadcast_to.cc)")                                                                 \
    X(CAST, "cast", I8 | I16 | I32 | U32 | F32 | BOOL, S0, I8 | I16 | I32 | U32 | F32, NULL,       \
      "AddCast; reference kernel: from int8, int16, int32, uint32, float32, bool to int8, "        \
      "int16, int32, uint32, float32 (kernels/cast.cc)")                                           \
    X(CEIL, "ceil", F32, S0, SAME, NULL, "AddCeil; reference kernel: float32 (kernels/ceil.cc)")   \
    X(CONCATENATION, "concatenation", F32 | I8 | I16 | I32 | I64 | BOOL, SALL, SAME,               \
      concat_inputs,                                                                               \
      "AddConcatenation; reference kernel: float32, int8, int16, int32, int64, bool, at most "     \
      "10 inputs (kernels/concatenation.cc)")                                                      \
    X(CONV_2D, "conv_2d", F32 | I8 | I16, S0, SAME, conv_weights,                                  \
      "AddConv2D; reference kernel: float32 with float32 weights, int8 with int8 or int4 "         \
      "weights, int16 with int8 weights (kernels/conv.cc)")                                        \
    X(COS, "cos", F32, S0, SAME, NULL,                                                             \
      "AddCos; reference kernel: float32 (kernels/elementwise.cc)")                                \
    X(CUMSUM, "cumsum", F32 | I8, S0, SAME, NULL,                                                  \
      "AddCumSum; reference kernel: float32, int8 (kernels/cumsum.cc)")                            \
    X(DEPTHWISE_CONV_2D, "depthwise_conv_2d", F32 | I8 | I16, S0, SAME, conv_weights,              \
      "AddDepthwiseConv2D; reference kernel: float32 with float32 weights, int8 with int8 or "     \
      "int4 weights, int16 with int8 weights (kernels/depthwise_conv.cc)")                         \
    X(DEPTH_TO_SPACE, "depth_to_space", F32 | I8, S0, SAME, NULL,                                  \
      "AddDepthToSpace; reference kernel: float32, int8 (kernels/depth_to_space.cc)")              \
    X(DEQUANTIZE, "dequantize", I8 | I16 | U8, S0, F32, NULL,                                      \
      "AddDequantize; reference kernel: int8, int16, uint8 to float32 (kernels/dequantize.cc)")    \
    X(DIV, "div", F32 | I32 | I8, S01, SAME, NULL,                                                 \
      "AddDiv; reference kernel: float32, int32, int8 (kernels/div.cc)")                           \
    X(ELU, "elu", F32 | I8, S0, SAME, NULL,                                                        \
      "AddElu; reference kernel: float32, int8 (kernels/elu.cc)")                                  \
    X(EQUAL, "equal", BOOL | F32 | I32 | I64 | I8, S01, ANY, NULL,                                 \
      "AddEqual; reference kernel: bool, float32, int32, int64, int8 inputs "                      \
      "(kernels/comparisons.cc)")                                                                  \
    X(EXP, "exp", F32, S0, SAME, NULL, "AddExp; reference kernel: float32 (kernels/exp.cc)")       \
    X(EXPAND_DIMS, "expand_dims", F32 | I8 | I16, S0, SAME, NULL,                                  \
      "AddExpandDims; reference kernel: float32, int8, int16 (kernels/expand_dims.cc)")            \
    X(FILL, "fill", F32 | I32 | I8, S1, SAME, NULL,                                                \
      "AddFill; reference kernel: a float32, int32 or int8 value (kernels/fill.cc)")               \
    X(FLOOR, "floor", F32, S0, SAME, NULL,                                                         \
      "AddFloor; reference kernel: float32 (kernels/floor.cc)")                                    \
    X(FLOOR_DIV, "floor_div", F32, S01, SAME, NULL,                                                \
      "AddFloorDiv; reference kernel: float32 (kernels/floor_div.cc)")                             \
    X(FLOOR_MOD, "floor_mod", F32, S01, SAME, NULL,                                                \
      "AddFloorMod; reference kernel: float32 (kernels/floor_mod.cc)")                             \
    X(FULLY_CONNECTED, "fully_connected", F32 | I8 | I16, S0, SAME, fc_weights,                    \
      "AddFullyConnected; reference kernel: float32 with float32 weights, int8 with int8 or "      \
      "int4 weights, int16 with int8 weights (kernels/fully_connected.cc)")                        \
    X(GATHER, "gather", F32 | I8, S0, SAME, gather_indices,                                        \
      "AddGather; reference kernel: float32, int8 data with int32 indices (kernels/gather.cc)")    \
    X(GATHER_ND, "gather_nd", F32 | I8, S0, SAME, gather_nd_indices,                               \
      "AddGatherNd; reference kernel: float32, int8 data with int32 indices of depth <= 5 "        \
      "(kernels/gather_nd.cc)")                                                                    \
    X(GREATER, "greater", F32 | I32 | I64 | I8 | I16, S01, ANY, NULL,                              \
      "AddGreater; reference kernel: float32, int32, int64, int8, int16 inputs "                   \
      "(kernels/comparisons.cc)")                                                                  \
    X(GREATER_EQUAL, "greater_equal", F32 | I32 | I64 | I8, S01, ANY, NULL,                        \
      "AddGreaterEqual; reference kernel: float32, int32, int64, int8 inputs "                     \
      "(kernels/comparisons.cc)")                                                                  \
    X(HARD_SWISH, "hard_swish", F32 | I8, S0, SAME, NULL,                                          \
      "AddHardSwish; reference kernel: float32, int8 (kernels/hard_swish.cc)")                     \
    X(L2_NORMALIZATION, "l2_normalization", F32 | I8, S0, SAME, rank_le4,                          \
      "AddL2Normalization; reference kernel: float32, int8, rank <= 4 (kernels/l2norm.cc)")        \
    X(L2_POOL_2D, "l2_pool_2d", F32, S0, SAME, NULL,                                               \
      "AddL2Pool2D; reference kernel: float32 (kernels/l2_pool_2d.cc)")                            \
    X(LEAKY_RELU, "leaky_relu", F32 | I8 | I16, S0, SAME, NULL,                                    \
      "AddLeakyRelu; reference kernel: float32, int8, int16 (kernels/leaky_relu.cc)")              \
    X(LESS, "less", F32 | I32 | I64 | I8, S01, ANY, NULL,                                          \
      "AddLess; reference kernel: float32, int32, int64, int8 inputs (kernels/comparisons.cc)")    \
    X(LESS_EQUAL, "less_equal", F32 | I32 | I64 | I8, S01, ANY, NULL,                              \
      "AddLessEqual; reference kernel: float32, int32, int64, int8 inputs "                        \
      "(kernels/comparisons.cc)")                                                                  \
    X(LOG, "log", F32, S0, SAME, NULL,                                                             \
      "AddLog; reference kernel: float32 (kernels/elementwise.cc)")                                \
    X(LOGICAL_AND, "logical_and", BOOL, S01, SAME, NULL,                                           \
      "AddLogicalAnd; reference kernel: bool (kernels/logical.cc)")                                \
    X(LOGICAL_NOT, "logical_not", BOOL, S0, SAME, NULL,                                            \
      "AddLogicalNot; reference kernel: bool (kernels/elementwise.cc)")                            \
    X(LOGICAL_OR, "logical_or", BOOL, S01, SAME, NULL,                                             \
      "AddLogicalOr; reference kernel: bool (kernels/logical.cc)")                                 \
    X(LOGISTIC, "logistic", F32 | I8 | I16, S0, SAME, NULL,                                        \
      "AddLogistic; reference kernel: float32, int8, int16 (kernels/logistic.cc)")                 \
    X(LOG_SOFTMAX, "log_softmax", F32 | I8, S0, SAME, NULL,                                        \
      "AddLogSoftmax; reference kernel: float32, int8 (kernels/log_softmax.cc)")                   \
    X(MAXIMUM, "maximum", F32 | I8 | I16 | I32 | I64, S01, SAME, NULL,                             \
      "AddMaximum; reference kernel: float32, int8, int16, int32, int64 "                          \
      "(kernels/maximum_minimum.cc)")                                                              \
    X(MAX_POOL_2D, "max_pool_2d", F32 | I8 | I16, S0, SAME, NULL,                                  \
      "AddMaxPool2D; reference kernel: float32, int8, int16 (kernels/pooling.cc)")                 \
    X(MEAN, "mean", F32 | I8 | I16, S0, SAME, NULL,                                                \
      "AddMean; reference kernel: float32, int8, int16 (kernels/reduce_common.cc)")                \
    X(MINIMUM, "minimum", F32 | I8 | I16 | I32 | I64, S01, SAME, NULL,                             \
      "AddMinimum; reference kernel: float32, int8, int16, int32, int64 "                          \
      "(kernels/maximum_minimum.cc)")                                                              \
    X(MIRROR_PAD, "mirror_pad", F32 | I8, S0, SAME, NULL,                                          \
      "AddMirrorPad; reference kernel: float32, int8 (kernels/mirror_pad.cc)")                     \
    X(MUL, "mul", F32 | I8 | I16 | I32, S01, SAME, NULL,                                           \
      "AddMul; reference kernel: float32, int8, int16, int32 (kernels/mul.cc)")                    \
    X(NEG, "neg", F32, S0, SAME, NULL,                                                             \
      "AddNeg; reference kernel: float32 only (int8 is a TODO in kernels/neg.cc)")                 \
    X(NOT_EQUAL, "not_equal", BOOL | F32 | I32 | I64 | I8, S01, ANY, NULL,                         \
      "AddNotEqual; reference kernel: bool, float32, int32, int64, int8 inputs "                   \
      "(kernels/comparisons.cc)")                                                                  \
    X(PACK, "pack", F32 | I8 | I16 | I32 | I64, SALL, SAME, NULL,                                  \
      "AddPack; reference kernel: float32, int8, int16, int32, int64 (kernels/pack.cc)")           \
    X(PAD, "pad", F32 | I8 | I16 | I32, S0, SAME, rank_le5,                                        \
      "AddPad; reference kernel: float32, int8, int16, int32, rank <= 5 (kernels/pad.cc)")         \
    X(PADV2, "padv2", F32 | I8 | I16 | I32, S0 | S2, SAME, rank_le5,                               \
      "AddPadV2; reference kernel: float32, int8, int16, int32, rank <= 5 (kernels/pad.cc)")       \
    X(PRELU, "prelu", F32 | I8 | I16, S01, SAME, NULL,                                             \
      "AddPrelu; reference kernel: float32, int8, int16 (kernels/prelu.cc)")                       \
    X(QUANTIZE, "quantize", F32 | I32 | I16 | I8 | U8, S0, I8 | I16 | I32 | U8, quantize_pairs,    \
      "AddQuantize; reference kernel: float32 to int8/int16 and requantization among int8, "       \
      "uint8, int16, int32 (kernels/quantize_common.cc)")                                          \
    X(REDUCE_MAX, "reduce_max", F32 | I8, S0, SAME, NULL,                                          \
      "AddReduceMax; reference kernel: float32, int8 (kernels/reduce_common.cc)")                  \
    X(REDUCE_MIN, "reduce_min", F32 | I8, S0, SAME, NULL,                                          \
      "AddReduceMin; reference kernel: float32, int8 (kernels/reduce_common.cc)")                  \
    X(RELU, "relu", F32 | I8 | I16, S0, SAME, NULL,                                                \
      "AddRelu; reference kernel: float32, int8, int16 (kernels/activations.cc)")                  \
    X(RELU6, "relu6", F32 | I8 | I16, S0, SAME, NULL,                                              \
      "AddRelu6; reference kernel: float32, int8, int16 (kernels/activations.cc)")                 \
    X(RESHAPE, "reshape", ANY, SNONE, ANY, NULL,                                                   \
      "AddReshape; the kernel moves bytes (any type) to the shape the file gives "                 \
      "(kernels/reshape_common.cc)")                                                               \
    X(RESIZE_BILINEAR, "resize_bilinear", F32 | I8, S0, SAME, NULL,                                \
      "AddResizeBilinear; reference kernel: float32, int8 (kernels/resize_bilinear.cc)")           \
    X(RESIZE_NEAREST_NEIGHBOR, "resize_nearest_neighbor", F32 | I8 | I16, S0, SAME, NULL,          \
      "AddResizeNearestNeighbor; reference kernel: float32, int8, int16 "                          \
      "(kernels/resize_nearest_neighbor.cc)")                                                      \
    X(REVERSE_V2, "reverse_v2", BOOL | F32 | I8 | I16 | I32 | I64 | U8, S0, SAME, NULL,            \
      "AddReverseV2; reference kernel: bool, float32, int8, int16, int32, int64, uint8 "           \
      "(kernels/reverse.cc)")                                                                      \
    X(ROUND, "round", F32, S0, SAME, NULL,                                                         \
      "AddRound; reference kernel: float32 (kernels/round.cc)")                                    \
    X(RSQRT, "rsqrt", F32 | I8, S0, SAME, NULL,                                                    \
      "AddRsqrt; reference kernel: float32, int8 (Prepare's check in kernels/elementwise.cc)")     \
    X(SELECT_V2, "select_v2", F32 | I8 | I16, S12, SAME, NULL,                                     \
      "AddSelectV2; reference kernel: bool condition, float32, int8, int16 values "                \
      "(kernels/select.cc)")                                                                       \
    X(SHAPE, "shape", ANY, SNONE, I32, NULL,                                                       \
      "AddShape; reference kernel: any input, int32 output only (kernels/shape.cc)")               \
    X(SIN, "sin", F32, S0, SAME, NULL,                                                             \
      "AddSin; reference kernel: float32 (kernels/elementwise.cc)")                                \
    X(SLICE, "slice", F32 | I32 | I8 | I16 | BOOL, S0, SAME, rank_le5,                             \
      "AddSlice; reference kernel: float32, int32, int8, int16, bool, rank <= 5 "                  \
      "(kernels/slice.cc)")                                                                        \
    X(SOFTMAX, "softmax", F32 | I8 | I16, S0, F32 | I8 | I16, NULL,                                \
      "AddSoftmax; reference kernel: float32, int8 (to int8 or int16), int16 "                     \
      "(kernels/softmax_common.cc)")                                                               \
    X(SPACE_TO_BATCH_ND, "space_to_batch_nd", F32 | I8, S0, SAME, rank_3_4,                        \
      "AddSpaceToBatchNd; reference kernel: float32, int8, rank 3 or 4 "                           \
      "(kernels/space_to_batch_nd.cc)")                                                            \
    X(SPACE_TO_DEPTH, "space_to_depth", F32 | I8, S0, SAME, NULL,                                  \
      "AddSpaceToDepth; reference kernel: float32, int8 (kernels/space_to_depth.cc)")              \
    X(SPLIT, "split", F32 | I8 | I16 | I32, S1, SAME, NULL,                                        \
      "AddSplit; reference kernel: float32, int8, int16, int32 (kernels/split.cc)")                \
    X(SPLIT_V, "split_v", F32 | I8 | I16 | I32, S0, SAME, NULL,                                    \
      "AddSplitV; reference kernel: float32, int8, int16, int32 (kernels/split_v.cc)")             \
    X(SQRT, "sqrt", F32, S0, SAME, NULL,                                                           \
      "AddSqrt; reference kernel: float32 (kernels/elementwise.cc)")                               \
    X(SQUARE, "square", F32, S0, SAME, NULL,                                                       \
      "AddSquare; reference kernel: float32 (kernels/elementwise.cc)")                             \
    X(SQUARED_DIFFERENCE, "squared_difference", F32 | I8 | I16 | I32, S01, SAME, NULL,             \
      "AddSquaredDifference; reference kernel: float32, int8, int16, int32 "                       \
      "(kernels/squared_difference.cc)")                                                           \
    X(SQUEEZE, "squeeze", ANY, SNONE, ANY, NULL,                                                   \
      "AddSqueeze; the kernel moves bytes (any type but string) (kernels/squeeze.cc)")             \
    X(STRIDED_SLICE, "strided_slice", F32 | I8 | I16 | I32 | BOOL, S0, SAME, strided_slice_limits, \
      "AddStridedSlice; reference kernel: float32, int8, int16, int32, bool, rank <= 4, "          \
      "constant begin/end/strides (kernels/strided_slice*.cc)")                                    \
    X(SUB, "sub", F32 | I8 | I16 | I32, S01, SAME, NULL,                                           \
      "AddSub; reference kernel: float32, int8, int16, int32 (kernels/sub.cc)")                    \
    X(SUM, "sum", F32 | I8 | I16, S0, SAME, NULL,                                                  \
      "AddSum; reference kernel: float32, int8, int16 (kernels/reduce_common.cc)")                 \
    X(SVDF, "svdf", F32 | I8, S0, SAME, svdf_limits,                                               \
      "AddSvdf; reference kernel: float32 or int8 rank-2 input with weights of the same kind "     \
      "(kernels/svdf_common.cc)")                                                                  \
    X(TANH, "tanh", F32 | I8 | I16, S0, SAME, NULL,                                                \
      "AddTanh; reference kernel: float32, int8, int16 (kernels/tanh.cc)")                         \
    X(TRANSPOSE, "transpose", F32 | I8 | I16, S0, SAME, rank_le5,                                  \
      "AddTranspose; reference kernel: float32, int8, int16, rank <= 5 (kernels/transpose.cc)")    \
    X(TRANSPOSE_CONV, "transpose_conv", F32 | I8 | I16, S2, SAME, tconv_weights,                   \
      "AddTransposeConv; reference kernel: float32 with float32 weights, int8 with int8, "         \
      "int16 with int8 (kernels/transpose_conv.cc)")                                               \
    X(UNIDIRECTIONAL_SEQUENCE_LSTM, "unidirectional_sequence_lstm", F32 | I8 | I16, S0,            \
      F32 | I8 | I16, lstm_weights,                                                                \
      "AddUnidirectionalSequenceLSTM; reference kernel: float32 with float32 weights, int8 or "    \
      "int16 with int8 weights (kernels/unidirectional_sequence_lstm.cc)")                         \
    X(UNPACK, "unpack", F32 | I8 | I16 | I32, S0, SAME, NULL,                                      \
      "AddUnpack; reference kernel: float32, int8, int16, int32 (kernels/unpack.cc)")              \
    X(ZEROS_LIKE, "zeros_like", F32 | I8 | I32 | I64, S0, SAME, NULL,                              \
      "AddZerosLike; reference kernel: float32, int8, int32, int64 (kernels/zeros_like.cc)")

struct micro_kernel {
    const char *rule;      /* "tflite-micro.<op>.dtype" */
    const char *rank_rule; /* "tflite-micro.<op>.rank" */
    const char *name;      /* the builtin's schema name */
    uint32_t data;         /* element types the kernel takes for its data tensors */
    uint32_t slots;        /* inputs holding data (bit i: input i; inputs >= 31 follow bit 31) */
    uint32_t out;          /* element types of the outputs (SAME: the data set) */
    check_rule_fn limit;   /* the op's own limits, after the types */
};

#define SPEC(OP, ID, DATA, SLOTS, OUT, LIMIT, WHY)                                                 \
    [IR_OP_TFL_##OP] = {                                                                           \
        "tflite-micro." ID ".dtype", "tflite-micro." ID ".rank", #OP, DATA, SLOTS, OUT, LIMIT},
static const struct micro_kernel kernels[IR_OP_COUNT] = {MICRO_KERNELS(SPEC)};
#undef SPEC

/* ---- helpers ---- */

static bool type_in(uint32_t mask, enum ir_dtype d)
{
    return d == IR_UNDEFINED || ((unsigned)d < 32 && (mask & (1u << d)));
}

static const char *types_text(uint32_t mask, char *buf, int cap)
{
    int k = 0;
    buf[0] = 0;
    for (int d = 1; d < IR_DTYPE_COUNT && d < 32 && k < cap; d++)
        if (mask & (1u << d))
            k += snprintf(buf + k, (size_t)(cap - k), "%s%s", k ? ", " : "",
                          ir_dtype_name((enum ir_dtype)d));
    return buf;
}

static const char *tname(const struct ir_tensor *t)
{
    return t && t->name ? t->name : "?";
}

static bool is_graph_input(const struct ir_tensor *t)
{
    const struct ir_graph *g = t->graph;
    for (int i = 0; g && i < g->n_inputs; i++)
        if (g->inputs[i] == t) return true;
    return false;
}

/* A tensor whose size is not fixed: a symbolic or unknown dim, or a graph
 * input of unknown rank (an intermediate of unknown rank is merely not
 * described by the file, which is common in ONNX). */
static bool size_unknown(const struct ir_tensor *t)
{
    if (!t || t->kind == IR_TENSOR_CONST) return false;
    if (t->rank < 0) return is_graph_input(t);
    for (int d = 0; d < t->rank; d++)
        if (t->dims[d].value < 0) return true;
    return false;
}

/* ---- the model rule: the tensors of every node ---- */

static bool tensor_limits(const struct ir_tensor *t, struct check_verdict *v)
{
    char sh[96];
    if (size_unknown(t))
        return check_set(v, CHECK_UNSUPPORTED, "tflite-micro.static_shapes",
                         "tensor '%s' has no fixed size %s: TFLM plans every tensor in a fixed "
                         "arena and refuses dynamic tensors (\"Dynamic tensors are not "
                         "supported\"); give the input a static shape (--shape NAME=DIMS) and "
                         "convert with it",
                         tname(t), rule_shape(t, sh, sizeof sh));
    if (t->rank > 6)
        return check_set(v, CHECK_UNSUPPORTED, "tflite-micro.rank",
                         "tensor '%s' has rank %d %s: TFLM shapes hold at most 6 dims "
                         "(RuntimeShape::kMaxSmallSize)",
                         tname(t), t->rank, rule_shape(t, sh, sizeof sh));
    return false;
}

static bool micro_model(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_node *n = c->n;
    for (int i = 0; i < n->n_inputs; i++)
        if (n->inputs[i] && tensor_limits(n->inputs[i], v)) return true;
    for (int i = 0; i < n->n_outputs; i++)
        if (n->outputs[i] && tensor_limits(n->outputs[i], v)) return true;
    return false;
}

/* ---- the shared rule of every builtin with a kernel ---- */

static bool bad_type(struct check_verdict *v, const struct micro_kernel *k, const char *what, int i,
                     const struct ir_tensor *t, uint32_t allowed)
{
    char ty[160];
    return check_set(v, CHECK_UNSUPPORTED, k->rule,
                     "%s %d '%s' is %s; TFLM's %s kernel takes %s (its Prepare fails, and TFLM "
                     "has no fallback)",
                     what, i, tname(t), rule_dtype_name(t), k->name,
                     types_text(allowed, ty, sizeof ty));
}

static bool micro_kernel(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_node *n = c->n;
    const struct micro_kernel *k = &kernels[n->op];
    if (!k->rule) return false;
    for (int i = 0; i < n->n_inputs; i++) {
        const struct ir_tensor *t = n->inputs[i];
        if (!t || !(k->slots & (1u << (i < 31 ? i : 31)))) continue;
        if (!type_in(k->data, t->dtype)) return bad_type(v, k, "input", i, t, k->data);
    }
    uint32_t out = k->out == SAME ? k->data : k->out;
    for (int i = 0; i < n->n_outputs; i++) {
        const struct ir_tensor *t = n->outputs[i];
        if (t && !type_in(out, t->dtype)) return bad_type(v, k, "output", i, t, out);
    }
    return k->limit ? k->limit(c, v) : false;
}

/* ---- op limits ---- */

/* Rank of tensor t (input or output of the node) within [lo, hi]. */
static bool rank_within(const struct check_node *c, struct check_verdict *v,
                        const struct ir_tensor *t, const char *what, int lo, int hi)
{
    const struct micro_kernel *k = &kernels[c->n->op];
    int r = rule_rank(t);
    if (r < 0 || (r >= lo && r <= hi)) return false;
    char sh[96];
    if (lo > 0)
        return check_set(v, CHECK_UNSUPPORTED, k->rank_rule,
                         "%s '%s' has rank %d %s; TFLM's %s kernel takes rank %d to %d", what,
                         tname(t), r, rule_shape(t, sh, sizeof sh), k->name, lo, hi);
    return check_set(v, CHECK_UNSUPPORTED, k->rank_rule,
                     "%s '%s' has rank %d %s; TFLM's %s kernel takes rank <= %d", what, tname(t), r,
                     rule_shape(t, sh, sizeof sh), k->name, hi);
}

static bool rank_le4(const struct check_node *c, struct check_verdict *v)
{
    return rank_within(c, v, rule_input(c->n, 0), "input", 0, 4);
}

static bool rank_le5(const struct check_node *c, struct check_verdict *v)
{
    return rank_within(c, v, rule_input(c->n, 0), "input", 0, 5);
}

static bool rank_3_4(const struct check_node *c, struct check_verdict *v)
{
    return rank_within(c, v, rule_input(c->n, 0), "input", 3, 4) ||
           rank_within(c, v, rule_output(c->n, 0), "output", 3, 4);
}

static bool out_rank_le5(const struct check_node *c, struct check_verdict *v)
{
    return rank_within(c, v, rule_output(c->n, 0), "output", 0, 5);
}

static bool concat_inputs(const struct check_node *c, struct check_verdict *v)
{
    int k = rule_input_count(c->n);
    if (k <= 10) return false;
    return check_set(v, CHECK_UNSUPPORTED, "tflite-micro.concatenation.inputs",
                     "%d inputs; TFLM's CONCATENATION kernel takes at most 10 (kMaxInputNum in "
                     "kernels/concatenation.cc): split it into a tree of concatenations",
                     k);
}

/* Input/weight pairings of the convolution-like kernels. */
static bool weights_pair(const struct check_node *c, struct check_verdict *v, const char *rule,
                         const char *op, int x_slot, int w_slot, bool int4)
{
    const struct ir_tensor *x = rule_input(c->n, x_slot), *w = rule_input(c->n, w_slot);
    if (!x || !w || x->dtype == IR_UNDEFINED || w->dtype == IR_UNDEFINED) return false;
    enum ir_dtype a = x->dtype, b = w->dtype;
    if ((a == IR_F32 && b == IR_F32) || (a == IR_I8 && (b == IR_I8 || (int4 && b == IR_I4))) ||
        (a == IR_I16 && b == IR_I8))
        return false;
    if (a == IR_F32)
        return check_set(v, CHECK_UNSUPPORTED, rule,
                         "hybrid %s: float32 input '%s' with %s weights '%s'; TFLM refuses "
                         "hybrid models (\"Hybrid models are not supported on TFLite Micro\"): "
                         "quantize the activations too (full integer) or keep float32 weights",
                         op, tname(x), rule_dtype_name(w), tname(w));
    return check_set(v, CHECK_UNSUPPORTED, rule,
                     "%s input '%s' is %s with %s weights '%s'; TFLM's %s kernel takes float32 "
                     "with float32, int8 with int8%s, or int16 with int8 weights",
                     op, tname(x), rule_dtype_name(x), rule_dtype_name(w), tname(w), op,
                     int4 ? " or int4" : "");
}

static bool conv_weights(const struct check_node *c, struct check_verdict *v)
{
    bool dw = c->n->op == IR_OP_TFL_DEPTHWISE_CONV_2D;
    return weights_pair(
        c, v, dw ? "tflite-micro.depthwise_conv_2d.weights" : "tflite-micro.conv_2d.weights",
        dw ? "DEPTHWISE_CONV_2D" : "CONV_2D", 0, 1, true);
}

static bool fc_weights(const struct check_node *c, struct check_verdict *v)
{
    return weights_pair(c, v, "tflite-micro.fully_connected.weights", "FULLY_CONNECTED", 0, 1,
                        true);
}

static bool tconv_weights(const struct check_node *c, struct check_verdict *v)
{
    /* inputs: output_shape, weights, input, bias */
    return weights_pair(c, v, "tflite-micro.transpose_conv.weights", "TRANSPOSE_CONV", 2, 1, false);
}

static bool lstm_weights(const struct check_node *c, struct check_verdict *v)
{
    /* input 2 is input_to_forget_weights, present in every variant */
    return weights_pair(c, v, "tflite-micro.unidirectional_sequence_lstm.weights",
                        "UNIDIRECTIONAL_SEQUENCE_LSTM", 0, 2, false);
}

static bool svdf_limits(const struct check_node *c, struct check_verdict *v)
{
    if (rank_within(c, v, rule_input(c->n, 0), "input", 2, 2)) return true;
    const struct ir_tensor *x = rule_input(c->n, 0), *w = rule_input(c->n, 1);
    if (!x || !w || x->dtype == IR_UNDEFINED || w->dtype == IR_UNDEFINED) return false;
    if ((x->dtype == IR_F32 && w->dtype == IR_F32) || (x->dtype == IR_I8 && w->dtype == IR_I8))
        return false;
    return check_set(v, CHECK_UNSUPPORTED, "tflite-micro.svdf.weights",
                     "input '%s' is %s with %s feature weights '%s'; TFLM's SVDF kernel takes "
                     "float32 with float32 or int8 with int8 (kernels/svdf_common.cc)",
                     tname(x), rule_dtype_name(x), rule_dtype_name(w), tname(w));
}

static bool indices_int32(const struct check_node *c, struct check_verdict *v, const char *rule,
                          const char *op)
{
    const struct ir_tensor *ix = rule_input(c->n, 1);
    if (!ix || type_in(I32, ix->dtype)) return false;
    return check_set(v, CHECK_UNSUPPORTED, rule,
                     "indices '%s' are %s; TFLM's %s kernel takes int32 indices only", tname(ix),
                     rule_dtype_name(ix), op);
}

static bool gather_indices(const struct check_node *c, struct check_verdict *v)
{
    return indices_int32(c, v, "tflite-micro.gather.indices", "GATHER");
}

static bool gather_nd_indices(const struct check_node *c, struct check_verdict *v)
{
    if (indices_int32(c, v, "tflite-micro.gather_nd.indices", "GATHER_ND")) return true;
    const struct ir_tensor *ix = rule_input(c->n, 1);
    int r = rule_rank(ix);
    if (r < 1 || ix->dims[r - 1].value <= 5) return false;
    return check_set(v, CHECK_UNSUPPORTED, "tflite-micro.gather_nd.indices",
                     "indices '%s' index %lld dims at once; TFLM's GATHER_ND kernel takes at "
                     "most 5 (MAX_INDICES_ND)",
                     tname(ix), (long long)ix->dims[r - 1].value);
}

/* QUANTIZE: which (input, output) pairs the kernel's Eval has. */
static bool quantize_pairs(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_tensor *x = rule_input(c->n, 0), *y = rule_output(c->n, 0);
    if (!x || !y || x->dtype == IR_UNDEFINED || y->dtype == IR_UNDEFINED) return false;
    uint32_t to = x->dtype == IR_F32 || x->dtype == IR_I32 ? I8 | I16
                  : x->dtype == IR_I16                     ? I8 | I16 | I32
                  : x->dtype == IR_I8                      ? I8 | U8 | I16 | I32
                  : x->dtype == IR_U8                      ? I8
                                                           : 0;
    if (type_in(to, y->dtype)) return false;
    char ty[96];
    return check_set(v, CHECK_UNSUPPORTED, "tflite-micro.quantize.types",
                     "%s to %s; TFLM's QUANTIZE kernel turns %s into %s only "
                     "(kernels/quantize_common.cc)",
                     rule_dtype_name(x), rule_dtype_name(y), rule_dtype_name(x),
                     to ? types_text(to, ty, sizeof ty) : "nothing");
}

static bool strided_slice_limits(const struct check_node *c, struct check_verdict *v)
{
    if (rank_within(c, v, rule_input(c->n, 0), "input", 0, 4)) return true;
    static const char *const what[] = {"begin", "end", "strides"};
    for (int i = 1; i <= 3; i++) {
        const struct ir_tensor *t = rule_input(c->n, i);
        if (t && !rule_is_const(t))
            return check_set(v, CHECK_UNSUPPORTED, "tflite-micro.strided_slice.const",
                             "%s '%s' is computed at run time; TFLM's STRIDED_SLICE kernel "
                             "needs constant begin, end and strides (\"Non-constant >%s< tensor "
                             "is not supported\")",
                             what[i - 1], tname(t), what[i - 1]);
    }
    return false;
}

/* ---- IR_OP_OPAQUE: custom ops and builtins ferry holds opaquely ---- */

/* The signal library's kernels (the TFLM audio front end). */
static const char *const signal_ops[] = {
    "SignalDelay",
    "SignalEnergy",
    "SignalFftAutoScale",
    "SignalFilterBank",
    "SignalFilterBankLog",
    "SignalFilterBankSquareRoot",
    "SignalFilterBankSpectralSubtraction",
    "SignalFramer",
    "SignalIrfft",
    "SignalOverlapAdd",
    "SignalPCAN",
    "SignalRfft",
    "SignalStacker",
    "SignalWindow",
};

/* Builtins ferry holds opaquely that TFLM has an Add* method for. */
static const char *const opaque_builtins[] = {
    "ASSIGN_VARIABLE",  "BROADCAST_ARGS", "CALL_ONCE",  "DYNAMIC_UPDATE_SLICE",
    "EMBEDDING_LOOKUP", "READ_VARIABLE",  "REDUCE_ALL", "VAR_HANDLE",
};

static bool in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(s, list[i])) return true;
    return false;
}

static bool opaque_custom(const struct check_node *c, const char *code, struct check_verdict *v)
{
    if (in_list(code, signal_ops, sizeof signal_ops / sizeof signal_ops[0]))
        return check_set(v, CHECK_NATIVE, "tflite-micro.custom.signal",
                         "custom op '%s': a TFLM signal-library kernel (the audio front end; "
                         "micro_mutable_op_resolver.h registers it by this name)",
                         code);
    if (!strcmp(code, "TFLite_Detection_PostProcess")) {
        for (int i = 0; i < 2; i++) {
            const struct ir_tensor *t = rule_input(c->n, i);
            if (t && !type_in(F32, t->dtype))
                return check_set(v, CHECK_UNSUPPORTED, "tflite-micro.custom.detection_postprocess",
                                 "custom op 'TFLite_Detection_PostProcess': input %d '%s' is %s; "
                                 "TFLM's kernel (AddDetectionPostprocess) takes float32 box "
                                 "encodings and class scores only",
                                 i, tname(t), rule_dtype_name(t));
        }
        return check_set(v, CHECK_NATIVE, "tflite-micro.custom.detection_postprocess",
                         "custom op 'TFLite_Detection_PostProcess': TFLM has a kernel "
                         "(AddDetectionPostprocess, float32)");
    }
    if (!strcmp(code, "CIRCULAR_BUFFER")) {
        const struct ir_tensor *t = rule_input(c->n, 0);
        if (t && !type_in(I8, t->dtype))
            return check_set(v, CHECK_UNSUPPORTED, "tflite-micro.custom.circular_buffer",
                             "custom op 'CIRCULAR_BUFFER': input '%s' is %s; TFLM's kernel "
                             "takes int8 only",
                             tname(t), rule_dtype_name(t));
        return check_set(v, CHECK_NATIVE, "tflite-micro.custom.circular_buffer",
                         "custom op 'CIRCULAR_BUFFER': TFLM has a kernel (AddCircularBuffer)");
    }
    if (!strcmp(code, "TFLM_DECODE"))
        return check_set(v, CHECK_NATIVE, "tflite-micro.custom.decode",
                         "custom op 'TFLM_DECODE': TFLM's tensor-decompression kernel "
                         "(AddDecode)");
    if (!strcmp(code, "ethos-u"))
        return check_set(v, CHECK_UNSUPPORTED, "tflite-micro.custom.ethos_u",
                         "custom op 'ethos-u': a Vela-compiled subgraph for an Arm Ethos-U NPU; "
                         "only TFLM built for Ethos-U registers it (AddEthosU; the plain build's "
                         "Register_ETHOSU() is empty), and it needs the NPU and its driver");
    if (!strncmp(code, "Flex", 4))
        return check_set(v, CHECK_UNSUPPORTED, "tflite-micro.custom.flex",
                         "custom op '%s': a TensorFlow (Flex) op; TFLM has no Flex delegate and "
                         "cannot run TensorFlow ops",
                         code);
    if (!strcmp(code, "edgetpu-custom-op"))
        return check_set(v, CHECK_UNSUPPORTED, "tflite-micro.custom.edgetpu",
                         "custom op 'edgetpu-custom-op': a compiled Edge TPU subgraph; TFLM has "
                         "no Edge TPU delegate");
    return check_set(v, CHECK_UNSUPPORTED, "tflite-micro.custom.unknown",
                     "custom op '%s': TFLM registers no kernel by this name; the application "
                     "would have to write one and add it with AddCustom (\"Didn't find op for "
                     "custom opcode\" otherwise)",
                     code);
}

static bool micro_opaque(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_node *n = c->n;
    const char *op = n->op_type ? n->op_type : "?";
    if (c->m && c->m->format != IR_FORMAT_TFLITE) {
        const char *dom = n->domain && n->domain[0] ? n->domain : "ai.onnx";
        return check_set(v, CHECK_UNSUPPORTED, "tflite-micro.onnx.unknown_op",
                         "ONNX op %s (domain %s) is unknown to ferry, so its ONNX-to-TFLite "
                         "converter cannot lower it to TFLite builtins",
                         op, dom);
    }
    if (!strncmp(op, "CUSTOM:", 7)) return opaque_custom(c, op + 7, v);
    if (in_list(op, opaque_builtins, sizeof opaque_builtins / sizeof opaque_builtins[0]))
        return check_set(v, CHECK_NATIVE, "tflite-micro.builtin.kernel",
                         "builtin %s: TFLM has a kernel for it (micro_mutable_op_resolver.h)", op);
    return check_set(v, CHECK_UNSUPPORTED, "tflite-micro.builtin.no_kernel",
                     "builtin %s: TFLM has no kernel for it (no Add* method in "
                     "micro_mutable_op_resolver.h); init fails with \"Didn't find op for builtin "
                     "opcode\"",
                     op);
}

/* ---- the table ---- */

#define NO_KERNEL                                                                                  \
    "TFLM has no kernel for this builtin (no Add* method in micro_mutable_op_resolver.h): the "    \
    "interpreter fails at init (\"Didn't find op for builtin opcode\")"

/* TFLM's IF copies the branch outputs into the IF's own output tensors,
 * whose sizes are planned ahead: a branch whose output size differs (an
 * ONNX If whose branches give different shapes) fails at run time. */
static bool micro_if(const struct check_node *c, struct check_verdict *v)
{
    const struct ir_node *n = c->n;
    const struct ir_tflite_info *info = c->m ? c->m->tflite : NULL;
    static const char *const which[2] = {"then_subgraph_index", "else_subgraph_index"};
    for (int b = 0; info && b < 2; b++) {
        int64_t k = rule_attr_int(n, which[b], -1);
        if (k < 0 || k >= info->n_subgraphs) continue;
        const struct ir_graph *g = info->subgraphs[k];
        for (int i = 0; i < g->n_outputs && i < n->n_outputs; i++) {
            const struct ir_tensor *bo = g->outputs[i], *no = n->outputs[i];
            uint64_t a = 0, z = 0;
            if (!no || !bo) continue;
            bool known = ir_tensor_numel(bo, &a) && ir_tensor_numel(no, &z);
            if (known && a == z) continue;
            char sb[96], sn[96];
            return check_set(v, CHECK_UNSUPPORTED, "tflite-micro.if.output_size",
                             "the %s branch's output %d is %s but the IF's output is %s: TFLM "
                             "copies branch outputs into the IF's planned outputs, so their "
                             "sizes must match",
                             b ? "else" : "then", i, rule_shape(bo, sb, sizeof sb),
                             rule_shape(no, sn, sizeof sn));
        }
    }
    return false;
}

#define ROW(OP, ID, DATA, SLOTS, OUT, LIMIT, WHY) TARGET_RULE(TFL_##OP, NATIVE, WHY, micro_kernel),
/* clang-format off */
static const struct target_row rows[IR_OP_COUNT] = {
    IR_OP_LIST_ONNX(TARGET_ROW_VIA_CONVERTER)
    MICRO_KERNELS(ROW)
    TARGET_ROW(TFL_CONV_3D, UNSUPPORTED, NO_KERNEL),
    TARGET_ROW(TFL_GELU, UNSUPPORTED, NO_KERNEL),
    TARGET_RULE(TFL_IF, NATIVE,
                "AddIf; the kernel runs the then or else subgraph on the node's inputs and "
                "copies the branch's outputs into the node's, which must have the same sizes "
                "(kernels/if.cc; TFLM takes several subgraphs for control flow only)",
                micro_if),
    TARGET_ROW(TFL_LOCAL_RESPONSE_NORMALIZATION, UNSUPPORTED, NO_KERNEL),
    TARGET_ROW(TFL_MATRIX_DIAG, UNSUPPORTED, NO_KERNEL),
    TARGET_ROW(TFL_ONES_LIKE, UNSUPPORTED,
               "not a TFLite builtin (ferry's own op, no schema code), and TFLM has no kernel "
               "for it (ZEROS_LIKE only)"),
    TARGET_ROW(TFL_POW, UNSUPPORTED, NO_KERNEL),
    TARGET_ROW(TFL_RANGE, UNSUPPORTED, NO_KERNEL),
    TARGET_ROW(TFL_REDUCE_PROD, UNSUPPORTED, NO_KERNEL),
    TARGET_ROW(TFL_RELU_0_TO_1, UNSUPPORTED, NO_KERNEL),
    TARGET_ROW(TFL_RELU_N1_TO_1, UNSUPPORTED, NO_KERNEL),
    TARGET_ROW(TFL_SELECT, UNSUPPORTED,
               "TFLM has no kernel for SELECT (only SELECT_V2, AddSelectV2): the interpreter "
               "fails at init (\"Didn't find op for builtin opcode\")"),
    TARGET_ROW(TFL_SIGN, UNSUPPORTED, NO_KERNEL),
    TARGET_ROW(TFL_TILE, UNSUPPORTED, NO_KERNEL),
    TARGET_ROW(TFL_TOPK_V2, UNSUPPORTED, NO_KERNEL),
    TARGET_ROW(TFL_WHERE, UNSUPPORTED, NO_KERNEL),
    TARGET_ROW(TFL_WHILE, NATIVE,
               "AddWhile; the kernel runs the cond and body subgraphs on the loop state "
               "(kernels/while.cc; TFLM takes several subgraphs for control flow only)"),
    TARGET_RULE(OPAQUE, UNSUPPORTED,
                "not a builtin ferry knows: decided by the custom code (TFLM's signal library, "
                "TFLite_Detection_PostProcess, CIRCULAR_BUFFER, TFLM_DECODE; ethos-u only in "
                "the Ethos-U build) or the builtin's name",
                micro_opaque),
};
/* clang-format on */
#undef ROW
_Static_assert(sizeof rows / sizeof rows[0] == IR_OP_COUNT, "one row per IR op");

const struct target target_tflite_micro = {
    .name = "tflite-micro",
    .title = "TensorFlow Lite for Microcontrollers",
    .version = "TFLM main @90b983c (2026-08-20), reference kernels",
    .source = "tensorflow/tflite-micro@90b983c2b3f1480642e040bbd2ddb37b998f3424:"
              "tensorflow/lite/micro/micro_mutable_op_resolver.h, "
              "tensorflow/lite/micro/kernels/*.cc",
    .takes = TARGET_TAKES_TFLITE,
    .rows = rows,
    .model_rule = micro_model,
    .partition = TARGET_PARTITION_NONE,
    .accelerator = NULL,
    .unknown = "the optimized kernel libraries (CMSIS-NN, Xtensa, ARC MLI, CEVA) take fewer "
               "types and shapes than the reference kernels these rows describe; the arena "
               "size a model needs is not estimated; custom ops an application registers itself "
               "are unknown to this check; per-kernel checks beyond element types and the ranks "
               "listed (quantization parameters, broadcast shapes) are not modelled",
};
