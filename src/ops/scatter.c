/* Ops that write updates into a copy of data at indexed places:
 * ScatterElements (and the deprecated Scatter, the same without reduction)
 * and ScatterND. Updates are applied in index order; with reduction 'none'
 * a later duplicate index wins (ONNX leaves duplicates unspecified).
 * Indices are data: one out of range fails the node. */
#include <string.h>

#include "core/half.h"
#include "ops/shape.h"

static const enum ir_dtype index_types[] = {IR_I64, IR_I32};

static fy_status reduction_parse(const struct ir_node *n, enum shp_reduction *r,
                                 struct fy_error *err)
{
    struct ir_bytes s;
    fy_status st = op_attr_string(n, "reduction", "none", &s, err);
    if (st) return st;
    static const char *const names[] = {"none", "add", "mul", "max", "min"};
    for (int i = 0; i < 5; i++)
        if (op_bytes_eq(s, names[i])) {
            *r = (enum shp_reduction)i;
            return FY_OK;
        }
    return op_fail_node(n, err, FY_EINVALID, "reduction '%.*s' is not none, add, mul, max or min",
                        (int)s.size, (const char *)s.data);
}

/* ---- combining an update with the value in place ---- */

/* Integer arithmetic wraps (done in uint64_t, where overflow is defined). */
#define RED_INT(NAME, T)                                                                           \
    static void NAME(void *dv, const void *sv, int64_t n, enum shp_reduction r)                    \
    {                                                                                              \
        T *d = dv;                                                                                 \
        const T *s = sv;                                                                           \
        for (int64_t i = 0; i < n; i++) {                                                          \
            T a = d[i], b = s[i];                                                                  \
            switch (r) {                                                                           \
            case SHP_RED_ADD:                                                                      \
                d[i] = (T)((uint64_t)a + (uint64_t)b);                                             \
                break;                                                                             \
            case SHP_RED_MUL:                                                                      \
                d[i] = (T)((uint64_t)a * (uint64_t)b);                                             \
                break;                                                                             \
            case SHP_RED_MAX:                                                                      \
                d[i] = a > b ? a : b;                                                              \
                break;                                                                             \
            case SHP_RED_MIN:                                                                      \
                d[i] = a < b ? a : b;                                                              \
                break;                                                                             \
            default:                                                                               \
                d[i] = b;                                                                          \
                break;                                                                             \
            }                                                                                      \
        }                                                                                          \
    }

#define RED_FLOAT(NAME, T)                                                                         \
    static void NAME(void *dv, const void *sv, int64_t n, enum shp_reduction r)                    \
    {                                                                                              \
        T *d = dv;                                                                                 \
        const T *s = sv;                                                                           \
        for (int64_t i = 0; i < n; i++) {                                                          \
            T a = d[i], b = s[i];                                                                  \
            switch (r) {                                                                           \
            case SHP_RED_ADD:                                                                      \
                d[i] = a + b;                                                                      \
                break;                                                                             \
            case SHP_RED_MUL:                                                                      \
                d[i] = a * b;                                                                      \
                break;                                                                             \
            case SHP_RED_MAX:                                                                      \
                d[i] = a > b ? a : b;                                                              \
                break;                                                                             \
            case SHP_RED_MIN:                                                                      \
                d[i] = a < b ? a : b;                                                              \
                break;                                                                             \
            default:                                                                               \
                d[i] = b;                                                                          \
                break;                                                                             \
            }                                                                                      \
        }                                                                                          \
    }

RED_INT(red_i8, int8_t)
RED_INT(red_u8, uint8_t)
RED_INT(red_i16, int16_t)
RED_INT(red_u16, uint16_t)
RED_INT(red_i32, int32_t)
RED_INT(red_u32, uint32_t)
RED_INT(red_i64, int64_t)
RED_INT(red_u64, uint64_t)
RED_FLOAT(red_f32, float)
RED_FLOAT(red_f64, double)

/* float16 and bfloat16 combine in float and round back */
static void red_half(uint16_t *d, const uint16_t *s, int64_t n, enum shp_reduction r, bool bf)
{
    for (int64_t i = 0; i < n; i++) {
        float a = bf ? bf16_to_float(d[i]) : half_to_float(d[i]);
        float b = bf ? bf16_to_float(s[i]) : half_to_float(s[i]);
        float v = r == SHP_RED_ADD   ? a + b
                  : r == SHP_RED_MUL ? a * b
                  : r == SHP_RED_MAX ? (a > b ? a : b)
                                     : (a < b ? a : b);
        d[i] = bf ? bf16_from_float(v) : half_from_float(v);
    }
}

/* bool: add is or, mul is and, max is or, min is and */
static void red_bool(uint8_t *d, const uint8_t *s, int64_t n, enum shp_reduction r)
{
    for (int64_t i = 0; i < n; i++)
        d[i] = (r == SHP_RED_ADD || r == SHP_RED_MAX) ? (d[i] || s[i]) : (d[i] && s[i]);
}

/* d[0..n) op= s[0..n) for dtype dt (checked reducible by infer). */
static void combine(enum ir_dtype dt, char *d, const char *s, int64_t n, size_t es,
                    enum shp_reduction r)
{
    if (r == SHP_RED_NONE) {
        memcpy(d, s, (size_t)n * es);
        return;
    }
    switch (dt) {
    case IR_I8:
        red_i8(d, s, n, r);
        break;
    case IR_U8:
        red_u8(d, s, n, r);
        break;
    case IR_I16:
        red_i16(d, s, n, r);
        break;
    case IR_U16:
        red_u16(d, s, n, r);
        break;
    case IR_I32:
        red_i32(d, s, n, r);
        break;
    case IR_U32:
        red_u32(d, s, n, r);
        break;
    case IR_I64:
        red_i64(d, s, n, r);
        break;
    case IR_U64:
        red_u64(d, s, n, r);
        break;
    case IR_F32:
        red_f32(d, s, n, r);
        break;
    case IR_F64:
        red_f64(d, s, n, r);
        break;
    case IR_F16:
        red_half((uint16_t *)(void *)d, (const uint16_t *)(const void *)s, n, r, false);
        break;
    case IR_BF16:
        red_half((uint16_t *)(void *)d, (const uint16_t *)(const void *)s, n, r, true);
        break;
    case IR_BOOL:
        red_bool((uint8_t *)d, (const uint8_t *)s, n, r);
        break;
    default:
        break;
    }
}

static fy_status check_reducible(struct op_ctx *c, enum shp_reduction r)
{
    static const enum ir_dtype ok[] = {IR_I8,  IR_U8,  IR_I16, IR_U16, IR_I32,  IR_U32, IR_I64,
                                       IR_U64, IR_F32, IR_F64, IR_F16, IR_BF16, IR_BOOL};
    if (r == SHP_RED_NONE) return FY_OK;
    return op_expect_dtype(c, 0, ok, (int)(sizeof ok / sizeof ok[0]));
}

static fy_status scatter_common_checks(struct op_ctx *c, enum shp_reduction r)
{
    fy_status st = shp_expect_movable(c, 0);
    if (!st) st = op_expect_dtype(c, 1, index_types, 2);
    if (!st) st = check_reducible(c, r);
    if (st) return st;
    if (!c->in[1] || !c->in[2]) return op_fail(c, FY_EINVALID, "indices and updates are required");
    if (c->in[2]->dtype != c->in[0]->dtype)
        return op_fail(c, FY_EINVALID, "updates have type %s but data has type %s",
                       ir_dtype_name(c->in[2]->dtype), ir_dtype_name(c->in[0]->dtype));
    return FY_OK;
}

/* ---- ScatterElements / Scatter ---- */

fy_status shp_scatter_elements_parse(const struct ir_node *n, int64_t opset, void *params,
                                     struct fy_error *err)
{
    (void)opset;
    struct shp_scatter_params *p = params;
    fy_status st = op_attr_int(n, "axis", 0, &p->axis, err);
    if (st) return st;
    return reduction_parse(n, &p->reduction, err);
}

fy_status shp_scatter_elements_infer(struct op_ctx *c)
{
    const struct shp_scatter_params *p = c->params;
    fy_status st = scatter_common_checks(c, p->reduction);
    if (st) return st;
    const struct op_tensor *x = c->in[0], *ind = c->in[1], *upd = c->in[2];
    int axis;
    st = op_axis(c, p->axis, x->rank, "axis", &axis);
    if (st) return st;
    if (ind->rank != x->rank)
        return op_fail(c, FY_EINVALID, "indices have rank %d but data has rank %d", ind->rank,
                       x->rank);
    if (upd->rank != ind->rank)
        return op_fail(c, FY_EINVALID, "updates have rank %d but indices have rank %d", upd->rank,
                       ind->rank);
    for (int d = 0; d < x->rank; d++) {
        if (upd->dims[d] != ind->dims[d])
            return op_fail(c, FY_EINVALID, "updates dim %d is %lld but indices dim %d is %lld", d,
                           (long long)upd->dims[d], d, (long long)ind->dims[d]);
        if (d != axis && ind->dims[d] > x->dims[d])
            return op_fail(c, FY_EINVALID, "indices dim %d is %lld but data has only %lld", d,
                           (long long)ind->dims[d], (long long)x->dims[d]);
    }
    return op_set_output(c, 0, x->dtype, x->rank, x->dims);
}

fy_status shp_scatter_elements_eval(struct op_ctx *c)
{
    const struct shp_scatter_params *p = c->params;
    const struct op_tensor *x = c->in[0], *ind = c->in[1], *upd = c->in[2];
    struct op_tensor *o = c->out[0];
    shp_copy_all(x, o);
    int r = x->rank, axis = (int)(p->axis < 0 ? p->axis + r : p->axis);
    int64_t xs[OP_MAX_RANK], coord[OP_MAX_RANK] = {0};
    shp_strides(r, x->dims, xs);
    size_t es = shp_esize(x->dtype);
    const char *src = shp_src(upd);
    char *dst = shp_dst(o);
    int64_t base = 0, dim = x->dims[axis];
    for (uint64_t i = 0; i < ind->numel; i++) {
        int64_t v = op_get_i64(ind, i);
        if (v < -dim || v >= dim)
            return op_fail(c, FY_EINVALID,
                           "index %lld (element %llu of the indices) is out of range for axis %d "
                           "of size %lld",
                           (long long)v, (unsigned long long)i, axis, (long long)dim);
        int64_t at = v < 0 ? v + dim : v;
        combine(x->dtype, dst + (size_t)(base + at * xs[axis]) * es, src + i * es, 1, es,
                p->reduction);
        for (int d = r - 1; d >= 0; d--) {
            if (d != axis) base += xs[d];
            if (++coord[d] < ind->dims[d]) break;
            if (d != axis) base -= xs[d] * ind->dims[d];
            coord[d] = 0;
        }
    }
    return FY_OK;
}

/* ---- ScatterND ---- */

fy_status shp_scatternd_parse(const struct ir_node *n, int64_t opset, void *params,
                              struct fy_error *err)
{
    (void)opset;
    struct shp_scatter_params *p = params;
    p->axis = 0;
    return reduction_parse(n, &p->reduction, err);
}

fy_status shp_scatternd_infer(struct op_ctx *c)
{
    const struct shp_scatter_params *p = c->params;
    fy_status st = scatter_common_checks(c, p->reduction);
    if (st) return st;
    const struct op_tensor *x = c->in[0], *ind = c->in[1], *upd = c->in[2];
    int r = x->rank, q = ind->rank;
    if (r < 1 || q < 1)
        return op_fail(c, FY_EINVALID, "data (rank %d) and indices (rank %d) need rank >= 1", r, q);
    int64_t k = ind->dims[q - 1];
    if (k < 1 || k > r)
        return op_fail(c, FY_EINVALID, "indices' last dim is %lld; expected 1 to %d", (long long)k,
                       r);
    /* updates: indices.shape[:-1] + data.shape[k:] */
    int64_t want[2 * OP_MAX_RANK];
    int n = 0;
    for (int d = 0; d < q - 1; d++)
        want[n++] = ind->dims[d];
    for (int64_t d = k; d < r; d++)
        want[n++] = x->dims[d];
    bool ok = upd->rank == n;
    for (int d = 0; ok && d < n; d++)
        ok = upd->dims[d] == want[d];
    if (!ok)
        return op_fail(c, FY_EINVALID,
                       "updates have rank %d and do not match indices.shape[:-1] + "
                       "data.shape[%lld:] (rank %d)",
                       upd->rank, (long long)k, n);
    return op_set_output(c, 0, x->dtype, x->rank, x->dims);
}

fy_status shp_scatternd_eval(struct op_ctx *c)
{
    const struct shp_scatter_params *p = c->params;
    const struct op_tensor *x = c->in[0], *ind = c->in[1], *upd = c->in[2];
    struct op_tensor *o = c->out[0];
    shp_copy_all(x, o);
    if (!o->numel) return FY_OK; /* and the loop bounds below are exact */
    int r = x->rank, q = ind->rank, k = (int)ind->dims[q - 1];
    int64_t xs[OP_MAX_RANK];
    shp_strides(r, x->dims, xs);
    int64_t tuples = shp_numel(q - 1, ind->dims);
    int64_t inner = shp_numel(r - k, x->dims + k);
    size_t es = shp_esize(x->dtype);
    const char *src = shp_src(upd);
    char *dst = shp_dst(o);
    for (int64_t t = 0; t < tuples; t++) {
        int64_t off = 0;
        for (int j = 0; j < k; j++) {
            uint64_t at = (uint64_t)(t * k + j);
            int64_t v = op_get_i64(ind, at), dim = x->dims[j];
            if (v < -dim || v >= dim)
                return op_fail(c, FY_EINVALID,
                               "index %lld (element %llu of the indices) is out of range for "
                               "axis %d of size %lld",
                               (long long)v, (unsigned long long)at, j, (long long)dim);
            off += (v < 0 ? v + dim : v) * xs[j];
        }
        combine(x->dtype, dst + (size_t)off * es, src + (size_t)(t * inner) * es, inner, es,
                p->reduction);
    }
    return FY_OK;
}
