/* api_readiness.c — GET /api/v1/readiness and GET /api/v1/journey: the
 * readiness report and the implementation journey (src/app/readiness.h)
 * as the JSON of readiness_json / journey_json, read as the request's
 * viewer. */
#include "../app/readiness.h"
#include "api_int.h"

int api_readiness(struct req *r, struct resp *w)
{
    static const char *const allowed[] = {NULL};
    struct err e = {0};
    struct readiness rd;
    if (api_query_only(r, allowed, &e) || app_readiness(r->app, NULL, &rd, &e)) {
        return api_fail(r, w, &e);
    }
    struct buf b;
    struct jw j;
    buf_init(&b, 0);
    jw_init(&j, &b, 0);
    readiness_json(&j, &rd);
    readiness_free(&rd);
    return api_send(w, 200, &b);
}

int api_journey(struct req *r, struct resp *w)
{
    static const char *const allowed[] = {NULL};
    struct err e = {0};
    struct journey jn;
    if (api_query_only(r, allowed, &e) || app_journey(r->app, NULL, &jn, &e)) {
        return api_fail(r, w, &e);
    }
    struct buf b;
    struct jw j;
    buf_init(&b, 0);
    jw_init(&j, &b, 0);
    journey_json(&j, &jn);
    journey_free(&jn);
    return api_send(w, 200, &b);
}
