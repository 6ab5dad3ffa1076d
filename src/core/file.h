/* Files: read-only mappings of inputs, and outputs written atomically
 * (a temporary file beside the target, renamed over it only when complete). */
#ifndef FERRY_CORE_FILE_H
#define FERRY_CORE_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/status.h"

struct file_map {
    const uint8_t *data;
    size_t size;
    void *base; /* what munmap takes; NULL for an empty file */
};

fy_status file_map_read(const char *path, struct file_map *m, struct fy_error *err);
void file_map_release(struct file_map *m);

/* An output in progress. */
struct atomic_file {
    FILE *f;
    char path[4096];
    char tmp[4096];
};

/* Opens a temporary file beside path. Refuses when path names the same file
 * as any of the inputs (never write over an input). */
fy_status atomic_file_open(struct atomic_file *af, const char *path, const char *const *inputs,
                           int n_inputs, struct fy_error *err);
/* Flushes, syncs and renames over the target; on failure the target is untouched. */
fy_status atomic_file_commit(struct atomic_file *af, struct fy_error *err);
/* Removes the temporary file. Safe to call after a commit or twice. */
void atomic_file_abort(struct atomic_file *af);
/* Whole buffer to path, atomically. */
fy_status file_write_atomic(const char *path, const void *data, size_t size,
                            const char *const *inputs, int n_inputs, struct fy_error *err);

/* True when a and b name the same existing file. */
bool file_same(const char *a, const char *b);

#endif
