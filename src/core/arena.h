/* Arena: all memory of one model. Allocations are never freed one by one;
 * the arena is released whole with the model. */
#ifndef FERRY_CORE_ARENA_H
#define FERRY_CORE_ARENA_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct arena_chunk;

struct arena {
    struct arena_chunk *head;
    size_t chunk_size; /* size of ordinary chunks; big requests get their own */
    size_t total;      /* bytes obtained from malloc, for --stats and bench */
};

void arena_init(struct arena *a);
void arena_release(struct arena *a);
/* Returns NULL when memory is exhausted or size overflows; never aborts. */
void *arena_alloc(struct arena *a, size_t size, size_t align);
void *arena_zalloc(struct arena *a, size_t size, size_t align);
/* count * size with an overflow check; zeroed. */
void *arena_array(struct arena *a, size_t count, size_t size);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Grows an arena-owned array to hold at least need elements. The old block is
 * left in the arena (freed with it). Returns 0 on success, -1 on NOMEM. */
/* Appends a formatted string to a growing array of strings (items, n and
 * cap as arena_grow keeps them): report notes. 0, or -1 out of memory. */
int arena_append_vprintf(struct arena *a, const char ***items, int *n, int *cap, const char *fmt,
                         va_list ap);
int arena_grow(struct arena *a, void **items, int *cap, int need, size_t elem_size);

#define ARENA_NEW(a, type) ((type *)arena_zalloc((a), sizeof(type), _Alignof(type)))
#define ARENA_ARRAY(a, n, type) ((type *)arena_array((a), (size_t)(n), sizeof(type)))

#endif
