/* test_db.c — the store's engine seam (src/store/db.h): one conformance
 * suite run on SQLite (an in-memory database, always) and on PostgreSQL
 * when $ISMS_TEST_PG names a database (tests/pg/run sets it to a
 * throwaway cluster's): parameters in SQLite's forms, binds of each kind,
 * storage classes read back, several statements stepped at once, changes,
 * transactions, and errors by kind with their message. */
#include <stdlib.h>
#include <string.h>

#include "../../src/lib/buf.h"
#include "../../src/lib/err.h"
#include "../../src/store/store_int.h"
#include "test.h"

static void seam_suite(struct db *db, const char *engine)
{
    fprintf(stderr, "  seam on %s\n", engine);
    char *msg = NULL;
    CHECK_INT(db_exec(db,
                      "DROP TABLE IF EXISTS seam_t; "
                      "CREATE TABLE seam_t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, "
                      "n INTEGER, x DOUBLE PRECISION, b BYTEA)",
                      &msg),
              DB_OK);
    CHECK(msg == NULL);
    CHECK_INT(db_autocommit(db), 1);

    /* ?N, :name used twice, and a literal with a '?' and ':x' in it */
    struct dbst *ins = NULL;
    CHECK_INT(db_prepare(db,
                         "INSERT INTO seam_t (id, name, n, x, b) VALUES (?1, :name, ?3, :x, ?5)",
                         &ins),
              DB_OK);
    if (!ins) {
        return;
    }
    CHECK_INT(db_param_index(ins, ":name"), 2);
    CHECK_INT(db_param_index(ins, ":x"), 4);
    CHECK_INT(db_param_index(ins, ":nothing"), 0);
    CHECK_INT(db_exec(db, "BEGIN", NULL), DB_OK);
    CHECK_INT(db_autocommit(db), 0);
    for (int i = 1; i <= 3; i++) {
        char name[32];
        snprintf(name, sizeof name, "item %d", i);
        db_bind_int64(ins, 1, i);
        db_bind_text(ins, 2, name, -1);
        if (i == 2) {
            db_bind_null(ins, 3);
        } else {
            db_bind_int(ins, 3, i * 10);
        }
        db_bind_double(ins, 4, i + 0.5);
        db_bind_blob(ins, 5, "a\0b", 3);
        CHECK_INT(db_step(ins), DB_DONE);
        CHECK_INT(db_changes(db), 1);
        db_reset(ins);
    }
    CHECK_INT(db_exec(db, "COMMIT", NULL), DB_OK);
    CHECK_INT(db_autocommit(db), 1);

    /* a unique name again: a constraint error, with a message */
    db_bind_int64(ins, 1, 9);
    db_bind_text(ins, 2, "item 1", -1);
    int rc = db_step(ins);
    CHECK_INT(rc == DB_CONSTRAINT || (rc & 0xff) == DB_CONSTRAINT, 1);
    CHECK(strlen(db_errmsg(db)) > 0);
    db_reset(ins);
    db_finalize(ins);

    /* storage classes */
    struct dbst *sel = NULL;
    CHECK_INT(
        db_prepare(db,
                   "SELECT id, name, n, x, b, 'it''s ?1 :x' FROM seam_t WHERE id >= ? ORDER BY id",
                   &sel),
        DB_OK);
    if (!sel) {
        return;
    }
    db_bind_int64(sel, 1, 1);
    CHECK_INT(db_step(sel), DB_ROW);
    CHECK_INT(db_col_type(sel, 0), DB_INTEGER);
    CHECK_INT(db_col_int64(sel, 0), 1);
    CHECK_INT(db_col_type(sel, 1), DB_TEXT);
    CHECK_STR((const char *)db_col_text(sel, 1), "item 1");
    CHECK_INT(db_col_bytes(sel, 1), 6);
    CHECK_INT(db_col_int(sel, 2), 10);
    CHECK_INT(db_col_type(sel, 3), DB_FLOAT);
    CHECK(db_col_double(sel, 3) == 1.5);
    CHECK_INT(db_col_type(sel, 4), DB_BLOB);
    CHECK_INT(db_col_bytes(sel, 4), 3);
    const char *blob = db_col_blob(sel, 4);
    CHECK(blob && memcmp(blob, "a\0b", 3) == 0);
    CHECK_STR((const char *)db_col_text(sel, 5), "it's ?1 :x");
    CHECK(db_busy(sel));

    /* a second statement stepped while the first is in the middle */
    struct dbst *cnt = NULL;
    CHECK_INT(db_prepare(db, "SELECT count(*) FROM seam_t WHERE n IS NULL", &cnt), DB_OK);
    if (cnt) {
        CHECK_INT(db_step(cnt), DB_ROW);
        CHECK_INT(db_col_int64(cnt, 0), 1);
        CHECK_INT(db_step(cnt), DB_DONE);
        db_finalize(cnt);
    }
    CHECK_INT(db_step(sel), DB_ROW);
    CHECK_INT(db_col_type(sel, 2), DB_NULL);
    CHECK(db_col_text(sel, 2) == NULL);
    CHECK_INT(db_col_int64(sel, 2), 0);
    CHECK_INT(db_step(sel), DB_ROW);
    CHECK_INT(db_step(sel), DB_DONE);
    CHECK(!db_busy(sel));

    /* reset keeps the bindings; clear_bindings sets them NULL */
    db_reset(sel);
    CHECK_INT(db_step(sel), DB_ROW);
    CHECK_INT(db_col_int64(sel, 0), 1);
    db_reset(sel);
    db_bind_int64(sel, 1, 3);
    CHECK_INT(db_step(sel), DB_ROW);
    CHECK_INT(db_col_int64(sel, 0), 3);
    db_reset(sel);
    db_clear_bindings(sel);
    CHECK_INT(db_step(sel), DB_DONE); /* id >= NULL: nothing */
    db_finalize(sel);

    /* an UPDATE's changes; a rolled-back transaction leaves nothing */
    CHECK_INT(db_exec(db, "UPDATE seam_t SET n = 7 WHERE id <= 2", NULL), DB_OK);
    CHECK_INT(db_changes(db), 2);
    CHECK_INT(db_exec(db, "BEGIN; DELETE FROM seam_t; ROLLBACK", NULL), DB_OK);
    struct dbst *all = NULL;
    CHECK_INT(db_prepare(db, "SELECT count(*) FROM seam_t", &all), DB_OK);
    if (all) {
        CHECK_INT(db_step(all), DB_ROW);
        CHECK_INT(db_col_int64(all, 0), 3);
        db_finalize(all);
    }

    /* bytes that are not UTF-8 (a hostile URL's) match nothing, and are
     * no error */
    struct dbst *bytes = NULL;
    CHECK_INT(db_prepare(db, "SELECT count(*) FROM seam_t WHERE name = ?1 OR name LIKE ?2", &bytes),
              DB_OK);
    if (bytes) {
        db_bind_text(bytes, 1, "item\xc0\xaf", -1);
        db_bind_text(bytes, 2, "%\xff%", -1);
        CHECK_INT(db_step(bytes), DB_ROW);
        CHECK_INT(db_col_int64(bytes, 0), 0);
        db_finalize(bytes);
    }

    /* a syntax error at prepare time, with the engine's message */
    struct dbst *bad = (struct dbst *)1;
    CHECK(db_prepare(db, "SELEC 1", &bad) != DB_OK);
    CHECK(bad == NULL);
    CHECK(strstr(db_errmsg(db), "SELEC") != NULL || strstr(db_errmsg(db), "syntax") != NULL);
    msg = NULL;
    CHECK(db_exec(db, "DROP TABLE seam_nothing", &msg) != DB_OK);
    CHECK(msg && strstr(msg, "seam_nothing"));
    db_free(msg);
    CHECK_INT(db_exec(db, "DROP TABLE seam_t", NULL), DB_OK);
}

TEST(db_seam_sqlite)
{
    struct db *db = NULL;
    CHECK_INT(db_open_lite(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &db), DB_OK);
    if (db) {
        seam_suite(db, "SQLite");
    }
    db_close(db);
}

TEST(db_seam_postgresql)
{
    const char *url = getenv("ISMS_TEST_PG");
    if (!url || !*url) {
        return; /* tests/pg/run runs this with a cluster */
    }
    struct db *db = NULL;
    int rc = db_open_pg(url, &db);
    CHECK_INT(rc, DB_OK);
    if (rc != DB_OK) {
        fprintf(stderr, "  %s\n", db ? db_errmsg(db) : "out of memory");
    } else {
        seam_suite(db, "PostgreSQL");
    }
    db_close(db);
    /* a server that is not there: an error with libpq's reason */
    db = NULL;
    CHECK(db_open_pg("postgresql://isms@127.0.0.1:1/none?connect_timeout=2", &db) != DB_OK);
    CHECK(db && strstr(db_errmsg(db), "127.0.0.1"));
    db_close(db);
}

/* pg_sql: SQLite's parameter forms as PostgreSQL's */
static void check_sql(const char *in, const char *want, int wantn)
{
    struct buf b;
    buf_init(&b, 0);
    char **names = NULL;
    int n = 0;
    pg_sql(in, &b, &names, &n);
    CHECK_STR(buf_str(&b), want);
    CHECK_INT(n, wantn);
    for (int i = 0; i < n; i++) {
        free(names[i]);
    }
    free(names);
    buf_free(&b);
}

TEST(db_pg_sql_params)
{
    check_sql("SELECT 1", "SELECT 1", 0);
    check_sql("a = ?1 AND b = ?2 OR c = ?1", "a = $1 AND b = $2 OR c = $1", 2);
    check_sql("? , ?, ?", "$1 , $2, $3", 3);
    check_sql("x = :a AND y = :b AND z = :a", "x = $1 AND y = $2 AND z = $1", 2);
    check_sql("?2 AND :n", "$2 AND $3", 3); /* a name takes the next number, as in SQLite */
    check_sql("'?1 :a' || \"col:x\" -- :c ?\n/* ?9 */ ?1",
              "'?1 :a' || \"col:x\" -- :c ?\n/* ?9 */ $1", 1);
    check_sql("'it''s ?' = ?", "'it''s ?' = $1", 1);
    check_sql("x::text = :v", "x::text = $1", 1);
    check_sql("LIKE :s ESCAPE '\\'", "LIKE $1 ESCAPE '\\'", 1);
    check_sql("time(:t)", "time($1)", 1);
}

/* The PostgreSQL schema made from the SQLite migrations: every table is
 * there, with its columns in order; applied to PostgreSQL it is taken
 * whole, and its guards hold (the history is append-only, a sign-off
 * cannot be deleted, a duplicate key is a constraint error). */
static int count_of(struct db *db, const char *sql)
{
    struct dbst *st = NULL;
    int n = -1;
    if (db_prepare(db, sql, &st) == DB_OK && db_step(st) == DB_ROW) {
        n = db_col_int(st, 0);
    }
    db_finalize(st);
    return n;
}

TEST(db_pg_schema)
{
    struct buf b;
    buf_init(&b, 0);
    struct err e = {0};
    CHECK_INT(store_pg_schema(&b, &e), 0);
    const char *ddl = buf_str(&b);
    CHECK(strstr(ddl, "CREATE TABLE history (") != NULL);
    CHECK(strstr(ddl, "CREATE TABLE risk (") != NULL);
    CHECK(strstr(ddl, " GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY") != NULL);
    CHECK(strstr(ddl, "STRICT") == NULL);
    CHECK(strstr(ddl, "CREATE TRIGGER history_append_only_u ") != NULL);
    CHECK(strstr(ddl, "ALTER TABLE risk ADD FOREIGN KEY (owner) REFERENCES person (ref) DEFERRABLE INITIALLY IMMEDIATE;") != NULL);
    CHECK(strstr(ddl, "CHECK (kind IN ('oidc', 'ldap', 'local'))") != NULL);

    const char *url = getenv("ISMS_TEST_PG");
    if (url && *url) {
        struct db *db = NULL;
        CHECK_INT(db_open_pg(url, &db), DB_OK);
        char *msg = NULL;
        CHECK_INT(db_exec(db,
                          "DROP SCHEMA IF EXISTS seam CASCADE; CREATE SCHEMA seam; "
                          "SET search_path = seam",
                          NULL),
                  DB_OK);
        int rc = db_exec(db, ddl, &msg);
        CHECK_INT(rc, DB_OK);
        if (rc != DB_OK) {
            fprintf(stderr, "  %s\n", msg ? msg : "");
        }
        db_free(msg);
        /* as many tables, columns, foreign keys and triggers as SQLite's */
        struct db *lite = NULL;
        CHECK_INT(db_open_lite(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &lite),
                  DB_OK);
        store_lite_functions(lite->lite);
        int v = 0;
        const char *m;
        for (int i = 0; (m = store_migration(i, &v)) != NULL; i++) {
            CHECK_INT(db_exec(lite, m, NULL), DB_OK);
        }
        CHECK_INT(count_of(db, "SELECT count(*) FROM information_schema.tables WHERE "
                               "table_schema = 'seam' AND table_type = 'BASE TABLE' AND "
                               "table_name NOT IN ('isms_meta', 'isms_change')"),
                  count_of(lite, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND "
                                 "name NOT LIKE 'sqlite_%'"));
        CHECK_INT(count_of(db, "SELECT count(*) FROM information_schema.columns WHERE "
                               "table_schema = 'seam' AND table_name IN (SELECT table_name FROM "
                               "information_schema.tables WHERE table_schema = 'seam' AND "
                               "table_type = 'BASE TABLE' AND table_name NOT IN ('isms_meta', 'isms_change')) AND "
                               "column_name <> 'rowid'"),
                  count_of(lite, "SELECT count(*) FROM sqlite_schema s, pragma_table_xinfo(s.name) "
                                 "WHERE s.type = 'table' AND s.name NOT LIKE 'sqlite_%'"));
        CHECK_INT(count_of(db, "SELECT count(*) FROM information_schema.table_constraints WHERE "
                               "table_schema = 'seam' AND constraint_type = 'FOREIGN KEY'"),
                  count_of(lite,
                           "SELECT count(DISTINCT s.name || '.' || f.id) FROM sqlite_schema s, "
                           "pragma_foreign_key_list(s.name) f WHERE s.type = 'table'"));
        CHECK_INT(count_of(db,
                           "SELECT count(DISTINCT trigger_name) FROM information_schema.triggers "
                           "WHERE trigger_schema = 'seam' AND trigger_name <> 'isms_changed'"),
                  count_of(lite, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'"));
        CHECK_INT(count_of(db, "SELECT count(*) FROM pg_indexes WHERE schemaname = 'seam' AND "
                               "indexname NOT LIKE '%_pkey' AND indexname NOT LIKE '%_key'"),
                  count_of(lite, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND "
                                 "sql IS NOT NULL"));
        db_close(lite);
        /* the guards */
        CHECK_INT(
            db_exec(db,
                    "INSERT INTO history (seq, at, actor, type, ref, action, before, after, prev, "
                    "hash) "
                    "VALUES (1, '2026-01-01T00:00:00Z', 'a', 'risk', 'R-1', 'create', NULL, '{}', "
                    "'', 'h')",
                    &msg),
            DB_OK);
        if (msg) {
            fprintf(stderr, "  %s\n", msg);
            db_free(msg);
            msg = NULL;
        }
        CHECK_INT(db_exec(db, "UPDATE history SET actor = 'b'", &msg), DB_CONSTRAINT);
        CHECK(msg && strstr(msg, "history is append-only"));
        db_free(msg);
        msg = NULL;
        CHECK_INT(db_exec(db, "DELETE FROM history", &msg), DB_CONSTRAINT);
        db_free(msg);
        CHECK_INT(count_of(db, "SELECT value::int FROM isms_meta WHERE key = 'version'"),
                  store_latest_version());
        db_exec(db, "DROP SCHEMA seam CASCADE", NULL);
        db_close(db);
    }
    buf_free(&b);
}
