/* layout.c — the frame around every page and the small renderers pages share
 * (web.h). HTML only through lib/html.h; data only through app_* calls; it
 * hides links the router would refuse but never decides permissions. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/text.h"
#include "../lib/util.h"
#include "../model/method.h"
#include "web.h"

void href(struct req *r, struct buf *b, const char *path)
{
    html_attr(b, r->org ? r->org->prefix : "");
    html_attr(b, path);
}

void csrf_field(struct req *r, struct buf *b)
{
    html_lit(b, "<input type=\"hidden\" name=\"_csrf\" value=\"");
    html_attr(b, r->auth.csrf);
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
    if (r->authed && r->auth.mfa_ok) {
        html_lit(b, "<nav aria-label=\"Main\"><ul>");
        nav_link(r, b, "/", "Dashboard");
        nav_link(r, b, "/tasks", "Tasks"); /* tasks: the one task model */
        if (perm_allows(r->role, PERM_READ, rtype_find("risk"), -1)) {
            nav_link(r, b, "/risks", "Risks");
            nav_link(r, b, "/assets", "Assets");
            nav_link(r, b, "/soa", "SoA");
            nav_link(r, b, "/plan", "Treatment plan");
        }
        if (perm_allows(r->role, PERM_READ, rtype_find("risk"), -1)) {
            nav_link(r, b, "/#registers", "All registers");
        }
        nav_link(r, b, "/documents", "Policies");
        nav_link(r, b, "/incidents", "Incidents");
        /* accounts: the security log and the second factor */
        if (web_may(r, PERM_ADMIN, NULL, -1)) {
            nav_link(r, b, "/admin/log", "Security log");
        }
        nav_link(r, b, "/account/totp", "Second factor");
        /* end accounts */
        nav_link(r, b, "/calendar", "Calendar"); /* outbound: the account's calendar feed */
        html_lit(b, "</ul></nav><form class=\"logout\" method=\"post\" action=\"");
        href(r, b, "/logout");
        html_lit(b, "\">");
        csrf_field(r, b);
        html_lit(b, "<span class=\"who\">");
        html_text(b, r->auth.name);
        html_lit(b, " · ");
        html_text(b, r->auth.role);
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
    resp_take(w, status, "text/html; charset=utf-8", b);
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

/* ---- request helpers ------------------------------------------------------ */

const char *web_query(struct req *r, const char *name)
{
    const char *v = kv_get(&r->query, name);
    if (!v) {
        return NULL;
    }
    size_t n = strlen(v);
    if (n > 200 || !utf8_valid(v, n) || text_bad_control(v, 0)) {
        return NULL;
    }
    return v;
}

long web_query_long(struct req *r, const char *name, long lo, long hi, long def)
{
    const char *v = web_query(r, name);
    int64_t x;
    if (!v || int_parse(v, &x) || x < lo || x > hi) {
        return def;
    }
    return (long)x;
}

int web_owns(struct req *r, const struct record *rec)
{
    const char *owner = rec ? record_get(rec, FIELD_OWNER) : NULL;
    return owner && r->auth.person[0] && strcmp(owner, r->auth.person) == 0;
}

int web_may(struct req *r, enum perm p, const struct rtype *t, int owns)
{
    return perm_allows(r->role, p, t, owns) && perm_may_request(&r->app->who, p, 0);
}

int web_may_sign(struct req *r)
{
    return perm_may_request(&r->app->who, PERM_READ, 1);
}

/* ---- renderers ------------------------------------------------------------ */

/* May the viewer open records of this type? */
static int readable(struct req *r, const struct rtype *t)
{
    return t && perm_allows(r->role, PERM_READ, t, -1);
}

void web_ref_href(struct req *r, struct buf *b, const char *ref)
{
    const struct rtype *t = ref ? rtype_of_ref(ref) : NULL;
    if (!t) {
        html_lit(b, "#");
        return;
    }
    href(r, b, "/");
    html_url(b, t->plural);
    html_lit(b, "/");
    html_url(b, ref);
}

void web_ref_link(struct req *r, struct buf *b, const char *ref, const char *text)
{
    if (!readable(r, rtype_of_ref(ref))) {
        html_text(b, text ? text : ref);
        return;
    }
    html_lit(b, "<a href=\"");
    web_ref_href(r, b, ref);
    html_lit(b, "\">");
    html_text(b, text ? text : ref);
    html_lit(b, "</a>");
}

static int take_title(void *ctx, const char *ref, const char *title)
{
    (void)ref;
    *(char **)ctx = xstrdup(title);
    return 1;
}

/* Where a title is remembered: for a viewer who sees every row of its
 * type, in the connection's memo (shared by such viewers until the file
 * changes); else for this request only. */
static int title_known(struct req *r, const struct rtype *t, const char *ref, const char **title)
{
    if (perm_row_rule(r->role, t, NULL).kind == ROWS_ALL) {
        char key[80];
        snprintf(key, sizeof key, "title:%s", ref);
        return app_memo_get(r->app, key, title);
    }
    return strmap_get(&r->titles, ref, title);
}

void web_title_seen(struct req *r, const char *ref, const char *title)
{
    const struct rtype *t = rtype_of_ref(ref);
    if (t && perm_row_rule(r->role, t, NULL).kind == ROWS_ALL) {
        char key[80];
        snprintf(key, sizeof key, "title:%s", ref);
        struct tblset deps; /* a title is read from its record's table */
        store_tblset_type(r->app->st, t, &deps);
        app_memo_put(r->app, key, title, &deps);
    } else {
        strmap_put(&r->titles, ref, title);
    }
}

/* Appends the text under key from get, or renders, puts and appends it. */
static void remembered(struct req *r, struct buf *b, const char *key, web_render_fn fn,
                       const void *ctx, int (*get)(struct app *, const char *, const char **),
                       void (*put)(struct app *, const char *, const char *,
                                   const struct tblset *))
{
    const char *html;
    if (get(r->app, key, &html) && html) {
        buf_puts(b, html);
        return;
    }
    struct buf o;
    buf_init(&o, 0);
    struct tblset saved, read; /* kept with the tables it was rendered from */
    app_track_begin(r->app, &saved);
    fn(r, &o, ctx);
    app_track_end(r->app, &saved, &read);
    put(r->app, key, buf_str(&o), &read);
    buf_append(b, o.p ? o.p : "", o.len);
    buf_free(&o);
}

void web_memo(struct req *r, struct buf *b, const char *key, web_render_fn fn, const void *ctx)
{
    remembered(r, b, key, fn, ctx, app_memo_get, app_memo_put);
}

void web_derived(struct req *r, struct buf *b, const char *key, web_render_fn fn,
                 const void *ctx)
{
    remembered(r, b, key, fn, ctx, app_derived_get, app_derived_put);
}

struct part_call {
    web_part_fn fn;
    const struct record *rec;
};

static void call_part(struct req *r, struct buf *b, const void *ctx)
{
    const struct part_call *c = ctx;
    c->fn(r, b, c->rec);
}

void web_memo_part(struct req *r, struct buf *b, const char *what, const struct record *rec,
                   web_part_fn fn)
{
    char key[200], view[120];
    snprintf(key, sizeof key, "part:%s:%s:%s", what,
             principal_view(&r->app->who, view, sizeof view), rec->ref);
    struct part_call c = {fn, rec};
    web_memo(r, b, key, call_part, &c);
}

char *web_ref_title(struct req *r, const char *ref)
{
    const struct rtype *t = rtype_of_ref(ref);
    if (!readable(r, t) || !t->title_field) {
        return NULL;
    }
    const char *known;
    if (title_known(r, t, ref, &known)) {
        return xstrdup(known);
    }
    /* the title only, of a record the viewer may see (retired ones too) */
    struct query q = {0};
    q.ref = ref;
    q.include_retired = 1;
    q.limit = 1;
    char *title = NULL;
    struct err e = {0};
    if (store_titles(r->app->st, &r->app->who, t, &q, take_title, &title, &e) == 0) {
        web_title_seen(r, ref, title);
    }
    return title;
}

void web_ref_titled(struct req *r, struct buf *b, const char *ref)
{
    char *title = web_ref_title(r, ref);
    if (!readable(r, rtype_of_ref(ref))) {
        html_text(b, ref);
    } else {
        html_lit(b, "<a href=\"");
        web_ref_href(r, b, ref);
        html_lit(b, "\"><span class=\"id\">");
        html_text(b, ref);
        html_lit(b, "</span>");
        if (title) {
            html_lit(b, " ");
            html_text(b, title);
        }
        html_lit(b, "</a>");
    }
    free(title);
}

/* Is s[0..n) only blanks? */
static int blank_line(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r') {
            return 0;
        }
    }
    return 1;
}

void web_paragraphs(struct buf *b, const char *s)
{
    if (!s) {
        return;
    }
    /* consecutive non-blank lines form a paragraph; lines inside it break */
    html_lit(b, "<div class=\"text\">");
    int open = 0;
    for (const char *p = s; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (blank_line(p, n)) {
            if (open) {
                html_lit(b, "</p>");
                open = 0;
            }
        } else {
            html_lit_if(b, open, "<br>", "<p>");
            open = 1;
            size_t len = n && p[n - 1] == '\r' ? n - 1 : n;
            char *line = xstrndup(p, len);
            html_text(b, line);
            free(line);
        }
        p += n + (nl ? 1 : 0);
    }
    if (open) {
        html_lit(b, "</p>");
    }
    html_lit(b, "</div>");
}

static int valid_colour(const char *c)
{
    if (!c || strlen(c) != 7 || c[0] != '#') {
        return 0;
    }
    for (int i = 1; i < 7; i++) {
        if (!strchr("0123456789abcdefABCDEF", c[i])) {
            return 0;
        }
    }
    return 1;
}

void web_swatch(struct buf *b, const char *colour)
{
    if (!valid_colour(colour)) {
        return;
    }
    html_lit(b, "<svg class=\"sw\" width=\"12\" height=\"12\" viewBox=\"0 0 12 12\" "
                "aria-hidden=\"true\" focusable=\"false\"><rect width=\"12\" height=\"12\" "
                "rx=\"3\" fill=\"");
    html_token(b, colour);
    html_lit(b, "\"/></svg>");
}

void web_cell_bg(struct buf *b, const char *colour)
{
    if (!valid_colour(colour)) {
        return;
    }
    html_lit(b, "<svg class=\"bg\" viewBox=\"0 0 1 1\" preserveAspectRatio=\"none\" "
                "aria-hidden=\"true\" focusable=\"false\"><rect width=\"1\" height=\"1\" fill=\"");
    html_token(b, colour);
    html_lit(b, "\"/></svg>");
}

/* Relative luminance (WCAG 2) of "#rrggbb". */
static double luminance(const char *c)
{
    double ch[3];
    for (int i = 0; i < 3; i++) {
        char hex[3] = {c[1 + 2 * i], c[2 + 2 * i], 0};
        double v = (double)strtol(hex, NULL, 16) / 255.0;
        ch[i] = v <= 0.03928 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
    }
    return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
}

const char *web_contrast_class(const char *colour)
{
    if (!valid_colour(colour)) {
        return "on-light";
    }
    /* black text wins over white above this luminance (equal contrast) */
    return luminance(colour) > 0.179 ? "on-light" : "on-dark";
}

void web_level(struct req *r, struct buf *b, const char *level, const char *score)
{
    if (!level) {
        html_lit(b, "<span class=\"lvl none\">unrated</span>");
        return;
    }
    struct err e = {0};
    const struct method *m = app_method(r->app, &e);
    const struct risk_level *lv = NULL;
    for (int i = 0; m && i < m->nlevels; i++) {
        if (strcmp(m->levels[i].name, level) == 0) {
            lv = &m->levels[i];
        }
    }
    html_lit(b, "<span class=\"lvl lvl-");
    html_token(b, level);
    html_lit(b, "\">");
    if (lv) {
        web_swatch(b, lv->colour);
    }
    html_text(b, lv ? lv->label : level);
    if (score) {
        html_lit(b, " <span class=\"score\">");
        html_text(b, score);
        html_lit(b, "</span>");
    }
    html_lit(b, "</span>");
}

/* A level is declared as ordered by its score (sort_by): the score is
 * shown beside it. */
static const char *level_score(const struct record *rec, const struct field *f)
{
    return rec && f->sort_by ? record_get(rec, f->sort_by) : NULL;
}

static int is_level_field(const struct record *rec, const struct field *f)
{
    return rec && strcmp(rec->type->name, "risk") == 0 && f->sort_by != NULL;
}

const struct scale *web_rating_scale(struct req *r, const struct rtype *t,
                                     const struct field *f)
{
    if (!t || strcmp(t->name, "risk") != 0 || f->type != F_INT) {
        return NULL;
    }
    struct err e = {0};
    const struct method *m = app_method(r->app, &e);
    if (!m) {
        return NULL;
    }
    if (strcmp(f->name, "likelihood") == 0 || strcmp(f->name, "residual_likelihood") == 0) {
        return &m->likelihood;
    }
    if (strcmp(f->name, "consequence") == 0 || strcmp(f->name, "residual_consequence") == 0) {
        return &m->consequence;
    }
    static const char *const dims[3] = {"consequence_confidentiality", "consequence_integrity",
                                        "consequence_availability"};
    for (int d = 0; d < 3; d++) {
        if (strcmp(f->name, dims[d]) == 0) {
            return m->per_cia ? &m->cia[d] : NULL;
        }
    }
    return NULL;
}

void web_value(struct req *r, struct buf *b, const struct record *rec, const struct field *f,
               const char *v)
{
    if (is_level_field(rec, f)) {
        if (v) {
            web_level(r, b, v, level_score(rec, f));
        } else {
            html_lit(b, "<span class=\"muted\">—</span>");
        }
        return;
    }
    if (!v) {
        html_lit(b, "<span class=\"muted\">—</span>");
        return;
    }
    const struct scale *sc = rec ? web_rating_scale(r, rec->type, f) : NULL;
    int64_t n;
    if (sc && int_parse(v, &n) == 0 && n >= 1 && n <= sc->n) {
        /* a rating reads with its label: "4 · Likely" */
        html_text(b, v);
        html_lit(b, " <span class=\"muted\">· ");
        html_text(b, sc->lv[n - 1].label);
        html_lit(b, "</span>");
        return;
    }
    switch (f->type) {
    case F_REF:
        web_ref_link(r, b, v, NULL);
        break;
    case F_REFS: {
        char *copy = xstrdup(v);
        int k = 0;
        for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok;
             tok = strtok_r(NULL, ",", &save)) {
            if (k++) {
                html_lit(b, ", ");
            }
            web_ref_link(r, b, tok, NULL);
        }
        free(copy);
        break;
    }
    case F_BOOL:
        html_text(b, strcmp(v, "1") == 0 ? "yes" : "no");
        break;
    case F_LONGTEXT:
        if (rec && strcmp(rec->type->name, "document") == 0 && strcmp(f->name, "body") == 0) {
            web_markdown(b, v); /* document content is Markdown */
        } else {
            web_paragraphs(b, v);
        }
        break;
    case F_DATETIME: {
        /* "2026-01-31T10:00:00Z" reads as "2026-01-31 10:00 UTC" */
        char t[40];
        snprintf(t, sizeof t, "%.10s %.5s UTC", v, strlen(v) > 11 ? v + 11 : "");
        html_lit(b, "<time datetime=\"");
        html_attr(b, v);
        html_lit(b, "\">");
        html_text(b, t);
        html_lit(b, "</time>");
        break;
    }
    case F_EMAIL:
        html_lit(b, "<a href=\"mailto:");
        html_url(b, v);
        html_lit(b, "\">");
        html_text(b, v);
        html_lit(b, "</a>");
        break;
    default: {
        char *d = value_display(f, v);
        html_text(b, d);
        free(d);
        break;
    }
    }
}

void web_error_box(struct buf *b, const char *msg)
{
    html_lit(b, "<div class=\"error-box\" role=\"alert\"><strong>Not saved.</strong> ");
    html_text(b, msg);
    html_lit(b, "</div>");
}

void web_notice(struct req *r, struct buf *b)
{
    static const struct {
        const char *key, *msg;
    } notices[] = {
        {"created", "Created."},
        {"saved", "Saved."},
        {"unchanged", "Nothing changed: the values were already so."},
        {"retired", "Retired. It stays, with its history, but leaves the active lists."},
        {"accepted", "The risk acceptance is recorded."},
        {"reviewed", "Review recorded; the next review date is set."},
        {"approved", "Approval recorded."},
        {"submitted", "Submitted for review: this version is frozen."},
        {"doc-reviewed", "Review signed."},
        {"sent-back", "Sent back to the author as a draft."},
        {"published", "Published."},
        {"revised", "A new draft is started; the version in force stays until it is approved."},
        {"acknowledged", "Thank you: your acknowledgement is recorded."},
        {"attached", "Evidence file attached."},
        {"detached", "Evidence file removed; it stays in the record's history."},
        /* review */
        {"pack-frozen", "The review pack is frozen as presented at the meeting."},
        {"minutes-signed", "The minutes are signed."},
        /* audit */
        {"nc-raised", "Nonconformity raised and linked to this run."},
        {"checklist", "Checklist generated from the audit's scope."},
        {"content-file", "The file is the draft's content; submitting freezes it by its SHA-256."},
        {"content-markdown", "The draft's content is its Markdown again."},
        /* metrics */
        {"why-saved", "The step of the 5 whys is recorded."},
        {"effectiveness-reviewed", "The effectiveness review is signed."},
        /* ops */
        {"noted", "Added to the timeline."},
        {"notified", "The notification is recorded."},
        {"inc-nc-raised", "A nonconformity is raised from the incident."},
        /* people */
        {"attended", "Thank you: your attendance is recorded."},
        /* import */
        {"imported", "Imported: every row of the file is a record now, each with its history."},
    };
    /* only the notice of the action that led here (notice.c): a bare or
     * copied ?done= shows nothing */
    char key[64];
    const char *k = notice_valid(r, web_query(r, "done"), key, sizeof key) ? key : NULL;
    for (size_t i = 0; k && i < sizeof notices / sizeof notices[0]; i++) {
        if (strcmp(notices[i].key, k) == 0) {
            html_lit(b, "<p class=\"notice\" role=\"status\">");
            html_text(b, notices[i].msg);
            html_lit(b, "</p>");
        }
    }
}

void web_crumbs(struct req *r, struct buf *b, const char *path, const char *label,
                const char *current)
{
    html_lit(b, "<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><ol><li><a href=\"");
    href(r, b, "/");
    html_lit(b, "\">Dashboard</a></li>");
    if (path) {
        html_lit(b, "<li><a href=\"");
        href(r, b, path);
        html_lit(b, "\">");
        html_text(b, label);
        html_lit(b, "</a></li>");
    }
    if (current) {
        html_lit(b, "<li aria-current=\"page\">");
        html_text(b, current);
        html_lit(b, "</li>");
    }
    html_lit(b, "</ol></nav>");
}

void web_plural_label(const struct rtype *t, char *out, size_t size)
{
    /* a one-word label with an irregular plural ("Person" -> "people") */
    if (!strchr(t->label, ' ') && strncmp(t->plural, t->name, strlen(t->name)) != 0) {
        snprintf(out, size, "%c%s", t->plural[0] - 'a' + 'A', t->plural + 1);
        return;
    }
    size_t n = strlen(t->label);
    char last = n ? t->label[n - 1] : 0, before = n > 1 ? t->label[n - 2] : 0;
    if (last == 'y' && !strchr("aeiou", before)) {
        snprintf(out, size, "%.*sies", (int)(n - 1), t->label);
    } else if (last == 's' || last == 'x' || (last == 'h' && (before == 'c' || before == 's'))) {
        snprintf(out, size, "%ses", t->label);
    } else {
        snprintf(out, size, "%ss", t->label);
    }
}

void web_time(struct buf *b, const char *at)
{
    if (!at) {
        html_lit(b, "<span class=\"muted\">—</span>");
        return;
    }
    char t[40];
    snprintf(t, sizeof t, "%.10s %.5s", at, strlen(at) > 11 ? at + 11 : "");
    html_lit(b, "<time datetime=\"");
    html_attr(b, at);
    html_lit(b, "\">");
    html_text(b, t);
    html_lit(b, "</time>");
}
