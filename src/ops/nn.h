/* Family 'nn' (convolution, pooling, normalization, matrix products): the
 * typed parameter structs, the helpers the family's files share, and the
 * entry points that nn.c gathers into op_family_nn.
 *
 * Files: conv.c (Conv, ConvTranspose, ConvInteger), pool.c (Max/Average/Lp
 * pooling, Global*, MaxRoiPool, MaxUnpool), norm.c (Batch/Instance/Layer/
 * Group/RMS normalization, LRN, LpNormalization, MeanVarianceNormalization),
 * gemm.c (Gemm, MatMul, MatMulInteger); gemm_kernel.c is the SGEMM they use. */
#ifndef FERRY_OPS_NN_H
#define FERRY_OPS_NN_H

#include "ops/op.h"

#define NN_MAX_SPATIAL (OP_MAX_RANK - 2)

/* ---- sliding windows (Conv*, pooling) ---- */

enum nn_auto_pad { NN_PAD_NOTSET = 0, NN_PAD_SAME_UPPER, NN_PAD_SAME_LOWER, NN_PAD_VALID };

/* Window attributes as given; counts are -1 where the attribute is absent.
 * Values are checked at parse (strides, dilations, kernel >= 1; pads >= 0);
 * lengths are checked against the input's rank at infer. */
struct nn_window {
    enum nn_auto_pad auto_pad;
    int n_kernel, n_strides, n_dilations, n_pads;
    int64_t kernel[NN_MAX_SPATIAL];
    int64_t strides[NN_MAX_SPATIAL];
    int64_t dilations[NN_MAX_SPATIAL];
    int64_t pads[2 * NN_MAX_SPATIAL]; /* begins, then ends */
    bool ceil_mode;
};

/* Resolved geometry of one windowed op on actual shapes. Pads may be negative
 * only for ConvTranspose with an explicit output_shape. */
struct nn_geom {
    int ns; /* spatial dims */
    int64_t in[NN_MAX_SPATIAL], out[NN_MAX_SPATIAL], k[NN_MAX_SPATIAL];
    int64_t s[NN_MAX_SPATIAL], d[NN_MAX_SPATIAL], pb[NN_MAX_SPATIAL], pe[NN_MAX_SPATIAL];
    int64_t in_size, out_size, k_size; /* products over the spatial dims */
};

/* Reads auto_pad, kernel_shape, strides, dilations, pads and (when
 * with_ceil) ceil_mode. */
fy_status nn_window_parse(const struct ir_node *n, struct nn_window *w, bool kernel_required,
                          bool with_ceil, struct fy_error *err);
/* Output shape and pads of a convolution or pooling window (ONNX's rules for
 * auto_pad, explicit pads and ceil_mode). kernel: the window's extent (from
 * W for convolutions); in: the input's spatial dims. Errors name the node. */
fy_status nn_window_geom(const struct op_ctx *c, const struct nn_window *w, int ns,
                         const int64_t *in, const int64_t *kernel, struct nn_geom *g);
/* Products of in/out/k dims; false on overflow. */
bool nn_geom_finish(struct nn_geom *g);

/* ---- values as float / double ---- */

bool nn_is_float(enum ir_dtype t);
/* The elements of t as doubles: t's own data when it is float64, else a
 * converted copy in node scratch. NULL when out of memory (error set). */
const double *nn_load_f64(struct op_ctx *c, const struct op_tensor *t);
/* Where to compute output t as doubles (t's data when float64, else
 * scratch); nn_store_f64 then writes them into t. */
double *nn_out_f64(struct op_ctx *c, struct op_tensor *t);
void nn_store_f64(struct op_tensor *t, const double *v);
/* The same in float32, for f32/f16/bf16 tensors. */
const float *nn_load_f32(struct op_ctx *c, const struct op_tensor *t);
float *nn_out_f32(struct op_ctx *c, struct op_tensor *t);
void nn_store_f32(struct op_tensor *t, const float *v);


/* ---- float32 loops written with vector types ----
 * GCC 12 does not auto-vectorize at -O2, so the hot elementwise loops of
 * the family use GNU C vector types (4 floats, two per step: SSE2 on
 * baseline x86-64, NEON on arm64), with a scalar tail. */
/* y[i] = x[i] * a + b */
void nn_affine_f32(int64_t n, const float *x, float a, float b, float *y);
/* y[i] += a * x[i * stride] */
void nn_axpy_f32(int64_t n, float a, const float *x, int64_t stride, float *y);
/* sum of x[i] * y[i], in a fixed order (8 partial sums, then the tail) */
float nn_dot_f32(int64_t n, const float *x, const float *y);

/* Input i, or NULL when left out (or beyond the node's inputs). */
const struct op_tensor *nn_in(const struct op_ctx *c, int i);
/* Shape as "[1,3,224,224]" for messages. */
const char *nn_shape_str(const struct op_tensor *t, char *buf, size_t cap);

/* ---- parameters ---- */

struct nn_conv_params {
    struct nn_window w;
    int64_t group;
};

struct nn_convt_params {
    struct nn_window w;
    int64_t group;
    int n_output_padding, n_output_shape;
    int64_t output_padding[NN_MAX_SPATIAL];
    int64_t output_shape[OP_MAX_RANK];
};

struct nn_pool_params {
    struct nn_window w;
    bool count_include_pad; /* AveragePool */
    int64_t storage_order;  /* MaxPool: 0 row major, 1 column major indices */
    int64_t p;              /* LpPool, GlobalLpPool */
};

struct nn_roipool_params {
    int64_t pooled_h, pooled_w;
    float spatial_scale;
};

struct nn_batchnorm_params {
    float epsilon, momentum;
    bool training; /* statistics from the batch; running ones as outputs 1, 2 */
};

struct nn_eps_params { /* InstanceNormalization */
    float epsilon;
};

struct nn_layernorm_params { /* LayerNormalization, RMSNormalization */
    int64_t axis;
    float epsilon;
    enum ir_dtype stash; /* dtype of Mean / InvStdDev */
};

struct nn_groupnorm_params {
    int64_t num_groups;
    float epsilon;
};

struct nn_lrn_params {
    float alpha, beta, bias;
    int64_t size;
};

struct nn_lpnorm_params {
    int64_t axis, p;
};

struct nn_mvn_params {
    int n_axes;
    int64_t axes[OP_MAX_RANK];
};

struct nn_gemm_params {
    float alpha, beta;
    bool trans_a, trans_b;
};

/* ---- entry points (gathered in nn.c) ---- */

fy_status nn_conv_parse(const struct ir_node *n, int64_t opset, void *params,
                        struct fy_error *err);
fy_status nn_conv_infer(struct op_ctx *c);
fy_status nn_conv_eval(struct op_ctx *c);
fy_status nn_conv_integer_infer(struct op_ctx *c);
fy_status nn_conv_integer_eval(struct op_ctx *c);
fy_status nn_convt_parse(const struct ir_node *n, int64_t opset, void *params,
                         struct fy_error *err);
fy_status nn_convt_infer(struct op_ctx *c);
fy_status nn_convt_eval(struct op_ctx *c);

fy_status nn_maxpool_parse(const struct ir_node *n, int64_t opset, void *params,
                           struct fy_error *err);
fy_status nn_avgpool_parse(const struct ir_node *n, int64_t opset, void *params,
                           struct fy_error *err);
fy_status nn_lppool_parse(const struct ir_node *n, int64_t opset, void *params,
                          struct fy_error *err);
fy_status nn_pool_infer(struct op_ctx *c);
fy_status nn_pool_eval(struct op_ctx *c);
fy_status nn_globallp_parse(const struct ir_node *n, int64_t opset, void *params,
                            struct fy_error *err);
fy_status nn_global_pool_infer(struct op_ctx *c);
fy_status nn_global_pool_eval(struct op_ctx *c);
fy_status nn_roipool_parse(const struct ir_node *n, int64_t opset, void *params,
                           struct fy_error *err);
fy_status nn_roipool_infer(struct op_ctx *c);
fy_status nn_roipool_eval(struct op_ctx *c);
fy_status nn_unpool_parse(const struct ir_node *n, int64_t opset, void *params,
                          struct fy_error *err);
fy_status nn_unpool_infer(struct op_ctx *c);
fy_status nn_unpool_eval(struct op_ctx *c);

fy_status nn_batchnorm_parse(const struct ir_node *n, int64_t opset, void *params,
                             struct fy_error *err);
fy_status nn_batchnorm_infer(struct op_ctx *c);
fy_status nn_batchnorm_eval(struct op_ctx *c);
fy_status nn_instnorm_parse(const struct ir_node *n, int64_t opset, void *params,
                            struct fy_error *err);
fy_status nn_instnorm_infer(struct op_ctx *c);
fy_status nn_instnorm_eval(struct op_ctx *c);
fy_status nn_layernorm_parse(const struct ir_node *n, int64_t opset, void *params,
                             struct fy_error *err);
fy_status nn_layernorm_infer(struct op_ctx *c);
fy_status nn_layernorm_eval(struct op_ctx *c);
fy_status nn_rmsnorm_infer(struct op_ctx *c);
fy_status nn_rmsnorm_eval(struct op_ctx *c);
fy_status nn_groupnorm_parse(const struct ir_node *n, int64_t opset, void *params,
                             struct fy_error *err);
fy_status nn_groupnorm_infer(struct op_ctx *c);
fy_status nn_groupnorm_eval(struct op_ctx *c);
fy_status nn_lrn_parse(const struct ir_node *n, int64_t opset, void *params,
                       struct fy_error *err);
fy_status nn_lrn_infer(struct op_ctx *c);
fy_status nn_lrn_eval(struct op_ctx *c);
fy_status nn_lpnorm_parse(const struct ir_node *n, int64_t opset, void *params,
                          struct fy_error *err);
fy_status nn_lpnorm_infer(struct op_ctx *c);
fy_status nn_lpnorm_eval(struct op_ctx *c);
fy_status nn_mvn_parse(const struct ir_node *n, int64_t opset, void *params,
                       struct fy_error *err);
fy_status nn_mvn_infer(struct op_ctx *c);
fy_status nn_mvn_eval(struct op_ctx *c);

fy_status nn_gemm_parse(const struct ir_node *n, int64_t opset, void *params,
                        struct fy_error *err);
fy_status nn_gemm_infer(struct op_ctx *c);
fy_status nn_gemm_eval(struct op_ctx *c);
fy_status nn_matmul_infer(struct op_ctx *c);
fy_status nn_matmul_eval(struct op_ctx *c);
fy_status nn_matmul_integer_infer(struct op_ctx *c);
fy_status nn_matmul_integer_eval(struct op_ctx *c);

#endif
