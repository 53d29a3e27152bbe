/* page_people.c — roles and responsibilities (the RACI matrix at /raci,
 * the records without an owner at /owners/missing), competence gaps
 * (/competence/gaps), awareness completion (/campaigns/ID/completion,
 * attendance confirmed by the signed-in account) and the dashboard's
 * awareness block. Thin: every figure comes from src/app/people.c; every
 * value is escaped by the html_* appenders. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/people.h"
#include "../http/http.h"
#include "../lib/html.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "web.h"

static void error_status(const struct err *e, int *status)
{
    switch (e->code) {
    case ERR_NOTFOUND: *status = 404; break;
    case ERR_CONFLICT: *status = 409; break;
    case ERR_FORBIDDEN: *status = 403; break;
    default: *status = 422; break;
    }
}

/* ---- /raci ------------------------------------------------------------------- */

static void raci_page(struct req *r, struct resp *w, const char *error, int status)
{
    struct err e = {0};
    struct raci m;
    if (app_raci(r->app, &m, &e)) {
        resp_error(r, w, &e);
        return;
    }
    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, "Roles and responsibilities (RACI)");
    web_crumbs(r, &b, NULL, NULL, "RACI");
    html_lit(&b, "<h1>Roles and responsibilities (RACI)</h1><p class=\"lede\">Who is "
                 "<b>R</b>esponsible, <b>A</b>ccountable, <b>C</b>onsulted and <b>I</b>nformed "
                 "for each process and applicable control (5.3). One party is accountable for "
                 "each.</p>");
    web_notice(r, &b);
    if (error) {
        web_error_box(&b, error);
    }
    html_lit(&b, "<div class=\"table-wrap\"><table class=\"raci\"><thead><tr><th scope=\"col\">"
                 "Process or control</th><th scope=\"col\">Owner</th>");
    for (size_t j = 0; j < m.ncols; j++) {
        html_lit(&b, "<th scope=\"col\"><a href=\"");
        web_ref_href(r, &b, m.cols[j].party);
        html_lit(&b, "\">");
        html_text(&b, m.cols[j].name);
        html_lit(&b, "</a></th>");
    }
    html_lit(&b, "<th scope=\"col\">Check</th></tr></thead><tbody>");
    for (size_t i = 0; i < m.nrows; i++) {
        const struct raci_row *row = &m.rows[i];
        html_lit(&b, "<tr><th scope=\"row\">");
        web_ref_link(r, &b, row->subject, row->subject);
        html_lit(&b, " ");
        html_text(&b, row->title);
        html_lit(&b, "</th><td>");
        if (row->owner[0]) {
            web_ref_link(r, &b, row->owner, row->owner);
        } else {
            html_lit(&b, "<span class=\"tag bad\">no owner</span>");
        }
        html_lit(&b, "</td>");
        for (size_t j = 0; j < m.ncols; j++) {
            char l[2] = {row->cells[j] == ' ' ? 0 : row->cells[j], 0};
            html_lit(&b, "<td>");
            html_text(&b, l);
            html_lit(&b, "</td>");
        }
        html_lit(&b, "<td>");
        if (row->accountable == 0 && row->owner[0]) {
            html_lit(&b, "<span class=\"muted\">owner accountable</span>");
        } else if (row->accountable == 0) {
            html_lit(&b, "<span class=\"tag warn\">nobody accountable</span>");
        } else if (row->accountable > 1) {
            html_lit(&b, "<span class=\"tag bad\">more than one accountable</span>");
        }
        html_lit(&b, "</td></tr>");
    }
    html_lit(&b, "</tbody></table></div>");
    if (web_may(r, PERM_CREATE, rtype_find("responsibility"), -1)) {
        html_lit(&b, "<h2>Assign</h2><form method=\"post\" action=\"");
        href(r, &b, "/raci");
        html_lit(&b, "\">");
        csrf_field(r, &b);
        html_lit(&b, "<label>Process or control <input name=\"subject\" required "
                     "placeholder=\"PRC-0001 or 5.2\"></label> <label>Role or person <input "
                     "name=\"party\" required placeholder=\"ROLE-0001 or P-0001\"></label> "
                     "<label>Letter <select name=\"raci\"><option>R</option><option>A</option>"
                     "<option>C</option><option>I</option><option value=\"none\">none (remove)"
                     "</option></select></label> <button>Set</button></form>");
    }
    raci_free(&m);
    page_end(r, &b);
    page_send(w, &b, status);
}

int page_raci(struct req *r, struct resp *w)
{
    raci_page(r, w, NULL, 200);
    return 0;
}

int page_raci_set(struct req *r, struct resp *w)
{
    struct err e = {0};
    int changed = 0;
    if (app_raci_set(r->app, kv_get(&r->form, "subject"), kv_get(&r->form, "party"),
                     kv_get(&r->form, "raci"), &changed, &e)) {
        int status;
        error_status(&e, &status);
        raci_page(r, w, e.msg, status);
        return 0;
    }
    resp_redirect(r, w, changed ? "/raci?done=saved" : "/raci?done=unchanged");
    return 0;
}

/* ---- /owners/missing ------------------------------------------------------------ */

int page_owners_missing(struct req *r, struct resp *w)
{
    struct err e = {0};
    struct owner_gaps g;
    if (app_owners_missing(r->app, &g, &e)) {
        resp_error(r, w, &e);
        return 0;
    }
    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, "Records without an owner");
    web_crumbs(r, &b, "/raci", "RACI", "Without an owner");
    html_lit(&b, "<h1>Records without an owner</h1><p class=\"lede\">Every document, process, "
                 "supplier and other record a person is accountable for needs an owner who is "
                 "still here; so does every applicable control before the Statement of "
                 "Applicability is approved.</p>");
    if (!g.n) {
        html_lit(&b, "<p>Every record that needs an owner has one.</p>");
    } else {
        html_lit(&b, "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">Record</th>"
                     "<th scope=\"col\">Type</th><th scope=\"col\">Title</th><th scope=\"col\">"
                     "Why</th></tr></thead><tbody>");
        for (size_t i = 0; i < g.n; i++) {
            html_lit(&b, "<tr><td><a href=\"");
            href(r, &b, g.v[i].link);
            html_lit(&b, "\">");
            html_text(&b, g.v[i].ref);
            html_lit(&b, "</a></td><td>");
            html_text(&b, g.v[i].type);
            html_lit(&b, "</td><td>");
            html_text(&b, g.v[i].title);
            html_lit(&b, "</td><td>");
            html_text(&b, g.v[i].reason);
            html_lit(&b, "</td></tr>");
        }
        html_lit(&b, "</tbody></table></div>");
    }
    owner_gaps_free(&g);
    page_end(r, &b);
    page_send(w, &b, 200);
    return 0;
}

/* ---- /competence/gaps ---------------------------------------------------------- */

int page_competence_gaps(struct req *r, struct resp *w)
{
    struct err e = {0};
    const char *role = web_query(r, "role"), *person = web_query(r, "person");
    role = role && *role ? role : NULL;
    person = person && *person ? person : NULL;
    struct comp_gaps g;
    if (app_competence_gaps(r->app, role, person, NULL, &g, &e)) {
        resp_error(r, w, &e);
        return 0;
    }
    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, "Competence");
    web_crumbs(r, &b, NULL, NULL, "Competence");
    html_lit(&b, "<h1>Competence</h1><p class=\"lede\">Each requirement of each role, for each "
                 "holder: <b>met</b> by valid evidence, <b>expiring</b> within ");
    html_int(&b, COMPETENCE_LEAD_DAYS);
    html_lit(&b, " days, or <b>missing</b> (none, or expired) (7.2).</p>");
    if (role || person) {
        html_lit(&b, "<p>Showing ");
        web_ref_titled(r, &b, role ? role : person);
        html_lit(&b, " &middot; <a href=\"");
        href(r, &b, "/competence/gaps");
        html_lit(&b, "\">everyone</a></p>");
    }
    html_lit(&b, "<p><span class=\"tag\">met ");
    html_int(&b, g.met);
    html_lit(&b, "</span> <span class=\"tag warn\">expiring ");
    html_int(&b, g.expiring);
    html_lit(&b, "</span> <span class=\"tag bad\">missing ");
    html_int(&b, g.missing);
    html_lit(&b, "</span></p><div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">"
                 "Role</th><th scope=\"col\">Person</th><th scope=\"col\">Requirement</th>"
                 "<th scope=\"col\">Evidenced by</th><th scope=\"col\">State</th><th "
                 "scope=\"col\">Evidence</th></tr></thead><tbody>");
    size_t shown = 0;
    for (size_t i = 0; i < g.n && shown < 2000; i++, shown++) {
        const struct comp_item *it = &g.v[i];
        html_lit(&b, "<tr><td><a href=\"");
        href(r, &b, "/competence/gaps?role=");
        html_url(&b, it->role);
        html_lit(&b, "\">");
        html_text(&b, it->role_name);
        html_lit(&b, "</a></td><td><a href=\"");
        href(r, &b, "/competence/gaps?person=");
        html_url(&b, it->person);
        html_lit(&b, "\">");
        html_text(&b, it->person_name);
        html_lit(&b, "</a></td><td>");
        html_text(&b, it->title);
        html_lit(&b, "</td><td>");
        html_text(&b, it->evidenced_by);
        html_lit(&b, "</td><td>");
        if (it->state == COMP_MET) {
            html_lit(&b, "<span class=\"tag\">met</span>");
        } else if (it->state == COMP_EXPIRING) {
            html_lit(&b, "<span class=\"tag warn\">expiring</span>");
        } else {
            html_lit(&b, "<span class=\"tag bad\">");
            html_text(&b, it->expired ? "expired" : "missing");
            html_lit(&b, "</span>");
        }
        html_lit(&b, "</td><td>");
        if (it->evidence[0]) {
            web_ref_link(r, &b, it->evidence, it->evidence);
        }
        if (it->expires[0]) {
            html_lit(&b, " until ");
            html_text(&b, it->expires);
        }
        html_lit(&b, "</td></tr>");
    }
    html_lit(&b, "</tbody></table></div>");
    if (g.n > shown) {
        html_lit(&b, "<p>");
        html_int(&b, (int64_t)(g.n - shown));
        html_lit(&b, " more: choose a role or a person.</p>");
    }
    comp_gaps_free(&g);
    page_end(r, &b);
    page_send(w, &b, 200);
    return 0;
}

/* ---- /campaigns/ID/completion, /briefings/ID/attend ------------------------------- */

static void percent(struct buf *b, long done, long people)
{
    char t[32];
    snprintf(t, sizeof t, "%.1f %%", people ? (double)(done * 1000 / people) / 10.0 : 0.0);
    html_text(b, t);
}

int page_campaign_completion(struct req *r, struct resp *w)
{
    struct err e = {0};
    struct aw_completion k;
    if (app_awareness_completion(r->app, r->rec->ref, &k, &e)) {
        resp_error(r, w, &e);
        return 0;
    }
    char path[80], title[260];
    snprintf(path, sizeof path, "/campaigns/%s", k.campaign);
    snprintf(title, sizeof title, "Completion: %.200s", k.title);
    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, title);
    web_crumbs(r, &b, path, k.campaign, "Completion");
    html_lit(&b, "<h1>");
    html_text(&b, title);
    html_lit(&b, "</h1>");
    web_notice(r, &b);
    html_lit(&b, "<p class=\"lede\">Computed from attendance at the campaign's ");
    html_int(&b, k.sessions);
    html_lit(&b, " sessions and acknowledgement of its ");
    html_int(&b, k.documents);
    html_lit(&b, " policies (their versions in force): <strong>");
    html_int(&b, k.done);
    html_lit(&b, " of ");
    html_int(&b, k.people);
    html_lit(&b, "</strong> people, ");
    percent(&b, k.done, k.people);
    if (k.due[0]) {
        html_lit(&b, "; to complete by ");
        html_text(&b, k.due);
    }
    html_lit(&b, ".</p><div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">Department"
                 "</th><th scope=\"col\">People</th><th scope=\"col\">Done</th><th scope=\"col\">"
                 "Completion</th></tr></thead><tbody>");
    for (size_t i = 0; i < k.ndept; i++) {
        html_lit(&b, "<tr><td>");
        html_text(&b, k.dept[i].department[0] ? k.dept[i].department : "(no department)");
        html_lit(&b, "</td><td>");
        html_int(&b, k.dept[i].people);
        html_lit(&b, "</td><td>");
        html_int(&b, k.dept[i].done);
        html_lit(&b, "</td><td>");
        percent(&b, k.dept[i].done, k.dept[i].people);
        html_lit(&b, "</td></tr>");
    }
    html_lit(&b, "</tbody></table></div>");
    if (k.npending) {
        html_lit(&b, "<h2>Not done yet</h2><ul>");
        for (size_t i = 0; i < k.npending && i < 500; i++) {
            html_lit(&b, "<li>");
            web_ref_link(r, &b, k.pending[i].person, k.pending[i].name);
            html_lit(&b, ": ");
            html_text(&b, k.pending[i].attended ? "attended" : "no session attended");
            html_lit(&b, ", ");
            html_text(&b, k.pending[i].acknowledged ? "policies acknowledged"
                                                    : "policies not all acknowledged");
            html_lit(&b, "</li>");
        }
        html_lit(&b, "</ul>");
    }
    html_lit(&b, "<h2>Sessions</h2><ul>");
    for (size_t i = 0; i < k.nsess; i++) {
        html_lit(&b, "<li>");
        web_ref_link(r, &b, k.sess[i].ref, k.sess[i].title);
        html_lit(&b, " ");
        html_text(&b, k.sess[i].held_on);
        if (r->app->who.person[0] && web_may_sign(r)) {
            /* recorded as the signed-in account's person, never a form field */
            html_lit(&b, " <form class=\"inline\" method=\"post\" action=\"");
            char act[80];
            snprintf(act, sizeof act, "/briefings/%s/attend", k.sess[i].ref);
            href(r, &b, act);
            html_lit(&b, "\">");
            csrf_field(r, &b);
            html_lit(&b, "<button>I attended</button></form>");
        }
        html_lit(&b, "</li>");
    }
    html_lit(&b, "</ul>");
    aw_completion_free(&k);
    page_end(r, &b);
    page_send(w, &b, 200);
    return 0;
}

/* POST /briefings/ID/attend: the signed-in account's person attended. */
int page_briefing_attend(struct req *r, struct resp *w)
{
    struct err e = {0};
    char ref[24];
    int existing = 0;
    if (app_attendance_confirm(r->app, r->rec->ref, kv_get(&r->form, "attended_on"), ref,
                               sizeof ref, &existing, &e)) {
        web_show_record(r, w, &e);
        return 0;
    }
    char to[96];
    snprintf(to, sizeof to, "/briefings/%s?done=%s", r->rec->ref,
             existing ? "unchanged" : "attended");
    resp_redirect(r, w, to);
    return 0;
}

/* ---- the dashboard's awareness block ------------------------------------------------ */

static void awareness_card(struct req *r, struct buf *b, const void *ctx)
{
    (void)ctx;
    struct err e = {0};
    long people, done, campaigns;
    if (app_awareness_overall(r->app, &people, &done, &campaigns, &e) || !campaigns) {
        return;
    }
    html_lit(b, "<section class=\"card\" aria-labelledby=\"h-awareness\"><h2 id=\"h-awareness\">"
                "Awareness</h2><p><strong>");
    percent(b, done, people);
    html_lit(b, "</strong> complete: ");
    html_int(b, done);
    html_lit(b, " of ");
    html_int(b, people);
    html_lit(b, " people across ");
    html_int(b, campaigns);
    html_lit(b, " active campaigns, computed from attendance and policy acknowledgements. "
                "<a href=\"");
    href(r, b, "/campaigns");
    html_lit(b, "\">Campaigns</a></p></section>");
}

void web_awareness_card(struct req *r, struct buf *b)
{
    if (!perm_allows(r->role, PERM_READ, rtype_find("campaign"), -1) || r->role == ROLE_STAFF) {
        return;
    }
    web_derived(r, b, "dashboard-awareness", awareness_card, NULL);
}

void web_people_panel(struct req *r, struct buf *b, const struct record *rec)
{
    const char *type = rec->type->name;
    if ((strcmp(type, "role") == 0 || strcmp(type, "person") == 0) &&
        perm_allows(r->role, PERM_READ, rtype_find("qualification"), -1) &&
        (r->role != ROLE_STAFF || strcmp(rec->ref, r->app->who.person) == 0)) {
        html_lit(b, "<p><a href=\"");
        href(r, b, type[0] == 'r' ? "/competence/gaps?role=" : "/competence/gaps?person=");
        html_url(b, rec->ref);
        html_lit(b, "\">Competence: requirements and evidence (met, expiring, missing)</a></p>");
        return;
    }
    if (strcmp(type, "campaign") == 0) {
        struct err e = {0};
        struct aw_completion k;
        if (app_awareness_completion(r->app, rec->ref, &k, &e)) {
            return;
        }
        html_lit(b, "<section aria-labelledby=\"h-completion\"><h2 id=\"h-completion\">"
                    "Completion</h2><p><strong>");
        html_int(b, k.done);
        html_lit(b, " of ");
        html_int(b, k.people);
        html_lit(b, "</strong> people (");
        percent(b, k.done, k.people);
        html_lit(b, "), computed from attendance and policy acknowledgements. <a href=\"");
        web_ref_href(r, b, rec->ref);
        html_lit(b, "/completion\">By department, and who is not done</a></p></section>");
        aw_completion_free(&k);
    } else if (strcmp(rec->type->name, "briefing") == 0 && r->app->who.person[0] &&
               web_may_sign(r) && !record_get(rec, FIELD_RETIRED) &&
               !str_empty(record_get(rec, "campaign"))) {
        const char *st = record_get(rec, FIELD_STATUS);
        if (st && strcmp(st, "cancelled") == 0) {
            return;
        }
        html_lit(b, "<form method=\"post\" action=\"");
        web_ref_href(r, b, rec->ref);
        html_lit(b, "/attend\">");
        csrf_field(r, b);
        html_lit(b, "<button>I attended this session</button> <span class=\"muted\">recorded "
                    "as you, the signed-in account</span></form>");
    }
}
