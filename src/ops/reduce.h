/* Family 'reduce': reductions and the ops that work along an axis or over a
 * set of axes. This header holds the typed parameter structs, the entry
 * points that reduce.c gathers into op_family_reduce, and the helpers the
 * family's files (and the 'image' family) share.
 *
 * Files: reduce.c (Reduce*, ArgMax, ArgMin, CumSum; the family table and the
 * shared helpers), softmax.c (Softmax, LogSoftmax, Hardmax), topk.c (TopK),
 * einsum.c (Einsum), det.c (Det). */
#ifndef FERRY_OPS_REDUCE_H
#define FERRY_OPS_REDUCE_H

#include "ops/op.h"

/* ---- helpers shared by the reduce and image families ---- */

/* Input i, or NULL when left out (or beyond the node's inputs). */
const struct op_tensor *rx_in(const struct op_ctx *c, int i);
bool rx_is_float(enum ir_dtype t);
/* Elements [first, first + n) of a numeric tensor as doubles / int64s. */
void rx_read_f64(const struct op_tensor *t, uint64_t first, int64_t n, double *dst);
void rx_read_i64(const struct op_tensor *t, uint64_t first, int64_t n, int64_t *dst);
/* Writes n doubles into elements [first, first + n) of t, converting to its
 * dtype (integers truncate toward zero, as a numpy astype does). */
void rx_write_f64(struct op_tensor *t, uint64_t first, int64_t n, const double *src);
/* The whole tensor as doubles: t's own data when float64, else a converted
 * copy in node scratch. NULL when out of memory (error set). */
const double *rx_load_f64(struct op_ctx *c, const struct op_tensor *t);
/* Shape as "[1,3,224,224]" for messages. */
const char *rx_shape_str(const struct op_tensor *t, char *buf, size_t cap);

/* ---- Softmax, LogSoftmax, Hardmax (softmax.c) ---- */

struct softmax_params {
    int64_t axis;
    bool coerce_2d; /* opset < 13: rows = dims[0:axis], one row = dims[axis:] */
};
fy_status softmax_parse(const struct ir_node *n, int64_t opset, void *params,
                        struct fy_error *err);
fy_status softmax_infer(struct op_ctx *c);
fy_status softmax_eval(struct op_ctx *c);
fy_status logsoftmax_eval(struct op_ctx *c);
fy_status hardmax_eval(struct op_ctx *c);

/* ---- TopK (topk.c) ---- */

struct topk_params {
    int64_t axis;
    int64_t k;    /* opset 1: the attribute; later K is input 1 */
    bool k_input;
    bool largest;
    bool sorted;
};
fy_status topk_parse(const struct ir_node *n, int64_t opset, void *params, struct fy_error *err);
fy_status topk_infer(struct op_ctx *c);
fy_status topk_eval(struct op_ctx *c);

/* ---- Einsum (einsum.c) ---- */

#define EINSUM_MAX_OPERANDS 8
#define EINSUM_MAX_LABELS 64 /* 52 letters + ellipsis dims */

/* The equation, parsed once. Labels are numbered: letters by first
 * appearance, then the ellipsis dims (ell_rank of them, right-aligned across
 * the operands as in numpy broadcasting). */
struct einsum_term {
    int n;                          /* subscripts, counting '...' once */
    int16_t sub[OP_MAX_RANK + 1];   /* label per subscript; -1 marks '...' */
};
struct einsum_params {
    int n_operands;
    struct einsum_term in[EINSUM_MAX_OPERANDS];
    struct einsum_term out;
    bool out_ellipsis;  /* '...' in the output (explicit) or implied */
    int n_letters;      /* labels 0 .. n_letters-1 are letters */
    char letter[EINSUM_MAX_LABELS];
};
fy_status einsum_parse(const struct ir_node *n, int64_t opset, void *params,
                       struct fy_error *err);
fy_status einsum_infer(struct op_ctx *c);
fy_status einsum_eval(struct op_ctx *c);

/* ---- Det (det.c) ---- */

fy_status det_infer(struct op_ctx *c);
fy_status det_eval(struct op_ctx *c);

#endif
