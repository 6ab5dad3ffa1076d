/* Runners: who computes a side's outputs. The built-in interpreter, or an
 * external command (any runtime: ONNX Runtime, TFLite, a board over ssh)
 * that reads {in}/<input name>.npy and writes {out}/<output name>.npy. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "formats/npy/npy.h"
#include "validate/internal.h"
#include "validate/tensor_io.h"

struct runner {
    const struct ir_model *m;
    struct interp *ip;        /* built-in */
    /* external */
    const char *cmd, *model_path;
    char dir[4096], in_dir[4096 + 8], out_dir[4096 + 8], log[4096 + 8];
    struct op_tensor *outs;   /* of the last run */
    int n_outs;
};

static fy_status nomem(struct fy_error *err) { return err_fmt(err, FY_ENOMEM, "out of memory"); }

struct interp *runner_interp(struct runner *r) { return r->ip; }

static void clear_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    char p[8300];
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            unlink(p);
        }
    closedir(d);
}

static void release_outputs(struct runner *r)
{
    if (!r->outs) return;
    for (int i = 0; i < r->n_outs; i++) op_tensor_release(&r->outs[i]);
    free(r->outs);
    r->outs = NULL;
}

fy_status runner_create(const struct ir_model *m, const char *model_path, const char *cmd,
                        const struct interp_options *opt, struct runner **out,
                        struct fy_error *err)
{
    struct runner *r = calloc(1, sizeof *r);
    if (!r) return nomem(err);
    r->m = m;
    if (!cmd) {
        fy_status st = interp_create(m, opt, &r->ip, err);
        if (st) {
            free(r);
            return st;
        }
        *out = r;
        return FY_OK;
    }
    r->cmd = cmd;
    r->model_path = model_path;
    const char *tmp = getenv("TMPDIR");
    snprintf(r->dir, sizeof r->dir, "%s/ferry-validate-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(r->dir)) {
        free(r);
        return err_fmt(err, FY_EIO, "cannot make a temporary folder for the runner: %s",
                       strerror(errno));
    }
    snprintf(r->in_dir, sizeof r->in_dir, "%s/in", r->dir);
    snprintf(r->out_dir, sizeof r->out_dir, "%s/out", r->dir);
    snprintf(r->log, sizeof r->log, "%s/stderr", r->dir);
    if (mkdir(r->in_dir, 0700) || mkdir(r->out_dir, 0700)) {
        fy_status st = err_fmt(err, FY_EIO, "cannot make %s: %s", r->in_dir, strerror(errno));
        runner_free(r);
        return st;
    }
    *out = r;
    return FY_OK;
}

/* CMD with {model}, {in} and {out} replaced by single-quoted paths. */
static char *expand_command(const struct runner *r)
{
    size_t cap = strlen(r->cmd) + 1;
    const char *vals[3] = {r->model_path, r->in_dir, r->out_dir};
    for (int i = 0; i < 3; i++) cap += 3 * (4 * strlen(vals[i]) + 2);
    char *s = malloc(cap + 16);
    if (!s) return NULL;
    size_t k = 0;
    for (const char *p = r->cmd; *p;) {
        const char *v = NULL;
        size_t skip = 0;
        if (!strncmp(p, "{model}", 7)) v = vals[0], skip = 7;
        else if (!strncmp(p, "{in}", 4)) v = vals[1], skip = 4;
        else if (!strncmp(p, "{out}", 5)) v = vals[2], skip = 5;
        if (!v) {
            s[k++] = *p++;
            continue;
        }
        s[k++] = '\'';
        for (const char *q = v; *q; q++) {
            if (*q == '\'') {
                memcpy(s + k, "'\\''", 4);
                k += 4;
            } else {
                s[k++] = *q;
            }
        }
        s[k++] = '\'';
        p += skip;
    }
    s[k] = 0;
    return s;
}

/* The last lines of the command's stderr, for the error message. */
static void log_tail(const char *path, char *buf, size_t cap)
{
    buf[0] = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    long start = n > (long)cap - 1 ? n - (long)cap + 1 : 0;
    fseek(f, start, SEEK_SET);
    size_t got = fread(buf, 1, cap - 1, f);
    buf[got] = 0;
    fclose(f);
    while (got && (buf[got - 1] == '\n' || buf[got - 1] == ' ')) buf[--got] = 0;
}

static const char *file_name_of(const struct ir_tensor *t)
{
    return t->origin ? t->origin : t->name;
}

static fy_status run_external(struct runner *r, const struct op_tensor *const *inputs,
                              int n_inputs, const struct op_tensor **outputs,
                              struct fy_error *err)
{
    const struct ir_graph *g = r->m->graph;
    clear_dir(r->in_dir);
    clear_dir(r->out_dir);
    int k = 0;
    for (int i = 0; i < g->n_inputs; i++) {
        const struct ir_tensor *t = g->inputs[i];
        if (t->kind == IR_TENSOR_CONST) continue;
        if (k >= n_inputs) break;
        char base[TENSOR_IO_NAME_MAX + 32], path[8500];
        tensor_io_file_name(file_name_of(t), base, sizeof base);
        snprintf(path, sizeof path, "%s/%s.npy", r->in_dir, base);
        fy_status st = npy_write_file(path, inputs[k++], NULL, 0, err);
        if (st) return st;
    }
    char *cmd = expand_command(r);
    if (!cmd) return nomem(err);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        free(cmd);
        return err_fmt(err, FY_EIO, "cannot start the runner: %s", strerror(errno));
    }
    if (pid == 0) {
        int fd = open(r->log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd >= 0) {
            dup2(fd, 2);
            dup2(fd, 1); /* the runner's chatter stays out of our stdout (--json) */
            close(fd);
        }
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    free(cmd);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return err_fmt(err, FY_EIO, "waiting for the runner: %s", strerror(errno));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char tail[600];
        log_tail(r->log, tail, sizeof tail);
        if (WIFEXITED(status))
            return err_fmt(err, FY_EINVALID, "runner '%s' exited with status %d%s%s", r->cmd,
                           WEXITSTATUS(status), tail[0] ? ": " : "", tail);
        return err_fmt(err, FY_EINVALID, "runner '%s' was killed by signal %d%s%s", r->cmd,
                       WTERMSIG(status), tail[0] ? ": " : "", tail);
    }
    r->outs = calloc((size_t)g->n_outputs + 1, sizeof *r->outs);
    if (!r->outs) return nomem(err);
    r->n_outs = g->n_outputs;
    for (int i = 0; i < g->n_outputs; i++) {
        const struct ir_tensor *t = g->outputs[i];
        char base[TENSOR_IO_NAME_MAX + 32], path[8500];
        tensor_io_file_name(file_name_of(t), base, sizeof base);
        snprintf(path, sizeof path, "%s/%s.npy", r->out_dir, base);
        if (access(path, F_OK) != 0)
            return err_fmt(err, FY_EINVALID,
                           "runner '%s' wrote no file for output '%s' (looked for {out}/%s.npy)",
                           r->cmd, file_name_of(t), base);
        struct fy_error e2 = {0};
        fy_status st = npy_read_file(path, &r->outs[i], &e2);
        if (st)
            return err_fmt(err, st, "runner '%s': output '%s': %s", r->cmd, file_name_of(t),
                           e2.message);
        /* raw integers from outside carry no quantization: the model's */
        if (!ir_dtype_table[r->outs[i].dtype].is_float) r->outs[i].quant = t->quant;
        outputs[i] = &r->outs[i];
    }
    return FY_OK;
}

fy_status runner_run(struct runner *r, const struct op_tensor *const *inputs, int n_inputs,
                     const struct op_tensor **outputs, struct fy_error *err)
{
    release_outputs(r);
    if (r->ip) {
        int n = interp_output_count(r->ip);
        struct op_tensor **outs = calloc((size_t)n + 1, sizeof *outs);
        if (!outs) return nomem(err);
        fy_status st = interp_run(r->ip, inputs, n_inputs, outs, n, err);
        for (int i = 0; !st && i < n; i++) outputs[i] = outs[i];
        free(outs);
        return st;
    }
    return run_external(r, inputs, n_inputs, outputs, err);
}

void runner_free(struct runner *r)
{
    if (!r) return;
    release_outputs(r);
    if (r->ip) interp_destroy(r->ip);
    if (r->cmd) {
        clear_dir(r->in_dir);
        clear_dir(r->out_dir);
        unlink(r->log);
        rmdir(r->in_dir);
        rmdir(r->out_dir);
        rmdir(r->dir);
    }
    free(r);
}
