/* verify.c — `isms verify`: the history chain and the database (store), then
 * that every record is exactly what its last history entry says, so a change
 * made behind the program's back (say, with the sqlite3 shell) is found even
 * when the journal itself was left alone. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/buf.h"
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
done:
    for (size_t i = 0; i < set.n; i++) {
        free(set.v[i].ref);
        free(set.v[i].after);
        free(set.v[i].action);
    }
    free(set.v);
    return rc;
}
