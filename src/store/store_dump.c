/* store_dump.c — the SQL of the whole-ISMS export and import (export_all.c):
 * every table of the file, its columns in declaration order and its rows in
 * key order, as typed values; and the inverse, rows inserted as they were
 * into a new file inside one transaction (foreign keys checked at commit).
 * Table and column names come from the file's own schema (sqlite_master,
 * PRAGMA table_info) and are checked against it before use in SQL text;
 * every value is bound. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/buf.h"
#include "../lib/util.h"
#include "store_int.h"

/* An identifier we put in SQL text: [a-z0-9_] only (every table and column
 * of the schema is so); anything else is refused before it is quoted. */
static int ident_ok(const char *s)
{
    if (!s || !*s || strlen(s) > 63) {
        return 0;
    }
    for (const char *p = s; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')) {
            return 0;
        }
    }
    return 1;
}

void store_dump_names_free(char **v, int n)
{
    for (int i = 0; i < n; i++) {
        free(v[i]);
    }
    free(v);
}

static void push(char ***v, int *n, const char *s)
{
    *v = xrealloc(*v, (size_t)(*n + 1) * sizeof **v);
    (*v)[(*n)++] = xstrdup(s);
}

int store_dump_tables(struct store *s, char ***names, int *n, struct err *e)
{
    *names = NULL;
    *n = 0;
    /* PostgreSQL: isms_meta is its header and isms_change its data
     * version, not data (SQLite keeps both in the file's header) */
    struct dbst *st = store_prepare(
        s,
        DB_IS_PG(s->db)
            ? "SELECT tablename::text FROM pg_catalog.pg_tables WHERE schemaname = "
              "current_schema() AND tablename NOT IN ('isms_meta', 'isms_change') "
              "ORDER BY tablename COLLATE \"C\""
            : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
              "ESCAPE '\\' ORDER BY name",
        e);
    if (!st) {
        return -1;
    }
    int rc;
    while ((rc = store_step(s, st, e)) == DB_ROW) {
        const char *name = store_col(st, 0);
        if (!ident_ok(name)) {
            db_reset(st);
            store_dump_names_free(*names, *n);
            *names = NULL;
            *n = 0;
            return err_set(e, ERR_STORAGE, NULL, "the file has a table with an unexpected name");
        }
        push(names, n, name);
    }
    db_reset(st);
    if (rc < 0) {
        store_dump_names_free(*names, *n);
        *names = NULL;
        *n = 0;
        return -1;
    }
    return 0;
}

int store_dump_columns(struct store *s, const char *table, char ***cols, int *n, int *pk_only,
                       struct err *e)
{
    *cols = NULL;
    *n = 0;
    if (!ident_ok(table)) {
        return err_set(e, ERR_INVALID, "table", "\"%.60s\" is not a table name", table);
    }
    char sql[640];
    if (DB_IS_PG(s->db)) {
        /* the columns SQLite has, in its order and with its key flag
         * (column 5); the generated rowid is PostgreSQL's alone */
        snprintf(sql, sizeof sql,
                 "SELECT c.ordinal_position, c.column_name::text, '', 0, NULL, "
                 "(SELECT count(*) FROM information_schema.key_column_usage k JOIN "
                 "information_schema.table_constraints t ON t.constraint_name = "
                 "k.constraint_name AND t.table_schema = k.table_schema WHERE t.constraint_type "
                 "= 'PRIMARY KEY' AND k.table_schema = c.table_schema AND k.table_name = "
                 "c.table_name AND k.column_name = c.column_name) FROM information_schema.columns "
                 "c WHERE c.table_schema = current_schema() AND c.table_name = '%s' AND "
                 "c.column_name <> 'rowid' ORDER BY c.ordinal_position",
                 table);
    } else {
        snprintf(sql, sizeof sql, "PRAGMA table_info(\"%s\")", table);
    }
    struct dbst *st = NULL;
    if (db_prepare(s->db, sql, &st) != DB_OK) {
        return store_sqlerr(s, e, "reading a table's columns");
    }
    int rc, npk = 0;
    while ((rc = db_step(st)) == DB_ROW) {
        const char *c = (const char *)db_col_text(st, 1);
        if (!ident_ok(c)) {
            db_finalize(st);
            store_dump_names_free(*cols, *n);
            *cols = NULL;
            *n = 0;
            return err_set(e, ERR_STORAGE, NULL, "table %s has a column with an unexpected name",
                           table);
        }
        npk += db_col_int(st, 5) > 0;
        push(cols, n, c);
    }
    db_finalize(st);
    if (rc != DB_DONE) {
        store_dump_names_free(*cols, *n);
        *cols = NULL;
        *n = 0;
        return store_sqlerr(s, e, "reading a table's columns");
    }
    if (*n == 0) {
        return err_set(e, ERR_INVALID, "table", "the ISMS has no table \"%s\"", table);
    }
    if (pk_only) {
        *pk_only = npk;
    }
    return 0;
}

/* ORDER BY for a table: its rowid, or for a WITHOUT ROWID table every
 * column (its key is among them, so the order is total). */
static void order_by(struct store *s, const char *table, char **cols, int n, struct buf *b)
{
    /* PostgreSQL: every table has its rowid column but SQLite's WITHOUT
     * ROWID ones, which are ordered by every column, as on SQLite */
    const char *sql =
        DB_IS_PG(s->db)
            ? "SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE "
              "table_schema = current_schema() AND table_name = ? AND column_name = 'rowid')"
            : "SELECT 1 FROM sqlite_master WHERE name = ? AND sql LIKE '%WITHOUT ROWID%'";
    struct dbst *st = NULL;
    int without = 0;
    if (db_prepare(s->db, sql, &st) == DB_OK) {
        db_bind_text(st, 1, table, -1);
        without = db_step(st) == DB_ROW;
    }
    db_finalize(st);
    buf_puts(b, " ORDER BY ");
    if (!without) {
        buf_puts(b, "rowid");
        return;
    }
    for (int i = 0; i < n; i++) {
        buf_printf(b, "%s\"%s\"", i ? ", " : "", cols[i]);
    }
}

int store_dump_rows(struct store *s, const char *table, char **cols, int n,
                    store_dump_row_fn fn, void *ctx, struct err *e)
{
    if (!ident_ok(table) || n <= 0 || n > 256) {
        return err_set(e, ERR_INVALID, "table", "bad table for the export");
    }
    struct buf b;
    buf_init(&b, 1 << 20);
    buf_puts(&b, "SELECT ");
    for (int i = 0; i < n; i++) {
        if (!ident_ok(cols[i])) {
            buf_free(&b);
            return err_set(e, ERR_INVALID, "column", "bad column for the export");
        }
        buf_printf(&b, "%s\"%s\"", i ? ", " : "", cols[i]);
    }
    buf_printf(&b, " FROM \"%s\"", table);
    order_by(s, table, cols, n, &b);
    struct dbst *st = NULL;
    if (db_prepare(s->db, buf_str(&b), &st) != DB_OK) {
        buf_free(&b);
        return store_sqlerr(s, e, "reading a table for the export");
    }
    buf_free(&b);
    struct dump_val *v = xcalloc((size_t)n, sizeof *v);
    int rc, out = 0;
    while ((rc = db_step(st)) == DB_ROW) {
        for (int i = 0; i < n; i++) {
            v[i].kind = db_col_type(st, i);
            switch (v[i].kind) {
            case DB_INTEGER:
                v[i].i = db_col_int64(st, i);
                break;
            case DB_FLOAT:
                v[i].d = db_col_double(st, i);
                break;
            case DB_TEXT:
                v[i].p = db_col_text(st, i);
                v[i].n = (size_t)db_col_bytes(st, i);
                break;
            case DB_BLOB:
                v[i].p = db_col_blob(st, i);
                v[i].n = (size_t)db_col_bytes(st, i);
                break;
            default:
                v[i].kind = DB_NULL;
            }
        }
        if (fn(ctx, v, e)) {
            out = -1;
            break;
        }
    }
    if (!out && rc != DB_DONE) {
        out = store_sqlerr(s, e, "reading a table for the export");
    }
    db_finalize(st);
    free(v);
    return out;
}

int store_dump_blob(struct store *s, const char *sha256, store_dump_chunk_fn fn, void *ctx,
                    struct err *e)
{
    if (DB_IS_PG(s->db)) {
        struct store_blob *b = NULL;
        if (store_blob_open(s, sha256, 0, &b, e)) {
            return -1;
        }
        int64_t size = store_blob_length(b);
        char chunk[65536];
        int out = 0;
        for (int64_t off = 0; !out && off < size;) {
            size_t k = size - off < (int64_t)sizeof chunk ? (size_t)(size - off) : sizeof chunk;
            out = store_blob_read(b, chunk, k, off, e) || fn(ctx, chunk, k, e) ? -1 : 0;
            off += (int64_t)k;
        }
        store_blob_close(b);
        return out;
    }
    struct dbst *st = store_prepare(s, "SELECT rowid FROM blob WHERE sha256 = ?", e);
    if (!st) {
        return -1;
    }
    db_bind_text(st, 1, sha256, -1);
    int rc = store_step(s, st, e);
    long long rowid = rc == DB_ROW ? db_col_int64(st, 0) : 0;
    db_reset(st);
    if (rc != DB_ROW) {
        return rc < 0 ? -1 : err_set(e, ERR_NOTFOUND, NULL, "no stored content %s", sha256);
    }
    sqlite3_blob *bl = NULL;
    if (sqlite3_blob_open(s->db->lite, "main", "blob", "data", rowid, 0, &bl) != SQLITE_OK) {
        return store_sqlerr(s, e, "reading stored content");
    }
    int size = sqlite3_blob_bytes(bl);
    char chunk[65536];
    int out = 0;
    for (int off = 0; off < size;) {
        int k = size - off < (int)sizeof chunk ? size - off : (int)sizeof chunk;
        if (sqlite3_blob_read(bl, chunk, k, off) != SQLITE_OK) {
            out = store_sqlerr(s, e, "reading stored content");
            break;
        }
        if (fn(ctx, chunk, (size_t)k, e)) {
            out = -1;
            break;
        }
        off += k;
    }
    sqlite3_blob_close(bl);
    return out;
}

/* ---- import ------------------------------------------------------------- */

int store_load_begin(struct store *s, struct err *e)
{
    if (store_begin(s, e)) {
        return -1;
    }
    /* rows arrive table by table: references are checked at COMMIT */
    if (store_exec(s, DB_IS_PG(s->db) ? "SET CONSTRAINTS ALL DEFERRED"
                                      : "PRAGMA defer_foreign_keys = ON",
                   e)) {
        store_rollback(s);
        return -1;
    }
    return 0;
}

int store_load_end(struct store *s, struct err *e)
{
    if (!DB_IS_PG(s->db)) {
        return 0; /* SQLite numbers new rows after the largest rowid */
    }
    /* PostgreSQL numbers them from a sequence, which rows inserted with
     * their own keys did not move: each goes on after its column's largest */
    struct dbst *st = NULL;
    if (db_prepare(s->db,
                   "SELECT table_name::text, column_name::text FROM information_schema.columns "
                   "WHERE table_schema = current_schema() AND is_identity = 'YES' ORDER BY 1",
                   &st) != DB_OK) {
        return store_sqlerr(s, e, "numbering the imported rows");
    }
    struct buf q;
    buf_init(&q, 0);
    int rc, out = 0;
    while (!out && (rc = db_step(st)) == DB_ROW) {
        const char *t = store_col(st, 0), *c = store_col(st, 1);
        if (!ident_ok(t) || !ident_ok(c)) {
            continue;
        }
        buf_reset(&q);
        buf_printf(&q, "SELECT setval(pg_get_serial_sequence('%s', '%s'), "
                       "coalesce((SELECT max(%s) FROM %s), 0) + 1, false)", t, c, c, t);
        out = store_exec(s, buf_str(&q), e);
    }
    db_finalize(st);
    buf_free(&q);
    return out;
}

int store_load_clear(struct store *s, const char *table, struct err *e)
{
    if (!ident_ok(table)) {
        return err_set(e, ERR_INVALID, "table", "bad table name");
    }
    char sql[128];
    snprintf(sql, sizeof sql, "DELETE FROM \"%s\"", table);
    return store_exec(s, sql, e);
}

int store_load_row(struct store *s, const char *table, char **cols, int n,
                   const struct dump_val *v, struct err *e)
{
    if (!ident_ok(table) || n <= 0 || n > 256) {
        return err_set(e, ERR_INVALID, "table", "bad table for the import");
    }
    struct buf b;
    buf_init(&b, 1 << 20);
    buf_printf(&b, "INSERT INTO \"%s\" (", table);
    for (int i = 0; i < n; i++) {
        if (!ident_ok(cols[i])) {
            buf_free(&b);
            return err_set(e, ERR_INVALID, "columns", "\"%.60s\" is not a column name", cols[i]);
        }
        buf_printf(&b, "%s\"%s\"", i ? ", " : "", cols[i]);
    }
    buf_puts(&b, ") VALUES (");
    for (int i = 0; i < n; i++) {
        buf_puts(&b, i ? ", ?" : "?");
    }
    buf_puts(&b, ")");
    struct dbst *st = store_prepare(s, buf_str(&b), e); /* cached: one per table */
    buf_free(&b);
    if (!st) {
        return -1;
    }
    for (int i = 0; i < n; i++) {
        switch (v[i].kind) {
        case DB_INTEGER:
            db_bind_int64(st, i + 1, v[i].i);
            break;
        case DB_FLOAT:
            db_bind_double(st, i + 1, v[i].d);
            break;
        case DB_TEXT:
            db_bind_text(st, i + 1, v[i].p, (int)v[i].n);
            break;
        case DB_BLOB:
            db_bind_blob(st, i + 1, v[i].p, (int)v[i].n);
            break;
        default:
            db_bind_null(st, i + 1);
        }
    }
    int rc = db_step(st);
    db_reset(st);
    db_clear_bindings(st);
    if (rc != DB_DONE) {
        return err_set(e, ERR_INVALID, table, "a row of table %s cannot be stored: %s", table,
                       db_errmsg(s->db));
    }
    return 0;
}

/* store_blob_put's fill from an import's reader: exactly n bytes */
struct load_fill {
    store_load_chunk_fn fn;
    void *ctx;
    const char *sha256;
};

static int load_fill(void *ctx, void *buf, size_t n, int64_t off, struct err *e)
{
    (void)off;
    struct load_fill *lf = ctx;
    for (size_t got = 0; got < n;) {
        long k = lf->fn(lf->ctx, (char *)buf + got, n - got, e);
        if (k <= 0) {
            return k < 0 ? -1
                         : err_set(e, ERR_INVALID, "blob", "content %s is shorter than its size",
                                   lf->sha256);
        }
        got += (size_t)k;
    }
    return 0;
}

int store_load_blob(struct store *s, const char *sha256, int64_t size, store_load_chunk_fn fn,
                    void *ctx, struct err *e)
{
    if (size < 0 || size > 0x7fffffff) {
        return err_set(e, ERR_INVALID, "size", "a stored content's size is out of range");
    }
    if (DB_IS_PG(s->db)) {
        struct load_fill lf = {fn, ctx, sha256};
        return store_blob_put(s, sha256, size, 0, load_fill, &lf, e);
    }
    struct dbst *st = store_prepare(s, "INSERT INTO blob (sha256, size, data) VALUES (?, ?, zeroblob(?))", e);
    if (!st) {
        return -1;
    }
    db_bind_text(st, 1, sha256, -1);
    db_bind_int64(st, 2, size);
    db_bind_int64(st, 3, size);
    int rc = db_step(st);
    db_reset(st);
    if (rc != DB_DONE) {
        return err_set(e, ERR_INVALID, "blob", "content %s cannot be stored: %s", sha256,
                       db_errmsg(s->db));
    }
    long long rowid = db_last_id(s->db);
    sqlite3_blob *bl = NULL;
    if (sqlite3_blob_open(s->db->lite, "main", "blob", "data", rowid, 1, &bl) != SQLITE_OK) {
        return store_sqlerr(s, e, "writing stored content");
    }
    char chunk[65536];
    int64_t off = 0;
    int out = 0;
    while (off < size) {
        size_t want = size - off < (int64_t)sizeof chunk ? (size_t)(size - off) : sizeof chunk;
        long got = fn(ctx, chunk, want, e);
        if (got <= 0) {
            out = got < 0 ? -1
                          : err_set(e, ERR_INVALID, "blob", "content %s is shorter than its size",
                                    sha256);
            break;
        }
        if (sqlite3_blob_write(bl, chunk, (int)got, (int)off) != SQLITE_OK) {
            out = store_sqlerr(s, e, "writing stored content");
            break;
        }
        off += got;
    }
    sqlite3_blob_close(bl);
    return out;
}
