/* test_model.c — the record declarations are well-formed, and values are
 * validated and canonicalised as documented. */
#include <stdlib.h>
#include <string.h>

#include "../../src/model/record.h"
#include "test.h"

TEST(declarations_well_formed)
{
    CHECK(nrtypes >= 28);
    for (int i = 0; i < nrtypes; i++) {
        const struct rtype *t = rtypes[i];
        CHECK(rtype_find(t->name) == t);
        CHECK(rtype_find(t->plural) == t);
        CHECK(t->prefix && *t->prefix && !strchr(t->prefix, '-'));
        for (int j = 0; j < i; j++) {
            CHECK(strcmp(rtypes[j]->prefix, t->prefix) != 0);
            CHECK(strcmp(rtypes[j]->name, t->name) != 0);
        }
        static const char *const common[] = {"owner", "status", "notes", "created", "updated",
                                             "retired"};
        for (int k = 0; k < 6; k++) {
            if (!rtype_field(t, common[k], NULL)) {
                fprintf(stderr, "  %s lacks %s\n", t->name, common[k]);
                test_failures++;
            }
        }
        CHECK(rtype_field(t, t->title_field, NULL) != NULL);
        const struct field *st = rtype_field(t, "status", NULL);
        CHECK(st->type == F_ENUM && st->values && st->values[0]);
        for (int k = 0; k < t->nfields; k++) {
            const struct field *f = &t->fields[k];
            CHECK(f->label && *f->label);
            if (f->type == F_REF || f->type == F_REFS) {
                if (!rtype_find(f->ref)) {
                    fprintf(stderr, "  %s.%s refers to unknown type %s\n", t->name, f->name,
                            f->ref);
                    test_failures++;
                }
            }
            if (f->type == F_ENUM || f->type == F_SET) {
                CHECK(f->values != NULL);
            }
            if (f->type == F_TEXT || f->type == F_LONGTEXT) {
                CHECK(f->max > 0);
            }
            for (int j = 0; j < k; j++) {
                CHECK(strcmp(t->fields[j].name, f->name) != 0);
            }
        }
    }
}

TEST(ref_types)
{
    CHECK(rtype_of_ref("R-0042") == rtype_find("risk"));
    CHECK(rtype_of_ref("NC-0001") == rtype_find("nonconformity"));
    CHECK(rtype_of_ref("8.24") == rtype_find("control"));
    CHECK(rtype_of_ref("A.5.1.1") == rtype_find("control"));
    CHECK(rtype_of_ref("C-0001") == rtype_find("control"));
    CHECK(rtype_of_ref("ZZ-0001") == NULL);
    CHECK(rtype_of_ref("hello") == NULL);
    CHECK(rtype_of_ref("A.x") == NULL);
}

static char *norm(const char *type, const char *field, const char *in, struct err *e)
{
    char *out = NULL;
    const struct field *f = rtype_field(rtype_find(type), field, NULL);
    if (field_normalize(f, in, &out, e)) {
        return NULL;
    }
    return out ? out : strdup("(unset)");
}

#define NORM_OK(type, field, in, want)                                         \
    do {                                                                       \
        struct err e_ = {0};                                                   \
        char *v_ = norm(type, field, in, &e_);                                 \
        if (!v_) {                                                             \
            fprintf(stderr, "  %s\n", e_.msg);                                 \
        }                                                                      \
        CHECK_STR(v_, want);                                                   \
        free(v_);                                                              \
    } while (0)

#define NORM_BAD(ty_, fl_, in, msgpart)                                     \
    do {                                                                       \
        struct err e_ = {0};                                                   \
        char *v_ = norm(ty_, fl_, in, &e_);                                     \
        CHECK(v_ == NULL);                                                     \
        free(v_);                                                              \
        CHECK(e_.code == ERR_INVALID);                                         \
        CHECK_STR(e_.field, fl_);                                            \
        if (!strstr(e_.msg, msgpart)) {                                        \
            fprintf(stderr, "  message '%s' lacks '%s'\n", e_.msg, msgpart);    \
            test_failures++;                                                   \
        }                                                                      \
    } while (0)

TEST(normalize_values)
{
    NORM_OK("risk", "title", "  padded  ", "padded");
    NORM_OK("risk", "title", "", "(unset)");
    NORM_OK("risk", "likelihood", "3", "3");
    NORM_OK("risk", "likelihood", "+3", "3");
    NORM_OK("risk", "affects", "integrity, confidentiality,integrity", "confidentiality,integrity");
    NORM_OK("risk", "assets", "a-0010, A-0002 A-0010", "A-0002,A-0010");
    NORM_OK("risk", "controls", "5.10,5.9", "5.9,5.10");
    NORM_OK("action", "cost", "1200.50", "1200.5");
    NORM_OK("role", "top_management", "Yes", "1");
    NORM_OK("role", "top_management", "no", "0");
    NORM_OK("incident", "detected_at", "2026-03-01 09:30", "2026-03-01T09:30:00Z");
    NORM_OK("risk", "description", "line one\nline two", "line one\nline two");

    NORM_BAD("risk", "likelihood", "abc", "not a whole number");
    NORM_BAD("risk", "likelihood", "11", "outside 1..10");
    NORM_BAD("risk", "treatment", "ignore", "not one of: modify, avoid, share, retain");
    NORM_BAD("risk", "affects", "secrecy", "not one of");
    NORM_BAD("risk", "review_date", "2026-02-30", "not a date");
    NORM_BAD("risk", "title", "a\nb", "control character");
    NORM_BAD("risk", "title", "\xff\xfe", "UTF-8");
    NORM_BAD("risk", "owner", "P-1,P-2", "one identifier");
    NORM_BAD("risk", "owner", "P 1;drop", "not a record identifier");
    NORM_BAD("risk", "assets", "A-0001,'; drop table risk", "not a record identifier");
    NORM_BAD("role", "top_management", "maybe", "yes or no");
    NORM_BAD("person", "email", "not-an-email", "e-mail");
    NORM_BAD("action", "cost", "1e400", "not a number");

    char long_title[202];
    memset(long_title, 'x', 201);
    long_title[201] = 0;
    NORM_BAD("risk", "title", long_title, "too long (201 characters; at most 200)");
    /* 200 two-byte characters fit: the limit counts characters, not bytes */
    char umlauts[401];
    for (int i = 0; i < 200; i++) {
        umlauts[2 * i] = (char)0xc3;
        umlauts[2 * i + 1] = (char)0xbc;
    }
    umlauts[400] = 0;
    struct err e = {0};
    char *v = norm("risk", "title", umlauts, &e);
    CHECK(v != NULL);
    free(v);
}

TEST(record_json_typed)
{
    const struct rtype *t = rtype_find("risk");
    struct record *r = record_new(t);
    r->ref = strdup("R-0001");
    int i;
    rtype_field(t, "title", &i);
    record_set_take(r, i, strdup("Quote \" and <tag>"));
    rtype_field(t, "likelihood", &i);
    record_set_take(r, i, strdup("3"));
    rtype_field(t, "assets", &i);
    record_set_take(r, i, strdup("A-0001,A-0002"));
    struct buf b;
    buf_init(&b, 0);
    record_json(r, &b, 0);
    const char *s = buf_str(&b);
    CHECK(strncmp(s, "{\"id\":\"R-0001\",\"title\":\"Quote \\\" and \\u003ctag\\u003e\"", 50) == 0);
    CHECK(strstr(s, "\"likelihood\":3,") != NULL);
    CHECK(strstr(s, "\"assets\":[\"A-0001\",\"A-0002\"]") != NULL);
    CHECK(strstr(s, "\"affects\":[]") != NULL);
    CHECK(strstr(s, "\"owner\":null") != NULL);
    buf_free(&b);
    record_free(r);
}
