/* tfl.SVDF and tfl.UNIDIRECTIONAL_SEQUENCE_LSTM, as TFLite Micro computes
 * them (its kernels differ from TFLite's for the integer LSTM; the TFLM
 * goldens, e.g. dtln, follow these).
 *
 * State inputs are TFLite variable tensors: the kernels read their initial
 * value (zero at the start of a run) and work on a private copy, since
 * inputs are read-only here; TFLite's in-place update only matters to a
 * later invocation of the same interpreter, which ferry's runs do not share.
 *
 * SVDF (input [B, I], weights_feature [F, I], weights_time [F, M], bias [U]?,
 * state [B, M * F]; F = U * rank): the state shifts one step left, the new
 * column is weights_feature · input, the output sums weights_time · state
 * over each unit's rank filters, + bias. int8 (int16 or int8 state):
 * column = clamp(MBQM(Σ w (x - x_zp), s1)) + state_zp with
 * s1 = in_s * wf_s / state_s; output = clamp8(MBQM(Σ, s2) + out_zp) with
 * s2 = state_s * wt_s / out_s (both float products, as TFLM's Prepare); no
 * fused activation on the integer path (TFLM applies none). Float: the
 * interpreter applies the fused activation.
 *
 * UNIDIRECTIONAL_SEQUENCE_LSTM (the 24-input TFLite form; TFLM supports no
 * CIFG, peephole, projection or layer norm, and neither does ferry): per
 * step and batch, each gate is FC(x, W_x, bias) + FC(h, W_h), then sigmoid
 * (tanh, or the fused activation, for the cell gate); c = f * c + i * g
 * (clipped to cell_clip when > 0); h = o * tanh(c). Integer (int8 or int16
 * activations, int8 weights, int16 cell state): gate FCs output Q3.12
 * int16 (multiplier x_s * w_s / 2^-12, float product), added with int16
 * saturation, TFLite's int16 sigmoid/tanh tables, products requantized with
 * multipliers 2^-15 * c_s / c_s, 2^-15 * 2^-15 / c_s and 2^-15 * 2^-15 /
 * h_s (+ h_zp); tanh(c) reads c at its power-of-two scale. */
#include <math.h>
#include <string.h>

#include "ops/tfl.h"

fy_status tfl_rnn_parse(const struct ir_node *n, int64_t opset, void *params, struct fy_error *err)
{
    (void)opset;
    struct tfl_rnn_params *p = params;
    int64_t tm;
    fy_status st = tfl_parse_int(n, "rank", 1, 0, 1 << 20, &p->rank, err);
    if (!st) st = op_attr_float(n, "cell_clip", 0.0f, &p->cell_clip, err);
    if (!st) st = op_attr_float(n, "proj_clip", 0.0f, &p->proj_clip, err);
    if (!st) st = op_attr_int(n, "time_major", 0, &tm, err);
    p->time_major = !st && tm != 0;
    return st;
}

/* ---- SVDF ---- */

fy_status tfl_svdf_infer(struct op_ctx *c)
{
    const struct tfl_rnn_params *p = c->params;
    const struct op_tensor *x = c->in[0], *wf = c->in[1], *wt = c->in[2];
    const struct op_tensor *b = c->n_inputs > 3 ? c->in[3] : NULL;
    const struct op_tensor *s = c->n_inputs > 4 ? c->in[4] : NULL;
    if (!x || !wf || !wt || !s)
        return op_fail(c, FY_EINVALID,
                       "input, weights_feature, weights_time and state are required");
    if (x->rank != 2 || wf->rank != 2 || wt->rank != 2)
        return op_fail(c, FY_EINVALID, "input and weights must have rank 2");
    const int64_t B = x->dims[0], I = x->dims[1], F = wf->dims[0], M = wt->dims[1];
    if (p->rank <= 0 || F % p->rank)
        return op_fail(c, FY_EINVALID, "%lld filters do not split by rank %d", (long long)F,
                       p->rank);
    const int64_t U = F / p->rank;
    if (wf->dims[1] != I || wt->dims[0] != F)
        return op_fail(c, FY_EINVALID, "weights do not fit the input");
    if (s->numel != (uint64_t)(B * M * F))
        return op_fail(c, FY_EINVALID, "state has %llu values; expected %lld",
                       (unsigned long long)s->numel, (long long)(B * M * F));
    if (b && b->numel != (uint64_t)U)
        return op_fail(c, FY_EINVALID, "bias has %llu values for %lld units",
                       (unsigned long long)b->numel, (long long)U);
    if (x->dtype == IR_F32) {
        if (wf->dtype != IR_F32 || wt->dtype != IR_F32 || s->dtype != IR_F32 ||
            (b && b->dtype != IR_F32))
            return op_fail(c, FY_EUNSUPPORTED, "hybrid SVDF is not supported");
    } else if (x->dtype == IR_I8) {
        if (wf->dtype != IR_I8 || (wt->dtype != IR_I16 && wt->dtype != IR_I8) ||
            (s->dtype != IR_I16 && s->dtype != IR_I8) || s->dtype != wt->dtype ||
            (b && b->dtype != IR_I32))
            return op_fail(c, FY_EUNSUPPORTED,
                           "int8 SVDF needs int8 weights_feature, int16 (or int8) weights_time "
                           "and state, int32 bias");
        fy_status st = tfl_need_quant(c, x, "input 0");
        if (!st) st = tfl_need_quant(c, wf, "weights_feature");
        if (!st) st = tfl_need_quant(c, wt, "weights_time");
        if (!st) st = tfl_need_quant(c, s, "the state");
        if (!st) st = tfl_need_quant(c, c->out[0], "output 0");
        if (st) return st;
    } else {
        return op_fail(c, FY_EUNSUPPORTED, "input type %s", ir_dtype_name(x->dtype));
    }
    int64_t dims[2] = {B, U};
    return op_set_output(c, 0, x->dtype, 2, dims);
}

fy_status tfl_svdf_eval(struct op_ctx *c)
{
    const struct tfl_rnn_params *p = c->params;
    const struct op_tensor *x = c->in[0], *wf = c->in[1], *wt = c->in[2];
    const struct op_tensor *b = c->n_inputs > 3 ? c->in[3] : NULL;
    const struct op_tensor *s = c->in[4];
    struct op_tensor *y = c->out[0];
    const int64_t B = x->dims[0], I = x->dims[1], F = wf->dims[0], M = wt->dims[1];
    const int64_t U = F / p->rank, n_state = B * F * M;
    if (x->dtype == IR_F32) {
        float *state = op_scratch(c, sizeof(float) * (size_t)n_state);
        float *scratch = op_scratch(c, sizeof(float) * (size_t)(B * F));
        if (!state || !scratch) return op_fail(c, FY_ENOMEM, "out of memory");
        memcpy(state, s->data, sizeof(float) * (size_t)n_state);
        for (int64_t i = 0; i + 1 < n_state; i++)
            state[i] = state[i + 1];
        const float *xf = x->data, *w = wf->data, *t = wt->data;
        for (int64_t bb = 0; bb < B; bb++)
            for (int64_t f = 0; f < F; f++) {
                float dot = 0.0f;
                for (int64_t k = 0; k < I; k++)
                    dot += w[f * I + k] * xf[bb * I + k];
                state[(bb * F + f) * M + M - 1] = dot;
            }
        for (int64_t bb = 0; bb < B; bb++)
            for (int64_t f = 0; f < F; f++) {
                float acc = 0.0f;
                for (int64_t m = 0; m < M; m++)
                    acc += t[f * M + m] * state[(bb * F + f) * M + m];
                scratch[bb * F + f] = acc;
            }
        float *out = y->data;
        for (int64_t bb = 0; bb < B; bb++)
            for (int64_t u = 0; u < U; u++) {
                float v = b ? ((const float *)b->data)[u] : 0.0f;
                for (int r = 0; r < p->rank; r++)
                    v += scratch[bb * F + u * p->rank + r];
                out[bb * U + u] = v;
            }
        return FY_OK;
    }
    /* integer: the state is int16 (or int8), kept as int32 here */
    int32_t *state = op_scratch(c, sizeof(int32_t) * (size_t)n_state);
    int32_t *scratch = op_scratch(c, sizeof(int32_t) * (size_t)(B * F));
    if (!state || !scratch) return op_fail(c, FY_ENOMEM, "out of memory");
    for (int64_t i = 0; i < n_state; i++)
        state[i] = (int32_t)op_get_i64(s, (uint64_t)i);
    for (int64_t i = 0; i + 1 < n_state; i++)
        state[i] = state[i + 1];
    int32_t m1, m2;
    int s1, s2;
    tfq_quantize_multiplier((double)(tfl_scale(x) * tfl_scale(wf) / tfl_scale(s)), &m1, &s1);
    tfq_quantize_multiplier((double)(tfl_scale(s) * tfl_scale(wt) / tfl_scale(y)), &m2, &s2);
    const int32_t x_zp = tfl_zero_point(x), s_zp = tfl_zero_point(s), y_zp = tfl_zero_point(y);
    int32_t smin, smax;
    tfl_int_range(s->dtype, &smin, &smax);
    const int8_t *xq = x->data, *w = wf->data;
    for (int64_t bb = 0; bb < B; bb++)
        for (int64_t f = 0; f < F; f++) {
            int32_t dot = 0;
            for (int64_t k = 0; k < I; k++)
                dot += (int32_t)w[f * I + k] * ((int32_t)xq[bb * I + k] - x_zp);
            dot = tfq_mbqm(dot, m1, s1);
            dot = dot < smin ? smin : (dot > smax ? smax : dot);
            /* stored in the state's type: TFLite's cast wraps */
            int32_t v = s_zp + dot;
            state[(bb * F + f) * M + M - 1] = s->dtype == IR_I16 ? (int16_t)v : (int8_t)v;
        }
    for (int64_t bb = 0; bb < B; bb++)
        for (int64_t f = 0; f < F; f++) {
            int64_t acc = 0;
            for (int64_t m = 0; m < M; m++)
                acc += op_get_i64(wt, (uint64_t)(f * M + m)) * (state[(bb * F + f) * M + m] - s_zp);
            scratch[bb * F + f] = (int32_t)acc;
        }
    for (int64_t bb = 0; bb < B; bb++)
        for (int64_t u = 0; u < U; u++) {
            uint32_t v = b ? (uint32_t)((const int32_t *)b->data)[u] : 0;
            for (int r = 0; r < p->rank; r++)
                v += (uint32_t)scratch[bb * F + u * p->rank + r];
            int32_t q = tfq_wadd(tfq_mbqm((int32_t)v, m2, s2), y_zp);
            q = q < -128 ? -128 : (q > 127 ? 127 : q);
            ((int8_t *)y->data)[bb * U + u] = (int8_t)q;
        }
    return FY_OK;
}

/* ---- UNIDIRECTIONAL_SEQUENCE_LSTM ---- */

enum { /* TFLite's input order */
       L_INPUT = 0,
       L_W_I = 1,
       L_W_F,
       L_W_C,
       L_W_O, /* input-to-gate weights */
       L_R_I = 5,
       L_R_F,
       L_R_C,
       L_R_O, /* recurrent weights */
       L_P_I = 9,
       L_P_F,
       L_P_O, /* peephole (unsupported) */
       L_B_I = 12,
       L_B_F,
       L_B_C,
       L_B_O, /* gate biases */
       L_PROJ_W = 16,
       L_PROJ_B, /* projection (unsupported) */
       L_H = 18,
       L_C = 19, /* output state, cell state */
       L_LN_I = 20,
       L_LN_F,
       L_LN_C,
       L_LN_O,
       L_COUNT = 24
};

static const struct op_tensor *lin(const struct op_ctx *c, int i)
{
    return i < c->n_inputs ? c->in[i] : NULL;
}

fy_status tfl_lstm_infer(struct op_ctx *c)
{
    const struct tfl_rnn_params *p = c->params;
    const struct op_tensor *x = lin(c, L_INPUT), *h = lin(c, L_H), *cs = lin(c, L_C);
    for (int i = L_W_I; i <= L_R_O; i++)
        if (!lin(c, i))
            return op_fail(c, FY_EUNSUPPORTED,
                           "input %d is missing: CIFG LSTMs are not supported (as in TFLite Micro)",
                           i);
    for (int i = L_P_I; i <= L_P_O; i++)
        if (lin(c, i)) return op_fail(c, FY_EUNSUPPORTED, "peephole LSTMs are not supported");
    if (lin(c, L_PROJ_W) || lin(c, L_PROJ_B))
        return op_fail(c, FY_EUNSUPPORTED, "projection LSTMs are not supported");
    for (int i = L_LN_I; i <= L_LN_O; i++)
        if (lin(c, i)) return op_fail(c, FY_EUNSUPPORTED, "layer-norm LSTMs are not supported");
    for (int i = L_B_I; i <= L_B_O; i++)
        if (!lin(c, i)) return op_fail(c, FY_EINVALID, "gate bias %d is missing", i);
    if (!x || !h || !cs) return op_fail(c, FY_EINVALID, "input and both states are required");
    if (x->rank != 3) return op_fail(c, FY_EINVALID, "input has rank %d; expected 3", x->rank);
    const int64_t batch = p->time_major ? x->dims[1] : x->dims[0];
    const int64_t in_dim = x->dims[2];
    const struct op_tensor *w0 = lin(c, L_W_F);
    if (w0->rank != 2) return op_fail(c, FY_EINVALID, "weights must have rank 2");
    const int64_t units = w0->dims[0];
    for (int i = L_W_I; i <= L_W_O; i++) {
        const struct op_tensor *w = lin(c, i);
        if (w->rank != 2 || w->dims[0] != units || w->dims[1] != in_dim || w->dtype != w0->dtype)
            return op_fail(c, FY_EINVALID, "input weights %d do not fit [%lld, %lld]", i,
                           (long long)units, (long long)in_dim);
    }
    for (int i = L_R_I; i <= L_R_O; i++) {
        const struct op_tensor *w = lin(c, i);
        if (w->rank != 2 || w->dims[0] != units || w->dims[1] != units || w->dtype != w0->dtype)
            return op_fail(c, FY_EINVALID, "recurrent weights %d do not fit [%lld, %lld]", i,
                           (long long)units, (long long)units);
    }
    for (int i = L_B_I; i <= L_B_O; i++)
        if (lin(c, i)->numel != (uint64_t)units)
            return op_fail(c, FY_EINVALID, "bias %d has %llu values for %lld units", i,
                           (unsigned long long)lin(c, i)->numel, (long long)units);
    if (h->numel != (uint64_t)(batch * units) || cs->numel != (uint64_t)(batch * units))
        return op_fail(c, FY_EINVALID, "states must hold batch x units values");
    if (x->dtype == IR_F32) {
        for (int i = L_W_I; i <= L_B_O; i++)
            if (lin(c, i) && lin(c, i)->dtype != IR_F32)
                return op_fail(c, FY_EUNSUPPORTED, "hybrid LSTMs are not supported");
    } else if (x->dtype == IR_I8 || x->dtype == IR_I16) {
        const enum ir_dtype bias_t = x->dtype == IR_I8 ? IR_I32 : IR_I64;
        if (w0->dtype != IR_I8 || cs->dtype != IR_I16 || h->dtype != x->dtype)
            return op_fail(c, FY_EUNSUPPORTED,
                           "integer LSTMs need int8 weights, an int16 cell state and an output "
                           "state of the input's type");
        for (int i = L_B_I; i <= L_B_O; i++)
            if (lin(c, i)->dtype != bias_t)
                return op_fail(c, FY_EINVALID, "bias %d is %s; expected %s", i,
                               ir_dtype_name(lin(c, i)->dtype), ir_dtype_name(bias_t));
        fy_status st = tfl_need_quant(c, x, "input 0");
        for (int i = L_W_I; !st && i <= L_R_O; i++) {
            st = tfl_need_quant(c, lin(c, i), "a weight");
            if (!st && lin(c, i)->quant->count != 1)
                st = op_fail(c, FY_EUNSUPPORTED, "per-channel LSTM weights are not supported");
        }
        if (!st) st = tfl_need_quant(c, h, "the output state");
        if (!st) st = tfl_need_quant(c, cs, "the cell state");
        if (!st) st = tfl_need_quant(c, c->out[0], "output 0");
        if (st) return st;
        int l2;
        if (!tfq_checked_log2(tfl_scale(cs), &l2))
            return op_fail(c, FY_EINVALID, "cell state scale %g is not a power of two",
                           (double)tfl_scale(cs));
    } else {
        return op_fail(c, FY_EUNSUPPORTED, "input type %s", ir_dtype_name(x->dtype));
    }
    if (c->node->activation != IR_ACT_TANH && c->node->activation != IR_ACT_NONE &&
        x->dtype != IR_F32)
        return op_fail(c, FY_EUNSUPPORTED, "integer LSTMs support the tanh cell activation only");
    int64_t dims[3] = {x->dims[0], x->dims[1], units};
    return op_set_output(c, 0, x->dtype, 3, dims);
}

static float sigmoid_f(float v)
{
    if (v > 16.619047164916992188f) return 1.0f;
    if (v < -9.0f) return expf(v);
    return 1.0f / (1.0f + expf(-v));
}

/* The cell gate's activation for float LSTMs: the fused activation. */
static float cell_act_f(enum ir_activation a, float v)
{
    switch (a) {
    case IR_ACT_RELU:
        return v < 0 ? 0 : v;
    case IR_ACT_RELU6:
        return v < 0 ? 0 : (v > 6 ? 6 : v);
    case IR_ACT_RELU_N1_TO_1:
        return v < -1 ? -1 : (v > 1 ? 1 : v);
    case IR_ACT_TANH:
        return tanhf(v);
    case IR_ACT_SIGN_BIT:
        return signbit(v) ? 1.0f : 0.0f;
    default:
        return v; /* NONE: TFLM only allows sigmoid and tanh */
    }
}

struct lstm_q { /* integer parameters */
    int32_t in_m[4], in_s[4], rec_m[4], rec_s[4];
    int32_t x_off, h_off_in, w_off[4], r_off[4];
    int32_t fc_m, fc_s; /* forget * cell */
    int32_t ic_m, ic_s; /* input * cell gate */
    int32_t oh_m, oh_s; /* output * tanh(cell) -> hidden */
    int32_t h_zp, h_lo, h_hi;
    int32_t tanh_mult, tanh_shift;
    int16_t clip;
};

static int16_t sat16(int32_t v)
{
    return (int16_t)(v < -32768 ? -32768 : (v > 32767 ? 32767 : v));
}

fy_status tfl_lstm_eval(struct op_ctx *c)
{
    const struct tfl_rnn_params *p = c->params;
    const struct op_tensor *x = lin(c, L_INPUT);
    struct op_tensor *y = c->out[0];
    const bool tm = p->time_major;
    const int64_t T = tm ? x->dims[0] : x->dims[1], B = tm ? x->dims[1] : x->dims[0];
    const int64_t I = x->dims[2], U = lin(c, L_W_F)->dims[0];
    /* gates in TFLM's order of evaluation: forget, input, cell, output */
    static const int W[4] = {L_W_F, L_W_I, L_W_C, L_W_O}, R[4] = {L_R_F, L_R_I, L_R_C, L_R_O},
                     BI[4] = {L_B_F, L_B_I, L_B_C, L_B_O};
    const size_t n_state = (size_t)(B * U);
    if (x->dtype == IR_F32) {
        float *h = op_scratch(c, sizeof(float) * n_state),
              *cell = op_scratch(c, sizeof(float) * n_state);
        float *g = op_scratch(c, sizeof(float) * 4 * (size_t)U);
        if (!h || !cell || !g) return op_fail(c, FY_ENOMEM, "out of memory");
        memcpy(h, lin(c, L_H)->data, sizeof(float) * n_state);
        memcpy(cell, lin(c, L_C)->data, sizeof(float) * n_state);
        for (int64_t b = 0; b < B; b++)
            for (int64_t t = 0; t < T; t++) {
                const float *xt = (const float *)x->data + (tm ? (t * B + b) : (b * T + t)) * I;
                float *hb = h + b * U, *cb = cell + b * U;
                for (int k = 0; k < 4; k++) {
                    const float *w = lin(c, W[k])->data, *r = lin(c, R[k])->data;
                    const float *bias = lin(c, BI[k])->data;
                    for (int64_t u = 0; u < U; u++) {
                        float a = 0.0f, rr = 0.0f;
                        for (int64_t i = 0; i < I; i++)
                            a += xt[i] * w[u * I + i];
                        a += bias[u];
                        for (int64_t j = 0; j < U; j++)
                            rr += hb[j] * r[u * U + j];
                        const float v = a + rr;
                        g[k * U + u] = k == 2 ? cell_act_f(c->node->activation, v) : sigmoid_f(v);
                    }
                    if (k == 2) { /* cell update before the output gate, as TFLM */
                        for (int64_t u = 0; u < U; u++) {
                            float cv = g[u] * cb[u] + g[U + u] * g[2 * U + u];
                            if (p->cell_clip > 0)
                                cv = cv > p->cell_clip ? p->cell_clip
                                                       : (cv < -p->cell_clip ? -p->cell_clip : cv);
                            cb[u] = cv;
                        }
                    }
                }
                float *yt = (float *)y->data + (tm ? (t * B + b) : (b * T + t)) * U;
                for (int64_t u = 0; u < U; u++) {
                    hb[u] = g[3 * U + u] * tanhf(cb[u]);
                    yt[u] = hb[u];
                }
            }
        return FY_OK;
    }
    /* ---- integer ---- */
    const struct op_tensor *hs = lin(c, L_H), *cs = lin(c, L_C);
    struct lstm_q q;
    memset(&q, 0, sizeof q);
    const float fc_out_scale = 0.000244140625f; /* 2^-12: gate pre-activations in Q3.12 */
    for (int k = 0; k < 4; k++) {
        const struct op_tensor *w = lin(c, W[k]), *r = lin(c, R[k]);
        int shift;
        tfq_quantize_multiplier((double)(tfl_scale(x) * tfl_scale(w)) / (double)fc_out_scale,
                                &q.in_m[k], &shift);
        q.in_s[k] = shift;
        tfq_quantize_multiplier((double)(tfl_scale(hs) * tfl_scale(r)) / (double)fc_out_scale,
                                &q.rec_m[k], &shift);
        q.rec_s[k] = shift;
        q.w_off[k] = -tfl_zero_point(w);
        q.r_off[k] = -tfl_zero_point(r);
    }
    q.x_off = -tfl_zero_point(x);
    q.h_off_in = -tfl_zero_point(hs);
    const double q15 = 0.000030517578125; /* 2^-15: activations in Q0.15 */
    const double c_s = (double)tfl_scale(cs);
    int sh;
    tfq_quantize_multiplier(q15 * c_s / c_s, &q.fc_m, &sh);
    q.fc_s = sh;
    tfq_quantize_multiplier(q15 * q15 / c_s, &q.ic_m, &sh);
    q.ic_s = sh;
    tfq_quantize_multiplier(q15 * q15 / (double)tfl_scale(hs), &q.oh_m, &sh);
    q.oh_s = sh;
    q.h_zp = tfl_zero_point(hs);
    tfl_int_range(hs->dtype, &q.h_lo, &q.h_hi);
    int power;
    tfq_checked_log2(tfl_scale(cs), &power);
    int32_t tshift = (15 + power) - 3, tmult = 0;
    if (tshift < 0) {
        tshift = -tshift;
        tmult = 3;
    }
    q.tanh_mult = tmult;
    q.tanh_shift = tshift;
    {
        double v = (double)p->cell_clip / c_s;
        v = v < -32768.0 ? -32768.0 : (v > 32767.0 ? 32767.0 : v);
        q.clip = (int16_t)v;
    }
    int32_t *h = op_scratch(c, sizeof(int32_t) * n_state);
    int16_t *cell = op_scratch(c, sizeof(int16_t) * n_state);
    int16_t *g = op_scratch(c, sizeof(int16_t) * 4 * (size_t)U);
    if (!h || !cell || !g) return op_fail(c, FY_ENOMEM, "out of memory");
    for (size_t i = 0; i < n_state; i++) {
        h[i] = (int32_t)op_get_i64(hs, i);
        cell[i] = (int16_t)op_get_i64(cs, i);
    }
    const bool wide = x->dtype == IR_I16; /* 16x8: int64 bias and accumulators */
    for (int64_t b = 0; b < B; b++)
        for (int64_t t = 0; t < T; t++) {
            const uint64_t xo = (uint64_t)((tm ? (t * B + b) : (b * T + t)) * I);
            int32_t *hb = h + b * U;
            int16_t *cb = cell + b * U;
            for (int k = 0; k < 4; k++) {
                const int8_t *w = lin(c, W[k])->data, *r = lin(c, R[k])->data;
                const struct op_tensor *bias = lin(c, BI[k]);
                for (int64_t u = 0; u < U; u++) {
                    /* input FC with the gate bias */
                    int64_t acc = 0;
                    for (int64_t i = 0; i < I; i++)
                        acc += ((int64_t)w[u * I + i] + q.w_off[k]) *
                               (op_get_i64(x, xo + (uint64_t)i) + q.x_off);
                    acc += op_get_i64(bias, (uint64_t)u);
                    int32_t a = wide ? tfq_mbqm64(acc, q.in_m[k], q.in_s[k])
                                     : tfq_mbqm((int32_t)acc, q.in_m[k], q.in_s[k]);
                    a = sat16(a);
                    /* recurrent FC, no bias */
                    int64_t racc = 0;
                    for (int64_t j = 0; j < U; j++)
                        racc +=
                            ((int64_t)r[u * U + j] + q.r_off[k]) * ((int64_t)hb[j] + q.h_off_in);
                    int32_t rr = wide ? tfq_mbqm64(racc, q.rec_m[k], q.rec_s[k])
                                      : tfq_mbqm((int32_t)racc, q.rec_m[k], q.rec_s[k]);
                    rr = sat16(rr);
                    const int16_t v = sat16(a + rr);
                    g[k * U + u] = k == 2 ? tfq_tanh16(v, 0, 0) : tfq_logistic16(v, 0, 0);
                }
                if (k == 2) { /* c = f * c + i * g, then the clip */
                    for (int64_t u = 0; u < U; u++) {
                        int32_t fc = sat16(tfq_mbqm((int32_t)g[u] * cb[u], q.fc_m, q.fc_s));
                        int32_t ig =
                            sat16(tfq_mbqm((int32_t)g[U + u] * g[2 * U + u], q.ic_m, q.ic_s));
                        int16_t cv = sat16(fc + ig);
                        if (p->cell_clip > 0)
                            cv = cv > q.clip ? q.clip : (cv < -q.clip ? (int16_t)-q.clip : cv);
                        cb[u] = cv;
                    }
                }
            }
            const uint64_t yo = (uint64_t)((tm ? (t * B + b) : (b * T + t)) * U);
            for (int64_t u = 0; u < U; u++) {
                const int16_t tc = tfq_tanh16(cb[u], q.tanh_mult, q.tanh_shift);
                int32_t v = q.h_zp + tfq_mbqm((int32_t)tc * g[3 * U + u], q.oh_m, q.oh_s);
                v = v < q.h_lo ? q.h_lo : (v > q.h_hi ? q.h_hi : v);
                hb[u] = v;
                op_set_i64(y, yo + (uint64_t)u, v);
            }
        }
    return FY_OK;
}
