/* db.c — the engine seam of db.h: the calls that are not one line, on
 * SQLite; db_pg.c has PostgreSQL's. */
#include "db.h"

#include <stdlib.h>

#include "../lib/util.h"

int db_open_lite(const char *path, int flags, struct db **out)
{
    struct db *db = xcalloc(1, sizeof *db);
    *out = db;
    int rc = sqlite3_open_v2(path, &db->lite, flags, NULL);
    if (!db->lite) {
        free(db);
        *out = NULL;
    }
    return rc;
}

void db_close(struct db *db)
{
    if (!db) {
        return;
    }
    if (db->pg) {
        pg_close(db);
    } else {
        sqlite3_close(db->lite);
    }
    free(db);
}

static int prepare(struct db *db, const char *sql, unsigned flags, struct dbst **st)
{
    *st = NULL;
    if (DB_IS_PG(db)) {
        return pg_prepare(db, sql, st);
    }
    sqlite3_stmt *lite = NULL;
    int rc = sqlite3_prepare_v3(db->lite, sql, -1, flags, &lite, NULL);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(lite);
        return rc;
    }
    *st = xcalloc(1, sizeof **st);
    (*st)->lite = lite;
    return DB_OK;
}

int db_prepare(struct db *db, const char *sql, struct dbst **st)
{
    return prepare(db, sql, 0, st);
}

int db_prepare_keep(struct db *db, const char *sql, struct dbst **st)
{
    return prepare(db, sql, SQLITE_PREPARE_PERSISTENT, st);
}

int db_finalize(struct dbst *st)
{
    if (!st) {
        return DB_OK;
    }
    int rc = DB_IS_PG(st) ? pg_finalize(st->pg) : sqlite3_finalize(st->lite);
    free(st);
    return rc;
}

int db_exec(struct db *db, const char *sql, char **msg)
{
    if (msg) {
        *msg = NULL;
    }
    if (DB_IS_PG(db)) {
        return pg_exec(db, sql, msg);
    }
    char *m = NULL;
    int rc = sqlite3_exec(db->lite, sql, NULL, NULL, msg ? &m : NULL);
    if (m) {
        *msg = xstrdup(m);
        sqlite3_free(m);
    }
    return rc;
}

void db_free(void *p)
{
    free(p);
}
