/* page_dashboard.c — GET /: the viewer's overdue work, risks due for review,
 * approvals waiting, the heat maps and the registers (staff: policies to read,
 * the incident report). Reads only; never writes or decides permissions. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/tasks.h"
#include "../store/store_tasks.h"
#include "../lib/hash.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "../model/method.h"
#include "../model/risk.h"
#include "web.h"

#define CARD_MAX 12  /* items listed per card before "and N more" */
#define SOON_DAYS 14 /* "coming up" horizon */

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
    store_list(r->app->st, &r->app->who, t, &q, records_add, out, &e);
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

/* ---- tasks (the one task model, src/app/tasks.h) --------------------------- */

static void task_item(struct req *r, struct buf *b, const struct task *k, int show_owner)
{
    html_lit(b, "<li><a href=\"");
    href(r, b, k->link);
    html_lit(b, "\"><span class=\"id\">");
    html_text(b, k->subject);
    html_lit(b, "</span> ");
    html_text(b, k->title);
    html_lit(b, "</a><span class=\"sub\">");
    if (k->state == TASK_OVERDUE) {
        html_lit(b, "was due <span class=\"overdue-mark\">");
        html_text(b, k->due);
        html_lit(b, "</span>");
    } else {
        html_lit(b, "due ");
        html_text(b, k->due);
    }
    if (show_owner && k->owner[0]) {
        html_lit(b, " · ");
        html_text(b, k->owner);
    }
    html_lit(b, "</span></li>");
}

/* My tasks: what the signed-in person must do — overdue, then due in the
 * next SOON_DAYS days — from app_tasks (every source, read as the
 * viewer). */
static void my_tasks(struct req *r, struct buf *b, const char *today)
{
    const char *person = r->auth.person[0] ? r->auth.person : NULL;
    struct tasks t = {0};
    struct err e = {0};
    struct task_query q = {.today = today, .lead_days = SOON_DAYS, .owner = person};
    if (person && app_tasks(r->app, &q, &t, &e)) {
        card_begin(b, "h-tasks", "My tasks", -1, 0);
        web_error_box(b, e.msg);
        html_lit(b, "</section>");
        return;
    }
    long over = 0;
    for (int i = 0; i < t.n; i++) {
        over += t.v[i].state == TASK_OVERDUE;
    }
    card_begin(b, "h-tasks", "My tasks", person ? (long)t.n : -1, over > 0);
    if (over) {
        html_lit(b, "<p class=\"small\"><span class=\"tag bad\">");
        html_int(b, over);
        html_lit(b, " overdue</span></p>");
    }
    if (!person) {
        html_lit(b, "<p class=\"muted\">Your account acts as no person, so no task is yours. An "
                    "administrator can link it to one (<code>isms user set</code>).</p>");
    } else if (!t.n) {
        html_lit(b, "<p class=\"muted\">Nothing of yours falls due: no task is yours.</p>");
    } else {
        /* overdue, due soon, later: the state app_tasks computed */
        static const enum task_state order[] = {TASK_OVERDUE, TASK_SOON, TASK_LATER};
        for (int pass = 0; pass < 3; pass++) {
            long n = 0;
            for (int i = 0; i < t.n; i++) {
                n += t.v[i].state == order[pass];
            }
            if (!n) {
                continue;
            }
            if (pass == 0) {
                html_lit(b, "<h3 id=\"h-mine\">Overdue <span class=\"tag bad\">");
                html_int(b, n);
                html_lit(b, "</span></h3><ul class=\"items\">");
            } else if (pass == 1) {
                html_lit(b, "<h3>Due in the next ");
                html_int(b, SOON_DAYS);
                html_lit(b, " days</h3><ul class=\"items\">");
            } else {
                html_lit(b, "<h3>Later</h3><ul class=\"items\">");
            }
            long shown = 0;
            for (int i = 0; i < t.n && shown < CARD_MAX; i++) {
                if (t.v[i].state == order[pass]) {
                    task_item(r, b, &t.v[i], 0);
                    shown++;
                }
            }
            html_lit(b, "</ul>");
            more(b, n, r, pass == 0 ? "/tasks?mine=1&overdue=1" : "/tasks?mine=1");
        }
    }
    if (person) {
        html_lit(b, "<p class=\"small\"><a href=\"");
        href(r, b, "/tasks?mine=1");
        html_lit(b, "\">All my tasks</a></p>");
    }
    html_lit(b, "</section>");
    tasks_free(&t);
}

/* For managers: the organization's overdue work grouped by owner (most
 * overdue first), each owner's oldest items listed. Whole-file: kept in
 * app_derived (its key holds the role and the date). */
struct owner_group {
    const char *owner;
    int first, n; /* positions in the sorted task list */
};

static int by_owner(const void *pa, const void *pb)
{
    const struct task *x = pa, *y = pb;
    int c = strcmp(x->owner, y->owner);
    return c ? c : strcmp(x->due, y->due);
}

static int by_count(const void *pa, const void *pb)
{
    const struct owner_group *x = pa, *y = pb;
    return x->n != y->n ? (y->n > x->n ? 1 : -1) : strcmp(x->owner, y->owner);
}

#define OWNERS_MAX 10 /* owners listed before "and N more" */
#define PER_OWNER 3   /* items listed per owner */

static void overdue_by_owner(struct req *r, struct buf *b, const void *ctx)
{
    const char *today = ctx;
    struct tasks t = {0};
    struct err e = {0};
    struct task_query q = {.today = today, .lead_days = SOON_DAYS, .overdue_only = 1};
    if (app_tasks(r->app, &q, &t, &e)) {
        card_begin(b, "h-overdue", "Overdue work by owner", -1, 0);
        web_error_box(b, e.msg);
        html_lit(b, "</section>");
        return;
    }
    if (t.n > 1) {
        qsort(t.v, (size_t)t.n, sizeof *t.v, by_owner);
    }
    struct owner_group *g = xmalloc(((size_t)t.n + 1) * sizeof *g);
    int ng = 0;
    for (int i = 0; i < t.n; i++) {
        if (!ng || strcmp(g[ng - 1].owner, t.v[i].owner) != 0) {
            g[ng++] = (struct owner_group){t.v[i].owner, i, 0};
        }
        g[ng - 1].n++;
    }
    if (ng > 1) {
        qsort(g, (size_t)ng, sizeof *g, by_count);
    }
    card_begin(b, "h-overdue", "Overdue work by owner", (long)t.n, 1);
    if (!t.n) {
        html_lit(b, "<p class=\"muted\">Nothing in the organization is overdue.</p>");
    } else {
        html_lit(b, "<ul class=\"items owners\">");
        for (int k = 0; k < ng && k < OWNERS_MAX; k++) {
            html_lit(b, "<li><strong>");
            if (g[k].owner[0]) {
                web_ref_titled(r, b, g[k].owner);
            } else {
                html_lit(b, "Nobody named");
            }
            html_lit(b, "</strong> <span class=\"tag bad\">");
            html_int(b, g[k].n);
            html_lit(b, " overdue</span>");
            if (g[k].owner[0]) {
                html_lit(b, " <a class=\"small\" href=\"");
                href(r, b, "/tasks?overdue=1&owner=");
                html_url(b, g[k].owner);
                html_lit(b, "\">see all</a>");
            }
            html_lit(b, "<ul class=\"items\">");
            for (int i = 0; i < g[k].n && i < PER_OWNER; i++) {
                task_item(r, b, &t.v[g[k].first + i], 0);
            }
            html_lit(b, "</ul></li>");
        }
        html_lit(b, "</ul>");
        if (ng > OWNERS_MAX) {
            html_lit(b, "<p class=\"small\">and ");
            html_int(b, ng - OWNERS_MAX);
            html_lit(b, " more owners — <a href=\"");
            href(r, b, "/tasks?overdue=1");
            html_lit(b, "\">see all</a></p>");
        }
    }
    html_lit(b, "</section>");
    free(g);
    tasks_free(&t);
}

/* ---- risks --------------------------------------------------------------- */

/* the fields the risk cards read (web_owns: the owner), not whole risks */
static const char *const risk_cols[] = {
    "title",          FIELD_OWNER,      FIELD_STATUS,  "score",         "level",
    "residual_score", "residual_level", "review_date", "review_reason", NULL};

/* Risks due for review (risk_review_due, asked of the store: q.review_due),
 * the viewer's own first: counted and the first CARD_MAX read, not every
 * risk. */
static void review_card(struct req *r, struct buf *b, const char *today)
{
    const struct rtype *rt = rtype_find("risk");
    struct err e = {0};
    struct query q = {0};
    q.review_due = today;
    long n = store_count_query(r->app->st, &r->app->who, rt, &q, &e);
    if (n < 0) {
        n = 0;
    }
    struct records own = {0}, rest = {0};
    if (n && r->auth.person[0]) {
        struct query oq = {0};
        char *owned[QUERY_MAX_FILTERS] = {0};
        struct kv kv = {FIELD_OWNER, r->auth.person};
        if (app_query_filter(rt, &oq, &kv, 1, owned, &e) == 0) {
            oq.review_due = today;
            oq.columns = risk_cols;
            oq.limit = CARD_MAX;
            store_list(r->app->st, &r->app->who, rt, &oq, records_add, &own, &e);
        }
        free(owned[0]);
    }
    if (n) {
        q.columns = risk_cols;
        q.limit = CARD_MAX + (long)own.n;
        store_list(r->app->st, &r->app->who, rt, &q, records_add, &rest, &e);
    }
    card_begin(b, "h-review", "Risks flagged for review", n, 0);
    if (!n) {
        html_lit(b, "<p class=\"muted\">No risk is due for review.</p>");
    } else {
        html_lit(b, "<ul class=\"items\">");
        long shown = 0;
        /* the viewer's own first */
        for (int pass = 0; pass < 2; pass++) {
            const struct records *l = pass == 0 ? &own : &rest;
            for (size_t i = 0; i < l->n && shown < CARD_MAX; i++) {
                const struct record *rec = l->v[i];
                if (pass == 1 && web_owns(r, rec)) {
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
    records_free(&own);
    records_free(&rest);
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
    if (store_soa_version_get(r->app->st, &r->app->who, 0, NULL, fw, grab_hash, &h, &e)) {
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

/* The first CARD_MAX risks above the acceptance criterion, not settled. */
struct over {
    struct req *r;
    struct records *out;
};

static int take_risk(void *ctx, const char *ref)
{
    struct over *o = ctx;
    struct record *rec = NULL;
    struct err e = {0};
    if (store_get(o->r->app->st, &o->r->app->who, rtype_find("risk"), ref, &rec, &e) == 0) {
        records_add(o->out, rec);
    }
    return 0;
}

static void approvals_card(struct req *r, struct buf *b)
{
    struct err e = {0};
    const struct method *m = app_method(r->app, &e);
    long n = 0;
    struct records risks_v = {0}, *risks = &risks_v;
    struct over o = {r, risks};
    /* risk_needs_approval and not settled, asked of the store */
    if (m && store_risks_over(r->app->st, &r->app->who, m->accept_max, CARD_MAX, take_risk, &o, &n, &e)) {
        n = 0;
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
    for (size_t i = 0; m && i < risks->n; i++) {
        const struct record *rec = risks->v[i];
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
    records_free(risks);
}

/* ---- registers -------------------------------------------------------------- */

/* A register's count, kept in app_derived with the tables it read: a
 * change to one register counts that one again. */
static long register_count(struct req *r, const struct rtype *t)
{
    struct app *a = r->app;
    char key[200], view[120];
    snprintf(key, sizeof key, "count:%s:%s", t->name, principal_view(&a->who, view, sizeof view));
    const char *kept;
    if (app_derived_get(a, key, &kept) && kept) {
        return atol(kept);
    }
    struct err e = {0};
    struct tblset saved, read;
    app_track_begin(a, &saved);
    long n = store_count(a->st, &a->who, t, 0, &e);
    app_track_end(a, &saved, &read);
    if (n >= 0) {
        char v[32];
        snprintf(v, sizeof v, "%ld", n);
        app_derived_put(a, key, v, &read);
    }
    return n;
}

static void registers(struct req *r, struct buf *b)
{
    html_lit(b, "<section aria-labelledby=\"registers\"><h2 id=\"registers\">Registers</h2>"
                "<ul class=\"counts\">");
    for (int i = 0; i < nrtypes; i++) {
        const struct rtype *t = rtypes[i];
        if (!perm_allows(r->role, PERM_READ, t, -1)) {
            continue;
        }
        long n = register_count(r, t);
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
    if (web_may(r, PERM_CREATE, rtype_find("incident"), -1)) {
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
    review_card(r, b, today);
    if (web_may(r, PERM_APPROVE, rtype_find("risk"), -1)) {
        approvals_card(r, b);
    }
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

/* The cards below depend on the file, the date and who is looking (the
 * principal's role and person decide every row they read): kept in
 * app_derived under a key naming all three, until a change that matters.
 * They hold links only — no form, no CSRF token, nothing of the session. */
static void home_cards(struct req *r, struct buf *b, const void *ctx)
{
    web_readiness_home(r, b); /* readiness: the figure and the next steps */
    my_tasks(r, b, ctx);
}

static void work_cards(struct req *r, struct buf *b, const void *ctx)
{
    web_audit_card(r, b, ctx); /* audit: overdue and failed control tests */
    web_awareness_card(r, b); /* people: awareness completion (page_people.c) */
}

static void kpi_and_registers(struct req *r, struct buf *b, const void *ctx)
{
    (void)ctx;
    web_kpi_section(r, b); /* metrics: KPI trends (page_metrics.c) */
    registers(r, b);
}

static void cached(struct req *r, struct buf *b, const char *what, const char *today,
                   web_render_fn fn)
{
    char key[200], view[120];
    snprintf(key, sizeof key, "dashboard-%s:%s:%s", what,
             principal_view(&r->app->who, view, sizeof view), today);
    web_derived(r, b, key, fn, today);
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
    if (web_may(r, PERM_CREATE, rt, -1)) {
        html_lit(&b, "<a class=\"button secondary\" href=\"");
        href(r, &b, "/risks/new");
        html_lit(&b, "\">New risk</a>");
    }
    if (web_may(r, PERM_CREATE, rtype_find("incident"), -1)) {
        html_lit(&b, "<a class=\"button secondary\" href=\"");
        href(r, &b, "/incidents/new");
        html_lit(&b, "\">Report an incident</a>");
    }
    html_lit(&b, "</div></div><div class=\"cards\">");
    cached(r, &b, "home", today, home_cards); /* readiness first, then my tasks */
    if (r->role == ROLE_MANAGER || r->role == ROLE_ADMIN || r->role == ROLE_TOP) {
        char okey[80];
        snprintf(okey, sizeof okey, "dashboard-overdue:%s:%s", role_names[r->role], today);
        web_derived(r, &b, okey, overdue_by_owner, today);
    }
    cached(r, &b, "work", today, work_cards); /* control tests, awareness */
    int read_risks = perm_allows(r->role, PERM_READ, rt, -1);
    if (read_risks) {
        /* whole-ISMS summaries: computed once, then kept until a change
         * that could alter them (app_derived); they depend on the role
         * (approvals), the person ("yours") and the date, as their key says */
        char key[160];
        snprintf(key, sizeof key, "dashboard-cards:%s:%s:%s", role_names[r->role], r->auth.person,
                 today);
        web_derived(r, &b, key, risk_cards, today);
    }
    html_lit(&b, "</div>");
    if (read_risks) {
        web_derived(r, &b, "dashboard-heatmaps", heatmaps, NULL);
    }
    cached(r, &b, "kpi", today, kpi_and_registers);
    page_end(r, &b);
    page_send(w, &b, 200);
    return 0;
}
