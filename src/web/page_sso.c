/* page_sso.c — single sign-on on the web: the "Sign in with ..." button
 * and the directory form on the login page (sso_login_options, called by
 * page_auth.c), the start of an OpenID Connect sign-in (POST /login/oidc:
 * a short-lived SameSite=Lax cookie binds the flow to this browser, then
 * off to the provider), its callback (GET /login/oidc/callback) and the
 * LDAP form (POST /login/ldap, throttled like the password form). Every
 * refusal is a page that says why, with a way back; the security log has
 * it too. `next` may only be a path of this site. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/sso.h"
#include "../http/throttle.h"
#include "../lib/util.h"
#include "page_sso.h"
#include "web.h"

static int secure(struct req *r)
{
    return strncmp(r->org->cookie, "__Host-", 7) == 0;
}

static void flow_cookie_name(struct req *r, char *out, size_t size)
{
    snprintf(out, size, "%s-sso", r->org->pre_cookie);
}

int sso_login_options(struct req *r, struct buf *b, const char *pre)
{
    json_t *oidc = NULL, *ldap = NULL;
    struct err e = {0};
    sso_config_load(r->app, "oidc", &oidc, &e);
    sso_config_load(r->app, "ldap", &ldap, &e);
    int local = sso_local_enabled(r->app);
    const char *next = kv_get(&r->form, "next");
    next = web_safe_next(next ? next : kv_get(&r->query, "next"));
    if (!local) {
        html_lit(b, "<p>Password sign-in is switched off for this ISMS.</p>");
    }
    if (oidc) {
        html_lit(b, "<form method=\"post\" class=\"sso\" action=\"");
        href(r, b, "/login/oidc");
        html_lit(b, "\"><input type=\"hidden\" name=\"_csrf\" value=\"");
        html_attr(b, pre);
        html_lit(b, "\"><input type=\"hidden\" name=\"next\" value=\"");
        html_attr(b, next);
        html_lit(b, "\"><button type=\"submit\">Sign in with ");
        html_text(b, sso_cfg_str(oidc, "label"));
        html_lit(b, "</button></form>");
    }
    if (ldap) {
        html_lit(b, "<form method=\"post\" class=\"sso\" action=\"");
        href(r, b, "/login/ldap");
        html_lit(b, "\"><h2>Sign in with your ");
        html_text(b, sso_cfg_str(ldap, "label"));
        html_lit(b, " account</h2><input type=\"hidden\" name=\"_csrf\" value=\"");
        html_attr(b, pre);
        html_lit(b, "\"><input type=\"hidden\" name=\"next\" value=\"");
        html_attr(b, next);
        html_lit(b, "\"><label for=\"ldap-name\">Directory name</label><input id=\"ldap-name\" "
                    "name=\"name\" autocomplete=\"username\" required><label for=\"ldap-password\">"
                    "Directory password</label><input id=\"ldap-password\" name=\"password\" "
                    "type=\"password\" autocomplete=\"current-password\" required>"
                    "<button type=\"submit\">Sign in with the directory</button></form>");
    }
    json_decref(oidc);
    json_decref(ldap);
    return local;
}

int sso_login_page_only(struct req *r, struct resp *w, const char *pre, const char *error,
                        int status)
{
    if (sso_local_enabled(r->app)) {
        return 0;
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
    sso_login_options(r, &b, pre);
    html_lit(&b, "</section>");
    page_end(r, &b);
    page_send(w, &b, status);
    return 1;
}

/* A refusal: why, and the way back to the login page. */
static void refused(struct req *r, struct resp *w, const char *msg, int status)
{
    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, "Sign-in refused");
    html_lit(&b, "<section class=\"login\"><h1>Sign-in refused</h1><p class=\"error\" "
                 "role=\"alert\">");
    html_text(&b, msg);
    html_lit(&b, "</p><p><a href=\"");
    href(r, &b, "/login");
    html_lit(&b, "\">Back to sign-in</a></p></section>");
    page_end(r, &b);
    page_send(w, &b, status);
}

/* 1 when h is a plain host[:port]: a name or IPv4 address of letters,
 * digits, '-' and '.', or an IPv6 address in brackets, then at most a
 * port of digits — nothing that could make the URI built from it point
 * elsewhere ('/', '@', '?', '#', a backslash, spaces, control characters). */
static int plain_host(const char *h)
{
    size_t n = 0;
    if (h[0] == '[') {
        n = 1 + strspn(h + 1, "0123456789abcdefABCDEF:.");
        if (n < 3 || h[n] != ']') {
            return 0;
        }
        n++;
    } else {
        n = strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.");
        if (n == 0 || h[0] == '.' || h[0] == '-') {
            return 0;
        }
    }
    if (h[n] == ':') {
        size_t d = strspn(h + n + 1, "0123456789");
        if (d == 0 || d > 5) {
            return 0;
        }
        n += 1 + d;
    }
    return h[n] == 0 && n <= 255;
}

/* The URI the provider sends the browser back to: --redirect when set,
 * else built from the request's Host — https when the server speaks TLS
 * itself. -1 (and out empty) when the Host is not a plain host[:port]: a
 * hostile Host never reaches the provider as a redirect URI. */
static int redirect_uri(struct req *r, const json_t *cfg, char *out, size_t size)
{
    const char *set = sso_cfg_str(cfg, "redirect");
    if (set[0]) {
        strlcpy_(out, set, size);
        return 0;
    }
    const char *host = r->header(r, "Host");
    if (host && !plain_host(host)) {
        out[0] = 0;
        return -1;
    }
    snprintf(out, size, "%s://%s%s/login/oidc/callback", r->org->tls ? "https" : "http",
             host ? host : "127.0.0.1", r->org->prefix);
    return 0;
}

static const char bad_host[] =
    "The request's Host header is not a plain host[:port], so no redirect URI can be built "
    "from it; an administrator sets one with isms sso oidc set --redirect URI";

/* The provider's settings and the redirect URI of this request, or 1 when
 * the answer is given (not set up: 404; a hostile Host: 400, logged). The
 * start and the callback build it alike, so the provider sees one URI. */
static int oidc_redirect(struct req *r, struct resp *w, char *ru, size_t size)
{
    json_t *cfg = NULL;
    struct err e = {0};
    if (sso_config_load(r->app, "oidc", &cfg, &e) || !cfg) {
        refused(r, w, cfg ? e.msg : "single sign-on is not set up for this ISMS", 404);
        json_decref(cfg);
        return 1;
    }
    int bad = redirect_uri(r, cfg, ru, size);
    json_decref(cfg);
    if (bad) {
        /* refused before a flow is begun or taken: nothing of it is used */
        sso_log_failure(r->app, "oidc", NULL, r->addr,
                        "the Host header is not a plain host[:port]");
        refused(r, w, bad_host, 400);
        return 1;
    }
    return 0;
}

int page_sso_oidc_start(struct req *r, struct resp *w)
{
    struct err e = {0};
    char ru[1024], browser[72];
    if (oidc_redirect(r, w, ru, sizeof ru)) {
        return 0;
    }
    char *url = NULL;
    if (oidc_begin(r->app, ru, web_safe_next(kv_get(&r->form, "next")), browser, &url, &e)) {
        refused(r, w, e.msg, err_http_status(e.code));
        return 0;
    }
    if (strlen(url) >= sizeof w->location) {
        free(url);
        refused(r, w, "the provider's sign-in address is too long", 500);
        return 0;
    }
    char name[120];
    flow_cookie_name(r, name, sizeof name);
    /* Lax: the provider sends the browser back with a top-level GET from
     * its own site, which a Strict cookie would not come with */
    resp_cookie(w, "%s=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Lax%s", name, browser,
                SSO_FLOW_SECONDS, secure(r) ? "; Secure" : "");
    sodium_memzero(browser, sizeof browser);
    w->status = 303;
    strlcpy_(w->location, url, sizeof w->location);
    w->ctype = "text/plain";
    buf_reset(&w->body);
    free(url);
    return 0;
}

/* Signed in: the session cookie (SameSite=Strict, like the password
 * form's), the flow cookie gone, then on to next — by a page rather than
 * a redirect, so that the browser, which came here from the provider's
 * site, sends the Strict cookie on the next request. */
static void signed_in(struct req *r, struct resp *w, const char *sid, int totp_due,
                      const char *next, int by_page)
{
    char name[120];
    flow_cookie_name(r, name, sizeof name);
    resp_cookie(w, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s", r->org->cookie, sid,
                secure(r) ? "; Secure" : "");
    resp_cookie(w, "%s=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax%s", name,
                secure(r) ? "; Secure" : "");
    const char *to = totp_due == 2 ? "/account/totp" /* accounts: enrol first */
                     : totp_due    ? "/login/totp"
                                   : web_safe_next(next);
    if (!by_page) {
        resp_redirect(r, w, to);
        return;
    }
    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, "Signed in");
    html_lit(&b, "<section class=\"login\"><h1>Signed in</h1><p><a id=\"continue\" href=\"");
    href(r, &b, to);
    html_lit(&b, "\">Continue</a></p></section>");
    page_end(r, &b);
    /* the refresh goes to a path of ours only (web_safe_next) */
    struct buf m;
    buf_init(&m, 0);
    buf_puts(&m, "<meta http-equiv=\"refresh\" content=\"0;url=");
    buf_puts(&m, r->org->prefix);
    buf_puts(&m, to);
    buf_puts(&m, "\">");
    const char *head = strstr(buf_str(&b), "</head>");
    if (head) {
        struct buf all;
        buf_init(&all, 0);
        buf_append(&all, buf_str(&b), (size_t)(head - buf_str(&b)));
        buf_puts(&all, buf_str(&m));
        buf_puts(&all, head);
        buf_free(&b);
        b = all;
    }
    buf_free(&m);
    page_send(w, &b, 200);
}

int page_sso_oidc_callback(struct req *r, struct resp *w)
{
    struct err e = {0};
    char name[120], next[520], sid[72];
    flow_cookie_name(r, name, sizeof name);
    const char *state = kv_get(&r->query, "state");
    const char *error = kv_get(&r->query, "error");
    if (error) {
        /* the provider said no: the flow is spent all the same */
        int due = 0;
        oidc_finish(r->app, "", state, NULL, NULL, r->cookie(r, name), r->addr, sid, &due, next,
                    &e);
        const char *desc = kv_get(&r->query, "error_description");
        char msg[400];
        snprintf(msg, sizeof msg, "The identity provider refused the sign-in: %.60s%s%.200s%s",
                 error, desc ? " (" : "", desc ? desc : "", desc ? ")" : "");
        sso_log_failure(r->app, "oidc", NULL, r->addr, msg);
        refused(r, w, msg, 401);
        return 0;
    }
    /* a hostile Host: refused before the flow is taken, so the same
     * browser may still finish it at a proper address */
    char ru[1024];
    if (oidc_redirect(r, w, ru, sizeof ru)) {
        return 0;
    }
    int totp_due = 0;
    if (oidc_finish(r->app, ru, state, kv_get(&r->query, "code"), kv_get(&r->query, "iss"),
                    r->cookie(r, name), r->addr, sid, &totp_due, next, &e)) {
        refused(r, w, e.msg, err_http_status(e.code));
        return 0;
    }
    signed_in(r, w, sid, totp_due, next, 1);
    sodium_memzero(sid, sizeof sid);
    return 0;
}

int page_sso_ldap(struct req *r, struct resp *w)
{
    const char *name = kv_get(&r->form, "name");
    const char *pw = kv_get(&r->form, "password");
    char name_c[72];
    snprintf(name_c, sizeof name_c, "%.64s", name ? name : "");
    struct throttle_ticket t;
    long wait = throttle_begin(&t, r->org->slug, name_c, r->addr, 0);
    if (wait > 0) {
        char msg[160];
        w->retry_after = (int)wait;
        snprintf(msg, sizeof msg, "Too many failed sign-ins. Try again in %ld seconds.", wait);
        refused(r, w, msg, 429);
        return 0;
    }
    char sid[72];
    int totp_due = 0;
    struct err e = {0};
    int rc = ldap_sign_in(r->app, name_c, pw ? pw : "", r->addr, sid, &totp_due, &e);
    throttle_end(&t, rc && e.code == ERR_UNAUTH);
    if (rc) {
        refused(r, w, e.msg, err_http_status(e.code));
        return 0;
    }
    signed_in(r, w, sid, totp_due, kv_get(&r->form, "next"), 0);
    sodium_memzero(sid, sizeof sid);
    return 0;
}
