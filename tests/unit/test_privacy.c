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
