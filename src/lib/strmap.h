/* strmap.h — a small map from strings to strings (or to "known absent"),
 * open addressing with linear probing; keys and values are copied. For
 * memoizing lookups within one request. No domain words here. */
#ifndef ISMS_STRMAP_H
#define ISMS_STRMAP_H

#include <stddef.h>

struct strmap {
    struct strmap_slot {
        char *key;
        char *value; /* NULL: the key is known to have no value */
    } *slot;
    size_t n, cap;
    size_t bytes; /* of the keys and values held */
};

/* 1 with *value set (possibly NULL) when key is in the map, else 0. */
int strmap_get(const struct strmap *m, const char *key, const char **value);
/* Adds or replaces key (value may be NULL). */
void strmap_put(struct strmap *m, const char *key, const char *value);
void strmap_free(struct strmap *m);

#endif
