/* store_people.c — the one read the competence gap view needs at scale:
 * every valid, active piece of competence evidence (optionally of one
 * person) with its requirement's validity, without building records
 * (src/app/people.c decides met / expiring / missing). It returns record
 * content, so it applies the principal's row rules of both tables it reads
 * (store_rule_column), like store_tasks.c: staff get their own evidence
 * only, whatever person the caller names. */
#include <stdio.h>

#include "../lib/buf.h"
#include "store_int.h"

int store_people_evidence(struct store *s, const struct principal *who, const char *person,
                          store_evidence_fn fn, void *ctx, struct err *e)
{
    const char *qcol = NULL, *qval = NULL, *ccol = NULL, *cval = NULL;
    if (!store_rule_column(who, rtype_find("qualification"), &qcol, &qval) ||
        !store_rule_column(who, rtype_find("competency"), &ccol, &cval)) {
        return 0; /* a rule no column condition expresses, or no row: nothing */
    }
    struct buf b;
    buf_init(&b, 0);
    buf_puts(&b, "SELECT q.ref, q.person, q.requirement, q.obtained_on, q.expires_on, "
                 "c.validity_months FROM qualification q JOIN competency c ON c.ref = "
                 "q.requirement WHERE q.retired IS NULL AND "
                 "q.status = 'valid' AND (?1 IS NULL OR q.person = ?1)");
    /* the principal's row rules (column names from the declarations) */
    if (qcol) {
        buf_printf(&b, " AND q.%s = ?2", qcol);
    }
    if (ccol) {
        buf_printf(&b, " AND c.%s = ?3", ccol);
    }
    struct dbst *st = store_prepare(s, b.p, e);
    buf_free(&b);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, person);
    if (qcol) {
        store_bind_opt(st, 2, qval);
    }
    if (ccol) {
        store_bind_opt(st, 3, cval);
    }
    int rc;
    while ((rc = store_step(s, st, e)) == DB_ROW) {
        if (fn(ctx, store_col(st, 0), store_col(st, 1), store_col(st, 2), store_col(st, 3),
               store_col(st, 4), db_col_type(st, 5) == DB_NULL
                                     ? 0
                                     : db_col_int(st, 5))) {
            break;
        }
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}
