/* page_list.c — GET /:type: any type's list (identifier + FL_LIST columns) with
 * search, filters (app_query_filter), sort, paging and the retired toggle.
 * Reads only; hides rows perm_visible hides, decides no permission itself. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/text.h"
#include "../lib/util.h"
#include "../model/method.h"
#include "web.h"

#define PAGE_SIZE 50
#define MAX_COLS 32
/* Above this many records a reference filter is a text box with a
 * datalist, not a select. */
#define SELECT_MAX 500

/* Query parameters that are not filters. */
static const char *const reserved[] = {"q", "sort", "dir", "page", "all", "review", "done", NULL};

static int is_reserved(const char *name)
{
    for (int i = 0; reserved[i]; i++) {
        if (strcmp(reserved[i], name) == 0) {
            return 1;
        }
    }
    return 0;
}

struct list_state {
    const struct rtype *t;
    const char *q;
    int all, review;
    int sort; /* field index, -1 = identifier */
    int desc;
    long page;
    struct kv filter[QUERY_MAX_FILTERS + 1];
    int nfilter;
    int cols[MAX_COLS];
    int ncols;
    /* the fields a row shows or needs: listed ones, what they sort by, the
     * title, owner, status, retired (read instead of whole records) */
    const char *read[MAX_COLS * 2 + 5];
};

static int is_risk_level(const struct rtype *t, const struct field *f)
{
    return strcmp(t->name, "risk") == 0 &&
           (strcmp(f->name, "level") == 0 || strcmp(f->name, "residual_level") == 0);
}

/* Writes the list URL with the current state, changing sort/dir/page. */
static void list_href(struct req *r, struct buf *b, const struct list_state *s, int sort, int desc,
                      long page)
{
    href(r, b, "/");
    html_url(b, s->t->plural);
    char sep = '?';
#define SEP()                                                                                      \
    do {                                                                                           \
        if (sep == '?') {                                                                          \
            html_lit(b, "?");                                                                      \
        } else {                                                                                   \
            html_lit(b, "&amp;");                                                                  \
        }                                                                                          \
        sep = '&';                                                                                 \
    } while (0)
    if (s->q) {
        SEP();
        html_lit(b, "q=");
        html_url(b, s->q);
    }
    for (int i = 0; i < s->nfilter; i++) {
        SEP();
        html_url(b, s->filter[i].name);
        html_lit(b, "=");
        html_url(b, s->filter[i].value);
    }
    if (s->all) {
        SEP();
        html_lit(b, "all=1");
    }
    if (s->review) {
        SEP();
        html_lit(b, "review=1");
    }
    if (sort >= 0) {
        SEP();
        html_lit(b, "sort=");
        html_url(b, s->t->fields[sort].name);
    }
    if (desc) {
        SEP();
        html_lit(b, "dir=desc");
    }
    if (page > 1) {
        SEP();
        html_lit(b, "page=");
        html_int(b, page);
    }
#undef SEP
}

/* ---- the filter form -------------------------------------------------------- */

static const char *filter_value(const struct list_state *s, const char *name)
{
    for (int i = 0; i < s->nfilter; i++) {
        if (strcmp(s->filter[i].name, name) == 0) {
            return s->filter[i].value;
        }
    }
    return NULL;
}

static void option(struct buf *b, const char *value, const char *label, int selected)
{
    html_lit(b, "<option value=\"");
    html_attr(b, value);
    html_lit_if(b, selected, "\" selected>", "\">");
    html_text(b, label);
    html_lit(b, "</option>");
}

/* Is field f offered as a select in the filter form? */
static int filterable(const struct rtype *t, const struct field *f)
{
    if (is_risk_level(t, f)) {
        return 1;
    }
    if (f->flags & FL_SYSTEM) {
        return 0;
    }
    return f->type == F_ENUM || f->type == F_BOOL || strcmp(f->name, FIELD_OWNER) == 0;
}

struct titles {
    struct req *r;
    struct buf *b;
    const char *cur; /* the selected identifier or NULL */
    int found;
};

static int title_option(void *ctx, const char *ref, const char *title)
{
    struct titles *tl = ctx;
    web_title_seen(tl->r, ref, title);
    int sel = tl->cur && strcmp(tl->cur, ref) == 0;
    tl->found |= sel;
    option(tl->b, ref, title ? title : ref, sel);
    return 0;
}

static void owner_control(struct req *r, struct buf *b, const struct rtype *pt, const char *cur)
{
    struct err e = {0};
    struct query q = {0};
    q.limit = SELECT_MAX * 2;
    long n = store_count_query(r->app->st, &r->app->who, pt, &q, &e);
    int readable = perm_allows(r->role, PERM_READ, pt, -1);
    if (n > SELECT_MAX) {
        html_lit(b, "<input id=\"f-owner\" name=\"owner\" list=\"dl-owner\" size=\"10\" "
                    "placeholder=\"P-0001\" value=\"");
        html_attr(b, cur);
        html_lit(b, "\"><datalist id=\"dl-owner\">");
        struct titles tl = {r, b, NULL, 0};
        if (readable) {
            store_titles(r->app->st, &r->app->who, pt, &q, title_option, &tl, &e);
        }
        html_lit(b, "</datalist>");
    } else {
        html_lit(b, "<select id=\"f-owner\" name=\"owner\"><option value=\"\">any</option>");
        struct titles tl = {r, b, cur, 0};
        if (readable) {
            store_titles(r->app->st, &r->app->who, pt, &q, title_option, &tl, &e);
        }
        if (cur && !tl.found) {
            option(b, cur, cur, 1);
        }
        html_lit(b, "</select>");
    }
}

static void owner_any(struct req *r, struct buf *b, const void *ctx)
{
    owner_control(r, b, ctx, NULL);
}

/* The owner filter: every person by name. Without a current choice the
 * control is the same for every viewer of a role until the file changes,
 * so it is kept in the memo. */
static void owner_filter(struct req *r, struct buf *b, const struct field *f, const char *cur)
{
    const struct rtype *pt = rtype_find(f->ref);
    if (cur || perm_row_rule(r->role, pt, NULL).kind != ROWS_ALL) {
        owner_control(r, b, pt, cur);
        return;
    }
    char key[80];
    snprintf(key, sizeof key, "owner-filter:%s:%s", role_names[r->role], pt->name);
    web_memo(r, b, key, owner_any, pt);
}

static void filter_form(struct req *r, struct buf *b, const struct list_state *s)
{
    const struct rtype *t = s->t;
    html_lit(b, "<form class=\"filters\" method=\"get\" role=\"search\" action=\"");
    href(r, b, "/");
    html_url(b, t->plural);
    html_lit(b, "\"><div class=\"filter-row\"><div class=\"fi grow\"><label for=\"f-q\">Search"
                "</label><input id=\"f-q\" name=\"q\" type=\"search\" maxlength=\"200\" value=\"");
    html_attr(b, s->q);
    html_lit(b, "\"></div>");
    for (int i = 0; i < t->nfields; i++) {
        const struct field *f = &t->fields[i];
        if (!filterable(t, f)) {
            continue;
        }
        const char *cur = filter_value(s, f->name);
        html_lit(b, "<div class=\"fi\"><label for=\"f-");
        html_attr(b, f->name);
        html_lit(b, "\">");
        html_text(b, f->label);
        html_lit(b, "</label>");
        if (strcmp(f->name, FIELD_OWNER) == 0) {
            owner_filter(r, b, f, cur);
            html_lit(b, "</div>");
            continue;
        }
        html_lit(b, "<select id=\"f-");
        html_attr(b, f->name);
        html_lit(b, "\" name=\"");
        html_attr(b, f->name);
        html_lit(b, "\"><option value=\"\">any</option>");
        int found = 0;
        if (f->type == F_BOOL) {
            int yes = cur && strcmp(cur, "yes") == 0, no = cur && strcmp(cur, "no") == 0;
            option(b, "yes", "yes", yes);
            option(b, "no", "no", no);
            found = yes || no;
        } else if (is_risk_level(t, f)) {
            struct err e = {0};
            const struct method *m = app_method(r->app, &e);
            for (int k = 0; m && k < m->nlevels; k++) {
                int sel = cur && strcmp(cur, m->levels[k].name) == 0;
                found |= sel;
                option(b, m->levels[k].name, m->levels[k].label, sel);
            }
        } else {
            for (int k = 0; f->values[k]; k++) {
                int sel = cur && strcmp(cur, f->values[k]) == 0;
                found |= sel;
                option(b, f->values[k], f->values[k], sel);
            }
        }
        if (cur && !found) {
            option(b, cur, cur, 1);
        }
        html_lit(b, "</select></div>");
    }
    html_lit(b, "</div><div class=\"filter-row\">");
    /* filters that came from a link (e.g. the heat map) and have no select */
    for (int i = 0; i < s->nfilter; i++) {
        const struct field *f = rtype_field(t, s->filter[i].name, NULL);
        if (f && filterable(t, f)) {
            continue;
        }
        html_lit(b, "<input type=\"hidden\" name=\"");
        html_attr(b, s->filter[i].name);
        html_lit(b, "\" value=\"");
        html_attr(b, s->filter[i].value);
        html_lit(b, "\"><span class=\"chip\">");
        html_text(b, f ? f->label : s->filter[i].name);
        html_lit(b, " = ");
        html_text(b, s->filter[i].value);
        html_lit(b, "</span>");
    }
    if (s->sort >= 0) {
        html_lit(b, "<input type=\"hidden\" name=\"sort\" value=\"");
        html_attr(b, t->fields[s->sort].name);
        html_lit(b, "\">");
    }
    if (s->desc) {
        html_lit(b, "<input type=\"hidden\" name=\"dir\" value=\"desc\">");
    }
    html_lit(b, "<label class=\"check\"><input type=\"checkbox\" name=\"all\" value=\"1\"");
    if (s->all) {
        html_lit(b, " checked");
    }
    html_lit(b, "> Include retired</label>");
    if (strcmp(t->name, "risk") == 0 || strcmp(t->name, "document") == 0) {
        html_lit(b, "<label class=\"check\"><input type=\"checkbox\" name=\"review\" value=\"1\"");
        if (s->review) {
            html_lit(b, " checked");
        }
        html_lit_if(b, strcmp(t->name, "document") == 0, "> Review overdue</label>",
                    "> Review due</label>");
    }
    html_lit(b, "<button type=\"submit\">Filter</button> <a class=\"reset\" href=\"");
    href(r, b, "/");
    html_url(b, t->plural);
    html_lit(b, "\">Clear</a></div></form>");
}

/* ---- the table --------------------------------------------------------------- */

static void cell(struct req *r, struct buf *b, const struct record *rec, const struct field *f,
                 int title)
{
    const char *v = rec->v[f - rec->type->fields];
    if (title && v) {
        html_lit(b, "<a href=\"");
        web_ref_href(r, b, rec->ref);
        html_lit(b, "\">");
        html_text(b, v);
        html_lit(b, "</a>");
        return;
    }
    if (f->type == F_REF && v) {
        /* a person or record by name: easier to read than its identifier */
        char *t = web_ref_title(r, v);
        web_ref_link(r, b, v, t);
        free(t);
        return;
    }
    web_value(r, b, rec, f, v);
}

static void header(struct req *r, struct buf *b, const struct list_state *s, int idx,
                   const char *label)
{
    int active = s->sort == idx;
    html_lit(b, "<th scope=\"col\"");
    if (active) {
        html_lit_if(b, s->desc, " aria-sort=\"descending\"", " aria-sort=\"ascending\"");
    }
    html_lit(b, "><a href=\"");
    list_href(r, b, s, idx, active && !s->desc, 1);
    html_lit(b, "\">");
    html_text(b, label);
    if (active) {
        html_lit_if(b, s->desc, " <span aria-hidden=\"true\">▼</span>",
                    " <span aria-hidden=\"true\">▲</span>");
    }
    html_lit(b, "</a></th>");
}

struct row_ctx {
    struct req *r;
    const struct list_state *s;
};

/* One row of the table: depends on the record, the file (titles, the
 * method's levels) and the viewer's role only, so it can be remembered. */
static void render_row(void *ctx, const struct record *rec, struct buf *b)
{
    const struct row_ctx *c = ctx;
    struct req *r = c->r;
    const struct list_state *s = c->s;
    const struct rtype *t = s->t;
    int retired = record_get(rec, FIELD_RETIRED) != NULL;
    html_lit_if(b, retired, "<tr class=\"retired\">", "<tr>");
    html_lit(b, "<td class=\"nowrap\"><a href=\"");
    web_ref_href(r, b, rec->ref);
    html_lit(b, "\">");
    html_text(b, rec->ref);
    html_lit(b, "</a>");
    if (retired) {
        html_lit(b, " <span class=\"tag\">retired</span>");
    }
    html_lit(b, "</td>");
    for (int k = 0; k < s->ncols; k++) {
        const struct field *f = &t->fields[s->cols[k]];
        html_lit(b, "<td>");
        cell(r, b, rec, f, t->title_field && strcmp(f->name, t->title_field) == 0);
        html_lit(b, "</td>");
    }
    html_lit(b, "</tr>");
}

static void table(struct req *r, struct buf *b, const struct list_state *s, char **rows,
                  size_t n)
{
    const struct rtype *t = s->t;
    char plural[80];
    web_plural_label(t, plural, sizeof plural);
    html_lit(b, "<div class=\"table-wrap\"><table class=\"list\" data-filterable>"
                "<caption class=\"vh\">");
    html_text(b, plural);
    html_lit(b, "</caption><thead><tr>");
    header(r, b, s, -1, "ID");
    for (int k = 0; k < s->ncols; k++) {
        header(r, b, s, s->cols[k], t->fields[s->cols[k]].label);
    }
    html_lit(b, "</tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
        if (rows[i]) {
            buf_puts(b, rows[i]); /* rendered by render_row */
        }
    }
    html_lit(b, "</tbody></table></div>");
}

static void pager(struct req *r, struct buf *b, const struct list_state *s, long pages)
{
    if (pages <= 1) {
        return;
    }
    html_lit(b, "<nav class=\"pager\" aria-label=\"Pages\">");
    if (s->page > 1) {
        html_lit(b, "<a rel=\"prev\" href=\"");
        list_href(r, b, s, s->sort, s->desc, s->page - 1);
        html_lit(b, "\">← Previous</a>");
    }
    html_lit(b, "<span>Page ");
    html_int(b, s->page);
    html_lit(b, " of ");
    html_int(b, pages);
    html_lit(b, "</span>");
    if (s->page < pages) {
        html_lit(b, "<a rel=\"next\" href=\"");
        list_href(r, b, s, s->sort, s->desc, s->page + 1);
        html_lit(b, "\">Next →</a>");
    }
    html_lit(b, "</nav>");
}

/* Reads the list parameters; unknown sort names and bad page numbers fall
 * back to the defaults, filters are checked by app_query_filter. */
static void read_state(struct req *r, struct list_state *s)
{
    memset(s, 0, sizeof *s);
    s->t = r->type;
    s->sort = -1;
    s->q = web_query(r, "q");
    if (s->q && !*s->q) {
        s->q = NULL;
    }
    s->all = web_query_long(r, "all", 0, 1, 0);
    s->review = (strcmp(s->t->name, "risk") == 0 || strcmp(s->t->name, "document") == 0) &&
                web_query_long(r, "review", 0, 1, 0);
    s->desc = web_query(r, "dir") && strcmp(web_query(r, "dir"), "desc") == 0;
    s->page = web_query_long(r, "page", 1, 1000000, 1);
    for (int i = 0; i < s->t->nfields && s->ncols < MAX_COLS; i++) {
        if (s->t->fields[i].flags & FL_LIST) {
            s->cols[s->ncols++] = i;
        }
    }
    int nr = 0;
    for (int k = 0; k < s->ncols; k++) {
        const struct field *f = &s->t->fields[s->cols[k]];
        s->read[nr++] = f->name;
        if (f->sort_by) {
            s->read[nr++] = f->sort_by;
        }
    }
    s->read[nr++] = s->t->title_field ? s->t->title_field : FIELD_OWNER;
    s->read[nr++] = FIELD_OWNER;
    s->read[nr++] = FIELD_STATUS;
    s->read[nr++] = FIELD_RETIRED;
    s->read[nr] = NULL;
    const char *sort = web_query(r, "sort");
    for (int k = 0; sort && k < s->ncols; k++) {
        if (strcmp(s->t->fields[s->cols[k]].name, sort) == 0) {
            s->sort = s->cols[k];
        }
    }
}

/* GET /:type — the list; every query parameter is untrusted (filters checked by
 * app_query_filter, sort names against the declarations, page bounded). */
int page_list(struct req *r, struct resp *w)
{
    struct list_state s;
    read_state(r, &s);
    const struct rtype *t = s.t;
    struct err e = {0};
    int status = 200;
    int bad_filter = 0;
    for (int i = 0; i < r->query.n; i++) {
        const struct kv *kv = &r->query.kv[i];
        if (is_reserved(kv->name) || !kv->value[0]) {
            continue;
        }
        if (s.nfilter == QUERY_MAX_FILTERS + 1) {
            err_set(&e, ERR_USAGE, NULL, "at most %d filters", QUERY_MAX_FILTERS);
            bad_filter = 1;
            break;
        }
        size_t nl = strlen(kv->name), vl = strlen(kv->value);
        if (nl > 64 || vl > 200 || !utf8_valid(kv->name, nl) || !utf8_valid(kv->value, vl)) {
            err_set(&e, ERR_USAGE, NULL, "a filter is too long or not valid text");
            bad_filter = 1;
            break;
        }
        s.filter[s.nfilter++] = *kv;
    }

    struct query q = {0};
    char *owned[QUERY_MAX_FILTERS] = {0};
    struct keylist keys = {0};
    char **rows = NULL;
    if (!bad_filter && app_query_filter(t, &q, s.filter, s.nfilter, owned, &e)) {
        bad_filter = 1;
    }
    if (bad_filter) {
        status = err_http_status(e.code);
        /* keep only the filters that name fields, so the form can show them */
        int k = 0;
        for (int i = 0; i < s.nfilter; i++) {
            if (rtype_field(t, s.filter[i].name, NULL) && k < QUERY_MAX_FILTERS) {
                s.filter[k++] = s.filter[i];
            }
        }
        s.nfilter = k;
    }
    long total = 0, pages = 1;
    if (!bad_filter) {
        /* the store filters, counts, orders and pages; only the rows shown
         * are read (rows the viewer may not see are never matched) */
        char today[11];
        date_today(today);
        q.search = s.q;
        q.include_retired = s.all;
        q.review_due = s.review ? today : NULL;
        q.sort = s.sort >= 0 ? &t->fields[s.sort] : NULL;
        q.desc = s.desc;
        q.columns = s.read;
        total = store_count_query(r->app->st, &r->app->who, t, &q, &e);
        if (total >= 0) {
            pages = total ? (total + PAGE_SIZE - 1) / PAGE_SIZE : 1;
            if (s.page > pages) {
                s.page = pages;
            }
            q.limit = PAGE_SIZE;
            q.offset = (s.page - 1) * PAGE_SIZE;
        }
        /* the page's positions, then each row from the memo or rendered */
        struct row_ctx rc = {r, &s};
        /* a row shows titles of records it refers to, which a staff member
         * may see only some of: their rows are their own */
        char prefix[128];
        snprintf(prefix, sizeof prefix, "row:%s:%s", role_names[r->role],
                 r->role == ROLE_STAFF ? r->auth.person : "");
        if (total < 0 || app_page_keys(r->app, t, &q, &keys, &e) ||
            app_memo_records(r->app, t, &q, &keys, keys.n, prefix, render_row, &rc, &rows,
                             &e)) {
            for (int i = 0; i < QUERY_MAX_FILTERS; i++) {
                free(owned[i]);
            }
            keylist_free(&keys);
            resp_error(r, w, &e);
            return 0;
        }
    }
    for (int i = 0; i < QUERY_MAX_FILTERS; i++) {
        free(owned[i]);
    }
    long from = (s.page - 1) * PAGE_SIZE;

    char plural[80];
    web_plural_label(t, plural, sizeof plural);
    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, plural);
    web_crumbs(r, &b, NULL, NULL, plural);
    html_lit(&b, "<div class=\"page-head\"><div><h1>");
    html_text(&b, plural);
    html_lit(&b, "</h1><p class=\"lede\">");
    html_text(&b, t->help);
    html_lit(&b, " <span class=\"clause\">(clause ");
    html_text(&b, t->clause);
    html_lit(&b, ")</span></p></div>");
    if (web_may(r, PERM_CREATE, t, -1)) {
        html_lit(&b, "<a class=\"button\" href=\"");
        href(r, &b, "/");
        html_url(&b, t->plural);
        html_lit(&b, "/new\">New ");
        char lower[80];
        snprintf(lower, sizeof lower, "%s", t->label);
        lower[0] = (char)(lower[0] >= 'A' && lower[0] <= 'Z' ? lower[0] - 'A' + 'a' : lower[0]);
        html_text(&b, lower);
        html_lit(&b, "</a>");
        /* import: from a CSV or XLSX file (page_import.c) */
        html_lit(&b, " <a class=\"button\" href=\"");
        href(r, &b, "/");
        html_url(&b, t->plural);
        html_lit(&b, "/import\">Import from a file</a>");
    }
    /* reports: every register as CSV and XLSX (GET /:type/export; the risks'
     * own export), and as PDF where a printable report of the type exists */
    html_lit(&b, "<div class=\"actions\">");
    char exp[96];
    snprintf(exp, sizeof exp, "/%s/export", t->plural);
    web_export_buttons(r, &b, exp);
    static const struct {
        const char *type, *print;
    } printable[] = {{"control", "/soa/print"},
                     {"risk", "/risks/print"},
                     {"action", "/plan/print"},
                     {"asset", "/assets/print"}};
    for (size_t i = 0; i < sizeof printable / sizeof printable[0]; i++) {
        if (strcmp(t->name, printable[i].type) == 0) {
            web_report_buttons(r, &b, printable[i].print);
        }
    }
    html_lit(&b, "</div>");
    html_lit(&b, "</div>");
    if (strcmp(t->name, "risk") == 0) {
        html_lit(&b, "<p class=\"subnav\"><a href=\"");
        href(r, &b, "/risks/matrix");
        html_lit(&b, "\">Heat map</a> · <a href=\"");
        href(r, &b, "/plan");
        html_lit(&b, "\">Treatment plan</a> · <a href=\"");
        href(r, &b, "/method");
        html_lit(&b, "\">Risk method</a></p>");
    } else if (strcmp(t->name, "control") == 0) {
        html_lit(&b, "<p class=\"subnav\"><a href=\"");
        href(r, &b, "/soa");
        html_lit(&b, "\">Statement of Applicability</a></p>");
    }
    web_notice(r, &b);
    if (bad_filter) {
        html_lit(&b,
                 "<div class=\"error-box\" role=\"alert\"><strong>Filter not applied.</strong> ");
        html_text(&b, e.msg);
        html_lit(&b, "</div>");
    }
    filter_form(r, &b, &s);
    if (!bad_filter) {
        html_lit(&b, "<p class=\"count\" role=\"status\">");
        if (keys.n == 0) {
            html_lit(&b, "Nothing matched.");
        } else {
            html_text(&b, "Showing ");
            html_int(&b, (int64_t)from + 1);
            html_lit(&b, "–");
            html_int(&b, (int64_t)from + (int64_t)keys.n);
            html_lit(&b, " of ");
            html_int(&b, (int64_t)total);
            html_lit(&b, ".");
        }
        html_lit(&b, "</p>");
        if (keys.n) {
            table(r, &b, &s, rows, keys.n);
            pager(r, &b, &s, pages);
        }
    }
    page_end(r, &b);
    page_send(w, &b, status);
    for (size_t i = 0; rows && i < keys.n; i++) {
        free(rows[i]);
    }
    free(rows);
    keylist_free(&keys);
    return 0;
}
