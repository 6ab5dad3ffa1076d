#include "inspect/inspect.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "formats/format.h"

static fy_status nomem(struct fy_error *err)
{
    return err_fmt(err, FY_ENOMEM, "out of memory");
}

/* ---- reading kept protobuf fields ----
 * Extras items are whole fields (key + payload) the reader did not interpret.
 * Inspect only needs their key, and for sparse initializers the dims and the
 * name, so a few lines of bounds-checked varint reading suffice here. */

static bool pb_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
    uint64_t x = 0;
    for (int shift = 0; shift < 64 && *p < end; shift += 7) {
        uint8_t b = *(*p)++;
        x |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = x;
            return true;
        }
    }
    return false;
}

/* One field of a message: number, wire type, and for length-delimited fields
 * the payload; varints land in *value. */
struct pb_field {
    uint64_t number;
    int wire;
    uint64_t value;
    const uint8_t *data;
    size_t size;
};

static bool pb_next(const uint8_t **p, const uint8_t *end, struct pb_field *f)
{
    uint64_t key;
    if (*p >= end || !pb_varint(p, end, &key)) return false;
    f->number = key >> 3;
    f->wire = (int)(key & 7);
    f->data = *p;
    f->size = 0;
    switch (f->wire) {
    case 0: return pb_varint(p, end, &f->value);
    case 1:
    case 5: {
        size_t n = f->wire == 1 ? 8 : 4;
        if ((size_t)(end - *p) < n) return false;
        *p += n;
        return true;
    }
    case 2: {
        uint64_t n;
        if (!pb_varint(p, end, &n) || n > (uint64_t)(end - *p)) return false;
        f->data = *p;
        f->size = (size_t)n;
        *p += n;
        return true;
    }
    default: return false; /* groups are long dead; anything else is malformed */
    }
}

/* The kept fields of ONNX messages that have names (onnx.proto). */
static const struct extras_name {
    const char *message;
    int field;
    const char *name;
    const char *what;
} extras_names[] = {
    {"ModelProto", 20, "training_info", "training information"},
    {"ModelProto", 25, "functions", "model-local functions"},
    {"ModelProto", 26, "configuration", "device configurations"},
    {"GraphProto", 14, "quantization_annotation", "quantization annotations"},
    {"GraphProto", 15, "sparse_initializer", "sparse initializers"},
    {"NodeProto", 9, "metadata_props", "node metadata entries"},
    {"NodeProto", 10, "device_configurations", "node device configurations"},
};

int inspect_extras_field(const struct ir_bytes *item, const char *message, const char **name,
                         const char **what)
{
    *name = *what = NULL;
    const uint8_t *p = item->data, *end = item->data + item->size;
    uint64_t key;
    if (!item->size || !pb_varint(&p, end, &key) || (key >> 3) == 0 || (key >> 3) > INT32_MAX)
        return -1;
    int field = (int)(key >> 3);
    for (size_t i = 0; i < sizeof extras_names / sizeof extras_names[0]; i++)
        if (extras_names[i].field == field && !strcmp(extras_names[i].message, message)) {
            *name = extras_names[i].name;
            *what = extras_names[i].what;
        }
    return field;
}

/* A GraphProto.sparse_initializer item: its dense element count and the name
 * of its values tensor (SparseTensorProto: values = 1, dims = 3; TensorProto:
 * name = 8). False when the item is something else or malformed. */
static bool sparse_initializer(const struct ir_graph *graph, const struct ir_bytes *item,
                               uint64_t *numel, const char **name, size_t *name_len)
{
    /* only ONNX keeps protobuf fields in extras */
    if (graph->model->format != IR_FORMAT_ONNX) return false;
    const uint8_t *p = item->data, *end = item->data + item->size;
    struct pb_field f;
    if (!pb_next(&p, end, &f) || f.number != 15 || f.wire != 2) return false;
    const uint8_t *q = f.data, *qend = f.data + f.size;
    uint64_t n = 1;
    *name = NULL;
    *name_len = 0;
    struct pb_field g;
    while (q < qend) {
        if (!pb_next(&q, qend, &g)) return false;
        if (g.number == 1 && g.wire == 2) {
            const uint8_t *r = g.data, *rend = g.data + g.size;
            struct pb_field h;
            while (r < rend && pb_next(&r, rend, &h))
                if (h.number == 8 && h.wire == 2) {
                    *name = (const char *)h.data;
                    *name_len = h.size;
                }
        } else if (g.number == 3 && (g.wire == 0 || g.wire == 2)) {
            /* one varint per dim (wire 0), or packed (wire 2) */
            const uint8_t *r = g.data, *rend = g.data + g.size;
            uint64_t d = g.value;
            for (bool more = true; more;) {
                if (g.wire == 2) {
                    if (r == rend) break;
                    if (!pb_varint(&r, rend, &d)) return false;
                } else {
                    more = false;
                }
                if ((int64_t)d < 0 || (d && n > UINT64_MAX / d)) return false;
                n *= d;
            }
        }
    }
    *numel = n;
    return true;
}

/* ---- small formatting helpers ---- */

void inspect_shape_str(int rank, const struct ir_dim *dims, char *buf, size_t cap)
{
    if (!cap) return;
    if (rank < 0) {
        snprintf(buf, cap, "?");
        return;
    }
    size_t n = 0;
    buf[0] = 0;
#define APPEND(...)                                                                            \
    do {                                                                                       \
        if (n < cap) {                                                                         \
            int w_ = snprintf(buf + n, cap - n, __VA_ARGS__);                                  \
            n = w_ < 0 ? cap : n + (size_t)w_;                                                 \
        }                                                                                      \
    } while (0)
    APPEND("[");
    for (int i = 0; i < rank; i++) {
        const char *sep = i ? "," : "";
        if (dims[i].value >= 0) APPEND("%s%" PRId64, sep, dims[i].value);
        else if (dims[i].param) APPEND("%s'%s'", sep, dims[i].param);
        else APPEND("%s'?'", sep);
    }
    APPEND("]");
#undef APPEND
}

void inspect_human_bytes(uint64_t bytes, char *buf, size_t cap)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    if (bytes < 1024) {
        snprintf(buf, cap, "%" PRIu64 " B", bytes);
        return;
    }
    double v = (double)bytes;
    int u = 0;
    while (v >= 1024 && u < 4) v /= 1024, u++;
    snprintf(buf, cap, "%.1f %s", v, units[u]);
}

const char *inspect_node_label(const struct ir_node *n)
{
    if (n->name && n->name[0]) return n->name;
    for (int i = 0; i < n->n_outputs; i++)
        if (n->outputs[i]) return n->outputs[i]->name;
    return "";
}

fy_status inspect_add_finding(struct inspect_report *r, const char *kind, const char *node,
                              struct fy_error *err, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (arena_grow(&r->arena, (void **)&r->findings, &r->cap_findings, r->n_findings + 1,
                   sizeof *r->findings))
        return nomem(err);
    struct inspect_finding *f = &r->findings[r->n_findings];
    f->kind = kind;
    f->node = node;
    f->message = arena_strdup(&r->arena, msg);
    if (!f->message) return nomem(err);
    r->n_findings++;
    return FY_OK;
}

/* ---- the report ---- */

static fy_status describe_value(const struct ir_tensor *t, struct inspect_value *v,
                                struct arena *a, struct fy_error *err)
{
    v->name = t->name;
    v->dtype = t->dtype == IR_UNDEFINED ? NULL : ir_dtype_name(t->dtype);
    v->rank = t->rank;
    v->dims = t->dims;
    v->quant = t->quant;
    /* TFLite: dims hold the shape the file was converted with; the
     * signature's -1 marks the dims a user may change, shown as unknown */
    if (t->has_shape_signature && t->signature_rank == t->rank && t->rank > 0) {
        struct ir_dim *d = ARENA_ARRAY(a, t->rank, struct ir_dim);
        if (!d) return nomem(err);
        for (int i = 0; i < t->rank; i++) {
            d[i] = t->dims[i];
            if (t->shape_signature[i] < 0) d[i].value = -1, d[i].param = NULL;
        }
        v->dims = d;
    }
    return FY_OK;
}

/* Names of the main graph's sparse initializers: ONNX lists initializers
 * among the inputs in old files, and those are not inputs a user feeds. */
static bool is_sparse_initializer(const struct ir_graph *g, const char *name)
{
    for (int i = 0; i < g->extras.count; i++) {
        uint64_t n;
        const char *s;
        size_t len;
        if (sparse_initializer(g, &g->extras.items[i], &n, &s, &len) && s &&
            len == strlen(name) && !memcmp(s, name, len))
            return true;
    }
    return false;
}

static fy_status describe_io(const struct ir_graph *g, struct inspect_report *r,
                             struct fy_error *err)
{
    r->inputs = ARENA_ARRAY(&r->arena, g->n_inputs ? g->n_inputs : 1, struct inspect_value);
    r->outputs = ARENA_ARRAY(&r->arena, g->n_outputs ? g->n_outputs : 1, struct inspect_value);
    if (!r->inputs || !r->outputs) return nomem(err);
    fy_status st = FY_OK;
    for (int i = 0; i < g->n_inputs && !st; i++) {
        const struct ir_tensor *t = g->inputs[i];
        if (t->kind == IR_TENSOR_CONST || is_sparse_initializer(g, t->name)) continue;
        st = describe_value(t, &r->inputs[r->n_inputs++], &r->arena, err);
    }
    for (int i = 0; i < g->n_outputs && !st; i++)
        st = describe_value(g->outputs[i], &r->outputs[r->n_outputs++], &r->arena, err);
    return st;
}

static fy_status describe_opsets(const struct ir_model *m, struct inspect_report *r,
                                 struct fy_error *err)
{
    r->has_opsets = m->format == IR_FORMAT_ONNX;
    if (!r->has_opsets) return FY_OK;
    r->opsets = ARENA_ARRAY(&r->arena, m->n_opsets ? m->n_opsets : 1, struct inspect_opset);
    if (!r->opsets) return nomem(err);
    for (int i = 0; i < m->n_opsets; i++) {
        const char *d = m->opsets[i].domain ? m->opsets[i].domain : "";
        /* "ai.onnx" is another spelling of the default domain. */
        r->opsets[i].domain = strcmp(d, "ai.onnx") == 0 ? "" : d;
        r->opsets[i].version = m->opsets[i].version;
    }
    r->n_opsets = m->n_opsets;
    return FY_OK;
}

static int by_count_then_name(const void *a, const void *b)
{
    const struct inspect_op_count *x = a, *y = b;
    if (x->count != y->count) return x->count > y->count ? -1 : 1;
    return strcmp(x->op_type, y->op_type);
}

static fy_status count_ops(const struct ir_graph *g, struct inspect_report *r,
                           struct fy_error *err)
{
    struct strmap seen;
    strmap_init(&seen, &r->arena);
    r->op_counts = ARENA_ARRAY(&r->arena, g->n_nodes ? g->n_nodes : 1, struct inspect_op_count);
    if (!r->op_counts) return nomem(err);
    for (int i = 0; i < g->n_nodes; i++) {
        const char *op = g->nodes[i]->op_type ? g->nodes[i]->op_type : "";
        size_t len = strlen(op);
        /* the map holds row index + 1, so that "absent" is NULL */
        uintptr_t row = (uintptr_t)strmap_get(&seen, op, len);
        int version = g->nodes[i]->version;
        if (!row) {
            row = (uintptr_t)r->n_op_counts + 1;
            r->op_counts[r->n_op_counts].op_type = op;
            r->n_op_counts++;
            if (strmap_put(&seen, op, len, (void *)row)) return nomem(err);
        }
        struct inspect_op_count *c = &r->op_counts[row - 1];
        c->count++;
        if (version > 0 && version < 64) c->versions |= (uint64_t)1 << version;
    }
    qsort(r->op_counts, (size_t)r->n_op_counts, sizeof *r->op_counts, by_count_then_name);
    return FY_OK;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* Initializers: every CONST tensor of the main graph (a reader that has no
 * initializer list, like TFLite's, marks constant buffers CONST too). Values
 * of Constant nodes are node outputs, so they are not counted, as DESIGN.md
 * asks. Sparse initializers count their dense shape, like onnx's own tools. */
static void count_params(const struct ir_graph *g, struct inspect_report *r)
{
    for (int i = 0; i < g->n_tensors; i++) {
        const struct ir_tensor *t = g->tensors[i];
        if (t->kind != IR_TENSOR_CONST) continue;
        uint64_t n = 0;
        if (!ir_tensor_numel(t, &n)) n = t->dtype == IR_STRING ? t->n_strings : 0;
        r->param_count = sat_add(r->param_count, n);
        uint64_t bytes = t->nbytes;
        for (uint64_t s = 0; t->strings && s < t->n_strings; s++)
            bytes = sat_add(bytes, t->strings[s].size);
        r->weight_bytes = sat_add(r->weight_bytes, bytes);
    }
    for (int i = 0; i < g->extras.count; i++) {
        uint64_t n;
        const char *name;
        size_t len;
        if (!sparse_initializer(g, &g->extras.items[i], &n, &name, &len)) continue;
        r->param_count = sat_add(r->param_count, n);
        r->weight_bytes = sat_add(r->weight_bytes, g->extras.items[i].size); /* as stored */
    }
}

/* ---- facts the rules share ---- */

static void count_outer_uses(const struct ir_graph *main, const struct ir_graph *sub, int *uses);

static void count_subgraph_uses(const struct ir_graph *main, const struct ir_node *n, int *uses)
{
    for (int a = 0; a < n->n_attrs; a++) {
        const struct ir_attr *at = &n->attrs[a];
        if (at->type == IR_ATTR_GRAPH) count_outer_uses(main, at->v.g, uses);
        else if (at->type == IR_ATTR_GRAPHS)
            for (int64_t j = 0; j < at->count; j++) count_outer_uses(main, at->v.graphs[j], uses);
    }
}

/* A subgraph reads an enclosing graph's value through an OUTER tensor of the
 * same name; that is a use of the main graph's tensor too (by name, so a
 * shadowing name counts as a use: rules then err on the quiet side). */
static void count_outer_uses(const struct ir_graph *main, const struct ir_graph *sub, int *uses)
{
    for (int i = 0; i < sub->n_tensors; i++) {
        if (sub->tensors[i]->kind != IR_TENSOR_OUTER) continue;
        const struct ir_tensor *t = ir_graph_find_tensor(main, sub->tensors[i]->name);
        if (t) uses[t->id]++;
    }
    for (int i = 0; i < sub->n_nodes; i++) count_subgraph_uses(main, sub->nodes[i], uses);
}

static bool has_subgraph(const struct ir_node *n)
{
    for (int a = 0; a < n->n_attrs; a++)
        if (n->attrs[a].type == IR_ATTR_GRAPH || n->attrs[a].type == IR_ATTR_GRAPHS) return true;
    return false;
}

/* Whether a node's outputs are known without running the model, given which
 * of its inputs are. Constant always; Shape and Size also when the file
 * states a static shape for their input; any other op ferry knows when all
 * its inputs are constant. Unknown ops (their semantics, maybe random, are
 * not ours to assume) and nodes with subgraphs never. */
static bool node_is_const(const struct ir_node *n, const bool *is_const)
{
    if (n->op == IR_OP_CONSTANT) return true;
    if (n->op == IR_OP_OPAQUE || has_subgraph(n)) return false;
    if ((n->op == IR_OP_SHAPE || n->op == IR_OP_SIZE) && n->n_inputs > 0 && n->inputs[0] &&
        ir_tensor_is_static(n->inputs[0]))
        return true;
    int present = 0;
    for (int i = 0; i < n->n_inputs; i++) {
        const struct ir_tensor *t = n->inputs[i];
        if (!t) continue;
        present++;
        if (t->graph != n->graph || !is_const[t->id]) return false;
    }
    return present > 0;
}

static fy_status shared_facts(struct inspect_ctx *c, struct fy_error *err)
{
    const struct ir_graph *g = c->graph;
    struct arena *a = &c->report->arena;
    size_t nt = (size_t)g->n_tensors + 1;
    c->uses = ARENA_ARRAY(a, nt, int);
    c->is_output = ARENA_ARRAY(a, nt, bool);
    c->is_const = ARENA_ARRAY(a, nt, bool);
    if (!c->uses || !c->is_output || !c->is_const) return nomem(err);
    for (int i = 0; i < g->n_nodes; i++) {
        const struct ir_node *n = g->nodes[i];
        for (int j = 0; j < n->n_inputs; j++)
            if (n->inputs[j] && n->inputs[j]->graph == g) c->uses[n->inputs[j]->id]++;
        count_subgraph_uses(g, n, c->uses);
    }
    for (int i = 0; i < g->n_outputs; i++)
        if (g->outputs[i]->graph == g) c->is_output[g->outputs[i]->id] = true;

    /* Producers first, so one pass settles constness. A graph with a cycle
     * (the reader accepts it; verify reports it) is walked in file order,
     * which only makes the answer more conservative. */
    struct fy_error scratch = {0};
    if (ir_graph_topo_order(g, &c->order, &scratch) != FY_OK) c->order = g->nodes;
    for (int i = 0; i < g->n_tensors; i++)
        c->is_const[i] = g->tensors[i]->kind == IR_TENSOR_CONST;
    for (int i = 0; i < g->n_nodes; i++) {
        const struct ir_node *n = c->order[i];
        if (!node_is_const(n, c->is_const)) continue;
        for (int j = 0; j < n->n_outputs; j++)
            if (n->outputs[j]) c->is_const[n->outputs[j]->id] = true;
    }
    return FY_OK;
}

fy_status inspect_model(const struct ir_model *m, struct inspect_report *r,
                        struct fy_error *err)
{
    memset(r, 0, sizeof *r);
    arena_init(&r->arena);
    const struct ir_graph *g = m->graph;
    if (!g) return err_fmt(err, FY_EINVALID, "the model has no graph");
    r->path = m->path;
    r->format = format_name(m->format);
    r->producer_name = m->producer_name ? m->producer_name : "";
    r->producer_version = m->producer_version ? m->producer_version : "";
    r->ir_version = m->ir_version;
    r->node_count = g->n_nodes;
    r->subgraph_node_count = ir_graph_subgraph_node_count(g);
    /* TFLite keeps its other subgraphs (WHILE/IF bodies, other signatures)
     * beside the main one rather than inside nodes */
    for (int i = 1; m->tflite && i < m->tflite->n_subgraphs; i++)
        r->subgraph_node_count += m->tflite->subgraphs[i]->n_nodes;
    if (m->tflite) {
        r->signatures = m->tflite->signatures;
        r->n_signatures = m->tflite->n_signatures;
    }
    r->warnings = m->warnings;
    r->n_warnings = m->n_warnings;
    fy_status st;
    if ((st = describe_opsets(m, r, err)) || (st = describe_io(g, r, err)) ||
        (st = count_ops(g, r, err)))
        return st;
    count_params(g, r);

    struct inspect_ctx c = {.model = m, .graph = g, .report = r};
    if ((st = shared_facts(&c, err))) return st;
    for (int i = 0; i < inspect_n_rules; i++)
        if ((st = inspect_rules[i].run(&c, &inspect_rules[i], err))) return st;
    return FY_OK;
}

void inspect_report_free(struct inspect_report *r)
{
    if (!r) return;
    arena_release(&r->arena);
    memset(r, 0, sizeof *r);
}

/* ---- Graphviz ---- */

/* Inside a DOT double-quoted string only '"' and '\' need escaping; control
 * characters would break the line-based label, so they become spaces. */
static void dot_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\') fputc('\\', f), fputc(ch, f);
        else if (ch < 0x20 || ch == 0x7f) fputc(' ', f);
        else fputc(ch, f);
    }
}

static void dot_tensor_type(FILE *f, const struct ir_tensor *t)
{
    char shape[256];
    inspect_shape_str(t->rank, t->dims, shape, sizeof shape);
    dot_text(f, t->dtype == IR_UNDEFINED ? "?" : ir_dtype_name(t->dtype));
    dot_text(f, shape);
}

static void dot_graph(FILE *f, const struct ir_graph *g)
{
    fputs("digraph model {\n"
          "  rankdir=TB;\n"
          "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#eef2f7\", "
          "fontname=\"Helvetica\", fontsize=11];\n"
          "  edge [fontname=\"Helvetica\", fontsize=9, color=\"#555555\"];\n",
          f);
    for (int i = 0; i < g->n_inputs; i++) {
        const struct ir_tensor *t = g->inputs[i];
        if (t->kind == IR_TENSOR_CONST) continue;
        fprintf(f, "  t%d [shape=ellipse, fillcolor=\"#d9ead3\", label=\"", t->id);
        dot_text(f, t->name);
        fputs("\\n", f);
        dot_tensor_type(f, t);
        fputs("\"];\n", f);
    }
    for (int i = 0; i < g->n_nodes; i++) {
        const struct ir_node *n = g->nodes[i];
        fprintf(f, "  n%d [%slabel=\"", n->id,
                n->op == IR_OP_OPAQUE ? "fillcolor=\"#f4cccc\", " : "");
        if (n->domain && n->domain[0]) dot_text(f, n->domain), fputs("::", f);
        dot_text(f, n->op_type ? n->op_type : "?");
        if (n->name && n->name[0]) fputs("\\n", f), dot_text(f, n->name);
        /* weights shown in the node, as Netron does: name [shape] */
        for (int j = 0; j < n->n_inputs; j++) {
            const struct ir_tensor *t = n->inputs[j];
            if (!t || t->kind != IR_TENSOR_CONST) continue;
            char shape[256];
            inspect_shape_str(t->rank, t->dims, shape, sizeof shape);
            fputs("\\n", f);
            dot_text(f, t->name);
            fputc(' ', f);
            dot_text(f, shape);
        }
        fputs("\"];\n", f);
    }
    for (int i = 0; i < g->n_outputs; i++) {
        const struct ir_tensor *t = g->outputs[i];
        fprintf(f, "  out%d [shape=ellipse, fillcolor=\"#fce5cd\", label=\"", i);
        dot_text(f, t->name);
        fputs("\\n", f);
        dot_tensor_type(f, t);
        fputs("\"];\n", f);
    }
    for (int i = 0; i < g->n_nodes; i++) {
        const struct ir_node *n = g->nodes[i];
        for (int j = 0; j < n->n_inputs; j++) {
            const struct ir_tensor *t = n->inputs[j];
            if (!t || t->graph != g || t->kind == IR_TENSOR_CONST) continue;
            if (t->producer) fprintf(f, "  n%d -> n%d", t->producer->id, n->id);
            else fprintf(f, "  t%d -> n%d", t->id, n->id);
            if (t->rank >= 0) {
                char shape[256];
                inspect_shape_str(t->rank, t->dims, shape, sizeof shape);
                fputs(" [label=\"", f);
                dot_text(f, shape);
                fputs("\"]", f);
            }
            fputs(";\n", f);
        }
    }
    for (int i = 0; i < g->n_outputs; i++) {
        const struct ir_tensor *t = g->outputs[i];
        if (t->producer) fprintf(f, "  n%d -> out%d;\n", t->producer->id, i);
        else if (t->kind != IR_TENSOR_CONST) fprintf(f, "  t%d -> out%d;\n", t->id, i);
    }
    fputs("}\n", f);
}

fy_status inspect_write_dot(const struct ir_model *m, const char *path,
                            const char *const *inputs, int n_inputs, struct fy_error *err)
{
    struct atomic_file af;
    fy_status st = atomic_file_open(&af, path, inputs, n_inputs, err);
    if (st) return st;
    dot_graph(af.f, m->graph);
    return atomic_file_commit(&af, err);
}
