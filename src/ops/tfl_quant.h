/* TFLite's integer arithmetic, as its reference kernels compute it (the
 * kernels TFLite Micro runs, whose outputs are the TFLM goldens).
 *
 * Everything here follows TFLite's default build: double rounding in
 * MultiplyByQuantizedMultiplier (TFLITE_SINGLE_ROUNDING off), multipliers
 * from frexp with round-half-away-from-zero, gemmlowp's fixed-point
 * exp/logistic/tanh, and the 256-entry sigmoid table of the int16 LSTM
 * activations. Where C would have undefined behaviour and the C++ original
 * relies on two's-complement wrap-around, the wrap is written out with
 * unsigned arithmetic so the sanitizer build computes the same values.
 *
 * Fixed-point values are int32 (or int16) raw integers with a number of
 * integer bits fixed by the caller; "Qm" below means m integer bits. */
#ifndef FERRY_OPS_TFL_QUANT_H
#define FERRY_OPS_TFL_QUANT_H

#include <stdbool.h>
#include <stdint.h>

/* ---- multipliers ---- */

/* m = q * 2^shift with q in [2^30, 2^31) as Q0.31 (QuantizeMultiplier);
 * m == 0 gives (0, 0); shifts below -31 flush to (0, 0). Negative m gives a
 * negative q (LEAKY_RELU's negative alpha relies on it). */
void tfq_quantize_multiplier(double m, int32_t *q, int *shift);

/* ---- gemmlowp primitives ---- */

/* round(a * b / 2^31), saturating INT32_MIN * INT32_MIN (ARM VQRDMULH). */
int32_t tfq_srdhm(int32_t a, int32_t b);
/* x / 2^exponent rounded to nearest, ties away from zero; 0 <= exponent <= 31. */
int32_t tfq_rdbpot(int32_t x, int exponent);
/* x * 2^exponent: saturating for exponent > 0, rounding for exponent < 0. */
int32_t tfq_srmbpot(int32_t x, int exponent);
/* (a + b) / 2 rounded away from zero. */
int32_t tfq_rounding_half_sum(int32_t a, int32_t b);
/* a + b and a - b with two's-complement wrap (gemmlowp's int32 Add/Sub). */
int32_t tfq_wadd(int32_t a, int32_t b);
int32_t tfq_wsub(int32_t a, int32_t b);
/* x * 2^s for s >= 0 with two's-complement wrap (C++ x * (1 << s)). */
int32_t tfq_wshl(int32_t x, int s);

/* ---- MultiplyByQuantizedMultiplier and friends ---- */

/* round(x * q * 2^shift / 2^31): left shift first, then SRDHM, then a
 * rounding right shift (TFLite's default double rounding). */
int32_t tfq_mbqm(int32_t x, int32_t q, int shift);
/* The int64 accumulator variant (16x8 kernels with int64 bias): q reduced to
 * 16 bits with rounding, one rounding shift by 15 - shift; the int64 result
 * is truncated to int32 as TFLite's (unchecked) cast does. */
int32_t tfq_mbqm64(int64_t x, int32_t q, int shift);
/* MultiplyByQuantizedMultiplierSmallerThanOneExp (shift <= 0). */
int32_t tfq_mbqm_lt1(int32_t x, int32_t q, int shift);
/* MultiplyByQuantizedMultiplierGreaterThanOne (left_shift >= 0). */
int32_t tfq_mbqm_gt1(int32_t x, int32_t q, int left_shift);

/* ---- fixed-point functions (gemmlowp) ---- */

/* exp(a) for a <= 0; a is Q(int_bits), the result Q0. */
int32_t tfq_exp_on_negative_values(int32_t a, int int_bits);
/* 1 / (1 + a) for a in [0, 1), Q0 in and out. */
int32_t tfq_one_over_one_plus_x(int32_t a);
/* (1 - a) / (1 + a) for a in [0, 1), Q0 in and out. */
int32_t tfq_one_minus_x_over_one_plus_x(int32_t a);
/* logistic(a) and tanh(a); a is Q(int_bits), the result Q0. */
int32_t tfq_logistic(int32_t a, int int_bits);
int32_t tfq_tanh(int32_t a, int int_bits);
/* 1 / x for a positive Q(x_int_bits) x: returns the Q0 reciprocal of x
 * scaled into [0.5, 1) and the power of two to undo (GetReciprocal). */
int32_t tfq_reciprocal(int32_t x, int x_int_bits, int *num_bits_over_unit);

/* ---- parameters as TFLite's Prepare computes them ---- */

/* floor((2^int_bits - 1) * 2^(total_bits - int_bits) / 2^left_shift). */
int tfq_input_radius(int int_bits, int left_shift, int total_bits);
/* Softmax's beta * input_scale scaled to Q(31 - int_bits), capped at
 * 2^31 - 1 (PreprocessSoftmaxScaling). */
void tfq_softmax_scaling(double beta, double input_scale, int int_bits, int32_t *q,
                         int *left_shift);
/* round(log2(x)) and whether x is that power of two within 1e-3 (CheckedLog2). */
bool tfq_checked_log2(float x, int *log2_result);
/* Clamp bounds of a quantized output for a fused activation
 * (CalculateActivationRangeQuantized): act is an enum ir_activation; RELU,
 * RELU6 and RELU_N1_TO_1 narrow [qmin, qmax], others leave it. */
void tfq_activation_range(int act, float scale, int32_t zero_point, int32_t qmin, int32_t qmax,
                          int32_t *lo, int32_t *hi);

/* ---- lookup tables ---- */

/* TFLite's 513-entry int16 table of f over the int16 input range, with the
 * midpoint bias correction of LUTPopulate<int16_t> (float arithmetic). */
typedef float (*tfq_float_fn)(float);
void tfq_lut_populate_int16(float input_scale, int32_t input_zp, float output_scale,
                            int32_t output_zp, tfq_float_fn f, int16_t lut[513]);
/* Table lookup with 7-bit linear interpolation (LUTLookup for int16). */
int16_t tfq_lut_lookup_int16(int16_t value, const int16_t lut[513]);

/* int16 logistic and tanh of TFLite's reference kernels: the input is
 * rescaled by (input * multiplier + round) >> left_shift (multiplier 0 means
 * 3 << left_shift with no shift), then looked up in the 256-entry sigmoid
 * table with 9-bit (logistic) / 8-bit (tanh) interpolation; Q0.15 out. */
int16_t tfq_logistic16(int16_t x, int32_t multiplier, int32_t left_shift);
int16_t tfq_tanh16(int16_t x, int32_t multiplier, int32_t left_shift);

/* round half away from zero (TfLiteRound) */
float tfq_roundf(float x);
double tfq_round(double x);

/* count leading zeros of a uint32 (32 for 0) */
int tfq_clz32(uint32_t x);

#endif
