/* Helpers shared by the op descriptors: attribute access, shapes,
 * broadcasting and generic element access. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/half.h"
#include "ops/op.h"

fy_status op_fail_node(const struct ir_node *n, struct fy_error *err, fy_status st,
                       const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vfmt(err, st, -1, n ? n->name : NULL, n ? n->op_type : NULL, fmt, ap);
    va_end(ap);
    return st;
}

fy_status op_fail(const struct op_ctx *c, fy_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vfmt(c->err, st, -1, c->node->name, c->node->op_type, fmt, ap);
    va_end(ap);
    return st;
}

static fy_status attr_type_error(const struct ir_node *n, const struct ir_attr *a,
                                 const char *want, struct fy_error *err)
{
    return op_fail_node(n, err, FY_EINVALID, "attribute '%s' is of type %s; expected %s",
                        a->name, ir_attr_type_name(a->type), want);
}

fy_status op_attr_int(const struct ir_node *n, const char *name, int64_t dflt, int64_t *out,
                      struct fy_error *err)
{
    const struct ir_attr *a = ir_node_attr(n, name);
    *out = dflt;
    if (!a) return FY_OK;
    if (a->type != IR_ATTR_INT) return attr_type_error(n, a, "int", err);
    *out = a->v.i;
    return FY_OK;
}

fy_status op_attr_float(const struct ir_node *n, const char *name, float dflt, float *out,
                        struct fy_error *err)
{
    const struct ir_attr *a = ir_node_attr(n, name);
    *out = dflt;
    if (!a) return FY_OK;
    /* Some exporters write integral floats as ints; ONNX Runtime accepts them too. */
    if (a->type == IR_ATTR_INT) {
        *out = (float)a->v.i;
        return FY_OK;
    }
    if (a->type != IR_ATTR_FLOAT) return attr_type_error(n, a, "float", err);
    *out = a->v.f;
    return FY_OK;
}

fy_status op_attr_string(const struct ir_node *n, const char *name, const char *dflt,
                         struct ir_bytes *out, struct fy_error *err)
{
    const struct ir_attr *a = ir_node_attr(n, name);
    out->data = (const uint8_t *)dflt;
    out->size = dflt ? strlen(dflt) : 0;
    if (!a) return FY_OK;
    if (a->type != IR_ATTR_STRING) return attr_type_error(n, a, "string", err);
    *out = a->v.s;
    return FY_OK;
}

fy_status op_attr_ints(const struct ir_node *n, const char *name, int64_t *out, int cap,
                       int *count, struct fy_error *err)
{
    const struct ir_attr *a = ir_node_attr(n, name);
    *count = -1;
    if (!a) return FY_OK;
    if (a->type != IR_ATTR_INTS) return attr_type_error(n, a, "ints", err);
    if (a->count > cap)
        return op_fail_node(n, err, FY_EUNSUPPORTED,
                            "attribute '%s' has %lld values; at most %d are supported", name,
                            (long long)a->count, cap);
    for (int64_t i = 0; i < a->count; i++) out[i] = a->v.ints[i];
    *count = (int)a->count;
    return FY_OK;
}

fy_status op_attr_floats(const struct ir_node *n, const char *name, float *out, int cap,
                         int *count, struct fy_error *err)
{
    const struct ir_attr *a = ir_node_attr(n, name);
    *count = -1;
    if (!a) return FY_OK;
    if (a->type != IR_ATTR_FLOATS) return attr_type_error(n, a, "floats", err);
    if (a->count > cap)
        return op_fail_node(n, err, FY_EUNSUPPORTED,
                            "attribute '%s' has %lld values; at most %d are supported", name,
                            (long long)a->count, cap);
    for (int64_t i = 0; i < a->count; i++) out[i] = a->v.floats[i];
    *count = (int)a->count;
    return FY_OK;
}

bool op_bytes_eq(struct ir_bytes b, const char *s)
{
    size_t n = strlen(s);
    return b.size == n && (n == 0 || memcmp(b.data, s, n) == 0);
}

fy_status op_set_output(struct op_ctx *c, int i, enum ir_dtype dt, int rank,
                        const int64_t *dims)
{
    if (i >= c->n_outputs || !c->out[i]) return FY_OK; /* output not wanted */
    struct op_tensor *t = c->out[i];
    if (rank < 0 || rank > OP_MAX_RANK)
        return op_fail(c, FY_EUNSUPPORTED, "output %d has rank %d; at most %d is supported", i,
                       rank, OP_MAX_RANK);
    uint64_t n = 1;
    for (int d = 0; d < rank; d++) {
        if (dims[d] < 0)
            return op_fail(c, FY_EINVALID, "output %d would have negative dim %lld", i,
                           (long long)dims[d]);
        if (dims[d] && n > UINT64_MAX / (uint64_t)dims[d])
            return op_fail(c, FY_EINVALID, "output %d has too many elements", i);
        n *= (uint64_t)dims[d];
        t->dims[d] = dims[d];
    }
    uint64_t nb = 0;
    if (dt == IR_STRING && n > ((uint64_t)1 << 32))
        return op_fail(c, FY_EINVALID, "output %d would have %llu strings", i,
                       (unsigned long long)n);
    if (dt != IR_STRING && !ir_dtype_nbytes(dt, n, &nb))
        return op_fail(c, FY_EUNSUPPORTED, "output %d: type %s cannot be computed", i,
                       ir_dtype_name(dt));
    if (nb > ((uint64_t)1 << 40))
        return op_fail(c, FY_EINVALID, "output %d would take %llu bytes", i,
                       (unsigned long long)nb);
    t->dtype = dt;
    t->rank = rank;
    t->numel = n;
    t->nbytes = nb;
    return FY_OK;
}

fy_status op_broadcast_shape(struct op_ctx *c, const struct op_tensor *const *ts, int n,
                             int *rank, int64_t *dims)
{
    int r = 0;
    for (int i = 0; i < n; i++)
        if (ts[i] && ts[i]->rank > r) r = ts[i]->rank;
    for (int d = 0; d < r; d++) dims[d] = 1;
    for (int i = 0; i < n; i++) {
        const struct op_tensor *t = ts[i];
        if (!t) continue;
        for (int d = 0; d < t->rank; d++) {
            int od = r - t->rank + d;
            int64_t a = dims[od], b = t->dims[d];
            if (a == b || b == 1) continue;
            if (a == 1) {
                dims[od] = b;
                continue;
            }
            return op_fail(c, FY_EINVALID,
                           "inputs cannot be broadcast: dim %d is %lld in one and %lld in another",
                           od, (long long)a, (long long)b);
        }
    }
    *rank = r;
    return FY_OK;
}

fy_status op_axis(const struct op_ctx *c, int64_t axis, int rank, const char *what, int *out)
{
    if (axis < -(int64_t)rank || axis >= rank)
        return op_fail(c, FY_EINVALID, "%s %lld is out of range for rank %d", what,
                       (long long)axis, rank);
    *out = (int)(axis < 0 ? axis + rank : axis);
    return FY_OK;
}

fy_status op_read_ints(const struct op_ctx *c, int input, int64_t *out, int cap, int *count)
{
    const struct op_tensor *t = input < c->n_inputs ? c->in[input] : NULL;
    if (!t) return op_fail(c, FY_EINVALID, "input %d is missing", input);
    if (t->dtype != IR_I64 && t->dtype != IR_I32)
        return op_fail(c, FY_EINVALID, "input %d has type %s; expected int64 or int32", input,
                       ir_dtype_name(t->dtype));
    if (t->rank > 1)
        return op_fail(c, FY_EINVALID, "input %d has rank %d; expected a 1-D tensor", input,
                       t->rank);
    if (t->numel > (uint64_t)cap)
        return op_fail(c, FY_EUNSUPPORTED, "input %d has %llu values; at most %d are supported",
                       input, (unsigned long long)t->numel, cap);
    for (uint64_t i = 0; i < t->numel; i++) out[i] = op_get_i64(t, i);
    *count = (int)t->numel;
    return FY_OK;
}

fy_status op_expect_dtype(const struct op_ctx *c, int input, const enum ir_dtype *allowed,
                          int n_allowed)
{
    const struct op_tensor *t = input < c->n_inputs ? c->in[input] : NULL;
    if (!t) return FY_OK;
    for (int i = 0; i < n_allowed; i++)
        if (t->dtype == allowed[i]) return FY_OK;
    char list[256] = "";
    size_t k = 0;
    for (int i = 0; i < n_allowed && k < sizeof list - 16; i++)
        k += (size_t)snprintf(list + k, sizeof list - k, "%s%s", i ? ", " : "",
                              ir_dtype_name(allowed[i]));
    return op_fail(c, FY_EUNSUPPORTED, "input %d has type %s; expected one of %s", input,
                   ir_dtype_name(t->dtype), list);
}

fy_status op_expect_same_dtype(const struct op_ctx *c, int first, int last)
{
    const struct op_tensor *a = first < c->n_inputs ? c->in[first] : NULL;
    for (int i = first + 1; i <= last && i < c->n_inputs; i++) {
        const struct op_tensor *b = c->in[i];
        if (a && b && a->dtype != b->dtype)
            return op_fail(c, FY_EINVALID, "input %d has type %s but input %d has type %s", i,
                           ir_dtype_name(b->dtype), first, ir_dtype_name(a->dtype));
    }
    return FY_OK;
}

void op_broadcast_strides(const struct op_tensor *t, int rank, const int64_t *dims,
                          int64_t *strides)
{
    int64_t s = 1;
    for (int d = rank - 1; d >= 0; d--) {
        int td = d - (rank - t->rank);
        if (td < 0 || t->dims[td] == 1) {
            strides[d] = 0;
        } else {
            strides[d] = s;
            s *= t->dims[td];
        }
        (void)dims;
    }
}

double op_get_f64(const struct op_tensor *t, uint64_t i)
{
    const void *p = t->data;
    switch (t->dtype) {
    case IR_F32: return ((const float *)p)[i];
    case IR_F64: return ((const double *)p)[i];
    case IR_F16: return half_to_float(((const uint16_t *)p)[i]);
    case IR_BF16: return bf16_to_float(((const uint16_t *)p)[i]);
    case IR_I8: return ((const int8_t *)p)[i];
    case IR_U8: return ((const uint8_t *)p)[i];
    case IR_I16: return ((const int16_t *)p)[i];
    case IR_U16: return ((const uint16_t *)p)[i];
    case IR_I32: return ((const int32_t *)p)[i];
    case IR_U32: return ((const uint32_t *)p)[i];
    case IR_I64: return (double)((const int64_t *)p)[i];
    case IR_U64: return (double)((const uint64_t *)p)[i];
    case IR_BOOL: return ((const uint8_t *)p)[i] != 0;
    default: return NAN;
    }
}

int64_t op_get_i64(const struct op_tensor *t, uint64_t i)
{
    const void *p = t->data;
    switch (t->dtype) {
    case IR_I8: return ((const int8_t *)p)[i];
    case IR_U8: return ((const uint8_t *)p)[i];
    case IR_I16: return ((const int16_t *)p)[i];
    case IR_U16: return ((const uint16_t *)p)[i];
    case IR_I32: return ((const int32_t *)p)[i];
    case IR_U32: return ((const uint32_t *)p)[i];
    case IR_I64: return ((const int64_t *)p)[i];
    case IR_U64: return (int64_t)((const uint64_t *)p)[i];
    case IR_BOOL: return ((const uint8_t *)p)[i] != 0;
    default: {
        double v = op_get_f64(t, i);
        /* float → int64 conversion is undefined outside the range */
        if (!(v >= -9.2233720368547758e18 && v < 9.2233720368547758e18)) return INT64_MIN;
        return (int64_t)v;
    }
    }
}

void op_set_f64(struct op_tensor *t, uint64_t i, double v)
{
    void *p = t->data;
    switch (t->dtype) {
    case IR_F32: ((float *)p)[i] = (float)v; break;
    case IR_F64: ((double *)p)[i] = v; break;
    case IR_F16: ((uint16_t *)p)[i] = half_from_float((float)v); break;
    case IR_BF16: ((uint16_t *)p)[i] = bf16_from_float((float)v); break;
    case IR_BOOL: ((uint8_t *)p)[i] = v != 0; break;
    case IR_I8:
    case IR_U8:
    case IR_I16:
    case IR_U16:
    case IR_I32:
    case IR_U32:
    case IR_I64:
    case IR_U64:
        /* float → integer is undefined in C outside the target's range (and
         * ONNX leaves it undefined); clamp so results are at least defined. */
        if (isnan(v)) v = 0;
        else if (v < -9.2233720368547758e18) v = -9.2233720368547758e18;
        else if (v >= 9.2233720368547758e18) v = 9.2233720368547748e18;
        op_set_i64(t, i, (int64_t)v);
        break;
    default: break; /* strings, complex, sub-byte: not settable element-wise */
    }
}

void op_set_i64(struct op_tensor *t, uint64_t i, int64_t v)
{
    void *p = t->data;
    switch (t->dtype) {
    case IR_I8: ((int8_t *)p)[i] = (int8_t)v; break;
    case IR_U8: ((uint8_t *)p)[i] = (uint8_t)v; break;
    case IR_I16: ((int16_t *)p)[i] = (int16_t)v; break;
    case IR_U16: ((uint16_t *)p)[i] = (uint16_t)v; break;
    case IR_I32: ((int32_t *)p)[i] = (int32_t)v; break;
    case IR_U32: ((uint32_t *)p)[i] = (uint32_t)v; break;
    case IR_I64: ((int64_t *)p)[i] = v; break;
    case IR_U64: ((uint64_t *)p)[i] = (uint64_t)v; break;
    case IR_BOOL: ((uint8_t *)p)[i] = v != 0; break;
    case IR_F32:
    case IR_F64:
    case IR_F16:
    case IR_BF16: op_set_f64(t, i, (double)v); break;
    default: break; /* strings, complex, sub-byte: not settable element-wise */
    }
}

/* ---- runtime tensors ---- */

static void *tensor_alloc_aligned(uint64_t bytes)
{
    size_t n = (size_t)((bytes + 63) & ~(uint64_t)63);
    if (n == 0) n = 64;
    return aligned_alloc(64, n);
}

fy_status op_tensor_alloc(struct op_tensor *t, enum ir_dtype dt, int rank, const int64_t *dims,
                          struct fy_error *err)
{
    memset(t, 0, sizeof *t);
    if (rank < 0 || rank > OP_MAX_RANK)
        return err_fmt(err, FY_EUNSUPPORTED, "rank %d is above the supported %d", rank,
                       OP_MAX_RANK);
    uint64_t n = 1;
    for (int d = 0; d < rank; d++) {
        if (dims[d] < 0 || (dims[d] && n > UINT64_MAX / (uint64_t)dims[d]))
            return err_fmt(err, FY_EINVALID, "bad dim %lld", (long long)dims[d]);
        n *= (uint64_t)dims[d];
        t->dims[d] = dims[d];
    }
    t->dtype = dt;
    t->rank = rank;
    t->numel = n;
    if (dt == IR_STRING) {
        t->strings = calloc(n ? n : 1, sizeof *t->strings);
        if (!t->strings) return err_fmt(err, FY_ENOMEM, "out of memory");
        return FY_OK;
    }
    if (!ir_dtype_nbytes(dt, n, &t->nbytes))
        return err_fmt(err, FY_EUNSUPPORTED, "type %s has no fixed size", ir_dtype_name(dt));
    t->data = tensor_alloc_aligned(t->nbytes);
    if (!t->data) return err_fmt(err, FY_ENOMEM, "out of memory (%llu bytes)",
                                 (unsigned long long)t->nbytes);
    memset(t->data, 0, (size_t)t->nbytes);
    return FY_OK;
}

void op_tensor_release(struct op_tensor *t)
{
    if (!t) return;
    free(t->data);
    free(t->strings);
    t->data = NULL;
    t->strings = NULL;
}

