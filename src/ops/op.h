/* Operator descriptors: how the interpreter validates and runs each IR op.
 *
 * Every op has one descriptor. A file in src/ops/ holds the descriptor of one
 * op, or of a family of ops that share one kernel (elementwise unary math,
 * binary arithmetic, reductions), exported as an array (see registry.c).
 *
 *   parse  (once, at load) attributes → the op's typed parameter struct;
 *          every attribute value checked, errors naming node and op.
 *   infer  (each run, before eval) checks input count, dtypes and shapes and
 *          sets each output's dtype and dims. It may read the values of
 *          small inputs (shape tensors, axes) that decide output shapes.
 *          All user-facing validation lives here or in parse.
 *   eval   computes the outputs into buffers the interpreter allocated from
 *          the dims infer set. It trusts infer: no re-validation.
 *          Data-dependent faults (integer division by zero, an index out of
 *          range) are still reported, by op_fail, naming the node.
 *
 * Kernels switch on dtype; each reference kernel is written for clarity and
 * may have a fast path behind the same descriptor, tested against it. */
#ifndef FERRY_OPS_OP_H
#define FERRY_OPS_OP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ir/ir.h"

#define OP_MAX_RANK 12

/* GCC at -O2 vectorizes a loop only when no scalar remainder is left (its
 * "very cheap" cost model), which rules out every loop of run-time length.
 * Kernels' hot float loops ask for the "cheap" model instead, and for
 * no-trapping-math, without which selects like x < 0 ? a*x : x are not made
 * into vector blends. ferry never reads the floating-point exception flags,
 * so no result changes. (Loops calling libm functions stay scalar.) */
#if defined(__GNUC__) && !defined(__clang__)
#define OP_VECTORIZE                                                                               \
    __attribute__((optimize("tree-vectorize", "vect-cost-model=cheap", "no-trapping-math")))
#else
#define OP_VECTORIZE
#endif

/* A runtime value. data is 64-byte aligned and owned by the interpreter;
 * inputs are read-only to kernels. STRING tensors hold strings instead. */
struct op_tensor {
    enum ir_dtype dtype;
    int rank;
    int64_t dims[OP_MAX_RANK];
    uint64_t numel;
    uint64_t nbytes;
    void *data;
    struct ir_bytes *strings; /* STRING: numel byte strings */
    const struct ir_quant *quant; /* from the IR tensor, when it has one */
};

struct op_ctx;
struct interp_run;

/* Whose integer arithmetic the tfl.* kernels compute (interp_options and
 * op_ctx carry it): TFLite's reference kernels (what TFLite Micro runs, the
 * default), or the rules of the XNNPACK delegate the TFLite interpreter
 * applies on CPU (float requantization in CONV_2D, DEPTHWISE_CONV_2D and
 * FULLY_CONNECTED, XNNPACK's own ADD; see the kernels). */
enum op_tflite_arith { OP_TFLITE_ARITH_REFERENCE = 0, OP_TFLITE_ARITH_XNNPACK = 1 };

typedef fy_status (*op_parse_fn)(const struct ir_node *n, int64_t opset, void *params,
                                 struct fy_error *err);
typedef fy_status (*op_infer_fn)(struct op_ctx *c);
typedef fy_status (*op_eval_fn)(struct op_ctx *c);

struct op_desc {
    enum ir_op op;
    int min_inputs, max_inputs;   /* max -1: variadic */
    int min_outputs, max_outputs;
    size_t params_size;           /* 0: no parameters */
    op_parse_fn parse;            /* NULL: no attributes to parse */
    op_infer_fn infer;
    op_eval_fn eval;
};

struct op_ctx {
    const struct ir_node *node;
    int64_t opset;                /* the model's version of the node's domain */
    const void *params;           /* the struct parse filled */
    int n_inputs;
    const struct op_tensor *const *in; /* NULL: optional input left out */
    int n_outputs;
    struct op_tensor *const *out; /* NULL: optional output not wanted */
    struct interp_run *run;       /* threads, scratch, subgraphs */
    struct fy_error *err;
    /* What infer hands to eval (If/Loop/Scan run their body in infer, since
     * only the body decides the output shapes). The interpreter calls
     * state_free(state) after eval, or when infer or eval fails. */
    void *state;
    void (*state_free)(void *state);
    enum op_tflite_arith tflite_arith; /* copied from interp_options */
};

/* ---- errors (write once, naming node and op) ---- */
fy_status op_fail(const struct op_ctx *c, fy_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
fy_status op_fail_node(const struct ir_node *n, struct fy_error *err, fy_status st,
                       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* ---- attributes (for parse); each checks the attribute's type ---- */
fy_status op_attr_int(const struct ir_node *n, const char *name, int64_t dflt, int64_t *out,
                      struct fy_error *err);
fy_status op_attr_float(const struct ir_node *n, const char *name, float dflt, float *out,
                        struct fy_error *err);
/* *out points at the attribute's bytes (not NUL-terminated); dflt when absent. */
fy_status op_attr_string(const struct ir_node *n, const char *name, const char *dflt,
                         struct ir_bytes *out, struct fy_error *err);
/* Copies up to cap ints; *count = -1 when absent. More than cap is an error. */
fy_status op_attr_ints(const struct ir_node *n, const char *name, int64_t *out, int cap,
                       int *count, struct fy_error *err);
fy_status op_attr_floats(const struct ir_node *n, const char *name, float *out, int cap,
                         int *count, struct fy_error *err);
bool op_bytes_eq(struct ir_bytes b, const char *s);

/* ---- shapes (for infer) ---- */
/* Sets dtype and dims of an output (numel/nbytes computed, overflow checked). */
fy_status op_set_output(struct op_ctx *c, int i, enum ir_dtype dt, int rank,
                        const int64_t *dims);
/* Numpy-style multidirectional broadcast of the given inputs' shapes. */
fy_status op_broadcast_shape(struct op_ctx *c, const struct op_tensor *const *ts, int n,
                             int *rank, int64_t *dims);
/* Normalizes a possibly negative axis against rank; error naming what. */
fy_status op_axis(const struct op_ctx *c, int64_t axis, int rank, const char *what, int *out);
/* Reads an integer (int32/int64) 1-D or scalar input into out (cap elements). */
fy_status op_read_ints(const struct op_ctx *c, int input, int64_t *out, int cap, int *count);
fy_status op_expect_dtype(const struct op_ctx *c, int input, const enum ir_dtype *allowed,
                          int n_allowed);
/* Same dtype as input 0 for every listed input present. */
fy_status op_expect_same_dtype(const struct op_ctx *c, int first, int last);

/* ---- element access ---- */
/* Strides (in elements) of t viewed as rank `rank` (right-aligned, for
 * broadcasting): 0 where t's dim is 1 or absent. */
void op_broadcast_strides(const struct op_tensor *t, int rank, const int64_t *dims,
                          int64_t *strides);
/* Value of element i of any numeric tensor as double / int64 (for reference
 * kernels, shape inputs and tests). */
double op_get_f64(const struct op_tensor *t, uint64_t i);
int64_t op_get_i64(const struct op_tensor *t, uint64_t i);
void op_set_f64(struct op_tensor *t, uint64_t i, double v);
void op_set_i64(struct op_tensor *t, uint64_t i, int64_t v);

/* ---- running ---- */
/* Runs fn(arg, begin, end) over [0, n) split across the interpreter's threads.
 * Chunks are fixed by n and the thread count, so results are deterministic. */
typedef void (*op_range_fn)(void *arg, int64_t begin, int64_t end);
void op_parallel_for(struct op_ctx *c, int64_t n, int64_t min_chunk, op_range_fn fn, void *arg);
/* Scratch memory valid until the node's eval returns; NULL on NOMEM (err set). */
void *op_scratch(struct op_ctx *c, size_t bytes);
/* Runs a subgraph of the node (If/Loop/Scan bodies) with the given inputs.
 * Each outputs[i] is a malloc'd op_tensor owned by the caller: release it
 * with op_tensor_release and free it. */
fy_status op_run_subgraph(struct op_ctx *c, const struct ir_graph *g,
                          const struct op_tensor *const *inputs, int n_inputs,
                          struct op_tensor **outputs, int n_outputs);

/* The subgraphs of the model that node n runs by index (tfl.IF's then and
 * else, tfl.WHILE's cond and body; ir_model.tflite->subgraphs): up to 2,
 * written to out with their indices; returns how many (0 for every other
 * op; an index out of range is left out, and parse refuses it). */
int op_called_subgraphs(const struct ir_node *n, const struct ir_graph *out[2], int index[2]);

/* ---- runtime tensors ---- */
/* Allocates t (zeroed data, or a string array) for the given type and shape. */
fy_status op_tensor_alloc(struct op_tensor *t, enum ir_dtype dt, int rank, const int64_t *dims,
                          struct fy_error *err);
void op_tensor_release(struct op_tensor *t);

/* ---- registry ---- */
/* The descriptor of op, or NULL when the interpreter has none. */
const struct op_desc *op_find(enum ir_op op);
/* The descriptor that runs node n (the one place that would pick a variant
 * by node, e.g. by layout, if the op list ever needs it). */
const struct op_desc *op_find_node(const struct ir_node *n);

#endif
