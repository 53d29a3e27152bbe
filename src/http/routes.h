/* routes.h — the route table (routes.def) as data, for the router and the
 * tests that walk it. */
#ifndef ISMS_ROUTES_H
#define ISMS_ROUTES_H

#include "http.h"

enum route_flags {
    R_HTML = 1 << 0, /* answers HTML; errors as pages; unauthenticated: to login */
    R_JSON = 1 << 1, /* answers JSON; errors as JSON; unauthenticated: 401 */
    R_CSRF = 1 << 2, /* state-changing: needs the session's CSRF token */
    R_MFA = 1 << 3,  /* allowed while the second factor is still due */
    R_PRECSRF = 1 << 4, /* before a session (login): checked against the
                           pre-session cookie instead */
    R_UPLOAD = 1 << 5,  /* the body (a file) is spooled to disk up to --max-upload,
                           not buffered (upload.c); r->upload points at it */
    R_ENROL = 1 << 6,   /* accounts: second-factor enrolment — also allowed to an
                           account whose role requires a second factor it has not
                           set up yet (and nothing else is) */
    /* outbound: a calendar feed, public, read as the account its secret names */
    R_FEED = 1 << 7,
};

typedef int (*handler_fn)(struct req *r, struct resp *w);

struct route {
    const char *method;
    const char *pattern; /* "/risks/:id"; ":type" is a record type's plural */
    handler_fn fn;
    enum perm perm;
    const char *type;    /* record type of routes whose path has no :type */
    unsigned flags;
    const char *name;    /* handler name, for tests and logs */
};

extern const struct route routes[];
extern const int nroutes;

/* Handlers. */
#define ROUTE(method, pattern, fn, perm, type, flags) int fn(struct req *r, struct resp *w);
#include "routes.def"
#undef ROUTE

#endif
