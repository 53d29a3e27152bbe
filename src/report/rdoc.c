/* rdoc.c — the report document model and its printable HTML writer. Every
 * string is copied in and escaped out (html.h); the HTML carries print CSS
 * (A4 pages, table headers repeated on every printed page, page numbers in
 * the page margin where the browser supports it). */
#include "rdoc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/html.h"
#include "../lib/util.h"

static char *dup0(const char *s)
{
    return xstrdup(s ? s : "");
}

void rdoc_init(struct rdoc *d, const char *org, const char *title, const char *version,
               const char *classification, const char *author)
{
    memset(d, 0, sizeof *d);
    d->org = dup0(org);
    d->title = dup0(title);
    d->version = dup0(version);
    d->classification = dup0(classification);
    d->author = dup0(author);
    d->created = xstrdup("");
}

static struct rblock *add(struct rdoc *d, enum rblock_kind k)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->b = xrealloc(d->b, d->cap * sizeof *d->b);
    }
    struct rblock *b = &d->b[d->n++];
    memset(b, 0, sizeof *b);
    b->kind = k;
    return b;
}

void rdoc_free(struct rdoc *d)
{
    for (size_t i = 0; i < d->n; i++) {
        struct rblock *b = &d->b[i];
        free(b->text);
        for (size_t k = 0; k < 2 * b->nkv; k++) {
            free(b->kv[k]);
        }
        free(b->kv);
        if (b->table) {
            struct rtable *t = b->table;
            size_t cells = t->nrows * (size_t)t->ncols;
            for (size_t k = 0; k < cells; k++) {
                free(t->cells[k]);
                if (t->fills) {
                    free(t->fills[k]);
                }
            }
            for (int k = 0; k < t->ncols; k++) {
                free(t->headers[k]);
            }
            free(t->headers);
            free(t->widths);
            free(t->cells);
            free(t->fills);
            free(t);
        }
        if (b->heat) {
            free(b->heat->xlabel);
            free(b->heat->ylabel);
            free(b->heat);
        }
        if (b->trend) {
            for (size_t k = 0; k < b->trend->n; k++) {
                free(b->trend->dates[k]);
            }
            free(b->trend->dates);
            free(b->trend->values);
            free(b->trend->unit);
            free(b->trend);
        }
    }
    free(d->b);
    free(d->org);
    free(d->title);
    free(d->version);
    free(d->classification);
    free(d->author);
    free(d->created);
    memset(d, 0, sizeof *d);
}

void rdoc_heading(struct rdoc *d, int level, const char *text)
{
    struct rblock *b = add(d, RB_HEADING);
    b->level = level < 1 ? 1 : level > 3 ? 3 : level;
    b->text = dup0(text);
}

void rdoc_para(struct rdoc *d, const char *text)
{
    add(d, RB_PARA)->text = dup0(text);
}

void rdoc_kv(struct rdoc *d)
{
    add(d, RB_KV);
}

void rdoc_kv_add(struct rdoc *d, const char *key, const char *value)
{
    if (!d->n || d->b[d->n - 1].kind != RB_KV) {
        rdoc_kv(d);
    }
    struct rblock *b = &d->b[d->n - 1];
    b->kv = xrealloc(b->kv, 2 * (b->nkv + 1) * sizeof *b->kv);
    b->kv[2 * b->nkv] = dup0(key);
    b->kv[2 * b->nkv + 1] = dup0(value);
    b->nkv++;
}

struct rtable *rdoc_table(struct rdoc *d, const char *const *headers, const double *widths,
                          int ncols)
{
    struct rtable *t = xcalloc(1, sizeof *t);
    t->ncols = ncols;
    t->headers = xcalloc((size_t)ncols, sizeof *t->headers);
    t->widths = xcalloc((size_t)ncols, sizeof *t->widths);
    for (int i = 0; i < ncols; i++) {
        t->headers[i] = dup0(headers[i]);
        t->widths[i] = widths && widths[i] > 0 ? widths[i] : 1;
    }
    add(d, RB_TABLE)->table = t;
    return t;
}

void rdoc_row(struct rtable *t, const char *const *values)
{
    if (t->nrows == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->cells = xrealloc(t->cells, t->cap * (size_t)t->ncols * sizeof *t->cells);
        if (t->fills) {
            t->fills = xrealloc(t->fills, t->cap * (size_t)t->ncols * sizeof *t->fills);
        }
    }
    char **row = t->cells + t->nrows * (size_t)t->ncols;
    for (int i = 0; i < t->ncols; i++) {
        row[i] = values[i] && values[i][0] ? xstrdup(values[i]) : NULL;
    }
    if (t->fills) {
        memset(t->fills + t->nrows * (size_t)t->ncols, 0, (size_t)t->ncols * sizeof *t->fills);
    }
    t->nrows++;
}

static int is_colour(const char *s)
{
    if (!s || s[0] != '#' || strlen(s) != 7) {
        return 0;
    }
    for (int i = 1; i < 7; i++) {
        if (!strchr("0123456789abcdefABCDEF", s[i])) {
            return 0;
        }
    }
    return 1;
}

void rdoc_fill(struct rtable *t, int col, const char *fill)
{
    if (!t->nrows || col < 0 || col >= t->ncols || !is_colour(fill)) {
        return;
    }
    if (!t->fills) {
        t->fills = xcalloc(t->cap * (size_t)t->ncols, sizeof *t->fills);
    }
    char **f = &t->fills[(t->nrows - 1) * (size_t)t->ncols + (size_t)col];
    free(*f);
    *f = xstrdup(fill);
}

struct rheat *rdoc_heat(struct rdoc *d, const char *title, const char *xlabel,
                        const char *ylabel, int nl, int nc)
{
    struct rblock *b = add(d, RB_HEATMAP);
    b->text = dup0(title);
    b->heat = xcalloc(1, sizeof *b->heat);
    b->heat->nl = nl < 1 ? 1 : nl > 10 ? 10 : nl;
    b->heat->nc = nc < 1 ? 1 : nc > 10 ? 10 : nc;
    b->heat->xlabel = dup0(xlabel);
    b->heat->ylabel = dup0(ylabel);
    return b->heat;
}

struct rtrend *rdoc_trend(struct rdoc *d, const char *title, const char *unit)
{
    struct rblock *b = add(d, RB_TREND);
    b->text = dup0(title);
    b->trend = xcalloc(1, sizeof *b->trend);
    b->trend->unit = dup0(unit);
    return b->trend;
}

void rdoc_trend_add(struct rtrend *t, const char *date, double value)
{
    t->dates = xrealloc(t->dates, (t->n + 1) * sizeof *t->dates);
    t->values = xrealloc(t->values, (t->n + 1) * sizeof *t->values);
    t->dates[t->n] = dup0(date);
    t->values[t->n] = value;
    t->n++;
}

/* ---- printable HTML ------------------------------------------------------- */

static void html_lines(struct buf *o, const char *s)
{
    /* text with its line breaks kept (CSS white-space: pre-line does it) */
    html_text(o, s);
}

static void html_trend(struct buf *o, const struct rtrend *t)
{
    if (!t->n) {
        html_lit(o, "<p class=\"empty\">No measurements.</p>");
        return;
    }
    double lo = t->values[0], hi = t->values[0];
    for (size_t i = 0; i < t->n; i++) {
        lo = t->values[i] < lo ? t->values[i] : lo;
        hi = t->values[i] > hi ? t->values[i] : hi;
    }
    if (t->has_target) {
        lo = t->target < lo ? t->target : lo;
        hi = t->target > hi ? t->target : hi;
    }
    if (hi - lo < 1e-9) {
        hi = lo + 1;
    }
    char num[64];
    html_lit(o, "<svg class=\"trend\" viewBox=\"0 0 400 120\" width=\"400\" height=\"120\" "
                "role=\"img\"><rect x=\"40\" y=\"10\" width=\"350\" height=\"90\" "
                "fill=\"none\" stroke=\"#999\"/>");
    if (t->has_target) {
        snprintf(num, sizeof num, "%.1f", 100 - (t->target - lo) / (hi - lo) * 90);
        html_lit(o, "<line x1=\"40\" x2=\"390\" stroke=\"#c00\" stroke-dasharray=\"4 3\" y1=\"");
        html_token(o, num);
        html_lit(o, "\" y2=\"");
        html_token(o, num);
        html_lit(o, "\"/>");
    }
    html_lit(o, "<polyline fill=\"none\" stroke=\"#1f5fa8\" stroke-width=\"2\" points=\"");
    for (size_t i = 0; i < t->n; i++) {
        double x = 40 + (t->n > 1 ? 350.0 * (double)i / (double)(t->n - 1) : 175);
        double y = 100 - (t->values[i] - lo) / (hi - lo) * 90;
        snprintf(num, sizeof num, "%.1f %.1f ", x, y);
        html_token(o, num);
    }
    html_lit(o, "\"/>");
    snprintf(num, sizeof num, "%g", hi);
    html_lit(o, "<text x=\"36\" y=\"16\" text-anchor=\"end\" font-size=\"9\">");
    html_text(o, num);
    snprintf(num, sizeof num, "%g", lo);
    html_lit(o, "</text><text x=\"36\" y=\"100\" text-anchor=\"end\" font-size=\"9\">");
    html_text(o, num);
    html_lit(o, "</text><text x=\"40\" y=\"114\" font-size=\"9\">");
    html_text(o, t->dates[0]);
    html_lit(o, "</text><text x=\"390\" y=\"114\" text-anchor=\"end\" font-size=\"9\">");
    html_text(o, t->dates[t->n - 1]);
    html_lit(o, "</text></svg>");
}

void rdoc_html(const struct rdoc *d, struct buf *o)
{
    html_lit(o, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>");
    html_text(o, d->title);
    html_lit(o, "</title><style>\n"
                "@page{size:A4 ");
    if (d->landscape) {
        html_lit(o, "landscape");
    } else {
        html_lit(o, "portrait");
    }
    html_lit(o, ";margin:18mm 14mm 18mm 14mm;"
                "@bottom-right{content:\"Page \" counter(page) \" of \" counter(pages);font:8pt sans-serif}}\n"
                "body{font:10pt 'DejaVu Sans','Noto Sans CJK SC','WenQuanYi Micro Hei',sans-serif;color:#111;margin:0 auto;padding:0 1em;max-width:1100px}@media print{body{padding:0;max-width:none}}\n"
                "header.run,footer.run{font-size:8pt;color:#444;display:flex;justify-content:space-between;border-bottom:1px solid #999;padding:2px 0}\n"
                "footer.run{border-top:1px solid #999;border-bottom:0;margin-top:2em}\n"
                ".mark{font-weight:bold;text-transform:uppercase}\n"
                "h1{font-size:16pt}h2{font-size:13pt;margin-top:1.2em}h3{font-size:11pt}\n"
                "p{white-space:pre-line}\n"
                "table{border-collapse:collapse;width:100%;margin:.5em 0;table-layout:fixed}\n"
                "thead{display:table-header-group}tr{break-inside:avoid}\n"
                "th,td{border:1px solid #bbb;padding:2px 4px;vertical-align:top;text-align:left;"
                "overflow-wrap:anywhere;white-space:pre-line;font-size:8pt}\n"
                "th{background:#e6e9ef}\n"
                "dl.kv{display:grid;grid-template-columns:max-content auto;gap:2px 12px}dl.kv dt{font-weight:bold}dl.kv dd{margin:0;white-space:pre-line}\n"
                "table.heat{width:auto}table.heat td{width:3em;height:2.2em;text-align:center;vertical-align:middle;font-size:10pt}\n"
                "@media print{header.run,footer.run{position:running(x)}}\n"
                "</style></head><body>\n<header class=\"run\"><span>");
    html_text(o, d->org);
    html_lit(o, "</span><span>");
    html_text(o, d->title);
    if (d->version[0]) {
        html_lit(o, " \xc2\xb7 ");
        html_text(o, d->version);
    }
    html_lit(o, "</span><span class=\"mark\">");
    html_text(o, d->classification);
    html_lit(o, "</span></header>\n<h1>");
    html_text(o, d->title);
    html_lit(o, "</h1>\n");
    for (size_t i = 0; i < d->n; i++) {
        const struct rblock *b = &d->b[i];
        switch (b->kind) {
        case RB_HEADING:
            if (b->level == 1) {
                html_lit(o, "<h2>");
                html_text(o, b->text);
                html_lit(o, "</h2>\n");
            } else {
                html_lit(o, "<h3>");
                html_text(o, b->text);
                html_lit(o, "</h3>\n");
            }
            break;
        case RB_PARA:
            html_lit(o, "<p>");
            html_lines(o, b->text);
            html_lit(o, "</p>\n");
            break;
        case RB_KV:
            html_lit(o, "<dl class=\"kv\">");
            for (size_t k = 0; k < b->nkv; k++) {
                html_lit(o, "<dt>");
                html_text(o, b->kv[2 * k]);
                html_lit(o, "</dt><dd>");
                html_text(o, b->kv[2 * k + 1]);
                html_lit(o, "</dd>");
            }
            html_lit(o, "</dl>\n");
            break;
        case RB_TABLE: {
            const struct rtable *t = b->table;
            double total = 0;
            for (int c = 0; c < t->ncols; c++) {
                total += t->widths[c];
            }
            html_lit(o, "<table><colgroup>");
            for (int c = 0; c < t->ncols; c++) {
                char w[32];
                snprintf(w, sizeof w, "%.1f%%", 100 * t->widths[c] / total);
                html_lit(o, "<col style=\"width:");
                html_token(o, w);
                html_lit(o, "\">");
            }
            html_lit(o, "</colgroup><thead><tr>");
            for (int c = 0; c < t->ncols; c++) {
                html_lit(o, "<th>");
                html_text(o, t->headers[c]);
                html_lit(o, "</th>");
            }
            html_lit(o, "</tr></thead><tbody>\n");
            for (size_t r = 0; r < t->nrows; r++) {
                html_lit(o, "<tr>");
                for (int c = 0; c < t->ncols; c++) {
                    size_t k = r * (size_t)t->ncols + (size_t)c;
                    if (t->fills && t->fills[k]) {
                        html_lit(o, "<td style=\"background:");
                        html_token(o, t->fills[k]);
                        html_lit(o, "\">");
                    } else {
                        html_lit(o, "<td>");
                    }
                    html_text(o, t->cells[k]);
                    html_lit(o, "</td>");
                }
                html_lit(o, "</tr>\n");
            }
            html_lit(o, "</tbody></table>\n");
            break;
        }
        case RB_HEATMAP: {
            const struct rheat *h = b->heat;
            html_lit(o, "<h3>");
            html_text(o, b->text);
            html_lit(o, "</h3><table class=\"heat\"><tbody>");
            for (int l = h->nl; l >= 1; l--) {
                html_lit(o, "<tr><th>");
                html_int(o, l);
                html_lit(o, "</th>");
                for (int c = 1; c <= h->nc; c++) {
                    html_lit(o, "<td style=\"background:");
                    html_token(o, h->colour[l - 1][c - 1][0] ? h->colour[l - 1][c - 1] : "#ffffff");
                    html_lit(o, "\">");
                    if (h->count[l - 1][c - 1]) {
                        html_int(o, h->count[l - 1][c - 1]);
                    }
                    html_lit(o, "</td>");
                }
                html_lit(o, "</tr>");
            }
            html_lit(o, "<tr><th></th>");
            for (int c = 1; c <= h->nc; c++) {
                html_lit(o, "<th>");
                html_int(o, c);
                html_lit(o, "</th>");
            }
            html_lit(o, "</tr></tbody></table><p>");
            html_text(o, h->ylabel);
            html_lit(o, " (rows) \xc3\x97 ");
            html_text(o, h->xlabel);
            html_lit(o, " (columns)</p>\n");
            break;
        }
        case RB_TREND:
            html_lit(o, "<h3>");
            html_text(o, b->text);
            html_lit(o, "</h3>");
            html_trend(o, b->trend);
            html_lit(o, "\n");
            break;
        }
    }
    html_lit(o, "<footer class=\"run\"><span class=\"mark\">");
    html_text(o, d->classification);
    html_lit(o, "</span><span>");
    html_text(o, d->author);
    html_lit(o, " \xc2\xb7 ");
    html_text(o, d->created);
    html_lit(o, "</span></footer>\n</body></html>\n");
}
