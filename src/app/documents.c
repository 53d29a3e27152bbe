/* documents.c — document control (7.5) and acknowledgement (5.2, 7.3) on
 * the shared versions and sign-offs (signoff.h): a document is a series of
 * frozen versions moving draft → in review → approved → published, the
 * previous one superseded; its record is the working copy, editable only
 * while it is a draft. Staff read the version in force only (perm.c,
 * view document_released). No SQL here: store_documents.c. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/text.h"
#include "../lib/util.h"
#include "app_int.h"

/* Fields a person may change whatever the document's state: who owns
 * it, notes, and when it is next reviewed. Everything else is content
 * (frozen once submitted) or lifecycle (the workflow's). */
static int editable_in_force(const struct field *f)
{
    return strcmp(f->name, FIELD_OWNER) == 0 || strcmp(f->name, "notes") == 0 ||
           strcmp(f->name, "review_date") == 0 || (f->flags & FL_SYSTEM);
}

static int differs(const char *x, const char *y)
{
    return (x == NULL) != (y == NULL) || (x && strcmp(x, y) != 0);
}

/* "IT , Finance,,HR" -> "IT,Finance,HR": departments compare as written. */
static void tidy_departments(struct record *r)
{
    int i;
    if (!rtype_field(r->type, "audience_departments", &i) || !r->v[i]) {
        return;
    }
    struct buf b;
    buf_init(&b, 0);
    char *copy = xstrdup(r->v[i]);
    for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        char *t = tok;
        while (*t == ' ' || *t == '\t') {
            t++;
        }
        size_t n = strlen(t);
        while (n && (t[n - 1] == ' ' || t[n - 1] == '\t')) {
            t[--n] = 0;
        }
        if (*t) {
            if (b.len) {
                buf_putc(&b, ',');
            }
            buf_puts(&b, t);
        }
    }
    free(copy);
    record_set_take(r, i, b.len ? buf_take(&b) : NULL);
    buf_free(&b);
}

int doc_derive(struct app *a, struct record *r, const struct record *orig, struct err *e)
{
    (void)a;
    tidy_departments(r);
    const char *status = orig ? record_get(orig, FIELD_STATUS) : NULL;
    if (!orig || !status || strcmp(status, "draft") == 0) {
        return 0;
    }
    for (int i = 0; i < r->type->nfields; i++) {
        const struct field *f = &r->type->fields[i];
        if (editable_in_force(f) || !differs(orig->v[i], r->v[i])) {
            continue;
        }
        if (strcmp(status, "in-review") == 0) {
            return err_set(e, ERR_CONFLICT, f->name,
                           "%s is in review: its content is frozen until the reviewer sends it "
                           "back (`isms document review %s --send-back --comment ...`)",
                           orig->ref, orig->ref);
        }
        if (strcmp(status, "withdrawn") == 0 || strcmp(status, "superseded") == 0) {
            return err_set(e, ERR_CONFLICT, f->name, "%s is %s: it can no longer be changed",
                           orig->ref, status);
        }
        return err_set(e, ERR_CONFLICT, f->name,
                       "%s is %s: start a new draft with `isms document revise %s`", orig->ref,
                       status, orig->ref);
    }
    return 0;
}

/* ---- the workflow ----------------------------------------------------------- */

#define KIND "document"

static const struct rtype *doc_type(void)
{
    return rtype_find(KIND);
}

/* Content fields: what a version freezes and a sign-off signs. */
static int is_content(const struct field *f)
{
    static const char *const names[] = {"title",    "kind",          "classification",
                                        "clause",   "author",        "reviewer",
                                        "review_interval", "retention", "audience",
                                        "audience_departments", "audience_roles", "controls",
                                        "body",     NULL};
    for (int i = 0; names[i]; i++) {
        if (strcmp(names[i], f->name) == 0) {
            return 1;
        }
    }
    return 0;
}

char *doc_content_json(const struct record *r)
{
    unsigned char mask[128] = {0};
    for (int i = 0; i < r->type->nfields && i < 128; i++) {
        const char *n = r->type->fields[i].name;
        /* a content file (doc_file.c) only when there is one: versions of
         * Markdown documents keep the bytes they were approved with */
        int file = strcmp(n, "content_file") == 0 || strcmp(n, "content_sha256") == 0;
        mask[i] = (unsigned char)(is_content(&r->type->fields[i]) || (file && r->v[i]));
    }
    struct buf b;
    buf_init(&b, 0);
    record_json_fields(r, mask, &b);
    return buf_take(&b);
}

static int get_doc(struct app *a, const char *ref, struct record **out, struct err *e)
{
    if (!ref || rtype_of_ref(ref) != doc_type()) {
        return err_set(e, ERR_INVALID, "id", "%.60s is not a document identifier (DOC-...)",
                       ref ? ref : "(none)");
    }
    if (store_get(a->st, principal_sys(), doc_type(), ref, out, e)) {
        return -1;
    }
    if (record_get(*out, FIELD_RETIRED)) {
        record_free(*out);
        *out = NULL;
        return err_set(e, ERR_CONFLICT, NULL, "document %s is retired", ref);
    }
    return 0;
}

static int status_is(const struct record *r, const char *status)
{
    const char *s = record_get(r, FIELD_STATUS);
    return s && strcmp(s, status) == 0;
}

static int in_force_number(const struct record *r)
{
    const char *v = record_get(r, "in_force");
    return v ? atoi(v) : 0;
}

/* Sets lifecycle fields through the generic edit (trusted: they are
 * FL_SYSTEM), so the change and its history entry are one more entry in
 * the same transaction. names/values: n pairs. */
static int set_lifecycle(struct app *a, const char *ref, const struct kv *kv, int n,
                         struct err *e)
{
    int changed;
    return app_edit_tx(a, doc_type(), ref, kv, n, 1, &changed, e);
}

static void label(int number, char out[24])
{
    snprintf(out, 24, "%d.0", number);
}

/* The capacity approving a document needs: top management for the
 * information security policy and topic policies (5.2, 5.1 of Annex A),
 * the document approver (its owner) otherwise. */
static const char *approve_capacity(const char *kind)
{
    return kind && (strcmp(kind, "policy") == 0 || strcmp(kind, "topic-policy") == 0)
               ? CAP_TOP_MANAGEMENT
               : CAP_DOC_APPROVER;
}

/* The version of ref in review (the latest, in state in-review). */
static int version_in_review(struct app *a, const char *ref, struct version *v, struct err *e)
{
    if (app_version_get_as(a, principal_sys(), KIND, ref, 0, NULL, v, e)) {
        return -1;
    }
    if (!v->state || strcmp(v->state, "in-review") != 0) {
        version_free(v);
        return err_set(e, ERR_CONFLICT, NULL, "%s has no version in review (submit it first: "
                       "`isms document submit %s`)", ref, ref);
    }
    return 0;
}

int app_document_submit_tx(struct app *a, const char *ref, const char *note, int *number,
                     struct err *e)
{
    struct record *r = NULL;
    if (get_doc(a, ref, &r, e)) {
        return -1;
    }
    int rc = -1;
    char *content = NULL;
    if (!status_is(r, "draft")) {
        err_set(e, ERR_CONFLICT, NULL, "%s is %s: only a draft is submitted for review%s", ref,
                record_get(r, FIELD_STATUS),
                status_is(r, "approved") || status_is(r, "published")
                    ? " (start one with `isms document revise`)"
                    : "");
        goto done;
    }
    if (str_empty(record_get(r, "body")) && !record_get(r, "content_file")) {
        err_set(e, ERR_INVALID, "body", "body: a document submitted for review needs content "
                "(Markdown, or a PDF or DOCX: isms document revise ID --file FILE)");
        goto done;
    }
    content = doc_content_json(r);
    int existing = 0, n = 0;
    if (app_version_freeze_tx(a, KIND, ref, content, "in-review", note, 0, &n, &existing, e)) {
        goto done;
    }
    if (existing) {
        struct version v = {0};
        if (app_version_get_as(a, principal_sys(), KIND, ref, n, NULL, &v, e)) {
            goto done;
        }
        int sent_back = v.state && strcmp(v.state, "sent-back") == 0;
        version_free(&v);
        if (!sent_back) {
            err_set(e, ERR_CONFLICT, "body",
                    "%s: nothing changed since version %d.0; change the draft before submitting",
                    ref, n);
            goto done;
        }
        /* sent back and submitted again unchanged: the same version again */
        if (app_version_state_tx(a, KIND, ref, n, "in-review", e)) {
            goto done;
        }
    }
    char lb[24];
    label(n, lb);
    struct kv kv[] = {{FIELD_STATUS, "in-review"}, {"version", lb}};
    if (set_lifecycle(a, ref, kv, 2, e)) {
        goto done;
    }
    *number = n;
    rc = 0;
done:
    free(content);
    record_free(r);
    return rc;
}

int app_document_submit(struct app *a, const char *ref, const char *note, int *number,
                        struct err *e)
{
    IN_TRANSACTION(a, e, app_document_submit_tx(a, ref, note, number, e));
}

int app_document_review_tx(struct app *a, const char *ref, int send_back, const char *comment,
                     struct err *e)
{
    struct record *r = NULL;
    if (get_doc(a, ref, &r, e)) {
        return -1;
    }
    struct version v = {0};
    int rc = -1;
    if (version_in_review(a, ref, &v, e)) {
        goto done;
    }
    struct signoff_req q = {KIND, ref, v.number, send_back ? "sent-back" : "review",
                            CAP_DOC_REVIEWER, comment, send_back, v.sha256, NULL, NULL, NULL};
    int existing = 0;
    if (app_signoff_tx(a, &q, NULL, &existing, e)) {
        if (send_back && strcmp(e->field, "rationale") == 0) {
            err_set(e, ERR_INVALID, "comment",
                    "comment: say what must change before it is submitted again (--comment TEXT)");
        }
        goto done;
    }
    if (send_back) {
        struct kv kv[] = {{FIELD_STATUS, "draft"}};
        if (app_version_state_tx(a, KIND, ref, v.number, "sent-back", e) ||
            set_lifecycle(a, ref, kv, 1, e)) {
            goto done;
        }
    }
    rc = 0;
done:
    version_free(&v);
    record_free(r);
    return rc;
}

int app_document_review(struct app *a, const char *ref, int send_back, const char *comment,
                        struct err *e)
{
    IN_TRANSACTION(a, e, app_document_review_tx(a, ref, send_back, comment, e));
}

/* Adds months to a date (the day clamped to the month's end). */
static void add_months(const char *date, int months, char out[16])
{
    int y = atoi(date), m = atoi(date + 5), d = atoi(date + 8);
    if (y < 1 || y > 9000 || m < 1 || m > 12 || d < 1 || d > 31 || months < 0 || months > 1200) {
        snprintf(out, 16, "%.10s", date);
        return;
    }
    m += months;
    y += (m - 1) / 12;
    m = (m - 1) % 12 + 1;
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int max = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    snprintf(out, 16, "%04d-%02d-%02d", y % 10000, m % 13, (d > max ? max : d) % 32);
}

int app_document_approve_tx(struct app *a, const char *ref, const char *rationale,
                      const char *on_behalf_of, const char *evidence, struct err *e)
{
    struct record *r = NULL;
    if (get_doc(a, ref, &r, e)) {
        return -1;
    }
    struct version v = {0};
    struct signoffs reviews = {0};
    int rc = -1;
    if (version_in_review(a, ref, &v, e)) {
        goto done;
    }
    if (app_signoffs_as(a, principal_sys(), KIND, ref, v.number, v.sha256, &reviews, e)) {
        goto done;
    }
    if (!signoffs_current(&reviews, "review")) {
        err_set(e, ERR_CONFLICT, NULL,
                "%s version %d.0 has not been reviewed: the reviewer signs first (`isms document "
                "review %s --as ACCOUNT`)",
                ref, v.number, ref);
        goto done;
    }
    struct signoff_req q = {KIND,
                            ref,
                            v.number,
                            "approval",
                            approve_capacity(record_get(r, "kind")),
                            rationale,
                            0,
                            v.sha256,
                            NULL,
                            on_behalf_of,
                            evidence};
    if (app_signoff_tx(a, &q, NULL, NULL, e)) {
        goto done;
    }
    int previous = in_force_number(r);
    if (previous && previous != v.number &&
        app_version_state_tx(a, KIND, ref, previous, "superseded", e)) {
        goto done;
    }
    if (app_version_state_tx(a, KIND, ref, v.number, "approved", e)) {
        goto done;
    }
    char today[11], next[16], num[16], lb[24];
    date_today(today);
    const char *iv = record_get(r, "review_interval");
    add_months(today, iv ? atoi(iv) : 12, next);
    snprintf(num, sizeof num, "%d", v.number);
    label(v.number, lb);
    const char *approver = str_empty(on_behalf_of) ? a->signer.person : on_behalf_of;
    struct kv kv[] = {{FIELD_STATUS, "approved"}, {"version", lb},
                      {"approver", approver},       {"approved_on", today},
                      {"in_force", num},            {"review_date", next}};
    if (set_lifecycle(a, ref, kv, 6, e)) {
        goto done;
    }
    rc = 0;
done:
    signoffs_free(&reviews);
    version_free(&v);
    record_free(r);
    return rc;
}

int app_document_approve(struct app *a, const char *ref, const char *rationale,
                         const char *on_behalf_of, const char *evidence, struct err *e)
{
    IN_TRANSACTION(a, e, app_document_approve_tx(a, ref, rationale, on_behalf_of, evidence, e));
}

int app_document_publish_tx(struct app *a, const char *ref, struct err *e)
{
    struct record *r = NULL;
    if (get_doc(a, ref, &r, e)) {
        return -1;
    }
    int rc = -1;
    int n = in_force_number(r);
    if (!status_is(r, "approved") || !n) {
        err_set(e, ERR_CONFLICT, NULL, "%s is %s: only an approved version is published", ref,
                record_get(r, FIELD_STATUS));
        goto done;
    }
    struct kv kv[] = {{FIELD_STATUS, "published"}};
    if (app_version_state_tx(a, KIND, ref, n, "published", e) || set_lifecycle(a, ref, kv, 1, e)) {
        goto done;
    }
    rc = 0;
done:
    record_free(r);
    return rc;
}

int app_document_publish(struct app *a, const char *ref, struct err *e)
{
    IN_TRANSACTION(a, e, app_document_publish_tx(a, ref, e));
}

int app_document_revise_tx(struct app *a, const char *ref, struct err *e)
{
    struct record *r = NULL;
    if (get_doc(a, ref, &r, e)) {
        return -1;
    }
    int rc = -1;
    if (!status_is(r, "approved") && !status_is(r, "published")) {
        err_set(e, ERR_CONFLICT, NULL, "%s is %s: only an approved or published document is "
                "revised%s", ref, record_get(r, FIELD_STATUS),
                status_is(r, "draft") ? " (the draft can be edited as it is)" : "");
        goto done;
    }
    int last = 0;
    if (store_version_last(a->st, principal_sys(), KIND, ref, &last, e)) {
        goto done;
    }
    char lb[24];
    label(last + 1, lb);
    /* the version in force stays what staff read until the new one is
     * approved; the record becomes the new draft */
    struct kv kv[] = {{FIELD_STATUS, "draft"}, {"version", lb}};
    if (set_lifecycle(a, ref, kv, 2, e)) {
        goto done;
    }
    rc = 0;
done:
    record_free(r);
    return rc;
}

int app_document_revise(struct app *a, const char *ref, struct err *e)
{
    IN_TRANSACTION(a, e, app_document_revise_tx(a, ref, e));
}

int app_document_ack_tx(struct app *a, const char *ref, int *existing, struct err *e)
{
    /* what the signer may read is what they acknowledge: the version in
     * force, through their own row rule */
    struct record *r = NULL;
    struct principal signer = principal_account(a->signer.account, a->signer.name,
                                                a->signer.role, a->signer.person);
    if (a->signer.account <= 0) {
        return err_set(e, ERR_FORBIDDEN, NULL,
                       "sign in as an account to acknowledge (on the command line: --as ACCOUNT)");
    }
    if (store_get(a->st, &signer, doc_type(), ref, &r, e)) {
        return -1;
    }
    int rc = -1;
    /* for staff the released view's in_force; for others the record's */
    int n = in_force_number(r);
    if (!n) {
        err_set(e, ERR_CONFLICT, NULL, "%s has no approved version to acknowledge yet", ref);
        goto done;
    }
    struct version v = {0};
    if (app_version_get_as(a, &signer, KIND, ref, n, NULL, &v, e)) {
        goto done;
    }
    struct signoff_req q = {KIND, ref, n, "acknowledgement", CAP_READER, NULL, 0, v.sha256,
                            NULL, NULL, NULL};
    rc = app_signoff_tx(a, &q, NULL, existing, e);
    version_free(&v);
done:
    record_free(r);
    return rc;
}

int app_document_ack(struct app *a, const char *ref, int *existing, struct err *e)
{
    int dummy;
    existing = existing ? existing : &dummy;
    IN_TRANSACTION(a, e, app_document_ack_tx(a, ref, existing, e));
}

/* ---- acknowledgement completion ------------------------------------------- */

static char *json_str_of(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? xstrdup(json_string_value(v)) : NULL;
}

static char *json_list_of(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    if (!json_is_array(v)) {
        return NULL;
    }
    struct buf b;
    buf_init(&b, 0);
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x) {
        if (json_is_string(x)) {
            if (b.len) {
                buf_putc(&b, ',');
            }
            buf_puts(&b, json_string_value(x));
        }
    }
    return b.len ? buf_take(&b) : (buf_free(&b), NULL);
}

static int add_dept(void *ctx, const char *department, long people, long acked)
{
    struct doc_acks *k = ctx;
    if (k->ndept == k->capdept) {
        k->capdept = k->capdept ? k->capdept * 2 : 16;
        k->dept = xrealloc(k->dept, k->capdept * sizeof *k->dept);
    }
    k->dept[k->ndept++] = (struct doc_ack_dept){xstrdup(department), people, acked};
    k->people += people;
    k->acked += acked;
    return 0;
}

static int add_person(void *ctx, const char *person, const char *name, const char *department,
                      const char *at)
{
    struct doc_acks *k = ctx;
    if (k->npending == k->cappending) {
        k->cappending = k->cappending ? k->cappending * 2 : 16;
        k->pending = xrealloc(k->pending, k->cappending * sizeof *k->pending);
    }
    (void)at;
    k->pending[k->npending++] =
        (struct doc_ack_person){xstrdup(person), xstrdup(name), xstrdup(department)};
    return 0;
}

int app_document_acks(struct app *a, const char *ref, int number, long pending_limit,
                      struct doc_acks *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    struct record *r = NULL;
    if (!ref || rtype_of_ref(ref) != doc_type()) {
        return err_set(e, ERR_INVALID, "id", "%.60s is not a document identifier (DOC-...)",
                       ref ? ref : "(none)");
    }
    if (store_get(a->st, &a->who, doc_type(), ref, &r, e)) {
        return -1;
    }
    int n = number > 0 ? number : in_force_number(r);
    record_free(r);
    if (!n) {
        return err_set(e, ERR_CONFLICT, NULL, "%s has no approved version yet", ref);
    }
    struct version v = {0};
    if (app_version_get(a, KIND, ref, n, NULL, &v, e)) {
        return -1;
    }
    json_t *c = json_loads(v.content, 0, NULL);
    out->ref = xstrdup(ref);
    out->version = n;
    out->state = xstrdup(v.state);
    out->audience = json_str_of(c, "audience");
    out->departments = json_str_of(c, "audience_departments");
    out->roles = json_list_of(c, "audience_roles");
    json_decref(c);
    version_free(&v);
    struct doc_audience au = {out->audience, out->departments, out->roles};
    if (store_doc_ack_completion(a->st, &a->who, ref, n, &au, add_dept, out, e) ||
        (pending_limit >= 0 &&
         store_doc_ack_people(a->st, &a->who, ref, n, &au, 1, pending_limit, add_person, out, e))) {
        doc_acks_free(out);
        return -1;
    }
    return 0;
}

void doc_acks_free(struct doc_acks *k)
{
    for (size_t i = 0; i < k->ndept; i++) {
        free(k->dept[i].department);
    }
    for (size_t i = 0; i < k->npending; i++) {
        free(k->pending[i].person);
        free(k->pending[i].name);
        free(k->pending[i].department);
    }
    free(k->dept);
    free(k->pending);
    free(k->ref);
    free(k->state);
    free(k->audience);
    free(k->departments);
    free(k->roles);
    memset(k, 0, sizeof *k);
}

void doc_acks_json(struct jw *w, const struct doc_acks *k)
{
    jw_obj(w);
    jw_key(w, "document");
    jw_str(w, k->ref);
    jw_key(w, "version");
    jw_int(w, k->version);
    jw_key(w, "state");
    jw_str(w, k->state);
    jw_key(w, "audience");
    jw_str(w, k->audience ? k->audience : "none");
    jw_key(w, "audience_departments");
    jw_list(w, k->departments);
    jw_key(w, "audience_roles");
    jw_list(w, k->roles);
    jw_key(w, "people");
    jw_int(w, k->people);
    jw_key(w, "acknowledged");
    jw_int(w, k->acked);
    jw_key(w, "pending_count");
    jw_int(w, k->people - k->acked);
    jw_key(w, "departments");
    jw_arr(w);
    for (size_t i = 0; i < k->ndept; i++) {
        jw_obj(w);
        jw_key(w, "department");
        jw_str(w, k->dept[i].department);
        jw_key(w, "people");
        jw_int(w, k->dept[i].people);
        jw_key(w, "acknowledged");
        jw_int(w, k->dept[i].acked);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_key(w, "pending");
    jw_arr(w);
    for (size_t i = 0; i < k->npending; i++) {
        jw_obj(w);
        jw_key(w, "person");
        jw_str(w, k->pending[i].person);
        jw_key(w, "name");
        jw_str(w, k->pending[i].name);
        jw_key(w, "department");
        jw_str(w, k->pending[i].department);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_obj_end(w);
}

/* ---- tasks ------------------------------------------------------------------ */

struct task_ctx {
    struct app *a;
    const char *person;
    struct doc_tasks *out;
    struct err *e;
    int rc;
};

static void task_add(struct doc_tasks *l, const char *ref, const char *title, int version,
                     const char *what)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = (struct doc_task){xstrdup(ref), xstrdup(title), xstrdup(what), version};
}

static int ack_task(void *ctx, const char *ref, const char *title, int version, const char *what)
{
    struct task_ctx *t = ctx;
    task_add(t->out, ref, title, version, what);
    return 0;
}

struct review_item {
    char *ref, *title, *what;
    int version;
};
struct review_items {
    struct review_item *v;
    size_t n, cap;
};

static int review_item(void *ctx, const char *ref, const char *title, int version,
                       const char *what)
{
    struct review_items *l = ctx;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = (struct review_item){xstrdup(ref), xstrdup(title), xstrdup(what), version};
    return 0;
}

int app_document_tasks(struct app *a, const char *person, struct doc_tasks *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    if (str_empty(person)) {
        return 0;
    }
    struct task_ctx t = {a, person, out, e, 0};
    struct review_items items = {0};
    int rc = -1;
    if (store_doc_pending_acks(a->st, &a->who, person, ack_task, &t, e) ||
        store_doc_in_review(a->st, &a->who, review_item, &items, e)) {
        goto done;
    }
    for (size_t i = 0; i < items.n; i++) {
        const char *cap = CAP_DOC_REVIEWER;
        if (strcmp(items.v[i].what, "approve") == 0) {
            struct record *r = NULL;
            if (store_get(a->st, &a->who, doc_type(), items.v[i].ref, &r, e)) {
                goto done;
            }
            cap = approve_capacity(record_get(r, "kind"));
            record_free(r);
        }
        int holds = app_capacity_holds(a, person, cap, items.v[i].ref, e);
        if (holds < 0) {
            goto done;
        }
        if (holds) {
            task_add(out, items.v[i].ref, items.v[i].title, items.v[i].version, items.v[i].what);
        }
    }
    rc = 0;
done:
    for (size_t i = 0; i < items.n; i++) {
        free(items.v[i].ref);
        free(items.v[i].title);
        free(items.v[i].what);
    }
    free(items.v);
    if (rc) {
        doc_tasks_free(out);
    }
    return rc;
}

void doc_tasks_free(struct doc_tasks *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].ref);
        free(l->v[i].title);
        free(l->v[i].what);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* ---- capacities and diffs ----------------------------------------------------- */

int doc_capacity_holds(struct app *a, const char *person, const char *capacity,
                       const char *subject, struct err *e)
{
    if (!subject || rtype_of_ref(subject) != doc_type()) {
        return 0;
    }
    struct record *r = NULL;
    if (store_get(a->st, principal_sys(), doc_type(), subject, &r, e)) {
        return e->code == ERR_NOTFOUND ? 0 : -1;
    }
    int yes = 0;
    const char *owner = record_get(r, FIELD_OWNER);
    if (strcmp(capacity, CAP_DOC_REVIEWER) == 0) {
        const char *rv = record_get(r, "reviewer");
        yes = strcmp(rv ? rv : owner ? owner : "", person) == 0;
    } else if (strcmp(capacity, CAP_DOC_APPROVER) == 0) {
        yes = owner && strcmp(owner, person) == 0;
        if (!yes) {
            yes = store_is_top_management(a->st, person, e);
        }
    }
    record_free(r);
    return yes;
}

int app_document_diff(struct app *a, const char *ref, int from, int to, struct vdiff *fields,
                      struct vdiff *body, struct err *e)
{
    memset(fields, 0, sizeof *fields);
    memset(body, 0, sizeof *body);
    struct version va = {0}, vb = {0};
    if (app_version_get(a, KIND, ref, from, NULL, &va, e)) {
        return -1;
    }
    if (app_version_get(a, KIND, ref, to, NULL, &vb, e)) {
        version_free(&va);
        return -1;
    }
    /* the frozen contents (doc_content_json's objects) */
    json_t *ca = json_loads(va.content, 0, NULL), *cb = json_loads(vb.content, 0, NULL);
    /* the content as text, line by line; a first line the two share keeps
     * a body that happens to be JSON from being compared as JSON */
    struct buf ta, tb;
    buf_init(&ta, 0);
    buf_init(&tb, 0);
    buf_puts(&ta, "Markdown:\n");
    buf_puts(&tb, "Markdown:\n");
    const char *ba = json_string_value(json_object_get(ca, "body"));
    const char *bb = json_string_value(json_object_get(cb, "body"));
    buf_puts(&ta, ba ? ba : "");
    buf_puts(&tb, bb ? bb : "");
    version_diff(buf_str(&ta), buf_str(&tb), body);
    for (size_t i = 0; i < body->n; i++) {
        body->v[i].line--; /* lines of the body, without the first */
    }
    buf_free(&ta);
    buf_free(&tb);
    json_object_del(ca, "body");
    json_object_del(cb, "body");
    char *sa = json_dumps(ca, JSON_COMPACT | JSON_SORT_KEYS);
    char *sb = json_dumps(cb, JSON_COMPACT | JSON_SORT_KEYS);
    version_diff(sa ? sa : "{}", sb ? sb : "{}", fields);
    free(sa);
    free(sb);
    json_decref(ca);
    json_decref(cb);
    version_free(&va);
    version_free(&vb);
    return 0;
}

/* ---- files from before document control ------------------------------------------ */

struct refs_list {
    char **v;
    size_t n, cap;
};

static int add_ref(void *ctx, const char *ref)
{
    struct refs_list *l = ctx;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = xstrdup(ref);
    return 0;
}

/* One document approved before versions existed: its content frozen as
 * version 1 in the state it had, journaled; in force unless superseded. */
static int upgrade_one(struct app *a, const char *ref, struct err *e)
{
    struct record *r = NULL;
    if (store_get(a->st, principal_sys(), doc_type(), ref, &r, e)) {
        return -1;
    }
    const char *status = record_get(r, FIELD_STATUS);
    char *content = doc_content_json(r);
    int n = 0, existing = 0, rc = -1;
    if (app_version_freeze_tx(a, KIND, ref, content, status,
                              "approved before document control kept versions", 0, &n, &existing,
                              e) == 0) {
        char num[16], lb[24];
        snprintf(num, sizeof num, "%d", n);
        label(n, lb);
        struct kv kv[] = {{"in_force", num}, {"version", lb}};
        rc = strcmp(status, "superseded") == 0 ? 0 : set_lifecycle(a, ref, kv, 2, e);
    }
    free(content);
    record_free(r);
    return rc;
}

int app_documents_upgrade(struct app *a, struct err *e)
{
    struct refs_list l = {0};
    if (store_doc_unversioned(a->st, principal_sys(), add_ref, &l, e)) {
        return -1;
    }
    int rc = 0;
    if (l.n) {
        /* again inside the write transaction: another connection may have
         * done it meanwhile */
        for (size_t i = 0; i < l.n; i++) {
            free(l.v[i]);
        }
        l.n = 0;
        rc = store_begin(a->st, e) || store_doc_unversioned(a->st, principal_sys(), add_ref, &l, e) ? -1 : 0;
        for (size_t i = 0; rc == 0 && i < l.n; i++) {
            rc = upgrade_one(a, l.v[i], e);
        }
        if (rc == 0) {
            rc = store_commit(a->st, e);
        } else {
            store_rollback(a->st);
        }
    }
    for (size_t i = 0; i < l.n; i++) {
        free(l.v[i]);
    }
    free(l.v);
    return rc;
}
