/* verify.c — `isms verify`: the history chain and the database (store), then
 * that every record is exactly what its last history entry says, so a change
 * made behind the program's back (say, with the sqlite3 shell) is found even
 * when the journal itself was left alone. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/buf.h"
#include "../lib/hash.h"
#include "../lib/util.h"
#include "app_int.h"

struct latest {
    char *ref;
    char *after;
    char *action;
    long long seq;
};

struct latest_set {
    struct latest *v;
    size_t n, cap;
};

static int collect(void *ctx, const struct history_entry *h)
{
    struct latest_set *s = ctx;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 256;
        s->v = xrealloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n++] = (struct latest){xstrdup(h->ref), xstrdup(h->after), xstrdup(h->action),
                                   (long long)h->seq};
    return 0;
}

static int cmp_latest(const void *a, const void *b)
{
    return strcmp(((const struct latest *)a)->ref, ((const struct latest *)b)->ref);
}

/* Equal, except that a field the entry predates (absent there) must be
 * empty now: migrations may add fields without rewriting history. */
static int same_state(const char *recorded, const char *current)
{
    json_t *a = json_loads(recorded ? recorded : "null", 0, NULL);
    json_t *b = json_loads(current, 0, NULL);
    int same = a && b && json_is_object(a) && json_is_object(b);
    if (same) {
        const char *k;
        json_t *v;
        json_object_foreach(b, k, v) {
            json_t *o = json_object_get(a, k);
            if (!o) {
                if (!json_is_null(v) && !(json_is_array(v) && json_array_size(v) == 0)) {
                    same = 0;
                }
            } else if (!json_equal(o, v)) {
                same = 0;
            }
        }
        json_object_foreach(a, k, v) {
            if (!json_object_get(b, k)) {
                same = 0;
            }
        }
    }
    json_decref(a);
    json_decref(b);
    return same;
}

struct check {
    struct latest_set *set;
    unsigned char *seen;
    struct err *e;
    long records;
    int bad;
};

static int check_record(void *ctx, struct record *r)
{
    struct check *c = ctx;
    c->records++;
    struct latest key = {.ref = r->ref};
    struct latest *l = bsearch(&key, c->set->v, c->set->n, sizeof key, cmp_latest);
    if (!l) {
        err_set(c->e, ERR_CONFLICT, NULL,
                "%s %s has no history entry: it was written behind the program's back",
                r->type->name, r->ref);
        c->bad = 1;
    } else {
        c->seen[l - c->set->v] = 1;
        struct buf b;
        buf_init(&b, 0);
        record_json(r, &b, 0);
        if (!same_state(l->after, buf_str(&b))) {
            err_set(c->e, ERR_CONFLICT, NULL,
                    "%s %s differs from its last history entry #%lld: it was changed behind the "
                    "program's back",
                    r->type->name, r->ref, l->seq);
            c->bad = 1;
        }
        buf_free(&b);
    }
    record_free(r);
    return c->bad;
}

/* Approved SoA versions and method versions are kept in their own tables;
 * each was journaled when made. Check that the tables still hold exactly
 * what the chain recorded. */
struct journal {
    json_t *soa;     /* "soa:N" -> sha256 from the approve entry */
    json_t *methods; /* array of method definitions, in order */
};

static int journal_entry(void *ctx, const struct history_entry *h)
{
    struct journal *j = ctx;
    if (strcmp(h->type, "soa") == 0 && strcmp(h->action, "approve") == 0 && h->after) {
        json_t *d = json_loads(h->after, 0, NULL);
        json_t *sha = json_object_get(d, "sha256");
        if (sha) {
            json_object_set(j->soa, h->ref, sha);
        }
        json_decref(d);
    } else if (strcmp(h->type, "method") == 0 && h->after) {
        json_array_append_new(j->methods, json_string(h->after));
    }
    return 0;
}

struct vcheck {
    struct journal *j;
    struct err *e;
    int bad;
};

static int check_soa_version(void *ctx, const struct soa_version_row *v)
{
    struct vcheck *c = ctx;
    char key[32], hash[65];
    snprintf(key, sizeof key, "soa:%d", v->version);
    const char *rec = json_string_value(json_object_get(c->j->soa, key));
    sha256_hex(v->content, strlen(v->content), hash);
    if (!rec || strcmp(rec, hash) != 0 || strcmp(v->hash, hash) != 0) {
        err_set(c->e, ERR_CONFLICT, NULL,
                "approved SoA version %d differs from what the history recorded when it was "
                "approved: it was changed behind the program's back",
                v->version);
        c->bad = 1;
        return 1;
    }
    return 0;
}

static int verify_journaled_tables(struct app *a, struct err *e)
{
    struct journal j = {json_object(), json_array()};
    struct vcheck c = {&j, e, 0};
    int rc = -1;
    if (store_history(a->st, NULL, journal_entry, &j, e) ||
        store_soa_versions(a->st, check_soa_version, &c, e) || c.bad) {
        goto done;
    }
    /* methods: one journaled definition per version, the last in force */
    int version;
    char *def = NULL;
    if (store_method_current(a->st, &version, &def, e)) {
        goto done;
    }
    size_t n = json_array_size(j.methods);
    if (version > 0 && (n != (size_t)version || !def ||
                        strcmp(json_string_value(json_array_get(j.methods, n - 1)), def) != 0)) {
        err_set(e, ERR_CONFLICT, NULL,
                "the risk method in force (version %d) is not the one the history recorded: it "
                "was changed behind the program's back",
                version);
        free(def);
        goto done;
    }
    free(def);
    rc = 0;
done:
    json_decref(j.soa);
    json_decref(j.methods);
    return rc;
}

int app_verify(struct app *a, struct verify_result *res, struct err *e)
{
    memset(res, 0, sizeof *res);
    if (store_verify_chain(a->st, &res->entries, e)) {
        return -1;
    }
    struct latest_set set = {0};
    int rc = -1;
    if (store_history_latest(a->st, collect, &set, e)) {
        goto done;
    }
    qsort(set.v, set.n, sizeof *set.v, cmp_latest);
    struct check c = {&set, xcalloc(set.n + 1, 1), e, 0, 0};
    struct query q = {0};
    q.include_retired = 1;
    for (int ti = 0; ti < nrtypes && !c.bad; ti++) {
        if (store_list(a->st, rtypes[ti], &q, check_record, &c, e)) {
            c.bad = 1;
        }
    }
    for (size_t i = 0; i < set.n && !c.bad; i++) {
        if (!c.seen[i]) {
            err_set(e, ERR_CONFLICT, NULL,
                    "history entry #%lld says %s exists, but the record is missing", set.v[i].seq,
                    set.v[i].ref);
            c.bad = 1;
        }
    }
    free(c.seen);
    res->records = c.records;
    rc = c.bad ? -1 : 0;
    if (rc == 0) {
        rc = verify_journaled_tables(a, e);
    }
done:
    for (size_t i = 0; i < set.n; i++) {
        free(set.v[i].ref);
        free(set.v[i].after);
        free(set.v[i].action);
    }
    free(set.v);
    return rc;
}
