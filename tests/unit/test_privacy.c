/* test_privacy.c — accounts: the privacy rule is data in perm.c — which
 * principal it applies to, which rows and fields it hides — and the
 * principal that is not marked sees what its role sees. */
#include <string.h>

#include "../../src/model/perm.h"
#include "test.h"

TEST(privacy_rule_is_data_in_perm)
{
    CHECK(perm_personal_hidden(ROLE_AUDITOR, 1, 0));
    CHECK(!perm_personal_hidden(ROLE_AUDITOR, 1, 1)); /* granted */
    CHECK(!perm_personal_hidden(ROLE_AUDITOR, 0, 0)); /* internal auditor */
    CHECK(!perm_personal_hidden(ROLE_MANAGER, 1, 0));

    struct principal ext = principal_account(7, "ext", "auditor", "");
    struct principal aud = ext;
    ext.personal_hidden = 1;
    const struct rtype *att = rtype_find("attendance"), *q = rtype_find("questionnaire"),
                       *risk = rtype_find("risk"), *sup = rtype_find("supplier");
    CHECK(perm_rows(&aud, att).kind == ROWS_ALL);
    CHECK(perm_rows(&ext, att).kind == ROWS_NONE); /* no person: none */
    CHECK(perm_rows(&ext, rtype_find("qualification")).kind == ROWS_NONE);
    struct principal ext_p = principal_account(8, "ext2", "auditor", "P-0001");
    ext_p.personal_hidden = 1;
    struct row_rule own = perm_rows(&ext_p, att);
    CHECK(own.kind == ROWS_WHERE && strcmp(own.field, "person") == 0 &&
          strcmp(own.value, "P-0001") == 0);
    CHECK(perm_rows(&ext, risk).kind == ROWS_ALL);
    CHECK(perm_field_hidden(&ext, q, "contact"));
    CHECK(perm_field_hidden(&ext, sup, "contact"));
    CHECK(!perm_field_hidden(&ext, q, "score"));
    CHECK(!perm_field_hidden(&aud, q, "contact"));
    CHECK(!perm_field_hidden(principal_sys(), q, "contact"));
    CHECK(perm_hides_fields(&ext, q) && !perm_hides_fields(&ext, risk));
    char v1[96], v2[96];
    CHECK(strcmp(principal_view(&aud, v1, sizeof v1), principal_view(&ext, v2, sizeof v2)) != 0);
}

/* accounts: an auditor with an end date reads what an auditor reads and
 * writes nothing; the internal auditor keeps its rights */
TEST(external_auditor_writes_nothing)
{
    CHECK(perm_read_only(ROLE_AUDITOR, 1));
    CHECK(!perm_read_only(ROLE_AUDITOR, 0));
    CHECK(!perm_read_only(ROLE_MANAGER, 1));
    struct principal aud = principal_account(7, "nadia", "auditor", "P-0020");
    struct principal ext = principal_account(8, "sabine", "auditor", "");
    ext.read_only = 1;
    const struct rtype *audit = rtype_find("audit"), *doc = rtype_find("document");
    CHECK(perm_may(&aud, PERM_CREATE, audit, -1) && perm_may(&aud, PERM_EDIT, audit, 0));
    CHECK(!perm_may(&ext, PERM_CREATE, audit, -1) && !perm_may(&ext, PERM_EDIT, audit, 0));
    CHECK(!perm_may(&ext, PERM_EDIT, rtype_find("finding"), 0));
    CHECK(perm_may(&ext, PERM_READ, audit, -1) && perm_may(&ext, PERM_HISTORY, doc, -1));
    /* a POST of read permission (an acknowledgement) is a write; its own account's is not */
    CHECK(perm_may_request(&aud, PERM_READ, 1) && !perm_may_request(&ext, PERM_READ, 1));
    CHECK(perm_may_request(&ext, PERM_READ, 0) && perm_may_request(&ext, PERM_LOGIN, 1));
    CHECK(!perm_may_write(&ext) && perm_may_write(&aud) && perm_may_write(principal_sys()));
    char v1[96], v2[96];
    struct principal ext_aud = aud;
    ext_aud.read_only = 1;
    CHECK(strcmp(principal_view(&aud, v1, sizeof v1), principal_view(&ext_aud, v2, sizeof v2)));
}
