/* TFLite reader: .tflite (FlatBuffer, schema tflite.Model) → IR.
 *
 * The FlatBuffer is read in place through flatbuf.h, which checks every
 * offset, vtable, vector and string before it is used; this file checks
 * what the schema means: every index (opcode, tensor, buffer, subgraph)
 * against its table, types and enum values against their lists, constant
 * buffers against their tensor's shape, quantization against the tensor's
 * dims. The conventions of the IR it builds are at the top of tflite_ops.c.
 *
 * Strings (tensor names, custom codes) and bytes (buffers, custom options)
 * are borrowed from the buffer: FlatBuffers strings are NUL-terminated in
 * place. Decoded numbers (shapes, scales) are copied into the arena. */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/tflite/flatbuf.h"
#include "formats/tflite/tflite.h"

/* Bounds for hostile files, beyond what the buffer's size already bounds. */
#define MAX_RANK 1024
/* Counts held in an int (node inputs, tensors): well inside arena_grow's
 * limit, so a refusal says what was too many rather than "out of memory". */
#define MAX_COUNT (1 << 28)

/* Field ids: position in each table's declaration in schema.fbs (a union
 * takes two: its type, then its value). */
enum { MODEL_VERSION, MODEL_OPERATOR_CODES, MODEL_SUBGRAPHS, MODEL_DESCRIPTION, MODEL_BUFFERS,
       MODEL_METADATA_BUFFER, MODEL_METADATA, MODEL_SIGNATURE_DEFS, MODEL_EXTERNAL_BUFFER_GROUPS,
       MODEL_EXTERNAL_BUFFERS, MODEL_FIELDS };
enum { OPCODE_DEPRECATED_BUILTIN_CODE, OPCODE_CUSTOM_CODE, OPCODE_VERSION, OPCODE_BUILTIN_CODE,
       OPCODE_FIELDS };
enum { SUBGRAPH_TENSORS, SUBGRAPH_INPUTS, SUBGRAPH_OUTPUTS, SUBGRAPH_OPERATORS, SUBGRAPH_NAME,
       SUBGRAPH_DEBUG_METADATA_INDEX, SUBGRAPH_FIELDS };
enum { TENSOR_SHAPE, TENSOR_TYPE, TENSOR_BUFFER, TENSOR_NAME, TENSOR_QUANTIZATION,
       TENSOR_IS_VARIABLE, TENSOR_SPARSITY, TENSOR_SHAPE_SIGNATURE, TENSOR_HAS_RANK,
       TENSOR_VARIANT_TENSORS, TENSOR_EXTERNAL_BUFFER, TENSOR_FIELDS };
enum { QUANT_MIN, QUANT_MAX, QUANT_SCALE, QUANT_ZERO_POINT, QUANT_DETAILS_TYPE, QUANT_DETAILS,
       QUANT_QUANTIZED_DIMENSION, QUANT_FIELDS };
enum { OP_OPCODE_INDEX, OP_INPUTS, OP_OUTPUTS, OP_BUILTIN_OPTIONS_TYPE, OP_BUILTIN_OPTIONS,
       OP_CUSTOM_OPTIONS, OP_CUSTOM_OPTIONS_FORMAT, OP_MUTATING_VARIABLE_INPUTS,
       OP_INTERMEDIATES, OP_LARGE_CUSTOM_OPTIONS_OFFSET, OP_LARGE_CUSTOM_OPTIONS_SIZE,
       OP_BUILTIN_OPTIONS_2_TYPE, OP_BUILTIN_OPTIONS_2, OP_DEBUG_METADATA_INDEX, OP_FIELDS };
enum { BUFFER_DATA, BUFFER_OFFSET, BUFFER_SIZE, BUFFER_FIELDS };
enum { METADATA_NAME, METADATA_BUFFER, METADATA_FIELDS };
enum { TENSORMAP_NAME, TENSORMAP_TENSOR_INDEX, TENSORMAP_FIELDS };
/* deprecated_tag (3) is deprecated: generated code no longer reads it */
enum { SIGNATURE_INPUTS, SIGNATURE_OUTPUTS, SIGNATURE_KEY, SIGNATURE_DEPRECATED_TAG,
       SIGNATURE_SUBGRAPH_INDEX, SIGNATURE_FIELDS };

/* QuantizationDetails union members, for the refusal message. */
static const char *const quant_details_names[] = {"NONE", "CustomQuantization",
                                                  "BlockwiseQuantization",
                                                  "MultiAxisQuantization"};

/* Tables whose fields newer than ferry's schema were met (warned once each). */
enum { NEWER_MODEL, NEWER_OPCODE, NEWER_SUBGRAPH, NEWER_TENSOR, NEWER_QUANT, NEWER_OPERATOR,
       NEWER_BUFFER, NEWER_METADATA, NEWER_SIGNATURE, NEWER_TENSORMAP, NEWER_COUNT };

struct opcode {
    int code;
    const struct tfl_op *row; /* NULL: a code newer than the table, or CUSTOM */
    const char *op_type;
    const char *custom_code;  /* NULL when absent */
    int version;
};

struct buffer {
    bool done;
    const uint8_t *data;
    uint64_t size;
};

struct rd {
    struct ir_model *m;
    struct arena *a;
    struct fy_error *err;
    struct fb_buf fb;
    struct ir_tflite_info *info;
    struct fb_vec buffers;
    struct buffer *buf_cache;
    struct opcode *codes;
    uint32_t n_codes;
    uint32_t n_subgraphs;
    bool newer_warned[NEWER_COUNT];
    /* quantized_dimension outside the rank (TFLite Micro accepts it): told
     * once for the model, with a count and the first tensor. */
    int bad_axis_count;
    const char *bad_axis_first;
    int bad_axis_file, bad_axis_rank;
};

/* ---- errors and warnings ---- */

/* Every error of this file goes through here: the node (when there is one)
 * and the byte offset (when there is one) travel with the message. */
static fy_status fail(struct rd *rd, fy_status st, int64_t offset, const struct ir_node *n,
                      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static fy_status fail(struct rd *rd, fy_status st, int64_t offset, const struct ir_node *n,
                      const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vfmt(rd->err, st, offset, n ? n->name : NULL, n ? n->op_type : NULL, fmt, ap);
    va_end(ap);
    return st;
}

static fy_status nomem(struct rd *rd)
{
    return fail(rd, FY_ENOMEM, -1, NULL, "out of memory");
}

static fy_status warn(struct rd *rd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static fy_status warn(struct rd *rd, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    struct ir_model *m = rd->m;
    char *s = arena_strdup(rd->a, msg);
    if (!s || arena_grow(rd->a, (void **)&m->warnings, &m->cap_warnings, m->n_warnings + 1,
                         sizeof *m->warnings))
        return nomem(rd);
    m->warnings[m->n_warnings++] = s;
    return FY_OK;
}

/* Fields of a table that this reader's schema does not have: TFLite's own
 * reader ignores them; ferry says so, once per table type. */
static fy_status newer_fields(struct rd *rd, const struct fb_table *t, int n_known, int which)
{
    if (rd->newer_warned[which]) return FY_OK;
    for (int id = n_known; id < fb_field_count(t); id++)
        if (fb_field_offset(t, id)) {
            rd->newer_warned[which] = true;
            return warn(rd,
                        "%s table at byte %zu has field %d, newer than the schema ferry knows "
                        "(%d fields); it is not kept",
                        t->what, t->pos, id, n_known);
        }
    return FY_OK;
}

/* A name used as a C string must not hide bytes behind a NUL. */
static fy_status text(struct rd *rd, const char *s, uint32_t len, const char *what,
                      const struct ir_node *n)
{
    if (s && memchr(s, 0, len))
        return fail(rd, FY_EFORMAT, (int64_t)((const uint8_t *)s - rd->fb.data), n,
                    "%s contains a NUL byte; expected text", what);
    return FY_OK;
}

/* ---- buffers ---- */

/* The bytes of buffer idx: Buffer.data, or for models past 2 GB the
 * offset/size form, relative to the start of the file (valid when the
 * offset is more than 1, as the schema says). Cached: tensors may share. */
static fy_status read_buffer(struct rd *rd, uint32_t idx, const char *user, const uint8_t **data,
                             uint64_t *size)
{
    if (idx >= rd->buffers.len) {
        /* buffer 0 is the empty sentinel; a model without constants may
         * leave the whole list out */
        if (idx == 0) {
            *data = NULL;
            *size = 0;
            return FY_OK;
        }
        return fail(rd, FY_EINVALID, -1, NULL, "%s names buffer %" PRIu32 "; the model has %" PRIu32,
                    user, idx, rd->buffers.len);
    }
    struct buffer *c = &rd->buf_cache[idx];
    if (!c->done) {
        struct fb_table bt;
        fy_status st = fb_vec_table(&rd->buffers, idx, "Model.buffers", "Buffer", &bt);
        uint64_t off = 0, sz = 0;
        if (!st) st = newer_fields(rd, &bt, BUFFER_FIELDS, NEWER_BUFFER);
        if (!st) st = fb_u64(&bt, BUFFER_OFFSET, 0, "Buffer.offset", &off, NULL);
        if (!st) st = fb_u64(&bt, BUFFER_SIZE, 0, "Buffer.size", &sz, NULL);
        if (st) return st;
        if (off > 1) {
            if (off > rd->fb.size || sz > rd->fb.size - off)
                return fail(rd, FY_EFORMAT, (int64_t)bt.pos, NULL,
                            "buffer %" PRIu32 " keeps its %" PRIu64 " bytes at file offset %" PRIu64
                            ", past the end of the %zu-byte file",
                            idx, sz, off, rd->fb.size);
            c->data = rd->fb.data + off;
            c->size = sz;
        } else {
            struct fb_vec v;
            st = fb_vector(&bt, BUFFER_DATA, 1, "Buffer.data", &v, NULL);
            if (st) return st;
            c->data = v.len ? fb_vec_data(&v) : NULL;
            c->size = v.len;
        }
        c->done = true;
    }
    *data = c->data;
    *size = c->size;
    return FY_OK;
}

/* ---- tensors ---- */

/* The IR name of file tensor i: its own when free, else with "#<i>". */
static fy_status tensor_name(struct rd *rd, struct ir_graph *g, const char *s, uint32_t len,
                             uint32_t i, const char **out)
{
    if (s && len && !strmap_get(&g->by_name, s, len)) {
        *out = s;
        return FY_OK;
    }
    const char *base = s && len ? s : "tensor";
    for (int k = 0;; k++) {
        char *name = k ? arena_printf(rd->a, "%s#%" PRIu32 ".%d", base, i, k)
                       : arena_printf(rd->a, "%s#%" PRIu32, base, i);
        if (!name) return nomem(rd);
        if (!strmap_get(&g->by_name, name, strlen(name))) {
            *out = name;
            return FY_OK;
        }
    }
}

static fy_status read_quant(struct rd *rd, const struct fb_table *qt, struct ir_tensor *t)
{
    struct fb_vec vmin, vmax, vscale, vzp;
    uint8_t details = 0;
    int32_t qdim = 0;
    fy_status st = newer_fields(rd, qt, QUANT_FIELDS, NEWER_QUANT);
    if (!st) st = fb_u8(qt, QUANT_DETAILS_TYPE, 0, "QuantizationParameters.details_type", &details, NULL);
    if (st) return st;
    if (details)
        return fail(rd, FY_EUNSUPPORTED, (int64_t)qt->pos, NULL,
                    "tensor '%s' uses quantization details of type %s; ferry reads only "
                    "scale/zero_point quantization",
                    t->name,
                    details < sizeof quant_details_names / sizeof quant_details_names[0]
                        ? quant_details_names[details]
                        : "(unknown)");
    if ((st = fb_vector(qt, QUANT_MIN, 4, "QuantizationParameters.min", &vmin, NULL)) ||
        (st = fb_vector(qt, QUANT_MAX, 4, "QuantizationParameters.max", &vmax, NULL)) ||
        (st = fb_vector(qt, QUANT_SCALE, 4, "QuantizationParameters.scale", &vscale, NULL)) ||
        (st = fb_vector(qt, QUANT_ZERO_POINT, 8, "QuantizationParameters.zero_point", &vzp, NULL)) ||
        (st = fb_i32(qt, QUANT_QUANTIZED_DIMENSION, 0,
                     "QuantizationParameters.quantized_dimension", &qdim, NULL)))
        return st;
    /* float tensors often carry an empty table */
    if (!vscale.len && !vzp.len && !vmin.len && !vmax.len) return FY_OK;
    if (vscale.len != vzp.len)
        return fail(rd, FY_EINVALID, (int64_t)qt->pos, NULL,
                    "tensor '%s' has %" PRIu32 " quantization scales and %" PRIu32
                    " zero points; expected as many of each",
                    t->name, vscale.len, vzp.len);
    if (vscale.len > MAX_COUNT)
        return fail(rd, FY_EFORMAT, (int64_t)qt->pos, NULL,
                    "tensor '%s' has %" PRIu32 " quantization scales; ferry accepts at most %d",
                    t->name, vscale.len, MAX_COUNT);
    if (vmin.len != vmax.len || vmin.len > MAX_COUNT)
        return fail(rd, FY_EINVALID, (int64_t)qt->pos, NULL,
                    "tensor '%s' has %" PRIu32 " min and %" PRIu32
                    " max values; expected as many of each",
                    t->name, vmin.len, vmax.len);
    struct ir_quant *q = ARENA_NEW(rd->a, struct ir_quant);
    int count = (int)vscale.len;
    if (!q) return nomem(rd);
    q->count = count;
    q->axis = -1;
    q->min = q->max = NAN;
    if (vmin.len) {
        q->range_count = (int)vmin.len;
        q->range_min = ARENA_ARRAY(rd->a, vmin.len, float);
        q->range_max = ARENA_ARRAY(rd->a, vmin.len, float);
        if (!q->range_min || !q->range_max) return nomem(rd);
        for (uint32_t i = 0; i < vmin.len; i++) {
            q->range_min[i] = fb_vec_f32(&vmin, i);
            q->range_max[i] = fb_vec_f32(&vmax, i);
        }
        if (vmin.len == 1) {
            q->has_range = true;
            q->min = q->range_min[0];
            q->max = q->range_max[0];
        }
    }
    if (count) {
        q->scale = ARENA_ARRAY(rd->a, count, float);
        q->zero_point = ARENA_ARRAY(rd->a, count, int64_t);
        if (!q->scale || !q->zero_point) return nomem(rd);
        for (int i = 0; i < count; i++) {
            q->scale[i] = fb_vec_f32(&vscale, (uint32_t)i);
            q->zero_point[i] = fb_vec_i64(&vzp, (uint32_t)i);
        }
    }
    /* Which axis the scales run along. TFLite refuses a dimension outside
     * [0, rank) (scalars aside); TFLite Micro does not look, and
     * person_detect.tflite's rank-1 biases say 3: read those along their
     * only axis and warn. */
    bool outside = qdim < 0 || (t->rank > 0 && qdim >= t->rank);
    if (outside && count == 0) {
        /* a range only: no scales for the dimension to misplace */
    } else if (outside && (count == 1 || (t->rank == 1 && t->dims[0].value == count))) {
        if (!rd->bad_axis_count++) {
            rd->bad_axis_first = t->name;
            rd->bad_axis_file = qdim;
            rd->bad_axis_rank = t->rank;
        }
    } else if (outside) {
        return fail(rd, FY_EINVALID, (int64_t)qt->pos, NULL,
                    "tensor '%s' of rank %d has %d quantization scales along quantized_dimension "
                    "%" PRId32 "; expected a dimension of the tensor",
                    t->name, t->rank, count, qdim);
    }
    if (count > 1) {
        q->axis = outside ? 0 : qdim;
        if (t->rank <= 0)
            return fail(rd, FY_EINVALID, (int64_t)qt->pos, NULL,
                        "tensor '%s' is a scalar with %d quantization scales; expected 1",
                        t->name, count);
        int64_t d = t->dims[q->axis].value;
        if (d >= 0 && d != count)
            return fail(rd, FY_EINVALID, (int64_t)qt->pos, NULL,
                        "tensor '%s' has %d quantization scales along dimension %d of size %" PRId64
                        "; expected one per element of that dimension",
                        t->name, count, q->axis, d);
    }
    if (qdim != (q->axis < 0 ? 0 : q->axis)) {
        q->has_file_axis = true;
        q->file_axis = qdim;
    }
    t->quant = q;
    return FY_OK;
}

/* TFLite STRING buffers: int32 count N, N+1 int32 offsets from the buffer's
 * start, then the bytes; string i is [offset i, offset i+1). */
static fy_status decode_strings(struct rd *rd, struct ir_tensor *t, const uint8_t *p,
                                uint64_t size, uint64_t numel)
{
    int64_t at = (int64_t)(p - rd->fb.data);
    if (size < 4)
        return fail(rd, FY_EINVALID, at, NULL,
                    "STRING tensor '%s' has a %" PRIu64 "-byte buffer; expected a count and "
                    "offsets",
                    t->name, size);
    uint32_t n = fb_load_u32(p);
    if (n != numel || (uint64_t)n + 2 > size / 4)
        return fail(rd, FY_EINVALID, at, NULL,
                    "STRING tensor '%s' has %" PRIu32 " strings in a %" PRIu64
                    "-byte buffer; its shape needs %" PRIu64,
                    t->name, n, size, numel);
    t->strings = ARENA_ARRAY(rd->a, n ? n : 1, struct ir_bytes);
    if (!t->strings) return nomem(rd);
    uint64_t prev = 4 * ((uint64_t)n + 2);
    for (uint32_t i = 0; i <= n; i++) {
        uint64_t o = fb_load_u32(p + 4 + 4 * (size_t)i);
        if (o < prev || o > size)
            return fail(rd, FY_EINVALID, at + 4 + 4 * (int64_t)i, NULL,
                        "STRING tensor '%s': offset %" PRIu32 " is %" PRIu64
                        "; expected %" PRIu64 " to %" PRIu64 " (ascending, inside the buffer)",
                        t->name, i, o, prev, size);
        if (i) {
            t->strings[i - 1].data = p + prev;
            t->strings[i - 1].size = (size_t)(o - prev);
        }
        prev = o;
    }
    t->n_strings = n;
    return FY_OK;
}

static fy_status read_tensor(struct rd *rd, struct ir_graph *g, const struct fb_vec *tv,
                             uint32_t i)
{
    struct fb_table tt;
    fy_status st = fb_vec_table(tv, i, "SubGraph.tensors", "Tensor", &tt);
    if (!st) st = newer_fields(rd, &tt, TENSOR_FIELDS, NEWER_TENSOR);
    const char *s = NULL;
    uint32_t len = 0;
    if (!st) st = fb_string(&tt, TENSOR_NAME, "Tensor.name", &s, &len);
    if (!st) st = text(rd, s, len, "Tensor.name", NULL);
    const char *name = NULL;
    if (!st) st = tensor_name(rd, g, s, len, i, &name);
    if (st) return st;
    struct ir_tensor *t = ir_graph_add_tensor(g, name, rd->err);
    if (!t) return FY_ENOMEM; /* the name is free: only memory can fail */
    t->origin = s ? s : "";
    t->has_type = true; /* TFLite describes every tensor */
    int64_t at = (int64_t)tt.pos;

    int8_t type;
    bool sparse, quant, present;
    struct fb_table sub, qt;
    struct fb_vec shape, sig, variants;
    uint32_t buffer, external;
    if ((st = fb_i8(&tt, TENSOR_TYPE, 0, "Tensor.type", &type, NULL)) ||
        (st = fb_vector(&tt, TENSOR_SHAPE, 4, "Tensor.shape", &shape, NULL)) ||
        (st = fb_vector(&tt, TENSOR_SHAPE_SIGNATURE, 4, "Tensor.shape_signature", &sig,
                        &present)) ||
        (st = fb_u32(&tt, TENSOR_BUFFER, 0, "Tensor.buffer", &buffer, NULL)) ||
        (st = fb_bool(&tt, TENSOR_IS_VARIABLE, false, "Tensor.is_variable", &t->is_variable,
                      NULL)) ||
        (st = fb_bool(&tt, TENSOR_HAS_RANK, false, "Tensor.has_rank", &t->has_rank, NULL)) ||
        (st = fb_table(&tt, TENSOR_SPARSITY, "Tensor.sparsity", "SparsityParameters", &sub,
                       &sparse)) ||
        (st = fb_vector(&tt, TENSOR_VARIANT_TENSORS, 4, "Tensor.variant_tensors", &variants,
                        NULL)) ||
        (st = fb_u32(&tt, TENSOR_EXTERNAL_BUFFER, 0, "Tensor.external_buffer", &external, NULL)) ||
        (st = fb_table(&tt, TENSOR_QUANTIZATION, "Tensor.quantization", "QuantizationParameters",
                       &qt, &quant)))
        return st;

    const struct tfl_dtype_row *dt = tfl_dtype(type);
    if (!dt)
        return fail(rd, FY_EINVALID, at, NULL,
                    "tensor '%s' has type %d; expected a TensorType (0 to %d)", t->name, type,
                    tfl_n_dtypes - 1);
    if (dt->ir == IR_UNDEFINED)
        return fail(rd, FY_EUNSUPPORTED, at, NULL,
                    "tensor '%s' has type %s, which ferry cannot hold", t->name, dt->name);
    t->dtype = dt->ir;
    if (sparse)
        return fail(rd, FY_EUNSUPPORTED, at, NULL,
                    "tensor '%s' is sparse (Tensor.sparsity); ferry does not read sparse TFLite "
                    "tensors",
                    t->name);
    if (variants.len)
        return fail(rd, FY_EUNSUPPORTED, at, NULL,
                    "tensor '%s' lists %" PRIu32 " variant subtypes; ferry does not read variant "
                    "tensors",
                    t->name, variants.len);
    if (external)
        return fail(rd, FY_EUNSUPPORTED, at, NULL,
                    "tensor '%s' keeps its data in external buffer %" PRIu32
                    " (another file); ferry does not read external TFLite buffers",
                    t->name, external);

    if (shape.len > MAX_RANK || sig.len > MAX_RANK)
        return fail(rd, FY_EFORMAT, at, NULL, "tensor '%s' has rank %" PRIu32 "; ferry accepts at most %d",
                    t->name, shape.len > sig.len ? shape.len : sig.len, MAX_RANK);
    t->rank = (int)shape.len;
    t->dims = ARENA_ARRAY(rd->a, shape.len ? shape.len : 1, struct ir_dim);
    if (!t->dims) return nomem(rd);
    for (uint32_t d = 0; d < shape.len; d++) {
        int32_t v = fb_vec_i32(&shape, d);
        t->dims[d].value = v < 0 ? -1 : v; /* a converter's -1: unknown */
    }
    if (present) {
        t->has_shape_signature = true;
        t->signature_rank = (int)sig.len;
        t->shape_signature = ARENA_ARRAY(rd->a, sig.len ? sig.len : 1, int64_t);
        if (!t->shape_signature) return nomem(rd);
        for (uint32_t d = 0; d < sig.len; d++) t->shape_signature[d] = fb_vec_i32(&sig, d);
    }
    if (quant && (st = read_quant(rd, &qt, t))) return st;

    const uint8_t *data;
    uint64_t size;
    char user[300];
    snprintf(user, sizeof user, "tensor '%s'", t->name);
    if ((st = read_buffer(rd, buffer, user, &data, &size))) return st;
    if (!size) return FY_OK;
    uint64_t numel;
    if (!ir_tensor_numel(t, &numel))
        return fail(rd, FY_EINVALID, at, NULL,
                    "tensor '%s' has a %" PRIu64 "-byte buffer but no static shape; expected "
                    "constants to have one",
                    t->name, size);
    if (t->dtype == IR_STRING) {
        st = decode_strings(rd, t, data, size, numel);
        if (st) return st;
    } else {
        uint64_t need;
        if (!ir_dtype_nbytes(t->dtype, numel, &need) || need != size)
            return fail(rd, FY_EINVALID, at, NULL,
                        "tensor '%s' (%s, %" PRIu64 " elements) has a %" PRIu64
                        "-byte buffer; expected %" PRIu64 " bytes",
                        t->name, dt->name, numel, size, need);
    }
    t->data = data;
    t->nbytes = t->dtype == IR_STRING ? 0 : size;
    /* a variable's buffer is its initial value: it stays a value */
    if (!t->is_variable) return ir_graph_add_initializer(g, t, rd->err);
    return FY_OK;
}

/* ---- operator options ---- */

static struct ir_attr *add_attr(struct rd *rd, struct ir_node *n, const char *name,
                                enum ir_attr_type type)
{
    return ir_node_add_attr(n, name, type, rd->err);
}

static fy_status string_attr(struct rd *rd, struct ir_node *n, const char *name, const void *data,
                             size_t size)
{
    struct ir_attr *at = add_attr(rd, n, name, IR_ATTR_STRING);
    if (!at) return FY_ENOMEM;
    at->v.s.data = data;
    at->v.s.size = size;
    return FY_OK;
}

static fy_status int_attr(struct rd *rd, struct ir_node *n, const char *name, int64_t v)
{
    struct ir_attr *at = add_attr(rd, n, name, IR_ATTR_INT);
    if (!at) return FY_ENOMEM;
    at->v.i = v;
    return FY_OK;
}

/* The name of enum value v, or an error naming the field. */
static fy_status enum_name(struct rd *rd, struct ir_node *n, const struct tfl_options *o,
                           const struct tfl_field *f, int64_t v, const char **out)
{
    const struct tfl_enum *e = f->e;
    if (v >= 0 && v < e->count && e->names[v]) {
        *out = e->names[v];
        return FY_OK;
    }
    return fail(rd, FY_EINVALID, -1, n, "%s.%s is %" PRId64 "; expected a %s (0 to %d)", o->name,
                f->name, v, e->type, e->count - 1);
}

static fy_status check_subgraph(struct rd *rd, struct ir_node *n, const struct tfl_options *o,
                                const struct tfl_field *f, int64_t v)
{
    if (v >= 0 && v < (int64_t)rd->n_subgraphs) return FY_OK;
    return fail(rd, FY_EINVALID, -1, n, "%s.%s is subgraph %" PRId64 "; the model has %" PRIu32,
                o->name, f->name, v, rd->n_subgraphs);
}

/* One options field → one attribute (or the node's activation). t NULL:
 * the options table is absent, so every field has its default. */
static fy_status read_field(struct rd *rd, struct ir_node *n, const struct tfl_options *o,
                            const struct tfl_field *f, const struct fb_table *t)
{
    char what[160];
    snprintf(what, sizeof what, "%s.%s", o->name, f->name);
    bool present = false;
    fy_status st = FY_OK;
    int64_t iv = 0;
    struct fb_vec v;
    memset(&v, 0, sizeof v);
    if (t && fb_field_offset(t, f->id)) present = true;
    if ((f->flags & TFL_F_DEPRECATED) && !present) return FY_OK;

    switch ((enum tfl_kind)f->kind) {
    case TFL_BOOL: {
        bool b = f->def != 0;
        if (t) st = fb_bool(t, f->id, b, what, &b, NULL);
        iv = b;
        break;
    }
    case TFL_I8:
    case TFL_ENUM8:
    case TFL_ACT: {
        int8_t x = (int8_t)f->def;
        if (t) st = fb_i8(t, f->id, x, what, &x, NULL);
        iv = x;
        break;
    }
    case TFL_I16: {
        int16_t x = (int16_t)f->def;
        if (t) st = fb_i16(t, f->id, x, what, &x, NULL);
        iv = x;
        break;
    }
    case TFL_I32: {
        int32_t x = (int32_t)f->def;
        if (t) st = fb_i32(t, f->id, x, what, &x, NULL);
        iv = x;
        break;
    }
    case TFL_U32:
    case TFL_ENUM32: {
        uint32_t x = (uint32_t)f->def;
        if (t) st = fb_u32(t, f->id, x, what, &x, NULL);
        iv = x;
        break;
    }
    case TFL_I64: {
        int64_t x = (int64_t)f->def;
        if (t) st = fb_i64(t, f->id, x, what, &x, NULL);
        iv = x;
        break;
    }
    case TFL_F32: {
        float x = (float)f->def;
        if (t) st = fb_f32(t, f->id, x, what, &x, NULL);
        if (st) return st;
        struct ir_attr *at = add_attr(rd, n, f->name, IR_ATTR_FLOAT);
        if (!at) return FY_ENOMEM;
        at->v.f = x;
        return FY_OK;
    }
    case TFL_INTS:
    case TFL_LONGS:
    case TFL_BOOLS:
    case TFL_FLOATS:
    case TFL_ENUMS32:
    case TFL_BYTES: {
        static const uint8_t elem[] = {
            [TFL_INTS] = 4, [TFL_LONGS] = 8, [TFL_BOOLS] = 1,
            [TFL_FLOATS] = 4, [TFL_ENUMS32] = 4, [TFL_BYTES] = 1,
        };
        if (t) st = fb_vector(t, f->id, elem[f->kind], what, &v, NULL);
        break;
    }
    case TFL_STRING:
        break;
    }
    if (st) return st;

    switch ((enum tfl_kind)f->kind) {
    case TFL_ACT:
        if (iv < 0 || iv >= IR_ACT_COUNT)
            return fail(rd, FY_EINVALID, -1, n,
                        "%s is %" PRId64 "; expected an ActivationFunctionType (0 to %d)", what,
                        iv, IR_ACT_COUNT - 1);
        /* the IR's activations are in the schema's order */
        n->activation = (enum ir_activation)iv;
        return FY_OK;
    case TFL_ENUM8:
    case TFL_ENUM32: {
        const char *name;
        st = enum_name(rd, n, o, f, iv, &name);
        if (st) return st;
        return string_attr(rd, n, f->name, name, strlen(name));
    }
    case TFL_INTS:
    case TFL_LONGS:
    case TFL_BOOLS: {
        struct ir_attr *at = add_attr(rd, n, f->name, IR_ATTR_INTS);
        if (!at) return FY_ENOMEM;
        at->count = v.len;
        at->v.ints = ARENA_ARRAY(rd->a, v.len ? v.len : 1, int64_t);
        if (!at->v.ints) return nomem(rd);
        for (uint32_t i = 0; i < v.len; i++) {
            at->v.ints[i] = f->kind == TFL_INTS    ? fb_vec_i32(&v, i)
                            : f->kind == TFL_LONGS ? fb_vec_i64(&v, i)
                                                   : fb_vec_u8(&v, i) != 0;
            if ((f->flags & TFL_F_SUBGRAPH) && (st = check_subgraph(rd, n, o, f, at->v.ints[i])))
                return st;
        }
        return FY_OK;
    }
    case TFL_FLOATS: {
        struct ir_attr *at = add_attr(rd, n, f->name, IR_ATTR_FLOATS);
        if (!at) return FY_ENOMEM;
        at->count = v.len;
        at->v.floats = ARENA_ARRAY(rd->a, v.len ? v.len : 1, float);
        if (!at->v.floats) return nomem(rd);
        for (uint32_t i = 0; i < v.len; i++) at->v.floats[i] = fb_vec_f32(&v, i);
        return FY_OK;
    }
    case TFL_ENUMS32: {
        struct ir_attr *at = add_attr(rd, n, f->name, IR_ATTR_STRINGS);
        if (!at) return FY_ENOMEM;
        at->count = v.len;
        at->v.strings = ARENA_ARRAY(rd->a, v.len ? v.len : 1, struct ir_bytes);
        if (!at->v.strings) return nomem(rd);
        for (uint32_t i = 0; i < v.len; i++) {
            const char *name;
            st = enum_name(rd, n, o, f, fb_vec_u32(&v, i), &name);
            if (st) return st;
            at->v.strings[i].data = (const uint8_t *)name;
            at->v.strings[i].size = strlen(name);
        }
        return FY_OK;
    }
    case TFL_BYTES:
        return string_attr(rd, n, f->name, v.len ? fb_vec_data(&v) : (const uint8_t *)"", v.len);
    case TFL_STRING: {
        const char *s = NULL;
        uint32_t len = 0;
        if (t) st = fb_string(t, f->id, what, &s, &len);
        if (st) return st;
        return string_attr(rd, n, f->name, s ? s : "", len);
    }
    default:
        if ((f->flags & TFL_F_SUBGRAPH) && (st = check_subgraph(rd, n, o, f, iv))) return st;
        return int_attr(rd, n, f->name, iv);
    }
}

/* Fields of t that o does not list (or every field, o NULL), as
 * {u16 id, u16 size, bytes} records: the field's inline bytes, up to the
 * next field or the table's end. */
static fy_status raw_fields(struct rd *rd, struct ir_node *n, const struct tfl_options *o,
                            const struct fb_table *t, const char *attr, bool *any)
{
    int nf = fb_field_count(t);
    size_t cap = 0;
    for (int id = 0; id < nf; id++) cap += fb_field_offset(t, id) ? 4u + t->size : 0;
    *any = false;
    if (!cap) return FY_OK;
    uint8_t *out = arena_alloc(rd->a, cap, 1), *w = out;
    if (!out) return nomem(rd);
    for (int id = 0; id < nf; id++) {
        uint16_t off = fb_field_offset(t, id);
        if (!off) continue;
        bool known = false;
        for (int k = 0; o && k < o->n_fields; k++) known = known || o->fields[k].id == id;
        if (known) continue;
        uint16_t end = t->size;
        for (int j = 0; j < nf; j++) {
            uint16_t oj = fb_field_offset(t, j);
            if (oj > off && oj < end) end = oj;
        }
        size_t size = end > off ? (size_t)(end - off) : 0, pos;
        if (size > 8) size = 8; /* no scalar is wider */
        fy_status st = fb_field(t, id, size, 1, attr, &pos);
        if (st) return st;
        w[0] = (uint8_t)id, w[1] = (uint8_t)(id >> 8);
        w[2] = (uint8_t)size, w[3] = 0;
        memcpy(w + 4, rd->fb.data + pos, size);
        w += 4 + size;
        *any = true;
    }
    if (!*any) return FY_OK;
    return string_attr(rd, n, attr, out, (size_t)(w - out));
}

/* One of the operator's two options unions. */
static fy_status read_options(struct rd *rd, struct ir_node *n, const struct fb_table *ot,
                              bool second, const struct tfl_options *expected)
{
    int type_id = second ? OP_BUILTIN_OPTIONS_2_TYPE : OP_BUILTIN_OPTIONS_TYPE;
    int value_id = second ? OP_BUILTIN_OPTIONS_2 : OP_BUILTIN_OPTIONS;
    const char *type_attr = second ? TFL_ATTR_OPTIONS2_TYPE : TFL_ATTR_OPTIONS_TYPE;
    const char *raw_attr = second ? TFL_ATTR_OPTIONS2_RAW : TFL_ATTR_OPTIONS_RAW;
    const char *what = second ? "Operator.builtin_options_2" : "Operator.builtin_options";
    uint8_t type;
    bool present;
    struct fb_table t;
    fy_status st = fb_u8(ot, type_id, 0, what, &type, NULL);
    if (!st) st = fb_table(ot, value_id, what, "options", &t, &present);
    if (st) return st;
    if (!type || !present) {
        /* a NONE type with a table: FlatBuffers ignores the table, and so
         * does TFLite; a type with no table reads as all defaults in
         * TFLite's own parser only partly, so the writer must know */
        if (present)
            st = warn(rd, "operator '%s' (%s): %s has a table but type NONE; the table is "
                          "ignored, as TFLite does",
                      n->name, n->op_type, what);
        if (!st && expected) st = string_attr(rd, n, type_attr, "NONE", 4);
        for (int k = 0; expected && k < expected->n_fields && !st; k++)
            st = read_field(rd, n, expected, &expected->fields[k], NULL);
        return st;
    }
    const struct tfl_options *o = tfl_options_by_type(second, type);
    t.what = o ? o->name : "options";
    bool any = false;
    if (!o) {
        char *name = arena_printf(rd->a, "#%u", type);
        if (!name) return nomem(rd);
        st = string_attr(rd, n, type_attr, name, strlen(name));
        if (!st) st = raw_fields(rd, n, NULL, &t, raw_attr, &any);
        if (!st)
            st = warn(rd, "operator '%s' (%s): %s has type %u, newer than the schema ferry "
                          "knows; its scalar fields are kept as bytes, anything it references "
                          "is not",
                      n->name, n->op_type, what, type);
    } else {
        if (o != expected) st = string_attr(rd, n, type_attr, o->name, strlen(o->name));
        for (int k = 0; k < o->n_fields && !st; k++) st = read_field(rd, n, o, &o->fields[k], &t);
        if (!st) st = raw_fields(rd, n, o, &t, raw_attr, &any);
        if (!st && any)
            st = warn(rd, "operator '%s' (%s): %s has fields newer than the schema ferry knows; "
                          "their scalar bytes are kept, anything they reference is not",
                      n->name, n->op_type, o->name);
    }
    /* a builtin read with options of another type still gets the
     * attributes of its own (defaults), so kernels find every one */
    for (int k = 0; expected && o != expected && k < expected->n_fields && !st; k++)
        if (expected->fields[k].kind != TFL_ACT && !ir_node_attr(n, expected->fields[k].name))
            st = read_field(rd, n, expected, &expected->fields[k], NULL);
    return st;
}

/* ---- operators ---- */

/* A tensor index from an operator or subgraph list: -1 (when allowed) is
 * "none", anything else must name a tensor of g. */
static fy_status tensor_at(struct rd *rd, struct ir_graph *g, int32_t idx, bool optional,
                           const struct ir_node *n, const char *what, int slot,
                           struct ir_tensor **out)
{
    *out = NULL;
    if (idx == -1 && optional) return FY_OK;
    if (idx < 0 || idx >= g->n_tensors)
        return fail(rd, FY_EINVALID, -1, n, "%s %d is tensor %" PRId32 "; the subgraph has %d tensors%s",
                    what, slot, idx, g->n_tensors, optional ? " (-1: none)" : "");
    *out = g->tensors[idx];
    return FY_OK;
}

static fy_status read_operator(struct rd *rd, struct ir_graph *g, const struct fb_vec *ov,
                               uint32_t index)
{
    struct fb_table ot;
    uint32_t code_index;
    struct fb_vec vin, vout;
    fy_status st = fb_vec_table(ov, index, "SubGraph.operators", "Operator", &ot);
    if (!st) st = newer_fields(rd, &ot, OP_FIELDS, NEWER_OPERATOR);
    if (!st) st = fb_u32(&ot, OP_OPCODE_INDEX, 0, "Operator.opcode_index", &code_index, NULL);
    if (!st) st = fb_vector(&ot, OP_INPUTS, 4, "Operator.inputs", &vin, NULL);
    if (!st) st = fb_vector(&ot, OP_OUTPUTS, 4, "Operator.outputs", &vout, NULL);
    if (st) return st;
    if (code_index >= rd->n_codes)
        return fail(rd, FY_EINVALID, (int64_t)ot.pos, NULL,
                    "operator %" PRIu32 " of subgraph '%s' has opcode_index %" PRIu32
                    "; the model has %" PRIu32 " operator codes",
                    index, g->name, code_index, rd->n_codes);
    if (vin.len > MAX_COUNT || vout.len > MAX_COUNT)
        return fail(rd, FY_EFORMAT, (int64_t)ot.pos, NULL,
                    "operator %" PRIu32 " has %" PRIu32 " inputs and %" PRIu32
                    " outputs; ferry accepts at most %d",
                    index, vin.len, vout.len, MAX_COUNT);
    const struct opcode *oc = &rd->codes[code_index];

    /* TFLite operators have no names: a node is known by its first output */
    const char *name = NULL;
    for (uint32_t i = 0; i < vout.len && !name; i++) {
        int32_t idx = fb_vec_i32(&vout, i);
        if (idx >= 0 && idx < g->n_tensors) name = g->tensors[idx]->name;
    }
    if (!name && !(name = arena_printf(rd->a, "operator_%" PRIu32, index))) return nomem(rd);
    enum ir_op op = oc->row ? oc->row->op : IR_OP_OPAQUE;
    struct ir_node *n =
        ir_graph_add_node(g, op, oc->op_type, "", name, (int)vin.len, (int)vout.len, rd->err);
    if (!n) return FY_ENOMEM;
    n->version = oc->version;
    n->rounding = IR_ROUND_TFLITE;
    n->layout = oc->row && oc->row->nhwc ? IR_LAYOUT_NHWC : IR_LAYOUT_NONE;

    for (uint32_t i = 0; i < vin.len; i++) {
        st = tensor_at(rd, g, fb_vec_i32(&vin, i), true, n, "input", (int)i, &n->inputs[i]);
        if (st) return st;
    }
    for (uint32_t i = 0; i < vout.len; i++) {
        struct ir_tensor *t;
        st = tensor_at(rd, g, fb_vec_i32(&vout, i), true, n, "output", (int)i, &t);
        if (!st && t && t->producer)
            st = fail(rd, FY_EINVALID, (int64_t)ot.pos, n,
                      "output '%s' is already produced by node '%s' (%s)", t->name,
                      t->producer->name, t->producer->op_type);
        if (!st && t && t->kind == IR_TENSOR_CONST)
            st = fail(rd, FY_EINVALID, (int64_t)ot.pos, n,
                      "output '%s' has a constant buffer; expected a computed value", t->name);
        if (!st) st = ir_node_set_output(n, (int)i, t, rd->err);
        if (st) return st;
    }

    const struct tfl_options *opt = oc->row ? oc->row->options : NULL;
    st = read_options(rd, n, &ot, false, opt && !opt->second ? opt : NULL);
    if (!st) st = read_options(rd, n, &ot, true, opt && opt->second ? opt : NULL);
    if (st) return st;

    /* custom options: inline, or past 2 GB at a file offset (valid when more
     * than 1, as the schema says) */
    struct fb_vec vco;
    bool has_co;
    uint64_t large_off = 0, large_size = 0;
    uint8_t co_format = 0;
    if ((st = fb_vector(&ot, OP_CUSTOM_OPTIONS, 1, "Operator.custom_options", &vco, &has_co)) ||
        (st = fb_u64(&ot, OP_LARGE_CUSTOM_OPTIONS_OFFSET, 0,
                     "Operator.large_custom_options_offset", &large_off, NULL)) ||
        (st = fb_u64(&ot, OP_LARGE_CUSTOM_OPTIONS_SIZE, 0, "Operator.large_custom_options_size",
                     &large_size, NULL)) ||
        (st = fb_u8(&ot, OP_CUSTOM_OPTIONS_FORMAT, 0, "Operator.custom_options_format",
                    &co_format, NULL)))
        return st;
    if (large_off > 1) {
        if (large_off > rd->fb.size || large_size > rd->fb.size - large_off)
            return fail(rd, FY_EFORMAT, (int64_t)ot.pos, n,
                        "custom options of %" PRIu64 " bytes at file offset %" PRIu64
                        " run past the end of the %zu-byte file",
                        large_size, large_off, rd->fb.size);
        st = string_attr(rd, n, TFL_ATTR_CUSTOM_OPTIONS, rd->fb.data + large_off,
                         (size_t)large_size);
    } else if (has_co) {
        st = string_attr(rd, n, TFL_ATTR_CUSTOM_OPTIONS,
                         vco.len ? fb_vec_data(&vco) : (const uint8_t *)"", vco.len);
    }
    if (!st && co_format) st = int_attr(rd, n, TFL_ATTR_CUSTOM_OPTIONS_FORMAT, co_format);
    if (!st && oc->custom_code && oc->code != TFL_CODE_CUSTOM)
        st = string_attr(rd, n, TFL_ATTR_CUSTOM_CODE, oc->custom_code, strlen(oc->custom_code));
    if (st) return st;

    struct fb_vec vmut, vint;
    int32_t debug;
    if ((st = fb_vector(&ot, OP_MUTATING_VARIABLE_INPUTS, 1, "Operator.mutating_variable_inputs",
                        &vmut, NULL)) ||
        (st = fb_vector(&ot, OP_INTERMEDIATES, 4, "Operator.intermediates", &vint, NULL)) ||
        (st = fb_i32(&ot, OP_DEBUG_METADATA_INDEX, -1, "Operator.debug_metadata_index", &debug,
                     NULL)))
        return st;
    if (vmut.len) {
        struct ir_attr *at = add_attr(rd, n, TFL_ATTR_MUTATING, IR_ATTR_INTS);
        if (!at || !(at->v.ints = ARENA_ARRAY(rd->a, vmut.len, int64_t))) return nomem(rd);
        at->count = vmut.len;
        for (uint32_t i = 0; i < vmut.len; i++) at->v.ints[i] = fb_vec_u8(&vmut, i) != 0;
    }
    if (vint.len) {
        struct ir_attr *at = add_attr(rd, n, TFL_ATTR_INTERMEDIATES, IR_ATTR_TENSORS);
        if (!at || !(at->v.tensors = ARENA_ARRAY(rd->a, vint.len, struct ir_tensor *)))
            return nomem(rd);
        at->count = vint.len;
        for (uint32_t i = 0; i < vint.len; i++) {
            st = tensor_at(rd, g, fb_vec_i32(&vint, i), false, n, "intermediate", (int)i,
                           &at->v.tensors[i]);
            if (st) return st;
        }
    }
    if (debug != -1) st = int_attr(rd, n, TFL_ATTR_DEBUG_METADATA, debug);
    return st;
}

/* ---- subgraphs ---- */

static fy_status read_subgraph(struct rd *rd, const struct fb_vec *sv, uint32_t index,
                               struct ir_graph *g)
{
    struct fb_table st_;
    fy_status st = fb_vec_table(sv, index, "Model.subgraphs", "SubGraph", &st_);
    if (!st) st = newer_fields(rd, &st_, SUBGRAPH_FIELDS, NEWER_SUBGRAPH);
    const char *s;
    uint32_t len;
    if (!st) st = fb_string(&st_, SUBGRAPH_NAME, "SubGraph.name", &s, &len);
    if (!st) st = text(rd, s, len, "SubGraph.name", NULL);
    if (st) return st;
    g->name = s ? s : "";
    if ((st = fb_i32(&st_, SUBGRAPH_DEBUG_METADATA_INDEX, -1, "SubGraph.debug_metadata_index",
                     &rd->info->subgraph_debug_metadata[index], NULL)))
        return st;

    struct fb_vec tv, iv, ov, opv;
    if ((st = fb_vector(&st_, SUBGRAPH_TENSORS, 4, "SubGraph.tensors", &tv, NULL)) ||
        (st = fb_vector(&st_, SUBGRAPH_INPUTS, 4, "SubGraph.inputs", &iv, NULL)) ||
        (st = fb_vector(&st_, SUBGRAPH_OUTPUTS, 4, "SubGraph.outputs", &ov, NULL)) ||
        (st = fb_vector(&st_, SUBGRAPH_OPERATORS, 4, "SubGraph.operators", &opv, NULL)))
        return st;
    if (tv.len > MAX_COUNT || opv.len > MAX_COUNT)
        return fail(rd, FY_EFORMAT, (int64_t)st_.pos, NULL,
                    "subgraph %" PRIu32 " has %" PRIu32 " tensors and %" PRIu32
                    " operators; ferry accepts at most %d",
                    index, tv.len, opv.len, MAX_COUNT);
    for (uint32_t i = 0; i < tv.len; i++)
        if ((st = read_tensor(rd, g, &tv, i))) return st;
    for (uint32_t i = 0; i < iv.len; i++) {
        struct ir_tensor *t;
        st = tensor_at(rd, g, fb_vec_i32(&iv, i), false, NULL, "subgraph input", (int)i, &t);
        if (!st) st = ir_graph_add_input(g, t, rd->err);
        if (st) return st;
    }
    for (uint32_t i = 0; i < ov.len; i++) {
        struct ir_tensor *t;
        st = tensor_at(rd, g, fb_vec_i32(&ov, i), false, NULL, "subgraph output", (int)i, &t);
        if (!st) st = ir_graph_add_output(g, t, rd->err);
        if (st) return st;
    }
    for (uint32_t i = 0; i < opv.len; i++)
        if ((st = read_operator(rd, g, &opv, i))) return st;
    return FY_OK;
}

/* ---- model ---- */

static fy_status read_opcodes(struct rd *rd, const struct fb_table *model)
{
    struct fb_vec v;
    fy_status st = fb_vector(model, MODEL_OPERATOR_CODES, 4, "Model.operator_codes", &v, NULL);
    if (st) return st;
    rd->n_codes = v.len;
    rd->codes = ARENA_ARRAY(rd->a, v.len ? v.len : 1, struct opcode);
    if (!rd->codes) return nomem(rd);
    for (uint32_t i = 0; i < v.len; i++) {
        struct fb_table t;
        struct opcode *oc = &rd->codes[i];
        int8_t dep;
        int32_t code, version;
        const char *custom;
        uint32_t len;
        if ((st = fb_vec_table(&v, i, "Model.operator_codes", "OperatorCode", &t)) ||
            (st = newer_fields(rd, &t, OPCODE_FIELDS, NEWER_OPCODE)) ||
            (st = fb_i8(&t, OPCODE_DEPRECATED_BUILTIN_CODE, 0,
                        "OperatorCode.deprecated_builtin_code", &dep, NULL)) ||
            (st = fb_i32(&t, OPCODE_BUILTIN_CODE, 0, "OperatorCode.builtin_code", &code, NULL)) ||
            (st = fb_i32(&t, OPCODE_VERSION, 1, "OperatorCode.version", &version, NULL)) ||
            (st = fb_string(&t, OPCODE_CUSTOM_CODE, "OperatorCode.custom_code", &custom, &len)) ||
            (st = text(rd, custom, len, "OperatorCode.custom_code", NULL)))
            return st;
        /* Old files fill only the byte field; new ones fill both, the byte
         * with at most PLACEHOLDER_FOR_GREATER_OP_CODES: the larger wins. */
        if (dep > code) code = dep;
        if (code < 0)
            return fail(rd, FY_EINVALID, (int64_t)t.pos, NULL,
                        "operator code %" PRIu32 " is builtin %" PRId32
                        "; expected a BuiltinOperator (0 or more)",
                        i, code);
        oc->code = code;
        oc->version = version;
        oc->custom_code = custom;
        oc->row = tfl_op_by_code(code);
        if (code == TFL_CODE_CUSTOM) {
            if (!custom)
                return fail(rd, FY_EINVALID, (int64_t)t.pos, NULL,
                            "operator code %" PRIu32 " is CUSTOM without a custom_code; expected "
                            "the custom op's name",
                            i);
            oc->op_type = arena_printf(rd->a, "CUSTOM:%s", custom);
            oc->row = NULL; /* custom ops are opaque, with no builtin options */
        } else {
            oc->op_type = oc->row ? oc->row->name : arena_printf(rd->a, "BUILTIN_%" PRId32, code);
        }
        if (!oc->op_type) return nomem(rd);
    }
    return FY_OK;
}

static fy_status read_tensor_maps(struct rd *rd, const struct fb_table *sig, int id,
                                  const char *what, struct ir_graph *g,
                                  struct ir_tflite_tensor_ref **out, int *n)
{
    struct fb_vec v;
    fy_status st = fb_vector(sig, id, 4, what, &v, NULL);
    if (st) return st;
    if (v.len > MAX_COUNT)
        return fail(rd, FY_EFORMAT, (int64_t)sig->pos, NULL, "%s has %" PRIu32 " entries; ferry accepts at most %d",
                    what, v.len, MAX_COUNT);
    *out = ARENA_ARRAY(rd->a, v.len ? v.len : 1, struct ir_tflite_tensor_ref);
    if (!*out) return nomem(rd);
    *n = (int)v.len;
    for (uint32_t i = 0; i < v.len; i++) {
        struct fb_table t;
        const char *s;
        uint32_t len, idx;
        if ((st = fb_vec_table(&v, i, what, "TensorMap", &t)) ||
            (st = newer_fields(rd, &t, TENSORMAP_FIELDS, NEWER_TENSORMAP)) ||
            (st = fb_string(&t, TENSORMAP_NAME, "TensorMap.name", &s, &len)) ||
            (st = text(rd, s, len, "TensorMap.name", NULL)) ||
            (st = fb_u32(&t, TENSORMAP_TENSOR_INDEX, 0, "TensorMap.tensor_index", &idx, NULL)))
            return st;
        if (idx >= (uint32_t)g->n_tensors)
            return fail(rd, FY_EINVALID, (int64_t)t.pos, NULL,
                        "%s entry '%s' names tensor %" PRIu32 "; subgraph '%s' has %d", what,
                        s ? s : "", idx, g->name, g->n_tensors);
        (*out)[i].name = s ? s : "";
        (*out)[i].tensor_index = (int)idx;
        (*out)[i].tensor = g->tensors[idx];
    }
    return FY_OK;
}

static fy_status read_signatures(struct rd *rd, const struct fb_table *model)
{
    struct fb_vec v;
    fy_status st = fb_vector(model, MODEL_SIGNATURE_DEFS, 4, "Model.signature_defs", &v, NULL);
    if (st || !v.len) return st;
    struct ir_tflite_info *info = rd->info;
    info->signatures = ARENA_ARRAY(rd->a, v.len, struct ir_tflite_signature);
    if (!info->signatures) return nomem(rd);
    for (uint32_t i = 0; i < v.len; i++) {
        struct fb_table t;
        struct ir_tflite_signature *sig = &info->signatures[i];
        const char *key;
        uint32_t len, sub;
        if ((st = fb_vec_table(&v, i, "Model.signature_defs", "SignatureDef", &t)) ||
            (st = newer_fields(rd, &t, SIGNATURE_FIELDS, NEWER_SIGNATURE)) ||
            (st = fb_string(&t, SIGNATURE_KEY, "SignatureDef.signature_key", &key, &len)) ||
            (st = text(rd, key, len, "SignatureDef.signature_key", NULL)) ||
            (st = fb_u32(&t, SIGNATURE_SUBGRAPH_INDEX, 0, "SignatureDef.subgraph_index", &sub,
                         NULL)))
            return st;
        if (sub >= rd->n_subgraphs)
            return fail(rd, FY_EINVALID, (int64_t)t.pos, NULL,
                        "signature '%s' names subgraph %" PRIu32 "; the model has %" PRIu32,
                        key ? key : "", sub, rd->n_subgraphs);
        sig->key = key ? key : "";
        sig->subgraph_index = (int)sub;
        struct ir_graph *g = info->subgraphs[sub];
        if ((st = read_tensor_maps(rd, &t, SIGNATURE_INPUTS, "SignatureDef.inputs", g,
                                   &sig->inputs, &sig->n_inputs)) ||
            (st = read_tensor_maps(rd, &t, SIGNATURE_OUTPUTS, "SignatureDef.outputs", g,
                                   &sig->outputs, &sig->n_outputs)))
            return st;
        info->n_signatures++;
    }
    return FY_OK;
}

static fy_status read_metadata(struct rd *rd, const struct fb_table *model)
{
    struct ir_tflite_info *info = rd->info;
    struct fb_vec v, vb;
    fy_status st = fb_vector(model, MODEL_METADATA, 4, "Model.metadata", &v, NULL);
    if (!st) st = fb_vector(model, MODEL_METADATA_BUFFER, 4, "Model.metadata_buffer", &vb, NULL);
    if (st) return st;
    info->metadata = ARENA_ARRAY(rd->a, v.len ? v.len : 1, struct ir_tflite_metadata);
    info->metadata_buffers = ARENA_ARRAY(rd->a, vb.len ? vb.len : 1, struct ir_bytes);
    if (!info->metadata || !info->metadata_buffers) return nomem(rd);
    for (uint32_t i = 0; i < v.len; i++) {
        struct fb_table t;
        const char *name;
        uint32_t len, buffer;
        const uint8_t *data;
        uint64_t size;
        if ((st = fb_vec_table(&v, i, "Model.metadata", "Metadata", &t)) ||
            (st = newer_fields(rd, &t, METADATA_FIELDS, NEWER_METADATA)) ||
            (st = fb_string(&t, METADATA_NAME, "Metadata.name", &name, &len)) ||
            (st = text(rd, name, len, "Metadata.name", NULL)) ||
            (st = fb_u32(&t, METADATA_BUFFER, 0, "Metadata.buffer", &buffer, NULL)))
            return st;
        char user[300];
        snprintf(user, sizeof user, "metadata '%s'", name ? name : "");
        if ((st = read_buffer(rd, buffer, user, &data, &size))) return st;
        info->metadata[i].name = name ? name : "";
        info->metadata[i].data.data = data;
        info->metadata[i].data.size = (size_t)size;
        info->n_metadata++;
    }
    for (uint32_t i = 0; i < vb.len; i++) {
        const uint8_t *data;
        uint64_t size;
        int32_t idx = fb_vec_i32(&vb, i);
        if (idx < 0)
            return fail(rd, FY_EINVALID, (int64_t)(vb.pos + 4 * (size_t)i), NULL,
                        "Model.metadata_buffer entry %" PRIu32 " is buffer %" PRId32
                        "; expected a buffer index",
                        i, idx);
        if ((st = read_buffer(rd, (uint32_t)idx, "Model.metadata_buffer", &data, &size))) return st;
        info->metadata_buffers[i].data = data;
        info->metadata_buffers[i].size = (size_t)size;
        info->n_metadata_buffers++;
    }
    return FY_OK;
}

static fy_status read_all(struct ir_model *m, const uint8_t *data, size_t size,
                          struct fy_error *err)
{
    struct rd *rd = ARENA_NEW(&m->arena, struct rd);
    struct ir_tflite_info *info = ARENA_NEW(&m->arena, struct ir_tflite_info);
    if (!rd || !info) return err_fmt(err, FY_ENOMEM, "out of memory");
    rd->m = m;
    rd->a = &m->arena;
    rd->err = err;
    rd->info = info;
    m->format = IR_FORMAT_TFLITE;
    m->tflite = info;
    fb_init(&rd->fb, data, size, err);

    struct fb_table model;
    bool ident;
    fy_status st = fb_root(&rd->fb, "Model", TFL_IDENTIFIER, &ident, &model);
    if (st) return st;
    /* TFLite's own verifier does not require the identifier either */
    const char *desc;
    uint32_t len;
    if ((st = newer_fields(rd, &model, MODEL_FIELDS, NEWER_MODEL)) ||
        (st = fb_u32(&model, MODEL_VERSION, 0, "Model.version", &info->version, NULL)) ||
        (st = fb_string(&model, MODEL_DESCRIPTION, "Model.description", &desc, &len)) ||
        (st = text(rd, desc, len, "Model.description", NULL)))
        return st;
    if (info->version != TFL_SCHEMA_VERSION)
        return fail(rd, FY_EUNSUPPORTED, (int64_t)model.pos, NULL,
                    "schema version %" PRIu32 "; ferry reads version %d, as TFLite and TFLite "
                    "Micro do",
                    info->version, TFL_SCHEMA_VERSION);
    info->description = desc ? desc : "";
    m->producer_name = info->description;

    struct fb_vec groups, externals, subgraphs;
    if ((st = fb_vector(&model, MODEL_EXTERNAL_BUFFER_GROUPS, 4, "Model.external_buffer_groups",
                        &groups, NULL)) ||
        (st = fb_vector(&model, MODEL_EXTERNAL_BUFFERS, 4, "Model.external_buffers", &externals,
                        NULL)))
        return st;
    if (groups.len || externals.len)
        return fail(rd, FY_EUNSUPPORTED, (int64_t)model.pos, NULL,
                    "the model keeps data in %" PRIu32 " external buffers (other files); ferry "
                    "does not read external TFLite buffers",
                    externals.len);

    if ((st = fb_vector(&model, MODEL_BUFFERS, 4, "Model.buffers", &rd->buffers, NULL))) return st;
    rd->buf_cache = ARENA_ARRAY(rd->a, rd->buffers.len ? rd->buffers.len : 1, struct buffer);
    if (!rd->buf_cache) return nomem(rd);
    if ((st = read_opcodes(rd, &model))) return st;

    if ((st = fb_vector(&model, MODEL_SUBGRAPHS, 4, "Model.subgraphs", &subgraphs, NULL)))
        return st;
    if (!subgraphs.len)
        return fail(rd, FY_EINVALID, (int64_t)model.pos, NULL,
                    "the model has no subgraphs; expected at least the main one");
    if (subgraphs.len > MAX_COUNT)
        return fail(rd, FY_EFORMAT, (int64_t)model.pos, NULL,
                    "the model has %" PRIu32 " subgraphs; ferry accepts at most %d",
                    subgraphs.len, MAX_COUNT);
    rd->n_subgraphs = subgraphs.len;
    info->n_subgraphs = (int)subgraphs.len;
    info->subgraphs = ARENA_ARRAY(rd->a, subgraphs.len, struct ir_graph *);
    info->subgraph_debug_metadata = ARENA_ARRAY(rd->a, subgraphs.len, int);
    if (!info->subgraphs || !info->subgraph_debug_metadata) return nomem(rd);
    /* all graphs first: options name subgraphs by index, in any order */
    for (uint32_t i = 0; i < subgraphs.len; i++) {
        info->subgraphs[i] = i ? ir_graph_new(m, NULL) : m->graph;
        if (!info->subgraphs[i]) return nomem(rd);
    }
    for (uint32_t i = 0; i < subgraphs.len; i++)
        if ((st = read_subgraph(rd, &subgraphs, i, info->subgraphs[i]))) return st;
    if ((st = read_metadata(rd, &model)) || (st = read_signatures(rd, &model))) return st;

    if (rd->bad_axis_count &&
        (st = warn(rd,
                   "%d %s a quantized_dimension outside %s rank (first: '%s', rank %d, "
                   "quantized_dimension %d): TFLite refuses such a model, TFLite Micro runs it; "
                   "ferry reads a single scale per tensor and several along the tensor's "
                   "only axis",
                   rd->bad_axis_count, rd->bad_axis_count == 1 ? "tensor has" : "tensors have",
                   rd->bad_axis_count == 1 ? "its" : "their", rd->bad_axis_first,
                   rd->bad_axis_rank, rd->bad_axis_file)))
        return st;
    for (uint32_t i = 0; i < subgraphs.len; i++)
        if ((st = ir_graph_verify(info->subgraphs[i], err))) return st;
    return FY_OK;
}

fy_status tflite_read_buffer(const uint8_t *data, size_t size, struct ir_model **out,
                             struct fy_error *err)
{
    *out = NULL;
    struct ir_model *m = ir_model_new(err);
    if (!m) return FY_ENOMEM;
    m->path = "";
    fy_status st = read_all(m, data, size, err);
    if (st) {
        ir_model_free(m);
        return st;
    }
    *out = m;
    return FY_OK;
}

fy_status tflite_read_model(const char *path, struct ir_model **out, struct fy_error *err)
{
    *out = NULL;
    if (err && !err->file[0]) err_set_file(err, path);
    struct ir_model *m = ir_model_new(err);
    if (!m) return FY_ENOMEM;
    struct file_map map;
    fy_status st = file_map_read(path, &map, err);
    if (st) {
        ir_model_free(m);
        return st;
    }
    const uint8_t *data = map.data;
    size_t size = map.size;
    st = ir_model_adopt_map(m, &map, err);
    m->path = arena_strdup(&m->arena, path);
    if (!st && !m->path) st = err_fmt(err, FY_ENOMEM, "out of memory");
    if (!st) st = read_all(m, data, size, err);
    if (st) {
        ir_model_free(m);
        return st;
    }
    *out = m;
    return FY_OK;
}
