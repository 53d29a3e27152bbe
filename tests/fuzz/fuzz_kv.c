/* fuzz_kv.c — kv_parse_urlencoded on arbitrary bytes, as the server gives
 * it query strings and form bodies. A decoded list must be valid UTF-8 with
 * no more than REQ_MAX_FIELDS fields, encode and decode back to itself, and
 * hold every byte it was given: a NUL, encoded or raw, is refused. */
#include <stdlib.h>
#include <string.h>

#include "../../src/http/http.h"
#include "../../src/lib/text.h"
#include "fuzz.h"

static void encode(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~", *p)) {
            buf_putc(b, (char)*p);
        } else if (*p == ' ') {
            buf_putc(b, '+');
        } else {
            char e[4] = {'%', hex[*p >> 4], hex[*p & 15], 0};
            buf_puts(b, e);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct kvlist l, again;
    memset(&l, 0, sizeof l);
    memset(&again, 0, sizeof again);
    if (kv_parse_urlencoded(&l, (const char *)data, size) == 0) {
        if (size && memchr(data, 0, size)) {
            fuzz_fail("kv: a raw NUL byte is accepted; names and values are cut at it");
        }
        if (l.n < 0 || l.n > REQ_MAX_FIELDS) {
            fuzz_fail("kv: %d fields", l.n);
        }
        struct buf b;
        buf_init(&b, 0);
        for (int i = 0; i < l.n; i++) {
            const char *k = l.kv[i].name, *v = l.kv[i].value;
            if (!utf8_valid(k, strlen(k)) || !utf8_valid(v, strlen(v))) {
                fuzz_fail("kv: field %d is not UTF-8", i);
            }
            if (i) {
                buf_putc(&b, '&');
            }
            encode(&b, k);
            buf_putc(&b, '=');
            encode(&b, v);
        }
        if (kv_parse_urlencoded(&again, b.p, b.len) || again.n != l.n) {
            fuzz_fail("kv: the encoded list is refused or has another length: %s", buf_str(&b));
        }
        for (int i = 0; i < l.n; i++) {
            if (strcmp(l.kv[i].name, again.kv[i].name) != 0 ||
                strcmp(l.kv[i].value, again.kv[i].value) != 0) {
                fuzz_fail("kv: field %d changes when encoded and decoded", i);
            }
        }
        if (l.n && kv_get(&l, l.kv[0].name) != l.kv[0].value) {
            fuzz_fail("kv: kv_get does not find the first field");
        }
        buf_free(&b);
    }
    kv_free(&l);
    kv_free(&again);
    return 0;
}
