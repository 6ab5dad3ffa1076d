/* Family 'control' (control flow): If (control.c), Loop and Scan (loop.c).
 * control.c holds the family's descriptor table.
 *
 * Their output shapes are only known once the subgraphs have run, so infer
 * runs them and keeps the results; eval (ctl_results_eval, shared by the
 * three) copies those results into the buffers the interpreter allocated
 * from the shapes infer set. */
#ifndef FERRY_OPS_CONTROL_H
#define FERRY_OPS_CONTROL_H

#include "ops/op.h"

#define CTL_MAX_SCAN 64 /* scan inputs / outputs of one Scan node */

struct ctl_if_params {
    const struct ir_graph *then_g, *else_g;
};

struct ctl_loop_params {
    const struct ir_graph *body;
};

struct ctl_scan_params {
    const struct ir_graph *body;
    int64_t n_scan_in;
    /* counts are -1 when the attribute is absent */
    int n_in_axes, n_in_dirs, n_out_axes, n_out_dirs;
    int64_t in_axes[CTL_MAX_SCAN], in_dirs[CTL_MAX_SCAN];
    int64_t out_axes[CTL_MAX_SCAN], out_dirs[CTL_MAX_SCAN];
};

fy_status ctl_if_parse(const struct ir_node *n, int64_t opset, void *params,
                       struct fy_error *err);
fy_status ctl_if_infer(struct op_ctx *c);
fy_status ctl_loop_parse(const struct ir_node *n, int64_t opset, void *params,
                         struct fy_error *err);
fy_status ctl_loop_infer(struct op_ctx *c);
fy_status ctl_scan_parse(const struct ir_node *n, int64_t opset, void *params,
                         struct fy_error *err);
fy_status ctl_scan_infer(struct op_ctx *c);
/* eval of all three */
fy_status ctl_results_eval(struct op_ctx *c);

/* ---- shared by the family ---- */

/* The graph attribute `name` (required). */
fy_status ctl_graph_attr(const struct ir_node *n, const char *name, const struct ir_graph **g,
                         struct fy_error *err);
/* Hands n values (malloc'd op_tensors, NULL entries allowed) from infer to
 * eval through c->state, which takes ownership. Also sets the shape of each
 * wanted output from them. On error everything is released. */
fy_status ctl_results_put(struct op_ctx *c, struct op_tensor **vals, int n);
/* Releases and frees n values (NULL entries skipped) and sets them NULL. */
void ctl_values_free(struct op_tensor **vals, int n);
/* A fresh malloc'd copy of v. NULL on NOMEM (error set, naming the node). */
struct op_tensor *ctl_value_copy(struct op_ctx *c, const struct op_tensor *v);

#endif
