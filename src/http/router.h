/* router.h — dispatch of one request through the route table. */
#ifndef ISMS_ROUTER_H
#define ISMS_ROUTER_H

#include "http.h"

/* r has method, path (organization prefix removed), org, app, bodies and
 * header/cookie accessors set. Fills w; always returns 0. */
int router_dispatch(struct req *r, struct resp *w);

#endif
