/* page_account.c — accounts: /account/totp, where a signed-in account sets
 * up its own second factor (src/app/totp.h): a secret made on the server,
 * shown as a QR code (SVG drawn here from libqrencode's modules) and as
 * text; it takes effect once a first code from it is confirmed, and then
 * ten recovery codes are shown, once. An account whose role requires a
 * second factor is sent here after its password and may do nothing else
 * (the router, R_ENROL). */
#include <stdio.h>
#include <string.h>

#include "../app/totp.h"
#include "../lib/util.h"
#include "web.h"

static void post_button(struct req *r, struct buf *b, const char *path, const char *label)
{
    html_lit(b, "<form method=\"post\" action=\"");
    href(r, b, path);
    html_lit(b, "\">");
    csrf_field(r, b);
    html_lit(b, "<button type=\"submit\">");
    html_text(b, label);
    html_lit(b, "</button></form>");
}

static void codes_list(struct buf *b, const struct recovery_codes *rc)
{
    html_lit(b, "<section aria-labelledby=\"h-rc\" class=\"recovery\"><h2 id=\"h-rc\">Recovery "
                "codes</h2><p><strong>Shown once.</strong> Keep them somewhere safe (printed, or "
                "in a password manager). Each signs you in once instead of a code, when the "
                "authenticator is lost.</p><ul class=\"codes\">");
    for (int i = 0; i < TOTP_RECOVERY_CODES; i++) {
        html_lit(b, "<li><code>");
        html_text(b, rc->code[i]);
        html_lit(b, "</code></li>");
    }
    html_lit(b, "</ul></section>");
}

static void render(struct req *r, struct resp *w, const char *error, int status,
                   const struct recovery_codes *fresh)
{
    struct err e = {0};
    struct totp_status st;
    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, "Second factor");
    html_lit(&b, "<h1>Second factor</h1>");
    if (app_totp_status(r->app, r->auth.account, &st, &e)) {
        web_error_box(&b, e.msg);
        page_end(r, &b);
        page_send(w, &b, err_http_status(e.code));
        return;
    }
    if (error) {
        web_error_box(&b, error);
    }
    if (r->auth.must_enrol) {
        html_lit(&b, "<p class=\"notice\" role=\"status\">Your role requires a second factor. "
                     "Set it up to go on: nothing else is open until then.</p>");
    }
    if (fresh) {
        html_lit(&b, "<p role=\"status\">The second factor is in force: from now on signing in "
                     "asks for a code.</p>");
        codes_list(&b, fresh);
    }
    if (st.pending) {
        html_lit(&b, "<section aria-labelledby=\"h-new\"><h2 id=\"h-new\">Add it to your "
                     "authenticator app</h2><p>Scan the code, or type the secret in.</p>"
                     "<figure class=\"qr\">");
        if (totp_qr_svg(st.uri, &b)) {
            html_lit(&b, "<p>(The QR code could not be drawn.)</p>");
        }
        html_lit(&b, "<figcaption>Secret: <code class=\"secret\">");
        html_text(&b, st.secret);
        html_lit(&b, "</code></figcaption></figure><form method=\"post\" action=\"");
        href(r, &b, "/account/totp/confirm");
        html_lit(&b, "\">");
        csrf_field(r, &b);
        html_lit(&b, "<label for=\"code\">The code the app shows now</label><input id=\"code\" "
                     "name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" "
                     "pattern=\"[0-9]{6}\" maxlength=\"6\" required><button type=\"submit\">"
                     "Confirm</button></form>");
        if (st.enrolled) {
            html_lit(&b, "<p>Until you confirm, your current second factor stays in force.</p>");
        }
        html_lit(&b, "</section>");
    } else if (st.enrolled) {
        buf_printf(&b, "<p>A second factor is in force. Recovery codes left: %ld of %d.</p>",
                   st.recovery_left, TOTP_RECOVERY_CODES);
    } else {
        html_lit(&b, "<p>No second factor yet. With one, signing in asks for a six-digit code "
                     "from an authenticator app as well as your password.</p>");
    }
    if (!st.pending) {
        post_button(r, &b, "/account/totp/begin",
                    st.enrolled ? "Replace with a new secret" : "Set up a second factor");
    }
    if (st.enrolled && !fresh) {
        post_button(r, &b, "/account/totp/recovery", "Make new recovery codes");
    }
    page_end(r, &b);
    page_send(w, &b, status);
}

int page_account_totp(struct req *r, struct resp *w)
{
    render(r, w, NULL, 200, NULL);
    return 0;
}

int page_account_totp_begin(struct req *r, struct resp *w)
{
    struct err e = {0};
    if (app_totp_begin(r->app, r->auth.account, &e)) {
        render(r, w, e.msg, err_http_status(e.code), NULL);
        return 0;
    }
    render(r, w, NULL, 200, NULL);
    return 0;
}

int page_account_totp_confirm(struct req *r, struct resp *w)
{
    struct err e = {0};
    struct recovery_codes rc;
    if (app_totp_confirm(r->app, r->auth.account, r->auth.sid_hash, kv_get(&r->form, "code"),
                         &rc, &e)) {
        render(r, w, e.msg, err_http_status(e.code), NULL);
        return 0;
    }
    /* now enrolled: no longer restricted to this page */
    r->auth.must_enrol = 0;
    render(r, w, NULL, 200, &rc);
    memset(&rc, 0, sizeof rc);
    return 0;
}

int page_account_totp_recovery(struct req *r, struct resp *w)
{
    struct err e = {0};
    struct recovery_codes rc;
    if (app_totp_recovery_new(r->app, r->auth.account, &rc, &e)) {
        render(r, w, e.msg, err_http_status(e.code), NULL);
        return 0;
    }
    render(r, w, NULL, 200, &rc);
    memset(&rc, 0, sizeof rc);
    return 0;
}
