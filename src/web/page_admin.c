/* page_admin.c — accounts: GET /admin/log, the security log for
 * administrators (the route's PERM_ADMIN), newest first, a page at a time,
 * filtered by account, event and dates like `isms log` and GET
 * /api/v1/admin/log (src/app/seclog.h). Reads only. */
#include <stdio.h>
#include <string.h>

#include "../lib/text.h"
#include "../lib/util.h"
#include "admin_web.h"
#include "web.h"

/* The filter of the query string (the page and the API read the same). */
int seclog_filter_from(struct req *r, struct seclog_filter *f, struct err *e)
{
    memset(f, 0, sizeof *f);
    f->account = kv_get(&r->query, "account");
    f->event = kv_get(&r->query, "event");
    f->since = kv_get(&r->query, "since");
    f->until = kv_get(&r->query, "until");
    const char *lim = kv_get(&r->query, "limit"), *before = kv_get(&r->query, "before");
    int64_t v = 0;
    if (lim && *lim && (int_parse(lim, &v) || v < 1 || v > SECLOG_PAGE_MAX)) {
        return err_set(e, ERR_INVALID, "limit", "limit: 1 to %d entries", SECLOG_PAGE_MAX);
    }
    f->limit = (long)v;
    v = 0;
    if (before && *before && (int_parse(before, &v) || v < 1)) {
        return err_set(e, ERR_INVALID, "before", "before: the number of an entry");
    }
    f->before = (long)v;
    return 0;
}

static void text_input(struct buf *b, const char *id, const char *label, const char *type,
                       const char *value)
{
    buf_printf(b, "<label for=\"log-%s\">%s</label><input id=\"log-%s\" name=\"%s\" type=\"%s\" "
                  "value=\"", id, label, id, id, type);
    html_attr(b, value ? value : "");
    html_lit(b, "\">");
}

static void query_href(struct req *r, struct buf *b, const struct seclog_filter *f, long before)
{
    struct buf q;
    buf_init(&q, 0);
    buf_puts(&q, "/admin/log?");
    const char *keys[] = {"account", "event", "since", "until"};
    const char *vals[] = {f->account, f->event, f->since, f->until};
    for (int i = 0; i < 4; i++) {
        if (vals[i] && *vals[i]) {
            buf_printf(&q, "%s=", keys[i]);
            for (const char *p = vals[i]; *p; p++) {
                if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                    (*p >= '0' && *p <= '9') || strchr("-._", *p)) {
                    buf_putc(&q, *p);
                } else {
                    buf_printf(&q, "%%%02X", (unsigned char)*p);
                }
            }
            buf_putc(&q, '&');
        }
    }
    buf_printf(&q, "before=%ld", before);
    href(r, b, buf_str(&q));
    buf_free(&q);
}

int page_admin_log(struct req *r, struct resp *w)
{
    struct err e = {0};
    struct seclog_filter f;
    struct seclog_page p = {0};
    int rc = seclog_filter_from(r, &f, &e) || app_seclog_list(r->app, &f, &p, &e);
    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, "Security log");
    html_lit(&b, "<h1>Security log</h1><p>Sign-ins and their failures (single sign-on too), "
                 "the second factor, API tokens (the first use of each per day), account, role, "
                 "end-date and privacy changes, changes of the sign-in, mail and webhook "
                 "settings and of calendar feeds — newest first. Passwords, tokens, codes and session identifiers are "
                 "never written; a sign-in name that matches no account shows as "
                 "<code>unknown:</code> and a keyed hash.</p>");
    html_lit(&b, "<form method=\"get\" class=\"filters\" action=\"");
    href(r, &b, "/admin/log");
    html_lit(&b, "\">");
    text_input(&b, "account", "Account", "text", f.account);
    html_lit(&b, "<label for=\"log-event\">Event</label><select id=\"log-event\" name=\"event\">"
                 "<option value=\"\">any</option>");
    for (int i = 0; seclog_events[i]; i++) {
        html_lit(&b, "<option");
        if (f.event && strcmp(f.event, seclog_events[i]) == 0) {
            html_lit(&b, " selected");
        }
        html_lit(&b, ">");
        html_text(&b, seclog_events[i]);
        html_lit(&b, "</option>");
    }
    html_lit(&b, "</select>");
    text_input(&b, "since", "From", "date", f.since);
    text_input(&b, "until", "To", "date", f.until);
    html_lit(&b, "<button type=\"submit\">Show</button></form>");
    if (rc) {
        web_error_box(&b, e.msg);
    } else if (!p.n) {
        html_lit(&b, "<p>No entries match.</p>");
    } else {
        html_lit(&b, "<table class=\"list\"><caption>Security log entries</caption><thead><tr>"
                     "<th scope=\"col\">#</th><th scope=\"col\">At (UTC)</th>"
                     "<th scope=\"col\">Event</th><th scope=\"col\">Account</th>"
                     "<th scope=\"col\">By</th><th scope=\"col\">Address</th>"
                     "<th scope=\"col\">Detail</th></tr></thead><tbody>");
        for (size_t i = 0; i < p.n; i++) {
            const struct seclog_entry *x = &p.v[i];
            buf_printf(&b, "<tr><td>%ld</td><td>", x->id);
            html_text(&b, x->at);
            html_lit(&b, "</td><td>");
            html_text(&b, x->event);
            html_lit(&b, "</td><td>");
            html_text(&b, x->account[0] ? x->account : "—");
            html_lit(&b, "</td><td>");
            html_text(&b, x->actor);
            html_lit(&b, "</td><td>");
            html_text(&b, x->address);
            html_lit(&b, "</td><td>");
            html_text(&b, x->detail);
            html_lit(&b, "</td></tr>");
        }
        html_lit(&b, "</tbody></table>");
        if (p.next_before) {
            html_lit(&b, "<p><a rel=\"next\" href=\"");
            query_href(r, &b, &f, p.next_before);
            html_lit(&b, "\">Older entries</a></p>");
        }
    }
    seclog_page_free(&p);
    page_end(r, &b);
    page_send(w, &b, rc ? err_http_status(e.code) : 200);
    return 0;
}
