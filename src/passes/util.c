#include "passes/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/half.h"
#include "interp/interp.h"

static fy_status nomem(struct fy_error *err) { return err_fmt(err, FY_ENOMEM, "out of memory"); }

/* ---- attributes ---- */

int64_t pu_attr_int(const struct ir_node *n, const char *name, int64_t dflt)
{
    const struct ir_attr *a = ir_node_attr(n, name);
    if (!a) return dflt;
    if (a->type == IR_ATTR_INT) return a->v.i;
    if (a->type == IR_ATTR_FLOAT) return (int64_t)a->v.f;
    return dflt;
}

float pu_attr_float(const struct ir_node *n, const char *name, float dflt)
{
    const struct ir_attr *a = ir_node_attr(n, name);
    if (!a) return dflt;
    if (a->type == IR_ATTR_FLOAT) return a->v.f;
    if (a->type == IR_ATTR_INT) return (float)a->v.i;
    return dflt;
}

int pu_attr_ints(const struct ir_node *n, const char *name, int64_t *out, int cap)
{
    const struct ir_attr *a = ir_node_attr(n, name);
    if (!a) return -1;
    if (a->type == IR_ATTR_INT) {
        if (cap > 0) out[0] = a->v.i;
        return 1;
    }
    if (a->type != IR_ATTR_INTS) return -1;
    int c = (int)a->count;
    for (int i = 0; i < c && i < cap; i++) out[i] = a->v.ints[i];
    return c;
}

const char *pu_attr_str(const struct ir_node *n, const char *name, const char *dflt, char *buf,
                        size_t cap)
{
    const struct ir_attr *a = ir_node_attr(n, name);
    if (!a || a->type != IR_ATTR_STRING || cap == 0) return dflt;
    size_t len = a->v.s.size < cap - 1 ? a->v.s.size : cap - 1;
    if (len) memcpy(buf, a->v.s.data, len);
    buf[len] = 0;
    return buf;
}

static struct ir_attr *set_attr(struct ir_node *n, const char *name, enum ir_attr_type type,
                                struct fy_error *err)
{
    for (int i = 0; i < n->n_attrs; i++)
        if (!strcmp(n->attrs[i].name, name)) {
            struct ir_attr *a = &n->attrs[i];
            memset(&a->v, 0, sizeof a->v);
            a->type = type;
            a->count = 1;
            return a;
        }
    return ir_node_add_attr(n, name, type, err);
}

fy_status pu_set_int(struct ir_node *n, const char *name, int64_t v, struct fy_error *err)
{
    struct ir_attr *a = set_attr(n, name, IR_ATTR_INT, err);
    if (!a) return err->status ? err->status : FY_ENOMEM;
    a->v.i = v;
    return FY_OK;
}

fy_status pu_set_float(struct ir_node *n, const char *name, float v, struct fy_error *err)
{
    struct ir_attr *a = set_attr(n, name, IR_ATTR_FLOAT, err);
    if (!a) return err->status ? err->status : FY_ENOMEM;
    a->v.f = v;
    return FY_OK;
}

fy_status pu_set_str(struct ir_node *n, const char *name, const char *v, struct fy_error *err)
{
    struct ir_attr *a = set_attr(n, name, IR_ATTR_STRING, err);
    if (!a) return err->status ? err->status : FY_ENOMEM;
    char *s = arena_strdup(&n->graph->model->arena, v);
    if (!s) return nomem(err);
    a->v.s.data = (const uint8_t *)s;
    a->v.s.size = strlen(s);
    return FY_OK;
}

fy_status pu_set_ints(struct ir_node *n, const char *name, const int64_t *v, int count,
                      struct fy_error *err)
{
    struct ir_attr *a = set_attr(n, name, IR_ATTR_INTS, err);
    if (!a) return err->status ? err->status : FY_ENOMEM;
    int64_t *copy = ARENA_ARRAY(&n->graph->model->arena, count ? count : 1, int64_t);
    if (!copy) return nomem(err);
    if (count) memcpy(copy, v, sizeof(int64_t) * (size_t)count);
    a->v.ints = copy;
    a->count = count;
    return FY_OK;
}

void pu_del_attr(struct ir_node *n, const char *name)
{
    for (int i = 0; i < n->n_attrs; i++)
        if (!strcmp(n->attrs[i].name, name)) {
            memmove(&n->attrs[i], &n->attrs[i + 1], sizeof *n->attrs * (size_t)(n->n_attrs - i - 1));
            n->n_attrs--;
            return;
        }
}

/* ---- constants ---- */

bool pu_is_const(const struct ir_tensor *t)
{
    return t && t->kind == IR_TENSOR_CONST && t->dtype != IR_STRING && pu_static(t) &&
           (t->data || !t->nbytes);
}

uint64_t pu_numel(const struct ir_tensor *t)
{
    uint64_t n = 0;
    if (!ir_tensor_numel(t, &n)) return 0;
    return n;
}

double pu_get_f64(const struct ir_tensor *t, uint64_t i)
{
    const uint8_t *p = t->data;
    switch (t->dtype) {
    case IR_F32: { float v; memcpy(&v, p + 4 * i, 4); return v; }
    case IR_F64: { double v; memcpy(&v, p + 8 * i, 8); return v; }
    case IR_F16: { uint16_t v; memcpy(&v, p + 2 * i, 2); return half_to_float(v); }
    case IR_BF16: { uint16_t v; memcpy(&v, p + 2 * i, 2); return bf16_to_float(v); }
    default: return (double)pu_get_i64(t, i);
    }
}

int64_t pu_get_i64(const struct ir_tensor *t, uint64_t i)
{
    const uint8_t *p = t->data;
    switch (t->dtype) {
    case IR_I8: return (int8_t)p[i];
    case IR_U8: case IR_BOOL: return p[i];
    case IR_I16: { int16_t v; memcpy(&v, p + 2 * i, 2); return v; }
    case IR_U16: { uint16_t v; memcpy(&v, p + 2 * i, 2); return v; }
    case IR_I32: { int32_t v; memcpy(&v, p + 4 * i, 4); return v; }
    case IR_U32: { uint32_t v; memcpy(&v, p + 4 * i, 4); return v; }
    case IR_I64: { int64_t v; memcpy(&v, p + 8 * i, 8); return v; }
    case IR_U64: { uint64_t v; memcpy(&v, p + 8 * i, 8); return (int64_t)v; }
    case IR_F32: case IR_F64: case IR_F16: case IR_BF16: return (int64_t)pu_get_f64(t, i);
    default: return 0;
    }
}

float *pu_const_f32(const struct ir_tensor *t)
{
    uint64_t n = pu_numel(t);
    float *out = malloc(sizeof(float) * (size_t)(n ? n : 1));
    if (!out) return NULL;
    if (t->dtype == IR_F32) {
        if (n) memcpy(out, t->data, 4 * (size_t)n);
    } else {
        for (uint64_t i = 0; i < n; i++) out[i] = (float)pu_get_f64(t, i);
    }
    return out;
}

int64_t *pu_const_i64(const struct ir_tensor *t)
{
    uint64_t n = pu_numel(t);
    int64_t *out = malloc(sizeof(int64_t) * (size_t)(n ? n : 1));
    if (!out) return NULL;
    for (uint64_t i = 0; i < n; i++) out[i] = pu_get_i64(t, i);
    return out;
}

bool pu_const_all(const struct ir_tensor *t, double v)
{
    if (!pu_is_const(t)) return false;
    uint64_t n = pu_numel(t);
    for (uint64_t i = 0; i < n; i++)
        if (pu_get_f64(t, i) != v) return false;
    return true;
}

bool pu_const_scalar(const struct ir_tensor *t, double *v)
{
    if (!pu_is_const(t) || pu_numel(t) != 1) return false;
    *v = pu_get_f64(t, 0);
    return true;
}

void pu_release_source(const struct ir_model *m, const void *p, uint64_t n)
{
    if (!p || !n) return;
    uintptr_t a = (uintptr_t)p, e = a + (uintptr_t)n;
    long page = sysconf(_SC_PAGESIZE);
    if (page <= 0) return;
    for (int i = 0; i < m->n_maps; i++) {
        uintptr_t b = (uintptr_t)m->maps[i].data, be = b + m->maps[i].size;
        if (a < b || e > be) continue;
        uintptr_t lo = (a + (uintptr_t)page - 1) & ~((uintptr_t)page - 1);
        uintptr_t hi = e & ~((uintptr_t)page - 1);
        if (hi > lo) madvise((void *)lo, hi - lo, MADV_DONTNEED);
        return;
    }
}

struct ir_tensor *pu_const_borrow(struct ir_graph *g, const char *base, const struct ir_tensor *src,
                                  int rank, const int64_t *dims, struct fy_error *err)
{
    struct ir_tensor *t = pu_tensor(g, base, src->dtype, rank, dims, err);
    if (!t) return NULL;
    t->data = src->data;
    t->nbytes = src->nbytes;
    if (ir_graph_add_initializer(g, t, err)) return NULL;
    return t;
}

/* ---- tensors and nodes ---- */

const char *pu_unique_name(struct ir_graph *g, const char *base)
{
    struct arena *a = &g->model->arena;
    if (!base || !base[0]) base = "t";
    if (!ir_graph_find_tensor(g, base)) return arena_strdup(a, base);
    char buf[512];
    for (int k = 1;; k++) {
        snprintf(buf, sizeof buf, "%s_%d", base, k);
        if (!ir_graph_find_tensor(g, buf)) return arena_strdup(a, buf);
    }
}

struct ir_tensor *pu_tensor(struct ir_graph *g, const char *base, enum ir_dtype dt, int rank,
                            const int64_t *dims, struct fy_error *err)
{
    const char *name = pu_unique_name(g, base);
    if (!name) {
        nomem(err);
        return NULL;
    }
    struct ir_tensor *t = ir_graph_add_tensor(g, name, err);
    if (!t) return NULL;
    t->dtype = dt;
    t->has_type = true;
    if (rank >= 0 && ir_tensor_set_shape(g, t, rank, dims, err)) return NULL;
    return t;
}

struct ir_tensor *pu_const_owned(struct ir_graph *g, const char *base, enum ir_dtype dt,
                                 int rank, const int64_t *dims, void *data,
                                 struct fy_error *err)
{
    struct ir_tensor *t = pu_tensor(g, base, dt, rank, dims, err);
    if (!t) return NULL;
    uint64_t n = pu_numel(t), bytes = 0;
    if (!ir_dtype_nbytes(dt, n, &bytes)) {
        err_fmt(err, FY_EINTERNAL, "constant '%s' has no byte size", t->name);
        return NULL;
    }
    t->data = data;
    t->nbytes = bytes;
    if (ir_graph_add_initializer(g, t, err)) return NULL;
    return t;
}

struct ir_tensor *pu_const(struct ir_graph *g, const char *base, enum ir_dtype dt, int rank,
                           const int64_t *dims, const void *data, struct fy_error *err)
{
    uint64_t n = 1, bytes = 0;
    for (int i = 0; i < rank; i++) n *= (uint64_t)dims[i];
    if (!ir_dtype_nbytes(dt, n, &bytes)) {
        err_fmt(err, FY_EINTERNAL, "constant '%s' has no byte size", base);
        return NULL;
    }
    void *copy = arena_alloc(&g->model->arena, bytes ? (size_t)bytes : 1, 64);
    if (!copy) {
        nomem(err);
        return NULL;
    }
    if (bytes) memcpy(copy, data, (size_t)bytes);
    return pu_const_owned(g, base, dt, rank, dims, copy, err);
}

struct ir_tensor *pu_const_i32(struct ir_graph *g, const char *base, const int64_t *vals, int n,
                               struct fy_error *err)
{
    int32_t v[64] = {0};
    int32_t *p = n <= 64 ? v : malloc(sizeof(int32_t) * (size_t)n);
    if (!p) {
        nomem(err);
        return NULL;
    }
    for (int i = 0; i < n; i++) p[i] = (int32_t)vals[i];
    int64_t d = n;
    struct ir_tensor *t = pu_const(g, base, IR_I32, 1, &d, p, err);
    if (p != v) free(p);
    return t;
}

struct ir_tensor *pu_const_f32_scalar(struct ir_graph *g, const char *base, float v,
                                      struct fy_error *err)
{
    return pu_const(g, base, IR_F32, 0, NULL, &v, err);
}

bool pu_is_tfl(enum ir_op op)
{
    const char *name = ir_op_name(op);
    return op != IR_OP_OPAQUE && name && !strncmp(name, "tfl.", 4);
}

bool pu_tfl_nhwc(enum ir_op op)
{
    switch (op) {
    case IR_OP_TFL_CONV_2D:
    case IR_OP_TFL_DEPTHWISE_CONV_2D:
    case IR_OP_TFL_TRANSPOSE_CONV:
    case IR_OP_TFL_CONV_3D:
    case IR_OP_TFL_AVERAGE_POOL_2D:
    case IR_OP_TFL_MAX_POOL_2D:
    case IR_OP_TFL_L2_POOL_2D:
    case IR_OP_TFL_RESIZE_BILINEAR:
    case IR_OP_TFL_RESIZE_NEAREST_NEIGHBOR:
    case IR_OP_TFL_DEPTH_TO_SPACE:
    case IR_OP_TFL_SPACE_TO_DEPTH:
    case IR_OP_TFL_BATCH_TO_SPACE_ND:
    case IR_OP_TFL_SPACE_TO_BATCH_ND:
    case IR_OP_TFL_LOCAL_RESPONSE_NORMALIZATION: return true;
    default: return false;
    }
}

struct ir_node *pu_node(struct ir_graph *g, enum ir_op op, const char *name, int n_in, int n_out,
                        struct fy_error *err)
{
    const char *op_type = ir_op_name(op);
    bool tfl = pu_is_tfl(op);
    if (tfl) op_type += 4;
    char *nm = arena_strdup(&g->model->arena, name ? name : "");
    if (!nm) {
        nomem(err);
        return NULL;
    }
    struct ir_node *n = ir_graph_add_node(g, op, op_type, "", nm, n_in, n_out, err);
    if (!n) return NULL;
    if (tfl) {
        n->rounding = IR_ROUND_TFLITE;
        n->layout = pu_tfl_nhwc(op) ? IR_LAYOUT_NHWC : IR_LAYOUT_NONE;
        /* the first version each builtin has; BROADCAST_TO's kernels start
         * at 2 (register.cc), every other builtin at 1 */
        n->version = op == IR_OP_TFL_BROADCAST_TO ? 2 : 1;
    }
    return n;
}

void pu_in(struct ir_node *n, int i, struct ir_tensor *t) { n->inputs[i] = t; }

fy_status pu_out(struct ir_node *n, int i, struct ir_tensor *t, struct fy_error *err)
{
    return ir_node_set_output(n, i, t, err);
}

void pu_detach_output(struct ir_tensor *t)
{
    struct ir_node *p = t->producer;
    if (!p) return;
    struct fy_error e = {0};
    for (int i = 0; i < p->n_outputs; i++)
        if (p->outputs[i] == t) {
            char base[300];
            snprintf(base, sizeof base, "%s_unused", t->name);
            struct ir_tensor *d = pu_tensor(t->graph, base, t->dtype, -1, NULL, &e);
            if (d && t->rank >= 0) {
                d->dims = t->dims;
                d->rank = t->rank;
            }
            p->outputs[i] = d;
            if (d) d->producer = p;
        }
    t->producer = NULL;
}

/* ---- uses ---- */

fy_status pu_uses_build(const struct ir_graph *g, struct pu_uses *u, struct fy_error *err)
{
    memset(u, 0, sizeof *u);
    int nt = g->n_tensors;
    u->n_tensors = nt;
    u->offset = calloc((size_t)nt + 1, sizeof *u->offset);
    u->is_output = calloc((size_t)nt + 1, sizeof *u->is_output);
    if (!u->offset || !u->is_output) {
        pu_uses_free(u);
        return nomem(err);
    }
    int total = 0;
    for (int i = 0; i < g->n_nodes; i++)
        for (int j = 0; j < g->nodes[i]->n_inputs; j++) {
            const struct ir_tensor *t = g->nodes[i]->inputs[j];
            if (t && t->graph == g && t->id < nt) u->offset[t->id + 1]++, total++;
        }
    for (int i = 0; i < nt; i++) u->offset[i + 1] += u->offset[i];
    u->node = calloc((size_t)total + 1, sizeof *u->node);
    u->slot = calloc((size_t)total + 1, sizeof *u->slot);
    int *fill = calloc((size_t)nt + 1, sizeof *fill);
    if (!u->node || !u->slot || !fill) {
        free(fill);
        pu_uses_free(u);
        return nomem(err);
    }
    for (int i = 0; i < g->n_nodes; i++)
        for (int j = 0; j < g->nodes[i]->n_inputs; j++) {
            const struct ir_tensor *t = g->nodes[i]->inputs[j];
            if (t && t->graph == g && t->id < nt) {
                int k = u->offset[t->id] + fill[t->id]++;
                u->node[k] = g->nodes[i];
                u->slot[k] = j;
            }
        }
    free(fill);
    for (int i = 0; i < g->n_outputs; i++)
        if (g->outputs[i] && g->outputs[i]->id < nt) u->is_output[g->outputs[i]->id] = true;
    return FY_OK;
}

void pu_uses_free(struct pu_uses *u)
{
    free(u->offset);
    free(u->node);
    free(u->slot);
    free(u->is_output);
    memset(u, 0, sizeof *u);
}

int pu_use_count(const struct pu_uses *u, const struct ir_tensor *t)
{
    if (t->id >= u->n_tensors) return 1; /* made after the table: be careful */
    return u->offset[t->id + 1] - u->offset[t->id] + (u->is_output[t->id] ? 1 : 0);
}

struct ir_node *pu_single_user(const struct pu_uses *u, const struct ir_tensor *t)
{
    if (t->id >= u->n_tensors || u->is_output[t->id]) return NULL;
    int b = u->offset[t->id], e = u->offset[t->id + 1];
    if (e - b < 1) return NULL;
    for (int k = b + 1; k < e; k++)
        if (u->node[k] != u->node[b]) return NULL;
    return u->node[b];
}

fy_status pu_replace(struct ir_graph *g, struct ir_tensor *old, struct ir_tensor *neu, bool tfl,
                     struct fy_error *err)
{
    if (old == neu) return FY_OK;
    bool old_out = false, neu_io = false;
    for (int i = 0; i < g->n_outputs; i++) {
        if (g->outputs[i] == old) old_out = true;
        if (g->outputs[i] == neu) neu_io = true;
    }
    for (int i = 0; i < g->n_inputs; i++)
        if (g->inputs[i] == neu) neu_io = true;
    if (!old_out) {
        for (int i = 0; i < g->n_nodes; i++) {
            struct ir_node *n = g->nodes[i];
            for (int j = 0; j < n->n_inputs; j++)
                if (n->inputs[j] == old) n->inputs[j] = neu;
        }
        return FY_OK;
    }
    /* old is a graph output: it stays, made by neu's producer or a copy */
    pu_detach_output(old);
    if (neu->producer && !neu_io && neu->kind == IR_TENSOR_VALUE) {
        struct ir_node *p = neu->producer;
        for (int i = 0; i < p->n_outputs; i++)
            if (p->outputs[i] == neu) p->outputs[i] = old;
        old->producer = p;
        neu->producer = NULL;
        old->dtype = neu->dtype;
        old->rank = neu->rank;
        old->dims = neu->dims;
        for (int i = 0; i < g->n_nodes; i++) {
            struct ir_node *n = g->nodes[i];
            for (int j = 0; j < n->n_inputs; j++)
                if (n->inputs[j] == neu || n->inputs[j] == old) n->inputs[j] = old;
        }
        return FY_OK;
    }
    for (int i = 0; i < g->n_nodes; i++) {
        struct ir_node *n = g->nodes[i];
        for (int j = 0; j < n->n_inputs; j++)
            if (n->inputs[j] == old) n->inputs[j] = neu;
    }
    struct ir_node *c;
    if (tfl) {
        c = pu_node(g, IR_OP_TFL_RESHAPE, old->name, 2, 1, err);
        if (!c) return err->status;
        int64_t d[PASS_MAX_RANK];
        for (int i = 0; i < neu->rank; i++) d[i] = neu->dims[i].value;
        struct ir_tensor *s = pu_const_i32(g, "shape", d, neu->rank, err);
        if (!s) return err->status;
        pu_in(c, 0, neu);
        pu_in(c, 1, s);
    } else {
        c = pu_node(g, IR_OP_IDENTITY, old->name, 1, 1, err);
        if (!c) return err->status;
        pu_in(c, 0, neu);
    }
    old->dtype = neu->dtype;
    old->rank = neu->rank;
    old->dims = neu->dims;
    return pu_out(c, 0, old, err);
}

/* ---- sweeping ---- */

fy_status pu_sweep(struct ir_graph *g, struct fy_error *err)
{
    struct ir_node **order = NULL;
    fy_status st = ir_graph_topo_order(g, &order, err);
    if (st) return st;
    int nt = g->n_tensors, nn = g->n_nodes;
    bool *used = calloc((size_t)nt + 1, 1), *keep_t = calloc((size_t)nt + 1, 1);
    bool *live = calloc((size_t)nn + 1, 1);
    struct ir_tensor **deps = NULL;
    int cap_deps = 0;
    if (!used || !keep_t || !live) {
        st = nomem(err);
        goto out;
    }
    for (int i = 0; i < g->n_outputs; i++)
        if (g->outputs[i]) used[g->outputs[i]->id] = true;
    for (int k = nn; k-- > 0;) {
        struct ir_node *n = order[k];
        bool l = false;
        for (int j = 0; j < n->n_outputs; j++)
            if (n->outputs[j] && used[n->outputs[j]->id]) l = true;
        if (!l) continue;
        live[n->id] = true;
        int c = ir_node_dependencies(n, deps, cap_deps);
        if (c > cap_deps) {
            free(deps);
            cap_deps = c + 16;
            deps = malloc(sizeof *deps * (size_t)cap_deps);
            if (!deps) {
                st = nomem(err);
                goto out;
            }
            c = ir_node_dependencies(n, deps, cap_deps);
        }
        for (int j = 0; j < c; j++)
            if (deps[j]->graph == g) used[deps[j]->id] = true;
    }
    /* tensors to keep */
    for (int i = 0; i < nt; i++) keep_t[i] = used[i];
    for (int i = 0; i < g->n_inputs; i++) keep_t[g->inputs[i]->id] = true;
    for (int k = 0; k < nn; k++)
        if (live[order[k]->id])
            for (int j = 0; j < order[k]->n_outputs; j++)
                if (order[k]->outputs[j]) keep_t[order[k]->outputs[j]->id] = true;
    for (int k = 0; k < nn; k++)
        if (!live[order[k]->id])
            for (int j = 0; j < order[k]->n_outputs; j++) {
                struct ir_tensor *t = order[k]->outputs[j];
                if (t && t->producer == order[k]) t->producer = NULL;
            }
    /* compact nodes in topological order */
    int m = 0;
    for (int k = 0; k < nn; k++)
        if (live[order[k]->id]) g->nodes[m++] = order[k];
    g->n_nodes = m;
    for (int i = 0; i < m; i++) g->nodes[i]->id = i;
    /* compact tensors */
    int q = 0;
    for (int i = 0; i < nt; i++)
        if (keep_t[i]) g->tensors[q++] = g->tensors[i];
    g->n_tensors = q;
    for (int i = 0; i < q; i++) g->tensors[i]->id = i;
    int r = 0;
    strmap_init(&g->by_name, &g->model->arena);
    for (int i = 0; i < q; i++) {
        struct ir_tensor *t = g->tensors[i];
        if (strmap_put(&g->by_name, t->name, strlen(t->name), t)) {
            st = nomem(err);
            goto out;
        }
    }
    for (int i = 0; i < g->n_initializers; i++) {
        struct ir_tensor *t = g->initializers[i];
        if (ir_graph_find_tensor(g, t->name) == t) g->initializers[r++] = t;
    }
    g->n_initializers = r;
out:
    free(used);
    free(keep_t);
    free(live);
    free(deps);
    return st;
}

/* ---- shapes ---- */

bool pu_static(const struct ir_tensor *t) { return ir_tensor_is_static(t); }

bool pu_dims(const struct ir_tensor *t, int64_t *out)
{
    if (!ir_tensor_is_static(t)) return false;
    for (int i = 0; i < t->rank; i++) out[i] = t->dims[i].value;
    return true;
}

/* Inputs whose values (not only shapes) decide an op's output shapes: bit i
 * set for input i. */
static unsigned shape_value_inputs(enum ir_op op)
{
    switch (op) {
    case IR_OP_RESHAPE: case IR_OP_EXPAND: case IR_OP_TILE: case IR_OP_UPSAMPLE:
    case IR_OP_TOP_K: case IR_OP_ONE_HOT: case IR_OP_SQUEEZE: case IR_OP_UNSQUEEZE:
    case IR_OP_SPLIT: case IR_OP_COMPRESS: case IR_OP_CUM_SUM:
    case IR_OP_REDUCE_L1: case IR_OP_REDUCE_L2: case IR_OP_REDUCE_LOG_SUM:
    case IR_OP_REDUCE_LOG_SUM_EXP: case IR_OP_REDUCE_MAX: case IR_OP_REDUCE_MEAN:
    case IR_OP_REDUCE_MIN: case IR_OP_REDUCE_PROD: case IR_OP_REDUCE_SUM:
    case IR_OP_REDUCE_SUM_SQUARE:
        return 1u << 1;
    case IR_OP_CONSTANT_OF_SHAPE: case IR_OP_NON_ZERO: case IR_OP_UNIQUE: return 1u;
    case IR_OP_SLICE: return 0x1e;
    case IR_OP_RANGE: return 0x7;
    case IR_OP_RESIZE: return 0xe;
    case IR_OP_PAD: return 0xa;
    case IR_OP_MAX_UNPOOL: return 1u << 2;
    case IR_OP_NON_MAX_SUPPRESSION: return 0x1f;
    case IR_OP_TFL_RESHAPE: case IR_OP_TFL_TILE: case IR_OP_TFL_BROADCAST_TO:
    case IR_OP_TFL_PAD: case IR_OP_TFL_PADV2: case IR_OP_TFL_MIRROR_PAD:
    case IR_OP_TFL_MEAN: case IR_OP_TFL_SUM: case IR_OP_TFL_REDUCE_MAX:
    case IR_OP_TFL_REDUCE_MIN: case IR_OP_TFL_REDUCE_PROD: case IR_OP_TFL_TRANSPOSE:
    case IR_OP_TFL_RESIZE_BILINEAR: case IR_OP_TFL_RESIZE_NEAREST_NEIGHBOR:
    case IR_OP_TFL_EXPAND_DIMS: case IR_OP_TFL_TOPK_V2: case IR_OP_TFL_ARG_MAX:
    case IR_OP_TFL_ARG_MIN: case IR_OP_TFL_CUMSUM: case IR_OP_TFL_REVERSE_V2:
    case IR_OP_TFL_GATHER:
        return op == IR_OP_TFL_GATHER ? 0 : 1u << 1;
    case IR_OP_TFL_FILL: case IR_OP_TFL_SPLIT: case IR_OP_TFL_TRANSPOSE_CONV:
    case IR_OP_TFL_WHERE: return 1u;
    case IR_OP_TFL_SLICE: case IR_OP_TFL_BATCH_TO_SPACE_ND: case IR_OP_TFL_SPACE_TO_BATCH_ND:
    case IR_OP_TFL_SPLIT_V: return 0x6;
    case IR_OP_TFL_STRIDED_SLICE: return 0xe;
    case IR_OP_TFL_RANGE: return 0x7;
    default: return 0;
    }
}

static bool data_dependent(enum ir_op op)
{
    return op == IR_OP_NON_ZERO || op == IR_OP_UNIQUE || op == IR_OP_NON_MAX_SUPPRESSION ||
           op == IR_OP_COMPRESS || op == IR_OP_TFL_WHERE;
}

static bool same_shape(const struct ir_tensor *t, const struct op_tensor *v)
{
    if (t->dtype != v->dtype || t->rank != v->rank) return false;
    for (int i = 0; i < v->rank; i++)
        if (t->dims[i].value != v->dims[i]) return false;
    return true;
}

static fy_status infer_all(const struct ir_model *cm, bool check, int *changed,
                           struct fy_error *err)
{
    struct ir_model *m = (struct ir_model *)(uintptr_t)cm;
    struct ir_graph *g = m->graph;
    struct ir_node **order = NULL;
    if (changed) *changed = 0;
    fy_status st = ir_graph_topo_order(g, &order, err);
    if (st) return st;
    for (int k = 0; k < g->n_nodes; k++) {
        struct ir_node *n = order[k];
        if (data_dependent(n->op) || n->op == IR_OP_OPAQUE) continue;
        unsigned want = shape_value_inputs(n->op);
        bool ok = true;
        for (int i = 0; i < n->n_inputs && ok; i++) {
            const struct ir_tensor *t = n->inputs[i];
            if (!t) continue;
            if (t->dtype == IR_UNDEFINED || t->dtype == IR_STRING || !pu_static(t) ||
                t->rank > OP_MAX_RANK || t->opaque_type.size)
                ok = false;
            else if ((i < 32 && (want >> i & 1)) && t->kind != IR_TENSOR_CONST)
                ok = false;
        }
        if (!ok || n->n_outputs > 32 || n->n_inputs > 64) continue;
        struct op_tensor inb[64], outb[32];
        const struct op_tensor *in[64];
        struct op_tensor *out[32];
        void *copies[64];
        memset(copies, 0, sizeof copies);
        for (int i = 0; i < n->n_inputs; i++) {
            const struct ir_tensor *t = n->inputs[i];
            in[i] = NULL;
            if (!t) continue;
            struct op_tensor *v = &inb[i];
            memset(v, 0, sizeof *v);
            v->dtype = t->dtype;
            v->rank = t->rank;
            uint64_t numel = 1;
            for (int d = 0; d < t->rank; d++) {
                v->dims[d] = t->dims[d].value;
                numel *= (uint64_t)t->dims[d].value;
            }
            v->numel = numel;
            uint64_t nb = 0;
            ir_dtype_nbytes(t->dtype, numel, &nb);
            v->nbytes = nb;
            v->quant = t->quant;
            if (t->kind == IR_TENSOR_CONST && t->data) {
                int bits = ir_dtype_table[t->dtype].bits;
                size_t align = bits >= 64 ? 8 : (bits >= 8 ? (size_t)bits / 8 : 1);
                if ((uintptr_t)t->data % align == 0) {
                    v->data = (void *)(uintptr_t)t->data;
                } else if (nb <= (1u << 20) || (i < 32 && (want >> i & 1))) {
                    copies[i] = malloc(nb ? (size_t)nb : 1);
                    if (!copies[i]) {
                        st = nomem(err);
                        break;
                    }
                    memcpy(copies[i], t->data, (size_t)nb);
                    v->data = copies[i];
                }
            }
            in[i] = v;
        }
        if (st) {
            for (int i = 0; i < n->n_inputs; i++) free(copies[i]);
            return st;
        }
        for (int i = 0; i < n->n_outputs; i++) {
            memset(&outb[i], 0, sizeof outb[i]);
            outb[i].quant = n->outputs[i] ? n->outputs[i]->quant : NULL;
            out[i] = n->outputs[i] ? &outb[i] : NULL;
        }
        struct fy_error e2 = {0};
        fy_status ist = interp_infer_node(n, ir_model_opset(m, n->domain), in, out, &e2);
        for (int i = 0; i < n->n_inputs; i++) free(copies[i]);
        if (ist) continue;
        for (int i = 0; i < n->n_outputs; i++) {
            struct ir_tensor *t = n->outputs[i];
            if (!t || outb[i].dtype == IR_UNDEFINED) continue;
            if (same_shape(t, &outb[i])) continue;
            if (check) {
                if (!pu_static(t) || t->dtype == IR_UNDEFINED) continue;
                char a[160] = "", b[160] = "";
                size_t la = 0, lb = 0;
                for (int d = 0; d < t->rank && la < sizeof a - 24; d++)
                    la += (size_t)snprintf(a + la, sizeof a - la, "%s%lld", d ? "," : "",
                                           (long long)t->dims[d].value);
                for (int d = 0; d < outb[i].rank && lb < sizeof b - 24; d++)
                    lb += (size_t)snprintf(b + lb, sizeof b - lb, "%s%lld", d ? "," : "",
                                           (long long)outb[i].dims[d]);
                return err_node(err, FY_EINTERNAL, pu_node_label(n), n->op_type,
                                "output '%s' is %s [%s] in the IR, but the op infers %s [%s]",
                                t->name, ir_dtype_name(t->dtype), a,
                                ir_dtype_name(outb[i].dtype), b);
            }
            t->dtype = outb[i].dtype;
            st = ir_tensor_set_shape(g, t, outb[i].rank, outb[i].dims, err);
            if (st) return st;
            if (changed) (*changed)++;
        }
    }
    return FY_OK;
}

fy_status pu_infer_shapes(struct ir_model *m, int *changed, struct fy_error *err)
{
    return infer_all(m, false, changed, err);
}

fy_status pu_check_shapes(const struct ir_model *m, struct fy_error *err)
{
    return infer_all(m, true, NULL, err);
}

/* ---- permutations ---- */

void pu_perm_compose(const int *p, const int *q, int rank, int *r)
{
    int tmp[PASS_MAX_RANK];
    if (rank < 0 || rank > PASS_MAX_RANK) return;
    for (int k = 0; k < rank; k++) tmp[k] = p[q[k]];
    for (int k = 0; k < rank; k++) r[k] = tmp[k];
}

void pu_perm_inverse(const int *p, int rank, int *r)
{
    int tmp[PASS_MAX_RANK];
    if (rank < 0 || rank > PASS_MAX_RANK) return;
    for (int k = 0; k < rank; k++) tmp[p[k]] = k;
    for (int k = 0; k < rank; k++) r[k] = tmp[k];
}

bool pu_perm_identity(const int *p, int rank)
{
    for (int k = 0; k < rank; k++)
        if (p[k] != k) return false;
    return true;
}

bool pu_perm_is_reshape(const int *p, int rank, const int64_t *dims)
{
    int last = -1;
    for (int k = 0; k < rank; k++) {
        if (dims[p[k]] == 1) continue;
        if (p[k] < last) return false;
        last = p[k];
    }
    return true;
}

void pu_transpose_data(const void *src, void *dst, size_t es, int rank, const int64_t *dims,
                       const int *perm)
{
    int64_t in_stride[PASS_MAX_RANK], od[PASS_MAX_RANK], os[PASS_MAX_RANK];
    uint64_t total = 1;
    for (int i = rank; i-- > 0;) {
        in_stride[i] = (int64_t)total;
        total *= (uint64_t)dims[i];
    }
    if (!total) return;
    if (rank == 0) {
        memcpy(dst, src, es);
        return;
    }
    for (int k = 0; k < rank; k++) {
        od[k] = dims[perm[k]];
        os[k] = in_stride[perm[k]];
    }
    int64_t idx[PASS_MAX_RANK] = {0};
    const uint8_t *s = src;
    uint8_t *d = dst;
    int64_t inner = od[rank - 1], istep = os[rank - 1];
    uint64_t outer = total / (uint64_t)inner;
    for (uint64_t o = 0; o < outer; o++) {
        int64_t off = 0;
        for (int k = 0; k < rank - 1; k++) off += idx[k] * os[k];
        if (es == 4) {
            const uint8_t *p = s + (size_t)off * 4;
            for (int64_t j = 0; j < inner; j++) {
                memcpy(d, p, 4);
                d += 4;
                p += istep * 4;
            }
        } else {
            for (int64_t j = 0; j < inner; j++) {
                memcpy(d, s + (size_t)(off + j * istep) * es, es);
                d += es;
            }
        }
        for (int k = rank - 2; k >= 0; k--) {
            if (++idx[k] < od[k]) break;
            idx[k] = 0;
        }
    }
}

/* ---- the conversion record ---- */

fy_status pu_map_derive(struct pass_report *r, const struct ir_tensor *t,
                        const struct ir_tensor *src, int rank, const int *perm,
                        struct fy_error *err)
{
    if (!r) return FY_OK;
    const struct pass_map *sm = pass_map_get(r, src->name);
    const char *source = sm ? sm->source : src->origin;
    int p[PASS_MAX_RANK];
    int prank = 0;
    if (sm && sm->rank) {
        prank = sm->rank;
        memcpy(p, sm->perm, sizeof(int) * (size_t)prank);
        if (rank) {
            if (rank != prank) return FY_OK; /* rank changed: no element mapping */
            pu_perm_compose(p, perm, rank, p);
        }
    } else if (rank) {
        prank = rank;
        memcpy(p, perm, sizeof(int) * (size_t)rank);
    }
    if (prank && pu_perm_identity(p, prank)) prank = 0;
    return pass_map_set(r, t->name, source, prank, p, err);
}

const char *pu_node_label(const struct ir_node *n)
{
    if (n->name && n->name[0]) return n->name;
    for (int i = 0; i < n->n_outputs; i++)
        if (n->outputs[i]) return n->outputs[i]->name;
    return "";
}
