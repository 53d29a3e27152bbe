/* test_audit.c — the control-test task source ("Test control": next due
 * from the last run and the frequency, a failed run without nonconformity)
 * and which clauses an audit's scope covers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/app/app.h"
#include "../../src/app/audit.h"
#include "../../src/app/tasks.h"
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

static const struct task *find(const struct tasks *t, const char *what)
{
    for (int i = 0; i < t->n; i++) {
        if (strcmp(t->v[i].source, "ctest") == 0 && strcmp(t->v[i].what, what) == 0) {
            return &t->v[i];
        }
    }
    return NULL;
}

TEST(audit_ctest_tasks)
{
    const char *path = "ut_audit.isms";
    rm_isms(path);
    struct app a;
    struct err e = {0};
    CHECK(app_create(&a, path, "tester", &e) == 0);
    char *p = NULL, *ct = NULL, *run = NULL, *nc = NULL;
    struct kv person[] = {{"name", "Tess Tester"}};
    CHECK(app_record_add(&a, rtype_find("person"), person, 1, &p, &e) == 0);
    struct kv ctl[] = {{"applicable", "yes"}, {"justification", "needed"}};
    int changed = 0;
    CHECK(app_record_edit(&a, rtype_find("control"), "8.8", ctl, 2, &changed, &e) == 0);
    struct kv test[] = {{"control", "8.8"}, {"title", "Scan"}, {"frequency", "monthly"},
                        {"tester", p}, {"first_due", "2026-01-01"}};
    CHECK(app_record_add(&a, rtype_find("ctest"), test, 5, &ct, &e) == 0);

    struct task_query q = {.today = "2026-02-01"};
    struct tasks t;
    CHECK(app_tasks(&a, &q, &t, &e) == 0);
    const struct task *k = find(&t, "Test control");
    CHECK(k != NULL);
    if (k) {
        CHECK_STR(k->due, "2026-01-01");
        CHECK_STR(k->owner, p);
        CHECK_INT(k->state, TASK_OVERDUE);
    }
    CHECK(find(&t, "Raise nonconformity") == NULL);
    tasks_free(&t);

    /* a run on the 31st: a month later is the last day of February */
    struct kv r1[] = {{"test", ct}, {"performed_on", "2026-01-31"}, {"result", "partly-effective"}};
    CHECK(app_record_add(&a, rtype_find("ctrun"), r1, 3, &run, &e) == 0);
    CHECK(app_tasks(&a, &q, &t, &e) == 0);
    k = find(&t, "Test control");
    CHECK(k && strcmp(k->due, "2026-02-28") == 0);
    k = find(&t, "Raise nonconformity");
    CHECK(k && strcmp(k->subject, run) == 0 && strcmp(k->due, "2026-01-31") == 0);
    tasks_free(&t);

    /* raising the NC removes that task */
    CHECK(app_ctrun_raise_nc(&a, run, &nc, &e) == 0);
    CHECK(app_tasks(&a, &q, &t, &e) == 0);
    CHECK(find(&t, "Raise nonconformity") == NULL);
    tasks_free(&t);

    /* a test of an excluded control is refused */
    struct kv excl[] = {{"applicable", "no"}, {"justification", "no such systems"}};
    CHECK(app_record_edit(&a, rtype_find("control"), "8.9", excl, 2, &changed, &e) == 0);
    struct kv bad[] = {{"control", "8.9"}, {"title", "Scan"}, {"frequency", "monthly"}};
    char *none = NULL;
    CHECK(app_record_add(&a, rtype_find("ctest"), bad, 3, &none, &e) != 0);
    CHECK_STR(e.field, "control");
    free(none);
    free(p);
    free(ct);
    free(run);
    free(nc);
    app_close(&a);
    rm_isms(path);
}

TEST(audit_scope_tokens)
{
    CHECK(audit_covers_clause("4, 6.1 9.2", "6.1.2"));
    CHECK(audit_covers_clause("4, 6.1 9.2", "4.4"));
    CHECK(audit_covers_clause("4, 6.1 9.2", "9.2.1"));
    CHECK(!audit_covers_clause("4, 6.1 9.2", "6.2"));
    CHECK(!audit_covers_clause("4, 6.1 9.2", "10.1"));
    CHECK(!audit_covers_clause("6.1", "6.10"));
    CHECK(audit_covers_clause("4.1-10.2", "7.5.3"));
    CHECK(audit_covers_clause("4\xe2\x80\x93" "10 (documentation review)", "10.2"));
    CHECK(!audit_covers_clause("4-6", "7.1"));
    CHECK(audit_covers_clause("all", "8.3"));
    CHECK(!audit_covers_clause("A.5", "5.1"));
    CHECK(!audit_covers_clause(NULL, "5.1"));
}
