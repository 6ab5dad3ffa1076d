/* Family 'tflite': the descriptor table of the tfl.* ops (see tfl.h for the
 * conventions; kernels in tfl_*.c). Arity is TFLite's operator input list,
 * optional inputs included (a missing one is a NULL slot).
 *
 * Every kernel reads quantization parameters from its tensors' op_tensor
 * quant (the interpreter gives graph inputs the model's parameters). */
#include "ops/control.h"
#include "ops/tfl.h"

#define INTP sizeof(struct tfl_int_params)

#define TFL_OPS(X)                                                                                 \
    /* convolution and matrix products (tfl_conv.c, tfl_fc.c) */                                   \
    X(CONV_2D, 2, 3, 1, 1, sizeof(struct tfl_conv_params), tfl_conv_parse, tfl_conv2d_infer,       \
      tfl_conv2d_eval)                                                                             \
    X(DEPTHWISE_CONV_2D, 2, 3, 1, 1, sizeof(struct tfl_conv_params), tfl_conv_parse,               \
      tfl_dwconv_infer, tfl_dwconv_eval)                                                           \
    X(TRANSPOSE_CONV, 3, 4, 1, 1, sizeof(struct tfl_conv_params), tfl_conv_parse, tfl_tconv_infer, \
      tfl_tconv_eval)                                                                              \
    X(CONV_3D, 2, 3, 1, 1, sizeof(struct tfl_conv3d_params), tfl_conv3d_parse, tfl_conv3d_infer,   \
      tfl_conv3d_eval)                                                                             \
    X(FULLY_CONNECTED, 2, 3, 1, 1, sizeof(struct tfl_fc_params), tfl_fc_parse, tfl_fc_infer,       \
      tfl_fc_eval)                                                                                 \
    X(BATCH_MATMUL, 2, 2, 1, 1, INTP, tfl_bmm_parse, tfl_bmm_infer, tfl_bmm_eval)                  \
                                                                                                   \
    /* pooling (tfl_pool.c) */                                                                     \
    X(AVERAGE_POOL_2D, 1, 1, 1, 1, sizeof(struct tfl_pool_params), tfl_pool_parse, tfl_pool_infer, \
      tfl_avgpool_eval)                                                                            \
    X(MAX_POOL_2D, 1, 1, 1, 1, sizeof(struct tfl_pool_params), tfl_pool_parse, tfl_pool_infer,     \
      tfl_maxpool_eval)                                                                            \
    X(L2_POOL_2D, 1, 1, 1, 1, sizeof(struct tfl_pool_params), tfl_pool_parse, tfl_pool_infer,      \
      tfl_l2pool_eval)                                                                             \
                                                                                                   \
    /* binary element-wise (tfl_binary.c) */                                                       \
    X(ADD, 2, 2, 1, 1, 0, NULL, tfl_add_infer, tfl_add_eval)                                       \
    X(SUB, 2, 2, 1, 1, 0, NULL, tfl_add_infer, tfl_sub_eval)                                       \
    X(MUL, 2, 2, 1, 1, 0, NULL, tfl_add_infer, tfl_mul_eval)                                       \
    X(DIV, 2, 2, 1, 1, 0, NULL, tfl_add_infer, tfl_div_eval)                                       \
    X(SQUARED_DIFFERENCE, 2, 2, 1, 1, 0, NULL, tfl_add_infer, tfl_squared_difference_eval)         \
    X(MAXIMUM, 2, 2, 1, 1, 0, NULL, tfl_add_infer, tfl_maximum_eval)                               \
    X(MINIMUM, 2, 2, 1, 1, 0, NULL, tfl_add_infer, tfl_minimum_eval)                               \
    X(POW, 2, 2, 1, 1, 0, NULL, tfl_add_infer, tfl_pow_eval)                                       \
    X(FLOOR_DIV, 2, 2, 1, 1, 0, NULL, tfl_add_infer, tfl_floor_div_eval)                           \
    X(FLOOR_MOD, 2, 2, 1, 1, 0, NULL, tfl_add_infer, tfl_floor_mod_eval)                           \
    X(EQUAL, 2, 2, 1, 1, 0, NULL, tfl_compare_infer, tfl_compare_eval)                             \
    X(NOT_EQUAL, 2, 2, 1, 1, 0, NULL, tfl_compare_infer, tfl_compare_eval)                         \
    X(LESS, 2, 2, 1, 1, 0, NULL, tfl_compare_infer, tfl_compare_eval)                              \
    X(LESS_EQUAL, 2, 2, 1, 1, 0, NULL, tfl_compare_infer, tfl_compare_eval)                        \
    X(GREATER, 2, 2, 1, 1, 0, NULL, tfl_compare_infer, tfl_compare_eval)                           \
    X(GREATER_EQUAL, 2, 2, 1, 1, 0, NULL, tfl_compare_infer, tfl_compare_eval)                     \
    X(LOGICAL_AND, 2, 2, 1, 1, 0, NULL, tfl_logical_infer, tfl_logical_eval)                       \
    X(LOGICAL_OR, 2, 2, 1, 1, 0, NULL, tfl_logical_infer, tfl_logical_eval)                        \
    X(SELECT, 3, 3, 1, 1, 0, NULL, tfl_select_infer, tfl_select_eval)                              \
    X(SELECT_V2, 3, 3, 1, 1, 0, NULL, tfl_select_infer, tfl_select_eval)                           \
    X(ADD_N, 1, -1, 1, 1, 0, NULL, tfl_add_n_infer, tfl_add_n_eval)                                \
    X(PRELU, 2, 2, 1, 1, 0, NULL, tfl_prelu_infer, tfl_prelu_eval)                                 \
                                                                                                   \
    /* unary (tfl_unary.c) */                                                                      \
    X(LOGISTIC, 1, 1, 1, 1, 0, NULL, tfl_unary_infer, tfl_logistic_eval)                           \
    X(TANH, 1, 1, 1, 1, 0, NULL, tfl_unary_infer, tfl_tanh_eval)                                   \
    X(RELU, 1, 1, 1, 1, 0, NULL, tfl_unary_infer, tfl_relu_eval)                                   \
    X(RELU6, 1, 1, 1, 1, 0, NULL, tfl_unary_infer, tfl_relu_eval)                                  \
    X(RELU_N1_TO_1, 1, 1, 1, 1, 0, NULL, tfl_unary_infer, tfl_relu_eval)                           \
    X(RELU_0_TO_1, 1, 1, 1, 1, 0, NULL, tfl_unary_infer, tfl_relu_eval)                            \
    X(LEAKY_RELU, 1, 1, 1, 1, sizeof(struct tfl_float_param), tfl_float_param_parse,               \
      tfl_unary_infer, tfl_leaky_relu_eval)                                                        \
    X(HARD_SWISH, 1, 1, 1, 1, 0, NULL, tfl_unary_infer, tfl_hard_swish_eval)                       \
    X(GELU, 1, 1, 1, 1, INTP, tfl_gelu_parse, tfl_unary_infer, tfl_gelu_eval)                      \
    X(ELU, 1, 1, 1, 1, 0, NULL, tfl_unary_infer, tfl_elu_eval)                                     \
    X(ABS, 1, 1, 1, 1, 0, NULL, tfl_unary_infer, tfl_unary_eval)                                   \
    X(NEG, 1, 1, 1, 1, 0, NULL, tfl_unary_infer, tfl_unary_eval)                                   \
    X(EXP, 1, 1, 1, 1, 0, NULL, tfl_unary_infer, tfl_unary_eval)                                   \
    X(LOG, 1, 1, 1, 1, 0, NULL, tfl_unary_infer, tfl_unary_eval)                                   \
    X(SQRT, 1, 1, 1, 1, 0, NULL, tfl_unary_infer, tfl_unary_eval)                                  \
    X(RSQRT, 1, 1, 1, 1, 0, NULL, tfl_unary_infer, tfl_unary_eval)                                 \
    X(SQUARE, 1, 1, 1, 1, 0, NULL, tfl_unary_infer, tfl_unary_eval)                                \
    X(SIN, 1, 1, 1, 1, 0, NULL, tfl_unary_infer, tfl_unary_eval)                                   \
    X(COS, 1, 1, 1, 1, 0, NULL, tfl_unary_infer, tfl_unary_eval)                                   \
    X(CEIL, 1, 1, 1, 1, 0, NULL, tfl_unary_infer, tfl_unary_eval)                                  \
    X(FLOOR, 1, 1, 1, 1, 0, NULL, tfl_unary_infer, tfl_unary_eval)                                 \
    X(ROUND, 1, 1, 1, 1, 0, NULL, tfl_unary_infer, tfl_unary_eval)                                 \
    X(SIGN, 1, 1, 1, 1, 0, NULL, tfl_unary_infer, tfl_unary_eval)                                  \
    X(QUANTIZE, 1, 1, 1, 1, 0, NULL, tfl_quantize_infer, tfl_quantize_eval)                        \
    X(DEQUANTIZE, 1, 1, 1, 1, 0, NULL, tfl_dequantize_infer, tfl_dequantize_eval)                  \
    X(CAST, 1, 1, 1, 1, 0, NULL, tfl_cast_infer, tfl_cast_eval)                                    \
    X(LOGICAL_NOT, 1, 1, 1, 1, 0, NULL, tfl_logical_not_infer, tfl_logical_not_eval)               \
    X(ZEROS_LIKE, 1, 1, 1, 1, 0, NULL, tfl_like_infer, tfl_zeros_like_eval)                        \
    X(ONES_LIKE, 1, 1, 1, 1, 0, NULL, tfl_like_infer, tfl_ones_like_eval)                          \
                                                                                                   \
    /* normalizations (tfl_softmax.c) */                                                           \
    X(SOFTMAX, 1, 1, 1, 1, sizeof(struct tfl_float_param), tfl_softmax_parse, tfl_softmax_infer,   \
      tfl_softmax_eval)                                                                            \
    X(LOG_SOFTMAX, 1, 1, 1, 1, sizeof(struct tfl_float_param), tfl_softmax_parse,                  \
      tfl_softmax_infer, tfl_log_softmax_eval)                                                     \
    X(L2_NORMALIZATION, 1, 1, 1, 1, sizeof(struct tfl_float_param), tfl_softmax_parse,             \
      tfl_softmax_infer, tfl_l2norm_eval)                                                          \
    X(LOCAL_RESPONSE_NORMALIZATION, 1, 1, 1, 1, sizeof(struct tfl_lrn_params), tfl_lrn_parse,      \
      tfl_softmax_infer, tfl_lrn_eval)                                                             \
                                                                                                   \
    /* data movement (tfl_shape.c) */                                                              \
    X(RESHAPE, 1, 2, 1, 1, sizeof(struct tfl_reshape_params), tfl_reshape_parse,                   \
      tfl_reshape_infer, tfl_copy_eval)                                                            \
    X(SQUEEZE, 1, 1, 1, 1, INTP, tfl_squeeze_parse, tfl_squeeze_infer, tfl_copy_eval)              \
    X(EXPAND_DIMS, 2, 2, 1, 1, 0, NULL, tfl_expand_dims_infer, tfl_copy_eval)                      \
    X(TRANSPOSE, 2, 2, 1, 1, 0, NULL, tfl_transpose_infer, tfl_transpose_eval)                     \
    X(CONCATENATION, 1, -1, 1, 1, INTP, tfl_concat_parse, tfl_concat_infer, tfl_concat_eval)       \
    X(PACK, 1, -1, 1, 1, INTP, tfl_pack_parse, tfl_pack_infer, tfl_pack_eval)                      \
    X(UNPACK, 1, 1, 1, -1, INTP, tfl_pack_parse, tfl_unpack_infer, tfl_unpack_eval)                \
    X(SPLIT, 2, 2, 1, -1, 0, NULL, tfl_split_infer, tfl_split_eval)                                \
    X(SPLIT_V, 3, 3, 1, -1, 0, NULL, tfl_split_v_infer, tfl_split_eval)                            \
    X(SLICE, 3, 3, 1, 1, 0, NULL, tfl_slice_infer, tfl_slice_eval)                                 \
    X(STRIDED_SLICE, 3, 4, 1, 1, sizeof(struct tfl_strided_slice_params), tfl_strided_slice_parse, \
      tfl_strided_slice_infer, tfl_strided_slice_eval)                                             \
    X(PAD, 2, 2, 1, 1, 0, NULL, tfl_pad_infer, tfl_pad_eval)                                       \
    X(PADV2, 2, 3, 1, 1, 0, NULL, tfl_pad_infer, tfl_pad_eval)                                     \
    X(MIRROR_PAD, 2, 2, 1, 1, INTP, tfl_mirror_pad_parse, tfl_mirror_pad_infer,                    \
      tfl_mirror_pad_eval)                                                                         \
    X(GATHER, 2, 2, 1, 1, INTP, tfl_gather_parse, tfl_gather_infer, tfl_gather_eval)               \
    X(GATHER_ND, 2, 2, 1, 1, 0, NULL, tfl_gather_nd_infer, tfl_gather_nd_eval)                     \
    X(TILE, 2, 2, 1, 1, 0, NULL, tfl_tile_infer, tfl_tile_eval)                                    \
    X(BROADCAST_TO, 2, 2, 1, 1, 0, NULL, tfl_broadcast_to_infer, tfl_broadcast_to_eval)            \
    X(SHAPE, 1, 1, 1, 1, INTP, tfl_shape_parse, tfl_shape_infer, tfl_shape_eval)                   \
    X(FILL, 2, 2, 1, 1, 0, NULL, tfl_fill_infer, tfl_fill_eval)                                    \
    X(RANGE, 3, 3, 1, 1, 0, NULL, tfl_range_infer, tfl_range_eval)                                 \
    X(REVERSE_V2, 2, 2, 1, 1, 0, NULL, tfl_reverse_infer, tfl_reverse_eval)                        \
    X(DEPTH_TO_SPACE, 1, 1, 1, 1, INTP, tfl_block_parse, tfl_depth_to_space_infer,                 \
      tfl_depth_to_space_eval)                                                                     \
    X(SPACE_TO_DEPTH, 1, 1, 1, 1, INTP, tfl_block_parse, tfl_space_to_depth_infer,                 \
      tfl_space_to_depth_eval)                                                                     \
    X(BATCH_TO_SPACE_ND, 3, 3, 1, 1, 0, NULL, tfl_batch_to_space_infer, tfl_batch_to_space_eval)   \
    X(SPACE_TO_BATCH_ND, 3, 3, 1, 1, 0, NULL, tfl_space_to_batch_infer, tfl_space_to_batch_eval)   \
    X(WHERE, 1, 1, 1, 1, 0, NULL, tfl_where_infer, tfl_where_eval)                                 \
    X(CUMSUM, 2, 2, 1, 1, INTP, tfl_cumsum_parse, tfl_cumsum_infer, tfl_cumsum_eval)               \
    X(MATRIX_DIAG, 1, 1, 1, 1, 0, NULL, tfl_matrix_diag_infer, tfl_matrix_diag_eval)               \
    X(TOPK_V2, 2, 2, 1, 2, 0, NULL, tfl_topk_infer, tfl_topk_eval)                                 \
                                                                                                   \
    /* reductions (tfl_reduce.c) */                                                                \
    X(MEAN, 2, 2, 1, 1, INTP, tfl_reduce_parse, tfl_reduce_infer, tfl_mean_eval)                   \
    X(SUM, 2, 2, 1, 1, INTP, tfl_reduce_parse, tfl_reduce_infer, tfl_sum_eval)                     \
    X(REDUCE_MAX, 2, 2, 1, 1, INTP, tfl_reduce_parse, tfl_reduce_infer, tfl_reduce_max_eval)       \
    X(REDUCE_MIN, 2, 2, 1, 1, INTP, tfl_reduce_parse, tfl_reduce_infer, tfl_reduce_min_eval)       \
    X(REDUCE_PROD, 2, 2, 1, 1, INTP, tfl_reduce_parse, tfl_reduce_infer, tfl_reduce_prod_eval)     \
    X(ARG_MAX, 2, 2, 1, 1, INTP, tfl_arg_parse, tfl_arg_infer, tfl_arg_max_eval)                   \
    X(ARG_MIN, 2, 2, 1, 1, INTP, tfl_arg_parse, tfl_arg_infer, tfl_arg_min_eval)                   \
                                                                                                   \
    /* image (tfl_image.c) */                                                                      \
    X(RESIZE_BILINEAR, 2, 2, 1, 1, sizeof(struct tfl_resize_params), tfl_resize_parse,             \
      tfl_resize_infer, tfl_resize_bilinear_eval)                                                  \
    X(RESIZE_NEAREST_NEIGHBOR, 2, 2, 1, 1, sizeof(struct tfl_resize_params), tfl_resize_parse,     \
      tfl_resize_infer, tfl_resize_nearest_eval)                                                   \
                                                                                                   \
    /* control flow (tfl_control.c): the results of the subgraphs, run in infer */                 \
    X(IF, 1, -1, 0, -1, sizeof(struct tfl_if_params), tfl_if_parse, tfl_if_infer,                  \
      ctl_results_eval)                                                                            \
    X(WHILE, 0, -1, 0, -1, sizeof(struct tfl_while_params), tfl_while_parse, tfl_while_infer,      \
      ctl_results_eval)                                                                            \
                                                                                                   \
    /* recurrent (tfl_rnn.c) */                                                                    \
    X(SVDF, 4, 5, 1, 1, sizeof(struct tfl_rnn_params), tfl_rnn_parse, tfl_svdf_infer,              \
      tfl_svdf_eval)                                                                               \
    X(UNIDIRECTIONAL_SEQUENCE_LSTM, 20, 24, 1, 1, sizeof(struct tfl_rnn_params), tfl_rnn_parse,    \
      tfl_lstm_infer, tfl_lstm_eval)                                                               \
    /* end */

#define X_(op, in_lo, in_hi, out_lo, out_hi, ps, parse, infer, eval)                               \
    {IR_OP_TFL_##op, in_lo, in_hi, out_lo, out_hi, ps, parse, infer, eval},
const struct op_desc op_family_tflite[] = {TFL_OPS(X_)};
#undef X_
const int op_family_tflite_count = sizeof op_family_tflite / sizeof op_family_tflite[0];
