/* check_model: the node x target matrix, partitions and verdicts. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/format.h"
#include "passes/pass.h"
#include "passes/util.h"
#include "targets/check.h"

static fy_status nomem(struct fy_error *err) { return err_fmt(err, FY_ENOMEM, "out of memory"); }

static fy_status add_note(struct check_report *r, struct fy_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static fy_status add_note(struct check_report *r, struct fy_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int bad = arena_append_vprintf(&r->arena, &r->notes, &r->n_notes, &r->cap_notes, fmt, ap);
    va_end(ap);
    return bad ? nomem(err) : FY_OK;
}

static enum check_status worse(enum check_status a, enum check_status b) { return a > b ? a : b; }

/* --shape on the inputs; with every input static, shapes are inferred
 * through the graph so rules see intermediate shapes. Dynamic dims are left
 * dynamic: that a model has them is what some targets judge. */
static fy_status apply_shapes(struct ir_model *m, const struct ir_input_shape *shapes, int n_shapes,
                              struct check_report *r, struct fy_error *err)
{
    struct ir_graph *g = m->graph;
    for (int s = 0; s < n_shapes; s++) {
        struct ir_tensor *t = NULL;
        for (int i = 0; i < g->n_inputs; i++)
            if (g->inputs[i]->kind != IR_TENSOR_CONST &&
                (!strcmp(g->inputs[i]->name, shapes[s].name) ||
                 (g->inputs[i]->origin && !strcmp(g->inputs[i]->origin, shapes[s].name))))
                t = g->inputs[i];
        if (!t)
            return err_fmt(err, FY_EUSAGE, "--shape names '%s', which is not an input of the model",
                           shapes[s].name);
        if (t->rank >= 0 && t->rank != shapes[s].rank)
            return err_fmt(err, FY_EUSAGE, "--shape %s has %d dims; the input has rank %d",
                           shapes[s].name, shapes[s].rank, t->rank);
        fy_status st = ir_tensor_set_shape(g, t, shapes[s].rank, shapes[s].dims, err);
        if (st) return st;
        if (t->has_shape_signature) t->has_shape_signature = false; /* TFLite: now fixed */
    }
    bool all_static = true;
    for (int i = 0; i < g->n_inputs; i++)
        if (g->inputs[i]->kind != IR_TENSOR_CONST && !ir_tensor_is_static(g->inputs[i]))
            all_static = false;
    if (!all_static || m->format != IR_FORMAT_ONNX) return FY_OK;
    struct fy_error e = {0};
    int changed = 0;
    if (pu_infer_shapes(m, &changed, &e))
        return add_note(r, err, "shape inference stopped at node '%s' (%s): %s; rules that need "
                                "shapes past it answer from what the file declares",
                        e.node, e.op, e.message);
    return FY_OK;
}

/* What ferry's converter makes of an ONNX model: per source node label,
 * the builtins made from it, and the converter's notes. */
struct conversion {
    struct ir_model *m;          /* the converted copy */
    struct pass_report rep;
    bool failed;
    char error[700];
    /* the builtins made from each source node, in graph order: origin
     * label -> first node index + 1, then next[] (-1 ends) */
    struct strmap first;
    int *next;
};

/* Indexes the converted graph's nodes by origin once, so each source node
 * finds its builtins without a scan of the whole graph. */
static fy_status index_origins(struct conversion *cv, struct fy_error *err)
{
    const struct ir_graph *g = cv->m->graph;
    struct arena *a = &cv->m->arena;
    strmap_init(&cv->first, a);
    cv->next = ARENA_ARRAY(a, g->n_nodes + 1, int);
    if (!cv->next) return nomem(err);
    for (int i = g->n_nodes - 1; i >= 0; i--) {
        const char *o = g->nodes[i]->origin;
        cv->next[i] = -1;
        if (!o) continue;
        uintptr_t head = (uintptr_t)strmap_get(&cv->first, o, strlen(o));
        cv->next[i] = head ? (int)head - 1 : -1;
        if (strmap_put(&cv->first, o, strlen(o), (void *)(uintptr_t)(i + 1))) return nomem(err);
    }
    return FY_OK;
}

/* An error of the copy's own reading or passes, kept whole (file, node,
 * op), unless one is recorded already. */
static fy_status keep_error(struct fy_error *err, const struct fy_error *e, fy_status st)
{
    if (err && !err->status) *err = *e;
    return st;
}

static fy_status convert_copy(const char *path, const struct ir_input_shape *shapes, int n_shapes,
                              struct conversion *cv, struct fy_error *err)
{
    pass_report_init(&cv->rep);
    struct fy_error e = {0};
    err_set_file(&e, path);
    fy_status st = format_read_model(path, &cv->m, &e);
    if (st) return keep_error(err, &e, st);
    cv->rep.opt.shapes = shapes;
    cv->rep.opt.n_shapes = n_shapes;
    cv->rep.opt.keep_unsupported = true;
    cv->rep.opt.verify = false;
    for (int i = 0; i < pass_tflite_pipeline_len; i++) {
        /* the layout pass needs a graph of builtins only */
        if (pass_tflite_pipeline[i] == &pass_layout_nhwc && cv->rep.unsupported.count) break;
        err_clear(&e);
        st = pass_run_list(cv->m, &pass_tflite_pipeline[i], 1, &cv->rep, &e);
        if (st == FY_ENOMEM) return nomem(err);
        if (st == FY_EUSAGE) return keep_error(err, &e, st);
        if (st) {
            cv->failed = true;
            fy_error_format(&e, cv->error, sizeof cv->error);
            break;
        }
    }
    cv->rep.opt.shapes = NULL;
    cv->rep.opt.n_shapes = 0;
    return index_origins(cv, err);
}

static void conversion_free(struct conversion *cv)
{
    pass_report_free(&cv->rep);
    ir_model_free(cv->m);
}

static const struct pass_note *find_note(const struct pass_note_list *l, const char *node)
{
    for (int i = 0; i < l->count; i++)
        if (l->items[i].node && !strcmp(l->items[i].node, node)) return &l->items[i];
    return NULL;
}

/* A source node's answer from its conversion. */
static void judge_converted(const struct target *t, const struct conversion *cv,
                            const struct ir_model *m, const struct ir_node *src,
                            struct check_verdict *v)
{
    const char *label = pu_node_label(src);
    memset(v, 0, sizeof *v);
    /* whole-model requirements see the model as the user has it: the
     * converter fixes symbolic dims to 1, which a static-shape rule must not
     * take for the model's own shapes */
    struct check_node orig = {.m = m, .n = src, .opset = ir_model_opset(m, src->domain)};
    if (t->model_rule && t->model_rule(&orig, v)) return;
    memset(v, 0, sizeof *v);
    if (cv->failed) {
        check_set(v, CHECK_UNSUPPORTED, "convert.failed", "ferry's conversion to TFLite failed: %s",
                  cv->error);
        return;
    }
    const struct pass_note *bad = find_note(&cv->rep.unsupported, label);
    if (bad) {
        check_set(v, CHECK_UNSUPPORTED, "convert.no_builtin",
                  "no TFLite builtin mapping: %s", bad->text);
        return;
    }
    /* the builtins made from this node: the worst answer among them */
    const struct ir_graph *g = cv->m->graph;
    int made = 0, compute = 0;
    char ops[200] = "";
    size_t k = 0;
    uintptr_t head = (uintptr_t)strmap_get(&cv->first, label, strlen(label));
    for (int i = head ? (int)head - 1 : -1; i >= 0; i = cv->next[i]) {
        const struct ir_node *n = g->nodes[i];
        struct check_verdict w;
        struct check_node c = {.m = cv->m, .n = n};
        target_check_node(t, &c, &w);
        const char *nm = n->op_type ? n->op_type : ir_op_name(n->op);
        if (!strncmp(nm, "tfl.", 4)) nm += 4;
        if (!made || w.status > v->status) {
            *v = w;
            if (w.status != CHECK_NATIVE) /* say which builtin the answer is about */
                snprintf(v->detail, sizeof v->detail, "as %s: %s", nm, w.detail);
        }
        if (k < sizeof ops)
            k += (size_t)snprintf(ops + k, sizeof ops - k, "%s%s", k ? ", " : "", nm);
        /* layout moves around a builtin are not a decomposition */
        if (n->op != IR_OP_TFL_TRANSPOSE && n->op != IR_OP_TFL_RESHAPE) compute++;
        made++;
    }
    const struct pass_note *dec = find_note(&cv->rep.decompositions, label);
    if (!made) {
        check_set(v, CHECK_NATIVE, "convert.absorbed", "%s",
                  dec ? dec->text
                      : "computed at conversion time or merged into another node's builtins "
                        "(constant folding, BatchNorm folding, activation fusion, identity "
                        "removal)");
        return;
    }
    if (compute >= 2 && v->status < CHECK_SUBSTITUTED) {
        check_set(v, CHECK_SUBSTITUTED, "convert.decomposed",
                  "no single builtin: decomposed into %s%s%s", ops, dec ? "; " : "",
                  dec ? dec->text : "");
        v->substitute = dec ? dec->text : "several builtins";
        return;
    }
    if (v->status == CHECK_NATIVE) {
        char why[sizeof v->detail];
        snprintf(why, sizeof why, "%s", v->detail);
        snprintf(v->detail, sizeof v->detail, "becomes %s%s%s: %s", ops, dec ? "; " : "",
                 dec ? dec->text : "", why);
    }
}

/* A node reading only the model's inputs (and constants): a CPU op there
 * (the QUANTIZE of a float input) runs before the accelerator's part and
 * does not split the graph. */
static bool reads_only_model_inputs(const struct ir_node *n)
{
    for (int i = 0; i < n->n_inputs; i++) {
        const struct ir_tensor *t = n->inputs[i];
        if (t && t->kind != IR_TENSOR_CONST && t->producer) return false;
    }
    return true;
}

static fy_status make_partitions(struct check_report *r, int ti, struct ir_node *const *order,
                                 struct fy_error *err)
{
    struct check_target_report *tr = &r->targets[ti];
    const struct target *t = tr->target;
    if (t->partition == TARGET_PARTITION_NONE || !r->n_nodes) return FY_OK;
    if (t->partition == TARGET_PARTITION_PREFIX) {
        /* the first node the accelerator cannot run sends the rest to the CPU */
        int first_cpu = -1;
        for (int i = 0; i < r->n_nodes && first_cpu < 0; i++)
            if (r->nodes[i].results[ti].status == CHECK_FALLBACK &&
                !reads_only_model_inputs(order[i]))
                first_cpu = i;
        for (int i = first_cpu + 1; first_cpu >= 0 && i < r->n_nodes; i++) {
            struct check_verdict *v = &r->nodes[i].results[ti];
            if (v->status != CHECK_NATIVE) continue;
            check_set(v, CHECK_FALLBACK, "partition.after_cpu_op",
                      "runs on the CPU: it comes after '%s' (%s), the first op %s cannot run, and "
                      "every op after that one goes to the CPU",
                      r->nodes[first_cpu].name, r->nodes[first_cpu].op, t->accelerator);
        }
    }
    /* runs of accelerator / CPU nodes (unsupported nodes break runs too) */
    struct check_partition *parts = ARENA_ARRAY(&r->arena, r->n_nodes + 1, struct check_partition);
    if (!parts) return nomem(err);
    int np = 0;
    for (int i = 0; i < r->n_nodes; i++) {
        enum check_status s = r->nodes[i].results[ti].status;
        const char *dev = s == CHECK_NATIVE || s == CHECK_SUBSTITUTED ? t->accelerator
                          : s == CHECK_FALLBACK                        ? "CPU"
                                                                       : "unsupported";
        if (np && !strcmp(parts[np - 1].device, dev)) {
            parts[np - 1].last = r->nodes[i].name;
            parts[np - 1].nodes++;
        } else {
            parts[np].device = dev;
            parts[np].first = parts[np].last = r->nodes[i].name;
            parts[np].nodes = 1;
            np++;
        }
    }
    tr->partitions = parts;
    tr->n_partitions = np;
    return FY_OK;
}

fy_status check_model(const char *path, const struct check_request *req, int n_req,
                      const struct ir_input_shape *shapes, int n_shapes, struct check_report *r,
                      struct fy_error *err)
{
    memset(r, 0, sizeof *r);
    arena_init(&r->arena);
    struct arena *a = &r->arena;
    struct ir_model *m = NULL;
    struct conversion cv = {0};
    bool have_cv = false;
    err_set_file(err, path);
    fy_status st = format_read_model(path, &m, err);
    if (st) return st;
    for (int i = 0; i < m->n_warnings && !st; i++) st = add_note(r, err, "%s", m->warnings[i]);
    if (!st) st = apply_shapes(m, shapes, n_shapes, r, err);
    if (st) goto out;
    r->format = format_name(m->format);
    struct ir_node **order = NULL;
    st = ir_graph_topo_order(m->graph, &order, err);
    if (st) goto out;
    r->n_nodes = m->graph->n_nodes;
    r->n_targets = n_req;
    r->nodes = ARENA_ARRAY(a, r->n_nodes + 1, struct check_node_report);
    r->targets = ARENA_ARRAY(a, n_req + 1, struct check_target_report);
    if (!r->nodes || !r->targets) {
        st = nomem(err);
        goto out;
    }
    for (int i = 0; i < r->n_nodes; i++) {
        const struct ir_node *n = order[i];
        r->nodes[i].name = arena_strdup(a, pu_node_label(n));
        r->nodes[i].op = arena_strdup(a, n->op_type ? n->op_type : ir_op_name(n->op));
        r->nodes[i].results = ARENA_ARRAY(a, n_req + 1, struct check_verdict);
        if (!r->nodes[i].name || !r->nodes[i].op || !r->nodes[i].results) {
            st = nomem(err);
            goto out;
        }
    }
    for (int ti = 0; ti < n_req; ti++) {
        const struct target *t = req[ti].target;
        struct check_target_report *tr = &r->targets[ti];
        tr->target = t;
        tr->name = t->takes == TARGET_TAKES_ONNX && req[ti].opset
                       ? arena_printf(a, "onnx-opset%lld", (long long)req[ti].opset)
                       : t->name;
        bool via = t->takes == TARGET_TAKES_TFLITE && m->format == IR_FORMAT_ONNX;
        if (via && !have_cv) {
            st = convert_copy(path, shapes, n_shapes, &cv, err);
            if (st) goto out;
            have_cv = true;
        }
        if (via)
            tr->note = "judged on ferry's ONNX-to-TFLite conversion of the model";
        for (int i = 0; i < r->n_nodes; i++) {
            const struct ir_node *n = order[i];
            struct check_verdict *v = &r->nodes[i].results[ti];
            if (via) {
                judge_converted(t, &cv, m, n, v);
            } else {
                struct check_node c = {.m = m, .n = n,
                                       .opset = n->domain ? ir_model_opset(m, n->domain) : 0,
                                       .target_opset = req[ti].opset};
                target_check_node(t, &c, v);
            }
            /* the verdict's strings must outlive the models */
            if (v->rule) v->rule = arena_strdup(a, v->rule);
            if (v->substitute) v->substitute = arena_strdup(a, v->substitute);
        }
        st = make_partitions(r, ti, order, err);
        if (st) goto out;
        for (int i = 0; i < r->n_nodes; i++) {
            enum check_status s = r->nodes[i].results[ti].status;
            if (s >= CHECK_NATIVE && s <= CHECK_UNSUPPORTED) tr->counts[s]++;
            tr->verdict = worse(tr->verdict, s);
        }
        if (!r->n_nodes) tr->verdict = CHECK_NATIVE;
        r->verdict = worse(r->verdict, tr->verdict);
    }
out:
    if (have_cv) conversion_free(&cv);
    ir_model_free(m);
    return st;
}

void check_report_free(struct check_report *r)
{
    arena_release(&r->arena);
    memset(r, 0, sizeof *r);
}
