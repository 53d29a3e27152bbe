/* import.h — bulk import of records of any type from CSV or XLSX
 * (`isms TYPE import`, the page /PLURAL/import, the default threat and
 * vulnerability catalogue of `isms init`).
 *
 * Two steps. import_read parses the file in a confined child (confine.h:
 * no database, no files, no network; rlimits and seccomp) that streams the
 * rows back as frames the parent checks (import_table). app_import maps the
 * columns to fields, resolves references given by name, validates every
 * row through the create/update path itself (app_add_tx / app_edit_tx,
 * the very rules `TYPE add` applies) collecting EVERY problem (row,
 * column, value, message), and writes all rows with their history entries
 * in one transaction — or nothing when any row has a problem (or with
 * dry_run). */
#ifndef ISMS_IMPORT_H
#define ISMS_IMPORT_H

#include <stdint.h>

#include "app.h"

#define IMPORT_MAX_INPUT ((size_t)64 << 20) /* bytes of a CSV or XLSX file */
#define IMPORT_MAX_ROWS 1000000
#define IMPORT_MAX_COLS 256

/* The rows as the reader answered them: rows[0] is the header. line is
 * the row's number in the file (CSV: its record number, the header 1;
 * XLSX: the sheet's row number). Cells are NUL-free text (not yet checked
 * as UTF-8: validation does that). */
struct import_row {
    long line;
    int n;
    char **cells;
};
struct import_table {
    struct import_row *rows;
    size_t n, cap;
};
void import_table_free(struct import_table *t);

/* The payload of a row frame (the child's answer; confine.h frames it):
 * line (u32), n (u32), then n times length (u32) and bytes, little endian.
 * import_frame_row is the parent's check: 0 with *r filled (caller frees
 * its cells) only when every length fits exactly, n <= IMPORT_MAX_COLS
 * and no cell holds a NUL; -1 otherwise. */
void import_frame_encode(struct buf *b, long line, int n, char **cells);
int import_frame_row(const char *p, size_t len, struct import_row *r);

/* Progress of a long import: phase "read", "check" or "write"; called
 * every few thousand rows (total 0 when not known yet). */
typedef void (*import_progress_fn)(void *ctx, const char *phase, size_t done, size_t total);

/* Reads len bytes at offset off of fd as XLSX (name ends in .xlsx, or the
 * content is a zip) or CSV (UTF-8, RFC 4180; a byte order mark is
 * skipped), in the confined child. Refuses (ERR_INVALID / ERR_TOOBIG, with
 * the reader's message) a malformed or hostile file: fields over 1 MiB,
 * more than IMPORT_MAX_COLS columns or IMPORT_MAX_ROWS rows, zip and XML
 * bombs (xlsx_read.h), anything that makes the child exceed its CPU or
 * memory limit. */
int import_read(int fd, int64_t off, int64_t len, const char *name, import_progress_fn progress,
                void *pctx, struct import_table *out, struct err *e);
/* The same for bytes in memory (the embedded catalogues): through a
 * memory file, the same child. */
int import_read_mem(const char *data, size_t n, const char *name, struct import_table *out,
                    struct err *e);

/* A column given a field by hand: column is a header (compared like the
 * automatic mapping) or a column letter (A, B, ... AA); field a field
 * name, or "-" (or "") to leave the column out. */
struct import_map {
    const char *column;
    const char *field;
};

struct import_opts {
    const struct import_map *map;
    int nmap;
    const char *update_by; /* field (or "id") that finds the record to update; NULL: create */
    int dry_run;
    import_progress_fn progress;
    void *pctx;
};

/* One problem: row (0 for the file as a whole), the column's header ("" if
 * none), the value as given (cut to 200 bytes), and what is wrong. */
struct import_problem {
    long row;
    char *column, *value, *message;
};

struct import_result {
    int ncols;
    char **header;     /* the header of each column */
    int *field;        /* each column's field index in the type, -1 left out, -2 the id */
    char **how;        /* how it was mapped: "header", "label", "--map", "left out", ... */
    size_t rows;       /* data rows read (empty rows skipped) */
    size_t created, updated, unchanged;
    struct import_problem *v; /* every problem, in row order */
    size_t n, cap;
    int rows_with_problems;
};
void import_result_free(struct import_result *r);

/* Maps the columns only (the preview): res->header/field/how, and problems
 * of the mapping (unknown columns, a field given twice, a required field
 * with no column). 0 when the mapping has no problem. */
int app_import_map(const struct rtype *t, const struct import_table *tab,
                   const struct import_opts *o, struct import_result *res, struct err *e);
/* Imports the rows of tab as records of t, as described above. 0 when
 * every row was written (or, with dry_run, would be); -1 with ERR_INVALID
 * ("N problems in M rows; nothing was written") and every problem in res;
 * other errors (storage) in e. */
int app_import(struct app *a, const struct rtype *t, const struct import_table *tab,
               const struct import_opts *o, struct import_result *res, struct err *e);
/* The same inside the caller's transaction (nothing is rolled back here:
 * the caller rolls back on -1). */
int app_import_tx(struct app *a, const struct rtype *t, const struct import_table *tab,
                  const struct import_opts *o, struct import_result *res, struct err *e);

/* The result as one JSON object: type, ok, dry_run, rows, created,
 * updated, unchanged, columns [{header, field, how}], problems [{row,
 * column, value, message}]. */
void import_result_json(const struct rtype *t, const struct import_result *r, int ok, int dry_run,
                        struct buf *out);

/* The default threat and vulnerability catalogue (data/threats.csv,
 * data/vulnerabilities.csv) imported into a new ISMS, inside the caller's
 * transaction (app_create). */
int app_install_threats(struct app *a, struct err *e);

#endif
