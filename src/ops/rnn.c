/* RNN, GRU and LSTM: ONNX's one-layer recurrent networks, forward, reverse
 * or bidirectional, in either layout.
 *
 * One kernel walks the time steps of each direction and batch entry:
 *   RNN   Ht = f(Xt W^T + Ht-1 R^T + Wb + Rb)
 *   GRU   zt = f(Xt Wz^T + Ht-1 Rz^T + Wbz + Rbz)
 *         rt = f(Xt Wr^T + Ht-1 Rr^T + Wbr + Rbr)
 *         ht = g(Xt Wh^T + (rt . Ht-1) Rh^T + Rbh + Wbh)       linear_before_reset 0
 *         ht = g(Xt Wh^T + rt . (Ht-1 Rh^T + Rbh) + Wbh)       linear_before_reset 1
 *         Ht = (1 - zt) . ht + zt . Ht-1
 *   LSTM  it = f(Xt Wi^T + Ht-1 Ri^T + Pi . Ct-1 + Wbi + Rbi)
 *         ft = f(Xt Wf^T + Ht-1 Rf^T + Pf . Ct-1 + Wbf + Rbf)  (1 - it with input_forget)
 *         ct = g(Xt Wc^T + Ht-1 Rc^T + Wbc + Rbc)
 *         Ct = ft . Ct-1 + it . ct
 *         ot = f(Xt Wo^T + Ht-1 Ro^T + Po . Ct + Wbo + Rbo)
 *         Ht = ot . h(Ct)
 * clip bounds every gate's input to its activation. With sequence_lens, a
 * batch entry runs its own length (the reverse direction starts at its last
 * valid step), Y is zero beyond it and Y_h/Y_c hold the state after its
 * last step (ONNX Runtime does the same; the ONNX text leaves it implicit). */
#include <ctype.h>
#include <math.h>
#include <string.h>

#include "ops/nn.h"
#include "ops/sequence.h"

/* ---- activations ---- */

/* The alpha/beta defaults are those of the ONNX operators of the same name
 * (as float32 attributes, like every runtime holds them). Affine and
 * ScaledTanh have no such operator any more: Affine was alpha 1, beta 0; a
 * ScaledTanh without its values is refused rather than guessed. */
static const struct act_row {
    const char *name;
    enum seq_act kind;
    bool uses_alpha, uses_beta;
    float alpha, beta;
} act_rows[] = {
    {"Relu", SEQ_ACT_RELU, false, false, 0, 0},
    {"Tanh", SEQ_ACT_TANH, false, false, 0, 0},
    {"Sigmoid", SEQ_ACT_SIGMOID, false, false, 0, 0},
    {"Affine", SEQ_ACT_AFFINE, true, true, 1.0f, 0.0f},
    {"LeakyRelu", SEQ_ACT_LEAKY_RELU, true, false, 0.01f, 0},
    {"ThresholdedRelu", SEQ_ACT_THRESHOLDED_RELU, true, false, 1.0f, 0},
    {"ScaledTanh", SEQ_ACT_SCALED_TANH, true, true, NAN, NAN},
    {"HardSigmoid", SEQ_ACT_HARD_SIGMOID, true, true, 0.2f, 0.5f},
    {"Elu", SEQ_ACT_ELU, true, false, 1.0f, 0},
    {"Softsign", SEQ_ACT_SOFTSIGN, false, false, 0, 0},
    {"Softplus", SEQ_ACT_SOFTPLUS, false, false, 0, 0},
};

/* Names compare without case: ONNX spells them in CamelCase, but exporters
 * have written "tanh" and ONNX Runtime accepts any case. */
static const struct act_row *act_lookup(struct ir_bytes name)
{
    for (size_t i = 0; i < sizeof act_rows / sizeof act_rows[0]; i++) {
        const char *s = act_rows[i].name;
        size_t n = strlen(s);
        if (name.size != n) continue;
        size_t k = 0;
        while (k < n && tolower(name.data[k]) == tolower((unsigned char)s[k])) k++;
        if (k == n) return &act_rows[i];
    }
    return NULL;
}

static double sigmoid(double x)
{
    /* written so that exp never overflows */
    if (x >= 0) return 1 / (1 + exp(-x));
    double e = exp(x);
    return e / (1 + e);
}

static double act_apply(const struct seq_act_fn *f, double x)
{
    switch (f->kind) {
    case SEQ_ACT_RELU: return x > 0 ? x : 0;
    case SEQ_ACT_TANH: return tanh(x);
    case SEQ_ACT_SIGMOID: return sigmoid(x);
    case SEQ_ACT_AFFINE: return f->alpha * x + f->beta;
    case SEQ_ACT_LEAKY_RELU: return x >= 0 ? x : f->alpha * x;
    case SEQ_ACT_THRESHOLDED_RELU: return x >= f->alpha ? x : 0;
    case SEQ_ACT_SCALED_TANH: return f->alpha * tanh(f->beta * x);
    case SEQ_ACT_HARD_SIGMOID: return fmin(fmax(f->alpha * x + f->beta, 0), 1);
    case SEQ_ACT_ELU: return x >= 0 ? x : f->alpha * (exp(x) - 1);
    case SEQ_ACT_SOFTSIGN: return x / (1 + fabs(x));
    case SEQ_ACT_SOFTPLUS: return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x));
    }
    return x;
}

/* ---- parse ---- */

static fy_status parse_activations(const struct ir_node *n, struct seq_rnn_params *p,
                                   struct fy_error *err)
{
    static const enum seq_act defaults[3][SEQ_MAX_ACT] = {
        {SEQ_ACT_TANH},                                  /* RNN: f */
        {SEQ_ACT_SIGMOID, SEQ_ACT_TANH},                 /* GRU: f, g */
        {SEQ_ACT_SIGMOID, SEQ_ACT_TANH, SEQ_ACT_TANH},   /* LSTM: f, g, h */
    };
    int kind = p->n_act - 1;
    const struct ir_attr *names = ir_node_attr(n, "activations");
    if (!names) {
        for (int d = 0; d < 2; d++)
            for (int k = 0; k < p->n_act; k++) p->act[d][k].kind = defaults[kind][k];
        return FY_OK;
    }
    if (names->type != IR_ATTR_STRINGS)
        return op_fail_node(n, err, FY_EINVALID, "attribute 'activations' is of type %s; "
                            "expected strings", ir_attr_type_name(names->type));
    int want = p->n_act * p->n_dir;
    /* One direction's list for a bidirectional node is taken for both. */
    if (names->count != want && !(p->n_dir == 2 && names->count == p->n_act))
        return op_fail_node(n, err, FY_EINVALID,
                            "has %lld activations; %s with %d direction%s needs %d",
                            (long long)names->count, n->op_type, p->n_dir,
                            p->n_dir == 1 ? "" : "s", want);
    float alphas[2 * SEQ_MAX_ACT], betas[2 * SEQ_MAX_ACT];
    int n_alpha, n_beta;
    fy_status st = op_attr_floats(n, "activation_alpha", alphas, 2 * SEQ_MAX_ACT, &n_alpha, err);
    if (!st) st = op_attr_floats(n, "activation_beta", betas, 2 * SEQ_MAX_ACT, &n_beta, err);
    if (st) return st;
    /* alpha and beta values are consumed, in list order, by the activations
     * that take them (ONNX: "consumed in the order of activation functions") */
    int ia = 0, ib = 0;
    for (int d = 0; d < p->n_dir; d++) {
        for (int k = 0; k < p->n_act; k++) {
            int idx = names->count == want ? d * p->n_act + k : k;
            if (names->count != want && d == 1) { /* the shared list: copy direction 0 */
                p->act[1][k] = p->act[0][k];
                continue;
            }
            struct ir_bytes nm = names->v.strings[idx];
            const struct act_row *row = act_lookup(nm);
            if (!row)
                return op_fail_node(n, err, FY_EUNSUPPORTED,
                                    "activation '%.*s' is not one ONNX defines for %s",
                                    (int)(nm.size > 40 ? 40 : nm.size), (const char *)nm.data,
                                    n->op_type);
            struct seq_act_fn *f = &p->act[d][k];
            f->kind = row->kind;
            f->alpha = row->alpha;
            f->beta = row->beta;
            if (row->uses_alpha && ia < n_alpha) f->alpha = alphas[ia++];
            if (row->uses_beta && ib < n_beta) f->beta = betas[ib++];
            if (isnan(f->alpha) || isnan(f->beta))
                return op_fail_node(n, err, FY_EINVALID,
                                    "activation %s needs values in activation_alpha and "
                                    "activation_beta", row->name);
        }
    }
    return FY_OK;
}

fy_status seq_rnn_parse(const struct ir_node *n, int64_t opset, void *params,
                        struct fy_error *err)
{
    (void)opset;
    struct seq_rnn_params *p = params;
    switch (n->op) {
    case IR_OP_RNN: p->n_gates = 1, p->n_act = 1; break;
    case IR_OP_GRU: p->n_gates = 3, p->n_act = 2; break;
    default: p->n_gates = 4, p->n_act = 3; break;
    }
    struct ir_bytes dir;
    fy_status st = op_attr_string(n, "direction", "forward", &dir, err);
    if (st) return st;
    if (op_bytes_eq(dir, "forward")) {
        p->n_dir = 1;
    } else if (op_bytes_eq(dir, "reverse")) {
        p->n_dir = 1;
        p->reverse = true;
    } else if (op_bytes_eq(dir, "bidirectional")) {
        p->n_dir = 2;
    } else {
        return op_fail_node(n, err, FY_EINVALID,
                            "direction is '%.*s'; expected forward, reverse or bidirectional",
                            (int)(dir.size > 40 ? 40 : dir.size), (const char *)dir.data);
    }
    int64_t v;
    st = op_attr_int(n, "hidden_size", -1, &p->hidden, err);
    if (st) return st;
    if (ir_node_attr(n, "hidden_size") && p->hidden < 1)
        return op_fail_node(n, err, FY_EINVALID, "hidden_size is %lld; it must be positive",
                            (long long)p->hidden);
    p->has_clip = ir_node_attr(n, "clip") != NULL;
    float clip;
    st = op_attr_float(n, "clip", 0, &clip, err);
    if (st) return st;
    p->clip = clip;
    if (p->has_clip && !(clip > 0))
        return op_fail_node(n, err, FY_EINVALID, "clip is %g; it must be positive", clip);
    st = op_attr_int(n, "input_forget", 0, &v, err);
    if (st) return st;
    p->input_forget = v != 0 && n->op == IR_OP_LSTM;
    st = op_attr_int(n, "linear_before_reset", 0, &v, err);
    if (st) return st;
    p->linear_before_reset = v != 0 && n->op == IR_OP_GRU;
    st = op_attr_int(n, "layout", 0, &p->layout, err);
    if (st) return st;
    if (p->layout != 0 && p->layout != 1)
        return op_fail_node(n, err, FY_EINVALID, "layout is %lld; expected 0 or 1",
                            (long long)p->layout);
    return parse_activations(n, p, err);
}

/* ---- shapes ---- */

enum { IN_X, IN_W, IN_R, IN_B, IN_SEQ_LENS, IN_H0, IN_C0, IN_P };

struct rnn_shape {
    int64_t seq, batch, in, hidden;
    int n_dir, n_gates;
};

static fy_status expect_dims(struct op_ctx *c, int input, const char *name, int rank,
                             const int64_t *dims)
{
    const struct op_tensor *t = c->in[input];
    bool ok = t->rank == rank;
    for (int d = 0; ok && d < rank; d++) ok = t->dims[d] == dims[d];
    if (ok) return FY_OK;
    char got[96], want[96];
    struct op_tensor w = {.rank = rank};
    for (int d = 0; d < rank; d++) w.dims[d] = dims[d];
    return op_fail(c, FY_EINVALID, "%s has shape %s; expected %s", name,
                   nn_shape_str(t, got, sizeof got), nn_shape_str(&w, want, sizeof want));
}

/* Checks every input against the others; fills s. Reads sequence_lens
 * values (a length beyond the sequence is refused here). */
static fy_status rnn_shape(struct op_ctx *c, struct rnn_shape *s)
{
    const struct seq_rnn_params *p = c->params;
    static const enum ir_dtype floats[] = {IR_F32, IR_F64, IR_F16, IR_BF16};
    fy_status st = op_expect_dtype(c, IN_X, floats, 4);
    if (st) return st;
    int last = c->node->op == IR_OP_LSTM ? IN_P : IN_H0;
    for (int i = IN_W; i <= last && i < c->n_inputs; i++) {
        if (i == IN_SEQ_LENS || !c->in[i]) continue;
        if (c->in[i]->dtype != c->in[IN_X]->dtype)
            return op_fail(c, FY_EINVALID, "input %d has type %s; X has type %s", i,
                           ir_dtype_name(c->in[i]->dtype), ir_dtype_name(c->in[IN_X]->dtype));
    }
    const struct op_tensor *x = c->in[IN_X], *r = c->in[IN_R];
    char b1[96];
    if (x->rank != 3)
        return op_fail(c, FY_EINVALID, "X has shape %s; expected rank 3",
                       nn_shape_str(x, b1, sizeof b1));
    s->seq = x->dims[p->layout ? 1 : 0];
    s->batch = x->dims[p->layout ? 0 : 1];
    s->in = x->dims[2];
    s->n_dir = p->n_dir;
    s->n_gates = p->n_gates;
    if (r->rank != 3)
        return op_fail(c, FY_EINVALID, "R has shape %s; expected rank 3",
                       nn_shape_str(r, b1, sizeof b1));
    s->hidden = p->hidden >= 0 ? p->hidden : r->dims[2];
    /* Dims of empty tensors can be anything; bounding them keeps every product
     * below (G*H*I, seq*batch, ...) far from overflow. */
    const int64_t lim = (int64_t)1 << 24;
    if (s->hidden > lim || s->in > lim || s->seq > lim || s->batch > lim)
        return op_fail(c, FY_EUNSUPPORTED,
                       "hidden %lld, input %lld, sequence %lld or batch %lld is above %lld",
                       (long long)s->hidden, (long long)s->in, (long long)s->seq,
                       (long long)s->batch, (long long)lim);
    int64_t G = p->n_gates, H = s->hidden, nd = p->n_dir;
    int64_t wd[3] = {nd, G * H, s->in}, rd[3] = {nd, G * H, H}, bd[2] = {nd, 2 * G * H};
    st = expect_dims(c, IN_W, "W", 3, wd);
    if (!st) st = expect_dims(c, IN_R, "R", 3, rd);
    if (!st && nn_in(c, IN_B)) st = expect_dims(c, IN_B, "B", 2, bd);
    if (st) return st;
    int64_t hd[3] = {nd, s->batch, H};
    if (p->layout) {
        hd[0] = s->batch;
        hd[1] = nd;
    }
    if (nn_in(c, IN_H0)) st = expect_dims(c, IN_H0, "initial_h", 3, hd);
    if (!st && c->node->op == IR_OP_LSTM && nn_in(c, IN_C0))
        st = expect_dims(c, IN_C0, "initial_c", 3, hd);
    int64_t pd[2] = {nd, 3 * H};
    if (!st && c->node->op == IR_OP_LSTM && nn_in(c, IN_P)) st = expect_dims(c, IN_P, "P", 2, pd);
    if (st) return st;
    const struct op_tensor *sl = nn_in(c, IN_SEQ_LENS);
    if (sl) {
        static const enum ir_dtype ints[] = {IR_I32, IR_I64};
        st = op_expect_dtype(c, IN_SEQ_LENS, ints, 2);
        if (!st) st = expect_dims(c, IN_SEQ_LENS, "sequence_lens", 1, &s->batch);
        if (st) return st;
        for (int64_t b = 0; b < s->batch; b++) {
            int64_t len = op_get_i64(sl, (uint64_t)b);
            if (len < 0 || len > s->seq)
                return op_fail(c, FY_EINVALID,
                               "sequence_lens[%lld] is %lld; it must be in [0, %lld]",
                               (long long)b, (long long)len, (long long)s->seq);
        }
    }
    return FY_OK;
}

fy_status seq_rnn_infer(struct op_ctx *c)
{
    const struct seq_rnn_params *p = c->params;
    struct rnn_shape s;
    fy_status st = rnn_shape(c, &s);
    if (st) return st;
    enum ir_dtype dt = c->in[IN_X]->dtype;
    int64_t y[4] = {s.seq, s.n_dir, s.batch, s.hidden};
    int64_t h[3] = {s.n_dir, s.batch, s.hidden};
    if (p->layout) {
        int64_t y1[4] = {s.batch, s.seq, s.n_dir, s.hidden};
        memcpy(y, y1, sizeof y);
        h[0] = s.batch;
        h[1] = s.n_dir;
    }
    st = op_set_output(c, 0, dt, 4, y);
    if (!st) st = op_set_output(c, 1, dt, 3, h);
    if (!st && c->node->op == IR_OP_LSTM) st = op_set_output(c, 2, dt, 3, h);
    return st;
}

/* ---- the kernel ---- */

struct rnn_run {
    const struct seq_rnn_params *p;
    struct rnn_shape s;
    const double *x, *w, *r, *b, *h0, *c0, *peep;
    double *y, *yh, *yc;        /* NULL when not wanted */
    const struct op_tensor *lens;
    double *gx, *gh, *tmp;      /* per step: X W^T + Wb, H R^T + Rb (G*H each), H */
};

/* Offsets of one [hidden] vector in X-like, Y and state tensors for either
 * layout. */
static int64_t x_off(const struct rnn_run *k, int64_t t, int64_t b)
{
    const struct rnn_shape *s = &k->s;
    return (k->p->layout ? b * s->seq + t : t * s->batch + b) * s->in;
}

static int64_t y_off(const struct rnn_run *k, int64_t t, int d, int64_t b)
{
    const struct rnn_shape *s = &k->s;
    if (k->p->layout) return ((b * s->seq + t) * s->n_dir + d) * s->hidden;
    return ((t * s->n_dir + d) * s->batch + b) * s->hidden;
}

static int64_t state_off(const struct rnn_run *k, int d, int64_t b)
{
    const struct rnn_shape *s = &k->s;
    return (k->p->layout ? b * s->n_dir + d : d * s->batch + b) * s->hidden;
}

/* out[j] = sum_i v[i] * m[j][i] (+ bias[j]) for j < rows */
static void matvec(const double *m, const double *v, const double *bias, int64_t rows,
                   int64_t cols, double *out)
{
    for (int64_t j = 0; j < rows; j++) {
        const double *row = m + j * cols;
        double acc = bias ? bias[j] : 0;
        for (int64_t i = 0; i < cols; i++) acc += row[i] * v[i];
        out[j] = acc;
    }
}

static double gate_in(const struct seq_rnn_params *p, double v)
{
    if (p->has_clip) v = fmin(fmax(v, -p->clip), p->clip);
    return v;
}

/* One time step of direction d for one batch entry: h (and c) updated in place. */
static void rnn_step(struct rnn_run *k, int d, const double *xt, double *h, double *c)
{
    const struct seq_rnn_params *p = k->p;
    int64_t H = k->s.hidden, I = k->s.in, G = p->n_gates;
    const double *w = k->w + (int64_t)d * G * H * I;
    const double *r = k->r + (int64_t)d * G * H * H;
    const double *wb = k->b ? k->b + (int64_t)d * 2 * G * H : NULL;
    const double *rb = wb ? wb + G * H : NULL;
    const struct seq_act_fn *act = p->act[d];
    double *gx = k->gx, *gh = k->gh;
    matvec(w, xt, wb, G * H, I, gx);
    if (G == 1) { /* RNN */
        matvec(r, h, rb, H, H, gh);
        for (int64_t j = 0; j < H; j++) h[j] = act_apply(&act[0], gate_in(p, gx[j] + gh[j]));
    } else if (G == 3) { /* GRU: gates z, r, h */
        if (p->linear_before_reset) {
            matvec(r, h, rb, 3 * H, H, gh);
        } else {
            /* z and r now; the h gate needs rt . Ht-1 first */
            matvec(r, h, rb, 2 * H, H, gh);
        }
        double *z = k->tmp, *rt = k->tmp + H, *ht = k->tmp + 2 * H;
        for (int64_t j = 0; j < H; j++) {
            z[j] = act_apply(&act[0], gate_in(p, gx[j] + gh[j]));
            rt[j] = act_apply(&act[0], gate_in(p, gx[H + j] + gh[H + j]));
        }
        if (p->linear_before_reset) {
            for (int64_t j = 0; j < H; j++)
                ht[j] = act_apply(&act[1], gate_in(p, gx[2 * H + j] + rt[j] * gh[2 * H + j]));
        } else {
            double *rh = k->tmp + 3 * H;
            for (int64_t j = 0; j < H; j++) rh[j] = rt[j] * h[j];
            matvec(r + 2 * H * H, rh, rb ? rb + 2 * H : NULL, H, H, gh + 2 * H);
            for (int64_t j = 0; j < H; j++)
                ht[j] = act_apply(&act[1], gate_in(p, gx[2 * H + j] + gh[2 * H + j]));
        }
        for (int64_t j = 0; j < H; j++) h[j] = (1 - z[j]) * ht[j] + z[j] * h[j];
    } else { /* LSTM: gates i, o, f, c; peepholes i, o, f */
        matvec(r, h, rb, 4 * H, H, gh);
        const double *pi = k->peep ? k->peep + (int64_t)d * 3 * H : NULL;
        const double *po = pi ? pi + H : NULL, *pf = pi ? pi + 2 * H : NULL;
        for (int64_t j = 0; j < H; j++) {
            double vi = gx[j] + gh[j], vo = gx[H + j] + gh[H + j];
            double vf = gx[2 * H + j] + gh[2 * H + j], vc = gx[3 * H + j] + gh[3 * H + j];
            if (pi) {
                vi += pi[j] * c[j];
                vf += pf[j] * c[j];
            }
            double it = act_apply(&act[0], gate_in(p, vi));
            double ft = p->input_forget ? 1 - it : act_apply(&act[0], gate_in(p, vf));
            double ct = act_apply(&act[1], gate_in(p, vc));
            double cn = ft * c[j] + it * ct;
            if (po) vo += po[j] * cn;
            double ot = act_apply(&act[0], gate_in(p, vo));
            c[j] = cn;
            h[j] = ot * act_apply(&act[2], cn);
        }
    }
}

fy_status seq_rnn_eval(struct op_ctx *c)
{
    struct rnn_run k = {.p = c->params};
    fy_status st = rnn_shape(c, &k.s);
    if (st) return st;
    const struct rnn_shape *s = &k.s;
    int64_t H = s->hidden, G = s->n_gates;
    bool lstm = c->node->op == IR_OP_LSTM;
    k.x = nn_load_f64(c, c->in[IN_X]);
    k.w = nn_load_f64(c, c->in[IN_W]);
    k.r = nn_load_f64(c, c->in[IN_R]);
    if (!k.x || !k.w || !k.r) return FY_ENOMEM;
    const struct op_tensor *t;
    if ((t = nn_in(c, IN_B)) && !(k.b = nn_load_f64(c, t))) return FY_ENOMEM;
    if ((t = nn_in(c, IN_H0)) && !(k.h0 = nn_load_f64(c, t))) return FY_ENOMEM;
    if (lstm && (t = nn_in(c, IN_C0)) && !(k.c0 = nn_load_f64(c, t))) return FY_ENOMEM;
    if (lstm && (t = nn_in(c, IN_P)) && !(k.peep = nn_load_f64(c, t))) return FY_ENOMEM;
    k.lens = nn_in(c, IN_SEQ_LENS);
    struct op_tensor *oy = c->n_outputs > 0 ? c->out[0] : NULL;
    struct op_tensor *oh = c->n_outputs > 1 ? c->out[1] : NULL;
    struct op_tensor *oc = lstm && c->n_outputs > 2 ? c->out[2] : NULL;
    if (oy && !(k.y = nn_out_f64(c, oy))) return FY_ENOMEM;
    if (oh && !(k.yh = nn_out_f64(c, oh))) return FY_ENOMEM;
    if (oc && !(k.yc = nn_out_f64(c, oc))) return FY_ENOMEM;
    /* per step: gx, gh (G*H each), GRU temporaries (4*H), state h and c (H each) */
    double *work = op_scratch(c, sizeof(double) * (size_t)(2 * G * H + 6 * H + 1));
    if (!work) return FY_ENOMEM;
    k.gx = work;
    k.gh = work + G * H;
    k.tmp = work + 2 * G * H;
    double *h = work + 2 * G * H + 4 * H, *cs = h + H;
    /* Y is zero past each entry's length */
    if (k.y) memset(k.y, 0, sizeof(double) * (size_t)oy->numel);
    for (int d = 0; d < s->n_dir; d++) {
        bool rev = s->n_dir == 2 ? d == 1 : k.p->reverse;
        for (int64_t b = 0; b < s->batch; b++) {
            int64_t so = state_off(&k, d, b);
            for (int64_t j = 0; j < H; j++) {
                h[j] = k.h0 ? k.h0[so + j] : 0;
                cs[j] = k.c0 ? k.c0[so + j] : 0;
            }
            int64_t len = k.lens ? op_get_i64(k.lens, (uint64_t)b) : s->seq;
            for (int64_t step = 0; step < len; step++) {
                int64_t tt = rev ? len - 1 - step : step;
                rnn_step(&k, d, k.x + x_off(&k, tt, b), h, cs);
                if (k.y) memcpy(k.y + y_off(&k, tt, d, b), h, sizeof(double) * (size_t)H);
            }
            if (k.yh) memcpy(k.yh + so, h, sizeof(double) * (size_t)H);
            if (k.yc) memcpy(k.yc + so, cs, sizeof(double) * (size_t)H);
        }
    }
    if (k.y) nn_store_f64(oy, k.y);
    if (k.yh) nn_store_f64(oh, k.yh);
    if (k.yc) nn_store_f64(oc, k.yc);
    return FY_OK;
}
