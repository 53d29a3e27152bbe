/* test_readiness.c — the rules of src/app/readiness.def agree with the
 * declarations (every field, value and reference they name exists), and a
 * rule that names something that does not is refused, naming it. */
#include <string.h>
#include <unistd.h>

#include "../../src/app/app.h"
#include "../../src/app/readiness.h"
#include "../../src/lib/err.h"
#include "test.h"

TEST(readiness_rules_agree_with_types)
{
    struct err e = {0};
    CHECK_INT(readiness_rules_check(&e), 0);
    if (e.msg[0]) {
        fprintf(stderr, "  %s\n", e.msg);
    }
    CHECK(readiness_nrules >= 25);
}

TEST(readiness_bad_rules_refused)
{
    static const struct readiness_rule bad[] = {
        {"x1", "4.1", 0, "t", "issue", "colour=red", "", "", "", "/", "t"},
        {"x2", "4.1", 0, "t", "issue", "status=gone", "", "", "", "/", "t"},
        {"x3", "4.1", 0, "t", "issue", "", "status=approved", "", "", "/", "t"},
        {"x4", "4.1", 0, "t", "issue", "", "", "date:title", "", "/", "t"},
        {"x5", "4.1", 0, "t", "issue", "", "", "", "child:measurement.metric", "/", "t"},
        {"x6", "4.1", 0, "t", "nosuch", "", "", "", "", "/", "t"},
        {"x7", "4.1", 0, "t", "issue", "", "", "", "field:nope", "/", "t"},
    };
    static const char *const said[] = {"colour", "'gone'", "'approved'", "title",
                                       "child:measurement.metric", "nosuch", "nope"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct err e = {0};
        CHECK_INT(readiness_rule_check(&bad[i], &e), -1);
        CHECK(strstr(e.msg, bad[i].id) && strstr(e.msg, said[i]));
    }
    static const struct readiness_rule good = {"g", "4.1", 0, "t", "nonconformity",
                                               "severity=minor|major", "", "date:due_date!status=closed",
                                               "child:corrective.nonconformity, attach", "/", "t"};
    struct err e = {0};
    CHECK_INT(readiness_rule_check(&good, &e), 0);
}

/* The typed summary a report prints, on a new ISMS: every clause with its
 * figure, the gaps in the table's order, each with its fix. */
TEST(readiness_summary_of_a_new_isms)
{
    const char *path = "/tmp/isms-unit-readiness.isms";
    unlink(path);
    struct app a = {0};
    struct err e = {0};
    CHECK(app_create(&a, path, "tester", &e) == 0);
    struct readiness_summary s;
    CHECK_INT(app_readiness_summary(&a, "2030-01-15", &s, &e), 0);
    CHECK_STR(s.today, "2030-01-15");
    CHECK_INT(s.nclauses, 25);
    CHECK_STR(s.clause[0].clause, "4.1");
    CHECK_STR(s.clause[24].clause, "A");
    CHECK_INT(s.mandatory, 15);
    CHECK_INT(s.mandatory_ready, 0);
    CHECK_INT(s.gaps, s.ngaps);
    CHECK_STR(s.gap[0].id, "context");
    CHECK_STR(s.gap[0].fix, "/issues/new");
    CHECK(strncmp(s.gap[0].gap, "Not present: ", 13) == 0);
    CHECK(s.percent < 5 && s.asked > 50);
    /* a viewer who may not read it is refused, naming the role */
    struct principal staff = principal_account(1, "staff", "staff", NULL);
    app_set_principal(&a, &staff);
    struct err e2 = {0};
    CHECK_INT(app_readiness_summary(&a, NULL, &s, &e2), -1);
    CHECK(e2.code == ERR_FORBIDDEN && strstr(e2.msg, "staff"));
    app_close(&a);
    unlink(path);
}
