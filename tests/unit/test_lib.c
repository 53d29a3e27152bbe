/* test_lib.c — lib/: buffers, JSON escaping, UTF-8, dates, numbers, CSV. */
#include <stdlib.h>
#include <string.h>

#include "../../src/lib/buf.h"
#include "../../src/lib/csv.h"
#include "../../src/lib/json.h"
#include "../../src/lib/strmap.h"
#include "../../src/lib/text.h"
#include "../../src/lib/util.h"
#include "test.h"

TEST(buf_limit)
{
    struct buf b;
    buf_init(&b, 8);
    buf_puts(&b, "1234");
    buf_puts(&b, "5678");
    CHECK(!b.over);
    buf_putc(&b, 'x');
    CHECK(b.over);
    CHECK_STR(buf_str(&b), "12345678");
    buf_printf(&b, "%d", 1);
    CHECK(b.len == 8);
    buf_free(&b);
}

TEST(buf_printf_long)
{
    struct buf b;
    buf_init(&b, 0);
    char big[1000];
    memset(big, 'a', sizeof big - 1);
    big[999] = 0;
    buf_printf(&b, "<%s>", big);
    CHECK(b.len == 1001);
    CHECK(b.p[0] == '<' && b.p[1000] == '>');
    buf_free(&b);
}

TEST(json_escapes)
{
    struct buf b;
    buf_init(&b, 0);
    json_quote(&b, "a\"b\\c\n\x01<script>&");
    CHECK_STR(buf_str(&b), "\"a\\\"b\\\\c\\n\\u0001\\u003cscript\\u003e\\u0026\"");
    buf_free(&b);
}

TEST(json_writer_nesting)
{
    struct buf b;
    struct jw w;
    buf_init(&b, 0);
    jw_init(&w, &b, 0);
    jw_obj(&w);
    jw_key(&w, "a");
    jw_arr(&w);
    jw_int(&w, 1);
    jw_str(&w, "x");
    jw_null(&w);
    jw_arr_end(&w);
    jw_key(&w, "b");
    jw_obj(&w);
    jw_obj_end(&w);
    jw_key(&w, "c");
    jw_bool(&w, 1);
    jw_obj_end(&w);
    CHECK_STR(buf_str(&b), "{\"a\":[1,\"x\",null],\"b\":{},\"c\":true}");
    buf_free(&b);
}

TEST(utf8)
{
    CHECK(utf8_valid("Zürich – ☂ 😀", strlen("Zürich – ☂ 😀")));
    CHECK(!utf8_valid("\xff\xfe", 2));
    CHECK(!utf8_valid("\xc0\xaf", 2));         /* overlong '/' */
    CHECK(!utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
    CHECK(!utf8_valid("\xf4\x90\x80\x80", 4)); /* above U+10FFFF */
    CHECK(!utf8_valid("\xe2\x82", 2));         /* truncated */
    CHECK(utf8_chars("Zürich") == 6);
    CHECK(text_bad_control("a\tb", 0) == '\t');
    CHECK(text_bad_control("a\tb\nc\r\n", 1) == 0);
    CHECK(text_bad_control("a\rb", 1) == '\r');
    CHECK(text_bad_control("a\x1b[31m", 1) == 0x1b);
}

TEST(dates)
{
    int y, m, d;
    CHECK(date_parse("2024-02-29", &y, &m, &d) == 0);
    CHECK(date_parse("2023-02-29", &y, &m, &d) != 0);
    CHECK(date_parse("2026-13-01", &y, &m, &d) != 0);
    CHECK(date_parse("2026-1-01", &y, &m, &d) != 0);
    CHECK(date_parse("2026-01-01x", &y, &m, &d) != 0);
    char out[21];
    CHECK(datetime_normalize("2026-01-31 10:00", out) == 0);
    CHECK_STR(out, "2026-01-31T10:00:00Z");
    CHECK(datetime_normalize("2026-01-31T23:59:59Z", out) == 0);
    CHECK(datetime_normalize("2026-01-31 24:00", out) != 0);
    char d2[11];
    CHECK(date_add_days("2026-12-30", 3, d2) == 0);
    CHECK_STR(d2, "2027-01-02");
}

TEST(numbers)
{
    double x;
    int64_t i;
    CHECK(number_parse("12.5", &x) == 0 && x == 12.5);
    CHECK(number_parse("-3", &x) == 0 && x == -3);
    CHECK(number_parse("1e3", &x) == 0 && x == 1000);
    CHECK(number_parse("0x10", &x) != 0);
    CHECK(number_parse("nan", &x) != 0);
    CHECK(number_parse("inf", &x) != 0);
    CHECK(number_parse("", &x) != 0);
    CHECK(number_parse("1.5abc", &x) != 0);
    CHECK(int_parse("42", &i) == 0 && i == 42);
    CHECK(int_parse("4.2", &i) != 0);
    CHECK(int_parse("99999999999999999999", &i) != 0);
    CHECK(natcmp("5.9", "5.10") < 0);
    CHECK(natcmp("A-0002", "A-0010") < 0);
    /* equal by value, so the bytes decide: a total order */
    CHECK(natcmp("R-0001", "R-1") < 0 && natcmp("R-1", "R-0001") > 0);
    CHECK(natcmp("8.24", "8.24") == 0);
}

struct rows {
    int n;
    char got[8][4][32];
    int nf[8];
};

static int row(void *ctx, int r, int nf, char **f)
{
    struct rows *rs = ctx;
    (void)r;
    if (rs->n < 8) {
        rs->nf[rs->n] = nf;
        for (int i = 0; i < nf && i < 4; i++) {
            strlcpy_(rs->got[rs->n][i], f[i], 32);
        }
    }
    rs->n++;
    return 0;
}

TEST(csv_parse_ok)
{
    const char *data = "id,title\r\n1,\"a, \"\"quoted\"\" b\"\n2,\"multi\nline\"\n3,\n";
    struct rows rs = {0};
    struct err e = {0};
    CHECK(csv_parse(data, strlen(data), row, &rs, &e) == 0);
    CHECK(rs.n == 4);
    CHECK_STR(rs.got[1][1], "a, \"quoted\" b");
    CHECK_STR(rs.got[2][1], "multi\nline");
    CHECK(rs.nf[3] == 2);
    CHECK_STR(rs.got[3][1], "");
}

TEST(csv_parse_errors)
{
    struct rows rs = {0};
    struct err e = {0};
    CHECK(csv_parse("a,\"b", 4, row, &rs, &e) != 0);
    CHECK(strstr(e.msg, "unterminated") != NULL);
    CHECK(csv_parse("a,b\"c\n", 6, row, &rs, &e) != 0);
    CHECK(csv_parse("\"a\"b\n", 5, row, &rs, &e) != 0);
    /* a NUL byte is refused (it would cut a value short), naming the line */
    struct rows none = {0};
    CHECK(csv_parse("a,b\nc,d\0e\n", 10, row, &none, &e) != 0);
    CHECK(strstr(e.msg, "line 2") != NULL && strstr(e.msg, "NUL") != NULL);
    CHECK(none.n == 0);
    /* 64 fields and a trailing comma at the end of the data are 65: refused,
     * not one silently dropped */
    struct buf b;
    buf_init(&b, 0);
    for (int i = 0; i < CSV_MAX_FIELDS; i++) {
        buf_puts(&b, "x,");
    }
    struct rows many = {0};
    CHECK(csv_parse(b.p, b.len, row, &many, &e) != 0);
    CHECK(strstr(e.msg, "more than 64 fields") != NULL);
    /* 63 and the trailing comma's empty field: exactly 64, fine */
    b.len -= 2;
    b.p[b.len] = 0;
    struct rows max = {0};
    CHECK(csv_parse(b.p, b.len, row, &max, &e) == 0);
    CHECK(max.n == 1 && max.nf[0] == CSV_MAX_FIELDS);
    buf_free(&b);
}

TEST(csv_neutralise)
{
    struct buf b;
    buf_init(&b, 0);
    csv_field(&b, "=HYPERLINK(\"x\")", 1);
    CHECK_STR(buf_str(&b), "\"'=HYPERLINK(\"\"x\"\")\"");
    buf_reset(&b);
    csv_field(&b, "-1", 1);
    CHECK_STR(buf_str(&b), "\"'-1\"");
    buf_reset(&b);
    csv_field(&b, "plain", 1);
    CHECK_STR(buf_str(&b), "plain");
    buf_free(&b);
}

#define NC(a, b) natcasecmp_n((a), strlen(a), (b), strlen(b))

/* The listings' text order (natkey is its stored form): natural, letters
 * folded, bytes last; counted, so no terminator is needed. */
TEST(lib_natcasecmp)
{
    CHECK(NC("item 2", "Item 10") < 0);
    CHECK(NC("Item 10", "item 11") < 0);
    CHECK(NC("apple", "Banana") < 0);
    CHECK(NC("Banana", "apple") > 0);
    CHECK(NC("A", "a") < 0 && NC("a", "A") > 0); /* folded equal: bytes decide */
    CHECK(NC("abc", "abc") == 0);
    CHECK(NC("ab", "abc") < 0);
    CHECK(NC("x9", "x10") < 0);
    CHECK(NC("x010", "x9") > 0);
    CHECK(natcasecmp_n("abX", 2, "ab", 2) == 0);
    CHECK(NC("", "a") < 0);
}

static int sign_(int c)
{
    return (c > 0) - (c < 0);
}

static char *key_of(const char *s)
{
    struct buf b;
    buf_init(&b, 0);
    natkey(&b, s, strlen(s));
    buf_str(&b);
    return buf_take(&b);
}

/* 1 when every pair of v orders the same by natcasecmp_n and by strcmp of
 * natkeys, and every key is printable ASCII; prints the first pair that
 * does not. */
static int keys_agree(const char *const *v, int n)
{
    char **k = malloc((size_t)n * sizeof *k);
    int ok = 1;
    for (int i = 0; i < n; i++) {
        k[i] = key_of(v[i]);
        for (const char *p = k[i]; *p; p++) {
            if (*p < 0x20 || *p > 0x7e) {
                fprintf(stderr, "  natkey(\"%s\") = \"%s\": not printable ASCII\n", v[i], k[i]);
                ok = 0;
                break;
            }
        }
    }
    for (int i = 0; i < n && ok; i++) {
        for (int j = 0; j < n && ok; j++) {
            if (sign_(strcmp(k[i], k[j])) != sign_(NC(v[i], v[j]))) {
                fprintf(stderr, "  \"%s\" vs \"%s\": natcasecmp_n %d, keys \"%s\" \"%s\"\n", v[i],
                        v[j], NC(v[i], v[j]), k[i], k[j]);
                ok = 0;
            }
        }
    }
    for (int i = 0; i < n; i++) {
        free(k[i]);
    }
    free(k);
    return ok;
}

/* The stored sort key orders exactly as the comparison it replaces. */
TEST(lib_natkey)
{
    static const char *const tricky[] = {
        "", " ", "0", "00", "000", "1", "01", "001", "0001", "10", "010", "2", "9", "09",
        "a", "A", "b", "B", "z", "Z", "_", "[", "`", "{", "~", "\x7f", "!", "\"", "\x01", "\x1f",
        "-", ".", "/", ":", "@", "a-", "a.", "a0", "a00", "a 1", "a1", "a01", "a01b", "a1B",
        "a1b", "A1b", "a10", "a9", "a9b", "x9", "x10", "x010", "R-2", "R-10", "R-0002",
        "item 10", "Item 9", "item 9b", "ITEM 010", "item 2", "Item 10", "item 11",
        "12345678", "123456789", "99999999", "100000000", "0123456789", "999999999",
        "9999999999", "1000000000", "x999999999y", "x1000000000y",
        "123456789012345678901", "99999999999999999999", "000000000000000000000000000001",
        "1234567890123456789012345678901234567890", "1234567890123456789012345678901234567891",
        "5.9", "5.10", "8.24", "A.5.1.1", "A.5.10", "e", "\xc3\xa9", "\xc3\xa9t\xc3\xa9",
        "ete", "\xc3\x89", "\xff", "\xc3\xa9" "1", "\xc3\xa9" "01", "1\xc3\xa9", "a,b", "a,B",
        "apple", "Banana", "ab", "abc", "abX"};
    CHECK(keys_agree(tricky, (int)(sizeof tricky / sizeof tricky[0])));
    char *k = key_of("");
    CHECK_STR(k, " "); /* set but empty: the separator alone, above unset (NULL) */
    free(k);
    k = key_of("Item 010");
    CHECK_STR(k, "item!20210 Item!20010");
    free(k);

    /* thousands of random strings from a small alphabet: every pair */
    static const char *const alpha[] = {"0", "0", "1", "2", "9", "a", "A", "b", "B", "z",
                                        "-", ".", " ", "\xc3\xa9", "_", "~", "999999999",
                                        "12345678901234567890123"};
    enum { N = 2000 };
    char **v = malloc(N * sizeof *v);
    uint64_t x = 0x9e3779b97f4a7c15u;
    for (int i = 0; i < N; i++) {
        struct buf b;
        buf_init(&b, 0);
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int len = (int)(x % 9);
        for (int j = 0; j < len; j++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            buf_puts(&b, alpha[x % (sizeof alpha / sizeof alpha[0])]);
        }
        buf_str(&b);
        v[i] = buf_take(&b);
    }
    CHECK(keys_agree((const char *const *)v, N));
    for (int i = 0; i < N; i++) {
        free(v[i]);
    }
    free(v);
}

TEST(lib_i64_text)
{
    char d[24];
    CHECK_STR(i64_text(d, 0), "0");
    CHECK_STR(i64_text(d, 1234567), "1234567");
    CHECK_STR(i64_text(d, -42), "-42");
    CHECK_STR(i64_text(d, INT64_MIN), "-9223372036854775808");
    CHECK_STR(i64_text(d, INT64_MAX), "9223372036854775807");
}

TEST(lib_strmap)
{
    struct strmap m = {0};
    const char *v = "unset";
    CHECK(!strmap_get(&m, "P-0001", &v));
    char key[32], val[32];
    for (int i = 0; i < 1000; i++) {
        snprintf(key, sizeof key, "P-%04d", i);
        snprintf(val, sizeof val, "Person %d", i);
        strmap_put(&m, key, i % 7 ? val : NULL);
    }
    CHECK(m.n == 1000);
    CHECK(strmap_get(&m, "P-0500", &v) && v && strcmp(v, "Person 500") == 0);
    CHECK(strmap_get(&m, "P-0007", &v) && v == NULL); /* known to have none */
    CHECK(!strmap_get(&m, "P-1000", &v));
    strmap_put(&m, "P-0500", "Renamed");
    CHECK(m.n == 1000 && strmap_get(&m, "P-0500", &v) && strcmp(v, "Renamed") == 0);
    strmap_free(&m);
    CHECK(m.n == 0 && !strmap_get(&m, "P-0500", &v));
}
