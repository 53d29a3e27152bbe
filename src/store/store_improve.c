/* store_improve.c — the 5-whys chain of a nonconformity (table nc_why). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/util.h"
#include "store_int.h"

int store_whys(struct store *s, const struct principal *who, const char *nc, store_why_fn fn,
               void *ctx, struct err *e)
{
    /* the steps hang off their nonconformity: who reads those it sees */
    const char *rcol = NULL, *rval = NULL;
    if (!store_rule_column(who, rtype_find("nonconformity"), &rcol, &rval)) {
        return 0;
    }
    char cond[160] = "";
    if (rcol) { /* a column name from the declarations only */
        snprintf(cond, sizeof cond,
                 " AND EXISTS (SELECT 1 FROM nonconformity n WHERE n.ref = w.nonconformity "
                 "AND n.%s = ?2)",
                 rcol);
    }
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT w.position, w.text, w.at, w.by, w.nonconformity FROM nc_why w "
             "WHERE (?1 IS NULL OR w.nonconformity = ?1)%s ORDER BY w.nonconformity, w.position",
             cond);
    struct dbst *st = store_prepare(s, sql, e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, nc);
    if (rcol) {
        store_bind_opt(st, 2, rval);
    }
    int rc;
    while ((rc = store_step(s, st, e)) == DB_ROW) {
        struct why_row w = {db_col_int(st, 0), store_col(st, 1), store_col(st, 2),
                            store_col(st, 3), store_col(st, 4)};
        if (fn(ctx, &w)) {
            break;
        }
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}

int store_why_add(struct store *s, const char *nc, const char *text, const char *at,
                  const char *by, int *pos, struct err *e)
{
    struct dbst *st = store_prepare(
        s, "SELECT coalesce(max(position), 0) + 1 FROM nc_why WHERE nonconformity = ?", e);
    if (!st) {
        return -1;
    }
    db_bind_text(st, 1, nc, -1);
    int rc = store_step(s, st, e);
    *pos = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_reset(st);
    if (rc != DB_ROW) {
        return -1;
    }
    st = store_prepare(s, "INSERT INTO nc_why (nonconformity, position, text, at, by) "
                          "VALUES (?, ?, ?, ?, ?)", e);
    if (!st) {
        return -1;
    }
    db_bind_text(st, 1, nc, -1);
    db_bind_int(st, 2, *pos);
    db_bind_text(st, 3, text, -1);
    db_bind_text(st, 4, at, -1);
    db_bind_text(st, 5, by, -1);
    return store_run(s, st, e);
}

int store_why_set(struct store *s, const char *nc, int pos, const char *text, const char *at,
                  const char *by, char **old, struct err *e)
{
    *old = NULL;
    struct dbst *st =
        store_prepare(s, "SELECT text FROM nc_why WHERE nonconformity = ? AND position = ?", e);
    if (!st) {
        return -1;
    }
    db_bind_text(st, 1, nc, -1);
    db_bind_int(st, 2, pos);
    int rc = store_step(s, st, e);
    if (rc == DB_ROW) {
        *old = xstrdup(store_col(st, 0));
    }
    db_reset(st);
    if (rc < 0) {
        return -1;
    }
    if (rc != DB_ROW) {
        return err_set(e, ERR_NOTFOUND, "position", "position: %s has no step %d of its 5 whys",
                       nc, pos);
    }
    st = store_prepare(s, "UPDATE nc_why SET text = ?, at = ?, by = ? WHERE nonconformity = ? "
                          "AND position = ?", e);
    if (!st) {
        free(*old);
        *old = NULL;
        return -1;
    }
    db_bind_text(st, 1, text, -1);
    db_bind_text(st, 2, at, -1);
    db_bind_text(st, 3, by, -1);
    db_bind_text(st, 4, nc, -1);
    db_bind_int(st, 5, pos);
    if (store_run(s, st, e)) {
        free(*old);
        *old = NULL;
        return -1;
    }
    return 0;
}
