/* Input files for run (and validate): read, then bind to model inputs. */
#include "validate/tensor_io.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/file.h"
#include "formats/npy/npy.h"
#include "formats/onnx/onnx.h"

void tensor_set_free(struct tensor_set *s)
{
    if (!s) return;
    for (int i = 0; i < s->count; i++) {
        free(s->items[i].name);
        op_tensor_release(&s->items[i].t);
    }
    free(s->items);
    ir_model_free(s->holder);
    memset(s, 0, sizeof *s);
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (d) memcpy(d, s, n + 1);
    return d;
}

fy_status tensor_io_from_ir(const struct ir_tensor *src, struct op_tensor *dst,
                            struct fy_error *err)
{
    memset(dst, 0, sizeof *dst);
    if (src->rank < 0 || !ir_tensor_is_static(src))
        return err_fmt(err, FY_EINVALID, "tensor '%s' has no static shape", src->name);
    if (src->rank > OP_MAX_RANK)
        return err_fmt(err, FY_EUNSUPPORTED, "tensor '%s' has rank %d; at most %d is supported",
                       src->name, src->rank, OP_MAX_RANK);
    if (src->dtype == IR_UNDEFINED)
        return err_fmt(err, FY_EUNSUPPORTED, "tensor '%s' has a type ferry cannot hold", src->name);
    int64_t dims[OP_MAX_RANK];
    for (int d = 0; d < src->rank; d++)
        dims[d] = src->dims[d].value;
    fy_status st = op_tensor_alloc(dst, src->dtype, src->rank, dims, err);
    if (st) return st;
    dst->quant = src->quant;
    if (src->dtype == IR_STRING) {
        if (src->n_strings != dst->numel) {
            op_tensor_release(dst);
            return err_fmt(err, FY_EFORMAT, "tensor '%s' has %llu strings for %llu elements",
                           src->name, (unsigned long long)src->n_strings,
                           (unsigned long long)dst->numel);
        }
        for (uint64_t i = 0; i < dst->numel; i++)
            dst->strings[i] = src->strings[i];
        return FY_OK;
    }
    if (src->nbytes != dst->nbytes || (dst->nbytes && !src->data)) {
        op_tensor_release(dst);
        return err_fmt(err, FY_EFORMAT, "tensor '%s' holds %llu bytes; its shape needs %llu",
                       src->name, (unsigned long long)src->nbytes, (unsigned long long)dst->nbytes);
    }
    if (dst->nbytes) memcpy(dst->data, src->data, (size_t)dst->nbytes);
    return FY_OK;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcmp(s + n - k, suffix);
}

static fy_status read_pb(const char *path, struct tensor_set *out, struct fy_error *err)
{
    struct ir_model *m = ir_model_new(err);
    if (!m) return FY_ENOMEM;
    out->holder = m;
    struct file_map map;
    fy_status st = file_map_read(path, &map, err);
    if (st) return st;
    const uint8_t *data = map.data;
    size_t size = map.size;
    st = ir_model_adopt_map(m, &map, err); /* the tensor borrows from the mapping */
    if (st) return st;
    struct ir_tensor *t = NULL;
    st = onnx_read_tensor(m, data, size, &t, err);
    if (st) return st;
    out->items = calloc(1, sizeof *out->items);
    if (!out->items) return err_fmt(err, FY_ENOMEM, "out of memory");
    st = tensor_io_from_ir(t, &out->items[0].t, err);
    if (st) return st;
    out->count = 1;
    if (t->name && t->name[0]) {
        out->items[0].name = dup_str(t->name);
        if (!out->items[0].name) return err_fmt(err, FY_ENOMEM, "out of memory");
    }
    return FY_OK;
}

fy_status tensor_io_read_file(const char *path, struct tensor_set *out, struct fy_error *err)
{
    memset(out, 0, sizeof *out);
    err_set_file(err, path);
    /* sniff the first bytes */
    uint8_t head[8] = {0};
    size_t got = 0;
    FILE *f = fopen(path, "rb");
    if (f) {
        got = fread(head, 1, sizeof head, f);
        fclose(f);
    }
    fy_status st;
    if (npy_is_npy(head, got)) {
        out->items = calloc(1, sizeof *out->items);
        if (!out->items) return err_fmt(err, FY_ENOMEM, "out of memory");
        out->kind = TENSOR_FILE_NPY;
        st = npy_read_file(path, &out->items[0].t, err);
        if (!st) out->count = 1;
    } else if (npy_is_zip(head, got)) {
        out->kind = TENSOR_FILE_NPZ;
        struct npz z;
        st = npz_read_file(path, &z, err);
        if (!st) {
            out->items = calloc(z.count ? (size_t)z.count : 1, sizeof *out->items);
            if (!out->items) {
                npz_free(&z);
                return err_fmt(err, FY_ENOMEM, "out of memory");
            }
            for (int i = 0; i < z.count; i++) {
                out->items[i].name = z.entries[i].name;
                out->items[i].t = z.entries[i].t;
            }
            out->count = z.count;
            free(z.entries);
        }
    } else if (ends_with(path, ".pb")) {
        out->kind = TENSOR_FILE_PB;
        st = read_pb(path, out, err);
    } else if (!f) {
        struct file_map m;
        st = file_map_read(path, &m, err); /* for its message */
        if (!st) file_map_release(&m);
        if (!st) st = err_fmt(err, FY_EIO, "cannot read");
    } else if (ends_with(path, ".npy") || ends_with(path, ".npz")) {
        st = err_fmt(err, FY_EFORMAT, "not a %s file (%s)",
                     ends_with(path, ".npy") ? ".npy" : ".npz",
                     got < 6 ? "too short" : "no NumPy or ZIP signature at the start");
    } else {
        st = err_fmt(err, FY_EUNSUPPORTED,
                     "cannot tell what this file holds: expected a .npy or .npz (by content) "
                     "or a TensorProto .pb (by extension)");
    }
    if (st) tensor_set_free(out);
    return st;
}

void tensor_io_parse_spec(const char *arg, struct input_spec *spec)
{
    spec->name = NULL;
    spec->path = arg;
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg) return;
    struct stat sb;
    if (stat(arg, &sb) == 0) return; /* the whole argument is a file */
    static char names[64][512];      /* CLI lifetime; more specs than this keep their '=' */
    static int used;
    size_t n = (size_t)(eq - arg);
    if (used >= 64 || n >= sizeof names[0]) return;
    memcpy(names[used], arg, n);
    names[used][n] = 0;
    spec->name = names[used++];
    spec->path = eq + 1;
}

/* ---- describing ---- */

void tensor_io_describe_decl(const struct ir_tensor *t, char *buf, size_t cap)
{
    size_t k = (size_t)snprintf(buf, cap, "%s ",
                                t->dtype == IR_UNDEFINED ? "any type" : ir_dtype_name(t->dtype));
    if (k >= cap) return;
    if (t->rank < 0) {
        snprintf(buf + k, cap - k, "(any shape)");
        return;
    }
    k += (size_t)snprintf(buf + k, cap - k, "[");
    for (int d = 0; d < t->rank && k < cap; d++) {
        if (t->dims[d].value >= 0)
            k += (size_t)snprintf(buf + k, cap - k, "%s%lld", d ? "," : "",
                                  (long long)t->dims[d].value);
        else
            k += (size_t)snprintf(buf + k, cap - k, "%s%s", d ? "," : "",
                                  t->dims[d].param ? t->dims[d].param : "?");
    }
    if (k < cap) snprintf(buf + k, cap - k, "]");
}

void tensor_io_describe(const struct op_tensor *t, char *buf, size_t cap)
{
    size_t k = (size_t)snprintf(buf, cap, "%s [", ir_dtype_name(t->dtype));
    for (int d = 0; d < t->rank && k < cap; d++)
        k += (size_t)snprintf(buf + k, cap - k, "%s%lld", d ? "," : "", (long long)t->dims[d]);
    if (k < cap) snprintf(buf + k, cap - k, "]");
}

void tensor_io_file_name(const char *name, char *buf, size_t cap)
{
    if (!cap) return;
    size_t k = 0;
    if (!name[0] && cap > 1) buf[k++] = '_';
    for (const char *p = name; *p && k + 1 < cap; p++) {
        char c = *p;
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '-';
        buf[k++] = ok ? c : '_';
    }
    buf[k] = 0;
    /* A file name has at most 255 bytes, and ".npy" plus the temporary
     * suffix must fit: a longer name keeps its first 183 bytes and gets '-'
     * and 16 hex digits of the whole name's FNV-1a hash, so it stays unique
     * and anyone can compute it (tests/models do). */
    if (k > TENSOR_IO_NAME_MAX && cap > TENSOR_IO_NAME_MAX) {
        uint64_t h = 1469598103934665603ull;
        for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
            h ^= *p;
            h *= 1099511628211ull;
        }
        snprintf(buf + 183, cap - 183, "-%016llx", (unsigned long long)h);
    }
}

/* ---- binding ---- */

static int find_input(const struct interp *ip, const char *name)
{
    for (int i = 0; i < interp_input_count(ip); i++) {
        const struct ir_tensor *t = interp_input(ip, i);
        if (!strcmp(t->name, name) || (t->origin && !strcmp(t->origin, name))) return i;
    }
    return -1;
}

static void list_inputs(const struct interp *ip, char *buf, size_t cap)
{
    size_t k = 0;
    buf[0] = 0;
    int n = interp_input_count(ip);
    if (n == 0) {
        snprintf(buf, cap, "the model has no inputs");
        return;
    }
    k += (size_t)snprintf(buf, cap, "the model's input%s: ", n == 1 ? " is" : "s are");
    for (int i = 0; i < n && k < cap; i++) {
        char d[256];
        tensor_io_describe_decl(interp_input(ip, i), d, sizeof d);
        k += (size_t)snprintf(buf + k, cap - k, "%s'%s' %s", i ? ", " : "",
                              interp_input(ip, i)->name, d);
    }
}

static fy_status bind_one(const struct interp *ip, const struct op_tensor **bound,
                          const char **bound_from, int idx, const struct op_tensor *t,
                          const char *path, struct fy_error *err)
{
    if (bound[idx])
        return err_fmt(err, FY_EUSAGE, "input '%s' is given twice ('%s' and '%s')",
                       interp_input(ip, idx)->name, bound_from[idx], path);
    bound[idx] = t;
    bound_from[idx] = path;
    return FY_OK;
}

/* numpy.savez(f, a, b) names positional arrays arr_0, arr_1, ... */
static bool numpy_positional_key(const char *key)
{
    if (strncmp(key, "arr_", 4) != 0 || !key[4]) return false;
    for (const char *p = key + 4; *p; p++)
        if (*p < '0' || *p > '9') return false;
    return true;
}

static fy_status unknown_input(const struct interp *ip, const char *name, const char *path,
                               struct fy_error *err)
{
    char list[1024];
    list_inputs(ip, list, sizeof list);
    return err_fmt(err, FY_EINVALID, "'%s' (from %s) is not an input of the model; %s", name, path,
                   list);
}

fy_status tensor_io_bind(const struct interp *ip, const struct input_spec *specs, int n_specs,
                         struct tensor_set *sets, const struct op_tensor **bound,
                         struct fy_error *err)
{
    int n_in = interp_input_count(ip);
    const char **from = calloc((size_t)n_in + 1, sizeof *from);
    /* positional tensors, in argument order */
    const struct op_tensor **pos = calloc((size_t)n_specs + 1, sizeof *pos);
    const char **pos_from = calloc((size_t)n_specs + 1, sizeof *pos_from);
    if (!from || !pos || !pos_from) {
        free(from);
        free(pos);
        free(pos_from);
        return err_fmt(err, FY_ENOMEM, "out of memory");
    }
    int n_pos = 0;
    for (int i = 0; i < n_in; i++)
        bound[i] = NULL;
    fy_status st = FY_OK;
    for (int s = 0; s < n_specs && !st; s++) {
        st = tensor_io_read_file(specs[s].path, &sets[s], err);
        if (st) break;
        err_set_file(err, "");
        struct tensor_set *ts = &sets[s];
        const char *path = specs[s].path;
        if (ts->count == 0) {
            st = err_fmt(err, FY_EINVALID, "%s holds no arrays", path);
            break;
        }
        if (specs[s].name) {
            int idx = find_input(ip, specs[s].name);
            if (idx < 0) {
                st = unknown_input(ip, specs[s].name, path, err);
                break;
            }
            int pick = 0;
            if (ts->count > 1) {
                pick = -1;
                for (int k = 0; k < ts->count; k++)
                    if (ts->items[k].name && !strcmp(ts->items[k].name, specs[s].name)) pick = k;
                if (pick < 0) {
                    st = err_fmt(err, FY_EINVALID,
                                 "%s holds %d arrays and none is named '%s'; give it without "
                                 "NAME= to bind every key to the input it names",
                                 path, ts->count, specs[s].name);
                    break;
                }
            }
            st = bind_one(ip, bound, from, idx, &ts->items[pick].t, path, err);
            continue;
        }
        for (int k = 0; k < ts->count && !st; k++) {
            const char *key = ts->items[k].name;
            int idx = key ? find_input(ip, key) : -1;
            if (idx >= 0) {
                st = bind_one(ip, bound, from, idx, &ts->items[k].t, path, err);
            } else if (ts->kind == TENSOR_FILE_NPZ && !numpy_positional_key(key)) {
                st = unknown_input(ip, key, path, err);
            } else if (ts->kind == TENSOR_FILE_NPY && n_in != 1) {
                char list[1024];
                list_inputs(ip, list, sizeof list);
                st = err_fmt(err, FY_EUSAGE,
                             "%s: the model has %d inputs; say which one this is with -i "
                             "NAME=%s; %s",
                             path, n_in, path, list);
            } else {
                pos[n_pos] = &ts->items[k].t; /* .npy, or a .pb without a usable name */
                pos_from[n_pos++] = path;
            }
        }
    }
    /* what has no name fills the free inputs in model order */
    for (int k = 0, i = 0; !st && k < n_pos; k++) {
        while (i < n_in && bound[i])
            i++;
        if (i >= n_in) {
            char list[1024];
            list_inputs(ip, list, sizeof list);
            st = err_fmt(err, FY_EINVALID,
                         "%s: no input is left for it (name it with -i NAME=%s); %s", pos_from[k],
                         pos_from[k], list);
            break;
        }
        bound[i] = pos[k];
        from[i] = pos_from[k];
    }
    for (int i = 0; !st && i < n_in; i++) {
        if (bound[i]) continue;
        char d[256];
        tensor_io_describe_decl(interp_input(ip, i), d, sizeof d);
        st = err_fmt(err, FY_EINVALID,
                     "input '%s' is missing: the model expects %s; give -i %s=FILE",
                     interp_input(ip, i)->name, d, interp_input(ip, i)->name);
    }
    free(from);
    free(pos);
    free(pos_from);
    return st;
}
