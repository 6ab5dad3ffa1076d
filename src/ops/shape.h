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
void shp_strided_copy(struct op_ctx *c, char *dst, const char *src, int rank, const int64_t *dims,
                      const int64_t *strides, size_t esize);
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
    float value; /* attribute form (opset < 11) */
    int n_pads;  /* attribute form; -1 absent */
    int64_t pads[2 * OP_MAX_RANK];
};

struct shp_cos_params {            /* ConstantOfShape */
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

/* shape.c (Flatten, Squeeze and Unsqueeze run shp_reshape_eval) */
fy_status shp_reshape_infer(struct op_ctx *c);
fy_status shp_reshape_eval(struct op_ctx *c);
fy_status shp_reshape_parse(const struct ir_node *n, int64_t opset, void *params,
                            struct fy_error *err);
fy_status shp_flatten_infer(struct op_ctx *c);
fy_status shp_flatten_parse(const struct ir_node *n, int64_t opset, void *params,
                            struct fy_error *err);
fy_status shp_squeeze_infer(struct op_ctx *c);
fy_status shp_squeeze_parse(const struct ir_node *n, int64_t opset, void *params,
                            struct fy_error *err);
fy_status shp_unsqueeze_infer(struct op_ctx *c);
fy_status shp_unsqueeze_parse(const struct ir_node *n, int64_t opset, void *params,
                              struct fy_error *err);
fy_status shp_shape_infer(struct op_ctx *c);
fy_status shp_shape_eval(struct op_ctx *c);
fy_status shp_shape_parse(const struct ir_node *n, int64_t opset, void *params,
                          struct fy_error *err);
fy_status shp_size_infer(struct op_ctx *c);
fy_status shp_size_eval(struct op_ctx *c);
fy_status shp_cos_infer(struct op_ctx *c);
fy_status shp_cos_eval(struct op_ctx *c);
fy_status shp_cos_parse(const struct ir_node *n, int64_t opset, void *params, struct fy_error *err);
fy_status shp_eyelike_infer(struct op_ctx *c);
fy_status shp_eyelike_eval(struct op_ctx *c);
fy_status shp_eyelike_parse(const struct ir_node *n, int64_t opset, void *params,
                            struct fy_error *err);

/* transpose.c */
fy_status shp_transpose_infer(struct op_ctx *c);
fy_status shp_transpose_eval(struct op_ctx *c);
fy_status shp_transpose_parse(const struct ir_node *n, int64_t opset, void *params,
                              struct fy_error *err);
fy_status shp_d2s_infer(struct op_ctx *c);
fy_status shp_d2s_eval(struct op_ctx *c);
fy_status shp_d2s_parse(const struct ir_node *n, int64_t opset, void *params, struct fy_error *err);
fy_status shp_s2d_infer(struct op_ctx *c);
fy_status shp_s2d_eval(struct op_ctx *c);
fy_status shp_s2d_parse(const struct ir_node *n, int64_t opset, void *params, struct fy_error *err);

/* concat.c */
fy_status shp_concat_infer(struct op_ctx *c);
fy_status shp_concat_eval(struct op_ctx *c);
fy_status shp_concat_parse(const struct ir_node *n, int64_t opset, void *params,
                           struct fy_error *err);
fy_status shp_split_infer(struct op_ctx *c);
fy_status shp_split_eval(struct op_ctx *c);
fy_status shp_split_parse(const struct ir_node *n, int64_t opset, void *params,
                          struct fy_error *err);

/* slice.c */
fy_status shp_slice_infer(struct op_ctx *c);
fy_status shp_slice_eval(struct op_ctx *c);
fy_status shp_slice_parse(const struct ir_node *n, int64_t opset, void *params,
                          struct fy_error *err);

/* gather.c */
fy_status shp_gather_infer(struct op_ctx *c);
fy_status shp_gather_eval(struct op_ctx *c);
fy_status shp_gather_parse(const struct ir_node *n, int64_t opset, void *params,
                           struct fy_error *err);
fy_status shp_gather_elements_infer(struct op_ctx *c);
fy_status shp_gather_elements_eval(struct op_ctx *c);
fy_status shp_gather_elements_parse(const struct ir_node *n, int64_t opset, void *params,
                                    struct fy_error *err);
fy_status shp_gathernd_infer(struct op_ctx *c);
fy_status shp_gathernd_eval(struct op_ctx *c);
fy_status shp_gathernd_parse(const struct ir_node *n, int64_t opset, void *params,
                             struct fy_error *err);
fy_status shp_compress_infer(struct op_ctx *c);
fy_status shp_compress_eval(struct op_ctx *c);
fy_status shp_compress_parse(const struct ir_node *n, int64_t opset, void *params,
                             struct fy_error *err);

/* scatter.c */
fy_status shp_scatter_elements_infer(struct op_ctx *c);
fy_status shp_scatter_elements_eval(struct op_ctx *c);
fy_status shp_scatter_elements_parse(const struct ir_node *n, int64_t opset, void *params,
                                     struct fy_error *err);
fy_status shp_scatternd_infer(struct op_ctx *c);
fy_status shp_scatternd_eval(struct op_ctx *c);
fy_status shp_scatternd_parse(const struct ir_node *n, int64_t opset, void *params,
                              struct fy_error *err);

/* expand.c */
fy_status shp_expand_infer(struct op_ctx *c);
fy_status shp_expand_eval(struct op_ctx *c);
fy_status shp_tile_infer(struct op_ctx *c);
fy_status shp_tile_eval(struct op_ctx *c);

/* pad.c */
fy_status shp_pad_infer(struct op_ctx *c);
fy_status shp_pad_eval(struct op_ctx *c);
fy_status shp_pad_parse(const struct ir_node *n, int64_t opset, void *params, struct fy_error *err);

/* range.c */
fy_status shp_range_infer(struct op_ctx *c);
fy_status shp_range_eval(struct op_ctx *c);

/* nonzero.c */
fy_status shp_nonzero_infer(struct op_ctx *c);
fy_status shp_nonzero_eval(struct op_ctx *c);

/* onehot.c */
fy_status shp_onehot_infer(struct op_ctx *c);
fy_status shp_onehot_eval(struct op_ctx *c);
fy_status shp_onehot_parse(const struct ir_node *n, int64_t opset, void *params,
                           struct fy_error *err);

/* trilu.c */
fy_status shp_trilu_infer(struct op_ctx *c);
fy_status shp_trilu_eval(struct op_ctx *c);
fy_status shp_trilu_parse(const struct ir_node *n, int64_t opset, void *params,
                          struct fy_error *err);

/* reverse_sequence.c */
fy_status shp_revseq_infer(struct op_ctx *c);
fy_status shp_revseq_eval(struct op_ctx *c);
fy_status shp_revseq_parse(const struct ir_node *n, int64_t opset, void *params,
                           struct fy_error *err);

/* unique.c */
fy_status shp_unique_infer(struct op_ctx *c);
fy_status shp_unique_eval(struct op_ctx *c);
fy_status shp_unique_parse(const struct ir_node *n, int64_t opset, void *params,
                           struct fy_error *err);

#endif
