/* table.c — the table in memory (rows of copied text, cell colours), the CSV
 * writer and the choice of writer by format name. It must not know any report
 * or record type, and leaves XLSX to table_xlsx.c. */
#include "table_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/buf.h"
#include "../lib/csv.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "outfile.h"

#define CSV_FLUSH_AT ((size_t)64 << 10)

/* "#rrggbb" as 0xRRGGBB, or TABLE_NO_FILL for NULL or anything else. */
static int32_t parse_fill(const char *s)
{
    if (!s || s[0] != '#' || strlen(s) != 7) {
        return TABLE_NO_FILL;
    }
    int32_t v = 0;
    for (int i = 1; i < 7; i++) {
        char c = s[i];
        int d;
        if (c >= '0' && c <= '9') {
            d = c - '0';
        } else if (c >= 'a' && c <= 'f') {
            d = c - 'a' + 10;
        } else if (c >= 'A' && c <= 'F') {
            d = c - 'A' + 10;
        } else {
            return TABLE_NO_FILL;
        }
        v = v * 16 + d;
    }
    return v;
}

struct table *table_new(const char *title, const struct table_col *cols, int ncols)
{
    struct table *t = xcalloc(1, sizeof *t);
    t->title = xstrdup(title ? title : "");
    t->ncols = ncols > 0 ? ncols : 0;
    t->cols = xcalloc((size_t)t->ncols, sizeof *t->cols);
    for (int c = 0; c < t->ncols; c++) {
        t->cols[c] = cols[c];
        t->cols[c].header = xstrdup(cols[c].header ? cols[c].header : "");
    }
    return t;
}

void table_free(struct table *t)
{
    if (!t) {
        return;
    }
    for (int c = 0; c < t->ncols; c++) {
        free((char *)t->cols[c].header);
    }
    free(t->cols);
    free(t->title);
    free(t->text);
    free(t->cells);
    free(t->fills);
    free(t);
}

/* Copies s into the text area and returns its offset. */
static size_t add_text(struct table *t, const char *s)
{
    size_t n = strlen(s) + 1;
    if (n > t->text_cap - t->text_len) {
        size_t cap = t->text_cap ? t->text_cap : 4096;
        while (n > cap - t->text_len) {
            cap *= 2;
        }
        t->text = xrealloc(t->text, cap);
        t->text_cap = cap;
    }
    memcpy(t->text + t->text_len, s, n);
    size_t off = t->text_len;
    t->text_len += n;
    return off;
}

void table_row(struct table *t, const char *const *values, const char *fill)
{
    if (t->ncols == 0) {
        return;
    }
    if (t->nrows == t->cap_rows) {
        t->cap_rows = t->cap_rows ? t->cap_rows * 2 : 64;
        t->cells = xrealloc(t->cells, t->cap_rows * (size_t)t->ncols * sizeof *t->cells);
        t->fills = xrealloc(t->fills, t->cap_rows * (size_t)t->ncols * sizeof *t->fills);
    }
    int32_t colour = parse_fill(fill);
    size_t base = t->nrows * (size_t)t->ncols;
    for (int c = 0; c < t->ncols; c++) {
        t->cells[base + (size_t)c] = values[c] ? add_text(t, values[c]) : TABLE_NO_TEXT;
        t->fills[base + (size_t)c] = colour;
    }
    t->nrows++;
}

void table_cell_fill(struct table *t, int col, const char *fill)
{
    if (t->nrows == 0 || col < 0 || col >= t->ncols) {
        return;
    }
    int32_t colour = parse_fill(fill);
    if (fill && colour == TABLE_NO_FILL) {
        return;
    }
    t->fills[(t->nrows - 1) * (size_t)t->ncols + (size_t)col] = colour;
}

/* One text for table_check_text; row 0 is the header row. */
static int check_one(const struct table *t, const char *s, size_t row, int col, size_t max_chars,
                     struct err *e)
{
    const char *header = t->cols[col].header;
    char where[400];
    if (row == 0) {
        snprintf(where, sizeof where, "the header of column %d", col + 1);
    } else {
        snprintf(where, sizeof where, "row %zu, column %d (\"%s\")", row, col + 1, header);
    }
    size_t n = strlen(s);
    if (!utf8_valid(s, n)) {
        return err_set(e, ERR_INVALID, NULL, "cannot export %s: the text is not valid UTF-8",
                       where);
    }
    if (max_chars > 0 && n > max_chars && utf8_chars(s) > max_chars) {
        return err_set(e, ERR_INVALID, NULL, "cannot export %s: the text has %zu characters, "
                       "more than the %zu a spreadsheet cell holds", where, utf8_chars(s),
                       max_chars);
    }
    return 0;
}

int table_check_text(const struct table *t, size_t max_chars, struct err *e)
{
    if (t->ncols == 0) {
        return err_set(e, ERR_INTERNAL, NULL, "cannot export \"%s\": the table has no columns",
                       t->title);
    }
    for (int c = 0; c < t->ncols; c++) {
        if (check_one(t, t->cols[c].header, 0, c, max_chars, e) < 0) {
            return -1;
        }
    }
    for (size_t r = 0; r < t->nrows; r++) {
        for (int c = 0; c < t->ncols; c++) {
            const char *s = table_cell(t, r, c);
            if (s && check_one(t, s, r + 1, c, max_chars, e) < 0) {
                return -1;
            }
        }
    }
    return 0;
}

/* Appends one CSV line: the given fields, neutralised, then CRLF. */
static void csv_line(struct buf *b, const struct table *t, size_t row, int header)
{
    for (int c = 0; c < t->ncols; c++) {
        if (c > 0) {
            buf_putc(b, ',');
        }
        csv_field(b, header ? t->cols[c].header : table_cell(t, row, c), 1);
    }
    buf_puts(b, "\r\n");
}

int table_write_csv(const struct table *t, const char *path, struct err *e)
{
    if (table_check_text(t, 0, e) < 0) {
        return -1;
    }
    struct outfile o;
    if (outfile_open(&o, path, e) < 0) {
        return -1;
    }
    struct buf b;
    buf_init(&b, 0);
    csv_line(&b, t, 0, 1);
    for (size_t r = 0; r <= t->nrows; r++) {
        if (b.over) {
            buf_free(&b);
            return outfile_fail(&o, 0, "a row is larger than the CSV writer's limit", e);
        }
        if (b.len >= CSV_FLUSH_AT || r == t->nrows) {
            if (outfile_write(&o, b.p, b.len, e) < 0) {
                buf_free(&b);
                return -1;
            }
            buf_reset(&b);
        }
        if (r < t->nrows) {
            csv_line(&b, t, r, 0);
        }
    }
    buf_free(&b);
    return outfile_commit(&o, e);
}

int table_write(const struct table *t, const char *format, const char *path, struct err *e)
{
    if (format && strcasecmp_(format, "csv") == 0) {
        return table_write_csv(t, path, e);
    }
    if (format && strcasecmp_(format, "xlsx") == 0) {
        return table_write_xlsx(t, path, e);
    }
    return err_set(e, ERR_USAGE, "format", "unknown export format \"%s\": use csv or xlsx",
                   format ? format : "");
}
