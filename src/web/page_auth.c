/* page_auth.c — signing in (password, then the TOTP second factor when the
 * account has one) and out. Login throttling per account and per address;
 * a new session id at every login; the login form is protected against
 * CSRF by a pre-session cookie; `next` may only be a path of this site. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "../http/throttle.h"
#include "web.h"

static int cookie_secure(struct req *r)
{
    return strncmp(r->org->cookie, "__Host-", 7) == 0;
}

/* A safe place to go after signing in: a path of ours, nothing else. */
static const char *safe_next(const char *next)
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
    html_attr(&b, safe_next(next ? next : kv_get(&r->query, "next")));
    html_lit(&b, "\"><label for=\"name\">Name</label><input id=\"name\" name=\"name\" "
                 "autocomplete=\"username\" required autofocus value=\"");
    html_attr(&b, name);
    html_lit(&b, "\"><label for=\"password\">Password</label><input id=\"password\" "
                 "name=\"password\" type=\"password\" autocomplete=\"current-password\" required>"
                 "<button type=\"submit\">Sign in</button></form></section>");
    page_end(r, &b);
    page_send(w, &b, status);
}

int page_login_form(struct req *r, struct resp *w)
{
    if (r->authed && r->who.mfa_ok) {
        resp_redirect(r, w, "/");
        return 0;
    }
    login_form(r, w, NULL, NULL, 200);
    return 0;
}

int page_login(struct req *r, struct resp *w)
{
    const char *name = kv_get(&r->form, "name");
    const char *pw = kv_get(&r->form, "password");
    const char *org = r->org->slug;
    char name_c[72];
    snprintf(name_c, sizeof name_c, "%.64s", name ? name : "");
    long wait = throttle_wait(org, "i", r->addr);
    long wait_a = throttle_wait(org, "a", name_c);
    if (wait_a > wait) {
        wait = wait_a;
    }
    if (wait > 0) {
        char msg[160];
        snprintf(msg, sizeof msg, "Too many failed sign-ins. Try again in %ld minute%s.",
                 (wait + 59) / 60, (wait + 59) / 60 == 1 ? "" : "s");
        login_form(r, w, name_c, msg, 429);
        return 0;
    }
    char sid[72];
    int totp_due = 0;
    struct err e = {0};
    if (app_login(r->app, name_c, pw ? pw : "", r->addr, sid, &totp_due, &e)) {
        if (e.code == ERR_UNAUTH) {
            throttle_fail(org, "a", name_c);
            throttle_fail(org, "i", r->addr);
        }
        login_form(r, w, name_c, e.msg, err_http_status(e.code));
        return 0;
    }
    throttle_clear(org, "a", name_c);
    resp_cookie(w, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s", r->org->cookie, sid,
                cookie_secure(r) ? "; Secure" : "");
    resp_cookie(w, "%s=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict%s", r->org->pre_cookie,
                cookie_secure(r) ? "; Secure" : "");
    sodium_memzero(sid, sizeof sid);
    resp_redirect(r, w, totp_due ? "/login/totp" : safe_next(kv_get(&r->form, "next")));
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
    html_lit(&b, "<label for=\"code\">Code</label><input id=\"code\" name=\"code\" "
                 "inputmode=\"numeric\" autocomplete=\"one-time-code\" pattern=\"[0-9]{6}\" "
                 "maxlength=\"6\" required autofocus><button type=\"submit\">Continue</button>"
                 "</form></section>");
    page_end(r, &b);
    page_send(w, &b, status);
}

int page_totp_form(struct req *r, struct resp *w)
{
    if (r->who.mfa_ok) {
        resp_redirect(r, w, "/");
        return 0;
    }
    totp_form(r, w, NULL, 200);
    return 0;
}

int page_totp(struct req *r, struct resp *w)
{
    const char *org = r->org->slug;
    if (throttle_wait(org, "a", r->who.name) > 0 || throttle_wait(org, "i", r->addr) > 0) {
        totp_form(r, w, "Too many wrong codes. Try again later.", 429);
        return 0;
    }
    struct err e = {0};
    if (app_login_totp(r->app, r->sid, kv_get(&r->form, "code"), r->addr, &e)) {
        throttle_fail(org, "a", r->who.name);
        throttle_fail(org, "i", r->addr);
        totp_form(r, w, e.msg, err_http_status(e.code));
        return 0;
    }
    throttle_clear(org, "a", r->who.name);
    resp_redirect(r, w, "/");
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
