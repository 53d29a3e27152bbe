/* suppliers.c — suppliers (A.5.19-5.23, SPEC.md §9): assessments are
 * records over time (type sassessment) and a supplier's next review is
 * computed from its latest final assessment and its criticality, never
 * typed; overdue reviews are a task source (supplier_review). The DPIA
 * rule of the privacy register and the rules of questionnaires and access
 * reviews run inside the generic write path (suppliers_derive). */
#include "suppliers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/buf.h"
#include "../lib/json.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "../model/perm.h"
#include "app_int.h"
#include "tasks.h"

const char supplier_interval_rule[] =
    "A supplier is reviewed again 6 months after its last final assessment when critical, "
    "12 months when high, 24 when medium, 36 when low, 12 when no criticality is set; a "
    "supplier never assessed is due from the day it was recorded.";

int supplier_interval_months(const char *c)
{
    if (!c || !*c) {
        return 12;
    }
    if (strcmp(c, "critical") == 0) {
        return 6;
    }
    if (strcmp(c, "high") == 0) {
        return 12;
    }
    if (strcmp(c, "medium") == 0) {
        return 24;
    }
    if (strcmp(c, "low") == 0) {
        return 36;
    }
    return 12;
}

/* date + months, the day clamped to the month's last (08-31 + 6 = 02-28). */
static void add_months(const char *date, int months, char out[11])
{
    int y, m, d;
    if (date_parse(date, &y, &m, &d)) {
        out[0] = 0;
        return;
    }
    int t = y * 12 + (m - 1) + months;
    y = t / 12;
    m = t % 12 + 1;
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int last = days[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    if (d > last) {
        d = last;
    }
    char txt[40];
    snprintf(txt, sizeof txt, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
    strlcpy_(out, txt, 11);
}

static int can_read(struct app *a, const struct rtype *t)
{
    return !a->has_viewer || (perm_allows(a->viewer_role, PERM_READ, t, -1) &&
                              perm_row_rule(a->viewer_role, t, a->viewer_person).kind != ROWS_NONE);
}

/* Every record of type the viewer sees (only columns), into out. */
static int list_visible(struct app *a, const char *type, const char *const *columns,
                        struct query *extra, struct records *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    const struct rtype *t = rtype_find(type);
    if (!can_read(a, t)) {
        return 0;
    }
    struct query q;
    memset(&q, 0, sizeof q);
    if (extra) {
        q = *extra;
    }
    if (a->has_viewer) {
        app_query_visible(t, a->viewer_role, a->viewer_person[0] ? a->viewer_person : NULL, &q);
    }
    q.columns = columns;
    return store_list(a->st, t, &q, records_add, out, e);
}

/* One record of type, through the viewer (missing and hidden alike). */
__attribute__((unused)) static int get_visible(struct app *a, const char *type, const char *ref, struct record **out,
                       struct err *e)
{
    const struct rtype *t = rtype_find(type);
    if (a->has_viewer) {
        return app_record_get_visible(a, t, ref, a->viewer_role,
                                      a->viewer_person[0] ? a->viewer_person : NULL, out, e);
    }
    return app_record_get(a, t, ref, out, e);
}

static const char *nz(const char *s)
{
    return s ? s : "";
}

/* ---- review schedule ------------------------------------------------------ */

struct last_seen {
    const char *supplier, *date, *ref, *result;
};

static int by_supplier_date(const void *x, const void *y)
{
    const struct last_seen *p = x, *q = y;
    int c = strcmp(p->supplier, q->supplier);
    return c ? c : -strcmp(p->date, q->date); /* latest first */
}

static int by_next(const void *x, const void *y)
{
    const struct supplier_due *p = x, *q = y;
    int c = strcmp(p->next, q->next);
    return c ? c : natcmp(p->ref, q->ref);
}

int app_supplier_schedule(struct app *a, const char *today, struct supplier_dues *out,
                          struct err *e)
{
    memset(out, 0, sizeof *out);
    if (today) {
        strlcpy_(out->today, today, sizeof out->today);
    } else {
        date_today(out->today);
    }
    static const char *const scols[] = {"name", "criticality", "assessed_on", "assessment",
                                        FIELD_OWNER, FIELD_STATUS, FIELD_CREATED, NULL};
    static const char *const acols[] = {"supplier", "assessed_on", "result", FIELD_STATUS,
                                        NULL};
    struct records s, l;
    if (list_visible(a, "supplier", scols, NULL, &s, e)) {
        return -1;
    }
    if (list_visible(a, "sassessment", acols, NULL, &l, e)) {
        records_free(&s);
        return -1;
    }
    struct last_seen *seen = xcalloc(l.n ? l.n : 1, sizeof *seen);
    size_t ns = 0;
    for (size_t i = 0; i < l.n; i++) {
        const struct record *r = l.v[i];
        const char *st = record_get(r, FIELD_STATUS);
        if (st && strcmp(st, "final") != 0) {
            continue;
        }
        seen[ns++] = (struct last_seen){nz(record_get(r, "supplier")),
                                        nz(record_get(r, "assessed_on")), r->ref,
                                        nz(record_get(r, "result"))};
    }
    qsort(seen, ns, sizeof *seen, by_supplier_date);
    out->v = xcalloc(s.n ? s.n : 1, sizeof *out->v);
    for (size_t i = 0; i < s.n; i++) {
        const struct record *r = s.v[i];
        const char *st = nz(record_get(r, FIELD_STATUS));
        if (strcmp(st, "terminated") == 0) {
            continue;
        }
        struct supplier_due *d = &out->v[out->n++];
        strlcpy_(d->ref, r->ref, sizeof d->ref);
        strlcpy_(d->name, nz(record_get(r, "name")), sizeof d->name);
        strlcpy_(d->criticality, nz(record_get(r, "criticality")), sizeof d->criticality);
        strlcpy_(d->owner, nz(record_get(r, FIELD_OWNER)), sizeof d->owner);
        strlcpy_(d->status, st, sizeof d->status);
        d->months = supplier_interval_months(d->criticality);
        struct last_seen key = {r->ref, "9999", NULL, NULL};
        /* the first entry of this supplier: latest date first */
        size_t lo = 0, hi = ns;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (strcmp(seen[mid].supplier, key.supplier) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if (lo < ns && strcmp(seen[lo].supplier, r->ref) == 0) {
            strlcpy_(d->last, seen[lo].date, sizeof d->last);
            strlcpy_(d->last_ref, seen[lo].ref, sizeof d->last_ref);
            strlcpy_(d->last_result, seen[lo].result, sizeof d->last_result);
        } else if (!str_empty(record_get(r, "assessed_on"))) {
            /* a supplier recorded before assessments were records */
            strlcpy_(d->last, record_get(r, "assessed_on"), sizeof d->last);
            strlcpy_(d->last_result, nz(record_get(r, "assessment")), sizeof d->last_result);
        }
        if (d->last[0]) {
            add_months(d->last, d->months, d->next);
        } else {
            d->never = 1;
            strlcpy_(d->next, nz(record_get(r, FIELD_CREATED)), sizeof d->next);
            if (!d->next[0]) {
                strlcpy_(d->next, out->today, sizeof d->next);
            }
        }
        d->overdue = strcmp(d->next, out->today) < 0;
    }
    qsort(out->v, out->n, sizeof *out->v, by_next);
    free(seen);
    records_free(&l);
    records_free(&s);
    return 0;
}

void supplier_dues_free(struct supplier_dues *d)
{
    free(d->v);
    memset(d, 0, sizeof *d);
}

void supplier_dues_json(const struct supplier_dues *d, struct buf *out)
{
    struct jw w;
    jw_init(&w, out, 0);
    jw_obj(&w);
    jw_key(&w, "today");
    jw_str(&w, d->today);
    jw_key(&w, "rule");
    jw_str(&w, supplier_interval_rule);
    jw_key(&w, "suppliers");
    jw_arr(&w);
    for (size_t i = 0; i < d->n; i++) {
        const struct supplier_due *s = &d->v[i];
        jw_obj(&w);
        jw_key(&w, "id");
        jw_str(&w, s->ref);
        jw_key(&w, "name");
        jw_str(&w, s->name);
        jw_key(&w, "criticality");
        jw_str(&w, s->criticality[0] ? s->criticality : NULL);
        jw_key(&w, "owner");
        jw_str(&w, s->owner[0] ? s->owner : NULL);
        jw_key(&w, "interval_months");
        jw_int(&w, s->months);
        jw_key(&w, "last_assessed");
        jw_str(&w, s->last[0] ? s->last : NULL);
        jw_key(&w, "last_assessment");
        jw_str(&w, s->last_ref[0] ? s->last_ref : NULL);
        jw_key(&w, "last_result");
        jw_str(&w, s->last_result[0] ? s->last_result : NULL);
        jw_key(&w, "next_review");
        jw_str(&w, s->next);
        jw_key(&w, "overdue");
        jw_bool(&w, s->overdue);
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
    jw_obj_end(&w);
}

int task_src_supplier_review(struct app *a, const struct task_query *q, struct tasks *out,
                             struct err *e)
{
    struct supplier_dues d;
    if (app_supplier_schedule(a, q ? q->today : NULL, &d, e)) {
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < d.n && rc == 0; i++) {
        const struct supplier_due *s = &d.v[i];
        char title[200], link[160];
        if (s->never) {
            snprintf(title, sizeof title, "Assess supplier %.120s (never assessed)", s->name);
        } else {
            snprintf(title, sizeof title, "Review supplier %.100s (%s: every %d months; last %s)",
                     s->name, s->criticality[0] ? s->criticality : "no criticality", s->months,
                     s->last);
        }
        snprintf(link, sizeof link, "/suppliers/%s", s->ref);
        rc = task_add(out, "supplier_review", "Review", s->ref, title,
                      s->owner[0] ? s->owner : NULL, s->next, link);
    }
    supplier_dues_free(&d);
    return rc ? err_set(e, ERR_INTERNAL, NULL, "out of memory") : 0;
}

/* ---- rules ------------------------------------------------------------------- */

static int is(const struct record *r, const char *type)
{
    return strcmp(r->type->name, type) == 0;
}

int suppliers_derive(struct app *a, struct record *r, const struct record *orig, struct err *e)
{
    if (is(r, "dpia")) {
        const char *st = record_get(r, FIELD_STATUS);
        if (st && strcmp(st, "complete") == 0 && str_empty(record_get(r, "decision"))) {
            return err_set(e, ERR_INVALID, "decision",
                           "decision: a DPIA marked complete needs a decision (proceed, "
                           "proceed-with-measures, consult-authority or do-not-proceed)");
        }
        if (st && strcmp(st, "complete") == 0 && str_empty(record_get(r, "decided_on"))) {
            char today[11];
            date_today(today);
            int i;
            if (rtype_field(r->type, "decided_on", &i)) {
                record_set_take(r, i, xstrdup(today));
            }
        }
        return 0;
    }
    if (is(r, "questionnaire") && !a->accepting) {
        /* one recorded by hand (answered on paper) has no link: only
         * `isms questionnaire send` makes one */
        const char *st = record_get(r, FIELD_STATUS);
        const char *was = orig ? record_get(orig, FIELD_STATUS) : NULL;
        if (st && strcmp(st, "completed") == 0 && !(was && strcmp(was, st) == 0)) {
            return err_set(e, ERR_INVALID, FIELD_STATUS,
                           "status: a questionnaire is completed when the supplier answers "
                           "it through its link");
        }
        if (was && strcmp(was, "completed") == 0 && st && strcmp(st, "completed") != 0) {
            return err_set(e, ERR_INVALID, FIELD_STATUS,
                           "status: %s was answered; its answers stay", r->ref ? r->ref : "");
        }
        return 0;
    }
    if (is(r, "aaccount") && orig && !a->accepting) {
        const char *was = record_get(orig, "review");
        const char *now = record_get(r, "review");
        if (was && now && strcmp(was, now) != 0) {
            return err_set(e, ERR_INVALID, "review",
                           "review: an account stays in the review it was listed in");
        }
    }
    return 0;
}
