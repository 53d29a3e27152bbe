/* page_document.c — document control on the web: the document panel of a
 * document's page (its state, the version in force, the workflow steps the
 * viewer may take, versions and acknowledgement), a version as it was, the
 * diff of two versions, acknowledgement completion, and the POSTs of the
 * workflow and of acknowledgement. Writes only through app_document_*; the
 * signer is the session's account (app->signer). Staff see the version in
 * force only: the router loaded it through their row rule. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/text.h"
#include "../lib/util.h"
#include "../http/upload.h"
#include "web.h"

/* A small POST form with one button (and CSRF). */
static void action_form(struct req *r, struct buf *b, const char *ref, const char *action,
                        const char *label, int secondary)
{
    if (!web_may_sign(r)) {
        return; /* accounts: an external auditor signs nothing */
    }
    html_lit(b, "<form method=\"post\" class=\"step\" action=\"");
    web_ref_href(r, b, ref);
    html_lit(b, "/");
    html_url(b, action);
    html_lit(b, "\">");
    csrf_field(r, b);
    html_lit_if(b, secondary, "<button type=\"submit\" class=\"secondary\">",
                "<button type=\"submit\">");
    html_text(b, label);
    html_lit(b, "</button></form> ");
}

static int has_acked(struct req *r, const char *ref, int version, char *at, size_t size)
{
    struct err e = {0};
    return r->auth.person[0] &&
           store_doc_acked(r->app->st, &r->app->who, ref, version, r->auth.person, at, size, &e) == 1;
}

/* Acknowledgement: what the viewer did about the version in force. */
static void ack_block(struct req *r, struct buf *b, const struct record *rec, int in_force)
{
    char at[32] = "";
    html_lit(b, "<div class=\"ack\">");
    if (has_acked(r, rec->ref, in_force, at, sizeof at)) {
        html_lit(b, "<p><span class=\"tag good\">acknowledged</span> You acknowledged version ");
        html_int(b, in_force);
        html_lit(b, ".0 on ");
        web_time(b, at);
        html_lit(b, ".</p>");
    } else if (r->auth.person[0]) {
        html_lit(b, "<p>Please read this version and confirm that you have read and understood "
                    "it.</p>");
        action_form(r, b, rec->ref, "ack", "I have read and understood it", 0);
    }
    html_lit(b, "</div>");
}

/* The sign-offs of every version but acknowledgements, read once. */
struct decisions {
    struct decision {
        int version;
        char *kind, *person, *account, *capacity, *rationale, *at, *behalf;
    } *v;
    size_t n, cap;
};

static int add_decision(void *ctx, const struct doc_decision *d)
{
    struct decisions *l = ctx;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = (struct decision){d->version,           xstrdup(d->kind),
                                     xstrdup(d->person),    xstrdup(d->account_name),
                                     xstrdup(d->capacity),  xstrdup(d->rationale),
                                     xstrdup(d->at),        xstrdup(d->on_behalf_of)};
    return 0;
}

struct ack_counts {
    int version[4096];
    long n[4096];
    int k;
};

static int add_count(void *ctx, int version, long n)
{
    struct ack_counts *c = ctx;
    if (c->k < 4096) {
        c->version[c->k] = version;
        c->n[c->k++] = n;
    }
    return 0;
}

static void versions_table(struct req *r, struct buf *b, const struct record *rec)
{
    struct versions l = {0};
    struct decisions ds = {0};
    struct ack_counts *ac = xcalloc(1, sizeof *ac);
    struct err e = {0};
    if (app_version_list(r->app, "document", rec->ref, &l, &e) ||
        store_doc_decisions(r->app->st, &r->app->who, rec->ref, add_decision, &ds, &e) ||
        store_doc_ack_counts(r->app->st, &r->app->who, rec->ref, add_count, ac, &e)) {
        web_error_box(b, e.msg);
        goto done;
    }
    html_lit(b, "<h3>Versions</h3>");
    if (!l.n) {
        html_lit(b, "<p class=\"muted\">No version yet: the draft becomes version 1.0 when it is "
                    "submitted for review.</p>");
        goto done;
    }
    const char *retention = record_get(rec, "retention");
    html_lit(b, "<div class=\"table-wrap\"><table class=\"compact\"><thead><tr>"
                "<th scope=\"col\">Version</th><th scope=\"col\">State</th>"
                "<th scope=\"col\">Submitted (UTC)</th><th scope=\"col\">Sign-offs</th>"
                "<th scope=\"col\">Diff</th></tr></thead><tbody>");
    for (size_t i = l.n; i-- > 0;) {
        const struct version *v = &l.v[i];
        html_lit(b, "<tr><td><a href=\"");
        web_ref_href(r, b, rec->ref);
        html_lit(b, "/versions/");
        html_int(b, v->number);
        html_lit(b, "\">");
        html_int(b, v->number);
        html_lit(b, ".0</a></td><td>");
        html_text(b, v->state);
        if (v->state && strcmp(v->state, "superseded") == 0) {
            html_lit(b, " <span class=\"muted\">(withdrawn from staff, kept for the record");
            if (retention) {
                html_lit(b, "; retention: ");
                html_text(b, retention);
            }
            html_lit(b, ")</span>");
        }
        html_lit(b, "</td><td class=\"nowrap\">");
        web_time(b, v->created_at);
        html_lit(b, "</td><td>");
        for (size_t k = 0; k < ds.n; k++) {
            const struct decision *d = &ds.v[k];
            if (d->version != v->number) {
                continue;
            }
            html_lit(b, "<div>");
            html_text(b, strcmp(d->kind, "review") == 0      ? "reviewed"
                         : strcmp(d->kind, "sent-back") == 0 ? "sent back"
                         : strcmp(d->kind, "approval") == 0  ? "approved"
                                                             : d->kind);
            html_lit(b, " by ");
            web_ref_titled(r, b, d->behalf ? d->behalf : d->person);
            if (d->behalf) {
                html_lit(b, " (recorded by ");
                web_ref_link(r, b, d->person, NULL);
                html_lit(b, ")");
            }
            html_lit(b, " <span class=\"muted\">account ");
            html_text(b, d->account);
            html_lit(b, ", as ");
            html_text(b, d->capacity);
            html_lit(b, ", ");
            web_time(b, d->at);
            html_lit(b, "</span>");
            if (d->rationale) {
                html_lit(b, " — <q>");
                html_text(b, d->rationale);
                html_lit(b, "</q>");
            }
            html_lit(b, "</div>");
        }
        for (int k = 0; k < ac->k; k++) {
            if (ac->version[k] != v->number) {
                continue;
            }
            html_lit(b, "<div><a href=\"");
            web_ref_href(r, b, rec->ref);
            html_lit(b, "/acks?version=");
            html_int(b, v->number);
            html_lit(b, "\">");
            html_int(b, ac->n[k]);
            html_lit(b, " acknowledgement");
            html_lit_if(b, ac->n[k] != 1, "s</a></div>", "</a></div>");
        }
        html_lit(b, "</td><td>");
        if (i > 0) {
            html_lit(b, "<a href=\"");
            web_ref_href(r, b, rec->ref);
            html_lit(b, "/diff?from=");
            html_int(b, l.v[i - 1].number);
            html_lit(b, "&amp;to=");
            html_int(b, v->number);
            html_lit(b, "\">changes from ");
            html_int(b, l.v[i - 1].number);
            html_lit(b, ".0</a>");
        }
        html_lit(b, "</td></tr>");
    }
    html_lit(b, "</tbody></table></div>");
done:
    for (size_t k = 0; k < ds.n; k++) {
        free(ds.v[k].kind);
        free(ds.v[k].person);
        free(ds.v[k].account);
        free(ds.v[k].capacity);
        free(ds.v[k].rationale);
        free(ds.v[k].at);
        free(ds.v[k].behalf);
    }
    free(ds.v);
    free(ac);
    versions_free(&l);
}

/* typed: the content as an attached PDF or DOCX (doc_file.c): a download
 * link with its SHA-256, and for editors the form that attaches one. */
static void content_file_block(struct req *r, struct buf *b, const struct record *rec,
                               int may_edit)
{
    struct attachment_info info;
    struct err e = {0};
    int rc = app_document_file(r->app, rec, &info, &e);
    if (rc < 0) {
        web_error_box(b, e.msg);
    } else if (rc > 0) {
        int pdf = strcmp(info.media_type, "application/pdf") == 0;
        html_lit(b, "<p class=\"doc-file\"><span class=\"k\">Content file</span> <a href=\"");
        web_ref_href(r, b, rec->ref);
        html_lit(b, "/content\">");
        html_text(b, info.name);
        html_lit(b, "</a> (");
        html_lit_if(b, pdf, "PDF", "Word document");
        html_lit(b, ", ");
        html_int(b, info.size);
        html_lit(b, " bytes) <span class=\"small\">SHA-256 <code class=\"hash\">");
        html_text(b, info.sha256);
        html_lit(b, "</code></span></p>");
    }
    const char *st = record_get(rec, FIELD_STATUS);
    if (!may_edit || record_get(rec, FIELD_RETIRED) || !st ||
        (strcmp(st, "draft") != 0 && strcmp(st, "approved") != 0 &&
         strcmp(st, "published") != 0)) {
        return;
    }
    if (rc > 0) {
        html_lit(b, "<form method=\"post\" class=\"inline\" action=\"");
        web_ref_href(r, b, rec->ref);
        html_lit(b, "/content/remove\">");
        csrf_field(r, b);
        html_lit(b, "<button type=\"submit\" class=\"secondary\">Back to Markdown (the draft "
                    "names no file)</button></form>");
    }
    html_lit(b, "<details><summary>Content as a PDF or Word document</summary><form "
                "method=\"post\" enctype=\"multipart/form-data\" action=\"");
    web_ref_href(r, b, rec->ref);
    html_lit(b, "/content\">");
    csrf_field(r, b);
    html_lit(b, "<label for=\"doc-file\">File (PDF or DOCX)</label><input type=\"file\" "
                "id=\"doc-file\" name=\"file\" accept=\".pdf,.docx\" required>");
    if (strcmp(st, "draft") != 0) {
        html_lit(b, "<p class=\"muted\">This starts a new draft; the version in force stays "
                    "until the new one is approved.</p>");
    }
    html_lit(b, "<button type=\"submit\" class=\"secondary\">Use as the content</button>"
                "</form></details>");
}

void web_document_panel(struct req *r, struct buf *b, const struct record *rec)
{
    const char *status = record_get(rec, FIELD_STATUS);
    const char *in_force_s = record_get(rec, "in_force");
    int in_force = in_force_s ? atoi(in_force_s) : 0;
    int retired = record_get(rec, FIELD_RETIRED) != NULL;
    char today[11];
    date_today(today);
    html_lit(b, "<section class=\"panel doc-panel\" aria-labelledby=\"h-doc\">"
                "<h2 id=\"h-doc\">Document control</h2><div class=\"levels\"><div><span "
                "class=\"k\">Status</span>");
    html_text(b, status);
    html_lit(b, "</div><div><span class=\"k\">In force</span>");
    if (in_force) {
        html_int(b, in_force);
        html_lit(b, ".0");
    } else {
        html_lit(b, "<span class=\"muted\">none yet</span>");
    }
    html_lit(b, "</div><div><span class=\"k\">Next review</span>");
    const char *rd = record_get(rec, "review_date");
    if (rd) {
        html_text(b, rd);
        if (in_force && strcmp(rd, today) <= 0) {
            html_lit(b, " <span class=\"tag bad\">overdue</span>");
        }
    } else {
        html_lit(b, "<span class=\"muted\">—</span>");
    }
    html_lit(b, "</div></div>");
    content_file_block(r, b, rec,
                       perm_sees_versions(r->role, rec->type) &&
                           web_may(r, PERM_EDIT, rec->type, web_owns(r, rec)));
    if (!perm_sees_versions(r->role, rec->type)) {
        /* staff: the version in force, and their acknowledgement */
        if (in_force) {
            ack_block(r, b, rec, in_force);
        }
        html_lit(b, "</section>");
        return;
    }
    if (!retired) {
        int owns = web_owns(r, rec);
        int edit = web_may(r, PERM_EDIT, rec->type, owns);
        html_lit(b, "<div class=\"actions\">");
        if (status && strcmp(status, "draft") == 0 && edit) {
            action_form(r, b, rec->ref, "submit", "Submit for review", 0);
        }
        if (status && strcmp(status, "in-review") == 0) {
            action_form(r, b, rec->ref, "review", "Sign the review", 0);
            action_form(r, b, rec->ref, "approve", "Approve", 0);
        }
        if (status && strcmp(status, "approved") == 0 && edit) {
            action_form(r, b, rec->ref, "publish", "Publish", 0);
        }
        if (status && (strcmp(status, "approved") == 0 || strcmp(status, "published") == 0) &&
            edit) {
            action_form(r, b, rec->ref, "revise", "Start a new draft", 1);
        }
        html_lit(b, "</div>");
        if (status && strcmp(status, "in-review") == 0 && web_may_sign(r)) {
            html_lit(b, "<details><summary>Send back to the author</summary><form "
                        "method=\"post\" action=\"");
            web_ref_href(r, b, rec->ref);
            html_lit(b, "/review\">");
            csrf_field(r, b);
            html_lit(b, "<input type=\"hidden\" name=\"decision\" value=\"send-back\">"
                        "<label for=\"comment\">What must change</label><textarea "
                        "id=\"comment\" name=\"comment\" rows=\"3\" required></textarea>"
                        "<button type=\"submit\" class=\"secondary\">Send back</button>"
                        "</form></details>");
        }
    }
    if (in_force) {
        struct doc_acks k;
        struct err e = {0};
        if (app_document_acks(r->app, rec->ref, in_force, -1, &k, &e) == 0) {
            html_lit(b, "<p>Acknowledgement of version ");
            html_int(b, in_force);
            html_lit(b, ".0: <strong>");
            html_int(b, k.acked);
            html_lit(b, " of ");
            html_int(b, k.people);
            html_lit(b, "</strong> people of its audience (<a href=\"");
            web_ref_href(r, b, rec->ref);
            html_lit(b, "/acks\">by department</a>).</p>");
            doc_acks_free(&k);
        }
        ack_block(r, b, rec, in_force);
    }
    versions_table(r, b, rec);
    html_lit(b, "</section>");
}

/* ---- a version as it was ---------------------------------------------------- */

static int version_param(const char *s, int *n)
{
    int64_t v;
    if (!s || int_parse(s, &v) || v < 1 || v > 1000000) {
        return -1;
    }
    *n = (int)v;
    return 0;
}

int page_doc_version(struct req *r, struct resp *w)
{
    struct err e = {0};
    int n;
    struct version v = {0};
    if (version_param(r->id2, &n)) {
        err_set(&e, ERR_NOTFOUND, NULL, "%s has no version '%.20s'", r->rec->ref, r->id2);
        resp_error(r, w, &e);
        return 0;
    }
    if (app_version_get(r->app, "document", r->rec->ref, n, NULL, &v, &e)) {
        resp_error(r, w, &e);
        return 0;
    }
    json_t *c = json_loads(v.content, 0, NULL);
    const char *title = json_string_value(json_object_get(c, "title"));
    char head[300];
    snprintf(head, sizeof head, "%s version %d.0", r->rec->ref, n);
    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, head);
    char crumb[120];
    snprintf(crumb, sizeof crumb, "version %d.0", n);
    web_crumbs(r, &b, "/documents", "Documents", crumb);
    html_lit(&b, "<div class=\"page-head\"><div><p class=\"eyebrow\">Document · <a href=\"");
    web_ref_href(r, &b, r->rec->ref);
    html_lit(&b, "\">");
    html_text(&b, r->rec->ref);
    html_lit(&b, "</a> · version ");
    html_int(&b, n);
    html_lit(&b, ".0 · ");
    html_text(&b, v.state);
    html_lit(&b, "</p><h1>");
    html_text(&b, title ? title : r->rec->ref);
    html_lit(&b, "</h1></div></div><p class=\"meta\">Frozen ");
    web_time(&b, v.created_at);
    html_lit(&b, " by ");
    html_text(&b, v.created_by);
    html_lit(&b, " · SHA-256 <code>");
    html_text(&b, v.sha256);
    html_lit(&b, "</code></p>");
    struct signoffs so = {0};
    if (app_signoffs(r->app, "document", r->rec->ref, n, v.sha256, &so, &e) == 0 && so.n) {
        long acks = 0;
        html_lit(&b, "<section aria-labelledby=\"h-so\"><h2 id=\"h-so\">Sign-offs</h2><ul>");
        for (size_t i = 0; i < so.n; i++) {
            if (strcmp(so.v[i].kind, "acknowledgement") == 0) {
                acks++; /* counted, listed on the acknowledgement page */
                continue;
            }
            struct buf lb;
            buf_init(&lb, 0);
            signoff_label(&so.v[i], &lb);
            html_lit(&b, "<li>");
            html_text(&b, buf_str(&lb));
            if (so.v[i].rationale) {
                html_lit(&b, " — <q>");
                html_text(&b, so.v[i].rationale);
                html_lit(&b, "</q>");
            }
            html_lit(&b, "</li>");
            buf_free(&lb);
        }
        if (acks) {
            html_lit(&b, "<li><a href=\"");
            web_ref_href(r, &b, r->rec->ref);
            html_lit(&b, "/acks?version=");
            html_int(&b, n);
            html_lit(&b, "\">");
            html_int(&b, acks);
            html_lit(&b, " acknowledgements</a></li>");
        }
        html_lit(&b, "</ul></section>");
    }
    signoffs_free(&so);
    html_lit(&b, "<section aria-labelledby=\"h-content\"><h2 id=\"h-content\">Content</h2>"
                 "<dl class=\"fields\">");
    const struct rtype *t = r->rec->type;
    const char *k;
    json_t *x;
    json_object_foreach(c, k, x) {
        const struct field *f = rtype_field(t, k, NULL);
        if (!f || strcmp(k, "body") == 0 || strcmp(k, "title") == 0 || json_is_null(x)) {
            continue;
        }
        html_lit(&b, "<div class=\"f\"><dt>");
        html_text(&b, f->label);
        html_lit(&b, "</dt><dd>");
        if (json_is_string(x)) {
            html_text(&b, json_string_value(x));
        } else {
            char *d = json_dumps(x, JSON_ENCODE_ANY | JSON_COMPACT);
            html_text(&b, d);
            free(d);
        }
        html_lit(&b, "</dd></div>");
    }
    html_lit(&b, "</dl>");
    /* typed: this version's content file, as frozen */
    const char *cf = json_string_value(json_object_get(c, "content_file"));
    if (cf) {
        html_lit(&b, "<p class=\"doc-file\"><a href=\"");
        web_ref_href(r, &b, r->rec->ref);
        html_lit(&b, "/attachments/");
        html_url(&b, cf);
        html_lit(&b, "\">Download the content file of this version</a></p>");
    }
    web_markdown(&b, json_string_value(json_object_get(c, "body")));
    html_lit(&b, "</section>");
    json_decref(c);
    version_free(&v);
    page_end(r, &b);
    page_send(w, &b, 200);
    return 0;
}

/* ---- the diff of two versions -------------------------------------------- */

int page_doc_diff(struct req *r, struct resp *w)
{
    struct err e = {0};
    int from, to;
    if (version_param(web_query(r, "from"), &from) || version_param(web_query(r, "to"), &to)) {
        err_set(&e, ERR_USAGE, "from", "from, to: give two version numbers (?from=1&to=2)");
        resp_error(r, w, &e);
        return 0;
    }
    struct vdiff fields, body;
    if (app_document_diff(r->app, r->rec->ref, from, to, &fields, &body, &e)) {
        resp_error(r, w, &e);
        return 0;
    }
    char head[160];
    snprintf(head, sizeof head, "%s: changes from %d.0 to %d.0", r->rec->ref, from, to);
    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, head);
    web_crumbs(r, &b, "/documents", "Documents", "changes");
    html_lit(&b, "<h1>");
    web_ref_link(r, &b, r->rec->ref, NULL);
    html_lit(&b, ": changes from version ");
    html_int(&b, from);
    html_lit(&b, ".0 to ");
    html_int(&b, to);
    html_lit(&b, ".0</h1>");
    html_lit(&b, "<section aria-labelledby=\"h-fd\"><h2 id=\"h-fd\">Fields</h2>");
    if (!fields.n) {
        html_lit(&b, "<p class=\"muted\">No field other than the content changed.</p>");
    } else {
        html_lit(&b, "<table class=\"changes\"><thead><tr><th scope=\"col\">Field</th>"
                     "<th scope=\"col\">Before</th><th scope=\"col\">After</th></tr></thead>"
                     "<tbody>");
        for (size_t i = 0; i < fields.n; i++) {
            const struct vchange *x = &fields.v[i];
            const char *fname = x->field;
            const struct field *f = fname ? rtype_field(r->rec->type, fname, NULL) : NULL;
            html_lit(&b, "<tr><th scope=\"row\">");
            html_text(&b, f ? f->label : fname);
            html_lit(&b, "</th>");
            for (int side = 0; side < 2; side++) {
                const json_t *v = side ? x->to : x->from;
                html_lit_if(&b, side, "<td class=\"new\">", "<td class=\"old\">");
                if (json_is_string(v)) {
                    html_text(&b, json_string_value(v));
                } else if (v && !json_is_null(v)) {
                    char *d = vdiff_value_text(v);
                    html_text(&b, d);
                    free(d);
                }
                html_lit(&b, "</td>");
            }
            html_lit(&b, "</tr>");
        }
        html_lit(&b, "</tbody></table>");
    }
    html_lit(&b, "</section><section aria-labelledby=\"h-bd\"><h2 id=\"h-bd\">Content "
                 "(Markdown, line by line)</h2>");
    if (!body.n) {
        html_lit(&b, "<p class=\"muted\">The content is the same.</p>");
    } else {
        html_lit(&b, "<pre class=\"diff\">");
        for (size_t i = 0; i < body.n; i++) {
            const struct vchange *x = &body.v[i];
            int add = strcmp(x->change, "added") == 0;
            html_lit_if(&b, add, "<ins>+ ", "<del>- ");
            html_text(&b, x->text);
            html_lit_if(&b, add, "</ins>\n", "</del>\n");
        }
        html_lit(&b, "</pre>");
    }
    html_lit(&b, "</section>");
    vdiff_free(&fields);
    vdiff_free(&body);
    page_end(r, &b);
    page_send(w, &b, 200);
    return 0;
}

/* ---- acknowledgement completion -------------------------------------------- */

int page_doc_acks(struct req *r, struct resp *w)
{
    struct err e = {0};
    int n = 0;
    const char *vs = web_query(r, "version");
    if (vs && version_param(vs, &n)) {
        err_set(&e, ERR_USAGE, "version", "version: give a version number");
        resp_error(r, w, &e);
        return 0;
    }
    struct doc_acks k;
    if (app_document_acks(r->app, r->rec->ref, n, 500, &k, &e)) {
        resp_error(r, w, &e);
        return 0;
    }
    char head[160];
    snprintf(head, sizeof head, "%s: acknowledgement of version %d.0", r->rec->ref, k.version);
    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, head);
    web_crumbs(r, &b, "/documents", "Documents", "acknowledgement");
    html_lit(&b, "<h1>");
    web_ref_link(r, &b, r->rec->ref, NULL);
    html_lit(&b, ": acknowledgement of version ");
    html_int(&b, k.version);
    html_lit(&b, ".0</h1><p class=\"lede\">");
    html_int(&b, k.acked);
    html_lit(&b, " of ");
    html_int(&b, k.people);
    html_lit(&b, " people have acknowledged it (audience: ");
    html_text(&b, k.audience ? k.audience : "none");
    if (k.departments) {
        html_lit(&b, "; departments ");
        html_text(&b, k.departments);
    }
    if (k.roles) {
        html_lit(&b, "; roles ");
        html_text(&b, k.roles);
    }
    html_lit(&b, ").</p><div class=\"table-wrap\"><table class=\"compact\"><thead><tr>"
                 "<th scope=\"col\">Department</th><th scope=\"col\" class=\"num\">People</th>"
                 "<th scope=\"col\" class=\"num\">Acknowledged</th><th scope=\"col\" "
                 "class=\"num\">Pending</th></tr></thead><tbody>");
    for (size_t i = 0; i < k.ndept; i++) {
        html_lit(&b, "<tr><th scope=\"row\">");
        if (*k.dept[i].department) {
            html_text(&b, k.dept[i].department);
        } else {
            html_lit(&b, "<span class=\"muted\">no department</span>");
        }
        html_lit(&b, "</th><td class=\"num\">");
        html_int(&b, k.dept[i].people);
        html_lit(&b, "</td><td class=\"num\">");
        html_int(&b, k.dept[i].acked);
        html_lit(&b, "</td><td class=\"num\">");
        html_int(&b, k.dept[i].people - k.dept[i].acked);
        html_lit(&b, "</td></tr>");
    }
    html_lit(&b, "</tbody></table></div>");
    if (k.npending) {
        html_lit(&b, "<h2>Not yet acknowledged</h2><ul class=\"refs\">");
        for (size_t i = 0; i < k.npending; i++) {
            html_lit(&b, "<li>");
            web_ref_link(r, &b, k.pending[i].person, NULL);
            html_lit(&b, " ");
            html_text(&b, k.pending[i].name);
            if (k.pending[i].department) {
                html_lit(&b, " <span class=\"muted\">");
                html_text(&b, k.pending[i].department);
                html_lit(&b, "</span>");
            }
            html_lit(&b, "</li>");
        }
        html_lit(&b, "</ul>");
        if ((long)k.npending < k.people - k.acked) {
            html_lit(&b, "<p class=\"muted\">The first 500 are listed.</p>");
        }
    }
    doc_acks_free(&k);
    page_end(r, &b);
    page_send(w, &b, 200);
    return 0;
}

/* ---- the POSTs ------------------------------------------------------------ */

static void back(struct req *r, struct resp *w, const char *done)
{
    struct buf to;
    buf_init(&to, 0);
    buf_printf(&to, "/documents/%s?done=%s", r->rec->ref, done);
    resp_redirect(r, w, buf_str(&to));
    buf_free(&to);
}

static int finish(struct req *r, struct resp *w, int rc, struct err *e, const char *done)
{
    if (rc) {
        web_show_record(r, w, e);
    } else {
        back(r, w, done);
    }
    return 0;
}

int page_doc_submit(struct req *r, struct resp *w)
{
    struct err e = {0};
    int n;
    return finish(r, w, app_document_submit(r->app, r->rec->ref, kv_get(&r->form, "note"), &n, &e),
                  &e, "submitted");
}

int page_doc_review(struct req *r, struct resp *w)
{
    struct err e = {0};
    const char *d = kv_get(&r->form, "decision");
    int back_ = d && strcmp(d, "send-back") == 0;
    return finish(r, w,
                  app_document_review(r->app, r->rec->ref, back_, kv_get(&r->form, "comment"), &e),
                  &e, back_ ? "sent-back" : "doc-reviewed");
}

int page_doc_approve(struct req *r, struct resp *w)
{
    struct err e = {0};
    return finish(r, w,
                  app_document_approve(r->app, r->rec->ref, kv_get(&r->form, "rationale"), NULL,
                                       NULL, &e),
                  &e, "approved");
}

int page_doc_publish(struct req *r, struct resp *w)
{
    struct err e = {0};
    return finish(r, w, app_document_publish(r->app, r->rec->ref, &e), &e, "published");
}

int page_doc_revise(struct req *r, struct resp *w)
{
    struct err e = {0};
    return finish(r, w, app_document_revise(r->app, r->rec->ref, &e), &e, "revised");
}

int page_doc_ack(struct req *r, struct resp *w)
{
    struct err e = {0};
    return finish(r, w, app_document_ack(r->app, r->rec->ref, NULL, &e), &e, "acknowledged");
}

/* ---- typed: the content file (doc_file.c) ---------------------------------- */

/* GET /documents/:id/content — the content file of the document as the
 * viewer reads it (staff: the version in force), verified, as a download. */
int page_doc_content(struct req *r, struct resp *w)
{
    struct attachment_reader *rd = NULL;
    struct err e = {0};
    /* r->rec as the principal reads it (staff: the version in force) */
    int rc = app_document_file_open(r->app, r->rec, &rd, &e);
    if (rc == 0) {
        err_set(&e, ERR_NOTFOUND, "content_file", "%s has no content file: its content is "
                "Markdown", r->rec->ref);
    }
    if (rc <= 0) {
        if (rc < 0 && e.code != ERR_NOTFOUND && e.code != ERR_CONFLICT) {
            fprintf(stderr, "isms: %s\n", e.msg);
        }
        resp_error(r, w, &e);
        return 0;
    }
    upload_send(w, rd);
    return 0;
}

/* POST /documents/:id/content — a multipart form with the PDF or DOCX; 303
 * back to the document, or the document with the message. */
int page_doc_set_content(struct req *r, struct resp *w)
{
    struct err e = {0};
    int revised = 0;
    return finish(r, w, upload_document_file(r, NULL, &revised, &e), &e, "content-file");
}

/* POST /documents/:id/content/remove — back to Markdown; 303 back. */
int page_doc_clear_content(struct req *r, struct resp *w)
{
    struct err e = {0};
    int revised = 0;
    return finish(r, w, app_document_clear_file(r->app, r->rec->ref, &revised, &e), &e,
                  "content-markdown");
}
