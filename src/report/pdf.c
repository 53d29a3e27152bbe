/* pdf.c — the report layout engine: typesets an rdoc (rdoc.h) as PDF
 * through cairo and pango. Text is laid out by pango (Unicode, font
 * fallback for CJK through fontconfig, line wrapping); the heat map and
 * trend charts are cairo paths, so they stay vectors in the PDF.
 *
 * Two passes over the same code: the first only measures (on a 1x1 image
 * surface, hint metrics off so measures equal the PDF's) and counts the
 * pages and each table row's height; the second draws, knowing M for
 * "Page N of M". A table's header row is drawn again at the top of every
 * page the table continues on; a row is never split across pages (a cell
 * holds at most CELL_LINES lines, the rest ellipsized). */
#include "rdoc.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/util.h"

#define MARGIN_X 40.0
#define TOP 58.0
#define BOTTOM 52.0
#define PAD 2.5
#define CELL_LINES 24
#define FONT "DejaVu Sans, WenQuanYi Micro Hei, Noto Sans CJK SC"
#define CACHE_TEXT 48    /* bytes of a text the layout cache keeps */
#define CACHE_SLOTS 4096
#define SEEN_BITS (1u << 20)
#define ADV_MAX 0x2000 /* Latin, Greek, Cyrillic, punctuation: measured by character */

struct lcache {
    uint64_t hash;
    const PangoFontDescription *font;
    int w, lines;
    char *text;
    PangoLayout *lay;
};

struct pr {
    const struct rdoc *d;
    cairo_t *cr;
    PangoContext *ctx;
    PangoLayout *lay;     /* the layout set() prepared last */
    PangoLayout *scratch; /* for texts not cached */
    PangoLayout *flow;    /* flowing paragraphs (kept across page breaks) */
    struct lcache *cache; /* CACHE_SLOTS */
    unsigned char *seen;  /* SEEN_BITS: texts seen once */
    double *adv[2];       /* cell fonts: advance of each character below ADV_MAX (< 0: unknown) */
    double line_h[2];     /* cell fonts: the height of one line */
    PangoFontDescription *body, *bold, *small, *cell, *cellb, *h[3];
    int draw;   /* 0: measuring pass */
    int page;   /* current page, from 1 */
    int total;  /* pages of the document (drawing pass) */
    double W, H, x0, x1, y, ybot;
    double mark; /* where the last chart's title started */
    double **rowh; /* per block: the heights of its table's rows (first pass) */
    double *headh; /* per block: the height of its table's header row */
    double *rule;  /* drawing: the lines under the rows of a table's part on this page */
    size_t nrule, caprule;
};

static PangoFontDescription *font(const char *weight, double size)
{
    char s[160];
    snprintf(s, sizeof s, "%s %s %.1f", FONT, weight, size);
    return pango_font_description_from_string(s);
}

static void colour(cairo_t *cr, const char *hex, double dr, double dg, double db)
{
    unsigned r, g, b;
    if (hex && hex[0] == '#' && sscanf(hex + 1, "%2x%2x%2x", &r, &g, &b) == 3) {
        cairo_set_source_rgb(cr, r / 255.0, g / 255.0, b / 255.0);
    } else {
        cairo_set_source_rgb(cr, dr, dg, db);
    }
}

static void configure(PangoLayout *l, const PangoFontDescription *f, const char *text,
                      double width, int max_lines)
{
    pango_layout_set_font_description(l, f);
    pango_layout_set_width(l, width > 0 ? (int)(width * PANGO_SCALE) : -1);
    pango_layout_set_height(l, max_lines > 0 ? -max_lines : -1);
    pango_layout_set_ellipsize(l, max_lines > 0 ? PANGO_ELLIPSIZE_END : PANGO_ELLIPSIZE_NONE);
    pango_layout_set_text(l, text ? text : "", -1);
}

static uint64_t hash_key(const PangoFontDescription *f, const char *text, int w, int lines)
{
    uint64_t h = 1469598103934665603ull ^ (uint64_t)(uintptr_t)f ^ ((uint64_t)w << 20) ^
                 (uint64_t)lines;
    for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
        h = (h ^ *c) * 1099511628211ull;
    }
    return h;
}

/* Points p->lay at a layout of text (width in points, <= 0: unwrapped).
 * Short texts seen more than once (a level, a status, a person, a date,
 * the page frame's) come from the layout cache, shaped once for both
 * passes; the rest are laid out afresh in the scratch layout. */
static void set(struct pr *p, const PangoFontDescription *f, const char *text, double width,
                int max_lines)
{
    text = text ? text : "";
    size_t len = strlen(text);
    int w = width > 0 ? (int)(width * 64) : -1;
    if (len <= CACHE_TEXT) {
        uint64_t h = hash_key(f, text, w, max_lines);
        size_t slot = (size_t)(h % CACHE_SLOTS);
        for (size_t k = 0; k < 8; k++, slot = (slot + 1) % CACHE_SLOTS) {
            struct lcache *c = &p->cache[slot];
            if (!c->lay) {
                if (!(p->seen[(h >> 7) % SEEN_BITS / 8] & (1u << (h % 8)))) {
                    p->seen[(h >> 7) % SEEN_BITS / 8] |= (unsigned char)(1u << (h % 8));
                    break; /* first sight: scratch */
                }
                c->hash = h;
                c->font = f;
                c->w = w;
                c->lines = max_lines;
                c->text = xstrdup(text);
                c->lay = pango_layout_new(p->ctx);
                pango_layout_set_wrap(c->lay, PANGO_WRAP_WORD_CHAR);
                configure(c->lay, f, text, width, max_lines);
                p->lay = c->lay;
                return;
            }
            if (c->hash == h && c->font == f && c->w == w && c->lines == max_lines &&
                strcmp(c->text, text) == 0) {
                p->lay = c->lay;
                return;
            }
        }
    }
    p->lay = p->scratch;
    configure(p->lay, f, text, width, max_lines);
}

static void cache_clear(struct pr *p)
{
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        if (p->cache[i].lay) {
            g_object_unref(p->cache[i].lay);
            free(p->cache[i].text);
        }
    }
    memset(p->cache, 0, CACHE_SLOTS * sizeof *p->cache);
}

static double height(struct pr *p)
{
    int w, h;
    pango_layout_get_size(p->lay, &w, &h);
    return (double)h / PANGO_SCALE;
}

static double height_of_layout(PangoLayout *l)
{
    int w, h;
    pango_layout_get_size(l, &w, &h);
    return (double)h / PANGO_SCALE;
}

static double width_of(struct pr *p)
{
    int w, h;
    pango_layout_get_size(p->lay, &w, &h);
    return (double)w / PANGO_SCALE;
}

static void show(struct pr *p, double x, double y)
{
    if (p->draw) {
        cairo_move_to(p->cr, x, y);
        pango_cairo_show_layout(p->cr, p->lay);
    }
}

static void page_frame(struct pr *p)
{
    const struct rdoc *d = p->d;
    cairo_t *cr = p->cr;
    char s[600];
    cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
    set(p, p->small, d->org, (p->x1 - p->x0) / 2, 1);
    show(p, p->x0, 26);
    if (d->version[0]) {
        snprintf(s, sizeof s, "%s \xc2\xb7 %s", d->title, d->version);
    } else {
        snprintf(s, sizeof s, "%s", d->title);
    }
    set(p, p->small, s, 0, 0);
    show(p, p->x1 - width_of(p), 26);
    set(p, p->cellb, d->classification, 0, 0);
    cairo_set_source_rgb(cr, 0.6, 0.1, 0.1);
    show(p, (p->x0 + p->x1 - width_of(p)) / 2, 14);
    cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
    cairo_set_line_width(cr, 0.5);
    cairo_move_to(cr, p->x0, 40);
    cairo_line_to(cr, p->x1, 40);
    cairo_move_to(cr, p->x0, p->H - 38);
    cairo_line_to(cr, p->x1, p->H - 38);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
    set(p, p->cellb, d->classification, 0, 0);
    show(p, p->x0, p->H - 34);
    snprintf(s, sizeof s, "%s \xc2\xb7 %s", d->author, d->created);
    set(p, p->small, s, 0, 0);
    show(p, (p->x0 + p->x1 - width_of(p)) / 2, p->H - 34);
    snprintf(s, sizeof s, "Page %d of %d", p->page, p->total);
    set(p, p->small, s, 0, 0);
    show(p, p->x1 - width_of(p), p->H - 34);
    cairo_set_source_rgb(cr, 0, 0, 0);
}

static void new_page(struct pr *p)
{
    if (p->page > 0 && p->draw) {
        cairo_show_page(p->cr);
    }
    p->page++;
    p->y = TOP;
    if (p->draw) {
        page_frame(p);
    }
}

static void need(struct pr *p, double h)
{
    if (p->y + h > p->ybot && p->y > TOP + 0.5) {
        new_page(p);
    }
}

/* Text flowing over pages line by line. */
static void flow(struct pr *p, const PangoFontDescription *f, const char *text, double x,
                 double width, double after)
{
    configure(p->flow, f, text, width, 0);
    PangoLayoutIter *it = pango_layout_get_iter(p->flow);
    double shift = p->y;
    do {
        PangoRectangle lg;
        pango_layout_iter_get_line_extents(it, NULL, &lg);
        double top = (double)lg.y / PANGO_SCALE, h = (double)lg.height / PANGO_SCALE;
        if (shift + top + h > p->ybot && shift + top > TOP + 0.5) {
            new_page(p);
            shift = p->y - top;
        }
        if (p->draw) {
            double base = (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
            cairo_move_to(p->cr, x, shift + base);
            pango_cairo_show_layout_line(p->cr, pango_layout_iter_get_line_readonly(it));
        }
        p->y = shift + top + h;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    p->y += after;
}

static void cols_x(const struct pr *p, const struct rtable *t, double *x)
{
    double total = 0;
    for (int c = 0; c < t->ncols; c++) {
        total += t->widths[c];
    }
    x[0] = p->x0;
    for (int c = 0; c < t->ncols; c++) {
        x[c + 1] = x[c] + (p->x1 - p->x0) * t->widths[c] / total;
    }
}

/* The advances of the ASCII characters in the two cell fonts, and the
 * height of one line, for measuring short cells without shaping them. */
static void metrics(struct pr *p)
{
    const PangoFontDescription *fs[2] = {p->cell, p->cellb};
    for (int k = 0; k < 2; k++) {
        p->adv[k] = xmalloc(ADV_MAX * sizeof(double));
        for (int ch = 0; ch < ADV_MAX; ch++) {
            p->adv[k][ch] = -1;
        }
        configure(p->scratch, fs[k], "Ag\nAg", 0, 0);
        double two = height_of_layout(p->scratch);
        configure(p->scratch, fs[k], "Ag", 0, 0);
        p->line_h[k] = height_of_layout(p->scratch);
        if (two < 1.9 * p->line_h[k]) {
            p->line_h[k] = two / 2; /* keep the estimate of n lines at least pango's */
        }
    }
}

/* The advance of character ch (< ADV_MAX) in cell font k, measured once. */
static double advance(struct pr *p, int k, unsigned ch)
{
    if (p->adv[k][ch] < 0) {
        char s[8];
        gunichar u = ch;
        int n = g_unichar_to_utf8(u, s);
        s[n] = 0;
        configure(p->scratch, k ? p->cellb : p->cell, s, 0, 0);
        int w, h;
        pango_layout_get_size(p->scratch, &w, &h);
        p->adv[k][ch] = (double)w / PANGO_SCALE;
    }
    return p->adv[k][ch];
}

/* The height of a cell's text in width: one line when it is printable
 * ASCII whose advances fit with room to spare (kerning only narrows),
 * else as pango lays it out. */
static double cell_h(struct pr *p, const PangoFontDescription *f, const char *text, double width)
{
    int k = f == p->cellb ? 1 : f == p->cell ? 0 : -1;
    if (k >= 0) {
        /* greedy wrapping at spaces with 3 % less room than the cell has:
         * never fewer lines than pango's (it may also break after
         * hyphens and slashes); a word wider than the cell, a character
         * outside printable ASCII or more lines than a cell shows: pango */
        double room = width * 0.97, line = 0, word = 0, space = advance(p, k, ' ');
        int lines = 1, ok = 1;
        const char *c = text;
        for (;;) {
            gunichar u = *c ? g_utf8_get_char_validated(c, -1) : 0;
            if (u == ' ' || !u) {
                if (word > room) {
                    ok = 0;
                    break;
                }
                if (line > 0 && line + space + word > room) {
                    lines++;
                    line = word;
                } else {
                    line += (line > 0 ? space : 0) + word;
                }
                word = 0;
                if (!u) {
                    break;
                }
            } else if (u > 32 && u < ADV_MAX && u != 0x7f && !(u >= 0x80 && u < 0xa0) &&
                       u != 0xad) {
                word += advance(p, k, u);
            } else {
                ok = 0; /* line breaks, controls, wide scripts: pango */
                break;
            }
            c = g_utf8_next_char(c);
        }
        if (ok && lines <= CELL_LINES) {
            return lines * p->line_h[k];
        }
    }
    set(p, f, text, width, CELL_LINES);
    return height(p);
}

static double row_h(struct pr *p, const struct rtable *t, char *const *cells,
                    const PangoFontDescription *f, const double *x)
{
    double h = 0;
    for (int c = 0; c < t->ncols; c++) {
        if (cells[c]) {
            double ch = cell_h(p, f, cells[c], x[c + 1] - x[c] - 2 * PAD);
            h = ch > h ? ch : h;
        }
    }
    return h + 2 * PAD + 1;
}

static void draw_row(struct pr *p, const struct rtable *t, char *const *cells, char *const *fills,
                     const PangoFontDescription *f, const double *x, double h, int head)
{
    cairo_t *cr = p->cr;
    for (int c = 0; c < t->ncols; c++) {
        if (head || (fills && fills[c])) {
            cairo_rectangle(cr, x[c], p->y, x[c + 1] - x[c], h);
            colour(cr, fills ? fills[c] : NULL, 0.90, 0.91, 0.94);
            cairo_fill(cr);
        }
        if (cells[c]) {
            cairo_set_source_rgb(cr, 0, 0, 0);
            set(p, f, cells[c], x[c + 1] - x[c] - 2 * PAD, CELL_LINES);
            show(p, x[c] + PAD, p->y + PAD);
        }
    }
    /* the line under the row: stroked with the columns' lines of the page
     * (grid), one path instead of one per row */
    if (p->nrule == p->caprule) {
        p->caprule = p->caprule ? 2 * p->caprule : 64;
        p->rule = xrealloc(p->rule, p->caprule * sizeof *p->rule);
    }
    p->rule[p->nrule++] = p->y + h;
}

/* The frame of a table's part on one page: its top line, the lines
 * between the columns, from top to bottom, and the lines under its rows. */
static void grid(struct pr *p, const struct rtable *t, const double *x, double top, double bottom)
{
    size_t nrule = p->nrule;
    p->nrule = 0;
    if (!p->draw || bottom <= top) {
        return;
    }
    cairo_t *cr = p->cr;
    cairo_set_source_rgb(cr, 0.7, 0.7, 0.7);
    cairo_set_line_width(cr, 0.4);
    cairo_move_to(cr, x[0], top);
    cairo_line_to(cr, x[t->ncols], top);
    for (size_t i = 0; i < nrule; i++) {
        cairo_move_to(cr, x[0], p->rule[i]);
        cairo_line_to(cr, x[t->ncols], p->rule[i]);
    }
    for (int c = 0; c <= t->ncols; c++) {
        cairo_move_to(cr, x[c], top);
        cairo_line_to(cr, x[c], bottom);
    }
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
}

static void table(struct pr *p, size_t bi, const struct rtable *t)
{
    double *x = xcalloc((size_t)t->ncols + 1, sizeof *x);
    cols_x(p, t, x);
    if (!p->draw) {
        p->rowh[bi] = xcalloc(t->nrows ? t->nrows : 1, sizeof(double));
        p->headh[bi] = row_h(p, t, t->headers, p->cellb, x);
    }
    double hh = p->headh[bi];
    double top = p->y;
    for (size_t r = 0; r < t->nrows; r++) {
        char *const *cells = t->cells + r * (size_t)t->ncols;
        double h = p->draw ? p->rowh[bi][r] : (p->rowh[bi][r] = row_h(p, t, cells, p->cell, x));
        if (r == 0 || p->y + h > p->ybot) {
            if (p->y + hh + h > p->ybot && p->y > TOP + 0.5) {
                grid(p, t, x, top, p->y);
                new_page(p);
            }
            top = p->y;
            if (p->draw) {
                draw_row(p, t, t->headers, NULL, p->cellb, x, hh, 1);
            }
            p->y += hh;
        }
        if (p->draw) {
            draw_row(p, t, cells, t->fills ? t->fills + r * (size_t)t->ncols : NULL, p->cell, x,
                     h, 0);
        }
        p->y += h;
    }
    if (!t->nrows) {
        need(p, hh);
        top = p->y;
        if (p->draw) {
            draw_row(p, t, t->headers, NULL, p->cellb, x, hh, 1);
        }
        p->y += hh;
    }
    grid(p, t, x, top, p->y);
    if (!t->nrows) {
        set(p, p->small, "(none)", 0, 0);
        show(p, p->x0 + PAD, p->y + PAD);
        p->y += height(p) + 2 * PAD;
    }
    p->y += 8;
    free(x);
}

static void kv(struct pr *p, const struct rblock *b)
{
    double kw = (p->x1 - p->x0) * 0.28;
    for (size_t k = 0; k < b->nkv; k++) {
        set(p, p->bold, b->kv[2 * k], kw - 6, 3);
        double hk = height(p);
        set(p, p->body, b->kv[2 * k + 1], p->x1 - p->x0 - kw, 0);
        double hv = height(p);
        if (hv > p->ybot - TOP - 20) { /* a long value flows over pages */
            need(p, hk);
            set(p, p->bold, b->kv[2 * k], kw - 6, 3);
            show(p, p->x0, p->y);
            flow(p, p->body, b->kv[2 * k + 1], p->x0 + kw, p->x1 - p->x0 - kw, 3);
            continue;
        }
        double h = hk > hv ? hk : hv;
        need(p, h);
        set(p, p->body, b->kv[2 * k + 1], p->x1 - p->x0 - kw, 0);
        show(p, p->x0 + kw, p->y);
        set(p, p->bold, b->kv[2 * k], kw - 6, 3);
        show(p, p->x0, p->y);
        p->y += h + 3;
    }
    p->y += 6;
}

static void chart_title(struct pr *p, const char *title, double h)
{
    set(p, p->bold, title, p->x1 - p->x0, 2);
    need(p, height(p) + h); /* a page break draws the frame through set() */
    set(p, p->bold, title, p->x1 - p->x0, 2);
    p->mark = p->y;
    show(p, p->x0, p->y);
    p->y += height(p) + 4;
}

/* A heat map; side 1: beside the one just drawn (its top given). */
#define HEAT_CELL 30.0
#define HEAT_W(nc) (44 + (nc) * HEAT_CELL) /* a heat map's width: axis and cells */
static void heat(struct pr *p, const struct rblock *b, int side, double side_top, int side_nc)
{
    const struct rheat *m = b->heat;
    double cs = HEAT_CELL, gh = cs * m->nl;
    double x0 = side ? p->x0 + HEAT_W(side_nc) + 40 : p->x0;
    double left = x0 + 44;
    if (side) {
        p->y = side_top;
        set(p, p->bold, b->text, p->x1 - x0, 2);
        show(p, x0, p->y);
        p->y += height(p) + 4;
    } else {
        chart_title(p, b->text, gh + 40);
    }
    cairo_t *cr = p->cr;
    double top = p->y;
    char s[32];
    for (int l = m->nl; l >= 1; l--) {
        double y = top + (m->nl - l) * cs;
        for (int c = 1; c <= m->nc; c++) {
            double x = left + (c - 1) * cs;
            if (p->draw) {
                cairo_rectangle(cr, x, y, cs, cs);
                colour(cr, m->colour[l - 1][c - 1], 1, 1, 1);
                cairo_fill_preserve(cr);
                cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
                cairo_set_line_width(cr, 0.6);
                cairo_stroke(cr);
            }
            if (m->count[l - 1][c - 1]) {
                snprintf(s, sizeof s, "%ld", m->count[l - 1][c - 1]);
                cairo_set_source_rgb(cr, 0, 0, 0);
                set(p, p->bold, s, 0, 0);
                show(p, x + (cs - width_of(p)) / 2, y + (cs - height(p)) / 2);
            }
        }
        snprintf(s, sizeof s, "%d", l);
        set(p, p->small, s, 0, 0);
        show(p, left - 8 - width_of(p), y + (cs - height(p)) / 2);
    }
    for (int c = 1; c <= m->nc; c++) {
        snprintf(s, sizeof s, "%d", c);
        set(p, p->small, s, 0, 0);
        show(p, left + (c - 1) * cs + (cs - width_of(p)) / 2, top + gh + 2);
    }
    set(p, p->small, m->xlabel, 0, 0);
    show(p, left + (m->nc * cs - width_of(p)) / 2, top + gh + 14);
    if (p->draw) { /* the vertical axis title, turned */
        set(p, p->small, m->ylabel, 0, 0);
        double w = width_of(p);
        cairo_save(cr);
        cairo_move_to(cr, x0 + 12, top + (gh + w) / 2);
        cairo_rotate(cr, -M_PI / 2);
        pango_cairo_update_layout(cr, p->lay);
        pango_cairo_show_layout(cr, p->lay);
        cairo_restore(cr);
        pango_cairo_update_layout(cr, p->lay);
    }
    p->y = top + gh + 34;
}

static void trend(struct pr *p, const struct rblock *b)
{
    const struct rtrend *t = b->trend;
    double gw = p->x1 - p->x0 - 60 < 420 ? p->x1 - p->x0 - 60 : 420, gh = 110;
    chart_title(p, b->text, gh + 30);
    cairo_t *cr = p->cr;
    double left = p->x0 + 50, top = p->y;
    if (!t->n) {
        set(p, p->small, "No measurements recorded.", 0, 0);
        show(p, p->x0, p->y);
        p->y += height(p) + 8;
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
    double span = hi - lo;
    lo -= span * 0.05;
    hi += span * 0.05;
#define PX(i) (left + (t->n > 1 ? gw * (double)(i) / (double)(t->n - 1) : gw / 2))
#define PY(v) (top + gh - ((v) - lo) / (hi - lo) * gh)
    char s[64];
    if (p->draw) {
        cairo_set_line_width(cr, 0.6);
        cairo_set_source_rgb(cr, 0.5, 0.5, 0.5);
        cairo_rectangle(cr, left, top, gw, gh);
        cairo_stroke(cr);
        if (t->has_target) {
            double dash[] = {4, 3};
            cairo_set_dash(cr, dash, 2, 0);
            cairo_set_source_rgb(cr, 0.8, 0.1, 0.1);
            cairo_move_to(cr, left, PY(t->target));
            cairo_line_to(cr, left + gw, PY(t->target));
            cairo_stroke(cr);
            cairo_set_dash(cr, NULL, 0, 0);
        }
        cairo_set_source_rgb(cr, 0.12, 0.37, 0.66);
        cairo_set_line_width(cr, 1.6);
        for (size_t i = 0; i < t->n; i++) {
            if (i == 0) {
                cairo_move_to(cr, PX(i), PY(t->values[i]));
            } else {
                cairo_line_to(cr, PX(i), PY(t->values[i]));
            }
        }
        cairo_stroke(cr);
        for (size_t i = 0; i < t->n; i++) {
            cairo_arc(cr, PX(i), PY(t->values[i]), 2.2, 0, 2 * M_PI);
            cairo_fill(cr);
        }
    }
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    snprintf(s, sizeof s, "%g %s", hi - span * 0.05, t->unit);
    set(p, p->small, s, 0, 0);
    show(p, left - 4 - width_of(p), PY(hi - span * 0.05) - height(p) / 2);
    snprintf(s, sizeof s, "%g %s", lo + span * 0.05, t->unit);
    set(p, p->small, s, 0, 0);
    show(p, left - 4 - width_of(p), PY(lo + span * 0.05) - height(p) / 2);
    set(p, p->small, t->dates[0], 0, 0);
    show(p, left, top + gh + 2);
    set(p, p->small, t->dates[t->n - 1], 0, 0);
    show(p, left + gw - width_of(p), top + gh + 2);
    if (t->has_target) {
        snprintf(s, sizeof s, "target %g", t->target);
        set(p, p->small, s, 0, 0);
        cairo_set_source_rgb(cr, 0.8, 0.1, 0.1);
        show(p, left + gw + 4, PY(t->target) - height(p) / 2);
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
#undef PX
#undef PY
    p->y = top + gh + 24;
}

static void run(struct pr *p)
{
    const struct rdoc *d = p->d;
    p->page = 0;
    new_page(p);
    set(p, p->h[0], d->title, p->x1 - p->x0, 0);
    show(p, p->x0, p->y);
    p->y += height(p) + 10;
    for (size_t i = 0; i < d->n; i++) {
        const struct rblock *b = &d->b[i];
        switch (b->kind) {
        case RB_HEADING: {
            const PangoFontDescription *f = p->h[b->level == 1 ? 1 : 2];
            set(p, f, b->text, p->x1 - p->x0, 0);
            double h = height(p);
            /* keep with what follows: a chart whole, else a few lines */
            int chart = i + 1 < d->n && (d->b[i + 1].kind == RB_HEATMAP ||
                                         d->b[i + 1].kind == RB_TREND);
            need(p, h + (chart ? 200 : 48));
            p->y += b->level == 1 ? 6 : 3;
            set(p, f, b->text, p->x1 - p->x0, 0);
            show(p, p->x0, p->y);
            p->y += h + 4;
            break;
        }
        case RB_PARA:
            flow(p, p->body, b->text, p->x0, p->x1 - p->x0, 6);
            break;
        case RB_KV:
            kv(p, b);
            break;
        case RB_TABLE:
            table(p, i, b->table);
            break;
        case RB_HEATMAP: {
            /* two heat maps in a row stand side by side (inherent, residual) */
            heat(p, b, 0, 0, 0);
            double top = p->mark;
            if (i + 1 < d->n && d->b[i + 1].kind == RB_HEATMAP &&
                d->b[i + 1].heat->nl <= b->heat->nl &&
                HEAT_W(b->heat->nc) + 40 + HEAT_W(d->b[i + 1].heat->nc) <= p->x1 - p->x0) {
                double bottom = p->y;
                heat(p, &d->b[++i], 1, top, b->heat->nc);
                p->y = bottom > p->y ? bottom : p->y;
            }
            break;
        }
        case RB_TREND:
            trend(p, b);
            break;
        }
    }
    if (p->draw) {
        cairo_show_page(p->cr);
    }
}

static cairo_status_t to_buf(void *closure, const unsigned char *data, unsigned int n)
{
    buf_append(closure, data, n);
    return CAIRO_STATUS_SUCCESS;
}

static void bind(struct pr *p, cairo_t *cr)
{
    if (p->ctx) {
        cache_clear(p);
        g_object_unref(p->scratch);
        g_object_unref(p->flow);
        g_object_unref(p->ctx);
    }
    p->cr = cr;
    p->ctx = pango_cairo_create_context(cr);
    pango_cairo_context_set_resolution(p->ctx, 72); /* font sizes in PDF points */
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(p->ctx, fo);
    cairo_font_options_destroy(fo);
    p->scratch = pango_layout_new(p->ctx);
    pango_layout_set_wrap(p->scratch, PANGO_WRAP_WORD_CHAR);
    p->flow = pango_layout_new(p->ctx);
    pango_layout_set_wrap(p->flow, PANGO_WRAP_WORD_CHAR);
    p->lay = p->scratch;
}

int rdoc_pdf(const struct rdoc *d, struct buf *out, struct err *e)
{
    struct pr p;
    memset(&p, 0, sizeof p);
    p.d = d;
    p.W = d->landscape ? 841.89 : 595.28;
    p.H = d->landscape ? 595.28 : 841.89;
    p.x0 = MARGIN_X;
    p.x1 = p.W - MARGIN_X;
    p.ybot = p.H - BOTTOM;
    p.body = font("", 10);
    p.bold = font("Bold", 10);
    p.small = font("", 7.5);
    p.cell = font("", 8);
    p.cellb = font("Bold", 8);
    p.h[0] = font("Bold", 18);
    p.h[1] = font("Bold", 13);
    p.h[2] = font("Bold", 11);
    p.rowh = xcalloc(d->n ? d->n : 1, sizeof *p.rowh);
    p.cache = xcalloc(CACHE_SLOTS, sizeof *p.cache);
    p.seen = xcalloc(SEEN_BITS / 8, 1);
    p.headh = xcalloc(d->n ? d->n : 1, sizeof *p.headh);

    /* pass 1: measure */
    cairo_surface_t *m = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
    cairo_t *mcr = cairo_create(m);
    bind(&p, mcr);
    metrics(&p);
    p.draw = 0;
    run(&p);
    p.total = p.page;

    /* pass 2: draw */
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(to_buf, out, p.W, p.H);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, d->title);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR, d->author);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_SUBJECT, d->org);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "isms");
    if (d->created[0]) {
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, d->created);
    }
    cairo_t *cr = cairo_create(s);
    bind(&p, cr);
    p.draw = 1;
    run(&p);
    cairo_surface_finish(s);
    cairo_status_t st = cairo_surface_status(s);

    cache_clear(&p);
    g_object_unref(p.scratch);
    g_object_unref(p.flow);
    g_object_unref(p.ctx);
    free(p.cache);
    free(p.seen);
    free(p.adv[0]);
    free(p.adv[1]);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    cairo_destroy(mcr);
    cairo_surface_destroy(m);
    pango_font_description_free(p.body);
    pango_font_description_free(p.bold);
    pango_font_description_free(p.small);
    pango_font_description_free(p.cell);
    pango_font_description_free(p.cellb);
    for (int i = 0; i < 3; i++) {
        pango_font_description_free(p.h[i]);
    }
    for (size_t i = 0; i < d->n; i++) {
        free(p.rowh[i]);
    }
    free(p.rowh);
    free(p.headh);
    free(p.rule);
    if (st != CAIRO_STATUS_SUCCESS) {
        return err_set(e, ERR_INTERNAL, NULL, "cannot typeset the PDF: %s",
                       cairo_status_to_string(st));
    }
    return 0;
}
