/* table.h — the one export layer every report uses: a report fills a table
 * (title, columns, rows of text, optional cell colours) and writes it as CSV or
 * XLSX. No report writes its own CSV or XLSX code. No domain words here. */
#ifndef ISMS_REPORT_TABLE_H
#define ISMS_REPORT_TABLE_H

#include "../lib/err.h"

struct table_col {
    const char *header;
    double width; /* XLSX column width in characters; 0 or less keeps the default */
    int wrap;     /* XLSX: wrap the text of this column's data cells */
};

struct table; /* opaque */

/* Returns a new empty table; never NULL (out of memory aborts). title names
 * the XLSX sheet (cleaned to what a sheet name allows); the column headers are
 * copied, so cols may be freed after the call. ncols must be at least 1 (a
 * table without columns is refused when written, with ERR_INTERNAL). */
struct table *table_new(const char *title, const struct table_col *cols, int ncols);
/* Frees the table and everything it copied. NULL is allowed. */
void table_free(struct table *t);
/* Appends a row of ncols values; values[i] may be NULL (empty cell). The
 * strings are copied. fill is "#rrggbb", the background of the whole row in
 * XLSX, or NULL; anything else is ignored (no colour). */
void table_row(struct table *t, const char *const *values, const char *fill);
/* Colours one cell of the last row ("#rrggbb"), overriding the row's fill;
 * NULL removes its colour. Ignored when there is no row, col is out of range
 * or fill is not "#rrggbb". */
void table_cell_fill(struct table *t, int col, const char *fill);
/* Writes CSV (RFC 4180: a header row, CRLF line ends, UTF-8 without a byte
 * order mark; every cell, headers included, neutralised against formula
 * injection with csv_field(..., 1)). The file at path is replaced whole or not
 * at all. Returns 0, or -1 with e set: ERR_STORAGE when the file cannot be
 * written, ERR_INVALID naming row and column for text that is not UTF-8. */
int table_write_csv(const struct table *t, const char *path, struct err *e);
/* Writes XLSX: one sheet, bold header row with a light fill and a bottom
 * border, frozen header, autofilter over the data, column widths and text
 * wrapping from the columns, fills from table_row/table_cell_fill. Every cell
 * is a text cell, never a formula; cells starting with = + - @ TAB or CR are
 * formatted as Text (and quote-prefixed where libxlsxwriter supports it) so a
 * spreadsheet keeps them text after editing. The file at path is replaced
 * whole or not at all. Returns 0, or -1 with e set: ERR_STORAGE when the file
 * cannot be written, ERR_INVALID naming row and column for text that is not
 * UTF-8 or longer than a cell holds (32,767 characters), or for more rows or
 * columns than a sheet holds. */
int table_write_xlsx(const struct table *t, const char *path, struct err *e);
/* Writes with the writer named by format, "csv" or "xlsx" (any case). Returns
 * what that writer returns, or -1 with ERR_USAGE naming the allowed formats. */
int table_write(const struct table *t, const char *format, const char *path, struct err *e);

#endif
