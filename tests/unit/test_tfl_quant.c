/* TFLite's fixed-point arithmetic (src/ops/tfl_quant.c) on known values.
 *
 * Where each expected value comes from is said per test:
 *  - TFLite's own unit tests (tensorflow/lite/micro/kernels/
 *    quantization_util_test.cc at tflite-micro 90b983c2b3): QuantizeMultiplier
 *    of ±2^k, 123.45, PreprocessSoftmaxScaling, CalculateInputRadius;
 *  - gemmlowp's documented contracts (fixedpoint.h comments and the accuracy
 *    bounds its test/test_fixedpoint.cc asserts against double-precision
 *    references: exp_on_negative_values 500, one_over_one_plus_x 6,
 *    one_minus_x_over_one_plus_x 12, logistic 155, tanh 310 raw units; a
 *    sweep denser than gemmlowp's own finds 13 for one_minus_x..., which
 *    gemmlowp's header computes too: ours is bit-identical to it);
 *  - ARM's definition of VQRDMULH (SaturatingRoundingDoublingHighMul) and
 *    round-half-away-from-zero shifts, worked by hand;
 *  - TFLite's sigmoid table for the int16 activations, whose header entries
 *    and end points are stated in common.h ("sigmoid(i/24) at 0.16"). */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "ops/tfl_quant.h"
#include "t.h"

TEST(tfl_quantize_multiplier_powers_of_two)
{
    /* quantization_util_test.cc, QuantizeMultiplierArray */
    static const double w[] = {-4, -2, -1, -0.5, -0.25, -0.125, 0, 0.125, 0.25, 0.5, 1, 2, 4};
    static const int32_t q_want[] = {
        -1073741824, -1073741824, -1073741824, -1073741824, -1073741824, -1073741824, 0,
        1073741824,  1073741824,  1073741824,  1073741824,  1073741824,  1073741824};
    static const int s_want[] = {3, 2, 1, 0, -1, -2, 0, -2, -1, 0, 1, 2, 3};
    for (int i = 0; i < 13; i++) {
        int32_t q;
        int s;
        tfq_quantize_multiplier(w[i], &q, &s);
        T_CHECK(q == q_want[i] && s == s_want[i],
                "QuantizeMultiplier(%g) = (%d, %d), want (%d, %d)", w[i], q, s, q_want[i],
                s_want[i]);
    }
}

TEST(tfl_quantize_multiplier_values)
{
    int32_t q;
    int s;
    /* quantization_util_test.cc, IntegerFrExp(123.45) = 2071147315 ± 1, shift 7 */
    tfq_quantize_multiplier(123.45, &q, &s);
    T_CHECK(s == 7 && q >= 2071147314 && q <= 2071147316, "123.45 -> (%d, %d)", q, s);
    /* a fraction that rounds up to 1.0 renormalizes: 1 - 2^-40 -> 2^30 * 2^1 */
    tfq_quantize_multiplier(1.0 - ldexp(1.0, -40), &q, &s);
    T_CHECK(q == 1073741824 && s == 1, "1 - 2^-40 -> (%d, %d)", q, s);
    /* below 2^-32 every bit would shift out: flushed to (0, 0) */
    tfq_quantize_multiplier(ldexp(1.0, -40), &q, &s);
    T_CHECK(q == 0 && s == 0, "2^-40 -> (%d, %d)", q, s);
}

TEST(tfl_srdhm_vqrdmulh)
{
    /* VQRDMULH: round(a * b / 2^31), saturating (-1) * (-1) */
    T_CHECK(tfq_srdhm(INT32_MIN, INT32_MIN) == INT32_MAX, "min*min saturates");
    T_CHECK(tfq_srdhm(1 << 30, 1 << 30) == 1 << 29, "0.5 * 0.5 = 0.25");
    T_CHECK(tfq_srdhm(INT32_MAX, INT32_MAX) == INT32_MAX - 1, "max*max = 2^31 - 2 (rounded)");
    /* VQRDMULH adds 2^30 before the high half: ties round up (toward +inf),
     * so 1.5 -> 2 but -1.5 -> -1 and -0.5 -> 0 */
    T_CHECK(tfq_srdhm(3, 1 << 30) == 2, "1.5 -> 2");
    T_CHECK(tfq_srdhm(-3, 1 << 30) == -1, "-1.5 -> -1, got %d", tfq_srdhm(-3, 1 << 30));
    T_CHECK(tfq_srdhm(1, 1 << 30) == 1, "0.5 -> 1");
    T_CHECK(tfq_srdhm(-1, 1 << 30) == 0, "-0.5 -> 0");
}

TEST(tfl_rounding_divide_by_pot)
{
    /* rounding to nearest, ties away from zero (gemmlowp RoundingDivideByPOT) */
    static const struct {
        int32_t x;
        int e;
        int32_t want;
    } cases[] = {{5, 1, 3},   {-5, 1, -3}, {4, 1, 2},          {-4, 1, -2},        {6, 2, 2},
                 {-6, 2, -2}, {7, 2, 2},   {-7, 2, -2},        {1, 1, 1},          {-1, 1, -1},
                 {0, 5, 0},   {17, 0, 17}, {INT32_MAX, 31, 1}, {INT32_MIN, 31, -1}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int32_t got = tfq_rdbpot(cases[i].x, cases[i].e);
        T_CHECK(got == cases[i].want, "RoundingDivideByPOT(%d, %d) = %d, want %d", cases[i].x,
                cases[i].e, got, cases[i].want);
    }
    /* saturating left shifts */
    T_CHECK(tfq_srmbpot(1 << 29, 2) == INT32_MAX, "2^29 << 2 saturates");
    T_CHECK(tfq_srmbpot(-(1 << 29), 2) == INT32_MIN, "-2^29 << 2 saturates");
    T_CHECK(tfq_srmbpot(3, 4) == 48, "3 << 4");
}

TEST(tfl_multiply_by_quantized_multiplier)
{
    /* x * 0.5: q = 2^30, shift 0 -> round(x / 2) */
    T_CHECK(tfq_mbqm(100, 1 << 30, 0) == 50, "100 * 0.5");
    T_CHECK(tfq_mbqm(101, 1 << 30, 0) == 51, "101 * 0.5 = 50.5 -> 51");
    T_CHECK(tfq_mbqm(-101, 1 << 30, 0) == -50, "-101 * 0.5 = -50.5 -> -50 (ties up)");
    /* x * 0.5 * 2^-3 = x / 16 */
    T_CHECK(tfq_mbqm(1000, 1 << 30, -3) == 63, "1000 / 16 = 62.5 -> 63");
    /* x * 0.5 * 2^2 = 2x */
    T_CHECK(tfq_mbqm(-77, 1 << 30, 2) == -154, "-77 * 2");
    /* double rounding: 5 * 0.5 = 2.5 -> 3, then 3 / 2 = 1.5 -> 2, where a
     * single rounding of 5 / 4 would give 1 */
    T_CHECK(tfq_mbqm(5, 1 << 30, -1) == 2, "double rounding gives %d", tfq_mbqm(5, 1 << 30, -1));
    /* the int64 variant: q reduced to 16 bits; x * 0.5 exactly */
    T_CHECK(tfq_mbqm64(1000, 1 << 30, 0) == 500, "int64 1000 * 0.5");
    T_CHECK(tfq_mbqm64(-1001, 1 << 30, 0) == -500,
            "int64 -1001 * 0.5 = -500.5 -> -500 (adds 2^-1 then floors), got %d",
            tfq_mbqm64(-1001, 1 << 30, 0));
    T_CHECK(tfq_mbqm64((int64_t)1 << 40, 1 << 30, -20) == 1 << 19, "int64 2^40 * 2^-21");
}

TEST(tfl_softmax_scaling_and_radius)
{
    /* quantization_util_test.cc, PreprocessSoftmaxScaling */
    static const struct {
        double beta, scale;
        int bits;
        int32_t q;
        int s;
    } cases[] = {{1.0, 16.0, 4, 2147483647, 31},
                 {1.0, 8.0, 4, 1073741824, 31},
                 {2.0, 16.0, 5, 2147483647, 31},
                 {2.0, 8.0, 5, 1073741824, 31}};
    for (int i = 0; i < 4; i++) {
        int32_t q;
        int s;
        tfq_softmax_scaling(cases[i].beta, cases[i].scale, cases[i].bits, &q, &s);
        T_CHECK(q == cases[i].q && s == cases[i].s, "scaling(%g, %g, %d) = (%d, %d)", cases[i].beta,
                cases[i].scale, cases[i].bits, q, s);
    }
    /* quantization_util_test.cc, CalculateInputRadius (total bits 31) */
    T_CHECK(tfq_input_radius(4, 27, 31) == 15, "radius(4, 27)");
    T_CHECK(tfq_input_radius(3, 27, 31) == 14, "radius(3, 27)");
    T_CHECK(tfq_input_radius(3, 28, 31) == 7, "radius(3, 28)");
    T_CHECK(tfq_input_radius(4, 2, 31) == 503316480, "radius(4, 2)");
}

/* round(v * 2^31) clamped to int32, gemmlowp's FromDouble for Q0 */
static int64_t q0(double v)
{
    double r = round(v * 2147483648.0);
    if (r > 2147483647.0) r = 2147483647.0;
    if (r < -2147483648.0) r = -2147483648.0;
    return (int64_t)r;
}

TEST(tfl_fixedpoint_functions_accuracy)
{
    /* gemmlowp test_fixedpoint.cc bounds, over a dense sweep of inputs */
    int64_t worst_exp = 0, worst_1p = 0, worst_1m = 0, worst_log = 0, worst_tanh = 0;
    for (int64_t i = 0; i <= 4096; i++) {
        /* exp_on_negative_values, Q5 inputs in [-32, 0] */
        int32_t a5 = (int32_t)(-(i * (((int64_t)1 << 31) / 4096)));
        if (a5 == INT32_MIN + 0) a5 = INT32_MIN + 1;
        double x5 = a5 / (double)(1 << 26);
        int64_t d = llabs((int64_t)tfq_exp_on_negative_values(a5, 5) - q0(exp(x5)));
        if (d > worst_exp) worst_exp = d;
        /* 1/(1+x) and (1-x)/(1+x), x in [0, 1) */
        int32_t a0 = (int32_t)(i * ((((int64_t)1 << 31) - 1) / 4096));
        double x0 = a0 / 2147483648.0;
        d = llabs((int64_t)tfq_one_over_one_plus_x(a0) - q0(1 / (1 + x0)));
        if (d > worst_1p) worst_1p = d;
        d = llabs((int64_t)tfq_one_minus_x_over_one_plus_x(a0) - q0((1 - x0) / (1 + x0)));
        if (d > worst_1m) worst_1m = d;
        /* logistic and tanh, Q4 inputs over [-16, 16) */
        int32_t a4 = (int32_t)((i - 2048) * (((int64_t)1 << 31) / 2048));
        if (i == 0) a4 = INT32_MIN;
        double x4 = a4 / (double)(1 << 27);
        d = llabs((int64_t)tfq_logistic(a4, 4) - q0(1 / (1 + exp(-x4))));
        if (d > worst_log) worst_log = d;
        d = llabs((int64_t)tfq_tanh(a4, 4) - q0(tanh(x4)));
        if (d > worst_tanh) worst_tanh = d;
    }
    T_CHECK(worst_exp <= 500, "exp_on_negative_values off by %lld", (long long)worst_exp);
    T_CHECK(worst_1p <= 6, "one_over_one_plus_x off by %lld", (long long)worst_1p);
    T_CHECK(worst_1m <= 13, "one_minus_x_over_one_plus_x off by %lld", (long long)worst_1m);
    T_CHECK(worst_log <= 155, "logistic off by %lld", (long long)worst_log);
    T_CHECK(worst_tanh <= 310, "tanh off by %lld", (long long)worst_tanh);
    /* exact special values (fixedpoint.h): exp(0) = One, logistic(0) = 1/2, tanh(0) = 0 */
    T_CHECK(tfq_exp_on_negative_values(0, 5) == INT32_MAX, "exp(0)");
    T_CHECK(tfq_logistic(0, 4) == 1 << 30, "logistic(0)");
    T_CHECK(tfq_tanh(0, 4) == 0, "tanh(0)");
    /* exp below -32 with more than 5 integer bits is clamped to 0 */
    T_CHECK(tfq_exp_on_negative_values(-(33 << 25), 6) == 0, "exp(-33) = 0 in Q6");
}

TEST(tfl_reciprocal)
{
    /* GetReciprocal returns 1 / x as a Q0 value r and a power of two: the
     * reciprocal is r * 2^-31 * 2^-num_bits_over_unit */
    int nbou;
    int32_t x = 2 << 19; /* 2.0 in Q12 (19 fractional bits) */
    int32_t r = tfq_reciprocal(x, 12, &nbou);
    double recip = r / 2147483648.0 / ldexp(1.0, nbou);
    T_CHECK(fabs(recip - 0.5) < 1e-8, "1/2 = %.10g (r %d, nbou %d)", recip, r, nbou);
    x = 3 << 19;
    r = tfq_reciprocal(x, 12, &nbou);
    recip = r / 2147483648.0 / ldexp(1.0, nbou);
    T_CHECK(fabs(recip - 1.0 / 3) < 1e-8, "1/3 = %.10g", recip);
}

TEST(tfl_activation_range)
{
    /* CalculateActivationRangeQuantized: int8, scale 0.1, zp -10 */
    int32_t lo, hi;
    tfq_activation_range(1, 0.1f, -10, -128, 127, &lo, &hi); /* RELU */
    T_CHECK(lo == -10 && hi == 127, "relu [%d, %d]", lo, hi);
    tfq_activation_range(3, 0.1f, -10, -128, 127, &lo, &hi); /* RELU6: 6 / 0.1 = 60 */
    T_CHECK(lo == -10 && hi == 50, "relu6 [%d, %d]", lo, hi);
    tfq_activation_range(2, 0.1f, -10, -128, 127, &lo, &hi); /* RELU_N1_TO_1 */
    T_CHECK(lo == -20 && hi == 0, "relu_n1_to_1 [%d, %d]", lo, hi);
    tfq_activation_range(0, 0.1f, -10, -128, 127, &lo, &hi);
    T_CHECK(lo == -128 && hi == 127, "none [%d, %d]", lo, hi);
}

TEST(tfl_checked_log2)
{
    int l;
    T_CHECK(tfq_checked_log2(1.0f / 4096, &l) && l == -12, "2^-12");
    T_CHECK(tfq_checked_log2(0.000030517578125f, &l) && l == -15, "2^-15");
    T_CHECK(!tfq_checked_log2(0.1f, &l), "0.1 is no power of two");
}

TEST(tfl_int16_sigmoid_table_functions)
{
    /* the table holds sigmoid(i / 24) in 0.16 (common.h): with a Q3.12 input
     * (multiplier 0, left shift 0 -> x * 3) entry 0 is exactly 1/2 */
    T_CHECK(tfq_logistic16(0, 0, 0) == 16384, "logistic16(0) = %d", tfq_logistic16(0, 0, 0));
    T_CHECK(tfq_tanh16(0, 0, 0) == 0, "tanh16(0) = %d", tfq_tanh16(0, 0, 0));
    /* the ends of the Q3.12 range: sigmoid(+-8) * 32768 = 32757.0 and 11.0 */
    T_CHECK(tfq_logistic16(32767, 0, 0) == 32757, "logistic16(max) = %d",
            tfq_logistic16(32767, 0, 0));
    T_CHECK(tfq_logistic16(-32768, 0, 0) == 11, "logistic16(min) = %d",
            tfq_logistic16(-32768, 0, 0));
    T_CHECK(tfq_tanh16(32767, 0, 0) == 32767, "tanh16(max) = %d", tfq_tanh16(32767, 0, 0));
    T_CHECK(tfq_tanh16(-32768, 0, 0) == -32768 || tfq_tanh16(-32768, 0, 0) == -32767,
            "tanh16(min) = %d", tfq_tanh16(-32768, 0, 0));
    /* accuracy against the real functions on Q3.12 inputs: a few units of
     * 2^-15 (the table is 0.16 fixed point interpolated linearly) */
    int worst_l = 0, worst_t = 0;
    for (int v = -32768; v <= 32767; v += 7) {
        double x = v / 4096.0;
        int dl = abs(tfq_logistic16((int16_t)v, 0, 0) - (int)lround(32768.0 / (1 + exp(-x))));
        int dt = abs(tfq_tanh16((int16_t)v, 0, 0) - (int)lround(32768.0 * tanh(x)));
        if (dl > worst_l && lround(32768.0 / (1 + exp(-x))) < 32768) worst_l = dl;
        if (dt > worst_t && fabs(32768.0 * tanh(x)) < 32767.5) worst_t = dt;
    }
    T_CHECK(worst_l <= 3, "logistic16 off by %d", worst_l);
    T_CHECK(worst_t <= 6, "tanh16 off by %d", worst_t);
}

static float expf_fn(float x)
{
    return expf(x);
}

TEST(tfl_int16_lut)
{
    /* Softmax's exp table (softmax_common.cc parameters): inputs over [-10, 0],
     * outputs 2 / 65535 per step. Linear interpolation over 512 steps of
     * 10/512 has an error budget of f'' h^2 / 8 ~ 1.6 units where exp is
     * largest, plus the table's midpoint bias and rounding: a few units */
    int16_t lut[513];
    const float range = 65535.0f;
    tfq_lut_populate_int16(10.0f / range, 32767, 2.0f / range, 0, expf_fn, lut);
    int worst = 0;
    for (int v = -32768; v <= 32767; v += 13) {
        double x = (v - 32767) * (10.0 / 65535.0);
        int want = (int)lround(exp(x) * 65535.0 / 2.0);
        if (want > 32767) want = 32767;
        int got = tfq_lut_lookup_int16((int16_t)v, lut);
        int d = abs(got - want);
        if (d > worst) worst = d;
    }
    T_CHECK(worst <= 8, "exp LUT off by %d", worst);
}
