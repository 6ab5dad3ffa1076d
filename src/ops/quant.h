/* Family 'quant' (linear quantization): QuantizeLinear, DequantizeLinear and
 * DynamicQuantizeLinear (quant.c), QLinearConv and QLinearMatMul
 * (qlinear.c). quant.c holds the family's descriptor table.
 *
 * Every op follows ONNX's formula with a float scale: q = saturate(
 * round_half_even(x / scale) + zero_point), x = (q - zero_point) * scale.
 * The QLinear ops accumulate exactly in integers and requantize once with the
 * float multiplier x_scale * w_scale / y_scale, as ONNX Runtime does. */
#ifndef FERRY_OPS_QUANT_H
#define FERRY_OPS_QUANT_H

#include "ops/op.h"

struct q_linear_params { /* QuantizeLinear, DequantizeLinear */
    int64_t axis;
    int64_t block_size;       /* 0: per tensor or per axis */
    enum ir_dtype out_dtype;  /* from output_dtype; IR_UNDEFINED when absent */
    enum ir_dtype precision;  /* QuantizeLinear's precision; IR_UNDEFINED when absent */
};

fy_status q_linear_parse(const struct ir_node *n, int64_t opset, void *params,
                         struct fy_error *err);
fy_status q_quantize_infer(struct op_ctx *c);
fy_status q_quantize_eval(struct op_ctx *c);
fy_status q_dequantize_infer(struct op_ctx *c);
fy_status q_dequantize_eval(struct op_ctx *c);
fy_status q_dynamic_infer(struct op_ctx *c);
fy_status q_dynamic_eval(struct op_ctx *c);

/* qlinear.c; QLinearConv's parameters are those of Conv (struct nn_conv_params) */
fy_status q_conv_infer(struct op_ctx *c);
fy_status q_conv_eval(struct op_ctx *c);
fy_status q_matmul_infer(struct op_ctx *c);
fy_status q_matmul_eval(struct op_ctx *c);

/* ---- shared by the family ---- */

/* Saturation bounds of an integer quantized type; false for other types. */
bool q_int_range(enum ir_dtype t, int64_t *lo, int64_t *hi);
/* Element i of an integer tensor, including packed int4/uint4. */
int64_t q_get_int(const struct op_tensor *t, uint64_t i);
void q_set_int(struct op_tensor *t, uint64_t i, int64_t v);
/* Element i of a float scale (float32, float16, bfloat16) as float. */
float q_get_scale(const struct op_tensor *t, uint64_t i);
/* saturate(round_half_even(v) + zp) into [lo, hi]; NaN gives zp. */
int64_t q_requantize(float v, int64_t zp, int64_t lo, int64_t hi);

#endif
