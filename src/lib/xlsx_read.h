/* xlsx_read.h — reads the first worksheet of an Office Open XML workbook
 * (.xlsx) held in memory, as rows of text cells. Input is untrusted; it
 * is meant to run confined (confine.h), and bounds itself as well:
 *
 *   zip (libarchive): at most XLSX_MAX_ENTRIES entries; what is inflated in
 *     all may not exceed 100 times the file's size plus 16 MiB, nor
 *     XLSX_MAX_INFLATED (a zip bomb is refused, naming the entry);
 *   XML (expat): a document type declaration (DTD) — and with it every
 *     entity, the "billion laughs" — is refused; no external anything;
 *   cells: at most XLSX_MAX_COLS columns, XLSX_MAX_CELL bytes each; shared
 *     strings at most XLSX_MAX_STRINGS and XLSX_MAX_STRING_BYTES in all.
 *
 * Values: shared and inline strings as their text; numbers as written in
 * the file, except that a number whose cell style is a date format becomes
 * YYYY-MM-DD (the 1900 date system); booleans "yes"/"no"; formula cells give
 * their cached value as text — a formula is never read, let alone run;
 * error cells their text ("#N/A"). Empty rows are skipped; row numbers are
 * the sheet's own. */
#ifndef ISMS_XLSX_READ_H
#define ISMS_XLSX_READ_H

#include <stddef.h>

#include "err.h"

#define XLSX_MAX_ENTRIES 10000
#define XLSX_MAX_INFLATED ((size_t)512 << 20)
#define XLSX_MAX_COLS 256
#define XLSX_MAX_CELL ((size_t)1 << 20)
#define XLSX_MAX_STRINGS 1000000
#define XLSX_MAX_STRING_BYTES ((size_t)64 << 20)

/* Called per row with its cells (NUL-terminated, valid until return; empty
 * cells between others are ""); non-zero stops. */
typedef int (*xlsx_row_fn)(void *ctx, long row, int n, char **cells);

/* salt: expat's hash salt (non-zero; it would otherwise ask the system for
 * random bytes, which a confined reader may not). */
int xlsx_parse(const char *data, size_t n, unsigned long salt, xlsx_row_fn fn, void *ctx,
               struct err *e);

/* Days since 1899-12-30 (an Excel 1900-system serial, fraction dropped)
 * as YYYY-MM-DD; 0, or -1 when out of range (years 1900-9999). */
int xlsx_serial_date(double serial, char out[11]);

#endif
