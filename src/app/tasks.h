/* tasks.h — one task model (included by what uses it). Everything that
 * falls due in the ISMS — actions, corrective actions, nonconformities,
 * document reviews and acknowledgements, risk reviews, measurements,
 * control tests, audits, management reviews, supplier reviews, continuity
 * tests, evidence expiry, certificate and surveillance dates, incident
 * notification deadlines — is DERIVED from the records by the sources in
 * tasks.def, never typed twice. The dashboard, `isms tasks`, the API, and
 * later the calendar feed and e-mail reminders all read app_tasks(). */
#ifndef ISMS_TASKS_H
#define ISMS_TASKS_H

#include <stddef.h>

#include "../lib/err.h"

struct app;

enum task_state {
    TASK_LATER,   /* due after the lead time */
    TASK_SOON,    /* due within the lead time (struct task_query.lead_days) */
    TASK_OVERDUE, /* due before today */
};

/* The texts are never NULL ("" when empty) and live in the list's own
 * pool (struct tasks): a large ISMS has tens of thousands of tasks, so a
 * task is about 100 bytes and its texts, not fixed arrays of 500. They are
 * cut at the lengths noted (bytes, with their terminator). */
struct task {
    const char *source;  /* the tasks.def name of the source that derived it */
    const char *what;    /* the verb a person acts on: "Measure", "Review", "Acknowledge" (48) */
    const char *subject; /* the record (or ISMS object) it is about: "NC-0003" (40) */
    const char *title;   /* what a person reads: "Measure Patch latency (monthly)" (200) */
    const char *link;    /* the page where it is done: "/nonconformities/NC-0003" (160) */
    char owner[40];      /* the person who must act ("" when nobody is named) */
    char due[11];        /* YYYY-MM-DD */
    enum task_state state;
};

struct task_chunk;
struct tasks {
    struct task *v;
    int n, cap;
    struct task_chunk *pool; /* the texts of v, freed with the list */
    size_t pool_bytes;
};

struct task_query {
    const char *today;    /* YYYY-MM-DD (NULL: today) */
    int lead_days;        /* "due soon" window (0: 14 days) */
    const char *owner;    /* only this person's tasks (NULL: everyone's) */
    int overdue_only;
    int horizon_days;     /* leave out what is due later than today + this (0: no limit) */
};

/* A source adds every task its records imply to out (task_add), whatever
 * the query's filters (app_tasks applies them). It reads as a->who (the
 * principal) like any read: staff get only tasks on records they see. Returns 0 or -1 with e set. */
typedef int (*task_source_fn)(struct app *a, const struct task_query *q, struct tasks *out,
                              struct err *e);

/* Every source of tasks.def, declared (each defined beside its records). */
#define TASK_SOURCE(name, fn) int fn(struct app *a, const struct task_query *q, \
                                     struct tasks *out, struct err *e);
#include "tasks.def"
#undef TASK_SOURCE

/* Appends a task; state is computed by app_tasks. Returns 0, -1 on memory. */
int task_add(struct tasks *out, const char *source, const char *what, const char *subject,
             const char *title, const char *owner, const char *due, const char *link);

/* Every task q selects, by due date then subject; out freed with
 * tasks_free. Refuses (ERR_INVALID, field "owner") an owner that is not a
 * person's identifier and (ERR_NOTFOUND, field "owner") one that names no
 * person (for a viewer who may read people; for others it has no tasks); (ERR_INVALID, field "days") a horizon outside 0..TASK_DAYS_MAX. */
#define TASK_DAYS_MAX 3660
int app_tasks(struct app *a, const struct task_query *q, struct tasks *out, struct err *e);
void tasks_free(struct tasks *t);

/* "overdue", "soon", "later". */
const char *task_state_name(enum task_state s);
/* Parses a --days / ?days= value (untrusted): a whole number 1..TASK_DAYS_MAX
 * into *days, else ERR_INVALID naming field "days". */
int task_parse_days(const char *s, int *days, struct err *e);

/* The one JSON form of a task list (the CLI's --json and GET /api/v1/tasks):
 * {today, owner, count, overdue, soon, tasks: [{source, what, subject,
 * title, owner, due, state, link}]}; owner null for everyone's. */
struct jw;
void tasks_json(struct jw *w, const struct tasks *t, const struct task_query *q,
                const char *today);

#endif
