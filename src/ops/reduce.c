/* Family 'reduce': ReduceL1, ReduceL2, ReduceLogSum, ReduceLogSumExp,
 * ReduceMax, ReduceMean, ReduceMin, ReduceProd, ReduceSum, ReduceSumSquare,
 * ArgMax, ArgMin and CumSum here; Softmax, LogSoftmax, Hardmax, TopK, Einsum
 * and Det in their own files (see reduce.h). Also the helpers reduce.h
 * declares for both the reduce and image families.
 *
 * Reduce*: axes are an attribute before opset 18 (13 for ReduceSum) and
 * input 1 from then on, where noop_with_empty_axes = 1 turns "no axes" into
 * a reduction over no dims (the identity, plus the op's elementwise part:
 * LogSum gives log x, SumSquare x^2); otherwise no axes means all of them.
 * A reduction over an empty set gives the op's identity: 0 for the sums,
 * 1 for the product, -inf for Max / LogSum / LogSumExp (an integer type's
 * minimum for Max), +inf for Min; Mean is 0/0, NaN, as in numpy (ONNX
 * leaves it undefined). NaN propagates through Max and Min.
 *
 * Float types accumulate in double and integer types in int64 (wrapping, as
 * numpy does), so sums of integers stay exact; L2, LogSum and LogSumExp of
 * integers go through double. */
#include "ops/reduce.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/half.h"

/* ======================= shared helpers ======================= */

const struct op_tensor *rx_in(const struct op_ctx *c, int i)
{
    return i < c->n_inputs ? c->in[i] : NULL;
}

bool rx_is_float(enum ir_dtype t)
{
    return t == IR_F32 || t == IR_F64 || t == IR_F16 || t == IR_BF16;
}

void rx_read_f64(const struct op_tensor *t, uint64_t first, int64_t n, double *dst)
{
    const void *p = t->data;
    switch (t->dtype) {
    case IR_F32: {
        const float *s = (const float *)p + first;
        for (int64_t i = 0; i < n; i++) dst[i] = s[i];
        break;
    }
    case IR_F64: memcpy(dst, (const double *)p + first, (size_t)n * sizeof(double)); break;
    case IR_F16: {
        const uint16_t *s = (const uint16_t *)p + first;
        for (int64_t i = 0; i < n; i++) dst[i] = half_to_float(s[i]);
        break;
    }
    case IR_BF16: {
        const uint16_t *s = (const uint16_t *)p + first;
        for (int64_t i = 0; i < n; i++) dst[i] = bf16_to_float(s[i]);
        break;
    }
    default:
        for (int64_t i = 0; i < n; i++) dst[i] = op_get_f64(t, first + (uint64_t)i);
        break;
    }
}

void rx_read_i64(const struct op_tensor *t, uint64_t first, int64_t n, int64_t *dst)
{
    const void *p = t->data;
    switch (t->dtype) {
    case IR_I64:
    case IR_U64: memcpy(dst, (const int64_t *)p + first, (size_t)n * sizeof(int64_t)); break;
    case IR_I32: {
        const int32_t *s = (const int32_t *)p + first;
        for (int64_t i = 0; i < n; i++) dst[i] = s[i];
        break;
    }
    default:
        for (int64_t i = 0; i < n; i++) dst[i] = op_get_i64(t, first + (uint64_t)i);
        break;
    }
}

void rx_write_f64(struct op_tensor *t, uint64_t first, int64_t n, const double *src)
{
    void *p = t->data;
    switch (t->dtype) {
    case IR_F32: {
        float *d = (float *)p + first;
        for (int64_t i = 0; i < n; i++) d[i] = (float)src[i];
        break;
    }
    case IR_F64: memcpy((double *)p + first, src, (size_t)n * sizeof(double)); break;
    case IR_F16: {
        uint16_t *d = (uint16_t *)p + first;
        for (int64_t i = 0; i < n; i++) d[i] = half_from_float((float)src[i]);
        break;
    }
    case IR_BF16: {
        uint16_t *d = (uint16_t *)p + first;
        for (int64_t i = 0; i < n; i++) d[i] = bf16_from_float((float)src[i]);
        break;
    }
    default:
        for (int64_t i = 0; i < n; i++) op_set_f64(t, first + (uint64_t)i, src[i]);
        break;
    }
}

const double *rx_load_f64(struct op_ctx *c, const struct op_tensor *t)
{
    if (t->dtype == IR_F64) return t->data;
    double *v = op_scratch(c, (size_t)t->numel * sizeof(double));
    if (v) rx_read_f64(t, 0, (int64_t)t->numel, v);
    return v;
}

const char *rx_shape_str(const struct op_tensor *t, char *buf, size_t cap)
{
    size_t k = (size_t)snprintf(buf, cap, "[");
    for (int d = 0; d < t->rank && k < cap; d++)
        k += (size_t)snprintf(buf + k, cap - k, "%s%lld", d ? "," : "", (long long)t->dims[d]);
    if (k < cap) snprintf(buf + k, cap - k, "]");
    return buf;
}

/* ======================= Reduce* ======================= */

enum red_kind {
    RED_SUM,
    RED_MEAN,
    RED_PROD,
    RED_MAX,
    RED_MIN,
    RED_L1,
    RED_L2,
    RED_SUMSQ,
    RED_LOGSUM,
    RED_LSE,
};

struct reduce_params {
    enum red_kind kind;
    bool keepdims;
    bool noop_with_empty_axes;
    bool axes_input;  /* axes are input 1 (ReduceSum from 13, the others from 18) */
    int n_axes;       /* attribute form: -1 when absent */
    int64_t axes[OP_MAX_RANK];
};

static enum red_kind red_kind_of(enum ir_op op)
{
    switch (op) {
    case IR_OP_REDUCE_L1: return RED_L1;
    case IR_OP_REDUCE_L2: return RED_L2;
    case IR_OP_REDUCE_LOG_SUM: return RED_LOGSUM;
    case IR_OP_REDUCE_LOG_SUM_EXP: return RED_LSE;
    case IR_OP_REDUCE_MAX: return RED_MAX;
    case IR_OP_REDUCE_MEAN: return RED_MEAN;
    case IR_OP_REDUCE_MIN: return RED_MIN;
    case IR_OP_REDUCE_PROD: return RED_PROD;
    case IR_OP_REDUCE_SUM_SQUARE: return RED_SUMSQ;
    default: return RED_SUM;
    }
}

static fy_status reduce_parse(const struct ir_node *n, int64_t opset, void *params,
                              struct fy_error *err)
{
    struct reduce_params *p = params;
    p->kind = red_kind_of(n->op);
    p->axes_input = opset >= (n->op == IR_OP_REDUCE_SUM ? 13 : 18);
    int64_t keep = 1, noop = 0;
    fy_status st = op_attr_int(n, "keepdims", 1, &keep, err);
    if (!st && p->axes_input) st = op_attr_int(n, "noop_with_empty_axes", 0, &noop, err);
    if (!st) st = op_attr_ints(n, "axes", p->axes, OP_MAX_RANK, &p->n_axes, err);
    if (st) return st;
    if (p->axes_input && p->n_axes >= 0)
        return op_fail_node(n, err, FY_EINVALID,
                            "has an 'axes' attribute; from opset %d %s takes axes as input 1",
                            n->op == IR_OP_REDUCE_SUM ? 13 : 18, n->op_type);
    if (keep != 0 && keep != 1)
        return op_fail_node(n, err, FY_EINVALID, "keepdims is %lld; expected 0 or 1",
                            (long long)keep);
    if (noop != 0 && noop != 1)
        return op_fail_node(n, err, FY_EINVALID, "noop_with_empty_axes is %lld; expected 0 or 1",
                            (long long)noop);
    p->keepdims = keep == 1;
    p->noop_with_empty_axes = noop == 1;
    return FY_OK;
}

/* Which dims of the input are reduced. Validates (errors name the node) when
 * check is set; eval calls it again with check off, trusting infer. */
static fy_status reduce_axes(struct op_ctx *c, bool *reduced, bool check)
{
    const struct reduce_params *p = c->params;
    const struct op_tensor *x = c->in[0];
    int64_t axes[OP_MAX_RANK];
    int n = p->n_axes;
    if (p->axes_input) {
        n = 0;
        const struct op_tensor *a = rx_in(c, 1);
        if (a) {
            if (check && a->dtype != IR_I64) {
                static const enum ir_dtype i64[] = {IR_I64};
                fy_status st = op_expect_dtype(c, 1, i64, 1);
                if (st) return st;
            }
            fy_status st = op_read_ints(c, 1, axes, OP_MAX_RANK, &n);
            if (st) return st;
        }
    } else {
        for (int i = 0; i < n; i++) axes[i] = p->axes[i];
    }
    for (int d = 0; d < x->rank; d++) reduced[d] = false;
    if (n <= 0) {
        /* no axes: all of them, unless noop_with_empty_axes asks for none */
        if (!(p->axes_input && p->noop_with_empty_axes))
            for (int d = 0; d < x->rank; d++) reduced[d] = true;
        return FY_OK;
    }
    for (int i = 0; i < n; i++) {
        int ax;
        fy_status st = op_axis(c, axes[i], x->rank, "axis", &ax);
        if (st) return st;
        if (check && reduced[ax])
            return op_fail(c, FY_EINVALID, "axis %d is listed twice in axes", ax);
        reduced[ax] = true;
    }
    return FY_OK;
}

static fy_status reduce_infer(struct op_ctx *c)
{
    const struct reduce_params *p = c->params;
    const struct op_tensor *x = c->in[0];
    static const enum ir_dtype math[] = {IR_F32, IR_F64, IR_F16, IR_BF16,
                                         IR_I32, IR_I64, IR_U32, IR_U64};
    static const enum ir_dtype minmax[] = {IR_F32, IR_F64, IR_F16, IR_BF16, IR_I32, IR_I64,
                                           IR_U32, IR_U64, IR_I8,  IR_U8,   IR_BOOL};
    static const enum ir_dtype floats[] = {IR_F32, IR_F64, IR_F16, IR_BF16};
    fy_status st;
    if (p->kind == RED_MAX || p->kind == RED_MIN) {
        /* 8-bit integers from opset 12, bool from opset 20 */
        int n = c->opset >= 20 ? 11 : (c->opset >= 12 ? 10 : 8);
        st = op_expect_dtype(c, 0, minmax, n);
    } else if ((p->kind == RED_LOGSUM || p->kind == RED_LSE) && c->opset >= 21) {
        st = op_expect_dtype(c, 0, floats, 4);
    } else {
        st = op_expect_dtype(c, 0, math, 8);
    }
    if (st) return st;
    if (!p->axes_input && rx_in(c, 1))
        return op_fail(c, FY_EINVALID, "has input 1; before opset %d %s takes axes as attribute",
                       c->node->op == IR_OP_REDUCE_SUM ? 13 : 18, c->node->op_type);
    bool reduced[OP_MAX_RANK];
    st = reduce_axes(c, reduced, true);
    if (st) return st;
    int64_t dims[OP_MAX_RANK];
    int r = 0;
    for (int d = 0; d < x->rank; d++) {
        if (!reduced[d]) dims[r++] = x->dims[d];
        else if (p->keepdims) dims[r++] = 1;
    }
    return op_set_output(c, 0, x->dtype, r, dims);
}

/* The input seen as alternating runs of kept and reduced dims (size-1 dims
 * dropped, neighbours of one kind merged). The innermost run is contiguous:
 * when it is reduced each output folds runs of `inner` elements; when kept,
 * each output row of `inner` elements is combined elementwise with runs of
 * the input. */
struct red_plan {
    int nk, nr;                     /* kept / reduced runs, innermost excluded */
    int64_t ksize[OP_MAX_RANK], kstride[OP_MAX_RANK];
    int64_t rsize[OP_MAX_RANK], rstride[OP_MAX_RANK];
    bool inner_reduced;
    int64_t inner;
    int64_t n_out;                  /* output elements */
    int64_t count;                  /* input elements per output */
    int64_t combos;                 /* offsets the reduced runs (innermost excluded) give */
};

static void red_plan_build(const struct op_tensor *x, const bool *reduced, struct red_plan *pl)
{
    int64_t size[OP_MAX_RANK], stride[OP_MAX_RANK];
    bool red[OP_MAX_RANK];
    int m = 0;
    int64_t s = 1;
    int64_t st[OP_MAX_RANK];
    for (int d = x->rank - 1; d >= 0; d--) {
        st[d] = s;
        s *= x->dims[d];
    }
    pl->count = 1;
    for (int d = 0; d < x->rank; d++) {
        if (reduced[d]) pl->count *= x->dims[d];
        if (x->dims[d] == 1) continue;
        if (m > 0 && red[m - 1] == reduced[d]) {
            size[m - 1] *= x->dims[d];
            stride[m - 1] = st[d];
        } else {
            size[m] = x->dims[d];
            stride[m] = st[d];
            red[m] = reduced[d];
            m++;
        }
    }
    pl->nk = pl->nr = 0;
    pl->inner_reduced = m > 0 && red[m - 1];
    pl->inner = m > 0 ? size[m - 1] : 1;
    int last = m > 0 ? m - 1 : -1;
    pl->n_out = 1;
    pl->combos = 1;
    for (int i = 0; i < m; i++) {
        if (!red[i]) pl->n_out *= size[i];
        if (i == last) continue;
        if (red[i]) {
            pl->rsize[pl->nr] = size[i];
            pl->rstride[pl->nr++] = stride[i];
            pl->combos *= size[i];
        } else {
            pl->ksize[pl->nk] = size[i];
            pl->kstride[pl->nk++] = stride[i];
        }
    }
}

/* Input offset of combination k of the reduced runs (row-major). */
static int64_t red_combo_offset(const struct red_plan *pl, int64_t k)
{
    int64_t off = 0;
    for (int i = pl->nr - 1; i >= 0; i--) {
        off += (k % pl->rsize[i]) * pl->rstride[i];
        k /= pl->rsize[i];
    }
    return off;
}

/* Input offset of kept-run index o (row-major over the kept runs). */
static int64_t red_kept_offset(const struct red_plan *pl, int64_t o)
{
    int64_t off = 0;
    for (int i = pl->nk - 1; i >= 0; i--) {
        off += (o % pl->ksize[i]) * pl->kstride[i];
        o /= pl->ksize[i];
    }
    return off;
}

/* ---- float accumulation (double) ---- */

static double red_init_f(enum red_kind k)
{
    switch (k) {
    case RED_PROD: return 1;
    case RED_MAX: return -INFINITY;
    case RED_MIN: return INFINITY;
    default: return 0;
    }
}

/* Sum of x, |x| or x*x over a run in four interleaved partial sums: the adds
 * no longer wait on each other (several times the throughput of one chain)
 * and rounding error grows more slowly. The order is fixed, so results do
 * not depend on threads. */
enum { RUN_PLAIN, RUN_ABS, RUN_SQUARE };
static double run_sum(const double *x, int64_t n, int how)
{
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int64_t i = 0;
    switch (how) {
    case RUN_PLAIN:
        for (; i + 4 <= n; i += 4) {
            s0 += x[i];
            s1 += x[i + 1];
            s2 += x[i + 2];
            s3 += x[i + 3];
        }
        for (; i < n; i++) s0 += x[i];
        break;
    case RUN_ABS:
        for (; i + 4 <= n; i += 4) {
            s0 += fabs(x[i]);
            s1 += fabs(x[i + 1]);
            s2 += fabs(x[i + 2]);
            s3 += fabs(x[i + 3]);
        }
        for (; i < n; i++) s0 += fabs(x[i]);
        break;
    default:
        for (; i + 4 <= n; i += 4) {
            s0 += x[i] * x[i];
            s1 += x[i + 1] * x[i + 1];
            s2 += x[i + 2] * x[i + 2];
            s3 += x[i + 3] * x[i + 3];
        }
        for (; i < n; i++) s0 += x[i] * x[i];
        break;
    }
    return (s0 + s1) + (s2 + s3);
}

/* acc op= x[0..n); for RED_LSE shift is the maximum found by a first pass. */
static double red_fold_f(enum red_kind k, double acc, const double *x, int64_t n, double shift)
{
    switch (k) {
    case RED_SUM:
    case RED_MEAN:
    case RED_LOGSUM:
        acc += run_sum(x, n, RUN_PLAIN);
        break;
    case RED_L1:
        acc += run_sum(x, n, RUN_ABS);
        break;
    case RED_L2:
    case RED_SUMSQ:
        acc += run_sum(x, n, RUN_SQUARE);
        break;
    case RED_PROD:
        for (int64_t i = 0; i < n; i++) acc *= x[i];
        break;
    case RED_MAX: /* NaN wins and stays, as in numpy */
        for (int64_t i = 0; i < n; i++)
            if (x[i] > acc || x[i] != x[i]) acc = x[i];
        break;
    case RED_MIN:
        for (int64_t i = 0; i < n; i++)
            if (x[i] < acc || x[i] != x[i]) acc = x[i];
        break;
    case RED_LSE:
        for (int64_t i = 0; i < n; i++) acc += exp(x[i] - shift);
        break;
    }
    return acc;
}

/* acc[i] op= x[i] for i < n (shift per element for RED_LSE). */
static void red_combine_f(enum red_kind k, double *acc, const double *x, int64_t n,
                          const double *shift)
{
    switch (k) {
    case RED_SUM:
    case RED_MEAN:
    case RED_LOGSUM:
        for (int64_t i = 0; i < n; i++) acc[i] += x[i];
        break;
    case RED_L1:
        for (int64_t i = 0; i < n; i++) acc[i] += fabs(x[i]);
        break;
    case RED_L2:
    case RED_SUMSQ:
        for (int64_t i = 0; i < n; i++) acc[i] += x[i] * x[i];
        break;
    case RED_PROD:
        for (int64_t i = 0; i < n; i++) acc[i] *= x[i];
        break;
    case RED_MAX:
        for (int64_t i = 0; i < n; i++)
            if (x[i] > acc[i] || x[i] != x[i]) acc[i] = x[i];
        break;
    case RED_MIN:
        for (int64_t i = 0; i < n; i++)
            if (x[i] < acc[i] || x[i] != x[i]) acc[i] = x[i];
        break;
    case RED_LSE:
        for (int64_t i = 0; i < n; i++) acc[i] += exp(x[i] - shift[i]);
        break;
    }
}

static double red_finish_f(enum red_kind k, double acc, double shift, int64_t count)
{
    switch (k) {
    case RED_MEAN: return acc / (double)count; /* 0/0: NaN for an empty set */
    case RED_L2: return sqrt(acc);
    case RED_LOGSUM: return log(acc);
    case RED_LSE:
        /* empty set, all -inf, +inf or NaN: the shift says it all */
        if (count == 0) return -INFINITY;
        if (isinf(shift) || isnan(shift)) return shift;
        return shift + log(acc);
    default: return acc;
    }
}

/* ---- integer accumulation (int64, wrapping like numpy) ---- */

static int64_t red_init_i(enum red_kind k, enum ir_dtype dt)
{
    switch (k) {
    case RED_PROD: return 1;
    case RED_MAX: /* the type's minimum: what an empty set gives */
        switch (dt) {
        case IR_I8: return INT8_MIN;
        case IR_I16: return INT16_MIN;
        case IR_I32: return INT32_MIN;
        case IR_I64: return INT64_MIN;
        default: return 0;
        }
    case RED_MIN:
        switch (dt) {
        case IR_I8: return INT8_MAX;
        case IR_U8: return UINT8_MAX;
        case IR_I16: return INT16_MAX;
        case IR_U16: return UINT16_MAX;
        case IR_I32: return INT32_MAX;
        case IR_U32: return UINT32_MAX;
        case IR_BOOL: return 1;
        case IR_U64: return -1; /* bit pattern of UINT64_MAX */
        default: return INT64_MAX;
        }
    default: return 0;
    }
}

static int64_t wrap_add(int64_t a, int64_t b) { return (int64_t)((uint64_t)a + (uint64_t)b); }
static int64_t wrap_mul(int64_t a, int64_t b) { return (int64_t)((uint64_t)a * (uint64_t)b); }
static int64_t wrap_abs(int64_t a) { return a < 0 ? (int64_t)(0 - (uint64_t)a) : a; }

/* Is a greater than b, for the dtype (uint64 compares unsigned)? */
static bool gt_i(int64_t a, int64_t b, bool u64) { return u64 ? (uint64_t)a > (uint64_t)b : a > b; }

static int64_t red_fold_i(enum red_kind k, int64_t acc, const int64_t *x, int64_t n, bool u64)
{
    switch (k) {
    case RED_SUM:
    case RED_MEAN:
        for (int64_t i = 0; i < n; i++) acc = wrap_add(acc, x[i]);
        break;
    case RED_L1:
        for (int64_t i = 0; i < n; i++) acc = wrap_add(acc, u64 ? x[i] : wrap_abs(x[i]));
        break;
    case RED_SUMSQ:
        for (int64_t i = 0; i < n; i++) acc = wrap_add(acc, wrap_mul(x[i], x[i]));
        break;
    case RED_PROD:
        for (int64_t i = 0; i < n; i++) acc = wrap_mul(acc, x[i]);
        break;
    case RED_MAX:
        for (int64_t i = 0; i < n; i++)
            if (gt_i(x[i], acc, u64)) acc = x[i];
        break;
    case RED_MIN:
        for (int64_t i = 0; i < n; i++)
            if (gt_i(acc, x[i], u64)) acc = x[i];
        break;
    default: break; /* L2, LogSum, LogSumExp take the float path */
    }
    return acc;
}

static void red_combine_i(enum red_kind k, int64_t *acc, const int64_t *x, int64_t n, bool u64)
{
    for (int64_t i = 0; i < n; i++) acc[i] = red_fold_i(k, acc[i], x + i, 1, u64);
}

/* ---- the kernel ---- */

#define RED_CHUNK 512 /* elements converted per step, on the stack */
#define RED_BLOCK 1024 /* output elements per work item when the innermost dim is kept */

struct red_job {
    const struct red_plan *pl;
    const struct op_tensor *x;
    enum red_kind kind;
    bool use_int, u64;
    double *acc_f;   /* per output */
    double *shift;   /* per output, RED_LSE only */
    int64_t *acc_i;  /* per output */
};

/* Folds input run [off, off + n) into one accumulator. */
static void red_run_fold(const struct red_job *j, uint64_t off, int64_t n, enum red_kind k,
                         double *accf, int64_t *acci, double shift)
{
    double bf[RED_CHUNK];
    int64_t bi[RED_CHUNK];
    for (int64_t s = 0; s < n; s += RED_CHUNK) {
        int64_t len = n - s < RED_CHUNK ? n - s : RED_CHUNK;
        if (j->use_int) {
            rx_read_i64(j->x, off + (uint64_t)s, len, bi);
            *acci = red_fold_i(k, *acci, bi, len, j->u64);
        } else if (j->x->dtype == IR_F64) {
            *accf = red_fold_f(k, *accf, (const double *)j->x->data + off + s, len, shift);
        } else {
            rx_read_f64(j->x, off + (uint64_t)s, len, bf);
            *accf = red_fold_f(k, *accf, bf, len, shift);
        }
    }
}

/* float32 fast path of the commonest combines (sums, max): read the floats
 * directly instead of converting a chunk first. false: not handled. */
static bool red_combine_f32(enum red_kind k, double *acc, const float *x, int64_t n)
{
    switch (k) {
    case RED_SUM:
    case RED_MEAN:
        for (int64_t i = 0; i < n; i++) acc[i] += x[i];
        return true;
    case RED_MAX:
        for (int64_t i = 0; i < n; i++)
            if (x[i] > acc[i] || x[i] != x[i]) acc[i] = x[i];
        return true;
    default: return false;
    }
}

/* Combines input run [off, off + n) elementwise into accumulators. */
static void red_run_combine(const struct red_job *j, uint64_t off, int64_t n, enum red_kind k,
                            double *accf, int64_t *acci, const double *shift)
{
    double bf[RED_CHUNK];
    int64_t bi[RED_CHUNK];
    if (!j->use_int && j->x->dtype == IR_F32 &&
        red_combine_f32(k, accf, (const float *)j->x->data + off, n))
        return;
    for (int64_t s = 0; s < n; s += RED_CHUNK) {
        int64_t len = n - s < RED_CHUNK ? n - s : RED_CHUNK;
        if (j->use_int) {
            rx_read_i64(j->x, off + (uint64_t)s, len, bi);
            red_combine_i(k, acci + s, bi, len, j->u64);
        } else {
            rx_read_f64(j->x, off + (uint64_t)s, len, bf);
            red_combine_f(k, accf + s, bf, len, shift ? shift + s : NULL);
        }
    }
}

/* Innermost dim reduced: outputs [b, e) each fold `combos` runs of `inner`. */
static void red_range_inner_reduced(void *arg, int64_t b, int64_t e)
{
    const struct red_job *j = arg;
    const struct red_plan *pl = j->pl;
    for (int64_t o = b; o < e; o++) {
        uint64_t base = (uint64_t)red_kept_offset(pl, o);
        double shift = 0;
        if (j->kind == RED_LSE) {
            double m = red_init_f(RED_MAX);
            for (int64_t k = 0; k < pl->combos && pl->inner; k++)
                red_run_fold(j, base + (uint64_t)red_combo_offset(pl, k), pl->inner, RED_MAX, &m,
                             NULL, 0);
            j->shift[o] = shift = m;
        }
        double af = red_init_f(j->kind);
        int64_t ai = j->use_int ? red_init_i(j->kind, j->x->dtype) : 0;
        for (int64_t k = 0; k < pl->combos && pl->inner; k++)
            red_run_fold(j, base + (uint64_t)red_combo_offset(pl, k), pl->inner, j->kind, &af,
                         &ai, shift);
        if (j->use_int) j->acc_i[o] = ai;
        else j->acc_f[o] = af;
    }
}

/* Innermost dim kept: item = (output row, block of RED_BLOCK elements). */
static void red_range_inner_kept(void *arg, int64_t b, int64_t e)
{
    const struct red_job *j = arg;
    const struct red_plan *pl = j->pl;
    int64_t blocks = (pl->inner + RED_BLOCK - 1) / RED_BLOCK;
    for (int64_t it = b; it < e; it++) {
        int64_t row = it / blocks, blk = it % blocks;
        int64_t first = blk * RED_BLOCK;
        int64_t len = pl->inner - first < RED_BLOCK ? pl->inner - first : RED_BLOCK;
        uint64_t base = (uint64_t)(red_kept_offset(pl, row) + first);
        int64_t o = row * pl->inner + first;
        int64_t nred = pl->combos; /* every reduced run is outside the inner one */
        if (j->use_int) {
            int64_t *acc = j->acc_i + o;
            int64_t init = red_init_i(j->kind, j->x->dtype);
            for (int64_t i = 0; i < len; i++) acc[i] = init;
            for (int64_t k = 0; k < nred; k++)
                red_run_combine(j, base + (uint64_t)red_combo_offset(pl, k), len, j->kind,
                                NULL, acc, NULL);
            continue;
        }
        double *acc = j->acc_f + o;
        const double *shift = NULL;
        if (j->kind == RED_LSE) {
            double *m = j->shift + o;
            for (int64_t i = 0; i < len; i++) m[i] = -INFINITY;
            for (int64_t k = 0; k < nred; k++)
                red_run_combine(j, base + (uint64_t)red_combo_offset(pl, k), len, RED_MAX, m,
                                NULL, NULL);
            shift = m;
        }
        double init = red_init_f(j->kind);
        for (int64_t i = 0; i < len; i++) acc[i] = init;
        for (int64_t k = 0; k < nred; k++)
            red_run_combine(j, base + (uint64_t)red_combo_offset(pl, k), len, j->kind, acc, NULL,
                            shift);
    }
}

static fy_status reduce_eval(struct op_ctx *c)
{
    const struct reduce_params *p = c->params;
    const struct op_tensor *x = c->in[0];
    struct op_tensor *y = c->out[0];
    bool reduced[OP_MAX_RANK];
    fy_status st = reduce_axes(c, reduced, false);
    if (st) return st;
    struct red_plan pl;
    red_plan_build(x, reduced, &pl);
    if (pl.n_out == 0) return FY_OK;
    struct red_job j = {.pl = &pl, .x = x, .kind = p->kind, .u64 = x->dtype == IR_U64};
    j.use_int = !rx_is_float(x->dtype) && p->kind != RED_L2 && p->kind != RED_LOGSUM &&
                p->kind != RED_LSE;
    size_t n = (size_t)pl.n_out;
    if (j.use_int) {
        j.acc_i = op_scratch(c, n * sizeof(int64_t));
        if (!j.acc_i) return FY_ENOMEM;
    } else {
        j.acc_f = op_scratch(c, n * sizeof(double));
        j.shift = p->kind == RED_LSE ? op_scratch(c, n * sizeof(double)) : NULL;
        if (!j.acc_f || (p->kind == RED_LSE && !j.shift)) return FY_ENOMEM;
    }
    /* work items of roughly 32K input elements each at the least */
    if (pl.inner_reduced) {
        int64_t per = pl.count ? pl.count : 1;
        op_parallel_for(c, pl.n_out, 32768 / per + 1, red_range_inner_reduced, &j);
    } else {
        int64_t blocks = (pl.inner + RED_BLOCK - 1) / RED_BLOCK;
        int64_t rows = pl.n_out / pl.inner;
        int64_t per = (pl.count ? pl.count : 1) * (pl.inner < RED_BLOCK ? pl.inner : RED_BLOCK);
        op_parallel_for(c, rows * blocks, 32768 / per + 1, red_range_inner_kept, &j);
    }
    for (int64_t o = 0; o < pl.n_out; o++) {
        if (j.use_int) {
            if (p->kind == RED_MEAN) {
                double s = j.u64 ? (double)(uint64_t)j.acc_i[o] : (double)j.acc_i[o];
                op_set_f64(y, (uint64_t)o, s / (double)pl.count);
            } else {
                op_set_i64(y, (uint64_t)o, j.acc_i[o]);
            }
        } else {
            j.acc_f[o] = red_finish_f(p->kind, j.acc_f[o], j.shift ? j.shift[o] : 0, pl.count);
        }
    }
    if (!j.use_int) rx_write_f64(y, 0, pl.n_out, j.acc_f);
    return FY_OK;
}

/* ======================= ArgMax, ArgMin ======================= */

struct arg_params {
    int64_t axis;
    bool keepdims;
    bool last; /* select_last_index */
    bool is_max;
};

static fy_status arg_parse(const struct ir_node *n, int64_t opset, void *params,
                           struct fy_error *err)
{
    (void)opset;
    struct arg_params *p = params;
    int64_t keep = 1, last = 0;
    fy_status st = op_attr_int(n, "axis", 0, &p->axis, err);
    if (!st) st = op_attr_int(n, "keepdims", 1, &keep, err);
    if (!st) st = op_attr_int(n, "select_last_index", 0, &last, err);
    if (st) return st;
    if ((keep != 0 && keep != 1) || (last != 0 && last != 1))
        return op_fail_node(n, err, FY_EINVALID,
                            "keepdims is %lld and select_last_index %lld; each must be 0 or 1",
                            (long long)keep, (long long)last);
    p->keepdims = keep == 1;
    p->last = last == 1;
    p->is_max = n->op == IR_OP_ARG_MAX;
    return FY_OK;
}

static fy_status arg_infer(struct op_ctx *c)
{
    const struct arg_params *p = c->params;
    const struct op_tensor *x = c->in[0];
    static const enum ir_dtype numeric[] = {IR_F32, IR_F64, IR_F16, IR_BF16, IR_I8,  IR_U8,
                                            IR_I16, IR_U16, IR_I32, IR_U32,  IR_I64, IR_U64};
    fy_status st = op_expect_dtype(c, 0, numeric, 12);
    if (st) return st;
    int ax;
    st = op_axis(c, p->axis, x->rank, "axis", &ax);
    if (st) return st;
    int64_t dims[OP_MAX_RANK];
    int r = 0;
    for (int d = 0; d < x->rank; d++) {
        if (d != ax) dims[r++] = x->dims[d];
        else if (p->keepdims) dims[r++] = 1;
    }
    if (x->dims[ax] == 0 && x->numel == 0) {
        bool out_empty = false;
        for (int d = 0; d < r; d++) out_empty |= dims[d] == 0;
        if (!out_empty)
            return op_fail(c, FY_EINVALID, "axis %d has length 0; there is no index to return",
                           ax);
    }
    return op_set_output(c, 0, IR_I64, r, dims);
}

/* Does candidate v replace the best so far? NaN wins over numbers (numpy's
 * argmax/argmin return the first NaN); among NaNs only select_last moves. */
static bool arg_take_f(double v, double best, bool is_max, bool last)
{
    if (best != best) return last && v != v;
    if (v != v) return true;
    if (is_max) return last ? v >= best : v > best;
    return last ? v <= best : v < best;
}

static bool arg_take_i(int64_t v, int64_t best, bool is_max, bool last, bool u64)
{
    if (v == best) return last;
    return is_max ? gt_i(v, best, u64) : gt_i(best, v, u64);
}

static fy_status arg_eval(struct op_ctx *c)
{
    const struct arg_params *p = c->params;
    const struct op_tensor *x = c->in[0];
    int64_t *y = c->out[0]->data;
    int ax = (int)(p->axis < 0 ? p->axis + x->rank : p->axis);
    int64_t outer = 1, inner = 1, n = x->dims[ax];
    for (int d = 0; d < ax; d++) outer *= x->dims[d];
    for (int d = ax + 1; d < x->rank; d++) inner *= x->dims[d];
    bool is_f = rx_is_float(x->dtype), u64 = x->dtype == IR_U64;
    for (int64_t o = 0; o < outer; o++)
        for (int64_t i = 0; i < inner; i++) {
            uint64_t base = (uint64_t)(o * n * inner + i);
            int64_t best_i = 0;
            if (is_f) {
                double best = op_get_f64(x, base);
                for (int64_t k = 1; k < n; k++) {
                    double v = op_get_f64(x, base + (uint64_t)(k * inner));
                    if (arg_take_f(v, best, p->is_max, p->last)) {
                        best = v;
                        best_i = k;
                    }
                }
            } else {
                int64_t best = op_get_i64(x, base);
                for (int64_t k = 1; k < n; k++) {
                    int64_t v = op_get_i64(x, base + (uint64_t)(k * inner));
                    if (arg_take_i(v, best, p->is_max, p->last, u64)) {
                        best = v;
                        best_i = k;
                    }
                }
            }
            y[o * inner + i] = best_i;
        }
    return FY_OK;
}

/* ======================= CumSum ======================= */

struct cumsum_params {
    bool exclusive, reverse;
};

static fy_status cumsum_parse(const struct ir_node *n, int64_t opset, void *params,
                              struct fy_error *err)
{
    (void)opset;
    struct cumsum_params *p = params;
    int64_t ex = 0, rev = 0;
    fy_status st = op_attr_int(n, "exclusive", 0, &ex, err);
    if (!st) st = op_attr_int(n, "reverse", 0, &rev, err);
    if (st) return st;
    if ((ex != 0 && ex != 1) || (rev != 0 && rev != 1))
        return op_fail_node(n, err, FY_EINVALID,
                            "exclusive is %lld and reverse %lld; each must be 0 or 1",
                            (long long)ex, (long long)rev);
    p->exclusive = ex == 1;
    p->reverse = rev == 1;
    return FY_OK;
}

static fy_status cumsum_axis(struct op_ctx *c, int *ax)
{
    const struct op_tensor *a = c->in[1];
    if (a->dtype != IR_I64 && a->dtype != IR_I32)
        return op_fail(c, FY_EINVALID, "axis has type %s; expected int64 or int32",
                       ir_dtype_name(a->dtype));
    /* ONNX: a 0-D tensor; a one-element 1-D tensor is accepted too (ONNX Runtime does) */
    if (a->numel != 1 || a->rank > 1)
        return op_fail(c, FY_EINVALID, "axis has %llu elements; expected a scalar",
                       (unsigned long long)a->numel);
    return op_axis(c, op_get_i64(a, 0), c->in[0]->rank, "axis", ax);
}

static fy_status cumsum_infer(struct op_ctx *c)
{
    static const enum ir_dtype types[] = {IR_F32, IR_F64, IR_I32, IR_I64,
                                          IR_U32, IR_U64, IR_F16, IR_BF16};
    fy_status st = op_expect_dtype(c, 0, types, c->opset >= 14 ? 8 : 6);
    if (st) return st;
    const struct op_tensor *x = c->in[0];
    if (x->rank == 0) return op_fail(c, FY_EINVALID, "x is a scalar; CumSum needs rank >= 1");
    int ax;
    st = cumsum_axis(c, &ax);
    if (st) return st;
    return op_set_output(c, 0, x->dtype, x->rank, x->dims);
}

static fy_status cumsum_eval(struct op_ctx *c)
{
    const struct cumsum_params *p = c->params;
    const struct op_tensor *x = c->in[0];
    struct op_tensor *y = c->out[0];
    int ax;
    fy_status st = cumsum_axis(c, &ax);
    if (st) return st;
    int64_t outer = 1, inner = 1, n = x->dims[ax];
    for (int d = 0; d < ax; d++) outer *= x->dims[d];
    for (int d = ax + 1; d < x->rank; d++) inner *= x->dims[d];
    bool is_f = rx_is_float(x->dtype);
    const double *xf = NULL;
    double *yf = NULL;
    if (is_f) {
        xf = rx_load_f64(c, x);
        yf = op_scratch(c, (size_t)y->numel * sizeof(double));
        if (!xf || !yf) return FY_ENOMEM;
    }
    for (int64_t o = 0; o < outer; o++)
        for (int64_t i = 0; i < inner; i++) {
            double sf = 0;
            int64_t si = 0;
            for (int64_t s = 0; s < n; s++) {
                int64_t k = p->reverse ? n - 1 - s : s;
                int64_t at = (o * n + k) * inner + i;
                if (is_f) {
                    if (!p->exclusive) sf += xf[at];
                    yf[at] = sf;
                    if (p->exclusive) sf += xf[at];
                } else {
                    int64_t v = op_get_i64(x, (uint64_t)at);
                    if (!p->exclusive) si = wrap_add(si, v);
                    op_set_i64(y, (uint64_t)at, si);
                    if (p->exclusive) si = wrap_add(si, v);
                }
            }
        }
    if (is_f) rx_write_f64(y, 0, (int64_t)y->numel, yf);
    return FY_OK;
}

/* ======================= the family ======================= */

#define REDUCE_DESC(e)                                                                         \
    {IR_OP_##e, 1, 2, 1, 1, sizeof(struct reduce_params), reduce_parse, reduce_infer,          \
     reduce_eval}

const struct op_desc op_family_reduce[] = {
    REDUCE_DESC(REDUCE_L1),
    REDUCE_DESC(REDUCE_L2),
    REDUCE_DESC(REDUCE_LOG_SUM),
    REDUCE_DESC(REDUCE_LOG_SUM_EXP),
    REDUCE_DESC(REDUCE_MAX),
    REDUCE_DESC(REDUCE_MEAN),
    REDUCE_DESC(REDUCE_MIN),
    REDUCE_DESC(REDUCE_PROD),
    REDUCE_DESC(REDUCE_SUM),
    REDUCE_DESC(REDUCE_SUM_SQUARE),
    {IR_OP_ARG_MAX, 1, 1, 1, 1, sizeof(struct arg_params), arg_parse, arg_infer, arg_eval},
    {IR_OP_ARG_MIN, 1, 1, 1, 1, sizeof(struct arg_params), arg_parse, arg_infer, arg_eval},
    {IR_OP_CUM_SUM, 2, 2, 1, 1, sizeof(struct cumsum_params), cumsum_parse, cumsum_infer,
     cumsum_eval},
    {IR_OP_SOFTMAX, 1, 1, 1, 1, sizeof(struct softmax_params), softmax_parse, softmax_infer,
     softmax_eval},
    {IR_OP_LOG_SOFTMAX, 1, 1, 1, 1, sizeof(struct softmax_params), softmax_parse, softmax_infer,
     logsoftmax_eval},
    {IR_OP_HARDMAX, 1, 1, 1, 1, sizeof(struct softmax_params), softmax_parse, softmax_infer,
     hardmax_eval},
    {IR_OP_TOP_K, 1, 2, 2, 2, sizeof(struct topk_params), topk_parse, topk_infer, topk_eval},
    {IR_OP_EINSUM, 1, EINSUM_MAX_OPERANDS, 1, 1, sizeof(struct einsum_params), einsum_parse,
     einsum_infer, einsum_eval},
    {IR_OP_DET, 1, 1, 1, 1, 0, NULL, det_infer, det_eval},
};
const int op_family_reduce_count = sizeof op_family_reduce / sizeof op_family_reduce[0];
