/* tfl.IF and tfl.WHILE: TFLite's control flow. Their subgraphs are other
 * subgraphs of the model, named by index (ir_model.tflite->subgraphs; the
 * IR conventions are at the top of formats/tflite/tflite_ops.c), not graph
 * attributes: they read only their inputs and their own constants.
 *
 * IF (then_subgraph_index, else_subgraph_index): input 0 is the condition,
 * one bool; inputs 1.. go to the chosen subgraph's inputs in order, and its
 * outputs are the node's outputs, whose shapes may differ between the two
 * subgraphs (TFLite then makes them dynamic tensors, resized to what ran).
 *
 * WHILE (cond_subgraph_index, body_subgraph_index): the inputs are the loop
 * state, as many as the outputs. cond maps the state to one bool; while it
 * is true, body maps the state to the next one (shapes may change from one
 * iteration to the next, types may not); the outputs are the final state.
 * Like TFLite, there is no iteration limit.
 *
 * As with ONNX If and Loop (control.c), the subgraphs run in infer, since
 * only they decide the output shapes, and eval hands their results over
 * (ctl_results_eval). The subgraph counts are checked in parse against the
 * node's arity, as TFLite's Prepare checks them; types are checked in infer
 * on the values, against both subgraphs' declarations. The interpreter
 * prepares every subgraph a node names (op_called_subgraphs) and refuses
 * recursion among them. */
#include <stdlib.h>
#include <string.h>

#include "ops/control.h"
#include "ops/tfl.h"

/* ---- the subgraphs a node names ---- */

static const char *const if_attrs[2] = {"then_subgraph_index", "else_subgraph_index"};
static const char *const while_attrs[2] = {"cond_subgraph_index", "body_subgraph_index"};

static const char *const *called_attrs(enum ir_op op)
{
    return op == IR_OP_TFL_IF ? if_attrs : op == IR_OP_TFL_WHILE ? while_attrs : NULL;
}

int op_called_subgraphs(const struct ir_node *n, const struct ir_graph *out[2], int index[2])
{
    const char *const *names = called_attrs(n->op);
    const struct ir_model *m = n->graph ? n->graph->model : NULL;
    const struct ir_tflite_info *info = m ? m->tflite : NULL;
    if (!names || !info) return 0;
    int k = 0;
    for (int i = 0; i < 2; i++) {
        const struct ir_attr *a = ir_node_attr(n, names[i]);
        if (!a || a->type != IR_ATTR_INT || a->v.i < 0 || a->v.i >= info->n_subgraphs ||
            !info->subgraphs[a->v.i])
            continue;
        out[k] = info->subgraphs[a->v.i];
        index[k] = (int)a->v.i;
        k++;
    }
    return k;
}

/* The subgraph that attribute `name` names: present, an INT, in range, and
 * not the node's own graph. */
static fy_status subgraph_attr(const struct ir_node *n, const char *name, const struct ir_graph **g,
                               int *index, struct fy_error *err)
{
    const struct ir_attr *a = ir_node_attr(n, name);
    if (!a) return op_fail_node(n, err, FY_EINVALID, "attribute '%s' is missing", name);
    if (a->type != IR_ATTR_INT)
        return op_fail_node(n, err, FY_EINVALID, "attribute '%s' is of type %s; expected int", name,
                            ir_attr_type_name(a->type));
    const struct ir_model *m = n->graph ? n->graph->model : NULL;
    const struct ir_tflite_info *info = m ? m->tflite : NULL;
    int count = info ? info->n_subgraphs : 0;
    if (a->v.i < 0 || a->v.i >= count || !info->subgraphs[a->v.i])
        return op_fail_node(n, err, FY_EINVALID, "%s is %lld; the model has %d subgraph%s", name,
                            (long long)a->v.i, count, count == 1 ? "" : "s");
    if (info->subgraphs[a->v.i] == n->graph)
        return op_fail_node(n, err, FY_EUNSUPPORTED,
                            "%s is %lld, the subgraph holding the node: recursive control flow "
                            "is not supported",
                            name, (long long)a->v.i);
    *g = info->subgraphs[a->v.i];
    *index = (int)a->v.i;
    return FY_OK;
}

static const char *gname(const struct ir_graph *g)
{
    return g->name ? g->name : "";
}

/* Subgraph g (its index and role) must take n_in inputs and give n_out
 * outputs. */
static fy_status check_counts(const struct ir_node *n, const char *role, const struct ir_graph *g,
                              int index, int n_in, int n_out, struct fy_error *err)
{
    if (g->n_inputs == n_in && g->n_outputs == n_out) return FY_OK;
    return op_fail_node(n, err, FY_EINVALID,
                        "its %s subgraph %d ('%s') has %d inputs and %d outputs; it must take %d "
                        "and give %d",
                        role, index, gname(g), g->n_inputs, g->n_outputs, n_in, n_out);
}

/* Value v, passed to input i of subgraph g, must have the type g declares. */
static fy_status check_input_type(struct op_ctx *c, const struct op_tensor *v, const char *what,
                                  int k, const char *role, const struct ir_graph *g, int index,
                                  int i)
{
    enum ir_dtype want = g->inputs[i]->dtype;
    if (want == IR_UNDEFINED || want == v->dtype) return FY_OK;
    return op_fail(c, FY_EINVALID,
                   "%s %d is %s, but its %s subgraph %d ('%s') takes %s at input %d", what, k,
                   ir_dtype_name(v->dtype), role, index, gname(g), ir_dtype_name(want), i);
}

/* ---- IF ---- */

fy_status tfl_if_parse(const struct ir_node *n, int64_t opset, void *params, struct fy_error *err)
{
    (void)opset;
    struct tfl_if_params *p = params;
    fy_status st = subgraph_attr(n, if_attrs[0], &p->g[0], &p->index[0], err);
    if (!st) st = subgraph_attr(n, if_attrs[1], &p->g[1], &p->index[1], err);
    for (int b = 0; b < 2 && !st; b++)
        st = check_counts(n, b ? "else" : "then", p->g[b], p->index[b], n->n_inputs - 1,
                          n->n_outputs, err);
    return st;
}

fy_status tfl_if_infer(struct op_ctx *c)
{
    const struct tfl_if_params *p = c->params;
    const struct op_tensor *cond = c->in[0];
    if (!cond) return op_fail(c, FY_EINVALID, "the condition (input 0) is left out");
    if (cond->dtype != IR_BOOL || cond->numel != 1)
        return op_fail(c, FY_EINVALID, "the condition is %s with %llu elements; IF takes one bool",
                       ir_dtype_name(cond->dtype), (unsigned long long)cond->numel);
    int n_in = c->n_inputs - 1;
    for (int i = 0; i < n_in; i++) {
        const struct op_tensor *v = c->in[1 + i];
        if (!v)
            return op_fail(c, FY_EINVALID,
                           "input %d is left out; IF passes every input to its subgraph", 1 + i);
        for (int b = 0; b < 2; b++) {
            fy_status st = check_input_type(c, v, "input", 1 + i, b ? "else" : "then", p->g[b],
                                            p->index[b], i);
            if (st) return st;
        }
    }
    int b = ((const uint8_t *)cond->data)[0] ? 0 : 1;
    const struct ir_graph *g = p->g[b];
    int n = c->n_outputs;
    struct op_tensor **vals = calloc((size_t)(n ? n : 1), sizeof *vals);
    if (!vals) return op_fail(c, FY_ENOMEM, "out of memory");
    fy_status st = op_run_subgraph(c, g, c->in + 1, n_in, vals, n);
    for (int i = 0; !st && i < n; i++) {
        const struct ir_tensor *o = c->node->outputs[i];
        if (!o || !vals[i] || o->dtype == IR_UNDEFINED || o->dtype == vals[i]->dtype) continue;
        st = op_fail(c, FY_EINVALID,
                     "its %s subgraph %d ('%s') gives output %d as %s; the node's output '%s' "
                     "is %s",
                     b ? "else" : "then", p->index[b], gname(g), i, ir_dtype_name(vals[i]->dtype),
                     o->name, ir_dtype_name(o->dtype));
    }
    if (st)
        ctl_values_free(vals, n);
    else
        st = ctl_results_put(c, vals, n);
    free(vals);
    return st;
}

/* ---- WHILE ---- */

fy_status tfl_while_parse(const struct ir_node *n, int64_t opset, void *params,
                          struct fy_error *err)
{
    (void)opset;
    struct tfl_while_params *p = params;
    if (n->n_outputs != n->n_inputs)
        return op_fail_node(n, err, FY_EINVALID,
                            "has %d inputs and %d outputs; WHILE's outputs are its loop state, "
                            "as many as its inputs",
                            n->n_inputs, n->n_outputs);
    fy_status st = subgraph_attr(n, while_attrs[0], &p->cond, &p->cond_index, err);
    if (!st) st = subgraph_attr(n, while_attrs[1], &p->body, &p->body_index, err);
    if (!st) st = check_counts(n, "cond", p->cond, p->cond_index, n->n_inputs, 1, err);
    if (!st) st = check_counts(n, "body", p->body, p->body_index, n->n_inputs, n->n_inputs, err);
    return st;
}

/* Runs cond on the state; *go is its one bool. */
static fy_status while_cond(struct op_ctx *c, const struct op_tensor *const *state, int n,
                            int64_t iter, bool *go)
{
    const struct tfl_while_params *p = c->params;
    struct op_tensor *out = NULL;
    fy_status st = op_run_subgraph(c, p->cond, state, n, &out, 1);
    if (st) return st;
    if (out->dtype != IR_BOOL || out->numel != 1)
        st = op_fail(c, FY_EINVALID,
                     "its cond subgraph %d ('%s') gives %s with %llu elements before iteration "
                     "%lld; WHILE needs one bool",
                     p->cond_index, gname(p->cond), ir_dtype_name(out->dtype),
                     (unsigned long long)out->numel, (long long)iter);
    else
        *go = ((const uint8_t *)out->data)[0] != 0;
    ctl_values_free(&out, 1);
    return st;
}

fy_status tfl_while_infer(struct op_ctx *c)
{
    const struct tfl_while_params *p = c->params;
    int n = c->n_inputs;
    for (int i = 0; i < n; i++) {
        const struct op_tensor *v = c->in[i];
        if (!v)
            return op_fail(c, FY_EINVALID, "input %d is left out; WHILE's inputs are its state", i);
        fy_status st = check_input_type(c, v, "input", i, "cond", p->cond, p->cond_index, i);
        if (!st) st = check_input_type(c, v, "input", i, "body", p->body, p->body_index, i);
        if (st) return st;
        const struct ir_tensor *o = c->node->outputs[i];
        if (o && o->dtype != IR_UNDEFINED && o->dtype != v->dtype)
            return op_fail(c, FY_EINVALID,
                           "input %d is %s but output %d '%s' is %s; the loop state keeps its "
                           "type",
                           i, ir_dtype_name(v->dtype), i, o->name, ir_dtype_name(o->dtype));
    }
    const struct op_tensor **state = calloc((size_t)n + 1, sizeof *state);
    struct op_tensor **carried = calloc((size_t)n + 1, sizeof *carried);
    struct op_tensor **next = calloc((size_t)n + 1, sizeof *next);
    fy_status st = FY_OK;
    if (!state || !carried || !next) {
        st = op_fail(c, FY_ENOMEM, "out of memory");
        goto done;
    }
    for (int i = 0; i < n; i++)
        state[i] = c->in[i];
    for (int64_t iter = 0;; iter++) {
        bool go = false;
        st = while_cond(c, state, n, iter, &go);
        if (st || !go) break;
        st = op_run_subgraph(c, p->body, state, n, next, n);
        for (int i = 0; !st && i < n; i++)
            if (next[i]->dtype != c->in[i]->dtype)
                st = op_fail(c, FY_EINVALID,
                             "its body subgraph %d ('%s') gives output %d as %s in iteration "
                             "%lld; the loop state %d is %s",
                             p->body_index, gname(p->body), i, ir_dtype_name(next[i]->dtype),
                             (long long)iter, i, ir_dtype_name(c->in[i]->dtype));
        if (st) {
            ctl_values_free(next, n);
            break;
        }
        ctl_values_free(carried, n);
        for (int i = 0; i < n; i++) {
            carried[i] = next[i];
            next[i] = NULL;
            state[i] = carried[i];
        }
    }
    /* the final state: the last body's values, or copies of the inputs
     * when cond was false from the start */
    for (int i = 0; !st && i < n; i++)
        if (!carried[i] && !(carried[i] = ctl_value_copy(c, c->in[i]))) st = FY_ENOMEM;
    if (!st) {
        st = ctl_results_put(c, carried, n);
        /* ctl_results_put owns the values now, also on failure */
        memset(carried, 0, sizeof *carried * (size_t)n);
    }
done:
    if (carried) ctl_values_free(carried, n);
    free(state);
    free(carried);
    free(next);
    return st;
}
