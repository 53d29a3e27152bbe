/* hash.h — SHA-256 (libsodium) as lowercase hex. */
#ifndef ISMS_HASH_H
#define ISMS_HASH_H

#include <stddef.h>

#include <sodium.h>

struct sha256 {
    crypto_hash_sha256_state st;
};

/* Must be called once before any other hashing (initialises libsodium). */
int hash_init(void);
void sha256_begin(struct sha256 *h);
void sha256_add(struct sha256 *h, const void *data, size_t n);
/* Adds a length-prefixed string so that concatenations cannot collide;
 * NULL is distinct from "". */
void sha256_add_field(struct sha256 *h, const char *s);
void sha256_hex_end(struct sha256 *h, char out[65]);
void sha256_hex(const void *data, size_t n, char out[65]);

#endif
