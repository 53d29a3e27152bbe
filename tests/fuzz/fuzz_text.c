/* fuzz_text.c — the untrusted-text checks of lib/text.c (UTF-8, control
 * characters, dates, numbers) against simple restatements of their rules, and
 * json_quote: quoted valid UTF-8 read back by Jansson is the same string. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/lib/json.h"
#include "../../src/lib/text.h"
#include "../../src/lib/util.h"
#include "fuzz.h"

/* RFC 3629 restated by its table of well-formed byte sequences; returns the
 * length of the sequence at s (at most n bytes), or 0 when it is not one. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    if (c < 0x80) {
        return 1;
    }
    size_t len = c >= 0xc2 && c <= 0xdf   ? 2
                 : c >= 0xe0 && c <= 0xef ? 3
                 : c >= 0xf0 && c <= 0xf4 ? 4
                                          : 0;
    if (!len || len > n) {
        return 0;
    }
    unsigned char lo = 0x80, hi = 0xbf;
    if (c == 0xe0) {
        lo = 0xa0;
    } else if (c == 0xed) {
        hi = 0x9f;
    } else if (c == 0xf0) {
        lo = 0x90;
    } else if (c == 0xf4) {
        hi = 0x8f;
    }
    if (s[1] < lo || s[1] > hi) {
        return 0;
    }
    for (size_t k = 2; k < len; k++) {
        if (s[k] < 0x80 || s[k] > 0xbf) {
            return 0;
        }
    }
    return len;
}

/* Returns the number of code points, or -1 when s[0..n) is not UTF-8. */
static long utf8_count(const unsigned char *s, size_t n)
{
    long chars = 0;
    for (size_t i = 0; i < n; chars++) {
        size_t len = utf8_seq(s + i, n - i);
        if (!len) {
            return -1;
        }
        i += len;
    }
    return chars;
}

static void check_utf8(const uint8_t *data, size_t size, const char *s)
{
    long chars = utf8_count(data, size);
    if (utf8_valid((const char *)data, size) != (chars >= 0)) {
        fuzz_fail("utf8_valid says %d", utf8_valid((const char *)data, size));
    }
    size_t n = strlen(s);
    char *clean = xstrdup(s);
    utf8_sanitize(clean);
    if (strlen(clean) != n || !utf8_valid(clean, n)) {
        fuzz_fail("utf8_sanitize left invalid text or changed the length");
    }
    if (utf8_valid(s, n) && strcmp(clean, s) != 0) {
        fuzz_fail("utf8_sanitize changed valid text");
    }
    if (utf8_chars(clean) != (size_t)utf8_count((const unsigned char *)clean, n)) {
        fuzz_fail("utf8_chars miscounts");
    }
    for (int multiline = 0; multiline <= 1; multiline++) {
        int bad = text_bad_control(s, multiline);
        if (bad && (!strchr(s, bad) || (bad >= 0x20 && bad != 0x7f))) {
            fuzz_fail("text_bad_control names 0x%02x", bad);
        }
    }
    free(clean);
}

static void check_json_quote(const char *s)
{
    char *clean = xstrdup(s);
    utf8_sanitize(clean);
    struct buf b;
    buf_init(&b, 0);
    json_quote(&b, clean);
    for (const char *p = buf_str(&b); *p; p++) {
        if ((unsigned char)*p < 0x20 || *p == '<' || *p == '>' || *p == '&' || *p == 0x7f) {
            fuzz_fail("json_quote left 0x%02x unescaped", (unsigned char)*p);
        }
    }
    json_error_t je;
    json_t *v = json_loadb(b.p, b.len, JSON_DECODE_ANY, &je);
    if (!json_is_string(v) || strcmp(json_string_value(v), clean) != 0) {
        fuzz_fail("json_quote: Jansson reads %s back as something else (%s)", buf_str(&b),
                  v ? "another value" : je.text);
    }
    json_decref(v);
    buf_free(&b);
    free(clean);
}

static void check_dates(const char *s, int days)
{
    int y, m, d;
    if (date_parse(s, &y, &m, &d) == 0) {
        char again[64];
        snprintf(again, sizeof again, "%04d-%02d-%02d", y, m, d);
        if (strcmp(again, s) != 0 || m < 1 || m > 12 || d < 1 || d > 31) {
            fuzz_fail("date_parse accepts '%s' as %s", s, again);
        }
        char later[11];
        if (date_add_days(s, days, later) || strlen(later) != 10) {
            fuzz_fail("date_add_days(%s, %d) fails", s, days);
        }
    }
    char canon[21], twice[21];
    if (datetime_normalize(s, canon) == 0) {
        if (strlen(canon) != 20 || datetime_normalize(canon, twice) || strcmp(canon, twice)) {
            fuzz_fail("datetime_normalize('%s') gives '%s', not canonical", s, canon);
        }
        char date[11];
        memcpy(date, canon, 10);
        date[10] = 0;
        if (date_parse(date, &y, &m, &d)) {
            fuzz_fail("datetime_normalize('%s') gives a bad date", s);
        }
    }
}

static void check_numbers(const char *s)
{
    double x;
    if (number_parse(s, &x) == 0) {
        char again[64];
        double y;
        snprintf(again, sizeof again, "%.17g", x);
        if (!isfinite(x) || number_parse(again, &y) || y != x) {
            fuzz_fail("number_parse('%s') = %.17g does not read back", s, x);
        }
    }
    int64_t i, j;
    if (int_parse(s, &i) == 0) {
        char again[32];
        snprintf(again, sizeof again, "%lld", (long long)i);
        if (int_parse(again, &j) || i != j || number_parse(s, &x)) {
            fuzz_fail("int_parse('%s') = %lld", s, (long long)i);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_str(data, size);
    check_utf8(data, size, s);
    check_json_quote(s);
    int days = size >= 2 ? (int)(int16_t)(data[0] | data[1] << 8) : 0;
    check_dates(s, days);
    check_numbers(s);
    free(s);
    return 0;
}
