/* page_audit.c — performance evaluation pages: the control-test state on
 * control, test and run pages (with the "raise a nonconformity" button),
 * the audit programme's coverage view (/audits/coverage), an audit's
 * checklist generation and its report (/audits/ID/report). Thin: every
 * state comes from src/app/audit.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/audit.h"
#include "../lib/strmap.h"
#include "../lib/util.h"
#include "web.h"

static int eq(const char *x, const char *y)
{
    return x && y && strcmp(x, y) == 0;
}

static const char *flag_class(const char *flag)
{
    return eq(flag, "test failed") ? "tag bad"
           : eq(flag, "test partly effective") || eq(flag, "test overdue") ? "tag warn"
                                                                            : "tag";
}

static void flag_tag(struct buf *b, const char *flag)
{
    html_lit(b, "<span class=\"");
    html_attr(b, flag_class(flag));
    html_lit(b, "\">");
    html_text(b, flag);
    html_lit(b, "</span>");
}

void web_ctest_tag(struct req *r, struct buf *b, const struct strmap *tests, const char *control)
{
    const char *flag = NULL;
    if (!tests || !strmap_get(tests, control, &flag) || !flag ||
        eq(flag, "tested") || eq(flag, "test planned")) {
        return;
    }
    html_lit(b, " <a href=\"");
    web_ref_href(r, b, control);
    html_lit(b, "#h-tests\">");
    flag_tag(b, flag);
    html_lit(b, "</a>");
}

static void back(struct req *r, struct resp *w, const char *plural, const char *ref,
                 const char *tail)
{
    struct buf to;
    buf_init(&to, 0);
    buf_printf(&to, "/%s/", plural);
    for (const char *p = ref; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '.') {
            buf_putc(&to, *p);
        }
    }
    buf_puts(&to, tail);
    resp_redirect(r, w, buf_str(&to));
    buf_free(&to);
}

/* ---- panels on record pages ------------------------------------------------- */

static void tests_table(struct req *r, struct buf *b, const struct ctest_states *s)
{
    html_lit(b, "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">Test</th>"
                "<th scope=\"col\">Control</th><th scope=\"col\">What is tested</th>"
                "<th scope=\"col\">How often</th><th scope=\"col\">Tested by</th>"
                "<th scope=\"col\">Last run</th><th scope=\"col\">Result</th>"
                "<th scope=\"col\">Next due</th><th scope=\"col\">State</th></tr></thead><tbody>");
    for (size_t i = 0; i < s->n; i++) {
        const struct ctest_state *t = &s->v[i];
        const char *flag = ctest_state_flag(t);
        html_lit_if(b, t->overdue || t->failed, "<tr class=\"overdue\"><td>", "<tr><td>");
        web_ref_link(r, b, t->test, NULL);
        html_lit(b, "</td><td>");
        web_ref_link(r, b, t->control, NULL);
        html_lit(b, "</td><td>");
        html_text(b, t->title);
        html_lit(b, "</td><td>");
        html_text(b, t->frequency);
        html_lit(b, "</td><td>");
        if (t->tester[0]) {
            web_ref_titled(r, b, t->tester);
        }
        html_lit(b, "</td><td>");
        if (t->last_run[0]) {
            web_ref_link(r, b, t->last_run, t->last_date);
        } else {
            html_lit(b, "<span class=\"muted\">never</span>");
        }
        html_lit(b, "</td><td>");
        html_text(b, t->last_result[0] ? t->last_result : "");
        if (t->last_nc[0]) {
            html_lit(b, " → ");
            web_ref_link(r, b, t->last_nc, NULL);
        }
        html_lit(b, "</td><td class=\"nowrap\">");
        html_text(b, t->due);
        html_lit(b, "</td><td>");
        flag_tag(b, flag);
        html_lit(b, "</td></tr>");
    }
    html_lit(b, "</tbody></table></div>");
}

static void control_panel(struct req *r, struct buf *b, const struct record *rec,
                          const char *control)
{
    struct ctest_states s;
    struct err e = {0};
    if (app_ctest_states(r->app, control, NULL, &s, &e)) {
        web_error_box(b, e.msg);
        return;
    }
    html_lit(b, "<section aria-labelledby=\"h-tests\"><h2 id=\"h-tests\">Control tests (9.1)"
                "</h2>");
    if (!s.n) {
        html_lit(b, "<p class=\"muted\">No active test plan");
        if (eq(rec->type->name, "control") && eq(record_get(rec, "applicable"), "1")) {
            html_lit(b, " — an applicable control should be tested routinely (<a href=\"");
            href(r, b, "/ctests/new");
            html_lit(b, "\">plan a test</a>)");
        }
        html_lit(b, ".</p>");
    } else {
        tests_table(r, b, &s);
    }
    html_lit(b, "</section>");
    ctest_states_free(&s);
}

static void run_panel(struct req *r, struct buf *b, const struct record *rec)
{
    const char *result = record_get(rec, "result");
    const char *nc = record_get(rec, "nonconformity");
    if (!eq(result, "not-effective") && !eq(result, "partly-effective")) {
        return;
    }
    html_lit(b, "<section aria-labelledby=\"h-nc\"><h2 id=\"h-nc\">Nonconformity</h2>");
    if (nc) {
        html_lit(b, "<p>This failed run raised ");
        web_ref_titled(r, b, nc);
        html_lit(b, ".</p>");
    } else {
        html_lit(b, "<p class=\"flag\">This run failed and has raised no nonconformity.</p>");
        if (!record_get(rec, FIELD_RETIRED) && web_may(r, PERM_EDIT, rec->type, web_owns(r, rec))) {
            html_lit(b, "<form method=\"post\" action=\"");
            web_ref_href(r, b, rec->ref);
            html_lit(b, "/raise-nc\">");
            csrf_field(r, b);
            html_lit(b, "<button type=\"submit\">Raise a nonconformity</button></form>");
        }
    }
    html_lit(b, "</section>");
}

static void audit_panel(struct req *r, struct buf *b, const struct record *rec)
{
    const char *w = record_get(rec, "independence");
    html_lit(b, "<section aria-labelledby=\"h-audit\"><h2 id=\"h-audit\">Checklist and "
                "report</h2>");
    if (w) {
        html_lit(b, "<div class=\"error-box\" role=\"alert\"><strong>Auditor independence:"
                    "</strong> an auditor may not audit their own work.");
        web_paragraphs(b, w);
        html_lit(b, "</div>");
    }
    html_lit(b, "<p><a href=\"");
    web_ref_href(r, b, rec->ref);
    html_lit(b, "/report\">Audit report and checklist</a> · <a href=\"");
    href(r, b, "/audits/coverage");
    html_lit(b, "\">Programme coverage</a></p>");
    if (!record_get(rec, FIELD_RETIRED) && !eq(record_get(rec, FIELD_STATUS), "cancelled") &&
        web_may(r, PERM_EDIT, rec->type, web_owns(r, rec))) {
        html_lit(b, "<form method=\"post\" action=\"");
        web_ref_href(r, b, rec->ref);
        html_lit(b, "/checklist\">");
        csrf_field(r, b);
        html_lit(b, "<button type=\"submit\" class=\"secondary\">Generate the checklist from "
                    "the scope</button></form>");
    }
    html_lit(b, "</section>");
}

static void programme_panel(struct req *r, struct buf *b, const struct record *rec)
{
    struct coverage c;
    struct err e = {0};
    html_lit(b, "<section aria-labelledby=\"h-cov\"><h2 id=\"h-cov\">Coverage</h2>");
    if (app_audit_coverage(r->app, rec->ref, NULL, &c, &e)) {
        web_error_box(b, e.msg);
    } else {
        html_lit(b, "<p>");
        html_int(b, (int64_t)c.audits);
        html_lit(b, " first-party audits in ");
        html_int(b, c.start_year);
        html_lit(b, "–");
        html_int(b, c.start_year + COV_YEARS - 1);
        html_lit(b, "; ");
        html_int(b, (int64_t)c.more_often);
        html_lit(b, " areas due more often; ");
        html_lit_if(b, c.gaps, "<span class=\"tag bad\">", "<span class=\"tag good\">");
        html_int(b, (int64_t)c.gaps);
        html_lit_if(b, c.gaps == 1, " gap</span>. <a href=\"", " gaps</span>. <a href=\"");
        href(r, b, "/audits/coverage?programme=");
        html_url(b, rec->ref);
        html_lit(b, "\">The coverage view</a></p>");
        coverage_free(&c);
    }
    html_lit(b, "</section>");
}

/* The one-step form of a failed test on the test's page. */
static void fail_form(struct req *r, struct buf *b, const struct record *rec)
{
    if (record_get(rec, FIELD_RETIRED) || !eq(record_get(rec, FIELD_STATUS), "active") ||
        !web_may(r, PERM_EDIT, rec->type, web_owns(r, rec))) {
        return;
    }
    int again = r->form.n > 0 && kv_get(&r->form, "note") != NULL;
    const char *note = again ? kv_get(&r->form, "note") : NULL;
    const char *result = again ? kv_get(&r->form, "result") : NULL;
    html_lit(b, "<section aria-labelledby=\"h-fail\"><h2 id=\"h-fail\">Record a failed test"
                "</h2><p class=\"muted\">Records the run and raises its nonconformity, linked "
                "both ways, in one step. An effective run is recorded as a new control test "
                "run.</p><form method=\"post\" class=\"stack\" action=\"");
    web_ref_href(r, b, rec->ref);
    html_lit(b, "/fail\">");
    csrf_field(r, b);
    html_lit(b, "<label for=\"f-note\">What failed</label><textarea id=\"f-note\" name=\"note\" "
                "required rows=\"3\">");
    html_text(b, note);
    html_lit(b, "</textarea><label for=\"f-result\">Result</label><select id=\"f-result\" "
                "name=\"result\">");
    html_lit_if(b, eq(result, "partly-effective"),
                "<option value=\"not-effective\">not effective</option><option "
                "value=\"partly-effective\" selected>partly effective</option>",
                "<option value=\"not-effective\" selected>not effective</option><option "
                "value=\"partly-effective\">partly effective</option>");
    html_lit(b, "</select><label for=\"f-date\">Date (empty: today)</label><input id=\"f-date\" "
                "name=\"date\" type=\"date\"><button type=\"submit\">Record the failed run "
                "and raise a nonconformity</button></form></section>");
}

void web_audit_panel(struct req *r, struct buf *b, const struct record *rec)
{
    const char *t = rec->type->name;
    if (eq(t, "control")) {
        control_panel(r, b, rec, rec->ref);
    } else if (eq(t, "ctest")) {
        control_panel(r, b, rec, record_get(rec, "control"));
        fail_form(r, b, rec);
    } else if (eq(t, "ctrun")) {
        run_panel(r, b, rec);
    } else if (eq(t, "audit")) {
        audit_panel(r, b, rec);
    } else if (eq(t, "programme")) {
        programme_panel(r, b, rec);
    }
}

static void card(struct req *r, struct buf *b, const void *ctx)
{
    const char *today = ctx;
    struct ctest_states s;
    struct err e = {0};
    if (app_ctest_states(r->app, NULL, today, &s, &e)) {
        web_error_box(b, e.msg);
        return;
    }
    size_t bad = 0;
    for (size_t i = 0; i < s.n; i++) {
        bad += s.v[i].overdue || s.v[i].failed;
    }
    html_lit(b, "<section class=\"card\" aria-labelledby=\"h-ctests\"><h2 id=\"h-ctests\">"
                "Control tests ");
    html_lit_if(b, bad, "<span class=\"tag bad\">", "<span class=\"tag\">");
    html_int(b, (int64_t)bad);
    html_lit(b, "</span></h2>");
    if (!bad) {
        html_lit(b, "<p class=\"muted\">No control test is overdue or failed.</p>");
    } else {
        html_lit(b, "<ul class=\"items\">");
        size_t shown = 0;
        for (size_t i = 0; i < s.n && shown < 12; i++) {
            const struct ctest_state *t = &s.v[i];
            if (!t->overdue && !t->failed) {
                continue;
            }
            shown++;
            html_lit(b, "<li>");
            web_ref_link(r, b, t->test, NULL);
            html_lit(b, " control ");
            html_text(b, t->control);
            html_lit(b, ": ");
            html_text(b, t->title);
            html_lit(b, " ");
            flag_tag(b, ctest_state_flag(t));
            html_lit(b, "</li>");
        }
        html_lit(b, "</ul>");
        if (bad > shown) {
            html_lit(b, "<p class=\"muted\">and ");
            html_int(b, (int64_t)(bad - shown));
            html_lit(b, " more</p>");
        }
    }
    html_lit(b, "<p><a href=\"");
    href(r, b, "/audits/coverage");
    html_lit(b, "\">Audit programme coverage</a></p></section>");
    ctest_states_free(&s);
}

void web_audit_card(struct req *r, struct buf *b, const char *today)
{
    if (!perm_allows(r->role, PERM_READ, rtype_find("ctest"), -1)) {
        return;
    }
    /* derived from the file and the date only: every role that reads
     * control tests reads all of them (perm_row_rule) */
    char key[64];
    snprintf(key, sizeof key, "dashboard-ctests:%s", today);
    web_derived(r, b, key, card, today);
}

/* POST /ctruns/:id/raise-nc */
int page_ctrun_raise_nc(struct req *r, struct resp *w)
{
    struct err e = {0};
    char *nc = NULL;
    if (app_ctrun_raise_nc(r->app, r->rec->ref, &nc, &e)) {
        web_show_record(r, w, &e);
        return 0;
    }
    free(nc);
    back(r, w, "ctruns", r->rec->ref, "?done=nc-raised");
    return 0;
}

/* POST /ctests/:id/fail — note, result, date (untrusted) to app_ctest_fail;
 * 303 to the new run, or the test's page with the message. */
int page_ctest_fail(struct req *r, struct resp *w)
{
    struct err e = {0};
    char *run = NULL, *nc = NULL;
    const char *date = kv_get(&r->form, "date");
    if (app_ctest_fail(r->app, r->rec->ref, kv_get(&r->form, "result"),
                       date && *date ? date : NULL, kv_get(&r->form, "note"), &run, &nc, &e)) {
        web_show_record(r, w, &e);
        return 0;
    }
    back(r, w, "ctruns", run, "?done=nc-raised");
    free(run);
    free(nc);
    return 0;
}

/* POST /audits/:id/checklist */
int page_audit_checklist(struct req *r, struct resp *w)
{
    struct err e = {0};
    int added = 0;
    if (app_audit_checklist(r->app, r->rec->ref, &added, &e)) {
        web_show_record(r, w, &e);
        return 0;
    }
    back(r, w, "audits", r->rec->ref, "/report?done=checklist");
    return 0;
}

/* ---- the coverage view --------------------------------------------------------- */

static void cov_cell(struct req *r, struct buf *b, const struct cov_area *ar, int y)
{
    enum cov_state s = ar->year[y];
    html_lit_if(b, s == COV_DONE, "<td class=\"cov done\">",
                "<td class=\"cov\">");
    if (s == COV_GAP) {
        html_lit(b, "<span class=\"muted\">—</span>");
    } else {
        html_lit_if(b, s == COV_DONE, "done ", "planned ");
        web_ref_link(r, b, ar->audit[y], NULL);
    }
    html_lit(b, "</td>");
}

/* GET /audits/coverage[?programme=PRG-...] */
int page_audit_coverage(struct req *r, struct resp *w)
{
    struct coverage c;
    struct err e = {0};
    const char *prog = web_query(r, "programme");
    if (app_audit_coverage(r->app, prog, NULL, &c, &e)) {
        resp_error(r, w, &e);
        return 0;
    }
    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, "Audit programme coverage");
    web_crumbs(r, &b, "/audits", "Audits", "Coverage");
    html_lit(&b, "<div class=\"page-head\"><div><h1>Audit programme coverage</h1><p class=\"lede\">");
    if (c.programme[0]) {
        web_ref_link(r, &b, c.programme, NULL);
        html_lit(&b, " ");
    }
    html_text(&b, c.title);
    html_lit(&b, " · cycle ");
    html_int(&b, c.start_year);
    html_lit(&b, "–");
    html_int(&b, c.start_year + COV_YEARS - 1);
    html_lit(&b, " · ");
    html_int(&b, (int64_t)c.audits);
    html_lit(&b, " audits</p></div></div>");
    html_lit(&b, "<p class=\"rule\"><strong>Frequency rule.</strong> ");
    html_text(&b, audit_frequency_rule);
    html_lit(&b, "</p><p>");
    html_int(&b, (int64_t)c.clauses);
    html_lit(&b, " clauses and ");
    html_int(&b, (int64_t)c.controls);
    html_lit(&b, " applicable controls; ");
    html_int(&b, (int64_t)c.more_often);
    html_lit(&b, " due more often; <strong>");
    html_int(&b, (int64_t)c.gaps);
    html_lit_if(&b, c.gaps == 1, " gap</strong>.</p>", " gaps</strong>.</p>");
    if (c.gaps) {
        html_lit(&b, "<div class=\"error-box\" role=\"alert\"><strong>Not covered as the rule "
                     "requires:</strong> ");
        int first = 1;
        for (size_t i = 0; i < c.n; i++) {
            if (c.v[i].gap) {
                if (!first) {
                    html_lit(&b, ", ");
                }
                first = 0;
                html_lit_if(&b, c.v[i].kind[1] == 'l', "clause ", "control ");
                html_text(&b, c.v[i].id);
            }
        }
        html_lit(&b, "</div>");
    }
    html_lit(&b, "<div class=\"table-wrap\"><table class=\"coverage\" data-filterable><thead><tr>"
                 "<th scope=\"col\">Area</th><th scope=\"col\">Title</th>");
    for (int y = 0; y < COV_YEARS; y++) {
        html_lit(&b, "<th scope=\"col\">");
        html_int(&b, c.start_year + y);
        html_lit(&b, "</th>");
    }
    html_lit(&b, "<th scope=\"col\">Due more often</th><th scope=\"col\">Gap</th></tr></thead>"
                 "<tbody>");
    for (size_t i = 0; i < c.n; i++) {
        const struct cov_area *ar = &c.v[i];
        html_lit_if(&b, ar->gap, "<tr class=\"overdue\"><td class=\"nowrap\">",
                    "<tr><td class=\"nowrap\">");
        if (ar->kind[1] == 'l') {
            html_lit(&b, "clause ");
            html_text(&b, ar->id);
        } else {
            html_lit(&b, "control ");
            web_ref_link(r, &b, ar->id, NULL);
        }
        html_lit(&b, "</td><td>");
        html_text(&b, ar->title);
        html_lit(&b, "</td>");
        for (int y = 0; y < COV_YEARS; y++) {
            cov_cell(r, &b, ar, y);
        }
        html_lit(&b, "<td>");
        if (ar->more_often) {
            html_lit(&b, "<span class=\"tag warn\">due more often</span> ");
            html_text(&b, ar->why);
        }
        html_lit(&b, "</td><td>");
        if (ar->gap) {
            html_lit(&b, "<span class=\"tag bad\">gap</span> ");
            html_text(&b, ar->gap_why);
        }
        html_lit(&b, "</td></tr>");
    }
    html_lit(&b, "</tbody></table></div>");
    coverage_free(&c);
    page_end(r, &b);
    page_send(w, &b, 200);
    return 0;
}

/* ---- the audit report ------------------------------------------------------------ */

static void dl_item(struct req *r, struct buf *b, const char *label, const struct record *rec,
                    const char *field)
{
    const char *v = record_get(rec, field);
    html_lit(b, "<div class=\"f\"><dt>");
    html_text(b, label);
    html_lit(b, "</dt><dd>");
    const struct field *f = rtype_field(rec->type, field, NULL);
    if (v && f) {
        web_value(r, b, rec, f, v);
    } else {
        html_lit(b, "<span class=\"muted\">—</span>");
    }
    html_lit(b, "</dd></div>");
}

/* GET /audits/:id/report */
int page_audit_report(struct req *r, struct resp *w)
{
    struct audit_report rep;
    struct err e = {0};
    if (app_audit_report(r->app, r->rec->ref, &rep, &e)) {
        resp_error(r, w, &e);
        return 0;
    }
    const struct record *au = rep.audit;
    char head[120];
    snprintf(head, sizeof head, "Audit report %s", au->ref);
    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, head);
    web_crumbs(r, &b, "/audits", "Audits", au->ref);
    html_lit(&b, "<div class=\"page-head\"><div><p class=\"eyebrow\">Audit report · ");
    html_text(&b, au->ref);
    html_lit(&b, "</p><h1>");
    html_text(&b, record_get(au, "title"));
    html_lit(&b, "</h1></div><div class=\"actions\">");
    { /* reports: the audit report as PDF / printable page */
        char rp[96];
        snprintf(rp, sizeof rp, "/audits/%s/print", au->ref);
        web_report_buttons(r, &b, rp);
        web_bundle_button(r, &b, au->ref); /* bundle */
    }
    html_lit(&b, "</div></div>");
    web_notice(r, &b);
    if (record_get(au, "independence")) {
        html_lit(&b, "<div class=\"error-box\" role=\"alert\"><strong>Auditor independence:"
                     "</strong>");
        web_paragraphs(&b, record_get(au, "independence"));
        html_lit(&b, "</div>");
    }
    html_lit(&b, "<section aria-labelledby=\"h-scope\"><h2 id=\"h-scope\">Scope</h2>"
                 "<dl class=\"fields\">");
    dl_item(r, &b, "Kind", au, "kind");
    html_lit(&b, "<div class=\"f\"><dt>Party</dt><dd>");
    html_text(&b, audit_party(record_get(au, "kind")));
    html_lit(&b, "</dd></div>");
    dl_item(r, &b, "Status", au, FIELD_STATUS);
    dl_item(r, &b, "Scope", au, "scope");
    dl_item(r, &b, "Criteria", au, "criteria");
    dl_item(r, &b, "Clauses covered", au, "clauses");
    dl_item(r, &b, "Controls covered", au, "controls");
    dl_item(r, &b, "Lead auditor", au, "lead_auditor");
    dl_item(r, &b, "Auditors", au, "auditors");
    dl_item(r, &b, "Planned for", au, "planned_on");
    dl_item(r, &b, "Performed on", au, "performed_on");
    dl_item(r, &b, "Conclusion", au, "conclusion");
    html_lit(&b, "</dl></section>");

    html_lit(&b, "<section aria-labelledby=\"h-results\"><h2 id=\"h-results\">Checklist "
                 "results</h2><p>");
    static const char *const labels[6] = {"conforming", "major nonconformity",
                                          "minor nonconformity", "observation",
                                          "opportunity for improvement", "not yet answered"};
    for (int i = 0; i < 6; i++) {
        html_int(&b, (int64_t)rep.results[i]);
        html_lit(&b, " ");
        html_text(&b, labels[i]);
        html_lit_if(&b, i < 5, " · ", "");
    }
    html_lit(&b, "</p>");
    if (!rep.nitems) {
        html_lit(&b, "<p class=\"muted\">No checklist yet: generate it from the audit's scope "
                     "on the <a href=\"");
        web_ref_href(r, &b, au->ref);
        html_lit(&b, "\">audit's page</a>.</p>");
    } else {
        html_lit(&b, "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">Item</th>"
                     "<th scope=\"col\">Clause or control</th><th scope=\"col\">Question</th>"
                     "<th scope=\"col\">Evidence seen</th><th scope=\"col\">Result</th>"
                     "<th scope=\"col\">Nonconformity</th></tr></thead><tbody>");
        for (size_t i = 0; i < rep.nitems; i++) {
            const struct record *it = rep.items[i];
            html_lit(&b, "<tr><td class=\"nowrap\">");
            web_ref_link(r, &b, it->ref, NULL);
            html_lit(&b, "</td><td class=\"nowrap\">");
            if (record_get(it, "control")) {
                web_ref_link(r, &b, record_get(it, "control"), NULL);
            } else {
                html_text(&b, record_get(it, "clause"));
            }
            html_lit(&b, "</td><td>");
            html_text(&b, record_get(it, "question"));
            html_lit(&b, "</td><td>");
            if (record_get(it, "evidence")) {
                web_paragraphs(&b, record_get(it, "evidence"));
            }
            html_lit(&b, "</td><td>");
            const char *res = record_get(it, "result");
            if (res) {
                html_text(&b, res);
            } else {
                html_lit(&b, "<span class=\"muted\">open</span>");
            }
            if (eq(record_get(it, FIELD_STATUS), "excluded")) {
                html_lit(&b, " <span class=\"tag\">excluded</span>");
            }
            html_lit(&b, "</td><td>");
            if (record_get(it, "nonconformity")) {
                web_ref_link(r, &b, record_get(it, "nonconformity"), NULL);
            }
            html_lit(&b, "</td></tr>");
        }
        html_lit(&b, "</tbody></table></div>");
    }
    html_lit(&b, "</section><section aria-labelledby=\"h-findings\"><h2 id=\"h-findings\">"
                 "Findings</h2>");
    if (!rep.nfindings) {
        html_lit(&b, "<p class=\"muted\">No findings recorded.</p>");
    } else {
        html_lit(&b, "<ul>");
        for (size_t i = 0; i < rep.nfindings; i++) {
            html_lit(&b, "<li>");
            web_ref_link(r, &b, rep.findings[i]->ref, NULL);
            html_lit(&b, " ");
            html_text(&b, record_get(rep.findings[i], "kind"));
            html_lit(&b, ": ");
            html_text(&b, record_get(rep.findings[i], "title"));
            html_lit(&b, "</li>");
        }
        html_lit(&b, "</ul>");
    }
    html_lit(&b, "</section><section aria-labelledby=\"h-ncs\"><h2 id=\"h-ncs\">"
                 "Nonconformities raised</h2>");
    if (!rep.nncs) {
        html_lit(&b, "<p class=\"muted\">None.</p>");
    } else {
        html_lit(&b, "<ul>");
        for (size_t i = 0; i < rep.nncs; i++) {
            html_lit(&b, "<li>");
            web_ref_titled(r, &b, rep.ncs[i]);
            html_lit(&b, "</li>");
        }
        html_lit(&b, "</ul>");
    }
    html_lit(&b, "</section>");
    audit_report_free(&rep);
    page_end(r, &b);
    page_send(w, &b, 200);
    return 0;
}
