/* metrics.c — metrics, measurements and objectives (6.2, 9.1): the rules
 * that run in the generic write path, the evaluation of a metric's trend
 * (computed on every read, stored nowhere), an objective's status from its
 * metric, and the two task sources "Measure" and "Respond to breach". */
#include "metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/json.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "app_int.h"
#include "tasks.h"

#define TASK_SOURCE(name, fn)                                                                      \
    int fn(struct app *a, const struct task_query *q, struct tasks *out, struct err *e);
#include "tasks.def"
#undef TASK_SOURCE

static int is(const struct record *r, const char *type)
{
    return strcmp(r->type->name, type) == 0;
}

static int same(const char *x, const char *y)
{
    return (x == NULL && y == NULL) || (x && y && strcmp(x, y) == 0);
}

static void filter(struct query *q, const struct rtype *t, const char *field, const char *value)
{
    q->filter_field[q->nfilter] = rtype_field(t, field, NULL);
    q->filter_value[q->nfilter] = value;
    q->nfilter++;
}

/* ---- a metric's measurements --------------------------------------------- */

struct first {
    struct record *r;
};

static int keep_first(void *ctx, struct record *r)
{
    struct first *f = ctx;
    if (!f->r) {
        f->r = r;
        return 1;
    }
    record_free(r);
    return 1;
}

/* The latest active measurement of metric ref that who sees (or NULL):
 * *out owned. */
static int latest_measurement(struct app *a, const struct principal *who, const char *ref,
                              struct record **out, struct err *e)
{
    const struct rtype *mt = rtype_find("measurement");
    struct query q = {0};
    filter(&q, mt, "metric", ref);
    q.sort = rtype_field(mt, "measured_on", NULL);
    q.desc = 1;
    q.limit = 1;
    struct first f = {0};
    if (store_list(a->st, who, mt, &q, keep_first, &f, e)) {
        record_free(f.r);
        return -1;
    }
    *out = f.r;
    return 0;
}

static enum meval evaluate(const struct record *metric, const char *value)
{
    double v;
    if (!value || number_parse(value, &v)) {
        return MEVAL_NONE;
    }
    return metric_evaluate(record_get(metric, "direction"), record_get(metric, "target"),
                           record_get(metric, "threshold"), v);
}

/* app_metric_latest as who: the rules ask as the system (the stored
 * status of an objective must follow every measurement). */
static int metric_latest_as(struct app *a, const struct principal *who, const char *ref,
                            enum meval *eval, char on[11], struct err *e)
{
    *eval = MEVAL_NONE;
    if (on) {
        on[0] = 0;
    }
    if (str_empty(ref)) {
        return 0;
    }
    struct record *metric = NULL, *m = NULL;
    const struct rtype *t = rtype_find("metric");
    struct err nf = {0};
    if (store_get(a->st, who, t, ref, &metric, &nf)) {
        if (nf.code == ERR_NOTFOUND) {
            return 0;
        }
        *e = nf;
        return -1;
    }
    int rc = latest_measurement(a, who, ref, &m, e);
    if (rc == 0 && m) {
        *eval = evaluate(metric, record_get(m, "value"));
        if (on) {
            strlcpy_(on, record_get(m, "measured_on"), 11);
        }
    }
    record_free(m);
    record_free(metric);
    return rc;
}

int app_metric_latest(struct app *a, const char *ref, enum meval *eval, char on[11],
                      struct err *e)
{
    return metric_latest_as(a, &a->who, ref, eval, on, e);
}

static int objective_status_as(struct app *a, const struct principal *who,
                               const struct record *obj, char *out, size_t n, struct err *e)
{
    enum meval ev;
    if (metric_latest_as(a, who, record_get(obj, "metric"), &ev, NULL, e)) {
        return -1;
    }
    char today[11];
    date_today(today);
    const char *ongoing = record_get(obj, "ongoing");
    strlcpy_(out,
             objective_status(ev, record_get(obj, "due_date"), ongoing && strcmp(ongoing, "1") == 0,
                              today),
             n);
    return 0;
}

int app_objective_status(struct app *a, const struct record *obj, char *out, size_t n,
                         struct err *e)
{
    return objective_status_as(a, &a->who, obj, out, n, e);
}

static int add_point(void *ctx, struct record *r)
{
    struct metric_trend *t = ctx;
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 32;
        t->v = xrealloc(t->v, t->cap * sizeof *t->v);
    }
    struct metric_point *p = &t->v[t->n++];
    memset(p, 0, sizeof *p);
    strlcpy_(p->ref, r->ref, sizeof p->ref);
    strlcpy_(p->on, record_get(r, "measured_on"), sizeof p->on);
    const char *v = record_get(r, "value");
    strlcpy_(p->value, v ? v : "", sizeof p->value);
    if (!v || number_parse(v, &p->v)) {
        p->v = 0;
    }
    p->eval = evaluate(t->metric, v);
    const char *c = record_get(r, "comment"), *resp = record_get(r, "response");
    p->comment = c ? xstrdup(c) : NULL;
    p->response = resp ? xstrdup(resp) : NULL;
    record_free(r);
    return 0;
}

int app_metric_trend(struct app *a, const char *ref, struct metric_trend *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    const struct rtype *t = rtype_find("metric"), *mt = rtype_find("measurement");
    if (app_record_get(a, t, ref, &out->metric, e)) {
        return -1;
    }
    struct query q = {0};
    filter(&q, mt, "metric", out->metric->ref);
    q.sort = rtype_field(mt, "measured_on", NULL);
    if (store_list(a->st, &a->who, mt, &q, add_point, out, e)) {
        metric_trend_free(out);
        return -1;
    }
    return 0;
}

void metric_trend_free(struct metric_trend *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->v[i].comment);
        free(t->v[i].response);
    }
    free(t->v);
    record_free(t->metric);
    memset(t, 0, sizeof *t);
}

static void num_or_null(struct jw *w, const char *s)
{
    if (s) {
        jw_numtext(w, s);
    } else {
        jw_null(w);
    }
}

static void point_json(struct jw *w, const struct metric_point *p)
{
    jw_obj(w);
    jw_key(w, "id");
    jw_str(w, p->ref);
    jw_key(w, "measured_on");
    jw_str(w, p->on);
    jw_key(w, "value");
    num_or_null(w, p->value[0] ? p->value : NULL);
    jw_key(w, "evaluation");
    jw_str(w, meval_name(p->eval));
    jw_key(w, "comment");
    jw_str(w, p->comment);
    jw_key(w, "response");
    jw_str(w, p->response);
    jw_obj_end(w);
}

/* The date the next measurement of metric m falls due (after the latest
 * one, else from the metric's creation), or "" without a frequency. */
static void next_due(const struct record *m, const char *latest_on, char out[11])
{
    out[0] = 0;
    const char *freq = record_get(m, "frequency");
    if (!freq) {
        return;
    }
    if (latest_on && *latest_on) {
        if (metric_next_due(freq, latest_on, out)) {
            out[0] = 0;
        }
    } else {
        const char *created = record_get(m, FIELD_CREATED);
        if (created && strlen(created) >= 10) {
            memcpy(out, created, 10);
            out[10] = 0;
        }
    }
}

void metric_trend_json(struct jw *w, const struct metric_trend *t)
{
    const struct record *m = t->metric;
    jw_obj(w);
    jw_key(w, "metric");
    jw_obj(w);
    jw_key(w, "id");
    jw_str(w, m->ref);
    static const char *const texts[] = {"name", "unit", "direction", "frequency", FIELD_OWNER,
                                        "measured_by", NULL};
    for (int i = 0; texts[i]; i++) {
        jw_key(w, texts[i]);
        jw_str(w, record_get(m, texts[i]));
    }
    jw_key(w, "target");
    num_or_null(w, record_get(m, "target"));
    jw_key(w, "threshold");
    num_or_null(w, record_get(m, "threshold"));
    jw_obj_end(w);
    jw_key(w, "latest");
    if (t->n) {
        point_json(w, &t->v[t->n - 1]);
    } else {
        jw_null(w);
    }
    char due[11];
    next_due(m, t->n ? t->v[t->n - 1].on : NULL, due);
    jw_key(w, "next_due");
    jw_str(w, due[0] ? due : NULL);
    jw_key(w, "points");
    jw_arr(w);
    for (size_t i = 0; i < t->n; i++) {
        point_json(w, &t->v[i]);
    }
    jw_arr_end(w);
    jw_obj_end(w);
}

/* ---- objectives follow their metric ---------------------------------------- */

/* Sets r's stored status to the one computed now (r an objective), from
 * every measurement (a rule: read as the system). */
static int objective_derive(struct app *a, struct record *r, struct err *e)
{
    char st[24];
    int i;
    if (objective_status_as(a, principal_sys(), r, st, sizeof st, e)) {
        return -1;
    }
    if (rtype_field(r->type, FIELD_STATUS, &i) && !same(r->v[i], st)) {
        record_set_take(r, i, xstrdup(st));
    }
    return 0;
}

struct refresh {
    struct app *a;
    struct err *e;
    int rc;
};

static int refresh_one(void *ctx, struct record *orig)
{
    struct refresh *f = ctx;
    struct record *r = record_dup(orig);
    int changed = 0;
    if (objective_derive(f->a, r, f->e) || app_save_tx(f->a, orig, r, "update", &changed, f->e)) {
        f->rc = -1;
    }
    record_free(r);
    record_free(orig);
    return f->rc;
}

/* Re-computes the stored status of every objective of metric ref. */
static int refresh_objectives(struct app *a, const char *ref, struct err *e)
{
    if (str_empty(ref)) {
        return 0;
    }
    const struct rtype *ot = rtype_find("objective");
    struct query q = {0};
    filter(&q, ot, "metric", ref);
    struct records rows = {0};
    if (store_list(a->st, principal_sys(), ot, &q, records_add, &rows, e)) {
        records_free(&rows);
        return -1;
    }
    struct refresh f = {a, e, 0};
    for (size_t i = 0; i < rows.n; i++) {
        if (f.rc == 0) {
            refresh_one(&f, rows.v[i]);
        } else {
            record_free(rows.v[i]);
        }
    }
    free(rows.v);
    return f.rc;
}

/* ---- rules of the write path -------------------------------------------- */

static int measurement_derive(struct app *a, struct record *r, const struct record *orig,
                              struct err *e)
{
    const char *mref = record_get(r, "metric");
    const char *on = record_get(r, "measured_on");
    const char *value = record_get(r, "value");
    char today[11];
    date_today(today);
    if (on && strcmp(on, today) > 0) {
        return err_set(e, ERR_INVALID, "measured_on",
                       "measured_on: %s is in the future (today is %s); record a measurement "
                       "once it is taken",
                       on, today);
    }
    struct record *metric = NULL;
    if (store_get(a->st, principal_sys(), rtype_find("metric"), mref, &metric, e)) {
        return -1;
    }
    int rc = 0;
    const char *unit = record_get(metric, "unit");
    double v = 0;
    int metric_changed = !orig || !same(record_get(orig, "metric"), mref);
    if (metric_changed && (record_get(metric, FIELD_RETIRED) ||
                           !same(record_get(metric, FIELD_STATUS), "active"))) {
        rc = err_set(e, ERR_INVALID, "metric",
                     "metric: %s is %s; measurements are recorded against active metrics",
                     mref, record_get(metric, FIELD_RETIRED) ? "retired" : "inactive");
    } else if (value && number_parse(value, &v) == 0 && unit && strcmp(unit, "%") == 0 &&
               (v < 0 || v > 100)) {
        rc = err_set(e, ERR_INVALID, "value",
                     "value: %s is not a percentage; %s (%s) is measured in %% (0 to 100)", value,
                     mref, record_get(metric, "name"));
    }
    record_free(metric);
    return rc;
}

int improve_derive(struct app *a, struct record *r, const struct record *orig,
                   struct err *e); /* improve.c */

int metrics_derive(struct app *a, struct record *r, const struct record *orig,
                   const unsigned char *touched, struct err *e)
{
    (void)touched;
    if (is(r, "metric")) {
        return metric_limits_check(record_get(r, "direction"), record_get(r, "target"),
                                   record_get(r, "threshold"), e);
    }
    if (is(r, "measurement")) {
        return measurement_derive(a, r, orig, e);
    }
    if (is(r, "objective")) {
        return objective_derive(a, r, e);
    }
    return improve_derive(a, r, orig, e); /* nonconformities, actions, improvements */
}

int metrics_after(struct app *a, const struct record *orig, const struct record *r,
                  struct err *e)
{
    if (is(r, "measurement")) {
        const char *was = orig ? record_get(orig, "metric") : NULL;
        if (was && !same(was, record_get(r, "metric")) && refresh_objectives(a, was, e)) {
            return -1;
        }
        return refresh_objectives(a, record_get(r, "metric"), e);
    }
    if (is(r, "metric") && orig) {
        static const char *const f[] = {"direction", "target", "threshold", NULL};
        for (int i = 0; f[i]; i++) {
            if (!same(record_get(orig, f[i]), record_get(r, f[i]))) {
                return refresh_objectives(a, r->ref, e);
            }
        }
    }
    return 0;
}

/* ---- computed parts of a record's JSON ------------------------------------ */

/* Opens b's object again for more keys: drops the closing brace. */
static void reopen(struct buf *b)
{
    while (b->len && (b->p[b->len - 1] == '\n' || b->p[b->len - 1] == ' ')) {
        b->len--;
    }
    if (b->len && b->p[b->len - 1] == '}') {
        b->len--;
    }
    while (b->len && (b->p[b->len - 1] == '\n' || b->p[b->len - 1] == ' ')) {
        b->len--;
    }
    b->p[b->len] = 0;
}

static void key(struct buf *b, const char *k)
{
    buf_puts(b, b->len && b->p[b->len - 1] != '{' ? "," : "");
    json_quote(b, k);
    buf_putc(b, ':');
}

int app_improve_record_json(struct app *a, const struct record *rec, struct buf *b,
                            struct err *e); /* improve.c */

int app_metrics_record_json(struct app *a, const struct record *rec, struct buf *b,
                            struct err *e)
{
    struct jw w;
    if (is(rec, "measurement")) {
        struct record *metric = NULL;
        struct err nf = {0};
        enum meval ev = MEVAL_NONE;
        if (store_get(a->st, &a->who, rtype_find("metric"), record_get(rec, "metric"), &metric,
                      &nf) == 0) {
            ev = evaluate(metric, record_get(rec, "value"));
            record_free(metric);
        }
        reopen(b);
        key(b, "evaluation");
        json_quote(b, meval_name(ev));
        buf_putc(b, '}');
        return 0;
    }
    if (is(rec, "metric")) {
        struct metric_trend t;
        if (app_metric_trend(a, rec->ref, &t, e)) {
            return -1;
        }
        reopen(b);
        key(b, "latest");
        jw_init(&w, b, 0);
        if (t.n) {
            point_json(&w, &t.v[t.n - 1]);
        } else {
            jw_null(&w);
        }
        char due[11];
        next_due(t.metric, t.n ? t.v[t.n - 1].on : NULL, due);
        key(b, "next_due");
        json_quote(b, due);
        buf_putc(b, '}');
        metric_trend_free(&t);
        return 0;
    }
    if (is(rec, "objective")) {
        char st[24];
        if (app_objective_status(a, rec, st, sizeof st, e)) {
            return -1;
        }
        reopen(b);
        key(b, "status_today");
        json_quote(b, st);
        buf_putc(b, '}');
        return 0;
    }
    return app_improve_record_json(a, rec, b, e);
}

/* ---- task sources ------------------------------------------------------- */

struct collect {
    struct app *a;
    struct tasks *out;
    struct err *e;
    int breach; /* 1: Respond to breach; 0: Measure */
    int rc;
};

static int metric_task(void *ctx, struct record *m)
{
    struct collect *c = ctx;
    const char *name = record_get(m, "name");
    if (!same(record_get(m, FIELD_STATUS), "active")) {
        record_free(m);
        return 0;
    }
    struct record *last = NULL;
    if (latest_measurement(c->a, &c->a->who, m->ref, &last, c->e)) {
        c->rc = -1;
        record_free(m);
        return 1;
    }
    char title[200], link[160], due[11];
    if (!c->breach) {
        next_due(m, last ? record_get(last, "measured_on") : NULL, due);
        if (due[0]) {
            const char *who = record_get(m, "measured_by");
            snprintf(title, sizeof title, "Measure %.150s (%s)", name,
                     record_get(m, "frequency"));
            snprintf(link, sizeof link, "/metrics/%s", m->ref);
            if (task_add(c->out, "measure", "Measure", m->ref, title,
                         who ? who : record_get(m, FIELD_OWNER), due, link)) {
                c->rc = err_set(c->e, ERR_INTERNAL, NULL, "out of memory");
            }
        }
    } else if (last && evaluate(m, record_get(last, "value")) == MEVAL_BREACH &&
               str_empty(record_get(last, "response"))) {
        const char *unit = record_get(m, "unit");
        snprintf(title, sizeof title, "Respond to breach: %.120s was %s%s%s on %s (target %s)",
                 name, record_get(last, "value"), unit && strcmp(unit, "%") != 0 ? " " : "",
                 unit ? unit : "", record_get(last, "measured_on"), record_get(m, "target"));
        snprintf(link, sizeof link, "/measurements/%s", last->ref);
        if (date_add_days(record_get(last, "measured_on"), 7, due) == 0 &&
            task_add(c->out, "breach", "Respond to breach", last->ref, title,
                     record_get(m, FIELD_OWNER), due, link)) {
            c->rc = err_set(c->e, ERR_INTERNAL, NULL, "out of memory");
        }
    }
    record_free(last);
    record_free(m);
    return c->rc;
}

static int metric_tasks(struct app *a, struct tasks *out, int breach, struct err *e)
{
    const struct rtype *t = rtype_find("metric");
    struct query q = {0};
    struct collect c = {a, out, e, breach, 0};
    if (store_list(a->st, &a->who, t, &q, metric_task, &c, e)) {
        return -1;
    }
    return c.rc;
}

/* Active metrics with a frequency: measure when the next measurement falls
 * due (after the latest, else at once), by who measures (else the owner). */
int task_src_measure(struct app *a, const struct task_query *q, struct tasks *out,
                     struct err *e)
{
    (void)q;
    return metric_tasks(a, out, 0, e);
}

/* An active metric whose latest measurement is a breach without a recorded
 * response: its owner responds (the escalation), within 7 days. */
int task_src_breach(struct app *a, const struct task_query *q, struct tasks *out,
                    struct err *e)
{
    (void)q;
    return metric_tasks(a, out, 1, e);
}
