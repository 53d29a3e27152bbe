/* page_tasks.c — GET /tasks: the one task model (app_tasks) as a page: what
 * falls due, the viewer's or everyone's they may see, with the same filters
 * as `isms tasks` and GET /api/v1/tasks (tasks_query_from). The sources
 * read through the viewer the router set, so every role sees only tasks on
 * records it may see. Reads only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/text.h"
#include "../lib/util.h"
#include "tasks_web.h"
#include "web.h"

static int flag(struct req *r, const char *name, int *out, struct err *e)
{
    const char *v = kv_get(&r->query, name);
    *out = 0;
    if (!v) {
        return 0;
    }
    if (strcmp(v, "1") == 0 || strcmp(v, "yes") == 0 || strcmp(v, "true") == 0) {
        *out = 1;
    } else if (strcmp(v, "0") && strcmp(v, "no") && strcmp(v, "false") && strcmp(v, "")) {
        return err_set(e, ERR_INVALID, name, "%s: give 1 or 0", name);
    }
    return 0;
}

int tasks_query_from(struct req *r, struct task_query *q, char today[11], int *mine,
                     struct err *e)
{
    memset(q, 0, sizeof *q);
    date_today(today);
    q->today = today;
    int all = 0;
    if (flag(r, "mine", mine, e) || flag(r, "all", &all, e) ||
        flag(r, "overdue", &q->overdue_only, e)) {
        return -1;
    }
    const char *owner = kv_get(&r->query, "owner");
    if (owner && !*owner) {
        owner = NULL;
    }
    if (owner && (strlen(owner) > 40 || !utf8_valid(owner, strlen(owner)) ||
                  text_bad_control(owner, 0))) {
        return err_set(e, ERR_INVALID, "owner", "owner: not a person's identifier (P-NNNN)");
    }
    if (*mine && all) {
        return err_set(e, ERR_USAGE, "mine", "mine and all exclude each other");
    }
    if ((*mine || all) && owner) {
        return err_set(e, ERR_USAGE, "owner",
                       "owner: one person's tasks; it excludes mine and all");
    }
    if (*mine) {
        if (!r->auth.person[0]) {
            return err_set(e, ERR_INVALID, "mine",
                           "mine: your account acts as no person; name one with owner=P-NNNN");
        }
        owner = r->auth.person;
    }
    q->owner = owner;
    const char *days = kv_get(&r->query, "days");
    if (days && *days && task_parse_days(days, &q->horizon_days, e)) {
        return -1;
    }
    return 0;
}

#define TASKS_PAGE 100 /* rows per page: a large ISMS has tens of thousands */

/* ?page=N (1 when absent or not a page number) */
static long page_of(struct req *r)
{
    const char *p = web_query(r, "page");
    long n = p ? atol(p) : 1;
    return n >= 1 && n <= 1000000 ? n : 1;
}

/* /tasks?… with the same filters, another page */
static void page_link(struct req *r, struct buf *b, long page, const char *rel, const char *label)
{
    html_lit(b, "<a rel=\"");
    html_text(b, rel);
    html_lit(b, "\" href=\"");
    href(r, b, "/tasks?");
    static const char *const keep[] = {"mine", "all", "overdue", "days", "owner"};
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
        const char *v = web_query(r, keep[i]);
        if (v && *v) {
            html_text(b, keep[i]);
            html_lit(b, "=");
            html_url(b, v);
            html_lit(b, "&amp;");
        }
    }
    html_lit(b, "page=");
    html_int(b, page);
    html_lit(b, "\">");
    html_text(b, label);
    html_lit(b, "</a>");
}

/* /tasks?… keeping the other filters, with one changed. */
static void filter_link(struct req *r, struct buf *b, const char *label, int cur, int mine,
                        int overdue, const char *days)
{
    html_lit_if(b, cur, "<strong>", "");
    html_lit(b, "<a href=\"");
    href(r, b, "/tasks?");
    html_lit_if(b, mine, "mine=1", "all=1");
    if (overdue) {
        html_lit(b, "&amp;overdue=1");
    }
    if (days) {
        html_lit(b, "&amp;days=");
        html_url(b, days);
    }
    html_lit(b, "\"");
    html_lit_if(b, cur, " aria-current=\"true\"", "");
    html_lit(b, ">");
    html_text(b, label);
    html_lit(b, "</a>");
    html_lit_if(b, cur, "</strong>", "");
}

int page_tasks(struct req *r, struct resp *w)
{
    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, "Tasks");
    struct task_query q;
    char today[11];
    int mine = 0;
    struct err e = {0};
    struct tasks t = {0};
    int failed = tasks_query_from(r, &q, today, &mine, &e) || app_tasks(r->app, &q, &t, &e);
    html_lit(&b, "<div class=\"page-head\"><div><h1>Tasks</h1><p class=\"lede\">Everything "
                 "that falls due, derived from the records: ");
    if (q.owner) {
        html_text(&b, mine ? "yours" : "of ");
        if (!mine) {
            web_ref_titled(r, &b, q.owner);
        }
    } else {
        html_lit(&b, "everyone's you may see");
    }
    html_lit(&b, ", as of ");
    html_text(&b, today);
    html_lit(&b, ".</p></div></div>");
    const char *days = web_query(r, "days");
    if (days && !*days) {
        days = NULL;
    }
    html_lit(&b, "<p class=\"subnav\">");
    if (r->auth.person[0]) {
        filter_link(r, &b, "Mine", mine, 1, q.overdue_only, days);
        html_lit(&b, " · ");
    }
    filter_link(r, &b, "Everyone's", !q.owner, 0, q.overdue_only, days);
    html_lit(&b, " · ");
    filter_link(r, &b, q.overdue_only ? "Overdue only (show all)" : "Overdue only",
                q.overdue_only, mine, !q.overdue_only, days);
    html_lit(&b, "</p><form method=\"get\" class=\"filters\" action=\"");
    href(r, &b, "/tasks");
    html_lit(&b, "\"><label>Owner <input name=\"owner\" size=\"10\" placeholder=\"P-0001\" "
                 "value=\"");
    html_attr(&b, mine ? "" : q.owner);
    html_lit(&b, "\"></label> <label>Due within <input name=\"days\" size=\"4\" inputmode="
                 "\"numeric\" value=\"");
    html_attr(&b, days);
    html_lit(&b, "\"> days</label> <label><input type=\"checkbox\" name=\"overdue\" "
                 "value=\"1\"");
    html_lit_if(&b, q.overdue_only, " checked", "");
    html_lit(&b, "> overdue only</label> <button type=\"submit\">Show</button></form>");
    if (failed) {
        web_error_box(&b, e.msg);
        page_end(r, &b);
        page_send(w, &b, err_http_status(e.code));
        return 0;
    }
    long over = 0, soon = 0;
    for (int i = 0; i < t.n; i++) {
        over += t.v[i].state == TASK_OVERDUE;
        soon += t.v[i].state == TASK_SOON;
    }
    html_lit(&b, "<p><span class=\"tag");
    html_lit_if(&b, over, " bad", "");
    html_lit(&b, "\">");
    html_int(&b, over);
    html_lit(&b, " overdue</span> <span class=\"tag\">");
    html_int(&b, soon);
    html_lit(&b, " due soon</span> <span class=\"tag\">");
    html_int(&b, t.n);
    html_lit(&b, " in all</span></p>");
    long pages = (t.n + TASKS_PAGE - 1) / TASKS_PAGE, page = page_of(r);
    if (page > pages) {
        page = pages > 0 ? pages : 1;
    }
    int from = (int)((page - 1) * TASKS_PAGE), to = from + TASKS_PAGE < t.n ? from + TASKS_PAGE : t.n;
    if (!t.n) {
        html_lit(&b, "<p class=\"muted\">Nothing falls due.</p>");
    } else {
        if (pages > 1) {
            html_lit(&b, "<p class=\"muted\">Tasks ");
            html_int(&b, from + 1);
            html_lit(&b, "–");
            html_int(&b, to);
            html_lit(&b, " of ");
            html_int(&b, t.n);
            html_lit(&b, ", the earliest due first.</p>");
        }
        html_lit(&b, "<div class=\"table-wrap\"><table class=\"list\" id=\"tasks\"><caption "
                     "class=\"vh\">Tasks</caption><thead><tr><th scope=\"col\">Due</th>"
                     "<th scope=\"col\">State</th><th scope=\"col\">Task</th>"
                     "<th scope=\"col\">Record</th><th scope=\"col\">Owner</th></tr></thead>"
                     "<tbody>");
        for (int i = from; i < to; i++) {
            const struct task *k = &t.v[i];
            html_lit(&b, "<tr><td>");
            html_text(&b, k->due);
            html_lit(&b, "</td><td>");
            if (k->state == TASK_OVERDUE) {
                html_lit(&b, "<span class=\"tag bad\">overdue</span>");
            } else {
                html_text(&b, k->state == TASK_SOON ? "due soon" : "later");
            }
            html_lit(&b, "</td><td><a href=\"");
            href(r, &b, k->link);
            html_lit(&b, "\">");
            html_text(&b, k->title);
            html_lit(&b, "</a></td><td><span class=\"id\">");
            html_text(&b, k->subject);
            html_lit(&b, "</span></td><td>");
            if (k->owner[0]) {
                html_text(&b, k->owner);
            } else {
                html_lit(&b, "<span class=\"muted\">nobody named</span>");
            }
            html_lit(&b, "</td></tr>");
        }
        html_lit(&b, "</tbody></table></div>");
        if (pages > 1) {
            html_lit(&b, "<nav class=\"pager\" aria-label=\"Pages\">");
            if (page > 1) {
                page_link(r, &b, page - 1, "prev", "← Previous");
            }
            html_lit(&b, "<span>Page ");
            html_int(&b, page);
            html_lit(&b, " of ");
            html_int(&b, pages);
            html_lit(&b, "</span>");
            if (page < pages) {
                page_link(r, &b, page + 1, "next", "Next →");
            }
            html_lit(&b, "</nav>");
        }
    }
    tasks_free(&t);
    page_end(r, &b);
    page_send(w, &b, 200);
    return 0;
}
