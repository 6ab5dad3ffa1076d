/* TFLite's integer arithmetic (see tfl_quant.h). Each function names the
 * TFLite/gemmlowp routine whose results it reproduces. */
#include "ops/tfl_quant.h"

#include <math.h>

#include "ir/ir.h"
#include <stdlib.h>

float tfq_roundf(float x)
{
    return roundf(x);
}
double tfq_round(double x)
{
    return round(x);
}

int tfq_clz32(uint32_t x)
{
    return x ? __builtin_clz(x) : 32;
}

void tfq_quantize_multiplier(double m, int32_t *q, int *shift)
{
    if (m == 0.) {
        *q = 0;
        *shift = 0;
        return;
    }
    int e;
    double f = frexp(m, &e);
    int64_t qf = (int64_t)round(f * 2147483648.0);
    if (qf == ((int64_t)1 << 31)) { /* f rounded up to 1.0: renormalize */
        qf /= 2;
        e++;
    }
    if (e < -31) { /* every bit would be shifted out: flush to zero */
        e = 0;
        qf = 0;
    }
    *q = (int32_t)qf;
    *shift = e;
}

/* ---- gemmlowp primitives ---- */

int32_t tfq_wadd(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a + (uint32_t)b);
}
int32_t tfq_wsub(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a - (uint32_t)b);
}
int32_t tfq_wshl(int32_t x, int s)
{
    return (int32_t)((uint32_t)x << s);
}
static int32_t wneg(int32_t a)
{
    return (int32_t)(0u - (uint32_t)a);
}

int32_t tfq_srdhm(int32_t a, int32_t b)
{
    if (a == b && a == INT32_MIN) return INT32_MAX;
    int64_t ab = (int64_t)a * b;
    int32_t nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
    return (int32_t)((ab + nudge) / ((int64_t)1 << 31)); /* division truncates, as in C++ */
}

int32_t tfq_rdbpot(int32_t x, int exponent)
{
    if (exponent <= 0) return x;
    if (exponent > 31) exponent = 31; /* never reached with TFLite's own parameters */
    int32_t mask = (int32_t)(((int64_t)1 << exponent) - 1);
    int32_t remainder = x & mask;
    int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

int32_t tfq_srmbpot(int32_t x, int exponent)
{
    if (exponent == 0) return x;
    if (exponent < 0) return tfq_rdbpot(x, -exponent);
    int32_t threshold = (int32_t)(((int64_t)1 << (31 - exponent)) - 1);
    if (x > threshold) return INT32_MAX;
    if (x < -threshold) return INT32_MIN;
    return tfq_wshl(x, exponent);
}

int32_t tfq_rounding_half_sum(int32_t a, int32_t b)
{
    int64_t sum = (int64_t)a + b;
    int64_t sign = sum >= 0 ? 1 : -1;
    return (int32_t)((sum + sign) / 2);
}

/* ---- MultiplyByQuantizedMultiplier ---- */

int32_t tfq_mbqm(int32_t x, int32_t q, int shift)
{
    int left = shift > 0 ? shift : 0;
    int right = shift > 0 ? 0 : -shift;
    return tfq_rdbpot(tfq_srdhm(tfq_wshl(x, left), q), right);
}

int32_t tfq_mbqm64(int64_t x, int32_t q, int shift)
{
    int32_t reduced = q < 0x7FFF0000 ? ((q + (1 << 15)) >> 16) : 0x7FFF;
    int total_shift = 15 - shift;
    /* TFLite assumes |x| < 2^47 and does not check; wrap as its int64
     * arithmetic does in practice when a model breaks the assumption */
    uint64_t p = (uint64_t)x * (uint64_t)(int64_t)reduced;
    if (total_shift > 0) p += (uint64_t)1 << (total_shift - 1);
    int64_t r = (int64_t)p;
    if (total_shift > 0) r >>= total_shift;
    return (int32_t)r; /* truncating conversion, as TFLite's implicit cast */
}

int32_t tfq_mbqm_lt1(int32_t x, int32_t q, int shift)
{
    return tfq_rdbpot(tfq_srdhm(x, q), -shift);
}

int32_t tfq_mbqm_gt1(int32_t x, int32_t q, int left_shift)
{
    return tfq_srdhm(tfq_wshl(x, left_shift), q);
}

/* ---- fixed-point functions ---- */

/* exp(a) for a in [-1/4, 0), Q0 (a Taylor expansion around -1/8). */
static int32_t exp_quarter(int32_t a)
{
    const int32_t exp_minus_eighth = 1895147668; /* exp(-1/8) in Q0.31 */
    const int32_t one_third = 715827883;         /* 1/3 in Q0.31 */
    int32_t x = tfq_wadd(a, 1 << 28);            /* x = a + 1/8 */
    int32_t x2 = tfq_srdhm(x, x);
    int32_t x3 = tfq_srdhm(x2, x);
    int32_t x4 = tfq_srdhm(x2, x2);
    int32_t x4_over_4 = tfq_rdbpot(x4, 2);
    int32_t poly = tfq_rdbpot(tfq_wadd(tfq_srdhm(tfq_wadd(x4_over_4, x3), one_third), x2), 1);
    return tfq_wadd(exp_minus_eighth, tfq_srdhm(exp_minus_eighth, tfq_wadd(x, poly)));
}

int32_t tfq_exp_on_negative_values(int32_t a, int int_bits)
{
    const int frac = 31 - int_bits;
    const int32_t quarter = (int32_t)1 << (frac - 2);
    int32_t a_mod_minus_quarter = tfq_wsub(a & (quarter - 1), quarter);
    int32_t result = exp_quarter(tfq_srmbpot(a_mod_minus_quarter, int_bits));
    int32_t remainder = tfq_wsub(a_mod_minus_quarter, a);
    /* multiply in exp(-2^k) for each bit k of the remainder (Q0 constants) */
    static const struct {
        int exponent;
        int32_t multiplier;
    } barrel[] = {{-2, 1672461947}, {-1, 1302514674}, {0, 790015084}, {1, 290630308},
                  {2, 39332535},    {3, 720401},      {4, 242}};
    for (size_t i = 0; i < sizeof barrel / sizeof barrel[0]; i++) {
        if (int_bits <= barrel[i].exponent) continue;
        int bit = frac + barrel[i].exponent;
        if (remainder & ((int32_t)1 << bit)) result = tfq_srdhm(result, barrel[i].multiplier);
    }
    if (int_bits > 5) { /* below -32 the result is 0 */
        int32_t clamp = -((int32_t)1 << (36 - int_bits));
        if (a < clamp) result = 0;
    }
    if (a == 0) result = INT32_MAX;
    return result;
}

/* Newton-Raphson for 1 / (2 * half_denominator), Q2 (constants 48/17, -32/17). */
static int32_t newton_reciprocal(int32_t half_denominator)
{
    int32_t x = tfq_wadd(1515870810, tfq_srdhm(half_denominator, -1010580540));
    for (int i = 0; i < 3; i++) {
        int32_t hdx = tfq_srdhm(half_denominator, x);
        int32_t one_minus = tfq_wsub(1 << 29, hdx);
        x = tfq_wadd(x, tfq_srmbpot(tfq_srdhm(x, one_minus), 2));
    }
    return x;
}

int32_t tfq_one_over_one_plus_x(int32_t a)
{
    int32_t x = newton_reciprocal(tfq_rounding_half_sum(a, INT32_MAX));
    return tfq_srmbpot(x, 1); /* Q2 -> Q1 exactly, then Q1 -> Q0 */
}

int32_t tfq_one_minus_x_over_one_plus_x(int32_t a)
{
    int32_t x = newton_reciprocal(tfq_rounding_half_sum(a, INT32_MAX));
    return tfq_srmbpot(tfq_wsub(x, 1 << 29), 2);
}

int32_t tfq_logistic(int32_t a, int int_bits)
{
    if (a == 0) return 1 << 30;
    int32_t abs_a = a > 0 ? a : wneg(a);
    int32_t pos = tfq_one_over_one_plus_x(tfq_exp_on_negative_values(wneg(abs_a), int_bits));
    return a > 0 ? pos : tfq_wsub(INT32_MAX, pos);
}

int32_t tfq_tanh(int32_t a, int int_bits)
{
    if (a == 0) return 0;
    int32_t n = a < 0 ? a : wneg(a);
    /* exp(2n): the same raw value read with one more integer bit */
    int32_t t = tfq_one_minus_x_over_one_plus_x(tfq_exp_on_negative_values(n, int_bits + 1));
    return a < 0 ? wneg(t) : t;
}

int32_t tfq_reciprocal(int32_t x, int x_int_bits, int *num_bits_over_unit)
{
    int headroom_plus_one = tfq_clz32((uint32_t)x);
    *num_bits_over_unit = x_int_bits - headroom_plus_one;
    uint32_t shifted = headroom_plus_one < 32 ? (uint32_t)x << headroom_plus_one : 0;
    return tfq_one_over_one_plus_x((int32_t)(shifted - (1u << 31)));
}

/* ---- parameters ---- */

int tfq_input_radius(int int_bits, int left_shift, int total_bits)
{
    double max_rescaled = 1.0 * ((1 << int_bits) - 1) *
                          (double)((int64_t)1 << (total_bits - int_bits)) /
                          (double)((int64_t)1 << left_shift);
    return (int)floor(max_rescaled);
}

void tfq_softmax_scaling(double beta, double input_scale, int int_bits, int32_t *q, int *left_shift)
{
    const double max_real = (double)(((int64_t)1 << 31) - 1);
    double m = beta * input_scale * (double)(1 << (31 - int_bits));
    if (m > max_real) m = max_real;
    tfq_quantize_multiplier(m, q, left_shift);
}

bool tfq_checked_log2(float x, int *log2_result)
{
    const float x_log2 = logf(x) * (1.0f / logf(2.0f));
    const float rounded = roundf(x_log2);
    *log2_result = (int)rounded;
    return fabsf(x_log2 - rounded) < 1e-3f;
}

/* TFLite's Quantize helper of CalculateActivationRangeQuantized: float
 * division, round half away from zero. */
static int32_t quantize_bound(float f, float scale, int32_t zero_point)
{
    float t = roundf(f / scale);
    if (!(t >= -2147483648.0f && t < 2147483648.0f)) return t > 0 ? INT32_MAX : INT32_MIN;
    return zero_point + (int32_t)t;
}

void tfq_activation_range(int act, float scale, int32_t zero_point, int32_t qmin, int32_t qmax,
                          int32_t *lo, int32_t *hi)
{
    *lo = qmin;
    *hi = qmax;
    int32_t v;
    switch (act) {
    case IR_ACT_RELU:
        v = quantize_bound(0.0f, scale, zero_point);
        if (v > *lo) *lo = v;
        break;
    case IR_ACT_RELU6:
        v = quantize_bound(0.0f, scale, zero_point);
        if (v > *lo) *lo = v;
        v = quantize_bound(6.0f, scale, zero_point);
        if (v < *hi) *hi = v;
        break;
    case IR_ACT_RELU_N1_TO_1:
        v = quantize_bound(-1.0f, scale, zero_point);
        if (v > *lo) *lo = v;
        v = quantize_bound(1.0f, scale, zero_point);
        if (v < *hi) *hi = v;
        break;
    default:
        break; /* TANH, SIGN_BIT: TFLite clamps to the type's range only */
    }
}

/* ---- lookup tables ---- */

void tfq_lut_populate_int16(float input_scale, int32_t input_zp, float output_scale,
                            int32_t output_zp, tfq_float_fn f, int16_t lut[513])
{
    /* every step in float, in TFLite's order of operations */
    const float input_min = input_scale * (float)(INT16_MIN - input_zp);
    const float input_max = input_scale * (float)(INT16_MAX - input_zp);
    const float output_min = output_scale * (float)(INT16_MIN - output_zp);
    const float output_max = output_scale * (float)(INT16_MAX - output_zp);
    const int nb_steps = 512;
    const float step = (input_max - input_min) / (float)nb_steps;
    const float half_step = step / 2;
    const float scaling_inv = 65536.0f / (output_max - output_min);
    for (int i = 0; i < nb_steps; i++) {
        const float val = f(input_min + (float)i * step);
        const float val_mid = f(input_min + (float)i * step + half_step);
        const float val_next = f(input_min + (float)(i + 1) * step);
        const float sample = roundf(val * scaling_inv);
        const float mid_interp = roundf((val_next * scaling_inv + roundf(val * scaling_inv)) / 2);
        const float mid = roundf(val_mid * scaling_inv);
        const float bias = roundf((mid_interp - mid) / 2);
        float v = sample - bias;
        v = v < -32768.0f ? -32768.0f : (v > 32767.0f ? 32767.0f : v);
        lut[i] = (int16_t)v;
    }
    float last = roundf(f(input_max) * scaling_inv);
    last = last < -32768.0f ? -32768.0f : (last > 32767.0f ? 32767.0f : last);
    lut[nb_steps] = (int16_t)last;
}

int16_t tfq_lut_lookup_int16(int16_t value, const int16_t lut[513])
{
    const int index = 256 + (value >> 7); /* the high 9 bits */
    const int offset = value & 0x7f;      /* the low 7 bits interpolate */
    const int base = lut[index];
    const int slope = lut[index + 1] - lut[index];
    const int delta = (slope * offset + 64) >> 7;
    return (int16_t)(base + delta);
}

/* sigmoid(x) in 0.16 fixed point at 256 points of |x| (TFLite's
 * sigmoid_table_uint16, tensorflow/lite/kernels/internal/common.h,
 * Apache-2.0): these exact values are data, not derivable from a formula
 * (they differ from round(65536 / (1 + exp(-i / 24))) in 44 places), and
 * the int16 LSTM/LOGISTIC/TANH results depend on every one of them. */
static const uint16_t sigmoid_table[256] = {
    32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149, 40794,
    41432, 42064, 42688, 43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369, 47911, 48443,
    48964, 49475, 49975, 50464, 50942, 51409, 51865, 52311, 52745, 53169, 53581, 53983, 54374,
    54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433, 57724, 58007, 58280, 58544,
    58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370, 60565, 60753, 60935, 61110, 61279,
    61441, 61599, 61750, 61896, 62036, 62172, 62302, 62428, 62549, 62666, 62778, 62886, 62990,
    63090, 63186, 63279, 63368, 63454, 63536, 63615, 63691, 63765, 63835, 63903, 63968, 64030,
    64090, 64148, 64204, 64257, 64308, 64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652,
    64687, 64721, 64754, 64786, 64816, 64845, 64873, 64900, 64926, 64950, 64974, 64997, 65019,
    65039, 65060, 65079, 65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208, 65221, 65234,
    65246, 65258, 65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360,
    65367, 65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425, 65429, 65433,
    65438, 65442, 65445, 65449, 65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474, 65476,
    65479, 65481, 65483, 65485, 65488, 65489, 65491, 65493, 65495, 65497, 65498, 65500, 65501,
    65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513, 65514, 65515, 65516,
    65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522, 65523, 65523, 65524, 65524,
    65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528, 65528, 65528, 65529, 65529, 65529,
    65529, 65530, 65530, 65530, 65530, 65531, 65531, 65531, 65531, 65531, 65532, 65532, 65532,
    65532, 65532, 65532, 65533, 65533, 65533, 65533, 65533, 65533, 65533, 65533, 65534, 65534,
    65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65535,
};

int16_t tfq_logistic16(int16_t x, int32_t multiplier, int32_t left_shift)
{
    if (multiplier == 0) { /* power-of-two input scale */
        multiplier = 3 << left_shift;
        left_shift = 0;
    }
    int32_t round_ = left_shift > 0 ? 1 << (left_shift - 1) : 0;
    int32_t in = (int32_t)(((int64_t)x * multiplier + round_) >> left_shift);
    uint32_t abs_in = (uint32_t)abs(in);
    uint32_t uh = abs_in >> 9;
    uint32_t result;
    if (uh >= 255) {
        result = 0x7FFFu << 10;
    } else {
        uint32_t ua = sigmoid_table[uh], ub = sigmoid_table[uh + 1];
        uint32_t ut = abs_in & 0x1ff;
        result = (ua << 9) +
                 ut * (ub - ua); /* unsigned wrap when ub < ua cannot happen: the table rises */
    }
    result = in >= 0 ? result + (1u << 9) : (1u << 25) - result + (1u << 9) - 1;
    result >>= 10;
    return (int16_t)result;
}

int16_t tfq_tanh16(int16_t x, int32_t multiplier, int32_t left_shift)
{
    if (multiplier == 0) {
        multiplier = 3 << left_shift;
        left_shift = 0;
    }
    int32_t round_ = left_shift > 0 ? 1 << (left_shift - 1) : 0;
    int32_t in = (int32_t)(((int64_t)x * multiplier + round_) >> left_shift);
    uint32_t abs_in = (uint32_t)abs(in);
    uint32_t uh = abs_in >> 8;
    int32_t result;
    if (uh >= 255) {
        result = (int32_t)(0xFFFFu << 8);
    } else {
        uint32_t ua = sigmoid_table[uh], ub = sigmoid_table[uh + 1];
        uint32_t ut = abs_in & 0xFF;
        result = (int32_t)((ua << 8) + ut * (ub - ua));
    }
    result = in >= 0 ? result - (1 << 23) + (1 << 7) : -result + (1 << 23) + (1 << 7) - 1;
    result >>= 8;
    return (int16_t)result;
}
