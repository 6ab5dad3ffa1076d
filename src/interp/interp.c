/* The interpreter: prepares each graph once (descriptors, parsed attributes,
 * constants, use counts), then runs nodes in topological order, resolving
 * shapes from the actual values, freeing each intermediate value after its
 * last use. */
#include "interp/interp.h"

#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- tensors ---- */

static void *alloc_aligned(uint64_t bytes)
{
    size_t n = (size_t)((bytes + 63) & ~(uint64_t)63);
    if (n == 0) n = 64;
    return aligned_alloc(64, n);
}

/* ---- thread pool ---- */

struct pool_job {
    op_range_fn fn;
    void *arg;
    int64_t n, chunk;
    int64_t n_chunks;
    atomic_llong next;
    atomic_llong done;
};

struct pool {
    int n_threads; /* workers, not counting the caller */
    pthread_t *threads;
    pthread_mutex_t mu;
    pthread_cond_t wake, finished;
    struct pool_job *job; /* published while a parallel_for runs, else NULL */
    int active;           /* workers inside the published job */
    uint64_t generation;
    bool quit;
};

static void job_work(struct pool_job *j)
{
    for (;;) {
        long long k = atomic_fetch_add(&j->next, 1);
        if (k >= j->n_chunks) return;
        int64_t b = k * j->chunk, e = b + j->chunk;
        if (e > j->n) e = j->n;
        j->fn(j->arg, b, e);
        atomic_fetch_add(&j->done, 1);
    }
}

static void *pool_main(void *arg)
{
    struct pool *p = arg;
    uint64_t seen = 0;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->quit && p->generation == seen) pthread_cond_wait(&p->wake, &p->mu);
        if (p->quit) break;
        seen = p->generation;
        /* The job lives on op_parallel_for's stack: join it only while the
         * caller still publishes it, and let the caller wait for us. */
        struct pool_job *j = p->job;
        if (!j) continue;
        p->active++;
        pthread_mutex_unlock(&p->mu);
        job_work(j);
        pthread_mutex_lock(&p->mu);
        p->active--;
        pthread_cond_broadcast(&p->finished);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

static int pool_start(struct pool *p, int threads)
{
    memset(p, 0, sizeof *p);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->wake, NULL);
    pthread_cond_init(&p->finished, NULL);
    if (threads <= 1) return 0;
    p->threads = calloc((size_t)threads - 1, sizeof *p->threads);
    if (!p->threads) return -1;
    for (int i = 0; i < threads - 1; i++) {
        if (pthread_create(&p->threads[i], NULL, pool_main, p) != 0) break;
        p->n_threads++;
    }
    return 0;
}

static void pool_stop(struct pool *p)
{
    pthread_mutex_lock(&p->mu);
    p->quit = true;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < p->n_threads; i++) pthread_join(p->threads[i], NULL);
    free(p->threads);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->wake);
    pthread_cond_destroy(&p->finished);
}

/* ---- prepared graphs ---- */

struct prepared {
    const struct ir_graph *g;
    struct ir_node **order;
    const struct op_desc **desc; /* by node id */
    void **params;               /* by node id */
    int64_t *opset;              /* by node id */
    int *uses;                   /* by tensor id: reads by nodes of this graph */
    struct op_tensor **consts;   /* by tensor id */
    bool *is_output;             /* by tensor id */
    /* TFLite subgraphs run by index (tfl.IF, tfl.WHILE): preparing is set
     * while this graph's nodes are prepared, so a node that calls it again
     * is recursion; height is the longest chain of such calls below it */
    bool preparing;
    int height;
};

/* The longest chain of TFLite subgraph calls (IF in a WHILE body in ...):
 * each level runs on the C stack, like ONNX subgraph nesting, which the
 * ONNX reader bounds at 64. */
#define MAX_CALL_DEPTH 64

struct interp {
    const struct ir_model *m;
    struct arena arena;
    struct interp_options opt;
    struct prepared **graphs; /* [0] is the main graph */
    int n_graphs, cap_graphs;
    int call_depth; /* while preparing: TFLite subgraph calls on the way down */
    struct pool pool;
    const struct ir_tensor **inputs; /* graph inputs that are not constants */
    int n_inputs;
    struct op_tensor *outputs; /* of the last run, owned */
    int n_outputs;
    struct interp_stats stats;
    uint64_t live_bytes;
    struct session *session; /* the open step-wise run (interp_begin), NULL if none */

    /* Activation plan of the main graph (see plan_build): sizes recorded on
     * the first run, then every intermediate value gets a fixed offset in one
     * slab, shared by values whose lifetimes do not overlap. */
    int *birth;              /* by tensor id: step of its producer */
    int *last_use;           /* by tensor id: step of its last reader */
    uint64_t *plan_size;     /* by tensor id: bytes seen */
    uint64_t *plan_offset;   /* by tensor id */
    unsigned char *slab;
    uint64_t slab_size;
    bool planned;
};

struct frame {
    const struct prepared *p;
    struct frame *parent;
    /* The main graph's frame of a run of the model: only it uses the
     * activation plan and fires the tap. interp_run_nodes' frame over the
     * main graph is not one (it must not disturb an open run). */
    bool main_run;
    struct op_tensor **vals; /* by tensor id */
    bool *owned;             /* by tensor id: vals[i] allocated by this frame */
    bool *in_slab;           /* by tensor id: its data lives in the plan's slab */
    struct op_tensor **views; /* by tensor id: input views with the model's quantization */
    int *left;               /* by tensor id: reads still to come */
};

struct scratch {
    struct scratch *next;
};

struct interp_run {
    struct interp *ip;
    struct fy_error *err;
    struct scratch *scratch; /* of the node being evaluated */
    struct frame *frame;     /* innermost */
    /* interp_run_nodes: not a run of the model, so not counted in the stats
     * (peak, per-op times) */
    bool detached;
};

/* A step-wise run of the main graph, interp_begin to interp_finish. On the
 * heap because run.frame points at frame between calls. */
struct session {
    struct interp_run run;
    struct frame frame;
    int next; /* index in the main graph's order[] of the next node to run */
};

static fy_status nomem(struct fy_error *err) { return err_fmt(err, FY_ENOMEM, "out of memory"); }

static const struct prepared *find_prepared(const struct interp *ip, const struct ir_graph *g)
{
    for (int i = 0; i < ip->n_graphs; i++)
        if (ip->graphs[i]->g == g) return ip->graphs[i];
    return NULL;
}

static fy_status prepare_graph(struct interp *ip, const struct ir_graph *g, struct fy_error *err);

/* Names every node without a descriptor, as many as the error message
 * holds; *listed counts those named. */
static fy_status collect_unsupported(const struct ir_graph *g, bool *seen, int depth, char *buf,
                                     size_t cap, size_t *len, int *count, int *listed)
{
    for (int i = 0; i < g->n_nodes; i++) {
        const struct ir_node *n = g->nodes[i];
        /* the TFLite subgraphs it runs by index, each listed once; past
         * MAX_CALL_DEPTH prepare_called refuses the call instead */
        const struct ir_graph *called[2];
        int index[2];
        int nc = seen && depth < MAX_CALL_DEPTH ? op_called_subgraphs(n, called, index) : 0;
        for (int k = 0; k < nc; k++)
            if (!seen[index[k]]) {
                seen[index[k]] = true;
                collect_unsupported(called[k], seen, depth + 1, buf, cap, len, count, listed);
            }
        if (!op_find_node(n)) {
            char one[256];
            int w = snprintf(one, sizeof one, "%s'%s' (%s%s%s)", *count ? ", " : "", n->name,
                             n->domain, n->domain[0] ? "::" : "", n->op_type);
            if (w > 0 && *len + (size_t)w + 1 < cap) {
                memcpy(buf + *len, one, (size_t)w + 1);
                *len += (size_t)w;
                (*listed)++;
            }
            (*count)++;
        }
        for (int a = 0; a < n->n_attrs; a++) {
            const struct ir_attr *at = &n->attrs[a];
            if (at->type == IR_ATTR_GRAPH)
                collect_unsupported(at->v.g, seen, depth, buf, cap, len, count, listed);
            else if (at->type == IR_ATTR_GRAPHS)
                for (int64_t j = 0; j < at->count; j++)
                    collect_unsupported(at->v.graphs[j], seen, depth, buf, cap, len, count,
                                        listed);
        }
    }
    return FY_OK;
}

static fy_status prepare_const(struct interp *ip, const struct ir_tensor *t,
                               struct op_tensor **out, struct fy_error *err)
{
    struct op_tensor *c = ARENA_NEW(&ip->arena, struct op_tensor);
    if (!c) return nomem(err);
    if (t->rank < 0 || t->rank > OP_MAX_RANK || !ir_tensor_is_static(t))
        return err_fmt(err, FY_EUNSUPPORTED, "constant '%s' has rank %d; at most %d is supported",
                       t->name, t->rank, OP_MAX_RANK);
    c->dtype = t->dtype;
    c->rank = t->rank;
    uint64_t n = 1;
    for (int d = 0; d < t->rank; d++) {
        c->dims[d] = t->dims[d].value;
        n *= (uint64_t)t->dims[d].value;
    }
    c->numel = n;
    c->quant = t->quant;
    if (t->dtype == IR_STRING) {
        c->strings = t->strings;
    } else {
        c->nbytes = t->nbytes;
        int bits = ir_dtype_table[t->dtype].bits;
        size_t align = bits >= 64 ? 8 : (bits >= 8 ? (size_t)bits / 8 : 1);
        if (((uintptr_t)t->data % align) == 0 || !t->nbytes) {
            c->data = (void *)(uintptr_t)t->data; /* read-only: kernels never write inputs */
        } else {
            /* protobuf does not align raw_data; copy once so kernels can load directly */
            void *p = arena_alloc(&ip->arena, (size_t)t->nbytes, 64);
            if (!p) return nomem(err);
            memcpy(p, t->data, (size_t)t->nbytes);
            c->data = p;
        }
        ip->stats.constant_bytes += t->nbytes;
    }
    *out = c;
    return FY_OK;
}

/* Prepares the TFLite subgraph sg that node n of graph p runs (once for
 * the model, whichever nodes name it), refusing recursion and chains of
 * calls deeper than MAX_CALL_DEPTH. */
static fy_status prepare_called(struct interp *ip, struct prepared *p, const struct ir_node *n,
                                const struct ir_graph *sg, int index, struct fy_error *err)
{
    struct prepared *q = NULL;
    for (int i = 0; i < ip->n_graphs && !q; i++)
        if (ip->graphs[i]->g == sg) q = ip->graphs[i];
    if (q && q->preparing)
        return err_node(err, FY_EUNSUPPORTED, n->name, n->op_type,
                        "runs subgraph %d ('%s'), which is already running when the node runs: "
                        "recursive control flow is not supported",
                        index, sg->name ? sg->name : "");
    if (!q) {
        /* refused on the way down too: each level of preparing is on the C
         * stack as well */
        if (ip->call_depth >= MAX_CALL_DEPTH)
            return err_node(err, FY_EUNSUPPORTED, n->name, n->op_type,
                            "control flow nests subgraphs more than %d deep", MAX_CALL_DEPTH);
        /* prepare_graph adds sg's entry first, then those of what it calls */
        int at = ip->n_graphs;
        ip->call_depth++;
        fy_status st = prepare_graph(ip, sg, err);
        ip->call_depth--;
        if (st) return st;
        q = ip->graphs[at];
    }
    if (q->height + 1 > p->height) p->height = q->height + 1;
    if (p->height > MAX_CALL_DEPTH)
        return err_node(err, FY_EUNSUPPORTED, n->name, n->op_type,
                        "control flow nests subgraphs more than %d deep", MAX_CALL_DEPTH);
    return FY_OK;
}

static fy_status prepare_graph(struct interp *ip, const struct ir_graph *g, struct fy_error *err)
{
    struct arena *a = &ip->arena;
    struct prepared *p = ARENA_NEW(a, struct prepared);
    if (!p || arena_grow(a, (void **)&ip->graphs, &ip->cap_graphs, ip->n_graphs + 1,
                         sizeof *ip->graphs))
        return nomem(err);
    ip->graphs[ip->n_graphs++] = p;
    p->g = g;
    p->preparing = true;
    fy_status st = ir_graph_topo_order(g, &p->order, err);
    if (st) return st;
    int nn = g->n_nodes ? g->n_nodes : 1, nt = g->n_tensors ? g->n_tensors : 1;
    p->desc = ARENA_ARRAY(a, nn, const struct op_desc *);
    p->params = ARENA_ARRAY(a, nn, void *);
    p->opset = ARENA_ARRAY(a, nn, int64_t);
    p->uses = ARENA_ARRAY(a, nt, int);
    p->consts = ARENA_ARRAY(a, nt, struct op_tensor *);
    p->is_output = ARENA_ARRAY(a, nt, bool);
    if (!p->desc || !p->params || !p->opset || !p->uses || !p->consts || !p->is_output)
        return nomem(err);
    for (int i = 0; i < g->n_tensors; i++)
        if (g->tensors[i]->kind == IR_TENSOR_CONST) {
            st = prepare_const(ip, g->tensors[i], &p->consts[i], err);
            if (st) return st;
        }
    for (int i = 0; i < g->n_outputs; i++) p->is_output[g->outputs[i]->id] = true;
    struct ir_tensor *deps[64];
    for (int i = 0; i < g->n_nodes; i++) {
        const struct ir_node *n = g->nodes[i];
        const struct op_desc *d = op_find_node(n);
        p->desc[i] = d;
        p->opset[i] = ir_model_opset(g->model, n->domain);
        if (n->n_inputs < d->min_inputs || (d->max_inputs >= 0 && n->n_inputs > d->max_inputs))
            return err_node(err, FY_EINVALID, n->name, n->op_type,
                            "has %d inputs; %s takes %d to %d", n->n_inputs, n->op_type,
                            d->min_inputs, d->max_inputs);
        if (n->n_outputs < d->min_outputs ||
            (d->max_outputs >= 0 && n->n_outputs > d->max_outputs))
            return err_node(err, FY_EINVALID, n->name, n->op_type,
                            "has %d outputs; %s gives %d to %d", n->n_outputs, n->op_type,
                            d->min_outputs, d->max_outputs);
        if (d->params_size) {
            p->params[i] = arena_zalloc(a, d->params_size, 16);
            if (!p->params[i]) return nomem(err);
        }
        if (d->parse) {
            st = d->parse(n, p->opset[i], p->params[i], err);
            if (st) return st;
        }
        /* reads, including those of subgraphs, keep values alive */
        int k = ir_node_dependencies(n, deps, 64);
        struct ir_tensor **dl = deps;
        if (k > 64) {
            dl = ARENA_ARRAY(a, k, struct ir_tensor *);
            if (!dl) return nomem(err);
            ir_node_dependencies(n, dl, k);
        }
        for (int j = 0; j < k; j++) p->uses[dl[j]->id]++;
        for (int at = 0; at < n->n_attrs; at++) {
            const struct ir_attr *atr = &n->attrs[at];
            if (atr->type == IR_ATTR_GRAPH) {
                st = prepare_graph(ip, atr->v.g, err);
            } else if (atr->type == IR_ATTR_GRAPHS) {
                for (int64_t j = 0; j < atr->count && !st; j++)
                    st = prepare_graph(ip, atr->v.graphs[j], err);
            }
            if (st) return st;
        }
        const struct ir_graph *called[2];
        int index[2];
        int nc = op_called_subgraphs(n, called, index);
        for (int c = 0; c < nc && !st; c++) st = prepare_called(ip, p, n, called[c], index[c], err);
        if (st) return st;
    }
    p->preparing = false;
    return FY_OK;
}

/* Lifetimes of the main graph's values in steps of its node order: a value
 * lives from its producer's step to its last reader's step, inclusive. */
static fy_status plan_lifetimes(struct interp *ip, struct fy_error *err)
{
    const struct prepared *p = ip->graphs[0];
    const struct ir_graph *g = p->g;
    int nt = g->n_tensors ? g->n_tensors : 1;
    ip->birth = ARENA_ARRAY(&ip->arena, nt, int);
    ip->last_use = ARENA_ARRAY(&ip->arena, nt, int);
    ip->plan_size = ARENA_ARRAY(&ip->arena, nt, uint64_t);
    ip->plan_offset = ARENA_ARRAY(&ip->arena, nt, uint64_t);
    if (!ip->birth || !ip->last_use || !ip->plan_size || !ip->plan_offset) return nomem(err);
    struct ir_tensor *deps[64];
    for (int step = 0; step < g->n_nodes; step++) {
        const struct ir_node *n = p->order[step];
        for (int i = 0; i < n->n_outputs; i++)
            if (n->outputs[i]) ip->birth[n->outputs[i]->id] = ip->last_use[n->outputs[i]->id] = step;
        int k = ir_node_dependencies(n, deps, 64);
        struct ir_tensor **dl = deps;
        if (k > 64) {
            dl = ARENA_ARRAY(&ip->arena, k, struct ir_tensor *);
            if (!dl) return nomem(err);
            ir_node_dependencies(n, dl, k);
        }
        for (int j = 0; j < k; j++)
            if (ip->last_use[dl[j]->id] < step) ip->last_use[dl[j]->id] = step;
    }
    return FY_OK;
}

/* Greedy placement, largest values first: each value takes the lowest offset
 * where it overlaps no already placed value that is alive at the same time.
 * The slab is what --stats reports as the planned activation memory. */
static void plan_build(struct interp *ip)
{
    const struct prepared *p = ip->graphs[0];
    const struct ir_graph *g = p->g;
    int n = 0;
    int *idx = calloc((size_t)g->n_tensors + 1, sizeof *idx);
    if (!idx) return;
    for (int i = 0; i < g->n_tensors; i++)
        if (g->tensors[i]->producer && !p->is_output[i] && ip->plan_size[i]) idx[n++] = i;
    /* insertion sort by size, descending; ties by id for determinism */
    for (int i = 1; i < n; i++) {
        int v = idx[i], j = i - 1;
        while (j >= 0 && (ip->plan_size[idx[j]] < ip->plan_size[v] ||
                          (ip->plan_size[idx[j]] == ip->plan_size[v] && idx[j] > v))) {
            idx[j + 1] = idx[j];
            j--;
        }
        idx[j + 1] = v;
    }
    uint64_t total = 0;
    for (int a = 0; a < n; a++) {
        int t = idx[a];
        uint64_t size = (ip->plan_size[t] + 63) & ~(uint64_t)63;
        uint64_t off = 0;
        for (bool moved = true; moved;) {
            moved = false;
            for (int b = 0; b < a; b++) {
                int u = idx[b];
                if (ip->birth[u] > ip->last_use[t] || ip->birth[t] > ip->last_use[u]) continue;
                uint64_t usize = (ip->plan_size[u] + 63) & ~(uint64_t)63;
                uint64_t uoff = ip->plan_offset[u];
                if (off < uoff + usize && uoff < off + size) {
                    off = uoff + usize;
                    moved = true;
                }
            }
        }
        ip->plan_offset[t] = off;
        if (off + size > total) total = off + size;
    }
    free(idx);
    free(ip->slab);
    ip->slab = total ? aligned_alloc(64, (size_t)total) : NULL;
    ip->slab_size = ip->slab ? total : 0;
    ip->planned = ip->slab != NULL;
    ip->stats.planned_activation_bytes = ip->slab_size;
}

fy_status interp_create(const struct ir_model *m, const struct interp_options *opt,
                        struct interp **out, struct fy_error *err)
{
    *out = NULL;
    /* the list must fit the error record's message with its lead-in */
    char list[sizeof err->message - 96] = "";
    size_t len = 0;
    int count = 0, listed = 0;
    bool *seen = NULL;
    if (m->tflite && m->tflite->n_subgraphs > 0) {
        seen = calloc((size_t)m->tflite->n_subgraphs, sizeof *seen);
        if (!seen) return nomem(err);
        for (int i = 0; i < m->tflite->n_subgraphs; i++)
            if (m->tflite->subgraphs[i] == m->graph) seen[i] = true;
    }
    collect_unsupported(m->graph, seen, 0, list, sizeof list, &len, &count, &listed);
    free(seen);
    if (count) {
        char more[48] = "";
        if (listed < count) snprintf(more, sizeof more, " and %d more", count - listed);
        return err_fmt(err, FY_EUNSUPPORTED, "%d node%s cannot be run by ferry's interpreter: %s%s",
                       count, count == 1 ? "" : "s", list, more);
    }
    struct interp *ip = calloc(1, sizeof *ip);
    if (!ip) return nomem(err);
    arena_init(&ip->arena);
    ip->m = m;
    if (opt) ip->opt = *opt;
    if (ip->opt.threads < 1) ip->opt.threads = 1;
    fy_status st = prepare_graph(ip, m->graph, err);
    if (!st) st = plan_lifetimes(ip, err);
    if (!st && pool_start(&ip->pool, ip->opt.threads)) st = nomem(err);
    if (!st) {
        const struct ir_graph *g = m->graph;
        ip->inputs = ARENA_ARRAY(&ip->arena, g->n_inputs ? g->n_inputs : 1,
                                 const struct ir_tensor *);
        if (!ip->inputs) st = nomem(err);
        for (int i = 0; !st && i < g->n_inputs; i++)
            if (g->inputs[i]->kind != IR_TENSOR_CONST) ip->inputs[ip->n_inputs++] = g->inputs[i];
    }
    if (st) {
        interp_destroy(ip);
        return st;
    }
    *out = ip;
    return FY_OK;
}

static void release_outputs(struct interp *ip)
{
    for (int i = 0; i < ip->n_outputs; i++) op_tensor_release(&ip->outputs[i]);
    free(ip->outputs);
    ip->outputs = NULL;
    ip->n_outputs = 0;
}

void interp_destroy(struct interp *ip)
{
    if (!ip) return;
    interp_abort(ip); /* before the slab goes: an open run's values may live in it */
    release_outputs(ip);
    free(ip->slab);
    pool_stop(&ip->pool);
    arena_release(&ip->arena);
    free(ip);
}

void interp_set_tap(struct interp *ip, interp_tap_fn tap, void *user)
{
    ip->opt.tap = tap;
    ip->opt.tap_user = user;
}

int interp_input_count(const struct interp *ip) { return ip->n_inputs; }
const struct ir_tensor *interp_input(const struct interp *ip, int i) { return ip->inputs[i]; }
int interp_output_count(const struct interp *ip) { return ip->m->graph->n_outputs; }
const struct ir_tensor *interp_output(const struct interp *ip, int i)
{
    return ip->m->graph->outputs[i];
}
const struct interp_stats *interp_get_stats(const struct interp *ip) { return &ip->stats; }

/* ---- running ---- */

void op_parallel_for(struct op_ctx *c, int64_t n, int64_t min_chunk, op_range_fn fn, void *arg)
{
    struct pool *p = &c->run->ip->pool;
    int workers = p->n_threads + 1;
    if (n <= 0) return;
    if (min_chunk < 1) min_chunk = 1;
    int64_t chunk = (n + workers - 1) / workers;
    if (chunk < min_chunk) chunk = min_chunk;
    if (workers == 1 || chunk >= n) {
        fn(arg, 0, n);
        return;
    }
    struct pool_job j;
    j.fn = fn;
    j.arg = arg;
    j.n = n;
    j.chunk = chunk;
    j.n_chunks = (n + chunk - 1) / chunk;
    atomic_init(&j.next, 0);
    atomic_init(&j.done, 0);
    pthread_mutex_lock(&p->mu);
    p->job = &j;
    p->generation++;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->mu);
    job_work(&j);
    pthread_mutex_lock(&p->mu);
    while (atomic_load(&j.done) < j.n_chunks || p->active > 0)
        pthread_cond_wait(&p->finished, &p->mu);
    p->job = NULL;
    pthread_mutex_unlock(&p->mu);
}

void *op_scratch(struct op_ctx *c, size_t bytes)
{
    if (bytes > SIZE_MAX - 128) {
        nomem(c->err);
        return NULL;
    }
    /* the header takes the first 64 bytes so the caller's block stays aligned */
    struct scratch *s = aligned_alloc(64, (64 + bytes + 63) & ~(size_t)63);
    if (!s) {
        nomem(c->err);
        return NULL;
    }
    s->next = c->run->scratch;
    c->run->scratch = s;
    return (char *)s + 64;
}

static void free_scratch(struct interp_run *r, struct scratch *upto)
{
    while (r->scratch && r->scratch != upto) {
        struct scratch *n = r->scratch->next;
        free(r->scratch);
        r->scratch = n;
    }
}

static struct op_tensor *frame_lookup(struct frame *f, const struct ir_tensor *t)
{
    if (t->kind == IR_TENSOR_CONST) return f->p->consts[t->id];
    if (t->kind != IR_TENSOR_OUTER) return f->vals[t->id];
    const struct ir_tensor *o = ir_graph_resolve(t->graph->parent, t->name);
    for (struct frame *pf = f->parent; pf && o; pf = pf->parent)
        if (pf->p->g == o->graph) return frame_lookup(pf, o);
    return NULL;
}

static void value_free(struct interp *ip, struct frame *f, int id)
{
    if (f->owned[id] && f->vals[id]) {
        ip->live_bytes -= f->vals[id]->nbytes;
        if (f->in_slab[id]) f->vals[id]->data = NULL; /* the slab is not ours to free */
        op_tensor_release(f->vals[id]);
        free(f->vals[id]);
    }
    f->vals[id] = NULL;
    f->owned[id] = false;
    f->in_slab[id] = false;
}

/* Ops whose fused_activation_function is not applied to their output: the
 * LSTM's is its cell and gate activation, used inside the kernel. */
static const bool activation_is_internal[IR_OP_COUNT] = {
    [IR_OP_TFL_UNIDIRECTIONAL_SEQUENCE_LSTM] = true,
};

/* A fused activation on a float output is applied here, once for every op;
 * quantized kernels fold it into their output clamp (as TFLite does), so
 * integer outputs are left alone. */
static fy_status apply_fused_activation(struct op_ctx *c)
{
    const struct ir_node *n = c->node;
    for (int i = 0; i < c->n_outputs; i++) {
        struct op_tensor *o = c->out[i];
        if (!o || o->dtype != IR_F32) continue;
        float *x = o->data;
        uint64_t m = o->numel;
        /* one loop per activation, so each is a plain (vectorizable) loop */
        switch (n->activation) {
        case IR_ACT_RELU:
            for (uint64_t k = 0; k < m; k++) x[k] = x[k] < 0 ? 0 : x[k];
            break;
        case IR_ACT_RELU_N1_TO_1:
            for (uint64_t k = 0; k < m; k++) x[k] = x[k] < -1 ? -1 : (x[k] > 1 ? 1 : x[k]);
            break;
        case IR_ACT_RELU6:
            for (uint64_t k = 0; k < m; k++) x[k] = x[k] < 0 ? 0 : (x[k] > 6 ? 6 : x[k]);
            break;
        case IR_ACT_TANH:
            for (uint64_t k = 0; k < m; k++) x[k] = tanhf(x[k]);
            break;
        case IR_ACT_SIGN_BIT:
            for (uint64_t k = 0; k < m; k++) x[k] = signbit(x[k]) ? 1.0f : 0.0f;
            break;
        default: break;
        }
    }
    return FY_OK;
}

/* A STRING value's elements may point at bytes owned by another value (an
 * Identity copies pointers) or by a block the kernel made. Repacking each
 * string output into one block of its own (the array, then the bytes) makes
 * every value own its bytes, so freeing values in any order is safe. */
static fy_status strings_own(struct op_tensor *t, struct fy_error *err)
{
    uint64_t bytes = 0;
    for (uint64_t i = 0; i < t->numel; i++) bytes += t->strings[i].size;
    uint64_t head = (t->numel ? t->numel : 1) * sizeof *t->strings;
    struct ir_bytes *blk = malloc((size_t)(head + bytes + 1));
    if (!blk) return nomem(err);
    uint8_t *p = (uint8_t *)blk + head;
    for (uint64_t i = 0; i < t->numel; i++) {
        size_t n = t->strings[i].size;
        if (n) memcpy(p, t->strings[i].data, n);
        blk[i].data = p;
        blk[i].size = n;
        p += n;
    }
    free(t->strings);
    t->strings = blk;
    return FY_OK;
}

static fy_status deep_copy(const struct op_tensor *src, struct op_tensor *dst,
                           struct fy_error *err)
{
    fy_status st = op_tensor_alloc(dst, src->dtype, src->rank, src->dims, err);
    if (st) return st;
    dst->quant = src->quant;
    if (src->dtype == IR_STRING) {
        for (uint64_t i = 0; i < src->numel; i++) dst->strings[i] = src->strings[i];
        return strings_own(dst, err);
    }
    if (src->nbytes) memcpy(dst->data, src->data, (size_t)src->nbytes);
    return FY_OK;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* n's dependencies (ir_node_dependencies): in buf when they fit, else in a
 * heap array that the caller frees (the result is not buf); NULL when out of
 * memory. */
static struct ir_tensor **node_deps(const struct ir_node *n, struct ir_tensor *buf[64], int *k)
{
    *k = ir_node_dependencies(n, buf, 64);
    if (*k <= 64) return buf;
    struct ir_tensor **dl = calloc((size_t)*k, sizeof *dl);
    if (dl) ir_node_dependencies(n, dl, *k);
    return dl;
}

static fy_status run_node(struct interp_run *r, struct frame *f, const struct ir_node *n)
{
    struct interp *ip = r->ip;
    const struct prepared *p = f->p;
    const struct op_tensor *in_buf[16];
    struct op_tensor *out_buf[16];
    bool slab_buf[16] = {false};
    struct op_ctx c = {0};
    bool *slab_out = slab_buf;
    const struct op_tensor **in = in_buf;
    struct op_tensor **out = out_buf;
    fy_status st = FY_OK;
    struct scratch *mark = r->scratch;
    if (n->n_inputs > 16 || n->n_outputs > 16) {
        /* variadic ops (Concat, Sum, Loop) can have many */
        in = calloc((size_t)n->n_inputs + 1, sizeof *in);
        out = calloc((size_t)n->n_outputs + 1, sizeof *out);
        slab_out = calloc((size_t)n->n_outputs + 1, sizeof *slab_out);
        if (!in || !out || !slab_out) {
            free(in);
            free(out);
            free(slab_out);
            return nomem(r->err);
        }
    }
    for (int i = 0; i < n->n_inputs; i++) {
        in[i] = NULL;
        if (!n->inputs[i]) continue;
        in[i] = frame_lookup(f, n->inputs[i]);
        if (!in[i]) {
            st = err_node(r->err, FY_EINTERNAL, n->name, n->op_type,
                          "input '%s' has no value", n->inputs[i]->name);
            goto done;
        }
    }
    for (int i = 0; i < n->n_outputs; i++) {
        out[i] = NULL;
        if (!n->outputs[i]) continue;
        out[i] = calloc(1, sizeof **out);
        if (!out[i]) {
            st = nomem(r->err);
            goto done;
        }
        out[i]->quant = n->outputs[i]->quant;
    }
    c.node = n;
    c.opset = p->opset[n->id];
    c.params = p->params[n->id];
    c.n_inputs = n->n_inputs;
    c.in = in;
    c.n_outputs = n->n_outputs;
    c.out = out;
    c.run = r;
    c.err = r->err;
    c.tflite_arith = ip->opt.tflite_arith;
    const struct op_desc *d = p->desc[n->id];
    double t0 = ip->opt.stats ? now_seconds() : 0;
    st = d->infer(&c);
    for (int i = 0; !st && i < n->n_outputs; i++) {
        struct op_tensor *o = out[i];
        if (!o) continue;
        if (o->dtype == IR_UNDEFINED) {
            st = err_node(r->err, FY_EINTERNAL, n->name, n->op_type, "output %d has no type", i);
            break;
        }
        if (o->dtype == IR_STRING) {
            o->strings = calloc(o->numel ? o->numel : 1, sizeof *o->strings);
            if (!o->strings) st = nomem(r->err);
        } else {
            int id = n->outputs[i]->id;
            bool main_graph = f->main_run;
            if (main_graph && ip->planned && !p->is_output[id] && o->nbytes <= ip->plan_size[id]) {
                o->data = ip->slab + ip->plan_offset[id];
                slab_out[i] = true;
            } else {
                o->data = alloc_aligned(o->nbytes);
            }
            if (main_graph && o->nbytes > ip->plan_size[id]) {
                /* a larger value than planned (new input shapes): plan again */
                ip->plan_size[id] = o->nbytes;
                ip->planned = false;
            }
            if (!o->data) st = err_node(r->err, FY_ENOMEM, n->name, n->op_type,
                                        "out of memory for output %d (%llu bytes)", i,
                                        (unsigned long long)o->nbytes);
            else ip->live_bytes += o->nbytes;
        }
    }
    if (!st) st = d->eval(&c);
    if (!st && n->activation != IR_ACT_NONE && !activation_is_internal[n->op])
        st = apply_fused_activation(&c);
    for (int i = 0; !st && i < n->n_outputs; i++)
        if (out[i] && out[i]->dtype == IR_STRING) st = strings_own(out[i], r->err);
    if (ip->opt.stats && !r->detached) {
        struct interp_op_stat *s = &ip->stats.ops[n->op == IR_OP_OPAQUE ? IR_OP_COUNT : n->op];
        s->op = n->op;
        s->op_type = n->op_type;
        s->calls++;
        s->seconds += now_seconds() - t0;
    }
    if (!r->detached && ip->live_bytes > ip->stats.peak_activation_bytes)
        ip->stats.peak_activation_bytes = ip->live_bytes;
    free_scratch(r, mark);
    if (st) goto done;
    if (f->main_run && ip->opt.tap)
        ip->opt.tap(ip->opt.tap_user, n, (const struct op_tensor *const *)out, n->n_outputs);
    for (int i = 0; i < n->n_outputs; i++) {
        if (!out[i]) continue;
        int id = n->outputs[i]->id;
        value_free(ip, f, id);
        f->vals[id] = out[i];
        f->owned[id] = true;
        f->in_slab[id] = slab_out[i];
        out[i] = NULL;
    }
    /* release values whose last reader this was */
    struct ir_tensor *deps[64];
    int k;
    struct ir_tensor **dl = node_deps(n, deps, &k);
    if (!dl) {
        st = nomem(r->err);
        goto done;
    }
    for (int j = 0; j < k; j++) {
        int id = dl[j]->id;
        if (--f->left[id] == 0 && !p->is_output[id]) value_free(ip, f, id);
    }
    if (dl != deps) free(dl);
done:
    if (c.state_free && c.state) c.state_free(c.state);
    for (int i = 0; i < n->n_outputs; i++)
        if (out[i]) {
            if (out[i]->data) ip->live_bytes -= out[i]->nbytes;
            if (slab_out[i]) out[i]->data = NULL;
            op_tensor_release(out[i]);
            free(out[i]);
        }
    free_scratch(r, mark);
    if (in != in_buf) {
        free(in);
        free(out);
        free(slab_out);
    }
    return st;
}

static fy_status check_input(const struct ir_tensor *decl, const struct op_tensor *v,
                             struct fy_error *err)
{
    if (decl->dtype != IR_UNDEFINED && v->dtype != decl->dtype)
        return err_fmt(err, FY_EINVALID, "input '%s' has type %s; the model expects %s",
                       decl->name, ir_dtype_name(v->dtype), ir_dtype_name(decl->dtype));
    if (decl->rank < 0) return FY_OK;
    bool ok = decl->rank == v->rank;
    for (int d = 0; ok && d < v->rank; d++)
        if (decl->dims[d].value >= 0 && decl->dims[d].value != v->dims[d]) ok = false;
    if (ok) return FY_OK;
    char want[256] = "", got[256] = "";
    size_t a = 0, b = 0;
    for (int d = 0; d < decl->rank && a < sizeof want - 32; d++) {
        if (decl->dims[d].value >= 0)
            a += (size_t)snprintf(want + a, sizeof want - a, "%s%lld", d ? "," : "",
                                  (long long)decl->dims[d].value);
        else
            a += (size_t)snprintf(want + a, sizeof want - a, "%s%s", d ? "," : "",
                                  decl->dims[d].param ? decl->dims[d].param : "?");
    }
    for (int d = 0; d < v->rank && b < sizeof got - 32; d++)
        b += (size_t)snprintf(got + b, sizeof got - b, "%s%lld", d ? "," : "",
                              (long long)v->dims[d]);
    return err_fmt(err, FY_EINVALID, "input '%s' has shape [%s]; the model expects [%s]",
                   decl->name, got, want);
}

static fy_status variable_init(const struct ir_tensor *t, struct op_tensor **out,
                               struct fy_error *err)
{
    int64_t dims[OP_MAX_RANK];
    if (t->rank < 0 || t->rank > OP_MAX_RANK || !ir_tensor_is_static(t))
        return err_fmt(err, FY_EUNSUPPORTED, "variable tensor '%s' has no static shape", t->name);
    for (int d = 0; d < t->rank; d++) dims[d] = t->dims[d].value;
    struct op_tensor *v = calloc(1, sizeof *v);
    if (!v) return nomem(err);
    fy_status st = op_tensor_alloc(v, t->dtype, t->rank, dims, err);
    if (st) {
        free(v);
        return st;
    }
    v->quant = t->quant;
    /* TFLite Micro resets variables to the quantized zero (the zero point),
     * not to raw 0, and ignores any stored initial value; so do we. */
    if (t->quant && t->quant->count >= 1 && t->quant->zero_point && t->quant->zero_point[0]) {
        int64_t zp = t->quant->zero_point[0];
        for (uint64_t i = 0; i < v->numel; i++) op_set_i64(v, i, zp);
    }
    *out = v;
    return FY_OK;
}

/* ---- frames ---- */

/* Sets up f with empty per-tensor arrays; left[] starts at the graph's use
 * counts, so each value is freed after its last reader. f is valid for
 * frame_free even when this fails. */
static fy_status frame_init(struct frame *f, const struct prepared *p, struct frame *parent,
                            bool main_run, struct fy_error *err)
{
    const struct ir_graph *g = p->g;
    int nt = g->n_tensors ? g->n_tensors : 1;
    *f = (struct frame){.p = p, .parent = parent, .main_run = main_run};
    f->vals = calloc((size_t)nt, sizeof *f->vals);
    f->owned = calloc((size_t)nt, sizeof *f->owned);
    f->in_slab = calloc((size_t)nt, sizeof *f->in_slab);
    f->views = calloc((size_t)nt, sizeof *f->views);
    f->left = calloc((size_t)nt, sizeof *f->left);
    if (!f->vals || !f->owned || !f->in_slab || !f->views || !f->left) return nomem(err);
    memcpy(f->left, p->uses, sizeof(int) * (size_t)g->n_tensors);
    return FY_OK;
}

/* Frees every value the frame owns (never a bound one) and its arrays. */
static void frame_free(struct interp *ip, struct frame *f)
{
    if (!f->p) return;
    const struct ir_graph *g = f->p->g;
    if (f->vals && f->owned && f->in_slab)
        for (int i = 0; i < g->n_tensors; i++) value_free(ip, f, i);
    if (f->views)
        for (int i = 0; i < g->n_tensors; i++) free(f->views[i]);
    free(f->vals);
    free(f->owned);
    free(f->in_slab);
    free(f->views);
    free(f->left);
    *f = (struct frame){0};
}

/* Binds a value the caller owns to t; the frame never frees it. */
static fy_status frame_bind(struct frame *f, const struct ir_tensor *t, const struct op_tensor *v,
                            struct fy_error *err)
{
    if (!v->quant && t->quant) {
        /* the caller's tensor carries no quantization; kernels read the
         * parameters the model declares for the tensor */
        struct op_tensor *view = calloc(1, sizeof *view);
        if (!view) return nomem(err);
        *view = *v;
        view->quant = t->quant;
        free(f->views[t->id]); /* bound twice: the last value wins */
        f->views[t->id] = view;
        v = view;
    }
    f->vals[t->id] = (struct op_tensor *)(uintptr_t)v;
    return FY_OK;
}

/* Binds the graph's inputs: a run of the model skips constant inputs (they
 * keep the initializer) and checks each value against the declaration;
 * subgraphs bind all. */
static fy_status frame_bind_inputs(struct frame *f, const struct op_tensor *const *inputs,
                                   int n_inputs, struct fy_error *err)
{
    const struct ir_graph *g = f->p->g;
    int k = 0;
    for (int i = 0; i < g->n_inputs; i++) {
        const struct ir_tensor *t = g->inputs[i];
        if (f->main_run && t->kind == IR_TENSOR_CONST) continue;
        if (k >= n_inputs) {
            if (t->kind == IR_TENSOR_CONST) continue; /* initializer default */
            return err_fmt(err, FY_EINVALID, "input '%s' is missing", t->name);
        }
        const struct op_tensor *v = inputs[k++];
        if (!v) continue;
        fy_status st = f->main_run ? check_input(t, v, err) : FY_OK;
        if (!st) st = frame_bind(f, t, v, err);
        if (st) return st;
    }
    if (k < n_inputs && f->main_run)
        return err_fmt(err, FY_EINVALID, "%d inputs given; the model has %d", n_inputs, k);
    return FY_OK;
}

/* TFLite variable tensors (LSTM/SVDF state) start every run at zero. They
 * are live values like any other, so they count in live_bytes (value_free
 * takes them off again). */
static fy_status frame_variables(struct interp *ip, struct frame *f, struct fy_error *err)
{
    const struct ir_graph *g = f->p->g;
    for (int i = 0; i < g->n_tensors; i++) {
        const struct ir_tensor *t = g->tensors[i];
        if (!t->is_variable || t->producer || f->vals[i] || t->kind != IR_TENSOR_VALUE) continue;
        fy_status st = variable_init(t, &f->vals[i], err);
        if (st) return st;
        f->owned[i] = true;
        ip->live_bytes += f->vals[i]->nbytes;
    }
    return FY_OK;
}

static fy_status frame_start(struct interp *ip, struct frame *f, const struct prepared *p,
                             struct frame *parent, bool main_run,
                             const struct op_tensor *const *inputs, int n_inputs,
                             struct fy_error *err)
{
    fy_status st = frame_init(f, p, parent, main_run, err);
    if (!st) st = frame_bind_inputs(f, inputs, n_inputs, err);
    if (!st) st = frame_variables(ip, f, err);
    return st;
}

/* Hands the graph's outputs to the caller: a value the frame owns is moved
 * out (outputs[i] is malloc'd), anything else (an input, a constant, an
 * output listed twice) is copied. */
static fy_status frame_outputs(struct interp *ip, struct frame *f, struct op_tensor **outputs,
                               int n_outputs, struct fy_error *err)
{
    const struct ir_graph *g = f->p->g;
    for (int i = 0; i < g->n_outputs && i < n_outputs; i++) {
        const struct ir_tensor *t = g->outputs[i];
        struct op_tensor *v = frame_lookup(f, t);
        if (!v) return err_fmt(err, FY_EINVALID, "graph output '%s' was not computed", t->name);
        if (t->kind == IR_TENSOR_VALUE && f->owned[t->id]) {
            outputs[i] = v;
            f->owned[t->id] = false;
            ip->live_bytes -= v->nbytes;
        } else {
            struct op_tensor *c = calloc(1, sizeof *c);
            if (!c) return nomem(err);
            outputs[i] = c;
            fy_status st = deep_copy(v, c, err);
            if (st) return st;
        }
    }
    return FY_OK;
}

/* Runs a subgraph (If/Loop/Scan body) in a frame of its own under parent. */
static fy_status run_graph(struct interp_run *r, const struct prepared *p, struct frame *parent,
                           const struct op_tensor *const *inputs, int n_inputs,
                           struct op_tensor **outputs, int n_outputs)
{
    struct frame f;
    fy_status st = frame_start(r->ip, &f, p, parent, false, inputs, n_inputs, r->err);
    if (!st) {
        struct frame *saved = r->frame;
        r->frame = &f;
        for (int i = 0; i < p->g->n_nodes && !st; i++) st = run_node(r, &f, p->order[i]);
        r->frame = saved;
    }
    if (!st) st = frame_outputs(r->ip, &f, outputs, n_outputs, r->err);
    frame_free(r->ip, &f);
    return st;
}

fy_status op_run_subgraph(struct op_ctx *c, const struct ir_graph *g,
                          const struct op_tensor *const *inputs, int n_inputs,
                          struct op_tensor **outputs, int n_outputs)
{
    const struct prepared *p = find_prepared(c->run->ip, g);
    if (!p) return op_fail(c, FY_EINTERNAL, "subgraph '%s' was not prepared", g->name);
    for (int i = 0; i < n_outputs; i++) outputs[i] = NULL;
    fy_status st = run_graph(c->run, p, c->run->frame, inputs, n_inputs, outputs, n_outputs);
    if (st)
        for (int i = 0; i < n_outputs; i++) {
            op_tensor_release(outputs[i]);
            free(outputs[i]);
            outputs[i] = NULL;
        }
    return st;
}

/* ---- runs of the main graph ---- */

void interp_abort(struct interp *ip)
{
    struct session *s = ip->session;
    if (!s) return;
    frame_free(ip, &s->frame);
    free(s);
    ip->session = NULL;
}

fy_status interp_begin(struct interp *ip, const struct op_tensor *const *inputs, int n_inputs,
                       struct fy_error *err)
{
    /* refused rather than ending the open run silently: two runs
     * interleaved on one interpreter is a caller's bug */
    if (ip->session)
        return err_fmt(err, FY_EINTERNAL,
                       "a run is already in progress on this interpreter; finish or abort it "
                       "first");
    release_outputs(ip);
    if (n_inputs != ip->n_inputs)
        return err_fmt(err, FY_EINVALID, "%d inputs given; the model has %d", n_inputs,
                       ip->n_inputs);
    struct session *s = calloc(1, sizeof *s);
    if (!s) return nomem(err);
    ip->session = s;
    ip->live_bytes = 0;
    s->run = (struct interp_run){.ip = ip, .err = err, .frame = &s->frame};
    fy_status st = frame_start(ip, &s->frame, ip->graphs[0], NULL, true, inputs, n_inputs, err);
    if (st) interp_abort(ip);
    return st;
}

fy_status interp_step(struct interp *ip, const struct ir_node **node, struct fy_error *err)
{
    *node = NULL;
    struct session *s = ip->session;
    if (!s) return err_fmt(err, FY_EINTERNAL, "no run is in progress on this interpreter");
    const struct prepared *p = ip->graphs[0];
    if (s->next >= p->g->n_nodes) return FY_OK;
    const struct ir_node *n = p->order[s->next];
    s->run.err = err; /* each call may pass its own record */
    fy_status st = run_node(&s->run, &s->frame, n);
    if (st) {
        interp_abort(ip);
        return st;
    }
    s->next++;
    *node = n;
    return FY_OK;
}

fy_status interp_finish(struct interp *ip, struct op_tensor **outputs, int n_outputs,
                        struct fy_error *err)
{
    struct session *s = ip->session;
    if (!s) return err_fmt(err, FY_EINTERNAL, "no run is in progress on this interpreter");
    const struct ir_graph *g = ip->m->graph;
    fy_status st = FY_OK;
    if (s->next < g->n_nodes)
        st = err_fmt(err, FY_EINTERNAL, "the run was finished with %d of its %d nodes not run",
                     g->n_nodes - s->next, g->n_nodes);
    struct op_tensor **outs = NULL;
    if (!st) {
        outs = calloc((size_t)g->n_outputs + 1, sizeof *outs);
        if (!outs) st = nomem(err);
    }
    if (!st) st = frame_outputs(ip, &s->frame, outs, g->n_outputs, err);
    /* the outputs are handed over; everything else of the run goes */
    interp_abort(ip);
    if (!st) {
        ip->outputs = calloc((size_t)g->n_outputs + 1, sizeof *ip->outputs);
        if (!ip->outputs) st = nomem(err);
    }
    for (int i = 0; outs && i < g->n_outputs; i++) {
        if (!st && outs[i]) {
            ip->outputs[i] = *outs[i];
        } else if (outs[i]) {
            op_tensor_release(outs[i]);
        }
        free(outs[i]);
    }
    free(outs);
    if (st) return st;
    /* after the frame is gone: a new plan replaces the slab its values used */
    if (!ip->planned) plan_build(ip);
    ip->n_outputs = g->n_outputs;
    for (int i = 0; i < n_outputs && i < g->n_outputs; i++) outputs[i] = &ip->outputs[i];
    return FY_OK;
}

fy_status interp_run(struct interp *ip, const struct op_tensor *const *inputs, int n_inputs,
                     struct op_tensor **outputs, int n_outputs, struct fy_error *err)
{
    fy_status st = interp_begin(ip, inputs, n_inputs, err);
    const struct ir_node *n = NULL;
    while (!st) {
        st = interp_step(ip, &n, err);
        if (!n) break;
    }
    /* an error in begin or step has already ended the run */
    if (!st) st = interp_finish(ip, outputs, n_outputs, err);
    return st;
}

int interp_node_count(const struct interp *ip) { return ip->graphs[0]->g->n_nodes; }
const struct ir_node *interp_node(const struct interp *ip, int i)
{
    return ip->graphs[0]->order[i];
}

/* A node run on its own may read only constants, given values and values
 * of the nodes run before it: name the first read that has none, rather
 * than let run_node report a missing value as an internal fault. */
static fy_status check_reads(struct frame *f, const struct ir_node *n, struct fy_error *err)
{
    struct ir_tensor *deps[64];
    int k;
    struct ir_tensor **dl = node_deps(n, deps, &k);
    if (!dl) return nomem(err);
    fy_status st = FY_OK;
    for (int j = 0; j < k && !st; j++)
        if (!frame_lookup(f, dl[j]))
            st = err_node(err, FY_EINVALID, n->name, n->op_type,
                          "reads '%s', which is neither given nor computed by an earlier node",
                          dl[j]->name);
    if (dl != deps) free(dl);
    return st;
}

fy_status interp_run_nodes(struct interp *ip, const struct ir_node *const *nodes, int n_nodes,
                           const struct ir_tensor *const *given,
                           const struct op_tensor *const *given_vals, int n_given,
                           const struct ir_tensor *const *want, struct op_tensor *want_vals,
                           int n_want, struct fy_error *err)
{
    const struct prepared *p = ip->graphs[0];
    const struct ir_graph *g = p->g;
    for (int i = 0; i < n_want; i++) want_vals[i] = (struct op_tensor){0};
    /* tensors index the frame by id: only the main graph's may come in */
    for (int i = 0; i < n_nodes; i++)
        if (nodes[i]->graph != g)
            return err_node(err, FY_EINVALID, nodes[i]->name, nodes[i]->op_type,
                            "is not a node of the main graph");
    for (int i = 0; i < n_given; i++) {
        if (given[i]->graph != g)
            return err_fmt(err, FY_EINVALID, "'%s' is not a tensor of the main graph",
                           given[i]->name);
        if (given[i]->kind == IR_TENSOR_CONST)
            return err_fmt(err, FY_EINVALID,
                           "'%s' is a constant of the model; its value cannot be given",
                           given[i]->name);
        if (!given_vals[i])
            return err_fmt(err, FY_EINVALID, "no value given for '%s'", given[i]->name);
    }
    for (int i = 0; i < n_want; i++)
        if (want[i]->graph != g)
            return err_fmt(err, FY_EINVALID, "'%s' is not a tensor of the main graph",
                           want[i]->name);

    /* A frame of its own over the main graph's prepared data (descriptors,
     * parameters, constants: read only), not a run's frame: no slab, no
     * plan, no tap. Subgraph bodies find it as their parent through r. */
    struct interp_run r = {.ip = ip, .err = err, .detached = true};
    struct frame f;
    fy_status st = frame_init(&f, p, NULL, false, err);
    /* any value computed here may be wanted: none is freed before the end */
    for (int i = 0; !st && i < g->n_tensors; i++) f.left[i] = INT_MAX;
    for (int i = 0; !st && i < n_given; i++) st = frame_bind(&f, given[i], given_vals[i], err);
    if (!st) st = frame_variables(ip, &f, err);
    r.frame = &f;
    for (int i = 0; !st && i < n_nodes; i++) {
        st = check_reads(&f, nodes[i], err);
        if (!st) st = run_node(&r, &f, nodes[i]);
    }
    for (int i = 0; !st && i < n_want; i++) {
        const struct op_tensor *v = frame_lookup(&f, want[i]);
        if (!v)
            st = err_fmt(err, FY_EINVALID,
                         "'%s' is wanted but is neither given nor computed by the nodes run",
                         want[i]->name);
        else
            st = deep_copy(v, &want_vals[i], err);
    }
    if (st)
        for (int i = 0; i < n_want; i++) op_tensor_release(&want_vals[i]);
    frame_free(ip, &f);
    return st;
}

fy_status interp_infer_node(const struct ir_node *n, int64_t opset,
                            const struct op_tensor *const *in, struct op_tensor *const *out,
                            struct fy_error *err)
{
    const struct op_desc *d = op_find_node(n);
    if (!d)
        return err_node(err, FY_EUNSUPPORTED, n->name, n->op_type,
                        "ferry's interpreter has no kernel for this op");
    /* tfl.IF and tfl.WHILE run subgraphs of the model, named by index */
    bool runs_subgraph = n->op == IR_OP_TFL_IF || n->op == IR_OP_TFL_WHILE;
    for (int i = 0; i < n->n_attrs; i++)
        if (n->attrs[i].type == IR_ATTR_GRAPH || n->attrs[i].type == IR_ATTR_GRAPHS)
            runs_subgraph = true;
    if (runs_subgraph)
        return err_node(err, FY_EUNSUPPORTED, n->name, n->op_type,
                        "has a subgraph; only running it decides its shapes");
    if (n->n_inputs < d->min_inputs || (d->max_inputs >= 0 && n->n_inputs > d->max_inputs) ||
        n->n_outputs < d->min_outputs || (d->max_outputs >= 0 && n->n_outputs > d->max_outputs))
        return err_node(err, FY_EINVALID, n->name, n->op_type, "has %d inputs and %d outputs",
                        n->n_inputs, n->n_outputs);
    void *params = NULL;
    if (d->params_size) {
        params = calloc(1, d->params_size);
        if (!params) return nomem(err);
    }
    fy_status st = d->parse ? d->parse(n, opset, params, err) : FY_OK;
    struct interp_run r = {.ip = NULL, .err = err};
    struct op_ctx c = {0};
    c.node = n;
    c.opset = opset;
    c.params = params;
    c.n_inputs = n->n_inputs;
    c.in = in;
    c.n_outputs = n->n_outputs;
    c.out = out;
    c.run = &r;
    c.err = err;
    if (!st) st = d->infer(&c);
    if (c.state_free && c.state) c.state_free(c.state);
    free_scratch(&r, NULL);
    free(params);
    return st;
}
