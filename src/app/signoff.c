/* signoff.c — the one sign-off mechanism (who signed what, in which
 * capacity, the hash of exactly what was signed, bound to the signed-in
 * account) and the one version mechanism (frozen content with its
 * SHA-256, a lifecycle state, diffs). Every write is journaled in the
 * caller's transaction. See signoff.h. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/hash.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "app_int.h"
#include "metrics.h" /* metrics: app_metrics_record_json */
#include "ops.h"

/* ---- the signer ------------------------------------------------------------ */

void app_signer_set(struct app *a, long account, const char *name, const char *person,
                    const char *role)
{
    memset(&a->signer, 0, sizeof a->signer);
    a->signer.account = account;
    strlcpy_(a->signer.name, name ? name : "", sizeof a->signer.name);
    strlcpy_(a->signer.person, person ? person : "", sizeof a->signer.person);
    strlcpy_(a->signer.role, role ? role : "", sizeof a->signer.role);
}

void app_signer_clear(struct app *a)
{
    memset(&a->signer, 0, sizeof a->signer);
}

int app_signer_login(struct app *a, const char *account, const char *password, app_code_fn code,
                     void *ctx, struct err *e)
{
    char sid[72];
    int totp_due = 0;
    app_signer_clear(a);
    /* exactly a sign-in (password check, throttling and the security log
     * of accounts.c), then its session is ended at once */
    if (app_login(a, account, password, "cli", sid, &totp_due, e)) {
        return -1;
    }
    int rc = -1;
    struct err ignore = {0};
    if (totp_due == 2) {
        /* accounts: the role requires a second factor this account has not set up */
        err_set(e, ERR_UNAUTH, NULL,
                "%s: the role requires a second factor; set it up on the web (/account/totp) "
                "first", account);
        goto out;
    }
    if (totp_due) {
        char *c = code ? code(ctx) : NULL;
        int trc = app_login_totp(a, sid, c ? c : "", "cli", e);
        free(c);
        if (trc) {
            goto out;
        }
    }
    struct session_auth p;
    int ok = app_session(a, sid, &p, e);
    if (ok <= 0) {
        if (ok == 0) {
            err_set(e, ERR_UNAUTH, NULL, "wrong name or password");
        }
        goto out;
    }
    /* from now on this account reads and signs: `--as ACCOUNT` sees what it
     * sees on the web, and a->signer is the same account */
    struct principal who = principal_account(p.account, p.name, p.role, p.person);
    who.personal_hidden = p.personal_hidden; /* accounts: the privacy rule */
    who.read_only = p.read_only;             /* accounts: an external auditor */
    app_set_principal(a, &who);
    rc = 0;
out:
    app_logout(a, sid, "cli", &ignore);
    return rc;
}

/* ---- capacities ------------------------------------------------------------ */

static int record_field_is(struct app *a, const char *ref, const char *field, const char *person,
                           struct err *e)
{
    const struct rtype *t = rtype_of_ref(ref);
    if (!t) {
        return 0;
    }
    struct record *r = NULL;
    if (store_get(a->st, principal_sys(), t, ref, &r, e)) {
        return e->code == ERR_NOTFOUND ? 0 : -1;
    }
    const struct field *f = rtype_field(t, field, NULL);
    const char *v = f ? record_get(r, field) : NULL;
    if (!f) {
        v = record_get(r, FIELD_OWNER);
    }
    int yes = 0;
    if (v) {
        /* a single reference or a comma list of them */
        size_t n = strlen(person);
        for (const char *p = v; *p;) {
            const char *end = strchr(p, ',');
            size_t len = end ? (size_t)(end - p) : strlen(p);
            yes |= len == n && strncmp(p, person, n) == 0;
            p += len + (end != NULL);
        }
    }
    record_free(r);
    return yes;
}

int app_capacity_holds(struct app *a, const char *person, const char *capacity,
                       const char *subject, struct err *e)
{
    if (str_empty(person)) {
        return 0;
    }
    if (strcmp(capacity, CAP_TOP_MANAGEMENT) == 0) {
        return store_is_top_management(a->st, person, e);
    }
    if (strcmp(capacity, CAP_READER) == 0) {
        return 1;
    }
    if (!subject) {
        return 0;
    }
    if (strcmp(capacity, CAP_RISK_OWNER) == 0) {
        if (strcmp(subject, "plan") == 0) {
            return app_plan_has_owner(a, person, e);
        }
        return record_field_is(a, subject, FIELD_OWNER, person, e);
    }
    if (strcmp(capacity, CAP_DOC_REVIEWER) == 0 || strcmp(capacity, CAP_DOC_APPROVER) == 0) {
        return doc_capacity_holds(a, person, capacity, subject, e); /* documents.c */
    }
    if (strcmp(capacity, CAP_EFFECTIVENESS) == 0) {
        return app_ca_capacity_holds(a, person, subject, e); /* metrics: improve.c */
    }
    /* ops: security exceptions */
    if (strcmp(capacity, CAP_EXC_RISK_OWNER) == 0) {
        return ops_exception_risk_owner(a, person, subject, e); /* ops.c */
    }
    return 0;
}

static const char *capacity_words(const char *capacity)
{
    if (strcmp(capacity, CAP_TOP_MANAGEMENT) == 0) {
        return "top management (a person holding a role marked top management)";
    }
    if (strcmp(capacity, CAP_RISK_OWNER) == 0) {
        return "risk owner (the owner of the risk)";
    }
    if (strcmp(capacity, CAP_DOC_REVIEWER) == 0) {
        return "document reviewer";
    }
    if (strcmp(capacity, CAP_DOC_APPROVER) == 0) {
        return "document approver";
    }
    if (strcmp(capacity, CAP_EFFECTIVENESS) == 0) {
        return "effectiveness reviewer (anyone but the corrective action's owner)";
    }
    if (strcmp(capacity, CAP_EXC_RISK_OWNER) == 0) {
        return "owner of the risk the exception brings";
    }
    return capacity;
}

int app_capacity_check(struct app *a, const char *capacity, const char *subject, struct err *e)
{
    if (a->signer.account <= 0) {
        return err_set(e, ERR_FORBIDDEN, NULL,
                       "sign in as an account to sign (on the command line: --as ACCOUNT)");
    }
    if (!a->signer.person[0]) {
        return err_set(e, ERR_FORBIDDEN, NULL,
                       "account %s acts as no person, so it cannot sign; an administrator links "
                       "it to one (isms user set %s person P-...)",
                       a->signer.name, a->signer.name);
    }
    int holds = app_capacity_holds(a, a->signer.person, capacity, subject, e);
    if (holds < 0) {
        return -1;
    }
    if (!holds) {
        return err_set(e, ERR_FORBIDDEN, NULL,
                       "this needs the capacity %s%s%s; %s (account %s) does not hold it",
                       capacity_words(capacity), subject ? " of " : "", subject ? subject : "",
                       a->signer.person, a->signer.name);
    }
    return 0;
}

/* ---- evidence of a decision taken elsewhere -------------------------------- */

int app_evidence_check(struct app *a, const char *ref, const char *subject, struct err *e)
{
    if (str_empty(ref)) {
        return err_set(e, ERR_INVALID, "evidence",
                       "evidence: a decision recorded on behalf of someone needs the evidence "
                       "file of it (the minutes) attached to %s first (isms attach %s FILE), "
                       "then --evidence ATT-...",
                       subject ? subject : "the record", subject ? subject : "ID");
    }
    struct attachment_info info;
    struct err nf = {0};
    if (app_attachment_get_as(a, principal_sys(), ref, &info, &nf)) {
        if (nf.code != ERR_NOTFOUND) {
            *e = nf;
            return -1;
        }
        return err_set(e, ERR_INVALID, "evidence",
                       "evidence: %.40s is not an evidence file attached to %s", ref,
                       subject ? subject : "this record");
    }
    if (!subject || strcmp(info.subject, subject) != 0) {
        return err_set(e, ERR_INVALID, "evidence",
                       "evidence: %.40s is not an evidence file attached to %s (it belongs to "
                       "%s)",
                       ref, subject ? subject : "this record", info.subject);
    }
    if (!info.active) {
        return err_set(e, ERR_INVALID, "evidence",
                       "evidence: %.40s was removed from %s; attach the evidence again", ref,
                       subject);
    }
    return 0;
}

/* ---- recording a sign-off -------------------------------------------------- */

static int valid_kind(const char *k)
{
    static const char *const kinds[] = {"approval", "acceptance", "review", "sent-back",
                                        "acknowledgement", NULL};
    for (int i = 0; k && kinds[i]; i++) {
        if (strcmp(kinds[i], k) == 0) {
            return 1;
        }
    }
    return 0;
}

struct found {
    long id;
};

static int grab_id(void *ctx, const struct signoff_row *r)
{
    ((struct found *)ctx)->id = r->id;
    return 1;
}

static int check_person_active(struct app *a, const char *field, const char *p, struct err *e)
{
    const struct rtype *pt = rtype_find("person");
    if (str_empty(p) || rtype_of_ref(p) != pt) {
        return err_set(e, ERR_INVALID, field, "%s: give a person identifier (P-0001)", field);
    }
    int retired = 0;
    int found = store_exists(a->st, principal_sys(), pt, p, &retired, e);
    if (found < 0) {
        return -1;
    }
    if (!found || retired) {
        return err_set(e, ERR_INVALID, field, "%s: no active person %.40s", field, p);
    }
    return 0;
}

int app_signoff_tx(struct app *a, const struct signoff_req *q, long *id, int *existing,
                   struct err *e)
{
    long dummy_id;
    int dummy_ex;
    id = id ? id : &dummy_id;
    existing = existing ? existing : &dummy_ex;
    *id = 0;
    *existing = 0;
    if (app_may_write(a, e)) {
        return -1; /* accounts: an external auditor signs nothing */
    }
    if (!valid_kind(q->kind)) {
        return err_set(e, ERR_INTERNAL, NULL, "unknown sign-off kind %.40s", q->kind);
    }
    if (!q->signed_sha256 || strlen(q->signed_sha256) != 64) {
        return err_set(e, ERR_INTERNAL, NULL, "a sign-off needs the hash of what is signed");
    }
    const char *rat = q->rationale;
    if (rat && !rat[0]) {
        rat = NULL;
    }
    if (!rat && q->rationale_required) {
        return err_set(e, ERR_INVALID, "rationale", "rationale: say why (--rationale TEXT)");
    }
    if (rat && (!utf8_valid(rat, strlen(rat)) || utf8_chars(rat) > 2000 ||
                text_bad_control(rat, 1))) {
        return err_set(e, ERR_INVALID, "rationale",
                       "rationale: at most 2000 characters of valid text");
    }
    int on_behalf = !str_empty(q->on_behalf_of);
    const char *kind = q->kind;
    if (on_behalf) {
        /* the decider holds the capacity; the signer records, with proof */
        if (a->signer.account <= 0 || !a->signer.person[0]) {
            return app_capacity_check(a, q->capacity, q->subject_id, e);
        }
        enum role r = role_parse(a->signer.role);
        if (r != ROLE_ADMIN && r != ROLE_MANAGER) {
            return err_set(e, ERR_FORBIDDEN, NULL,
                           "recording a decision on behalf of someone needs the admin or manager "
                           "role; account %s is %s",
                           a->signer.name, a->signer.role);
        }
        if (check_person_active(a, "on_behalf_of", q->on_behalf_of, e)) {
            return -1;
        }
        int holds = app_capacity_holds(a, q->on_behalf_of, q->capacity, q->subject_id, e);
        if (holds < 0) {
            return -1;
        }
        if (!holds) {
            return err_set(e, ERR_FORBIDDEN, "on_behalf_of",
                           "on_behalf_of: this needs the capacity %s%s%s, and %s does not hold it",
                           capacity_words(q->capacity), q->subject_id ? " of " : "",
                           q->subject_id ? q->subject_id : "", q->on_behalf_of);
        }
        if (app_evidence_check(a, q->evidence, q->subject_id, e)) {
            return -1;
        }
        kind = "recorded-on-behalf";
    } else {
        if (!str_empty(q->evidence)) {
            return err_set(e, ERR_INVALID, "evidence",
                           "evidence: an evidence file goes with a decision recorded on behalf "
                           "of someone (--on-behalf-of P-... --evidence ATT-...)");
        }
        if (app_capacity_check(a, q->capacity, q->subject_id, e)) {
            return -1;
        }
        if (check_person_active(a, "signer", a->signer.person, e)) {
            return -1;
        }
    }
    char now[21];
    time_now(now);
    struct signoff_row row = {0,
                              q->subject_kind,
                              q->subject_id,
                              q->version,
                              kind,
                              q->capacity,
                              rat,
                              q->signed_sha256,
                              a->signer.account,
                              a->signer.name,
                              a->signer.person,
                              on_behalf ? q->on_behalf_of : NULL,
                              on_behalf ? q->evidence : NULL,
                              q->details,
                              now};
    /* the same signer signing the same content again changes nothing */
    struct found f = {0};
    int n = store_signoff_find(a->st, principal_sys(), &row, grab_id, &f, e);
    if (n < 0) {
        return -1;
    }
    if (n > 0) {
        *id = f.id;
        *existing = 1;
        return 0;
    }
    if (store_signoff_add(a->st, &row, id, e)) {
        return -1;
    }
    struct buf b;
    struct jw w;
    buf_init(&b, 0);
    jw_init(&w, &b, 0);
    jw_obj(&w);
    jw_key(&w, "signoff");
    jw_int(&w, *id);
    jw_key(&w, "kind");
    jw_str(&w, kind);
    jw_key(&w, "subject_kind");
    jw_str(&w, q->subject_kind);
    jw_key(&w, "subject");
    jw_str(&w, q->subject_id);
    jw_key(&w, "version");
    if (q->version > 0) {
        jw_int(&w, q->version);
    } else {
        jw_null(&w);
    }
    jw_key(&w, "capacity");
    jw_str(&w, q->capacity);
    jw_key(&w, "signed_sha256");
    jw_str(&w, q->signed_sha256);
    jw_key(&w, "account");
    jw_int(&w, a->signer.account);
    jw_key(&w, "account_name");
    jw_str(&w, a->signer.name);
    jw_key(&w, "person");
    jw_str(&w, a->signer.person);
    jw_key(&w, "on_behalf_of");
    jw_str(&w, row.on_behalf_of);
    jw_key(&w, "evidence");
    jw_str(&w, row.evidence);
    jw_key(&w, "rationale");
    jw_str(&w, rat);
    if (q->details) {
        jw_key(&w, "details");
        jw_numtext(&w, q->details); /* trusted JSON, written as is */
    }
    jw_obj_end(&w);
    char ref[160];
    if (q->version > 0) {
        snprintf(ref, sizeof ref, "%s:%s:%d", q->subject_kind, q->subject_id, q->version);
    } else {
        snprintf(ref, sizeof ref, "%s", q->subject_id);
    }
    int rc = app_journal(a, now, "signoff", ref, kind, NULL, buf_str(&b), e);
    buf_free(&b);
    return rc;
}

int app_signoff(struct app *a, const struct signoff_req *q, long *id, int *existing,
                struct err *e)
{
    IN_TRANSACTION(a, e, app_signoff_tx(a, q, id, existing, e));
}

/* ---- reading sign-offs ------------------------------------------------------ */

struct collect {
    struct app *a;
    struct signoffs *l;
    const char *current;
};

static char *dup_opt(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

static int collect_signoff(void *ctx, const struct signoff_row *r)
{
    struct collect *c = ctx;
    struct signoffs *l = c->l;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    struct signoff *s = &l->v[l->n++];
    memset(s, 0, sizeof *s);
    s->id = r->id;
    s->account = r->account;
    s->version = r->version;
    s->current = c->current ? strcmp(c->current, r->signed_sha256) == 0 : -1;
    s->subject_kind = dup_opt(r->subject_kind);
    s->subject_id = dup_opt(r->subject_id);
    s->kind = dup_opt(r->kind);
    s->capacity = dup_opt(r->capacity);
    s->rationale = dup_opt(r->rationale);
    s->signed_sha256 = dup_opt(r->signed_sha256);
    s->account_name = dup_opt(r->account_name);
    s->person = dup_opt(r->person);
    s->on_behalf_of = dup_opt(r->on_behalf_of);
    s->evidence = dup_opt(r->evidence);
    s->details = dup_opt(r->details);
    s->at = dup_opt(r->at);
    return 0;
}

static char *person_name(struct app *a, const char *ref)
{
    if (!ref) {
        return NULL;
    }
    struct record *p = NULL;
    struct err ignore = {0};
    if (store_get(a->st, principal_sys(), rtype_find("person"), ref, &p, &ignore)) {
        return NULL;
    }
    char *n = dup_opt(record_get(p, "name"));
    record_free(p);
    return n;
}

int app_signoffs(struct app *a, const char *kind, const char *subject, int version,
                 const char *current_sha256, struct signoffs *out, struct err *e)
{
    return app_signoffs_as(a, &a->who, kind, subject, version, current_sha256, out, e);
}

int app_signoffs_as(struct app *a, const struct principal *who, const char *kind,
                    const char *subject, int version, const char *current_sha256,
                    struct signoffs *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    struct collect c = {a, out, current_sha256};
    if (store_signoffs(a->st, who, kind, subject, version, collect_signoff, &c, e)) {
        signoffs_free(out);
        return -1;
    }
    for (size_t i = 0; i < out->n; i++) {
        out->v[i].person_name = person_name(a, out->v[i].person);
        out->v[i].on_behalf_name = person_name(a, out->v[i].on_behalf_of);
    }
    return 0;
}

void signoffs_free(struct signoffs *l)
{
    for (size_t i = 0; i < l->n; i++) {
        struct signoff *s = &l->v[i];
        char **f[] = {&s->subject_kind, &s->subject_id,   &s->kind,         &s->capacity,
                      &s->rationale,    &s->signed_sha256, &s->account_name, &s->person,
                      &s->person_name,  &s->on_behalf_of,  &s->on_behalf_name, &s->evidence,
                      &s->details,      &s->at};
        for (size_t k = 0; k < sizeof f / sizeof f[0]; k++) {
            free(*f[k]);
        }
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

const struct signoff *signoffs_current(const struct signoffs *l, const char *kind)
{
    const struct signoff *last = NULL;
    for (size_t i = 0; i < l->n; i++) {
        const struct signoff *s = &l->v[i];
        int k = strcmp(s->kind, kind) == 0 || strcmp(s->kind, "recorded-on-behalf") == 0;
        if (k && s->current == 1) {
            last = s;
        }
    }
    return last;
}

static const char *kind_verb(const char *kind)
{
    static const char *const m[][2] = {{"approval", "approved"},
                                       {"acceptance", "accepted"},
                                       {"review", "reviewed"},
                                       {"sent-back", "sent back"},
                                       {"acknowledgement", "acknowledged"},
                                       {NULL, NULL}};
    for (int i = 0; m[i][0]; i++) {
        if (strcmp(m[i][0], kind) == 0) {
            return m[i][1];
        }
    }
    return kind;
}

void signoff_label(const struct signoff *s, struct buf *out)
{
    if (s->on_behalf_of) {
        buf_printf(out, "recorded on behalf of %s%s%s%s by %s%s%s%s (account %s)", s->on_behalf_of,
                   s->on_behalf_name ? " (" : "", s->on_behalf_name ? s->on_behalf_name : "",
                   s->on_behalf_name ? ")" : "", s->person, s->person_name ? " (" : "",
                   s->person_name ? s->person_name : "", s->person_name ? ")" : "",
                   s->account_name);
    } else {
        buf_printf(out, "%s by %s%s%s%s", kind_verb(s->kind), s->person,
                   s->person_name ? " (" : "", s->person_name ? s->person_name : "",
                   s->person_name ? ")" : "");
        if (s->account > 0) {
            buf_printf(out, ", account %s,", s->account_name);
        } else {
            buf_puts(out, " (no account: recorded before sign-offs were bound to accounts)");
        }
    }
    buf_printf(out, " as %s at %s", s->capacity, s->at);
    if (s->evidence) {
        buf_printf(out, ", evidence %s", s->evidence);
    }
}

void signoff_json(struct jw *w, const struct signoff *s)
{
    jw_obj(w);
    jw_key(w, "id");
    jw_int(w, s->id);
    jw_key(w, "kind");
    jw_str(w, s->kind);
    jw_key(w, "subject_kind");
    jw_str(w, s->subject_kind);
    jw_key(w, "subject");
    jw_str(w, s->subject_id);
    jw_key(w, "version");
    if (s->version > 0) {
        jw_int(w, s->version);
    } else {
        jw_null(w);
    }
    jw_key(w, "capacity");
    jw_str(w, s->capacity);
    jw_key(w, "rationale");
    jw_str(w, s->rationale);
    jw_key(w, "signed_sha256");
    jw_str(w, s->signed_sha256);
    jw_key(w, "current");
    if (s->current < 0) {
        jw_null(w);
    } else {
        jw_bool(w, s->current);
    }
    jw_key(w, "at");
    jw_str(w, s->at);
    jw_key(w, "signer");
    jw_obj(w);
    jw_key(w, "person");
    jw_str(w, s->person);
    jw_key(w, "name");
    jw_str(w, s->person_name);
    jw_key(w, "account");
    jw_str(w, s->account > 0 ? s->account_name : NULL);
    jw_key(w, "account_id");
    if (s->account > 0) {
        jw_int(w, s->account);
    } else {
        jw_null(w);
    }
    jw_obj_end(w);
    jw_key(w, "on_behalf_of");
    if (s->on_behalf_of) {
        jw_obj(w);
        jw_key(w, "person");
        jw_str(w, s->on_behalf_of);
        jw_key(w, "name");
        jw_str(w, s->on_behalf_name);
        jw_obj_end(w);
    } else {
        jw_null(w);
    }
    jw_key(w, "evidence");
    jw_str(w, s->evidence);
    jw_key(w, "label");
    struct buf b;
    buf_init(&b, 0);
    signoff_label(s, &b);
    jw_str(w, buf_str(&b));
    buf_free(&b);
    jw_obj_end(w);
}

void signoffs_json(struct jw *w, const struct signoffs *l)
{
    jw_arr(w);
    for (size_t i = 0; i < l->n; i++) {
        signoff_json(w, &l->v[i]);
    }
    jw_arr_end(w);
}

/* ---- versions --------------------------------------------------------------- */

void version_free(struct version *v)
{
    char **f[] = {&v->kind,  &v->subject, &v->content,    &v->sha256,
                  &v->state, &v->note,    &v->created_at, &v->created_by};
    for (size_t k = 0; k < sizeof f / sizeof f[0]; k++) {
        free(*f[k]);
    }
    memset(v, 0, sizeof *v);
}

void versions_free(struct versions *l)
{
    for (size_t i = 0; i < l->n; i++) {
        version_free(&l->v[i]);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

static void version_copy(struct version *d, const struct version_row *v)
{
    d->id = v->id;
    d->number = v->number;
    d->kind = dup_opt(v->kind);
    d->subject = dup_opt(v->subject);
    d->content = dup_opt(v->content);
    d->sha256 = dup_opt(v->sha256);
    d->state = dup_opt(v->state);
    d->note = dup_opt(v->note);
    d->created_at = dup_opt(v->created_at);
    d->created_by = dup_opt(v->created_by);
}

static int grab_version(void *ctx, const struct version_row *v)
{
    version_copy(ctx, v);
    return 1;
}

static int add_version(void *ctx, const struct version_row *v)
{
    struct versions *l = ctx;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    version_copy(&l->v[l->n++], v);
    return 0;
}

int app_version_get_as(struct app *a, const struct principal *who, const char *kind,
                       const char *subject, int number, const char *as_of, struct version *out,
                       struct err *e)
{
    memset(out, 0, sizeof *out);
    return store_version_get(a->st, who, kind, subject, number, as_of, NULL, grab_version, out, e);
}

int app_version_get(struct app *a, const char *kind, const char *subject, int number,
                    const char *as_of, struct version *out, struct err *e)
{
    return app_version_get_as(a, &a->who, kind, subject, number, as_of, out, e);
}

int app_version_list_as(struct app *a, const struct principal *who, const char *kind,
                        const char *subject, struct versions *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    if (store_versions(a->st, who, kind, subject, add_version, out, e)) {
        versions_free(out);
        return -1;
    }
    return 0;
}

int app_version_list(struct app *a, const char *kind, const char *subject, struct versions *out,
                     struct err *e)
{
    return app_version_list_as(a, &a->who, kind, subject, out, e);
}

static void version_entry(struct buf *b, const char *kind, const char *subject, int number,
                          const char *sha, const char *state, const char *note)
{
    struct jw w;
    jw_init(&w, b, 0);
    jw_obj(&w);
    jw_key(&w, "kind");
    jw_str(&w, kind);
    jw_key(&w, "subject");
    jw_str(&w, subject);
    jw_key(&w, "number");
    jw_int(&w, number);
    jw_key(&w, "sha256");
    jw_str(&w, sha);
    jw_key(&w, "state");
    jw_str(&w, state);
    jw_key(&w, "note");
    jw_str(&w, note);
    jw_obj_end(&w);
}

int app_version_freeze_tx(struct app *a, const char *kind, const char *subject,
                          const char *content, const char *state, const char *note, int per_kind,
                          int *number, int *existing, struct err *e)
{
    int dummy;
    existing = existing ? existing : &dummy;
    *existing = 0;
    if (note && (!utf8_valid(note, strlen(note)) || utf8_chars(note) > 2000 ||
                 text_bad_control(note, 1))) {
        return err_set(e, ERR_INVALID, "note", "note: at most 2000 characters of valid text");
    }
    char hash[65], now[21];
    sha256_hex(content, strlen(content), hash);
    struct version last = {0};
    struct err nf = {0};
    if (store_version_get(a->st, principal_sys(), kind, subject, 0, NULL, NULL, grab_version, &last, &nf) == 0) {
        int same = strcmp(last.sha256, hash) == 0;
        if (same) {
            *number = last.number;
            *existing = 1;
            version_free(&last);
            return 0;
        }
        version_free(&last);
    } else if (nf.code != ERR_NOTFOUND) {
        *e = nf;
        return -1;
    }
    int n = 0;
    if (store_version_last(a->st, principal_sys(), kind, per_kind ? NULL : subject, &n, e)) {
        return -1;
    }
    time_now(now);
    struct version_row v = {0, kind, subject, n + 1, content, hash, state, note, now, a->actor};
    if (store_version_add(a->st, &v, NULL, e)) {
        return -1;
    }
    struct buf b;
    buf_init(&b, 0);
    version_entry(&b, kind, subject, v.number, hash, state, note);
    char ref[160];
    snprintf(ref, sizeof ref, "%s:%s:%d", kind, subject, v.number);
    int rc = app_journal(a, now, "version", ref, "freeze", NULL, buf_str(&b), e);
    buf_free(&b);
    if (rc == 0) {
        *number = v.number;
    }
    return rc;
}

int app_version_freeze(struct app *a, const char *kind, const char *subject, const char *content,
                       const char *state, const char *note, int per_kind, int *number,
                       int *existing, struct err *e)
{
    IN_TRANSACTION(a, e, app_version_freeze_tx(a, kind, subject, content, state, note, per_kind,
                                               number, existing, e));
}

int app_version_state_tx(struct app *a, const char *kind, const char *subject, int number,
                         const char *state, struct err *e)
{
    struct version v;
    if (app_version_get_as(a, principal_sys(), kind, subject, number, NULL, &v, e)) {
        return -1;
    }
    if (v.state && state && strcmp(v.state, state) == 0) {
        version_free(&v);
        return 0;
    }
    char now[21], ref[160];
    time_now(now);
    snprintf(ref, sizeof ref, "%s:%s:%d", kind, subject, number);
    struct buf before, after;
    buf_init(&before, 0);
    buf_init(&after, 0);
    struct jw w;
    jw_init(&w, &before, 0);
    jw_obj(&w);
    jw_key(&w, "state");
    jw_str(&w, v.state);
    jw_obj_end(&w);
    jw_init(&w, &after, 0);
    jw_obj(&w);
    jw_key(&w, "state");
    jw_str(&w, state);
    jw_obj_end(&w);
    int rc = store_version_set_state(a->st, kind, subject, number, state, e) ||
             app_journal(a, now, "version", ref, "state", buf_str(&before), buf_str(&after), e);
    buf_free(&before);
    buf_free(&after);
    version_free(&v);
    return rc ? -1 : 0;
}

int app_version_state(struct app *a, const char *kind, const char *subject, int number,
                      const char *state, struct err *e)
{
    IN_TRANSACTION(a, e, app_version_state_tx(a, kind, subject, number, state, e));
}

/* ---- diffs ------------------------------------------------------------------ */

static struct vchange *vdiff_add(struct vdiff *d, const char *change)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->v = xrealloc(d->v, d->cap * sizeof *d->v);
    }
    struct vchange *c = &d->v[d->n++];
    memset(c, 0, sizeof *c);
    c->change = change;
    return c;
}

void vdiff_free(struct vdiff *d)
{
    for (size_t i = 0; i < d->n; i++) {
        struct vchange *c = &d->v[i];
        free(c->id);
        free(c->field);
        free(c->text);
        json_decref(c->from);
        json_decref(c->to);
        json_decref(c->row);
    }
    free(d->v);
    memset(d, 0, sizeof *d);
}

static int rows_by_id(json_t *arr)
{
    size_t i;
    json_t *x;
    if (!json_is_array(arr)) {
        return 0;
    }
    json_array_foreach(arr, i, x) {
        if (!json_is_string(json_object_get(x, "id"))) {
            return 0;
        }
    }
    return 1;
}

static void diff_fields(struct vdiff *d, const char *id, json_t *old, json_t *row)
{
    const char *k;
    json_t *v;
    json_object_foreach(row, k, v) {
        json_t *ov = json_object_get(old, k);
        if (!ov || !json_equal(ov, v)) {
            struct vchange *c = vdiff_add(d, "changed");
            c->id = id ? xstrdup(id) : NULL;
            c->field = xstrdup(k);
            c->from = json_incref(ov ? ov : json_null());
            c->to = json_incref(v);
        }
    }
    json_object_foreach(old, k, v) {
        if (!json_object_get(row, k)) {
            struct vchange *c = vdiff_add(d, "changed");
            c->id = id ? xstrdup(id) : NULL;
            c->field = xstrdup(k);
            c->from = json_incref(v);
            c->to = json_null();
        }
    }
}

static void diff_rows(struct vdiff *d, json_t *ja, json_t *jb)
{
    json_t *ia = json_object(), *ib = json_object();
    size_t i;
    json_t *row;
    json_array_foreach(ja, i, row) {
        json_object_set(ia, json_string_value(json_object_get(row, "id")), row);
    }
    json_array_foreach(jb, i, row) {
        json_object_set(ib, json_string_value(json_object_get(row, "id")), row);
    }
    json_array_foreach(jb, i, row) {
        const char *id = json_string_value(json_object_get(row, "id"));
        json_t *old = json_object_get(ia, id);
        if (!old) {
            struct vchange *c = vdiff_add(d, "added");
            c->id = xstrdup(id);
            c->row = json_incref(row);
        } else {
            diff_fields(d, id, old, row);
        }
    }
    json_array_foreach(ja, i, row) {
        const char *id = json_string_value(json_object_get(row, "id"));
        if (!json_object_get(ib, id)) {
            struct vchange *c = vdiff_add(d, "removed");
            c->id = xstrdup(id);
            c->row = json_incref(row);
        }
    }
    json_decref(ia);
    json_decref(ib);
}

/* Lines of text, split in place. */
struct lines {
    char **v;
    size_t n;
};

static void split_lines(char *t, struct lines *l)
{
    size_t cap = 16;
    l->v = xmalloc(cap * sizeof *l->v);
    l->n = 0;
    for (char *p = t; *p || p == t;) {
        if (l->n == cap) {
            cap *= 2;
            l->v = xrealloc(l->v, cap * sizeof *l->v);
        }
        l->v[l->n++] = p;
        char *nl = strchr(p, '\n');
        if (!nl) {
            break;
        }
        *nl = 0;
        p = nl + 1;
        if (!*p) {
            break;
        }
    }
}

#define DIFF_MAX_LINES 4000 /* beyond: a changed/unchanged summary per line */

static void line_change(struct vdiff *d, const char *change, size_t line, const char *text)
{
    struct vchange *c = vdiff_add(d, change);
    c->line = (long)line;
    c->text = xstrdup(text);
}

static void diff_text(struct vdiff *d, const char *from, const char *to)
{
    char *ca = xstrdup(from), *cb = xstrdup(to);
    struct lines la, lb;
    split_lines(ca, &la);
    split_lines(cb, &lb);
    size_t n = la.n, m = lb.n;
    if (n > DIFF_MAX_LINES || m > DIFF_MAX_LINES) {
        n = n > DIFF_MAX_LINES ? DIFF_MAX_LINES : n;
        m = m > DIFF_MAX_LINES ? DIFF_MAX_LINES : m;
    }
    /* longest common subsequence, then walk it */
    unsigned short *t = xcalloc((n + 1) * (m + 1), sizeof *t);
#define T(i, j) t[(i) * (m + 1) + (j)]
    for (size_t i = n; i-- > 0;) {
        for (size_t j = m; j-- > 0;) {
            T(i, j) = strcmp(la.v[i], lb.v[j]) == 0
                          ? (unsigned short)(T(i + 1, j + 1) + 1)
                          : (T(i + 1, j) > T(i, j + 1) ? T(i + 1, j) : T(i, j + 1));
        }
    }
    size_t i = 0, j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && strcmp(la.v[i], lb.v[j]) == 0) {
            i++;
            j++;
        } else if (j < m && (i == n || T(i, j + 1) >= T(i + 1, j))) {
            line_change(d, "added", j + 1, lb.v[j]);
            j++;
        } else {
            line_change(d, "removed", i + 1, la.v[i]);
            i++;
        }
    }
#undef T
    free(t);
    free(la.v);
    free(lb.v);
    free(ca);
    free(cb);
}

void version_diff(const char *from, const char *to, struct vdiff *out)
{
    memset(out, 0, sizeof *out);
    /* the two stored contents: JSON we wrote, or text */
    json_t *ja = json_loads(from, JSON_DECODE_ANY, NULL);
    json_t *jb = json_loads(to, JSON_DECODE_ANY, NULL);
    if (rows_by_id(ja) && rows_by_id(jb)) {
        diff_rows(out, ja, jb);
    } else if (json_is_object(ja) && json_is_object(jb)) {
        diff_fields(out, NULL, ja, jb);
    } else {
        diff_text(out, from, to);
    }
    json_decref(ja);
    json_decref(jb);
}

/* A value of a stored content through the writer: strings escaped like
 * every string we write, numbers as Jansson read them. */
static void jw_value(struct jw *w, const json_t *v)
{
    if (w->depth >= 60) {
        jw_null(w); /* deeper than any content we freeze */
        return;
    }
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        const char *k;
        json_t *x;
        jw_obj(w);
        json_object_foreach((json_t *)v, k, x) {
            jw_key(w, k);
            jw_value(w, x);
        }
        jw_obj_end(w);
        break;
    }
    case JSON_ARRAY: {
        size_t i;
        json_t *x;
        jw_arr(w);
        json_array_foreach(v, i, x) {
            jw_value(w, x);
        }
        jw_arr_end(w);
        break;
    }
    case JSON_STRING: jw_str(w, json_string_value(v)); break;
    case JSON_INTEGER:
    case JSON_REAL: {
        char *t = json_dumps(v, JSON_ENCODE_ANY);
        jw_numtext(w, t);
        free(t);
        break;
    }
    case JSON_TRUE: jw_bool(w, 1); break;
    case JSON_FALSE: jw_bool(w, 0); break;
    default: jw_null(w);
    }
}

void vchange_json(struct jw *w, const struct vchange *c)
{
    jw_obj(w);
    if (c->text) {
        jw_key(w, "line");
        jw_int(w, c->line);
    }
    if (c->id) {
        jw_key(w, "id");
        jw_str(w, c->id);
    }
    jw_key(w, "change");
    jw_str(w, c->change);
    if (c->field) {
        jw_key(w, "field");
        jw_str(w, c->field);
        jw_key(w, "from");
        jw_value(w, c->from);
        jw_key(w, "to");
        jw_value(w, c->to);
    }
    if (c->row) {
        jw_key(w, "row");
        jw_value(w, c->row);
    }
    if (c->text) {
        jw_key(w, "text");
        jw_str(w, c->text);
    }
    jw_obj_end(w);
}

void vdiff_json(struct jw *w, const struct vdiff *d)
{
    jw_arr(w);
    for (size_t i = 0; i < d->n; i++) {
        vchange_json(w, &d->v[i]);
    }
    jw_arr_end(w);
}

char *vdiff_value_text(const struct json_t *v)
{
    if (!v) {
        return NULL;
    }
    struct buf b;
    struct jw w;
    buf_init(&b, 0);
    jw_init(&w, &b, 0);
    jw_value(&w, v);
    return buf_take(&b);
}

int app_version_diff(struct app *a, const char *kind, const char *subject, int from, int to,
                     struct vdiff *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    if (from < 1 || to < 1) {
        return err_set(e, ERR_USAGE, "version", "version: give two version numbers (N M)");
    }
    struct version va, vb;
    if (app_version_get(a, kind, subject, from, NULL, &va, e)) {
        return -1;
    }
    if (app_version_get(a, kind, subject, to, NULL, &vb, e)) {
        version_free(&va);
        return -1;
    }
    version_diff(va.content, vb.content, out);
    version_free(&va);
    version_free(&vb);
    return 0;
}

void version_json(struct jw *w, const struct version *v, int with_content)
{
    jw_obj(w);
    version_json_fields(w, v, with_content);
    jw_obj_end(w);
}

void version_json_fields(struct jw *w, const struct version *v, int with_content)
{
    jw_key(w, "kind");
    jw_str(w, v->kind);
    jw_key(w, "subject");
    jw_str(w, v->subject);
    jw_key(w, "number");
    jw_int(w, v->number);
    jw_key(w, "sha256");
    jw_str(w, v->sha256);
    jw_key(w, "state");
    jw_str(w, v->state);
    jw_key(w, "note");
    jw_str(w, v->note);
    jw_key(w, "created_at");
    jw_str(w, v->created_at);
    jw_key(w, "created_by");
    jw_str(w, v->created_by);
    if (with_content) {
        jw_key(w, "content");
        json_t *j = json_loads(v->content, JSON_DECODE_ANY, NULL);
        if (j && (json_is_object(j) || json_is_array(j))) {
            jw_numtext(w, v->content); /* JSON written by us: as it is */
        } else {
            jw_str(w, v->content);
        }
        json_decref(j);
    }
}

/* ---- sign-offs inside a record's JSON ------------------------------------------ */

int app_record_signoffs_json(struct app *a, const struct record *rec, struct buf *b,
                             struct err *e)
{
    /* metrics: evaluations, objective status, whys, effectiveness reviews */
    if (app_metrics_record_json(a, rec, b, e)) {
        return -1;
    }
    const char *t = rec->type->name;
    if (strcmp(t, "risk") != 0 && strcmp(t, "scope") != 0) {
        return 0;
    }
    struct signoffs l;
    int current = 0;
    int rc;
    if (strcmp(t, "risk") == 0) {
        rc = app_risk_acceptances(a, rec->ref, &l, &current, e);
    } else {
        /* a scope: current when it signed the scope as it is now */
        struct buf c;
        buf_init(&c, 0);
        app_scope_content(rec, &c);
        char hash[65];
        sha256_hex(c.p, c.len, hash);
        buf_free(&c);
        rc = app_signoffs(a, t, rec->ref, -1, hash, &l, e);
    }
    if (rc) {
        return -1;
    }
    while (b->len && (b->p[b->len - 1] == '\n' || b->p[b->len - 1] == ' ')) {
        b->len--;
    }
    if (b->len && b->p[b->len - 1] == '}') {
        b->len--;
        while (b->len && (b->p[b->len - 1] == '\n' || b->p[b->len - 1] == ' ')) {
            b->len--;
        }
        b->p[b->len] = 0;
        struct jw w;
        jw_init(&w, b, 0);
        buf_puts(b, b->len && b->p[b->len - 1] != '{' ? ",\"signoffs\":" : "\"signoffs\":");
        signoffs_json(&w, &l);
        buf_putc(b, '}');
    }
    signoffs_free(&l);
    return 0;
}
