/* store_tasks.h — the queries of task sources that no record list answers
 * (src/app/tasks_sources.c). */
#ifndef ISMS_STORE_TASKS_H
#define ISMS_STORE_TASKS_H

#include "store.h"

/* Every (person, document version in force) whose audience names the
 * person (active, not retired) and that the person has not acknowledged:
 * fn(ctx, person, ref, title, version, approved_on). person NULL: everyone's.
 * One statement. fn returns non-zero to stop. */
typedef int (*store_pending_ack_fn)(void *ctx, const char *person, const char *ref,
                                    const char *title, int version, const char *approved_on);
int store_tasks_pending_acks(struct store *s, const char *person, store_pending_ack_fn fn,
                             void *ctx, struct err *e);

/* Every document version in review with the person who must act next:
 * its reviewer (else its owner) until it is reviewed, then its approver —
 * for policies and topic policies each holder of an active
 * top-management role, for other documents the owner:
 * fn(ctx, person, ref, title, version, since (the version's date), what
 * "review" or "approve"). One statement. */
typedef int (*store_doc_step_fn)(void *ctx, const char *person, const char *ref,
                                 const char *title, int version, const char *since,
                                 const char *what);
int store_tasks_doc_steps(struct store *s, store_doc_step_fn fn, void *ctx, struct err *e);

#endif
