/* rdoc.h — the one document model every printable report is built as
 * (headings, paragraphs, key-value blocks, tables with column widths and a
 * header row repeated on every page, the heat map and trend charts), and
 * its two writers: PDF typeset through cairo + pango (pdf.c) and printable
 * HTML (rdoc.c, escaped through html.h, with print CSS). Reports fill a
 * document from typed structs (reports.c); no domain words here. */
#ifndef ISMS_REPORT_RDOC_H
#define ISMS_REPORT_RDOC_H

#include <stddef.h>

#include "../lib/buf.h"
#include "../lib/err.h"

enum rblock_kind { RB_HEADING, RB_PARA, RB_KV, RB_TABLE, RB_HEATMAP, RB_TREND };

struct rtable {
    int ncols;
    char **headers;  /* ncols */
    double *widths;  /* ncols relative widths (any positive unit) */
    char **cells;    /* nrows * ncols, NULL = empty */
    char **fills;    /* nrows * ncols "#rrggbb" or NULL; allocated on first fill */
    size_t nrows, cap;
};

struct rheat {
    int nl, nc;          /* likelihood rows, consequence columns (<= 10) */
    long count[10][10];  /* [l-1][c-1] */
    char colour[10][10][8]; /* "#rrggbb" or "" */
    char *xlabel, *ylabel;
};

struct rtrend {
    char *unit;
    size_t n;
    char **dates;   /* YYYY-MM-DD, oldest first */
    double *values;
    int has_target;
    double target;
};

struct rblock {
    enum rblock_kind kind;
    int level;       /* heading level 1-3 */
    char *text;      /* heading, paragraph, chart title */
    char **kv;       /* RB_KV: 2*nkv strings (key, value) */
    size_t nkv;
    struct rtable *table;
    struct rheat *heat;
    struct rtrend *trend;
};

struct rdoc {
    char *org, *title, *version, *classification, *author, *created; /* created: ISO 8601 */
    int landscape;
    struct rblock *b;
    size_t n, cap;
};

/* All strings are copied; NULL allowed where a value may be empty. */
void rdoc_init(struct rdoc *d, const char *org, const char *title, const char *version,
               const char *classification, const char *author);
void rdoc_free(struct rdoc *d);
void rdoc_heading(struct rdoc *d, int level, const char *text);
void rdoc_para(struct rdoc *d, const char *text);
/* A key-value block; add pairs with rdoc_kv_add to the last block. */
void rdoc_kv(struct rdoc *d);
void rdoc_kv_add(struct rdoc *d, const char *key, const char *value);
/* A table; headers and widths copied. Rows appended with rdoc_row. */
struct rtable *rdoc_table(struct rdoc *d, const char *const *headers, const double *widths,
                          int ncols);
void rdoc_row(struct rtable *t, const char *const *values);
/* Colours one cell of the last row ("#rrggbb"; anything else ignored). */
void rdoc_fill(struct rtable *t, int col, const char *fill);
struct rheat *rdoc_heat(struct rdoc *d, const char *title, const char *xlabel,
                        const char *ylabel, int nl, int nc);
struct rtrend *rdoc_trend(struct rdoc *d, const char *title, const char *unit);
void rdoc_trend_add(struct rtrend *t, const char *date, double value);

/* Writes the document as PDF (A4, page header and footer with "Page N of
 * M", metadata title/author/creation date) to out. -1 with ERR_INTERNAL
 * when cairo fails. */
int rdoc_pdf(const struct rdoc *d, struct buf *out, struct err *e);
/* Writes the document as one printable HTML page (escaped; print CSS
 * repeats table headers on every printed page). */
void rdoc_html(const struct rdoc *d, struct buf *out);

#endif
