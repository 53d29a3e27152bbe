/* store_history.c — the append-only, hash-chained journal. Each entry's hash
 * is SHA-256 over the previous entry's hash and the entry's own fields, each
 * length-prefixed (hash.h) so no two different entries hash alike. Triggers in
 * 0001_core.sql refuse UPDATE and DELETE on the table. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/hash.h"
#include "../lib/util.h"
#include "store_int.h"

static const char zero_hash[] = "0000000000000000000000000000000000000000000000000000000000000000";

static void entry_hash(const struct history_entry *h, char out[65])
{
    struct sha256 c;
    char seq[24];
    sha256_begin(&c);
    sha256_add_field(&c, h->prev);
    sha256_add_field(&c, i64_text(seq, h->seq));
    sha256_add_field(&c, h->at);
    sha256_add_field(&c, h->actor);
    sha256_add_field(&c, h->type);
    sha256_add_field(&c, h->ref);
    sha256_add_field(&c, h->action);
    sha256_add_field(&c, h->before);
    sha256_add_field(&c, h->after);
    sha256_hex_end(&c, out);
}

int store_history_add(struct store *s, const char *at, const char *actor, const char *type,
                      const char *ref, const char *action, const char *before, const char *after,
                      struct err *e)
{
    char prev[65];
    long long seq = 1;
    struct dbst *st;
    if (s->hist_valid) {
        seq = s->hist_seq + 1;
        strlcpy_(prev, s->hist_hash, sizeof prev);
    } else {
        st = store_prepare(s, "SELECT seq, hash FROM history ORDER BY seq DESC LIMIT 1", e);
        if (!st) {
            return -1;
        }
        int rc = store_step(s, st, e);
        if (rc < 0) {
            return -1;
        }
        if (rc == DB_ROW) {
            seq = db_col_int64(st, 0) + 1;
            strlcpy_(prev, (const char *)db_col_text(st, 1), sizeof prev);
        } else {
            strlcpy_(prev, zero_hash, sizeof prev);
        }
        db_reset(st);
    }

    struct history_entry h = {.seq = seq,
                              .at = at,
                              .actor = actor,
                              .type = type,
                              .ref = ref,
                              .action = action,
                              .before = before,
                              .after = after,
                              .prev = prev};
    char hash[65];
    entry_hash(&h, hash);

    st = store_prepare(s,
                       "INSERT INTO history (seq, at, actor, type, ref, action, before, after, "
                       "prev, hash) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
                       e);
    if (!st) {
        return -1;
    }
    /* the values are bound without a copy (SQLITE_STATIC): they outlive the
     * step, and the bindings are cleared before this function returns */
    db_bind_int64(st, 1, seq);
    db_bind_text_static(st, 2, at, -1);
    db_bind_text_static(st, 3, actor, -1);
    db_bind_text_static(st, 4, type, -1);
    db_bind_text_static(st, 5, ref, -1);
    db_bind_text_static(st, 6, action, -1);
    if (before) {
        db_bind_text_static(st, 7, before, -1);
    }
    if (after) {
        db_bind_text_static(st, 8, after, -1);
    }
    db_bind_text_static(st, 9, prev, -1);
    db_bind_text_static(st, 10, hash, -1);
    int rc = store_step(s, st, e);
    db_reset(st);
    db_clear_bindings(st);
    if (rc < 0) {
        s->hist_valid = 0;
        return -1;
    }
    /* only inside a transaction is the cache safe from other writers */
    s->hist_valid = !db_autocommit(s->db);
    s->hist_seq = seq;
    strlcpy_(s->hist_hash, hash, sizeof s->hist_hash);
    return 0;
}

static void row_entry(struct dbst *st, struct history_entry *h)
{
    h->seq = db_col_int64(st, 0);
    h->at = store_col(st, 1);
    h->actor = store_col(st, 2);
    h->type = store_col(st, 3);
    h->ref = store_col(st, 4);
    h->action = store_col(st, 5);
    h->before = store_col(st, 6);
    h->after = store_col(st, 7);
    h->prev = store_col(st, 8);
    h->hash = store_col(st, 9);
}

#define HISTORY_COLS "seq, at, actor, type, ref, action, before, after, prev, hash"

/* accounts: the privacy rule — a field hidden from the principal is taken
 * out of a history entry's before and after (the stored JSON objects of
 * the record); NULL when the entry needs no change. Caller frees. */
static char *without_hidden(const struct principal *who, const struct rtype *t, const char *js)
{
    if (!js) {
        return NULL;
    }
    json_t *o = json_loads(js, 0, NULL);
    if (!json_is_object(o)) {
        json_decref(o);
        return NULL;
    }
    int changed = 0;
    for (int i = 0; i < t->nfields; i++) {
        if (perm_field_hidden(who, t, t->fields[i].name) &&
            json_object_del(o, t->fields[i].name) == 0) {
            changed = 1;
        }
    }
    char *out = changed ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(o);
    return out;
}

/* Every history read: the entries the principal sees (store_sees_entry). */
static int walk(struct store *s, const struct principal *who, struct dbst *st, store_history_fn fn,
                void *ctx, struct err *e)
{
    int rc;
    int all = principal_is_system(who);
    while ((rc = store_step(s, st, e)) == DB_ROW) {
        struct history_entry h;
        row_entry(st, &h);
        int seen = all ? 1 : store_sees_entry(s, who, &h, e);
        if (seen < 0) {
            rc = -1;
            break;
        }
        const struct rtype *t = seen && !all && h.type ? rtype_find(h.type) : NULL;
        char *before = NULL, *after = NULL;
        if (t && perm_hides_fields(who, t)) {
            before = without_hidden(who, t, h.before);
            after = without_hidden(who, t, h.after);
            h.before = before ? before : h.before;
            h.after = after ? after : h.after;
        }
        int stop = seen && fn(ctx, &h);
        free(before);
        free(after);
        if (stop) {
            break;
        }
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}

int store_history(struct store *s, const struct principal *who, const char *ref,
                  store_history_fn fn, void *ctx, struct err *e)
{
    struct dbst *st;
    if (ref) {
        st =
            store_prepare(s, "SELECT " HISTORY_COLS " FROM history WHERE ref = ?1 ORDER BY seq", e);
        if (st) {
            db_bind_text(st, 1, ref, -1);
        }
    } else {
        st = store_prepare(s, "SELECT " HISTORY_COLS " FROM history ORDER BY seq", e);
    }
    return st ? walk(s, who, st, fn, ctx, e) : -1;
}

int store_history_since(struct store *s, const struct principal *who, long long seq,
                        store_history_fn fn, void *ctx, struct err *e)
{
    struct dbst *st =
        store_prepare(s, "SELECT " HISTORY_COLS " FROM history WHERE seq > ?1 ORDER BY seq", e);
    if (!st) {
        return -1;
    }
    db_bind_int64(st, 1, seq);
    return walk(s, who, st, fn, ctx, e);
}

long long store_history_last_seq(struct store *s, struct err *e)
{
    struct dbst *st = store_prepare(s, "SELECT coalesce(max(seq), 0) FROM history", e);
    if (!st || store_step(s, st, e) != DB_ROW) {
        return -1;
    }
    long long n = db_col_int64(st, 0);
    db_reset(st);
    return n;
}

int store_history_of_types(struct store *s, const struct principal *who, const char *t1,
                           const char *t2, store_history_fn fn, void *ctx, struct err *e)
{
    struct dbst *st = store_prepare(
        s, "SELECT " HISTORY_COLS " FROM history WHERE type IN (?1, ?2) ORDER BY seq", e);
    if (!st) {
        return -1;
    }
    db_bind_text(st, 1, t1, -1);
    db_bind_text(st, 2, t2, -1);
    return walk(s, who, st, fn, ctx, e);
}

int store_history_by_record(struct store *s, const struct principal *who, store_history_fn fn,
                            void *ctx, struct err *e)
{
    struct dbst *st = store_prepare(s,
                                    "SELECT " HISTORY_COLS " FROM history WHERE action IN "
                                    "('create', 'update', 'retire') ORDER BY ref, seq",
                                    e);
    return st ? walk(s, who, st, fn, ctx, e) : -1;
}

static int pg_checks(struct store *s, struct err *e);
static int lite_checks(struct store *s, struct err *e);
static int link_check(struct store *s, struct err *e);

int store_verify_chain(struct store *s, long *nentries, struct err *e)
{
    *nentries = 0;
    /* Not cached: verify may run once over a very long journal. */
    struct dbst *st;
    if (db_prepare(s->db, "SELECT " HISTORY_COLS " FROM history ORDER BY seq", &st) != DB_OK) {
        return store_sqlerr(s, e, "reading the history");
    }
    char prev[65];
    strlcpy_(prev, zero_hash, sizeof prev);
    long long expect = 1;
    int rc, bad = 0;
    while ((rc = db_step(st)) == DB_ROW) {
        struct history_entry h;
        row_entry(st, &h);
        char hash[65];
        if (!h.prev || !h.hash || !h.at || !h.actor || !h.type || !h.ref || !h.action) {
            err_set(e, ERR_CONFLICT, NULL, "history entry #%lld is incomplete", (long long)h.seq);
            bad = 1;
            break;
        }
        if (h.seq != expect) {
            err_set(e, ERR_CONFLICT, NULL,
                    "history entry #%lld is missing (next entry found is #%lld, %s %s)", expect,
                    (long long)h.seq, h.action, h.ref);
            bad = 1;
            break;
        }
        if (strcmp(h.prev, prev) != 0) {
            err_set(e, ERR_CONFLICT, NULL,
                    "history entry #%lld (%s %s at %s) does not follow the entry before it: "
                    "the chain is broken there",
                    (long long)h.seq, h.action, h.ref, h.at);
            bad = 1;
            break;
        }
        entry_hash(&h, hash);
        if (strcmp(hash, h.hash) != 0) {
            err_set(e, ERR_CONFLICT, NULL,
                    "history entry #%lld (%s %s at %s) was altered: its hash does not match its "
                    "content",
                    (long long)h.seq, h.action, h.ref, h.at);
            bad = 1;
            break;
        }
        strlcpy_(prev, h.hash, sizeof prev);
        expect++;
        (*nentries)++;
    }
    if (!bad && rc != DB_DONE) {
        store_sqlerr(s, e, "reading the history");
        bad = 1;
    }
    db_finalize(st);
    if (bad) {
        return -1;
    }

    if (DB_IS_PG(s->db)) {
        if (pg_checks(s, e)) {
            return -1;
        }
    } else if (lite_checks(s, e)) {
        return -1;
    }
    return link_check(s, e);
}

/* PostgreSQL: every foreign key checked row by row (constraints can be
 * switched off behind the program's back: session_replication_role), and
 * every B-tree index's structure when the amcheck extension is there. */
static int pg_checks(struct store *s, struct err *e)
{
    struct dbst *st = NULL;
    if (db_prepare(s->db,
                   "SELECT c.conrelid::regclass::text, c.confrelid::regclass::text, "
                   "(SELECT string_agg(quote_ident(a.attname), ',' ORDER BY k.n) FROM "
                   "unnest(c.conkey) WITH ORDINALITY k(att, n) JOIN pg_attribute a ON "
                   "a.attrelid = c.conrelid AND a.attnum = k.att), "
                   "(SELECT string_agg(quote_ident(a.attname), ',' ORDER BY k.n) FROM "
                   "unnest(c.confkey) WITH ORDINALITY k(att, n) JOIN pg_attribute a ON "
                   "a.attrelid = c.confrelid AND a.attnum = k.att) "
                   "FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
                   "WHERE c.contype = 'f' AND n.nspname = current_schema() ORDER BY 1, 3",
                   &st) != DB_OK) {
        return store_sqlerr(s, e, "foreign key check");
    }
    struct buf q;
    buf_init(&q, 0);
    int rc, bad = 0;
    while (!bad && (rc = db_step(st)) == DB_ROW) {
        const char *t = store_col(st, 0), *r = store_col(st, 1), *fk = store_col(st, 2),
                   *to = store_col(st, 3);
        buf_reset(&q);
        buf_printf(&q,
                   "SELECT 1 FROM %s x WHERE (x.%s) IS NOT NULL AND NOT EXISTS (SELECT 1 "
                   "FROM %s y WHERE (y.%s) = (x.%s)) LIMIT 1",
                   t, fk, r, to, fk);
        struct dbst *c = NULL;
        if (db_prepare(s->db, buf_str(&q), &c) != DB_OK) {
            bad = store_sqlerr(s, e, "foreign key check");
        } else if (db_step(c) == DB_ROW) {
            bad =
                err_set(e, ERR_STORAGE, NULL, "a record in table %s refers to a missing %s", t, r);
        }
        db_finalize(c);
    }
    db_finalize(st);
    buf_free(&q);
    if (bad) {
        return -1;
    }
    if (db_prepare(s->db, "SELECT count(*) FROM pg_extension WHERE extname = 'amcheck'", &st) !=
        DB_OK) {
        return store_sqlerr(s, e, "integrity check");
    }
    int amcheck = db_step(st) == DB_ROW && db_col_int(st, 0) > 0;
    db_finalize(st);
    if (amcheck) {
        if (db_prepare(s->db,
                       "SELECT count(bt_index_check(i.indexrelid)) FROM pg_index i JOIN "
                       "pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = "
                       "c.relnamespace JOIN pg_am a ON a.oid = c.relam WHERE a.amname = 'btree' "
                       "AND n.nspname = current_schema()",
                       &st) != DB_OK) {
            return store_sqlerr(s, e, "integrity check");
        }
        rc = db_step(st);
        if (rc != DB_ROW) {
            err_set(e, ERR_STORAGE, NULL, "database integrity check failed: %s", db_errmsg(s->db));
            db_finalize(st);
            return -1;
        }
        db_finalize(st);
    }
    return 0;
}

static int lite_checks(struct store *s, struct err *e)
{
    struct dbst *st = NULL;
    int rc;
    if (db_prepare(s->db, "PRAGMA integrity_check", &st) != DB_OK) {
        return store_sqlerr(s, e, "integrity check");
    }
    rc = db_step(st);
    if (rc != DB_ROW || strcmp(store_col(st, 0), "ok") != 0) {
        err_set(e, ERR_STORAGE, NULL, "database integrity check failed: %s",
                rc == DB_ROW ? store_col(st, 0) : db_errmsg(s->db));
        db_finalize(st);
        return -1;
    }
    db_finalize(st);

    if (db_prepare(s->db, "PRAGMA foreign_key_check", &st) != DB_OK) {
        return store_sqlerr(s, e, "foreign key check");
    }
    rc = db_step(st);
    if (rc == DB_ROW) {
        err_set(e, ERR_STORAGE, NULL, "a record in table %s refers to a missing %s",
                store_col(st, 0), store_col(st, 2));
        db_finalize(st);
        return -1;
    }
    db_finalize(st);
    return 0;
}

/* Links whose target does not exist (the link table cannot carry a
 * foreign key because its targets live in many tables). */
static int link_check(struct store *s, struct err *e)
{
    struct dbst *st = NULL;
    for (int ti = 0; ti < nrtypes; ti++) {
        char sql[200];
        snprintf(sql, sizeof sql,
                 "SELECT src, rel, dst FROM link WHERE dst_type = '%s' AND dst NOT IN "
                 "(SELECT ref FROM %s) LIMIT 1",
                 rtypes[ti]->name, rtypes[ti]->name);
        if (db_prepare(s->db, sql, &st) != DB_OK) {
            return store_sqlerr(s, e, "link check");
        }
        if (db_step(st) == DB_ROW) {
            err_set(e, ERR_STORAGE, NULL, "%s.%s refers to %s, which does not exist",
                    store_col(st, 0), store_col(st, 1), store_col(st, 2));
            db_finalize(st);
            return -1;
        }
        db_finalize(st);
    }
    return 0;
}
