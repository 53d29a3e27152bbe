/* test_review.c — the review task sources through the one task model
 * (app_tasks): open review actions; the audits a certificate still needs,
 * warned at its lead times; nonconformities of the certification body to
 * close by their deadline; and the warning stages themselves. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/app/review.h"
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

TEST(review_warning_stages)
{
    int w[3] = {60, 30, 7};
    CHECK_INT(cert_warn_stage(w, 3, "2026-01-01", "2026-06-01"), 0);
    CHECK_INT(cert_warn_stage(w, 3, "2026-04-02", "2026-06-01"), 60);
    CHECK_INT(cert_warn_stage(w, 3, "2026-05-02", "2026-06-01"), 30);
    CHECK_INT(cert_warn_stage(w, 3, "2026-05-25", "2026-06-01"), 7);
    CHECK_INT(cert_warn_stage(w, 3, "2026-06-01", "2026-06-01"), 7);
    CHECK_INT(cert_warn_stage(w, 3, "2026-06-02", "2026-06-01"), -1);
    int out[3], n = 0;
    cert_warn_of(NULL, out, &n);
    CHECK_INT(n, 3);
    CHECK(out[0] == 60 && out[1] == 30 && out[2] == 7);
}

TEST(review_task_sources)
{
    const char *path = "/tmp/isms-unit-review.isms";
    unlink(path);
    struct app a = {0};
    struct err e = {0};
    CHECK(app_create(&a, path, "tester", &e) == 0);
    struct kv pk[] = {{"name", "Ann Owner"}};
    char *p = add(&a, "person", pk, 1);
    struct kv rk[] = {{"title", "Review"}, {"held_on", "2026-01-15"}};
    char *mr = add(&a, "review", rk, 2);
    struct kv a1[] = {{"title", "Fix backups"}, {"agreed_at", mr}, {"owner", p},
                      {"due_date", "2026-03-01"}};
    struct kv a2[] = {{"title", "Done already"}, {"agreed_at", mr}, {"owner", p},
                      {"due_date", "2026-02-01"}, {"status", "done"}};
    char *ra1 = add(&a, "raction", a1, 4), *ra2 = add(&a, "raction", a2, 5);
    struct kv ck[] = {{"body", "Nordcert"}, {"number", "N-1"}, {"issued_on", "2025-06-01"},
                      {"owner", p}};
    char *cert = add(&a, "certificate", ck, 4);
    struct kv nk[] = {{"title", "Supplier reviews"}, {"certificate", cert}, {"grade", "minor"},
                      {"raised_on", "2025-05-20"}, {"close_by", "2026-05-10"}, {"owner", p}};
    char *cnc = add(&a, "cnc", nk, 6);

    struct task_query q = {0};
    q.today = "2026-05-05";
    struct tasks t;
    CHECK(app_tasks(&a, &q, &t, &e) == 0);
    const struct task *x = find(&t, "raction", ra1);
    CHECK(x && strcmp(x->due, "2026-03-01") == 0 && x->state == TASK_OVERDUE &&
          strcmp(x->owner, p) == 0 && strstr(x->link, "/ractions/") == x->link);
    CHECK(find(&t, "raction", ra2) == NULL); /* done: no task */
    /* surveillance 1 due 2026-06-01: within 30 days on 2026-05-05 */
    const struct task *c = find(&t, "certificate", cert);
    CHECK(c && strcmp(c->due, "2026-06-01") == 0 && strstr(c->title, "Surveillance audit 1") &&
          strstr(c->title, "within 30 days"));
    const struct task *n = find(&t, "cnc", cnc);
    CHECK(n && strcmp(n->due, "2026-05-10") == 0 && strstr(n->title, "within 7 days") &&
          strcmp(n->what, "Close") == 0);
    tasks_free(&t);

    /* a surveillance audit performed: that deadline goes, the next stays */
    struct kv au[] = {{"title", "Surveillance 1"}, {"kind", "surveillance"},
                      {"performed_on", "2026-05-20"}, {"status", "reported"}};
    free(add(&a, "audit", au, 4));
    struct kv cl[] = {{"status", "closed"}, {"closed_on", "2026-05-09"}};
    int changed = 0;
    CHECK(app_record_edit(&a, rtype_find("cnc"), cnc, cl, 2, &changed, &e) == 0);
    q.today = "2026-05-25";
    CHECK(app_tasks(&a, &q, &t, &e) == 0);
    c = find(&t, "certificate", cert);
    CHECK(c && strcmp(c->due, "2027-06-01") == 0 && strstr(c->title, "Surveillance audit 2"));
    CHECK(find(&t, "cnc", cnc) == NULL);
    int certs = 0;
    for (int i = 0; i < t.n; i++) {
        certs += strcmp(t.v[i].source, "certificate") == 0;
    }
    CHECK_INT(certs, 2); /* surveillance 2 and recertification */
    tasks_free(&t);

    free(p);
    free(mr);
    free(ra1);
    free(ra2);
    free(cert);
    free(cnc);
    app_close(&a);
    unlink(path);
}
