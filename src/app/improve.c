/* improve.c — nonconformities and corrective actions (10.1, 10.2): the
 * status transitions of a nonconformity and what each needs, the 5-whys
 * chain (table nc_why, journaled in the nonconformity's history), the
 * effectiveness review of a corrective action through the one sign-off
 * mechanism (by someone other than its owner, once it is done), and the
 * improvement register's link to what raised an opportunity. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/hash.h"
#include "../lib/json.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "app_int.h"
#include "metrics.h"

int app_improve_record_json(struct app *a, const struct record *rec, struct buf *b,
                            struct err *e);
int improve_derive(struct app *a, struct record *r, const struct record *orig, struct err *e);

#define WHY_MAX 2000 /* characters of one step */

static int is(const struct record *r, const char *type)
{
    return strcmp(r->type->name, type) == 0;
}

static int same(const char *x, const char *y)
{
    return (x == NULL && y == NULL) || (x && y && strcmp(x, y) == 0);
}

/* ---- the 5 whys ------------------------------------------------------------ */

static int add_why(void *ctx, const struct why_row *w)
{
    struct nc_whys *l = ctx;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = (struct nc_why){w->position, xstrdup(w->text), xstrdup(w->at), xstrdup(w->by)};
    return 0;
}

void nc_whys_free(struct nc_whys *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].text);
        free(l->v[i].at);
        free(l->v[i].by);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

static int get_nc(struct app *a, const char *ref, struct record **out, struct err *e)
{
    return app_record_get(a, rtype_find("nonconformity"), ref, out, e); /* as a->who */
}

int app_nc_whys(struct app *a, const char *ref, struct nc_whys *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    struct record *nc = NULL;
    if (get_nc(a, ref, &nc, e)) {
        return -1;
    }
    int rc = store_whys(a->st, &a->who, nc->ref, add_why, out, e);
    record_free(nc);
    if (rc) {
        nc_whys_free(out);
    }
    return rc;
}

int app_nc_why_tx(struct app *a, const char *ref, int position, const char *text, int *pos,
                  struct err *e)
{
    struct record *nc = NULL;
    if (get_nc(a, ref, &nc, e)) {
        return -1;
    }
    int rc = -1;
    char now[21];
    time_now(now);
    char *old = NULL;
    struct buf before, after;
    buf_init(&before, 0);
    buf_init(&after, 0);
    if (record_get(nc, FIELD_RETIRED)) {
        err_set(e, ERR_CONFLICT, NULL, "nonconformity %s is retired; it can no longer be changed",
                nc->ref);
        goto done;
    }
    if (same(record_get(nc, FIELD_STATUS), "closed")) {
        err_set(e, ERR_CONFLICT, NULL,
                "%s is closed: its root cause analysis is part of the record; reopen it (status "
                "analysing) to change it",
                nc->ref);
        goto done;
    }
    if (position > 0) {
        if (store_why_set(a->st, nc->ref, position, text, now, a->actor, &old, e)) {
            goto done;
        }
        *pos = position;
        if (strcmp(old, text) == 0) {
            rc = 0; /* nothing changed: no entry */
            goto done;
        }
    } else if (store_why_add(a->st, nc->ref, text, now, a->actor, pos, e)) {
        goto done;
    }
    struct jw w;
    if (old) {
        jw_init(&w, &before, 0);
        jw_obj(&w);
        jw_key(&w, "position");
        jw_int(&w, *pos);
        jw_key(&w, "text");
        jw_str(&w, old);
        jw_obj_end(&w);
    }
    jw_init(&w, &after, 0);
    jw_obj(&w);
    jw_key(&w, "position");
    jw_int(&w, *pos);
    jw_key(&w, "text");
    jw_str(&w, text);
    jw_obj_end(&w);
    rc = app_journal(a, now, "nonconformity", nc->ref, "why", old ? buf_str(&before) : NULL,
                     buf_str(&after), e);
done:
    free(old);
    buf_free(&before);
    buf_free(&after);
    record_free(nc);
    return rc;
}

int app_nc_why(struct app *a, const char *ref, int position, const char *text, int *pos,
               struct err *e)
{
    *pos = 0;
    if (str_empty(text)) {
        return err_set(e, ERR_INVALID, "text",
                       "text: give the answer to \"why?\" (one step of the 5 whys)");
    }
    if (!utf8_valid(text, strlen(text)) || text_bad_control(text, 1) ||
        utf8_chars(text) > WHY_MAX) {
        return err_set(e, ERR_INVALID, "text", "text: at most %d characters of valid text",
                       WHY_MAX);
    }
    if (position < 0) {
        return err_set(e, ERR_INVALID, "position", "position: give a step number (1, 2, ...)");
    }
    IN_TRANSACTION(a, e, app_nc_why_tx(a, ref, position, text, pos, e));
}

/* ---- corrective actions: content, capacity, review ------------------------ */

void app_ca_content(const struct record *r, struct buf *out)
{
    struct jw w;
    jw_init(&w, out, 0);
    jw_obj(&w);
    jw_key(&w, "id");
    jw_str(&w, r->ref);
    static const char *const f[] = {"nonconformity", "title", "description", "due_date",
                                    "completed_on", FIELD_OWNER, NULL};
    for (int i = 0; f[i]; i++) {
        jw_key(&w, f[i]);
        jw_str(&w, record_get(r, f[i]));
    }
    jw_obj_end(&w);
}

static void ca_hash(const struct record *r, char out[65])
{
    struct buf c;
    buf_init(&c, 0);
    app_ca_content(r, &c);
    sha256_hex(c.p, c.len, out);
    buf_free(&c);
}

int app_ca_capacity_holds(struct app *a, const char *person, const char *subject,
                          struct err *e)
{
    struct record *r = NULL;
    struct err nf = {0};
    if (str_empty(person) || !subject ||
        store_get(a->st, principal_sys(), rtype_find("corrective"), subject, &r, &nf)) {
        if (nf.code && nf.code != ERR_NOTFOUND) {
            *e = nf;
            return -1;
        }
        return 0;
    }
    int holds = !same(record_get(r, FIELD_OWNER), person);
    record_free(r);
    return holds;
}

/* The effectiveness reviews of ca (sign-offs) that who reads, current when
 * they signed it as it is now. */
static int ca_reviews(struct app *a, const struct principal *who, const struct record *ca,
                      struct signoffs *out, struct err *e)
{
    char hash[65];
    ca_hash(ca, hash);
    return app_signoffs_as(a, who, "corrective", ca->ref, -1, hash, out, e);
}

/* 1 when ca has an effectiveness review that found it effective and signed
 * it as it is now (a rule: every sign-off, read as the system). */
static int ca_effective_now(struct app *a, const struct record *ca, struct err *e)
{
    struct signoffs l;
    if (ca_reviews(a, principal_sys(), ca, &l, e)) {
        return -1;
    }
    int yes = 0;
    /* the last current sign-off decides: an effective review, or one
     * recorded on someone's behalf, not followed by a sending back */
    for (size_t i = 0; i < l.n; i++) {
        if (l.v[i].current == 1) {
            yes = strcmp(l.v[i].kind, "review") == 0 ||
                  (strcmp(l.v[i].kind, "recorded-on-behalf") == 0 && l.v[i].details &&
                   strstr(l.v[i].details, "\"effective\":true"));
        }
    }
    signoffs_free(&l);
    return yes;
}

int app_ca_review_tx(struct app *a, const char *ref, int effective, const char *rationale,
                     const char *on_behalf_of, const char *evidence, struct err *e)
{
    const struct rtype *t = rtype_find("corrective");
    struct record *ca = NULL;
    int rc = app_record_get(a, t, ref, &ca, e); /* as a->who: unseen is missing */
    if (rc) {
        return -1;
    }
    rc = -1;
    const char *st = record_get(ca, FIELD_STATUS);
    const char *owner = record_get(ca, FIELD_OWNER);
    struct record *nc = NULL;
    if (record_get(ca, FIELD_RETIRED)) {
        err_set(e, ERR_CONFLICT, NULL, "corrective action %s is retired", ca->ref);
        goto done;
    }
    if (!same(st, "done") && !(same(st, "verified") && effective)) {
        err_set(e, ERR_CONFLICT, NULL,
                "%s is %s: its effectiveness is reviewed once the action is done (isms corrective "
                "edit %s --status done)",
                ca->ref, st, ca->ref);
        goto done;
    }
    if (a->signer.account > 0 && str_empty(on_behalf_of) && same(a->signer.person, owner)) {
        err_set(e, ERR_FORBIDDEN, NULL,
                "%s (account %s) owns %s: the effectiveness of an action is reviewed by someone "
                "other than its owner",
                a->signer.person, a->signer.name, ca->ref);
        goto done;
    }
    if (store_get(a->st, principal_sys(), rtype_find("nonconformity"),
                  record_get(ca, "nonconformity"), &nc, e)) {
        goto done;
    }
    enum role role = role_parse(a->signer.role);
    if (a->signer.account > 0 && role != ROLE_ADMIN && role != ROLE_MANAGER && role != ROLE_TOP &&
        !same(a->signer.person, record_get(nc, FIELD_OWNER))) {
        err_set(e, ERR_FORBIDDEN, NULL,
                "the effectiveness review of %s is recorded by the ISMS manager, top management "
                "or the owner of %s (%s); account %s is %s",
                ca->ref, nc->ref, record_get(nc, FIELD_OWNER), a->signer.name, a->signer.role);
        goto done;
    }
    char hash[65];
    ca_hash(ca, hash);
    char details[64];
    snprintf(details, sizeof details, "{\"effective\":%s}", effective ? "true" : "false");
    struct signoff_req q = {"corrective",
                            ca->ref,
                            0,
                            effective ? "review" : "sent-back",
                            CAP_EFFECTIVENESS,
                            rationale,
                            1,
                            hash,
                            details,
                            on_behalf_of,
                            evidence};
    long id;
    int existing = 0, changed = 0;
    if (app_signoff_tx(a, &q, &id, &existing, e)) {
        goto done;
    }
    struct kv kv[] = {{FIELD_STATUS, effective ? "verified" : "in-progress"}};
    a->accepting = 1;
    rc = app_edit_tx(a, t, ca->ref, kv, 1, 1, &changed, e);
    a->accepting = 0;
done:
    record_free(nc);
    record_free(ca);
    return rc;
}

int app_ca_review(struct app *a, const char *ref, int effective, const char *rationale,
                  const char *on_behalf_of, const char *evidence, struct err *e)
{
    IN_TRANSACTION(a, e, app_ca_review_tx(a, ref, effective, rationale, on_behalf_of, evidence, e));
}

/* ---- nonconformity status -------------------------------------------------- */

struct ca_state {
    struct app *a;
    struct err *e;
    int active, done, verified, rc;
    char first_open[24], first_unverified[24], first_unverified_status[24];
};

static int count_ca(void *ctx, struct record *r)
{
    struct ca_state *c = ctx;
    const char *st = record_get(r, FIELD_STATUS);
    if (!c->rc && !same(st, "cancelled")) {
        c->active++;
        int isdone = same(st, "done") || same(st, "verified");
        c->done += isdone;
        if (!isdone && !c->first_open[0]) {
            strlcpy_(c->first_open, r->ref, sizeof c->first_open);
        }
        int eff = same(st, "verified") ? ca_effective_now(c->a, r, c->e) : 0;
        if (eff < 0) {
            c->rc = -1;
        }
        c->verified += eff == 1;
        if (eff != 1 && !c->first_unverified[0]) {
            strlcpy_(c->first_unverified, r->ref, sizeof c->first_unverified);
            strlcpy_(c->first_unverified_status, st, sizeof c->first_unverified_status);
        }
    }
    record_free(r);
    return c->rc;
}

static int ca_states(struct app *a, const char *nc, struct ca_state *c, struct err *e)
{
    memset(c, 0, sizeof *c);
    c->a = a;
    c->e = e;
    if (!nc) {
        return 0;
    }
    const struct rtype *t = rtype_find("corrective");
    struct query q = {0};
    q.filter_field[0] = rtype_field(t, "nonconformity", NULL);
    q.filter_value[0] = nc;
    q.nfilter = 1;
    if (store_list(a->st, principal_sys(), t, &q, count_ca, c, e)) {
        return -1;
    }
    return c->rc;
}

struct count {
    int n;
};

static int count_why(void *ctx, const struct why_row *w)
{
    (void)w;
    ((struct count *)ctx)->n++;
    return 0;
}

/* Which statuses may follow which (the first of each row is the status). */
static const char *const transitions[][4] = {
    {"open", "analysing", "action-planned", NULL},
    {"analysing", "open", "action-planned", NULL},
    {"action-planned", "analysing", "verifying", NULL},
    {"verifying", "action-planned", "closed", NULL},
    {"closed", "analysing", NULL, NULL},
};

static int allowed(const char *from, const char *to, char *next, size_t n)
{
    next[0] = 0;
    for (size_t i = 0; i < sizeof transitions / sizeof transitions[0]; i++) {
        if (strcmp(transitions[i][0], from) != 0) {
            continue;
        }
        for (int k = 1; k < 4 && transitions[i][k]; k++) {
            if (strcmp(transitions[i][k], to) == 0) {
                return 1;
            }
            snprintf(next + strlen(next), n - strlen(next), "%s%s", next[0] ? " or " : "",
                     transitions[i][k]);
        }
    }
    return 0;
}

static int nc_derive(struct app *a, struct record *r, const struct record *orig, struct err *e)
{
    const char *to = record_get(r, FIELD_STATUS);
    const char *from = orig ? record_get(orig, FIELD_STATUS) : NULL;
    const char *id = r->ref ? r->ref : "this nonconformity";
    int ci;
    rtype_field(r->type, "closed_on", &ci);
    if (!orig) {
        if (!same(to, "open") && !same(to, "analysing")) {
            return err_set(e, ERR_INVALID, FIELD_STATUS,
                           "status: a new nonconformity is open (or analysing); it becomes %s "
                           "as its root cause is found and its corrective actions are done",
                           to);
        }
        return 0;
    }
    if (same(to, from)) {
        return 0;
    }
    char next[80];
    if (!allowed(from, to, next, sizeof next)) {
        return err_set(e, ERR_INVALID, FIELD_STATUS,
                       "status: %s is %s; it can go to %s, not to %s%s", id, from, next, to,
                       same(to, "closed") ? " (it is closed from verifying, once every "
                                            "corrective action's effectiveness review found it "
                                            "effective)"
                                          : "");
    }
    struct ca_state c;
    if (ca_states(a, r->ref, &c, e)) {
        return -1;
    }
    if (same(to, "action-planned")) {
        struct count w = {0};
        if (store_whys(a->st, principal_sys(), r->ref, count_why, &w, e)) {
            return -1;
        }
        if (str_empty(record_get(r, "root_cause")) && !w.n) {
            return err_set(e, ERR_INVALID, FIELD_STATUS,
                           "status: %s needs its root cause before actions are planned: ask "
                           "\"why?\" (isms nc why %s TEXT) or give --root-cause",
                           id, id);
        }
        if (!c.active) {
            return err_set(e, ERR_INVALID, FIELD_STATUS,
                           "status: %s has no corrective action yet (isms corrective add "
                           "--nonconformity %s --title ... --owner P-... --due-date ...)",
                           id, id);
        }
    }
    if (same(to, "verifying") && (!c.active || c.done < c.active)) {
        return err_set(e, ERR_INVALID, FIELD_STATUS,
                       "status: %s cannot be verified yet: corrective action %s is not done", id,
                       c.first_open[0] ? c.first_open : "(none planned)");
    }
    if (same(to, "closed")) {
        if (!c.active || c.verified < c.active) {
            return err_set(e, ERR_INVALID, FIELD_STATUS,
                           "status: %s cannot close before the effectiveness review: corrective "
                           "action %s (%s) has no current review that found it effective (isms "
                           "corrective review %s --as ACCOUNT --rationale TEXT, by someone "
                           "other than its owner)",
                           id, c.first_unverified[0] ? c.first_unverified : "(none)",
                           c.first_unverified[0] ? c.first_unverified_status : "-",
                           c.first_unverified[0] ? c.first_unverified : "CA-...");
        }
        char today[11];
        date_today(today);
        record_set_take(r, ci, xstrdup(today));
    } else if (same(from, "closed")) {
        record_set_take(r, ci, NULL); /* reopened */
    }
    return 0;
}

static int ca_derive(struct app *a, struct record *r, const struct record *orig, struct err *e)
{
    const char *to = record_get(r, FIELD_STATUS);
    const char *from = orig ? record_get(orig, FIELD_STATUS) : NULL;
    if (same(to, "verified") && !same(from, "verified") && !a->accepting) {
        return err_set(e, ERR_INVALID, FIELD_STATUS,
                       "status: a corrective action becomes verified through its effectiveness "
                       "review, by someone other than its owner, once it is done (isms "
                       "corrective review %s --as ACCOUNT --rationale TEXT)",
                       r->ref ? r->ref : "CA-...");
    }
    int ci;
    if (same(to, "done") && !same(from, "done") && !record_get(r, "completed_on") &&
        rtype_field(r->type, "completed_on", &ci)) {
        char today[11];
        date_today(today);
        record_set_take(r, ci, xstrdup(today));
    }
    const char *ncref = record_get(r, "nonconformity");
    if (!orig || !same(record_get(orig, "nonconformity"), ncref)) {
        struct record *nc = NULL;
        if (store_get(a->st, principal_sys(), rtype_find("nonconformity"), ncref, &nc, e)) {
            return -1;
        }
        int closed = same(record_get(nc, FIELD_STATUS), "closed");
        record_free(nc);
        if (closed) {
            return err_set(e, ERR_INVALID, "nonconformity",
                           "nonconformity: %s is closed; reopen it (status analysing) before "
                           "adding actions",
                           ncref);
        }
    }
    return 0;
}

/* raised_by: an audit, finding, nonconformity, incident or management
 * review that exists; the source follows from it when not given. */
static int improvement_derive(struct app *a, struct record *r, struct err *e)
{
    const char *by = record_get(r, "raised_by");
    if (str_empty(by)) {
        return 0;
    }
    static const struct {
        const char *type, *source;
    } kinds[] = {{"audit", "audit"},
                 {"finding", "audit"},
                 {"nonconformity", "other"},
                 {"incident", "incident"},
                 {"review", "management-review"}};
    const struct rtype *t = rtype_of_ref(by);
    const char *source = NULL;
    for (size_t i = 0; t && i < sizeof kinds / sizeof kinds[0]; i++) {
        if (strcmp(t->name, kinds[i].type) == 0) {
            source = kinds[i].source;
        }
    }
    if (!source) {
        return err_set(e, ERR_INVALID, "raised_by",
                       "raised_by: give the audit (AUD-), finding (F-), nonconformity (NC-), "
                       "incident (INC-) or management review (MR-) that raised it, not %.40s",
                       by);
    }
    int retired = 0;
    /* as a->who: a record the writer may not see is answered as missing */
    int found = store_exists(a->st, &a->who, t, by, &retired, e);
    if (found < 0) {
        return -1;
    }
    if (!found) {
        return err_set(e, ERR_INVALID, "raised_by", "raised_by: no %s %.40s", t->name, by);
    }
    int si;
    if (!record_get(r, "source") && rtype_field(r->type, "source", &si)) {
        record_set_take(r, si, xstrdup(source));
    }
    return 0;
}

int improve_derive(struct app *a, struct record *r, const struct record *orig, struct err *e)
{
    if (is(r, "nonconformity")) {
        return nc_derive(a, r, orig, e);
    }
    if (is(r, "corrective")) {
        return ca_derive(a, r, orig, e);
    }
    if (is(r, "improvement")) {
        return improvement_derive(a, r, e);
    }
    return 0;
}

/* ---- computed parts of the JSON --------------------------------------------- */

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
                            struct err *e)
{
    struct jw w;
    if (is(rec, "nonconformity")) {
        struct nc_whys l = {0};
        if (store_whys(a->st, &a->who, rec->ref, add_why, &l, e)) {
            nc_whys_free(&l);
            return -1;
        }
        reopen(b);
        key(b, "whys");
        jw_init(&w, b, 0);
        jw_arr(&w);
        for (size_t i = 0; i < l.n; i++) {
            jw_obj(&w);
            jw_key(&w, "position");
            jw_int(&w, l.v[i].position);
            jw_key(&w, "text");
            jw_str(&w, l.v[i].text);
            jw_key(&w, "at");
            jw_str(&w, l.v[i].at);
            jw_key(&w, "by");
            jw_str(&w, l.v[i].by);
            jw_obj_end(&w);
        }
        jw_arr_end(&w);
        key(b, "root_cause_from");
        if (!str_empty(record_get(rec, "root_cause"))) {
            json_quote(b, "root_cause");
        } else if (l.n) {
            json_quote(b, "whys");
        } else {
            buf_puts(b, "null");
        }
        buf_putc(b, '}');
        nc_whys_free(&l);
        return 0;
    }
    if (is(rec, "corrective")) {
        struct signoffs l;
        if (ca_reviews(a, &a->who, rec, &l, e)) {
            return -1;
        }
        reopen(b);
        key(b, "effectiveness_reviews");
        jw_init(&w, b, 0);
        signoffs_json(&w, &l);
        buf_putc(b, '}');
        signoffs_free(&l);
        return 0;
    }
    return 0;
}

/* ---- verify: the chains are what their history says ------------------------ */

struct why_fold {
    json_t *state; /* "NC-0001#3" -> text */
    struct err *e;
    int bad;
};

static int fold_why(void *ctx, const struct history_entry *h)
{
    struct why_fold *f = ctx;
    if (strcmp(h->action, "why") != 0) {
        return 0;
    }
    json_t *after = json_loads(h->after ? h->after : "null", 0, NULL);
    json_t *p = json_object_get(after, "position"), *t = json_object_get(after, "text");
    if (!json_is_integer(p) || !json_is_string(t)) {
        json_decref(after);
        f->bad = 1;
        err_set(f->e, ERR_CONFLICT, NULL,
                "history entry #%lld (a 5-whys step of %s) has no readable step",
                (long long)h->seq, h->ref);
        return 1;
    }
    char key[80];
    snprintf(key, sizeof key, "%s#%lld", h->ref, (long long)json_integer_value(p));
    json_object_set(f->state, key, t);
    json_decref(after);
    return 0;
}

static int check_why(void *ctx, const struct why_row *w)
{
    struct why_fold *f = ctx;
    char key[80];
    snprintf(key, sizeof key, "%s#%d", w->nc, w->position);
    json_t *t = json_object_get(f->state, key);
    if (!t || strcmp(json_string_value(t), w->text) != 0) {
        f->bad = 1;
        err_set(f->e, ERR_CONFLICT, NULL,
                "step %d of the 5 whys of %s differs from what its history says: it was changed "
                "behind the program's back",
                w->position, w->nc);
        return 1;
    }
    json_object_del(f->state, key);
    return 0;
}

int app_verify_whys(struct app *a, struct err *e)
{
    struct why_fold f = {json_object(), e, 0};
    int rc = store_history_of_types(a->st, principal_sys(), "nonconformity", "nonconformity",
                                    fold_why, &f, e);
    if (rc == 0 && !f.bad) {
        rc = store_whys(a->st, principal_sys(), NULL, check_why, &f, e);
    }
    if (rc == 0 && !f.bad && json_object_size(f.state)) {
        const char *k = json_object_iter_key(json_object_iter(f.state));
        f.bad = 1;
        err_set(e, ERR_CONFLICT, NULL,
                "the 5-whys step %s recorded in the history is missing: it was deleted behind "
                "the program's back",
                k);
    }
    json_decref(f.state);
    return rc || f.bad ? -1 : 0;
}
