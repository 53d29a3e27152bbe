/* page_suppliers.c — supplier review schedule, questionnaires (the public
 * answer page /q/TOKEN among them), access reviews. Thin: parse, call
 * src/app/suppliers.c, render through html.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/suppliers.h"
#include "../http/throttle.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "web.h"

static const char *nz_(const char *s)
{
    return s ? s : "";
}

static void sodium_memzero_(char *s)
{
    if (s) {
        memset(s, 0, strlen(s));
    }
}

/* GET /suppliers/reviews */
int page_supplier_reviews(struct req *r, struct resp *w)
{
    struct err e = {0};
    struct supplier_dues d;
    if (app_supplier_schedule(r->app, NULL, &d, &e)) {
        resp_error(r, w, &e);
        return 0;
    }
    int only = web_query(r, "overdue") != NULL;
    long overdue = 0;
    for (size_t i = 0; i < d.n; i++) {
        overdue += d.v[i].overdue;
    }
    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, "Supplier reviews");
    web_crumbs(r, &b, "/suppliers", "Suppliers", "Reviews");
    html_lit(&b, "<h1>Supplier reviews</h1><p class=\"lede\">");
    html_text(&b, supplier_interval_rule);
    html_lit(&b, "</p><p>");
    html_int(&b, (int64_t)d.n);
    html_lit(&b, " suppliers, ");
    html_int(&b, overdue);
    html_lit(&b, " overdue. <a href=\"");
    href(r, &b, only ? "/suppliers/reviews" : "/suppliers/reviews?overdue=1");
    html_lit(&b, "\">");
    html_text(&b, only ? "Show all" : "Show overdue only");
    html_lit(&b, "</a></p><div class=\"table-wrap\"><table><thead><tr>"
                 "<th scope=\"col\">Supplier</th><th scope=\"col\">Criticality</th>"
                 "<th scope=\"col\">Interval</th><th scope=\"col\">Last assessment</th>"
                 "<th scope=\"col\">Result</th><th scope=\"col\">Next review</th>"
                 "</tr></thead><tbody>");
    for (size_t i = 0; i < d.n; i++) {
        const struct supplier_due *s = &d.v[i];
        if (only && !s->overdue) {
            continue;
        }
        html_lit(&b, "<tr><td>");
        web_ref_link(r, &b, s->ref, s->name);
        html_lit(&b, "</td><td>");
        html_text(&b, s->criticality[0] ? s->criticality : "not set");
        html_lit(&b, "</td><td>");
        html_int(&b, s->months);
        html_lit(&b, " months</td><td>");
        if (s->last_ref[0]) {
            web_ref_link(r, &b, s->last_ref, s->last);
        } else {
            html_text(&b, s->last[0] ? s->last : "never");
        }
        html_lit(&b, "</td><td>");
        html_text(&b, s->last_result);
        html_lit(&b, "</td><td>");
        html_text(&b, s->next);
        if (s->overdue) {
            html_lit(&b, " <span class=\"tag bad\">overdue</span>");
        }
        html_lit(&b, "</td></tr>");
    }
    html_lit(&b, "</tbody></table></div>");
    supplier_dues_free(&d);
    page_end(r, &b);
    page_send(w, &b, 200);
    return 0;
}

/* ---- the public questionnaire page: /q/TOKEN ----------------------------------
 * It needs no account and reaches nothing else: its own frame (no header,
 * navigation or link of any kind), no cookie, only the questions of the one
 * questionnaire the token names. Attempts are throttled per address with
 * the sign-in throttle (throttle.h), keyed by the token given: unknown
 * tokens count as failures, so guessing backs off. */

static void q_begin(struct req *r, struct buf *b, const char *title)
{
    html_lit(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                "<meta name=\"robots\" content=\"noindex\"><title>");
    html_text(b, title);
    html_lit(b, "</title><link rel=\"stylesheet\" href=\"");
    href(r, b, "/static/style.css");
    html_lit(b, "\"></head><body><main id=\"main\" class=\"public-q\">");
}

static void q_end(struct buf *b)
{
    html_lit(b, "</main></body></html>\n");
}

static void q_message(struct req *r, struct resp *w, const char *title, const char *msg,
                      int status)
{
    struct buf b;
    buf_init(&b, 0);
    q_begin(r, &b, title);
    html_lit(&b, "<h1>");
    html_text(&b, title);
    html_lit(&b, "</h1><p>");
    html_text(&b, msg);
    html_lit(&b, "</p>");
    q_end(&b);
    page_send(w, &b, status);
}

static void q_refusal(struct req *r, struct resp *w, const struct err *e)
{
    const char *title = e->code == ERR_NOTFOUND    ? "Link not valid"
                        : e->code == ERR_FORBIDDEN ? "Form not accepted"
                        : e->code == ERR_CONFLICT  ? "Questionnaire closed"
                                                   : "Questionnaire";
    q_message(r, w, title, e->msg, err_http_status(e->code));
}

static const char *given(struct req *r, const char *name)
{
    return r ? kv_get(&r->form, name) : NULL;
}

static void q_radio(struct buf *b, const char *name, const char *value, const char *label,
                    const char *was)
{
    html_lit(b, "<label class=\"choice\"><input type=\"radio\" name=\"");
    html_attr(b, name);
    html_lit(b, "\" value=\"");
    html_attr(b, value);
    html_lit(b, "\"");
    if (was && strcmp(was, value) == 0) {
        html_lit(b, " checked");
    }
    html_lit(b, "> ");
    html_text(b, label);
    html_lit(b, "</label>");
}

static void q_form(struct req *r, struct resp *w, const struct qform *f, const struct err *e,
                   struct req *again, int status)
{
    struct buf b;
    buf_init(&b, 0);
    q_begin(r, &b, f->title);
    html_lit(&b, "<h1>");
    html_text(&b, f->title);
    html_lit(&b, "</h1><p class=\"lede\">For ");
    html_text(&b, f->supplier_name);
    html_lit(&b, " &#8212; this link works until ");
    html_text(&b, f->expires_at);
    html_lit(&b, " (UTC) and can be answered once.</p>");
    if (f->intro[0]) {
        web_paragraphs(&b, f->intro);
    }
    if (e) {
        web_error_box(&b, e->msg);
    }
    html_lit(&b, "<form method=\"post\" action=\"");
    href(r, &b, r->path);
    html_lit(&b, "\"><input type=\"hidden\" name=\"_nonce\" value=\"");
    html_attr(&b, f->nonce);
    html_lit(&b, "\">");
    for (int k = 0; k < f->n; k++) {
        const struct qitem *q = &f->q[k];
        const char *was = given(again, q->ref);
        html_lit(&b, "<fieldset class=\"question\"><legend>");
        html_int(&b, k + 1);
        html_lit(&b, ". ");
        html_text(&b, q->text);
        html_lit(&b, "</legend>");
        if (strcmp(q->type, "yes-no") == 0) {
            q_radio(&b, q->ref, "yes", "Yes", was);
            q_radio(&b, q->ref, "no", "No", was);
        } else if (strcmp(q->type, "choice") == 0) {
            const char *p = q->choices;
            while (*p) {
                const char *bar = strchr(p, '|');
                size_t len = bar ? (size_t)(bar - p) : strlen(p);
                char opt[1004];
                while (len && *p == ' ') {
                    p++;
                    len--;
                }
                while (len && p[len - 1] == ' ') {
                    len--;
                }
                snprintf(opt, sizeof opt, "%.*s", (int)len, p);
                if (opt[0]) {
                    q_radio(&b, q->ref, opt, opt, was);
                }
                if (!bar) {
                    break;
                }
                p = bar + 1;
            }
        } else if (strcmp(q->type, "number") == 0) {
            html_lit(&b, "<input type=\"text\" inputmode=\"decimal\" name=\"");
            html_attr(&b, q->ref);
            html_lit(&b, "\" value=\"");
            html_attr(&b, was ? was : "");
            html_lit(&b, "\" aria-label=\"Answer\">");
        } else {
            html_lit(&b, "<textarea rows=\"4\" maxlength=\"2000\" name=\"");
            html_attr(&b, q->ref);
            html_lit(&b, "\" aria-label=\"Answer\">");
            html_text(&b, was ? was : "");
            html_lit(&b, "</textarea>");
        }
        html_lit(&b, "</fieldset>");
    }
    html_lit(&b, "<p><button type=\"submit\">Send the answers</button></p></form>");
    q_end(&b);
    page_send(w, &b, status);
}

/* The throttle's name for this attempt: the token as given (bounded). */
static long q_throttle(struct req *r, struct throttle_ticket *t)
{
    char name[80];
    snprintf(name, sizeof name, "questionnaire:%.60s", r->id);
    return throttle_begin(t, r->org->slug, name, r->addr, 0);
}

static int q_throttled(struct req *r, struct resp *w, long wait)
{
    w->retry_after = (int)wait;
    q_message(r, w, "Too many attempts",
              "Too many attempts from your address. Wait a few minutes and open the link again.",
              429);
    return 0;
}

/* GET /q/TOKEN */
/* The public pages run as nobody (the router sets it for every public
 * route): the token is their only authority (it reaches its
 * questionnaire's questions, read as the system in suppliers.c). */
int page_qlink(struct req *r, struct resp *w)
{
    struct throttle_ticket t;
    long wait = q_throttle(r, &t);
    if (wait > 0) {
        return q_throttled(r, w, wait);
    }
    struct err e = {0};
    struct qform f;
    if (app_qlink_open(r->app, r->id, &f, &e)) {
        throttle_end(&t, e.code == ERR_NOTFOUND);
        qform_free(&f);
        q_refusal(r, w, &e);
        return 0;
    }
    throttle_end(&t, 0);
    q_form(r, w, &f, NULL, NULL, 200);
    qform_free(&f);
    return 0;
}

/* POST /q/TOKEN: the answers, with the link's form nonce (_nonce). */
int page_qlink_submit(struct req *r, struct resp *w)
{
    struct throttle_ticket t;
    long wait = q_throttle(r, &t);
    if (wait > 0) {
        return q_throttled(r, w, wait);
    }
    struct err e = {0};
    double score = 0;
    if (app_qlink_submit(r->app, r->id, kv_get(&r->form, "_nonce"), r->form.kv, r->form.n,
                         &score, &e) == 0) {
        throttle_end(&t, 0);
        q_message(r, w, "Thank you",
                  "Your answers were recorded. You can close this page; the link no longer "
                  "opens the questionnaire.",
                  200);
        return 0;
    }
    throttle_end(&t, e.code == ERR_NOTFOUND || e.code == ERR_FORBIDDEN);
    if (e.code == ERR_INVALID) {
        struct qform f;
        struct err e2 = {0};
        if (app_qlink_open(r->app, r->id, &f, &e2) == 0) {
            q_form(r, w, &f, &e, r, 422);
            qform_free(&f);
            return 0;
        }
        qform_free(&f);
    }
    q_refusal(r, w, &e);
    return 0;
}

/* GET /questionnaires/:id/answers */
int page_questionnaire_answers(struct req *r, struct resp *w)
{
    struct err e = {0};
    struct qform f;
    if (app_questionnaire_answers(r->app, r->rec->ref, &f, &e)) {
        qform_free(&f);
        resp_error(r, w, &e);
        return 0;
    }
    char title[260], path[64];
    snprintf(title, sizeof title, "%.200s: answers", f.title);
    snprintf(path, sizeof path, "/questionnaires/%s", f.questionnaire);
    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, title);
    web_crumbs(r, &b, path, f.questionnaire, "Answers");
    html_lit(&b, "<h1>");
    html_text(&b, title);
    html_lit(&b, "</h1><p class=\"lede\">");
    web_ref_link(r, &b, f.supplier, f.supplier_name);
    if (!f.completed) {
        html_lit(&b, ": not answered yet; the link expires ");
        html_text(&b, f.expires_at);
        html_lit(&b, ".</p>");
    } else {
        char s[96];
        snprintf(s, sizeof s, ": answered %.10s; %.1f of %.1f points (%.1f %%).", f.completed_at,
                 f.score, f.max_score, f.max_score > 0 ? f.score * 100.0 / f.max_score : 0.0);
        html_text(&b, s);
        html_lit(&b, "</p><p>Scoring: yes/no earns its weight for the expected answer; a choice "
                     "earns a share of it by rank (the first choice all, the last none); a "
                     "number earns it when at least the minimum; text is not scored. Follow-ups: "
                     "edit the questionnaire (follow-up, risks).</p>");
        html_lit(&b, "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">Question"
                     "</th><th scope=\"col\">Answer</th><th scope=\"col\">Points</th></tr>"
                     "</thead><tbody>");
        for (int k = 0; k < f.n; k++) {
            char pts[64];
            snprintf(pts, sizeof pts, "%.1f / %.1f", f.q[k].points, f.q[k].max_points);
            html_lit(&b, "<tr><td>");
            html_text(&b, f.q[k].text);
            html_lit(&b, "</td><td>");
            html_text(&b, f.q[k].answer);
            html_lit(&b, "</td><td>");
            html_text(&b, pts);
            html_lit(&b, "</td></tr>");
        }
        html_lit(&b, "</tbody></table></div>");
    }
    qform_free(&f);
    page_end(r, &b);
    page_send(w, &b, 200);
    return 0;
}

static void refs_links(struct req *r, struct buf *b, const char *list)
{
    char tmp[400];
    strlcpy_(tmp, list, sizeof tmp);
    int first = 1;
    for (char *save = NULL, *p = strtok_r(tmp, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
        if (!first) {
            html_lit(b, ", ");
        }
        first = 0;
        web_ref_titled(r, b, p);
    }
}

/* GET /processing/register */
int page_privacy_register(struct req *r, struct resp *w)
{
    struct err e = {0};
    struct privacy_register p;
    if (app_privacy_register(r->app, &p, &e)) {
        resp_error(r, w, &e);
        return 0;
    }
    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, "Privacy register");
    web_crumbs(r, &b, "/processing", "Processing activities", "Register");
    html_lit(&b, "<h1>Privacy register</h1><p class=\"lede\">");
    html_int(&b, (int64_t)p.n);
    html_lit(&b, " processing activities. A DPIA is expected where special categories are "
                 "processed or personal data leave the EEA: ");
    html_int(&b, p.needing);
    html_lit(&b, " expected, ");
    html_int(&b, p.missing);
    html_lit(&b, " without a complete DPIA.</p><div class=\"table-wrap\"><table><thead><tr>"
                 "<th scope=\"col\">Activity</th><th scope=\"col\">Legal basis</th>"
                 "<th scope=\"col\">Retention</th><th scope=\"col\">Processors</th>"
                 "<th scope=\"col\">Systems</th><th scope=\"col\">DPIA</th></tr></thead><tbody>");
    for (size_t i = 0; i < p.n; i++) {
        const struct privacy_row *x = &p.v[i];
        html_lit(&b, "<tr><td>");
        web_ref_link(r, &b, x->ref, x->name);
        html_lit(&b, "</td><td>");
        html_text(&b, x->legal_basis);
        html_lit(&b, "</td><td>");
        html_text(&b, x->retention);
        html_lit(&b, "</td><td>");
        refs_links(r, &b, x->processors);
        html_lit(&b, "</td><td>");
        refs_links(r, &b, x->systems);
        html_lit(&b, "</td><td>");
        if (x->dpia[0]) {
            web_ref_link(r, &b, x->dpia, x->dpia);
            html_lit(&b, " ");
            html_text(&b, x->dpia_status);
            if (x->dpia_decision[0]) {
                html_lit(&b, ": ");
                html_text(&b, x->dpia_decision);
            }
        }
        if (x->dpia_missing) {
            html_lit(&b, " <span class=\"tag bad\">DPIA missing</span>");
        } else if (x->against_decision) {
            html_lit(&b, " <span class=\"tag bad\">active against the DPIA decision</span>");
        }
        html_lit(&b, "</td></tr>");
    }
    html_lit(&b, "</tbody></table></div>");
    privacy_register_free(&p);
    page_end(r, &b);
    page_send(w, &b, 200);
    return 0;
}

/* ---- access reviews ------------------------------------------------------------------- */

static void campaign_page(struct req *r, struct resp *w, const char *ref, const struct err *fail,
                          int status)
{
    struct err e = {0};
    struct areview_status s;
    if (app_areview_status(r->app, ref, &s, &e)) {
        resp_error(r, w, &e);
        return;
    }
    const struct rtype *t = rtype_find("aaccount");
    struct query q;
    memset(&q, 0, sizeof q);
    q.nfilter = 1;
    q.filter_field[0] = rtype_field(t, "campaign", NULL);
    q.filter_value[0] = s.ref;
    q.sort = rtype_field(t, "group_name", NULL);
    struct records l = {0};
    if (store_list(r->app->st, &r->app->who, t, &q, records_add, &l, &e)) {
        records_free(&l);
        resp_error(r, w, &e);
        return;
    }
    char title[260], path[64];
    snprintf(title, sizeof title, "Access review %.200s", s.title);
    snprintf(path, sizeof path, "/areviews/%s", s.ref);
    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, title);
    web_crumbs(r, &b, path, s.ref, "Decisions");
    html_lit(&b, "<h1>");
    html_text(&b, title);
    html_lit(&b, "</h1>");
    web_notice(r, &b);
    if (fail) {
        web_error_box(&b, fail->msg);
    }
    html_lit(&b, "<p class=\"lede\">System ");
    web_ref_titled(r, &b, s.system);
    html_lit(&b, ", due ");
    html_text(&b, s.due);
    html_lit(&b, ": ");
    html_int(&b, s.decided);
    html_lit(&b, " of ");
    html_int(&b, s.total);
    html_lit(&b, " accounts decided (keep ");
    html_int(&b, s.keep);
    html_lit(&b, ", change ");
    html_int(&b, s.change);
    html_lit(&b, ", revoke ");
    html_int(&b, s.revoke);
    html_lit(&b, "; ");
    html_int(&b, s.revoke_open);
    html_lit(&b, " revocations still to carry out).");
    if (s.complete) {
        html_lit(&b, " <span class=\"tag good\">complete</span>");
    } else if (s.overdue) {
        html_lit(&b, " <span class=\"tag bad\">overdue</span>");
    }
    html_lit(&b, "</p><p>The decider is the signed-in account: the reviewer named for the "
                 "account's group, or the review's owner.</p>");
    html_lit(&b, "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">Account</th>"
                 "<th scope=\"col\">Access</th><th scope=\"col\">Group</th>"
                 "<th scope=\"col\">Reviewer</th><th scope=\"col\">Decision</th></tr></thead>"
                 "<tbody>");
    for (size_t i = 0; i < l.n; i++) {
        const struct record *a = l.v[i];
        const char *d = record_get(a, "decision");
        html_lit(&b, "<tr><td>");
        web_ref_link(r, &b, a->ref, nz_(record_get(a, "account")));
        html_lit(&b, "</td><td>");
        html_text(&b, nz_(record_get(a, "access")));
        html_lit(&b, "</td><td>");
        html_text(&b, nz_(record_get(a, "group_name")));
        html_lit(&b, "</td><td>");
        if (record_get(a, "reviewer")) {
            web_ref_titled(r, &b, record_get(a, "reviewer"));
        }
        html_lit(&b, "</td><td>");
        if (d && strcmp(d, "pending") != 0) {
            html_text(&b, d);
            html_lit(&b, " by ");
            html_text(&b, nz_(record_get(a, "decided_by")));
            if (record_get(a, "comment")) {
                html_lit(&b, ": ");
                html_text(&b, record_get(a, "comment"));
            }
        } else if (web_may_sign(r)) {
            char act[80];
            snprintf(act, sizeof act, "/aaccounts/%s/decide", a->ref);
            html_lit(&b, "<form method=\"post\" class=\"inline\" action=\"");
            href(r, &b, act);
            html_lit(&b, "\">");
            csrf_field(r, &b);
            html_lit(&b, "<select name=\"decision\" aria-label=\"Decision\">"
                         "<option value=\"keep\">keep</option>"
                         "<option value=\"change\">change</option>"
                         "<option value=\"revoke\">revoke</option></select> "
                         "<input type=\"text\" name=\"comment\" maxlength=\"2000\" "
                         "aria-label=\"Comment\" placeholder=\"comment\"> "
                         "<button type=\"submit\">Decide</button></form>");
        }
        html_lit(&b, "</td></tr>");
    }
    html_lit(&b, "</tbody></table></div>");
    records_free(&l);
    char imp[80];
    snprintf(imp, sizeof imp, "/areviews/%s/import", s.ref);
    int owns = s.owner[0] && r->auth.person[0] && strcmp(s.owner, r->auth.person) == 0;
    if (web_may(r, PERM_EDIT, rtype_find("areview"), owns)) {
        html_lit(&b, "<h2>Add accounts (CSV)</h2><form method=\"post\" action=\"");
        href(r, &b, imp);
        html_lit(&b, "\">");
        csrf_field(r, &b);
        html_lit(&b, "<label for=\"csv\">Columns account, access, group, reviewer (a person "
                     "identifier); all rows or none</label><textarea id=\"csv\" name=\"csv\" "
                     "rows=\"6\">account,access,group,reviewer\n</textarea>"
                     "<p><button type=\"submit\">Add accounts</button></p></form>");
    }
    page_end(r, &b);
    page_send(w, &b, status);
}

/* GET /areviews/:id/campaign */
int page_areview_campaign(struct req *r, struct resp *w)
{
    campaign_page(r, w, r->rec->ref, NULL, 200);
    return 0;
}

/* POST /areviews/:id/import — csv (untrusted text) */
int page_areview_import(struct req *r, struct resp *w)
{
    struct err e = {0};
    const char *csv = kv_get(&r->form, "csv");
    long added = 0;
    if (app_areview_import(r->app, r->rec->ref, csv ? csv : "", csv ? strlen(csv) : 0, &added,
                           &e)) {
        campaign_page(r, w, r->rec->ref, &e, err_http_status(e.code));
        return 0;
    }
    char path[96];
    snprintf(path, sizeof path, "/areviews/%s/campaign?done=created", r->rec->ref);
    resp_redirect(r, w, path);
    return 0;
}

/* POST /aaccounts/:id/decide — decision, comment; the decider is the session */
int page_access_decide(struct req *r, struct resp *w)
{
    struct err e = {0};
    char campaign[40];
    strlcpy_(campaign, nz_(record_get(r->rec, "campaign")), sizeof campaign);
    if (app_access_decide(r->app, r->rec->ref, kv_get(&r->form, "decision"),
                          kv_get(&r->form, "comment"), &e)) {
        campaign_page(r, w, campaign, &e, err_http_status(e.code));
        return 0;
    }
    char path[96];
    snprintf(path, sizeof path, "/areviews/%s/campaign?done=saved", campaign);
    resp_redirect(r, w, path);
    return 0;
}

/* POST /suppliers/:id/questionnaires — template, contact, days: sends a
 * questionnaire and shows its link once (an answer page, not a redirect:
 * the token is never stored, so it cannot be shown again). */
int page_questionnaire_send(struct req *r, struct resp *w)
{
    struct err e = {0};
    const char *days_s = kv_get(&r->form, "days");
    int64_t days = 0;
    if (days_s && *days_s && (int_parse(days_s, &days) || days < 1 || days > 90)) {
        err_set(&e, ERR_INVALID, "days", "days: a whole number of days from 1 to 90");
        resp_error(r, w, &e);
        return 0;
    }
    char *ref = NULL, *token = NULL;
    if (app_questionnaire_send(r->app, r->rec->ref, kv_get(&r->form, "template"),
                               kv_get(&r->form, "contact"), (int)days, &ref, &token, &e)) {
        resp_error(r, w, &e);
        return 0;
    }
    char link[128];
    snprintf(link, sizeof link, "/q/%s", token);
    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, "Questionnaire sent");
    web_crumbs(r, &b, "/questionnaires", "Supplier questionnaires", ref);
    html_lit(&b, "<h1>Questionnaire ");
    html_text(&b, ref);
    html_lit(&b, " ready to send</h1><p>Send this address to the supplier's contact. It is "
                 "shown only now (only its hash is stored); it needs no account and opens only "
                 "this questionnaire:</p><p><code>");
    const char *host = r->header(r, "Host");
    if (host) {
        html_text(&b, host);
    }
    html_attr(&b, r->org ? r->org->prefix : "");
    html_text(&b, link);
    html_lit(&b, "</code></p><p>");
    web_ref_link(r, &b, ref, "The questionnaire's record");
    html_lit(&b, "</p>");
    sodium_memzero_(token);
    free(token);
    free(ref);
    page_end(r, &b);
    page_send(w, &b, 201);
    return 0;
}

void web_supplier_send_form(struct req *r, struct buf *b, const struct record *rec)
{
    char act[96];
    snprintf(act, sizeof act, "/suppliers/%s/questionnaires", rec->ref);
    html_lit(b, "<section><h2>Send a questionnaire</h2><form method=\"post\" action=\"");
    href(r, b, act);
    html_lit(b, "\">");
    csrf_field(r, b);
    html_lit(b, "<label for=\"q-template\">Template (QT-...)</label><input id=\"q-template\" "
                "name=\"template\" required maxlength=\"40\"><label for=\"q-contact\">Contact"
                "</label><input id=\"q-contact\" name=\"contact\" maxlength=\"200\">"
                "<label for=\"q-days\">Link valid for (days, 1-90)</label><input id=\"q-days\" "
                "name=\"days\" inputmode=\"numeric\" value=\"14\"><p><button type=\"submit\">"
                "Make the link</button></p></form></section>");
}
