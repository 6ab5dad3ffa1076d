/* Conformance runner over ONNX's backend test data (Debian libonnx-testdata):
 * every case is a folder with model.onnx and test_data_set_<k>/input_<i>.pb,
 * output_<i>.pb. Each case is read, run with ferry's interpreter and its
 * outputs compared with ONNX's own rule (onnx/backend/test/runner:
 * rtol 1e-3, atol 1e-7; exact for integers, bools and strings; shapes and
 * dtypes must match). All cases run in this one process.
 *
 *   conformance [--data DIR] [--expect FILE] [--write-expect FILE]
 *               [--threads N] [--verbose] [--quiet] [PATTERN...]
 *
 * Prints `pass <group>/<case>`, `FAIL <group>/<case>: <reason>` or
 * `skip <group>/<case>: <reason>`, then `N skipped` and, last,
 * `N passed, N failed`. Exit 1 when anything failed. */
#include <dirent.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/file.h"
#include "formats/onnx/onnx.h"
#include "interp/interp.h"

#define DEFAULT_DATA "/usr/share/libonnx-testdata/data"
#define MAX_TENSORS 64
#define CASE_TIMEOUT_S 120

static const char *const groups[] = {"node", "pytorch-converted", "pytorch-operator", "simple"};

/* ---- small helpers ---- */

static char *xstrdup(const char *s)
{
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (!d) {
        fprintf(stderr, "conformance: out of memory\n");
        exit(4);
    }
    memcpy(d, s, n + 1);
    return d;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted entries of a folder (names only); NULL when it cannot be read. */
static char **list_dir(const char *path, int *count)
{
    *count = 0;
    DIR *d = opendir(path);
    if (!d) return NULL;
    int cap = 64;
    char **names = malloc((size_t)cap * sizeof *names);
    struct dirent *e;
    while (names && (e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        if (*count == cap) {
            cap *= 2;
            char **nn = realloc(names, (size_t)cap * sizeof *names);
            if (!nn) break;
            names = nn;
        }
        names[(*count)++] = xstrdup(e->d_name);
    }
    closedir(d);
    if (names) qsort(names, (size_t)*count, sizeof *names, cmp_str);
    return names;
}

static void free_list(char **names, int count)
{
    for (int i = 0; i < count; i++)
        free(names[i]);
    free(names);
}

static bool exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* ---- expectations ---- */

enum expect_kind { EXPECT_NONE = 0, EXPECT_PASS, EXPECT_SKIP };

struct expect {
    char *name; /* group/case */
    enum expect_kind kind;
    char *reason;
    bool seen;
};

struct expect_list {
    struct expect *items;
    int count, cap;
    char *header; /* the comment lines before the first entry, kept by --write-expect */
    size_t header_len;
};

static int cmp_expect(const void *a, const void *b)
{
    return strcmp(((const struct expect *)a)->name, ((const struct expect *)b)->name);
}

static struct expect *expect_find(struct expect_list *l, const char *name)
{
    struct expect key = {.name = (char *)(uintptr_t)name};
    return bsearch(&key, l->items, (size_t)l->count, sizeof *l->items, cmp_expect);
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = 0;
    return s;
}

static int expect_load(const char *path, struct expect_list *l)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "conformance: cannot read %s\n", path);
        return -1;
    }
    char line[4096];
    int lineno = 0, bad = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (l->count == 0 && (line[0] == '#' || line[0] == '\n')) {
            size_t n = strlen(line);
            char *h = realloc(l->header, l->header_len + n + 1);
            if (!h) exit(4);
            memcpy(h + l->header_len, line, n + 1);
            l->header = h;
            l->header_len += n;
        }
        char *s = trim(line);
        if (!*s || *s == '#') continue;
        enum expect_kind k;
        if (!strncmp(s, "pass ", 5))
            k = EXPECT_PASS;
        else if (!strncmp(s, "skip ", 5))
            k = EXPECT_SKIP;
        else {
            fprintf(stderr,
                    "%s:%d: expected 'pass <group>/<case>' or 'skip <group>/<case>: "
                    "<reason>'\n",
                    path, lineno);
            bad++;
            continue;
        }
        char *name = trim(s + 5), *reason = NULL;
        char *colon = strchr(name, ':');
        if (colon) {
            *colon = 0;
            reason = trim(colon + 1);
            name = trim(name);
        }
        if (k == EXPECT_SKIP && (!reason || !*reason)) {
            fprintf(stderr, "%s:%d: a skip needs a reason\n", path, lineno);
            bad++;
            continue;
        }
        if (l->count == l->cap) {
            l->cap = l->cap ? l->cap * 2 : 1024;
            l->items = realloc(l->items, (size_t)l->cap * sizeof *l->items);
            if (!l->items) exit(4);
        }
        l->items[l->count++] =
            (struct expect){xstrdup(name), k, reason ? xstrdup(reason) : NULL, false};
    }
    fclose(f);
    qsort(l->items, (size_t)l->count, sizeof *l->items, cmp_expect);
    for (int i = 1; i < l->count; i++)
        if (!strcmp(l->items[i].name, l->items[i - 1].name)) {
            fprintf(stderr, "%s: '%s' is listed twice\n", path, l->items[i].name);
            bad++;
        }
    return bad ? -1 : 0;
}

/* ---- tensors ---- */

static fy_status read_pb(const char *path, struct ir_model *holder, struct ir_tensor **out,
                         struct fy_error *err)
{
    struct file_map map;
    /* errors name test_data_set_<k>/<file>.pb */
    const char *shown = path, *slash = strrchr(path, '/');
    if (slash) {
        const char *p = slash;
        while (p > path && p[-1] != '/')
            p--;
        shown = p;
    }
    err_set_file(err, shown);
    fy_status st = file_map_read(path, &map, err);
    if (st) return st;
    const uint8_t *data = map.data;
    size_t size = map.size;
    st = ir_model_adopt_map(holder, &map, err);
    if (st) return st;
    return onnx_read_tensor(holder, data, size, out, err);
}

static fy_status to_runtime(const struct ir_tensor *src, struct op_tensor *dst,
                            struct fy_error *err)
{
    memset(dst, 0, sizeof *dst);
    if (src->rank < 0 || src->rank > OP_MAX_RANK || !ir_tensor_is_static(src))
        return err_fmt(err, FY_EUNSUPPORTED, "tensor '%s' has rank %d", src->name, src->rank);
    int64_t dims[OP_MAX_RANK];
    for (int d = 0; d < src->rank; d++)
        dims[d] = src->dims[d].value;
    fy_status st = op_tensor_alloc(dst, src->dtype, src->rank, dims, err);
    if (st) return st;
    if (src->dtype == IR_STRING) {
        for (uint64_t i = 0; i < dst->numel && i < src->n_strings; i++)
            dst->strings[i] = src->strings[i];
    } else if (dst->nbytes) {
        if (src->nbytes != dst->nbytes) {
            op_tensor_release(dst);
            return err_fmt(err, FY_EFORMAT, "tensor '%s' has %llu bytes for its shape's %llu",
                           src->name, (unsigned long long)src->nbytes,
                           (unsigned long long)dst->nbytes);
        }
        memcpy(dst->data, src->data, (size_t)dst->nbytes);
    }
    return FY_OK;
}

static void shape_str(const struct op_tensor *t, char *buf, size_t cap)
{
    size_t k = (size_t)snprintf(buf, cap, "%s [", ir_dtype_name(t->dtype));
    for (int d = 0; d < t->rank && k < cap; d++)
        k += (size_t)snprintf(buf + k, cap - k, "%s%lld", d ? "," : "", (long long)t->dims[d]);
    if (k < cap) snprintf(buf + k, cap - k, "]");
}

static void index_str(const struct op_tensor *t, uint64_t i, char *buf, size_t cap)
{
    int64_t idx[OP_MAX_RANK];
    for (int d = t->rank - 1; d >= 0; d--) {
        idx[d] = t->dims[d] ? (int64_t)(i % (uint64_t)t->dims[d]) : 0;
        if (t->dims[d]) i /= (uint64_t)t->dims[d];
    }
    size_t k = (size_t)snprintf(buf, cap, "[");
    for (int d = 0; d < t->rank && k < cap; d++)
        k += (size_t)snprintf(buf + k, cap - k, "%s%lld", d ? "," : "", (long long)idx[d]);
    if (k < cap) snprintf(buf + k, cap - k, "]");
}

static bool close_enough(double got, double exp)
{
    if (isnan(exp)) return isnan(got);
    if (isinf(exp)) return got == exp;
    if (isnan(got) || isinf(got)) return false;
    return fabs(got - exp) <= 1e-7 + 1e-3 * fabs(exp);
}

static int64_t nibble(const struct op_tensor *t, uint64_t i)
{
    uint8_t b = ((const uint8_t *)t->data)[i / 2];
    int v = (i % 2) ? b >> 4 : b & 15;
    return t->dtype == IR_I4 && v >= 8 ? v - 16 : v;
}

/* "" when equal, else the first difference. */
static void compare(const struct op_tensor *got, const struct op_tensor *exp, char *why, size_t cap)
{
    why[0] = 0;
    char a[256], b[256];
    bool same_shape = got->rank == exp->rank && got->dtype == exp->dtype;
    for (int d = 0; same_shape && d < got->rank; d++)
        same_shape = got->dims[d] == exp->dims[d];
    if (!same_shape) {
        shape_str(got, a, sizeof a);
        shape_str(exp, b, sizeof b);
        snprintf(why, cap, "got %s, expected %s", a, b);
        return;
    }
    enum ir_dtype dt = exp->dtype;
    for (uint64_t i = 0; i < exp->numel; i++) {
        char at[160];
        if (dt == IR_STRING) {
            const struct ir_bytes *x = &got->strings[i], *y = &exp->strings[i];
            if (x->size == y->size && (!x->size || !memcmp(x->data, y->data, x->size))) continue;
            index_str(exp, i, at, sizeof at);
            snprintf(why, cap, "at %s got \"%.*s\", expected \"%.*s\"", at,
                     (int)(x->size > 40 ? 40 : x->size), x->data ? (const char *)x->data : "",
                     (int)(y->size > 40 ? 40 : y->size), y->data ? (const char *)y->data : "");
            return;
        }
        if (dt == IR_C64 || dt == IR_C128) {
            for (int part = 0; part < 2; part++) {
                double x = dt == IR_C64 ? ((const float *)got->data)[2 * i + part]
                                        : ((const double *)got->data)[2 * i + part];
                double y = dt == IR_C64 ? ((const float *)exp->data)[2 * i + part]
                                        : ((const double *)exp->data)[2 * i + part];
                if (close_enough(x, y)) continue;
                index_str(exp, i, at, sizeof at);
                snprintf(why, cap, "at %s (%s part) got %.9g, expected %.9g", at,
                         part ? "imaginary" : "real", x, y);
                return;
            }
            continue;
        }
        if (ir_dtype_table[dt].is_float) {
            double x = op_get_f64(got, i), y = op_get_f64(exp, i);
            if (close_enough(x, y)) continue;
            index_str(exp, i, at, sizeof at);
            snprintf(why, cap, "at %s got %.9g, expected %.9g", at, x, y);
            return;
        }
        int64_t x, y;
        if (dt == IR_I4 || dt == IR_U4) {
            x = nibble(got, i);
            y = nibble(exp, i);
        } else {
            x = op_get_i64(got, i);
            y = op_get_i64(exp, i);
        }
        if (x == y) continue;
        index_str(exp, i, at, sizeof at);
        if (dt == IR_U64)
            snprintf(why, cap, "at %s got %llu, expected %llu", at, (unsigned long long)x,
                     (unsigned long long)y);
        else
            snprintf(why, cap, "at %s got %lld, expected %lld", at, (long long)x, (long long)y);
        return;
    }
}

/* ---- one case ---- */

static int cmp_pb(const void *a, const void *b)
{
    /* input_2.pb before input_10.pb */
    const char *x = *(char *const *)a, *y = *(char *const *)b;
    const char *ux = strrchr(x, '_'), *uy = strrchr(y, '_');
    if (ux && uy && (ux - x) == (uy - y) && !strncmp(x, y, (size_t)(ux - x)))
        return atoi(ux + 1) - atoi(uy + 1);
    return strcmp(x, y);
}

struct pb_list {
    char *path[MAX_TENSORS];
    int n;
};

static int list_pb(const char *dir, const char *prefix, struct pb_list *l)
{
    l->n = 0;
    int count;
    char **names = list_dir(dir, &count);
    if (!names) return -1;
    char *picked[MAX_TENSORS];
    int n = 0;
    size_t pl = strlen(prefix);
    for (int i = 0; i < count; i++) {
        size_t len = strlen(names[i]);
        if (!strncmp(names[i], prefix, pl) && len > 3 && !strcmp(names[i] + len - 3, ".pb") &&
            n < MAX_TENSORS)
            picked[n++] = names[i];
    }
    qsort(picked, (size_t)n, sizeof picked[0], cmp_pb);
    for (int i = 0; i < n; i++) {
        char buf[4096];
        snprintf(buf, sizeof buf, "%s/%s", dir, picked[i]);
        l->path[l->n++] = xstrdup(buf);
    }
    free_list(names, count);
    return 0;
}

static void free_pb(struct pb_list *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->path[i]);
    l->n = 0;
}

static void error_text(const struct fy_error *err, char *buf, size_t cap)
{
    fy_error_format(err, buf, cap);
    if (!buf[0]) snprintf(buf, cap, "%s", fy_status_name(err->status));
    for (char *p = buf; *p; p++)
        if (*p == '\n' || *p == '\r') *p = ' ';
}

/* Runs one data set; fills why (empty when every output matched). */
static void run_set(struct interp *ip, const char *set_dir, char *why, size_t cap)
{
    struct fy_error err;
    err_clear(&err);
    err.file[0] = 0;
    struct pb_list ins, outs;
    ins.n = outs.n = 0;
    if (list_pb(set_dir, "input_", &ins) || list_pb(set_dir, "output_", &outs)) {
        snprintf(why, cap, "cannot list %s", set_dir);
        return;
    }
    struct ir_model *holder = ir_model_new(&err);
    struct op_tensor in_vals[MAX_TENSORS], exp_vals[MAX_TENSORS];
    const struct op_tensor *bound[MAX_TENSORS];
    struct op_tensor *got[MAX_TENSORS];
    int n_in_vals = 0, n_exp = 0;
    int n_inputs = interp_input_count(ip), n_outputs = interp_output_count(ip);
    fy_status st = holder ? FY_OK : FY_ENOMEM;
    if (!st && (n_inputs > MAX_TENSORS || n_outputs > MAX_TENSORS))
        st = err_fmt(&err, FY_EUNSUPPORTED, "more than %d inputs or outputs", MAX_TENSORS);
    for (int i = 0; i < MAX_TENSORS; i++)
        bound[i] = NULL;
    /* inputs: by name where the TensorProto names a model input, else in order */
    const struct ir_tensor *names[MAX_TENSORS];
    for (int i = 0; !st && i < ins.n; i++) {
        struct ir_tensor *t;
        st = read_pb(ins.path[i], holder, &t, &err);
        if (!st) st = to_runtime(t, &in_vals[n_in_vals], &err);
        if (!st) names[n_in_vals++] = t;
    }
    bool used[MAX_TENSORS] = {false};
    for (int i = 0; !st && i < n_in_vals; i++) {
        for (int k = 0; k < n_inputs; k++)
            if (names[i]->name && names[i]->name[0] && !bound[k] &&
                !strcmp(names[i]->name, interp_input(ip, k)->name)) {
                bound[k] = &in_vals[i];
                used[i] = true;
                break;
            }
    }
    for (int i = 0, k = 0; !st && i < n_in_vals; i++) {
        if (used[i]) continue;
        while (k < n_inputs && bound[k])
            k++;
        if (k >= n_inputs) {
            st = err_fmt(&err, FY_EINVALID, "%d input files for %d model inputs", n_in_vals,
                         n_inputs);
            break;
        }
        bound[k] = &in_vals[i];
    }
    for (int k = 0; !st && k < n_inputs; k++) {
        if (!bound[k]) {
            st = err_fmt(&err, FY_EINVALID, "no input file for model input '%s'",
                         interp_input(ip, k)->name);
        } else if (bound[k]->dtype == IR_U16 && interp_input(ip, k)->dtype == IR_BF16) {
            /* ONNX 1.12's test data stores bfloat16 values as UINT16 bit patterns */
            ((struct op_tensor *)(uintptr_t)bound[k])->dtype = IR_BF16;
        }
    }
    for (int i = 0; !st && i < outs.n; i++) {
        struct ir_tensor *t;
        st = read_pb(outs.path[i], holder, &t, &err);
        if (!st) st = to_runtime(t, &exp_vals[n_exp], &err);
        if (!st && n_exp < n_outputs && exp_vals[n_exp].dtype == IR_U16 &&
            interp_output(ip, n_exp)->dtype == IR_BF16)
            exp_vals[n_exp].dtype = IR_BF16; /* bit patterns, as for inputs */
        if (!st) n_exp++;
    }
    if (!st && n_exp != n_outputs)
        st = err_fmt(&err, FY_EINVALID, "%d expected outputs for %d model outputs", n_exp,
                     n_outputs);
    if (st) {
        char e[1024];
        error_text(&err, e, sizeof e);
        snprintf(why, cap, "test data: %s", e);
    } else {
        err_clear(&err);
        err.file[0] = 0;
        st = interp_run(ip, bound, n_inputs, got, n_outputs, &err);
        if (st) {
            error_text(&err, why, cap);
        } else {
            for (int i = 0; i < n_outputs && !why[0]; i++) {
                char d[512];
                compare(got[i], &exp_vals[i], d, sizeof d);
                if (d[0])
                    snprintf(why, cap, "output %d '%s': %s", i, interp_output(ip, i)->name, d);
            }
        }
    }
    for (int i = 0; i < n_in_vals; i++)
        op_tensor_release(&in_vals[i]);
    for (int i = 0; i < n_exp; i++)
        op_tensor_release(&exp_vals[i]);
    ir_model_free(holder);
    free_pb(&ins);
    free_pb(&outs);
}

/* Runs a case: why is empty on a pass. */
static void run_case(const char *case_dir, int threads, char *why, size_t cap)
{
    why[0] = 0;
    char path[4096];
    snprintf(path, sizeof path, "%s/model.onnx", case_dir);
    struct fy_error err;
    err_clear(&err);
    err.file[0] = 0;
    struct ir_model *m = NULL;
    fy_status st = onnx_read_model(path, &m, &err);
    if (st) {
        char e[1024];
        err.file[0] = 0;
        error_text(&err, e, sizeof e);
        snprintf(why, cap, "load: %s", e);
        return;
    }
    struct interp_options opt = {.threads = threads};
    struct interp *ip = NULL;
    err_clear(&err);
    err.file[0] = 0;
    st = interp_create(m, &opt, &ip, &err);
    if (st) {
        char e[1024];
        error_text(&err, e, sizeof e);
        snprintf(why, cap, "load: %s", e);
        ir_model_free(m);
        return;
    }
    int count;
    char **sets = list_dir(case_dir, &count);
    int n_sets = 0;
    for (int i = 0; sets && i < count && !why[0]; i++) {
        if (strncmp(sets[i], "test_data_set_", 14) != 0) continue;
        char set_dir[4096];
        snprintf(set_dir, sizeof set_dir, "%s/%s", case_dir, sets[i]);
        n_sets++;
        char w[1536] = "";
        run_set(ip, set_dir, w, sizeof w);
        if (w[0]) snprintf(why, cap, "%s%s%s", count > 3 ? sets[i] : "", count > 3 ? ": " : "", w);
    }
    if (!why[0] && n_sets == 0) snprintf(why, cap, "no test_data_set_* folders");
    if (sets) free_list(sets, count);
    interp_destroy(ip);
    ir_model_free(m);
}

/* ---- crash reporting ---- */

static volatile sig_atomic_t in_case;
static char current_case[512];

static void write_str(const char *s)
{
    (void)!write(2, s, strlen(s));
}

static void on_fatal(int sig)
{
    if (in_case) {
        write_str(sig == SIGALRM ? "\nFAIL " : "\nCRASH ");
        write_str(current_case);
        write_str(sig == SIGALRM ? ": timed out\n" : ": fatal signal; the run stops here\n");
    }
    signal(sig, SIG_DFL);
    raise(sig == SIGALRM ? SIGABRT : sig);
}

/* ---- main ---- */

static void usage(FILE *f)
{
    fprintf(f, "usage: conformance [--data DIR] [--expect FILE] [--write-expect FILE] "
               "[--threads N] [--verbose] [--quiet] [PATTERN...]\n"
               "Runs ONNX backend test cases (folders whose group/name contains any PATTERN;\n"
               "all when none) from DIR (default " DEFAULT_DATA ").\n"
               "  --expect FILE        each case's expectation (pass, or skip with a reason)\n"
               "  --write-expect FILE  write pass for what passes now, else keep the listed\n"
               "                       skip reason or write 'skip <case>: TODO <error>'\n"
               "  --quiet              print only failures and the totals\n");
}

struct result {
    char *name;
    bool pass;
    char *why;
};

int main(int argc, char **argv)
{
    const char *data = DEFAULT_DATA, *expect_path = NULL, *write_path = NULL;
    const char **patterns = calloc((size_t)argc + 1, sizeof *patterns);
    int n_patterns = 0, threads = 1;
    bool verbose = false, quiet = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--data") && i + 1 < argc)
            data = argv[++i];
        else if (!strcmp(argv[i], "--expect") && i + 1 < argc)
            expect_path = argv[++i];
        else if (!strcmp(argv[i], "--write-expect") && i + 1 < argc)
            write_path = argv[++i];
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--verbose") || !strcmp(argv[i], "-v"))
            verbose = true;
        else if (!strcmp(argv[i], "--quiet") || !strcmp(argv[i], "-q"))
            quiet = true;
        else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
        } else if (argv[i][0] == '-') {
            usage(stderr);
            return 2;
        } else
            patterns[n_patterns++] = argv[i];
    }
    if (threads < 1) threads = 1;
    struct expect_list ex = {0};
    if (expect_path && expect_load(expect_path, &ex)) return 2;
    signal(SIGSEGV, on_fatal);
    signal(SIGBUS, on_fatal);
    signal(SIGFPE, on_fatal);
    signal(SIGILL, on_fatal);
    signal(SIGABRT, on_fatal);
    signal(SIGALRM, on_fatal);
    setvbuf(stdout, NULL, _IOLBF, 0);

    int passed = 0, failed = 0, skipped = 0, ran = 0;
    struct result *results = NULL;
    int n_results = 0, cap_results = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int groups_found = 0;
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        char gdir[4096];
        snprintf(gdir, sizeof gdir, "%s/%s", data, groups[g]);
        int count;
        char **cases = list_dir(gdir, &count);
        if (!cases) continue;
        groups_found++;
        for (int c = 0; c < count; c++) {
            char name[512], cdir[4096], model[4200];
            snprintf(name, sizeof name, "%s/%s", groups[g], cases[c]);
            snprintf(cdir, sizeof cdir, "%s/%s", gdir, cases[c]);
            snprintf(model, sizeof model, "%s/model.onnx", cdir);
            if (!exists(model)) continue;
            bool match = n_patterns == 0;
            for (int p = 0; p < n_patterns && !match; p++)
                match = strstr(name, patterns[p]) != NULL;
            if (!match) continue;
            struct expect *e = expect_path ? expect_find(&ex, name) : NULL;
            if (e) e->seen = true;
            if (e && e->kind == EXPECT_SKIP && !write_path) {
                if (!quiet) printf("skip %s: %s\n", name, e->reason);
                skipped++;
                continue;
            }
            snprintf(current_case, sizeof current_case, "%s", name);
            if (verbose) fprintf(stderr, "running %s\n", name);
            char why[2048];
            in_case = 1;
            alarm(CASE_TIMEOUT_S);
            run_case(cdir, threads, why, sizeof why);
            alarm(0);
            in_case = 0;
            ran++;
            bool ok = why[0] == 0;
            if (write_path) {
                if (n_results == cap_results) {
                    cap_results = cap_results ? cap_results * 2 : 1024;
                    results = realloc(results, (size_t)cap_results * sizeof *results);
                    if (!results) return 4;
                }
                results[n_results++] = (struct result){xstrdup(name), ok, xstrdup(why)};
            }
            if (e && e->kind == EXPECT_SKIP) {
                if (!quiet) printf("skip %s: %s%s\n", name, e->reason, ok ? " (passes now)" : "");
                skipped++;
            } else if (expect_path && !e) {
                printf("FAIL %s: not listed in expected.txt (%s%s)\n", name,
                       ok ? "it passes now" : "it fails now: ", ok ? "" : why);
                failed++;
            } else if (ok) {
                if (!quiet) printf("pass %s\n", name);
                passed++;
            } else {
                printf("FAIL %s: %s\n", name, why);
                failed++;
            }
        }
        free_list(cases, count);
    }
    if (!groups_found) {
        printf("FAIL setup: no test data under %s (install libonnx-testdata)\n", data);
        failed++;
    }
    /* listed cases that the data does not have (only when running them all) */
    for (int i = 0; expect_path && n_patterns == 0 && i < ex.count; i++)
        if (!ex.items[i].seen) {
            printf("FAIL %s: listed in %s but not in the test data\n", ex.items[i].name,
                   expect_path);
            failed++;
        }
    if (write_path) {
        /* cases not run this time keep their old lines */
        size_t cap = 1 << 16, len = 0;
        char *buf = malloc(cap);
        int a = 0;
        if (ex.header_len) {
            if (ex.header_len + 1 > cap) buf = realloc(buf, cap = ex.header_len + (1 << 16));
            memcpy(buf, ex.header, ex.header_len);
            len = ex.header_len;
        }
        qsort(results, (size_t)n_results, sizeof *results, cmp_str);
        for (int i = 0; i <= n_results; i++) {
            /* merge old entries that sort before results[i] */
            while (a < ex.count &&
                   (i == n_results || strcmp(ex.items[a].name, results[i].name) < 0)) {
                struct expect *x = &ex.items[a++];
                char line[4096];
                int n = x->kind == EXPECT_PASS
                            ? snprintf(line, sizeof line, "pass %s\n", x->name)
                            : snprintf(line, sizeof line, "skip %s: %s\n", x->name, x->reason);
                if (len + (size_t)n + 1 > cap) buf = realloc(buf, cap *= 2);
                memcpy(buf + len, line, (size_t)n);
                len += (size_t)n;
            }
            if (i == n_results) break;
            struct expect *old = expect_path ? expect_find(&ex, results[i].name) : NULL;
            if (old && a < ex.count && old == &ex.items[a]) a++;
            char line[4096];
            int n;
            if (results[i].pass)
                n = snprintf(line, sizeof line, "pass %s\n", results[i].name);
            else if (old && old->kind == EXPECT_SKIP)
                n = snprintf(line, sizeof line, "skip %s: %s\n", results[i].name, old->reason);
            else
                n = snprintf(line, sizeof line, "skip %s: TODO %s\n", results[i].name,
                             results[i].why);
            if (n >= (int)sizeof line) n = (int)sizeof line - 1;
            if (len + (size_t)n + 1 > cap) buf = realloc(buf, cap *= 2);
            memcpy(buf + len, line, (size_t)n);
            len += (size_t)n;
        }
        struct fy_error err;
        err_clear(&err);
        if (file_write_atomic(write_path, buf, len, NULL, 0, &err)) {
            char e[1024];
            error_text(&err, e, sizeof e);
            fprintf(stderr, "conformance: cannot write %s: %s\n", write_path, e);
            failed++;
        } else {
            fprintf(stderr, "conformance: wrote %s\n", write_path);
        }
        free(buf);
        for (int i = 0; i < n_results; i++) {
            free(results[i].name);
            free(results[i].why);
        }
        free(results);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    fprintf(stderr, "conformance: %d cases run in %.1f s\n", ran,
            (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9);
    for (int i = 0; i < ex.count; i++) {
        free(ex.items[i].name);
        free(ex.items[i].reason);
    }
    free(ex.items);
    free(ex.header);
    free(patterns);
    printf("%d skipped\n", skipped);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
