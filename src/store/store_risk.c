/* store_risk.c — tables of risk assessment and the SoA: method versions,
 * who holds top management; the link-walking queries for dependencies.
 * SQL only; the rules are in model/ and app/. */
#include <stdlib.h>
#include <string.h>

#include "../lib/buf.h"
#include "../lib/util.h"
#include "store_int.h"

int store_method_current(struct store *s, int *version, char **definition, struct err *e)
{
    *version = 0;
    *definition = NULL;
    struct dbst *st = store_prepare(
        s, "SELECT version, definition FROM risk_method ORDER BY version DESC LIMIT 1", e);
    if (!st) {
        return -1;
    }
    int rc = store_step(s, st, e);
    if (rc == DB_ROW) {
        *version = db_col_int(st, 0);
        *definition = xstrdup(store_col(st, 1));
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}

int store_method_add(struct store *s, int version, const char *name, const char *definition,
                     const char *at, const char *actor, struct err *e)
{
    struct dbst *st = store_prepare(s,
                                     "INSERT INTO risk_method (version, name, definition, "
                                     "created_at, created_by) VALUES (?1,?2,?3,?4,?5)",
                                     e);
    if (!st) {
        return -1;
    }
    db_bind_int(st, 1, version);
    store_bind_opt(st, 2, name);
    store_bind_opt(st, 3, definition);
    store_bind_opt(st, 4, at);
    store_bind_opt(st, 5, actor);
    return store_run(s, st, e);
}

int store_methods(struct store *s, store_method_fn fn, void *ctx, struct err *e)
{
    struct dbst *st = store_prepare(
        s, "SELECT version, name, created_at, created_by FROM risk_method ORDER BY version", e);
    if (!st) {
        return -1;
    }
    int rc;
    while ((rc = store_step(s, st, e)) == DB_ROW) {
        struct method_row m = {db_col_int(st, 0), store_col(st, 1), store_col(st, 2), store_col(st, 3)};
        if (fn(ctx, &m)) {
            break;
        }
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}

int store_is_top_management(struct store *s, const char *person, struct err *e)
{
    struct dbst *st = store_prepare(
        s,
        "SELECT 1 FROM role r JOIN link l ON l.src = r.ref AND l.rel = 'holders' "
        "WHERE r.top_management = 1 AND r.retired IS NULL AND r.status = 'active' "
        "AND l.dst = ?1 LIMIT 1",
        e);
    if (!st) {
        return -1;
    }
    db_bind_text(st, 1, person, -1);
    int rc = store_step(s, st, e);
    db_reset(st);
    return rc < 0 ? -1 : rc == DB_ROW;
}

/* The identifiers of st's rows that the principal sees, to fn. */
static int str_rows(struct store *s, const struct principal *who, struct dbst *st,
                    store_str_fn fn, void *ctx, struct err *e)
{
    /* Copy the rows first: fn may run other queries on this store. */
    char **v = NULL;
    size_t n = 0, cap = 0;
    int rc;
    while ((rc = store_step(s, st, e)) == DB_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            v = xrealloc(v, cap * sizeof *v);
        }
        v[n++] = xstrdup(store_col(st, 0));
    }
    db_reset(st);
    int stop = 0;
    for (size_t i = 0; i < n; i++) {
        if (!stop && rc >= 0) {
            const struct rtype *t = rtype_of_ref(v[i]);
            int seen = principal_is_system(who) ? 1 : t ? store_sees_record(s, who, t, v[i], e) : 0;
            if (seen < 0) {
                rc = -1;
            } else if (seen) {
                stop = fn(ctx, v[i]);
            }
        }
        free(v[i]);
    }
    free(v);
    return rc < 0 ? -1 : 0;
}

/* 1 when the principal sees the record ref (of the type its identifier
 * says), 0 when not, -1 on error. */
static int sees_ref(struct store *s, const struct principal *who, const char *ref, struct err *e)
{
    if (principal_is_system(who)) {
        return 1;
    }
    const struct rtype *t = ref ? rtype_of_ref(ref) : NULL;
    return t ? store_sees_record(s, who, t, ref, e) : 0;
}

int store_links_from(struct store *s, const struct principal *who, const char *src,
                     const char *rel, store_str_fn fn, void *ctx, struct err *e)
{
    int seen = sees_ref(s, who, src, e);
    if (seen <= 0) {
        return seen;
    }
    struct dbst *st =
        store_prepare(s, "SELECT dst FROM link WHERE src = ?1 AND rel = ?2 ORDER BY dst", e);
    if (!st) {
        return -1;
    }
    db_bind_text(st, 1, src, -1);
    db_bind_text(st, 2, rel, -1);
    return str_rows(s, who, st, fn, ctx, e);
}

int store_links_to(struct store *s, const struct principal *who, const char *dst,
                   const char *rel, const char *src_type, store_str_fn fn, void *ctx,
                   struct err *e)
{
    int seen = sees_ref(s, who, dst, e);
    if (seen <= 0) {
        return seen;
    }
    struct dbst *st = store_prepare(
        s,
        "SELECT src FROM link WHERE dst = ?1 AND rel = ?2 AND src_type = ?3 ORDER BY src", e);
    if (!st) {
        return -1;
    }
    db_bind_text(st, 1, dst, -1);
    db_bind_text(st, 2, rel, -1);
    db_bind_text(st, 3, src_type, -1);
    return str_rows(s, who, st, fn, ctx, e);
}

int store_asset_effective(struct store *s, const struct principal *who, const char *asset,
                          int cia[3], struct err *e)
{
    cia[0] = cia[1] = cia[2] = 0;
    int seen = sees_ref(s, who, asset, e);
    if (seen <= 0) {
        return seen;
    }
    /* UNION (not UNION ALL) makes the walk terminate even on a cycle that
     * slipped in behind the program's back. */
    struct dbst *st = store_prepare(
        s,
        "WITH RECURSIVE up(ref) AS (SELECT ?1 UNION "
        "SELECT l.src FROM link l JOIN up ON l.dst = up.ref WHERE l.rel = 'depends_on') "
        "SELECT max(confidentiality), max(integrity), max(availability) FROM asset "
        "WHERE ref IN up AND retired IS NULL",
        e);
    if (!st) {
        return -1;
    }
    db_bind_text(st, 1, asset, -1);
    int rc = store_step(s, st, e);
    if (rc == DB_ROW) {
        for (int i = 0; i < 3; i++) {
            cia[i] = db_col_int(st, i);
        }
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}

int store_link_rows(struct store *s, const struct principal *who, const char *rel,
                    const char *dst_type, store_link_fn fn, void *ctx, struct err *e)
{
    /* A link from a retired record no longer counts; each source type's
     * table is checked with a fixed, declared name. */
    struct buf b;
    buf_init(&b, 0);
    buf_puts(&b, "SELECT l.src_type, l.src, l.dst FROM link l WHERE l.rel = ?1 AND l.dst_type = ?2");
    for (int i = 0; i < nrtypes; i++) {
        buf_printf(&b,
                   " AND NOT (l.src_type = '%s' AND EXISTS (SELECT 1 FROM %s x WHERE x.ref = "
                   "l.src AND x.retired IS NOT NULL))",
                   rtypes[i]->name, rtypes[i]->name);
    }
    buf_puts(&b, " ORDER BY l.dst, l.src_type, l.src");
    struct dbst *st = store_prepare(s, buf_str(&b), e);
    buf_free(&b);
    if (!st) {
        return -1;
    }
    db_bind_text(st, 1, rel, -1);
    db_bind_text(st, 2, dst_type, -1);
    int rc;
    int all = principal_is_system(who);
    while ((rc = store_step(s, st, e)) == DB_ROW) {
        /* both ends seen, or the link is not there for this principal */
        int seen = all ? 1 : sees_ref(s, who, store_col(st, 1), e);
        if (seen > 0 && !all) {
            seen = sees_ref(s, who, store_col(st, 2), e);
        }
        if (seen < 0) {
            rc = -1;
            break;
        }
        if (seen && fn(ctx, store_col(st, 0), store_col(st, 1), store_col(st, 2))) {
            break;
        }
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}
