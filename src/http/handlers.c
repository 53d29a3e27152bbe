/* handlers.c — the few routes that belong to the server itself: health (the
 * server answers 503 with a reason instead when the ISMS file was removed or
 * replaced, see server.c, or its database cannot be reached) and the static files (CSS, JavaScript) built into
 * the binary. */
#include <stdlib.h>
#include <string.h>

#include "../app/app.h"
#include "../embed.h"
#include "../store/store.h"
#include "routes.h"

int http_healthz(struct req *r, struct resp *w)
{
    /* an ISMS in PostgreSQL: healthy when its database answers (a load
     * balancer then sends no request to a server that would answer 503) */
    struct err e = {0};
    if (r->app && store_ping(r->app->st, &e)) {
        http_unhealthy(w, &e);
        return 0;
    }
    resp_json(w, 200, "{\"status\":\"ok\"}");
    return 0;
}

void http_unhealthy(struct resp *w, const struct err *e)
{
    json_t *j = json_pack("{s:s,s:s}", "status", "unavailable", "reason", e->msg);
    char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
    resp_json(w, 503, text ? text : "{\"status\":\"unavailable\"}");
    free(text);
    json_decref(j);
}

int http_static(struct req *r, struct resp *w)
{
    static const struct {
        const char *name, *ctype;
        const char *data, *end;
    } files[] = {
        {"style.css", "text/css; charset=utf-8", static_css, static_css_end},
        {"app.js", "text/javascript; charset=utf-8", static_js, static_js_end},
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        if (strcmp(files[i].name, r->id) == 0) {
            w->status = 200;
            w->ctype = files[i].ctype;
            w->cache = 1;
            buf_append(&w->body, files[i].data, (size_t)(files[i].end - files[i].data));
            return 0;
        }
    }
    struct err e = {0};
    err_set(&e, ERR_NOTFOUND, NULL, "no such file");
    resp_error(r, w, &e);
    return 0;
}
