/* Normalizations: BatchNormalization (inference), InstanceNormalization,
 * LayerNormalization, GroupNormalization (opset 18 and 21), RMSNormalization,
 * LRN, LpNormalization, MeanVarianceNormalization.
 *
 * Statistics are accumulated in double whatever the input type (at least as
 * precise as every stash_type ONNX allows); the per-element pass then runs in
 * the tensor's own type for float32 and in double otherwise. */
#include <math.h>
#include <string.h>

#include "ops/nn.h"

static const enum ir_dtype float_types[] = {IR_F32, IR_F16, IR_BF16, IR_F64};

static void affine_f64(int64_t n, const double *x, double a, double b, double *y)
{
    for (int64_t i = 0; i < n; i++) y[i] = x[i] * a + b;
}

/* Mean and population variance of n values (two passes, in double). */
static void mean_var(const double *x, int64_t n, int64_t stride, double *mean, double *var)
{
    double s = 0, q = 0;
    for (int64_t i = 0; i < n; i++) s += x[i * stride];
    double m = n ? s / (double)n : 0;
    for (int64_t i = 0; i < n; i++) {
        double d = x[i * stride] - m;
        q += d * d;
    }
    *mean = m;
    *var = n ? q / (double)n : 0;
}

static fy_status per_channel(struct op_ctx *c, int input, const char *name, int64_t channels)
{
    const struct op_tensor *t = c->in[input];
    char buf[96];
    if (t->numel != (uint64_t)channels || t->rank != 1)
        return op_fail(c, FY_EINVALID, "%s has shape %s; expected [%lld]", name,
                       nn_shape_str(t, buf, sizeof buf), (long long)channels);
    return FY_OK;
}

/* ---- BatchNormalization ----
 * Inference: y = (x - mean) / sqrt(var + epsilon) * scale + B per channel
 * (dim 1), applied as y = x * a + b with a, b folded per channel in double.
 * Training (training_mode 1; before opset 14, extra outputs and no is_test):
 * mean and var are the batch's own, per channel over every other dim
 * (population variance), and the running statistics come out as
 *   running_mean = input_mean * momentum + mean * (1 - momentum)
 *   running_var  = input_var * momentum + var * (1 - momentum)
 * (opsets 9-13 also list saved_mean, saved_var: the batch mean and var).
 * A rank-1 X is N values of one channel. Opsets 1-8 could give per-element
 * statistics (spatial = 0): parameters shaped like X without the batch dim
 * are accepted in inference. */

fy_status nn_batchnorm_parse(const struct ir_node *n, int64_t opset, void *params,
                             struct fy_error *err)
{
    struct nn_batchnorm_params *p = params;
    int64_t training = 0, is_test = 0;
    fy_status st = op_attr_float(n, "epsilon", 1e-5f, &p->epsilon, err);
    if (!st) st = op_attr_float(n, "momentum", 0.9f, &p->momentum, err);
    if (!st) st = op_attr_int(n, "training_mode", 0, &training, err);
    if (!st) st = op_attr_int(n, "is_test", 0, &is_test, err);
    if (st) return st;
    bool extra_outputs = false;
    for (int i = 1; i < n->n_outputs; i++)
        if (n->outputs[i]) extra_outputs = true;
    p->training = opset >= 14 ? training != 0 : extra_outputs && !is_test;
    if (opset >= 14 && !p->training && extra_outputs)
        return op_fail_node(n, err, FY_EINVALID,
                            "running_mean and running_var are outputs of training mode only "
                            "(training_mode is 0)");
    return FY_OK;
}

/* X viewed as [N, C, inner] (rank 1: [N, 1, 1]). */
static void bn_view(const struct op_tensor *x, int64_t *N, int64_t *C, int64_t *inner)
{
    *N = x->dims[0];
    *C = x->rank >= 2 ? x->dims[1] : 1;
    *inner = *N && *C ? (int64_t)x->numel / (*N * *C) : 0;
}

fy_status nn_batchnorm_infer(struct op_ctx *c)
{
    const struct nn_batchnorm_params *p = c->params;
    const struct op_tensor *x = c->in[0];
    fy_status st = FY_OK;
    for (int i = 0; i < 5 && !st; i++) st = op_expect_dtype(c, i, float_types, 4);
    if (st) return st;
    char buf[96];
    if (x->rank < 1)
        return op_fail(c, FY_EINVALID, "X is a scalar; BatchNormalization needs N x C x ...");
    int64_t N, C, inner;
    bn_view(x, &N, &C, &inner);
    static const char *const names[] = {"", "scale", "B", "input_mean", "input_var"};
    for (int i = 1; i < 5; i++) {
        const struct op_tensor *t = c->in[i];
        if (!t) return op_fail(c, FY_EINVALID, "input %s is missing", names[i]);
        bool per_element = !p->training && x->rank > 2 && t->numel == (uint64_t)(C * inner);
        if (t->numel != (uint64_t)C && !per_element)
            return op_fail(c, FY_EINVALID, "%s has shape %s; expected [%lld]", names[i],
                           nn_shape_str(t, buf, sizeof buf), (long long)C);
    }
    st = op_set_output(c, 0, x->dtype, x->rank, x->dims);
    int64_t cdim[1] = {C};
    for (int i = 1; i < c->n_outputs && !st; i++)
        st = op_set_output(c, i, c->in[i == 2 || i == 4 ? 4 : 3]->dtype, 1, cdim);
    return st;
}

fy_status nn_batchnorm_eval(struct op_ctx *c)
{
    const struct nn_batchnorm_params *p = c->params;
    const struct op_tensor *xt = c->in[0];
    struct op_tensor *yt = c->out[0];
    int64_t N, C, inner;
    bn_view(xt, &N, &C, &inner);
    /* per-channel parameters apply to runs of `run` elements */
    int64_t groups = (int64_t)c->in[1]->numel, run = groups ? C * inner / groups : 0;
    double *a = op_scratch(c, (size_t)groups * 4 * sizeof(double) + 16);
    const double *xd = NULL;
    if (!a) return FY_ENOMEM;
    double *b = a + groups, *bmean = b + groups, *bvar = bmean + groups;
    if (p->training) {
        /* the batch's statistics, per channel over images and positions */
        xd = nn_load_f64(c, xt);
        if (!xd) return FY_ENOMEM;
        for (int64_t g = 0; g < groups; g++) {
            double s = 0, q = 0, cnt = (double)(N * run);
            for (int64_t n = 0; n < N; n++)
                for (int64_t i = 0; i < run; i++) s += xd[(n * groups + g) * run + i];
            bmean[g] = cnt > 0 ? s / cnt : 0;
            for (int64_t n = 0; n < N; n++)
                for (int64_t i = 0; i < run; i++) {
                    double d = xd[(n * groups + g) * run + i] - bmean[g];
                    q += d * d;
                }
            bvar[g] = cnt > 0 ? q / cnt : 0;
        }
    }
    for (int64_t g = 0; g < groups; g++) {
        double scale = op_get_f64(c->in[1], (uint64_t)g), bias = op_get_f64(c->in[2], (uint64_t)g);
        double mean = p->training ? bmean[g] : op_get_f64(c->in[3], (uint64_t)g);
        double var = p->training ? bvar[g] : op_get_f64(c->in[4], (uint64_t)g);
        a[g] = scale / sqrt(var + (double)p->epsilon);
        b[g] = bias - mean * a[g];
    }
    if (p->training) {
        double mom = p->momentum;
        for (int i = 1; i < c->n_outputs; i++) {
            struct op_tensor *o = c->out[i];
            if (!o) continue;
            for (int64_t g = 0; g < groups; g++) {
                double v = i == 1   ? op_get_f64(c->in[3], (uint64_t)g) * mom + bmean[g] * (1 - mom)
                           : i == 2 ? op_get_f64(c->in[4], (uint64_t)g) * mom + bvar[g] * (1 - mom)
                           : i == 3 ? bmean[g]
                                    : bvar[g];
                op_set_f64(o, (uint64_t)g, v);
            }
        }
    }
    if (xt->dtype == IR_F32) {
        const float *x = xt->data;
        float *y = yt->data;
        for (int64_t n = 0; n < N; n++)
            for (int64_t g = 0; g < groups; g++) {
                int64_t off = (n * groups + g) * run;
                nn_affine_f32(run, x + off, (float)a[g], (float)b[g], y + off);
            }
        return FY_OK;
    }
    const double *x = xd ? xd : nn_load_f64(c, xt);
    double *y = nn_out_f64(c, yt);
    if (!x || !y) return FY_ENOMEM;
    for (int64_t n = 0; n < N; n++)
        for (int64_t g = 0; g < groups; g++) {
            int64_t off = (n * groups + g) * run;
            affine_f64(run, x + off, a[g], b[g], y + off);
        }
    nn_store_f64(yt, y);
    return FY_OK;
}

/* ---- InstanceNormalization ----
 * y = scale[c] * (x - mean) / sqrt(var + epsilon) + B[c], statistics per
 * image and channel over the spatial dims. */

fy_status nn_instnorm_parse(const struct ir_node *n, int64_t opset, void *params,
                            struct fy_error *err)
{
    (void)opset;
    struct nn_eps_params *p = params;
    return op_attr_float(n, "epsilon", 1e-5f, &p->epsilon, err);
}

fy_status nn_instnorm_infer(struct op_ctx *c)
{
    const struct op_tensor *x = c->in[0];
    fy_status st = op_expect_dtype(c, 0, float_types, 4);
    if (!st) st = op_expect_same_dtype(c, 0, 2);
    if (st) return st;
    char buf[96];
    if (x->rank < 3)
        return op_fail(c, FY_EINVALID, "X has shape %s; InstanceNormalization needs N x C x D1 ...",
                       nn_shape_str(x, buf, sizeof buf));
    st = per_channel(c, 1, "scale", x->dims[1]);
    if (!st) st = per_channel(c, 2, "B", x->dims[1]);
    if (st) return st;
    return op_set_output(c, 0, x->dtype, x->rank, x->dims);
}

fy_status nn_instnorm_eval(struct op_ctx *c)
{
    const struct nn_eps_params *p = c->params;
    const struct op_tensor *xt = c->in[0];
    struct op_tensor *yt = c->out[0];
    int64_t C = xt->dims[1], planes = xt->dims[0] * C;
    int64_t size = planes ? (int64_t)xt->numel / planes : 0;
    const double *x = nn_load_f64(c, xt);
    double *y = nn_out_f64(c, yt);
    if (!x || !y) return FY_ENOMEM;
    for (int64_t i = 0; i < planes; i++) {
        double mean, var;
        mean_var(x + i * size, size, 1, &mean, &var);
        double a = op_get_f64(c->in[1], (uint64_t)(i % C)) / sqrt(var + (double)p->epsilon);
        double b = op_get_f64(c->in[2], (uint64_t)(i % C)) - mean * a;
        affine_f64(size, x + i * size, a, b, y + i * size);
    }
    nn_store_f64(yt, y);
    return FY_OK;
}

/* ---- LayerNormalization, RMSNormalization ----
 * Normalized over dims [axis, rank): with outer = prod(dims[0:axis]) and
 * inner = prod(dims[axis:]), row r is x[r*inner .. (r+1)*inner).
 *   LayerNorm: y = (x - mean) / sqrt(var + eps) * scale + B;
 *              Mean and InvStdDev (shape dims[0:axis] + 1s) on request.
 *   RMSNorm:   y = x / sqrt(mean(x^2) + eps) * scale.
 * Scale and B broadcast to X one way (numpy rules, right-aligned). */

static enum ir_dtype stash_dtype(int64_t code)
{
    switch (code) { /* ONNX TensorProto element types */
    case 1: return IR_F32;
    case 10: return IR_F16;
    case 11: return IR_F64;
    case 16: return IR_BF16;
    default: return IR_UNDEFINED;
    }
}

fy_status nn_layernorm_parse(const struct ir_node *n, int64_t opset, void *params,
                             struct fy_error *err)
{
    (void)opset;
    struct nn_layernorm_params *p = params;
    int64_t stash;
    fy_status st = op_attr_int(n, "axis", -1, &p->axis, err);
    if (!st) st = op_attr_float(n, "epsilon", 1e-5f, &p->epsilon, err);
    if (!st) st = op_attr_int(n, "stash_type", 1, &stash, err);
    if (st) return st;
    p->stash = stash_dtype(stash);
    if (p->stash == IR_UNDEFINED)
        return op_fail_node(n, err, FY_EINVALID,
                            "stash_type is %lld; expected a float type (1, 10, 11 or 16)",
                            (long long)stash);
    return FY_OK;
}

/* Checks that input i broadcasts one way to X (right-aligned, each of its
 * dims 1 or X's). */
static fy_status unidirectional(struct op_ctx *c, int i, const char *name)
{
    const struct op_tensor *x = c->in[0], *t = nn_in(c, i);
    if (!t) return FY_OK;
    char b1[96], b2[96];
    bool ok = t->rank <= x->rank;
    for (int d = 0; ok && d < t->rank; d++) {
        int64_t td = t->dims[d], xd = x->dims[x->rank - t->rank + d];
        ok = td == 1 || td == xd;
    }
    if (!ok)
        return op_fail(c, FY_EINVALID, "%s has shape %s, which does not broadcast to X's %s",
                       name, nn_shape_str(t, b1, sizeof b1), nn_shape_str(x, b2, sizeof b2));
    return FY_OK;
}

static fy_status layernorm_check(struct op_ctx *c, int *axis)
{
    const struct nn_layernorm_params *p = c->params;
    fy_status st = op_expect_dtype(c, 0, float_types, 4);
    if (!st) st = op_expect_dtype(c, 1, float_types, 4);
    if (!st) st = op_expect_dtype(c, 2, float_types, 4);
    if (!st) st = op_axis(c, p->axis, c->in[0]->rank, "axis", axis);
    if (!st) st = unidirectional(c, 1, "Scale");
    if (!st) st = unidirectional(c, 2, "B");
    return st;
}

/* Values of input i broadcast to X's full shape, as doubles (NULL input:
 * NULL). The usual parameter, constant over the rows (dims before axis),
 * is used as is, indexed by position within a row; one that varies over the
 * rows is expanded to X's size and *full set. */
static const double *broadcast_param(struct op_ctx *c, int i, int axis, bool *full)
{
    const struct op_tensor *x = c->in[0], *t = nn_in(c, i);
    *full = false;
    if (!t) return NULL;
    const double *v = nn_load_f64(c, t);
    if (!v) return NULL;
    int64_t strides[OP_MAX_RANK];
    op_broadcast_strides(t, x->rank, x->dims, strides);
    bool per_row = true;
    int64_t contiguous = 1;
    for (int d = x->rank - 1; d >= 0; d--) {
        if (x->dims[d] != 1) {
            if (d < axis && strides[d] != 0) per_row = false;
            if (d >= axis && strides[d] != contiguous) per_row = false;
        }
        if (d >= axis) contiguous *= x->dims[d];
    }
    if (per_row) return v;
    double *b = op_scratch(c, (size_t)x->numel * sizeof(double) + 8);
    if (!b) return NULL;
    int64_t coord[OP_MAX_RANK] = {0};
    for (uint64_t e = 0; e < x->numel; e++) {
        int64_t off = 0;
        for (int d = 0; d < x->rank; d++) off += coord[d] * strides[d];
        b[e] = v[off];
        for (int d = x->rank - 1; d >= 0; d--) {
            if (++coord[d] < x->dims[d]) break;
            coord[d] = 0;
        }
    }
    *full = true;
    return b;
}

static fy_status norm_rows(struct op_ctx *c, int axis, bool rms)
{
    const struct nn_layernorm_params *p = c->params;
    const struct op_tensor *xt = c->in[0];
    struct op_tensor *yt = c->out[0];
    int64_t outer = 1, inner = 1;
    for (int d = 0; d < xt->rank; d++) {
        if (d < axis) outer *= xt->dims[d];
        else inner *= xt->dims[d];
    }
    bool sfull, bfull = false;
    const double *x = nn_load_f64(c, xt);
    const double *scale = broadcast_param(c, 1, axis, &sfull);
    const double *bias = rms ? NULL : broadcast_param(c, 2, axis, &bfull);
    double *y = nn_out_f64(c, yt);
    if (!x || !scale || !y || (!rms && nn_in(c, 2) && !bias)) return FY_ENOMEM;
    struct op_tensor *mean_t = !rms && c->n_outputs > 1 ? c->out[1] : NULL;
    struct op_tensor *inv_t = !rms && c->n_outputs > 2 ? c->out[2] : NULL;
    for (int64_t r = 0; r < outer; r++) {
        const double *xr = x + r * inner;
        double mean = 0, var;
        if (rms) {
            double q = 0;
            for (int64_t i = 0; i < inner; i++) q += xr[i] * xr[i];
            var = inner ? q / (double)inner : 0;
        } else {
            mean_var(xr, inner, 1, &mean, &var);
        }
        double inv = 1.0 / sqrt(var + (double)p->epsilon);
        const double *sr = scale + (sfull ? r * inner : 0);
        const double *br = bias ? bias + (bfull ? r * inner : 0) : NULL;
        double *yr = y + r * inner;
        for (int64_t i = 0; i < inner; i++)
            yr[i] = (xr[i] - mean) * inv * sr[i] + (br ? br[i] : 0);
        if (mean_t) op_set_f64(mean_t, (uint64_t)r, mean);
        if (inv_t) op_set_f64(inv_t, (uint64_t)r, inv);
    }
    nn_store_f64(yt, y);
    return FY_OK;
}

fy_status nn_layernorm_infer(struct op_ctx *c)
{
    const struct nn_layernorm_params *p = c->params;
    int axis;
    fy_status st = layernorm_check(c, &axis);
    if (st) return st;
    const struct op_tensor *x = c->in[0];
    int64_t dims[OP_MAX_RANK];
    for (int d = 0; d < x->rank; d++) dims[d] = d < axis ? x->dims[d] : 1;
    st = op_set_output(c, 0, x->dtype, x->rank, x->dims);
    if (!st) st = op_set_output(c, 1, p->stash, x->rank, dims);
    if (!st) st = op_set_output(c, 2, p->stash, x->rank, dims);
    return st;
}

fy_status nn_layernorm_eval(struct op_ctx *c)
{
    const struct nn_layernorm_params *p = c->params;
    int axis;
    fy_status st = op_axis(c, p->axis, c->in[0]->rank, "axis", &axis);
    if (st) return st;
    return norm_rows(c, axis, false);
}

fy_status nn_rmsnorm_infer(struct op_ctx *c)
{
    int axis;
    fy_status st = layernorm_check(c, &axis);
    if (st) return st;
    return op_set_output(c, 0, c->in[0]->dtype, c->in[0]->rank, c->in[0]->dims);
}

fy_status nn_rmsnorm_eval(struct op_ctx *c)
{
    const struct nn_layernorm_params *p = c->params;
    int axis;
    fy_status st = op_axis(c, p->axis, c->in[0]->rank, "axis", &axis);
    if (st) return st;
    return norm_rows(c, axis, true);
}

/* ---- GroupNormalization ----
 * Channels split into num_groups groups; statistics per image and group
 * over the group's channels and all spatial positions. Opset 18 gave scale
 * and bias one value per group; opset 21 one per channel. The parameter
 * length decides (it is unambiguous unless groups == channels, where the
 * two readings coincide). */

fy_status nn_groupnorm_parse(const struct ir_node *n, int64_t opset, void *params,
                             struct fy_error *err)
{
    (void)opset;
    struct nn_groupnorm_params *p = params;
    const struct ir_attr *a = ir_node_attr(n, "num_groups");
    if (!a) return op_fail_node(n, err, FY_EINVALID, "attribute 'num_groups' is required");
    fy_status st = op_attr_int(n, "num_groups", 1, &p->num_groups, err);
    if (!st) st = op_attr_float(n, "epsilon", 1e-5f, &p->epsilon, err);
    if (st) return st;
    if (p->num_groups < 1)
        return op_fail_node(n, err, FY_EINVALID, "num_groups is %lld; it must be positive",
                            (long long)p->num_groups);
    return FY_OK;
}

fy_status nn_groupnorm_infer(struct op_ctx *c)
{
    const struct nn_groupnorm_params *p = c->params;
    const struct op_tensor *x = c->in[0];
    fy_status st = op_expect_dtype(c, 0, float_types, 4);
    if (!st) st = op_expect_dtype(c, 1, float_types, 4);
    if (!st) st = op_expect_dtype(c, 2, float_types, 4);
    if (st) return st;
    char buf[96];
    if (x->rank < 2)
        return op_fail(c, FY_EINVALID, "X has shape %s; GroupNormalization needs N x C x ...",
                       nn_shape_str(x, buf, sizeof buf));
    int64_t C = x->dims[1], G = p->num_groups;
    if (C % G)
        return op_fail(c, FY_EINVALID, "X has %lld channels, not divisible into %lld groups",
                       (long long)C, (long long)G);
    for (int i = 1; i <= 2; i++) {
        const struct op_tensor *t = c->in[i];
        if (t->rank != 1 || (t->dims[0] != C && t->dims[0] != G))
            return op_fail(c, FY_EINVALID, "%s has shape %s; expected [%lld] (opset 21) or [%lld]",
                           i == 1 ? "scale" : "bias", nn_shape_str(t, buf, sizeof buf),
                           (long long)C, (long long)G);
    }
    return op_set_output(c, 0, x->dtype, x->rank, x->dims);
}

fy_status nn_groupnorm_eval(struct op_ctx *c)
{
    const struct nn_groupnorm_params *p = c->params;
    const struct op_tensor *xt = c->in[0];
    struct op_tensor *yt = c->out[0];
    int64_t N = xt->dims[0], C = xt->dims[1], G = p->num_groups;
    int64_t size = N > 0 && C > 0 ? (int64_t)xt->numel / (N * C) : 0, cpg = C / G;
    const double *x = nn_load_f64(c, xt);
    double *y = nn_out_f64(c, yt);
    if (!x || !y) return FY_ENOMEM;
    /* [C]: per channel; [G]: per group (when C == G the two coincide) */
    bool per_channel_scale = c->in[1]->dims[0] == C;
    bool per_channel_bias = c->in[2]->dims[0] == C;
    for (int64_t n = 0; n < N; n++)
        for (int64_t g = 0; g < G; g++) {
            int64_t off = (n * C + g * cpg) * size;
            double mean, var;
            mean_var(x + off, cpg * size, 1, &mean, &var);
            double inv = 1.0 / sqrt(var + (double)p->epsilon);
            for (int64_t k = 0; k < cpg; k++) {
                int64_t ch = g * cpg + k;
                double s = op_get_f64(c->in[1], (uint64_t)(per_channel_scale ? ch : g));
                double b = op_get_f64(c->in[2], (uint64_t)(per_channel_bias ? ch : g));
                affine_f64(size, x + off + k * size, inv * s, b - mean * inv * s,
                           y + off + k * size);
            }
        }
    nn_store_f64(yt, y);
    return FY_OK;
}

/* ---- LRN ----
 * square_sum[n, c, ...] = sum of x[n, i, ...]^2 for i in
 * [c - floor((size-1)/2), c + ceil((size-1)/2)] within [0, C);
 * y = x / (bias + alpha / size * square_sum)^beta. */

fy_status nn_lrn_parse(const struct ir_node *n, int64_t opset, void *params,
                       struct fy_error *err)
{
    (void)opset;
    struct nn_lrn_params *p = params;
    if (!ir_node_attr(n, "size"))
        return op_fail_node(n, err, FY_EINVALID, "attribute 'size' is required");
    fy_status st = op_attr_float(n, "alpha", 1e-4f, &p->alpha, err);
    if (!st) st = op_attr_float(n, "beta", 0.75f, &p->beta, err);
    if (!st) st = op_attr_float(n, "bias", 1.0f, &p->bias, err);
    if (!st) st = op_attr_int(n, "size", 1, &p->size, err);
    if (st) return st;
    if (p->size < 1 || p->size > ((int64_t)1 << 31))
        return op_fail_node(n, err, FY_EINVALID, "size is %lld; it must be positive",
                            (long long)p->size);
    return FY_OK;
}

fy_status nn_lrn_infer(struct op_ctx *c)
{
    const struct op_tensor *x = c->in[0];
    fy_status st = op_expect_dtype(c, 0, float_types, 4);
    if (st) return st;
    char buf[96];
    if (x->rank < 2)
        return op_fail(c, FY_EINVALID, "X has shape %s; LRN needs N x C x ...",
                       nn_shape_str(x, buf, sizeof buf));
    return op_set_output(c, 0, x->dtype, x->rank, x->dims);
}

fy_status nn_lrn_eval(struct op_ctx *c)
{
    const struct nn_lrn_params *p = c->params;
    const struct op_tensor *xt = c->in[0];
    struct op_tensor *yt = c->out[0];
    int64_t N = xt->dims[0], C = xt->dims[1];
    int64_t size = N > 0 && C > 0 ? (int64_t)xt->numel / (N * C) : 0;
    int64_t before = (p->size - 1) / 2, after = p->size - 1 - before;
    const double *x = nn_load_f64(c, xt);
    double *y = nn_out_f64(c, yt);
    if (!x || !y) return FY_ENOMEM;
    double k = (double)p->alpha / (double)p->size;
    for (int64_t n = 0; n < N; n++)
        for (int64_t ch = 0; ch < C; ch++) {
            int64_t lo = ch - before < 0 ? 0 : ch - before;
            int64_t hi = ch + after > C - 1 ? C - 1 : ch + after;
            for (int64_t i = 0; i < size; i++) {
                double sq = 0;
                for (int64_t j = lo; j <= hi; j++) {
                    double v = x[(n * C + j) * size + i];
                    sq += v * v;
                }
                int64_t at = (n * C + ch) * size + i;
                y[at] = x[at] / pow((double)p->bias + k * sq, (double)p->beta);
            }
        }
    nn_store_f64(yt, y);
    return FY_OK;
}

/* ---- LpNormalization ----
 * y = x / ||x||_p along axis (p 1 or 2); a zero norm gives 0 (as ONNX's
 * reference does) rather than NaN. */

fy_status nn_lpnorm_parse(const struct ir_node *n, int64_t opset, void *params,
                          struct fy_error *err)
{
    (void)opset;
    struct nn_lpnorm_params *p = params;
    fy_status st = op_attr_int(n, "axis", -1, &p->axis, err);
    if (!st) st = op_attr_int(n, "p", 2, &p->p, err);
    if (st) return st;
    if (p->p != 1 && p->p != 2)
        return op_fail_node(n, err, FY_EINVALID, "p is %lld; expected 1 or 2", (long long)p->p);
    return FY_OK;
}

fy_status nn_lpnorm_infer(struct op_ctx *c)
{
    const struct nn_lpnorm_params *p = c->params;
    int axis;
    fy_status st = op_expect_dtype(c, 0, float_types, 4);
    if (!st) st = op_axis(c, p->axis, c->in[0]->rank, "axis", &axis);
    if (st) return st;
    return op_set_output(c, 0, c->in[0]->dtype, c->in[0]->rank, c->in[0]->dims);
}

fy_status nn_lpnorm_eval(struct op_ctx *c)
{
    const struct nn_lpnorm_params *p = c->params;
    const struct op_tensor *xt = c->in[0];
    struct op_tensor *yt = c->out[0];
    int axis;
    fy_status st = op_axis(c, p->axis, xt->rank, "axis", &axis);
    if (st) return st;
    int64_t outer = 1, len = xt->dims[axis], inner = 1;
    for (int d = 0; d < xt->rank; d++) {
        if (d < axis) outer *= xt->dims[d];
        if (d > axis) inner *= xt->dims[d];
    }
    const double *x = nn_load_f64(c, xt);
    double *y = nn_out_f64(c, yt);
    if (!x || !y) return FY_ENOMEM;
    for (int64_t o = 0; o < outer; o++)
        for (int64_t i = 0; i < inner; i++) {
            const double *xs = x + o * len * inner + i;
            double *ys = y + o * len * inner + i;
            double norm = 0;
            for (int64_t k = 0; k < len; k++)
                norm += p->p == 1 ? fabs(xs[k * inner]) : xs[k * inner] * xs[k * inner];
            if (p->p == 2) norm = sqrt(norm);
            for (int64_t k = 0; k < len; k++) ys[k * inner] = norm == 0 ? 0 : xs[k * inner] / norm;
        }
    nn_store_f64(yt, y);
    return FY_OK;
}

/* ---- MeanVarianceNormalization ----
 * y = (x - E[x]) / (sqrt(E[x^2] - E[x]^2) + 1e-9), expectations over `axes`
 * (default [0, 2, 3]); ONNX's function body puts epsilon after the root. */

fy_status nn_mvn_parse(const struct ir_node *n, int64_t opset, void *params,
                       struct fy_error *err)
{
    (void)opset;
    struct nn_mvn_params *p = params;
    fy_status st = op_attr_ints(n, "axes", p->axes, OP_MAX_RANK, &p->n_axes, err);
    if (st) return st;
    if (p->n_axes < 0) {
        p->n_axes = 3;
        p->axes[0] = 0;
        p->axes[1] = 2;
        p->axes[2] = 3;
    }
    return FY_OK;
}

static fy_status mvn_axes(struct op_ctx *c, bool *reduced)
{
    const struct nn_mvn_params *p = c->params;
    int rank = c->in[0]->rank;
    for (int d = 0; d < rank; d++) reduced[d] = false;
    for (int i = 0; i < p->n_axes; i++) {
        int a;
        fy_status st = op_axis(c, p->axes[i], rank, "axes value", &a);
        if (st) return st;
        reduced[a] = true;
    }
    return FY_OK;
}

fy_status nn_mvn_infer(struct op_ctx *c)
{
    bool reduced[OP_MAX_RANK];
    fy_status st = op_expect_dtype(c, 0, float_types, 4);
    if (!st) st = mvn_axes(c, reduced);
    if (st) return st;
    return op_set_output(c, 0, c->in[0]->dtype, c->in[0]->rank, c->in[0]->dims);
}

fy_status nn_mvn_eval(struct op_ctx *c)
{
    const struct op_tensor *xt = c->in[0];
    struct op_tensor *yt = c->out[0];
    bool reduced[OP_MAX_RANK];
    fy_status st = mvn_axes(c, reduced);
    if (st) return st;
    /* each element's statistics slot: its flat index over the kept dims */
    int64_t slots = 1;
    for (int d = 0; d < xt->rank; d++)
        if (!reduced[d]) slots *= xt->dims[d];
    const double *x = nn_load_f64(c, xt);
    double *y = nn_out_f64(c, yt);
    double *sum = op_scratch(c, (size_t)slots * 3 * sizeof(double) + 8);
    int64_t *slot = op_scratch(c, (size_t)xt->numel * sizeof(int64_t) + 8);
    if (!x || !y || !sum || !slot) return FY_ENOMEM;
    double *sq = sum + slots, *cnt = sq + slots;
    memset(sum, 0, (size_t)slots * 3 * sizeof(double));
    int64_t coord[OP_MAX_RANK] = {0};
    for (uint64_t e = 0; e < xt->numel; e++) {
        int64_t s = 0;
        for (int d = 0; d < xt->rank; d++)
            if (!reduced[d]) s = s * xt->dims[d] + coord[d];
        slot[e] = s;
        sum[s] += x[e];
        cnt[s] += 1;
        for (int d = xt->rank - 1; d >= 0; d--) {
            if (++coord[d] < xt->dims[d]) break;
            coord[d] = 0;
        }
    }
    for (int64_t s = 0; s < slots; s++) sum[s] = cnt[s] ? sum[s] / cnt[s] : 0;
    for (uint64_t e = 0; e < xt->numel; e++) {
        double d = x[e] - sum[slot[e]];
        sq[slot[e]] += d * d;
    }
    for (int64_t s = 0; s < slots; s++) sq[s] = sqrt(cnt[s] ? sq[s] / cnt[s] : 0) + 1e-9;
    for (uint64_t e = 0; e < xt->numel; e++) y[e] = (x[e] - sum[slot[e]]) / sq[slot[e]];
    nn_store_f64(yt, y);
    return FY_OK;
}
