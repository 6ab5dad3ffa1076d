/* The elementwise family (src/ops/elementwise*.c), one node at a time: each
 * test builds a one-node graph, runs it with the interpreter and compares
 * with values from the ONNX operator pages' examples or ONNX's test data, or
 * computed with numpy 1.24 (/usr/bin/python3), as each test says. */
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "core/half.h"
#include "interp/interp.h"
#include "ir/ir.h"
#include "t.h"

#define MAX_IN 4

/* A model holding one node of `op` whose inputs are graph inputs x0.. and
 * whose output is y. */
struct one {
    struct ir_model *m;
    struct ir_node *n;
    struct interp *ip;
    struct op_tensor in[MAX_IN];
    const struct op_tensor *feed[MAX_IN]; /* in graph input order */
    int n_feed;
    struct op_tensor *out;
    struct fy_error err;
};

static bool one_new(struct one *o, enum ir_op op, int64_t opset, int n_in)
{
    memset(o, 0, sizeof *o);
    o->m = ir_model_new(&o->err);
    if (!o->m) return false;
    struct ir_graph *g = o->m->graph;
    if (ir_model_add_opset(o->m, "", opset, &o->err)) return false;
    o->n = ir_graph_add_node(g, op, NULL, NULL, "node0", n_in, 1, &o->err);
    if (!o->n) return false;
    struct ir_tensor *y = ir_graph_add_tensor(g, "y", &o->err);
    if (!y || ir_node_set_output(o->n, 0, y, &o->err) || ir_graph_add_output(g, y, &o->err))
        return false;
    return true;
}

/* Makes input slot i of the node a graph input fed with o->in[i]; slots
 * never given one stay empty (an omitted optional input). */
static void one_slot(struct one *o, int i)
{
    static const char *const names[MAX_IN] = {"x0", "x1", "x2", "x3"};
    struct ir_tensor *t = ir_graph_add_tensor(o->m->graph, names[i], &o->err);
    if (!t || ir_graph_add_input(o->m->graph, t, &o->err)) return;
    o->n->inputs[i] = t;
    o->feed[o->n_feed++] = &o->in[i];
}

static void attr_int(struct one *o, const char *name, int64_t v)
{
    struct ir_attr *a = ir_node_add_attr(o->n, name, IR_ATTR_INT, &o->err);
    if (a) a->v.i = v;
}
static void attr_float(struct one *o, const char *name, float v)
{
    struct ir_attr *a = ir_node_add_attr(o->n, name, IR_ATTR_FLOAT, &o->err);
    if (a) a->v.f = v;
}
static void attr_string(struct one *o, const char *name, const char *v)
{
    struct ir_attr *a = ir_node_add_attr(o->n, name, IR_ATTR_STRING, &o->err);
    if (a) {
        a->v.s.data = (const uint8_t *)v;
        a->v.s.size = strlen(v);
    }
}

/* Input i with the given dtype and shape, values from doubles (exact for the
 * integers used here). */
static void one_input(struct one *o, int i, enum ir_dtype dt, int rank, const int64_t *dims,
                      const double *vals)
{
    one_slot(o, i);
    op_tensor_alloc(&o->in[i], dt, rank, dims, &o->err);
    for (uint64_t k = 0; k < o->in[i].numel; k++)
        op_set_f64(&o->in[i], k, vals[k]);
}

static void one_input_i64(struct one *o, int i, enum ir_dtype dt, int rank, const int64_t *dims,
                          const int64_t *vals)
{
    one_slot(o, i);
    op_tensor_alloc(&o->in[i], dt, rank, dims, &o->err);
    for (uint64_t k = 0; k < o->in[i].numel; k++)
        op_set_i64(&o->in[i], k, vals[k]);
}

/* Runs the model with the inputs given so far. */
static fy_status one_run_threads(struct one *o, int threads)
{
    struct interp_options opt = {.threads = threads};
    interp_destroy(o->ip);
    o->ip = NULL;
    fy_status st = interp_create(o->m, &opt, &o->ip, &o->err);
    if (st) return st;
    return interp_run(o->ip, o->feed, o->n_feed, &o->out, 1, &o->err);
}
static fy_status one_run(struct one *o)
{
    return one_run_threads(o, 1);
}

static void one_free(struct one *o)
{
    interp_destroy(o->ip);
    for (int i = 0; i < MAX_IN; i++)
        op_tensor_release(&o->in[i]);
    ir_model_free(o->m);
}

/* Output values against expected ones: |a - e| <= 1e-6 + 1e-5 |e| (NaN
 * matches NaN), and the output's dtype and element count. */
static bool expect_out(struct one *o, enum ir_dtype dt, uint64_t n, const double *want,
                       const char *what)
{
    const struct op_tensor *y = o->out;
    if (!T_CHECK(y != NULL, "%s: no output (%s)", what, o->err.message)) return false;
    if (!T_CHECK(y->dtype == dt, "%s: dtype %s, expected %s", what, ir_dtype_name(y->dtype),
                 ir_dtype_name(dt)))
        return false;
    if (!T_CHECK(y->numel == n, "%s: %llu elements, expected %llu", what,
                 (unsigned long long)y->numel, (unsigned long long)n))
        return false;
    bool ok = true;
    for (uint64_t i = 0; i < n; i++) {
        double a = op_get_f64(y, i), e = want[i];
        bool same =
            (isnan(a) && isnan(e)) || fabs(a - e) <= 1e-6 + 1e-5 * fabs(e) || (isinf(a) && a == e);
        ok &= T_CHECK(same, "%s: element %llu is %.9g, expected %.9g", what, (unsigned long long)i,
                      a, e);
    }
    return ok;
}

static bool expect_dims(struct one *o, int rank, const int64_t *dims)
{
    const struct op_tensor *y = o->out;
    if (!y || y->rank != rank)
        return T_CHECK(false, "rank %d, expected %d", y ? y->rank : -1, rank);
    for (int d = 0; d < rank; d++)
        if (!T_CHECK(y->dims[d] == dims[d], "dim %d is %lld, expected %lld", d,
                     (long long)y->dims[d], (long long)dims[d]))
            return false;
    return true;
}

/* ---- binary arithmetic and broadcasting ---- */

/* numpy: np.arange(6).reshape(2,3) + [10, 20, 30] */
TEST(elementwise_add_broadcasts_a_row_over_a_matrix)
{
    struct one o;
    if (!T_CHECK(one_new(&o, IR_OP_ADD, 14, 2), "model")) return;
    one_input(&o, 0, IR_F32, 2, (int64_t[]){2, 3}, (double[]){0, 1, 2, 3, 4, 5});
    one_input(&o, 1, IR_F32, 1, (int64_t[]){3}, (double[]){10, 20, 30});
    T_CHECK(one_run(&o) == FY_OK, "run: %s", o.err.message);
    expect_out(&o, IR_F32, 6, (double[]){10, 21, 32, 13, 24, 35}, "add");
    expect_dims(&o, 2, (int64_t[]){2, 3});
    one_free(&o);
}

/* A per-channel bias [2,1,1] on [1,2,2,2] (rows of one channel) and both
 * inputs broadcast ([2,1] with [1,3] -> [2,3]); numpy:
 * np.arange(8).reshape(1,2,2,2) + np.array([100,200]).reshape(2,1,1),
 * np.array([[1],[2]]) * np.array([[1,10,100]]). */
TEST(elementwise_add_and_mul_broadcast_channels_and_both_sides)
{
    struct one o;
    if (!T_CHECK(one_new(&o, IR_OP_ADD, 14, 2), "model")) return;
    one_input(&o, 0, IR_F64, 4, (int64_t[]){1, 2, 2, 2}, (double[]){0, 1, 2, 3, 4, 5, 6, 7});
    one_input(&o, 1, IR_F64, 3, (int64_t[]){2, 1, 1}, (double[]){100, 200});
    T_CHECK(one_run(&o) == FY_OK, "run: %s", o.err.message);
    expect_out(&o, IR_F64, 8, (double[]){100, 101, 102, 103, 204, 205, 206, 207}, "bias");
    one_free(&o);

    if (!T_CHECK(one_new(&o, IR_OP_MUL, 14, 2), "model")) return;
    one_input(&o, 0, IR_I32, 2, (int64_t[]){2, 1}, (double[]){1, 2});
    one_input(&o, 1, IR_I32, 2, (int64_t[]){1, 3}, (double[]){1, 10, 100});
    T_CHECK(one_run(&o) == FY_OK, "run: %s", o.err.message);
    expect_out(&o, IR_I32, 6, (double[]){1, 10, 100, 2, 20, 200}, "outer");
    expect_dims(&o, 2, (int64_t[]){2, 3});
    one_free(&o);
}

/* Shapes that do not broadcast are refused in infer, naming the dims. */
TEST(elementwise_add_refuses_shapes_that_do_not_broadcast)
{
    struct one o;
    if (!T_CHECK(one_new(&o, IR_OP_ADD, 14, 2), "model")) return;
    one_input(&o, 0, IR_F32, 1, (int64_t[]){3}, (double[]){1, 2, 3});
    one_input(&o, 1, IR_F32, 1, (int64_t[]){4}, (double[]){1, 2, 3, 4});
    T_CHECK(one_run(&o) == FY_EINVALID, "must fail");
    T_CHECK(strstr(o.err.message, "broadcast") && !strcmp(o.err.node, "node0"),
            "message names the problem and node: %s / %s", o.err.message, o.err.node);
    one_free(&o);
}

/* Integer Div truncates toward zero (C, ONNX Runtime; numpy np.trunc(a/b)
 * gives -3, -3, -2, 3); float16 computes in float and rounds back. */
TEST(elementwise_div_integers_truncate_and_float16_rounds)
{
    struct one o;
    if (!T_CHECK(one_new(&o, IR_OP_DIV, 14, 2), "model")) return;
    one_input(&o, 0, IR_I64, 1, (int64_t[]){4}, (double[]){-7, 7, -7, 7});
    one_input(&o, 1, IR_I64, 1, (int64_t[]){4}, (double[]){2, -2, 3, 2});
    T_CHECK(one_run(&o) == FY_OK, "run: %s", o.err.message);
    expect_out(&o, IR_I64, 4, (double[]){-3, -3, -2, 3}, "int64 div");
    one_free(&o);

    /* numpy: np.float16(1)/np.float16(3) == 0.33325195 */
    if (!T_CHECK(one_new(&o, IR_OP_DIV, 14, 2), "model")) return;
    one_input(&o, 0, IR_F16, 0, NULL, (double[]){1});
    one_input(&o, 1, IR_F16, 0, NULL, (double[]){3});
    T_CHECK(one_run(&o) == FY_OK, "run: %s", o.err.message);
    expect_out(&o, IR_F16, 1, (double[]){0.33325195}, "f16 div");
    one_free(&o);
}

TEST(elementwise_integer_division_by_zero_is_a_clean_error_naming_the_node)
{
    static const enum ir_op ops[] = {IR_OP_DIV, IR_OP_MOD};
    for (int k = 0; k < 2; k++) {
        struct one o;
        if (!T_CHECK(one_new(&o, ops[k], 14, 2), "model")) return;
        one_input(&o, 0, IR_I32, 1, (int64_t[]){3}, (double[]){1, 2, 3});
        one_input(&o, 1, IR_I32, 1, (int64_t[]){3}, (double[]){1, 0, 1});
        T_CHECK(one_run(&o) == FY_EINVALID, "%s must fail", ir_op_name(ops[k]));
        T_CHECK(strstr(o.err.message, "division by zero") && !strcmp(o.err.node, "node0"),
                "message: %s (node %s)", o.err.message, o.err.node);
        one_free(&o);
    }
}

/* INT64_MIN / -1 overflows in C; it wraps like narrower types do. */
TEST(elementwise_div_int64_min_by_minus_one_wraps)
{
    struct one o;
    if (!T_CHECK(one_new(&o, IR_OP_DIV, 14, 2), "model")) return;
    one_input_i64(&o, 0, IR_I64, 1, (int64_t[]){1}, (int64_t[]){INT64_MIN});
    one_input_i64(&o, 1, IR_I64, 1, (int64_t[]){1}, (int64_t[]){-1});
    T_CHECK(one_run(&o) == FY_OK, "run: %s", o.err.message);
    T_CHECK(o.out && op_get_i64(o.out, 0) == INT64_MIN, "wraps to INT64_MIN");
    one_free(&o);
}

/* ONNX test data test_mod_mixed_sign_int64 and test_mod_int64_fmod:
 * x = [-4, 7, 5, 4, -7, 8], y = [2, -3, 8, -2, 3, 5]. */
TEST(elementwise_mod_sign_follows_divisor_unless_fmod)
{
    for (int fmod = 0; fmod < 2; fmod++) {
        struct one o;
        if (!T_CHECK(one_new(&o, IR_OP_MOD, 13, 2), "model")) return;
        if (fmod) attr_int(&o, "fmod", 1);
        one_input(&o, 0, IR_I64, 1, (int64_t[]){6}, (double[]){-4, 7, 5, 4, -7, 8});
        one_input(&o, 1, IR_I64, 1, (int64_t[]){6}, (double[]){2, -3, 8, -2, 3, 5});
        T_CHECK(one_run(&o) == FY_OK, "run: %s", o.err.message);
        if (fmod)
            expect_out(&o, IR_I64, 6, (double[]){0, 1, 5, 0, -1, 3}, "fmod=1");
        else
            expect_out(&o, IR_I64, 6, (double[]){0, -2, 5, 0, 2, 3}, "fmod=0");
        one_free(&o);
    }
    /* floats need fmod=1 (ONNX Mod) */
    struct one o;
    if (!T_CHECK(one_new(&o, IR_OP_MOD, 13, 2), "model")) return;
    one_input(&o, 0, IR_F32, 1, (int64_t[]){1}, (double[]){1});
    one_input(&o, 1, IR_F32, 1, (int64_t[]){1}, (double[]){2});
    T_CHECK(one_run(&o) == FY_EINVALID && strstr(o.err.message, "fmod"), "refused: %s",
            o.err.message);
    one_free(&o);
}

/* ONNX test data test_pow_types_int32_float32 and test_pow_types_float32_int64;
 * an integer 0 to a negative power is a data fault. */
TEST(elementwise_pow_mixes_base_and_exponent_types)
{
    struct one o;
    if (!T_CHECK(one_new(&o, IR_OP_POW, 15, 2), "model")) return;
    one_input(&o, 0, IR_I32, 1, (int64_t[]){3}, (double[]){1, 2, 3});
    one_input(&o, 1, IR_F32, 1, (int64_t[]){3}, (double[]){4, 5, 6});
    T_CHECK(one_run(&o) == FY_OK, "run: %s", o.err.message);
    expect_out(&o, IR_I32, 3, (double[]){1, 32, 729}, "int32 ** float32");
    one_free(&o);

    if (!T_CHECK(one_new(&o, IR_OP_POW, 15, 2), "model")) return;
    one_input(&o, 0, IR_F32, 1, (int64_t[]){3}, (double[]){1, 2, 3});
    one_input(&o, 1, IR_I64, 1, (int64_t[]){3}, (double[]){4, 5, 6});
    T_CHECK(one_run(&o) == FY_OK, "run: %s", o.err.message);
    expect_out(&o, IR_F32, 3, (double[]){1, 32, 729}, "float32 ** int64");
    one_free(&o);

    if (!T_CHECK(one_new(&o, IR_OP_POW, 15, 2), "model")) return;
    one_input(&o, 0, IR_I64, 1, (int64_t[]){4}, (double[]){2, -1, 5, 0});
    one_input(&o, 1, IR_I64, 1, (int64_t[]){4}, (double[]){10, -3, -1, -1});
    T_CHECK(one_run(&o) == FY_EINVALID && strstr(o.err.message, "negative power"),
            "0 ** -1 refused: %s", o.err.message);
    one_free(&o);
}

/* Before opset 7, Add takes broadcast=1 and axis: B [3] at axis 1 of
 * A [2,3,2] (ONNX Add-6 example shape(A)=(2,3,4,5), shape(B)=(3,4) axis=1);
 * numpy: a + b.reshape(1,3,1). */
TEST(elementwise_legacy_broadcast_aligns_b_at_axis)
{
    struct one o;
    if (!T_CHECK(one_new(&o, IR_OP_ADD, 6, 2), "model")) return;
    attr_int(&o, "broadcast", 1);
    attr_int(&o, "axis", 1);
    one_input(&o, 0, IR_F32, 3, (int64_t[]){2, 3, 2},
              (double[]){0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
    one_input(&o, 1, IR_F32, 1, (int64_t[]){3}, (double[]){100, 200, 300});
    T_CHECK(one_run(&o) == FY_OK, "run: %s", o.err.message);
    expect_out(&o, IR_F32, 12,
               (double[]){100, 101, 202, 203, 304, 305, 106, 107, 208, 209, 310, 311}, "axis 1");
    one_free(&o);

    /* without broadcast=1, opset 6 needs equal shapes */
    if (!T_CHECK(one_new(&o, IR_OP_ADD, 6, 2), "model")) return;
    one_input(&o, 0, IR_F32, 2, (int64_t[]){2, 3}, (double[]){0, 1, 2, 3, 4, 5});
    one_input(&o, 1, IR_F32, 1, (int64_t[]){3}, (double[]){1, 2, 3});
    T_CHECK(one_run(&o) == FY_EINVALID, "refused without broadcast=1: %s", o.err.message);
    one_free(&o);
}

/* ---- comparisons and logic ---- */

/* numpy: np.array([1, 2, 3]) > 2, np.equal, np.less_equal */
TEST(elementwise_comparisons_give_bool)
{
    static const enum ir_op ops[] = {IR_OP_GREATER, IR_OP_EQUAL, IR_OP_LESS_OR_EQUAL};
    static const double want[3][3] = {{0, 0, 1}, {0, 1, 0}, {1, 1, 0}};
    for (int k = 0; k < 3; k++) {
        struct one o;
        if (!T_CHECK(one_new(&o, ops[k], 16, 2), "model")) return;
        one_input(&o, 0, IR_U64, 1, (int64_t[]){3}, (double[]){1, 2, 3});
        one_input(&o, 1, IR_U64, 0, NULL, (double[]){2});
        T_CHECK(one_run(&o) == FY_OK, "run: %s", o.err.message);
        expect_out(&o, IR_BOOL, 3, want[k], ir_op_name(ops[k]));
        one_free(&o);
    }
}

/* ONNX Xor truth table; BitShift (test_bitshift_left_uint8 style): numpy
 * np.left_shift(np.uint8([16, 4, 1]), [1, 2, 8]) == [32, 16, 0]. */
TEST(elementwise_xor_and_bitshift)
{
    struct one o;
    if (!T_CHECK(one_new(&o, IR_OP_XOR, 7, 2), "model")) return;
    one_input(&o, 0, IR_BOOL, 1, (int64_t[]){4}, (double[]){0, 0, 1, 1});
    one_input(&o, 1, IR_BOOL, 1, (int64_t[]){4}, (double[]){0, 1, 0, 1});
    T_CHECK(one_run(&o) == FY_OK, "run: %s", o.err.message);
    expect_out(&o, IR_BOOL, 4, (double[]){0, 1, 1, 0}, "xor");
    one_free(&o);

    if (!T_CHECK(one_new(&o, IR_OP_BIT_SHIFT, 11, 2), "model")) return;
    attr_string(&o, "direction", "LEFT");
    one_input(&o, 0, IR_U8, 1, (int64_t[]){3}, (double[]){16, 4, 1});
    one_input(&o, 1, IR_U8, 1, (int64_t[]){3}, (double[]){1, 2, 8});
    T_CHECK(one_run(&o) == FY_OK, "run: %s", o.err.message);
    expect_out(&o, IR_U8, 3, (double[]){32, 16, 0}, "shift left");
    one_free(&o);
}

/* ---- unary ---- */

/* ONNX Round: half to even; numpy np.round of the same values. */
TEST(elementwise_round_is_half_to_even)
{
    struct one o;
    if (!T_CHECK(one_new(&o, IR_OP_ROUND, 11, 1), "model")) return;
    one_input(&o, 0, IR_F32, 1, (int64_t[]){7}, (double[]){0.5, 1.5, 2.5, -0.5, -1.5, 2.3, -2.7});
    T_CHECK(one_run(&o) == FY_OK, "run: %s", o.err.message);
    expect_out(&o, IR_F32, 7, (double[]){0, 2, 2, -0.0, -2, 2, -3}, "round");
    one_free(&o);
}

/* No overflow at the ends: sigmoid and softplus of -100, 0, 100 (numpy in
 * float64: 1/(1+exp(-x)) and log1p(exp(-|x|)) + max(x, 0)). */
TEST(elementwise_sigmoid_and_softplus_are_finite_at_the_ends)
{
    static const enum ir_op ops[] = {IR_OP_SIGMOID, IR_OP_SOFTPLUS};
    static const double want[2][3] = {{3.720075976e-44, 0.5, 1},
                                      {3.720075976e-44, 0.6931471806, 100}};
    for (int k = 0; k < 2; k++) {
        struct one o;
        if (!T_CHECK(one_new(&o, ops[k], 13, 1), "model")) return;
        one_input(&o, 0, IR_F32, 1, (int64_t[]){3}, (double[]){-100, 0, 100});
        T_CHECK(one_run(&o) == FY_OK, "run: %s", o.err.message);
        expect_out(&o, IR_F32, 3, want[k], ir_op_name(ops[k]));
        one_free(&o);
    }
}

/* Gelu-20 (both approximations), Mish-18, Selu (defaults), HardSwish-14,
 * from their ONNX formulas evaluated with Python's math module in double. */
TEST(elementwise_activations_match_their_formulas)
{
    static const double x[5] = {-3, -0.5, 0, 1, 2.5};
    struct {
        enum ir_op op;
        int64_t opset;
        const char *approx;
        double want[5];
    } rows[] = {
        {IR_OP_GELU,
         20,
         NULL,
         {-0.00404969409489031, -0.15426876936299344, 0, 0.8413447460685429, 2.4844758366855597}},
        {IR_OP_GELU,
         20,
         "tanh",
         {-0.0036373920817729943, -0.15428599017485606, 0, 0.8411919906082768, 2.484915733910001}},
        {IR_OP_MISH,
         18,
         NULL,
         {-0.1456474612756246, -0.22074377465173, 0, 0.8650983882673103, 2.471392304557881}},
        {IR_OP_SELU,
         6,
         NULL,
         {-1.6705687287671118, -0.6917581878028713, 0, 1.0507009873554805, 2.626752468388701}},
        {IR_OP_HARD_SWISH,
         14,
         NULL,
         {0, -0.20833333333333334, 0, 0.6666666666666666, 2.291666666666667}},
    };
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        static const enum ir_dtype dts[] = {IR_F32, IR_F64};
        for (int d = 0; d < 2; d++) {
            struct one o;
            if (!T_CHECK(one_new(&o, rows[r].op, rows[r].opset, 1), "model")) return;
            if (rows[r].approx) attr_string(&o, "approximate", rows[r].approx);
            one_input(&o, 0, dts[d], 1, (int64_t[]){5}, x);
            T_CHECK(one_run(&o) == FY_OK, "run: %s", o.err.message);
            expect_out(&o, dts[d], 5, rows[r].want, ir_op_name(rows[r].op));
            one_free(&o);
        }
    }
}

/* IsInf with detect_negative=0 (ONNX test_isinf_positive); IsNaN. */
TEST(elementwise_isinf_and_isnan)
{
    struct one o;
    if (!T_CHECK(one_new(&o, IR_OP_IS_INF, 10, 1), "model")) return;
    attr_int(&o, "detect_negative", 0);
    one_input(&o, 0, IR_F32, 1, (int64_t[]){4}, (double[]){-INFINITY, INFINITY, NAN, 1});
    T_CHECK(one_run(&o) == FY_OK, "run: %s", o.err.message);
    expect_out(&o, IR_BOOL, 4, (double[]){0, 1, 0, 0}, "isinf positive");
    one_free(&o);

    if (!T_CHECK(one_new(&o, IR_OP_IS_NA_N, 13, 1), "model")) return;
    one_input(&o, 0, IR_F16, 1, (int64_t[]){3}, (double[]){NAN, 1, INFINITY});
    T_CHECK(one_run(&o) == FY_OK, "run: %s", o.err.message);
    expect_out(&o, IR_BOOL, 3, (double[]){1, 0, 0}, "isnan");
    one_free(&o);
}

/* Abs/Neg/Sign on integers wrap like the element type (numpy int8). */
TEST(elementwise_integer_unary_ops)
{
    struct one o;
    if (!T_CHECK(one_new(&o, IR_OP_ABS, 13, 1), "model")) return;
    one_input(&o, 0, IR_I8, 1, (int64_t[]){3}, (double[]){-128, -5, 7});
    T_CHECK(one_run(&o) == FY_OK, "run: %s", o.err.message);
    expect_out(&o, IR_I8, 3, (double[]){-128, 5, 7},
               "abs int8"); /* numpy: abs(int8 -128) is -128 */
    one_free(&o);

    if (!T_CHECK(one_new(&o, IR_OP_SIGN, 13, 1), "model")) return;
    one_input(&o, 0, IR_U32, 1, (int64_t[]){2}, (double[]){0, 4000000000.0});
    T_CHECK(one_run(&o) == FY_OK, "run: %s", o.err.message);
    expect_out(&o, IR_U32, 2, (double[]){0, 1}, "sign uint32");
    one_free(&o);
}

/* Types outside the op's definition at the model's opset are refused,
 * naming the type and opset: Relu takes int32 only from opset 14. */
TEST(elementwise_refuses_types_outside_the_op_definition)
{
    struct one o;
    if (!T_CHECK(one_new(&o, IR_OP_RELU, 13, 1), "model")) return;
    one_input(&o, 0, IR_I32, 1, (int64_t[]){2}, (double[]){-1, 1});
    T_CHECK(one_run(&o) == FY_EUNSUPPORTED, "refused at opset 13");
    T_CHECK(strstr(o.err.message, "int32") && strstr(o.err.message, "13"), "message: %s",
            o.err.message);
    one_free(&o);

    if (!T_CHECK(one_new(&o, IR_OP_RELU, 14, 1), "model")) return;
    one_input(&o, 0, IR_I32, 1, (int64_t[]){2}, (double[]){-1, 1});
    T_CHECK(one_run(&o) == FY_OK, "accepted at opset 14: %s", o.err.message);
    expect_out(&o, IR_I32, 2, (double[]){0, 1}, "relu int32");
    one_free(&o);
}

/* ---- Clip ---- */

/* Opset 6 bounds are attributes (ONNX test_clip example values); opset 13
 * bounds are inputs, here max only on int8 (test_clip_default_int8_max);
 * min > max gives max (ONNX Clip-13 text). */
TEST(elementwise_clip_bounds_as_attributes_and_inputs)
{
    struct one o;
    if (!T_CHECK(one_new(&o, IR_OP_CLIP, 6, 1), "model")) return;
    attr_float(&o, "min", -1);
    attr_float(&o, "max", 1);
    one_input(&o, 0, IR_F32, 1, (int64_t[]){3}, (double[]){-2, 0, 2});
    T_CHECK(one_run(&o) == FY_OK, "run: %s", o.err.message);
    expect_out(&o, IR_F32, 3, (double[]){-1, 0, 1}, "clip-6");
    one_free(&o);

    if (!T_CHECK(one_new(&o, IR_OP_CLIP, 13, 3), "model")) return;
    one_input(&o, 0, IR_I8, 1, (int64_t[]){3}, (double[]){-100, 0, 100});
    one_input(&o, 2, IR_I8, 0, NULL, (double[]){0});
    T_CHECK(one_run(&o) == FY_OK, "run: %s", o.err.message);
    expect_out(&o, IR_I8, 3, (double[]){-100, 0, 0}, "clip-13 max only");
    one_free(&o);

    if (!T_CHECK(one_new(&o, IR_OP_CLIP, 13, 3), "model")) return;
    one_input(&o, 0, IR_F32, 1, (int64_t[]){3}, (double[]){-5, 0, 5});
    one_input(&o, 1, IR_F32, 0, NULL, (double[]){2});
    one_input(&o, 2, IR_F32, 0, NULL, (double[]){1});
    T_CHECK(one_run(&o) == FY_OK, "run: %s", o.err.message);
    expect_out(&o, IR_F32, 3, (double[]){1, 1, 1}, "min > max gives max");
    one_free(&o);
}

/* ---- variadic, PRelu, Where ---- */

/* numpy: np.maximum.reduce of [3,1,2], [[1],[5]] (broadcast), 2.5 and a NaN
 * that wins where it is; Mean of [1,2] and [3,4] is [2,3]. */
TEST(elementwise_max_and_mean_fold_many_inputs)
{
    struct one o;
    if (!T_CHECK(one_new(&o, IR_OP_MAX, 13, 3), "model")) return;
    one_input(&o, 0, IR_F32, 1, (int64_t[]){3}, (double[]){3, 1, NAN});
    one_input(&o, 1, IR_F32, 2, (int64_t[]){2, 1}, (double[]){1, 5});
    one_input(&o, 2, IR_F32, 0, NULL, (double[]){2.5});
    T_CHECK(one_run(&o) == FY_OK, "run: %s", o.err.message);
    expect_out(&o, IR_F32, 6, (double[]){3, 2.5, NAN, 5, 5, NAN}, "max");
    expect_dims(&o, 2, (int64_t[]){2, 3});
    one_free(&o);

    if (!T_CHECK(one_new(&o, IR_OP_MEAN, 13, 2), "model")) return;
    one_input(&o, 0, IR_F16, 1, (int64_t[]){2}, (double[]){1, 2});
    one_input(&o, 1, IR_F16, 1, (int64_t[]){2}, (double[]){3, 4});
    T_CHECK(one_run(&o) == FY_OK, "run: %s", o.err.message);
    expect_out(&o, IR_F16, 2, (double[]){2, 3}, "mean f16");
    one_free(&o);
}

/* PRelu-6 applied a 1-D slope per channel (axis 1); from opset 7 it
 * broadcasts numpy-style. numpy: np.where(x < 0, x * s.reshape(2,1), x). */
TEST(elementwise_prelu_slope_per_channel_and_broadcast)
{
    struct one o;
    if (!T_CHECK(one_new(&o, IR_OP_P_RELU, 6, 2), "model")) return;
    one_input(&o, 0, IR_F32, 3, (int64_t[]){1, 2, 2}, (double[]){-1, 1, -2, 2});
    one_input(&o, 1, IR_F32, 1, (int64_t[]){2}, (double[]){0.5, 0.25});
    T_CHECK(one_run(&o) == FY_OK, "run: %s", o.err.message);
    expect_out(&o, IR_F32, 4, (double[]){-0.5, 1, -0.5, 2}, "prelu-6");
    one_free(&o);

    if (!T_CHECK(one_new(&o, IR_OP_P_RELU, 16, 2), "model")) return;
    one_input(&o, 0, IR_F32, 2, (int64_t[]){2, 2}, (double[]){-1, 1, -2, 2});
    one_input(&o, 1, IR_F32, 1, (int64_t[]){2}, (double[]){0.5, 0.25});
    T_CHECK(one_run(&o) == FY_OK, "run: %s", o.err.message);
    expect_out(&o, IR_F32, 4, (double[]){-0.5, 1, -1, 2}, "prelu-16");
    one_free(&o);
}

/* ONNX Where example (test_where_long_example) with the condition
 * broadcast over rows. */
TEST(elementwise_where_picks_with_broadcast)
{
    struct one o;
    if (!T_CHECK(one_new(&o, IR_OP_WHERE, 16, 3), "model")) return;
    one_input(&o, 0, IR_BOOL, 1, (int64_t[]){2}, (double[]){1, 0});
    one_input(&o, 1, IR_I64, 2, (int64_t[]){2, 2}, (double[]){1, 2, 3, 4});
    one_input(&o, 2, IR_I64, 2, (int64_t[]){2, 2}, (double[]){9, 8, 7, 6});
    T_CHECK(one_run(&o) == FY_OK, "run: %s", o.err.message);
    expect_out(&o, IR_I64, 4, (double[]){1, 8, 3, 6}, "where");
    one_free(&o);
}

/* ---- Cast ---- */

/* numpy: np.float32([1.7, -1.7, 2.5e9]).astype(np.int64) truncates;
 * np.int32([300, -1]).astype(np.uint8) wraps to [44, 255]; float16 and
 * bfloat16 bits (ONNX test_cast_FLOAT_to_BFLOAT16: 0.47892547 -> 16117). */
TEST(elementwise_cast_between_numbers)
{
    struct one o;
    if (!T_CHECK(one_new(&o, IR_OP_CAST, 13, 1), "model")) return;
    attr_int(&o, "to", 7); /* INT64 */
    one_input(&o, 0, IR_F32, 1, (int64_t[]){3}, (double[]){1.7, -1.7, 2.5e9});
    T_CHECK(one_run(&o) == FY_OK, "run: %s", o.err.message);
    expect_out(&o, IR_I64, 3, (double[]){1, -1, 2500000000.0}, "f32 -> i64");
    one_free(&o);

    if (!T_CHECK(one_new(&o, IR_OP_CAST, 13, 1), "model")) return;
    attr_int(&o, "to", 2); /* UINT8 */
    one_input(&o, 0, IR_I32, 1, (int64_t[]){2}, (double[]){300, -1});
    T_CHECK(one_run(&o) == FY_OK, "run: %s", o.err.message);
    expect_out(&o, IR_U8, 2, (double[]){44, 255}, "i32 -> u8");
    one_free(&o);

    if (!T_CHECK(one_new(&o, IR_OP_CAST, 13, 1), "model")) return;
    attr_int(&o, "to", 16); /* BFLOAT16 */
    one_input(&o, 0, IR_F32, 1, (int64_t[]){2}, (double[]){0.47892547, NAN});
    T_CHECK(one_run(&o) == FY_OK, "run: %s", o.err.message);
    if (T_CHECK(o.out && o.out->dtype == IR_BF16, "bf16 out")) {
        const uint16_t *b = o.out->data;
        T_CHECK(b[0] == 16117 && b[1] == 32704, "bits %u %u, expected 16117 32704", b[0], b[1]);
    }
    one_free(&o);

    /* CastLike takes the type of its second input */
    if (!T_CHECK(one_new(&o, IR_OP_CAST_LIKE, 15, 2), "model")) return;
    one_input(&o, 0, IR_F64, 1, (int64_t[]){2}, (double[]){0.1, 65504});
    one_input(&o, 1, IR_F16, 1, (int64_t[]){1}, (double[]){0});
    T_CHECK(one_run(&o) == FY_OK, "run: %s", o.err.message);
    expect_out(&o, IR_F16, 2, (double[]){0.0999755859375, 65504}, "f64 -> f16");
    one_free(&o);
}

/* Float to string as numpy's str() writes float32 (the ONNX test data
 * test_cast_FLOAT_to_STRING: 0.039187793, and str(np.float32(x)) for the
 * rest); string to float reads inf/NaN spellings of test_cast_STRING_to_FLOAT. */
TEST(elementwise_cast_to_and_from_strings)
{
    struct one o;
    if (!T_CHECK(one_new(&o, IR_OP_CAST, 13, 1), "model")) return;
    attr_int(&o, "to", 8); /* STRING */
    static const double v[] = {0.039187793, 1e-5, 123456789.0, 1e16, -2.5, 1, 0.0001, 100};
    static const char *const want[] = {"0.039187793", "1e-05", "123456790.0", "1e+16",
                                       "-2.5",        "1.0",   "1e-04",       "100.0"};
    one_input(&o, 0, IR_F32, 1, (int64_t[]){8}, v);
    T_CHECK(one_run(&o) == FY_OK, "run: %s", o.err.message);
    if (T_CHECK(o.out && o.out->dtype == IR_STRING && o.out->numel == 8, "string out"))
        for (int i = 0; i < 8; i++) {
            struct ir_bytes s = o.out->strings[i];
            T_CHECK(s.size == strlen(want[i]) && !memcmp(s.data, want[i], s.size),
                    "element %d is '%.*s', expected '%s'", i, (int)s.size, (const char *)s.data,
                    want[i]);
        }
    one_free(&o);

    if (!T_CHECK(one_new(&o, IR_OP_CAST, 13, 1), "model")) return;
    attr_int(&o, "to", 1); /* FLOAT */
    static struct ir_bytes text[] = {{(const uint8_t *)"0.47892547", 10},
                                     {(const uint8_t *)"NaN", 3},
                                     {(const uint8_t *)"+INF", 4},
                                     {(const uint8_t *)"-INF", 4},
                                     {(const uint8_t *)"7", 1}};
    one_slot(&o, 0);
    op_tensor_alloc(&o.in[0], IR_STRING, 1, (int64_t[]){5}, &o.err);
    for (int i = 0; i < 5; i++)
        o.in[0].strings[i] = text[i];
    T_CHECK(one_run(&o) == FY_OK, "run: %s", o.err.message);
    expect_out(&o, IR_F32, 5, (double[]){0.47892547, NAN, INFINITY, -INFINITY, 7}, "parse");
    one_free(&o);

    if (!T_CHECK(one_new(&o, IR_OP_CAST, 13, 1), "model")) return;
    attr_int(&o, "to", 1);
    static struct ir_bytes bad[] = {{(const uint8_t *)"12abc", 5}};
    one_slot(&o, 0);
    op_tensor_alloc(&o.in[0], IR_STRING, 1, (int64_t[]){1}, &o.err);
    o.in[0].strings[0] = bad[0];
    T_CHECK(one_run(&o) == FY_EINVALID && strstr(o.err.message, "12abc"),
            "unreadable text refused: %s", o.err.message);
    one_free(&o);
}

/* ---- threads ---- */

/* Big broadcast outputs are split across threads at fixed positions: the
 * result is the same with 1 and 2 threads and matches the formula. */
TEST(elementwise_threads_give_the_same_result)
{
    enum { R = 5, C = 40001 };
    struct one o;
    if (!T_CHECK(one_new(&o, IR_OP_SUB, 14, 2), "model")) return;
    one_slot(&o, 0);
    one_slot(&o, 1);
    op_tensor_alloc(&o.in[0], IR_F32, 2, (int64_t[]){R, C}, &o.err);
    op_tensor_alloc(&o.in[1], IR_F32, 1, (int64_t[]){C}, &o.err);
    float *a = o.in[0].data, *b = o.in[1].data;
    for (int i = 0; i < R * C; i++)
        a[i] = (float)(i % 977) * 0.5f;
    for (int j = 0; j < C; j++)
        b[j] = (float)(j % 13);
    bool ok = true;
    for (int threads = 1; threads <= 2; threads++) {
        T_CHECK(one_run_threads(&o, threads) == FY_OK, "run: %s", o.err.message);
        if (!T_CHECK(o.out && o.out->numel == (uint64_t)R * C, "output")) break;
        const float *y = o.out->data;
        for (int i = 0; i < R * C && ok; i++)
            ok = T_CHECK(y[i] == a[i] - b[i % C], "threads %d element %d", threads, i);
    }
    one_free(&o);
}

/* ---- bad input ---- */

/* Each refusal names what was found and what was expected, at load for
 * attributes and at run for types. */
TEST(elementwise_refuses_bad_attributes_and_inputs)
{
    struct one o;
    if (!T_CHECK(one_new(&o, IR_OP_BIT_SHIFT, 11, 2), "model")) return;
    attr_string(&o, "direction", "UP");
    one_input(&o, 0, IR_U8, 1, (int64_t[]){1}, (double[]){1});
    one_input(&o, 1, IR_U8, 1, (int64_t[]){1}, (double[]){1});
    T_CHECK(one_run(&o) == FY_EINVALID && strstr(o.err.message, "'UP'"), "direction: %s",
            o.err.message);
    one_free(&o);

    if (!T_CHECK(one_new(&o, IR_OP_GELU, 20, 1), "model")) return;
    attr_string(&o, "approximate", "fast");
    one_input(&o, 0, IR_F32, 1, (int64_t[]){1}, (double[]){1});
    T_CHECK(one_run(&o) == FY_EINVALID && strstr(o.err.message, "'fast'"), "approximate: %s",
            o.err.message);
    one_free(&o);

    /* FLOAT8E4M3FN (17) is a type ferry does not hold */
    if (!T_CHECK(one_new(&o, IR_OP_CAST, 19, 1), "model")) return;
    attr_int(&o, "to", 17);
    one_input(&o, 0, IR_F32, 1, (int64_t[]){1}, (double[]){1});
    T_CHECK(one_run(&o) == FY_EUNSUPPORTED && strstr(o.err.message, "float8e4m3fn"), "to: %s",
            o.err.message);
    one_free(&o);

    if (!T_CHECK(one_new(&o, IR_OP_WHERE, 16, 3), "model")) return;
    one_input(&o, 0, IR_I32, 1, (int64_t[]){1}, (double[]){1});
    one_input(&o, 1, IR_F32, 1, (int64_t[]){1}, (double[]){1});
    one_input(&o, 2, IR_F32, 1, (int64_t[]){1}, (double[]){2});
    T_CHECK(one_run(&o) == FY_EINVALID && strstr(o.err.message, "condition has type int32"),
            "condition: %s", o.err.message);
    one_free(&o);

    if (!T_CHECK(one_new(&o, IR_OP_ADD, 14, 2), "model")) return;
    one_input(&o, 0, IR_F32, 1, (int64_t[]){1}, (double[]){1});
    one_input(&o, 1, IR_F64, 1, (int64_t[]){1}, (double[]){1});
    T_CHECK(one_run(&o) == FY_EINVALID && strstr(o.err.message, "float64"), "mixed types: %s",
            o.err.message);
    one_free(&o);
}

/* bfloat16 computes in float32 and rounds back to nearest even (Relu of
 * -1.5, 2.5, and Softsign 1 -> 0.5, exact in bfloat16). */
TEST(elementwise_bfloat16_goes_through_float)
{
    struct one o;
    if (!T_CHECK(one_new(&o, IR_OP_RELU, 14, 1), "model")) return;
    one_input(&o, 0, IR_BF16, 1, (int64_t[]){2}, (double[]){-1.5, 2.5});
    T_CHECK(one_run(&o) == FY_OK, "run: %s", o.err.message);
    expect_out(&o, IR_BF16, 2, (double[]){0, 2.5}, "relu bf16");
    one_free(&o);

    if (!T_CHECK(one_new(&o, IR_OP_SOFTSIGN, 22, 1), "model")) return;
    one_input(&o, 0, IR_BF16, 1, (int64_t[]){1}, (double[]){1});
    T_CHECK(one_run(&o) == FY_OK, "run: %s", o.err.message);
    expect_out(&o, IR_BF16, 1, (double[]){0.5}, "softsign bf16");
    one_free(&o);
}
