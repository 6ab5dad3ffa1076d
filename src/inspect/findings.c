/* The findings of `ferry inspect`: one rule per kind, listed in a table.
 *
 * A rule looks at the main graph (and, where it matters, the subgraphs) and
 * adds findings; each message says what was found and why a user converting
 * or deploying the model would care. Rules only read the model. Adding a
 * kind is adding a function and a row. */
#include <inttypes.h>
#include <string.h>

#include "inspect/inspect.h"

#define EXAMPLES 3 /* names quoted per aggregate finding */

/* "'a', 'b', 'c'" — the first few names of a group, for the message. */
struct examples {
    char text[384];
    int n;
};

static void examples_add(struct examples *e, const char *name)
{
    if (e->n++ >= EXAMPLES) return;
    size_t len = strlen(e->text);
    snprintf(e->text + len, sizeof e->text - len, "%s'%s'", len ? ", " : "", name);
}

static const char *more(const struct examples *e)
{
    return e->n > EXAMPLES ? ", ..." : "";
}

static bool op_in(enum ir_op op, const enum ir_op *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] == op) return true;
    return false;
}

static const char *plural(int64_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

/* Calls fn on every node of g and of its subgraphs, depth first. */
typedef fy_status (*node_fn)(struct inspect_ctx *c, const struct ir_node *n, void *arg,
                             struct fy_error *err);

static fy_status visit(struct inspect_ctx *c, const struct ir_graph *g, node_fn fn, void *arg,
                       struct fy_error *err)
{
    for (int i = 0; i < g->n_nodes; i++) {
        const struct ir_node *n = g->nodes[i];
        fy_status st = fn(c, n, arg, err);
        for (int a = 0; a < n->n_attrs && !st; a++) {
            const struct ir_attr *at = &n->attrs[a];
            if (at->type == IR_ATTR_GRAPH) st = visit(c, at->v.g, fn, arg, err);
            else if (at->type == IR_ATTR_GRAPHS)
                for (int64_t j = 0; j < at->count && !st; j++)
                    st = visit(c, at->v.graphs[j], fn, arg, err);
        }
        if (st) return st;
    }
    return FY_OK;
}

/* ---- batchnorm_not_folded ---- */

/* Ops whose weights a following BatchNormalization can be folded into. */
static const enum ir_op bn_hosts[] = {IR_OP_CONV, IR_OP_CONV_TRANSPOSE, IR_OP_GEMM};

static bool const_input(const struct inspect_ctx *c, const struct ir_node *n, int i)
{
    return i < n->n_inputs && n->inputs[i] && n->inputs[i]->graph == c->graph &&
           c->is_const[n->inputs[i]->id];
}

static fy_status rule_batchnorm(struct inspect_ctx *c, const struct inspect_rule *rule,
                                struct fy_error *err)
{
    const struct ir_graph *g = c->graph;
    for (int i = 0; i < g->n_nodes; i++) {
        const struct ir_node *bn = g->nodes[i];
        if (bn->op != IR_OP_BATCH_NORMALIZATION || bn->n_inputs < 5 || !bn->inputs[0]) continue;
        const struct ir_tensor *x = bn->inputs[0];
        const struct ir_node *host = x->producer;
        if (!host || x->graph != g ||
            !op_in(host->op, bn_hosts, sizeof bn_hosts / sizeof bn_hosts[0]))
            continue;
        /* The host's output must feed only this BatchNormalization, or the
         * unscaled value is still needed elsewhere. */
        if (c->uses[x->id] != 1 || c->is_output[x->id]) continue;
        bool foldable = const_input(c, host, 1);
        for (int j = 1; j <= 4; j++) foldable = foldable && const_input(c, bn, j);
        /* training mode: the running statistics it outputs are read */
        for (int j = 1; j < bn->n_outputs; j++)
            if (bn->outputs[j] && (c->uses[bn->outputs[j]->id] || c->is_output[bn->outputs[j]->id]))
                foldable = false;
        if (!foldable) continue;
        fy_status st = inspect_add_finding(
            c->report, rule->kind, inspect_node_label(bn), err,
            "%s can be folded into the %s '%s' before it (its parameters are constant and the "
            "%s feeds only it), saving a node and a pass over the activations",
            bn->op_type, host->op_type, inspect_node_label(host), host->op_type);
        if (st) return st;
    }
    return FY_OK;
}

/* ---- transposes, casts, reshapes: one op counted ---- */

static fy_status rule_op_count(struct inspect_ctx *c, const struct inspect_rule *rule,
                               struct fy_error *err)
{
    const struct ir_graph *g = c->graph;
    struct examples ex = {0};
    const char *op_type = NULL;
    for (int i = 0; i < g->n_nodes; i++) {
        const struct ir_node *n = g->nodes[i];
        if (n->op != rule->op) continue;
        if (!op_type) op_type = n->op_type; /* the file's own spelling ("TRANSPOSE") */
        examples_add(&ex, inspect_node_label(n));
    }
    if (!ex.n) return FY_OK;
    return inspect_add_finding(c->report, rule->kind, NULL, err, "%d %s %s (%s%s): %s", ex.n,
                               op_type, plural(ex.n, "node", "nodes"), ex.text, more(&ex),
                               rule->what);
}

/* ---- foldable_constants ---- */

static fy_status rule_foldable(struct inspect_ctx *c, const struct inspect_rule *rule,
                               struct fy_error *err)
{
    const struct ir_graph *g = c->graph;
    struct examples ex = {0};
    for (int i = 0; i < g->n_nodes; i++) {
        const struct ir_node *n = c->order[i];
        if (n->op == IR_OP_CONSTANT || n->n_outputs == 0 || !n->outputs[0] ||
            !c->is_const[n->outputs[0]->id])
            continue;
        examples_add(&ex, inspect_node_label(n));
    }
    if (!ex.n) return FY_OK;
    return inspect_add_finding(c->report, rule->kind, NULL, err,
                               "%d %s only from constants (%s%s): constant folding would "
                               "replace %s with the values computed",
                               ex.n, plural(ex.n, "node computes", "nodes compute"), ex.text,
                               more(&ex), plural(ex.n, "it", "them"));
}

/* ---- control_flow ---- */

static const enum ir_op control_ops[] = {IR_OP_IF, IR_OP_LOOP, IR_OP_SCAN, IR_OP_TFL_IF,
                                         IR_OP_TFL_WHILE};

/* TFLite's IF and WHILE name their subgraphs by index (tflite_ops.c). */
static const char *const tfl_control_attrs[] = {"then_subgraph_index", "else_subgraph_index",
                                                "cond_subgraph_index", "body_subgraph_index"};

static fy_status control_flow_node(struct inspect_ctx *c, const struct ir_node *n, void *arg,
                                   struct fy_error *err)
{
    const struct inspect_rule *rule = arg;
    if (!op_in(n->op, control_ops, sizeof control_ops / sizeof control_ops[0])) return FY_OK;
    int64_t graphs = 0, nodes = 0;
    const struct ir_tflite_info *ti = n->graph && n->graph->model ? n->graph->model->tflite : NULL;
    for (int a = 0; a < n->n_attrs; a++) {
        const struct ir_attr *at = &n->attrs[a];
        bool by_index = false;
        for (size_t k = 0; k < sizeof tfl_control_attrs / sizeof tfl_control_attrs[0]; k++)
            by_index |= !strcmp(at->name, tfl_control_attrs[k]);
        if (by_index && at->type == IR_ATTR_INT && ti && at->v.i >= 0 &&
            at->v.i < ti->n_subgraphs) {
            graphs++;
            nodes += ti->subgraphs[at->v.i]->n_nodes;
        } else if (at->type == IR_ATTR_GRAPH) {
            graphs++;
            nodes += at->v.g->n_nodes + ir_graph_subgraph_node_count(at->v.g);
        } else if (at->type == IR_ATTR_GRAPHS) {
            for (int64_t j = 0; j < at->count; j++) {
                graphs++;
                nodes += at->v.graphs[j]->n_nodes + ir_graph_subgraph_node_count(at->v.graphs[j]);
            }
        }
    }
    const char *where = n->graph == c->graph ? "" : " inside a subgraph";
    return inspect_add_finding(c->report, rule->kind, inspect_node_label(n), err,
                               "%s%s with %" PRId64 " %s (%" PRId64 " %s): data-dependent "
                               "control flow; targets without control flow need it removed "
                               "(a constant condition or trip count) or unrolled",
                               n->op_type, where, graphs, plural(graphs, "subgraph", "subgraphs"),
                               nodes, plural(nodes, "node", "nodes"));
}

static fy_status rule_control_flow(struct inspect_ctx *c, const struct inspect_rule *rule,
                                   struct fy_error *err)
{
    return visit(c, c->graph, control_flow_node, (void *)rule, err);
}

/* ---- dynamic_dims ---- */

static fy_status dynamic_value(struct inspect_ctx *c, const struct inspect_rule *rule,
                               bool is_input, const struct inspect_value *v, bool static_inputs,
                               struct fy_error *err)
{
    const char *role = is_input ? "input" : "output";
    if (v->rank < 0)
        return inspect_add_finding(c->report, rule->kind, v->name, err,
                                   "%s with no shape in the file; targets that need static "
                                   "shapes need %s",
                                   role, is_input ? "one given (--shape NAME=DIMS)"
                                                  : "it to follow from the inputs' shapes");
    char dyn[512] = "";
    size_t len = 0;
    for (int i = 0; i < v->rank && len < sizeof dyn; i++) {
        if (v->dims[i].value >= 0) continue;
        int w = v->dims[i].param
                    ? snprintf(dyn + len, sizeof dyn - len, "%s%d ('%s')", len ? ", " : "", i,
                               v->dims[i].param)
                    : snprintf(dyn + len, sizeof dyn - len, "%s%d (unknown)", len ? ", " : "",
                               i);
        len = w < 0 ? sizeof dyn : len + (size_t)w;
    }
    if (!dyn[0]) return FY_OK;
    char shape[256];
    inspect_shape_str(v->rank, v->dims, shape, sizeof shape);
    /* An output can only be dynamic through its inputs, unless the data
     * decides its size (control flow, NonZero) or the exporter did not infer
     * it; with static inputs, only the last two remain. */
    const char *advice = is_input ? "targets that need static shapes need it fixed "
                                    "(--shape NAME=DIMS)"
                         : static_inputs ? "the inputs are static, so the data decides this "
                                           "size (control flow, NonZero, ...) or the exporter "
                                           "did not infer it"
                                         : "it follows from the inputs' dynamic dims";
    return inspect_add_finding(c->report, rule->kind, v->name, err,
                               "%s of shape %s, dynamic in dim%s %s; %s", role, shape,
                               strchr(dyn, ',') ? "s" : "", dyn, advice);
}

static fy_status rule_dynamic_dims(struct inspect_ctx *c, const struct inspect_rule *rule,
                                   struct fy_error *err)
{
    const struct inspect_report *r = c->report;
    bool static_inputs = true;
    for (int i = 0; i < r->n_inputs; i++) {
        static_inputs = static_inputs && r->inputs[i].rank >= 0;
        for (int d = 0; d < r->inputs[i].rank; d++)
            static_inputs = static_inputs && r->inputs[i].dims[d].value >= 0;
    }
    fy_status st = FY_OK;
    for (int i = 0; i < r->n_inputs && !st; i++)
        st = dynamic_value(c, rule, true, &r->inputs[i], static_inputs, err);
    for (int i = 0; i < r->n_outputs && !st; i++)
        st = dynamic_value(c, rule, false, &r->outputs[i], static_inputs, err);
    return st;
}

/* ---- opaque_ops ---- */

struct opaque_group {
    const char *domain;
    const char *op_type;
    const char *first; /* node label */
    int64_t count;
};

struct opaque_groups {
    struct opaque_group *items;
    int n, cap;
    struct strmap by_key; /* "domain\x1fop_type" -> index + 1 */
    struct arena *arena;
};

static fy_status opaque_node(struct inspect_ctx *c, const struct ir_node *n, void *arg,
                             struct fy_error *err)
{
    (void)c;
    struct opaque_groups *gr = arg;
    if (n->op != IR_OP_OPAQUE) return FY_OK;
    const char *domain = n->domain ? n->domain : "", *op = n->op_type ? n->op_type : "";
    char *key = arena_printf(gr->arena, "%s\x1f%s", domain, op);
    if (!key) return err_fmt(err, FY_ENOMEM, "out of memory");
    size_t len = strlen(key);
    uintptr_t row = (uintptr_t)strmap_get(&gr->by_key, key, len);
    if (!row) {
        if (arena_grow(gr->arena, (void **)&gr->items, &gr->cap, gr->n + 1, sizeof *gr->items))
            return err_fmt(err, FY_ENOMEM, "out of memory");
        gr->items[gr->n] = (struct opaque_group){domain, op, inspect_node_label(n), 0};
        row = (uintptr_t)++gr->n;
        if (strmap_put(&gr->by_key, key, len, (void *)row))
            return err_fmt(err, FY_ENOMEM, "out of memory");
    }
    gr->items[row - 1].count++;
    return FY_OK;
}

static fy_status rule_opaque_ops(struct inspect_ctx *c, const struct inspect_rule *rule,
                                 struct fy_error *err)
{
    struct opaque_groups gr = {.arena = &c->report->arena};
    strmap_init(&gr.by_key, gr.arena);
    fy_status st = visit(c, c->graph, opaque_node, &gr, err);
    for (int i = 0; i < gr.n && !st; i++) {
        const struct opaque_group *o = &gr.items[i];
        char domain[200];
        if (o->domain[0]) snprintf(domain, sizeof domain, " of domain '%s'", o->domain);
        else if (c->model->format == IR_FORMAT_TFLITE) domain[0] = 0; /* no domains there */
        else snprintf(domain, sizeof domain, " of the default domain");
        st = inspect_add_finding(c->report, rule->kind, o->first, err,
                                 "%s%s (%" PRId64 " %s): an op ferry does not know; it is "
                                 "kept verbatim when the model is written back, but cannot be "
                                 "run or converted",
                                 o->op_type, domain, o->count, plural(o->count, "node", "nodes"));
    }
    return st;
}

/* ---- kept_opaque ---- */

struct kept_group {
    const char *message; /* "ModelProto", ... */
    int field;
    const char *name, *what;
    int64_t count;
};

#define KEPT_GROUPS 32

static void kept_add(struct kept_group *k, int *n, const char *message,
                     const struct ir_extras *x, bool protobuf)
{
    for (int i = 0; i < x->count; i++) {
        const char *name = NULL, *what = NULL;
        int field = protobuf ? inspect_extras_field(&x->items[i], message, &name, &what) : -1;
        int j = 0;
        while (j < *n && !(k[j].message == message && k[j].field == field)) j++;
        if (j == *n) {
            if (*n == KEPT_GROUPS) continue; /* a file this odd is told in part */
            k[(*n)++] = (struct kept_group){message, field, name, what, 0};
        }
        k[j].count++;
    }
}

/* Where kept fields live, and what to call their owner in a message. */
static const struct kept_source {
    const char *message;
    const char *owner;
} kept_sources[] = {
    {"ModelProto", "the model"},
    {"GraphProto", "the main graph"},
    {"NodeProto", "nodes of the main graph"},
};

static fy_status rule_kept_opaque(struct inspect_ctx *c, const struct inspect_rule *rule,
                                  struct fy_error *err)
{
    /* Extras hold protobuf fields only for ONNX; other formats keep their
     * own encoding, which is only counted. */
    bool pb = c->model->format == IR_FORMAT_ONNX;
    struct kept_group k[KEPT_GROUPS];
    int n = 0;
    kept_add(k, &n, kept_sources[0].message, &c->model->extras, pb);
    kept_add(k, &n, kept_sources[1].message, &c->graph->extras, pb);
    for (int i = 0; i < c->graph->n_nodes; i++)
        kept_add(k, &n, kept_sources[2].message, &c->graph->nodes[i]->extras, pb);
    for (int i = 0; i < n; i++) {
        const char *owner = "";
        for (size_t s = 0; s < sizeof kept_sources / sizeof kept_sources[0]; s++)
            if (kept_sources[s].message == k[i].message) owner = kept_sources[s].owner;
        const char *items = plural(k[i].count, "item", "items");
        fy_status st;
        /* Named by onnx.proto's own field names, which is what a user
         * searching the ONNX documentation needs. */
        if (k[i].field < 0)
            st = inspect_add_finding(c->report, rule->kind, NULL, err,
                                     "%s: %" PRId64 " %s ferry does not interpret, kept "
                                     "verbatim when the model is written back",
                                     owner, k[i].count, items);
        else if (!k[i].name)
            st = inspect_add_finding(c->report, rule->kind, NULL, err,
                                     "%s: %s field %d (%" PRId64 " %s), unknown to ferry: kept "
                                     "verbatim when the model is written back, but not "
                                     "interpreted",
                                     owner, k[i].message, k[i].field, k[i].count, items);
        else
            st = inspect_add_finding(
                c->report, rule->kind, NULL, err,
                "%s: %s.%s (field %d, %" PRId64 " %s), %s: kept verbatim when the model is "
                "written back, but not interpreted%s",
                owner, k[i].message, k[i].name, k[i].field, k[i].count, items, k[i].what,
                !strcmp(k[i].name, "functions") ? "; nodes calling them are opaque ops" : "");
        if (st) return st;
    }
    return FY_OK;
}

/* ---- unused_initializers ---- */

static fy_status rule_unused_initializers(struct inspect_ctx *c, const struct inspect_rule *rule,
                                          struct fy_error *err)
{
    const struct ir_graph *g = c->graph;
    struct examples ex = {0};
    uint64_t bytes = 0;
    for (int i = 0; i < g->n_tensors; i++) {
        const struct ir_tensor *t = g->tensors[i];
        if (t->kind != IR_TENSOR_CONST || c->uses[t->id] || c->is_output[t->id]) continue;
        examples_add(&ex, t->name);
        bytes += t->nbytes;
    }
    if (!ex.n) return FY_OK;
    char human[32];
    inspect_human_bytes(bytes, human, sizeof human);
    return inspect_add_finding(c->report, rule->kind, NULL, err,
                               "%d %s (%s) %s read by no node (%s%s): dead weight that a "
                               "cleanup would drop",
                               ex.n, plural(ex.n, "initializer", "initializers"), human,
                               plural(ex.n, "is", "are"), ex.text, more(&ex));
}

/* ---- the table ---- */

const struct inspect_rule inspect_rules[] = {
    {"batchnorm_not_folded", rule_batchnorm, IR_OP_OPAQUE, NULL},
    {"foldable_constants", rule_foldable, IR_OP_OPAQUE, NULL},
    {"transposes", rule_op_count, IR_OP_TRANSPOSE,
     "each moves every element of its tensor; most come from NCHW/NHWC layout changes, and "
     "pairs that undo each other can be cancelled"},
    {"casts", rule_op_count, IR_OP_CAST,
     "element-type changes at run time; casts that undo each other, or that only feed another "
     "cast, are waste, and narrowing casts change values"},
    /* the same kinds for TFLite's own ops (a model has one family or the other) */
    {"transposes", rule_op_count, IR_OP_TFL_TRANSPOSE,
     "each moves every element of its tensor; in a TFLite model they usually come from a "
     "converter keeping the source's NCHW order, which an NHWC-native conversion avoids"},
    {"casts", rule_op_count, IR_OP_TFL_CAST,
     "element-type changes at run time; casts that undo each other are waste, and narrowing "
     "casts change values"},
    {"reshapes", rule_op_count, IR_OP_RESHAPE,
     "free in NCHW, but each fixes a memory order that a layout change (to NHWC) must respect, "
     "often with Transposes around it"},
    {"control_flow", rule_control_flow, IR_OP_OPAQUE, NULL},
    {"dynamic_dims", rule_dynamic_dims, IR_OP_OPAQUE, NULL},
    {"opaque_ops", rule_opaque_ops, IR_OP_OPAQUE, NULL},
    {"kept_opaque", rule_kept_opaque, IR_OP_OPAQUE, NULL},
    {"unused_initializers", rule_unused_initializers, IR_OP_OPAQUE, NULL},
};
const int inspect_n_rules = (int)(sizeof inspect_rules / sizeof inspect_rules[0]);
