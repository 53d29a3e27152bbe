/* tasks_web.h — the filters of the task list as the page (/tasks) and the
 * API (GET /api/v1/tasks) take them from the query string, read once for
 * both (page_tasks.c). */
#ifndef ISMS_TASKS_WEB_H
#define ISMS_TASKS_WEB_H

#include "../app/tasks.h"
#include "../http/routes.h"

/* The query's filters (untrusted): mine=1 (the signed-in person's tasks),
 * all=1 (everyone's the viewer may see; the default), overdue=1,
 * owner=P-NNNN, days=N (1..TASK_DAYS_MAX). q gets them (its strings point
 * into the request; today into today). -1 with e naming the parameter:
 * mine with all or owner, mine for an account that acts as no person, a
 * bad days value, a flag that is not 0/1. *mine: 1 when mine was asked. */
int tasks_query_from(struct req *r, struct task_query *q, char today[11], int *mine,
                     struct err *e);

#endif
