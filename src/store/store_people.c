/* store_people.c — the one read the competence gap view needs at scale:
 * every valid, active piece of competence evidence (optionally of one
 * person) with its requirement's validity, without building records
 * (src/app/people.c decides met / expiring / missing). */
#include "store_int.h"

int store_people_evidence(struct store *s, const char *person, store_evidence_fn fn, void *ctx,
                          struct err *e)
{
    sqlite3_stmt *st = store_prepare(
        s,
        "SELECT q.ref, q.person, q.requirement, q.obtained_on, q.expires_on, c.validity_months "
        "FROM qualification q JOIN competency c ON c.ref = q.requirement "
        "WHERE q.retired IS NULL AND q.status = 'valid' AND (?1 IS NULL OR q.person = ?1)",
        e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, person);
    int rc;
    while ((rc = store_step(s, st, e)) == SQLITE_ROW) {
        if (fn(ctx, store_col(st, 0), store_col(st, 1), store_col(st, 2), store_col(st, 3),
               store_col(st, 4), sqlite3_column_type(st, 5) == SQLITE_NULL
                                     ? 0
                                     : sqlite3_column_int(st, 5))) {
            break;
        }
    }
    sqlite3_reset(st);
    return rc < 0 ? -1 : 0;
}
