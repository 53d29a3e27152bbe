/* derived.c — results kept between requests (app.h: app_memo, app_derived).
 *
 * Two maps of the same entries — a key, the result (text, or a typed
 * struct with the function that frees it), its size and the tables it was
 * computed from (store.h, "What a result depends on"):
 *   memo     valid for one data version of the file: emptied whenever the
 *            file changes at all (titles, rendered rows);
 *   derived  valid up to a history entry: when the file moves on, the
 *            history written since says which tables changed, and exactly
 *            the entries computed from one of them are dropped (a risk
 *            edit leaves the awareness card, the supplier tasks and the
 *            readiness of clause 7 as they were). Updates that only touch
 *            inert fields (notes) drop nothing.
 * An entry found while another result is being computed adds its tables to
 * that computation, so what is built from kept results depends on what
 * they depended on. Both maps are per connection (struct app), used inside
 * read transactions only. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/util.h"
#include "app.h"

#define MEMO_MAX_BYTES (4u << 20)     /* per connection; emptied beyond */
#define DERIVED_MAX_BYTES (48u << 20) /* typed task lists of a large ISMS included */

struct dentry {
    char *key;
    void *obj;
    void (*drop)(void *);
    size_t bytes;
    struct tblset deps;
};

struct dmap {
    struct dentry *slot;
    size_t n, cap, bytes;
};

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++) {
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    }
    return h;
}

static struct dentry *find(const struct dmap *m, const char *key)
{
    size_t i = (size_t)hash(key) & (m->cap - 1);
    while (m->slot[i].key && strcmp(m->slot[i].key, key) != 0) {
        i = (i + 1) & (m->cap - 1);
    }
    return &m->slot[i];
}

static void entry_free(struct dentry *d)
{
    free(d->key);
    if (d->drop) {
        d->drop(d->obj);
    }
    memset(d, 0, sizeof *d);
}

static void dmap_free(struct dmap *m)
{
    for (size_t i = 0; i < m->cap; i++) {
        if (m->slot[i].key) {
            entry_free(&m->slot[i]);
        }
    }
    free(m->slot);
    memset(m, 0, sizeof *m);
}

/* Re-inserts every entry (after a resize or after entries were dropped,
 * which open addressing cannot leave as holes). */
static void rehash(struct dmap *m, size_t cap)
{
    struct dmap old = *m;
    m->cap = cap;
    m->slot = xcalloc(cap, sizeof *m->slot);
    for (size_t i = 0; i < old.cap; i++) {
        if (old.slot[i].key) {
            *find(m, old.slot[i].key) = old.slot[i];
        }
    }
    free(old.slot);
}

static void dmap_put(struct dmap *m, const char *key, void *obj, void (*drop)(void *), size_t bytes,
                     const struct tblset *deps)
{
    if ((m->n + 1) * 4 > m->cap * 3) {
        rehash(m, m->cap ? m->cap * 2 : 64);
    }
    struct dentry *d = find(m, key);
    if (d->key) {
        m->bytes -= d->bytes;
        entry_free(d);
        m->n--;
    }
    d->key = xstrdup(key);
    d->obj = obj;
    d->drop = drop;
    d->bytes = bytes + strlen(key) + 1;
    if (deps) {
        d->deps = *deps;
    } else {
        tblset_all(&d->deps);
    }
    m->bytes += d->bytes;
    m->n++;
}

/* Drops the entries computed from a table in changed. */
static void dmap_drop(struct dmap *m, const struct tblset *changed)
{
    size_t dropped = 0;
    for (size_t i = 0; i < m->cap; i++) {
        if (m->slot[i].key && tblset_meets(&m->slot[i].deps, changed)) {
            m->bytes -= m->slot[i].bytes;
            entry_free(&m->slot[i]);
            m->n--;
            dropped++;
        }
    }
    if (dropped) {
        rehash(m, m->cap);
    }
}

static struct dmap *memo_map(struct app *a)
{
    if (!a->memo) {
        a->memo = xcalloc(1, sizeof *a->memo);
    }
    return a->memo;
}

static struct dmap *derived_map(struct app *a)
{
    if (!a->derived) {
        a->derived = xcalloc(1, sizeof *a->derived);
    }
    return a->derived;
}

void app_derived_free(struct app *a)
{
    if (a->memo) {
        dmap_free(a->memo);
        free(a->memo);
        a->memo = NULL;
    }
    if (a->derived) {
        dmap_free(a->derived);
        free(a->derived);
        a->derived = NULL;
    }
}

void app_track_begin(struct app *a, struct tblset *saved)
{
    store_track_begin(a->st, saved);
}

void app_track_end(struct app *a, const struct tblset *saved, struct tblset *read)
{
    store_track_end(a->st, saved, read);
}

/* A found entry: its tables count for whatever is being computed now. */
static int found(struct app *a, const struct dentry *d, const void **obj)
{
    store_track_add(a->st, &d->deps);
    *obj = d->obj;
    return 1;
}

/* ---- the memo: one data version ---------------------------------------------------------------- */

/* The memo for the current data version, or NULL outside a read. */
static struct dmap *memo(struct app *a)
{
    long long dv = store_data_version(a->st);
    if (dv < 0) {
        return NULL;
    }
    struct dmap *m = memo_map(a);
    if (dv != a->memo_dv || m->bytes > MEMO_MAX_BYTES) {
        dmap_free(m);
        a->memo_dv = dv;
    }
    return m;
}

int app_memo_get(struct app *a, const char *key, const char **value)
{
    struct dmap *m = memo(a);
    if (!m || !m->cap) {
        return 0;
    }
    const struct dentry *d = find(m, key);
    return d->key && found(a, d, (const void **)value);
}

void app_memo_put(struct app *a, const char *key, const char *value, const struct tblset *deps)
{
    struct dmap *m = memo(a);
    if (m) {
        dmap_put(m, key, value ? xstrdup(value) : NULL, free, value ? strlen(value) + 1 : 0, deps);
    }
}

/* ---- derived: up to a history entry ------------------------------------------------------------ */

/* Could history entry h change text derived from the file? Only an update
 * whose changed fields are all inert cannot. */
static int entry_matters(void *ctx, const struct history_entry *h)
{
    int *matters = ctx;
    if (strcmp(h->action, "update") != 0 || !h->after) {
        *matters = 1;
        return 1;
    }
    json_t *after = json_loads(h->after, 0, NULL);
    const char *k;
    json_t *v;
    json_object_foreach(after, k, v) {
        if (strcmp(k, "id") != 0 && strcmp(k, FIELD_UPDATED) != 0 && strcmp(k, "notes") != 0) {
            *matters = 1;
        }
    }
    if (!json_is_object(after)) {
        *matters = 1;
    }
    json_decref(after);
    return *matters;
}

/* Brings the derived map up to the snapshot's last history entry: 0 when
 * usable, -1 outside a read transaction or on error (nothing kept then).
 * Its own reads are bookkeeping, not dependencies of what is computed. */
static int derived_sync(struct app *a)
{
    if (store_data_version(a->st) < 0) {
        return -1;
    }
    struct dmap *m = derived_map(a);
    struct tblset held;
    store_track_hold(a->st, &held);
    struct err e = {0};
    int rc = 0;
    long long last = store_history_last_seq(a->st, &e);
    if (last < 0) {
        rc = -1;
    } else if (last != a->derived_seq || m->bytes > DERIVED_MAX_BYTES) {
        int all = last < a->derived_seq || m->bytes > DERIVED_MAX_BYTES;
        int matters = all;
        if (!all && m->n &&
            store_history_since(a->st, principal_sys(), a->derived_seq, entry_matters, &matters,
                                &e)) {
            all = 1;
        }
        struct tblset changed;
        if (!all && matters &&
            store_changed_tables(a->st, a->derived_seq, last, &changed, &e) != 1) {
            all = 1; /* some writer did not say what it changed */
        }
        if (all) {
            dmap_free(m);
        } else if (matters) {
            dmap_drop(m, &changed);
        }
        a->derived_seq = last;
    }
    store_track_release(a->st, &held);
    return rc;
}

int app_derived_obj(struct app *a, const char *key, const void **obj)
{
    if (derived_sync(a) != 0 || !a->derived->cap) {
        return 0;
    }
    const struct dentry *d = find(a->derived, key);
    return d->key && found(a, d, obj);
}

void app_derived_keep(struct app *a, const char *key, void *obj, void (*drop)(void *), size_t bytes,
                      const struct tblset *deps)
{
    if (derived_sync(a) == 0) {
        dmap_put(a->derived, key, obj, drop, bytes, deps);
    } else if (drop) {
        drop(obj);
    }
}

int app_derived_get(struct app *a, const char *key, const char **value)
{
    const void *v;
    if (!app_derived_obj(a, key, &v)) {
        return 0;
    }
    *value = v;
    return 1;
}

void app_derived_put(struct app *a, const char *key, const char *value, const struct tblset *deps)
{
    app_derived_keep(a, key, value ? xstrdup(value) : NULL, free, value ? strlen(value) + 1 : 0,
                     deps);
}
