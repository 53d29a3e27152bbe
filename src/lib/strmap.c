/* strmap.c — see strmap.h. */
#include "strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++) {
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    }
    return h;
}

static struct strmap_slot *find(const struct strmap *m, const char *key)
{
    size_t i = (size_t)hash(key) & (m->cap - 1);
    while (m->slot[i].key && strcmp(m->slot[i].key, key) != 0) {
        i = (i + 1) & (m->cap - 1);
    }
    return &m->slot[i];
}

int strmap_get(const struct strmap *m, const char *key, const char **value)
{
    if (!m->cap) {
        return 0;
    }
    const struct strmap_slot *s = find(m, key);
    if (!s->key) {
        return 0;
    }
    *value = s->value;
    return 1;
}

static void grow(struct strmap *m)
{
    struct strmap old = *m;
    m->cap = old.cap ? old.cap * 2 : 64;
    m->slot = xcalloc(m->cap, sizeof *m->slot);
    for (size_t i = 0; i < old.cap; i++) {
        if (old.slot[i].key) {
            *find(m, old.slot[i].key) = old.slot[i];
        }
    }
    free(old.slot);
}

void strmap_put(struct strmap *m, const char *key, const char *value)
{
    if ((m->n + 1) * 4 > m->cap * 3) {
        grow(m);
    }
    struct strmap_slot *s = find(m, key);
    if (s->key) {
        m->bytes -= s->value ? strlen(s->value) + 1 : 0;
        free(s->value);
    } else {
        s->key = xstrdup(key);
        m->bytes += strlen(key) + 1;
        m->n++;
    }
    s->value = xstrdup(value);
    m->bytes += value ? strlen(value) + 1 : 0;
}

void strmap_free(struct strmap *m)
{
    for (size_t i = 0; i < m->cap; i++) {
        free(m->slot[i].key);
        free(m->slot[i].value);
    }
    free(m->slot);
    memset(m, 0, sizeof *m);
}
