/* api_framework.c — GET /api/v1/frameworks (every framework, framework_json
 * without controls) and GET /api/v1/frameworks/:n/compliance (the
 * compliance of framework :n, fw_compliance_json): the same typed results
 * as `isms framework list|compliance --json` (src/app/framework.h). */
#include "../app/framework.h"
#include "../lib/json.h"
#include "api_int.h"

int api_frameworks(struct req *r, struct resp *w)
{
    static const char *const allowed[] = {NULL};
    struct err e = {0};
    struct framework_list l;
    if (api_query_only(r, allowed, &e) || app_frameworks(r->app, &l, &e)) {
        return api_fail(r, w, &e);
    }
    struct buf b;
    struct jw j;
    buf_init(&b, 0);
    jw_init(&j, &b, 0);
    jw_arr(&j);
    for (size_t i = 0; i < l.n; i++) {
        framework_json(&j, &l.v[i], 0);
    }
    jw_arr_end(&j);
    framework_list_free(&l);
    return api_send(w, 200, &b);
}

int api_framework_compliance(struct req *r, struct resp *w)
{
    static const char *const allowed[] = {NULL};
    struct err e = {0};
    struct fw_compliance c;
    if (api_query_only(r, allowed, &e) || app_fw_compliance(r->app, r->id2, &c, &e)) {
        return api_fail(r, w, &e);
    }
    struct buf b;
    struct jw j;
    buf_init(&b, 0);
    jw_init(&j, &b, 0);
    fw_compliance_json(&j, &c);
    fw_compliance_free(&c);
    return api_send(w, 200, &b);
}
