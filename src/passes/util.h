/* Helpers the passes share: attribute and constant access, graph edits,
 * consumers, dead-value sweeping and static shape inference. */
#ifndef FERRY_PASSES_UTIL_H
#define FERRY_PASSES_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include "ir/ir.h"
#include "passes/pass.h"

/* ---- attributes ---- */
int64_t pu_attr_int(const struct ir_node *n, const char *name, int64_t dflt);
float pu_attr_float(const struct ir_node *n, const char *name, float dflt);
/* Copies up to cap values; returns the count, or -1 when absent. */
int pu_attr_ints(const struct ir_node *n, const char *name, int64_t *out, int cap);
/* STRING attribute as a NUL-terminated copy in buf; dflt when absent. */
const char *pu_attr_str(const struct ir_node *n, const char *name, const char *dflt, char *buf,
                        size_t cap);

fy_status pu_set_int(struct ir_node *n, const char *name, int64_t v, struct fy_error *err);
fy_status pu_set_float(struct ir_node *n, const char *name, float v, struct fy_error *err);
fy_status pu_set_str(struct ir_node *n, const char *name, const char *v, struct fy_error *err);
fy_status pu_set_ints(struct ir_node *n, const char *name, const int64_t *v, int count,
                      struct fy_error *err);
/* Removes an attribute (no-op when absent). */
void pu_del_attr(struct ir_node *n, const char *name);

/* ---- constants ---- */
bool pu_is_const(const struct ir_tensor *t);
uint64_t pu_numel(const struct ir_tensor *t); /* 0 when not static */
/* Element i of a numeric constant (unaligned data read safely). */
double pu_get_f64(const struct ir_tensor *t, uint64_t i);
int64_t pu_get_i64(const struct ir_tensor *t, uint64_t i);
/* Whole constant as float32 / int64 into a malloc'd array (caller frees);
 * NULL on NOMEM or a non-numeric type. */
float *pu_const_f32(const struct ir_tensor *t);
int64_t *pu_const_i64(const struct ir_tensor *t);
/* A constant whose every element equals v. */
bool pu_const_all(const struct ir_tensor *t, double v);
/* A scalar-like constant (numel 1): its value. */
bool pu_const_scalar(const struct ir_tensor *t, double *v);

/* The bytes [p, p+n) of a source constant are read for the last time: the
 * pages of the model's file mapping wholly inside are dropped from memory
 * (madvise DONTNEED; read again from the file should anything touch them),
 * so converting a model never holds two copies of its weights. */
void pu_release_source(const struct ir_model *m, const void *p, uint64_t n);
/* A constant sharing src's bytes under another shape (same element count). */
struct ir_tensor *pu_const_borrow(struct ir_graph *g, const char *base, const struct ir_tensor *src,
                                  int rank, const int64_t *dims, struct fy_error *err);

/* ---- creating tensors and nodes ---- */
/* A name not used in g: base, else base_1, base_2, ... (arena string). */
const char *pu_unique_name(struct ir_graph *g, const char *base);
struct ir_tensor *pu_tensor(struct ir_graph *g, const char *base, enum ir_dtype dt, int rank,
                            const int64_t *dims, struct fy_error *err);
/* A constant; data (nbytes for dt and dims) is copied into the arena. */
struct ir_tensor *pu_const(struct ir_graph *g, const char *base, enum ir_dtype dt, int rank,
                           const int64_t *dims, const void *data, struct fy_error *err);
/* A constant that takes ownership of arena memory (no copy). */
struct ir_tensor *pu_const_owned(struct ir_graph *g, const char *base, enum ir_dtype dt,
                                 int rank, const int64_t *dims, void *data,
                                 struct fy_error *err);
struct ir_tensor *pu_const_i32(struct ir_graph *g, const char *base, const int64_t *vals, int n,
                               struct fy_error *err);
struct ir_tensor *pu_const_f32_scalar(struct ir_graph *g, const char *base, float v,
                                      struct fy_error *err);
/* A node of op (tfl.* ops get op_type = the builtin name, TFLite rounding
 * and NHWC layout where the builtin has one). */
struct ir_node *pu_node(struct ir_graph *g, enum ir_op op, const char *name, int n_in, int n_out,
                        struct fy_error *err);
/* Sets input i. */
void pu_in(struct ir_node *n, int i, struct ir_tensor *t);
/* Sets output i (the tensor must have no producer). */
fy_status pu_out(struct ir_node *n, int i, struct ir_tensor *t, struct fy_error *err);
/* Frees t from its producer (so another node may produce it). */
void pu_detach_output(struct ir_tensor *t);

bool pu_is_tfl(enum ir_op op);
bool pu_tfl_nhwc(enum ir_op op);

/* ---- uses ---- */
struct pu_uses {
    int *offset; /* n_tensors + 1 */
    struct ir_node **node;
    int *slot; /* input index in that node */
    bool *is_output; /* graph output, by tensor id */
    int n_tensors;
};
fy_status pu_uses_build(const struct ir_graph *g, struct pu_uses *u, struct fy_error *err);
void pu_uses_free(struct pu_uses *u);
/* Readers of t (graph output counts as one). */
int pu_use_count(const struct pu_uses *u, const struct ir_tensor *t);
/* The only node reading t, when t is read by exactly one node and is no
 * graph output; else NULL. */
struct ir_node *pu_single_user(const struct pu_uses *u, const struct ir_tensor *t);

/* Makes every reader of old read neu instead. A graph output keeps its
 * tensor (its name is part of the model's contract): when old is one, neu's
 * producer is made to produce old instead, or, when neu is an input or
 * constant, an identity copy is added (tfl.RESHAPE when tfl is set, else
 * Identity). */
fy_status pu_replace(struct ir_graph *g, struct ir_tensor *old, struct ir_tensor *neu, bool tfl,
                     struct fy_error *err);

/* Removes nodes whose outputs nobody reads (and are no graph outputs),
 * tensors nothing refers to, renumbers ids, rebuilds the name index and
 * sorts the nodes topologically. */
fy_status pu_sweep(struct ir_graph *g, struct fy_error *err);

/* ---- shapes ---- */
/* Static shape inference over the main graph, in topological order, with
 * the op descriptors (interp_infer_node). Outputs of nodes that cannot be
 * inferred (no descriptor, unknown input shapes, shape inputs that are not
 * constant, subgraphs) keep what the file said. Returns the number of
 * tensors whose shape or type changed. */
fy_status pu_infer_shapes(struct ir_model *m, int *changed, struct fy_error *err);
/* Checks every static output shape against what its op infers (pass
 * verification); INTERNAL naming the node on a mismatch. */
fy_status pu_check_shapes(const struct ir_model *m, struct fy_error *err);
/* dims of t into out (static only); false when not static. */
bool pu_dims(const struct ir_tensor *t, int64_t *out);
bool pu_static(const struct ir_tensor *t);

/* ---- permutations ---- */
/* r[k] = p[q[k]]: transpose(transpose(x, p), q) == transpose(x, r). */
void pu_perm_compose(const int *p, const int *q, int rank, int *r);
void pu_perm_inverse(const int *p, int rank, int *r);
bool pu_perm_identity(const int *p, int rank);
/* transpose(x, p) keeps the order of x's elements (it only moves dims of
 * size 1 relative to the others): a reshape. */
bool pu_perm_is_reshape(const int *p, int rank, const int64_t *dims);
/* Transposes a constant's data (element size es) into dst. */
void pu_transpose_data(const void *src, void *dst, size_t es, int rank, const int64_t *dims,
                       const int *perm);

/* ---- the conversion record ---- */
/* Records that t holds src's source tensor transposed by perm (applied on
 * top of src's own record). rank 0 / perm NULL: same layout as src. */
fy_status pu_map_derive(struct pass_report *r, const struct ir_tensor *t,
                        const struct ir_tensor *src, int rank, const int *perm,
                        struct fy_error *err);

/* The name to report a node under: its name, or its first output's. */
const char *pu_node_label(const struct ir_node *n);

#endif
