/* page_dashboard.c — GET /: the viewer's overdue work, risks due for review,
 * approvals waiting, the heat maps and the registers (staff: policies to read,
 * the incident report). Reads only; never writes or decides permissions. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/hash.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "../model/method.h"
#include "../model/risk.h"
#include "web.h"

#define CARD_MAX 12  /* items listed per card before "and N more" */
#define SOON_DAYS 14 /* "coming up" horizon */

static int is_in(const char *v, const char *const *set)
{
    for (int i = 0; v && set[i]; i++) {
        if (strcmp(v, set[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Active records of type name; with owner set, only that person's. */
static void load(struct req *r, const char *name, const char *owner, struct records *out)
{
    const struct rtype *t = rtype_find(name);
    struct query q = {0};
    struct err e = {0};
    char *owned[QUERY_MAX_FILTERS] = {0};
    struct kv kv = {FIELD_OWNER, owner};
    if (owner && app_query_filter(t, &q, &kv, 1, owned, &e)) {
        return;
    }
    /* only what the viewer may see (for staff: documents in force) */
    app_query_visible(t, r->role, r->who.person[0] ? r->who.person : NULL, &q);
    store_list(r->app->st, t, &q, records_add, out, &e);
    free(owned[0]);
}

static void card_begin(struct buf *b, const char *id, const char *title, long count, int bad)
{
    html_lit(b, "<section class=\"card\" aria-labelledby=\"");
    html_attr(b, id);
    html_lit(b, "\"><h2 id=\"");
    html_attr(b, id);
    html_lit(b, "\">");
    html_text(b, title);
    if (count >= 0) {
        html_lit_if(b, bad && count, " <span class=\"tag bad\">", " <span class=\"tag\">");
        html_int(b, count);
        html_lit(b, "</span>");
    }
    html_lit(b, "</h2>");
}

static void more(struct buf *b, long n, struct req *r, const char *path)
{
    if (n <= CARD_MAX) {
        return;
    }
    html_lit(b, "<p class=\"small\">and ");
    html_int(b, n - CARD_MAX);
    html_lit(b, " more");
    if (path) {
        html_lit(b, " — <a href=\"");
        href(r, b, path);
        html_lit(b, "\">see all</a>");
    }
    html_lit(b, "</p>");
}

static void item_link(struct req *r, struct buf *b, const struct record *rec)
{
    const char *title = rec->type->title_field ? record_get(rec, rec->type->title_field) : NULL;
    html_lit(b, "<a href=\"");
    web_ref_href(r, b, rec->ref);
    html_lit(b, "\"><span class=\"id\">");
    html_text(b, rec->ref);
    html_lit(b, "</span> ");
    html_text(b, title);
    html_lit(b, "</a>");
}

/* ---- my work -------------------------------------------------------------- */

struct task {
    const struct record *rec;
    const char *due;
};

static int by_due(const void *pa, const void *pb)
{
    const struct task *a = pa, *b = pb;
    int c = strcmp(a->due, b->due);
    return c ? c : natcmp(a->rec->ref, b->rec->ref);
}

static void my_work(struct req *r, struct buf *b, const char *today)
{
    static const char *const act_closed[] = {"done", "cancelled", NULL};
    static const char *const ca_closed[] = {"done", "verified", "cancelled", NULL};
    static const char *const nc_closed[] = {"closed", NULL};
    static const struct {
        const char *type;
        const char *const *closed;
    } kinds[] = {
        {"action", act_closed},
        {"corrective", ca_closed},
        {"nonconformity", nc_closed},
    };
    char soon[11];
    date_add_days(today, SOON_DAYS, soon);
    struct records recs[3] = {{0}};
    struct task *over = NULL, *coming = NULL;
    size_t nover = 0, ncoming = 0, cap = 0;
    for (int k = 0; k < 3; k++) {
        if (!r->who.person[0] || !perm_allows(r->role, PERM_READ, rtype_find(kinds[k].type), -1)) {
            continue;
        }
        load(r, kinds[k].type, r->who.person, &recs[k]);
        for (size_t i = 0; i < recs[k].n; i++) {
            const struct record *rec = recs[k].v[i];
            const char *due = record_get(rec, "due_date");
            if (!due || is_in(record_get(rec, FIELD_STATUS), kinds[k].closed)) {
                continue;
            }
            if (nover == cap || ncoming == cap) {
                cap = cap ? cap * 2 : 16;
                over = xrealloc(over, cap * sizeof *over);
                coming = xrealloc(coming, cap * sizeof *coming);
            }
            if (strcmp(due, today) < 0) {
                over[nover++] = (struct task){rec, due};
            } else if (strcmp(due, soon) <= 0) {
                coming[ncoming++] = (struct task){rec, due};
            }
        }
    }
    if (nover > 1) {
        qsort(over, nover, sizeof *over, by_due);
    }
    if (ncoming > 1) {
        qsort(coming, ncoming, sizeof *coming, by_due);
    }
    card_begin(b, "h-mine", "My overdue work", (long)nover, 1);
    if (!r->who.person[0]) {
        html_lit(b, "<p class=\"muted\">Your account acts as no person, so no record is yours. An "
                    "administrator can link it to one (<code>isms user set</code>).</p>");
    } else if (!nover) {
        html_lit(b, "<p class=\"muted\">Nothing of yours is overdue.</p>");
    } else {
        html_lit(b, "<ul class=\"items\">");
        for (size_t i = 0; i < nover && i < CARD_MAX; i++) {
            html_lit(b, "<li>");
            item_link(r, b, over[i].rec);
            html_lit(b, "<span class=\"sub\">");
            html_text(b, over[i].rec->type->label);
            html_lit(b, " · was due <span class=\"overdue-mark\">");
            html_text(b, over[i].due);
            html_lit(b, "</span> · ");
            html_text(b, record_get(over[i].rec, FIELD_STATUS));
            html_lit(b, "</span></li>");
        }
        html_lit(b, "</ul>");
        more(b, (long)nover, r, NULL);
    }
    if (ncoming) {
        html_lit(b, "<h3>Due in the next ");
        html_int(b, SOON_DAYS);
        html_lit(b, " days</h3><ul class=\"items\">");
        for (size_t i = 0; i < ncoming && i < CARD_MAX; i++) {
            html_lit(b, "<li>");
            item_link(r, b, coming[i].rec);
            html_lit(b, "<span class=\"sub\">");
            html_text(b, coming[i].rec->type->label);
            html_lit(b, " · due ");
            html_text(b, coming[i].due);
            html_lit(b, "</span></li>");
        }
        html_lit(b, "</ul>");
        more(b, (long)ncoming, r, NULL);
    }
    html_lit(b, "</section>");
    free(over);
    free(coming);
    for (int k = 0; k < 3; k++) {
        records_free(&recs[k]);
    }
}

/* ---- risks --------------------------------------------------------------- */

static void review_card(struct req *r, struct buf *b, const struct records *risks,
                        const char *today)
{
    long n = 0;
    for (size_t i = 0; i < risks->n; i++) {
        n += risk_review_due(risks->v[i], today) != 0;
    }
    card_begin(b, "h-review", "Risks flagged for review", n, 0);
    if (!n) {
        html_lit(b, "<p class=\"muted\">No risk is due for review.</p>");
    } else {
        html_lit(b, "<ul class=\"items\">");
        long shown = 0;
        /* the viewer's own first */
        for (int pass = 0; pass < 2; pass++) {
            for (size_t i = 0; i < risks->n && shown < CARD_MAX; i++) {
                const struct record *rec = risks->v[i];
                if (!risk_review_due(rec, today) || web_owns(r, rec) != (pass == 0)) {
                    continue;
                }
                shown++;
                html_lit(b, "<li>");
                item_link(r, b, rec);
                html_lit(b, "<span class=\"sub\">");
                const char *why = record_get(rec, "review_reason");
                if (why) {
                    html_text(b, why);
                } else {
                    html_lit(b, "review date ");
                    html_text(b, record_get(rec, "review_date"));
                }
                if (pass == 0) {
                    html_lit(b, " · <strong>yours</strong>");
                }
                html_lit(b, "</span></li>");
            }
        }
        html_lit(b, "</ul>");
        more(b, n, r, "/risks?review=1");
    }
    html_lit(b, "</section>");
}

/* The SoA of fw differs from its last approved version? -1: never
 * approved, 0: approved as it is, 1: changed since. */
struct last_hash {
    char hash[65];
    int version;
};

static int grab_hash(void *ctx, const struct soa_version_row *v)
{
    struct last_hash *h = ctx;
    strlcpy_(h->hash, v->hash ? v->hash : "", sizeof h->hash);
    h->version = v->version;
    return 0;
}

static int soa_state(struct req *r, const char *fw, int *version)
{
    struct last_hash h = {"", 0};
    struct err e = {0};
    if (store_soa_version_get(r->app->st, 0, NULL, fw, grab_hash, &h, &e)) {
        return -1;
    }
    *version = h.version;
    struct soa soa;
    if (app_soa(r->app, fw, &soa, &e)) {
        return 0;
    }
    char cur[65];
    soa_sha256(&soa, cur);
    soa_free(&soa);
    return strcmp(cur, h.hash) != 0;
}

static int plan_approved(struct req *r)
{
    int approved = 0, empty = 0;
    struct err e = {0};
    if (app_plan_state(r->app, &approved, &empty, &e)) {
        return 1;
    }
    return approved || empty;
}

static void approvals_card(struct req *r, struct buf *b, const struct records *risks)
{
    struct err e = {0};
    const struct method *m = app_method(r->app, &e);
    static const char *const settled[] = {"accepted", "closed", NULL};
    long n = 0;
    for (size_t i = 0; m && i < risks->n; i++) {
        const struct record *rec = risks->v[i];
        n += risk_needs_approval(m, rec) && !is_in(record_get(rec, FIELD_STATUS), settled);
    }
    int v22 = 0, v13 = 0;
    int s22 = soa_state(r, FRAMEWORK_2022, &v22);
    int s13 = soa_state(r, FRAMEWORK_2013, &v13);
    int plan_ok = plan_approved(r);
    long total = n + (s22 != 0) + (s13 == 1) + !plan_ok;
    card_begin(b, "h-approvals", "Waiting for approval", total, 0);
    html_lit(b, "<ul class=\"items\">");
    if (s22 != 0 || s13 == 1) {
        for (int k = 0; k < 2; k++) {
            int st = k ? s13 : s22;
            if ((k == 0 && st == 0) || (k == 1 && st != 1)) {
                continue;
            }
            html_lit(b, "<li><a href=\"");
            href(r, b, "/soa?framework=");
            html_url(b, k ? FRAMEWORK_2013 : FRAMEWORK_2022);
            html_lit(b, "#h-approve\">Statement of Applicability (");
            html_text(b, k ? FRAMEWORK_2013 : FRAMEWORK_2022);
            html_lit(b, ")</a><span class=\"sub\">");
            html_text(b, st < 0 ? "never approved" : "changed since its last approved version");
            html_lit(b, "</span></li>");
        }
    }
    if (!plan_ok) {
        html_lit(b, "<li><a href=\"");
        href(r, b, "/plan#h-approve");
        html_lit(b, "\">Risk treatment plan</a><span class=\"sub\">changed since it was "
                    "approved</span></li>");
    }
    long shown = 0;
    for (size_t i = 0; m && i < risks->n; i++) {
        const struct record *rec = risks->v[i];
        if (!risk_needs_approval(m, rec) || is_in(record_get(rec, FIELD_STATUS), settled)) {
            continue;
        }
        if (shown++ >= CARD_MAX) {
            continue;
        }
        int rs = record_get(rec, "residual_level") != NULL;
        html_lit(b, "<li>");
        item_link(r, b, rec);
        html_lit(b, "<span class=\"sub\">");
        web_level(r, b, record_get(rec, rs ? "residual_level" : "level"),
                  record_get(rec, rs ? "residual_score" : "score"));
        html_lit(b, " above the acceptance criterion · ");
        html_text(b, record_get(rec, FIELD_STATUS));
        html_lit(b, "</span></li>");
    }
    html_lit(b, "</ul>");
    if (!total) {
        html_lit(b, "<p class=\"muted\">Nothing is waiting for a decision.</p>");
    }
    more(b, n, r, NULL);
    html_lit(b, "</section>");
}

/* ---- registers -------------------------------------------------------------- */

static void registers(struct req *r, struct buf *b)
{
    html_lit(b, "<section aria-labelledby=\"registers\"><h2 id=\"registers\">Registers</h2>"
                "<ul class=\"counts\">");
    for (int i = 0; i < nrtypes; i++) {
        const struct rtype *t = rtypes[i];
        if (!perm_allows(r->role, PERM_READ, t, -1)) {
            continue;
        }
        struct err e = {0};
        long n = store_count(r->app->st, t, 0, &e);
        char label[80];
        web_plural_label(t, label, sizeof label);
        html_lit(b, "<li><a href=\"");
        href(r, b, "/");
        html_url(b, t->plural);
        html_lit(b, "\"><span>");
        html_text(b, label);
        html_lit(b, "</span><span class=\"c\">");
        html_int(b, n < 0 ? 0 : n);
        html_lit(b, "</span></a></li>");
    }
    html_lit(b, "</ul><p class=\"subnav\"><a href=\"");
    href(r, b, "/soa");
    html_lit(b, "\">Statement of Applicability</a> · <a href=\"");
    href(r, b, "/plan");
    html_lit(b, "\">Risk treatment plan</a> · <a href=\"");
    href(r, b, "/method");
    html_lit(b, "\">Risk method</a></p></section>");
}

/* ---- my tasks: documents to acknowledge, review, approve ---------------------- */

/* Not memoized: it is one person's, and acknowledgements change it. */
static void my_tasks(struct req *r, struct buf *b, const char *today)
{
    struct doc_tasks t = {0};
    struct err e = {0};
    const char *person = r->who.person[0] ? r->who.person : NULL;
    if (app_document_tasks(r->app, person, &t, &e)) {
        web_error_box(b, e.msg);
        return;
    }
    /* documents this person owns whose review is overdue */
    struct records due = {0};
    const struct rtype *dt = rtype_find("document");
    if (person && r->role != ROLE_STAFF) {
        struct query q = {0};
        char *owned[QUERY_MAX_FILTERS] = {0};
        struct kv kv = {FIELD_OWNER, person};
        if (app_query_filter(dt, &q, &kv, 1, owned, &e) == 0) {
            q.review_due = today;
            app_query_visible(dt, r->role, person, &q);
            store_list(r->app->st, dt, &q, records_add, &due, &e);
        }
        free(owned[0]);
    }
    card_begin(b, "h-tasks", "My tasks", (long)(t.n + due.n), 0);
    if (!t.n && !due.n) {
        html_lit(b, "<p class=\"muted\">Nothing to acknowledge, review or approve.</p>");
    } else {
        html_lit(b, "<ul class=\"items\">");
        for (size_t i = 0; i < t.n; i++) {
            html_lit(b, "<li><a href=\"");
            web_ref_href(r, b, t.v[i].ref);
            html_lit(b, "\"><span class=\"id\">");
            html_text(b, t.v[i].ref);
            html_lit(b, "</span> ");
            html_text(b, t.v[i].title);
            html_lit(b, "</a><span class=\"sub\">");
            html_text(b, strcmp(t.v[i].what, "acknowledge") == 0 ? "read and acknowledge"
                         : strcmp(t.v[i].what, "review") == 0    ? "review"
                                                                 : "approve");
            html_lit(b, " version ");
            html_int(b, t.v[i].version);
            html_lit(b, ".0</span></li>");
        }
        for (size_t i = 0; i < due.n; i++) {
            html_lit(b, "<li>");
            item_link(r, b, due.v[i]);
            html_lit(b, "<span class=\"sub\"><span class=\"tag bad\">review overdue</span> since ");
            html_text(b, record_get(due.v[i], "review_date"));
            html_lit(b, "</span></li>");
        }
        html_lit(b, "</ul>");
    }
    html_lit(b, "</section>");
    records_free(&due);
    doc_tasks_free(&t);
}

/* ---- staff ---------------------------------------------------------------- */

static void staff_dashboard(struct req *r, struct buf *b)
{
    html_lit(b, "<h1>Information security</h1><p class=\"lede\">The policies that apply to you, "
                "and where to report anything that looks wrong.</p><div class=\"cards\">");
    char today[11];
    date_today(today);
    my_tasks(r, b, today);
    struct records docs = {0}, incs = {0};
    load(r, "document", NULL, &docs);
    long n = (long)docs.n;
    card_begin(b, "h-read", "Policies to read", n, 0);
    html_lit(b, "<ul class=\"items\">");
    long shown = 0;
    for (size_t i = 0; i < docs.n && shown < 40; i++) {
        const struct record *d = docs.v[i];
        shown++;
        html_lit(b, "<li>");
        item_link(r, b, d);
        html_lit(b, "<span class=\"sub\">");
        html_text(b, record_get(d, "kind"));
        if (record_get(d, "version")) {
            html_lit(b, " · version ");
            html_text(b, record_get(d, "version"));
        }
        html_lit(b, "</span></li>");
    }
    html_lit(b, "</ul>");
    if (!n) {
        html_lit(b, "<p class=\"muted\">No approved policy has been published yet.</p>");
    }
    html_lit(b, "</section>");
    card_begin(b, "h-report", "Report an incident or weakness", -1, 0);
    html_lit(b, "<p>Seen something that puts information at risk — a phishing e-mail, a lost "
                "laptop, data sent to the wrong person? Report it at once.</p>");
    if (perm_allows(r->role, PERM_CREATE, rtype_find("incident"), -1)) {
        html_lit(b, "<p><a class=\"button\" href=\"");
        href(r, b, "/incidents/new");
        html_lit(b, "\">Report an incident</a></p>");
    }
    load(r, "incident", NULL, &incs);
    long mine = 0;
    for (size_t i = 0; i < incs.n; i++) {
        if (mine++ == 0) {
            html_lit(b, "<h3>What you reported</h3><ul class=\"items\">");
        }
        html_lit(b, "<li>");
        item_link(r, b, incs.v[i]);
        html_lit(b, "<span class=\"sub\">");
        html_text(b, record_get(incs.v[i], FIELD_STATUS));
        html_lit(b, "</span></li>");
    }
    if (mine) {
        html_lit(b, "</ul>");
    }
    html_lit(b, "</section></div>");
    records_free(&docs);
    records_free(&incs);
}

/* GET / — what needs the viewer's attention (staff: the short version). */
static void risk_cards(struct req *r, struct buf *b, const void *ctx)
{
    const char *today = ctx;
    /* the fields the two cards read (web_owns: the owner), not whole risks */
    static const char *const cols[] = {
        "title",          FIELD_OWNER,      FIELD_STATUS,  "score",         "level",
        "residual_score", "residual_level", "review_date", "review_reason", NULL};
    struct records risks = {0};
    struct query q = {0};
    struct err e = {0};
    q.columns = cols;
    store_list(r->app->st, rtype_find("risk"), &q, records_add, &risks, &e);
    review_card(r, b, &risks, today);
    if (perm_allows(r->role, PERM_APPROVE, rtype_find("risk"), -1)) {
        approvals_card(r, b, &risks);
    }
    records_free(&risks);
}

static void heatmaps(struct req *r, struct buf *b, const void *ctx)
{
    (void)ctx;
    html_lit(b, "<section aria-labelledby=\"h-heat\"><h2 id=\"h-heat\">Risk heat maps</h2>"
                "<div class=\"heatmaps\">");
    web_heatmap(r, b, 0);
    web_heatmap(r, b, 1);
    html_lit(b, "</div><p class=\"small\"><a href=\"");
    href(r, b, "/risks/matrix");
    html_lit(b, "\">Heat map with the level legend</a></p></section>");
}

int page_dashboard(struct req *r, struct resp *w)
{
    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, "Dashboard");
    web_notice(r, &b);
    if (r->role == ROLE_STAFF) {
        staff_dashboard(r, &b);
        page_end(r, &b);
        page_send(w, &b, 200);
        return 0;
    }
    char today[11];
    date_today(today);
    const struct rtype *rt = rtype_find("risk");
    html_lit(&b, "<div class=\"page-head\"><div><h1>Dashboard</h1><p class=\"lede\">What needs "
                 "attention today, ");
    html_text(&b, today);
    html_lit(&b, ".</p></div><div class=\"actions\">");
    if (perm_allows(r->role, PERM_CREATE, rt, -1)) {
        html_lit(&b, "<a class=\"button secondary\" href=\"");
        href(r, &b, "/risks/new");
        html_lit(&b, "\">New risk</a>");
    }
    if (perm_allows(r->role, PERM_CREATE, rtype_find("incident"), -1)) {
        html_lit(&b, "<a class=\"button secondary\" href=\"");
        href(r, &b, "/incidents/new");
        html_lit(&b, "\">Report an incident</a>");
    }
    html_lit(&b, "</div></div><div class=\"cards\">");
    my_tasks(r, &b, today);
    my_work(r, &b, today);
    int read_risks = perm_allows(r->role, PERM_READ, rt, -1);
    if (read_risks) {
        /* whole-ISMS summaries: computed once, then kept until a change
         * that could alter them (app_derived); they depend on the role
         * (approvals), the person ("yours") and the date, as their key says */
        char key[160];
        snprintf(key, sizeof key, "dashboard-cards:%s:%s:%s", role_names[r->role], r->who.person,
                 today);
        web_derived(r, &b, key, risk_cards, today);
    }
    html_lit(&b, "</div>");
    if (read_risks) {
        web_derived(r, &b, "dashboard-heatmaps", heatmaps, NULL);
    }
    web_kpi_section(r, &b); /* metrics: KPI trends (page_metrics.c) */
    registers(r, &b);
    page_end(r, &b);
    page_send(w, &b, 200);
    return 0;
}
