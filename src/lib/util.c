/* util.c — allocation wrappers that abort on exhaustion and string helpers. */
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

static void oom(size_t n)
{
    fprintf(stderr, "isms: out of memory (%zu bytes)\n", n);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        oom(n);
    }
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) {
        oom(n * size);
    }
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        oom(n);
    }
    return q;
}

char *xstrdup(const char *s)
{
    if (!s) {
        return NULL;
    }
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

size_t strlcpy_(char *dst, const char *src, size_t size)
{
    size_t n = strlen(src);
    if (size) {
        size_t c = n < size - 1 ? n : size - 1;
        memcpy(dst, src, c);
        dst[c] = '\0';
    }
    return n;
}

static int fold_(unsigned char c, int fold)
{
    return fold && c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* The natural comparison of a[0..na) and b[0..nb): runs of digits by their
 * value, other bytes one by one (ASCII letters folded when fold is set). */
static int natcmp_(const unsigned char *a, size_t na, const unsigned char *b, size_t nb, int fold)
{
    size_t i = 0, j = 0;
    while (i < na && j < nb) {
        if (isdigit(a[i]) && isdigit(b[j])) {
            while (i < na && a[i] == '0') {
                i++;
            }
            while (j < nb && b[j] == '0') {
                j++;
            }
            size_t la = 0, lb = 0;
            while (i + la < na && isdigit(a[i + la])) {
                la++;
            }
            while (j + lb < nb && isdigit(b[j + lb])) {
                lb++;
            }
            if (la != lb) {
                return la < lb ? -1 : 1;
            }
            int c = memcmp(a + i, b + j, la);
            if (c) {
                return c < 0 ? -1 : 1;
            }
            i += la;
            j += lb;
            continue;
        }
        int x = fold_(a[i], fold), y = fold_(b[j], fold);
        if (x != y) {
            return x < y ? -1 : 1;
        }
        i++;
        j++;
    }
    return (i < na) - (j < nb);
}

/* Bytes decide between strings equal so far ("1" and "0001", "a" and "A"),
 * so the order is total and sorting is stable across runs (canonical
 * forms rely on it). */
static int bytes_cmp(const void *a, size_t na, const void *b, size_t nb)
{
    int c = memcmp(a, b, na < nb ? na : nb);
    if (!c) {
        c = (na > nb) - (na < nb);
    }
    return c < 0 ? -1 : c > 0;
}

int natcmp(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    int c = natcmp_((const unsigned char *)a, na, (const unsigned char *)b, nb, 0);
    return c ? c : bytes_cmp(a, na, b, nb);
}

int natcasecmp_n(const void *a, size_t na, const void *b, size_t nb)
{
    int c = natcmp_(a, na, b, nb, 1);
    return c ? c : bytes_cmp(a, na, b, nb);
}

/* ---- natkey: natcasecmp_n as a byte string ------------------------------
 *
 * natcmp_ compares a string as a sequence of tokens: each maximal run of
 * digits is one token compared by its value (leading zeros dropped: the
 * longer remaining run is larger, equal lengths compare digit by digit);
 * every other byte is a token of its own, ASCII A-Z folded to a-z. A digit
 * met by a non-digit compares as a digit byte, and every non-digit is below
 * '0' or above '9', so a number token sits between the bytes up to 0x2F and
 * those from 0x3A on. A string that runs out first is smaller. When the
 * tokens are all equal the raw bytes decide (bytes_cmp).
 *
 * The key is therefore: every token's code, a space, then the raw bytes'
 * code. Codes are printable ASCII, ordered as their tokens and prefix-free,
 * so memcmp of two keys meets the first differing token inside its code:
 *   byte x, 0x22-0x7D     x itself (never a digit or A-Z in the first part)
 *   byte x, 0x00-0x21     '!' and two upper-case hex digits
 *   byte x, 0x7E-0xFF     '~' and two upper-case hex digits
 *   number of L digits    '0' + L and the digits, for L <= 8 (0: "0");
 *   (after leading zeros) else '9', '0' + the count of L's decimal digits,
 *                         L in decimal, the digits
 * The separator (0x20) is below every code's first byte ('!' is the
 * lowest), so a string whose tokens are a prefix of another's is smaller;
 * the raw part uses the byte codes unfolded, digits included, and ends the
 * key, so there too the shorter is smaller. */
static void key_byte(struct buf *out, unsigned char c)
{
    static const char hex[] = "0123456789ABCDEF";
    if (c >= 0x22 && c <= 0x7d) {
        buf_putc(out, (char)c);
        return;
    }
    char code[3] = {c < 0x22 ? '!' : '~', hex[c >> 4], hex[c & 15]};
    buf_append(out, code, sizeof code);
}

void natkey(struct buf *out, const void *s, size_t n)
{
    const unsigned char *p = s;
    for (size_t i = 0; i < n;) {
        if (!isdigit(p[i])) {
            key_byte(out, (unsigned char)fold_(p[i], 1));
            i++;
            continue;
        }
        while (i < n && p[i] == '0') {
            i++;
        }
        size_t l = 0;
        while (i + l < n && isdigit(p[i + l])) {
            l++;
        }
        if (l <= 8) {
            buf_putc(out, (char)('0' + l));
        } else {
            char d[24];
            const char *len = i64_text(d, (int64_t)l);
            buf_putc(out, '9');
            buf_putc(out, (char)('0' + strlen(len)));
            buf_puts(out, len);
        }
        buf_append(out, p + i, l);
        i += l;
    }
    buf_putc(out, ' ');
    for (size_t i = 0; i < n; i++) {
        key_byte(out, p[i]);
    }
}

char *i64_text(char buf[24], int64_t v)
{
    char *p = buf + 23;
    *p = 0;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) {
        *--p = '-';
    }
    return p;
}

int str_empty(const char *s)
{
    return !s || !*s;
}

int strcasecmp_(const char *a, const char *b)
{
    for (;; a++, b++) {
        int ca = tolower((unsigned char)*a), cb = tolower((unsigned char)*b);
        if (ca != cb || !ca) {
            return ca - cb;
        }
    }
}

int list_has(const char *list, const char *item)
{
    if (!list || !item || !*item) {
        return 0;
    }
    size_t n = strlen(item);
    for (const char *p = list; (p = strstr(p, item)) != NULL; p += n) {
        if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0')) {
            return 1;
        }
    }
    return 0;
}
