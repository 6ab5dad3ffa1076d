/* Per-layer comparison. The two interpreters advance side by side, node by
 * node (interp_step): before the candidate runs a node, the reference runs
 * until it has produced every value that node's comparison needs. The
 * reference's values are copied from its tap only while a comparison still
 * needs them, so memory stays near one model's live activations, whatever
 * the model's depth; only statistics are kept across input sets.
 *
 * A row is one reference tensor that a candidate tensor holds (the link of
 * link.c). Its accumulated error compares the two values as the models
 * computed them; its local error runs the candidate's nodes that compute
 * the tensor from other linked tensors (usually one node; a few when the
 * converter inserted a transpose or decomposed an op) on the reference's
 * values of those tensors (interp_run_nodes), so it measures only what
 * those nodes add. The first row in reference order whose local error is
 * outside the tolerance is the first divergence. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "validate/internal.h"

#define REGION_MAX 64

struct row {
    const struct ir_tensor *rt;    /* reference tensor compared */
    const struct ir_tensor *ct;    /* the candidate tensor holding it */
    const struct vlink *link;
    const struct ir_node *cnode;   /* producer of ct */
    const struct ir_node **ref_region;
    int n_ref_region;
    const struct ir_node **cregion; /* candidate nodes computing ct, in run order */
    int n_cregion;
    const struct ir_tensor **bound; /* the linked candidate tensors they read */
    int n_bound;
    bool local_ok;                 /* the local error can be computed */
    bool comparable;               /* the values' shapes agreed */
    int ref_pos;
    int next;                      /* next row of the same candidate node */
    struct metric_acc acc, local;
};

struct layer_cmp {
    struct arena arena;
    struct interp *ip[2];
    const char *path[2];         /* the model files, for errors */
    const struct vmap *map;
    struct metric_config tol;
    enum validate_precision precision;
    double min_snr;
    struct row *rows;
    int n_rows;
    int *row_head;               /* by candidate node id */
    int *uses;                   /* by reference tensor id: rows needing its value */
    int *left;                   /* the same, counting down during a set */
    struct op_tensor **store;    /* by reference tensor id */
    bool *owned;                 /* by reference tensor id */
    int n_ref_tensors;
    int set;
};

static fy_status nomem(struct fy_error *err) { return err_fmt(err, FY_ENOMEM, "out of memory"); }

static const char *label(const struct ir_tensor *t) { return t->origin ? t->origin : t->name; }

static int dependencies(const struct ir_node *n, struct ir_tensor ***out, struct ir_tensor **buf,
                        int cap)
{
    int k = ir_node_dependencies(n, buf, cap);
    *out = buf;
    if (k <= cap) return k;
    struct ir_tensor **heap = calloc((size_t)k, sizeof *heap);
    if (!heap) return -1;
    ir_node_dependencies(n, heap, k);
    *out = heap;
    return k;
}

/* The reference nodes computing rt from linked (or constant or input)
 * values: rt's producer and, backwards, producers of tensors no candidate
 * tensor holds. */
static fy_status find_ref_region(struct layer_cmp *lc, struct row *r, const bool *ref_linked,
                                 const int *ref_pos, const bool *const_only, struct fy_error *err)
{
    const struct ir_node *stack[REGION_MAX];
    const struct ir_node **reg = ARENA_ARRAY(&lc->arena, REGION_MAX, const struct ir_node *);
    if (!reg) return nomem(err);
    int n = 0, sp = 0;
    stack[sp++] = r->rt->producer;
    reg[n++] = r->rt->producer;
    while (sp) {
        const struct ir_node *nd = stack[--sp];
        struct ir_tensor *buf[64], **deps;
        int k = dependencies(nd, &deps, buf, 64);
        if (k < 0) return nomem(err);
        for (int j = 0; j < k; j++) {
            const struct ir_tensor *t = deps[j];
            /* nodes computing only from constants (a weight reshape) are
             * not where an error can start */
            if (t->kind != IR_TENSOR_VALUE || !t->producer || ref_linked[t->id] ||
                const_only[t->producer->id])
                continue;
            bool seen = false;
            for (int q = 0; q < n && !seen; q++) seen = reg[q] == t->producer;
            if (seen || n >= REGION_MAX) continue;
            reg[n++] = t->producer;
            stack[sp++] = t->producer;
        }
        if (deps != buf) free(deps);
    }
    /* in run order */
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && ref_pos[reg[j]->id] < ref_pos[reg[j - 1]->id]; j--) {
            const struct ir_node *tmp = reg[j];
            reg[j] = reg[j - 1];
            reg[j - 1] = tmp;
        }
    r->ref_region = reg;
    r->n_ref_region = n;
    return FY_OK;
}

/* The candidate nodes computing ct from linked values; local_ok stays false
 * when they read a graph input no reference tensor matches, or are too many. */
static fy_status find_cand_region(struct layer_cmp *lc, struct row *r, const int *cand_pos,
                                  struct fy_error *err)
{
    const struct vmap *m = lc->map;
    const struct ir_node **reg = ARENA_ARRAY(&lc->arena, REGION_MAX, const struct ir_node *);
    const struct ir_tensor **bound = ARENA_ARRAY(&lc->arena, 4 * REGION_MAX, const struct ir_tensor *);
    if (!reg || !bound) return nomem(err);
    const struct ir_node *stack[REGION_MAX];
    int n = 0, sp = 0, nb = 0;
    bool ok = true;
    stack[sp++] = r->cnode;
    reg[n++] = r->cnode;
    while (sp && ok) {
        const struct ir_node *nd = stack[--sp];
        struct ir_tensor *buf[64], **deps;
        int k = dependencies(nd, &deps, buf, 64);
        if (k < 0) return nomem(err);
        for (int j = 0; j < k && ok; j++) {
            const struct ir_tensor *t = deps[j];
            if (t->kind == IR_TENSOR_CONST) continue;
            if (t->kind != IR_TENSOR_VALUE) {
                ok = false; /* an outer value: not a main-graph node's */
                break;
            }
            if (m->by_cand[t->id].ref) {
                bool seen = false;
                for (int q = 0; q < nb && !seen; q++) seen = bound[q] == t;
                if (!seen) {
                    if (nb >= 4 * REGION_MAX) ok = false;
                    else bound[nb++] = t;
                }
                continue;
            }
            if (!t->producer) {
                ok = false;
                break;
            }
            bool seen = false;
            for (int q = 0; q < n && !seen; q++) seen = reg[q] == t->producer;
            if (seen) continue;
            if (n >= REGION_MAX) {
                ok = false;
                break;
            }
            reg[n++] = t->producer;
            stack[sp++] = t->producer;
        }
        if (deps != buf) free(deps);
    }
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && cand_pos[reg[j]->id] < cand_pos[reg[j - 1]->id]; j--) {
            const struct ir_node *tmp = reg[j];
            reg[j] = reg[j - 1];
            reg[j - 1] = tmp;
        }
    r->cregion = reg;
    r->n_cregion = n;
    r->bound = bound;
    r->n_bound = nb;
    r->local_ok = ok;
    return FY_OK;
}

fy_status layers_create(struct interp *ref, struct interp *cand, const char *const paths[2],
                        const struct vmap *map, const struct metric_config *tol,
                        enum validate_precision precision, double min_snr_db,
                        struct layer_cmp **out, struct fy_error *err)
{
    struct layer_cmp *lc = calloc(1, sizeof *lc);
    if (!lc) return nomem(err);
    arena_init(&lc->arena);
    *out = lc;
    lc->ip[0] = ref;
    lc->ip[1] = cand;
    lc->path[0] = paths[0];
    lc->path[1] = paths[1];
    lc->map = map;
    lc->tol = *tol;
    lc->tol.classes = 0;
    lc->tol.step = 0;
    lc->precision = precision;
    lc->min_snr = min_snr_db;
    const struct ir_graph *rg = map->ref->graph, *cg = map->cand->graph;
    struct arena *a = &lc->arena;
    lc->n_ref_tensors = rg->n_tensors;
    int *ref_pos = ARENA_ARRAY(a, rg->n_nodes + 1, int);
    int *cand_pos = ARENA_ARRAY(a, cg->n_nodes + 1, int);
    bool *ref_linked = ARENA_ARRAY(a, rg->n_tensors + 1, bool);
    bool *rowed = ARENA_ARRAY(a, rg->n_tensors + 1, bool);
    lc->row_head = ARENA_ARRAY(a, cg->n_nodes + 1, int);
    lc->uses = ARENA_ARRAY(a, rg->n_tensors + 1, int);
    lc->left = ARENA_ARRAY(a, rg->n_tensors + 1, int);
    lc->store = ARENA_ARRAY(a, rg->n_tensors + 1, struct op_tensor *);
    lc->owned = ARENA_ARRAY(a, rg->n_tensors + 1, bool);
    lc->rows = ARENA_ARRAY(a, cg->n_tensors + 1, struct row);
    if (!ref_pos || !cand_pos || !ref_linked || !rowed || !lc->row_head || !lc->uses ||
        !lc->left || !lc->store || !lc->owned || !lc->rows)
        return nomem(err);
    for (int i = 0; i < interp_node_count(ref); i++) ref_pos[interp_node(ref, i)->id] = i;
    for (int i = 0; i < interp_node_count(cand); i++) cand_pos[interp_node(cand, i)->id] = i;
    for (int i = 0; i < cg->n_nodes; i++) lc->row_head[i] = -1;
    /* reference nodes whose inputs are all constants or computed from them */
    bool *const_only = ARENA_ARRAY(a, rg->n_nodes + 1, bool);
    if (!const_only) return nomem(err);
    for (int i = 0; i < interp_node_count(ref); i++) {
        const struct ir_node *nd = interp_node(ref, i);
        struct ir_tensor *buf[64], **deps;
        int k = dependencies(nd, &deps, buf, 64);
        if (k < 0) return nomem(err);
        bool c = true;
        for (int j = 0; j < k && c; j++)
            c = deps[j]->kind == IR_TENSOR_CONST ||
                (deps[j]->kind == IR_TENSOR_VALUE && deps[j]->producer &&
                 const_only[deps[j]->producer->id]);
        const_only[nd->id] = c;
        if (deps != buf) free(deps);
    }
    for (int i = 0; i < map->n_cand; i++)
        if (map->by_cand[i].ref) ref_linked[map->by_cand[i].ref->id] = true;

    /* rows: the first candidate tensor (in run order) holding each reference
     * tensor that a reference node computes */
    for (int ci = 0; ci < interp_node_count(cand); ci++) {
        const struct ir_node *cn = interp_node(cand, ci);
        for (int o = 0; o < cn->n_outputs; o++) {
            const struct ir_tensor *ct = cn->outputs[o];
            if (!ct) continue;
            const struct vlink *l = &map->by_cand[ct->id];
            if (!l->ref || !l->ref->producer || rowed[l->ref->id]) continue;
            if (l->ref->dtype == IR_STRING || ct->dtype == IR_STRING) continue;
            rowed[l->ref->id] = true;
            struct row *r = &lc->rows[lc->n_rows];
            r->rt = l->ref;
            r->ct = ct;
            r->link = l;
            r->cnode = cn;
            r->ref_pos = ref_pos[l->ref->producer->id];
            r->comparable = true;
            fy_status st = find_ref_region(lc, r, ref_linked, ref_pos, const_only, err);
            if (!st) st = find_cand_region(lc, r, cand_pos, err);
            if (st) return st;
            metric_init(&r->acc, &lc->tol);
            metric_init(&r->local, &lc->tol);
            lc->uses[r->rt->id]++;
            if (r->local_ok)
                for (int b = 0; b < r->n_bound; b++) lc->uses[map->by_cand[r->bound[b]->id].ref->id]++;
            /* rows of a node in the order they were made */
            r->next = -1;
            int *tail = &lc->row_head[cn->id];
            while (*tail >= 0) tail = &lc->rows[*tail].next;
            *tail = lc->n_rows;
            lc->n_rows++;
        }
    }
    return FY_OK;
}

static void store_free(struct layer_cmp *lc, int id)
{
    if (lc->store[id] && lc->owned[id]) {
        op_tensor_release(lc->store[id]);
        free(lc->store[id]);
    }
    lc->store[id] = NULL;
    lc->owned[id] = false;
}

static void release_use(struct layer_cmp *lc, const struct ir_tensor *rt)
{
    if (--lc->left[rt->id] <= 0) store_free(lc, rt->id);
}

/* Reference tap: keep the values rows will need. */
static void ref_tap(void *user, const struct ir_node *n, const struct op_tensor *const *outputs,
                    int n_outputs)
{
    struct layer_cmp *lc = user;
    for (int i = 0; i < n_outputs && i < n->n_outputs; i++) {
        const struct ir_tensor *t = n->outputs[i];
        if (!t || !outputs[i] || lc->left[t->id] <= 0 || lc->store[t->id]) continue;
        if (outputs[i]->dtype == IR_STRING) continue;
        struct op_tensor *c = calloc(1, sizeof *c);
        struct fy_error e = {0};
        if (!c || op_tensor_alloc(c, outputs[i]->dtype, outputs[i]->rank, outputs[i]->dims, &e)) {
            free(c);
            continue; /* out of memory: that row goes without this set */
        }
        if (outputs[i]->nbytes) memcpy(c->data, outputs[i]->data, (size_t)outputs[i]->nbytes);
        c->quant = outputs[i]->quant;
        lc->store[t->id] = c;
        lc->owned[t->id] = true;
    }
}

/* Compares a candidate value with the stored reference value of a row. */
static void compare(struct layer_cmp *lc, struct row *r, struct metric_acc *acc,
                    const struct op_tensor *cv)
{
    const struct op_tensor *rv = lc->store[r->rt->id];
    if (!rv || !cv) return;
    double *rd = malloc((size_t)(rv->numel ? rv->numel : 1) * sizeof *rd);
    double *cd = malloc((size_t)(rv->numel ? rv->numel : 1) * sizeof *cd);
    struct fy_error e = {0};
    if (rd && cd) {
        value_to_double(rv, rd);
        if (vlink_cand_to_ref(r->link, cv, rv->rank, rv->dims, cd, "layer", &e))
            r->comparable = false;
        else
            metric_add(acc, lc->set, rd, cd, rv->numel);
    }
    free(rd);
    free(cd);
}

/* Candidate tap: the accumulated error of the rows this node computes. */
static void cand_tap(void *user, const struct ir_node *n, const struct op_tensor *const *outputs,
                     int n_outputs)
{
    struct layer_cmp *lc = user;
    for (int ri = lc->row_head[n->id]; ri >= 0; ri = lc->rows[ri].next) {
        struct row *r = &lc->rows[ri];
        for (int o = 0; o < n_outputs && o < n->n_outputs; o++)
            if (n->outputs[o] == r->ct && r->comparable) compare(lc, r, &r->acc, outputs[o]);
    }
}

/* The local error of a row: its candidate nodes on the reference's values. */
static void local_error(struct layer_cmp *lc, struct row *r)
{
    const struct vmap *m = lc->map;
    if (!r->local_ok || !r->comparable || !lc->store[r->rt->id]) return;
    for (int b = 0; b < r->n_bound; b++)
        if (!lc->store[m->by_cand[r->bound[b]->id].ref->id]) return;
    struct op_tensor *given = calloc((size_t)r->n_bound + 1, sizeof *given);
    const struct op_tensor **gp = calloc((size_t)r->n_bound + 1, sizeof *gp);
    struct fy_error e = {0};
    int made = 0;
    bool ok = given && gp;
    for (int b = 0; ok && b < r->n_bound; b++) {
        const struct vlink *l = &m->by_cand[r->bound[b]->id];
        ok = !vlink_ref_to_cand(l, r->bound[b], lc->store[l->ref->id], &given[b], &e);
        if (ok) {
            gp[b] = &given[b];
            made++;
        }
    }
    struct op_tensor want = {0};
    if (ok && !interp_run_nodes(lc->ip[1], r->cregion, r->n_cregion, r->bound, gp, r->n_bound,
                                &r->ct, &want, 1, &e)) {
        compare(lc, r, &r->local, &want);
        op_tensor_release(&want);
    } else {
        r->local_ok = false; /* say "unknown" rather than a wrong number */
    }
    for (int b = 0; b < made; b++) op_tensor_release(&given[b]);
    free(given);
    free(gp);
}

static bool row_ready(const struct layer_cmp *lc, const struct row *r)
{
    if (!lc->store[r->rt->id]) return false;
    if (!r->local_ok) return true;
    for (int b = 0; b < r->n_bound; b++)
        if (!lc->store[lc->map->by_cand[r->bound[b]->id].ref->id]) return false;
    return true;
}

fy_status layers_run(struct layer_cmp *lc, int set, const struct op_tensor *const *ref_inputs,
                     int n_ref_inputs, const struct op_tensor *const *cand_inputs,
                     int n_cand_inputs, struct op_tensor **ref_outputs,
                     struct op_tensor **cand_outputs, struct fy_error *err)
{
    const struct ir_graph *rg = lc->map->ref->graph;
    struct interp *ref = lc->ip[0], *cand = lc->ip[1];
    lc->set = set;
    memcpy(lc->left, lc->uses, sizeof(int) * (size_t)lc->n_ref_tensors);
    /* the reference inputs are the given tensors (not copied) */
    int k = 0;
    for (int i = 0; i < rg->n_inputs; i++) {
        const struct ir_tensor *t = rg->inputs[i];
        if (t->kind == IR_TENSOR_CONST) continue;
        if (k < n_ref_inputs && lc->left[t->id] > 0)
            lc->store[t->id] = (struct op_tensor *)(uintptr_t)ref_inputs[k];
        k++;
    }
    interp_set_tap(ref, ref_tap, lc);
    interp_set_tap(cand, cand_tap, lc);
    err_set_file(err, lc->path[0]);
    fy_status st = interp_begin(ref, ref_inputs, n_ref_inputs, err);
    if (!st) {
        err_set_file(err, lc->path[1]);
        st = interp_begin(cand, cand_inputs, n_cand_inputs, err);
        if (st) interp_abort(ref);
    }
    bool ref_done = false;
    int n_cand = interp_node_count(cand);
    for (int ci = 0; ci < n_cand && !st; ci++) {
        const struct ir_node *cn = interp_node(cand, ci);
        for (int ri = lc->row_head[cn->id]; ri >= 0 && !st; ri = lc->rows[ri].next)
            while (!ref_done && !row_ready(lc, &lc->rows[ri])) {
                const struct ir_node *done = NULL;
                err_set_file(err, lc->path[0]);
                st = interp_step(ref, &done, err);
                if (!st && !done) ref_done = true;
                if (st) break;
            }
        if (st) break;
        const struct ir_node *ran = NULL;
        err_set_file(err, lc->path[1]);
        st = interp_step(cand, &ran, err);
        if (st) break;
        for (int ri = lc->row_head[cn->id]; ri >= 0; ri = lc->rows[ri].next) {
            struct row *r = &lc->rows[ri];
            local_error(lc, r);
            release_use(lc, r->rt);
            if (r->local_ok)
                for (int b = 0; b < r->n_bound; b++)
                    release_use(lc, lc->map->by_cand[r->bound[b]->id].ref);
        }
    }
    err_set_file(err, lc->path[0]);
    while (!st && !ref_done) {
        const struct ir_node *done = NULL;
        st = interp_step(ref, &done, err);
        if (!done) ref_done = true;
    }
    if (!st) {
        const struct ir_node *last = NULL;
        err_set_file(err, lc->path[1]);
        st = interp_step(cand, &last, err);
    }
    if (!st) {
        err_set_file(err, lc->path[0]);
        st = interp_finish(ref, ref_outputs, interp_output_count(ref), err);
    }
    if (!st) {
        err_set_file(err, lc->path[1]);
        st = interp_finish(cand, cand_outputs, interp_output_count(cand), err);
    }
    if (st) {
        interp_abort(ref);
        interp_abort(cand);
    }
    for (int i = 0; i < lc->n_ref_tensors; i++) store_free(lc, i);
    return st;
}

static double snr_of(const struct metric_acc *a)
{
    struct metric_result m;
    metric_result(a, &m);
    return m.snr_db;
}

static int cmp_rows(const void *x, const void *y)
{
    const struct row *a = x, *b = y;
    if (a->ref_pos != b->ref_pos) return a->ref_pos < b->ref_pos ? -1 : 1;
    return a->rt->id < b->rt->id ? -1 : (a->rt->id > b->rt->id);
}

fy_status layers_report(struct layer_cmp *lc, struct validate_report *r, struct fy_error *err)
{
    struct arena *a = &r->arena;
    qsort(lc->rows, (size_t)lc->n_rows, sizeof *lc->rows, cmp_rows);
    r->layers = ARENA_ARRAY(a, lc->n_rows + 1, struct validate_layer);
    if (!r->layers) return nomem(err);
    r->first_divergence = -1;
    int k = 0;
    for (int i = 0; i < lc->n_rows; i++) {
        const struct row *w = &lc->rows[i];
        if (!w->comparable || !w->acc.count) continue;
        struct validate_layer *l = &r->layers[k];
        struct metric_result acc, loc;
        metric_result(&w->acc, &acc);
        metric_result(&w->local, &loc);
        const struct ir_node *first = w->ref_region[0];
        l->node = arena_strdup(a, first->name ? first->name : "");
        l->op = arena_strdup(a, first->op_type);
        l->tensor = arena_strdup(a, label(w->rt));
        l->candidate_node = arena_strdup(a, w->cnode->name ? w->cnode->name : "");
        l->candidate_op = arena_strdup(a, w->cnode->op_type);
        l->region = ARENA_ARRAY(a, w->n_ref_region + 1, const char *);
        if (!l->node || !l->op || !l->tensor || !l->candidate_node || !l->candidate_op ||
            !l->region)
            return nomem(err);
        for (int q = 0; q < w->n_ref_region; q++) {
            l->region[q] = arena_strdup(a, w->ref_region[q]->name ? w->ref_region[q]->name : "");
            if (!l->region[q]) return nomem(err);
        }
        l->n_region = w->n_ref_region;
        l->accumulated_max_abs = acc.max_abs;
        l->snr_db = acc.snr_db;
        bool have_local = w->local_ok && w->local.count == w->acc.count;
        l->local_max_abs = have_local ? loc.max_abs : NAN;
        l->local_snr_db = have_local ? loc.snr_db : NAN;
        l->local_mismatches = have_local ? loc.mismatches : 0;
        if (have_local) {
            if (r->element_rule)
                l->diverged = loc.mismatches > 0;
            else
                l->diverged = snr_of(&w->local) < lc->min_snr;
        }
        if (l->diverged && r->first_divergence < 0) r->first_divergence = k;
        k++;
    }
    r->n_layers = k;
    return FY_OK;
}

void layers_free(struct layer_cmp *lc)
{
    if (!lc) return;
    if (lc->store)
        for (int i = 0; i < lc->n_ref_tensors; i++) store_free(lc, i);
    interp_set_tap(lc->ip[0], NULL, NULL);
    interp_set_tap(lc->ip[1], NULL, NULL);
    arena_release(&lc->arena);
    free(lc);
}
