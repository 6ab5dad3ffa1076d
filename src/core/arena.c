#include "core/arena.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct arena_chunk {
    struct arena_chunk *next;
    size_t size;
    size_t used;
    _Alignas(max_align_t) unsigned char data[];
};

void arena_init(struct arena *a)
{
    a->head = NULL;
    a->chunk_size = 64 * 1024;
    a->total = 0;
}

void arena_release(struct arena *a)
{
    struct arena_chunk *c = a->head;
    while (c) {
        struct arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
    a->total = 0;
}

static struct arena_chunk *chunk_new(struct arena *a, size_t size)
{
    if (size > SIZE_MAX - sizeof(struct arena_chunk)) return NULL;
    struct arena_chunk *c = malloc(sizeof *c + size);
    if (!c) return NULL;
    c->size = size;
    c->used = 0;
    a->total += sizeof *c + size;
    return c;
}

void *arena_alloc(struct arena *a, size_t size, size_t align)
{
    if (align == 0) align = 1;
    if (size == 0) size = 1;
    struct arena_chunk *c = a->head;
    if (c) {
        size_t at = (c->used + align - 1) & ~(align - 1);
        if (at >= c->used && at <= c->size && size <= c->size - at) {
            c->used = at + size;
            return c->data + at;
        }
    }
    if (size > SIZE_MAX - align) return NULL;
    if (size + align > a->chunk_size / 4) {
        /* Big blocks (weights) get a chunk of their own, linked behind the
         * current one so the current chunk's free space stays usable. */
        struct arena_chunk *big = chunk_new(a, size + align);
        if (!big) return NULL;
        if (c) {
            big->next = c->next;
            c->next = big;
        } else {
            big->next = NULL;
            a->head = big;
        }
        size_t at = ((uintptr_t)big->data + align - 1) / align * align - (uintptr_t)big->data;
        big->used = big->size;
        return big->data + at;
    }
    struct arena_chunk *n = chunk_new(a, a->chunk_size);
    if (!n) return NULL;
    n->next = a->head;
    a->head = n;
    size_t at = ((uintptr_t)n->data + align - 1) / align * align - (uintptr_t)n->data;
    n->used = at + size;
    return n->data + at;
}

void *arena_zalloc(struct arena *a, size_t size, size_t align)
{
    void *p = arena_alloc(a, size, align);
    if (p) memset(p, 0, size ? size : 1);
    return p;
}

void *arena_array(struct arena *a, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) return NULL;
    return arena_zalloc(a, count * size, _Alignof(max_align_t));
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    if (n == SIZE_MAX) return NULL;
    char *p = arena_alloc(a, n + 1, 1);
    if (!p) return NULL;
    if (n) memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
    return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return NULL;
    char *p = arena_alloc(a, (size_t)n + 1, 1);
    if (!p) return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

int arena_append_vprintf(struct arena *a, const char ***items, int *n, int *cap, const char *fmt,
                         va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    int len = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    if (len < 0 || arena_grow(a, (void **)items, cap, *n + 1, sizeof **items)) return -1;
    char *s = arena_alloc(a, (size_t)len + 1, 1);
    if (!s) return -1;
    vsnprintf(s, (size_t)len + 1, fmt, ap);
    (*items)[(*n)++] = s;
    return 0;
}

int arena_grow(struct arena *a, void **items, int *cap, int need, size_t elem_size)
{
    if (need <= *cap) return 0;
    if (need < 0 || need > (1 << 29)) return -1;
    int ncap = *cap ? *cap : 8;
    while (ncap < need) ncap *= 2;
    void *n = arena_array(a, (size_t)ncap, elem_size);
    if (!n) return -1;
    if (*cap && *items) memcpy(n, *items, (size_t)*cap * elem_size);
    *items = n;
    *cap = ncap;
    return 0;
}
