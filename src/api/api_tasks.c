/* api_tasks.c — GET /api/v1/tasks: the one task model (app_tasks) as the
 * JSON of tasks_json, with the filters of the page and the CLI
 * (tasks_query_from: mine, all, overdue, owner, days), read as the
 * request's viewer. */
#include "../web/tasks_web.h"
#include "api_int.h"

int api_tasks(struct req *r, struct resp *w)
{
    static const char *const allowed[] = {"mine", "all", "overdue", "owner", "days", NULL};
    struct err e = {0};
    struct task_query q;
    char today[11];
    int mine = 0;
    struct tasks t;
    if (api_query_only(r, allowed, &e) || tasks_query_from(r, &q, today, &mine, &e) ||
        app_tasks(r->app, &q, &t, &e)) {
        return api_fail(r, w, &e);
    }
    struct buf b;
    struct jw j;
    buf_init(&b, 0);
    jw_init(&j, &b, 0);
    tasks_json(&j, &t, &q, today);
    tasks_free(&t);
    return api_send(w, 200, &b);
}
