/* api_versions.c — frozen versions and their sign-offs over the JSON API,
 * for the scope (4.3) and the risk method (6.1.2): the list, one version
 * as it was, the differences between two, and the approval by top
 * management (signed by the token's or session's account). The same app_*
 * calls as `isms scope ...` and `isms method ...`. */
#include <stdlib.h>
#include <string.h>

#include "../lib/text.h"
#include "api_int.h"

/* The subject of the request: a scope record, or the risk method. */
static void subject_of(struct req *r, const char **kind, const char **subject)
{
    if (r->rec && strcmp(r->rec->type->name, "scope") == 0) {
        *kind = "scope";
        *subject = r->rec->ref;
    } else {
        *kind = "method";
        *subject = "risk";
    }
}

static int version_with_signoffs(struct req *r, struct jw *j, const struct version *v,
                                 int with_content, struct err *e)
{
    struct signoffs s;
    if (app_signoffs(r->app, v->kind, v->subject, v->number, v->sha256, &s, e)) {
        return -1;
    }
    jw_obj(j);
    version_json_fields(j, v, with_content);
    jw_key(j, "signoffs");
    signoffs_json(j, &s);
    jw_obj_end(j);
    signoffs_free(&s);
    return 0;
}

int api_versions(struct req *r, struct resp *w)
{
    struct err e = {0};
    const char *kind, *subject;
    if (api_query_only(r, NULL, &e)) {
        return api_fail(r, w, &e);
    }
    subject_of(r, &kind, &subject);
    struct versions l;
    if (app_version_list(r->app, kind, subject, &l, &e)) {
        return api_fail(r, w, &e);
    }
    struct buf b;
    struct jw j;
    buf_init(&b, 0);
    jw_init(&j, &b, 0);
    jw_obj(&j);
    jw_key(&j, "items");
    jw_arr(&j);
    int rc = 0;
    for (size_t i = 0; i < l.n && rc == 0; i++) {
        rc = version_with_signoffs(r, &j, &l.v[i], 0, &e);
    }
    jw_arr_end(&j);
    jw_obj_end(&j);
    versions_free(&l);
    if (rc) {
        buf_free(&b);
        return api_fail(r, w, &e);
    }
    return api_send(w, 200, &b);
}

static int send_one(struct req *r, struct resp *w, int n, int status)
{
    struct err e = {0};
    const char *kind, *subject;
    subject_of(r, &kind, &subject);
    struct version v;
    if (app_version_get(r->app, kind, subject, n, NULL, &v, &e)) {
        return api_fail(r, w, &e);
    }
    struct buf b;
    struct jw j;
    buf_init(&b, 0);
    jw_init(&j, &b, 0);
    int rc = version_with_signoffs(r, &j, &v, 1, &e);
    version_free(&v);
    if (rc) {
        buf_free(&b);
        return api_fail(r, w, &e);
    }
    return api_send(w, status, &b);
}

int api_version(struct req *r, struct resp *w)
{
    struct err e = {0};
    int64_t n;
    if (api_query_only(r, NULL, &e)) {
        return api_fail(r, w, &e);
    }
    if (int_parse(r->id2, &n) || n < 1 || n > 1000000) {
        return api_failf(r, w, ERR_NOTFOUND, "n", "no version '%.20s'", r->id2);
    }
    return send_one(r, w, (int)n, 200);
}

int api_version_diff(struct req *r, struct resp *w)
{
    static const char *const params[] = {"from", "to", NULL};
    struct err e = {0};
    int64_t from, to;
    if (api_query_only(r, params, &e)) {
        return api_fail(r, w, &e);
    }
    const char *f = kv_get(&r->query, "from"), *t = kv_get(&r->query, "to");
    if (!f || !t || int_parse(f, &from) || int_parse(t, &to) || from < 1 || to < 1 ||
        from > 1000000 || to > 1000000) {
        return api_failf(r, w, ERR_USAGE, "from", "from, to: give two version numbers");
    }
    const char *kind, *subject;
    subject_of(r, &kind, &subject);
    struct vdiff d;
    if (app_version_diff(r->app, kind, subject, (int)from, (int)to, &d, &e)) {
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
    jw_key(&j, "changes");
    vdiff_json(&j, &d);
    jw_obj_end(&j);
    vdiff_free(&d);
    return api_send(w, 200, &b);
}

int api_version_approve(struct req *r, struct resp *w)
{
    static const char *const keys[] = {"rationale", "on_behalf_of", "evidence", NULL};
    struct err e = {0};
    json_t *obj;
    const char *rationale, *behalf, *evidence;
    if (api_body(r, 0, &obj, &e) || api_only_keys(obj, keys, &e) ||
        api_str(obj, "rationale", &rationale, &e) || api_str(obj, "on_behalf_of", &behalf, &e) ||
        api_str(obj, "evidence", &evidence, &e)) {
        return api_fail(r, w, &e);
    }
    int version = 0, existing = 0, rc;
    const char *kind, *subject;
    subject_of(r, &kind, &subject);
    if (strcmp(kind, "scope") == 0) {
        rc = app_scope_approve(r->app, subject, rationale, behalf, evidence, &version, &existing,
                               &e);
    } else {
        rc = app_method_approve(r->app, rationale, behalf, evidence, &version, &existing, &e);
    }
    if (rc) {
        return api_fail(r, w, &e);
    }
    return send_one(r, w, version, existing ? 200 : 201);
}
