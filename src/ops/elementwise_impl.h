/* Shared by the files of the elementwise family (elementwise*.c): dtype sets
 * per opset, the broadcast iterator, and the descriptors' functions, which
 * elementwise.c gathers into op_family_elementwise[].
 *
 * Not a public header: only src/ops/elementwise*.c include it. */
#ifndef FERRY_OPS_ELEMENTWISE_IMPL_H
#define FERRY_OPS_ELEMENTWISE_IMPL_H

#include "ops/op.h"

/* ---- dtype sets: bit (1 << enum ir_dtype) ---- */
#define T_(e) (1u << IR_##e)
#define T_F32 T_(F32)
#define T_F16 T_(F16)
#define T_BF16 T_(BF16)
#define T_F64 T_(F64)
#define T_I8 T_(I8)
#define T_U8 T_(U8)
#define T_I16 T_(I16)
#define T_U16 T_(U16)
#define T_I32 T_(I32)
#define T_U32 T_(U32)
#define T_I64 T_(I64)
#define T_U64 T_(U64)
#define T_BOOL T_(BOOL)
#define T_STRING T_(STRING)
#define T_C64 T_(C64)
#define T_C128 T_(C128)
#define T_FLT3 (T_F32 | T_F16 | T_F64)
#define T_FLT4 (T_FLT3 | T_BF16)
#define T_SINT (T_I8 | T_I16 | T_I32 | T_I64)
#define T_UINT (T_U8 | T_U16 | T_U32 | T_U64)
#define T_INT (T_SINT | T_UINT)
#define T_NUM3 (T_FLT3 | T_INT)
#define T_NUM4 (T_FLT4 | T_INT)

/* The dtypes an op accepts at the model's opset, from the ONNX operator
 * definitions: in0 for its main input(s) (for Where: X and Y), in1 for a
 * second input with its own type (Pow's exponent), 0 when it must equal
 * in0. */
struct ew_types {
    uint32_t in0, in1;
};
struct ew_types ew_types_for(enum ir_op op, int64_t opset);
/* Fails naming the input, its dtype and the accepted list. */
fy_status ew_check_dtype(const struct op_ctx *c, int input, uint32_t allowed);
/* The common case: every listed input present has the same dtype as input
 * first, and that dtype is in the op's set at this opset. */
fy_status ew_check_inputs(const struct op_ctx *c, int first, int last);

static inline bool ew_is_unsigned(enum ir_dtype t)
{
    return t == IR_U8 || t == IR_U16 || t == IR_U32 || t == IR_U64 || t == IR_BOOL;
}

/* ---- broadcast iteration ----
 * Walks the output (contiguous, C order) of a broadcast over up to
 * EW_MAX_IN inputs, in rows: runs of elements along which every input moves
 * by a fixed stride of 0 (broadcast) or 1 (contiguous). Dims of size 1 are
 * dropped and neighbouring dims merged where every input allows, so
 * same-shape inputs make one row and a per-channel bias makes rows as long
 * as a channel. */
#define EW_MAX_IN 3
struct ew_iter {
    int rank; /* after merging; at least 1 */
    int k;    /* inputs */
    int64_t dims[OP_MAX_RANK];
    int64_t st[EW_MAX_IN][OP_MAX_RANK];
    int64_t total;
};
void ew_iter_init(struct ew_iter *it, int rank, const int64_t *dims,
                  const struct op_tensor *const *in, int k);
/* fn(arg, off, st, out, n): n output elements starting at element `out`;
 * input i starts at element off[i] and advances by st[i] (0 or 1). */
typedef void (*ew_row_fn)(void *arg, const int64_t *off, const int64_t *st, int64_t out, int64_t n);
/* Runs fn over every row, split across threads for big outputs (rows are
 * cut at fixed element positions, so results do not depend on timing). */
void ew_iter_run(struct op_ctx *c, const struct ew_iter *it, ew_row_fn fn, void *arg);
/* Same over [0, n) of contiguous data: fn(arg, begin, end). */
void ew_run_flat(struct op_ctx *c, int64_t n, op_range_fn fn, void *arg);

/* see OP_VECTORIZE (op.h) */
#define EW_VECTORIZE OP_VECTORIZE

/* Elements per parallel chunk: below this, threads cost more than they save. */
#define EW_MIN_CHUNK 32768
/* f16/bf16 are computed in float32 in blocks of this many elements. */
#define EW_BLOCK 256

/* float16/bfloat16 blocks to and from float32. */
void ew_load_f32(const struct op_tensor *t, int64_t off, int64_t st, float *dst, int64_t n);
void ew_store_f32(struct op_tensor *t, int64_t off, const float *src, int64_t n);

/* ---- descriptor functions (one family, several files) ---- */
fy_status ew_unary_parse(const struct ir_node *n, int64_t opset, void *params,
                         struct fy_error *err);
fy_status ew_unary_infer(struct op_ctx *c);
fy_status ew_unary_eval(struct op_ctx *c);

fy_status ew_clip_parse(const struct ir_node *n, int64_t opset, void *params, struct fy_error *err);
fy_status ew_clip_infer(struct op_ctx *c);
fy_status ew_clip_eval(struct op_ctx *c);

fy_status ew_binary_parse(const struct ir_node *n, int64_t opset, void *params,
                          struct fy_error *err);
fy_status ew_binary_infer(struct op_ctx *c);
fy_status ew_binary_eval(struct op_ctx *c);

fy_status ew_prelu_infer(struct op_ctx *c);
fy_status ew_prelu_eval(struct op_ctx *c);

fy_status ew_variadic_parse(const struct ir_node *n, int64_t opset, void *params,
                            struct fy_error *err);
fy_status ew_variadic_infer(struct op_ctx *c);
fy_status ew_variadic_eval(struct op_ctx *c);

fy_status ew_where_infer(struct op_ctx *c);
fy_status ew_where_eval(struct op_ctx *c);

fy_status ew_cast_parse(const struct ir_node *n, int64_t opset, void *params, struct fy_error *err);
fy_status ew_cast_infer(struct op_ctx *c);
fy_status ew_cast_like_infer(struct op_ctx *c);
fy_status ew_cast_eval(struct op_ctx *c);

/* Parameter structs (sizes for the descriptor table). */
struct ew_unary_params {
    const struct ew_unary_op *u; /* the op's row in the unary table */
    float a, b;                  /* the op's float attributes (alpha, beta, ...) */
    double da, db;               /* the same in double, for float64 kernels */
    int64_t ia, ib;              /* Clip bounds for signed integers */
    uint64_t ua, ub;             /* Clip bounds for unsigned integers */
    int mode;                    /* Gelu: 1 = tanh; IsInf: bit 0 negative, bit 1 positive */
};
struct ew_clip_params {
    bool from_attrs; /* opset < 11: min/max are attributes */
    float min, max;
};
struct ew_binary_params {
    const struct ew_binary_op *b;
    int64_t fmod;      /* Mod */
    bool shift_left;   /* BitShift */
    bool legacy;       /* opset < 7 with broadcast=1: B is aligned at axis */
    bool legacy_plain; /* opset < 7 without broadcast: shapes must match */
    int64_t axis;      /* legacy broadcast axis; INT64_MIN: suffix matching */
};
struct ew_variadic_params {
    const struct ew_binary_op *b; /* the pairwise kernel: Max, Min, or Add for Sum/Mean */
    bool mean;
    bool same_shape; /* opset < 8: no broadcasting */
};
struct ew_cast_params {
    enum ir_dtype to;
};

#endif
