/* GridSample (opset 16: 4-D input, modes bilinear/nearest/bicubic; opset
 * 20: any spatial rank, modes linear/nearest/cubic).
 *
 * X is [N, C, D1..Dk], grid [N, O1..Ok, k] with normalized coordinates in
 * [-1, 1], listed innermost dim first (x, y, z). Y is [N, C, O1..Ok].
 *   unnormalize   align_corners: (g + 1) / 2 * (D - 1)
 *                 otherwise:     ((g + 1) * D - 1) / 2
 *   nearest       rounds half to even (2-D, as PyTorch's nearbyint) or half
 *                 away from zero (3-D, as PyTorch's round)
 *   padding       a coordinate outside [lo, hi] ([0, D-1] with align_corners,
 *                 [-0.5, D-0.5] without) is clamped to [0, D-1] (border) or
 *                 reflected into [lo, hi] (reflection); zeros leaves it
 *   taps          linear floor(x), floor(x)+1; cubic floor(x)-1 .. +2 with
 *                 Keys' kernel, a = -0.75; a tap index outside [0, D) reads
 *                 0 (zeros), the edge (border) or its reflection (reflection)
 * The N-D value is the tensor product of the per-dim taps. */
#include <math.h>
#include <string.h>

#include "ops/image.h"

#define GS_MAX_COMBOS 1024

fy_status grid_sample_parse(const struct ir_node *n, int64_t opset, void *params,
                            struct fy_error *err)
{
    struct grid_sample_params *p = params;
    p->only_4d = opset < 20;
    struct ir_bytes mode, pad;
    int64_t ac = 0;
    fy_status st = op_attr_string(n, "mode", opset < 20 ? "bilinear" : "linear", &mode, err);
    if (!st) st = op_attr_string(n, "padding_mode", "zeros", &pad, err);
    if (!st) st = op_attr_int(n, "align_corners", 0, &ac, err);
    if (st) return st;
    if (op_bytes_eq(mode, "nearest")) p->mode = GS_NEAREST;
    else if (op_bytes_eq(mode, opset < 20 ? "bilinear" : "linear")) p->mode = GS_LINEAR;
    else if (op_bytes_eq(mode, opset < 20 ? "bicubic" : "cubic")) p->mode = GS_CUBIC;
    else
        return op_fail_node(n, err, FY_EINVALID, "mode is '%.*s'; expected %s", (int)mode.size,
                            (const char *)mode.data,
                            opset < 20 ? "bilinear, nearest or bicubic"
                                       : "linear, nearest or cubic");
    if (op_bytes_eq(pad, "zeros")) p->padding = GS_ZEROS;
    else if (op_bytes_eq(pad, "border")) p->padding = GS_BORDER;
    else if (op_bytes_eq(pad, "reflection")) p->padding = GS_REFLECTION;
    else
        return op_fail_node(n, err, FY_EINVALID,
                            "padding_mode is '%.*s'; expected zeros, border or reflection",
                            (int)pad.size, (const char *)pad.data);
    if (ac != 0 && ac != 1)
        return op_fail_node(n, err, FY_EINVALID, "align_corners is %lld; expected 0 or 1",
                            (long long)ac);
    p->align_corners = ac == 1;
    return FY_OK;
}

fy_status grid_sample_infer(struct op_ctx *c)
{
    const struct grid_sample_params *p = c->params;
    const struct op_tensor *x = c->in[0], *grid = c->in[1];
    static const enum ir_dtype numeric[] = {IR_F32, IR_F64, IR_F16, IR_BF16, IR_I8,  IR_U8,
                                            IR_I16, IR_U16, IR_I32, IR_U32,  IR_I64, IR_U64};
    static const enum ir_dtype floats[] = {IR_F32, IR_F64, IR_F16, IR_BF16};
    fy_status st = op_expect_dtype(c, 0, numeric, 12);
    if (!st) st = op_expect_dtype(c, 1, floats, 4);
    if (st) return st;
    char b1[96], b2[96];
    int k = x->rank - 2;
    if (x->rank < 3 || (p->only_4d && x->rank != 4))
        return op_fail(c, FY_EINVALID, "X has shape %s; GridSample-%lld needs %s",
                       rx_shape_str(x, b1, sizeof b1), (long long)c->opset,
                       p->only_4d ? "[N, C, H, W]" : "[N, C, D1, ...]");
    if (grid->rank != x->rank || grid->dims[0] != x->dims[0] || grid->dims[x->rank - 1] != k)
        return op_fail(c, FY_EINVALID, "grid has shape %s; with X %s it must be [%lld, ..., %d]",
                       rx_shape_str(grid, b1, sizeof b1), rx_shape_str(x, b2, sizeof b2),
                       (long long)x->dims[0], k);
    int taps = p->mode == GS_CUBIC ? 4 : (p->mode == GS_LINEAR ? 2 : 1);
    int64_t combos = 1;
    for (int i = 0; i < k; i++) combos *= taps;
    if (combos > GS_MAX_COMBOS)
        return op_fail(c, FY_EUNSUPPORTED, "%d spatial dims in this mode need %lld taps each; "
                       "at most %d are supported", k, (long long)combos, GS_MAX_COMBOS);
    int64_t dims[OP_MAX_RANK];
    dims[0] = x->dims[0];
    dims[1] = x->dims[1];
    for (int i = 0; i < k; i++) dims[2 + i] = grid->dims[1 + i];
    return op_set_output(c, 0, x->dtype, x->rank, dims);
}

/* Folds x into [lo, hi] by reflecting off its ends. */
static double gs_reflect(double x, double lo, double hi)
{
    double range = hi - lo;
    if (!(range > 0)) return lo;
    if (x < lo) {
        double dx = lo - x;
        double n = floor(dx / range), r = dx - n * range;
        return fmod(n, 2) == 0 ? lo + r : hi - r;
    }
    if (x > hi) {
        double dx = x - hi;
        double n = floor(dx / range), r = dx - n * range;
        return fmod(n, 2) == 0 ? hi - r : lo + r;
    }
    return x;
}

/* Index read for tap i along a dim of length d; -1: reads zero. */
static int64_t gs_index(const struct grid_sample_params *p, int64_t i, int64_t d, double lo,
                        double hi)
{
    if (i >= 0 && i < d) return i;
    if (d == 0) return -1;
    switch (p->padding) {
    case GS_ZEROS: return -1;
    case GS_BORDER: return i < 0 ? 0 : d - 1;
    case GS_REFLECTION: {
        int64_t r = (int64_t)gs_reflect((double)i, lo, hi);
        return r < 0 ? 0 : (r >= d ? d - 1 : r);
    }
    }
    return -1;
}

static void gs_cubic(double t, double *w)
{
    const double a = -0.75;
    double d[4] = {t + 1, t, 1 - t, 2 - t};
    for (int i = 0; i < 4; i++) {
        double x = fabs(d[i]);
        w[i] = x <= 1 ? ((a + 2) * x - (a + 3)) * x * x + 1
                      : (x < 2 ? ((a * x - 5 * a) * x + 8 * a) * x - 4 * a : 0);
    }
}

struct gs_job {
    const struct grid_sample_params *p;
    int k;
    int64_t N, C, in[OP_MAX_RANK], in_size, out_size;
    const double *x, *grid;
    double *y;
};

/* Items [b, e) of N * out_size: one output position of one image, all
 * channels. */
static void gs_range(void *arg, int64_t b, int64_t e)
{
    const struct gs_job *j = arg;
    const struct grid_sample_params *p = j->p;
    int k = j->k;
    int64_t coff[GS_MAX_COMBOS];
    double cw[GS_MAX_COMBOS];
    for (int64_t it = b; it < e; it++) {
        int64_t n = it / j->out_size, pos = it % j->out_size;
        const double *g = j->grid + it * k;
        int64_t nc = 1;
        coff[0] = 0;
        cw[0] = 1;
        int64_t stride = 1;
        /* dims innermost first: grid component i belongs to spatial dim k-1-i */
        for (int i = 0; i < k; i++) {
            int64_t d = j->in[k - 1 - i];
            double lo = p->align_corners ? 0 : -0.5;
            double hi = p->align_corners ? (double)(d - 1) : (double)d - 0.5;
            /* in float, as ONNX Runtime and ONNX's reference do: a grid value
             * such as -1/3 must land on the same side of a rounding tie */
            float gf = (float)g[i];
            double v = p->align_corners ? (double)((gf + 1) / 2 * (float)(d - 1))
                                        : (double)(((gf + 1) * (float)d - 1) / 2);
            if (v != v) v = -(double)d - 8; /* a NaN grid value reads as far outside */
            if (p->mode == GS_NEAREST) v = k == 3 ? round(v) : nearbyint(v);
            if (v < lo || v > hi) {
                /* cubic + border clamps each tap, not the coordinate: PyTorch's
                 * definition, which ONNX Runtime follows (ONNX's reference
                 * clamps the coordinate; the two differ only for cubic) */
                if (p->padding == GS_BORDER && p->mode != GS_CUBIC)
                    v = fmin(fmax(v, 0), (double)(d - 1));
                else if (p->padding == GS_REFLECTION)
                    v = gs_reflect(v, lo, hi);
            }
            /* past a few pixels out every tap reads the same (zero or the
             * edge); pulling far values in keeps the integer conversions
             * defined */
            v = fmin(fmax(v, -(double)d - 8), (double)d + 8);
            int64_t idx[4];
            double w[4];
            int cnt;
            if (p->mode == GS_NEAREST) {
                idx[0] = (int64_t)v;
                w[0] = 1;
                cnt = 1;
            } else {
                double f = floor(v);
                if (p->mode == GS_LINEAR) {
                    idx[0] = (int64_t)f;
                    idx[1] = (int64_t)f + 1;
                    w[0] = 1 - (v - f);
                    w[1] = v - f;
                    cnt = 2;
                } else {
                    for (int t = 0; t < 4; t++) idx[t] = (int64_t)f - 1 + t;
                    gs_cubic(v - f, w);
                    cnt = 4;
                }
            }
            /* combine with the dims done so far (in place, from the back) */
            for (int64_t a = nc - 1; a >= 0; a--)
                for (int t = cnt - 1; t >= 0; t--) {
                    int64_t ix = gs_index(p, idx[t], d, lo, hi);
                    int64_t at = a * cnt + t;
                    coff[at] = ix < 0 || coff[a] < 0 ? -1 : coff[a] + ix * stride;
                    cw[at] = cw[a] * w[t];
                }
            nc *= cnt;
            stride *= d;
        }
        for (int64_t ch = 0; ch < j->C; ch++) {
            const double *xp = j->x + (n * j->C + ch) * j->in_size;
            double acc = 0;
            for (int64_t a = 0; a < nc; a++)
                if (coff[a] >= 0) acc += cw[a] * xp[coff[a]];
            j->y[(n * j->C + ch) * j->out_size + pos] = acc;
        }
    }
}

fy_status grid_sample_eval(struct op_ctx *c)
{
    const struct grid_sample_params *p = c->params;
    const struct op_tensor *x = c->in[0], *grid = c->in[1];
    struct op_tensor *y = c->out[0];
    if (y->numel == 0) return FY_OK;
    struct gs_job j = {.p = p, .k = x->rank - 2, .N = x->dims[0], .C = x->dims[1]};
    j.in_size = 1;
    j.out_size = 1;
    for (int i = 0; i < j.k; i++) {
        j.in[i] = x->dims[2 + i];
        j.in_size *= j.in[i];
        j.out_size *= y->dims[2 + i];
    }
    j.x = rx_load_f64(c, x);
    j.grid = rx_load_f64(c, grid);
    j.y = op_scratch(c, (size_t)y->numel * sizeof(double));
    if (!j.x || !j.grid || !j.y) return FY_ENOMEM;
    op_parallel_for(c, j.N * j.out_size, 1024 / (j.C ? j.C : 1) + 1, gs_range, &j);
    rx_write_f64(y, 0, (int64_t)y->numel, j.y);
    return FY_OK;
}
