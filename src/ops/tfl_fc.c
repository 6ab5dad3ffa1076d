/* tfl.FULLY_CONNECTED and tfl.BATCH_MATMUL.
 *
 * FULLY_CONNECTED: weights [O, K] (weights_format DEFAULT only), bias [O]
 * optional; the input is read as [numel / K, K]; the output is
 * [numel / K, O], or the input's shape with its last dim replaced by O when
 * keep_num_dims is set (TFLite requires the last dim to be K then).
 *
 * Arithmetic (TFLite's reference FullyConnected / FullyConnectedPerChannel):
 *  - float32: Σ x * w summed in float32, then + bias;
 *  - per-tensor int8/uint8/int16: acc = Σ (w - w_zp)(x - x_zp) + bias,
 *    requantized with the multiplier of the float32 product x_scale * w_scale
 *    over y_scale (GetQuantizedConvolutionMultipler), + y_zp, clamped;
 *  - per-channel int8/int16: acc = Σ w (x - x_zp) + bias with the multiplier
 *    of x_scale * w_scale[o] / y_scale in double;
 *  - int16 activations: an int32 accumulator and requantization when the
 *    bias is int32 (or absent with quantized_bias_type INT32), the int64 ones
 *    otherwise, as TFLite Micro chooses.
 * XNNPACK mode (op_ctx.tflite_arith), int8: the same accumulator with
 * XNNPACK's fp32 requantization (tfl_xnn_requant, scale x_scale * w_scale /
 * y_scale in float32) and the delegate's activation bounds. */
#include <math.h>
#include <string.h>

#include "ops/tfl.h"

fy_status tfl_fc_parse(const struct ir_node *n, int64_t opset, void *params, struct fy_error *err)
{
    (void)opset;
    struct tfl_fc_params *p = params;
    int64_t keep;
    struct ir_bytes fmt;
    fy_status st = op_attr_int(n, "keep_num_dims", 0, &keep, err);
    if (!st) st = op_attr_string(n, "weights_format", "DEFAULT", &fmt, err);
    if (!st) st = tfl_parse_tensor_type(n, "quantized_bias_type", &p->quantized_bias_type, err);
    if (st) return st;
    if (!op_bytes_eq(fmt, "DEFAULT"))
        return op_fail_node(n, err, FY_EUNSUPPORTED, "weights_format %.*s is not supported",
                            (int)fmt.size, (const char *)fmt.data);
    p->keep_num_dims = keep != 0;
    return FY_OK;
}

fy_status tfl_fc_infer(struct op_ctx *c)
{
    const struct tfl_fc_params *p = c->params;
    const struct op_tensor *x = c->in[0], *w = c->n_inputs > 1 ? c->in[1] : NULL;
    const struct op_tensor *b = c->n_inputs > 2 ? c->in[2] : NULL;
    if (!x || !w) return op_fail(c, FY_EINVALID, "input and weights are required");
    if (w->rank != 2) return op_fail(c, FY_EINVALID, "weights have rank %d; expected 2", w->rank);
    const int64_t O = w->dims[0], K = w->dims[1];
    if (K <= 0 || x->numel % (uint64_t)K != 0)
        return op_fail(c, FY_EINVALID, "input has %llu values, not a multiple of %lld",
                       (unsigned long long)x->numel, (long long)K);
    if (b && b->numel != (uint64_t)O)
        return op_fail(c, FY_EINVALID, "bias has %llu values for %lld units",
                       (unsigned long long)b->numel, (long long)O);
    switch (x->dtype) {
    case IR_F32:
        if (w->dtype != IR_F32 || (b && b->dtype != IR_F32))
            return op_fail(c, FY_EUNSUPPORTED,
                           "weights %s with a float32 input: hybrid kernels "
                           "are not supported",
                           ir_dtype_name(w->dtype));
        break;
    case IR_I8:
    case IR_U8:
        if (w->dtype != x->dtype)
            return op_fail(c, FY_EUNSUPPORTED, "weights are %s with a %s input",
                           ir_dtype_name(w->dtype), ir_dtype_name(x->dtype));
        if (b && b->dtype != IR_I32)
            return op_fail(c, FY_EINVALID, "bias is %s; expected int32", ir_dtype_name(b->dtype));
        break;
    case IR_I16:
        if (w->dtype != IR_I8)
            return op_fail(c, FY_EUNSUPPORTED,
                           "weights are %s with an int16 input; expected "
                           "int8",
                           ir_dtype_name(w->dtype));
        if (b && b->dtype != IR_I32 && b->dtype != IR_I64)
            return op_fail(c, FY_EINVALID, "bias is %s; expected int64 or int32",
                           ir_dtype_name(b->dtype));
        break;
    default:
        return op_fail(c, FY_EUNSUPPORTED, "input has type %s", ir_dtype_name(x->dtype));
    }
    enum ir_dtype yt = x->dtype;
    if (yt != IR_F32) {
        fy_status st = tfl_need_quant(c, x, "input 0");
        if (!st) st = tfl_need_quant(c, w, "the weights");
        if (!st) st = tfl_need_quant(c, c->out[0], "output 0");
        if (st) return st;
        if (w->quant->count > 1 && w->quant->count != O)
            return op_fail(c, FY_EINVALID, "weights have %d scales for %lld units", w->quant->count,
                           (long long)O);
        yt = tfl_declared_dtype(c, 0, x->dtype);
        if (!tfl_is_quant_int(yt))
            return op_fail(c, FY_EUNSUPPORTED, "output type %s with a %s input", ir_dtype_name(yt),
                           ir_dtype_name(x->dtype));
    }
    int64_t dims[OP_MAX_RANK];
    int rank;
    if (p->keep_num_dims) {
        if (x->rank < 1 || x->dims[x->rank - 1] != K)
            return op_fail(c, FY_EINVALID, "keep_num_dims needs the input's last dim to be %lld",
                           (long long)K);
        rank = x->rank;
        memcpy(dims, x->dims, sizeof(int64_t) * (size_t)rank);
        dims[rank - 1] = O;
    } else {
        rank = 2;
        dims[0] = (int64_t)(x->numel / (uint64_t)K);
        dims[1] = O;
    }
    return op_set_output(c, 0, yt, rank, dims);
}

struct fc_job {
    const struct op_tensor *x, *w, *b;
    struct op_tensor *y;
    int64_t K, O;
    bool per_channel, wide; /* wide: int64 accumulator and requantization */
    int32_t x_off, w_off, y_off, lo, hi;
    const int32_t *mult;
    const int *shift;
    const float *xnn_scale; /* XNNPACK mode: float requantization scales */
};

static int64_t qget(const void *p, enum ir_dtype t, int64_t i)
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

static void qput(void *p, enum ir_dtype t, int64_t i, int32_t v)
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

static void fc_rows(void *arg, int64_t begin, int64_t end)
{
    const struct fc_job *j = arg;
    const int64_t K = j->K, O = j->O;
    for (int64_t r = begin; r < end; r++) {
        for (int64_t o = 0; o < O; o++) {
            if (j->x->dtype == IR_F32) {
                const float *x = (const float *)j->x->data + r * K;
                const float *w = (const float *)j->w->data + o * K;
                float total = 0.0f;
                for (int64_t k = 0; k < K; k++)
                    total += x[k] * w[k];
                float bias = j->b ? ((const float *)j->b->data)[o] : 0.0f;
                ((float *)j->y->data)[r * O + o] = total + bias;
                continue;
            }
            int64_t acc = 0;
            const int32_t w_off = j->per_channel ? 0 : j->w_off;
            if (j->x->dtype == IR_I8 && j->w->dtype == IR_I8) {
                const int8_t *x = (const int8_t *)j->x->data + r * K;
                const int8_t *w = (const int8_t *)j->w->data + o * K;
                int32_t s = 0;
                for (int64_t k = 0; k < K; k++)
                    s += ((int32_t)w[k] + w_off) * ((int32_t)x[k] + j->x_off);
                acc = s;
            } else {
                for (int64_t k = 0; k < K; k++)
                    acc += (qget(j->w->data, j->w->dtype, o * K + k) + w_off) *
                           (qget(j->x->data, j->x->dtype, r * K + k) + j->x_off);
            }
            if (j->b) {
                acc += j->b->dtype == IR_I64 ? ((const int64_t *)j->b->data)[o]
                                             : ((const int32_t *)j->b->data)[o];
            }
            const int ch = j->per_channel ? (int)o : 0;
            if (j->xnn_scale) {
                qput(j->y->data, j->y->dtype, r * O + o,
                     tfl_xnn_requant((int32_t)acc, j->xnn_scale[ch], j->y_off, j->lo, j->hi));
                continue;
            }
            int32_t v = j->wide ? tfq_mbqm64(acc, j->mult[ch], j->shift[ch])
                                : tfq_mbqm((int32_t)acc, j->mult[ch], j->shift[ch]);
            v = tfq_wadd(v, j->y_off);
            v = v < j->lo ? j->lo : (v > j->hi ? j->hi : v);
            qput(j->y->data, j->y->dtype, r * O + o, v);
        }
    }
}

fy_status tfl_fc_eval(struct op_ctx *c)
{
    const struct tfl_fc_params *p = c->params;
    struct fc_job j = {0};
    j.x = c->in[0];
    j.w = c->in[1];
    j.b = c->n_inputs > 2 ? c->in[2] : NULL;
    j.y = c->out[0];
    j.O = j.w->dims[0];
    j.K = j.w->dims[1];
    const int64_t rows = (int64_t)(j.x->numel / (uint64_t)j.K);
    if (j.x->dtype != IR_F32) {
        const struct ir_quant *wq = j.w->quant;
        j.per_channel = wq->count > 1;
        const int n = j.per_channel ? wq->count : 1;
        int32_t *m = op_scratch(c, sizeof(int32_t) * (size_t)n);
        int *s = op_scratch(c, sizeof(int) * (size_t)n);
        if (!m || !s) return op_fail(c, FY_ENOMEM, "out of memory");
        const float xs = tfl_scale(j.x), ys = tfl_scale(j.y);
        for (int o = 0; o < n; o++) {
            /* per-tensor: GetQuantizedConvolutionMultipler multiplies the
             * scales in float; per-channel: in double */
            double real = j.per_channel ? (double)xs * (double)wq->scale[o] / (double)ys
                                        : (double)(xs * wq->scale[0]) / (double)ys;
            tfq_quantize_multiplier(real, &m[o], &s[o]);
        }
        j.mult = m;
        j.shift = s;
        j.x_off = -tfl_zero_point(j.x);
        j.w_off = -tfl_zero_point(j.w);
        j.y_off = tfl_zero_point(j.y);
        tfl_act_range(c, j.y, &j.lo, &j.hi);
        if (j.x->dtype == IR_I8 && j.w->dtype == IR_I8 && tfl_xnn(c, j.y)) {
            /* XNNPACK: scale = x_scale * w_scale / y_scale in float, fp32
             * requantization, its own activation bounds */
            float *fs = op_scratch(c, sizeof(float) * (size_t)n);
            if (!fs) return op_fail(c, FY_ENOMEM, "out of memory");
            for (int o = 0; o < n; o++)
                fs[o] = xs * wq->scale[o] / ys;
            j.xnn_scale = fs;
            tfl_xnn_act_range(c, j.y, &j.lo, &j.hi);
        }
        if (j.x->dtype == IR_I16)
            j.wide = j.b ? j.b->dtype == IR_I64 : p->quantized_bias_type != IR_I32;
    }
    if (rows > 0 && j.O > 0) op_parallel_for(c, rows, 1, fc_rows, &j);
    return FY_OK;
}

/* ---- BATCH_MATMUL (float32) ---- */

fy_status tfl_bmm_parse(const struct ir_node *n, int64_t opset, void *params, struct fy_error *err)
{
    (void)opset;
    struct tfl_int_params *p = params;
    int64_t adj_x, adj_y;
    fy_status st = op_attr_int(n, "adj_x", 0, &adj_x, err);
    if (!st) st = op_attr_int(n, "adj_y", 0, &adj_y, err);
    p->v[0] = adj_x != 0;
    p->v[1] = adj_y != 0;
    p->n = 2;
    return st;
}

fy_status tfl_bmm_infer(struct op_ctx *c)
{
    const struct tfl_int_params *p = c->params;
    const struct op_tensor *a = c->in[0], *b = c->in[1];
    if (!a || !b) return op_fail(c, FY_EINVALID, "two inputs are required");
    if (a->dtype != IR_F32 || b->dtype != IR_F32)
        return op_fail(c, FY_EUNSUPPORTED, "inputs are %s and %s; only float32 is supported",
                       ir_dtype_name(a->dtype), ir_dtype_name(b->dtype));
    if (a->rank < 2 || b->rank < 2)
        return op_fail(c, FY_EINVALID, "inputs have ranks %d and %d; both need at least 2", a->rank,
                       b->rank);
    const int64_t m = p->v[0] ? a->dims[a->rank - 1] : a->dims[a->rank - 2];
    const int64_t k = p->v[0] ? a->dims[a->rank - 2] : a->dims[a->rank - 1];
    const int64_t kb = p->v[1] ? b->dims[b->rank - 1] : b->dims[b->rank - 2];
    const int64_t n = p->v[1] ? b->dims[b->rank - 2] : b->dims[b->rank - 1];
    if (k != kb)
        return op_fail(c, FY_EINVALID, "inner dims differ: %lld and %lld", (long long)k,
                       (long long)kb);
    /* broadcast the batch dims */
    const int ra = a->rank - 2, rb = b->rank - 2, r = ra > rb ? ra : rb;
    int64_t dims[OP_MAX_RANK];
    for (int d = 0; d < r; d++) {
        int64_t da = d - (r - ra) >= 0 ? a->dims[d - (r - ra)] : 1;
        int64_t db = d - (r - rb) >= 0 ? b->dims[d - (r - rb)] : 1;
        if (da != db && da != 1 && db != 1)
            return op_fail(c, FY_EINVALID, "batch dims %lld and %lld do not broadcast",
                           (long long)da, (long long)db);
        dims[d] = da == 1 ? db : da;
    }
    dims[r] = m;
    dims[r + 1] = n;
    return op_set_output(c, 0, IR_F32, r + 2, dims);
}

fy_status tfl_bmm_eval(struct op_ctx *c)
{
    const struct tfl_int_params *p = c->params;
    const struct op_tensor *a = c->in[0], *b = c->in[1];
    struct op_tensor *y = c->out[0];
    const int r = y->rank - 2;
    const int64_t M = y->dims[r], N = y->dims[r + 1];
    const int64_t K = p->v[0] ? a->dims[a->rank - 2] : a->dims[a->rank - 1];
    const int64_t a_rows = a->dims[a->rank - 2], a_cols = a->dims[a->rank - 1];
    const int64_t b_rows = b->dims[b->rank - 2], b_cols = b->dims[b->rank - 1];
    uint64_t batches = 1;
    for (int d = 0; d < r; d++)
        batches *= (uint64_t)y->dims[d];
    const float *ad = a->data, *bd = b->data;
    float *yd = y->data;
    for (uint64_t bi = 0; bi < batches; bi++) {
        /* batch offsets with broadcasting */
        uint64_t rem = bi, oa = 0, ob = 0, sa = 1, sb = 1;
        for (int d = r - 1; d >= 0; d--) {
            const uint64_t idx = rem % (uint64_t)y->dims[d];
            rem /= (uint64_t)y->dims[d];
            const int da_i = d - (r - (a->rank - 2)), db_i = d - (r - (b->rank - 2));
            if (da_i >= 0) {
                if (a->dims[da_i] != 1) oa += idx * sa;
                sa *= (uint64_t)a->dims[da_i];
            }
            if (db_i >= 0) {
                if (b->dims[db_i] != 1) ob += idx * sb;
                sb *= (uint64_t)b->dims[db_i];
            }
        }
        const float *A = ad + oa * (uint64_t)(a_rows * a_cols);
        const float *B = bd + ob * (uint64_t)(b_rows * b_cols);
        float *Y = yd + bi * (uint64_t)(M * N);
        for (int64_t i = 0; i < M; i++)
            for (int64_t jn = 0; jn < N; jn++) {
                float s = 0.0f;
                for (int64_t k = 0; k < K; k++) {
                    const float av = p->v[0] ? A[k * a_cols + i] : A[i * a_cols + k];
                    const float bv = p->v[1] ? B[jn * b_cols + k] : B[k * b_cols + jn];
                    s += av * bv;
                }
                Y[i * N + jn] = s;
            }
    }
    return FY_OK;
}
