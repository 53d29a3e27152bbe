/* hash.c — see hash.h. */
#include "hash.h"

#include <string.h>

int hash_init(void)
{
    return sodium_init() < 0 ? -1 : 0;
}

void sha256_begin(struct sha256 *h)
{
    crypto_hash_sha256_init(&h->st);
}

void sha256_add(struct sha256 *h, const void *data, size_t n)
{
    crypto_hash_sha256_update(&h->st, data, n);
}

void sha256_add_field(struct sha256 *h, const char *s)
{
    if (!s) {
        sha256_add(h, "-:", 2);
        return;
    }
    /* "LEN:" then the bytes; formatted by hand, as it runs for every field
     * of every history entry written or verified */
    size_t n = strlen(s);
    char len[24];
    char *p = len + sizeof len;
    *--p = ':';
    size_t u = n;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    sha256_add(h, p, (size_t)(len + sizeof len - p));
    sha256_add(h, s, n);
}

void sha256_hex_end(struct sha256 *h, char out[65])
{
    unsigned char d[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&h->st, d);
    sodium_bin2hex(out, 65, d, sizeof d);
}

void sha256_hex(const void *data, size_t n, char out[65])
{
    struct sha256 h;
    sha256_begin(&h);
    sha256_add(&h, data, n);
    sha256_hex_end(&h, out);
}
