/* test_sso.c — single sign-on's pure parts: RFC 4515 escaping of a name in
 * an LDAP filter (ldap_auth.c), and the ID token checks that need no
 * provider (a token that is no JWT, or names an algorithm we refuse, is
 * refused before any key is looked for). The flows themselves are tested
 * end to end in tests/sso/ against oidc-provider and slapd. */
#include <string.h>

#include "../../src/app/sso.h"
#include "test.h"

TEST(ldap_filter_escape_rfc4515)
{
    char out[128];
    CHECK(ldap_filter_escape("alice", out, sizeof out) == 0);
    CHECK_STR(out, "alice");
    CHECK(ldap_filter_escape("*)(uid=*", out, sizeof out) == 0);
    CHECK_STR(out, "\\2a\\29\\28uid=\\2a");
    CHECK(ldap_filter_escape("a\\b", out, sizeof out) == 0);
    CHECK_STR(out, "a\\5cb");
    CHECK(ldap_filter_escape("x\x01y", out, sizeof out) == 0);
    CHECK_STR(out, "x\\01y");
    CHECK(ldap_filter_escape("Jürgen", out, sizeof out) == 0); /* UTF-8 passes as it is */
    CHECK_STR(out, "Jürgen");
    char small[6];
    CHECK(ldap_filter_escape("(((", small, sizeof small) == -1); /* never cut in the middle */
}

TEST(oidc_refuses_before_keys)
{
    json_t *cfg = json_pack("{s:s,s:s}", "issuer", "http://127.0.0.1:1", "client-id", "c");
    json_t *claims = NULL;
    struct err e = {0};
    CHECK(oidc_verify_id_token(cfg, "not-a-jwt", "n", &claims, &e) == -1);
    CHECK(e.code == ERR_UNAUTH && strstr(e.msg, "not a signed JWT"));
    CHECK(oidc_verify_id_token(cfg, "a.b.c.d", "n", &claims, &e) == -1);
    /* {"alg":"none"} . {} . "" */
    CHECK(oidc_verify_id_token(cfg, "eyJhbGciOiJub25lIn0.e30.", "n", &claims, &e) == -1);
    CHECK(strstr(e.msg, "signed with none") != NULL);
    /* {"alg":"HS256"} */
    CHECK(oidc_verify_id_token(cfg, "eyJhbGciOiJIUzI1NiJ9.e30.c2ln", "n", &claims, &e) == -1);
    CHECK(strstr(e.msg, "signed with HS256") != NULL);
    CHECK(claims == NULL);
    json_decref(cfg);
}
