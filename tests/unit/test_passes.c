/* The conversion passes (src/passes) on small IR graphs.
 *
 * Each test builds a graph twice with the same builder, runs the passes on
 * one copy, and checks
 *  - by structure: which ops are left, what the report says;
 *  - by value: ferry's interpreter runs both graphs on the same seeded
 *    random inputs (the source graph with its ONNX kernels, the rewritten one
 *    with the tfl.* kernels where the passes lowered it) and every output
 *    agrees within 1e-5 (absolute, plus 1e-5 relative).
 * The ONNX-side kernels are themselves checked against ONNX Runtime and
 * ONNX's own test data elsewhere (tests/tools/conformance, the model
 * suites); what this file adds is that each rewrite keeps the function. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "formats/tflite/tflite.h"
#include "interp/interp.h"
#include "ir/ir.h"
#include "passes/pass.h"
#include "t.h"
#include "tb.h"

/* ---- graphs (tb.h): float32 tensors, seeded random weights ---- */

/* A node with its output tensor named `out` (shape left to inference). */
static struct ir_node *mb_node(struct tb *b, enum ir_op op, const char *name, const char *out,
                               int n_in, struct ir_tensor *a, struct ir_tensor *c,
                               struct ir_tensor *d, struct ir_tensor *e, struct ir_tensor *f)
{
    struct ir_tensor *y = tb_tensor(b, out, IR_F32, -1, NULL);
    return tb_node(b, op, NULL, "", name, n_in, TB_TS(a, c, d, e, f), 1, &y);
}

static struct ir_tensor *out0(struct ir_node *n) { return n ? n->outputs[0] : NULL; }

/* ---- running ---- */

#define MAXV 4

struct vals {
    int n;
    float *v[MAXV];
    uint64_t numel[MAXV];
    int64_t dims[MAXV][8];
    int rank[MAXV];
};

static void vals_free(struct vals *v)
{
    for (int i = 0; i < v->n; i++) free(v->v[i]);
    memset(v, 0, sizeof *v);
}

/* Seeded inputs for every non-constant input of m (float32). */
static bool make_inputs(const struct ir_model *m, uint64_t seed, struct op_tensor *in, int *n)
{
    *n = 0;
    const struct ir_graph *g = m->graph;
    for (int i = 0; i < g->n_inputs; i++) {
        const struct ir_tensor *t = g->inputs[i];
        if (t->kind == IR_TENSOR_CONST) continue;
        int64_t d[8];
        for (int k = 0; k < t->rank; k++) d[k] = t->dims[k].value;
        struct fy_error err = {0};
        if (op_tensor_alloc(&in[*n], IR_F32, t->rank, d, &err)) return false;
        float *p = in[*n].data;
        for (uint64_t k = 0; k < in[*n].numel; k++)
            p[k] = 2.0f * tb_random(&seed);
        (*n)++;
    }
    return true;
}

static bool run_model(const struct ir_model *m, struct op_tensor *in, int n_in, struct vals *out,
                      char *why, size_t cap)
{
    memset(out, 0, sizeof *out);
    struct fy_error err = {0};
    struct interp *ip = NULL;
    const struct op_tensor *feed[MAXV];
    for (int i = 0; i < n_in; i++) feed[i] = &in[i];
    struct op_tensor *res[MAXV] = {0};
    int n_out = m->graph->n_outputs < MAXV ? m->graph->n_outputs : MAXV;
    fy_status st = interp_create(m, NULL, &ip, &err);
    if (!st) st = interp_run(ip, feed, n_in, res, n_out, &err);
    if (st) {
        fy_error_format(&err, why, cap);
        interp_destroy(ip);
        return false;
    }
    out->n = n_out;
    for (int i = 0; i < n_out; i++) {
        out->numel[i] = res[i]->numel;
        out->rank[i] = res[i]->rank;
        memcpy(out->dims[i], res[i]->dims, sizeof(int64_t) * (size_t)res[i]->rank);
        out->v[i] = malloc(sizeof(float) * (size_t)(res[i]->numel + 1));
        for (uint64_t k = 0; k < res[i]->numel; k++) out->v[i][k] = (float)op_get_f64(res[i], k);
    }
    interp_destroy(ip);
    return true;
}

/* Outputs of a and b agree within 1e-5 + 1e-5|r| (b's output i may hold a's
 * transposed by perm_b[i], NHWC for NCHW). */
static bool agree(const char *what, const struct vals *a, const struct vals *b,
                  const int *nhwc_out)
{
    if (!T_CHECK(a->n == b->n, "%s: %d outputs vs %d", what, a->n, b->n)) return false;
    bool ok = true;
    for (int i = 0; i < a->n; i++) {
        if (!T_CHECK(a->numel[i] == b->numel[i], "%s: output %d has %llu values vs %llu", what, i,
                     (unsigned long long)a->numel[i], (unsigned long long)b->numel[i]))
            return false;
        double worst = 0;
        for (uint64_t k = 0; k < a->numel[i]; k++) {
            uint64_t kb = k;
            if (nhwc_out && nhwc_out[i] && a->rank[i] == 4) {
                int64_t N = a->dims[i][0], C = a->dims[i][1], H = a->dims[i][2], W = a->dims[i][3];
                int64_t w = (int64_t)k % W, h = (int64_t)k / W % H, c = (int64_t)k / (W * H) % C,
                        n = (int64_t)k / (W * H * C);
                (void)N;
                kb = (uint64_t)(((n * H + h) * W + w) * C + c);
            }
            double r = a->v[i][k], x = b->v[i][kb], d = fabs(r - x);
            if (d > worst) worst = d;
            if (!(d <= 1e-5 + 1e-5 * fabs(r))) {
                ok = T_CHECK(false, "%s: output %d element %llu: %.9g, expected %.9g", what, i,
                             (unsigned long long)k, x, r);
                break;
            }
        }
        if (!ok) break;
    }
    return ok;
}

typedef void (*build_fn)(struct tb *b);

/* Builds the graph twice, runs passes on the second copy and compares. */
static bool check_passes(const char *what, build_fn build, const struct pass *const *passes,
                         int n_passes, struct pass_report *r, struct ir_model **after,
                         bool io_nhwc)
{
    struct tb a, b;
    tb_init(&a, IR_FORMAT_ONNX, 17);
    build(&a);
    tb_init(&b, IR_FORMAT_ONNX, 17);
    build(&b);
    bool ok = T_CHECK(!a.bad && !b.bad, "%s: building the graph: %s", what, a.err.message);
    struct fy_error err = {0};
    pass_report_init(r);
    r->opt.verify = true;
    r->opt.io_nhwc = io_nhwc;
    if (ok) {
        const struct pass *all[16];
        all[0] = &pass_static_shapes;
        for (int i = 0; i < n_passes; i++) all[1 + i] = passes[i];
        fy_status st = pass_run_list(b.m, all, n_passes + 1, r, &err);
        ok = T_CHECK(st == FY_OK, "%s: passes: %s", what, err.message);
    }
    struct op_tensor in_a[MAXV], in_b[MAXV];
    int n_a = 0, n_b = 0;
    struct vals va = {0}, vb = {0};
    char why[1024] = "";
    if (ok) ok = T_CHECK(make_inputs(a.m, 7, in_a, &n_a), "%s: inputs", what);
    if (ok) {
        /* the same values; NHWC inputs get them transposed */
        make_inputs(b.m, 7, in_b, &n_b);
        for (int i = 0; io_nhwc && i < n_a && i < n_b; i++)
            if (in_a[i].rank == 4) {
                const float *s = in_a[i].data;
                float *d = in_b[i].data;
                int64_t N = in_a[i].dims[0], C = in_a[i].dims[1], H = in_a[i].dims[2],
                        W = in_a[i].dims[3];
                for (int64_t n = 0; n < N; n++)
                    for (int64_t c = 0; c < C; c++)
                        for (int64_t h = 0; h < H; h++)
                            for (int64_t w = 0; w < W; w++)
                                d[((n * H + h) * W + w) * C + c] = s[((n * C + c) * H + h) * W + w];
            }
        ok = T_CHECK(run_model(a.m, in_a, n_a, &va, why, sizeof why), "%s: source graph: %s",
                     what, why);
    }
    if (ok)
        ok = T_CHECK(run_model(b.m, in_b, n_b, &vb, why, sizeof why), "%s: rewritten graph: %s",
                     what, why);
    int nhwc_out[MAXV] = {io_nhwc, io_nhwc, io_nhwc, io_nhwc};
    if (ok) ok = agree(what, &va, &vb, io_nhwc ? nhwc_out : NULL);
    for (int i = 0; i < n_a; i++) op_tensor_release(&in_a[i]);
    for (int i = 0; i < n_b; i++) op_tensor_release(&in_b[i]);
    vals_free(&va);
    vals_free(&vb);
    ir_model_free(a.m);
    if (after) *after = b.m;
    else ir_model_free(b.m);
    return ok;
}

static int count_op(const struct ir_model *m, enum ir_op op)
{
    int c = 0;
    for (int i = 0; i < m->graph->n_nodes; i++) c += m->graph->nodes[i]->op == op;
    return c;
}

static bool all_tfl(const struct ir_model *m)
{
    for (int i = 0; i < m->graph->n_nodes; i++)
        if (strncmp(ir_op_name(m->graph->nodes[i]->op), "tfl.", 4)) return false;
    return true;
}

static const struct pass *const P_FOLD[] = {&pass_fold_constants};
static const struct pass *const P_BN[] = {&pass_fold_batchnorm};
static const struct pass *const P_ACT[] = {&pass_fuse_activation};
static const struct pass *const P_ALL[] = {&pass_fold_constants, &pass_fold_batchnorm,
                                           &pass_fuse_activation, &pass_lower_tflite,
                                           &pass_layout_nhwc};
static const struct pass *const P_LOWER[] = {&pass_fold_constants, &pass_lower_tflite};

/* ---- fold_constants ---- */

/* x [2,3,4,5] → Reshape(x, Concat(Unsqueeze(Gather(Shape(x), 0)), [-1])): the
 * exporter's flatten, plus Constant-only arithmetic. */
static void build_shape_chain(struct tb *b)
{
    int64_t xd[4] = {2, 3, 4, 5};
    struct ir_tensor *x = tb_input(b, "x", IR_F32, 4, xd);
    struct ir_node *sh = mb_node(b, IR_OP_SHAPE, "shape", "s", 1, x, NULL, NULL, NULL, NULL);
    int64_t zero = 0, axes0[1] = {0}, minus1 = -1;
    struct ir_tensor *idx = tb_const(b, "idx", IR_I64, 0, NULL, &zero, 8);
    struct ir_node *ga = mb_node(b, IR_OP_GATHER, "gather", "n", 2, out0(sh), idx, NULL, NULL, NULL);
    tb_int(b, ga, "axis", 0);
    struct ir_node *un = mb_node(b, IR_OP_UNSQUEEZE, "unsqueeze", "n1", 2, out0(ga),
                                 tb_i64s(b, "axes", 1, axes0), NULL, NULL, NULL);
    struct ir_node *cc = mb_node(b, IR_OP_CONCAT, "concat", "shape2", 2, out0(un),
                                 tb_i64s(b, "m1", 1, &minus1), NULL, NULL, NULL);
    tb_int(b, cc, "axis", 0);
    struct ir_node *rs = mb_node(b, IR_OP_RESHAPE, "reshape", "flat", 2, x, out0(cc), NULL, NULL, NULL);
    /* two constants added: folded too */
    int64_t cd[1] = {60};
    struct ir_node *ad = mb_node(b, IR_OP_ADD, "const_add", "c", 2, tb_rand(b, "c1", 1, cd, 1, 0),
                                 tb_rand(b, "c2", 1, cd, 1, 0), NULL, NULL, NULL);
    struct ir_node *y = mb_node(b, IR_OP_MUL, "mul", "y", 2, out0(rs), out0(ad), NULL, NULL, NULL);
    tb_output(b, out0(y));
}

TEST(fold_constants_folds_exporter_shape_chains_and_constant_arithmetic)
{
    struct pass_report r;
    struct ir_model *m = NULL;
    bool ok = check_passes("shape chain", build_shape_chain, P_FOLD, 1, &r, &m, false);
    if (ok) {
        T_CHECK(m->graph->n_nodes == 2, "left %d nodes; expected Reshape and Mul", m->graph->n_nodes);
        T_CHECK(count_op(m, IR_OP_SHAPE) == 0 && count_op(m, IR_OP_CONCAT) == 0 &&
                    count_op(m, IR_OP_ADD) == 0,
                "the shape chain or the constant Add survived");
        const struct ir_node *rs = NULL;
        for (int i = 0; i < m->graph->n_nodes; i++)
            if (m->graph->nodes[i]->op == IR_OP_RESHAPE) rs = m->graph->nodes[i];
        T_CHECK(rs && rs->inputs[1]->kind == IR_TENSOR_CONST, "Reshape's shape is not a constant");
        T_CHECK(r.constants_folded >= 2, "constants_folded is %d", r.constants_folded);
    }
    pass_report_free(&r);
    ir_model_free(m);
}

/* A Loop with a constant trip count is unrolled; an If on a constant
 * condition inlined. */
static void build_loop(struct tb *b)
{
    int64_t xd[1] = {3};
    struct ir_tensor *x = tb_input(b, "x", IR_F32, 1, xd);
    int64_t trip = 3;
    uint8_t yes = 1;
    struct ir_tensor *M = tb_const(b, "M", IR_I64, 0, NULL, &trip, 8);
    struct ir_tensor *cond = tb_const(b, "cond", IR_BOOL, 0, NULL, &yes, 1);
    struct ir_tensor *y = tb_tensor(b, "y", IR_F32, -1, NULL);
    struct ir_node *lp = tb_node(b, IR_OP_LOOP, NULL, "", "loop", TB_LIST(M, cond, x), 1, &y);
    struct ir_graph *outer = b->g, *body = tb_subgraph(b, lp, "body");
    if (!body) return;
    body->name = "body";
    b->g = body;
    tb_input(b, "i", IR_I64, 0, NULL);
    struct ir_tensor *bc = tb_input(b, "c_in", IR_BOOL, 0, NULL);
    struct ir_tensor *bx = tb_input(b, "x_in", IR_F32, -1, NULL);
    struct ir_tensor *bs = tb_tensor(b, "x_out", IR_F32, -1, NULL);
    tb_node(b, IR_OP_SIGMOID, NULL, "", "sig", 1, &bx, 1, &bs);
    tb_output(b, bc);
    tb_output(b, bs);
    b->g = outer;
    tb_output(b, y);
}

TEST(fold_constants_unrolls_a_loop_with_a_constant_trip_count)
{
    struct pass_report r;
    struct ir_model *m = NULL;
    bool ok = check_passes("loop", build_loop, P_FOLD, 1, &r, &m, false);
    if (ok) {
        T_CHECK(count_op(m, IR_OP_LOOP) == 0 && count_op(m, IR_OP_SIGMOID) == 3,
                "%d Loop and %d Sigmoid left; expected 0 and 3", count_op(m, IR_OP_LOOP),
                count_op(m, IR_OP_SIGMOID));
        T_CHECK(r.decompositions.count == 1, "%d decompositions reported", r.decompositions.count);
    }
    pass_report_free(&r);
    ir_model_free(m);
}

/* ---- fold_batchnorm ---- */

static struct ir_node *bn_after(struct tb *b, struct ir_tensor *x, int64_t C, const char *name,
                                const char *out)
{
    int64_t cd[1] = {C};
    char nm[64];
    snprintf(nm, sizeof nm, "%s_scale", name);
    struct ir_tensor *s = tb_rand(b, nm, 1, cd, 0.5f, 1.0f);
    snprintf(nm, sizeof nm, "%s_bias", name);
    struct ir_tensor *bb = tb_rand(b, nm, 1, cd, 0.5f, 0.0f);
    snprintf(nm, sizeof nm, "%s_mean", name);
    struct ir_tensor *mean = tb_rand(b, nm, 1, cd, 0.5f, 0.0f);
    snprintf(nm, sizeof nm, "%s_var", name);
    struct ir_tensor *var = tb_rand(b, nm, 1, cd, 0.4f, 1.0f);
    struct ir_node *bn = mb_node(b, IR_OP_BATCH_NORMALIZATION, name, out, 5, x, s, bb, mean, var);
    tb_float(b, bn, "epsilon", 1e-3f);
    return bn;
}

static void build_conv_bn(struct tb *b)
{
    int64_t xd[4] = {1, 3, 8, 8}, wd[4] = {4, 3, 3, 3}, bd[1] = {4}, gd[2] = {5, 4};
    struct ir_tensor *x = tb_input(b, "x", IR_F32, 4, xd);
    struct ir_node *cv = mb_node(b, IR_OP_CONV, "conv", "c", 3, x, tb_rand(b, "w", 4, wd, 0.3f, 0),
                                 tb_rand(b, "b", 1, bd, 0.1f, 0), NULL, NULL);
    int64_t pads[4] = {1, 1, 1, 1};
    tb_ints(b, cv, "pads", 4, pads);
    struct ir_node *bn = bn_after(b, out0(cv), 4, "bn", "y");
    tb_output(b, out0(bn));
    /* a lone BatchNorm on an input */
    struct ir_node *bn2 = bn_after(b, x, 3, "bn_alone", "z");
    tb_output(b, out0(bn2));
    /* Gemm → BatchNorm over its columns */
    int64_t ad[2] = {2, 5};
    struct ir_tensor *a = tb_input(b, "a", IR_F32, 2, ad);
    struct ir_node *gm = mb_node(b, IR_OP_GEMM, "gemm", "g", 3, a, tb_rand(b, "B", 2, gd, 0.5f, 0),
                                 tb_rand(b, "C", 1, bd, 0.5f, 0), NULL, NULL);
    tb_float(b, gm, "beta", 0.5f);
    struct ir_node *bn3 = bn_after(b, out0(gm), 4, "bn_gemm", "w_out");
    tb_output(b, out0(bn3));
}

TEST(fold_batchnorm_folds_into_conv_and_gemm_and_splits_a_lone_one)
{
    struct pass_report r;
    struct ir_model *m = NULL;
    bool ok = check_passes("conv+bn", build_conv_bn, P_BN, 1, &r, &m, false);
    if (ok) {
        T_CHECK(count_op(m, IR_OP_BATCH_NORMALIZATION) == 0, "a BatchNormalization survived");
        T_CHECK(r.batchnorms_folded == 2, "folded %d; expected 2 (conv, gemm)", r.batchnorms_folded);
        T_CHECK(count_op(m, IR_OP_MUL) == 1 && count_op(m, IR_OP_ADD) == 1,
                "the lone BatchNorm is not Mul + Add");
        T_CHECK(r.decompositions.count == 1 &&
                    !strcmp(r.decompositions.items[0].op, "BatchNormalization"),
                "the lone BatchNorm's decomposition is not reported");
    }
    pass_report_free(&r);
    ir_model_free(m);
}

/* ---- fuse_activation ---- */

static void build_activations(struct tb *b)
{
    int64_t xd[4] = {1, 2, 5, 5}, wd[4] = {2, 2, 1, 1};
    struct ir_tensor *x = tb_input(b, "x", IR_F32, 4, xd);
    struct ir_node *cv =
        mb_node(b, IR_OP_CONV, "conv", "c", 2, x, tb_rand(b, "w", 4, wd, 2, 0), NULL, NULL, NULL);
    struct ir_node *rl = mb_node(b, IR_OP_RELU, "relu", "r", 1, out0(cv), NULL, NULL, NULL, NULL);
    /* Clip(0, 6) after an Add: RELU6 */
    struct ir_node *ad = mb_node(b, IR_OP_ADD, "add", "a", 2, out0(rl), x, NULL, NULL, NULL);
    struct ir_node *c6 = mb_node(b, IR_OP_CLIP, "clip6", "a6", 3, out0(ad), tb_f32(b, "zero", 0),
                                 tb_f32(b, "six", 6), NULL, NULL);
    /* Clip(-1, 1) after a Mul: RELU_N1_TO_1 */
    struct ir_node *mu = mb_node(b, IR_OP_MUL, "mul", "m", 2, out0(c6), x, NULL, NULL, NULL);
    struct ir_node *c1 = mb_node(b, IR_OP_CLIP, "clip1", "m1", 3, out0(mu), tb_f32(b, "m1c", -1),
                                 tb_f32(b, "p1c", 1), NULL, NULL);
    /* Tanh after a Sub: stays (TFLite's kernels ignore a fused TANH) */
    struct ir_node *sb = mb_node(b, IR_OP_SUB, "sub", "s", 2, out0(c1), x, NULL, NULL, NULL);
    struct ir_node *th = mb_node(b, IR_OP_TANH, "tanh", "t", 1, out0(sb), NULL, NULL, NULL, NULL);
    /* Relu after a Div whose output is also read elsewhere: stays */
    struct ir_node *dv =
        mb_node(b, IR_OP_DIV, "div", "d", 2, out0(th), tb_f32(b, "two", 2), NULL, NULL, NULL);
    struct ir_node *r2 = mb_node(b, IR_OP_RELU, "relu2", "r2", 1, out0(dv), NULL, NULL, NULL, NULL);
    struct ir_node *fin = mb_node(b, IR_OP_ADD, "fin", "y", 2, out0(r2), out0(dv), NULL, NULL, NULL);
    tb_output(b, out0(fin));
}

TEST(fuse_activation_fuses_relu_relu6_and_relu_n1_to_1_but_not_tanh)
{
    struct pass_report r;
    struct ir_model *m = NULL;
    bool ok = check_passes("activations", build_activations, P_ACT, 1, &r, &m, false);
    if (ok) {
        T_CHECK(r.activations_fused == 3, "fused %d; expected 3", r.activations_fused);
        T_CHECK(count_op(m, IR_OP_CLIP) == 0 && count_op(m, IR_OP_RELU) == 1 &&
                    count_op(m, IR_OP_TANH) == 1,
                "left %d Clip, %d Relu, %d Tanh; expected 0, 1, 1", count_op(m, IR_OP_CLIP),
                count_op(m, IR_OP_RELU), count_op(m, IR_OP_TANH));
        int seen = 0;
        for (int i = 0; i < m->graph->n_nodes; i++) {
            const struct ir_node *n = m->graph->nodes[i];
            if (n->op == IR_OP_CONV) seen += n->activation == IR_ACT_RELU;
            if (n->op == IR_OP_ADD && !strcmp(n->name, "add")) seen += n->activation == IR_ACT_RELU6;
            if (n->op == IR_OP_MUL) seen += n->activation == IR_ACT_RELU_N1_TO_1;
        }
        T_CHECK(seen == 3, "the fused activations are not on Conv, Add, Mul (%d of 3)", seen);
    }
    pass_report_free(&r);
    ir_model_free(m);
}

/* ---- lower_tflite and layout_nhwc ---- */

/* A small residual CNN: Conv(pads)+BN+Relu, MaxPool, residual Add, Conv,
 * GlobalAveragePool, Flatten, Gemm, Softmax. */
static void build_cnn(struct tb *b)
{
    int64_t xd[4] = {1, 3, 16, 16}, w1[4] = {8, 3, 3, 3}, w2[4] = {8, 8, 3, 3}, w3[4] = {8, 1, 3, 3};
    int64_t c8[1] = {8}, fw[2] = {10, 8}, c10[1] = {10};
    struct ir_tensor *x = tb_input(b, "input", IR_F32, 4, xd);
    int64_t p1[4] = {1, 1, 1, 1}, s2[2] = {2, 2}, k3[2] = {3, 3};
    struct ir_node *c1 = mb_node(b, IR_OP_CONV, "conv1", "c1", 2, x,
                                 tb_rand(b, "w1", 4, w1, 0.3f, 0), NULL, NULL, NULL);
    tb_ints(b, c1, "pads", 4, p1);
    tb_ints(b, c1, "strides", 2, s2);
    struct ir_node *bn = bn_after(b, out0(c1), 8, "bn1", "b1");
    struct ir_node *r1 = mb_node(b, IR_OP_RELU, "relu1", "r1", 1, out0(bn), NULL, NULL, NULL, NULL);
    struct ir_node *mp = mb_node(b, IR_OP_MAX_POOL, "pool", "p", 1, out0(r1), NULL, NULL, NULL, NULL);
    tb_ints(b, mp, "kernel_shape", 2, k3);
    tb_ints(b, mp, "pads", 4, p1);
    struct ir_node *c2 =
        mb_node(b, IR_OP_CONV, "conv2", "c2", 3, out0(mp), tb_rand(b, "w2", 4, w2, 0.2f, 0),
                tb_rand(b, "b2", 1, c8, 0.1f, 0), NULL, NULL);
    tb_ints(b, c2, "pads", 4, p1);
    struct ir_node *dw = mb_node(b, IR_OP_CONV, "dwconv", "dw", 2, out0(c2),
                                 tb_rand(b, "w3", 4, w3, 0.3f, 0), NULL, NULL, NULL);
    tb_int(b, dw, "group", 8);
    tb_ints(b, dw, "pads", 4, p1);
    struct ir_node *cl = mb_node(b, IR_OP_CLIP, "clip", "dwc", 3, out0(dw), tb_f32(b, "lo", 0),
                                 tb_f32(b, "hi", 6), NULL, NULL);
    struct ir_node *ad = mb_node(b, IR_OP_ADD, "residual", "res", 2, out0(cl), out0(mp), NULL, NULL, NULL);
    struct ir_node *gp = mb_node(b, IR_OP_GLOBAL_AVERAGE_POOL, "gap", "gap", 1, out0(ad), NULL, NULL,
                                 NULL, NULL);
    struct ir_node *fl = mb_node(b, IR_OP_FLATTEN, "flatten", "flat", 1, out0(gp), NULL, NULL, NULL, NULL);
    struct ir_node *gm =
        mb_node(b, IR_OP_GEMM, "fc", "logits", 3, out0(fl), tb_rand(b, "fw", 2, fw, 0.5f, 0),
                tb_rand(b, "fb", 1, c10, 0.1f, 0), NULL, NULL);
    tb_int(b, gm, "transB", 1);
    struct ir_node *sm = mb_node(b, IR_OP_SOFTMAX, "softmax", "output", 1, out0(gm), NULL, NULL, NULL, NULL);
    tb_output(b, out0(sm));
}

TEST(convert_pipeline_gives_an_nhwc_cnn_with_one_boundary_transpose)
{
    struct pass_report r;
    struct ir_model *m = NULL;
    bool ok = check_passes("cnn", build_cnn, P_ALL, 5, &r, &m, false);
    if (ok) {
        T_CHECK(all_tfl(m), "a node is not a TFLite builtin");
        T_CHECK(count_op(m, IR_OP_TFL_TRANSPOSE) == 1, "%d TRANSPOSE; expected the input's one",
                count_op(m, IR_OP_TFL_TRANSPOSE));
        T_CHECK(count_op(m, IR_OP_TFL_DEPTHWISE_CONV_2D) == 1 && count_op(m, IR_OP_TFL_CONV_2D) == 2,
                "expected 2 CONV_2D and 1 DEPTHWISE_CONV_2D");
        T_CHECK(count_op(m, IR_OP_TFL_FULLY_CONNECTED) == 1, "Gemm is not one FULLY_CONNECTED");
        T_CHECK(r.batchnorms_folded == 1 && r.activations_fused == 2,
                "folded %d, fused %d; expected 1 and 2", r.batchnorms_folded, r.activations_fused);
        T_CHECK(r.transposes.count == 1, "%d transposes reported", r.transposes.count);
        /* conv outputs live NHWC: the record says so */
        const struct pass_map *pm = NULL;
        for (int i = 0; i < m->graph->n_tensors && !pm; i++) {
            const struct pass_map *e = pass_map_get(&r, m->graph->tensors[i]->name);
            if (e && !strcmp(e->source, "res") && e->rank == 4) pm = e;
        }
        T_CHECK(pm && pm->perm[0] == 0 && pm->perm[1] == 2 && pm->perm[2] == 3 && pm->perm[3] == 1,
                "the residual sum's record has no NHWC permutation");
    }
    pass_report_free(&r);
    ir_model_free(m);
}

TEST(convert_pipeline_with_io_nhwc_has_no_transpose)
{
    struct pass_report r;
    struct ir_model *m = NULL;
    bool ok = check_passes("cnn nhwc", build_cnn, P_ALL, 5, &r, &m, true);
    if (ok) {
        T_CHECK(count_op(m, IR_OP_TFL_TRANSPOSE) == 0, "%d TRANSPOSE with --io-layout nhwc",
                count_op(m, IR_OP_TFL_TRANSPOSE));
        const struct ir_tensor *in = m->graph->inputs[0];
        T_CHECK(in->rank == 4 && in->dims[1].value == 16 && in->dims[3].value == 3,
                "the input is not NHWC");
    }
    pass_report_free(&r);
    ir_model_free(m);
}

/* Exporter patterns: LayerNorm written out, Erf GELU, MatMul + Add bias,
 * attention-style Transpose + BatchMatMul, Softmax on a middle axis. */
static void build_transformer_bits(struct tb *b)
{
    int64_t xd[3] = {1, 6, 8}, wd[2] = {8, 8}, d8[1] = {8}, ax[1] = {-1};
    struct ir_tensor *x = tb_input(b, "x", IR_F32, 3, xd);
    struct ir_node *m1 = mb_node(b, IR_OP_REDUCE_MEAN, "ln/mean", "mean", 1, x, NULL, NULL, NULL, NULL);
    tb_ints(b, m1, "axes", 1, ax);
    struct ir_node *sb = mb_node(b, IR_OP_SUB, "ln/sub", "d", 2, x, out0(m1), NULL, NULL, NULL);
    struct ir_node *pw =
        mb_node(b, IR_OP_POW, "ln/pow", "d2", 2, out0(sb), tb_f32(b, "two", 2), NULL, NULL, NULL);
    struct ir_node *m2 = mb_node(b, IR_OP_REDUCE_MEAN, "ln/var", "var", 1, out0(pw), NULL, NULL, NULL, NULL);
    tb_ints(b, m2, "axes", 1, ax);
    struct ir_node *ae = mb_node(b, IR_OP_ADD, "ln/eps", "ve", 2, out0(m2), tb_f32(b, "eps", 1e-5f),
                                 NULL, NULL, NULL);
    struct ir_node *sq = mb_node(b, IR_OP_SQRT, "ln/sqrt", "sd", 1, out0(ae), NULL, NULL, NULL, NULL);
    struct ir_node *dv = mb_node(b, IR_OP_DIV, "ln/div", "nrm", 2, out0(sb), out0(sq), NULL, NULL, NULL);
    struct ir_node *gm = mb_node(b, IR_OP_MUL, "ln/gamma", "g", 2, out0(dv),
                                 tb_rand(b, "gamma", 1, d8, 0.5f, 1), NULL, NULL, NULL);
    struct ir_node *bt = mb_node(b, IR_OP_ADD, "ln/beta", "ln", 2, out0(gm),
                                 tb_rand(b, "beta", 1, d8, 0.5f, 0), NULL, NULL, NULL);
    /* MatMul + bias, then GELU as x * 0.5 * (1 + erf(x / sqrt 2)) */
    struct ir_node *mm = mb_node(b, IR_OP_MAT_MUL, "fc/matmul", "mm", 2, out0(bt),
                                 tb_rand(b, "W", 2, wd, 0.5f, 0), NULL, NULL, NULL);
    struct ir_node *ab = mb_node(b, IR_OP_ADD, "fc/bias", "h", 2, out0(mm),
                                 tb_rand(b, "bias", 1, d8, 0.2f, 0), NULL, NULL, NULL);
    struct ir_node *q = mb_node(b, IR_OP_DIV, "gelu/div", "q", 2, out0(ab),
                                tb_f32(b, "sqrt2", 1.4142135f), NULL, NULL, NULL);
    struct ir_node *ef = mb_node(b, IR_OP_ERF, "gelu/erf", "e", 1, out0(q), NULL, NULL, NULL, NULL);
    struct ir_node *e1 =
        mb_node(b, IR_OP_ADD, "gelu/add", "e1", 2, out0(ef), tb_f32(b, "one", 1), NULL, NULL, NULL);
    struct ir_node *xm = mb_node(b, IR_OP_MUL, "gelu/mul", "xm", 2, out0(ab), out0(e1), NULL, NULL, NULL);
    struct ir_node *hf = mb_node(b, IR_OP_MUL, "gelu/half", "gl", 2, out0(xm),
                                 tb_f32(b, "half", 0.5f), NULL, NULL, NULL);
    /* attention-like: scores = h · hᵀ, softmax over the middle axis (opset 13+) */
    struct ir_node *tr = mb_node(b, IR_OP_TRANSPOSE, "kT", "kt", 1, out0(hf), NULL, NULL, NULL, NULL);
    int64_t perm[3] = {0, 2, 1};
    tb_ints(b, tr, "perm", 3, perm);
    struct ir_node *sc = mb_node(b, IR_OP_MAT_MUL, "scores", "sc", 2, out0(hf), out0(tr), NULL, NULL, NULL);
    struct ir_node *sm = mb_node(b, IR_OP_SOFTMAX, "softmax", "p", 1, out0(sc), NULL, NULL, NULL, NULL);
    tb_int(b, sm, "axis", 1);
    struct ir_node *hs = mb_node(b, IR_OP_HARD_SIGMOID, "hsig", "y", 1, out0(sm), NULL, NULL, NULL, NULL);
    tb_float(b, hs, "alpha", 0.3f);
    tb_output(b, out0(hs));
}

TEST(lower_tflite_recognises_layernorm_gelu_and_matmul_bias)
{
    struct pass_report r;
    struct ir_model *m = NULL;
    bool ok = check_passes("transformer bits", build_transformer_bits, P_ALL, 5, &r, &m, false);
    if (ok) {
        T_CHECK(all_tfl(m), "a node is not a TFLite builtin");
        T_CHECK(count_op(m, IR_OP_TFL_GELU) == 1, "the Erf GELU is not one GELU");
        T_CHECK(count_op(m, IR_OP_TFL_FULLY_CONNECTED) == 1, "MatMul + Add is not one FULLY_CONNECTED");
        T_CHECK(count_op(m, IR_OP_TFL_RSQRT) == 1 && count_op(m, IR_OP_TFL_SQRT) == 0,
                "the LayerNorm pattern was not recognised");
        T_CHECK(count_op(m, IR_OP_TFL_BATCH_MATMUL) == 1, "h·hᵀ is not BATCH_MATMUL");
        int decomp_ln = 0;
        for (int i = 0; i < r.decompositions.count; i++)
            decomp_ln += strstr(r.decompositions.items[i].text, "LayerNormalization") != NULL;
        T_CHECK(decomp_ln == 1, "the LayerNorm pattern is not reported");
    }
    pass_report_free(&r);
    ir_model_free(m);
}

/* Average pooling whose padding TFLite cannot express, counted or not; a
 * grouped convolution; Pad (reflect); Slice with a step; Concat; Split. */
static void build_awkward(struct tb *b)
{
    int64_t xd[4] = {1, 4, 7, 7}, wd[4] = {6, 2, 3, 3};
    struct ir_tensor *x = tb_input(b, "x", IR_F32, 4, xd);
    int64_t k3[2] = {3, 3}, s2[2] = {2, 2}, p1[4] = {1, 1, 1, 1}, pe[4] = {0, 0, 1, 1};
    struct ir_node *a1 = mb_node(b, IR_OP_AVERAGE_POOL, "avg_excl", "a1", 1, x, NULL, NULL, NULL, NULL);
    tb_ints(b, a1, "kernel_shape", 2, k3);
    tb_ints(b, a1, "strides", 2, s2);
    tb_ints(b, a1, "pads", 4, p1);
    struct ir_node *a2 = mb_node(b, IR_OP_AVERAGE_POOL, "avg_incl", "a2", 1, x, NULL, NULL, NULL, NULL);
    tb_ints(b, a2, "kernel_shape", 2, k3);
    tb_ints(b, a2, "strides", 2, s2);
    tb_ints(b, a2, "pads", 4, p1);
    tb_int(b, a2, "count_include_pad", 1);
    struct ir_node *a3 = mb_node(b, IR_OP_AVERAGE_POOL, "avg_end", "a3", 1, x, NULL, NULL, NULL, NULL);
    int64_t k7[2] = {7, 7};
    tb_ints(b, a3, "kernel_shape", 2, k7);
    tb_ints(b, a3, "pads", 4, pe);
    struct ir_node *gc = mb_node(b, IR_OP_CONV, "group_conv", "gc", 2, x,
                                 tb_rand(b, "w", 4, wd, 0.3f, 0), NULL, NULL, NULL);
    tb_int(b, gc, "group", 2);
    tb_ints(b, gc, "pads", 4, p1);
    tb_ints(b, gc, "strides", 2, s2);
    int64_t pads[8] = {0, 0, 1, 2, 0, 0, 1, 2};
    struct ir_node *pd = mb_node(b, IR_OP_PAD, "pad", "pd", 2, out0(a1),
                                 tb_i64s(b, "pads", 8, pads), NULL, NULL, NULL);
    tb_str(b, pd, "mode", "reflect");
    int64_t st[2] = {1, 0}, en[2] = {5, 8}, axs[2] = {2, 3}, stp[2] = {1, 2};
    struct ir_node *sl =
        mb_node(b, IR_OP_SLICE, "slice", "sl", 5, out0(pd), tb_i64s(b, "st", 2, st),
                tb_i64s(b, "en", 2, en), tb_i64s(b, "ax", 2, axs), tb_i64s(b, "sp", 2, stp));
    struct ir_node *cc = mb_node(b, IR_OP_CONCAT, "concat", "cc", 4, out0(a2), out0(gc), out0(sl),
                                 out0(a1), NULL);
    tb_int(b, cc, "axis", 1);
    tb_output(b, out0(cc));
    tb_output(b, out0(a3));
}

TEST(lower_tflite_pools_grouped_conv_pad_slice_concat_agree)
{
    struct pass_report r;
    struct ir_model *m = NULL;
    bool ok = check_passes("awkward ops", build_awkward, P_ALL, 5, &r, &m, false);
    if (ok) {
        T_CHECK(all_tfl(m), "a node is not a TFLite builtin");
        T_CHECK(count_op(m, IR_OP_TFL_CONV_2D) == 2 && count_op(m, IR_OP_TFL_SPLIT) == 1,
                "the 2-group conv is not SPLIT + 2 CONV_2D");
        T_CHECK(count_op(m, IR_OP_TFL_MIRROR_PAD) == 1, "reflect Pad is not MIRROR_PAD");
    }
    pass_report_free(&r);
    ir_model_free(m);
}

/* LSTM: UNIDIRECTIONAL_SEQUENCE_LSTM; with an initial state input, written
 * out step by step. */
static void build_lstm(struct tb *b, bool with_h0)
{
    int64_t xd[3] = {5, 1, 3}, wd[3] = {1, 16, 3}, rd[3] = {1, 16, 4}, bd[2] = {1, 32}, hd[3] = {1, 1, 4};
    struct ir_tensor *x = tb_input(b, "x", IR_F32, 3, xd);
    struct ir_tensor *h0 = with_h0 ? tb_input(b, "h0", IR_F32, 3, hd) : NULL;
    struct ir_tensor *W = tb_rand(b, "W", 3, wd, 0.5f, 0), *R = tb_rand(b, "R", 3, rd, 0.5f, 0),
                     *B = tb_rand(b, "B", 2, bd, 0.2f, 0);
    struct ir_tensor *y = tb_tensor(b, "Y", IR_F32, -1, NULL),
                     *yh = tb_tensor(b, "Y_h", IR_F32, -1, NULL);
    struct ir_node *n =
        tb_node(b, IR_OP_LSTM, NULL, "", "lstm", TB_LIST(x, W, R, B, NULL, h0), TB_LIST(y, yh));
    tb_int(b, n, "hidden_size", 4);
    tb_output(b, y);
    tb_output(b, yh);
}

static void build_lstm_plain(struct tb *b)
{
    build_lstm(b, false);
}
static void build_lstm_h0(struct tb *b)
{
    build_lstm(b, true);
}

TEST(lower_tflite_lstm_becomes_unidirectional_sequence_lstm_or_steps)
{
    struct pass_report r;
    struct ir_model *m = NULL;
    bool ok = check_passes("lstm", build_lstm_plain, P_LOWER, 2, &r, &m, false);
    if (ok)
        T_CHECK(count_op(m, IR_OP_TFL_UNIDIRECTIONAL_SEQUENCE_LSTM) == 1,
                "no UNIDIRECTIONAL_SEQUENCE_LSTM");
    pass_report_free(&r);
    ir_model_free(m);
    m = NULL;
    ok = check_passes("lstm h0", build_lstm_h0, P_LOWER, 2, &r, &m, false);
    if (ok)
        T_CHECK(count_op(m, IR_OP_TFL_UNIDIRECTIONAL_SEQUENCE_LSTM) == 0 &&
                    count_op(m, IR_OP_TFL_FULLY_CONNECTED) == 6,
                "with h0 given the steps are not written out (%d FULLY_CONNECTED)",
                count_op(m, IR_OP_TFL_FULLY_CONNECTED));
    pass_report_free(&r);
    ir_model_free(m);
}

/* GridSample (bilinear) as FLOOR, MAXIMUM/MINIMUM, GATHER_ND, MUL and ADD. */
static const char *gs_padding;
static int64_t gs_align;

static void build_grid_sample(struct tb *b)
{
    int64_t xd[4] = {2, 3, 5, 7}, gd[4] = {2, 4, 6, 2};
    struct ir_tensor *x = tb_input(b, "x", IR_F32, 4, xd);
    struct ir_tensor *grid = tb_input(b, "grid", IR_F32, 4, gd);
    struct ir_node *gs = mb_node(b, IR_OP_GRID_SAMPLE, "sampler", "y", 2, x, grid, NULL, NULL, NULL);
    if (gs) {
        tb_str(b, gs, "mode", "bilinear");
        tb_str(b, gs, "padding_mode", gs_padding);
        tb_int(b, gs, "align_corners", gs_align);
    }
    tb_output(b, out0(gs));
}

TEST(lower_tflite_grid_sample_bilinear_as_builtins)
{
    static const char *const pads[2] = {"zeros", "border"};
    for (int v = 0; v < 4; v++) {
        gs_padding = pads[v / 2];
        gs_align = v % 2;
        char what[64];
        snprintf(what, sizeof what, "grid_sample %s align_corners=%lld", gs_padding,
                 (long long)gs_align);
        struct pass_report r;
        struct ir_model *m = NULL;
        bool ok = check_passes(what, build_grid_sample, P_LOWER, 2, &r, &m, false);
        if (ok)
            T_CHECK(all_tfl(m) && count_op(m, IR_OP_TFL_GATHER_ND) == 4 &&
                        count_op(m, IR_OP_TFL_SELECT_V2) == (v < 2 ? 4 : 0),
                    "%s: %d GATHER_ND, %d SELECT_V2", what, count_op(m, IR_OP_TFL_GATHER_ND),
                    count_op(m, IR_OP_TFL_SELECT_V2));
        pass_report_free(&r);
        ir_model_free(m);
    }
}

/* ---- ConvTranspose → TRANSPOSE_CONV ---- */

/* One ConvTranspose case: input [N, C, (H,) W], weights [C, M, (kH,) kW];
 * attribute lists with count 0 are left out. */
struct tconv_case {
    const char *what;
    int rank;                /* 4 (2-D) or 3 (1-D) */
    int64_t x[4], wt[4];
    int n_sp;                /* spatial values in strides / output_padding / output_shape */
    int64_t strides[2], pads[4], opad[2], oshape[2], dil[2];
    bool has_strides, has_pads, has_opad, has_oshape, has_dil;
    const char *auto_pad;    /* NULL: NOTSET */
    int64_t group;           /* 0: left out */
    bool bias, relu;
    const char *padding;     /* expected: TRANSPOSE_CONV's padding */
    bool slice;              /* expected: a SLICE crops the result */
};

static const struct tconv_case *tconv_cur;

static void build_tconv(struct tb *b)
{
    const struct tconv_case *c = tconv_cur;
    int sp = c->rank - 2;
    struct ir_tensor *x = tb_input(b, "x", IR_F32, c->rank, c->x);
    int64_t M = c->wt[1] * (c->group > 1 ? c->group : 1), bd[1] = {M};
    struct ir_tensor *w = tb_rand(b, "w", c->rank, c->wt, 0.5f, 0);
    struct ir_tensor *bias = c->bias ? tb_rand(b, "b", 1, bd, 0.5f, 0) : NULL;
    struct ir_node *n = mb_node(b, IR_OP_CONV_TRANSPOSE, "deconv", c->relu ? "d" : "y",
                                c->bias ? 3 : 2, x, w, bias, NULL, NULL);
    if (!n) return;
    if (c->has_strides) tb_ints(b, n, "strides", sp, c->strides);
    if (c->has_pads) tb_ints(b, n, "pads", 2 * sp, c->pads);
    if (c->has_opad) tb_ints(b, n, "output_padding", sp, c->opad);
    if (c->has_oshape) tb_ints(b, n, "output_shape", sp, c->oshape);
    if (c->has_dil) tb_ints(b, n, "dilations", sp, c->dil);
    if (c->auto_pad) tb_str(b, n, "auto_pad", c->auto_pad);
    if (c->group) tb_int(b, n, "group", c->group);
    if (c->relu) {
        struct ir_node *r = mb_node(b, IR_OP_RELU, "relu", "y", 1, out0(n), NULL, NULL, NULL, NULL);
        tb_output(b, out0(r));
    } else {
        tb_output(b, out0(n));
    }
}

static const struct ir_node *find_op(const struct ir_model *m, enum ir_op op)
{
    for (int i = 0; i < m->graph->n_nodes; i++)
        if (m->graph->nodes[i]->op == op) return m->graph->nodes[i];
    return NULL;
}

static const char *attr_str(const struct ir_node *n, const char *name, char *buf, size_t cap)
{
    const struct ir_attr *a = n ? ir_node_attr(n, name) : NULL;
    if (!a || a->type != IR_ATTR_STRING) return "";
    size_t k = a->v.s.size < cap - 1 ? a->v.s.size : cap - 1;
    memcpy(buf, a->v.s.data, k);
    buf[k] = 0;
    return buf;
}

static const struct tconv_case tconv_cases[] = {
    {.what = "stride 1, no pads, no bias", .rank = 4, .x = {1, 3, 5, 6}, .wt = {3, 4, 3, 3},
     .padding = "VALID"},
    {.what = "stride 2, kernel 4, pads 1 (TFLite's SAME), bias", .rank = 4, .x = {1, 3, 4, 5},
     .wt = {3, 2, 4, 4}, .strides = {2, 2}, .has_strides = true, .pads = {1, 1, 1, 1},
     .has_pads = true, .bias = true, .padding = "SAME"},
    {.what = "stride 2, kernel 3, pads 1, output_padding 1, bias, Relu", .rank = 4,
     .x = {2, 3, 4, 5}, .wt = {3, 4, 3, 3}, .strides = {2, 2}, .has_strides = true,
     .pads = {1, 1, 1, 1}, .has_pads = true, .opad = {1, 1}, .has_opad = true, .bias = true,
     .relu = true, .padding = "VALID", .slice = true},
    {.what = "asymmetric pads, strides 2x1", .rank = 4, .x = {1, 2, 4, 5}, .wt = {2, 3, 3, 2},
     .strides = {2, 1}, .has_strides = true, .pads = {0, 2, 1, 0}, .has_pads = true,
     .bias = true, .padding = "VALID", .slice = true},
    {.what = "output_padding, no pads (VALID to the larger size)", .rank = 4,
     .x = {1, 2, 3, 3}, .wt = {2, 2, 3, 3}, .strides = {3, 2}, .has_strides = true,
     .opad = {2, 1}, .has_opad = true, .padding = "VALID"},
    {.what = "output_shape past the natural size", .rank = 4, .x = {1, 1, 3, 3},
     .wt = {1, 2, 3, 3}, .strides = {3, 2}, .has_strides = true, .oshape = {10, 8},
     .has_oshape = true, .bias = true, .padding = "VALID"},
    {.what = "output_shape with an odd total padding (the extra at the start)", .rank = 4,
     .x = {1, 2, 3, 3}, .wt = {2, 3, 3, 3}, .strides = {2, 2}, .has_strides = true,
     .oshape = {6, 6}, .has_oshape = true, .bias = true, .padding = "VALID", .slice = true},
    {.what = "auto_pad SAME_UPPER, stride 2", .rank = 4, .x = {1, 2, 3, 4}, .wt = {2, 3, 3, 3},
     .strides = {2, 2}, .has_strides = true, .auto_pad = "SAME_UPPER", .padding = "SAME"},
    {.what = "auto_pad SAME_LOWER, stride 2", .rank = 4, .x = {1, 2, 3, 4}, .wt = {2, 3, 3, 3},
     .strides = {2, 2}, .has_strides = true, .auto_pad = "SAME_LOWER", .padding = "VALID",
     .slice = true},
    {.what = "1-D, stride 2, pads 1 0", .rank = 3, .x = {1, 3, 7}, .wt = {3, 2, 3},
     .strides = {2}, .has_strides = true, .pads = {1, 0}, .has_pads = true, .bias = true,
     .padding = "VALID", .slice = true},
};

TEST(lower_tflite_conv_transpose_becomes_transpose_conv_and_agrees)
{
    for (size_t ci = 0; ci < sizeof tconv_cases / sizeof *tconv_cases; ci++) {
        const struct tconv_case *c = &tconv_cases[ci];
        tconv_cur = c;
        struct pass_report r;
        struct ir_model *m = NULL;
        bool ok = check_passes(c->what, build_tconv, P_ALL, 5, &r, &m, false);
        if (ok) {
            const struct ir_node *k = find_op(m, IR_OP_TFL_TRANSPOSE_CONV);
            char pad[16];
            T_CHECK(all_tfl(m), "%s: a node is not a TFLite builtin", c->what);
            T_CHECK(count_op(m, IR_OP_TFL_TRANSPOSE_CONV) == 1, "%s: %d TRANSPOSE_CONV", c->what,
                    count_op(m, IR_OP_TFL_TRANSPOSE_CONV));
            T_CHECK(k && !strcmp(attr_str(k, "padding", pad, sizeof pad), c->padding),
                    "%s: padding '%s', expected %s", c->what, k ? pad : "?", c->padding);
            T_CHECK(k && k->n_inputs == (c->bias ? 4 : 3),
                    "%s: TRANSPOSE_CONV has %d inputs; expected %d", c->what, k ? k->n_inputs : 0,
                    c->bias ? 4 : 3);
            T_CHECK(count_op(m, IR_OP_TFL_SLICE) == (c->slice ? 1 : 0), "%s: %d SLICE, expected %d",
                    c->what, count_op(m, IR_OP_TFL_SLICE), c->slice ? 1 : 0);
            /* never fused: runtimes before TRANSPOSE_CONV version 4 skip it */
            T_CHECK(k && k->activation == IR_ACT_NONE, "%s: an activation is fused into "
                    "TRANSPOSE_CONV", c->what);
            T_CHECK(count_op(m, IR_OP_TFL_RELU) == (c->relu ? 1 : 0), "%s: %d RELU, expected %d",
                    c->what, count_op(m, IR_OP_TFL_RELU), c->relu ? 1 : 0);
            T_CHECK(count_op(m, IR_OP_TFL_TRANSPOSE) <= 2,
                    "%s: %d TRANSPOSE; the layout changes should meet at the boundary", c->what,
                    count_op(m, IR_OP_TFL_TRANSPOSE));
        }
        pass_report_free(&r);
        ir_model_free(m);
    }
}

/* group and dilations TRANSPOSE_CONV does not have: refused, naming them. */
TEST(lower_tflite_refuses_grouped_or_dilated_conv_transpose_with_the_reason)
{
    static const struct tconv_case refused[] = {
        {.what = "group 2", .rank = 4, .x = {1, 4, 3, 3}, .wt = {4, 3, 3, 3}, .group = 2},
        {.what = "dilations 2", .rank = 4, .x = {1, 2, 3, 3}, .wt = {2, 2, 3, 3},
         .dil = {2, 2}, .has_dil = true},
    };
    static const char *const why[] = {"group 2", "dilation"};
    for (int i = 0; i < 2; i++) {
        tconv_cur = &refused[i];
        struct tb b;
        tb_init(&b, IR_FORMAT_ONNX, 17);
        build_tconv(&b);
        struct pass_report r;
        pass_report_init(&r);
        struct fy_error err = {0};
        fy_status st = pass_run_list(b.m, pass_tflite_pipeline, pass_tflite_pipeline_len, &r, &err);
        T_CHECK(st == FY_EUNSUPPORTED, "%s: status %d, expected UNSUPPORTED", refused[i].what,
                (int)st);
        T_CHECK(r.unsupported.count == 1 && !strcmp(r.unsupported.items[0].op, "ConvTranspose") &&
                    strstr(r.unsupported.items[0].text, why[i]) &&
                    strstr(r.unsupported.items[0].text, "TRANSPOSE_CONV"),
                "%s: listed %d, reason '%s'", refused[i].what, r.unsupported.count,
                r.unsupported.count ? r.unsupported.items[0].text : "");
        T_CHECK(count_op(b.m, IR_OP_CONV_TRANSPOSE) == 1, "%s: the graph changed", refused[i].what);
        pass_report_free(&r);
        ir_model_free(b.m);
    }
}

/* Every node without a mapping is listed at once, and nothing changes. */
static void build_unsupported(struct tb *b)
{
    int64_t xd[4] = {1, 1, 4, 4}, gd[4] = {1, 2, 2, 2};
    struct ir_tensor *x = tb_input(b, "x", IR_F32, 4, xd);
    struct ir_tensor *grid = tb_input(b, "grid", IR_F32, 4, gd);
    struct ir_node *e = mb_node(b, IR_OP_ERF, "erf_alone", "e", 1, x, NULL, NULL, NULL, NULL);
    struct ir_node *gs = mb_node(b, IR_OP_GRID_SAMPLE, "sampler", "g", 2, out0(e), grid, NULL, NULL, NULL);
    /* bilinear GridSample with zeros/border padding is lowered; reflection is not */
    if (gs) tb_str(b, gs, "padding_mode", "reflection");
    struct ir_node *rl = mb_node(b, IR_OP_RELU, "fine", "y", 1, out0(gs), NULL, NULL, NULL, NULL);
    tb_output(b, out0(rl));
}

TEST(lower_tflite_refuses_listing_every_unmapped_node)
{
    struct tb b;
    tb_init(&b, IR_FORMAT_ONNX, 16);
    build_unsupported(&b);
    struct pass_report r;
    pass_report_init(&r);
    struct fy_error err = {0};
    int before = b.m->graph->n_nodes;
    fy_status st = pass_run_list(b.m, pass_tflite_pipeline, pass_tflite_pipeline_len, &r, &err);
    T_CHECK(st == FY_EUNSUPPORTED, "status %d, expected UNSUPPORTED", (int)st);
    T_CHECK(r.unsupported.count == 2, "%d nodes listed; expected 2", r.unsupported.count);
    bool erf = false, gs = false;
    for (int i = 0; i < r.unsupported.count; i++) {
        erf |= !strcmp(r.unsupported.items[i].node, "erf_alone") && !strcmp(r.unsupported.items[i].op, "Erf");
        gs |= !strcmp(r.unsupported.items[i].node, "sampler");
    }
    T_CHECK(erf && gs, "the list misses the Erf or the GridSample");
    T_CHECK(strstr(err.message, "2 nodes") != NULL, "message: %s", err.message);
    T_CHECK(b.m->graph->n_nodes == before && count_op(b.m, IR_OP_RELU) == 1,
            "the graph changed before the refusal");
    pass_report_free(&r);
    ir_model_free(b.m);
}

static bool has_bytes(const uint8_t *p, size_t n, const char *s)
{
    size_t k = strlen(s);
    for (size_t i = 0; i + k <= n; i++)
        if (!memcmp(p + i, s, k)) return true;
    return false;
}

/* The whole path: convert, write .tflite, read it back, run it: the same
 * outputs as the source; the metadata and the signature are there; the
 * same model gives the same bytes twice. */
TEST(converted_model_survives_write_and_read_with_record_and_signature)
{
    char dir[] = "/tmp/ferry-passes-XXXXXX";
    if (!T_CHECK(mkdtemp(dir) != NULL, "mkdtemp")) return;
    char p1[128], p2[128];
    snprintf(p1, sizeof p1, "%s/a.tflite", dir);
    snprintf(p2, sizeof p2, "%s/b.tflite", dir);
    struct ir_model *src = NULL;
    for (int pass = 0; pass < 2; pass++) {
        struct tb b;
        tb_init(&b, IR_FORMAT_ONNX, 17);
        build_cnn(&b);
        struct pass_report r;
        pass_report_init(&r);
        struct fy_error err = {0};
        fy_status st = pass_run_list(b.m, pass_tflite_pipeline, pass_tflite_pipeline_len, &r, &err);
        if (!st) st = pass_finish_tflite(b.m, &r, "cnn.onnx", &err);
        if (!st) st = tflite_write_model(b.m, pass ? p2 : p1, NULL, 0, &err);
        T_CHECK(st == FY_OK, "convert and write: %s", err.message);
        pass_report_free(&r);
        ir_model_free(b.m);
    }
    FILE *fa = fopen(p1, "rb"), *fb = fopen(p2, "rb");
    bool same = fa && fb;
    while (same) {
        int ca = fgetc(fa), cb = fgetc(fb);
        if (ca != cb) same = false;
        if (ca == EOF || cb == EOF) break;
    }
    if (fa) fclose(fa);
    if (fb) fclose(fb);
    T_CHECK(same, "two conversions of the same model differ");
    struct ir_model *rd = NULL;
    struct fy_error err = {0};
    if (T_CHECK(tflite_read_model(p1, &rd, &err) == FY_OK, "read back: %s", err.message)) {
        const struct ir_tflite_info *ti = rd->tflite;
        bool meta = false, sig = false;
        for (int i = 0; ti && i < ti->n_metadata; i++)
            if (!strcmp(ti->metadata[i].name, "ferry.conversion") &&
                ti->metadata[i].data.size > 20 &&
                has_bytes(ti->metadata[i].data.data, ti->metadata[i].data.size, "\"perm\":[0,2,3,1]"))
                meta = true;
        for (int i = 0; ti && i < ti->n_signatures; i++)
            if (!strcmp(ti->signatures[i].key, "serving_default") && ti->signatures[i].n_inputs == 1 &&
                !strcmp(ti->signatures[i].inputs[0].name, "input") &&
                !strcmp(ti->signatures[i].outputs[0].name, "output"))
                sig = true;
        T_CHECK(meta, "no ferry.conversion metadata with an NHWC permutation");
        T_CHECK(sig, "no serving_default signature over input/output");
        /* the read-back model computes what the source does */
        struct tb b;
        tb_init(&b, IR_FORMAT_ONNX, 17);
        build_cnn(&b);
        src = b.m;
        struct op_tensor in[MAXV];
        int n_in = 0;
        struct vals va, vb;
        char why[512];
        make_inputs(src, 7, in, &n_in);
        if (T_CHECK(run_model(src, in, n_in, &va, why, sizeof why), "source: %s", why)) {
            if (T_CHECK(run_model(rd, in, n_in, &vb, why, sizeof why), "read back: %s", why))
                agree("read back", &va, &vb, NULL);
            vals_free(&vb);
        }
        vals_free(&va);
        for (int i = 0; i < n_in; i++) op_tensor_release(&in[i]);
    }
    ir_model_free(rd);
    ir_model_free(src);
    unlink(p1);
    unlink(p2);
    rmdir(dir);
}

/* A channel shuffle between convolutions (Reshape, Transpose, Reshape): in
 * NHWC it stays one TRANSPOSE, the layout changes on both sides merged into
 * it. Random weights, so a wrong channel order shows. */
static void build_shuffle(struct tb *b)
{
    int64_t xd[4] = {1, 6, 5, 5}, w1[4] = {6, 6, 1, 1}, w2[4] = {4, 6, 3, 3};
    struct ir_tensor *x = tb_input(b, "input", IR_F32, 4, xd);
    struct ir_node *c1 = mb_node(b, IR_OP_CONV, "conv1", "c1", 2, x,
                                 tb_rand(b, "w1", 4, w1, 0.5f, 0), NULL, NULL, NULL);
    int64_t s5[5] = {1, 2, 3, 5, 5}, s4[4] = {1, 6, 5, 5}, perm[5] = {0, 2, 1, 3, 4};
    struct ir_node *r1 = mb_node(b, IR_OP_RESHAPE, "split_groups", "g", 2, out0(c1),
                                 tb_i64s(b, "s5", 5, s5), NULL, NULL, NULL);
    struct ir_node *tr = mb_node(b, IR_OP_TRANSPOSE, "shuffle", "sh", 1, out0(r1), NULL, NULL, NULL, NULL);
    tb_ints(b, tr, "perm", 5, perm);
    struct ir_node *r2 = mb_node(b, IR_OP_RESHAPE, "merge_groups", "m", 2, out0(tr),
                                 tb_i64s(b, "s4", 4, s4), NULL, NULL, NULL);
    int64_t p1[4] = {1, 1, 1, 1};
    struct ir_node *c2 = mb_node(b, IR_OP_CONV, "conv2", "output", 2, out0(r2),
                                 tb_rand(b, "w2", 4, w2, 0.3f, 0), NULL, NULL, NULL);
    tb_ints(b, c2, "pads", 4, p1);
    tb_output(b, out0(c2));
}

TEST(layout_nhwc_keeps_one_transpose_for_a_channel_shuffle)
{
    struct pass_report r;
    struct ir_model *m = NULL;
    bool ok = check_passes("shuffle", build_shuffle, P_ALL, 5, &r, &m, false);
    if (ok)
        T_CHECK(count_op(m, IR_OP_TFL_TRANSPOSE) == 3, "%d TRANSPOSE; expected 3 (input, shuffle, output)",
                count_op(m, IR_OP_TFL_TRANSPOSE));
    pass_report_free(&r);
    ir_model_free(m);
    m = NULL;
    ok = check_passes("shuffle nhwc", build_shuffle, P_ALL, 5, &r, &m, true);
    if (ok)
        T_CHECK(count_op(m, IR_OP_TFL_TRANSPOSE) == 1, "%d TRANSPOSE with NHWC I/O; expected the shuffle's",
                count_op(m, IR_OP_TFL_TRANSPOSE));
    pass_report_free(&r);
    ir_model_free(m);
}
