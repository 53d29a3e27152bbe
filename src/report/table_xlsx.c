/* table_xlsx.c — table_write_xlsx: the only code that speaks libxlsxwriter.
 * It writes every cell as text (never a formula), in row order (constant
 * memory mode), and must not create one format per cell or know any report. */
#include "table_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "../lib/buf.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "outfile.h"

#define HEADER_FILL 0xD9E1F2 /* light blue-grey behind the header row */
#define SHEET_NAME_UNITS 31  /* Excel's limit, in UTF-16 code units */
#define CELL_MAX_CHARS 32767 /* the most text a cell holds */

/* One cell format, shared by every cell with the same look. */
struct fmt_entry {
    int32_t fill; /* 0xRRGGBB or TABLE_NO_FILL */
    unsigned char wrap, quote, header;
    lxw_format *f;
};

struct fmt_cache {
    lxw_workbook *wb;
    struct fmt_entry *v;
    size_t n, cap, last;
};

/* The format for this look, created on first request. */
static lxw_format *fmt_get(struct fmt_cache *fc, int32_t fill, int wrap, int quote, int header)
{
    if (fc->last < fc->n) {
        const struct fmt_entry *x = &fc->v[fc->last];
        if (x->fill == fill && x->wrap == wrap && x->quote == quote && x->header == header) {
            return x->f;
        }
    }
    for (size_t i = 0; i < fc->n; i++) {
        const struct fmt_entry *x = &fc->v[i];
        if (x->fill == fill && x->wrap == wrap && x->quote == quote && x->header == header) {
            fc->last = i;
            return x->f;
        }
    }
    lxw_format *f = workbook_add_format(fc->wb);
    format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
    if (wrap) {
        format_set_text_wrap(f);
    }
    if (header) {
        format_set_bold(f);
        format_set_bottom(f, LXW_BORDER_THIN);
    }
    int32_t colour = fill != TABLE_NO_FILL ? fill : header ? HEADER_FILL : TABLE_NO_FILL;
    if (colour != TABLE_NO_FILL) {
        format_set_pattern(f, LXW_PATTERN_SOLID);
        format_set_bg_color(f, (lxw_color_t)colour);
    }
    if (quote) {
        /* Text number format: Excel and LibreOffice keep what is typed into
         * the cell as text, so editing "=SUM(A1)" does not make a formula.
         * format_set_quote_prefix() came after Debian 12's libxlsxwriter
         * 1.1.4; 1.2.0 certainly has it. */
        format_set_num_format(f, "@");
#if defined(LXW_VERSION_ID) && LXW_VERSION_ID >= 120
        format_set_quote_prefix(f);
#endif
    }
    if (fc->n == fc->cap) {
        fc->cap = fc->cap ? fc->cap * 2 : 16;
        fc->v = xrealloc(fc->v, fc->cap * sizeof *fc->v);
    }
    fc->v[fc->n] = (struct fmt_entry){fill, (unsigned char)wrap, (unsigned char)quote,
                                      (unsigned char)header, f};
    fc->last = fc->n++;
    return f;
}

static lxw_format *header_format(struct fmt_cache *fc, const struct table *t, int col)
{
    return fmt_get(fc, TABLE_NO_FILL, 0, table_formula_lead(t->cols[col].header[0]), 1);
}

static lxw_format *cell_format(struct fmt_cache *fc, const struct table *t, size_t row, int col)
{
    const char *s = table_cell(t, row, col);
    return fmt_get(fc, table_fill(t, row, col), t->cols[col].wrap != 0,
                   s && table_formula_lead(s[0]), 0);
}

static int hex_digit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* True when p starts "_xHHHH_", which a spreadsheet reads as an escaped
 * character (libxlsxwriter writes control characters that way). */
static int looks_escaped(const char *p)
{
    return p[0] == '_' && p[1] == 'x' && hex_digit(p[2]) && hex_digit(p[3]) &&
           hex_digit(p[4]) && hex_digit(p[5]) && p[6] == '_';
}

/* s as libxlsxwriter must receive it so the cell shows s exactly: a literal
 * "_xHHHH_" gets its underscore escaped as "_x005F_" (libxlsxwriter 1.1.4
 * does not). Returns s itself when nothing needs escaping. */
static const char *cell_text(const char *s, struct buf *scratch)
{
    const char *p = strstr(s, "_x");
    const char *from = s;
    int escaped = 0;
    for (; p; p = strstr(p + 1, "_x")) {
        if (!looks_escaped(p)) {
            continue;
        }
        if (!escaped) {
            buf_reset(scratch);
            escaped = 1;
        }
        buf_append(scratch, from, (size_t)(p - from));
        buf_puts(scratch, "_x005F_");
        from = p + 1;
    }
    if (!escaped) {
        return s;
    }
    buf_puts(scratch, from);
    return buf_str(scratch);
}

/* Length in bytes (1-4) of the well-formed UTF-8 sequence at p, 0 if none.
 * utf8_valid stops at the first bad byte, so it never reads past a NUL. */
static size_t utf8_seq(const unsigned char *p)
{
    size_t len = p[0] < 0x80 ? 1 : p[0] < 0xe0 ? 2 : p[0] < 0xf0 ? 3 : 4;
    return utf8_valid((const char *)p, len) ? len : 0;
}

/* A sheet name from title: at most 31 UTF-16 units, [ ] become ( ), : * ? / \
 * become -, control characters and broken UTF-8 are dropped, no apostrophe at
 * either end; "Sheet1" when nothing is left. out holds at least 128 bytes. */
static void sheet_name(const char *title, char *out, size_t size)
{
    const unsigned char *p = (const unsigned char *)title;
    size_t o = 0;
    int units = 0;
    while (*p == '\'') {
        p++;
    }
    while (*p) {
        size_t len = utf8_seq(p);
        if (len == 0 || (len == 1 && (*p < 0x20 || *p == 0x7f))) {
            p++;
            continue;
        }
        int u = len == 4 ? 2 : 1;
        if (units + u > SHEET_NAME_UNITS || o + len >= size) {
            break;
        }
        if (len == 1 && strchr("[]:*?/\\", *p)) {
            out[o++] = *p == '[' ? '(' : *p == ']' ? ')' : '-';
        } else {
            memcpy(out + o, p, len);
            o += len;
        }
        units += u;
        p += len;
    }
    while (o > 0 && out[o - 1] == '\'') {
        o--;
    }
    out[o] = '\0';
    if (o == 0) {
        strlcpy_(out, "Sheet1", size);
    }
}

/* Writes the sheet. On a libxlsxwriter error returns it with the cell in
 * *bad_row (0 = header row) and *bad_col. */
static lxw_error write_sheet(lxw_worksheet *ws, const struct table *t, struct fmt_cache *fc,
                             struct buf *scratch, size_t *bad_row, int *bad_col)
{
    lxw_error rc;
    /* Every format exists before the first cell is written. */
    for (int c = 0; c < t->ncols; c++) {
        header_format(fc, t, c);
    }
    for (size_t r = 0; r < t->nrows; r++) {
        for (int c = 0; c < t->ncols; c++) {
            cell_format(fc, t, r, c);
        }
    }
    lxw_row_t last_row = (lxw_row_t)t->nrows;
    lxw_col_t last_col = (lxw_col_t)(t->ncols - 1);
    for (int c = 0; c < t->ncols; c++) {
        if (t->cols[c].width > 0) {
            rc = worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, t->cols[c].width, NULL);
            if (rc != LXW_NO_ERROR) {
                *bad_col = c;
                return rc;
            }
        }
    }
    worksheet_freeze_panes(ws, 1, 0);
    rc = worksheet_autofilter(ws, 0, 0, last_row, last_col);
    if (rc != LXW_NO_ERROR) {
        return rc;
    }
    char range[LXW_MAX_CELL_RANGE_LENGTH];
    lxw_rowcol_to_range(range, 0, 0, last_row, last_col);
    rc = worksheet_ignore_errors(ws, LXW_IGNORE_NUMBER_STORED_AS_TEXT, range);
    if (rc != LXW_NO_ERROR) {
        return rc;
    }
    for (int c = 0; c < t->ncols; c++) {
        rc = worksheet_write_string(ws, 0, (lxw_col_t)c, cell_text(t->cols[c].header, scratch),
                                    header_format(fc, t, c));
        if (rc != LXW_NO_ERROR) {
            *bad_col = c;
            return rc;
        }
    }
    for (size_t r = 0; r < t->nrows; r++) {
        for (int c = 0; c < t->ncols; c++) {
            const char *s = table_cell(t, r, c);
            if (!s || !s[0]) {
                if (table_fill(t, r, c) == TABLE_NO_FILL) {
                    continue;
                }
                rc = worksheet_write_blank(ws, (lxw_row_t)(r + 1), (lxw_col_t)c,
                                           cell_format(fc, t, r, c));
            } else {
                rc = worksheet_write_string(ws, (lxw_row_t)(r + 1), (lxw_col_t)c,
                                            cell_text(s, scratch), cell_format(fc, t, r, c));
            }
            if (rc != LXW_NO_ERROR) {
                *bad_row = r + 1;
                *bad_col = c;
                return rc;
            }
        }
    }
    return LXW_NO_ERROR;
}

int table_write_xlsx(const struct table *t, const char *path, struct err *e)
{
    if (table_check_text(t, CELL_MAX_CHARS, e) < 0) {
        return -1;
    }
    if (t->ncols > LXW_COL_MAX) {
        return err_set(e, ERR_INVALID, NULL, "cannot export %d columns: a sheet holds %d",
                       t->ncols, LXW_COL_MAX);
    }
    if (t->nrows > LXW_ROW_MAX - 1) {
        return err_set(e, ERR_INVALID, NULL, "cannot export %zu rows: a sheet holds %d below "
                       "its header row; use CSV", t->nrows, LXW_ROW_MAX - 1);
    }
    struct outfile o;
    if (outfile_open(&o, path, e) < 0) {
        return -1;
    }
    /* libxlsxwriter reopens the temporary file by name and replaces its
     * contents; o.fd stays on the same file for the fsync in outfile_commit. */
    lxw_workbook_options opt;
    memset(&opt, 0, sizeof opt);
    opt.constant_memory = LXW_TRUE;
    lxw_workbook *wb = workbook_new_opt(o.tmp, &opt);
    if (!wb) {
        return outfile_fail(&o, 0, "the XLSX library could not start", e);
    }
    char name[128];
    sheet_name(t->title, name, sizeof name);
    lxw_worksheet *ws = workbook_add_worksheet(wb, name);
    struct fmt_cache fc = {.wb = wb};
    struct buf scratch;
    buf_init(&scratch, 0);
    lxw_error rc = LXW_NO_ERROR;
    size_t bad_row = 0;
    int bad_col = 0;
    if (ws) {
        rc = write_sheet(ws, t, &fc, &scratch, &bad_row, &bad_col);
    }
    lxw_error close_rc = workbook_close(wb); /* frees wb and its formats, even after an error */
    free(fc.v);
    buf_free(&scratch);
    if (!ws) {
        return outfile_fail(&o, 0, "the XLSX library could not create a worksheet (is the "
                            "temporary directory writable?)", e);
    }
    if (rc != LXW_NO_ERROR) {
        char why[512];
        if (bad_row == 0) {
            snprintf(why, sizeof why, "header of column %d: %s", bad_col + 1, lxw_strerror(rc));
        } else {
            snprintf(why, sizeof why, "row %zu, column %d: %s", bad_row, bad_col + 1,
                     lxw_strerror(rc));
        }
        return outfile_fail(&o, 0, why, e);
    }
    if (close_rc != LXW_NO_ERROR) {
        return outfile_fail(&o, 0, lxw_strerror(close_rc), e);
    }
    return outfile_commit(&o, e);
}
