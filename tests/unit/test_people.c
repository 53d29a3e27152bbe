/* test_people.c — the people task sources through the one task model
 * (app_tasks): competence evidence expiring (due at its expiry, "soon"
 * within the lead time), missing or expired (overdue); mandatory awareness
 * not completed by the campaign's due date, per person of its audience;
 * and a staff principal gets only their own (the store's row rule). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/app/people.h"
#include "../../src/app/tasks.h"
#include "test.h"

static char *padd(struct app *a, const char *type, const struct kv *kv, int n)
{
    char *ref = NULL;
    struct err e = {0};
    if (app_record_add(a, rtype_find(type), kv, n, &ref, &e)) {
        fprintf(stderr, "  add %s: %s\n", type, e.msg);
        test_failures++;
    }
    return ref;
}

static const struct task *pfind(const struct tasks *t, const char *source, const char *subject,
                                const char *owner)
{
    for (int i = 0; i < t->n; i++) {
        if (strcmp(t->v[i].source, source) == 0 && strcmp(t->v[i].subject, subject) == 0 &&
            strcmp(t->v[i].owner, owner) == 0) {
            return &t->v[i];
        }
    }
    return NULL;
}

static int count_evidence(void *ctx, const char *ref, const char *person,
                          const char *requirement, const char *obtained_on,
                          const char *expires_on, int validity_months)
{
    (void)ref, (void)person, (void)requirement, (void)obtained_on, (void)expires_on,
        (void)validity_months;
    ++*(long *)ctx;
    return 0;
}

TEST(people_task_sources)
{
    const char *path = "/tmp/isms-unit-people.isms";
    unlink(path);
    struct app a = {0};
    struct err e = {0};
    CHECK(app_create(&a, path, "tester", &e) == 0);
    struct kv p1[] = {{"name", "Ivo"}, {"department", "IT"}};
    struct kv p2[] = {{"name", "Dana"}, {"department", "IT"}};
    char *ivo = padd(&a, "person", p1, 2), *dana = padd(&a, "person", p2, 2);
    char holders[64];
    snprintf(holders, sizeof holders, "%s,%s", ivo, dana);
    struct kv rk[] = {{"name", "Developer"}, {"holders", holders}};
    char *role = padd(&a, "role", rk, 2);
    struct kv ck[] = {{"title", "Secure coding"}, {"role", role}, {"evidenced_by", "course"},
                      {"validity_months", "12"}};
    char *req = padd(&a, "competency", ck, 4);
    struct kv q1[] = {{"title", "OWASP"}, {"person", ivo}, {"requirement", req},
                      {"kind", "course"}, {"obtained_on", "2025-05-20"}};
    free(padd(&a, "qualification", q1, 5)); /* expires 2026-05-20 */
    struct kv camp[] = {{"title", "Awareness"}, {"audience", "everyone"}, {"mandatory", "yes"},
                        {"due_date", "2026-04-30"}, {"status", "active"}};
    char *aw = padd(&a, "campaign", camp, 5);
    struct kv bk[] = {{"title", "Session"}, {"campaign", aw}, {"held_on", "2026-04-01"}};
    char *ses = padd(&a, "briefing", bk, 3);
    struct kv ak[] = {{"briefing", ses}, {"person", dana}, {"attended_on", "2026-04-01"}};
    free(padd(&a, "attendance", ak, 3));

    struct task_query q = {0};
    q.today = "2026-05-10"; /* within the 14-day lead of 2026-05-20 */
    struct tasks t;
    CHECK(app_tasks(&a, &q, &t, &e) == 0);
    const struct task *x = pfind(&t, "competence", ivo, ivo);
    CHECK(x && strcmp(x->due, "2026-05-20") == 0 && x->state == TASK_SOON &&
          strcmp(x->what, "Renew") == 0);
    const struct task *m = pfind(&t, "competence", dana, dana);
    CHECK(m && strcmp(m->due, "2026-05-10") == 0 && strcmp(m->what, "Evidence") == 0); /* none: due now */
    /* awareness: Ivo has not attended (overdue since 2026-04-30); Dana has */
    const struct task *w = pfind(&t, "awareness", aw, ivo);
    CHECK(w && strcmp(w->due, "2026-04-30") == 0 && w->state == TASK_OVERDUE &&
          strstr(w->link, "/completion"));
    CHECK(pfind(&t, "awareness", aw, dana) == NULL);
    tasks_free(&t);

    /* the summary the readiness report reads */
    struct comp_summary s;
    CHECK(app_competence_summary(&a, "2026-05-05", &s, &e) == 0);
    CHECK(s.holders == 2 && s.covered == 1 && s.gaps == 1 && s.expiring == 1);
    CHECK(app_competence_summary(&a, "2026-06-01", &s, &e) == 0);
    CHECK(s.holders == 2 && s.covered == 0 && s.gaps == 2);

    /* the evidence read applies the principal's row rule in the store:
     * staff get their own rows whatever person is asked for */
    struct principal sys = principal_system();
    struct principal as_ivo = principal_account(7, "ivo", "staff", ivo);
    struct principal as_dana = principal_account(8, "dana", "staff", dana);
    long rows = 0;
    CHECK(store_people_evidence(a.st, &sys, NULL, count_evidence, &rows, &e) == 0 && rows == 1);
    rows = 0;
    CHECK(store_people_evidence(a.st, &as_ivo, NULL, count_evidence, &rows, &e) == 0 &&
          rows == 1);
    rows = 0;
    CHECK(store_people_evidence(a.st, &as_dana, NULL, count_evidence, &rows, &e) == 0 &&
          rows == 0);
    rows = 0;
    CHECK(store_people_evidence(a.st, &as_dana, ivo, count_evidence, &rows, &e) == 0 &&
          rows == 0);

    /* a staff viewer: only their own evidence counts, so only their tasks;
     * the awareness figures count only the attendance they see (their own) */
    app_set_principal(&a, &as_dana);
    CHECK(app_tasks(&a, &q, &t, &e) == 0);
    CHECK(pfind(&t, "competence", ivo, ivo) == NULL);
    CHECK(pfind(&t, "competence", dana, dana) != NULL);
    CHECK(pfind(&t, "awareness", aw, ivo) == NULL);
    tasks_free(&t);
    struct aw_completion k;
    CHECK(app_awareness_completion(&a, aw, &k, &e) == 0);
    CHECK(k.people == 1 && k.done == 1 && k.npending == 0);
    aw_completion_free(&k);
    app_set_principal(&a, &as_ivo);
    CHECK(app_awareness_completion(&a, aw, &k, &e) == 0);
    CHECK(k.people == 1 && k.done == 0 && k.npending == 1 &&
          strcmp(k.pending[0].person, ivo) == 0);
    aw_completion_free(&k);
    app_set_principal(&a, &sys);
    CHECK(app_awareness_completion(&a, aw, &k, &e) == 0);
    CHECK(k.people == 2 && k.done == 1 && k.npending == 1);
    aw_completion_free(&k);

    free(ivo);
    free(dana);
    free(role);
    free(req);
    free(aw);
    free(ses);
    app_close(&a);
    unlink(path);
}
