/* If, the results hand-over shared by the control-flow ops, and the
 * family's descriptor table (see control.h; Loop and Scan are in loop.c).
 *
 * If runs then_branch when its condition (one bool) is true, else
 * else_branch; the node's outputs are the branch's outputs, whose shapes
 * may differ between the branches. */
#include <stdlib.h>
#include <string.h>

#include "ops/control.h"

/* ---- results hand-over ----
 * The body runs in infer (only it decides the output shapes); its results
 * travel to eval in the node's context (op_ctx.state), which the interpreter
 * frees after eval or on failure. */
struct ctl_results {
    struct op_tensor **vals;
    int n;
};

static void results_free(void *state)
{
    struct ctl_results *r = state;
    ctl_values_free(r->vals, r->n);
    free(r->vals);
    free(r);
}

void ctl_values_free(struct op_tensor **vals, int n)
{
    for (int i = 0; i < n; i++) {
        if (!vals[i]) continue;
        op_tensor_release(vals[i]);
        free(vals[i]);
        vals[i] = NULL;
    }
}

static void copy_contents(const struct op_tensor *src, struct op_tensor *dst)
{
    if (src->dtype == IR_STRING) {
        for (uint64_t i = 0; i < src->numel; i++) dst->strings[i] = src->strings[i];
    } else if (src->nbytes) {
        memcpy(dst->data, src->data, (size_t)src->nbytes);
    }
}

struct op_tensor *ctl_value_copy(struct op_ctx *c, const struct op_tensor *v)
{
    struct op_tensor *t = calloc(1, sizeof *t);
    if (!t || op_tensor_alloc(t, v->dtype, v->rank, v->dims, c->err)) {
        free(t);
        op_fail(c, FY_ENOMEM, "out of memory copying a %llu-element value",
                (unsigned long long)v->numel);
        return NULL;
    }
    copy_contents(v, t);
    t->quant = v->quant;
    return t;
}

fy_status ctl_results_put(struct op_ctx *c, struct op_tensor **vals, int n)
{
    fy_status st = FY_OK;
    for (int i = 0; i < c->n_outputs && !st; i++) {
        if (!c->out[i]) continue;
        const struct op_tensor *v = i < n ? vals[i] : NULL;
        if (!v) {
            st = op_fail(c, FY_EINVALID, "output %d is not computed by the subgraph", i);
            break;
        }
        st = op_set_output(c, i, v->dtype, v->rank, v->dims);
    }
    struct op_tensor **keep = st ? NULL : malloc(sizeof *keep * (size_t)(n ? n : 1));
    struct ctl_results *r = st ? NULL : malloc(sizeof *r);
    if (!st && (!keep || !r)) st = op_fail(c, FY_ENOMEM, "out of memory");
    if (st) {
        free(keep);
        free(r);
        ctl_values_free(vals, n);
        return st;
    }
    memcpy(keep, vals, sizeof *keep * (size_t)n);
    r->vals = keep;
    r->n = n;
    c->state = r;
    c->state_free = results_free;
    return FY_OK;
}

fy_status ctl_results_eval(struct op_ctx *c)
{
    struct ctl_results *r = c->state;
    if (!r) return op_fail(c, FY_EINTERNAL, "the results of infer did not reach eval");
    for (int i = 0; i < c->n_outputs && i < r->n; i++) {
        struct op_tensor *src = r->vals[i], *dst = c->out[i];
        if (!dst || !src) continue;
        if (src->dtype == IR_STRING) {
            /* hand the strings over: the interpreter copies their bytes into
             * storage of the output's own right after eval (strings_own) */
            free(dst->strings);
            dst->strings = src->strings;
            src->strings = NULL;
        } else {
            copy_contents(src, dst);
        }
    }
    return FY_OK;
}

fy_status ctl_graph_attr(const struct ir_node *n, const char *name, const struct ir_graph **g,
                         struct fy_error *err)
{
    const struct ir_attr *a = ir_node_attr(n, name);
    if (!a) return op_fail_node(n, err, FY_EINVALID, "attribute '%s' is missing", name);
    if (a->type != IR_ATTR_GRAPH)
        return op_fail_node(n, err, FY_EINVALID, "attribute '%s' is of type %s; expected a graph",
                            name, ir_attr_type_name(a->type));
    *g = a->v.g;
    return FY_OK;
}

/* ---- If ---- */

fy_status ctl_if_parse(const struct ir_node *n, int64_t opset, void *params,
                       struct fy_error *err)
{
    (void)opset;
    struct ctl_if_params *p = params;
    fy_status st = ctl_graph_attr(n, "then_branch", &p->then_g, err);
    if (!st) st = ctl_graph_attr(n, "else_branch", &p->else_g, err);
    if (st) return st;
    if (p->then_g->n_outputs != n->n_outputs || p->else_g->n_outputs != n->n_outputs)
        return op_fail_node(n, err, FY_EINVALID,
                            "has %d outputs but then_branch gives %d and else_branch %d",
                            n->n_outputs, p->then_g->n_outputs, p->else_g->n_outputs);
    return FY_OK;
}

fy_status ctl_if_infer(struct op_ctx *c)
{
    const struct ctl_if_params *p = c->params;
    const struct op_tensor *cond = c->in[0];
    if (cond->dtype != IR_BOOL || cond->numel != 1)
        return op_fail(c, FY_EINVALID, "cond is %s with %llu elements; expected one bool",
                       ir_dtype_name(cond->dtype), (unsigned long long)cond->numel);
    const struct ir_graph *g = ((const uint8_t *)cond->data)[0] ? p->then_g : p->else_g;
    int n = g->n_outputs;
    struct op_tensor **vals = calloc((size_t)(n ? n : 1), sizeof *vals);
    if (!vals) return op_fail(c, FY_ENOMEM, "out of memory");
    fy_status st = op_run_subgraph(c, g, NULL, 0, vals, n);
    if (!st) st = ctl_results_put(c, vals, n);
    free(vals);
    return st;
}

/* ---- the family's descriptors ---- */

const struct op_desc op_family_control[] = {
    {IR_OP_IF, 1, 1, 1, -1, sizeof(struct ctl_if_params), ctl_if_parse, ctl_if_infer,
     ctl_results_eval},
    /* loop.c: M, cond, v_initial... -> v_final..., scan_outputs... */
    {IR_OP_LOOP, 2, -1, 1, -1, sizeof(struct ctl_loop_params), ctl_loop_parse, ctl_loop_infer,
     ctl_results_eval},
    /* loop.c: (sequence_lens,) initial states..., scan inputs... -> final states..., scan outputs... */
    {IR_OP_SCAN, 1, -1, 1, -1, sizeof(struct ctl_scan_params), ctl_scan_parse, ctl_scan_infer,
     ctl_results_eval},
};
const int op_family_control_count = sizeof op_family_control / sizeof op_family_control[0];
