/* ONNX writer: the IR back to a ModelProto (onnx.proto field numbers).
 *
 * The emitting code below runs twice (pb_encode.h): a size pass, which also
 * decides whether big tensors must go to an external data file, and a write
 * pass. Fields are emitted in ascending field number, then the fields the
 * reader kept verbatim, so the output is canonical and deterministic: the
 * same IR gives the same bytes. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "formats/onnx/onnx.h"
#include "formats/onnx/pb_encode.h"

/* Tensors at least this big go to the data file when data is external
 * (onnx.external_data_helper's default size_threshold). */
#define EXTERNAL_MIN_BYTES 1024u
/* Offsets in the data file are aligned to pages, so a reader can map each
 * tensor on its own. */
#define EXTERNAL_ALIGN 4096u

#include "formats/onnx/onnx_fields.h"

struct writer {
    struct pb_enc e;
    struct fy_error *err;
    /* Store tensors of EXTERNAL_MIN_BYTES or more in the data file. */
    bool external;
    const char *location; /* the data file's name, relative to the model */
    uint64_t data_end;    /* bytes of the data file laid out so far */
    uint64_t n_external;  /* tensors placed in the data file */
    FILE *data;           /* write pass only */
    uint64_t data_written;
};

/* Where an error in a tensor is reported: a graph's own tensor, or the
 * value of a node's attribute. */
struct where {
    const struct ir_graph *g;
    const struct ir_node *node;
    const char *attr;
};

static fy_status tensor_error(struct writer *w, const struct where *at, const struct ir_tensor *t,
                              fy_status st, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static fy_status tensor_error(struct writer *w, const struct where *at, const struct ir_tensor *t,
                              fy_status st, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const char *tname = t->name ? t->name : "";
    if (at->node)
        err_node(w->err, st, at->node->name, at->node->op_type, "attribute '%s': tensor '%s': %s",
                 at->attr, tname, msg);
    else
        err_fmt(w->err, st, "graph '%s': initializer '%s': %s", at->g->name ? at->g->name : "",
                tname, msg);
    return pb_enc_fail(&w->e, st);
}

static void emit_extras(struct writer *w, const struct ir_extras *x)
{
    for (int i = 0; i < x->count; i++)
        pb_raw(&w->e, x->items[i].data, x->items[i].size);
}

static void emit_pairs(struct writer *w, int field, const struct ir_string_pair *p, int n)
{
    for (int i = 0; i < n; i++) {
        pb_msg_begin(&w->e, field);
        pb_string_opt(&w->e, ENTRY_KEY, p[i].key);
        pb_string_opt(&w->e, ENTRY_VALUE, p[i].value);
        pb_msg_end(&w->e);
    }
}

static fy_status emit_graph(struct writer *w, int field, const struct ir_graph *g);

/* Pads the data file to off and writes the tensor's bytes there. */
static fy_status write_external(struct writer *w, uint64_t off, const void *data, uint64_t size)
{
    static const uint8_t zeros[EXTERNAL_ALIGN];
    while (w->data_written < off) {
        uint64_t n = off - w->data_written;
        if (n > sizeof zeros) n = sizeof zeros;
        if (fwrite(zeros, 1, (size_t)n, w->data) != n) break;
        w->data_written += n;
    }
    if (w->data_written != off || fwrite(data, 1, (size_t)size, w->data) != size) {
        err_fmt(w->err, FY_EIO, "cannot write external data file '%s': %s", w->location,
                strerror(errno));
        return pb_enc_fail(&w->e, FY_EIO);
    }
    w->data_written += size;
    return FY_OK;
}

static fy_status emit_tensor(struct writer *w, int field, const struct ir_tensor *t,
                             const struct where *at)
{
    enum onnx_dtype code = onnx_dtype_from_ir(t->dtype);
    if (code == ONNX_UNDEFINED)
        return tensor_error(w, at, t, FY_EUNSUPPORTED,
                            "element type '%s' has no ONNX TensorProto.DataType",
                            ir_dtype_name(t->dtype));
    if (t->quant)
        return tensor_error(w, at, t, FY_EUNSUPPORTED,
                            "has quantization parameters, which an ONNX tensor cannot carry "
                            "(they need QuantizeLinear/DequantizeLinear nodes)");
    uint64_t numel = 0;
    if (!ir_tensor_numel(t, &numel))
        return tensor_error(w, at, t, FY_EINVALID,
                            "a constant needs a static shape; this one has rank %d%s", t->rank,
                            t->rank >= 0 ? " with a dim that is not a number" : "");
    bool is_string = t->dtype == IR_STRING;
    uint64_t want = 0;
    if (is_string) {
        if (t->n_strings != numel || (numel && !t->strings))
            return tensor_error(w, at, t, FY_EINVALID,
                                "holds %" PRIu64 " strings; its shape has %" PRIu64 " elements",
                                t->n_strings, numel);
    } else {
        if (!ir_dtype_nbytes(t->dtype, numel, &want) || t->nbytes != want || (want && !t->data))
            return tensor_error(w, at, t, FY_EINVALID,
                                "holds %" PRIu64 " bytes of data; %" PRIu64
                                " elements of %s need %" PRIu64,
                                t->data ? t->nbytes : 0, numel, ir_dtype_name(t->dtype), want);
    }
    bool external = w->external && !is_string && t->nbytes >= EXTERNAL_MIN_BYTES;
    uint64_t off = 0;
    if (external) {
        off = (w->data_end + EXTERNAL_ALIGN - 1) / EXTERNAL_ALIGN * EXTERNAL_ALIGN;
        w->data_end = off + t->nbytes;
        w->n_external++;
    }

    struct pb_enc *e = &w->e;
    pb_msg_begin(e, field);
    if (t->rank > 0) {
        uint64_t len = 0;
        for (int i = 0; i < t->rank; i++)
            len += (uint64_t)pb_varint_size((uint64_t)t->dims[i].value);
        pb_packed_begin(e, TENSOR_DIMS, len);
        for (int i = 0; i < t->rank; i++)
            pb_packed_varint(e, (uint64_t)t->dims[i].value);
    }
    pb_varint(e, TENSOR_DATA_TYPE, (uint64_t)code);
    if (is_string)
        for (uint64_t i = 0; i < t->n_strings; i++)
            pb_bytes(e, TENSOR_STRING_DATA, t->strings[i].data, t->strings[i].size);
    pb_string_opt(e, TENSOR_NAME, t->name);
    /* raw_data is written even when empty: it says which encoding holds the
     * (zero) elements, as numpy_helper.from_array does. */
    if (!is_string && !external) pb_bytes(e, TENSOR_RAW_DATA, t->data, t->nbytes);
    pb_string_opt(e, TENSOR_DOC, t->doc);
    if (external) {
        /* onnx.external_data_helper writes location, offset, length. */
        char num[32];
        struct ir_string_pair kv[3] = {
            {"location", w->location}, {"offset", NULL}, {"length", NULL}};
        char len[32];
        snprintf(num, sizeof num, "%" PRIu64, off);
        snprintf(len, sizeof len, "%" PRIu64, t->nbytes);
        kv[1].value = num;
        kv[2].value = len;
        emit_pairs(w, TENSOR_EXTERNAL_DATA, kv, 3);
        pb_varint(e, TENSOR_DATA_LOCATION, DATA_LOCATION_EXTERNAL);
        if (e->mode == PB_WRITE && !e->st) write_external(w, off, t->data, t->nbytes);
    }
    emit_extras(w, &t->extras);
    pb_msg_end(e);
    return pb_enc_status(e);
}

static fy_status emit_value_info(struct writer *w, int field, const struct ir_tensor *t)
{
    struct pb_enc *e = &w->e;
    pb_msg_begin(e, field);
    pb_string(e, VI_NAME, t->name);
    if (t->opaque_type.size) {
        pb_bytes(e, VI_TYPE, t->opaque_type.data, t->opaque_type.size);
    } else if (t->has_type) {
        enum onnx_dtype code = onnx_dtype_from_ir(t->dtype);
        if (code == ONNX_UNDEFINED && t->dtype != IR_UNDEFINED) {
            err_fmt(w->err, FY_EUNSUPPORTED,
                    "graph '%s': tensor '%s': element type '%s' has no ONNX "
                    "TensorProto.DataType",
                    t->graph && t->graph->name ? t->graph->name : "", t->name,
                    ir_dtype_name(t->dtype));
            return pb_enc_fail(e, FY_EUNSUPPORTED);
        }
        pb_msg_begin(e, VI_TYPE);
        pb_msg_begin(e, TYPE_TENSOR);
        if (code != ONNX_UNDEFINED) pb_varint(e, TTENSOR_ELEM_TYPE, (uint64_t)code);
        /* No shape field is an unknown rank; an empty shape is a scalar. */
        if (t->rank >= 0) {
            pb_msg_begin(e, TTENSOR_SHAPE);
            for (int i = 0; i < t->rank; i++) {
                pb_msg_begin(e, SHAPE_DIM);
                if (t->dims[i].value >= 0)
                    pb_int64(e, DIM_VALUE, t->dims[i].value);
                else if (t->dims[i].param)
                    pb_string(e, DIM_PARAM, t->dims[i].param);
                pb_msg_end(e);
            }
            pb_msg_end(e);
        }
        pb_msg_end(e);
        pb_msg_end(e);
    }
    pb_string_opt(e, VI_DOC, t->doc);
    emit_extras(w, &t->type_extras);
    pb_msg_end(e);
    return pb_enc_status(e);
}

static fy_status attr_error(struct writer *w, const struct ir_node *n, const struct ir_attr *at,
                            const char *what)
{
    err_node(w->err, FY_EINVALID, n->name, n->op_type, "attribute '%s' (%s): %s",
             at->name ? at->name : "", ir_attr_type_name(at->type), what);
    return pb_enc_fail(&w->e, FY_EINVALID);
}

static fy_status emit_attr(struct writer *w, const struct ir_node *n, const struct ir_attr *at)
{
    struct pb_enc *e = &w->e;
    int64_t code = onnx_attr_type_from_ir(at->type);
    if (code == 0) return attr_error(w, n, at, "has no value type");
    bool is_list = at->type >= IR_ATTR_FLOATS;
    if (is_list && at->count < 0) return attr_error(w, n, at, "has a negative element count");
    if (is_list && at->count > 0 && !at->v.ints) return attr_error(w, n, at, "has no values");
    uint64_t count = is_list ? (uint64_t)at->count : 1;
    /* Inside a function body, an attribute that refers to the caller's has
     * no value of its own; elsewhere a zero value is still written, so the
     * file states it. */
    bool ref = at->ref_attr_name && at->ref_attr_name[0];
    struct where wh = {n->graph, n, at->name ? at->name : ""};

    pb_msg_begin(e, NODE_ATTRIBUTE);
    pb_string(e, ATTR_NAME, at->name);
    switch (at->type) {
    case IR_ATTR_FLOAT: {
        uint32_t bits;
        memcpy(&bits, &at->v.f, sizeof bits);
        if (!ref || bits) pb_fixed32(e, ATTR_F, bits);
        break;
    }
    case IR_ATTR_INT:
        if (!ref || at->v.i) pb_int64(e, ATTR_I, at->v.i);
        break;
    case IR_ATTR_STRING:
        if (!ref || at->v.s.size) pb_bytes(e, ATTR_S, at->v.s.data, at->v.s.size);
        break;
    case IR_ATTR_TENSOR:
        if (!at->v.t) return attr_error(w, n, at, "has no tensor");
        emit_tensor(w, ATTR_T, at->v.t, &wh);
        break;
    case IR_ATTR_GRAPH:
        if (!at->v.g) return attr_error(w, n, at, "has no graph");
        emit_graph(w, ATTR_G, at->v.g);
        break;
    case IR_ATTR_FLOATS:
        pb_packed_float(e, ATTR_FLOATS, at->v.floats, count);
        break;
    case IR_ATTR_INTS:
        pb_packed_int64(e, ATTR_INTS, at->v.ints, count);
        break;
    case IR_ATTR_STRINGS:
        for (uint64_t i = 0; i < count; i++)
            pb_bytes(e, ATTR_STRINGS, at->v.strings[i].data, at->v.strings[i].size);
        break;
    case IR_ATTR_TENSORS:
        for (uint64_t i = 0; i < count && !e->st; i++) {
            if (!at->v.tensors[i]) return attr_error(w, n, at, "has a missing tensor");
            emit_tensor(w, ATTR_TENSORS, at->v.tensors[i], &wh);
        }
        break;
    case IR_ATTR_GRAPHS:
        for (uint64_t i = 0; i < count && !e->st; i++) {
            if (!at->v.graphs[i]) return attr_error(w, n, at, "has a missing graph");
            emit_graph(w, ATTR_GRAPHS, at->v.graphs[i]);
        }
        break;
    default:
        break;
    }
    pb_string_opt(e, ATTR_DOC, at->doc);
    if (at->type == IR_ATTR_TYPE_PROTO) pb_bytes(e, ATTR_TP, at->v.raw.data, at->v.raw.size);
    if (at->type == IR_ATTR_TYPE_PROTOS)
        for (uint64_t i = 0; i < count; i++)
            pb_bytes(e, ATTR_TYPE_PROTOS, at->v.raws[i].data, at->v.raws[i].size);
    /* type is always written: with it an empty list still says what it is. */
    pb_varint(e, ATTR_TYPE, (uint64_t)code);
    pb_string_opt(e, ATTR_REF_ATTR_NAME, at->ref_attr_name);
    if (at->type == IR_ATTR_SPARSE_TENSOR)
        pb_bytes(e, ATTR_SPARSE_TENSOR, at->v.raw.data, at->v.raw.size);
    if (at->type == IR_ATTR_SPARSE_TENSORS)
        for (uint64_t i = 0; i < count; i++)
            pb_bytes(e, ATTR_SPARSE_TENSORS, at->v.raws[i].data, at->v.raws[i].size);
    emit_extras(w, &at->extras);
    pb_msg_end(e);
    return pb_enc_status(e);
}

static void emit_tensor_name(struct pb_enc *e, int field, const struct ir_tensor *t)
{
    /* An optional input or output left out is an empty name. */
    pb_string(e, field, t ? t->name : "");
}

static fy_status emit_node(struct writer *w, const struct ir_node *n)
{
    struct pb_enc *e = &w->e;
    pb_msg_begin(e, GRAPH_NODE);
    for (int i = 0; i < n->n_inputs; i++)
        emit_tensor_name(e, NODE_INPUT, n->inputs[i]);
    for (int i = 0; i < n->n_outputs; i++)
        emit_tensor_name(e, NODE_OUTPUT, n->outputs[i]);
    pb_string_opt(e, NODE_NAME, n->name);
    pb_string(e, NODE_OP_TYPE, n->op_type ? n->op_type : ir_op_name(n->op));
    for (int i = 0; i < n->n_attrs && !e->st; i++)
        emit_attr(w, n, &n->attrs[i]);
    pb_string_opt(e, NODE_DOC, n->doc);
    pb_string_opt(e, NODE_DOMAIN, n->domain);
    pb_string_opt(e, NODE_OVERLOAD, n->overload);
    emit_extras(w, &n->extras);
    pb_msg_end(e);
    return pb_enc_status(e);
}

/* Marks of a graph's tensors, by tensor id. */
enum {
    MARK_INITIALIZER = 1,
    MARK_IO = 2,
};

static fy_status emit_graph(struct writer *w, int field, const struct ir_graph *g)
{
    struct pb_enc *e = &w->e;
    uint8_t *mark = calloc((size_t)g->n_tensors + 1, 1);
    if (!mark) {
        err_fmt(w->err, FY_ENOMEM, "out of memory");
        return pb_enc_fail(e, FY_ENOMEM);
    }
    for (int i = 0; i < g->n_initializers; i++)
        if (g->initializers[i]->graph == g) mark[g->initializers[i]->id] |= MARK_INITIALIZER;
    for (int i = 0; i < g->n_inputs; i++)
        if (g->inputs[i]->graph == g) mark[g->inputs[i]->id] |= MARK_IO;
    for (int i = 0; i < g->n_outputs; i++)
        if (g->outputs[i]->graph == g) mark[g->outputs[i]->id] |= MARK_IO;

    pb_msg_begin(e, field);
    for (int i = 0; i < g->n_nodes && !e->st; i++)
        emit_node(w, g->nodes[i]);
    pb_string_opt(e, GRAPH_NAME, g->name);
    struct where wh = {g, NULL, NULL};
    for (int i = 0; i < g->n_initializers && !e->st; i++)
        emit_tensor(w, GRAPH_INITIALIZER, g->initializers[i], &wh);
    /* Constants a pass added without listing them follow, in id order. */
    for (int i = 0; i < g->n_tensors && !e->st; i++) {
        const struct ir_tensor *t = g->tensors[i];
        if (t->kind == IR_TENSOR_CONST && !(mark[i] & MARK_INITIALIZER))
            emit_tensor(w, GRAPH_INITIALIZER, t, &wh);
    }
    pb_string_opt(e, GRAPH_DOC, g->doc);
    for (int i = 0; i < g->n_inputs && !e->st; i++)
        emit_value_info(w, GRAPH_INPUT, g->inputs[i]);
    for (int i = 0; i < g->n_outputs && !e->st; i++)
        emit_value_info(w, GRAPH_OUTPUT, g->outputs[i]);
    for (int i = 0; i < g->n_tensors && !e->st; i++) {
        const struct ir_tensor *t = g->tensors[i];
        if (t->in_value_info && !(mark[i] & MARK_IO)) emit_value_info(w, GRAPH_VALUE_INFO, t);
    }
    emit_pairs(w, GRAPH_METADATA, g->metadata, g->n_metadata);
    emit_extras(w, &g->extras);
    pb_msg_end(e);
    free(mark);
    return pb_enc_status(e);
}

static fy_status emit_model(struct writer *w, const struct ir_model *m)
{
    struct pb_enc *e = &w->e;
    w->data_end = 0;
    w->n_external = 0;
    w->data_written = 0;
    pb_int64(e, MODEL_IR_VERSION, m->ir_version);
    pb_string_opt(e, MODEL_PRODUCER_NAME, m->producer_name);
    pb_string_opt(e, MODEL_PRODUCER_VERSION, m->producer_version);
    pb_string_opt(e, MODEL_DOMAIN, m->domain);
    if (m->model_version) pb_int64(e, MODEL_MODEL_VERSION, m->model_version);
    pb_string_opt(e, MODEL_DOC, m->doc);
    if (!m->graph) {
        err_fmt(w->err, FY_EINVALID, "the model has no graph");
        return pb_enc_fail(e, FY_EINVALID);
    }
    emit_graph(w, MODEL_GRAPH, m->graph);
    for (int i = 0; i < m->n_opsets; i++) {
        pb_msg_begin(e, MODEL_OPSET_IMPORT);
        pb_string_opt(e, OPSET_DOMAIN, m->opsets[i].domain);
        pb_int64(e, OPSET_VERSION, m->opsets[i].version);
        pb_msg_end(e);
    }
    emit_pairs(w, MODEL_METADATA, m->metadata, m->n_metadata);
    emit_extras(w, &m->extras);
    return pb_enc_status(e);
}

/* Lays the model out (size pass), choosing inline or external data by
 * policy and size. On success e holds the sizes for the write pass. */
static fy_status plan(struct writer *w, const struct ir_model *m, enum onnx_external_policy policy,
                      uint64_t limit)
{
    pb_enc_restart_size(&w->e);
    w->external = policy == ONNX_EXTERNAL_ALWAYS;
    fy_status st = emit_model(w, m);
    if (st) return st;
    if (w->e.pos <= limit) return FY_OK;
    if (policy == ONNX_EXTERNAL_NEVER)
        return err_fmt(w->err, FY_EUNSUPPORTED,
                       "the model would be %" PRIu64 " bytes, over protobuf's limit of %" PRIu64
                       " for one message; write it with external data",
                       w->e.pos, limit);
    uint64_t inline_size = w->e.pos;
    if (!w->external) {
        pb_enc_restart_size(&w->e);
        w->external = true;
        st = emit_model(w, m);
        if (st) return st;
    }
    if (w->e.pos > limit)
        return err_fmt(w->err, FY_EUNSUPPORTED,
                       "the model would be %" PRIu64 " bytes (%" PRIu64
                       " with every tensor inline), over protobuf's limit of %" PRIu64
                       " even with tensors of %u bytes or more in external data",
                       w->e.pos, inline_size, limit, EXTERNAL_MIN_BYTES);
    return FY_OK;
}

fy_status onnx_write_model_limit(const struct ir_model *m, const char *path,
                                 enum onnx_external_policy policy, uint64_t limit,
                                 const char *const *inputs, int n_inputs, struct fy_error *err)
{
    if (!m || !path || !path[0] || n_inputs < 0)
        return err_fmt(err, FY_EUSAGE, "onnx_write_model needs a model and an output path");
    /* The model's own file is an input even when the caller forgot it. */
    const char **keep = malloc(((size_t)n_inputs + 1) * sizeof *keep);
    char *data_path = malloc(strlen(path) + sizeof ".data");
    struct writer w;
    memset(&w, 0, sizeof w);
    pb_enc_init(&w.e, err);
    w.err = err;
    struct atomic_file model_file, data_file;
    memset(&model_file, 0, sizeof model_file);
    memset(&data_file, 0, sizeof data_file);
    fy_status st = FY_OK;
    if (!keep || !data_path) {
        st = err_fmt(err, FY_ENOMEM, "out of memory");
        goto done;
    }
    int n_keep = 0;
    for (int i = 0; i < n_inputs; i++)
        keep[n_keep++] = inputs[i];
    if (m->path) keep[n_keep++] = m->path;
    strcpy(data_path, path);
    strcat(data_path, ".data");
    const char *slash = strrchr(data_path, '/');
    w.location = slash ? slash + 1 : data_path;

    st = plan(&w, m, policy, limit);
    if (st) goto done;
    st = atomic_file_open(&model_file, path, keep, n_keep, err);
    if (st) goto done;
    if (w.n_external) {
        st = atomic_file_open(&data_file, data_path, keep, n_keep, err);
        if (st) goto done;
        w.data = data_file.f;
    }
    st = pb_enc_start_write(&w.e, model_file.f);
    if (!st) st = emit_model(&w, m);
    if (!st) st = pb_enc_finish(&w.e);
    if (st) goto done;
    /* The data file goes first: a model in place always finds its data. */
    if (w.n_external) {
        st = atomic_file_commit(&data_file, err);
        if (st) goto done;
    }
    st = atomic_file_commit(&model_file, err);
    if (st && w.n_external) unlink(data_path);

done:
    atomic_file_abort(&data_file);
    atomic_file_abort(&model_file);
    pb_enc_free(&w.e);
    free(data_path);
    free(keep);
    return st;
}

fy_status onnx_write_model(const struct ir_model *m, const char *path,
                           enum onnx_external_policy policy, const char *const *inputs,
                           int n_inputs, struct fy_error *err)
{
    return onnx_write_model_limit(m, path, policy, PB_MAX_MESSAGE, inputs, n_inputs, err);
}
