/* pending.c — TEMPORARY while the pages and the API are being written:
 * weak stand-ins for handlers not yet implemented, answering 501. A real
 * handler of the same name replaces its stand-in at link time. This file is
 * deleted before the web issue is resolved (the link then proves that every
 * route has its handler). */
#include "routes.h"

static int pending(struct req *r, struct resp *w)
{
    struct err e = {0};
    err_set(&e, ERR_INTERNAL, NULL, "not implemented yet: %s", r->route ? r->route->name : "?");
    resp_error(r, w, &e);
    w->status = 501;
    return 0;
}

#define ROUTE(method, pattern, fn, perm, type, flags)                          \
    __attribute__((weak)) int fn(struct req *r, struct resp *w)                \
    {                                                                          \
        return pending(r, w);                                                  \
    }
#include "routes.def"
#undef ROUTE
