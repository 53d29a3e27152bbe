/* test_ops.c — the ops task sources through the one task model
 * (app_tasks): an incident's open notification duties (due by their
 * deadline, gone once notified), the next test of a continuity plan (its
 * interval after the last test held, or now when never tested), and a
 * security exception's expiry. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/app/ops.h"
#include "../../src/app/tasks.h"
#include "../../src/store/store.h"
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

static int one_notice(void *ctx, const struct incident_notice_row *r)
{
    (void)r;
    ++*(int *)ctx;
    return 0;
}

static int count(const struct tasks *t, const char *source)
{
    int n = 0;
    for (int i = 0; i < t->n; i++) {
        n += strcmp(t->v[i].source, source) == 0;
    }
    return n;
}

TEST(ops_task_sources)
{
    const char *path = "/tmp/isms-unit-ops.isms";
    unlink(path);
    setenv("ISMS_NOW", "2026-05-05T12:00:00Z", 1);
    struct app a = {0};
    struct err e = {0};
    CHECK(app_create(&a, path, "tester", &e) == 0);
    struct kv pk[] = {{"name", "Ann Owner"}};
    char *p = add(&a, "person", pk, 1);
    struct kv qk[] = {{"title", "DPA"}, {"kind", "contractual"}, {"notify_when", "personal-data"},
                      {"notify_hours", "24"}};
    char *req = add(&a, "requirement", qk, 4);
    struct kv ik[] = {{"title", "Leak"}, {"description", "x"}, {"personal_data", "1"},
                      {"detected_at", "2026-05-04 10:00"}, {"owner", p}};
    char *inc = add(&a, "incident", ik, 5);
    struct kv ak[] = {{"name", "Service"}, {"kind", "service"}, {"owner", p}};
    char *asset = add(&a, "asset", ak, 3);
    struct kv ck[] = {{"title", "Plan"}, {"services", asset}, {"rto_hours", "4"},
                      {"owner", p}, {"test_interval_months", "6"}};
    char *plan = add(&a, "continuity", ck, 5);
    struct kv rk[] = {{"title", "Risk"}, {"owner", p}, {"likelihood", "1"}, {"consequence", "1"}};
    char *risk = add(&a, "risk", rk, 4);
    struct kv xk[] = {{"title", "Exc"}, {"scope", "s"}, {"risk", risk}, {"compensating", "c"},
                      {"expires_on", "2026-06-30"}, {"owner", p}};
    char *exc = add(&a, "exception", xk, 6);

    struct task_query q = {0};
    q.today = "2026-05-05";
    struct tasks t;
    CHECK(app_tasks(&a, &q, &t, &e) == 0);
    CHECK_INT(count(&t, "incident_duty"), 2);
    const struct task *x = NULL;
    for (int i = 0; i < t.n; i++) {
        if (strcmp(t.v[i].source, "incident_duty") == 0 && strstr(t.v[i].title, "GDPR")) {
            x = &t.v[i];
        }
    }
    CHECK(x && strcmp(x->due, "2026-05-07") == 0 && strcmp(x->subject, inc) == 0 &&
          strcmp(x->owner, p) == 0 && strcmp(x->what, "Notify") == 0 &&
          strstr(x->title, "by 2026-05-07T10:00 UTC"));
    const struct task *c = find(&t, "continuity_test", plan);
    CHECK(c && strcmp(c->due, "2026-05-05") == 0 && strstr(c->title, "never tested"));
    const struct task *xe = find(&t, "exception", exc);
    CHECK(xe && strcmp(xe->due, "2026-06-30") == 0 && strcmp(xe->what, "Approve") == 0);
    tasks_free(&t);

    /* the DPA duty notified, the plan tested: those tasks move or go */
    CHECK(app_incident_notified(&a, inc, req, NULL, NULL, &e) == 0);
    struct kv tk[] = {{"title", "Test"}, {"plan", plan}, {"tested_on", "2026-01-31"},
                      {"scenario", "s"}, {"achieved_rto_hours", "5"}};
    char *test = add(&a, "bcptest", tk, 5);
    CHECK(app_tasks(&a, &q, &t, &e) == 0);
    CHECK_INT(count(&t, "incident_duty"), 1);
    c = find(&t, "continuity_test", plan);
    CHECK(c && strcmp(c->due, "2026-07-31") == 0 && strstr(c->title, "last tested 2026-01-31"));
    tasks_free(&t);

    /* the notices follow the incident's row rule: staff who did not report
     * it read none of them, nor every incident's (verify's read) */
    struct principal staff = principal_account(7, "sam", "staff", "P-0099");
    int n = 0;
    CHECK(store_incident_notices(a.st, principal_sys(), inc, one_notice, &n, &e) == 0 && n == 1);
    n = 0;
    CHECK(store_incident_notices(a.st, &staff, inc, one_notice, &n, &e) == 0 && n == 0);
    CHECK(store_incident_notices(a.st, &staff, NULL, one_notice, &n, &e) == 0 && n == 0);
    /* a plan whose next test is typed is main's continuity source's: one task */
    struct kv nk[] = {{"next_test", "2026-06-01"}};
    int changed = 0;
    CHECK(app_record_edit(&a, rtype_find("continuity"), plan, nk, 1, &changed, &e) == 0);
    CHECK(app_tasks(&a, &q, &t, &e) == 0);
    CHECK(!find(&t, "continuity_test", plan) && find(&t, "continuity", plan) &&
          strcmp(find(&t, "continuity", plan)->due, "2026-06-01") == 0);
    tasks_free(&t);

    free(p);
    free(req);
    free(inc);
    free(asset);
    free(plan);
    free(risk);
    free(exc);
    free(test);
    app_close(&a);
    unsetenv("ISMS_NOW");
    unlink(path);
}
