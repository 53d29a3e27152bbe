/* page_ops.c — operations on the web: the incident panel (notification
 * duties with a server-rendered countdown, the timeline, the forms to add
 * an entry, mark a duty notified and raise a nonconformity), the security
 * exception panel (approval through the one sign-off mechanism), and their
 * POSTs. Writes only through app_incident_* / app_exception_approve; "who"
 * is the session's account. Staff reach only their own incidents (the
 * router loaded r->rec through their row rule). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/ops.h"
#include "../lib/hash.h"
#include "../lib/text.h"
#include "web.h"

static void post_open(struct req *r, struct buf *b, const char *ref, const char *action)
{
    html_lit(b, "<form method=\"post\" class=\"step\" action=\"");
    web_ref_href(r, b, ref);
    html_lit(b, "/");
    html_url(b, action);
    html_lit(b, "\">");
    csrf_field(r, b);
}

static void duties_block(struct req *r, struct buf *b, const struct record *rec, int edit)
{
    struct err e = {0};
    struct incident_duties d;
    html_lit(b, "<h3>Notification duties</h3>");
    if (app_incident_duties(r->app, rec->ref, NULL, &d, &e)) {
        web_error_box(b, e.msg);
        return;
    }
    if (!d.n) {
        html_lit(b, "<p class=\"muted\">No notification duty: no personal data involved and no "
                    "requirement calls for one (or it is not classified as an incident).</p>");
        incident_duties_free(&d);
        return;
    }
    html_lit(b, "<table class=\"duties\"><thead><tr><th>Duty</th><th>Whom</th><th>Why</th>"
                "<th>Deadline (UTC)</th><th>Time left</th><th><span class=\"vh\">Actions</span></th></tr></thead><tbody>");
    for (size_t i = 0; i < d.n; i++) {
        const struct incident_duty *x = &d.v[i];
        char cd[160];
        incident_duty_countdown(x, cd, sizeof cd);
        html_lit(b, "<tr><td>");
        html_text(b, x->title);
        html_lit(b, "</td><td>");
        html_text(b, x->to);
        html_lit(b, "</td><td>");
        html_text(b, x->basis);
        html_lit(b, "</td><td>");
        web_time(b, x->deadline);
        html_lit(b, "</td><td class=\"countdown\">");
        if (x->done) {
            html_lit(b, "<span class=\"tag good\">");
        } else if (x->seconds_left < 0) {
            html_lit(b, "<span class=\"tag bad\">");
        } else if (x->seconds_left < 86400) {
            html_lit(b, "<span class=\"tag warn\">");
        } else {
            html_lit(b, "<span class=\"tag\">");
        }
        html_text(b, cd);
        html_lit(b, "</span></td><td>");
        if (!x->done && edit) {
            post_open(r, b, rec->ref, "notified");
            html_lit(b, "<input type=\"hidden\" name=\"duty\" value=\"");
            html_attr(b, x->key);
            html_lit(b, "\"><label>Notified at (UTC, empty: now) <input name=\"at\" "
                        "placeholder=\"YYYY-MM-DD HH:MM\"></label> <label>Note <input "
                        "name=\"note\" maxlength=\"200\"></label> <button "
                        "type=\"submit\">Mark notified</button></form>");
        }
        html_lit(b, "</td></tr>");
    }
    html_lit(b, "</tbody></table>");
    incident_duties_free(&d);
}

static void timeline_block(struct req *r, struct buf *b, const struct record *rec, int edit)
{
    struct err e = {0};
    struct incident_timeline t;
    html_lit(b, "<h3>Timeline</h3>");
    if (app_incident_timeline(r->app, rec->ref, &t, &e)) {
        web_error_box(b, e.msg);
        return;
    }
    if (!t.n) {
        html_lit(b, "<p class=\"muted\">No entries yet.</p>");
    } else {
        html_lit(b, "<ol class=\"timeline\">");
        for (size_t i = 0; i < t.n; i++) {
            html_lit(b, "<li><span class=\"meta\">");
            web_time(b, t.v[i].at);
            html_lit(b, " · ");
            html_text(b, t.v[i].by);
            html_lit(b, "</span> <span class=\"tag\">");
            html_text(b, t.v[i].kind);
            html_lit(b, "</span> ");
            html_text(b, t.v[i].text);
            html_lit(b, "</li>");
        }
        html_lit(b, "</ol>");
    }
    incident_timeline_free(&t);
    if (edit) {
        post_open(r, b, rec->ref, "note");
        html_lit(b, "<label>Kind <select name=\"kind\">");
        for (int i = 0; incident_entry_kinds[i]; i++) {
            html_lit(b, "<option>");
            html_text(b, incident_entry_kinds[i]);
            html_lit(b, "</option>");
        }
        html_lit(b, "</select></label> <label>What was done or learned <textarea name=\"text\" "
                    "rows=\"2\" required></textarea></label> <button type=\"submit\">Add to the "
                    "timeline</button></form>");
    }
}

void web_incident_panel(struct req *r, struct buf *b, const struct record *rec)
{
    int retired = record_get(rec, FIELD_RETIRED) != NULL;
    int edit = !retired && web_may(r, PERM_EDIT, rec->type, web_owns(r, rec));
    html_lit(b, "<section class=\"panel incident-panel\" aria-labelledby=\"h-incident\">"
                "<h2 id=\"h-incident\">Response</h2>");
    if (r->role != ROLE_STAFF) {
        /* staff do not read the requirement register the duties come from */
        duties_block(r, b, rec, edit);
    }
    timeline_block(r, b, rec, edit);
    const char *nc = record_get(rec, "nonconformity");
    if (nc) {
        html_lit(b, "<p>Nonconformity raised: ");
        web_ref_link(r, b, nc, nc);
        html_lit(b, "</p>");
    } else if (edit) {
        post_open(r, b, rec->ref, "raise-nc");
        html_lit(b, "<button type=\"submit\" class=\"secondary\">Raise a nonconformity</button>"
                    "</form>");
    }
    html_lit(b, "</section>");
}

void web_exception_panel(struct req *r, struct buf *b, const struct record *rec)
{
    struct err e = {0};
    struct buf c;
    buf_init(&c, 0);
    app_exception_content(rec, &c);
    char hash[65];
    sha256_hex(c.p, c.len, hash);
    buf_free(&c);
    const char *st = record_get(rec, FIELD_STATUS);
    const char *exp = record_get(rec, "expires_on");
    char today[11];
    date_today(today);
    html_lit(b, "<section class=\"panel\" aria-labelledby=\"h-exc\"><h2 id=\"h-exc\">Approval"
                "</h2><p>");
    if (st && strcmp(st, "approved") == 0 && exp && strcmp(exp, today) >= 0) {
        html_lit(b, "<span class=\"tag\">active</span> until ");
        html_text(b, exp);
    } else if (st && strcmp(st, "approved") == 0) {
        html_lit(b, "<span class=\"tag bad\">expired</span> on ");
        html_text(b, exp);
    } else {
        html_text(b, st);
    }
    html_lit(b, "</p>");
    struct signoffs l;
    if (app_signoffs(r->app, "exception", rec->ref, 0, hash, &l, &e) == 0) {
        web_signoffs(r, b, &l, "Sign-offs");
        signoffs_free(&l);
    }
    if (!record_get(rec, FIELD_RETIRED) && st && strcmp(st, "requested") == 0 &&
        r->role != ROLE_AUDITOR && r->role != ROLE_STAFF) {
        /* who may approve is the capacity (app_exception_approve), not the role */
        post_open(r, b, rec->ref, "approve");
        html_lit(b, "<label>Rationale <input name=\"rationale\" maxlength=\"2000\"></label> "
                    "<button type=\"submit\">Approve the exception</button></form>");
        web_signer_line(r, b);
    }
    html_lit(b, "</section>");
}

void web_continuity_panel(struct req *r, struct buf *b, const struct record *rec)
{
    struct err e = {0};
    struct records l;
    char due[11];
    if (app_continuity_tests(r->app, rec->ref, &l, due, &e)) {
        return;
    }
    char today[11];
    date_today(today);
    html_lit(b, "<section class=\"panel\" aria-labelledby=\"h-bcp\"><h2 id=\"h-bcp\">Tests"
                "</h2><p>Next test due ");
    html_text(b, due);
    if (strcmp(due, today) < 0) {
        html_lit(b, " <span class=\"tag bad\">overdue</span>");
    }
    html_lit(b, " · <a href=\"");
    href(r, b, "/continuity/needs");
    html_lit(b, "\">Recovery objectives per asset</a></p>");
    if (!l.n) {
        html_lit(b, "<p class=\"muted\">Never tested.</p>");
    } else {
        html_lit(b, "<table><thead><tr><th>Test</th><th>Date</th><th>Achieved RTO (h)</th>"
                    "<th>Achieved RPO (h)</th><th>Result</th></tr></thead><tbody>");
        for (size_t i = 0; i < l.n; i++) {
            const struct record *t = l.v[i];
            const char *res = record_get(t, "result");
            html_lit(b, "<tr><td>");
            web_ref_link(r, b, t->ref, record_get(t, "title"));
            html_lit(b, "</td><td>");
            html_text(b, record_get(t, "tested_on"));
            html_lit(b, "</td><td>");
            html_text(b, record_get(t, "achieved_rto_hours"));
            html_lit(b, "</td><td>");
            html_text(b, record_get(t, "achieved_rpo_hours"));
            html_lit(b, "</td><td>");
            if (res && strcmp(res, "not-met") == 0) {
                html_lit(b, "<span class=\"tag bad\">not met</span>");
            } else {
                html_text(b, res);
            }
            html_lit(b, "</td></tr>");
        }
        html_lit(b, "</tbody></table>");
    }
    records_free(&l);
    html_lit(b, "</section>");
}

static void back(struct req *r, struct resp *w, const char *plural, const char *done)
{
    struct buf to;
    buf_init(&to, 0);
    buf_printf(&to, "/%s/%s?done=%s", plural, r->rec->ref, done);
    resp_redirect(r, w, buf_str(&to));
    buf_free(&to);
}

static int finish(struct req *r, struct resp *w, int rc, struct err *e, const char *plural,
                  const char *done)
{
    if (rc) {
        web_show_record(r, w, e);
    } else {
        back(r, w, plural, done);
    }
    return 0;
}

/* POST /incidents/:id/note — kind, text (untrusted); who is the session. */
int page_inc_note(struct req *r, struct resp *w)
{
    struct err e = {0};
    int rc = app_incident_note(r->app, r->rec->ref, kv_get(&r->form, "kind"),
                               kv_get(&r->form, "text"), &e);
    return finish(r, w, rc, &e, "incidents", "noted");
}

/* POST /incidents/:id/notified — duty, at, note (untrusted). */
int page_inc_notified(struct req *r, struct resp *w)
{
    struct err e = {0};
    int rc = app_incident_notified(r->app, r->rec->ref, kv_get(&r->form, "duty"),
                                   kv_get(&r->form, "at"), kv_get(&r->form, "note"), &e);
    return finish(r, w, rc, &e, "incidents", "notified");
}

/* POST /incidents/:id/raise-nc */
int page_inc_raise_nc(struct req *r, struct resp *w)
{
    struct err e = {0};
    char *nc = NULL;
    int rc = app_incident_raise_nc(r->app, r->rec->ref, &nc, &e);
    free(nc);
    return finish(r, w, rc, &e, "incidents", "inc-nc-raised");
}

/* POST /exceptions/:id/approve — rationale (untrusted); the signer is the
 * session's account. */
int page_exc_approve(struct req *r, struct resp *w)
{
    struct err e = {0};
    const char *why = kv_get(&r->form, "rationale");
    int rc = app_exception_approve(r->app, r->rec->ref, why && *why ? why : NULL, &e);
    return finish(r, w, rc, &e, "exceptions", "approved");
}

static void hours_cell(struct buf *b, double h)
{
    html_lit(b, "<td class=\"num\">");
    if (h < 0) {
        html_lit(b, "<span class=\"muted\">—</span>");
    } else {
        char t[32];
        snprintf(t, sizeof t, "%g", h);
        html_text(b, t);
    }
    html_lit(b, "</td>");
}

/* GET /continuity/needs — the recovery objectives every asset must meet. */
int page_bcp_needs(struct req *r, struct resp *w)
{
    struct err e = {0};
    struct continuity_needs l;
    if (app_continuity_needs(r->app, &l, &e)) {
        resp_error(r, w, &e);
        return 0;
    }
    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, "Recovery objectives per asset");
    web_crumbs(r, &b, "/continuity", "Continuity plans", "Recovery objectives");
    html_lit(&b, "<h1>Recovery objectives per asset</h1><p class=\"lede\">The strictest "
                 "objectives of the continuity plans covering a service each asset supports "
                 "(the service itself or anything it depends on).</p><div class=\"table-wrap\">"
                 "<table><thead><tr><th scope=\"col\">Asset</th><th scope=\"col\">Kind</th>"
                 "<th scope=\"col\">For service</th><th scope=\"col\">RTO (h)</th>"
                 "<th scope=\"col\">RPO (h)</th><th scope=\"col\">MTD (h)</th>"
                 "<th scope=\"col\">RTO from</th></tr></thead><tbody>");
    for (size_t i = 0; i < l.n; i++) {
        const struct continuity_need *n = &l.v[i];
        html_lit(&b, "<tr><td>");
        web_ref_link(r, &b, n->asset, n->name);
        html_lit(&b, "</td><td>");
        html_text(&b, n->kind);
        html_lit(&b, "</td><td>");
        web_ref_link(r, &b, n->service, n->service);
        html_lit(&b, "</td>");
        hours_cell(&b, n->rto);
        hours_cell(&b, n->rpo);
        hours_cell(&b, n->mtd);
        html_lit(&b, "<td>");
        if (n->rto_from[0]) {
            web_ref_link(r, &b, n->rto_from, n->rto_from);
        }
        html_lit(&b, "</td></tr>");
    }
    if (!l.n) {
        html_lit(&b, "<tr><td colspan=\"7\" class=\"muted\">No plan covers a service yet.</td>"
                     "</tr>");
    }
    html_lit(&b, "</tbody></table></div>");
    continuity_needs_free(&l);
    page_end(r, &b);
    page_send(w, &b, 200);
    return 0;
}
