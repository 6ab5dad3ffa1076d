/* The pass manager, the report, and the static_shapes pass. */
#include "passes/pass.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "passes/util.h"

static fy_status nomem(struct fy_error *err) { return err_fmt(err, FY_ENOMEM, "out of memory"); }

void pass_report_init(struct pass_report *r)
{
    memset(r, 0, sizeof *r);
    arena_init(&r->arena);
    strmap_init(&r->map, &r->arena);
#if defined(__SANITIZE_ADDRESS__)
    r->opt.verify = true;
#endif
    if (getenv("FERRY_VERIFY_PASSES")) r->opt.verify = true;
}

void pass_report_free(struct pass_report *r)
{
    arena_release(&r->arena);
    memset(r, 0, sizeof *r);
}

fy_status pass_note(struct pass_report *r, struct pass_note_list *l, const char *node,
                    const char *op, const char *fmt, ...)
{
    if (arena_grow(&r->arena, (void **)&l->items, &l->cap, l->count + 1, sizeof *l->items))
        return FY_ENOMEM;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    struct pass_note *n = &l->items[l->count];
    n->node = node ? arena_strdup(&r->arena, node) : NULL;
    n->op = op ? arena_strdup(&r->arena, op) : NULL;
    n->text = arena_strdup(&r->arena, buf);
    if ((node && !n->node) || (op && !n->op) || !n->text) return FY_ENOMEM;
    l->count++;
    return FY_OK;
}

fy_status pass_map_set(struct pass_report *r, const char *name, const char *source, int rank,
                       const int *perm, struct fy_error *err)
{
    struct pass_map *e = strmap_get(&r->map, name, strlen(name));
    if (!e) {
        e = ARENA_NEW(&r->arena, struct pass_map);
        char *key = arena_strdup(&r->arena, name);
        if (!e || !key || strmap_put(&r->map, key, strlen(key), e)) return nomem(err);
    }
    e->source = arena_strdup(&r->arena, source ? source : "");
    if (!e->source) return nomem(err);
    if (rank < 0 || rank > PASS_MAX_RANK) rank = 0;
    e->rank = rank;
    for (int i = 0; i < rank; i++) e->perm[i] = perm[i];
    return FY_OK;
}

const struct pass_map *pass_map_get(const struct pass_report *r, const char *name)
{
    return strmap_get(&r->map, name, strlen(name));
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

fy_status pass_verify(const struct ir_model *m, struct fy_error *err)
{
    fy_status st = ir_graph_verify(m->graph, err);
    if (st) return st;
    return pu_check_shapes(m, err);
}

fy_status pass_run_list(struct ir_model *m, const struct pass *const *passes, int n,
                        struct pass_report *r, struct fy_error *err)
{
    for (int i = 0; i < n; i++) {
        const struct pass *p = passes[i];
        r->changes = 0;
        double t0 = now();
        fy_status st = p->run(m, r, err);
        double dt = now() - t0;
        if (arena_grow(&r->arena, (void **)&r->stats, &r->cap_stats, r->n_stats + 1,
                       sizeof *r->stats))
            return nomem(err);
        r->stats[r->n_stats++] = (struct pass_stat){p->name, r->changes, dt};
        if (st) return st;
        if (r->opt.verify) {
            struct fy_error e2 = {0};
            st = pass_verify(m, &e2);
            if (st)
                return err_fmt(err, FY_EINTERNAL, "after pass %s, the IR is wrong: %s%s%s%s%s%s",
                               p->name, e2.node[0] ? "node '" : "", e2.node,
                               e2.node[0] ? "' (" : "", e2.node[0] ? e2.op : "",
                               e2.node[0] ? "): " : "", e2.message);
            if (st) return st;
        }
    }
    return FY_OK;
}

/* ---- static_shapes: --shape, symbolic dims, shape inference ---- */

static fy_status static_shapes_run(struct ir_model *m, struct pass_report *r,
                                   struct fy_error *err)
{
    struct ir_graph *g = m->graph;
    /* the conversion record starts with every value of the source */
    for (int i = 0; i < g->n_tensors; i++) {
        const struct ir_tensor *t = g->tensors[i];
        if (t->kind == IR_TENSOR_CONST || pass_map_get(r, t->name)) continue;
        fy_status st = pass_map_set(r, t->name, t->origin ? t->origin : t->name, 0, NULL, err);
        if (st) return st;
    }
    for (int s = 0; s < r->opt.n_shapes; s++) {
        const struct ir_input_shape *sp = &r->opt.shapes[s];
        struct ir_tensor *t = NULL;
        for (int i = 0; i < g->n_inputs; i++)
            if (g->inputs[i]->kind != IR_TENSOR_CONST && !strcmp(g->inputs[i]->name, sp->name))
                t = g->inputs[i];
        if (!t)
            return err_fmt(err, FY_EUSAGE, "--shape names '%s', which is not an input of the model",
                           sp->name);
        if (t->rank >= 0 && t->rank != sp->rank)
            return err_fmt(err, FY_EUSAGE, "--shape %s has %d dims; the input has rank %d",
                           sp->name, sp->rank, t->rank);
        for (int d = 0; t->rank >= 0 && d < t->rank; d++)
            if (t->dims[d].value >= 0 && t->dims[d].value != sp->dims[d])
                return err_fmt(err, FY_EUSAGE,
                               "--shape %s sets dim %d to %lld; the model fixes it at %lld",
                               sp->name, d, (long long)sp->dims[d],
                               (long long)t->dims[d].value);
        fy_status st = ir_tensor_set_shape(g, t, sp->rank, sp->dims, err);
        if (st) return st;
        r->changes++;
    }
    for (int i = 0; i < g->n_inputs; i++) {
        struct ir_tensor *t = g->inputs[i];
        if (t->kind == IR_TENSOR_CONST || t->rank < 0) continue;
        bool fixed = false;
        char what[256] = "";
        size_t len = 0;
        for (int d = 0; d < t->rank; d++)
            if (t->dims[d].value < 0) {
                len += (size_t)snprintf(what + len, sizeof what - len > 0 ? sizeof what - len : 0,
                                        "%s%s", fixed ? ", " : "",
                                        t->dims[d].param ? t->dims[d].param : "?");
                t->dims[d].value = 1;
                t->dims[d].param = NULL;
                fixed = true;
            }
        if (fixed) {
            r->changes++;
            if (pass_note(r, &r->warnings, t->name, NULL,
                          "input '%s': symbolic dim%s %s set to 1 (use --shape %s=DIMS to choose)",
                          t->name, strchr(what, ',') ? "s" : "", what, t->name))
                return nomem(err);
        }
    }
    int changed = 0;
    fy_status st = pu_infer_shapes(m, &changed, err);
    r->changes += changed;
    return st;
}

const struct pass pass_static_shapes = {"static_shapes", static_shapes_run};

const struct pass *const pass_tflite_pipeline[] = {
    &pass_static_shapes, &pass_fold_constants, &pass_fold_batchnorm,
    &pass_fuse_activation, &pass_lower_tflite, &pass_layout_nhwc,
};
const int pass_tflite_pipeline_len =
    (int)(sizeof pass_tflite_pipeline / sizeof pass_tflite_pipeline[0]);
