/* The TFLite translation table: builtin operator ↔ IR op, and every options
 * table field ↔ node attribute. The reader (tflite_read.c) and the writer
 * (tflite_write.c) are both driven by these rows, so one generic routine
 * reads and one writes the options of every op.
 *
 * Field ids, enum values and defaults are facts of the published schema
 * (tensorflow/compiler/mlir/lite/schema/schema.fbs, "Version 3d"); a field's
 * id is its position in its table's declaration, deprecated fields included,
 * and a union field takes two ids (its type byte, then its value).
 *
 * ---- IR conventions for nodes and tensors read from TFLite ----
 * (others code against these; keep them exactly)
 *
 * Nodes
 * - Builtin B becomes IR op tfl.B (IR_OP_TFL_B) with TFLite's exact
 *   semantics; node->op_type = "B" (the schema name, what inspect counts);
 *   node->domain = ""; node->version = OperatorCode.version;
 *   node->rounding = IR_ROUND_TFLITE; node->layout = IR_LAYOUT_NHWC for the
 *   layout-sensitive builtins (nhwc in the table: convolutions, pools,
 *   resizes, depth/space and batch/space moves, LRN), else IR_LAYOUT_NONE.
 *   The builtin code is max(deprecated_builtin_code, builtin_code), as the
 *   schema says.
 * - node->name: TFLite operators have none; the reader names a node after
 *   its first output tensor (IR name), or "operator_<i>" when it has none.
 * - fused_activation_function → node->activation (NONE, RELU, RELU_N1_TO_1,
 *   RELU6, TANH, SIGN_BIT in the IR's order), never an attribute.
 * - Every other field of the options table the builtin takes becomes one
 *   attribute named exactly as the schema field (snake_case), whether the
 *   file stores it or leaves it to its default (the schema default is then
 *   the value): bool and integer fields → INT (bool 0/1); float → FLOAT;
 *   enum fields → STRING holding the value's schema name (padding "SAME" /
 *   "VALID", weights_format "DEFAULT", TensorType fields such as
 *   CastOptions.out_data_type → "INT8", ...); [int]/[long]/[bool] → INTS;
 *   [float] → FLOATS; [uint enum] → STRINGS; [ubyte] and string → STRING.
 *   Fields the schema marks deprecated become attributes only when the file
 *   has them. Subgraph indices (IfOptions.then_subgraph_index, ...) stay
 *   INT indices into ir_model.tflite->subgraphs (the reader checks their
 *   range).
 * - Control flow: IF is tfl.IF with INT attributes then_subgraph_index and
 *   else_subgraph_index; input 0 is the condition (one bool), inputs 1..
 *   are passed to the chosen subgraph's inputs in order, and that
 *   subgraph's outputs are the node's outputs (their shapes may differ
 *   between the branches). WHILE is tfl.WHILE with INT attributes
 *   cond_subgraph_index and body_subgraph_index; its inputs are the loop
 *   state (as many as its outputs), cond maps the state to one bool, body
 *   maps it to the next state, and the outputs are the final state. The
 *   subgraphs are not children of the node's graph (parent NULL, no OUTER
 *   tensors): they read only their inputs and their own constants.
 * - An options table whose union type differs from the one the builtin
 *   takes is read by its own type, and the type's schema name is kept in
 *   "builtin_options_type" (STRING). A builtin that takes options but whose
 *   file has none (the MLIR converter leaves them out for CAST, RESHAPE,
 *   MINIMUM, ...) gets "builtin_options_type" = "NONE", and its attributes
 *   hold the schema defaults (TFLite's own parser then keeps its
 *   zero-initialized parameters; for those ops the tensors decide anyway).
 *   Likewise "builtin_options_2_type" for the second union.
 * - Options ferry cannot interpret are kept, never dropped: a union type
 *   newer than this table ("builtin_options_type" = "#<code>"), and fields
 *   of a known table newer than this table, go to "builtin_options_raw"
 *   (builtin_options_2_raw for the second union): a STRING of records
 *   {u16 field id, u16 byte count, the field's inline bytes}, little-endian,
 *   in id order; the model gets a warning, since a field that is an offset
 *   (a vector, a string) cannot be carried this way.
 * - Inputs and outputs exactly as the operator lists them; index -1 is a
 *   NULL slot; constant inputs stay inputs (their tensors are CONST).
 * - "intermediates": TENSORS attribute pointing at the graph's own tensors
 *   (the int8 LSTM's gate scales live there); "mutating_variable_inputs":
 *   INTS 0/1; "debug_metadata_index": INT when not -1; "custom_options":
 *   STRING with the operator's custom_options bytes (also when stored in
 *   the large_custom_options_offset/size form); "custom_options_format":
 *   INT when not 0 (FLEXBUFFERS).
 * - Custom operators: IR_OP_OPAQUE, op_type "CUSTOM:<custom_code>".
 *   Builtin codes with no IR op (LSTM, CALL_ONCE, STABLEHLO_*, ...) and
 *   codes newer than the table: IR_OP_OPAQUE with op_type the builtin's
 *   name, or "BUILTIN_<code>"; their options are read as above.
 *
 * Tensors
 * - graph->tensors[i] is the file's tensor i (as read; passes may reorder).
 * - name unique within the graph: a duplicate (TFLite allows them) or empty
 *   name gets a suffix ("<name>#<index>", "tensor#<index>"), the file's name
 *   stays in origin.
 * - dtype from TensorType; types the IR cannot hold (RESOURCE, VARIANT, INT2,
 *   FLOAT8_*) are refused by name.
 * - dims = Tensor.shape (static); shape_signature kept in
 *   tensor->shape_signature (-1: a dim that may vary; inspect shows it as
 *   null); Tensor.has_rank in tensor->has_rank.
 * - quantization: scale/zero_point per tensor (axis -1, count 1) or per axis
 *   (axis = quantized_dimension, count = dims[axis]); the file's min/max
 *   lists in range_min/range_max (range_count entries; per axis for some
 *   weights), and in min/max/has_range too when there is one of each.
 *   A table with a range but no scale gives count 0: check count. A quantized_dimension the IR reads differently
 *   (count 1 with a non-zero dimension, or a dimension outside the rank,
 *   which TFLite Micro tolerates and TFLite refuses: person_detect.tflite's
 *   rank-1 biases say 3) is kept in quant->file_axis (has_file_axis), the
 *   second case with a model warning. QuantizationDetails (custom,
 *   blockwise, multi-axis) and sparse tensors are refused by name.
 * - A non-empty buffer makes the tensor CONST, its data borrowed from the
 *   mapping (Buffer.data, or Buffer.offset/size relative to the file's start
 *   for models past 2 GB); its size must match dtype × shape (INT4 packed two
 *   per byte, low nibble first; STRING buffers are decoded into
 *   tensor->strings). A variable tensor (is_variable) stays a VALUE with its
 *   initial value, if the file has one, in data.
 * - Graph inputs and outputs as the subgraph lists them.
 *
 * Model
 * - model->format = IR_FORMAT_TFLITE; model->producer_name = description
 *   ("MLIR Converted."), also kept in tflite->description; subgraph 0 is
 *   model->graph; the others are graphs with parent NULL in
 *   model->tflite->subgraphs (index = the file's subgraph index); metadata,
 *   metadata_buffer and signature_defs in model->tflite (ir.h). */
#include <string.h>

#include "formats/tflite/tflite.h"

/* ---- TensorType ---- */

const struct tfl_dtype_row tfl_dtypes[] = {
    {0, "FLOAT32", IR_F32},      {1, "FLOAT16", IR_F16},
    {2, "INT32", IR_I32},        {3, "UINT8", IR_U8},
    {4, "INT64", IR_I64},        {5, "STRING", IR_STRING},
    {6, "BOOL", IR_BOOL},        {7, "INT16", IR_I16},
    {8, "COMPLEX64", IR_C64},    {9, "INT8", IR_I8},
    {10, "FLOAT64", IR_F64},     {11, "COMPLEX128", IR_C128},
    {12, "UINT64", IR_U64},      {13, "RESOURCE", IR_UNDEFINED},
    {14, "VARIANT", IR_UNDEFINED}, {15, "UINT32", IR_U32},
    {16, "UINT16", IR_U16},      {17, "INT4", IR_I4},
    {18, "BFLOAT16", IR_BF16},   {19, "INT2", IR_UNDEFINED},
    {20, "UINT4", IR_U4},        {21, "FLOAT8_E4M3FN", IR_UNDEFINED},
    {22, "FLOAT8_E5M2", IR_UNDEFINED},
};
const int tfl_n_dtypes = (int)(sizeof tfl_dtypes / sizeof tfl_dtypes[0]);

const struct tfl_dtype_row *tfl_dtype(int code)
{
    return code >= 0 && code < tfl_n_dtypes ? &tfl_dtypes[code] : NULL;
}

int tfl_dtype_from_ir(enum ir_dtype t)
{
    if (t == IR_UNDEFINED) return -1;
    for (int i = 0; i < tfl_n_dtypes; i++)
        if (tfl_dtypes[i].ir == t) return tfl_dtypes[i].code;
    return -1;
}

/* ---- enums ---- */

#define ENUM(var, type, ...)                                                                   \
    static const char *const var##_names[] = {__VA_ARGS__};                                    \
    const struct tfl_enum var = {type, var##_names,                                            \
                                 (int)(sizeof var##_names / sizeof var##_names[0])}

ENUM(tfl_enum_padding, "Padding", "SAME", "VALID");
ENUM(tfl_enum_activation, "ActivationFunctionType", "NONE", "RELU", "RELU_N1_TO_1", "RELU6",
     "TANH", "SIGN_BIT");
ENUM(tfl_enum_tensor_type, "TensorType", "FLOAT32", "FLOAT16", "INT32", "UINT8", "INT64",
     "STRING", "BOOL", "INT16", "COMPLEX64", "INT8", "FLOAT64", "COMPLEX128", "UINT64",
     "RESOURCE", "VARIANT", "UINT32", "UINT16", "INT4", "BFLOAT16", "INT2", "UINT4",
     "FLOAT8_E4M3FN", "FLOAT8_E5M2");
/* static: only the table below uses these */
#define SENUM(var, type, ...)                                                                  \
    static const char *const var##_names[] = {__VA_ARGS__};                                    \
    static const struct tfl_enum var = {type, var##_names,                                     \
                                        (int)(sizeof var##_names / sizeof var##_names[0])}
SENUM(e_lsh, "LSHProjectionType", "UNKNOWN", "SPARSE", "DENSE");
SENUM(e_weights, "FullyConnectedOptionsWeightsFormat", "DEFAULT", "SHUFFLED4x16INT8");
SENUM(e_lstm_kernel, "LSTMKernelType", "FULL", "BASIC");
SENUM(e_combiner, "CombinerType", "SUM", "MEAN", "SQRTN");
SENUM(e_mirror, "MirrorPadMode", "REFLECT", "SYMMETRIC");
SENUM(e_precision, "StablehloPrecisionConfig", "DEFAULT", "HIGH", "HIGHEST");
SENUM(e_cmp_dir, "StablehloComparisonDirection", "STABLEHLO_COMPARISON_DIRECTION_EQ",
      "STABLEHLO_COMPARISON_DIRECTION_NE", "STABLEHLO_COMPARISON_DIRECTION_GE",
      "STABLEHLO_COMPARISON_DIRECTION_GT", "STABLEHLO_COMPARISON_DIRECTION_LE",
      "STABLEHLO_COMPARISON_DIRECTION_LT");
SENUM(e_cmp_type, "StablehloComparisonType", "STABLEHLO_COMPARISON_TYPE_NOTYPE",
      "STABLEHLO_COMPARISON_TYPE_FLOAT", "STABLEHLO_COMPARISON_TYPE_FLOAT_TOTAL_ORDER",
      "STABLEHLO_COMPARISON_TYPE_SIGNED", "STABLEHLO_COMPARISON_TYPE_UNSIGNED");
SENUM(e_rng, "RngAlgorithm", "DEFAULT", "PHILOX", "THREEFRY");
SENUM(e_reduce_fn, "ReduceWindowFunction", "UNSUPPORTED", "ADD", "MUL", "MINIMUM", "MAXIMUM",
      "ALL", "ANY");
SENUM(e_custom_format, "CustomOptionsFormat", "FLEXBUFFERS");
#undef ENUM
#undef SENUM

/* ---- options tables: fields in id order ---- */

#define F(id, kind, name) {id, kind, 0, name, NULL, 0}
#define FD(id, kind, name, def) {id, kind, 0, name, NULL, def}
#define FOLD(id, kind, name) {id, kind, TFL_F_DEPRECATED, name, NULL, 0}
#define FE(id, name, e) {id, TFL_ENUM8, 0, name, &e, 0}
#define FED(id, name, e, def) {id, TFL_ENUM8, 0, name, &e, def}
#define FE32(id, name, e) {id, TFL_ENUM32, 0, name, &e, 0}
#define FT(id, name) FE(id, name, tfl_enum_tensor_type)
#define ACT(id) {id, TFL_ACT, 0, "fused_activation_function", &tfl_enum_activation, 0}
#define PADDING(id) FE(id, "padding", tfl_enum_padding)
#define ASYM(id) F(id, TFL_BOOL, "asymmetric_quantize_inputs")
#define FSG(id, kind, name) {id, kind, TFL_F_SUBGRAPH, name, NULL, 0}

static const struct tfl_field f_conv2d[] = {
    PADDING(0), F(1, TFL_I32, "stride_w"), F(2, TFL_I32, "stride_h"), ACT(3),
    FD(4, TFL_I32, "dilation_w_factor", 1), FD(5, TFL_I32, "dilation_h_factor", 1),
    FT(6, "quantized_bias_type"),
};
static const struct tfl_field f_depthwise[] = {
    PADDING(0), F(1, TFL_I32, "stride_w"), F(2, TFL_I32, "stride_h"),
    F(3, TFL_I32, "depth_multiplier"), ACT(4), FD(5, TFL_I32, "dilation_w_factor", 1),
    FD(6, TFL_I32, "dilation_h_factor", 1),
};
static const struct tfl_field f_concat_emb[] = {
    F(0, TFL_I32, "num_channels"), F(1, TFL_INTS, "num_columns_per_channel"),
    F(2, TFL_INTS, "embedding_dim_per_channel"),
};
static const struct tfl_field f_lsh[] = {FE(0, "type", e_lsh)};
static const struct tfl_field f_pool2d[] = {
    PADDING(0), F(1, TFL_I32, "stride_w"), F(2, TFL_I32, "stride_h"),
    F(3, TFL_I32, "filter_width"), F(4, TFL_I32, "filter_height"), ACT(5),
};
static const struct tfl_field f_svdf[] = {F(0, TFL_I32, "rank"), ACT(1), ASYM(2)};
static const struct tfl_field f_rnn[] = {ACT(0), ASYM(1)};
static const struct tfl_field f_fully_connected[] = {
    ACT(0), FE(1, "weights_format", e_weights), F(2, TFL_BOOL, "keep_num_dims"), ASYM(3),
    FT(4, "quantized_bias_type"),
};
static const struct tfl_field f_softmax[] = {F(0, TFL_F32, "beta")};
static const struct tfl_field f_concatenation[] = {F(0, TFL_I32, "axis"), ACT(1)};
static const struct tfl_field f_add[] = {ACT(0), FD(1, TFL_BOOL, "pot_scale_int16", 1)};
static const struct tfl_field f_act[] = {ACT(0)};
static const struct tfl_field f_lrn[] = {
    F(0, TFL_I32, "radius"), F(1, TFL_F32, "bias"), F(2, TFL_F32, "alpha"),
    F(3, TFL_F32, "beta"),
};
static const struct tfl_field f_lstm[] = {
    ACT(0), F(1, TFL_F32, "cell_clip"), F(2, TFL_F32, "proj_clip"),
    FE(3, "kernel_type", e_lstm_kernel), ASYM(4),
};
static const struct tfl_field f_resize_bilinear[] = {
    FOLD(0, TFL_I32, "new_height"), FOLD(1, TFL_I32, "new_width"),
    F(2, TFL_BOOL, "align_corners"), F(3, TFL_BOOL, "half_pixel_centers"),
};
static const struct tfl_field f_call[] = {FSG(0, TFL_U32, "subgraph")};
static const struct tfl_field f_reshape[] = {F(0, TFL_INTS, "new_shape")};
static const struct tfl_field f_skip_gram[] = {
    F(0, TFL_I32, "ngram_size"), F(1, TFL_I32, "max_skip_size"),
    F(2, TFL_BOOL, "include_all_ngrams"),
};
static const struct tfl_field f_block_size[] = {F(0, TFL_I32, "block_size")};
static const struct tfl_field f_emb_sparse[] = {FE(0, "combiner", e_combiner)};
static const struct tfl_field f_gather[] = {F(0, TFL_I32, "axis"), F(1, TFL_I32, "batch_dims")};
static const struct tfl_field f_reducer[] = {F(0, TFL_BOOL, "keep_dims")};
static const struct tfl_field f_squeeze[] = {F(0, TFL_INTS, "squeeze_dims")};
static const struct tfl_field f_seq_rnn[] = {F(0, TFL_BOOL, "time_major"), ACT(1), ASYM(2)};
static const struct tfl_field f_strided_slice[] = {
    F(0, TFL_I32, "begin_mask"),       F(1, TFL_I32, "end_mask"),
    F(2, TFL_I32, "ellipsis_mask"),    F(3, TFL_I32, "new_axis_mask"),
    F(4, TFL_I32, "shrink_axis_mask"), F(5, TFL_BOOL, "offset"),
};
static const struct tfl_field f_num_splits[] = {F(0, TFL_I32, "num_splits")};
static const struct tfl_field f_cast[] = {FT(0, "in_data_type"), FT(1, "out_data_type")};
static const struct tfl_field f_output_type[] = {FT(0, "output_type")};
static const struct tfl_field f_transpose_conv[] = {
    PADDING(0), F(1, TFL_I32, "stride_w"), F(2, TFL_I32, "stride_h"), ACT(3),
    FT(4, "quantized_bias_type"),
};
static const struct tfl_field f_sparse_to_dense[] = {F(0, TFL_BOOL, "validate_indices")};
static const struct tfl_field f_shape[] = {FT(0, "out_type")};
static const struct tfl_field f_fake_quant[] = {
    F(0, TFL_F32, "min"), F(1, TFL_F32, "max"), F(2, TFL_I32, "num_bits"),
    F(3, TFL_BOOL, "narrow_range"),
};
static const struct tfl_field f_pack[] = {F(0, TFL_I32, "values_count"), F(1, TFL_I32, "axis")};
static const struct tfl_field f_axis[] = {F(0, TFL_I32, "axis")};
static const struct tfl_field f_unpack[] = {F(0, TFL_I32, "num"), F(1, TFL_I32, "axis")};
static const struct tfl_field f_bidi_lstm[] = {
    ACT(0), F(1, TFL_F32, "cell_clip"), F(2, TFL_F32, "proj_clip"),
    F(3, TFL_BOOL, "merge_outputs"), FD(4, TFL_BOOL, "time_major", 1), ASYM(5),
};
static const struct tfl_field f_bidi_rnn[] = {
    F(0, TFL_BOOL, "time_major"), ACT(1), F(2, TFL_BOOL, "merge_outputs"), ASYM(3),
};
static const struct tfl_field f_uni_lstm[] = {
    ACT(0), F(1, TFL_F32, "cell_clip"), F(2, TFL_F32, "proj_clip"), F(3, TFL_BOOL, "time_major"),
    ASYM(4), F(5, TFL_BOOL, "diagonal_recurrent_tensors"),
};
static const struct tfl_field f_resize_nearest[] = {
    F(0, TFL_BOOL, "align_corners"), F(1, TFL_BOOL, "half_pixel_centers"),
};
static const struct tfl_field f_leaky_relu[] = {F(0, TFL_F32, "alpha")};
static const struct tfl_field f_mirror_pad[] = {FE(0, "mode", e_mirror)};
static const struct tfl_field f_unique[] = {FED(0, "idx_out_type", tfl_enum_tensor_type, 2)};
static const struct tfl_field f_reverse_seq[] = {
    F(0, TFL_I32, "seq_dim"), F(1, TFL_I32, "batch_dim"),
};
static const struct tfl_field f_if[] = {
    FSG(0, TFL_I32, "then_subgraph_index"), FSG(1, TFL_I32, "else_subgraph_index"),
};
static const struct tfl_field f_while[] = {
    FSG(0, TFL_I32, "cond_subgraph_index"), FSG(1, TFL_I32, "body_subgraph_index"),
};
static const struct tfl_field f_batch_matmul[] = {
    F(0, TFL_BOOL, "adj_x"), F(1, TFL_BOOL, "adj_y"), ASYM(2),
};
static const struct tfl_field f_cumsum[] = {
    F(0, TFL_BOOL, "exclusive"), F(1, TFL_BOOL, "reverse"),
};
static const struct tfl_field f_call_once[] = {FSG(0, TFL_I32, "init_subgraph_index")};
static const struct tfl_field f_conv3d[] = {
    PADDING(0), F(1, TFL_I32, "stride_d"), F(2, TFL_I32, "stride_w"), F(3, TFL_I32, "stride_h"),
    ACT(4), FD(5, TFL_I32, "dilation_d_factor", 1), FD(6, TFL_I32, "dilation_w_factor", 1),
    FD(7, TFL_I32, "dilation_h_factor", 1),
};
static const struct tfl_field f_hashtable[] = {
    F(0, TFL_I32, "table_id"), FT(1, "key_dtype"), FT(2, "value_dtype"),
};
static const struct tfl_field f_var_handle[] = {
    F(0, TFL_STRING, "container"), F(1, TFL_STRING, "shared_name"),
};
static const struct tfl_field f_random[] = {F(0, TFL_I64, "seed"), F(1, TFL_I64, "seed2")};
static const struct tfl_field f_bucketize[] = {F(0, TFL_FLOATS, "boundaries")};
static const struct tfl_field f_gelu[] = {F(0, TFL_BOOL, "approximate")};

/* BuiltinOptions2 */
static const struct tfl_field f_hlo_concatenate[] = {F(0, TFL_I64, "dimension")};
static const struct tfl_field f_hlo_broadcast[] = {F(0, TFL_LONGS, "broadcast_dimensions")};
static const struct tfl_field f_hlo_slice[] = {
    F(0, TFL_LONGS, "start_indices"), F(1, TFL_LONGS, "limit_indices"),
    F(2, TFL_LONGS, "strides"),
};
static const struct tfl_field f_hlo_conv[] = {
    F(0, TFL_LONGS, "window_strides"),
    F(1, TFL_LONGS, "padding"),
    F(2, TFL_LONGS, "lhs_dilation"),
    F(3, TFL_LONGS, "rhs_dilation"),
    F(4, TFL_BOOLS, "window_reversal"),
    F(5, TFL_I64, "input_batch_dimension"),
    F(6, TFL_I64, "input_feature_dimension"),
    F(7, TFL_LONGS, "input_spatial_dimensions"),
    F(8, TFL_I64, "kernel_input_feature_dimension"),
    F(9, TFL_I64, "kernel_output_feature_dimension"),
    F(10, TFL_LONGS, "kernel_spatial_dimensions"),
    F(11, TFL_I64, "output_batch_dimension"),
    F(12, TFL_I64, "output_feature_dimension"),
    F(13, TFL_LONGS, "output_spatial_dimensions"),
    F(14, TFL_I64, "feature_group_count"),
    F(15, TFL_I64, "batch_group_count"),
    {16, TFL_ENUMS32, 0, "precision_config", &e_precision, 0},
};
static const struct tfl_field f_hlo_custom_call[] = {
    F(0, TFL_STRING, "call_target_name"), F(1, TFL_BOOL, "has_side_effect"),
    F(2, TFL_STRING, "backend_config"),   F(3, TFL_I32, "api_version"),
    FSG(4, TFL_INTS, "called_computations"), F(5, TFL_BYTES, "custom_attributes"),
};
static const struct tfl_field f_hlo_reduce[] = {
    F(0, TFL_LONGS, "dimensions"), FSG(1, TFL_I32, "body_subgraph_index"),
};
static const struct tfl_field f_hlo_scatter[] = {
    F(0, TFL_BOOL, "indices_are_sorted"),
    F(1, TFL_LONGS, "update_window_dims"),
    F(2, TFL_LONGS, "inserted_window_dims"),
    F(3, TFL_LONGS, "scatter_dims_to_operand_dims"),
    F(4, TFL_I64, "index_vector_dim"),
    F(5, TFL_BOOL, "unique_indices"),
    FSG(6, TFL_I32, "update_computation_subgraph_index"),
};
static const struct tfl_field f_hlo_compare[] = {
    FE32(0, "comparison_direction", e_cmp_dir), FE32(1, "compare_type", e_cmp_type),
};
static const struct tfl_field f_hlo_dynamic_slice[] = {F(0, TFL_LONGS, "slice_sizes")};
static const struct tfl_field f_hlo_pad[] = {
    F(0, TFL_LONGS, "edge_padding_low"), F(1, TFL_LONGS, "edge_padding_high"),
    F(2, TFL_LONGS, "interior_padding"),
};
static const struct tfl_field f_hlo_iota[] = {F(0, TFL_I64, "iota_dimension")};
static const struct tfl_field f_hlo_dot_general[] = {
    F(0, TFL_LONGS, "lhs_batching_dimensions"),
    F(1, TFL_LONGS, "rhs_batching_dimensions"),
    F(2, TFL_LONGS, "lhs_contracting_dimensions"),
    F(3, TFL_LONGS, "rhs_contracting_dimensions"),
    {4, TFL_ENUMS32, 0, "precision_config", &e_precision, 0},
};
static const struct tfl_field f_hlo_reduce_window[] = {
    F(0, TFL_LONGS, "window_dimensions"), F(1, TFL_LONGS, "window_strides"),
    F(2, TFL_LONGS, "base_dilations"),    F(3, TFL_LONGS, "window_dilations"),
    F(4, TFL_LONGS, "padding"),           FSG(5, TFL_I32, "body_subgraph_index"),
};
static const struct tfl_field f_hlo_sort[] = {
    F(0, TFL_I64, "dimension"), F(1, TFL_BOOL, "is_stable"),
    FSG(2, TFL_I32, "comparator_subgraph_index"),
};
static const struct tfl_field f_hlo_gather[] = {
    F(0, TFL_LONGS, "offset_dims"),     F(1, TFL_LONGS, "collapsed_slice_dims"),
    F(2, TFL_LONGS, "start_index_map"), F(3, TFL_I64, "index_vector_dim"),
    F(4, TFL_LONGS, "slice_sizes"),     F(5, TFL_BOOL, "indices_are_sorted"),
};
static const struct tfl_field f_hlo_transpose[] = {F(0, TFL_LONGS, "permutation")};
static const struct tfl_field f_hlo_rng[] = {FE(0, "algorithm", e_rng)};
static const struct tfl_field f_reduce_window[] = {FE32(0, "reduce_function", e_reduce_fn)};
static const struct tfl_field f_hlo_composite[] = {
    F(0, TFL_STRING, "name"),
    FSG(1, TFL_I32, "decomposition_subgraph_index"),
    F(2, TFL_BYTES, "composite_attributes"),
    FE(3, "composite_attributes_format", e_custom_format),
    F(4, TFL_I32, "version"),
};
static const struct tfl_field f_hlo_case[] = {FSG(0, TFL_INTS, "branch_subgraph_indices")};

#undef F
#undef FD
#undef FOLD
#undef FE
#undef FED
#undef FE32
#undef FT
#undef ACT
#undef PADDING
#undef ASYM
#undef FSG

/* ---- the two unions: row i is type code i ---- */

#define OPT(code, name, fields) {name, code, false, fields, (int)(sizeof fields / sizeof fields[0])}
#define OPT0(code, name) {name, code, false, NULL, 0}
#define OPT2(code, name, fields) {name, code, true, fields, (int)(sizeof fields / sizeof fields[0])}
#define OPT20(code, name) {name, code, true, NULL, 0}

const struct tfl_options tfl_builtin_options[] = {
    OPT0(0, "NONE"),
    OPT(1, "Conv2DOptions", f_conv2d),
    OPT(2, "DepthwiseConv2DOptions", f_depthwise),
    OPT(3, "ConcatEmbeddingsOptions", f_concat_emb),
    OPT(4, "LSHProjectionOptions", f_lsh),
    OPT(5, "Pool2DOptions", f_pool2d),
    OPT(6, "SVDFOptions", f_svdf),
    OPT(7, "RNNOptions", f_rnn),
    OPT(8, "FullyConnectedOptions", f_fully_connected),
    OPT(9, "SoftmaxOptions", f_softmax),
    OPT(10, "ConcatenationOptions", f_concatenation),
    OPT(11, "AddOptions", f_add),
    OPT(12, "L2NormOptions", f_act),
    OPT(13, "LocalResponseNormalizationOptions", f_lrn),
    OPT(14, "LSTMOptions", f_lstm),
    OPT(15, "ResizeBilinearOptions", f_resize_bilinear),
    OPT(16, "CallOptions", f_call),
    OPT(17, "ReshapeOptions", f_reshape),
    OPT(18, "SkipGramOptions", f_skip_gram),
    OPT(19, "SpaceToDepthOptions", f_block_size),
    OPT(20, "EmbeddingLookupSparseOptions", f_emb_sparse),
    OPT(21, "MulOptions", f_act),
    OPT0(22, "PadOptions"),
    OPT(23, "GatherOptions", f_gather),
    OPT0(24, "BatchToSpaceNDOptions"),
    OPT0(25, "SpaceToBatchNDOptions"),
    OPT0(26, "TransposeOptions"),
    OPT(27, "ReducerOptions", f_reducer),
    OPT(28, "SubOptions", f_add),
    OPT(29, "DivOptions", f_act),
    OPT(30, "SqueezeOptions", f_squeeze),
    OPT(31, "SequenceRNNOptions", f_seq_rnn),
    OPT(32, "StridedSliceOptions", f_strided_slice),
    OPT0(33, "ExpOptions"),
    OPT0(34, "TopKV2Options"),
    OPT(35, "SplitOptions", f_num_splits),
    OPT0(36, "LogSoftmaxOptions"),
    OPT(37, "CastOptions", f_cast),
    OPT0(38, "DequantizeOptions"),
    OPT0(39, "MaximumMinimumOptions"),
    OPT(40, "ArgMaxOptions", f_output_type),
    OPT0(41, "LessOptions"),
    OPT0(42, "NegOptions"),
    OPT0(43, "PadV2Options"),
    OPT0(44, "GreaterOptions"),
    OPT0(45, "GreaterEqualOptions"),
    OPT0(46, "LessEqualOptions"),
    OPT0(47, "SelectOptions"),
    OPT0(48, "SliceOptions"),
    OPT(49, "TransposeConvOptions", f_transpose_conv),
    OPT(50, "SparseToDenseOptions", f_sparse_to_dense),
    OPT0(51, "TileOptions"),
    OPT0(52, "ExpandDimsOptions"),
    OPT0(53, "EqualOptions"),
    OPT0(54, "NotEqualOptions"),
    OPT(55, "ShapeOptions", f_shape),
    OPT0(56, "PowOptions"),
    OPT(57, "ArgMinOptions", f_output_type),
    OPT(58, "FakeQuantOptions", f_fake_quant),
    OPT(59, "PackOptions", f_pack),
    OPT0(60, "LogicalOrOptions"),
    OPT(61, "OneHotOptions", f_axis),
    OPT0(62, "LogicalAndOptions"),
    OPT0(63, "LogicalNotOptions"),
    OPT(64, "UnpackOptions", f_unpack),
    OPT0(65, "FloorDivOptions"),
    OPT0(66, "SquareOptions"),
    OPT0(67, "ZerosLikeOptions"),
    OPT0(68, "FillOptions"),
    OPT(69, "BidirectionalSequenceLSTMOptions", f_bidi_lstm),
    OPT(70, "BidirectionalSequenceRNNOptions", f_bidi_rnn),
    OPT(71, "UnidirectionalSequenceLSTMOptions", f_uni_lstm),
    OPT0(72, "FloorModOptions"),
    OPT0(73, "RangeOptions"),
    OPT(74, "ResizeNearestNeighborOptions", f_resize_nearest),
    OPT(75, "LeakyReluOptions", f_leaky_relu),
    OPT0(76, "SquaredDifferenceOptions"),
    OPT(77, "MirrorPadOptions", f_mirror_pad),
    OPT0(78, "AbsOptions"),
    OPT(79, "SplitVOptions", f_num_splits),
    OPT(80, "UniqueOptions", f_unique),
    OPT0(81, "ReverseV2Options"),
    OPT0(82, "AddNOptions"),
    OPT0(83, "GatherNdOptions"),
    OPT0(84, "CosOptions"),
    OPT0(85, "WhereOptions"),
    OPT0(86, "RankOptions"),
    OPT(87, "ReverseSequenceOptions", f_reverse_seq),
    OPT0(88, "MatrixDiagOptions"),
    OPT0(89, "QuantizeOptions"),
    OPT0(90, "MatrixSetDiagOptions"),
    OPT0(91, "HardSwishOptions"),
    OPT(92, "IfOptions", f_if),
    OPT(93, "WhileOptions", f_while),
    OPT(94, "DepthToSpaceOptions", f_block_size),
    OPT0(95, "NonMaxSuppressionV4Options"),
    OPT0(96, "NonMaxSuppressionV5Options"),
    OPT0(97, "ScatterNdOptions"),
    OPT0(98, "SelectV2Options"),
    OPT0(99, "DensifyOptions"),
    OPT0(100, "SegmentSumOptions"),
    OPT(101, "BatchMatMulOptions", f_batch_matmul),
    OPT(102, "CumsumOptions", f_cumsum),
    OPT(103, "CallOnceOptions", f_call_once),
    OPT0(104, "BroadcastToOptions"),
    OPT0(105, "Rfft2dOptions"),
    OPT(106, "Conv3DOptions", f_conv3d),
    OPT(107, "HashtableOptions", f_hashtable),
    OPT0(108, "HashtableFindOptions"),
    OPT0(109, "HashtableImportOptions"),
    OPT0(110, "HashtableSizeOptions"),
    OPT(111, "VarHandleOptions", f_var_handle),
    OPT0(112, "ReadVariableOptions"),
    OPT0(113, "AssignVariableOptions"),
    OPT(114, "RandomOptions", f_random),
    OPT(115, "BucketizeOptions", f_bucketize),
    OPT(116, "GeluOptions", f_gelu),
    OPT0(117, "DynamicUpdateSliceOptions"),
    OPT0(118, "UnsortedSegmentProdOptions"),
    OPT0(119, "UnsortedSegmentMaxOptions"),
    OPT0(120, "UnsortedSegmentMinOptions"),
    OPT0(121, "UnsortedSegmentSumOptions"),
    OPT0(122, "ATan2Options"),
    OPT0(123, "SignOptions"),
    OPT0(124, "BitcastOptions"),
    OPT0(125, "BitwiseXorOptions"),
    OPT0(126, "RightShiftOptions"),
};
const int tfl_n_builtin_options = (int)(sizeof tfl_builtin_options / sizeof tfl_builtin_options[0]);

const struct tfl_options tfl_builtin_options2[] = {
    OPT20(0, "NONE"),
    OPT2(1, "StablehloConcatenateOptions", f_hlo_concatenate),
    OPT2(2, "StablehloBroadcastInDimOptions", f_hlo_broadcast),
    OPT2(3, "StablehloSliceOptions", f_hlo_slice),
    OPT2(4, "StablehloConvolutionOptions", f_hlo_conv),
    OPT2(5, "StablehloCustomCallOptions", f_hlo_custom_call),
    OPT2(6, "StablehloReduceOptions", f_hlo_reduce),
    OPT2(7, "StablehloScatterOptions", f_hlo_scatter),
    OPT2(8, "StablehloCompareOptions", f_hlo_compare),
    OPT2(9, "StablehloDynamicSliceOptions", f_hlo_dynamic_slice),
    OPT2(10, "StablehloPadOptions", f_hlo_pad),
    OPT2(11, "StablehloIotaOptions", f_hlo_iota),
    OPT2(12, "StablehloDotGeneralOptions", f_hlo_dot_general),
    OPT2(13, "StablehloReduceWindowOptions", f_hlo_reduce_window),
    OPT2(14, "StablehloSortOptions", f_hlo_sort),
    OPT2(15, "StablehloWhileOptions", f_while),
    OPT2(16, "StablehloGatherOptions", f_hlo_gather),
    OPT2(17, "StablehloTransposeOptions", f_hlo_transpose),
    OPT20(18, "DilateOptions"),
    OPT2(19, "StablehloRngBitGeneratorOptions", f_hlo_rng),
    OPT2(20, "ReduceWindowOptions", f_reduce_window),
    OPT2(21, "StableHLOCompositeOptions", f_hlo_composite),
    OPT20(22, "StablehloShiftLeftOptions"),
    OPT2(23, "StablehloCaseOptions", f_hlo_case),
};
const int tfl_n_builtin_options2 =
    (int)(sizeof tfl_builtin_options2 / sizeof tfl_builtin_options2[0]);

#undef OPT
#undef OPT0
#undef OPT2
#undef OPT20

const struct tfl_options *tfl_options_by_type(bool second, int type)
{
    const struct tfl_options *rows = second ? tfl_builtin_options2 : tfl_builtin_options;
    int n = second ? tfl_n_builtin_options2 : tfl_n_builtin_options;
    return type > 0 && type < n ? &rows[type] : NULL;
}

/* Only the writer asks, for the rare "builtin_options_type" attribute. */
const struct tfl_options *tfl_options_by_name(const char *name)
{
    for (int i = 1; i < tfl_n_builtin_options; i++)
        if (!strcmp(tfl_builtin_options[i].name, name)) return &tfl_builtin_options[i];
    for (int i = 1; i < tfl_n_builtin_options2; i++)
        if (!strcmp(tfl_builtin_options2[i].name, name)) return &tfl_builtin_options2[i];
    return NULL;
}

/* ---- builtin operators: row i is code i ---- */

const struct tfl_op tfl_ops[] = {
    {0, "ADD", IR_OP_TFL_ADD, &tfl_builtin_options[11], false}, /* AddOptions */
    {1, "AVERAGE_POOL_2D", IR_OP_TFL_AVERAGE_POOL_2D, &tfl_builtin_options[5], true}, /* Pool2DOptions */
    {2, "CONCATENATION", IR_OP_TFL_CONCATENATION, &tfl_builtin_options[10], false}, /* ConcatenationOptions */
    {3, "CONV_2D", IR_OP_TFL_CONV_2D, &tfl_builtin_options[1], true}, /* Conv2DOptions */
    {4, "DEPTHWISE_CONV_2D", IR_OP_TFL_DEPTHWISE_CONV_2D, &tfl_builtin_options[2], true}, /* DepthwiseConv2DOptions */
    {5, "DEPTH_TO_SPACE", IR_OP_TFL_DEPTH_TO_SPACE, &tfl_builtin_options[94], true}, /* DepthToSpaceOptions */
    {6, "DEQUANTIZE", IR_OP_TFL_DEQUANTIZE, &tfl_builtin_options[38], false}, /* DequantizeOptions */
    {7, "EMBEDDING_LOOKUP", IR_OP_OPAQUE, NULL, false},
    {8, "FLOOR", IR_OP_TFL_FLOOR, NULL, false},
    {9, "FULLY_CONNECTED", IR_OP_TFL_FULLY_CONNECTED, &tfl_builtin_options[8], false}, /* FullyConnectedOptions */
    {10, "HASHTABLE_LOOKUP", IR_OP_OPAQUE, NULL, false},
    {11, "L2_NORMALIZATION", IR_OP_TFL_L2_NORMALIZATION, &tfl_builtin_options[12], false}, /* L2NormOptions */
    {12, "L2_POOL_2D", IR_OP_TFL_L2_POOL_2D, &tfl_builtin_options[5], true}, /* Pool2DOptions */
    {13, "LOCAL_RESPONSE_NORMALIZATION", IR_OP_TFL_LOCAL_RESPONSE_NORMALIZATION, &tfl_builtin_options[13], true}, /* LocalResponseNormalizationOptions */
    {14, "LOGISTIC", IR_OP_TFL_LOGISTIC, NULL, false},
    {15, "LSH_PROJECTION", IR_OP_OPAQUE, &tfl_builtin_options[4], false}, /* LSHProjectionOptions */
    {16, "LSTM", IR_OP_OPAQUE, &tfl_builtin_options[14], false}, /* LSTMOptions */
    {17, "MAX_POOL_2D", IR_OP_TFL_MAX_POOL_2D, &tfl_builtin_options[5], true}, /* Pool2DOptions */
    {18, "MUL", IR_OP_TFL_MUL, &tfl_builtin_options[21], false}, /* MulOptions */
    {19, "RELU", IR_OP_TFL_RELU, NULL, false},
    {20, "RELU_N1_TO_1", IR_OP_TFL_RELU_N1_TO_1, NULL, false},
    {21, "RELU6", IR_OP_TFL_RELU6, NULL, false},
    {22, "RESHAPE", IR_OP_TFL_RESHAPE, &tfl_builtin_options[17], false}, /* ReshapeOptions */
    {23, "RESIZE_BILINEAR", IR_OP_TFL_RESIZE_BILINEAR, &tfl_builtin_options[15], true}, /* ResizeBilinearOptions */
    {24, "RNN", IR_OP_OPAQUE, &tfl_builtin_options[7], false}, /* RNNOptions */
    {25, "SOFTMAX", IR_OP_TFL_SOFTMAX, &tfl_builtin_options[9], false}, /* SoftmaxOptions */
    {26, "SPACE_TO_DEPTH", IR_OP_TFL_SPACE_TO_DEPTH, &tfl_builtin_options[19], true}, /* SpaceToDepthOptions */
    {27, "SVDF", IR_OP_TFL_SVDF, &tfl_builtin_options[6], false}, /* SVDFOptions */
    {28, "TANH", IR_OP_TFL_TANH, NULL, false},
    {29, "CONCAT_EMBEDDINGS", IR_OP_OPAQUE, &tfl_builtin_options[3], false}, /* ConcatEmbeddingsOptions */
    {30, "SKIP_GRAM", IR_OP_OPAQUE, &tfl_builtin_options[18], false}, /* SkipGramOptions */
    {31, "CALL", IR_OP_OPAQUE, &tfl_builtin_options[16], false}, /* CallOptions */
    {32, "CUSTOM", IR_OP_OPAQUE, NULL, false},
    {33, "EMBEDDING_LOOKUP_SPARSE", IR_OP_OPAQUE, &tfl_builtin_options[20], false}, /* EmbeddingLookupSparseOptions */
    {34, "PAD", IR_OP_TFL_PAD, &tfl_builtin_options[22], false}, /* PadOptions */
    {35, "UNIDIRECTIONAL_SEQUENCE_RNN", IR_OP_OPAQUE, &tfl_builtin_options[31], false}, /* SequenceRNNOptions */
    {36, "GATHER", IR_OP_TFL_GATHER, &tfl_builtin_options[23], false}, /* GatherOptions */
    {37, "BATCH_TO_SPACE_ND", IR_OP_TFL_BATCH_TO_SPACE_ND, &tfl_builtin_options[24], true}, /* BatchToSpaceNDOptions */
    {38, "SPACE_TO_BATCH_ND", IR_OP_TFL_SPACE_TO_BATCH_ND, &tfl_builtin_options[25], true}, /* SpaceToBatchNDOptions */
    {39, "TRANSPOSE", IR_OP_TFL_TRANSPOSE, &tfl_builtin_options[26], false}, /* TransposeOptions */
    {40, "MEAN", IR_OP_TFL_MEAN, &tfl_builtin_options[27], false}, /* ReducerOptions */
    {41, "SUB", IR_OP_TFL_SUB, &tfl_builtin_options[28], false}, /* SubOptions */
    {42, "DIV", IR_OP_TFL_DIV, &tfl_builtin_options[29], false}, /* DivOptions */
    {43, "SQUEEZE", IR_OP_TFL_SQUEEZE, &tfl_builtin_options[30], false}, /* SqueezeOptions */
    {44, "UNIDIRECTIONAL_SEQUENCE_LSTM", IR_OP_TFL_UNIDIRECTIONAL_SEQUENCE_LSTM, &tfl_builtin_options[71], false}, /* UnidirectionalSequenceLSTMOptions */
    {45, "STRIDED_SLICE", IR_OP_TFL_STRIDED_SLICE, &tfl_builtin_options[32], false}, /* StridedSliceOptions */
    {46, "BIDIRECTIONAL_SEQUENCE_RNN", IR_OP_OPAQUE, &tfl_builtin_options[70], false}, /* BidirectionalSequenceRNNOptions */
    {47, "EXP", IR_OP_TFL_EXP, &tfl_builtin_options[33], false}, /* ExpOptions */
    {48, "TOPK_V2", IR_OP_TFL_TOPK_V2, &tfl_builtin_options[34], false}, /* TopKV2Options */
    {49, "SPLIT", IR_OP_TFL_SPLIT, &tfl_builtin_options[35], false}, /* SplitOptions */
    {50, "LOG_SOFTMAX", IR_OP_TFL_LOG_SOFTMAX, &tfl_builtin_options[36], false}, /* LogSoftmaxOptions */
    {51, "DELEGATE", IR_OP_OPAQUE, NULL, false},
    {52, "BIDIRECTIONAL_SEQUENCE_LSTM", IR_OP_OPAQUE, &tfl_builtin_options[69], false}, /* BidirectionalSequenceLSTMOptions */
    {53, "CAST", IR_OP_TFL_CAST, &tfl_builtin_options[37], false}, /* CastOptions */
    {54, "PRELU", IR_OP_TFL_PRELU, NULL, false},
    {55, "MAXIMUM", IR_OP_TFL_MAXIMUM, &tfl_builtin_options[39], false}, /* MaximumMinimumOptions */
    {56, "ARG_MAX", IR_OP_TFL_ARG_MAX, &tfl_builtin_options[40], false}, /* ArgMaxOptions */
    {57, "MINIMUM", IR_OP_TFL_MINIMUM, &tfl_builtin_options[39], false}, /* MaximumMinimumOptions */
    {58, "LESS", IR_OP_TFL_LESS, &tfl_builtin_options[41], false}, /* LessOptions */
    {59, "NEG", IR_OP_TFL_NEG, &tfl_builtin_options[42], false}, /* NegOptions */
    {60, "PADV2", IR_OP_TFL_PADV2, &tfl_builtin_options[43], false}, /* PadV2Options */
    {61, "GREATER", IR_OP_TFL_GREATER, &tfl_builtin_options[44], false}, /* GreaterOptions */
    {62, "GREATER_EQUAL", IR_OP_TFL_GREATER_EQUAL, &tfl_builtin_options[45], false}, /* GreaterEqualOptions */
    {63, "LESS_EQUAL", IR_OP_TFL_LESS_EQUAL, &tfl_builtin_options[46], false}, /* LessEqualOptions */
    {64, "SELECT", IR_OP_TFL_SELECT, &tfl_builtin_options[47], false}, /* SelectOptions */
    {65, "SLICE", IR_OP_TFL_SLICE, &tfl_builtin_options[48], false}, /* SliceOptions */
    {66, "SIN", IR_OP_TFL_SIN, NULL, false},
    {67, "TRANSPOSE_CONV", IR_OP_TFL_TRANSPOSE_CONV, &tfl_builtin_options[49], true}, /* TransposeConvOptions */
    {68, "SPARSE_TO_DENSE", IR_OP_OPAQUE, &tfl_builtin_options[50], false}, /* SparseToDenseOptions */
    {69, "TILE", IR_OP_TFL_TILE, &tfl_builtin_options[51], false}, /* TileOptions */
    {70, "EXPAND_DIMS", IR_OP_TFL_EXPAND_DIMS, &tfl_builtin_options[52], false}, /* ExpandDimsOptions */
    {71, "EQUAL", IR_OP_TFL_EQUAL, &tfl_builtin_options[53], false}, /* EqualOptions */
    {72, "NOT_EQUAL", IR_OP_TFL_NOT_EQUAL, &tfl_builtin_options[54], false}, /* NotEqualOptions */
    {73, "LOG", IR_OP_TFL_LOG, NULL, false},
    {74, "SUM", IR_OP_TFL_SUM, &tfl_builtin_options[27], false}, /* ReducerOptions */
    {75, "SQRT", IR_OP_TFL_SQRT, NULL, false},
    {76, "RSQRT", IR_OP_TFL_RSQRT, NULL, false},
    {77, "SHAPE", IR_OP_TFL_SHAPE, &tfl_builtin_options[55], false}, /* ShapeOptions */
    {78, "POW", IR_OP_TFL_POW, &tfl_builtin_options[56], false}, /* PowOptions */
    {79, "ARG_MIN", IR_OP_TFL_ARG_MIN, &tfl_builtin_options[57], false}, /* ArgMinOptions */
    {80, "FAKE_QUANT", IR_OP_OPAQUE, &tfl_builtin_options[58], false}, /* FakeQuantOptions */
    {81, "REDUCE_PROD", IR_OP_TFL_REDUCE_PROD, &tfl_builtin_options[27], false}, /* ReducerOptions */
    {82, "REDUCE_MAX", IR_OP_TFL_REDUCE_MAX, &tfl_builtin_options[27], false}, /* ReducerOptions */
    {83, "PACK", IR_OP_TFL_PACK, &tfl_builtin_options[59], false}, /* PackOptions */
    {84, "LOGICAL_OR", IR_OP_TFL_LOGICAL_OR, &tfl_builtin_options[60], false}, /* LogicalOrOptions */
    {85, "ONE_HOT", IR_OP_OPAQUE, &tfl_builtin_options[61], false}, /* OneHotOptions */
    {86, "LOGICAL_AND", IR_OP_TFL_LOGICAL_AND, &tfl_builtin_options[62], false}, /* LogicalAndOptions */
    {87, "LOGICAL_NOT", IR_OP_TFL_LOGICAL_NOT, &tfl_builtin_options[63], false}, /* LogicalNotOptions */
    {88, "UNPACK", IR_OP_TFL_UNPACK, &tfl_builtin_options[64], false}, /* UnpackOptions */
    {89, "REDUCE_MIN", IR_OP_TFL_REDUCE_MIN, &tfl_builtin_options[27], false}, /* ReducerOptions */
    {90, "FLOOR_DIV", IR_OP_TFL_FLOOR_DIV, &tfl_builtin_options[65], false}, /* FloorDivOptions */
    {91, "REDUCE_ANY", IR_OP_OPAQUE, &tfl_builtin_options[27], false}, /* ReducerOptions */
    {92, "SQUARE", IR_OP_TFL_SQUARE, &tfl_builtin_options[66], false}, /* SquareOptions */
    {93, "ZEROS_LIKE", IR_OP_TFL_ZEROS_LIKE, &tfl_builtin_options[67], false}, /* ZerosLikeOptions */
    {94, "FILL", IR_OP_TFL_FILL, &tfl_builtin_options[68], false}, /* FillOptions */
    {95, "FLOOR_MOD", IR_OP_TFL_FLOOR_MOD, &tfl_builtin_options[72], false}, /* FloorModOptions */
    {96, "RANGE", IR_OP_TFL_RANGE, &tfl_builtin_options[73], false}, /* RangeOptions */
    {97, "RESIZE_NEAREST_NEIGHBOR", IR_OP_TFL_RESIZE_NEAREST_NEIGHBOR, &tfl_builtin_options[74], true}, /* ResizeNearestNeighborOptions */
    {98, "LEAKY_RELU", IR_OP_TFL_LEAKY_RELU, &tfl_builtin_options[75], false}, /* LeakyReluOptions */
    {99, "SQUARED_DIFFERENCE", IR_OP_TFL_SQUARED_DIFFERENCE, &tfl_builtin_options[76], false}, /* SquaredDifferenceOptions */
    {100, "MIRROR_PAD", IR_OP_TFL_MIRROR_PAD, &tfl_builtin_options[77], false}, /* MirrorPadOptions */
    {101, "ABS", IR_OP_TFL_ABS, &tfl_builtin_options[78], false}, /* AbsOptions */
    {102, "SPLIT_V", IR_OP_TFL_SPLIT_V, &tfl_builtin_options[79], false}, /* SplitVOptions */
    {103, "UNIQUE", IR_OP_OPAQUE, &tfl_builtin_options[80], false}, /* UniqueOptions */
    {104, "CEIL", IR_OP_TFL_CEIL, NULL, false},
    {105, "REVERSE_V2", IR_OP_TFL_REVERSE_V2, &tfl_builtin_options[81], false}, /* ReverseV2Options */
    {106, "ADD_N", IR_OP_TFL_ADD_N, &tfl_builtin_options[82], false}, /* AddNOptions */
    {107, "GATHER_ND", IR_OP_TFL_GATHER_ND, &tfl_builtin_options[83], false}, /* GatherNdOptions */
    {108, "COS", IR_OP_TFL_COS, &tfl_builtin_options[84], false}, /* CosOptions */
    {109, "WHERE", IR_OP_TFL_WHERE, &tfl_builtin_options[85], false}, /* WhereOptions */
    {110, "RANK", IR_OP_OPAQUE, &tfl_builtin_options[86], false}, /* RankOptions */
    {111, "ELU", IR_OP_TFL_ELU, NULL, false},
    {112, "REVERSE_SEQUENCE", IR_OP_OPAQUE, &tfl_builtin_options[87], false}, /* ReverseSequenceOptions */
    {113, "MATRIX_DIAG", IR_OP_TFL_MATRIX_DIAG, &tfl_builtin_options[88], false}, /* MatrixDiagOptions */
    {114, "QUANTIZE", IR_OP_TFL_QUANTIZE, &tfl_builtin_options[89], false}, /* QuantizeOptions */
    {115, "MATRIX_SET_DIAG", IR_OP_OPAQUE, &tfl_builtin_options[90], false}, /* MatrixSetDiagOptions */
    {116, "ROUND", IR_OP_TFL_ROUND, NULL, false},
    {117, "HARD_SWISH", IR_OP_TFL_HARD_SWISH, &tfl_builtin_options[91], false}, /* HardSwishOptions */
    {118, "IF", IR_OP_TFL_IF, &tfl_builtin_options[92], false}, /* IfOptions */
    {119, "WHILE", IR_OP_TFL_WHILE, &tfl_builtin_options[93], false}, /* WhileOptions */
    {120, "NON_MAX_SUPPRESSION_V4", IR_OP_OPAQUE, &tfl_builtin_options[95], false}, /* NonMaxSuppressionV4Options */
    {121, "NON_MAX_SUPPRESSION_V5", IR_OP_OPAQUE, &tfl_builtin_options[96], false}, /* NonMaxSuppressionV5Options */
    {122, "SCATTER_ND", IR_OP_OPAQUE, &tfl_builtin_options[97], false}, /* ScatterNdOptions */
    {123, "SELECT_V2", IR_OP_TFL_SELECT_V2, &tfl_builtin_options[98], false}, /* SelectV2Options */
    {124, "DENSIFY", IR_OP_OPAQUE, &tfl_builtin_options[99], false}, /* DensifyOptions */
    {125, "SEGMENT_SUM", IR_OP_OPAQUE, &tfl_builtin_options[100], false}, /* SegmentSumOptions */
    {126, "BATCH_MATMUL", IR_OP_TFL_BATCH_MATMUL, &tfl_builtin_options[101], false}, /* BatchMatMulOptions */
    {127, "PLACEHOLDER_FOR_GREATER_OP_CODES", IR_OP_OPAQUE, NULL, false},
    {128, "CUMSUM", IR_OP_TFL_CUMSUM, &tfl_builtin_options[102], false}, /* CumsumOptions */
    {129, "CALL_ONCE", IR_OP_OPAQUE, &tfl_builtin_options[103], false}, /* CallOnceOptions */
    {130, "BROADCAST_TO", IR_OP_TFL_BROADCAST_TO, &tfl_builtin_options[104], false}, /* BroadcastToOptions */
    {131, "RFFT2D", IR_OP_OPAQUE, &tfl_builtin_options[105], false}, /* Rfft2dOptions */
    {132, "CONV_3D", IR_OP_TFL_CONV_3D, &tfl_builtin_options[106], true}, /* Conv3DOptions */
    {133, "IMAG", IR_OP_OPAQUE, NULL, false},
    {134, "REAL", IR_OP_OPAQUE, NULL, false},
    {135, "COMPLEX_ABS", IR_OP_OPAQUE, NULL, false},
    {136, "HASHTABLE", IR_OP_OPAQUE, &tfl_builtin_options[107], false}, /* HashtableOptions */
    {137, "HASHTABLE_FIND", IR_OP_OPAQUE, &tfl_builtin_options[108], false}, /* HashtableFindOptions */
    {138, "HASHTABLE_IMPORT", IR_OP_OPAQUE, &tfl_builtin_options[109], false}, /* HashtableImportOptions */
    {139, "HASHTABLE_SIZE", IR_OP_OPAQUE, &tfl_builtin_options[110], false}, /* HashtableSizeOptions */
    {140, "REDUCE_ALL", IR_OP_OPAQUE, &tfl_builtin_options[27], false}, /* ReducerOptions */
    {141, "CONV_3D_TRANSPOSE", IR_OP_OPAQUE, &tfl_builtin_options[106], true}, /* Conv3DOptions */
    {142, "VAR_HANDLE", IR_OP_OPAQUE, &tfl_builtin_options[111], false}, /* VarHandleOptions */
    {143, "READ_VARIABLE", IR_OP_OPAQUE, &tfl_builtin_options[112], false}, /* ReadVariableOptions */
    {144, "ASSIGN_VARIABLE", IR_OP_OPAQUE, &tfl_builtin_options[113], false}, /* AssignVariableOptions */
    {145, "BROADCAST_ARGS", IR_OP_OPAQUE, NULL, false},
    {146, "RANDOM_STANDARD_NORMAL", IR_OP_OPAQUE, &tfl_builtin_options[114], false}, /* RandomOptions */
    {147, "BUCKETIZE", IR_OP_OPAQUE, &tfl_builtin_options[115], false}, /* BucketizeOptions */
    {148, "RANDOM_UNIFORM", IR_OP_OPAQUE, &tfl_builtin_options[114], false}, /* RandomOptions */
    {149, "MULTINOMIAL", IR_OP_OPAQUE, &tfl_builtin_options[114], false}, /* RandomOptions */
    {150, "GELU", IR_OP_TFL_GELU, &tfl_builtin_options[116], false}, /* GeluOptions */
    {151, "DYNAMIC_UPDATE_SLICE", IR_OP_OPAQUE, &tfl_builtin_options[117], false}, /* DynamicUpdateSliceOptions */
    {152, "RELU_0_TO_1", IR_OP_TFL_RELU_0_TO_1, NULL, false},
    {153, "UNSORTED_SEGMENT_PROD", IR_OP_OPAQUE, &tfl_builtin_options[118], false}, /* UnsortedSegmentProdOptions */
    {154, "UNSORTED_SEGMENT_MAX", IR_OP_OPAQUE, &tfl_builtin_options[119], false}, /* UnsortedSegmentMaxOptions */
    {155, "UNSORTED_SEGMENT_SUM", IR_OP_OPAQUE, &tfl_builtin_options[121], false}, /* UnsortedSegmentSumOptions */
    {156, "ATAN2", IR_OP_OPAQUE, &tfl_builtin_options[122], false}, /* ATan2Options */
    {157, "UNSORTED_SEGMENT_MIN", IR_OP_OPAQUE, &tfl_builtin_options[120], false}, /* UnsortedSegmentMinOptions */
    {158, "SIGN", IR_OP_TFL_SIGN, &tfl_builtin_options[123], false}, /* SignOptions */
    {159, "BITCAST", IR_OP_OPAQUE, &tfl_builtin_options[124], false}, /* BitcastOptions */
    {160, "BITWISE_XOR", IR_OP_OPAQUE, &tfl_builtin_options[125], false}, /* BitwiseXorOptions */
    {161, "RIGHT_SHIFT", IR_OP_OPAQUE, &tfl_builtin_options[126], false}, /* RightShiftOptions */
    {162, "STABLEHLO_LOGISTIC", IR_OP_OPAQUE, NULL, false},
    {163, "STABLEHLO_ADD", IR_OP_OPAQUE, NULL, false},
    {164, "STABLEHLO_DIVIDE", IR_OP_OPAQUE, NULL, false},
    {165, "STABLEHLO_MULTIPLY", IR_OP_OPAQUE, NULL, false},
    {166, "STABLEHLO_MAXIMUM", IR_OP_OPAQUE, NULL, false},
    {167, "STABLEHLO_RESHAPE", IR_OP_OPAQUE, NULL, false},
    {168, "STABLEHLO_CLAMP", IR_OP_OPAQUE, NULL, false},
    {169, "STABLEHLO_CONCATENATE", IR_OP_OPAQUE, &tfl_builtin_options2[1], false}, /* StablehloConcatenateOptions */
    {170, "STABLEHLO_BROADCAST_IN_DIM", IR_OP_OPAQUE, &tfl_builtin_options2[2], false}, /* StablehloBroadcastInDimOptions */
    {171, "STABLEHLO_CONVOLUTION", IR_OP_OPAQUE, &tfl_builtin_options2[4], false}, /* StablehloConvolutionOptions */
    {172, "STABLEHLO_SLICE", IR_OP_OPAQUE, &tfl_builtin_options2[3], false}, /* StablehloSliceOptions */
    {173, "STABLEHLO_CUSTOM_CALL", IR_OP_OPAQUE, &tfl_builtin_options2[5], false}, /* StablehloCustomCallOptions */
    {174, "STABLEHLO_REDUCE", IR_OP_OPAQUE, &tfl_builtin_options2[6], false}, /* StablehloReduceOptions */
    {175, "STABLEHLO_ABS", IR_OP_OPAQUE, NULL, false},
    {176, "STABLEHLO_AND", IR_OP_OPAQUE, NULL, false},
    {177, "STABLEHLO_COSINE", IR_OP_OPAQUE, NULL, false},
    {178, "STABLEHLO_EXPONENTIAL", IR_OP_OPAQUE, NULL, false},
    {179, "STABLEHLO_FLOOR", IR_OP_OPAQUE, NULL, false},
    {180, "STABLEHLO_LOG", IR_OP_OPAQUE, NULL, false},
    {181, "STABLEHLO_MINIMUM", IR_OP_OPAQUE, NULL, false},
    {182, "STABLEHLO_NEGATE", IR_OP_OPAQUE, NULL, false},
    {183, "STABLEHLO_OR", IR_OP_OPAQUE, NULL, false},
    {184, "STABLEHLO_POWER", IR_OP_OPAQUE, NULL, false},
    {185, "STABLEHLO_REMAINDER", IR_OP_OPAQUE, NULL, false},
    {186, "STABLEHLO_RSQRT", IR_OP_OPAQUE, NULL, false},
    {187, "STABLEHLO_SELECT", IR_OP_OPAQUE, NULL, false},
    {188, "STABLEHLO_SUBTRACT", IR_OP_OPAQUE, NULL, false},
    {189, "STABLEHLO_TANH", IR_OP_OPAQUE, NULL, false},
    {190, "STABLEHLO_SCATTER", IR_OP_OPAQUE, &tfl_builtin_options2[7], false}, /* StablehloScatterOptions */
    {191, "STABLEHLO_COMPARE", IR_OP_OPAQUE, &tfl_builtin_options2[8], false}, /* StablehloCompareOptions */
    {192, "STABLEHLO_CONVERT", IR_OP_OPAQUE, NULL, false},
    {193, "STABLEHLO_DYNAMIC_SLICE", IR_OP_OPAQUE, &tfl_builtin_options2[9], false}, /* StablehloDynamicSliceOptions */
    {194, "STABLEHLO_DYNAMIC_UPDATE_SLICE", IR_OP_OPAQUE, NULL, false},
    {195, "STABLEHLO_PAD", IR_OP_OPAQUE, &tfl_builtin_options2[10], false}, /* StablehloPadOptions */
    {196, "STABLEHLO_IOTA", IR_OP_OPAQUE, &tfl_builtin_options2[11], false}, /* StablehloIotaOptions */
    {197, "STABLEHLO_DOT_GENERAL", IR_OP_OPAQUE, &tfl_builtin_options2[12], false}, /* StablehloDotGeneralOptions */
    {198, "STABLEHLO_REDUCE_WINDOW", IR_OP_OPAQUE, &tfl_builtin_options2[13], false}, /* StablehloReduceWindowOptions */
    {199, "STABLEHLO_SORT", IR_OP_OPAQUE, &tfl_builtin_options2[14], false}, /* StablehloSortOptions */
    {200, "STABLEHLO_WHILE", IR_OP_OPAQUE, &tfl_builtin_options2[15], false}, /* StablehloWhileOptions */
    {201, "STABLEHLO_GATHER", IR_OP_OPAQUE, &tfl_builtin_options2[16], false}, /* StablehloGatherOptions */
    {202, "STABLEHLO_TRANSPOSE", IR_OP_OPAQUE, &tfl_builtin_options2[17], false}, /* StablehloTransposeOptions */
    {203, "DILATE", IR_OP_OPAQUE, &tfl_builtin_options2[18], false}, /* DilateOptions */
    {204, "STABLEHLO_RNG_BIT_GENERATOR", IR_OP_OPAQUE, &tfl_builtin_options2[19], false}, /* StablehloRngBitGeneratorOptions */
    {205, "REDUCE_WINDOW", IR_OP_OPAQUE, &tfl_builtin_options2[20], false}, /* ReduceWindowOptions */
    {206, "STABLEHLO_COMPOSITE", IR_OP_OPAQUE, &tfl_builtin_options2[21], false}, /* StableHLOCompositeOptions */
    {207, "STABLEHLO_SHIFT_LEFT", IR_OP_OPAQUE, &tfl_builtin_options2[22], false}, /* StablehloShiftLeftOptions */
    {208, "STABLEHLO_CBRT", IR_OP_OPAQUE, NULL, false},
    {209, "STABLEHLO_CASE", IR_OP_OPAQUE, &tfl_builtin_options2[23], false}, /* StablehloCaseOptions */
};
const int tfl_n_ops = (int)(sizeof tfl_ops / sizeof tfl_ops[0]);

const uint16_t tfl_ops_by_name[] = {
    101, 0, 106, 56, 79, 144, 156, 1, 126, 37, 52, 46, 159, 160, 145, 130, 147, 31, 129, 53,
    104, 135, 2, 29, 3, 132, 141, 108, 128, 32, 51, 124, 4, 5, 6, 203, 42, 151, 111, 7, 33, 71,
    47, 70, 80, 94, 8, 90, 95, 9, 36, 107, 150, 61, 62, 117, 136, 137, 138, 10, 139, 118, 133,
    11, 12, 98, 58, 63, 13, 73, 86, 87, 84, 14, 50, 15, 16, 113, 115, 55, 17, 40, 57, 100, 18,
    149, 59, 120, 121, 72, 85, 83, 34, 60, 127, 78, 54, 114, 146, 148, 96, 110, 143, 134, 140,
    91, 82, 89, 81, 205, 19, 21, 152, 20, 22, 23, 97, 112, 105, 131, 161, 24, 116, 76, 122, 125,
    64, 123, 77, 158, 66, 30, 65, 25, 38, 26, 68, 49, 102, 75, 92, 99, 43, 175, 163, 176, 170,
    209, 208, 168, 191, 206, 169, 192, 171, 177, 173, 164, 197, 193, 194, 178, 179, 201, 196,
    180, 162, 166, 181, 165, 182, 183, 195, 184, 174, 198, 185, 167, 204, 186, 190, 187, 207,
    172, 199, 188, 189, 202, 200, 45, 41, 74, 27, 28, 69, 48, 39, 67, 44, 35, 103, 88, 154, 157,
    153, 155, 142, 109, 119, 93,
};
_Static_assert(sizeof tfl_ops_by_name / sizeof tfl_ops_by_name[0] ==
                   sizeof tfl_ops / sizeof tfl_ops[0],
               "every builtin in the name index");

const struct tfl_op *tfl_op_by_code(int code)
{
    return code >= 0 && code < tfl_n_ops ? &tfl_ops[code] : NULL;
}

const struct tfl_op *tfl_op_by_name(const char *name)
{
    int lo = 0, hi = tfl_n_ops;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        int c = strcmp(tfl_ops[tfl_ops_by_name[mid]].name, name);
        if (!c) return &tfl_ops[tfl_ops_by_name[mid]];
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

/* IR_OP_TFL_<B> is named "tfl.<B>": the builtin's name follows the prefix. */
const struct tfl_op *tfl_op_by_ir(enum ir_op op)
{
    const char *name = ir_op_name(op);
    if (op == IR_OP_OPAQUE || !name || strncmp(name, "tfl.", 4) != 0) return NULL;
    const struct tfl_op *row = tfl_op_by_name(name + 4);
    return row && row->op == op ? row : NULL;
}
