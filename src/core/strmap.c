#include "core/strmap.h"

#include <stdint.h>
#include <string.h>

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

void strmap_init(struct strmap *m, struct arena *a)
{
    memset(m, 0, sizeof *m);
    m->arena = a;
}

void *strmap_get(const struct strmap *m, const char *key, size_t len)
{
    if (!m->cap) return NULL;
    size_t i = (size_t)hash_bytes(key, len) & (m->cap - 1);
    for (;;) {
        const struct strmap_slot *s = &m->slots[i];
        if (!s->key) return NULL;
        if (s->len == len && memcmp(s->key, key, len) == 0) return s->value;
        i = (i + 1) & (m->cap - 1);
    }
}

static void insert_slot(struct strmap_slot *slots, size_t cap, const char *key, size_t len,
                        void *value, size_t *count)
{
    size_t i = (size_t)hash_bytes(key, len) & (cap - 1);
    for (;;) {
        struct strmap_slot *s = &slots[i];
        if (!s->key) {
            s->key = key;
            s->len = len;
            s->value = value;
            (*count)++;
            return;
        }
        if (s->len == len && memcmp(s->key, key, len) == 0) {
            s->value = value;
            return;
        }
        i = (i + 1) & (cap - 1);
    }
}

int strmap_put(struct strmap *m, const char *key, size_t len, void *value)
{
    if ((m->count + 1) * 4 >= m->cap * 3) {
        size_t ncap = m->cap ? m->cap * 2 : 64;
        struct strmap_slot *ns = arena_array(m->arena, ncap, sizeof *ns);
        if (!ns) return -1;
        size_t count = 0;
        for (size_t i = 0; i < m->cap; i++)
            if (m->slots[i].key)
                insert_slot(ns, ncap, m->slots[i].key, m->slots[i].len, m->slots[i].value,
                            &count);
        m->slots = ns;
        m->cap = ncap;
        m->count = count;
    }
    insert_slot(m->slots, m->cap, key, len, value, &m->count);
    return 0;
}
