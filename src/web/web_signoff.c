/* web_signoff.c — sign-offs on pages: the table of a subject's sign-offs
 * (who — person and account —, kind, capacity, when, rationale, evidence,
 * whether it still matches the current content) and the line that says as
 * whom the signed-in account signs. Reads app_signoffs only. */
#include <string.h>

#include "web.h"

void web_signoffs(struct req *r, struct buf *b, const struct signoffs *l, const char *heading)
{
    if (!l->n) {
        return;
    }
    html_lit(b, "<section aria-labelledby=\"h-signoffs\" class=\"signoffs\"><h2 "
                "id=\"h-signoffs\">");
    html_text(b, heading);
    html_lit(b, "</h2><div class=\"table-wrap\"><table class=\"compact\"><thead><tr>"
                "<th scope=\"col\">When (UTC)</th><th scope=\"col\">What</th>"
                "<th scope=\"col\">Signed by</th><th scope=\"col\">Capacity</th>"
                "<th scope=\"col\">Rationale</th>"
                "<th scope=\"col\">Matches the content now</th></tr></thead><tbody>");
    for (size_t i = l->n; i-- > 0;) {
        const struct signoff *s = &l->v[i];
        html_lit(b, "<tr><td class=\"nowrap\">");
        web_time(b, s->at);
        html_lit(b, "</td><td>");
        html_text(b, s->kind);
        if (s->version > 0) {
            html_lit(b, " of version ");
            html_int(b, s->version);
        }
        html_lit(b, "</td><td>");
        if (s->on_behalf_of) {
            html_lit(b, "recorded on behalf of ");
            web_ref_titled(r, b, s->on_behalf_of);
            html_lit(b, " by ");
        }
        web_ref_titled(r, b, s->person);
        if (s->account > 0) {
            html_lit(b, " <span class=\"muted\">(account ");
            html_text(b, s->account_name);
            html_lit(b, ")</span>");
        } else {
            html_lit(b, " <span class=\"muted\">(no account: recorded before sign-offs were "
                        "bound to accounts)</span>");
        }
        if (s->evidence) {
            html_lit(b, "<br><span class=\"small\">evidence ");
            html_text(b, s->evidence);
            html_lit(b, "</span>");
        }
        html_lit(b, "</td><td>");
        html_text(b, s->capacity);
        html_lit(b, "</td><td>");
        web_paragraphs(b, s->rationale);
        html_lit(b, "</td><td>");
        if (s->current == 1) {
            html_lit(b, "<span class=\"tag good\">yes</span>");
        } else if (s->current == 0) {
            html_lit(b, "<span class=\"tag\">no: changed since</span>");
        } else {
            html_lit(b, "—");
        }
        html_lit(b, "</td></tr>");
    }
    html_lit(b, "</tbody></table></div></section>");
}

void web_signer_line(struct req *r, struct buf *b)
{
    html_lit(b, "<p class=\"small\">You sign as ");
    if (r->auth.person[0]) {
        web_ref_titled(r, b, r->auth.person);
    } else {
        html_lit(b, "no person (this account is linked to none, so it cannot sign)");
    }
    html_lit(b, ", account ");
    html_text(b, r->auth.name);
    html_lit(b, ".</p>");
}
