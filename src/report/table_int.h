/* table_int.h — the table's representation, shared by the writers in
 * src/report/ only. Reports use table.h and never look inside. */
#ifndef ISMS_REPORT_TABLE_INT_H
#define ISMS_REPORT_TABLE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "table.h"

#define TABLE_NO_TEXT SIZE_MAX /* cell offset of a NULL value */
#define TABLE_NO_FILL (-1)     /* cell without a colour */

struct table {
    char *title;
    struct table_col *cols; /* headers are heap copies */
    int ncols;
    char *text;             /* every cell's text, NUL-terminated, back to back */
    size_t text_len, text_cap;
    size_t *cells;          /* nrows * ncols offsets into text, or TABLE_NO_TEXT */
    int32_t *fills;         /* nrows * ncols colours 0xRRGGBB, or TABLE_NO_FILL */
    size_t nrows, cap_rows;
};

/* The text of a cell (row 0 is the first data row), or NULL. */
static inline const char *table_cell(const struct table *t, size_t row, int col)
{
    size_t off = t->cells[row * (size_t)t->ncols + (size_t)col];
    return off == TABLE_NO_TEXT ? NULL : t->text + off;
}

/* The colour of a cell as 0xRRGGBB, or TABLE_NO_FILL. */
static inline int32_t table_fill(const struct table *t, size_t row, int col)
{
    return t->fills[row * (size_t)t->ncols + (size_t)col];
}

/* Checks every header and cell before a writer creates anything: valid UTF-8
 * and, when max_chars > 0, at most max_chars characters. Returns 0, or -1 with
 * ERR_INVALID naming the row (1 = first data row) and the column header. */
int table_check_text(const struct table *t, size_t max_chars, struct err *e);

/* True when a spreadsheet would take text starting with c for a formula
 * (= + - @ TAB CR), the same set csv_field neutralises. */
static inline int table_formula_lead(char c)
{
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

#endif
