/* Data-movement tfl.* ops: RESHAPE, SQUEEZE, EXPAND_DIMS, TRANSPOSE,
 * CONCATENATION, PACK, UNPACK, SPLIT, SPLIT_V, SLICE, STRIDED_SLICE, PAD,
 * PADV2, MIRROR_PAD, GATHER, GATHER_ND, TILE, BROADCAST_TO, SHAPE, FILL,
 * RANGE, REVERSE_V2, DEPTH_TO_SPACE, SPACE_TO_DEPTH, BATCH_TO_SPACE_ND,
 * SPACE_TO_BATCH_ND, WHERE, CUMSUM, MATRIX_DIAG, TOPK_V2.
 *
 * They move values without arithmetic, so every dtype of whole bytes works
 * and quantized tensors keep their raw values (TFLite requires input and
 * output to share quantization for these ops). Two exceptions follow
 * TFLite: CONCATENATION of uint8 inputs whose scale or zero point differ
 * from the output's requantizes them (round(q * s_in / s_out + bias) +
 * zp_out), and PAD of a quantized tensor pads with the output's zero point. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ops/tfl.h"

static size_t esize(enum ir_dtype t)
{
    return (size_t)(ir_dtype_table[t].bits / 8);
}

static fy_status need_bytes(struct op_ctx *c, const struct op_tensor *t)
{
    if (t->dtype == IR_STRING || ir_dtype_table[t->dtype].bits < 8)
        return op_fail(c, FY_EUNSUPPORTED, "type %s is not supported", ir_dtype_name(t->dtype));
    return FY_OK;
}

static fy_status need_input(struct op_ctx *c, int i)
{
    if (i >= c->n_inputs || !c->in[i]) return op_fail(c, FY_EINVALID, "input %d is missing", i);
    return FY_OK;
}

/* Reads an int32/int64 tensor (any rank) into out. */
static fy_status read_all_ints(struct op_ctx *c, int input, int64_t *out, int cap, int *count)
{
    const struct op_tensor *t = c->in[input];
    if (t->dtype != IR_I32 && t->dtype != IR_I64)
        return op_fail(c, FY_EINVALID, "input %d has type %s; expected int32 or int64", input,
                       ir_dtype_name(t->dtype));
    if (t->numel > (uint64_t)cap)
        return op_fail(c, FY_EUNSUPPORTED, "input %d has %llu values; at most %d are supported",
                       input, (unsigned long long)t->numel, cap);
    for (uint64_t i = 0; i < t->numel; i++)
        out[i] = op_get_i64(t, i);
    *count = (int)t->numel;
    return FY_OK;
}

fy_status tfl_copy_eval(struct op_ctx *c)
{
    if (c->out[0]->nbytes) memcpy(c->out[0]->data, c->in[0]->data, (size_t)c->out[0]->nbytes);
    return FY_OK;
}

/* ---- RESHAPE ---- */

fy_status tfl_reshape_parse(const struct ir_node *n, int64_t opset, void *params,
                            struct fy_error *err)
{
    (void)opset;
    struct tfl_reshape_params *p = params;
    return op_attr_ints(n, "new_shape", p->new_shape, OP_MAX_RANK, &p->n_new_shape, err);
}

fy_status tfl_reshape_infer(struct op_ctx *c)
{
    const struct tfl_reshape_params *p = c->params;
    fy_status st = need_input(c, 0);
    if (st) return st;
    const struct op_tensor *x = c->in[0];
    int64_t dims[OP_MAX_RANK];
    int n;
    const struct op_tensor *s = c->n_inputs > 1 ? c->in[1] : NULL;
    if (s && s->rank == 1) {
        st = read_all_ints(c, 1, dims, OP_MAX_RANK, &n);
        if (st) return st;
    } else if (p->n_new_shape >= 0) {
        n = p->n_new_shape;
        memcpy(dims, p->new_shape, sizeof(int64_t) * (size_t)n);
        if (n == 1 && dims[0] == 0) n = 0; /* legacy models write [0] for a scalar */
    } else if (s) {
        st = read_all_ints(c, 1, dims, OP_MAX_RANK, &n);
        if (st) return st;
    } else {
        return op_fail(c, FY_EINVALID, "no shape input and no new_shape option");
    }
    int stretch = -1;
    uint64_t known = 1;
    for (int d = 0; d < n; d++) {
        if (dims[d] == -1) {
            if (stretch >= 0) return op_fail(c, FY_EINVALID, "shape has more than one -1");
            stretch = d;
        } else if (dims[d] < 0) {
            return op_fail(c, FY_EINVALID, "shape has dim %lld", (long long)dims[d]);
        } else {
            known *= (uint64_t)dims[d];
        }
    }
    if (stretch >= 0) {
        if (known == 0 || x->numel % known)
            return op_fail(c, FY_EINVALID, "cannot infer the -1 dim: %llu values into %llu",
                           (unsigned long long)x->numel, (unsigned long long)known);
        dims[stretch] = (int64_t)(x->numel / known);
        known *= (uint64_t)dims[stretch];
    }
    if (known != x->numel)
        return op_fail(c, FY_EINVALID, "cannot reshape %llu values into %llu",
                       (unsigned long long)x->numel, (unsigned long long)known);
    return op_set_output(c, 0, x->dtype, n, dims);
}

/* ---- SQUEEZE, EXPAND_DIMS ---- */

fy_status tfl_squeeze_parse(const struct ir_node *n, int64_t opset, void *params,
                            struct fy_error *err)
{
    (void)opset;
    struct tfl_int_params *p = params;
    int count;
    fy_status st = op_attr_ints(n, "squeeze_dims", p->v, 8, &count, err);
    p->n = count < 0 ? 0 : count;
    return st;
}

fy_status tfl_squeeze_infer(struct op_ctx *c)
{
    const struct tfl_int_params *p = c->params;
    fy_status st = need_input(c, 0);
    if (st) return st;
    const struct op_tensor *x = c->in[0];
    bool drop[OP_MAX_RANK] = {false};
    for (int i = 0; i < p->n; i++) {
        int a;
        st = op_axis(c, p->v[i], x->rank, "squeeze_dims", &a);
        if (st) return st;
        if (x->dims[a] != 1)
            return op_fail(c, FY_EINVALID, "dim %d is %lld, not 1", a, (long long)x->dims[a]);
        drop[a] = true;
    }
    int64_t dims[OP_MAX_RANK];
    int n = 0;
    for (int d = 0; d < x->rank; d++)
        if (!(p->n ? drop[d] : x->dims[d] == 1)) dims[n++] = x->dims[d];
    return op_set_output(c, 0, x->dtype, n, dims);
}

fy_status tfl_expand_dims_infer(struct op_ctx *c)
{
    fy_status st = need_input(c, 0);
    if (!st) st = need_input(c, 1);
    if (st) return st;
    const struct op_tensor *x = c->in[0];
    if (c->in[1]->numel != 1) return op_fail(c, FY_EINVALID, "axis must hold one value");
    int64_t axis = op_get_i64(c->in[1], 0);
    if (axis < 0) axis += x->rank + 1;
    if (axis < 0 || axis > x->rank)
        return op_fail(c, FY_EINVALID, "axis %lld is out of range", (long long)axis);
    int64_t dims[OP_MAX_RANK];
    int n = 0;
    for (int d = 0; d <= x->rank; d++) {
        if (d == axis) dims[n++] = 1;
        if (d < x->rank) dims[n++] = x->dims[d];
    }
    return op_set_output(c, 0, x->dtype, n, dims);
}

/* ---- TRANSPOSE ---- */

fy_status tfl_transpose_infer(struct op_ctx *c)
{
    fy_status st = need_input(c, 0);
    if (!st) st = need_input(c, 1);
    if (!st) st = need_bytes(c, c->in[0]);
    if (st) return st;
    const struct op_tensor *x = c->in[0];
    int64_t perm[OP_MAX_RANK];
    int n;
    st = read_all_ints(c, 1, perm, OP_MAX_RANK, &n);
    if (st) return st;
    if (n != x->rank) return op_fail(c, FY_EINVALID, "perm has %d values for rank %d", n, x->rank);
    bool seen[OP_MAX_RANK] = {false};
    int64_t dims[OP_MAX_RANK];
    for (int d = 0; d < n; d++) {
        int64_t a = perm[d] < 0 ? perm[d] + n : perm[d];
        if (a < 0 || a >= n || seen[a]) return op_fail(c, FY_EINVALID, "perm is not a permutation");
        seen[a] = true;
        dims[d] = x->dims[a];
    }
    return op_set_output(c, 0, x->dtype, n, dims);
}

/* Copies x into y where y's dim d walks x's dim map[d] with x stride. */
static void permute_copy(const struct op_tensor *x, struct op_tensor *y, const int *map)
{
    const size_t es = esize(x->dtype);
    const int rank = y->rank;
    int64_t xs[OP_MAX_RANK], st[OP_MAX_RANK], idx[OP_MAX_RANK] = {0};
    int64_t s = 1;
    for (int d = x->rank - 1; d >= 0; d--) {
        xs[d] = s;
        s *= x->dims[d];
    }
    for (int d = 0; d < rank; d++)
        st[d] = xs[map[d]];
    uint64_t off = 0;
    for (uint64_t i = 0; i < y->numel; i++) {
        memcpy((char *)y->data + i * es, (const char *)x->data + off * es, es);
        for (int d = rank - 1; d >= 0; d--) {
            idx[d]++;
            off += (uint64_t)st[d];
            if (idx[d] < y->dims[d]) break;
            off -= (uint64_t)(st[d] * idx[d]);
            idx[d] = 0;
        }
    }
}

fy_status tfl_transpose_eval(struct op_ctx *c)
{
    int64_t perm[OP_MAX_RANK];
    int n;
    read_all_ints(c, 1, perm, OP_MAX_RANK, &n);
    int map[OP_MAX_RANK];
    for (int d = 0; d < n; d++)
        map[d] = (int)(perm[d] < 0 ? perm[d] + n : perm[d]);
    if (c->out[0]->numel) permute_copy(c->in[0], c->out[0], map);
    return FY_OK;
}

/* ---- CONCATENATION, PACK, UNPACK ---- */

/* CONCATENATION and PACK: every input present, of one fixed-size dtype. */
static fy_status need_inputs_alike(struct op_ctx *c)
{
    for (int i = 0; i < c->n_inputs; i++) {
        fy_status st = need_input(c, i);
        if (!st) st = need_bytes(c, c->in[i]);
        if (st) return st;
    }
    return op_expect_same_dtype(c, 0, c->n_inputs - 1);
}

fy_status tfl_concat_parse(const struct ir_node *n, int64_t opset, void *params,
                           struct fy_error *err)
{
    (void)opset;
    struct tfl_int_params *p = params;
    int64_t axis;
    fy_status st = op_attr_int(n, "axis", 0, &axis, err);
    p->v[0] = axis;
    p->n = 1;
    return st;
}

fy_status tfl_concat_infer(struct op_ctx *c)
{
    const struct tfl_int_params *p = c->params;
    fy_status st = need_inputs_alike(c);
    if (st) return st;
    const struct op_tensor *x = c->in[0];
    int axis;
    st = op_axis(c, p->v[0], x->rank, "axis", &axis);
    if (st) return st;
    int64_t dims[OP_MAX_RANK];
    memcpy(dims, x->dims, sizeof(int64_t) * (size_t)x->rank);
    for (int i = 1; i < c->n_inputs; i++) {
        const struct op_tensor *t = c->in[i];
        if (t->rank != x->rank)
            return op_fail(c, FY_EINVALID, "input %d has rank %d; input 0 has %d", i, t->rank,
                           x->rank);
        for (int d = 0; d < x->rank; d++)
            if (d != axis && t->dims[d] != x->dims[d])
                return op_fail(c, FY_EINVALID, "input %d has dim %d = %lld; input 0 has %lld", i, d,
                               (long long)t->dims[d], (long long)x->dims[d]);
        dims[axis] += t->dims[axis];
    }
    if (x->dtype == IR_U8 || x->dtype == IR_I8 || x->dtype == IR_I16) {
        for (int i = 0; i < c->n_inputs; i++) {
            st = tfl_need_quant(c, c->in[i], "an input");
            if (st) return st;
        }
        st = tfl_need_quant(c, c->out[0], "output 0");
        if (st) return st;
        if (x->dtype != IR_U8)
            for (int i = 0; i < c->n_inputs; i++)
                if (tfl_scale(c->in[i]) != tfl_scale(c->out[0]) ||
                    tfl_zero_point(c->in[i]) != tfl_zero_point(c->out[0]))
                    return op_fail(c, FY_EINVALID,
                                   "input %d's quantization differs from the output's; TFLite "
                                   "requires them equal for %s",
                                   i, ir_dtype_name(x->dtype));
    }
    return op_set_output(c, 0, x->dtype, x->rank, dims);
}

fy_status tfl_concat_eval(struct op_ctx *c)
{
    const struct tfl_int_params *p = c->params;
    struct op_tensor *y = c->out[0];
    const int axis = (int)(p->v[0] < 0 ? p->v[0] + y->rank : p->v[0]);
    const size_t es = esize(y->dtype);
    uint64_t outer = 1, inner = 1;
    for (int d = 0; d < axis; d++)
        outer *= (uint64_t)y->dims[d];
    for (int d = axis + 1; d < y->rank; d++)
        inner *= (uint64_t)y->dims[d];
    char *out = y->data;
    const float ys = tfl_scale(y), inv = y->dtype == IR_U8 ? 1.0f / ys : 0.0f;
    const int32_t yz = tfl_zero_point(y);
    for (uint64_t o = 0; o < outer; o++)
        for (int i = 0; i < c->n_inputs; i++) {
            const struct op_tensor *t = c->in[i];
            const uint64_t n = (uint64_t)t->dims[axis] * inner;
            const char *src = (const char *)t->data + o * n * es;
            if (y->dtype == IR_U8 && (tfl_scale(t) != ys || tfl_zero_point(t) != yz)) {
                /* ConcatenationWithScaling: float scale and bias */
                const float scale = tfl_scale(t) * inv;
                const float bias = (float)(-tfl_zero_point(t)) * scale;
                for (uint64_t k = 0; k < n; k++) {
                    int32_t v =
                        (int32_t)roundf((float)((const uint8_t *)src)[k] * scale + bias) + yz;
                    ((uint8_t *)out)[k] = (uint8_t)(v < 0 ? 0 : (v > 255 ? 255 : v));
                }
            } else if (n) {
                memcpy(out, src, n * es);
            }
            out += n * es;
        }
    return FY_OK;
}

fy_status tfl_pack_parse(const struct ir_node *n, int64_t opset, void *params, struct fy_error *err)
{
    (void)opset;
    struct tfl_int_params *p = params;
    int64_t axis, count;
    fy_status st = op_attr_int(n, "axis", 0, &axis, err);
    if (!st) st = op_attr_int(n, "values_count", 0, &count, err);
    if (!st && !ir_node_attr(n, "values_count")) st = op_attr_int(n, "num", 0, &count, err);
    p->v[0] = axis;
    p->v[1] = count;
    p->n = 2;
    return st;
}

fy_status tfl_pack_infer(struct op_ctx *c)
{
    const struct tfl_int_params *p = c->params;
    fy_status st = need_inputs_alike(c);
    if (st) return st;
    const struct op_tensor *x = c->in[0];
    int axis;
    st = op_axis(c, p->v[0], x->rank + 1, "axis", &axis);
    if (st) return st;
    for (int i = 1; i < c->n_inputs; i++)
        if (c->in[i]->numel != x->numel || c->in[i]->rank != x->rank)
            return op_fail(c, FY_EINVALID, "input %d's shape differs from input 0's", i);
    int64_t dims[OP_MAX_RANK];
    int n = 0;
    for (int d = 0; d <= x->rank; d++) {
        if (d == axis) dims[n++] = c->n_inputs;
        if (d < x->rank) dims[n++] = x->dims[d];
    }
    return op_set_output(c, 0, x->dtype, n, dims);
}

fy_status tfl_pack_eval(struct op_ctx *c)
{
    const struct tfl_int_params *p = c->params;
    struct op_tensor *y = c->out[0];
    const int axis = (int)(p->v[0] < 0 ? p->v[0] + y->rank : p->v[0]);
    const size_t es = esize(y->dtype);
    uint64_t outer = 1, inner = 1;
    for (int d = 0; d < axis; d++)
        outer *= (uint64_t)y->dims[d];
    for (int d = axis + 1; d < y->rank; d++)
        inner *= (uint64_t)y->dims[d];
    char *out = y->data;
    for (uint64_t o = 0; o < outer; o++)
        for (int i = 0; i < c->n_inputs; i++) {
            memcpy(out, (const char *)c->in[i]->data + o * inner * es, inner * es);
            out += inner * es;
        }
    return FY_OK;
}

fy_status tfl_unpack_infer(struct op_ctx *c)
{
    const struct tfl_int_params *p = c->params;
    fy_status st = need_input(c, 0);
    if (!st) st = need_bytes(c, c->in[0]);
    if (st) return st;
    const struct op_tensor *x = c->in[0];
    int axis;
    st = op_axis(c, p->v[0], x->rank, "axis", &axis);
    if (st) return st;
    if (x->dims[axis] != c->n_outputs)
        return op_fail(c, FY_EINVALID, "dim %d is %lld for %d outputs", axis,
                       (long long)x->dims[axis], c->n_outputs);
    int64_t dims[OP_MAX_RANK];
    int n = 0;
    for (int d = 0; d < x->rank; d++)
        if (d != axis) dims[n++] = x->dims[d];
    for (int i = 0; i < c->n_outputs; i++) {
        st = op_set_output(c, i, x->dtype, n, dims);
        if (st) return st;
    }
    return FY_OK;
}

fy_status tfl_unpack_eval(struct op_ctx *c)
{
    const struct tfl_int_params *p = c->params;
    const struct op_tensor *x = c->in[0];
    const int axis = (int)(p->v[0] < 0 ? p->v[0] + x->rank : p->v[0]);
    const size_t es = esize(x->dtype);
    uint64_t outer = 1, inner = 1;
    for (int d = 0; d < axis; d++)
        outer *= (uint64_t)x->dims[d];
    for (int d = axis + 1; d < x->rank; d++)
        inner *= (uint64_t)x->dims[d];
    for (int i = 0; i < c->n_outputs; i++) {
        if (!c->out[i]) continue;
        for (uint64_t o = 0; o < outer; o++)
            memcpy((char *)c->out[i]->data + o * inner * es,
                   (const char *)x->data +
                       ((o * (uint64_t)c->n_outputs + (uint64_t)i) * inner) * es,
                   inner * es);
    }
    return FY_OK;
}

/* ---- SPLIT (axis, input), SPLIT_V (input, size_splits, axis) ---- */

static fy_status split_shapes(struct op_ctx *c, const struct op_tensor *x, int axis,
                              const int64_t *sizes)
{
    int64_t dims[OP_MAX_RANK];
    memcpy(dims, x->dims, sizeof(int64_t) * (size_t)x->rank);
    for (int i = 0; i < c->n_outputs; i++) {
        dims[axis] = sizes[i];
        fy_status st = op_set_output(c, i, x->dtype, x->rank, dims);
        if (st) return st;
    }
    return FY_OK;
}

fy_status tfl_split_infer(struct op_ctx *c)
{
    fy_status st = need_input(c, 0);
    if (!st) st = need_input(c, 1);
    if (!st) st = need_bytes(c, c->in[1]);
    if (st) return st;
    const struct op_tensor *x = c->in[1];
    if (c->in[0]->numel != 1) return op_fail(c, FY_EINVALID, "axis must hold one value");
    int axis;
    st = op_axis(c, op_get_i64(c->in[0], 0), x->rank, "axis", &axis);
    if (st) return st;
    const int n = c->n_outputs;
    if (x->dims[axis] % n)
        return op_fail(c, FY_EINVALID, "dim %d (%lld) does not split into %d", axis,
                       (long long)x->dims[axis], n);
    int64_t sizes[64];
    if (n > 64) return op_fail(c, FY_EUNSUPPORTED, "more than 64 splits");
    for (int i = 0; i < n; i++)
        sizes[i] = x->dims[axis] / n;
    return split_shapes(c, x, axis, sizes);
}

fy_status tfl_split_v_infer(struct op_ctx *c)
{
    fy_status st = need_input(c, 0);
    if (!st) st = need_input(c, 1);
    if (!st) st = need_input(c, 2);
    if (!st) st = need_bytes(c, c->in[0]);
    if (st) return st;
    const struct op_tensor *x = c->in[0];
    if (c->in[2]->numel != 1) return op_fail(c, FY_EINVALID, "axis must hold one value");
    int axis;
    st = op_axis(c, op_get_i64(c->in[2], 0), x->rank, "axis", &axis);
    if (st) return st;
    int64_t sizes[64];
    int n;
    st = read_all_ints(c, 1, sizes, 64, &n);
    if (st) return st;
    if (n != c->n_outputs)
        return op_fail(c, FY_EINVALID, "%d sizes for %d outputs", n, c->n_outputs);
    int64_t known = 0;
    int unknown = -1;
    for (int i = 0; i < n; i++) {
        if (sizes[i] == -1) {
            if (unknown >= 0) return op_fail(c, FY_EINVALID, "more than one size is -1");
            unknown = i;
        } else {
            known += sizes[i];
        }
    }
    if (unknown >= 0) sizes[unknown] = x->dims[axis] - known;
    int64_t total = 0;
    for (int i = 0; i < n; i++) {
        if (sizes[i] < 0) return op_fail(c, FY_EINVALID, "split size %lld", (long long)sizes[i]);
        total += sizes[i];
    }
    if (total != x->dims[axis])
        return op_fail(c, FY_EINVALID, "sizes add up to %lld, not %lld", (long long)total,
                       (long long)x->dims[axis]);
    return split_shapes(c, x, axis, sizes);
}

fy_status tfl_split_eval(struct op_ctx *c)
{
    const bool v = c->node->op == IR_OP_TFL_SPLIT_V;
    const struct op_tensor *x = v ? c->in[0] : c->in[1];
    const size_t es = esize(x->dtype);
    /* the split axis is the one where output 0 differs, or any when equal */
    int axis = 0;
    int64_t a = op_get_i64(v ? c->in[2] : c->in[0], 0);
    axis = (int)(a < 0 ? a + x->rank : a);
    uint64_t outer = 1, inner = 1;
    for (int d = 0; d < axis; d++)
        outer *= (uint64_t)x->dims[d];
    for (int d = axis + 1; d < x->rank; d++)
        inner *= (uint64_t)x->dims[d];
    const char *src = x->data;
    for (uint64_t o = 0; o < outer; o++)
        for (int i = 0; i < c->n_outputs; i++) {
            const struct op_tensor *t = c->out[i];
            /* every output's axis size is known even when it is not wanted */
            const uint64_t n = (uint64_t)(t ? t->dims[axis] : 0) * inner;
            if (t && n) memcpy((char *)t->data + o * n * es, src, n * es);
            src += n * es;
        }
    return FY_OK;
}

/* ---- SLICE (input, begin, size) ---- */

fy_status tfl_slice_infer(struct op_ctx *c)
{
    for (int i = 0; i < 3; i++) {
        fy_status st = need_input(c, i);
        if (st) return st;
    }
    fy_status st = need_bytes(c, c->in[0]);
    if (st) return st;
    const struct op_tensor *x = c->in[0];
    int64_t b[OP_MAX_RANK], s[OP_MAX_RANK], dims[OP_MAX_RANK];
    int nb, ns;
    st = read_all_ints(c, 1, b, OP_MAX_RANK, &nb);
    if (!st) st = read_all_ints(c, 2, s, OP_MAX_RANK, &ns);
    if (st) return st;
    if (nb != x->rank || ns != x->rank)
        return op_fail(c, FY_EINVALID, "begin and size need %d values", x->rank);
    for (int d = 0; d < x->rank; d++) {
        int64_t size = s[d] == -1 ? x->dims[d] - b[d] : s[d];
        if (b[d] < 0 || size < 0 || b[d] + size > x->dims[d])
            return op_fail(c, FY_EINVALID, "slice [%lld, +%lld) is outside dim %d of size %lld",
                           (long long)b[d], (long long)size, d, (long long)x->dims[d]);
        dims[d] = size;
    }
    return op_set_output(c, 0, x->dtype, x->rank, dims);
}

/* Copies the box of x starting at begin with the given strides into y
 * (y's dims are the box's extents). */
static void box_copy(const struct op_tensor *x, struct op_tensor *y, const int64_t *begin,
                     const int64_t *stride, int rank)
{
    const size_t es = esize(x->dtype);
    int64_t xs[OP_MAX_RANK], idx[OP_MAX_RANK] = {0};
    int64_t s = 1;
    for (int d = rank - 1; d >= 0; d--) {
        xs[d] = s;
        s *= x->dims[d];
    }
    int64_t off = 0;
    for (int d = 0; d < rank; d++)
        off += begin[d] * xs[d];
    for (uint64_t i = 0; i < y->numel; i++) {
        memcpy((char *)y->data + i * es, (const char *)x->data + (uint64_t)off * es, es);
        for (int d = rank - 1; d >= 0; d--) {
            idx[d]++;
            off += stride[d] * xs[d];
            if (idx[d] < y->dims[d]) break;
            off -= stride[d] * xs[d] * idx[d];
            idx[d] = 0;
        }
    }
}

fy_status tfl_slice_eval(struct op_ctx *c)
{
    int64_t b[OP_MAX_RANK], one[OP_MAX_RANK];
    int nb;
    read_all_ints(c, 1, b, OP_MAX_RANK, &nb);
    for (int d = 0; d < OP_MAX_RANK; d++)
        one[d] = 1;
    if (c->out[0]->numel) box_copy(c->in[0], c->out[0], b, one, c->in[0]->rank);
    return FY_OK;
}

/* ---- STRIDED_SLICE (input, begin, end, strides) ---- */

fy_status tfl_strided_slice_parse(const struct ir_node *n, int64_t opset, void *params,
                                  struct fy_error *err)
{
    (void)opset;
    struct tfl_strided_slice_params *p = params;
    int64_t off;
    fy_status st = tfl_parse_int(n, "begin_mask", 0, 0, INT32_MAX, &p->begin_mask, err);
    if (!st) st = tfl_parse_int(n, "end_mask", 0, 0, INT32_MAX, &p->end_mask, err);
    if (!st) st = tfl_parse_int(n, "ellipsis_mask", 0, 0, INT32_MAX, &p->ellipsis_mask, err);
    if (!st) st = tfl_parse_int(n, "new_axis_mask", 0, 0, INT32_MAX, &p->new_axis_mask, err);
    if (!st) st = tfl_parse_int(n, "shrink_axis_mask", 0, 0, INT32_MAX, &p->shrink_axis_mask, err);
    if (!st) st = op_attr_int(n, "offset", 0, &off, err);
    p->offset = !st && off != 0;
    return st;
}

/* The per-input-dim slice a STRIDED_SLICE describes (TensorFlow's dense
 * spec: the ellipsis expanded, new axes recorded for the output shape). */
struct ss_plan {
    int64_t begin[OP_MAX_RANK], stride[OP_MAX_RANK], size[OP_MAX_RANK];
    int out_rank;
    int64_t out_dims[OP_MAX_RANK];
};

static fy_status ss_plan(struct op_ctx *c, struct ss_plan *pl)
{
    const struct tfl_strided_slice_params *p = c->params;
    const struct op_tensor *x = c->in[0];
    int64_t sb[OP_MAX_RANK + 1], se[OP_MAX_RANK + 1], ss[OP_MAX_RANK + 1];
    int nb, ne, ns;
    fy_status st = read_all_ints(c, 1, sb, OP_MAX_RANK, &nb);
    if (!st) st = read_all_ints(c, 2, se, OP_MAX_RANK, &ne);
    if (st) return st;
    if (c->n_inputs > 3 && c->in[3]) {
        st = read_all_ints(c, 3, ss, OP_MAX_RANK, &ns);
        if (st) return st;
    } else {
        ns = nb;
        for (int i = 0; i < ns; i++)
            ss[i] = 1;
    }
    if (nb != ne || nb != ns)
        return op_fail(c, FY_EINVALID, "begin, end and strides have %d, %d and %d values", nb, ne,
                       ns);
    int n = nb, ellipsis = p->ellipsis_mask, new_axis = p->new_axis_mask;
    if (!(ellipsis & ((1 << n) - 1))) { /* no ellipsis: one is implied at the end */
        ellipsis |= 1 << n;
        sb[n] = se[n] = 0;
        ss[n] = 1;
        n++;
    }
    int after_ellipsis = 0;
    bool seen = false;
    for (int i = 0; i < n; i++) {
        if (seen && (new_axis & (1 << i))) after_ellipsis++;
        if (ellipsis & (1 << i)) seen = true;
    }
    /* dense dims: begin/end/stride and masks per input dim */
    int64_t db[OP_MAX_RANK], de[OP_MAX_RANK], ds[OP_MAX_RANK];
    bool bm[OP_MAX_RANK], em[OP_MAX_RANK], sh[OP_MAX_RANK];
    int gather[2 * OP_MAX_RANK + 2]; /* output dims: dense index, -1 new axis, -2 shrink */
    int ng = 0, full = 0;
    const int rank = x->rank;
    for (int i = 0; i < n; i++) {
        if (ellipsis & (1 << i)) {
            int next = rank - (n - i) + 1 + after_ellipsis;
            if (next > rank) next = rank;
            for (; full < next; full++) {
                db[full] = de[full] = 0;
                ds[full] = 1;
                bm[full] = em[full] = true;
                sh[full] = false;
                gather[ng++] = full;
            }
        } else if (new_axis & (1 << i)) {
            gather[ng++] = -1;
        } else {
            if (full >= rank)
                return op_fail(c, FY_EINVALID, "the slice spec indexes more dims than rank %d",
                               rank);
            db[full] = sb[i];
            de[full] = se[i];
            ds[full] = ss[i];
            bm[full] = (p->begin_mask >> i) & 1;
            em[full] = (p->end_mask >> i) & 1;
            sh[full] = (p->shrink_axis_mask >> i) & 1;
            gather[ng++] = sh[full] ? -2 : full;
            full++;
        }
        if (ng > 2 * OP_MAX_RANK) return op_fail(c, FY_EUNSUPPORTED, "too many new axes");
    }
    for (; full < rank; full++) { /* dims past the spec are taken whole */
        db[full] = de[full] = 0;
        ds[full] = 1;
        bm[full] = em[full] = true;
        sh[full] = false;
        gather[ng++] = full;
    }
    for (int d = 0; d < rank; d++) {
        const int64_t dim = x->dims[d], s = ds[d];
        if (s == 0) return op_fail(c, FY_EINVALID, "stride %d is 0", d);
        if (sh[d]) {
            int64_t b = db[d] < 0 ? db[d] + dim : db[d];
            if (b < 0 || b >= dim)
                return op_fail(c, FY_EINVALID, "shrunk index %lld is outside dim %d of size %lld",
                               (long long)db[d], d, (long long)dim);
            pl->begin[d] = b;
            pl->stride[d] = 1;
            pl->size[d] = 1;
            continue;
        }
        int64_t b = db[d], e = de[d];
        if (bm[d]) {
            b = s > 0 ? 0 : dim - 1;
        } else {
            if (b < 0) b += dim;
            b = s > 0 ? (b < 0 ? 0 : (b > dim ? dim : b))
                      : (b < -1 ? -1 : (b > dim - 1 ? dim - 1 : b));
        }
        if (em[d]) {
            e = s > 0 ? dim : -1;
        } else {
            if (p->offset) e += b;
            if (e < 0) e += dim;
            e = s > 0 ? (e < 0 ? 0 : (e > dim ? dim : e))
                      : (e < -1 ? -1 : (e > dim - 1 ? dim - 1 : e));
        }
        int64_t size = s > 0 ? (e - b + s - 1) / s : (b - e - s - 1) / (-s);
        pl->begin[d] = b;
        pl->stride[d] = s;
        pl->size[d] = size < 0 ? 0 : size;
    }
    pl->out_rank = 0;
    for (int i = 0; i < ng; i++) {
        if (gather[i] == -2) continue;
        if (pl->out_rank >= OP_MAX_RANK)
            return op_fail(c, FY_EUNSUPPORTED, "output rank too large");
        pl->out_dims[pl->out_rank++] = gather[i] == -1 ? 1 : pl->size[gather[i]];
    }
    return FY_OK;
}

fy_status tfl_strided_slice_infer(struct op_ctx *c)
{
    for (int i = 0; i < 3; i++) {
        fy_status st = need_input(c, i);
        if (st) return st;
    }
    fy_status st = need_bytes(c, c->in[0]);
    if (st) return st;
    struct ss_plan pl;
    st = ss_plan(c, &pl);
    if (st) return st;
    return op_set_output(c, 0, c->in[0]->dtype, pl.out_rank, pl.out_dims);
}

fy_status tfl_strided_slice_eval(struct op_ctx *c)
{
    struct ss_plan pl;
    fy_status st = ss_plan(c, &pl);
    if (st) return st;
    if (!c->out[0]->numel) return FY_OK;
    /* walk the input box with the dense sizes, writing in order */
    struct op_tensor box = *c->out[0];
    box.rank = c->in[0]->rank;
    memcpy(box.dims, pl.size, sizeof(int64_t) * (size_t)box.rank);
    box_copy(c->in[0], &box, pl.begin, pl.stride, box.rank);
    return FY_OK;
}

/* ---- PAD, PADV2 (input, paddings [, constant]) ---- */

static fy_status read_paddings(struct op_ctx *c, int64_t *before, int64_t *after)
{
    const struct op_tensor *x = c->in[0], *p = c->in[1];
    if (p->dtype != IR_I32 && p->dtype != IR_I64)
        return op_fail(c, FY_EINVALID, "paddings have type %s; expected int32 or int64",
                       ir_dtype_name(p->dtype));
    if (p->numel != (uint64_t)(2 * x->rank))
        return op_fail(c, FY_EINVALID, "paddings have %llu values for rank %d",
                       (unsigned long long)p->numel, x->rank);
    for (int d = 0; d < x->rank; d++) {
        before[d] = op_get_i64(p, (uint64_t)(2 * d));
        after[d] = op_get_i64(p, (uint64_t)(2 * d + 1));
        if (before[d] < 0 || after[d] < 0)
            return op_fail(c, FY_EINVALID, "negative padding on dim %d", d);
    }
    return FY_OK;
}

fy_status tfl_pad_infer(struct op_ctx *c)
{
    fy_status st = need_input(c, 0);
    if (!st) st = need_input(c, 1);
    if (!st) st = need_bytes(c, c->in[0]);
    if (st) return st;
    const struct op_tensor *x = c->in[0];
    int64_t b[OP_MAX_RANK], a[OP_MAX_RANK], dims[OP_MAX_RANK];
    st = read_paddings(c, b, a);
    if (st) return st;
    for (int d = 0; d < x->rank; d++)
        dims[d] = x->dims[d] + b[d] + a[d];
    if (c->n_inputs > 2 && c->in[2]) {
        if (c->in[2]->dtype != x->dtype || c->in[2]->numel != 1)
            return op_fail(c, FY_EINVALID, "constant_values must be one %s",
                           ir_dtype_name(x->dtype));
    }
    return op_set_output(c, 0, x->dtype, x->rank, dims);
}

fy_status tfl_pad_eval(struct op_ctx *c)
{
    const struct op_tensor *x = c->in[0];
    struct op_tensor *y = c->out[0];
    const size_t es = esize(x->dtype);
    int64_t b[OP_MAX_RANK], a[OP_MAX_RANK];
    read_paddings(c, b, a);
    /* the pad value: PADV2's constant, else 0 or the output's zero point */
    uint8_t value[16] = {0};
    if (c->n_inputs > 2 && c->in[2]) {
        memcpy(value, c->in[2]->data, es);
    } else if (tfl_is_quant_int(y->dtype) && y->quant && y->quant->count > 0) {
        struct op_tensor v = *y;
        v.data = value;
        op_set_i64(&v, 0, tfl_zero_point(y));
    }
    for (uint64_t i = 0; i < y->numel; i++)
        memcpy((char *)y->data + i * es, value, es);
    if (!x->numel) return FY_OK;
    /* copy the input into the interior box */
    int64_t ys[OP_MAX_RANK], idx[OP_MAX_RANK] = {0};
    int64_t s = 1;
    for (int d = y->rank - 1; d >= 0; d--) {
        ys[d] = s;
        s *= y->dims[d];
    }
    int64_t off = 0;
    for (int d = 0; d < y->rank; d++)
        off += b[d] * ys[d];
    for (uint64_t i = 0; i < x->numel; i++) {
        memcpy((char *)y->data + (uint64_t)off * es, (const char *)x->data + i * es, es);
        for (int d = x->rank - 1; d >= 0; d--) {
            idx[d]++;
            off += ys[d];
            if (idx[d] < x->dims[d]) break;
            off -= ys[d] * idx[d];
            idx[d] = 0;
        }
    }
    return FY_OK;
}

/* ---- MIRROR_PAD (input, paddings), mode REFLECT or SYMMETRIC ---- */

fy_status tfl_mirror_pad_parse(const struct ir_node *n, int64_t opset, void *params,
                               struct fy_error *err)
{
    (void)opset;
    struct tfl_int_params *p = params;
    struct ir_bytes mode;
    fy_status st = op_attr_string(n, "mode", "REFLECT", &mode, err);
    if (st) return st;
    if (op_bytes_eq(mode, "REFLECT"))
        p->v[0] = 0;
    else if (op_bytes_eq(mode, "SYMMETRIC"))
        p->v[0] = 1;
    else
        return op_fail_node(n, err, FY_EINVALID, "mode '%.*s' is not REFLECT or SYMMETRIC",
                            (int)mode.size, (const char *)mode.data);
    p->n = 1;
    return FY_OK;
}

fy_status tfl_mirror_pad_infer(struct op_ctx *c)
{
    const struct tfl_int_params *p = c->params;
    fy_status st = tfl_pad_infer(c);
    if (st) return st;
    int64_t b[OP_MAX_RANK], a[OP_MAX_RANK];
    read_paddings(c, b, a);
    const int64_t extra = p->v[0] ? 0 : 1; /* REFLECT excludes the edge */
    for (int d = 0; d < c->in[0]->rank; d++)
        if (b[d] > c->in[0]->dims[d] - extra || a[d] > c->in[0]->dims[d] - extra)
            return op_fail(c, FY_EINVALID, "padding of dim %d exceeds what the mode allows", d);
    return FY_OK;
}

fy_status tfl_mirror_pad_eval(struct op_ctx *c)
{
    const struct tfl_int_params *p = c->params;
    const struct op_tensor *x = c->in[0];
    struct op_tensor *y = c->out[0];
    const size_t es = esize(x->dtype);
    int64_t b[OP_MAX_RANK], a[OP_MAX_RANK];
    read_paddings(c, b, a);
    const int64_t off = p->v[0] ? 0 : 1;
    for (uint64_t i = 0; i < y->numel; i++) {
        uint64_t rem = i, src = 0, stride = 1;
        for (int d = y->rank - 1; d >= 0; d--) {
            int64_t k = (int64_t)(rem % (uint64_t)y->dims[d]) - b[d];
            rem /= (uint64_t)y->dims[d];
            const int64_t n = x->dims[d];
            if (k < 0)
                k = -k - 1 + off;
            else if (k >= n)
                k = 2 * n - k - 1 - off;
            src += (uint64_t)k * stride;
            stride *= (uint64_t)n;
        }
        memcpy((char *)y->data + i * es, (const char *)x->data + src * es, es);
    }
    return FY_OK;
}

/* ---- GATHER (params, indices), axis and batch_dims ---- */

fy_status tfl_gather_parse(const struct ir_node *n, int64_t opset, void *params,
                           struct fy_error *err)
{
    (void)opset;
    struct tfl_int_params *p = params;
    int64_t axis, bd;
    fy_status st = op_attr_int(n, "axis", 0, &axis, err);
    if (!st) st = op_attr_int(n, "batch_dims", 0, &bd, err);
    p->v[0] = axis;
    p->v[1] = bd;
    p->n = 2;
    return st;
}

fy_status tfl_gather_infer(struct op_ctx *c)
{
    const struct tfl_int_params *p = c->params;
    fy_status st = need_input(c, 0);
    if (!st) st = need_input(c, 1);
    if (!st) st = need_bytes(c, c->in[0]);
    if (st) return st;
    const struct op_tensor *x = c->in[0], *ix = c->in[1];
    if (ix->dtype != IR_I32 && ix->dtype != IR_I64 && ix->dtype != IR_I16)
        return op_fail(c, FY_EINVALID, "indices have type %s", ir_dtype_name(ix->dtype));
    int axis;
    st = op_axis(c, p->v[0], x->rank, "axis", &axis);
    if (st) return st;
    int64_t bd = p->v[1] < 0 ? p->v[1] + ix->rank : p->v[1];
    if (bd < 0 || bd > axis || bd > ix->rank)
        return op_fail(c, FY_EINVALID, "batch_dims %lld is out of range", (long long)p->v[1]);
    int64_t dims[OP_MAX_RANK];
    int n = 0;
    for (int d = 0; d < axis; d++)
        dims[n++] = x->dims[d];
    for (int d = (int)bd; d < ix->rank; d++) {
        if (n >= OP_MAX_RANK) return op_fail(c, FY_EUNSUPPORTED, "output rank too large");
        dims[n++] = ix->dims[d];
    }
    for (int d = axis + 1; d < x->rank; d++) {
        if (n >= OP_MAX_RANK) return op_fail(c, FY_EUNSUPPORTED, "output rank too large");
        dims[n++] = x->dims[d];
    }
    return op_set_output(c, 0, x->dtype, n, dims);
}

fy_status tfl_gather_eval(struct op_ctx *c)
{
    const struct tfl_int_params *p = c->params;
    const struct op_tensor *x = c->in[0], *ix = c->in[1];
    struct op_tensor *y = c->out[0];
    const int axis = (int)(p->v[0] < 0 ? p->v[0] + x->rank : p->v[0]);
    const int bd = (int)(p->v[1] < 0 ? p->v[1] + ix->rank : p->v[1]);
    const size_t es = esize(x->dtype);
    uint64_t batch = 1, outer = 1, inner = 1, per_batch_idx = 1;
    for (int d = 0; d < bd; d++)
        batch *= (uint64_t)x->dims[d];
    for (int d = bd; d < axis; d++)
        outer *= (uint64_t)x->dims[d];
    for (int d = axis + 1; d < x->rank; d++)
        inner *= (uint64_t)x->dims[d];
    for (int d = bd; d < ix->rank; d++)
        per_batch_idx *= (uint64_t)ix->dims[d];
    const int64_t axis_n = x->dims[axis];
    char *out = y->data;
    for (uint64_t b = 0; b < batch; b++)
        for (uint64_t o = 0; o < outer; o++)
            for (uint64_t k = 0; k < per_batch_idx; k++) {
                const int64_t i = op_get_i64(ix, b * per_batch_idx + k);
                if (i < 0 || i >= axis_n)
                    return op_fail(c, FY_EINVALID, "index %lld is out of range [0, %lld)",
                                   (long long)i, (long long)axis_n);
                const uint64_t src = ((b * outer + o) * (uint64_t)axis_n + (uint64_t)i) * inner;
                memcpy(out, (const char *)x->data + src * es, inner * es);
                out += inner * es;
            }
    return FY_OK;
}

/* ---- GATHER_ND (params, indices) ---- */

fy_status tfl_gather_nd_infer(struct op_ctx *c)
{
    fy_status st = need_input(c, 0);
    if (!st) st = need_input(c, 1);
    if (!st) st = need_bytes(c, c->in[0]);
    if (st) return st;
    const struct op_tensor *x = c->in[0], *ix = c->in[1];
    if (ix->rank < 1) return op_fail(c, FY_EINVALID, "indices need rank >= 1");
    const int64_t k = ix->dims[ix->rank - 1];
    if (k > x->rank)
        return op_fail(c, FY_EINVALID, "index depth %lld > rank %d", (long long)k, x->rank);
    int64_t dims[OP_MAX_RANK];
    int n = 0;
    for (int d = 0; d < ix->rank - 1; d++)
        dims[n++] = ix->dims[d];
    for (int d = (int)k; d < x->rank; d++) {
        if (n >= OP_MAX_RANK) return op_fail(c, FY_EUNSUPPORTED, "output rank too large");
        dims[n++] = x->dims[d];
    }
    return op_set_output(c, 0, x->dtype, n, dims);
}

fy_status tfl_gather_nd_eval(struct op_ctx *c)
{
    const struct op_tensor *x = c->in[0], *ix = c->in[1];
    struct op_tensor *y = c->out[0];
    const int k = (int)ix->dims[ix->rank - 1];
    const size_t es = esize(x->dtype);
    uint64_t inner = 1;
    for (int d = k; d < x->rank; d++)
        inner *= (uint64_t)x->dims[d];
    const uint64_t n = k ? ix->numel / (uint64_t)k : 0;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t src = 0;
        for (int d = 0; d < k; d++) {
            const int64_t v = op_get_i64(ix, i * (uint64_t)k + (uint64_t)d);
            if (v < 0 || v >= x->dims[d])
                return op_fail(c, FY_EINVALID, "index %lld is out of range for dim %d",
                               (long long)v, d);
            src = src * (uint64_t)x->dims[d] + (uint64_t)v;
        }
        memcpy((char *)y->data + i * inner * es, (const char *)x->data + src * inner * es,
               inner * es);
    }
    return FY_OK;
}

/* ---- TILE (input, multiples), BROADCAST_TO (input, shape) ---- */

fy_status tfl_tile_infer(struct op_ctx *c)
{
    fy_status st = need_input(c, 0);
    if (!st) st = need_input(c, 1);
    if (!st) st = need_bytes(c, c->in[0]);
    if (st) return st;
    const struct op_tensor *x = c->in[0];
    int64_t m[OP_MAX_RANK], dims[OP_MAX_RANK];
    int n;
    st = read_all_ints(c, 1, m, OP_MAX_RANK, &n);
    if (st) return st;
    if (n != x->rank)
        return op_fail(c, FY_EINVALID, "multiples have %d values for rank %d", n, x->rank);
    for (int d = 0; d < n; d++) {
        if (m[d] < 0) return op_fail(c, FY_EINVALID, "negative multiple");
        dims[d] = x->dims[d] * m[d];
    }
    return op_set_output(c, 0, x->dtype, n, dims);
}

/* y[i] = x[i mod x.dims] per dim (TILE), or broadcast (x dim 1) */
static void wrap_copy(const struct op_tensor *x, struct op_tensor *y)
{
    const size_t es = esize(x->dtype);
    const int off = y->rank - x->rank;
    for (uint64_t i = 0; i < y->numel; i++) {
        uint64_t rem = i, src = 0, stride = 1;
        for (int d = y->rank - 1; d >= off; d--) {
            const uint64_t k = rem % (uint64_t)y->dims[d];
            rem /= (uint64_t)y->dims[d];
            const uint64_t n = (uint64_t)x->dims[d - off];
            src += (k % n) * stride;
            stride *= n;
        }
        memcpy((char *)y->data + i * es, (const char *)x->data + src * es, es);
    }
}

fy_status tfl_tile_eval(struct op_ctx *c)
{
    if (c->out[0]->numel && c->in[0]->numel) wrap_copy(c->in[0], c->out[0]);
    return FY_OK;
}

fy_status tfl_broadcast_to_infer(struct op_ctx *c)
{
    fy_status st = need_input(c, 0);
    if (!st) st = need_input(c, 1);
    if (!st) st = need_bytes(c, c->in[0]);
    if (st) return st;
    const struct op_tensor *x = c->in[0];
    int64_t dims[OP_MAX_RANK];
    int n;
    st = read_all_ints(c, 1, dims, OP_MAX_RANK, &n);
    if (st) return st;
    if (n < x->rank) return op_fail(c, FY_EINVALID, "shape has fewer dims than the input");
    for (int d = 0; d < x->rank; d++) {
        const int64_t xd = x->dims[d], od = dims[n - x->rank + d];
        if (xd != od && xd != 1)
            return op_fail(c, FY_EINVALID, "dim %d of size %lld does not broadcast to %lld", d,
                           (long long)xd, (long long)od);
    }
    return op_set_output(c, 0, x->dtype, n, dims);
}

fy_status tfl_broadcast_to_eval(struct op_ctx *c)
{
    return tfl_tile_eval(c);
}

/* ---- SHAPE, FILL, RANGE ---- */

fy_status tfl_shape_parse(const struct ir_node *n, int64_t opset, void *params,
                          struct fy_error *err)
{
    (void)opset;
    struct tfl_int_params *p = params;
    enum ir_dtype t;
    fy_status st = tfl_parse_tensor_type(n, "out_type", &t, err);
    p->v[0] = t == IR_UNDEFINED ? IR_I32 : t;
    p->n = 1;
    return st;
}

fy_status tfl_shape_infer(struct op_ctx *c)
{
    const struct tfl_int_params *p = c->params;
    fy_status st = need_input(c, 0);
    if (st) return st;
    int64_t n = c->in[0]->rank;
    enum ir_dtype t = tfl_declared_dtype(c, 0, (enum ir_dtype)p->v[0]);
    if (t != IR_I32 && t != IR_I64) return op_fail(c, FY_EINVALID, "out_type must be int32/int64");
    return op_set_output(c, 0, t, 1, &n);
}

fy_status tfl_shape_eval(struct op_ctx *c)
{
    for (int d = 0; d < c->in[0]->rank; d++)
        op_set_i64(c->out[0], (uint64_t)d, c->in[0]->dims[d]);
    return FY_OK;
}

fy_status tfl_fill_infer(struct op_ctx *c)
{
    fy_status st = need_input(c, 0);
    if (!st) st = need_input(c, 1);
    if (!st) st = need_bytes(c, c->in[1]);
    if (st) return st;
    int64_t dims[OP_MAX_RANK];
    int n;
    st = read_all_ints(c, 0, dims, OP_MAX_RANK, &n);
    if (st) return st;
    if (c->in[1]->numel != 1) return op_fail(c, FY_EINVALID, "value must hold one element");
    return op_set_output(c, 0, c->in[1]->dtype, n, dims);
}

fy_status tfl_fill_eval(struct op_ctx *c)
{
    const size_t es = esize(c->in[1]->dtype);
    for (uint64_t i = 0; i < c->out[0]->numel; i++)
        memcpy((char *)c->out[0]->data + i * es, c->in[1]->data, es);
    return FY_OK;
}

fy_status tfl_range_infer(struct op_ctx *c)
{
    for (int i = 0; i < 3; i++) {
        fy_status st = need_input(c, i);
        if (st) return st;
        if (c->in[i]->numel != 1) return op_fail(c, FY_EINVALID, "input %d must be a scalar", i);
    }
    fy_status st = op_expect_same_dtype(c, 0, 2);
    if (st) return st;
    const enum ir_dtype t = c->in[0]->dtype;
    int64_t n;
    if (t == IR_F32) {
        const double s = op_get_f64(c->in[0], 0), l = op_get_f64(c->in[1], 0),
                     d = op_get_f64(c->in[2], 0);
        if (d == 0) return op_fail(c, FY_EINVALID, "delta is 0");
        n = (int64_t)ceil(fabs((l - s) / d));
        if ((l - s) / d < 0) n = 0;
    } else if (t == IR_I32 || t == IR_I64) {
        const int64_t s = op_get_i64(c->in[0], 0), l = op_get_i64(c->in[1], 0),
                      d = op_get_i64(c->in[2], 0);
        if (d == 0) return op_fail(c, FY_EINVALID, "delta is 0");
        n = (d > 0 ? (l - s + d - 1) / d : (s - l - d - 1) / -d);
        if (n < 0) n = 0;
    } else {
        return op_fail(c, FY_EUNSUPPORTED, "type %s", ir_dtype_name(t));
    }
    return op_set_output(c, 0, t, 1, &n);
}

fy_status tfl_range_eval(struct op_ctx *c)
{
    struct op_tensor *y = c->out[0];
    for (uint64_t i = 0; i < y->numel; i++) {
        if (y->dtype == IR_F32)
            ((float *)y->data)[i] =
                (float)(op_get_f64(c->in[0], 0) + (double)i * op_get_f64(c->in[2], 0));
        else
            op_set_i64(y, i, op_get_i64(c->in[0], 0) + (int64_t)i * op_get_i64(c->in[2], 0));
    }
    return FY_OK;
}

/* ---- REVERSE_V2 (input, axes) ---- */

fy_status tfl_reverse_infer(struct op_ctx *c)
{
    fy_status st = need_input(c, 0);
    if (!st) st = need_input(c, 1);
    if (!st) st = need_bytes(c, c->in[0]);
    if (st) return st;
    int64_t axes[OP_MAX_RANK];
    int n;
    st = read_all_ints(c, 1, axes, OP_MAX_RANK, &n);
    for (int i = 0; !st && i < n; i++) {
        int a;
        st = op_axis(c, axes[i], c->in[0]->rank, "axis", &a);
    }
    if (st) return st;
    return op_set_output(c, 0, c->in[0]->dtype, c->in[0]->rank, c->in[0]->dims);
}

fy_status tfl_reverse_eval(struct op_ctx *c)
{
    const struct op_tensor *x = c->in[0];
    struct op_tensor *y = c->out[0];
    int64_t axes[OP_MAX_RANK];
    int n;
    read_all_ints(c, 1, axes, OP_MAX_RANK, &n);
    bool rev[OP_MAX_RANK] = {false};
    for (int i = 0; i < n; i++)
        rev[axes[i] < 0 ? axes[i] + x->rank : axes[i]] = true;
    const size_t es = esize(x->dtype);
    for (uint64_t i = 0; i < y->numel; i++) {
        uint64_t rem = i, src = 0, stride = 1;
        for (int d = x->rank - 1; d >= 0; d--) {
            uint64_t k = rem % (uint64_t)x->dims[d];
            rem /= (uint64_t)x->dims[d];
            if (rev[d]) k = (uint64_t)x->dims[d] - 1 - k;
            src += k * stride;
            stride *= (uint64_t)x->dims[d];
        }
        memcpy((char *)y->data + i * es, (const char *)x->data + src * es, es);
    }
    return FY_OK;
}

/* ---- DEPTH_TO_SPACE, SPACE_TO_DEPTH (NHWC, block_size) ---- */

fy_status tfl_block_parse(const struct ir_node *n, int64_t opset, void *params,
                          struct fy_error *err)
{
    (void)opset;
    struct tfl_int_params *p = params;
    int b;
    fy_status st = tfl_parse_int(n, "block_size", 1, 1, 1 << 16, &b, err);
    p->v[0] = b;
    p->n = 1;
    return st;
}

static fy_status nhwc_input(struct op_ctx *c)
{
    fy_status st = need_input(c, 0);
    if (!st) st = need_bytes(c, c->in[0]);
    if (st) return st;
    if (c->in[0]->rank != 4)
        return op_fail(c, FY_EINVALID, "input has rank %d; expected 4", c->in[0]->rank);
    return FY_OK;
}

fy_status tfl_depth_to_space_infer(struct op_ctx *c)
{
    const int64_t b = ((const struct tfl_int_params *)c->params)->v[0];
    fy_status st = nhwc_input(c);
    if (st) return st;
    const struct op_tensor *x = c->in[0];
    if (x->dims[3] % (b * b)) return op_fail(c, FY_EINVALID, "depth is not a multiple of block^2");
    int64_t dims[4] = {x->dims[0], x->dims[1] * b, x->dims[2] * b, x->dims[3] / (b * b)};
    return op_set_output(c, 0, x->dtype, 4, dims);
}

fy_status tfl_depth_to_space_eval(struct op_ctx *c)
{
    const int64_t b = ((const struct tfl_int_params *)c->params)->v[0];
    const struct op_tensor *x = c->in[0];
    struct op_tensor *y = c->out[0];
    const size_t es = esize(x->dtype);
    const int64_t H = x->dims[1], W = x->dims[2], C = x->dims[3], OC = y->dims[3];
    for (int64_t n = 0; n < y->dims[0]; n++)
        for (int64_t oy = 0; oy < y->dims[1]; oy++)
            for (int64_t ox = 0; ox < y->dims[2]; ox++)
                for (int64_t oc = 0; oc < OC; oc++) {
                    const int64_t iy = oy / b, ix = ox / b;
                    const int64_t ic = ((oy % b) * b + ox % b) * OC + oc;
                    memcpy((char *)y->data +
                               (size_t)(((n * y->dims[1] + oy) * y->dims[2] + ox) * OC + oc) * es,
                           (const char *)x->data + (size_t)(((n * H + iy) * W + ix) * C + ic) * es,
                           es);
                }
    return FY_OK;
}

fy_status tfl_space_to_depth_infer(struct op_ctx *c)
{
    const int64_t b = ((const struct tfl_int_params *)c->params)->v[0];
    fy_status st = nhwc_input(c);
    if (st) return st;
    const struct op_tensor *x = c->in[0];
    if (x->dims[1] % b || x->dims[2] % b)
        return op_fail(c, FY_EINVALID, "height and width must be multiples of the block");
    int64_t dims[4] = {x->dims[0], x->dims[1] / b, x->dims[2] / b, x->dims[3] * b * b};
    return op_set_output(c, 0, x->dtype, 4, dims);
}

fy_status tfl_space_to_depth_eval(struct op_ctx *c)
{
    const int64_t b = ((const struct tfl_int_params *)c->params)->v[0];
    const struct op_tensor *x = c->in[0];
    struct op_tensor *y = c->out[0];
    const size_t es = esize(x->dtype);
    const int64_t H = x->dims[1], W = x->dims[2], C = x->dims[3], OC = y->dims[3];
    for (int64_t n = 0; n < x->dims[0]; n++)
        for (int64_t iy = 0; iy < H; iy++)
            for (int64_t ix = 0; ix < W; ix++)
                for (int64_t ic = 0; ic < C; ic++) {
                    const int64_t oy = iy / b, ox = ix / b;
                    const int64_t oc = ((iy % b) * b + ix % b) * C + ic;
                    memcpy((char *)y->data +
                               (size_t)(((n * y->dims[1] + oy) * y->dims[2] + ox) * OC + oc) * es,
                           (const char *)x->data + (size_t)(((n * H + iy) * W + ix) * C + ic) * es,
                           es);
                }
    return FY_OK;
}

/* ---- BATCH_TO_SPACE_ND (input, block_shape, crops),
 *      SPACE_TO_BATCH_ND (input, block_shape, paddings); 4-D NHWC ---- */

static fy_status read_block(struct op_ctx *c, int64_t *block, int64_t *pads)
{
    int64_t v[4];
    int n;
    fy_status st = read_all_ints(c, 1, block, 2, &n);
    if (st) return st;
    if (n != 2) return op_fail(c, FY_EINVALID, "block_shape needs 2 values");
    st = read_all_ints(c, 2, v, 4, &n);
    if (st) return st;
    if (n != 4) return op_fail(c, FY_EINVALID, "crops/paddings need 2x2 values");
    for (int i = 0; i < 4; i++)
        pads[i] = v[i];
    if (block[0] < 1 || block[1] < 1) return op_fail(c, FY_EINVALID, "block_shape must be >= 1");
    return FY_OK;
}

fy_status tfl_batch_to_space_infer(struct op_ctx *c)
{
    fy_status st = nhwc_input(c);
    if (!st) st = need_input(c, 1);
    if (!st) st = need_input(c, 2);
    if (st) return st;
    int64_t b[2], cr[4];
    st = read_block(c, b, cr);
    if (st) return st;
    const struct op_tensor *x = c->in[0];
    if (x->dims[0] % (b[0] * b[1]))
        return op_fail(c, FY_EINVALID, "batch is not a multiple of the block");
    int64_t dims[4] = {x->dims[0] / (b[0] * b[1]), x->dims[1] * b[0] - cr[0] - cr[1],
                       x->dims[2] * b[1] - cr[2] - cr[3], x->dims[3]};
    if (dims[1] < 0 || dims[2] < 0) return op_fail(c, FY_EINVALID, "crops exceed the size");
    return op_set_output(c, 0, x->dtype, 4, dims);
}

fy_status tfl_batch_to_space_eval(struct op_ctx *c)
{
    const struct op_tensor *x = c->in[0];
    struct op_tensor *y = c->out[0];
    int64_t b[2], cr[4];
    read_block(c, b, cr);
    const size_t es = esize(x->dtype);
    const int64_t IB = x->dims[0], H = x->dims[1], W = x->dims[2], C = x->dims[3];
    const int64_t OB = y->dims[0];
    for (int64_t ib = 0; ib < IB; ib++) {
        const int64_t ob = ib % OB, off = ib / OB;
        const int64_t sy = off / b[1], sx = off % b[1];
        for (int64_t iy = 0; iy < H; iy++) {
            const int64_t oy = iy * b[0] + sy - cr[0];
            if (oy < 0 || oy >= y->dims[1]) continue;
            for (int64_t ix = 0; ix < W; ix++) {
                const int64_t ox = ix * b[1] + sx - cr[2];
                if (ox < 0 || ox >= y->dims[2]) continue;
                memcpy((char *)y->data +
                           (size_t)(((ob * y->dims[1] + oy) * y->dims[2] + ox) * C) * es,
                       (const char *)x->data + (size_t)(((ib * H + iy) * W + ix) * C) * es,
                       (size_t)C * es);
            }
        }
    }
    return FY_OK;
}

fy_status tfl_space_to_batch_infer(struct op_ctx *c)
{
    fy_status st = nhwc_input(c);
    if (!st) st = need_input(c, 1);
    if (!st) st = need_input(c, 2);
    if (st) return st;
    int64_t b[2], pd[4];
    st = read_block(c, b, pd);
    if (st) return st;
    const struct op_tensor *x = c->in[0];
    const int64_t ph = x->dims[1] + pd[0] + pd[1], pw = x->dims[2] + pd[2] + pd[3];
    if (ph % b[0] || pw % b[1])
        return op_fail(c, FY_EINVALID, "padded size is not a multiple of the block");
    int64_t dims[4] = {x->dims[0] * b[0] * b[1], ph / b[0], pw / b[1], x->dims[3]};
    return op_set_output(c, 0, x->dtype, 4, dims);
}

fy_status tfl_space_to_batch_eval(struct op_ctx *c)
{
    const struct op_tensor *x = c->in[0];
    struct op_tensor *y = c->out[0];
    int64_t b[2], pd[4];
    read_block(c, b, pd);
    const size_t es = esize(x->dtype);
    const int64_t IB = x->dims[0], H = x->dims[1], W = x->dims[2], C = x->dims[3];
    /* padding value: 0, or the zero point of a quantized tensor */
    uint8_t zero[16] = {0};
    if (tfl_is_quant_int(y->dtype) && y->quant && y->quant->count > 0) {
        struct op_tensor v = *y;
        v.data = zero;
        op_set_i64(&v, 0, tfl_zero_point(y));
    }
    for (int64_t ob = 0; ob < y->dims[0]; ob++) {
        const int64_t ib = ob % IB, off = ob / IB;
        const int64_t sy = off / b[1], sx = off % b[1];
        for (int64_t oy = 0; oy < y->dims[1]; oy++)
            for (int64_t ox = 0; ox < y->dims[2]; ox++) {
                const int64_t iy = oy * b[0] + sy - pd[0], ix = ox * b[1] + sx - pd[2];
                char *dst =
                    (char *)y->data + (size_t)(((ob * y->dims[1] + oy) * y->dims[2] + ox) * C) * es;
                if (iy < 0 || iy >= H || ix < 0 || ix >= W) {
                    for (int64_t k = 0; k < C; k++)
                        memcpy(dst + (size_t)k * es, zero, es);
                } else {
                    memcpy(dst, (const char *)x->data + (size_t)(((ib * H + iy) * W + ix) * C) * es,
                           (size_t)C * es);
                }
            }
    }
    return FY_OK;
}

/* ---- WHERE (condition) -> int64 coordinates of the true elements ---- */

fy_status tfl_where_infer(struct op_ctx *c)
{
    fy_status st = need_input(c, 0);
    if (st) return st;
    const struct op_tensor *x = c->in[0];
    int64_t n = 0;
    for (uint64_t i = 0; i < x->numel; i++)
        if (ir_dtype_table[x->dtype].is_float ? op_get_f64(x, i) != 0 : op_get_i64(x, i) != 0) n++;
    int64_t dims[2] = {n, x->rank};
    return op_set_output(c, 0, IR_I64, 2, dims);
}

fy_status tfl_where_eval(struct op_ctx *c)
{
    const struct op_tensor *x = c->in[0];
    int64_t *y = c->out[0]->data;
    for (uint64_t i = 0; i < x->numel; i++) {
        if (!(ir_dtype_table[x->dtype].is_float ? op_get_f64(x, i) != 0 : op_get_i64(x, i) != 0))
            continue;
        uint64_t rem = i;
        for (int d = x->rank - 1; d >= 0; d--) {
            y[d] = (int64_t)(rem % (uint64_t)x->dims[d]);
            rem /= (uint64_t)x->dims[d];
        }
        y += x->rank;
    }
    return FY_OK;
}

/* ---- CUMSUM (input, axis), exclusive / reverse ---- */

fy_status tfl_cumsum_parse(const struct ir_node *n, int64_t opset, void *params,
                           struct fy_error *err)
{
    (void)opset;
    struct tfl_int_params *p = params;
    int64_t ex, rev;
    fy_status st = op_attr_int(n, "exclusive", 0, &ex, err);
    if (!st) st = op_attr_int(n, "reverse", 0, &rev, err);
    p->v[0] = ex != 0;
    p->v[1] = rev != 0;
    p->n = 2;
    return st;
}

fy_status tfl_cumsum_infer(struct op_ctx *c)
{
    fy_status st = need_input(c, 0);
    if (!st) st = need_input(c, 1);
    if (st) return st;
    static const enum ir_dtype ok[] = {IR_F32, IR_I32, IR_I64};
    st = op_expect_dtype(c, 0, ok, 3);
    if (st) return st;
    int a;
    st = op_axis(c, op_get_i64(c->in[1], 0), c->in[0]->rank, "axis", &a);
    if (st) return st;
    return op_set_output(c, 0, c->in[0]->dtype, c->in[0]->rank, c->in[0]->dims);
}

fy_status tfl_cumsum_eval(struct op_ctx *c)
{
    const struct tfl_int_params *p = c->params;
    const struct op_tensor *x = c->in[0];
    struct op_tensor *y = c->out[0];
    int64_t a = op_get_i64(c->in[1], 0);
    const int axis = (int)(a < 0 ? a + x->rank : a);
    uint64_t outer = 1, inner = 1;
    for (int d = 0; d < axis; d++)
        outer *= (uint64_t)x->dims[d];
    for (int d = axis + 1; d < x->rank; d++)
        inner *= (uint64_t)x->dims[d];
    const int64_t n = x->dims[axis];
    for (uint64_t o = 0; o < outer; o++)
        for (uint64_t in = 0; in < inner; in++) {
            double fs = 0;
            float fsum = 0.0f;
            int64_t isum = 0;
            (void)fs;
            for (int64_t k = 0; k < n; k++) {
                const int64_t kk = p->v[1] ? n - 1 - k : k;
                const uint64_t i = (o * (uint64_t)n + (uint64_t)kk) * inner + in;
                if (x->dtype == IR_F32) {
                    const float v = ((const float *)x->data)[i];
                    if (!p->v[0]) fsum += v;
                    ((float *)y->data)[i] = fsum;
                    if (p->v[0]) fsum += v;
                } else {
                    const int64_t v = op_get_i64(x, i);
                    if (!p->v[0]) isum = (int64_t)((uint64_t)isum + (uint64_t)v);
                    op_set_i64(y, i, isum);
                    if (p->v[0]) isum = (int64_t)((uint64_t)isum + (uint64_t)v);
                }
            }
        }
    return FY_OK;
}

/* ---- MATRIX_DIAG (diagonal [..., N]) -> [..., N, N] ---- */

fy_status tfl_matrix_diag_infer(struct op_ctx *c)
{
    fy_status st = need_input(c, 0);
    if (!st) st = need_bytes(c, c->in[0]);
    if (st) return st;
    const struct op_tensor *x = c->in[0];
    if (x->rank < 1 || x->rank >= OP_MAX_RANK) return op_fail(c, FY_EINVALID, "rank %d", x->rank);
    int64_t dims[OP_MAX_RANK];
    memcpy(dims, x->dims, sizeof(int64_t) * (size_t)x->rank);
    dims[x->rank] = x->dims[x->rank - 1];
    return op_set_output(c, 0, x->dtype, x->rank + 1, dims);
}

fy_status tfl_matrix_diag_eval(struct op_ctx *c)
{
    const struct op_tensor *x = c->in[0];
    struct op_tensor *y = c->out[0];
    const size_t es = esize(x->dtype);
    const int64_t n = x->dims[x->rank - 1];
    memset(y->data, 0, (size_t)y->nbytes);
    const uint64_t mats = n ? x->numel / (uint64_t)n : 0;
    for (uint64_t m = 0; m < mats; m++)
        for (int64_t i = 0; i < n; i++)
            memcpy((char *)y->data +
                       ((m * (uint64_t)n + (uint64_t)i) * (uint64_t)n + (uint64_t)i) * es,
                   (const char *)x->data + (m * (uint64_t)n + (uint64_t)i) * es, es);
    return FY_OK;
}

/* ---- TOPK_V2 (input, k) -> values, int32 indices (ties: lower index first) ---- */

fy_status tfl_topk_infer(struct op_ctx *c)
{
    fy_status st = need_input(c, 0);
    if (!st) st = need_input(c, 1);
    if (st) return st;
    const struct op_tensor *x = c->in[0];
    static const enum ir_dtype ok[] = {IR_F32, IR_I32, IR_I64, IR_I8, IR_U8, IR_I16};
    st = op_expect_dtype(c, 0, ok, 6);
    if (st) return st;
    if (x->rank < 1) return op_fail(c, FY_EINVALID, "input is a scalar");
    const int64_t k = op_get_i64(c->in[1], 0);
    if (k < 0 || k > x->dims[x->rank - 1])
        return op_fail(c, FY_EINVALID, "k = %lld is out of range", (long long)k);
    int64_t dims[OP_MAX_RANK];
    memcpy(dims, x->dims, sizeof(int64_t) * (size_t)x->rank);
    dims[x->rank - 1] = k;
    st = op_set_output(c, 0, x->dtype, x->rank, dims);
    if (!st) st = op_set_output(c, 1, tfl_declared_dtype(c, 1, IR_I32), x->rank, dims);
    return st;
}

fy_status tfl_topk_eval(struct op_ctx *c)
{
    const struct op_tensor *x = c->in[0];
    const int64_t n = x->dims[x->rank - 1], k = op_get_i64(c->in[1], 0);
    const uint64_t rows = n ? x->numel / (uint64_t)n : 0;
    int64_t *idx = op_scratch(c, sizeof(int64_t) * (size_t)(n ? n : 1));
    if (!idx) return op_fail(c, FY_ENOMEM, "out of memory");
    for (uint64_t r = 0; r < rows; r++) {
        /* selection by insertion: stable, so equal values keep index order */
        for (int64_t i = 0; i < n; i++)
            idx[i] = i;
        for (int64_t i = 1; i < n; i++) {
            const int64_t cur = idx[i];
            const double v = op_get_f64(x, r * (uint64_t)n + (uint64_t)cur);
            int64_t j = i - 1;
            while (j >= 0 && op_get_f64(x, r * (uint64_t)n + (uint64_t)idx[j]) < v) {
                idx[j + 1] = idx[j];
                j--;
            }
            idx[j + 1] = cur;
        }
        for (int64_t i = 0; i < k; i++) {
            const uint64_t o = r * (uint64_t)k + (uint64_t)i;
            if (c->out[0])
                op_set_f64(c->out[0], o, op_get_f64(x, r * (uint64_t)n + (uint64_t)idx[i]));
            if (c->n_outputs > 1 && c->out[1]) op_set_i64(c->out[1], o, idx[i]);
        }
    }
    return FY_OK;
}
