/* Semantic equality of two models, for round-trip tests: what the file says,
 * not how it said it. Encodings (raw_data or typed fields, external or inline
 * data) and tensor ids are not compared; the order of things the format
 * orders (nodes, attributes, inputs, outputs, metadata) is.
 *
 * On the first difference `why` gets a path to it, e.g.
 *   graph 'main_graph': initializer 'fc.weight': data differs at byte 1024 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ir/ir.h"

struct eq {
    char *why;
    size_t cap;
    char path[1024];
    size_t len; /* of path */
};

static bool differ(struct eq *q, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Writes "path: message" into why; returns false so callers can return it. */
static bool differ(struct eq *q, const char *fmt, ...)
{
    if (!q->why || !q->cap) return false;
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (q->len)
        snprintf(q->why, q->cap, "%s: %s", q->path, msg);
    else
        snprintf(q->why, q->cap, "%s", msg);
    return false;
}

static size_t push(struct eq *q, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends one step to the path; returns the length to pop back to. */
static size_t push(struct eq *q, const char *fmt, ...)
{
    size_t old = q->len;
    if (q->len && q->len + 2 < sizeof q->path) {
        memcpy(q->path + q->len, ": ", 3);
        q->len += 2;
    }
    if (q->len < sizeof q->path) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(q->path + q->len, sizeof q->path - q->len, fmt, ap);
        va_end(ap);
        if (n > 0) q->len += (size_t)n;
        if (q->len >= sizeof q->path) q->len = sizeof q->path - 1;
    }
    return old;
}

static void pop(struct eq *q, size_t old)
{
    q->len = old;
    q->path[old] = 0;
}

static const char *str(const char *s)
{
    return s ? s : "";
}

/* NULL and "" are the same: both are an absent string in the file. */
static bool same_str(const char *a, const char *b)
{
    return strcmp(str(a), str(b)) == 0;
}

static bool cmp_str(struct eq *q, const char *what, const char *a, const char *b)
{
    if (same_str(a, b)) return true;
    return differ(q, "%s '%s' vs '%s'", what, str(a), str(b));
}

static bool cmp_bytes(struct eq *q, const char *what, struct ir_bytes a, struct ir_bytes b)
{
    if (a.size != b.size) return differ(q, "%s: %zu bytes vs %zu", what, a.size, b.size);
    if (a.size && memcmp(a.data, b.data, a.size) != 0) {
        size_t i = 0;
        while (a.data[i] == b.data[i])
            i++;
        return differ(q, "%s differs at byte %zu", what, i);
    }
    return true;
}

static bool cmp_extras(struct eq *q, const char *what, const struct ir_extras *a,
                       const struct ir_extras *b)
{
    if (a->count != b->count)
        return differ(q, "%s: %d kept unknown fields vs %d", what, a->count, b->count);
    for (int i = 0; i < a->count; i++) {
        char label[96];
        snprintf(label, sizeof label, "%s: kept unknown field %d", what, i);
        if (!cmp_bytes(q, label, a->items[i], b->items[i])) return false;
    }
    return true;
}

static bool cmp_pairs(struct eq *q, const char *what, const struct ir_string_pair *a, int na,
                      const struct ir_string_pair *b, int nb)
{
    if (na != nb) return differ(q, "%s: %d entries vs %d", what, na, nb);
    for (int i = 0; i < na; i++)
        if (!same_str(a[i].key, b[i].key) || !same_str(a[i].value, b[i].value))
            return differ(q, "%s entry %d: '%s'='%s' vs '%s'='%s'", what, i, str(a[i].key),
                          str(a[i].value), str(b[i].key), str(b[i].value));
    return true;
}

static void shape_text(const struct ir_tensor *t, char *buf, size_t cap)
{
    if (t->rank < 0) {
        snprintf(buf, cap, "unknown");
        return;
    }
    size_t n = 0;
    n += (size_t)snprintf(buf + n, cap - n, "[");
    for (int i = 0; i < t->rank && n < cap; i++) {
        const struct ir_dim *d = &t->dims[i];
        const char *sep = i ? "," : "";
        if (d->value >= 0)
            n += (size_t)snprintf(buf + n, cap - n, "%s%lld", sep, (long long)d->value);
        else if (d->param)
            n += (size_t)snprintf(buf + n, cap - n, "%s%s", sep, d->param);
        else
            n += (size_t)snprintf(buf + n, cap - n, "%s?", sep);
    }
    if (n < cap) snprintf(buf + n, cap - n, "]");
}

static bool same_dim(const struct ir_dim *a, const struct ir_dim *b)
{
    if (a->value >= 0 || b->value >= 0) return a->value == b->value;
    /* Both not static: symbolic with the same name, or both unknown. */
    if (!a->param || !b->param) return !a->param && !b->param;
    return strcmp(a->param, b->param) == 0;
}

static bool cmp_shape(struct eq *q, const struct ir_tensor *a, const struct ir_tensor *b)
{
    bool same = a->rank == b->rank;
    for (int i = 0; same && i < a->rank; i++)
        same = same_dim(&a->dims[i], &b->dims[i]);
    if (same) return true;
    char sa[256], sb[256];
    shape_text(a, sa, sizeof sa);
    shape_text(b, sb, sizeof sb);
    return differ(q, "shape %s vs %s", sa, sb);
}

static bool cmp_quant(struct eq *q, const struct ir_quant *a, const struct ir_quant *b)
{
    if (!a || !b) {
        if (!a && !b) return true;
        return differ(q, "quantization parameters %s vs %s", a ? "present" : "absent",
                      b ? "present" : "absent");
    }
    if (a->axis != b->axis) return differ(q, "quantization axis %d vs %d", a->axis, b->axis);
    if (a->count != b->count) return differ(q, "quantization: %d scales vs %d", a->count, b->count);
    for (int i = 0; i < a->count; i++) {
        if (memcmp(&a->scale[i], &b->scale[i], sizeof(float)) != 0)
            return differ(q, "quantization scale %d: %.9g vs %.9g", i, (double)a->scale[i],
                          (double)b->scale[i]);
        if (a->zero_point[i] != b->zero_point[i])
            return differ(q, "quantization zero point %d: %lld vs %lld", i,
                          (long long)a->zero_point[i], (long long)b->zero_point[i]);
    }
    if (a->has_range != b->has_range)
        return differ(q, "quantization range %s vs %s", a->has_range ? "present" : "absent",
                      b->has_range ? "present" : "absent");
    if (a->has_file_axis != b->has_file_axis ||
        (a->has_file_axis && a->file_axis != b->file_axis))
        return differ(q, "quantized_dimension as the file wrote it: %s%d vs %s%d",
                      a->has_file_axis ? "" : "none, axis ", a->has_file_axis ? a->file_axis : a->axis,
                      b->has_file_axis ? "" : "none, axis ", b->has_file_axis ? b->file_axis : b->axis);
    /* one pair is has_range/min/max, compared below; more are per axis */
    if ((a->range_count > 1 || b->range_count > 1) && a->range_count != b->range_count)
        return differ(q, "quantization: %d min/max pairs vs %d", a->range_count, b->range_count);
    for (int i = 0; a->range_count > 1 && i < a->range_count; i++)
        if (memcmp(&a->range_min[i], &b->range_min[i], sizeof(float)) != 0 ||
            memcmp(&a->range_max[i], &b->range_max[i], sizeof(float)) != 0)
            return differ(q, "quantization range %d: [%.9g, %.9g] vs [%.9g, %.9g]", i,
                          (double)a->range_min[i], (double)a->range_max[i],
                          (double)b->range_min[i], (double)b->range_max[i]);
    if (a->has_range && (memcmp(&a->min, &b->min, sizeof(float)) != 0 ||
                         memcmp(&a->max, &b->max, sizeof(float)) != 0))
        return differ(q, "quantization range [%.9g, %.9g] vs [%.9g, %.9g]", (double)a->min,
                      (double)a->max, (double)b->min, (double)b->max);
    return true;
}

/* TFLite's shape facts beyond the dims: shape_signature and has_rank. */
static bool cmp_tflite_shape(struct eq *q, const struct ir_tensor *a, const struct ir_tensor *b)
{
    if (a->has_rank != b->has_rank)
        return differ(q, "has_rank %s vs %s", a->has_rank ? "true" : "false",
                      b->has_rank ? "true" : "false");
    if (a->has_shape_signature != b->has_shape_signature)
        return differ(q, "shape_signature %s vs %s", a->has_shape_signature ? "present" : "absent",
                      b->has_shape_signature ? "present" : "absent");
    if (!a->has_shape_signature) return true;
    if (a->signature_rank != b->signature_rank)
        return differ(q, "shape_signature has %d dims vs %d", a->signature_rank,
                      b->signature_rank);
    for (int i = 0; i < a->signature_rank; i++)
        if (a->shape_signature[i] != b->shape_signature[i])
            return differ(q, "shape_signature dim %d: %lld vs %lld", i,
                          (long long)a->shape_signature[i], (long long)b->shape_signature[i]);
    return true;
}

/* What a ValueInfoProto says: type (or opaque type), doc, kept fields. */
static bool cmp_value_type(struct eq *q, const struct ir_tensor *a, const struct ir_tensor *b)
{
    if (a->has_type != b->has_type)
        return differ(q, "type %s vs %s", a->has_type ? "given" : "absent",
                      b->has_type ? "given" : "absent");
    if (a->in_value_info != b->in_value_info)
        return differ(q, "%s value_info vs %s", a->in_value_info ? "in" : "not in",
                      b->in_value_info ? "in" : "not in");
    if (!cmp_bytes(q, "opaque type", a->opaque_type, b->opaque_type)) return false;
    if (a->dtype != b->dtype)
        return differ(q, "dtype %s vs %s", ir_dtype_name(a->dtype), ir_dtype_name(b->dtype));
    if (!cmp_shape(q, a, b)) return false;
    if (!cmp_tflite_shape(q, a, b)) return false;
    if (a->is_variable != b->is_variable) return differ(q, "variable flag differs");
    if (!cmp_str(q, "doc", a->doc, b->doc)) return false;
    if (!cmp_extras(q, "value info", &a->type_extras, &b->type_extras)) return false;
    return cmp_quant(q, a->quant, b->quant);
}

/* A constant's value: dtype, shape, bytes or strings, and its own fields. */
static bool cmp_tensor_value(struct eq *q, const struct ir_tensor *a, const struct ir_tensor *b)
{
    if (!cmp_str(q, "name", a->name, b->name)) return false;
    if (a->dtype != b->dtype)
        return differ(q, "dtype %s vs %s", ir_dtype_name(a->dtype), ir_dtype_name(b->dtype));
    if (!cmp_shape(q, a, b)) return false;
    if (!cmp_tflite_shape(q, a, b)) return false;
    if (a->dtype == IR_STRING) {
        if (a->n_strings != b->n_strings)
            return differ(q, "%llu strings vs %llu", (unsigned long long)a->n_strings,
                          (unsigned long long)b->n_strings);
        for (uint64_t i = 0; i < a->n_strings; i++) {
            char label[48];
            snprintf(label, sizeof label, "string %llu", (unsigned long long)i);
            if (!cmp_bytes(q, label, a->strings[i], b->strings[i])) return false;
        }
    } else {
        if (a->nbytes != b->nbytes)
            return differ(q, "data is %llu bytes vs %llu", (unsigned long long)a->nbytes,
                          (unsigned long long)b->nbytes);
        const uint8_t *pa = a->data, *pb = b->data;
        if (a->nbytes && memcmp(pa, pb, (size_t)a->nbytes) != 0) {
            uint64_t i = 0;
            while (pa[i] == pb[i])
                i++;
            return differ(q, "data differs at byte %llu", (unsigned long long)i);
        }
    }
    if (!cmp_str(q, "doc", a->doc, b->doc)) return false;
    if (!cmp_extras(q, "tensor", &a->extras, &b->extras)) return false;
    if (a->is_variable != b->is_variable) return differ(q, "variable flag differs");
    return cmp_quant(q, a->quant, b->quant);
}

static bool cmp_graph(struct eq *q, const struct ir_graph *a, const struct ir_graph *b);

/* A node's reference to a tensor: by name (NULL for a left-out optional). */
static bool cmp_ref(struct eq *q, const char *what, int i, const struct ir_tensor *a,
                    const struct ir_tensor *b)
{
    if (!a || !b) {
        if (!a && !b) return true;
        return differ(q, "%s %d: '%s' vs '%s'", what, i, a ? str(a->name) : "(none)",
                      b ? str(b->name) : "(none)");
    }
    if (!same_str(a->name, b->name))
        return differ(q, "%s %d: '%s' vs '%s'", what, i, str(a->name), str(b->name));
    if (a->kind != b->kind) {
        static const char *const kinds[] = {"a value", "a constant", "an outer value"};
        return differ(q, "%s %d '%s': %s vs %s", what, i, str(a->name), kinds[a->kind % 3],
                      kinds[b->kind % 3]);
    }
    return true;
}

static bool cmp_attr(struct eq *q, const struct ir_attr *a, const struct ir_attr *b)
{
    if (!same_str(a->name, b->name))
        return differ(q, "attribute '%s' vs '%s'", str(a->name), str(b->name));
    size_t mark = push(q, "attribute '%s'", str(a->name));
    bool ok = false;
    if (a->type != b->type) {
        differ(q, "type %s vs %s", ir_attr_type_name(a->type), ir_attr_type_name(b->type));
        goto out;
    }
    int64_t n = a->count;
    if (a->type >= IR_ATTR_FLOATS && a->count != b->count) {
        differ(q, "%lld values vs %lld", (long long)a->count, (long long)b->count);
        goto out;
    }
    switch (a->type) {
    case IR_ATTR_FLOAT:
        if (memcmp(&a->v.f, &b->v.f, sizeof(float)) != 0) {
            differ(q, "%.9g vs %.9g", (double)a->v.f, (double)b->v.f);
            goto out;
        }
        break;
    case IR_ATTR_INT:
        if (a->v.i != b->v.i) {
            differ(q, "%lld vs %lld", (long long)a->v.i, (long long)b->v.i);
            goto out;
        }
        break;
    case IR_ATTR_STRING:
        if (!cmp_bytes(q, "value", a->v.s, b->v.s)) goto out;
        break;
    case IR_ATTR_SPARSE_TENSOR:
    case IR_ATTR_TYPE_PROTO:
        if (!cmp_bytes(q, "value", a->v.raw, b->v.raw)) goto out;
        break;
    case IR_ATTR_TENSOR:
        if (!cmp_tensor_value(q, a->v.t, b->v.t)) goto out;
        break;
    case IR_ATTR_GRAPH:
        if (!cmp_graph(q, a->v.g, b->v.g)) goto out;
        break;
    case IR_ATTR_FLOATS:
        for (int64_t i = 0; i < n; i++)
            if (memcmp(&a->v.floats[i], &b->v.floats[i], sizeof(float)) != 0) {
                differ(q, "value %lld: %.9g vs %.9g", (long long)i, (double)a->v.floats[i],
                       (double)b->v.floats[i]);
                goto out;
            }
        break;
    case IR_ATTR_INTS:
        for (int64_t i = 0; i < n; i++)
            if (a->v.ints[i] != b->v.ints[i]) {
                differ(q, "value %lld: %lld vs %lld", (long long)i, (long long)a->v.ints[i],
                       (long long)b->v.ints[i]);
                goto out;
            }
        break;
    case IR_ATTR_STRINGS:
    case IR_ATTR_SPARSE_TENSORS:
    case IR_ATTR_TYPE_PROTOS:
        for (int64_t i = 0; i < n; i++) {
            char label[48];
            snprintf(label, sizeof label, "value %lld", (long long)i);
            const struct ir_bytes *va = a->type == IR_ATTR_STRINGS ? a->v.strings : a->v.raws;
            const struct ir_bytes *vb = b->type == IR_ATTR_STRINGS ? b->v.strings : b->v.raws;
            if (!cmp_bytes(q, label, va[i], vb[i])) goto out;
        }
        break;
    case IR_ATTR_TENSORS:
        for (int64_t i = 0; i < n; i++) {
            size_t m2 = push(q, "tensor %lld", (long long)i);
            bool same = cmp_tensor_value(q, a->v.tensors[i], b->v.tensors[i]);
            pop(q, m2);
            if (!same) goto out;
        }
        break;
    case IR_ATTR_GRAPHS:
        for (int64_t i = 0; i < n; i++)
            if (!cmp_graph(q, a->v.graphs[i], b->v.graphs[i])) goto out;
        break;
    default:
        break;
    }
    if (!cmp_str(q, "ref_attr_name", a->ref_attr_name, b->ref_attr_name)) goto out;
    if (!cmp_str(q, "doc", a->doc, b->doc)) goto out;
    if (!cmp_extras(q, "attribute", &a->extras, &b->extras)) goto out;
    ok = true;
out:
    pop(q, mark);
    return ok;
}

static bool cmp_node(struct eq *q, int index, const struct ir_node *a, const struct ir_node *b)
{
    size_t mark;
    if (a->name && a->name[0])
        mark = push(q, "node '%s' (%s)", a->name, str(a->op_type));
    else
        mark = push(q, "node #%d (%s)", index, str(a->op_type));
    bool ok = false;
    if (!cmp_str(q, "name", a->name, b->name)) goto out;
    if (!cmp_str(q, "op_type", a->op_type, b->op_type)) goto out;
    if (a->op != b->op) {
        differ(q, "IR op %s vs %s", ir_op_name(a->op), ir_op_name(b->op));
        goto out;
    }
    if (!cmp_str(q, "domain", a->domain, b->domain)) goto out;
    if (!cmp_str(q, "overload", a->overload, b->overload)) goto out;
    if (a->layout != b->layout || a->activation != b->activation || a->rounding != b->rounding ||
        a->version != b->version) {
        differ(q, "layout/activation/rounding/version %d/%d/%d/%d vs %d/%d/%d/%d", a->layout,
               a->activation, a->rounding, a->version, b->layout, b->activation, b->rounding,
               b->version);
        goto out;
    }
    if (a->n_inputs != b->n_inputs) {
        differ(q, "%d inputs vs %d", a->n_inputs, b->n_inputs);
        goto out;
    }
    for (int i = 0; i < a->n_inputs; i++)
        if (!cmp_ref(q, "input", i, a->inputs[i], b->inputs[i])) goto out;
    if (a->n_outputs != b->n_outputs) {
        differ(q, "%d outputs vs %d", a->n_outputs, b->n_outputs);
        goto out;
    }
    for (int i = 0; i < a->n_outputs; i++)
        if (!cmp_ref(q, "output", i, a->outputs[i], b->outputs[i])) goto out;
    if (a->n_attrs != b->n_attrs) {
        differ(q, "%d attributes vs %d", a->n_attrs, b->n_attrs);
        goto out;
    }
    for (int i = 0; i < a->n_attrs; i++)
        if (!cmp_attr(q, &a->attrs[i], &b->attrs[i])) goto out;
    if (!cmp_str(q, "doc", a->doc, b->doc)) goto out;
    if (!cmp_extras(q, "node", &a->extras, &b->extras)) goto out;
    ok = true;
out:
    pop(q, mark);
    return ok;
}

/* Graph inputs or outputs: the same names in the same order, described alike. */
static bool cmp_io(struct eq *q, const char *what, struct ir_tensor *const *a, int na,
                   struct ir_tensor *const *b, int nb)
{
    if (na != nb) return differ(q, "%d %ss vs %d", na, what, nb);
    for (int i = 0; i < na; i++) {
        if (!cmp_ref(q, what, i, a[i], b[i])) return false;
        size_t mark = push(q, "%s '%s'", what, str(a[i]->name));
        bool same = cmp_value_type(q, a[i], b[i]);
        pop(q, mark);
        if (!same) return false;
    }
    return true;
}

static bool is_described(const struct ir_tensor *t)
{
    return t->has_type || t->in_value_info || t->opaque_type.size;
}

static bool cmp_graph(struct eq *q, const struct ir_graph *a, const struct ir_graph *b)
{
    size_t mark = push(q, "graph '%s'", str(a->name));
    bool ok = false;
    if (!cmp_str(q, "name", a->name, b->name)) goto out;
    if (!cmp_str(q, "doc", a->doc, b->doc)) goto out;
    if (!cmp_io(q, "input", a->inputs, a->n_inputs, b->inputs, b->n_inputs)) goto out;
    if (!cmp_io(q, "output", a->outputs, a->n_outputs, b->outputs, b->n_outputs)) goto out;
    if (a->n_nodes != b->n_nodes) {
        differ(q, "%d nodes vs %d", a->n_nodes, b->n_nodes);
        goto out;
    }
    for (int i = 0; i < a->n_nodes; i++)
        if (!cmp_node(q, i, a->nodes[i], b->nodes[i])) goto out;

    /* Initializers are a set: every constant of a is a constant of b with
     * the same value, and b has no others. */
    int consts_a = 0, consts_b = 0, described_a = 0, described_b = 0;
    for (int i = 0; i < b->n_tensors; i++) {
        consts_b += b->tensors[i]->kind == IR_TENSOR_CONST;
        described_b += is_described(b->tensors[i]);
    }
    for (int i = 0; i < a->n_tensors; i++) {
        const struct ir_tensor *ta = a->tensors[i];
        bool is_const = ta->kind == IR_TENSOR_CONST, described = is_described(ta);
        consts_a += is_const;
        described_a += described;
        if (!is_const && !described) continue;
        const struct ir_tensor *tb = ir_graph_find_tensor(b, ta->name);
        size_t m2 = push(q, "%s '%s'", is_const ? "initializer" : "tensor", ta->name);
        bool same = true;
        if (is_const && (!tb || tb->kind != IR_TENSOR_CONST))
            same = differ(q, "%s in the second model", tb ? "not an initializer" : "missing");
        else if (!is_const && !tb)
            same = differ(q, "missing in the second model");
        else if (is_const && !cmp_tensor_value(q, ta, tb))
            same = false;
        else if (described || is_described(tb))
            same = cmp_value_type(q, ta, tb);
        pop(q, m2);
        if (!same) goto out;
    }
    if (consts_a != consts_b) {
        /* Name the first constant b has that a lacks. */
        for (int i = 0; i < b->n_tensors; i++) {
            const struct ir_tensor *tb = b->tensors[i];
            const struct ir_tensor *ta = ir_graph_find_tensor(a, tb->name);
            if (tb->kind == IR_TENSOR_CONST && (!ta || ta->kind != IR_TENSOR_CONST)) {
                differ(q, "initializer '%s' is only in the second model", tb->name);
                goto out;
            }
        }
        differ(q, "%d initializers vs %d", consts_a, consts_b);
        goto out;
    }
    if (described_a != described_b) {
        for (int i = 0; i < b->n_tensors; i++) {
            const struct ir_tensor *tb = b->tensors[i];
            const struct ir_tensor *ta = ir_graph_find_tensor(a, tb->name);
            if (is_described(tb) && (!ta || !is_described(ta))) {
                differ(q, "tensor '%s' has a type only in the second model", tb->name);
                goto out;
            }
        }
        differ(q, "%d typed tensors vs %d", described_a, described_b);
        goto out;
    }
    if (!cmp_pairs(q, "metadata", a->metadata, a->n_metadata, b->metadata, b->n_metadata)) goto out;
    if (!cmp_extras(q, "graph", &a->extras, &b->extras)) goto out;
    ok = true;
out:
    pop(q, mark);
    return ok;
}

static bool cmp_opsets(struct eq *q, const struct ir_model *a, const struct ir_model *b)
{
    if (a->n_opsets != b->n_opsets)
        return differ(q, "%d opset imports vs %d", a->n_opsets, b->n_opsets);
    /* A set: each import of one model is an import of the other. */
    for (int k = 0; k < 2; k++) {
        const struct ir_model *x = k ? b : a, *y = k ? a : b;
        for (int i = 0; i < x->n_opsets; i++) {
            int j = 0;
            while (j < y->n_opsets && !same_str(x->opsets[i].domain, y->opsets[j].domain))
                j++;
            if (j == y->n_opsets)
                return differ(q, "opset import of domain '%s' only in the %s model",
                              str(x->opsets[i].domain), k ? "second" : "first");
            if (x->opsets[i].version != y->opsets[j].version)
                return differ(q, "opset of domain '%s': version %lld vs %lld",
                              str(x->opsets[i].domain), (long long)a->opsets[k ? j : i].version,
                              (long long)b->opsets[k ? i : j].version);
        }
    }
    return true;
}

/* A signature's tensor aliases: the alias, and the tensor by name (its
 * index when the reader found none). */
static bool cmp_tensor_refs(struct eq *q, const char *what, const struct ir_tflite_tensor_ref *a,
                            int na, const struct ir_tflite_tensor_ref *b, int nb)
{
    if (na != nb) return differ(q, "%d %ss vs %d", na, what, nb);
    for (int i = 0; i < na; i++) {
        if (!same_str(a[i].name, b[i].name))
            return differ(q, "%s %d: alias '%s' vs '%s'", what, i, str(a[i].name),
                          str(b[i].name));
        bool same = a[i].tensor && b[i].tensor
                        ? same_str(a[i].tensor->name, b[i].tensor->name)
                        : !a[i].tensor && !b[i].tensor && a[i].tensor_index == b[i].tensor_index;
        if (!same)
            return differ(q, "%s '%s': tensor '%s' vs '%s'", what, str(a[i].name),
                          a[i].tensor ? str(a[i].tensor->name) : "(by index)",
                          b[i].tensor ? str(b[i].tensor->name) : "(by index)");
    }
    return true;
}

/* What a TFLite model holds beyond its main graph. */
static bool cmp_tflite(struct eq *q, const struct ir_tflite_info *a, const struct ir_tflite_info *b)
{
    if (!a || !b) {
        if (!a && !b) return true;
        return differ(q, "TFLite model fields %s vs %s", a ? "present" : "absent",
                      b ? "present" : "absent");
    }
    if (a->version != b->version)
        return differ(q, "TFLite schema version %u vs %u", (unsigned)a->version,
                      (unsigned)b->version);
    if (!cmp_str(q, "TFLite description", a->description, b->description)) return false;
    if (a->n_metadata != b->n_metadata)
        return differ(q, "%d TFLite metadata entries vs %d", a->n_metadata, b->n_metadata);
    for (int i = 0; i < a->n_metadata; i++) {
        char label[300];
        snprintf(label, sizeof label, "TFLite metadata '%s'", str(a->metadata[i].name));
        if (!cmp_str(q, "TFLite metadata name", a->metadata[i].name, b->metadata[i].name) ||
            !cmp_bytes(q, label, a->metadata[i].data, b->metadata[i].data))
            return false;
    }
    if (a->n_metadata_buffers != b->n_metadata_buffers)
        return differ(q, "%d TFLite metadata_buffer entries vs %d", a->n_metadata_buffers,
                      b->n_metadata_buffers);
    for (int i = 0; i < a->n_metadata_buffers; i++) {
        char label[64];
        snprintf(label, sizeof label, "TFLite metadata_buffer %d", i);
        if (!cmp_bytes(q, label, a->metadata_buffers[i], b->metadata_buffers[i])) return false;
    }
    if (a->n_signatures != b->n_signatures)
        return differ(q, "%d TFLite signatures vs %d", a->n_signatures, b->n_signatures);
    for (int i = 0; i < a->n_signatures; i++) {
        const struct ir_tflite_signature *sa = &a->signatures[i], *sb = &b->signatures[i];
        size_t mark = push(q, "signature '%s'", str(sa->key));
        bool same = cmp_str(q, "key", sa->key, sb->key);
        if (same && sa->subgraph_index != sb->subgraph_index)
            same = differ(q, "subgraph %d vs %d", sa->subgraph_index, sb->subgraph_index);
        same = same && cmp_tensor_refs(q, "input", sa->inputs, sa->n_inputs, sb->inputs,
                                       sb->n_inputs);
        same = same && cmp_tensor_refs(q, "output", sa->outputs, sa->n_outputs, sb->outputs,
                                       sb->n_outputs);
        pop(q, mark);
        if (!same) return false;
    }
    if (a->n_subgraphs != b->n_subgraphs)
        return differ(q, "%d TFLite subgraphs vs %d", a->n_subgraphs, b->n_subgraphs);
    for (int i = 0; i < a->n_subgraphs; i++) {
        int da = a->subgraph_debug_metadata ? a->subgraph_debug_metadata[i] : -1;
        int db = b->subgraph_debug_metadata ? b->subgraph_debug_metadata[i] : -1;
        if (da != db)
            return differ(q, "subgraph %d: debug_metadata_index %d vs %d", i, da, db);
        /* Subgraph 0 is the main graph, compared on its own. */
        if (i == 0) continue;
        if (!a->subgraphs[i] || !b->subgraphs[i]) {
            if (a->subgraphs[i] || b->subgraphs[i])
                return differ(q, "subgraph %d is missing in one model", i);
            continue;
        }
        size_t mark = push(q, "subgraph %d", i);
        bool same = cmp_graph(q, a->subgraphs[i], b->subgraphs[i]);
        pop(q, mark);
        if (!same) return false;
    }
    return true;
}

bool ir_model_equal(const struct ir_model *a, const struct ir_model *b, char *why, size_t cap)
{
    struct eq q = {why, cap, {0}, 0};
    if (why && cap) why[0] = 0;
    if (!a || !b) {
        if (!a && !b) return true;
        return differ(&q, "only one model given");
    }
    if (a->ir_version != b->ir_version)
        return differ(&q, "ir_version %lld vs %lld", (long long)a->ir_version,
                      (long long)b->ir_version);
    if (!cmp_str(&q, "producer_name", a->producer_name, b->producer_name)) return false;
    if (!cmp_str(&q, "producer_version", a->producer_version, b->producer_version)) return false;
    if (!cmp_str(&q, "domain", a->domain, b->domain)) return false;
    if (a->model_version != b->model_version)
        return differ(&q, "model_version %lld vs %lld", (long long)a->model_version,
                      (long long)b->model_version);
    if (!cmp_str(&q, "doc", a->doc, b->doc)) return false;
    if (!cmp_opsets(&q, a, b)) return false;
    if (!cmp_pairs(&q, "metadata", a->metadata, a->n_metadata, b->metadata, b->n_metadata))
        return false;
    if (!cmp_extras(&q, "model", &a->extras, &b->extras)) return false;
    if (!cmp_tflite(&q, a->tflite, b->tflite)) return false;
    if (!a->graph || !b->graph) {
        if (a->graph || b->graph) return differ(&q, "only one model has a graph");
        return true;
    }
    return cmp_graph(&q, a->graph, b->graph);
}
