/* store_ops.c — the SQL of an incident's timeline entries and of the
 * notification duties marked done (tables of 0018_ops.sql). Values are
 * always bound. */
#include <sqlite3.h>
#include <string.h>

#include "../model/types.h"
#include "store_int.h"

int store_incident_entry_add(struct store *s, const struct incident_entry_row *r, long *id,
                             struct err *e)
{
    struct dbst *st = store_prepare(s,
                                     "INSERT INTO incident_entry (incident, at, kind, text, "
                                     "account, account_name, person) VALUES (?1,?2,?3,?4,?5,?6,?7)",
                                     e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, r->incident);
    store_bind_opt(st, 2, r->at);
    store_bind_opt(st, 3, r->kind);
    store_bind_opt(st, 4, r->text);
    if (r->account > 0) {
        db_bind_int64(st, 5, r->account);
    } else {
        db_bind_null(st, 5);
    }
    store_bind_opt(st, 6, r->account_name ? r->account_name : "");
    store_bind_opt(st, 7, r->person && *r->person ? r->person : NULL);
    if (store_run(s, st, e)) {
        return -1;
    }
    if (id) {
        *id = (long)db_last_id(s->db);
    }
    return 0;
}

/* The principal's row rule for what hangs off an incident: its entries and
 * notices are seen with the incident (store_sees_record); every incident's
 * (incident NULL: verify) only by the system principal. 1 yes, 0 no, -1
 * error. */
static int sees_incident(struct store *s, const struct principal *who, const char *incident,
                         struct err *e)
{
    if (principal_is_system(who)) {
        return 1;
    }
    if (!incident) {
        return 0;
    }
    return store_sees_record(s, who, rtype_find("incident"), incident, e);
}

int store_incident_entries(struct store *s, const struct principal *who, const char *incident, store_incident_entry_fn fn,
                           void *ctx, struct err *e)
{
    int seen = sees_incident(s, who, incident, e);
    if (seen <= 0) {
        return seen; /* not seen: no rows; -1: error */
    }
    struct dbst *st = store_prepare(s,
                                     "SELECT id, incident, at, kind, text, coalesce(account, 0), "
                                     "account_name, person FROM incident_entry WHERE ?1 IS NULL OR incident = ?1 "
                                     "ORDER BY id",
                                     e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, incident);
    int rc;
    while ((rc = store_step(s, st, e)) == DB_ROW) {
        struct incident_entry_row r = {
            .id = (long)db_col_int64(st, 0),
            .incident = store_col(st, 1),
            .at = store_col(st, 2),
            .kind = store_col(st, 3),
            .text = store_col(st, 4),
            .account = (long)db_col_int64(st, 5),
            .account_name = store_col(st, 6),
            .person = store_col(st, 7),
        };
        if (fn(ctx, &r)) {
            break;
        }
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}

static int notice_walk(struct store *s, struct dbst *st, store_incident_notice_fn fn, void *ctx,
                       struct err *e)
{
    int rc;
    while ((rc = store_step(s, st, e)) == DB_ROW) {
        struct incident_notice_row r = {
            .incident = store_col(st, 0),
            .duty = store_col(st, 1),
            .notified_at = store_col(st, 2),
            .account = (long)db_col_int64(st, 3),
            .account_name = store_col(st, 4),
            .person = store_col(st, 5),
            .note = store_col(st, 6),
        };
        if (fn(ctx, &r)) {
            break;
        }
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}

#define NOTICE_COLS "incident, duty, notified_at, coalesce(account, 0), account_name, person, note"

int store_incident_notices(struct store *s, const struct principal *who, const char *incident, store_incident_notice_fn fn,
                           void *ctx, struct err *e)
{
    int seen = sees_incident(s, who, incident, e);
    if (seen <= 0) {
        return seen; /* not seen: no rows; -1: error */
    }
    struct dbst *st = store_prepare(s,
                                     "SELECT " NOTICE_COLS " FROM incident_notice WHERE ?1 IS NULL "
                                     "OR incident = ?1 ORDER BY incident, id",
                                     e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, incident);
    return notice_walk(s, st, fn, ctx, e);
}

int store_incident_notice_add(struct store *s, const struct incident_notice_row *r,
                              struct err *e)
{
    struct dbst *st = store_prepare(s,
                                     "SELECT notified_at, account_name FROM incident_notice WHERE "
                                     "incident = ?1 AND duty = ?2",
                                     e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, r->incident);
    store_bind_opt(st, 2, r->duty);
    int rc = store_step(s, st, e);
    if (rc == DB_ROW) {
        err_set(e, ERR_CONFLICT, "duty",
                "duty: %s of %s was already marked notified at %s by %s", r->duty, r->incident,
                store_col(st, 0), store_col(st, 1));
        db_reset(st);
        return -1;
    }
    db_reset(st);
    if (rc < 0) {
        return -1;
    }
    st = store_prepare(s,
                       "INSERT INTO incident_notice (incident, duty, notified_at, account, "
                       "account_name, person, note) VALUES (?1,?2,?3,?4,?5,?6,?7)",
                       e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, r->incident);
    store_bind_opt(st, 2, r->duty);
    store_bind_opt(st, 3, r->notified_at);
    if (r->account > 0) {
        db_bind_int64(st, 4, r->account);
    } else {
        db_bind_null(st, 4);
    }
    store_bind_opt(st, 5, r->account_name ? r->account_name : "");
    store_bind_opt(st, 6, r->person && *r->person ? r->person : NULL);
    store_bind_opt(st, 7, r->note && *r->note ? r->note : NULL);
    return store_run(s, st, e);
}
