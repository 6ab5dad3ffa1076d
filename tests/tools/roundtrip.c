/* roundtrip [--out DIR] [--stable] [--format same|onnx|tflite] MODEL...
 *
 * For each model, in one process: read it (format_read_model), write it in
 * the format --format names (by default the model's own: ONNX with
 * onnx_write_model and ONNX_EXTERNAL_AUTO, TFLite with tflite_write_model),
 * read the written file back and compare the two IRs with ir_model_equal.
 * One line per model:
 *
 *   ok PATH
 *   refused PATH: <message>   the reader refused the original as UNSUPPORTED
 *   FAIL PATH: <why>
 *
 * then "N refused" and "N passed, N failed". Refusals are neither passed nor
 * failed. Exit 0 when nothing failed, 1 on any FAIL, 2 on usage errors.
 *
 * --out DIR   keep the rewrite of the i-th MODEL (0-based, in argument order)
 *             as DIR/<i>.onnx or DIR/<i>.tflite; DIR is created if missing. Without it the
 *             rewrite goes to a private temporary folder that is removed.
 * --stable    also write the re-read model a second time and require the two
 *             written files to be byte-identical (write is a fixpoint). Meant
 *             for inline data: with external data the .onnx files name
 *             different .data files.
 * --external auto|never|always
 *             the writer's external-data policy (default auto); "always" tests
 *             the <file>.data path on every model.
 * --format same|onnx|tflite
 *             the format written (default same: the format each model was
 *             read from). Converting between formats is not a round trip
 *             ferry does yet, so the writer refuses what it cannot hold.
 *
 * Output is line-buffered, so a caller can tell which model a crash hit. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/file.h"
#include "core/status.h"
#include "formats/format.h"
#include "formats/onnx/onnx.h"
#include "formats/tflite/tflite.h"
#include "ir/ir.h"

static const char usage[] =
    "usage: roundtrip [--out DIR] [--stable] [--external auto|never|always]\n"
    "                 [--format same|onnx|tflite] MODEL...\n"
    "Reads each MODEL, writes it (by default in its own format), reads that back\n"
    "and compares the IRs.\n"
    "Prints 'ok PATH', 'refused PATH: msg' or 'FAIL PATH: why' per model, then\n"
    "'N refused' and 'N passed, N failed'. Exit 1 if any model failed.\n"
    "  --out DIR   keep the i-th rewrite as DIR/<i>.onnx or .tflite (i from 0)\n"
    "  --stable    also require write(read(rewrite)) == rewrite, byte for byte\n"
    "  --external auto|never|always   external-data policy of the ONNX writer (default auto)\n"
    "  --format same|onnx|tflite      format written (default same as each model)\n";

/* The error text without a leading "<path>: " when the error is about path
 * itself (the line already names it). */
static void error_text(const struct fy_error *err, const char *path, char *buf, size_t cap)
{
    struct fy_error e = *err;
    if (path && !strcmp(e.file, path)) e.file[0] = 0;
    fy_error_format(&e, buf, cap);
    if (!buf[0]) snprintf(buf, cap, "%s (no message)", fy_status_name(err->status));
}

static void remove_output(const char *path)
{
    char data[4400];
    unlink(path);
    snprintf(data, sizeof data, "%s.data", path);
    unlink(data);
}

/* 0: same bytes; otherwise writes why. */
static int same_bytes(const char *a, const char *b, char *why, size_t cap)
{
    struct fy_error err = {0};
    err_clear(&err);
    struct file_map ma = {0}, mb = {0};
    if (file_map_read(a, &ma, &err) || file_map_read(b, &mb, &err)) {
        char msg[1024];
        error_text(&err, NULL, msg, sizeof msg);
        snprintf(why, cap, "cannot map the rewrites: %s", msg);
        file_map_release(&ma);
        file_map_release(&mb);
        return -1;
    }
    int rc = 0;
    if (ma.size != mb.size) {
        snprintf(why, cap, "second rewrite has %zu bytes, first %zu", mb.size, ma.size);
        rc = 1;
    } else {
        for (size_t i = 0; i < ma.size; i++)
            if (ma.data[i] != mb.data[i]) {
                snprintf(why, cap, "second rewrite differs from the first at byte %zu", i);
                rc = 1;
                break;
            }
    }
    file_map_release(&ma);
    file_map_release(&mb);
    return rc;
}

enum outcome { PASSED, REFUSED, FAILED };

static enum onnx_external_policy policy = ONNX_EXTERNAL_AUTO;
/* IR_FORMAT_NONE: each model's own format. */
static enum ir_format out_format = IR_FORMAT_NONE;

static fy_status write_as(const struct ir_model *m, enum ir_format f, const char *path,
                          const char *const *inputs, struct fy_error *err)
{
    if (f == IR_FORMAT_TFLITE) return tflite_write_model(m, path, inputs, 1, err);
    return onnx_write_model(m, path, policy, inputs, 1, err);
}

/* Where the i-th rewrite goes: its extension names the format written. */
static void output_path(char *buf, size_t cap, const char *dir, const char *stem,
                        enum ir_format f)
{
    snprintf(buf, cap, "%s/%s%s", dir, stem, f == IR_FORMAT_TFLITE ? ".tflite" : ".onnx");
}

static enum outcome round_trip(const char *path, const char *dir, const char *stem, bool stable,
                               bool keep, char *why, size_t cap)
{
    char out[4200] = "", out2[4200] = "";
    struct fy_error err = {0};
    char msg[1536];
    struct ir_model *a = NULL, *b = NULL;
    enum outcome res = FAILED;

    err_clear(&err);
    fy_status st = format_read_model(path, &a, &err);
    if (st) {
        error_text(&err, path, msg, sizeof msg);
        if (st == FY_EUNSUPPORTED) {
            snprintf(why, cap, "%s", msg);
            return REFUSED;
        }
        snprintf(why, cap, "read (%s): %s", fy_status_name(st), msg);
        return FAILED;
    }
    if (!a) {
        snprintf(why, cap, "read returned OK but no model");
        return FAILED;
    }

    enum ir_format f = out_format != IR_FORMAT_NONE ? out_format : a->format;
    output_path(out, sizeof out, dir, stem, f);
    output_path(out2, sizeof out2, dir, "stable-check", f);
    remove_output(out); /* a stale rewrite must not pass for a new one */
    err_clear(&err);
    err_set_file(&err, out);
    const char *inputs[1] = {path};
    st = write_as(a, f, out, inputs, &err);
    if (st) {
        error_text(&err, NULL, msg, sizeof msg);
        snprintf(why, cap, "write (%s): %s", fy_status_name(st), msg);
        goto done;
    }

    err_clear(&err);
    err_set_file(&err, out);
    st = format_read_model(out, &b, &err);
    if (st || !b) {
        error_text(&err, NULL, msg, sizeof msg);
        snprintf(why, cap, "reading the rewrite back (%s): %s", fy_status_name(st), msg);
        goto done;
    }

    why[0] = 0;
    if (!ir_model_equal(a, b, why, cap)) {
        if (!why[0]) snprintf(why, cap, "ir_model_equal: models differ (no reason given)");
        goto done;
    }

    if (stable) {
        err_clear(&err);
        err_set_file(&err, out2);
        st = write_as(b, f, out2, inputs, &err);
        if (st) {
            error_text(&err, NULL, msg, sizeof msg);
            snprintf(why, cap, "second write (%s): %s", fy_status_name(st), msg);
            goto done;
        }
        int r = same_bytes(out, out2, why, cap);
        remove_output(out2);
        if (r) goto done;
    }
    res = PASSED;

done:
    if (!keep && out[0]) remove_output(out);
    ir_model_free(b);
    ir_model_free(a);
    return res;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    const char *out_dir = NULL;
    bool stable = false, dashdash = false;
    /* Models are collected in place: argv[1..n_models]. Options may come anywhere before "--". */
    int n_models = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (dashdash || a[0] != '-' || !a[1]) {
            argv[1 + n_models++] = argv[i];
        } else if (!strcmp(a, "--")) {
            dashdash = true;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(usage, stdout);
            return 0;
        } else if (!strcmp(a, "--out")) {
            if (i + 1 >= argc) {
                fputs("roundtrip: --out needs a folder\n", stderr);
                return 2;
            }
            out_dir = argv[++i];
        } else if (!strcmp(a, "--stable")) {
            stable = true;
        } else if (!strcmp(a, "--format")) {
            const char *v = i + 1 < argc ? argv[++i] : "";
            if (!strcmp(v, "same")) out_format = IR_FORMAT_NONE;
            else if (!strcmp(v, "onnx")) out_format = IR_FORMAT_ONNX;
            else if (!strcmp(v, "tflite")) out_format = IR_FORMAT_TFLITE;
            else {
                fputs("roundtrip: --format needs same, onnx or tflite\n", stderr);
                return 2;
            }
        } else if (!strcmp(a, "--external")) {
            const char *v = i + 1 < argc ? argv[++i] : "";
            if (!strcmp(v, "auto")) policy = ONNX_EXTERNAL_AUTO;
            else if (!strcmp(v, "never")) policy = ONNX_EXTERNAL_NEVER;
            else if (!strcmp(v, "always")) policy = ONNX_EXTERNAL_ALWAYS;
            else {
                fputs("roundtrip: --external needs auto, never or always\n", stderr);
                return 2;
            }
        } else {
            fprintf(stderr, "roundtrip: unknown option '%s'\n%s", a, usage);
            return 2;
        }
    }
    if (n_models == 0) {
        fputs(usage, stderr);
        return 2;
    }
    const int first = 1;
    argc = 1 + n_models;
    setvbuf(stdout, NULL, _IOLBF, 0);

    char tmp_dir[4096] = "";
    const char *dir = out_dir;
    if (out_dir) {
        if (mkdir(out_dir, 0777) != 0 && errno != EEXIST) {
            fprintf(stderr, "roundtrip: cannot create '%s': %s\n", out_dir, strerror(errno));
            return 2;
        }
    } else {
        const char *t = getenv("TMPDIR");
        snprintf(tmp_dir, sizeof tmp_dir, "%s/ferry-roundtrip-XXXXXX", t && *t ? t : "/tmp");
        if (!mkdtemp(tmp_dir)) {
            fprintf(stderr, "roundtrip: cannot create a temporary folder: %s\n", strerror(errno));
            return 2;
        }
        dir = tmp_dir;
    }
    int passed = 0, failed = 0, refused = 0;
    double t0 = now_s(), slowest = 0;
    const char *slowest_path = NULL;
    for (int i = first; i < argc; i++) {
        const char *path = argv[i];
        char stem[32];
        if (out_dir)
            snprintf(stem, sizeof stem, "%d", i - first);
        else
            snprintf(stem, sizeof stem, "model");
        char why[2048] = "";
        double t1 = now_s();
        enum outcome r = round_trip(path, dir, stem, stable, out_dir != NULL, why, sizeof why);
        double dt = now_s() - t1;
        if (dt > slowest) slowest = dt, slowest_path = path;
        switch (r) {
        case PASSED:
            passed++;
            printf("ok %s\n", path);
            break;
        case REFUSED:
            refused++;
            printf("refused %s: %s\n", path, why);
            break;
        case FAILED:
            failed++;
            printf("FAIL %s: %s\n", path, why);
            break;
        }
    }
    if (!out_dir) rmdir(tmp_dir);

    printf("%d refused\n", refused);
    printf("%d passed, %d failed\n", passed, failed);
    fprintf(stderr, "roundtrip: %d models in %.2f s (slowest %.3f s: %s)\n", argc - first,
            now_s() - t0, slowest, slowest_path ? slowest_path : "-");
    return failed ? 1 : 0;
}
