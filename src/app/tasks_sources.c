/* tasks_sources.c — the task sources of the record types that fall due
 * (tasks.def): each derives, from its records' dates and statuses, what a
 * person must do and by when. They read as a->who (the principal) like
 * every read — the store applies its row rule, so staff get only tasks on
 * records they may see — and only the fields they need; none of them
 * filters by owner or date or sorts (app_tasks does).
 *
 * Most sources are one due date of a record in an open status
 * (struct date_rule); the others (documents, acknowledgements,
 * management reviews, evidence) have rules of their own, written out
 * below. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/text.h"
#include "../lib/util.h"
#include "../store/store_tasks.h"
#include "app.h"
#include "tasks.h"

#define MAX_COLS 12

static int is_in(const char *v, const char *const *set)
{
    for (int i = 0; v && set && set[i]; i++) {
        if (strcmp(v, set[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

/* The date part of a date or date-time value ("" when unset or invalid). */
static void date_of(const char *v, char out[11])
{
    int y, m, d;
    out[0] = 0;
    if (v && strlen(v) >= 10) {
        memcpy(out, v, 10);
        out[10] = 0;
        if (date_parse(out, &y, &m, &d)) {
            out[0] = 0;
        }
    }
}

/* date + months, the day clamped to the month's end (as the document
 * workflow sets a next review date). 0, or -1 for an invalid date. */
static int add_months(const char *date, int months, char out[11])
{
    int y, m, d;
    if (date_parse(date, &y, &m, &d) || months < 0 || months > 1200) {
        return -1;
    }
    m += months;
    y += (m - 1) / 12;
    m = (m - 1) % 12 + 1;
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int last = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    if (y > 9999) {
        return -1;
    }
    char tmp[40];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y, m, d > last ? last : d);
    strlcpy_(out, tmp, 11);
    return 0;
}

/* ---- reading records as the principal ---------------------------------------- */

/* One record as a source reads it: the values of the columns it asked for. */
struct row {
    const struct rtype *t;
    const char *ref;
    const char *const *cols;
    const char *const *vals;
};

static const char *rv(const struct row *r, const char *name)
{
    for (int k = 0; name && r->cols[k]; k++) {
        if (strcmp(r->cols[k], name) == 0) {
            return r->vals[k];
        }
    }
    return NULL;
}

struct walk {
    struct tasks *out;
    const void *rule;
    const struct task_query *q;
    int failed;
    /* while walking */
    const struct rtype *t;
    const char *const *cols;
    int (*fn)(struct walk *w, const struct row *r);
};

static int walk_row(void *ctx, const char *ref, const char *const *vals)
{
    struct walk *w = ctx;
    struct row r = {w->t, ref, w->cols, vals};
    if (w->fn(w, &r)) {
        w->failed = 1;
        return 1;
    }
    return 0;
}

/* Calls fn for each active record of type name a->who sees that has
 * one of the fields any_of set, with the values of cols (NULL-terminated;
 * the title field among them). When the query asks for one person's tasks
 * and owner_col is given, only the records whose owner_col names them are
 * read (an index); when it asks for overdue tasks only and due_col (the
 * one column the due date is, when it is one) is given, only the records
 * due before today. The store applies the principal's row rule
 * (store_tasks_rows): a field condition, or for staff the documents in
 * force they may read. */
static int walk(struct app *a, const char *name, const char *const *cols,
                const char *const *any_of, const char *owner_col, const char *due_col,
                int (*fn)(struct walk *w, const struct row *r), struct walk *w, struct err *e)
{
    const struct rtype *t = rtype_find(name);
    w->t = t;
    w->cols = cols;
    w->fn = fn;
    struct store_rows_q rq = {cols, any_of, {NULL, NULL}, {NULL, NULL}, NULL, NULL};
    if (due_col && w->q->overdue_only) {
        rq.before_col = due_col;
        rq.before_val = w->q->today;
    }
    if (owner_col && w->q->owner) {
        rq.eq_col[0] = owner_col;
        rq.eq_val[0] = w->q->owner;
    }
    if (store_tasks_rows(a->st, &a->who, t, &rq, walk_row, w, e)) {
        return -1;
    }
    return w->failed ? err_set(e, ERR_INTERNAL, NULL, "out of memory") : 0;
}

static int add(struct walk *w, const char *source, const char *what, const struct row *r,
               const char *title, const char *owner, const char *due)
{
    char link[160];
    snprintf(link, sizeof link, "/%s/%s", r->t->plural, r->ref);
    return task_add(w->out, source, what, r->ref, title, owner, due, link);
}

static const char *title_of(const struct row *r)
{
    const char *t = rv(r, r->t->title_field);
    return t ? t : r->ref;
}

/* ---- one due date in an open status ------------------------------------------- */

struct date_rule {
    const char *source;              /* the tasks.def name */
    const char *type;
    const char *date;                /* the due date (a date or date-time field) */
    const char *const *open;         /* statuses in which it is due */
    const char *what;                /* the verb */
    const char *noun;                /* "supplier": "Review supplier Acme" */
    const char *owner2;              /* who acts when the record names no owner */
};

static int date_task(struct walk *w, const struct row *r)
{
    const struct date_rule *d = w->rule;
    char due[11];
    date_of(rv(r, d->date), due);
    if (!due[0] || !is_in(rv(r, FIELD_STATUS), d->open)) {
        return 0;
    }
    const char *owner = rv(r, FIELD_OWNER);
    if (str_empty(owner) && d->owner2) {
        owner = rv(r, d->owner2);
    }
    char title[200];
    snprintf(title, sizeof title, "%s%s%s %s", d->what, d->noun[0] ? " " : "", d->noun,
             title_of(r));
    return add(w, d->source, d->what, r, title, owner, due);
}

static int date_source(struct app *a, const struct date_rule *d, const struct task_query *q,
                       struct tasks *out, struct err *e)
{
    const struct rtype *t = rtype_find(d->type);
    const char *cols[MAX_COLS] = {FIELD_OWNER, FIELD_STATUS, d->date, t->title_field, d->owner2,
                                  NULL};
    const char *any[] = {d->date, NULL};
    struct walk w = {out, d, q, 0, NULL, NULL, NULL};
    /* one person's: read only theirs, unless another field may name them */
    return walk(a, d->type, cols, any, d->owner2 ? NULL : FIELD_OWNER, d->date, date_task, &w,
                e);
}

#define V(...) (const char *const[]){__VA_ARGS__, NULL}

#define DATE_SOURCE(fn, ...)                                                              \
    static const struct date_rule fn##_rule = {__VA_ARGS__};                              \
    int fn(struct app *a, const struct task_query *q, struct tasks *out, struct err *e)   \
    {                                                                                     \
        return date_source(a, &fn##_rule, q, out, e);                                     \
    }

/* Treatment actions planned or in progress: complete by their due date. */
DATE_SOURCE(task_src_actions, "action", "action", "due_date", V("planned", "in-progress"),
            "Complete", "action", NULL)
/* Corrective actions planned or in progress: complete by their due date. */
DATE_SOURCE(task_src_corrective, "corrective", "corrective", "due_date",
            V("planned", "in-progress"), "Complete", "corrective action", NULL)
/* Nonconformities not closed: close (corrected, verified) by their due date. */
DATE_SOURCE(task_src_nonconformities, "nonconformity", "nonconformity", "due_date",
            V("open", "analysing", "action-planned", "verifying"), "Close", "nonconformity",
            NULL)
/* Suppliers: the task source supplier_review (src/app/suppliers.c), from the
 * last final assessment and the criticality. */
/* Continuity plans not withdrawn: test by their next test date. */
DATE_SOURCE(task_src_continuity, "continuity", "continuity", "next_test",
            V("draft", "approved", "under-review"), "Test", "continuity plan", NULL)
/* Context issues not closed and active requirements: review by their date. */
DATE_SOURCE(task_src_issues, "issue", "issue", "review_date", V("open", "monitored"), "Review",
            "issue", NULL)
DATE_SOURCE(task_src_requirements, "requirement", "requirement", "review_date", V("active"),
            "Review", "requirement", NULL)
/* Assets in use or planned: review by their next review date. */
DATE_SOURCE(task_src_assets, "asset", "asset", "review_date", V("active", "planned"), "Review",
            "asset", NULL)
/* Planned changes proposed, approved or under way: carry out when planned. */
DATE_SOURCE(task_src_changes, "change", "change", "planned_on",
            V("proposed", "approved", "in-progress"), "Carry out", "change", NULL)
/* Objectives still open: achieve by their due date. */
DATE_SOURCE(task_src_objectives, "objective", "objective", "due_date",
            V("planned", "on-track", "at-risk"), "Achieve", "objective", NULL)
/* Audits planned or under way: perform when planned (the lead auditor when
 * no owner is named). */
DATE_SOURCE(task_src_audits, "audit", "audit", "planned_on", V("planned", "in-progress"),
            "Conduct", "audit", "lead_auditor")
/* Communications planned or recurring: communicate on their next date. */
DATE_SOURCE(task_src_communications, "communication", "communication", "next_date",
            V("planned", "active"), "Communicate", "", "communicator")
/* Improvements accepted or under way: carry out by their due date. */
DATE_SOURCE(task_src_improvements, "improvement", "improvement", "due_date",
            V("accepted", "in-progress"), "Carry out", "improvement", NULL)

/* Trainings: a planned session is held on its date; a completed one whose
 * qualification expires is renewed by then. */
static const struct date_rule training_held = {"training", "training", "held_on",
                                               V("planned"), "Hold", "training", NULL};
static const struct date_rule training_renew = {"training", "training", "expires_on",
                                                V("completed"), "Renew", "training", NULL};

static int training_task(struct walk *w, const struct row *r)
{
    w->rule = &training_held;
    if (date_task(w, r)) {
        return -1;
    }
    w->rule = &training_renew;
    return date_task(w, r);
}

int task_src_trainings(struct app *a, const struct task_query *q, struct tasks *out,
                       struct err *e)
{
    static const char *const cols[] = {FIELD_OWNER, FIELD_STATUS, "held_on", "expires_on",
                                       "title", NULL};
    static const char *const any[] = {"held_on", "expires_on", NULL};
    struct walk w = {out, NULL, q, 0, NULL, NULL, NULL};
    return walk(a, "training", cols, any, FIELD_OWNER, NULL, training_task, &w, e);
}

/* ---- risks --------------------------------------------------------------------- */

/* Risks not closed: reviewed by their next review date, or at once (today)
 * when a change flagged them (review_reason). */
static int risk_task(struct walk *w, const struct row *r)
{
    const char *status = rv(r, FIELD_STATUS);
    if (status && strcmp(status, "closed") == 0) {
        return 0;
    }
    char due[11];
    date_of(rv(r, "review_date"), due);
    const char *why = rv(r, "review_reason");
    if (!str_empty(why) && (!due[0] || strcmp(due, w->q->today) > 0)) {
        strlcpy_(due, w->q->today, sizeof due);
    }
    if (!due[0]) {
        return 0;
    }
    char title[200];
    if (!str_empty(why)) {
        snprintf(title, sizeof title, "Review risk %s (%s)", title_of(r), why);
    } else {
        snprintf(title, sizeof title, "Review risk %s", title_of(r));
    }
    return add(w, "risk", "Review", r, title, rv(r, FIELD_OWNER), due);
}

int task_src_risks(struct app *a, const struct task_query *q, struct tasks *out, struct err *e)
{
    static const char *const cols[] = {FIELD_OWNER, FIELD_STATUS, "review_date", "review_reason",
                                       "title", NULL};
    static const char *const any[] = {"review_date", "review_reason", NULL};
    struct walk w = {out, NULL, q, 0, NULL, NULL, NULL};
    return walk(a, "risk", cols, any, FIELD_OWNER, "review_date", risk_task, &w, e);
}

/* ---- documents ------------------------------------------------------------------ */

/* A document in force (approved or published) is reviewed by its next
 * review date; without one, review_interval months (12 by default) after
 * its approval. */
static int doc_task(struct walk *w, const struct row *r)
{
    static const char *const in_force[] = {"approved", "published", NULL};
    if (!is_in(rv(r, FIELD_STATUS), in_force)) {
        return 0;
    }
    char due[11];
    date_of(rv(r, "review_date"), due);
    if (!due[0]) {
        char approved[11];
        const char *iv = rv(r, "review_interval");
        date_of(rv(r, "approved_on"), approved);
        if (!approved[0] || add_months(approved, iv ? atoi(iv) : 12, due)) {
            return 0;
        }
    }
    char title[200];
    snprintf(title, sizeof title, "Review document %s", title_of(r));
    return add(w, "document", "Review", r, title, rv(r, FIELD_OWNER), due);
}

int task_src_documents(struct app *a, const struct task_query *q, struct tasks *out,
                       struct err *e)
{
    static const char *const cols[] = {FIELD_OWNER,   FIELD_STATUS,      "review_date",
                                       "approved_on", "review_interval", "title",
                                       NULL};
    static const char *const any[] = {"review_date", "approved_on", NULL};
    struct walk w = {out, NULL, q, 0, NULL, NULL, NULL};
    return walk(a, "document", cols, any, FIELD_OWNER, NULL, doc_task, &w, e);
}

/* Acknowledgements: each person of a version's audience who has not
 * acknowledged the version in force acknowledges it within
 * TASK_ACK_DAYS of its approval. Staff see only their own; the others
 * (who read every document) everyone's. */
#define TASK_ACK_DAYS 30

static int ack_task(void *ctx, const char *person, const char *ref, const char *title,
                    int version, const char *approved_on)
{
    struct tasks *out = ctx;
    char due[11], approved[11], what_title[200], link[160];
    date_of(approved_on, approved);
    if (!approved[0] || date_add_days(approved, TASK_ACK_DAYS, due)) {
        return 0;
    }
    snprintf(what_title, sizeof what_title, "Read and acknowledge %s version %d.0",
             title ? title : ref, version);
    snprintf(link, sizeof link, "/documents/%s", ref);
    return task_add(out, "acknowledgement", "Acknowledge", ref, what_title, person, due, link);
}

int task_src_acknowledgements(struct app *a, const struct task_query *q, struct tasks *out,
                              struct err *e)
{
    /* narrowed to one person when the query asks for one (the rest would
     * be filtered out anyway); staff get only their own (the store) */
    if (store_tasks_pending_acks(a->st, &a->who, q->owner, ack_task, out, e)) {
        return -1;
    }
    return 0;
}

/* Documents in review: the reviewer reviews, then the approver approves,
 * within TASK_DOC_STEP_DAYS of the version's submission. Not for staff,
 * who never read a working copy. */
#define TASK_DOC_STEP_DAYS 14

static int doc_step_task(void *ctx, const char *person, const char *ref, const char *title,
                         int version, const char *since, const char *what)
{
    struct tasks *out = ctx;
    char due[11], day[11], text[200], link[160];
    date_of(since, day);
    if (!day[0] || date_add_days(day, TASK_DOC_STEP_DAYS, due)) {
        return 0;
    }
    int review = strcmp(what, "review") == 0;
    snprintf(text, sizeof text, "%s %s version %d.0", review ? "Review" : "Approve",
             title ? title : ref, version);
    snprintf(link, sizeof link, "/documents/%s", ref);
    return task_add(out, "document-step", review ? "Review" : "Approve", ref, text, person, due,
                    link);
}

int task_src_document_steps(struct app *a, const struct task_query *q, struct tasks *out,
                            struct err *e)
{
    (void)q;
    return store_tasks_doc_steps(a->st, &a->who, doc_step_task, out, e);
}

/* ---- management reviews ---------------------------------------------------------- */

/* A planned management review is held on its planned date, or (none set)
 * on the next review date the latest held review decided. When no review
 * is planned, the latest held review's next review date is due: plan and
 * hold it. The owner acts, else the chair. */
int task_src_reviews(struct app *a, const struct task_query *q, struct tasks *out, struct err *e)
{
    static const char *const cols[] = {FIELD_OWNER, FIELD_STATUS, "planned_on", "held_on",
                                       "next_review", "chair", "title", NULL};
    const struct rtype *t = rtype_find("review");
    struct query sq = {0};
    (void)q;
    sq.columns = cols;
    struct records l = {0};
    if (store_list(a->st, &a->who, t, &sq, records_add, &l, e)) {
        records_free(&l);
        return -1;
    }
    const struct record *latest = NULL;
    char latest_held[11] = "";
    int planned = 0;
    for (size_t i = 0; i < l.n; i++) {
        const char *st = record_get(l.v[i], FIELD_STATUS);
        char held[11];
        date_of(record_get(l.v[i], "held_on"), held);
        if (st && strcmp(st, "planned") == 0) {
            planned++;
        } else if (held[0] && strcmp(held, latest_held) >= 0) {
            latest = l.v[i];
            strlcpy_(latest_held, held, sizeof latest_held);
        }
    }
    char next[11] = "";
    if (latest) {
        date_of(record_get(latest, "next_review"), next);
    }
    int rc = 0;
    for (size_t i = 0; i < l.n && !rc; i++) {
        const struct record *r = l.v[i];
        const char *st = record_get(r, FIELD_STATUS);
        if (!st || strcmp(st, "planned") != 0) {
            continue;
        }
        char due[11];
        date_of(record_get(r, "planned_on"), due);
        if (!due[0]) {
            strlcpy_(due, next, sizeof due);
        }
        if (!due[0]) {
            continue;
        }
        const char *owner = record_get(r, FIELD_OWNER);
        char title[200], link[160];
        snprintf(title, sizeof title, "Hold management review %s", record_get(r, "title") ? record_get(r, "title") : r->ref);
        snprintf(link, sizeof link, "/reviews/%s", r->ref);
        rc = task_add(out, "review", "Hold", r->ref, title,
                      str_empty(owner) ? record_get(r, "chair") : owner, due, link);
    }
    if (!rc && !planned && latest && next[0]) {
        const char *owner = record_get(latest, FIELD_OWNER);
        char link[160];
        snprintf(link, sizeof link, "/reviews/%s", latest->ref);
        rc = task_add(out, "review", "Plan", latest->ref,
                      "Plan and hold the next management review",
                      str_empty(owner) ? record_get(latest, "chair") : owner, next, link);
    }
    records_free(&l);
    return rc ? err_set(e, ERR_INTERNAL, NULL, "out of memory") : 0;
}

/* ---- evidence ---------------------------------------------------------------------- */

/* An active attachment with a validity date is renewed by then, by the
 * owner of the record it is evidence for — when a->who may see that
 * record (app_attachments and app_record_get read as a->who). */
struct evidence {
    struct app *a;
    struct tasks *out;
    struct err *e;
    int rc;
};

static int evidence_task(void *ctx, const struct attachment_info *info)
{
    struct evidence *x = ctx;
    if (!info->active || !info->valid_until[0]) {
        return 0;
    }
    const struct rtype *t = rtype_of_ref(info->subject);
    if (!t) {
        return 0;
    }
    struct record *r = NULL;
    struct app *a = x->a;
    struct err e = {0};
    if (app_record_get(a, t, info->subject, &r, &e)) {
        if (e.code == ERR_NOTFOUND) {
            return 0;
        }
        *x->e = e;
        x->rc = -1;
        return 1;
    }
    char title[200], link[160];
    snprintf(title, sizeof title, "Renew evidence %.100s (%.24s) of %.40s", info->name, info->ref,
             info->subject);
    snprintf(link, sizeof link, "/%s/%s", t->plural, info->subject);
    const char *owner = record_get(r, FIELD_OWNER);
    if (str_empty(owner) && strcmp(t->name, "person") == 0) {
        owner = r->ref; /* a person's own evidence (a certificate): theirs to renew */
    }
    if (task_add(x->out, "evidence", "Renew", info->subject, title, owner, info->valid_until,
                 link)) {
        err_set(x->e, ERR_INTERNAL, NULL, "out of memory");
        x->rc = -1;
    }
    record_free(r);
    return x->rc;
}

int task_src_evidence(struct app *a, const struct task_query *q, struct tasks *out,
                      struct err *e)
{
    (void)q;
    struct evidence x = {a, out, e, 0};
    if (app_attachments(a, NULL, 0, evidence_task, &x, e)) {
        return -1;
    }
    return x.rc;
}
