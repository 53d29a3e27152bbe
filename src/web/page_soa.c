/* page_soa.c — the Statement of Applicability (app_soa, typed) with per-row
 * edit (app_soa_set), approval (app_soa_approve), frozen versions and diffs.
 * Renders only: the SoA rules are the app layer's. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/audit.h" /* audit */
#include "../lib/hash.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "../app/ops.h"
#include "web.h"

static const char *js(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* The framework asked for, or NULL when it is not one of ours. */
static const char *framework_arg(const char *fw)
{
    if (!fw || !*fw) {
        return FRAMEWORK_2022;
    }
    if (strcmp(fw, FRAMEWORK_2022) == 0) {
        return FRAMEWORK_2022;
    }
    if (strcmp(fw, FRAMEWORK_2013) == 0) {
        return FRAMEWORK_2013;
    }
    return NULL;
}

static const char *framework_label(const char *fw)
{
    return strcmp(fw, FRAMEWORK_2013) == 0 ? "ISO/IEC 27001:2013 Annex A"
                                           : "ISO/IEC 27001:2022 Annex A";
}

/* ---- cells --------------------------------------------------------------- */

static void applicable_cell(struct buf *b, int ap)
{
    if (ap == 1) {
        html_lit(b, "<span class=\"yes\">Yes</span>");
    } else if (ap == 0) {
        html_lit(b, "<span class=\"no\">No</span>");
    } else {
        html_lit(b, "<span class=\"undecided\">undecided</span>");
    }
}

static void id_list(struct req *r, struct buf *b, const struct strlist *l)
{
    for (size_t i = 0; i < l->n; i++) {
        if (i) {
            html_lit(b, ", ");
        }
        web_ref_link(r, b, l->v[i], NULL);
    }
}

/* The same for a JSON array (a diff's values). */
static void json_id_list(struct req *r, struct buf *b, json_t *arr)
{
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x) {
        if (i) {
            html_lit(b, ", ");
        }
        web_ref_link(r, b, json_string_value(x), NULL);
    }
}

static void reasons_cell(struct req *r, struct buf *b, const struct soa_row *row)
{
    if (!row->categories.n) {
        html_lit(b, "<span class=\"muted\">—</span>");
        return;
    }
    html_lit(b, "<div class=\"reasons\">");
    for (size_t i = 0; i < row->categories.n; i++) {
        html_lit(b, "<span class=\"tag cat\">");
        html_text(b, row->categories.v[i]);
        html_lit(b, "</span>");
    }
    if (row->risks.n) {
        html_lit(b, "<div>Risks: ");
        id_list(r, b, &row->risks);
        html_lit(b, "</div>");
    }
    if (row->requirements.n) {
        html_lit(b, "<div>Requirements: ");
        id_list(r, b, &row->requirements);
        html_lit(b, "</div>");
    }
    html_lit(b, "</div>");
}

static void select_option(struct buf *b, const char *value, const char *label, const char *cur)
{
    html_lit(b, "<option value=\"");
    html_attr(b, value);
    html_lit(b, "\"");
    if (cur && strcmp(cur, value) == 0) {
        html_lit(b, " selected");
    }
    html_lit(b, ">");
    html_text(b, label);
    html_lit(b, "</option>");
}

/* The inline edit form of one row. typed: show r->form (after a refusal). */
static void row_form(struct req *r, struct buf *b, const struct soa_row *row, const char *fw,
                     int typed, const struct err *e)
{
    const char *id = row->id;
    const char *app = typed                   ? kv_get(&r->form, "applicable")
                      : row->applicable == 1 ? "yes"
                      : row->applicable == 0 ? "no"
                                             : "";
    const char *just = typed ? kv_get(&r->form, "justification") : row->justification;
    const char *status = typed ? kv_get(&r->form, "status") : row->status;
    html_lit(b, "<details");
    if (typed) {
        html_lit(b, " open");
    }
    html_lit(b, "><summary>Edit<span class=\"vh\"> ");
    html_text(b, id);
    html_lit(b, "</span></summary>");
    if (typed && e) {
        html_lit(b, "<p class=\"field-error\">");
        html_text(b, e->msg);
        html_lit(b, "</p>");
    }
    html_lit(b, "<form method=\"post\" action=\"");
    href(r, b, "/soa/");
    html_url(b, id);
    html_lit(b, "\">");
    csrf_field(r, b);
    html_lit(b, "<input type=\"hidden\" name=\"framework\" value=\"");
    html_attr(b, fw);
    html_lit(b, "\"><label for=\"ap-");
    html_attr(b, id);
    html_lit(b, "\">Applicable</label><select id=\"ap-");
    html_attr(b, id);
    html_lit(b, "\" name=\"applicable\">");
    select_option(b, "", "undecided", app);
    select_option(b, "yes", "yes", app);
    select_option(b, "no", "no", app);
    html_lit(b, "</select><label for=\"ju-");
    html_attr(b, id);
    html_lit(b, "\">Justification</label><textarea id=\"ju-");
    html_attr(b, id);
    html_lit(b, "\" name=\"justification\" rows=\"3\" maxlength=\"20000\"");
    if (typed && e && strcmp(e->field, "justification") == 0) {
        html_lit(b, " aria-invalid=\"true\"");
    }
    html_lit(b, ">");
    html_text(b, just);
    html_lit(b, "</textarea><label for=\"st-");
    html_attr(b, id);
    html_lit(b, "\">Implementation status</label><select id=\"st-");
    html_attr(b, id);
    html_lit(b, "\" name=\"status\">");
    const struct field *sf = rtype_field(rtype_find("control"), FIELD_STATUS, NULL);
    for (int k = 0; sf && sf->values[k]; k++) {
        select_option(b, sf->values[k], sf->values[k], status);
    }
    html_lit(b, "</select><button type=\"submit\" class=\"small\">Save</button></form></details>");
}

/* ---- the page -------------------------------------------------------------- */

/* The SoA rows as a table; manage adds the inline edit forms. */
/* ops: the control's active security exceptions (exc: NULL for a frozen version) */
static void exceptions_note(struct req *r, struct buf *b, const struct records *exc,
                            const char *control)
{
    for (size_t i = 0; exc && i < exc->n; i++) {
        const char *c = record_get(exc->v[i], "control");
        if (c && strcmp(c, control) == 0) {
            html_lit(b, "<div class=\"small\"><span class=\"tag warn\">exception</span> ");
            web_ref_link(r, b, exc->v[i]->ref, exc->v[i]->ref);
            html_lit(b, " until ");
            html_text(b, record_get(exc->v[i], "expires_on"));
            html_lit(b, "</div>");
        }
    }
}

static void rows_table(struct req *r, struct buf *b, const struct soa *soa, const char *fw,
                       int manage, const char *failed, const struct err *e,
                       const struct records *exc, const struct strmap *tests)
{
    html_lit(b, "<div class=\"table-wrap\"><table class=\"soa\" data-filterable><caption "
                "class=\"vh\">Statement of Applicability</caption><thead><tr>"
                "<th scope=\"col\">Control</th><th scope=\"col\">Title</th>"
                "<th scope=\"col\">Applicable</th><th scope=\"col\">Reasons for inclusion</th>"
                "<th scope=\"col\">Justification</th><th scope=\"col\">Status</th>"
                "<th scope=\"col\">Owner</th>");
    if (manage) {
        html_lit(b, "<th scope=\"col\"><span class=\"vh\">Change</span></th>");
    }
    html_lit(b, "</tr></thead><tbody>");
    for (size_t i = 0; i < soa->n; i++) {
        const struct soa_row *row = &soa->v[i];
        const char *id = row->id;
        int this_failed = failed && e && strcmp(failed, id) == 0;
        html_lit_if(b, this_failed, "<tr class=\"error-row\" id=\"c-", "<tr id=\"c-");
        html_attr(b, id);
        html_lit(b, "\"><td class=\"nowrap\">");
        web_ref_link(r, b, id, NULL);
        html_lit(b, "</td><td>");
        html_text(b, row->title);
        if (row->theme) {
            html_lit(b, "<span class=\"muted small\"> · ");
            html_text(b, row->theme);
            html_lit(b, "</span>");
        }
        html_lit(b, "</td><td>");
        applicable_cell(b, row->applicable);
        html_lit(b, "</td><td>");
        reasons_cell(r, b, row);
        html_lit(b, "</td><td class=\"just\">");
        if (row->justification) {
            web_paragraphs(b, row->justification);
        } else {
            html_lit(b, "<span class=\"muted\">—</span>");
        }
        html_lit(b, "</td><td class=\"nowrap\">");
        html_text(b, row->status);
        exceptions_note(r, b, exc, id); /* ops */
        web_ctest_tag(r, b, tests, id); /* audit: overdue or failed control test */
        html_lit(b, "</td><td>");
        if (row->owner) {
            char *t = web_ref_title(r, row->owner);
            web_ref_link(r, b, row->owner, t);
            free(t);
        } else {
            html_lit(b, "<span class=\"muted\">—</span>");
        }
        html_lit(b, "</td>");
        if (manage) {
            html_lit(b, "<td>");
            row_form(r, b, row, fw, this_failed, e);
            html_lit(b, "</td>");
        }
        html_lit(b, "</tr>");
    }
    html_lit(b, "</tbody></table></div>");
}

struct version_info {
    int found, version;
    char *by, *at, *hash, *note;
};

static int grab_version(void *ctx, const struct soa_version_row *v)
{
    struct version_info *vi = ctx;
    vi->found = 1;
    vi->version = v->version;
    vi->by = xstrdup(v->approved_by);
    vi->at = xstrdup(v->approved_at);
    vi->hash = xstrdup(v->hash);
    vi->note = xstrdup(v->note);
    return 0;
}

static void version_info_free(struct version_info *vi)
{
    free(vi->by);
    free(vi->at);
    free(vi->hash);
    free(vi->note);
}

/* failed: the control whose row form was refused (or "approve"), e: why. */
static void soa_page(struct req *r, struct resp *w, const char *fw, const char *failed,
                     const struct err *e)
{
    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, "Statement of Applicability");
    web_crumbs(r, &b, NULL, NULL, "Statement of Applicability");
    html_lit(&b, "<div class=\"page-head\"><div><h1>Statement of Applicability</h1>"
                 "<p class=\"lede\">Every control of ");
    html_text(&b, fw ? framework_label(fw) : "the catalogue");
    html_lit(&b, " and the organization's own, applicable or not, with the reasons for "
                 "inclusion, the justification and the implementation status (clause 6.1.3 d)."
                 "</p></div><div class=\"actions\">");
    { /* reports: the SoA of this framework as PDF / printable page */
        char rp[96];
        snprintf(rp, sizeof rp, "/soa/export%s%s", fw ? "?framework=" : "", fw ? fw : "");
        web_export_buttons(r, &b, rp);
        snprintf(rp, sizeof rp, "/soa/print%s%s", fw ? "?framework=" : "", fw ? fw : "");
        web_report_buttons(r, &b, rp);
    }
    html_lit(&b, "<a class=\"button secondary\" href=\"");
    href(r, &b, "/soa/versions");
    html_lit(&b, "\">Approved versions</a></div></div><p class=\"subnav\">Framework: ");
    static const char *const fws[] = {FRAMEWORK_2022, FRAMEWORK_2013};
    for (int i = 0; i < 2; i++) {
        if (i) {
            html_lit(&b, " · ");
        }
        if (fw && strcmp(fw, fws[i]) == 0) {
            html_lit(&b, "<strong aria-current=\"page\">");
            html_text(&b, fws[i]);
            html_lit(&b, "</strong>");
        } else {
            html_lit(&b, "<a href=\"");
            href(r, &b, "/soa?framework=");
            html_url(&b, fws[i]);
            html_lit(&b, "\">");
            html_text(&b, fws[i]);
            html_lit(&b, "</a>");
        }
    }
    html_lit(&b, "</p>");
    web_notice(r, &b);
    int status = e ? err_http_status(e->code) : 200;
    if (e) {
        html_lit(&b, "<div class=\"error-box\" role=\"alert\"><strong>Not saved.</strong> ");
        html_text(&b, e->msg);
        if (failed && strcmp(failed, "approve") == 0) {
            html_lit(&b, " <a href=\"#h-approve\">Go to the approval form</a>");
        } else if (failed) {
            html_lit(&b, " <a href=\"#c-");
            html_attr(&b, failed);
            html_lit(&b, "\">Go to ");
            html_text(&b, failed);
            html_lit(&b, "</a>");
        }
        html_lit(&b, "</div>");
    }
    struct soa soa;
    struct err le = {0};
    if (!fw) {
        err_set(&le, ERR_INVALID, "framework", "framework: give %s or %s", FRAMEWORK_2022,
                FRAMEWORK_2013);
    }
    if (!fw || app_soa(r->app, fw, &soa, &le)) {
        web_error_box(&b, le.msg);
        page_end(r, &b);
        page_send(w, &b, err_http_status(le.code));
        return;
    }
    char hash[65];
    soa_sha256(&soa, hash);
    struct soa_counts cnt;
    soa_counts(&soa, &cnt);
    size_t n = cnt.controls, napp = cnt.applicable, nimpl = cnt.implemented, nno = cnt.excluded,
           nund = cnt.undecided;
    html_lit(&b, "<div class=\"summary\"><div><strong>");
    html_int(&b, (int64_t)n);
    html_lit(&b, "</strong><span class=\"muted\">controls</span></div><div><strong>");
    html_int(&b, (int64_t)napp);
    html_lit(&b, "</strong><span class=\"muted\">applicable</span></div><div><strong>");
    html_int(&b, (int64_t)nimpl);
    html_lit(&b, "</strong><span class=\"muted\">implemented</span></div><div><strong>");
    html_int(&b, (int64_t)nno);
    html_lit(&b, "</strong><span class=\"muted\">excluded</span></div><div><strong>");
    html_int(&b, (int64_t)nund);
    html_lit(&b, "</strong><span class=\"muted\">undecided</span></div></div>");

    struct version_info vi = {0};
    struct err ve = {0};
    store_soa_version_get(r->app->st, &r->app->who, 0, NULL, fw, grab_version, &vi, &ve);
    if (!vi.found) {
        html_lit(&b, "<p class=\"flag\">No version of this Statement of Applicability has been "
                     "approved yet.</p>");
    } else if (vi.hash && strcmp(vi.hash, hash) == 0) {
        html_lit(&b, "<p class=\"notice\">This is <a href=\"");
        href(r, &b, "/soa/versions/");
        html_int(&b, vi.version);
        html_lit(&b, "\">version ");
        html_int(&b, vi.version);
        html_lit(&b, "</a>, approved by ");
        web_ref_titled(r, &b, vi.by);
        html_lit(&b, " at ");
        web_time(&b, vi.at);
        html_lit(&b, " UTC.</p>");
    } else {
        html_lit(&b, "<p class=\"flag\"><strong>Changed since approval.</strong> The last approved "
                     "version is <a href=\"");
        href(r, &b, "/soa/versions/");
        html_int(&b, vi.version);
        html_lit(&b, "\">version ");
        html_int(&b, vi.version);
        html_lit(&b, "</a> (");
        web_time(&b, vi.at);
        html_lit(&b, " UTC); what is shown here needs a new approval.</p>");
    }
    version_info_free(&vi);

    int manage = web_may(r, PERM_MANAGE, rtype_find("control"), -1);
    struct records exc = {0};
    struct err xe = {0};
    if (app_active_exceptions(r->app, &exc, &xe)) {
        memset(&exc, 0, sizeof exc); /* the SoA is shown without them */
    }
    struct strmap tests = {0}; /* audit: control test states */
    struct err te = {0};
    app_ctest_flags(r->app, NULL, &tests, &te);
    rows_table(r, &b, &soa, fw, manage, failed, e, &exc, &tests);
    strmap_free(&tests);
    records_free(&exc);
    soa_free(&soa);

    if (web_may(r, PERM_APPROVE, rtype_find("control"), -1)) {
        int failed_here = failed && strcmp(failed, "approve") == 0;
        const char *note = failed_here ? kv_get(&r->form, "note") : NULL;
        html_lit(&b, "<section class=\"approve\" aria-labelledby=\"h-approve\"><h2 "
                     "id=\"h-approve\">Approve this Statement of Applicability</h2><p "
                     "class=\"muted\">Freezes the table above as the next numbered version. "
                     "Approval is by top management; every control needs a decision first.</p>");
        html_lit(&b, "<form method=\"post\" action=\"");
        href(r, &b, "/soa/approve");
        html_lit(&b, "\">");
        csrf_field(r, &b);
        html_lit(&b, "<input type=\"hidden\" name=\"framework\" value=\"");
        html_attr(&b, fw);
        html_lit(&b, "\">");
        web_signer_line(r, &b);
        html_lit(&b, "<label for=\"soa-note\">Note</label><textarea id=\"soa-note\" "
                     "name=\"note\" rows=\"2\" maxlength=\"2000\">");
        html_text(&b, note);
        html_lit(&b, "</textarea><button type=\"submit\">Approve as the next version</button>"
                     "</form></section>");
    }
    page_end(r, &b);
    page_send(w, &b, status);
}

/* GET /soa?framework= — the SoA of a framework (2022 by default). */
int page_soa(struct req *r, struct resp *w)
{
    soa_page(r, w, framework_arg(web_query(r, "framework")), NULL, NULL);
    return 0;
}

/* Where to go back to: the framework of the form if it is one of ours. */
static const char *back_framework(struct req *r)
{
    const char *fw = framework_arg(kv_get(&r->form, "framework"));
    if (!fw && r->rec) {
        fw = framework_arg(record_get(r->rec, "framework"));
    }
    return fw ? fw : FRAMEWORK_2022;
}

/* POST /soa/:id — applicable, justification and status from the form to
 * app_soa_set; 303 to the row, or the SoA again with the row open and the message. */
int page_soa_set(struct req *r, struct resp *w)
{
    static const char *const names[] = {"applicable", "justification", FIELD_STATUS, NULL};
    struct kv kv[3];
    int n = 0;
    for (int i = 0; names[i]; i++) {
        const char *v = kv_get(&r->form, names[i]);
        if (v) {
            kv[n++] = (struct kv){names[i], v};
        }
    }
    const char *fw = back_framework(r);
    struct err e = {0};
    int changed = 0, rc = 0;
    if (n == 0) {
        err_set(&e, ERR_USAGE, NULL, "nothing to change: the form had no fields");
        rc = -1;
    } else {
        rc = app_soa_set(r->app, r->rec->ref, kv, n, &changed, &e);
    }
    if (rc) {
        soa_page(r, w, fw, r->rec->ref, &e);
        return 0;
    }
    struct buf to;
    buf_init(&to, 0);
    buf_printf(&to, "/soa?framework=%s&done=%s#c-", fw, changed ? "saved" : "unchanged");
    for (const char *p = r->rec->ref; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '.') {
            buf_putc(&to, *p);
        }
    }
    resp_redirect(r, w, buf_str(&to));
    buf_free(&to);
    return 0;
}

/* POST /soa/approve — framework and note from the form to
 * app_soa_approve; 303 to the new version, or the SoA again with the message. */
int page_soa_approve(struct req *r, struct resp *w)
{
    /* the framework approved is exactly what the form says (the app checks
     * it); the fallback is only for showing the page again */
    const char *asked = kv_get(&r->form, "framework");
    const char *fw = back_framework(r);
    const char *note = kv_get(&r->form, "note");
    struct err e = {0};
    int version = 0;
    int existing = 0;
    int rc = app_soa_approve(r->app, asked ? asked : "", note && *note ? note : NULL, NULL, NULL,
                             &version, &existing, &e);
    if (rc) {
        soa_page(r, w, fw, "approve", &e);
        return 0;
    }
    struct buf to;
    buf_init(&to, 0);
    buf_printf(&to, "/soa/versions/%d?done=approved", version);
    resp_redirect(r, w, buf_str(&to));
    buf_free(&to);
    return 0;
}

/* ---- versions ---------------------------------------------------------------- */

struct vrow {
    int version;
    char *framework, *by, *at, *note, *hash;
};

struct vlist {
    struct vrow *v;
    size_t n, cap;
};

static int collect_version(void *ctx, const struct soa_version_row *v)
{
    struct vlist *l = ctx;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = (struct vrow){
        v->version,       xstrdup(v->framework), xstrdup(v->approved_by), xstrdup(v->approved_at),
        xstrdup(v->note), xstrdup(v->hash)};
    return 0;
}

static void vlist_free(struct vlist *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].framework);
        free(l->v[i].by);
        free(l->v[i].at);
        free(l->v[i].note);
        free(l->v[i].hash);
    }
    free(l->v);
}

static void version_select(struct buf *b, const char *name, const char *label,
                           const struct vlist *l, long cur)
{
    html_lit(b, "<div><label for=\"d-");
    html_attr(b, name);
    html_lit(b, "\">");
    html_text(b, label);
    html_lit(b, "</label><select id=\"d-");
    html_attr(b, name);
    html_lit(b, "\" name=\"");
    html_attr(b, name);
    html_lit(b, "\">");
    for (size_t i = 0; i < l->n; i++) {
        html_lit(b, "<option value=\"");
        html_int(b, l->v[i].version);
        html_lit(b, "\"");
        if (l->v[i].version == cur) {
            html_lit(b, " selected");
        }
        html_lit(b, ">");
        html_int(b, l->v[i].version);
        html_lit(b, " — ");
        html_text(b, l->v[i].framework);
        html_lit(b, ", ");
        html_text(b, l->v[i].at);
        html_lit(b, "</option>");
    }
    html_lit(b, "</select></div>");
}

static void diff_form(struct req *r, struct buf *b, const struct vlist *l, long from, long to)
{
    if (l->n < 2) {
        return;
    }
    html_lit(b, "<form method=\"get\" class=\"inline-fields\" action=\"");
    href(r, b, "/soa/diff");
    html_lit(b, "\">");
    version_select(b, "from", "Compare version", l, from ? from : l->v[l->n - 2].version);
    version_select(b, "to", "with version", l, to ? to : l->v[l->n - 1].version);
    html_lit(b, "<button type=\"submit\" class=\"secondary\">Show differences</button></form>");
}

/* GET /soa/versions — every approved version, with a form to compare two. */
int page_soa_versions(struct req *r, struct resp *w)
{
    struct vlist l = {0};
    struct err e = {0};
    if (store_soa_versions(r->app->st, &r->app->who, collect_version, &l, &e)) {
        vlist_free(&l);
        resp_error(r, w, &e);
        return 0;
    }
    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, "Approved SoA versions");
    web_crumbs(r, &b, "/soa", "Statement of Applicability", "Versions");
    html_lit(&b, "<h1>Approved versions of the Statement of Applicability</h1><p class=\"lede\">"
                 "Each approval freezes the SoA as it was, with a SHA-256 of its content; any "
                 "earlier version can be shown exactly as approved.</p>");
    if (!l.n) {
        html_lit(&b, "<p>No version has been approved yet.</p>");
    } else {
        html_lit(&b, "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">Version</th>"
                     "<th scope=\"col\">Framework</th><th scope=\"col\">Approved (UTC)</th>"
                     "<th scope=\"col\">By</th><th scope=\"col\">Note</th>"
                     "<th scope=\"col\">SHA-256</th></tr></thead><tbody>");
        for (size_t i = l.n; i-- > 0;) {
            html_lit(&b, "<tr><td><a href=\"");
            href(r, &b, "/soa/versions/");
            html_int(&b, l.v[i].version);
            html_lit(&b, "\">Version ");
            html_int(&b, l.v[i].version);
            html_lit(&b, "</a></td><td>");
            html_text(&b, l.v[i].framework);
            html_lit(&b, "</td><td class=\"nowrap\">");
            web_time(&b, l.v[i].at);
            html_lit(&b, "</td><td>");
            web_ref_titled(r, &b, l.v[i].by);
            html_lit(&b, "</td><td>");
            html_text(&b, l.v[i].note);
            html_lit(&b, "</td><td><code class=\"small\">");
            html_text(&b, l.v[i].hash);
            html_lit(&b, "</code></td></tr>");
        }
        html_lit(&b, "</tbody></table></div>");
        diff_form(r, &b, &l, 0, 0);
    }
    vlist_free(&l);
    page_end(r, &b);
    page_send(w, &b, 200);
    return 0;
}

struct frozen {
    int found;
    struct vrow v;
    char *content;
};

static int grab_frozen(void *ctx, const struct soa_version_row *v)
{
    struct frozen *f = ctx;
    f->found = 1;
    f->v = (struct vrow){
        v->version,       xstrdup(v->framework), xstrdup(v->approved_by), xstrdup(v->approved_at),
        xstrdup(v->note), xstrdup(v->hash)};
    f->content = xstrdup(v->content);
    return 0;
}

/* GET /soa/versions/:n — one approved version exactly as frozen, with a check
 * of its content against its SHA-256; :n is untrusted (404 unless 1..1000000). */
int page_soa_version(struct req *r, struct resp *w)
{
    int64_t n;
    struct err e = {0};
    if (int_parse(r->id2, &n) || n < 1 || n > 1000000) {
        err_set(&e, ERR_NOTFOUND, NULL, "no approved SoA version '%.20s'", r->id2);
        resp_error(r, w, &e);
        return 0;
    }
    struct frozen f = {0};
    if (store_soa_version_get(r->app->st, &r->app->who, (int)n, NULL, NULL, grab_frozen, &f, &e)) {
        resp_error(r, w, &e);
        return 0;
    }
    char hash[65], head[64];
    sha256_hex(f.content, strlen(f.content), hash);
    snprintf(head, sizeof head, "SoA version %d", f.v.version);
    /* the frozen content, read back by the SoA's one reader */
    struct soa frozen;
    struct err pe = {0};
    int parsed = soa_parse(f.content, &frozen, &pe) == 0;
    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, head);
    web_crumbs(r, &b, "/soa/versions", "SoA versions", head);
    html_lit(&b, "<h1>Statement of Applicability, version ");
    html_int(&b, f.v.version);
    html_lit(&b, "</h1>");
    web_notice(r, &b);
    html_lit(&b, "<dl class=\"fields\"><div class=\"f\"><dt>Framework</dt><dd>");
    html_text(&b, framework_label(f.v.framework));
    html_lit(&b, "</dd></div><div class=\"f\"><dt>Approved by</dt><dd>");
    web_ref_titled(r, &b, f.v.by);
    html_lit(&b, "</dd></div><div class=\"f\"><dt>Approved at (UTC)</dt><dd>");
    web_time(&b, f.v.at);
    html_lit(&b, "</dd></div><div class=\"f\"><dt>Note</dt><dd>");
    if (f.v.note) {
        web_paragraphs(&b, f.v.note);
    } else {
        html_lit(&b, "<span class=\"muted\">—</span>");
    }
    html_lit(&b, "</dd></div><div class=\"f\"><dt>SHA-256</dt><dd><code>");
    html_text(&b, f.v.hash);
    html_lit(&b, "</code> ");
    if (f.v.hash && strcmp(f.v.hash, hash) == 0) {
        html_lit(&b, "<span class=\"tag good\">content matches</span>");
    } else {
        html_lit(&b, "<span class=\"tag bad\">content does not match its hash</span>");
    }
    html_lit(&b, "</dd></div></dl>");
    /* every sign-off of this version, with who signed as which account */
    struct signoffs sl;
    struct err se = {0};
    if (app_signoffs(r->app, "soa", f.v.framework, f.v.version, f.v.hash, &sl, &se) == 0) {
        web_signoffs(r, &b, &sl, "Sign-offs of this version");
        signoffs_free(&sl);
    }
    html_lit(&b, "<p class=\"subnav\">");
    if (f.v.version > 1) {
        html_lit(&b, "<a href=\"");
        href(r, &b, "/soa/diff?from=");
        html_int(&b, f.v.version - 1);
        html_lit(&b, "&amp;to=");
        html_int(&b, f.v.version);
        html_lit(&b, "\">Differences from version ");
        html_int(&b, f.v.version - 1);
        html_lit(&b, "</a> · ");
    }
    html_lit(&b, "<a href=\"");
    href(r, &b, "/soa?framework=");
    html_url(&b, f.v.framework);
    html_lit(&b, "\">The current Statement of Applicability</a></p><h2>Controls as approved</h2>");
    if (parsed) {
        rows_table(r, &b, &frozen, f.v.framework, 0, NULL, NULL, NULL, NULL);
        soa_free(&frozen);
    } else {
        web_error_box(&b, pe.msg);
    }
    page_end(r, &b);
    page_send(w, &b, 200);
    free(f.content);
    free(f.v.framework);
    free(f.v.by);
    free(f.v.at);
    free(f.v.note);
    free(f.v.hash);
    return 0;
}

/* A value from a diff as a person reads it. */
static void diff_value(struct req *r, struct buf *b, json_t *v)
{
    if (!v || json_is_null(v)) {
        html_lit(b, "<span class=\"muted\">—</span>");
    } else if (json_is_string(v)) {
        web_paragraphs(b, json_string_value(v));
    } else if (json_is_boolean(v)) {
        html_text(b, json_is_true(v) ? "yes" : "no");
    } else if (json_is_array(v)) {
        if (!json_array_size(v)) {
            html_lit(b, "<span class=\"muted\">none</span>");
        }
        json_id_list(r, b, v);
    } else if (json_is_object(v)) {
        const char *k;
        json_t *x;
        int first = 1;
        json_object_foreach(v, k, x) {
            if (json_is_array(x) && !json_array_size(x)) {
                continue;
            }
            html_lit_if(b, first, "", "; ");
            first = 0;
            html_text(b, k);
            html_lit(b, ": ");
            if (strcmp(k, "categories") == 0) {
                size_t i;
                json_t *y;
                json_array_foreach(x, i, y) {
                    html_lit_if(b, i, ", ", "");
                    html_text(b, json_string_value(y));
                }
            } else {
                diff_value(r, b, x);
            }
        }
        if (first) {
            html_lit(b, "<span class=\"muted\">none</span>");
        }
    } else {
        char *d = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
        html_text(b, d);
        free(d);
    }
}

/* GET /soa/diff?from=&to= — differences between two approved versions. */
int page_soa_diff(struct req *r, struct resp *w)
{
    long from = web_query_long(r, "from", 1, 1000000, 0);
    long to = web_query_long(r, "to", 1, 1000000, 0);
    struct vlist l = {0};
    struct err e = {0};
    struct vdiff d = {0};
    int status = 200;
    if (store_soa_versions(r->app->st, &r->app->who, collect_version, &l, &e)) {
        vlist_free(&l);
        resp_error(r, w, &e);
        return 0;
    }
    if (!from || !to) {
        err_set(&e, ERR_USAGE, NULL, "choose two approved versions to compare");
        status = err_http_status(e.code);
    } else if (app_soa_diff(r->app, (int)from, (int)to, &d, &e)) {
        status = err_http_status(e.code);
    }
    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, "SoA differences");
    web_crumbs(r, &b, "/soa/versions", "SoA versions", "Differences");
    html_lit(&b, "<h1>Differences between SoA versions</h1>");
    diff_form(r, &b, &l, from, to);
    if (status != 200) {
        html_lit(&b, "<div class=\"error-box\" role=\"alert\">");
        html_text(&b, e.msg);
        html_lit(&b, "</div>");
    } else {
        html_lit(&b, "<p class=\"lede\">From <a href=\"");
        href(r, &b, "/soa/versions/");
        html_int(&b, from);
        html_lit(&b, "\">version ");
        html_int(&b, from);
        html_lit(&b, "</a> to <a href=\"");
        href(r, &b, "/soa/versions/");
        html_int(&b, to);
        html_lit(&b, "\">version ");
        html_int(&b, to);
        html_lit(&b, "</a>: ");
        html_int(&b, (int64_t)d.n);
        html_lit_if(&b, d.n == 1, " difference.</p>", " differences.</p>");
        if (d.n) {
            html_lit(&b, "<div class=\"table-wrap\"><table><thead><tr>"
                         "<th scope=\"col\">Control</th><th scope=\"col\">Change</th>"
                         "<th scope=\"col\">Field</th><th scope=\"col\">Before</th>"
                         "<th scope=\"col\">After</th></tr></thead><tbody>");
            for (size_t i = 0; i < d.n; i++) {
                const struct vchange *c = &d.v[i];
                const char *what = c->change;
                html_lit(&b, "<tr><td class=\"nowrap\">");
                web_ref_link(r, &b, c->id, NULL);
                html_lit(&b, "</td><td>");
                html_text(&b, what);
                html_lit(&b, "</td><td>");
                html_text(&b, c->field);
                html_lit(&b, "</td><td class=\"diff-from\">");
                if (what && strcmp(what, "changed") == 0) {
                    diff_value(r, &b, c->from);
                    html_lit(&b, "</td><td class=\"diff-to\">");
                    diff_value(r, &b, c->to);
                } else {
                    json_t *row = c->row;
                    int added = what && strcmp(what, "added") == 0;
                    if (!added) {
                        html_text(&b, js(row, "title"));
                    }
                    html_lit(&b, "</td><td class=\"diff-to\">");
                    if (added) {
                        html_text(&b, js(row, "title"));
                    }
                }
                html_lit(&b, "</td></tr>");
            }
            html_lit(&b, "</tbody></table></div>");
        }
    }
    vdiff_free(&d);
    vlist_free(&l);
    page_end(r, &b);
    page_send(w, &b, status);
    return 0;
}
