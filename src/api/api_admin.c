/* api_admin.c — accounts: GET /api/v1/admin/log, the security log as JSON
 * (seclog_page_json), with the filters of /admin/log (PERM_ADMIN). */
#include "../web/admin_web.h"
#include "api_int.h"

int api_admin_log(struct req *r, struct resp *w)
{
    static const char *const allowed[] = {"account", "event", "since", "until",
                                          "before",  "limit", NULL};
    struct err e = {0};
    struct seclog_filter f;
    struct seclog_page p = {0};
    if (api_query_only(r, allowed, &e) || seclog_filter_from(r, &f, &e) ||
        app_seclog_list(r->app, &f, &p, &e)) {
        return api_fail(r, w, &e);
    }
    struct buf b;
    struct jw j;
    buf_init(&b, 0);
    jw_init(&j, &b, 0);
    seclog_page_json(&j, &p);
    seclog_page_free(&p);
    return api_send(w, 200, &b);
}
