/* ReverseSequence: for each batch entry b, the first sequence_lens[b]
 * steps along the time axis are reversed; the rest are copied. Time and
 * batch are axes 0 and 1 (either way round). */
#include <string.h>

#include "ops/shape.h"

fy_status shp_revseq_parse(const struct ir_node *n, int64_t opset, void *params,
                           struct fy_error *err)
{
    (void)opset;
    struct shp_revseq_params *p = params;
    fy_status st = op_attr_int(n, "time_axis", 0, &p->time_axis, err);
    if (!st) st = op_attr_int(n, "batch_axis", 1, &p->batch_axis, err);
    if (st) return st;
    if (!((p->time_axis == 0 && p->batch_axis == 1) || (p->time_axis == 1 && p->batch_axis == 0)))
        return op_fail_node(n, err, FY_EINVALID,
                            "time_axis %lld and batch_axis %lld must be 0 and 1 in some order",
                            (long long)p->time_axis, (long long)p->batch_axis);
    return FY_OK;
}

fy_status shp_revseq_infer(struct op_ctx *c)
{
    const struct shp_revseq_params *p = c->params;
    static const enum ir_dtype lens_types[] = {IR_I64, IR_I32};
    fy_status st = shp_expect_movable(c, 0);
    if (!st) st = op_expect_dtype(c, 1, lens_types, 2);
    if (st) return st;
    const struct op_tensor *x = c->in[0], *lens = c->in[1];
    if (x->rank < 2) return op_fail(c, FY_EINVALID, "input has rank %d; expected >= 2", x->rank);
    if (!lens || lens->rank != 1 || lens->dims[0] != x->dims[p->batch_axis])
        return op_fail(c, FY_EINVALID, "sequence_lens must be 1-D with %lld values (the batch)",
                       (long long)x->dims[p->batch_axis]);
    return op_set_output(c, 0, x->dtype, x->rank, x->dims);
}

fy_status shp_revseq_eval(struct op_ctx *c)
{
    const struct shp_revseq_params *p = c->params;
    const struct op_tensor *x = c->in[0], *lens = c->in[1];
    if (!x->numel) return FY_OK; /* and the loop bounds below are exact */
    int64_t T = x->dims[p->time_axis], B = x->dims[p->batch_axis];
    int64_t inner = shp_numel(x->rank - 2, x->dims + 2);
    size_t es = shp_esize(x->dtype), run = (size_t)inner * es;
    const char *src = shp_src(x);
    char *dst = shp_dst(c->out[0]);
    for (int64_t b = 0; b < B; b++) {
        int64_t len = op_get_i64(lens, (uint64_t)b);
        if (len < 0 || len > T)
            return op_fail(c, FY_EINVALID, "sequence_lens[%lld] is %lld; expected 0 to %lld",
                           (long long)b, (long long)len, (long long)T);
        for (int64_t t = 0; t < T && run; t++) {
            int64_t from = t < len ? len - 1 - t : t;
            int64_t at_out = p->time_axis == 0 ? t * B + b : b * T + t;
            int64_t at_in = p->time_axis == 0 ? from * B + b : b * T + from;
            memcpy(dst + (size_t)at_out * run, src + (size_t)at_in * run, run);
        }
    }
    return FY_OK;
}
