/* Attention (opsets 23, 24): scaled dot-product attention over 3-D
 * [batch, seq, heads*size] or 4-D [batch, heads, seq, size] Q, K, V, with
 * grouped-query heads, a bool or float mask, causal masking, softcap and a
 * key/value cache.
 *
 * Per query row, following the operator's text (with its errata):
 *   s_j   = scale * Q_i . K_j          (scale defaults to 1/sqrt(head_size))
 *   s_j   = softcap * tanh(s_j / softcap)               when softcap > 0
 *   s_j  += bias_j                      mask (bool false: -inf; float: added),
 *                                       causal: -inf where j > i + past_length
 *   p     = softmax(s)                  a row with every s_j = -inf gives p = 0
 *   Y_i   = sum_j p_j V_j
 * K and V are the past cache followed by the new keys/values (present_key and
 * present_value return them). Opset 24's nonpad_kv_seqlen[b] says how many
 * leading keys of batch entry b are valid (the rest are masked); without a
 * past cache it also moves the causal frontier: j <= i + nonpad - q_seq. Query head h reads key/value head
 * h / (q_heads / kv_heads). qk_matmul_output gives s after the matmul (mode
 * 0), after softcap (1), after the bias (2) or p (3).
 *
 * A mask's last dim may be 1 (broadcast) or shorter than the total sequence:
 * ONNX's reference implementation pads it with -inf (false), and so do we. */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "ops/nn.h"
#include "ops/sequence.h"

enum { IN_Q, IN_K, IN_V, IN_MASK, IN_PAST_K, IN_PAST_V, IN_NONPAD };

fy_status seq_attention_parse(const struct ir_node *n, int64_t opset, void *params,
                              struct fy_error *err)
{
    (void)opset;
    struct seq_attention_params *p = params;
    int64_t causal;
    float scale, softcap;
    fy_status st = op_attr_int(n, "is_causal", 0, &causal, err);
    if (!st) st = op_attr_int(n, "q_num_heads", 0, &p->q_heads, err);
    if (!st) st = op_attr_int(n, "kv_num_heads", 0, &p->kv_heads, err);
    if (!st) st = op_attr_int(n, "qk_matmul_output_mode", 0, &p->qk_mode, err);
    if (!st) st = op_attr_float(n, "scale", 0, &scale, err);
    if (!st) st = op_attr_float(n, "softcap", 0, &softcap, err);
    if (st) return st;
    /* softmax_precision only asks for at least that precision; we compute in
     * float64 whatever it says. */
    p->is_causal = causal != 0;
    p->has_scale = ir_node_attr(n, "scale") != NULL;
    p->scale = scale;
    p->softcap = softcap;
    if (p->q_heads < 0 || p->kv_heads < 0)
        return op_fail_node(n, err, FY_EINVALID, "q_num_heads %lld / kv_num_heads %lld: "
                            "head counts must be positive", (long long)p->q_heads,
                            (long long)p->kv_heads);
    if (p->qk_mode < 0 || p->qk_mode > 3)
        return op_fail_node(n, err, FY_EINVALID, "qk_matmul_output_mode is %lld; expected 0 to 3",
                            (long long)p->qk_mode);
    if (softcap < 0)
        return op_fail_node(n, err, FY_EINVALID, "softcap is %g; it must not be negative",
                            softcap);
    return FY_OK;
}

/* Sizes of one call, and where the mask's elements are. */
struct att_geom {
    bool three_d, has_past;
    int64_t batch, q_heads, kv_heads, q_seq, kv_seq, past, total, head, v_head;
    int64_t mask_dims[4], mask_strides[4]; /* aligned to [B, Hq, Sq, T]; stride 0: broadcast */
};

static fy_status att_geom(struct op_ctx *c, struct att_geom *g)
{
    const struct seq_attention_params *p = c->params;
    const struct op_tensor *q = c->in[IN_Q], *k = c->in[IN_K], *v = c->in[IN_V];
    static const enum ir_dtype floats[] = {IR_F32, IR_F64, IR_F16, IR_BF16};
    fy_status st = op_expect_dtype(c, IN_Q, floats, 4);
    if (!st) st = op_expect_dtype(c, IN_V, floats, 4);
    if (!st) st = op_expect_same_dtype(c, IN_Q, IN_K);
    if (st) return st;
    char b1[96], b2[96], b3[96];
    if ((q->rank != 3 && q->rank != 4) || k->rank != q->rank || v->rank != q->rank)
        return op_fail(c, FY_EINVALID, "Q %s, K %s, V %s: expected all 3-D or all 4-D",
                       nn_shape_str(q, b1, sizeof b1), nn_shape_str(k, b2, sizeof b2),
                       nn_shape_str(v, b3, sizeof b3));
    memset(g, 0, sizeof *g);
    g->three_d = q->rank == 3;
    g->batch = q->dims[0];
    if (k->dims[0] != g->batch || v->dims[0] != g->batch)
        return op_fail(c, FY_EINVALID, "Q, K and V have batch sizes %lld, %lld and %lld",
                       (long long)g->batch, (long long)k->dims[0], (long long)v->dims[0]);
    if (g->three_d) {
        if (p->q_heads < 1 || p->kv_heads < 1)
            return op_fail(c, FY_EINVALID,
                           "3-D inputs need the attributes q_num_heads and kv_num_heads");
        g->q_heads = p->q_heads;
        g->kv_heads = p->kv_heads;
        g->q_seq = q->dims[1];
        g->kv_seq = k->dims[1];
        if (q->dims[2] % g->q_heads || v->dims[2] % g->kv_heads)
            return op_fail(c, FY_EINVALID,
                           "Q hidden size %lld or V hidden size %lld is not a multiple of the "
                           "head counts %lld, %lld",
                           (long long)q->dims[2], (long long)v->dims[2], (long long)g->q_heads,
                           (long long)g->kv_heads);
        g->head = q->dims[2] / g->q_heads;
        g->v_head = v->dims[2] / g->kv_heads;
        if (k->dims[2] != g->kv_heads * g->head)
            return op_fail(c, FY_EINVALID, "K hidden size is %lld; expected %lld heads of %lld",
                           (long long)k->dims[2], (long long)g->kv_heads, (long long)g->head);
        if (v->dims[1] != g->kv_seq)
            return op_fail(c, FY_EINVALID, "K has %lld positions but V has %lld",
                           (long long)g->kv_seq, (long long)v->dims[1]);
    } else {
        g->q_heads = q->dims[1];
        g->kv_heads = k->dims[1];
        g->q_seq = q->dims[2];
        g->kv_seq = k->dims[2];
        g->head = q->dims[3];
        g->v_head = v->dims[3];
        if (k->dims[3] != g->head || v->dims[1] != g->kv_heads || v->dims[2] != g->kv_seq)
            return op_fail(c, FY_EINVALID, "Q %s, K %s and V %s do not agree",
                           nn_shape_str(q, b1, sizeof b1), nn_shape_str(k, b2, sizeof b2),
                           nn_shape_str(v, b3, sizeof b3));
    }
    if (g->q_heads < 1 || g->kv_heads < 1 || g->q_heads % g->kv_heads)
        return op_fail(c, FY_EINVALID,
                       "%lld query heads cannot share %lld key/value heads evenly",
                       (long long)g->q_heads, (long long)g->kv_heads);
    const struct op_tensor *pk = nn_in(c, IN_PAST_K), *pv = nn_in(c, IN_PAST_V);
    if (!pk != !pv) return op_fail(c, FY_EINVALID, "past_key and past_value go together");
    if (pk) {
        if (pk->dtype != q->dtype || pv->dtype != v->dtype)
            return op_fail(c, FY_EINVALID, "past_key/past_value have types %s/%s; Q/V have %s/%s",
                           ir_dtype_name(pk->dtype), ir_dtype_name(pv->dtype),
                           ir_dtype_name(q->dtype), ir_dtype_name(v->dtype));
        if (pk->rank != 4 || pk->dims[0] != g->batch || pk->dims[1] != g->kv_heads ||
            pk->dims[3] != g->head || pv->rank != 4 || pv->dims[0] != g->batch ||
            pv->dims[1] != g->kv_heads || pv->dims[2] != pk->dims[2] || pv->dims[3] != g->v_head)
            return op_fail(c, FY_EINVALID,
                           "past_key %s / past_value %s: expected [%lld, %lld, past, %lld] and "
                           "[%lld, %lld, past, %lld]",
                           nn_shape_str(pk, b1, sizeof b1), nn_shape_str(pv, b2, sizeof b2),
                           (long long)g->batch, (long long)g->kv_heads, (long long)g->head,
                           (long long)g->batch, (long long)g->kv_heads, (long long)g->v_head);
        g->past = pk->dims[2];
        g->has_past = true;
    }
    g->total = g->past + g->kv_seq;
    /* Dims of empty tensors can be anything: bound the work (scores and
     * cache elements) so that no product below overflows or runs forever. */
    uint64_t scores, cache;
    const uint64_t lim = (uint64_t)1 << 48;
    if (__builtin_mul_overflow((uint64_t)g->batch, (uint64_t)g->q_heads, &scores) ||
        __builtin_mul_overflow(scores, (uint64_t)g->q_seq, &scores) ||
        __builtin_mul_overflow(scores, (uint64_t)g->total + 1, &scores) ||
        __builtin_mul_overflow((uint64_t)g->batch, (uint64_t)g->kv_heads, &cache) ||
        __builtin_mul_overflow(cache, (uint64_t)g->total + 1, &cache) ||
        __builtin_mul_overflow(cache, (uint64_t)(g->head + g->v_head + 1), &cache) ||
        scores > lim || cache > lim)
        return op_fail(c, FY_EUNSUPPORTED, "the attention is too large to compute");
    const struct op_tensor *np = nn_in(c, IN_NONPAD);
    if (np) {
        if (np->dtype != IR_I64 || np->rank != 1 || np->dims[0] != g->batch)
            return op_fail(c, FY_EINVALID, "nonpad_kv_seqlen is %s %s; expected int64 [%lld]",
                           ir_dtype_name(np->dtype), nn_shape_str(np, b1, sizeof b1),
                           (long long)g->batch);
        for (int64_t b = 0; b < g->batch; b++) {
            int64_t n = ((const int64_t *)np->data)[b];
            if (n < 0 || n > g->total)
                return op_fail(c, FY_EINVALID, "nonpad_kv_seqlen[%lld] is %lld; it must be in "
                               "[0, %lld]", (long long)b, (long long)n, (long long)g->total);
        }
    }
    const struct op_tensor *m = nn_in(c, IN_MASK);
    if (m) {
        if (m->dtype != IR_BOOL && m->dtype != q->dtype)
            return op_fail(c, FY_EINVALID, "attn_mask has type %s; expected bool or %s",
                           ir_dtype_name(m->dtype), ir_dtype_name(q->dtype));
        if (m->rank > 4)
            return op_fail(c, FY_EINVALID, "attn_mask has rank %d; at most 4", m->rank);
        int64_t want[4] = {g->batch, g->q_heads, g->q_seq, g->total};
        int64_t stride = 1;
        for (int d = 3; d >= 0; d--) {
            int md = d - (4 - m->rank);
            int64_t n = md >= 0 ? m->dims[md] : 1;
            g->mask_dims[d] = n;
            g->mask_strides[d] = n == 1 ? 0 : stride;
            stride *= n;
            bool ok = n == 1 || n == want[d] || (d == 3 && n < want[d]);
            if (!ok)
                return op_fail(c, FY_EINVALID,
                               "attn_mask has shape %s; it must broadcast to [%lld,%lld,%lld,%lld]",
                               nn_shape_str(m, b1, sizeof b1), (long long)want[0],
                               (long long)want[1], (long long)want[2], (long long)want[3]);
        }
    }
    return FY_OK;
}

fy_status seq_attention_infer(struct op_ctx *c)
{
    struct att_geom g;
    fy_status st = att_geom(c, &g);
    if (st) return st;
    enum ir_dtype qt = c->in[IN_Q]->dtype, vt = c->in[IN_V]->dtype;
    int64_t y3[3] = {g.batch, g.q_seq, g.q_heads * g.v_head};
    int64_t y4[4] = {g.batch, g.q_heads, g.q_seq, g.v_head};
    int64_t pk[4] = {g.batch, g.kv_heads, g.total, g.head};
    int64_t pv[4] = {g.batch, g.kv_heads, g.total, g.v_head};
    int64_t qk[4] = {g.batch, g.q_heads, g.q_seq, g.total};
    st = g.three_d ? op_set_output(c, 0, qt, 3, y3) : op_set_output(c, 0, qt, 4, y4);
    if (!st) st = op_set_output(c, 1, qt, 4, pk);
    if (!st) st = op_set_output(c, 2, vt, 4, pv);
    if (!st) st = op_set_output(c, 3, qt, 4, qk);
    return st;
}

struct att_run {
    const struct seq_attention_params *p;
    struct att_geom g;
    const double *q;          /* as given (3-D or 4-D) */
    const double *k, *v;      /* [B, Hkv, T, D] and [B, Hkv, T, Dv]: cache then new */
    const struct op_tensor *mask;
    const double *mask_f;     /* float mask as doubles */
    const int64_t *nonpad;    /* valid keys per batch entry, or NULL */
    double scale;
    double *y;                /* in the output's layout */
    double *qk;               /* [B, Hq, Sq, T] or NULL */
    atomic_bool out_of_memory; /* a worker could not get its row buffer */
};

static double mask_bias(const struct att_run *r, int64_t b, int64_t h, int64_t i, int64_t j)
{
    const struct att_geom *g = &r->g;
    int64_t md = g->mask_dims[3];
    if (md != 1 && j >= md) return -INFINITY; /* the padding beyond a shorter mask */
    int64_t idx = b * g->mask_strides[0] + h * g->mask_strides[1] + i * g->mask_strides[2] +
                  j * g->mask_strides[3];
    if (r->mask->dtype == IR_BOOL)
        return ((const uint8_t *)r->mask->data)[idx] ? 0 : -INFINITY;
    return r->mask_f[idx];
}

/* Query rows [begin, end) of the flattened [B, Hq, Sq]. */
static void att_rows(void *arg, int64_t begin, int64_t end)
{
    struct att_run *r = arg;
    const struct att_geom *g = &r->g;
    int64_t T = g->total, D = g->head, Dv = g->v_head;
    double *s = malloc(sizeof(double) * (size_t)(T ? T : 1));
    if (!s) {
        atomic_store(&r->out_of_memory, true);
        return;
    }
    int64_t group = g->q_heads / g->kv_heads;
    for (int64_t row = begin; row < end; row++) {
        int64_t i = row % g->q_seq, h = (row / g->q_seq) % g->q_heads;
        int64_t b = row / (g->q_seq * g->q_heads), kh = h / group;
        const double *qi = g->three_d ? r->q + (b * g->q_seq + i) * g->q_heads * D + h * D
                                      : r->q + row * D;
        const double *kb = r->k + (b * g->kv_heads + kh) * T * D;
        const double *vb = r->v + (b * g->kv_heads + kh) * T * Dv;
        double *qk = r->qk ? r->qk + row * T : NULL;
        /* keys j > i + offset are hidden by is_causal; keys from nonpad on are padding */
        int64_t valid = r->nonpad ? r->nonpad[b] : T;
        int64_t offset = g->has_past || !r->nonpad ? g->past : r->nonpad[b] - g->q_seq;
        double mx = -INFINITY;
        for (int64_t j = 0; j < T; j++) {
            double dot = 0;
            for (int64_t d = 0; d < D; d++) dot += qi[d] * kb[j * D + d];
            double v = dot * r->scale;
            if (qk && r->p->qk_mode == 0) qk[j] = v;
            if (r->p->softcap > 0) v = r->p->softcap * tanh(v / r->p->softcap);
            if (qk && r->p->qk_mode == 1) qk[j] = v;
            if (r->mask) v += mask_bias(r, b, h, i, j);
            if ((r->p->is_causal && j > i + offset) || j >= valid) v = -INFINITY;
            if (qk && r->p->qk_mode == 2) qk[j] = v;
            s[j] = v;
            if (v > mx) mx = v;
        }
        double sum = 0;
        if (mx != -INFINITY) {
            for (int64_t j = 0; j < T; j++) {
                s[j] = exp(s[j] - mx);
                sum += s[j];
            }
        }
        /* a fully masked row attends to nothing: p = 0 (the errata of opset 23) */
        for (int64_t j = 0; j < T; j++) s[j] = sum > 0 ? s[j] / sum : 0;
        if (qk && r->p->qk_mode == 3) memcpy(qk, s, sizeof(double) * (size_t)T);
        double *yi = g->three_d ? r->y + (b * g->q_seq + i) * g->q_heads * Dv + h * Dv
                                : r->y + row * Dv;
        for (int64_t d = 0; d < Dv; d++) yi[d] = 0;
        for (int64_t j = 0; j < T; j++) {
            if (s[j] == 0) continue;
            for (int64_t d = 0; d < Dv; d++) yi[d] += s[j] * vb[j * Dv + d];
        }
    }
    free(s);
}

/* dst [B, H, T, D] = past [B, H, P, D] then new, the new given as 3-D
 * [B, S, H*D] or 4-D [B, H, S, D]. */
static void concat_cache(const struct att_geom *g, const double *past, const double *x,
                         int64_t D, double *dst)
{
    int64_t H = g->kv_heads, S = g->kv_seq, P = g->past, T = g->total;
    for (int64_t b = 0; b < g->batch; b++)
        for (int64_t h = 0; h < H; h++) {
            double *o = dst + (b * H + h) * T * D;
            if (P) memcpy(o, past + (b * H + h) * P * D, sizeof(double) * (size_t)(P * D));
            for (int64_t s = 0; s < S; s++) {
                const double *src = g->three_d ? x + ((b * S + s) * H + h) * D
                                               : x + ((b * H + h) * S + s) * D;
                memcpy(o + (P + s) * D, src, sizeof(double) * (size_t)D);
            }
        }
}

fy_status seq_attention_eval(struct op_ctx *c)
{
    struct att_run r = {.p = c->params};
    fy_status st = att_geom(c, &r.g);
    if (st) return st;
    const struct att_geom *g = &r.g;
    const double *k = nn_load_f64(c, c->in[IN_K]), *v = nn_load_f64(c, c->in[IN_V]);
    r.q = nn_load_f64(c, c->in[IN_Q]);
    if (!k || !v || !r.q) return FY_ENOMEM;
    const double *pk = NULL, *pv = NULL;
    if (g->past) {
        pk = nn_load_f64(c, c->in[IN_PAST_K]);
        pv = nn_load_f64(c, c->in[IN_PAST_V]);
        if (!pk || !pv) return FY_ENOMEM;
    }
    uint64_t nk = (uint64_t)(g->batch * g->kv_heads * g->total);
    double *kc = op_scratch(c, sizeof(double) * (size_t)(nk * (uint64_t)g->head + 1));
    double *vc = op_scratch(c, sizeof(double) * (size_t)(nk * (uint64_t)g->v_head + 1));
    if (!kc || !vc) return FY_ENOMEM;
    concat_cache(g, pk, k, g->head, kc);
    concat_cache(g, pv, v, g->v_head, vc);
    r.k = kc;
    r.v = vc;
    r.mask = nn_in(c, IN_MASK);
    if (nn_in(c, IN_NONPAD)) r.nonpad = c->in[IN_NONPAD]->data;
    if (r.mask && r.mask->dtype != IR_BOOL && !(r.mask_f = nn_load_f64(c, r.mask)))
        return FY_ENOMEM;
    r.scale = r.p->has_scale ? r.p->scale : 1 / sqrt((double)g->head);
    struct op_tensor *oy = c->out[0];
    struct op_tensor *oqk = c->n_outputs > 3 ? c->out[3] : NULL;
    r.y = nn_out_f64(c, oy);
    if (!r.y || (oqk && !(r.qk = nn_out_f64(c, oqk)))) return FY_ENOMEM;
    int64_t rows = g->batch * g->q_heads * g->q_seq;
    int64_t work = g->total * (g->head + g->v_head) + 1;
    atomic_init(&r.out_of_memory, false);
    op_parallel_for(c, rows, 1 + 65536 / work, att_rows, &r);
    if (atomic_load(&r.out_of_memory))
        return op_fail(c, FY_ENOMEM, "out of memory for %lld attention scores",
                       (long long)g->total);
    nn_store_f64(oy, r.y);
    if (oqk) nn_store_f64(oqk, r.qk);
    if (c->n_outputs > 1 && c->out[1]) nn_store_f64(c->out[1], kc);
    if (c->n_outputs > 2 && c->out[2]) nn_store_f64(c->out[2], vc);
    return FY_OK;
}
