/* page_method.c — GET /method: the risk method in force (scales, levels, score
 * grid, acceptance) and its versions. Read-only: the method is changed
 * through the CLI, never here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/util.h"
#include "../model/method.h"
#include "web.h"

static void scale_table(struct buf *b, const char *caption, const struct scale *s)
{
    html_lit(b, "<h3>");
    html_text(b, caption);
    html_lit(b, "</h3><div class=\"table-wrap\"><table class=\"compact\"><thead><tr>"
                "<th scope=\"col\" class=\"num\">Rating</th><th scope=\"col\">Label</th>"
                "<th scope=\"col\">Description</th><th scope=\"col\">Anchor</th></tr></thead>"
                "<tbody>");
    for (int i = 0; i < s->n; i++) {
        html_lit(b, "<tr><td class=\"num\">");
        html_int(b, i + 1);
        html_lit(b, "</td><td>");
        html_text(b, s->lv[i].label);
        html_lit(b, "</td><td>");
        html_text(b, s->lv[i].description);
        html_lit(b, "</td><td>");
        html_text(b, s->lv[i].anchor);
        html_lit(b, "</td></tr>");
    }
    html_lit(b, "</tbody></table></div>");
}

struct mrow {
    int version;
    char *name, *at, *by;
};

struct mlist {
    struct mrow v[64];
    int n;
    long more;
};

static int collect_method(void *ctx, const struct method_row *m)
{
    struct mlist *l = ctx;
    if (l->n == 64) {
        /* keep the latest 64 */
        free(l->v[0].name);
        free(l->v[0].at);
        free(l->v[0].by);
        memmove(&l->v[0], &l->v[1], 63 * sizeof l->v[0]);
        l->n--;
        l->more++;
    }
    l->v[l->n++] =
        (struct mrow){m->version, xstrdup(m->name), xstrdup(m->created_at), xstrdup(m->created_by)};
    return 0;
}

/* GET /method — the risk method in force. */
int page_method(struct req *r, struct resp *w)
{
    struct err e = {0};
    const struct method *m = app_method(r->app, &e);
    if (!m) {
        resp_error(r, w, &e);
        return 0;
    }
    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, "Risk method");
    web_crumbs(r, &b, "/risks", "Risks", "Risk method");
    html_lit(&b, "<h1>Risk assessment method</h1><p class=\"lede\">How risks are rated, scored, "
                 "levelled and accepted (clause 6.1.2). The method is a versioned document: "
                 "changing it re-scores every risk, and both are recorded in the history.</p>"
                 "<dl class=\"fields\"><div class=\"f\"><dt>Name</dt><dd>");
    html_text(&b, m->name);
    html_lit(&b, "</dd></div><div class=\"f\"><dt>Version in force</dt><dd>");
    html_int(&b, r->app->method_version);
    html_lit(&b, "</dd></div><div class=\"f\"><dt>Scoring</dt><dd>");
    html_text(&b, m->scoring == SCORING_MATRIX ? "looked up in the matrix below"
                                               : "likelihood × consequence");
    html_lit(&b,
             "</dd></div><div class=\"f\"><dt>Acceptance criterion</dt><dd>Scores up to <strong>");
    html_int(&b, m->accept_max);
    html_lit(&b, "</strong> may be retained by the risk owner");
    const struct risk_level *al = method_level(m, m->accept_max);
    if (al) {
        html_lit(&b, " (up to ");
        web_level(r, &b, al->name, NULL);
        html_lit(&b, ")");
    }
    html_lit(&b, "; above that, retaining a risk needs the approval of top management.</dd>"
                 "</div></dl>");

    html_lit(&b, "<h2>Scales</h2>");
    scale_table(&b, "Likelihood", &m->likelihood);
    scale_table(&b, "Consequence", &m->consequence);
    if (m->per_cia) {
        scale_table(&b, "Consequence for confidentiality", &m->cia[0]);
        scale_table(&b, "Consequence for integrity", &m->cia[1]);
        scale_table(&b, "Consequence for availability", &m->cia[2]);
    }

    html_lit(&b, "<h2>Risk levels</h2><div class=\"table-wrap\"><table class=\"compact\"><thead>"
                 "<tr><th scope=\"col\">Level</th><th scope=\"col\">Scores</th>"
                 "<th scope=\"col\">Required action</th><th scope=\"col\" class=\"num\">Review "
                 "every (days)</th><th scope=\"col\">Colour</th></tr></thead><tbody>");
    for (int i = 0; i < m->nlevels; i++) {
        const struct risk_level *lv = &m->levels[i];
        html_lit(&b, "<tr><td>");
        web_level(r, &b, lv->name, NULL);
        html_lit(&b, "</td><td class=\"nowrap\">");
        html_int(&b, lv->min);
        html_lit(&b, "–");
        html_int(&b, lv->max);
        html_lit(&b, "</td><td>");
        html_text(&b, lv->action);
        html_lit(&b, "</td><td class=\"num\">");
        html_int(&b, lv->review_days);
        html_lit(&b, "</td><td><code>");
        html_text(&b, lv->colour);
        html_lit(&b, "</code></td></tr>");
    }
    html_lit(&b, "</tbody></table></div>");

    html_lit(&b, "<h2>Score grid</h2><div class=\"table-wrap\"><table class=\"hm grid\"><caption "
                 "class=\"vh\">Score for each likelihood and consequence</caption><thead><tr>"
                 "<th scope=\"col\" class=\"corner\"><span class=\"axis\">Likelihood ↑ · "
                 "Consequence →</span></th>");
    for (int c = 0; c < m->consequence.n; c++) {
        html_lit(&b, "<th scope=\"col\"><span class=\"n\">");
        html_int(&b, c + 1);
        html_lit(&b, "</span> <span class=\"lbl\">");
        html_text(&b, m->consequence.lv[c].label);
        html_lit(&b, "</span></th>");
    }
    html_lit(&b, "</tr></thead><tbody>");
    for (int l = m->likelihood.n; l >= 1; l--) {
        html_lit(&b, "<tr><th scope=\"row\"><span class=\"n\">");
        html_int(&b, l);
        html_lit(&b, "</span> <span class=\"lbl\">");
        html_text(&b, m->likelihood.lv[l - 1].label);
        html_lit(&b, "</span></th>");
        for (int c = 1; c <= m->consequence.n; c++) {
            int s = method_score(m, l, c);
            const struct risk_level *lv = method_level(m, s);
            html_lit(&b, "<td class=\"hm-c ");
            html_token(&b, web_contrast_class(lv ? lv->colour : NULL));
            html_lit(&b, "\">");
            web_cell_bg(&b, lv ? lv->colour : NULL);
            html_lit(&b, "<span class=\"cnt\">");
            html_int(&b, s);
            html_lit(&b, "</span><span class=\"vh\"> ");
            html_text(&b, lv ? lv->label : "");
            html_lit(&b, "</span></td>");
        }
        html_lit(&b, "</tr>");
    }
    html_lit(&b, "</tbody></table></div>");

    struct mlist *ml = xcalloc(1, sizeof *ml);
    if (store_methods(r->app->st, collect_method, ml, &e) == 0 && ml->n) {
        html_lit(&b, "<h2>Versions</h2><p><a href=\"");
        href(r, &b, "/method/versions");
        html_lit(&b, "\">Every version as it was, its approval by top management, and "
                     "differences</a></p><div class=\"table-wrap\"><table class=\"compact\"><thead>"
                     "<tr><th scope=\"col\" class=\"num\">Version</th><th scope=\"col\">Name</th>"
                     "<th scope=\"col\">Since (UTC)</th><th scope=\"col\">By</th></tr></thead>"
                     "<tbody>");
        for (int i = ml->n - 1; i >= 0; i--) {
            html_lit(&b, "<tr><td class=\"num\">");
            html_int(&b, ml->v[i].version);
            html_lit(&b, "</td><td>");
            html_text(&b, ml->v[i].name);
            html_lit(&b, "</td><td class=\"nowrap\">");
            html_text(&b, ml->v[i].at);
            html_lit(&b, "</td><td>");
            html_text(&b, ml->v[i].by);
            html_lit(&b, "</td></tr>");
        }
        html_lit(&b, "</tbody></table></div>");
        if (ml->more) {
            html_lit(&b, "<p class=\"muted\">");
            html_int(&b, ml->more);
            html_lit(&b, " earlier versions are in the history.</p>");
        }
    }
    for (int i = 0; i < ml->n; i++) {
        free(ml->v[i].name);
        free(ml->v[i].at);
        free(ml->v[i].by);
    }
    free(ml);
    html_lit(&b, "<p class=\"muted small\">The method is changed from the command line "
                 "(<code>isms method import FILE</code> or <code>isms method set</code>); every "
                 "risk is re-scored in the same transaction.</p>");
    page_end(r, &b);
    page_send(w, &b, 200);
    return 0;
}
