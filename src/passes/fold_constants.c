/* fold_constants: every node whose inputs are all constant is evaluated
 * once, here, by ferry's interpreter, and its outputs become constants.
 *
 * Exporters compute shapes at run time (Shape → Gather → Unsqueeze → Concat
 * → Reshape); once the input shapes are static (static_shapes fixed the
 * symbolic dims), Shape and Size of a tensor with a static shape are
 * constants too, so these chains fold away and the Reshape that consumed
 * them gets a constant shape. The pass alternates shape inference and
 * folding until nothing changes.
 *
 * The constant subgraph is copied into a small model of its own (nodes
 * share the original attributes; constants borrow the original bytes), run
 * with no inputs, and the values wanted outside it are copied into the
 * model's arena. The original nodes then have no readers and are swept. */
#include <stdlib.h>
#include <string.h>

#include "interp/interp.h"
#include "passes/pass.h"
#include "passes/util.h"

static fy_status nomem(struct fy_error *err) { return err_fmt(err, FY_ENOMEM, "out of memory"); }

static bool has_subgraph(const struct ir_node *n)
{
    /* TFLite's control flow runs subgraphs of the model, named by index */
    if (n->op == IR_OP_TFL_IF || n->op == IR_OP_TFL_WHILE) return true;
    for (int i = 0; i < n->n_attrs; i++)
        if (n->attrs[i].type == IR_ATTR_GRAPH || n->attrs[i].type == IR_ATTR_GRAPHS) return true;
    return false;
}

/* Makes t a constant holding bytes (copied into the model's arena). */
static fy_status make_const(struct ir_graph *g, struct ir_tensor *t, enum ir_dtype dt, int rank,
                            const int64_t *dims, const void *bytes, uint64_t nbytes,
                            struct fy_error *err)
{
    void *copy = arena_alloc(&g->model->arena, nbytes ? (size_t)nbytes : 1, 64);
    if (!copy) return nomem(err);
    if (nbytes) memcpy(copy, bytes, (size_t)nbytes);
    pu_detach_output(t);
    t->dtype = dt;
    fy_status st = ir_tensor_set_shape(g, t, rank, dims, err);
    if (st) return st;
    t->data = copy;
    t->nbytes = nbytes;
    t->has_type = true;
    return ir_graph_add_initializer(g, t, err);
}

/* Shape and Size of tensors whose shape is static. */
static fy_status fold_shapes(struct ir_graph *g, struct pass_report *r, struct fy_error *err)
{
    for (int i = 0; i < g->n_nodes; i++) {
        struct ir_node *n = g->nodes[i];
        if ((n->op != IR_OP_SHAPE && n->op != IR_OP_SIZE) || n->n_inputs < 1 || !n->inputs[0] ||
            n->n_outputs < 1 || !n->outputs[0] || !pu_static(n->inputs[0]) ||
            n->outputs[0]->kind == IR_TENSOR_CONST)
            continue;
        const struct ir_tensor *x = n->inputs[0];
        fy_status st;
        if (n->op == IR_OP_SIZE) {
            int64_t v = (int64_t)pu_numel(x);
            st = make_const(g, n->outputs[0], IR_I64, 0, NULL, &v, 8, err);
        } else {
            int64_t rank = x->rank;
            int64_t start = pu_attr_int(n, "start", 0), end = pu_attr_int(n, "end", rank);
            if (start < 0) start += rank;
            if (end < 0) end += rank;
            if (start < 0) start = 0;
            if (end > rank) end = rank;
            if (end < start) end = start;
            int64_t vals[OP_MAX_RANK] = {0};
            for (int64_t d = start; d < end; d++) vals[d - start] = x->dims[d].value;
            int64_t len = end - start;
            st = make_const(g, n->outputs[0], IR_I64, 1, &len, vals, (uint64_t)len * 8, err);
        }
        if (st) return st;
        r->changes++;
        r->constants_folded++;
    }
    return FY_OK;
}

/* Copies the nodes marked in fold[] into a model of their own, runs it and
 * turns the values wanted outside into constants. Returns the number of
 * tensors made constant in *made. */
static fy_status fold_marked(struct ir_model *m, struct ir_node **order, const bool *fold,
                             int *made, struct pass_report *r, struct fy_error *err)
{
    struct ir_graph *g = m->graph;
    *made = 0;
    struct pu_uses u;
    fy_status st = pu_uses_build(g, &u, err);
    if (st) return st;
    struct fy_error e2 = {0};
    struct ir_model *tm = ir_model_new(&e2);
    struct ir_tensor **map = calloc((size_t)g->n_tensors + 1, sizeof *map);
    struct ir_tensor **wanted = calloc((size_t)g->n_tensors + 1, sizeof *wanted);
    struct interp *ip = NULL;
    struct op_tensor **outs = NULL;
    int n_wanted = 0;
    if (!tm || !map || !wanted) {
        st = nomem(err);
        goto out;
    }
    for (int i = 0; i < m->n_opsets; i++)
        if (ir_model_add_opset(tm, m->opsets[i].domain, m->opsets[i].version, &e2)) {
            st = nomem(err);
            goto out;
        }
    struct ir_graph *tg = tm->graph;
    for (int k = 0; k < g->n_nodes; k++) {
        struct ir_node *n = order[k];
        if (!fold[n->id]) continue;
        struct ir_node *c = ir_graph_add_node(tg, n->op, n->op_type, n->domain, n->name,
                                              n->n_inputs, n->n_outputs, &e2);
        if (!c) goto tmp_fail;
        c->attrs = n->attrs;
        c->n_attrs = n->n_attrs;
        c->cap_attrs = n->n_attrs;
        c->layout = n->layout;
        c->activation = n->activation;
        c->rounding = n->rounding;
        c->version = n->version;
        for (int i = 0; i < n->n_inputs; i++) {
            struct ir_tensor *t = n->inputs[i];
            if (!t) continue;
            if (!map[t->id]) {
                struct ir_tensor *ct = ir_graph_add_tensor(tg, t->name, &e2);
                if (!ct) goto tmp_fail;
                ct->dtype = t->dtype;
                ct->rank = t->rank;
                ct->dims = t->dims;
                ct->data = t->data;
                ct->nbytes = t->nbytes;
                ct->strings = t->strings;
                ct->n_strings = t->n_strings;
                ct->quant = t->quant;
                if (ir_graph_add_initializer(tg, ct, &e2)) goto tmp_fail;
                map[t->id] = ct;
            }
            c->inputs[i] = map[t->id];
        }
        for (int i = 0; i < n->n_outputs; i++) {
            struct ir_tensor *t = n->outputs[i];
            if (!t) continue;
            struct ir_tensor *ct = ir_graph_add_tensor(tg, t->name, &e2);
            if (!ct || ir_node_set_output(c, i, ct, &e2)) goto tmp_fail;
            ct->dtype = t->dtype;
            map[t->id] = ct;
            /* wanted outside: read by a node that is not folded, or a graph output */
            bool outside = u.is_output[t->id];
            for (int j = u.offset[t->id]; j < u.offset[t->id + 1] && !outside; j++)
                if (!fold[u.node[j]->id]) outside = true;
            if (outside) {
                wanted[n_wanted++] = t;
                if (ir_graph_add_output(tg, ct, &e2)) goto tmp_fail;
            }
        }
    }
    if (!n_wanted) goto out;
    struct interp_options opt = {0};
    opt.threads = 1;
    if (interp_create(tm, &opt, &ip, &e2)) goto tmp_fail;
    outs = calloc((size_t)n_wanted + 1, sizeof *outs);
    if (!outs) {
        st = nomem(err);
        goto out;
    }
    if (interp_run(ip, NULL, 0, outs, n_wanted, &e2)) goto tmp_fail;
    for (int i = 0; i < n_wanted; i++) {
        const struct op_tensor *v = outs[i];
        if (!v || v->dtype == IR_STRING || v->dtype == IR_UNDEFINED) continue;
        st = make_const(g, wanted[i], v->dtype, v->rank, v->dims, v->data, v->nbytes, err);
        if (st) goto out;
        (*made)++;
    }
    goto out;
tmp_fail:
    /* The constant subgraph does not run (an op refuses its constant
     * inputs): it is left as it is, and the message kept as a warning. */
    if (e2.status == FY_ENOMEM) {
        st = nomem(err);
    } else {
        char buf[1024];
        fy_error_format(&e2, buf, sizeof buf);
        if (pass_note(r, &r->warnings, NULL, NULL, "constant folding skipped: %s", buf))
            st = nomem(err);
    }
out:
    interp_destroy(ip);
    free(outs);
    free(map);
    free(wanted);
    ir_model_free(tm);
    pu_uses_free(&u);
    return st;
}

/* ---- control flow with constant decisions ---- */

/* Copies body's nodes into g (names prefixed): body input i is in[i], a
 * value of the enclosing graph is g's tensor of that name, a constant is
 * borrowed. out[i] gets what body output i became. FY_EUNSUPPORTED, with
 * nothing copied, when the body has nested subgraphs. */
static fy_status inline_graph(struct ir_graph *g, const struct ir_graph *body,
                              struct ir_tensor *const *in, int n_in, struct ir_tensor **out,
                              const char *prefix, struct fy_error *err)
{
    for (int i = 0; i < body->n_nodes; i++)
        if (has_subgraph(body->nodes[i])) return FY_EUNSUPPORTED;
    if (n_in > body->n_inputs) n_in = body->n_inputs;
    struct ir_tensor **map = calloc((size_t)body->n_tensors + 1, sizeof *map);
    if (!map) return nomem(err);
    fy_status st = FY_OK;
    for (int i = 0; i < n_in; i++) map[body->inputs[i]->id] = in[i];
    for (int i = 0; i < body->n_tensors && !st; i++) {
        struct ir_tensor *t = body->tensors[i];
        if (map[i]) continue;
        if (t->kind == IR_TENSOR_OUTER) {
            map[i] = ir_graph_find_tensor(g, t->name);
            if (!map[i]) st = err_fmt(err, FY_EINVALID, "subgraph reads '%s', which is not a value "
                                                        "of the main graph", t->name);
        } else if (t->kind == IR_TENSOR_CONST) {
            char nm[600];
            snprintf(nm, sizeof nm, "%s/%s", prefix, t->name);
            struct ir_tensor *c = pu_tensor(g, nm, t->dtype, t->rank, NULL, err);
            if (!c) {
                st = err->status;
                break;
            }
            c->rank = t->rank;
            c->dims = t->dims;
            c->data = t->data;
            c->nbytes = t->nbytes;
            c->strings = t->strings;
            c->n_strings = t->n_strings;
            st = ir_graph_add_initializer(g, c, err);
            map[i] = c;
        }
    }
    struct ir_node **order = NULL;
    if (!st) st = ir_graph_topo_order(body, &order, err);
    for (int k = 0; !st && k < body->n_nodes; k++) {
        const struct ir_node *n = order[k];
        char nm[600];
        snprintf(nm, sizeof nm, "%s/%s", prefix, pu_node_label(n));
        char *name = arena_strdup(&g->model->arena, nm);
        struct ir_node *c = name ? ir_graph_add_node(g, n->op, n->op_type, n->domain, name,
                                                     n->n_inputs, n->n_outputs, err)
                                 : NULL;
        if (!c) {
            st = name ? err->status : nomem(err);
            break;
        }
        c->attrs = n->attrs;
        c->n_attrs = n->n_attrs;
        c->cap_attrs = n->n_attrs;
        c->activation = n->activation;
        c->layout = n->layout;
        c->rounding = n->rounding;
        c->version = n->version;
        for (int i = 0; i < n->n_inputs; i++) c->inputs[i] = n->inputs[i] ? map[n->inputs[i]->id] : NULL;
        for (int i = 0; i < n->n_outputs && !st; i++) {
            const struct ir_tensor *t = n->outputs[i];
            if (!t) continue;
            snprintf(nm, sizeof nm, "%s/%s", prefix, t->name);
            struct ir_tensor *o = pu_tensor(g, nm, t->dtype, -1, NULL, err);
            if (!o) {
                st = err->status;
                break;
            }
            o->rank = t->rank;
            o->dims = t->dims;
            map[t->id] = o;
            st = ir_node_set_output(c, i, o, err);
        }
    }
    for (int i = 0; !st && i < body->n_outputs; i++) {
        out[i] = map[body->outputs[i]->id];
        if (!out[i]) st = err_fmt(err, FY_EINVALID, "subgraph output '%s' is not computed",
                                  body->outputs[i]->name);
    }
    free(map);
    return st;
}

static const struct ir_graph *graph_attr(const struct ir_node *n, const char *name)
{
    const struct ir_attr *a = ir_node_attr(n, name);
    return a && a->type == IR_ATTR_GRAPH ? a->v.g : NULL;
}

/* Whether a Loop body's condition output is always true (given a true
 * condition coming in). */
static bool body_cond_true(const struct ir_graph *body)
{
    if (body->n_outputs < 1 || body->n_inputs < 2) return false;
    const struct ir_tensor *c = body->outputs[0];
    for (int hops = 0; hops < 8 && c; hops++) {
        if (c == body->inputs[1]) return true;
        if (c->kind == IR_TENSOR_CONST || c->kind == IR_TENSOR_OUTER) {
            const struct ir_tensor *v = c;
            if (c->kind == IR_TENSOR_OUTER) v = ir_graph_resolve(body->parent, c->name);
            double x;
            return v && pu_const_scalar(v, &x) && x != 0;
        }
        const struct ir_node *p = c->producer;
        if (!p || p->op != IR_OP_IDENTITY) return false;
        c = p->inputs[0];
    }
    return false;
}

/* If with a constant condition: the branch it takes, inlined. Loop with a
 * constant trip count, a condition that stays true and no scan outputs:
 * unrolled. */
static fy_status inline_control(struct ir_graph *g, struct pass_report *r, struct fy_error *err)
{
    int nn = g->n_nodes;
    for (int i = 0; i < nn; i++) {
        struct ir_node *n = g->nodes[i];
        const char *label = pu_node_label(n);
        double v;
        if (n->op == IR_OP_IF && n->n_inputs == 1 && pu_const_scalar(n->inputs[0], &v)) {
            const struct ir_graph *b = graph_attr(n, v != 0 ? "then_branch" : "else_branch");
            if (!b || b->n_outputs != n->n_outputs || b->n_outputs > 64) continue;
            struct ir_tensor *outs[64];
            fy_status st = inline_graph(g, b, NULL, 0, outs, label, err);
            if (st == FY_EUNSUPPORTED) continue;
            if (st) return st;
            for (int k = 0; k < n->n_outputs && !st; k++)
                if (n->outputs[k]) st = pu_replace(g, n->outputs[k], outs[k], false, err);
            if (st) return st;
            r->changes++;
            if (pass_note(r, &r->decompositions, label, "If", "condition is constant: the %s "
                          "branch inlined", v != 0 ? "then" : "else"))
                return nomem(err);
        } else if (n->op == IR_OP_LOOP && n->n_inputs >= 2) {
            const struct ir_graph *b = graph_attr(n, "body");
            int N = n->n_inputs - 2;
            if (!b || !n->inputs[0] || !pu_const_scalar(n->inputs[0], &v) || v < 0 || v > 1024 ||
                b->n_outputs != 1 + N || n->n_outputs != N || N > 62 || b->n_inputs != 2 + N)
                continue;
            double c0 = 1;
            if (n->inputs[1] && !pu_const_scalar(n->inputs[1], &c0)) continue;
            if (c0 == 0 || !body_cond_true(b)) continue;
            int M = (int)v;
            struct ir_tensor *carried[64], *outs[64], *in[64];
            for (int k = 0; k < N; k++) carried[k] = n->inputs[2 + k];
            fy_status st = FY_OK;
            bool skipped = false;
            for (int it = 0; it < M && !st; it++) {
                char pre[600];
                snprintf(pre, sizeof pre, "%s/iter%d", label, it);
                int64_t iv = it;
                uint8_t tv = 1;
                in[0] = pu_const(g, "iteration", IR_I64, 0, NULL, &iv, err);
                in[1] = in[0] ? pu_const(g, "cond", IR_BOOL, 0, NULL, &tv, err) : NULL;
                if (!in[1]) return err->status;
                for (int k = 0; k < N; k++) in[2 + k] = carried[k];
                st = inline_graph(g, b, in, 2 + N, outs, pre, err);
                if (st == FY_EUNSUPPORTED) {
                    skipped = true;
                    st = FY_OK;
                    break;
                }
                for (int k = 0; !st && k < N; k++) carried[k] = outs[1 + k];
            }
            if (st) return st;
            if (skipped) continue;
            for (int k = 0; k < N && !st; k++)
                if (n->outputs[k]) st = pu_replace(g, n->outputs[k], carried[k], false, err);
            if (st) return st;
            r->changes++;
            if (pass_note(r, &r->decompositions, label, "Loop",
                          "constant trip count %d: the body unrolled", M))
                return nomem(err);
        }
    }
    return FY_OK;
}

static fy_status fold_constants_run(struct ir_model *m, struct pass_report *r,
                                    struct fy_error *err)
{
    struct ir_graph *g = m->graph;
    for (int round = 0; round < 32; round++) {
        int changed = 0;
        int before = r->changes;
        fy_status st = inline_control(g, r, err);
        if (!st) st = pu_sweep(g, err);
        if (!st) st = pu_infer_shapes(m, &changed, err);
        if (st) return st;
        st = fold_shapes(g, r, err);
        if (st) return st;
        struct ir_node **order;
        st = ir_graph_topo_order(g, &order, err);
        if (st) return st;
        bool *fold = calloc((size_t)g->n_nodes + 1, 1);
        bool *cst = calloc((size_t)g->n_tensors + 1, 1);
        if (!fold || !cst) {
            free(fold);
            free(cst);
            return nomem(err);
        }
        for (int i = 0; i < g->n_tensors; i++)
            cst[i] = g->tensors[i]->kind == IR_TENSOR_CONST;
        int n_fold = 0;
        for (int k = 0; k < g->n_nodes; k++) {
            struct ir_node *n = order[k];
            if (n->op == IR_OP_OPAQUE || has_subgraph(n) || !op_find_node(n)) continue;
            bool ok = true;
            for (int i = 0; i < n->n_inputs && ok; i++)
                if (n->inputs[i] && !cst[n->inputs[i]->id]) ok = false;
            for (int i = 0; i < n->n_outputs && ok; i++)
                if (n->outputs[i] && n->outputs[i]->dtype == IR_STRING) ok = false;
            if (!ok) continue;
            fold[n->id] = true;
            n_fold++;
            for (int i = 0; i < n->n_outputs; i++)
                if (n->outputs[i]) cst[n->outputs[i]->id] = true;
        }
        free(cst);
        int made = 0;
        if (n_fold) st = fold_marked(m, order, fold, &made, r, err);
        free(fold);
        if (st) return st;
        r->changes += made;
        r->constants_folded += made;
        st = pu_sweep(g, err);
        if (st) return st;
        if (r->changes == before && !made) break;
        if (n_fold && !made) break; /* folding failed: a warning says why */
    }
    int changed = 0;
    return pu_infer_shapes(m, &changed, err);
}

const struct pass pass_fold_constants = {"fold_constants", fold_constants_run};
