/* api_risk.c — the risk endpoints beyond the generic ones: the heat map,
 * acceptance, review, and the risk method in force. Same app_* calls as
 * `isms risk ...` and `isms method show`; no SQL, no permission checks. */
#include <stdlib.h>
#include <string.h>

#include "../model/method.h"
#include "api_int.h"

int api_risk_matrix(struct req *r, struct resp *w)
{
    static const char *const params[] = {"residual", NULL};
    struct err e = {0};
    int residual;
    struct buf b;
    buf_init(&b, 0);
    if (api_query_only(r, params, &e) || api_query_bool(r, "residual", 0, &residual, &e) ||
        app_risk_matrix_json(r->app, residual, &b, &e)) {
        buf_free(&b);
        return api_fail(r, w, &e);
    }
    return api_send(w, 200, &b);
}

int api_risk_accept(struct req *r, struct resp *w)
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
    /* the signer is the token's or session's account (app->signer) */
    int rc = app_risk_accept(r->app, r->rec->ref, rationale, behalf, evidence, &e);
    if (rc) {
        return api_fail(r, w, &e);
    }
    return api_send_record(r, w, r->type, r->rec->ref, 200);
}

int api_risk_review(struct req *r, struct resp *w)
{
    struct err e = {0};
    json_t *obj;
    if (api_body(r, 0, &obj, &e) || api_only_keys(obj, NULL, &e)) {
        return api_fail(r, w, &e);
    }
    int rc = app_risk_review(r->app, r->rec->ref, &e);
    if (rc) {
        return api_fail(r, w, &e);
    }
    return api_send_record(r, w, r->type, r->rec->ref, 200);
}

int api_method(struct req *r, struct resp *w)
{
    struct err e = {0};
    const struct method *m;
    if (api_query_only(r, NULL, &e) || !(m = app_method(r->app, &e))) {
        return api_fail(r, w, &e);
    }
    struct buf b;
    struct jw j;
    buf_init(&b, 0);
    jw_init(&j, &b, 0);
    jw_obj(&j);
    jw_key(&j, "version");
    jw_int(&j, r->app->method_version);
    jw_key(&j, "method");
    jw_numtext(&j, ""); /* separator; method_json writes the value */
    method_json(m, &b, 0);
    jw_obj_end(&j);
    return api_send(w, 200, &b);
}
