/* page_risk.c — the heat maps (method colours as SVG fills, which the CSP
 * allows) and the risk accept/review actions (app_risk_accept/review). Never
 * computes scores or levels: they come from the app layer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/util.h"
#include "../model/method.h"
#include "web.h"

void web_heatmap(struct req *r, struct buf *b, int residual)
{
    struct risk_matrix mx;
    struct err e = {0};
    const struct method *m = app_method(r->app, &e);
    if (!m || app_risk_matrix(r->app, residual, &mx, &e)) {
        web_error_box(b, e.msg);
        return;
    }
    const char *lf = residual ? "residual_likelihood" : "likelihood";
    const char *cf = residual ? "residual_consequence" : "consequence";
    long total = 0;
    for (int l = 0; l < mx.nl; l++) {
        for (int c = 0; c < mx.nc; c++) {
            total += mx.cell[l][c].count;
        }
    }
    html_lit(b, "<figure class=\"heatmap\"><figcaption><strong>");
    html_text(b, residual ? "Residual risk" : "Inherent risk");
    html_lit(b, "</strong> <span class=\"muted\">");
    html_text(b, residual ? "after the planned treatment" : "before treatment");
    html_lit(b, " · ");
    html_int(b, total);
    html_lit(b, " rated</span></figcaption><div class=\"table-wrap\"><table class=\"hm\">"
                "<thead><tr><th scope=\"col\" class=\"corner\"><span class=\"axis\">"
                "Likelihood ↑ · Consequence →</span></th>");
    for (int c = 0; c < mx.nc; c++) {
        html_lit(b, "<th scope=\"col\"><span class=\"n\">");
        html_int(b, c + 1);
        html_lit(b, "</span> <span class=\"lbl\">");
        html_text(b, m->consequence.lv[c].label);
        html_lit(b, "</span></th>");
    }
    html_lit(b, "</tr></thead><tbody>");
    for (int l = mx.nl - 1; l >= 0; l--) {
        html_lit(b, "<tr><th scope=\"row\"><span class=\"n\">");
        html_int(b, l + 1);
        html_lit(b, "</span> <span class=\"lbl\">");
        html_text(b, m->likelihood.lv[l].label);
        html_lit(b, "</span></th>");
        for (int c = 0; c < mx.nc; c++) {
            const struct matrix_cell *cell = &mx.cell[l][c];
            html_lit(b, "<td class=\"hm-c ");
            html_token(b, web_contrast_class(cell->colour));
            html_lit(b, " lvl-");
            html_token(b, cell->level);
            html_lit(b, "\">");
            web_cell_bg(b, cell->colour);
            struct buf label;
            buf_init(&label, 0);
            buf_printf(&label, " %s at likelihood %d, consequence %d: score %d, %s",
                       cell->count == 1 ? "risk" : "risks", l + 1, c + 1, cell->score, cell->level);
            if (cell->count) {
                html_lit(b, "<a class=\"cnt\" href=\"");
                href(r, b, "/risks?");
                html_url(b, lf);
                html_lit(b, "=");
                html_int(b, l + 1);
                html_lit(b, "&amp;");
                html_url(b, cf);
                html_lit(b, "=");
                html_int(b, c + 1);
                html_lit(b, "\">");
                html_int(b, cell->count);
                html_lit(b, "<span class=\"vh\">");
                html_text(b, buf_str(&label));
                html_lit(b, "</span></a>");
            } else {
                html_lit(b, "<span class=\"cnt zero\" aria-hidden=\"true\">·</span>"
                            "<span class=\"vh\">no");
                html_text(b, buf_str(&label));
                html_lit(b, "</span>");
            }
            html_lit(b, "<span class=\"sc\" aria-hidden=\"true\">");
            html_int(b, cell->score);
            html_lit(b, "</span></td>");
            buf_free(&label);
        }
        html_lit(b, "</tr>");
    }
    html_lit(b, "</tbody></table></div>");
    if (mx.unrated) {
        html_lit(b, "<p class=\"muted small\">");
        html_int(b, mx.unrated);
        html_lit_if(b, mx.unrated == 1, " risk not yet rated", " risks not yet rated");
        html_lit_if(b, residual, " for residual risk.</p>", ".</p>");
    }
    html_lit(b, "</figure>");
}

/* The levels of the method with their colours, ranges and actions. */
static void legend(struct req *r, struct buf *b)
{
    struct err e = {0};
    const struct method *m = app_method(r->app, &e);
    if (!m) {
        return;
    }
    html_lit(b, "<ul class=\"legend\">");
    for (int i = 0; i < m->nlevels; i++) {
        const struct risk_level *lv = &m->levels[i];
        html_lit(b, "<li>");
        web_swatch(b, lv->colour);
        html_lit(b, "<strong>");
        html_text(b, lv->label);
        html_lit(b, "</strong> <span class=\"muted\">");
        html_int(b, lv->min);
        html_lit(b, "–");
        html_int(b, lv->max);
        html_lit(b, "</span>");
        if (lv->action) {
            html_lit(b, " — ");
            html_text(b, lv->action);
        }
        html_lit(b, "</li>");
    }
    html_lit(b, "</ul><p class=\"muted small\">Scores up to ");
    html_int(b, m->accept_max);
    html_lit(b, " may be retained by the risk owner; above that, top management decides. "
                "Each number is the count of active risks in that cell; follow it to the "
                "list.</p>");
}

/* GET /risks/matrix — inherent and residual heat maps with the level legend. */
int page_risk_matrix(struct req *r, struct resp *w)
{
    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, "Risk heat map");
    web_crumbs(r, &b, "/risks", "Risks", "Heat map");
    html_lit(&b, "<h1>Risk heat map</h1><p class=\"lede\">Active risks by likelihood and "
                 "consequence, before and after treatment, with the levels of the risk method "
                 "in force (<a href=\"");
    href(r, &b, "/method");
    html_lit(&b, "\">method</a>).</p><div class=\"heatmaps\">");
    web_heatmap(r, &b, 0);
    web_heatmap(r, &b, 1);
    html_lit(&b, "</div>");
    legend(r, &b);
    page_end(r, &b);
    page_send(w, &b, 200);
    return 0;
}

static void back_to_risk(struct req *r, struct resp *w, const char *done)
{
    struct buf to;
    buf_init(&to, 0);
    buf_puts(&to, "/risks/");
    for (const char *p = r->rec->ref; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '.') {
            buf_putc(&to, *p);
        }
    }
    buf_printf(&to, "?done=%s", done);
    resp_redirect(r, w, buf_str(&to));
    buf_free(&to);
}

/* POST /risks/:id/accept — the rationale from the form (untrusted) to
 * app_risk_accept, signed by the session's account; 303 back, or the risk
 * page with the message. */
int page_risk_accept(struct req *r, struct resp *w)
{
    struct err e = {0};
    int rc = app_risk_accept(r->app, r->rec->ref, kv_get(&r->form, "rationale"), NULL, NULL, &e);
    if (rc) {
        web_show_record(r, w, &e);
        return 0;
    }
    back_to_risk(r, w, "accepted");
    return 0;
}

/* POST /risks/:id/review — app_risk_review; 303 back, or the risk page with
 * the message. */
int page_risk_review(struct req *r, struct resp *w)
{
    struct err e = {0};
    int rc = app_risk_review(r->app, r->rec->ref, &e);
    if (rc) {
        web_show_record(r, w, &e);
        return 0;
    }
    back_to_risk(r, w, "reviewed");
    return 0;
}
