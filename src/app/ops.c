/* ops.c — operations (ops.h): incident timeline and notification duties,
 * continuity needs and plan tests, security exceptions, the 8.1 change
 * trigger, and the task sources incident_duty, continuity_test and
 * exception. Reads go through the viewer; writes are one transaction with
 * their history entries. */
#include "ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "../lib/hash.h"
#include "../lib/json.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "../model/risk.h"
#include "app_int.h"
#include "tasks.h"

const char *const incident_entry_kinds[] = {"note",     "triage", "containment", "action",
                                            "decision", "lesson", "notification", NULL};

static int is(const struct record *r, const char *name)
{
    return r && strcmp(r->type->name, name) == 0;
}

static int streq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

static void cpy(char *dst, size_t n, const char *src)
{
    size_t i = 0;
    for (; src && src[i] && i + 1 < n; i++) {
        dst[i] = src[i];
    }
    dst[i] = 0;
}

/* "YYYY-MM-DDTHH:MM:SSZ" → seconds since the epoch; -1 when malformed. */
static long long dt_secs(const char *s)
{
    char canon[21];
    if (!s || datetime_normalize(s, canon)) {
        return -1;
    }
    struct tm tm = {0};
    if (sscanf(canon, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
               &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6) {
        return -1;
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return (long long)timegm(&tm);
}

static void secs_dt(long long t, char out[21])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    if (!strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm)) {
        out[0] = 0;
    }
}

/* The viewer's copy of ref of type name (ERR_NOTFOUND when it may not see it). */
static int get_visible(struct app *a, const char *type, const char *ref, struct record **out,
                       struct err *e)
{
    const struct rtype *t = rtype_find(type);
    if (!ref || !*ref || strlen(ref) > MAX_REF_LEN) {
        return record_notfound(e, t, ref ? ref : "");
    }
    return store_get(a->st, &a->who, t, ref, out, e);
}

static int list_visible(struct app *a, const char *type, struct records *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    const struct rtype *t = rtype_find(type);
    struct query q;
    memset(&q, 0, sizeof q);
    struct err ignore = {0};
    if (app_may_read(a, t, 0, &ignore)) {
        return 0; /* a role that may not read the type: none of its records */
    }
    return store_list(a->st, &a->who, t, &q, records_add, out, e);
}

/* Who writes: the signed-in account, else (the CLI without --as) the actor. */
static const char *author(struct app *a)
{
    return a->signer.account > 0 ? a->signer.name : a->actor;
}

static int check_text(const char *field, const char *v, size_t max, int required, struct err *e)
{
    if (!v || !*v) {
        return required ? err_set(e, ERR_INVALID, field, "%s: required", field) : 0;
    }
    if (!utf8_valid(v, strlen(v)) || text_bad_control(v, 1)) {
        return err_set(e, ERR_INVALID, field, "%s: not valid text (UTF-8, no control characters)",
                       field);
    }
    if (utf8_chars(v) > max) {
        return err_set(e, ERR_INVALID, field, "%s: at most %zu characters", field, max);
    }
    return 0;
}

/* ---- incidents: the timeline ------------------------------------------------ */

void incident_timeline_free(struct incident_timeline *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->v[i].text);
    }
    free(t->v);
    memset(t, 0, sizeof *t);
}

static int entry_write_tx(struct app *a, const char *ref, const char *kind, const char *text,
                          const char *at, struct err *e)
{
    char now[21];
    time_now(now);
    char when[21];
    if (!at || datetime_normalize(at, when)) {
        cpy(when, sizeof when, now);
    }
    struct incident_entry_row row = {0, ref, when, kind, text, author(a), a->signer.person,
                                     a->signer.account};
    long id = 0;
    if (store_incident_entry_add(a->st, &row, &id, e)) {
        return -1;
    }
    struct buf b;
    struct jw w;
    buf_init(&b, 0);
    jw_init(&w, &b, 0);
    jw_obj(&w);
    jw_key(&w, "entry");
    jw_int(&w, id);
    jw_key(&w, "kind");
    jw_str(&w, kind);
    jw_key(&w, "text");
    jw_str(&w, text);
    jw_key(&w, "by");
    jw_str(&w, author(a));
    jw_obj_end(&w);
    int rc = app_journal(a, now, "incident", ref, "note", NULL, b.p, e);
    buf_free(&b);
    return rc;
}

static int note_tx(struct app *a, const char *ref, const char *kind, const char *text,
                   const char *at, struct err *e)
{
    struct record *r = NULL;
    if (get_visible(a, "incident", ref, &r, e)) {
        return -1;
    }
    int rc = -1;
    if (record_get(r, FIELD_RETIRED)) {
        err_set(e, ERR_CONFLICT, NULL, "incident %s is retired", r->ref);
        goto done;
    }
    if (entry_write_tx(a, r->ref, kind, text, at, e)) {
        goto done;
    }
    if (streq(kind, "triage") && streq(record_get(r, FIELD_STATUS), "reported")) {
        struct kv kv[] = {{FIELD_STATUS, "triaged"}};
        int changed = 0;
        if (app_edit_tx(a, r->type, r->ref, kv, 1, 1, &changed, e)) {
            goto done;
        }
    }
    rc = 0;
done:
    record_free(r);
    return rc;
}

static int check_note(const char **kind, const char *text, struct err *e);

int app_incident_note_tx(struct app *a, const char *ref, const char *kind, const char *text,
                         const char *at, struct err *e)
{
    return check_note(&kind, text, e) || note_tx(a, ref, kind, text, at, e) ? -1 : 0;
}

static int check_note(const char **kindp, const char *text, struct err *e)
{
    const char *kind = *kindp;
    if (!kind || !*kind) {
        kind = "note";
    }
    int ok = 0;
    for (int i = 0; incident_entry_kinds[i]; i++) {
        ok |= strcmp(incident_entry_kinds[i], kind) == 0;
    }
    if (!ok) {
        return err_set(e, ERR_INVALID, "kind",
                       "kind: '%.30s' is not one of note, triage, containment, action, decision, "
                       "lesson, notification",
                       kind);
    }
    *kindp = kind;
    return check_text("text", text, 20000, 1, e);
}

int app_incident_note(struct app *a, const char *ref, const char *kind, const char *text,
                      struct err *e)
{
    if (check_note(&kind, text, e)) {
        return -1;
    }
    IN_TRANSACTION(a, e, note_tx(a, ref, kind, text, NULL, e));
}

static int take_entry(void *ctx, const struct incident_entry_row *r)
{
    struct incident_timeline *t = ctx;
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 16;
        t->v = xrealloc(t->v, t->cap * sizeof *t->v);
    }
    struct incident_entry *x = &t->v[t->n++];
    memset(x, 0, sizeof *x);
    x->id = r->id;
    cpy(x->at, sizeof x->at, r->at);
    cpy(x->kind, sizeof x->kind, r->kind);
    x->text = xstrdup(r->text ? r->text : "");
    cpy(x->by, sizeof x->by, r->account_name);
    cpy(x->person, sizeof x->person, r->person);
    return 0;
}

int app_incident_timeline(struct app *a, const char *ref, struct incident_timeline *out,
                          struct err *e)
{
    memset(out, 0, sizeof *out);
    struct record *r = NULL;
    if (get_visible(a, "incident", ref, &r, e)) {
        return -1;
    }
    int rc = store_incident_entries(a->st, &a->who, r->ref, take_entry, out, e);
    record_free(r);
    if (rc) {
        incident_timeline_free(out);
    }
    return rc;
}

void incident_timeline_json(const char *ref, const struct incident_timeline *t, struct buf *out)
{
    struct jw w;
    jw_init(&w, out, 1);
    jw_obj(&w);
    jw_key(&w, "incident");
    jw_str(&w, ref);
    jw_key(&w, "entries");
    jw_arr(&w);
    for (size_t i = 0; i < t->n; i++) {
        const struct incident_entry *x = &t->v[i];
        jw_obj(&w);
        jw_key(&w, "at");
        jw_str(&w, x->at);
        jw_key(&w, "kind");
        jw_str(&w, x->kind);
        jw_key(&w, "text");
        jw_str(&w, x->text);
        jw_key(&w, "by");
        jw_str(&w, x->by);
        jw_key(&w, "person");
        jw_str(&w, x->person[0] ? x->person : NULL);
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
    jw_obj_end(&w);
}

/* ---- incidents: notification duties --------------------------------------------- */

void incident_duties_free(struct incident_duties *d)
{
    free(d->v);
    memset(d, 0, sizeof *d);
}

static struct incident_duty *duty_new(struct incident_duties *d)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 4;
        d->v = xrealloc(d->v, d->cap * sizeof *d->v);
    }
    struct incident_duty *x = &d->v[d->n++];
    memset(x, 0, sizeof *x);
    return x;
}

static int take_notice(void *ctx, const struct incident_notice_row *r)
{
    struct incident_duties *d = ctx;
    for (size_t i = 0; i < d->n; i++) {
        if (streq(d->v[i].key, r->duty)) {
            d->v[i].done = 1;
            cpy(d->v[i].notified_at, sizeof d->v[i].notified_at, r->notified_at);
            cpy(d->v[i].notified_by, sizeof d->v[i].notified_by, r->account_name);
            cpy(d->v[i].note, sizeof d->v[i].note, r->note);
        }
    }
    return 0;
}

/* Whether a requirement's notify_when applies to the incident. */
static int duty_applies(const struct record *req, const struct record *inc)
{
    const char *when = record_get(req, "notify_when");
    const char *sev = record_get(inc, "severity");
    if (streq(when, "personal-data")) {
        return streq(record_get(inc, "personal_data"), "1");
    }
    if (streq(when, "any-incident")) {
        return 1;
    }
    if (streq(when, "high-severity")) {
        return streq(sev, "high") || streq(sev, "critical");
    }
    return 0;
}

/* The duties of an incident record (r: already read through the viewer),
 * given the requirements the viewer sees. */
static int duties_with(struct app *a, const struct record *r, const char *now,
                       const struct records *reqs, struct incident_duties *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    cpy(out->incident, sizeof out->incident, r->ref);
    if (now) {
        cpy(out->now, sizeof out->now, now);
    } else {
        time_now(out->now);
    }
    const char *cls = record_get(r, "classification");
    if (streq(cls, "event") || streq(cls, "near-miss") || streq(cls, "weakness")) {
        return 0; /* not an incident: no breach to notify */
    }
    const char *from = record_get(r, "detected_at");
    const char *basis_from = "detection";
    if (!from || dt_secs(from) < 0) {
        from = record_get(r, FIELD_CREATED);
        basis_from = "the report (no detection time recorded)";
    }
    long long t0 = dt_secs(from), tn = dt_secs(out->now);
    if (t0 < 0 || tn < 0) {
        return 0;
    }
    if (streq(record_get(r, "personal_data"), "1")) {
        struct incident_duty *d = duty_new(out);
        cpy(d->key, sizeof d->key, "gdpr-72h");
        cpy(d->title, sizeof d->title,
            "Notify the supervisory authority (GDPR Art. 33, personal data breach)");
        cpy(d->to, sizeof d->to, "the competent data protection supervisory authority");
        snprintf(d->basis, sizeof d->basis, "personal data involved: 72 hours from %s", basis_from);
        d->hours = 72;
    }
    for (size_t i = 0; i < reqs->n; i++) {
        const struct record *q = reqs->v[i];
        const char *h = record_get(q, "notify_hours");
        if (record_get(q, FIELD_RETIRED) || !streq(record_get(q, FIELD_STATUS), "active") || !h ||
            !duty_applies(q, r)) {
            continue;
        }
        struct incident_duty *d = duty_new(out);
        cpy(d->key, sizeof d->key, q->ref);
        const char *to = record_get(q, "notify_to");
        snprintf(d->title, sizeof d->title, "Notify %s (%s)", to && *to ? to : "as required",
                 record_get(q, "title"));
        cpy(d->to, sizeof d->to, to);
        snprintf(d->basis, sizeof d->basis, "%s %s (%s): %s hours from %s", record_get(q, "kind"),
                 q->ref, record_get(q, "notify_when"), h, basis_from);
        d->hours = atoi(h);
    }
    for (size_t i = 0; i < out->n; i++) {
        struct incident_duty *d = &out->v[i];
        cpy(d->from, sizeof d->from, from);
        long long dl = t0 + (long long)d->hours * 3600;
        secs_dt(dl, d->deadline);
        d->seconds_left = dl - tn;
    }
    return store_incident_notices(a->st, &a->who, r->ref, take_notice, out, e);
}

static int duties_of(struct app *a, const struct record *r, const char *now,
                     struct incident_duties *out, struct err *e)
{
    struct records reqs;
    if (list_visible(a, "requirement", &reqs, e)) {
        memset(out, 0, sizeof *out);
        return -1;
    }
    int rc = duties_with(a, r, now, &reqs, out, e);
    records_free(&reqs);
    return rc;
}

int app_incident_duties(struct app *a, const char *ref, const char *now,
                        struct incident_duties *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    struct record *r = NULL;
    if (get_visible(a, "incident", ref, &r, e)) {
        return -1;
    }
    int rc = duties_of(a, r, now, out, e);
    record_free(r);
    if (rc) {
        incident_duties_free(out);
    }
    return rc;
}

void incident_duty_countdown(const struct incident_duty *d, char *out, size_t n)
{
    if (d->done) {
        snprintf(out, n, "done (notified %s by %s)", d->notified_at, d->notified_by);
        return;
    }
    long long s = d->seconds_left < 0 ? -d->seconds_left : d->seconds_left;
    long long days = s / 86400, h = (s % 86400) / 3600, m = (s % 3600) / 60;
    char span[64];
    if (days) {
        snprintf(span, sizeof span, "%lld d %lld h %lld min", days, h, m);
    } else {
        snprintf(span, sizeof span, "%lld h %lld min", h, m);
    }
    if (d->seconds_left < 0) {
        snprintf(out, n, "overdue by %s", span);
    } else {
        snprintf(out, n, "%s left", span);
    }
}

void incident_duties_json(const struct incident_duties *d, struct buf *out)
{
    struct jw w;
    jw_init(&w, out, 1);
    jw_obj(&w);
    jw_key(&w, "incident");
    jw_str(&w, d->incident);
    jw_key(&w, "now");
    jw_str(&w, d->now);
    jw_key(&w, "duties");
    jw_arr(&w);
    for (size_t i = 0; i < d->n; i++) {
        const struct incident_duty *x = &d->v[i];
        char cd[120];
        incident_duty_countdown(x, cd, sizeof cd);
        jw_obj(&w);
        jw_key(&w, "duty");
        jw_str(&w, x->key);
        jw_key(&w, "title");
        jw_str(&w, x->title);
        jw_key(&w, "to");
        jw_str(&w, x->to);
        jw_key(&w, "basis");
        jw_str(&w, x->basis);
        jw_key(&w, "hours");
        jw_int(&w, x->hours);
        jw_key(&w, "from");
        jw_str(&w, x->from);
        jw_key(&w, "deadline");
        jw_str(&w, x->deadline);
        jw_key(&w, "seconds_left");
        jw_int(&w, x->seconds_left);
        jw_key(&w, "countdown");
        jw_str(&w, cd);
        jw_key(&w, "done");
        jw_bool(&w, x->done);
        jw_key(&w, "notified_at");
        jw_str(&w, x->done ? x->notified_at : NULL);
        jw_key(&w, "notified_by");
        jw_str(&w, x->done ? x->notified_by : NULL);
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
    jw_obj_end(&w);
}

static int notified_tx(struct app *a, const char *ref, const char *duty, const char *at,
                       const char *note, struct err *e)
{
    struct record *r = NULL;
    if (get_visible(a, "incident", ref, &r, e)) {
        return -1;
    }
    struct incident_duties d;
    int rc = -1;
    if (duties_of(a, r, NULL, &d, e)) {
        incident_duties_free(&d);
        record_free(r);
        return -1;
    }
    const struct incident_duty *x = NULL;
    struct buf keys;
    buf_init(&keys, 0);
    for (size_t i = 0; i < d.n; i++) {
        buf_printf(&keys, "%s%s", i ? ", " : "", d.v[i].key);
        if (streq(d.v[i].key, duty)) {
            x = &d.v[i];
        }
    }
    if (!x) {
        err_set(e, ERR_INVALID, "duty", "duty: %s has no notification duty '%.40s' (%s)", r->ref,
                duty, d.n ? keys.p : "it has none");
        goto done;
    }
    if (x->done) {
        err_set(e, ERR_CONFLICT, "duty", "duty: %s of %s was already marked notified at %s by %s",
                x->key, r->ref, x->notified_at, x->notified_by);
        goto done;
    }
    char when[21];
    if (at && *at) {
        if (datetime_normalize(at, when)) {
            err_set(e, ERR_INVALID, "notified_at",
                    "notified_at: '%.40s' is not a date and time (use YYYY-MM-DD HH:MM, UTC)", at);
            goto done;
        }
        if (strcmp(when, d.now) > 0) {
            err_set(e, ERR_INVALID, "notified_at", "notified_at: %s is in the future", when);
            goto done;
        }
        if (strcmp(when, x->from) < 0) {
            err_set(e, ERR_INVALID, "notified_at",
                    "notified_at: %s is before the incident was detected (%s)", when, x->from);
            goto done;
        }
    } else {
        cpy(when, sizeof when, d.now);
    }
    struct incident_notice_row row = {r->ref, x->key, when, author(a), a->signer.person, note,
                                      a->signer.account};
    if (store_incident_notice_add(a->st, &row, e)) {
        goto done;
    }
    char text[400];
    snprintf(text, sizeof text, "%s: notified at %s%s%s", x->title, when, note && *note ? " — " : "",
             note && *note ? note : "");
    struct buf b;
    struct jw w;
    buf_init(&b, 0);
    jw_init(&w, &b, 0);
    jw_obj(&w);
    jw_key(&w, "duty");
    jw_str(&w, x->key);
    jw_key(&w, "deadline");
    jw_str(&w, x->deadline);
    jw_key(&w, "notified_at");
    jw_str(&w, when);
    jw_key(&w, "by");
    jw_str(&w, author(a));
    jw_obj_end(&w);
    char now[21];
    time_now(now);
    int hrc = app_journal(a, now, "incident", r->ref, "notified", NULL, b.p, e);
    buf_free(&b);
    if (hrc || entry_write_tx(a, r->ref, "notification", text, when, e)) {
        goto done;
    }
    rc = 0;
done:
    buf_free(&keys);
    incident_duties_free(&d);
    record_free(r);
    return rc;
}

int app_incident_notified_tx(struct app *a, const char *ref, const char *duty, const char *at,
                             const char *note, struct err *e)
{
    return notified_tx(a, ref, duty, at, note, e);
}

int app_incident_notified(struct app *a, const char *ref, const char *duty, const char *at,
                          const char *note, struct err *e)
{
    if (!duty || !*duty) {
        return err_set(e, ERR_INVALID, "duty", "duty: required (e.g. gdpr-72h or REQ-0001)");
    }
    if (check_text("duty", duty, 40, 1, e) || check_text("note", note, 200, 0, e)) {
        return -1;
    }
    IN_TRANSACTION(a, e, notified_tx(a, ref, duty, at, note, e));
}

static int raise_nc_tx(struct app *a, const char *ref, char **nc_ref, struct err *e)
{
    struct record *r = NULL;
    if (get_visible(a, "incident", ref, &r, e)) {
        return -1;
    }
    int rc = -1;
    const char *had = record_get(r, "nonconformity");
    if (had) {
        err_set(e, ERR_CONFLICT, "nonconformity", "nonconformity: %s already has %s", r->ref, had);
        goto done;
    }
    const char *owner = record_get(r, FIELD_OWNER);
    if (!owner && a->signer.person[0]) {
        owner = a->signer.person;
    }
    if (!owner) {
        err_set(e, ERR_INVALID, FIELD_OWNER,
                "owner: give %s an owner first (the nonconformity's owner is the incident's)",
                r->ref);
        goto done;
    }
    char title[220], detected[11] = "";
    snprintf(title, sizeof title, "Incident %s: %.180s", r->ref, record_get(r, "title"));
    utf8_sanitize(title);
    const char *det = record_get(r, "detected_at");
    if (!det) {
        det = record_get(r, FIELD_CREATED);
    }
    if (det) {
        cpy(detected, sizeof detected, det);
    }
    const char *sev = record_get(r, "severity");
    struct kv kv[] = {
        {"title", title},
        {"source", "incident"},
        {"incident", r->ref},
        {"description", record_get(r, "description")},
        {"detected_on", detected[0] ? detected : NULL},
        {"severity", streq(sev, "high") || streq(sev, "critical") ? "major" : "minor"},
        {FIELD_OWNER, owner},
    };
    const struct rtype *nt = rtype_find("nonconformity");
    if (app_add_tx(a, nt, kv, (int)(sizeof kv / sizeof kv[0]), NULL, 0, nc_ref, e)) {
        goto done;
    }
    struct kv ik[] = {{"nonconformity", *nc_ref}};
    int changed = 0;
    if (app_edit_tx(a, r->type, r->ref, ik, 1, 1, &changed, e)) {
        goto done;
    }
    char text[80];
    snprintf(text, sizeof text, "nonconformity %s raised", *nc_ref);
    if (entry_write_tx(a, r->ref, "decision", text, NULL, e)) {
        goto done;
    }
    rc = 0;
done:
    if (rc && *nc_ref) {
        free(*nc_ref);
        *nc_ref = NULL;
    }
    record_free(r);
    return rc;
}

int app_incident_raise_nc(struct app *a, const char *ref, char **nc_ref, struct err *e)
{
    *nc_ref = NULL;
    IN_TRANSACTION(a, e, raise_nc_tx(a, ref, nc_ref, e));
}

/* Open duties of every incident the viewer sees: "Notify" by the deadline. */
int task_src_incident_duty(struct app *a, const struct task_query *q, struct tasks *out,
                           struct err *e);
int task_src_incident_duty(struct app *a, const struct task_query *q, struct tasks *out,
                           struct err *e)
{
    (void)q;
    struct records incs, reqs;
    if (list_visible(a, "incident", &incs, e)) {
        return -1;
    }
    if (list_visible(a, "requirement", &reqs, e)) {
        records_free(&incs);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < incs.n && !rc; i++) {
        const struct record *r = incs.v[i];
        if (record_get(r, FIELD_RETIRED)) {
            continue;
        }
        struct incident_duties d;
        if (duties_with(a, r, NULL, &reqs, &d, e)) {
            incident_duties_free(&d);
            rc = -1;
            break;
        }
        for (size_t k = 0; k < d.n; k++) {
            const struct incident_duty *x = &d.v[k];
            if (x->done) {
                continue;
            }
            char title[200], link[160], due[11];
            snprintf(title, sizeof title, "%s: %.120s by %.16s UTC", r->ref, x->title, x->deadline);
            utf8_sanitize(title);
            snprintf(link, sizeof link, "/incidents/%s", r->ref);
            cpy(due, sizeof due, x->deadline);
            if (task_add(out, "incident_duty", "Notify", r->ref, title,
                         record_get(r, FIELD_OWNER), due, link)) {
                rc = err_set(e, ERR_INTERNAL, NULL, "out of memory");
            }
        }
        incident_duties_free(&d);
    }
    records_free(&reqs);
    records_free(&incs);
    return rc;
}

/* ---- continuity ---------------------------------------------------------------- */

void continuity_needs_free(struct continuity_needs *l)
{
    free(l->v);
    memset(l, 0, sizeof *l);
}

static double num_or(const struct record *r, const char *f)
{
    const char *v = record_get(r, f);
    double d;
    return v && !number_parse(v, &d) ? d : -1;
}

static struct continuity_need *need_of(struct continuity_needs *l, const struct record *asset)
{
    for (size_t i = 0; i < l->n; i++) {
        if (streq(l->v[i].asset, asset->ref)) {
            return &l->v[i];
        }
    }
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    struct continuity_need *n = &l->v[l->n++];
    memset(n, 0, sizeof *n);
    cpy(n->asset, sizeof n->asset, asset->ref);
    cpy(n->name, sizeof n->name, record_get(asset, "name"));
    cpy(n->kind, sizeof n->kind, record_get(asset, "kind"));
    n->rto = n->rpo = n->mtd = -1;
    return n;
}

static const struct record *find_rec(const struct records *l, const char *ref)
{
    for (size_t i = 0; i < l->n; i++) {
        if (streq(l->v[i]->ref, ref)) {
            return l->v[i];
        }
    }
    return NULL;
}

static void tighten(double *have, double v)
{
    if (v >= 0 && (*have < 0 || v < *have)) {
        *have = v;
    }
}

/* Gives asset ref (and what it depends on, depth-bounded against cycles the
 * asset rule already refuses) the plan's objectives. */
static void propagate(struct continuity_needs *l, const struct records *assets, const char *ref,
                      const struct record *plan, const char *service, int depth)
{
    const struct record *as = find_rec(assets, ref);
    if (!as || depth > 32) {
        return;
    }
    struct continuity_need *n = need_of(l, as);
    double rto = num_or(plan, "rto_hours");
    if (rto >= 0 && (n->rto < 0 || rto < n->rto)) {
        cpy(n->rto_from, sizeof n->rto_from, plan->ref);
        cpy(n->service, sizeof n->service, service);
    }
    if (!n->service[0]) {
        cpy(n->service, sizeof n->service, service);
    }
    tighten(&n->rto, rto);
    tighten(&n->rpo, num_or(plan, "rpo_hours"));
    tighten(&n->mtd, num_or(plan, "mtd_hours"));
    const char *deps = record_get(as, "depends_on");
    if (!deps) {
        return;
    }
    char *copy = xstrdup(deps), *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        propagate(l, assets, tok, plan, service, depth + 1);
    }
    free(copy);
}

int app_continuity_needs(struct app *a, struct continuity_needs *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    struct records plans, assets;
    if (list_visible(a, "continuity", &plans, e)) {
        return -1;
    }
    if (list_visible(a, "asset", &assets, e)) {
        records_free(&plans);
        return -1;
    }
    for (size_t i = 0; i < plans.n; i++) {
        const struct record *p = plans.v[i];
        const char *svc = record_get(p, "services");
        if (record_get(p, FIELD_RETIRED) || streq(record_get(p, FIELD_STATUS), "withdrawn") ||
            !svc) {
            continue;
        }
        char *copy = xstrdup(svc), *save = NULL;
        for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            propagate(out, &assets, tok, p, tok, 0);
        }
        free(copy);
    }
    records_free(&plans);
    records_free(&assets);
    return 0;
}

void continuity_needs_json(const struct continuity_needs *l, struct buf *out)
{
    struct jw w;
    jw_init(&w, out, 1);
    jw_arr(&w);
    for (size_t i = 0; i < l->n; i++) {
        const struct continuity_need *n = &l->v[i];
        jw_obj(&w);
        jw_key(&w, "asset");
        jw_str(&w, n->asset);
        jw_key(&w, "name");
        jw_str(&w, n->name);
        jw_key(&w, "kind");
        jw_str(&w, n->kind);
        jw_key(&w, "service");
        jw_str(&w, n->service);
        jw_key(&w, "rto_hours");
        if (n->rto >= 0) {
            jw_num(&w, n->rto);
        } else {
            jw_null(&w);
        }
        jw_key(&w, "rto_from");
        jw_str(&w, n->rto_from[0] ? n->rto_from : NULL);
        jw_key(&w, "rpo_hours");
        if (n->rpo >= 0) {
            jw_num(&w, n->rpo);
        } else {
            jw_null(&w);
        }
        jw_key(&w, "mtd_hours");
        if (n->mtd >= 0) {
            jw_num(&w, n->mtd);
        } else {
            jw_null(&w);
        }
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
}

/* The result of a test from the plan's objectives: met when every
 * objective the plan sets was achieved, not-met when one was missed,
 * incomplete when a time the plan sets was not recorded. */
static const char *test_result(const struct record *plan, const struct record *t)
{
    double rto = num_or(plan, "rto_hours"), rpo = num_or(plan, "rpo_hours");
    double art = num_or(t, "achieved_rto_hours"), arp = num_or(t, "achieved_rpo_hours");
    if ((rto >= 0 && art >= 0 && art > rto) || (rpo >= 0 && arp >= 0 && arp > rpo)) {
        return "not-met";
    }
    if ((rto >= 0 && art < 0) || (rpo >= 0 && arp < 0) || (rto < 0 && rpo < 0)) {
        return "incomplete";
    }
    return "met";
}

static int nonneg(const struct record *r, const char *f, struct err *e)
{
    const char *v = record_get(r, f);
    double d;
    if (v && !number_parse(v, &d) && d < 0) {
        return err_set(e, ERR_INVALID, f, "%s: %s cannot be negative", f, v);
    }
    return 0;
}

static int set_field(struct record *r, const char *name, const char *v)
{
    int i;
    if (!rtype_field(r->type, name, &i)) {
        return -1;
    }
    record_set_take(r, i, v ? xstrdup(v) : NULL);
    return 0;
}

/* 12-month (or n-month) interval after a date: YYYY-MM-DD. */
static void add_months(const char *date, int months, char out[11])
{
    int y, m, d;
    if (date_parse(date, &y, &m, &d)) {
        cpy(out, 11, date);
        return;
    }
    m += months;
    y += (m - 1) / 12;
    m = (m - 1) % 12 + 1;
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int last = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100) || y % 400 == 0));
    char tmp[40];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y % 10000, m, d > last ? last : d);
    cpy(out, 11, tmp);
}

/* The last test held of plan among tests (NULL: never), and the next due. */
static const char *plan_next_test(const struct record *p, const struct records *tests,
                                  char due[11])
{
    const char *last = NULL;
    for (size_t k = 0; k < tests->n; k++) {
        const struct record *t = tests->v[k];
        const char *on = record_get(t, "tested_on");
        if (!record_get(t, FIELD_RETIRED) && streq(record_get(t, "plan"), p->ref) &&
            streq(record_get(t, FIELD_STATUS), "held") && on && (!last || strcmp(on, last) > 0)) {
            last = on;
        }
    }
    const char *iv = record_get(p, "test_interval_months");
    if (last) {
        add_months(last, iv ? atoi(iv) : 12, due);
    } else {
        cpy(due, 11, record_get(p, FIELD_CREATED));
    }
    return last;
}

int app_continuity_tests(struct app *a, const char *plan, struct records *tests, char due[11],
                         struct err *e)
{
    struct records all;
    memset(tests, 0, sizeof *tests);
    due[0] = 0;
    struct record *p = NULL;
    if (get_visible(a, "continuity", plan, &p, e)) {
        return -1;
    }
    if (list_visible(a, "bcptest", &all, e)) {
        record_free(p);
        return -1;
    }
    plan_next_test(p, &all, due);
    for (size_t i = 0; i < all.n; i++) {
        if (streq(record_get(all.v[i], "plan"), p->ref) && !record_get(all.v[i], FIELD_RETIRED)) {
            records_add(tests, all.v[i]);
            all.v[i] = NULL;
        }
    }
    records_free(&all);
    record_free(p);
    return 0;
}

/* Each plan in force: the next test is due its interval (12 months) after
 * the last test held, or now when it was never tested. A plan whose next
 * test date is typed (next_test) is main's `continuity` task source's
 * (tasks_sources.c): one task per plan, never two. */
int task_src_continuity_test(struct app *a, const struct task_query *q, struct tasks *out,
                             struct err *e);
int task_src_continuity_test(struct app *a, const struct task_query *q, struct tasks *out,
                             struct err *e)
{
    (void)q;
    struct records plans, tests;
    if (list_visible(a, "continuity", &plans, e)) {
        return -1;
    }
    if (list_visible(a, "bcptest", &tests, e)) {
        records_free(&plans);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < plans.n && !rc; i++) {
        const struct record *p = plans.v[i];
        if (record_get(p, FIELD_RETIRED) || streq(record_get(p, FIELD_STATUS), "withdrawn") ||
            record_get(p, "next_test")) {
            continue;
        }
        char due[11], title[200], link[160];
        const char *last = plan_next_test(p, &tests, due);
        if (last) {
            snprintf(title, sizeof title, "Test continuity plan %s: %.120s (last tested %s)", p->ref,
                     record_get(p, "title"), last);
        } else {
            snprintf(title, sizeof title, "Test continuity plan %s: %.120s (never tested)", p->ref,
                     record_get(p, "title"));
        }
        utf8_sanitize(title);
        snprintf(link, sizeof link, "/continuity/%s", p->ref);
        if (task_add(out, "continuity_test", "Test", p->ref, title, record_get(p, FIELD_OWNER), due,
                     link)) {
            rc = err_set(e, ERR_INTERNAL, NULL, "out of memory");
        }
    }
    records_free(&plans);
    records_free(&tests);
    return rc;
}

/* ---- security exceptions ---------------------------------------------------------- */

static const char *const exc_signed_fields[] = {"title",        "control", "document",
                                                "scope",        "risk",    "compensating",
                                                "expires_on",   NULL};

/* The canonical content an approval signs: the deviation as it stands. */
void app_exception_content(const struct record *r, struct buf *out)
{
    struct jw w;
    jw_init(&w, out, 0);
    jw_obj(&w);
    jw_key(&w, "id");
    jw_str(&w, r->ref);
    for (int i = 0; exc_signed_fields[i]; i++) {
        jw_key(&w, exc_signed_fields[i]);
        jw_str(&w, record_get(r, exc_signed_fields[i]));
    }
    jw_obj_end(&w);
}

int ops_exception_risk_owner(struct app *a, const char *person, const char *subject,
                             struct err *e)
{
    struct record *r = NULL;
    if (store_get(a->st, principal_sys(), rtype_find("exception"), subject, &r, e)) {
        return e->code == ERR_NOTFOUND ? 0 : -1;
    }
    const char *risk = record_get(r, "risk");
    int rc = risk ? app_capacity_holds(a, person, CAP_RISK_OWNER, risk, e) : 0;
    record_free(r);
    return rc;
}

static int approve_tx(struct app *a, const char *ref, const char *rationale, struct err *e)
{
    struct record *x = NULL, *risk = NULL;
    char *content = NULL;
    int rc = -1;
    if (a->signer.account <= 0 || !a->signer.person[0]) {
        return app_capacity_check(a, CAP_TOP_MANAGEMENT, NULL, e); /* says: sign in */
    }
    enum role role = role_parse(a->signer.role);
    if (role == ROLE_AUDITOR || role == ROLE_STAFF) {
        return err_set(e, ERR_FORBIDDEN, NULL,
                       "approving an exception needs top management or the owner of its risk; "
                       "account %s is %s",
                       a->signer.name, a->signer.role);
    }
    if (get_visible(a, "exception", ref, &x, e)) {
        return -1;
    }
    char today[11];
    date_today(today);
    const char *st = record_get(x, FIELD_STATUS);
    const char *exp = record_get(x, "expires_on");
    if (record_get(x, FIELD_RETIRED) || streq(st, "withdrawn")) {
        err_set(e, ERR_CONFLICT, NULL, "exception %s is %s", x->ref,
                record_get(x, FIELD_RETIRED) ? "retired" : "withdrawn");
        goto done;
    }
    if (exp && strcmp(exp, today) < 0) {
        err_set(e, ERR_CONFLICT, "expires_on",
                "expires_on: %s expired on %s; set a new expiry date before approving it", x->ref,
                exp);
        goto done;
    }
    const struct method *m = app_method(a, e);
    if (!m || store_get(a->st, principal_sys(), rtype_find("risk"), record_get(x, "risk"), &risk, e)) {
        goto done;
    }
    const char *capacity = risk_needs_approval(m, risk) ? CAP_TOP_MANAGEMENT : CAP_EXC_RISK_OWNER;
    if (streq(capacity, CAP_EXC_RISK_OWNER)) {
        int top = app_capacity_holds(a, a->signer.person, CAP_TOP_MANAGEMENT, NULL, e);
        if (top < 0) {
            goto done;
        }
        if (top) {
            capacity = CAP_TOP_MANAGEMENT;
        }
    } else {
        int top = app_capacity_holds(a, a->signer.person, CAP_TOP_MANAGEMENT, NULL, e);
        if (top < 0) {
            goto done;
        }
        if (!top) {
            err_set(e, ERR_FORBIDDEN, NULL,
                    "%s brings risk %s at level %s, which needs approval: approving the exception "
                    "needs the capacity top management, and %s (account %s) holds no "
                    "top-management role",
                    x->ref, risk->ref,
                    record_get(risk, record_get(risk, "residual_level") ? "residual_level" : "level"),
                    a->signer.person, a->signer.name);
            goto done;
        }
    }
    struct buf b;
    buf_init(&b, 0);
    app_exception_content(x, &b);
    content = buf_take(&b);
    char hash[65];
    sha256_hex(content, strlen(content), hash);
    struct signoff_req q = {"exception", x->ref, 0, "approval", capacity, rationale, 0, hash,
                            NULL, NULL, NULL};
    long id;
    int existing = 0;
    if (app_signoff_tx(a, &q, &id, &existing, e)) {
        goto done;
    }
    if (!streq(st, "approved")) {
        char now[21];
        time_now(now);
        struct kv kv[] = {{FIELD_STATUS, "approved"}, {"approved_at", now}};
        int changed = 0;
        a->accepting = 1;
        int erc = app_edit_tx(a, x->type, x->ref, kv, 2, 1, &changed, e);
        a->accepting = 0;
        if (erc) {
            goto done;
        }
    }
    rc = 0;
done:
    free(content);
    record_free(risk);
    record_free(x);
    return rc;
}

int app_exception_approve_tx(struct app *a, const char *ref, const char *rationale,
                             struct err *e)
{
    return approve_tx(a, ref, rationale, e);
}

int app_exception_approve(struct app *a, const char *ref, const char *rationale, struct err *e)
{
    IN_TRANSACTION(a, e, approve_tx(a, ref, rationale, e));
}

static int exception_active(const struct record *r, const char *today)
{
    const char *exp = record_get(r, "expires_on");
    return !record_get(r, FIELD_RETIRED) && streq(record_get(r, FIELD_STATUS), "approved") && exp &&
           strcmp(exp, today) >= 0;
}

int app_control_exceptions(struct app *a, const char *control, struct buf *out, struct err *e)
{
    const struct rtype *t = rtype_find("exception");
    struct err ignore = {0};
    if (app_may_read(a, t, 0, &ignore)) {
        return 0;
    }
    struct query q;
    memset(&q, 0, sizeof q);
    const struct field *f = rtype_field(t, "control", NULL);
    q.filter_field[0] = f;
    q.filter_value[0] = control;
    q.nfilter = 1;
    struct records l = {0};
    if (store_list(a->st, &a->who, t, &q, records_add, &l, e)) {
        return -1;
    }
    char today[11];
    date_today(today);
    for (size_t i = 0; i < l.n; i++) {
        if (exception_active(l.v[i], today)) {
            buf_printf(out, "%s%s (until %s)", out->len ? ", " : "", l.v[i]->ref,
                       record_get(l.v[i], "expires_on"));
        }
    }
    records_free(&l);
    return 0;
}

int app_active_exceptions(struct app *a, struct records *out, struct err *e)
{
    struct records l;
    if (list_visible(a, "exception", &l, e)) {
        return -1;
    }
    memset(out, 0, sizeof *out);
    char today[11];
    date_today(today);
    for (size_t i = 0; i < l.n; i++) {
        if (exception_active(l.v[i], today)) {
            records_add(out, l.v[i]);
            l.v[i] = NULL;
        }
    }
    for (size_t i = 0; i < l.n; i++) {
        record_free(l.v[i]);
    }
    l.n = 0;
    records_free(&l);
    return 0;
}

/* Approved exceptions expire: renew (re-approve with a new date) or end. */
int task_src_exception(struct app *a, const struct task_query *q, struct tasks *out,
                       struct err *e);
int task_src_exception(struct app *a, const struct task_query *q, struct tasks *out,
                       struct err *e)
{
    (void)q;
    struct records l;
    if (list_visible(a, "exception", &l, e)) {
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < l.n && !rc; i++) {
        const struct record *r = l.v[i];
        const char *st = record_get(r, FIELD_STATUS);
        if (record_get(r, FIELD_RETIRED) || streq(st, "withdrawn")) {
            continue;
        }
        char title[200], link[160];
        snprintf(title, sizeof title, "%s %s: %.120s", streq(st, "approved") ? "Exception expires" :
                 "Approve or withdraw exception", r->ref, record_get(r, "title"));
        utf8_sanitize(title);
        snprintf(link, sizeof link, "/exceptions/%s", r->ref);
        if (task_add(out, "exception", streq(st, "approved") ? "Renew or end" : "Approve", r->ref,
                     title, record_get(r, FIELD_OWNER), record_get(r, "expires_on"), link)) {
            rc = err_set(e, ERR_INTERNAL, NULL, "out of memory");
        }
    }
    records_free(&l);
    return rc;
}

/* ---- rules -------------------------------------------------------------------------- */

static int changed_field(const struct record *orig, const struct record *r, const char *f)
{
    const char *x = orig ? record_get(orig, f) : NULL, *y = record_get(r, f);
    return !(x == y || (x && y && strcmp(x, y) == 0));
}

int ops_derive(struct app *a, struct record *r, const struct record *orig, struct err *e)
{
    if (is(r, "bcptest")) {
        if (nonneg(r, "achieved_rto_hours", e) || nonneg(r, "achieved_rpo_hours", e)) {
            return -1;
        }
        struct record *plan = NULL;
        const char *pref = record_get(r, "plan");
        if (!pref) {
            return 0; /* the required-field check names it */
        }
        int rc = store_get(a->st, principal_sys(), rtype_find("continuity"), pref, &plan, e);
        if (rc) {
            return e->code == ERR_NOTFOUND ? 0 : -1; /* the reference check names it */
        }
        const char *res = streq(record_get(r, FIELD_STATUS), "cancelled") ? NULL
                                                                          : test_result(plan, r);
        set_field(r, "result", res);
        record_free(plan);
        return 0;
    }
    if (is(r, "continuity")) {
        if (nonneg(r, "rto_hours", e) || nonneg(r, "rpo_hours", e) || nonneg(r, "mtd_hours", e)) {
            return -1;
        }
        double rto = num_or(r, "rto_hours"), mtd = num_or(r, "mtd_hours");
        if (rto >= 0 && mtd >= 0 && rto > mtd) {
            return err_set(e, ERR_INVALID, "rto_hours",
                           "rto_hours: the recovery time objective (%g h) cannot exceed the "
                           "maximum tolerable downtime (%g h)",
                           rto, mtd);
        }
        return 0;
    }
    if (is(r, "exception")) {
        const char *st = record_get(r, FIELD_STATUS);
        const char *was = orig ? record_get(orig, FIELD_STATUS) : NULL;
        if (!a->accepting && streq(st, "approved") && !streq(was, "approved")) {
            return err_set(e, ERR_INVALID, FIELD_STATUS,
                           "status: an exception becomes approved when it is signed off (isms "
                           "exception approve %s --as ACCOUNT)",
                           r->ref ? r->ref : "EXC-...");
        }
        if (!a->accepting && changed_field(orig, r, "approved_at")) {
            return err_set(e, ERR_INVALID, "approved_at", "approved_at: set by the approval");
        }
        if (!a->accepting) {
            /* a changed deviation needs approval again */
            int again = 0;
            for (int i = 0; orig && exc_signed_fields[i]; i++) {
                again |= changed_field(orig, r, exc_signed_fields[i]);
            }
            if (again && streq(was, "approved") && streq(st, "approved")) {
                set_field(r, FIELD_STATUS, "requested");
                set_field(r, "approved_at", NULL);
            }
        }
        return 0;
    }
    return 0;
}

/* ---- verify ------------------------------------------------------------------------- */

struct journal {
    json_t *entries; /* "id" -> {incident, kind, text, by} of the note entries */
    json_t *notices; /* "incident duty" -> {notified_at, by} */
    const char *bad;
    char why[200];
};

static int on_incident_history(void *ctx, const struct history_entry *h)
{
    struct journal *j = ctx;
    int note = strcmp(h->action, "note") == 0, notified = strcmp(h->action, "notified") == 0;
    if (!note && !notified) {
        return 0;
    }
    json_t *o = h->after ? json_loads(h->after, 0, NULL) : NULL;
    if (!o) {
        snprintf(j->why, sizeof j->why, "history entry %lld (%s %s) has no readable content",
                 (long long)h->seq, h->ref, h->action);
        return 1;
    }
    char key[96];
    json_object_set_new(o, "incident", json_string(h->ref));
    if (note) {
        snprintf(key, sizeof key, "%lld", (long long)json_integer_value(json_object_get(o, "entry")));
        json_object_set(j->entries, key, o);
    } else {
        snprintf(key, sizeof key, "%s %s", h->ref,
                 json_string_value(json_object_get(o, "duty")) ?: "");
        json_object_set(j->notices, key, o);
    }
    json_decref(o);
    return 0;
}

static int same(json_t *o, const char *k, const char *v)
{
    const char *x = json_string_value(json_object_get(o, k));
    return x && v && strcmp(x, v) == 0;
}

static int on_entry_row(void *ctx, const struct incident_entry_row *r)
{
    struct journal *j = ctx;
    char key[32];
    snprintf(key, sizeof key, "%ld", r->id);
    json_t *o = json_object_get(j->entries, key);
    if (!o || !same(o, "incident", r->incident) || !same(o, "kind", r->kind) ||
        !same(o, "text", r->text) || !same(o, "by", r->account_name)) {
        snprintf(j->why, sizeof j->why,
                 "timeline entry %ld of %s does not match its history entry%s", r->id,
                 r->incident, o ? "" : " (there is none)");
        return 1;
    }
    json_object_del(j->entries, key);
    return 0;
}

static int on_notice_row(void *ctx, const struct incident_notice_row *r)
{
    struct journal *j = ctx;
    char key[96];
    snprintf(key, sizeof key, "%s %s", r->incident, r->duty);
    json_t *o = json_object_get(j->notices, key);
    if (!o || !same(o, "notified_at", r->notified_at) || !same(o, "by", r->account_name)) {
        snprintf(j->why, sizeof j->why,
                 "the notification of %s (%s) does not match its history entry%s", r->incident,
                 r->duty, o ? "" : " (there is none)");
        return 1;
    }
    json_object_del(j->notices, key);
    return 0;
}

int ops_verify(struct app *a, struct err *e)
{
    struct journal j = {json_object(), json_object(), NULL, ""};
    int rc = store_history_of_types(a->st, principal_sys(), "incident", "incident", on_incident_history, &j, e);
    if (rc == 0 && !j.why[0]) {
        rc = store_incident_entries(a->st, principal_sys(), NULL, on_entry_row, &j, e);
    }
    if (rc == 0 && !j.why[0]) {
        rc = store_incident_notices(a->st, principal_sys(), NULL, on_notice_row, &j, e);
    }
    if (rc == 0 && !j.why[0] && (json_object_size(j.entries) || json_object_size(j.notices))) {
        const char *k = json_object_size(j.entries) ? json_object_iter_key(json_object_iter(
                                                          j.entries))
                                                    : json_object_iter_key(json_object_iter(
                                                          j.notices));
        snprintf(j.why, sizeof j.why, "the history records %s %s that the incident tables lack",
                 json_object_size(j.entries) ? "timeline entry" : "the notification", k);
    }
    if (rc == 0 && j.why[0]) {
        rc = err_set(e, ERR_CONFLICT, NULL, "%s", j.why);
    }
    json_decref(j.entries);
    json_decref(j.notices);
    return rc;
}
