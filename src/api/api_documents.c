/* api_documents.c — document control over JSON: the workflow steps
 * (submit, review, approve, publish, revise), acknowledgement by the
 * signed-in account, versions as they were, their diff, acknowledgement
 * completion, and a person's document tasks. The signer is the session's
 * or token's account (app->signer), never a field of the body; permissions
 * are the router's (routes.def), capacities the sign-off's. */
#include <stdlib.h>
#include <string.h>

#include "../lib/text.h"
#include "../lib/util.h"
#include "../http/upload.h"
#include "api_int.h"

/* A body with at most the keys given, each a string or absent. */
static int body_strs(struct req *r, const char *const *keys, const char **vals, struct err *e)
{
    json_t *obj;
    if (api_body(r, 0, &obj, e) || api_only_keys(obj, keys, e)) {
        return -1;
    }
    for (int i = 0; keys[i]; i++) {
        if (api_str(obj, keys[i], &vals[i], e)) {
            return -1;
        }
    }
    return 0;
}

int api_doc_submit(struct req *r, struct resp *w)
{
    static const char *const keys[] = {"note", NULL};
    const char *v[1] = {0};
    struct err e = {0};
    int n;
    if (body_strs(r, keys, v, &e) || app_document_submit(r->app, r->rec->ref, v[0], &n, &e)) {
        return api_fail(r, w, &e);
    }
    return api_send_record(r, w, r->type, r->rec->ref, 200);
}

int api_doc_review(struct req *r, struct resp *w)
{
    static const char *const keys[] = {"decision", "comment", NULL};
    const char *v[2] = {0};
    struct err e = {0};
    if (body_strs(r, keys, v, &e)) {
        return api_fail(r, w, &e);
    }
    const char *d = v[0] ? v[0] : "reviewed";
    if (strcmp(d, "reviewed") != 0 && strcmp(d, "send-back") != 0) {
        return api_failf(r, w, ERR_INVALID, "decision",
                         "decision: \"reviewed\" (sign the review) or \"send-back\" (to the "
                         "author, with a comment)");
    }
    if (app_document_review(r->app, r->rec->ref, strcmp(d, "send-back") == 0, v[1], &e)) {
        return api_fail(r, w, &e);
    }
    return api_send_record(r, w, r->type, r->rec->ref, 200);
}

int api_doc_approve(struct req *r, struct resp *w)
{
    static const char *const keys[] = {"rationale", "on_behalf_of", "evidence", NULL};
    const char *v[3] = {0};
    struct err e = {0};
    if (body_strs(r, keys, v, &e) ||
        app_document_approve(r->app, r->rec->ref, v[0], v[1], v[2], &e)) {
        return api_fail(r, w, &e);
    }
    return api_send_record(r, w, r->type, r->rec->ref, 200);
}

int api_doc_publish(struct req *r, struct resp *w)
{
    static const char *const keys[] = {NULL};
    struct err e = {0};
    if (body_strs(r, keys, NULL, &e) || app_document_publish(r->app, r->rec->ref, &e)) {
        return api_fail(r, w, &e);
    }
    return api_send_record(r, w, r->type, r->rec->ref, 200);
}

int api_doc_revise(struct req *r, struct resp *w)
{
    static const char *const keys[] = {NULL};
    struct err e = {0};
    if (body_strs(r, keys, NULL, &e) || app_document_revise(r->app, r->rec->ref, &e)) {
        return api_fail(r, w, &e);
    }
    return api_send_record(r, w, r->type, r->rec->ref, 200);
}

int api_doc_ack(struct req *r, struct resp *w)
{
    static const char *const keys[] = {NULL};
    struct err e = {0};
    int existing = 0;
    if (body_strs(r, keys, NULL, &e) || app_document_ack(r->app, r->rec->ref, &existing, &e)) {
        return api_fail(r, w, &e);
    }
    struct buf b;
    struct jw j;
    buf_init(&b, 0);
    jw_init(&j, &b, 0);
    jw_obj(&j);
    jw_key(&j, "document");
    jw_str(&j, r->rec->ref);
    jw_key(&j, "version");
    jw_numtext(&j, record_get(r->rec, "in_force") ? record_get(r->rec, "in_force") : "0");
    jw_key(&j, "acknowledged");
    jw_bool(&j, 1);
    jw_key(&j, "already");
    jw_bool(&j, existing);
    jw_obj_end(&j);
    return api_send(w, existing ? 200 : 201, &b);
}

int api_doc_versions(struct req *r, struct resp *w)
{
    struct err e = {0};
    struct versions l = {0};
    if (api_query_only(r, NULL, &e) || app_version_list(r->app, "document", r->rec->ref, &l, &e)) {
        return api_fail(r, w, &e);
    }
    struct buf b;
    struct jw j;
    buf_init(&b, 0);
    jw_init(&j, &b, 0);
    jw_obj(&j);
    jw_key(&j, "items");
    jw_arr(&j);
    for (size_t i = 0; i < l.n; i++) {
        version_json(&j, &l.v[i], 0);
    }
    jw_arr_end(&j);
    jw_obj_end(&j);
    versions_free(&l);
    return api_send(w, 200, &b);
}

static int version_number(const char *s, int *n)
{
    int64_t v;
    if (!s || int_parse(s, &v) || v < 1 || v > 1000000) {
        return -1;
    }
    *n = (int)v;
    return 0;
}

int api_doc_version(struct req *r, struct resp *w)
{
    struct err e = {0};
    int n;
    if (api_query_only(r, NULL, &e)) {
        return api_fail(r, w, &e);
    }
    if (version_number(r->id2, &n)) {
        return api_failf(r, w, ERR_NOTFOUND, "version", "%s has no version '%.20s'",
                         r->rec->ref, r->id2);
    }
    struct version v = {0};
    if (app_version_get(r->app, "document", r->rec->ref, n, NULL, &v, &e)) {
        return api_fail(r, w, &e);
    }
    struct signoffs so = {0};
    if (app_signoffs(r->app, "document", r->rec->ref, n, v.sha256, &so, &e)) {
        version_free(&v);
        return api_fail(r, w, &e);
    }
    struct buf b;
    struct jw j;
    buf_init(&b, 0);
    jw_init(&j, &b, 0);
    jw_obj(&j);
    jw_key(&j, "version");
    version_json(&j, &v, 1);
    jw_key(&j, "signoffs");
    signoffs_json(&j, &so);
    jw_obj_end(&j);
    signoffs_free(&so);
    version_free(&v);
    return api_send(w, 200, &b);
}

int api_doc_diff(struct req *r, struct resp *w)
{
    static const char *const allowed[] = {"from", "to", NULL};
    struct err e = {0};
    int from, to;
    if (api_query_only(r, allowed, &e)) {
        return api_fail(r, w, &e);
    }
    if (version_number(kv_get(&r->query, "from"), &from) ||
        version_number(kv_get(&r->query, "to"), &to)) {
        return api_failf(r, w, ERR_USAGE, "from",
                         "from, to: give two version numbers (?from=1&to=2)");
    }
    struct vdiff body, fields;
    if (app_document_diff(r->app, r->rec->ref, from, to, &fields, &body, &e)) {
        return api_fail(r, w, &e);
    }
    struct buf b;
    struct jw j;
    buf_init(&b, 0);
    jw_init(&j, &b, 0);
    jw_obj(&j);
    jw_key(&j, "from");
    jw_int(&j, from);
    jw_key(&j, "to");
    jw_int(&j, to);
    jw_key(&j, "fields");
    vdiff_json(&j, &fields);
    jw_key(&j, "body");
    vdiff_json(&j, &body);
    jw_obj_end(&j);
    vdiff_free(&body);
    vdiff_free(&fields);
    return api_send(w, 200, &b);
}

int api_doc_acks(struct req *r, struct resp *w)
{
    static const char *const allowed[] = {"version", NULL};
    struct err e = {0};
    int n = 0;
    if (api_query_only(r, allowed, &e)) {
        return api_fail(r, w, &e);
    }
    const char *vs = kv_get(&r->query, "version");
    if (vs && version_number(vs, &n)) {
        return api_failf(r, w, ERR_USAGE, "version", "version: give a version number");
    }
    struct doc_acks k;
    if (app_document_acks(r->app, r->rec->ref, n, 1000, &k, &e)) {
        return api_fail(r, w, &e);
    }
    struct buf b;
    struct jw j;
    buf_init(&b, 0);
    jw_init(&j, &b, 0);
    doc_acks_json(&j, &k);
    doc_acks_free(&k);
    return api_send(w, 200, &b);
}
/* ---- typed: the content file (doc_file.c) ---------------------------------- */

/* GET /api/v1/documents/:id/content — the content file, as a download. */
int api_doc_content(struct req *r, struct resp *w)
{
    return page_doc_content(r, w);
}

/* POST /api/v1/documents/:id/content[?name=F] — the PDF or DOCX (raw body
 * or multipart); 201 with {document, revised, attachment}. */
int api_doc_set_content(struct req *r, struct resp *w)
{
    struct err e = {0};
    struct attachment_info info;
    int revised = 0;
    if (upload_document_file(r, &info, &revised, &e)) {
        return api_fail(r, w, &e);
    }
    char today[11];
    date_today(today);
    struct buf b;
    struct jw j;
    buf_init(&b, 0);
    jw_init(&j, &b, 0);
    jw_obj(&j);
    jw_key(&j, "document");
    jw_str(&j, r->rec->ref);
    jw_key(&j, "revised");
    jw_bool(&j, revised);
    jw_key(&j, "attachment");
    app_attachment_json(&j, &info, today);
    jw_obj_end(&j);
    return api_send(w, 201, &b);
}

/* DELETE /api/v1/documents/:id/content — back to Markdown: the document. */
int api_doc_clear_content(struct req *r, struct resp *w)
{
    struct err e = {0};
    int revised = 0;
    if (app_document_clear_file(r->app, r->rec->ref, &revised, &e)) {
        return api_fail(r, w, &e);
    }
    return api_send_record(r, w, r->type, r->rec->ref, 200);
}
