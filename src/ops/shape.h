/* Family 'shape': ops that rearrange, select, replicate or generate
 * elements without arithmetic on them (Reshape, Transpose, Slice, Gather,
 * Pad, ...). Most kernels are byte moves: an element is moved by its size,
 * so one kernel serves every dtype, STRING included (a STRING element is its
 * struct ir_bytes, moved whole).
 *
 * The family's descriptors live in one array (shape.c); each op file exports
 * its parse/infer/eval functions and parameter struct here so the array can
 * be built from constant expressions. */
#ifndef FERRY_OPS_SHAPE_H
#define FERRY_OPS_SHAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ops/op.h"

/* ---- element moves (shape.c) ---- */

/* Bytes per element for byte-moving kernels; sizeof(struct ir_bytes) for
 * STRING; 0 for types that cannot be moved element by element (sub-byte
 * types, undefined). */
size_t shp_esize(enum ir_dtype dt);
/* Base of the element array: the strings for STRING, the data otherwise. */
const char *shp_src(const struct op_tensor *t);
char *shp_dst(struct op_tensor *t);
/* Fails (naming the node) when input i's dtype cannot be moved by element. */
fy_status shp_expect_movable(const struct op_ctx *c, int input);
/* op_scratch, padded: interp.c's op_scratch (as of f4f0062) rounds the block
 * without counting its 64-byte header, so it can hand out up to 56 bytes
 * less than asked. Remove the padding once that is fixed. */
void *shp_scratch(struct op_ctx *c, size_t bytes);
/* Row-major strides, in elements. */
void shp_strides(int rank, const int64_t *dims, int64_t *strides);
int64_t shp_numel(int rank, const int64_t *dims);
/* Writes the element val (esize bytes) n times. */
void shp_fill(char *dst, int64_t n, const void *val, size_t esize);
/* Copies every element of src into dst (same element count). */
void shp_copy_all(const struct op_tensor *src, struct op_tensor *dst);
/* dst (contiguous, C order, shape dims) gets src[sum(i_d * strides[d])].
 * Strides may be 0 (broadcast) or negative (reversed). c may be NULL (runs on
 * the calling thread). */
void shp_strided_copy(struct op_ctx *c, char *dst, const char *src, int rank,
                      const int64_t *dims, const int64_t *strides, size_t esize);
/* y = x with axes permuted: y.dims[i] = xdims[perm[i]]. shp_transpose takes
 * the fast paths (batched 2-D blocked transpose, which covers NCHW<->NHWC);
 * shp_transpose_ref is the plain strided copy it is tested against. */
void shp_transpose(struct op_ctx *c, const char *x, char *y, int rank, const int64_t *xdims,
                   const int *perm, size_t esize);
void shp_transpose_ref(const char *x, char *y, int rank, const int64_t *xdims, const int *perm,
                       size_t esize);

/* ---- parameter structs ---- */

struct shp_axes_params { /* Squeeze, Unsqueeze (axes attribute before opset 13) */
    int n_axes;          /* -1: absent */
    int64_t axes[OP_MAX_RANK];
};

struct shp_reshape_params {
    int64_t allowzero;
    int n_shape; /* opset 1 'shape' attribute; -1 absent */
    int64_t shape[OP_MAX_RANK];
};

struct shp_axis_params { /* Flatten, Concat, Gather, GatherElements, Compress, ... */
    int64_t axis;
    bool has_axis;
};

struct shp_shape_params {
    int64_t start, end;
    bool has_end;
};

struct shp_transpose_params {
    int n_perm; /* -1: absent (reverse the axes) */
    int64_t perm[OP_MAX_RANK];
};

struct shp_split_params {
    int64_t axis;
    int64_t num_outputs; /* 0: absent */
    int n_split;         /* attribute form (before opset 13); -1 absent */
    int64_t *split;      /* the node's own attribute values */
};

struct shp_slice_params { /* opset 1 attribute form */
    int n_starts, n_ends, n_axes;
    int64_t starts[OP_MAX_RANK], ends[OP_MAX_RANK], axes[OP_MAX_RANK];
};

enum shp_reduction { SHP_RED_NONE, SHP_RED_ADD, SHP_RED_MUL, SHP_RED_MAX, SHP_RED_MIN };

struct shp_scatter_params {
    int64_t axis;
    enum shp_reduction reduction;
};

struct shp_gathernd_params {
    int64_t batch_dims;
};

enum shp_pad_mode { SHP_PAD_CONSTANT, SHP_PAD_REFLECT, SHP_PAD_EDGE, SHP_PAD_WRAP };

struct shp_pad_params {
    enum shp_pad_mode mode;
    float value;  /* attribute form (opset < 11) */
    int n_pads;   /* attribute form; -1 absent */
    int64_t pads[2 * OP_MAX_RANK];
};

struct shp_cos_params { /* ConstantOfShape */
    const struct ir_tensor *value; /* NULL: float 0 */
};

struct shp_onehot_params {
    int64_t axis;
};

struct shp_trilu_params {
    int64_t upper;
};

struct shp_d2s_params { /* DepthToSpace, SpaceToDepth */
    int64_t blocksize;
    bool crd;
};

struct shp_eyelike_params {
    int64_t k;
    enum ir_dtype dtype; /* IR_UNDEFINED: the input's */
};

struct shp_revseq_params {
    int64_t time_axis, batch_axis;
};

struct shp_unique_params {
    int64_t sorted;
    int64_t axis;
    bool has_axis;
};

/* ---- descriptors' functions, by file ---- */
#define SHP_OP(name)                                                                           \
    fy_status shp_##name##_infer(struct op_ctx *c);                                            \
    fy_status shp_##name##_eval(struct op_ctx *c);
#define SHP_PARSE(name)                                                                        \
    fy_status shp_##name##_parse(const struct ir_node *n, int64_t opset, void *params,        \
                                 struct fy_error *err);

/* shape.c */
SHP_OP(reshape) SHP_PARSE(reshape)
SHP_OP(flatten) SHP_PARSE(flatten)
SHP_OP(squeeze) SHP_PARSE(squeeze)
SHP_OP(unsqueeze) SHP_PARSE(unsqueeze)
SHP_OP(shape) SHP_PARSE(shape)
SHP_OP(size)
SHP_OP(cos) SHP_PARSE(cos)
SHP_OP(eyelike) SHP_PARSE(eyelike)
/* transpose.c */
SHP_OP(transpose) SHP_PARSE(transpose)
SHP_OP(d2s) SHP_PARSE(d2s)
SHP_OP(s2d) SHP_PARSE(s2d)
/* concat.c */
SHP_OP(concat) SHP_PARSE(concat)
SHP_OP(split) SHP_PARSE(split)
/* slice.c */
SHP_OP(slice) SHP_PARSE(slice)
/* gather.c */
SHP_OP(gather) SHP_PARSE(gather)
SHP_OP(gather_elements) SHP_PARSE(gather_elements)
SHP_OP(gathernd) SHP_PARSE(gathernd)
SHP_OP(compress) SHP_PARSE(compress)
/* scatter.c */
SHP_OP(scatter_elements) SHP_PARSE(scatter_elements)
SHP_OP(scatternd) SHP_PARSE(scatternd)
/* expand.c */
SHP_OP(expand)
SHP_OP(tile)
/* pad.c */
SHP_OP(pad) SHP_PARSE(pad)
/* range.c */
SHP_OP(range)
/* nonzero.c */
SHP_OP(nonzero)
/* onehot.c */
SHP_OP(onehot) SHP_PARSE(onehot)
/* trilu.c */
SHP_OP(trilu) SHP_PARSE(trilu)
/* reverse_sequence.c */
SHP_OP(revseq) SHP_PARSE(revseq)
/* unique.c */
SHP_OP(unique) SHP_PARSE(unique)

#undef SHP_OP
#undef SHP_PARSE

#endif
