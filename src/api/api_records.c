/* api_records.c — the generic record endpoints of the JSON API, driven by
 * the type declarations: list (filters, search, sort, cursor paging),
 * create, get, update, retire, history. Writes go through app_record_* only;
 * reads through app_* and the read-only store queries. No SQL, no
 * permission checks (the router does them; lists drop rows perm_visible
 * hides). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/text.h"
#include "../lib/util.h"
#include "api_int.h"

#define LIST_DEFAULT 50
#define LIST_MAX 500
#define CURSOR_MAX 4096       /* characters of an encoded cursor */
#define CURSOR_VERSION "1"
#define CURSOR_SEP '\x1f'     /* no canonical single-line value holds a control character */

/* ---- ordering --------------------------------------------------------- */

/* How a listing is ordered (struct query's order, which the store
 * applies): by a declared field f, or by the identifier (f NULL); ties are
 * broken by the identifier, so the order is total and a cursor names one
 * position in it. */
struct order {
    const struct field *f;
    int desc;
};


/* ---- cursors ----------------------------------------------------------- */

/* A cursor is the position of the last record of a page in the listing's
 * order: base64url of "1␟SORT␟a|d␟n|vKEY␟ID". It names its sort and
 * direction, so it is refused under another ordering; filters may change
 * between pages (the next page then starts after that position). */
static char *cursor_encode(const struct order *o, const char *key, const char *ref)
{
    struct buf raw;
    buf_init(&raw, 0);
    buf_printf(&raw, "%s%c%s%c%c%c", CURSOR_VERSION, CURSOR_SEP, o->f ? o->f->name : "id",
               CURSOR_SEP, o->desc ? 'd' : 'a', CURSOR_SEP);
    if (key) {
        buf_printf(&raw, "v%s", key);
    } else {
        buf_putc(&raw, 'n');
    }
    buf_printf(&raw, "%c%s", CURSOR_SEP, ref);
    size_t len = sodium_base64_ENCODED_LEN(raw.len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *out = xmalloc(len);
    sodium_bin2base64(out, len, (const unsigned char *)raw.p, raw.len,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    buf_free(&raw);
    return out;
}

struct cursor {
    char *mem;         /* the decoded text the pointers point into */
    const char *key;   /* NULL: the position's sort value is unset */
    const char *ref;
};

/* Decodes an untrusted cursor for ordering o; -1 (ERR_USAGE) when it is
 * malformed or belongs to another ordering. */
static int cursor_decode(const char *s, const struct order *o, struct cursor *c, struct err *e)
{
    static const char *const bad =
        "cursor: not a cursor of this listing; give the next_cursor of the previous page, with "
        "the same sort and order";
    size_t n = strlen(s);
    memset(c, 0, sizeof *c);
    if (n == 0 || n > CURSOR_MAX) {
        return err_set(e, ERR_USAGE, "cursor", "%s", bad);
    }
    c->mem = xmalloc(n + 1);
    size_t len = 0;
    const char *end = NULL;
    if (sodium_base642bin((unsigned char *)c->mem, n, s, n, NULL, &len, &end,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) ||
        end != s + n) {
        goto bad;
    }
    c->mem[len] = 0;
    if (strlen(c->mem) != len) {
        goto bad; /* an embedded NUL */
    }
    char *part[5];
    int np = 0;
    char *p = c->mem;
    part[np++] = p;
    for (; *p; p++) {
        if (*p == CURSOR_SEP) {
            if (np == 5) {
                goto bad;
            }
            *p = 0;
            part[np++] = p + 1;
        }
    }
    if (np != 5 || strcmp(part[0], CURSOR_VERSION) != 0 ||
        strcmp(part[1], o->f ? o->f->name : "id") != 0 ||
        strcmp(part[2], o->desc ? "d" : "a") != 0 || !*part[4] ||
        !(strcmp(part[3], "n") == 0 || part[3][0] == 'v')) {
        goto bad;
    }
    c->key = part[3][0] == 'v' ? part[3] + 1 : NULL;
    c->ref = part[4];
    return 0;
bad:
    free(c->mem);
    c->mem = NULL;
    return err_set(e, ERR_USAGE, "cursor", "%s", bad);
}

/* ---- list -------------------------------------------------------------- */

/* A record's JSON does not depend on who asks (the listing decides who
 * sees which records): one memo entry serves every viewer. */
static void render_json(void *ctx, const struct record *rec, struct buf *out)
{
    (void)ctx;
    record_json(rec, out, 0);
}

static int is_reserved(const char *name)
{
    static const char *const reserved[] = {"q", "all", "sort", "order", "limit", "cursor", NULL};
    for (int i = 0; reserved[i]; i++) {
        if (strcmp(reserved[i], name) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Reads the paging, ordering and search parameters; the others go to
 * filters (field names, checked by app_query_filter). */
static int list_params(struct req *r, struct order *o, long *limit, const char **search,
                       int *all, struct kv *filters, int *nf, struct err *e)
{
    const struct rtype *t = r->type;
    *nf = 0;
    for (int k = 0; k < r->query.n; k++) {
        const struct kv *q = &r->query.kv[k];
        if (!utf8_valid(q->name, strlen(q->name))) {
            return err_set(e, ERR_USAGE, NULL, "a query parameter name is not valid UTF-8");
        }
        if (!is_reserved(q->name)) {
            if (!rtype_field(t, q->name, NULL)) {
                return err_set(e, ERR_INVALID, q->name, "%.60s: %s has no such field (give a "
                               "field name to filter by, or q, all, sort, order, limit, cursor)",
                               q->name, t->name);
            }
            filters[(*nf)++] = *q;
            continue;
        }
        for (int j = 0; j < k; j++) {
            if (strcmp(r->query.kv[j].name, q->name) == 0) {
                return err_set(e, ERR_USAGE, q->name, "%s: given more than once", q->name);
            }
        }
    }
    const char *sort = kv_get(&r->query, "sort");
    const char *order = kv_get(&r->query, "order");
    const char *lim = kv_get(&r->query, "limit");
    memset(o, 0, sizeof *o);
    if (sort && strcmp(sort, "id") != 0) {
        o->f = utf8_valid(sort, strlen(sort)) ? rtype_field(t, sort, NULL) : NULL;
        if (!o->f) {
            return err_set(e, ERR_USAGE, "sort", "sort: %s has no field '%.60s' (give id or a "
                           "field name)", t->name, utf8_valid(sort, strlen(sort)) ? sort : "?");
        }
        if (o->f->type == F_LONGTEXT || o->f->type == F_REFS) {
            return err_set(e, ERR_USAGE, "sort", "sort: %s cannot be sorted on (long text and "
                           "reference lists are not sortable)", o->f->name);
        }
    }
    if (order && strcmp(order, "asc") != 0 && strcmp(order, "desc") != 0) {
        return err_set(e, ERR_USAGE, "order", "order: give asc or desc");
    }
    o->desc = order && strcmp(order, "desc") == 0;
    *limit = LIST_DEFAULT;
    if (lim) {
        int64_t x;
        if (int_parse(lim, &x) || x < 1 || x > LIST_MAX) {
            return err_set(e, ERR_USAGE, "limit",
                           "limit: give a whole number from 1 to %d (follow next_cursor for "
                           "more)", LIST_MAX);
        }
        *limit = (long)x;
    }
    *search = kv_get(&r->query, "q");
    if (*search && (!utf8_valid(*search, strlen(*search)) || utf8_chars(*search) > 200 ||
                    text_bad_control(*search, 0))) {
        return err_set(e, ERR_USAGE, "q", "q: give at most 200 characters of text");
    }
    return api_query_bool(r, "all", 0, all, e);
}

int api_list(struct req *r, struct resp *w)
{
    struct err e = {0};
    struct order o;
    long limit = LIST_DEFAULT;
    const char *search = NULL;
    int all = 0, nf = 0;
    struct kv filters[REQ_MAX_FIELDS];
    if (list_params(r, &o, &limit, &search, &all, filters, &nf, &e)) {
        return api_fail(r, w, &e);
    }
    struct query q = {0};
    char *owned[QUERY_MAX_FILTERS] = {0};
    struct cursor cur = {0};
    struct keylist keys = {0};
    const char *cs = kv_get(&r->query, "cursor");
    if (nf > QUERY_MAX_FILTERS) {
        err_set(&e, ERR_USAGE, NULL, "at most %d filters", QUERY_MAX_FILTERS);
        goto fail;
    }
    if (app_query_filter(r->type, &q, filters, nf, owned, &e) ||
        (cs && cursor_decode(cs, &o, &cur, &e))) {
        goto fail;
    }
    /* the store matches, orders and pages (keyset: the rows after the
     * cursor); only the rows returned are read */
    q.search = search;
    q.include_retired = all;
    q.sort = o.f;
    q.desc = o.desc;
    q.after_ref = cs ? cur.ref : NULL;
    q.after_key = cs ? cur.key : NULL;
    q.limit = limit + 1; /* one more than a page says whether another follows */
    char **json = NULL;
    if (store_keys(r->app->st, &r->app->who, r->type, &q, &keys, &e)) {
        goto fail;
    }
    size_t shown = keys.n > (size_t)limit ? (size_t)limit : keys.n;
    if (app_memo_records(r->app, r->type, &q, &keys, shown, "json", render_json, NULL, &json,
                         &e)) {
        goto fail;
    }
    struct buf b;
    struct jw j;
    buf_init(&b, 0);
    jw_init(&j, &b, 0);
    jw_obj(&j);
    jw_key(&j, "items");
    jw_arr(&j);
    for (size_t i = 0; i < shown; i++) {
        if (json[i]) {
            jw_numtext(&j, json[i]);
        }
        free(json[i]);
    }
    free(json);
    jw_arr_end(&j);
    jw_key(&j, "next_cursor");
    if (keys.n > (size_t)limit) {
        const struct keypos *last = &keys.v[limit - 1];
        char *next = cursor_encode(&o, last->key, last->ref);
        jw_str(&j, next);
        free(next);
    } else {
        jw_null(&j);
    }
    jw_obj_end(&j);
    keylist_free(&keys);
    free(cur.mem);
    for (int i = 0; i < QUERY_MAX_FILTERS; i++) {
        free(owned[i]);
    }
    return api_send(w, 200, &b);
fail:
    keylist_free(&keys);
    free(cur.mem);
    for (int i = 0; i < QUERY_MAX_FILTERS; i++) {
        free(owned[i]);
    }
    return api_fail(r, w, &e);
}

/* ---- one record -------------------------------------------------------- */

int api_get(struct req *r, struct resp *w)
{
    struct err e = {0};
    if (api_query_only(r, NULL, &e)) {
        return api_fail(r, w, &e);
    }
    struct buf b;
    buf_init(&b, 0);
    record_json(r->rec, &b, 0);
    if (app_record_signoffs_json(r->app, r->rec, &b, &e)) {
        buf_free(&b);
        return api_fail(r, w, &e);
    }
    return api_send(w, 200, &b);
}

int api_create(struct req *r, struct resp *w)
{
    struct err e = {0};
    json_t *obj;
    struct api_fields f;
    if (api_body(r, 1, &obj, &e) || api_fields_from_json(r->type, obj, NULL, &f, &e)) {
        return api_fail(r, w, &e);
    }
    char *ref = NULL;
    int rc = app_record_add(r->app, r->type, f.kv, f.n, &ref, &e);
    api_fields_free(&f);
    if (rc) {
        return api_fail(r, w, &e);
    }
    snprintf(w->location, sizeof w->location, "%s/api/v1/%s/%s", r->org->prefix,
             r->type->plural, ref);
    api_send_record(r, w, r->type, ref, 201);
    free(ref);
    return 0;
}

int api_update(struct req *r, struct resp *w)
{
    struct err e = {0};
    struct api_fields f;
    if (api_change_fields(r, NULL, "the fields to change in a JSON object ({\"status\": ...})",
                          &f, &e)) {
        return api_fail(r, w, &e);
    }
    int changed = 0;
    int rc = app_record_edit(r->app, r->type, r->rec->ref, f.kv, f.n, &changed, &e);
    api_fields_free(&f);
    if (rc) {
        return api_fail(r, w, &e);
    }
    return api_send_record(r, w, r->type, r->rec->ref, 200);
}

int api_retire(struct req *r, struct resp *w)
{
    struct err e = {0};
    json_t *obj;
    if (api_body(r, 0, &obj, &e) || api_only_keys(obj, NULL, &e)) {
        return api_fail(r, w, &e);
    }
    int rc = app_record_retire(r->app, r->type, r->rec->ref, &e);
    if (rc) {
        return api_fail(r, w, &e);
    }
    return api_send_record(r, w, r->type, r->rec->ref, 200);
}

/* ---- history ----------------------------------------------------------- */

/* Writes a stored JSON text as a value; the chain stores what the program
 * wrote, but a file changed behind its back must not break the answer. */
static void raw_json(struct jw *j, const char *text)
{
    json_t *v = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
    if (!text) {
        jw_null(j);
    } else if (v) {
        jw_numtext(j, text);
    } else {
        jw_str(j, text);
    }
    json_decref(v);
}

static int history_entry(void *ctx, const struct history_entry *h)
{
    struct jw *j = ctx;
    jw_obj(j);
    jw_key(j, "seq");
    jw_int(j, h->seq);
    jw_key(j, "at");
    jw_str(j, h->at);
    jw_key(j, "actor");
    jw_str(j, h->actor);
    jw_key(j, "type");
    jw_str(j, h->type);
    jw_key(j, "id");
    jw_str(j, h->ref);
    jw_key(j, "action");
    jw_str(j, h->action);
    jw_key(j, "before");
    raw_json(j, h->before);
    jw_key(j, "after");
    raw_json(j, h->after);
    jw_key(j, "prev");
    jw_str(j, h->prev);
    jw_key(j, "hash");
    jw_str(j, h->hash);
    jw_obj_end(j);
    return 0;
}

int api_history(struct req *r, struct resp *w)
{
    struct err e = {0};
    if (api_query_only(r, NULL, &e)) {
        return api_fail(r, w, &e);
    }
    struct buf b;
    struct jw j;
    buf_init(&b, 0);
    jw_init(&j, &b, 0);
    jw_obj(&j);
    jw_key(&j, "items");
    jw_arr(&j);
    if (store_history(r->app->st, &r->app->who, r->rec->ref, history_entry, &j, &e)) {
        buf_free(&b);
        return api_fail(r, w, &e);
    }
    jw_arr_end(&j);
    jw_obj_end(&j);
    return api_send(w, 200, &b);
}
