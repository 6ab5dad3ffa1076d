/* The reference interpreter: runs any model the IR holds, node by node, with
 * the op descriptors of src/ops. Shapes are resolved at run time from the
 * actual inputs, so symbolic dims need no fixing beforehand. */
#ifndef FERRY_INTERP_INTERP_H
#define FERRY_INTERP_INTERP_H

#include "ops/op.h"

struct interp;

/* Called after each node of the main graph ran; outputs are valid only
 * during the call. Validation uses it to compare per-layer values. */
typedef void (*interp_tap_fn)(void *user, const struct ir_node *n,
                              const struct op_tensor *const *outputs, int n_outputs);

struct interp_options {
    int threads;         /* 0 or 1: run on the calling thread only */
    interp_tap_fn tap;
    void *tap_user;
    bool stats;          /* time each node */
    enum op_tflite_arith tflite_arith; /* tfl.* integer arithmetic (op.h); default REFERENCE */
};

struct interp_op_stat {
    enum ir_op op;
    const char *op_type;
    int64_t calls;
    double seconds;
};

struct interp_stats {
    uint64_t peak_activation_bytes; /* most bytes of intermediate values alive at once */
    uint64_t planned_activation_bytes; /* the slab the activation plan places them in */
    uint64_t constant_bytes;
    int n_ops;
    struct interp_op_stat ops[IR_OP_COUNT + 1]; /* by op, only those that ran */
};

/* Prepares the model for running: every node must have a descriptor (the
 * error lists every node without one, naming op and domain), attributes are
 * parsed and checked. The model must outlive the interpreter. */
fy_status interp_create(const struct ir_model *m, const struct interp_options *opt,
                        struct interp **out, struct fy_error *err);
void interp_destroy(struct interp *ip);

/* Runs the main graph. inputs[i] feeds the i-th graph input that is not a
 * constant (interp_input_count / interp_input tell which). Outputs are owned
 * by the interpreter until the next run or destroy. The input dtype and shape
 * are checked against the model's declaration (exit 3 material). */
fy_status interp_run(struct interp *ip, const struct op_tensor *const *inputs, int n_inputs,
                     struct op_tensor **outputs, int n_outputs, struct fy_error *err);

int interp_input_count(const struct interp *ip);
const struct ir_tensor *interp_input(const struct interp *ip, int i);
int interp_output_count(const struct interp *ip);
const struct ir_tensor *interp_output(const struct interp *ip, int i);
const struct interp_stats *interp_get_stats(const struct interp *ip);

/* Shape inference for one node without evaluating it (for passes that need
 * static shapes): parses the node's attributes and runs its descriptor's
 * infer on the given inputs, which need data only where the op reads values
 * to decide shapes (shape tensors, axes). Sets each out[i]'s dtype and dims
 * (no data is allocated). Nodes with subgraphs (If/Loop/Scan) are refused:
 * only running their body decides their shapes. */
fy_status interp_infer_node(const struct ir_node *n, int64_t opset,
                            const struct op_tensor *const *in, struct op_tensor *const *out,
                            struct fy_error *err);


#endif
