/* page_metrics.c — metrics on their pages (9.1, 6.2): a metric's trend as
 * server-rendered SVG (no script: values, target and threshold lines,
 * breaches marked; a title, a description and a table as its text
 * alternative), a measurement's evaluation, an objective's computed
 * status, and the KPI block of the dashboard. Reads only through
 * app_metric_trend (the viewer's rows); writes nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/metrics.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "web.h"

#define KPI_MAX 8 /* metrics drawn on the dashboard */

static int is(const struct rtype *t, const char *name)
{
    return t && strcmp(t->name, name) == 0;
}

/* Days since 1970-01-01 of a YYYY-MM-DD date (0 when it is not one). */
static long day_number(const char *date)
{
    int y, m, d;
    if (!date || date_parse(date, &y, &m, &d)) {
        return 0;
    }
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void num(struct buf *b, double v)
{
    char s[48];
    snprintf(s, sizeof s, "%.1f", v);
    html_text(b, s);
}

/* A value as a person reads it: up to 15 significant digits, no trailing zeros. */
static void value_text(struct buf *b, double v)
{
    char s[48];
    snprintf(s, sizeof s, "%.15g", v);
    html_text(b, s);
}

static const char *eval_words(enum meval v)
{
    switch (v) {
    case MEVAL_ON_TARGET: return "on target";
    case MEVAL_WARNING: return "warning";
    case MEVAL_BREACH: return "breach";
    default: return "not evaluated (no target)";
    }
}

static void eval_tag(struct buf *b, enum meval v)
{
    switch (v) {
    case MEVAL_ON_TARGET: html_lit(b, "<span class=\"tag good\">on target</span>"); break;
    case MEVAL_WARNING: html_lit(b, "<span class=\"tag warn\">warning</span>"); break;
    case MEVAL_BREACH: html_lit(b, "<span class=\"tag bad\">breach</span>"); break;
    default: html_lit(b, "<span class=\"tag\">not evaluated</span>"); break;
    }
}

static const char *unit_of(const struct metric_trend *t)
{
    const char *u = record_get(t->metric, "unit");
    return u ? u : "";
}

/* The description a screen reader gets instead of the drawing. */
static void describe(struct buf *b, const struct metric_trend *t)
{
    const struct record *m = t->metric;
    const char *dir = record_get(m, "direction");
    const char *target = record_get(m, "target"), *th = record_get(m, "threshold");
    long breaches = 0;
    for (size_t i = 0; i < t->n; i++) {
        breaches += t->v[i].eval == MEVAL_BREACH;
    }
    html_int(b, (int64_t)t->n);
    html_lit(b, " measurements");
    if (t->n) {
        html_lit(b, " from ");
        html_text(b, t->v[0].on);
        html_lit(b, " to ");
        html_text(b, t->v[t->n - 1].on);
    }
    html_lit(b, ". ");
    html_text(b, dir && strcmp(dir, "lower") == 0 ? "Lower" : "Higher");
    html_lit(b, " is better");
    if (target) {
        html_lit(b, "; target ");
        html_text(b, target);
        html_text(b, unit_of(t));
    }
    if (th) {
        html_lit(b, "; escalation threshold ");
        html_text(b, th);
        html_text(b, unit_of(t));
    }
    html_lit(b, ". ");
    html_int(b, breaches);
    html_lit(b, " breach");
    html_lit_if(b, breaches == 1, ".", "es.");
    if (t->n) {
        const struct metric_point *p = &t->v[t->n - 1];
        html_lit(b, " Latest: ");
        html_text(b, p->value);
        html_text(b, unit_of(t));
        html_lit(b, " on ");
        html_text(b, p->on);
        html_lit(b, ", ");
        html_text(b, eval_words(p->eval));
        html_lit(b, ".");
    }
}

static const char *point_colour(enum meval v)
{
    switch (v) {
    case MEVAL_ON_TARGET: return "#2e7d32";
    case MEVAL_WARNING: return "#b26a00";
    case MEVAL_BREACH: return "#c62828";
    default: return "#546e7a";
    }
}

/* The trend of t as an SVG image; small: the dashboard's size, without
 * axis labels. id makes the title and description identifiers unique. */
static void chart(struct buf *b, const struct metric_trend *t, int small, const char *id)
{
    const double W = small ? 240 : 640, H = small ? 72 : 240;
    const double L = small ? 4 : 56, R = small ? 4 : 16, T = small ? 6 : 14, B = small ? 6 : 34;
    const struct record *m = t->metric;
    double target = 0, th = 0;
    int has_t = record_get(m, "target") && number_parse(record_get(m, "target"), &target) == 0;
    int has_th =
        record_get(m, "threshold") && number_parse(record_get(m, "threshold"), &th) == 0;
    double lo = 0, hi = 0;
    int any = 0;
    for (size_t i = 0; i < t->n; i++) {
        double v = t->v[i].v;
        lo = any ? (v < lo ? v : lo) : v;
        hi = any ? (v > hi ? v : hi) : v;
        any = 1;
    }
    double lines[2] = {target, th};
    int has[2] = {has_t, has_th};
    for (int k = 0; k < 2; k++) {
        if (has[k]) {
            lo = any ? (lines[k] < lo ? lines[k] : lo) : lines[k];
            hi = any ? (lines[k] > hi ? lines[k] : hi) : lines[k];
            any = 1;
        }
    }
    if (hi - lo < 1e-9) {
        hi += 1;
        lo -= 1;
    }
    double pad = (hi - lo) * 0.1;
    lo -= pad;
    hi += pad;
    long d0 = t->n ? day_number(t->v[0].on) : 0;
    long d1 = t->n ? day_number(t->v[t->n - 1].on) : 0;
    double span = d1 > d0 ? (double)(d1 - d0) : 1;
#define X(i) (t->n == 1 ? L + (W - L - R) / 2 : L + (W - L - R) * (double)(day_number(t->v[i].on) - d0) / span)
#define Y(v) (T + (H - T - B) * (hi - (v)) / (hi - lo))
    html_lit(b, "<svg class=\"trend");
    html_lit_if(b, small, " small", "");
    html_lit(b, "\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ");
    num(b, W);
    html_lit(b, " ");
    num(b, H);
    html_lit(b, "\" width=\"");
    num(b, W);
    html_lit(b, "\" height=\"");
    num(b, H);
    html_lit(b, "\" aria-labelledby=\"");
    html_attr(b, id);
    html_lit(b, "-t ");
    html_attr(b, id);
    html_lit(b, "-d\"><title id=\"");
    html_attr(b, id);
    html_lit(b, "-t\">Trend of ");
    html_text(b, record_get(m, "name"));
    html_lit(b, "</title><desc id=\"");
    html_attr(b, id);
    html_lit(b, "-d\">");
    describe(b, t);
    html_lit(b, "</desc>");
    /* plot area */
    html_lit(b, "<rect x=\"");
    num(b, L);
    html_lit(b, "\" y=\"");
    num(b, T);
    html_lit(b, "\" width=\"");
    num(b, W - L - R);
    html_lit(b, "\" height=\"");
    num(b, H - T - B);
    html_lit(b, "\" fill=\"#fafbfc\" stroke=\"#d0d7de\"/>");
    /* target and threshold */
    static const char *const colours[2] = {"#2e7d32", "#c62828"};
    for (int k = 0; k < 2; k++) {
        if (!has[k]) {
            continue;
        }
        html_lit(b, "<line class=\"");
        html_lit_if(b, k == 0, "target", "threshold");
        html_lit(b, "\" x1=\"");
        num(b, L);
        html_lit(b, "\" x2=\"");
        num(b, W - R);
        html_lit(b, "\" y1=\"");
        num(b, Y(lines[k]));
        html_lit(b, "\" y2=\"");
        num(b, Y(lines[k]));
        html_lit(b, "\" stroke=\"");
        html_attr(b, colours[k]);
        html_lit(b, "\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>");
        if (!small) {
            html_lit(b, "<text x=\"");
            num(b, W - R - 4);
            html_lit(b, "\" y=\"");
            num(b, Y(lines[k]) - 4);
            html_lit(b, "\" text-anchor=\"end\" font-size=\"11\" fill=\"");
            html_attr(b, colours[k]);
            html_lit(b, "\">");
            html_lit_if(b, k == 0, "target ", "threshold ");
            value_text(b, lines[k]);
            html_text(b, unit_of(t));
            html_lit(b, "</text>");
        }
    }
    if (!small) {
        /* y axis: the range; x axis: first and last date */
        double ys[2] = {hi - pad, lo + pad};
        for (int k = 0; k < 2; k++) {
            html_lit(b, "<text x=\"");
            num(b, L - 6);
            html_lit(b, "\" y=\"");
            num(b, Y(ys[k]) + 4);
            html_lit(b, "\" text-anchor=\"end\" font-size=\"11\" fill=\"#57606a\">");
            value_text(b, ys[k]);
            html_lit(b, "</text>");
        }
        for (size_t k = 0; t->n && k < 2; k++) {
            size_t i = k ? t->n - 1 : 0;
            if (k && t->n == 1) {
                break;
            }
            html_lit(b, "<text x=\"");
            num(b, X(i));
            html_lit(b, "\" y=\"");
            num(b, H - B + 18);
            html_lit(b, "\" text-anchor=\"");
            html_lit_if(b, k == 0 && t->n > 1, "start", "end");
            html_lit(b, "\" font-size=\"11\" fill=\"#57606a\">");
            html_text(b, t->v[i].on);
            html_lit(b, "</text>");
        }
    }
    if (t->n > 1) {
        html_lit(b, "<polyline class=\"values\" fill=\"none\" stroke=\"#1f6feb\" "
                    "stroke-width=\"2\" points=\"");
        for (size_t i = 0; i < t->n; i++) {
            if (i) {
                html_lit(b, " ");
            }
            num(b, X(i));
            html_lit(b, ",");
            num(b, Y(t->v[i].v));
        }
        html_lit(b, "\"/>");
    }
    for (size_t i = 0; i < t->n; i++) {
        const struct metric_point *p = &t->v[i];
        int breach = p->eval == MEVAL_BREACH;
        html_lit(b, "<circle class=\"point ");
        html_text(b, meval_name(p->eval));
        html_lit(b, "\" cx=\"");
        num(b, X(i));
        html_lit(b, "\" cy=\"");
        num(b, Y(p->v));
        html_lit(b, "\" r=\"");
        html_lit_if(b, breach, "5", "3.5");
        html_lit(b, "\" fill=\"");
        html_attr(b, point_colour(p->eval));
        html_lit(b, "\"");
        if (breach) {
            html_lit(b, " stroke=\"#fff\" stroke-width=\"1.5\"");
        }
        html_lit(b, "><title>");
        html_text(b, p->on);
        html_lit(b, ": ");
        html_text(b, p->value);
        html_text(b, unit_of(t));
        html_lit(b, " (");
        html_text(b, eval_words(p->eval));
        html_lit(b, ")</title></circle>");
        if (breach && !small) {
            /* the mark: a ring around the point, and the word above it */
            html_lit(b, "<circle class=\"breach-mark\" cx=\"");
            num(b, X(i));
            html_lit(b, "\" cy=\"");
            num(b, Y(p->v));
            html_lit(b, "\" r=\"9\" fill=\"none\" stroke=\"#c62828\" stroke-width=\"1.5\"/>"
                        "<text x=\"");
            num(b, X(i));
            html_lit(b, "\" y=\"");
            num(b, Y(p->v) - 12);
            html_lit(b, "\" text-anchor=\"middle\" font-size=\"10\" fill=\"#c62828\">breach"
                        "</text>");
        }
    }
#undef X
#undef Y
    html_lit(b, "</svg>");
}

/* The text alternative of the chart: every measurement with its evaluation. */
static void table(struct req *r, struct buf *b, const struct metric_trend *t)
{
    html_lit(b, "<table class=\"trend-table\"><caption>Measurements of ");
    html_text(b, record_get(t->metric, "name"));
    html_lit(b, ", oldest first</caption><thead><tr><th scope=\"col\">Date</th>"
                "<th scope=\"col\">Value</th><th scope=\"col\">Evaluation</th>"
                "<th scope=\"col\">Measurement</th><th scope=\"col\">Comment</th>"
                "</tr></thead><tbody>");
    for (size_t i = 0; i < t->n; i++) {
        const struct metric_point *p = &t->v[i];
        html_lit(b, "<tr><td>");
        html_text(b, p->on);
        html_lit(b, "</td><td class=\"num\">");
        html_text(b, p->value);
        html_text(b, unit_of(t));
        html_lit(b, "</td><td>");
        eval_tag(b, p->eval);
        html_lit(b, "</td><td>");
        web_ref_link(r, b, p->ref, NULL);
        html_lit(b, "</td><td>");
        html_text(b, p->comment);
        if (p->response) {
            html_lit(b, " <span class=\"muted\">Response: ");
            html_text(b, p->response);
            html_lit(b, "</span>");
        }
        html_lit(b, "</td></tr>");
    }
    if (!t->n) {
        html_lit(b, "<tr><td colspan=\"5\" class=\"muted\">No measurement yet.</td></tr>");
    }
    html_lit(b, "</tbody></table>");
}

static void trend_panel(struct req *r, struct buf *b, const struct record *rec)
{
    struct metric_trend t;
    struct err e = {0};
    if (app_metric_trend(r->app, rec->ref, &t, &e)) {
        web_error_box(b, e.msg);
        return;
    }
    html_lit(b, "<section class=\"panel metric-panel\" aria-labelledby=\"h-trend\">"
                "<h2 id=\"h-trend\">Trend</h2>");
    if (t.n) {
        const struct metric_point *p = &t.v[t.n - 1];
        html_lit(b, "<p>Latest: <strong>");
        html_text(b, p->value);
        html_text(b, unit_of(&t));
        html_lit(b, "</strong> on ");
        html_text(b, p->on);
        html_lit(b, " ");
        eval_tag(b, p->eval);
        if (p->eval == MEVAL_BREACH && !p->response) {
            html_lit(b, " — the owner responds (escalation); record the response on ");
            web_ref_link(r, b, p->ref, NULL);
        }
        html_lit(b, ".</p>");
    }
    chart(b, &t, 0, "trend");
    html_lit(b, "<p class=\"legend small\"><span class=\"key target\">dashed green: target"
                "</span> · <span class=\"key threshold\">dashed red: escalation threshold"
                "</span> · <span class=\"key breach\">ringed red points: breaches</span></p>");
    html_lit(b, "<details class=\"alt\"><summary>The measurements as a table</summary>");
    table(r, b, &t);
    html_lit(b, "</details>");
    if (web_may(r, PERM_CREATE, rtype_find("measurement"), -1) && !record_get(rec, FIELD_RETIRED)) {
        html_lit(b, "<p><a class=\"button secondary\" href=\"");
        href(r, b, "/measurements/new");
        html_lit(b, "\">Record a measurement</a></p>");
    }
    html_lit(b, "</section>");
    metric_trend_free(&t);
}

static void measurement_panel(struct req *r, struct buf *b, const struct record *rec)
{
    struct err e = {0};
    struct record *m = NULL;
    enum meval ev = MEVAL_NONE;
    double v;
    const char *val = record_get(rec, "value");
    if (app_record_get(r->app, rtype_find("metric"), record_get(rec, "metric"), &m, &e) == 0 &&
        val && number_parse(val, &v) == 0) {
        ev = metric_evaluate(record_get(m, "direction"), record_get(m, "target"),
                             record_get(m, "threshold"), v);
    }
    html_lit(b, "<section class=\"panel\" aria-labelledby=\"h-eval\"><h2 id=\"h-eval\">"
                "Evaluation</h2><p>");
    eval_tag(b, ev);
    if (m) {
        html_lit(b, " against the target of ");
        web_ref_titled(r, b, m->ref);
        html_lit(b, " as it is now (");
        html_text(b, record_get(m, "direction") && strcmp(record_get(m, "direction"), "lower") == 0
                         ? "lower"
                         : "higher");
        html_lit(b, " is better; target ");
        html_text(b, record_get(m, "target") ? record_get(m, "target") : "none");
        html_lit(b, ", threshold ");
        html_text(b, record_get(m, "threshold") ? record_get(m, "threshold") : "none");
        html_lit(b, ").");
    }
    html_lit(b, "</p>");
    if (ev == MEVAL_BREACH && !record_get(rec, "response")) {
        html_lit(b, "<p class=\"flag\"><strong>Breach:</strong> the metric's owner records the "
                    "response (escalation) in the field “Response to a breach”.</p>");
    }
    html_lit(b, "</section>");
    record_free(m);
}

static void objective_panel(struct req *r, struct buf *b, const struct record *rec)
{
    char st[24] = "";
    struct err e = {0};
    if (app_objective_status(r->app, rec, st, sizeof st, &e)) {
        web_error_box(b, e.msg);
        return;
    }
    html_lit(b, "<section class=\"panel\" aria-labelledby=\"h-ostatus\"><h2 id=\"h-ostatus\">"
                "Status today</h2><p><strong>");
    html_text(b, st);
    html_lit(b, "</strong> — computed from ");
    const char *mref = record_get(rec, "metric");
    if (mref) {
        html_lit(b, "the latest evaluation of ");
        web_ref_titled(r, b, mref);
        html_lit(b, " and ");
    }
    html_lit_if(b, record_get(rec, "ongoing") && strcmp(record_get(rec, "ongoing"), "1") == 0,
                "an ongoing objective (no end date)", "its due date");
    html_lit(b, "; it is not typed.</p>");
    if (mref) {
        struct metric_trend t;
        if (app_metric_trend(r->app, mref, &t, &e) == 0) {
            chart(b, &t, 1, "otrend");
            metric_trend_free(&t);
        }
    }
    html_lit(b, "</section>");
}

void web_improve_panel(struct req *r, struct buf *b, const struct record *rec,
                       const struct err *e); /* page_improve.c */

void web_metrics_panel(struct req *r, struct buf *b, const struct record *rec,
                       const struct err *e)
{
    const struct rtype *t = rec->type;
    if (is(t, "metric")) {
        trend_panel(r, b, rec);
    } else if (is(t, "measurement")) {
        measurement_panel(r, b, rec);
    } else if (is(t, "objective")) {
        objective_panel(r, b, rec);
    } else {
        web_improve_panel(r, b, rec, e);
    }
}

/* ---- the dashboard's KPI block ------------------------------------------ */

static int collect_ref(void *ctx, struct record *rec)
{
    struct records *l = ctx;
    if (l->n >= KPI_MAX) {
        record_free(rec);
        return 1;
    }
    return records_add(l, rec);
}

void web_kpi_section(struct req *r, struct buf *b)
{
    const struct rtype *mt = rtype_find("metric");
    if (!perm_allows(r->role, PERM_READ, mt, -1)) {
        return;
    }
    struct query q = {0};
    static const char *const cols[] = {"name", FIELD_STATUS, NULL};
    q.columns = cols;
    struct kv kv = {FIELD_STATUS, "active"};
    char *owned[QUERY_MAX_FILTERS] = {0};
    struct err e = {0};
    struct records l = {0};
    if (app_query_filter(mt, &q, &kv, 1, owned, &e) == 0) {
        store_list(r->app->st, &r->app->who, mt, &q, collect_ref, &l, &e);
    }
    free(owned[0]);
    html_lit(b, "<section class=\"kpis\" aria-labelledby=\"h-kpi\"><h2 id=\"h-kpi\">KPI trends"
                "</h2>");
    if (!l.n) {
        html_lit(b, "<p class=\"muted\">No active metric yet.</p>");
    }
    html_lit(b, "<div class=\"cards\">");
    for (size_t i = 0; i < l.n; i++) {
        struct metric_trend t;
        if (app_metric_trend(r->app, l.v[i]->ref, &t, &e)) {
            continue;
        }
        char id[40];
        snprintf(id, sizeof id, "kpi-%s", t.metric->ref);
        html_lit(b, "<div class=\"card kpi\"><h3><a href=\"");
        web_ref_href(r, b, t.metric->ref);
        html_lit(b, "\">");
        html_text(b, record_get(t.metric, "name"));
        html_lit(b, "</a></h3>");
        chart(b, &t, 1, id);
        html_lit(b, "<p class=\"sub\">");
        if (t.n) {
            html_text(b, t.v[t.n - 1].value);
            html_text(b, unit_of(&t));
            html_lit(b, " on ");
            html_text(b, t.v[t.n - 1].on);
            html_lit(b, " ");
            eval_tag(b, t.v[t.n - 1].eval);
        } else {
            html_lit(b, "not measured yet");
        }
        html_lit(b, "</p></div>");
        metric_trend_free(&t);
    }
    html_lit(b, "</div>");
    if (l.n >= KPI_MAX) {
        html_lit(b, "<p class=\"small\"><a href=\"");
        href(r, b, "/metrics");
        html_lit(b, "\">All metrics</a></p>");
    }
    html_lit(b, "</section>");
    records_free(&l);
}
