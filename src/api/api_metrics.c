/* api_metrics.c — the API of performance evaluation and improvement: a
 * metric's trend, a nonconformity's 5 whys, a corrective action's
 * effectiveness review (signed by the token's or session's account). */
#include <jansson.h>
#include <string.h>

#include "../app/metrics.h"
#include "api_int.h"

/* GET /api/v1/metrics/:id/trend — metric_trend_json. */
int api_metric_trend(struct req *r, struct resp *w)
{
    struct err e = {0};
    struct metric_trend t;
    if (api_query_only(r, NULL, &e) || app_metric_trend(r->app, r->rec->ref, &t, &e)) {
        return api_fail(r, w, &e);
    }
    struct buf b;
    buf_init(&b, 0);
    struct jw j;
    jw_init(&j, &b, 0);
    metric_trend_json(&j, &t);
    metric_trend_free(&t);
    return api_send(w, 200, &b);
}

static int send_whys(struct req *r, struct resp *w, int status)
{
    struct err e = {0};
    struct nc_whys l;
    if (app_nc_whys(r->app, r->rec->ref, &l, &e)) {
        return api_fail(r, w, &e);
    }
    struct buf b;
    buf_init(&b, 0);
    struct jw j;
    jw_init(&j, &b, 0);
    jw_obj(&j);
    jw_key(&j, "nonconformity");
    jw_str(&j, r->rec->ref);
    jw_key(&j, "items");
    jw_arr(&j);
    for (size_t i = 0; i < l.n; i++) {
        jw_obj(&j);
        jw_key(&j, "position");
        jw_int(&j, l.v[i].position);
        jw_key(&j, "text");
        jw_str(&j, l.v[i].text);
        jw_key(&j, "at");
        jw_str(&j, l.v[i].at);
        jw_key(&j, "by");
        jw_str(&j, l.v[i].by);
        jw_obj_end(&j);
    }
    jw_arr_end(&j);
    jw_obj_end(&j);
    nc_whys_free(&l);
    return api_send(w, status, &b);
}

/* GET /api/v1/nonconformities/:id/whys — the chain in order. */
int api_nc_whys(struct req *r, struct resp *w)
{
    struct err e = {0};
    if (api_query_only(r, NULL, &e)) {
        return api_fail(r, w, &e);
    }
    return send_whys(r, w, 200);
}

/* POST /api/v1/nonconformities/:id/whys {text, position?} — adds the next
 * step, or replaces step position; answers the chain. */
int api_nc_why(struct req *r, struct resp *w)
{
    static const char *const keys[] = {"text", "position", NULL};
    struct err e = {0};
    json_t *obj;
    const char *text;
    if (api_body(r, 1, &obj, &e) || api_only_keys(obj, keys, &e) ||
        api_str(obj, "text", &text, &e)) {
        return api_fail(r, w, &e);
    }
    json_t *p = json_object_get(obj, "position");
    long long position = 0;
    if (p && !json_is_null(p)) {
        if (!json_is_integer(p) || json_integer_value(p) < 1 || json_integer_value(p) > 100) {
            return api_failf(r, w, ERR_INVALID, "position",
                             "position: give the number of a step (1 to 100)");
        }
        position = json_integer_value(p);
    }
    int pos;
    if (app_nc_why(r->app, r->rec->ref, (int)position, text, &pos, &e)) {
        return api_fail(r, w, &e);
    }
    return send_whys(r, w, position ? 200 : 201);
}

/* POST /api/v1/corrective/:id/review {rationale, effective?: true|false,
 * on_behalf_of?, evidence?} — the signer is the request's account. */
int api_ca_review(struct req *r, struct resp *w)
{
    static const char *const keys[] = {"rationale", "effective", "on_behalf_of", "evidence",
                                       NULL};
    struct err e = {0};
    json_t *obj;
    const char *rationale, *behalf, *evidence;
    if (api_body(r, 0, &obj, &e) || api_only_keys(obj, keys, &e) ||
        api_str(obj, "rationale", &rationale, &e) || api_str(obj, "on_behalf_of", &behalf, &e) ||
        api_str(obj, "evidence", &evidence, &e)) {
        return api_fail(r, w, &e);
    }
    json_t *eff = obj ? json_object_get(obj, "effective") : NULL;
    if (eff && !json_is_boolean(eff)) {
        return api_failf(r, w, ERR_INVALID, "effective", "effective: true or false");
    }
    if (app_ca_review(r->app, r->rec->ref, !eff || json_is_true(eff), rationale, behalf,
                      evidence, &e)) {
        return api_fail(r, w, &e);
    }
    return api_send_record(r, w, r->type, r->rec->ref, 200);
}
