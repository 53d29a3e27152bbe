/* certificate.c — certification (SPEC.md §2 clause 9, "Certification"): the
 * surveillance schedule a certificate implies (surveillance audits at the
 * first and second anniversary of issue, recertification before expiry),
 * computed from its dates and the audits held, never typed; warnings at the
 * certificate's lead times (warn_first/second/third, default 60/30/7 days) before each
 * deadline and before the closure deadline of every nonconformity the
 * certification body raised (type cnc). Two task sources (tasks.def). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/json.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "app_int.h"
#include "review.h"
#include "tasks.h"

void cert_warn_of(const struct record *c, int out[CERT_WARN_MAX], int *n)
{
    static const char *const fields[CERT_WARN_MAX] = {"warn_first", "warn_second",
                                                      "warn_third"};
    static const int defaults[CERT_WARN_MAX] = {60, 30, 7};
    *n = 0;
    for (int i = 0; c && i < CERT_WARN_MAX; i++) {
        const char *v = record_get(c, fields[i]);
        int d = v ? atoi(v) : 0, dup = 0;
        for (int k = 0; k < *n; k++) {
            dup |= out[k] == d;
        }
        if (d > 0 && !dup) {
            out[(*n)++] = d;
        }
    }
    if (*n == 0) {
        memcpy(out, defaults, sizeof defaults);
        *n = CERT_WARN_MAX;
    }
    for (int i = 0; i < *n; i++) { /* largest first */
        for (int j = i + 1; j < *n; j++) {
            if (out[j] > out[i]) {
                int t = out[i];
                out[i] = out[j];
                out[j] = t;
            }
        }
    }
}

int cert_warn_stage(const int *warn, int nwarn, const char *today, const char *due)
{
    if (strcmp(due, today) < 0) {
        return -1;
    }
    int stage = 0;
    for (int i = 0; i < nwarn; i++) {
        char from[11];
        if (date_add_days(due, -warn[i], from) == 0 && strcmp(today, from) >= 0) {
            stage = warn[i]; /* the list is largest first: the last that holds is the smallest */
        }
    }
    return stage;
}

static void add_years(const char *date, int years, char out[11])
{
    char t[32];
    snprintf(t, sizeof t, "%04d%.6s", (atoi(date) + years) % 10000, date + 4);
    if (strcmp(t + 4, "-02-29") == 0) {
        memcpy(t + 8, "28", 2);
    }
    strlcpy_(out, t, 11);
}

struct audits {
    struct records l;
};

/* The audits of kind held (performed, else planned) after the issue date,
 * in date order; *k-th of them satisfies the k-th deadline of that kind. */
static const struct record *nth_audit(const struct records *l, const char *kind,
                                      const char *after, int nth)
{
    const struct record *pick[8];
    int n = 0;
    for (size_t i = 0; i < l->n && n < 8; i++) {
        const struct record *r = l->v[i];
        const char *k = record_get(r, "kind");
        const char *d = record_get(r, "performed_on");
        const char *st = record_get(r, FIELD_STATUS);
        if (k && strcmp(k, kind) == 0 && d && strcmp(d, after) > 0 && st &&
            strcmp(st, "cancelled") != 0) {
            pick[n++] = r;
        }
    }
    for (int i = 0; i < n; i++) { /* by date */
        for (int j = i + 1; j < n; j++) {
            if (strcmp(record_get(pick[j], "performed_on"), record_get(pick[i], "performed_on")) <
                0) {
                const struct record *t = pick[i];
                pick[i] = pick[j];
                pick[j] = t;
            }
        }
    }
    return nth <= n ? pick[nth - 1] : NULL;
}

static int schedule_of(struct app *a, const struct record *c, const struct records *audits,
                       struct cert_schedule *s, struct err *e)
{
    memset(s, 0, sizeof *s);
    snprintf(s->ref, sizeof s->ref, "%s", c->ref);
    snprintf(s->number, sizeof s->number, "%s", record_get(c, "number"));
    snprintf(s->body, sizeof s->body, "%s", record_get(c, "body"));
    cert_warn_of(c, s->warn, &s->nwarn);
    (void)a;
    (void)e;
    const char *iss = record_get(c, "issued_on");
    if (!iss) {
        return 0;
    }
    for (int k = 1; k <= 2; k++) {
        struct cert_deadline *d = &s->d[s->nd++];
        snprintf(d->what, sizeof d->what, "Surveillance audit %d", k);
        add_years(iss, k, d->due);
        const struct record *au = nth_audit(audits, "surveillance", iss, k);
        snprintf(d->audit, sizeof d->audit, "%s", au ? au->ref : "");
    }
    struct cert_deadline *d = &s->d[s->nd++];
    snprintf(d->what, sizeof d->what, "Recertification audit");
    const char *exp = record_get(c, "expires_on");
    if (exp) {
        snprintf(d->due, sizeof d->due, "%s", exp);
    } else {
        add_years(iss, 3, d->due);
    }
    const struct record *au = nth_audit(audits, "recertification", iss, 1);
    snprintf(d->audit, sizeof d->audit, "%s", au ? au->ref : "");
    return 0;
}

static int read_all(struct app *a, const char *type, struct records *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    const struct rtype *t = rtype_find(type);
    struct err ne = {0};
    if (app_may_read(a, t, 0, &ne)) {
        return 0; /* a type the role may not read: none of it */
    }
    struct query q = {0};
    return store_list(a->st, &a->who, t, &q, records_add, out, e);
}

int app_cert_schedule(struct app *a, const char *ref, struct cert_schedule *out, struct err *e)
{
    const struct rtype *t = rtype_find("certificate");
    struct record *c = NULL;
    if (rtype_of_ref(ref) != t) {
        return err_set(e, ERR_NOTFOUND, NULL, "no certificate %.40s (a certificate is CERT-0001)",
                       ref);
    }
    int rc = app_record_get(a, t, ref, &c, e);
    if (rc) {
        return -1;
    }
    struct records au;
    if (read_all(a, "audit", &au, e)) {
        record_free(c);
        return -1;
    }
    rc = schedule_of(a, c, &au, out, e);
    records_free(&au);
    record_free(c);
    return rc;
}

void cert_schedule_json(const struct cert_schedule *s, const char *today, struct buf *out)
{
    char t[11];
    if (today) {
        strlcpy_(t, today, sizeof t);
    } else {
        date_today(t);
    }
    struct jw w;
    jw_init(&w, out, 0);
    jw_obj(&w);
    jw_key(&w, "certificate");
    jw_str(&w, s->ref);
    jw_key(&w, "number");
    jw_str(&w, s->number);
    jw_key(&w, "body");
    jw_str(&w, s->body);
    jw_key(&w, "warn_days");
    jw_arr(&w);
    for (int i = 0; i < s->nwarn; i++) {
        jw_int(&w, s->warn[i]);
    }
    jw_arr_end(&w);
    jw_key(&w, "schedule");
    jw_arr(&w);
    for (int i = 0; i < s->nd; i++) {
        const struct cert_deadline *d = &s->d[i];
        jw_obj(&w);
        jw_key(&w, "what");
        jw_str(&w, d->what);
        jw_key(&w, "due");
        jw_str(&w, d->due);
        jw_key(&w, "audit");
        jw_str(&w, d->audit[0] ? d->audit : NULL);
        int st = d->audit[0] ? 0 : cert_warn_stage(s->warn, s->nwarn, t, d->due);
        jw_key(&w, "state");
        jw_str(&w, d->audit[0] ? "held" : st < 0 ? "overdue" : st > 0 ? "warning" : "scheduled");
        jw_key(&w, "warning_days");
        if (st > 0) {
            jw_int(&w, st);
        } else {
            jw_null(&w);
        }
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
    jw_obj_end(&w);
}

static void warn_title(char *out, size_t n, const char *what, const char *due, int stage)
{
    if (stage < 0) {
        snprintf(out, n, "%s was due %s: OVERDUE", what, due);
    } else if (stage > 0) {
        snprintf(out, n, "%s due %s (within %d days)", what, due, stage);
    } else {
        snprintf(out, n, "%s due %s", what, due);
    }
}

/* Each audit a certificate in force still needs: prepare it. */
int task_src_certificates(struct app *a, const struct task_query *q, struct tasks *out,
                          struct err *e)
{
    struct records cl, au;
    if (read_all(a, "certificate", &cl, e)) {
        return -1;
    }
    if (read_all(a, "audit", &au, e)) {
        records_free(&cl);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < cl.n && rc == 0; i++) {
        const struct record *c = cl.v[i];
        const char *st = record_get(c, FIELD_STATUS);
        if (!st || (strcmp(st, "active") != 0 && strcmp(st, "suspended") != 0)) {
            continue;
        }
        struct cert_schedule s;
        if ((rc = schedule_of(a, c, &au, &s, e)) != 0) {
            break;
        }
        for (int k = 0; k < s.nd && rc == 0; k++) {
            const struct cert_deadline *d = &s.d[k];
            if (d->audit[0]) {
                continue;
            }
            char what[160], title[240], link[160];
            snprintf(what, sizeof what, "%s of certificate %.40s (%.40s)", d->what, s.number,
                     s.body);
            warn_title(title, sizeof title, what, d->due,
                       cert_warn_stage(s.warn, s.nwarn, q->today, d->due));
            snprintf(link, sizeof link, "/certificates/%s", c->ref);
            rc = task_add(out, "certificate", "Prepare", c->ref, title,
                          record_get(c, FIELD_OWNER), d->due, link);
            if (rc) {
                rc = err_set(e, ERR_INTERNAL, NULL, "out of memory");
            }
        }
    }
    records_free(&cl);
    records_free(&au);
    return rc;
}

/* Nonconformities the certification body raised, not closed: close them by
 * their deadline (warned at their certificate's lead times). */
int task_src_cncs(struct app *a, const struct task_query *q, struct tasks *out, struct err *e)
{
    struct records l, cl;
    if (read_all(a, "cnc", &l, e)) {
        return -1;
    }
    if (read_all(a, "certificate", &cl, e)) {
        records_free(&l);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < l.n && rc == 0; i++) {
        const struct record *r = l.v[i];
        const char *st = record_get(r, FIELD_STATUS);
        const char *by = record_get(r, "close_by");
        if (!by || !st || strcmp(st, "closed") == 0) {
            continue;
        }
        int warn[CERT_WARN_MAX], nw = 0;
        const struct record *cr = NULL;
        const char *cert = record_get(r, "certificate");
        for (size_t k = 0; cert && k < cl.n; k++) {
            if (strcmp(cl.v[k]->ref, cert) == 0) {
                cr = cl.v[k];
            }
        }
        cert_warn_of(cr, warn, &nw);
        char what[160], title[240], link[160];
        snprintf(what, sizeof what, "Close %s nonconformity \"%.80s\"",
                 record_get(r, "grade") ? record_get(r, "grade") : "", record_get(r, "title"));
        warn_title(title, sizeof title, what, by, cert_warn_stage(warn, nw, q->today, by));
        snprintf(link, sizeof link, "/cncs/%s", r->ref);
        if (task_add(out, "cnc", "Close", r->ref, title, record_get(r, FIELD_OWNER), by, link)) {
            rc = err_set(e, ERR_INTERNAL, NULL, "out of memory");
        }
    }
    records_free(&l);
    records_free(&cl);
    return rc;
}
