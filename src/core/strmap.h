/* String → pointer map over an arena (open addressing). Keys are not copied:
 * they must live as long as the map (arena strings or the file mapping). */
#ifndef FERRY_CORE_STRMAP_H
#define FERRY_CORE_STRMAP_H

#include <stddef.h>

#include "core/arena.h"

struct strmap_slot {
    const char *key;
    size_t len;
    void *value;
};

struct strmap {
    struct arena *arena;
    struct strmap_slot *slots;
    size_t cap; /* power of two */
    size_t count;
};

void strmap_init(struct strmap *m, struct arena *a);
void *strmap_get(const struct strmap *m, const char *key, size_t len);
/* Inserts or replaces. Returns 0, or -1 on NOMEM. */
int strmap_put(struct strmap *m, const char *key, size_t len, void *value);

#endif
