/* fold_batchnorm: an inference-mode BatchNormalization right after a Conv,
 * ConvTranspose, Gemm or MatMul (constant weights, the BatchNorm its only
 * reader) is folded into the weights and bias:
 *   s = scale / sqrt(var + eps),  t = B - mean * s
 *   W'[o, ...] = W[o, ...] * s[o],  b' = b * s + t
 * (o the output channel). A BatchNormalization with nothing to fold into
 * becomes Mul(x, s) + Add(·, t), with s and t shaped [C, 1, ..., 1] to
 * broadcast over the channel axis. New weights are new constants: the
 * originals may be the read-only mapping of the source file.
 * The same pass folds an Add of a per-channel constant right after a Conv
 * into the Conv's bias (exporters that write the bias as an Add). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "passes/pass.h"
#include "passes/util.h"

static fy_status nomem(struct fy_error *err) { return err_fmt(err, FY_ENOMEM, "out of memory"); }

/* s and t of a BatchNormalization with constant parameters (C channels);
 * false when they are not constant float tensors of C values. */
static bool bn_params(const struct ir_node *bn, int64_t C, float **s_out, float **t_out)
{
    *s_out = *t_out = NULL;
    if (bn->n_inputs < 5) return false;
    for (int i = 1; i < 5; i++) {
        const struct ir_tensor *p = bn->inputs[i];
        if (!pu_is_const(p) || !ir_dtype_table[p->dtype].is_float || (int64_t)pu_numel(p) != C)
            return false;
    }
    if (pu_attr_int(bn, "training_mode", 0)) return false;
    for (int i = 1; i < bn->n_outputs; i++)
        if (bn->outputs[i]) return false; /* training outputs wanted */
    float eps = pu_attr_float(bn, "epsilon", 1e-5f);
    float *sc = pu_const_f32(bn->inputs[1]), *b = pu_const_f32(bn->inputs[2]);
    float *mean = pu_const_f32(bn->inputs[3]), *var = pu_const_f32(bn->inputs[4]);
    float *s = malloc(sizeof(float) * (size_t)(C ? C : 1));
    float *t = malloc(sizeof(float) * (size_t)(C ? C : 1));
    bool ok = sc && b && mean && var && s && t;
    for (int64_t c = 0; ok && c < C; c++) {
        /* in double, then rounded once, as the runtime's own BatchNorm would */
        double sd = (double)sc[c] / sqrt((double)var[c] + (double)eps);
        s[c] = (float)sd;
        t[c] = (float)((double)b[c] - (double)mean[c] * sd);
    }
    free(sc);
    free(b);
    free(mean);
    free(var);
    if (!ok) {
        free(s);
        free(t);
        return false;
    }
    *s_out = s;
    *t_out = t;
    return true;
}

/* Gives n an input slot i (reallocating its input list when it is short). */
static fy_status ensure_input_slot(struct ir_node *n, int i, struct fy_error *err)
{
    if (i < n->n_inputs) return FY_OK;
    struct ir_tensor **in = ARENA_ARRAY(&n->graph->model->arena, i + 1, struct ir_tensor *);
    if (!in) return nomem(err);
    memcpy(in, n->inputs, sizeof *in * (size_t)n->n_inputs);
    n->inputs = in;
    n->n_inputs = i + 1;
    return FY_OK;
}

/* Conv (W [M, C/g, k...]) or ConvTranspose (W [C, M/g, k...]) folded. */
static fy_status fold_conv(struct ir_node *p, struct ir_node *bn, bool *done,
                           struct fy_error *err)
{
    struct ir_graph *g = p->graph;
    struct ir_tensor *w = p->n_inputs > 1 ? p->inputs[1] : NULL;
    if (!pu_is_const(w) || w->dtype != IR_F32 || w->rank < 3) return FY_OK;
    int64_t group = pu_attr_int(p, "group", 1);
    int64_t M, inner = 1;
    bool tconv = p->op == IR_OP_CONV_TRANSPOSE;
    for (int i = 2; i < w->rank; i++) inner *= w->dims[i].value;
    if (tconv) {
        if (group < 1 || w->dims[0].value % group) return FY_OK;
        M = w->dims[1].value * group;
    } else {
        M = w->dims[0].value;
    }
    struct ir_tensor *b = p->n_inputs > 2 ? p->inputs[2] : NULL;
    if (b && (!pu_is_const(b) || (int64_t)pu_numel(b) != M)) return FY_OK;
    float *s, *t;
    if (!bn_params(bn, M, &s, &t)) return FY_OK;
    float *wd = pu_const_f32(w), *bd = b ? pu_const_f32(b) : NULL;
    fy_status st = FY_OK;
    if (!wd || (b && !bd)) {
        st = nomem(err);
        goto out;
    }
    uint64_t n = pu_numel(w);
    if (tconv) {
        int64_t C = w->dims[0].value, Mg = w->dims[1].value, Cg = C / group;
        for (int64_t c = 0; c < C; c++)
            for (int64_t j = 0; j < Mg; j++) {
                float sv = s[(c / Cg) * Mg + j];
                float *row = wd + (c * Mg + j) * inner;
                for (int64_t k = 0; k < inner; k++) row[k] *= sv;
            }
    } else {
        int64_t per = (int64_t)(n / (uint64_t)M);
        for (int64_t o = 0; o < M; o++)
            for (int64_t k = 0; k < per; k++) wd[o * per + k] *= s[o];
    }
    float *nb = malloc(sizeof(float) * (size_t)M);
    if (!nb) {
        st = nomem(err);
        goto out;
    }
    for (int64_t o = 0; o < M; o++) nb[o] = (bd ? bd[o] * s[o] : 0.0f) + t[o];
    int64_t wdims[PASS_MAX_RANK];
    pu_dims(w, wdims);
    struct ir_tensor *nw = pu_const(g, w->name, IR_F32, w->rank, wdims, wd, err);
    struct ir_tensor *nbt = nw ? pu_const(g, b ? b->name : "bias", IR_F32, 1, &M, nb, err) : NULL;
    free(nb);
    if (!nw || !nbt) {
        st = err->status;
        goto out;
    }
    st = ensure_input_slot(p, 2, err);
    if (st) goto out;
    p->inputs[1] = nw;
    p->inputs[2] = nbt;
    *done = true;
out:
    free(s);
    free(t);
    free(wd);
    free(bd);
    return st;
}

/* Gemm: Y = alpha A' B' + beta C; BatchNorm over Y's columns. */
static fy_status fold_gemm(struct ir_node *p, struct ir_node *bn, bool *done,
                           struct fy_error *err)
{
    struct ir_graph *g = p->graph;
    struct ir_tensor *B = p->n_inputs > 1 ? p->inputs[1] : NULL;
    if (!pu_is_const(B) || B->dtype != IR_F32 || B->rank != 2) return FY_OK;
    bool transB = pu_attr_int(p, "transB", 0) != 0;
    int64_t K = transB ? B->dims[1].value : B->dims[0].value;
    int64_t N = transB ? B->dims[0].value : B->dims[1].value;
    struct ir_tensor *C = p->n_inputs > 2 ? p->inputs[2] : NULL;
    uint64_t cn = C ? pu_numel(C) : 0;
    if (C && (!pu_is_const(C) || (cn != 1 && cn != (uint64_t)N) ||
              (C->rank == 2 && C->dims[0].value != 1)))
        return FY_OK;
    float *s, *t;
    if (!bn_params(bn, N, &s, &t)) return FY_OK;
    float beta = pu_attr_float(p, "beta", 1.0f);
    float *bd = pu_const_f32(B), *cd = C ? pu_const_f32(C) : NULL;
    float *nc = malloc(sizeof(float) * (size_t)N);
    fy_status st = FY_OK;
    if (!bd || (C && !cd) || !nc) {
        st = nomem(err);
        goto out;
    }
    for (int64_t k = 0; k < K; k++)
        for (int64_t j = 0; j < N; j++) {
            if (transB) bd[j * K + k] *= s[j];
            else bd[k * N + j] *= s[j];
        }
    for (int64_t j = 0; j < N; j++)
        nc[j] = (C ? beta * cd[cn == 1 ? 0 : j] * s[j] : 0.0f) + t[j];
    int64_t bdims[2] = {B->dims[0].value, B->dims[1].value};
    struct ir_tensor *nB = pu_const(g, B->name, IR_F32, 2, bdims, bd, err);
    struct ir_tensor *nC = nB ? pu_const(g, C ? C->name : "bias", IR_F32, 1, &N, nc, err) : NULL;
    if (!nB || !nC) {
        st = err->status;
        goto out;
    }
    st = ensure_input_slot(p, 2, err);
    if (!st) st = pu_set_float(p, "beta", 1.0f, err);
    if (st) goto out;
    p->inputs[1] = nB;
    p->inputs[2] = nC;
    *done = true;
out:
    free(s);
    free(t);
    free(bd);
    free(cd);
    free(nc);
    return st;
}

/* MatMul(A [M, K], B const [K, N]) → BatchNorm: B's columns scaled, and the
 * BatchNorm becomes Add(t). */
static fy_status fold_matmul(struct ir_node *p, struct ir_node *bn, bool *done,
                             struct fy_error *err)
{
    struct ir_graph *g = p->graph;
    struct ir_tensor *B = p->inputs[1], *y = p->outputs[0];
    if (!pu_is_const(B) || B->dtype != IR_F32 || B->rank != 2 || y->rank != 2) return FY_OK;
    int64_t K = B->dims[0].value, N = B->dims[1].value;
    float *s, *t;
    if (!bn_params(bn, N, &s, &t)) return FY_OK;
    float *bd = pu_const_f32(B);
    fy_status st = FY_OK;
    if (!bd) {
        st = nomem(err);
        goto out;
    }
    for (int64_t k = 0; k < K; k++)
        for (int64_t j = 0; j < N; j++) bd[k * N + j] *= s[j];
    int64_t bdims[2] = {K, N};
    struct ir_tensor *nB = pu_const(g, B->name, IR_F32, 2, bdims, bd, err);
    struct ir_tensor *nt = nB ? pu_const(g, "bn_bias", IR_F32, 1, &N, t, err) : NULL;
    if (!nt) {
        st = err->status;
        goto out;
    }
    p->inputs[1] = nB;
    /* the BatchNorm node becomes Add(y, t) in place */
    bn->op = IR_OP_ADD;
    bn->op_type = "Add";
    bn->n_attrs = 0;
    bn->n_inputs = 2;
    bn->inputs[1] = nt;
    bn->n_outputs = 1;
    *done = true;
out:
    free(s);
    free(t);
    free(bd);
    return st;
}

/* A BatchNormalization on its own: Mul + Add. */
static fy_status lone_bn(struct ir_node *bn, struct pass_report *r, struct fy_error *err)
{
    struct ir_graph *g = bn->graph;
    struct ir_tensor *x = bn->inputs[0], *y = bn->outputs[0];
    if (!x || !y || !pu_static(x) || x->rank < 2 || x->rank > PASS_MAX_RANK) return FY_OK;
    int64_t C = x->dims[1].value;
    float *s, *t;
    if (!bn_params(bn, C, &s, &t)) return FY_OK;
    int64_t pd[PASS_MAX_RANK];
    pd[0] = C;
    for (int i = 1; i < x->rank - 1; i++) pd[i] = 1;
    const char *base = pu_node_label(bn);
    char nm[512];
    fy_status st = FY_OK;
    snprintf(nm, sizeof nm, "%s_scale", base);
    struct ir_tensor *sc = pu_const(g, nm, IR_F32, x->rank - 1, pd, s, err);
    snprintf(nm, sizeof nm, "%s_shift", base);
    struct ir_tensor *sh = sc ? pu_const(g, nm, IR_F32, x->rank - 1, pd, t, err) : NULL;
    free(s);
    free(t);
    if (!sh) return err->status;
    int64_t xd[PASS_MAX_RANK];
    pu_dims(x, xd);
    snprintf(nm, sizeof nm, "%s_scaled", base);
    struct ir_tensor *mid = pu_tensor(g, nm, x->dtype, x->rank, xd, err);
    if (!mid) return err->status;
    snprintf(nm, sizeof nm, "%s/mul", base);
    struct ir_node *mul = pu_node(g, IR_OP_MUL, nm, 2, 1, err);
    if (!mul) return err->status;
    pu_in(mul, 0, x);
    pu_in(mul, 1, sc);
    st = pu_out(mul, 0, mid, err);
    if (st) return st;
    /* the BatchNorm node becomes the Add, keeping its output */
    bn->op = IR_OP_ADD;
    bn->op_type = "Add";
    bn->n_attrs = 0;
    bn->n_inputs = 2;
    bn->inputs[0] = mid;
    bn->inputs[1] = sh;
    for (int i = 1; i < bn->n_outputs; i++) bn->outputs[i] = NULL;
    bn->n_outputs = 1;
    r->changes++;
    return pass_note(r, &r->decompositions, base, "BatchNormalization", "Mul, Add")
               ? nomem(err)
               : FY_OK;
}

/* Conv → Add(per-channel constant): the constant joins the Conv's bias
 * (exporters such as CNTK write the bias as a separate Add). */
static fy_status fold_bias_add(struct ir_graph *g, struct ir_node *add, const struct pu_uses *u,
                               struct pass_report *r, struct fy_error *err)
{
    if (add->n_inputs != 2 || !add->outputs[0] || add->activation != IR_ACT_NONE) return FY_OK;
    for (int side = 0; side < 2; side++) {
        struct ir_tensor *x = add->inputs[side], *c = add->inputs[1 - side];
        struct ir_node *p = x ? x->producer : NULL;
        if (!p || p->op != IR_OP_CONV || p->activation != IR_ACT_NONE || p->outputs[0] != x ||
            x->id >= u->n_tensors || pu_single_user(u, x) != add || !pu_is_const(c) ||
            c->dtype != IR_F32 || x->dtype != IR_F32 || !pu_static(x) || x->rank < 3)
            continue;
        struct ir_tensor *w = p->n_inputs > 1 ? p->inputs[1] : NULL;
        struct ir_tensor *b = p->n_inputs > 2 ? p->inputs[2] : NULL;
        if (!pu_is_const(w)) continue;
        int64_t M = x->dims[1].value;
        /* c broadcasts along the channel axis only */
        if ((int64_t)pu_numel(c) != M || c->rank > x->rank) continue;
        int ch = c->rank - (x->rank - 1); /* c's axis aligned with the channel axis */
        bool ok = ch >= 0 && c->dims[ch].value == M;
        for (int i = 0; ok && i < c->rank; i++)
            if (i != ch && c->dims[i].value != 1) ok = false;
        if (!ok || (b && (!pu_is_const(b) || (int64_t)pu_numel(b) != M))) continue;
        float *nb = malloc(sizeof(float) * (size_t)M);
        if (!nb) return nomem(err);
        for (int64_t k = 0; k < M; k++)
            nb[k] = (float)((b ? pu_get_f64(b, (uint64_t)k) : 0.0) + pu_get_f64(c, (uint64_t)k));
        struct ir_tensor *nbt = pu_const(g, b ? b->name : "bias", IR_F32, 1, &M, nb, err);
        free(nb);
        if (!nbt) return err->status;
        fy_status st = ensure_input_slot(p, 2, err);
        if (st) return st;
        p->inputs[2] = nbt;
        st = pu_map_derive(r, x, add->outputs[0], 0, NULL, err);
        if (!st) st = pu_replace(g, add->outputs[0], x, false, err);
        if (st) return st;
        r->changes++;
        return pass_note(r, &r->decompositions, pu_node_label(add), "Add",
                         "per-channel constant folded into the bias of Conv '%s'", pu_node_label(p))
                   ? nomem(err)
                   : FY_OK;
    }
    return FY_OK;
}

static fy_status fold_batchnorm_run(struct ir_model *m, struct pass_report *r,
                                    struct fy_error *err)
{
    struct ir_graph *g = m->graph;
    struct pu_uses u;
    fy_status st = pu_uses_build(g, &u, err);
    if (st) return st;
    int n_nodes = g->n_nodes;
    for (int i = 0; i < n_nodes && !st; i++) {
        struct ir_node *bn = g->nodes[i];
        if (bn->op == IR_OP_ADD) {
            st = fold_bias_add(g, bn, &u, r, err);
            continue;
        }
        if (bn->op != IR_OP_BATCH_NORMALIZATION || bn->n_inputs < 5 || !bn->inputs[0] ||
            !bn->outputs[0])
            continue;
        struct ir_tensor *x = bn->inputs[0];
        struct ir_node *p = x->producer;
        bool done = false;
        if (p && x->id < u.n_tensors && pu_single_user(&u, x) == bn && p->n_outputs >= 1 &&
            p->outputs[0] == x && p->activation == IR_ACT_NONE && x->dtype == IR_F32) {
            if (p->op == IR_OP_CONV || p->op == IR_OP_CONV_TRANSPOSE)
                st = fold_conv(p, bn, &done, err);
            else if (p->op == IR_OP_GEMM)
                st = fold_gemm(p, bn, &done, err);
            else if (p->op == IR_OP_MAT_MUL && p->n_inputs == 2)
                st = fold_matmul(p, bn, &done, err);
            if (st) break;
            if (done) {
                if (bn->op == IR_OP_BATCH_NORMALIZATION) {
                    st = pu_map_derive(r, x, bn->outputs[0], 0, NULL, err);
                    if (!st) st = pu_replace(g, bn->outputs[0], x, false, err);
                }
                r->batchnorms_folded++;
                r->changes++;
                continue;
            }
        }
        st = lone_bn(bn, r, err);
    }
    pu_uses_free(&u);
    if (!st) st = pu_sweep(g, err);
    return st;
}

const struct pass pass_fold_batchnorm = {"fold_batchnorm", fold_batchnorm_run};
