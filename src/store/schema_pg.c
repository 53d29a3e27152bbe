/* schema_pg.c — the PostgreSQL schema, made from SQLite's.
 *
 * The SQLite migrations (schema/NNNN_*.sql) stay the one source of truth:
 * they are applied to an empty in-memory SQLite database and the schema
 * they leave is written out for PostgreSQL — each table from its columns
 * (PRAGMA table_xinfo: INTEGER → BIGINT, REAL → DOUBLE PRECISION, BLOB →
 * BYTEA, TEXT → TEXT COLLATE "C", compared by bytes as SQLite's BINARY
 * whatever the database's locale, a rowid key → an identity column, and
 * SQLite's implicit rowid as a column of its own), its key, its UNIQUE and CHECK
 * constraints, then every foreign key (after all tables, so their order
 * does not matter) and every index as SQLite has it (their SQL is common
 * to both). What SQLite says in its own dialect — the triggers and views —
 * comes from schema/pg.sql, and each of SQLite's must be there under the
 * same name, or this refuses: the two schemas cannot drift apart. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../embed.h"
#include "../lib/buf.h"
#include "../lib/util.h"
#include "store_int.h"

static int lite_err(struct db *db, struct err *e, const char *what)
{
    return err_set(e, ERR_STORAGE, NULL, "the PostgreSQL schema: %s: %s", what, db_errmsg(db));
}

/* Runs sql (one statement over the schema) and calls fn for each row. */
static int each_row(struct db *db, const char *sql, int (*fn)(struct dbst *st, void *ctx),
                    void *ctx, struct err *e)
{
    struct dbst *st = NULL;
    if (db_prepare(db, sql, &st) != DB_OK) {
        return lite_err(db, e, sql);
    }
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (fn(st, ctx)) {
            db_finalize(st);
            return -1;
        }
    }
    db_finalize(st);
    return rc == DB_DONE ? 0 : lite_err(db, e, sql);
}

static int is_ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

static const char *col(struct dbst *st, int i)
{
    const unsigned char *t = db_col_text(st, i);
    return t ? (const char *)t : "";
}

static const char *pg_type(const char *lite)
{
    if (strcasecmp_(lite, "INTEGER") == 0) {
        return "BIGINT";
    }
    if (strcasecmp_(lite, "REAL") == 0) {
        return "DOUBLE PRECISION";
    }
    if (strcasecmp_(lite, "BLOB") == 0) {
        return "BYTEA";
    }
    /* TEXT, and ANY; compared byte by byte as SQLite's are, whatever the
     * database's locale */
    return "TEXT COLLATE \"C\"";
}

/* The CHECK (…) constraints of a CREATE TABLE statement, as written. */
static void checks(const char *sql, struct buf *out)
{
    for (const char *p = sql; *p;) {
        if (*p == '\'') {
            const char *q = p + 1;
            while (*q && !(*q == '\'' && q[1] != '\'')) {
                q += *q == '\'' ? 2 : 1;
            }
            p = *q ? q + 1 : q;
        } else if (*p == '-' && p[1] == '-') {
            p += strcspn(p, "\n");
        } else if (strncasecmp(p, "CHECK", 5) == 0 && (p == sql || !is_ident_char(p[-1])) &&
                   !is_ident_char(p[5])) {
            const char *q = p + 5;
            while (*q == ' ' || *q == '\n' || *q == '\t') {
                q++;
            }
            if (*q != '(') {
                p = q;
                continue;
            }
            int depth = 0;
            const char *start = q;
            for (; *q; q++) {
                if (*q == '\'') {
                    for (q++; *q && !(*q == '\'' && q[1] != '\''); q += *q == '\'' ? 2 : 1) {
                    }
                    if (!*q) {
                        break;
                    }
                } else if (*q == '(') {
                    depth++;
                } else if (*q == ')' && --depth == 0) {
                    q++;
                    break;
                }
            }
            buf_puts(out, ",\n    CHECK ");
            buf_append(out, start, (size_t)(q - start));
            p = q;
        } else {
            p++;
        }
    }
}

struct gen {
    struct db *db;
    struct buf *out;  /* tables, then keys and indexes */
    struct buf later; /* foreign keys and indexes, after every table */
    struct buf bumps; /* the data version's triggers, after pg.sql */
    const char *table;
    int ncols, npk, first;
    char pkcol[64], pktype[16];
    struct buf pk;
    struct err *e;
};

static int pk_row(struct dbst *st, void *ctx)
{
    struct gen *g = ctx;
    if (db_col_int(st, 5) > 0) {
        g->npk++;
        strlcpy_(g->pkcol, col(st, 1), sizeof g->pkcol);
        strlcpy_(g->pktype, col(st, 2), sizeof g->pktype);
        buf_printf(&g->pk, "%s%s", g->npk > 1 ? ", " : "", col(st, 1));
    }
    return 0;
}

static int column_row(struct dbst *st, void *ctx)
{
    struct gen *g = ctx;
    const char *name = col(st, 1), *type = col(st, 2);
    buf_printf(g->out, "%s\n    %s %s", g->ncols++ ? "," : "", name, pg_type(type));
    if (g->npk == 1 && strcmp(name, g->pkcol) == 0 && strcasecmp_(type, "INTEGER") == 0) {
        /* SQLite's rowid: numbered by the database when not given */
        buf_puts(g->out, " GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
        return 0;
    }
    if (db_col_int(st, 3)) {
        buf_puts(g->out, " NOT NULL");
    }
    if (db_col_type(st, 4) != DB_NULL) {
        buf_printf(g->out, " DEFAULT %s", col(st, 4));
    }
    return 0;
}

static int unique_col(struct dbst *st, void *ctx)
{
    struct gen *g = ctx;
    buf_printf(g->out, "%s%s", g->first ? "" : ", ", col(st, 2));
    g->first = 0;
    return 0;
}

static int unique_row(struct dbst *st, void *ctx)
{
    struct gen *g = ctx;
    if (strcmp(col(st, 3), "u") != 0) {
        return 0;
    }
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT * FROM pragma_index_info('%s') ORDER BY seqno", col(st, 1));
    buf_puts(g->out, ",\n    UNIQUE (");
    g->first = 1;
    if (each_row(g->db, sql, unique_col, g, g->e)) {
        return -1;
    }
    buf_puts(g->out, ")");
    return 0;
}

/* pragma_foreign_key_list: id, seq, table, from, to, on_update, on_delete */
struct fk {
    struct gen *g;
    int id;
    struct buf from, to;
    char table[64], on_delete[24], on_update[24];
};

static void fk_flush(struct fk *k)
{
    if (k->id < 0) {
        return;
    }
    buf_printf(&k->g->later, "ALTER TABLE %s ADD FOREIGN KEY (%s) REFERENCES %s", k->g->table,
               buf_str(&k->from), k->table);
    if (k->to.len) {
        buf_printf(&k->g->later, " (%s)", buf_str(&k->to));
    }
    if (strcmp(k->on_delete, "NO ACTION") != 0) {
        buf_printf(&k->g->later, " ON DELETE %s", k->on_delete);
    }
    if (strcmp(k->on_update, "NO ACTION") != 0) {
        buf_printf(&k->g->later, " ON UPDATE %s", k->on_update);
    }
    /* checked at once, as SQLite's; an import defers them to its commit
     * (SET CONSTRAINTS ALL DEFERRED, SQLite's defer_foreign_keys) */
    buf_puts(&k->g->later, " DEFERRABLE INITIALLY IMMEDIATE;\n");
    buf_reset(&k->from);
    buf_reset(&k->to);
}

static int fk_row(struct dbst *st, void *ctx)
{
    struct fk *k = ctx;
    if (db_col_int(st, 0) != k->id) {
        fk_flush(k);
        k->id = db_col_int(st, 0);
        strlcpy_(k->table, col(st, 2), sizeof k->table);
        strlcpy_(k->on_update, col(st, 5), sizeof k->on_update);
        strlcpy_(k->on_delete, col(st, 6), sizeof k->on_delete);
    }
    buf_printf(&k->from, "%s%s", k->from.len ? ", " : "", col(st, 3));
    if (db_col_type(st, 4) != DB_NULL) {
        buf_printf(&k->to, "%s%s", k->to.len ? ", " : "", col(st, 4));
    }
    return 0;
}

static int table(struct gen *g, const char *name, const char *sql)
{
    char q[200];
    g->table = name;
    g->ncols = g->npk = 0;
    buf_init(&g->pk, 0);
    buf_printf(g->out, "CREATE TABLE %s (", name);
    snprintf(q, sizeof q, "SELECT * FROM pragma_table_xinfo('%s') ORDER BY cid", name);
    int rc = each_row(g->db, q, pk_row, g, g->e) || each_row(g->db, q, column_row, g, g->e);
    if (!rc && (g->npk > 1 || (g->npk == 1 && strcasecmp_(g->pktype, "INTEGER") != 0))) {
        buf_printf(g->out, ",\n    PRIMARY KEY (%s)", buf_str(&g->pk));
    }
    /* SQLite's rowid, which queries may name (ORDER BY rowid: the order
     * rows were inserted in), as a column: the key itself when the table
     * has a rowid key, else numbered as rows are inserted */
    if (!rc && !strstr(sql, "WITHOUT ROWID")) {
        if (g->npk == 1 && strcasecmp_(g->pktype, "INTEGER") == 0) {
            buf_printf(g->out, ",\n    rowid BIGINT GENERATED ALWAYS AS (%s) STORED", g->pkcol);
        } else {
            buf_puts(g->out, ",\n    rowid BIGINT GENERATED ALWAYS AS IDENTITY");
        }
    }
    snprintf(q, sizeof q, "SELECT * FROM pragma_index_list('%s') ORDER BY name", name);
    rc = rc || each_row(g->db, q, unique_row, g, g->e);
    checks(sql, g->out);
    buf_puts(g->out, "\n);\n");
    /* every write moves the data version (isms_bump, schema/pg.sql) */
    buf_printf(&g->bumps,
               "CREATE TRIGGER isms_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %s "
               "FOR EACH STATEMENT EXECUTE FUNCTION isms_bump();\n",
               name);
    struct fk k = {.g = g, .id = -1};
    buf_init(&k.from, 0);
    buf_init(&k.to, 0);
    snprintf(q, sizeof q, "SELECT * FROM pragma_foreign_key_list('%s') ORDER BY id, seq", name);
    rc = rc || each_row(g->db, q, fk_row, &k, g->e);
    fk_flush(&k);
    buf_free(&k.from);
    buf_free(&k.to);
    buf_free(&g->pk);
    return rc ? -1 : 0;
}

struct objects {
    struct gen *g;
    const char *extra;
};

static int object_row(struct dbst *st, void *ctx)
{
    struct objects *o = ctx;
    struct gen *g = o->g;
    const char *type = col(st, 0), *name = col(st, 1), *sql = col(st, 2);
    if (strcmp(type, "table") == 0) {
        return table(g, name, sql);
    }
    if (strcmp(type, "index") == 0) {
        if (*sql) { /* not one SQLite made for a key */
            buf_printf(&g->later, "%s;\n", sql);
        }
        return 0;
    }
    /* a trigger or a view: the dialect's own, in pg.sql */
    char want[160];
    snprintf(want, sizeof want, "CREATE %s %s ", strcmp(type, "view") == 0 ? "VIEW" : "TRIGGER",
             name);
    if (!strstr(o->extra, want)) {
        return err_set(g->e, ERR_STORAGE, NULL,
                       "the PostgreSQL schema: SQLite's %s %s has no counterpart in "
                       "src/store/schema/pg.sql",
                       type, name);
    }
    return 0;
}

int store_pg_schema(struct buf *out, struct err *e)
{
    struct db *db = NULL;
    if (db_open_lite(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &db) != DB_OK) {
        db_close(db);
        return err_set(e, ERR_STORAGE, NULL, "the PostgreSQL schema: no in-memory database");
    }
    store_lite_functions(db->lite);
    int version = 0, rc = 0;
    const char *sql;
    for (int i = 0; !rc && (sql = store_migration(i, &version)) != NULL; i++) {
        char *msg = NULL;
        if (db_exec(db, sql, &msg) != DB_OK) {
            rc = err_set(e, ERR_STORAGE, NULL, "the PostgreSQL schema: migration %d: %s", version,
                         msg ? msg : "");
        }
        db_free(msg);
    }
    struct gen g = {.db = db, .out = out, .e = e};
    buf_init(&g.later, 0);
    buf_init(&g.bumps, 0);
    struct objects o = {.g = &g, .extra = schema_pg};
    buf_printf(out,
               "-- the ISMS schema %d for PostgreSQL, generated by isms from its SQLite "
               "migrations (src/store/schema_pg.c)\n",
               version);
    rc = rc || each_row(db,
                        "SELECT type, name, sql FROM sqlite_schema "
                        "WHERE name NOT LIKE 'sqlite_%' ORDER BY type = 'table' DESC, rowid",
                        object_row, &o, e);
    if (!rc) {
        buf_puts(out, buf_str(&g.later));
        buf_puts(out, schema_pg);
        buf_puts(out, buf_str(&g.bumps));
        buf_printf(out,
                   "INSERT INTO isms_meta (key, value) VALUES ('application', 'ISMS'), "
                   "('version', '%d');\n",
                   version);
    }
    buf_free(&g.later);
    buf_free(&g.bumps);
    db_close(db);
    return rc;
}
