/* page_record.c — one record of any type (GET /:type/:id: fields, links,
 * approvals, history) and retiring it (confirm page, POST). Writes only through
 * app_record_retire; shows buttons perm_allows allows, enforces nothing. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/text.h"
#include "../lib/util.h"
#include "../model/method.h"
#include "../model/risk.h"
#include "web.h"

#define INBOUND_MAX 1000   /* references listed on a page */
#define INBOUND_TITLED 150 /* of which shown with their titles */

static int is(const struct rtype *t, const char *name)
{
    return t && strcmp(t->name, name) == 0;
}

static int is_catalogue_control(const struct record *rec)
{
    const char *fw = is(rec->type, "control") ? record_get(rec, "framework") : NULL;
    return fw && strcmp(fw, FRAMEWORK_CUSTOM) != 0;
}

/* ---- referred to by ------------------------------------------------------- */

struct inbound_item {
    const struct rtype *t;
    char *src, *field;
};

struct inbound {
    struct inbound_item *v;
    size_t n, cap;
    long more;
};

static int collect_inbound(void *ctx, const struct rtype *t, const char *src, const char *field)
{
    struct inbound *in = ctx;
    if (in->n == INBOUND_MAX) {
        in->more++;
        return 0;
    }
    if (in->n == in->cap) {
        in->cap = in->cap ? in->cap * 2 : 32;
        in->v = xrealloc(in->v, in->cap * sizeof *in->v);
    }
    in->v[in->n++] = (struct inbound_item){t, xstrdup(src), xstrdup(field)};
    return 0;
}

static void inbound_section(struct req *r, struct buf *b, const struct record *rec)
{
    struct inbound in = {0};
    struct err e = {0};
    store_inbound(r->app->st, &r->app->who, rec->ref, collect_inbound, &in, &e);
    html_lit(b, "<section aria-labelledby=\"h-inbound\"><h2 id=\"h-inbound\">Referred to by</h2>");
    if (!in.n) {
        html_lit(b, "<p class=\"muted\">No other record refers to this one.</p>");
    } else {
        html_lit(b, "<ul class=\"refs\">");
        for (size_t i = 0; i < in.n; i++) {
            const struct field *f = rtype_field(in.v[i].t, in.v[i].field, NULL);
            html_lit(b, "<li>");
            if (i < INBOUND_TITLED) {
                web_ref_titled(r, b, in.v[i].src);
            } else {
                web_ref_link(r, b, in.v[i].src, NULL);
            }
            html_lit(b, " <span class=\"muted\">");
            html_text(b, in.v[i].t->label);
            html_lit(b, " · ");
            html_text(b, f ? f->label : in.v[i].field);
            html_lit(b, "</span></li>");
        }
        html_lit(b, "</ul>");
        if (in.more) {
            html_lit(b, "<p class=\"muted\">and ");
            html_int(b, in.more);
            html_lit(b, " more.</p>");
        }
    }
    html_lit(b, "</section>");
    for (size_t i = 0; i < in.n; i++) {
        free(in.v[i].src);
        free(in.v[i].field);
    }
    free(in.v);
}

/* ---- controls: the other edition ----------------------------------------- */

struct strs {
    char *v[64];
    int n;
};

static int collect_str(void *ctx, const char *s)
{
    struct strs *l = ctx;
    if (l->n < 64) {
        l->v[l->n++] = xstrdup(s);
    }
    return 0;
}

static void counterparts_section(struct req *r, struct buf *b, const struct record *rec)
{
    const char *fw = record_get(rec, "framework");
    if (!fw || strcmp(fw, FRAMEWORK_CUSTOM) == 0) {
        return;
    }
    int is2022 = strcmp(fw, FRAMEWORK_2022) == 0;
    struct strs l = {0};
    struct err e = {0};
    store_control_counterparts(r->app->st, rec->ref, collect_str, &l, &e);
    html_lit(b, "<section aria-labelledby=\"h-cp\"><h2 id=\"h-cp\">");
    html_text(b, is2022 ? "ISO/IEC 27001:2013 counterparts" : "ISO/IEC 27001:2022 counterparts");
    html_lit(b, "</h2>");
    if (!l.n) {
        html_text(b, is2022 ? "New in 2022: no 2013 counterpart." : "No 2022 counterpart.");
    } else {
        html_lit(b, "<ul class=\"refs\">");
        for (int i = 0; i < l.n; i++) {
            html_lit(b, "<li>");
            web_ref_titled(r, b, l.v[i]);
            html_lit(b, "</li>");
        }
        html_lit(b, "</ul>");
    }
    html_lit(b, "<p><a href=\"");
    href(r, b, "/soa?framework=");
    html_url(b, fw);
    html_lit(b, "#c-");
    html_url(b, rec->ref);
    html_lit(b, "\">This control in the Statement of Applicability</a></p></section>");
    for (int i = 0; i < l.n; i++) {
        free(l.v[i]);
    }
}

/* ---- assets and risks: effective C/I/A ---------------------------------- */

static void effective_section(struct req *r, struct buf *b, const struct record *rec)
{
    const char *assets = is(rec->type, "asset") ? rec->ref : record_get(rec, "assets");
    if (!assets) {
        return;
    }
    html_lit(b, "<section aria-labelledby=\"h-eff\"><h2 id=\"h-eff\">Effective values</h2>"
                "<p class=\"muted\">The highest of an asset's own confidentiality, integrity and "
                "availability values and those of every asset that depends on it.</p>"
                "<div class=\"table-wrap\"><table class=\"compact\"><thead><tr>"
                "<th scope=\"col\">Asset</th><th scope=\"col\" class=\"num\">Confidentiality</th>"
                "<th scope=\"col\" class=\"num\">Integrity</th>"
                "<th scope=\"col\" class=\"num\">Availability</th></tr></thead>"
                "<tbody>");
    char *copy = xstrdup(assets);
    int k = 0;
    for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok && k < 200;
         tok = strtok_r(NULL, ",", &save), k++) {
        int cia[3];
        struct err e = {0};
        if (store_asset_effective(r->app->st, &r->app->who, tok, cia, &e)) {
            continue;
        }
        html_lit(b, "<tr><th scope=\"row\">");
        web_ref_titled(r, b, tok);
        html_lit(b, "</th>");
        for (int i = 0; i < 3; i++) {
            html_lit(b, "<td class=\"num\">");
            if (cia[i] > 0) {
                html_int(b, cia[i]);
            } else {
                html_lit(b, "<span class=\"muted\">—</span>");
            }
            html_lit(b, "</td>");
        }
        html_lit(b, "</tr>");
    }
    free(copy);
    html_lit(b, "</tbody></table></div></section>");
}

/* ---- sign-offs --------------------------------------------------------------- */

/* The record's sign-offs (a risk's acceptances marked current when they
 * signed the risk as it is now). Depends on the file only (memoized). */
static void approvals_section(struct req *r, struct buf *b, const struct record *rec)
{
    struct signoffs l;
    struct err e = {0};
    int current = 0;
    int rc = strcmp(rec->type->name, "risk") == 0
                 ? app_risk_acceptances(r->app, rec->ref, &l, &current, &e)
                 : app_signoffs(r->app, NULL, rec->ref, 0, NULL, &l, &e);
    /* an exception's sign-offs are in its approval panel (page_ops.c), checked against
     * its content there: listed once */
    if (rc == 0 && strcmp(rec->type->name, "exception") == 0) {
        signoffs_free(&l);
        rc = -1;
    }
    if (rc == 0) {
        web_signoffs(r, b, &l, "Sign-offs");
        signoffs_free(&l);
    }
    if (strcmp(rec->type->name, "scope") == 0) {
        html_lit(b, "<p><a href=\"");
        web_ref_href(r, b, rec->ref);
        html_lit(b, "/versions\">Approved versions of this scope, and its approval by top "
                    "management</a></p>");
    }
    /* review: the pack and minutes of a review, a certificate's schedule */
    if (strcmp(rec->type->name, "review") == 0) {
        html_lit(b, "<p><a href=\"");
        web_ref_href(r, b, rec->ref);
        html_lit(b, "/pack\">Review pack (9.3.2 inputs), frozen packs and the signing of the "
                    "minutes</a></p>");
    } else if (strcmp(rec->type->name, "certificate") == 0) {
        html_lit(b, "<p><a href=\"");
        web_ref_href(r, b, rec->ref);
        html_lit(b, "/schedule\">Surveillance and recertification schedule</a></p>");
    }
    /* suppliers: the review schedule, a questionnaire's answers, an access review's
     * decisions, the privacy register */
    if (strcmp(rec->type->name, "supplier") == 0 || strcmp(rec->type->name, "sassessment") == 0) {
        html_lit(b, "<p><a href=\"");
        href(r, b, "/suppliers/reviews");
        html_lit(b, "\">Supplier reviews: the next review of every supplier, computed from its "
                    "assessments and criticality</a></p>");
    } else if (strcmp(rec->type->name, "questionnaire") == 0) {
        html_lit(b, "<p><a href=\"");
        web_ref_href(r, b, rec->ref);
        html_lit(b, "/answers\">Answers and score</a></p>");
    } else if (strcmp(rec->type->name, "areview") == 0) {
        html_lit(b, "<p><a href=\"");
        web_ref_href(r, b, rec->ref);
        html_lit(b, "/campaign\">Accounts, decisions and completion; import accounts from "
                    "CSV</a></p>");
    } else if (strcmp(rec->type->name, "processing") == 0 || strcmp(rec->type->name, "dpia") == 0) {
        html_lit(b, "<p><a href=\"");
        href(r, b, "/processing/register");
        html_lit(b, "\">Privacy register: every processing activity and its DPIA</a></p>");
    }
}

/* ---- history ---------------------------------------------------------------- */

struct hentry {
    long long seq;
    char *at, *actor, *action, *before, *after;
};

struct hlist {
    struct hentry *v;
    size_t n, cap;
};

static int collect_history(void *ctx, const struct history_entry *h)
{
    struct hlist *l = ctx;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = (struct hentry){(long long)h->seq,  xstrdup(h->at),     xstrdup(h->actor),
                                   xstrdup(h->action), xstrdup(h->before), xstrdup(h->after)};
    return 0;
}

/* A JSON value from a history entry as a person reads it. */
static void json_value(struct req *r, struct buf *b, const struct field *f, json_t *v)
{
    if (!v || json_is_null(v) || (json_is_array(v) && json_array_size(v) == 0)) {
        html_lit(b, "<span class=\"muted\">—</span>");
        return;
    }
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        if (f && f->type == F_REF) {
            web_ref_link(r, b, s, NULL);
        } else if (f && f->type == F_LONGTEXT) {
            web_paragraphs(b, s);
        } else {
            html_text(b, s);
        }
        return;
    }
    if (json_is_boolean(v)) {
        html_text(b, json_is_true(v) ? "yes" : "no");
        return;
    }
    if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) {
            if (i) {
                html_lit(b, ", ");
            }
            const char *s = json_string_value(x);
            if (s && f && f->type == F_REFS) {
                web_ref_link(r, b, s, NULL);
            } else if (s) {
                html_text(b, s);
            } else {
                json_value(r, b, NULL, x);
            }
        }
        return;
    }
    char *d = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    html_text(b, d);
    free(d);
}

static int skip_key(const char *k)
{
    return strcmp(k, "id") == 0 || strcmp(k, FIELD_UPDATED) == 0 || strcmp(k, FIELD_CREATED) == 0;
}

static void changes(struct req *r, struct buf *b, const struct rtype *t, const struct hentry *h)
{
    json_t *before = h->before ? json_loads(h->before, 0, NULL) : NULL;
    json_t *after = h->after ? json_loads(h->after, 0, NULL) : NULL;
    int create = strcmp(h->action, "create") == 0;
    int update = strcmp(h->action, "update") == 0 || strcmp(h->action, "retire") == 0;
    if (!json_is_object(after)) {
        json_decref(before);
        json_decref(after);
        return;
    }
    if (create) {
        html_lit(b, "<details><summary>Values when created</summary><dl class=\"fields small\">");
    } else if (update) {
        html_lit(b, "<table class=\"changes\"><thead><tr><th scope=\"col\">Field</th>"
                    "<th scope=\"col\">Before</th><th scope=\"col\">After</th></tr></thead>"
                    "<tbody>");
    } else {
        html_lit(b, "<dl class=\"fields small\">");
    }
    int shown = 0;
    const char *k;
    json_t *v;
    json_object_foreach(after, k, v) {
        if (skip_key(k) || (!update && strcmp(k, "details") == 0)) {
            continue;
        }
        const struct field *f = rtype_field(t, k, NULL);
        json_t *o = before ? json_object_get(before, k) : NULL;
        if (update) {
            if (o && json_equal(o, v)) {
                continue;
            }
            int o_empty = !o || json_is_null(o) || (json_is_array(o) && !json_array_size(o));
            int v_empty = json_is_null(v) || (json_is_array(v) && !json_array_size(v));
            if (o_empty && v_empty) {
                continue;
            }
            html_lit(b, "<tr><th scope=\"row\">");
            html_text(b, f ? f->label : k);
            html_lit(b, "</th><td class=\"old\">");
            json_value(r, b, f, o);
            html_lit(b, "</td><td class=\"new\">");
            json_value(r, b, f, v);
            html_lit(b, "</td></tr>");
        } else {
            if (json_is_null(v) || (json_is_array(v) && !json_array_size(v))) {
                continue;
            }
            html_lit(b, "<dt>");
            html_text(b, f ? f->label : k);
            html_lit(b, "</dt><dd>");
            json_value(r, b, f, v);
            html_lit(b, "</dd>");
        }
        shown++;
    }
    if (create) {
        html_lit(b, "</dl></details>");
    } else if (update) {
        if (!shown) {
            html_lit(b, "<tr><td colspan=\"3\" class=\"muted\">No field changed.</td></tr>");
        }
        html_lit(b, "</tbody></table>");
    } else {
        html_lit(b, "</dl>");
    }
    json_decref(before);
    json_decref(after);
}

static void history_section(struct req *r, struct buf *b, const struct record *rec)
{
    struct hlist l = {0};
    struct err e = {0};
    store_history(r->app->st, &r->app->who, rec->ref, collect_history, &l, &e);
    html_lit(b, "<section aria-labelledby=\"h-hist\"><h2 id=\"h-hist\">History</h2>"
                "<p class=\"muted\">Every change, newest first, from the tamper-evident journal "
                "(times in UTC).</p><ol class=\"history\" reversed>");
    for (size_t i = l.n; i-- > 0;) {
        const struct hentry *h = &l.v[i];
        html_lit(b, "<li><p class=\"h-meta\"><span class=\"h-action\">");
        html_text(b, strcmp(h->action, "create") == 0   ? "Created"
                     : strcmp(h->action, "update") == 0 ? "Changed"
                     : strcmp(h->action, "retire") == 0 ? "Retired"
                     : strcmp(h->action, "accept") == 0 ? "Accepted"
                     : strcmp(h->action, "attach") == 0 ? "Evidence attached"
                     : strcmp(h->action, "remove") == 0 ? "Evidence removed"
                                                        : h->action);
        html_lit(b, "</span> by <span class=\"h-actor\">");
        html_text(b, h->actor);
        html_lit(b, "</span> · ");
        web_time(b, h->at);
        html_lit(b, " <span class=\"seq\">entry #");
        html_int(b, h->seq);
        html_lit(b, "</span></p>");
        changes(r, b, rec->type, h);
        html_lit(b, "</li>");
        free(h->at);
        free(h->actor);
        free(h->action);
        free(h->before);
        free(h->after);
    }
    html_lit(b, "</ol></section>");
    free(l.v);
}

/* ---- risk decisions ------------------------------------------------------- */

static int route_is(struct req *r, const char *name)
{
    return r->route && strcmp(r->route->name, name) == 0;
}

static void risk_panel(struct req *r, struct buf *b, const struct record *rec, const struct err *e)
{
    struct err me = {0};
    const struct method *m = app_method(r->app, &me);
    int retired = record_get(rec, FIELD_RETIRED) != NULL;
    char today[11];
    date_today(today);
    html_lit(b, "<section class=\"panel risk-panel\" aria-labelledby=\"h-assess\">"
                "<h2 id=\"h-assess\">Assessment</h2><div class=\"levels\"><div><span "
                "class=\"k\">Inherent</span>");
    web_level(r, b, record_get(rec, "level"), record_get(rec, "score"));
    html_lit(b, "</div><div><span class=\"k\">Residual</span>");
    web_level(r, b, record_get(rec, "residual_level"), record_get(rec, "residual_score"));
    html_lit(b, "</div><div><span class=\"k\">Status</span>");
    html_text(b, record_get(rec, FIELD_STATUS));
    html_lit(b, "</div></div>");
    int score = risk_decisive_score(rec);
    if (m && score) {
        html_lit(b, "<p>");
        if (risk_needs_approval(m, rec)) {
            html_lit(b, "Score ");
            html_int(b, score);
            html_lit(b, " is <strong>above the acceptance criterion</strong> (");
            html_int(b, m->accept_max);
            html_lit(b, "): retaining it needs a decision by top management.");
        } else {
            html_lit(b, "Score ");
            html_int(b, score);
            html_lit(b, " is within the acceptance criterion (");
            html_int(b, m->accept_max);
            html_lit(b, "): the risk owner may retain it.");
        }
        html_lit(b, "</p>");
    }
    if (risk_review_due(rec, today)) {
        const char *why = record_get(rec, "review_reason");
        html_lit(b, "<p class=\"flag\"><strong>Review due:</strong> ");
        if (why) {
            html_text(b, why);
        } else {
            html_lit(b, "the review date ");
            html_text(b, record_get(rec, "review_date"));
            html_lit(b, " has come.");
        }
        html_lit(b, "</p>");
    }
    int owns = web_owns(r, rec);
    if (!retired && web_may(r, PERM_EDIT, rec->type, owns)) {
        if (e && route_is(r, "page_risk_review")) {
            web_error_box(b, e->msg);
        }
        html_lit(b, "<form method=\"post\" class=\"inline\" action=\"");
        web_ref_href(r, b, rec->ref);
        html_lit(b, "/review\">");
        csrf_field(r, b);
        html_lit(b, "<button type=\"submit\" class=\"secondary\">Mark reviewed today</button> "
                    "<span class=\"muted\">clears the flag and sets the next review date from "
                    "the level's interval</span></form>");
    }
    /* an acceptance that signed the risk as it is now: say who, when, why,
     * and offer the form again only once the risk has changed */
    struct signoffs acc;
    struct err ae = {0};
    int accepted_now = 0;
    if (app_risk_acceptances(r->app, rec->ref, &acc, &accepted_now, &ae) == 0) {
        const struct signoff *cur = signoffs_current(&acc, "acceptance");
        if (cur) {
            html_lit(b, "<p class=\"notice accepted\"><strong>Accepted</strong> ");
            if (cur->on_behalf_of) {
                html_lit(b, "(recorded on behalf of ");
                web_ref_titled(r, b, cur->on_behalf_of);
                html_lit(b, ") ");
            }
            html_lit(b, "by ");
            web_ref_titled(r, b, cur->person);
            if (cur->account > 0) {
                html_lit(b, " (account ");
                html_text(b, cur->account_name);
                html_lit(b, ")");
            }
            html_lit(b, " as ");
            html_text(b, cur->capacity);
            html_lit(b, " at ");
            web_time(b, cur->at);
            html_lit(b, " UTC: ");
            html_text(b, cur->rationale);
            html_lit(b, "</p>");
        } else if (acc.n) {
            html_lit(b, "<p class=\"flag\"><strong>Changed since acceptance.</strong> The risk "
                        "was accepted as it was rated then; it needs a new decision.</p>");
        }
        signoffs_free(&acc);
    }
    if (!retired && !accepted_now && web_may(r, PERM_APPROVE, rec->type, owns)) {
        int failed = e && route_is(r, "page_risk_accept");
        const char *why = failed ? kv_get(&r->form, "rationale") : NULL;
        html_lit(b, "<details class=\"decide\"");
        if (failed) {
            html_lit(b, " open");
        }
        html_lit(b, "><summary>Accept (retain) this risk…</summary>");
        if (failed) {
            web_error_box(b, e->msg);
        }
        html_lit(b, "<form method=\"post\" action=\"");
        web_ref_href(r, b, rec->ref);
        html_lit(b, "/accept\">");
        csrf_field(r, b);
        web_signer_line(r, b);
        html_lit(b, "<label for=\"acc-why\">Rationale <span class=\"req\">required</span>"
                    "</label><textarea id=\"acc-why\" name=\"rationale\" rows=\"3\" "
                    "maxlength=\"2000\" required");
        if (failed && strcmp(e->field, "rationale") == 0) {
            html_lit(b, " aria-invalid=\"true\"");
        }
        html_lit(b, ">");
        html_text(b, why);
        html_lit(b, "</textarea><button type=\"submit\">Sign the acceptance</button></form>"
                    "</details>");
    }
    html_lit(b, "</section>");
}

/* ---- the page --------------------------------------------------------------- */

static int shown_in_details(const struct rtype *t, const struct field *f)
{
    if (t->title_field && strcmp(f->name, t->title_field) == 0) {
        return 0; /* it is the heading */
    }
    return strcmp(f->name, FIELD_CREATED) != 0 && strcmp(f->name, FIELD_UPDATED) != 0 &&
           strcmp(f->name, FIELD_RETIRED) != 0;
}

void web_show_record(struct req *r, struct resp *w, const struct err *e)
{
    const struct record *rec = r->rec;
    const struct rtype *t = rec->type;
    const char *title = t->title_field ? record_get(rec, t->title_field) : NULL;
    int retired = record_get(rec, FIELD_RETIRED) != NULL;
    int owns = web_owns(r, rec);
    char plural[80], head[300];
    web_plural_label(t, plural, sizeof plural);
    snprintf(head, sizeof head, "%s %.200s", rec->ref, title ? title : "");

    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, head);
    char path[80];
    snprintf(path, sizeof path, "/%s", t->plural);
    web_crumbs(r, &b, path, plural, rec->ref);
    html_lit(&b, "<div class=\"page-head\"><div><p class=\"eyebrow\">");
    html_text(&b, t->label);
    html_lit(&b, " · <span class=\"id\">");
    html_text(&b, rec->ref);
    html_lit(&b, "</span>");
    if (retired) {
        html_lit(&b, " <span class=\"tag\">retired</span>");
    }
    html_lit(&b, "</p><h1>");
    html_text(&b, title ? title : rec->ref);
    html_lit(&b, "</h1></div><div class=\"actions\">");
    if (strcmp(t->name, "audit") == 0 || strcmp(t->name, "review") == 0 ||
        (strcmp(t->name, "document") == 0 && !str_empty(record_get(rec, "in_force")))) {
        char rp[96]; /* reports: this record's printable report */
        snprintf(rp, sizeof rp, "/%s/%s/print", t->plural, rec->ref);
        web_report_buttons(r, &b, rp);
    }
    if (strcmp(t->name, "audit") == 0) { /* bundle: the audit's evidence bundle */
        web_bundle_button(r, &b, rec->ref);
    }
    if (!retired && web_may(r, PERM_EDIT, t, owns)) {
        html_lit(&b, "<a class=\"button\" href=\"");
        web_ref_href(r, &b, rec->ref);
        html_lit(&b, "/edit\">Edit</a>");
    }
    if (!retired && !is_catalogue_control(rec) && web_may(r, PERM_RETIRE, t, owns)) {
        html_lit(&b, "<a class=\"button secondary\" href=\"");
        web_ref_href(r, &b, rec->ref);
        html_lit(&b, "/retire\">Retire…</a>");
    }
    html_lit(&b, "</div></div>");
    web_notice(r, &b);
    if (retired) {
        html_lit(&b, "<p class=\"notice retired-note\">Retired on ");
        html_text(&b, record_get(rec, FIELD_RETIRED));
        html_lit(&b, ". It is kept with its history but no longer appears in active lists and "
                     "cannot be changed.</p>");
    }
    if (e && !route_is(r, "page_risk_accept") && !route_is(r, "page_risk_review")) {
        web_error_box(&b, e->msg);
    }
    if (is(t, "risk")) {
        risk_panel(r, &b, rec, e);
    }
    if (is(t, "document")) {
        web_document_panel(r, &b, rec); /* page_document.c */
    }
    if (is(t, "control") || is(t, "ctest") || is(t, "ctrun") || is(t, "audit") ||
        is(t, "programme")) {
        web_audit_panel(r, &b, rec); /* audit: page_audit.c */
    }
    if (is(t, "metric") || is(t, "measurement") || is(t, "objective") ||
        is(t, "nonconformity") || is(t, "corrective") || is(t, "improvement")) {
        web_metrics_panel(r, &b, rec, e); /* metrics: page_metrics.c, page_improve.c */
    }
    /* ops: incident response, exception approval (page_ops.c) */
    if (is(t, "incident")) {
        web_incident_panel(r, &b, rec);
    }
    if (is(t, "exception")) {
        web_exception_panel(r, &b, rec);
    }
    if (is(t, "continuity")) {
        web_continuity_panel(r, &b, rec);
    }
    html_lit(&b, "<section aria-labelledby=\"h-details\"><h2 id=\"h-details\">Details</h2>"
                 "<dl class=\"fields\">");
    for (int i = 0; i < t->nfields; i++) {
        const struct field *f = &t->fields[i];
        if (!shown_in_details(t, f) || ((f->flags & FL_SYSTEM) && !rec->v[i] &&
                                        !(is(t, "risk") && strstr(f->name, "level")))) {
            continue;
        }
        if (is(t, "risk") && !rec->v[i] && strncmp(f->name, "consequence_", 12) == 0 &&
            !web_rating_scale(r, t, f)) {
            continue; /* the method has one consequence scale */
        }
        html_lit(&b, "<div class=\"f\"><dt>");
        html_text(&b, f->label);
        html_lit(&b, "</dt><dd>");
        if (f->type == F_REF && rec->v[i]) {
            web_ref_titled(r, &b, rec->v[i]);
        } else {
            web_value(r, &b, rec, f, rec->v[i]);
        }
        html_lit(&b, "</dd></div>");
    }
    html_lit(&b, "</dl><p class=\"meta\">Created ");
    web_time(&b, record_get(rec, FIELD_CREATED));
    html_lit(&b, " · last changed ");
    web_time(&b, record_get(rec, FIELD_UPDATED));
    html_lit(&b, " (UTC)</p></section>");
    if (is(t, "control")) {
        counterparts_section(r, &b, rec);
    }
    if (is(t, "asset") || is(t, "risk")) {
        web_memo_part(r, &b, "effective", rec, effective_section);
    }
    /* not memoized: validity is counted from today, forms carry tokens.
     * Attachments are not versioned: staff, who read a document's version
     * in force only, get none of a document's (PERM_HISTORY, perm.c) */
    if (perm_allows(r->role, PERM_HISTORY, t, owns)) {
        web_attachments_section(r, &b, rec);
    }
    web_people_panel(r, &b, rec); /* people: a campaign's completion, a session's attendance */
    /* what the viewer receives of these is the store's (perm.c): sign-offs
     * and history of what it may see, backlinks from rows it sees only —
     * staff get no draft of a document's history, no record around their
     * own incident they may not read */
    /* suppliers: send a questionnaire (a form: not memoized) */
    if (is(t, "supplier") && web_may(r, PERM_EDIT, t, owns)) {
        web_supplier_send_form(r, &b, rec);
    }
    if (perm_who_sees_versions(&r->app->who, t)) {
        web_memo_part(r, &b, "approvals", rec, approvals_section);
    }
    if (perm_who_sees_history(&r->app->who, t)) {
        web_memo_part(r, &b, "inbound", rec, inbound_section);
    }
    if (perm_allows(r->role, PERM_HISTORY, t, owns)) {
        web_memo_part(r, &b, "history", rec, history_section);
    }
    page_end(r, &b);
    page_send(w, &b, e ? err_http_status(e->code) : 200);
}

/* GET /:type/:id — the record the router loaded and may be shown (r->rec). */
int page_show(struct req *r, struct resp *w)
{
    web_show_record(r, w, NULL);
    return 0;
}

/* ---- retiring ------------------------------------------------------------- */

static void retire_page(struct req *r, struct resp *w, const struct err *e)
{
    const struct record *rec = r->rec;
    const struct rtype *t = rec->type;
    const char *title = t->title_field ? record_get(rec, t->title_field) : NULL;
    char plural[80], head[120], path[80];
    web_plural_label(t, plural, sizeof plural);
    snprintf(head, sizeof head, "Retire %s", rec->ref);
    snprintf(path, sizeof path, "/%s", t->plural);
    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, head);
    web_crumbs(r, &b, path, plural, rec->ref);
    html_lit(&b, "<section class=\"confirm\"><h1>Retire ");
    html_text(&b, t->label);
    html_lit(&b, " ");
    html_text(&b, rec->ref);
    html_lit(&b, "?</h1>");
    if (e) {
        web_error_box(&b, e->msg);
    }
    html_lit(&b, "<p class=\"lede\">");
    html_text(&b, title);
    html_lit(&b, "</p><p>A retired record is kept, with its whole history, as evidence. It "
                 "leaves the active lists, cannot be changed any more, and other records can no "
                 "longer refer to it. This cannot be undone.</p><form method=\"post\" "
                 "data-confirm=\"Retire this record?\" action=\"");
    web_ref_href(r, &b, rec->ref);
    html_lit(&b, "/retire\">");
    csrf_field(r, &b);
    html_lit(&b, "<button type=\"submit\" class=\"danger\">Retire ");
    html_text(&b, rec->ref);
    html_lit(&b, "</button> <a href=\"");
    web_ref_href(r, &b, rec->ref);
    html_lit(&b, "\">Cancel</a></form></section>");
    page_end(r, &b);
    page_send(w, &b, e ? err_http_status(e->code) : 200);
}

/* GET /:type/:id/retire — asks before retiring; writes nothing. */
int page_retire_confirm(struct req *r, struct resp *w)
{
    retire_page(r, w, NULL);
    return 0;
}

/* POST /:type/:id/retire — retires r->rec; 303 to the list, or the confirm page
 * again with the app's message and its status. */
int page_retire(struct req *r, struct resp *w)
{
    struct err e = {0};
    int rc = app_record_retire(r->app, r->type, r->rec->ref, &e);
    if (rc) {
        retire_page(r, w, &e);
        return 0;
    }
    struct buf to;
    buf_init(&to, 0);
    buf_puts(&to, "/");
    buf_puts(&to, r->type->plural);
    buf_puts(&to, "?done=retired");
    resp_redirect(r, w, buf_str(&to));
    buf_free(&to);
    return 0;
}
