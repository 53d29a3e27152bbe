/* test_method.c — the risk method: validation of method files, scoring by
 * product and by matrix against hand-computed tables, levels, acceptance,
 * and risk derivation (per-dimension consequence, scale bounds). */
#include <stdlib.h>
#include <string.h>

#include "../../src/model/method.h"
#include "../../src/model/risk.h"
#include "test.h"

TEST(method_default_5x5)
{
    struct method *m = NULL;
    struct err e = {0};
    CHECK(method_parse(method_default_json(), &m, &e) == 0);
    if (!m) {
        return;
    }
    CHECK(m->likelihood.n == 5 && m->consequence.n == 5);
    /* hand-computed: score = L x C; low 1-4, medium 5-9, high 10-16, critical 17-25 */
    static const struct {
        int l, c, score;
        const char *level;
    } want[] = {{1, 1, 1, "low"},   {1, 4, 4, "low"},       {2, 2, 4, "low"},
                {1, 5, 5, "medium"}, {2, 3, 6, "medium"},   {3, 3, 9, "medium"},
                {2, 5, 10, "high"},  {3, 4, 12, "high"},    {4, 4, 16, "high"},
                {3, 5, 15, "high"},  {4, 5, 20, "critical"}, {5, 5, 25, "critical"}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        int s = method_score(m, want[i].l, want[i].c);
        CHECK(s == want[i].score);
        CHECK_STR(method_level(m, s)->name, want[i].level);
    }
    CHECK(method_score(m, 6, 1) == 0);
    CHECK(method_score(m, 0, 1) == 0);
    CHECK(m->accept_max == 4);
    method_free(m);
}

static const char m3x3[] =
    "{\"name\":\"3x3\",\"scoring\":\"product\","
    "\"likelihood\":[{\"label\":\"Low\"},{\"label\":\"Medium\"},{\"label\":\"High\"}],"
    "\"consequence\":[{\"label\":\"Low\"},{\"label\":\"Medium\"},{\"label\":\"High\"}],"
    "\"levels\":[{\"name\":\"low\",\"min\":1,\"max\":2,\"colour\":\"#00ff00\",\"review_days\":365},"
    "{\"name\":\"medium\",\"min\":3,\"max\":4,\"colour\":\"#ffff00\",\"review_days\":180},"
    "{\"name\":\"high\",\"min\":5,\"max\":9,\"colour\":\"#ff0000\",\"review_days\":30}],"
    "\"acceptance\":{\"level\":\"medium\"}}";

TEST(method_3x3_product)
{
    struct method *m = NULL;
    struct err e = {0};
    CHECK(method_parse(m3x3, &m, &e) == 0);
    if (!m) {
        fprintf(stderr, "  %s\n", e.msg);
        return;
    }
    /* L\C  1 2 3      levels: 1,2 low; 3,4 medium; 6,9 high */
    static const int score[3][3] = {{1, 2, 3}, {2, 4, 6}, {3, 6, 9}};
    static const char *const level[3][3] = {{"low", "low", "medium"},
                                            {"low", "medium", "high"},
                                            {"medium", "high", "high"}};
    for (int l = 1; l <= 3; l++) {
        for (int c = 1; c <= 3; c++) {
            CHECK(method_score(m, l, c) == score[l - 1][c - 1]);
            CHECK_STR(method_level(m, method_score(m, l, c))->name, level[l - 1][c - 1]);
        }
    }
    CHECK(m->accept_max == 4); /* acceptance by level: up to medium's max */
    method_free(m);
}

static const char m4x6[] =
    "{\"name\":\"4x6 matrix\",\"scoring\":\"matrix\","
    "\"likelihood\":[{\"label\":\"L1\"},{\"label\":\"L2\"},{\"label\":\"L3\"},{\"label\":\"L4\"}],"
    "\"consequence\":[{\"label\":\"C1\"},{\"label\":\"C2\"},{\"label\":\"C3\"},{\"label\":\"C4\"},"
    "{\"label\":\"C5\"},{\"label\":\"C6\"}],"
    "\"matrix\":[[1,1,2,2,3,4],[1,2,2,3,4,5],[2,3,3,4,5,6],[2,3,4,5,6,6]],"
    "\"levels\":[{\"name\":\"low\",\"min\":1,\"max\":2,\"colour\":\"#00ff00\",\"review_days\":365},"
    "{\"name\":\"medium\",\"min\":3,\"max\":4,\"colour\":\"#ffff00\",\"review_days\":180},"
    "{\"name\":\"high\",\"min\":5,\"max\":6,\"colour\":\"#ff0000\",\"review_days\":30}],"
    "\"acceptance\":{\"max_score\":2}}";

TEST(method_4x6_matrix)
{
    struct method *m = NULL;
    struct err e = {0};
    CHECK(method_parse(m4x6, &m, &e) == 0);
    if (!m) {
        fprintf(stderr, "  %s\n", e.msg);
        return;
    }
    CHECK(method_score(m, 1, 1) == 1);
    CHECK(method_score(m, 1, 6) == 4);
    CHECK(method_score(m, 3, 2) == 3);
    CHECK(method_score(m, 4, 4) == 5);
    CHECK(method_score(m, 4, 6) == 6);
    CHECK(method_score(m, 5, 1) == 0); /* outside the 4-level likelihood scale */
    CHECK(method_score(m, 1, 7) == 0);
    CHECK_STR(method_level(m, method_score(m, 2, 4))->name, "medium");
    CHECK_STR(method_level(m, method_score(m, 3, 5))->name, "high");
    /* round trip through the canonical JSON */
    struct buf b;
    buf_init(&b, 0);
    method_json(m, &b, 0);
    struct method *m2 = NULL;
    CHECK(method_parse(buf_str(&b), &m2, &e) == 0);
    if (m2) {
        struct buf b2;
        buf_init(&b2, 0);
        method_json(m2, &b2, 0);
        CHECK_STR(buf_str(&b), buf_str(&b2));
        buf_free(&b2);
        method_free(m2);
    }
    buf_free(&b);
    method_free(m);
}

static void bad(const char *json, const char *msgpart)
{
    struct method *m = NULL;
    struct err e = {0};
    if (method_parse(json, &m, &e) == 0) {
        fprintf(stderr, "  accepted a bad method (wanted '%s')\n", msgpart);
        test_failures++;
        method_free(m);
        return;
    }
    if (!strstr(e.msg, msgpart)) {
        fprintf(stderr, "  message '%s' lacks '%s'\n", e.msg, msgpart);
        test_failures++;
    }
}

static char *replace(const char *s, const char *from, const char *to)
{
    const char *p = strstr(s, from);
    if (!p) {
        return strdup(s);
    }
    size_t n = strlen(s) - strlen(from) + strlen(to) + 1;
    char *out = malloc(n);
    memcpy(out, s, (size_t)(p - s));
    strcpy(out + (p - s), to);
    strcat(out, p + strlen(from));
    return out;
}

TEST(method_validation)
{
    bad("{", "not valid JSON");
    bad("[]", "a JSON object");
    char *s;
    s = replace(m3x3, "{\"label\":\"Low\"},{\"label\":\"Medium\"},{\"label\":\"High\"}],\"consequence",
                "{\"label\":\"Low\"},{\"label\":\"High\"}],\"consequence");
    bad(s, "likelihood: 2 levels");
    free(s);
    s = replace(m3x3, "\"max\":2,", "\"max\":3,");
    bad(s, "overlaps");
    free(s);
    s = replace(m3x3, "\"min\":3,\"max\":4", "\"min\":4,\"max\":4");
    bad(s, "score 3");
    free(s);
    s = replace(m3x3, "#00ff00", "green");
    bad(s, "colour");
    free(s);
    s = replace(m3x3, "\"name\":\"3x3\",", "\"name\":\"3x3\",\"extra\":1,");
    bad(s, "unknown key 'extra'");
    free(s);
    s = replace(m3x3, "\"level\":\"medium\"", "\"level\":\"huge\"");
    bad(s, "acceptance.level");
    free(s);
    s = replace(m4x6, "[2,3,4,5,6,6]]", "[2,3,4,5,6]]");
    bad(s, "matrix[4]");
    free(s);
    s = replace(m3x3, "\"product\"", "\"sum\"");
    bad(s, "scoring");
    free(s);
}

TEST(risk_derive_scores_and_cia)
{
    static const char cia[] =
        "{\"name\":\"CIA\",\"scoring\":\"product\","
        "\"likelihood\":[{\"label\":\"1\"},{\"label\":\"2\"},{\"label\":\"3\"}],"
        "\"consequence_confidentiality\":[{\"label\":\"a\"},{\"label\":\"b\"},{\"label\":\"c\"}],"
        "\"consequence_integrity\":[{\"label\":\"a\"},{\"label\":\"b\"},{\"label\":\"c\"}],"
        "\"consequence_availability\":[{\"label\":\"a\"},{\"label\":\"b\"},{\"label\":\"c\"}],"
        "\"levels\":[{\"name\":\"low\",\"min\":1,\"max\":3,\"colour\":\"#00ff00\",\"review_days\":365},"
        "{\"name\":\"high\",\"min\":4,\"max\":9,\"colour\":\"#ff0000\",\"review_days\":30}],"
        "\"acceptance\":{\"max_score\":3}}";
    struct method *m = NULL;
    struct err e = {0};
    CHECK(method_parse(cia, &m, &e) == 0);
    if (!m) {
        fprintf(stderr, "  %s\n", e.msg);
        return;
    }
    CHECK(m->per_cia);
    const struct rtype *t = rtype_find("risk");
    struct record *r = record_new(t);
    int i;
    rtype_field(t, "likelihood", &i);
    record_set_take(r, i, strdup("2"));
    rtype_field(t, "affects", &i);
    record_set_take(r, i, strdup("confidentiality,availability"));
    rtype_field(t, "consequence_confidentiality", &i);
    record_set_take(r, i, strdup("1"));
    rtype_field(t, "consequence_availability", &i);
    record_set_take(r, i, strdup("3"));
    CHECK(risk_derive(m, r, &e) == 0);
    CHECK_STR(record_get(r, "consequence"), "3"); /* the highest affected dimension */
    CHECK_STR(record_get(r, "score"), "6");
    CHECK_STR(record_get(r, "level"), "high");
    CHECK(risk_needs_approval(m, r));
    /* integrity is not affected: refused */
    rtype_field(t, "consequence_integrity", &i);
    record_set_take(r, i, strdup("2"));
    CHECK(risk_derive(m, r, &e) != 0);
    CHECK_STR(e.field, "consequence_integrity");
    record_set_take(r, i, NULL);
    /* above the scale */
    rtype_field(t, "likelihood", &i);
    record_set_take(r, i, strdup("4"));
    CHECK(risk_derive(m, r, &e) != 0);
    CHECK_STR(e.field, "likelihood");
    CHECK(strstr(e.msg, "3 levels") != NULL);
    /* residual rated halfway is refused */
    record_set_take(r, i, strdup("1"));
    rtype_field(t, "residual_likelihood", &i);
    record_set_take(r, i, strdup("1"));
    CHECK(risk_derive(m, r, &e) != 0);
    CHECK_STR(e.field, "residual_consequence");
    rtype_field(t, "residual_consequence", &i);
    record_set_take(r, i, strdup("2"));
    CHECK(risk_derive(m, r, &e) == 0);
    CHECK_STR(record_get(r, "residual_score"), "2");
    CHECK_STR(record_get(r, "residual_level"), "low");
    CHECK(risk_decisive_score(r) == 2);
    CHECK(!risk_needs_approval(m, r));
    record_free(r);
    method_free(m);
}
