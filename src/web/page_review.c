/* page_review.c — management review (9.3) and certification pages: the
 * review pack compiled now (with the button that freezes it at the
 * meeting), each frozen pack exactly as it was with what changed since,
 * the minutes' sign-off by top management (signed by the session's
 * account), and a certificate's surveillance schedule. One renderer of the
 * typed pack (render_pack) serves the current and the frozen packs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/review.h"
#include "../lib/text.h"
#include "web.h"

static void base_of(struct req *r, char *out, size_t n, const char *rest)
{
    snprintf(out, n, "/reviews/%s%s", r->rec->ref, rest);
}

static void render_pack(struct req *r, struct buf *b, const struct review_pack *p)
{
    html_lit(b, "<p class=\"lede\">Period: ");
    if (p->previous[0]) {
        html_lit(b, "after ");
        html_text(b, p->from);
        html_lit(b, " (previous review ");
        web_ref_link(r, b, p->previous, p->previous);
        html_lit(b, ") up to ");
    } else {
        html_lit(b, "no earlier review; up to ");
    }
    html_text(b, p->to);
    html_lit(b, ".</p>");
    for (size_t i = 0; i < p->nsec; i++) {
        const struct pack_section *s = &p->sec[i];
        html_lit(b, "<section class=\"pack\"><h2>");
        html_text(b, s->clause);
        html_lit(b, " · ");
        html_text(b, s->title);
        html_lit(b, "</h2><dl class=\"fields small\">");
        for (size_t j = 0; j < s->nfig; j++) {
            html_lit(b, "<div class=\"f\"><dt>");
            html_text(b, s->fig[j].label);
            html_lit(b, "</dt><dd>");
            html_int(b, s->fig[j].value);
            html_lit(b, "</dd></div>");
        }
        html_lit(b, "</dl>");
        if (s->n) {
            html_lit(b, "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">Record"
                        "</th><th scope=\"col\">Title</th><th scope=\"col\">Status</th>"
                        "<th scope=\"col\">Owner</th><th scope=\"col\">Date</th>"
                        "<th scope=\"col\">Detail</th></tr></thead><tbody>");
            for (size_t j = 0; j < s->n; j++) {
                const struct pack_item *it = &s->items[j];
                html_lit(b, "<tr><td>");
                web_ref_link(r, b, it->id, it->id);
                html_lit(b, "</td><td>");
                html_text(b, it->title);
                html_lit(b, "</td><td><span class=\"tag\">");
                html_text(b, it->status);
                html_lit(b, "</span></td><td>");
                if (it->owner[0]) {
                    web_ref_titled(r, b, it->owner);
                }
                html_lit(b, "</td><td>");
                html_text(b, it->date);
                html_lit(b, "</td><td>");
                html_text(b, it->detail);
                html_lit(b, "</td></tr>");
            }
            html_lit(b, "</tbody></table></div>");
        } else {
            html_lit(b, "<p class=\"muted\">Nothing to report in the period.</p>");
        }
        if (s->more) {
            html_lit(b, "<p class=\"small\">… and ");
            html_int(b, s->more);
            html_lit(b, " more.</p>");
        }
        html_lit(b, "</section>");
    }
}

static void render_diff(struct buf *b, const struct pack_diff *d)
{
    if (!d->n) {
        html_lit(b, "<p>No differences: the records say what they said at the meeting.</p>");
        return;
    }
    html_lit(b, "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">Section</th>"
                "<th scope=\"col\">Record</th><th scope=\"col\">Change</th>"
                "<th scope=\"col\">What</th><th scope=\"col\">Then</th>"
                "<th scope=\"col\">Now</th></tr></thead><tbody>");
    for (size_t i = 0; i < d->n; i++) {
        const struct pack_change *c = &d->v[i];
        html_lit(b, "<tr><td>");
        html_text(b, c->section[0] ? c->section : "period");
        html_lit(b, "</td><td>");
        html_text(b, c->id);
        html_lit(b, "</td><td>");
        html_text(b, c->change);
        html_lit(b, "</td><td>");
        html_text(b, c->field);
        html_lit(b, "</td><td>");
        html_text(b, c->from);
        html_lit(b, "</td><td>");
        html_text(b, c->to);
        html_lit(b, "</td></tr>");
    }
    html_lit(b, "</tbody></table></div>");
}

static void pack_page(struct req *r, struct resp *w, const struct err *fail)
{
    struct err e = {0};
    struct review_pack p;
    if (app_review_pack(r->app, r->rec->ref, NULL, &p, &e)) {
        resp_error(r, w, &e);
        return;
    }
    char title[200], path[128];
    snprintf(title, sizeof title, "Review pack %s", r->rec->ref);
    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, title);
    base_of(r, path, sizeof path, "");
    web_crumbs(r, &b, path, r->rec->ref, "Review pack");
    html_lit(&b, "<h1>");
    html_text(&b, title);
    html_lit(&b, ": ");
    html_text(&b, p.title);
    html_lit(&b, "</h1>");
    { /* reports: the pack as PDF / printable page */
        char rp[128];
        base_of(r, rp, sizeof rp, "/print");
        html_lit(&b, "<p class=\"actions\">");
        web_report_buttons(r, &b, rp);
        html_lit(&b, "</p>");
    }
    web_notice(r, &b);
    if (fail) {
        web_error_box(&b, fail->msg);
    }
    /* frozen packs and the freeze button */
    struct versions vl;
    struct err ve = {0};
    html_lit(&b, "<section aria-labelledby=\"h-frozen\"><h2 id=\"h-frozen\">Frozen packs</h2>");
    if (app_version_list(r->app, "review-pack", r->rec->ref, &vl, &ve) == 0) {
        if (!vl.n) {
            html_lit(&b, "<p class=\"muted\">Not frozen yet.</p>");
        }
        html_lit(&b, "<ul>");
        for (size_t i = 0; i < vl.n; i++) {
            char rest[48];
            snprintf(rest, sizeof rest, "/pack/versions/%d", vl.v[i].number);
            base_of(r, path, sizeof path, rest);
            html_lit(&b, "<li><a href=\"");
            href(r, &b, path);
            html_lit(&b, "\">Version ");
            html_int(&b, vl.v[i].number);
            html_lit(&b, "</a> · ");
            html_text(&b, vl.v[i].note);
            html_lit(&b, " · ");
            web_time(&b, vl.v[i].created_at);
            html_lit(&b, " UTC</li>");
        }
        html_lit(&b, "</ul>");
        versions_free(&vl);
    }
    if (web_may(r, PERM_EDIT, r->rec->type, web_owns(r, r->rec))) {
        base_of(r, path, sizeof path, "/pack/freeze");
        html_lit(&b, "<form method=\"post\" action=\"");
        href(r, &b, path);
        html_lit(&b, "\">");
        csrf_field(r, &b);
        html_lit(&b, "<label for=\"p-note\">Note</label><input id=\"p-note\" name=\"note\" "
                     "maxlength=\"200\" value=\"presented at the meeting\"><button "
                     "type=\"submit\">Freeze the pack as presented</button></form>");
    }
    html_lit(&b, "</section>");
    /* the minutes' sign-offs and the form */
    struct signoffs so;
    struct err se = {0};
    if (app_signoffs(r->app, "review-minutes", r->rec->ref, -1, NULL, &so, &se) == 0) {
        web_signoffs(r, &b, &so, "Minutes signed by top management");
        signoffs_free(&so);
    }
    if (web_may(r, PERM_APPROVE, r->rec->type, -1)) {
        base_of(r, path, sizeof path, "/sign");
        html_lit(&b, "<section class=\"approve\" aria-labelledby=\"h-sign\"><h2 id=\"h-sign\">"
                     "Sign the minutes</h2><p class=\"muted\">Freezes the attendees, decisions, "
                     "minutes and actions as they are now and signs them as top management."
                     "</p><form method=\"post\" action=\"");
        href(r, &b, path);
        html_lit(&b, "\">");
        csrf_field(r, &b);
        web_signer_line(r, &b);
        html_lit(&b, "<label for=\"m-why\">Rationale</label><textarea id=\"m-why\" "
                     "name=\"rationale\" rows=\"2\" maxlength=\"2000\"></textarea><button "
                     "type=\"submit\">Sign the minutes</button></form></section>");
    }
    html_lit(&b, "<h2>The pack compiled now</h2>");
    render_pack(r, &b, &p);
    review_pack_free(&p);
    page_end(r, &b);
    page_send(w, &b, fail ? err_http_status(fail->code) : 200);
}

/* GET /reviews/:id/pack */
int page_review_pack(struct req *r, struct resp *w)
{
    pack_page(r, w, NULL);
    return 0;
}

/* POST /reviews/:id/pack/freeze — note (untrusted). */
int page_review_freeze(struct req *r, struct resp *w)
{
    struct err e = {0};
    int n = 0, existing = 0;
    const char *note = kv_get(&r->form, "note");
    if (app_review_freeze(r->app, r->rec->ref, note, &n, &existing, &e)) {
        pack_page(r, w, &e);
        return 0;
    }
    char path[128], rest[64];
    snprintf(rest, sizeof rest, "/pack/versions/%d?done=pack-frozen", n);
    base_of(r, path, sizeof path, rest);
    resp_redirect(r, w, path);
    return 0;
}

/* POST /reviews/:id/sign — rationale (untrusted); the signer is the
 * session's account. */
int page_review_sign(struct req *r, struct resp *w)
{
    struct err e = {0};
    int n = 0, existing = 0;
    const char *why = kv_get(&r->form, "rationale");
    if (app_review_sign(r->app, r->rec->ref, why && *why ? why : NULL, &n, &existing, &e)) {
        pack_page(r, w, &e);
        return 0;
    }
    char path[128];
    base_of(r, path, sizeof path, "/pack?done=minutes-signed");
    resp_redirect(r, w, path);
    return 0;
}

/* GET /reviews/:id/pack/versions/:n — :n untrusted. */
int page_review_pack_version(struct req *r, struct resp *w)
{
    struct err e = {0};
    int64_t n;
    if (int_parse(r->id2, &n) || n < 1 || n > 1000000) {
        err_set(&e, ERR_NOTFOUND, NULL, "no version '%.20s'", r->id2);
        resp_error(r, w, &e);
        return 0;
    }
    struct version v;
    struct review_pack was, now;
    if (app_review_pack_version(r->app, r->rec->ref, (int)n, &v, &was, &e)) {
        resp_error(r, w, &e);
        return 0;
    }
    if (app_review_pack(r->app, r->rec->ref, NULL, &now, &e)) {
        review_pack_free(&was);
        version_free(&v);
        resp_error(r, w, &e);
        return 0;
    }
    char title[200], path[128];
    snprintf(title, sizeof title, "Review pack %s, version %d", r->rec->ref, v.number);
    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, title);
    base_of(r, path, sizeof path, "/pack");
    web_crumbs(r, &b, path, "Review pack", title);
    html_lit(&b, "<h1>");
    html_text(&b, title);
    html_lit(&b, " <span class=\"tag\">");
    html_text(&b, v.state ? v.state : "frozen");
    html_lit(&b, "</span></h1>");
    web_notice(r, &b);
    html_lit(&b, "<p class=\"small\">SHA-256 <code>");
    html_text(&b, v.sha256);
    html_lit(&b, "</code> · frozen ");
    web_time(&b, v.created_at);
    html_lit(&b, " UTC by ");
    html_text(&b, v.created_by);
    html_lit(&b, "</p><h2>What changed since</h2>");
    struct pack_diff d;
    review_pack_diff(&was, &now, &d);
    render_diff(&b, &d);
    pack_diff_free(&d);
    html_lit(&b, "<h2>As presented</h2>");
    render_pack(r, &b, &was);
    review_pack_free(&was);
    review_pack_free(&now);
    version_free(&v);
    page_end(r, &b);
    page_send(w, &b, 200);
    return 0;
}

/* GET /certificates/:id/schedule */
int page_cert_schedule(struct req *r, struct resp *w)
{
    struct err e = {0};
    struct cert_schedule s;
    if (app_cert_schedule(r->app, r->rec->ref, &s, &e)) {
        resp_error(r, w, &e);
        return 0;
    }
    char today[11], title[240], path[128];
    date_today(today);
    snprintf(title, sizeof title, "Certificate %.200s: schedule", s.number);
    snprintf(path, sizeof path, "/certificates/%s", r->rec->ref);
    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, title);
    web_crumbs(r, &b, path, r->rec->ref, "Schedule");
    html_lit(&b, "<h1>");
    html_text(&b, title);
    html_lit(&b, "</h1><p class=\"lede\">");
    html_text(&b, s.body);
    html_lit(&b, ". Surveillance audits at the first and second anniversary of issue, "
                 "recertification before expiry; warnings ");
    for (int i = 0; i < s.nwarn; i++) {
        if (i) {
            html_lit(&b, ", ");
        }
        html_int(&b, s.warn[i]);
    }
    html_lit(&b, " days before each deadline.</p><div class=\"table-wrap\"><table><thead><tr>"
                 "<th scope=\"col\">Audit</th><th scope=\"col\">Due</th><th scope=\"col\">State"
                 "</th></tr></thead><tbody>");
    for (int i = 0; i < s.nd; i++) {
        const struct cert_deadline *d = &s.d[i];
        int st = cert_warn_stage(s.warn, s.nwarn, today, d->due);
        html_lit(&b, "<tr><td>");
        html_text(&b, d->what);
        html_lit(&b, "</td><td>");
        html_text(&b, d->due);
        html_lit(&b, "</td><td>");
        if (d->audit[0]) {
            html_lit(&b, "held: ");
            web_ref_link(r, &b, d->audit, d->audit);
        } else if (st < 0) {
            html_lit(&b, "<span class=\"tag bad\">overdue</span>");
        } else if (st > 0) {
            html_lit(&b, "<span class=\"tag warn\">due within ");
            html_int(&b, st);
            html_lit(&b, " days</span>");
        } else {
            html_lit(&b, "scheduled");
        }
        html_lit(&b, "</td></tr>");
    }
    html_lit(&b, "</tbody></table></div>");
    page_end(r, &b);
    page_send(w, &b, 200);
    return 0;
}
