/* validate_run: both models on the same input sets, outputs compared with
 * the metrics of metrics.h, judged by the tolerance of the candidate's
 * precision; with per_layer, the two interpreters advance side by side and
 * every linked tensor is compared (layers.c). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/format.h"
#include "validate/internal.h"

static fy_status nomem(struct fy_error *err) { return err_fmt(err, FY_ENOMEM, "out of memory"); }

const char *validate_precision_name(enum validate_precision p)
{
    static const char *const names[] = {"float32", "float16", "int8"};
    return p >= 0 && p < (int)(sizeof names / sizeof *names) ? names[p] : "?";
}

static const char *tensor_label(const struct ir_tensor *t) { return t->origin ? t->origin : t->name; }

static fy_status add_note(struct validate_report *r, struct fy_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static fy_status add_note(struct validate_report *r, struct fy_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int bad = arena_append_vprintf(&r->arena, &r->notes, &r->n_notes, &r->cap_notes, fmt, ap);
    va_end(ap);
    return bad ? nomem(err) : FY_OK;
}

/* int8 when the candidate computes with quantized integers anywhere (full
 * int8, or int8 weights under float activations), float16 when it holds
 * float16 values, else float32. */
static enum validate_precision model_precision(const struct ir_model *m)
{
    const struct ir_graph *g = m->graph;
    bool f16 = false;
    for (int i = 0; i < g->n_tensors; i++) {
        const struct ir_tensor *t = g->tensors[i];
        if (t->quant && t->quant->count > 0 && !ir_dtype_table[t->dtype].is_float &&
            t->dtype != IR_UNDEFINED && t->dtype != IR_I32 && t->dtype != IR_I64)
            return VALIDATE_INT8;
        if (t->dtype == IR_F16 || t->dtype == IR_BF16) f16 = true;
    }
    return f16 ? VALIDATE_FP16 : VALIDATE_FP32;
}

/* The graph inputs a run is fed (constants excluded). */
static int model_inputs(const struct ir_model *m, const struct ir_tensor **out, int cap)
{
    int k = 0;
    for (int i = 0; i < m->graph->n_inputs; i++)
        if (m->graph->inputs[i]->kind != IR_TENSOR_CONST) {
            if (k < cap) out[k] = m->graph->inputs[i];
            k++;
        }
    return k;
}

/* One side's tensor matched to a reference tensor (input or output). */
struct io_pair {
    int other;        /* index on the other side */
    struct vlink link;
};

/* For each candidate tensor in cand[], the reference tensor among ref[]:
 * by the record's link, else by equal names, else by position when the
 * counts agree. */
static fy_status pair_tensors(const struct vmap *map, const struct ir_tensor *const *ref, int n_ref,
                              const struct ir_tensor *const *cand, int n_cand,
                              struct io_pair *out, const char *what, struct fy_error *err)
{
    for (int c = 0; c < n_cand; c++) {
        out[c].other = -1;
        memset(&out[c].link, 0, sizeof out[c].link);
        const struct vlink *l = &map->by_cand[cand[c]->id];
        for (int r = 0; r < n_ref && l->ref; r++)
            if (ref[r] == l->ref) {
                out[c].other = r;
                out[c].link = *l;
            }
        for (int r = 0; r < n_ref && out[c].other < 0; r++)
            if (!strcmp(tensor_label(ref[r]), tensor_label(cand[c]))) out[c].other = r;
        if (out[c].other < 0 && n_ref == n_cand) out[c].other = c;
        if (out[c].other < 0)
            return err_fmt(err, FY_EINVALID,
                           "candidate %s '%s' matches no reference %s (no conversion record "
                           "names it, no reference %s has its name, and the counts differ: "
                           "%d vs %d)",
                           what, tensor_label(cand[c]), what, what, n_cand, n_ref);
        out[c].link.ref = ref[out[c].other];
    }
    return FY_OK;
}

/* Class scores: one axis of at least 2 entries after the batch axis and
 * nothing else but ones ([C], [N, C], [N, C, 1, 1]). */
static int64_t class_count(int rank, const int64_t *dims, enum ir_dtype dt, bool quantized)
{
    if (!ir_dtype_table[dt].is_float && !quantized) return 0;
    if (rank == 1) return dims[0] >= 2 ? dims[0] : 0;
    int64_t c = 0;
    for (int d = 1; d < rank; d++)
        if (dims[d] > 1) {
            if (c) return 0;
            c = dims[d];
        }
    return c >= 2 ? c : 0;
}

struct out_state {
    struct metric_acc acc;
    bool configured;
    int rank;
    int64_t dims[OP_MAX_RANK];
};

struct run_state {
    const struct validate_options *o;
    struct validate_report *r;
    struct ir_model *m[2];
    const struct ir_tensor **ref_in, **cand_in, **ref_out, **cand_out;
    int n_ref_in, n_cand_in, n_ref_out, n_cand_out;
    struct io_pair *in_pairs;  /* by candidate input */
    struct io_pair *out_pairs; /* by candidate output */
    int *cand_of_ref_out;      /* by reference output: candidate output index */
    struct input_decl *decls;
    struct input_source *inputs, *ref_outputs;
    struct runner *run[2];
    struct layer_cmp *layers;
    struct vmap map;
    struct out_state *outs;
    struct metric_config tol;
};

static fy_status read_models(struct run_state *s, struct fy_error *err)
{
    for (int side = 0; side < 2; side++) {
        err_set_file(err, s->o->model[side]);
        fy_status st = format_read_model(s->o->model[side], &s->m[side], err);
        if (st) return st;
    }
    err_set_file(err, "");
    return FY_OK;
}

/* The reference inputs' concrete shapes: --shape, else the declared dims,
 * with symbolic or unknown dims set to 1 (and said in a note). */
static fy_status resolve_inputs(struct run_state *s, struct fy_error *err)
{
    const struct validate_options *o = s->o;
    for (int k = 0; k < o->n_shapes; k++) {
        bool found = false;
        for (int i = 0; i < s->n_ref_in; i++)
            if (!strcmp(tensor_label(s->ref_in[i]), o->shapes[k].name) ||
                !strcmp(s->ref_in[i]->name, o->shapes[k].name))
                found = true;
        if (!found) {
            char names[512] = "";
            size_t n = 0;
            for (int i = 0; i < s->n_ref_in && n < sizeof names; i++)
                n += (size_t)snprintf(names + n, sizeof names - n, "%s%s", i ? ", " : "",
                                      tensor_label(s->ref_in[i]));
            return err_fmt(err, FY_EUSAGE,
                           "--shape names '%s', which is not an input of the reference; inputs: %s",
                           o->shapes[k].name, names);
        }
    }
    for (int i = 0; i < s->n_ref_in; i++) {
        const struct ir_tensor *t = s->ref_in[i];
        struct input_decl *d = &s->decls[i];
        d->name = tensor_label(t);
        d->dtype = t->dtype;
        d->quant = t->quant;
        const struct ir_input_shape *sh = NULL;
        for (int k = 0; k < o->n_shapes; k++)
            if (!strcmp(tensor_label(t), o->shapes[k].name) || !strcmp(t->name, o->shapes[k].name))
                sh = &o->shapes[k];
        if (sh) {
            if (t->rank >= 0 && t->rank != sh->rank)
                return err_fmt(err, FY_EUSAGE, "--shape %s has %d dims; the input has rank %d",
                               sh->name, sh->rank, t->rank);
            for (int q = 0; q < sh->rank && t->rank >= 0; q++)
                if (t->dims[q].value >= 0 && t->dims[q].value != sh->dims[q])
                    return err_fmt(err, FY_EUSAGE,
                                   "--shape %s: dim %d is %lld, but the model fixes it at %lld",
                                   sh->name, q, (long long)sh->dims[q],
                                   (long long)t->dims[q].value);
            d->rank = sh->rank;
            memcpy(d->dims, sh->dims, sizeof(int64_t) * (size_t)sh->rank);
            continue;
        }
        if (t->rank < 0)
            return err_fmt(err, FY_EINVALID,
                           "input '%s' has no declared shape; give it with --shape %s=DIMS",
                           tensor_label(t), tensor_label(t));
        if (t->rank > OP_MAX_RANK)
            return err_fmt(err, FY_EUNSUPPORTED, "input '%s' has rank %d; at most %d is supported",
                           tensor_label(t), t->rank, OP_MAX_RANK);
        d->rank = t->rank;
        for (int q = 0; q < t->rank; q++) {
            d->dims[q] = t->dims[q].value;
            if (d->dims[q] < 0) {
                d->dims[q] = 1;
                fy_status st = add_note(s->r, err,
                                        "input '%s': dim %d (%s) set to 1; --shape %s=DIMS "
                                        "chooses another size",
                                        tensor_label(t), q,
                                        t->dims[q].param ? t->dims[q].param : "unknown",
                                        tensor_label(t));
                if (st) return st;
            }
        }
    }
    return FY_OK;
}

static fy_status choose_tolerance(struct run_state *s, struct fy_error *err)
{
    const struct validate_options *o = s->o;
    struct validate_report *r = s->r;
    r->precision = model_precision(s->m[VALIDATE_CANDIDATE]);
    double atol = 1e-5, rtol = 1e-4;
    if (r->precision == VALIDATE_FP16) atol = rtol = 1e-2;
    r->element_rule = r->precision != VALIDATE_INT8 || !isnan(o->atol) || !isnan(o->rtol);
    if (r->precision == VALIDATE_INT8) {
        /* int8 is judged by SNR and top-1; element-wise only when asked */
        atol = isnan(o->atol) ? (isnan(o->rtol) ? INFINITY : 0) : o->atol;
        rtol = isnan(o->rtol) ? 0 : o->rtol;
    }
    if (!isnan(o->atol)) atol = o->atol;
    if (!isnan(o->rtol)) rtol = o->rtol;
    if (!(atol >= 0) || !(rtol >= 0))
        return err_fmt(err, FY_EUSAGE, "tolerances must be >= 0 (atol %g, rtol %g)", atol, rtol);
    s->tol.atol = atol;
    s->tol.rtol = rtol;
    s->tol.rule = o->rule;
    r->tol = s->tol;
    r->min_snr_db = isnan(o->min_snr_db) ? 20.0 : o->min_snr_db;
    r->min_top1 = isnan(o->min_top1) ? 0.9 : o->min_top1;
    return FY_OK;
}

static fy_status setup(struct run_state *s, struct fy_error *err)
{
    const struct validate_options *o = s->o;
    struct arena *a = &s->r->arena;
    fy_status st = read_models(s, err);
    if (st) return st;
    struct ir_model *ref = s->m[0], *cand = s->m[1];
    s->n_ref_in = model_inputs(ref, NULL, 0);
    s->n_cand_in = model_inputs(cand, NULL, 0);
    s->ref_in = ARENA_ARRAY(a, s->n_ref_in + 1, const struct ir_tensor *);
    s->cand_in = ARENA_ARRAY(a, s->n_cand_in + 1, const struct ir_tensor *);
    s->n_ref_out = ref->graph->n_outputs;
    s->n_cand_out = cand->graph->n_outputs;
    s->ref_out = (const struct ir_tensor **)ref->graph->outputs;
    s->cand_out = (const struct ir_tensor **)cand->graph->outputs;
    s->in_pairs = ARENA_ARRAY(a, s->n_cand_in + 1, struct io_pair);
    s->out_pairs = ARENA_ARRAY(a, s->n_cand_out + 1, struct io_pair);
    s->cand_of_ref_out = ARENA_ARRAY(a, s->n_ref_out + 1, int);
    s->decls = ARENA_ARRAY(a, s->n_ref_in + 1, struct input_decl);
    s->outs = ARENA_ARRAY(a, s->n_ref_out + 1, struct out_state);
    if (!s->ref_in || !s->cand_in || !s->in_pairs || !s->out_pairs || !s->cand_of_ref_out ||
        !s->decls || !s->outs)
        return nomem(err);
    model_inputs(ref, s->ref_in, s->n_ref_in);
    model_inputs(cand, s->cand_in, s->n_cand_in);
    if (!s->n_ref_out) return err_fmt(err, FY_EINVALID, "%s: the model has no outputs", o->model[0]);

    st = choose_tolerance(s, err);
    if (!st) st = resolve_inputs(s, err);
    if (st) return st;
    err_set_file(err, o->model[1]);
    st = vmap_build(&s->map, ref, cand, a, err);
    if (st) return st; /* the error keeps naming the candidate */
    err_set_file(err, "");
    st = pair_tensors(&s->map, s->ref_in, s->n_ref_in, s->cand_in, s->n_cand_in, s->in_pairs,
                      "input", err);
    if (!st)
        st = pair_tensors(&s->map, s->ref_out, s->n_ref_out, s->cand_out, s->n_cand_out,
                          s->out_pairs, "output", err);
    if (st) return st;
    for (int i = 0; i < s->n_ref_out; i++) s->cand_of_ref_out[i] = -1;
    for (int c = 0; c < s->n_cand_out; c++)
        if (s->cand_of_ref_out[s->out_pairs[c].other] < 0) s->cand_of_ref_out[s->out_pairs[c].other] = c;
    for (int i = 0; i < s->n_ref_out; i++)
        if (s->cand_of_ref_out[i] < 0)
            return err_fmt(err, FY_EINVALID, "reference output '%s' has no candidate output",
                           tensor_label(s->ref_out[i]));

    /* inputs */
    if (o->inputs_path) {
        st = input_source_files(o->inputs_path, "input", s->decls, s->n_ref_in, o->n_sets,
                                &s->inputs, err);
    } else {
        struct input_random_options ro = {.seed = o->seed, .dist = o->dist, .ranges = o->ranges,
                                          .n_ranges = o->n_ranges};
        st = input_source_random(s->decls, s->n_ref_in, o->n_sets > 0 ? o->n_sets : 10, &ro,
                                 &s->inputs, err);
    }
    if (st) return st;
    if (o->reference_outputs) {
        if (!o->inputs_path)
            return err_fmt(err, FY_EUSAGE,
                           "--reference-outputs needs --inputs: stored outputs belong to "
                           "stored inputs");
        struct input_decl *od = ARENA_ARRAY(a, s->n_ref_out + 1, struct input_decl);
        if (!od) return nomem(err);
        for (int i = 0; i < s->n_ref_out; i++) {
            const struct ir_tensor *t = s->ref_out[i];
            od[i].name = tensor_label(t);
            od[i].dtype = IR_UNDEFINED; /* a framework may store another float type */
            od[i].rank = -1;
        }
        st = input_source_files(o->reference_outputs, "output", od, s->n_ref_out, 0,
                                &s->ref_outputs, err);
        if (st) return st;
        if (input_source_count(s->ref_outputs) < input_source_count(s->inputs))
            return err_fmt(err, FY_EINVALID,
                           "%s holds %d output sets for %d input sets in %s",
                           o->reference_outputs, input_source_count(s->ref_outputs),
                           input_source_count(s->inputs), o->inputs_path);
    }

    /* runners */
    if (o->per_layer && (o->runner[0] || o->runner[1]))
        return err_fmt(err, FY_EUSAGE,
                       "--per-layer needs the built-in interpreter on both sides (it taps every "
                       "node); drop --runner");
    struct interp_options io = {.threads = o->threads, .tflite_arith = o->tflite_arith};
    for (int side = 0; side < 2; side++) {
        if (side == 0 && o->reference_outputs && !o->per_layer) continue;
        err_set_file(err, o->model[side]);
        st = runner_create(s->m[side], o->model[side], o->runner[side], &io, &s->run[side], err);
        if (st) return st;
    }
    err_set_file(err, "");
    if (o->per_layer) {
        st = layers_create(runner_interp(s->run[0]), runner_interp(s->run[1]), o->model,
                           &s->map, &s->tol, s->r->precision, s->r->min_snr_db, &s->layers, err);
        if (st) return st;
    }
    if (!s->map.from_record && s->m[0]->format != s->m[1]->format) {
        st = add_note(s->r, err,
                      "the candidate carries no conversion record: tensors are matched by name "
                      "(%d linked)",
                      s->map.n_linked);
        if (st) return st;
    }
    return FY_OK;
}

/* Candidate inputs from the reference's: layout, dtype and quantization
 * through each pair's link. */
static fy_status make_candidate_inputs(struct run_state *s, const struct op_tensor *ref_in,
                                       struct op_tensor *cand_in, struct fy_error *err)
{
    for (int c = 0; c < s->n_cand_in; c++) {
        const struct io_pair *p = &s->in_pairs[c];
        err_set_file(err, s->o->model[1]);
        fy_status st = vlink_ref_to_cand(&p->link, s->cand_in[c], &ref_in[p->other], &cand_in[c], err);
        if (st) return st;
    }
    return FY_OK;
}

static fy_status compare_outputs(struct run_state *s, int set, const struct op_tensor *const *ref,
                                 const struct op_tensor *const *cand, struct fy_error *err)
{
    for (int i = 0; i < s->n_ref_out; i++) {
        int c = s->cand_of_ref_out[i];
        const struct op_tensor *rv = ref[i], *cv = cand[c];
        struct out_state *os = &s->outs[i];
        if (!os->configured) {
            struct metric_config cfg = s->tol;
            bool rq = rv->quant && rv->quant->count > 0 && !ir_dtype_table[rv->dtype].is_float;
            cfg.classes = class_count(rv->rank, rv->dims, rv->dtype, rq);
            bool cq = cv->quant && cv->quant->count > 0 && cv->quant->scale &&
                      !ir_dtype_table[cv->dtype].is_float;
            cfg.step = cq ? cv->quant->scale[0] : (!ir_dtype_table[cv->dtype].is_float ? 1 : 0);
            metric_init(&os->acc, &cfg);
            os->configured = true;
            os->rank = rv->rank;
            memcpy(os->dims, rv->dims, sizeof(int64_t) * (size_t)rv->rank);
        }
        double *rd = malloc((size_t)(rv->numel ? rv->numel : 1) * sizeof *rd);
        double *cd = malloc((size_t)(rv->numel ? rv->numel : 1) * sizeof *cd);
        if (!rd || !cd) {
            free(rd);
            free(cd);
            return nomem(err);
        }
        value_to_double(rv, rd);
        char what[300];
        snprintf(what, sizeof what, "output '%s'", tensor_label(s->ref_out[i]));
        fy_status st = vlink_cand_to_ref(&s->out_pairs[c].link, cv, rv->rank, rv->dims, cd, what, err);
        if (!st) metric_add(&os->acc, set, rd, cd, rv->numel);
        free(rd);
        free(cd);
        if (st) return st;
    }
    return FY_OK;
}

static fy_status run_sets(struct run_state *s, struct fy_error *err)
{
    int n_sets = input_source_count(s->inputs);
    struct op_tensor *ref_in = calloc((size_t)s->n_ref_in + 1, sizeof *ref_in);
    struct op_tensor *cand_in = calloc((size_t)s->n_cand_in + 1, sizeof *cand_in);
    struct op_tensor *stored = calloc((size_t)s->n_ref_out + 1, sizeof *stored);
    const struct op_tensor **ref_in_p = calloc((size_t)s->n_ref_in + 1, sizeof *ref_in_p);
    const struct op_tensor **cand_in_p = calloc((size_t)s->n_cand_in + 1, sizeof *cand_in_p);
    const struct op_tensor **ref_out = calloc((size_t)s->n_ref_out + 1, sizeof *ref_out);
    const struct op_tensor **cand_out = calloc((size_t)s->n_cand_out + 1, sizeof *cand_out);
    struct op_tensor **lr = calloc((size_t)s->n_ref_out + 1, sizeof *lr);
    struct op_tensor **lc = calloc((size_t)s->n_cand_out + 1, sizeof *lc);
    fy_status st = FY_OK;
    if (!ref_in || !cand_in || !stored || !ref_in_p || !cand_in_p || !ref_out || !cand_out || !lr ||
        !lc)
        st = nomem(err);
    for (int set = 0; set < n_sets && !st; set++) {
        if (s->o->progress) s->o->progress(s->o->progress_user, set, n_sets);
        err_set_file(err, "");
        st = input_source_get(s->inputs, set, ref_in, err);
        if (st) break;
        for (int i = 0; i < s->n_ref_in; i++) ref_in_p[i] = &ref_in[i];
        st = make_candidate_inputs(s, ref_in, cand_in, err);
        for (int i = 0; i < s->n_cand_in; i++) cand_in_p[i] = &cand_in[i];
        if (!st && s->layers) {
            err_set_file(err, "");
            st = layers_run(s->layers, set, ref_in_p, s->n_ref_in, cand_in_p, s->n_cand_in, lr, lc,
                            err);
            for (int i = 0; i < s->n_ref_out; i++) ref_out[i] = lr[i];
            for (int i = 0; i < s->n_cand_out; i++) cand_out[i] = lc[i];
        } else if (!st) {
            if (s->run[0]) {
                err_set_file(err, s->o->model[0]);
                st = runner_run(s->run[0], ref_in_p, s->n_ref_in, ref_out, err);
            }
            if (!st) {
                err_set_file(err, s->o->model[1]);
                st = runner_run(s->run[1], cand_in_p, s->n_cand_in, cand_out, err);
            }
        }
        if (!st && s->ref_outputs) {
            err_set_file(err, "");
            st = input_source_get(s->ref_outputs, set, stored, err);
            for (int i = 0; !st && i < s->n_ref_out; i++) ref_out[i] = &stored[i];
        }
        if (!st) {
            err_set_file(err, "");
            st = compare_outputs(s, set, ref_out, cand_out, err);
        }
        if (s->ref_outputs)
            for (int i = 0; i < s->n_ref_out; i++) op_tensor_release(&stored[i]);
        for (int i = 0; i < s->n_ref_in; i++) op_tensor_release(&ref_in[i]);
        for (int i = 0; i < s->n_cand_in; i++) op_tensor_release(&cand_in[i]);
        if (!st) s->r->inputs_used = set + 1;
    }
    free(ref_in);
    free(cand_in);
    free(stored);
    free(ref_in_p);
    free(cand_in_p);
    free(ref_out);
    free(cand_out);
    free(lr);
    free(lc);
    return st;
}

static fy_status make_report(struct run_state *s, struct fy_error *err)
{
    struct validate_report *r = s->r;
    r->n_outputs = s->n_ref_out;
    r->outputs = ARENA_ARRAY(&r->arena, s->n_ref_out + 1, struct validate_output);
    if (!r->outputs) return nomem(err);
    r->passed = true;
    for (int i = 0; i < s->n_ref_out; i++) {
        struct validate_output *vo = &r->outputs[i];
        /* the models are freed before the report is read */
        vo->name = arena_strdup(&r->arena, tensor_label(s->ref_out[i]));
        vo->candidate_name = arena_strdup(&r->arena, tensor_label(s->cand_out[s->cand_of_ref_out[i]]));
        if (!vo->name || !vo->candidate_name) return nomem(err);
        metric_result(&s->outs[i].acc, &vo->m);
        vo->rank = s->outs[i].rank;
        memcpy(vo->dims, s->outs[i].dims, sizeof vo->dims);
        vo->class_scores = s->outs[i].acc.cfg.classes > 0;
        bool integer = s->outs[i].acc.cfg.step == 1;
        if (r->element_rule || integer) {
            vo->passed = vo->m.mismatches == 0;
        } else {
            vo->passed = vo->m.snr_db >= r->min_snr_db;
            if (vo->class_scores && !(vo->m.top1 >= r->min_top1)) vo->passed = false;
        }
        if (!vo->passed) r->passed = false;
    }
    if (s->layers) {
        r->per_layer = true;
        fy_status st = layers_report(s->layers, r, err);
        if (st) return st;
    } else {
        r->first_divergence = -1;
    }
    return FY_OK;
}

fy_status validate_run(const struct validate_options *o, struct validate_report *report,
                       struct fy_error *err)
{
    memset(report, 0, sizeof *report);
    arena_init(&report->arena);
    report->first_divergence = -1;
    struct run_state s = {.o = o, .r = report};
    fy_status st = setup(&s, err);
    if (!st) st = run_sets(&s, err);
    if (!st) st = make_report(&s, err);
    layers_free(s.layers);
    for (int side = 0; side < 2; side++) runner_free(s.run[side]);
    input_source_free(s.inputs);
    input_source_free(s.ref_outputs);
    for (int side = 0; side < 2; side++) ir_model_free(s.m[side]);
    return st;
}

void validate_report_free(struct validate_report *report)
{
    arena_release(&report->arena);
    memset(report, 0, sizeof *report);
}
