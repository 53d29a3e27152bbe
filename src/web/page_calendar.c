/* page_calendar.c — the account's calendar feed: /calendar (its state, make
 * a new URL, revoke it) and the feed itself, /cal/SECRET.ics, a public route
 * the router reads as the feed's account (router.c finds it by the secret;
 * an unknown or revoked secret reads as nobody and is answered 404). */
#include <stdio.h>
#include <string.h>

#include "../app/outbound.h"
#include "../lib/util.h"
#include "web.h"

/* http://HOST of the request, for the URL shown and the events' links. */
static void base_url(struct req *r, char *out, size_t size)
{
    const char *host = r->header(r, "Host");
    size_t j = 0;
    char h[128];
    for (const char *p = host ? host : ""; *p && j + 1 < sizeof h; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr(".-:[]", *p)) {
            h[j++] = *p;
        } else {
            j = 0;
            break;
        }
    }
    h[j] = 0;
    snprintf(out, size, "http://%s%s", j ? h : "localhost", r->org ? r->org->prefix : "");
}

static void calendar_page(struct req *r, struct resp *w, const char *secret, const char *msg)
{
    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, "Calendar feed");
    html_lit(&b, "<div class=\"page-head\"><div><h1>Calendar feed</h1><p class=\"lede\">Your "
                 "task list as a calendar (iCalendar): every due date an all-day event. "
                 "Subscribe to its address in your calendar program; anyone who has the "
                 "address reads your tasks, so revoke it when it may have leaked.</p></div></div>");
    if (msg) {
        html_lit(&b, "<p class=\"notice\" role=\"status\">");
        html_text(&b, msg);
        html_lit(&b, "</p>");
    }
    struct err e = {0};
    char created[32] = "";
    int has = app_calendar_state(r->app, r->auth.account, created, sizeof created, &e);
    if (secret) {
        char base[256], url[400];
        base_url(r, base, sizeof base);
        snprintf(url, sizeof url, "%s/cal/%s.ics", base, secret);
        html_lit(&b, "<section aria-labelledby=\"feed-url\"><h2 id=\"feed-url\">Your feed's "
                     "address (shown once)</h2><p><label for=\"cal-url\">Address</label> "
                     "<input id=\"cal-url\" readonly size=\"80\" value=\"");
        html_attr(&b, url);
        html_lit(&b, "\"></p><p>Copy it now: it is not shown again. Making a new one replaces "
                     "it.</p></section>");
    } else if (has == 1) {
        html_lit(&b, "<p>You have a feed since ");
        html_text(&b, created);
        html_lit(&b, ". Its address was shown when it was made.</p>");
    } else if (has == 0) {
        html_lit(&b, "<p>You have no calendar feed.</p>");
    } else {
        web_error_box(&b, e.msg);
    }
    html_lit(&b, "<form method=\"post\" action=\"");
    href(r, &b, "/calendar");
    html_lit(&b, "\">");
    csrf_field(r, &b);
    html_lit_if(&b, has == 1 || secret, "<button type=\"submit\">Make a new address</button>",
                "<button type=\"submit\">Make a feed address</button>");
    html_lit(&b, "</form>");
    if (has == 1 || secret) {
        html_lit(&b, "<form method=\"post\" action=\"");
        href(r, &b, "/calendar/revoke");
        html_lit(&b, "\">");
        csrf_field(r, &b);
        html_lit(&b, "<button type=\"submit\" class=\"secondary\">Revoke the feed</button></form>");
    }
    page_end(r, &b);
    page_send(w, &b, 200);
}

int page_calendar(struct req *r, struct resp *w)
{
    calendar_page(r, w, NULL, NULL);
    return 0;
}

int page_calendar_create(struct req *r, struct resp *w)
{
    struct err e = {0};
    char secret[CAL_SECRET_LEN + 1];
    if (app_calendar_create(r->app, r->auth.account, r->auth.name, secret, &e)) {
        resp_error(r, w, &e);
        return 0;
    }
    calendar_page(r, w, secret, "A new feed address was made; an earlier one no longer works.");
    return 0;
}

int page_calendar_revoke(struct req *r, struct resp *w)
{
    struct err e = {0};
    if (app_calendar_revoke(r->app, r->auth.account, r->auth.name, &e)) {
        resp_error(r, w, &e);
        return 0;
    }
    calendar_page(r, w, NULL, "The feed was revoked: its address now answers 404.");
    return 0;
}

int page_calendar_feed(struct req *r, struct resp *w)
{
    struct err e = {0};
    /* the router read the secret and set the feed's account as the principal */
    if (r->app->who.kind != PRINCIPAL_ACCOUNT || r->app->who.account == 0) {
        err_set(&e, ERR_NOTFOUND, NULL, "no such calendar");
        resp_error(r, w, &e);
        return 0;
    }
    char base[256];
    base_url(r, base, sizeof base);
    const char *host = r->header(r, "Host");
    const char *mine = web_query(r, "mine");
    struct buf b;
    buf_init(&b, (size_t)32 << 20);
    if (app_calendar_feed(r->app, host, base, mine && !strcmp(mine, "1"), &b, &e)) {
        buf_free(&b);
        resp_error(r, w, &e);
        return 0;
    }
    resp_take(w, 200, "text/calendar; charset=utf-8", &b);
    return 0;
}
