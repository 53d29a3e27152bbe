/* store.c — opening, migrating and transactions for an ISMS file on SQLite,
 * and the statement cache every other store_*.c file uses. The file format:
 * application_id 'ISMS', user_version = last migration applied, WAL journal,
 * synchronous=FULL, foreign keys on, STRICT tables. */
#include "store.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../embed.h"
#include "../lib/hash.h"
#include "../lib/util.h"
#include "store_int.h"

#define ISMS_APPLICATION_ID 0x49534d53 /* "ISMS" */

static const struct migration {
    int version;
    const char *name;
    const char *sql;
    const char *end;
} migrations[] = {
#define MIGRATION(n, sym, path) {n, path, sym, sym##_end},
#include "schema/migrations.def"
#undef MIGRATION
};
#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

static int test_limit;
static const char *test_override_sql[64];

void store_test_limit_version(int version)
{
    test_limit = version;
}

void store_test_override_migration(int version, const char *sql)
{
    if (version > 0 && version < 64) {
        test_override_sql[version] = sql;
    }
}

int store_latest_version(void)
{
    return migrations[NMIGRATIONS - 1].version;
}

const char *store_migration(int i, int *version)
{
    if (i < 0 || i >= NMIGRATIONS) {
        return NULL;
    }
    *version = migrations[i].version;
    return migrations[i].sql;
}

#ifdef ISMS_FAULTS
/* Fault injection (debug builds only, -DISMS_FAULTS): the N-th storage call
 * of the process fails as if the disk were full, busy or broken, chosen by
 * $ISMS_FAULT_AT=N and $ISMS_FAULT_KIND=full|busy|io. Tests loop N over a
 * whole operation and check the file is exactly as before every failure. */
static long fault_at = -2, fault_calls;
static const char *fault_kind = "io";

static int fault_now(struct store *s, struct err *e)
{
    if (fault_at == -2) {
        const char *at = getenv("ISMS_FAULT_AT");
        const char *kind = getenv("ISMS_FAULT_KIND");
        fault_at = at ? atol(at) : -1;
        if (kind) {
            fault_kind = kind;
        }
    }
    if (fault_at < 0 || ++fault_calls != fault_at) {
        return 0;
    }
    (void)s;
    err_set(e, ERR_STORAGE, NULL, "storage: %s (injected fault at call %ld)",
            strcmp(fault_kind, "full") == 0   ? "database or disk is full"
            : strcmp(fault_kind, "busy") == 0 ? "database is locked"
                                              : "disk I/O error",
            fault_calls);
    return 1;
}
#define FAULT(s, e) fault_now((s), (e))
#else
#define FAULT(s, e) 0
#endif

/* The file's name without its directory, for messages people see. */
static const char *file_name(const struct store *s)
{
    const char *slash = strrchr(s->path, '/');
    return slash ? slash + 1 : s->path;
}

int store_readonly_err(struct store *s, struct err *e)
{
    return err_set(e, ERR_READONLY, NULL,
                   "the ISMS file %s is read-only; nothing was written (make it writable for "
                   "the account that runs isms)",
                   file_name(s));
}

/* SQLITE_READONLY and its kinds, but not a file moved or deleted under us
 * (SQLITE_READONLY_DBMOVED), which is another condition. */
static int is_readonly(int rc)
{
    return (rc & 0xff) == SQLITE_READONLY && rc != SQLITE_READONLY_DBMOVED;
}

int store_sqlerr(struct store *s, struct err *e, const char *what)
{
    int rc = db_errcode_ext(s->db);
    if (DB_IS_PG(s->db) && rc == DB_IOERR) {
        return err_set(e, ERR_UNAVAILABLE, NULL,
                       "%s: the database server %s cannot be reached (%s); try again shortly",
                       what, s->path, db_errmsg(s->db));
    }
    enum errcode code = ERR_STORAGE;
    if ((rc & 0xff) == DB_CONSTRAINT) {
        code = ERR_CONFLICT;
    }
    if (is_readonly(rc)) {
        return store_readonly_err(s, e);
    }
    return err_set(e, code, NULL, "%s: %s", what, db_errmsg(s->db));
}

int store_readonly(struct store *s)
{
    if (DB_IS_PG(s->db)) {
        return 0; /* a refused write says so by its error (DB_READONLY) */
    }
    return sqlite3_db_readonly(s->db->lite, "main") == 1;
}

static unsigned long sql_hash(const char *s)
{
    unsigned long h = 1469598103934665603UL;
    for (; *s; s++) {
        h = (h ^ (unsigned char)*s) * 1099511628211UL;
    }
    return h;
}

/* Before the first connection: no memory statistics (they take a global
 * mutex around every allocation, which the server's threads contend on). */
static pthread_once_t sqlite_once = PTHREAD_ONCE_INIT;

static void sqlite_setup(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static void sql_sha256(sqlite3_context *cx, int argc, sqlite3_value **argv);

void store_lite_functions(sqlite3 *db)
{
    sqlite3_create_function(db, "isms_sha256", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                            sql_sha256, NULL, NULL);
}

/* isms_sha256(text): lowercase hex SHA-256, for migrations that hash
 * content already in the file (0008); never used in the schema itself. */
static void sql_sha256(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(cx);
        return;
    }
    const unsigned char *t = sqlite3_value_text(argv[0]);
    int n = sqlite3_value_bytes(argv[0]);
    char hex[65];
    sha256_hex(t ? (const char *)t : "", (size_t)n, hex);
    sqlite3_result_text(cx, hex, 64, SQLITE_TRANSIENT);
}

struct dbst *store_prepare(struct store *s, const char *sql, struct err *e)
{
    if (FAULT(s, e)) {
        return NULL;
    }
    unsigned long h = sql_hash(sql);
    for (int i = 0; i < s->ncache; i++) {
        if (s->cache[i].hash == h && strcmp(s->cache[i].sql, sql) == 0) {
            db_reset(s->cache[i].st);
            db_clear_bindings(s->cache[i].st);
            store_track_prepared(s, &s->cache[i].read);
            return s->cache[i].st;
        }
    }
    struct dbst *st = NULL;
    memset(&s->prep_read, 0, sizeof s->prep_read); /* the authorizer fills it */
    if (db_prepare_keep(s->db, sql, &st) != DB_OK) {
        store_sqlerr(s, e, "preparing a query");
        return NULL;
    }
    if (s->ncache == STORE_CACHE_MAX) {
        /* evict the oldest entry no caller is stepping through (a listing's
         * callback may prepare other statements while its own is live) */
        int k = 0;
        while (k < s->ncache - 1 && db_busy(s->cache[k].st)) {
            k++;
        }
        db_finalize(s->cache[k].st);
        free(s->cache[k].sql);
        memmove(&s->cache[k], &s->cache[k + 1], sizeof s->cache[0] * (size_t)(s->ncache - 1 - k));
        s->ncache--;
    }
    s->cache[s->ncache].sql = xstrdup(sql);
    s->cache[s->ncache].hash = h;
    s->cache[s->ncache].st = st;
    s->cache[s->ncache].read = s->prep_read;
    s->ncache++;
    return st;
}

int store_step(struct store *s, struct dbst *st, struct err *e)
{
    if (FAULT(s, e)) {
        db_reset(st);
        return -1;
    }
    int rc = db_step(st);
    if (rc == DB_ROW || rc == DB_DONE) {
        return rc;
    }
    store_sqlerr(s, e, "storage");
    db_reset(st);
    return -1;
}

const char *store_col(struct dbst *st, int i)
{
    return (const char *)db_col_text(st, i);
}

void store_bind_opt(struct dbst *st, int i, const char *v)
{
    if (v) {
        db_bind_text(st, i, v, -1);
    } else {
        db_bind_null(st, i);
    }
}

int store_run(struct store *s, struct dbst *st, struct err *e)
{
    int rc = store_step(s, st, e);
    db_reset(st);
    return rc < 0 ? -1 : 0;
}

int store_exec(struct store *s, const char *sql, struct err *e)
{
    /* ROLLBACK must always run: it is how a failure is undone */
    if (strcmp(sql, "ROLLBACK") != 0 && FAULT(s, e)) {
        return -1;
    }
    char *msg = NULL;
    if (db_exec(s->db, sql, &msg) != DB_OK) {
        if (is_readonly(db_errcode_ext(s->db))) {
            db_free(msg);
            return store_readonly_err(s, e);
        }
        if (DB_IS_PG(s->db) && db_errcode(s->db) == DB_IOERR) {
            db_free(msg);
            return store_sqlerr(s, e, "storage");
        }
        err_set(e, ERR_STORAGE, NULL, "storage: %s", msg ? msg : db_errmsg(s->db));
        db_free(msg);
        return -1;
    }
    return 0;
}

static int pragma_int(struct store *s, const char *sql, int *out, struct err *e)
{
    struct dbst *st;
    if (db_prepare(s->db, sql, &st) != DB_OK) {
        return store_sqlerr(s, e, "reading the file header");
    }
    int rc = db_step(st);
    if (rc != DB_ROW) {
        db_finalize(st);
        return store_sqlerr(s, e, "reading the file header");
    }
    *out = db_col_int(st, 0);
    db_finalize(st);
    return 0;
}

/* Applies migrations above `from` in one transaction; on any failure the
 * file is left exactly as it was. */
static int migrate(struct store *s, int from, struct err *e)
{
    int upto = test_limit ? test_limit : store_latest_version();
    if (from >= upto) {
        return 0;
    }
    if (store_exec(s, "BEGIN IMMEDIATE", e)) {
        return -1;
    }
    for (int i = 0; i < NMIGRATIONS; i++) {
        const struct migration *m = &migrations[i];
        if (m->version <= from || m->version > upto) {
            continue;
        }
        const char *sql = test_override_sql[m->version] ? test_override_sql[m->version] : m->sql;
        if (store_exec(s, sql, e)) {
            char msg[sizeof e->msg];
            strlcpy_(msg, e->msg, sizeof msg);
            store_exec(s, "ROLLBACK", NULL);
            return err_set(e, ERR_STORAGE, NULL,
                           "upgrading the file to schema %d (%s) failed, the file is unchanged: %s",
                           m->version, m->name, msg);
        }
    }
    /* The stored sort keys (0026) are natkey, which is C: after the SQL of
     * every migration, in the same transaction, each key that is not
     * natkey of its value is written — all of them when 0026 has just
     * added the columns. After every upgrade, not only that one, so a
     * later migration that changes values in SQL cannot leave a key
     * behind (one read of the keyed columns per upgrade). A new file has
     * no rows to key. */
    if (from > 0 && upto >= STORE_SORTKEY_VERSION && store_sortkeys_rebuild(s, e)) {
        char msg[sizeof e->msg];
        strlcpy_(msg, e->msg, sizeof msg);
        store_exec(s, "ROLLBACK", NULL);
        return err_set(e, ERR_STORAGE, NULL,
                       "upgrading the file to schema %d failed computing its sort keys, the "
                       "file is unchanged: %s", upto, msg);
    }
    char sql[128];
    snprintf(sql, sizeof sql, "PRAGMA application_id = %d; PRAGMA user_version = %d",
             ISMS_APPLICATION_ID, upto);
    if (store_exec(s, sql, e) || store_exec(s, "PRAGMA foreign_key_check", e)) {
        store_exec(s, "ROLLBACK", NULL);
        return -1;
    }
    if (store_exec(s, "COMMIT", e)) {
        store_exec(s, "ROLLBACK", NULL);
        return -1;
    }
    s->version = upto;
    return 0;
}

/* The query planner's statistics (sqlite_stat1): without them SQLite
 * takes a partial index of the active rows for smaller than the table and
 * walks a large register through it, a row lookup for each entry (a count
 * of 20,000 risks four times slower than reading the table). A writer that
 * opens the file gathers them when there are none or the schema was just
 * upgraded (ANALYZE, 0.2 s for 70,000 records), and for each table of more
 * than STATS_MIN_ROWS rows that has grown fourfold since (its largest
 * rowid, read from the end of its b-tree, against the rows counted then,
 * and its rows counted when that suggests it), all tables again:
 * a file created empty and then filled by an import gets them on its next
 * open. Not data: no history entry, left out of dumps and digests; and
 * not needed to read or write, so a file that cannot take them now (read
 * only, or another writer holding the lock) opens as it is. */
#define STATS_MIN_ROWS 1000

/* The one integer a statement answers (-1 when it cannot). */
static long long one_int(struct store *s, const char *sql)
{
    struct dbst *st = NULL;
    long long v = -1;
    if (db_prepare(s->db, sql, &st) == DB_OK && db_step(st) == DB_ROW) {
        v = db_col_int64(st, 0);
    }
    db_finalize(st);
    return v;
}

/* The one integer a statement over the file's own schema answers (0 when
 * it cannot). */
static long long table_int(struct store *s, const char *sql)
{
    long long v = one_int(s, sql);
    return v < 0 ? 0 : v;
}

static int plan_statistics(struct store *s, int before, struct err *e)
{
    struct dbst *st = store_prepare(s, "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'",
                                     e);
    if (!st) {
        return -1;
    }
    int rc = store_step(s, st, e);
    db_reset(st);
    if (rc < 0) {
        return -1;
    }
    if (rc != DB_ROW || before != s->version) {
        return store_exec(s, "ANALYZE", e);
    }
    /* the tables that grew: names from the file's own schema */
    st = store_prepare(s,
                       "SELECT m.name, (SELECT max(CAST(t.stat AS INTEGER)) FROM sqlite_stat1 t"
                       " WHERE t.tbl = m.name) FROM sqlite_master m WHERE m.type = 'table'"
                       " AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
                       " AND m.sql NOT LIKE '%WITHOUT ROWID%'",
                       e);
    if (!st) {
        return -1;
    }
    int grown = 0;
    while (!grown && (rc = store_step(s, st, e)) == DB_ROW) {
        const char *name = (const char *)db_col_text(st, 0);
        long long counted = db_col_int64(st, 1);
        char sql[160];
        if (!name || strchr(name, '"') || strlen(name) > 100) {
            continue;
        }
        snprintf(sql, sizeof sql, "SELECT max(rowid) FROM \"%s\"", name);
        long long rows = table_int(s, sql);
        if (rows > STATS_MIN_ROWS && rows > 4 * counted) {
            /* the largest rowid only bounds the rows (a pruned table keeps
             * its numbers): counted, when it suggests growth */
            snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\"", name);
            rows = table_int(s, sql);
        }
        grown = rows > STATS_MIN_ROWS && rows > 4 * counted;
    }
    db_reset(st);
    if (rc < 0) {
        return -1;
    }
    /* all of them again: statistics of one table beside those of an empty
     * file would misguide the planner as much as none */
    return grown ? store_exec(s, "ANALYZE", e) : 0;
}

int store_is_url(const char *path)
{
    return strncmp(path, "postgresql://", 13) == 0 || strncmp(path, "postgres://", 11) == 0;
}

/* The URL as messages show it: without a password. */
static char *url_shown(const char *url)
{
    struct buf b;
    buf_init(&b, 0);
    const char *scheme = strstr(url, "://");
    const char *at = scheme ? strchr(scheme + 3, '@') : NULL;
    const char *colon = at ? memchr(scheme + 3, ':', (size_t)(at - scheme - 3)) : NULL;
    if (colon) {
        buf_append(&b, url, (size_t)(colon - url));
        url = at;
    }
    /* a password=… parameter too */
    for (const char *p = url; *p;) {
        const char *pw = strstr(p, "password=");
        if (!pw) {
            buf_puts(&b, p);
            break;
        }
        buf_append(&b, p, (size_t)(pw - p));
        buf_puts(&b, "password=…");
        p = pw + strcspn(pw, "&");
    }
    return buf_take(&b);
}


/* An ISMS in a PostgreSQL database (one database per organization): the
 * schema is made from the SQLite migrations (schema_pg.c) in one
 * transaction when it is created; isms_meta holds what SQLite keeps in the
 * file header. */
static int open_pg(const char *url, int flags, struct store **out, struct err *e)
{
    struct store *s = xcalloc(1, sizeof *s);
    s->path = url_shown(url);
    s->last_table = -1;
    if (db_open_pg(url, &s->db) != DB_OK) {
        err_set(e, ERR_UNAVAILABLE, NULL, "cannot connect to the PostgreSQL database %s: %s", s->path,
                s->db ? db_errmsg(s->db) : "out of memory");
        goto fail;
    }
    store_track_install(s);
    long long have = one_int(s, "SELECT count(*) FROM pg_catalog.pg_tables WHERE "
                                "schemaname = current_schema() AND tablename = 'isms_meta'");
    if (have < 0) {
        store_sqlerr(s, e, "reading the database");
        goto fail;
    }
    int version = 0;
    if (flags & STORE_CREATE) {
        if (have) {
            err_set(e, ERR_CONFLICT, NULL, "%s already holds an ISMS; not overwriting it",
                    s->path);
            goto fail;
        }
        long long tables = one_int(s, "SELECT count(*) FROM pg_catalog.pg_tables WHERE "
                                      "schemaname = current_schema()");
        if (tables != 0) {
            err_set(e, ERR_CONFLICT, NULL,
                    "%s is not empty (%lld tables); an ISMS is created in a database of its own",
                    s->path, tables);
            goto fail;
        }
        struct buf ddl;
        buf_init(&ddl, 0);
        buf_puts(&ddl, "BEGIN;\n");
        if (store_pg_schema(&ddl, e)) {
            buf_free(&ddl);
            goto fail;
        }
        buf_puts(&ddl, "COMMIT;\n");
        int rc = store_exec(s, buf_str(&ddl), e);
        buf_free(&ddl);
        if (rc) {
            db_exec(s->db, "ROLLBACK", NULL);
            goto fail;
        }
        version = store_latest_version();
    } else {
        if (!have) {
            err_set(e, ERR_USAGE, NULL, "%s holds no ISMS (create one with isms init %s)", s->path,
                    s->path);
            goto fail;
        }
        if (one_int(s, "SELECT count(*) FROM isms_meta WHERE key = 'application' AND "
                       "value = 'ISMS'") != 1) {
            err_set(e, ERR_USAGE, NULL, "%s is not an ISMS database", s->path);
            goto fail;
        }
        version = (int)one_int(s, "SELECT value::int FROM isms_meta WHERE key = 'version'");
        if (version > store_latest_version()) {
            err_set(e, ERR_USAGE, NULL,
                    "%s was written by a newer isms (schema %d; this program knows up to %d); "
                    "upgrade isms to open it",
                    s->path, version, store_latest_version());
            goto fail;
        }
        if (version < store_latest_version()) {
            err_set(e, ERR_USAGE, NULL,
                    "%s has schema %d; upgrading a PostgreSQL ISMS to %d is not supported by "
                    "this version of isms",
                    s->path, version, store_latest_version());
            goto fail;
        }
    }
    s->version = version;
    *out = s;
    return 0;

fail:
    store_close(s);
    return -1;
}

/* The objects pg.sql makes besides tables (their tables go by CASCADE). */
static const char pg_drop_functions[] =
    "DROP AGGREGATE IF EXISTS group_concat(text, text), group_concat(text); "
    "DROP FUNCTION IF EXISTS isms_concat_step(text, text, text), isms_concat_step1(text, text), "
    "instr(text, text), json_each(text), isms_refuse(), isms_blob_referenced(), "
    "isms_webhook_enqueue(), isms_bump()";

void store_remove(const char *path)
{
    if (!store_is_url(path)) {
        size_t n = strlen(path) + 8;
        char *p = xmalloc(n);
        unlink(path);
        snprintf(p, n, "%s-wal", path);
        unlink(p);
        snprintf(p, n, "%s-shm", path);
        unlink(p);
        free(p);
        return;
    }
    /* an ISMS this program just made in an empty database (open_pg
     * refuses any other): every table of the schema and our functions */
    struct db *db = NULL;
    if (db_open_pg(path, &db) == DB_OK) {
        struct dbst *st = NULL;
        struct buf q;
        buf_init(&q, 0);
        buf_puts(&q, "BEGIN; ");
        if (db_prepare(db, "SELECT quote_ident(tablename) FROM pg_catalog.pg_tables WHERE "
                           "schemaname = current_schema()", &st) == DB_OK) {
            while (db_step(st) == DB_ROW) {
                buf_printf(&q, "DROP TABLE IF EXISTS %s CASCADE; ", (const char *)db_col_text(st, 0));
            }
        }
        db_finalize(st);
        buf_printf(&q, "%s; COMMIT", pg_drop_functions);
        if (db_exec(db, buf_str(&q), NULL) != DB_OK) {
            db_exec(db, "ROLLBACK", NULL);
        }
        buf_free(&q);
    }
    db_close(db);
}

int store_open(const char *path, int flags, struct store **out, struct err *e)
{
    *out = NULL;
    if (store_is_url(path)) {
        return open_pg(path, flags, out, e);
    }
    struct stat sb;
    int exists = stat(path, &sb) == 0;
    if (flags & STORE_CREATE) {
        if (exists) {
            return err_set(e, ERR_CONFLICT, NULL, "%s already exists; not overwriting it", path);
        }
    } else {
        if (!exists) {
            return err_set(e, ERR_NOTFOUND, NULL, "%s: no such ISMS file", path);
        }
        if (!S_ISREG(sb.st_mode)) {
            return err_set(e, ERR_USAGE, NULL, "%s is not a regular file", path);
        }
        /* The header is checked through SQLite below, never by opening the
         * file ourselves: closing any descriptor of a database file drops
         * the POSIX locks of every SQLite connection in this process. */
        if (sb.st_size == 0) {
            return err_set(e, ERR_USAGE, NULL,
                           "%s is not an ISMS file (not an SQLite database, it is empty)", path);
        }
    }

    pthread_once(&sqlite_once, sqlite_setup);
    struct store *s = xcalloc(1, sizeof *s);
    s->path = xstrdup(path);
    int oflags = (flags & STORE_READONLY) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    if (flags & STORE_CREATE) {
        oflags |= SQLITE_OPEN_CREATE;
    }
    oflags |= SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    if (db_open_lite(path, oflags, &s->db) != DB_OK) {
        err_set(e, ERR_STORAGE, NULL, "%s: cannot open: %s", path,
                s->db ? db_errmsg(s->db) : "out of memory");
        goto fail;
    }
    sqlite3_extended_result_codes(s->db->lite, 1);
    sqlite3_busy_timeout(s->db->lite, 5000);
    store_lite_functions(s->db->lite);
    store_track_install(s); /* which tables are read and written (store_track.c) */

    int appid = 0, version = 0;
    if (pragma_int(s, "PRAGMA application_id", &appid, e) ||
        pragma_int(s, "PRAGMA user_version", &version, e)) {
        int code = db_errcode(s->db);
        if (code == SQLITE_NOTADB) {
            err_set(e, ERR_USAGE, NULL, "%s is not an ISMS file (not an SQLite database)", path);
        } else {
            err_set(e, ERR_STORAGE, NULL, "%s is corrupt or not an ISMS file (%s)", path, e->msg);
        }
        goto fail;
    }
    if (!(flags & STORE_CREATE)) {
        if (appid != ISMS_APPLICATION_ID) {
            err_set(e, ERR_USAGE, NULL,
                    "%s is an SQLite database but not an ISMS file (application id %#x)", path,
                    (unsigned)appid);
            goto fail;
        }
        if (version > store_latest_version()) {
            err_set(e, ERR_USAGE, NULL,
                    "%s was written by a newer isms (schema %d; this program knows up to %d); "
                    "upgrade isms to open it",
                    path, version, store_latest_version());
            goto fail;
        }
        if (version < 1) {
            err_set(e, ERR_USAGE, NULL, "%s has no ISMS schema (version %d)", path, version);
            goto fail;
        }
    }
    s->version = version;

    if (!(flags & STORE_READONLY)) {
        if (store_exec(s, "PRAGMA journal_mode = WAL", e)) {
            err_set(e, ERR_STORAGE, NULL, "%s is corrupt or cannot be written (%s)", path, e->msg);
            goto fail;
        }
    }
    /* temporary tables (recursive queries, sorts) in memory, never a temp file */
    if (store_exec(s, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY", e)) {
        goto fail;
    }
    if (!(flags & STORE_READONLY) && migrate(s, version, e)) {
        goto fail;
    }
    if (!(flags & STORE_READONLY)) {
        struct err ignored = {0};
        plan_statistics(s, version, &ignored); /* best effort: see above */
    }
    *out = s;
    return 0;

fail:
    store_close(s);
    if (flags & STORE_CREATE) {
        unlink(path);
    }
    return -1;
}

/* Writers of this process queue on one lock before BEGIN IMMEDIATE: in the
 * server, worker threads then take turns in order instead of backing off in
 * SQLite's busy handler (which sleeps in growing steps while another thread
 * keeps winning the lock). Other processes still meet the busy timeout.
 * A lock, not a mutex: the group's transaction (store_group_mode) is begun
 * by one thread and committed by another. */
static pthread_mutex_t write_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t write_free = PTHREAD_COND_INITIALIZER;
static int write_held;

static void write_lock(struct store *s)
{
    if (!s->holds_write) {
        pthread_mutex_lock(&write_mu);
        while (write_held) {
            pthread_cond_wait(&write_free, &write_mu);
        }
        write_held = 1;
        pthread_mutex_unlock(&write_mu);
        s->holds_write = 1;
    }
}

static void write_unlock(struct store *s)
{
    if (s->holds_write) {
        s->holds_write = 0;
        pthread_mutex_lock(&write_mu);
        write_held = 0;
        pthread_cond_signal(&write_free);
        pthread_mutex_unlock(&write_mu);
    }
}

static int has_moved(struct store *s);
static void orphan_checkpoint(struct store *s);

void store_close(struct store *s)
{
    if (!s) {
        return;
    }
    if (s->db && !db_autocommit(s->db)) {
        db_exec(s->db, "ROLLBACK", NULL);
    }
    if (s->db && has_moved(s)) {
        /* SQLite does not checkpoint a moved file when it closes it */
        s->orphan_done = 0;
        orphan_checkpoint(s);
    }
    write_unlock(s);
    for (int i = 0; i < s->ncache; i++) {
        db_finalize(s->cache[i].st);
        free(s->cache[i].sql);
    }
    db_finalize(s->begin_st);
    db_finalize(s->commit_st);
    for (int i = 0; i < STORE_MAX_TYPES; i++) {
        free(s->select_sql[i]);
    }
    for (int i = 0; i < STORE_COUNT_CACHE; i++) {
        free(s->counts[i].key);
    }
    db_close(s->db);
    store_track_free(s);
    free(s->path);
    free(s);
}

int store_schema_version(struct store *s)
{
    return s->version;
}

/* BEGIN and COMMIT of read transactions, prepared once per connection
 * (sqlite3_exec would parse them at every request). Not through
 * store_prepare: ending a read must not meet an injected fault. */
static struct dbst *own_stmt(struct store *s, struct dbst **slot, const char *sql)
{
    if (!*slot) {
        db_prepare_keep(s->db, sql, slot);
    }
    return *slot;
}

int store_read_begin(struct store *s, struct err *e)
{
    if (!db_autocommit(s->db)) {
        return 0;
    }
    if (FAULT(s, e)) {
        return -1;
    }
    if (DB_IS_PG(s->db)) {
        /* one snapshot for the whole read, as SQLite's, taken by its first
         * statement, which reads the data version: one round trip */
        long long dv = 0;
        static const char begin[] =
            "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT n FROM isms_change";
        int rc = db_pg_revive(s->db) == DB_OK ? db_exec_int(s->db, begin, &dv) : DB_IOERR;
        if (rc == DB_IOERR && db_pg_revive(s->db) == DB_OK) {
            rc = db_exec_int(s->db, begin, &dv); /* nothing was read yet: once more */
        }
        if (rc != DB_OK) {
            if (!db_autocommit(s->db)) {
                db_exec(s->db, "ROLLBACK", NULL);
            }
            return store_sqlerr(s, e, "starting a read");
        }
        s->in_read = 1;
        s->pg_dv = dv;
        return 0;
    }
    struct dbst *st = own_stmt(s, &s->begin_st, "BEGIN");
    if (!st || db_step(st) != DB_DONE) {
        if (st) {
            db_reset(st);
        }
        return store_sqlerr(s, e, "starting a read");
    }
    db_reset(st);
    s->in_read = 1;
    s->pg_dv = 0;
    /* BEGIN is deferred: a first read takes the snapshot now, so the data
     * version read before any other query is already the snapshot's */
    st = store_prepare(s, "SELECT 1 FROM sqlite_schema LIMIT 1", e);
    if (!st || store_step(s, st, e) < 0) {
        store_read_end(s);
        return -1;
    }
    db_reset(st);
    return 0;
}

void store_read_end(struct store *s)
{
    if (s->in_read) {
        s->in_read = 0;
        if (!db_autocommit(s->db)) {
            struct dbst *st = own_stmt(s, &s->commit_st, "COMMIT");
            if (!st || db_step(st) != DB_DONE) {
                db_exec(s->db, "ROLLBACK", NULL);
            }
            if (st) {
                db_reset(st);
            }
        }
    }
}

int store_ping(struct store *s, struct err *e)
{
    if (!DB_IS_PG(s->db)) {
        return 0; /* a file: checked per request by store_file_ok */
    }
    if (s->in_read || !db_autocommit(s->db)) {
        long long one = 0;
        return db_exec_int(s->db, "SELECT 1", &one) == DB_OK ? 0 : store_sqlerr(s, e, "health");
    }
    if (store_read_begin(s, e)) {
        return -1;
    }
    store_read_end(s);
    return 0;
}

int store_in_read(struct store *s)
{
    return s->in_read;
}

long long store_data_version(struct store *s)
{
    if (!s->in_read || db_autocommit(s->db)) {
        return -1;
    }
    if (DB_IS_PG(s->db)) {
        /* the snapshot's count of writing transactions (isms_change),
         * read once per read transaction */
        if (!s->pg_dv) {
            struct err e = {0};
            struct dbst *st = store_prepare(s, "SELECT n FROM isms_change", &e);
            if (!st || store_step(s, st, &e) != DB_ROW) {
                if (st) {
                    db_reset(st);
                }
                return -1;
            }
            s->pg_dv = db_col_int64(st, 0);
            db_reset(st);
        }
        return s->pg_dv;
    }
    unsigned int v = 0;
    if (sqlite3_file_control(s->db->lite, "main", SQLITE_FCNTL_DATA_VERSION, &v) != SQLITE_OK) {
        return -1;
    }
    return v;
}

/* A write transaction. SQLite: this process's writers queue on write_lock,
 * then BEGIN IMMEDIATE takes the file's. PostgreSQL: a transaction-scoped
 * advisory lock of the database serialises the writers of every server,
 * so the history chain has one writer at a time, as on SQLite. */
#define PG_WRITE_LOCK "SELECT pg_advisory_xact_lock(1230196051)" /* "ISMS" */
static int begin_write(struct store *s, struct err *e)
{
    write_lock(s);
    int rc;
    if (DB_IS_PG(s->db)) {
        /* a connection lost since the last write is made again, and a
         * start that meets the loss is tried once more: nothing was
         * written yet */
        db_pg_revive(s->db);
        rc = store_exec(s, "BEGIN; " PG_WRITE_LOCK, e);
        if (rc && db_errcode(s->db) == DB_IOERR && db_pg_revive(s->db) == DB_OK) {
            rc = store_exec(s, "BEGIN; " PG_WRITE_LOCK, e);
        }
    } else {
        rc = store_exec(s, "BEGIN IMMEDIATE", e);
    }
    if (rc) {
        if (!db_autocommit(s->db)) {
            db_exec(s->db, "ROLLBACK", NULL);
        }
        write_unlock(s);
        return -1;
    }
    return 0;
}

int store_begin(struct store *s, struct err *e)
{
    /* a write never upgrades a read snapshot (that can fail as busy):
     * the read transaction ends, the write starts afresh */
    store_read_end(s);
    s->hist_valid = 0;
    if (store_readonly(s)) {
        /* opened read-only (SQLite falls back when the file cannot be
         * written): say so before anything is attempted */
        return store_readonly_err(s, e);
    }
    if (s->group) {
        if (s->savepoint) {
            return err_set(e, ERR_INTERNAL, NULL, "a write began inside another");
        }
        if (s->group_open && (s->group_lost || db_autocommit(s->db))) {
            s->group_lost = 1;
            return err_set(e, ERR_STORAGE, NULL, "the write could not be made (an earlier "
                           "write failed to reach the disk); nothing was stored, try again");
        }
        if (!s->group_open) {
            if (begin_write(s, e)) {
                return -1;
            }
            s->group_open = 1;
        }
        if (store_exec(s, "SAVEPOINT request", e)) {
            return -1;
        }
        s->savepoint = 1;
    } else if (begin_write(s, e)) {
        return -1;
    }
    if (s->version >= STORE_TRACK_VERSION && !DB_IS_PG(s->db) && store_track_tx_begin(s, e)) {
        store_rollback(s);
        return -1;
    }
    return 0;
}

void store_group_mode(struct store *s, int on)
{
    s->group = on;
}

int store_group_open(struct store *s)
{
    return s->group_open;
}

void store_group_settle(struct store *s)
{
    if (s->savepoint) {
        store_rollback(s);
    }
}

int store_group_commit(struct store *s, struct err *e)
{
    store_group_settle(s);
    if (!s->group_open) {
        return 0;
    }
    s->group_open = 0;
    s->hist_valid = 0;
    int rc = 0;
    if (s->group_lost || db_autocommit(s->db)) {
        s->group_lost = 0;
        db_exec(s->db, "ROLLBACK", NULL);
        err_set(e, ERR_STORAGE, NULL, "the writes could not reach the disk; nothing was stored");
        rc = -1;
    } else if (store_exec(s, "COMMIT", e)) {
        db_exec(s->db, "ROLLBACK", NULL);
        rc = -1;
    }
    write_unlock(s);
    return rc;
}

int store_in_write(struct store *s)
{
    return s->holds_write;
}

int store_commit(struct store *s, struct err *e)
{
    s->hist_valid = 0;
    if (s->version >= STORE_TRACK_VERSION && !DB_IS_PG(s->db) && store_track_tx_commit(s, e)) {
        store_rollback(s);
        return -1;
    }
    if (s->group) {
        /* the caller's part is done; durable at the group's commit */
        if (store_exec(s, "RELEASE request", e)) {
            store_rollback(s);
            return -1;
        }
        s->savepoint = 0;
        return 0;
    }
    if (store_exec(s, "COMMIT", e)) {
        store_rollback(s);
        return -1;
    }
    write_unlock(s);
    return 0;
}

void store_rollback(struct store *s)
{
    s->hist_valid = 0;
    if (s->group) {
        /* this caller's writes only; the group's transaction goes on */
        if (s->savepoint) {
            s->savepoint = 0;
            if (db_exec(s->db, "ROLLBACK TO request; RELEASE request", NULL) !=
                    DB_OK ||
                db_autocommit(s->db)) {
                s->group_lost = 1; /* SQLite ended it (an I/O error): the commit says so */
            }
        }
        return;
    }
    if (!db_autocommit(s->db)) {
        db_exec(s->db, "ROLLBACK", NULL);
    }
    write_unlock(s);
}

static int file_gone(const char *path, struct err *e)
{
    return err_set(e, ERR_UNAVAILABLE, NULL,
                   "the ISMS file %s was removed or replaced since the server opened it; "
                   "nothing was read or written. Restart the server to serve the file now at "
                   "that path (or put the original back)", path);
}

/* The file s has open was unlinked or renamed: its last writes, still in
 * the WAL beside the path, go into the file itself (wherever it now is, if
 * anywhere) and the WAL is truncated, so that a file put at the path later
 * does not take those frames as its own when it is opened (the way a file
 * replaced under SQLite gets corrupted). Only outside a transaction. */
static void orphan_checkpoint(struct store *s)
{
    if (s->orphan_done || DB_IS_PG(s->db) || !db_autocommit(s->db)) {
        return;
    }
    s->orphan_done = 1;
    sqlite3_wal_checkpoint_v2(s->db->lite, "main", SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
}

static int has_moved(struct store *s)
{
    if (DB_IS_PG(s->db)) {
        return 0;
    }
    int moved = 0;
    return sqlite3_file_control(s->db->lite, "main", SQLITE_FCNTL_HAS_MOVED, &moved) == SQLITE_OK &&
           moved;
}

int store_file_id(struct store *s, struct store_file_id *out, struct err *e)
{
    if (DB_IS_PG(s->db)) {
        out->dev = out->ino = 0; /* a database, not a file: nothing to replace */
        return 0;
    }
    struct stat sb;
    if (stat(s->path, &sb) != 0 || has_moved(s)) {
        return file_gone(s->path, e);
    }
    out->dev = (unsigned long long)sb.st_dev;
    out->ino = (unsigned long long)sb.st_ino;
    return 0;
}

int store_path_ok(const char *path, const struct store_file_id *want, struct err *e)
{
    if (store_is_url(path)) {
        return 0;
    }
    struct stat sb;
    if (stat(path, &sb) != 0 ||
        (want && ((unsigned long long)sb.st_dev != want->dev ||
                  (unsigned long long)sb.st_ino != want->ino))) {
        return file_gone(path, e);
    }
    return 0;
}

int store_file_ok(struct store *s, const struct store_file_id *want, struct err *e)
{
    /* one stat(2) per request: the path still names the file opened (its
     * device and inode) or it was removed or replaced; SQLite's own test
     * (two more) only once that is so, to send the orphan's WAL home */
    if (store_path_ok(s->path, want, e)) {
        if (has_moved(s)) {
            orphan_checkpoint(s);
        }
        return -1;
    }
    return 0;
}

int store_backup(struct store *s, const char *dest, struct err *e)
{
    if (DB_IS_PG(s->db)) {
        return err_set(e, ERR_USAGE, NULL,
                       "%s is a PostgreSQL database: back it up with pg_dump (or the cluster's "
                       "own backups), or copy it into an ISMS file with isms migrate %s %s",
                       s->path, s->path, dest);
    }
    struct stat sb;
    if (stat(dest, &sb) == 0) {
        return err_set(e, ERR_CONFLICT, NULL, "%s already exists; not overwriting it", dest);
    }
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld", dest, (long)getpid());
    sqlite3 *dst = NULL;
    int rc = -1;
    if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_EXCLUSIVE,
                        NULL) != SQLITE_OK) {
        err_set(e, ERR_STORAGE, NULL, "cannot create %s: %s", tmp,
                dst ? sqlite3_errmsg(dst) : "out of memory");
        goto out;
    }
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", s->db->lite, "main");
    if (!b) {
        err_set(e, ERR_STORAGE, NULL, "cannot start the backup: %s", sqlite3_errmsg(dst));
        goto out;
    }
    /* all pages in one step: one read snapshot, so concurrent writers
     * neither restart the copy nor leave it inconsistent */
    int st = sqlite3_backup_step(b, -1);
    for (int tries = 0; (st == SQLITE_BUSY || st == SQLITE_LOCKED) && tries < 100; tries++) {
        sqlite3_sleep(50);
        st = sqlite3_backup_step(b, -1);
    }
    int fin = sqlite3_backup_finish(b);
    if (st != SQLITE_DONE || fin != SQLITE_OK) {
        err_set(e, ERR_STORAGE, NULL, "the backup failed: %s", sqlite3_errmsg(dst));
        goto out;
    }
    char *msg = NULL;
    if (sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL, &msg) != SQLITE_OK) {
        err_set(e, ERR_STORAGE, NULL, "the backup failed: %s", msg ? msg : "");
        sqlite3_free(msg);
        goto out;
    }
    if (sqlite3_close(dst) != SQLITE_OK) {
        dst = NULL;
        err_set(e, ERR_STORAGE, NULL, "cannot finish %s", tmp);
        goto out;
    }
    dst = NULL;
    if (rename(tmp, dest) != 0) {
        err_set(e, ERR_STORAGE, NULL, "cannot rename %s to %s", tmp, dest);
        goto out;
    }
    rc = 0;
out:
    if (dst) {
        sqlite3_close(dst);
    }
    if (rc) {
        unlink(tmp);
    }
    return rc;
}
