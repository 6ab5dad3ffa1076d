/* lower_tflite: ONNX-semantic ops → TFLite builtins (tfl.* IR ops, with
 * TFLite's exact semantics and the attribute conventions of tflite_ops.c).
 *
 * Every lowering is locally exact and keeps the graph runnable by ferry's
 * interpreter: the source's NCHW tensors stay NCHW, and an op that TFLite
 * runs NHWC only (convolutions, pools, resizes, LRN, depth/space moves) is
 * wrapped in TRANSPOSE in and out. layout_nhwc then decides where data
 * really has to change layout and removes the rest.
 *
 * The pass first checks every node (the same code, run "dry"), and if any
 * node has no mapping it changes nothing and fails with the whole list
 * (node, op, the attribute or type that blocks it) in the report. There is
 * no Flex (SELECT_TF_OPS) fallback, by design.
 *
 * Before lowering, exporter patterns are recognised and become the one op
 * they compute: LayerNormalization written out as ReduceMean/Sub/Pow/
 * ReduceMean/Add/Sqrt/Div (+ Mul/Add), Erf-based GELU x·½(1+erf(x/√2)), tanh
 * GELU, and MatMul + Add(bias) (one FULLY_CONNECTED). */
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passes/pass.h"
#include "passes/util.h"

#define R PASS_MAX_RANK

struct lw {
    struct ir_model *m;
    struct ir_graph *g;
    struct pass_report *r;
    struct fy_error *err;
    int64_t opset;
    bool dry;
    struct ir_node *n; /* node being lowered */
    const char *label;
    char why[512];
    bool act_done; /* the lowering applied node->activation itself */
    struct pu_uses uses;
    struct ir_node **bias_add; /* by node id: MatMul → the Add it absorbs */
    bool *absorbed;            /* by node id: lowered as part of another node */
    struct ir_tensor **cache;  /* small int32 constants made by this pass */
    int n_cache, cap_cache;
};

static fy_status nomem(struct fy_error *err) { return err_fmt(err, FY_ENOMEM, "out of memory"); }

static fy_status unsupported(struct lw *L, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static fy_status unsupported(struct lw *L, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(L->why, sizeof L->why, fmt, ap);
    va_end(ap);
    return FY_EUNSUPPORTED;
}

static fy_status st_of(struct lw *L) { return L->err->status ? L->err->status : FY_ENOMEM; }

/* ---- building blocks ---- */

static struct ir_tensor *tmp(struct lw *L, const char *suffix, enum ir_dtype dt, int rank,
                             const int64_t *dims)
{
    char base[600];
    snprintf(base, sizeof base, "%s/%s", L->label, suffix);
    return pu_tensor(L->g, base, dt, rank, dims, L->err);
}

static struct ir_node *node(struct lw *L, enum ir_op op, const char *suffix, int n_in, int n_out)
{
    char nm[600];
    if (suffix && suffix[0]) snprintf(nm, sizeof nm, "%s/%s", L->label, suffix);
    else snprintf(nm, sizeof nm, "%s", L->label);
    struct ir_node *x = pu_node(L->g, op, nm, n_in, n_out, L->err);
    if (x) x->origin = L->n && L->n->origin ? L->n->origin : L->label;
    return x;
}

static struct ir_tensor *ci32(struct lw *L, const int64_t *vals, int n)
{
    for (int i = 0; i < L->n_cache; i++) {
        struct ir_tensor *t = L->cache[i];
        if (t->rank != 1 || t->dims[0].value != n) continue;
        bool same = true;
        for (int k = 0; k < n && same; k++) same = pu_get_i64(t, (uint64_t)k) == vals[k];
        if (same) return t;
    }
    struct ir_tensor *t = pu_const_i32(L->g, "const", vals, n, L->err);
    if (!t) return NULL;
    if (arena_grow(&L->m->arena, (void **)&L->cache, &L->cap_cache, L->n_cache + 1,
                   sizeof *L->cache))
        return NULL;
    L->cache[L->n_cache++] = t;
    return t;
}

static struct ir_tensor *cf32(struct lw *L, const char *suffix, int rank, const int64_t *dims,
                              const float *vals)
{
    char base[600];
    snprintf(base, sizeof base, "%s/%s", L->label, suffix);
    return pu_const(L->g, base, IR_F32, rank, dims, vals, L->err);
}

static struct ir_tensor *cf32_scalar(struct lw *L, const char *suffix, float v)
{
    return cf32(L, suffix, 0, NULL, &v);
}

/* A node with up to 4 inputs and one output. */
static struct ir_node *emit(struct lw *L, enum ir_op op, const char *suffix,
                            struct ir_tensor *out, int n_in, struct ir_tensor *a,
                            struct ir_tensor *b, struct ir_tensor *c, struct ir_tensor *d)
{
    if (!out) return NULL;
    struct ir_node *x = node(L, op, suffix, n_in, 1);
    if (!x) return NULL;
    struct ir_tensor *ins[4] = {a, b, c, d};
    for (int i = 0; i < n_in && i < 4; i++) x->inputs[i] = ins[i];
    if (pu_out(x, 0, out, L->err)) return NULL;
    return x;
}

/* out = op(in) for unary tfl ops */
static struct ir_node *unary(struct lw *L, enum ir_op op, const char *suffix,
                             struct ir_tensor *in, struct ir_tensor *out)
{
    return emit(L, op, suffix, out, 1, in, NULL, NULL, NULL);
}

static struct ir_node *binary(struct lw *L, enum ir_op op, const char *suffix,
                              struct ir_tensor *a, struct ir_tensor *b, struct ir_tensor *out)
{
    return emit(L, op, suffix, out, 2, a, b, NULL, NULL);
}

static struct ir_tensor *like(struct lw *L, const char *suffix, const struct ir_tensor *t)
{
    int64_t d[R];
    pu_dims(t, d);
    return tmp(L, suffix, t->dtype, t->rank, d);
}

static int rank_of(const struct ir_tensor *t) { return t ? t->rank : -1; }

static struct ir_tensor *reshape(struct lw *L, const char *suffix, struct ir_tensor *x, int rank,
                                 const int64_t *dims, struct ir_tensor *out)
{
    if (!out) out = tmp(L, suffix, x->dtype, rank, dims);
    struct ir_tensor *s = ci32(L, dims, rank);
    if (!out || !s) return NULL;
    if (!emit(L, IR_OP_TFL_RESHAPE, suffix, out, 2, x, s, NULL, NULL)) return NULL;
    return out;
}

static struct ir_tensor *transpose(struct lw *L, const char *suffix, struct ir_tensor *x,
                                   const int *perm, struct ir_tensor *out, const char *reason)
{
    int64_t d[R], p64[R];
    for (int i = 0; i < x->rank; i++) {
        d[i] = x->dims[perm[i]].value;
        p64[i] = perm[i];
    }
    if (!out) {
        out = tmp(L, suffix, x->dtype, x->rank, d);
        if (!out || pu_map_derive(L->r, out, x, x->rank, perm, L->err)) return NULL;
    }
    struct ir_tensor *p = ci32(L, p64, x->rank);
    if (!p) return NULL;
    struct ir_node *t = emit(L, IR_OP_TFL_TRANSPOSE, suffix, out, 2, x, p, NULL, NULL);
    if (!t) return NULL;
    t->doc = reason ? arena_strdup(&L->m->arena, reason) : "";
    return out;
}

static const int to_nhwc_perm[4] = {0, 2, 3, 1};
static const int to_nchw_perm[4] = {0, 3, 1, 2};

/* NCHW x → NHWC (rank 3 NCW: → N,1,W,C). */
static struct ir_tensor *to_nhwc(struct lw *L, struct ir_tensor *x, const char *what)
{
    char reason[256];
    snprintf(reason, sizeof reason, "NCHW data into %s, which TFLite runs NHWC", what);
    if (x->rank == 4) return transpose(L, "to_nhwc", x, to_nhwc_perm, NULL, reason);
    static const int p3[3] = {0, 2, 1};
    struct ir_tensor *t = transpose(L, "to_nwc", x, p3, NULL, reason);
    if (!t) return NULL;
    int64_t d[4] = {t->dims[0].value, 1, t->dims[1].value, t->dims[2].value};
    return reshape(L, "to_nhwc", t, 4, d, NULL);
}

/* The NHWC result of an op (dims [N,H,W,C]) for the NCHW output y: a new
 * tensor, and the TRANSPOSE back to y. */
static struct ir_tensor *nhwc_result(struct lw *L, struct ir_tensor *y)
{
    int64_t d[4];
    if (y->rank == 4) {
        for (int i = 0; i < 4; i++) d[i] = y->dims[to_nhwc_perm[i]].value;
    } else {
        d[0] = y->dims[0].value;
        d[1] = 1;
        d[2] = y->dims[2].value;
        d[3] = y->dims[1].value;
    }
    struct ir_tensor *t = tmp(L, "nhwc", y->dtype, 4, d);
    if (!t) return NULL;
    if (y->rank == 4 && pu_map_derive(L->r, t, y, 4, to_nhwc_perm, L->err)) return NULL;
    return t;
}

static fy_status from_nhwc(struct lw *L, struct ir_tensor *t, struct ir_tensor *y,
                           const char *what)
{
    char reason[256];
    snprintf(reason, sizeof reason, "NHWC result of %s back to the source's NCHW layout", what);
    if (y->rank == 4) return transpose(L, "to_nchw", t, to_nchw_perm, y, reason) ? FY_OK : st_of(L);
    int64_t d[3] = {t->dims[0].value, t->dims[2].value, t->dims[3].value};
    struct ir_tensor *r3 = reshape(L, "to_nwc", t, 3, d, NULL);
    static const int p3[3] = {0, 2, 1};
    if (!r3 || !transpose(L, "to_ncw", r3, p3, y, reason)) return st_of(L);
    return FY_OK;
}

/* Same rank as `rank` by leading 1s: constants get a reshaped copy, values a
 * RESHAPE. */
static struct ir_tensor *expand_rank(struct lw *L, struct ir_tensor *x, int rank)
{
    if (x->rank >= rank) return x;
    int64_t d[R];
    int k = rank - x->rank;
    for (int i = 0; i < k; i++) d[i] = 1;
    for (int i = 0; i < x->rank; i++) d[k + i] = x->dims[i].value;
    if (x->kind == IR_TENSOR_CONST) {
        struct ir_tensor *c = pu_tensor(L->g, pu_unique_name(L->g, x->name), x->dtype, rank, d,
                                        L->err);
        if (!c) return NULL;
        c->data = x->data;
        c->nbytes = x->nbytes;
        if (ir_graph_add_initializer(L->g, c, L->err)) return NULL;
        return c;
    }
    return reshape(L, "expand", x, rank, d, NULL);
}

static bool tfl_fusable(enum ir_op op)
{
    switch (op) {
    case IR_OP_TFL_CONV_2D:
    case IR_OP_TFL_DEPTHWISE_CONV_2D:
    case IR_OP_TFL_FULLY_CONNECTED:
    case IR_OP_TFL_ADD:
    case IR_OP_TFL_SUB:
    case IR_OP_TFL_MUL:
    case IR_OP_TFL_DIV:
    case IR_OP_TFL_AVERAGE_POOL_2D:
    case IR_OP_TFL_MAX_POOL_2D: return true;
    default: return false; /* CONCATENATION: TFLite's float kernel refuses one */
    }
}

static enum ir_op act_op(enum ir_activation a)
{
    switch (a) {
    case IR_ACT_RELU: return IR_OP_TFL_RELU;
    case IR_ACT_RELU6: return IR_OP_TFL_RELU6;
    case IR_ACT_RELU_N1_TO_1: return IR_OP_TFL_RELU_N1_TO_1;
    case IR_ACT_TANH: return IR_OP_TFL_TANH;
    default: return IR_OP_OPAQUE;
    }
}

/* ---- checks shared by many ops ---- */

static bool tfl_dtype_ok(enum ir_dtype t)
{
    switch (t) {
    case IR_F32: case IR_F16: case IR_I32: case IR_U8: case IR_I64: case IR_BOOL:
    case IR_I16: case IR_I8: case IR_F64: case IR_U32: case IR_U16: case IR_U64:
        return true;
    default: return false;
    }
}

static fy_status need_static(struct lw *L)
{
    struct ir_node *n = L->n;
    for (int i = 0; i < n->n_inputs; i++) {
        const struct ir_tensor *t = n->inputs[i];
        if (!t) continue;
        if (!pu_static(t))
            return unsupported(L, "input '%s' has no static shape (use --shape)", t->name);
        if (t->rank > R)
            return unsupported(L, "input '%s' has rank %d; at most %d", t->name, t->rank, R);
        if (!tfl_dtype_ok(t->dtype))
            return unsupported(L, "input '%s' is %s, which TFLite kernels do not take", t->name,
                               ir_dtype_name(t->dtype));
    }
    for (int i = 0; i < n->n_outputs; i++) {
        const struct ir_tensor *t = n->outputs[i];
        if (!t) continue;
        if (!pu_static(t))
            return unsupported(L, "output '%s' has no static shape (use --shape)", t->name);
        if (!tfl_dtype_ok(t->dtype))
            return unsupported(L, "output '%s' is %s, which TFLite kernels do not give",
                               t->name, ir_dtype_name(t->dtype));
    }
    return FY_OK;
}

static bool used(struct lw *L, const struct ir_tensor *t)
{
    return t && t->id < L->uses.n_tensors && pu_use_count(&L->uses, t) > 0;
}

static fy_status need_float(struct lw *L, const struct ir_tensor *t)
{
    if (t->dtype != IR_F32)
        return unsupported(L, "'%s' is %s; this lowering takes float32", t->name,
                           ir_dtype_name(t->dtype));
    return FY_OK;
}

static fy_status note_decomp(struct lw *L, const char *into)
{
    if (L->dry) return FY_OK;
    return pass_note(L->r, &L->r->decompositions, L->label, L->n->op_type, "%s", into)
               ? nomem(L->err)
               : FY_OK;
}

/* ---- element-wise ---- */

static enum ir_op unary_map(enum ir_op op)
{
    switch (op) {
    case IR_OP_RELU: return IR_OP_TFL_RELU;
    case IR_OP_SIGMOID: return IR_OP_TFL_LOGISTIC;
    case IR_OP_TANH: return IR_OP_TFL_TANH;
    case IR_OP_EXP: return IR_OP_TFL_EXP;
    case IR_OP_LOG: return IR_OP_TFL_LOG;
    case IR_OP_SQRT: return IR_OP_TFL_SQRT;
    case IR_OP_ABS: return IR_OP_TFL_ABS;
    case IR_OP_NEG: return IR_OP_TFL_NEG;
    case IR_OP_FLOOR: return IR_OP_TFL_FLOOR;
    case IR_OP_CEIL: return IR_OP_TFL_CEIL;
    case IR_OP_ROUND: return IR_OP_TFL_ROUND;
    case IR_OP_SIN: return IR_OP_TFL_SIN;
    case IR_OP_COS: return IR_OP_TFL_COS;
    case IR_OP_SIGN: return IR_OP_TFL_SIGN;
    case IR_OP_NOT: return IR_OP_TFL_LOGICAL_NOT;
    case IR_OP_HARD_SWISH: return IR_OP_TFL_HARD_SWISH;
    default: return IR_OP_OPAQUE;
    }
}

static enum ir_op binary_map(enum ir_op op)
{
    switch (op) {
    case IR_OP_ADD: case IR_OP_SUM: return IR_OP_TFL_ADD;
    case IR_OP_SUB: return IR_OP_TFL_SUB;
    case IR_OP_MUL: return IR_OP_TFL_MUL;
    case IR_OP_DIV: return IR_OP_TFL_DIV;
    case IR_OP_MAX: return IR_OP_TFL_MAXIMUM;
    case IR_OP_MIN: return IR_OP_TFL_MINIMUM;
    case IR_OP_POW: return IR_OP_TFL_POW;
    case IR_OP_EQUAL: return IR_OP_TFL_EQUAL;
    case IR_OP_LESS: return IR_OP_TFL_LESS;
    case IR_OP_LESS_OR_EQUAL: return IR_OP_TFL_LESS_EQUAL;
    case IR_OP_GREATER: return IR_OP_TFL_GREATER;
    case IR_OP_GREATER_OR_EQUAL: return IR_OP_TFL_GREATER_EQUAL;
    case IR_OP_AND: return IR_OP_TFL_LOGICAL_AND;
    case IR_OP_OR: return IR_OP_TFL_LOGICAL_OR;
    default: return IR_OP_OPAQUE;
    }
}

static fy_status lower_unary(struct lw *L)
{
    struct ir_node *n = L->n;
    fy_status st = need_static(L);
    if (st) return st;
    enum ir_op op = unary_map(n->op);
    struct ir_tensor *x = n->inputs[0], *y = n->outputs[0];
    if (op == IR_OP_TFL_LOGICAL_NOT) {
        if (x->dtype != IR_BOOL) return unsupported(L, "input is %s", ir_dtype_name(x->dtype));
    } else if (op == IR_OP_TFL_ABS || op == IR_OP_TFL_NEG) {
        if (x->dtype != IR_F32 && x->dtype != IR_I32 && x->dtype != IR_I64)
            return unsupported(L, "input is %s", ir_dtype_name(x->dtype));
    } else if ((st = need_float(L, x))) {
        return st;
    }
    if (L->dry) return FY_OK;
    return unary(L, op, "", x, y) ? FY_OK : st_of(L);
}

static fy_status lower_binary(struct lw *L)
{
    struct ir_node *n = L->n;
    fy_status st = need_static(L);
    if (st) return st;
    enum ir_op op = binary_map(n->op);
    struct ir_tensor *y = n->outputs[0];
    for (int i = 0; i < n->n_inputs; i++)
        if (!n->inputs[i]) return unsupported(L, "input %d is missing", i);
    enum ir_dtype dt = n->inputs[0]->dtype;
    for (int i = 1; i < n->n_inputs; i++)
        if (n->inputs[i]->dtype != dt) return unsupported(L, "inputs of different types");
    bool logical = op == IR_OP_TFL_LOGICAL_AND || op == IR_OP_TFL_LOGICAL_OR;
    if (logical ? dt != IR_BOOL : (dt != IR_F32 && dt != IR_I32 && dt != IR_I64))
        return unsupported(L, "inputs are %s", ir_dtype_name(dt));
    if ((op == IR_OP_TFL_DIV || op == IR_OP_TFL_POW) && dt == IR_I64)
        return unsupported(L, "int64 %s has no TFLite kernel", n->op_type);
    if (n->n_inputs < 1 || (n->n_inputs != 2 && op != IR_OP_TFL_ADD && op != IR_OP_TFL_MAXIMUM &&
                            op != IR_OP_TFL_MINIMUM))
        return unsupported(L, "%d inputs", n->n_inputs);
    if (n->op == IR_OP_MOD) return unsupported(L, "Mod");
    if (L->dry) return FY_OK;

    if (n->n_inputs == 1) {
        int64_t d[R];
        pu_dims(y, d);
        return reshape(L, "", n->inputs[0], y->rank, d, y) ? FY_OK : st_of(L);
    }
    /* Pow with a constant exponent: the cheap exact forms */
    double e;
    if (op == IR_OP_TFL_POW && pu_const_scalar(n->inputs[1], &e) && rank_of(n->inputs[0]) == y->rank) {
        struct ir_tensor *x = n->inputs[0];
        if (e == 2) return binary(L, IR_OP_TFL_MUL, "", x, x, y) ? FY_OK : st_of(L);
        if (e == 1) {
            int64_t d[R];
            pu_dims(y, d);
            return reshape(L, "", x, y->rank, d, y) ? FY_OK : st_of(L);
        }
        if (e == 0.5) return unary(L, IR_OP_TFL_SQRT, "", x, y) ? FY_OK : st_of(L);
    }
    /* variadic: a chain */
    struct ir_tensor *acc = expand_rank(L, n->inputs[0], y->rank);
    for (int i = 1; i < n->n_inputs && acc; i++) {
        struct ir_tensor *b = expand_rank(L, n->inputs[i], y->rank);
        if (!b) return st_of(L);
        struct ir_tensor *out = i == n->n_inputs - 1 ? y : like(L, "partial", y);
        if (!out) return st_of(L);
        if (!binary(L, op, i == n->n_inputs - 1 ? "" : "partial", acc, b, out)) return st_of(L);
        acc = out;
    }
    return acc ? FY_OK : st_of(L);
}

/* Reciprocal, Softplus, Softsign, Swish, Mish, HardSigmoid, LeakyRelu, Elu,
 * Clip, Gelu, PRelu, Celu: builtins or exact compositions. */
static fy_status lower_activation_like(struct lw *L)
{
    struct ir_node *n = L->n;
    fy_status st = need_static(L);
    if (st) return st;
    struct ir_tensor *x = n->inputs[0], *y = n->outputs[0];
    if ((st = need_float(L, x))) return st;
    switch (n->op) {
    case IR_OP_LEAKY_RELU:
        if (L->dry) return FY_OK;
        {
            struct ir_node *k = unary(L, IR_OP_TFL_LEAKY_RELU, "", x, y);
            if (!k || pu_set_float(k, "alpha", pu_attr_float(n, "alpha", 0.01f), L->err))
                return st_of(L);
            return FY_OK;
        }
    case IR_OP_ELU: {
        float alpha = pu_attr_float(n, "alpha", 1.0f);
        if (alpha != 1.0f) return unsupported(L, "alpha is %g; TFLite's ELU has alpha 1", alpha);
        if (L->dry) return FY_OK;
        return unary(L, IR_OP_TFL_ELU, "", x, y) ? FY_OK : st_of(L);
    }
    case IR_OP_GELU: {
        char buf[16];
        const char *ap = pu_attr_str(n, "approximate", "none", buf, sizeof buf);
        if (L->dry) return FY_OK;
        struct ir_node *k = unary(L, IR_OP_TFL_GELU, "", x, y);
        if (!k || pu_set_int(k, "approximate", !strcmp(ap, "tanh"), L->err)) return st_of(L);
        return FY_OK;
    }
    case IR_OP_RECIPROCAL: {
        if (L->dry) return note_decomp(L, "DIV");
        struct ir_tensor *one = cf32_scalar(L, "one", 1.0f);
        struct ir_tensor *o = expand_rank(L, one, y->rank);
        return o && binary(L, IR_OP_TFL_DIV, "", o, x, y) && !note_decomp(L, "DIV") ? FY_OK
                                                                                    : st_of(L);
    }
    case IR_OP_SOFTPLUS: {
        /* log(1 + e^x) = max(x, 0) + log(1 + e^-|x|): exact and overflow-free */
        if (L->dry) return FY_OK;
        struct ir_tensor *a = like(L, "abs", y), *na = like(L, "neg", y), *e = like(L, "exp", y),
                         *e1 = like(L, "exp1", y), *lg = like(L, "log", y), *rl = like(L, "relu", y);
        struct ir_tensor *one = cf32_scalar(L, "one", 1.0f);
        struct ir_tensor *o = one ? expand_rank(L, one, y->rank) : NULL;
        if (!o || !unary(L, IR_OP_TFL_ABS, "abs", x, a) || !unary(L, IR_OP_TFL_NEG, "neg", a, na) ||
            !unary(L, IR_OP_TFL_EXP, "exp", na, e) || !binary(L, IR_OP_TFL_ADD, "add1", e, o, e1) ||
            !unary(L, IR_OP_TFL_LOG, "log", e1, lg) || !unary(L, IR_OP_TFL_RELU, "relu", x, rl) ||
            !binary(L, IR_OP_TFL_ADD, "", rl, lg, y))
            return st_of(L);
        return note_decomp(L, "ABS, NEG, EXP, ADD, LOG, RELU, ADD");
    }
    case IR_OP_SOFTSIGN: {
        if (L->dry) return FY_OK;
        struct ir_tensor *a = like(L, "abs", y), *a1 = like(L, "abs1", y);
        struct ir_tensor *one = cf32_scalar(L, "one", 1.0f);
        struct ir_tensor *o = one ? expand_rank(L, one, y->rank) : NULL;
        if (!o || !unary(L, IR_OP_TFL_ABS, "abs", x, a) ||
            !binary(L, IR_OP_TFL_ADD, "add1", a, o, a1) || !binary(L, IR_OP_TFL_DIV, "", x, a1, y))
            return st_of(L);
        return note_decomp(L, "ABS, ADD, DIV");
    }
    case IR_OP_SWISH:
    case IR_OP_MISH: {
        if (n->op == IR_OP_SWISH && pu_attr_float(n, "alpha", 1.0f) != 1.0f)
            return unsupported(L, "alpha is not 1");
        if (L->dry) return FY_OK;
        if (n->op == IR_OP_SWISH) {
            struct ir_tensor *s = like(L, "sigmoid", y);
            if (!unary(L, IR_OP_TFL_LOGISTIC, "sigmoid", x, s) ||
                !binary(L, IR_OP_TFL_MUL, "", x, s, y))
                return st_of(L);
            return note_decomp(L, "LOGISTIC, MUL");
        }
        struct ir_tensor *a = like(L, "abs", y), *na = like(L, "neg", y), *e = like(L, "exp", y),
                         *e1 = like(L, "exp1", y), *lg = like(L, "log", y), *rl = like(L, "relu", y),
                         *sp = like(L, "softplus", y), *th = like(L, "tanh", y);
        struct ir_tensor *one = cf32_scalar(L, "one", 1.0f);
        struct ir_tensor *o = one ? expand_rank(L, one, y->rank) : NULL;
        if (!o || !unary(L, IR_OP_TFL_ABS, "abs", x, a) || !unary(L, IR_OP_TFL_NEG, "neg", a, na) ||
            !unary(L, IR_OP_TFL_EXP, "exp", na, e) || !binary(L, IR_OP_TFL_ADD, "add1", e, o, e1) ||
            !unary(L, IR_OP_TFL_LOG, "log", e1, lg) || !unary(L, IR_OP_TFL_RELU, "relu", x, rl) ||
            !binary(L, IR_OP_TFL_ADD, "softplus", rl, lg, sp) ||
            !unary(L, IR_OP_TFL_TANH, "tanh", sp, th) || !binary(L, IR_OP_TFL_MUL, "", x, th, y))
            return st_of(L);
        return note_decomp(L, "softplus (7 ops), TANH, MUL");
    }
    case IR_OP_HARD_SIGMOID: {
        float alpha = pu_attr_float(n, "alpha", 0.2f), beta = pu_attr_float(n, "beta", 0.5f);
        if (L->dry) return FY_OK;
        /* min(max(alpha x + beta, 0), 1) */
        struct ir_tensor *ca = cf32_scalar(L, "alpha", alpha), *cb = cf32_scalar(L, "beta", beta),
                         *c1 = cf32_scalar(L, "one", 1.0f);
        struct ir_tensor *a = ca ? expand_rank(L, ca, y->rank) : NULL;
        struct ir_tensor *b = cb ? expand_rank(L, cb, y->rank) : NULL;
        struct ir_tensor *o = c1 ? expand_rank(L, c1, y->rank) : NULL;
        struct ir_tensor *m1 = like(L, "scaled", y), *m2 = like(L, "shifted", y);
        struct ir_node *add;
        if (!a || !b || !o || !binary(L, IR_OP_TFL_MUL, "scale", x, a, m1) ||
            !(add = binary(L, IR_OP_TFL_ADD, "shift", m1, b, m2)))
            return st_of(L);
        add->activation = IR_ACT_RELU;
        if (!binary(L, IR_OP_TFL_MINIMUM, "", m2, o, y)) return st_of(L);
        return note_decomp(L, "MUL, ADD (fused RELU), MINIMUM");
    }
    case IR_OP_CELU:
    case IR_OP_SELU:
    case IR_OP_THRESHOLDED_RELU:
    case IR_OP_SHRINK:
        return unsupported(L, "no TFLite builtin; the exact composition is not implemented");
    default: break;
    }
    return unsupported(L, "no mapping");
}

static fy_status lower_clip(struct lw *L)
{
    struct ir_node *n = L->n;
    fy_status st = need_static(L);
    if (st) return st;
    struct ir_tensor *x = n->inputs[0], *y = n->outputs[0];
    double lo = -INFINITY, hi = INFINITY;
    if (L->opset < 11) {
        lo = pu_attr_float(n, "min", -FLT_MAX);
        hi = pu_attr_float(n, "max", FLT_MAX);
    } else {
        if (n->n_inputs > 1 && n->inputs[1] && !pu_const_scalar(n->inputs[1], &lo))
            return unsupported(L, "min is not a constant");
        if (n->n_inputs > 2 && n->inputs[2] && !pu_const_scalar(n->inputs[2], &hi))
            return unsupported(L, "max is not a constant");
    }
    if (x->dtype != IR_F32 && x->dtype != IR_I32)
        return unsupported(L, "input is %s", ir_dtype_name(x->dtype));
    if (L->dry) return FY_OK;
    enum ir_op op = IR_OP_OPAQUE;
    if (x->dtype == IR_F32) {
        if (lo == 0 && hi == 6) op = IR_OP_TFL_RELU6;
        else if (lo == -1 && hi == 1) op = IR_OP_TFL_RELU_N1_TO_1;
        else if (lo == 0 && hi >= FLT_MAX) op = IR_OP_TFL_RELU;
    }
    if (op != IR_OP_OPAQUE) return unary(L, op, "", x, y) ? FY_OK : st_of(L);
    struct ir_tensor *cur = x;
    bool has_lo = lo > -FLT_MAX, has_hi = hi < FLT_MAX;
    if (!has_lo && !has_hi) {
        int64_t d[R];
        pu_dims(y, d);
        return reshape(L, "", x, y->rank, d, y) ? FY_OK : st_of(L);
    }
    if (has_lo) {
        float v = (float)lo;
        int32_t vi = (int32_t)lo;
        struct ir_tensor *c = x->dtype == IR_F32 ? cf32_scalar(L, "min", v)
                                                 : pu_const(L->g, "min", IR_I32, 0, NULL, &vi, L->err);
        struct ir_tensor *ce = c ? expand_rank(L, c, y->rank) : NULL;
        struct ir_tensor *o = has_hi ? like(L, "lower", y) : y;
        if (!ce || !o || !binary(L, IR_OP_TFL_MAXIMUM, has_hi ? "max" : "", cur, ce, o))
            return st_of(L);
        cur = o;
    }
    if (has_hi) {
        float v = (float)hi;
        int32_t vi = (int32_t)hi;
        struct ir_tensor *c = x->dtype == IR_F32 ? cf32_scalar(L, "max", v)
                                                 : pu_const(L->g, "max", IR_I32, 0, NULL, &vi, L->err);
        struct ir_tensor *ce = c ? expand_rank(L, c, y->rank) : NULL;
        if (!ce || !binary(L, IR_OP_TFL_MINIMUM, "", cur, ce, y)) return st_of(L);
    }
    return FY_OK;
}

static fy_status lower_prelu(struct lw *L)
{
    struct ir_node *n = L->n;
    fy_status st = need_static(L);
    if (st) return st;
    struct ir_tensor *x = n->inputs[0], *s = n->inputs[1], *y = n->outputs[0];
    if ((st = need_float(L, x))) return st;
    if (L->dry) return FY_OK;
    struct ir_tensor *a = expand_rank(L, s, y->rank);
    return a && binary(L, IR_OP_TFL_PRELU, "", x, a, y) ? FY_OK : st_of(L);
}

/* Identity, Dropout (inference): the output is the input. */
static fy_status lower_alias(struct lw *L)
{
    struct ir_node *n = L->n;
    if (n->op == IR_OP_DROPOUT && n->n_outputs > 1 && used(L, n->outputs[1]))
        return unsupported(L, "the mask output is used");
    if (n->op == IR_OP_DROPOUT && n->n_inputs > 2 && n->inputs[2]) {
        double t;
        if (!pu_const_scalar(n->inputs[2], &t) || t != 0)
            return unsupported(L, "training_mode is not a constant false");
    }
    if (!n->inputs[0] || !n->outputs[0]) return unsupported(L, "missing input or output");
    if (L->dry) return FY_OK;
    struct ir_tensor *x = n->inputs[0], *y = n->outputs[0];
    fy_status st = pu_map_derive(L->r, x, y, 0, NULL, L->err);
    if (st) return st;
    /* y may be a graph output: pu_replace keeps it */
    return pu_replace(L->g, y, x, true, L->err);
}

static fy_status lower_cast(struct lw *L)
{
    struct ir_node *n = L->n;
    fy_status st = need_static(L);
    if (st) return st;
    struct ir_tensor *x = n->inputs[0], *y = n->outputs[0];
    if (L->dry) return FY_OK;
    if (x->dtype == y->dtype) {
        int64_t d[R];
        pu_dims(y, d);
        if (pu_map_derive(L->r, x, y, 0, NULL, L->err)) return st_of(L);
        return pu_replace(L->g, y, x, true, L->err);
    }
    struct ir_node *k = unary(L, IR_OP_TFL_CAST, "", x, y);
    return k ? FY_OK : st_of(L);
}

/* ---- convolution and pooling ---- */

struct win {
    int rank;               /* spatial dims: 1 or 2 */
    int64_t in[2], k[2], s[2], d[2], pb[2], pe[2], out[2];
};

/* ONNX pads (explicit or auto_pad) for a conv/pool window. */
static fy_status window(struct lw *L, const struct ir_tensor *x, const int64_t *kernel,
                        int64_t out_h, int64_t out_w, struct win *w, bool ceil_mode)
{
    struct ir_node *n = L->n;
    int sp = x->rank - 2;
    w->rank = sp;
    int64_t s[2] = {1, 1}, d[2] = {1, 1}, pads[4] = {0, 0, 0, 0};
    int c = pu_attr_ints(n, "strides", s, 2);
    if (c >= 0 && c != sp) return unsupported(L, "strides has %d values", c);
    c = pu_attr_ints(n, "dilations", d, 2);
    if (c >= 0 && c != sp) return unsupported(L, "dilations has %d values", c);
    c = pu_attr_ints(n, "pads", pads, 4);
    if (c >= 0 && c != 2 * sp) return unsupported(L, "pads has %d values", c);
    char buf[32];
    const char *ap = pu_attr_str(n, "auto_pad", "NOTSET", buf, sizeof buf);
    int64_t outs[2] = {out_h, out_w};
    for (int i = 0; i < sp; i++) {
        w->in[i] = x->dims[2 + i].value;
        w->k[i] = kernel[i];
        w->s[i] = s[i];
        w->d[i] = d[i];
        w->out[i] = outs[i];
        if (s[i] < 1 || d[i] < 1) return unsupported(L, "stride or dilation below 1");
        int64_t eff = d[i] * (kernel[i] - 1) + 1;
        if (!strcmp(ap, "NOTSET")) {
            w->pb[i] = pads[i];
            w->pe[i] = pads[i + sp];
        } else if (!strcmp(ap, "VALID")) {
            w->pb[i] = w->pe[i] = 0;
        } else if (!strcmp(ap, "SAME_UPPER") || !strcmp(ap, "SAME_LOWER")) {
            int64_t o = (w->in[i] + s[i] - 1) / s[i];
            int64_t total = (o - 1) * s[i] + eff - w->in[i];
            if (total < 0) total = 0;
            int64_t small = total / 2, big = total - small;
            w->pb[i] = !strcmp(ap, "SAME_UPPER") ? small : big;
            w->pe[i] = total - w->pb[i];
        } else {
            return unsupported(L, "auto_pad '%s'", ap);
        }
        /* ceil_mode: the end padding that makes a floor window count give
         * the ceil size (the extra window starts inside input + begin pad) */
        int64_t span = (w->out[i] - 1) * s[i] + eff;
        int64_t have = w->in[i] + w->pb[i] + w->pe[i];
        if (span > have) {
            if (!ceil_mode) return unsupported(L, "output size does not match the window");
            w->pe[i] += span - have;
        }
    }
    if (sp == 1) {
        w->in[1] = w->in[0], w->k[1] = w->k[0], w->s[1] = w->s[0], w->d[1] = w->d[0];
        w->pb[1] = w->pb[0], w->pe[1] = w->pe[0], w->out[1] = w->out[0];
        w->in[0] = 1, w->k[0] = 1, w->s[0] = 1, w->d[0] = 1, w->pb[0] = w->pe[0] = 0, w->out[0] = 1;
    }
    return FY_OK;
}

/* TFLite padding for the window: SAME, VALID, or neither (explicit PAD). */
enum tpad { TP_SAME, TP_VALID, TP_EXPLICIT };

static enum tpad tfl_padding(const struct win *w)
{
    bool zero = true, same = true;
    for (int i = 0; i < 2; i++) {
        int64_t eff = w->d[i] * (w->k[i] - 1) + 1;
        if (w->pb[i] || w->pe[i]) zero = false;
        int64_t o = (w->in[i] + w->s[i] - 1) / w->s[i];
        int64_t total = (o - 1) * w->s[i] + eff - w->in[i];
        if (total < 0) total = 0;
        if (o != w->out[i] || w->pb[i] != total / 2 || w->pe[i] != total - total / 2) same = false;
    }
    if (zero) {
        for (int i = 0; i < 2; i++) {
            int64_t eff = w->d[i] * (w->k[i] - 1) + 1;
            if ((w->in[i] - eff) / w->s[i] + 1 != w->out[i]) zero = false;
        }
        if (zero) return TP_VALID;
    }
    return same ? TP_SAME : TP_EXPLICIT;
}

/* x_nhwc padded explicitly (PAD, or PADV2 with value). */
static struct ir_tensor *pad_nhwc(struct lw *L, struct ir_tensor *x, const struct win *w,
                                  bool use_value, float value)
{
    int64_t pads[8] = {0, 0, w->pb[0], w->pe[0], w->pb[1], w->pe[1], 0, 0};
    int64_t d[4] = {x->dims[0].value, x->dims[1].value + w->pb[0] + w->pe[0],
                    x->dims[2].value + w->pb[1] + w->pe[1], x->dims[3].value};
    int32_t p32[8];
    for (int i = 0; i < 8; i++) p32[i] = (int32_t)pads[i];
    int64_t pd[2] = {4, 2};
    struct ir_tensor *pt = pu_const(L->g, "paddings", IR_I32, 2, pd, p32, L->err);
    struct ir_tensor *out = tmp(L, "padded", x->dtype, 4, d);
    if (!pt || !out) return NULL;
    if (use_value) {
        struct ir_tensor *v = cf32_scalar(L, "pad_value", value);
        if (!v || !emit(L, IR_OP_TFL_PADV2, "pad", out, 3, x, pt, v, NULL)) return NULL;
    } else if (!emit(L, IR_OP_TFL_PAD, "pad", out, 2, x, pt, NULL, NULL)) {
        return NULL;
    }
    return out;
}

static fy_status set_window_attrs(struct lw *L, struct ir_node *k, const struct win *w,
                                  enum tpad tp, bool pool)
{
    fy_status st = pu_set_str(k, "padding", tp == TP_SAME ? "SAME" : "VALID", L->err);
    if (!st) st = pu_set_int(k, "stride_w", w->s[1], L->err);
    if (!st) st = pu_set_int(k, "stride_h", w->s[0], L->err);
    if (pool) {
        if (!st) st = pu_set_int(k, "filter_width", w->k[1], L->err);
        if (!st) st = pu_set_int(k, "filter_height", w->k[0], L->err);
    } else {
        if (!st) st = pu_set_int(k, "dilation_w_factor", w->d[1], L->err);
        if (!st) st = pu_set_int(k, "dilation_h_factor", w->d[0], L->err);
    }
    return st;
}

static fy_status lower_conv(struct lw *L)
{
    struct ir_node *n = L->n;
    fy_status st = need_static(L);
    if (st) return st;
    struct ir_tensor *x = n->inputs[0], *wt = n->n_inputs > 1 ? n->inputs[1] : NULL;
    struct ir_tensor *b = n->n_inputs > 2 ? n->inputs[2] : NULL, *y = n->outputs[0];
    if (x->rank != 4 && x->rank != 3)
        return unsupported(L, "input has rank %d; TFLite convolves 1-D and 2-D (rank 3, 4) here",
                           x->rank);
    if ((st = need_float(L, x))) return st;
    if (!pu_is_const(wt) || wt->dtype != IR_F32)
        return unsupported(L, "weights are not a float32 constant (TFLite's CONV_2D needs "
                              "constant filters here)");
    if (b && (!pu_is_const(b) || b->dtype != IR_F32))
        return unsupported(L, "bias is not a float32 constant");
    int64_t group = pu_attr_int(n, "group", 1);
    int64_t C = x->dims[1].value, M = wt->dims[0].value;
    int64_t kernel[2] = {wt->dims[2].value, wt->rank > 3 ? wt->dims[3].value : 0};
    if (group < 1 || C % group || M % group || wt->dims[1].value * group != C)
        return unsupported(L, "group %lld does not fit %lld input channels", (long long)group,
                           (long long)C);
    struct win w;
    int64_t oh = y->dims[2].value, ow = y->rank == 4 ? y->dims[3].value : 0;
    if ((st = window(L, x, kernel, oh, ow, &w, false))) return st;
    bool depthwise = group == C && group > 1 && wt->dims[1].value == 1;
    if (L->dry) return FY_OK;

    enum tpad tp = tfl_padding(&w);
    struct ir_tensor *xin = to_nhwc(L, x, depthwise ? "DEPTHWISE_CONV_2D" : "CONV_2D");
    if (!xin) return st_of(L);
    if (tp == TP_EXPLICIT && !(xin = pad_nhwc(L, xin, &w, false, 0))) return st_of(L);
    int64_t KH = w.k[0], KW = w.k[1], Cg = C / group, Mg = M / group;
    float *bd = b ? pu_const_f32(b) : calloc((size_t)M, sizeof(float));
    if (!bd) return nomem(L->err);
    /* weights [M, Cg, KH, KW] (1-D: KH = 1), transposed straight from the
     * source's bytes into the new constant */
    const uint8_t *wsrc = wt->data;
    struct ir_tensor *yn = nhwc_result(L, y);
    if (!yn) {
        free(bd);
        return st_of(L);
    }
    if (depthwise) {
        /* 1HWO: [1, KH, KW, M] */
        float *o = arena_alloc(&L->m->arena, sizeof(float) * (size_t)(M * KH * KW), 64);
        int64_t sd[4] = {M, 1, KH, KW};
        static const int dperm[4] = {1, 2, 3, 0};
        if (o) pu_transpose_data(wsrc, o, 4, 4, sd, dperm);
        int64_t wd4[4] = {1, KH, KW, M};
        char nm[600];
        snprintf(nm, sizeof nm, "%s/filter", L->label);
        struct ir_tensor *fw = o ? pu_const_owned(L->g, nm, IR_F32, 4, wd4, o, L->err) : NULL;
        struct ir_tensor *fb = fw ? cf32(L, "bias", 1, &M, bd) : NULL;
        if (!o) st = nomem(L->err);
        struct ir_node *k = fb ? emit(L, IR_OP_TFL_DEPTHWISE_CONV_2D, "", yn, 3, xin, fw, fb, NULL)
                               : NULL;
        if (!k || set_window_attrs(L, k, &w, tp, false) ||
            pu_set_int(k, "depth_multiplier", M / C, L->err))
            st = st_of(L);
        else
            k->activation = n->activation, L->act_done = true;
    } else {
        /* OHWI per group */
        struct ir_tensor *parts[64];
        int G = (int)group;
        if (G > 64) {
            st = unsupported(L, "more than 64 groups");
            goto conv_done;
        }
        struct ir_tensor *xs[64];
        if (G > 1) {
            struct ir_node *sp = node(L, IR_OP_TFL_SPLIT, "split", 2, G);
            struct ir_tensor *ax = ci32(L, (int64_t[]){3}, 1);
            if (!sp || !ax) {
                st = st_of(L);
                goto conv_done;
            }
            /* SPLIT's axis is a scalar in TFLite; a 1-element vector is accepted too */
            sp->inputs[0] = ax;
            sp->inputs[1] = xin;
            if (pu_set_int(sp, "num_splits", G, L->err)) {
                st = st_of(L);
                goto conv_done;
            }
            for (int gi = 0; gi < G; gi++) {
                int64_t d[4] = {xin->dims[0].value, xin->dims[1].value, xin->dims[2].value, Cg};
                xs[gi] = tmp(L, "group_in", IR_F32, 4, d);
                if (!xs[gi] || pu_out(sp, gi, xs[gi], L->err)) {
                    st = st_of(L);
                    goto conv_done;
                }
            }
        } else {
            xs[0] = xin;
        }
        for (int gi = 0; gi < G; gi++) {
            float *o = arena_alloc(&L->m->arena, sizeof(float) * (size_t)(Mg * KH * KW * Cg), 64);
            if (!o) {
                st = nomem(L->err);
                goto conv_done;
            }
            int64_t sd[4] = {Mg, Cg, KH, KW};
            static const int operm[4] = {0, 2, 3, 1};
            pu_transpose_data(wsrc + (size_t)(gi * Mg * Cg * KH * KW) * 4, o, 4, 4, sd, operm);
            int64_t wd4[4] = {Mg, KH, KW, Cg};
            char nm[600];
            snprintf(nm, sizeof nm, "%s/filter", L->label);
            struct ir_tensor *fw = pu_const_owned(L->g, nm, IR_F32, 4, wd4, o, L->err);
            struct ir_tensor *fb = fw ? cf32(L, "bias", 1, &Mg, bd + gi * Mg) : NULL;
            int64_t od[4] = {yn->dims[0].value, yn->dims[1].value, yn->dims[2].value, Mg};
            struct ir_tensor *out = G == 1 ? yn : tmp(L, "group_out", IR_F32, 4, od);
            struct ir_node *k = fb && out ? emit(L, IR_OP_TFL_CONV_2D, G == 1 ? "" : "group", out,
                                                 3, xs[gi], fw, fb, NULL)
                                          : NULL;
            if (!k || set_window_attrs(L, k, &w, tp, false)) {
                st = st_of(L);
                goto conv_done;
            }
            k->activation = n->activation;
            L->act_done = true;
            parts[gi] = out;
        }
        if (G > 1) {
            struct ir_node *cc = node(L, IR_OP_TFL_CONCATENATION, "concat", G, 1);
            if (!cc || pu_out(cc, 0, yn, L->err) || pu_set_int(cc, "axis", 3, L->err)) {
                st = st_of(L);
                goto conv_done;
            }
            for (int gi = 0; gi < G; gi++) cc->inputs[gi] = parts[gi];
            char into[64];
            snprintf(into, sizeof into, "SPLIT, %d CONV_2D, CONCATENATION", G);
            st = note_decomp(L, into);
        }
    }
conv_done:
    free(bd);
    if (st) return st;
    pu_release_source(L->m, wt->data, wt->nbytes);
    return from_nhwc(L, yn, y, depthwise ? "DEPTHWISE_CONV_2D" : "CONV_2D");
}

/* ConvTranspose → TRANSPOSE_CONV (inputs: output_shape int32 [4] NHWC,
 * filter [M, KH, KW, C] (OHWI), input NHWC, bias [M]).
 *
 * Along each spatial axis ONNX computes y[o] = full[o + pb] + b, o < OUT,
 * where full is the unpadded transposed convolution (length F0 = s*(in-1) +
 * k, zero past it: output_padding and an output_shape beyond F0 add
 * positions that hold the bias only) and pb the begin padding (pads, or
 * split from output_shape / SAME_* as ONNX-11 says, which is what ONNX
 * Runtime does at every opset). TFLite's kernel computes out[o] = full[o +
 * ph] + b, o < output_shape, with ph the before-padding a forward conv from
 * output_shape back to the input would have (padding.h, dilation 1): SAME:
 * total = (ceil(OUT/s) - 1)*s + k - OUT clamped at 0, ph = total/2; VALID:
 * 0. So one TRANSPOSE_CONV is exact when its ph equals pb, and otherwise
 * VALID up to max(F0, pb + OUT) followed by a SLICE from pb is. Each form
 * also meets the XNNPACK delegate's own conditions (SAME: ceil(OUT/s) == in;
 * VALID: F0 <= output_shape < F0 + s, the rest its "adjustment"), so where
 * the delegate takes the op it computes what the builtin kernel does.
 * TRANSPOSE_CONV has no groups and no dilation: group and dilations other
 * than 1 are refused.
 *
 * No activation is fused into it: TransposeConvOptions'
 * fused_activation_function is newer than the rest of the op (TFLite 2.13's
 * TRANSPOSE_CONV version 4), and an older runtime reads the options without
 * it and silently skips the activation (the TFLite peer of the tests does:
 * a fused RELU left every negative value in place). A node's activation, as
 * any lowering leaves it, becomes an op of its own after the result. */
struct tconv_geom {
    int64_t in[2], k[2], s[2], pb[2], out[2], f0[2], oh[2]; /* oh: TRANSPOSE_CONV's output */
    enum tpad tp;
    bool slice;
};

static fy_status tconv_geometry(struct lw *L, const struct ir_tensor *x, const struct ir_tensor *wt,
                                const struct ir_tensor *y, struct tconv_geom *t)
{
    struct ir_node *n = L->n;
    int sp = x->rank - 2;
    int64_t s[2] = {1, 1}, d[2] = {1, 1}, pads[4] = {0, 0, 0, 0}, opad[2] = {0, 0}, ks[2];
    int64_t oshape[R + 2];
    int c = pu_attr_ints(n, "strides", s, 2);
    if (c >= 0 && c != sp) return unsupported(L, "strides has %d values", c);
    c = pu_attr_ints(n, "dilations", d, 2);
    if (c >= 0 && c != sp) return unsupported(L, "dilations has %d values", c);
    for (int i = 0; i < sp; i++)
        if (d[i] != 1)
            return unsupported(L, "dilations %lld: TFLite's TRANSPOSE_CONV has no dilation (it "
                                  "must be 1)",
                               (long long)d[i]);
    c = pu_attr_ints(n, "pads", pads, 4);
    if (c >= 0 && c != 2 * sp) return unsupported(L, "pads has %d values", c);
    c = pu_attr_ints(n, "output_padding", opad, 2);
    if (c >= 0 && c != sp) return unsupported(L, "output_padding has %d values", c);
    c = pu_attr_ints(n, "kernel_shape", ks, 2);
    if (c >= 0 && c != sp) return unsupported(L, "kernel_shape has %d values", c);
    for (int i = 0; c >= 0 && i < sp; i++)
        if (ks[i] != wt->dims[2 + i].value)
            return unsupported(L, "kernel_shape %lld differs from the weights' %lld",
                               (long long)ks[i], (long long)wt->dims[2 + i].value);
    int n_os = pu_attr_ints(n, "output_shape", oshape, R + 2);
    if (n_os >= 0 && n_os != sp && n_os != sp + 2)
        return unsupported(L, "output_shape has %d values", n_os);
    char buf[32];
    const char *ap = pu_attr_str(n, "auto_pad", "NOTSET", buf, sizeof buf);
    bool same_ap = !strcmp(ap, "SAME_UPPER") || !strcmp(ap, "SAME_LOWER");
    if (!same_ap && strcmp(ap, "NOTSET") && strcmp(ap, "VALID"))
        return unsupported(L, "auto_pad '%s'", ap);
    /* 1-D: H is a unit axis */
    int off = 2 - sp;
    for (int i = 0; i < off; i++) {
        t->in[i] = t->k[i] = t->s[i] = t->out[i] = t->f0[i] = t->oh[i] = 1;
        t->pb[i] = 0;
    }
    for (int i = 0; i < sp; i++) {
        int a = off + i;
        int64_t in = x->dims[2 + i].value, k = wt->dims[2 + i].value, st = s[i];
        if (st < 1) return unsupported(L, "stride %lld", (long long)st);
        if (opad[i] < 0) return unsupported(L, "output_padding %lld", (long long)opad[i]);
        if (in < 1 || k < 1) return unsupported(L, "an empty input or kernel");
        int64_t full = st * (in - 1) + opad[i] + k, pb, out;
        if (n_os > 0 || same_ap) {
            out = n_os > 0 ? oshape[n_os - sp + i] : in * st;
            int64_t total = full - out;
            int64_t half = total >= 0 ? total / 2 : -((-total + 1) / 2);
            pb = !strcmp(ap, "SAME_UPPER") ? half : total - half;
        } else {
            pb = !strcmp(ap, "NOTSET") ? pads[i] : 0;
            int64_t pe = !strcmp(ap, "NOTSET") ? pads[i + sp] : 0;
            out = full - pb - pe;
        }
        if (out != y->dims[2 + i].value)
            return unsupported(L, "output size %lld along axis %d differs from the output's %lld",
                               (long long)out, 2 + i, (long long)y->dims[2 + i].value);
        if (pb < 0)
            return unsupported(L, "the output starts %lld positions before the transposed "
                                  "convolution (negative begin padding); TRANSPOSE_CONV's "
                                  "output cannot start there",
                               (long long)-pb);
        t->in[a] = in, t->k[a] = k, t->s[a] = st, t->pb[a] = pb, t->out[a] = out;
        t->f0[a] = st * (in - 1) + k;
        if (t->f0[a] > INT32_MAX || out > INT32_MAX || pb > INT32_MAX - out)
            return unsupported(L, "sizes beyond int32");
    }
    bool same = true, valid = true;
    for (int a = 0; a < 2; a++) {
        int64_t o = t->out[a], st = t->s[a];
        int64_t total = (t->in[a] - 1) * st + t->k[a] - o;
        if (total < 0) total = 0;
        if ((o + st - 1) / st != t->in[a] || total / 2 != t->pb[a]) same = false;
        if (t->pb[a] != 0 || o < t->f0[a] || o - t->f0[a] >= st) valid = false;
    }
    t->tp = same ? TP_SAME : TP_VALID;
    t->slice = !same && !valid;
    for (int a = 0; a < 2; a++) {
        t->oh[a] = t->out[a];
        if (!t->slice) continue;
        int64_t want = t->pb[a] + t->out[a];
        t->oh[a] = want > t->f0[a] ? want : t->f0[a];
        if (t->oh[a] - t->f0[a] >= t->s[a])
            return unsupported(L, "the output reaches %lld positions past the transposed "
                                  "convolution's %lld along axis %d; TRANSPOSE_CONV adds at most "
                                  "stride - 1 = %lld",
                               (long long)(want - t->f0[a]), (long long)t->f0[a], 2 + a - off,
                               (long long)(t->s[a] - 1));
    }
    return FY_OK;
}

static fy_status lower_conv_transpose(struct lw *L)
{
    struct ir_node *n = L->n;
    fy_status st = need_static(L);
    if (st) return st;
    struct ir_tensor *x = n->inputs[0], *wt = n->n_inputs > 1 ? n->inputs[1] : NULL;
    struct ir_tensor *b = n->n_inputs > 2 ? n->inputs[2] : NULL, *y = n->outputs[0];
    if (x->rank != 4 && x->rank != 3)
        return unsupported(L, "input has rank %d; TFLite's TRANSPOSE_CONV is 2-D (1-D and 2-D "
                              "lowered here, rank 3 and 4)",
                           x->rank);
    if ((st = need_float(L, x))) return st;
    if (!wt || !pu_is_const(wt) || wt->dtype != IR_F32 || wt->rank != x->rank)
        return unsupported(L, "weights are not a float32 constant of the input's rank "
                              "(TRANSPOSE_CONV needs constant filters here)");
    if (b && (!pu_is_const(b) || b->dtype != IR_F32 || pu_numel(b) != (uint64_t)y->dims[1].value))
        return unsupported(L, "bias is not a float32 constant with one value per output channel");
    int64_t group = pu_attr_int(n, "group", 1);
    if (group != 1)
        return unsupported(L, "group %lld: TFLite's TRANSPOSE_CONV has no groups (it must be 1)",
                           (long long)group);
    int64_t C = x->dims[1].value, M = wt->dims[1].value;
    if (wt->dims[0].value != C || y->dims[1].value != M)
        return unsupported(L, "weights [%lld, %lld, ...] do not fit %lld input channels",
                           (long long)wt->dims[0].value, (long long)M, (long long)C);
    struct tconv_geom t = {0};
    if ((st = tconv_geometry(L, x, wt, y, &t))) return st;
    if (L->dry) return FY_OK;

    struct ir_tensor *xin = to_nhwc(L, x, "TRANSPOSE_CONV");
    struct ir_tensor *yn = xin ? nhwc_result(L, y) : NULL;
    if (!yn) return st_of(L);
    int64_t N = x->dims[0].value, KH = t.k[0], KW = t.k[1];
    /* weights [C, M, KH, KW] (1-D: KH = 1) → OHWI [M, KH, KW, C] */
    float *o = arena_alloc(&L->m->arena, sizeof(float) * (size_t)(M * KH * KW * C), 64);
    if (!o) return nomem(L->err);
    int64_t sd[4] = {C, M, KH, KW};
    static const int tperm[4] = {1, 2, 3, 0};
    pu_transpose_data(wt->data, o, 4, 4, sd, tperm);
    int64_t wd4[4] = {M, KH, KW, C};
    char nm[600];
    snprintf(nm, sizeof nm, "%s/filter", L->label);
    struct ir_tensor *fw = pu_const_owned(L->g, nm, IR_F32, 4, wd4, o, L->err);
    int64_t od[4] = {N, t.oh[0], t.oh[1], M};
    struct ir_tensor *shape = fw ? ci32(L, od, 4) : NULL;
    struct ir_tensor *full = !shape ? NULL : t.slice ? tmp(L, "full", IR_F32, 4, od) : yn;
    if (!full) return st_of(L);
    struct ir_node *k = emit(L, IR_OP_TFL_TRANSPOSE_CONV, t.slice ? "transpose_conv" : "", full,
                             b ? 4 : 3, shape, fw, xin, b);
    if (!k || pu_set_str(k, "padding", t.tp == TP_SAME ? "SAME" : "VALID", L->err) ||
        pu_set_int(k, "stride_w", t.s[1], L->err) || pu_set_int(k, "stride_h", t.s[0], L->err))
        return st_of(L);
    if (t.slice) {
        int64_t begin[4] = {0, t.pb[0], t.pb[1], 0}, size[4] = {N, t.out[0], t.out[1], M};
        struct ir_tensor *tb = ci32(L, begin, 4), *ts = tb ? ci32(L, size, 4) : NULL;
        if (!ts || !emit(L, IR_OP_TFL_SLICE, "crop", yn, 3, full, tb, ts, NULL)) return st_of(L);
        if ((st = note_decomp(L, "TRANSPOSE_CONV (VALID), SLICE"))) return st;
    }
    pu_release_source(L->m, wt->data, wt->nbytes);
    return from_nhwc(L, yn, y, "TRANSPOSE_CONV");
}

static fy_status lower_pool(struct lw *L)
{
    struct ir_node *n = L->n;
    fy_status st = need_static(L);
    if (st) return st;
    struct ir_tensor *x = n->inputs[0], *y = n->outputs[0];
    if (x->rank != 4) return unsupported(L, "input has rank %d; TFLite pools 2-D (rank 4)", x->rank);
    if ((st = need_float(L, x))) return st;
    if (n->n_outputs > 1 && used(L, n->outputs[1]))
        return unsupported(L, "the Indices output has no TFLite counterpart");
    int64_t kernel[2];
    if (pu_attr_ints(n, "kernel_shape", kernel, 2) != 2) return unsupported(L, "kernel_shape");
    bool maxp = n->op == IR_OP_MAX_POOL;
    struct win w;
    int64_t dl[2] = {1, 1};
    if (pu_attr_ints(n, "dilations", dl, 2) >= 0 && (dl[0] != 1 || dl[1] != 1))
        return unsupported(L, "dilated pooling has no TFLite builtin");
    bool ceil_mode = pu_attr_int(n, "ceil_mode", 0) != 0;
    if ((st = window(L, x, kernel, y->dims[2].value, y->dims[3].value, &w, ceil_mode))) return st;
    enum tpad tp = tfl_padding(&w);
    bool include_pad = pu_attr_int(n, "count_include_pad", 0) != 0;
    if (!maxp && tp == TP_SAME && include_pad) {
        bool any = w.pb[0] || w.pe[0] || w.pb[1] || w.pe[1];
        if (any) tp = TP_EXPLICIT; /* zeros counted: pad explicitly */
    }
    /* padding excluded from the count, where TFLite's SAME does not say the
     * same: zeros padded, AVERAGE_POOL_2D VALID (sum / k·k), then MUL by a
     * constant map k·k / (window cells inside the input) */
    bool correct = !maxp && tp == TP_EXPLICIT && !include_pad;
    if (L->dry) return FY_OK;
    const char *what = maxp ? "MAX_POOL_2D" : "AVERAGE_POOL_2D";
    struct ir_tensor *xin = to_nhwc(L, x, what);
    if (!xin) return st_of(L);
    if (tp == TP_EXPLICIT && !(xin = pad_nhwc(L, xin, &w, maxp, -FLT_MAX))) return st_of(L);
    struct ir_tensor *yn = nhwc_result(L, y);
    struct ir_tensor *po = correct && yn ? like(L, "window_mean", yn) : yn;
    struct ir_node *k = po ? unary(L, maxp ? IR_OP_TFL_MAX_POOL_2D : IR_OP_TFL_AVERAGE_POOL_2D,
                                   correct ? "pool" : "", xin, po)
                           : NULL;
    if (!k || set_window_attrs(L, k, &w, tp, true)) return st_of(L);
    if (correct) {
        int64_t OH = w.out[0], OW = w.out[1];
        float *f = malloc(sizeof(float) * (size_t)(OH * OW));
        if (!f) return nomem(L->err);
        for (int64_t oh = 0; oh < OH; oh++)
            for (int64_t ow = 0; ow < OW; ow++) {
                int64_t h0 = oh * w.s[0] - w.pb[0], w0 = ow * w.s[1] - w.pb[1];
                int64_t h1 = h0 + w.k[0], w1 = w0 + w.k[1];
                if (h0 < 0) h0 = 0;
                if (w0 < 0) w0 = 0;
                if (h1 > w.in[0]) h1 = w.in[0];
                if (w1 > w.in[1]) w1 = w.in[1];
                int64_t cells = (h1 - h0) * (w1 - w0);
                f[oh * OW + ow] = cells > 0 ? (float)(w.k[0] * w.k[1]) / (float)cells : 0.0f;
            }
        int64_t fd[4] = {1, OH, OW, 1};
        struct ir_tensor *fc = cf32(L, "count_correction", 4, fd, f);
        free(f);
        struct ir_node *mul = fc ? binary(L, IR_OP_TFL_MUL, "", po, fc, yn) : NULL;
        if (!mul) return st_of(L);
        mul->activation = n->activation;
        if (note_decomp(L, "PAD, AVERAGE_POOL_2D, MUL (padding left out of the count)"))
            return st_of(L);
    } else {
        k->activation = n->activation;
    }
    L->act_done = true;
    return from_nhwc(L, yn, y, what);
}

static fy_status lower_global_pool(struct lw *L)
{
    struct ir_node *n = L->n;
    fy_status st = need_static(L);
    if (st) return st;
    struct ir_tensor *x = n->inputs[0], *y = n->outputs[0];
    if (x->rank < 3) return unsupported(L, "input has rank %d", x->rank);
    if ((st = need_float(L, x))) return st;
    if (L->dry) return FY_OK;
    int64_t axes[R];
    for (int i = 2; i < x->rank; i++) axes[i - 2] = i;
    struct ir_tensor *a = ci32(L, axes, x->rank - 2);
    struct ir_node *k = a ? emit(L, n->op == IR_OP_GLOBAL_MAX_POOL ? IR_OP_TFL_REDUCE_MAX
                                                                   : IR_OP_TFL_MEAN,
                                 "", y, 2, x, a, NULL, NULL)
                          : NULL;
    if (!k || pu_set_int(k, "keep_dims", 1, L->err)) return st_of(L);
    return FY_OK;
}

/* ---- matrix products ---- */

/* FULLY_CONNECTED(x [.., K], W [N, K], bias [N]) → y; the weights are
 * either arena memory wNK (taken over) or the constant wt. */
static fy_status emit_fc(struct lw *L, struct ir_tensor *x, float *wNK, struct ir_tensor *wt,
                         int64_t N, int64_t K, const float *bias, struct ir_tensor *y, bool keep)
{
    int64_t wd[2] = {N, K};
    char nm[600];
    snprintf(nm, sizeof nm, "%s/weights", L->label);
    struct ir_tensor *w = wt ? wt : pu_const_owned(L->g, nm, IR_F32, 2, wd, wNK, L->err);
    struct ir_tensor *b = NULL;
    if (w && bias) b = cf32(L, "bias", 1, &N, bias);
    if (!w || (bias && !b)) return st_of(L);
    struct ir_node *k = emit(L, IR_OP_TFL_FULLY_CONNECTED, "", y, 3, x, w, b, NULL);
    if (!k || pu_set_int(k, "keep_num_dims", keep, L->err)) return st_of(L);
    k->activation = L->n->activation;
    L->act_done = true;
    return FY_OK;
}

/* The bias of MatMul+Add: the Add's constant operand, N values. */
static const struct ir_tensor *absorbed_bias(struct lw *L, const struct ir_node *mm)
{
    struct ir_node *add = L->bias_add[mm->id];
    if (!add) return NULL;
    return add->inputs[0] == mm->outputs[0] ? add->inputs[1] : add->inputs[0];
}

static fy_status lower_gemm(struct lw *L)
{
    struct ir_node *n = L->n;
    fy_status st = need_static(L);
    if (st) return st;
    struct ir_tensor *A = n->inputs[0], *B = n->inputs[1], *C = n->n_inputs > 2 ? n->inputs[2] : NULL;
    struct ir_tensor *y = n->outputs[0];
    if ((st = need_float(L, A))) return st;
    bool tA = pu_attr_int(n, "transA", 0) != 0, tB = pu_attr_int(n, "transB", 0) != 0;
    float alpha = pu_attr_float(n, "alpha", 1.0f), beta = pu_attr_float(n, "beta", 1.0f);
    if (A->rank != 2 || B->rank != 2) return unsupported(L, "inputs are not matrices");
    int64_t K = tA ? A->dims[0].value : A->dims[1].value;
    int64_t N = y->dims[1].value;
    uint64_t cn = C ? pu_numel(C) : 0;
    bool c_bias = C && pu_is_const(C) && (cn == 1 || (cn == (uint64_t)N && (C->rank == 1 ||
                                                                            C->dims[0].value == 1)));
    if (!pu_is_const(B)) {
        if (L->dry) return FY_OK;
        /* BATCH_MATMUL, then alpha and beta·C as MUL/ADD */
        struct ir_tensor *mm = (alpha == 1 && !C) ? y : like(L, "matmul", y);
        struct ir_node *k = mm ? binary(L, IR_OP_TFL_BATCH_MATMUL, "matmul", A, B, mm) : NULL;
        if (!k || pu_set_int(k, "adj_x", tA, L->err) || pu_set_int(k, "adj_y", tB, L->err))
            return st_of(L);
        struct ir_tensor *cur = mm;
        if (alpha != 1) {
            struct ir_tensor *a = cf32_scalar(L, "alpha", alpha);
            struct ir_tensor *ae = a ? expand_rank(L, a, 2) : NULL;
            struct ir_tensor *o = C ? like(L, "scaled", y) : y;
            if (!ae || !o || !binary(L, IR_OP_TFL_MUL, "alpha", cur, ae, o)) return st_of(L);
            cur = o;
        }
        if (C) {
            struct ir_tensor *cc = C;
            if (beta != 1) {
                struct ir_tensor *bc = cf32_scalar(L, "beta", beta);
                struct ir_tensor *be = bc ? expand_rank(L, bc, C->rank) : NULL;
                cc = like(L, "betaC", C);
                if (!be || !cc || !binary(L, IR_OP_TFL_MUL, "beta", C, be, cc)) return st_of(L);
            }
            struct ir_tensor *ce = expand_rank(L, cc, 2);
            struct ir_node *ad = ce ? binary(L, IR_OP_TFL_ADD, "", cur, ce, y) : NULL;
            if (!ad) return st_of(L);
        }
        return note_decomp(L, "BATCH_MATMUL, MUL, ADD");
    }
    if (L->dry) return FY_OK;
    /* weights [N, K]: B itself (transB, alpha 1: no copy), else transposed
     * or scaled into a new constant */
    float *w = NULL;
    struct ir_tensor *wt = NULL;
    if (tB && alpha == 1.0f && B->dtype == IR_F32) {
        int64_t wdims[2] = {N, K};
        char nm[600];
        snprintf(nm, sizeof nm, "%s/weights", L->label);
        wt = pu_const_borrow(L->g, nm, B, 2, wdims, L->err);
        if (!wt) return st_of(L);
    } else {
        w = arena_alloc(&L->m->arena, sizeof(float) * (size_t)(N * K), 64);
        if (!w) return nomem(L->err);
        if (tB) {
            for (uint64_t i = 0; i < (uint64_t)(N * K); i++) w[i] = alpha * (float)pu_get_f64(B, i);
        } else {
            int64_t sd[2] = {K, N};
            static const int p2[2] = {1, 0};
            pu_transpose_data(B->data, w, 4, 2, sd, p2);
            if (alpha != 1.0f)
                for (uint64_t i = 0; i < (uint64_t)(N * K); i++) w[i] *= alpha;
        }
    }
    float *bias = malloc(sizeof(float) * (size_t)N);
    float *cd = c_bias ? pu_const_f32(C) : NULL;
    if (!bias || (c_bias && !cd)) {
        free(bias);
        free(cd);
        return nomem(L->err);
    }
    for (int64_t j = 0; j < N; j++) bias[j] = c_bias ? beta * cd[cn == 1 ? 0 : j] : 0.0f;
    struct ir_tensor *a = A;
    if (tA) {
        static const int p2[2] = {1, 0};
        a = transpose(L, "transA", A, p2, NULL, "Gemm transA");
    }
    struct ir_tensor *fc_out = (C && !c_bias) ? like(L, "fc", y) : y;
    enum ir_activation act = n->activation;
    if (C && !c_bias) n->activation = IR_ACT_NONE;
    st = a && fc_out ? emit_fc(L, a, w, wt, N, K, bias, fc_out, false) : st_of(L);
    n->activation = act;
    free(bias);
    free(cd);
    if (st) return st;
    if (C && !c_bias) {
        struct ir_tensor *cc = C;
        if (beta != 1 && pu_is_const(C) && C->dtype == IR_F32) {
            /* beta·C computed once, here */
            float *cv = pu_const_f32(C);
            int64_t cdm[R];
            pu_dims(C, cdm);
            if (cv)
                for (uint64_t q = 0; q < pu_numel(C); q++) cv[q] *= beta;
            cc = cv ? cf32(L, "betaC", C->rank, cdm, cv) : NULL;
            free(cv);
            if (!cc) return st_of(L);
        } else if (beta != 1) {
            struct ir_tensor *bc = cf32_scalar(L, "beta", beta);
            struct ir_tensor *be = bc ? expand_rank(L, bc, C->rank) : NULL;
            cc = like(L, "betaC", C);
            if (!be || !cc || !binary(L, IR_OP_TFL_MUL, "beta", C, be, cc)) return st_of(L);
        }
        struct ir_tensor *ce = expand_rank(L, cc, 2);
        struct ir_node *ad = ce ? binary(L, IR_OP_TFL_ADD, "", fc_out, ce, y) : NULL;
        if (!ad) return st_of(L);
        ad->activation = act;
        L->act_done = true;
    }
    return FY_OK;
}

static fy_status lower_matmul(struct lw *L)
{
    struct ir_node *n = L->n;
    fy_status st = need_static(L);
    if (st) return st;
    struct ir_tensor *A = n->inputs[0], *B = n->inputs[1], *y = n->outputs[0];
    if (A->dtype != IR_F32 || B->dtype != IR_F32) return unsupported(L, "inputs are not float32");
    if (A->rank < 2 || B->rank < 2)
        return unsupported(L, "1-D operands (rank %d, %d)", A->rank, B->rank);
    if (A->rank > 5 || B->rank > 5) return unsupported(L, "rank above 5");
    struct ir_node *add = L->bias_add[n->id];
    struct ir_tensor *out = add ? add->outputs[0] : y;
    if (pu_is_const(B) && B->rank == 2) {
        if (L->dry) return FY_OK;
        int64_t K = B->dims[0].value, N = B->dims[1].value;
        float *w = arena_alloc(&L->m->arena, sizeof(float) * (size_t)(N * K), 64);
        const struct ir_tensor *bt = absorbed_bias(L, n);
        float *bias = bt ? pu_const_f32(bt) : NULL;
        if (!w || (bt && !bias)) {
            free(bias);
            return nomem(L->err);
        }
        int64_t sd[2] = {K, N};
        static const int p2[2] = {1, 0};
        pu_transpose_data(B->data, w, 4, 2, sd, p2);
        enum ir_activation act = n->activation;
        if (add) {
            n->activation = add->activation;
            pu_detach_output(out);
        }
        st = emit_fc(L, A, w, NULL, N, K, bias, out, A->rank > 2);
        n->activation = act;
        free(bias);
        if (!st && add && !L->dry)
            st = pass_note(L->r, &L->r->decompositions, L->label, "MatMul",
                           "FULLY_CONNECTED with the bias of Add '%s'", pu_node_label(add))
                     ? nomem(L->err)
                     : FY_OK;
        return st;
    }
    if (L->dry) return FY_OK;
    struct ir_tensor *a = A, *b = B;
    return binary(L, IR_OP_TFL_BATCH_MATMUL, "", a, b, y) ? FY_OK : st_of(L);
}

/* ---- shape ops ---- */

static fy_status lower_reshape_like(struct lw *L)
{
    struct ir_node *n = L->n;
    fy_status st = need_static(L);
    if (st) return st;
    struct ir_tensor *x = n->inputs[0], *y = n->outputs[0];
    if (y->rank > R) return unsupported(L, "rank %d", y->rank);
    if (L->dry) return FY_OK;
    int64_t d[R];
    pu_dims(y, d);
    return reshape(L, "", x, y->rank, d, y) ? FY_OK : st_of(L);
}

static fy_status lower_transpose(struct lw *L)
{
    struct ir_node *n = L->n;
    fy_status st = need_static(L);
    if (st) return st;
    struct ir_tensor *x = n->inputs[0], *y = n->outputs[0];
    int64_t p[R];
    int c = pu_attr_ints(n, "perm", p, R);
    int perm[R];
    if (c < 0) {
        c = x->rank;
        for (int i = 0; i < c; i++) p[i] = c - 1 - i;
    }
    if (c != x->rank) return unsupported(L, "perm has %d values for rank %d", c, x->rank);
    if (x->rank > 6) return unsupported(L, "rank %d; TFLite transposes up to rank 6", x->rank);
    if (L->dry) return FY_OK;
    for (int i = 0; i < c; i++) perm[i] = (int)p[i];
    return transpose(L, "", x, perm, y, "the source's own Transpose") ? FY_OK : st_of(L);
}

static int norm_axis(int64_t a, int rank) { return (int)(a < 0 ? a + rank : a); }

static fy_status lower_concat(struct lw *L)
{
    struct ir_node *n = L->n;
    fy_status st = need_static(L);
    if (st) return st;
    struct ir_tensor *y = n->outputs[0];
    int axis = norm_axis(pu_attr_int(n, "axis", 0), y->rank);
    if (axis < 0 || axis >= y->rank) return unsupported(L, "axis out of range");
    int k = 0;
    for (int i = 0; i < n->n_inputs; i++)
        if (n->inputs[i] && pu_numel(n->inputs[i])) k++;
    if (!k) return unsupported(L, "no non-empty input");
    if (L->dry) return FY_OK;
    struct ir_node *c = node(L, IR_OP_TFL_CONCATENATION, "", k, 1);
    if (!c || pu_out(c, 0, y, L->err) || pu_set_int(c, "axis", axis, L->err)) return st_of(L);
    k = 0;
    for (int i = 0; i < n->n_inputs; i++)
        if (n->inputs[i] && pu_numel(n->inputs[i])) c->inputs[k++] = n->inputs[i];
    return FY_OK;
}

static fy_status lower_split(struct lw *L)
{
    struct ir_node *n = L->n;
    fy_status st = need_static(L);
    if (st) return st;
    struct ir_tensor *x = n->inputs[0];
    int axis = norm_axis(pu_attr_int(n, "axis", 0), x->rank);
    int G = n->n_outputs;
    for (int i = 0; i < G; i++)
        if (!n->outputs[i]) return unsupported(L, "output %d is left out", i);
    if (L->dry) return FY_OK;
    int64_t sizes[256];
    bool equal = true;
    if (G > 256) return unsupported(L, "more than 256 outputs");
    for (int i = 0; i < G; i++) {
        sizes[i] = n->outputs[i]->dims[axis].value;
        if (sizes[i] != sizes[0]) equal = false;
    }
    struct ir_node *s;
    struct ir_tensor *ax = ci32(L, (int64_t[]){axis}, 1);
    if (!ax) return st_of(L);
    if (equal && sizes[0] * G == x->dims[axis].value) {
        s = node(L, IR_OP_TFL_SPLIT, "", 2, G);
        if (!s || pu_set_int(s, "num_splits", G, L->err)) return st_of(L);
        s->inputs[0] = ax;
        s->inputs[1] = x;
    } else {
        struct ir_tensor *sz = ci32(L, sizes, G);
        s = sz ? node(L, IR_OP_TFL_SPLIT_V, "", 3, G) : NULL;
        if (!s || pu_set_int(s, "num_splits", G, L->err)) return st_of(L);
        s->inputs[0] = x;
        s->inputs[1] = sz;
        s->inputs[2] = ax;
    }
    for (int i = 0; i < G; i++)
        if (pu_out(s, i, n->outputs[i], L->err)) return st_of(L);
    return FY_OK;
}

static fy_status lower_slice(struct lw *L)
{
    struct ir_node *n = L->n;
    fy_status st = need_static(L);
    if (st) return st;
    struct ir_tensor *x = n->inputs[0], *y = n->outputs[0];
    int r = x->rank;
    int64_t starts[R], ends[R], axes[R], steps[R];
    int cs, ce, ca = -1, cst = -1;
    if (L->opset < 10) {
        cs = pu_attr_ints(n, "starts", starts, R);
        ce = pu_attr_ints(n, "ends", ends, R);
        ca = pu_attr_ints(n, "axes", axes, R);
    } else {
        for (int i = 1; i < n->n_inputs; i++)
            if (n->inputs[i] && !pu_is_const(n->inputs[i]))
                return unsupported(L, "input %d is not a constant", i);
        cs = (int)pu_numel(n->inputs[1]);
        ce = (int)pu_numel(n->inputs[2]);
        if (cs > R || ce > R) return unsupported(L, "too many axes");
        for (int i = 0; i < cs; i++) starts[i] = pu_get_i64(n->inputs[1], (uint64_t)i);
        for (int i = 0; i < ce; i++) ends[i] = pu_get_i64(n->inputs[2], (uint64_t)i);
        if (n->n_inputs > 3 && n->inputs[3]) {
            ca = (int)pu_numel(n->inputs[3]);
            for (int i = 0; i < ca && i < R; i++) axes[i] = pu_get_i64(n->inputs[3], (uint64_t)i);
        }
        if (n->n_inputs > 4 && n->inputs[4]) {
            cst = (int)pu_numel(n->inputs[4]);
            for (int i = 0; i < cst && i < R; i++) steps[i] = pu_get_i64(n->inputs[4], (uint64_t)i);
        }
    }
    if (cs != ce || (ca >= 0 && ca != cs) || (cst >= 0 && cst != cs))
        return unsupported(L, "starts/ends/axes/steps disagree in length");
    int64_t b[R], e[R], s[R];
    int begin_mask = 0, end_mask = 0;
    bool unit = true;
    for (int i = 0; i < r; i++) b[i] = 0, e[i] = x->dims[i].value, s[i] = 1;
    for (int k = 0; k < cs; k++) {
        int a = ca >= 0 ? norm_axis(axes[k], r) : k;
        if (a < 0 || a >= r) return unsupported(L, "axis out of range");
        int64_t dim = x->dims[a].value, st_ = cst >= 0 ? steps[k] : 1;
        if (st_ == 0) return unsupported(L, "step 0");
        int64_t sv = starts[k], ev = ends[k];
        if (sv < 0) sv += dim;
        if (ev < 0) ev += dim;
        if (st_ > 0) {
            sv = sv < 0 ? 0 : (sv > dim ? dim : sv);
            ev = ev < 0 ? 0 : (ev > dim ? dim : ev);
        } else {
            sv = sv < 0 ? -1 : (sv > dim - 1 ? dim - 1 : sv);
            if (ev < -1) ev = -1;
            if (ev > dim - 1) ev = dim - 1;
            if (ev == -1) end_mask |= 1 << a;
            unit = false;
        }
        if (st_ != 1) unit = false;
        b[a] = sv;
        e[a] = ev;
        s[a] = st_;
    }
    if (L->dry) return FY_OK;
    (void)begin_mask;
    if (unit) {
        int64_t size[R];
        for (int i = 0; i < r; i++) size[i] = y->dims[i].value;
        struct ir_tensor *tb = ci32(L, b, r), *ts = tb ? ci32(L, size, r) : NULL;
        return ts && emit(L, IR_OP_TFL_SLICE, "", y, 3, x, tb, ts, NULL) ? FY_OK : st_of(L);
    }
    struct ir_tensor *tb = ci32(L, b, r), *te = tb ? ci32(L, e, r) : NULL,
                     *ts = te ? ci32(L, s, r) : NULL;
    struct ir_node *k = ts ? emit(L, IR_OP_TFL_STRIDED_SLICE, "", y, 4, x, tb, te, ts) : NULL;
    if (!k || pu_set_int(k, "end_mask", end_mask, L->err)) return st_of(L);
    return FY_OK;
}

static fy_status lower_gather(struct lw *L)
{
    struct ir_node *n = L->n;
    fy_status st = need_static(L);
    if (st) return st;
    struct ir_tensor *x = n->inputs[0], *idx = n->inputs[1], *y = n->outputs[0];
    int axis = norm_axis(pu_attr_int(n, "axis", 0), x->rank);
    if (axis < 0 || axis >= x->rank) return unsupported(L, "axis out of range");
    if (idx->dtype != IR_I64 && idx->dtype != IR_I32) return unsupported(L, "indices type");
    if (L->dry) return FY_OK;
    struct ir_tensor *ind = idx;
    if (pu_is_const(idx)) {
        /* negative indices made positive, as int32 */
        uint64_t cnt = pu_numel(idx);
        int32_t *v = malloc(sizeof(int32_t) * (size_t)(cnt ? cnt : 1));
        if (!v) return nomem(L->err);
        for (uint64_t i = 0; i < cnt; i++) {
            int64_t q = pu_get_i64(idx, i);
            if (q < 0) q += x->dims[axis].value;
            v[i] = (int32_t)q;
        }
        int64_t d[R];
        pu_dims(idx, d);
        ind = pu_const(L->g, idx->name, IR_I32, idx->rank, d, v, L->err);
        free(v);
        if (!ind) return st_of(L);
    }
    struct ir_node *k = binary(L, IR_OP_TFL_GATHER, "", x, ind, y);
    if (!k || pu_set_int(k, "axis", axis, L->err)) return st_of(L);
    return FY_OK;
}

static int reduce_axes(struct lw *L, const struct ir_tensor *x, int64_t *axes)
{
    struct ir_node *n = L->n;
    int c = pu_attr_ints(n, "axes", axes, R);
    if (c < 0 && n->n_inputs > 1 && n->inputs[1]) {
        if (!pu_is_const(n->inputs[1])) return -2;
        c = (int)pu_numel(n->inputs[1]);
        if (c > R) return -2;
        for (int i = 0; i < c; i++) axes[i] = pu_get_i64(n->inputs[1], (uint64_t)i);
    }
    if (c <= 0) {
        if (c == 0 && pu_attr_int(n, "noop_with_empty_axes", 0)) return -3;
        c = x->rank;
        for (int i = 0; i < c; i++) axes[i] = i;
    }
    for (int i = 0; i < c; i++) axes[i] = norm_axis(axes[i], x->rank);
    return c;
}

static fy_status lower_reduce(struct lw *L)
{
    struct ir_node *n = L->n;
    fy_status st = need_static(L);
    if (st) return st;
    struct ir_tensor *x = n->inputs[0], *y = n->outputs[0];
    int64_t axes[R];
    int c = reduce_axes(L, x, axes);
    if (c == -2) return unsupported(L, "axes are not constant");
    if (c == -3) return unsupported(L, "noop_with_empty_axes");
    bool keep = pu_attr_int(n, "keepdims", 1) != 0;
    enum ir_op op;
    const char *into = NULL;
    switch (n->op) {
    case IR_OP_REDUCE_MEAN: op = IR_OP_TFL_MEAN; break;
    case IR_OP_REDUCE_SUM: op = IR_OP_TFL_SUM; break;
    case IR_OP_REDUCE_MAX: op = IR_OP_TFL_REDUCE_MAX; break;
    case IR_OP_REDUCE_MIN: op = IR_OP_TFL_REDUCE_MIN; break;
    case IR_OP_REDUCE_PROD: op = IR_OP_TFL_REDUCE_PROD; break;
    case IR_OP_REDUCE_SUM_SQUARE: op = IR_OP_TFL_SUM; into = "MUL, SUM"; break;
    case IR_OP_REDUCE_L2: op = IR_OP_TFL_SUM; into = "MUL, SUM, SQRT"; break;
    default: return unsupported(L, "no TFLite builtin");
    }
    if (x->dtype != IR_F32 && x->dtype != IR_I32 && x->dtype != IR_I64)
        return unsupported(L, "input is %s", ir_dtype_name(x->dtype));
    if (L->dry) return FY_OK;
    struct ir_tensor *in = x;
    if (into) {
        in = like(L, "square", x);
        if (!in || !binary(L, IR_OP_TFL_MUL, "square", x, x, in)) return st_of(L);
    }
    struct ir_tensor *out = y;
    if (n->op == IR_OP_REDUCE_L2) out = like(L, "sum", y);
    struct ir_tensor *a = ci32(L, axes, c);
    struct ir_node *k = a && out ? emit(L, op, "", out, 2, in, a, NULL, NULL) : NULL;
    if (!k || pu_set_int(k, "keep_dims", keep, L->err)) return st_of(L);
    if (n->op == IR_OP_REDUCE_L2 && !unary(L, IR_OP_TFL_SQRT, "sqrt", out, y)) return st_of(L);
    return into ? note_decomp(L, into) : FY_OK;
}

static fy_status lower_argmax(struct lw *L)
{
    struct ir_node *n = L->n;
    fy_status st = need_static(L);
    if (st) return st;
    struct ir_tensor *x = n->inputs[0], *y = n->outputs[0];
    if (pu_attr_int(n, "select_last_index", 0)) return unsupported(L, "select_last_index");
    int axis = norm_axis(pu_attr_int(n, "axis", 0), x->rank);
    bool keep = pu_attr_int(n, "keepdims", 1) != 0;
    if (L->dry) return FY_OK;
    struct ir_tensor *a = ci32(L, (int64_t[]){axis}, 1);
    int64_t d[R];
    int k = 0;
    for (int i = 0; i < x->rank; i++)
        if (i != axis) d[k++] = x->dims[i].value;
    struct ir_tensor *out = keep ? tmp(L, "argmax", y->dtype, k, d) : y;
    struct ir_node *m = a && out ? emit(L, n->op == IR_OP_ARG_MAX ? IR_OP_TFL_ARG_MAX
                                                                  : IR_OP_TFL_ARG_MIN,
                                        "", out, 2, x, a, NULL, NULL)
                                 : NULL;
    if (!m || pu_set_str(m, "output_type", y->dtype == IR_I32 ? "INT32" : "INT64", L->err))
        return st_of(L);
    if (keep) {
        int64_t yd[R];
        pu_dims(y, yd);
        if (!reshape(L, "keepdims", out, y->rank, yd, y)) return st_of(L);
    }
    return FY_OK;
}

static fy_status lower_softmax(struct lw *L)
{
    struct ir_node *n = L->n;
    fy_status st = need_static(L);
    if (st) return st;
    struct ir_tensor *x = n->inputs[0], *y = n->outputs[0];
    if ((st = need_float(L, x))) return st;
    int r = x->rank;
    bool log = n->op == IR_OP_LOG_SOFTMAX;
    enum ir_op op = log ? IR_OP_TFL_LOG_SOFTMAX : IR_OP_TFL_SOFTMAX;
    int axis = norm_axis(pu_attr_int(n, "axis", L->opset < 13 ? 1 : -1), r);
    if (axis < 0 || axis >= r) return unsupported(L, "axis out of range");
    if (L->dry) return FY_OK;
    struct ir_node *k;
    if (axis == r - 1) {
        k = unary(L, op, "", x, y);
        if (!k || (!log && pu_set_float(k, "beta", 1.0f, L->err))) return st_of(L);
        return FY_OK;
    }
    if (L->opset < 13) {
        /* the input coerced to 2-D [prod(dims[:axis]), prod(dims[axis:])] */
        int64_t a = 1, b = 1, d2[2];
        for (int i = 0; i < r; i++) *(i < axis ? &a : &b) *= x->dims[i].value;
        d2[0] = a;
        d2[1] = b;
        struct ir_tensor *x2 = reshape(L, "flat", x, 2, d2, NULL);
        struct ir_tensor *y2 = tmp(L, "softmax", x->dtype, 2, d2);
        k = x2 && y2 ? unary(L, op, "", x2, y2) : NULL;
        if (!k || (!log && pu_set_float(k, "beta", 1.0f, L->err))) return st_of(L);
        int64_t yd[R];
        pu_dims(y, yd);
        return reshape(L, "unflat", y2, r, yd, y) ? FY_OK : st_of(L);
    }
    /* axis moved last and back */
    int perm[R];
    for (int i = 0; i < r; i++) perm[i] = i;
    perm[axis] = r - 1;
    perm[r - 1] = axis;
    struct ir_tensor *xt = transpose(L, "axis_last", x, perm, NULL,
                                     "softmax axis moved last (TFLite's SOFTMAX works on the last axis)");
    struct ir_tensor *yt = xt ? like(L, "softmax", xt) : NULL;
    k = yt ? unary(L, op, "", xt, yt) : NULL;
    if (!k || (!log && pu_set_float(k, "beta", 1.0f, L->err))) return st_of(L);
    return transpose(L, "axis_back", yt, perm, y, "softmax axis moved back") ? FY_OK : st_of(L);
}

static fy_status lower_pad(struct lw *L)
{
    struct ir_node *n = L->n;
    fy_status st = need_static(L);
    if (st) return st;
    struct ir_tensor *x = n->inputs[0], *y = n->outputs[0];
    int r = x->rank;
    int64_t pads[2 * R];
    double value = 0;
    char buf[16];
    const char *mode = pu_attr_str(n, "mode", "constant", buf, sizeof buf);
    if (L->opset < 11) {
        if (pu_attr_ints(n, "pads", pads, 2 * R) != 2 * r) return unsupported(L, "pads");
        value = pu_attr_float(n, "value", 0.0f);
    } else {
        if (!pu_is_const(n->inputs[1])) return unsupported(L, "pads are not constant");
        int c = (int)pu_numel(n->inputs[1]);
        if (n->n_inputs > 3 && n->inputs[3]) return unsupported(L, "the axes input");
        if (c != 2 * r) return unsupported(L, "pads has %d values", c);
        for (int i = 0; i < c; i++) pads[i] = pu_get_i64(n->inputs[1], (uint64_t)i);
        if (n->n_inputs > 2 && n->inputs[2] && !pu_const_scalar(n->inputs[2], &value))
            return unsupported(L, "constant_value is not a constant");
    }
    for (int i = 0; i < 2 * r; i++)
        if (pads[i] < 0) return unsupported(L, "negative pads (cropping)");
    bool reflect = !strcmp(mode, "reflect");
    if (!reflect && strcmp(mode, "constant"))
        return unsupported(L, "mode '%s': TFLite pads with constants (PAD/PADV2) or mirrors "
                              "(MIRROR_PAD REFLECT/SYMMETRIC); 'edge' is neither",
                           mode);
    if (L->dry) return FY_OK;
    int32_t p32[2 * R];
    for (int i = 0; i < r; i++) {
        p32[2 * i] = (int32_t)pads[i];
        p32[2 * i + 1] = (int32_t)pads[i + r];
    }
    int64_t pd[2] = {r, 2};
    struct ir_tensor *pt = pu_const(L->g, "paddings", IR_I32, 2, pd, p32, L->err);
    if (!pt) return st_of(L);
    if (reflect) {
        struct ir_node *k = binary(L, IR_OP_TFL_MIRROR_PAD, "", x, pt, y);
        if (!k || pu_set_str(k, "mode", "REFLECT", L->err)) return st_of(L);
        return FY_OK;
    }
    if (value == 0) return binary(L, IR_OP_TFL_PAD, "", x, pt, y) ? FY_OK : st_of(L);
    if (x->dtype != IR_F32) return unsupported(L, "non-zero padding of %s", ir_dtype_name(x->dtype));
    struct ir_tensor *v = cf32_scalar(L, "pad_value", (float)value);
    return v && emit(L, IR_OP_TFL_PADV2, "", y, 3, x, pt, v, NULL) ? FY_OK : st_of(L);
}

static fy_status lower_where(struct lw *L)
{
    struct ir_node *n = L->n;
    fy_status st = need_static(L);
    if (st) return st;
    struct ir_tensor *y = n->outputs[0];
    if (L->dry) return FY_OK;
    struct ir_tensor *c = expand_rank(L, n->inputs[0], y->rank);
    struct ir_tensor *a = c ? expand_rank(L, n->inputs[1], y->rank) : NULL;
    struct ir_tensor *b = a ? expand_rank(L, n->inputs[2], y->rank) : NULL;
    return b && emit(L, IR_OP_TFL_SELECT_V2, "", y, 3, c, a, b, NULL) ? FY_OK : st_of(L);
}

static fy_status lower_expand(struct lw *L)
{
    struct ir_node *n = L->n;
    fy_status st = need_static(L);
    if (st) return st;
    struct ir_tensor *x = n->inputs[0], *y = n->outputs[0];
    if (L->dry) return FY_OK;
    int64_t d[R];
    pu_dims(y, d);
    struct ir_tensor *s = ci32(L, d, y->rank);
    return s && emit(L, IR_OP_TFL_BROADCAST_TO, "", y, 2, x, s, NULL, NULL) ? FY_OK : st_of(L);
}

static fy_status lower_tile(struct lw *L)
{
    struct ir_node *n = L->n;
    fy_status st = need_static(L);
    if (st) return st;
    struct ir_tensor *x = n->inputs[0], *y = n->outputs[0];
    if (!pu_is_const(n->inputs[1])) return unsupported(L, "repeats are not constant");
    if (L->dry) return FY_OK;
    int64_t rep[R];
    for (int i = 0; i < x->rank; i++) rep[i] = pu_get_i64(n->inputs[1], (uint64_t)i);
    struct ir_tensor *s = ci32(L, rep, x->rank);
    return s && emit(L, IR_OP_TFL_TILE, "", y, 2, x, s, NULL, NULL) ? FY_OK : st_of(L);
}

static fy_status lower_resize(struct lw *L)
{
    struct ir_node *n = L->n;
    fy_status st = need_static(L);
    if (st) return st;
    struct ir_tensor *x = n->inputs[0], *y = n->outputs[0];
    if (x->rank != 4) return unsupported(L, "input has rank %d", x->rank);
    if (y->dims[0].value != x->dims[0].value || y->dims[1].value != x->dims[1].value)
        return unsupported(L, "resizes the batch or channel dims");
    if ((st = need_float(L, x))) return st;
    char mb[32], cb[48], nb[32];
    const char *mode = pu_attr_str(n, "mode", "nearest", mb, sizeof mb);
    const char *ct = pu_attr_str(n, "coordinate_transformation_mode", "half_pixel", cb, sizeof cb);
    const char *nm = pu_attr_str(n, "nearest_mode", "round_prefer_floor", nb, sizeof nb);
    if (n->op == IR_OP_UPSAMPLE || L->opset < 11) ct = "asymmetric", nm = "floor";
    bool bilinear = !strcmp(mode, "linear") || !strcmp(mode, "bilinear");
    if (!bilinear && strcmp(mode, "nearest")) return unsupported(L, "mode '%s'", mode);
    int64_t H = x->dims[2].value, W = x->dims[3].value, OH = y->dims[2].value, OW = y->dims[3].value;
    bool integer_up = OH % H == 0 && OW % W == 0;
    int align = 0, half = 0;
    if (bilinear) {
        if (!strcmp(ct, "half_pixel") || (!strcmp(ct, "pytorch_half_pixel") && OH > 1 && OW > 1))
            half = 1;
        else if (!strcmp(ct, "align_corners"))
            align = 1;
        else if (strcmp(ct, "asymmetric"))
            return unsupported(L, "coordinate_transformation_mode '%s'", ct);
        if (pu_attr_int(n, "antialias", 0) && (OH < H || OW < W))
            return unsupported(L, "antialiased downscaling");
    } else {
        if (!strcmp(ct, "align_corners")) return unsupported(L, "nearest with align_corners");
        if (!integer_up) {
            if (!strcmp(ct, "asymmetric") && !strcmp(nm, "floor")) half = 0;
            else return unsupported(L, "nearest resize by a non-integer factor with %s/%s", ct, nm);
        }
    }
    if (L->dry) return FY_OK;
    struct ir_tensor *xin = to_nhwc(L, x, bilinear ? "RESIZE_BILINEAR" : "RESIZE_NEAREST_NEIGHBOR");
    struct ir_tensor *size = ci32(L, (int64_t[]){OH, OW}, 2);
    struct ir_tensor *yn = nhwc_result(L, y);
    struct ir_node *k = xin && size && yn ? emit(L, bilinear ? IR_OP_TFL_RESIZE_BILINEAR
                                                             : IR_OP_TFL_RESIZE_NEAREST_NEIGHBOR,
                                                 "", yn, 2, xin, size, NULL, NULL)
                                          : NULL;
    if (!k || pu_set_int(k, "align_corners", align, L->err) ||
        pu_set_int(k, "half_pixel_centers", half, L->err))
        return st_of(L);
    return from_nhwc(L, yn, y, bilinear ? "RESIZE_BILINEAR" : "RESIZE_NEAREST_NEIGHBOR");
}

static fy_status lower_lrn(struct lw *L)
{
    struct ir_node *n = L->n;
    fy_status st = need_static(L);
    if (st) return st;
    struct ir_tensor *x = n->inputs[0], *y = n->outputs[0];
    if (x->rank != 4) return unsupported(L, "input has rank %d", x->rank);
    int64_t size = pu_attr_int(n, "size", 0);
    if (size < 1 || size % 2 == 0)
        return unsupported(L, "size %lld: TFLite's window is symmetric (odd sizes only)",
                           (long long)size);
    if (L->dry) return FY_OK;
    struct ir_tensor *xin = to_nhwc(L, x, "LOCAL_RESPONSE_NORMALIZATION");
    struct ir_tensor *yn = nhwc_result(L, y);
    struct ir_node *k = xin && yn ? unary(L, IR_OP_TFL_LOCAL_RESPONSE_NORMALIZATION, "", xin, yn) : NULL;
    if (!k || pu_set_int(k, "radius", (size - 1) / 2, L->err) ||
        pu_set_float(k, "bias", pu_attr_float(n, "bias", 1.0f), L->err) ||
        pu_set_float(k, "alpha", pu_attr_float(n, "alpha", 1e-4f) / (float)size, L->err) ||
        pu_set_float(k, "beta", pu_attr_float(n, "beta", 0.75f), L->err))
        return st_of(L);
    return from_nhwc(L, yn, y, "LOCAL_RESPONSE_NORMALIZATION");
}

static fy_status lower_depth_space(struct lw *L)
{
    struct ir_node *n = L->n;
    fy_status st = need_static(L);
    if (st) return st;
    struct ir_tensor *x = n->inputs[0], *y = n->outputs[0];
    bool d2s = n->op == IR_OP_DEPTH_TO_SPACE;
    char mb[8];
    if (d2s && strcmp(pu_attr_str(n, "mode", "DCR", mb, sizeof mb), "DCR"))
        return unsupported(L, "mode CRD (TFLite's DEPTH_TO_SPACE is DCR)");
    if (x->rank != 4) return unsupported(L, "rank %d", x->rank);
    if (L->dry) return FY_OK;
    const char *what = d2s ? "DEPTH_TO_SPACE" : "SPACE_TO_DEPTH";
    struct ir_tensor *xin = to_nhwc(L, x, what), *yn = nhwc_result(L, y);
    struct ir_node *k = xin && yn ? unary(L, d2s ? IR_OP_TFL_DEPTH_TO_SPACE : IR_OP_TFL_SPACE_TO_DEPTH,
                                          "", xin, yn)
                                  : NULL;
    if (!k || pu_set_int(k, "block_size", pu_attr_int(n, "blocksize", 1), L->err)) return st_of(L);
    return from_nhwc(L, yn, y, what);
}

/* mean/variance normalization over `axes` (keep dims), then scale/shift:
 * MEAN, SQUARED_DIFFERENCE, MEAN, ADD eps, RSQRT, SUB, MUL, [MUL γ], [ADD β] */
static fy_status normalize(struct lw *L, struct ir_tensor *x, const int64_t *axes, int n_axes,
                           float eps, struct ir_tensor *gamma, struct ir_tensor *beta,
                           struct ir_tensor *y)
{
    int64_t md[R];
    for (int i = 0; i < x->rank; i++) md[i] = x->dims[i].value;
    for (int i = 0; i < n_axes; i++) md[axes[i]] = 1;
    struct ir_tensor *a = ci32(L, axes, n_axes);
    struct ir_tensor *mean = tmp(L, "mean", IR_F32, x->rank, md);
    struct ir_tensor *sq = like(L, "sqdiff", x), *var = tmp(L, "var", IR_F32, x->rank, md);
    struct ir_tensor *ve = tmp(L, "var_eps", IR_F32, x->rank, md), *rs = tmp(L, "rstd", IR_F32, x->rank, md);
    struct ir_tensor *d = like(L, "centered", x);
    struct ir_tensor *ce = cf32_scalar(L, "epsilon", eps);
    struct ir_tensor *cee = ce ? expand_rank(L, ce, x->rank) : NULL;
    struct ir_tensor *nrm = (gamma || beta) ? like(L, "normalized", x) : y;
    struct ir_node *m1, *m2;
    if (!a || !mean || !sq || !var || !ve || !rs || !d || !cee || !nrm ||
        !(m1 = emit(L, IR_OP_TFL_MEAN, "mean", mean, 2, x, a, NULL, NULL)) ||
        pu_set_int(m1, "keep_dims", 1, L->err) ||
        !binary(L, IR_OP_TFL_SQUARED_DIFFERENCE, "sqdiff", x, mean, sq) ||
        !(m2 = emit(L, IR_OP_TFL_MEAN, "var", var, 2, sq, a, NULL, NULL)) ||
        pu_set_int(m2, "keep_dims", 1, L->err) ||
        !binary(L, IR_OP_TFL_ADD, "var_eps", var, cee, ve) ||
        !unary(L, IR_OP_TFL_RSQRT, "rstd", ve, rs) ||
        !binary(L, IR_OP_TFL_SUB, "center", x, mean, d) ||
        !binary(L, IR_OP_TFL_MUL, gamma || beta ? "normalize" : "", d, rs, nrm))
        return st_of(L);
    struct ir_tensor *cur = nrm;
    if (gamma) {
        struct ir_tensor *ge = expand_rank(L, gamma, x->rank);
        struct ir_tensor *o = beta ? like(L, "scaled", x) : y;
        if (!ge || !o || !binary(L, IR_OP_TFL_MUL, beta ? "scale" : "", cur, ge, o)) return st_of(L);
        cur = o;
    }
    if (beta) {
        struct ir_tensor *be = expand_rank(L, beta, x->rank);
        if (!be || !binary(L, IR_OP_TFL_ADD, "", cur, be, y)) return st_of(L);
    }
    return FY_OK;
}

static fy_status lower_layernorm(struct lw *L)
{
    struct ir_node *n = L->n;
    fy_status st = need_static(L);
    if (st) return st;
    struct ir_tensor *x = n->inputs[0], *y = n->outputs[0];
    struct ir_tensor *gamma = n->n_inputs > 1 ? n->inputs[1] : NULL;
    struct ir_tensor *beta = n->n_inputs > 2 ? n->inputs[2] : NULL;
    if ((st = need_float(L, x))) return st;
    for (int i = 1; i < n->n_outputs; i++)
        if (used(L, n->outputs[i])) return unsupported(L, "the Mean/InvStdDev outputs are used");
    int axis = norm_axis(pu_attr_int(n, "axis", -1), x->rank);
    if (axis < 0 || axis >= x->rank) return unsupported(L, "axis out of range");
    if (L->dry) return FY_OK;
    int64_t axes[R];
    int na = 0;
    for (int i = axis; i < x->rank; i++) axes[na++] = i;
    /* γ of all ones and β of all zeros are left out */
    if (gamma && pu_const_all(gamma, 1.0)) gamma = NULL;
    if (beta && pu_const_all(beta, 0.0)) beta = NULL;
    st = normalize(L, x, axes, na, pu_attr_float(n, "epsilon", 1e-5f), gamma, beta, y);
    if (st) return st;
    return note_decomp(L, "MEAN, SQUARED_DIFFERENCE, MEAN, ADD, RSQRT, SUB, MUL, MUL, ADD");
}

static fy_status lower_instnorm(struct lw *L)
{
    struct ir_node *n = L->n;
    fy_status st = need_static(L);
    if (st) return st;
    struct ir_tensor *x = n->inputs[0], *y = n->outputs[0];
    if ((st = need_float(L, x))) return st;
    if (x->rank < 3) return unsupported(L, "rank %d", x->rank);
    if (!pu_is_const(n->inputs[1]) || !pu_is_const(n->inputs[2]))
        return unsupported(L, "scale and B are not constant");
    if (L->dry) return FY_OK;
    int64_t axes[R], cd[R];
    int na = 0;
    for (int i = 2; i < x->rank; i++) axes[na++] = i;
    /* scale and B per channel: [C, 1, ...] */
    cd[0] = x->dims[1].value;
    for (int i = 1; i < x->rank - 1; i++) cd[i] = 1;
    float *sc = pu_const_f32(n->inputs[1]), *bs = pu_const_f32(n->inputs[2]);
    struct ir_tensor *g = sc ? cf32(L, "scale", x->rank - 1, cd, sc) : NULL;
    struct ir_tensor *b = bs && g ? cf32(L, "shift", x->rank - 1, cd, bs) : NULL;
    free(sc);
    free(bs);
    if (!b) return st_of(L);
    st = normalize(L, x, axes, na, pu_attr_float(n, "epsilon", 1e-5f), g, b, y);
    if (st) return st;
    return note_decomp(L, "MEAN, SQUARED_DIFFERENCE, MEAN, ADD, RSQRT, SUB, MUL, MUL, ADD");
}

static fy_status lower_groupnorm(struct lw *L)
{
    struct ir_node *n = L->n;
    fy_status st = need_static(L);
    if (st) return st;
    struct ir_tensor *x = n->inputs[0], *y = n->outputs[0];
    if ((st = need_float(L, x))) return st;
    int64_t G = pu_attr_int(n, "num_groups", 0), C = x->dims[1].value;
    if (x->rank < 3 || G < 1 || C % G) return unsupported(L, "num_groups %lld", (long long)G);
    if (!pu_is_const(n->inputs[1]) || !pu_is_const(n->inputs[2]))
        return unsupported(L, "scale and bias are not constant");
    uint64_t ns = pu_numel(n->inputs[1]);
    if (ns != (uint64_t)C && ns != (uint64_t)G) return unsupported(L, "scale has %llu values", (unsigned long long)ns);
    if (L->dry) return FY_OK;
    int64_t rest = 1;
    for (int i = 2; i < x->rank; i++) rest *= x->dims[i].value;
    int64_t gd[3] = {x->dims[0].value, G, (C / G) * rest};
    struct ir_tensor *xg = reshape(L, "groups", x, 3, gd, NULL);
    struct ir_tensor *ng = xg ? tmp(L, "group_normalized", IR_F32, 3, gd) : NULL;
    if (!ng) return st_of(L);
    int64_t ax = 2;
    st = normalize(L, xg, &ax, 1, pu_attr_float(n, "epsilon", 1e-5f), NULL, NULL, ng);
    if (st) return st;
    int64_t xd[R], cd[R];
    pu_dims(x, xd);
    struct ir_tensor *nx = reshape(L, "ungroup", ng, x->rank, xd, NULL);
    cd[0] = C;
    for (int i = 1; i < x->rank - 1; i++) cd[i] = 1;
    float *sc = pu_const_f32(n->inputs[1]), *bs = pu_const_f32(n->inputs[2]);
    float *scc = malloc(sizeof(float) * (size_t)C), *bsc = malloc(sizeof(float) * (size_t)C);
    if (!sc || !bs || !scc || !bsc) {
        free(sc), free(bs), free(scc), free(bsc);
        return nomem(L->err);
    }
    for (int64_t c = 0; c < C; c++) {
        int64_t k = ns == (uint64_t)C ? c : c / (C / G);
        scc[c] = sc[k];
        bsc[c] = bs[k];
    }
    struct ir_tensor *g = cf32(L, "scale", x->rank - 1, cd, scc);
    struct ir_tensor *b = g ? cf32(L, "shift", x->rank - 1, cd, bsc) : NULL;
    free(sc), free(bs), free(scc), free(bsc);
    struct ir_tensor *ge = b ? expand_rank(L, g, x->rank) : NULL;
    struct ir_tensor *be = ge ? expand_rank(L, b, x->rank) : NULL;
    struct ir_tensor *m = be ? like(L, "scaled", x) : NULL;
    if (!nx || !m || !binary(L, IR_OP_TFL_MUL, "scale", nx, ge, m) ||
        !binary(L, IR_OP_TFL_ADD, "", m, be, y))
        return st_of(L);
    return note_decomp(L, "RESHAPE, MEAN, SQUARED_DIFFERENCE, MEAN, ADD, RSQRT, SUB, MUL, RESHAPE, MUL, ADD");
}

/* ---- GridSample ---- */

/* One axis of a GridSample's bilinear sampling: from the grid component g
 * ([N,Ho,Wo,1]) and the image extent S, the clamped indices k0 = clamp(⌊c⌋),
 * k1 = clamp(⌊c⌋+1) (float, exact integers) and their weights w0 = ⌊c⌋+1−c,
 * w1 = c−⌊c⌋, where c is g unnormalized per align_corners; with zero padding
 * a weight whose unclamped index lies outside [0, S−1] is zeroed. */
static fy_status gs_axis(struct lw *L, const char *ax, struct ir_tensor *g, int64_t S,
                         bool align, bool zeros, struct ir_tensor **k0, struct ir_tensor **k1,
                         struct ir_tensor **w0, struct ir_tensor **w1)
{
    char nm[64];
    /* align_corners: c = (g+1)/2·(S−1); else c = ((g+1)·S − 1)/2 */
    float sc = align ? (float)(S - 1) / 2.0f : (float)S / 2.0f;
    float sh = (float)(S - 1) / 2.0f;
    int64_t one4[4] = {1, 1, 1, 1};
#define GS_T(v, s) (snprintf(nm, sizeof nm, "%s_%s", ax, s), (v) = like(L, nm, g))
#define GS_C(v, s, val) (snprintf(nm, sizeof nm, "%s_%s", ax, s), (v) = cf32(L, nm, 4, one4, (float[]){val}))
    struct ir_tensor *csc, *csh, *cone, *czero, *clim, *m, *c, *f0, *f1, *d1, *d0, *t0, *t1;
    if (!GS_C(csc, "scale", sc) || !GS_C(csh, "shift", sh) || !GS_C(cone, "one", 1.0f) ||
        !GS_C(czero, "zero", 0.0f) || !GS_C(clim, "last", (float)(S - 1)))
        return st_of(L);
    if (!GS_T(m, "scaled") || !GS_T(c, "coord") || !GS_T(f0, "floor") || !GS_T(f1, "ceil1") ||
        !GS_T(d1, "w1") || !GS_T(d0, "w0") || !GS_T(t0, "lo0") || !GS_T(t1, "lo1") ||
        !GS_T(*k0, "i0") || !GS_T(*k1, "i1"))
        return st_of(L);
    snprintf(nm, sizeof nm, "%s_unnormalize", ax);
    if (!binary(L, IR_OP_TFL_MUL, nm, g, csc, m)) return st_of(L);
    snprintf(nm, sizeof nm, "%s_coord", ax);
    if (!binary(L, IR_OP_TFL_ADD, nm, m, csh, c)) return st_of(L);
    snprintf(nm, sizeof nm, "%s_floor", ax);
    if (!unary(L, IR_OP_TFL_FLOOR, nm, c, f0)) return st_of(L);
    snprintf(nm, sizeof nm, "%s_next", ax);
    if (!binary(L, IR_OP_TFL_ADD, nm, f0, cone, f1)) return st_of(L);
    snprintf(nm, sizeof nm, "%s_w1", ax);
    if (!binary(L, IR_OP_TFL_SUB, nm, c, f0, d1)) return st_of(L);
    snprintf(nm, sizeof nm, "%s_w0", ax);
    if (!binary(L, IR_OP_TFL_SUB, nm, f1, c, d0)) return st_of(L);
    snprintf(nm, sizeof nm, "%s_lo0", ax);
    if (!binary(L, IR_OP_TFL_MAXIMUM, nm, f0, czero, t0)) return st_of(L);
    snprintf(nm, sizeof nm, "%s_lo1", ax);
    if (!binary(L, IR_OP_TFL_MAXIMUM, nm, f1, czero, t1)) return st_of(L);
    snprintf(nm, sizeof nm, "%s_i0", ax);
    if (!binary(L, IR_OP_TFL_MINIMUM, nm, t0, clim, *k0)) return st_of(L);
    snprintf(nm, sizeof nm, "%s_i1", ax);
    if (!binary(L, IR_OP_TFL_MINIMUM, nm, t1, clim, *k1)) return st_of(L);
    *w0 = d0;
    *w1 = d1;
    if (zeros) {
        /* an index is inside the image exactly when clamping leaves it */
        struct ir_tensor *in[2] = {f0, f1}, *k[2] = {*k0, *k1}, *w[2] = {d0, d1}, **wo[2] = {w0, w1};
        for (int i = 0; i < 2; i++) {
            int64_t d[R];
            pu_dims(g, d);
            snprintf(nm, sizeof nm, "%s_inside%d", ax, i);
            struct ir_tensor *eq = tmp(L, nm, IR_BOOL, 4, d), *wm;
            char sfx[16];
            snprintf(sfx, sizeof sfx, "wz%d", i);
            if (!eq || !GS_T(wm, sfx)) return st_of(L);
            snprintf(nm, sizeof nm, "%s_inside%d", ax, i);
            if (!binary(L, IR_OP_TFL_EQUAL, nm, k[i], in[i], eq)) return st_of(L);
            snprintf(nm, sizeof nm, "%s_wz%d", ax, i);
            if (!emit(L, IR_OP_TFL_SELECT_V2, nm, wm, 3, eq, w[i], czero, NULL)) return st_of(L);
            *wo[i] = wm;
        }
    }
#undef GS_T
#undef GS_C
    return FY_OK;
}

/* GridSample (4-D, bilinear, zeros or border padding, either align_corners)
 * as TFLite builtins: the image NHWC and flattened to [N·H·W, C]; the grid
 * SPLIT into x and y; per axis the unnormalized coordinate, FLOOR, the two
 * neighbour indices clamped into the image (MAXIMUM/MINIMUM) and their
 * bilinear weights (zeroed outside the image for "zeros" — with "border" the
 * clamped indices give exactly the border-clamped sample); the four corners'
 * flat indices (n·H·W + y·W + x, CAST to int32) GATHER_ND'd and blended
 * wy0·(wx0·p00 + wx1·p01) + wy1·(wx0·p10 + wx1·p11) as ONNX Runtime does. */
static fy_status lower_grid_sample(struct lw *L)
{
    struct ir_node *n = L->n;
    fy_status st = need_static(L);
    if (st) return st;
    struct ir_tensor *x = n->inputs[0], *grid = n->inputs[1], *y = n->outputs[0];
    if ((st = need_float(L, x)) || (st = need_float(L, grid))) return st;
    if (x->rank != 4 || grid->rank != 4 || grid->dims[3].value != 2)
        return unsupported(L, "only 4-D GridSample (NCHW image, [N,H,W,2] grid) is lowered");
    char buf[64];
    const char *mode = pu_attr_str(n, "mode", "bilinear", buf, sizeof buf);
    if (strcmp(mode, "bilinear") && strcmp(mode, "linear"))
        return unsupported(L, "mode '%s': only bilinear sampling is lowered to builtins", mode);
    char pbuf[64];
    const char *pad = pu_attr_str(n, "padding_mode", "zeros", pbuf, sizeof pbuf);
    bool zeros = !strcmp(pad, "zeros");
    if (!zeros && strcmp(pad, "border"))
        return unsupported(L, "padding_mode '%s': only 'zeros' and 'border' are lowered to "
                              "builtins", pad);
    bool align = pu_attr_int(n, "align_corners", 0) != 0;
    int64_t N = x->dims[0].value, C = x->dims[1].value, H = x->dims[2].value,
            W = x->dims[3].value, Ho = grid->dims[1].value, Wo = grid->dims[2].value;
    if (grid->dims[0].value != N) return unsupported(L, "grid batch differs from the image's");
    if (N * H * W >= (1 << 24))
        return unsupported(L, "image has %lld pixels; flat indices are computed exactly in "
                              "float32 only below 2^24", (long long)(N * H * W));
    if (L->dry) return FY_OK;

    /* image → NHWC → [N·H·W, C] */
    struct ir_tensor *xn = to_nhwc(L, x, "GridSample's gather");
    struct ir_tensor *flat = xn ? reshape(L, "pixels", xn, 2, (int64_t[]){N * H * W, C}, NULL) : NULL;
    if (!flat) return st_of(L);
    /* grid → x, y components */
    int64_t gd[4] = {N, Ho, Wo, 1};
    struct ir_tensor *gx = tmp(L, "grid_x", IR_F32, 4, gd), *gy = tmp(L, "grid_y", IR_F32, 4, gd);
    struct ir_tensor *a3 = ci32(L, (int64_t[]){3}, 1);
    struct ir_node *sp = gx && gy && a3 ? node(L, IR_OP_TFL_SPLIT, "grid_split", 2, 2) : NULL;
    if (!sp || pu_set_int(sp, "num_splits", 2, L->err)) return st_of(L);
    sp->inputs[0] = a3;
    sp->inputs[1] = grid;
    if (pu_out(sp, 0, gx, L->err) || pu_out(sp, 1, gy, L->err)) return st_of(L);
    struct ir_tensor *kx[2], *ky[2], *wx[2], *wy[2];
    if ((st = gs_axis(L, "x", gx, W, align, zeros, &kx[0], &kx[1], &wx[0], &wx[1])) ||
        (st = gs_axis(L, "y", gy, H, align, zeros, &ky[0], &ky[1], &wy[0], &wy[1])))
        return st;
    /* row offsets: n·H·W + y·W */
    float *boff = malloc(sizeof(float) * (size_t)N);
    if (!boff) return nomem(L->err);
    for (int64_t b = 0; b < N; b++) boff[b] = (float)(b * H * W);
    struct ir_tensor *cb = cf32(L, "batch_offset", 4, (int64_t[]){N, 1, 1, 1}, boff);
    free(boff);
    struct ir_tensor *cw = cb ? cf32(L, "row_stride", 4, (int64_t[]){1, 1, 1, 1}, (float[]){(float)W}) : NULL;
    if (!cw) return st_of(L);
    struct ir_tensor *rowoff[2];
    for (int a = 0; a < 2; a++) {
        char nm[32];
        snprintf(nm, sizeof nm, "y%d_rows", a);
        struct ir_tensor *ry = like(L, nm, gy), *ro = like(L, nm, gy);
        if (!ry || !ro || !binary(L, IR_OP_TFL_MUL, nm, ky[a], cw, ry)) return st_of(L);
        snprintf(nm, sizeof nm, "y%d_offset", a);
        if (!binary(L, IR_OP_TFL_ADD, nm, ry, cb, ro)) return st_of(L);
        rowoff[a] = ro;
    }
    int64_t od[4] = {N, Ho, Wo, C};
    struct ir_tensor *rows[2];
    for (int a = 0; a < 2; a++) {
        struct ir_tensor *part[2];
        for (int b = 0; b < 2; b++) {
            char nm[32];
            snprintf(nm, sizeof nm, "p%d%d_index", a, b);
            struct ir_tensor *li = like(L, nm, gx), *ii = tmp(L, nm, IR_I32, 4, gd);
            if (!li || !ii || !binary(L, IR_OP_TFL_ADD, nm, rowoff[a], kx[b], li)) return st_of(L);
            snprintf(nm, sizeof nm, "p%d%d_index_i32", a, b);
            struct ir_node *cs = unary(L, IR_OP_TFL_CAST, nm, li, ii);
            if (!cs) return st_of(L);
            snprintf(nm, sizeof nm, "p%d%d", a, b);
            struct ir_tensor *pv = tmp(L, nm, IR_F32, 4, od), *pw = tmp(L, nm, IR_F32, 4, od);
            if (!pv || !pw || !binary(L, IR_OP_TFL_GATHER_ND, nm, flat, ii, pv)) return st_of(L);
            snprintf(nm, sizeof nm, "p%d%d_weighted", a, b);
            if (!binary(L, IR_OP_TFL_MUL, nm, wx[b], pv, pw)) return st_of(L);
            part[b] = pw;
        }
        char nm[32];
        snprintf(nm, sizeof nm, "row%d", a);
        struct ir_tensor *rs = tmp(L, nm, IR_F32, 4, od), *rw = tmp(L, nm, IR_F32, 4, od);
        if (!rs || !rw || !binary(L, IR_OP_TFL_ADD, nm, part[0], part[1], rs)) return st_of(L);
        snprintf(nm, sizeof nm, "row%d_weighted", a);
        if (!binary(L, IR_OP_TFL_MUL, nm, wy[a], rs, rw)) return st_of(L);
        rows[a] = rw;
    }
    struct ir_tensor *yn = nhwc_result(L, y);
    if (!yn || !binary(L, IR_OP_TFL_ADD, "blend", rows[0], rows[1], yn)) return st_of(L);
    if ((st = from_nhwc(L, yn, y, "GridSample"))) return st;
    return note_decomp(L, "TRANSPOSE, RESHAPE, SPLIT, MUL, ADD, FLOOR, SUB, MAXIMUM, MINIMUM, "
                          "EQUAL, SELECT_V2, CAST, GATHER_ND, MUL, ADD, TRANSPOSE");
}

/* ---- LSTM ---- */

/* The LSTM written out in TFLite builtins, step by step: the input
 * projection of every step at once (FULLY_CONNECTED), UNPACK into steps,
 * then per step FULLY_CONNECTED(h, R), ADD, SPLIT into the i, o, f, c gates,
 * LOGISTIC/TANH, c = f·c + i·g, h = o·tanh(c); the steps PACKed into Y. */
static fy_status lower_lstm_unrolled(struct lw *L, int64_t T, int64_t Bn, int64_t I, int64_t H,
                                     int D, bool reverse, int64_t layout)
{
    struct ir_node *n = L->n;
    struct ir_tensor *X = n->inputs[0], *W = n->inputs[1], *Rw = n->inputs[2];
    struct ir_tensor *B = n->n_inputs > 3 ? n->inputs[3] : NULL;
    struct ir_tensor *h0 = n->n_inputs > 5 ? n->inputs[5] : NULL;
    struct ir_tensor *c0 = n->n_inputs > 6 ? n->inputs[6] : NULL;
    struct ir_tensor *Y = n->outputs[0], *Yh = n->n_outputs > 1 ? n->outputs[1] : NULL;
    struct ir_tensor *Yc = n->n_outputs > 2 ? n->outputs[2] : NULL;
    (void)I;
    float *wd = pu_const_f32(W), *rd = pu_const_f32(Rw), *bd = B ? pu_const_f32(B) : NULL;
    struct ir_tensor **hs = calloc((size_t)T + 1, sizeof *hs);
    fy_status st = FY_OK;
    if (!wd || !rd || (B && !bd) || !hs) {
        st = nomem(L->err);
        goto out;
    }
    struct ir_tensor *xin = X;
    if (layout) {
        static const int p[3] = {1, 0, 2};
        xin = transpose(L, "time_major", X, p, NULL, "LSTM layout=1 to time-major");
        if (!xin) goto fail;
    }
    int64_t bh[2] = {Bn, H}, b4h[2] = {Bn, 4 * H}, t4[3] = {T, Bn, 4 * H};
    struct ir_tensor *ydir[2], *hlast[2], *clast[2];
    for (int dd = 0; dd < D; dd++) {
        bool rev = reverse || dd == 1;
        /* input projection of all steps, biases folded in */
        float *bias = malloc(sizeof(float) * (size_t)(4 * H));
        if (!bias) {
            st = nomem(L->err);
            goto out;
        }
        for (int64_t j = 0; j < 4 * H; j++)
            bias[j] = bd ? bd[dd * 8 * H + j] + bd[dd * 8 * H + 4 * H + j] : 0.0f;
        int64_t wdm[2] = {4 * H, X->dims[2].value}, rdm[2] = {4 * H, H};
        struct ir_tensor *wt = cf32(L, "input_weights", 2, wdm, wd + (int64_t)dd * 4 * H * wdm[1]);
        struct ir_tensor *bt = wt ? cf32(L, "gate_bias", 1, &wdm[0], bias) : NULL;
        struct ir_tensor *rt = bt ? cf32(L, "recurrent_weights", 2, rdm, rd + (int64_t)dd * 4 * H * H) : NULL;
        free(bias);
        struct ir_tensor *xp = rt ? tmp(L, "input_projection", IR_F32, 3, t4) : NULL;
        struct ir_node *fc = xp ? emit(L, IR_OP_TFL_FULLY_CONNECTED, "input_projection", xp, 3, xin,
                                       wt, bt, NULL)
                                : NULL;
        if (!fc || pu_set_int(fc, "keep_num_dims", 1, L->err)) goto fail;
        struct ir_node *up = node(L, IR_OP_TFL_UNPACK, "steps", 1, (int)T);
        if (!up || pu_set_int(up, "num", T, L->err) || pu_set_int(up, "axis", 0, L->err)) goto fail;
        up->inputs[0] = xp;
        struct ir_tensor **xs = calloc((size_t)T + 1, sizeof *xs);
        if (!xs) {
            st = nomem(L->err);
            goto out;
        }
        for (int64_t t = 0; t < T; t++) {
            xs[t] = tmp(L, "step_input", IR_F32, 2, b4h);
            if (!xs[t] || pu_out(up, (int)t, xs[t], L->err)) {
                free(xs);
                goto fail;
            }
        }
        /* initial state */
        struct ir_tensor *h = NULL, *c = NULL;
        for (int which = 0; which < 2; which++) {
            struct ir_tensor *init = which ? c0 : h0, *cur;
            if (init && !pu_const_all(init, 0)) {
                int64_t b3[3] = {dd, 0, 0}, s3[3] = {1, Bn, H};
                struct ir_tensor *tb = ci32(L, b3, 3), *ts = tb ? ci32(L, s3, 3) : NULL;
                int64_t od[3] = {1, Bn, H};
                struct ir_tensor *sl = ts ? tmp(L, which ? "initial_c" : "initial_h", IR_F32, 3, od) : NULL;
                if (!sl || !emit(L, IR_OP_TFL_SLICE, which ? "initial_c" : "initial_h", sl, 3, init, tb, ts, NULL) ||
                    !(cur = reshape(L, which ? "initial_c" : "initial_h", sl, 2, bh, NULL))) {
                    free(xs);
                    goto fail;
                }
            } else {
                float *z = calloc((size_t)(Bn * H), sizeof(float));
                cur = z ? cf32(L, which ? "zero_c" : "zero_h", 2, bh, z) : NULL;
                free(z);
                if (!cur) {
                    free(xs);
                    goto fail;
                }
            }
            if (which) c = cur;
            else h = cur;
        }
        struct ir_tensor *ax = ci32(L, (int64_t[]){1}, 1);
        for (int64_t s = 0; s < T; s++) {
            int64_t t = rev ? T - 1 - s : s;
            struct ir_tensor *rec = tmp(L, "recurrent", IR_F32, 2, b4h);
            struct ir_tensor *gs = tmp(L, "gates", IR_F32, 2, b4h);
            struct ir_node *rfc = rec ? emit(L, IR_OP_TFL_FULLY_CONNECTED, "recurrent", rec, 3, h, rt, NULL, NULL) : NULL;
            struct ir_node *sp = ax && gs && rfc && binary(L, IR_OP_TFL_ADD, "gates", xs[t], rec, gs)
                                     ? node(L, IR_OP_TFL_SPLIT, "gates", 2, 4)
                                     : NULL;
            if (!sp || pu_set_int(sp, "num_splits", 4, L->err)) {
                free(xs);
                goto fail;
            }
            sp->inputs[0] = ax;
            sp->inputs[1] = gs;
            struct ir_tensor *gi[4], *ga[4];
            static const char *const gname[4] = {"i", "o", "f", "c"};
            for (int k = 0; k < 4; k++) {
                gi[k] = tmp(L, gname[k], IR_F32, 2, bh);
                ga[k] = tmp(L, gname[k], IR_F32, 2, bh);
                if (!gi[k] || !ga[k] || pu_out(sp, k, gi[k], L->err) ||
                    !unary(L, k == 3 ? IR_OP_TFL_TANH : IR_OP_TFL_LOGISTIC, gname[k], gi[k], ga[k])) {
                    free(xs);
                    goto fail;
                }
            }
            struct ir_tensor *fc_ = tmp(L, "f_c", IR_F32, 2, bh), *ig = tmp(L, "i_g", IR_F32, 2, bh);
            struct ir_tensor *cn = tmp(L, "c", IR_F32, 2, bh), *tc = tmp(L, "tanh_c", IR_F32, 2, bh);
            struct ir_tensor *hn = tmp(L, "h", IR_F32, 2, bh);
            if (!fc_ || !ig || !cn || !tc || !hn || !binary(L, IR_OP_TFL_MUL, "f_c", ga[2], c, fc_) ||
                !binary(L, IR_OP_TFL_MUL, "i_g", ga[0], ga[3], ig) ||
                !binary(L, IR_OP_TFL_ADD, "c", fc_, ig, cn) || !unary(L, IR_OP_TFL_TANH, "tanh_c", cn, tc) ||
                !binary(L, IR_OP_TFL_MUL, "h", ga[1], tc, hn)) {
                free(xs);
                goto fail;
            }
            h = hn;
            c = cn;
            hs[t] = hn;
        }
        free(xs);
        hlast[dd] = h;
        clast[dd] = c;
        /* Y of this direction: [T, 1, B, H] */
        int64_t y3[3] = {T, Bn, H}, y4[4] = {T, 1, Bn, H};
        struct ir_tensor *pk = tmp(L, "steps_out", IR_F32, 3, y3);
        struct ir_node *pn = pk ? node(L, IR_OP_TFL_PACK, "steps_out", (int)T, 1) : NULL;
        if (!pn || pu_out(pn, 0, pk, L->err) || pu_set_int(pn, "values_count", T, L->err) ||
            pu_set_int(pn, "axis", 0, L->err))
            goto fail;
        for (int64_t t = 0; t < T; t++) pn->inputs[t] = hs[t];
        ydir[dd] = reshape(L, "direction", pk, 4, y4, NULL);
        if (!ydir[dd]) goto fail;
    }
    int64_t y4[4] = {T, D, Bn, H};
    if (Y && used(L, Y)) {
        struct ir_tensor *yc = D == 1 ? NULL : tmp(L, "directions", IR_F32, 4, y4);
        if (D == 2) {
            struct ir_node *cc = yc ? node(L, IR_OP_TFL_CONCATENATION, "directions", 2, 1) : NULL;
            if (!cc || pu_out(cc, 0, yc, L->err) || pu_set_int(cc, "axis", 1, L->err)) goto fail;
            cc->inputs[0] = ydir[0];
            cc->inputs[1] = ydir[1];
        } else {
            yc = ydir[0];
        }
        if (layout) {
            static const int p[4] = {2, 0, 1, 3};
            if (!transpose(L, "batch_major", yc, p, Y, "LSTM layout=1 output")) goto fail;
        } else if (!reshape(L, "Y", yc, 4, y4, Y)) {
            goto fail;
        }
    }
    for (int which = 0; which < 2; which++) {
        struct ir_tensor *out = which ? Yc : Yh;
        if (!out || !used(L, out)) continue;
        struct ir_tensor **last = which ? clast : hlast;
        int64_t od[3] = {D, Bn, H}, one[3] = {1, Bn, H};
        struct ir_tensor *parts[2];
        for (int dd = 0; dd < D; dd++)
            if (!(parts[dd] = reshape(L, which ? "Y_c" : "Y_h", last[dd], 3, one, NULL))) goto fail;
        struct ir_tensor *cat = parts[0];
        if (D == 2) {
            cat = tmp(L, which ? "Y_c" : "Y_h", IR_F32, 3, od);
            struct ir_node *cc = cat ? node(L, IR_OP_TFL_CONCATENATION, which ? "Y_c" : "Y_h", 2, 1) : NULL;
            if (!cc || pu_out(cc, 0, cat, L->err) || pu_set_int(cc, "axis", 0, L->err)) goto fail;
            cc->inputs[0] = parts[0];
            cc->inputs[1] = parts[1];
        }
        if (layout) {
            static const int p[3] = {1, 0, 2};
            if (!transpose(L, "batch_major", cat, p, out, "LSTM layout=1 state")) goto fail;
        } else if (!reshape(L, which ? "Y_c" : "Y_h", cat, 3, od, out)) {
            goto fail;
        }
    }
    st = note_decomp(L, "LSTM written out step by step (FULLY_CONNECTED, UNPACK, per step "
                        "FULLY_CONNECTED, ADD, SPLIT, LOGISTIC, TANH, MUL, ADD; PACK): its "
                        "initial states or Y_c have no UNIDIRECTIONAL_SEQUENCE_LSTM form");
    goto out;
fail:
    st = st_of(L);
out:
    free(wd);
    free(rd);
    free(bd);
    free(hs);
    return st;
}

static fy_status lower_lstm(struct lw *L)
{
    struct ir_node *n = L->n;
    fy_status st = need_static(L);
    if (st) return st;
    struct ir_tensor *X = n->inputs[0], *W = n->inputs[1], *Rw = n->inputs[2];
    struct ir_tensor *B = n->n_inputs > 3 ? n->inputs[3] : NULL;
    struct ir_tensor *seq = n->n_inputs > 4 ? n->inputs[4] : NULL;
    struct ir_tensor *h0 = n->n_inputs > 5 ? n->inputs[5] : NULL;
    struct ir_tensor *c0 = n->n_inputs > 6 ? n->inputs[6] : NULL;
    struct ir_tensor *P = n->n_inputs > 7 ? n->inputs[7] : NULL;
    struct ir_tensor *Y = n->outputs[0], *Yh = n->n_outputs > 1 ? n->outputs[1] : NULL;
    struct ir_tensor *Yc = n->n_outputs > 2 ? n->outputs[2] : NULL;
    if ((st = need_float(L, X))) return st;
    if (!pu_is_const(W) || !pu_is_const(Rw) || (B && !pu_is_const(B)))
        return unsupported(L, "weights are not constant");
    if (P && !pu_const_all(P, 0)) return unsupported(L, "peepholes (P)");
    if (pu_attr_int(n, "input_forget", 0)) return unsupported(L, "input_forget");
    /* TFLite's LSTM keeps its state in variable tensors that start at zero
     * and gives no cell state: other initial states, or Y_c, need the
     * recurrence written out step by step */
    bool unroll = (h0 && !pu_const_all(h0, 0)) || (c0 && !pu_const_all(c0, 0)) ||
                  (Yc && used(L, Yc));
    if (ir_node_attr(n, "clip"))
        return unsupported(L, "clip (ONNX clips gate inputs; TFLite's cell_clip clips the cell)");
    const struct ir_attr *acts = ir_node_attr(n, "activations");
    if (acts) {
        static const char *const want[6] = {"Sigmoid", "Tanh", "Tanh", "Sigmoid", "Tanh", "Tanh"};
        for (int64_t i = 0; i < acts->count && i < 6; i++)
            if (acts->v.strings[i].size != strlen(want[i]) ||
                memcmp(acts->v.strings[i].data, want[i], strlen(want[i])))
                return unsupported(L, "activations other than Sigmoid/Tanh/Tanh");
    }
    int64_t layout = pu_attr_int(n, "layout", 0);
    int64_t T = X->dims[layout ? 1 : 0].value, Bn = X->dims[layout ? 0 : 1].value;
    int64_t I = X->dims[2].value, H = pu_attr_int(n, "hidden_size", Rw->dims[2].value);
    if (seq) {
        if (!pu_is_const(seq)) return unsupported(L, "sequence_lens is not constant");
        for (uint64_t i = 0; i < pu_numel(seq); i++)
            if (pu_get_i64(seq, i) != T) return unsupported(L, "sequence_lens shorter than the input");
    }
    char db[32];
    const char *dir = pu_attr_str(n, "direction", "forward", db, sizeof db);
    int D = !strcmp(dir, "bidirectional") ? 2 : 1;
    bool reverse = !strcmp(dir, "reverse");
    if (unroll && (int64_t)T * (D == 2 ? 2 : 1) > 1024)
        return unsupported(L, "initial states or Y_c need the steps written out; %lld steps is "
                              "too many", (long long)T);
    if (L->dry) return FY_OK;
    if (unroll) return lower_lstm_unrolled(L, T, Bn, I, H, D, reverse, layout);
    float *wd = pu_const_f32(W), *rd = pu_const_f32(Rw), *bd = B ? pu_const_f32(B) : NULL;
    if (!wd || !rd || (B && !bd)) {
        free(wd), free(rd), free(bd);
        return nomem(L->err);
    }
    /* ONNX gate order i, o, f, c; TFLite's inputs are i, f, c, o */
    static const int onnx_gate[4] = {0, 2, 3, 1};
    struct ir_tensor *dir_out[2];
    int64_t yd3[3] = {T, Bn, H};
    for (int dd = 0; dd < D && !st; dd++) {
        bool rev = reverse || dd == 1;
        struct ir_tensor *xin = X;
        /* time-major [T, B, I] in, [T, B, H] out */
        if (layout) {
            static const int p[3] = {1, 0, 2};
            xin = transpose(L, "time_major", X, p, NULL, "LSTM layout=1 to time-major");
            if (!xin) {
                st = st_of(L);
                break;
            }
        }
        if (rev) {
            struct ir_tensor *ax = ci32(L, (int64_t[]){0}, 1);
            struct ir_tensor *xr = like(L, "reversed", xin);
            if (!ax || !xr || !binary(L, IR_OP_TFL_REVERSE_V2, "reverse", xin, ax, xr)) {
                st = st_of(L);
                break;
            }
            xin = xr;
        }
        struct ir_node *k = node(L, IR_OP_TFL_UNIDIRECTIONAL_SEQUENCE_LSTM, D == 2 ? (dd ? "backward" : "forward") : "", 24, 1);
        struct ir_tensor *out = tmp(L, "lstm_out", IR_F32, 3, yd3);
        if (!k || !out || pu_out(k, 0, out, L->err)) {
            st = st_of(L);
            break;
        }
        k->inputs[0] = xin;
        for (int g = 0; g < 4 && !st; g++) {
            int og = onnx_gate[g];
            int64_t wdm[2] = {H, I}, rdm[2] = {H, H};
            struct ir_tensor *wi = cf32(L, "input_weights", 2, wdm, wd + ((int64_t)dd * 4 * H + og * H) * I);
            struct ir_tensor *ri = wi ? cf32(L, "recurrent_weights", 2, rdm, rd + ((int64_t)dd * 4 * H + og * H) * H) : NULL;
            float *bias = malloc(sizeof(float) * (size_t)H);
            if (!bias) {
                st = nomem(L->err);
                break;
            }
            for (int64_t j = 0; j < H; j++)
                bias[j] = bd ? bd[dd * 8 * H + og * H + j] + bd[dd * 8 * H + 4 * H + og * H + j] : 0.0f;
            struct ir_tensor *bi = ri ? cf32(L, "gate_bias", 1, &H, bias) : NULL;
            free(bias);
            if (!bi) {
                st = st_of(L);
                break;
            }
            k->inputs[1 + g] = wi;
            k->inputs[5 + g] = ri;
            k->inputs[12 + g] = bi;
        }
        if (st) break;
        int64_t sd[2] = {Bn, H};
        struct ir_tensor *hs = tmp(L, "output_state", IR_F32, 2, sd);
        struct ir_tensor *cs = tmp(L, "cell_state", IR_F32, 2, sd);
        if (!hs || !cs) {
            st = st_of(L);
            break;
        }
        hs->is_variable = cs->is_variable = true;
        k->inputs[18] = hs;
        k->inputs[19] = cs;
        k->activation = IR_ACT_TANH;
        if (pu_set_int(k, "time_major", 1, L->err) || pu_set_float(k, "cell_clip", 0, L->err) ||
            pu_set_float(k, "proj_clip", 0, L->err)) {
            st = st_of(L);
            break;
        }
        if (rev) {
            struct ir_tensor *ax = ci32(L, (int64_t[]){0}, 1);
            struct ir_tensor *o2 = tmp(L, "lstm_out", IR_F32, 3, yd3);
            if (!ax || !o2 || !binary(L, IR_OP_TFL_REVERSE_V2, "unreverse", out, ax, o2)) {
                st = st_of(L);
                break;
            }
            out = o2;
        }
        dir_out[dd] = out;
    }
    free(wd), free(rd), free(bd);
    if (st) return st;
    /* Y: [T, D, B, H] (layout 0) or [B, T, D, H] (layout 1) */
    struct ir_tensor *ycat;
    int64_t y4[4] = {T, D, Bn, H};
    if (D == 1) {
        ycat = reshape(L, "num_directions", dir_out[0], 4, y4, NULL);
    } else {
        int64_t e4[4] = {T, 1, Bn, H};
        struct ir_tensor *a = reshape(L, "fw_dir", dir_out[0], 4, e4, NULL);
        struct ir_tensor *b = a ? reshape(L, "bw_dir", dir_out[1], 4, e4, NULL) : NULL;
        ycat = b ? tmp(L, "directions", IR_F32, 4, y4) : NULL;
        struct ir_node *c = ycat ? node(L, IR_OP_TFL_CONCATENATION, "directions", 2, 1) : NULL;
        if (!c || pu_out(c, 0, ycat, L->err) || pu_set_int(c, "axis", 1, L->err)) return st_of(L);
        c->inputs[0] = a;
        c->inputs[1] = b;
    }
    if (!ycat) return st_of(L);
    if (Y && used(L, Y)) {
        if (layout) {
            static const int p[4] = {2, 0, 1, 3};
            if (!transpose(L, "batch_major", ycat, p, Y, "LSTM layout=1 output")) return st_of(L);
        } else {
            if (!reshape(L, "Y", ycat, 4, y4, Y)) return st_of(L);
        }
    }
    if (Yh && used(L, Yh)) {
        /* last step of the forward pass, first step of the reverse one */
        struct ir_tensor *parts[2];
        for (int dd = 0; dd < D; dd++) {
            bool rev = reverse || dd == 1;
            int64_t b3[3] = {rev ? 0 : T - 1, 0, 0}, s3[3] = {1, Bn, H};
            struct ir_tensor *tb = ci32(L, b3, 3), *ts = tb ? ci32(L, s3, 3) : NULL;
            int64_t pd[3] = {1, Bn, H};
            parts[dd] = ts ? tmp(L, "last_h", IR_F32, 3, pd) : NULL;
            if (!parts[dd] || !emit(L, IR_OP_TFL_SLICE, "last_h", parts[dd], 3, dir_out[dd], tb, ts, NULL))
                return st_of(L);
        }
        int64_t hd[3] = {D, Bn, H};
        if (layout) hd[0] = Bn, hd[1] = D;
        if (D == 1) {
            if (!reshape(L, "Y_h", parts[0], 3, hd, Yh)) return st_of(L);
        } else {
            int64_t cd[3] = {2, Bn, H};
            struct ir_tensor *cc = tmp(L, "Y_h_dirs", IR_F32, 3, cd);
            struct ir_node *c = cc ? node(L, IR_OP_TFL_CONCATENATION, "Y_h", 2, 1) : NULL;
            if (!c || pu_out(c, 0, cc, L->err) || pu_set_int(c, "axis", 0, L->err)) return st_of(L);
            c->inputs[0] = parts[0];
            c->inputs[1] = parts[1];
            if (layout) {
                static const int p[3] = {1, 0, 2};
                if (!transpose(L, "Y_h_batch_major", cc, p, Yh, "LSTM layout=1 Y_h")) return st_of(L);
            } else if (!reshape(L, "Y_h", cc, 3, hd, Yh)) {
                return st_of(L);
            }
        }
    }
    return note_decomp(L, D == 2 ? "2 UNIDIRECTIONAL_SEQUENCE_LSTM, REVERSE_V2, CONCATENATION"
                                 : reverse ? "UNIDIRECTIONAL_SEQUENCE_LSTM, REVERSE_V2"
                                           : "UNIDIRECTIONAL_SEQUENCE_LSTM");
}

/* BatchNormalization in training mode: the batch's own statistics, over
 * every axis but the channel one; only Y may be used. */
static fy_status lower_bn_training(struct lw *L)
{
    struct ir_node *n = L->n;
    fy_status st = need_static(L);
    if (st) return st;
    struct ir_tensor *x = n->inputs[0], *y = n->outputs[0];
    if ((st = need_float(L, x))) return st;
    if (!pu_attr_int(n, "training_mode", 0))
        return unsupported(L, "parameters are not constant: nothing to fold into and no TFLite "
                              "builtin");
    for (int i = 1; i < n->n_outputs; i++)
        if (used(L, n->outputs[i]))
            return unsupported(L, "training mode with the running statistics outputs used");
    if (!pu_is_const(n->inputs[1]) || !pu_is_const(n->inputs[2]))
        return unsupported(L, "scale and B are not constant");
    if (x->rank < 2) return unsupported(L, "rank %d", x->rank);
    if (L->dry) return FY_OK;
    int64_t axes[R], cd[R];
    int na = 0;
    axes[na++] = 0;
    for (int i = 2; i < x->rank; i++) axes[na++] = i;
    cd[0] = x->dims[1].value;
    for (int i = 1; i < x->rank - 1; i++) cd[i] = 1;
    float *sc = pu_const_f32(n->inputs[1]), *bs = pu_const_f32(n->inputs[2]);
    struct ir_tensor *g = sc ? cf32(L, "scale", x->rank - 1, cd, sc) : NULL;
    struct ir_tensor *b = bs && g ? cf32(L, "shift", x->rank - 1, cd, bs) : NULL;
    free(sc);
    free(bs);
    if (!b) return st_of(L);
    st = normalize(L, x, axes, na, pu_attr_float(n, "epsilon", 1e-5f), g, b, y);
    if (st) return st;
    return note_decomp(L, "training-mode batch statistics: MEAN, SQUARED_DIFFERENCE, MEAN, ADD, "
                          "RSQRT, SUB, MUL, MUL, ADD");
}

/* Attention (opset 23) on 4-D Q, K, V [B, heads, S, D] without mask, cache or
 * causal masking: softmax(Q·Kᵀ·scale)·V. */
static fy_status lower_attention(struct lw *L)
{
    struct ir_node *n = L->n;
    fy_status st = need_static(L);
    if (st) return st;
    struct ir_tensor *q = n->inputs[0], *k = n->inputs[1], *v = n->inputs[2], *y = n->outputs[0];
    if ((st = need_float(L, q))) return st;
    if (q->rank != 4 || k->rank != 4 || v->rank != 4)
        return unsupported(L, "3-D (packed heads) inputs");
    for (int i = 3; i < n->n_inputs; i++)
        if (n->inputs[i]) return unsupported(L, "input %d (mask or cache) is given", i);
    for (int i = 1; i < n->n_outputs; i++)
        if (used(L, n->outputs[i])) return unsupported(L, "output %d (cache or QK) is used", i);
    if (pu_attr_int(n, "is_causal", 0)) return unsupported(L, "is_causal");
    if (pu_attr_float(n, "softcap", 0) != 0) return unsupported(L, "softcap");
    if (q->dims[1].value != k->dims[1].value || k->dims[1].value != v->dims[1].value)
        return unsupported(L, "grouped-query heads (%lld query, %lld key/value)",
                           (long long)q->dims[1].value, (long long)k->dims[1].value);
    if (L->dry) return FY_OK;
    float scale = ir_node_attr(n, "scale") ? pu_attr_float(n, "scale", 1.0f)
                                           : (float)(1.0 / sqrt((double)q->dims[3].value));
    int64_t sd[4] = {q->dims[0].value, q->dims[1].value, q->dims[2].value, k->dims[2].value};
    struct ir_tensor *s = tmp(L, "scores", IR_F32, 4, sd), *ss = tmp(L, "scaled", IR_F32, 4, sd);
    struct ir_tensor *p = tmp(L, "probs", IR_F32, 4, sd);
    struct ir_tensor *c = cf32_scalar(L, "scale", scale);
    struct ir_tensor *ce = c ? expand_rank(L, c, 4) : NULL;
    struct ir_node *m1 = s ? binary(L, IR_OP_TFL_BATCH_MATMUL, "qk", q, k, s) : NULL;
    struct ir_node *sm;
    if (!m1 || !ss || !p || !ce || pu_set_int(m1, "adj_y", 1, L->err) ||
        !binary(L, IR_OP_TFL_MUL, "scale", s, ce, ss) ||
        !(sm = unary(L, IR_OP_TFL_SOFTMAX, "softmax", ss, p)) ||
        pu_set_float(sm, "beta", 1.0f, L->err) || !binary(L, IR_OP_TFL_BATCH_MATMUL, "", p, v, y))
        return st_of(L);
    return note_decomp(L, "BATCH_MATMUL, MUL, SOFTMAX, BATCH_MATMUL");
}

/* ---- the op table ---- */

/* ---- If → IF ---- */

static fy_status lower_run(struct ir_model *m, struct pass_report *r, struct fy_error *err);

static struct ir_graph *if_branch(const struct ir_node *n, const char *name)
{
    const struct ir_attr *a = ir_node_attr(n, name);
    return a && a->type == IR_ATTR_GRAPH ? a->v.g : NULL;
}

/* The enclosing-graph values the two branches read (constants are copied
 * into the branches instead), in first-use order; count or -1 with L->why. */
static int if_captures(struct lw *L, struct ir_graph *const br[2], struct ir_tensor **caps, int cap)
{
    int k = 0;
    if (!br[0]->parent) {
        /* converted during the check: the branch inputs name them */
        for (int i = 0; i < br[0]->n_inputs && i < cap; i++)
            if (!(caps[k++] = ir_graph_find_tensor(L->g, br[0]->inputs[i]->name))) {
                unsupported(L, "branch input '%s' is not a value of the graph holding the If",
                            br[0]->inputs[i]->name);
                return -1;
            }
        return k;
    }
    for (int b = 0; b < 2; b++)
        for (int i = 0; i < br[b]->n_tensors; i++) {
            const struct ir_tensor *t = br[b]->tensors[i];
            if (t->kind != IR_TENSOR_OUTER) continue;
            struct ir_tensor *o = ir_graph_find_tensor(L->g, t->name);
            if (!o) {
                unsupported(L, "a branch reads '%s', which is not a value of the graph holding "
                               "the If", t->name);
                return -1;
            }
            if (o->kind == IR_TENSOR_CONST) continue;
            bool seen = false;
            for (int q = 0; q < k; q++) seen |= caps[q] == o;
            if (seen) continue;
            if (k == cap) {
                unsupported(L, "the branches read more than %d outer values", cap);
                return -1;
            }
            caps[k++] = o;
        }
    return k;
}

/* A branch as a TFLite subgraph: its reads of outer values become its
 * inputs (the same list, caps, for both branches, as IF requires), outer
 * constants are copied in, shapes are inferred and every node is lowered
 * (lower_run on the branch). */
static fy_status if_convert_branch(struct lw *L, struct ir_graph *g, struct ir_tensor **caps,
                                   int ncap, const char *which)
{
    for (int i = 0; i < g->n_nodes; i++)
        for (int a = 0; a < g->nodes[i]->n_attrs; a++)
            if (g->nodes[i]->attrs[a].type == IR_ATTR_GRAPH ||
                g->nodes[i]->attrs[a].type == IR_ATTR_GRAPHS)
                return unsupported(L, "%s: control flow nested in a branch is not converted",
                                   which);
    if (!g->parent) return FY_OK; /* converted during the check */
    if (g->n_inputs)
        return unsupported(L, "%s: the branch declares inputs", which);
    for (int i = 0; i < ncap; i++) {
        const struct ir_tensor *o = caps[i];
        if (!pu_static(o) || !tfl_dtype_ok(o->dtype))
            return unsupported(L, "the branches read '%s', which has no static shape or a type "
                                  "TFLite kernels do not take", o->name);
    }
    if (!g->parent) return FY_OK; /* converted during the check */
    g->parent = NULL;
    for (int i = 0; i < ncap; i++) {
        const struct ir_tensor *o = caps[i];
        struct ir_tensor *t = ir_graph_find_tensor(g, o->name);
        if (!t && !(t = ir_graph_add_tensor(g, o->name, L->err))) return st_of(L);
        int64_t d[R];
        pu_dims(o, d);
        t->kind = IR_TENSOR_VALUE;
        t->dtype = o->dtype;
        t->has_type = true;
        if (ir_tensor_set_shape(g, t, o->rank, d, L->err) || ir_graph_add_input(g, t, L->err))
            return st_of(L);
    }
    for (int i = 0; i < g->n_tensors; i++) {
        struct ir_tensor *t = g->tensors[i];
        if (t->kind != IR_TENSOR_OUTER) continue;
        const struct ir_tensor *o = ir_graph_find_tensor(L->g, t->name);
        if (!o || o->kind != IR_TENSOR_CONST)
            return err_fmt(L->err, FY_EINTERNAL, "%s: outer value '%s' left unmapped", which,
                           t->name);
        int64_t d[R];
        pu_dims(o, d);
        t->kind = IR_TENSOR_CONST;
        t->dtype = o->dtype;
        t->data = o->data;
        t->nbytes = o->nbytes;
        t->has_type = true;
        if (ir_tensor_set_shape(g, t, o->rank, d, L->err) ||
            ir_graph_add_initializer(g, t, L->err))
            return st_of(L);
    }
    struct ir_graph *main_g = L->m->graph;
    L->m->graph = g;
    int changed = 0;
    fy_status st = pu_infer_shapes(L->m, &changed, L->err);
    if (!st) st = lower_run(L->m, L->r, L->err);
    L->m->graph = main_g;
    if (st == FY_EUNSUPPORTED) {
        snprintf(L->why, sizeof L->why, "%s: %s", which, L->err->message);
        memset(L->err, 0, sizeof *L->err);
        return FY_EUNSUPPORTED;
    }
    if (st) return st;
    for (int i = 0; i < g->n_outputs; i++)
        if (!pu_static(g->outputs[i]))
            return unsupported(L, "%s: output '%s' has no static shape", which,
                               g->outputs[i]->name);
    /* TFLite's IF (and WHILE) resize a branch's inputs by tensor index
     * (Subgraph::ResizeInputTensor(i, ...) for input i), so input i must be
     * tensor i, as TensorFlow's converter lays subgraphs out */
    struct ir_tensor **ts = ARENA_ARRAY(&L->m->arena, g->n_tensors + 1, struct ir_tensor *);
    if (!ts) return nomem(L->err);
    int nt = 0;
    for (int i = 0; i < g->n_inputs; i++) {
        for (int q = 0; q < nt; q++)
            if (ts[q] == g->inputs[i])
                return unsupported(L, "%s: an input is listed twice", which);
        ts[nt++] = g->inputs[i];
    }
    for (int i = 0; i < g->n_tensors; i++) {
        bool in = false;
        for (int q = 0; q < g->n_inputs; q++) in |= g->inputs[q] == g->tensors[i];
        if (!in) ts[nt++] = g->tensors[i];
    }
    for (int i = 0; i < nt; i++) {
        g->tensors[i] = ts[i];
        ts[i]->id = i;
        ts[i]->origin = ts[i]->name;
    }
    return FY_OK;
}

/* If → TFLite IF: the branches become subgraphs (model->tflite->subgraphs,
 * then_subgraph_index / else_subgraph_index), the values they read its
 * operands after the condition. Where the branches give different shapes,
 * those dims of the IF's outputs stay dynamic (-1 in shape_signature):
 * TFLite's IF then resizes its outputs to the branch that ran. The node is
 * tfl.IF, which ferry's interpreter runs (ops/tfl_control.c). */
static fy_status lower_if(struct lw *L)
{
    struct ir_node *n = L->n;
    if (L->g != L->m->graph || L->g->parent)
        return unsupported(L, "an If inside a branch is not converted");
    struct ir_graph *br[2] = {if_branch(n, "then_branch"), if_branch(n, "else_branch")};
    if (!br[0] || !br[1]) return unsupported(L, "a branch is missing");
    struct ir_tensor *c = n->n_inputs ? n->inputs[0] : NULL;
    if (!c || c->dtype != IR_BOOL || !pu_static(c) || pu_numel(c) != 1)
        return unsupported(L, "the condition is not a static single bool");
    for (int b = 0; b < 2; b++)
        if (br[b]->n_outputs != n->n_outputs)
            return unsupported(L, "a branch gives %d outputs for %d", br[b]->n_outputs,
                               n->n_outputs);
    for (int i = 0; i < n->n_outputs; i++)
        if (!n->outputs[i] || !tfl_dtype_ok(n->outputs[i]->dtype))
            return unsupported(L, "output %d is left out or of a type TFLite kernels do not give", i);
    struct ir_tensor *caps[64];
    int ncap = if_captures(L, br, caps, 64);
    if (ncap < 0) return FY_EUNSUPPORTED;
    static const char *const which[2] = {"then_branch", "else_branch"};
    if (L->dry) {
        for (int b = 0; b < 2; b++) {
            fy_status st = if_convert_branch(L, br[b], caps, ncap, which[b]);
            if (st) return st;
        }
        for (int i = 0; i < n->n_outputs; i++) {
            const struct ir_tensor *a = br[0]->outputs[i], *b = br[1]->outputs[i];
            if (a->rank != b->rank || a->dtype != b->dtype)
                return unsupported(L, "the branches give output %d with different ranks or types",
                                   i);
        }
        return FY_OK;
    }
    for (int b = 0; b < 2; b++) {
        fy_status st = if_convert_branch(L, br[b], caps, ncap, which[b]);
        if (st) return st;
        char nm[600];
        snprintf(nm, sizeof nm, "%s/%s", L->label, b ? "else" : "then");
        br[b]->name = arena_strdup(&L->m->arena, nm);
        if (!br[b]->name) return nomem(L->err);
    }
    for (int i = 0; i < n->n_outputs; i++) {
        const struct ir_tensor *a = br[0]->outputs[i], *b = br[1]->outputs[i];
        if (a->rank != b->rank || a->dtype != b->dtype || a->dtype != n->outputs[i]->dtype)
            return err_node(L->err, FY_EUNSUPPORTED, L->label, n->op_type,
                            "the branches give output %d with different ranks or types", i);
        int64_t d[R];
        for (int k = 0; k < a->rank; k++)
            d[k] = a->dims[k].value == b->dims[k].value ? a->dims[k].value : -1;
        if (ir_tensor_set_shape(L->g, n->outputs[i], a->rank, d, L->err)) return st_of(L);
    }
    struct ir_tflite_info *info = L->m->tflite;
    if (!info) {
        info = ARENA_NEW(&L->m->arena, struct ir_tflite_info);
        if (!info) return nomem(L->err);
        L->m->tflite = info;
    }
    if (info->n_subgraphs == 0) {
        info->subgraphs = ARENA_ARRAY(&L->m->arena, 1, struct ir_graph *);
        if (!info->subgraphs) return nomem(L->err);
        info->subgraphs[0] = L->m->graph;
        info->n_subgraphs = 1;
    }
    struct ir_graph **sg = ARENA_ARRAY(&L->m->arena, info->n_subgraphs + 2, struct ir_graph *);
    if (!sg) return nomem(L->err);
    memcpy(sg, info->subgraphs, sizeof *sg * (size_t)info->n_subgraphs);
    int ti = info->n_subgraphs;
    sg[ti] = br[0];
    sg[ti + 1] = br[1];
    info->subgraphs = sg;
    info->n_subgraphs += 2;
    info->subgraph_debug_metadata = NULL;
    struct ir_node *k = ir_graph_add_node(L->g, IR_OP_TFL_IF, "IF", "", L->label, 1 + ncap,
                                          n->n_outputs, L->err);
    if (!k) return st_of(L);
    k->origin = L->label;
    k->rounding = IR_ROUND_TFLITE;
    k->version = 1;
    k->inputs[0] = c;
    for (int i = 0; i < ncap; i++) k->inputs[1 + i] = caps[i];
    for (int i = 0; i < n->n_outputs; i++)
        if (pu_out(k, i, n->outputs[i], L->err)) return st_of(L);
    if (pu_set_int(k, "then_subgraph_index", ti, L->err) ||
        pu_set_int(k, "else_subgraph_index", ti + 1, L->err))
        return st_of(L);
    return note_decomp(L, "IF (then and else branches as TFLite subgraphs)");
}

static fy_status lower_node(struct lw *L)
{
    struct ir_node *n = L->n;
    if (n->op == IR_OP_OPAQUE)
        return unsupported(L, "op '%s%s%s' is unknown to ferry and has no TFLite builtin",
                           n->domain[0] ? n->domain : "", n->domain[0] ? "::" : "", n->op_type);
    if (n->domain[0] && strcmp(n->domain, "ai.onnx"))
        return unsupported(L, "domain '%s'", n->domain);
    if (pu_is_tfl(n->op)) return FY_OK; /* already TFLite */
    if (unary_map(n->op) != IR_OP_OPAQUE) return lower_unary(L);
    if (binary_map(n->op) != IR_OP_OPAQUE) return lower_binary(L);
    switch (n->op) {
    case IR_OP_LEAKY_RELU: case IR_OP_ELU: case IR_OP_GELU: case IR_OP_RECIPROCAL:
    case IR_OP_SOFTPLUS: case IR_OP_SOFTSIGN: case IR_OP_SWISH: case IR_OP_MISH:
    case IR_OP_HARD_SIGMOID: case IR_OP_CELU: case IR_OP_SELU: case IR_OP_THRESHOLDED_RELU:
    case IR_OP_SHRINK:
        return lower_activation_like(L);
    case IR_OP_CLIP: return lower_clip(L);
    case IR_OP_P_RELU: return lower_prelu(L);
    case IR_OP_IDENTITY: case IR_OP_DROPOUT: return lower_alias(L);
    case IR_OP_CAST: case IR_OP_CAST_LIKE: return lower_cast(L);
    case IR_OP_CONV: return lower_conv(L);
    case IR_OP_MAX_POOL: case IR_OP_AVERAGE_POOL: return lower_pool(L);
    case IR_OP_GLOBAL_AVERAGE_POOL: case IR_OP_GLOBAL_MAX_POOL: return lower_global_pool(L);
    case IR_OP_GEMM: return lower_gemm(L);
    case IR_OP_MAT_MUL: return lower_matmul(L);
    case IR_OP_RESHAPE: case IR_OP_FLATTEN: case IR_OP_SQUEEZE: case IR_OP_UNSQUEEZE:
        return lower_reshape_like(L);
    case IR_OP_TRANSPOSE: return lower_transpose(L);
    case IR_OP_CONCAT: return lower_concat(L);
    case IR_OP_SPLIT: return lower_split(L);
    case IR_OP_SLICE: return lower_slice(L);
    case IR_OP_GATHER: return lower_gather(L);
    case IR_OP_REDUCE_MEAN: case IR_OP_REDUCE_SUM: case IR_OP_REDUCE_MAX: case IR_OP_REDUCE_MIN:
    case IR_OP_REDUCE_PROD: case IR_OP_REDUCE_SUM_SQUARE: case IR_OP_REDUCE_L2:
        return lower_reduce(L);
    case IR_OP_ARG_MAX: case IR_OP_ARG_MIN: return lower_argmax(L);
    case IR_OP_SOFTMAX: case IR_OP_LOG_SOFTMAX: return lower_softmax(L);
    case IR_OP_PAD: return lower_pad(L);
    case IR_OP_WHERE: return lower_where(L);
    case IR_OP_EXPAND: return lower_expand(L);
    case IR_OP_TILE: return lower_tile(L);
    case IR_OP_RESIZE: case IR_OP_UPSAMPLE: return lower_resize(L);
    case IR_OP_LRN: return lower_lrn(L);
    case IR_OP_DEPTH_TO_SPACE: case IR_OP_SPACE_TO_DEPTH: return lower_depth_space(L);
    case IR_OP_LAYER_NORMALIZATION: return lower_layernorm(L);
    case IR_OP_INSTANCE_NORMALIZATION: return lower_instnorm(L);
    case IR_OP_GROUP_NORMALIZATION: return lower_groupnorm(L);
    case IR_OP_LSTM: return lower_lstm(L);
    case IR_OP_BATCH_NORMALIZATION: return lower_bn_training(L);
    case IR_OP_ATTENTION: return lower_attention(L);
    case IR_OP_ERF:
        return unsupported(L, "no TFLite builtin (Erf is converted only as part of GELU, "
                              "x*0.5*(1+erf(x/sqrt(2))))");
    case IR_OP_IF: return lower_if(L);
    case IR_OP_LOOP: case IR_OP_SCAN:
        return unsupported(L, "control flow: TFLite has WHILE, but ferry's converter does not "
                              "emit subgraphs yet (a Loop with a constant trip count and no "
                              "scan outputs is unrolled)");
    case IR_OP_QUANTIZE_LINEAR: case IR_OP_DEQUANTIZE_LINEAR: case IR_OP_DYNAMIC_QUANTIZE_LINEAR:
    case IR_OP_Q_LINEAR_CONV: case IR_OP_Q_LINEAR_MAT_MUL: case IR_OP_CONV_INTEGER:
    case IR_OP_MAT_MUL_INTEGER:
        return unsupported(L, "quantized ONNX graphs are not converted to TFLite (float32 only)");
    case IR_OP_GRID_SAMPLE: return lower_grid_sample(L);
    case IR_OP_CONV_TRANSPOSE: return lower_conv_transpose(L);
    default: break;
    }
    return unsupported(L, "no TFLite mapping in ferry");
}

/* ---- exporter patterns ---- */

static struct ir_node *only_user(struct lw *L, const struct ir_tensor *t)
{
    return t ? pu_single_user(&L->uses, t) : NULL;
}

static bool is_op(const struct ir_node *n, enum ir_op op) { return n && n->op == op; }

/* The other input of a binary node (the one that is not t). */
static struct ir_tensor *other(const struct ir_node *n, const struct ir_tensor *t)
{
    if (n->n_inputs != 2) return NULL;
    return n->inputs[0] == t ? n->inputs[1] : n->inputs[1] == t ? n->inputs[0] : NULL;
}

static bool near(double a, double b) { return fabs(a - b) <= 1e-4 * fabs(b); }

/* Reduce axes of a ReduceMean node (normalized), count or -1. */
static int mean_axes(struct lw *L, const struct ir_node *n, int64_t *axes)
{
    if (!is_op(n, IR_OP_REDUCE_MEAN) || !n->inputs[0] || n->inputs[0]->rank < 1) return -1;
    if (pu_attr_int(n, "keepdims", 1) == 0) return -1;
    struct ir_node *save = L->n;
    L->n = (struct ir_node *)(uintptr_t)n;
    int c = reduce_axes(L, n->inputs[0], axes);
    L->n = save;
    return c;
}

/* ReduceMean → Sub → Pow(2) → ReduceMean → Add(eps) → Sqrt → Div, then
 * optionally Mul(γ) and Add(β): one LayerNormalization over the trailing
 * axes. The Div (or the Mul/Add after it) becomes the node. */
static fy_status match_layernorm(struct lw *L, struct ir_node *m1)
{
    int64_t ax[R], ax2[R];
    int na = mean_axes(L, m1, ax);
    struct ir_tensor *x = m1->inputs[0];
    if (na < 1 || !pu_static(x) || x->dtype != IR_F32) return FY_OK;
    for (int i = 0; i < na; i++)
        if (ax[i] != x->rank - na + i) return FY_OK;
    /* Sub(x, mean): the mean's readers are the Sub only */
    struct ir_node *sub = only_user(L, m1->outputs[0]);
    if (!is_op(sub, IR_OP_SUB) || sub->inputs[0] != x || sub->inputs[1] != m1->outputs[0]) return FY_OK;
    struct ir_tensor *d = sub->outputs[0];
    /* d read by Pow and Div */
    int b = L->uses.offset[d->id], e = L->uses.offset[d->id + 1];
    if (e - b != 2 || L->uses.is_output[d->id]) return FY_OK;
    struct ir_node *pw = NULL, *dv = NULL;
    for (int k = b; k < e; k++) {
        struct ir_node *u = L->uses.node[k];
        if (u->op == IR_OP_POW && u->inputs[0] == d) pw = u;
        else if (u->op == IR_OP_DIV && u->inputs[0] == d) dv = u;
        else if (u->op == IR_OP_MUL && u->inputs[0] == d && u->inputs[1] == d) pw = u;
    }
    double v;
    if (!pw || !dv) return FY_OK;
    if (pw->op == IR_OP_POW && (!pu_const_scalar(pw->inputs[1], &v) || v != 2)) return FY_OK;
    struct ir_node *m2 = only_user(L, pw->outputs[0]);
    int na2 = mean_axes(L, m2, ax2);
    if (na2 != na || m2->inputs[0] != pw->outputs[0]) return FY_OK;
    for (int i = 0; i < na; i++)
        if (ax2[i] != ax[i]) return FY_OK;
    struct ir_node *ad = only_user(L, m2->outputs[0]);
    double eps;
    if (!is_op(ad, IR_OP_ADD) || !pu_const_scalar(other(ad, m2->outputs[0]), &eps)) return FY_OK;
    struct ir_node *sq = only_user(L, ad->outputs[0]);
    if (!is_op(sq, IR_OP_SQRT) || only_user(L, sq->outputs[0]) != dv || dv->inputs[1] != sq->outputs[0])
        return FY_OK;
    /* optional affine */
    struct ir_node *last = dv;
    struct ir_tensor *gamma = NULL, *beta = NULL;
    struct ir_node *mul = only_user(L, dv->outputs[0]);
    int64_t D = 1;
    for (int i = 0; i < na; i++) D *= x->dims[x->rank - na + i].value;
    if (is_op(mul, IR_OP_MUL)) {
        struct ir_tensor *g = other(mul, dv->outputs[0]);
        if (pu_is_const(g) && (int64_t)pu_numel(g) == D && g->rank <= na) {
            gamma = g;
            last = mul;
            struct ir_node *add = only_user(L, mul->outputs[0]);
            if (is_op(add, IR_OP_ADD)) {
                struct ir_tensor *bb = other(add, mul->outputs[0]);
                if (pu_is_const(bb) && (int64_t)pu_numel(bb) == D && bb->rank <= na) {
                    beta = bb;
                    last = add;
                }
            }
        }
    }
    if (last->activation != IR_ACT_NONE || m1->activation || sub->activation || dv->activation)
        return FY_OK;
    /* the last node becomes LayerNormalization(x, γ, β) over the trailing axes */
    struct ir_graph *g = L->g;
    int64_t dd[R];
    for (int i = 0; i < na; i++) dd[i] = x->dims[x->rank - na + i].value;
    float *gv = gamma ? pu_const_f32(gamma) : NULL, *bv = beta ? pu_const_f32(beta) : NULL;
    float *ones = NULL, *zeros = NULL;
    if (!gamma) {
        ones = malloc(sizeof(float) * (size_t)D);
        if (ones)
            for (int64_t i = 0; i < D; i++) ones[i] = 1.0f;
    }
    if (!beta) zeros = calloc((size_t)D, sizeof(float));
    struct ir_tensor *gt = NULL, *bt = NULL;
    if ((gamma && !gv) || (beta && !bv) || (!gamma && !ones) || (!beta && !zeros)) {
        free(gv), free(bv), free(ones), free(zeros);
        return nomem(L->err);
    }
    gt = pu_const(g, gamma ? gamma->name : "ln_gamma", IR_F32, na, dd, gamma ? gv : ones, L->err);
    bt = gt ? pu_const(g, beta ? beta->name : "ln_beta", IR_F32, na, dd, beta ? bv : zeros, L->err) : NULL;
    free(gv), free(bv), free(ones), free(zeros);
    if (!bt) return st_of(L);
    struct ir_node *ln = pu_node(g, IR_OP_LAYER_NORMALIZATION, pu_node_label(last), 3, 1, L->err);
    if (!ln) return st_of(L);
    struct ir_tensor *y = last->outputs[0];
    pu_detach_output(y);
    ln->inputs[0] = x;
    ln->inputs[1] = gt;
    ln->inputs[2] = bt;
    if (pu_out(ln, 0, y, L->err) || pu_set_int(ln, "axis", x->rank - na, L->err) ||
        pu_set_float(ln, "epsilon", (float)eps, L->err))
        return st_of(L);
    L->r->changes++;
    return pass_note(L->r, &L->r->decompositions, pu_node_label(m1), "ReduceMean",
                     "LayerNormalization pattern (ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, "
                     "Div%s) recognised, lowered as one normalization",
                     gamma ? (beta ? ", Mul, Add" : ", Mul") : "")
               ? nomem(L->err)
               : FY_OK;
}

/* The tail both GELU patterns share: (1 + f)·x·½ with the two Muls in either
 * order, f being the Erf's or the Tanh's output; replaces the pattern's last
 * node with one GELU of x. */
static fy_status gelu_replace_tail(struct lw *L, struct ir_node *f, struct ir_tensor *x,
                                   const char *approximate, const char *what)
{
    double v;
    struct ir_node *add = only_user(L, f->outputs[0]);
    if (!is_op(add, IR_OP_ADD) || !pu_const_scalar(other(add, f->outputs[0]), &v) || v != 1)
        return FY_OK;
    struct ir_node *m1 = only_user(L, add->outputs[0]);
    if (!is_op(m1, IR_OP_MUL)) return FY_OK;
    struct ir_tensor *o1 = other(m1, add->outputs[0]);
    struct ir_node *last;
    if (o1 == x) {
        /* (1+f)·x, then ·½ */
        struct ir_node *m2 = only_user(L, m1->outputs[0]);
        if (!is_op(m2, IR_OP_MUL) || !pu_const_scalar(other(m2, m1->outputs[0]), &v) || v != 0.5)
            return FY_OK;
        last = m2;
    } else {
        /* (x·½)·(1+f) */
        struct ir_node *h = o1 ? o1->producer : NULL;
        if (!is_op(h, IR_OP_MUL) || !pu_const_scalar(other(h, x), &v) || v != 0.5) return FY_OK;
        last = m1;
    }
    if (last->activation != IR_ACT_NONE || !pu_static(x) || x->dtype != IR_F32) return FY_OK;
    struct ir_node *gl = pu_node(L->g, IR_OP_GELU, pu_node_label(last), 1, 1, L->err);
    if (!gl) return st_of(L);
    struct ir_tensor *y = last->outputs[0];
    pu_detach_output(y);
    gl->inputs[0] = x;
    if (pu_out(gl, 0, y, L->err) || pu_set_str(gl, "approximate", approximate, L->err))
        return st_of(L);
    L->r->changes++;
    return pass_note(L->r, &L->r->decompositions, pu_node_label(f), ir_op_name(f->op), what)
               ? nomem(L->err)
               : FY_OK;
}

/* x / √2 → Erf → + 1 → · x → · ½ (any order of the two Muls): GELU. */
static fy_status match_gelu(struct lw *L, struct ir_node *erf)
{
    if (!is_op(erf, IR_OP_ERF)) return FY_OK;
    struct ir_node *div = erf->inputs[0] ? erf->inputs[0]->producer : NULL;
    double v;
    struct ir_tensor *x;
    if (is_op(div, IR_OP_DIV) && pu_const_scalar(div->inputs[1], &v) && near(v, sqrt(2.0)))
        x = div->inputs[0];
    else if (is_op(div, IR_OP_MUL) && pu_const_scalar(other(div, div->inputs[0]), &v) &&
             near(v, 1 / sqrt(2.0)))
        x = pu_is_const(div->inputs[0]) ? div->inputs[1] : div->inputs[0];
    else
        return FY_OK;
    if (only_user(L, div->outputs[0]) != erf) return FY_OK;
    return gelu_replace_tail(L, erf, x, "none",
                             "GELU pattern x*0.5*(1+erf(x/sqrt(2))) recognised: GELU");
}

/* 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))): GELU(approximate). */
static fy_status match_gelu_tanh(struct lw *L, struct ir_node *th)
{
    if (!is_op(th, IR_OP_TANH)) return FY_OK;
    struct ir_node *ms = th->inputs[0]->producer;
    double v;
    if (!is_op(ms, IR_OP_MUL)) return FY_OK;
    struct ir_tensor *inner = pu_is_const(ms->inputs[0]) ? ms->inputs[1] : ms->inputs[0];
    if (!pu_const_scalar(other(ms, inner), &v) || !near(v, sqrt(2.0 / M_PI))) return FY_OK;
    struct ir_node *ad = inner->producer;
    if (!is_op(ad, IR_OP_ADD)) return FY_OK;
    /* x + 0.044715·x³ : one input is x, the other a Mul(c, x³) */
    struct ir_tensor *x = NULL;
    for (int i = 0; i < 2 && !x; i++) {
        struct ir_node *cm = ad->inputs[1 - i]->producer;
        if (!is_op(cm, IR_OP_MUL)) continue;
        struct ir_tensor *cube = pu_is_const(cm->inputs[0]) ? cm->inputs[1] : cm->inputs[0];
        if (!pu_const_scalar(other(cm, cube), &v) || !near(v, 0.044715)) continue;
        struct ir_node *pw = cube->producer;
        double e;
        if (is_op(pw, IR_OP_POW) && pw->inputs[0] == ad->inputs[i] &&
            pu_const_scalar(pw->inputs[1], &e) && e == 3)
            x = ad->inputs[i];
    }
    if (!x) return FY_OK;
    return gelu_replace_tail(L, th, x, "tanh", "tanh GELU pattern recognised: GELU(approximate)");
}

static fy_status rebuild_uses(struct lw *L)
{
    pu_uses_free(&L->uses);
    return pu_uses_build(L->g, &L->uses, L->err);
}

static fy_status patterns(struct lw *L)
{
    fy_status st = rebuild_uses(L);
    int nn = L->g->n_nodes;
    for (int i = 0; i < nn && !st; i++) {
        struct ir_node *n = L->g->nodes[i];
        if (n->op == IR_OP_REDUCE_MEAN) {
            st = match_layernorm(L, n);
            if (!st) st = rebuild_uses(L);
        } else if (n->op == IR_OP_ERF) {
            st = match_gelu(L, n);
            if (!st) st = rebuild_uses(L);
        } else if (n->op == IR_OP_TANH) {
            st = match_gelu_tanh(L, n);
            if (!st) st = rebuild_uses(L);
        }
    }
    if (!st) st = pu_sweep(L->g, L->err);
    if (!st) st = rebuild_uses(L);
    return st;
}

/* MatMul (constant [K, N] weights) whose only reader is Add(·, bias[N]). */
static void find_bias_adds(struct lw *L)
{
    for (int i = 0; i < L->g->n_nodes; i++) {
        struct ir_node *mm = L->g->nodes[i];
        if (mm->op != IR_OP_MAT_MUL || !pu_is_const(mm->inputs[1]) || mm->inputs[1]->rank != 2 ||
            mm->activation != IR_ACT_NONE || !mm->outputs[0])
            continue;
        struct ir_node *add = only_user(L, mm->outputs[0]);
        if (!is_op(add, IR_OP_ADD)) continue;
        struct ir_tensor *b = other(add, mm->outputs[0]);
        int64_t N = mm->inputs[1]->dims[1].value;
        if (!pu_is_const(b) || b->dtype != IR_F32 || (int64_t)pu_numel(b) != N) continue;
        bool ok = true;
        for (int k = 0; k < b->rank - 1; k++)
            if (b->dims[k].value != 1) ok = false;
        if (!ok || !pu_static(add->outputs[0]) || add->outputs[0]->rank != mm->outputs[0]->rank)
            continue;
        L->bias_add[mm->id] = add;
        L->absorbed[add->id] = true;
    }
}

static fy_status lower_run(struct ir_model *m, struct pass_report *r, struct fy_error *err)
{
    struct lw L = {0};
    bool *bad = NULL; /* by node id: no mapping (kept under keep_unsupported) */
    L.m = m;
    L.g = m->graph;
    L.r = r;
    L.err = err;
    fy_status st = patterns(&L);
    if (st) goto out;
    L.bias_add = calloc((size_t)L.g->n_nodes + 1, sizeof *L.bias_add);
    L.absorbed = calloc((size_t)L.g->n_nodes + 1, sizeof *L.absorbed);
    if (!L.bias_add || !L.absorbed) {
        st = nomem(err);
        goto out;
    }
    find_bias_adds(&L);

    /* 1. check every node; refuse with the whole list */
    struct ir_node **order;
    st = ir_graph_topo_order(L.g, &order, err);
    if (st) goto out;
    int nn = L.g->n_nodes, n_bad = 0;
    bad = calloc((size_t)nn + 1, sizeof *bad);
    if (!bad) {
        st = nomem(err);
        goto out;
    }
    L.dry = true;
    for (int k = 0; k < nn; k++) {
        struct ir_node *n = order[k];
        if (L.absorbed[n->id]) continue;
        L.n = n;
        L.label = pu_node_label(n);
        L.opset = ir_model_opset(m, n->domain);
        L.why[0] = 0;
        fy_status s = lower_node(&L);
        if (s == FY_EUNSUPPORTED) {
            if (pass_note(r, &r->unsupported, L.label, n->op_type, "%s", L.why)) {
                st = nomem(err);
                goto out;
            }
            bad[n->id] = true;
            n_bad++;
        } else if (s) {
            st = s;
            goto out;
        }
    }
    for (int i = 0; i < L.g->n_inputs; i++) {
        struct ir_tensor *t = L.g->inputs[i];
        if (t->kind == IR_TENSOR_CONST) continue;
        if (!pu_static(t) || !tfl_dtype_ok(t->dtype)) {
            if (pass_note(r, &r->unsupported, t->name, "(input)",
                          "%s", !pu_static(t) ? "no static shape" : "type has no TFLite kernel")) {
                st = nomem(err);
                goto out;
            }
            n_bad++;
        }
    }
    if (n_bad && !r->opt.keep_unsupported) {
        const struct pass_note *f = &r->unsupported.items[0];
        st = err_fmt(err, FY_EUNSUPPORTED,
                     "%d node%s cannot be converted to TFLite builtins (no Flex ops): first '%s' "
                     "(%s): %s%s",
                     n_bad, n_bad == 1 ? "" : "s", f->node, f->op, f->text,
                     n_bad > 1 ? "; the report lists all" : "");
        goto out;
    }

    /* 2. lower */
    L.dry = false;
    for (int k = 0; k < nn; k++) {
        struct ir_node *n = order[k];
        if (L.absorbed[n->id] || pu_is_tfl(n->op) || bad[n->id]) continue;
        L.n = n;
        L.label = pu_node_label(n);
        L.opset = ir_model_opset(m, n->domain);
        L.why[0] = 0;
        /* outputs move to the new nodes; the old node is swept */
        struct ir_tensor *outs[64], *dummies[64];
        int no = n->n_outputs < 64 ? n->n_outputs : 64;
        for (int i = 0; i < no; i++) {
            outs[i] = n->outputs[i];
            if (outs[i]) pu_detach_output(outs[i]);
            dummies[i] = n->outputs[i];
            n->outputs[i] = outs[i]; /* what the lowering reads; producers are the new nodes */
        }
        L.act_done = false;
        fy_status s = lower_node(&L);
        for (int i = 0; i < no; i++) n->outputs[i] = dummies[i];
        if (s) {
            st = s == FY_EUNSUPPORTED
                     ? err_node(err, FY_EINTERNAL, L.label, n->op_type,
                                "lowering failed after the check passed: %s", L.why)
                     : s;
            goto out;
        }
        /* the source node's fused activation, where the lowering left it */
        struct ir_tensor *y = outs[0];
        if (n->activation != IR_ACT_NONE && !L.act_done && y && y->producer) {
            struct ir_node *p = y->producer;
            if (p->activation == IR_ACT_NONE && tfl_fusable(p->op)) {
                p->activation = n->activation;
            } else if (p->activation != n->activation) {
                struct ir_tensor *pre = like(&L, "pre_activation", y);
                if (!pre) {
                    st = st_of(&L);
                    goto out;
                }
                for (int i = 0; i < p->n_outputs; i++)
                    if (p->outputs[i] == y) p->outputs[i] = pre;
                pre->producer = p;
                y->producer = NULL;
                if (!unary(&L, act_op(n->activation), "activation", pre, y)) {
                    st = st_of(&L);
                    goto out;
                }
            }
        }
        r->changes++;
    }
    st = pu_sweep(L.g, err);
out:
    free(bad);
    pu_uses_free(&L.uses);
    free(L.bias_add);
    free(L.absorbed);
    return st;
}

const struct pass pass_lower_tflite = {"lower_tflite", lower_run};
