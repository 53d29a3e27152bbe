/* test_metrics.c — evaluation of measurements (both directions, the
 * target and threshold edges, no threshold, no target), the frequency's
 * next due date, an objective's status, and the two task sources
 * (Measure, Respond to breach) over a real file; the 5 whys and the
 * metric tasks follow who reads (store_whys applies the nonconformity's
 * row rule). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/app/app.h"
#include "../../src/app/metrics.h"
#include "../../src/app/tasks.h"
#include "../../src/model/metric.h"
#include "test.h"

TEST(metric_evaluate_higher_is_better)
{
    CHECK_INT(metric_evaluate("higher", "95", "90", 96), MEVAL_ON_TARGET);
    CHECK_INT(metric_evaluate("higher", "95", "90", 95), MEVAL_ON_TARGET);   /* edge */
    CHECK_INT(metric_evaluate("higher", "95", "90", 94.99), MEVAL_WARNING);
    CHECK_INT(metric_evaluate("higher", "95", "90", 90), MEVAL_WARNING);     /* edge */
    CHECK_INT(metric_evaluate("higher", "95", "90", 89.99), MEVAL_BREACH);
    CHECK_INT(metric_evaluate(NULL, "95", "90", 89), MEVAL_BREACH);          /* default */
    CHECK_INT(metric_evaluate("higher", "95", NULL, 94), MEVAL_BREACH);      /* no threshold */
    CHECK_INT(metric_evaluate("higher", "95", "95", 95), MEVAL_ON_TARGET);
    CHECK_INT(metric_evaluate("higher", NULL, "90", 10), MEVAL_NONE);        /* no target */
}

TEST(metric_evaluate_lower_is_better)
{
    CHECK_INT(metric_evaluate("lower", "5", "10", 4), MEVAL_ON_TARGET);
    CHECK_INT(metric_evaluate("lower", "5", "10", 5), MEVAL_ON_TARGET);      /* edge */
    CHECK_INT(metric_evaluate("lower", "5", "10", 5.01), MEVAL_WARNING);
    CHECK_INT(metric_evaluate("lower", "5", "10", 10), MEVAL_WARNING);       /* edge */
    CHECK_INT(metric_evaluate("lower", "5", "10", 10.01), MEVAL_BREACH);
    CHECK_INT(metric_evaluate("lower", "5", NULL, 6), MEVAL_BREACH);
    CHECK_INT(metric_evaluate("lower", "-2", "0", -3), MEVAL_ON_TARGET);     /* negatives */
    CHECK_INT(metric_evaluate("lower", "-2", "0", -1), MEVAL_WARNING);
}

TEST(metric_limits_and_dates)
{
    struct err e = {0};
    CHECK(metric_limits_check("higher", "95", "90", &e) == 0);
    CHECK(metric_limits_check("higher", "95", "96", &e) == -1 && strcmp(e.field, "threshold") == 0);
    CHECK(metric_limits_check("lower", "5", "4", &e) == -1);
    CHECK(metric_limits_check("lower", "5", "5", &e) == 0);
    char d[11];
    CHECK(metric_next_due("monthly", "2026-01-31", d) == 0);
    CHECK_STR(d, "2026-02-28");
    CHECK(metric_next_due("quarterly", "2026-11-30", d) == 0);
    CHECK_STR(d, "2027-02-28");
    CHECK(metric_next_due("yearly", "2024-02-29", d) == 0);
    CHECK_STR(d, "2025-02-28");
    CHECK(metric_next_due("weekly", "2026-12-29", d) == 0);
    CHECK_STR(d, "2027-01-05");
    CHECK(metric_next_due("half-yearly", "2026-08-31", d) == 0);
    CHECK_STR(d, "2027-02-28");
    CHECK(metric_next_due("hourly", "2026-01-01", d) == -1);
    CHECK_STR(objective_status(MEVAL_ON_TARGET, "2026-12-31", 0, "2026-06-01"), "achieved");
    CHECK_STR(objective_status(MEVAL_ON_TARGET, NULL, 1, "2026-06-01"), "on-track");
    CHECK_STR(objective_status(MEVAL_BREACH, "2026-12-31", 0, "2026-12-31"), "at-risk");
    CHECK_STR(objective_status(MEVAL_BREACH, "2026-12-31", 0, "2027-01-01"), "missed");
    CHECK_STR(objective_status(MEVAL_WARNING, "2026-12-31", 1, "2027-01-01"), "at-risk");
    CHECK_STR(objective_status(MEVAL_NONE, "2026-12-31", 0, "2026-01-01"), "planned");
    CHECK_STR(objective_status(MEVAL_NONE, "2026-12-31", 0, "2027-01-01"), "missed");
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

static void add(struct app *a, const char *type, const struct kv *kv, int n)
{
    struct err e = {0};
    char *ref = NULL;
    CHECK(app_record_add(a, rtype_find(type), kv, n, &ref, &e) == 0);
    if (e.msg[0]) {
        fprintf(stderr, "  %s\n", e.msg);
    }
    free(ref);
}

TEST(metric_task_sources)
{
    unlink("tm.isms");
    unlink("tm.isms-wal");
    unlink("tm.isms-shm");
    setenv("ISMS_NOW", "2026-04-01T08:00:00Z", 1);
    struct app a;
    struct err e = {0};
    CHECK(app_create(&a, "tm.isms", "test", &e) == 0);
    add(&a, "person", (struct kv[]){{"name", "Mia"}}, 1);  /* P-0001 */
    add(&a, "person", (struct kv[]){{"name", "Otto"}}, 1); /* P-0002 */
    add(&a, "metric",
        (struct kv[]){{"name", "Completion"}, {"direction", "higher"}, {"target", "95"},
                      {"threshold", "90"}, {"frequency", "monthly"}, {"owner", "P-0002"},
                      {"measured_by", "P-0001"}},
        7); /* MET-0001 */
    add(&a, "metric", (struct kv[]){{"name", "Unmeasured"}, {"frequency", "weekly"},
                                    {"owner", "P-0002"}, {"target", "1"}},
        4); /* MET-0002 */
    add(&a, "metric", (struct kv[]){{"name", "No frequency"}, {"target", "1"}}, 2); /* MET-0003 */
    add(&a, "measurement", (struct kv[]){{"metric", "MET-0001"}, {"measured_on", "2026-02-28"},
                                         {"value", "80"}},
        3); /* MEA-0001: a breach */
    struct task_query q = {0};
    struct tasks t;
    CHECK(app_tasks(&a, &q, &t, &e) == 0);
    const struct task *m1 = find(&t, "measure", "MET-0001");
    CHECK(m1 && strcmp(m1->due, "2026-03-28") == 0 && strcmp(m1->owner, "P-0001") == 0 &&
          m1->state == TASK_OVERDUE && strcmp(m1->what, "Measure") == 0 &&
          strcmp(m1->link, "/metrics/MET-0001") == 0);
    const struct task *m2 = find(&t, "measure", "MET-0002");
    CHECK(m2 && strcmp(m2->due, "2026-04-01") == 0 && strcmp(m2->owner, "P-0002") == 0);
    CHECK(find(&t, "measure", "MET-0003") == NULL);
    const struct task *b = find(&t, "breach", "MEA-0001");
    CHECK(b && strcmp(b->owner, "P-0002") == 0 && strcmp(b->due, "2026-03-07") == 0 &&
          strcmp(b->what, "Respond to breach") == 0 &&
          strcmp(b->link, "/measurements/MEA-0001") == 0);
    tasks_free(&t);
    /* a recorded response ends the breach task; a new measurement moves the due date */
    int changed;
    CHECK(app_record_edit(&a, rtype_find("measurement"), "MEA-0001",
                          (struct kv[]){{"response", "Reminders sent by managers"}}, 1, &changed,
                          &e) == 0);
    add(&a, "measurement", (struct kv[]){{"metric", "MET-0001"}, {"measured_on", "2026-03-31"},
                                         {"value", "92"}},
        3); /* MEA-0002: a warning */
    CHECK(app_tasks(&a, &q, &t, &e) == 0);
    CHECK(find(&t, "breach", "MEA-0001") == NULL && find(&t, "breach", "MEA-0002") == NULL);
    m1 = find(&t, "measure", "MET-0001");
    CHECK(m1 && strcmp(m1->due, "2026-04-30") == 0 && m1->state == TASK_LATER);
    /* as staff (no metric rows): no metric task at all */
    struct principal staff = principal_account(7, "sam", "staff", "P-0001");
    app_set_principal(&a, &staff);
    struct tasks ts;
    CHECK(app_tasks(&a, &q, &ts, &e) == 0);
    CHECK(find(&ts, "measure", "MET-0001") == NULL && find(&ts, "measure", "MET-0002") == NULL);
    tasks_free(&ts);
    struct principal sys = principal_system();
    app_set_principal(&a, &sys);
    tasks_free(&t);
    /* an inactive metric asks for nothing */
    CHECK(app_record_edit(&a, rtype_find("metric"), "MET-0002",
                          (struct kv[]){{"status", "inactive"}}, 1, &changed, &e) == 0);
    CHECK(app_tasks(&a, &q, &t, &e) == 0);
    CHECK(find(&t, "measure", "MET-0002") == NULL);
    tasks_free(&t);
    app_close(&a);
    unsetenv("ISMS_NOW");
    unlink("tm.isms");
    unlink("tm.isms-wal");
    unlink("tm.isms-shm");
}

static int count_why(void *ctx, const struct why_row *w)
{
    (void)w;
    (*(int *)ctx)++;
    return 0;
}

TEST(whys_follow_the_principal)
{
    unlink("tw.isms");
    unlink("tw.isms-wal");
    unlink("tw.isms-shm");
    struct app a;
    struct err e = {0};
    CHECK(app_create(&a, "tw.isms", "test", &e) == 0);
    add(&a, "person", (struct kv[]){{"name", "Nora"}}, 1); /* P-0001 */
    add(&a, "nonconformity",
        (struct kv[]){{"title", "Clicked a link"}, {"source", "incident"}, {"owner", "P-0001"}},
        3); /* NC-0001 */
    int pos = 0;
    CHECK(app_nc_why(&a, "NC-0001", 0, "No training", &pos, &e) == 0 && pos == 1);
    struct principal staff = principal_account(7, "sam", "staff", "P-0001");
    struct principal auditor = principal_account(8, "axel", "auditor", "P-0001");
    struct principal nobody = principal_nobody();
    int n_sys = 0, n_staff = 0, n_aud = 0, n_none = 0, n_all_staff = 0;
    CHECK(store_whys(a.st, principal_sys(), "NC-0001", count_why, &n_sys, &e) == 0);
    CHECK(store_whys(a.st, &auditor, "NC-0001", count_why, &n_aud, &e) == 0);
    CHECK(store_whys(a.st, &staff, "NC-0001", count_why, &n_staff, &e) == 0);
    CHECK(store_whys(a.st, &nobody, "NC-0001", count_why, &n_none, &e) == 0);
    CHECK(store_whys(a.st, &staff, NULL, count_why, &n_all_staff, &e) == 0);
    CHECK(n_sys == 1 && n_aud == 1 && n_staff == 0 && n_none == 0 && n_all_staff == 0);
    /* through the app: staff are answered as if the nonconformity did not exist */
    app_set_principal(&a, &staff);
    struct nc_whys l;
    struct err nf = {0};
    CHECK(app_nc_whys(&a, "NC-0001", &l, &nf) == -1 && nf.code == ERR_NOTFOUND);
    app_set_principal(&a, &auditor);
    CHECK(app_nc_whys(&a, "NC-0001", &l, &e) == 0 && l.n == 1);
    nc_whys_free(&l);
    app_close(&a);
    unlink("tw.isms");
    unlink("tw.isms-wal");
    unlink("tw.isms-shm");
}
