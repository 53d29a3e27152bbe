/* suppliers.c — suppliers (A.5.19-5.23, SPEC.md §9): assessments are
 * records over time (type sassessment) and a supplier's next review is
 * computed from its latest final assessment and its criticality, never
 * typed; overdue reviews are a task source (supplier_review). The DPIA
 * rule of the privacy register and the rules of questionnaires and access
 * reviews run inside the generic write path (suppliers_derive). */
#include "suppliers.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/buf.h"
#include "../lib/csv.h"
#include "../lib/hash.h"
#include "../store/store_suppliers.h"
#include "../lib/json.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "../model/perm.h"
#include "app_int.h"
#include "signoff.h"
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
    return principal_is_system(&a->who) ||
           (perm_allows(a->who.role, PERM_READ, t, -1) && perm_rows(&a->who, t).kind != ROWS_NONE);
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
    q.columns = columns;
    return store_list(a->st, &a->who, t, &q, records_add, out, e); /* the row rule: the store's */
}

/* One record of type, through the viewer (missing and hidden alike). */
static int get_visible(struct app *a, const char *type, const char *ref, struct record **out,
                       struct err *e)
{
    return app_record_get(a, rtype_find(type), ref, out, e); /* reads as a->who */
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

static int areview_derive(struct app *a, struct record *r, const struct record *orig,
                          struct err *e);

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
    if (is(r, "areview")) {
        return areview_derive(a, r, orig, e);
    }
    if (is(r, "aaccount") && orig && !a->accepting) {
        const char *was = record_get(orig, "campaign");
        const char *now = record_get(r, "campaign");
        if (was && now && strcmp(was, now) != 0) {
            return err_set(e, ERR_INVALID, "campaign",
                           "campaign: an account stays in the access review it was listed in");
        }
    }
    return 0;
}

/* ---- questionnaires ----------------------------------------------------------- */

#define QTOKEN_LEN 43 /* 32 bytes, base64url without padding */

double qscore(const char *type, const char *choices, const char *expected, int weight,
              const char *answer, double *max)
{
    *max = 0;
    if (!type || strcmp(type, "text") == 0 || weight <= 0) {
        return 0;
    }
    *max = weight;
    if (!answer || !*answer) {
        return 0;
    }
    if (strcmp(type, "yes-no") == 0) {
        const char *want = str_empty(expected) ? "yes" : expected;
        return strcmp(answer, want) == 0 ? weight : 0;
    }
    if (strcmp(type, "number") == 0) {
        double v, min;
        if (number_parse(answer, &v)) {
            return 0;
        }
        if (str_empty(expected) || number_parse(expected, &min)) {
            return weight; /* no minimum: any number earns it */
        }
        return v >= min ? weight : 0;
    }
    /* choice: the k-th of n choices earns weight x (n-1-k)/(n-1) */
    int n = 0, k = -1;
    const char *p = choices ? choices : "";
    while (*p) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        while (len && p[0] == ' ') {
            p++;
            len--;
        }
        size_t l2 = len;
        while (l2 && p[l2 - 1] == ' ') {
            l2--;
        }
        if (l2 == strlen(answer) && strncmp(p, answer, l2) == 0) {
            k = n;
        }
        n++;
        if (!bar) {
            break;
        }
        p = bar + 1;
    }
    if (k < 0) {
        return 0;
    }
    return n <= 1 ? weight : weight * (double)(n - 1 - k) / (double)(n - 1);
}

/* Is answer one of choices ("a|b|c", spaces around each trimmed)? */
static int choice_ok(const char *choices, const char *answer)
{
    const char *p = choices ? choices : "";
    size_t al = strlen(answer);
    while (*p) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        const char *s = p;
        while (len && *s == ' ') {
            s++;
            len--;
        }
        while (len && s[len - 1] == ' ') {
            len--;
        }
        if (len == al && strncmp(s, answer, len) == 0) {
            return 1;
        }
        if (!bar) {
            break;
        }
        p = bar + 1;
    }
    return 0;
}

void qform_free(struct qform *f)
{
    free(f->q);
    f->q = NULL;
    f->n = 0;
}

static void token_sha(const char *token, char out[65])
{
    sha256_hex(token, strlen(token), out);
}

static int token_shape_ok(const char *t)
{
    if (!t || strlen(t) != QTOKEN_LEN) {
        return 0;
    }
    for (const char *p = t; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_')) {
            return 0;
        }
    }
    return 1;
}

/* The active questions of template, by position then identifier, as who
 * reads them: the system for the public page on purpose (its only read of
 * records: the token is the authority and reaches only its questionnaire's
 * questions), the reader for the answers page. */
static int load_questions(struct app *a, const struct principal *who, const char *tmpl,
                          struct qform *f, struct err *e)
{
    const struct rtype *t = rtype_find("qquestion");
    struct query q;
    memset(&q, 0, sizeof q);
    q.nfilter = 1;
    q.filter_field[0] = rtype_field(t, "template", NULL);
    q.filter_value[0] = tmpl;
    q.sort = rtype_field(t, "position", NULL);
    struct records l;
    memset(&l, 0, sizeof l);
    if (store_list(a->st, who, t, &q, records_add, &l, e)) {
        records_free(&l);
        return -1;
    }
    f->q = xcalloc(l.n ? l.n : 1, sizeof *f->q);
    f->n = 0;
    for (size_t i = 0; i < l.n && f->n < QMAX_QUESTIONS; i++) {
        const struct record *r = l.v[i];
        const char *st = record_get(r, FIELD_STATUS);
        if (st && strcmp(st, "active") != 0) {
            continue;
        }
        struct qitem *it = &f->q[f->n++];
        strlcpy_(it->ref, r->ref, sizeof it->ref);
        strlcpy_(it->text, nz(record_get(r, "text")), sizeof it->text);
        strlcpy_(it->type, nz(record_get(r, "answer_type")), sizeof it->type);
        strlcpy_(it->choices, nz(record_get(r, "choices")), sizeof it->choices);
        strlcpy_(it->expected, nz(record_get(r, "expected")), sizeof it->expected);
        const char *w = record_get(r, "weight");
        it->weight = w ? atoi(w) : 1;
    }
    records_free(&l);
    return 0;
}

/* who: the system for the public page (the token is the authority), the
 * reader for the answers (hidden and missing alike). */
static int fill_head(struct app *a, const struct principal *who, const struct record *qr,
                     struct qform *f, struct err *e)
{
    strlcpy_(f->questionnaire, qr->ref, sizeof f->questionnaire);
    strlcpy_(f->supplier, nz(record_get(qr, "supplier")), sizeof f->supplier);
    strlcpy_(f->completed_at, nz(record_get(qr, "completed_at")), sizeof f->completed_at);
    strlcpy_(f->expires_at, nz(record_get(qr, "expires_at")), sizeof f->expires_at);
    const char *sc = record_get(qr, "score");
    f->score = sc ? atof(sc) : 0;
    struct record *s = NULL, *t = NULL;
    if (store_get(a->st, who, rtype_find("supplier"), f->supplier, &s, e) ||
        store_get(a->st, who, rtype_find("qtemplate"), nz(record_get(qr, "template")), &t, e)) {
        record_free(s);
        return -1;
    }
    strlcpy_(f->supplier_name, nz(record_get(s, "name")), sizeof f->supplier_name);
    strlcpy_(f->title, nz(record_get(t, "title")), sizeof f->title);
    strlcpy_(f->intro, nz(record_get(t, "description")), sizeof f->intro);
    record_free(s);
    record_free(t);
    return load_questions(a, who, nz(record_get(qr, "template")), f, e);
}

int app_questionnaire_send_tx(struct app *a, const char *supplier, const char *tmpl,
                              const char *contact, int days, char **ref, char **token,
                              struct err *e)
{
    *ref = NULL;
    *token = NULL;
    if (days == 0) {
        days = 14;
    }
    if (days < 1 || days > 90) {
        return err_set(e, ERR_INVALID, "days", "days: a link is valid for 1 to 90 days, not %d",
                       days);
    }
    struct record *s = NULL, *t = NULL;
    if (get_visible(a, "supplier", supplier ? supplier : "", &s, e)) {
        return -1;
    }
    const char *sst = record_get(s, FIELD_STATUS);
    if (sst && strcmp(sst, "terminated") == 0) {
        record_free(s);
        return err_set(e, ERR_INVALID, "supplier", "supplier: %s is terminated", supplier);
    }
    record_free(s);
    if (get_visible(a, "qtemplate", tmpl ? tmpl : "", &t, e)) {
        if (e->field[0] == 0) {
            strlcpy_(e->field, "template", sizeof e->field);
        }
        return -1;
    }
    record_free(t);
    struct qform f;
    memset(&f, 0, sizeof f);
    if (load_questions(a, &a->who, tmpl, &f, e)) {
        return -1;
    }
    int nq = f.n;
    qform_free(&f);
    if (nq == 0) {
        return err_set(e, ERR_INVALID, "template",
                       "template: %s has no active questions to send", tmpl);
    }
    unsigned char raw[32], nraw[16];
    randombytes_buf(raw, sizeof raw);
    randombytes_buf(nraw, sizeof nraw);
    char tok[64], nonce[40], sha[65];
    sodium_bin2base64(tok, sizeof tok, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_bin2hex(nonce, sizeof nonce, nraw, sizeof nraw);
    sodium_memzero(raw, sizeof raw);
    token_sha(tok, sha);
    char now[21], today[11], exp_day[11], expires[24];
    time_now(now);
    memcpy(today, now, 10);
    today[10] = 0;
    date_add_days(today, days, exp_day);
    snprintf(expires, sizeof expires, "%.10s%.10s", exp_day, now + 10);
    struct kv kv[] = {{"supplier", supplier}, {"template", tmpl},
                      {"contact", contact ? contact : ""}, {"sent_on", today},
                      {"expires_at", expires}, {FIELD_STATUS, "sent"}};
    int n = (int)(sizeof kv / sizeof kv[0]);
    a->accepting = 1;
    int rc = app_add_tx(a, rtype_find("questionnaire"), kv, n, NULL, 1, ref, e);
    a->accepting = 0;
    if (rc == 0) {
        char at[21];
        time_now(at);
        rc = store_qtoken_add(a->st, *ref, sha, supplier, expires, nonce, at, e);
    }
    if (rc) {
        free(*ref);
        *ref = NULL;
        return -1;
    }
    *token = xstrdup(tok);
    sodium_memzero(tok, sizeof tok);
    return 0;
}

int app_questionnaire_send(struct app *a, const char *supplier, const char *tmpl,
                           const char *contact, int days, char **ref, char **token,
                           struct err *e)
{
    *ref = NULL;
    *token = NULL;
    if (store_begin(a->st, e)) {
        return -1;
    }
    if (app_questionnaire_send_tx(a, supplier, tmpl, contact, days, ref, token, e) ||
        store_commit(a->st, e)) {
        store_rollback(a->st);
        free(*ref);
        free(*token);
        *ref = *token = NULL;
        return -1;
    }
    return 0;
}

/* The link behind token, with its refusals. */
static int qlink_find(struct app *a, const char *token, struct qtoken_row *row,
                      struct record **qr, struct err *e)
{
    *qr = NULL;
    static const char unknown[] =
        "This questionnaire link is not valid. Ask the person who sent it to you for a new one.";
    if (!token_shape_ok(token)) {
        return err_set(e, ERR_NOTFOUND, NULL, "%s", unknown);
    }
    char sha[65];
    token_sha(token, sha);
    int found = store_qtoken_find(a->st, sha, row, e);
    if (found < 0) {
        return -1;
    }
    if (!found) {
        return err_set(e, ERR_NOTFOUND, NULL, "%s", unknown);
    }
    if (store_get(a->st, principal_sys(), rtype_find("questionnaire"), row->questionnaire, qr,
                  e)) {
        return -1;
    }
    const char *st = record_get(*qr, FIELD_STATUS);
    if (row->used_at[0] || (st && strcmp(st, "completed") == 0)) {
        err_set(e, ERR_CONFLICT, NULL,
                "This questionnaire was already answered (%.10s). Thank you; nothing more is "
                "needed.",
                row->used_at[0] ? row->used_at : nz(record_get(*qr, "completed_at")));
        goto refuse;
    }
    if ((st && strcmp(st, "cancelled") == 0) || record_get(*qr, FIELD_RETIRED)) {
        err_set(e, ERR_CONFLICT, NULL, "This questionnaire was withdrawn by the sender.");
        goto refuse;
    }
    char now[21];
    time_now(now);
    if (strcmp(now, row->expires_at) >= 0) {
        err_set(e, ERR_CONFLICT, NULL,
                "This questionnaire link expired on %.10s at %.5s UTC. Ask the person who sent "
                "it to you for a new one.",
                row->expires_at, row->expires_at + 11);
        goto refuse;
    }
    return 0;
refuse:
    record_free(*qr);
    *qr = NULL;
    return -1;
}

int app_qlink_open(struct app *a, const char *token, struct qform *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    struct qtoken_row row;
    struct record *qr;
    if (qlink_find(a, token, &row, &qr, e)) {
        return -1;
    }
    int rc = fill_head(a, principal_sys(), qr, out, e);
    strlcpy_(out->nonce, row.nonce, sizeof out->nonce);
    record_free(qr);
    return rc;
}

int app_qlink_submit_tx(struct app *a, const char *token, const char *nonce,
                        const struct kv *kv, int n, double *score, struct err *e)
{
    struct qform f;
    if (app_qlink_open(a, token, &f, e)) {
        qform_free(&f);
        return -1;
    }
    if (!nonce || strlen(nonce) != strlen(f.nonce) ||
        sodium_memcmp(nonce, f.nonce, strlen(f.nonce)) != 0) {
        qform_free(&f);
        return err_set(e, ERR_FORBIDDEN, "_nonce",
                       "This form does not belong to this questionnaire link (or is out of "
                       "date). Open the link again and answer there; nothing was recorded.");
    }
    /* every answer must name a question of this questionnaire */
    for (int i = 0; i < n; i++) {
        if (kv[i].name[0] == '_') {
            continue;
        }
        int known = 0;
        for (int k = 0; k < f.n && !known; k++) {
            known = strcmp(f.q[k].ref, kv[i].name) == 0;
        }
        if (!known) {
            qform_free(&f);
            return err_set(e, ERR_INVALID, NULL,
                           "'%.40s' is not a question of this questionnaire; nothing was "
                           "recorded.",
                           kv[i].name);
        }
    }
    double total = 0, max_total = 0;
    for (int k = 0; k < f.n; k++) {
        struct qitem *q = &f.q[k];
        const char *ans = NULL;
        for (int i = 0; i < n; i++) {
            if (strcmp(kv[i].name, q->ref) == 0) {
                ans = kv[i].value;
            }
        }
        ans = ans ? ans : "";
        int bad = 0;
        char why[160] = "";
        if (!utf8_valid(ans, strlen(ans)) || text_bad_control(ans, 1)) {
            bad = 1;
            snprintf(why, sizeof why, "contains characters that are not text");
        } else if (strlen(ans) > 2000) {
            bad = 1;
            snprintf(why, sizeof why, "is longer than 2000 characters");
        } else if (strcmp(q->type, "text") != 0 && !*ans) {
            bad = 1;
            snprintf(why, sizeof why, "needs an answer");
        } else if (strcmp(q->type, "yes-no") == 0 && strcmp(ans, "yes") && strcmp(ans, "no")) {
            bad = 1;
            snprintf(why, sizeof why, "takes yes or no");
        } else if (strcmp(q->type, "choice") == 0 && !choice_ok(q->choices, ans)) {
            bad = 1;
            snprintf(why, sizeof why, "takes one of the choices offered");
        } else if (strcmp(q->type, "number") == 0) {
            double v;
            if (number_parse(ans, &v)) {
                bad = 1;
                snprintf(why, sizeof why, "takes a number (like 12 or 3.5)");
            }
        }
        if (bad) {
            err_set(e, ERR_INVALID, q->ref, "Question %d (%.80s) %s; nothing was recorded.",
                    k + 1, q->text, why);
            qform_free(&f);
            return -1;
        }
        strlcpy_(q->answer, ans, sizeof q->answer);
        q->points = qscore(q->type, q->choices, q->expected, q->weight, ans, &q->max_points);
        total += q->points;
        max_total += q->max_points;
    }
    double pct = max_total > 0 ? (double)(long)(total * 1000.0 / max_total + 0.5) / 10.0 : 0;
    char now[21], pct_s[32];
    time_now(now);
    snprintf(pct_s, sizeof pct_s, "%.1f", pct);
    char saved_actor[sizeof a->actor];
    memcpy(saved_actor, a->actor, sizeof saved_actor);
    snprintf(a->actor, sizeof a->actor, "questionnaire-link:%s", f.questionnaire);
    int rc = 0;
    {
        int done = 0;
        rc = store_qtoken_use(a->st, f.questionnaire, now, &done, e);
        if (rc == 0 && !done) {
            rc = err_set(e, ERR_CONFLICT, NULL,
                         "This questionnaire was already answered. Thank you; nothing more is "
                         "needed.");
        }
        for (int k = 0; k < f.n && rc == 0; k++) {
            struct qanswer_row row = {f.q[k].ref,    f.q[k].text,   f.q[k].type,
                                      f.q[k].answer, f.q[k].weight, f.q[k].points,
                                      f.q[k].max_points};
            rc = store_qanswer_add(a->st, f.questionnaire, &row, e);
        }
        if (rc == 0) {
            struct kv set[] = {{FIELD_STATUS, "completed"}, {"completed_at", now},
                               {"score", pct_s}};
            int changed = 0;
            a->accepting = 1;
            rc = app_edit_tx(a, rtype_find("questionnaire"), f.questionnaire, set, 3, 1,
                             &changed, e);
            a->accepting = 0;
        }
    }
    memcpy(a->actor, saved_actor, sizeof saved_actor);
    qform_free(&f);
    if (rc == 0 && score) {
        *score = pct;
    }
    return rc;
}

int app_qlink_submit(struct app *a, const char *token, const char *nonce, const struct kv *kv,
                     int n, double *score, struct err *e)
{
    IN_TRANSACTION(a, e, app_qlink_submit_tx(a, token, nonce, kv, n, score, e));
}

/* The answers as they were given: each question as it was asked then. */
static int answer_row(void *ctx, const struct qanswer_row *a)
{
    struct qform *f = ctx;
    if (f->n >= QMAX_QUESTIONS) {
        return 1;
    }
    if (f->n % 16 == 0) {
        f->q = xrealloc(f->q, (size_t)(f->n + 16) * sizeof *f->q);
    }
    struct qitem *q = &f->q[f->n++];
    memset(q, 0, sizeof *q);
    strlcpy_(q->ref, a->question, sizeof q->ref);
    strlcpy_(q->text, nz(a->text), sizeof q->text);
    strlcpy_(q->type, nz(a->type), sizeof q->type);
    strlcpy_(q->answer, nz(a->answer), sizeof q->answer);
    q->weight = a->weight;
    q->points = a->points;
    q->max_points = a->max_points;
    f->score += a->points;
    f->max_score += a->max_points;
    return 0;
}

int app_questionnaire_answers(struct app *a, const char *ref, struct qform *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    struct record *qr = NULL;
    if (get_visible(a, "questionnaire", ref, &qr, e)) {
        return -1;
    }
    int rc = fill_head(a, &a->who, qr, out, e);
    const char *st = record_get(qr, FIELD_STATUS);
    out->completed = st && strcmp(st, "completed") == 0;
    record_free(qr);
    out->score = 0;
    if (rc == 0 && out->completed) {
        /* what was asked then, not the template as it is now */
        qform_free(out);
        rc = store_qanswers(a->st, &a->who, ref, answer_row, out, e);
    }
    return rc;
}

void qform_answers_json(const struct qform *f, struct buf *out)
{
    struct jw w;
    jw_init(&w, out, 0);
    jw_obj(&w);
    jw_key(&w, "id");
    jw_str(&w, f->questionnaire);
    jw_key(&w, "supplier");
    jw_str(&w, f->supplier);
    jw_key(&w, "supplier_name");
    jw_str(&w, f->supplier_name);
    jw_key(&w, "title");
    jw_str(&w, f->title);
    jw_key(&w, "completed");
    jw_bool(&w, f->completed);
    jw_key(&w, "completed_at");
    jw_str(&w, f->completed_at[0] ? f->completed_at : NULL);
    jw_key(&w, "expires_at");
    jw_str(&w, f->expires_at[0] ? f->expires_at : NULL);
    jw_key(&w, "points");
    jw_num(&w, f->score);
    jw_key(&w, "max_points");
    jw_num(&w, f->max_score);
    jw_key(&w, "score_percent");
    if (f->completed && f->max_score > 0) {
        jw_num(&w, (double)(long)(f->score * 1000.0 / f->max_score + 0.5) / 10.0);
    } else {
        jw_null(&w);
    }
    jw_key(&w, "answers");
    jw_arr(&w);
    for (int k = 0; k < f->n; k++) {
        const struct qitem *q = &f->q[k];
        jw_obj(&w);
        jw_key(&w, "question");
        jw_str(&w, q->ref);
        jw_key(&w, "text");
        jw_str(&w, q->text);
        jw_key(&w, "answer_type");
        jw_str(&w, q->type);
        jw_key(&w, "weight");
        jw_int(&w, q->weight);
        jw_key(&w, "answer");
        jw_str(&w, f->completed ? q->answer : NULL);
        jw_key(&w, "points");
        jw_num(&w, q->points);
        jw_key(&w, "max_points");
        jw_num(&w, q->max_points);
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
    jw_obj_end(&w);
}

/* ---- privacy register ------------------------------------------------------------ */

static void refs_text(const char *v, char *out, size_t n)
{
    strlcpy_(out, v ? v : "", n);
}

int app_privacy_register(struct app *a, struct privacy_register *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    struct records pl, dl;
    if (list_visible(a, "processing", NULL, NULL, &pl, e)) {
        return -1;
    }
    static const char *const dcols[] = {"processing", FIELD_STATUS, "decision", FIELD_CREATED,
                                        NULL};
    if (list_visible(a, "dpia", dcols, NULL, &dl, e)) {
        records_free(&pl);
        return -1;
    }
    out->v = xcalloc(pl.n ? pl.n : 1, sizeof *out->v);
    for (size_t i = 0; i < pl.n; i++) {
        const struct record *r = pl.v[i];
        struct privacy_row *p = &out->v[out->n++];
        strlcpy_(p->ref, r->ref, sizeof p->ref);
        strlcpy_(p->name, nz(record_get(r, "name")), sizeof p->name);
        strlcpy_(p->legal_basis, nz(record_get(r, "legal_basis")), sizeof p->legal_basis);
        strlcpy_(p->role, nz(record_get(r, "role")), sizeof p->role);
        strlcpy_(p->owner, nz(record_get(r, FIELD_OWNER)), sizeof p->owner);
        strlcpy_(p->retention, nz(record_get(r, "retention")), sizeof p->retention);
        refs_text(record_get(r, "processors"), p->processors, sizeof p->processors);
        refs_text(record_get(r, "systems"), p->systems, sizeof p->systems);
        refs_text(record_get(r, "risks"), p->risks, sizeof p->risks);
        const char *sc = record_get(r, "special_categories");
        p->special = sc && strcmp(sc, "1") == 0;
        p->transfers = !str_empty(record_get(r, "transfers"));
        p->dpia_needed = p->special || p->transfers;
        int complete = 0;
        for (size_t k = 0; k < dl.n; k++) { /* identifiers ascending: the last is the latest */
            const struct record *d = dl.v[k];
            if (strcmp(nz(record_get(d, "processing")), r->ref) != 0) {
                continue;
            }
            strlcpy_(p->dpia, d->ref, sizeof p->dpia);
            strlcpy_(p->dpia_status, nz(record_get(d, FIELD_STATUS)), sizeof p->dpia_status);
            strlcpy_(p->dpia_decision, nz(record_get(d, "decision")), sizeof p->dpia_decision);
            complete |= strcmp(p->dpia_status, "complete") == 0;
        }
        p->dpia_missing = p->dpia_needed && !complete;
        const char *st = record_get(r, FIELD_STATUS);
        p->against_decision = st && strcmp(st, "active") == 0 &&
                              strcmp(p->dpia_decision, "do-not-proceed") == 0 &&
                              strcmp(p->dpia_status, "complete") == 0;
        out->needing += p->dpia_needed;
        out->missing += p->dpia_missing;
    }
    records_free(&dl);
    records_free(&pl);
    return 0;
}

void privacy_register_free(struct privacy_register *p)
{
    free(p->v);
    memset(p, 0, sizeof *p);
}

void privacy_register_json(const struct privacy_register *p, struct buf *out)
{
    struct jw w;
    jw_init(&w, out, 0);
    jw_obj(&w);
    jw_key(&w, "activities");
    jw_int(&w, (int64_t)p->n);
    jw_key(&w, "dpia_needed");
    jw_int(&w, p->needing);
    jw_key(&w, "dpia_missing");
    jw_int(&w, p->missing);
    jw_key(&w, "register");
    jw_arr(&w);
    for (size_t i = 0; i < p->n; i++) {
        const struct privacy_row *r = &p->v[i];
        jw_obj(&w);
        jw_key(&w, "id");
        jw_str(&w, r->ref);
        jw_key(&w, "name");
        jw_str(&w, r->name);
        jw_key(&w, "legal_basis");
        jw_str(&w, r->legal_basis);
        jw_key(&w, "role");
        jw_str(&w, r->role[0] ? r->role : NULL);
        jw_key(&w, "owner");
        jw_str(&w, r->owner[0] ? r->owner : NULL);
        jw_key(&w, "retention");
        jw_str(&w, r->retention);
        jw_key(&w, "special_categories");
        jw_bool(&w, r->special);
        jw_key(&w, "transfers");
        jw_bool(&w, r->transfers);
        jw_key(&w, "processors");
        jw_list(&w, r->processors);
        jw_key(&w, "systems");
        jw_list(&w, r->systems);
        jw_key(&w, "risks");
        jw_list(&w, r->risks);
        jw_key(&w, "dpia");
        jw_str(&w, r->dpia[0] ? r->dpia : NULL);
        jw_key(&w, "dpia_status");
        jw_str(&w, r->dpia_status[0] ? r->dpia_status : NULL);
        jw_key(&w, "dpia_decision");
        jw_str(&w, r->dpia_decision[0] ? r->dpia_decision : NULL);
        jw_key(&w, "dpia_needed");
        jw_bool(&w, r->dpia_needed);
        jw_key(&w, "dpia_missing");
        jw_bool(&w, r->dpia_missing);
        jw_key(&w, "active_against_decision");
        jw_bool(&w, r->against_decision);
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
    jw_obj_end(&w);
}

/* ---- access reviews ------------------------------------------------------------------ */

static int campaign_accounts(struct app *a, const char *ref, struct records *out, struct err *e)
{
    const struct rtype *t = rtype_find("aaccount");
    struct query q;
    memset(&q, 0, sizeof q);
    q.nfilter = 1;
    q.filter_field[0] = rtype_field(t, "campaign", NULL);
    q.filter_value[0] = ref;
    return list_visible(a, "aaccount", NULL, &q, out, e);
}

static void status_of(const struct record *c, const struct records *l, const char *today,
                      struct areview_status *s)
{
    memset(s, 0, sizeof *s);
    strlcpy_(s->ref, c->ref, sizeof s->ref);
    strlcpy_(s->title, nz(record_get(c, "title")), sizeof s->title);
    strlcpy_(s->system, nz(record_get(c, "system")), sizeof s->system);
    strlcpy_(s->due, nz(record_get(c, "due_date")), sizeof s->due);
    strlcpy_(s->owner, nz(record_get(c, FIELD_OWNER)), sizeof s->owner);
    for (size_t i = 0; i < l->n; i++) {
        const struct record *r = l->v[i];
        const char *st = record_get(r, FIELD_STATUS);
        if ((st && strcmp(st, "active") != 0) || record_get(r, FIELD_RETIRED)) {
            continue;
        }
        s->total++;
        const char *d = nz(record_get(r, "decision"));
        if (*d && strcmp(d, "pending") != 0) {
            s->decided++;
        }
        s->keep += strcmp(d, "keep") == 0;
        s->change += strcmp(d, "change") == 0;
        if (strcmp(d, "revoke") == 0) {
            s->revoke++;
            s->revoke_open += str_empty(record_get(r, "done_on"));
        }
    }
    s->complete = s->total > 0 && s->decided == s->total;
    s->overdue = !s->complete && s->due[0] && strcmp(s->due, today) < 0;
}

int app_areview_status(struct app *a, const char *ref, struct areview_status *out,
                       struct err *e)
{
    struct record *c = NULL;
    if (get_visible(a, "areview", ref, &c, e)) {
        return -1;
    }
    struct records l;
    if (campaign_accounts(a, c->ref, &l, e)) {
        record_free(c);
        return -1;
    }
    char today[11];
    date_today(today);
    status_of(c, &l, today, out);
    records_free(&l);
    record_free(c);
    return 0;
}

void areview_status_json(const struct areview_status *s, struct buf *out)
{
    struct jw w;
    jw_init(&w, out, 0);
    jw_obj(&w);
    jw_key(&w, "id");
    jw_str(&w, s->ref);
    jw_key(&w, "title");
    jw_str(&w, s->title);
    jw_key(&w, "system");
    jw_str(&w, s->system);
    jw_key(&w, "due_date");
    jw_str(&w, s->due);
    jw_key(&w, "owner");
    jw_str(&w, s->owner[0] ? s->owner : NULL);
    jw_key(&w, "accounts");
    jw_int(&w, s->total);
    jw_key(&w, "decided");
    jw_int(&w, s->decided);
    jw_key(&w, "pending");
    jw_int(&w, s->total - s->decided);
    jw_key(&w, "keep");
    jw_int(&w, s->keep);
    jw_key(&w, "change");
    jw_int(&w, s->change);
    jw_key(&w, "revoke");
    jw_int(&w, s->revoke);
    jw_key(&w, "revocations_open");
    jw_int(&w, s->revoke_open);
    jw_key(&w, "complete_percent");
    jw_num(&w, s->total ? (double)(long)(s->decided * 1000.0 / s->total + 0.5) / 10.0 : 0);
    jw_key(&w, "complete");
    jw_bool(&w, s->complete);
    jw_key(&w, "overdue");
    jw_bool(&w, s->overdue);
    jw_obj_end(&w);
}

struct import_ctx {
    struct app *a;
    const char *campaign;
    struct records *existing;
    int col_account, col_access, col_group, col_reviewer;
    long added;
    char **seen;
    int nseen, capseen;
    struct err *e;
    int rc;
};

static int import_row(void *ctx, int row, int nf, char **fields)
{
    struct import_ctx *c = ctx;
    if (row == 1) {
        c->col_account = c->col_access = c->col_group = c->col_reviewer = -1;
        for (int i = 0; i < nf; i++) {
            char *h = fields[i];
            while (*h == ' ') {
                h++;
            }
            if (i == 0 && (unsigned char)h[0] == 0xEF && (unsigned char)h[1] == 0xBB &&
                (unsigned char)h[2] == 0xBF) {
                h += 3; /* a spreadsheet's byte order mark */
            }
            int *slot = strcasecmp_(h, "account") == 0    ? &c->col_account
                        : strcasecmp_(h, "access") == 0   ? &c->col_access
                        : strcasecmp_(h, "group") == 0    ? &c->col_group
                        : strcasecmp_(h, "reviewer") == 0 ? &c->col_reviewer
                                                          : NULL;
            if (!slot) {
                c->rc = err_set(c->e, ERR_INVALID, "csv",
                                "CSV line 1: unknown column '%.40s' (the columns are account, "
                                "access, group, reviewer)",
                                h);
                return 1;
            }
            if (*slot >= 0) {
                c->rc = err_set(c->e, ERR_INVALID, "csv", "CSV line 1: column '%.40s' twice", h);
                return 1;
            }
            *slot = i;
        }
        if (c->col_account < 0) {
            c->rc = err_set(c->e, ERR_INVALID, "csv",
                            "CSV line 1: the header needs a column 'account' (and may have "
                            "access, group, reviewer)");
            return 1;
        }
        return 0;
    }
    if (nf == 1 && fields[0][0] == 0) {
        return 0; /* an empty line */
    }
#define COL(k) ((k) >= 0 && (k) < nf ? fields[k] : "")
    const char *acct = COL(c->col_account);
    if (!*acct) {
        c->rc = err_set(c->e, ERR_INVALID, "account", "CSV line %d: account: required", row);
        return 1;
    }
    for (int i = 0; i < c->nseen; i++) {
        if (strcmp(c->seen[i], acct) == 0) {
            c->rc = err_set(c->e, ERR_INVALID, "account",
                            "CSV line %d: account '%.60s' is listed twice", row, acct);
            return 1;
        }
    }
    if (c->nseen == c->capseen) {
        c->capseen = c->capseen ? c->capseen * 2 : 64;
        c->seen = xrealloc(c->seen, (size_t)c->capseen * sizeof *c->seen);
    }
    c->seen[c->nseen++] = xstrdup(acct);
    struct kv kv[5];
    int n = 0;
    kv[n++] = (struct kv){"campaign", c->campaign};
    kv[n++] = (struct kv){"account", acct};
    if (*COL(c->col_access)) {
        kv[n++] = (struct kv){"access", COL(c->col_access)};
    }
    if (*COL(c->col_group)) {
        kv[n++] = (struct kv){"group_name", COL(c->col_group)};
    }
    if (*COL(c->col_reviewer)) {
        kv[n++] = (struct kv){"reviewer", COL(c->col_reviewer)};
    }
#undef COL
    char *ref = NULL;
    if (app_add_tx(c->a, rtype_find("aaccount"), kv, n, NULL, 0, &ref, c->e)) {
        char msg[sizeof c->e->msg];
        snprintf(msg, sizeof msg, "CSV line %d: %.480s", row, c->e->msg);
        strlcpy_(c->e->msg, msg, sizeof c->e->msg);
        c->rc = -1;
        return 1;
    }
    free(ref);
    c->added++;
    return 0;
}

int app_areview_import_tx(struct app *a, const char *ref, const char *csv, size_t len,
                          long *added, struct err *e)
{
    *added = 0;
    struct record *c = NULL;
    if (get_visible(a, "areview", ref, &c, e)) {
        return -1;
    }
    const char *st = record_get(c, FIELD_STATUS);
    if (st && strcmp(st, "closed") == 0) {
        record_free(c);
        return err_set(e, ERR_CONFLICT, NULL, "%s is closed: no accounts can be added", ref);
    }
    struct records l;
    if (campaign_accounts(a, c->ref, &l, e)) {
        record_free(c);
        return -1;
    }
    struct import_ctx x = {.a = a, .campaign = c->ref, .existing = &l, .e = e};
    for (size_t i = 0; i < l.n; i++) { /* already listed accounts count as seen */
        if (x.nseen == x.capseen) {
            x.capseen = x.capseen ? x.capseen * 2 : 64;
            x.seen = xrealloc(x.seen, (size_t)x.capseen * sizeof *x.seen);
        }
        x.seen[x.nseen++] = xstrdup(nz(record_get(l.v[i], "account")));
    }
    int rc = csv_parse(csv, len, import_row, &x, e);
    if (rc == 0 && x.rc) {
        rc = -1;
    }
    if (rc == 0 && x.added == 0) {
        rc = err_set(e, ERR_INVALID, "csv", "CSV: no accounts below the header line");
    }
    for (int i = 0; i < x.nseen; i++) {
        free(x.seen[i]);
    }
    free(x.seen);
    records_free(&l);
    record_free(c);
    if (rc == 0) {
        *added = x.added;
    }
    return rc;
}

int app_areview_import(struct app *a, const char *ref, const char *csv, size_t len, long *added,
                       struct err *e)
{
    IN_TRANSACTION(a, e, app_areview_import_tx(a, ref, csv, len, added, e));
}

static int areview_assign_tx(struct app *a, const char *ref, const char *group,
                             const char *person, long *changed, struct err *e)
{
    *changed = 0;
    if (str_empty(group)) {
        return err_set(e, ERR_INVALID, "group", "group: name the group whose reviewer this is");
    }
    struct record *c = NULL;
    if (get_visible(a, "areview", ref, &c, e)) {
        return -1;
    }
    const char *st = record_get(c, FIELD_STATUS);
    if (st && strcmp(st, "closed") == 0) {
        record_free(c);
        return err_set(e, ERR_CONFLICT, NULL, "%s is closed", ref);
    }
    struct records l;
    int rc = campaign_accounts(a, c->ref, &l, e);
    long matched = 0;
    for (size_t i = 0; rc == 0 && i < l.n; i++) {
        if (strcmp(nz(record_get(l.v[i], "group_name")), group) != 0) {
            continue;
        }
        matched++;
        struct kv kv[] = {{"reviewer", person ? person : ""}};
        int ch = 0;
        rc = app_edit_tx(a, rtype_find("aaccount"), l.v[i]->ref, kv, 1, 0, &ch, e);
        *changed += ch;
    }
    if (rc == 0 && matched == 0) {
        rc = err_set(e, ERR_INVALID, "group", "group: %s has no account in group '%.60s'", ref,
                     group);
    }
    records_free(&l);
    record_free(c);
    return rc;
}

int app_areview_assign(struct app *a, const char *ref, const char *group, const char *person,
                       long *changed, struct err *e)
{
    IN_TRANSACTION(a, e, areview_assign_tx(a, ref, group, person, changed, e));
}

int app_access_decide_tx(struct app *a, const char *acc, const char *decision,
                         const char *comment, struct err *e)
{
    if (!a->signer.account) {
        return err_set(e, ERR_FORBIDDEN, NULL,
                       "a decision is taken by a signed-in account (isms areview decide ... "
                       "--as ACCOUNT, or the web page)");
    }
    if (!decision || (strcmp(decision, "keep") && strcmp(decision, "change") &&
                      strcmp(decision, "revoke"))) {
        return err_set(e, ERR_INVALID, "decision", "decision: keep, change or revoke, not '%.40s'",
                       decision ? decision : "");
    }
    if (strcmp(decision, "keep") != 0 && str_empty(comment)) {
        return err_set(e, ERR_INVALID, "comment",
                       "comment: say what is to be %s (a decision to %s needs a comment)",
                       strcmp(decision, "change") == 0 ? "changed" : "revoked", decision);
    }
    struct record *r = NULL, *c = NULL;
    if (get_visible(a, "aaccount", acc, &r, e)) {
        return -1;
    }
    int rc = get_visible(a, "areview", nz(record_get(r, "campaign")), &c, e);
    if (rc == 0) {
        const char *st = record_get(c, FIELD_STATUS);
        const char *reviewer = record_get(r, "reviewer");
        const char *owner = record_get(c, FIELD_OWNER);
        const char *me = a->signer.person;
        int boss = strcmp(a->signer.role, "admin") == 0 || strcmp(a->signer.role, "manager") == 0;
        if (st && strcmp(st, "closed") == 0) {
            rc = err_set(e, ERR_CONFLICT, NULL, "%s is closed: its decisions stand", c->ref);
        } else if (strcmp(a->signer.role, "auditor") == 0 || strcmp(a->signer.role, "staff") == 0) {
            rc = err_set(e, ERR_FORBIDDEN, NULL, "the %s role does not decide on access",
                         a->signer.role);
        } else if (!boss && !(*me && ((reviewer && strcmp(reviewer, me) == 0) ||
                                      (!reviewer && owner && strcmp(owner, me) == 0) ||
                                      (owner && strcmp(owner, me) == 0)))) {
            rc = err_set(e, ERR_FORBIDDEN, NULL,
                         "%s is for its reviewer %s (or the owner of %s) to decide, not %s",
                         r->ref, reviewer ? reviewer : "(none named)", c->ref,
                         *me ? me : a->signer.name);
        }
    }
    if (rc == 0) {
        char now[21];
        time_now(now);
        struct kv kv[] = {{"decision", decision},
                          {"comment", comment ? comment : ""},
                          {"decided_by", a->signer.name},
                          {"decided_at", now}};
        int changed = 0;
        a->accepting = 1;
        rc = app_edit_tx(a, rtype_find("aaccount"), r->ref, kv, 4, 1, &changed, e);
        a->accepting = 0;
    }
    record_free(c);
    record_free(r);
    return rc;
}

int app_access_decide(struct app *a, const char *acc, const char *decision, const char *comment,
                      struct err *e)
{
    IN_TRANSACTION(a, e, app_access_decide_tx(a, acc, decision, comment, e));
}

/* An access review may be closed only when every account is decided. */
static int areview_derive(struct app *a, struct record *r, const struct record *orig,
                          struct err *e)
{
    const char *st = record_get(r, FIELD_STATUS);
    const char *was = orig ? record_get(orig, FIELD_STATUS) : NULL;
    if (!st || strcmp(st, "closed") != 0 || (was && strcmp(was, "closed") == 0)) {
        return 0;
    }
    if (!orig) {
        return err_set(e, ERR_INVALID, FIELD_STATUS,
                       "status: a new access review is open; close it once every account is "
                       "decided");
    }
    struct records l;
    struct principal saved = a->who;
    a->who = principal_system(); /* a rule: every account of the campaign, whoever closes it */
    int rc = campaign_accounts(a, r->ref, &l, e);
    a->who = saved;
    if (rc) {
        return -1;
    }
    struct areview_status s;
    status_of(r, &l, "", &s);
    records_free(&l);
    if (!s.complete) {
        return err_set(e, ERR_INVALID, FIELD_STATUS,
                       "status: %s can be closed when every account is decided (%ld of %ld)",
                       r->ref, s.decided, s.total);
    }
    return 0;
}

static int add_days_to(const char *datetime, int days, char out[11])
{
    char d[11];
    strlcpy_(d, datetime ? datetime : "", sizeof d);
    return date_add_days(d, days, out);
}

int task_src_access_revoke(struct app *a, const struct task_query *q, struct tasks *out,
                           struct err *e)
{
    (void)q;
    struct records cl, l;
    if (list_visible(a, "areview", NULL, NULL, &cl, e)) {
        return -1;
    }
    static const char *const cols[] = {"campaign", "account", "access", "decision", "decided_at",
                                       "done_on", "comment", FIELD_STATUS, NULL};
    if (list_visible(a, "aaccount", cols, NULL, &l, e)) {
        records_free(&cl);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < l.n && rc == 0; i++) {
        const struct record *r = l.v[i];
        const char *d = nz(record_get(r, "decision"));
        if ((strcmp(d, "revoke") && strcmp(d, "change")) || !str_empty(record_get(r, "done_on"))) {
            continue;
        }
        const struct record *c = NULL;
        for (size_t k = 0; k < cl.n && !c; k++) {
            if (strcmp(cl.v[k]->ref, nz(record_get(r, "campaign"))) == 0) {
                c = cl.v[k];
            }
        }
        char title[200], link[160], due[11];
        snprintf(title, sizeof title, "%s access of %.60s on %s (%s)",
                 strcmp(d, "revoke") == 0 ? "Revoke" : "Change", nz(record_get(r, "account")),
                 c ? nz(record_get(c, "system")) : "?", c ? c->ref : "");
        snprintf(link, sizeof link, "/aaccounts/%s", r->ref);
        if (add_days_to(record_get(r, "decided_at"), 7, due)) {
            continue;
        }
        rc = task_add(out, "access_revoke", strcmp(d, "revoke") == 0 ? "Revoke" : "Change",
                      r->ref, title, c ? record_get(c, FIELD_OWNER) : NULL, due, link);
    }
    /* the campaigns themselves: complete by the due date */
    char today[11];
    date_today(today);
    for (size_t k = 0; k < cl.n && rc == 0; k++) {
        const struct record *c = cl.v[k];
        const char *st = record_get(c, FIELD_STATUS);
        if (st && strcmp(st, "closed") == 0) {
            continue;
        }
        struct records mine = {0};
        for (size_t i = 0; i < l.n; i++) {
            if (strcmp(nz(record_get(l.v[i], "campaign")), c->ref) == 0) {
                records_add(&mine, l.v[i]);
            }
        }
        struct areview_status s;
        status_of(c, &mine, today, &s);
        free(mine.v); /* the records belong to l */
        char title[200], link[160];
        snprintf(title, sizeof title, "%s access review %.100s (%ld of %ld decided)",
                 s.complete ? "Close" : "Complete", s.title, s.decided, s.total);
        snprintf(link, sizeof link, "/areviews/%s/campaign", c->ref);
        rc = task_add(out, "access_revoke", s.complete ? "Close" : "Review", c->ref, title,
                      s.owner[0] ? s.owner : NULL, s.due, link);
    }
    records_free(&l);
    records_free(&cl);
    return rc ? err_set(e, ERR_INTERNAL, NULL, "out of memory") : 0;
}
