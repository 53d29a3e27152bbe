/* store_audit.c — see store_audit.h. */
#include "store_audit.h"

#include "store_int.h"

int store_high_risk_controls(struct store *s, const char *l1, const char *l2,
                             store_risk_control_fn fn, void *ctx, struct err *e)
{
    sqlite3_stmt *st = store_prepare(
        s,
        "SELECT l.dst, r.ref, coalesce(r.residual_level, r.level) FROM risk r "
        "JOIN link l ON l.src = r.ref AND l.rel = 'controls' AND l.src_type = 'risk' "
        "AND l.dst_type = 'control' "
        "WHERE r.retired IS NULL AND r.status <> 'closed' "
        "AND coalesce(r.residual_level, r.level) IN (?1, ?2) ORDER BY l.dst, r.ref",
        e);
    if (!st) {
        return -1;
    }
    sqlite3_bind_text(st, 1, l1 ? l1 : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, l2 ? l2 : "", -1, SQLITE_TRANSIENT);
    int rc;
    while ((rc = store_step(s, st, e)) == SQLITE_ROW) {
        if (fn(ctx, store_col(st, 0), store_col(st, 1), store_col(st, 2))) {
            break;
        }
    }
    sqlite3_reset(st);
    return rc < 0 ? -1 : 0;
}
