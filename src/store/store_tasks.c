/* store_tasks.c — what the task sources ask the file that record lists do
 * not answer: every pending acknowledgement, for everyone at once. Values
 * bound; the only SQL text is below. Each query applies the row rule of
 * its principal (store_rule_column) like store_record.c does for lists. */
#include "store_tasks.h"

#include <stdio.h>
#include <string.h>

#include "../lib/buf.h"
#include "../lib/util.h"
#include "store_int.h"

static int column_ok(const struct rtype *t, const char *name)
{
    if (strcmp(name, "ref") == 0) {
        return 1;
    }
    const struct field *f = rtype_field(t, name, NULL);
    return f && f->type != F_REFS && strcmp(f->name, name) == 0;
}

/* The released form of t (ROWS_RELEASED: staff read documents in force)
 * through store_list, which applies that rule; q's conditions on each row. */
struct released_walk {
    const struct store_rows_q *q;
    const char *const *cols;
    store_row_fn fn;
    void *ctx;
};

static int released_row(void *ctx, struct record *r)
{
    struct released_walk *w = ctx;
    const struct store_rows_q *q = w->q;
    int keep = !q->any_of || !q->any_of[0];
    for (int i = 0; q->any_of && q->any_of[i] && !keep; i++) {
        keep = record_get(r, q->any_of[i]) != NULL;
    }
    for (int i = 0; i < 2 && keep; i++) {
        const char *v = q->eq_col[i] ? record_get(r, q->eq_col[i]) : NULL;
        keep = !q->eq_col[i] || (v && q->eq_val[i] && strcmp(v, q->eq_val[i]) == 0);
    }
    if (keep && q->before_col) {
        const char *v = record_get(r, q->before_col);
        keep = v && q->before_val && strcmp(v, q->before_val) < 0;
    }
    int stop = 0;
    if (keep) {
        const char *vals[STORE_ROWS_MAX_COLS + 1];
        int k = 0;
        for (; w->cols[k]; k++) {
            vals[k] = strcmp(w->cols[k], "ref") == 0 ? r->ref : record_get(r, w->cols[k]);
        }
        vals[k] = NULL;
        stop = w->fn(w->ctx, r->ref, vals);
    }
    record_free(r);
    return stop;
}

static int released_rows(struct store *s, const struct principal *who, const struct rtype *t,
                         const struct store_rows_q *q, store_row_fn fn, void *ctx, struct err *e)
{
    /* every column a condition names is read too */
    const char *cols[3 * STORE_ROWS_MAX_COLS + 4];
    int n = 0;
    for (int k = 0; q->cols[k]; k++) {
        cols[n++] = q->cols[k];
    }
    for (int k = 0; q->any_of && q->any_of[k] && n < STORE_ROWS_MAX_COLS * 2; k++) {
        cols[n++] = q->any_of[k];
    }
    for (int k = 0; k < 2; k++) {
        if (q->eq_col[k]) {
            cols[n++] = q->eq_col[k];
        }
    }
    if (q->before_col) {
        cols[n++] = q->before_col;
    }
    cols[n] = NULL;
    struct query sq = {0};
    sq.columns = cols;
    struct released_walk w = {q, q->cols, fn, ctx};
    return store_list(s, who, t, &sq, released_row, &w, e);
}

/* Every name q gives is a declared column of t (ERR_INTERNAL otherwise). */
static int check_columns(const struct rtype *t, const struct store_rows_q *q, struct err *e)
{
    const char *bad = NULL;
    int n = 0;
    for (; q->cols[n] && !bad; n++) {
        bad = n == STORE_ROWS_MAX_COLS    ? "(too many)"
              : !column_ok(t, q->cols[n]) ? q->cols[n]
                                          : NULL;
    }
    for (int i = 0; q->any_of && q->any_of[i] && !bad; i++) {
        bad = i == STORE_ROWS_MAX_COLS      ? "(too many)"
              : !column_ok(t, q->any_of[i]) ? q->any_of[i]
                                            : NULL;
    }
    for (int i = 0; i < 2 && !bad; i++) {
        bad = q->eq_col[i] && !column_ok(t, q->eq_col[i]) ? q->eq_col[i] : NULL;
    }
    if (!bad && q->before_col && !column_ok(t, q->before_col)) {
        bad = q->before_col;
    }
    return bad ? err_set(e, ERR_INTERNAL, NULL, "task rows: bad column %s of %s", bad, t->name) : 0;
}

int store_tasks_rows(struct store *s, const struct principal *who, const struct rtype *t,
                     const struct store_rows_q *q, store_row_fn fn, void *ctx, struct err *e)
{
    if (check_columns(t, q, e)) {
        return -1;
    }
    const char *rule_col = NULL, *rule_val = NULL;
    int rule = store_rule_column(who, t, &rule_col, &rule_val);
    if (!rule) {
        return perm_rows(who, t).kind == ROWS_RELEASED ? released_rows(s, who, t, q, fn, ctx, e)
                                                       : 0;
    }
    struct buf b;
    buf_init(&b, 0);
    buf_puts(&b, "SELECT ref");
    int ncols = 0;
    for (; q->cols[ncols]; ncols++) {
        buf_printf(&b, ", %s", q->cols[ncols]);
    }
    buf_printf(&b, " FROM %s WHERE retired IS NULL", t->name);
    for (int i = 0; q->any_of && q->any_of[i]; i++) {
        buf_printf(&b, "%s%s IS NOT NULL", i ? " OR " : " AND (", q->any_of[i]);
        if (!q->any_of[i + 1]) {
            buf_puts(&b, ")");
        }
    }
    for (int i = 0; i < 2; i++) {
        if (q->eq_col[i]) {
            buf_printf(&b, " AND %s = ?%d", q->eq_col[i], i + 1);
        }
    }
    if (q->before_col) {
        /* through the identifiers: the planner then reads the due ones
         * from the column's index instead of walking every row in order */
        buf_printf(&b, " AND id IN (SELECT id FROM %s WHERE retired IS NULL AND %s < ?3)",
                   t->name, q->before_col);
    }
    if (rule_col) {
        buf_printf(&b, " AND %s = ?4", rule_col); /* the principal's row rule */
    }
    buf_puts(&b, " ORDER BY id");
    struct dbst *st = store_prepare(s, b.p, e);
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
    if (rule_col) {
        store_bind_opt(st, 4, rule_val);
    }
    const char *vals[STORE_ROWS_MAX_COLS + 1];
    int rc;
    while ((rc = store_step(s, st, e)) == DB_ROW) {
        for (int k = 0; k < ncols; k++) {
            vals[k] = store_col(st, k + 1);
        }
        vals[ncols] = NULL;
        if (fn(ctx, store_col(st, 0), vals)) {
            break;
        }
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}

int store_tasks_pending_acks(struct store *s, const struct principal *who, const char *person,
                             store_pending_ack_fn fn, void *ctx, struct err *e)
{
    struct row_rule rule = perm_rows(who, rtype_find("document"));
    if (rule.kind == ROWS_NONE) {
        return 0;
    }
    if (rule.kind != ROWS_ALL) {
        /* only its own: the audience naming it makes the version one it sees */
        const char *own = principal_person(who);
        if (rule.kind != ROWS_RELEASED || !own || (person && strcmp(person, own) != 0)) {
            return 0;
        }
        person = own;
    }
    /* the released view (migration 0010): the versions in force with the
     * audience they were approved with; the audience rule is the one of
     * store_doc_pending_acks and store_doc_ack_people (active people) */
    struct dbst *st = store_prepare(
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
    while ((rc = store_step(s, st, e)) == DB_ROW) {
        if (fn(ctx, store_col(st, 0), store_col(st, 1), store_col(st, 2), db_col_int(st, 3),
               store_col(st, 4))) {
            break;
        }
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}

int store_tasks_doc_steps(struct store *s, const struct principal *who, store_doc_step_fn fn,
                          void *ctx, struct err *e)
{
    const struct rtype *dt = rtype_find("document");
    if (perm_rows(who, dt).kind != ROWS_ALL || !perm_who_sees_versions(who, dt) ||
        perm_rows(who, rtype_find("role")).kind != ROWS_ALL) {
        return 0; /* working copies, named by roles: only for who sees them all */
    }
    struct dbst *st = store_prepare(
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
        " UNION ALL SELECT tm.person, ref, title, number, since, what FROM w CROSS JOIN tm"
        " WHERE what = 'approve' AND kind IN ('policy', 'topic-policy')",
        e);
    if (!st) {
        return -1;
    }
    int rc;
    while ((rc = store_step(s, st, e)) == DB_ROW) {
        if (fn(ctx, store_col(st, 0), store_col(st, 1), store_col(st, 2), db_col_int(st, 3),
               store_col(st, 4), store_col(st, 5))) {
            break;
        }
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}

#define RISKS_OVER                                                                                 \
    " FROM risk WHERE retired IS NULL AND coalesce(nullif(residual_score, 0),"                     \
    " score, 0) > ?1 AND status NOT IN ('accepted', 'closed')"

int store_risks_over(struct store *s, const struct principal *who, int accept_max, long limit,
                     store_str_fn fn, void *ctx, long *count, struct err *e)
{
    *count = 0;
    const char *rule_col = NULL, *rule_val = NULL;
    int rule = store_rule_column(who, rtype_find("risk"), &rule_col, &rule_val);
    if (!rule) {
        return 0;
    }
    /* the principal's row rule: one more condition (identifiers only) */
    char cond[96] = "";
    if (rule_col) {
        snprintf(cond, sizeof cond, " AND %s = ?3", rule_col);
    }
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT count(*)" RISKS_OVER "%s", cond);
    struct dbst *st = store_prepare(s, sql, e);
    if (!st) {
        return -1;
    }
    db_bind_int(st, 1, accept_max);
    if (rule_col) {
        store_bind_opt(st, 3, rule_val);
    }
    int rc = store_step(s, st, e);
    *count = rc == DB_ROW ? (long)db_col_int64(st, 0) : 0;
    db_reset(st);
    if (rc < 0) {
        return -1;
    }
    /* the identifiers first: fn may query the store */
    snprintf(sql, sizeof sql, "SELECT ref" RISKS_OVER "%s ORDER BY id LIMIT ?2", cond);
    st = store_prepare(s, sql, e);
    if (!st) {
        return -1;
    }
    db_bind_int(st, 1, accept_max);
    db_bind_int64(st, 2, limit);
    if (rule_col) {
        store_bind_opt(st, 3, rule_val);
    }
    char refs[64][40];
    int n = 0;
    while ((rc = store_step(s, st, e)) == DB_ROW && n < 64) {
        snprintf(refs[n++], sizeof refs[0], "%s", store_col(st, 0));
    }
    db_reset(st);
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
