/* pagecache.h — whole answers of reading requests kept per worker for one
 * data version of the file (pagecache.c). */
#ifndef ISMS_PAGECACHE_H
#define ISMS_PAGECACHE_H

#include "http.h"

/* Inside a read transaction, once authenticated (the router asks before
 * the route's checks, see dispatch): 1 when w now holds the very answer the
 * handler gave to the same request (same file state, principal, session or
 * token, day, path and query), shared in w->kept until the request is done. */
int pagecache_get(struct req *r, struct resp *w);
/* Keeps w for that request when it is a plain page or JSON document (200,
 * no cookie, no redirect, no download). */
void pagecache_put(struct req *r, const struct resp *w);
/* Lets go of w->kept_ref (once its answer is sent: the request is done). */
void pagecache_release(void *ref);
/* The answer the server prepared from a kept body the first time it sent
 * it (NULL before): the same headers every time, so sent again as it is.
 * pagecache_keep_response hands one over, freed with the body. */
void *pagecache_response(void *ref);
void pagecache_keep_response(void *ref, void *res, void (*res_free)(void *));

#endif
