/* page_plan.c — GET /plan and POST /plan/approve: the treatment plan from
 * app_plan (struct plan: grouped by risk, progress, overdue, approvals) and its
 * approval through app_plan_approve. Computes no plan figures itself. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/util.h"
#include "web.h"

/* has 0: no amount (—) */
static void money(struct buf *b, int has, double v)
{
    if (!has) {
        html_lit(b, "<span class=\"muted\">—</span>");
        return;
    }
    /* 1234567.5 -> "1,234,567.50" */
    char raw[64], out[96];
    snprintf(raw, sizeof raw, "%.2f", v);
    const char *dot = strchr(raw, '.');
    size_t lead = raw[0] == '-' ? 1 : 0, ndig = (size_t)(dot - raw) - lead, k = 0;
    for (size_t i = 0; raw[i]; i++) {
        if (i > lead && raw + i < dot && (size_t)(dot - (raw + i)) % 3 == 0 && ndig > 3) {
            out[k++] = ',';
        }
        out[k++] = raw[i];
    }
    out[k] = 0;
    html_text(b, out);
}

static void person(struct req *r, struct buf *b, const char *ref)
{
    if (!ref) {
        html_lit(b, "<span class=\"muted\">—</span>");
        return;
    }
    char *t = web_ref_title(r, ref);
    web_ref_link(r, b, ref, t);
    free(t);
}

static void actions_table(struct req *r, struct buf *b, const struct plan_action *const *acts,
                          size_t n)
{
    html_lit(b, "<div class=\"table-wrap\"><table class=\"compact\"><thead><tr>"
                "<th scope=\"col\">Action</th><th scope=\"col\">Title</th>"
                "<th scope=\"col\">Owner</th><th scope=\"col\">Due</th>"
                "<th scope=\"col\">Status</th><th scope=\"col\" class=\"num\">Cost</th>"
                "<th scope=\"col\">Controls</th></tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
        const struct plan_action *a = acts[i];
        int overdue = a->overdue;
        html_lit_if(b, overdue, "<tr class=\"overdue\">", "<tr>");
        html_lit(b, "<td class=\"nowrap\">");
        web_ref_link(r, b, a->id, NULL);
        html_lit(b, "</td><td>");
        html_text(b, a->title);
        html_lit(b, "</td><td>");
        person(r, b, a->owner);
        html_lit(b, "</td><td class=\"nowrap\">");
        html_text(b, a->due_date ? a->due_date : "—");
        if (overdue) {
            html_lit(b, " <span class=\"tag bad\">overdue</span>");
        }
        html_lit(b, "</td><td class=\"nowrap\">");
        html_text(b, a->status);
        html_lit(b, "</td><td class=\"num\">");
        money(b, a->cost != NULL, a->cost_value);
        html_lit(b, "</td><td>");
        for (size_t k = 0; k < a->controls.n; k++) {
            if (k) {
                html_lit(b, ", ");
            }
            web_ref_link(r, b, a->controls.v[k], NULL);
        }
        html_lit(b, "</td></tr>");
    }
    html_lit(b, "</tbody></table></div>");
}

static void progress(struct buf *b, long long done, long long total, long long percent)
{
    html_lit(b, "<div class=\"progress\">");
    if (total) {
        html_lit(b, "<progress max=\"");
        html_int(b, total);
        html_lit(b, "\" value=\"");
        html_int(b, done);
        html_lit(b, "\">");
        html_int(b, percent);
        html_lit(b, "%</progress>");
    }
    html_lit(b, "<span>");
    html_int(b, done);
    html_lit(b, " of ");
    html_int(b, total);
    html_lit(b, " done (");
    html_int(b, percent);
    html_lit(b, "%)</span></div>");
}

static void plan_page(struct req *r, struct resp *w, const struct err *e)
{
    struct plan p;
    struct err le = {0};
    if (app_plan(r->app, &p, &le)) {
        resp_error(r, w, &le);
        return;
    }
    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, "Risk treatment plan");
    web_crumbs(r, &b, NULL, NULL, "Risk treatment plan");
    html_lit(&b, "<div class=\"page-head\"><div><h1>Risk treatment plan</h1><p class=\"lede\">"
                 "Treatment actions grouped by the risks they treat, with owners, due dates, "
                 "progress and cost (clauses 6.1.3 e and 8.3).</p></div>");
    if (web_may(r, PERM_CREATE, rtype_find("action"), -1)) {
        html_lit(&b, "<div class=\"actions\"><a class=\"button\" href=\"");
        href(r, &b, "/actions/new");
        html_lit(&b, "\">New treatment action</a></div>");
    }
    html_lit(&b, "<div class=\"actions\">"); /* reports */
    web_export_buttons(r, &b, "/plan/export");
    web_report_buttons(r, &b, "/plan/print");
    html_lit(&b, "</div></div>");
    web_notice(r, &b);

    const struct plan_totals *t = &p.totals;
    html_lit(&b, "<div class=\"summary\"><div><strong>");
    html_int(&b, t->actions);
    html_lit(&b, "</strong><span class=\"muted\">actions</span></div><div><strong>");
    html_int(&b, t->done);
    html_lit(&b, "</strong><span class=\"muted\">done</span></div><div><strong>");
    html_int(&b, t->overdue);
    html_lit(&b, "</strong><span class=\"muted\">overdue</span></div><div><strong>");
    money(&b, 1, t->cost);
    html_lit(&b, "</strong><span class=\"muted\">total cost</span></div></div>");
    progress(&b, t->done, t->actions, t->percent);

    /* approvals: do any still cover the plan as it is? */
    int current = 0;
    for (size_t i = 0; i < p.approvals.n; i++) {
        current += p.approvals.v[i].current > 0;
    }
    if (current) {
        html_lit(&b, "<p class=\"notice\">The plan as it is now is approved (");
        html_int(&b, current);
        html_lit_if(&b, current == 1, " approval).</p>", " approvals).</p>");
    } else if (p.approvals.n) {
        html_lit(&b, "<p class=\"flag\"><strong>Changed since approval.</strong> The plan needs "
                     "approval again by the risk owners and top management.</p>");
    } else {
        html_lit(&b, "<p class=\"flag\">The plan has not been approved yet.</p>");
    }

    for (size_t i = 0; i < p.nrisks; i++) {
        const struct plan_risk *risk = &p.risks[i];
        html_lit(&b, "<section class=\"risk-plan\" aria-labelledby=\"rp-");
        html_attr(&b, risk->id);
        html_lit(&b, "\"><h2 id=\"rp-");
        html_attr(&b, risk->id);
        html_lit(&b, "\">");
        web_ref_link(r, &b, risk->id, NULL);
        html_lit(&b, " ");
        html_text(&b, risk->title);
        html_lit(&b, "</h2><p class=\"small\">");
        web_level(r, &b, risk->level, NULL);
        html_lit(&b, " <span aria-hidden=\"true\">→</span><span class=\"vh\">to</span> ");
        web_level(r, &b, risk->residual_level, NULL);
        html_lit(&b, " · treatment: ");
        html_text(&b, risk->treatment ? risk->treatment : "not chosen");
        html_lit(&b, " · status: ");
        html_text(&b, risk->status);
        html_lit(&b, " · owner: ");
        person(r, &b, risk->owner);
        html_lit(&b, " · cost: ");
        money(&b, 1, risk->cost);
        html_lit(&b, "</p>");
        if (!risk->nactions) {
            html_lit(&b, "<p class=\"flag\">No treatment action yet.</p>");
        } else {
            progress(&b, risk->done, risk->total, risk->percent);
            actions_table(r, &b, risk->actions, risk->nactions);
        }
        html_lit(&b, "</section>");
    }
    if (!p.nrisks) {
        html_lit(&b, "<p>No risk is being treated: the plan is empty.</p>");
    }
    if (p.nunlinked) {
        html_lit(&b, "<h2>Actions not linked to a risk</h2>");
        actions_table(r, &b, p.unlinked, p.nunlinked);
    }
    web_signoffs(r, &b, &p.approvals, "Approvals");
    if (web_may(r, PERM_APPROVE, rtype_find("action"), -1)) {
        const char *why = e ? kv_get(&r->form, "rationale") : NULL;
        html_lit(&b, "<section class=\"approve\" aria-labelledby=\"h-approve\"><h2 "
                     "id=\"h-approve\">Approve the plan</h2><p class=\"muted\">Records that the "
                     "plan, exactly as shown, is approved by a risk owner of one of its risks or "
                     "by top management.</p>");
        if (e) {
            web_error_box(&b, e->msg);
        }
        html_lit(&b, "<form method=\"post\" action=\"");
        href(r, &b, "/plan/approve");
        html_lit(&b, "\">");
        csrf_field(r, &b);
        web_signer_line(r, &b);
        html_lit(&b, "<label for=\"pl-why\">Rationale</label><textarea id=\"pl-why\" "
                     "name=\"rationale\" rows=\"2\" maxlength=\"2000\">");
        html_text(&b, why);
        html_lit(&b, "</textarea><button type=\"submit\">Approve the plan as shown</button>"
                     "</form></section>");
    }
    plan_free(&p);
    page_end(r, &b);
    page_send(w, &b, e ? err_http_status(e->code) : 200);
}

/* GET /plan — the treatment plan. */
int page_plan(struct req *r, struct resp *w)
{
    plan_page(r, w, NULL);
    return 0;
}

/* POST /plan/approve — the rationale (untrusted) to app_plan_approve, signed
 * by the session's account; 303
 * back, or the plan again with the message. */
int page_plan_approve(struct req *r, struct resp *w)
{
    const char *why = kv_get(&r->form, "rationale");
    struct err e = {0};
    int existing = 0;
    int rc = app_plan_approve(r->app, why && *why ? why : NULL, NULL, NULL, &existing, &e);
    if (rc) {
        plan_page(r, w, &e);
        return 0;
    }
    resp_redirect(r, w, "/plan?done=approved");
    return 0;
}
