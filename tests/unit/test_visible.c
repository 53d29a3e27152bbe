/* test_visible.c — every store read takes the principal and gives it only
 * what perm.c lets it see: staff read their own incidents only (fetch,
 * list, search, count, backlinks, history), nobody reads nothing, the
 * system reads everything. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/app/app.h"
#include "../../src/store/store_tasks.h"
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

static int count_rec(void *ctx, struct record *r)
{
    (*(int *)ctx)++;
    record_free(r);
    return 0;
}

static int count_in(void *ctx, const struct rtype *t, const char *src, const char *field)
{
    (void)t, (void)src, (void)field;
    (*(int *)ctx)++;
    return 0;
}

struct refs_seen {
    int n, other;
    const char *want;
};

static int entry_ref(void *ctx, const struct history_entry *h)
{
    struct refs_seen *s = ctx;
    s->n++;
    s->other += strcmp(h->ref, s->want) != 0;
    return 0;
}

TEST(store_reads_follow_the_principal)
{
    struct app a;
    struct err e = {0};
    rm_isms("v.isms");
    CHECK(app_create(&a, "v.isms", "tester", &e) == 0);
    const struct rtype *inc = rtype_find("incident"), *nct = rtype_find("nonconformity");
    char *p1 = NULL, *p2 = NULL, *mine = NULL, *other = NULL, *nc = NULL;
    struct kv person1[] = {{"name", "Sam Staff"}}, person2[] = {{"name", "Tess Top"}};
    CHECK(app_record_add(&a, rtype_find("person"), person1, 1, &p1, &e) == 0);
    CHECK(app_record_add(&a, rtype_find("person"), person2, 1, &p2, &e) == 0);
    struct kv i1[] = {{"title", "Lost badge"}, {"description", "On the bus."},
                      {"reported_by", p1}};
    struct kv i2[] = {{"title", "Cloned badge SECRET"}, {"description", "At the door."},
                      {"reported_by", p2}};
    CHECK(app_record_add(&a, inc, i1, 3, &mine, &e) == 0);
    CHECK(app_record_add(&a, inc, i2, 3, &other, &e) == 0);
    struct kv n1[] = {{"title", "From the lost badge"}, {"source", "incident"},
                      {"incident", mine}, {"owner", p2}};
    CHECK(app_record_add(&a, nct, n1, 4, &nc, &e) == 0);

    const struct principal *sys = principal_sys();
    struct principal staff = principal_account(7, "sam", "staff", p1);
    struct principal nobody = principal_nobody();
    CHECK(principal_is_system(sys) && !principal_is_system(&staff));

    /* count */
    CHECK(store_count(a.st, sys, inc, 0, &e) == 2);
    CHECK(store_count(a.st, &staff, inc, 0, &e) == 1);
    CHECK(store_count(a.st, &nobody, inc, 0, &e) == 0);
    CHECK(store_count(a.st, NULL, inc, 0, &e) == 0);
    CHECK(store_count(a.st, &staff, nct, 0, &e) == 0);

    /* fetch: hidden is missing */
    struct record *r = NULL;
    CHECK(store_get(a.st, &staff, inc, mine, &r, &e) == 0 && r);
    record_free(r);
    r = NULL;
    CHECK(store_get(a.st, &staff, inc, other, &r, &e) == -1 && e.code == ERR_NOTFOUND && !r);
    err_clear(&e);
    CHECK(store_exists(a.st, &staff, inc, other, NULL, &e) == 0);
    CHECK(store_exists(a.st, sys, inc, other, NULL, &e) == 1);

    /* list and search: a caller's row fields cannot widen the rule */
    struct query q = {0};
    q.search = "SECRET";
    int n = 0;
    CHECK(store_list(a.st, sys, inc, &q, count_rec, &n, &e) == 0 && n == 1);
    n = 0;
    CHECK(store_list(a.st, &staff, inc, &q, count_rec, &n, &e) == 0 && n == 0);
    struct query wide = {0};
    wide.only_field = NULL;
    wide.none = 0;
    n = 0;
    CHECK(store_list(a.st, &staff, inc, &wide, count_rec, &n, &e) == 0 && n == 1);
    CHECK(store_count_query(a.st, &staff, inc, &q, &e) == 0);

    /* backlinks: the nonconformity is a row staff may not read */
    n = 0;
    CHECK(store_inbound(a.st, sys, mine, count_in, &n, &e) == 0 && n == 1);
    n = 0;
    CHECK(store_inbound(a.st, &staff, mine, count_in, &n, &e) == 0 && n == 0);

    /* history: of their own incident only */
    struct refs_seen s = {0, 0, mine};
    CHECK(store_history(a.st, &staff, NULL, entry_ref, &s, &e) == 0);
    CHECK(s.n >= 1 && s.other == 0);
    s = (struct refs_seen){0, 0, other};
    CHECK(store_history(a.st, &staff, other, entry_ref, &s, &e) == 0 && s.n == 0);
    s = (struct refs_seen){0, 0, other};
    CHECK(store_history(a.st, sys, other, entry_ref, &s, &e) == 0 && s.n == 1);
    s = (struct refs_seen){0, 0, ""};
    CHECK(store_history(a.st, &nobody, NULL, entry_ref, &s, &e) == 0 && s.n == 0);

    /* the principal's view keys memoized text by what it depends on */
    char v1[80], v2[80];
    CHECK_STR(principal_view(sys, v1, sizeof v1), "system");
    struct principal mgr = principal_account(8, "max", "manager", p2);
    CHECK_STR(principal_view(&mgr, v1, sizeof v1), "manager");
    snprintf(v2, sizeof v2, "staff/%s", p1);
    CHECK_STR(principal_view(&staff, v1, sizeof v1), v2);

    free(p1);
    free(p2);
    free(mine);
    free(other);
    free(nc);
    app_close(&a);
    rm_isms("v.isms");
}

static int count_row(void *ctx, const char *ref, const char *const *vals)
{
    (void)ref, (void)vals;
    (*(int *)ctx)++;
    return 0;
}

static int count_ack(void *ctx, const char *person, const char *ref, const char *title,
                     int version, const char *approved_on)
{
    (void)person, (void)ref, (void)title, (void)version, (void)approved_on;
    (*(int *)ctx)++;
    return 0;
}

/* The store's own task queries (store_tasks.c) apply the row rule too: a
 * field condition for staff's incidents, nothing for nobody, every row for
 * the system; and a query that cannot apply a rule answers nothing. */
TEST(task_queries_follow_the_principal)
{
    struct app a;
    struct err e = {0};
    rm_isms("vt.isms");
    CHECK(app_create(&a, "vt.isms", "tester", &e) == 0);
    const struct rtype *inc = rtype_find("incident");
    char *p1 = NULL, *p2 = NULL, *mine = NULL, *other = NULL;
    struct kv person1[] = {{"name", "Sam Staff"}}, person2[] = {{"name", "Tess Top"}};
    CHECK(app_record_add(&a, rtype_find("person"), person1, 1, &p1, &e) == 0);
    CHECK(app_record_add(&a, rtype_find("person"), person2, 1, &p2, &e) == 0);
    struct kv i1[] = {{"title", "Lost badge"}, {"description", "On the bus."},
                      {"reported_by", p1}, {"notification_required", "yes"}};
    struct kv i2[] = {{"title", "Cloned badge"}, {"description", "At the door."},
                      {"reported_by", p2}, {"notification_required", "yes"}};
    CHECK(app_record_add(&a, inc, i1, 4, &mine, &e) == 0);
    CHECK(app_record_add(&a, inc, i2, 4, &other, &e) == 0);
    struct principal staff = principal_account(7, "sam", "staff", p1);
    struct principal nobody = principal_nobody();
    static const char *const cols[] = {"title", "reported_by", NULL};
    static const char *const any[] = {"notification_required", NULL};
    struct store_rows_q q = {cols, any, {NULL, NULL}, {NULL, NULL}, NULL, NULL};
    int n = 0;
    CHECK(store_tasks_rows(a.st, principal_sys(), inc, &q, count_row, &n, &e) == 0 && n == 2);
    n = 0;
    CHECK(store_tasks_rows(a.st, &staff, inc, &q, count_row, &n, &e) == 0 && n == 1);
    n = 0;
    CHECK(store_tasks_rows(a.st, &nobody, inc, &q, count_row, &n, &e) == 0 && n == 0);
    n = 0;
    CHECK(store_tasks_rows(a.st, NULL, inc, &q, count_row, &n, &e) == 0 && n == 0);
    /* a caller's own condition cannot widen it: staff asking for p2's */
    struct store_rows_q q2 = {cols, any, {"reported_by", NULL}, {p2, NULL}, NULL, NULL};
    n = 0;
    CHECK(store_tasks_rows(a.st, &staff, inc, &q2, count_row, &n, &e) == 0 && n == 0);
    /* staff: only their own acknowledgements, never another person's */
    n = 0;
    CHECK(store_tasks_pending_acks(a.st, &staff, p2, count_ack, &n, &e) == 0 && n == 0);
    CHECK(store_tasks_pending_acks(a.st, &nobody, NULL, count_ack, &n, &e) == 0 && n == 0);
    long over = -1;
    CHECK(store_risks_over(a.st, &staff, 0, 10, NULL, NULL, &over, &e) == 0 && over == 0);
    free(p1);
    free(p2);
    free(mine);
    free(other);
    app_close(&a);
    rm_isms("vt.isms");
}
