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
/* Replaces the tap given at creation (NULL removes it); not during a run. */
void interp_set_tap(struct interp *ip, interp_tap_fn tap, void *user);

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

/* Step-wise running of the main graph, for validate's per-layer comparison,
 * which advances two models side by side. interp_run is interp_begin, then
 * interp_step until *node is NULL, then interp_finish. Taps fire as in
 * interp_run. Between begin and finish (or abort) no other run may start on
 * this interpreter, except interp_run_nodes: interp_begin (and so
 * interp_run) while a session is open fails with FY_EINTERNAL and leaves
 * that session as it was. begin releases the previous run's outputs and
 * checks the inputs as interp_run does. After an error in begin, step or
 * finish the session is over and already released; interp_abort ends a
 * session early (without error) and is safe when none is open; destroy
 * aborts an open one. */
fy_status interp_begin(struct interp *ip, const struct op_tensor *const *inputs, int n_inputs,
                       struct fy_error *err);
/* Runs the next node; *node is the node that ran, or NULL when none was
 * left (the outputs are then ready for interp_finish; further steps give
 * NULL again). With no session open: FY_EINTERNAL. */
fy_status interp_step(struct interp *ip, const struct ir_node **node, struct fy_error *err);
/* Ends the session (also on error); outputs as interp_run gives them. An
 * error when nodes are left to run. */
fy_status interp_finish(struct interp *ip, struct op_tensor **outputs, int n_outputs,
                        struct fy_error *err);
void interp_abort(struct interp *ip);

/* The main graph's nodes in the order the interpreter runs them. */
int interp_node_count(const struct interp *ip);
const struct ir_node *interp_node(const struct interp *ip, int i);

/* Runs some nodes of the main graph on their own, outside any run and
 * without taps or the activation plan (so it may be called between steps of
 * a session without disturbing it): nodes[] in the order given; every
 * tensor they read (their subgraphs' reads of main-graph values included)
 * that none of them produces and that is not a constant must be among
 * given[] (with its value in given_vals[]; not copied, never freed).
 * Constants are always the model's: giving one is an error. A given value
 * without quantization is read with the tensor's declared one (as graph
 * inputs are); TFLite variable tensors not given start at zero, as in a run.
 * want_vals[i] receives a newly allocated copy of want[i]'s value (caller
 * releases it with op_tensor_release); each want[i] must be produced by one
 * of nodes[] or be given. On error every want_vals[i] is left empty. Errors
 * name the node, and the tensor that has no value. Everything it computes
 * is freed before it returns. Not a run of the model: interp_stats (peak,
 * per-op counts and times) is left unchanged. */
fy_status interp_run_nodes(struct interp *ip, const struct ir_node *const *nodes, int n_nodes,
                           const struct ir_tensor *const *given,
                           const struct op_tensor *const *given_vals, int n_given,
                           const struct ir_tensor *const *want, struct op_tensor *want_vals,
                           int n_want, struct fy_error *err);

#endif
