#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir/ir.h"

static const char *const op_names[IR_OP_COUNT] = {
    [IR_OP_OPAQUE] = "(opaque)",
#define X(e, name) [IR_OP_##e] = name,
    IR_OP_LIST(X)
#undef X
};

const char *ir_op_name(enum ir_op op)
{
    if ((unsigned)op >= IR_OP_COUNT) return "?";
    return op_names[op];
}

enum ir_op ir_op_from_name(const char *name)
{
    /* op_names[1..] is sorted (tests/unit/test_ir.c checks it). */
    int lo = 1, hi = IR_OP_COUNT - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        int c = strcmp(name, op_names[mid]);
        if (c == 0) return (enum ir_op)mid;
        if (c < 0) hi = mid - 1;
        else lo = mid + 1;
    }
    return IR_OP_OPAQUE;
}

static const char *const attr_type_names[IR_ATTR_TYPE_COUNT] = {
    "undefined", "float",  "int",   "string",  "tensor",  "graph",          "sparse_tensor",
    "type_proto", "floats", "ints", "strings", "tensors", "graphs", "sparse_tensors",
    "type_protos",
};

const char *ir_attr_type_name(enum ir_attr_type t)
{
    if ((unsigned)t >= IR_ATTR_TYPE_COUNT) return "?";
    return attr_type_names[t];
}

static fy_status nomem(struct fy_error *err)
{
    return err_fmt(err, FY_ENOMEM, "out of memory");
}

struct ir_model *ir_model_new(struct fy_error *err)
{
    struct ir_model *m = calloc(1, sizeof *m);
    if (!m) {
        nomem(err);
        return NULL;
    }
    arena_init(&m->arena);
    m->producer_name = m->producer_version = m->domain = m->doc = "";
    m->graph = ir_graph_new(m, NULL);
    if (!m->graph) {
        ir_model_free(m);
        nomem(err);
        return NULL;
    }
    return m;
}

void ir_model_free(struct ir_model *m)
{
    if (!m) return;
    for (int i = 0; i < m->n_maps; i++) file_map_release(&m->maps[i]);
    arena_release(&m->arena);
    free(m);
}

fy_status ir_model_adopt_map(struct ir_model *m, struct file_map *map, struct fy_error *err)
{
    if (arena_grow(&m->arena, (void **)&m->maps, &m->cap_maps, m->n_maps + 1, sizeof *m->maps)) {
        file_map_release(map);
        return nomem(err);
    }
    m->maps[m->n_maps++] = *map;
    memset(map, 0, sizeof *map);
    return FY_OK;
}

struct ir_graph *ir_graph_new(struct ir_model *m, struct ir_graph *parent)
{
    struct ir_graph *g = ARENA_NEW(&m->arena, struct ir_graph);
    if (!g) return NULL;
    g->model = m;
    g->parent = parent;
    g->name = g->doc = "";
    strmap_init(&g->by_name, &m->arena);
    return g;
}

#define GROW(g, arr, n, cap) arena_grow(&(g)->model->arena, (void **)&(arr), &(cap), (n) + 1, sizeof *(arr))

struct ir_tensor *ir_graph_add_tensor(struct ir_graph *g, const char *name, struct fy_error *err)
{
    size_t len = strlen(name);
    if (strmap_get(&g->by_name, name, len)) {
        err_fmt(err, FY_EINVALID, "tensor name '%s' is defined twice", name);
        return NULL;
    }
    struct ir_tensor *t = ARENA_NEW(&g->model->arena, struct ir_tensor);
    if (!t || GROW(g, g->tensors, g->n_tensors, g->cap_tensors)) {
        nomem(err);
        return NULL;
    }
    t->id = g->n_tensors;
    t->name = t->origin = name;
    t->rank = -1;
    t->doc = "";
    t->graph = g;
    if (strmap_put(&g->by_name, name, len, t)) {
        nomem(err);
        return NULL;
    }
    g->tensors[g->n_tensors++] = t;
    return t;
}

struct ir_tensor *ir_graph_find_tensor(const struct ir_graph *g, const char *name)
{
    return strmap_get(&g->by_name, name, strlen(name));
}

struct ir_tensor *ir_graph_resolve(const struct ir_graph *g, const char *name)
{
    for (; g; g = g->parent) {
        struct ir_tensor *t = ir_graph_find_tensor(g, name);
        if (t) return t;
    }
    return NULL;
}

struct ir_node *ir_graph_add_node(struct ir_graph *g, enum ir_op op, const char *op_type,
                                  const char *domain, const char *name, int n_inputs,
                                  int n_outputs, struct fy_error *err)
{
    struct arena *a = &g->model->arena;
    struct ir_node *n = ARENA_NEW(a, struct ir_node);
    if (!n || n_inputs < 0 || n_outputs < 0 || GROW(g, g->nodes, g->n_nodes, g->cap_nodes)) {
        nomem(err);
        return NULL;
    }
    n->id = g->n_nodes;
    n->op = op;
    n->op_type = op_type ? op_type : ir_op_name(op);
    n->domain = domain ? domain : "";
    n->name = name ? name : "";
    n->doc = "";
    n->graph = g;
    n->n_inputs = n_inputs;
    n->n_outputs = n_outputs;
    n->inputs = ARENA_ARRAY(a, n_inputs ? n_inputs : 1, struct ir_tensor *);
    n->outputs = ARENA_ARRAY(a, n_outputs ? n_outputs : 1, struct ir_tensor *);
    if (!n->inputs || !n->outputs) {
        nomem(err);
        return NULL;
    }
    g->nodes[g->n_nodes++] = n;
    return n;
}

fy_status ir_graph_add_input(struct ir_graph *g, struct ir_tensor *t, struct fy_error *err)
{
    if (GROW(g, g->inputs, g->n_inputs, g->cap_inputs)) return nomem(err);
    g->inputs[g->n_inputs++] = t;
    return FY_OK;
}

fy_status ir_graph_add_output(struct ir_graph *g, struct ir_tensor *t, struct fy_error *err)
{
    if (GROW(g, g->outputs, g->n_outputs, g->cap_outputs)) return nomem(err);
    g->outputs[g->n_outputs++] = t;
    return FY_OK;
}

fy_status ir_graph_add_initializer(struct ir_graph *g, struct ir_tensor *t, struct fy_error *err)
{
    if (GROW(g, g->initializers, g->n_initializers, g->cap_initializers)) return nomem(err);
    g->initializers[g->n_initializers++] = t;
    t->kind = IR_TENSOR_CONST;
    return FY_OK;
}

fy_status ir_node_set_output(struct ir_node *n, int i, struct ir_tensor *t, struct fy_error *err)
{
    if (i < 0 || i >= n->n_outputs)
        return err_node(err, FY_EINTERNAL, n->name, n->op_type, "output slot %d out of range", i);
    if (t && t->producer && t->producer != n)
        return err_node(err, FY_EINVALID, n->name, n->op_type,
                        "output '%s' is already produced by node '%s'", t->name,
                        t->producer->name);
    if (t && t->kind == IR_TENSOR_CONST)
        return err_node(err, FY_EINVALID, n->name, n->op_type,
                        "output '%s' is also an initializer", t->name);
    n->outputs[i] = t;
    if (t) t->producer = n;
    return FY_OK;
}

struct ir_attr *ir_node_add_attr(struct ir_node *n, const char *name, enum ir_attr_type type,
                                 struct fy_error *err)
{
    struct arena *a = &n->graph->model->arena;
    if (arena_grow(a, (void **)&n->attrs, &n->cap_attrs, n->n_attrs + 1, sizeof *n->attrs)) {
        nomem(err);
        return NULL;
    }
    struct ir_attr *at = &n->attrs[n->n_attrs++];
    memset(at, 0, sizeof *at);
    at->name = name;
    at->type = type;
    at->count = 1;
    at->doc = "";
    return at;
}

const struct ir_attr *ir_node_attr(const struct ir_node *n, const char *name)
{
    for (int i = 0; i < n->n_attrs; i++)
        if (strcmp(n->attrs[i].name, name) == 0) return &n->attrs[i];
    return NULL;
}

fy_status ir_extras_add(struct arena *a, struct ir_extras *x, const uint8_t *data, size_t size,
                        struct fy_error *err)
{
    if (arena_grow(a, (void **)&x->items, &x->cap, x->count + 1, sizeof *x->items))
        return nomem(err);
    x->items[x->count].data = data;
    x->items[x->count].size = size;
    x->count++;
    return FY_OK;
}

fy_status ir_add_string_pair(struct arena *a, struct ir_string_pair **items, int *n, int *cap,
                             const char *key, const char *value, struct fy_error *err)
{
    if (arena_grow(a, (void **)items, cap, *n + 1, sizeof **items)) return nomem(err);
    (*items)[*n].key = key;
    (*items)[*n].value = value;
    (*n)++;
    return FY_OK;
}

fy_status ir_model_add_opset(struct ir_model *m, const char *domain, int64_t version,
                             struct fy_error *err)
{
    if (arena_grow(&m->arena, (void **)&m->opsets, &m->cap_opsets, m->n_opsets + 1,
                   sizeof *m->opsets))
        return nomem(err);
    m->opsets[m->n_opsets].domain = domain ? domain : "";
    m->opsets[m->n_opsets].version = version;
    m->n_opsets++;
    return FY_OK;
}

int64_t ir_model_opset(const struct ir_model *m, const char *domain)
{
    /* "ai.onnx" is another spelling of the default domain. */
    bool want_default = !domain[0] || strcmp(domain, "ai.onnx") == 0;
    for (int i = 0; i < m->n_opsets; i++) {
        const char *d = m->opsets[i].domain;
        bool is_default = !d[0] || strcmp(d, "ai.onnx") == 0;
        if (want_default ? is_default : strcmp(d, domain) == 0) return m->opsets[i].version;
    }
    return 0;
}

bool ir_tensor_is_static(const struct ir_tensor *t)
{
    if (t->rank < 0) return false;
    for (int i = 0; i < t->rank; i++)
        if (t->dims[i].value < 0) return false;
    return true;
}

bool ir_tensor_numel(const struct ir_tensor *t, uint64_t *n)
{
    if (!ir_tensor_is_static(t)) return false;
    uint64_t p = 1;
    for (int i = 0; i < t->rank; i++) {
        uint64_t d = (uint64_t)t->dims[i].value;
        if (d && p > UINT64_MAX / d) return false;
        p *= d;
    }
    *n = p;
    return true;
}

fy_status ir_tensor_set_shape(struct ir_graph *g, struct ir_tensor *t, int rank,
                              const int64_t *dims, struct fy_error *err)
{
    if (rank < 0) {
        t->rank = -1;
        t->dims = NULL;
        return FY_OK;
    }
    struct ir_dim *d = ARENA_ARRAY(&g->model->arena, rank ? rank : 1, struct ir_dim);
    if (!d) return nomem(err);
    for (int i = 0; i < rank; i++) d[i].value = dims[i];
    t->rank = rank;
    t->dims = d;
    return FY_OK;
}

fy_status ir_graph_uses(const struct ir_graph *g, struct ir_uses *u, struct fy_error *err)
{
    struct arena *a = &g->model->arena;
    u->offset = ARENA_ARRAY(a, (size_t)g->n_tensors + 1, int);
    if (!u->offset) return nomem(err);
    int total = 0;
    for (int i = 0; i < g->n_nodes; i++)
        for (int j = 0; j < g->nodes[i]->n_inputs; j++) {
            struct ir_tensor *t = g->nodes[i]->inputs[j];
            if (t && t->graph == g) u->offset[t->id + 1]++, total++;
        }
    for (int i = 0; i < g->n_tensors; i++) u->offset[i + 1] += u->offset[i];
    u->node = ARENA_ARRAY(a, total ? total : 1, struct ir_node *);
    int *fill = ARENA_ARRAY(a, (size_t)g->n_tensors + 1, int);
    if (!u->node || !fill) return nomem(err);
    for (int i = 0; i < g->n_nodes; i++)
        for (int j = 0; j < g->nodes[i]->n_inputs; j++) {
            struct ir_tensor *t = g->nodes[i]->inputs[j];
            if (t && t->graph == g) u->node[u->offset[t->id] + fill[t->id]++] = g->nodes[i];
        }
    return FY_OK;
}

static int node_deps(const struct ir_node *n, const struct ir_graph *g, struct ir_tensor **out,
                     int cap);

int ir_node_dependencies(const struct ir_node *n, struct ir_tensor **out, int cap)
{
    return node_deps(n, n->graph, out, cap);
}

static int graph_outer_deps(const struct ir_graph *sub, const struct ir_graph *g,
                            struct ir_tensor **out, int cap, int k)
{
    for (int i = 0; i < sub->n_tensors; i++) {
        struct ir_tensor *t = sub->tensors[i];
        if (t->kind != IR_TENSOR_OUTER) continue;
        struct ir_tensor *o = ir_graph_resolve(sub->parent, t->name);
        if (o && o->graph == g) {
            if (k < cap) out[k] = o;
            k++;
        }
    }
    for (int i = 0; i < sub->n_nodes; i++) {
        struct ir_node *n = sub->nodes[i];
        for (int a = 0; a < n->n_attrs; a++) {
            const struct ir_attr *at = &n->attrs[a];
            if (at->type == IR_ATTR_GRAPH)
                k = graph_outer_deps(at->v.g, g, out, cap, k);
            else if (at->type == IR_ATTR_GRAPHS)
                for (int64_t j = 0; j < at->count; j++)
                    k = graph_outer_deps(at->v.graphs[j], g, out, cap, k);
        }
    }
    return k;
}

static int node_deps(const struct ir_node *n, const struct ir_graph *g, struct ir_tensor **out,
                     int cap)
{
    int k = 0;
    for (int i = 0; i < n->n_inputs; i++)
        if (n->inputs[i]) {
            if (k < cap) out[k] = n->inputs[i];
            k++;
        }
    for (int a = 0; a < n->n_attrs; a++) {
        const struct ir_attr *at = &n->attrs[a];
        if (at->type == IR_ATTR_GRAPH)
            k = graph_outer_deps(at->v.g, g, out, cap, k);
        else if (at->type == IR_ATTR_GRAPHS)
            for (int64_t j = 0; j < at->count; j++)
                k = graph_outer_deps(at->v.graphs[j], g, out, cap, k);
    }
    return k;
}

fy_status ir_graph_topo_order(const struct ir_graph *g, struct ir_node ***order,
                              struct fy_error *err)
{
    struct arena *a = &g->model->arena;
    int n = g->n_nodes;
    struct ir_node **out = ARENA_ARRAY(a, n ? n : 1, struct ir_node *);
    int *pending = ARENA_ARRAY(a, n ? n : 1, int);
    /* consumers of each node: CSR over node ids */
    int *cnt = ARENA_ARRAY(a, (size_t)n + 1, int);
    if (!out || !pending || !cnt) return nomem(err);
    int cap = 16;
    struct ir_tensor **deps = ARENA_ARRAY(a, cap, struct ir_tensor *);
    if (!deps) return nomem(err);
    /* first pass: count edges producer -> consumer */
    int edges = 0;
    for (int i = 0; i < n; i++) {
        int k = node_deps(g->nodes[i], g, deps, cap);
        if (k > cap) {
            cap = k;
            deps = ARENA_ARRAY(a, cap, struct ir_tensor *);
            if (!deps) return nomem(err);
            k = node_deps(g->nodes[i], g, deps, cap);
        }
        for (int j = 0; j < k; j++) {
            struct ir_node *p = deps[j]->producer;
            if (p && p->graph == g && p != g->nodes[i]) {
                cnt[p->id + 1]++;
                pending[i]++;
                edges++;
            }
        }
    }
    for (int i = 0; i < n; i++) cnt[i + 1] += cnt[i];
    int *fill = ARENA_ARRAY(a, n ? n : 1, int);
    int *succ = ARENA_ARRAY(a, edges ? edges : 1, int);
    if (!fill || !succ) return nomem(err);
    for (int i = 0; i < n; i++) {
        int k = node_deps(g->nodes[i], g, deps, cap);
        for (int j = 0; j < k; j++) {
            struct ir_node *p = deps[j]->producer;
            if (p && p->graph == g && p != g->nodes[i]) succ[cnt[p->id] + fill[p->id]++] = i;
        }
    }
    /* Kahn's algorithm with a min-heap on file order, so a graph already in
     * order keeps exactly its order. */
    int *heap = ARENA_ARRAY(a, n ? n : 1, int);
    if (!heap) return nomem(err);
    int hn = 0, done = 0;
#define HEAP_PUSH(v)                                                                           \
    do {                                                                                       \
        int c_ = hn++;                                                                         \
        heap[c_] = (v);                                                                        \
        while (c_ > 0 && heap[(c_ - 1) / 2] > heap[c_]) {                                      \
            int p_ = (c_ - 1) / 2, t_ = heap[p_];                                              \
            heap[p_] = heap[c_];                                                               \
            heap[c_] = t_;                                                                     \
            c_ = p_;                                                                           \
        }                                                                                      \
    } while (0)
    for (int i = 0; i < n; i++)
        if (!pending[i]) HEAP_PUSH(i);
    while (hn) {
        int v = heap[0];
        heap[0] = heap[--hn];
        for (int c = 0;;) {
            int l = 2 * c + 1, r = l + 1, m = c;
            if (l < hn && heap[l] < heap[m]) m = l;
            if (r < hn && heap[r] < heap[m]) m = r;
            if (m == c) break;
            int t = heap[m];
            heap[m] = heap[c];
            heap[c] = t;
            c = m;
        }
        out[done++] = g->nodes[v];
        for (int e = cnt[v]; e < cnt[v + 1]; e++)
            if (--pending[succ[e]] == 0) HEAP_PUSH(succ[e]);
    }
#undef HEAP_PUSH
    if (done < n) {
        for (int i = 0; i < n; i++)
            if (pending[i])
                return err_node(err, FY_EINVALID, g->nodes[i]->name, g->nodes[i]->op_type,
                                "the graph has a cycle through this node");
    }
    *order = out;
    return FY_OK;
}

static fy_status verify_graph(const struct ir_graph *g, struct fy_error *err);

static fy_status verify_node(const struct ir_graph *g, const struct ir_node *n,
                             struct fy_error *err)
{
    for (int i = 0; i < n->n_inputs; i++) {
        const struct ir_tensor *t = n->inputs[i];
        if (t && t->graph != g)
            return err_node(err, FY_EINTERNAL, n->name, n->op_type,
                            "input %d '%s' belongs to another graph", i, t->name);
    }
    for (int i = 0; i < n->n_outputs; i++) {
        const struct ir_tensor *t = n->outputs[i];
        if (t && t->producer != n)
            return err_node(err, FY_EINVALID, n->name, n->op_type,
                            "output '%s' is produced by another node too", t->name);
    }
    for (int a = 0; a < n->n_attrs; a++) {
        const struct ir_attr *at = &n->attrs[a];
        fy_status st = FY_OK;
        if (at->type == IR_ATTR_GRAPH) st = verify_graph(at->v.g, err);
        else if (at->type == IR_ATTR_GRAPHS)
            for (int64_t j = 0; j < at->count && !st; j++) st = verify_graph(at->v.graphs[j], err);
        if (st) return st;
    }
    return FY_OK;
}

static fy_status verify_graph(const struct ir_graph *g, struct fy_error *err)
{
    for (int i = 0; i < g->n_tensors; i++) {
        const struct ir_tensor *t = g->tensors[i];
        if (t->id != i || t->graph != g)
            return err_fmt(err, FY_EINTERNAL, "tensor '%s' has a stale index", t->name);
        if (t->kind == IR_TENSOR_CONST && t->producer)
            return err_node(err, FY_EINVALID, t->producer->name, t->producer->op_type,
                            "output '%s' is also an initializer", t->name);
        if (t->kind == IR_TENSOR_OUTER && !ir_graph_resolve(g->parent, t->name)) {
            /* name the node that reads it: that is where the user will look */
            for (int k = 0; k < g->n_nodes; k++)
                for (int j = 0; j < g->nodes[k]->n_inputs; j++)
                    if (g->nodes[k]->inputs[j] == t)
                        return err_node(err, FY_EINVALID, g->nodes[k]->name,
                                        g->nodes[k]->op_type,
                                        "input '%s' is not defined in subgraph '%s' nor in any "
                                        "enclosing graph",
                                        t->name, g->name);
            return err_fmt(err, FY_EINVALID,
                           "subgraph '%s' reads '%s', which no enclosing graph defines",
                           g->name, t->name);
        }
        if (t->rank > 0 && !t->dims)
            return err_fmt(err, FY_EINTERNAL, "tensor '%s' has rank %d but no dims", t->name,
                           t->rank);
    }
    for (int i = 0; i < g->n_nodes; i++) {
        if (g->nodes[i]->id != i)
            return err_node(err, FY_EINTERNAL, g->nodes[i]->name, g->nodes[i]->op_type,
                            "node has a stale index");
        fy_status st = verify_node(g, g->nodes[i], err);
        if (st) return st;
    }
    struct ir_node **order;
    fy_status st = ir_graph_topo_order(g, &order, err);
    if (st) return st;
    /* a value read by a node must be a graph input, a constant, an outer
     * value, a variable (TFLite state: it starts from its initial value or
     * zero), or produced by some node */
    bool *is_input = ARENA_ARRAY(&g->model->arena, (size_t)g->n_tensors + 1, bool);
    if (!is_input) return nomem(err);
    for (int i = 0; i < g->n_inputs; i++) is_input[g->inputs[i]->id] = true;
    for (int i = 0; i < g->n_nodes; i++) {
        const struct ir_node *n = g->nodes[i];
        for (int j = 0; j < n->n_inputs; j++) {
            const struct ir_tensor *t = n->inputs[j];
            /* A TFLite custom op may read a tensor nothing writes: TFLite
             * allocates it, and Vela's ethos-u op uses such as scratch. */
            bool scratch = n->op == IR_OP_OPAQUE && g->model->format == IR_FORMAT_TFLITE;
            if (t && t->kind == IR_TENSOR_VALUE && !t->producer && !is_input[t->id] &&
                !t->is_variable && !scratch)
                return err_node(err, FY_EINVALID, n->name, n->op_type,
                                "input '%s' is not a graph input, an initializer or any "
                                "node's output",
                                t->name);
        }
    }
    for (int i = 0; i < g->n_outputs; i++) {
        const struct ir_tensor *t = g->outputs[i];
        if (t->kind == IR_TENSOR_VALUE && !t->producer && !is_input[t->id])
            return err_fmt(err, FY_EINVALID,
                           "graph output '%s' is not produced by any node nor an input",
                           t->name);
    }
    return FY_OK;
}

fy_status ir_graph_verify(const struct ir_graph *g, struct fy_error *err)
{
    return verify_graph(g, err);
}

int64_t ir_graph_subgraph_node_count(const struct ir_graph *g)
{
    int64_t total = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        const struct ir_node *n = g->nodes[i];
        for (int a = 0; a < n->n_attrs; a++) {
            const struct ir_attr *at = &n->attrs[a];
            if (at->type == IR_ATTR_GRAPH)
                total += at->v.g->n_nodes + ir_graph_subgraph_node_count(at->v.g);
            else if (at->type == IR_ATTR_GRAPHS)
                for (int64_t j = 0; j < at->count; j++)
                    total += at->v.graphs[j]->n_nodes +
                             ir_graph_subgraph_node_count(at->v.graphs[j]);
        }
    }
    return total;
}
