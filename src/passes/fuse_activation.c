/* fuse_activation: Relu, Clip(0, 6), Clip(-1, 1) (and Clip(0, ∞)) right
 * after an op whose TFLite builtin carries a fused activation become that
 * op's node->activation (RELU, RELU6, RELU_N1_TO_1), when the op's output
 * has no other reader and is no graph output.
 *
 * Ops that carry one (their lowering's options table has
 * fused_activation_function and the kernels apply it): Conv (CONV_2D,
 * DEPTHWISE_CONV_2D), Gemm and MatMul with constant weights
 * (FULLY_CONNECTED), Add, Sub, Mul, Div, AveragePool and MaxPool
 * (the *_POOL_2D ops). CONCATENATION has the field too, but TFLite's float kernel
 * refuses any activation there ("params->activation != kTfLiteActNone").
 *
 * Tanh is not fused: TFLite's float kernels take the activation range from
 * CalculateActivationRange, which knows RELU, RELU6 and RELU_N1_TO_1 only;
 * a fused TANH would be silently dropped, so Tanh stays a TANH op. */
#include <math.h>
#include <string.h>

#include "passes/pass.h"
#include "passes/util.h"

static bool producer_takes(const struct ir_node *p)
{
    switch (p->op) {
    case IR_OP_CONV: {
        const struct ir_tensor *w = p->n_inputs > 1 ? p->inputs[1] : NULL;
        return w && w->rank == 4;
    }
    case IR_OP_GEMM: return true;
    case IR_OP_MAT_MUL: {
        const struct ir_tensor *b = p->inputs[1];
        return pu_is_const(b) && b->rank == 2;
    }
    case IR_OP_ADD:
    case IR_OP_SUB:
    case IR_OP_MUL:
    case IR_OP_DIV: return true;
    case IR_OP_AVERAGE_POOL:
    case IR_OP_MAX_POOL: return p->inputs[0] && p->inputs[0]->rank == 4 && p->n_outputs == 1;
    default: return false;
    }
}

/* The fused activation an activation node amounts to; NONE when none. */
static enum ir_activation activation_of(const struct ir_node *a, int64_t opset)
{
    if (a->op == IR_OP_RELU) return IR_ACT_RELU;
    if (a->op != IR_OP_CLIP) return IR_ACT_NONE;
    double lo = -INFINITY, hi = INFINITY;
    if (opset < 11) {
        lo = pu_attr_float(a, "min", -INFINITY);
        hi = pu_attr_float(a, "max", INFINITY);
    } else {
        if (a->n_inputs > 1 && a->inputs[1] && !pu_const_scalar(a->inputs[1], &lo))
            return IR_ACT_NONE;
        if (a->n_inputs > 2 && a->inputs[2] && !pu_const_scalar(a->inputs[2], &hi))
            return IR_ACT_NONE;
    }
    if (lo == 0 && hi == 6) return IR_ACT_RELU6;
    if (lo == -1 && hi == 1) return IR_ACT_RELU_N1_TO_1;
    if (lo == 0 && isinf(hi) && hi > 0) return IR_ACT_RELU;
    return IR_ACT_NONE;
}

static fy_status fuse_activation_run(struct ir_model *m, struct pass_report *r,
                                     struct fy_error *err)
{
    struct ir_graph *g = m->graph;
    struct pu_uses u;
    fy_status st = pu_uses_build(g, &u, err);
    if (st) return st;
    int n_nodes = g->n_nodes;
    for (int i = 0; i < n_nodes && !st; i++) {
        struct ir_node *a = g->nodes[i];
        if (a->n_inputs < 1 || !a->inputs[0] || a->n_outputs < 1 || !a->outputs[0]) continue;
        enum ir_activation act = activation_of(a, ir_model_opset(m, a->domain));
        if (act == IR_ACT_NONE) continue;
        struct ir_tensor *x = a->inputs[0];
        struct ir_node *p = x->producer;
        if (!p || x->id >= u.n_tensors || pu_single_user(&u, x) != a || x->dtype != IR_F32 ||
            p->activation != IR_ACT_NONE || p->n_outputs < 1 || p->outputs[0] != x ||
            !producer_takes(p))
            continue;
        p->activation = act;
        /* x now holds the activation's output */
        st = pu_map_derive(r, x, a->outputs[0], 0, NULL, err);
        if (!st) st = pu_replace(g, a->outputs[0], x, false, err);
        if (st) break;
        /* the activation node now reads and makes nothing anyone needs */
        r->activations_fused++;
        r->changes++;
    }
    pu_uses_free(&u);
    if (!st) st = pu_sweep(g, err);
    return st;
}

const struct pass pass_fuse_activation = {"fuse_activation", fuse_activation_run};
