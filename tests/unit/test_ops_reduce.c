/* The reduce family (src/ops/reduce.c, softmax.c, topk.c, einsum.c, det.c)
 * and the image family (resize.c, grid_sample.c, roi_align.c, nms.c), one
 * node at a time, for what ONNX's backend test data (1.12) does not cover:
 * opset 18+ forms, empty sets, ties, NaN, integer exactness, thread-count
 * independence and clean errors. Each test says where its expected values
 * come from: the ONNX operator pages and ONNX's test cases, numpy 1.24
 * (/usr/bin/python3), ONNX's reference implementation of Resize run under
 * numpy 1.24, or ONNX Runtime 1.30 (tests/peers). */
#include <math.h>
#include <string.h>

#include "interp/interp.h"
#include "ir/ir.h"
#include "t.h"

#define NR_MAX_IN 6
#define NR_MAX_OUT 2

/* A model holding one node whose inputs are graph inputs x0.. (slots given
 * a value) and whose outputs are y0... */
struct nr {
    struct ir_model *m;
    struct ir_node *n;
    struct interp *ip;
    struct op_tensor in[NR_MAX_IN];
    const struct op_tensor *feed[NR_MAX_IN];
    int n_feed;
    struct op_tensor *out[NR_MAX_OUT];
    int n_out;
    struct fy_error err;
};

static bool nr_new(struct nr *r, enum ir_op op, int64_t opset, int n_in, int n_out)
{
    static const char *const names[NR_MAX_OUT] = {"y0", "y1"};
    memset(r, 0, sizeof *r);
    r->m = ir_model_new(&r->err);
    if (!r->m || ir_model_add_opset(r->m, "", opset, &r->err)) return false;
    struct ir_graph *g = r->m->graph;
    r->n = ir_graph_add_node(g, op, NULL, NULL, "node0", n_in, n_out, &r->err);
    if (!r->n) return false;
    r->n_out = n_out;
    for (int i = 0; i < n_out; i++) {
        struct ir_tensor *y = ir_graph_add_tensor(g, names[i], &r->err);
        if (!y || ir_node_set_output(r->n, i, y, &r->err) || ir_graph_add_output(g, y, &r->err))
            return false;
    }
    return true;
}

/* Input slot i fed with the given values (exact for the integers used). */
static void nr_in(struct nr *r, int i, enum ir_dtype dt, int rank, const int64_t *dims,
                  const double *vals)
{
    static const char *const names[NR_MAX_IN] = {"x0", "x1", "x2", "x3", "x4", "x5"};
    struct ir_tensor *t = ir_graph_add_tensor(r->m->graph, names[i], &r->err);
    if (!t || ir_graph_add_input(r->m->graph, t, &r->err)) return;
    r->n->inputs[i] = t;
    r->feed[r->n_feed++] = &r->in[i];
    op_tensor_alloc(&r->in[i], dt, rank, dims, &r->err);
    for (uint64_t k = 0; vals && k < r->in[i].numel; k++) op_set_f64(&r->in[i], k, vals[k]);
}

static void nr_in_i64(struct nr *r, int i, int rank, const int64_t *dims, const int64_t *vals)
{
    nr_in(r, i, IR_I64, rank, dims, NULL);
    for (uint64_t k = 0; vals && k < r->in[i].numel; k++) op_set_i64(&r->in[i], k, vals[k]);
}

static void nr_attr_int(struct nr *r, const char *name, int64_t v)
{
    struct ir_attr *a = ir_node_add_attr(r->n, name, IR_ATTR_INT, &r->err);
    if (a) a->v.i = v;
}

static void nr_attr_float(struct nr *r, const char *name, float v)
{
    struct ir_attr *a = ir_node_add_attr(r->n, name, IR_ATTR_FLOAT, &r->err);
    if (a) a->v.f = v;
}

static void nr_attr_string(struct nr *r, const char *name, const char *v)
{
    struct ir_attr *a = ir_node_add_attr(r->n, name, IR_ATTR_STRING, &r->err);
    if (a) {
        a->v.s.data = (const uint8_t *)v;
        a->v.s.size = strlen(v);
    }
}

static void nr_attr_ints(struct nr *r, const char *name, int count, const int64_t *v)
{
    struct ir_attr *a = ir_node_add_attr(r->n, name, IR_ATTR_INTS, &r->err);
    int64_t *p = ARENA_ARRAY(&r->m->arena, count ? count : 1, int64_t);
    if (!a || !p) return;
    for (int i = 0; i < count; i++) p[i] = v[i];
    a->v.ints = p;
    a->count = count;
}

static void nr_attr_floats(struct nr *r, const char *name, int count, const float *v)
{
    struct ir_attr *a = ir_node_add_attr(r->n, name, IR_ATTR_FLOATS, &r->err);
    float *p = ARENA_ARRAY(&r->m->arena, count ? count : 1, float);
    if (!a || !p) return;
    for (int i = 0; i < count; i++) p[i] = v[i];
    a->v.floats = p;
    a->count = count;
}

static fy_status nr_run_threads(struct nr *r, int threads)
{
    struct interp_options opt = {.threads = threads};
    interp_destroy(r->ip);
    r->ip = NULL;
    for (int i = 0; i < NR_MAX_OUT; i++) r->out[i] = NULL;
    fy_status st = interp_create(r->m, &opt, &r->ip, &r->err);
    if (st) return st;
    return interp_run(r->ip, r->feed, r->n_feed, r->out, r->n_out, &r->err);
}
static fy_status nr_run(struct nr *r) { return nr_run_threads(r, 1); }

static void nr_free(struct nr *r)
{
    interp_destroy(r->ip);
    for (int i = 0; i < NR_MAX_IN; i++) op_tensor_release(&r->in[i]);
    ir_model_free(r->m);
}

/* Output k against expected dtype, shape and values: |a - e| <= atol +
 * 1e-5 |e|; NaN matches NaN, infinities match exactly. */
static bool expect_tol(struct nr *r, int k, enum ir_dtype dt, int rank, const int64_t *dims,
                       const double *want, double atol, const char *what)
{
    const struct op_tensor *y = r->out[k];
    if (!T_CHECK(y != NULL, "%s: no output (%s)", what, r->err.message)) return false;
    if (!T_CHECK(y->dtype == dt && y->rank == rank, "%s: %s of rank %d, expected %s of rank %d",
                 what, ir_dtype_name(y->dtype), y->rank, ir_dtype_name(dt), rank))
        return false;
    for (int d = 0; d < rank; d++)
        if (!T_CHECK(y->dims[d] == dims[d], "%s: dim %d is %lld, expected %lld", what, d,
                     (long long)y->dims[d], (long long)dims[d]))
            return false;
    bool ok = true;
    for (uint64_t i = 0; i < y->numel; i++) {
        double a = op_get_f64(y, i), e = want[i];
        bool same = (isnan(a) && isnan(e)) || (isinf(e) && a == e) ||
                    fabs(a - e) <= atol + 1e-5 * fabs(e);
        ok &= T_CHECK(same, "%s: element %llu is %.9g, expected %.9g", what,
                      (unsigned long long)i, a, e);
    }
    return ok;
}

static bool expect_out(struct nr *r, int k, enum ir_dtype dt, int rank, const int64_t *dims,
                       const double *want, const char *what)
{
    return expect_tol(r, k, dt, rank, dims, want, 1e-6, what);
}

/* Exact int64 output. */
static bool expect_i64(struct nr *r, int k, int rank, const int64_t *dims, const int64_t *want,
                       const char *what)
{
    const struct op_tensor *y = r->out[k];
    if (!T_CHECK(y != NULL, "%s: no output (%s)", what, r->err.message)) return false;
    if (!T_CHECK(y->dtype == IR_I64 && y->rank == rank, "%s: %s of rank %d", what,
                 ir_dtype_name(y->dtype), y->rank))
        return false;
    for (int d = 0; d < rank; d++)
        if (!T_CHECK(y->dims[d] == dims[d], "%s: dim %d is %lld, expected %lld", what, d,
                     (long long)y->dims[d], (long long)dims[d]))
            return false;
    bool ok = true;
    for (uint64_t i = 0; i < y->numel; i++)
        ok &= T_CHECK(((const int64_t *)y->data)[i] == want[i], "%s: element %llu is %lld, "
                      "expected %lld", what, (unsigned long long)i,
                      (long long)((const int64_t *)y->data)[i], (long long)want[i]);
    return ok;
}

/* The run fails with st and an error that names node0 and contains text. */
static void expect_fail(struct nr *r, fy_status st, const char *text, const char *what)
{
    fy_status got = nr_run(r);
    T_CHECK(got == st, "%s: status %d, expected %d (%s)", what, (int)got, (int)st,
            r->err.message);
    T_CHECK(strstr(r->err.message, text) != NULL, "%s: message '%s' lacks '%s'", what,
            r->err.message, text);
    T_CHECK(!strcmp(r->err.node, "node0"), "%s: error names node '%s'", what, r->err.node);
}

/* ======================= Reduce* ======================= */

/* ReduceSum-13 with an empty axes tensor reduces over every axis unless
 * noop_with_empty_axes is 1 (ONNX ReduceSum-13 page). */
TEST(reduce_sum_empty_axes_input_reduces_all_axes)
{
    struct nr r;
    double x[] = {1, 2, 3, 4, 5, 6};
    if (!T_CHECK(nr_new(&r, IR_OP_REDUCE_SUM, 13, 2, 1), "model")) return;
    nr_in(&r, 0, IR_F32, 2, (int64_t[]){2, 3}, x);
    nr_in_i64(&r, 1, 1, (int64_t[]){0}, NULL);
    T_CHECK(nr_run(&r) == FY_OK, "run: %s", r.err.message);
    expect_out(&r, 0, IR_F32, 2, (int64_t[]){1, 1}, (double[]){21}, "all axes");
    nr_free(&r);
}

/* With noop_with_empty_axes the reduction is the identity but composite
 * reductions keep their elementwise part (ONNX Reduce*-18 pages): LogSum
 * gives log(x), SumSquare x^2, L1 |x|, LogSumExp x. */
TEST(reduce_noop_with_empty_axes_keeps_elementwise_part)
{
    static const struct {
        enum ir_op op;
        double want[3];
    } cases[] = {
        {IR_OP_REDUCE_LOG_SUM, {0, 1, 2}},
        {IR_OP_REDUCE_SUM_SQUARE, {1, 7.3890560989306504, 54.598150033144236}},
        {IR_OP_REDUCE_L1, {1, 2.7182818284590451, 7.3890560989306504}},
        {IR_OP_REDUCE_LOG_SUM_EXP, {1, 2.7182818284590451, 7.3890560989306504}},
        {IR_OP_REDUCE_MAX, {1, 2.7182818284590451, 7.3890560989306504}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct nr r;
        if (!T_CHECK(nr_new(&r, cases[i].op, 18, 1, 1), "model")) return;
        nr_attr_int(&r, "noop_with_empty_axes", 1);
        nr_in(&r, 0, IR_F64, 1, (int64_t[]){3}, (double[]){1, 2.7182818284590451,
                                                              7.3890560989306504});
        T_CHECK(nr_run(&r) == FY_OK, "run: %s", r.err.message);
        expect_tol(&r, 0, IR_F64, 1, (int64_t[]){3}, cases[i].want, 1e-9,
                   ir_op_name(cases[i].op));
        nr_free(&r);
    }
}

/* Reducing an empty set gives the operation's identity (ONNX Reduce* pages,
 * opset 18: 0 for sums, 1 for the product, -inf for max, log-sum and
 * log-sum-exp, +inf for min; mean is undefined: 0/0 here, as numpy gives). */
TEST(reduce_over_empty_set_gives_identity)
{
    static const struct {
        enum ir_op op;
        double want;
    } cases[] = {
        {IR_OP_REDUCE_SUM, 0},          {IR_OP_REDUCE_PROD, 1},
        {IR_OP_REDUCE_MAX, -INFINITY},  {IR_OP_REDUCE_MIN, INFINITY},
        {IR_OP_REDUCE_L1, 0},           {IR_OP_REDUCE_L2, 0},
        {IR_OP_REDUCE_SUM_SQUARE, 0},   {IR_OP_REDUCE_LOG_SUM, -INFINITY},
        {IR_OP_REDUCE_LOG_SUM_EXP, -INFINITY}, {IR_OP_REDUCE_MEAN, NAN},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct nr r;
        if (!T_CHECK(nr_new(&r, cases[i].op, 18, 2, 1), "model")) return;
        nr_in(&r, 0, IR_F32, 3, (int64_t[]){2, 0, 3}, NULL);
        nr_in_i64(&r, 1, 1, (int64_t[]){1}, (int64_t[]){1});
        T_CHECK(nr_run(&r) == FY_OK, "run: %s", r.err.message);
        double w[6];
        for (int k = 0; k < 6; k++) w[k] = cases[i].want;
        expect_out(&r, 0, IR_F32, 3, (int64_t[]){2, 1, 3}, w, ir_op_name(cases[i].op));
        nr_free(&r);
    }
    /* an integer max over nothing is the type's minimum */
    struct nr r;
    if (!T_CHECK(nr_new(&r, IR_OP_REDUCE_MAX, 18, 2, 1), "model")) return;
    nr_in(&r, 0, IR_I32, 2, (int64_t[]){0, 2}, NULL);
    nr_in_i64(&r, 1, 1, (int64_t[]){1}, (int64_t[]){0});
    nr_attr_int(&r, "keepdims", 0);
    T_CHECK(nr_run(&r) == FY_OK, "run: %s", r.err.message);
    expect_out(&r, 0, IR_I32, 1, (int64_t[]){2}, (double[]){-2147483648.0, -2147483648.0},
               "int32 max");
    nr_free(&r);
}

/* ReduceMean-18 takes axes as input 1; numpy: np.mean([[1,2,3],[4,5,9]], 1). */
TEST(reduce_mean_opset18_reads_axes_input)
{
    struct nr r;
    if (!T_CHECK(nr_new(&r, IR_OP_REDUCE_MEAN, 18, 2, 1), "model")) return;
    nr_attr_int(&r, "keepdims", 0);
    nr_in(&r, 0, IR_F32, 2, (int64_t[]){2, 3}, (double[]){1, 2, 3, 4, 5, 9});
    nr_in_i64(&r, 1, 1, (int64_t[]){1}, (int64_t[]){-1});
    T_CHECK(nr_run(&r) == FY_OK, "run: %s", r.err.message);
    expect_out(&r, 0, IR_F32, 1, (int64_t[]){2}, (double[]){2, 6}, "mean");
    nr_free(&r);
}

/* Axes listed twice, out of range, or given as an attribute where ONNX
 * moved them to an input are refused, naming the node. */
TEST(reduce_refuses_bad_axes)
{
    struct nr r;
    double x[] = {1, 2, 3, 4};
    if (!T_CHECK(nr_new(&r, IR_OP_REDUCE_SUM, 13, 2, 1), "model")) return;
    nr_in(&r, 0, IR_F32, 2, (int64_t[]){2, 2}, x);
    nr_in_i64(&r, 1, 1, (int64_t[]){2}, (int64_t[]){1, -1});
    expect_fail(&r, FY_EINVALID, "twice", "duplicate");
    nr_free(&r);

    if (!T_CHECK(nr_new(&r, IR_OP_REDUCE_MAX, 11, 1, 1), "model")) return;
    nr_attr_ints(&r, "axes", 1, (int64_t[]){2});
    nr_in(&r, 0, IR_F32, 2, (int64_t[]){2, 2}, x);
    expect_fail(&r, FY_EINVALID, "out of range", "range");
    nr_free(&r);

    if (!T_CHECK(nr_new(&r, IR_OP_REDUCE_MAX, 18, 1, 1), "model")) return;
    nr_attr_ints(&r, "axes", 1, (int64_t[]){0});
    nr_in(&r, 0, IR_F32, 2, (int64_t[]){2, 2}, x);
    expect_fail(&r, FY_EINVALID, "input 1", "attribute at 18");
    nr_free(&r);
}

/* log(sum(exp(x))) of [1000, 1000, 999] is 1000 + log(2 + e^-1) (numpy:
 * 1000 + np.log(2 + np.exp(-1))), not inf. */
TEST(reduce_logsumexp_is_stable_for_large_values)
{
    struct nr r;
    if (!T_CHECK(nr_new(&r, IR_OP_REDUCE_LOG_SUM_EXP, 13, 1, 1), "model")) return;
    nr_in(&r, 0, IR_F32, 1, (int64_t[]){3}, (double[]){1000, 1000, 999});
    nr_attr_int(&r, "keepdims", 0);
    T_CHECK(nr_run(&r) == FY_OK, "run: %s", r.err.message);
    expect_out(&r, 0, IR_F32, 0, NULL, (double[]){1000.8619948040598}, "lse");
    nr_free(&r);
}

/* int64 sums stay exact past 2^53 (numpy: np.sum([2**60, 1, 1]) is 2**60+2). */
TEST(reduce_sum_int64_is_exact)
{
    struct nr r;
    if (!T_CHECK(nr_new(&r, IR_OP_REDUCE_SUM, 13, 1, 1), "model")) return;
    nr_in_i64(&r, 0, 1, (int64_t[]){3}, (int64_t[]){(int64_t)1 << 60, 1, 1});
    nr_attr_int(&r, "keepdims", 0);
    T_CHECK(nr_run(&r) == FY_OK, "run: %s", r.err.message);
    expect_i64(&r, 0, 0, NULL, (int64_t[]){((int64_t)1 << 60) + 2}, "sum");
    nr_free(&r);
}

/* numpy: np.mean([[1, 2], [-1, -2]], 1).astype(np.int32) is [1, -1]. */
TEST(reduce_mean_int32_truncates_toward_zero)
{
    struct nr r;
    if (!T_CHECK(nr_new(&r, IR_OP_REDUCE_MEAN, 13, 1, 1), "model")) return;
    nr_attr_ints(&r, "axes", 1, (int64_t[]){1});
    nr_attr_int(&r, "keepdims", 0);
    nr_in(&r, 0, IR_I32, 2, (int64_t[]){2, 2}, (double[]){1, 2, -1, -2});
    T_CHECK(nr_run(&r) == FY_OK, "run: %s", r.err.message);
    expect_out(&r, 0, IR_I32, 1, (int64_t[]){2}, (double[]){1, -1}, "mean");
    nr_free(&r);
}

/* NaN propagates through max and min (numpy: np.max([1, nan, 3]) is nan). */
TEST(reduce_max_min_propagate_nan)
{
    enum ir_op ops[] = {IR_OP_REDUCE_MAX, IR_OP_REDUCE_MIN};
    for (int i = 0; i < 2; i++) {
        struct nr r;
        if (!T_CHECK(nr_new(&r, ops[i], 13, 1, 1), "model")) return;
        nr_in(&r, 0, IR_F32, 2, (int64_t[]){2, 3}, (double[]){1, NAN, 3, 4, 5, 6});
        nr_attr_ints(&r, "axes", 1, (int64_t[]){1});
        T_CHECK(nr_run(&r) == FY_OK, "run: %s", r.err.message);
        expect_out(&r, 0, IR_F32, 2, (int64_t[]){2, 1}, (double[]){NAN, i ? 4 : 6},
                   ir_op_name(ops[i]));
        nr_free(&r);
    }
}

/* A reduction over a middle axis gives the same bits with 1 and 4 threads,
 * and the right values (numpy: x.sum(1) with x[i,j,k] = (i*7 + j*3 + k) % 11
 * - 5 over [3, 700, 40], checked at a few places). */
TEST(reduce_middle_axis_is_independent_of_threads)
{
    static double x[3 * 700 * 40];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 700; j++)
            for (int k = 0; k < 40; k++) x[(i * 700 + j) * 40 + k] = (i * 7 + j * 3 + k) % 11 - 5 + 0.25;
    struct op_tensor first = {0};
    for (int pass = 0; pass < 2; pass++) {
        struct nr r;
        if (!T_CHECK(nr_new(&r, IR_OP_REDUCE_SUM, 11, 1, 1), "model")) return;
        nr_attr_ints(&r, "axes", 1, (int64_t[]){1});
        nr_in(&r, 0, IR_F32, 3, (int64_t[]){3, 700, 40}, x);
        T_CHECK(nr_run_threads(&r, pass ? 4 : 1) == FY_OK, "run: %s", r.err.message);
        if (r.out[0] && pass == 0) {
            op_tensor_alloc(&first, IR_F32, r.out[0]->rank, r.out[0]->dims, &r.err);
            memcpy(first.data, r.out[0]->data, (size_t)first.nbytes);
            /* sum over j of ((i*7 + j*3 + k) % 11 - 5) + 700 * 0.25, exact in float */
            for (int i = 0; i < 3; i += 2)
                for (int k = 0; k < 40; k += 13) {
                    double s = 0;
                    for (int j = 0; j < 700; j++) s += (i * 7 + j * 3 + k) % 11 - 5 + 0.25;
                    T_CHECK(op_get_f64(r.out[0], (uint64_t)(i * 40 + k)) == s,
                            "sum at %d,%d is %g, expected %g", i, k,
                            op_get_f64(r.out[0], (uint64_t)(i * 40 + k)), s);
                }
        } else if (r.out[0]) {
            T_CHECK(r.out[0]->nbytes == first.nbytes &&
                        !memcmp(r.out[0]->data, first.data, (size_t)first.nbytes),
                    "4 threads give other bits than 1");
        }
        nr_free(&r);
    }
    op_tensor_release(&first);
}

/* ======================= ArgMax, ArgMin ======================= */

/* Ties: the first index, or the last with select_last_index (ONNX ArgMax
 * page); NaN counts as the maximum and the minimum (numpy's argmax/argmin
 * return the first NaN). */
TEST(argmax_argmin_ties_and_nan)
{
    static const struct {
        enum ir_op op;
        int last;
        double x[5];
        int64_t want;
    } cases[] = {
        {IR_OP_ARG_MAX, 0, {1, 3, 3, 2, 0}, 1}, {IR_OP_ARG_MAX, 1, {1, 3, 3, 2, 0}, 2},
        {IR_OP_ARG_MIN, 0, {1, 0, 3, 0, 2}, 1}, {IR_OP_ARG_MIN, 1, {1, 0, 3, 0, 2}, 3},
        {IR_OP_ARG_MAX, 0, {1, NAN, 3, NAN, 2}, 1}, {IR_OP_ARG_MIN, 0, {1, NAN, 3, NAN, 2}, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct nr r;
        if (!T_CHECK(nr_new(&r, cases[i].op, 13, 1, 1), "model")) return;
        nr_attr_int(&r, "select_last_index", cases[i].last);
        nr_attr_int(&r, "keepdims", 0);
        nr_in(&r, 0, IR_F32, 1, (int64_t[]){5}, cases[i].x);
        T_CHECK(nr_run(&r) == FY_OK, "run: %s", r.err.message);
        expect_i64(&r, 0, 0, NULL, &cases[i].want, ir_op_name(cases[i].op));
        nr_free(&r);
    }
}

TEST(argmax_over_empty_axis_fails_cleanly)
{
    struct nr r;
    if (!T_CHECK(nr_new(&r, IR_OP_ARG_MAX, 13, 1, 1), "model")) return;
    nr_attr_int(&r, "axis", 1);
    nr_in(&r, 0, IR_F32, 2, (int64_t[]){2, 0}, NULL);
    expect_fail(&r, FY_EINVALID, "length 0", "empty axis");
    nr_free(&r);
}

/* ======================= TopK ======================= */

/* Equal values come in index order, largest or smallest (ONNX TopK-11
 * page); numpy: stable argsort of -x / x. */
TEST(topk_ties_keep_index_order)
{
    double x[] = {3, 1, 3, 2, 3, 1};
    struct nr r;
    if (!T_CHECK(nr_new(&r, IR_OP_TOP_K, 11, 2, 2), "model")) return;
    nr_in(&r, 0, IR_F32, 1, (int64_t[]){6}, x);
    nr_in_i64(&r, 1, 1, (int64_t[]){1}, (int64_t[]){4});
    T_CHECK(nr_run(&r) == FY_OK, "run: %s", r.err.message);
    expect_out(&r, 0, IR_F32, 1, (int64_t[]){4}, (double[]){3, 3, 3, 2}, "largest values");
    expect_i64(&r, 1, 1, (int64_t[]){4}, (int64_t[]){0, 2, 4, 3}, "largest indices");
    nr_free(&r);

    if (!T_CHECK(nr_new(&r, IR_OP_TOP_K, 11, 2, 2), "model")) return;
    nr_attr_int(&r, "largest", 0);
    nr_in(&r, 0, IR_I32, 1, (int64_t[]){6}, x);
    nr_in_i64(&r, 1, 1, (int64_t[]){1}, (int64_t[]){3});
    T_CHECK(nr_run(&r) == FY_OK, "run: %s", r.err.message);
    expect_out(&r, 0, IR_I32, 1, (int64_t[]){3}, (double[]){1, 1, 2}, "smallest values");
    expect_i64(&r, 1, 1, (int64_t[]){3}, (int64_t[]){1, 5, 3}, "smallest indices");
    nr_free(&r);
}

/* TopK-1 takes k as an attribute; along axis 0 of [[1,5],[4,2],[3,3]] the
 * top 2 are [[4,5],[3,3]] at [[1,0],[2,2]] (numpy). */
TEST(topk_opset1_attribute_and_inner_axis)
{
    struct nr r;
    if (!T_CHECK(nr_new(&r, IR_OP_TOP_K, 1, 1, 2), "model")) return;
    nr_attr_int(&r, "k", 2);
    nr_attr_int(&r, "axis", 0);
    nr_in(&r, 0, IR_F32, 2, (int64_t[]){3, 2}, (double[]){1, 5, 4, 2, 3, 3});
    T_CHECK(nr_run(&r) == FY_OK, "run: %s", r.err.message);
    expect_out(&r, 0, IR_F32, 2, (int64_t[]){2, 2}, (double[]){4, 5, 3, 3}, "values");
    expect_i64(&r, 1, 2, (int64_t[]){2, 2}, (int64_t[]){1, 0, 2, 2}, "indices");
    nr_free(&r);
}

TEST(topk_refuses_k_beyond_axis)
{
    struct nr r;
    if (!T_CHECK(nr_new(&r, IR_OP_TOP_K, 11, 2, 2), "model")) return;
    nr_in(&r, 0, IR_F32, 1, (int64_t[]){3}, (double[]){1, 2, 3});
    nr_in_i64(&r, 1, 1, (int64_t[]){1}, (int64_t[]){4});
    expect_fail(&r, FY_EINVALID, "K is 4", "k > n");
    nr_free(&r);
}

/* ======================= CumSum ======================= */

/* numpy: x = [[1,2,3],[4,5,6]]; exclusive + reverse along axis -1 is
 * np.flip(np.cumsum(np.flip(x, 1), 1), 1) - x = [[5,3,0],[11,6,0]]. */
TEST(cumsum_exclusive_reverse_along_last_axis)
{
    enum ir_dtype types[] = {IR_F32, IR_I32};
    for (int t = 0; t < 2; t++) {
        struct nr r;
        if (!T_CHECK(nr_new(&r, IR_OP_CUM_SUM, 14, 2, 1), "model")) return;
        nr_attr_int(&r, "exclusive", 1);
        nr_attr_int(&r, "reverse", 1);
        nr_in(&r, 0, types[t], 2, (int64_t[]){2, 3}, (double[]){1, 2, 3, 4, 5, 6});
        nr_in(&r, 1, IR_I32, 0, NULL, (double[]){-1});
        T_CHECK(nr_run(&r) == FY_OK, "run: %s", r.err.message);
        expect_out(&r, 0, types[t], 2, (int64_t[]){2, 3}, (double[]){5, 3, 0, 11, 6, 0},
                   ir_dtype_name(types[t]));
        nr_free(&r);
    }
}

/* ======================= Einsum ======================= */

static void einsum_case(const char *eq, int n_in, const int *ranks, const int64_t dims[][4],
                        const double *const *vals, int out_rank, const int64_t *out_dims,
                        const double *want)
{
    struct nr r;
    if (!T_CHECK(nr_new(&r, IR_OP_EINSUM, 12, n_in, 1), "model")) return;
    nr_attr_string(&r, "equation", eq);
    for (int i = 0; i < n_in; i++) nr_in(&r, i, IR_F32, ranks[i], dims[i], vals[i]);
    T_CHECK(nr_run(&r) == FY_OK, "%s: %s", eq, r.err.message);
    expect_out(&r, 0, IR_F32, out_rank, out_dims, want, eq);
    nr_free(&r);
}

/* Values from numpy's np.einsum with the same equations. */
TEST(einsum_implicit_output_diagonals_and_ellipsis)
{
    static const double a23[] = {1, 2, 3, 4, 5, 6};
    static const double b33[] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    /* implicit: letters once, ASCII order: "ba" -> "ab", a transpose */
    einsum_case("ba", 1, (int[]){2}, (const int64_t[][4]){{2, 3}}, (const double *[]){a23}, 2,
                (int64_t[]){3, 2}, (double[]){1, 4, 2, 5, 3, 6});
    /* uppercase sorts before lowercase: "aB" -> "Ba" */
    einsum_case("aB", 1, (int[]){2}, (const int64_t[][4]){{2, 3}}, (const double *[]){a23}, 2,
                (int64_t[]){3, 2}, (double[]){1, 4, 2, 5, 3, 6});
    /* a repeated letter walks the diagonal; alone it is the trace */
    einsum_case("ii->i", 1, (int[]){2}, (const int64_t[][4]){{3, 3}}, (const double *[]){b33},
                1, (int64_t[]){3}, (double[]){1, 5, 9});
    einsum_case("ii", 1, (int[]){2}, (const int64_t[][4]){{3, 3}}, (const double *[]){b33}, 0,
                NULL, (double[]){15});
    /* '...' broadcasts: [2,1,3] x [2,3,1]... : np.einsum('...j,...j->...', a, b) with
     * a = arange(6).reshape(2,1,3), b = arange(3) */
    static const double a213[] = {0, 1, 2, 3, 4, 5}, b3[] = {0, 1, 2};
    einsum_case("...j,...j->...", 2, (int[]){3, 1}, (const int64_t[][4]){{2, 1, 3}, {3}},
                (const double *[]){a213, b3}, 2, (int64_t[]){2, 1}, (double[]){5, 14});
    /* three operands and an outer product: np.einsum('i,j,j->i', [1,2], [1,2,3], [3,2,1]) */
    static const double v2[] = {1, 2}, v3[] = {1, 2, 3}, w3[] = {3, 2, 1};
    einsum_case("i,j,j->i", 3, (int[]){1, 1, 1}, (const int64_t[][4]){{2}, {3}, {3}},
                (const double *[]){v2, v3, w3}, 1, (int64_t[]){2}, (double[]){10, 20});
    einsum_case("i , j -> j i", 2, (int[]){1, 1}, (const int64_t[][4]){{2}, {3}},
                (const double *[]){v2, v3}, 2, (int64_t[]){3, 2},
                (double[]){1, 2, 2, 4, 3, 6});
}

/* Two float32 operands take the batched-matmul fast path (sgemm); float64
 * takes the reference loop. Both must agree, for a plain batched product
 * and for a transposed output with two contracted letters. */
TEST(einsum_matmul_fast_path_matches_reference_loop)
{
    static const struct {
        const char *eq;
        int ra, rb;
        int64_t da[4], db[4];
    } cases[] = {
        {"bij,bjk->bik", 3, 3, {2, 5, 7}, {2, 7, 3}},
        {"abcd,cdef->fbae", 4, 4, {2, 3, 4, 5}, {4, 5, 2, 3}},
    };
    static double va[256], vb[256];
    for (int i = 0; i < 256; i++) {
        va[i] = ((i * 37) % 17) / 8.0 - 1;
        vb[i] = ((i * 11) % 13) / 6.0 - 1;
    }
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct nr f, d;
        if (!T_CHECK(nr_new(&f, IR_OP_EINSUM, 12, 2, 1) && nr_new(&d, IR_OP_EINSUM, 12, 2, 1),
                     "model"))
            return;
        nr_attr_string(&f, "equation", cases[k].eq);
        nr_attr_string(&d, "equation", cases[k].eq);
        nr_in(&f, 0, IR_F32, cases[k].ra, cases[k].da, va);
        nr_in(&f, 1, IR_F32, cases[k].rb, cases[k].db, vb);
        nr_in(&d, 0, IR_F64, cases[k].ra, cases[k].da, va);
        nr_in(&d, 1, IR_F64, cases[k].rb, cases[k].db, vb);
        T_CHECK(nr_run_threads(&f, 2) == FY_OK, "f32: %s", f.err.message);
        T_CHECK(nr_run(&d) == FY_OK, "f64: %s", d.err.message);
        if (f.out[0] && d.out[0]) {
            double want[256];
            for (uint64_t i = 0; i < d.out[0]->numel && i < 256; i++)
                want[i] = op_get_f64(d.out[0], i);
            expect_tol(&f, 0, IR_F32, d.out[0]->rank, d.out[0]->dims, want, 1e-5, cases[k].eq);
        }
        nr_free(&f);
        nr_free(&d);
    }
}

TEST(einsum_refuses_bad_equations)
{
    struct nr r;
    double x[] = {1, 2, 3, 4};
    if (!T_CHECK(nr_new(&r, IR_OP_EINSUM, 12, 1, 1), "model")) return;
    nr_attr_string(&r, "equation", "ij->ik");
    nr_in(&r, 0, IR_F32, 2, (int64_t[]){2, 2}, x);
    expect_fail(&r, FY_EINVALID, "no operand has", "unknown output letter");
    nr_free(&r);

    if (!T_CHECK(nr_new(&r, IR_OP_EINSUM, 12, 1, 1), "model")) return;
    nr_attr_string(&r, "equation", "ij,jk->ik");
    nr_in(&r, 0, IR_F32, 2, (int64_t[]){2, 2}, x);
    expect_fail(&r, FY_EINVALID, "2 operands", "operand count");
    nr_free(&r);

    if (!T_CHECK(nr_new(&r, IR_OP_EINSUM, 12, 2, 1), "model")) return;
    nr_attr_string(&r, "equation", "ij,jk->ik");
    nr_in(&r, 0, IR_F32, 2, (int64_t[]){2, 2}, x);
    nr_in(&r, 1, IR_F32, 2, (int64_t[]){3, 1}, (double[]){1, 2, 3});
    expect_fail(&r, FY_EINVALID, "letter 'j'", "length mismatch");
    nr_free(&r);
}

/* ======================= Softmax, LogSoftmax, Hardmax ======================= */

/* Softmax-11 with axis 1 on [1,2,2] normalizes the 4 trailing values as one
 * row; Softmax-13 normalizes along dim 1 only (numpy: exp(x)/sum). */
TEST(softmax_opset11_coerces_to_2d_opset13_uses_one_axis)
{
    double x[] = {0, 1, 2, 3};
    struct nr r;
    if (!T_CHECK(nr_new(&r, IR_OP_SOFTMAX, 11, 1, 1), "model")) return;
    nr_attr_int(&r, "axis", 1);
    nr_in(&r, 0, IR_F32, 3, (int64_t[]){1, 2, 2}, x);
    T_CHECK(nr_run(&r) == FY_OK, "run: %s", r.err.message);
    expect_out(&r, 0, IR_F32, 3, (int64_t[]){1, 2, 2},
               (double[]){0.032058603280084995, 0.087144318742032567, 0.23688281808991013,
                          0.64391425988797231},
               "opset 11");
    nr_free(&r);

    if (!T_CHECK(nr_new(&r, IR_OP_SOFTMAX, 13, 1, 1), "model")) return;
    nr_attr_int(&r, "axis", 1);
    nr_in(&r, 0, IR_F32, 3, (int64_t[]){1, 2, 2}, x);
    T_CHECK(nr_run(&r) == FY_OK, "run: %s", r.err.message);
    expect_out(&r, 0, IR_F32, 3, (int64_t[]){1, 2, 2},
               (double[]){0.11920292202211755, 0.11920292202211755, 0.88079707797788243,
                          0.88079707797788243},
               "opset 13");
    nr_free(&r);
}

/* Hardmax marks the first of equal maxima (ONNX Hardmax page); LogSoftmax
 * of [1000, 1001] is [-1.3132617, -0.3132617] (numpy, shifted by the max). */
TEST(hardmax_ties_and_logsoftmax_large_values)
{
    struct nr r;
    if (!T_CHECK(nr_new(&r, IR_OP_HARDMAX, 13, 1, 1), "model")) return;
    nr_in(&r, 0, IR_F32, 2, (int64_t[]){2, 3}, (double[]){1, 3, 3, 2, 2, 2});
    T_CHECK(nr_run(&r) == FY_OK, "run: %s", r.err.message);
    expect_out(&r, 0, IR_F32, 2, (int64_t[]){2, 3}, (double[]){0, 1, 0, 1, 0, 0}, "hardmax");
    nr_free(&r);

    if (!T_CHECK(nr_new(&r, IR_OP_LOG_SOFTMAX, 13, 1, 1), "model")) return;
    nr_in(&r, 0, IR_F32, 1, (int64_t[]){2}, (double[]){1000, 1001});
    T_CHECK(nr_run(&r) == FY_OK, "run: %s", r.err.message);
    expect_out(&r, 0, IR_F32, 1, (int64_t[]){2}, (double[]){-1.3132616875182228,
                                                             -0.31326168751822286},
               "logsoftmax");
    nr_free(&r);
}

/* ======================= Det ======================= */

/* numpy: np.linalg.det of [[2,1,0],[1,3,1],[0,1,4]] is 18, of a singular
 * matrix 0, of a 0x0 matrix 1. */
TEST(det_batches_singular_and_empty)
{
    struct nr r;
    if (!T_CHECK(nr_new(&r, IR_OP_DET, 11, 1, 1), "model")) return;
    nr_in(&r, 0, IR_F64, 3, (int64_t[]){2, 3, 3},
          (double[]){2, 1, 0, 1, 3, 1, 0, 1, 4, 1, 2, 3, 2, 4, 6, 0, 1, 1});
    T_CHECK(nr_run(&r) == FY_OK, "run: %s", r.err.message);
    expect_tol(&r, 0, IR_F64, 1, (int64_t[]){2}, (double[]){18, 0}, 1e-12, "det");
    nr_free(&r);

    if (!T_CHECK(nr_new(&r, IR_OP_DET, 11, 1, 1), "model")) return;
    nr_in(&r, 0, IR_F32, 2, (int64_t[]){0, 0}, NULL);
    T_CHECK(nr_run(&r) == FY_OK, "run: %s", r.err.message);
    expect_out(&r, 0, IR_F32, 0, NULL, (double[]){1}, "0x0");
    nr_free(&r);

    if (!T_CHECK(nr_new(&r, IR_OP_DET, 11, 1, 1), "model")) return;
    nr_in(&r, 0, IR_F32, 2, (int64_t[]){2, 3}, (double[]){1, 2, 3, 4, 5, 6});
    expect_fail(&r, FY_EINVALID, "[*, M, M]", "non-square");
    nr_free(&r);
}

/* ======================= Resize, Upsample ======================= */

/* Runs Resize of x (float32) with scales or sizes (one of them NULL). */
static void resize_case(int64_t opset, const char *mode, int rank, const int64_t *dims,
                        const double *x, const double *scales, const int64_t *sizes, int n,
                        const char *const *attrs, int out_rank, const int64_t *out_dims,
                        const double *want, const char *what)
{
    struct nr r;
    if (!T_CHECK(nr_new(&r, IR_OP_RESIZE, opset, sizes ? 4 : 3, 1), "model")) return;
    nr_attr_string(&r, "mode", mode);
    for (int i = 0; attrs && attrs[i]; i += 2) nr_attr_string(&r, attrs[i], attrs[i + 1]);
    nr_in(&r, 0, IR_F32, rank, dims, x);
    if (scales) nr_in(&r, 2, IR_F32, 1, (int64_t[]){n}, scales);
    if (sizes) nr_in_i64(&r, 3, 1, (int64_t[]){n}, sizes);
    T_CHECK(nr_run(&r) == FY_OK, "%s: %s", what, r.err.message);
    expect_tol(&r, 0, IR_F32, out_rank, out_dims, want, 1e-5, what);
    nr_free(&r);
}

/* Antialiased downsampling (Resize-18); expected values from ONNX's
 * reference implementation (onnx.reference op_resize, run with numpy 1.24)
 * on the ONNX test case's data, 1..16 in 4x4. */
TEST(resize_antialias_linear_and_cubic)
{
    double x[16];
    for (int i = 0; i < 16; i++) x[i] = i + 1;
    struct nr r;
    if (!T_CHECK(nr_new(&r, IR_OP_RESIZE, 18, 3, 1), "model")) return;
    nr_attr_string(&r, "mode", "linear");
    nr_attr_int(&r, "antialias", 1);
    nr_in(&r, 0, IR_F32, 4, (int64_t[]){1, 1, 4, 4}, x);
    nr_in(&r, 2, IR_F32, 1, (int64_t[]){4}, (double[]){1, 1, 0.6, 0.6});
    T_CHECK(nr_run(&r) == FY_OK, "run: %s", r.err.message);
    expect_tol(&r, 0, IR_F32, 4, (int64_t[]){1, 1, 2, 2},
               (double[]){2.874999930150805, 4.4999998778932575, 9.374999721120613,
                          10.999999668863067},
               1e-5, "linear");
    nr_free(&r);

    if (!T_CHECK(nr_new(&r, IR_OP_RESIZE, 18, 4, 1), "model")) return;
    nr_attr_string(&r, "mode", "cubic");
    nr_attr_int(&r, "antialias", 1);
    nr_in(&r, 0, IR_F32, 4, (int64_t[]){1, 1, 4, 4}, x);
    nr_in_i64(&r, 3, 1, (int64_t[]){4}, (int64_t[]){1, 1, 3, 3});
    T_CHECK(nr_run(&r) == FY_OK, "run: %s", r.err.message);
    expect_tol(&r, 0, IR_F32, 4, (int64_t[]){1, 1, 3, 3},
               (double[]){1.7750091608647856, 3.1200073286918286, 4.465005496518872,
                          7.155001832172958, 8.5, 9.844998167827045, 12.53499450348113,
                          13.879992671308171, 15.224990839135216},
               1e-5, "cubic");
    nr_free(&r);
}

/* keep_aspect_ratio_policy with axes (Resize-18): sizes [7, 3] for the last
 * two axes of a 2x4 image; not_larger scales both by 3/4 (2x3), not_smaller
 * sizes [3, 3] by 3/2 (3x6). Reference implementation values (numpy 1.24). */
TEST(resize_keep_aspect_ratio_with_axes)
{
    double x[] = {1, 2, 3, 4, 5, 6, 7, 8};
    struct nr r;
    if (!T_CHECK(nr_new(&r, IR_OP_RESIZE, 18, 4, 1), "model")) return;
    nr_attr_string(&r, "keep_aspect_ratio_policy", "not_larger");
    nr_attr_ints(&r, "axes", 2, (int64_t[]){2, 3});
    nr_in(&r, 0, IR_F32, 4, (int64_t[]){1, 1, 2, 4}, x);
    nr_in_i64(&r, 3, 1, (int64_t[]){2}, (int64_t[]){7, 3});
    T_CHECK(nr_run(&r) == FY_OK, "run: %s", r.err.message);
    expect_out(&r, 0, IR_F32, 4, (int64_t[]){1, 1, 2, 3}, (double[]){1, 2, 4, 5, 6, 8},
               "not_larger");
    nr_free(&r);

    if (!T_CHECK(nr_new(&r, IR_OP_RESIZE, 18, 4, 1), "model")) return;
    nr_attr_string(&r, "keep_aspect_ratio_policy", "not_smaller");
    nr_attr_ints(&r, "axes", 2, (int64_t[]){-2, -1});
    nr_in(&r, 0, IR_F32, 4, (int64_t[]){1, 1, 2, 4}, x);
    nr_in_i64(&r, 3, 1, (int64_t[]){2}, (int64_t[]){3, 3});
    T_CHECK(nr_run(&r) == FY_OK, "run: %s", r.err.message);
    expect_out(&r, 0, IR_F32, 4, (int64_t[]){1, 1, 3, 6},
               (double[]){1, 1, 2, 3, 3, 4, 1, 1, 2, 3, 3, 4, 5, 5, 6, 7, 7, 8}, "not_smaller");
    nr_free(&r);
}

/* Scales for a subset of axes, half_pixel_symmetric (Resize-19) and
 * tf_crop_and_resize's extrapolation; reference implementation values. */
TEST(resize_axes_symmetric_and_crop)
{
    double x23[] = {1, 2, 4, 3, 5, 9}, x14[] = {1, 2, 3, 4};
    struct nr r;
    if (!T_CHECK(nr_new(&r, IR_OP_RESIZE, 18, 3, 1), "model")) return;
    nr_attr_string(&r, "mode", "linear");
    nr_attr_ints(&r, "axes", 1, (int64_t[]){1});
    nr_in(&r, 0, IR_F32, 2, (int64_t[]){2, 3}, x23);
    nr_in(&r, 2, IR_F32, 1, (int64_t[]){1}, (double[]){2});
    T_CHECK(nr_run(&r) == FY_OK, "run: %s", r.err.message);
    expect_out(&r, 0, IR_F32, 2, (int64_t[]){2, 6},
               (double[]){1, 1.25, 1.75, 2.5, 3.5, 4, 3, 3.5, 4.5, 6, 8, 9}, "axes");
    nr_free(&r);

    static const char *const sym[] = {"coordinate_transformation_mode", "half_pixel_symmetric",
                                      NULL};
    resize_case(19, "linear", 2, (int64_t[]){1, 4}, x14, (double[]){1, 0.6}, NULL, 2, sym, 2,
                (int64_t[]){1, 2}, (double[]){1.666666699780357, 3.3333333002196435},
                "half_pixel_symmetric");

    if (!T_CHECK(nr_new(&r, IR_OP_RESIZE, 13, 4, 1), "model")) return;
    nr_attr_string(&r, "mode", "linear");
    nr_attr_string(&r, "coordinate_transformation_mode", "tf_crop_and_resize");
    nr_attr_float(&r, "extrapolation_value", -1);
    nr_in(&r, 0, IR_F32, 2, (int64_t[]){1, 4}, x14);
    nr_in(&r, 1, IR_F32, 1, (int64_t[]){4}, (double[]){0, 0.5, 1, 1.5});
    nr_in_i64(&r, 3, 1, (int64_t[]){2}, (int64_t[]){1, 3});
    T_CHECK(nr_run(&r) == FY_OK, "run: %s", r.err.message);
    expect_out(&r, 0, IR_F32, 2, (int64_t[]){1, 3}, (double[]){2.5, 4, -1}, "crop");
    nr_free(&r);
}

/* Resize-10 and Upsample take nearest as floor, and ceil when downsampling
 * (ONNX Runtime 1.30 gives [1, 3, 5] for scale 0.6 on [1..5]); Upsample-7
 * reads its scales attribute: [1, 2] by 2.5 is [1, 1, 1, 2, 2]. */
TEST(resize10_and_upsample7_nearest)
{
    struct nr r;
    if (!T_CHECK(nr_new(&r, IR_OP_RESIZE, 10, 2, 1), "model")) return;
    nr_in(&r, 0, IR_F32, 2, (int64_t[]){1, 5}, (double[]){1, 2, 3, 4, 5});
    nr_in(&r, 1, IR_F32, 1, (int64_t[]){2}, (double[]){1, 0.6});
    T_CHECK(nr_run(&r) == FY_OK, "run: %s", r.err.message);
    expect_out(&r, 0, IR_F32, 2, (int64_t[]){1, 3}, (double[]){1, 3, 5}, "resize-10");
    nr_free(&r);

    if (!T_CHECK(nr_new(&r, IR_OP_UPSAMPLE, 7, 1, 1), "model")) return;
    nr_attr_floats(&r, "scales", 2, (float[]){1, 2.5f});
    nr_in(&r, 0, IR_F32, 2, (int64_t[]){1, 2}, (double[]){1, 2});
    T_CHECK(nr_run(&r) == FY_OK, "run: %s", r.err.message);
    expect_out(&r, 0, IR_F32, 2, (int64_t[]){1, 5}, (double[]){1, 1, 1, 2, 2}, "upsample-7");
    nr_free(&r);

    /* Upsample never shrinks */
    if (!T_CHECK(nr_new(&r, IR_OP_UPSAMPLE, 9, 2, 1), "model")) return;
    nr_in(&r, 0, IR_F32, 2, (int64_t[]){1, 2}, (double[]){1, 2});
    nr_in(&r, 1, IR_F32, 1, (int64_t[]){2}, (double[]){1, 0.5});
    expect_fail(&r, FY_EINVALID, ">= 1", "upsample shrink");
    nr_free(&r);
}

/* Integer outputs round and saturate: cubic overshoot on a uint8 edge gives
 * 0 and 255, not wrapped values (ONNX's reference: saturate_cast; values
 * -26.9, 66.7, ..., 281.9 before rounding, numpy 1.24). */
TEST(resize_uint8_cubic_saturates)
{
    struct nr r;
    if (!T_CHECK(nr_new(&r, IR_OP_RESIZE, 13, 3, 1), "model")) return;
    nr_attr_string(&r, "mode", "cubic");
    nr_in(&r, 0, IR_U8, 2, (int64_t[]){1, 4}, (double[]){0, 255, 0, 255});
    nr_in(&r, 2, IR_F32, 1, (int64_t[]){2}, (double[]){1, 2});
    T_CHECK(nr_run(&r) == FY_OK, "run: %s", r.err.message);
    expect_out(&r, 0, IR_U8, 2, (int64_t[]){1, 8}, (double[]){0, 67, 224, 215, 40, 31, 188, 255},
               "uint8");
    nr_free(&r);
}

TEST(resize_refuses_both_scales_and_sizes)
{
    struct nr r;
    if (!T_CHECK(nr_new(&r, IR_OP_RESIZE, 13, 4, 1), "model")) return;
    nr_in(&r, 0, IR_F32, 2, (int64_t[]){1, 2}, (double[]){1, 2});
    nr_in(&r, 2, IR_F32, 1, (int64_t[]){2}, (double[]){1, 2});
    nr_in_i64(&r, 3, 1, (int64_t[]){2}, (int64_t[]){1, 4});
    expect_fail(&r, FY_EINVALID, "only one", "both");
    nr_free(&r);
}

/* ======================= GridSample ======================= */

/* GridSample-20 on a volume: ONNX's test cases
 * test_gridsample_volumetric_{nearest,bilinear}_align_corners_0 (values
 * from PyTorch, in onnx/backend/test/case/node/gridsample.py). */
TEST(gridsample_volumetric_nearest_and_linear)
{
    double x[12];
    for (int i = 0; i < 12; i++) x[i] = i + 1;
    static const double grid[] = {
        -1.0, -1.0, -1.0, -1.0, -0.5, 0.3, -0.5, -0.5, -0.5, 1.0,  -0.6, -1.0,
        -0.2, -0.2, -0.2, 0.4,  0.2,  0.6, 0.0,  0.0,  0.0,  -1.0, 0.0,  0.0,
        0.0,  0.0,  0.0,  -1.0, 1.0,  0.0, -0.2, -0.2, -0.2, 1.0,  0.4,  -0.2,
        0.5,  0.5,  0.5,  -1.0, -0.8, 0.8, 1.0,  1.0,  1.0,  0.4,  0.6,  -0.3};
    static const char *const modes[] = {"nearest", "linear"};
    static const double want[2][16] = {
        {0, 0, 1, 0, 5, 12, 8, 0, 8, 0, 5, 0, 12, 0, 0, 8},
        {0.125, 3.4, 2.0, 0.45, 4.7, 10.9, 6.5, 3.0, 6.5, 1.75, 4.7, 3.3, 11.0, 2.52, 1.5, 5.49}};
    for (int m = 0; m < 2; m++) {
        struct nr r;
        if (!T_CHECK(nr_new(&r, IR_OP_GRID_SAMPLE, 20, 2, 1), "model")) return;
        nr_attr_string(&r, "mode", modes[m]);
        nr_in(&r, 0, IR_F32, 5, (int64_t[]){1, 1, 3, 2, 2}, x);
        nr_in(&r, 1, IR_F32, 5, (int64_t[]){1, 2, 4, 2, 3}, grid);
        T_CHECK(nr_run(&r) == FY_OK, "run: %s", r.err.message);
        expect_tol(&r, 0, IR_F32, 5, (int64_t[]){1, 1, 2, 4, 2}, want[m], 1e-4, modes[m]);
        nr_free(&r);
    }
}

/* Bicubic with border padding clamps each tap, not the coordinate (PyTorch's
 * definition; ONNX Runtime 1.30 gives these values for the 4x4 ramp 0..15). */
TEST(gridsample_bicubic_border_clamps_taps)
{
    double x[16];
    for (int i = 0; i < 16; i++) x[i] = i;
    struct nr r;
    if (!T_CHECK(nr_new(&r, IR_OP_GRID_SAMPLE, 16, 2, 1), "model")) return;
    nr_attr_string(&r, "mode", "bicubic");
    nr_attr_string(&r, "padding_mode", "border");
    nr_in(&r, 0, IR_F32, 4, (int64_t[]){1, 1, 4, 4}, x);
    nr_in(&r, 1, IR_F32, 4, (int64_t[]){1, 1, 4, 2},
          (double[]){-0.95, -0.95, 0.95, -0.95, -0.95, 0.95, 0.95, 0.95});
    T_CHECK(nr_run(&r) == FY_OK, "run: %s", r.err.message);
    expect_tol(&r, 0, IR_F32, 4, (int64_t[]){1, 1, 1, 4},
               (double[]){-0.5400000810623169, 2.6759986877441406, 12.323995590209961,
                          15.539993286132812},
               1e-4, "bicubic border");
    nr_free(&r);

    /* opset 16 knows 4-D inputs only */
    if (!T_CHECK(nr_new(&r, IR_OP_GRID_SAMPLE, 16, 2, 1), "model")) return;
    nr_in(&r, 0, IR_F32, 5, (int64_t[]){1, 1, 2, 2, 2}, x);
    nr_in(&r, 1, IR_F32, 5, (int64_t[]){1, 1, 1, 1, 3}, (double[]){0, 0, 0});
    expect_fail(&r, FY_EINVALID, "[N, C, H, W]", "5-D at 16");
    nr_free(&r);
}

/* ======================= RoiAlign ======================= */

/* Max mode (largest weighted corner per sample, then over samples) and
 * output_half_pixel; ONNX Runtime 1.30 values on the 4x4 ramp 0..15. */
TEST(roialign_max_mode_and_output_half_pixel)
{
    double x[16];
    for (int i = 0; i < 16; i++) x[i] = i;
    static const double rois[] = {0, 0, 3, 3, 0.5, 1, 2.5, 3.5};
    struct nr r;
    if (!T_CHECK(nr_new(&r, IR_OP_ROI_ALIGN, 16, 3, 1), "model")) return;
    nr_attr_string(&r, "mode", "max");
    nr_attr_int(&r, "output_height", 2);
    nr_attr_int(&r, "output_width", 2);
    nr_attr_int(&r, "sampling_ratio", 2);
    nr_in(&r, 0, IR_F32, 4, (int64_t[]){1, 1, 4, 4}, x);
    nr_in(&r, 1, IR_F32, 2, (int64_t[]){2, 4}, rois);
    nr_in_i64(&r, 2, 1, (int64_t[]){2}, (int64_t[]){0, 0});
    T_CHECK(nr_run(&r) == FY_OK, "run: %s", r.err.message);
    expect_tol(&r, 0, IR_F32, 4, (int64_t[]){2, 1, 2, 2},
               (double[]){2.5, 3.28125, 7.0, 7.65625, 3.046875, 3.65625, 6.703125, 7.21875},
               1e-5, "max");
    nr_free(&r);

    if (!T_CHECK(nr_new(&r, IR_OP_ROI_ALIGN, 16, 3, 1), "model")) return;
    nr_attr_string(&r, "coordinate_transformation_mode", "output_half_pixel");
    nr_attr_int(&r, "output_height", 2);
    nr_attr_int(&r, "output_width", 2);
    nr_in(&r, 0, IR_F32, 4, (int64_t[]){1, 1, 4, 4}, x);
    nr_in(&r, 1, IR_F32, 2, (int64_t[]){2, 4}, rois);
    nr_in_i64(&r, 2, 1, (int64_t[]){2}, (int64_t[]){0, 0});
    T_CHECK(nr_run(&r) == FY_OK, "run: %s", r.err.message);
    expect_tol(&r, 0, IR_F32, 4, (int64_t[]){2, 1, 2, 2},
               (double[]){3.75, 5.25, 9.75, 11.25, 7.5, 8.5, 12.125, 13.125}, 1e-5,
               "output_half_pixel");
    nr_free(&r);
}

TEST(roialign_refuses_batch_index_out_of_range)
{
    double x[16] = {0};
    struct nr r;
    if (!T_CHECK(nr_new(&r, IR_OP_ROI_ALIGN, 16, 3, 1), "model")) return;
    nr_in(&r, 0, IR_F32, 4, (int64_t[]){1, 1, 4, 4}, x);
    nr_in(&r, 1, IR_F32, 2, (int64_t[]){1, 4}, (double[]){0, 0, 1, 1});
    nr_in_i64(&r, 2, 1, (int64_t[]){1}, (int64_t[]){3});
    expect_fail(&r, FY_EINVALID, "batch_indices[0] is 3", "batch index");
    nr_free(&r);
}

/* ======================= NonMaxSuppression ======================= */

/* Equal scores take the lower box index first; box 1 then suppresses boxes
 * 0 and 2 (IoU 0.82 > 0.5), box 3 stays (ONNX Runtime 1.30: [[0,0,1],
 * [0,0,3]]). Without max_output_boxes_per_class nothing is selected. */
TEST(nms_ties_prefer_lower_index_and_default_selects_none)
{
    static const double boxes[] = {0, 0, 1, 1, 0, 0.1, 1, 1.1, 0, 0, 1, 1, 0, 10, 1, 11};
    static const double scores[] = {0.9, 0.95, 0.95, 0.5};
    struct nr r;
    if (!T_CHECK(nr_new(&r, IR_OP_NON_MAX_SUPPRESSION, 11, 4, 1), "model")) return;
    nr_in(&r, 0, IR_F32, 3, (int64_t[]){1, 4, 4}, boxes);
    nr_in(&r, 1, IR_F32, 3, (int64_t[]){1, 1, 4}, scores);
    nr_in_i64(&r, 2, 1, (int64_t[]){1}, (int64_t[]){3});
    nr_in(&r, 3, IR_F32, 1, (int64_t[]){1}, (double[]){0.5});
    T_CHECK(nr_run(&r) == FY_OK, "run: %s", r.err.message);
    expect_i64(&r, 0, 2, (int64_t[]){2, 3}, (int64_t[]){0, 0, 1, 0, 0, 3}, "selected");
    nr_free(&r);

    if (!T_CHECK(nr_new(&r, IR_OP_NON_MAX_SUPPRESSION, 11, 2, 1), "model")) return;
    nr_in(&r, 0, IR_F32, 3, (int64_t[]){1, 4, 4}, boxes);
    nr_in(&r, 1, IR_F32, 3, (int64_t[]){1, 1, 4}, scores);
    T_CHECK(nr_run(&r) == FY_OK, "run: %s", r.err.message);
    expect_i64(&r, 0, 2, (int64_t[]){0, 3}, NULL, "none");
    nr_free(&r);

    if (!T_CHECK(nr_new(&r, IR_OP_NON_MAX_SUPPRESSION, 11, 4, 1), "model")) return;
    nr_in(&r, 0, IR_F32, 3, (int64_t[]){1, 4, 4}, boxes);
    nr_in(&r, 1, IR_F32, 3, (int64_t[]){1, 1, 4}, scores);
    nr_in_i64(&r, 2, 1, (int64_t[]){1}, (int64_t[]){3});
    nr_in(&r, 3, IR_F32, 1, (int64_t[]){1}, (double[]){1.5});
    expect_fail(&r, FY_EINVALID, "[0, 1]", "iou range");
    nr_free(&r);
}
