/* oidc.c — OpenID Connect sign-in (the authorization code flow with PKCE
 * S256). The provider is found by discovery (ISSUER/.well-known/
 * openid-configuration, whose issuer must be ISSUER exactly); its keys come
 * from its JWKS, kept in a bounded cache and fetched again when a token
 * names a key it does not hold (key rotation), at most once every
 * JWKS_REFETCH_SECONDS. An ID token is accepted only when its signature
 * (RS256/384/512, ES256/384 by GnuTLS) is good, and its issuer, audience
 * (and azp), expiry, issued-at (JWT_SKEW_SECONDS of skew) and nonce are
 * right. HTTP to the provider is libcurl's, bounded in time and size.
 * The state is random, kept as its hash in sso_flow with the hash of a
 * short-lived cookie of the browser that started the flow, and taken out
 * on first use. */
#include <curl/curl.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../lib/buf.h"
#include "../lib/hash.h"
#include "../lib/util.h"
#include "../store/store_sso.h"
#include "app_int.h"
#include "sso.h"

#define JWT_SKEW_SECONDS 60
#define JWT_MAX_BYTES 16384
#define HTTP_MAX_BYTES (1 << 20)
#define JWKS_MAX_KEYS 16
#define JWKS_REFETCH_SECONDS 60
#define CACHE_SECONDS 3600
#define CACHE_PROVIDERS 8
#define SSO_FLOWS_MAX 10000 /* sign-ins under way at once (each lives 10 minutes) */

/* ---- HTTP (libcurl) --------------------------------------------------------- */

static size_t take_body(char *data, size_t size, size_t n, void *ctx)
{
    struct buf *b = ctx;
    size_t len = size * n;
    if (b->len + len > HTTP_MAX_BYTES) {
        return 0; /* curl stops: too large */
    }
    buf_append(b, data, len);
    return len;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_start(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* GET url (or POST form when form != NULL, with HTTP basic auth user:pw,
 * or a bearer token) into out: the HTTP status, or -1 with e. */
static long http_call(const char *url, const char *form, const char *user, const char *pw,
                      const char *bearer, struct buf *out, struct err *e)
{
    pthread_once(&curl_once, curl_start);
    CURL *c = curl_easy_init();
    if (!c) {
        return err_set(e, ERR_INTERNAL, NULL, "cannot start an HTTP client");
    }
    struct curl_slist *h = curl_slist_append(NULL, "Accept: application/json");
    char auth[1200];
    if (bearer) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", bearer);
        h = curl_slist_append(h, auth);
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, take_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_USERAGENT, "isms");
    if (form) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, form);
    }
    if (user) {
        curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(c, CURLOPT_USERNAME, user);
        curl_easy_setopt(c, CURLOPT_PASSWORD, pw ? pw : "");
    }
    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    sodium_memzero(auth, sizeof auth);
    if (rc != CURLE_OK) {
        return err_set(e, ERR_UNAVAILABLE, NULL, "the identity provider did not answer (%s: %s)",
                       url, curl_easy_strerror(rc));
    }
    buf_putc(out, 0);
    out->len--;
    return status;
}

static json_t *http_json(const char *url, struct err *e)
{
    struct buf b;
    buf_init(&b, 0);
    long st = http_call(url, NULL, NULL, NULL, NULL, &b, e);
    json_t *j = NULL;
    if (st >= 0) {
        json_error_t je;
        j = st == 200 ? json_loadb(b.p ? b.p : "", b.len, 0, &je) : NULL;
        if (!json_is_object(j)) {
            json_decref(j);
            j = NULL;
            err_set(e, ERR_UNAVAILABLE, NULL,
                    "the identity provider's %s did not answer JSON (HTTP %ld)", url, st);
        }
    }
    buf_free(&b);
    return j;
}

/* ---- discovery and keys, cached per issuer --------------------------------- */

struct jwk {
    char kid[128], kty[8], crv[16], alg[16]; /* alg: "" when the key names none */
    unsigned char *n, *x;                    /* RSA modulus, EC x */
    unsigned char *ex, *y;
    size_t nlen, xlen, exlen, ylen;
};

struct provider {
    char issuer[520];
    char authorize[1024], token[1024], jwks_uri[1024], userinfo[1024];
    time_t fetched, keys_fetched,
        refetched; /* refetched: the last fetch a token's unknown key caused */
    struct jwk keys[JWKS_MAX_KEYS];
    int nkeys;
};

static struct provider cache[CACHE_PROVIDERS];
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

static void jwk_free(struct jwk *k)
{
    free(k->n);
    free(k->ex);
    free(k->x);
    free(k->y);
    memset(k, 0, sizeof *k);
}

/* base64url (no padding) into a new buffer. */
static unsigned char *b64url(const char *s, size_t *len)
{
    if (!s) {
        return NULL;
    }
    size_t n = strlen(s);
    unsigned char *out = malloc(n + 4);
    if (!out) {
        return NULL;
    }
    if (sodium_base642bin(out, n + 4, s, n, NULL, len, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
        free(out);
        return NULL;
    }
    return out;
}

static int fetch_keys(struct provider *p, struct err *e)
{
    json_t *j = http_json(p->jwks_uri, e);
    if (!j) {
        return -1;
    }
    json_t *keys = json_object_get(j, "keys");
    int n = 0;
    struct jwk fresh[JWKS_MAX_KEYS];
    memset(fresh, 0, sizeof fresh);
    for (size_t i = 0; i < json_array_size(keys) && n < JWKS_MAX_KEYS; i++) {
        json_t *k = json_array_get(keys, i);
        const char *kty = json_string_value(json_object_get(k, "kty"));
        const char *use = json_string_value(json_object_get(k, "use"));
        if (!kty || (use && strcmp(use, "sig") != 0)) {
            continue;
        }
        struct jwk *w = &fresh[n];
        strlcpy_(w->kid, json_string_value(json_object_get(k, "kid")) ?: "", sizeof w->kid);
        strlcpy_(w->kty, kty, sizeof w->kty);
        strlcpy_(w->alg, json_string_value(json_object_get(k, "alg")) ?: "", sizeof w->alg);
        if (strcmp(kty, "RSA") == 0) {
            w->n = b64url(json_string_value(json_object_get(k, "n")), &w->nlen);
            w->ex = b64url(json_string_value(json_object_get(k, "e")), &w->exlen);
            if (!w->n || !w->ex) {
                jwk_free(w);
                continue;
            }
        } else if (strcmp(kty, "EC") == 0) {
            strlcpy_(w->crv, json_string_value(json_object_get(k, "crv")) ?: "", sizeof w->crv);
            w->x = b64url(json_string_value(json_object_get(k, "x")), &w->xlen);
            w->y = b64url(json_string_value(json_object_get(k, "y")), &w->ylen);
            if (!w->x || !w->y) {
                jwk_free(w);
                continue;
            }
        } else {
            continue;
        }
        n++;
    }
    json_decref(j);
    for (int i = 0; i < p->nkeys; i++) {
        jwk_free(&p->keys[i]);
    }
    memcpy(p->keys, fresh, sizeof fresh);
    p->nkeys = n;
    p->keys_fetched = time(NULL);
    return 0;
}

static int copy_endpoint(json_t *d, const char *name, char *out, size_t size, int required,
                         struct err *e)
{
    const char *v = json_string_value(json_object_get(d, name));
    out[0] = 0;
    if (!v || strlen(v) >= size || (strncmp(v, "https://", 8) && strncmp(v, "http://", 7))) {
        return required ? err_set(e, ERR_UNAVAILABLE, NULL,
                                  "the provider's discovery document has no usable %s", name)
                        : 0;
    }
    strlcpy_(out, v, size);
    return 0;
}

/* The provider of issuer, discovered at most once an hour, copied to out
 * (keys excluded). Locked by the caller. */
static struct provider *provider_get(const char *issuer, struct err *e)
{
    time_t now = time(NULL);
    struct provider *slot = &cache[0];
    for (int i = 0; i < CACHE_PROVIDERS; i++) {
        if (strcmp(cache[i].issuer, issuer) == 0 && now - cache[i].fetched < CACHE_SECONDS) {
            return &cache[i];
        }
        if (cache[i].fetched < slot->fetched) {
            slot = &cache[i];
        }
    }
    char url[700];
    size_t il = strlen(issuer);
    snprintf(url, sizeof url, "%.*s/.well-known/openid-configuration",
             (int)(il && issuer[il - 1] == '/' ? il - 1 : il), issuer);
    json_t *d = http_json(url, e);
    if (!d) {
        return NULL;
    }
    const char *iss = json_string_value(json_object_get(d, "issuer"));
    if (!iss || strcmp(iss, issuer) != 0) {
        err_set(e, ERR_UNAVAILABLE, "issuer",
                "issuer: the provider calls itself %.200s, not %.200s (check --issuer)",
                iss ? iss : "nothing", issuer);
        json_decref(d);
        return NULL;
    }
    struct provider p;
    memset(&p, 0, sizeof p);
    strlcpy_(p.issuer, issuer, sizeof p.issuer);
    if (copy_endpoint(d, "authorization_endpoint", p.authorize, sizeof p.authorize, 1, e) ||
        copy_endpoint(d, "token_endpoint", p.token, sizeof p.token, 1, e) ||
        copy_endpoint(d, "jwks_uri", p.jwks_uri, sizeof p.jwks_uri, 1, e) ||
        copy_endpoint(d, "userinfo_endpoint", p.userinfo, sizeof p.userinfo, 0, e)) {
        json_decref(d);
        return NULL;
    }
    json_t *methods = json_object_get(d, "code_challenge_methods_supported");
    int s256 = !methods;
    for (size_t i = 0; i < json_array_size(methods); i++) {
        const char *m = json_string_value(json_array_get(methods, i));
        s256 |= m && strcmp(m, "S256") == 0;
    }
    json_decref(d);
    if (!s256) {
        err_set(e, ERR_UNAVAILABLE, NULL, "the provider does not offer PKCE with S256");
        return NULL;
    }
    p.fetched = now;
    for (int i = 0; i < slot->nkeys; i++) {
        jwk_free(&slot->keys[i]);
    }
    *slot = p;
    if (fetch_keys(slot, e)) {
        slot->fetched = 0;
        slot->issuer[0] = 0;
        return NULL;
    }
    return slot;
}

/* ---- signatures ---------------------------------------------------------------- */

/* Verifies sig over data with key k for alg; 1 good, 0 bad. */
static int verify_sig(const struct jwk *k, const char *alg, const char *data, size_t dlen,
                      const unsigned char *sig, size_t slen)
{
    gnutls_sign_algorithm_t sa;
    int ec = 0;
    size_t half = 0;
    gnutls_ecc_curve_t curve = GNUTLS_ECC_CURVE_INVALID;
    if (strcmp(alg, "RS256") == 0) {
        sa = GNUTLS_SIGN_RSA_SHA256;
    } else if (strcmp(alg, "RS384") == 0) {
        sa = GNUTLS_SIGN_RSA_SHA384;
    } else if (strcmp(alg, "RS512") == 0) {
        sa = GNUTLS_SIGN_RSA_SHA512;
    } else if (strcmp(alg, "ES256") == 0) {
        sa = GNUTLS_SIGN_ECDSA_SHA256, ec = 1, half = 32, curve = GNUTLS_ECC_CURVE_SECP256R1;
    } else if (strcmp(alg, "ES384") == 0) {
        sa = GNUTLS_SIGN_ECDSA_SHA384, ec = 1, half = 48, curve = GNUTLS_ECC_CURVE_SECP384R1;
    } else {
        return 0;
    }
    if (ec != (strcmp(k->kty, "EC") == 0) || (k->alg[0] && strcmp(k->alg, alg) != 0)) {
        return 0; /* the key's type (and its alg, when it names one) must be the token's */
    }
    if (ec && ((half == 32 && strcmp(k->crv, "P-256")) || (half == 48 && strcmp(k->crv, "P-384")) ||
               slen != 2 * half)) {
        return 0;
    }
    gnutls_pubkey_t pk;
    if (gnutls_pubkey_init(&pk) < 0) {
        return 0;
    }
    int ok = 0;
    gnutls_datum_t der = {NULL, 0};
    if (ec) {
        gnutls_datum_t x = {(unsigned char *)k->x, (unsigned)k->xlen};
        gnutls_datum_t y = {(unsigned char *)k->y, (unsigned)k->ylen};
        gnutls_datum_t r = {(unsigned char *)sig, (unsigned)half};
        gnutls_datum_t s = {(unsigned char *)sig + half, (unsigned)half};
        if (gnutls_pubkey_import_ecc_raw(pk, curve, &x, &y) < 0 ||
            gnutls_encode_rs_value(&der, &r, &s) < 0) {
            goto out;
        }
    } else {
        gnutls_datum_t n = {(unsigned char *)k->n, (unsigned)k->nlen};
        gnutls_datum_t ex = {(unsigned char *)k->ex, (unsigned)k->exlen};
        unsigned bits = 0;
        if (gnutls_pubkey_import_rsa_raw(pk, &n, &ex) < 0 ||
            gnutls_pubkey_get_pk_algorithm(pk, &bits) != GNUTLS_PK_RSA || bits < 2048) {
            goto out;
        }
    }
    gnutls_datum_t d = {(unsigned char *)data, (unsigned)dlen};
    gnutls_datum_t sd = ec ? der : (gnutls_datum_t){(unsigned char *)sig, (unsigned)slen};
    ok = gnutls_pubkey_verify_data2(pk, sa, 0, &d, &sd) >= 0;
out:
    gnutls_free(der.data);
    gnutls_pubkey_deinit(pk);
    return ok;
}

static json_t *b64json(const char *s, size_t n)
{
    char *tmp = malloc(n + 1);
    if (!tmp) {
        return NULL;
    }
    memcpy(tmp, s, n);
    tmp[n] = 0;
    size_t len = 0;
    unsigned char *raw = b64url(tmp, &len);
    free(tmp);
    if (!raw) {
        return NULL;
    }
    json_error_t je;
    json_t *j = json_loadb((const char *)raw, len, JSON_REJECT_DUPLICATES, &je);
    free(raw);
    if (!json_is_object(j)) {
        json_decref(j);
        return NULL;
    }
    return j;
}

static int claim_int(json_t *c, const char *name, long long *out)
{
    json_t *v = json_object_get(c, name);
    if (json_is_integer(v)) {
        *out = (long long)json_integer_value(v);
        return 1;
    }
    if (json_is_real(v) && json_real_value(v) > -9e15 && json_real_value(v) < 9e15) {
        *out = (long long)json_real_value(v);
        return 1;
    }
    return 0;
}

int oidc_verify_id_token(const json_t *cfg, const char *jwt, const char *nonce, json_t **claims,
                         struct err *e)
{
    *claims = NULL;
    const char *issuer = sso_cfg_str(cfg, "issuer");
    const char *client = sso_cfg_str(cfg, "client-id");
    size_t n = jwt ? strlen(jwt) : 0;
    const char *d1 = jwt ? strchr(jwt, '.') : NULL;
    const char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
    if (!n || n > JWT_MAX_BYTES || !d1 || !d2 || strchr(d2 + 1, '.')) {
        return err_set(e, ERR_UNAUTH, "id_token", "the ID token is not a signed JWT");
    }
    json_t *hdr = b64json(jwt, (size_t)(d1 - jwt));
    json_t *body = b64json(d1 + 1, (size_t)(d2 - d1 - 1));
    size_t slen = 0;
    unsigned char *sig = b64url(d2 + 1, &slen);
    int rc = -1;
    if (!hdr || !body || !sig) {
        err_set(e, ERR_UNAUTH, "id_token", "the ID token is not a signed JWT");
        goto out;
    }
    const char *alg = json_string_value(json_object_get(hdr, "alg"));
    const char *kid = json_string_value(json_object_get(hdr, "kid"));
    if (!alg || (strncmp(alg, "RS", 2) && strncmp(alg, "ES", 2))) {
        err_set(e, ERR_UNAUTH, "id_token",
                "the ID token is signed with %.20s; only RS256/384/512 and ES256/384 are "
                "accepted",
                alg ? alg : "nothing");
        goto out;
    }
    int good = 0, known = 0;
    pthread_mutex_lock(&cache_lock);
    struct provider *p = provider_get(issuer, e);
    for (int round = 0; p && round < 2 && !good; round++) {
        for (int i = 0; i < p->nkeys && !good; i++) {
            if (kid && p->keys[i].kid[0] && strcmp(kid, p->keys[i].kid) != 0) {
                continue;
            }
            known = 1;
            good = verify_sig(&p->keys[i], alg, jwt, (size_t)(d2 - jwt), sig, slen);
        }
        /* a key we do not hold: the provider may have rotated its keys;
         * fetched again at most once a minute, whatever tokens say */
        if (!known && round == 0 && time(NULL) - p->refetched >= JWKS_REFETCH_SECONDS) {
            struct err fe = {0};
            p->refetched = time(NULL);
            if (fetch_keys(p, &fe)) {
                break;
            }
            continue;
        }
        break;
    }
    pthread_mutex_unlock(&cache_lock);
    if (!p) {
        goto out;
    }
    if (!good) {
        err_set(e, ERR_UNAUTH, "id_token",
                known ? "the ID token's signature is not valid (forged or altered)"
                      : "the ID token is signed by a key the provider does not publish");
        goto out;
    }
    const char *iss = json_string_value(json_object_get(body, "iss"));
    if (!iss || strcmp(iss, issuer) != 0) {
        err_set(e, ERR_UNAUTH, "id_token", "the ID token's issuer is %.200s, not %.200s",
                iss ? iss : "missing", issuer);
        goto out;
    }
    json_t *aud = json_object_get(body, "aud");
    int aud_ok = json_is_string(aud) && strcmp(json_string_value(aud), client) == 0;
    for (size_t i = 0; json_is_array(aud) && i < json_array_size(aud); i++) {
        const char *one = json_string_value(json_array_get(aud, i));
        aud_ok |= one && strcmp(one, client) == 0;
    }
    const char *azp = json_string_value(json_object_get(body, "azp"));
    if (aud_ok && json_is_array(aud) && json_array_size(aud) > 1 &&
        (!azp || strcmp(azp, client) != 0)) {
        aud_ok = 0;
    }
    if (!aud_ok || (azp && strcmp(azp, client) != 0)) {
        err_set(e, ERR_UNAUTH, "id_token",
                "the ID token was issued to another client (audience), not to %.200s", client);
        goto out;
    }
    long long exp = 0, iat = 0, now = (long long)time(NULL);
    if (!claim_int(body, "exp", &exp) || exp < now - JWT_SKEW_SECONDS) {
        err_set(e, ERR_UNAUTH, "id_token", "the ID token has expired");
        goto out;
    }
    if (!claim_int(body, "iat", &iat) || iat > now + JWT_SKEW_SECONDS) {
        err_set(e, ERR_UNAUTH, "id_token", "the ID token's issue time is missing or in the future");
        goto out;
    }
    const char *tn = json_string_value(json_object_get(body, "nonce"));
    if (!tn || !nonce || strlen(tn) != strlen(nonce) ||
        sodium_memcmp(tn, nonce, strlen(nonce)) != 0) {
        err_set(e, ERR_UNAUTH, "id_token",
                tn ? "the ID token's nonce is not the one this sign-in sent (a replayed token?)"
                   : "the ID token has no nonce");
        goto out;
    }
    const char *sub = json_string_value(json_object_get(body, "sub"));
    if (!sub || !sub[0] || strlen(sub) > 255) {
        err_set(e, ERR_UNAUTH, "id_token", "the ID token names no subject");
        goto out;
    }
    *claims = body;
    body = NULL;
    rc = 0;
out:
    json_decref(hdr);
    json_decref(body);
    free(sig);
    return rc;
}

/* ---- the flow ------------------------------------------------------------------ */

static void random_b64(char *out, size_t size, size_t bytes)
{
    unsigned char raw[48];
    randombytes_buf(raw, bytes);
    sodium_bin2base64(out, size, raw, bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static char *esc(CURL *c, const char *s)
{
    return curl_easy_escape(c, s, 0);
}

int oidc_begin(struct app *a, const char *redirect_uri, const char *next, char browser[72],
               char **url, struct err *e)
{
    *url = NULL;
    json_t *cfg = NULL;
    if (sso_config_load(a, "oidc", &cfg, e)) {
        return -1;
    }
    if (!cfg) {
        return err_set(e, ERR_NOTFOUND, NULL, "single sign-on is not set up for this ISMS");
    }
    if (store_readonly(a->st)) {
        json_decref(cfg);
        return store_readonly_err(a->st, e);
    }
    char authorize[1024];
    pthread_mutex_lock(&cache_lock);
    struct provider *p = provider_get(sso_cfg_str(cfg, "issuer"), e);
    if (p) {
        strlcpy_(authorize, p->authorize, sizeof authorize);
    }
    pthread_mutex_unlock(&cache_lock);
    if (!p) {
        json_decref(cfg);
        return -1;
    }
    char state[72], challenge[64];
    struct sso_flow_row f;
    memset(&f, 0, sizeof f);
    random_b64(state, sizeof state, 32);
    random_b64(f.nonce, sizeof f.nonce, 32);
    random_b64(f.verifier, sizeof f.verifier, 48); /* 64 characters (RFC 7636: 43-128) */
    unsigned char digest[32];
    crypto_hash_sha256(digest, (const unsigned char *)f.verifier, strlen(f.verifier));
    sodium_bin2base64(challenge, sizeof challenge, digest, sizeof digest,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    unsigned char braw[32];
    randombytes_buf(braw, sizeof braw);
    sodium_bin2hex(browser, 72, braw, sizeof braw);
    sha256_hex(browser, strlen(browser), f.browser_hash);
    strlcpy_(f.next, next, sizeof f.next);
    f.created = (long long)time(NULL);
    char state_hash[65];
    sha256_hex(state, strlen(state), state_hash);
    if (store_begin(a->st, e) ||
        store_sso_flow_add(a->st, state_hash, &f, f.created - SSO_FLOW_SECONDS, SSO_FLOWS_MAX, e)) {
        store_rollback(a->st);
        json_decref(cfg);
        return -1;
    }
    if (store_commit(a->st, e)) {
        json_decref(cfg);
        return -1;
    }
    CURL *c = curl_easy_init();
    char *cid = esc(c, sso_cfg_str(cfg, "client-id"));
    char *ru = esc(c, redirect_uri);
    char *sc = esc(c, sso_cfg_str(cfg, "scopes"));
    struct buf b;
    buf_init(&b, 0);
    buf_printf(&b,
               "%s%sresponse_type=code&client_id=%s&redirect_uri=%s&scope=%s&state=%s&nonce=%s"
               "&code_challenge=%s&code_challenge_method=S256",
               authorize, strchr(authorize, '?') ? "&" : "?", cid, ru, sc, state, f.nonce,
               challenge);
    curl_free(cid);
    curl_free(ru);
    curl_free(sc);
    curl_easy_cleanup(c);
    *url = buf_take(&b);
    json_decref(cfg);
    return 0;
}

/* The token endpoint's answer to the code: the ID token (and the access
 * token, for userinfo). */
static int exchange(const json_t *cfg, const char *token_ep, const char *redirect_uri,
                    const char *code, const char *verifier, char **id_token, char **access,
                    struct err *e)
{
    CURL *c = curl_easy_init();
    char *ce = esc(c, code), *ru = esc(c, redirect_uri), *ve = esc(c, verifier);
    struct buf form, out;
    buf_init(&form, 0);
    buf_init(&out, 0);
    buf_printf(&form, "grant_type=authorization_code&code=%s&redirect_uri=%s&code_verifier=%s", ce,
               ru, ve);
    curl_free(ce);
    curl_free(ru);
    curl_free(ve);
    /* client_secret_basic: id and secret form-encoded, then base64 (RFC 6749 2.3.1) */
    char *ue = esc(c, sso_cfg_str(cfg, "client-id"));
    char *pe = esc(c, sso_cfg_str(cfg, "client-secret"));
    curl_easy_cleanup(c);
    long st = http_call(token_ep, buf_str(&form), ue, pe, NULL, &out, e);
    curl_free(ue);
    if (pe) {
        sodium_memzero(pe, strlen(pe));
    }
    curl_free(pe);
    buf_free(&form);
    int rc = -1;
    if (st < 0) {
        goto done;
    }
    json_error_t je;
    json_t *j = json_loadb(out.p ? out.p : "", out.len, 0, &je);
    if (st != 200) {
        const char *err = json_string_value(json_object_get(j, "error"));
        const char *desc = json_string_value(json_object_get(j, "error_description"));
        err_set(e, ERR_UNAUTH, "code", "the provider refused the code: %.60s%s%.200s%s",
                err ? err : "HTTP error", desc ? " (" : "", desc ? desc : "", desc ? ")" : "");
    } else {
        const char *it = json_string_value(json_object_get(j, "id_token"));
        const char *at = json_string_value(json_object_get(j, "access_token"));
        if (!it) {
            err_set(e, ERR_UNAUTH, "code", "the provider answered without an ID token");
        } else {
            *id_token = xstrdup(it);
            *access = at && strlen(at) < 1000 ? xstrdup(at) : NULL;
            rc = 0;
        }
    }
    json_decref(j);
done:
    buf_free(&out);
    return rc;
}

/* Claims from userinfo that the ID token lacks (many providers put the
 * e-mail and groups there only); its sub must be the token's. */
static void merge_userinfo(const char *userinfo, const char *access, json_t *claims)
{
    if (!userinfo[0] || !access) {
        return;
    }
    struct buf b;
    struct err e = {0};
    buf_init(&b, 0);
    long st = http_call(userinfo, NULL, NULL, NULL, access, &b, &e);
    json_error_t je;
    json_t *u = st == 200 ? json_loadb(b.p ? b.p : "", b.len, 0, &je) : NULL;
    const char *us = json_string_value(json_object_get(u, "sub"));
    const char *ts = json_string_value(json_object_get(claims, "sub"));
    if (us && ts && strcmp(us, ts) == 0) {
        const char *k;
        json_t *v;
        json_object_foreach(u, k, v)
        {
            if (!json_object_get(claims, k)) {
                json_object_set(claims, k, v);
            }
        }
    }
    json_decref(u);
    buf_free(&b);
}

static int finish(struct app *a, const char *redirect_uri, const char *state, const char *code,
                  const char *iss, const char *browser, const char *address, char sid[72],
                  int *totp_due, char next[520], int *logged, struct err *e)
{
    strlcpy_(next, "/", 520);
    if (!state || !state[0] || strlen(state) > 128) {
        return err_set(e, ERR_UNAUTH, "state", "the sign-in came back without a valid state");
    }
    if (store_readonly(a->st)) {
        return store_readonly_err(a->st, e);
    }
    char state_hash[65];
    sha256_hex(state, strlen(state), state_hash);
    struct sso_flow_row f;
    long long now = (long long)time(NULL);
    if (store_begin(a->st, e)) {
        return -1;
    }
    int found = store_sso_flow_take(a->st, state_hash, now - SSO_FLOW_SECONDS, &f, e);
    if (found < 0) {
        store_rollback(a->st);
        return -1;
    }
    if (store_commit(a->st, e)) {
        return -1;
    }
    if (!found) {
        return err_set(e, ERR_UNAUTH, "state",
                       "this sign-in is unknown, was used already or is too old; start again");
    }
    if (now - f.created > SSO_FLOW_SECONDS) {
        return err_set(e, ERR_UNAUTH, "state", "this sign-in took too long; start again");
    }
    char bh[65];
    if (!browser || strlen(browser) != 64) {
        return err_set(e, ERR_UNAUTH, "state",
                       "this sign-in was started in another browser (no sign-in cookie)");
    }
    sha256_hex(browser, strlen(browser), bh);
    if (sodium_memcmp(bh, f.browser_hash, 64) != 0) {
        return err_set(e, ERR_UNAUTH, "state", "this sign-in was started in another browser");
    }
    strlcpy_(next, f.next, 520);
    if (!code || !code[0] || strlen(code) > 2048) {
        return err_set(e, ERR_UNAUTH, "code", "the provider sent no code");
    }
    json_t *cfg = NULL;
    if (sso_config_load(a, "oidc", &cfg, e)) {
        return -1;
    }
    if (!cfg) {
        return err_set(e, ERR_NOTFOUND, NULL, "single sign-on is not set up for this ISMS");
    }
    if (iss && strcmp(iss, sso_cfg_str(cfg, "issuer")) != 0) {
        /* RFC 9207: the answer names the provider that sent it (mix-up) */
        json_decref(cfg);
        return err_set(e, ERR_UNAUTH, "iss",
                       "the answer came from another provider (iss %.200s), not the one set up",
                       iss);
    }
    char token_ep[1024], userinfo[1024];
    pthread_mutex_lock(&cache_lock);
    struct provider *p = provider_get(sso_cfg_str(cfg, "issuer"), e);
    if (p) {
        strlcpy_(token_ep, p->token, sizeof token_ep);
        strlcpy_(userinfo, p->userinfo, sizeof userinfo);
    }
    pthread_mutex_unlock(&cache_lock);
    char *id_token = NULL, *access = NULL;
    json_t *claims = NULL;
    int rc = -1;
    if (!p || exchange(cfg, token_ep, redirect_uri, code, f.verifier, &id_token, &access, e) ||
        oidc_verify_id_token(cfg, id_token, f.nonce, &claims, e)) {
        goto out;
    }
    merge_userinfo(userinfo, access, claims);
    char provider[600];
    snprintf(provider, sizeof provider, "oidc:%s", sso_cfg_str(cfg, "issuer"));
    struct sso_who who;
    memset(&who, 0, sizeof who);
    who.provider = provider;
    who.subject = json_string_value(json_object_get(claims, "sub"));
    who.name = json_string_value(json_object_get(claims, "preferred_username"));
    who.email = json_string_value(json_object_get(claims, "email"));
    json_t *ev = json_object_get(claims, "email_verified");
    who.email_verified =
        json_is_true(ev) || (json_is_string(ev) && !strcmp(json_string_value(ev), "true"));
    json_t *g = json_object_get(claims, sso_cfg_str(cfg, "role-claim"));
    if (json_is_string(g)) {
        who.groups[who.ngroups++] = json_string_value(g);
    }
    for (size_t i = 0; json_is_array(g) && i < json_array_size(g) && who.ngroups < SSO_MAX_GROUPS;
         i++) {
        const char *one = json_string_value(json_array_get(g, i));
        if (one) {
            who.groups[who.ngroups++] = one;
        }
    }
    *logged = 1;
    rc = sso_sign_in(a, "oidc", cfg, &who, address, sid, totp_due, e);
out:
    free(id_token);
    if (access) {
        sodium_memzero(access, strlen(access));
    }
    free(access);
    json_decref(claims);
    json_decref(cfg);
    return rc;
}

int oidc_finish(struct app *a, const char *redirect_uri, const char *state, const char *code,
                const char *iss, const char *browser, const char *address, char sid[72],
                int *totp_due, char next[520], struct err *e)
{
    int logged = 0;
    int rc = finish(a, redirect_uri, state, code, iss, browser, address, sid, totp_due, next,
                    &logged, e);
    if (rc && !logged && e->code != ERR_READONLY && e->code != ERR_STORAGE) {
        sso_log_failure(a, "oidc", NULL, address, e->msg);
    }
    return rc;
}
