/* tfl.CONV_2D, tfl.DEPTHWISE_CONV_2D, tfl.TRANSPOSE_CONV (NHWC).
 *
 * Layouts: input [N, H, W, C]; CONV_2D filter [O, KH, KW, C / groups];
 * DEPTHWISE_CONV_2D filter [1, KH, KW, C * depth_multiplier]; TRANSPOSE_CONV
 * inputs (output_shape, filter [O, KH, KW, C], input, bias?).
 *
 * Arithmetic (TFLite's reference kernels):
 *  - float32: sum in filter order (ky, kx, c), then + bias;
 *  - int8 (per-channel or per-tensor filter): acc = Σ w * (x - x_zp) + bias
 *    in int32, requantized per output channel with the multiplier of
 *    x_scale * w_scale[o] / y_scale (double), + y_zp, clamped to the
 *    activation range;
 *  - int16 activations with int8 filter: no zero points (TFLite requires 0),
 *    int64 accumulator and the int64 requantization when the bias is int64
 *    (or absent and quantized_bias_type is not INT32), else int32 — exactly
 *    the two paths TFLite Micro takes. DEPTHWISE int16 always accumulates in
 *    int64;
 *  - uint8 (legacy): both zero points, one multiplier from the float
 *    product x_scale * w_scale.
 * XNNPACK mode (op_ctx.tflite_arith), int8 CONV_2D and DEPTHWISE_CONV_2D:
 * the same int32 accumulator, requantized as XNNPACK does (tfl_xnn_requant:
 * float scale x_scale * w_scale[o] / y_scale computed in float32, round half
 * to even) and clamped to the delegate's activation bounds.
 * Integer accumulators are summed in int64 and narrowed at the end, which
 * equals TFLite's int32 wrap-around on overflow. */
#include <math.h>
#include <string.h>

#include "ops/tfl.h"

fy_status tfl_conv_parse(const struct ir_node *n, int64_t opset, void *params, struct fy_error *err)
{
    (void)opset;
    struct tfl_conv_params *p = params;
    fy_status st = tfl_parse_padding(n, &p->padding, err);
    if (!st) st = tfl_parse_int(n, "stride_w", 1, 1, 1 << 20, &p->stride_w, err);
    if (!st) st = tfl_parse_int(n, "stride_h", 1, 1, 1 << 20, &p->stride_h, err);
    if (!st) st = tfl_parse_int(n, "dilation_w_factor", 1, 1, 1 << 20, &p->dilation_w, err);
    if (!st) st = tfl_parse_int(n, "dilation_h_factor", 1, 1, 1 << 20, &p->dilation_h, err);
    if (!st) st = tfl_parse_int(n, "depth_multiplier", 0, 0, 1 << 20, &p->depth_multiplier, err);
    return st;
}

/* ---- shared checks ---- */

enum conv_kind { CONV, DWCONV, TCONV };

/* The arithmetic a node runs, decided in infer from the dtypes. */
enum conv_arith { ARITH_F32, ARITH_I8, ARITH_U8, ARITH_I16_32, ARITH_I16_64 };

static fy_status check_types(struct op_ctx *c, const struct op_tensor *x, const struct op_tensor *w,
                             const struct op_tensor *b, enum conv_kind kind)
{
    const char *what = kind == TCONV ? "input 2" : "input 0";
    switch (x->dtype) {
    case IR_F32:
        if (w->dtype != IR_F32)
            return op_fail(c, FY_EUNSUPPORTED,
                           "filter is %s with a float32 input; hybrid kernels are not supported",
                           ir_dtype_name(w->dtype));
        if (b && b->dtype != IR_F32)
            return op_fail(c, FY_EINVALID, "bias is %s; expected float32", ir_dtype_name(b->dtype));
        return FY_OK;
    case IR_I8:
    case IR_U8:
        if (w->dtype != x->dtype)
            return op_fail(c, FY_EUNSUPPORTED, "filter is %s with a %s input",
                           ir_dtype_name(w->dtype), ir_dtype_name(x->dtype));
        if (b && b->dtype != IR_I32)
            return op_fail(c, FY_EINVALID, "bias is %s; expected int32", ir_dtype_name(b->dtype));
        break;
    case IR_I16:
        if (w->dtype != IR_I8)
            return op_fail(c, FY_EUNSUPPORTED, "filter is %s with an int16 input; expected int8",
                           ir_dtype_name(w->dtype));
        if (b && b->dtype != IR_I64 && b->dtype != IR_I32 && !(kind == TCONV && b->dtype == IR_I16))
            return op_fail(c, FY_EINVALID, "bias is %s; expected int64 or int32",
                           ir_dtype_name(b->dtype));
        break;
    default:
        return op_fail(c, FY_EUNSUPPORTED, "%s has type %s; expected float32, int8, uint8 or int16",
                       what, ir_dtype_name(x->dtype));
    }
    fy_status st = tfl_need_quant(c, x, what);
    if (!st) st = tfl_need_quant(c, w, "the filter");
    if (!st && c->out[0]) st = tfl_need_quant(c, c->out[0], "output 0");
    if (st) return st;
    /* per-channel scales must match the output channels (filter dim 0, or 3
     * for depthwise) */
    const struct ir_quant *q = w->quant;
    if (q->count > 1) {
        int64_t oc = kind == DWCONV ? w->dims[3] : w->dims[0];
        if (q->count != oc)
            return op_fail(c, FY_EINVALID, "filter has %d scales for %lld output channels",
                           q->count, (long long)oc);
    }
    return FY_OK;
}

static enum conv_arith arith_of(const struct op_tensor *x, const struct op_tensor *b,
                                const struct ir_node *n, enum conv_kind kind)
{
    switch (x->dtype) {
    case IR_F32:
        return ARITH_F32;
    case IR_I8:
        return ARITH_I8;
    case IR_U8:
        return ARITH_U8;
    default:
        break;
    }
    if (kind == DWCONV) return ARITH_I16_64;
    if (b) return b->dtype == IR_I32 ? ARITH_I16_32 : ARITH_I16_64;
    /* no bias: TFLite Micro takes the int32 path only when the model says so */
    enum ir_dtype qbt = IR_UNDEFINED;
    struct fy_error ignore = {0};
    tfl_parse_tensor_type(n, "quantized_bias_type", &qbt, &ignore);
    return qbt == IR_I32 ? ARITH_I16_32 : ARITH_I16_64;
}

/* ---- CONV_2D and DEPTHWISE_CONV_2D ---- */

struct conv_job {
    enum conv_kind kind;
    enum conv_arith arith;
    const struct op_tensor *x, *w, *b;
    struct op_tensor *y;
    int64_t n, h, wd, c;       /* input */
    int64_t kh, kw, wc;        /* filter spatial dims and its input channels */
    int64_t oh, ow, oc;        /* output */
    int64_t groups, per_group; /* CONV_2D groups: output channels per group */
    int64_t dm;                /* DEPTHWISE multiplier */
    int sh, sw, dh, dw, ph, pw;
    int32_t x_off, w_off, y_off, lo, hi;
    const int32_t *mult;
    const int *shift;
    const float *xnn_scale; /* XNNPACK mode: per-channel float requantization scales */
};

static double bias_f(const struct op_tensor *b, int64_t o)
{
    return b ? ((const float *)b->data)[o] : 0.0;
}

static int64_t bias_i(const struct op_tensor *b, int64_t o)
{
    if (!b) return 0;
    switch (b->dtype) {
    case IR_I32:
        return ((const int32_t *)b->data)[o];
    case IR_I64:
        return ((const int64_t *)b->data)[o];
    case IR_I16:
        return ((const int16_t *)b->data)[o];
    default:
        return 0;
    }
}

static int64_t get_q(const void *p, enum ir_dtype t, int64_t i)
{
    switch (t) {
    case IR_I8:
        return ((const int8_t *)p)[i];
    case IR_U8:
        return ((const uint8_t *)p)[i];
    case IR_I16:
        return ((const int16_t *)p)[i];
    default:
        return 0;
    }
}

static void put_q(void *p, enum ir_dtype t, int64_t i, int32_t v)
{
    switch (t) {
    case IR_I8:
        ((int8_t *)p)[i] = (int8_t)v;
        break;
    case IR_U8:
        ((uint8_t *)p)[i] = (uint8_t)v;
        break;
    case IR_I16:
        ((int16_t *)p)[i] = (int16_t)v;
        break;
    default:
        break;
    }
}

/* Requantize one accumulator of output channel o as the arithmetic says. */
static int32_t requant(const struct conv_job *j, int64_t acc, int64_t o)
{
    if (j->xnn_scale) return tfl_xnn_requant((int32_t)acc, j->xnn_scale[o], j->y_off, j->lo, j->hi);
    int32_t v = j->arith == ARITH_I16_64 ? tfq_mbqm64(acc, j->mult[o], j->shift[o])
                                         : tfq_mbqm((int32_t)acc, j->mult[o], j->shift[o]);
    /* the int16 kernels take no zero points (TFLite requires them to be 0) */
    if (j->y->dtype != IR_I16) v = tfq_wadd(v, j->y_off);
    return v < j->lo ? j->lo : (v > j->hi ? j->hi : v);
}

/* One output row (b, oy) of CONV_2D or DEPTHWISE_CONV_2D. */
static void conv_rows(void *arg, int64_t begin, int64_t end)
{
    const struct conv_job *j = arg;
    const enum ir_dtype xt = j->x->dtype, wt = j->w->dtype, yt = j->y->dtype;
    const void *xd = j->x->data, *wd = j->w->data;
    for (int64_t row = begin; row < end; row++) {
        const int64_t b = row / j->oh, oy = row % j->oh;
        const int64_t iy0 = oy * j->sh - j->ph;
        for (int64_t ox = 0; ox < j->ow; ox++) {
            const int64_t ix0 = ox * j->sw - j->pw;
            const int64_t yo = ((b * j->oh + oy) * j->ow + ox) * j->oc;
            for (int64_t o = 0; o < j->oc; o++) {
                /* input channels this output reads, and its filter offset */
                int64_t c0, cn, wstride, wbase;
                if (j->kind == CONV) {
                    c0 = (o / j->per_group) * j->wc;
                    cn = j->wc;
                    wbase = o * j->kh * j->kw * j->wc;
                    wstride = 1;
                } else {
                    c0 = o / j->dm;
                    cn = 1;
                    wbase = o;
                    wstride = 0;
                }
                float accs = 0.0f; /* TFLite sums floats in float32 */
                int64_t acc = 0;
                for (int64_t ky = 0; ky < j->kh; ky++) {
                    const int64_t iy = iy0 + ky * j->dh;
                    if (iy < 0 || iy >= j->h) continue;
                    for (int64_t kx = 0; kx < j->kw; kx++) {
                        const int64_t ix = ix0 + kx * j->dw;
                        if (ix < 0 || ix >= j->wd) continue;
                        const int64_t xi = ((b * j->h + iy) * j->wd + ix) * j->c + c0;
                        const int64_t wi = j->kind == CONV ? wbase + (ky * j->kw + kx) * j->wc
                                                           : (ky * j->kw + kx) * j->oc + wbase;
                        if (j->arith == ARITH_F32) {
                            const float *xf = (const float *)xd + xi;
                            const float *wf = (const float *)wd + wi;
                            for (int64_t ci = 0; ci < cn; ci++)
                                accs += xf[ci] * wf[ci * wstride];
                        } else if (xt == IR_I8 && wt == IR_I8) {
                            const int8_t *xq = (const int8_t *)xd + xi;
                            const int8_t *wq = (const int8_t *)wd + wi;
                            int32_t s = 0;
                            for (int64_t ci = 0; ci < cn; ci++)
                                s += (int32_t)wq[ci * wstride] * ((int32_t)xq[ci] + j->x_off);
                            acc += s;
                        } else if (xt == IR_I16) {
                            const int16_t *xq = (const int16_t *)xd + xi;
                            const int8_t *wq = (const int8_t *)wd + wi;
                            for (int64_t ci = 0; ci < cn; ci++)
                                acc += (int64_t)wq[ci * wstride] * xq[ci];
                        } else { /* uint8 */
                            for (int64_t ci = 0; ci < cn; ci++)
                                acc += (get_q(wd, wt, wi + ci * wstride) + j->w_off) *
                                       (get_q(xd, xt, xi + ci) + j->x_off);
                        }
                    }
                }
                if (j->arith == ARITH_F32) {
                    ((float *)j->y->data)[yo + o] = accs + (float)bias_f(j->b, o);
                } else {
                    acc += bias_i(j->b, o);
                    put_q(j->y->data, yt, yo + o, requant(j, acc, o));
                }
            }
        }
    }
}

/* Per-channel multipliers as TFLite's Prepare computes them. */
static fy_status make_multipliers(struct op_ctx *c, struct conv_job *j, int64_t channels)
{
    int32_t *m = op_scratch(c, sizeof(int32_t) * (size_t)channels + 1);
    int *s = op_scratch(c, sizeof(int) * (size_t)channels + 1);
    if (!m || !s) return FY_ENOMEM;
    const float xs = tfl_scale(j->x), ys = tfl_scale(j->y);
    const struct ir_quant *wq = j->w->quant;
    for (int64_t o = 0; o < channels; o++) {
        const float ws = wq->scale[wq->count > 1 ? o : 0];
        double real;
        if (j->arith == ARITH_U8) /* legacy uint8: the float product */
            real = (double)(xs * ws) / (double)ys;
        else
            real = (double)xs * (double)ws / (double)ys;
        tfq_quantize_multiplier(real, &m[o], &s[o]);
    }
    j->mult = m;
    j->shift = s;
    j->x_off = -tfl_zero_point(j->x);
    j->w_off = -tfl_zero_point(j->w);
    j->y_off = tfl_zero_point(j->y);
    tfl_act_range(c, j->y, &j->lo, &j->hi);
    if (j->kind != TCONV && j->arith == ARITH_I8 && tfl_xnn(c, j->y)) {
        /* XNNPACK: scale = x_scale * w_scale[o] / y_scale in float, fp32
         * requantization, and its own quantized activation bounds */
        float *fs = op_scratch(c, sizeof(float) * (size_t)channels + 1);
        if (!fs) return FY_ENOMEM;
        for (int64_t o = 0; o < channels; o++)
            fs[o] = xs * wq->scale[wq->count > 1 ? o : 0] / ys;
        j->xnn_scale = fs;
        tfl_xnn_act_range(c, j->y, &j->lo, &j->hi);
    }
    return FY_OK;
}

static fy_status conv_common_infer(struct op_ctx *c, enum conv_kind kind)
{
    const struct tfl_conv_params *p = c->params;
    const struct op_tensor *x = c->in[0], *w = c->n_inputs > 1 ? c->in[1] : NULL;
    const struct op_tensor *b = c->n_inputs > 2 ? c->in[2] : NULL;
    if (!x || !w) return op_fail(c, FY_EINVALID, "input and filter are required");
    if (x->rank != 4 || w->rank != 4)
        return op_fail(c, FY_EINVALID, "input has rank %d and filter rank %d; both must be 4",
                       x->rank, w->rank);
    fy_status st = check_types(c, x, w, b, kind);
    if (st) return st;
    int64_t oc;
    if (kind == CONV) {
        oc = w->dims[0];
        if (w->dims[3] <= 0 || x->dims[3] % w->dims[3] != 0)
            return op_fail(c, FY_EINVALID,
                           "input has %lld channels, not a multiple of the filter's %lld",
                           (long long)x->dims[3], (long long)w->dims[3]);
        int64_t groups = x->dims[3] / w->dims[3];
        if (groups <= 0 || oc % groups != 0)
            return op_fail(c, FY_EINVALID, "%lld output channels do not split into %lld groups",
                           (long long)oc, (long long)groups);
    } else {
        oc = w->dims[3];
        if (w->dims[0] != 1)
            return op_fail(c, FY_EINVALID, "depthwise filter has dim 0 = %lld; expected 1",
                           (long long)w->dims[0]);
        if (x->dims[3] <= 0 || oc % x->dims[3] != 0)
            return op_fail(c, FY_EINVALID,
                           "filter has %lld channels, not a multiple of the input's %lld",
                           (long long)oc, (long long)x->dims[3]);
        if (p->depth_multiplier && p->depth_multiplier * x->dims[3] != oc)
            return op_fail(c, FY_EINVALID,
                           "depth_multiplier %d with %lld input channels does not give the "
                           "filter's %lld",
                           p->depth_multiplier, (long long)x->dims[3], (long long)oc);
    }
    if (b && b->numel != (uint64_t)oc)
        return op_fail(c, FY_EINVALID, "bias has %llu values for %lld output channels",
                       (unsigned long long)b->numel, (long long)oc);
    int64_t dims[4] = {
        x->dims[0], tfl_out_size(p->padding, x->dims[1], w->dims[1], p->stride_h, p->dilation_h),
        tfl_out_size(p->padding, x->dims[2], w->dims[2], p->stride_w, p->dilation_w), oc};
    return op_set_output(c, 0, x->dtype, 4, dims); /* TFLite: output type = input type */
}

fy_status tfl_conv2d_infer(struct op_ctx *c)
{
    return conv_common_infer(c, CONV);
}
fy_status tfl_dwconv_infer(struct op_ctx *c)
{
    return conv_common_infer(c, DWCONV);
}

static fy_status conv_common_eval(struct op_ctx *c, enum conv_kind kind)
{
    const struct tfl_conv_params *p = c->params;
    struct conv_job j = {.kind = kind};
    j.x = c->in[0];
    j.w = c->in[1];
    j.b = c->n_inputs > 2 ? c->in[2] : NULL;
    j.y = c->out[0];
    j.arith = arith_of(j.x, j.b, c->node, kind);
    j.n = j.x->dims[0], j.h = j.x->dims[1], j.wd = j.x->dims[2], j.c = j.x->dims[3];
    j.kh = j.w->dims[1], j.kw = j.w->dims[2], j.wc = j.w->dims[3];
    j.oh = j.y->dims[1], j.ow = j.y->dims[2], j.oc = j.y->dims[3];
    j.sh = p->stride_h, j.sw = p->stride_w, j.dh = p->dilation_h, j.dw = p->dilation_w;
    j.ph = tfl_pad_before(j.sh, j.dh, j.h, j.kh, j.oh, NULL);
    j.pw = tfl_pad_before(j.sw, j.dw, j.wd, j.kw, j.ow, NULL);
    if (kind == CONV) {
        j.groups = j.c / j.wc;
        j.per_group = j.oc / j.groups;
    } else {
        j.dm = j.oc / j.c;
    }
    if (j.arith != ARITH_F32) {
        fy_status st = make_multipliers(c, &j, j.oc);
        if (st) return op_fail(c, st, "out of memory");
    }
    if (j.y->numel == 0) return FY_OK;
    op_parallel_for(c, j.n * j.oh, 1, conv_rows, &j);
    return FY_OK;
}

fy_status tfl_conv2d_eval(struct op_ctx *c)
{
    return conv_common_eval(c, CONV);
}
fy_status tfl_dwconv_eval(struct op_ctx *c)
{
    return conv_common_eval(c, DWCONV);
}

/* ---- TRANSPOSE_CONV ---- */

fy_status tfl_tconv_infer(struct op_ctx *c)
{
    const struct op_tensor *shape = c->in[0], *w = c->in[1], *x = c->in[2];
    const struct op_tensor *b = c->n_inputs > 3 ? c->in[3] : NULL;
    if (!shape || !w || !x)
        return op_fail(c, FY_EINVALID, "output_shape, filter and input are required");
    if (x->rank != 4 || w->rank != 4)
        return op_fail(c, FY_EINVALID, "input has rank %d and filter rank %d; both must be 4",
                       x->rank, w->rank);
    fy_status st = check_types(c, x, w, b, TCONV);
    if (st) return st;
    int64_t dims[OP_MAX_RANK];
    int n;
    st = op_read_ints(c, 0, dims, OP_MAX_RANK, &n);
    if (st) return st;
    if (n != 4) return op_fail(c, FY_EINVALID, "output_shape has %d values; expected 4", n);
    if (dims[0] != x->dims[0] || dims[3] != w->dims[0] || w->dims[3] != x->dims[3])
        return op_fail(c, FY_EINVALID,
                       "output_shape [%lld,%lld,%lld,%lld] does not fit input batch %lld, filter "
                       "[%lld,%lld,%lld,%lld]",
                       (long long)dims[0], (long long)dims[1], (long long)dims[2],
                       (long long)dims[3], (long long)x->dims[0], (long long)w->dims[0],
                       (long long)w->dims[1], (long long)w->dims[2], (long long)w->dims[3]);
    if (b && b->numel != (uint64_t)w->dims[0])
        return op_fail(c, FY_EINVALID, "bias has %llu values for %lld output channels",
                       (unsigned long long)b->numel, (long long)w->dims[0]);
    return op_set_output(c, 0, x->dtype, 4, dims);
}

fy_status tfl_tconv_eval(struct op_ctx *c)
{
    const struct tfl_conv_params *p = c->params;
    struct conv_job j = {.kind = TCONV};
    j.w = c->in[1];
    j.x = c->in[2];
    j.b = c->n_inputs > 3 ? c->in[3] : NULL;
    j.y = c->out[0];
    j.arith = arith_of(j.x, j.b, c->node, TCONV);
    if (j.arith == ARITH_I16_32) j.arith = ARITH_I16_64; /* Micro's int16 path is int64 only */
    const int64_t N = j.x->dims[0], H = j.x->dims[1], W = j.x->dims[2], C = j.x->dims[3];
    const int64_t KH = j.w->dims[1], KW = j.w->dims[2], O = j.w->dims[0];
    const int64_t OH = j.y->dims[1], OW = j.y->dims[2];
    const int sh = p->stride_h, sw = p->stride_w;
    /* padding from the output size, as for a forward conv over it (dilation 1) */
    const int ph = tfl_pad_before(sh, 1, OH, KH, tfl_out_size(p->padding, OH, KH, sh, 1), NULL);
    const int pw = tfl_pad_before(sw, 1, OW, KW, tfl_out_size(p->padding, OW, KW, sw, 1), NULL);
    const uint64_t total = j.y->numel;
    if (total == 0) return FY_OK;
    if (j.arith != ARITH_F32) {
        fy_status st = make_multipliers(c, &j, O);
        if (st) return op_fail(c, st, "out of memory");
    }
    /* scatter every input value through the filter into an accumulator */
    float *accf = NULL;
    int64_t *acci = NULL;
    if (j.arith == ARITH_F32)
        accf = op_scratch(c, sizeof(float) * total);
    else
        acci = op_scratch(c, sizeof(int64_t) * total);
    if (!accf && !acci) return op_fail(c, FY_ENOMEM, "out of memory");
    if (accf)
        memset(accf, 0, sizeof(float) * total);
    else
        memset(acci, 0, sizeof(int64_t) * total);
    for (int64_t b = 0; b < N; b++)
        for (int64_t iy = 0; iy < H; iy++)
            for (int64_t ix = 0; ix < W; ix++)
                for (int64_t ic = 0; ic < C; ic++) {
                    const int64_t xi = ((b * H + iy) * W + ix) * C + ic;
                    const int64_t oy0 = iy * sh - ph, ox0 = ix * sw - pw;
                    for (int64_t ky = 0; ky < KH; ky++) {
                        const int64_t oy = oy0 + ky;
                        if (oy < 0 || oy >= OH) continue;
                        for (int64_t kx = 0; kx < KW; kx++) {
                            const int64_t ox = ox0 + kx;
                            if (ox < 0 || ox >= OW) continue;
                            const int64_t yo = ((b * OH + oy) * OW + ox) * O;
                            for (int64_t o = 0; o < O; o++) {
                                const int64_t wi = ((o * KH + ky) * KW + kx) * C + ic;
                                if (accf) {
                                    accf[yo + o] += ((const float *)j.x->data)[xi] *
                                                    ((const float *)j.w->data)[wi];
                                } else if (j.arith == ARITH_I16_64) {
                                    acci[yo + o] += (int64_t)((const int16_t *)j.x->data)[xi] *
                                                    ((const int8_t *)j.w->data)[wi];
                                } else {
                                    acci[yo + o] += (get_q(j.x->data, j.x->dtype, xi) + j.x_off) *
                                                    (get_q(j.w->data, j.w->dtype, wi) + j.w_off);
                                }
                            }
                        }
                    }
                }
    for (uint64_t i = 0; i < total; i++) {
        const int64_t o = (int64_t)(i % (uint64_t)O);
        if (accf) {
            ((float *)j.y->data)[i] = accf[i] + (float)bias_f(j.b, o);
        } else {
            /* int8: TFLite's scratch is int32, so the sum wraps there */
            int64_t acc = j.arith == ARITH_I16_64 ? acci[i] : (int64_t)(int32_t)acci[i];
            acc += bias_i(j.b, o);
            put_q(j.y->data, j.y->dtype, (int64_t)i, requant(&j, acc, o));
        }
    }
    return FY_OK;
}

/* ---- CONV_3D (float32): input [N, D, H, W, C], filter [KD, KH, KW, C, O],
 * bias [O]?; the sum runs over (kd, ky, kx, c) in float32, then + bias ---- */

fy_status tfl_conv3d_parse(const struct ir_node *n, int64_t opset, void *params,
                           struct fy_error *err)
{
    (void)opset;
    struct tfl_conv3d_params *p = params;
    fy_status st = tfl_parse_padding(n, &p->padding, err);
    if (!st) st = tfl_parse_int(n, "stride_d", 1, 1, 1 << 20, &p->stride[0], err);
    if (!st) st = tfl_parse_int(n, "stride_h", 1, 1, 1 << 20, &p->stride[1], err);
    if (!st) st = tfl_parse_int(n, "stride_w", 1, 1, 1 << 20, &p->stride[2], err);
    if (!st) st = tfl_parse_int(n, "dilation_d_factor", 1, 1, 1 << 20, &p->dilation[0], err);
    if (!st) st = tfl_parse_int(n, "dilation_h_factor", 1, 1, 1 << 20, &p->dilation[1], err);
    if (!st) st = tfl_parse_int(n, "dilation_w_factor", 1, 1, 1 << 20, &p->dilation[2], err);
    return st;
}

fy_status tfl_conv3d_infer(struct op_ctx *c)
{
    const struct tfl_conv3d_params *p = c->params;
    const struct op_tensor *x = c->in[0], *w = c->n_inputs > 1 ? c->in[1] : NULL;
    const struct op_tensor *b = c->n_inputs > 2 ? c->in[2] : NULL;
    if (!x || !w) return op_fail(c, FY_EINVALID, "input and filter are required");
    if (x->dtype != IR_F32 || w->dtype != IR_F32 || (b && b->dtype != IR_F32))
        return op_fail(c, FY_EUNSUPPORTED, "CONV_3D is supported for float32 only");
    if (x->rank != 5 || w->rank != 5)
        return op_fail(c, FY_EINVALID, "input has rank %d and filter rank %d; both must be 5",
                       x->rank, w->rank);
    if (w->dims[3] != x->dims[4])
        return op_fail(c, FY_EINVALID, "filter has %lld input channels; the input has %lld",
                       (long long)w->dims[3], (long long)x->dims[4]);
    if (b && b->numel != (uint64_t)w->dims[4])
        return op_fail(c, FY_EINVALID, "bias has %llu values for %lld output channels",
                       (unsigned long long)b->numel, (long long)w->dims[4]);
    int64_t dims[5] = {x->dims[0], 0, 0, 0, w->dims[4]};
    for (int k = 0; k < 3; k++)
        dims[1 + k] =
            tfl_out_size(p->padding, x->dims[1 + k], w->dims[k], p->stride[k], p->dilation[k]);
    return op_set_output(c, 0, IR_F32, 5, dims);
}

fy_status tfl_conv3d_eval(struct op_ctx *c)
{
    const struct tfl_conv3d_params *p = c->params;
    const struct op_tensor *x = c->in[0], *w = c->in[1];
    const struct op_tensor *b = c->n_inputs > 2 ? c->in[2] : NULL;
    struct op_tensor *y = c->out[0];
    const int64_t N = x->dims[0], C = x->dims[4], O = w->dims[4];
    int64_t in[3], k[3], out[3];
    int pad[3];
    for (int i = 0; i < 3; i++) {
        in[i] = x->dims[1 + i];
        k[i] = w->dims[i];
        out[i] = y->dims[1 + i];
        pad[i] = tfl_pad_before(p->stride[i], p->dilation[i], in[i], k[i], out[i], NULL);
    }
    const float *xd = x->data, *wd = w->data;
    float *yd = y->data;
    for (int64_t n = 0; n < N; n++)
        for (int64_t od = 0; od < out[0]; od++)
            for (int64_t oy = 0; oy < out[1]; oy++)
                for (int64_t ox = 0; ox < out[2]; ox++)
                    for (int64_t o = 0; o < O; o++) {
                        float total = 0.0f;
                        for (int64_t kd = 0; kd < k[0]; kd++) {
                            const int64_t id = od * p->stride[0] - pad[0] + kd * p->dilation[0];
                            if (id < 0 || id >= in[0]) continue;
                            for (int64_t ky = 0; ky < k[1]; ky++) {
                                const int64_t iy = oy * p->stride[1] - pad[1] + ky * p->dilation[1];
                                if (iy < 0 || iy >= in[1]) continue;
                                for (int64_t kx = 0; kx < k[2]; kx++) {
                                    const int64_t ix =
                                        ox * p->stride[2] - pad[2] + kx * p->dilation[2];
                                    if (ix < 0 || ix >= in[2]) continue;
                                    const float *xp =
                                        xd + (((n * in[0] + id) * in[1] + iy) * in[2] + ix) * C;
                                    const float *wp = wd + ((kd * k[1] + ky) * k[2] + kx) * C * O;
                                    for (int64_t ci = 0; ci < C; ci++)
                                        total += xp[ci] * wp[ci * O + o];
                                }
                            }
                        }
                        yd[(((n * out[0] + od) * out[1] + oy) * out[2] + ox) * O + o] =
                            total + (b ? ((const float *)b->data)[o] : 0.0f);
                    }
    return FY_OK;
}
