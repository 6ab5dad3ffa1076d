/* ferry run MODEL -i NAME=FILE ... -o DIR [--threads N] [--shape NAME=DIMS]
 *           [--dequantize] [--stats] [--tflite-arith reference|xnnpack] */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/cli.h"
#include "validate/tensor_io.h"
#include "core/file.h"
#include "core/half.h"
#include "formats/format.h"
#include "formats/npy/npy.h"

static const char usage[] =
    "usage: ferry run MODEL -i [NAME=]FILE ... -o DIR [--threads N] [--shape NAME=DIMS]\n"
    "                 [--dequantize] [--stats] [--tflite-arith reference|xnnpack]\n"
    "\n"
    "Runs MODEL with ferry's reference interpreter and writes every output to\n"
    "DIR/<output name>.npy (characters outside [A-Za-z0-9._-] become '_'), in the\n"
    "output's own dtype. DIR is created when missing; each file is written to a\n"
    "temporary file and renamed, and never over an input.\n"
    "  -i NAME=FILE   an input: FILE is .npy, .npz or a TensorProto .pb\n"
    "                 .npy    NAME= may be left out when the model has one input\n"
    "                 .npz    leave NAME= out: each key feeds the input it names\n"
    "                         (NumPy's '.npy' suffix on keys is ignored)\n"
    "                 .pb     the tensor's name field, else the model's input order\n"
    "  -o DIR         where outputs are written\n"
    "  --threads N    worker threads for heavy kernels (default 1); results are\n"
    "                 deterministic for a given N\n"
    "  --shape NAME=DIMS  e.g. data=1x3x224x224: checked against the input given\n"
    "                 for NAME (inputs from files carry their shapes; the option\n"
    "                 fixes symbolic dims for commands that make their own inputs)\n"
    "  --dequantize   write quantized outputs as float32: (q - zero_point) * scale\n"
    "  --repeat N     run N times on the same inputs and report the median time\n"
    "  --stats        print time per op (calls, total ms, share) and the peak\n"
    "                 activation memory\n"
    "  --tflite-arith reference|xnnpack  the integer arithmetic of a .tflite model:\n"
    "                 reference  TFLite's reference kernels, what TFLite Micro\n"
    "                            computes (default)\n"
    "                 xnnpack    what the TFLite interpreter computes with its default\n"
    "                            XNNPACK delegate on CPU (int8 CONV_2D,\n"
    "                            DEPTHWISE_CONV_2D, FULLY_CONNECTED and ADD take\n"
    "                            XNNPACK's rounding; may differ by a step)\n"
    "exit codes: 0 ok, 2 usage, 3 bad model or input (missing input, wrong dtype\n"
    "or shape, unsupported op), 4 internal error\n";

#define MAX_INPUTS 64
#define MAX_SHAPES 64

static int mkdir_p(const char *dir)
{
    char buf[4096];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof buf) return -1;
    memcpy(buf, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] != '/' && buf[i] != 0) continue;
        char c = buf[i];
        buf[i] = 0;
        if (mkdir(buf, 0777) != 0 && errno != EEXIST) return -1;
        buf[i] = c;
    }
    struct stat sb;
    return stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode) ? 0 : -1;
}

/* The tensor as it goes to disk: quantized → float32 with --dequantize;
 * types .npy cannot spell → the nearest one it can (noted on stderr). */
static fy_status to_disk(const struct op_tensor *v, const char *name, bool dequantize,
                         struct op_tensor *tmp, const struct op_tensor **out, struct fy_error *err)
{
    *out = v;
    const struct ir_quant *q = v->quant;
    bool integer = !ir_dtype_table[v->dtype].is_float && v->dtype != IR_BOOL &&
                   v->dtype != IR_STRING && v->dtype != IR_C64 && v->dtype != IR_C128;
    if (dequantize && q && integer && q->count >= 1 && q->scale) {
        int axis = q->count > 1 ? q->axis : -1;
        if (axis >= v->rank || (axis >= 0 && v->dims[axis] != q->count))
            return err_fmt(err, FY_EINVALID,
                           "output '%s': %d per-axis scales on axis %d do not fit its shape", name,
                           q->count, q->axis);
        fy_status st = op_tensor_alloc(tmp, IR_F32, v->rank, v->dims, err);
        if (st) return st;
        uint64_t inner = 1;
        for (int d = axis + 1; axis >= 0 && d < v->rank; d++)
            inner *= (uint64_t)v->dims[d];
        float *f = tmp->data;
        for (uint64_t i = 0; i < v->numel; i++) {
            int c = axis >= 0 ? (int)((i / inner) % (uint64_t)q->count) : 0;
            int64_t zp = q->zero_point ? q->zero_point[c] : 0;
            int64_t qv;
            if (v->dtype == IR_I4 || v->dtype == IR_U4) {
                uint8_t byte = ((const uint8_t *)v->data)[i / 2];
                int nib = (i % 2) ? byte >> 4 : byte & 15;
                qv = v->dtype == IR_I4 && nib >= 8 ? nib - 16 : nib;
            } else {
                qv = op_get_i64(v, i);
            }
            f[i] = (float)((double)(qv - zp) * (double)q->scale[c]);
        }
        *out = tmp;
        return FY_OK;
    }
    if (v->dtype == IR_BF16 || v->dtype == IR_I4 || v->dtype == IR_U4) {
        enum ir_dtype to = v->dtype == IR_BF16 ? IR_F32 : v->dtype == IR_I4 ? IR_I8 : IR_U8;
        fy_status st = op_tensor_alloc(tmp, to, v->rank, v->dims, err);
        if (st) return st;
        for (uint64_t i = 0; i < v->numel; i++) {
            if (v->dtype == IR_BF16) {
                ((float *)tmp->data)[i] = bf16_to_float(((const uint16_t *)v->data)[i]);
            } else {
                uint8_t byte = ((const uint8_t *)v->data)[i / 2];
                int nib = (i % 2) ? byte >> 4 : byte & 15;
                if (v->dtype == IR_I4)
                    ((int8_t *)tmp->data)[i] = (int8_t)(nib >= 8 ? nib - 16 : nib);
                else
                    ((uint8_t *)tmp->data)[i] = (uint8_t)nib;
            }
        }
        fprintf(stderr,
                "ferry run: note: output '%s' is %s, which .npy cannot hold; written as %s\n", name,
                ir_dtype_name(v->dtype), ir_dtype_name(to));
        *out = tmp;
        return FY_OK;
    }
    if (v->dtype == IR_STRING)
        return err_fmt(err, FY_EUNSUPPORTED,
                       "output '%s' is a string tensor; ferry writes numeric .npy files only",
                       name);
    return FY_OK;
}

static int cmp_stat(const void *a, const void *b)
{
    const struct interp_op_stat *x = *(const struct interp_op_stat *const *)a;
    const struct interp_op_stat *y = *(const struct interp_op_stat *const *)b;
    return x->seconds < y->seconds ? 1 : x->seconds > y->seconds ? -1 : 0;
}

static void print_bytes(uint64_t b)
{
    if (b >= (uint64_t)1 << 20)
        printf("%.2f MiB", (double)b / (1 << 20));
    else if (b >= 1024)
        printf("%.1f KiB", (double)b / 1024);
    else
        printf("%llu bytes", (unsigned long long)b);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void print_stats(const struct interp_stats *s, double wall, int runs)
{
    const struct interp_op_stat *rows[IR_OP_COUNT + 1];
    int n = 0;
    double total = 0;
    for (int i = 0; i <= IR_OP_COUNT; i++)
        if (s->ops[i].calls) {
            rows[n++] = &s->ops[i];
            total += s->ops[i].seconds;
        }
    qsort(rows, (size_t)n, sizeof rows[0], cmp_stat);
    printf("\n%-28s %8s %12s %7s\n", "op", "calls", "total ms", "share");
    for (int i = 0; i < n; i++) {
        char name[64];
        snprintf(name, sizeof name, "%s",
                 rows[i]->op_type ? rows[i]->op_type : ir_op_name(rows[i]->op));
        for (char *p = name; *p; p++)
            if ((unsigned char)*p < 0x20 || *p == 0x7f) *p = '?';
        printf("%-28s %8lld %12.3f %6.1f%%\n", name, (long long)rows[i]->calls,
               rows[i]->seconds * 1e3, total > 0 ? 100.0 * rows[i]->seconds / total : 0.0);
    }
    printf("%-28s %8s %12.3f %6.1f%%\n", "all ops", "", total * 1e3, total > 0 ? 100.0 : 0.0);
    if (runs > 1) printf("(calls and times summed over %d runs)\n", runs);
    printf("run time: %.3f ms\n", wall * 1e3);
    printf("peak activation memory: ");
    print_bytes(s->peak_activation_bytes);
    printf("\nplanned activation memory: ");
    print_bytes(s->planned_activation_bytes);
    printf(" (one slab; values whose lifetimes do not overlap share it)");
    printf("\nconstants: ");
    print_bytes(s->constant_bytes);
    printf("\n");
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int cmd_run(int argc, char **argv)
{
    const char *model_path = NULL, *out_dir = NULL;
    struct input_spec specs[MAX_INPUTS];
    struct ir_input_shape shapes[MAX_SHAPES];
    int n_specs = 0, n_shapes = 0, threads = 1, repeat = 1;
    bool dequantize = false, stats = false;
    enum op_tflite_arith tflite_arith = OP_TFLITE_ARITH_REFERENCE;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(usage, stdout);
            return EXIT_OK;
        } else if (!strcmp(a, "-i") || !strcmp(a, "--input")) {
            if (++i >= argc) return cli_usage_error("run", "-i needs [NAME=]FILE");
            if (n_specs >= MAX_INPUTS)
                return cli_usage_error("run", "at most %d -i options", MAX_INPUTS);
            tensor_io_parse_spec(argv[i], &specs[n_specs]);
            if (!specs[n_specs].path[0])
                return cli_usage_error("run", "-i '%s' names no file", argv[i]);
            n_specs++;
        } else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            if (++i >= argc) return cli_usage_error("run", "-o needs a folder");
            out_dir = argv[i];
        } else if (!strcmp(a, "--threads")) {
            if (++i >= argc) return cli_usage_error("run", "--threads needs a number");
            char *end;
            long v = strtol(argv[i], &end, 10);
            if (*end || end == argv[i] || v < 1 || v > 1024)
                return cli_usage_error("run", "--threads takes a number from 1 to 1024, not '%s'",
                                       argv[i]);
            threads = (int)v;
        } else if (!strcmp(a, "--shape")) {
            if (++i >= argc) return cli_usage_error("run", "--shape needs NAME=DIMS");
            if (n_shapes >= MAX_SHAPES)
                return cli_usage_error("run", "at most %d --shape options", MAX_SHAPES);
            if (cli_parse_shape(argv[i], &shapes[n_shapes]))
                return cli_usage_error(
                    "run", "--shape takes NAME=DIMS (e.g. x=1x3x224x224), not '%s'", argv[i]);
            n_shapes++;
        } else if (!strcmp(a, "--dequantize")) {
            dequantize = true;
        } else if (!strcmp(a, "--repeat")) {
            if (++i >= argc) return cli_usage_error("run", "--repeat needs a number");
            char *end;
            long v = strtol(argv[i], &end, 10);
            if (*end || v < 1 || v > 100000)
                return cli_usage_error("run", "--repeat takes a number from 1 to 100000, not '%s'",
                                       argv[i]);
            repeat = (int)v;
        } else if (!strcmp(a, "--stats")) {
            stats = true;
        } else if (!strcmp(a, "--tflite-arith")) {
            if (++i >= argc)
                return cli_usage_error("run", "--tflite-arith needs reference or xnnpack");
            if (!strcmp(argv[i], "reference"))
                tflite_arith = OP_TFLITE_ARITH_REFERENCE;
            else if (!strcmp(argv[i], "xnnpack"))
                tflite_arith = OP_TFLITE_ARITH_XNNPACK;
            else
                return cli_usage_error("run", "--tflite-arith takes reference or xnnpack, not '%s'",
                                       argv[i]);
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error("run", "unknown option '%s'", a);
        } else if (!model_path) {
            model_path = a;
        } else {
            return cli_usage_error("run", "unexpected argument '%s'", a);
        }
    }
    if (!model_path) return cli_usage_error("run", "needs a MODEL");
    if (!out_dir) return cli_usage_error("run", "needs -o DIR for the outputs");

    struct fy_error err = {0};
    err_clear(&err);
    struct ir_model *m = NULL;
    fy_status st = format_read_model(model_path, &m, &err);
    if (st) return cli_report(&err);
    /* what the reader accepted but the user should know (TFLite Micro
     * leniencies, ...) */
    for (int i = 0; i < m->n_warnings; i++)
        fprintf(stderr, "ferry: warning: %s: %s\n", model_path, m->warnings[i]);
    err_clear(&err);
    err_set_file(&err, model_path);
    struct interp_options opt = {.threads = threads, .stats = stats,
                                 .tflite_arith = tflite_arith};
    struct interp *ip = NULL;
    st = interp_create(m, &opt, &ip, &err);
    if (st) {
        ir_model_free(m);
        return cli_report(&err);
    }
    int n_in = interp_input_count(ip);
    struct tensor_set sets[MAX_INPUTS];
    memset(sets, 0, sizeof sets);
    const struct op_tensor **bound = calloc((size_t)n_in + 1, sizeof *bound);
    const char *protect[MAX_INPUTS + 1];
    int n_protect = 0;
    protect[n_protect++] = model_path;
    for (int i = 0; i < n_specs; i++)
        protect[n_protect++] = specs[i].path;
    int rc = EXIT_OK;
    if (!bound) {
        st = err_fmt(&err, FY_ENOMEM, "out of memory");
        goto report;
    }
    err_set_file(&err, "");
    st = tensor_io_bind(ip, specs, n_specs, sets, bound, &err);
    if (st) goto report;
    for (int s = 0; s < n_shapes; s++) {
        int idx = -1;
        for (int i = 0; i < n_in; i++)
            if (!strcmp(interp_input(ip, i)->name, shapes[s].name)) idx = i;
        if (idx < 0) {
            st = err_fmt(&err, FY_EINVALID,
                         "--shape names '%s', which is not an input of the model", shapes[s].name);
            goto report;
        }
        const struct op_tensor *v = bound[idx];
        bool same = v->rank == shapes[s].rank;
        for (int d = 0; same && d < v->rank; d++)
            same = v->dims[d] == shapes[s].dims[d];
        if (!same) {
            char got[256], want[256] = "";
            tensor_io_describe(v, got, sizeof got);
            size_t k = 0;
            for (int d = 0; d < shapes[s].rank && k < sizeof want; d++)
                k += (size_t)snprintf(want + k, sizeof want - k, "%s%lld", d ? "," : "",
                                      (long long)shapes[s].dims[d]);
            st = err_fmt(&err, FY_EINVALID,
                         "input '%s' is %s, but --shape says [%s]; the input and --shape "
                         "must agree",
                         shapes[s].name, got, want);
            goto report;
        }
    }
    /* output file names: computed and checked for clashes before running */
    int n_out = interp_output_count(ip);
    char(*files)[4096] = calloc((size_t)n_out + 1, sizeof *files);
    if (!files) {
        st = err_fmt(&err, FY_ENOMEM, "out of memory");
        goto report;
    }
    for (int i = 0; i < n_out && !st; i++) {
        char base[1024];
        tensor_io_file_name(interp_output(ip, i)->name, base, sizeof base);
        snprintf(files[i], sizeof files[i], "%s/%s.npy", out_dir, base);
        for (int k = 0; k < n_protect && !st; k++)
            if (file_same(files[i], protect[k]))
                st = err_fmt(&err, FY_EUSAGE,
                             "refusing to write output '%s' to %s: that is the input '%s'",
                             interp_output(ip, i)->name, files[i], protect[k]);
        for (int k = 0; k < i && !st; k++)
            if (!strcmp(files[k], files[i]))
                st = err_fmt(&err, FY_EUNSUPPORTED,
                             "outputs '%s' and '%s' would both be written to %s",
                             interp_output(ip, k)->name, interp_output(ip, i)->name, files[i]);
    }
    if (st) {
        free(files);
        goto report;
    }
    if (mkdir_p(out_dir) != 0) {
        free(files);
        fprintf(stderr, "ferry run: cannot create the output folder '%s': %s\n", out_dir,
                strerror(errno));
        rc = EXIT_BAD_INPUT;
        goto done;
    }
    struct op_tensor **outs = calloc((size_t)n_out + 1, sizeof *outs);
    if (!outs) {
        free(files);
        st = err_fmt(&err, FY_ENOMEM, "out of memory");
        goto report;
    }
    err_set_file(&err, model_path);
    /* --repeat: the same inputs N times; the median wall time is reported
     * (bench/ compares it with ONNX Runtime's median) */
    double *walls = calloc((size_t)repeat, sizeof *walls);
    if (!walls) {
        free(outs);
        free(files);
        st = err_fmt(&err, FY_ENOMEM, "out of memory");
        goto report;
    }
    for (int r = 0; r < repeat && !st; r++) {
        double t0 = now_seconds();
        st = interp_run(ip, bound, n_in, outs, n_out, &err);
        walls[r] = now_seconds() - t0;
    }
    qsort(walls, (size_t)repeat, sizeof *walls, cmp_double);
    double wall = walls[repeat / 2];
    free(walls);
    for (int i = 0; i < n_out && !st; i++) {
        const char *name = interp_output(ip, i)->name;
        struct op_tensor tmp = {0};
        const struct op_tensor *w;
        err_set_file(&err, files[i]);
        st = to_disk(outs[i], name, dequantize, &tmp, &w, &err);
        if (!st) st = npy_write_file(files[i], w, protect, n_protect, &err);
        if (!st) {
            char d[256];
            tensor_io_describe(w, d, sizeof d);
            printf("wrote %s  %s\n", files[i], d);
        }
        op_tensor_release(&tmp);
    }
    free(outs);
    free(files);
    if (!st && stats) print_stats(interp_get_stats(ip), wall, repeat);
    if (!st && repeat > 1) printf("median run time over %d runs: %.3f ms\n", repeat, wall * 1e3);
report:
    if (st) rc = cli_report(&err);
done:
    for (int i = 0; i < n_specs; i++)
        tensor_set_free(&sets[i]);
    for (int i = 0; i < n_shapes; i++) free((char *)shapes[i].name);
    free(bound);
    interp_destroy(ip);
    ir_model_free(m);
    return rc;
}
