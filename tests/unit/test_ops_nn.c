/* The nn family (src/ops/{nn,conv,pool,norm,gemm,gemm_kernel}.c).
 *
 * Two kinds of test:
 *  - fast paths against the reference kernels: the same random case (values
 *    representable in float32) runs as float32 (SGEMM, im2col, depthwise,
 *    col2im) and as float64 (the reference loops); they must agree within a
 *    tolerance relative to the accumulated magnitude sum |x||w| of each
 *    output, which the reference computes by running the case on |x|, |w|.
 *    The SGEMM itself is checked, for every micro-kernel this CPU runs,
 *    against a plain double loop. Results must be bitwise identical for 1, 2
 *    and 3 threads.
 *  - single cases with values computed by numpy 1.24 (/usr/bin/python3), from
 *    ONNX's operator definitions written out as loops or array expressions
 *    (each test says what was computed).
 * ONNX's own test data for these ops runs in tests/tools/conformance. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/half.h"
#include "interp/interp.h"
#include "ir/ir.h"
#include "ops/gemm_kernel.h"
#include "t.h"

#define MAX_IN 5
#define MAX_OUT 3

/* ---- a one-node model ---- */

struct nt {
    struct ir_model *m;
    struct ir_node *n;
    struct interp *ip;
    struct op_tensor in[MAX_IN];
    const struct op_tensor *feed[MAX_IN];
    int n_feed;
    struct op_tensor *out[MAX_OUT];
    int n_out;
    struct fy_error err;
};

static bool nt_new(struct nt *t, enum ir_op op, int64_t opset, int n_in, int n_out)
{
    memset(t, 0, sizeof *t);
    t->m = ir_model_new(&t->err);
    if (!t->m || ir_model_add_opset(t->m, "", opset, &t->err)) return false;
    struct ir_graph *g = t->m->graph;
    t->n = ir_graph_add_node(g, op, NULL, NULL, "node0", n_in, n_out, &t->err);
    if (!t->n) return false;
    static const char *const names[MAX_OUT] = {"y0", "y1", "y2"};
    for (int i = 0; i < n_out; i++) {
        struct ir_tensor *y = ir_graph_add_tensor(g, names[i], &t->err);
        if (!y || ir_node_set_output(t->n, i, y, &t->err) || ir_graph_add_output(g, y, &t->err))
            return false;
    }
    t->n_out = n_out;
    return true;
}

static void nt_slot(struct nt *t, int i)
{
    static const char *const names[MAX_IN] = {"x0", "x1", "x2", "x3", "x4"};
    struct ir_tensor *x = ir_graph_add_tensor(t->m->graph, names[i], &t->err);
    if (!x || ir_graph_add_input(t->m->graph, x, &t->err)) return;
    t->n->inputs[i] = x;
    t->feed[t->n_feed++] = &t->in[i];
}

static void nt_input(struct nt *t, int i, enum ir_dtype dt, int rank, const int64_t *dims,
                     const double *vals)
{
    nt_slot(t, i);
    op_tensor_alloc(&t->in[i], dt, rank, dims, &t->err);
    for (uint64_t k = 0; k < t->in[i].numel; k++) op_set_f64(&t->in[i], k, vals[k]);
}

static void nt_input_i64(struct nt *t, int i, enum ir_dtype dt, int rank, const int64_t *dims,
                         const int64_t *vals)
{
    nt_slot(t, i);
    op_tensor_alloc(&t->in[i], dt, rank, dims, &t->err);
    for (uint64_t k = 0; k < t->in[i].numel; k++) op_set_i64(&t->in[i], k, vals[k]);
}

static void attr_int(struct nt *t, const char *name, int64_t v)
{
    struct ir_attr *a = ir_node_add_attr(t->n, name, IR_ATTR_INT, &t->err);
    if (a) a->v.i = v;
}

static void attr_float(struct nt *t, const char *name, float v)
{
    struct ir_attr *a = ir_node_add_attr(t->n, name, IR_ATTR_FLOAT, &t->err);
    if (a) a->v.f = v;
}

static void attr_string(struct nt *t, const char *name, const char *v)
{
    struct ir_attr *a = ir_node_add_attr(t->n, name, IR_ATTR_STRING, &t->err);
    if (a) {
        a->v.s.data = (const uint8_t *)v;
        a->v.s.size = strlen(v);
    }
}

/* ints attribute; the values are copied into the model's arena */
static void attr_ints(struct nt *t, const char *name, const int64_t *v, int count)
{
    struct ir_attr *a = ir_node_add_attr(t->n, name, IR_ATTR_INTS, &t->err);
    if (!a) return;
    int64_t *copy = arena_alloc(&t->m->arena, sizeof(int64_t) * (size_t)(count ? count : 1), 8);
    if (!copy) return;
    memcpy(copy, v, sizeof(int64_t) * (size_t)count);
    a->v.ints = copy;
    a->count = count;
}

static fy_status nt_run(struct nt *t, int threads)
{
    struct interp_options opt = {.threads = threads};
    interp_destroy(t->ip);
    t->ip = NULL;
    memset(&t->err, 0, sizeof t->err);
    fy_status st = interp_create(t->m, &opt, &t->ip, &t->err);
    if (st) return st;
    return interp_run(t->ip, t->feed, t->n_feed, t->out, t->n_out, &t->err);
}

static void nt_free(struct nt *t)
{
    interp_destroy(t->ip);
    for (int i = 0; i < MAX_IN; i++) op_tensor_release(&t->in[i]);
    ir_model_free(t->m);
}

/* Output k: dtype, shape and values within |a - e| <= tol * (1 + |e|). */
static bool expect_out(struct nt *t, int k, enum ir_dtype dt, int rank, const int64_t *dims,
                       const double *want, double tol, const char *what)
{
    const struct op_tensor *y = t->out[k];
    if (!T_CHECK(y != NULL, "%s: no output %d (%s)", what, k, t->err.message)) return false;
    if (!T_CHECK(y->dtype == dt && y->rank == rank, "%s: output %d is %s rank %d", what, k,
                 ir_dtype_name(y->dtype), y->rank))
        return false;
    for (int d = 0; d < rank; d++)
        if (!T_CHECK(y->dims[d] == dims[d], "%s: dim %d is %lld, expected %lld", what, d,
                     (long long)y->dims[d], (long long)dims[d]))
            return false;
    for (uint64_t i = 0; i < y->numel; i++) {
        double a = op_get_f64(y, i), e = want[i];
        if (!T_CHECK(fabs(a - e) <= tol * (1 + fabs(e)), "%s: [%llu] = %.9g, expected %.9g",
                     what, (unsigned long long)i, a, e))
            return false;
    }
    return true;
}

/* ---- random cases ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng_next(void)
{
    /* xorshift64*: reproducible across platforms */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ull;
}

static int64_t rng_int(int64_t lo, int64_t hi) /* inclusive */
{
    return lo + (int64_t)(rng_next() % (uint64_t)(hi - lo + 1));
}

/* uniform in [-1, 1], rounded to float32 so both precisions see it exactly */
static double rng_val(void)
{
    return (double)(float)((double)(rng_next() >> 11) / 9007199254740992.0 * 2 - 1);
}

static double *rng_vals(uint64_t n)
{
    double *v = malloc(sizeof(double) * (n ? n : 1));
    for (uint64_t i = 0; v && i < n; i++) v[i] = rng_val();
    return v;
}

static uint64_t numel(int rank, const int64_t *dims)
{
    uint64_t n = 1;
    for (int d = 0; d < rank; d++) n *= (uint64_t)dims[d];
    return n;
}

/* A case description run three times: float32, float64 and float64 on
 * absolute values (the magnitude each output accumulates). */
struct rcase {
    enum ir_op op;
    int n_in;
    int rank[3];
    int64_t dims[3][OP_MAX_RANK];
    double *vals[3];
    /* window attributes, -1 count when absent */
    int n_k, n_s, n_d, n_p, n_op, n_os;
    int64_t k[3], s[3], d[3], p[6], opad[3], oshape[3];
    const char *auto_pad;
    int64_t group;
    int64_t ceil_mode; /* pools; 0 is left out */
    /* Gemm */
    int64_t trans_a, trans_b;
    float alpha, beta;
};

/* abs_vals: alpha and beta as absolute values too (the magnitude run) */
static void rcase_attrs(struct nt *t, const struct rcase *rc, bool abs_vals)
{
    if (rc->n_k >= 0) attr_ints(t, "kernel_shape", rc->k, rc->n_k);
    if (rc->n_s >= 0) attr_ints(t, "strides", rc->s, rc->n_s);
    if (rc->n_d >= 0) attr_ints(t, "dilations", rc->d, rc->n_d);
    if (rc->n_p >= 0) attr_ints(t, "pads", rc->p, rc->n_p);
    if (rc->n_op >= 0) attr_ints(t, "output_padding", rc->opad, rc->n_op);
    if (rc->n_os >= 0) attr_ints(t, "output_shape", rc->oshape, rc->n_os);
    if (rc->auto_pad) attr_string(t, "auto_pad", rc->auto_pad);
    if (rc->group > 1) attr_int(t, "group", rc->group);
    if (rc->ceil_mode) attr_int(t, "ceil_mode", rc->ceil_mode);
    if (rc->op == IR_OP_GEMM) {
        attr_int(t, "transA", rc->trans_a);
        attr_int(t, "transB", rc->trans_b);
        attr_float(t, "alpha", abs_vals ? fabsf(rc->alpha) : rc->alpha);
        attr_float(t, "beta", abs_vals ? fabsf(rc->beta) : rc->beta);
    }
}

/* Runs rc in dtype dt with `threads` threads; abs: inputs replaced by their
 * absolute values. The output is copied to *out (caller frees). */
static bool rcase_run(const struct rcase *rc, enum ir_dtype dt, bool abs_vals, int threads,
                      struct op_tensor *out, char *why, size_t cap)
{
    struct nt t;
    bool ok = false;
    /* opset 19: the first where AveragePool has dilations */
    if (!nt_new(&t, rc->op, 19, rc->n_in, 1)) goto done;
    rcase_attrs(&t, rc, abs_vals);
    for (int i = 0; i < rc->n_in; i++) {
        uint64_t n = numel(rc->rank[i], rc->dims[i]);
        double *v = malloc(sizeof(double) * (n ? n : 1));
        for (uint64_t e = 0; v && e < n; e++) v[e] = abs_vals ? fabs(rc->vals[i][e]) : rc->vals[i][e];
        nt_input(&t, i, dt, rc->rank[i], rc->dims[i], v);
        free(v);
    }
    if (nt_run(&t, threads) != FY_OK) {
        snprintf(why, cap, "%s", t.err.message);
        goto done;
    }
    struct fy_error err = {0};
    const struct op_tensor *y = t.out[0];
    if (op_tensor_alloc(out, y->dtype, y->rank, y->dims, &err) == FY_OK) {
        memcpy(out->data, y->data, (size_t)y->nbytes);
        ok = true;
    }
done:
    nt_free(&t);
    return ok;
}

static void rcase_free(struct rcase *rc)
{
    for (int i = 0; i < 3; i++) free(rc->vals[i]);
}

/* float32 against the float64 reference (tolerance relative to magnitude),
 * then 2 and 3 threads against 1, bitwise. */
static bool rcase_check(const struct rcase *rc, const char *what)
{
    struct op_tensor y32 = {0}, y64 = {0}, mag = {0}, yt = {0};
    char why[800] = "";
    bool ok = T_CHECK(rcase_run(rc, IR_F32, false, 1, &y32, why, sizeof why), "%s f32: %s",
                      what, why) &&
              T_CHECK(rcase_run(rc, IR_F64, false, 1, &y64, why, sizeof why), "%s f64: %s",
                      what, why) &&
              T_CHECK(rcase_run(rc, IR_F64, true, 1, &mag, why, sizeof why), "%s |f64|: %s",
                      what, why);
    if (ok) ok = T_CHECK(y32.numel == y64.numel && y32.rank == y64.rank, "%s: shapes differ", what);
    for (uint64_t i = 0; ok && i < y32.numel; i++) {
        double a = ((const float *)y32.data)[i], e = ((const double *)y64.data)[i];
        double m = ((const double *)mag.data)[i];
        ok = T_CHECK(fabs(a - e) <= 2e-6 * m + 1e-6, "%s: [%llu] f32 %.9g, reference %.9g (magnitude %g)",
                     what, (unsigned long long)i, a, e, m);
    }
    for (int threads = 2; ok && threads <= 3; threads++) {
        ok = T_CHECK(rcase_run(rc, IR_F32, false, threads, &yt, why, sizeof why), "%s: %s", what, why) &&
             T_CHECK(yt.nbytes == y32.nbytes && !memcmp(yt.data, y32.data, (size_t)yt.nbytes),
                     "%s: %d threads give other bits than 1", what, threads);
        op_tensor_release(&yt);
    }
    op_tensor_release(&y32);
    op_tensor_release(&y64);
    op_tensor_release(&mag);
    return ok;
}

/* ---- SGEMM ---- */

/* Every micro-kernel this CPU runs, on shapes around its tile and block
 * sizes (and the few-rows path), transposed or not, alpha/beta in {0, 1,
 * other}, padded leading dims: within 1e-5 of the accumulated magnitude of a
 * double loop. */
TEST(sgemm_every_microkernel_matches_a_double_loop)
{
    static const int64_t sizes[][3] = {{1, 1, 1},   {3, 5, 7},     {6, 16, 1},  {8, 32, 256},
                                       {13, 35, 257}, {150, 70, 300}, {7, 2100, 9}, {33, 1, 40},
                                       {1, 40, 33},   {145, 129, 513}, {2, 50, 20},
                                       {4, 33, 9}}; /* the last two: few rows, B transposed */
    for (int isa = 0; isa < SGEMM_ISA_COUNT; isa++) {
        if (!sgemm_isa_available((enum sgemm_isa)isa)) continue;
        for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
            int64_t M = sizes[si][0], N = sizes[si][1], K = sizes[si][2];
            int variant = (int)(si % 4);
            bool ta = variant & 1, tb = variant & 2;
            float alpha = si % 3 == 0 ? 1.0f : -0.75f;
            float beta = si % 3 == 0 ? 0.0f : (si % 3 == 1 ? 1.0f : 0.5f);
            int64_t lda = (ta ? M : K) + 3, ldb = (tb ? K : N) + 1, ldc = N + 2;
            float *a = calloc((size_t)((ta ? K : M) * lda), sizeof(float));
            float *b = calloc((size_t)((tb ? N : K) * ldb), sizeof(float));
            float *c = calloc((size_t)(M * ldc), sizeof(float));
            float *c0 = calloc((size_t)(M * ldc), sizeof(float));
            if (!T_CHECK(a && b && c && c0, "alloc")) goto next;
            for (int64_t i = 0; i < (ta ? K : M) * lda; i++) a[i] = (float)rng_val();
            for (int64_t i = 0; i < (tb ? N : K) * ldb; i++) b[i] = (float)rng_val();
            for (int64_t i = 0; i < M * ldc; i++) c0[i] = c[i] = (float)rng_val();
            struct sgemm_args g = {.trans_a = ta, .trans_b = tb, .m = M, .n = N, .k = K,
                                  .alpha = alpha, .a = a, .lda = lda, .b = b, .ldb = ldb,
                                  .beta = beta, .c = c, .ldc = ldc};
            if (!T_CHECK(sgemm_with(NULL, (enum sgemm_isa)isa, &g) == FY_OK, "sgemm ran")) goto next;
            for (int64_t i = 0; i < M; i++)
                for (int64_t j = 0; j < N; j++) {
                    double acc = 0, mag = 0;
                    for (int64_t k = 0; k < K; k++) {
                        double av = ta ? a[k * lda + i] : a[i * lda + k];
                        double bv = tb ? b[j * ldb + k] : b[k * ldb + j];
                        acc += av * bv;
                        mag += fabs(av * bv);
                    }
                    double want = alpha * acc + (beta != 0 ? beta * c0[i * ldc + j] : 0);
                    mag = fabs(alpha) * mag + fabs(beta * c0[i * ldc + j]);
                    double got = c[i * ldc + j];
                    if (!T_CHECK(fabs(got - want) <= 1e-5 * mag + 1e-6,
                                 "%s %lldx%lldx%lld ta%d tb%d: [%lld,%lld] %.9g vs %.9g",
                                 sgemm_isa_name((enum sgemm_isa)isa), (long long)M, (long long)N,
                                 (long long)K, ta, tb, (long long)i, (long long)j, got, want))
                        goto next;
                }
            /* padding columns of C are never written */
            for (int64_t i = 0; i < M; i++)
                for (int64_t j = N; j < ldc; j++)
                    if (!T_CHECK(c[i * ldc + j] == c0[i * ldc + j], "wrote past N")) goto next;
        next:
            free(a);
            free(b);
            free(c);
            free(c0);
        }
    }
}

/* ---- Conv, ConvTranspose, Gemm, MatMul fast paths against the reference ---- */

static void random_window(struct rcase *rc, int ns, bool transposed)
{
    rc->n_k = rng_int(0, 1) ? ns : -1; /* kernel_shape given or taken from W */
    rc->n_s = ns;
    rc->n_d = ns;
    rc->n_p = -1;
    rc->n_op = rc->n_os = -1;
    rc->auto_pad = NULL;
    for (int i = 0; i < ns; i++) {
        rc->s[i] = rng_int(1, 3);
        rc->d[i] = rng_int(1, 2);
    }
    int mode = (int)rng_int(0, 4);
    if (mode == 1) rc->auto_pad = "SAME_UPPER";
    if (mode == 2) rc->auto_pad = "SAME_LOWER";
    if (mode == 3 && !transposed) rc->auto_pad = "VALID";
    if (mode == 0 || mode == 4) {
        rc->n_p = 2 * ns;
        for (int i = 0; i < 2 * ns; i++) rc->p[i] = rng_int(0, 2);
    }
    if (transposed && rng_int(0, 2) == 0) {
        rc->n_op = ns;
        for (int i = 0; i < ns; i++) rc->opad[i] = rng_int(0, rc->s[i] - 1);
    }
}

/* Conv on random shapes: 1-3 spatial dims, groups (including depthwise with
 * and without a channel multiplier, which takes the direct path in 2-D),
 * strides, dilations, explicit and automatic padding, with and without
 * bias; 1x1 unpadded kernels take the pointwise path. */
TEST(conv_float32_fast_paths_match_reference)
{
    /* every code variant this CPU runs (micro-kernels, depthwise rows) */
    for (int iter = 0; iter < 60 * SGEMM_ISA_COUNT; iter++) {
        enum sgemm_isa isa = (enum sgemm_isa)(iter / 60);
        if (!sgemm_isa_available(isa)) continue;
        sgemm_force_isa(isa);
        struct rcase rc = {.op = IR_OP_CONV};
        bool pointwise = iter % 60 < 6;
        int ns = pointwise ? 2 : (int)rng_int(1, 3);
        random_window(&rc, ns, false);
        int64_t N = rng_int(1, 2), group = 1, cg = rng_int(1, 4), mg = rng_int(1, 5);
        int kind = iter % 60 % 4;
        if (kind == 1) { /* depthwise */
            group = rng_int(2, 6);
            cg = 1;
            mg = rng_int(1, 2);
        } else if (kind == 2) {
            group = rng_int(2, 3);
        }
        if (pointwise) {
            rc.n_k = 2;
            rc.k[0] = rc.k[1] = 1;
            rc.s[0] = rc.s[1] = 1;
            rc.n_p = -1;
            rc.auto_pad = NULL;
        }
        int64_t *xd = rc.dims[0], *wd = rc.dims[1];
        rc.group = group;
        rc.rank[0] = rc.rank[1] = ns + 2;
        xd[0] = N;
        xd[1] = group * cg;
        wd[0] = group * mg;
        wd[1] = cg;
        for (int i = 0; i < ns; i++) {
            /* depthwise 3x3 has a path of its own */
            int64_t k = pointwise ? 1 : kind == 1 && iter % 3 == 0 ? 3 : rng_int(1, 3);
            wd[i + 2] = rc.k[i] = k;
            int64_t dk = (k - 1) * rc.d[i] + 1;
            xd[i + 2] = dk + rng_int(0, ns == 3 ? 4 : 9);
        }
        rc.n_in = rng_int(0, 1) ? 3 : 2;
        rc.rank[2] = 1;
        rc.dims[2][0] = group * mg;
        for (int i = 0; i < rc.n_in; i++) rc.vals[i] = rng_vals(numel(rc.rank[i], rc.dims[i]));
        char what[80];
        snprintf(what, sizeof what, "conv case %d (%dD, group %lld, %s)", iter % 60, ns,
                 (long long)group, sgemm_isa_name(isa));
        bool ok = rcase_check(&rc, what);
        rcase_free(&rc);
        if (!ok) break;
    }
    sgemm_force_isa(SGEMM_ISA_COUNT);
}

TEST(conv_transpose_float32_fast_path_matches_reference)
{
    for (int iter = 0; iter < 40; iter++) {
        struct rcase rc = {.op = IR_OP_CONV_TRANSPOSE};
        int ns = (int)rng_int(1, 3);
        random_window(&rc, ns, true);
        int64_t N = rng_int(1, 2), group = iter % 3 == 0 ? rng_int(2, 3) : 1;
        int64_t cg = rng_int(1, 3), mg = rng_int(1, 3);
        int64_t *xd = rc.dims[0], *wd = rc.dims[1];
        rc.group = group;
        rc.rank[0] = rc.rank[1] = ns + 2;
        xd[0] = N;
        xd[1] = group * cg;
        wd[0] = group * cg;
        wd[1] = mg;
        for (int i = 0; i < ns; i++) {
            wd[i + 2] = rc.k[i] = rng_int(1, 3);
            xd[i + 2] = rng_int(1, ns == 3 ? 4 : 7);
        }
        if (rc.n_p > 0) /* pads must leave an output */
            for (int i = 0; i < ns; i++) rc.p[i] = rc.p[i + ns] = 0;
        if (iter % 5 == 4) { /* explicit output_shape, larger than natural */
            rc.n_os = ns;
            rc.n_p = -1;
            for (int i = 0; i < ns; i++)
                rc.oshape[i] = rc.s[i] * (xd[i + 2] - 1) + (rc.k[i] - 1) * rc.d[i] + 1 +
                               rng_int(0, 1);
        }
        rc.n_in = rng_int(0, 1) ? 3 : 2;
        rc.rank[2] = 1;
        rc.dims[2][0] = group * mg;
        for (int i = 0; i < rc.n_in; i++) rc.vals[i] = rng_vals(numel(rc.rank[i], rc.dims[i]));
        char what[64];
        snprintf(what, sizeof what, "convtranspose case %d (%dD)", iter, ns);
        bool ok = rcase_check(&rc, what);
        rcase_free(&rc);
        if (!ok) return;
    }
}

/* MatMul with 1-D operands, batch broadcast both ways, and B shared by all
 * batches (which stacks A's batches into one product). */
TEST(matmul_float32_matches_reference_batched_and_broadcast)
{
    for (int iter = 0; iter < 30; iter++) {
        struct rcase rc = {.op = IR_OP_MAT_MUL, .n_in = 2};
        rc.n_k = rc.n_s = rc.n_d = rc.n_p = rc.n_op = rc.n_os = -1;
        int64_t M = rng_int(1, 40), N = rng_int(1, 40), K = rng_int(1, 70);
        int ra = (int)rng_int(1, 4), rb = (int)rng_int(1, 4);
        if (iter % 6 == 0) rb = 2;
        rc.rank[0] = ra;
        rc.rank[1] = rb;
        int64_t batch[2] = {rng_int(1, 3), rng_int(2, 3)};
        for (int d = 0; d < ra - 2; d++) rc.dims[0][d] = rng_int(0, 2) ? batch[d + 4 - ra] : 1;
        for (int d = 0; d < rb - 2; d++) rc.dims[1][d] = rng_int(0, 2) ? batch[d + 4 - rb] : 1;
        if (ra == 1) rc.dims[0][0] = K;
        else {
            rc.dims[0][ra - 2] = M;
            rc.dims[0][ra - 1] = K;
        }
        if (rb == 1) rc.dims[1][0] = K;
        else {
            rc.dims[1][rb - 2] = K;
            rc.dims[1][rb - 1] = N;
        }
        for (int i = 0; i < 2; i++) rc.vals[i] = rng_vals(numel(rc.rank[i], rc.dims[i]));
        char what[64];
        snprintf(what, sizeof what, "matmul case %d (ranks %d, %d)", iter, ra, rb);
        bool ok = rcase_check(&rc, what);
        rcase_free(&rc);
        if (!ok) return;
    }
}

TEST(gemm_float32_matches_reference_with_transposes_and_broadcast_c)
{
    for (int iter = 0; iter < 24; iter++) {
        struct rcase rc = {.op = IR_OP_GEMM};
        rc.n_k = rc.n_s = rc.n_d = rc.n_p = rc.n_op = rc.n_os = -1;
        int64_t M = rng_int(1, 50), N = rng_int(1, 50), K = rng_int(1, 300);
        rc.trans_a = iter & 1;
        rc.trans_b = (iter >> 1) & 1;
        rc.alpha = iter % 3 ? 0.5f : 1.0f;
        rc.beta = iter % 4 ? -2.0f : 1.0f;
        rc.rank[0] = rc.rank[1] = 2;
        rc.dims[0][0] = rc.trans_a ? K : M;
        rc.dims[0][1] = rc.trans_a ? M : K;
        rc.dims[1][0] = rc.trans_b ? N : K;
        rc.dims[1][1] = rc.trans_b ? K : N;
        int cshape = iter % 5; /* none, [N], [M,1], [1,1] scalar-like, [M,N] */
        rc.n_in = cshape == 0 ? 2 : 3;
        if (cshape == 1) {
            rc.rank[2] = 1;
            rc.dims[2][0] = N;
        } else {
            rc.rank[2] = 2;
            rc.dims[2][0] = cshape == 3 ? 1 : M;
            rc.dims[2][1] = cshape == 4 ? N : 1;
        }
        for (int i = 0; i < rc.n_in; i++) rc.vals[i] = rng_vals(numel(rc.rank[i], rc.dims[i]));
        char what[64];
        snprintf(what, sizeof what, "gemm case %d", iter);
        bool ok = rcase_check(&rc, what);
        rcase_free(&rc);
        if (!ok) return;
    }
}

/* MaxPool (float32 takes a direct path when Indices are not wanted) and
 * AveragePool on random 1-D to 3-D windows with strides, dilations, pads,
 * auto_pad and ceil_mode, against the float64 reference loops. */
TEST(pool_float32_matches_reference)
{
    for (int iter = 0; iter < 40; iter++) {
        struct rcase rc = {.op = iter % 2 ? IR_OP_AVERAGE_POOL : IR_OP_MAX_POOL, .n_in = 1};
        int ns = iter < 20 ? 2 : (int)rng_int(1, 3);
        random_window(&rc, ns, false);
        rc.n_k = ns;
        rc.ceil_mode = rc.auto_pad ? 0 : rng_int(0, 1);
        rc.rank[0] = ns + 2;
        rc.dims[0][0] = rng_int(1, 2);
        rc.dims[0][1] = rng_int(1, 3);
        for (int i = 0; i < ns; i++) {
            rc.k[i] = rng_int(1, 3);
            if (rc.n_p > 0) /* pads smaller than the window (ONNX requires it) */
                rc.p[i] = rc.p[i] % rc.k[i], rc.p[i + ns] = rc.p[i + ns] % rc.k[i];
            rc.dims[0][i + 2] = (rc.k[i] - 1) * rc.d[i] + 1 + rng_int(0, 6);
        }
        rc.vals[0] = rng_vals(numel(rc.rank[0], rc.dims[0]));
        char what[64];
        snprintf(what, sizeof what, "%s case %d (%dD)", iter % 2 ? "avgpool" : "maxpool", iter, ns);
        bool ok = rcase_check(&rc, what);
        rcase_free(&rc);
        if (!ok) return;
    }
}

/* Depthwise 3x3 (MobileNet's layers; a path of its own on AVX-512) at
 * strides 1 and 2, dilations 1 and 2, with widths around the 16-wide groups,
 * with and without a channel multiplier, every code variant. */
TEST(depthwise_3x3_matches_reference)
{
    static const int64_t widths[] = {7, 14, 16, 17, 33};
    for (int isa = 0; isa < SGEMM_ISA_COUNT; isa++) {
        if (!sgemm_isa_available((enum sgemm_isa)isa)) continue;
        sgemm_force_isa((enum sgemm_isa)isa);
        for (int v = 0; v < 20; v++) {
            struct rcase rc = {.op = IR_OP_CONV, .n_in = 3};
            rc.n_k = rc.n_op = rc.n_os = -1;
            rc.n_s = rc.n_d = 2;
            rc.s[0] = rc.s[1] = 1 + v % 2;
            rc.d[0] = rc.d[1] = 1 + v / 10;
            rc.n_p = 4;
            for (int i = 0; i < 4; i++) rc.p[i] = rc.d[0];
            int64_t C = 3, mult = 1 + v / 5 % 2;
            rc.group = C;
            rc.rank[0] = rc.rank[1] = 4;
            rc.dims[0][0] = 1;
            rc.dims[0][1] = C;
            rc.dims[0][2] = 5;
            rc.dims[0][3] = widths[v % 5];
            rc.dims[1][0] = C * mult;
            rc.dims[1][1] = 1;
            rc.dims[1][2] = rc.dims[1][3] = 3;
            rc.rank[2] = 1;
            rc.dims[2][0] = C * mult;
            for (int i = 0; i < 3; i++) rc.vals[i] = rng_vals(numel(rc.rank[i], rc.dims[i]));
            char what[80];
            snprintf(what, sizeof what, "depthwise 3x3 stride %lld dilation %lld width %lld (%s)",
                     (long long)rc.s[0], (long long)rc.d[0], (long long)widths[v % 5],
                     sgemm_isa_name((enum sgemm_isa)isa));
            bool ok = rcase_check(&rc, what);
            rcase_free(&rc);
            if (!ok) break;
        }
    }
    sgemm_force_isa(SGEMM_ISA_COUNT);
}

/* Big enough for SGEMM to split the product across threads (it keeps at
 * least ~1M multiply-adds per range) and to cross its k, m and n blocks
 * (depth 288 > 128; 20x20 outputs): 2 and 3 threads must give the bits of 1. */
TEST(conv_split_across_threads_is_deterministic)
{
    struct rcase rc = {.op = IR_OP_CONV, .n_in = 3};
    rc.n_k = rc.n_d = rc.n_op = rc.n_os = -1;
    rc.n_s = 2;
    rc.s[0] = rc.s[1] = 1;
    rc.n_p = 4;
    for (int i = 0; i < 4; i++) rc.p[i] = 1;
    static const int64_t xd[4] = {1, 32, 20, 20}, wd[4] = {72, 32, 3, 3};
    rc.rank[0] = rc.rank[1] = 4;
    memcpy(rc.dims[0], xd, sizeof xd);
    memcpy(rc.dims[1], wd, sizeof wd);
    rc.rank[2] = 1;
    rc.dims[2][0] = 72;
    for (int i = 0; i < 3; i++) rc.vals[i] = rng_vals(numel(rc.rank[i], rc.dims[i]));
    rcase_check(&rc, "conv 32->72 3x3 on 20x20");
    rcase_free(&rc);
}

/* ---- the same bits on every micro-kernel, and ONNX Runtime's bits ----
 * The float32 fast paths compute what ONNX Runtime's CPU EP computes (MLAS's
 * summation orders, gemm_kernel.h), so every code variant must give the
 * same bits, and those bits are ORT's. */

/* SGEMM on every path (blocked, few rows with B transposed, MLAS's one-row
 * kernels and their swapped one-column form, pre-packed B), alpha and beta
 * in {0, 1, other}: every micro-kernel gives the portable kernel's bits. */
TEST(sgemm_gives_the_same_bits_on_every_microkernel)
{
    static const struct {
        int64_t m, n, k;
        bool ta, tb;
        float alpha, beta;
        bool packed, column; /* column: ldb = ldc = 1 (one column of C) */
    } cases[] = {
        {13, 35, 300, false, false, 1, 0, false, false},  /* 128-deep blocks */
        {150, 70, 300, true, false, -0.75f, 0.5f, false, false},
        {9, 200, 130, false, true, 1, 1, false, false},   /* 128 + 2 */
        {20, 5, 1100, false, false, 1, 0, false, false},  /* N <= 16: 1024 + 76 */
        {33, 40, 600, false, false, 1, 0, true, false},   /* pre-packed: 256-deep */
        {3, 50, 300, false, true, 0.5f, 2, false, false}, /* few rows, B transposed */
        {1, 33, 700, true, true, 1, 0, true, false},
        {1, 37, 45, false, false, 1, 1, false, false},    /* one row */
        {1, 41, 302, false, true, 1, 0, false, false},    /* one row, B transposed */
        {17, 1, 50, false, false, 1, 0, false, true},     /* one column */
        {18, 1, 51, true, false, 1, 1, false, true},
    };
    for (size_t ci = 0; ci < sizeof cases / sizeof cases[0]; ci++) {
        int64_t M = cases[ci].m, N = cases[ci].n, K = cases[ci].k;
        bool ta = cases[ci].ta, tb = cases[ci].tb, col = cases[ci].column;
        int64_t lda = (ta ? M : K) + 3, ldb = col ? 1 : (tb ? K : N) + 1, ldc = col ? 1 : N + 2;
        float *a = calloc((size_t)((ta ? K : M) * lda), sizeof(float));
        float *b = calloc((size_t)((tb ? N : K) * ldb), sizeof(float));
        float *c0 = calloc((size_t)(M * ldc), sizeof(float));
        float *want = calloc((size_t)(M * ldc), sizeof(float));
        float *got = calloc((size_t)(M * ldc), sizeof(float));
        if (!T_CHECK(a && b && c0 && want && got, "alloc")) goto next;
        for (int64_t i = 0; i < (ta ? K : M) * lda; i++) a[i] = (float)rng_val();
        for (int64_t i = 0; i < (tb ? N : K) * ldb; i++) b[i] = (float)rng_val();
        for (int64_t i = 0; i < M * ldc; i++) c0[i] = (float)rng_val();
        for (int isa = 0; isa < SGEMM_ISA_COUNT; isa++) {
            if (!sgemm_isa_available((enum sgemm_isa)isa)) continue;
            float *c = isa == SGEMM_PORTABLE ? want : got;
            memcpy(c, c0, (size_t)(M * ldc) * sizeof(float));
            struct sgemm_args g = {.trans_a = ta, .trans_b = tb, .m = M, .n = N, .k = K,
                                   .alpha = cases[ci].alpha, .a = a, .lda = lda, .b = b,
                                   .ldb = ldb, .beta = cases[ci].beta, .c = c, .ldc = ldc,
                                   .b_prepacked = cases[ci].packed};
            if (!T_CHECK(sgemm_with(NULL, (enum sgemm_isa)isa, &g) == FY_OK, "sgemm ran")) goto next;
            if (isa == SGEMM_PORTABLE) continue;
            for (int64_t i = 0; i < M * ldc; i++)
                if (!T_CHECK(!memcmp(&got[i], &want[i], sizeof(float)),
                             "%lldx%lldx%lld case %zu: %s [%lld] %.9g, portable %.9g",
                             (long long)M, (long long)N, (long long)K, ci,
                             sgemm_isa_name((enum sgemm_isa)isa), (long long)i, got[i], want[i]))
                    goto next;
        }
    next:
        free(a);
        free(b);
        free(c0);
        free(want);
        free(got);
    }
}

/* Random convolutions (depthwise with and without a multiplier, 3x3 and
 * others, strides and dilations; grouped; pointwise; the 7x7/2 depthwise
 * with two outputs per group; kernels as wide as the input): the bits of
 * every code variant this CPU runs are the portable code's. */
TEST(conv_float32_gives_the_same_bits_on_every_isa)
{
    for (int iter = 0; iter < 40; iter++) {
        struct rcase rc = {.op = IR_OP_CONV, .n_in = 3};
        int kind = iter % 5;
        int ns = kind == 4 ? (int)rng_int(1, 2) : 2;
        random_window(&rc, ns, false);
        int64_t group = rng_int(2, 5), cg = 1, mg = 1, k = 3;
        if (kind == 1) mg = 2, k = rng_int(1, 5);
        if (kind == 2) cg = rng_int(1, 3), mg = rng_int(1, 3), k = rng_int(1, 3);
        if (kind == 3) { /* ORT's special 7x7/2 depthwise */
            mg = 2;
            k = 7;
            rc.auto_pad = NULL;
            rc.n_p = 4;
            for (int i = 0; i < 4; i++) rc.p[i] = 3;
            rc.s[0] = rc.s[1] = 2;
            rc.d[0] = rc.d[1] = 1;
        }
        int64_t *xd = rc.dims[0], *wd = rc.dims[1];
        rc.group = group;
        rc.rank[0] = rc.rank[1] = ns + 2;
        xd[0] = rng_int(1, 2);
        xd[1] = group * cg;
        wd[0] = group * mg;
        wd[1] = cg;
        for (int i = 0; i < ns; i++) {
            wd[i + 2] = rc.k[i] = k;
            xd[i + 2] = (k - 1) * rc.d[i] + 1 + rng_int(0, 20);
        }
        if (kind == 4) { /* a kernel as wide as the input: MLAS's transposed direct GEMM */
            rc.auto_pad = NULL;
            rc.n_p = -1;
            for (int i = 0; i < ns; i++) rc.s[i] = rc.d[i] = 1;
            wd[ns + 1] = rc.k[ns - 1] = xd[ns + 1];
        }
        rc.rank[2] = 1;
        rc.dims[2][0] = group * mg;
        for (int i = 0; i < 3; i++) rc.vals[i] = rng_vals(numel(rc.rank[i], rc.dims[i]));
        struct op_tensor want = {0};
        char why[800] = "";
        bool ok = true;
        for (int isa = 0; ok && isa < SGEMM_ISA_COUNT; isa++) {
            if (!sgemm_isa_available((enum sgemm_isa)isa)) continue;
            sgemm_force_isa((enum sgemm_isa)isa);
            struct op_tensor got = {0};
            ok = T_CHECK(rcase_run(&rc, IR_F32, false, 1 + iter % 2, isa ? &got : &want, why,
                                   sizeof why),
                         "conv case %d (%s): %s", iter, sgemm_isa_name((enum sgemm_isa)isa), why);
            if (ok && isa)
                ok = T_CHECK(got.nbytes == want.nbytes && !memcmp(got.data, want.data, (size_t)got.nbytes),
                             "conv case %d (%dD, group %lld, %lld->%lld per group, kernel %lld): "
                             "%s gives other bits than portable",
                             iter, ns, (long long)group, (long long)cg, (long long)mg, (long long)k,
                             sgemm_isa_name((enum sgemm_isa)isa));
            op_tensor_release(&got);
        }
        sgemm_force_isa(SGEMM_ISA_COUNT);
        op_tensor_release(&want);
        rcase_free(&rc);
        if (!ok) break;
    }
}

/* Exact float32 inputs a Python script makes alike: multiples of 2^-23 in
 * [-1, 1), times scale (a power of 2). */
static double anchor_val(uint64_t i, uint64_t seed, double scale)
{
    uint64_t h = (i * 2654435761u + seed * 40503u + 12345u) & 0xffffffffu;
    return ((double)(h >> 8) / 8388608.0 - 1.0) * scale;
}

/* FNV-1a 64 of the output's float32 bytes (little-endian) */
static uint64_t fnv_bits(const struct op_tensor *y)
{
    uint64_t h = 0xcbf29ce484222325ull;
    const uint8_t *p = y->data;
    for (uint64_t i = 0; i < y->nbytes; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

/* Small Conv, Gemm and MatMul cases run by ONNX Runtime 1.30 (npm
 * onnxruntime-node, CPU EP, graph optimizations disabled, one thread, on
 * an AVX-512 machine): the hash of its output bits and its first value.
 * Inputs: X = anchor_val(i, 3c+1, 1), W = anchor_val(i, 3c+2, 0.25), the
 * bias (Conv B, Gemm C) anchor_val(i, 3c+3, 1), c the case's index, all fed
 * as graph inputs. Each case takes a path of its own (the comment says
 * which order it pins down); ferry's float32 kernels must give ORT's bits,
 * on every code variant and thread count. */
TEST(conv_gemm_matmul_float32_give_onnxruntime_bits)
{
    static const struct {
        const char *what;
        enum ir_op op;
        int64_t x[4], w[4];
        int64_t pad, stride, group; /* Conv */
        int64_t trans_b;            /* Gemm */
        float alpha, beta;
        bool bias;
        uint64_t numel, hash;
        uint32_t first;
    } cases[] = {
        {"depthwise 3x3 stride 1 (one-row kernel order)", IR_OP_CONV, {1, 3, 6, 7}, {3, 1, 3, 3},
         1, 1, 3, 0, 1, 1, true, 126, 11279333317174877459ull, 3209595730u},
        {"depthwise 3x3 stride 2", IR_OP_CONV, {1, 2, 9, 9}, {2, 1, 3, 3}, 1, 2, 2, 0, 1, 1, true,
         50, 15259014782167286439ull, 3214407246u},
        {"3x3 conv, depth 144 in blocks of 128 + 16", IR_OP_CONV, {1, 16, 12, 12}, {4, 16, 3, 3},
         1, 1, 1, 0, 1, 1, true, 576, 2834328566354324514ull, 3206481248u},
        {"pointwise, depth 300 in blocks of 256 + 44", IR_OP_CONV, {1, 300, 6, 6}, {3, 300, 1, 1},
         0, 1, 1, 0, 1, 1, true, 108, 7571666886823252389ull, 1044847552u},
        {"grouped, one output channel per group", IR_OP_CONV, {1, 4, 5, 5}, {2, 2, 3, 3}, 0, 1, 2,
         0, 1, 1, true, 18, 7867985696078544554ull, 3206774284u},
        {"depthwise 7x7/2 with two outputs per group", IR_OP_CONV, {1, 2, 9, 9}, {4, 1, 7, 7}, 3,
         2, 2, 0, 1, 1, true, 100, 7606282837753374142ull, 3216221306u},
        {"1x1 output: A and B swapped", IR_OP_CONV, {1, 20, 1, 1}, {9, 20, 1, 1}, 0, 1, 1, 0, 1, 1,
         true, 9, 18406656174241411544ull, 1061064396u},
        {"Gemm one row, B transposed, with C", IR_OP_GEMM, {1, 45}, {7, 45}, 0, 1, 1, 1, 1, 1,
         true, 7, 4015538260774576063ull, 1077237900u},
        {"Gemm 3 rows, B transposed, alpha 0.5 beta 2", IR_OP_GEMM, {3, 300}, {70, 300}, 0, 1, 1,
         1, 0.5f, 2, true, 210, 13886459135165588620ull, 1093187692u},
        {"MatMul one row", IR_OP_MAT_MUL, {1, 303}, {303, 5}, 0, 1, 1, 0, 1, 1, false, 5,
         2185706878910816932ull, 1084437653u},
    };
    for (size_t ci = 0; ci < sizeof cases / sizeof cases[0]; ci++) {
        struct rcase rc = {.op = cases[ci].op, .n_in = cases[ci].bias ? 3 : 2};
        rc.n_k = rc.n_d = rc.n_op = rc.n_os = rc.n_s = rc.n_p = -1;
        int rank = cases[ci].op == IR_OP_CONV ? 4 : 2;
        rc.rank[0] = rc.rank[1] = rank;
        memcpy(rc.dims[0], cases[ci].x, sizeof cases[ci].x);
        memcpy(rc.dims[1], cases[ci].w, sizeof cases[ci].w);
        rc.rank[2] = 1;
        rc.dims[2][0] = cases[ci].w[0];
        if (cases[ci].op == IR_OP_CONV) {
            rc.n_s = 2;
            rc.s[0] = rc.s[1] = cases[ci].stride;
            rc.n_p = 4;
            for (int i = 0; i < 4; i++) rc.p[i] = cases[ci].pad;
            rc.group = cases[ci].group;
        }
        rc.trans_b = cases[ci].trans_b;
        rc.alpha = cases[ci].alpha;
        rc.beta = cases[ci].beta;
        for (int i = 0; i < rc.n_in; i++) {
            uint64_t n = numel(rc.rank[i], rc.dims[i]);
            rc.vals[i] = malloc(sizeof(double) * n);
            for (uint64_t e = 0; rc.vals[i] && e < n; e++)
                rc.vals[i][e] = anchor_val(e, 3 * ci + 1 + (uint64_t)i, i == 1 ? 0.25 : 1);
        }
        bool ok = true;
        for (int isa = 0; ok && isa < SGEMM_ISA_COUNT; isa++) {
            if (!sgemm_isa_available((enum sgemm_isa)isa)) continue;
            sgemm_force_isa((enum sgemm_isa)isa);
            for (int threads = 1; ok && threads <= 2; threads++) {
                struct op_tensor y = {0};
                char why[800] = "";
                ok = T_CHECK(rcase_run(&rc, IR_F32, false, threads, &y, why, sizeof why), "%s: %s",
                             cases[ci].what, why) &&
                     T_CHECK(y.dtype == IR_F32 && y.numel == cases[ci].numel,
                             "%s: %llu values, expected %llu", cases[ci].what,
                             (unsigned long long)y.numel, (unsigned long long)cases[ci].numel);
                if (ok) {
                    uint32_t first;
                    memcpy(&first, y.data, sizeof first);
                    ok = T_CHECK(fnv_bits(&y) == cases[ci].hash && first == cases[ci].first,
                                 "%s (%s, %d thread(s)): not ONNX Runtime's bits (first value "
                                 "%.9g = 0x%08x, ORT's 0x%08x)",
                                 cases[ci].what, sgemm_isa_name((enum sgemm_isa)isa), threads,
                                 ((const float *)y.data)[0], first, cases[ci].first);
                }
                op_tensor_release(&y);
            }
        }
        sgemm_force_isa(SGEMM_ISA_COUNT);
        rcase_free(&rc);
    }
}

/* float16 Conv computes in float32: the float16 result is the float32 one
 * rounded to half precision. */
TEST(conv_float16_is_float32_rounded_to_half)
{
    static const int64_t xd[4] = {1, 2, 5, 5}, wd[4] = {3, 2, 3, 3};
    double *x = rng_vals(50), *w = rng_vals(54);
    for (int i = 0; i < 50; i++) x[i] = half_to_float(half_from_float((float)x[i]));
    for (int i = 0; i < 54; i++) w[i] = half_to_float(half_from_float((float)w[i]));
    struct nt a, b;
    nt_new(&a, IR_OP_CONV, 13, 2, 1);
    nt_new(&b, IR_OP_CONV, 13, 2, 1);
    int64_t pads[4] = {1, 1, 1, 1};
    attr_ints(&a, "pads", pads, 4);
    attr_ints(&b, "pads", pads, 4);
    nt_input(&a, 0, IR_F16, 4, xd, x);
    nt_input(&a, 1, IR_F16, 4, wd, w);
    nt_input(&b, 0, IR_F32, 4, xd, x);
    nt_input(&b, 1, IR_F32, 4, wd, w);
    if (T_CHECK(nt_run(&a, 1) == FY_OK && nt_run(&b, 1) == FY_OK, "ran: %s %s", a.err.message,
                b.err.message)) {
        T_CHECK(a.out[0]->dtype == IR_F16 && a.out[0]->numel == 75, "f16 [1,3,5,5]");
        for (uint64_t i = 0; i < 75; i++) {
            float want = half_to_float(half_from_float(((float *)b.out[0]->data)[i]));
            float got = half_to_float(((uint16_t *)a.out[0]->data)[i]);
            if (!T_CHECK(got == want, "[%llu] %g vs %g", (unsigned long long)i, got, want)) break;
        }
    }
    nt_free(&a);
    nt_free(&b);
    free(x);
    free(w);
}

/* ---- single cases against numpy ---- */

/* x = arange(16).reshape(1,1,4,4) * 0.5 - 3; LpPool p=2, kernel 2x2,
 * strides 2: sqrt of the sum of squares of each window (numpy). */
TEST(lppool_p2_is_root_of_sum_of_squares)
{
    double x[16];
    for (int i = 0; i < 16; i++) x[i] = i * 0.5 - 3;
    static const double want[4] = {4.06201920231798, 2.5495097567963922, 4.949747468305833,
                                   6.819090848492928};
    static const int64_t xd[4] = {1, 1, 4, 4}, yd[4] = {1, 1, 2, 2}, k[2] = {2, 2};
    struct nt t;
    nt_new(&t, IR_OP_LP_POOL, 18, 1, 1);
    attr_ints(&t, "kernel_shape", k, 2);
    attr_ints(&t, "strides", k, 2);
    nt_input(&t, 0, IR_F32, 4, xd, x);
    if (T_CHECK(nt_run(&t, 1) == FY_OK, "%s", t.err.message))
        expect_out(&t, 0, IR_F32, 4, yd, want, 1e-6, "LpPool");
    nt_free(&t);
}

static const double pool_x[36] = {
    -5.0, 2.0, -2.0, 5.0, 1.0, -3.0, 4.0, 0.0, -4.0, 3.0, -1.0, -5.0,
    2.0, -2.0, 5.0, 1.0, -3.0, 4.0, 0.0, -4.0, 3.0, -1.0, -5.0, 2.0,
    -2.0, 5.0, 1.0, -3.0, 4.0, 0.0, -4.0, 3.0, -1.0, -5.0, 2.0, -2.0};

/* x (6x6) above = (arange(36) * 7 % 11) - 5; AveragePool kernel 3, stride 2,
 * pads 1, ceil_mode: output 4x4 (the last window starts in the input, at 5,
 * and overhangs the end pad). Divisors (numpy loops): taps inside the input,
 * or with count_include_pad taps inside input + declared pads only. */
TEST(averagepool_ceil_mode_divisors_with_and_without_pads)
{
    static const double cip[16] = {0.1111111111111111, 0.4444444444444444, 0.0,
                                   -1.3333333333333333, 0.0, 0.1111111111111111,
                                   -0.5555555555555556, 0.16666666666666666, -0.2222222222222222,
                                   -0.2222222222222222, -0.8888888888888888, 0.0,
                                   -0.16666666666666666, -0.5, -0.8333333333333334, -0.5};
    static const double nocip[16] = {0.25, 0.6666666666666666, 0.0, -4.0,
                                     0.0, 0.1111111111111111, -0.5555555555555556,
                                     0.3333333333333333, -0.3333333333333333,
                                     -0.2222222222222222, -0.8888888888888888, 0.0, -0.5, -1.0,
                                     -1.6666666666666667, -2.0};
    static const int64_t xd[4] = {1, 1, 6, 6}, yd[4] = {1, 1, 4, 4};
    static const int64_t k[2] = {3, 3}, s[2] = {2, 2}, p[4] = {1, 1, 1, 1};
    for (int with = 0; with <= 1; with++) {
        struct nt t;
        nt_new(&t, IR_OP_AVERAGE_POOL, 19, 1, 1);
        attr_ints(&t, "kernel_shape", k, 2);
        attr_ints(&t, "strides", s, 2);
        attr_ints(&t, "pads", p, 4);
        attr_int(&t, "ceil_mode", 1);
        attr_int(&t, "count_include_pad", with);
        nt_input(&t, 0, IR_F32, 4, xd, pool_x);
        if (T_CHECK(nt_run(&t, 1) == FY_OK, "%s", t.err.message))
            expect_out(&t, 0, IR_F32, 4, yd, with ? cip : nocip, 1e-6,
                       with ? "count_include_pad" : "exclude pad");
        nt_free(&t);
    }
}

/* x = permutation(36) - 17 (numpy rng 3); MaxPool kernel 2x2, dilations 2,
 * pads [0,1,0,1]: values and Indices in row-major and column-major
 * (storage_order 1: h + w * H) order, from numpy loops. */
TEST(maxpool_dilated_indices_in_both_storage_orders)
{
    static const double x[36] = {11, 0, -5, 13, 8, 7, -14, 4, -6, 17, -13, 3, -17, 6, 15, -7, 12, -2,
                                 18, 14, 5, -4, -9, -8, 1, -11, -16, 9, -15, 10, 16, -1, -3, -10, -12, 2};
    static const double y[24] = {6, 15, 13, 15, 13, 12, 14, 18, 17, 5, 17, -9,
                                 6, 15, 9, 15, 10, 12, 14, 18, 14, 5, 2, -9};
    static const double rows[24] = {13, 14, 3, 14, 3, 16, 19, 18, 9, 20, 9, 22,
                                    13, 14, 27, 14, 29, 16, 19, 18, 19, 20, 35, 22};
    static const double cols[24] = {8, 14, 18, 14, 18, 26, 9, 3, 19, 15, 19, 27,
                                    8, 14, 22, 14, 34, 26, 9, 3, 9, 15, 35, 27};
    static const int64_t xd[4] = {1, 1, 6, 6}, yd[4] = {1, 1, 4, 6};
    static const int64_t k[2] = {2, 2}, d[2] = {2, 2}, p[4] = {0, 1, 0, 1};
    for (int order = 0; order <= 1; order++) {
        struct nt t;
        nt_new(&t, IR_OP_MAX_POOL, 12, 1, 2);
        attr_ints(&t, "kernel_shape", k, 2);
        attr_ints(&t, "dilations", d, 2);
        attr_ints(&t, "pads", p, 4);
        attr_int(&t, "storage_order", order);
        nt_input(&t, 0, IR_F32, 4, xd, x);
        if (T_CHECK(nt_run(&t, 1) == FY_OK, "%s", t.err.message)) {
            expect_out(&t, 0, IR_F32, 4, yd, y, 0, "MaxPool values");
            expect_out(&t, 1, IR_I64, 4, yd, order ? cols : rows, 0, "MaxPool indices");
        }
        nt_free(&t);
    }
}

/* Same x (6x6); RoI [0, 1.0, 2.2, 9.0, 7.8] at spatial_scale 0.5 rounds to
 * columns 1..5 (rounded 0.5 up), rows 1..4; pooled 2x3 bins (numpy loops
 * following Caffe's RoIPooling). */
TEST(maxroipool_bins_follow_rounded_roi)
{
    static const double roi[5] = {0, 1.0, 2.2, 9.0, 7.8};
    static const double want[6] = {5.0, 5.0, 4.0, 5.0, 4.0, 4.0};
    static const int64_t xd[4] = {1, 1, 6, 6}, rd[2] = {1, 5}, yd[4] = {1, 1, 2, 3};
    static const int64_t shape[2] = {2, 3};
    struct nt t;
    nt_new(&t, IR_OP_MAX_ROI_POOL, 1, 2, 1);
    attr_ints(&t, "pooled_shape", shape, 2);
    attr_float(&t, "spatial_scale", 0.5f);
    nt_input(&t, 0, IR_F32, 4, xd, pool_x);
    nt_input(&t, 1, IR_F32, 2, rd, roi);
    if (T_CHECK(nt_run(&t, 1) == FY_OK, "%s", t.err.message))
        expect_out(&t, 0, IR_F32, 4, yd, want, 0, "MaxRoiPool");
    nt_free(&t);
    /* a batch index outside X is a data fault naming the node */
    static const double bad[5] = {3, 0, 0, 1, 1};
    nt_new(&t, IR_OP_MAX_ROI_POOL, 1, 2, 1);
    attr_ints(&t, "pooled_shape", shape, 2);
    nt_input(&t, 0, IR_F32, 4, xd, pool_x);
    nt_input(&t, 1, IR_F32, 2, rd, bad);
    T_CHECK(nt_run(&t, 1) == FY_EINVALID && !strcmp(t.err.node, "node0") &&
                strstr(t.err.message, "batch index"),
            "bad batch index refused: %s", t.err.message);
    nt_free(&t);
}

static const double norm_x[24] = {0.001, 0.299,  -0.274, -0.891, -0.455, -0.992, 0.06,  1.34,
                                  -0.492, -0.62, 0.49,   0.357,  0.105,  -0.93,  -0.029, 0.695,
                                  -1.344, -0.458, -1.901, -1.29, -1.842, -0.235, -1.267, 0.271};

/* X (2,4,3) above, num_groups 2. Opset 18: scale [0.5,-1.25], bias [0.1,0.2]
 * per group; opset 21: scale [1,2,-0.5,0.25], bias [0,0.5,-0.5,1] per
 * channel (numpy: reshape to (2,2,6), normalize, apply). */
TEST(groupnorm_scale_per_group_in_opset18_per_channel_in_opset21)
{
    static const double y18[24] = {
        0.5217556959129808,  0.8470788988001289,   0.22154133083255872, -0.4520305355478791,
        0.023945694179626442, -0.5622910841774158, 0.44628996995624826, -1.9943641839327657,
        1.4988220738208853,  1.7428874892097868,   -0.3736172848658423, -0.12001806418831201,
        0.4198016342705235,  -0.3466854937958411,  0.3205656196223178,  0.856736325632026,
        -0.6532803450223871, 0.002862259293360897, 1.5346791595436973,  0.5831167715843053,
        1.442793429773478,   -1.0599246675272478,  0.5472969108264228,  -1.8479616042006557};
    static const double y21[24] = {
        0.8435113918259615,  1.4941577976002578,   0.24308266166511747, -1.7081221421915163,
        0.19578277671850575, -2.149164336709663,   -0.4014840120175007, -1.3777456735731062,
        0.019528829528354108, 0.6914225021580427,  1.1147234569731685,  1.0640036128376624,
        0.639603268541047,   -0.8933709875916822,  0.4411312392446356,  3.526945302528104,
        -2.513121380089548,  0.11144903717344357,  0.03387166381747897, -0.3467532913662779,
        -0.002882628090608852, 1.2519849335054496, 0.9305406178347154,  1.409592320840131};
    static const int64_t xd[3] = {2, 4, 3}, gd[1] = {2}, cd[1] = {4};
    static const double sg[2] = {0.5, -1.25}, bg[2] = {0.1, 0.2};
    static const double sc[4] = {1, 2, -0.5, 0.25}, bc[4] = {0, 0.5, -0.5, 1};
    for (int v = 0; v < 2; v++) {
        struct nt t;
        nt_new(&t, IR_OP_GROUP_NORMALIZATION, v ? 21 : 18, 3, 1);
        attr_int(&t, "num_groups", 2);
        nt_input(&t, 0, IR_F32, 3, xd, norm_x);
        nt_input(&t, 1, IR_F32, 1, v ? cd : gd, v ? sc : sg);
        nt_input(&t, 2, IR_F32, 1, v ? cd : gd, v ? bc : bg);
        if (T_CHECK(nt_run(&t, 1) == FY_OK, "%s", t.err.message))
            expect_out(&t, 0, IR_F32, 3, xd, v ? y21 : y18, 2e-6, v ? "opset 21" : "opset 18");
        nt_free(&t);
    }
}

/* Same X; LayerNormalization axis 1 (over the last two dims) with Scale
 * [1.5,-0.5,2] and B [0.25,0,-1] broadcast from the last dim; Mean and
 * InvStdDev of shape (2,1,1). RMSNormalization axis -1 with the same scale.
 * numpy: mean/var with keepdims, 1/sqrt(var + 1e-5). */
TEST(layernorm_and_rmsnorm_match_numpy)
{
    static const double y[24] = {
        0.48433042772648127, -0.31303181612466585, -1.5547199696446334, -1.6252346676345408,
        0.28136731762055484, -3.8187973066688694,  0.6238644418815265,  -1.1336810180195926,
        -2.2421417794932177, -0.9843241958376385,  -0.46360241896994053, 0.43501930565103897,
        1.689256886707739,   0.14845260806491706,  0.5936779471582303,  2.763578316111091,
        0.39973456951858244, -0.44786757422942614, -1.9634359732636577, 0.3669586615028869,
        -3.8080051070977627, 1.0701564019668244,   0.35299855253323875, 1.32203145861813};
    static const double mean[2] = {-0.09808333333333334, -0.6854166666666667};
    static const double inv[2] = {1.5766555271756517, 1.2139225190998326};
    static const double rms[24] = {
        0.006405578756094191, -0.6384226826907209, -2.3401714388930777, -1.6430445338000972,
        0.2796802330262043,   -2.4390575047208323, 0.10910643289807176, -0.8122367782412011,
        -1.1928969996855847,  -1.8575508857327816, -0.48935480323067904, 1.4261197122722646,
        0.2913344922694303,   0.860130405747842,   -0.10728508286747276, 1.1421945795960902,
        0.7362635563439546,   -1.0035973476355093, -1.6772663717033547, 0.37939218297340477,
        -2.166946979959726,   -0.46365727724749084, 0.8332677592518736, 0.7129141681365676};
    static const int64_t xd[3] = {2, 4, 3}, sd[1] = {3}, md[3] = {2, 1, 1};
    static const double s[3] = {1.5, -0.5, 2.0}, b[3] = {0.25, 0.0, -1.0};
    struct nt t;
    nt_new(&t, IR_OP_LAYER_NORMALIZATION, 17, 3, 3);
    attr_int(&t, "axis", 1);
    nt_input(&t, 0, IR_F32, 3, xd, norm_x);
    nt_input(&t, 1, IR_F32, 1, sd, s);
    nt_input(&t, 2, IR_F32, 1, sd, b);
    if (T_CHECK(nt_run(&t, 1) == FY_OK, "%s", t.err.message)) {
        expect_out(&t, 0, IR_F32, 3, xd, y, 2e-6, "LayerNorm Y");
        expect_out(&t, 1, IR_F32, 3, md, mean, 1e-6, "LayerNorm Mean");
        expect_out(&t, 2, IR_F32, 3, md, inv, 1e-6, "LayerNorm InvStdDev");
    }
    nt_free(&t);
    nt_new(&t, IR_OP_RMS_NORMALIZATION, 23, 2, 1);
    nt_input(&t, 0, IR_F64, 3, xd, norm_x);
    nt_input(&t, 1, IR_F64, 1, sd, s);
    if (T_CHECK(nt_run(&t, 1) == FY_OK, "%s", t.err.message))
        expect_out(&t, 0, IR_F64, 3, xd, rms, 1e-9, "RMSNorm"); /* epsilon is a float32 attribute */
    nt_free(&t);
}

/* Same X; LpNormalization p=1 along axis 1: x / sum|x| (numpy). */
TEST(lpnormalization_p1_divides_by_l1_norm)
{
    static const double want[24] = {
        0.0006361323155216284, 0.11571207430340555, -0.12955082742316784, -0.566793893129771,
        -0.17608359133126933,  -0.46903073286052005, 0.038167938931297704, 0.5185758513931887,
        -0.23262411347517728,  -0.39440203562340964, 0.1896284829721362,   0.16879432624113472,
        0.035762942779291554,  -0.19250672738563449, -0.011153846153846155, 0.23671662125340598,
        -0.2782032705444008,   -0.17615384615384616, -0.6474795640326976,  -0.2670254605671704,
        -0.7084615384615385,   -0.0800408719346049,  -0.26226454150279443, 0.10423076923076924};
    static const int64_t xd[3] = {2, 4, 3};
    struct nt t;
    nt_new(&t, IR_OP_LP_NORMALIZATION, 1, 1, 1);
    attr_int(&t, "axis", 1);
    attr_int(&t, "p", 1);
    nt_input(&t, 0, IR_F64, 3, xd, norm_x);
    if (T_CHECK(nt_run(&t, 1) == FY_OK, "%s", t.err.message))
        expect_out(&t, 0, IR_F64, 3, xd, want, 1e-12, "LpNormalization");
    nt_free(&t);
}

/* A (2x3) and B (3x2) uint8 with a per-row a_zero_point [12, 100] and a
 * per-column b_zero_point [128, 7]: (A - azp[:,None]) @ (B - bzp) (numpy). */
TEST(matmulinteger_per_row_and_per_column_zero_points)
{
    static const int64_t a[6] = {10, 200, 3, 255, 0, 77}, b[6] = {1, 250, 128, 9, 60, 33};
    static const int64_t az[2] = {12, 100}, bz[2] = {128, 7};
    static const double want[4] = {866, -344, -18121, 36867};
    static const int64_t ad[2] = {2, 3}, bd[2] = {3, 2}, zd[1] = {2}, yd[2] = {2, 2};
    struct nt t;
    nt_new(&t, IR_OP_MAT_MUL_INTEGER, 10, 4, 1);
    nt_input_i64(&t, 0, IR_U8, 2, ad, a);
    nt_input_i64(&t, 1, IR_U8, 2, bd, b);
    nt_input_i64(&t, 2, IR_U8, 1, zd, az);
    nt_input_i64(&t, 3, IR_U8, 1, zd, bz);
    if (T_CHECK(nt_run(&t, 1) == FY_OK, "%s", t.err.message))
        expect_out(&t, 0, IR_I32, 2, yd, want, 0, "MatMulInteger");
    nt_free(&t);
}

/* x (3x3 uint8, zero point 1), w (2 filters 2x2, zero points [2, 5]),
 * pads 1: numpy loops over (x - 1) padded with 0 and w - wz[m]. */
TEST(convinteger_per_filter_weight_zero_point)
{
    static const int64_t x[9] = {2, 4, 6, 8, 10, 12, 14, 16, 18};
    static const int64_t w[8] = {1, 2, 3, 4, 5, 0, 255, 9};
    static const int64_t xz[1] = {1}, wz[2] = {2, 5};
    static const double want[32] = {2,  7,    13,   5,    14,  24,   28,   6,    26,   36,  40,
                                    6,  0,    -13,  -15,  -17, 4,    262,  770,  1250, 23,  1771,
                                    2269, 2750, 17, 3265, 3763, 4250, -65, -75, -85, 0};
    static const int64_t xd[4] = {1, 1, 3, 3}, wd[4] = {2, 1, 2, 2}, sd[1] = {1}, zd[1] = {2};
    static const int64_t yd[4] = {1, 2, 4, 4}, pads[4] = {1, 1, 1, 1};
    struct nt t;
    nt_new(&t, IR_OP_CONV_INTEGER, 10, 4, 1);
    attr_ints(&t, "pads", pads, 4);
    nt_input_i64(&t, 0, IR_U8, 4, xd, x);
    nt_input_i64(&t, 1, IR_U8, 4, wd, w);
    nt_input_i64(&t, 2, IR_U8, 1, sd, xz);
    nt_input_i64(&t, 3, IR_U8, 1, zd, wz);
    if (T_CHECK(nt_run(&t, 1) == FY_OK, "%s", t.err.message))
        expect_out(&t, 0, IR_I32, 4, yd, want, 0, "ConvInteger");
    nt_free(&t);
}

/* SAME_UPPER puts the odd padding unit at the end, SAME_LOWER at the start
 * (ONNX's auto_pad text): a 1-D input [1,2,3,4], kernel [1,1] (width 2),
 * stride 1 needs one pad: UPPER sums (1,2),(2,3),(3,4),(4,0); LOWER
 * (0,1),(1,2),(2,3),(3,4). */
TEST(conv_same_upper_pads_end_same_lower_pads_start)
{
    static const double x[4] = {1, 2, 3, 4}, w[2] = {1, 1};
    static const double upper[4] = {3, 5, 7, 4}, lower[4] = {1, 3, 5, 7};
    static const int64_t xd[3] = {1, 1, 4}, wd[3] = {1, 1, 2};
    for (int v = 0; v < 2; v++) {
        struct nt t;
        nt_new(&t, IR_OP_CONV, 11, 2, 1);
        attr_string(&t, "auto_pad", v ? "SAME_LOWER" : "SAME_UPPER");
        nt_input(&t, 0, IR_F32, 3, xd, x);
        nt_input(&t, 1, IR_F32, 3, wd, w);
        if (T_CHECK(nt_run(&t, 1) == FY_OK, "%s", t.err.message))
            expect_out(&t, 0, IR_F32, 3, xd, v ? lower : upper, 0, v ? "SAME_LOWER" : "SAME_UPPER");
        nt_free(&t);
    }
}

/* ---- errors ---- */

/* training_mode 1: batch statistics per channel over (N, positions),
 * population variance; running statistics blended with momentum 0.9.
 * numpy: x.reshape(2,2,3); mean/var over axes (0,2). */
TEST(batchnorm_training_mode_uses_batch_statistics)
{
    static const double x[12] = {0.5, -1.0, 2.0, 0.25, 1.5, 0.0, -0.75, 3.0, -2.0, 1.0, 0.5, -0.5};
    static const double s[2] = {1.5, -0.5}, b[2] = {0.1, 0.2}, m[2] = {0.3, -0.2}, v[2] = {1.2, 0.8};
    static const double y[12] = {0.27892650166142163,  -1.0093443103008144, 1.5671973136236577,
                                 0.3597172637682866,   -0.5985863188414333, 0.5513779802902306,
                                 -0.7946325083071085,  2.426044521598482,   -1.8681915182756381,
                                 -0.21526488579754532, 0.16805654724634267, 0.9346994133341184};
    static const double rm[2] = {0.2991666666666667, -0.1341666666666667};
    static const double rv[2] = {1.3850347222222221, 0.7625347222222223};
    static const int64_t xd[3] = {2, 2, 3}, cd[1] = {2};
    struct nt t;
    nt_new(&t, IR_OP_BATCH_NORMALIZATION, 15, 5, 3);
    attr_int(&t, "training_mode", 1);
    nt_input(&t, 0, IR_F32, 3, xd, x);
    nt_input(&t, 1, IR_F32, 1, cd, s);
    nt_input(&t, 2, IR_F32, 1, cd, b);
    nt_input(&t, 3, IR_F32, 1, cd, m);
    nt_input(&t, 4, IR_F32, 1, cd, v);
    if (T_CHECK(nt_run(&t, 1) == FY_OK, "%s", t.err.message)) {
        expect_out(&t, 0, IR_F32, 3, xd, y, 2e-6, "Y");
        expect_out(&t, 1, IR_F32, 1, cd, rm, 1e-6, "running_mean");
        expect_out(&t, 2, IR_F32, 1, cd, rv, 1e-6, "running_var");
    }
    nt_free(&t);
}

/* In inference mode the running statistics are not outputs (ONNX: "extra
 * outputs are invalid"). */
TEST(batchnorm_inference_with_statistics_outputs_is_refused)
{
    struct nt t;
    nt_new(&t, IR_OP_BATCH_NORMALIZATION, 15, 5, 2);
    static const int64_t xd[2] = {1, 2}, cd[1] = {2};
    static const double v[2] = {1, 2};
    nt_input(&t, 0, IR_F32, 2, xd, v);
    for (int i = 1; i < 5; i++) nt_input(&t, i, IR_F32, 1, cd, v);
    T_CHECK(nt_run(&t, 1) == FY_EINVALID && !strcmp(t.err.node, "node0") &&
                strstr(t.err.message, "training"),
            "refused: %s", t.err.message);
    nt_free(&t);
}

TEST(conv_with_mismatched_channels_names_node_and_shapes)
{
    struct nt t;
    nt_new(&t, IR_OP_CONV, 13, 2, 1);
    static const int64_t xd[4] = {1, 3, 4, 4}, wd[4] = {2, 2, 3, 3};
    double v[54] = {0};
    nt_input(&t, 0, IR_F32, 4, xd, v);
    nt_input(&t, 1, IR_F32, 4, wd, v);
    T_CHECK(nt_run(&t, 1) == FY_EINVALID && !strcmp(t.err.node, "node0") &&
                !strcmp(t.err.op, "Conv") && strstr(t.err.message, "[2,2,3,3]"),
            "refused: %s", t.err.message);
    nt_free(&t);
}

TEST(maxunpool_index_out_of_range_is_a_data_fault)
{
    struct nt t;
    nt_new(&t, IR_OP_MAX_UNPOOL, 11, 2, 1);
    static const int64_t k[2] = {2, 2};
    attr_ints(&t, "kernel_shape", k, 2);
    attr_ints(&t, "strides", k, 2);
    static const int64_t xd[4] = {1, 1, 1, 2};
    static const double x[2] = {1, 2};
    static const int64_t idx[2] = {0, 99};
    nt_input(&t, 0, IR_F32, 4, xd, x);
    nt_input_i64(&t, 1, IR_I64, 4, xd, idx);
    T_CHECK(nt_run(&t, 1) == FY_EINVALID && !strcmp(t.err.node, "node0") &&
                strstr(t.err.message, "99"),
            "refused: %s", t.err.message);
    nt_free(&t);
}
