/* store_audit.c — see store_audit.h. */
#include "store_audit.h"

#include <stdio.h>
#include <string.h>

#include "store_int.h"

int store_high_risk_controls(struct store *s, const struct principal *who, const char *l1,
                             const char *l2, store_risk_control_fn fn, void *ctx, struct err *e)
{
    const char *rcol = NULL, *rval = NULL, *ccol = NULL, *cval = NULL;
    if (!store_rule_column(who, rtype_find("risk"), &rcol, &rval) ||
        !store_rule_column(who, rtype_find("control"), &ccol, &cval)) {
        return 0;
    }
    /* the principal's row rules: column names from the declarations only */
    char cond[256] = "";
    if (rcol) {
        snprintf(cond, sizeof cond, " AND r.%s = ?3", rcol);
    }
    if (ccol) {
        size_t n = strlen(cond);
        snprintf(cond + n, sizeof cond - n,
                 " AND EXISTS (SELECT 1 FROM control c WHERE c.ref = l.dst AND c.%s = ?4)", ccol);
    }
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT l.dst, r.ref, coalesce(r.residual_level, r.level) FROM risk r "
             "JOIN link l ON l.src = r.ref AND l.rel = 'controls' AND l.src_type = 'risk' "
             "AND l.dst_type = 'control' "
             "WHERE r.retired IS NULL AND r.status <> 'closed' "
             "AND coalesce(r.residual_level, r.level) IN (?1, ?2)%s ORDER BY l.dst, r.ref",
             cond);
    struct dbst *st = store_prepare(s, sql, e);
    if (!st) {
        return -1;
    }
    if (rcol) {
        store_bind_opt(st, 3, rval);
    }
    if (ccol) {
        store_bind_opt(st, 4, cval);
    }
    db_bind_text(st, 1, l1 ? l1 : "", -1);
    db_bind_text(st, 2, l2 ? l2 : "", -1);
    int rc;
    while ((rc = store_step(s, st, e)) == DB_ROW) {
        if (fn(ctx, store_col(st, 0), store_col(st, 1), store_col(st, 2))) {
            break;
        }
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}
