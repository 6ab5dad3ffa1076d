/* Unique: the distinct elements (or, with an axis, the distinct slices
 * along it) with the optional outputs indices (first occurrence), inverse
 * indices (for each element/slice, its place in Y) and counts. sorted=1
 * orders Y ascending, slices compared lexicographically in C order (as
 * numpy.unique, which defines ONNX's reference outputs); sorted=0 keeps the
 * order of first occurrence. NaNs count as equal to each other and sort
 * last. The output size depends on the values, so infer runs the same
 * computation eval does. */
#include <math.h>
#include <string.h>

#include "ops/shape.h"

fy_status shp_unique_parse(const struct ir_node *n, int64_t opset, void *params,
                           struct fy_error *err)
{
    (void)opset;
    struct shp_unique_params *p = params;
    fy_status st = op_attr_int(n, "sorted", 1, &p->sorted, err);
    if (st) return st;
    p->has_axis = ir_node_attr(n, "axis") != NULL;
    return op_attr_int(n, "axis", 0, &p->axis, err);
}

struct uniq {
    int axis; /* -1: over all elements */
    enum ir_dtype dtype;
    size_t es;
    int64_t n;        /* slices */
    int64_t len;      /* elements per slice */
    const char *keys; /* slice j at keys + j * len * es */
    int64_t *order;   /* slices in ascending order (stable) */
    int64_t u;        /* distinct slices */
    int64_t *first;   /* by output position: first slice with that value */
    int64_t *count;   /* by output position */
    int64_t *inverse; /* by slice: output position */
};

static int cmp_num(double a, double b)
{
    if (isnan(a) || isnan(b)) return isnan(a) - isnan(b);
    return (a > b) - (a < b);
}

static int cmp_elem(enum ir_dtype dt, const char *a, const char *b)
{
    switch (dt) {
    case IR_STRING: {
        struct ir_bytes x, y;
        memcpy(&x, a, sizeof x);
        memcpy(&y, b, sizeof y);
        size_t n = x.size < y.size ? x.size : y.size;
        int r = n ? memcmp(x.data, y.data, n) : 0;
        if (r) return r < 0 ? -1 : 1;
        return (x.size > y.size) - (x.size < y.size);
    }
    case IR_U64: {
        uint64_t x, y;
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        return (x > y) - (x < y);
    }
    default: {
        /* a one-element view so the shared getters read the value */
        struct op_tensor ta = {.dtype = dt, .numel = 1, .data = (void *)(uintptr_t)a};
        struct op_tensor tb = {.dtype = dt, .numel = 1, .data = (void *)(uintptr_t)b};
        if (ir_dtype_table[dt].is_float) return cmp_num(op_get_f64(&ta, 0), op_get_f64(&tb, 0));
        int64_t x = op_get_i64(&ta, 0), y = op_get_i64(&tb, 0);
        return (x > y) - (x < y);
    }
    }
}

static int cmp_slice(const struct uniq *q, int64_t a, int64_t b)
{
    size_t step = (size_t)q->len * q->es;
    const char *pa = q->keys + (size_t)a * step, *pb = q->keys + (size_t)b * step;
    for (int64_t i = 0; i < q->len; i++) {
        int r = cmp_elem(q->dtype, pa + (size_t)i * q->es, pb + (size_t)i * q->es);
        if (r) return r;
    }
    return 0;
}

/* Stable bottom-up merge sort of v[0..n): by slice value, or when by is
 * given by ascending by[v[i]]. */
static void merge_sort(const struct uniq *q, int64_t *v, int64_t *tmp, int64_t n, const int64_t *by)
{
    for (int64_t w = 1; w < n; w *= 2) {
        for (int64_t lo = 0; lo < n; lo += 2 * w) {
            int64_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            int64_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi) {
                int r = by ? (by[v[j]] < by[v[i]] ? -1 : 1) : cmp_slice(q, v[j], v[i]);
                tmp[k++] = r < 0 ? v[j++] : v[i++];
            }
            while (i < mid)
                tmp[k++] = v[i++];
            while (j < hi)
                tmp[k++] = v[j++];
        }
        memcpy(v, tmp, sizeof(int64_t) * (size_t)n);
    }
}

static fy_status unique_compute(struct op_ctx *c, struct uniq *q)
{
    const struct shp_unique_params *p = c->params;
    const struct op_tensor *x = c->in[0];
    q->dtype = x->dtype;
    q->es = shp_esize(x->dtype);
    q->axis = -1;
    if (p->has_axis) {
        fy_status st = op_axis(c, p->axis, x->rank, "axis", &q->axis);
        if (st) return st;
    }
    q->n = q->axis < 0 ? (int64_t)x->numel : x->dims[q->axis];
    q->len = q->n ? (int64_t)x->numel / q->n : 0;
    /* an empty input may still have a long axis (of empty slices) */
    if (q->n > ((int64_t)1 << 36))
        return op_fail(c, FY_EUNSUPPORTED, "axis %d has %lld slices", q->axis, (long long)q->n);
    size_t nn = (size_t)(q->n ? q->n : 1);
    int64_t *buf = op_scratch(c, sizeof(int64_t) * nn * 9);
    if (!buf) return FY_ENOMEM;
    q->order = buf;
    int64_t *tmp = buf + nn, *group = buf + 2 * nn;
    q->first = buf + 3 * nn;
    q->count = buf + 4 * nn;
    q->inverse = buf + 5 * nn;
    int64_t *rank = buf + 6 * nn, *ids = buf + 7 * nn, *ids_tmp = buf + 8 * nn;
    if (q->axis <= 0) {
        q->keys = shp_src(x); /* slices are already contiguous */
    } else {
        /* move the axis to the front so each slice is one contiguous key */
        char *keys = op_scratch(c, (size_t)x->numel * q->es + 1);
        if (!keys) return FY_ENOMEM;
        int perm[OP_MAX_RANK];
        perm[0] = q->axis;
        for (int d = 0, k = 1; d < x->rank; d++)
            if (d != q->axis) perm[k++] = d;
        shp_transpose(c, shp_src(x), keys, x->rank, x->dims, perm, q->es);
        q->keys = keys;
    }
    for (int64_t i = 0; i < q->n; i++)
        q->order[i] = i;
    merge_sort(q, q->order, tmp, q->n, NULL);
    /* groups of equal slices in sorted order; the stable sort puts the
     * earliest occurrence first in each */
    q->u = 0;
    for (int64_t i = 0; i < q->n; i++) {
        if (i == 0 || cmp_slice(q, q->order[i - 1], q->order[i])) {
            q->first[q->u] = q->order[i];
            q->count[q->u] = 0;
            q->u++;
        }
        group[q->order[i]] = q->u - 1;
        q->count[q->u - 1]++;
    }
    /* rank[g]: output position of sorted group g */
    for (int64_t g = 0; g < q->u; g++)
        rank[g] = g;
    if (!p->sorted) {
        /* order the groups by first occurrence */
        for (int64_t g = 0; g < q->u; g++)
            ids[g] = g;
        merge_sort(q, ids, ids_tmp, q->u, q->first);
        int64_t *first2 = q->order, *count2 = tmp; /* both free after sorting */
        for (int64_t k = 0; k < q->u; k++) {
            rank[ids[k]] = k;
            first2[k] = q->first[ids[k]];
            count2[k] = q->count[ids[k]];
        }
        memcpy(q->first, first2, sizeof(int64_t) * (size_t)q->u);
        memcpy(q->count, count2, sizeof(int64_t) * (size_t)q->u);
    }
    for (int64_t i = 0; i < q->n; i++)
        q->inverse[i] = rank[group[i]];
    return FY_OK;
}

fy_status shp_unique_infer(struct op_ctx *c)
{
    fy_status st = shp_expect_movable(c, 0);
    if (st) return st;
    const struct op_tensor *x = c->in[0];
    if (x->dtype == IR_C64 || x->dtype == IR_C128)
        return op_fail(c, FY_EUNSUPPORTED, "complex values have no order");
    struct uniq q;
    st = unique_compute(c, &q);
    if (st) return st;
    if (q.axis < 0) {
        st = op_set_output(c, 0, x->dtype, 1, &q.u);
    } else {
        int64_t dims[OP_MAX_RANK];
        memcpy(dims, x->dims, sizeof(int64_t) * (size_t)x->rank);
        dims[q.axis] = q.u;
        st = op_set_output(c, 0, x->dtype, x->rank, dims);
    }
    if (!st) st = op_set_output(c, 1, IR_I64, 1, &q.u);
    if (!st) st = op_set_output(c, 2, IR_I64, 1, &q.n);
    if (!st) st = op_set_output(c, 3, IR_I64, 1, &q.u);
    return st;
}

fy_status shp_unique_eval(struct op_ctx *c)
{
    struct uniq q;
    fy_status st = unique_compute(c, &q);
    if (st) return st;
    const struct op_tensor *x = c->in[0];
    if (c->out[0]) {
        const char *src = shp_src(x);
        char *dst = shp_dst(c->out[0]);
        int64_t outer = q.axis < 0 ? 1 : shp_numel(q.axis, x->dims);
        int64_t inner = q.axis < 0 ? 1 : shp_numel(x->rank - q.axis - 1, x->dims + q.axis + 1);
        size_t run = (size_t)inner * q.es;
        for (int64_t o = 0; o < outer; o++)
            for (int64_t g = 0; g < q.u; g++)
                memcpy(dst + (size_t)(o * q.u + g) * run,
                       src + (size_t)(o * q.n + q.first[g]) * run, run);
    }
    if (c->n_outputs > 1 && c->out[1])
        memcpy(c->out[1]->data, q.first, sizeof(int64_t) * (size_t)q.u);
    if (c->n_outputs > 2 && c->out[2])
        memcpy(c->out[2]->data, q.inverse, sizeof(int64_t) * (size_t)q.n);
    if (c->n_outputs > 3 && c->out[3])
        memcpy(c->out[3]->data, q.count, sizeof(int64_t) * (size_t)q.u);
    return FY_OK;
}
