/* Trilu: keeps the upper (j - i >= k) or lower (j - i <= k) triangle of
 * each matrix in the last two dims, zeroing the rest. */
#include <string.h>

#include "ops/shape.h"

fy_status shp_trilu_parse(const struct ir_node *n, int64_t opset, void *params,
                          struct fy_error *err)
{
    (void)opset;
    struct shp_trilu_params *p = params;
    return op_attr_int(n, "upper", 1, &p->upper, err);
}

static fy_status trilu_k(struct op_ctx *c, int64_t *k)
{
    *k = 0;
    const struct op_tensor *t = c->n_inputs > 1 ? c->in[1] : NULL;
    if (!t) return FY_OK;
    if ((t->dtype != IR_I64 && t->dtype != IR_I32) || t->numel != 1 || t->rank > 1)
        return op_fail(c, FY_EINVALID, "k must be a scalar int64");
    *k = op_get_i64(t, 0);
    return FY_OK;
}

fy_status shp_trilu_infer(struct op_ctx *c)
{
    fy_status st = shp_expect_movable(c, 0);
    if (st) return st;
    const struct op_tensor *x = c->in[0];
    if (x->rank < 2) return op_fail(c, FY_EINVALID, "input has rank %d; expected >= 2", x->rank);
    int64_t k;
    st = trilu_k(c, &k);
    if (st) return st;
    return op_set_output(c, 0, x->dtype, x->rank, x->dims);
}

fy_status shp_trilu_eval(struct op_ctx *c)
{
    const struct shp_trilu_params *p = c->params;
    const struct op_tensor *x = c->in[0];
    if (!x->numel) return FY_OK; /* and rows * cols below cannot overflow */
    int64_t k;
    fy_status st = trilu_k(c, &k);
    if (st) return st;
    size_t es = shp_esize(x->dtype);
    int64_t rows = x->dims[x->rank - 2], cols = x->dims[x->rank - 1];
    int64_t mats = (int64_t)x->numel / (rows * cols);
    const char *src = shp_src(x);
    char *dst = shp_dst(c->out[0]);
    for (int64_t m = 0; m < mats * rows; m++) {
        int64_t i = m % rows;
        /* columns kept in this row: [lo, hi) */
        int64_t lo = 0, hi = cols;
        /* clamp i + k without overflowing for extreme k */
        int64_t edge = k > cols ? cols + 1 : (k < -rows - 1 ? -1 : i + k);
        if (p->upper)
            lo = edge < 0 ? 0 : (edge > cols ? cols : edge);
        else
            hi = edge + 1 < 0 ? 0 : (edge + 1 > cols ? cols : edge + 1);
        if (hi < lo) hi = lo;
        size_t row = (size_t)(m * cols) * es;
        memset(dst + row, 0, (size_t)cols * es);
        if (hi > lo)
            memcpy(dst + row + (size_t)lo * es, src + row + (size_t)lo * es,
                   (size_t)(hi - lo) * es);
    }
    return FY_OK;
}
