/* Pad: modes constant, reflect, edge and wrap. Pads are attributes before
 * opset 11 ('paddings' at opset 1, 'pads' at 2, with a float 'value'), then
 * inputs: pads, an optional constant_value and (opset 18) optional axes.
 * Layout of pads: all begins, then all ends, one per padded axis.
 *
 * Negative pads remove elements. As ONNX Runtime does, the removal happens
 * first and the padding is computed from what is left (this only matters
 * when one axis is cropped at one end and padded by reflect/edge/wrap). */
#include <string.h>

#include "ops/shape.h"

fy_status shp_pad_parse(const struct ir_node *n, int64_t opset, void *params, struct fy_error *err)
{
    struct shp_pad_params *p = params;
    struct ir_bytes mode;
    fy_status st = op_attr_string(n, "mode", "constant", &mode, err);
    if (st) return st;
    if (op_bytes_eq(mode, "constant"))
        p->mode = SHP_PAD_CONSTANT;
    else if (op_bytes_eq(mode, "reflect"))
        p->mode = SHP_PAD_REFLECT;
    else if (op_bytes_eq(mode, "edge"))
        p->mode = SHP_PAD_EDGE;
    else if (op_bytes_eq(mode, "wrap"))
        p->mode = SHP_PAD_WRAP;
    else
        return op_fail_node(n, err, FY_EINVALID,
                            "mode '%.*s' is not constant, reflect, edge or wrap", (int)mode.size,
                            (const char *)mode.data);
    p->n_pads = -1;
    if (opset >= 11) return FY_OK;
    st = op_attr_float(n, "value", 0.0f, &p->value, err);
    if (st) return st;
    const char *name = ir_node_attr(n, "pads") ? "pads" : "paddings";
    st = op_attr_ints(n, name, p->pads, 2 * OP_MAX_RANK, &p->n_pads, err);
    if (st) return st;
    if (p->n_pads < 0) return op_fail_node(n, err, FY_EINVALID, "attribute 'pads' is missing");
    return FY_OK;
}

struct pad_plan {
    /* per axis: elements cropped at the start, elements kept, padding added */
    int64_t crop[OP_MAX_RANK], keep[OP_MAX_RANK], before[OP_MAX_RANK], after[OP_MAX_RANK];
    int64_t out[OP_MAX_RANK];
};

static fy_status pad_plan(struct op_ctx *c, struct pad_plan *pp)
{
    const struct shp_pad_params *p = c->params;
    const struct op_tensor *x = c->in[0];
    int r = x->rank;
    int64_t pads[2 * OP_MAX_RANK], axes_v[OP_MAX_RANK];
    int n_pads, n_axes = -1;
    fy_status st;
    if (p->n_pads >= 0) {
        n_pads = p->n_pads;
        memcpy(pads, p->pads, sizeof pads);
    } else {
        if (c->n_inputs < 2 || !c->in[1]) return op_fail(c, FY_EINVALID, "input 'pads' is missing");
        st = op_read_ints(c, 1, pads, 2 * OP_MAX_RANK, &n_pads);
        if (st) return st;
        if (c->n_inputs > 3 && c->in[3]) {
            st = op_read_ints(c, 3, axes_v, OP_MAX_RANK, &n_axes);
            if (st) return st;
        }
    }
    int na = n_axes >= 0 ? n_axes : r;
    if (n_pads != 2 * na)
        return op_fail(c, FY_EINVALID, "pads has %d values; expected %d (2 per padded axis)",
                       n_pads, 2 * na);
    int64_t begin[OP_MAX_RANK] = {0}, end[OP_MAX_RANK] = {0};
    bool seen[OP_MAX_RANK] = {false};
    for (int i = 0; i < na; i++) {
        int a = i;
        if (n_axes >= 0) {
            st = op_axis(c, axes_v[i], r, "axis", &a);
            if (st) return st;
            if (seen[a]) return op_fail(c, FY_EINVALID, "axis %d is listed twice", a);
            seen[a] = true;
        }
        begin[a] = pads[i];
        end[a] = pads[na + i];
    }
    for (int d = 0; d < r; d++) {
        int64_t dim = x->dims[d];
        /* bounds first, so that negating and adding below cannot overflow */
        if (begin[d] < -dim || end[d] < -dim || begin[d] > INT64_MAX / 4 || end[d] > INT64_MAX / 4)
            return op_fail(c, FY_EINVALID, "pads (%lld, %lld) are out of range for axis %d of %lld",
                           (long long)begin[d], (long long)end[d], d, (long long)dim);
        pp->crop[d] = begin[d] < 0 ? -begin[d] : 0;
        pp->before[d] = begin[d] > 0 ? begin[d] : 0;
        pp->after[d] = end[d] > 0 ? end[d] : 0;
        int64_t crop_end = end[d] < 0 ? -end[d] : 0;
        if (pp->crop[d] > dim || crop_end > dim - pp->crop[d])
            return op_fail(c, FY_EINVALID, "pads remove more than the %lld elements of axis %d",
                           (long long)dim, d);
        pp->keep[d] = dim - pp->crop[d] - crop_end;
        if (p->mode != SHP_PAD_CONSTANT && pp->keep[d] == 0 && (pp->before[d] || pp->after[d]))
            return op_fail(c, FY_EINVALID, "axis %d is empty; only constant mode can pad it", d);
        pp->out[d] = pp->before[d] + pp->keep[d] + pp->after[d];
    }
    return FY_OK;
}

fy_status shp_pad_infer(struct op_ctx *c)
{
    fy_status st = shp_expect_movable(c, 0);
    if (st) return st;
    const struct op_tensor *x = c->in[0];
    const struct op_tensor *v = c->n_inputs > 2 ? c->in[2] : NULL;
    if (v && c->opset >= 11) {
        if (v->dtype != x->dtype)
            return op_fail(c, FY_EINVALID, "constant_value has type %s but data has type %s",
                           ir_dtype_name(v->dtype), ir_dtype_name(x->dtype));
        if (v->numel > 1)
            return op_fail(c, FY_EINVALID, "constant_value has %llu elements; expected one",
                           (unsigned long long)v->numel);
    }
    if (shp_esize(x->dtype) > 16)
        return op_fail(c, FY_EUNSUPPORTED, "type %s cannot be padded", ir_dtype_name(x->dtype));
    struct pad_plan pp;
    st = pad_plan(c, &pp);
    if (st) return st;
    return op_set_output(c, 0, x->dtype, x->rank, pp.out);
}

/* Where output position o of an axis reads from, as an index into the kept
 * part of the input; -1 for the constant. */
static int64_t pad_source(enum shp_pad_mode mode, int64_t o, int64_t before, int64_t keep)
{
    int64_t i = o - before;
    if (i >= 0 && i < keep) return i;
    switch (mode) {
    case SHP_PAD_EDGE:
        return i < 0 ? 0 : keep - 1;
    case SHP_PAD_WRAP:
        return ((i % keep) + keep) % keep;
    case SHP_PAD_REFLECT: {
        /* mirror without repeating the edge: period 2 * (keep - 1), as numpy */
        if (keep == 1) return 0;
        int64_t period = 2 * (keep - 1);
        i = ((i % period) + period) % period;
        return i < keep ? i : period - i;
    }
    default:
        return -1;
    }
}

fy_status shp_pad_eval(struct op_ctx *c)
{
    const struct shp_pad_params *p = c->params;
    const struct op_tensor *x = c->in[0];
    struct op_tensor *o = c->out[0];
    struct pad_plan pp;
    fy_status st = pad_plan(c, &pp);
    if (st) return st;
    size_t es = shp_esize(x->dtype);
    /* the constant, as one element of the data's type */
    _Alignas(16) char value[16] = {0};
    const struct op_tensor *v = c->n_inputs > 2 ? c->in[2] : NULL;
    if (p->n_pads >= 0) {
        struct op_tensor tmp = {.dtype = x->dtype, .numel = 1, .data = value};
        /* the float attribute converts to numeric types only */
        if (x->dtype != IR_STRING && x->dtype != IR_C64 && x->dtype != IR_C128)
            op_set_f64(&tmp, 0, p->value);
    } else if (v && v->numel) {
        memcpy(value, shp_src(v), es);
    }
    const char *src = shp_src(x);
    char *dst = shp_dst(o);
    int r = x->rank;
    if (!o->numel) return FY_OK;
    if (r == 0) {
        memcpy(dst, src, es);
        return FY_OK;
    }
    int64_t xs[OP_MAX_RANK], coord[OP_MAX_RANK] = {0};
    shp_strides(r, x->dims, xs);
    int last = r - 1;
    int64_t orow = o->dims[last], rows = (int64_t)o->numel / orow;
    int64_t before = pp.before[last], keep = pp.keep[last];
    for (int64_t row = 0; row < rows; row++) {
        char *out = dst + (size_t)(row * orow) * es;
        int64_t off = 0;
        bool outside = false;
        for (int d = 0; d < last && !outside; d++) {
            int64_t s = pad_source(p->mode, coord[d], pp.before[d], pp.keep[d]);
            if (s < 0)
                outside = true;
            else
                off += (pp.crop[d] + s) * xs[d];
        }
        if (outside) {
            shp_fill(out, orow, value, es);
        } else {
            const char *in = src + (size_t)(off + pp.crop[last]) * es;
            /* the kept run in one copy, the padding on both sides element by element */
            if (keep) memcpy(out + (size_t)before * es, in, (size_t)keep * es);
            for (int64_t k = 0; k < orow; k++) {
                if (k == before) k += keep;
                if (k >= orow) break;
                int64_t s = pad_source(p->mode, k, before, keep);
                memcpy(out + (size_t)k * es, s < 0 ? value : in + (size_t)s * es, es);
            }
        }
        for (int d = last - 1; d >= 0; d--) {
            if (++coord[d] < o->dims[d]) break;
            coord[d] = 0;
        }
    }
    return FY_OK;
}
