/* store_tasks.h — the queries of task sources that no record list answers
 * (src/app/tasks_sources.c). Like every read of store.h each takes the
 * principal as its second argument and answers only with what it sees:
 * the row rule (perm_rows) of each type read, and for versions the
 * versions rule (perm_who_sees_versions). */
#ifndef ISMS_STORE_TASKS_H
#define ISMS_STORE_TASKS_H

#include "store.h"

/* The active rows of type t that who sees with at least one of the
 * columns any_of set (NULL: every row) and, for each eq_col[i] given, that
 * column equal to eq_val[i] (and before_col earlier than before_val):
 * fn(ctx, ref, vals) with vals[k] the text of cols[k] (NULL when unset),
 * in identifier order. Every name must be a declared field of t that is a
 * column (ERR_INTERNAL otherwise): the SQL text is built from the
 * declarations only, every value bound. One statement (cached). The row
 * rule of who: a field condition is one more bound condition; a principal
 * who reads the released form of t (staff: documents in force) reads it
 * through store_list, the conditions applied to each row read. */
#define STORE_ROWS_MAX_COLS 12
typedef int (*store_row_fn)(void *ctx, const char *ref, const char *const *vals);
struct store_rows_q {
    const char *const *cols;   /* NULL-terminated, at most STORE_ROWS_MAX_COLS */
    const char *const *any_of; /* NULL-terminated or NULL */
    const char *eq_col[2];
    const char *eq_val[2];
    const char *before_col; /* and, when given, before_col < before_val (as text) */
    const char *before_val;
};
int store_tasks_rows(struct store *s, const struct principal *who, const struct rtype *t,
                     const struct store_rows_q *q, store_row_fn fn, void *ctx, struct err *e);

/* Every (person, document version in force) whose audience names the
 * person (active, not retired) and that the person has not acknowledged:
 * fn(ctx, person, ref, title, version, approved_on). person NULL: everyone's.
 * One statement. fn returns non-zero to stop. A principal who does not see
 * every document (staff) gets only its own person's: a version whose
 * audience names that person is one it sees (the released rule's audience
 * condition, store_record.c, is the same), and other people's
 * acknowledgements are not its business. */
typedef int (*store_pending_ack_fn)(void *ctx, const char *person, const char *ref,
                                    const char *title, int version, const char *approved_on);
int store_tasks_pending_acks(struct store *s, const struct principal *who, const char *person,
                             store_pending_ack_fn fn, void *ctx, struct err *e);

/* Every document version in review with the person who must act next
 * (versions in review are working copies: none for a principal who does
 * not see every document, every role and their versions):
 * its reviewer (else its owner) until it is reviewed, then its approver —
 * for policies and topic policies each holder of an active
 * top-management role, for other documents the owner:
 * fn(ctx, person, ref, title, version, since (the version's date), what
 * "review" or "approve"). One statement. */
typedef int (*store_doc_step_fn)(void *ctx, const char *person, const char *ref, const char *title,
                                 int version, const char *since, const char *what);
int store_tasks_doc_steps(struct store *s, const struct principal *who, store_doc_step_fn fn,
                          void *ctx, struct err *e);

/* The active risks who sees whose decisive score (the residual one when rated, else
 * the inherent one; src/model/risk.c) is above accept_max and that are not
 * accepted or closed: *count of them, and fn(ctx, ref) for the first limit
 * in identifier order (the dashboard's approvals card, without reading
 * every risk). */
int store_risks_over(struct store *s, const struct principal *who, int accept_max, long limit,
                     store_str_fn fn, void *ctx, long *count, struct err *e);

#endif
