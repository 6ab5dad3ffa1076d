/* tb ("test builder"): small IR models for the unit tests.
 *
 * A struct tb holds one model. Every call adds to b->g (the main graph, or a
 * subgraph while the test points b->g at one). A call that fails sets b->bad
 * and b->err (the first failure); once b->bad is set, later calls do nothing
 * and return NULL, so a test builds its whole graph and checks b->bad (or the
 * verdict tb_judge gives) once.
 *
 *     struct tb b;
 *     tb_init(&b, IR_FORMAT_ONNX, 13);
 *     struct ir_tensor *x = tb_input(&b, "x", IR_F32, TB_SHAPE(1, 3, 8, 8));
 *     struct ir_tensor *y = tb_tensor(&b, "y", IR_F32, -1, NULL);
 *     struct ir_node *n = tb_node(&b, IR_OP_RELU, NULL, NULL, "relu", TB_LIST(x), TB_LIST(y));
 *     tb_output(&b, y);
 *     ...
 *     tb_free(&b);
 *
 * Names (of tensors, nodes, attributes) and attribute strings are copied into
 * the model's arena: the caller's buffers need not outlive the call. */
#ifndef FERRY_TESTS_TB_H
#define FERRY_TESTS_TB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ir/ir.h"
#include "targets/target.h"

struct tb {
    struct ir_model *m;
    struct ir_graph *g;  /* where tensors and nodes go */
    struct fy_error err; /* the first failure */
    bool bad;            /* a call failed: later calls do nothing */
    int k;               /* the next generated tensor name is "t<k>" */
    uint64_t seed;       /* tb_rand's state; every tb starts from the same one */
    /* for tb_judge: */
    int64_t opset;        /* > 0: every node is judged at this opset; 0: at the
                           * model's import of the node's domain */
    int64_t target_opset; /* onnx-opsetN's N */
};

/* A new model of the given format; opset > 0 imports the default domain ""
 * at that version. */
void tb_init(struct tb *b, enum ir_format format, int64_t opset);
/* Imports domain (NULL: the default domain "") at version. */
void tb_opset(struct tb *b, const char *domain, int64_t version);
void tb_free(struct tb *b);

/* Shapes and tensor lists spelled inline: TB_SHAPE(1, 8, 8, 4) is the rank
 * and dims arguments, TB_LIST(x, w, NULL) the count and tensors arguments. */
#define TB_DIMS(...) ((const int64_t[]){__VA_ARGS__})
#define TB_SHAPE(...) (int)(sizeof TB_DIMS(__VA_ARGS__) / sizeof(int64_t)), TB_DIMS(__VA_ARGS__)
#define TB_TS(...) ((struct ir_tensor *const[]){__VA_ARGS__})
#define TB_LIST(...)                                                                               \
    (int)(sizeof TB_TS(__VA_ARGS__) / sizeof(struct ir_tensor *)), TB_TS(__VA_ARGS__)

/* ---- tensors ---- */

/* A value tensor of dtype dt, typed as a reader's declared tensor
 * (has_type). name NULL: "t0", "t1", ... in creation order. rank < 0: the
 * shape is unknown (dims may be NULL). A dim < 0 is unknown until
 * tb_symbolic names it. */
struct ir_tensor *tb_tensor(struct tb *b, const char *name, enum ir_dtype dt, int rank,
                            const int64_t *dims);
/* A new tensor that is a graph input. */
struct ir_tensor *tb_input(struct tb *b, const char *name, enum ir_dtype dt, int rank,
                           const int64_t *dims);
/* t becomes a graph input (or output), in call order. */
void tb_add_input(struct tb *b, struct ir_tensor *t);
void tb_output(struct tb *b, struct ir_tensor *t);
/* Every dim of t below 0 becomes symbolic, called param. Returns t. */
struct ir_tensor *tb_symbolic(struct ir_tensor *t, const char *param);
/* Per-tensor quantization (axis -1, one scale and zero point). Returns t. */
struct ir_tensor *tb_quant(struct tb *b, struct ir_tensor *t, float scale, int64_t zero_point);

/* ---- constants (initializers) ---- */

/* nbytes of data copied (zeros when data is NULL); nbytes 0: a constant
 * whose values are left out (data NULL). */
struct ir_tensor *tb_const(struct tb *b, const char *name, enum ir_dtype dt, int rank,
                           const int64_t *dims, const void *data, size_t nbytes);
/* Zeros, as many bytes as dt and the static, non-empty shape take. */
struct ir_tensor *tb_zeros(struct tb *b, const char *name, enum ir_dtype dt, int rank,
                           const int64_t *dims);
/* A vector [n] of int64 or int32 values. */
struct ir_tensor *tb_i64s(struct tb *b, const char *name, int n, const int64_t *v);
struct ir_tensor *tb_i32s(struct tb *b, const char *name, int n, const int32_t *v);
/* A float32 scalar. */
struct ir_tensor *tb_f32(struct tb *b, const char *name, float v);
/* float32 values offset + scale * u, u from tb_random on b->seed: two
 * builders that make the same calls get the same values. */
struct ir_tensor *tb_rand(struct tb *b, const char *name, int rank, const int64_t *dims,
                          float scale, float offset);
/* The next value of a xorshift generator, in [-1, 1). */
float tb_random(uint64_t *state);

/* ---- nodes and attributes ---- */

/* A node of op. op_type NULL: the op's name, "tfl." left out as the TFLite
 * reader names builtins; domain NULL: ""; name NULL: "". ins and outs may
 * hold NULL (an optional input or output left out). */
struct ir_node *tb_node(struct tb *b, enum ir_op op, const char *op_type, const char *domain,
                        const char *name, int n_in, struct ir_tensor *const *ins, int n_out,
                        struct ir_tensor *const *outs);

void tb_int(struct tb *b, struct ir_node *n, const char *name, int64_t v);
void tb_float(struct tb *b, struct ir_node *n, const char *name, float v);
void tb_str(struct tb *b, struct ir_node *n, const char *name, const char *s);
void tb_ints(struct tb *b, struct ir_node *n, const char *name, int count, const int64_t *v);
void tb_strs(struct tb *b, struct ir_node *n, const char *name, int count, const char *const *s);
/* A new subgraph of b->g, held by n's GRAPH attribute `attr` (If branches, a
 * Loop body). Build into it by pointing b->g at it, then back. */
struct ir_graph *tb_subgraph(struct tb *b, struct ir_node *n, const char *attr);

/* ---- targets ---- */

/* Target t's answer for node n of b's model (opset and target_opset as b
 * says). A failed build (b->bad, or n NULL) answers CHECK_UNSET. */
struct check_verdict tb_judge(const struct target *t, struct tb *b, const struct ir_node *n);
/* s contains sub (false when either is NULL). */
bool tb_has(const char *s, const char *sub);
/* The verdict came from rule `rule`. */
bool tb_rule_is(const struct check_verdict *v, const char *rule);

#endif
