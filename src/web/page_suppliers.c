/* page_suppliers.c — supplier review schedule, questionnaires (the public
 * answer page /q/TOKEN among them), access reviews. Thin: parse, call
 * src/app/suppliers.c, render through html.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/suppliers.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "web.h"

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
