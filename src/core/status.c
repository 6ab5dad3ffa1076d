#include "core/status.h"

#include <stdio.h>
#include <string.h>

static void copy_str(char *dst, size_t cap, const char *src)
{
    if (!src) src = "";
    size_t n = strlen(src);
    if (n >= cap) n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = 0;
}

void err_clear(struct fy_error *e)
{
    if (!e) return;
    char file[sizeof e->file];
    memcpy(file, e->file, sizeof file);
    memset(e, 0, sizeof *e);
    memcpy(e->file, file, sizeof file);
    e->offset = -1;
}

void err_set_file(struct fy_error *e, const char *path)
{
    if (e) copy_str(e->file, sizeof e->file, path);
}

fy_status err_vfmt(struct fy_error *e, fy_status st, int64_t offset, const char *node,
                   const char *op, const char *fmt, va_list ap)
{
    if (!e || e->status != FY_OK) return st;
    e->status = st;
    e->offset = offset;
    copy_str(e->node, sizeof e->node, node);
    copy_str(e->op, sizeof e->op, op);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    return st;
}

fy_status err_fmt(struct fy_error *e, fy_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vfmt(e, st, -1, NULL, NULL, fmt, ap);
    va_end(ap);
    return st;
}

fy_status err_at(struct fy_error *e, fy_status st, int64_t offset, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vfmt(e, st, offset, NULL, NULL, fmt, ap);
    va_end(ap);
    return st;
}

fy_status err_node(struct fy_error *e, fy_status st, const char *node, const char *op,
                   const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vfmt(e, st, -1, node, op, fmt, ap);
    va_end(ap);
    return st;
}

static const char *const status_names[] = {
    [FY_OK] = "ok",
    [FY_EIO] = "I/O error",
    [FY_EFORMAT] = "malformed file",
    [FY_EINVALID] = "invalid model",
    [FY_EUNSUPPORTED] = "unsupported",
    [FY_ENOMEM] = "out of memory",
    [FY_EUSAGE] = "usage error",
    [FY_EINTERNAL] = "internal error",
};
_Static_assert(sizeof status_names / sizeof status_names[0] == FY_STATUS_COUNT,
               "one name per status");

const char *fy_status_name(fy_status st)
{
    if ((unsigned)st >= FY_STATUS_COUNT) return "unknown status";
    return status_names[st];
}

size_t fy_error_format(const fy_error *e, char *buf, size_t cap)
{
    if (!cap) return 0;
    buf[0] = 0;
    if (!e || e->status == FY_OK) return 0;
    char where[sizeof e->node + sizeof e->op + 16] = "";
    if (e->node[0] || e->op[0])
        snprintf(where, sizeof where, "node '%s'%s%s%s: ", e->node, e->op[0] ? " (" : "", e->op,
                 e->op[0] ? ")" : "");
    char at[40] = "";
    if (e->offset >= 0) snprintf(at, sizeof at, " (at byte %lld)", (long long)e->offset);
    int w = snprintf(buf, cap, "%s%s%s%s", e->file[0] ? e->file : "", e->file[0] ? ": " : "",
                     where, e->message[0] ? e->message : fy_status_name(e->status));
    size_t n = w < 0 ? 0 : ((size_t)w >= cap ? cap - 1 : (size_t)w);
    w = snprintf(buf + n, cap - n, "%s", at);
    n = w < 0 ? n : ((size_t)w >= cap - n ? cap - 1 : n + (size_t)w);
    return n;
}
