/* text.c — see text.h. */
#include "text.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int utf8_valid(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len;
        unsigned cp;
        if (c >= 0xc2 && c <= 0xdf) {
            len = 2;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            len = 3;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            len = 4;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if (n - i < len) {
            return 0;
        }
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80) {
                return 0;
            }
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
            (cp >= 0xd800 && cp <= 0xdfff)) {
            return 0;
        }
        i += len;
    }
    return 1;
}

void utf8_sanitize(char *s)
{
    size_t n = strlen(s);
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        size_t len = c < 0x80 ? 1 : (c >= 0xc2 && c <= 0xdf) ? 2 : (c >= 0xe0 && c <= 0xef) ? 3
                                  : (c >= 0xf0 && c <= 0xf4)   ? 4
                                                               : 0;
        if (len && i + len <= n && utf8_valid(s + i, len)) {
            i += len;
        } else {
            s[i++] = '?';
        }
    }
}

size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++) {
        if (((unsigned char)*s & 0xc0) != 0x80) {
            n++;
        }
    }
    return n;
}

int text_bad_control(const char *s, int multiline)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p >= 0x20 && *p != 0x7f) {
            continue;
        }
        if (multiline && (*p == '\n' || *p == '\t')) {
            continue;
        }
        if (multiline && *p == '\r' && p[1] == '\n') {
            continue;
        }
        return *p;
    }
    return 0;
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i])) {
            return -1;
        }
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

static int days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) {
        return 29;
    }
    return dm[m - 1];
}

int date_parse(const char *s, int *y, int *m, int *d)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-') {
        return -1;
    }
    if (digits(s, 4, y) || digits(s + 5, 2, m) || digits(s + 8, 2, d)) {
        return -1;
    }
    if (*y < 1900 || *y > 2999 || *m < 1 || *m > 12 || *d < 1 || *d > days_in_month(*y, *m)) {
        return -1;
    }
    return 0;
}

int datetime_normalize(const char *s, char out[21])
{
    int y, mo, d, h, mi, sec = 0;
    size_t n = strlen(s);
    if (n < 16) {
        return -1;
    }
    char date[11];
    memcpy(date, s, 10);
    date[10] = 0;
    if (date_parse(date, &y, &mo, &d) || (s[10] != 'T' && s[10] != ' ')) {
        return -1;
    }
    if (digits(s + 11, 2, &h) || s[13] != ':' || digits(s + 14, 2, &mi)) {
        return -1;
    }
    const char *rest = s + 16;
    if (*rest == ':') {
        if (digits(rest + 1, 2, &sec)) {
            return -1;
        }
        rest += 3;
    }
    if (*rest == 'Z') {
        rest++;
    }
    if (*rest || h > 23 || mi > 59 || sec > 59) {
        return -1;
    }
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, h, mi, sec);
    memcpy(out, tmp, 21);
    out[20] = 0;
    return 0;
}

/* simulated clock: the demo builder's replayed year (time_set_simulated) */
static __thread char sim_now[21];

int time_set_simulated(const char *iso)
{
    char t[21];
    if (!iso) {
        sim_now[0] = 0;
        return 0;
    }
    if (datetime_normalize(iso, t)) {
        return -1;
    }
    if (sim_now[0] && strcmp(t, sim_now) < 0) {
        return 1; /* monotonic: never back; the clock stays */
    }
    memcpy(sim_now, t, sizeof sim_now);
    return 0;
}

int time_is_simulated(void)
{
    return sim_now[0] != 0;
}

void time_now(char out[21])
{
    if (sim_now[0]) {
        memcpy(out, sim_now, 21);
        return;
    }
    const char *fake = getenv("ISMS_NOW");
    if (fake && datetime_normalize(fake, out) == 0) {
        return;
    }
    if (fake && strlen(fake) == 10) {
        int y, m, d;
        if (date_parse(fake, &y, &m, &d) == 0) {
            char tmp[64];
            snprintf(tmp, sizeof tmp, "%.10sT00:00:00Z", fake);
            memcpy(out, tmp, 21);
            return;
        }
    }
    /* formatted once a second per thread (a server asks on every request) */
    static __thread time_t memo_t = (time_t)-1;
    static __thread char memo[21];
    time_t t = time(NULL);
    if (t != memo_t) {
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(memo, sizeof memo, "%Y-%m-%dT%H:%M:%SZ", &tm);
        memo_t = t;
    }
    memcpy(out, memo, 21);
}

void date_today(char out[11])
{
    char now[21];
    time_now(now);
    memcpy(out, now, 10);
    out[10] = 0;
}

int date_add_days(const char *in, int days, char out[11])
{
    int y, m, d;
    if (date_parse(in, &y, &m, &d)) {
        return -1;
    }
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d + days;
    tm.tm_hour = 12;
    time_t t = timegm(&tm);
    struct tm r;
    gmtime_r(&t, &r);
    strftime(out, 11, "%Y-%m-%d", &r);
    return 0;
}

int number_parse(const char *s, double *out)
{
    const char *p = s;
    if (*p == '-' || *p == '+') {
        p++;
    }
    if (!isdigit((unsigned char)*p) && !(*p == '.' && isdigit((unsigned char)p[1]))) {
        return -1;
    }
    for (const char *q = p; *q; q++) {
        if (!isdigit((unsigned char)*q) && *q != '.' && *q != 'e' && *q != 'E' && *q != '-' &&
            *q != '+') {
            return -1;
        }
    }
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (*end || errno || !isfinite(v)) {
        return -1;
    }
    *out = v;
    return 0;
}

int int_parse(const char *s, int64_t *out)
{
    const char *p = s;
    if (*p == '-' || *p == '+') {
        p++;
    }
    if (!*p) {
        return -1;
    }
    for (const char *q = p; *q; q++) {
        if (!isdigit((unsigned char)*q)) {
            return -1;
        }
    }
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (*end || errno) {
        return -1;
    }
    *out = v;
    return 0;
}
