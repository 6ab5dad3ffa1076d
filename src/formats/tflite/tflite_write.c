/* TFLite writer: the IR back to a tflite.Model FlatBuffer.
 *
 * It follows the IR conventions written at the top of tflite_ops.c, the same
 * ones the reader produces, and takes every options field from that file's
 * table, so one generic routine writes the options of every builtin.
 *
 * The writing runs in three steps:
 *   1. plan: every node gets its OperatorCode, every constant its Buffer,
 *      and everything the file cannot hold is refused here, naming the node
 *      or tensor, before a byte is built;
 *   2. build (flatbuf_build.h): leaves first, so the file reads front to
 *      back as Model, metadata, operator codes, subgraphs, buffers. Tensor
 *      data is not copied: the builder streams it from the model's mapping;
 *   3. output through core/file.h: a temporary file beside the target,
 *      renamed over it when complete, never over an input.
 *
 * A model whose FlatBuffer would pass 2 GB is written as TFLite's converter
 * writes one: constant buffers after the FlatBuffer, each 16-byte aligned,
 * named by Buffer.offset/size (from the file's start), and the metadata
 * "buffer_location" = "outside flatbuffers" that tells tools so. A model read
 * in that form (it carries the metadata) is written in it again.
 *
 * The same IR gives the same bytes: the builder is deterministic and every
 * list is written in IR order. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/file.h"
#include "formats/tflite/flatbuf_build.h"
#include "formats/tflite/tflite.h"
#include "formats/tflite/tflite_write.h"

/* Field ids (schema.fbs: declaration order, deprecated fields counted, a
 * union taking two: its type, then its value). */
enum {
    MODEL_VERSION = 0,
    MODEL_OPERATOR_CODES = 1,
    MODEL_SUBGRAPHS = 2,
    MODEL_DESCRIPTION = 3,
    MODEL_BUFFERS = 4,
    MODEL_METADATA_BUFFER = 5,
    MODEL_METADATA = 6,
    MODEL_SIGNATURE_DEFS = 7,
};
enum {
    SUBGRAPH_TENSORS = 0,
    SUBGRAPH_INPUTS = 1,
    SUBGRAPH_OUTPUTS = 2,
    SUBGRAPH_OPERATORS = 3,
    SUBGRAPH_NAME = 4,
    SUBGRAPH_DEBUG_METADATA = 5,
};
enum {
    TENSOR_SHAPE = 0,
    TENSOR_TYPE = 1,
    TENSOR_BUFFER = 2,
    TENSOR_NAME = 3,
    TENSOR_QUANTIZATION = 4,
    TENSOR_IS_VARIABLE = 5,
    TENSOR_SHAPE_SIGNATURE = 7,
    TENSOR_HAS_RANK = 8,
};
enum {
    QUANT_MIN = 0,
    QUANT_MAX = 1,
    QUANT_SCALE = 2,
    QUANT_ZERO_POINT = 3,
    QUANT_DIMENSION = 6,
};
enum {
    OPERATOR_OPCODE_INDEX = 0,
    OPERATOR_INPUTS = 1,
    OPERATOR_OUTPUTS = 2,
    OPERATOR_OPTIONS_TYPE = 3,
    OPERATOR_OPTIONS = 4,
    OPERATOR_CUSTOM_OPTIONS = 5,
    OPERATOR_CUSTOM_OPTIONS_FORMAT = 6,
    OPERATOR_MUTATING_VARIABLE_INPUTS = 7,
    OPERATOR_INTERMEDIATES = 8,
    OPERATOR_OPTIONS2_TYPE = 11,
    OPERATOR_OPTIONS2 = 12,
    OPERATOR_DEBUG_METADATA = 13,
};
enum {
    OPCODE_DEPRECATED_BUILTIN_CODE = 0,
    OPCODE_CUSTOM_CODE = 1,
    OPCODE_VERSION = 2,
    OPCODE_BUILTIN_CODE = 3,
};
enum {
    BUFFER_DATA = 0,
    BUFFER_OFFSET = 1,
    BUFFER_SIZE = 2,
};
enum {
    METADATA_NAME = 0,
    METADATA_BUFFER = 1,
};
enum {
    TENSORMAP_NAME = 0,
    TENSORMAP_TENSOR_INDEX = 1,
};
enum {
    SIGNATURE_INPUTS = 0,
    SIGNATURE_OUTPUTS = 1,
    SIGNATURE_KEY = 2,
    SIGNATURE_SUBGRAPH_INDEX = 4,
};

/* Buffer.data is declared force_align: 16; appended buffers keep it. */
#define BUFFER_ALIGN 16
/* TFLite's converter marks a model whose buffers follow the FlatBuffer. */
#define LOCATION_NAME "buffer_location"
#define LOCATION_VALUE "outside flatbuffers"
/* Any offset > 1 keeps Buffer.offset present while the real ones are unknown. */
#define OFFSET_PLACEHOLDER 2

struct opcode {
    int code;
    const char *custom; /* custom_code, or NULL */
    int version;
};

struct wbuf {
    const void *data;
    uint64_t size;
    bool outside; /* appended after the FlatBuffer (offset form) */
    uint64_t offset;
};

/* What a node's opcode resolution found. */
struct node_plan {
    int opcode;               /* index into codes */
    const struct tfl_op *row; /* the builtin's row; NULL for codes newer than the table */
};

struct tw {
    struct fbb_builder b;
    struct fy_error *err;
    struct arena a; /* the writer's scratch, released at the end */
    const struct ir_model *m;
    const struct ir_tflite_info *info; /* may be NULL */

    struct ir_graph *const *graphs;
    int n_graphs;
    struct ir_graph *main_graph[1];

    struct opcode *codes;
    int n_codes, cap_codes;
    struct node_plan **nodes; /* per graph, per node */

    struct wbuf *bufs;
    int n_bufs, cap_bufs;
    uint32_t **tensor_buf;          /* per graph, per tensor: buffer index, 0 for none */
    uint32_t *metadata_buf;         /* per info->metadata */
    uint32_t *metadata_buffers_buf; /* per info->metadata_buffers */
    uint32_t location_buf;          /* buffer of an added buffer_location metadata, or 0 */

    bool offset_form;
    bool add_location; /* the offset form, without the metadata saying so */
};

/* ---- errors ---- */

static const char *graph_label(const struct tw *w, int gi, char *buf, size_t cap)
{
    const struct ir_graph *g = w->graphs[gi];
    if (g->name && g->name[0])
        snprintf(buf, cap, "subgraph %d ('%s')", gi, g->name);
    else
        snprintf(buf, cap, "subgraph %d", gi);
    return buf;
}

static fy_status tensor_error(struct tw *w, int gi, const struct ir_tensor *t, fy_status st,
                              const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static fy_status tensor_error(struct tw *w, int gi, const struct ir_tensor *t, fy_status st,
                              const char *fmt, ...)
{
    char msg[512], where[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return err_fmt(w->err, st, "%s: tensor '%s': %s", graph_label(w, gi, where, sizeof where),
                   t->name ? t->name : "", msg);
}

static fy_status node_error(struct tw *w, const struct ir_node *n, fy_status st, const char *fmt,
                            ...) __attribute__((format(printf, 4, 5)));

static fy_status node_error(struct tw *w, const struct ir_node *n, fy_status st, const char *fmt,
                            ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vfmt(w->err, st, -1, n->name, n->op_type ? n->op_type : ir_op_name(n->op), fmt, ap);
    va_end(ap);
    return st;
}

static fy_status nomem(struct tw *w)
{
    return err_fmt(w->err, FY_ENOMEM, "out of memory while writing the TFLite model");
}

/* ---- plan ---- */

static int add_buffer(struct tw *w, const void *data, uint64_t size, bool constant)
{
    if (arena_grow(&w->a, (void **)&w->bufs, &w->cap_bufs, w->n_bufs + 1, sizeof *w->bufs))
        return -1;
    w->bufs[w->n_bufs] = (struct wbuf){data, size, constant && w->offset_form, 0};
    return w->n_bufs++;
}

/* Index of the tensor in its subgraph's list, or -1 when it is not one of
 * graph gi's own tensors. */
static int tensor_index(const struct tw *w, int gi, const struct ir_tensor *t)
{
    const struct ir_graph *g = w->graphs[gi];
    if (!t || t->graph != g || t->id < 0 || t->id >= g->n_tensors || g->tensors[t->id] != t)
        return -1;
    return t->id;
}

/* TFLite's string buffer: the count, count + 1 offsets from the buffer's
 * start (the last one its end), then the bytes; int32, little-endian. */
static fy_status encode_strings(struct tw *w, int gi, const struct ir_tensor *t, const void **data,
                                uint64_t *size)
{
    uint64_t bytes = 4 * (t->n_strings + 2);
    for (uint64_t i = 0; i < t->n_strings; i++)
        bytes += t->strings[i].size;
    if (bytes > INT32_MAX)
        return tensor_error(w, gi, t, FY_EUNSUPPORTED,
                            "its strings take %" PRIu64 " bytes; a TFLite string buffer holds at "
                            "most 2 GB (int32 offsets)",
                            bytes);
    uint8_t *p = arena_alloc(&w->a, (size_t)bytes, 4);
    if (!p) return nomem(w);
    uint32_t off = (uint32_t)(4 * (t->n_strings + 2));
    uint8_t *h = p;
    uint32_t v = (uint32_t)t->n_strings;
    for (int k = 0; k < 4; k++)
        h[k] = (uint8_t)(v >> (8 * k));
    h += 4;
    for (uint64_t i = 0; i <= t->n_strings; i++) {
        for (int k = 0; k < 4; k++)
            h[k] = (uint8_t)(off >> (8 * k));
        h += 4;
        if (i < t->n_strings) {
            if (t->strings[i].size) memcpy(p + off, t->strings[i].data, t->strings[i].size);
            off += (uint32_t)t->strings[i].size;
        }
    }
    *data = p;
    *size = bytes;
    return FY_OK;
}

static fy_status plan_tensor(struct tw *w, int gi, const struct ir_tensor *t)
{
    if (t->kind == IR_TENSOR_OUTER)
        return tensor_error(w, gi, t, FY_EUNSUPPORTED,
                            "reads a value of an enclosing graph; TFLite subgraphs have no "
                            "enclosing graphs (their values pass through IF/WHILE operands)");
    if (t->opaque_type.size)
        return tensor_error(w, gi, t, FY_EUNSUPPORTED,
                            "has a type the IR keeps opaque (sequence, map, optional); a TFLite "
                            "tensor needs an element type");
    if (tfl_dtype_from_ir(t->dtype) < 0)
        return tensor_error(w, gi, t, FY_EUNSUPPORTED, "element type '%s' has no TFLite TensorType",
                            ir_dtype_name(t->dtype));
    for (int i = 0; i < t->rank; i++)
        if (t->dims[i].value > INT32_MAX)
            return tensor_error(w, gi, t, FY_EUNSUPPORTED,
                                "dim %d is %" PRId64 "; TFLite shapes are int32", i,
                                t->dims[i].value);
    if (t->has_shape_signature && t->signature_rank != t->rank)
        return tensor_error(w, gi, t, FY_EINVALID, "shape_signature has %d dims; the shape has %d",
                            t->signature_rank, t->rank);
    if (t->quant) {
        const struct ir_quant *q = t->quant;
        if (q->count < 0 || (q->count && (!q->scale || !q->zero_point)))
            return tensor_error(w, gi, t, FY_EINVALID,
                                "quantization lists %d scales without their values", q->count);
        if (q->range_count > 1 && (!q->range_min || !q->range_max))
            return tensor_error(w, gi, t, FY_EINVALID,
                                "quantization lists %d min/max pairs without their values",
                                q->range_count);
        if (q->axis >= 0 && (q->axis >= t->rank || q->count != t->dims[q->axis].value))
            return tensor_error(
                w, gi, t, FY_EINVALID,
                "quantization has %d scales along axis %d; the shape gives %s %" PRId64, q->count,
                q->axis, q->axis < t->rank ? "that axis" : "no axis",
                q->axis < t->rank ? t->dims[q->axis].value : 0);
    }

    bool has_data = t->kind == IR_TENSOR_CONST || (t->is_variable && (t->data || t->n_strings));
    if (!has_data) return FY_OK;
    const void *data = t->data;
    uint64_t size = t->nbytes;
    uint64_t numel = 0;
    if (!ir_tensor_numel(t, &numel))
        return tensor_error(w, gi, t, FY_EINVALID,
                            "a constant needs a static shape; this one has rank %d%s", t->rank,
                            t->rank >= 0 ? " with a dim that is not a number" : "");
    if (t->dtype == IR_STRING) {
        if (t->n_strings != numel || (numel && !t->strings))
            return tensor_error(w, gi, t, FY_EINVALID,
                                "holds %" PRIu64 " strings; its shape has %" PRIu64 " elements",
                                t->n_strings, numel);
        fy_status st = encode_strings(w, gi, t, &data, &size);
        if (st) return st;
    } else {
        uint64_t want = 0;
        if (!ir_dtype_nbytes(t->dtype, numel, &want) || t->nbytes != want || (want && !t->data))
            return tensor_error(w, gi, t, FY_EINVALID,
                                "holds %" PRIu64 " bytes of data; %" PRIu64
                                " elements of %s need %" PRIu64,
                                t->data ? t->nbytes : 0, numel, ir_dtype_name(t->dtype), want);
    }
    int bi = add_buffer(w, data, size, true);
    if (bi < 0) return nomem(w);
    w->tensor_buf[gi][t->id] = (uint32_t)bi;
    return FY_OK;
}

/* Parses "BUILTIN_<code>", the reader's name for a code newer than the table. */
static bool builtin_number(const char *s, int *code)
{
    static const char prefix[] = "BUILTIN_";
    if (strncmp(s, prefix, sizeof prefix - 1) != 0) return false;
    s += sizeof prefix - 1;
    if (!*s) return false;
    long v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > INT32_MAX / 10) return false;
        v = v * 10 + (*s - '0');
    }
    *code = (int)v;
    return true;
}

static const char *attr_string(struct tw *w, const struct ir_node *n, const char *name)
{
    const struct ir_attr *at = ir_node_attr(n, name);
    if (!at || at->type != IR_ATTR_STRING) return NULL;
    return arena_strndup(&w->a, (const char *)at->v.s.data, at->v.s.size);
}

static fy_status plan_node(struct tw *w, int gi, int ni, int *n_foreign,
                           const struct ir_node **first_foreign)
{
    const struct ir_node *n = w->graphs[gi]->nodes[ni];
    struct node_plan *p = &w->nodes[gi][ni];
    int code = -1;
    const char *custom = NULL;
    const struct tfl_op *row = NULL;
    if (n->op != IR_OP_OPAQUE) {
        row = tfl_op_by_ir(n->op);
        if (!row) {
            /* ONNX-semantic ops: counted, the first one named. */
            if (!*first_foreign) *first_foreign = n;
            ++*n_foreign;
            return FY_OK;
        }
        code = row->code;
    } else {
        const char *type = n->op_type ? n->op_type : "";
        bool tflite_domain = !n->domain || !n->domain[0];
        if (tflite_domain && !strncmp(type, "CUSTOM:", 7)) {
            code = TFL_CODE_CUSTOM;
            row = tfl_op_by_code(code);
            custom = type + 7;
        } else if (tflite_domain && (row = tfl_op_by_name(type)) != NULL) {
            code = row->code;
        } else if (tflite_domain && builtin_number(type, &code)) {
            row = tfl_op_by_code(code); /* NULL: newer than the table */
        } else {
            if (!*first_foreign) *first_foreign = n;
            ++*n_foreign;
            return FY_OK;
        }
    }
    if (code != TFL_CODE_CUSTOM) {
        /* A builtin that also names a custom code (the file had one): kept. */
        if (ir_node_attr(n, TFL_ATTR_CUSTOM_CODE)) {
            custom = attr_string(w, n, TFL_ATTR_CUSTOM_CODE);
            if (!custom)
                return node_error(w, n, FY_EINVALID, "attribute '%s' must be a STRING",
                                  TFL_ATTR_CUSTOM_CODE);
        }
    }
    int version = n->version > 0 ? n->version : 1;
    int k = 0;
    for (; k < w->n_codes; k++) {
        const struct opcode *c = &w->codes[k];
        bool same_custom =
            (!c->custom && !custom) || (c->custom && custom && !strcmp(c->custom, custom));
        if (c->code == code && c->version == version && same_custom) break;
    }
    if (k == w->n_codes) {
        if (arena_grow(&w->a, (void **)&w->codes, &w->cap_codes, w->n_codes + 1, sizeof *w->codes))
            return nomem(w);
        w->codes[w->n_codes++] = (struct opcode){code, custom, version};
    }
    p->opcode = k;
    p->row = row;

    for (int i = 0; i < n->n_inputs; i++)
        if (n->inputs[i] && tensor_index(w, gi, n->inputs[i]) < 0)
            return node_error(w, n, FY_EINVALID,
                              "input %d '%s' is not a tensor of the operator's own subgraph", i,
                              n->inputs[i]->name ? n->inputs[i]->name : "");
    for (int i = 0; i < n->n_outputs; i++)
        if (n->outputs[i] && tensor_index(w, gi, n->outputs[i]) < 0)
            return node_error(w, n, FY_EINVALID,
                              "output %d '%s' is not a tensor of the operator's own subgraph", i,
                              n->outputs[i]->name ? n->outputs[i]->name : "");
    return FY_OK;
}

/* TFLite runs operators in the order the subgraph lists them, so each must
 * come after the producers of what it reads. The IR keeps file order, and a
 * pass that breaks it has a bug the file must not inherit. */
static fy_status check_order(struct tw *w, int gi)
{
    const struct ir_graph *g = w->graphs[gi];
    bool *made = ARENA_ARRAY(&w->a, g->n_tensors + 1, bool);
    if (!made) return nomem(w);
    for (int i = 0; i < g->n_nodes; i++) {
        const struct ir_node *n = g->nodes[i];
        for (int j = 0; j < n->n_inputs; j++) {
            const struct ir_tensor *t = n->inputs[j];
            if (t && t->producer && t->producer != n && !made[t->id])
                return node_error(w, n, FY_EINVALID,
                                  "reads '%s' before node '%s' makes it; TFLite runs operators "
                                  "in the order the subgraph lists them",
                                  t->name, t->producer->name ? t->producer->name : "");
        }
        for (int j = 0; j < n->n_outputs; j++)
            if (n->outputs[j]) made[n->outputs[j]->id] = true;
    }
    return FY_OK;
}

static bool is_location_metadata(const struct ir_tflite_metadata *md)
{
    return md->name && !strcmp(md->name, LOCATION_NAME) &&
           md->data.size == sizeof LOCATION_VALUE - 1 &&
           !memcmp(md->data.data, LOCATION_VALUE, sizeof LOCATION_VALUE - 1);
}

/* A metadata buffer: metadata and metadata_buffer entries that name the same
 * bytes (the reader borrows both from one buffer) share one buffer again. */
static int metadata_buffer(struct tw *w, struct ir_bytes data, int first_meta)
{
    for (int i = first_meta; i < w->n_bufs; i++)
        if (w->bufs[i].data == data.data && w->bufs[i].size == data.size) return i;
    return add_buffer(w, data.data, data.size, false);
}

static fy_status plan(struct tw *w)
{
    const struct ir_model *m = w->m;
    if (!m->graph) return err_fmt(w->err, FY_EINVALID, "the model has no graph");
    w->info = m->tflite;
    if (w->info && w->info->n_subgraphs > 0) {
        if (w->info->subgraphs[0] != m->graph)
            return err_fmt(w->err, FY_EINVALID,
                           "the model's TFLite subgraph 0 is not its main graph");
        w->graphs = w->info->subgraphs;
        w->n_graphs = w->info->n_subgraphs;
    } else {
        w->main_graph[0] = m->graph;
        w->graphs = w->main_graph;
        w->n_graphs = 1;
    }
    w->tensor_buf = ARENA_ARRAY(&w->a, w->n_graphs, uint32_t *);
    w->nodes = ARENA_ARRAY(&w->a, w->n_graphs, struct node_plan *);
    if (!w->tensor_buf || !w->nodes) return nomem(w);
    w->n_bufs = 0;
    if (add_buffer(w, NULL, 0, false) < 0) return nomem(w); /* buffer 0: the empty sentinel */

    int n_foreign = 0;
    const struct ir_node *first_foreign = NULL;
    for (int gi = 0; gi < w->n_graphs; gi++) {
        const struct ir_graph *g = w->graphs[gi];
        if (!g)
            return err_fmt(w->err, FY_EINVALID, "the model's TFLite subgraph %d is missing", gi);
        w->tensor_buf[gi] = ARENA_ARRAY(&w->a, g->n_tensors + 1, uint32_t);
        w->nodes[gi] = ARENA_ARRAY(&w->a, g->n_nodes + 1, struct node_plan);
        if (!w->tensor_buf[gi] || !w->nodes[gi]) return nomem(w);
        for (int i = 0; i < g->n_tensors; i++) {
            /* A tensor's index in the file is its id: the IR keeps them in step. */
            if (!g->tensors[i] || g->tensors[i]->id != i || g->tensors[i]->graph != g)
                return err_fmt(w->err, FY_EINVALID,
                               "subgraph %d: tensor %d is %s; the graph's tensor list and ids "
                               "are out of step",
                               gi, i,
                               g->tensors[i] ? "another graph's or has another id" : "missing");
            fy_status st = plan_tensor(w, gi, g->tensors[i]);
            if (st) return st;
        }
        for (int i = 0; i < g->n_nodes; i++) {
            fy_status st = plan_node(w, gi, i, &n_foreign, &first_foreign);
            if (st) return st;
        }
        fy_status st = check_order(w, gi);
        if (st) return st;
        for (int i = 0; i < g->n_inputs; i++)
            if (tensor_index(w, gi, g->inputs[i]) < 0)
                return err_fmt(w->err, FY_EINVALID,
                               "subgraph %d: input %d is not one of the subgraph's tensors", gi, i);
        for (int i = 0; i < g->n_outputs; i++)
            if (tensor_index(w, gi, g->outputs[i]) < 0)
                return err_fmt(w->err, FY_EINVALID,
                               "subgraph %d: output %d is not one of the subgraph's tensors", gi,
                               i);
    }
    if (first_foreign) {
        const struct ir_node *n = first_foreign;
        char more[64] = "";
        if (n_foreign > 1) snprintf(more, sizeof more, " (and %d more nodes)", n_foreign - 1);
        if (n->op != IR_OP_OPAQUE)
            return node_error(w, n, FY_EUNSUPPORTED,
                              "IR op %s is not a TFLite builtin%s; ONNX-semantic ops reach TFLite "
                              "only through the ONNX-to-TFLite converter",
                              ir_op_name(n->op), more);
        return node_error(
            w, n, FY_EUNSUPPORTED,
            "op '%s'%s%s%s is neither a TFLite builtin nor a custom op "
            "(CUSTOM:<name>)%s",
            n->op_type ? n->op_type : "", n->domain && n->domain[0] ? " of domain '" : "",
            n->domain && n->domain[0] ? n->domain : "", n->domain && n->domain[0] ? "'" : "", more);
    }

    /* Metadata buffers follow the constants. */
    int first_meta = w->n_bufs;
    bool has_location = false;
    if (w->info) {
        w->metadata_buf = ARENA_ARRAY(&w->a, w->info->n_metadata + 1, uint32_t);
        w->metadata_buffers_buf = ARENA_ARRAY(&w->a, w->info->n_metadata_buffers + 1, uint32_t);
        if (!w->metadata_buf || !w->metadata_buffers_buf) return nomem(w);
        for (int i = 0; i < w->info->n_metadata; i++) {
            const struct ir_tflite_metadata *md = &w->info->metadata[i];
            has_location |= is_location_metadata(md);
            int bi = metadata_buffer(w, md->data, first_meta);
            if (bi < 0) return nomem(w);
            w->metadata_buf[i] = (uint32_t)bi;
        }
        for (int i = 0; i < w->info->n_metadata_buffers; i++) {
            int bi = metadata_buffer(w, w->info->metadata_buffers[i], first_meta);
            if (bi < 0) return nomem(w);
            w->metadata_buffers_buf[i] = (uint32_t)bi;
        }
    }
    w->location_buf = 0;
    w->add_location = w->offset_form && !has_location;
    if (w->add_location) {
        struct ir_bytes loc = {(const uint8_t *)LOCATION_VALUE, sizeof LOCATION_VALUE - 1};
        int bi = metadata_buffer(w, loc, first_meta);
        if (bi < 0) return nomem(w);
        w->location_buf = (uint32_t)bi;
    }
    return FY_OK;
}

/* ---- options ---- */

static const char *kind_attr_type(int kind)
{
    switch (kind) {
    case TFL_F32:
        return "FLOAT";
    case TFL_ENUM8:
    case TFL_ENUM32:
    case TFL_BYTES:
    case TFL_STRING:
        return "STRING";
    case TFL_INTS:
    case TFL_LONGS:
    case TFL_BOOLS:
        return "INTS";
    case TFL_FLOATS:
        return "FLOATS";
    case TFL_ENUMS32:
        return "STRINGS";
    default:
        return "INT";
    }
}

static enum ir_attr_type kind_ir_type(int kind)
{
    switch (kind) {
    case TFL_F32:
        return IR_ATTR_FLOAT;
    case TFL_ENUM8:
    case TFL_ENUM32:
    case TFL_BYTES:
    case TFL_STRING:
        return IR_ATTR_STRING;
    case TFL_INTS:
    case TFL_LONGS:
    case TFL_BOOLS:
        return IR_ATTR_INTS;
    case TFL_FLOATS:
        return IR_ATTR_FLOATS;
    case TFL_ENUMS32:
        return IR_ATTR_STRINGS;
    default:
        return IR_ATTR_INT;
    }
}

static bool is_vector_kind(int kind)
{
    return kind >= TFL_INTS;
}

/* Whether an attribute holds its field's schema default (an absent vector
 * or string reads as empty). */
static bool at_default(const struct tfl_field *f, const struct ir_attr *at)
{
    if (at->type != kind_ir_type(f->kind)) return false;
    switch (f->kind) {
    case TFL_F32: {
        float d = (float)f->def;
        return !memcmp(&at->v.f, &d, sizeof d);
    }
    case TFL_ENUM8:
    case TFL_ENUM32: {
        const char *name =
            f->e && f->def >= 0 && f->def < f->e->count ? f->e->names[(int)f->def] : NULL;
        return name && strlen(name) == at->v.s.size && !memcmp(name, at->v.s.data, at->v.s.size);
    }
    case TFL_BYTES:
    case TFL_STRING:
        return at->v.s.size == 0;
    default:
        if (is_vector_kind(f->kind)) return at->count == 0;
        return at->v.i == (int64_t)f->def;
    }
}

/* The value of an enum spelled by name ("SAME"); the reader spells a value
 * the table does not name "#<n>". -1 when neither. */
static int64_t enum_value(const struct tfl_enum *e, const uint8_t *s, size_t n)
{
    for (int i = 0; i < e->count; i++)
        if (e->names[i] && strlen(e->names[i]) == n && !memcmp(e->names[i], s, n)) return i;
    if (n >= 2 && s[0] == '#') {
        int64_t v = 0;
        for (size_t i = 1; i < n; i++) {
            if (s[i] < '0' || s[i] > '9' || v > INT32_MAX / 10) return -1;
            v = v * 10 + (s[i] - '0');
        }
        return v;
    }
    return -1;
}

static fy_status enum_error(struct tw *w, const struct ir_node *n, const struct tfl_options *o,
                            const struct tfl_field *f, const uint8_t *s, size_t len)
{
    char names[256];
    size_t k = 0;
    names[0] = 0;
    for (int i = 0; i < f->e->count && k < sizeof names; i++)
        if (f->e->names[i])
            k += (size_t)snprintf(names + k, sizeof names - k, "%s%s", k ? ", " : "",
                                  f->e->names[i]);
    return node_error(w, n, FY_EINVALID, "attribute '%s' is '%.*s'; %s.%s is a %s: %s", f->name,
                      (int)len, (const char *)s, o->name, f->name, f->e->type, names);
}

/* An integer attribute value within [lo, hi]. */
static fy_status int_in(struct tw *w, const struct ir_node *n, const struct tfl_options *o,
                        const struct tfl_field *f, int64_t v, int64_t lo, int64_t hi,
                        const char *what)
{
    if (v >= lo && v <= hi) return FY_OK;
    return node_error(w, n, FY_EINVALID, "attribute '%s' is %" PRId64 "; %s.%s is %s", f->name, v,
                      o->name, f->name, what);
}

/* A vector field's value, built before its table. */
static fy_status options_vector(struct tw *w, const struct ir_node *n, const struct tfl_options *o,
                                const struct tfl_field *f, const struct ir_attr *at, fbb_ref *ref)
{
    struct fbb_builder *b = &w->b;
    size_t count = at->type >= IR_ATTR_FLOATS ? (size_t)at->count : 0;
    switch (f->kind) {
    case TFL_INTS:
    case TFL_ENUMS32: {
        int32_t *v = ARENA_ARRAY(&w->a, count + 1, int32_t);
        if (!v) return nomem(w);
        for (size_t i = 0; i < count; i++) {
            int64_t x;
            if (f->kind == TFL_INTS) {
                x = at->v.ints[i];
                fy_status st = int_in(w, n, o, f, x, INT32_MIN, INT32_MAX, "a list of int32");
                if (st) return st;
            } else {
                x = enum_value(f->e, at->v.strings[i].data, at->v.strings[i].size);
                if (x < 0)
                    return enum_error(w, n, o, f, at->v.strings[i].data, at->v.strings[i].size);
            }
            v[i] = (int32_t)x;
        }
        *ref = fbb_vector_i32(b, v, count);
        break;
    }
    case TFL_LONGS:
        *ref = fbb_vector_i64(b, at->v.ints, count);
        break;
    case TFL_BOOLS: {
        uint8_t *v = ARENA_ARRAY(&w->a, count + 1, uint8_t);
        if (!v) return nomem(w);
        for (size_t i = 0; i < count; i++) {
            fy_status st = int_in(w, n, o, f, at->v.ints[i], 0, 1, "a list of bools (0 or 1)");
            if (st) return st;
            v[i] = (uint8_t)at->v.ints[i];
        }
        *ref = fbb_vector_u8(b, v, count);
        break;
    }
    case TFL_FLOATS:
        *ref = fbb_vector_f32(b, at->v.floats, count);
        break;
    case TFL_BYTES:
        *ref = fbb_blob_vector(b, at->v.s.data, at->v.s.size, 1);
        break;
    case TFL_STRING:
        *ref = fbb_string(b, (const char *)at->v.s.data, at->v.s.size);
        break;
    default:
        *ref = 0;
        break;
    }
    return fbb_status(b);
}

/* Field records kept verbatim ({u16 id, u16 n, n bytes}), checked whole
 * before any is added. */
static fy_status raw_fields(struct tw *w, const struct ir_node *n, const struct tfl_options *o,
                            const struct ir_attr *raw, bool add)
{
    const uint8_t *p = raw->v.s.data;
    size_t size = raw->v.s.size, pos = 0;
    int last = -1;
    while (pos < size) {
        if (size - pos < 4)
            return node_error(w, n, FY_EINVALID,
                              "attribute '%s' ends inside a record header at byte %zu", raw->name,
                              pos);
        int id = p[pos] | p[pos + 1] << 8;
        size_t len = (size_t)(p[pos + 2] | p[pos + 3] << 8);
        pos += 4;
        if ((len != 1 && len != 2 && len != 4 && len != 8) || len > size - pos)
            return node_error(w, n, FY_EINVALID,
                              "attribute '%s': field %d has %zu bytes%s; a kept field has 1, 2, "
                              "4 or 8",
                              raw->name, id, len,
                              len > size - pos ? " past the attribute's end" : "");
        if (id <= last)
            return node_error(w, n, FY_EINVALID,
                              "attribute '%s' keeps field %d after field %d; records go in "
                              "ascending id order, each id once",
                              raw->name, id, last);
        last = id;
        for (int i = 0; o && i < o->n_fields; i++)
            if (o->fields[i].id == id)
                return node_error(w, n, FY_EINVALID,
                                  "attribute '%s' keeps field %d, which is %s.%s", raw->name, id,
                                  o->name, o->fields[i].name);
        if (add) fbb_add_raw(&w->b, id, p + pos, len);
        pos += len;
    }
    return FY_OK;
}

/* The options table of one union: o's fields from the node's attributes (and
 * its activation), plus kept raw fields. used marks the attributes taken. */
static fy_status emit_options(struct tw *w, const struct ir_node *n, const struct tfl_options *o,
                              const struct ir_attr *raw, bool *used, bool *took_act, fbb_ref *out)
{
    struct fbb_builder *b = &w->b;
    int nf = o ? o->n_fields : 0;
    fbb_ref *refs = ARENA_ARRAY(&w->a, nf + 1, fbb_ref);
    const struct ir_attr **attrs = ARENA_ARRAY(&w->a, nf + 1, const struct ir_attr *);
    if (!refs || !attrs) return nomem(w);
    const char *type_name = o ? o->name : "options";
    for (int i = 0; i < nf; i++) {
        const struct tfl_field *f = &o->fields[i];
        if (f->kind == TFL_ACT) continue;
        const struct ir_attr *at = ir_node_attr(n, f->name);
        if (!at) continue; /* the schema default */
        used[at - n->attrs] = true;
        attrs[i] = at;
        if (at->type != kind_ir_type(f->kind))
            return node_error(w, n, FY_EINVALID, "attribute '%s' is %s; %s.%s needs %s", f->name,
                              ir_attr_type_name(at->type), type_name, f->name,
                              kind_attr_type(f->kind));
        if (at->type >= IR_ATTR_FLOATS && at->count > 0 && !at->v.ints)
            return node_error(w, n, FY_EINVALID, "attribute '%s' has no values", f->name);
        if (is_vector_kind(f->kind)) {
            fy_status st = options_vector(w, n, o, f, at, &refs[i]);
            if (st) return st;
        }
    }
    if (raw) {
        fy_status st = raw_fields(w, n, o, raw, false);
        if (st) return st;
    }

    fbb_table_start(b);
    for (int i = 0; i < nf; i++) {
        const struct tfl_field *f = &o->fields[i];
        const struct ir_attr *at = attrs[i];
        int def = (int)f->def;
        if (f->kind == TFL_ACT) {
            if ((int)n->activation < 0 || (int)n->activation >= tfl_enum_activation.count)
                return node_error(w, n, FY_EINVALID,
                                  "has fused activation %d, which is no "
                                  "ActivationFunctionType",
                                  (int)n->activation);
            fbb_add_i8(b, f->id, (int8_t)n->activation, 0);
            *took_act = true;
            continue;
        }
        if (!at) continue;
        if (is_vector_kind(f->kind)) {
            fbb_add_ref(b, f->id, refs[i]);
            continue;
        }
        int64_t v = at->v.i;
        fy_status st = FY_OK;
        switch (f->kind) {
        case TFL_BOOL:
            st = int_in(w, n, o, f, v, 0, 1, "a bool (0 or 1)");
            if (!st) fbb_add_bool(b, f->id, v != 0, def != 0);
            break;
        case TFL_I8:
            st = int_in(w, n, o, f, v, INT8_MIN, INT8_MAX, "a byte (int8)");
            if (!st) fbb_add_i8(b, f->id, (int8_t)v, (int8_t)def);
            break;
        case TFL_I16:
            st = int_in(w, n, o, f, v, INT16_MIN, INT16_MAX, "a short (int16)");
            if (!st) fbb_add_i16(b, f->id, (int16_t)v, (int16_t)def);
            break;
        case TFL_I32:
            st = int_in(w, n, o, f, v, INT32_MIN, INT32_MAX, "an int (int32)");
            if (!st) fbb_add_i32(b, f->id, (int32_t)v, (int32_t)def);
            break;
        case TFL_U32:
            st = int_in(w, n, o, f, v, 0, UINT32_MAX, "a uint (uint32)");
            if (!st) fbb_add_u32(b, f->id, (uint32_t)v, (uint32_t)def);
            break;
        case TFL_I64:
            fbb_add_i64(b, f->id, v, (int64_t)f->def);
            break;
        case TFL_F32:
            fbb_add_f32(b, f->id, at->v.f, (float)f->def);
            break;
        case TFL_ENUM8:
        case TFL_ENUM32: {
            int64_t e = enum_value(f->e, at->v.s.data, at->v.s.size);
            if (e < 0) return enum_error(w, n, o, f, at->v.s.data, at->v.s.size);
            if (f->kind == TFL_ENUM8) {
                st = int_in(w, n, o, f, e, 0, INT8_MAX, "a byte enum");
                if (!st) fbb_add_i8(b, f->id, (int8_t)e, (int8_t)def);
            } else {
                fbb_add_i32(b, f->id, (int32_t)e, def);
            }
            break;
        }
        default:
            break;
        }
        if (st) return st;
    }
    if (raw) raw_fields(w, n, o, raw, true);
    *out = fbb_table_end(b);
    return fbb_status(b);
}

/* Which table a union holds: from "builtin_options_type" when the reader
 * kept one (the file's choice differed from the builtin's, or it had none),
 * else the builtin's own. *code is the union type; *o NULL for NONE or a
 * type newer than the table (then only kept raw fields are written). */
static fy_status options_choice(struct tw *w, const struct ir_node *n, const struct tfl_op *row,
                                bool second, bool *used, int *code, const struct tfl_options **o)
{
    const char *attr = second ? TFL_ATTR_OPTIONS2_TYPE : TFL_ATTR_OPTIONS_TYPE;
    const struct ir_attr *at = ir_node_attr(n, attr);
    *code = 0;
    *o = NULL;
    if (!at) {
        if (row && row->options && row->options->second == second) {
            *o = row->options;
            *code = row->options->type;
        }
        return FY_OK;
    }
    used[at - n->attrs] = true;
    if (at->type != IR_ATTR_STRING)
        return node_error(w, n, FY_EINVALID, "attribute '%s' is %s; it needs a STRING", attr,
                          ir_attr_type_name(at->type));
    const char *s = (const char *)at->v.s.data;
    size_t len = at->v.s.size;
    if (len == 4 && !memcmp(s, "NONE", 4)) return FY_OK;
    if (len >= 2 && s[0] == '#') {
        int64_t v = 0;
        for (size_t i = 1; i < len; i++) {
            if (s[i] < '0' || s[i] > '9' || v > 255) goto bad;
            v = v * 10 + (s[i] - '0');
        }
        if (v < 1 || v > 255) goto bad;
        *code = (int)v;
        *o = tfl_options_by_type(second, (int)v);
        return FY_OK;
    }
    {
        char *name = arena_strndup(&w->a, s, len);
        if (!name) return nomem(w);
        const struct tfl_options *found = tfl_options_by_name(name);
        if (found && found->second == second) {
            *o = found;
            *code = found->type;
            return FY_OK;
        }
    }
bad:
    return node_error(w, n, FY_EINVALID,
                      "attribute '%s' is '%.*s'; it needs NONE, a member of union %s, or #<code>",
                      attr, (int)len, s, second ? "BuiltinOptions2" : "BuiltinOptions");
}

static const struct ir_attr *typed_attr(struct tw *w, const struct ir_node *n, const char *name,
                                        enum ir_attr_type type, fy_status *st)
{
    const struct ir_attr *at = ir_node_attr(n, name);
    if (at && at->type != type) {
        *st = node_error(w, n, FY_EINVALID, "attribute '%s' is %s; it needs %s", name,
                         ir_attr_type_name(at->type), ir_attr_type_name(type));
        return NULL;
    }
    return at;
}

static fbb_ref index_vector(struct tw *w, struct ir_tensor *const *ts, int n, int gi)
{
    int32_t *v = ARENA_ARRAY(&w->a, n + 1, int32_t);
    if (!v) {
        nomem(w);
        return 0;
    }
    for (int i = 0; i < n; i++)
        v[i] = ts[i] ? tensor_index(w, gi, ts[i]) : -1;
    return fbb_vector_i32(&w->b, v, (size_t)n);
}

static fy_status emit_operator(struct tw *w, int gi, int ni, fbb_ref *out)
{
    struct fbb_builder *b = &w->b;
    const struct ir_node *n = w->graphs[gi]->nodes[ni];
    const struct node_plan *p = &w->nodes[gi][ni];
    bool *used = ARENA_ARRAY(&w->a, n->n_attrs + 1, bool);
    if (!used) return nomem(w);
    fy_status st = FY_OK;

    fbb_ref inputs = index_vector(w, n->inputs, n->n_inputs, gi);
    fbb_ref outputs = index_vector(w, n->outputs, n->n_outputs, gi);

    /* Both unions: the builtin's own options, or the file's choice. */
    fbb_ref opt[2] = {0, 0};
    int opt_code[2] = {0, 0};
    bool took_act = false;
    for (int u = 0; u < 2; u++) {
        const struct tfl_options *o = NULL;
        st = options_choice(w, n, p->row, u == 1, used, &opt_code[u], &o);
        if (st) return st;
        const char *raw_name = u ? TFL_ATTR_OPTIONS2_RAW : TFL_ATTR_OPTIONS_RAW;
        const struct ir_attr *raw = typed_attr(w, n, raw_name, IR_ATTR_STRING, &st);
        if (st) return st;
        if (raw) used[raw - n->attrs] = true;
        if (!opt_code[u]) {
            if (raw && raw->v.s.size)
                return node_error(w, n, FY_EINVALID,
                                  "attribute '%s' keeps options fields, but the operator has no "
                                  "options table to hold them",
                                  raw_name);
            continue;
        }
        st = emit_options(w, n, o, raw, used, &took_act, &opt[u]);
        if (st) return st;
    }
    /* The reader gives a builtin whose file chose other options (or none)
     * its own fields too, at their defaults, so kernels find every one. They
     * are not written; one that is not at its default would be lost, so it
     * is refused. */
    const struct tfl_options *own = p->row ? p->row->options : NULL;
    if (own && opt_code[own->second] != own->type) {
        for (int k = 0; k < own->n_fields; k++) {
            const struct tfl_field *f = &own->fields[k];
            const struct ir_attr *at = f->kind == TFL_ACT ? NULL : ir_node_attr(n, f->name);
            if (!at || used[at - n->attrs]) continue;
            used[at - n->attrs] = true;
            if (!at_default(f, at))
                return node_error(w, n, FY_EINVALID,
                                  "attribute '%s' is not %s's default, but the operator's "
                                  "options are %s ('%s'), which do not hold it",
                                  f->name, own->name,
                                  opt_code[own->second] ? "of another type" : "NONE",
                                  own->second ? TFL_ATTR_OPTIONS2_TYPE : TFL_ATTR_OPTIONS_TYPE);
        }
    }
    if (n->activation != IR_ACT_NONE && !took_act)
        return node_error(w, n, FY_EINVALID,
                          "has a fused activation (%s), which this TFLite operator's options "
                          "cannot carry",
                          (int)n->activation < tfl_enum_activation.count
                              ? tfl_enum_activation.names[n->activation]
                              : "?");

    const struct ir_attr *custom = typed_attr(w, n, TFL_ATTR_CUSTOM_OPTIONS, IR_ATTR_STRING, &st);
    const struct ir_attr *format =
        st ? NULL : typed_attr(w, n, TFL_ATTR_CUSTOM_OPTIONS_FORMAT, IR_ATTR_INT, &st);
    const struct ir_attr *mutating =
        st ? NULL : typed_attr(w, n, TFL_ATTR_MUTATING, IR_ATTR_INTS, &st);
    const struct ir_attr *inter =
        st ? NULL : typed_attr(w, n, TFL_ATTR_INTERMEDIATES, IR_ATTR_TENSORS, &st);
    const struct ir_attr *debug =
        st ? NULL : typed_attr(w, n, TFL_ATTR_DEBUG_METADATA, IR_ATTR_INT, &st);
    if (st) return st;
    if (ir_node_attr(n, TFL_ATTR_CUSTOM_CODE))
        used[ir_node_attr(n, TFL_ATTR_CUSTOM_CODE) - n->attrs] = true;
    fbb_ref custom_ref = 0, mutating_ref = 0, inter_ref = 0;
    if (custom) {
        used[custom - n->attrs] = true;
        /* Present, even empty, when the file had it. */
        custom_ref = fbb_blob_vector(b, custom->v.s.data, custom->v.s.size, 1);
    }
    if (format) {
        used[format - n->attrs] = true;
        if (format->v.i < INT8_MIN || format->v.i > INT8_MAX)
            return node_error(w, n, FY_EINVALID,
                              "attribute '%s' is %" PRId64 "; CustomOptionsFormat is a byte",
                              TFL_ATTR_CUSTOM_OPTIONS_FORMAT, format->v.i);
    }
    if (mutating) {
        used[mutating - n->attrs] = true;
        uint8_t *v = ARENA_ARRAY(&w->a, mutating->count + 1, uint8_t);
        if (!v) return nomem(w);
        for (int64_t i = 0; i < mutating->count; i++) {
            if (mutating->v.ints[i] != 0 && mutating->v.ints[i] != 1)
                return node_error(w, n, FY_EINVALID,
                                  "attribute '%s' value %" PRId64 " is %" PRId64
                                  "; it holds bools (0 or 1)",
                                  TFL_ATTR_MUTATING, i, mutating->v.ints[i]);
            v[i] = (uint8_t)mutating->v.ints[i];
        }
        mutating_ref = fbb_vector_u8(b, v, (size_t)mutating->count);
    }
    if (inter) {
        used[inter - n->attrs] = true;
        for (int64_t i = 0; i < inter->count; i++)
            if (!inter->v.tensors[i] || tensor_index(w, gi, inter->v.tensors[i]) < 0)
                return node_error(w, n, FY_EINVALID,
                                  "attribute '%s' value %" PRId64
                                  " is not a tensor of the operator's subgraph",
                                  TFL_ATTR_INTERMEDIATES, i);
        inter_ref = index_vector(w, inter->v.tensors, (int)inter->count, gi);
    }
    if (debug) {
        used[debug - n->attrs] = true;
        if (debug->v.i < INT32_MIN || debug->v.i > INT32_MAX)
            return node_error(w, n, FY_EINVALID, "attribute '%s' is %" PRId64 "; it is an int32",
                              TFL_ATTR_DEBUG_METADATA, debug->v.i);
    }
    for (int i = 0; i < n->n_attrs; i++)
        if (!used[i]) {
            const char *name = n->attrs[i].name ? n->attrs[i].name : "";
            const struct tfl_options *o = tfl_options_by_type(false, opt_code[0]);
            if (!o) o = tfl_options_by_type(true, opt_code[1]);
            return node_error(w, n, FY_EINVALID,
                              "attribute '%s' is no field of %s and no Operator field", name,
                              o ? o->name : "the operator's options (it has none)");
        }
    if (fbb_status(b)) return fbb_status(b);

    fbb_table_start(b);
    fbb_add_u32(b, OPERATOR_OPCODE_INDEX, (uint32_t)p->opcode, 0);
    fbb_add_ref(b, OPERATOR_INPUTS, inputs);
    fbb_add_ref(b, OPERATOR_OUTPUTS, outputs);
    fbb_add_u8(b, OPERATOR_OPTIONS_TYPE, (uint8_t)opt_code[0], 0);
    fbb_add_ref(b, OPERATOR_OPTIONS, opt[0]);
    fbb_add_ref(b, OPERATOR_CUSTOM_OPTIONS, custom_ref);
    if (format) fbb_add_i8(b, OPERATOR_CUSTOM_OPTIONS_FORMAT, (int8_t)format->v.i, 0);
    fbb_add_ref(b, OPERATOR_MUTATING_VARIABLE_INPUTS, mutating_ref);
    fbb_add_ref(b, OPERATOR_INTERMEDIATES, inter_ref);
    fbb_add_u8(b, OPERATOR_OPTIONS2_TYPE, (uint8_t)opt_code[1], 0);
    fbb_add_ref(b, OPERATOR_OPTIONS2, opt[1]);
    if (debug) fbb_add_i32(b, OPERATOR_DEBUG_METADATA, (int32_t)debug->v.i, -1);
    *out = fbb_table_end(b);
    return fbb_status(b);
}

/* ---- tensors ---- */

static fbb_ref emit_quant(struct tw *w, const struct ir_quant *q)
{
    struct fbb_builder *b = &w->b;
    fbb_ref min = 0, max = 0, scale = 0, zp = 0;
    if (q->range_count > 1 && q->range_min && q->range_max) {
        /* a calibration range per axis, as the file listed it */
        min = fbb_vector_f32(b, q->range_min, (size_t)q->range_count);
        max = fbb_vector_f32(b, q->range_max, (size_t)q->range_count);
    } else if (q->has_range) {
        min = fbb_vector_f32(b, &q->min, 1);
        max = fbb_vector_f32(b, &q->max, 1);
    }
    if (q->count > 0) {
        scale = fbb_vector_f32(b, q->scale, (size_t)q->count);
        zp = fbb_vector_i64(b, q->zero_point, (size_t)q->count);
    }
    int32_t dim = q->has_file_axis ? q->file_axis : q->axis >= 0 ? q->axis : 0;
    fbb_table_start(b);
    fbb_add_ref(b, QUANT_MIN, min);
    fbb_add_ref(b, QUANT_MAX, max);
    fbb_add_ref(b, QUANT_SCALE, scale);
    fbb_add_ref(b, QUANT_ZERO_POINT, zp);
    fbb_add_i32(b, QUANT_DIMENSION, dim, 0);
    return fbb_table_end(b);
}

static fbb_ref emit_tensor(struct tw *w, int gi, const struct ir_tensor *t)
{
    struct fbb_builder *b = &w->b;
    /* A dim that is not a number is written as TFLite writes a dim that may
     * vary: 1 in the shape, -1 in shape_signature. */
    bool varies = false;
    int rank = t->rank > 0 ? t->rank : 0;
    int32_t *shape = ARENA_ARRAY(&w->a, rank + 1, int32_t);
    if (!shape) {
        nomem(w);
        return 0;
    }
    for (int i = 0; i < rank; i++) {
        varies |= t->dims[i].value < 0;
        shape[i] = t->dims[i].value < 0 ? 1 : (int32_t)t->dims[i].value;
    }
    fbb_ref shape_ref = t->rank >= 0 ? fbb_vector_i32(b, shape, (size_t)rank) : 0;
    fbb_ref sig_ref = 0;
    if (t->has_shape_signature || varies) {
        int32_t *sig = ARENA_ARRAY(&w->a, rank + 1, int32_t);
        if (!sig) {
            nomem(w);
            return 0;
        }
        for (int i = 0; i < rank; i++)
            sig[i] = t->has_shape_signature ? (int32_t)t->shape_signature[i]
                     : t->dims[i].value < 0 ? -1
                                            : (int32_t)t->dims[i].value;
        sig_ref = fbb_vector_i32(b, sig, (size_t)rank);
    }
    fbb_ref name = fbb_cstring(b, t->origin ? t->origin : t->name);
    fbb_ref quant = t->quant ? emit_quant(w, t->quant) : 0;
    fbb_table_start(b);
    fbb_add_ref(b, TENSOR_SHAPE, shape_ref);
    fbb_add_i8(b, TENSOR_TYPE, (int8_t)tfl_dtype_from_ir(t->dtype), 0);
    fbb_add_u32(b, TENSOR_BUFFER, w->tensor_buf[gi][t->id], 0);
    fbb_add_ref(b, TENSOR_NAME, name);
    fbb_add_ref(b, TENSOR_QUANTIZATION, quant);
    fbb_add_bool(b, TENSOR_IS_VARIABLE, t->is_variable, false);
    fbb_add_ref(b, TENSOR_SHAPE_SIGNATURE, sig_ref);
    fbb_add_bool(b, TENSOR_HAS_RANK, t->has_rank, false);
    return fbb_table_end(b);
}

/* ---- the model ---- */

static fy_status emit_subgraph(struct tw *w, int gi, fbb_ref *out)
{
    struct fbb_builder *b = &w->b;
    const struct ir_graph *g = w->graphs[gi];
    fbb_ref *refs =
        ARENA_ARRAY(&w->a, (g->n_tensors > g->n_nodes ? g->n_tensors : g->n_nodes) + 1, fbb_ref);
    if (!refs) return nomem(w);
    /* Operators first, so that tensors lie before them in the file. */
    for (int i = 0; i < g->n_nodes; i++) {
        fy_status st = emit_operator(w, gi, i, &refs[i]);
        if (st) return st;
    }
    fbb_ref operators = fbb_vector_refs(b, refs, (size_t)g->n_nodes);
    for (int i = 0; i < g->n_tensors && !b->st; i++)
        refs[i] = emit_tensor(w, gi, g->tensors[i]);
    fbb_ref tensors = fbb_vector_refs(b, refs, (size_t)g->n_tensors);
    fbb_ref inputs = index_vector(w, g->inputs, g->n_inputs, gi);
    fbb_ref outputs = index_vector(w, g->outputs, g->n_outputs, gi);
    fbb_ref name = g->name && g->name[0] ? fbb_cstring(b, g->name) : 0;
    int debug = -1;
    if (w->info && w->info->subgraph_debug_metadata && gi < w->info->n_subgraphs)
        debug = w->info->subgraph_debug_metadata[gi];
    fbb_table_start(b);
    fbb_add_ref(b, SUBGRAPH_TENSORS, tensors);
    fbb_add_ref(b, SUBGRAPH_INPUTS, inputs);
    fbb_add_ref(b, SUBGRAPH_OUTPUTS, outputs);
    fbb_add_ref(b, SUBGRAPH_OPERATORS, operators);
    fbb_add_ref(b, SUBGRAPH_NAME, name);
    fbb_add_i32(b, SUBGRAPH_DEBUG_METADATA, debug, -1);
    *out = fbb_table_end(b);
    return fbb_status(b);
}

static fbb_ref emit_buffer(struct tw *w, const struct wbuf *bf)
{
    struct fbb_builder *b = &w->b;
    fbb_ref data = 0;
    if (bf->size && !bf->outside) data = fbb_blob_vector(b, bf->data, bf->size, BUFFER_ALIGN);
    fbb_table_start(b);
    fbb_add_ref(b, BUFFER_DATA, data);
    if (bf->size && bf->outside) {
        fbb_add_u64(b, BUFFER_OFFSET, bf->offset, 0);
        fbb_add_u64(b, BUFFER_SIZE, bf->size, 0);
    }
    return fbb_table_end(b);
}

static fbb_ref emit_tensor_maps(struct tw *w, const struct ir_tflite_tensor_ref *maps, int n,
                                int gi, const char *key, fy_status *st)
{
    struct fbb_builder *b = &w->b;
    fbb_ref *refs = ARENA_ARRAY(&w->a, n + 1, fbb_ref);
    if (!refs) {
        *st = nomem(w);
        return 0;
    }
    for (int i = 0; i < n; i++) {
        int index = maps[i].tensor ? tensor_index(w, gi, maps[i].tensor) : maps[i].tensor_index;
        if (index < 0) {
            *st = err_fmt(w->err, FY_EINVALID,
                          "signature '%s': '%s' names a tensor outside its subgraph %d", key,
                          maps[i].name ? maps[i].name : "", gi);
            return 0;
        }
        fbb_ref name = fbb_cstring(b, maps[i].name);
        fbb_table_start(b);
        fbb_add_ref(b, TENSORMAP_NAME, name);
        fbb_add_u32(b, TENSORMAP_TENSOR_INDEX, (uint32_t)index, 0);
        refs[i] = fbb_table_end(b);
    }
    return fbb_vector_refs(b, refs, (size_t)n);
}

static fbb_ref emit_signature(struct tw *w, const struct ir_tflite_signature *s, fy_status *st)
{
    struct fbb_builder *b = &w->b;
    const char *key = s->key ? s->key : "";
    if (s->subgraph_index < 0 || s->subgraph_index >= w->n_graphs) {
        *st = err_fmt(w->err, FY_EINVALID, "signature '%s' names subgraph %d; the model has %d",
                      key, s->subgraph_index, w->n_graphs);
        return 0;
    }
    fbb_ref inputs = emit_tensor_maps(w, s->inputs, s->n_inputs, s->subgraph_index, key, st);
    if (*st) return 0;
    fbb_ref outputs = emit_tensor_maps(w, s->outputs, s->n_outputs, s->subgraph_index, key, st);
    if (*st) return 0;
    fbb_ref k = s->key ? fbb_cstring(b, s->key) : 0;
    fbb_table_start(b);
    fbb_add_ref(b, SIGNATURE_INPUTS, inputs);
    fbb_add_ref(b, SIGNATURE_OUTPUTS, outputs);
    fbb_add_ref(b, SIGNATURE_KEY, k);
    fbb_add_u32(b, SIGNATURE_SUBGRAPH_INDEX, (uint32_t)s->subgraph_index, 0);
    return fbb_table_end(b);
}

static fbb_ref emit_metadata(struct tw *w, const char *name, uint32_t buffer)
{
    struct fbb_builder *b = &w->b;
    fbb_ref nm = fbb_cstring(b, name);
    fbb_table_start(b);
    fbb_add_ref(b, METADATA_NAME, nm);
    fbb_add_u32(b, METADATA_BUFFER, buffer, 0);
    return fbb_table_end(b);
}

static fy_status emit_model(struct tw *w)
{
    struct fbb_builder *b = &w->b;
    const struct ir_tflite_info *info = w->info;
    int most = w->n_bufs > w->n_graphs ? w->n_bufs : w->n_graphs;
    if (w->n_codes > most) most = w->n_codes;
    if (info && info->n_metadata + 1 > most) most = info->n_metadata + 1;
    if (info && info->n_signatures > most) most = info->n_signatures;
    fbb_ref *refs = ARENA_ARRAY(&w->a, most + 1, fbb_ref);
    if (!refs) return nomem(w);

    /* Buffers go last in the file: built first, the last one first. */
    for (int i = w->n_bufs; i-- > 0 && !b->st;)
        refs[i] = emit_buffer(w, &w->bufs[i]);
    fbb_ref buffers = fbb_vector_refs(b, refs, (size_t)w->n_bufs);

    fbb_ref *sg = ARENA_ARRAY(&w->a, w->n_graphs + 1, fbb_ref);
    if (!sg) return nomem(w);
    for (int gi = w->n_graphs; gi-- > 0;) {
        fy_status st = emit_subgraph(w, gi, &sg[gi]);
        if (st) return st;
    }
    fbb_ref subgraphs = fbb_vector_refs(b, sg, (size_t)w->n_graphs);

    for (int i = 0; i < w->n_codes && !b->st; i++) {
        const struct opcode *c = &w->codes[i];
        fbb_ref custom = c->custom ? fbb_cstring(b, c->custom) : 0;
        fbb_table_start(b);
        /* deprecated_builtin_code is a byte: codes past 126 put the
         * placeholder there and the code in builtin_code. */
        int deprecated = c->code < TFL_CODE_PLACEHOLDER ? c->code : TFL_CODE_PLACEHOLDER;
        fbb_add_i8(b, OPCODE_DEPRECATED_BUILTIN_CODE, (int8_t)deprecated, 0);
        fbb_add_ref(b, OPCODE_CUSTOM_CODE, custom);
        fbb_add_i32(b, OPCODE_VERSION, c->version, 1);
        fbb_add_i32(b, OPCODE_BUILTIN_CODE, c->code, 0);
        refs[i] = fbb_table_end(b);
    }
    fbb_ref codes = fbb_vector_refs(b, refs, (size_t)w->n_codes);

    fbb_ref metadata = 0, metadata_buffer = 0, signatures = 0;
    int n_meta = 0;
    if (info) {
        for (int i = 0; i < info->n_metadata && !b->st; i++)
            refs[n_meta++] = emit_metadata(w, info->metadata[i].name, w->metadata_buf[i]);
    }
    if (w->add_location) refs[n_meta++] = emit_metadata(w, LOCATION_NAME, w->location_buf);
    if (n_meta || (info && info->n_metadata)) metadata = fbb_vector_refs(b, refs, (size_t)n_meta);
    if (info && info->n_metadata_buffers) {
        int32_t *v = ARENA_ARRAY(&w->a, info->n_metadata_buffers + 1, int32_t);
        if (!v) return nomem(w);
        for (int i = 0; i < info->n_metadata_buffers; i++)
            v[i] = (int32_t)w->metadata_buffers_buf[i];
        metadata_buffer = fbb_vector_i32(b, v, (size_t)info->n_metadata_buffers);
    }
    if (info && info->n_signatures) {
        for (int i = 0; i < info->n_signatures; i++) {
            fy_status st = FY_OK;
            refs[i] = emit_signature(w, &info->signatures[i], &st);
            if (st) return st;
        }
        signatures = fbb_vector_refs(b, refs, (size_t)info->n_signatures);
    }
    const char *desc = info ? info->description : w->m->producer_name;
    fbb_ref description = desc && desc[0] ? fbb_cstring(b, desc) : 0;

    fbb_table_start(b);
    fbb_add_u32(b, MODEL_VERSION, info && info->version ? info->version : TFL_SCHEMA_VERSION, 0);
    fbb_add_ref(b, MODEL_OPERATOR_CODES, codes);
    fbb_add_ref(b, MODEL_SUBGRAPHS, subgraphs);
    fbb_add_ref(b, MODEL_DESCRIPTION, description);
    fbb_add_ref(b, MODEL_BUFFERS, buffers);
    fbb_add_ref(b, MODEL_METADATA_BUFFER, metadata_buffer);
    fbb_add_ref(b, MODEL_METADATA, metadata);
    fbb_add_ref(b, MODEL_SIGNATURE_DEFS, signatures);
    fbb_ref root = fbb_table_end(b);
    return fbb_finish(b, root, TFL_IDENTIFIER);
}

/* Lays the appended buffers out after a FlatBuffer of fb_size bytes. */
static uint64_t place_outside(struct tw *w, uint64_t fb_size)
{
    uint64_t at = fb_size;
    for (int i = 0; i < w->n_bufs; i++) {
        struct wbuf *bf = &w->bufs[i];
        if (!bf->outside || !bf->size) continue;
        at = (at + BUFFER_ALIGN - 1) / BUFFER_ALIGN * BUFFER_ALIGN;
        bf->offset = at;
        at += bf->size;
    }
    return at;
}

/* Forgets a plan, to make another for the other form. */
static void unplan(struct tw *w)
{
    arena_release(&w->a);
    arena_init(&w->a);
    w->codes = NULL;
    w->n_codes = w->cap_codes = 0;
    w->bufs = NULL;
    w->n_bufs = w->cap_bufs = 0;
}

/* Builds the model in w->b: inline when it fits under limit, else with the
 * constants after the FlatBuffer. */
static fy_status build(struct tw *w, uint64_t limit)
{
    w->offset_form = false;
    fy_status st = plan(w);
    if (st) return st;
    uint64_t constants = 0;
    for (int gi = 0; gi < w->n_graphs; gi++)
        for (int i = 0; i < w->graphs[gi]->n_tensors; i++) {
            uint32_t bi = w->tensor_buf[gi][i];
            if (bi) constants += w->bufs[bi].size + BUFFER_ALIGN;
        }
    bool read_outside = false;
    if (w->info)
        for (int i = 0; i < w->info->n_metadata; i++)
            read_outside |= is_location_metadata(&w->info->metadata[i]);
    /* A model read in the offset form keeps it; data past the limit cannot
     * fit inline whatever else. Otherwise try inline first. */
    if (!read_outside && constants <= limit) {
        st = emit_model(w);
        if (st || fbb_size(&w->b) <= limit) return st;
        /* TFLite's converter retries with the buffers outside; so do we. */
    }
    unplan(w);
    w->offset_form = true;
    st = plan(w);
    if (st) return st;
    /* Offsets depend on the FlatBuffer's size, which does not depend on
     * them (each is a present 8-byte field): a first build with stand-ins
     * gives the size, a second the file. */
    place_outside(w, OFFSET_PLACEHOLDER);
    fbb_reset(&w->b);
    st = emit_model(w);
    if (st) return st;
    uint64_t size = fbb_size(&w->b);
    if (size > limit)
        return err_fmt(w->err, FY_EUNSUPPORTED,
                       "the model's FlatBuffer would be %" PRIu64 " bytes even with its constant "
                       "buffers stored after it, over FlatBuffers' limit of %" PRIu64,
                       size, limit);
    place_outside(w, size);
    fbb_reset(&w->b);
    st = emit_model(w);
    if (st) return st;
    if (fbb_size(&w->b) != size)
        return err_fmt(w->err, FY_EINTERNAL,
                       "the FlatBuffer is %" PRIu64 " bytes with buffer offsets, %" PRIu64
                       " with stand-ins",
                       fbb_size(&w->b), size);
    return FY_OK;
}

static fy_status write_outside(struct tw *w, FILE *f)
{
    static const uint8_t zeros[BUFFER_ALIGN];
    uint64_t at = fbb_size(&w->b);
    for (int i = 0; i < w->n_bufs; i++) {
        const struct wbuf *bf = &w->bufs[i];
        if (!bf->outside || !bf->size) continue;
        size_t pad = (size_t)(bf->offset - at);
        if ((pad && fwrite(zeros, 1, pad, f) != pad) ||
            fwrite(bf->data, 1, (size_t)bf->size, f) != bf->size)
            return err_fmt(w->err, FY_EIO, "cannot write: %s", strerror(errno));
        at = bf->offset + bf->size;
    }
    return FY_OK;
}

fy_status tflite_write_model_limit(const struct ir_model *m, const char *path, uint64_t limit,
                                   const char *const *inputs, int n_inputs, struct fy_error *err)
{
    if (!m || !path || !path[0] || n_inputs < 0)
        return err_fmt(err, FY_EUSAGE, "tflite_write_model needs a model and an output path");
    struct tw w;
    memset(&w, 0, sizeof w);
    w.err = err;
    w.m = m;
    arena_init(&w.a);
    /* The builder checks no limit: build() decides the form by size. */
    fbb_init(&w.b, UINT64_MAX, err);
    struct atomic_file out;
    memset(&out, 0, sizeof out);
    /* The model's own file is an input even when the caller forgot it: its
     * mapping is where the weights are streamed from. */
    const char **keep = malloc(((size_t)n_inputs + 1) * sizeof *keep);
    fy_status st = FY_OK;
    if (!keep) {
        st = err_fmt(err, FY_ENOMEM, "out of memory");
        goto done;
    }
    int n_keep = 0;
    for (int i = 0; i < n_inputs; i++)
        keep[n_keep++] = inputs[i];
    if (m->path) keep[n_keep++] = m->path;

    st = build(&w, limit);
    if (st) goto done;
    st = atomic_file_open(&out, path, keep, n_keep, err);
    if (st) goto done;
    st = fbb_write(&w.b, out.f);
    if (!st && w.offset_form) st = write_outside(&w, out.f);
    if (!st) st = atomic_file_commit(&out, err);

done:
    atomic_file_abort(&out);
    fbb_free(&w.b);
    arena_release(&w.a);
    free(keep);
    return st;
}

fy_status tflite_write_model(const struct ir_model *m, const char *path, const char *const *inputs,
                             int n_inputs, struct fy_error *err)
{
    return tflite_write_model_limit(m, path, FBB_MAX_SIZE, inputs, n_inputs, err);
}
