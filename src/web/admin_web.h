/* admin_web.h — accounts: what the admin pages and the admin API share. */
#ifndef ISMS_WEB_ADMIN_H
#define ISMS_WEB_ADMIN_H

#include "../app/seclog.h"
#include "../http/http.h"

/* The security log filter of the request's query string (account, event,
 * since, until, before, limit); ERR_INVALID naming the field. */
int seclog_filter_from(struct req *r, struct seclog_filter *f, struct err *e);

#endif
