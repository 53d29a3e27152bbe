/* store_audit.h — queries of the audit programme (9.2) that the generic
 * record access would make slow on a large ISMS (store_audit.c). */
#ifndef ISMS_STORE_AUDIT_H
#define ISMS_STORE_AUDIT_H

#include "store.h"

/* For every active, not closed risk who sees whose residual level (its
 * level when it has no residual rating) is l1 or l2, and every control it
 * names in `controls` that who sees: fn(ctx, control, risk, level), in one
 * query. The row rules of risks and controls (store_rule_column) are
 * conditions of that query; a principal for whom either cannot be one
 * (no rows, or a released form) gets nothing. */
typedef int (*store_risk_control_fn)(void *ctx, const char *control, const char *risk,
                                     const char *level);
int store_high_risk_controls(struct store *s, const struct principal *who, const char *l1,
                             const char *l2, store_risk_control_fn fn, void *ctx, struct err *e);

#endif
