/* page_readiness.c — GET /readiness (the readiness report: the ISMS
 * manager's home and the auditor's first page), GET /journey (the
 * implementation journey) and the banner the dashboard shows at its top
 * (web_readiness_home). Everything is computed by app_readiness /
 * app_journey as the viewer the router set; the rules table of
 * readiness.def is printed on the page. Reads only. */
#include <stdio.h>
#include <string.h>

#include "../app/readiness.h"
#include "../lib/util.h"
#include "web.h"

static void answer(struct buf *b, const struct rd_check *c)
{
    html_lit(b, "<td title=\"");
    html_attr(b, c->reason);
    html_lit(b, "\">");
    if (c->answer == RD_YES) {
        html_lit(b, "<span class=\"yes\">yes</span>");
    } else if (c->answer == RD_NO) {
        html_lit(b, "<span class=\"no\">no</span>");
    } else {
        html_lit(b, "<span class=\"muted\">n/a</span>");
    }
    if (c->answer != RD_NA && c->reason[0]) {
        html_lit(b, "<div class=\"small muted\">");
        html_text(b, c->reason);
        html_lit(b, "</div>");
    }
    html_lit(b, "</td>");
}

static void percent_tag(struct buf *b, int pct)
{
    if (pct >= 100) {
        html_lit(b, "<span class=\"tag good\">");
    } else if (pct >= 50) {
        html_lit(b, "<span class=\"tag warn\">");
    } else {
        html_lit(b, "<span class=\"tag bad\">");
    }
    html_int(b, pct);
    html_lit(b, "&#160;%</span>");
}

static void fix_link(struct req *r, struct buf *b, const char *fix, const char *label)
{
    if (!web_url_safe(fix)) {
        return;
    }
    html_lit(b, " <a href=\"");
    href(r, b, fix);
    html_lit(b, "\">");
    html_text(b, label);
    html_lit(b, "</a>");
}

/* One row of the rules table; alt: an alternative (ALT) of the row above. */
static void rule_row(struct buf *b, const struct readiness_rule *ru, int alt)
{
    html_lit_if(b, alt, "<tr class=\"alt\"><td><i>or</i> ", "<tr><td>");
    html_text(b, ru->id);
    html_lit(b, "</td><td>");
    html_text(b, ru->clause);
    html_lit(b, "</td><td>");
    if (ru->mandatory) {
        html_int(b, ru->mandatory);
    }
    html_lit(b, "</td><td>");
    html_text(b, ru->source);
    html_lit(b, "</td><td><code>");
    html_text(b, ru->where);
    html_lit(b, "</code></td><td><code>");
    html_text(b, ru->approved);
    html_lit(b, "</code></td><td><code>");
    html_text(b, ru->current);
    html_lit(b, "</code></td><td><code>");
    html_text(b, ru->evidence);
    html_lit(b, "</code></td><td>");
    html_text(b, ru->text);
    html_lit(b, "</td></tr>");
}

static void rules_table(struct buf *b)
{
    html_lit(b, "<section aria-labelledby=\"h-rules\"><h2 id=\"h-rules\">The rules</h2><p "
                "class=\"small\">Which records satisfy each item (src/app/readiness.def). "
                "<b>where</b>: which records count; <b>approved</b>: a status, or a sign-off by "
                "top management (method, SoA, plan, scope); <b>current</b>: no counted record "
                "past the date field, or unchanged since approval; <b>evidence</b>: an evidence "
                "file, a field filled in, or records that refer to it. Empty: not asked. A row "
                "<i>or</i> is another way to satisfy the item above it: other records asked the "
                "same questions; the item is ready when the rule or one of its alternatives "
                "holds every check.</p>"
                "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"The rules "
                "(scrolls sideways)\"><table><thead><tr><th>Item</th><th>Clause</th>"
                "<th>Mandatory</th><th>Records</th><th>Where</th><th>Approved</th><th>Current"
                "</th><th>Evidence</th><th>Rule</th></tr></thead><tbody>");
    for (int i = 0; i < readiness_nrules; i++) {
        rule_row(b, &readiness_rules[i], 0);
        for (int k = 0; k < readiness_nalts; k++) {
            if (strcmp(readiness_alts[k].id, readiness_rules[i].id) == 0) {
                rule_row(b, &readiness_alts[k], 1);
            }
        }
    }
    html_lit(b, "</tbody></table></div></section>");
}

int page_readiness(struct req *r, struct resp *w)
{
    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, "Readiness");
    struct err e = {0};
    struct readiness rd;
    if (app_readiness(r->app, NULL, &rd, &e)) {
        web_error_box(&b, e.msg);
        page_end(r, &b);
        page_send(w, &b, err_http_status(e.code));
        return 0;
    }
    html_lit(&b, "<div class=\"page-head\"><div><h1>Readiness</h1><p class=\"lede\">What a "
                 "certification auditor checks, clause by clause: is each item present, "
                 "approved, current and backed by evidence? As of ");
    html_text(&b, rd.today);
    html_lit(&b, ".</p></div><div class=\"actions\"><a class=\"button secondary\" href=\"");
    href(r, &b, "/journey");
    html_lit(&b, "\">Implementation journey</a> ");
    /* bundle: the readiness report printable, and the evidence bundle */
    web_report_buttons(r, &b, "/readiness/print");
    web_bundle_button(r, &b, NULL);
    html_lit(&b, "</div></div>");
    html_lit(&b, "<p class=\"progress\" id=\"overall\"><progress max=\"100\" value=\"");
    html_int(&b, rd.percent);
    html_lit(&b, "\"></progress> <span>Overall ");
    percent_tag(&b, rd.percent);
    html_lit(&b, " — ");
    html_int(&b, rd.passed);
    html_lit(&b, " of ");
    html_int(&b, rd.asked);
    html_lit(&b, " checks hold, ");
    html_int(&b, rd.gaps);
    html_lit_if(&b, rd.gaps == 1, " gap", " gaps");
    html_lit(&b, "; mandatory documented information ready: ");
    html_int(&b, rd.mandatory_ready);
    html_lit(&b, " of ");
    html_int(&b, rd.mandatory);
    html_lit(&b, "</span></p>");
    /* the gaps first: what the ISMS manager works through */
    html_lit(&b, "<section aria-labelledby=\"h-gaps\"><h2 id=\"h-gaps\">Gaps</h2>");
    if (!rd.gaps) {
        html_lit(&b, "<p class=\"muted\">No gap: every item is present, approved, current and "
                     "evidenced.</p>");
    } else {
        html_lit(&b, "<ul class=\"items\">");
        for (int i = 0; i < rd.nitems; i++) {
            const struct readiness_item *it = &rd.items[i];
            if (it->ready || it->hidden || !it->rule->clause[0]) {
                continue;
            }
            html_lit(&b, "<li>");
            html_text(&b, it->rule->clause);
            html_lit(&b, " ");
            html_text(&b, it->rule->title);
            html_lit(&b, " — <span class=\"muted\">");
            html_text(&b, it->gap);
            html_lit(&b, "</span>");
            fix_link(r, &b, it->fix, "Fix it");
            html_lit(&b, "</li>");
        }
        html_lit(&b, "</ul>");
    }
    html_lit(&b, "</section>");
    /* per clause */
    html_lit(&b, "<section aria-labelledby=\"h-clauses\"><h2 id=\"h-clauses\">By clause</h2>"
                 "<ul class=\"counts\">");
    for (int k = 0; k < rd.nclauses; k++) {
        const struct readiness_clause *c = &rd.clauses[k];
        html_lit(&b, "<li><a href=\"#c-");
        html_attr(&b, c->clause);
        html_lit(&b, "\"><span>");
        html_text(&b, c->clause);
        html_lit(&b, " ");
        html_text(&b, c->title);
        html_lit(&b, "</span><span class=\"c\">");
        html_int(&b, c->percent);
        html_lit(&b, "&#160;%</span></a></li>");
    }
    html_lit(&b, "</ul></section>");
    /* the items */
    html_lit(&b, "<section aria-labelledby=\"h-items\"><h2 id=\"h-items\">Items and gaps</h2>"
                 "<div class=\"table-wrap\"><table class=\"readiness\"><thead><tr><th>Clause"
                 "</th><th>Item</th><th>Present?</th><th>Approved?</th><th>Current?</th>"
                 "<th>Evidence?</th><th>Gap and fix</th></tr></thead><tbody>");
    const char *last = NULL;
    for (int i = 0; i < rd.nitems; i++) {
        const struct readiness_item *it = &rd.items[i];
        const char *cl = it->rule->clause;
        html_lit(&b, "<tr");
        if (!last || strcmp(last, cl) != 0) {
            html_lit(&b, " id=\"c-");
            html_attr(&b, cl[0] ? cl : "none");
            html_lit(&b, "\"");
            last = cl;
        }
        html_lit(&b, "><td>");
        html_text(&b, cl[0] ? cl : "—");
        html_lit(&b, "</td><td><b>");
        html_text(&b, it->rule->title);
        html_lit(&b, "</b>");
        if (it->rule->mandatory) {
            html_lit(&b, " <span class=\"tag\" title=\"mandatory documented information (seed "
                         "003)\">M");
            html_int(&b, it->rule->mandatory);
            html_lit(&b, "</span>");
        }
        html_lit(&b, "<div class=\"small muted\">");
        html_text(&b, it->rule->text);
        if (it->via) {
            /* an alternative of the rule holds (readiness.def ALT) */
            html_lit(&b, " — held by ");
            html_text(&b, it->via->source);
            html_lit(&b, " records: ");
            html_text(&b, it->via->text);
        }
        html_lit(&b, "</div></td>");
        answer(&b, &it->present);
        answer(&b, &it->approved);
        answer(&b, &it->current);
        answer(&b, &it->evidence);
        html_lit(&b, "<td>");
        if (it->hidden) {
            html_lit(&b, "<span class=\"muted\">not visible to your role</span>");
        } else if (it->ready) {
            html_lit(&b, "<span class=\"tag good\">ready</span>");
            if (it->example[0]) {
                fix_link(r, &b, it->fix, it->example);
            }
        } else {
            html_lit(&b, "<span class=\"tag bad\">gap</span> ");
            html_text(&b, it->gap);
            fix_link(r, &b, it->fix, "Fix it");
        }
        html_lit(&b, "</td></tr>");
    }
    html_lit(&b, "</tbody></table></div></section>");
    rules_table(&b);
    readiness_free(&rd);
    page_end(r, &b);
    page_send(w, &b, 200);
    return 0;
}

int page_journey(struct req *r, struct resp *w)
{
    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, "Implementation journey");
    struct err e = {0};
    struct journey j;
    if (app_journey(r->app, NULL, &j, &e)) {
        web_error_box(&b, e.msg);
        page_end(r, &b);
        page_send(w, &b, err_http_status(e.code));
        return 0;
    }
    html_lit(&b, "<div class=\"page-head\"><div><h1>Implementation journey</h1><p class=\""
                 "lede\">The seven stages from a new ISMS to certification and beyond, computed "
                 "from the records. ");
    if (j.current < j.nstages) {
        html_lit(&b, "You are at stage ");
        html_int(&b, j.stage[j.current].n);
        html_lit(&b, ", ");
        html_text(&b, j.stage[j.current].title);
        html_lit(&b, ".");
    } else {
        html_lit(&b, "Every stage is done.");
    }
    html_lit(&b, "</p></div><div class=\"actions\"><a class=\"button secondary\" href=\"");
    href(r, &b, "/readiness");
    html_lit(&b, "\">Readiness report</a></div></div><div class=\"journey\">");
    for (int s = 0; s < j.nstages; s++) {
        const struct journey_stage *st = &j.stage[s];
        html_lit(&b, "<section class=\"card\" id=\"stage-");
        html_int(&b, st->n);
        html_lit(&b, "\"><h2>");
        html_int(&b, st->n);
        html_lit(&b, ". ");
        html_text(&b, st->title);
        html_lit(&b, " ");
        if (st->state == STAGE_DONE) {
            html_lit(&b, "<span class=\"tag good\">");
        } else if (st->state == STAGE_STARTED) {
            html_lit(&b, "<span class=\"tag warn\">");
        } else {
            html_lit(&b, "<span class=\"tag\">");
        }
        html_text(&b, stage_state_name(st->state));
        html_lit(&b, "</span></h2><p class=\"muted\">");
        html_text(&b, st->text);
        html_lit(&b, "</p>");
        int done = 0;
        for (int i = 0; i < st->nitems; i++) {
            if (st->item[i]->ready) {
                html_lit_if(&b, done++ == 0, "<h3>Done</h3><ul class=\"items\">", "");
                html_lit(&b, "<li><span class=\"yes\">✓</span> ");
                html_text(&b, st->item[i]->rule->title);
                html_lit(&b, "</li>");
            }
        }
        html_lit_if(&b, done, "</ul>", "");
        int next = 0;
        for (int i = 0; i < st->nitems; i++) {
            const struct readiness_item *it = st->item[i];
            if (!it->ready && !it->hidden) {
                html_lit_if(&b, next++ == 0, "<h3>Next</h3><ul class=\"items\">", "");
                html_lit(&b, "<li>");
                html_text(&b, it->rule->title);
                html_lit(&b, "<span class=\"sub\">");
                html_text(&b, it->gap);
                html_lit(&b, "</span>");
                fix_link(r, &b, it->fix, "Do it");
                html_lit(&b, "</li>");
            }
        }
        html_lit_if(&b, next, "</ul>", "");
        html_lit(&b, "</section>");
    }
    html_lit(&b, "</div>");
    journey_free(&j);
    page_end(r, &b);
    page_send(w, &b, 200);
    return 0;
}

/* The dashboard's top: for the ISMS manager (and admin, top management, the
 * auditor) the readiness figure, the gaps and the links; for an ISMS that
 * has just begun (the journey at stage 1 or 2), the journey's next steps.
 * Roles that may not read the report (staff) get nothing. */
void web_readiness_home(struct req *r, struct buf *b)
{
    if (!perm_allows(r->role, PERM_READ, rtype_find("scope"), -1)) {
        return;
    }
    struct err e = {0};
    struct journey j;
    if (app_journey(r->app, NULL, &j, &e)) {
        return;
    }
    const struct readiness *rd = &j.rd;
    int early = j.current < 2 && rd->percent < 50;
    html_lit(b, "<section class=\"card\" aria-labelledby=\"h-readiness\" id=\"readiness-home\">"
                "<h2 id=\"h-readiness\">");
    html_lit_if(b, early, "Getting started: implementation journey", "Certification readiness");
    html_lit(b, " ");
    percent_tag(b, rd->percent);
    html_lit(b, "</h2><p class=\"progress\"><progress max=\"100\" value=\"");
    html_int(b, rd->percent);
    html_lit(b, "\"></progress><span>");
    html_int(b, rd->gaps);
    html_lit_if(b, rd->gaps == 1, " gap", " gaps");
    html_lit(b, " · mandatory documents ready ");
    html_int(b, rd->mandatory_ready);
    html_lit(b, " of ");
    html_int(b, rd->mandatory);
    if (j.current < j.nstages) {
        html_lit(b, " · stage ");
        html_int(b, j.stage[j.current].n);
        html_lit(b, ": ");
        html_text(b, j.stage[j.current].title);
    }
    html_lit(b, "</span></p><ul class=\"items\">");
    int shown = 0;
    /* a new ISMS: the current stage's next steps; else the first gaps */
    const struct journey_stage *st = early ? &j.stage[j.current] : NULL;
    int n = st ? st->nitems : rd->nitems;
    for (int i = 0; i < n && shown < 5; i++) {
        const struct readiness_item *it = st ? st->item[i] : &rd->items[i];
        {
            if (it->ready || it->hidden) {
                continue;
            }
            shown++;
            html_lit(b, "<li>");
            if (!st && it->rule->clause[0]) {
                html_text(b, it->rule->clause);
                html_lit(b, " ");
            }
            html_text(b, it->rule->title);
            html_lit(b, "<span class=\"sub\">");
            html_text(b, it->gap);
            html_lit(b, "</span>");
            fix_link(r, b, it->fix, "Fix it");
            html_lit(b, "</li>");
        }
    }
    html_lit(b, "</ul><p class=\"subnav\"><a href=\"");
    href(r, b, "/readiness");
    html_lit(b, "\">Readiness report</a> · <a href=\"");
    href(r, b, "/journey");
    html_lit(b, "\">Implementation journey</a></p></section>");
    journey_free(&j);
}
