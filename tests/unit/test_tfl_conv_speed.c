/* The float32 fast paths of tfl.CONV_2D and tfl.DEPTHWISE_CONV_2D
 * (src/ops/tfl_conv.c) against the reference loop written out here: every
 * output element, bit for bit, is acc = 0.0f; acc = acc + x * w over the taps
 * inside the input in the order (ky, kx, c); then acc + bias (+ 0.0f without
 * one). Random shapes cover strides, dilations, SAME/VALID padding, groups,
 * depth multipliers, channel counts that do not fill a vector, tiles cut by
 * the border; each case runs with 1 and 3 threads and with every SIMD
 * variant this CPU has (sgemm_force_isa). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "interp/interp.h"
#include "ir/ir.h"
#include "ops/gemm_kernel.h"
#include "ops/tfl.h"
#include "t.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}

static int rnd_in(int lo, int hi) /* [lo, hi] */
{
    return lo + (int)(rnd() % (uint32_t)(hi - lo + 1));
}

/* values of mixed magnitude and sign (so the summation order shows), some
 * zeros of both signs */
static float rnd_value(void)
{
    uint32_t r = rnd() % 64;
    if (r == 0) return 0.0f;
    if (r == 1) return -0.0f;
    float m = (float)(rnd() & 0xffffff) / (float)(1 << 24);
    float v = ldexpf(0.5f + m, rnd_in(-6, 6));
    return (rnd() & 1) ? -v : v;
}

struct cs_case {
    bool depthwise;
    int n, h, w, c;       /* input */
    int o, kh, kw, wc;    /* filter: CONV [o, kh, kw, wc]; DW [1, kh, kw, o] */
    int sh, sw, dh, dw, dm;
    bool same, bias;
};

static float *cs_reference(const struct cs_case *k, const float *x, const float *wt,
                           const float *b, int64_t oh, int64_t ow)
{
    const int64_t ph = tfl_pad_before(k->sh, k->dh, k->h, k->kh, oh, NULL);
    const int64_t pw = tfl_pad_before(k->sw, k->dw, k->w, k->kw, ow, NULL);
    float *y = malloc(sizeof(float) * (size_t)(k->n * oh * ow * k->o));
    if (!y) return NULL;
    const int64_t per_group = k->depthwise ? 0 : k->o / (k->c / k->wc);
    for (int64_t bi = 0; bi < k->n; bi++)
        for (int64_t oy = 0; oy < oh; oy++)
            for (int64_t ox = 0; ox < ow; ox++)
                for (int64_t o = 0; o < k->o; o++) {
                    float acc = 0.0f;
                    for (int64_t ky = 0; ky < k->kh; ky++) {
                        const int64_t iy = oy * k->sh - ph + ky * k->dh;
                        if (iy < 0 || iy >= k->h) continue;
                        for (int64_t kx = 0; kx < k->kw; kx++) {
                            const int64_t ix = ox * k->sw - pw + kx * k->dw;
                            if (ix < 0 || ix >= k->w) continue;
                            const float *xp = x + ((bi * k->h + iy) * k->w + ix) * k->c;
                            if (k->depthwise) {
                                acc = acc + xp[o / k->dm] * wt[(ky * k->kw + kx) * k->o + o];
                            } else {
                                const int64_t c0 = o / per_group * k->wc;
                                const float *wp = wt + ((o * k->kh + ky) * k->kw + kx) * k->wc;
                                for (int64_t ci = 0; ci < k->wc; ci++)
                                    acc = acc + xp[c0 + ci] * wp[ci];
                            }
                        }
                    }
                    y[((bi * oh + oy) * ow + ox) * k->o + o] = acc + (b ? b[o] : 0.0f);
                }
    return y;
}

static void cs_attr_int(struct ir_node *n, const char *name, int64_t v, struct fy_error *err)
{
    struct ir_attr *a = ir_node_add_attr(n, name, IR_ATTR_INT, err);
    if (a) a->v.i = v;
}

static struct ir_tensor *cs_const(struct ir_model *m, const char *name, int rank,
                                  const int64_t *dims, const float *vals, struct fy_error *err)
{
    struct ir_tensor *t = ir_graph_add_tensor(m->graph, name, err);
    if (!t || ir_tensor_set_shape(m->graph, t, rank, dims, err)) return NULL;
    uint64_t n = 1;
    for (int d = 0; d < rank; d++)
        n *= (uint64_t)dims[d];
    t->dtype = IR_F32;
    t->kind = IR_TENSOR_CONST;
    float *data = arena_alloc(&m->arena, (size_t)(n ? n : 1) * sizeof(float), 64);
    if (!data) return NULL;
    memcpy(data, vals, (size_t)n * sizeof(float));
    t->data = data;
    t->nbytes = n * sizeof(float);
    if (ir_graph_add_initializer(m->graph, t, err)) return NULL;
    return t;
}

/* Runs the case with the given threads; the output is copied to y. */
static bool cs_run(const struct cs_case *k, const float *x, const float *wt, const float *b,
                   int threads, float *y, int64_t numel, const char *what)
{
    struct fy_error err = {0};
    struct ir_model *m = ir_model_new(&err);
    if (!T_CHECK(m != NULL, "%s: model", what)) return false;
    m->format = IR_FORMAT_TFLITE;
    enum ir_op op = k->depthwise ? IR_OP_TFL_DEPTHWISE_CONV_2D : IR_OP_TFL_CONV_2D;
    struct ir_node *n = ir_graph_add_node(m->graph, op, ir_op_name(op) + 4, "", "node0",
                                          k->bias ? 3 : 2, 1, &err);
    bool ok = n != NULL;
    struct ir_tensor *xt = ok ? ir_graph_add_tensor(m->graph, "x", &err) : NULL;
    struct ir_tensor *yt = ok ? ir_graph_add_tensor(m->graph, "y", &err) : NULL;
    ok = xt && yt && !ir_graph_add_input(m->graph, xt, &err) &&
         !ir_node_set_output(n, 0, yt, &err) && !ir_graph_add_output(m->graph, yt, &err);
    if (ok) {
        n->rounding = IR_ROUND_TFLITE;
        xt->dtype = IR_F32;
        yt->dtype = IR_F32;
        n->inputs[0] = xt;
        const int64_t wd_conv[4] = {k->o, k->kh, k->kw, k->wc};
        const int64_t wd_dw[4] = {1, k->kh, k->kw, k->o};
        const int64_t bd[1] = {k->o};
        n->inputs[1] = cs_const(m, "w", 4, k->depthwise ? wd_dw : wd_conv, wt, &err);
        if (k->bias) n->inputs[2] = cs_const(m, "b", 1, bd, b, &err);
        ok = n->inputs[1] && (!k->bias || n->inputs[2]);
        struct ir_attr *a = ir_node_add_attr(n, "padding", IR_ATTR_STRING, &err);
        if (a) {
            a->v.s.data = (const uint8_t *)(k->same ? "SAME" : "VALID");
            a->v.s.size = strlen(k->same ? "SAME" : "VALID");
        }
        cs_attr_int(n, "stride_h", k->sh, &err);
        cs_attr_int(n, "stride_w", k->sw, &err);
        cs_attr_int(n, "dilation_h_factor", k->dh, &err);
        cs_attr_int(n, "dilation_w_factor", k->dw, &err);
        if (k->depthwise) cs_attr_int(n, "depth_multiplier", k->dm, &err);
    }
    struct op_tensor in = {0};
    const int64_t xd[4] = {k->n, k->h, k->w, k->c};
    struct interp *ip = NULL;
    struct op_tensor *out = NULL;
    if (ok) ok = !op_tensor_alloc(&in, IR_F32, 4, xd, &err);
    if (ok) {
        memcpy(in.data, x, (size_t)in.numel * sizeof(float));
        struct interp_options opt = {.threads = threads};
        const struct op_tensor *feed[1] = {&in};
        ok = !interp_create(m, &opt, &ip, &err) && !interp_run(ip, feed, 1, &out, 1, &err);
    }
    T_CHECK(ok, "%s: run: %s", what, err.message);
    if (ok) ok = T_CHECK(out && out->numel == (uint64_t)numel, "%s: output has %llu values, want %lld",
                         what, out ? (unsigned long long)out->numel : 0ull, (long long)numel);
    if (ok) memcpy(y, out->data, (size_t)numel * sizeof(float));
    interp_destroy(ip);
    op_tensor_release(&in);
    ir_model_free(m);
    return ok;
}

static void cs_check(const struct cs_case *k, int id)
{
    const int pad = k->same ? TFL_PAD_SAME : TFL_PAD_VALID;
    const int64_t oh = tfl_out_size(pad, k->h, k->kh, k->sh, k->dh);
    const int64_t ow = tfl_out_size(pad, k->w, k->kw, k->sw, k->dw);
    if (oh <= 0 || ow <= 0) return;
    const int64_t nx = (int64_t)k->n * k->h * k->w * k->c;
    const int64_t nw = (int64_t)k->kh * k->kw * (k->depthwise ? k->o : k->o * k->wc);
    const int64_t ny = k->n * oh * ow * k->o;
    float *x = malloc(sizeof(float) * (size_t)nx), *wt = malloc(sizeof(float) * (size_t)nw);
    float *b = malloc(sizeof(float) * (size_t)k->o), *y = malloc(sizeof(float) * (size_t)ny);
    float *want = NULL;
    if (!T_CHECK(x && wt && b && y, "case %d: memory", id)) goto done;
    for (int64_t i = 0; i < nx; i++) x[i] = rnd_value();
    for (int64_t i = 0; i < nw; i++) wt[i] = rnd_value();
    for (int64_t i = 0; i < k->o; i++) b[i] = rnd_value();
    want = cs_reference(k, x, wt, k->bias ? b : NULL, oh, ow);
    if (!T_CHECK(want != NULL, "case %d: memory", id)) goto done;
    for (int isa = 0; isa < SGEMM_ISA_COUNT; isa++) {
        if (!sgemm_isa_available((enum sgemm_isa)isa)) continue;
        sgemm_force_isa((enum sgemm_isa)isa);
        for (int threads = 1; threads <= 3; threads += 2) {
            char what[256];
            snprintf(what, sizeof what,
                     "case %d %s %s threads %d: x [%d,%d,%d,%d] o %d k %dx%d wc %d s %d,%d d %d,%d "
                     "dm %d %s%s",
                     id, k->depthwise ? "DEPTHWISE" : "CONV_2D", sgemm_isa_name((enum sgemm_isa)isa),
                     threads, k->n, k->h, k->w, k->c, k->o, k->kh, k->kw, k->wc, k->sh, k->sw,
                     k->dh, k->dw, k->dm, k->same ? "SAME" : "VALID", k->bias ? " bias" : "");
            memset(y, 0xff, sizeof(float) * (size_t)ny);
            if (!cs_run(k, x, wt, k->bias ? b : NULL, threads, y, ny, what)) goto done;
            for (int64_t i = 0; i < ny; i++) {
                uint32_t got, exp;
                memcpy(&got, &y[i], 4);
                memcpy(&exp, &want[i], 4);
                if (!T_CHECK(got == exp, "%s: [%lld] = %a (0x%08x), want %a (0x%08x)", what,
                             (long long)i, (double)y[i], got, (double)want[i], exp))
                    goto done;
            }
        }
    }
done:
    sgemm_force_isa(SGEMM_ISA_COUNT);
    free(x);
    free(wt);
    free(b);
    free(y);
    free(want);
}

TEST(tfl_conv2d_float_fast_path_is_bit_exact)
{
    static const int channels[] = {1, 2, 3, 5, 8, 16, 17, 31, 32, 33, 40, 64, 70};
    for (int id = 0; id < 120; id++) {
        struct cs_case k = {0};
        k.n = rnd_in(1, 2);
        k.h = rnd_in(1, 9);
        k.w = rnd_in(1, 15);
        k.kh = rnd_in(1, 4);
        k.kw = rnd_in(1, 4);
        k.sh = rnd_in(1, 3);
        k.sw = rnd_in(1, 3);
        k.dh = rnd() % 4 ? 1 : 2;
        k.dw = rnd() % 4 ? 1 : 2;
        k.same = rnd() & 1;
        k.bias = rnd() % 3 != 0;
        int groups = rnd() % 5 ? 1 : rnd_in(2, 3);
        k.wc = channels[rnd() % 8];
        k.c = k.wc * groups;
        k.o = channels[rnd() % 13] * groups;
        if (id == 0) { /* a 1x1 convolution, the common case */
            k.kh = k.kw = 1;
            k.sh = k.sw = k.dh = k.dw = 1;
        }
        cs_check(&k, id);
    }
}

TEST(tfl_depthwise_float_fast_path_is_bit_exact)
{
    static const int channels[] = {1, 3, 4, 8, 16, 17, 20, 32, 33, 48};
    for (int id = 0; id < 80; id++) {
        struct cs_case k = {.depthwise = true};
        k.n = rnd_in(1, 2);
        k.h = rnd_in(1, 9);
        k.w = rnd_in(1, 12);
        k.kh = rnd_in(1, 4);
        k.kw = rnd_in(1, 4);
        k.sh = rnd_in(1, 2);
        k.sw = rnd_in(1, 2);
        k.dh = rnd() % 4 ? 1 : 2;
        k.dw = rnd() % 4 ? 1 : 2;
        k.same = rnd() & 1;
        k.bias = rnd() % 3 != 0;
        k.dm = rnd() % 4 ? 1 : rnd_in(2, 3);
        k.c = channels[rnd() % 10];
        k.o = k.c * k.dm;
        k.wc = k.o;
        cs_check(&k, id);
    }
}
