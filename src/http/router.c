/* router.c — the route table and the one place that decides whether a
 * request may run: it matches the path, authenticates (session cookie or
 * API token), applies the route's permission (with record ownership and
 * row visibility), checks CSRF and Origin, and only then calls the handler.
 * Handlers never check permissions themselves. */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../lib/util.h"
#include "router.h"
#include "../app/outbound.h" /* outbound: calendar feeds */
#include "group.h"
#include "pagecache.h"
#include "routes.h"
#include "upload.h"

const struct route routes[] = {
#define ROUTE(method, pattern, fn, perm, type, flags) {method, pattern, fn, perm, type, flags, #fn},
#include "routes.def"
#undef ROUTE
};
const int nroutes = (int)(sizeof routes / sizeof routes[0]);

#define MAX_SEGS 8

static int split(const char *path, char segs[MAX_SEGS][128])
{
    int n = 0;
    const char *p = path;
    if (*p != '/') {
        return -1;
    }
    if (strcmp(p, "/") == 0) {
        return 0;
    }
    while (*p == '/') {
        p++;
        const char *q = strchr(p, '/');
        size_t len = q ? (size_t)(q - p) : strlen(p);
        if (n == MAX_SEGS || len >= 128 || len == 0) {
            return -1;
        }
        memcpy(segs[n], p, len);
        segs[n][len] = 0;
        n++;
        p += len;
    }
    return *p ? -1 : n;
}

/* Percent-decodes one path segment into out; -1 when malformed. */
static int seg_decode(const char *s, char *out, size_t size)
{
    size_t k = 0;
    for (size_t i = 0; s[i]; i++) {
        char c = s[i];
        if (c == '%') {
            unsigned v;
            if (!s[i + 1] || !s[i + 2] || sscanf(s + i + 1, "%2x", &v) != 1 || v == 0) {
                return -1;
            }
            c = (char)v;
            i += 2;
        }
        if (k + 1 >= size) {
            return -1;
        }
        out[k++] = c;
    }
    out[k] = 0;
    return 0;
}

/* Each route's pattern split once (at the first request), with the
 * record type it names: matching a request is then comparisons only. */
enum segkind { SEG_LIT, SEG_TYPE, SEG_ID, SEG_N };
struct compiled {
    int nseg;
    unsigned long h0; /* seg_hash of a literal first segment, 0 for a parameter */
    const struct rtype *type;
    enum segkind kind[MAX_SEGS];
    char *lit[MAX_SEGS];
};
static struct compiled *compiled;
static pthread_once_t compiled_once = PTHREAD_ONCE_INIT;

/* A segment's hash (FNV-1a, never 0): most routes are ruled out by their
 * first segment's hash alone. */
static unsigned long seg_hash(const char *s)
{
    unsigned long h = 1469598103934665603UL;
    for (; *s; s++) {
        h = (h ^ (unsigned char)*s) * 1099511628211UL;
    }
    return h | 1;
}

static void compile_routes(void)
{
    compiled = xcalloc((size_t)nroutes, sizeof *compiled);
    char segs[MAX_SEGS][128];
    for (int i = 0; i < nroutes; i++) {
        struct compiled *c = &compiled[i];
        c->nseg = split(routes[i].pattern, segs);
        c->type = routes[i].type ? rtype_find(routes[i].type) : NULL;
        for (int k = 0; k < c->nseg; k++) {
            c->kind[k] = !strcmp(segs[k], ":type") ? SEG_TYPE
                         : !strcmp(segs[k], ":id") ? SEG_ID
                         : !strcmp(segs[k], ":n")  ? SEG_N
                                                   : SEG_LIT;
            c->lit[k] = xstrdup(segs[k]);
        }
        c->h0 = c->nseg > 0 && c->kind[0] == SEG_LIT ? seg_hash(c->lit[0]) : 0;
    }
}

/* What a match captures: the record type and the identifiers. */
struct capture {
    const struct rtype *type;
    char id[64], id2[64];
};

/* A request's path, split once; the record type a segment names is looked
 * up at most once however many routes try it (rtype_find is a scan). */
struct path {
    char segs[MAX_SEGS][128];
    int nseg;
    unsigned long h0; /* seg_hash of the first segment */
    const struct rtype *t[MAX_SEGS];
    unsigned char looked[MAX_SEGS];
};

static int path_split(const char *s, struct path *p)
{
    pthread_once(&compiled_once, compile_routes); /* match() reads them */
    p->nseg = split(s, p->segs);
    p->h0 = p->nseg > 0 ? seg_hash(p->segs[0]) : 0;
    memset(p->looked, 0, sizeof p->looked);
    return p->nseg;
}

static const struct rtype *path_type(struct path *p, int i)
{
    if (!p->looked[i]) {
        const struct rtype *t = rtype_find(p->segs[i]);
        p->t[i] = t && strcmp(t->plural, p->segs[i]) == 0 ? t : NULL;
        p->looked[i] = 1;
    }
    return p->t[i];
}

/* Whether route i may match at all: its segment count and the hash of a
 * literal first segment rule out almost every route (inline: the router
 * asks it of each route in turn). */
static inline int may_match(int i, const struct path *p)
{
    const struct compiled *c = &compiled[i];
    return c->nseg == p->nseg && (!c->h0 || c->h0 == p->h0);
}

/* Matches the request's segments against a route; fills cap. The literal
 * segments are compared first. */
static int match(const struct route *rt, struct capture *cap, struct path *p)
{
    const struct compiled *c = &compiled[rt - routes];
    int nseg = p->nseg;
    if (!may_match((int)(rt - routes), p)) {
        return 0;
    }
    for (int i = 0; i < nseg; i++) {
        if (c->kind[i] == SEG_LIT && strcmp(c->lit[i], p->segs[i]) != 0) {
            return 0;
        }
    }
    cap->type = c->type;
    cap->id[0] = cap->id2[0] = 0;
    for (int i = 0; i < nseg; i++) {
        switch (c->kind[i]) {
        case SEG_TYPE: {
            const struct rtype *t = path_type(p, i);
            if (!t) {
                return 0;
            }
            cap->type = t;
            break;
        }
        case SEG_ID:
            if (seg_decode(p->segs[i], cap->id, sizeof cap->id)) {
                return 0;
            }
            break;
        case SEG_N:
            if (seg_decode(p->segs[i], cap->id2, sizeof cap->id2)) {
                return 0;
            }
            break;
        case SEG_LIT:
            break;
        }
    }
    return 1;
}

static void deny(struct req *r, struct resp *w, enum errcode code, const char *msg)
{
    struct err e = {0};
    err_set(&e, code, NULL, "%s", msg);
    resp_error(r, w, &e);
}

/* Same scheme and host as the request? An absent Origin (same-origin GET,
 * curl) passes; a present one must match. */
static int origin_ok(struct req *r)
{
    const char *origin = r->header(r, "Origin");
    if (!origin) {
        return 1;
    }
    const char *host = r->header(r, "Host");
    if (!host) {
        return 0;
    }
    const char *o = strstr(origin, "://");
    return o && strcmp(o + 3, host) == 0;
}

static int csrf_equal(const char *a, const char *b)
{
    size_t n = a ? strlen(a) : 0;
    return a && b && n == strlen(b) && n >= 32 && sodium_memcmp(a, b, n) == 0;
}

static void authenticate(struct req *r)
{
    struct err e = {0};
    app_method_recheck(r->app);
    const char *auth = r->header(r, "Authorization");
    int rc = 0;
    if (auth && strncasecmp(auth, "Bearer ", 7) == 0) {
        rc = app_token_auth(r->app, auth + 7, r->addr, &r->auth, &e);
    } else if ((r->sid = r->cookie(r, r->org->cookie)) != NULL) {
        rc = app_session(r->app, r->sid, &r->auth, &e);
    }
    r->authed = rc == 1;
    if (rc < 0) {
        r->auth_err = e; /* the credential could not be checked (dispatch says why) */
    }
    r->role = r->authed ? role_parse(r->auth.role) : ROLE_NONE;
    /* who reads and signs: the authenticated account once its second
     * factor is done (nobody before: nothing is read, nothing signed).
     * a->signer is derived from it (app_set_principal), never from a field */
    struct principal who = r->authed && r->auth.mfa_ok
                               ? principal_account(r->auth.account, r->auth.name, r->auth.role,
                                                   r->auth.person)
                               : principal_nobody();
    who.personal_hidden = r->authed && r->auth.personal_hidden; /* accounts: privacy rule */
    who.read_only = r->authed && r->auth.read_only;             /* accounts: an external auditor */
    app_set_principal(r->app, &who);
    /* history records who acted, through which front end */
    snprintf(r->app->actor, sizeof r->app->actor, "%s:%s", r->is_api ? "api" : "web",
             r->authed ? r->auth.name : "anonymous");
}

static int dispatch(struct req *r, struct resp *w, const struct route *rt);

/* accounts: whether a token's scope ("read-only", "types:a,b", or both
 * joined by ';') covers the request: read-only allows GET and HEAD only;
 * types allows routes of those record types only, and routes of evidence
 * files when "attachment" is one of them too. The refusal names the scope. */
static int token_scope_allows(struct req *r, const struct route *rt, char *msg, size_t size)
{
    const char *scope = r->auth.scope;
    const char *types = strstr(scope, "types:");
    int reading = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
    if (strncmp(scope, "read-only", 9) == 0 && !reading) {
        snprintf(msg, size, "this API token is limited to reading (scope %s): %s is not allowed",
                 scope, r->method);
        return 0;
    }
    if (!types) {
        return 1;
    }
    types += 6;
    char list[280];
    snprintf(list, sizeof list, ",%s,", types);
    char probe[72];
    const char *want = r->type ? r->type->name : NULL;
    snprintf(probe, sizeof probe, ",%s,", want ? want : "");
    int ok = want && strstr(list, probe) != NULL;
    int attach = strstr(rt->pattern, "/attachments") != NULL;
    if (ok && attach && !strstr(list, ",attachment,")) {
        snprintf(msg, size, "this API token is limited to the record types %s (scope %s): "
                 "evidence files need attachment in its types", types, scope);
        return 0;
    }
    if (!ok) {
        snprintf(msg, size, "this API token is limited to the record types %s (scope %s): %s is "
                 "outside it", types, scope, want ? want : rt->pattern);
        return 0;
    }
    return 1;
}

/* HEAD is answered like GET (libmicrohttpd then sends the headers only). */
static int method_matches(const char *route_method, const char *method)
{
    return strcmp(route_method, method) == 0 ||
           (strcmp(method, "HEAD") == 0 && strcmp(route_method, "GET") == 0);
}

/* The body limit of one route: the default, unless the route declares more. */
static size_t route_body_limit(const struct route *rt)
{
    /* an evidence file is spooled to disk (upload.c), up to --max-upload */
    return (rt->flags & R_UPLOAD) ? (size_t)upload_max() : REQ_MAX_BODY;
}

size_t router_body_limit(const char *method, const char *path)
{
    if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0) {
        return REQ_MAX_BODY; /* no reading route takes an upload */
    }
    struct path p;
    int nseg = path_split(path, &p);
    struct capture cap;
    for (int i = 0; nseg >= 0 && i < nroutes; i++) {
        if (method_matches(routes[i].method, method) && match(&routes[i], &cap, &p)) {
            return route_body_limit(&routes[i]);
        }
    }
    return REQ_MAX_BODY;
}

int router_dispatch(struct req *r, struct resp *w)
{
    struct path p;
    int nseg = path_split(r->path, &p);
    const struct route *rt = NULL;
    int path_known = 0;
    char allow[64] = "";
    r->is_api = strncmp(r->path, "/api/", 5) == 0;
    struct capture cap;
    for (int i = 0; nseg >= 0 && i < nroutes; i++) {
        if (!may_match(i, &p) || !match(&routes[i], &cap, &p)) {
            continue;
        }
        if (method_matches(routes[i].method, r->method)) {
            rt = &routes[i];
            break;
        }
        if (!path_known || !strstr(allow, routes[i].method)) {
            size_t n = strlen(allow);
            snprintf(allow + n, sizeof allow - n, "%s%s%s", n ? ", " : "", routes[i].method,
                     strcmp(routes[i].method, "GET") == 0 ? ", HEAD" : "");
        }
        path_known = 1;
    }
    if (!rt) {
        if (path_known) {
            strlcpy_(w->allow, allow, sizeof w->allow);
            deny(r, w, ERR_USAGE, "method not allowed here");
            w->status = 405;
        } else {
            deny(r, w, ERR_NOTFOUND, "no such page");
        }
        return 0;
    }
    /* match() ran for later routes too; redo the winner's captures */
    match(rt, &cap, &p);
    r->type = cap.type;
    strlcpy_(r->id, cap.id, sizeof r->id);
    strlcpy_(r->id2, cap.id2, sizeof r->id2);
    r->route = rt;
    r->is_api = (rt->flags & R_JSON) != 0;

    /* a read sees one snapshot and takes the file's read lock once, not
     * per statement; authentication included. A write inside (a session's
     * last-seen time) ends the snapshot (store_begin): a new one follows. */
    int reading = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
    struct err re = {0};
    if (reading && store_read_begin(r->app->st, &re) != 0) {
        reading = 0;
        if (re.code == ERR_UNAVAILABLE && rt->fn != http_healthz) {
            /* the database cannot be reached: say so (503), not "sign in"
             * (nobody's credentials could be checked) */
            resp_error(r, w, &re);
            return 0;
        }
    }
    authenticate(r);
    if (r->auth_err.code == ERR_UNAVAILABLE) {
        resp_error(r, w, &r->auth_err);
        return 0;
    }
    if (reading && !store_in_read(r->app->st)) {
        reading = store_read_begin(r->app->st, &re) == 0;
    }
    int rc = dispatch(r, w, rt);
    if (reading) {
        store_read_end(r->app->st);
    }
    return rc;
}

/* The permission, row and CSRF checks of an authenticated request, then
 * the route's handler. */
static int dispatch(struct req *r, struct resp *w, const struct route *rt)
{
    if (rt->perm == PERM_PUBLIC) {
        /* a public route reads as nobody, whoever is signed in in this
         * browser: sign-in, health, static files, the OpenAPI document and
         * a questionnaire link (its token is its only authority) */
        struct principal nobody = principal_nobody();
        app_set_principal(r->app, &nobody);
        /* outbound: a calendar feed (/cal/SECRET.ics) reads as the account
         * its secret names (an unknown or revoked one: nobody, answered 404) */
        if (rt->flags & R_FEED) {
            char secret[64];
            strlcpy_(secret, r->id, sizeof secret);
            size_t n = strlen(secret);
            if (n > 4 && !strcmp(secret + n - 4, ".ics")) {
                secret[n - 4] = 0;
                struct principal feed;
                struct err fe = {0};
                if (app_calendar_principal(r->app, secret, &feed, &fe) == 0) {
                    app_set_principal(r->app, &feed);
                    snprintf(r->app->actor, sizeof r->app->actor, "cal:%s", feed.name);
                }
            }
        }
    } else {
        if (!r->authed) {
            if (r->is_api && r->auth.expired[0]) {
                /* accounts: a token or session of an account past its end date */
                char msg[160];
                snprintf(msg, sizeof msg, "the account %s expired on %s", r->auth.name,
                         r->auth.expired);
                deny(r, w, ERR_UNAUTH, msg);
            } else if (r->is_api) {
                deny(r, w, ERR_UNAUTH, "sign in or give an API token (Authorization: Bearer ...)");
            } else if (r->auth.expired[0]) {
                resp_redirect(r, w, "/login?expired=1");
            } else {
                struct buf to;
                buf_init(&to, 2048);
                buf_puts(&to, "/login?next=");
                /* only our own path, never a full URL: no open redirect */
                for (const char *p = r->path; *p; p++) {
                    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                        (*p >= '0' && *p <= '9') || strchr("/-._", *p)) {
                        buf_putc(&to, *p);
                    } else {
                        buf_printf(&to, "%%%02X", (unsigned char)*p);
                    }
                }
                resp_redirect(r, w, buf_str(&to));
                buf_free(&to);
            }
            return 0;
        }
        /* accounts: a role that requires a second factor, not set up yet:
         * enrolment (and signing out) only */
        if (r->auth.must_enrol && !(rt->flags & (R_ENROL | R_MFA))) {
            if (r->is_api) {
                deny(r, w, ERR_UNAUTH,
                     "your role requires a second factor: set it up at /account/totp first");
            } else {
                resp_redirect(r, w, "/account/totp");
            }
            return 0;
        }
        if (!r->auth.mfa_ok && !r->auth.must_enrol && !(rt->flags & R_MFA)) {
            if (r->is_api) {
                deny(r, w, ERR_UNAUTH, "the second factor is still due");
            } else {
                resp_redirect(r, w, "/login/totp");
            }
            return 0;
        }
    }
    /* A kept answer (pagecache.c) is asked for before the checks below: it
     * was kept only after every one of them passed for a request with the
     * same key -- the same file state, account, role, person, token scope
     * and day, and the same path (hence route, record and row rule) -- and
     * none of them reads anything else of a reading request but a CSRF
     * token, whose routes are left out. A hit spares the record's read. */
    int reads = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
    if (reads && rt->perm != PERM_PUBLIC && !(rt->flags & (R_CSRF | R_PRECSRF)) &&
        pagecache_get(r, w)) {
        return 0;
    }
    int owns = -1;
    if (r->type && r->id[0] && rt->perm != PERM_PUBLIC) {
        struct err e = {0};
        /* read through the viewer's row rule: a record the role may not
         * see gets the very answer of one that does not exist, and staff
         * get a document's version in force, never its working copy */
        if (app_record_get(r->app, r->type, r->id, &r->rec, &e)) {
            resp_error(r, w, &e);
            return 0;
        }
        const char *owner = record_get(r->rec, FIELD_OWNER);
        owns = owner && r->auth.person[0] && strcmp(owner, r->auth.person) == 0;
    }
    if (!perm_allows(r->role, rt->perm, r->type, owns)) {
        deny(r, w, ERR_FORBIDDEN, "your role does not allow this");
        return 0;
    }
    /* accounts: the principal of an external auditor (an auditor account
     * with an end date) writes nothing: no permission that writes, and no
     * write request but on its own account (perm_may_request) */
    int writes = !reads;
    if (!perm_may_request(&r->app->who, rt->perm, writes)) {
        char msg[200];
        snprintf(msg, sizeof msg,
                 "the account %s is an external auditor's (it has an end date): it reads and "
                 "writes nothing",
                 r->auth.name);
        deny(r, w, ERR_FORBIDDEN, msg);
        return 0;
    }
    /* accounts: a scoped API token — only reads, and/or only named types */
    char scope_msg[400];
    if (rt->perm != PERM_PUBLIC && r->auth.via_token && r->auth.scope[0] &&
        !token_scope_allows(r, rt, scope_msg, sizeof scope_msg)) {
        deny(r, w, ERR_FORBIDDEN, scope_msg);
        return 0;
    }
    if ((rt->flags & (R_CSRF | R_PRECSRF)) && !r->auth.via_token) {
        const char *sent = kv_get(&r->form, "_csrf");
        if (!sent) {
            sent = r->header(r, "X-CSRF-Token");
        }
        const char *want =
            (rt->flags & R_PRECSRF) ? r->cookie(r, r->org->pre_cookie) : r->auth.csrf;
        if (!origin_ok(r) || !csrf_equal(sent, want)) {
            deny(r, w, ERR_FORBIDDEN,
                 "the form is out of date or came from another site; reload the page and try "
                 "again");
            return 0;
        }
    }
    /* nothing names the signer but the session or token: a `by` in the
     * query, a form or a JSON body is refused, never used */
    if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0 &&
        (kv_get(&r->query, "by") || kv_get(&r->form, "by") ||
         (json_is_object(r->json) && json_object_get(r->json, "by")))) {
        struct err e = {0};
        err_set(&e, ERR_USAGE, "by", "by: the signer is the signed-in account");
        resp_error(r, w, &e);
        return 0;
    }
    /* what may write runs on the writer, its commit shared (group.c) */
    if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0) {
        return group_run(r, w, rt);
    }
    /* every check above passed: the handler's answer is kept for the same
     * request on the same file state (pagecache.c) */
    int rc = rt->fn(r, w);
    if (rt->perm != PERM_PUBLIC && !(rt->flags & (R_CSRF | R_PRECSRF))) {
        pagecache_put(r, w);
    }
    return rc;
}
