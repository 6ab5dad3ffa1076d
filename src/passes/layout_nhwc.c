/* layout_nhwc: where the data of the converted graph lives NHWC.
 *
 * lower_tflite leaves every TFLite op that runs NHWC (convolutions, pools,
 * resizes, LRN, depth/space moves) between a TRANSPOSE from the source's
 * NCHW and one back. This pass assigns layouts over the whole graph by
 * moving those transposes and letting them meet:
 *
 *  - two transposes in a row become one (or none, when they cancel);
 *  - a transpose moves down through every op that computes the same in any
 *    layout: element-wise ops (their constant operands transposed once, here),
 *    and the axis-dependent ops whose axes can be rewritten (CONCATENATION,
 *    MEAN/SUM/REDUCE_*, SOFTMAX on the last axis, PAD, SLICE, STRIDED_SLICE,
 *    GATHER); it moves only when every other input of the op comes through
 *    the same transpose (or is a constant), and only when the tensor it
 *    makes has no reader that would still need it, so no transposes are
 *    added that do not meet another;
 *  - a chain of TRANSPOSE/RESHAPE ops whose composite keeps the order of the
 *    elements is one RESHAPE (NHWC → NCHW → flatten → transpose back, as
 *    patch embeddings do), and a transpose that only moves dims of size 1
 *    is a RESHAPE;
 *  - a transpose in front of a flattening RESHAPE that feeds only
 *    FULLY_CONNECTED ops is absorbed into their (constant) weights, whose
 *    columns are permuted once;
 *  - identical transposes of one tensor are merged; transposes and reshapes
 *    of constants are folded.
 *
 * What remains is a TRANSPOSE only where data really changes layout: at the
 * model's own NCHW inputs and outputs (unless --io-layout nhwc makes them
 * NHWC), and where the source itself transposes. Each one is reported with
 * its reason. Every tensor that now holds a source tensor in another layout
 * has the permutation in the conversion record. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passes/pass.h"
#include "passes/util.h"

#define R PASS_MAX_RANK

static fy_status nomem(struct fy_error *err) { return err_fmt(err, FY_ENOMEM, "out of memory"); }

struct ly {
    struct ir_model *m;
    struct ir_graph *g;
    struct pass_report *r;
    struct fy_error *err;
    struct pu_uses u;
};

static int perm_of(const struct ir_node *n, int *perm)
{
    if (n->op != IR_OP_TFL_TRANSPOSE || n->n_inputs < 2 || !pu_is_const(n->inputs[1])) return -1;
    int c = (int)pu_numel(n->inputs[1]);
    if (c > R || !n->inputs[0] || n->inputs[0]->rank != c) return -1;
    for (int i = 0; i < c; i++) perm[i] = (int)pu_get_i64(n->inputs[1], (uint64_t)i);
    return c;
}

static bool is_reshape(const struct ir_node *n)
{
    return n && n->op == IR_OP_TFL_RESHAPE && n->inputs[0] && n->outputs[0] &&
           pu_static(n->inputs[0]) && pu_static(n->outputs[0]);
}

static struct ir_tensor *perm_const(struct ly *L, const int *perm, int rank)
{
    int64_t p[R];
    for (int i = 0; i < rank; i++) p[i] = perm[i];
    return pu_const_i32(L->g, "perm", p, rank, L->err);
}

static const char *join_docs(struct ly *L, const char *a, const char *b)
{
    static const char own[] = "the source's own Transpose";
    if ((a && strstr(a, own)) || (b && strstr(b, own)))
        return "the source's own Transpose (the layout changes next to it merged into it)";
    if (!a || !a[0]) return b ? b : "";
    if (!b || !b[0] || !strcmp(a, b)) return a;
    if (strstr(a, b)) return a;
    const char *s = arena_printf(&L->m->arena, "%s; %s", a, b);
    return s ? s : a;
}

static struct ir_node *mk_transpose(struct ly *L, struct ir_tensor *x, const int *perm,
                                    struct ir_tensor *out, const char *doc)
{
    struct ir_tensor *p = perm_const(L, perm, x->rank);
    if (!p) return NULL;
    char nm[400];
    snprintf(nm, sizeof nm, "%s/transpose", out->name);
    struct ir_node *t = pu_node(L->g, IR_OP_TFL_TRANSPOSE, nm, 2, 1, L->err);
    if (!t) return NULL;
    t->inputs[0] = x;
    t->inputs[1] = p;
    t->doc = doc ? doc : "";
    /* check judges a layout move as part of the node whose output it moves */
    t->origin = x->producer ? x->producer->origin : NULL;
    if (pu_out(t, 0, out, L->err)) return NULL;
    return t;
}

static struct ir_node *mk_reshape(struct ly *L, struct ir_tensor *x, struct ir_tensor *out)
{
    int64_t d[R];
    pu_dims(out, d);
    struct ir_tensor *s = pu_const_i32(L->g, "shape", d, out->rank, L->err);
    if (!s) return NULL;
    char nm[400];
    snprintf(nm, sizeof nm, "%s/reshape", out->name);
    struct ir_node *n = pu_node(L->g, IR_OP_TFL_RESHAPE, nm, 2, 1, L->err);
    if (!n) return NULL;
    n->inputs[0] = x;
    n->inputs[1] = s;
    n->origin = x->producer ? x->producer->origin : NULL;
    if (pu_out(n, 0, out, L->err)) return NULL;
    return n;
}

static fy_status rebuild(struct ly *L)
{
    fy_status st = pu_sweep(L->g, L->err);
    if (st) return st;
    pu_uses_free(&L->u);
    return pu_uses_build(L->g, &L->u, L->err);
}

/* ---- io layout ---- */

static fy_status io_nhwc(struct ly *L)
{
    struct ir_graph *g = L->g;
    static const int to_nhwc[4] = {0, 2, 3, 1}, to_nchw[4] = {0, 3, 1, 2};
    for (int i = 0; i < g->n_inputs; i++) {
        struct ir_tensor *x = g->inputs[i];
        if (x->kind == IR_TENSOR_CONST || x->rank != 4 || !pu_static(x)) continue;
        int64_t nd[4];
        for (int k = 0; k < 4; k++) nd[k] = x->dims[to_nhwc[k]].value;
        int64_t od[4];
        pu_dims(x, od);
        char base[400];
        snprintf(base, sizeof base, "%s_nchw", x->name);
        struct ir_tensor *xc = pu_tensor(g, base, x->dtype, 4, od, L->err);
        if (!xc) return L->err->status;
        for (int k = 0; k < g->n_nodes; k++)
            for (int j = 0; j < g->nodes[k]->n_inputs; j++)
                if (g->nodes[k]->inputs[j] == x) g->nodes[k]->inputs[j] = xc;
        fy_status st = pu_map_derive(L->r, xc, x, 0, NULL, L->err);
        if (st) return st;
        if (ir_tensor_set_shape(g, x, 4, nd, L->err)) return L->err->status;
        st = pass_map_set(L->r, x->name, x->origin, 4, to_nhwc, L->err);
        if (st) return st;
        if (!mk_transpose(L, x, to_nchw, xc, "--io-layout nhwc: NHWC input to the source's NCHW"))
            return L->err->status;
        L->r->changes++;
    }
    for (int i = 0; i < g->n_outputs; i++) {
        struct ir_tensor *y = g->outputs[i];
        if (y->rank != 4 || !pu_static(y) || !y->producer) continue;
        bool dup = false;
        for (int k = 0; k < i; k++) dup |= g->outputs[k] == y;
        if (dup) continue;
        int64_t od[4], nd[4];
        pu_dims(y, od);
        for (int k = 0; k < 4; k++) nd[k] = od[to_nhwc[k]];
        char base[400];
        snprintf(base, sizeof base, "%s_nchw", y->name);
        struct ir_tensor *yc = pu_tensor(g, base, y->dtype, 4, od, L->err);
        if (!yc) return L->err->status;
        struct ir_node *p = y->producer;
        for (int k = 0; k < p->n_outputs; k++)
            if (p->outputs[k] == y) p->outputs[k] = yc;
        yc->producer = p;
        y->producer = NULL;
        for (int k = 0; k < g->n_nodes; k++)
            for (int j = 0; j < g->nodes[k]->n_inputs; j++)
                if (g->nodes[k]->inputs[j] == y) g->nodes[k]->inputs[j] = yc;
        fy_status st = pu_map_derive(L->r, yc, y, 0, NULL, L->err);
        if (st) return st;
        st = pass_map_set(L->r, y->name, y->origin, 4, to_nhwc, L->err);
        if (st) return st;
        if (ir_tensor_set_shape(g, y, 4, nd, L->err)) return L->err->status;
        if (!mk_transpose(L, yc, to_nhwc, y, "--io-layout nhwc: the source's NCHW output to NHWC"))
            return L->err->status;
        L->r->changes++;
    }
    return FY_OK;
}

/* ---- rewrites; each returns the number of changes in *k ---- */

/* TRANSPOSE/RESHAPE of a constant: a constant. */
static fy_status fold_const(struct ly *L, int *k)
{
    struct ir_graph *g = L->g;
    int nn = g->n_nodes;
    for (int i = 0; i < nn; i++) {
        struct ir_node *n = g->nodes[i];
        int perm[R];
        bool tr = perm_of(n, perm) >= 0, rs = is_reshape(n);
        if ((!tr && !rs) || !pu_is_const(n->inputs[0]) || !n->outputs[0]) continue;
        struct ir_tensor *x = n->inputs[0], *y = n->outputs[0];
        if (L->u.is_output[y->id]) continue;
        int64_t xd[R], yd[R];
        pu_dims(x, xd);
        pu_dims(y, yd);
        struct ir_tensor *c;
        if (tr) {
            size_t es = (size_t)ir_dtype_table[x->dtype].bits / 8;
            if (!es) continue;
            void *buf = arena_alloc(&L->m->arena, x->nbytes ? (size_t)x->nbytes : 1, 64);
            if (!buf) return nomem(L->err);
            pu_transpose_data(x->data, buf, es, x->rank, xd, perm);
            c = pu_const_owned(g, x->name, x->dtype, y->rank, yd, buf, L->err);
        } else {
            c = pu_tensor(g, pu_unique_name(g, x->name), x->dtype, y->rank, yd, L->err);
            if (c) {
                c->data = x->data;
                c->nbytes = x->nbytes;
                if (ir_graph_add_initializer(g, c, L->err)) c = NULL;
            }
        }
        if (!c) return L->err->status;
        fy_status st = pu_replace(g, y, c, true, L->err);
        if (st) return st;
        (*k)++;
    }
    return FY_OK;
}

/* T2(T1(x)) → T(x); identity → x. RESHAPE(RESHAPE(x)) → RESHAPE(x);
 * RESHAPE to its input's shape → x. */
static fy_status merge(struct ly *L, int *k)
{
    struct ir_graph *g = L->g;
    int nn = g->n_nodes;
    for (int i = 0; i < nn; i++) {
        struct ir_node *n = g->nodes[i];
        int p2[R], p1[R];
        int r2 = perm_of(n, p2);
        if (r2 >= 0) {
            struct ir_node *t1 = n->inputs[0]->producer;
            int r1 = t1 ? perm_of(t1, p1) : -1;
            if (r1 == r2) {
                int c[R];
                pu_perm_compose(p1, p2, r1, c);
                if (pu_perm_identity(c, r1)) {
                    fy_status st = pu_replace(g, n->outputs[0], t1->inputs[0], true, L->err);
                    if (st) return st;
                } else {
                    struct ir_tensor *pc = perm_const(L, c, r1);
                    if (!pc) return L->err->status;
                    n->inputs[0] = t1->inputs[0];
                    n->inputs[1] = pc;
                    n->doc = join_docs(L, t1->doc, n->doc);
                }
                (*k)++;
                return FY_OK; /* the uses table is stale now */
            }
            if (pu_perm_identity(p2, r2)) {
                fy_status st = pu_replace(g, n->outputs[0], n->inputs[0], true, L->err);
                if (st) return st;
                (*k)++;
                return FY_OK;
            }
        } else if (is_reshape(n)) {
            struct ir_tensor *x = n->inputs[0], *y = n->outputs[0];
            struct ir_node *p = x->producer;
            if (is_reshape(p)) {
                n->inputs[0] = p->inputs[0];
                x = n->inputs[0];
                (*k)++;
            }
            bool same = x->rank == y->rank;
            for (int d = 0; same && d < x->rank; d++) same = x->dims[d].value == y->dims[d].value;
            if (same) {
                fy_status st = pu_replace(g, y, x, true, L->err);
                if (st) return st;
                (*k)++;
                return FY_OK;
            }
        }
    }
    return FY_OK;
}

/* Ops a transpose moves through. */
enum flex { FX_NO, FX_ELEMENTWISE, FX_CONCAT, FX_REDUCE, FX_SOFTMAX, FX_PAD, FX_SLICE,
            FX_STRIDED, FX_GATHER };

static enum flex flex_of(const struct ir_node *n)
{
    switch (n->op) {
    case IR_OP_TFL_ABS: case IR_OP_TFL_NEG: case IR_OP_TFL_EXP: case IR_OP_TFL_LOG:
    case IR_OP_TFL_SQRT: case IR_OP_TFL_RSQRT: case IR_OP_TFL_SQUARE: case IR_OP_TFL_LOGISTIC:
    case IR_OP_TFL_TANH: case IR_OP_TFL_RELU: case IR_OP_TFL_RELU6: case IR_OP_TFL_RELU_N1_TO_1:
    case IR_OP_TFL_RELU_0_TO_1: case IR_OP_TFL_LEAKY_RELU: case IR_OP_TFL_HARD_SWISH:
    case IR_OP_TFL_GELU: case IR_OP_TFL_ELU: case IR_OP_TFL_CAST: case IR_OP_TFL_SIN:
    case IR_OP_TFL_COS: case IR_OP_TFL_FLOOR: case IR_OP_TFL_CEIL: case IR_OP_TFL_ROUND:
    case IR_OP_TFL_SIGN: case IR_OP_TFL_LOGICAL_NOT:
    case IR_OP_TFL_ADD: case IR_OP_TFL_SUB: case IR_OP_TFL_MUL: case IR_OP_TFL_DIV:
    case IR_OP_TFL_MAXIMUM: case IR_OP_TFL_MINIMUM: case IR_OP_TFL_POW:
    case IR_OP_TFL_SQUARED_DIFFERENCE: case IR_OP_TFL_EQUAL: case IR_OP_TFL_NOT_EQUAL:
    case IR_OP_TFL_LESS: case IR_OP_TFL_LESS_EQUAL: case IR_OP_TFL_GREATER:
    case IR_OP_TFL_GREATER_EQUAL: case IR_OP_TFL_LOGICAL_AND: case IR_OP_TFL_LOGICAL_OR:
    case IR_OP_TFL_FLOOR_DIV: case IR_OP_TFL_FLOOR_MOD: case IR_OP_TFL_PRELU:
    case IR_OP_TFL_SELECT_V2: case IR_OP_TFL_ADD_N:
        return FX_ELEMENTWISE;
    case IR_OP_TFL_CONCATENATION: return FX_CONCAT;
    case IR_OP_TFL_MEAN: case IR_OP_TFL_SUM: case IR_OP_TFL_REDUCE_MAX: case IR_OP_TFL_REDUCE_MIN:
    case IR_OP_TFL_REDUCE_PROD:
        return FX_REDUCE;
    case IR_OP_TFL_SOFTMAX: case IR_OP_TFL_LOG_SOFTMAX: return FX_SOFTMAX;
    case IR_OP_TFL_PAD: case IR_OP_TFL_PADV2: case IR_OP_TFL_MIRROR_PAD: return FX_PAD;
    case IR_OP_TFL_SLICE: return FX_SLICE;
    case IR_OP_TFL_STRIDED_SLICE: return FX_STRIDED;
    case IR_OP_TFL_GATHER: return FX_GATHER;
    default: return FX_NO;
    }
}

/* Which inputs of a flexible op carry data in the op's layout (the others
 * are parameters: axes, paddings, begin/size). */
static bool data_input(enum flex f, int i)
{
    switch (f) {
    case FX_ELEMENTWISE: case FX_CONCAT: return true;
    default: return i == 0;
    }
}

/* Whether n can run on inputs transposed by perm (rank r) and how: fills
 * the rewritten int parameters. */
struct push_plan {
    int64_t axis;           /* CONCAT/GATHER */
    int64_t v[3][R];        /* per parameter input: the rewritten values */
    int n_v[3];
    int64_t pad[R][2];
    int begin_mask, end_mask;
    bool keep;
    int out_rank;
    int out_perm[R];        /* the output's transpose back */
};

static bool plan_push(const struct ir_node *n, enum flex f, const int *P, int r,
                      struct push_plan *pl)
{
    memset(pl, 0, sizeof *pl);
    pl->out_rank = r;
    memcpy(pl->out_perm, P, sizeof(int) * (size_t)r);
    const struct ir_tensor *y = n->outputs[0];
    if (!y || !pu_static(y)) return false;
    switch (f) {
    case FX_ELEMENTWISE:
        if (y->rank != r) return false;
        for (int i = 0; i < n->n_inputs; i++)
            if (n->inputs[i] && n->inputs[i]->rank != r) return false;
        return true;
    case FX_CONCAT: {
        int64_t a = pu_attr_int(n, "axis", 0);
        if (a < 0) a += r;
        if (a < 0 || a >= r) return false;
        pl->axis = P[a];
        return true;
    }
    case FX_SOFTMAX: return P[r - 1] == r - 1;
    case FX_GATHER: {
        int64_t a = pu_attr_int(n, "axis", 0);
        if (a < 0) a += r;
        if (a < 0 || a >= r || !n->inputs[1] || n->inputs[1]->rank != 1 ||
            pu_attr_int(n, "batch_dims", 0))
            return false;
        pl->axis = P[a];
        return true;
    }
    case FX_REDUCE: {
        const struct ir_tensor *ax = n->inputs[1];
        if (!pu_is_const(ax)) return false;
        int c = (int)pu_numel(ax);
        bool red[R] = {false};
        for (int i = 0; i < c; i++) {
            int64_t a = pu_get_i64(ax, (uint64_t)i);
            if (a < 0) a += r;
            if (a < 0 || a >= r) return false;
            pl->v[0][i] = P[a];
            red[P[a]] = true;
        }
        pl->n_v[0] = c;
        pl->keep = pu_attr_int(n, "keep_dims", 0) != 0;
        if (!pl->keep) {
            /* the output's perm: the kept source axes in order */
            int pos[R], q = 0;
            for (int j = 0; j < r; j++) pos[j] = red[j] ? -1 : q++;
            int m = 0;
            for (int k = 0; k < r; k++) {
                bool kred = false;
                for (int i = 0; i < c; i++) {
                    int64_t a = pu_get_i64(ax, (uint64_t)i);
                    if (a < 0) a += r;
                    if (a == k) kred = true;
                }
                if (!kred) pl->out_perm[m++] = pos[P[k]];
            }
            pl->out_rank = m;
        }
        return true;
    }
    case FX_PAD: {
        const struct ir_tensor *pt = n->inputs[1];
        if (!pu_is_const(pt) || pu_numel(pt) != (uint64_t)(2 * r)) return false;
        for (int k = 0; k < r; k++) {
            pl->pad[P[k]][0] = pu_get_i64(pt, (uint64_t)(2 * k));
            pl->pad[P[k]][1] = pu_get_i64(pt, (uint64_t)(2 * k + 1));
        }
        return true;
    }
    case FX_SLICE:
    case FX_STRIDED: {
        int np = f == FX_SLICE ? 2 : 3;
        for (int j = 0; j < np; j++) {
            const struct ir_tensor *t = n->inputs[1 + j];
            if (!pu_is_const(t) || pu_numel(t) != (uint64_t)r) return false;
            for (int k = 0; k < r; k++) pl->v[j][P[k]] = pu_get_i64(t, (uint64_t)k);
            pl->n_v[j] = r;
        }
        if (f == FX_STRIDED) {
            if (pu_attr_int(n, "ellipsis_mask", 0) || pu_attr_int(n, "new_axis_mask", 0) ||
                pu_attr_int(n, "shrink_axis_mask", 0) || pu_attr_int(n, "offset", 0))
                return false;
            int bm = (int)pu_attr_int(n, "begin_mask", 0), em = (int)pu_attr_int(n, "end_mask", 0);
            for (int k = 0; k < r; k++) {
                if (bm >> k & 1) pl->begin_mask |= 1 << P[k];
                if (em >> k & 1) pl->end_mask |= 1 << P[k];
            }
        }
        return true;
    }
    default: return false;
    }
}

/* The transpose (perm P) that makes input t, when t comes through one. */
static bool through(const struct ir_tensor *t, const int *P, int r)
{
    int p[R];
    const struct ir_node *n = t->producer;
    if (!n || perm_of(n, p) != r) return false;
    for (int k = 0; k < r; k++)
        if (p[k] != P[k]) return false;
    return true;
}

/* Readers of t that a transpose of t could not move through (besides
 * transposes, which it merges with). */
static bool all_readers_flexible(struct ly *L, const struct ir_tensor *t, const int *P, int r)
{
    if (t->id >= L->u.n_tensors || L->u.is_output[t->id]) return false;
    for (int j = L->u.offset[t->id]; j < L->u.offset[t->id + 1]; j++) {
        const struct ir_node *c = L->u.node[j];
        int q[R];
        if (perm_of(c, q) >= 0) continue;
        enum flex f = flex_of(c);
        if (f == FX_NO || !data_input(f, L->u.slot[j]) || c->n_outputs != 1) return false;
        struct push_plan pl;
        if (!plan_push(c, f, P, r, &pl)) return false;
        for (int i = 0; i < c->n_inputs; i++) {
            const struct ir_tensor *in = c->inputs[i];
            if (!in || !data_input(f, i)) continue;
            if (!pu_is_const(in) && !through(in, P, r)) return false;
        }
    }
    return true;
}

/* Whether moving a transpose (perm P) down from t can pay: along the
 * flexible ops below t, it meets another transpose (they merge), a point
 * where it only moves dims of size 1 (a RESHAPE), or a flatten feeding
 * FULLY_CONNECTED ops (absorbed into their weights). */
static bool pays(struct ly *L, const struct ir_tensor *t, const int *P, int r, bool *seen,
                 int depth)
{
    if (depth > 256 || t->id >= L->u.n_tensors || seen[t->id]) return false;
    seen[t->id] = true;
    int64_t d[R];
    if (t->rank == r && pu_dims(t, d)) {
        /* t would be transpose(t', P): t' has dims d[inv P] */
        int inv[R];
        int64_t td[R];
        pu_perm_inverse(P, r, inv);
        for (int k = 0; k < r; k++) td[k] = d[inv[k]];
        if (pu_perm_is_reshape(P, r, td)) return true;
    }
    for (int j = L->u.offset[t->id]; j < L->u.offset[t->id + 1]; j++) {
        const struct ir_node *c = L->u.node[j];
        int q[R];
        if (perm_of(c, q) >= 0) return true;
        if (is_reshape(c) && c->outputs[0]->rank == 2 && c->outputs[0]->id < L->u.n_tensors) {
            const struct ir_tensor *y = c->outputs[0];
            bool fc = L->u.offset[y->id] < L->u.offset[y->id + 1] && !L->u.is_output[y->id];
            for (int k = L->u.offset[y->id]; k < L->u.offset[y->id + 1] && fc; k++)
                fc = L->u.node[k]->op == IR_OP_TFL_FULLY_CONNECTED && L->u.slot[k] == 0 &&
                     pu_is_const(L->u.node[k]->inputs[1]);
            if (fc && P[0] == 0) return true;
        }
        enum flex f = flex_of(c);
        if (f == FX_NO || c->n_outputs != 1 || !c->outputs[0]) continue;
        struct push_plan pl;
        if (!data_input(f, L->u.slot[j]) || !plan_push(c, f, P, r, &pl)) continue;
        if (pays(L, c->outputs[0], pl.out_perm, pl.out_rank, seen, depth + 1)) return true;
    }
    return false;
}

static fy_status push_one(struct ly *L, struct ir_node *c, enum flex f, const int *P, int r,
                          const char *doc)
{
    struct ir_graph *g = L->g;
    struct push_plan pl;
    if (!plan_push(c, f, P, r, &pl)) return FY_OK;
    int inv[R];
    pu_perm_inverse(P, r, inv);
    /* inputs: the transposes' sources; constants transposed by inv */
    for (int i = 0; i < c->n_inputs; i++) {
        struct ir_tensor *in = c->inputs[i];
        if (!in || !data_input(f, i)) continue;
        if (pu_is_const(in)) {
            if (in->rank != r) return err_fmt(L->err, FY_EINTERNAL, "layout: constant of rank %d", in->rank);
            int64_t d[R], nd[R];
            pu_dims(in, d);
            for (int k = 0; k < r; k++) nd[k] = d[inv[k]];
            size_t es = (size_t)ir_dtype_table[in->dtype].bits / 8;
            void *buf = arena_alloc(&L->m->arena, in->nbytes ? (size_t)in->nbytes : 1, 64);
            if (!buf || !es) return nomem(L->err);
            pu_transpose_data(in->data, buf, es, r, d, inv);
            struct ir_tensor *nc = pu_const_owned(g, in->name, in->dtype, r, nd, buf, L->err);
            if (!nc) return L->err->status;
            c->inputs[i] = nc;
        } else {
            c->inputs[i] = in->producer->inputs[0];
        }
    }
    /* parameters */
    switch (f) {
    case FX_CONCAT:
    case FX_GATHER:
        if (pu_set_int(c, "axis", pl.axis, L->err)) return L->err->status;
        break;
    case FX_REDUCE: {
        struct ir_tensor *a = pu_const_i32(g, "axes", pl.v[0], pl.n_v[0], L->err);
        if (!a) return L->err->status;
        c->inputs[1] = a;
        break;
    }
    case FX_PAD: {
        int32_t p32[2 * R];
        for (int k = 0; k < r; k++) p32[2 * k] = (int32_t)pl.pad[k][0], p32[2 * k + 1] = (int32_t)pl.pad[k][1];
        int64_t pd[2] = {r, 2};
        struct ir_tensor *pt = pu_const(g, "paddings", IR_I32, 2, pd, p32, L->err);
        if (!pt) return L->err->status;
        c->inputs[1] = pt;
        break;
    }
    case FX_SLICE:
    case FX_STRIDED:
        for (int j = 0; j < (f == FX_SLICE ? 2 : 3); j++) {
            struct ir_tensor *t = pu_const_i32(g, f == FX_SLICE ? "slice" : "strided", pl.v[j], r, L->err);
            if (!t) return L->err->status;
            c->inputs[1 + j] = t;
        }
        if (f == FX_STRIDED && (pu_set_int(c, "begin_mask", pl.begin_mask, L->err) ||
                                pu_set_int(c, "end_mask", pl.end_mask, L->err)))
            return L->err->status;
        break;
    default: break;
    }
    /* output: y' with y = transpose(y', out_perm) */
    struct ir_tensor *y = c->outputs[0];
    int orank = pl.out_rank;
    int oinv[R];
    pu_perm_inverse(pl.out_perm, orank, oinv);
    int64_t yd[R], nd[R];
    pu_dims(y, yd);
    for (int k = 0; k < orank; k++) nd[k] = yd[oinv[k]];
    char base[400];
    snprintf(base, sizeof base, "%s#t", y->name);
    struct ir_tensor *yn = pu_tensor(g, base, y->dtype, orank, nd, L->err);
    if (!yn) return L->err->status;
    yn->quant = y->quant;
    c->outputs[0] = yn;
    yn->producer = c;
    y->producer = NULL;
    fy_status st = pu_map_derive(L->r, yn, y, orank, oinv, L->err);
    if (st) return st;
    if (pu_perm_identity(pl.out_perm, orank)) {
        /* the op's output layout is the source's again */
        return mk_reshape(L, yn, y) ? FY_OK : L->err->status;
    }
    return mk_transpose(L, yn, pl.out_perm, y, doc) ? FY_OK : L->err->status;
}

/* Moves a transpose down through the readers of its output. */
static fy_status push(struct ly *L, int *k)
{
    struct ir_graph *g = L->g;
    int nn = g->n_nodes;
    for (int i = 0; i < nn; i++) {
        struct ir_node *t = g->nodes[i];
        int P[R];
        int r = perm_of(t, P);
        if (r < 0) continue;
        struct ir_tensor *b = t->outputs[0];
        if (!b || b->id >= L->u.n_tensors || L->u.offset[b->id] == L->u.offset[b->id + 1]) continue;
        if (!all_readers_flexible(L, b, P, r)) continue;
        bool *seen = calloc((size_t)L->u.n_tensors + 1, 1);
        if (!seen) return nomem(L->err);
        bool worth = false;
        for (int j = L->u.offset[b->id]; j < L->u.offset[b->id + 1] && !worth; j++) {
            const struct ir_node *c = L->u.node[j];
            int q[R];
            if (perm_of(c, q) >= 0 || c->n_outputs != 1) continue;
            struct push_plan pl;
            if (plan_push(c, flex_of(c), P, r, &pl))
                worth = pays(L, c->outputs[0], pl.out_perm, pl.out_rank, seen, 0);
        }
        free(seen);
        if (!worth) continue;
        /* every reader moves (transposes merge later) */
        int from = L->u.offset[b->id], to = L->u.offset[b->id + 1];
        struct ir_node *readers[64];
        int nr = 0;
        for (int j = from; j < to && nr < 64; j++) {
            struct ir_node *c = L->u.node[j];
            int q[R];
            if (perm_of(c, q) >= 0) continue;
            bool dup = false;
            for (int z = 0; z < nr; z++) dup |= readers[z] == c;
            if (!dup) readers[nr++] = c;
        }
        if (!nr || to - from > 64) continue;
        for (int z = 0; z < nr; z++) {
            fy_status st = push_one(L, readers[z], flex_of(readers[z]), P, r, t->doc);
            if (st) return st;
        }
        (*k)++;
        return FY_OK; /* the uses table is stale now */
    }
    return FY_OK;
}

/* A chain of single-reader TRANSPOSE/RESHAPE ops whose composite keeps the
 * element order: one RESHAPE. */
static fy_status collapse_chains(struct ly *L, int *k)
{
    struct ir_graph *g = L->g;
    int nn = g->n_nodes;
    for (int i = 0; i < nn; i++) {
        struct ir_node *z = g->nodes[i];
        int p[R];
        bool tr = perm_of(z, p) >= 0;
        if (!tr && !is_reshape(z)) continue;
        /* walk up */
        struct ir_node *chain[16];
        int len = 0, n_tr = 0;
        struct ir_node *c = z;
        while (len < 16) {
            bool ctr = perm_of(c, p) >= 0;
            if (!ctr && !is_reshape(c)) break;
            chain[len++] = c;
            n_tr += ctr;
            struct ir_tensor *in = c->inputs[0];
            struct ir_node *up = in->producer;
            if (!up || pu_single_user(&L->u, in) != c) break;
            if (perm_of(up, p) < 0 && !is_reshape(up)) break;
            c = up;
        }
        if (len < 2 || !n_tr) continue;
        /* the shortest chain ending at z whose composite keeps the order */
        int found = 0;
        for (int use = 2; use <= len && !found; use++) {
            int trs = 0;
            for (int j = 0; j < use; j++) trs += perm_of(chain[j], p) >= 0;
            if (!trs) continue;
            struct ir_tensor *src = chain[use - 1]->inputs[0];
            uint64_t numel = pu_numel(src);
            if (!numel || numel > (1u << 24) || !pu_static(src)) break;
            uint32_t *a = malloc(sizeof(uint32_t) * (size_t)numel);
            uint32_t *b = malloc(sizeof(uint32_t) * (size_t)numel);
            if (!a || !b) {
                free(a);
                free(b);
                return nomem(L->err);
            }
            for (uint64_t e = 0; e < numel; e++) a[e] = (uint32_t)e;
            for (int j = use - 1; j >= 0; j--) {
                int pr = perm_of(chain[j], p);
                if (pr < 0) continue; /* a reshape keeps the order */
                int64_t d[R];
                pu_dims(chain[j]->inputs[0], d);
                pu_transpose_data(a, b, 4, pr, d, p);
                uint32_t *sw = a;
                a = b;
                b = sw;
            }
            bool ident = true;
            for (uint64_t e = 0; e < numel && ident; e++) ident = a[e] == e;
            free(a);
            free(b);
            if (ident) found = use;
        }
        if (!found) continue;
        struct ir_tensor *src = chain[found - 1]->inputs[0];
        /* z's output = RESHAPE(src) */
        struct ir_tensor *y = z->outputs[0];
        pu_detach_output(y);
        if (!mk_reshape(L, src, y)) return L->err->status;
        (*k)++;
        return FY_OK;
    }
    return FY_OK;
}

/* TRANSPOSE(a, P) → RESHAPE(flatten) → FULLY_CONNECTED(const W) only: the
 * flatten reads a directly and W's columns are permuted instead. */
static fy_status absorb_into_fc(struct ly *L, int *k)
{
    struct ir_graph *g = L->g;
    int nn = g->n_nodes;
    for (int i = 0; i < nn; i++) {
        struct ir_node *rs = g->nodes[i];
        if (!is_reshape(rs)) continue;
        struct ir_tensor *x = rs->inputs[0], *y = rs->outputs[0];
        struct ir_node *t = x->producer;
        int P[R];
        int r = t ? perm_of(t, P) : -1;
        if (r < 2 || P[0] != 0 || pu_single_user(&L->u, x) != rs || y->rank != 2 ||
            y->dims[0].value != x->dims[0].value)
            continue;
        if (y->id >= L->u.n_tensors || L->u.is_output[y->id]) continue;
        int from = L->u.offset[y->id], to = L->u.offset[y->id + 1];
        bool ok = to > from;
        for (int j = from; j < to && ok; j++) {
            struct ir_node *fc = L->u.node[j];
            ok = fc->op == IR_OP_TFL_FULLY_CONNECTED && L->u.slot[j] == 0 &&
                 pu_is_const(fc->inputs[1]) && fc->inputs[1]->dtype == IR_F32 &&
                 fc->inputs[1]->rank == 2;
        }
        if (!ok) continue;
        struct ir_tensor *a = t->inputs[0];
        int64_t F = y->dims[1].value;
        /* colmap[f] = the column of a's flattened sample that b's column f reads */
        int64_t sd[R];
        for (int q = 1; q < r; q++) sd[q - 1] = a->dims[q].value;
        int sp[R];
        for (int q = 1; q < r; q++) sp[q - 1] = P[q] - 1;
        uint32_t *iota = malloc(sizeof(uint32_t) * (size_t)F), *colmap = malloc(sizeof(uint32_t) * (size_t)F);
        if (!iota || !colmap) {
            free(iota);
            free(colmap);
            return nomem(L->err);
        }
        for (int64_t e = 0; e < F; e++) iota[e] = (uint32_t)e;
        pu_transpose_data(iota, colmap, 4, r - 1, sd, sp);
        free(iota);
        for (int j = from; j < to; j++) {
            struct ir_node *fc = L->u.node[j];
            struct ir_tensor *w = fc->inputs[1];
            int64_t O = w->dims[0].value;
            if (w->dims[1].value != F) continue;
            float *wd = pu_const_f32(w);
            float *nw = arena_alloc(&L->m->arena, sizeof(float) * (size_t)(O * F), 64);
            if (!wd || !nw) {
                free(wd);
                free(colmap);
                return nomem(L->err);
            }
            for (int64_t o = 0; o < O; o++)
                for (int64_t f = 0; f < F; f++) nw[o * F + colmap[f]] = wd[o * F + f];
            free(wd);
            int64_t wdims[2] = {O, F};
            struct ir_tensor *nwt = pu_const_owned(g, w->name, IR_F32, 2, wdims, nw, L->err);
            if (!nwt) {
                free(colmap);
                return L->err->status;
            }
            fc->inputs[1] = nwt;
        }
        free(colmap);
        rs->inputs[0] = a;
        /* y now holds the flattened data in a's order: its record has no
         * element mapping to the source's flatten any more */
        fy_status st = pass_map_set(L->r, y->name, "", 0, NULL, L->err);
        if (st) return st;
        if (pass_note(L->r, &L->r->decompositions, pu_node_label(rs), "RESHAPE",
                      "flatten of NHWC data: the transpose before it is folded into the "
                      "FULLY_CONNECTED weights"))
            return nomem(L->err);
        (*k)++;
        return FY_OK;
    }
    return FY_OK;
}

/* Identical TRANSPOSE/RESHAPE of one tensor: one node. */
static bool same_const(const struct ir_tensor *a, const struct ir_tensor *b)
{
    if (!pu_is_const(a) || !pu_is_const(b) || a->dtype != b->dtype || a->nbytes != b->nbytes)
        return false;
    return !a->nbytes || !memcmp(a->data, b->data, (size_t)a->nbytes);
}

static fy_status cse(struct ly *L, int *k)
{
    struct ir_graph *g = L->g;
    for (int i = 0; i < g->n_nodes; i++) {
        struct ir_node *a = g->nodes[i];
        if (a->op != IR_OP_TFL_TRANSPOSE && a->op != IR_OP_TFL_RESHAPE) continue;
        if (!a->inputs[0] || a->n_inputs < 2 || !a->outputs[0]) continue;
        for (int j = i + 1; j < g->n_nodes; j++) {
            struct ir_node *b = g->nodes[j];
            if (b->op != a->op || b->inputs[0] != a->inputs[0] || b->n_inputs < 2 ||
                !b->outputs[0] || !same_const(a->inputs[1], b->inputs[1]))
                continue;
            if (b->outputs[0]->rank != a->outputs[0]->rank) continue;
            fy_status st = pu_replace(g, b->outputs[0], a->outputs[0], true, L->err);
            if (st) return st;
            (*k)++;
            return FY_OK;
        }
    }
    return FY_OK;
}

/* A transpose that only moves dims of size 1: a RESHAPE. */
static fy_status trivial_to_reshape(struct ly *L, int *k)
{
    struct ir_graph *g = L->g;
    int nn = g->n_nodes;
    for (int i = 0; i < nn; i++) {
        struct ir_node *t = g->nodes[i];
        int P[R];
        int r = perm_of(t, P);
        if (r < 0 || !pu_static(t->inputs[0])) continue;
        int64_t d[R];
        pu_dims(t->inputs[0], d);
        if (!pu_perm_is_reshape(P, r, d)) continue;
        struct ir_tensor *y = t->outputs[0];
        pu_detach_output(y);
        if (!mk_reshape(L, t->inputs[0], y)) return L->err->status;
        (*k)++;
    }
    return FY_OK;
}

/* ---- transposes across reshapes ----
 *
 * A reshape that only splits dims and merges neighbours commutes with a
 * transpose that moves the merged (or split) dims together as one block:
 *   reshape(transpose(a, P), S) == transpose(reshape(a, S'), P')
 *   transpose(reshape(x, Y), Q) == reshape(transpose(x, Q'), Z)
 * so a transpose can cross a channel shuffle's reshapes and meet the one on
 * the other side. */

struct group {
    int x0, x1; /* dims [x0, x1) of the one side */
    int y0, y1; /* dims [y0, y1) of the other */
};

/* Partitions xd and yd into aligned groups of equal products. */
static int groups_of(const int64_t *xd, int xr, const int64_t *yd, int yr, struct group *g)
{
    int n = 0, i = 0, j = 0;
    while (i < xr || j < yr) {
        if (n >= 2 * R) return -1;
        struct group *c = &g[n++];
        c->x0 = i;
        c->y0 = j;
        int64_t px = 1, py = 1;
        if (i < xr) px = xd[i++];
        if (j < yr) py = yd[j++];
        while (px != py) {
            if (px < py) {
                if (i >= xr) return -1;
                px *= xd[i++];
            } else {
                if (j >= yr) return -1;
                py *= yd[j++];
            }
        }
        c->x1 = i;
        c->y1 = j;
    }
    return n;
}

/* b = transpose(a, P) (rank r, a's dims ad), y = reshape(b, yd): finds S'
 * (a2d, rank a2r) and P2 with y = transpose(reshape(a, S'), P2). */
static bool commute_down(const int64_t *ad, int r, const int *P, const int64_t *yd, int yr,
                         int64_t *a2d, int *a2r, int *P2)
{
    int64_t bd[R];
    for (int k = 0; k < r; k++) bd[k] = ad[P[k]];
    struct group g[2 * R];
    int ng = groups_of(bd, r, yd, yr, g);
    if (ng < 0 || yr > R) return false;
    /* each group's a-axes: consecutive, ascending */
    int start[2 * R];
    for (int k = 0; k < ng; k++) {
        start[k] = g[k].x1 > g[k].x0 ? P[g[k].x0] : r; /* y-only groups go last */
        for (int i = g[k].x0 + 1; i < g[k].x1; i++)
            if (P[i] != P[i - 1] + 1) return false;
    }
    /* groups in a's order */
    int order[2 * R];
    for (int k = 0; k < ng; k++) order[k] = k;
    for (int i = 1; i < ng; i++)
        for (int j = i; j > 0 && (start[order[j - 1]] > start[order[j]] ||
                                  (start[order[j - 1]] == start[order[j]] && order[j - 1] > order[j]));
             j--) {
            int t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    int pos = 0, first[2 * R];
    for (int q = 0; q < ng; q++) {
        int k = order[q];
        first[k] = pos;
        for (int j = g[k].y0; j < g[k].y1; j++) a2d[pos++] = yd[j];
    }
    *a2r = pos;
    for (int k = 0; k < ng; k++)
        for (int j = g[k].y0; j < g[k].y1; j++) P2[j] = first[k] + (j - g[k].y0);
    return pos == yr;
}

/* y = reshape(x, yd) (x's dims xd), z = transpose(y, Q): finds Q2 with
 * z = reshape(transpose(x, Q2), zd). */
static bool commute_up(const int64_t *xd, int xr, const int64_t *yd, int yr, const int *Q,
                       int *Q2)
{
    struct group g[2 * R];
    int ng = groups_of(xd, xr, yd, yr, g);
    if (ng < 0) return false;
    int inv[R];
    pu_perm_inverse(Q, yr, inv);
    /* each group's y dims land together, in order, in z */
    int at[2 * R];
    for (int k = 0; k < ng; k++) {
        at[k] = g[k].y1 > g[k].y0 ? inv[g[k].y0] : yr;
        for (int j = g[k].y0 + 1; j < g[k].y1; j++)
            if (inv[j] != inv[j - 1] + 1) return false;
    }
    int order[2 * R];
    for (int k = 0; k < ng; k++) order[k] = k;
    for (int i = 1; i < ng; i++)
        for (int j = i; j > 0 && (at[order[j - 1]] > at[order[j]] ||
                                  (at[order[j - 1]] == at[order[j]] && order[j - 1] > order[j]));
             j--) {
            int t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    int pos = 0;
    for (int q = 0; q < ng; q++)
        for (int i = g[order[q]].x0; i < g[order[q]].x1; i++) Q2[pos++] = i;
    return pos == xr;
}

/* TRANSPOSE → RESHAPE (the transpose's only reader): RESHAPE → TRANSPOSE,
 * when the moved transpose then meets another or vanishes. */
static fy_status push_through_reshape(struct ly *L, int *k)
{
    struct ir_graph *g = L->g;
    int nn = g->n_nodes;
    for (int i = 0; i < nn; i++) {
        struct ir_node *t = g->nodes[i];
        int P[R];
        int r = perm_of(t, P);
        if (r < 0) continue;
        struct ir_tensor *a = t->inputs[0], *b = t->outputs[0];
        struct ir_node *rs = pu_single_user(&L->u, b);
        if (!is_reshape(rs) || rs->inputs[0] != b || !pu_static(a)) continue;
        struct ir_tensor *y = rs->outputs[0];
        int64_t ad[R], yd[R], a2d[R];
        int P2[R], a2r;
        pu_dims(a, ad);
        pu_dims(y, yd);
        if (y->rank > R || !commute_down(ad, r, P, yd, y->rank, a2d, &a2r, P2)) continue;
        bool ident = pu_perm_identity(P2, y->rank), worth = ident || pu_perm_is_reshape(P2, y->rank, a2d);
        if (!worth && y->id < L->u.n_tensors) {
            bool *seen = calloc((size_t)L->u.n_tensors + 1, 1);
            if (!seen) return nomem(L->err);
            worth = pays(L, y, P2, y->rank, seen, 0);
            free(seen);
        }
        if (!worth) continue;
        char base[400];
        snprintf(base, sizeof base, "%s#r", y->name);
        struct ir_tensor *a2 = pu_tensor(g, base, a->dtype, a2r, a2d, L->err);
        if (!a2) return L->err->status;
        pu_detach_output(y);
        if (!mk_reshape(L, a, a2)) return L->err->status;
        if (ident) {
            if (!mk_reshape(L, a2, y)) return L->err->status;
        } else if (!mk_transpose(L, a2, P2, y, t->doc)) {
            return L->err->status;
        }
        int inv[R];
        pu_perm_inverse(P2, y->rank, inv);
        fy_status st = pu_map_derive(L->r, a2, y, y->rank, inv, L->err);
        if (st) return st;
        (*k)++;
        return FY_OK;
    }
    return FY_OK;
}

/* RESHAPE (x made by a TRANSPOSE) → TRANSPOSE (the reshape's only reader):
 * TRANSPOSE → RESHAPE, so the two transposes meet. */
static fy_status pull_through_reshape(struct ly *L, int *k)
{
    struct ir_graph *g = L->g;
    int nn = g->n_nodes;
    for (int i = 0; i < nn; i++) {
        struct ir_node *t = g->nodes[i];
        int Q[R], p[R];
        int r = perm_of(t, Q);
        if (r < 0) continue;
        struct ir_node *rs = t->inputs[0]->producer;
        if (!is_reshape(rs) || pu_single_user(&L->u, t->inputs[0]) != t) continue;
        struct ir_tensor *x = rs->inputs[0], *z = t->outputs[0];
        if (!x->producer || perm_of(x->producer, p) < 0 || x->rank > R) continue;
        int64_t xd[R], yd[R];
        int Q2[R];
        pu_dims(x, xd);
        pu_dims(t->inputs[0], yd);
        if (!commute_up(xd, x->rank, yd, r, Q, Q2)) continue;
        int64_t nd[R];
        for (int q = 0; q < x->rank; q++) nd[q] = xd[Q2[q]];
        char base[400];
        snprintf(base, sizeof base, "%s#p", z->name);
        struct ir_tensor *x2 = pu_tensor(g, base, x->dtype, x->rank, nd, L->err);
        if (!x2) return L->err->status;
        pu_detach_output(z);
        if (!mk_transpose(L, x, Q2, x2, t->doc) || !mk_reshape(L, x2, z)) return L->err->status;
        (*k)++;
        return FY_OK;
    }
    return FY_OK;
}

typedef fy_status (*rewrite_fn)(struct ly *, int *);

static fy_status fixpoint(struct ly *L, const rewrite_fn *fns, int n_fns)
{
    for (int round = 0; round < 20000; round++) {
        int k = 0;
        for (int f = 0; f < n_fns; f++) {
            fy_status st = fns[f](L, &k);
            if (st) return st;
            if (k) break;
        }
        if (!k) return FY_OK;
        L->r->changes += k;
        fy_status st = rebuild(L);
        if (st) return st;
    }
    return FY_OK;
}

static fy_status layout_run(struct ir_model *m, struct pass_report *r, struct fy_error *err)
{
    struct ly L = {.m = m, .g = m->graph, .r = r, .err = err};
    fy_status st = FY_OK;
    if (r->opt.io_nhwc) st = io_nhwc(&L);
    if (!st) st = rebuild(&L);
    static const rewrite_fn main_fns[] = {fold_const, merge, cse, collapse_chains, push,
                                          absorb_into_fc, push_through_reshape,
                                          pull_through_reshape};
    if (!st) st = fixpoint(&L, main_fns, (int)(sizeof main_fns / sizeof main_fns[0]));
    static const rewrite_fn final_fns[] = {trivial_to_reshape, fold_const, merge, cse};
    if (!st) st = fixpoint(&L, final_fns, (int)(sizeof final_fns / sizeof final_fns[0]));
    /* what remains, and why */
    for (int i = 0; !st && i < L.g->n_nodes; i++) {
        struct ir_node *n = L.g->nodes[i];
        if (n->op != IR_OP_TFL_TRANSPOSE) continue;
        if (pass_note(r, &r->transposes, pu_node_label(n), NULL, "%s",
                      n->doc && n->doc[0] ? n->doc : "the source's layout"))
            st = nomem(err);
    }
    pu_uses_free(&L.u);
    return st;
}

const struct pass pass_layout_nhwc = {"layout_nhwc", layout_run};
