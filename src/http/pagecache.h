/* pagecache.h — whole answers of reading requests kept per worker for one
 * data version of the file (pagecache.c). */
#ifndef ISMS_PAGECACHE_H
#define ISMS_PAGECACHE_H

#include "http.h"

/* Inside a read transaction, once authenticated (the router asks before
 * the route's checks, see dispatch): 1 when w now holds the very answer the
 * handler gave to the same request (same file state, principal, session or
 * token, day, path and query), shared in w->kept until sent. */
int pagecache_get(struct req *r, struct resp *w);
/* Keeps w for that request when it is a plain page or JSON document (200,
 * no cookie, no redirect, no download). */
void pagecache_put(struct req *r, const struct resp *w);
/* Lets go of w->kept_ref (libmicrohttpd calls it once the answer is sent). */
void pagecache_release(void *ref);

#endif
