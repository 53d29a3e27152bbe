/* db.h — the store's one door to a database engine. Every statement the
 * store runs is prepared, bound, stepped and read through these calls, so
 * the store's logic is written once whatever engine is behind it: SQLite
 * today, PostgreSQL through libpq beside it (issue 16, db_pg.c). The
 * semantics are SQLite's — results DB_ROW/DB_DONE, parameters ?N and
 * :name, column types by storage class, error kinds by SQLite's primary
 * codes — because the store was written against them; the PostgreSQL side
 * maps onto them. What only one engine has (SQLite's incremental blob I/O,
 * online backup, authorizer and pre-update hooks, file controls) stays in
 * the file that needs it, on db->lite, and is done once per engine.
 *
 * Only src/store includes this. */
#ifndef ISMS_DB_H
#define ISMS_DB_H

#include <sqlite3.h>
#include <stddef.h>

/* results and error kinds (the same numbers as SQLite's) */
enum {
    DB_OK = 0,
    DB_ERROR = 1,
    DB_BUSY = 5,
    DB_LOCKED = 6,
    DB_READONLY = 8,
    DB_IOERR = 10, /* PostgreSQL: the connection to the server is gone */
    DB_CONSTRAINT = 19,
    DB_ROW = 100,
    DB_DONE = 101,
};
/* a column's storage class */
enum { DB_INTEGER = 1, DB_FLOAT = 2, DB_TEXT = 3, DB_BLOB = 4, DB_NULL = 5 };

/* A connection: exactly one of lite and pg is set. */
struct pg_conn; /* libpq's PGconn */
struct db {
    sqlite3 *lite;
    struct pg_conn *pg;
    /* PostgreSQL: the last failure (kind and message), the rows the last
     * statement changed, how many statements were prepared (their names) */
    int pg_code;
    char *pg_msg;
    int pg_changes;
    unsigned pg_nstmt;
    unsigned pg_gen; /* connections made so far (db_pg_revive) */
    int pg_lost_in_tx; /* the connection was lost inside a transaction */
};

/* A prepared statement of a connection: lite or pg. */
struct pgst;
struct dbst {
    sqlite3_stmt *lite;
    struct pgst *pg;
};

#define DB_IS_PG(x) __builtin_expect((x)->pg != NULL, 0)

/* db_pg.c: the PostgreSQL side of each call below. A statement's whole
 * result is fetched when it is first stepped, so several statements can
 * be stepped through at once on one connection, as the store does when a
 * listing's callback reads further records. One difference stays: a
 * failed statement inside a PostgreSQL transaction aborts the transaction
 * (SQLite undoes only the statement), so the store must not go on after
 * an error inside a transaction — it never relies on that. */
int db_open_pg(const char *conninfo, struct db **out);
int pg_prepare(struct db *db, const char *sql, struct dbst **st);
int pg_finalize(struct pgst *st);
int pg_exec(struct db *db, const char *sql, char **msg);
void pg_close(struct db *db);
const char *pg_errmsg(struct db *db);
int pg_changes(struct db *db);
long long pg_last_id(struct db *db);
int pg_autocommit(struct db *db);
int pgst_step(struct pgst *st);
int pgst_reset(struct pgst *st);
int pgst_clear(struct pgst *st);
int pgst_busy(struct pgst *st);
int pgst_param_index(struct pgst *st, const char *name);
/* binary: 1 bytea; | 2 the caller's bytes kept in place until the next
 * bind, clear or reset (db_bind_blob_static), else copied */
int pgst_bind(struct pgst *st, int i, const void *v, int n, int binary);
int pgst_bind_int64(struct pgst *st, int i, long long v);
int pgst_bind_double(struct pgst *st, int i, double v);
int pgst_col_type(struct pgst *st, int i);
long long pgst_col_int64(struct pgst *st, int i);
double pgst_col_double(struct pgst *st, int i);
const unsigned char *pgst_col_text(struct pgst *st, int i);
const void *pgst_col_blob(struct pgst *st, int i);
int pgst_col_bytes(struct pgst *st, int i);
/* SQLite's parameters (?N, ?, :name) as PostgreSQL's ($N) in out; names
 * (when not NULL) gets the name of each numbered parameter, NULL for the
 * unnamed, nnames set to the highest number. Quoted text, quoted names
 * and comments are copied as they are; "::" (a cast) is not a name. */
struct buf;
void pg_sql(const char *sql, struct buf *out, char ***names, int *nnames);

/* Opens the SQLite file path with SQLite's open flags; *out is set even
 * on failure (for the message), NULL only when out of memory. */
int db_open_lite(const char *path, int flags, struct db **out);
void db_close(struct db *db);

/* Prepares one statement into *st (NULL on error; db_errmsg says why).
 * db_prepare_keep: for statements kept for the life of the connection. */
int db_prepare(struct db *db, const char *sql, struct dbst **st);
int db_prepare_keep(struct db *db, const char *sql, struct dbst **st);
int db_finalize(struct dbst *st);
/* Runs statements that return no rows; on error *msg (when msg is not
 * NULL) is set to a message the caller frees with db_free (free(3)). */
int db_exec(struct db *db, const char *sql, char **msg);
void db_free(void *p);
/* PostgreSQL: runs statements in one round trip and sets *out to the
 * first column of the last one's first row (SQLite: DB_ERROR). */
int db_exec_int(struct db *db, const char *sql, long long *out);
/* PostgreSQL, outside a transaction: a new connection when the server
 * went away (DB_OK when the connection is, or is again, usable). */
int db_pg_revive(struct db *db);

static inline const char *db_errmsg(struct db *db)
{
    return DB_IS_PG(db) ? pg_errmsg(db) : sqlite3_errmsg(db->lite);
}
/* The error kind of the last failure: DB_CONSTRAINT, DB_BUSY, DB_LOCKED,
 * DB_READONLY or DB_ERROR. db_errcode_ext: SQLite's extended code. */
static inline int db_errcode(struct db *db)
{
    return DB_IS_PG(db) ? db->pg_code : sqlite3_errcode(db->lite);
}
static inline int db_errcode_ext(struct db *db)
{
    return DB_IS_PG(db) ? db->pg_code : sqlite3_extended_errcode(db->lite);
}
static inline int db_changes(struct db *db)
{
    return DB_IS_PG(db) ? pg_changes(db) : sqlite3_changes(db->lite);
}
static inline long long db_last_id(struct db *db)
{
    return DB_IS_PG(db) ? pg_last_id(db) : sqlite3_last_insert_rowid(db->lite);
}
/* 1 outside a transaction. */
static inline int db_autocommit(struct db *db)
{
    return DB_IS_PG(db) ? pg_autocommit(db) : sqlite3_get_autocommit(db->lite);
}

static inline int db_step(struct dbst *st)
{
    return DB_IS_PG(st) ? pgst_step(st->pg) : sqlite3_step(st->lite);
}
static inline int db_reset(struct dbst *st)
{
    return DB_IS_PG(st) ? pgst_reset(st->pg) : sqlite3_reset(st->lite);
}
static inline int db_clear_bindings(struct dbst *st)
{
    return DB_IS_PG(st) ? pgst_clear(st->pg) : sqlite3_clear_bindings(st->lite);
}
static inline int db_busy(struct dbst *st)
{
    return DB_IS_PG(st) ? pgst_busy(st->pg) : sqlite3_stmt_busy(st->lite);
}
/* The index of parameter name (":name"), 0 when the statement has none. */
static inline int db_param_index(struct dbst *st, const char *name)
{
    return DB_IS_PG(st) ? pgst_param_index(st->pg, name)
                        : sqlite3_bind_parameter_index(st->lite, name);
}

/* Binds copy the value; the _static forms keep a pointer to it until the
 * statement is reset or bound again. n < 0: up to the NUL. */
static inline int db_bind_text(struct dbst *st, int i, const char *v, int n)
{
    return DB_IS_PG(st) ? pgst_bind(st->pg, i, v, n, 0)
                        : sqlite3_bind_text(st->lite, i, v, n, SQLITE_TRANSIENT);
}
static inline int db_bind_text_static(struct dbst *st, int i, const char *v, int n)
{
    return DB_IS_PG(st) ? pgst_bind(st->pg, i, v, n, 0)
                        : sqlite3_bind_text(st->lite, i, v, n, SQLITE_STATIC);
}
static inline int db_bind_blob(struct dbst *st, int i, const void *v, int n)
{
    return DB_IS_PG(st) ? pgst_bind(st->pg, i, v, n < 0 ? 0 : n, 1)
                        : sqlite3_bind_blob(st->lite, i, v, n, SQLITE_TRANSIENT);
}
static inline int db_bind_blob_static(struct dbst *st, int i, const void *v, int n)
{
    return DB_IS_PG(st) ? pgst_bind(st->pg, i, v, n < 0 ? 0 : n, 3)
                        : sqlite3_bind_blob(st->lite, i, v, n, SQLITE_STATIC);
}
static inline int db_bind_int64(struct dbst *st, int i, long long v)
{
    return DB_IS_PG(st) ? pgst_bind_int64(st->pg, i, v) : sqlite3_bind_int64(st->lite, i, v);
}
static inline int db_bind_int(struct dbst *st, int i, int v)
{
    return DB_IS_PG(st) ? pgst_bind_int64(st->pg, i, v) : sqlite3_bind_int(st->lite, i, v);
}
static inline int db_bind_double(struct dbst *st, int i, double v)
{
    return DB_IS_PG(st) ? pgst_bind_double(st->pg, i, v) : sqlite3_bind_double(st->lite, i, v);
}
static inline int db_bind_null(struct dbst *st, int i)
{
    return DB_IS_PG(st) ? pgst_bind(st->pg, i, NULL, 0, 0) : sqlite3_bind_null(st->lite, i);
}

/* A LIMIT of n rows, or none when n <= 0 (SQLite: -1; PostgreSQL: NULL). */
static inline int db_bind_limit(struct dbst *st, int i, long long n)
{
    if (n > 0) {
        return db_bind_int64(st, i, n);
    }
    return DB_IS_PG(st) ? db_bind_null(st, i) : db_bind_int64(st, i, -1);
}

/* Columns of the current row, numbered from 0. */
static inline int db_col_type(struct dbst *st, int i)
{
    return DB_IS_PG(st) ? pgst_col_type(st->pg, i) : sqlite3_column_type(st->lite, i);
}
static inline long long db_col_int64(struct dbst *st, int i)
{
    return DB_IS_PG(st) ? pgst_col_int64(st->pg, i) : sqlite3_column_int64(st->lite, i);
}
static inline int db_col_int(struct dbst *st, int i)
{
    return DB_IS_PG(st) ? (int)pgst_col_int64(st->pg, i) : sqlite3_column_int(st->lite, i);
}
static inline double db_col_double(struct dbst *st, int i)
{
    return DB_IS_PG(st) ? pgst_col_double(st->pg, i) : sqlite3_column_double(st->lite, i);
}
static inline const unsigned char *db_col_text(struct dbst *st, int i)
{
    return DB_IS_PG(st) ? pgst_col_text(st->pg, i) : sqlite3_column_text(st->lite, i);
}
static inline const void *db_col_blob(struct dbst *st, int i)
{
    return DB_IS_PG(st) ? pgst_col_blob(st->pg, i) : sqlite3_column_blob(st->lite, i);
}
static inline int db_col_bytes(struct dbst *st, int i)
{
    return DB_IS_PG(st) ? pgst_col_bytes(st->pg, i) : sqlite3_column_bytes(st->lite, i);
}

#endif
