/* Elementwise unary ops: math functions, activations, predicates (IsNaN,
 * IsInf), Not/BitwiseNot, and Clip.
 *
 * One table row per op says how to compute it per kind of element: a
 * float32 loop (also used for float16/bfloat16, converted in blocks, since
 * ONNX computes those in float and rounds back), a float64 loop, and
 * functions for signed and unsigned integers where the op takes integers.
 * The float loops are written once per op as an expression in x and the op's
 * attributes pa/pb; <tgmath.h> makes exp(x) expf for float and exp for
 * double, so the float32 loop stays in float and simple ones vectorize. */
#include <float.h>
#include <string.h>
#include <tgmath.h>

#include "ops/elementwise_impl.h"

typedef void (*un_f32_fn)(const float *restrict xs, float *restrict ys, int64_t n,
                          const struct ew_unary_params *p);
typedef void (*un_f64_fn)(const double *restrict xs, double *restrict ys, int64_t n,
                          const struct ew_unary_params *p);
typedef int64_t (*un_sint_fn)(int64_t x, const struct ew_unary_params *p);
typedef uint64_t (*un_uint_fn)(uint64_t x, const struct ew_unary_params *p);
typedef bool (*un_pred_fn)(double x, const struct ew_unary_params *p);
/* Reads what an op has beyond its float attributes. */
typedef fy_status (*un_parse_fn)(const struct ir_node *n, struct ew_unary_params *p,
                                 struct fy_error *err);

struct ew_unary_op {
    enum ir_op op;
    const char *attr_a, *attr_b; /* float attributes read into a/b; NULL: a fixed constant */
    float dflt_a, dflt_b;
    un_f32_fn f32;
    un_f64_fn f64;
    un_sint_fn sint; /* signed integers */
    un_uint_fn uint; /* unsigned integers and bool */
    un_pred_fn pred; /* set for ops whose output is bool (IsNaN, IsInf) */
    un_parse_fn parse;
};

/* ---- float helpers that keep the element's precision ---- */

/* a macro rather than a function so that it inlines into the vectorized
 * loops (a function compiled without their options would not) */
#define CLAMP01(v) ((v) < 0 ? 0 : ((v) > 1 ? 1 : (v)))

/* Written in two branches so that neither exp overflows for large |x|. */
static inline float sigmoid_f(float v)
{
    if (v >= 0) return 1 / (1 + expf(-v));
    float e = expf(v);
    return e / (1 + e);
}
static inline double sigmoid_d(double v)
{
    if (v >= 0) return 1 / (1 + exp(-v));
    double e = exp(v);
    return e / (1 + e);
}
#define SIGMOID(v) _Generic((v), float : sigmoid_f, default : sigmoid_d)(v)

/* log(1 + e^x) without overflow: for x > 0 it is x + log(1 + e^-x). */
static inline float softplus_f(float v)
{
    return v > 0 ? v + log1pf(expf(-v)) : log1pf(expf(v));
}
static inline double softplus_d(double v)
{
    return v > 0 ? v + log1p(exp(-v)) : log1p(exp(v));
}
#define SOFTPLUS(v) _Generic((v), float : softplus_f, default : softplus_d)(v)

/* Defines name_f32 and name_f64 computing `expr` of x (and pa, pb). */
#define EW_UNARY_FLOAT(name, expr)                                                                 \
    EW_VECTORIZE static void name##_f32(const float *restrict xs, float *restrict ys, int64_t n,   \
                                        const struct ew_unary_params *p)                           \
    {                                                                                              \
        const float pa = p->a, pb = p->b;                                                          \
        (void)pa;                                                                                  \
        (void)pb;                                                                                  \
        for (int64_t i = 0; i < n; i++) {                                                          \
            const float x = xs[i];                                                                 \
            ys[i] = (float)(expr);                                                                 \
        }                                                                                          \
    }                                                                                              \
    EW_VECTORIZE static void name##_f64(const double *restrict xs, double *restrict ys, int64_t n, \
                                        const struct ew_unary_params *p)                           \
    {                                                                                              \
        const double pa = p->da, pb = p->db;                                                       \
        (void)pa;                                                                                  \
        (void)pb;                                                                                  \
        for (int64_t i = 0; i < n; i++) {                                                          \
            const double x = xs[i];                                                                \
            ys[i] = (double)(expr);                                                                \
        }                                                                                          \
    }

/* (clang-format would read `a * b` in a macro argument as a declaration) */
/* clang-format off */
EW_UNARY_FLOAT(abs, fabs(x))
EW_UNARY_FLOAT(neg, -x)
EW_UNARY_FLOAT(sqrt, sqrt(x))
EW_UNARY_FLOAT(exp, exp(x))
EW_UNARY_FLOAT(log, log(x))
EW_UNARY_FLOAT(reciprocal, 1 / x)
EW_UNARY_FLOAT(floor, floor(x))
EW_UNARY_FLOAT(ceil, ceil(x))
/* rint rounds in the current mode, which is round-half-to-even unless a
 * program changes it; ONNX Round asks for half to even. */
EW_UNARY_FLOAT(round, rint(x))
/* 0, -0 and NaN are their own sign */
EW_UNARY_FLOAT(sign, x > 0 ? 1 : (x < 0 ? -1 : x))
EW_UNARY_FLOAT(sin, sin(x))
EW_UNARY_FLOAT(cos, cos(x))
EW_UNARY_FLOAT(tan, tan(x))
EW_UNARY_FLOAT(asin, asin(x))
EW_UNARY_FLOAT(acos, acos(x))
EW_UNARY_FLOAT(atan, atan(x))
EW_UNARY_FLOAT(sinh, sinh(x))
EW_UNARY_FLOAT(cosh, cosh(x))
EW_UNARY_FLOAT(asinh, asinh(x))
EW_UNARY_FLOAT(acosh, acosh(x))
EW_UNARY_FLOAT(atanh, atanh(x))
EW_UNARY_FLOAT(erf, erf(x))
/* written so that NaN stays NaN, as numpy's maximum(x, 0) does */
EW_UNARY_FLOAT(relu, x < 0 ? 0 : x)
EW_UNARY_FLOAT(leaky_relu, x < 0 ? pa * x : x)
/* expm1 keeps alpha*(e^x - 1) accurate for x near 0 */
EW_UNARY_FLOAT(elu, x < 0 ? pa * expm1(x) : x)
/* a = alpha, b = gamma */
EW_UNARY_FLOAT(selu, x > 0 ? pb * x : pb * pa * expm1(x))
EW_UNARY_FLOAT(celu, (x > 0 ? x : 0) + (x < 0 ? pa * expm1(x / pa) : 0))
/* mode 1: the tanh approximation; constants sqrt(2/pi) and 1/sqrt(2) */
EW_UNARY_FLOAT(gelu, p->mode ? x * (1 + tanh(0.7978845608028654 * (x + 0.044715 * x * x * x))) / 2
                             : x * (1 + erf(x * 0.70710678118654752)) / 2)
EW_UNARY_FLOAT(hard_sigmoid, CLAMP01(pa * x + pb))
EW_UNARY_FLOAT(hard_swish, x * CLAMP01(pa * x + pb))
EW_UNARY_FLOAT(mish, x * tanh(SOFTPLUS(x)))
EW_UNARY_FLOAT(softplus, SOFTPLUS(x))
EW_UNARY_FLOAT(softsign, x / (1 + fabs(x)))
EW_UNARY_FLOAT(thresholded_relu, x > pa ? x : 0)
EW_UNARY_FLOAT(sigmoid, SIGMOID(x))
EW_UNARY_FLOAT(tanh, tanh(x))
/* a = bias, b = lambd */
EW_UNARY_FLOAT(shrink, x < -pb ? x + pa : (x > pb ? x - pa : 0))
EW_UNARY_FLOAT(swish, x * SIGMOID(pa * x))
/* a = min, b = max; max applied last so that min > max gives max (ONNX Clip) */
EW_UNARY_FLOAT(clip, (x < pa ? pa : x) > pb ? pb : (x < pa ? pa : x))
/* clang-format on */

/* ---- integers ----
 * Values arrive widened to 64 bits and are stored back truncated to the
 * element type, so wrapping ops work for every width. Signed overflow is
 * undefined in C, hence the detours through uint64_t. */

static int64_t abs_sint(int64_t x, const struct ew_unary_params *p)
{
    (void)p;
    return x < 0 ? (int64_t)(0 - (uint64_t)x) : x;
}
static uint64_t identity_uint(uint64_t x, const struct ew_unary_params *p)
{
    (void)p;
    return x;
}
static int64_t neg_sint(int64_t x, const struct ew_unary_params *p)
{
    (void)p;
    return (int64_t)(0 - (uint64_t)x);
}
static int64_t sign_sint(int64_t x, const struct ew_unary_params *p)
{
    (void)p;
    return (x > 0) - (x < 0);
}
static uint64_t sign_uint(uint64_t x, const struct ew_unary_params *p)
{
    (void)p;
    return x != 0;
}
static int64_t relu_sint(int64_t x, const struct ew_unary_params *p)
{
    (void)p;
    return x < 0 ? 0 : x;
}
/* erf is within [-1, 1], so its integer part is 0 or +-1 (for |x| >= 6) */
static int64_t erf_sint(int64_t x, const struct ew_unary_params *p)
{
    (void)p;
    return (int64_t)erf((double)x);
}
static uint64_t erf_uint(uint64_t x, const struct ew_unary_params *p)
{
    (void)p;
    return (uint64_t)erf((double)x);
}
static int64_t bitnot_sint(int64_t x, const struct ew_unary_params *p)
{
    (void)p;
    return ~x;
}
static uint64_t bitnot_uint(uint64_t x, const struct ew_unary_params *p)
{
    (void)p;
    return ~x;
}
static uint64_t not_bool(uint64_t x, const struct ew_unary_params *p)
{
    (void)p;
    return !x;
}

/* Shrink on integers compares with the float lambd and adds the float bias;
 * the result goes back to the integer type, clamped where C would leave the
 * conversion undefined. */
static double shrink_d(double x, const struct ew_unary_params *p)
{
    return x < -p->db ? x + p->da : (x > p->db ? x - p->da : 0);
}
static int64_t shrink_sint(int64_t x, const struct ew_unary_params *p)
{
    double v = shrink_d((double)x, p);
    if (!(v > -9.2233720368547758e18)) return INT64_MIN;
    if (v >= 9.2233720368547758e18) return INT64_MAX;
    return (int64_t)v;
}
static uint64_t shrink_uint(uint64_t x, const struct ew_unary_params *p)
{
    double v = shrink_d((double)x, p);
    if (v >= 1.8446744073709552e19) return UINT64_MAX;
    if (v >= 9.2233720368547758e18) return (uint64_t)v;
    /* below zero the result wraps, as storing a negative integer would */
    if (!(v > -9.2233720368547758e18)) return (uint64_t)INT64_MIN;
    return (uint64_t)(int64_t)v;
}

static int64_t clip_sint(int64_t x, const struct ew_unary_params *p)
{
    int64_t v = x < p->ia ? p->ia : x;
    return v > p->ib ? p->ib : v;
}
static uint64_t clip_uint(uint64_t x, const struct ew_unary_params *p)
{
    uint64_t v = x < p->ua ? p->ua : x;
    return v > p->ub ? p->ub : v;
}

static bool isnan_pred(double x, const struct ew_unary_params *p)
{
    (void)p;
    return isnan(x);
}
static bool isinf_pred(double x, const struct ew_unary_params *p)
{
    return isinf(x) && ((x < 0 && (p->mode & 1)) || (x > 0 && (p->mode & 2)));
}

static fy_status celu_parse(const struct ir_node *n, struct ew_unary_params *p,
                            struct fy_error *err)
{
    if (p->a == 0) return op_fail_node(n, err, FY_EINVALID, "alpha is 0; Celu divides by alpha");
    return FY_OK;
}

static fy_status gelu_parse(const struct ir_node *n, struct ew_unary_params *p,
                            struct fy_error *err)
{
    struct ir_bytes s;
    fy_status st = op_attr_string(n, "approximate", "none", &s, err);
    if (st) return st;
    if (op_bytes_eq(s, "tanh"))
        p->mode = 1;
    else if (!op_bytes_eq(s, "none"))
        return op_fail_node(n, err, FY_EINVALID, "approximate is '%.*s'; expected 'none' or 'tanh'",
                            (int)s.size, (const char *)s.data);
    return FY_OK;
}

static fy_status isinf_parse(const struct ir_node *n, struct ew_unary_params *p,
                             struct fy_error *err)
{
    int64_t neg, pos;
    fy_status st = op_attr_int(n, "detect_negative", 1, &neg, err);
    if (!st) st = op_attr_int(n, "detect_positive", 1, &pos, err);
    if (st) return st;
    p->mode = (neg ? 1 : 0) | (pos ? 2 : 0);
    return FY_OK;
}

#define F(name) name##_f32, name##_f64
static const struct ew_unary_op unary_ops[] = {
    {IR_OP_ABS, NULL, NULL, 0, 0, F(abs), abs_sint, identity_uint, NULL, NULL},
    {IR_OP_NEG, NULL, NULL, 0, 0, F(neg), neg_sint, NULL, NULL, NULL},
    {IR_OP_SQRT, NULL, NULL, 0, 0, F(sqrt), NULL, NULL, NULL, NULL},
    {IR_OP_EXP, NULL, NULL, 0, 0, F(exp), NULL, NULL, NULL, NULL},
    {IR_OP_LOG, NULL, NULL, 0, 0, F(log), NULL, NULL, NULL, NULL},
    {IR_OP_RECIPROCAL, NULL, NULL, 0, 0, F(reciprocal), NULL, NULL, NULL, NULL},
    {IR_OP_FLOOR, NULL, NULL, 0, 0, F(floor), NULL, NULL, NULL, NULL},
    {IR_OP_CEIL, NULL, NULL, 0, 0, F(ceil), NULL, NULL, NULL, NULL},
    {IR_OP_ROUND, NULL, NULL, 0, 0, F(round), NULL, NULL, NULL, NULL},
    {IR_OP_SIGN, NULL, NULL, 0, 0, F(sign), sign_sint, sign_uint, NULL, NULL},
    {IR_OP_SIN, NULL, NULL, 0, 0, F(sin), NULL, NULL, NULL, NULL},
    {IR_OP_COS, NULL, NULL, 0, 0, F(cos), NULL, NULL, NULL, NULL},
    {IR_OP_TAN, NULL, NULL, 0, 0, F(tan), NULL, NULL, NULL, NULL},
    {IR_OP_ASIN, NULL, NULL, 0, 0, F(asin), NULL, NULL, NULL, NULL},
    {IR_OP_ACOS, NULL, NULL, 0, 0, F(acos), NULL, NULL, NULL, NULL},
    {IR_OP_ATAN, NULL, NULL, 0, 0, F(atan), NULL, NULL, NULL, NULL},
    {IR_OP_SINH, NULL, NULL, 0, 0, F(sinh), NULL, NULL, NULL, NULL},
    {IR_OP_COSH, NULL, NULL, 0, 0, F(cosh), NULL, NULL, NULL, NULL},
    {IR_OP_ASINH, NULL, NULL, 0, 0, F(asinh), NULL, NULL, NULL, NULL},
    {IR_OP_ACOSH, NULL, NULL, 0, 0, F(acosh), NULL, NULL, NULL, NULL},
    {IR_OP_ATANH, NULL, NULL, 0, 0, F(atanh), NULL, NULL, NULL, NULL},
    {IR_OP_ERF, NULL, NULL, 0, 0, F(erf), erf_sint, erf_uint, NULL, NULL},
    {IR_OP_IS_NA_N, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, isnan_pred, NULL},
    {IR_OP_IS_INF, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, isinf_pred, isinf_parse},
    {IR_OP_NOT, NULL, NULL, 0, 0, NULL, NULL, NULL, not_bool, NULL, NULL},
    {IR_OP_BITWISE_NOT, NULL, NULL, 0, 0, NULL, NULL, bitnot_sint, bitnot_uint, NULL, NULL},
    {IR_OP_RELU, NULL, NULL, 0, 0, F(relu), relu_sint, NULL, NULL, NULL},
    {IR_OP_LEAKY_RELU, "alpha", NULL, 0.01f, 0, F(leaky_relu), NULL, NULL, NULL, NULL},
    {IR_OP_ELU, "alpha", NULL, 1.0f, 0, F(elu), NULL, NULL, NULL, NULL},
    {IR_OP_SELU, "alpha", "gamma", 1.67326319217681884765625f, 1.05070102214813232421875f, F(selu),
     NULL, NULL, NULL, NULL},
    {IR_OP_CELU, "alpha", NULL, 1.0f, 0, F(celu), NULL, NULL, NULL, celu_parse},
    {IR_OP_GELU, NULL, NULL, 0, 0, F(gelu), NULL, NULL, NULL, gelu_parse},
    {IR_OP_HARD_SIGMOID, "alpha", "beta", 0.2f, 0.5f, F(hard_sigmoid), NULL, NULL, NULL, NULL},
    /* HardSwish is HardSigmoid with alpha 1/6, beta 0.5, times x */
    {IR_OP_HARD_SWISH, NULL, NULL, 1.0f / 6, 0.5f, F(hard_swish), NULL, NULL, NULL, NULL},
    {IR_OP_MISH, NULL, NULL, 0, 0, F(mish), NULL, NULL, NULL, NULL},
    {IR_OP_SOFTPLUS, NULL, NULL, 0, 0, F(softplus), NULL, NULL, NULL, NULL},
    {IR_OP_SOFTSIGN, NULL, NULL, 0, 0, F(softsign), NULL, NULL, NULL, NULL},
    {IR_OP_THRESHOLDED_RELU, "alpha", NULL, 1.0f, 0, F(thresholded_relu), NULL, NULL, NULL, NULL},
    {IR_OP_SIGMOID, NULL, NULL, 0, 0, F(sigmoid), NULL, NULL, NULL, NULL},
    {IR_OP_TANH, NULL, NULL, 0, 0, F(tanh), NULL, NULL, NULL, NULL},
    {IR_OP_SHRINK, "bias", "lambd", 0.0f, 0.5f, F(shrink), shrink_sint, shrink_uint, NULL, NULL},
    {IR_OP_SWISH, "alpha", NULL, 1.0f, 0, F(swish), NULL, NULL, NULL, NULL},
    {IR_OP_CLIP, NULL, NULL, 0, 0, F(clip), clip_sint, clip_uint, NULL, NULL},
};
#undef F

static const struct ew_unary_op *unary_find(enum ir_op op)
{
    for (size_t i = 0; i < sizeof unary_ops / sizeof unary_ops[0]; i++)
        if (unary_ops[i].op == op) return &unary_ops[i];
    return NULL;
}

fy_status ew_unary_parse(const struct ir_node *n, int64_t opset, void *params, struct fy_error *err)
{
    (void)opset;
    struct ew_unary_params *p = params;
    const struct ew_unary_op *u = unary_find(n->op);
    if (!u) return op_fail_node(n, err, FY_EINTERNAL, "no unary kernel for this op");
    p->u = u;
    p->a = u->dflt_a;
    p->b = u->dflt_b;
    fy_status st = FY_OK;
    if (u->attr_a) st = op_attr_float(n, u->attr_a, u->dflt_a, &p->a, err);
    if (!st && u->attr_b) st = op_attr_float(n, u->attr_b, u->dflt_b, &p->b, err);
    if (st) return st;
    p->da = p->a;
    p->db = p->b;
    return u->parse ? u->parse(n, p, err) : FY_OK;
}

/* Whether the row has a kernel for elements of type t (the type tables
 * should never let a type through that has none; this keeps a gap between
 * the two an error instead of a crash). */
static bool unary_has_kernel(const struct ew_unary_op *u, enum ir_dtype t)
{
    if (u->pred) return t == IR_F32 || t == IR_F64 || t == IR_F16 || t == IR_BF16;
    if (ir_dtype_table[t].is_float) return u->f32 != NULL;
    if (ew_is_unsigned(t)) return u->uint != NULL;
    return u->sint != NULL;
}

fy_status ew_unary_infer(struct op_ctx *c)
{
    const struct ew_unary_params *p = c->params;
    fy_status st = ew_check_inputs(c, 0, 0);
    if (st) return st;
    const struct op_tensor *x = c->in[0];
    if (!unary_has_kernel(p->u, x->dtype))
        return op_fail(c, FY_EUNSUPPORTED, "input 0 has type %s, which ferry cannot compute here",
                       ir_dtype_name(x->dtype));
    return op_set_output(c, 0, p->u->pred ? IR_BOOL : x->dtype, x->rank, x->dims);
}

struct unary_job {
    const struct ew_unary_params *p;
    const struct op_tensor *x;
    struct op_tensor *y;
};

static void unary_range(void *arg, int64_t b, int64_t e)
{
    const struct unary_job *j = arg;
    const struct ew_unary_params *p = j->p;
    const struct ew_unary_op *u = p->u;
    const struct op_tensor *x = j->x;
    struct op_tensor *y = j->y;
    if (u->pred) {
        uint8_t *out = y->data;
        for (int64_t i = b; i < e; i++)
            out[i] = u->pred(op_get_f64(x, (uint64_t)i), p);
        return;
    }
    switch (x->dtype) {
    case IR_F32:
        u->f32((const float *)x->data + b, (float *)y->data + b, e - b, p);
        break;
    case IR_F64:
        u->f64((const double *)x->data + b, (double *)y->data + b, e - b, p);
        break;
    case IR_F16:
    case IR_BF16: {
        float in[EW_BLOCK], out[EW_BLOCK];
        for (int64_t i = b; i < e; i += EW_BLOCK) {
            int64_t m = e - i < EW_BLOCK ? e - i : EW_BLOCK;
            ew_load_f32(x, i, 1, in, m);
            u->f32(in, out, m, p);
            ew_store_f32(y, i, out, m);
        }
        break;
    }
    default:
        if (ew_is_unsigned(x->dtype)) {
            for (int64_t i = b; i < e; i++)
                op_set_i64(y, (uint64_t)i,
                           (int64_t)u->uint((uint64_t)op_get_i64(x, (uint64_t)i), p));
        } else {
            for (int64_t i = b; i < e; i++)
                op_set_i64(y, (uint64_t)i, u->sint(op_get_i64(x, (uint64_t)i), p));
        }
        break;
    }
}

static fy_status unary_run(struct op_ctx *c, const struct ew_unary_params *p)
{
    struct unary_job j = {p, c->in[0], c->out[0]};
    ew_run_flat(c, (int64_t)c->out[0]->numel, unary_range, &j);
    return FY_OK;
}

fy_status ew_unary_eval(struct op_ctx *c)
{
    return unary_run(c, c->params);
}

/* ---- Clip ----
 * Before opset 11 the bounds are float attributes; from 11 they are
 * optional scalar inputs of the input's type (absent: unbounded). */

fy_status ew_clip_parse(const struct ir_node *n, int64_t opset, void *params, struct fy_error *err)
{
    struct ew_clip_params *p = params;
    p->from_attrs = opset < 11;
    if (!p->from_attrs) return FY_OK;
    fy_status st = op_attr_float(n, "min", -INFINITY, &p->min, err);
    if (!st) st = op_attr_float(n, "max", INFINITY, &p->max, err);
    return st;
}

fy_status ew_clip_infer(struct op_ctx *c)
{
    const struct ew_clip_params *p = c->params;
    if (p->from_attrs && c->n_inputs > 1)
        return op_fail(c, FY_EINVALID, "has %d inputs; Clip before opset 11 takes 1", c->n_inputs);
    fy_status st = ew_check_inputs(c, 0, 0);
    if (!st) st = op_expect_same_dtype(c, 0, 2);
    if (st) return st;
    for (int i = 1; i < c->n_inputs; i++)
        if (c->in[i] && c->in[i]->numel != 1)
            return op_fail(c, FY_EINVALID, "input %d (%s) has %llu elements; expected a scalar", i,
                           i == 1 ? "min" : "max", (unsigned long long)c->in[i]->numel);
    const struct op_tensor *x = c->in[0];
    return op_set_output(c, 0, x->dtype, x->rank, x->dims);
}

fy_status ew_clip_eval(struct op_ctx *c)
{
    const struct ew_clip_params *cp = c->params;
    const struct op_tensor *x = c->in[0];
    const struct op_tensor *lo = c->n_inputs > 1 ? c->in[1] : NULL;
    const struct op_tensor *hi = c->n_inputs > 2 ? c->in[2] : NULL;
    struct ew_unary_params p;
    memset(&p, 0, sizeof p);
    p.u = unary_find(IR_OP_CLIP);
    if (ir_dtype_table[x->dtype].is_float) {
        p.da = cp->from_attrs ? cp->min : (lo ? op_get_f64(lo, 0) : -INFINITY);
        p.db = cp->from_attrs ? cp->max : (hi ? op_get_f64(hi, 0) : INFINITY);
        p.a = (float)p.da;
        p.b = (float)p.db;
    } else if (ew_is_unsigned(x->dtype)) {
        p.ua = lo ? (uint64_t)op_get_i64(lo, 0) : 0;
        p.ub = hi ? (uint64_t)op_get_i64(hi, 0) : UINT64_MAX;
    } else {
        p.ia = lo ? op_get_i64(lo, 0) : INT64_MIN;
        p.ib = hi ? op_get_i64(hi, 0) : INT64_MAX;
    }
    return unary_run(c, &p);
}
