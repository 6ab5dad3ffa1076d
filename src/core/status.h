/* Status codes and the one error record of a failed call.
 *
 * A function that fails writes the error once, where the fact is known, and
 * returns its status; callers pass the status up without rewriting the text.
 * The first error written wins, so a later, vaguer error cannot hide it. */
#ifndef FERRY_CORE_STATUS_H
#define FERRY_CORE_STATUS_H

#include <stdarg.h>
#include <stdint.h>

#include "ferry.h"

/* File, node and op are the coordinates the user needs to find the fault;
 * offset is a byte offset into the file, or -1 when the fault has none. */
struct fy_error {
    fy_status status;
    int64_t offset;
    char file[256];
    char node[160];
    char op[64];
    char message[768];
};

/* Clears the error but keeps the file name set by err_set_file, so one
 * record can serve several calls on one file. Start from `= {0}`. */
void err_clear(struct fy_error *e);
/* Sets the file name that later errors are reported against. */
void err_set_file(struct fy_error *e, const char *path);
/* Records an error (unless one is recorded already) and returns st. */
fy_status err_fmt(struct fy_error *e, fy_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
fy_status err_at(struct fy_error *e, fy_status st, int64_t offset, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
fy_status err_node(struct fy_error *e, fy_status st, const char *node, const char *op,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
fy_status err_vfmt(struct fy_error *e, fy_status st, int64_t offset, const char *node,
                   const char *op, const char *fmt, va_list ap);

#endif
