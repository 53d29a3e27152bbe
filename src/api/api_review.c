/* api_review.c — management review (9.3) and certification over the JSON
 * API: the pack compiled now, freezing it, a frozen pack as it was with
 * the differences to now, signing the minutes (the token's or session's
 * account; no signer field), and a certificate's schedule. The same app_*
 * calls as `isms review ...` and `isms certificate schedule`. */
#include <stdlib.h>
#include <string.h>

#include "../app/review.h"
#include "../lib/text.h"
#include "api_int.h"

/* GET /api/v1/reviews/:id/pack */
int api_review_pack(struct req *r, struct resp *w)
{
    struct err e = {0};
    if (api_query_only(r, NULL, &e)) {
        return api_fail(r, w, &e);
    }
    struct review_pack p;
    if (app_review_pack(r->app, r->rec->ref, NULL, &p, &e)) {
        return api_fail(r, w, &e);
    }
    struct buf b;
    buf_init(&b, 0);
    review_pack_json(&p, &b);
    review_pack_free(&p);
    return api_send(w, 200, &b);
}

static int send_version(struct req *r, struct resp *w, int n, int status)
{
    struct err e = {0};
    struct version v;
    struct review_pack was, now;
    if (app_review_pack_version(r->app, r->rec->ref, n, &v, &was, &e)) {
        return api_fail(r, w, &e);
    }
    if (app_review_pack(r->app, r->rec->ref, NULL, &now, &e)) {
        review_pack_free(&was);
        version_free(&v);
        return api_fail(r, w, &e);
    }
    struct pack_diff d;
    review_pack_diff(&was, &now, &d);
    struct buf b;
    struct jw j;
    buf_init(&b, 0);
    jw_init(&j, &b, 0);
    jw_obj(&j);
    version_json_fields(&j, &v, 0);
    jw_key(&j, "pack");
    review_pack_write(&j, &was);
    jw_key(&j, "changes_since");
    jw_arr(&j);
    for (size_t i = 0; i < d.n; i++) {
        const struct pack_change *c = &d.v[i];
        jw_obj(&j);
        jw_key(&j, "section");
        jw_str(&j, c->section);
        jw_key(&j, "id");
        jw_str(&j, c->id);
        jw_key(&j, "change");
        jw_str(&j, c->change);
        jw_key(&j, "field");
        jw_str(&j, c->field);
        jw_key(&j, "from");
        jw_str(&j, c->from);
        jw_key(&j, "to");
        jw_str(&j, c->to);
        jw_obj_end(&j);
    }
    jw_arr_end(&j);
    jw_obj_end(&j);
    pack_diff_free(&d);
    review_pack_free(&was);
    review_pack_free(&now);
    version_free(&v);
    return api_send(w, status, &b);
}

/* GET /api/v1/reviews/:id/pack/versions/:n */
int api_review_pack_version(struct req *r, struct resp *w)
{
    struct err e = {0};
    int64_t n;
    if (api_query_only(r, NULL, &e)) {
        return api_fail(r, w, &e);
    }
    if (int_parse(r->id2, &n) || n < 1 || n > 1000000) {
        return api_failf(r, w, ERR_NOTFOUND, "n", "no version '%.20s'", r->id2);
    }
    return send_version(r, w, (int)n, 200);
}

/* POST /api/v1/reviews/:id/pack/freeze {note} */
int api_review_freeze(struct req *r, struct resp *w)
{
    static const char *const keys[] = {"note", NULL};
    struct err e = {0};
    json_t *obj;
    const char *note;
    if (api_body(r, 0, &obj, &e) || api_only_keys(obj, keys, &e) ||
        api_str(obj, "note", &note, &e)) {
        return api_fail(r, w, &e);
    }
    int n = 0, existing = 0;
    if (app_review_freeze(r->app, r->rec->ref, note, &n, &existing, &e)) {
        return api_fail(r, w, &e);
    }
    return send_version(r, w, n, existing ? 200 : 201);
}

/* POST /api/v1/reviews/:id/sign {rationale} */
int api_review_sign(struct req *r, struct resp *w)
{
    static const char *const keys[] = {"rationale", NULL};
    struct err e = {0};
    json_t *obj;
    const char *rationale;
    if (api_body(r, 0, &obj, &e) || api_only_keys(obj, keys, &e) ||
        api_str(obj, "rationale", &rationale, &e)) {
        return api_fail(r, w, &e);
    }
    int n = 0, existing = 0;
    if (app_review_sign(r->app, r->rec->ref, rationale, &n, &existing, &e)) {
        return api_fail(r, w, &e);
    }
    struct version v;
    if (app_version_get(r->app, "review-minutes", r->rec->ref, n, NULL, &v, &e)) {
        return api_fail(r, w, &e);
    }
    struct signoffs so;
    if (app_signoffs(r->app, "review-minutes", r->rec->ref, n, v.sha256, &so, &e)) {
        version_free(&v);
        return api_fail(r, w, &e);
    }
    struct buf b;
    struct jw j;
    buf_init(&b, 0);
    jw_init(&j, &b, 0);
    jw_obj(&j);
    version_json_fields(&j, &v, 1);
    jw_key(&j, "signoffs");
    signoffs_json(&j, &so);
    jw_obj_end(&j);
    signoffs_free(&so);
    version_free(&v);
    return api_send(w, existing ? 200 : 201, &b);
}

/* GET /api/v1/certificates/:id/schedule */
int api_cert_schedule(struct req *r, struct resp *w)
{
    struct err e = {0};
    if (api_query_only(r, NULL, &e)) {
        return api_fail(r, w, &e);
    }
    struct cert_schedule s;
    if (app_cert_schedule(r->app, r->rec->ref, &s, &e)) {
        return api_fail(r, w, &e);
    }
    struct buf b;
    buf_init(&b, 0);
    cert_schedule_json(&s, NULL, &b);
    return api_send(w, 200, &b);
}
