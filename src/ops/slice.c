/* Slice: starts/ends/axes as attributes at opset 1, as inputs (with steps)
 * from opset 10. The selected elements are a strided view of the input:
 * offset sum(start_d * stride_d), strides step_d * stride_d. */
#include <string.h>

#include "ops/shape.h"

fy_status shp_slice_parse(const struct ir_node *n, int64_t opset, void *params,
                          struct fy_error *err)
{
    struct shp_slice_params *p = params;
    p->n_starts = p->n_ends = p->n_axes = -1;
    if (opset >= 10) return FY_OK;
    fy_status st = op_attr_ints(n, "starts", p->starts, OP_MAX_RANK, &p->n_starts, err);
    if (!st) st = op_attr_ints(n, "ends", p->ends, OP_MAX_RANK, &p->n_ends, err);
    if (!st) st = op_attr_ints(n, "axes", p->axes, OP_MAX_RANK, &p->n_axes, err);
    if (st) return st;
    if (p->n_starts < 0 || p->n_ends < 0)
        return op_fail_node(n, err, FY_EINVALID, "attributes 'starts' and 'ends' are required");
    return FY_OK;
}

struct slice_plan {
    int64_t start[OP_MAX_RANK], step[OP_MAX_RANK], count[OP_MAX_RANK];
};

/* Reads an optional input i into v; *n = -1 when it is absent. */
static fy_status read_opt(struct op_ctx *c, int i, int64_t *v, int *n)
{
    *n = -1;
    if (i >= c->n_inputs || !c->in[i]) return FY_OK;
    return op_read_ints(c, i, v, OP_MAX_RANK, n);
}

static fy_status slice_plan(struct op_ctx *c, struct slice_plan *sp)
{
    const struct shp_slice_params *p = c->params;
    const struct op_tensor *x = c->in[0];
    int r = x->rank;
    int64_t starts[OP_MAX_RANK], ends[OP_MAX_RANK], axes[OP_MAX_RANK], steps[OP_MAX_RANK];
    int ns, ne, na, nst = -1;
    fy_status st;
    if (c->opset >= 10) {
        if (c->n_inputs < 3 || !c->in[1] || !c->in[2])
            return op_fail(c, FY_EINVALID, "inputs 'starts' and 'ends' are required");
        st = op_read_ints(c, 1, starts, OP_MAX_RANK, &ns);
        if (!st) st = op_read_ints(c, 2, ends, OP_MAX_RANK, &ne);
        if (!st) st = read_opt(c, 3, axes, &na);
        if (!st) st = read_opt(c, 4, steps, &nst);
        if (st) return st;
    } else {
        ns = p->n_starts;
        ne = p->n_ends;
        na = p->n_axes;
        memcpy(starts, p->starts, sizeof starts);
        memcpy(ends, p->ends, sizeof ends);
        memcpy(axes, p->axes, sizeof axes);
    }
    if (ns != ne || (na >= 0 && na != ns) || (nst >= 0 && nst != ns))
        return op_fail(c, FY_EINVALID,
                       "starts, ends, axes and steps must have the same length (%d, %d, %d, %d)",
                       ns, ne, na, nst);
    if (ns > r) return op_fail(c, FY_EINVALID, "%d axes sliced but the input has rank %d", ns, r);
    for (int d = 0; d < r; d++) {
        sp->start[d] = 0;
        sp->step[d] = 1;
        sp->count[d] = x->dims[d];
    }
    bool seen[OP_MAX_RANK] = {false};
    for (int i = 0; i < ns; i++) {
        int a;
        st = op_axis(c, na >= 0 ? axes[i] : i, r, "axis", &a);
        if (st) return st;
        if (seen[a]) return op_fail(c, FY_EINVALID, "axis %d is sliced twice", a);
        seen[a] = true;
        int64_t dim = x->dims[a], step = nst >= 0 ? steps[i] : 1;
        if (step == 0) return op_fail(c, FY_EINVALID, "step for axis %d is 0", a);
        /* |INT64_MIN| does not exist; any step beyond the dim takes one element */
        if (step == INT64_MIN) step = -INT64_MAX;
        int64_t s = starts[i], e = ends[i];
        if (s < 0) s += dim;
        if (e < 0) e += dim;
        int64_t count;
        if (step > 0) {
            /* clamp both to [0, dim] */
            s = s < 0 ? 0 : (s > dim ? dim : s);
            e = e < 0 ? 0 : (e > dim ? dim : e);
            count = e > s ? 1 + (e - s - 1) / step : 0;
        } else {
            /* going backwards: start in [0, dim-1], end in [-1, dim-1] (-1: through 0) */
            s = s < 0 ? 0 : (s > dim - 1 ? dim - 1 : s);
            e = e < -1 ? -1 : (e > dim - 1 ? dim - 1 : e);
            count = s > e ? 1 + (s - e - 1) / -step : 0;
        }
        sp->start[a] = count ? s : 0;
        sp->step[a] = step;
        sp->count[a] = count;
    }
    return FY_OK;
}

fy_status shp_slice_infer(struct op_ctx *c)
{
    fy_status st = shp_expect_movable(c, 0);
    if (st) return st;
    struct slice_plan sp;
    st = slice_plan(c, &sp);
    if (st) return st;
    return op_set_output(c, 0, c->in[0]->dtype, c->in[0]->rank, sp.count);
}

fy_status shp_slice_eval(struct op_ctx *c)
{
    struct slice_plan sp;
    fy_status st = slice_plan(c, &sp);
    if (st) return st;
    const struct op_tensor *x = c->in[0];
    struct op_tensor *o = c->out[0];
    if (!o->numel) return FY_OK;
    int64_t xs[OP_MAX_RANK], ss[OP_MAX_RANK], off = 0;
    shp_strides(x->rank, x->dims, xs);
    for (int d = 0; d < x->rank; d++) {
        off += sp.start[d] * xs[d];
        /* a dim that yields one element never steps (and a huge step would overflow) */
        ss[d] = sp.count[d] > 1 ? sp.step[d] * xs[d] : 0;
    }
    size_t es = shp_esize(x->dtype);
    shp_strided_copy(c, shp_dst(o), shp_src(x) + (size_t)off * es, x->rank, o->dims, ss, es);
    return FY_OK;
}
