/* page_versions.c — frozen versions on pages, for the scope (4.3) and the
 * risk method (6.1.2): the list with each version's state and sign-offs and
 * the approval form (top management, signed by the session's account), one
 * version exactly as it was, and the differences between two. Reads and
 * writes only through app_version_* / app_signoffs / app_*_approve. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/text.h"
#include "web.h"

struct subject {
    const char *kind, *id; /* "scope"/"SC-0001" or "method"/"risk" */
    char base[96];         /* "/scopes/SC-0001" or "/method" */
    char label[96];        /* "Scope SC-0001" or "Risk method" */
};

static void subject_of(struct req *r, struct subject *s)
{
    if (r->rec && strcmp(r->rec->type->name, "scope") == 0) {
        s->kind = "scope";
        s->id = r->rec->ref;
        snprintf(s->base, sizeof s->base, "/scopes/%s", r->rec->ref);
        snprintf(s->label, sizeof s->label, "Scope %s", r->rec->ref);
    } else {
        s->kind = "method";
        s->id = "risk";
        snprintf(s->base, sizeof s->base, "/method");
        snprintf(s->label, sizeof s->label, "Risk method");
    }
}

static void link_to(struct req *r, struct buf *b, const struct subject *s, const char *rest)
{
    struct buf p;
    buf_init(&p, 0);
    buf_printf(&p, "%s%s", s->base, rest);
    href(r, b, buf_str(&p));
    buf_free(&p);
}

static void versions_page(struct req *r, struct resp *w, const struct err *fail)
{
    struct subject s;
    subject_of(r, &s);
    struct err e = {0};
    struct versions l;
    if (app_version_list(r->app, s.kind, s.id, &l, &e)) {
        resp_error(r, w, &e);
        return;
    }
    char title[160];
    snprintf(title, sizeof title, "%s: versions", s.label);
    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, title);
    web_crumbs(r, &b, s.base, s.label, "Versions");
    html_lit(&b, "<h1>");
    html_text(&b, title);
    html_lit(&b, "</h1><p class=\"lede\">Each approval freezes the content as it was, with a "
                 "SHA-256; every version can be shown exactly as approved. One is in force, "
                 "earlier ones are superseded.</p>");
    web_notice(r, &b);
    if (!l.n) {
        html_lit(&b, "<p>No version has been approved yet.</p>");
    }
    for (size_t i = l.n; i-- > 0;) {
        const struct version *v = &l.v[i];
        html_lit(&b, "<section class=\"version\"><h2><a href=\"");
        char rest[32];
        snprintf(rest, sizeof rest, "/versions/%d", v->number);
        link_to(r, &b, &s, rest);
        html_lit(&b, "\">Version ");
        html_int(&b, v->number);
        html_lit(&b, "</a> <span class=\"tag\">");
        html_text(&b, v->state ? v->state : "frozen");
        html_lit(&b, "</span></h2><p class=\"small\">");
        html_text(&b, v->note);
        html_lit(&b, " · made ");
        web_time(&b, v->created_at);
        html_lit(&b, " UTC · <code>");
        html_text(&b, v->sha256);
        html_lit(&b, "</code></p>");
        struct signoffs so;
        struct err se = {0};
        if (app_signoffs(r->app, s.kind, s.id, v->number, v->sha256, &so, &se) == 0) {
            web_signoffs(r, &b, &so, "Sign-offs");
            signoffs_free(&so);
        }
        html_lit(&b, "</section>");
    }
    if (l.n > 1) {
        html_lit(&b, "<form method=\"get\" class=\"inline-fields\" action=\"");
        link_to(r, &b, &s, "/diff");
        html_lit(&b, "\"><label>Compare version <input name=\"from\" inputmode=\"numeric\" "
                     "size=\"4\" value=\"");
        html_int(&b, l.v[l.n - 2].number);
        html_lit(&b, "\"></label> <label>with version <input name=\"to\" inputmode=\"numeric\" "
                     "size=\"4\" value=\"");
        html_int(&b, l.v[l.n - 1].number);
        html_lit(&b, "\"></label> <button type=\"submit\" class=\"secondary\">Show "
                     "differences</button></form>");
    }
    versions_free(&l);
    if (web_may(r, PERM_APPROVE, r->type, -1)) {
        html_lit(&b, "<section class=\"approve\" aria-labelledby=\"h-approve\"><h2 "
                     "id=\"h-approve\">Approve as it is now</h2><p class=\"muted\">Freezes the "
                     "current content as a version (the same content again is the same "
                     "version) signed by top management; it is then the one in force.</p>");
        if (fail) {
            web_error_box(&b, fail->msg);
        }
        html_lit(&b, "<form method=\"post\" action=\"");
        link_to(r, &b, &s, "/approve");
        html_lit(&b, "\">");
        csrf_field(r, &b);
        web_signer_line(r, &b);
        html_lit(&b, "<label for=\"v-why\">Rationale</label><textarea id=\"v-why\" "
                     "name=\"rationale\" rows=\"2\" maxlength=\"2000\">");
        html_text(&b, fail ? kv_get(&r->form, "rationale") : NULL);
        html_lit(&b, "</textarea><button type=\"submit\">Sign the approval</button></form>"
                     "</section>");
    }
    page_end(r, &b);
    page_send(w, &b, fail ? err_http_status(fail->code) : 200);
}

/* GET /scopes/:id/versions, /method/versions */
int page_versions(struct req *r, struct resp *w)
{
    versions_page(r, w, NULL);
    return 0;
}

/* GET /scopes/:id/versions/:n, /method/versions/:n — :n untrusted. */
int page_version(struct req *r, struct resp *w)
{
    struct subject s;
    subject_of(r, &s);
    int64_t n;
    struct err e = {0};
    if (int_parse(r->id2, &n) || n < 1 || n > 1000000) {
        err_set(&e, ERR_NOTFOUND, NULL, "no version '%.20s'", r->id2);
        resp_error(r, w, &e);
        return 0;
    }
    struct version v;
    if (app_version_get(r->app, s.kind, s.id, (int)n, NULL, &v, &e)) {
        resp_error(r, w, &e);
        return 0;
    }
    char title[160];
    snprintf(title, sizeof title, "%s, version %d", s.label, v.number);
    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, title);
    web_crumbs(r, &b, s.base, s.label, title);
    html_lit(&b, "<h1>");
    html_text(&b, title);
    html_lit(&b, " <span class=\"tag\">");
    html_text(&b, v.state ? v.state : "frozen");
    html_lit(&b, "</span></h1><p class=\"small\">SHA-256 <code>");
    html_text(&b, v.sha256);
    html_lit(&b, "</code> · made ");
    web_time(&b, v.created_at);
    html_lit(&b, " UTC by ");
    html_text(&b, v.created_by);
    html_lit(&b, "</p>");
    struct signoffs so;
    struct err se = {0};
    if (app_signoffs(r->app, s.kind, s.id, v.number, v.sha256, &so, &se) == 0) {
        web_signoffs(r, &b, &so, "Sign-offs of this version");
        signoffs_free(&so);
    }
    /* the content as it was: each field of a JSON object, else the text */
    html_lit(&b, "<h2>As approved</h2>");
    json_t *j = json_loads(v.content, 0, NULL);
    if (json_is_object(j)) {
        html_lit(&b, "<dl class=\"fields\">");
        const char *k;
        json_t *x;
        json_object_foreach(j, k, x) {
            html_lit(&b, "<div class=\"f\"><dt>");
            html_text(&b, k);
            html_lit(&b, "</dt><dd>");
            if (json_is_string(x)) {
                web_paragraphs(&b, json_string_value(x));
            } else {
                char *t = json_dumps(x, JSON_ENCODE_ANY | JSON_COMPACT);
                html_lit(&b, "<code>");
                html_text(&b, t);
                html_lit(&b, "</code>");
                free(t);
            }
            html_lit(&b, "</dd></div>");
        }
        html_lit(&b, "</dl>");
    } else {
        html_lit(&b, "<pre>");
        html_text(&b, v.content);
        html_lit(&b, "</pre>");
    }
    json_decref(j);
    version_free(&v);
    page_end(r, &b);
    page_send(w, &b, 200);
    return 0;
}

/* GET .../diff?from=N&to=M — untrusted numbers. */
int page_version_diff(struct req *r, struct resp *w)
{
    struct subject s;
    subject_of(r, &s);
    struct err e = {0};
    int64_t from = 0, to = 0;
    const char *f = web_query(r, "from"), *t = web_query(r, "to");
    if (!f || !t || int_parse(f, &from) || int_parse(t, &to) || from < 1 || to < 1 ||
        from > 1000000 || to > 1000000) {
        err_set(&e, ERR_USAGE, "from", "from, to: give two version numbers");
        resp_error(r, w, &e);
        return 0;
    }
    struct vdiff d;
    if (app_version_diff(r->app, s.kind, s.id, (int)from, (int)to, &d, &e)) {
        resp_error(r, w, &e);
        return 0;
    }
    char title[160];
    snprintf(title, sizeof title, "%s: version %d to %d", s.label, (int)from, (int)to);
    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, title);
    web_crumbs(r, &b, s.base, s.label, "Differences");
    html_lit(&b, "<h1>");
    html_text(&b, title);
    html_lit(&b, "</h1>");
    if (!d.n) {
        html_lit(&b, "<p>No differences.</p>");
    } else {
        html_lit(&b, "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">What</th>"
                     "<th scope=\"col\">Before</th><th scope=\"col\">After</th></tr></thead>"
                     "<tbody>");
        for (size_t i = 0; i < d.n; i++) {
            const struct vchange *c = &d.v[i];
            char *fs = vdiff_value_text(c->from);
            char *ts = vdiff_value_text(c->to);
            html_lit(&b, "<tr><td>");
            html_text(&b, c->field ? c->field : c->change);
            html_lit(&b, "</td><td>");
            html_text(&b, fs ? fs : "");
            html_lit(&b, "</td><td>");
            html_text(&b, ts ? ts : c->text);
            html_lit(&b, "</td></tr>");
            free(fs);
            free(ts);
        }
        html_lit(&b, "</tbody></table></div>");
    }
    vdiff_free(&d);
    page_end(r, &b);
    page_send(w, &b, 200);
    return 0;
}

/* POST /scopes/:id/approve, /method/approve — the rationale (untrusted),
 * signed by the session's account; 303 to the version, or the list with
 * the message. */
int page_version_approve(struct req *r, struct resp *w)
{
    struct subject s;
    subject_of(r, &s);
    const char *why = kv_get(&r->form, "rationale");
    struct err e = {0};
    int version = 0, existing = 0, rc;
    if (strcmp(s.kind, "scope") == 0) {
        rc = app_scope_approve(r->app, s.id, why && *why ? why : NULL, NULL, NULL, &version,
                               &existing, &e);
    } else {
        rc = app_method_approve(r->app, why && *why ? why : NULL, NULL, NULL, &version, &existing,
                                &e);
    }
    if (rc) {
        versions_page(r, w, &e);
        return 0;
    }
    struct buf to;
    buf_init(&to, 0);
    buf_printf(&to, "%s/versions/%d", s.base, version);
    resp_redirect(r, w, buf_str(&to));
    buf_free(&to);
    return 0;
}
