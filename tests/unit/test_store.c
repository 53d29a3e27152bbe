/* test_store.c — the ISMS file: creation, pragmas, migrations (older files
 * upgraded in one transaction, a failed upgrade leaves the file as it was),
 * refusal of newer, foreign, empty and corrupt files, and agreement between
 * the record declarations and the SQL schema. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/app/app.h"
#include "../../src/app/documents.h"
#include "../../src/lib/buf.h"
#include "../../src/lib/util.h"
#include "../../src/store/store.h"
#include "test.h"

static void rm_isms(const char *p)
{
    char b[256];
    unlink(p);
    snprintf(b, sizeof b, "%s-wal", p);
    unlink(b);
    snprintf(b, sizeof b, "%s-shm", p);
    unlink(b);
}

static int sql_int(const char *path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    int v = -1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW) {
            v = sqlite3_column_int(st, 0);
        }
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return v;
}

static int sql_exec(const char *path, const char *sql)
{
    sqlite3 *db;
    int rc = sqlite3_open(path, &db);
    if (rc == SQLITE_OK) {
        rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    }
    sqlite3_close(db);
    return rc;
}

TEST(store_create_pragmas)
{
    struct store *s;
    struct err e = {0};
    rm_isms("p.isms");
    CHECK(store_open("p.isms", STORE_CREATE, &s, &e) == 0);
    CHECK(store_schema_version(s) == store_latest_version());
    store_close(s);
    CHECK(sql_int("p.isms", "PRAGMA application_id") == 0x49534d53);
    CHECK(sql_int("p.isms", "PRAGMA user_version") == store_latest_version());
    CHECK(sql_int("p.isms", "SELECT count(*) FROM pragma_journal_mode WHERE journal_mode='wal'") ==
          1);
    /* every table of ours is STRICT (SQLite's own, the planner's statistics, are not) */
    CHECK(sql_int("p.isms", "SELECT count(*) FROM sqlite_schema WHERE type='table' AND "
                            "name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND "
                            "sql NOT LIKE '%STRICT%'") == 0);
    /* the planner's statistics are there from the start (store.c, plan_statistics) */
    CHECK(sql_int("p.isms", "SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_stat1'") ==
          1);
    /* creating over an existing file is refused and leaves it alone */
    CHECK(store_open("p.isms", STORE_CREATE, &s, &e) != 0);
    CHECK(e.code == ERR_CONFLICT);
    CHECK(sql_int("p.isms", "PRAGMA user_version") == store_latest_version());
    rm_isms("p.isms");
}

TEST(store_migrates_older_file)
{
    struct store *s;
    struct err e = {0};
    rm_isms("m.isms");
    store_test_limit_version(1);
    CHECK(store_open("m.isms", STORE_CREATE, &s, &e) == 0);
    store_test_limit_version(0);
    store_close(s);
    CHECK(sql_int("m.isms", "PRAGMA user_version") == 1);
    CHECK(sql_exec("m.isms", "INSERT INTO refseq VALUES ('R', 7)") == SQLITE_OK);
    CHECK(sql_int("m.isms", "SELECT count(*) FROM sqlite_schema WHERE name='risk'") == 0);

    CHECK(store_open("m.isms", 0, &s, &e) == 0);
    CHECK(store_schema_version(s) == store_latest_version());
    store_close(s);
    CHECK(sql_int("m.isms", "PRAGMA user_version") == store_latest_version());
    CHECK(sql_int("m.isms", "SELECT count(*) FROM sqlite_schema WHERE name='risk'") == 1);
    CHECK(sql_int("m.isms", "SELECT last FROM refseq WHERE prefix='R'") == 7);
    rm_isms("m.isms");
}

TEST(store_failed_migration_changes_nothing)
{
    struct store *s;
    struct err e = {0};
    rm_isms("f.isms");
    store_test_limit_version(1);
    CHECK(store_open("f.isms", STORE_CREATE, &s, &e) == 0);
    store_test_limit_version(0);
    store_close(s);
    /* migration 2 creates a table, then fails half-way */
    store_test_override_migration(2, "CREATE TABLE half (x INTEGER) STRICT; "
                                     "INSERT INTO nonexistent VALUES (1);");
    CHECK(store_open("f.isms", 0, &s, &e) != 0);
    store_test_override_migration(2, NULL);
    CHECK(e.code == ERR_STORAGE);
    CHECK(strstr(e.msg, "unchanged") != NULL);
    CHECK(sql_int("f.isms", "PRAGMA user_version") == 1);
    CHECK(sql_int("f.isms", "SELECT count(*) FROM sqlite_schema WHERE name='half'") == 0);
    /* and the real migration still works afterwards */
    CHECK(store_open("f.isms", 0, &s, &e) == 0);
    store_close(s);
    CHECK(sql_int("f.isms", "PRAGMA user_version") == store_latest_version());
    rm_isms("f.isms");
}

TEST(store_refuses_newer_foreign_corrupt)
{
    struct store *s;
    struct err e = {0};
    rm_isms("n.isms");
    CHECK(store_open("n.isms", STORE_CREATE, &s, &e) == 0);
    store_close(s);
    CHECK(sql_exec("n.isms", "PRAGMA user_version = 999") == SQLITE_OK);
    CHECK(store_open("n.isms", 0, &s, &e) != 0);
    CHECK(strstr(e.msg, "newer") != NULL);
    CHECK(sql_int("n.isms", "PRAGMA user_version") == 999);
    rm_isms("n.isms");

    rm_isms("o.db");
    CHECK(sql_exec("o.db", "CREATE TABLE t (x)") == SQLITE_OK);
    CHECK(store_open("o.db", 0, &s, &e) != 0);
    CHECK(strstr(e.msg, "not an ISMS file") != NULL);
    rm_isms("o.db");

    FILE *f = fopen("t.isms", "w");
    fputs("just some text, not a database\n", f);
    fclose(f);
    CHECK(store_open("t.isms", 0, &s, &e) != 0);
    CHECK(strstr(e.msg, "not an ISMS file") != NULL);
    unlink("t.isms");

    f = fopen("z.isms", "w");
    fclose(f);
    CHECK(store_open("z.isms", 0, &s, &e) != 0);
    CHECK(strstr(e.msg, "empty") != NULL);
    unlink("z.isms");

    CHECK(store_open("missing.isms", 0, &s, &e) != 0);
    CHECK(e.code == ERR_NOTFOUND);

    /* corrupt: a valid header but garbage pages */
    rm_isms("c.isms");
    CHECK(store_open("c.isms", STORE_CREATE, &s, &e) == 0);
    store_close(s);
    f = fopen("c.isms", "r+b");
    fseek(f, 4096, SEEK_SET);
    for (int i = 0; i < 16384; i++) {
        fputc((i * 7919) & 0xff, f);
    }
    fclose(f);
    struct app a;
    int rc = app_open(&a, "c.isms", "test", &e);
    if (rc == 0) {
        /* the header survived: verify must find the damage */
        struct verify_result vr;
        CHECK(app_verify(&a, &vr, &e) != 0);
        app_close(&a);
    }
    CHECK(e.msg[0] != 0);
    rm_isms("c.isms");
}

/* Every declared field is a column of the right SQL type, NOT NULL exactly
 * when required (plus created/updated), with a foreign key for references;
 * every field with a sort key (field_has_sortkey) has its NAME_sk column,
 * TEXT and nullable, in the table and in the released view of a type that
 * has one; and there are no undeclared columns. */
TEST(store_schema_agrees)
{
    struct store *s;
    struct err e = {0};
    rm_isms("s.isms");
    CHECK(store_open("s.isms", STORE_CREATE, &s, &e) == 0);
    store_close(s);
    sqlite3 *db;
    CHECK(sqlite3_open("s.isms", &db) == SQLITE_OK);
    for (int ti = 0; ti < nrtypes; ti++) {
        const struct rtype *t = rtypes[ti];
        char sql[256];
        snprintf(sql, sizeof sql, "SELECT name, type, \"notnull\" FROM pragma_table_info('%s')",
                 t->name);
        sqlite3_stmt *st;
        CHECK(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK);
        int ncols = 0, declared = 2; /* id, ref */
        for (int i = 0; i < t->nfields; i++) {
            const char *n = t->fields[i].name;
            declared += t->fields[i].type != F_REFS;
            declared += field_has_sortkey(t, &t->fields[i]);
            /* a declared name never looks like a sort key's column */
            if (strlen(n) > 3 && !strcmp(n + strlen(n) - 3, SORTKEY_SUFFIX)) {
                fprintf(stderr, "  %s.%s: a field named like a sort key\n", t->name, n);
                test_failures++;
            }
        }
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *name = (const char *)sqlite3_column_text(st, 0);
            const char *type = (const char *)sqlite3_column_text(st, 1);
            int notnull = sqlite3_column_int(st, 2);
            ncols++;
            if (!strcmp(name, "id") || !strcmp(name, "ref")) {
                continue;
            }
            if (store_derived_column(t->name, name)) {
                /* NAME_sk of a field with a sort key (counted in declared) */
                if (strcmp(type, "TEXT") != 0 || notnull) {
                    fprintf(stderr, "  %s.%s: a sort key is TEXT and may be NULL (%s, %d)\n",
                            t->name, name, type, notnull);
                    test_failures++;
                }
                continue;
            }
            const struct field *f = rtype_field(t, name, NULL);
            if (!f || f->type == F_REFS) {
                fprintf(stderr, "  %s.%s: column not declared\n", t->name, name);
                test_failures++;
                continue;
            }
            if (strcmp(type, ftype_sql(f->type)) != 0) {
                fprintf(stderr, "  %s.%s: column %s, declared %s\n", t->name, name, type,
                        ftype_sql(f->type));
                test_failures++;
            }
            int want = (f->flags & FL_REQUIRED) || !strcmp(name, FIELD_CREATED) ||
                       !strcmp(name, FIELD_UPDATED);
            if (notnull != want) {
                fprintf(stderr, "  %s.%s: NOT NULL is %d, declared %d\n", t->name, name, notnull,
                        want);
                test_failures++;
            }
        }
        sqlite3_finalize(st);
        if (ncols != declared) {
            fprintf(stderr, "  %s: %d columns, %d declared\n", t->name, ncols, declared);
            test_failures++;
        }
        /* the released view (documents) orders by keys of its own */
        snprintf(sql, sizeof sql, "SELECT count(*) FROM pragma_table_info('%s_released') "
                 "WHERE name LIKE '%%\\_sk' ESCAPE '\\'", t->name);
        CHECK(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK);
        int nview = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
        sqlite3_finalize(st);
        int nkeyed = 0;
        for (int i = 0; i < t->nfields; i++) {
            nkeyed += field_has_sortkey(t, &t->fields[i]);
        }
        if (nview > 0 || !strcmp(t->name, "document")) {
            for (int i = 0; i < t->nfields; i++) {
                if (!field_has_sortkey(t, &t->fields[i])) {
                    continue;
                }
                snprintf(sql, sizeof sql, "SELECT count(*) FROM pragma_table_info('%s_released') "
                         "WHERE name = '%s" SORTKEY_SUFFIX "'", t->name, t->fields[i].name);
                CHECK(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK);
                if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_int(st, 0) != 1) {
                    fprintf(stderr, "  %s_released: no column %s" SORTKEY_SUFFIX "\n", t->name,
                            t->fields[i].name);
                    test_failures++;
                }
                sqlite3_finalize(st);
            }
            CHECK_INT(nview, nkeyed);
        }
        /* references have foreign keys to the referenced type */
        snprintf(sql, sizeof sql, "SELECT \"from\", \"table\", \"to\" FROM pragma_foreign_key_list('%s')",
                 t->name);
        CHECK(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK);
        int nfk = 0, nref = 0;
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *from = (const char *)sqlite3_column_text(st, 0);
            const struct field *f = rtype_field(t, from, NULL);
            nfk++;
            CHECK(f && f->type == F_REF);
            if (f && f->ref) {
                CHECK_STR((const char *)sqlite3_column_text(st, 1), f->ref);
            }
            CHECK_STR((const char *)sqlite3_column_text(st, 2), "ref");
        }
        sqlite3_finalize(st);
        for (int i = 0; i < t->nfields; i++) {
            nref += t->fields[i].type == F_REF;
        }
        if (nfk != nref) {
            fprintf(stderr, "  %s: %d foreign keys, %d references declared\n", t->name, nfk, nref);
            test_failures++;
        }
    }
    sqlite3_close(db);
    rm_isms("s.isms");
}

static int count_people(struct store *s, const char *search)
{
    struct err e = {0};
    struct query q = {0};
    q.search = search;
    return (int)store_count_query(s, principal_sys(), rtype_find("person"), &q, &e);
}

/* Counts are cached inside read transactions by the file's data version:
 * a write through this connection or another one shows in the next read,
 * never a stale number; outside a read transaction nothing is cached. */
TEST(store_count_cache_follows_writes)
{
    const char *path = "/tmp/isms-unit-count.isms";
    rm_isms(path);
    struct app a = {0}, b = {0};
    struct err e = {0};
    CHECK(app_create(&a, path, "tester", &e) == 0);
    CHECK(app_open(&b, path, "other", &e) == 0);
    const struct rtype *pt = rtype_find("person");
    struct kv p1[] = {{"name", "Ann Example"}};
    char *ref = NULL;
    CHECK(app_record_add(&a, pt, p1, 1, &ref, &e) == 0);
    free(ref);

    CHECK(store_data_version(a.st) == -1);
    CHECK(store_read_begin(a.st, &e) == 0);
    long long v1 = store_data_version(a.st);
    CHECK(v1 >= 0);
    CHECK_INT(count_people(a.st, NULL), 1);
    CHECK_INT(count_people(a.st, "Ann"), 1);
    CHECK_INT(count_people(a.st, "Bob"), 0);
    store_read_end(a.st);

    /* another connection writes */
    struct kv p2[] = {{"name", "Bob Example"}};
    CHECK(app_record_add(&b, pt, p2, 1, &ref, &e) == 0);
    free(ref);
    CHECK(store_read_begin(a.st, &e) == 0);
    CHECK(store_data_version(a.st) != v1);
    CHECK_INT(count_people(a.st, NULL), 2);
    CHECK_INT(count_people(a.st, "Bob"), 1);
    long long v2 = store_data_version(a.st);
    store_read_end(a.st);

    /* this connection writes (a write inside a read ends the read first) */
    CHECK(store_read_begin(a.st, &e) == 0);
    struct kv p3[] = {{"name", "Bob Second"}};
    CHECK(app_record_add(&a, pt, p3, 1, &ref, &e) == 0);
    free(ref);
    CHECK(store_data_version(a.st) == -1);
    store_read_end(a.st);
    CHECK(store_read_begin(a.st, &e) == 0);
    CHECK(store_data_version(a.st) != v2);
    CHECK_INT(count_people(a.st, "Bob"), 2);
    store_read_end(a.st);
    /* and outside a read transaction: always the current answer */
    CHECK_INT(count_people(a.st, NULL), 3);
    app_close(&a);
    app_close(&b);
    rm_isms(path);
}

static long count_cond(struct store *s, struct qcond *c, int n)
{
    struct err e = {0};
    struct query q = {0};
    for (int i = 0; i < n; i++) {
        q.cond[q.ncond++] = c[i];
    }
    return store_count_query(s, principal_sys(), rtype_find("issue"), &q, &e);
}

/* The conditions readiness asks of the store (struct qcond): one of, not
 * one of (an unset value is not one of them), set, before a date — on the
 * same records the rule would have looked at one by one. */
TEST(store_query_conditions)
{
    const char *path = "/tmp/isms-unit-cond.isms";
    rm_isms(path);
    struct app a = {0};
    struct err e = {0};
    CHECK(app_create(&a, path, "tester", &e) == 0);
    const struct rtype *t = rtype_find("issue");
    struct kv i1[] = {{"title", "One"}, {"kind", "internal"}, {"status", "open"},
                      {"review_date", "2026-01-10"}};
    struct kv i2[] = {{"title", "Two"}, {"kind", "external"}, {"status", "closed"},
                      {"review_date", "2026-03-01"}};
    struct kv i3[] = {{"title", "Three"}, {"kind", "internal"}};
    char *ref = NULL;
    CHECK(app_record_add(&a, t, i1, 4, &ref, &e) == 0);
    free(ref);
    CHECK(app_record_add(&a, t, i2, 4, &ref, &e) == 0);
    free(ref);
    CHECK(app_record_add(&a, t, i3, 2, &ref, &e) == 0);
    free(ref);
    const struct field *st = rtype_field(t, "status", NULL), *kind = rtype_field(t, "kind", NULL),
                       *rd = rtype_field(t, "review_date", NULL);
    struct qcond c[2];
    c[0] = (struct qcond){kind, QC_IN, "internal"};
    CHECK_INT(count_cond(a.st, c, 1), 2);
    c[0] = (struct qcond){kind, QC_IN, "internal,external"};
    CHECK_INT(count_cond(a.st, c, 1), 3);
    /* the third has its default status (open) */
    c[0] = (struct qcond){st, QC_NOT_IN, "closed"};
    CHECK_INT(count_cond(a.st, c, 1), 2);
    c[0] = (struct qcond){rd, QC_SET, NULL};
    CHECK_INT(count_cond(a.st, c, 1), 2);
    c[0] = (struct qcond){rd, QC_BEFORE, "2026-02-01"};
    CHECK_INT(count_cond(a.st, c, 1), 1);
    c[0] = (struct qcond){rd, QC_BEFORE, "2026-01-10"}; /* the day itself is not before */
    CHECK_INT(count_cond(a.st, c, 1), 0);
    c[0] = (struct qcond){rd, QC_BEFORE, "2027-01-01"};
    c[1] = (struct qcond){st, QC_NOT_IN, "closed"};
    CHECK_INT(count_cond(a.st, c, 2), 1);
    /* an unset value is not one of them */
    c[0] = (struct qcond){rtype_field(t, "category", NULL), QC_NOT_IN, "legal"};
    CHECK_INT(count_cond(a.st, c, 1), 3);
    c[0] = (struct qcond){rtype_field(t, "category", NULL), QC_IN, "legal"};
    CHECK_INT(count_cond(a.st, c, 1), 0);
    app_close(&a);
    rm_isms(path);
}

/* A file removed or replaced under an open store is noticed (issue 9): by
 * SQLite's moved check and by the identity recorded at open; a copy put at
 * the path is a different file. */
TEST(store_notices_file_removed_or_replaced)
{
    struct store *s;
    struct err e = {0};
    struct store_file_id id;
    rm_isms("q.isms");
    rm_isms("q2.isms");
    CHECK(store_open("q.isms", STORE_CREATE, &s, &e) == 0);
    CHECK(store_file_id(s, &id, &e) == 0);
    CHECK(store_file_ok(s, &id, &e) == 0);
    CHECK(store_path_ok("q.isms", &id, &e) == 0);
    /* renamed away: the store's file is no longer at the path */
    CHECK(rename("q.isms", "q2.isms") == 0);
    CHECK(store_file_ok(s, &id, &e) != 0);
    CHECK(e.code == ERR_UNAVAILABLE);
    CHECK(strstr(e.msg, "removed or replaced") != NULL);
    CHECK(store_path_ok("q.isms", &id, &e) != 0);
    store_close(s);
    /* a new file at the path: not the one recorded */
    struct store *t;
    CHECK(store_open("q.isms", STORE_CREATE, &t, &e) == 0);
    CHECK(store_file_ok(t, NULL, &e) == 0);
    CHECK(store_file_ok(t, &id, &e) != 0);
    CHECK(store_path_ok("q.isms", &id, &e) != 0);
    /* unlinked while open */
    struct store_file_id id2;
    CHECK(store_file_id(t, &id2, &e) == 0);
    CHECK(unlink("q.isms") == 0);
    CHECK(store_file_ok(t, &id2, &e) != 0);
    CHECK(e.code == ERR_UNAVAILABLE);
    store_close(t);
    rm_isms("q.isms");
    rm_isms("q2.isms");
}

/* ---- stored sort keys (store_sortkey.c, migration 0026) ----------------- */

/* natkey as an SQL function of the test's own connection only: the store
 * never has one (its keys are computed in C and bound). */
static void sql_natkey(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(cx);
        return;
    }
    const unsigned char *v = sqlite3_value_text(argv[0]);
    struct buf k;
    buf_init(&k, 0);
    natkey(&k, v, (size_t)sqlite3_value_bytes(argv[0]));
    sqlite3_result_text(cx, buf_str(&k), (int)k.len, SQLITE_TRANSIENT);
    buf_free(&k);
}

/* The rows of the file at path whose stored key is not natkey of the value,
 * over every keyed column of every table and of the released view (with
 * say, the first few named on stderr); -1 when a column is missing. */
static long stale_keys(const char *path, int say)
{
    sqlite3 *db;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return -1;
    }
    sqlite3_create_function(db, "natkey_t", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                            sql_natkey, NULL, NULL);
    long stale = 0;
    for (int ti = 0; ti < nrtypes && stale >= 0; ti++) {
        const struct rtype *t = rtypes[ti];
        for (int released = 0; released < 2 && stale >= 0; released++) {
            if (released && strcmp(t->name, "document") != 0) {
                continue;
            }
            for (int i = 0; i < t->nfields; i++) {
                const char *f = t->fields[i].name;
                if (!field_has_sortkey(t, &t->fields[i])) {
                    continue;
                }
                char sql[320];
                snprintf(sql, sizeof sql,
                         "SELECT ref, %s, %s_sk FROM %s%s WHERE %s_sk IS NOT natkey_t(%s)", f, f,
                         t->name, released ? "_released" : "", f, f);
                sqlite3_stmt *st;
                if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
                    fprintf(stderr, "  %s: %s\n", sql, sqlite3_errmsg(db));
                    stale = -1;
                    break;
                }
                while (sqlite3_step(st) == SQLITE_ROW) {
                    if (say && stale < 5) {
                        fprintf(stderr, "  %s%s %s.%s = \"%s\": key \"%s\"\n", t->name,
                                released ? "_released" : "", sqlite3_column_text(st, 0), f,
                                sqlite3_column_text(st, 1), sqlite3_column_text(st, 2));
                    }
                    stale++;
                }
                sqlite3_finalize(st);
            }
        }
    }
    sqlite3_close(db);
    return stale;
}

struct stale_seen {
    char what[200];
    int n;
};

static int note_stale(void *ctx, const char *table, const char *ref, const char *field)
{
    struct stale_seen *c = ctx;
    if (!c->n++) {
        snprintf(c->what, sizeof c->what, "%s %s %s", table, ref, field);
    }
    return 0;
}

/* Writes through the application — the demo's year (records added,
 * edited and retired, documents submitted, approved, published and
 * revised, risks re-scored, catalogues imported), then more edits, a
 * cleared reference, a retirement and text with UTF-8, digit runs and
 * case — leave no key that is not natkey of its value; verify finds one
 * changed behind the program's back. */
TEST(store_sortkeys_follow_writes)
{
    const char *path = "/tmp/isms-unit-sortkeys.isms";
    rm_isms(path);
    struct app a = {0};
    struct err e = {0};
    struct demo_login logins[16];
    int nl = 0;
    CHECK(app_create_demo(&a, path, "tester", logins, 16, &nl, &e) == 0);
    const struct rtype *it = rtype_find("issue"), *dt = rtype_find("document");
    static const char *const titles[] = {"item 10", "Item 9", "item 9b", "ITEM 010",
                                         "\xc3\xa9l\xc3\xa9ment 2", "x 123456789012345678901"};
    char *first = NULL;
    for (size_t i = 0; i < sizeof titles / sizeof titles[0]; i++) {
        struct kv kv[] = {{"title", titles[i]}, {"kind", "internal"}, {"owner", "P-0001"}};
        char *ref = NULL;
        CHECK(app_record_add(&a, it, kv, 3, &ref, &e) == 0);
        if (!first) {
            first = ref;
        } else {
            free(ref);
        }
    }
    int changed = 0;
    struct kv edit[] = {{"title", "Item 011"}, {"owner", ""}};
    CHECK(first && app_record_edit(&a, it, first, edit, 2, &changed, &e) == 0 && changed);
    /* a published document's working copy: its released form keeps its keys */
    struct kv dedit[] = {{"title", "A changed working copy"}};
    CHECK(app_document_revise(&a, "DOC-0003", &e) == 0);
    if (app_record_edit(&a, dt, "DOC-0003", dedit, 1, &changed, &e)) {
        fprintf(stderr, "  %s\n", e.msg);
        test_failures++;
    }
    CHECK(app_record_retire(&a, it, first, &e) == 0);
    CHECK_INT(stale_keys(path, 1), 0);
    struct stale_seen seen = {{0}, 0};
    CHECK(store_sortkeys_check(a.st, note_stale, &seen, &e) == 0);
    CHECK_INT(seen.n, 0);
    struct verify_result vr;
    CHECK(app_verify(&a, &vr, &e) == 0);
    app_close(&a);
    free(first);

    /* keys changed behind the program's back: both checks find them */
    CHECK(sql_exec(path, "UPDATE issue SET title_sk = 'zzz' WHERE title = 'Item 9'; "
                         "UPDATE version SET sortkeys = NULL WHERE subject_id = 'DOC-0002'") ==
          SQLITE_OK);
    CHECK(stale_keys(path, 0) >= 2);
    CHECK(app_open(&a, path, "tester", &e) == 0);
    CHECK(store_sortkeys_check(a.st, note_stale, &seen, &e) == 0);
    CHECK(seen.n >= 2);
    CHECK(strstr(seen.what, "issue ISS-") && strstr(seen.what, " title"));
    CHECK(app_verify(&a, &vr, &e) != 0);
    CHECK(strstr(e.msg, "sort key of title") != NULL);
    app_close(&a);
    rm_isms(path);
}

/* A file of schema 25 — no keys anywhere, written as an older isms would
 * (this code at schema 25 writes none) — opened now is migrated with every
 * key computed, in the upgrade's own transaction. */
TEST(store_sortkeys_migrated)
{
    const char *path = "/tmp/isms-unit-sortkeys-old.isms";
    rm_isms(path);
    struct app a = {0};
    struct err e = {0};
    struct demo_login logins[16];
    int nl = 0;
    store_test_limit_version(25);
    int rc = app_create_demo(&a, path, "tester", logins, 16, &nl, &e);
    store_test_limit_version(0);
    CHECK(rc == 0);
    if (rc) {
        fprintf(stderr, "  %s\n", e.msg);
    }
    app_close(&a);
    CHECK_INT(sql_int(path, "PRAGMA user_version"), 25);
    CHECK_INT(sql_int(path, "SELECT count(*) FROM pragma_table_info('risk') WHERE name = "
                            "'title_sk'"), 0);
    CHECK(sql_int(path, "SELECT count(*) FROM risk") > 10);
    CHECK(app_open(&a, path, "tester", &e) == 0);
    CHECK_INT(store_schema_version(a.st), store_latest_version());
    struct verify_result vr;
    CHECK(app_verify(&a, &vr, &e) == 0);
    app_close(&a);
    CHECK_INT(stale_keys(path, 1), 0);
    CHECK_INT(sql_int(path, "SELECT count(*) FROM risk WHERE title_sk IS NULL"), 0);
    CHECK(sql_int(path, "SELECT count(*) FROM document_released WHERE title_sk IS NOT NULL") > 0);
    rm_isms(path);
}
