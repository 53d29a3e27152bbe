/* test_people.c — the people task sources through the one task model
 * (app_tasks): competence evidence expiring (due at its expiry, "soon"
 * within the lead time), missing or expired (overdue); mandatory awareness
 * not completed by the campaign's due date, per person of its audience;
 * and a staff viewer gets only their own. */
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

    /* a staff viewer: only their own evidence counts, so only their tasks */
    app_set_viewer(&a, ROLE_STAFF, dana);
    CHECK(app_tasks(&a, &q, &t, &e) == 0);
    CHECK(pfind(&t, "competence", ivo, ivo) == NULL);
    CHECK(pfind(&t, "competence", dana, dana) != NULL);
    tasks_free(&t);

    free(ivo);
    free(dana);
    free(role);
    free(req);
    free(aw);
    free(ses);
    app_close(&a);
    unlink(path);
}
