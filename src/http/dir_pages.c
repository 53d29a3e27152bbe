/* dir_pages.c — the directory's own pages under `isms serve --dir DIR` when
 * DIR/.isms-accounts exists (directory accounts, src/app/directory.h):
 *
 *   GET  /             the index: the organizations this account may enter
 *   GET  /login        the directory sign-in (pre-session CSRF cookie)
 *   POST /login
 *   POST /logout
 *   POST /enter/ORG    a session of ORG (its own cookie, its own file) for
 *                      the account's local account there, then /o/ORG/
 *                      (or ORG's /login/totp or /account/totp when its
 *                      second factor is due, as after ORG's own sign-in)
 *
 * The directory session (cookie __Host-isms_dir) is good for these pages
 * only: no organization reads it. Entering makes a session in the
 * organization's file like a sign-in there would, so everything inside an
 * organization (roles, CSRF, history, sign-out) is the organization's own. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "../lib/html.h"
#include "../lib/util.h"
#include "dir_pages.h"
#include "throttle.h"

static void cookie_names(const struct dir_env *env, const char **sess, const char **pre)
{
    *sess = env->secure ? "__Host-isms_dir" : "isms_dir";
    *pre = env->secure ? "__Host-isms_dpre" : "isms_dpre";
}

static const char *secure_attr(const struct dir_env *env)
{
    return env->secure ? "; Secure" : "";
}

static void page_head(struct buf *b, const char *title)
{
    html_lit(b, "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta "
                "name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>");
    html_text(b, title);
    html_lit(b, " — isms</title></head><body><main>");
}

static void page_done(struct resp *w, struct buf *b, int status)
{
    html_lit(b, "</main></body></html>\n");
    resp_take(w, status, "text/html; charset=utf-8", b);
}

static void login_form(struct req *r, struct resp *w, const struct dir_env *env,
                       const char *name, const char *error, int status)
{
    const char *sess, *pre;
    cookie_names(env, &sess, &pre);
    unsigned char raw[32];
    char tok[72];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(tok, sizeof tok, raw, sizeof raw);
    resp_cookie(w, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s", pre, tok, secure_attr(env));
    struct buf b;
    buf_init(&b, 0);
    page_head(&b, "Sign in to the directory");
    html_lit(&b, "<section class=\"login\"><h1>Sign in</h1><p>Directory account: one sign-in "
                 "for the organizations you have a role in.</p>");
    if (error) {
        html_lit(&b, "<p class=\"error\" role=\"alert\">");
        html_text(&b, error);
        html_lit(&b, "</p>");
    }
    html_lit(&b, "<form method=\"post\" action=\"/login\"><input type=\"hidden\" name=\"_csrf\" "
                 "value=\"");
    html_attr(&b, tok);
    html_lit(&b, "\"><label for=\"name\">Name</label><input id=\"name\" name=\"name\" "
                 "autocomplete=\"username\" required autofocus value=\"");
    html_attr(&b, name);
    html_lit(&b, "\"><label for=\"password\">Password</label><input id=\"password\" "
                 "name=\"password\" type=\"password\" autocomplete=\"current-password\" "
                 "required><button type=\"submit\">Sign in</button></form></section>");
    (void)r;
    page_done(w, &b, status);
}

static int token_equal(const char *a, const char *b)
{
    size_t n = a ? strlen(a) : 0;
    return a && b && n == strlen(b) && n >= 32 && sodium_memcmp(a, b, n) == 0;
}

static int origin_ok(struct req *r)
{
    const char *origin = r->header(r, "Origin");
    if (!origin) {
        return 1;
    }
    const char *host = r->header(r, "Host");
    const char *o = strstr(origin, "://");
    return host && o && strcmp(o + 3, host) == 0;
}

static void redirect(struct resp *w, const char *to)
{
    w->status = 303;
    strlcpy_(w->location, to, sizeof w->location);
    w->ctype = "text/plain";
}

static void fail(struct req *r, struct resp *w, enum errcode code, const char *msg)
{
    struct err e = {0};
    err_set(&e, code, NULL, "%s", msg);
    resp_error(r, w, &e);
}

struct index_ctx {
    struct buf *b;
    const struct dir_env *env;
    const char *csrf;
    int n;
};

static int index_row(void *ctx, const struct dir_grant_row *g)
{
    struct index_ctx *x = ctx;
    if (!x->env->org_served(g->org)) {
        return 0; /* granted, but no such file is served (any more) */
    }
    x->n++;
    html_lit(x->b, "<li><form method=\"post\" action=\"/enter/");
    html_url(x->b, g->org);
    html_lit(x->b, "\"><input type=\"hidden\" name=\"_csrf\" value=\"");
    html_attr(x->b, x->csrf);
    html_lit(x->b, "\"><button type=\"submit\">");
    html_text(x->b, g->org);
    html_lit(x->b, "</button> <span class=\"role\">");
    html_text(x->b, g->role);
    html_lit(x->b, "</span></form></li>");
    return 0;
}

static void index_page(struct req *r, struct resp *w, const struct dir_env *env,
                       const char *name, const char *csrf)
{
    struct buf b;
    buf_init(&b, 0);
    page_head(&b, "Organizations");
    html_lit(&b, "<h1>Organizations</h1><p>Signed in as <strong>");
    html_text(&b, name);
    html_lit(&b, "</strong> (directory account).</p><ul class=\"orgs\">");
    struct index_ctx x = {&b, env, csrf, 0};
    struct err e = {0};
    if (dir_grants(env->d, name, index_row, &x, &e)) {
        buf_free(&b);
        resp_error(r, w, &e);
        return;
    }
    html_lit(&b, "</ul>");
    if (!x.n) {
        html_lit(&b, "<p>You have no role in any organization served here yet.</p>");
    }
    html_lit(&b, "<form method=\"post\" action=\"/logout\"><input type=\"hidden\" "
                 "name=\"_csrf\" value=\"");
    html_attr(&b, csrf);
    html_lit(&b, "\"><button type=\"submit\">Sign out</button></form>");
    page_done(w, &b, 200);
}

int dir_pages_handle(struct req *r, struct resp *w, const struct dir_env *env)
{
    const char *sess_name, *pre_name;
    cookie_names(env, &sess_name, &pre_name);
    const char *path = r->full_path;
    int get = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
    int post = strcmp(r->method, "POST") == 0;
    int is_enter = strncmp(path, "/enter/", 7) == 0 && path[7] && !strchr(path + 7, '/');
    int known = !strcmp(path, "/") || !strcmp(path, "/login") || !strcmp(path, "/logout") ||
                is_enter;
    if (!known) {
        return 0;
    }
    if ((!strcmp(path, "/") && !get) || (!strcmp(path, "/login") && !get && !post) ||
        ((!strcmp(path, "/logout") || is_enter) && !post)) {
        strlcpy_(w->allow, !strcmp(path, "/") ? "GET, HEAD" : !strcmp(path, "/login")
                                                           ? "GET, HEAD, POST" : "POST",
                 sizeof w->allow);
        fail(r, w, ERR_USAGE, "method not allowed");
        w->status = 405;
        return 1;
    }
    struct err e = {0};
    char name[72] = "", csrf[72] = "";
    const char *sid = r->cookie(r, sess_name);
    int signed_in = dir_session(env->d, sid, name, csrf, &e) == 1;
    if (!strcmp(path, "/")) {
        if (!signed_in) {
            redirect(w, "/login");
        } else {
            index_page(r, w, env, name, csrf);
        }
        return 1;
    }
    if (!strcmp(path, "/login") && get) {
        if (signed_in) {
            redirect(w, "/");
        } else {
            login_form(r, w, env, NULL, NULL, 200);
        }
        return 1;
    }
    if (!origin_ok(r)) {
        fail(r, w, ERR_FORBIDDEN, "cross-origin request refused");
        return 1;
    }
    if (!strcmp(path, "/login")) {
        const char *user = kv_get(&r->form, "name");
        char user_c[72];
        snprintf(user_c, sizeof user_c, "%.64s", user ? user : "");
        if (!token_equal(r->cookie(r, pre_name), kv_get(&r->form, "_csrf"))) {
            login_form(r, w, env, user_c, "The form expired; please sign in again.", 403);
            return 1;
        }
        struct throttle_ticket t;
        long wait = throttle_begin(&t, ".directory", user_c, r->addr, 0);
        if (wait > 0) {
            char msg[120];
            snprintf(msg, sizeof msg, "Too many failed sign-ins. Try again in %ld seconds.",
                     wait);
            w->retry_after = (int)wait;
            login_form(r, w, env, user_c, msg, 429);
            return 1;
        }
        char nsid[72];
        const char *pw = kv_get(&r->form, "password");
        int rc = dir_login(env->d, user_c, pw ? pw : "", r->addr, nsid, &e);
        throttle_end(&t, rc && e.code == ERR_UNAUTH);
        if (rc) {
            login_form(r, w, env, user_c, e.msg, err_http_status(e.code));
            return 1;
        }
        resp_cookie(w, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s", sess_name, nsid,
                    secure_attr(env));
        resp_cookie(w, "%s=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict%s", pre_name,
                    secure_attr(env));
        sodium_memzero(nsid, sizeof nsid);
        redirect(w, "/");
        return 1;
    }
    /* /logout and /enter/ORG: a directory session and its CSRF token */
    if (!signed_in) {
        fail(r, w, ERR_UNAUTH, "sign in to the directory first");
        return 1;
    }
    if (!token_equal(csrf, kv_get(&r->form, "_csrf"))) {
        fail(r, w, ERR_FORBIDDEN, "missing or wrong CSRF token");
        return 1;
    }
    if (!strcmp(path, "/logout")) {
        dir_logout(env->d, sid, r->addr, &e);
        resp_cookie(w, "%s=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict%s", sess_name,
                    secure_attr(env));
        redirect(w, "/login");
        return 1;
    }
    const char *slug = path + 7;
    const struct org *org = NULL;
    struct app *a = env->org_served(slug) ? env->org_app(slug, &org, &e) : NULL;
    if (!a) {
        if (!e.code) {
            err_set(&e, ERR_NOTFOUND, NULL, "no such organization");
        }
        resp_error(r, w, &e);
        return 1;
    }
    char osid[72];
    int totp_due = 0;
    app_set_principal(a, principal_sys());
    snprintf(a->actor, sizeof a->actor, "web:%s", name);
    if (dir_enter(env->d, a, name, slug, r->addr, osid, &totp_due, &e)) {
        resp_error(r, w, &e);
        return 1;
    }
    resp_cookie(w, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s", org->cookie, osid,
                strncmp(org->cookie, "__Host-", 7) == 0 ? "; Secure" : "");
    sodium_memzero(osid, sizeof osid);
    /* the organization's second factor, as after its own sign-in form */
    char to[100];
    snprintf(to, sizeof to, "%s/%s", org->prefix,
             totp_due == 2 ? "account/totp"
             : totp_due    ? "login/totp"
                           : "");
    redirect(w, to);
    return 1;
}
