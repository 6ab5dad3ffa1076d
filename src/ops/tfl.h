/* Family 'tflite': the tfl.* ops, one descriptor each, with TFLite's exact
 * semantics (NHWC, TFLite's weight layouts, constant inputs as inputs, its
 * integer arithmetic bit-exact with the reference kernels TFLite Micro runs).
 *
 * Files: tflite.c holds the family's descriptor table; the kernels live in
 * tfl_*.c by kind (conv, fc, pool, elementwise, activations, softmax, shape,
 * reduce, image, rnn); tfl_quant.c has the fixed-point arithmetic and
 * tfl_util.c the helpers below.
 *
 * Attributes are the builtin options under schema.fbs's field names; an
 * absent attribute takes the schema's default. The fused activation is
 * node->activation: the interpreter applies it to float32 outputs after
 * eval, so float kernels never apply it themselves, while quantized kernels
 * fold it into their output clamp as TFLite does.
 *
 * Quantization parameters (scales, multipliers, tables) are derived in eval
 * from the tensors' quant records, exactly as TFLite's Prepare derives them;
 * they cost a few hundred operations per node per run. */
#ifndef FERRY_OPS_TFL_H
#define FERRY_OPS_TFL_H

#include "ops/op.h"
#include "ops/tfl_quant.h"

enum tfl_padding { TFL_PAD_SAME = 0, TFL_PAD_VALID = 1 };

/* ---- parameter structs ---- */

struct tfl_conv_params { /* CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV */
    int padding;
    int stride_w, stride_h;
    int dilation_w, dilation_h;
    int depth_multiplier;
};

struct tfl_conv3d_params {
    int padding;
    int stride[3], dilation[3]; /* depth, height, width */
};

struct tfl_fc_params {
    bool keep_num_dims;
    enum ir_dtype quantized_bias_type; /* bias type when the bias is absent */
};

struct tfl_pool_params {
    int padding;
    int stride_w, stride_h;
    int filter_w, filter_h;
};

struct tfl_float_param { /* SOFTMAX beta, LEAKY_RELU alpha, ... */
    float value;
};

struct tfl_int_params { /* small integer options: axis, keep_dims, masks, ... */
    int64_t v[8];
    int n;
};

struct tfl_strided_slice_params {
    int begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_axis_mask;
    bool offset;
};

struct tfl_reshape_params {
    int64_t new_shape[OP_MAX_RANK];
    int n_new_shape; /* -1: option absent */
};

struct tfl_rnn_params { /* SVDF, UNIDIRECTIONAL_SEQUENCE_LSTM */
    int rank;
    float cell_clip, proj_clip;
    bool time_major;
};

struct tfl_lrn_params {
    int radius;
    float bias, alpha, beta;
};

struct tfl_resize_params {
    bool align_corners, half_pixel_centers;
};

struct tfl_if_params { /* IF: [0] then, [1] else */
    const struct ir_graph *g[2];
    int index[2]; /* in ir_model.tflite->subgraphs */
};

struct tfl_while_params {
    const struct ir_graph *cond, *body;
    int cond_index, body_index;
};

/* ---- helpers (tfl_util.c) ---- */

/* Per-tensor scale and zero point (element 0 of a per-axis record). */
float tfl_scale(const struct op_tensor *t);
int32_t tfl_zero_point(const struct op_tensor *t);
/* infer: input/output i must carry quantization parameters. */
fy_status tfl_need_quant(struct op_ctx *c, const struct op_tensor *t, const char *what);
/* The output dtype the model declares for output i, or fallback. */
enum ir_dtype tfl_declared_dtype(const struct op_ctx *c, int i, enum ir_dtype fallback);
/* Clamp bounds of a quantized output for the node's fused activation. */
void tfl_act_range(const struct op_ctx *c, const struct op_tensor *out, int32_t *lo, int32_t *hi);
/* XNNPACK mode (c->tflite_arith): true when the node runs the XNNPACK
 * delegate's arithmetic rather than the reference kernels' — an int8 output
 * with the mode on. */
bool tfl_xnn(const struct op_ctx *c, const struct op_tensor *out);
/* The clamp bounds the XNNPACK delegate gives a quantized output: the fused
 * activation's float range, each end quantized as lrintf(v / scale + zp)
 * (round half to even, in float) and saturated to the type. */
void tfl_xnn_act_range(const struct op_ctx *c, const struct op_tensor *out, int32_t *lo,
                       int32_t *hi);
/* XNNPACK's "fp32" requantization of an int32 accumulator: (float)acc *
 * scale in float32, clamped to [lo - zp, hi - zp], rounded half to even,
 * + zp. */
int32_t tfl_xnn_requant(int32_t acc, float scale, int32_t zp, int32_t lo, int32_t hi);
/* Saturation bounds of an integer type. */
void tfl_int_range(enum ir_dtype t, int32_t *lo, int32_t *hi);
bool tfl_is_quant_int(enum ir_dtype t); /* int8, uint8, int16 */

/* parse: an enum-valued option as its schema name, "SAME"/"VALID". */
fy_status tfl_parse_padding(const struct ir_node *n, int *padding, struct fy_error *err);
fy_status tfl_parse_int(const struct ir_node *n, const char *name, int64_t dflt, int64_t lo,
                        int64_t hi, int *out, struct fy_error *err);
/* An enum option naming a TensorType ("INT32", "FLOAT32", ...); IR_UNDEFINED
 * for NOTYPE or when absent. */
fy_status tfl_parse_tensor_type(const struct ir_node *n, const char *name, enum ir_dtype *out,
                                struct fy_error *err);

/* TFLite's output size and leading padding for one spatial dim. */
int64_t tfl_out_size(int padding, int64_t in, int64_t filter, int stride, int dilation);
int tfl_pad_before(int stride, int dilation, int64_t in, int64_t filter, int64_t out, int *offset);

/* Element-wise broadcast iteration over an output of `rank` dims: calls
 * fn(arg, out_index, a_index, b_index) for every output element in order. */
typedef void (*tfl_bcast_fn)(void *arg, uint64_t o, uint64_t a, uint64_t b);
void tfl_broadcast2(const struct op_tensor *a, const struct op_tensor *b,
                    const struct op_tensor *out, tfl_bcast_fn fn, void *arg);

/* ---- descriptors, by file ---- */

/* tfl_conv.c */
fy_status tfl_conv_parse(const struct ir_node *n, int64_t opset, void *params,
                         struct fy_error *err);
fy_status tfl_conv2d_infer(struct op_ctx *c);
fy_status tfl_conv2d_eval(struct op_ctx *c);
fy_status tfl_dwconv_infer(struct op_ctx *c);
fy_status tfl_dwconv_eval(struct op_ctx *c);
fy_status tfl_tconv_infer(struct op_ctx *c);
fy_status tfl_tconv_eval(struct op_ctx *c);
fy_status tfl_conv3d_parse(const struct ir_node *n, int64_t opset, void *params,
                           struct fy_error *err);
fy_status tfl_conv3d_infer(struct op_ctx *c);
fy_status tfl_conv3d_eval(struct op_ctx *c);

/* tfl_fc.c */
fy_status tfl_fc_parse(const struct ir_node *n, int64_t opset, void *params, struct fy_error *err);
fy_status tfl_fc_infer(struct op_ctx *c);
fy_status tfl_fc_eval(struct op_ctx *c);
fy_status tfl_bmm_parse(const struct ir_node *n, int64_t opset, void *params, struct fy_error *err);
fy_status tfl_bmm_infer(struct op_ctx *c);
fy_status tfl_bmm_eval(struct op_ctx *c);

/* tfl_control.c: IF and WHILE (they run other subgraphs of the model) */
fy_status tfl_if_parse(const struct ir_node *n, int64_t opset, void *params, struct fy_error *err);
fy_status tfl_if_infer(struct op_ctx *c);
fy_status tfl_while_parse(const struct ir_node *n, int64_t opset, void *params,
                          struct fy_error *err);
fy_status tfl_while_infer(struct op_ctx *c);

/* tfl_pool.c */
fy_status tfl_pool_parse(const struct ir_node *n, int64_t opset, void *params,
                         struct fy_error *err);
fy_status tfl_pool_infer(struct op_ctx *c);
fy_status tfl_avgpool_eval(struct op_ctx *c);
fy_status tfl_maxpool_eval(struct op_ctx *c);
fy_status tfl_l2pool_eval(struct op_ctx *c);

/* tfl_binary.c: arithmetic, comparison and logical binary ops */
fy_status tfl_add_infer(struct op_ctx *c);
fy_status tfl_add_eval(struct op_ctx *c);
fy_status tfl_sub_eval(struct op_ctx *c);
fy_status tfl_mul_eval(struct op_ctx *c);
fy_status tfl_div_eval(struct op_ctx *c);
fy_status tfl_squared_difference_eval(struct op_ctx *c);
fy_status tfl_maximum_eval(struct op_ctx *c);
fy_status tfl_minimum_eval(struct op_ctx *c);
fy_status tfl_pow_eval(struct op_ctx *c);
fy_status tfl_floor_div_eval(struct op_ctx *c);
fy_status tfl_floor_mod_eval(struct op_ctx *c);
fy_status tfl_compare_infer(struct op_ctx *c);
fy_status tfl_compare_eval(struct op_ctx *c);
fy_status tfl_logical_infer(struct op_ctx *c);
fy_status tfl_logical_eval(struct op_ctx *c);
fy_status tfl_select_infer(struct op_ctx *c);
fy_status tfl_select_eval(struct op_ctx *c);
fy_status tfl_add_n_infer(struct op_ctx *c);
fy_status tfl_add_n_eval(struct op_ctx *c);
fy_status tfl_prelu_infer(struct op_ctx *c);
fy_status tfl_prelu_eval(struct op_ctx *c);

/* tfl_unary.c: activations, math, quantize/dequantize/cast */
fy_status tfl_float_param_parse(const struct ir_node *n, int64_t opset, void *params,
                                struct fy_error *err); /* LEAKY_RELU alpha */
fy_status tfl_gelu_parse(const struct ir_node *n, int64_t opset, void *params,
                         struct fy_error *err);
fy_status tfl_unary_infer(struct op_ctx *c);
fy_status tfl_unary_eval(struct op_ctx *c); /* float math by op */
fy_status tfl_logistic_eval(struct op_ctx *c);
fy_status tfl_tanh_eval(struct op_ctx *c);
fy_status tfl_relu_eval(struct op_ctx *c); /* RELU, RELU6, RELU_N1_TO_1, RELU_0_TO_1 */
fy_status tfl_leaky_relu_eval(struct op_ctx *c);
fy_status tfl_hard_swish_eval(struct op_ctx *c);
fy_status tfl_gelu_eval(struct op_ctx *c);
fy_status tfl_elu_eval(struct op_ctx *c);
fy_status tfl_quantize_infer(struct op_ctx *c);
fy_status tfl_quantize_eval(struct op_ctx *c);
fy_status tfl_dequantize_infer(struct op_ctx *c);
fy_status tfl_dequantize_eval(struct op_ctx *c);
fy_status tfl_cast_infer(struct op_ctx *c);
fy_status tfl_cast_eval(struct op_ctx *c);
fy_status tfl_logical_not_infer(struct op_ctx *c);
fy_status tfl_logical_not_eval(struct op_ctx *c);
fy_status tfl_like_infer(struct op_ctx *c);
fy_status tfl_zeros_like_eval(struct op_ctx *c);
fy_status tfl_ones_like_eval(struct op_ctx *c);

/* tfl_softmax.c */
fy_status tfl_softmax_parse(const struct ir_node *n, int64_t opset, void *params,
                            struct fy_error *err);
fy_status tfl_softmax_infer(struct op_ctx *c);
fy_status tfl_softmax_eval(struct op_ctx *c);
fy_status tfl_log_softmax_eval(struct op_ctx *c);
fy_status tfl_l2norm_eval(struct op_ctx *c);
fy_status tfl_lrn_parse(const struct ir_node *n, int64_t opset, void *params, struct fy_error *err);
fy_status tfl_lrn_eval(struct op_ctx *c);

/* tfl_shape.c */
fy_status tfl_reshape_parse(const struct ir_node *n, int64_t opset, void *params,
                            struct fy_error *err);
fy_status tfl_reshape_infer(struct op_ctx *c);
fy_status tfl_copy_eval(struct op_ctx *c); /* RESHAPE, SQUEEZE, EXPAND_DIMS */
fy_status tfl_squeeze_parse(const struct ir_node *n, int64_t opset, void *params,
                            struct fy_error *err);
fy_status tfl_squeeze_infer(struct op_ctx *c);
fy_status tfl_expand_dims_infer(struct op_ctx *c);
fy_status tfl_transpose_infer(struct op_ctx *c);
fy_status tfl_transpose_eval(struct op_ctx *c);
fy_status tfl_concat_parse(const struct ir_node *n, int64_t opset, void *params,
                           struct fy_error *err);
fy_status tfl_concat_infer(struct op_ctx *c);
fy_status tfl_concat_eval(struct op_ctx *c);
fy_status tfl_pack_parse(const struct ir_node *n, int64_t opset, void *params,
                         struct fy_error *err);
fy_status tfl_pack_infer(struct op_ctx *c);
fy_status tfl_pack_eval(struct op_ctx *c);
fy_status tfl_unpack_infer(struct op_ctx *c);
fy_status tfl_unpack_eval(struct op_ctx *c);
fy_status tfl_split_infer(struct op_ctx *c);
fy_status tfl_split_v_infer(struct op_ctx *c);
fy_status tfl_split_eval(struct op_ctx *c); /* SPLIT, SPLIT_V */
fy_status tfl_slice_infer(struct op_ctx *c);
fy_status tfl_slice_eval(struct op_ctx *c);
fy_status tfl_strided_slice_parse(const struct ir_node *n, int64_t opset, void *params,
                                  struct fy_error *err);
fy_status tfl_strided_slice_infer(struct op_ctx *c);
fy_status tfl_strided_slice_eval(struct op_ctx *c);
fy_status tfl_pad_infer(struct op_ctx *c);
fy_status tfl_pad_eval(struct op_ctx *c); /* PAD, PADV2 */
fy_status tfl_mirror_pad_parse(const struct ir_node *n, int64_t opset, void *params,
                               struct fy_error *err);
fy_status tfl_mirror_pad_infer(struct op_ctx *c);
fy_status tfl_mirror_pad_eval(struct op_ctx *c);
fy_status tfl_gather_parse(const struct ir_node *n, int64_t opset, void *params,
                           struct fy_error *err);
fy_status tfl_gather_infer(struct op_ctx *c);
fy_status tfl_gather_eval(struct op_ctx *c);
fy_status tfl_gather_nd_infer(struct op_ctx *c);
fy_status tfl_gather_nd_eval(struct op_ctx *c);
fy_status tfl_tile_infer(struct op_ctx *c);
fy_status tfl_tile_eval(struct op_ctx *c);
fy_status tfl_broadcast_to_infer(struct op_ctx *c);
fy_status tfl_broadcast_to_eval(struct op_ctx *c);
fy_status tfl_shape_parse(const struct ir_node *n, int64_t opset, void *params,
                          struct fy_error *err);
fy_status tfl_shape_infer(struct op_ctx *c);
fy_status tfl_shape_eval(struct op_ctx *c);
fy_status tfl_fill_infer(struct op_ctx *c);
fy_status tfl_fill_eval(struct op_ctx *c);
fy_status tfl_range_infer(struct op_ctx *c);
fy_status tfl_range_eval(struct op_ctx *c);
fy_status tfl_reverse_infer(struct op_ctx *c);
fy_status tfl_reverse_eval(struct op_ctx *c);
fy_status tfl_block_parse(const struct ir_node *n, int64_t opset, void *params,
                          struct fy_error *err); /* DEPTH_TO_SPACE, SPACE_TO_DEPTH */
fy_status tfl_depth_to_space_infer(struct op_ctx *c);
fy_status tfl_depth_to_space_eval(struct op_ctx *c);
fy_status tfl_space_to_depth_infer(struct op_ctx *c);
fy_status tfl_space_to_depth_eval(struct op_ctx *c);
fy_status tfl_batch_to_space_infer(struct op_ctx *c);
fy_status tfl_batch_to_space_eval(struct op_ctx *c);
fy_status tfl_space_to_batch_infer(struct op_ctx *c);
fy_status tfl_space_to_batch_eval(struct op_ctx *c);
fy_status tfl_where_infer(struct op_ctx *c);
fy_status tfl_where_eval(struct op_ctx *c);
fy_status tfl_cumsum_parse(const struct ir_node *n, int64_t opset, void *params,
                           struct fy_error *err);
fy_status tfl_cumsum_infer(struct op_ctx *c);
fy_status tfl_cumsum_eval(struct op_ctx *c);
fy_status tfl_matrix_diag_infer(struct op_ctx *c);
fy_status tfl_matrix_diag_eval(struct op_ctx *c);
fy_status tfl_topk_infer(struct op_ctx *c);
fy_status tfl_topk_eval(struct op_ctx *c);

/* tfl_reduce.c */
fy_status tfl_reduce_parse(const struct ir_node *n, int64_t opset, void *params,
                           struct fy_error *err);
fy_status tfl_reduce_infer(struct op_ctx *c);
fy_status tfl_mean_eval(struct op_ctx *c);
fy_status tfl_sum_eval(struct op_ctx *c);
fy_status tfl_reduce_max_eval(struct op_ctx *c);
fy_status tfl_reduce_min_eval(struct op_ctx *c);
fy_status tfl_reduce_prod_eval(struct op_ctx *c);
fy_status tfl_arg_parse(const struct ir_node *n, int64_t opset, void *params, struct fy_error *err);
fy_status tfl_arg_infer(struct op_ctx *c);
fy_status tfl_arg_max_eval(struct op_ctx *c);
fy_status tfl_arg_min_eval(struct op_ctx *c);

/* tfl_image.c */
fy_status tfl_resize_parse(const struct ir_node *n, int64_t opset, void *params,
                           struct fy_error *err);
fy_status tfl_resize_infer(struct op_ctx *c);
fy_status tfl_resize_bilinear_eval(struct op_ctx *c);
fy_status tfl_resize_nearest_eval(struct op_ctx *c);

/* tfl_rnn.c */
fy_status tfl_rnn_parse(const struct ir_node *n, int64_t opset, void *params, struct fy_error *err);
fy_status tfl_svdf_infer(struct op_ctx *c);
fy_status tfl_svdf_eval(struct op_ctx *c);
fy_status tfl_lstm_infer(struct op_ctx *c);
fy_status tfl_lstm_eval(struct op_ctx *c);

#endif
