/* notice.c — the confirmation a page shows after an action ("Saved.",
 * "Approval recorded.") is tied to the action that just happened: the
 * redirect that follows the action carries done=KEY.MAC, where MAC is a
 * keyed BLAKE2b (under a secret of this process) of the session, the key
 * and the page's path. A bare ?done=KEY, a link made for another session
 * or another page, or one from before a restart shows nothing. */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "http.h"

static unsigned char secret[crypto_generichash_KEYBYTES];
static pthread_once_t secret_once = PTHREAD_ONCE_INIT;

static void make_secret(void)
{
    randombytes_buf(secret, sizeof secret);
}

/* Hex MAC (32 characters) of session, key and path[0..plen). */
static void mac(const char *session, const char *key, size_t klen, const char *path, size_t plen,
                char out[33])
{
    pthread_once(&secret_once, make_secret);
    crypto_generichash_state st;
    unsigned char h[16];
    crypto_generichash_init(&st, secret, sizeof secret, sizeof h);
    crypto_generichash_update(&st, (const unsigned char *)session, strlen(session));
    crypto_generichash_update(&st, (const unsigned char *)"\n", 1);
    crypto_generichash_update(&st, (const unsigned char *)key, klen);
    crypto_generichash_update(&st, (const unsigned char *)"\n", 1);
    crypto_generichash_update(&st, (const unsigned char *)path, plen);
    crypto_generichash_final(&st, h, sizeof h);
    sodium_bin2hex(out, 33, h, sizeof h);
}

void notice_sign(const struct req *r, const char *path, char *out, size_t size)
{
    const char *q = strchr(path, '?');
    const char *d = NULL;
    for (const char *p = q; p && (p = strstr(p, "done=")) != NULL; p += 5) {
        if (p[-1] == '?' || p[-1] == '&') {
            d = p + 5;
            break;
        }
    }
    if (!d || !r->auth.sid_hash[0]) {
        snprintf(out, size, "%s", path);
        return;
    }
    size_t klen = strcspn(d, "&#");
    char m[33];
    mac(r->auth.sid_hash, d, klen, path, (size_t)(q - path), m);
    snprintf(out, size, "%.*s.%s%s", (int)(d + klen - path), path, m, d + klen);
}

int notice_valid(const struct req *r, const char *value, char *key, size_t size)
{
    const char *dot = value ? strrchr(value, '.') : NULL;
    if (!dot || strlen(dot + 1) != 32 || !r->auth.sid_hash[0] || !r->path ||
        (size_t)(dot - value) >= size) {
        return 0;
    }
    char m[33];
    mac(r->auth.sid_hash, value, (size_t)(dot - value), r->path, strlen(r->path), m);
    if (sodium_memcmp(m, dot + 1, 32) != 0) {
        return 0;
    }
    memcpy(key, value, (size_t)(dot - value));
    key[dot - value] = 0;
    return 1;
}
