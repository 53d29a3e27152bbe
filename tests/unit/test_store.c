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
