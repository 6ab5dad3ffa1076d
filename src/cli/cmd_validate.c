/* ferry validate REFERENCE CANDIDATE: argument parsing and printing; the
 * work is validate_run (src/validate). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/json.h"
#include "validate/validate.h"

static const char usage[] =
    "usage: ferry validate REFERENCE CANDIDATE [-n N] [--seed S] [--dist uniform|normal]\n"
    "                      [--range [NAME=]LO,HI] [--inputs PATH] [--reference-outputs DIR]\n"
    "                      [--shape NAME=DIMS] [--atol A] [--rtol R] [--rule numpy|either]\n"
    "                      [--min-snr DB] [--min-top1 F] [--per-layer]\n"
    "                      [--runner reference=CMD] [--runner candidate=CMD] [--threads N]\n"
    "                      [--tflite-arith reference|xnnpack] [--json]\n"
    "\n"
    "Runs both models on the same inputs and compares every output. Inputs,\n"
    "layouts (NCHW/NHWC) and quantized I/O are matched through the conversion\n"
    "record ferry's converter stores in the candidate, else by names, else by\n"
    "position. Tolerance follows the candidate's precision:\n"
    "  float32  |c - r| <= 1e-5 + 1e-4*|r| for every element\n"
    "  float16  |c - r| <= 1e-2 + 1e-2*|r|\n"
    "  int8     SNR >= 20 dB and top-1 agreement >= 0.9 on class scores\n"
    "  -n N               input sets (default 10; with --inputs, all found)\n"
    "  --seed S           seed of the random inputs (default 0)\n"
    "  --dist D           uniform (default: floats in [0,1)) or normal (N(0,1))\n"
    "  --range [NAME=]LO,HI  range of the random values (all inputs, or NAME)\n"
    "  --inputs PATH      .npy/.npz files: DIR/<i>/<name>.npy, DIR/input_<i>.npy,\n"
    "                     DIR/*.npz, or one .npz/.npy file\n"
    "  --reference-outputs DIR  stored reference outputs (DIR/<i>/<name>.npy or\n"
    "                     DIR/output_<i>.npy) instead of running REFERENCE\n"
    "  --shape NAME=DIMS  size of the reference's dynamic dims (default 1)\n"
    "  --atol A --rtol R  element tolerance (also makes int8 element-wise)\n"
    "  --rule R           numpy: |c-r| <= atol + rtol*|r|; either: fails only if\n"
    "                     over both atol and rtol*|r| (Polygraphy's rule)\n"
    "  --min-snr DB --min-top1 F   int8 thresholds\n"
    "  --per-layer        compare every tensor the two models share and name the\n"
    "                     first node whose own (local) error is outside tolerance\n"
    "  --runner SIDE=CMD  run SIDE (reference or candidate) with a command; {model},\n"
    "                     {in}, {out} are replaced by paths; it reads\n"
    "                     {in}/<input>.npy and writes {out}/<output>.npy\n"
    "  --json             one JSON document on stdout\n"
    "Exit: 0 within tolerance, 1 outside, 2 usage, 3 bad input, 4 internal error\n";

#define MAX_ITEMS 64

static int parse_range(const char *arg, struct input_range *r)
{
    const char *eq = strrchr(arg, '=');
    const char *vals = eq ? eq + 1 : arg;
    r->name = NULL;
    char *end;
    r->lo = strtod(vals, &end);
    if (end == vals || *end != ',') return -1;
    const char *p = end + 1;
    r->hi = strtod(p, &end);
    if (end == p || *end || !(r->hi > r->lo) || !isfinite(r->lo) || !isfinite(r->hi)) return -1;
    if (eq) {
        r->name = strndup(arg, (size_t)(eq - arg));
        if (!r->name) return -1;
    }
    return 0;
}

static void progress(void *user, int set, int n_sets)
{
    (void)user;
    fprintf(stderr, "\rferry validate: input set %d of %d", set + 1, n_sets);
    if (set + 1 == n_sets) fprintf(stderr, "\n");
    fflush(stderr);
}

/* A number for the table: "-" when it does not apply. */
static const char *fmt_num(char *buf, size_t cap, double v)
{
    if (isnan(v)) snprintf(buf, cap, "-");
    else if (isinf(v)) snprintf(buf, cap, v > 0 ? "inf" : "-inf");
    else if (v == 0) snprintf(buf, cap, "0");
    else snprintf(buf, cap, "%.3g", v);
    return buf;
}

static void index_text(const struct validate_output *o, char *buf, size_t cap)
{
    uint64_t flat = o->m.max_abs_index;
    int64_t idx[OP_MAX_RANK];
    for (int d = o->rank - 1; d >= 0; d--) {
        int64_t n = o->dims[d] > 0 ? o->dims[d] : 1;
        idx[d] = (int64_t)(flat % (uint64_t)n);
        flat /= (uint64_t)n;
    }
    size_t k = (size_t)snprintf(buf, cap, "[");
    for (int d = 0; d < o->rank && k < cap; d++)
        k += (size_t)snprintf(buf + k, cap - k, "%s%lld", d ? "," : "", (long long)idx[d]);
    if (k < cap) snprintf(buf + k, cap - k, "]");
}

static void json_num(struct json *j, const char *key, double v)
{
    if (isfinite(v)) json_key_double(j, key, v);
    else json_key_null(j, key);
}

static const char *rule_name(enum metric_rule r) { return r == METRIC_RULE_EITHER ? "either" : "numpy"; }

static int print_json(const struct validate_options *o, const struct validate_report *r)
{
    struct json j;
    json_init(&j, stdout, true);
    json_object(&j);
    json_key_bool(&j, "passed", r->passed);
    json_key_string(&j, "reference", o->model[0]);
    json_key_string(&j, "candidate", o->model[1]);
    json_key_string(&j, "reference_runner", o->reference_outputs ? "stored outputs"
                                            : o->runner[0] ? o->runner[0] : "ferry");
    json_key_string(&j, "candidate_runner", o->runner[1] ? o->runner[1] : "ferry");
    json_key_string(&j, "precision", validate_precision_name(r->precision));
    json_key_int(&j, "inputs_used", r->inputs_used);
    json_key(&j, "tolerance");
    json_object(&j);
    json_num(&j, "atol", r->tol.atol);
    json_num(&j, "rtol", r->tol.rtol);
    json_key_string(&j, "rule", rule_name(r->tol.rule));
    json_key_bool(&j, "element_wise", r->element_rule);
    json_num(&j, "min_snr_db", r->min_snr_db);
    json_num(&j, "min_top1", r->min_top1);
    json_end(&j);
    json_key(&j, "outputs");
    json_array(&j);
    for (int i = 0; i < r->n_outputs; i++) {
        const struct validate_output *vo = &r->outputs[i];
        const struct metric_result *m = &vo->m;
        json_object(&j);
        json_key_string(&j, "name", vo->name);
        json_key_string(&j, "candidate_name", vo->candidate_name);
        json_key(&j, "shape");
        json_array_inline(&j);
        for (int d = 0; d < vo->rank; d++) json_int(&j, vo->dims[d]);
        json_end(&j);
        json_key_bool(&j, "passed", vo->passed);
        json_num(&j, "max_abs", m->max_abs);
        json_key(&j, "max_abs_index");
        if (m->max_abs_set >= 0) {
            uint64_t flat = m->max_abs_index;
            int64_t idx[OP_MAX_RANK];
            for (int d = vo->rank - 1; d >= 0; d--) {
                int64_t n = vo->dims[d] > 0 ? vo->dims[d] : 1;
                idx[d] = (int64_t)(flat % (uint64_t)n);
                flat /= (uint64_t)n;
            }
            json_array_inline(&j);
            for (int d = 0; d < vo->rank; d++) json_int(&j, idx[d]);
            json_end(&j);
        } else {
            json_null(&j);
        }
        if (m->max_abs_set >= 0) json_key_int(&j, "max_abs_input_set", m->max_abs_set);
        else json_key_null(&j, "max_abs_input_set");
        json_num(&j, "mean_abs", m->mean_abs);
        json_num(&j, "p99_abs", m->p99_abs);
        json_num(&j, "max_rel", m->max_rel);
        json_num(&j, "cosine", m->cosine);
        json_num(&j, "snr_db", m->snr_db);
        json_key_bool(&j, "identical", m->identical);
        json_key_uint(&j, "nan", m->nan);
        json_key_uint(&j, "inf", m->inf);
        json_num(&j, "mismatch_fraction", m->mismatch_fraction);
        json_num(&j, "min_atol_to_pass", m->min_atol_to_pass);
        json_num(&j, "top1_agreement", m->top1);
        json_num(&j, "top5_agreement", m->top5);
        json_num(&j, "max_steps", m->max_steps);
        json_end(&j);
    }
    json_end(&j);
    if (r->per_layer) {
        json_key(&j, "layers");
        json_array(&j);
        for (int i = 0; i < r->n_layers; i++) {
            const struct validate_layer *l = &r->layers[i];
            json_object(&j);
            json_key_string(&j, "node", l->node);
            json_key_string(&j, "op", l->op);
            json_key(&j, "nodes");
            json_array_inline(&j);
            for (int q = 0; q < l->n_region; q++) json_string(&j, l->region[q]);
            json_end(&j);
            json_key_string(&j, "tensor", l->tensor);
            json_key_string(&j, "candidate_node", l->candidate_node);
            json_key_string(&j, "candidate_op", l->candidate_op);
            json_num(&j, "local_max_abs", l->local_max_abs);
            json_num(&j, "local_snr_db", l->local_snr_db);
            json_num(&j, "accumulated_max_abs", l->accumulated_max_abs);
            json_num(&j, "snr_db", l->snr_db);
            json_key_bool(&j, "diverged", l->diverged);
            json_end(&j);
        }
        json_end(&j);
        json_key(&j, "first_divergence");
        if (r->first_divergence >= 0) {
            const struct validate_layer *l = &r->layers[r->first_divergence];
            json_object(&j);
            json_key_string(&j, "node", l->node);
            json_key_string(&j, "op", l->op);
            json_key_string(&j, "tensor", l->tensor);
            json_key_string(&j, "candidate_node", l->candidate_node);
            json_num(&j, "local_max_abs", l->local_max_abs);
            json_num(&j, "accumulated_max_abs", l->accumulated_max_abs);
            json_end(&j);
        } else {
            json_null(&j);
        }
    }
    json_key(&j, "notes");
    json_array(&j);
    for (int i = 0; i < r->n_notes; i++) json_string(&j, r->notes[i]);
    json_end(&j);
    json_end(&j);
    return json_finish(&j) ? EXIT_INTERNAL : (r->passed ? EXIT_OK : EXIT_FAILED);
}

static void print_text(const struct validate_options *o, const struct validate_report *r)
{
    char a[32], b[32], c[32], d[32], e[32], f[32], g[32], h[32], t1[32], idx[96];
    printf("reference  %s (%s)\n", o->model[0],
           o->reference_outputs ? "stored outputs" : o->runner[0] ? o->runner[0] : "ferry");
    printf("candidate  %s (%s)\n", o->model[1], o->runner[1] ? o->runner[1] : "ferry");
    if (r->element_rule)
        printf("tolerance  %s: %s, atol %s, rtol %s; %d input sets\n",
               validate_precision_name(r->precision),
               r->tol.rule == METRIC_RULE_EITHER ? "|c-r| <= atol or <= rtol*|r|"
                                                 : "|c-r| <= atol + rtol*|r|",
               fmt_num(a, sizeof a, r->tol.atol), fmt_num(b, sizeof b, r->tol.rtol),
               r->inputs_used);
    else
        printf("tolerance  %s: SNR >= %g dB, top-1 agreement >= %g on class scores; %d input "
               "sets\n",
               validate_precision_name(r->precision), r->min_snr_db, r->min_top1, r->inputs_used);
    for (int i = 0; i < r->n_notes; i++) printf("note       %s\n", r->notes[i]);
    printf("\n%-24s %-9s %-14s %-9s %-9s %-9s %-9s %-7s %-9s %-9s %-5s %s\n", "output", "max_abs",
           "at", "mean_abs", "p99_abs", "max_rel", "cosine", "SNR dB", "mismatch", "min_atol",
           "top1", "result");
    for (int i = 0; i < r->n_outputs; i++) {
        const struct validate_output *vo = &r->outputs[i];
        const struct metric_result *m = &vo->m;
        if (m->max_abs_set >= 0) {
            char tmp[80];
            index_text(vo, tmp, sizeof tmp);
            snprintf(idx, sizeof idx, "%s#%d", tmp, m->max_abs_set);
        } else {
            snprintf(idx, sizeof idx, "-");
        }
        printf("%-24s %-9s %-14s %-9s %-9s %-9s %-9s %-7s %-9s %-9s %-5s %s\n", vo->name,
               fmt_num(a, sizeof a, m->max_abs), idx, fmt_num(b, sizeof b, m->mean_abs),
               fmt_num(c, sizeof c, m->p99_abs), fmt_num(d, sizeof d, m->max_rel),
               fmt_num(e, sizeof e, m->cosine), fmt_num(f, sizeof f, m->snr_db),
               fmt_num(g, sizeof g, m->mismatch_fraction),
               fmt_num(h, sizeof h, m->min_atol_to_pass),
               isnan(m->top1) ? "-" : (snprintf(t1, sizeof t1, "%.2f", m->top1), t1),
               vo->passed ? "pass" : "FAIL");
        if (m->nan || m->inf)
            printf("%-24s candidate has %llu NaN and %llu Inf values\n", "",
                   (unsigned long long)m->nan, (unsigned long long)m->inf);
        if (!isnan(m->max_steps))
            printf("%-24s max error %.3g quantization steps of the candidate's output\n", "",
                   m->max_steps);
    }
    if (r->per_layer) {
        printf("\nper layer: %d tensors compared (local: the candidate's nodes on the "
               "reference's inputs)\n",
               r->n_layers);
        /* columns as wide as the longest name (within reason) */
        int wn = 14, wo = 2, wc = 14;
        char node[200];
        for (int i = 0; i < r->n_layers; i++) {
            const struct validate_layer *l = &r->layers[i];
            int n = snprintf(node, sizeof node, "%s (+%d)", l->node, l->n_region - 1);
            if (n > wn) wn = n;
            if ((int)strlen(l->op) > wo) wo = (int)strlen(l->op);
            if ((int)strlen(l->candidate_node) > wc) wc = (int)strlen(l->candidate_node);
        }
        wn = wn > 60 ? 60 : wn;
        wc = wc > 60 ? 60 : wc;
        wo = wo > 24 ? 24 : wo;
        printf("%-*s %-*s %-*s %-10s %-10s %-8s\n", wn, "reference node", wo, "op", wc,
               "candidate node", "local max", "accum max", "SNR dB");
        for (int i = 0; i < r->n_layers; i++) {
            const struct validate_layer *l = &r->layers[i];
            if (l->n_region > 1) snprintf(node, sizeof node, "%s (+%d)", l->node, l->n_region - 1);
            else snprintf(node, sizeof node, "%s", l->node);
            printf("%-*s %-*s %-*s %-10s %-10s %-8s%s\n", wn, node, wo, l->op, wc,
                   l->candidate_node, fmt_num(a, sizeof a, l->local_max_abs),
                   fmt_num(b, sizeof b, l->accumulated_max_abs), fmt_num(c, sizeof c, l->snr_db),
                   l->diverged ? "  <- diverges" : "");
        }
        if (r->first_divergence >= 0) {
            const struct validate_layer *l = &r->layers[r->first_divergence];
            printf("\nfirst divergence: node '%s' (%s), candidate '%s' (%s): local max abs %s, "
                   "accumulated %s\n",
                   l->node, l->op, l->candidate_node, l->candidate_op,
                   fmt_num(a, sizeof a, l->local_max_abs),
                   fmt_num(b, sizeof b, l->accumulated_max_abs));
        } else {
            printf("\nno layer diverges\n");
        }
    }
    int failed = 0;
    for (int i = 0; i < r->n_outputs; i++) failed += !r->outputs[i].passed;
    if (r->passed) printf("\nPASSED: %d of %d outputs within tolerance\n", r->n_outputs, r->n_outputs);
    else printf("\nFAILED: %d of %d outputs outside tolerance\n", failed, r->n_outputs);
}

int cmd_validate(int argc, char **argv)
{
    struct validate_options o = {.atol = NAN, .rtol = NAN, .min_snr_db = NAN, .min_top1 = NAN,
                                 .threads = 1};
    struct ir_input_shape shapes[MAX_ITEMS];
    struct input_range ranges[MAX_ITEMS];
    bool json = false, n_given = false;
    int n_paths = 0;
    int rc = EXIT_USAGE;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        char *end = NULL;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage, stdout);
            rc = EXIT_OK;
            goto out;
        } else if (!strcmp(a, "--json")) {
            json = true;
        } else if (!strcmp(a, "--per-layer")) {
            o.per_layer = true;
        } else if (a[0] == '-' && a[1] && !v) {
            rc = cli_usage_error("validate", "%s needs a value (or is unknown)", a);
            goto out;
        } else if (!strcmp(a, "-n")) {
            long n = strtol(v, &end, 10);
            if (*end || n < 1 || n > 1000000) {
                rc = cli_usage_error("validate", "-n takes a count >= 1, not '%s'", v);
                goto out;
            }
            o.n_sets = (int)n;
            n_given = true;
            i++;
        } else if (!strcmp(a, "--seed")) {
            unsigned long long s = strtoull(v, &end, 10);
            if (*end || v[0] == '-') {
                rc = cli_usage_error("validate", "--seed takes a number, not '%s'", v);
                goto out;
            }
            o.seed = s;
            i++;
        } else if (!strcmp(a, "--dist")) {
            if (!strcmp(v, "uniform")) o.dist = INPUT_DIST_UNIFORM;
            else if (!strcmp(v, "normal")) o.dist = INPUT_DIST_NORMAL;
            else {
                rc = cli_usage_error("validate", "--dist takes uniform or normal, not '%s'", v);
                goto out;
            }
            i++;
        } else if (!strcmp(a, "--range")) {
            if (o.n_ranges >= MAX_ITEMS || parse_range(v, &ranges[o.n_ranges])) {
                rc = cli_usage_error("validate",
                                     "--range takes [NAME=]LO,HI with LO < HI (e.g. 0,255 or "
                                     "x=-1,1), not '%s'",
                                     v);
                goto out;
            }
            o.n_ranges++;
            i++;
        } else if (!strcmp(a, "--inputs")) {
            o.inputs_path = v;
            i++;
        } else if (!strcmp(a, "--reference-outputs")) {
            o.reference_outputs = v;
            i++;
        } else if (!strcmp(a, "--shape")) {
            if (o.n_shapes >= MAX_ITEMS || cli_parse_shape(v, &shapes[o.n_shapes])) {
                rc = cli_usage_error("validate", "--shape takes NAME=DIMS (e.g. x=1x3x224x224), "
                                                 "not '%s'", v);
                goto out;
            }
            o.n_shapes++;
            i++;
        } else if (!strcmp(a, "--atol") || !strcmp(a, "--rtol") || !strcmp(a, "--min-snr") ||
                   !strcmp(a, "--min-top1")) {
            double x = strtod(v, &end);
            if (*end || end == v || !(x >= 0) || !isfinite(x)) {
                rc = cli_usage_error("validate", "%s takes a number >= 0, not '%s'", a, v);
                goto out;
            }
            if (!strcmp(a, "--atol")) o.atol = x;
            else if (!strcmp(a, "--rtol")) o.rtol = x;
            else if (!strcmp(a, "--min-snr")) o.min_snr_db = x;
            else o.min_top1 = x;
            i++;
        } else if (!strcmp(a, "--rule")) {
            if (!strcmp(v, "numpy")) o.rule = METRIC_RULE_NUMPY;
            else if (!strcmp(v, "either")) o.rule = METRIC_RULE_EITHER;
            else {
                rc = cli_usage_error("validate", "--rule takes numpy or either, not '%s'", v);
                goto out;
            }
            i++;
        } else if (!strcmp(a, "--runner")) {
            int side = !strncmp(v, "reference=", 10) ? 0 : !strncmp(v, "candidate=", 10) ? 1 : -1;
            if (side < 0 || !v[10]) {
                rc = cli_usage_error("validate",
                                     "--runner takes reference=CMD or candidate=CMD, not '%s'", v);
                goto out;
            }
            o.runner[side] = v + 10;
            i++;
        } else if (!strcmp(a, "--threads")) {
            long n = strtol(v, &end, 10);
            if (*end || n < 1 || n > 256) {
                rc = cli_usage_error("validate", "--threads takes 1..256, not '%s'", v);
                goto out;
            }
            o.threads = (int)n;
            i++;
        } else if (!strcmp(a, "--tflite-arith")) {
            if (!strcmp(v, "reference")) o.tflite_arith = OP_TFLITE_ARITH_REFERENCE;
            else if (!strcmp(v, "xnnpack")) o.tflite_arith = OP_TFLITE_ARITH_XNNPACK;
            else {
                rc = cli_usage_error("validate", "--tflite-arith takes reference or xnnpack");
                goto out;
            }
            i++;
        } else if (a[0] == '-' && a[1]) {
            rc = cli_usage_error("validate", "unknown option '%s'", a);
            goto out;
        } else if (n_paths < 2) {
            o.model[n_paths++] = a;
        } else {
            rc = cli_usage_error("validate", "unexpected argument '%s'", a);
            goto out;
        }
    }
    if (n_paths < 2) {
        rc = cli_usage_error("validate", "needs a REFERENCE and a CANDIDATE model");
        goto out;
    }
    if (!n_given) o.n_sets = o.inputs_path ? 0 : 10;
    o.shapes = shapes;
    o.ranges = ranges;
    if (isatty(2) && !json) o.progress = progress;

    struct validate_report r;
    struct fy_error err = {0};
    err_clear(&err);
    fy_status st = validate_run(&o, &r, &err);
    if (st) {
        rc = st == FY_EUSAGE ? cli_usage_error("validate", "%s", err.message) : cli_report(&err);
    } else if (json) {
        rc = print_json(&o, &r);
    } else {
        print_text(&o, &r);
        rc = r.passed ? EXIT_OK : EXIT_FAILED;
    }
    validate_report_free(&r);
out:
    for (int i = 0; i < o.n_shapes; i++) free((char *)shapes[i].name);
    for (int i = 0; i < o.n_ranges; i++) free((char *)ranges[i].name);
    return rc;
}
