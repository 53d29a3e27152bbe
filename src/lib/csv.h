/* csv.h — a strict RFC 4180 reader (quoted fields, doubled quotes, CRLF or LF)
 * and a writer that quotes as needed and neutralises spreadsheet formulas. */
#ifndef ISMS_CSV_H
#define ISMS_CSV_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

#define CSV_MAX_FIELDS 64

/* Called once per row with its fields (NUL-terminated, valid until return).
 * Return non-zero to stop reading. */
typedef int (*csv_row_fn)(void *ctx, int row, int nf, char **fields);

/* Parses data[0..n). Errors name the row (1-based) and say what is wrong.
 * Input is untrusted. */
int csv_parse(const char *data, size_t n, csv_row_fn fn, void *ctx, struct err *e);
/* Appends one field, quoted when needed. With `neutralise`, a value starting
 * with = + - @ TAB or CR gets a leading apostrophe so spreadsheets show it as
 * text instead of running it. */
void csv_field(struct buf *b, const char *s, int neutralise);

#endif
