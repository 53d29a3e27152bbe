/* router.h — dispatch of one request through the route table. */
#ifndef ISMS_ROUTER_H
#define ISMS_ROUTER_H

#include "http.h"

/* r has method, path (organization prefix removed), org, app, bodies and
 * header/cookie accessors set. Fills w; always returns 0. */
int router_dispatch(struct req *r, struct resp *w);
/* The largest request body the route of method and path (organization
 * prefix removed) takes, known from the headers alone: REQ_MAX_BODY, or
 * the route's own (larger) limit. */
size_t router_body_limit(const char *method, const char *path);

#endif
