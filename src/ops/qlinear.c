/* QLinearConv and QLinearMatMul: integer products of zero-point-shifted
 * 8-bit values, accumulated exactly, then requantized once:
 *   y = saturate(round_half_even(float(acc) * multiplier) + y_zero_point)
 * with multiplier = (x_scale * w_scale) / y_scale evaluated in float32, as
 * ONNX Runtime does. Padding contributes nothing (it stands for the zero
 * point). QLinearConv takes one scale/zero point per output channel for w;
 * QLinearMatMul one per row of a and one per column of b. */
#include <string.h>

#include "ops/nn.h"
#include "ops/quant.h"

static const enum ir_dtype int8_types[] = {IR_I8, IR_U8};

/* A scale/zero-point pair: both inputs present, same shape, float scale,
 * zero point of the quantized tensor's type. */
static fy_status check_pair(struct op_ctx *c, int scale, int zp, enum ir_dtype qtype,
                            const char *what)
{
    const struct op_tensor *s = c->in[scale], *z = c->in[zp];
    if (!s) return op_fail(c, FY_EINVALID, "%s_scale is missing", what);
    if (s->dtype != IR_F32 && s->dtype != IR_F16 && s->dtype != IR_BF16)
        return op_fail(c, FY_EINVALID, "%s_scale has type %s; expected a float type", what,
                       ir_dtype_name(s->dtype));
    if (z && z->dtype != qtype)
        return op_fail(c, FY_EINVALID, "%s_zero_point has type %s; expected %s", what,
                       ir_dtype_name(z->dtype), ir_dtype_name(qtype));
    if (z && z->numel != s->numel)
        return op_fail(c, FY_EINVALID, "%s_zero_point has %llu values but %s_scale has %llu",
                       what, (unsigned long long)z->numel, what, (unsigned long long)s->numel);
    return FY_OK;
}

static int64_t zp_at(const struct op_tensor *z, uint64_t i)
{
    return z ? q_get_int(z, z->numel == 1 ? 0 : i) : 0;
}

/* ---- QLinearConv ---- */

enum { CX, CX_SCALE, CX_ZP, CW, CW_SCALE, CW_ZP, CY_SCALE, CY_ZP, CB };

struct qconv_shape {
    int64_t batch, c_in, m_out, cg, mg;
    struct nn_geom g;
};

static fy_status qconv_shape(struct op_ctx *c, struct qconv_shape *s)
{
    const struct nn_conv_params *p = c->params;
    fy_status st = op_expect_dtype(c, CX, int8_types, 2);
    if (!st) st = op_expect_dtype(c, CW, int8_types, 2);
    if (!st) st = check_pair(c, CX_SCALE, CX_ZP, c->in[CX]->dtype, "x");
    if (!st) st = check_pair(c, CW_SCALE, CW_ZP, c->in[CW]->dtype, "w");
    if (st) return st;
    const struct op_tensor *yz = c->in[CY_ZP];
    if (!yz) return op_fail(c, FY_EINVALID, "y_zero_point is missing");
    if (yz->dtype != IR_I8 && yz->dtype != IR_U8)
        return op_fail(c, FY_EINVALID, "y_zero_point has type %s; expected int8 or uint8",
                       ir_dtype_name(yz->dtype));
    st = check_pair(c, CY_SCALE, CY_ZP, yz->dtype, "y");
    if (st) return st;
    const struct op_tensor *x = c->in[CX], *w = c->in[CW];
    char b1[96], b2[96];
    if (x->rank < 3 || w->rank != x->rank || x->rank - 2 > NN_MAX_SPATIAL)
        return op_fail(c, FY_EINVALID, "x %s and w %s: expected N x C x D... and M x C/group x k...",
                       nn_shape_str(x, b1, sizeof b1), nn_shape_str(w, b2, sizeof b2));
    if (c->in[CX_SCALE]->numel != 1 || c->in[CY_SCALE]->numel != 1)
        return op_fail(c, FY_EINVALID, "x_scale and y_scale must each be one value");
    s->batch = x->dims[0];
    s->c_in = x->dims[1];
    s->m_out = w->dims[0];
    if (p->group < 1 || s->c_in % p->group || s->m_out % p->group ||
        w->dims[1] * p->group != s->c_in)
        return op_fail(c, FY_EINVALID, "x %s, w %s and group %lld do not agree",
                       nn_shape_str(x, b1, sizeof b1), nn_shape_str(w, b2, sizeof b2),
                       (long long)p->group);
    s->cg = s->c_in / p->group;
    s->mg = s->m_out / p->group;
    uint64_t ws = c->in[CW_SCALE]->numel;
    if (ws != 1 && (c->in[CW_SCALE]->rank != 1 || ws != (uint64_t)s->m_out))
        return op_fail(c, FY_EINVALID, "w_scale has %llu values; expected 1 or %lld (one per "
                       "output channel)", (unsigned long long)ws, (long long)s->m_out);
    int ns = x->rank - 2;
    if (p->w.n_kernel >= 0) {
        bool ok = p->w.n_kernel == ns;
        for (int i = 0; ok && i < ns; i++) ok = p->w.kernel[i] == w->dims[2 + i];
        if (!ok)
            return op_fail(c, FY_EINVALID, "kernel_shape does not match w %s",
                           nn_shape_str(w, b1, sizeof b1));
    }
    const struct op_tensor *b = nn_in(c, CB);
    if (b && (b->dtype != IR_I32 || b->rank != 1 || b->dims[0] != s->m_out))
        return op_fail(c, FY_EINVALID, "B is %s %s; expected int32 [%lld]",
                       ir_dtype_name(b->dtype), nn_shape_str(b, b1, sizeof b1),
                       (long long)s->m_out);
    return nn_window_geom(c, &p->w, ns, x->dims + 2, w->dims + 2, &s->g);
}

fy_status q_conv_infer(struct op_ctx *c)
{
    struct qconv_shape s;
    fy_status st = qconv_shape(c, &s);
    if (st) return st;
    int64_t dims[OP_MAX_RANK] = {s.batch, s.m_out};
    for (int i = 0; i < s.g.ns; i++) dims[2 + i] = s.g.out[i];
    return op_set_output(c, 0, c->in[CY_ZP]->dtype, 2 + s.g.ns, dims);
}

struct qconv_run {
    struct qconv_shape s;
    const struct op_tensor *x, *w, *xz, *wz, *b;
    float x_scale, y_scale;
    const struct op_tensor *w_scale;
    int64_t yzp, lo, hi;
    struct op_tensor *y;
};

/* Output planes [begin, end) of the flattened [N, M]. */
static void qconv_planes(void *arg, int64_t begin, int64_t end)
{
    const struct qconv_run *r = arg;
    const struct qconv_shape *s = &r->s;
    const struct nn_geom *g = &s->g;
    int ns = g->ns;
    int64_t xzp = zp_at(r->xz, 0);
    for (int64_t plane = begin; plane < end; plane++) {
        int64_t n = plane / s->m_out, m = plane % s->m_out, grp = m / s->mg;
        int64_t wzp = zp_at(r->wz, (uint64_t)m);
        float mult = r->x_scale * q_get_scale(r->w_scale, r->w_scale->numel == 1 ? 0 : (uint64_t)m);
        mult = mult / r->y_scale;
        int64_t bias = r->b ? ((const int32_t *)r->b->data)[m] : 0;
        int64_t oc[NN_MAX_SPATIAL] = {0};
        for (int64_t o = 0; o < g->out_size; o++) {
            int64_t acc = bias;
            for (int64_t ci = 0; ci < s->cg; ci++) {
                int64_t ch = grp * s->cg + ci;
                uint64_t xbase = (uint64_t)((n * s->c_in + ch) * g->in_size);
                uint64_t wbase = (uint64_t)((m * s->cg + ci) * g->k_size);
                int64_t kc[NN_MAX_SPATIAL] = {0};
                for (int64_t kk = 0; kk < g->k_size; kk++) {
                    /* input position of this tap; outside the input is padding */
                    int64_t xi = 0;
                    bool inside = true;
                    for (int d = 0; d < ns; d++) {
                        int64_t pos = oc[d] * g->s[d] - g->pb[d] + kc[d] * g->d[d];
                        if (pos < 0 || pos >= g->in[d]) inside = false;
                        xi = xi * g->in[d] + pos;
                    }
                    if (inside) {
                        int64_t xv = q_get_int(r->x, xbase + (uint64_t)xi) - xzp;
                        int64_t wv = q_get_int(r->w, wbase + (uint64_t)kk) - wzp;
                        acc += xv * wv;
                    }
                    for (int d = ns - 1; d >= 0; d--) {
                        if (++kc[d] < g->k[d]) break;
                        kc[d] = 0;
                    }
                }
            }
            q_set_int(r->y, (uint64_t)(plane * g->out_size + o),
                      q_requantize((float)acc * mult, r->yzp, r->lo, r->hi));
            for (int d = ns - 1; d >= 0; d--) {
                if (++oc[d] < g->out[d]) break;
                oc[d] = 0;
            }
        }
    }
}

fy_status q_conv_eval(struct op_ctx *c)
{
    struct qconv_run r = {0};
    fy_status st = qconv_shape(c, &r.s);
    if (st) return st;
    r.x = c->in[CX];
    r.w = c->in[CW];
    r.xz = c->in[CX_ZP];
    r.wz = c->in[CW_ZP];
    r.b = nn_in(c, CB);
    r.x_scale = q_get_scale(c->in[CX_SCALE], 0);
    r.y_scale = q_get_scale(c->in[CY_SCALE], 0);
    r.w_scale = c->in[CW_SCALE];
    r.yzp = q_get_int(c->in[CY_ZP], 0);
    r.y = c->out[0];
    q_int_range(r.y->dtype, &r.lo, &r.hi);
    int64_t per_plane = r.s.g.out_size * r.s.cg * r.s.g.k_size + 1;
    op_parallel_for(c, r.s.batch * r.s.m_out, 1 + 65536 / per_plane, qconv_planes, &r);
    return FY_OK;
}

/* ---- QLinearMatMul ---- */

enum { MA, MA_SCALE, MA_ZP, MB, MB_SCALE, MB_ZP, MY_SCALE, MY_ZP };

struct qmm_shape {
    int rank;                      /* of the output */
    int64_t dims[OP_MAX_RANK];     /* output */
    int nb;                        /* batch dims */
    int64_t bdims[OP_MAX_RANK];
    int64_t a_bstr[OP_MAX_RANK], b_bstr[OP_MAX_RANK]; /* batch strides (in matrices) */
    int64_t m, k, n;
    /* scale/zero-point element of row m of a (per-row) or column n of b */
    int64_t as_bstr[OP_MAX_RANK], as_m; /* all 0: per tensor */
    int64_t bs_bstr[OP_MAX_RANK], bs_n;
};

/* Per-row (a) or per-column (b) parameters: 1-D [M] / [N], or the operand's
 * rank with the reduced dim 1 ([..., M, 1] / [..., 1, N]) and batch dims 1
 * or equal to the operand's. Fills the strides for the batch dims. */
static fy_status param_strides(struct op_ctx *c, int input, const struct op_tensor *op, bool rows,
                               const struct qmm_shape *s, int64_t *bstr, int64_t *mstr)
{
    const struct op_tensor *p = c->in[input];
    for (int d = 0; d < s->nb; d++) bstr[d] = 0;
    *mstr = 0;
    if (p->numel == 1) return FY_OK;
    int64_t len = rows ? s->m : s->n;
    char b1[96], b2[96];
    if (p->rank == 1 && p->dims[0] == len) {
        *mstr = 1;
        return FY_OK;
    }
    bool ok = p->rank == op->rank && op->rank >= 2;
    if (ok) ok = rows ? p->dims[p->rank - 2] == len && p->dims[p->rank - 1] == 1
                      : p->dims[p->rank - 2] == 1 && p->dims[p->rank - 1] == len;
    int64_t stride = len;
    for (int d = p->rank - 3; ok && d >= 0; d--) {
        int od = s->nb - (p->rank - 2) + d; /* the matching output batch dim */
        if (p->dims[d] != 1 && p->dims[d] != op->dims[d]) ok = false;
        if (ok && p->dims[d] != 1) bstr[od] = stride;
        stride *= p->dims[d];
    }
    if (!ok)
        return op_fail(c, FY_EINVALID, "%s has shape %s; for %s %s it must be one value or one "
                       "per %s",
                       input == MA_SCALE ? "a_scale" : "b_scale", nn_shape_str(p, b1, sizeof b1),
                       rows ? "a" : "b", nn_shape_str(op, b2, sizeof b2),
                       rows ? "row" : "column");
    *mstr = 1;
    return FY_OK;
}

static fy_status qmm_shape(struct op_ctx *c, struct qmm_shape *s)
{
    fy_status st = op_expect_dtype(c, MA, int8_types, 2);
    if (!st) st = op_expect_dtype(c, MB, int8_types, 2);
    if (!st) st = check_pair(c, MA_SCALE, MA_ZP, c->in[MA]->dtype, "a");
    if (!st) st = check_pair(c, MB_SCALE, MB_ZP, c->in[MB]->dtype, "b");
    if (st) return st;
    const struct op_tensor *yz = c->in[MY_ZP];
    if (!yz) return op_fail(c, FY_EINVALID, "y_zero_point is missing");
    if (yz->dtype != IR_I8 && yz->dtype != IR_U8)
        return op_fail(c, FY_EINVALID, "y_zero_point has type %s; expected int8 or uint8",
                       ir_dtype_name(yz->dtype));
    st = check_pair(c, MY_SCALE, MY_ZP, yz->dtype, "y");
    if (st) return st;
    if (c->in[MY_SCALE]->numel != 1)
        return op_fail(c, FY_EINVALID, "y_scale must be one value");
    const struct op_tensor *a = c->in[MA], *b = c->in[MB];
    char b1[96], b2[96];
    if (a->rank < 1 || b->rank < 1)
        return op_fail(c, FY_EINVALID, "a %s and b %s: matmul needs rank >= 1",
                       nn_shape_str(a, b1, sizeof b1), nn_shape_str(b, b2, sizeof b2));
    /* numpy.matmul: a 1-D a is a row, a 1-D b a column, each dropped from the result */
    s->m = a->rank == 1 ? 1 : a->dims[a->rank - 2];
    s->k = a->dims[a->rank - 1];
    int64_t kb = b->rank == 1 ? b->dims[0] : b->dims[b->rank - 2];
    s->n = b->rank == 1 ? 1 : b->dims[b->rank - 1];
    if (kb != s->k)
        return op_fail(c, FY_EINVALID, "a %s and b %s: inner dims %lld and %lld differ",
                       nn_shape_str(a, b1, sizeof b1), nn_shape_str(b, b2, sizeof b2),
                       (long long)s->k, (long long)kb);
    int na = a->rank > 2 ? a->rank - 2 : 0, nbb = b->rank > 2 ? b->rank - 2 : 0;
    s->nb = na > nbb ? na : nbb;
    int64_t sa = 1, sb = 1;
    for (int d = s->nb - 1; d >= 0; d--) {
        int da = d - (s->nb - na), db = d - (s->nb - nbb);
        int64_t ea = da >= 0 ? a->dims[da] : 1, eb = db >= 0 ? b->dims[db] : 1;
        if (ea != eb && ea != 1 && eb != 1)
            return op_fail(c, FY_EINVALID, "a %s and b %s: batch dims cannot be broadcast",
                           nn_shape_str(a, b1, sizeof b1), nn_shape_str(b, b2, sizeof b2));
        s->bdims[d] = ea > eb ? ea : eb;
        if (ea == 0 || eb == 0) s->bdims[d] = 0;
        s->a_bstr[d] = ea == 1 ? 0 : sa;
        s->b_bstr[d] = eb == 1 ? 0 : sb;
        sa *= ea;
        sb *= eb;
    }
    s->rank = 0;
    for (int d = 0; d < s->nb; d++) s->dims[s->rank++] = s->bdims[d];
    if (a->rank > 1) s->dims[s->rank++] = s->m;
    if (b->rank > 1) s->dims[s->rank++] = s->n;
    st = param_strides(c, MA_SCALE, a, true, s, s->as_bstr, &s->as_m);
    if (!st) st = param_strides(c, MB_SCALE, b, false, s, s->bs_bstr, &s->bs_n);
    return st;
}

fy_status q_matmul_infer(struct op_ctx *c)
{
    struct qmm_shape s;
    fy_status st = qmm_shape(c, &s);
    if (st) return st;
    return op_set_output(c, 0, c->in[MY_ZP]->dtype, s.rank, s.dims);
}

fy_status q_matmul_eval(struct op_ctx *c)
{
    struct qmm_shape s;
    fy_status st = qmm_shape(c, &s);
    if (st) return st;
    const struct op_tensor *a = c->in[MA], *b = c->in[MB];
    const struct op_tensor *as = c->in[MA_SCALE], *az = c->in[MA_ZP];
    const struct op_tensor *bs = c->in[MB_SCALE], *bz = c->in[MB_ZP];
    struct op_tensor *y = c->out[0];
    float ys = q_get_scale(c->in[MY_SCALE], 0);
    int64_t yzp = q_get_int(c->in[MY_ZP], 0), lo, hi;
    q_int_range(y->dtype, &lo, &hi);
    int64_t nbatch = 1;
    for (int d = 0; d < s.nb; d++) nbatch *= s.bdims[d];
    int64_t idx[OP_MAX_RANK] = {0};
    uint64_t out = 0;
    for (int64_t bi = 0; bi < nbatch; bi++) {
        int64_t ao = 0, bo = 0, apo = 0, bpo = 0;
        for (int d = 0; d < s.nb; d++) {
            ao += idx[d] * s.a_bstr[d];
            bo += idx[d] * s.b_bstr[d];
            apo += idx[d] * s.as_bstr[d];
            bpo += idx[d] * s.bs_bstr[d];
        }
        for (int64_t i = 0; i < s.m; i++) {
            uint64_t ap = (uint64_t)(apo + i * s.as_m);
            int64_t azp = zp_at(az, ap);
            float a_scale = q_get_scale(as, as->numel == 1 ? 0 : ap);
            for (int64_t j = 0; j < s.n; j++) {
                uint64_t bp = (uint64_t)(bpo + j * s.bs_n);
                int64_t bzp = zp_at(bz, bp);
                int64_t acc = 0;
                for (int64_t kk = 0; kk < s.k; kk++) {
                    int64_t av = q_get_int(a, (uint64_t)((ao * s.m + i) * s.k + kk)) - azp;
                    int64_t bv = q_get_int(b, (uint64_t)((bo * s.k + kk) * s.n + j)) - bzp;
                    acc += av * bv;
                }
                float mult = a_scale * q_get_scale(bs, bs->numel == 1 ? 0 : bp);
                mult = mult / ys;
                q_set_int(y, out++, q_requantize((float)acc * mult, yzp, lo, hi));
            }
        }
        for (int d = s.nb - 1; d >= 0; d--) {
            if (++idx[d] < s.bdims[d]) break;
            idx[d] = 0;
        }
    }
    return FY_OK;
}
