/* tasks.c — the one task model: runs every source of tasks.def, gives each
 * task its state (overdue / due soon / later) against today, applies the
 * query's filters and orders by due date. The sources themselves only
 * derive; none of them filters or sorts. */
#include "tasks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/text.h"
#include "../lib/util.h"
#include "app.h"

#define TASK_SOURCE(name, fn) int fn(struct app *a, const struct task_query *q, struct tasks *out, \
                                     struct err *e);
#include "tasks.def"
#undef TASK_SOURCE

static const struct {
    const char *name;
    task_source_fn fn;
} sources[] = {
#define TASK_SOURCE(name, fn) {#name, fn},
#include "tasks.def"
#undef TASK_SOURCE
};

static void copy(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src ? src : "");
}

int task_add(struct tasks *out, const char *source, const char *what, const char *subject,
             const char *title, const char *owner, const char *due, const char *link)
{
    if (out->n == out->cap) {
        int cap = out->cap ? out->cap * 2 : 64;
        struct task *v = realloc(out->v, (size_t)cap * sizeof *v);
        if (!v) {
            return -1;
        }
        out->v = v;
        out->cap = cap;
    }
    struct task *t = &out->v[out->n++];
    memset(t, 0, sizeof *t);
    t->source = source;
    copy(t->what, sizeof t->what, what);
    copy(t->subject, sizeof t->subject, subject);
    copy(t->title, sizeof t->title, title);
    copy(t->owner, sizeof t->owner, owner);
    copy(t->due, sizeof t->due, due);
    copy(t->link, sizeof t->link, link);
    return 0;
}

void tasks_free(struct tasks *t)
{
    free(t->v);
    memset(t, 0, sizeof *t);
}

static int by_due(const void *pa, const void *pb)
{
    const struct task *x = pa, *y = pb;
    int c = strcmp(x->due, y->due);
    if (c == 0) {
        c = strcmp(x->subject, y->subject);
    }
    return c ? c : strcmp(x->what, y->what);
}

int app_tasks(struct app *a, const struct task_query *q, struct tasks *out, struct err *e)
{
    char today[11], soon[11], horizon[11] = "";
    memset(out, 0, sizeof *out);
    if (q->today) {
        copy(today, sizeof today, q->today);
    } else {
        date_today(today);
    }
    struct task_query sq = *q;
    sq.today = today;
    date_add_days(today, q->lead_days > 0 ? q->lead_days : 14, soon);
    if (q->horizon_days > 0) {
        date_add_days(today, q->horizon_days, horizon);
    }
    for (size_t i = 0; i < sizeof sources / sizeof sources[0]; i++) {
        if (sources[i].fn(a, &sq, out, e)) {
            tasks_free(out);
            return -1;
        }
    }
    int n = 0;
    for (int i = 0; i < out->n; i++) {
        struct task *t = &out->v[i];
        t->state = strcmp(t->due, today) < 0 ? TASK_OVERDUE
                   : strcmp(t->due, soon) <= 0 ? TASK_SOON
                                                : TASK_LATER;
        if ((q->owner && strcmp(t->owner, q->owner) != 0) ||
            (q->overdue_only && t->state != TASK_OVERDUE) ||
            (horizon[0] && strcmp(t->due, horizon) > 0)) {
            continue;
        }
        out->v[n++] = *t;
    }
    out->n = n;
    qsort(out->v, (size_t)out->n, sizeof *out->v, by_due);
    return 0;
}

/* ---- sources of the records themselves -------------------------------- */

struct collect {
    struct tasks *out;
    int failed;
};

static int add_action(void *ctx, struct record *r)
{
    struct collect *c = ctx;
    const char *due = record_get(r, "due_date");
    const char *status = record_get(r, FIELD_STATUS);
    if (due && *due && status && (strcmp(status, "planned") == 0 ||
                                  strcmp(status, "in-progress") == 0)) {
        char title[200], link[160];
        snprintf(title, sizeof title, "%s", record_get(r, "title"));
        snprintf(link, sizeof link, "/actions/%s", r->ref);
        if (task_add(c->out, "action", "Complete", r->ref, title, record_get(r, FIELD_OWNER),
                     due, link)) {
            c->failed = 1;
        }
    }
    record_free(r);
    return c->failed;
}

/* Treatment actions planned or in progress with a due date: complete. */
int task_src_actions(struct app *a, const struct task_query *q, struct tasks *out,
                     struct err *e)
{
    (void)q;
    const struct rtype *t = rtype_find("action");
    struct query sq = {0};
    struct collect c = {out, 0};
    if (store_list(a->st, &a->who, t, &sq, add_action, &c, e)) {
        return -1;
    }
    return c.failed ? err_set(e, ERR_INTERNAL, NULL, "out of memory") : 0;
}
