/* TopK: the K largest (or smallest) elements along an axis and their
 * indices.
 *
 * Opset 1 takes K as attribute k; from opset 10 K is input 1 (a 1-D tensor
 * of one int64); opset 11 adds negative axes, `largest` and `sorted`.
 * Equal values keep the order of their indices (the lower index first), as
 * ONNX asks. NaN ranks above every number (numpy's sort order), so it comes
 * first when largest and last otherwise. The output is always sorted: ONNX
 * leaves the order unspecified when sorted = 0, and sorted is one valid
 * order. */
#include <string.h>

#include "ops/reduce.h"

fy_status topk_parse(const struct ir_node *n, int64_t opset, void *params, struct fy_error *err)
{
    struct topk_params *p = params;
    int64_t largest = 1, sorted = 1;
    p->k_input = opset >= 10;
    fy_status st = op_attr_int(n, "axis", -1, &p->axis, err);
    if (!st && !p->k_input) st = op_attr_int(n, "k", -1, &p->k, err);
    if (!st && opset >= 11) st = op_attr_int(n, "largest", 1, &largest, err);
    if (!st && opset >= 11) st = op_attr_int(n, "sorted", 1, &sorted, err);
    if (st) return st;
    if (!p->k_input && !ir_node_attr(n, "k"))
        return op_fail_node(n, err, FY_EINVALID, "attribute 'k' is missing");
    if (!p->k_input && p->k < 0)
        return op_fail_node(n, err, FY_EINVALID, "k is %lld; expected k >= 0", (long long)p->k);
    if ((largest != 0 && largest != 1) || (sorted != 0 && sorted != 1))
        return op_fail_node(n, err, FY_EINVALID,
                            "largest is %lld and sorted %lld; each must be 0 or 1",
                            (long long)largest, (long long)sorted);
    if (!p->k_input && n->n_inputs > 1 && n->inputs[1])
        return op_fail_node(n, err, FY_EINVALID, "has input K; TopK-1 takes K as attribute k");
    p->largest = largest == 1;
    p->sorted = sorted == 1;
    return FY_OK;
}

static fy_status topk_k(struct op_ctx *c, int64_t *k)
{
    const struct topk_params *p = c->params;
    if (!p->k_input) {
        *k = p->k;
        return FY_OK;
    }
    const struct op_tensor *t = rx_in(c, 1);
    if (!t) return op_fail(c, FY_EINVALID, "input K is missing");
    if (t->dtype != IR_I64)
        return op_fail(c, FY_EINVALID, "K has type %s; expected int64", ir_dtype_name(t->dtype));
    if (t->numel != 1 || t->rank > 1)
        return op_fail(c, FY_EINVALID, "K has %llu elements; expected a 1-D tensor of one",
                       (unsigned long long)t->numel);
    *k = op_get_i64(t, 0);
    return FY_OK;
}

fy_status topk_infer(struct op_ctx *c)
{
    const struct topk_params *p = c->params;
    const struct op_tensor *x = c->in[0];
    /* float/double/float16 before opset 11; every numeric type from 11 */
    static const enum ir_dtype types[] = {IR_F32, IR_F64, IR_F16, IR_BF16, IR_I8,  IR_U8,
                                          IR_I16, IR_U16, IR_I32, IR_U32,  IR_I64, IR_U64};
    fy_status st = op_expect_dtype(c, 0, types, c->opset >= 11 ? 12 : 3);
    if (st) return st;
    if (x->rank == 0) return op_fail(c, FY_EINVALID, "X is a scalar; TopK needs rank >= 1");
    int ax;
    st = op_axis(c, p->axis, x->rank, "axis", &ax);
    if (st) return st;
    int64_t k;
    st = topk_k(c, &k);
    if (st) return st;
    if (k < 0 || k > x->dims[ax])
        return op_fail(c, FY_EINVALID, "K is %lld; axis %d has length %lld", (long long)k, ax,
                       (long long)x->dims[ax]);
    int64_t dims[OP_MAX_RANK];
    for (int d = 0; d < x->rank; d++) dims[d] = d == ax ? k : x->dims[d];
    st = op_set_output(c, 0, x->dtype, x->rank, dims);
    if (!st) st = op_set_output(c, 1, IR_I64, x->rank, dims);
    return st;
}

/* One line's keys: doubles for float types, int64 otherwise. */
struct topk_line {
    const double *f;
    const int64_t *i;
    bool u64, largest;
};

/* Should element a come before element b? Ties keep index order (the merge
 * sort is stable and starts from ascending indices). */
static bool topk_before(const struct topk_line *l, int64_t a, int64_t b)
{
    int cmp; /* sign of key(a) - key(b), NaN greatest */
    if (l->f) {
        double x = l->f[a], y = l->f[b];
        bool nx = x != x, ny = y != y;
        if (nx || ny) cmp = nx == ny ? 0 : (nx ? 1 : -1);
        else cmp = x > y ? 1 : (x < y ? -1 : 0);
    } else if (l->u64) {
        uint64_t x = (uint64_t)l->i[a], y = (uint64_t)l->i[b];
        cmp = x > y ? 1 : (x < y ? -1 : 0);
    } else {
        int64_t x = l->i[a], y = l->i[b];
        cmp = x > y ? 1 : (x < y ? -1 : 0);
    }
    return l->largest ? cmp > 0 : cmp < 0;
}

/* Stable merge sort of idx[0..n) using tmp[0..n). */
static void topk_sort(const struct topk_line *l, int64_t *idx, int64_t *tmp, int64_t n)
{
    for (int64_t w = 1; w < n; w *= 2) {
        for (int64_t lo = 0; lo < n; lo += 2 * w) {
            int64_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            int64_t a = lo, b = mid, o = lo;
            while (a < mid && b < hi) tmp[o++] = topk_before(l, idx[b], idx[a]) ? idx[b++] : idx[a++];
            while (a < mid) tmp[o++] = idx[a++];
            while (b < hi) tmp[o++] = idx[b++];
        }
        memcpy(idx, tmp, (size_t)n * sizeof *idx);
    }
}

fy_status topk_eval(struct op_ctx *c)
{
    const struct topk_params *p = c->params;
    const struct op_tensor *x = c->in[0];
    struct op_tensor *vals = c->out[0], *inds = c->n_outputs > 1 ? c->out[1] : NULL;
    int ax = (int)(p->axis < 0 ? p->axis + x->rank : p->axis);
    int64_t k;
    fy_status st = topk_k(c, &k);
    if (st) return st;
    int64_t outer = 1, inner = 1, n = x->dims[ax];
    for (int d = 0; d < ax; d++) outer *= x->dims[d];
    for (int d = ax + 1; d < x->rank; d++) inner *= x->dims[d];
    if (k == 0 || outer * inner == 0) return FY_OK;
    bool is_f = rx_is_float(x->dtype);
    size_t nn = (size_t)n;
    int64_t *idx = op_scratch(c, nn * sizeof(int64_t));
    int64_t *tmp = op_scratch(c, nn * sizeof(int64_t));
    double *kf = is_f ? op_scratch(c, nn * sizeof(double)) : NULL;
    int64_t *ki = is_f ? NULL : op_scratch(c, nn * sizeof(int64_t));
    if (!idx || !tmp || (!kf && !ki)) return FY_ENOMEM;
    struct topk_line line = {.f = kf, .i = ki, .u64 = x->dtype == IR_U64, .largest = p->largest};
    size_t es = (size_t)ir_dtype_table[x->dtype].bits / 8;
    for (int64_t o = 0; o < outer; o++)
        for (int64_t i = 0; i < inner; i++) {
            uint64_t base = (uint64_t)(o * n * inner + i);
            for (int64_t e = 0; e < n; e++) {
                uint64_t at = base + (uint64_t)(e * inner);
                if (is_f) kf[e] = op_get_f64(x, at);
                else ki[e] = op_get_i64(x, at);
                idx[e] = e;
            }
            topk_sort(&line, idx, tmp, n);
            for (int64_t e = 0; e < k; e++) {
                uint64_t to = (uint64_t)((o * k + e) * inner + i);
                uint64_t from = base + (uint64_t)(idx[e] * inner);
                if (vals)
                    memcpy((char *)vals->data + to * es, (const char *)x->data + from * es, es);
                if (inds) ((int64_t *)inds->data)[to] = idx[e];
            }
        }
    return FY_OK;
}
