/* page_framework.c — GET /frameworks (every framework with its size) and
 * GET /frameworks/:n (a framework's compliance: each control met through an
 * implemented control of the SoA mapped to it, or a gap, with figures per
 * group; src/app/framework.h). Read with the controls (PERM_READ on
 * control, routes.def); every string escaped through html.h. */
#include <string.h>

#include "../app/framework.h"
#include "web.h"


int page_frameworks(struct req *r, struct resp *w)
{
    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, "Frameworks");
    struct err e = {0};
    struct framework_list l;
    if (app_frameworks(r->app, &l, &e)) {
        web_error_box(&b, e.msg);
        page_end(r, &b);
        page_send(w, &b, err_http_status(e.code));
        return 0;
    }
    html_lit(&b, "<div class=\"page-head\"><div><h1>Frameworks</h1><p class=\"lede\">Control "
                 "catalogues beside Annex A, with their compliance computed from the SoA "
                 "through the mappings. Import one with <code>isms framework import "
                 "FILE</code> (OSCAL catalog or CSV).</p></div></div>"
                 "<div class=\"table-wrap\"><table><thead><tr><th>Framework</th><th>Title</th>"
                 "<th>Source</th><th>Groups</th><th>Controls</th></tr></thead><tbody>");
    for (size_t i = 0; i < l.n; i++) {
        const struct framework *f = &l.v[i];
        html_lit(&b, "<tr><td><a href=\"");
        struct buf p;
        buf_init(&p, 0);
        buf_puts(&p, "/frameworks/");
        html_url(&p, f->id);
        href(r, &b, buf_str(&p));
        buf_free(&p);
        html_lit(&b, "\">");
        html_text(&b, f->id);
        html_lit(&b, "</a></td><td>");
        html_text(&b, f->title);
        html_lit(&b, "</td><td>");
        html_text(&b, f->source);
        html_lit(&b, "</td><td>");
        html_int(&b, f->ngroups);
        html_lit(&b, "</td><td>");
        html_int(&b, f->ncontrols);
        html_lit(&b, "</td></tr>");
    }
    html_lit(&b, "</tbody></table></div>");
    framework_list_free(&l);
    page_end(r, &b);
    page_send(w, &b, 200);
    return 0;
}

static void strlist_cell(struct buf *b, const struct strlist *l)
{
    for (size_t i = 0; i < l->n; i++) {
        html_lit_if(b, i, "<br>", "");
        html_text(b, l->v[i]);
    }
}

int page_framework(struct req *r, struct resp *w)
{
    struct err e = {0};
    struct fw_compliance c;
    if (app_fw_compliance(r->app, r->id2, &c, &e)) {
        resp_error(r, w, &e);
        return 0;
    }
    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, c.fw.title);
    html_lit(&b, "<div class=\"page-head\"><div><h1>");
    html_text(&b, c.fw.title);
    html_lit(&b, "</h1><p class=\"lede\">");
    html_int(&b, c.met);
    html_lit(&b, " of ");
    html_int(&b, c.controls);
    html_lit(&b, " controls met through implemented controls (");
    html_int(&b, c.percent);
    html_lit(&b, "%); ");
    html_int(&b, c.unmet);
    html_lit(&b, " mapped only to controls not implemented, ");
    html_int(&b, c.unmapped);
    html_lit(&b, " not mapped.</p></div><div class=\"actions\"><a class=\"button secondary\" "
                 "href=\"");
    href(r, &b, "/frameworks");
    html_lit(&b, "\">All frameworks</a></div></div><section class=\"card\"><h2>Per group</h2>"
                 "<div class=\"table-wrap\"><table><thead><tr><th>Group</th><th>Title</th>"
                 "<th>Controls</th><th>Met</th><th>Unmet</th><th>Not mapped</th></tr></thead>"
                 "<tbody>");
    for (size_t i = 0; i < c.ngroups; i++) {
        const struct fw_comp_group *g = &c.groups[i];
        html_lit(&b, "<tr><td>");
        html_text(&b, g->id);
        html_lit(&b, "</td><td>");
        html_text(&b, g->title);
        html_lit(&b, "</td><td>");
        html_int(&b, g->controls);
        html_lit(&b, "</td><td>");
        html_int(&b, g->met);
        html_lit(&b, "</td><td>");
        html_int(&b, g->unmet);
        html_lit(&b, "</td><td>");
        html_int(&b, g->unmapped);
        html_lit(&b, "</td></tr>");
    }
    html_lit(&b, "</tbody></table></div></section><section class=\"card\"><h2>Controls</h2>"
                 "<div class=\"table-wrap\"><table><thead><tr><th>Control</th><th>Title</th>"
                 "<th>State</th><th>Met through</th><th>Mapped, not implemented</th></tr>"
                 "</thead><tbody>");
    for (size_t i = 0; i < c.nrows; i++) {
        const struct fw_comp_row *x = &c.rows[i];
        html_lit(&b, "<tr><td>");
        html_text(&b, x->c->id);
        html_lit(&b, "</td><td>");
        html_text(&b, x->c->title);
        html_lit(&b, "</td><td>");
        if (x->met) {
            html_lit(&b, "<span class=\"tag good\">met</span>");
        } else if (x->mapped) {
            html_lit(&b, "<span class=\"tag warn\">gap: not implemented</span>");
        } else {
            html_lit(&b, "<span class=\"tag bad\">gap: no mapping</span>");
        }
        html_lit(&b, "</td><td>");
        strlist_cell(&b, &x->via);
        html_lit(&b, "</td><td>");
        strlist_cell(&b, &x->unmet);
        html_lit(&b, "</td></tr>");
    }
    html_lit(&b, "</tbody></table></div></section>");
    fw_compliance_free(&c);
    page_end(r, &b);
    page_send(w, &b, 200);
    return 0;
}
