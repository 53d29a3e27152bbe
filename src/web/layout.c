/* layout.c — the frame around every page. */
#include <string.h>

#include "web.h"

void href(struct req *r, struct buf *b, const char *path)
{
    html_attr(b, r->org ? r->org->prefix : "");
    html_attr(b, path);
}

void csrf_field(struct req *r, struct buf *b)
{
    html_lit(b, "<input type=\"hidden\" name=\"_csrf\" value=\"");
    html_attr(b, r->who.csrf);
    html_lit(b, "\">");
}

static void nav_link(struct req *r, struct buf *b, const char *path, const char *label)
{
    int current = strcmp(r->path, path) == 0 ||
                  (strlen(path) > 1 && strncmp(r->path, path, strlen(path)) == 0 &&
                   (r->path[strlen(path)] == '/' || r->path[strlen(path)] == 0));
    html_lit(b, "<li><a href=\"");
    href(r, b, path);
    if (current) {
        html_lit(b, "\" aria-current=\"page");
    }
    html_lit(b, "\">");
    html_text(b, label);
    html_lit(b, "</a></li>");
}

void page_begin(struct req *r, struct buf *b, const char *title)
{
    html_lit(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                "<title>");
    html_text(b, title);
    html_lit(b, " · isms</title><link rel=\"stylesheet\" href=\"");
    href(r, b, "/static/style.css");
    html_lit(b, "\"><script src=\"");
    href(r, b, "/static/app.js");
    html_lit(b, "\" defer></script></head><body>"
                "<a class=\"skip\" href=\"#main\">Skip to content</a>"
                "<header class=\"top\"><a class=\"brand\" href=\"");
    href(r, b, "/");
    html_lit(b, "\">isms</a>");
    if (r->org && r->org->slug[0]) {
        html_lit(b, "<span class=\"org\">");
        html_text(b, r->org->slug);
        html_lit(b, "</span>");
    }
    if (r->authed && r->who.mfa_ok) {
        html_lit(b, "<nav aria-label=\"Main\"><ul>");
        nav_link(r, b, "/", "Dashboard");
        if (perm_allows(r->role, PERM_READ, rtype_find("risk"), -1)) {
            nav_link(r, b, "/risks", "Risks");
            nav_link(r, b, "/assets", "Assets");
            nav_link(r, b, "/soa", "SoA");
            nav_link(r, b, "/plan", "Treatment plan");
        }
        nav_link(r, b, "/documents", "Policies");
        nav_link(r, b, "/incidents", "Incidents");
        html_lit(b, "</ul></nav><form class=\"logout\" method=\"post\" action=\"");
        href(r, b, "/logout");
        html_lit(b, "\">");
        csrf_field(r, b);
        html_lit(b, "<span class=\"who\">");
        html_text(b, r->who.name);
        html_lit(b, " · ");
        html_text(b, r->who.role);
        html_lit(b, "</span><button type=\"submit\" class=\"link\">Sign out</button></form>");
    }
    html_lit(b, "</header><main id=\"main\">");
}

void page_end(struct req *r, struct buf *b)
{
    (void)r;
    html_lit(b, "</main><footer class=\"foot\">isms — ISO/IEC 27001 information security "
                "management</footer></body></html>\n");
}

void page_send(struct resp *w, struct buf *b, int status)
{
    w->status = status;
    w->ctype = "text/html; charset=utf-8";
    buf_reset(&w->body);
    buf_append(&w->body, b->p ? b->p : "", b->len);
    buf_free(b);
}

void resp_html_page_error(struct req *r, struct resp *w, const struct err *e)
{
    struct buf b;
    buf_init(&b, 0);
    int status = err_http_status(e->code);
    page_begin(r, &b, "Error");
    html_lit(&b, "<section class=\"error-page\"><h1>");
    html_text(&b, status == 404   ? "Not found"
                  : status == 403 ? "Not allowed"
                  : status == 401 ? "Sign in needed"
                  : status == 429 ? "Too many attempts"
                  : status == 413 ? "Too large"
                  : status >= 500 ? "Something went wrong"
                                  : "That did not work");
    html_lit(&b, "</h1><p>");
    html_text(&b, e->msg);
    html_lit(&b, "</p><p><a href=\"");
    href(r, &b, "/");
    html_lit(&b, "\">Back to the dashboard</a></p></section>");
    page_end(r, &b);
    page_send(w, &b, status);
}
