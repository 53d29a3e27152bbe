/* test_suppliers.c — the suppliers' task sources through the one task
 * model (app_tasks): a supplier's review falls due its interval after the
 * latest final assessment (never assessed: from the day it was recorded;
 * terminated: none); an access review to complete by its due date, a
 * revocation to carry out within 7 days of the decision; and the
 * questionnaire scoring rule. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/app/signoff.h"
#include "../../src/app/suppliers.h"
#include "../../src/app/tasks.h"
#include "test.h"

static char *add(struct app *a, const char *type, const struct kv *kv, int n)
{
    char *ref = NULL;
    struct err e = {0};
    if (app_record_add(a, rtype_find(type), kv, n, &ref, &e)) {
        fprintf(stderr, "  add %s: %s\n", type, e.msg);
        test_failures++;
    }
    return ref;
}

static const struct task *find(const struct tasks *t, const char *source, const char *subject)
{
    for (int i = 0; i < t->n; i++) {
        if (strcmp(t->v[i].source, source) == 0 && strcmp(t->v[i].subject, subject) == 0) {
            return &t->v[i];
        }
    }
    return NULL;
}

TEST(suppliers_scoring)
{
    double max;
    CHECK(qscore("yes-no", NULL, NULL, 3, "yes", &max) == 3 && max == 3);
    CHECK(qscore("yes-no", NULL, "no", 3, "yes", &max) == 0 && max == 3);
    CHECK(qscore("choice", "a | b|c", NULL, 2, "b", &max) == 1 && max == 2);
    CHECK(qscore("choice", "a|b|c", NULL, 2, "a", &max) == 2);
    CHECK(qscore("choice", "a|b|c", NULL, 2, "c", &max) == 0);
    CHECK(qscore("choice", "a|b|c", NULL, 2, "z", &max) == 0 && max == 2);
    CHECK(qscore("number", NULL, "90", 1, "95", &max) == 1);
    CHECK(qscore("number", NULL, "90", 1, "89.9", &max) == 0);
    CHECK(qscore("text", NULL, NULL, 5, "anything", &max) == 0 && max == 0);
    CHECK_INT(supplier_interval_months("critical"), 6);
    CHECK_INT(supplier_interval_months("medium"), 24);
    CHECK_INT(supplier_interval_months(NULL), 12);
}

TEST(suppliers_task_sources)
{
    const char *path = "/tmp/isms-unit-suppliers.isms";
    unlink(path);
    struct app a = {0};
    struct err e = {0};
    CHECK(app_create(&a, path, "tester", &e) == 0);
    struct kv pk[] = {{"name", "Ann Owner"}};
    char *p = add(&a, "person", pk, 1);
    struct kv s1[] = {{"name", "Cloud"}, {"criticality", "critical"}, {"owner", p}};
    struct kv s2[] = {{"name", "Gone"}, {"criticality", "high"}, {"owner", p},
                      {"status", "terminated"}};
    char *sup = add(&a, "supplier", s1, 3), *gone = add(&a, "supplier", s2, 4);
    struct kv sa[] = {{"supplier", sup}, {"assessed_on", "2025-08-31"}, {"assessor", p},
                      {"result", "satisfactory"}};
    char *sar = add(&a, "sassessment", sa, 4);
    struct kv ak[] = {{"name", "CRM"}, {"kind", "software"}, {"owner", p}};
    char *asset = add(&a, "asset", ak, 3);
    struct kv rk[] = {{"title", "CRM Q1"}, {"system", asset}, {"due_date", "2026-03-20"},
                      {"owner", p}};
    char *ar = add(&a, "areview", rk, 4);
    const char *csv = "account,access\nalice,admin\nbob,read\n";
    long added = 0;
    CHECK(app_areview_import(&a, ar, csv, strlen(csv), &added, &e) == 0 && added == 2);
    app_signer_set(&a, 1, "ann", p, "manager");
    setenv("ISMS_NOW", "2026-03-02T09:00:00Z", 1);
    CHECK(app_access_decide(&a, "ACC-0001", "revoke", "left", &e) == 0);
    unsetenv("ISMS_NOW");

    struct task_query q = {0};
    q.today = "2026-03-05";
    struct tasks t;
    CHECK(app_tasks(&a, &q, &t, &e) == 0);
    const struct task *x = find(&t, "supplier_review", sup);
    CHECK(x && strcmp(x->due, "2026-02-28") == 0 && x->state == TASK_OVERDUE &&
          strcmp(x->owner, p) == 0 && strcmp(x->link, "/suppliers/SUP-0001") == 0);
    CHECK(find(&t, "supplier_review", gone) == NULL);
    x = find(&t, "access_revoke", "ACC-0001");
    CHECK(x && strcmp(x->due, "2026-03-09") == 0 && strcmp(x->what, "Revoke") == 0 &&
          x->state == TASK_SOON);
    CHECK(find(&t, "access_revoke", "ACC-0002") == NULL);
    x = find(&t, "access_revoke", ar);
    CHECK(x && strcmp(x->due, "2026-03-20") == 0 && strstr(x->title, "1 of 2 decided"));
    tasks_free(&t);
    free(p);
    free(sup);
    free(gone);
    free(sar);
    free(asset);
    free(ar);
    app_close(&a);
    unlink(path);
}
