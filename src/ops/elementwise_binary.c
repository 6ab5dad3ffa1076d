/* Elementwise binary ops with numpy broadcasting: arithmetic (Add Sub Mul
 * Div Pow Mod), bit shifts, logic (And Or Xor, Bitwise*), comparisons, and
 * PRelu; the variadic Max/Min/Sum/Mean; Where.
 *
 * One table row per op (and per attribute variant: Mod's fmod, BitShift's
 * direction) holds its kernels per kind of element: float32 and float64
 * row loops (float16/bfloat16 run through the float32 loop in blocks), and
 * functions for signed and unsigned integers. Comparisons have predicates
 * instead. The broadcast iterator (elementwise.c) hands the kernels rows
 * along which each input is either contiguous or a repeated scalar. */
#include <stdatomic.h>
#include <string.h>
#include <tgmath.h>

#include "ops/elementwise_impl.h"

typedef void (*bin_f32_fn)(const float *as, int64_t sa, const float *bs, int64_t sb, float *ys,
                           int64_t n);
typedef void (*bin_f64_fn)(const double *as, int64_t sa, const double *bs, int64_t sb, double *ys,
                           int64_t n);
typedef int64_t (*bin_sint_fn)(int64_t a, int64_t b);
typedef uint64_t (*bin_uint_fn)(uint64_t a, uint64_t b);
typedef bool (*cmp_f64_fn)(double a, double b);
typedef bool (*cmp_sint_fn)(int64_t a, int64_t b);
typedef bool (*cmp_uint_fn)(uint64_t a, uint64_t b);

enum bin_kind {
    BIN_ARITH, /* output has the inputs' type */
    BIN_CMP,   /* output is bool */
    BIN_POW,   /* base and exponent may differ in type; output has the base's */
};

struct ew_binary_op {
    enum ir_op op;
    int variant; /* Mod: fmod; BitShift: 1 = LEFT */
    enum bin_kind kind;
    bool int_div; /* an integer divisor of 0 is a data fault */
    bool legacy;  /* has broadcast/axis attributes before opset 7 */
    bin_f32_fn f32;
    bin_f64_fn f64;
    bin_sint_fn sint; /* signed integers */
    bin_uint_fn uint; /* unsigned integers and bool */
    cmp_f64_fn cf;    /* comparisons: floats (exact in double) */
    cmp_sint_fn ci;
    cmp_uint_fn cu;
};

/* Defines name_f32 and name_f64 computing `expr` of a and b along a row.
 * Each input is contiguous (stride 1) or one repeated value (stride 0); the
 * four cases get their own loops so that each is a plain loop the compiler
 * vectorizes. ivdep: the output may be the very buffer input a reads (the
 * variadic ops accumulate in place), element for element, which carries no
 * dependence from one iteration to the next. */
#define EW_BINARY_LOOP(name, T, expr)                                                              \
    EW_VECTORIZE static void name(const T *as, int64_t sa, const T *bs, int64_t sb, T *ys,         \
                                  int64_t n)                                                       \
    {                                                                                              \
        if (sa && sb) {                                                                            \
            _Pragma("GCC ivdep") for (int64_t i = 0; i < n; i++)                                   \
            {                                                                                      \
                const T a = as[i], b = bs[i];                                                      \
                ys[i] = (T)(expr);                                                                 \
            }                                                                                      \
        } else if (sa) {                                                                           \
            const T b = bs[0];                                                                     \
            _Pragma("GCC ivdep") for (int64_t i = 0; i < n; i++)                                   \
            {                                                                                      \
                const T a = as[i];                                                                 \
                ys[i] = (T)(expr);                                                                 \
            }                                                                                      \
        } else if (sb) {                                                                           \
            const T a = as[0];                                                                     \
            _Pragma("GCC ivdep") for (int64_t i = 0; i < n; i++)                                   \
            {                                                                                      \
                const T b = bs[i];                                                                 \
                ys[i] = (T)(expr);                                                                 \
            }                                                                                      \
        } else {                                                                                   \
            const T a = as[0], b = bs[0];                                                          \
            const T v = (T)(expr);                                                                 \
            for (int64_t i = 0; i < n; i++)                                                        \
                ys[i] = v;                                                                         \
        }                                                                                          \
    }
#define EW_BINARY_FLOAT(name, expr)                                                                \
    EW_BINARY_LOOP(name##_f32, float, expr)                                                        \
    EW_BINARY_LOOP(name##_f64, double, expr)

/* (clang-format would read `a * b` in a macro argument as a declaration) */
/* clang-format off */
EW_BINARY_FLOAT(add, a + b)
EW_BINARY_FLOAT(sub, a - b)
EW_BINARY_FLOAT(mul, a * b)
EW_BINARY_FLOAT(div, a / b)
EW_BINARY_FLOAT(pow, pow(a, b))
EW_BINARY_FLOAT(fmod, fmod(a, b))
/* NaN wins, as in numpy's maximum/minimum */
EW_BINARY_FLOAT(max, (a > b || a != a) ? a : b)
EW_BINARY_FLOAT(min, (a < b || a != a) ? a : b)
/* a = x, b = slope */
EW_BINARY_FLOAT(prelu, a < 0 ? a * b : a)
/* clang-format on */

/* ---- integers ----
 * Values arrive widened to 64 bits (unsigned ones zero-extended) and are
 * stored back truncated to the element type, so wrapping arithmetic is
 * right for every width. Signed overflow is undefined in C, hence the
 * arithmetic in uint64_t. Zero divisors never reach these (eval checks). */

static int64_t add_sint(int64_t a, int64_t b)
{
    return (int64_t)((uint64_t)a + (uint64_t)b);
}
static uint64_t add_uint(uint64_t a, uint64_t b)
{
    return a + b;
}
static int64_t sub_sint(int64_t a, int64_t b)
{
    return (int64_t)((uint64_t)a - (uint64_t)b);
}
static uint64_t sub_uint(uint64_t a, uint64_t b)
{
    return a - b;
}
static int64_t mul_sint(int64_t a, int64_t b)
{
    return (int64_t)((uint64_t)a * (uint64_t)b);
}
static uint64_t mul_uint(uint64_t a, uint64_t b)
{
    return a * b;
}
/* Integer division truncates toward zero, as in C and ONNX Runtime; the one
 * overflowing case, INT64_MIN / -1, wraps like the other widths do. */
static int64_t div_sint(int64_t a, int64_t b)
{
    return b == -1 ? (int64_t)(0 - (uint64_t)a) : a / b;
}
static uint64_t div_uint(uint64_t a, uint64_t b)
{
    return a / b;
}
/* fmod = 0: the remainder takes the divisor's sign (numpy's mod). */
static int64_t mod_sint(int64_t a, int64_t b)
{
    int64_t r = b == -1 ? 0 : a % b;
    if (r != 0 && ((r < 0) != (b < 0))) r += b;
    return r;
}
/* fmod = 1: the remainder takes the dividend's sign (C's fmod and %). */
static int64_t fmod_sint(int64_t a, int64_t b)
{
    return b == -1 ? 0 : a % b;
}
static uint64_t mod_uint(uint64_t a, uint64_t b)
{
    return a % b;
}
/* Shifting by the width or more is undefined in C; numpy gives 0. */
static uint64_t shl_uint(uint64_t a, uint64_t b)
{
    return b >= 64 ? 0 : a << b;
}
static uint64_t shr_uint(uint64_t a, uint64_t b)
{
    return b >= 64 ? 0 : a >> b;
}
static uint64_t and_bool(uint64_t a, uint64_t b)
{
    return a && b;
}
static uint64_t or_bool(uint64_t a, uint64_t b)
{
    return a || b;
}
static uint64_t xor_bool(uint64_t a, uint64_t b)
{
    return !a != !b;
}
static int64_t band_sint(int64_t a, int64_t b)
{
    return a & b;
}
static uint64_t band_uint(uint64_t a, uint64_t b)
{
    return a & b;
}
static int64_t bor_sint(int64_t a, int64_t b)
{
    return a | b;
}
static uint64_t bor_uint(uint64_t a, uint64_t b)
{
    return a | b;
}
static int64_t bxor_sint(int64_t a, int64_t b)
{
    return a ^ b;
}
static uint64_t bxor_uint(uint64_t a, uint64_t b)
{
    return a ^ b;
}
static int64_t max_sint(int64_t a, int64_t b)
{
    return a > b ? a : b;
}
static uint64_t max_uint(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}
static int64_t min_sint(int64_t a, int64_t b)
{
    return a < b ? a : b;
}
static uint64_t min_uint(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}
static int64_t prelu_sint(int64_t a, int64_t b)
{
    return a < 0 ? mul_sint(a, b) : a;
}
static uint64_t prelu_uint(uint64_t a, uint64_t b)
{
    (void)b;
    return a;
}

static bool eq_f(double a, double b)
{
    return a == b;
}
static bool eq_s(int64_t a, int64_t b)
{
    return a == b;
}
static bool eq_u(uint64_t a, uint64_t b)
{
    return a == b;
}
static bool gt_f(double a, double b)
{
    return a > b;
}
static bool gt_s(int64_t a, int64_t b)
{
    return a > b;
}
static bool gt_u(uint64_t a, uint64_t b)
{
    return a > b;
}
static bool ge_f(double a, double b)
{
    return a >= b;
}
static bool ge_s(int64_t a, int64_t b)
{
    return a >= b;
}
static bool ge_u(uint64_t a, uint64_t b)
{
    return a >= b;
}
static bool lt_f(double a, double b)
{
    return a < b;
}
static bool lt_s(int64_t a, int64_t b)
{
    return a < b;
}
static bool lt_u(uint64_t a, uint64_t b)
{
    return a < b;
}
static bool le_f(double a, double b)
{
    return a <= b;
}
static bool le_s(int64_t a, int64_t b)
{
    return a <= b;
}
static bool le_u(uint64_t a, uint64_t b)
{
    return a <= b;
}

#define FL(name) name##_f32, name##_f64
#define NOFL NULL, NULL
#define NOCMP NULL, NULL, NULL
static const struct ew_binary_op binary_ops[] = {
    {IR_OP_ADD, 0, BIN_ARITH, false, true, FL(add), add_sint, add_uint, NOCMP},
    {IR_OP_SUB, 0, BIN_ARITH, false, true, FL(sub), sub_sint, sub_uint, NOCMP},
    {IR_OP_MUL, 0, BIN_ARITH, false, true, FL(mul), mul_sint, mul_uint, NOCMP},
    {IR_OP_DIV, 0, BIN_ARITH, true, true, FL(div), div_sint, div_uint, NOCMP},
    {IR_OP_POW, 0, BIN_POW, false, true, FL(pow), NULL, NULL, NOCMP},
    /* ONNX: floating-point Mod requires fmod = 1, so variant 0 has no float kernel */
    {IR_OP_MOD, 0, BIN_ARITH, true, false, NOFL, mod_sint, mod_uint, NOCMP},
    {IR_OP_MOD, 1, BIN_ARITH, true, false, FL(fmod), fmod_sint, mod_uint, NOCMP},
    {IR_OP_BIT_SHIFT, 0, BIN_ARITH, false, false, NOFL, NULL, shr_uint, NOCMP},
    {IR_OP_BIT_SHIFT, 1, BIN_ARITH, false, false, NOFL, NULL, shl_uint, NOCMP},
    {IR_OP_AND, 0, BIN_ARITH, false, true, NOFL, NULL, and_bool, NOCMP},
    {IR_OP_OR, 0, BIN_ARITH, false, true, NOFL, NULL, or_bool, NOCMP},
    {IR_OP_XOR, 0, BIN_ARITH, false, true, NOFL, NULL, xor_bool, NOCMP},
    {IR_OP_BITWISE_AND, 0, BIN_ARITH, false, false, NOFL, band_sint, band_uint, NOCMP},
    {IR_OP_BITWISE_OR, 0, BIN_ARITH, false, false, NOFL, bor_sint, bor_uint, NOCMP},
    {IR_OP_BITWISE_XOR, 0, BIN_ARITH, false, false, NOFL, bxor_sint, bxor_uint, NOCMP},
    {IR_OP_EQUAL, 0, BIN_CMP, false, true, NOFL, NULL, NULL, eq_f, eq_s, eq_u},
    {IR_OP_GREATER, 0, BIN_CMP, false, true, NOFL, NULL, NULL, gt_f, gt_s, gt_u},
    {IR_OP_GREATER_OR_EQUAL, 0, BIN_CMP, false, false, NOFL, NULL, NULL, ge_f, ge_s, ge_u},
    {IR_OP_LESS, 0, BIN_CMP, false, true, NOFL, NULL, NULL, lt_f, lt_s, lt_u},
    {IR_OP_LESS_OR_EQUAL, 0, BIN_CMP, false, false, NOFL, NULL, NULL, le_f, le_s, le_u},
    {IR_OP_P_RELU, 0, BIN_ARITH, false, false, FL(prelu), prelu_sint, prelu_uint, NOCMP},
    /* the pairwise steps of the variadic ops (Sum and Mean use Add's row) */
    {IR_OP_MAX, 0, BIN_ARITH, false, false, FL(max), max_sint, max_uint, NOCMP},
    {IR_OP_MIN, 0, BIN_ARITH, false, false, FL(min), min_sint, min_uint, NOCMP},
};
#undef FL
#undef NOFL
#undef NOCMP

static const struct ew_binary_op *binary_find(enum ir_op op, int variant)
{
    for (size_t i = 0; i < sizeof binary_ops / sizeof binary_ops[0]; i++)
        if (binary_ops[i].op == op && binary_ops[i].variant == variant) return &binary_ops[i];
    return NULL;
}

/* Whether the row can compute elements of type t. */
static bool binary_has_kernel(const struct ew_binary_op *b, enum ir_dtype t)
{
    if (b->kind == BIN_POW) return true; /* every accepted pair has a path in pow_row */
    if (b->kind == BIN_CMP) return t == IR_STRING ? b->op == IR_OP_EQUAL : b->cf != NULL;
    if (ir_dtype_table[t].is_float) return b->f32 != NULL;
    if (ew_is_unsigned(t)) return b->uint != NULL;
    return b->sint != NULL;
}

fy_status ew_binary_parse(const struct ir_node *n, int64_t opset, void *params,
                          struct fy_error *err)
{
    struct ew_binary_params *p = params;
    int variant = 0;
    fy_status st = FY_OK;
    if (n->op == IR_OP_MOD) {
        st = op_attr_int(n, "fmod", 0, &p->fmod, err);
        if (st) return st;
        if (p->fmod != 0 && p->fmod != 1)
            return op_fail_node(n, err, FY_EINVALID, "fmod is %lld; expected 0 or 1",
                                (long long)p->fmod);
        variant = (int)p->fmod;
    }
    if (n->op == IR_OP_BIT_SHIFT) {
        struct ir_bytes dir;
        st = op_attr_string(n, "direction", "", &dir, err);
        if (st) return st;
        if (op_bytes_eq(dir, "LEFT"))
            p->shift_left = true;
        else if (!op_bytes_eq(dir, "RIGHT"))
            return op_fail_node(n, err, FY_EINVALID,
                                "direction is '%.*s'; expected 'LEFT' or 'RIGHT'", (int)dir.size,
                                (const char *)dir.data);
        variant = p->shift_left;
    }
    p->b = binary_find(n->op, variant);
    if (!p->b) return op_fail_node(n, err, FY_EINTERNAL, "no binary kernel for this op");
    /* Before opset 7, broadcasting was opt-in (broadcast=1) and aligned B
     * with A at `axis` (default: B's dims are A's last dims). */
    if (p->b->legacy && opset < 7) {
        int64_t bcast;
        st = op_attr_int(n, "broadcast", 0, &bcast, err);
        if (!st) st = op_attr_int(n, "axis", INT64_MIN, &p->axis, err);
        if (st) return st;
        p->legacy = bcast != 0;
        p->legacy_plain = bcast == 0;
    }
    return FY_OK;
}

static void shape_str(const struct op_tensor *t, char *buf, size_t cap)
{
    size_t k = 0;
    buf[0] = 0;
    k += (size_t)snprintf(buf + k, cap - k, "[");
    for (int d = 0; d < t->rank && k < cap - 24; d++)
        k += (size_t)snprintf(buf + k, cap - k, "%s%lld", d ? "," : "", (long long)t->dims[d]);
    snprintf(buf + k, cap - k, "]");
}

/* B as opset < 7 broadcasting reads it: its dims placed at `axis` of A's
 * rank, 1 elsewhere, so that numpy broadcasting then does the rest. */
static fy_status legacy_view(const struct op_ctx *c, const struct ew_binary_params *p,
                             struct op_tensor *view)
{
    const struct op_tensor *a = c->in[0], *b = c->in[1];
    *view = *b;
    int64_t axis = p->axis == INT64_MIN ? a->rank - b->rank : p->axis;
    if (axis < 0) axis += a->rank;
    if (b->rank > a->rank || axis < 0 || axis + b->rank > a->rank)
        return op_fail(c, FY_EINVALID,
                       "B has rank %d; with broadcast=1 and axis %lld it does not fit A's rank %d",
                       b->rank, (long long)axis, a->rank);
    view->rank = a->rank;
    for (int d = 0; d < a->rank; d++)
        view->dims[d] = 1;
    for (int d = 0; d < b->rank; d++)
        view->dims[axis + d] = b->dims[d];
    return FY_OK;
}

/* The inputs as the kernels read them (B through the legacy view). */
static fy_status binary_operands(const struct op_ctx *c, const struct ew_binary_params *p,
                                 struct op_tensor *view, const struct op_tensor **ins)
{
    ins[0] = c->in[0];
    ins[1] = c->in[1];
    if (!p->legacy) return FY_OK;
    fy_status st = legacy_view(c, p, view);
    ins[1] = view;
    return st;
}

static bool same_dims(int rank, const int64_t *dims, const struct op_tensor *t)
{
    if (t->rank != rank) return false;
    for (int d = 0; d < rank; d++)
        if (t->dims[d] != dims[d]) return false;
    return true;
}

fy_status ew_binary_infer(struct op_ctx *c)
{
    const struct ew_binary_params *p = c->params;
    const struct ew_binary_op *b = p->b;
    for (int i = 0; i < 2; i++)
        if (!c->in[i]) return op_fail(c, FY_EINVALID, "input %d is missing", i);
    struct ew_types types = ew_types_for(c->node->op, c->opset);
    fy_status st;
    if (b->kind == BIN_POW && types.in1) {
        st = ew_check_dtype(c, 0, types.in0);
        if (!st) st = ew_check_dtype(c, 1, types.in1);
    } else {
        st = ew_check_inputs(c, 0, 1);
    }
    if (st) return st;
    enum ir_dtype t = c->in[0]->dtype;
    if (b->op == IR_OP_MOD && !p->fmod && ir_dtype_table[t].is_float)
        return op_fail(c, FY_EINVALID,
                       "fmod is 0 but the inputs are %s; ONNX Mod needs fmod=1 "
                       "for floating-point inputs",
                       ir_dtype_name(t));
    if (!binary_has_kernel(b, t))
        return op_fail(c, FY_EUNSUPPORTED, "input 0 has type %s, which ferry cannot compute here",
                       ir_dtype_name(t));
    struct op_tensor view;
    const struct op_tensor *ins[2];
    st = binary_operands(c, p, &view, ins);
    if (st) return st;
    int rank;
    int64_t dims[OP_MAX_RANK];
    st = op_broadcast_shape(c, ins, 2, &rank, dims);
    if (st) return st;
    const struct op_tensor *a = c->in[0];
    bool fits =
        same_dims(rank, dims, a) && (!p->legacy_plain || same_dims(a->rank, a->dims, c->in[1]));
    if ((p->legacy || p->legacy_plain) && !fits) {
        char sa[128], sb[128];
        shape_str(c->in[0], sa, sizeof sa);
        shape_str(c->in[1], sb, sizeof sb);
        return op_fail(c, FY_EINVALID, "B has shape %s and A %s; before opset 7 B must %s", sb, sa,
                       p->legacy ? "fit within A's shape (broadcast=1)"
                                 : "have A's shape (broadcast is 0)");
    }
    return op_set_output(c, 0, b->kind == BIN_CMP ? IR_BOOL : t, rank, dims);
}

/* ---- row kernels ---- */

struct bin_job {
    const struct ew_binary_op *b;
    const struct op_tensor *in[2];
    struct op_tensor *y;
    atomic_int fault; /* Pow: an integer 0 raised to a negative power */
};

/* float16/bfloat16 in float32 blocks: a repeated scalar is loaded once and
 * keeps stride 0. */
static void arith_row_half(const struct bin_job *j, const int64_t *off, const int64_t *st,
                           int64_t o, int64_t n)
{
    float a[EW_BLOCK], b[EW_BLOCK], y[EW_BLOCK];
    for (int64_t i = 0; i < n; i += EW_BLOCK) {
        int64_t m = n - i < EW_BLOCK ? n - i : EW_BLOCK;
        ew_load_f32(j->in[0], off[0] + i * st[0], st[0], a, st[0] ? m : 1);
        ew_load_f32(j->in[1], off[1] + i * st[1], st[1], b, st[1] ? m : 1);
        j->b->f32(a, st[0], b, st[1], y, m);
        ew_store_f32(j->y, o + i, y, m);
    }
}

static void arith_row(void *arg, const int64_t *off, const int64_t *st, int64_t o, int64_t n)
{
    const struct bin_job *j = arg;
    const struct ew_binary_op *b = j->b;
    const struct op_tensor *x0 = j->in[0], *x1 = j->in[1];
    switch (x0->dtype) {
    case IR_F32:
        b->f32((const float *)x0->data + off[0], st[0], (const float *)x1->data + off[1], st[1],
               (float *)j->y->data + o, n);
        break;
    case IR_F64:
        b->f64((const double *)x0->data + off[0], st[0], (const double *)x1->data + off[1], st[1],
               (double *)j->y->data + o, n);
        break;
    case IR_F16:
    case IR_BF16:
        arith_row_half(j, off, st, o, n);
        break;
    default:
        for (int64_t i = 0; i < n; i++) {
            int64_t a = op_get_i64(x0, (uint64_t)(off[0] + i * st[0]));
            int64_t c = op_get_i64(x1, (uint64_t)(off[1] + i * st[1]));
            int64_t v = ew_is_unsigned(x0->dtype) ? (int64_t)b->uint((uint64_t)a, (uint64_t)c)
                                                  : b->sint(a, c);
            op_set_i64(j->y, (uint64_t)(o + i), v);
        }
        break;
    }
}

static bool bytes_equal(struct ir_bytes a, struct ir_bytes b)
{
    return a.size == b.size && (a.size == 0 || memcmp(a.data, b.data, a.size) == 0);
}

static void cmp_row(void *arg, const int64_t *off, const int64_t *st, int64_t o, int64_t n)
{
    const struct bin_job *j = arg;
    const struct ew_binary_op *b = j->b;
    const struct op_tensor *x0 = j->in[0], *x1 = j->in[1];
    uint8_t *y = (uint8_t *)j->y->data + o;
    enum ir_dtype t = x0->dtype;
    for (int64_t i = 0; i < n; i++) {
        uint64_t ia = (uint64_t)(off[0] + i * st[0]), ib = (uint64_t)(off[1] + i * st[1]);
        if (t == IR_STRING) /* Equal only (the type tables allow no other) */
            y[i] = bytes_equal(x0->strings[ia], x1->strings[ib]);
        else if (ir_dtype_table[t].is_float)
            y[i] = b->cf(op_get_f64(x0, ia), op_get_f64(x1, ib));
        else if (ew_is_unsigned(t))
            y[i] = b->cu((uint64_t)op_get_i64(x0, ia), (uint64_t)op_get_i64(x1, ib));
        else
            y[i] = b->ci(op_get_i64(x0, ia), op_get_i64(x1, ib));
    }
}

/* Integer powers by repeated squaring, wrapping like repeated
 * multiplication in the element type. */
static int64_t ipow(int64_t base, uint64_t e)
{
    uint64_t r = 1, b = (uint64_t)base;
    while (e) {
        if (e & 1) r *= b;
        b *= b;
        e >>= 1;
    }
    return (int64_t)r;
}

/* Pow with any pair of accepted types (opset 12+ lets the exponent's type
 * differ from the base's; the result has the base's type). Floats are
 * computed in double and rounded to the result type; an integer base with a
 * float exponent is computed in double and truncated toward zero (numpy's
 * float result cast back, which the ONNX test data follows). */
static void pow_row(void *arg, const int64_t *off, const int64_t *st, int64_t o, int64_t n)
{
    struct bin_job *j = arg;
    const struct op_tensor *x = j->in[0], *e = j->in[1];
    const bool xf = ir_dtype_table[x->dtype].is_float, ef = ir_dtype_table[e->dtype].is_float;
    const bool eu = ew_is_unsigned(e->dtype);
    for (int64_t i = 0; i < n; i++) {
        uint64_t ix = (uint64_t)(off[0] + i * st[0]), ie = (uint64_t)(off[1] + i * st[1]);
        uint64_t iy = (uint64_t)(o + i);
        if (xf || ef) {
            double base = xf ? op_get_f64(x, ix) : (double)op_get_i64(x, ix);
            op_set_f64(j->y, iy, pow(base, op_get_f64(e, ie)));
            continue;
        }
        int64_t base = op_get_i64(x, ix), ex = op_get_i64(e, ie);
        if (eu || ex >= 0) {
            op_set_i64(j->y, iy, ipow(base, (uint64_t)ex));
        } else if (base == 1 || base == -1) { /* 1/base^k is exact only here */
            op_set_i64(j->y, iy, (ex & 1) ? base : 1);
        } else if (base == 0) {
            atomic_store(&j->fault, 1);
            op_set_i64(j->y, iy, 0);
        } else { /* |1/base^k| < 1 truncates to 0 */
            op_set_i64(j->y, iy, 0);
        }
    }
}

/* A zero integer divisor is a data fault: report it naming the node rather
 * than let the division trap. */
static fy_status check_divisor(const struct op_ctx *c, const struct op_tensor *d)
{
    if (ir_dtype_table[d->dtype].is_float) return FY_OK;
    for (uint64_t i = 0; i < d->numel; i++)
        if (op_get_i64(d, i) == 0)
            return op_fail(c, FY_EINVALID, "integer division by zero: divisor element %llu is 0",
                           (unsigned long long)i);
    return FY_OK;
}

static fy_status run_binary(struct op_ctx *c, const struct ew_binary_op *b,
                            const struct op_tensor *const *ins, struct op_tensor *y)
{
    struct bin_job j;
    j.b = b;
    j.in[0] = ins[0];
    j.in[1] = ins[1];
    j.y = y;
    atomic_init(&j.fault, 0);
    struct ew_iter it;
    ew_iter_init(&it, y->rank, y->dims, ins, 2);
    ew_row_fn fn = arith_row;
    if (b->kind == BIN_CMP) fn = cmp_row;
    bool same_float =
        ins[0]->dtype == ins[1]->dtype && (ins[0]->dtype == IR_F32 || ins[0]->dtype == IR_F64);
    if (b->kind == BIN_POW && !same_float) fn = pow_row;
    ew_iter_run(c, &it, fn, &j);
    if (atomic_load(&j.fault))
        return op_fail(c, FY_EINVALID, "integer 0 raised to a negative power");
    return FY_OK;
}

fy_status ew_binary_eval(struct op_ctx *c)
{
    const struct ew_binary_params *p = c->params;
    struct op_tensor view;
    const struct op_tensor *ins[2];
    fy_status st = binary_operands(c, p, &view, ins);
    if (st) return st;
    if (p->b->int_div) {
        st = check_divisor(c, ins[1]);
        if (st) return st;
    }
    return run_binary(c, p->b, ins, c->out[0]);
}

/* ---- PRelu ----
 * y = x < 0 ? slope * x : x, slope broadcast to x's shape (from opset 7,
 * numpy-style in one direction). Before opset 7 a 1-D slope of x's channel
 * count applied per channel (axis 1). */

static void prelu_slope_view(const struct op_ctx *c, struct op_tensor *view)
{
    const struct op_tensor *x = c->in[0], *s = c->in[1];
    *view = *s;
    if (c->opset >= 7 || s->rank != 1 || x->rank < 2 || s->numel == 1 || s->dims[0] != x->dims[1])
        return;
    view->rank = x->rank - 1;
    for (int d = 1; d < view->rank; d++)
        view->dims[d] = 1;
}

fy_status ew_prelu_infer(struct op_ctx *c)
{
    const struct ew_binary_params *p = c->params;
    fy_status st = ew_check_inputs(c, 0, 1);
    if (st) return st;
    const struct op_tensor *x = c->in[0];
    if (!binary_has_kernel(p->b, x->dtype))
        return op_fail(c, FY_EUNSUPPORTED, "input 0 has type %s, which ferry cannot compute here",
                       ir_dtype_name(x->dtype));
    struct op_tensor view;
    prelu_slope_view(c, &view);
    const struct op_tensor *ins[2] = {x, &view};
    int rank;
    int64_t dims[OP_MAX_RANK];
    st = op_broadcast_shape(c, ins, 2, &rank, dims);
    if (st) return st;
    if (!same_dims(rank, dims, x)) {
        char sx[128], ss[128];
        shape_str(x, sx, sizeof sx);
        shape_str(c->in[1], ss, sizeof ss);
        return op_fail(c, FY_EINVALID, "slope has shape %s; it must broadcast to X's shape %s", ss,
                       sx);
    }
    return op_set_output(c, 0, x->dtype, x->rank, x->dims);
}

fy_status ew_prelu_eval(struct op_ctx *c)
{
    const struct ew_binary_params *p = c->params;
    struct op_tensor view;
    prelu_slope_view(c, &view);
    const struct op_tensor *ins[2] = {c->in[0], &view};
    return run_binary(c, p->b, ins, c->out[0]);
}

/* ---- Max, Min, Sum, Mean ----
 * Folded pairwise into the output: y = f(x0, x1), then y = f(y, xk).
 * Before opset 8 every input has the same shape; from 8 they broadcast. */

fy_status ew_variadic_parse(const struct ir_node *n, int64_t opset, void *params,
                            struct fy_error *err)
{
    struct ew_variadic_params *p = params;
    enum ir_op pair = (n->op == IR_OP_MAX || n->op == IR_OP_MIN) ? n->op : IR_OP_ADD;
    p->b = binary_find(pair, 0);
    if (!p->b) return op_fail_node(n, err, FY_EINTERNAL, "no binary kernel for this op");
    p->mean = n->op == IR_OP_MEAN;
    p->same_shape = opset < 8;
    return FY_OK;
}

fy_status ew_variadic_infer(struct op_ctx *c)
{
    const struct ew_variadic_params *p = c->params;
    if (c->n_inputs < 1) return op_fail(c, FY_EINVALID, "has no inputs; expected at least 1");
    fy_status st = ew_check_inputs(c, 0, c->n_inputs - 1);
    if (st) return st;
    const struct op_tensor *x = c->in[0];
    if (p->same_shape) {
        for (int i = 1; i < c->n_inputs; i++)
            if (!same_dims(x->rank, x->dims, c->in[i])) {
                char s0[128], si[128];
                shape_str(x, s0, sizeof s0);
                shape_str(c->in[i], si, sizeof si);
                return op_fail(c, FY_EINVALID,
                               "input %d has shape %s and input 0 %s; before opset 8 they must "
                               "match",
                               i, si, s0);
            }
        return op_set_output(c, 0, x->dtype, x->rank, x->dims);
    }
    int rank;
    int64_t dims[OP_MAX_RANK];
    st = op_broadcast_shape(c, c->in, c->n_inputs, &rank, dims);
    if (st) return st;
    return op_set_output(c, 0, x->dtype, rank, dims);
}

struct scale_job {
    struct op_tensor *y;
    double k;
};

static void scale_range(void *arg, int64_t b, int64_t e)
{
    const struct scale_job *j = arg;
    struct op_tensor *y = j->y;
    if (y->dtype == IR_F32) {
        float *v = y->data;
        const float k = (float)j->k;
        for (int64_t i = b; i < e; i++)
            v[i] *= k;
    } else {
        for (int64_t i = b; i < e; i++)
            op_set_f64(y, (uint64_t)i, op_get_f64(y, (uint64_t)i) * j->k);
    }
}

fy_status ew_variadic_eval(struct op_ctx *c)
{
    const struct ew_variadic_params *p = c->params;
    struct op_tensor *y = c->out[0];
    const struct op_tensor *x0 = c->in[0];
    if (c->n_inputs == 1) {
        /* one input: the output is that input (same shape) */
        if (y->nbytes) memcpy(y->data, x0->data, (size_t)y->nbytes);
    } else {
        const struct op_tensor *ins[2] = {x0, c->in[1]};
        fy_status st = run_binary(c, p->b, ins, y);
        for (int k = 2; !st && k < c->n_inputs; k++) {
            ins[0] = y;
            ins[1] = c->in[k];
            st = run_binary(c, p->b, ins, y);
        }
        if (st) return st;
    }
    if (p->mean && c->n_inputs > 1) {
        struct scale_job j = {y, 1.0 / c->n_inputs};
        ew_run_flat(c, (int64_t)y->numel, scale_range, &j);
    }
    return FY_OK;
}

/* ---- Where ---- */

fy_status ew_where_infer(struct op_ctx *c)
{
    for (int i = 0; i < 3; i++)
        if (!c->in[i]) return op_fail(c, FY_EINVALID, "input %d is missing", i);
    if (c->in[0]->dtype != IR_BOOL)
        return op_fail(c, FY_EINVALID, "condition has type %s; expected bool",
                       ir_dtype_name(c->in[0]->dtype));
    fy_status st = op_expect_same_dtype(c, 1, 2);
    if (!st) st = ew_check_dtype(c, 1, ew_types_for(IR_OP_WHERE, c->opset).in0);
    if (st) return st;
    int rank;
    int64_t dims[OP_MAX_RANK];
    st = op_broadcast_shape(c, c->in, 3, &rank, dims);
    if (st) return st;
    return op_set_output(c, 0, c->in[1]->dtype, rank, dims);
}

struct where_job {
    const struct op_tensor *in[3];
    struct op_tensor *y;
    size_t size; /* bytes per element; 0 for strings */
};

/* One loop per element width (values are only moved, never computed). */
#define EW_WHERE_LOOP(name, T)                                                                     \
    static void name(const uint8_t *cond, const struct where_job *j, const int64_t *off,           \
                     const int64_t *st, int64_t o, int64_t n)                                      \
    {                                                                                              \
        const T *x = (const T *)j->in[1]->data + off[1];                                           \
        const T *y = (const T *)j->in[2]->data + off[2];                                           \
        T *out = (T *)j->y->data + o;                                                              \
        for (int64_t i = 0; i < n; i++)                                                            \
            out[i] = cond[i * st[0]] ? x[i * st[1]] : y[i * st[2]];                                \
    }
EW_WHERE_LOOP(where_8, uint8_t)
EW_WHERE_LOOP(where_16, uint16_t)
EW_WHERE_LOOP(where_32, uint32_t)
EW_WHERE_LOOP(where_64, uint64_t)

static void where_row(void *arg, const int64_t *off, const int64_t *st, int64_t o, int64_t n)
{
    const struct where_job *j = arg;
    const uint8_t *cond = (const uint8_t *)j->in[0]->data + off[0];
    switch (j->size) {
    case 1:
        where_8(cond, j, off, st, o, n);
        break;
    case 2:
        where_16(cond, j, off, st, o, n);
        break;
    case 4:
        where_32(cond, j, off, st, o, n);
        break;
    case 8:
        where_64(cond, j, off, st, o, n);
        break;
    default: /* strings (size 0) and complex128 (16) */
        for (int64_t i = 0; i < n; i++) {
            int src = cond[i * st[0]] ? 1 : 2;
            int64_t at = off[src] + i * st[src];
            if (j->size == 0)
                j->y->strings[o + i] = j->in[src]->strings[at];
            else
                memcpy((uint8_t *)j->y->data + (size_t)(o + i) * j->size,
                       (const uint8_t *)j->in[src]->data + (size_t)at * j->size, j->size);
        }
        break;
    }
}

fy_status ew_where_eval(struct op_ctx *c)
{
    struct where_job j = {{c->in[0], c->in[1], c->in[2]}, c->out[0], 0};
    if (j.y->dtype != IR_STRING) j.size = (size_t)ir_dtype_table[j.y->dtype].bits / 8;
    struct ew_iter it;
    ew_iter_init(&it, j.y->rank, j.y->dims, c->in, 3);
    ew_iter_run(c, &it, where_row, &j);
    return FY_OK;
}
