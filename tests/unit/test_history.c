/* test_history.c — every mutation writes a chained history entry in its
 * transaction; a failed mutation writes nothing; tampering behind the
 * program's back is found by verify, which names the first broken entry. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/app/app.h"
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

static long count_history(struct app *a)
{
    struct verify_result vr;
    struct err e = {0};
    if (app_verify(a, &vr, &e)) {
        return -1;
    }
    return vr.entries;
}

/* A small ISMS: catalogue + a person, an asset and a risk, edited. Returns
 * the sequence number of the risk's update entry. */
static void build(const char *path, struct app *a)
{
    struct err e = {0};
    rm_isms(path);
    CHECK(app_create(a, path, "tester", &e) == 0);
    char *p = NULL, *as = NULL, *r = NULL;
    struct kv person[] = {{"name", "Dana Scully"}};
    CHECK(app_record_add(a, rtype_find("person"), person, 1, &p, &e) == 0);
    struct kv asset[] = {{"name", "Case files"}, {"kind", "information"}, {"owner", p}};
    CHECK(app_record_add(a, rtype_find("asset"), asset, 3, &as, &e) == 0);
    struct kv risk[] = {{"title", "Case files leak"}, {"owner", p}, {"assets", as}};
    CHECK(app_record_add(a, rtype_find("risk"), risk, 3, &r, &e) == 0);
    struct kv ed[] = {{"likelihood", "4"}};
    int changed = 0;
    CHECK(app_record_edit(a, rtype_find("risk"), r, ed, 1, &changed, &e) == 0);
    CHECK(changed == 1);
    CHECK_STR(r, "R-0001");
    free(p);
    free(as);
    free(r);
}

TEST(history_written_with_each_change)
{
    struct app a;
    struct err e = {0};
    build("h.isms", &a);
    long n = count_history(&a);
    /* 207 catalogue controls, 46 + 32 default threats and vulnerabilities (import), the
     * method and its frozen version, person, asset, risk, edit */
    CHECK(n == 207 + 78 + 2 + 4);
    /* unchanged edit writes nothing */
    struct kv same[] = {{"likelihood", "4"}};
    int changed = 1;
    CHECK(app_record_edit(&a, rtype_find("risk"), "R-0001", same, 1, &changed, &e) == 0);
    CHECK(changed == 0);
    CHECK(count_history(&a) == n);
    /* a failing edit (second field invalid) writes nothing at all */
    struct kv bad[] = {{"title", "New title"}, {"likelihood", "eleven"}};
    CHECK(app_record_edit(&a, rtype_find("risk"), "R-0001", bad, 2, &changed, &e) != 0);
    CHECK_STR(e.field, "likelihood");
    struct record *r = NULL;
    CHECK(app_record_get(&a, rtype_find("risk"), "R-0001", &r, &e) == 0);
    CHECK_STR(record_get(r, "title"), "Case files leak");
    record_free(r);
    CHECK(count_history(&a) == n);
    /* dangling reference refused */
    struct kv dangling[] = {{"title", "x"}, {"owner", "P-0099"}};
    char *ref = NULL;
    CHECK(app_record_add(&a, rtype_find("risk"), dangling, 2, &ref, &e) != 0);
    CHECK_STR(e.field, "owner");
    CHECK(strstr(e.msg, "no person P-0099") != NULL);
    CHECK(count_history(&a) == n);
    /* retire writes one entry */
    CHECK(app_record_retire(&a, rtype_find("risk"), "R-0001", &e) == 0);
    CHECK(count_history(&a) == n + 1);
    CHECK(app_record_retire(&a, rtype_find("risk"), "R-0001", &e) != 0);
    CHECK(e.code == ERR_CONFLICT);
    app_close(&a);
    rm_isms("h.isms");
}

TEST(history_tamper_entry_detected)
{
    struct app a;
    struct err e = {0};
    build("t1.isms", &a);
    app_close(&a);
    /* The append-only triggers stop casual edits ... */
    CHECK(sql_exec("t1.isms", "UPDATE history SET actor = 'mallory' WHERE seq = 209") != SQLITE_OK);
    CHECK(sql_exec("t1.isms", "DELETE FROM history WHERE seq = 209") != SQLITE_OK);
    /* ... and someone who removes them is still caught. */
    CHECK(sql_exec("t1.isms", "DROP TRIGGER history_append_only_u; "
                              "UPDATE history SET actor = 'mallory' WHERE seq = 209") == SQLITE_OK);
    CHECK(app_open(&a, "t1.isms", "tester", &e) == 0);
    struct verify_result vr;
    CHECK(app_verify(&a, &vr, &e) != 0);
    CHECK(strstr(e.msg, "#209") != NULL);
    CHECK(strstr(e.msg, "altered") != NULL);
    app_close(&a);
    rm_isms("t1.isms");
}

TEST(history_tamper_rehashed_entry_detected)
{
    /* An attacker who recomputes the altered entry's own hash still breaks
     * the link to the next entry. */
    struct app a;
    struct err e = {0};
    build("t2.isms", &a);
    app_close(&a);
    CHECK(sql_exec("t2.isms", "DROP TRIGGER history_append_only_u; "
                              "UPDATE history SET hash = (CASE WHEN hash LIKE '00%' THEN 'ff' ELSE "
                              "'00' END) || substr(hash, 3) WHERE seq = 5") ==
          SQLITE_OK);
    CHECK(app_open(&a, "t2.isms", "tester", &e) == 0);
    struct verify_result vr;
    CHECK(app_verify(&a, &vr, &e) != 0);
    CHECK(strstr(e.msg, "#5") != NULL);
    app_close(&a);
    rm_isms("t2.isms");
}

TEST(history_tamper_record_detected)
{
    struct app a;
    struct err e = {0};
    build("t3.isms", &a);
    app_close(&a);
    CHECK(sql_exec("t3.isms", "UPDATE risk SET likelihood = 1 WHERE ref = 'R-0001'") == SQLITE_OK);
    CHECK(app_open(&a, "t3.isms", "tester", &e) == 0);
    struct verify_result vr;
    CHECK(app_verify(&a, &vr, &e) != 0);
    CHECK(strstr(e.msg, "R-0001") != NULL);
    app_close(&a);

    /* a record inserted without history */
    build("t4.isms", &a);
    app_close(&a);
    CHECK(sql_exec("t4.isms", "INSERT INTO person (ref, name, status, created, updated) VALUES "
                              "('P-0100', 'Ghost', 'active', 'x', 'x')") == SQLITE_OK);
    CHECK(app_open(&a, "t4.isms", "tester", &e) == 0);
    CHECK(app_verify(&a, &vr, &e) != 0);
    CHECK(strstr(e.msg, "P-0100") != NULL);
    app_close(&a);

    /* a deleted history entry */
    build("t5.isms", &a);
    app_close(&a);
    CHECK(sql_exec("t5.isms", "DROP TRIGGER history_append_only_d; "
                              "DELETE FROM history WHERE seq = 100") == SQLITE_OK);
    CHECK(app_open(&a, "t5.isms", "tester", &e) == 0);
    CHECK(app_verify(&a, &vr, &e) != 0);
    CHECK(strstr(e.msg, "#100") != NULL);
    app_close(&a);
    rm_isms("t3.isms");
    rm_isms("t4.isms");
    rm_isms("t5.isms");
}

TEST(history_clean_file_verifies)
{
    struct app a;
    struct err e = {0};
    build("ok.isms", &a);
    struct verify_result vr;
    CHECK(app_verify(&a, &vr, &e) == 0);
    CHECK(vr.records == 207 + 78 + 3); /* + the default threat catalogue (import) */
    app_close(&a);
    rm_isms("ok.isms");
}
