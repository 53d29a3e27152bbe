/* page_attach.c — evidence files on a record's page: the list with
 * validity ("expires in 12 days", "expired"), downloads, the upload form
 * (multipart, spooled by the server) and removal. Permissions are the
 * router's (routes.def): edit the record to attach or remove, read it to
 * list and download. */
#include <stdio.h>
#include <string.h>

#include "../http/upload.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "web.h"

struct att_list {
    struct req *r;
    struct buf *b;
    const struct record *rec;
    const char *today;
    int may_edit;
    int n;
};

static void size_text(struct buf *b, int64_t n)
{
    char s[32];
    if (n < 1024) {
        snprintf(s, sizeof s, "%lld B", (long long)n);
    } else if (n < 1024 * 1024) {
        snprintf(s, sizeof s, "%.1f KB", (double)n / 1024);
    } else {
        snprintf(s, sizeof s, "%.1f MB", (double)n / (1024 * 1024));
    }
    html_text(b, s);
}

static int att_row(void *ctx, const struct attachment_info *a)
{
    struct att_list *l = ctx;
    struct buf *b = l->b;
    if (l->n++ == 0) {
        html_lit(b, "<table class=\"attachments\"><thead><tr><th>File</th><th>Size</th>"
                    "<th>Valid until</th><th>Added</th>"
                    "<th><span class=\"vh\">Actions</span></th></tr></thead><tbody>");
    }
    html_lit(b, "<tr><td><a download href=\"");
    web_ref_href(l->r, b, l->rec->ref);
    html_lit(b, "/attachments/");
    html_url(b, a->ref);
    html_lit(b, "\">");
    html_text(b, a->name);
    html_lit(b, "</a> <span class=\"id\">");
    html_text(b, a->ref);
    html_lit(b, "</span><br><span class=\"muted sha\">SHA-256 ");
    html_text(b, a->sha256);
    html_lit(b, "</span></td><td>");
    size_text(b, a->size);
    html_lit(b, "</td><td>");
    int days;
    if (app_attachment_expiry(a, l->today, &days)) {
        char txt[64];
        app_attachment_expiry_text(a, l->today, txt);
        html_text(b, a->valid_until);
        if (days < 0) {
            html_lit(b, " <span class=\"tag bad\">");
        } else if (days <= 30) {
            html_lit(b, " <span class=\"tag warn\">");
        } else {
            html_lit(b, " <span class=\"tag good\">");
        }
        html_text(b, txt);
        html_lit(b, "</span>");
    } else {
        html_lit(b, "<span class=\"muted\">no expiry</span>");
    }
    html_lit(b, "</td><td>");
    web_time(b, a->added_at);
    html_lit(b, " by ");
    html_text(b, a->added_by);
    html_lit(b, "</td><td>");
    if (l->may_edit) {
        html_lit(b, "<form method=\"post\" data-confirm=\"Remove this evidence file?\" action=\"");
        web_ref_href(l->r, b, l->rec->ref);
        html_lit(b, "/attachments/");
        html_url(b, a->ref);
        html_lit(b, "/remove\">");
        csrf_field(l->r, b);
        html_lit(b, "<button type=\"submit\" class=\"secondary\">Remove</button></form>");
    }
    html_lit(b, "</td></tr>");
    return 0;
}

void web_attachments_section(struct req *r, struct buf *b, const struct record *rec)
{
    char today[11];
    date_today(today);
    struct att_list l = {r, b, rec, today, 0, 0};
    l.may_edit =
        !record_get(rec, FIELD_RETIRED) && web_may(r, PERM_EDIT, rec->type, web_owns(r, rec));
    html_lit(b, "<section aria-labelledby=\"h-att\"><h2 id=\"h-att\">Evidence files</h2>");
    struct err e = {0};
    if (app_attachments(r->app, rec->ref, 0, att_row, &l, &e)) {
        web_error_box(b, e.msg);
    } else if (l.n) {
        html_lit(b, "</tbody></table>");
    } else {
        html_lit(b, "<p class=\"muted\">No evidence files yet.</p>");
    }
    if (l.may_edit) {
        html_lit(b, "<form class=\"upload\" method=\"post\" enctype=\"multipart/form-data\" "
                    "action=\"");
        web_ref_href(r, b, rec->ref);
        html_lit(b, "/attachments\">");
        csrf_field(r, b);
        html_lit(b, "<label>File <input type=\"file\" name=\"file\" required></label> "
                    "<label>Valid until <input type=\"date\" name=\"valid_until\"></label> "
                    "<button type=\"submit\">Attach</button><p class=\"muted\">At most ");
        html_int(b, upload_max() / (1024 * 1024));
        html_lit(b, " MB. Stored once inside the ISMS file, by SHA-256; downloads are checked "
                    "against it.</p></form>");
    }
    html_lit(b, "</section>");
}

static void back_to_record(struct req *r, struct resp *w, const char *done)
{
    struct buf to;
    buf_init(&to, 0);
    buf_printf(&to, "/%s/", r->type->plural);
    html_url(&to, r->rec->ref);
    buf_printf(&to, "?done=%s#h-att", done);
    resp_redirect(r, w, buf_str(&to));
    buf_free(&to);
}

/* POST /:type/:id/attachments — a multipart form with the file and
 * valid_until; 303 back to the record, or the record page with the error. */
int page_attach(struct req *r, struct resp *w)
{
    struct err e = {0};
    if (upload_attach(r, kv_get(&r->form, "valid_until"), NULL, &e)) {
        web_show_record(r, w, &e);
        return 0;
    }
    back_to_record(r, w, "attached");
    return 0;
}

/* GET /:type/:id/attachments/:n — the file, as a download. */
int page_attachment_get(struct req *r, struct resp *w)
{
    upload_download(r, w, r->id2);
    return 0;
}

/* POST /:type/:id/attachments/:n/remove */
int page_attachment_remove(struct req *r, struct resp *w)
{
    struct err e = {0};
    if (app_attachment_remove(r->app, r->id2, r->rec->ref, &e)) {
        web_show_record(r, w, &e);
        return 0;
    }
    back_to_record(r, w, "detached");
    return 0;
}
