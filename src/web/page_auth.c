/* page_auth.c — signing in (password, then the TOTP second factor when the
 * account has one) and out. Sign-in throttling (throttle.h: per account,
 * per address, and per address that signed in to the account before);
 * a new session id at every login; the login form is protected against
 * CSRF by a pre-session cookie; `next` may only be a path of this site. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../http/throttle.h"
#include "page_sso.h" /* sso */
#include "../app/sso.h" /* sso */
#include "../lib/util.h"
#include "web.h"

static int cookie_secure(struct req *r)
{
    return strncmp(r->org->cookie, "__Host-", 7) == 0;
}

/* web.h: a safe place to go after signing in — a path of ours, nothing else
 * (the password form and single sign-on share this one rule). */
const char *web_safe_next(const char *next)
{
    if (!next || next[0] != '/' || next[1] == '/' || strlen(next) > 512) {
        return "/";
    }
    for (const char *p = next; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              strchr("/-._", *p))) {
            return "/";
        }
    }
    return next;
}

static void login_form(struct req *r, struct resp *w, const char *name, const char *error,
                       int status)
{
    unsigned char raw[32];
    char pre[72];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(pre, sizeof pre, raw, sizeof raw);
    resp_cookie(w, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s", r->org->pre_cookie, pre,
                cookie_secure(r) ? "; Secure" : "");
    if (sso_login_page_only(r, w, pre, error, status)) { /* sso: no password form when off */
        return;
    }
    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, "Sign in");
    html_lit(&b, "<section class=\"login\"><h1>Sign in</h1>");
    if (error) {
        html_lit(&b, "<p class=\"error\" role=\"alert\">");
        html_text(&b, error);
        html_lit(&b, "</p>");
    }
    html_lit(&b, "<form method=\"post\" action=\"");
    href(r, &b, "/login");
    html_lit(&b, "\"><input type=\"hidden\" name=\"_csrf\" value=\"");
    html_attr(&b, pre);
    html_lit(&b, "\"><input type=\"hidden\" name=\"next\" value=\"");
    const char *next = kv_get(&r->form, "next");
    html_attr(&b, web_safe_next(next ? next : kv_get(&r->query, "next")));
    html_lit(&b, "\"><label for=\"name\">Name</label><input id=\"name\" name=\"name\" "
                 "autocomplete=\"username\" required autofocus value=\"");
    html_attr(&b, name);
    html_lit(&b, "\"><label for=\"password\">Password</label><input id=\"password\" "
                 "name=\"password\" type=\"password\" autocomplete=\"current-password\" required>"
                 "<button type=\"submit\">Sign in</button></form>");
    sso_login_options(r, &b, pre); /* sso: "Sign in with ..." and the directory form */
    html_lit(&b, "</section>");
    page_end(r, &b);
    page_send(w, &b, status);
}

int page_login_form(struct req *r, struct resp *w)
{
    if (r->authed && r->auth.mfa_ok) {
        resp_redirect(r, w, "/");
        return 0;
    }
    /* accounts: a session that ended because the account's end date passed */
    login_form(r, w, NULL,
               kv_get(&r->query, "expired")
                   ? "Your account has expired: it ended on its end date. Ask an administrator "
                     "to extend it."
                   : NULL,
               200);
    return 0;
}

/* accounts: where an account lands after signing in when no page was asked
 * for — an auditor on the readiness report, everyone else on the home page */
static const char *home_for(const char *role, const char *next)
{
    if (strcmp(next, "/") == 0 && role && strcmp(role, "auditor") == 0) {
        return "/readiness";
    }
    return next;
}

/* "Try again in 40 seconds." / "... in 3 minutes." and Retry-After. */
static void wait_text(struct resp *w, long wait, char *out, size_t size, const char *what)
{
    w->retry_after = (int)wait;
    if (wait < 60) {
        snprintf(out, size, "%s Try again in %ld second%s.", what, wait, wait == 1 ? "" : "s");
    } else {
        long m = (wait + 59) / 60;
        snprintf(out, size, "%s Try again in %ld minute%s.", what, m, m == 1 ? "" : "s");
    }
}

/* throttle_begin for name from this request's address, asking the security
 * log whether the address signed in to name before only when a lock or a
 * back-off would refuse the attempt. */
static long throttle_attempt(struct req *r, struct throttle_ticket *t, const char *name)
{
    long wait = throttle_begin(t, r->org->slug, name, r->addr, 0);
    if (wait > 0 && app_login_known(r->app, name, r->addr)) {
        wait = throttle_begin(t, r->org->slug, name, r->addr, 1);
    }
    if (wait == 0) {
        /* several servers on one database: the account's failures through
         * any of them lock it here too */
        long long last = 0;
        int n = app_shared_failures(r->app, name, r->addr, THROTTLE_ACCOUNT_DECAY, &last);
        long shared = n ? (long)(last + throttle_account_lock(n) - (long long)time(NULL)) : 0;
        if (shared > 0) {
            throttle_end(t, 0);
            return shared;
        }
    }
    return wait;
}

int page_login(struct req *r, struct resp *w)
{
    const char *name = kv_get(&r->form, "name");
    const char *pw = kv_get(&r->form, "password");
    char name_c[72];
    snprintf(name_c, sizeof name_c, "%.64s", name ? name : "");
    struct throttle_ticket t;
    long wait = throttle_attempt(r, &t, name_c);
    if (wait > 0) {
        char msg[160];
        wait_text(w, wait, msg, sizeof msg, "Too many failed sign-ins.");
        login_form(r, w, name_c, msg, 429);
        return 0;
    }
    /* sso: local passwords switched off for the web (isms sso local off) */
    if (!sso_local_enabled(r->app)) {
        sso_log_failure(r->app, "local", name_c, r->addr, "password sign-in is switched off");
        login_form(r, w, name_c, "Password sign-in is switched off for this ISMS; use single "
                                 "sign-on (administrators: the command line still works)", 403);
        return 0;
    }
    /* sso: end */
    char sid[72];
    int totp_due = 0;
    struct err e = {0};
    int rc = app_login(r->app, name_c, pw ? pw : "", r->addr, sid, &totp_due, &e);
    throttle_end(&t, rc && e.code == ERR_UNAUTH);
    if (rc) {
        if (e.code == ERR_READONLY) {
            w->retry_after = 300;
        }
        login_form(r, w, name_c, e.msg, err_http_status(e.code));
        return 0;
    }
    resp_cookie(w, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s", r->org->cookie, sid,
                cookie_secure(r) ? "; Secure" : "");
    resp_cookie(w, "%s=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict%s", r->org->pre_cookie,
                cookie_secure(r) ? "; Secure" : "");
    sodium_memzero(sid, sizeof sid);
    char role[32] = "";
    app_account_role(r->app, name_c, role, sizeof role);
    resp_redirect(r, w,
                  totp_due == 2 ? "/account/totp" /* accounts: enrol first */
                  : totp_due    ? "/login/totp"
                                : home_for(role, web_safe_next(kv_get(&r->form, "next"))));
    return 0;
}

static void totp_form(struct req *r, struct resp *w, const char *error, int status)
{
    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, "Second factor");
    html_lit(&b, "<section class=\"login\"><h1>Second factor</h1><p>Enter the six-digit code "
                 "from your authenticator app.</p>");
    if (error) {
        html_lit(&b, "<p class=\"error\" role=\"alert\">");
        html_text(&b, error);
        html_lit(&b, "</p>");
    }
    html_lit(&b, "<form method=\"post\" action=\"");
    href(r, &b, "/login/totp");
    html_lit(&b, "\">");
    csrf_field(r, &b);
    /* accounts: a recovery code (xxxx-xxxx-xxxx) is accepted here too */
    html_lit(&b, "<label for=\"code\">Code</label><input id=\"code\" name=\"code\" "
                 "autocomplete=\"one-time-code\" maxlength=\"20\" "
                 "aria-describedby=\"code-help\" required autofocus><p id=\"code-help\" "
                 "class=\"help\">Six digits from your authenticator app, or one of your "
                 "recovery codes (each works once).</p><button type=\"submit\">Continue</button>"
                 "</form></section>");
    page_end(r, &b);
    page_send(w, &b, status);
}

int page_totp_form(struct req *r, struct resp *w)
{
    if (r->auth.mfa_ok) {
        resp_redirect(r, w, "/");
        return 0;
    }
    totp_form(r, w, NULL, 200);
    return 0;
}

int page_totp(struct req *r, struct resp *w)
{
    struct throttle_ticket t;
    long wait = throttle_attempt(r, &t, r->auth.name);
    if (wait > 0) {
        char msg[160];
        wait_text(w, wait, msg, sizeof msg, "Too many wrong codes.");
        totp_form(r, w, msg, 429);
        return 0;
    }
    struct err e = {0};
    int rc = app_login_totp(r->app, r->sid, kv_get(&r->form, "code"), r->addr, &e);
    /* a wrong or replayed code counts; an ended session or a storage
     * error checked nothing */
    throttle_end(&t, rc && e.code == ERR_UNAUTH && strcmp(e.field, "code") == 0);
    if (rc) {
        totp_form(r, w, e.msg, err_http_status(e.code));
        return 0;
    }
    resp_redirect(r, w, home_for(r->auth.role, "/"));
    return 0;
}

int page_logout(struct req *r, struct resp *w)
{
    struct err e = {0};
    app_logout(r->app, r->sid, r->addr, &e);
    resp_cookie(w, "%s=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict%s", r->org->cookie,
                cookie_secure(r) ? "; Secure" : "");
    resp_redirect(r, w, "/login");
    return 0;
}
