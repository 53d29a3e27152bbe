/* page_improve.c — nonconformities, corrective actions and improvements on
 * their pages (10.1, 10.2): the 5-whys chain with its forms, the
 * corrective actions and where each stands, the effectiveness review form
 * (signed by the signed-in account, never a field), and what raised an
 * improvement. Writes only through app_nc_why and app_ca_review. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/metrics.h"
#include "../lib/hash.h"
#include "../lib/util.h"
#include "web.h"

void web_improve_panel(struct req *r, struct buf *b, const struct record *rec,
                       const struct err *e);

static int is(const struct rtype *t, const char *name)
{
    return t && strcmp(t->name, name) == 0;
}

static int same(const char *x, const char *y)
{
    return x && y && strcmp(x, y) == 0;
}

static void back(struct req *r, struct resp *w, const char *plural, const char *done)
{
    struct buf to;
    buf_init(&to, 0);
    buf_printf(&to, "/%s/", plural);
    for (const char *p = r->rec->ref; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-') {
            buf_putc(&to, *p);
        }
    }
    buf_printf(&to, "?done=%s", done);
    resp_redirect(r, w, buf_str(&to));
    buf_free(&to);
}

/* ---- nonconformities --------------------------------------------------------- */

static void whys_section(struct req *r, struct buf *b, const struct record *rec, int can_edit)
{
    struct nc_whys l;
    struct err e = {0};
    if (app_nc_whys(r->app, rec->ref, &l, &e)) {
        web_error_box(b, e.msg);
        return;
    }
    const char *root = record_get(rec, "root_cause");
    html_lit(b, "<section class=\"panel\" aria-labelledby=\"h-whys\"><h2 id=\"h-whys\">Root "
                "cause analysis: 5 whys</h2><p><span class=\"k\">Problem:</span> ");
    html_text(b, record_get(rec, "title"));
    html_lit(b, "</p>");
    if (l.n) {
        html_lit(b, "<ol class=\"whys\">");
        for (size_t i = 0; i < l.n; i++) {
            int last = i + 1 == l.n && str_empty(root);
            html_lit(b, "<li");
            if (last) {
                html_lit(b, " class=\"root\"");
            }
            html_lit(b, "><span class=\"k\">Why?</span> ");
            html_text(b, l.v[i].text);
            if (last) {
                html_lit(b, " <span class=\"tag warn\">root cause</span>");
            }
            if (can_edit) {
                html_lit(b, "<details class=\"edit-why\"><summary>Edit step ");
                html_int(b, l.v[i].position);
                html_lit(b, "</summary><form method=\"post\" action=\"");
                web_ref_href(r, b, rec->ref);
                html_lit(b, "/whys\">");
                csrf_field(r, b);
                html_lit(b, "<input type=\"hidden\" name=\"step\" value=\"");
                html_int(b, l.v[i].position);
                html_lit(b, "\"><label for=\"why-");
                html_int(b, l.v[i].position);
                html_lit(b, "\">Step ");
                html_int(b, l.v[i].position);
                html_lit(b, "</label><textarea id=\"why-");
                html_int(b, l.v[i].position);
                html_lit(b, "\" name=\"text\" rows=\"2\" maxlength=\"2000\" required>");
                html_text(b, l.v[i].text);
                html_lit(b, "</textarea><button type=\"submit\" class=\"secondary\">Save step"
                            "</button></form></details>");
            }
            html_lit(b, "</li>");
        }
        html_lit(b, "</ol>");
    } else {
        html_lit(b, "<p class=\"muted\">No step yet: start with the problem and ask "
                    "“why?” until the root cause is reached (usually five times).</p>");
    }
    if (!str_empty(root)) {
        html_lit(b, "<p><span class=\"k\">Root cause:</span> ");
        html_text(b, root);
        html_lit(b, "</p>");
    }
    if (can_edit) {
        html_lit(b, "<form method=\"post\" action=\"");
        web_ref_href(r, b, rec->ref);
        html_lit(b, "/whys\">");
        csrf_field(r, b);
        html_lit(b, "<label for=\"why-new\">Why? (step ");
        html_int(b, (int64_t)l.n + 1);
        html_lit(b, ")</label><textarea id=\"why-new\" name=\"text\" rows=\"2\" "
                    "maxlength=\"2000\" required></textarea><button type=\"submit\">Add the "
                    "answer</button></form>");
    }
    html_lit(b, "</section>");
    nc_whys_free(&l);
}

static void actions_section(struct req *r, struct buf *b, const struct record *rec)
{
    const struct rtype *t = rtype_find("corrective");
    if (!perm_allows(r->role, PERM_READ, t, -1)) {
        return;
    }
    struct query q = {0};
    q.filter_field[0] = rtype_field(t, "nonconformity", NULL);
    q.filter_value[0] = rec->ref;
    q.nfilter = 1;
    struct records l = {0};
    struct err e = {0};
    store_list(r->app->st, &r->app->who, t, &q, records_add, &l, &e);
    html_lit(b, "<section class=\"panel\" aria-labelledby=\"h-cas\"><h2 id=\"h-cas\">Corrective "
                "actions</h2>");
    if (!l.n) {
        html_lit(b, "<p class=\"muted\">None yet.</p>");
    } else {
        html_lit(b, "<ul class=\"items\">");
        for (size_t i = 0; i < l.n; i++) {
            const struct record *ca = l.v[i];
            const char *st = record_get(ca, FIELD_STATUS);
            html_lit(b, "<li>");
            web_ref_titled(r, b, ca->ref);
            html_lit(b, " <span class=\"sub\">owner ");
            html_text(b, record_get(ca, FIELD_OWNER));
            html_lit(b, ", due ");
            html_text(b, record_get(ca, "due_date") ? record_get(ca, "due_date") : "—");
            html_lit(b, "</span> ");
            if (same(st, "verified")) {
                html_lit(b, "<span class=\"tag good\">effective (reviewed)</span>");
            } else if (same(st, "done")) {
                html_lit(b, "<span class=\"tag warn\">done: awaiting effectiveness review</span>");
            } else {
                html_lit(b, "<span class=\"tag\">");
                html_text(b, st);
                html_lit(b, "</span>");
            }
            html_lit(b, "</li>");
        }
        html_lit(b, "</ul>");
    }
    if (!record_get(rec, FIELD_RETIRED) && !same(record_get(rec, FIELD_STATUS), "closed") &&
        web_may(r, PERM_CREATE, t, -1)) {
        html_lit(b, "<p><a class=\"button secondary\" href=\"");
        href(r, b, "/corrective/new");
        html_lit(b, "\">New corrective action</a></p>");
    }
    html_lit(b, "<p class=\"small muted\">Open → analysing → action planned (a root cause and "
                "an action) → verifying (every action done) → closed (every action's "
                "effectiveness reviewed by someone other than its owner).</p></section>");
    records_free(&l);
}

/* ---- corrective actions ---------------------------------------------------- */

static void review_section(struct req *r, struct buf *b, const struct record *rec,
                           const struct err *e)
{
    struct buf c;
    buf_init(&c, 0);
    struct err se = {0};
    struct signoffs l = {0};
    /* the sign-offs, current when they signed the action as it is now */
    app_ca_content(rec, &c);
    char hash[65];
    sha256_hex(c.p, c.len, hash);
    buf_free(&c);
    if (app_signoffs(r->app, "corrective", rec->ref, -1, hash, &l, &se)) {
        web_error_box(b, se.msg);
        return;
    }
    const char *st = record_get(rec, FIELD_STATUS);
    html_lit(b, "<section class=\"panel\" aria-labelledby=\"h-eff\"><h2 id=\"h-eff\">"
                "Effectiveness review</h2><p>");
    if (same(st, "verified")) {
        html_lit(b, "<span class=\"tag good\">effective</span> The review found that the "
                    "action removed the cause.");
    } else if (same(st, "done")) {
        html_lit(b, "<span class=\"tag warn\">awaiting review</span> The action is done; "
                    "someone other than its owner reviews whether it was effective before the "
                    "nonconformity can close.");
    } else {
        html_lit(b, "The effectiveness is reviewed once the action is done.");
    }
    html_lit(b, "</p>");
    web_signoffs(r, b, &l, "Reviews");
    int mine = r->auth.person[0] && same(r->auth.person, record_get(rec, FIELD_OWNER));
    if (same(st, "done") && !record_get(rec, FIELD_RETIRED) && r->role != ROLE_AUDITOR &&
        r->role != ROLE_STAFF) {
        if (mine) {
            html_lit(b, "<p class=\"muted\">You own this action, so its effectiveness is "
                        "reviewed by someone else.</p>");
        } else {
            int failed = e && r->route && strcmp(r->route->name, "page_ca_review") == 0;
            html_lit(b, "<form method=\"post\" action=\"");
            web_ref_href(r, b, rec->ref);
            html_lit(b, "/review\">");
            csrf_field(r, b);
            web_signer_line(r, b);
            html_lit(b, "<fieldset><legend>Was the action effective?</legend><label><input "
                        "type=\"radio\" name=\"effective\" value=\"yes\" checked> Yes: the cause "
                        "is removed</label> <label><input type=\"radio\" name=\"effective\" "
                        "value=\"no\"> No: back to in progress</label></fieldset><label "
                        "for=\"eff-why\">Evidence seen and conclusion <span class=\"req\">"
                        "required</span></label><textarea id=\"eff-why\" name=\"rationale\" "
                        "rows=\"3\" maxlength=\"2000\" required>");
            if (failed) {
                html_text(b, kv_get(&r->form, "rationale"));
            }
            html_lit(b, "</textarea><button type=\"submit\">Sign the effectiveness review"
                        "</button></form>");
        }
    }
    html_lit(b, "</section>");
    signoffs_free(&l);
}

void web_improve_panel(struct req *r, struct buf *b, const struct record *rec,
                       const struct err *e)
{
    const struct rtype *t = rec->type;
    int owns = web_owns(r, rec);
    int retired = record_get(rec, FIELD_RETIRED) != NULL;
    if (is(t, "nonconformity")) {
        int can_edit = !retired && !same(record_get(rec, FIELD_STATUS), "closed") &&
                       web_may(r, PERM_EDIT, t, owns);
        whys_section(r, b, rec, can_edit);
        actions_section(r, b, rec);
    } else if (is(t, "corrective")) {
        review_section(r, b, rec, e);
    } else if (is(t, "improvement")) {
        const char *by = record_get(rec, "raised_by");
        if (by) {
            html_lit(b, "<section class=\"panel\" aria-labelledby=\"h-raised\"><h2 "
                        "id=\"h-raised\">Raised by</h2><p>");
            web_ref_titled(r, b, by);
            html_lit(b, "</p></section>");
        }
    }
}

/* POST /nonconformities/:id/whys — text, step (empty: the next one). */
int page_nc_why(struct req *r, struct resp *w)
{
    struct err e = {0};
    const char *s = kv_get(&r->form, "step");
    long step = 0;
    if (s && *s) {
        char *end;
        step = strtol(s, &end, 10);
        if (*end || step < 1 || step > 100) {
            err_set(&e, ERR_INVALID, "step", "step: give the number of a step (1 to 100)");
            web_show_record(r, w, &e);
            return 0;
        }
    }
    int pos;
    if (app_nc_why(r->app, r->rec->ref, (int)step, kv_get(&r->form, "text"), &pos, &e)) {
        web_show_record(r, w, &e);
        return 0;
    }
    back(r, w, "nonconformities", "why-saved");
    return 0;
}

/* POST /corrective/:id/review — rationale, effective (yes|no). */
int page_ca_review(struct req *r, struct resp *w)
{
    struct err e = {0};
    const char *eff = kv_get(&r->form, "effective");
    if (eff && strcmp(eff, "yes") != 0 && strcmp(eff, "no") != 0) {
        err_set(&e, ERR_INVALID, "effective", "effective: yes or no");
        web_show_record(r, w, &e);
        return 0;
    }
    if (app_ca_review(r->app, r->rec->ref, !eff || strcmp(eff, "yes") == 0,
                      kv_get(&r->form, "rationale"), NULL, NULL, &e)) {
        web_show_record(r, w, &e);
        return 0;
    }
    back(r, w, "corrective", "effectiveness-reviewed");
    return 0;
}
