/* store_audit.h — queries of the audit programme (9.2) that the generic
 * record access would make slow on a large ISMS (store_audit.c). */
#ifndef ISMS_STORE_AUDIT_H
#define ISMS_STORE_AUDIT_H

#include "store.h"

/* For every active, not closed risk whose residual level (its level when
 * it has no residual rating) is l1 or l2, and every control it names in
 * `controls`: fn(ctx, control, risk, level), in one query. */
typedef int (*store_risk_control_fn)(void *ctx, const char *control, const char *risk,
                                     const char *level);
int store_high_risk_controls(struct store *s, const char *l1, const char *l2,
                             store_risk_control_fn fn, void *ctx, struct err *e);

#endif
