/* store_int.h — what the store_*.c files share; nothing outside store/
 * includes this. */
#ifndef ISMS_STORE_INT_H
#define ISMS_STORE_INT_H

#include "db.h"

#include "store.h"

#define STORE_CACHE_MAX 128
#define STORE_COUNT_CACHE 16
#define STORE_MAX_TYPES 64
#define STORE_MAX_TABLES (STORE_TBLSET_WORDS * 64)
/* the schema version that has history_tables (0024_derived.sql) */
#define STORE_TRACK_VERSION 24
/* the schema version that has the stored sort keys (0026_sortkeys.sql) */
#define STORE_SORTKEY_VERSION 26

struct store {
    struct db *db;
    char *path;
    int version;
    struct {
        char *sql;
        unsigned long hash; /* of sql, compared before the text */
        struct dbst *st;
        struct tblset read; /* the tables it reads (store_track.c) */
    } cache[STORE_CACHE_MAX];
    int ncache;
    char *select_sql[STORE_MAX_TYPES]; /* per type index, built on first use */
    /* The last history entry, cached inside a write transaction so appending
     * many entries does not re-read it each time. */
    int hist_valid;
    int holds_write; /* this connection holds the process's write lock */
    int group;       /* group commit: callers' transactions are savepoints */
    int group_open;  /* the group's transaction is open */
    int savepoint;   /* a caller's savepoint is open inside it */
    int group_lost;  /* SQLite ended the group's transaction (an I/O error) */
    int in_read;     /* inside store_read_begin */
    long long pg_dv; /* PostgreSQL: the snapshot's data version, 0 until read */
    int orphan_done; /* the WAL of a moved file was checkpointed (orphan_checkpoint) */
    struct dbst *begin_st, *commit_st; /* of read transactions */
    /* store_count_query answers, valid while the file's data version is
     * the same (checked inside read transactions only). */
    struct {
        char *key;
        long long version;
        long n;
        struct tblset read; /* the tables the count read */
    } counts[STORE_COUNT_CACHE];
    int next_count;
    long long hist_seq;
    char hist_hash[65];
    /* store_track.c: the table registry, the tracking in progress, the
     * tables of the statement being prepared, the tables this write
     * transaction changed and the history head when it began */
    char *tables[STORE_MAX_TABLES];
    int ntables, last_table;
    int tracking, held;
    struct tblset track, prep_read, wrote;
    long long tx_first_seq;
};

/* Returns a reset statement from the cache (prepared on first use); the
 * statement belongs to the store. NULL with e filled on error. */
struct dbst *store_prepare(struct store *s, const char *sql, struct err *e);
/* sqlite3_step with errors mapped: DB_ROW, DB_DONE, or -1. */
int store_step(struct store *s, struct dbst *st, struct err *e);
int store_exec(struct store *s, const char *sql, struct err *e);
int store_sqlerr(struct store *s, struct err *e, const char *what);
/* Column i as text (NULL for SQL NULL). */
const char *store_col(struct dbst *st, int i);
/* Binds text, or NULL when v is NULL. */
void store_bind_opt(struct dbst *st, int i, const char *v);
/* Steps a statement that returns no rows and resets it: 0 or -1. */
int store_run(struct store *s, struct dbst *st, struct err *e);
/* *out = *in (or an empty query) with the row rule of who for t applied:
 * every record read of store_record.c goes through this. */
void store_rule_query(const struct principal *who, const struct rtype *t, const struct query *in,
                      struct query *out);
/* The row rule of who for t as one column condition, for the store's own
 * SQL that does not go through store_record.c (store_tasks.c,
 * store_audit.c): 1 every row (no condition); 2 only the rows whose column
 * *field (a declared column of t) is *value; 0 no row — for ROWS_NONE and
 * for any rule a column condition cannot express (ROWS_RELEASED), so a
 * query that cannot apply the rule answers nothing rather than too much
 * (read those through store_list instead). */
int store_rule_column(const struct principal *who, const struct rtype *t, const char **field,
                      const char **value);

/* The SQL of migration i (0-based) and its version; NULL past the last. */
const char *store_migration(int i, int *version);
/* The SQL functions the migrations call, on a SQLite connection. */
void store_lite_functions(sqlite3 *db);

/* store_sortkey.c: natkey(v) bound at pos (NULL for NULL), the key stored
 * beside a value; true for a type with a released form (a view TYPE_released
 * whose NAME_sk columns come from version.sortkeys: documents); the keys of
 * ref's released form computed again (after a write to the record, its
 * versions or its approvals); and every key of the file computed again
 * whatever its schema version says (migrate: in the transaction that adds
 * or may change them). */
void store_bind_sortkey(struct dbst *st, int pos, const char *v);
int store_has_released(const struct rtype *t);
int store_released_keys(struct store *s, const char *ref, struct err *e);
int store_sortkeys_rebuild(struct store *s, struct err *e);

/* store_track.c, called by store.c: hooks on a new connection, its
 * registry freed, a cached statement handed out, a write transaction's
 * start and its end (before COMMIT). */
void store_track_install(struct store *s);
void store_track_free(struct store *s);
void store_track_prepared(struct store *s, const struct tblset *read);
int store_track_tx_begin(struct store *s, struct err *e);
int store_track_tx_commit(struct store *s, struct err *e);

#endif
