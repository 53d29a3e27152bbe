/* store_tasks.c — what the task sources ask the file that record lists do
 * not answer: every pending acknowledgement, for everyone at once. Values
 * bound; the only SQL text is below. */
#include "store_tasks.h"

#include <stdio.h>
#include <string.h>

#include "../lib/buf.h"
#include "store_int.h"

static int column_ok(const struct rtype *t, const char *name)
{
    if (strcmp(name, "ref") == 0) {
        return 1;
    }
    const struct field *f = rtype_field(t, name, NULL);
    return f && f->type != F_REFS && strcmp(f->name, name) == 0;
}

int store_tasks_rows(struct store *s, const struct rtype *t, const struct store_rows_q *q,
                     store_row_fn fn, void *ctx, struct err *e)
{
    struct buf b;
    buf_init(&b, 0);
    buf_puts(&b, "SELECT ref");
    int ncols = 0;
    for (; q->cols[ncols]; ncols++) {
        if (ncols == STORE_ROWS_MAX_COLS || !column_ok(t, q->cols[ncols])) {
            buf_free(&b);
            return err_set(e, ERR_INTERNAL, NULL, "task rows: bad column %s of %s",
                           q->cols[ncols] ? q->cols[ncols] : "(too many)", t->name);
        }
        buf_printf(&b, ", %s", q->cols[ncols]);
    }
    buf_printf(&b, " FROM %s WHERE retired IS NULL", t->name);
    for (int i = 0; q->any_of && q->any_of[i]; i++) {
        if (!column_ok(t, q->any_of[i])) {
            buf_free(&b);
            return err_set(e, ERR_INTERNAL, NULL, "task rows: bad column %s", q->any_of[i]);
        }
        buf_printf(&b, "%s%s IS NOT NULL", i ? " OR " : " AND (", q->any_of[i]);
        if (!q->any_of[i + 1]) {
            buf_puts(&b, ")");
        }
    }
    for (int i = 0; i < 2; i++) {
        if (q->eq_col[i]) {
            if (!column_ok(t, q->eq_col[i])) {
                buf_free(&b);
                return err_set(e, ERR_INTERNAL, NULL, "task rows: bad column %s", q->eq_col[i]);
            }
            buf_printf(&b, " AND %s = ?%d", q->eq_col[i], i + 1);
        }
    }
    if (q->before_col) {
        if (!column_ok(t, q->before_col)) {
            buf_free(&b);
            return err_set(e, ERR_INTERNAL, NULL, "task rows: bad column %s", q->before_col);
        }
        buf_printf(&b, " AND %s < ?3", q->before_col);
    }
    buf_puts(&b, " ORDER BY id");
    sqlite3_stmt *st = store_prepare(s, b.p, e);
    buf_free(&b);
    if (!st) {
        return -1;
    }
    for (int i = 0; i < 2; i++) {
        if (q->eq_col[i]) {
            store_bind_opt(st, i + 1, q->eq_val[i]);
        }
    }
    if (q->before_col) {
        store_bind_opt(st, 3, q->before_val);
    }
    const char *vals[STORE_ROWS_MAX_COLS + 1];
    int rc;
    while ((rc = store_step(s, st, e)) == SQLITE_ROW) {
        for (int k = 0; k < ncols; k++) {
            vals[k] = store_col(st, k + 1);
        }
        vals[ncols] = NULL;
        if (fn(ctx, store_col(st, 0), vals)) {
            break;
        }
    }
    sqlite3_reset(st);
    return rc < 0 ? -1 : 0;
}

int store_tasks_pending_acks(struct store *s, const char *person, store_pending_ack_fn fn,
                             void *ctx, struct err *e)
{
    /* the released view (migration 0010): the versions in force with the
     * audience they were approved with; the audience rule is the one of
     * store_doc_pending_acks and store_doc_ack_people (active people) */
    sqlite3_stmt *st = store_prepare(
        s,
        "SELECT p.ref, d.ref, d.title, d.in_force, d.approved_on FROM document_released d"
        " JOIN person p ON (?1 IS NULL OR p.ref = ?1) AND p.retired IS NULL AND"
        " p.status = 'active'"
        " WHERE d.retired IS NULL AND (d.audience = 'everyone' OR"
        " (d.audience = 'selected' AND ((p.department IS NOT NULL AND"
        " instr(',' || d.audience_departments || ',', ',' || p.department || ',') > 0) OR"
        " EXISTS (SELECT 1 FROM json_each(d.audience_roles) r JOIN link l ON l.src = r.value"
        " AND l.rel = 'holders' AND l.dst = p.ref))))"
        " AND NOT EXISTS (SELECT 1 FROM signoff s WHERE s.subject_kind = 'document' AND"
        " s.subject_id = d.ref AND s.version = d.in_force AND s.kind = 'acknowledgement' AND"
        " s.person = p.ref) ORDER BY d.id, p.id",
        e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, person);
    int rc;
    while ((rc = store_step(s, st, e)) == SQLITE_ROW) {
        if (fn(ctx, store_col(st, 0), store_col(st, 1), store_col(st, 2),
               sqlite3_column_int(st, 3), store_col(st, 4))) {
            break;
        }
    }
    sqlite3_reset(st);
    return rc < 0 ? -1 : 0;
}

int store_tasks_doc_steps(struct store *s, store_doc_step_fn fn, void *ctx, struct err *e)
{
    sqlite3_stmt *st = store_prepare(
        s,
        "WITH w AS (SELECT d.ref, d.title, d.kind, d.owner, d.reviewer, v.number,"
        " substr(v.created_at, 1, 10) AS since, CASE WHEN EXISTS (SELECT 1 FROM signoff s"
        " WHERE s.subject_kind = 'document' AND s.subject_id = d.ref AND s.version = v.number"
        " AND s.kind = 'review') THEN 'approve' ELSE 'review' END AS what FROM document d"
        " JOIN version v ON v.subject_kind = 'document' AND v.subject_id = d.ref AND"
        " v.state = 'in-review' WHERE d.retired IS NULL),"
        " tm AS (SELECT DISTINCT l.dst AS person FROM role r JOIN link l ON l.src = r.ref AND"
        " l.rel = 'holders' WHERE r.top_management = 1 AND r.retired IS NULL AND"
        " r.status = 'active')"
        " SELECT coalesce(reviewer, owner), ref, title, number, since, what FROM w"
        " WHERE what = 'review'"
        " UNION ALL SELECT owner, ref, title, number, since, what FROM w WHERE what = 'approve'"
        " AND coalesce(kind, '') NOT IN ('policy', 'topic-policy')"
        " UNION ALL SELECT tm.person, ref, title, number, since, what FROM w JOIN tm"
        " WHERE what = 'approve' AND kind IN ('policy', 'topic-policy')",
        e);
    if (!st) {
        return -1;
    }
    int rc;
    while ((rc = store_step(s, st, e)) == SQLITE_ROW) {
        if (fn(ctx, store_col(st, 0), store_col(st, 1), store_col(st, 2),
               sqlite3_column_int(st, 3), store_col(st, 4), store_col(st, 5))) {
            break;
        }
    }
    sqlite3_reset(st);
    return rc < 0 ? -1 : 0;
}

#define RISKS_OVER " FROM risk WHERE retired IS NULL AND coalesce(nullif(residual_score, 0)," \
                   " score, 0) > ?1 AND status NOT IN ('accepted', 'closed')"

int store_risks_over(struct store *s, int accept_max, long limit, store_str_fn fn, void *ctx,
                     long *count, struct err *e)
{
    sqlite3_stmt *st = store_prepare(s, "SELECT count(*)" RISKS_OVER, e);
    if (!st) {
        return -1;
    }
    sqlite3_bind_int(st, 1, accept_max);
    int rc = store_step(s, st, e);
    *count = rc == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (rc < 0) {
        return -1;
    }
    /* the identifiers first: fn may query the store */
    st = store_prepare(s, "SELECT ref" RISKS_OVER " ORDER BY id LIMIT ?2", e);
    if (!st) {
        return -1;
    }
    sqlite3_bind_int(st, 1, accept_max);
    sqlite3_bind_int64(st, 2, limit);
    char refs[64][40];
    int n = 0;
    while ((rc = store_step(s, st, e)) == SQLITE_ROW && n < 64) {
        snprintf(refs[n++], sizeof refs[0], "%s", store_col(st, 0));
    }
    sqlite3_reset(st);
    if (rc < 0) {
        return -1;
    }
    for (int i = 0; i < n; i++) {
        if (fn(ctx, refs[i])) {
            break;
        }
    }
    return 0;
}
