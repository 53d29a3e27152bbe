/* tls.c — TLS for `isms serve --tls-cert FILE --tls-key FILE`: GnuTLS
 * through libmicrohttpd. The certificate is not handed to libmicrohttpd
 * once; every handshake asks tls_retrieve() for the current one, so a
 * renewed certificate is taken up on SIGHUP (tls_reload) without a restart
 * and without touching open connections. A new pair is loaded and checked
 * (both files parse, the key is the certificate's) before it replaces the
 * current one; a bad pair keeps the old one, and the log says why.
 *
 * Lifetime: the callback hands GnuTLS pointers it keeps using for the rest
 * of the handshake, after the lock is released. A replaced pair is
 * therefore not freed at once: the last TLS_KEEP generations stay in
 * memory (a handshake lasts milliseconds; a reload replaces the oldest of
 * them only after TLS_KEEP - 1 further reloads), and all of them at exit. */
#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../lib/util.h"
#include "tls.h"

#define TLS_MAX_CHAIN 16
#define TLS_KEEP 8

struct tls_pair {
    gnutls_pcert_st pcert[TLS_MAX_CHAIN];
    unsigned npcert;
    gnutls_privkey_t key;
    char serial[80];  /* hex, of the leaf */
    char expires[32]; /* the leaf's notAfter, UTC */
};

static pthread_mutex_t tls_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tls_pair *gens[TLS_KEEP]; /* gens[cur] is served */
static int cur = -1;
static char cert_path[4096], key_path[4096];

static void pair_free(struct tls_pair *p)
{
    if (!p) {
        return;
    }
    for (unsigned i = 0; i < p->npcert; i++) {
        gnutls_pcert_deinit(&p->pcert[i]);
    }
    if (p->key) {
        gnutls_privkey_deinit(p->key);
    }
    free(p);
}

/* The public key of p as DER in out (caller frees out->data). */
static int pubkey_der(gnutls_pubkey_t pk, gnutls_datum_t *out)
{
    return gnutls_pubkey_export2(pk, GNUTLS_X509_FMT_DER, out);
}

static struct tls_pair *pair_load(const char *cert, const char *key, struct err *e)
{
    struct tls_pair *p = xcalloc(1, sizeof *p);
    gnutls_datum_t kd = {NULL, 0};
    int rc;
    p->npcert = TLS_MAX_CHAIN;
    rc = gnutls_pcert_list_import_x509_file(p->pcert, &p->npcert, cert, GNUTLS_X509_FMT_PEM,
                                            NULL, NULL, 0);
    if (rc < 0 || p->npcert == 0) {
        p->npcert = 0;
        err_set(e, ERR_USAGE, "tls-cert", "--tls-cert %s: not a readable PEM certificate (chain "
                "of at most %d): %s", cert, TLS_MAX_CHAIN, gnutls_strerror(rc));
        goto fail;
    }
    if ((rc = gnutls_load_file(key, &kd)) < 0) {
        err_set(e, ERR_USAGE, "tls-key", "--tls-key %s: cannot read it: %s", key,
                gnutls_strerror(rc));
        goto fail;
    }
    if ((rc = gnutls_privkey_init(&p->key)) < 0 ||
        (rc = gnutls_privkey_import_x509_raw(p->key, &kd, GNUTLS_X509_FMT_PEM, NULL, 0)) < 0) {
        err_set(e, ERR_USAGE, "tls-key", "--tls-key %s: not a PEM private key (unencrypted): %s",
                key, gnutls_strerror(rc));
        goto fail;
    }
    /* the key must be the leaf certificate's: compare the public keys */
    gnutls_pubkey_t from_key = NULL;
    gnutls_datum_t a = {NULL, 0}, b = {NULL, 0};
    int same = gnutls_pubkey_init(&from_key) >= 0 &&
               gnutls_pubkey_import_privkey(from_key, p->key, 0, 0) >= 0 &&
               pubkey_der(from_key, &a) >= 0 && pubkey_der(p->pcert[0].pubkey, &b) >= 0 &&
               a.size == b.size && memcmp(a.data, b.data, a.size) == 0;
    gnutls_free(a.data);
    gnutls_free(b.data);
    if (from_key) {
        gnutls_pubkey_deinit(from_key);
    }
    if (!same) {
        err_set(e, ERR_USAGE, "tls-key", "--tls-key %s is not the key of the certificate in %s",
                key, cert);
        goto fail;
    }
    gnutls_x509_crt_t crt;
    if (gnutls_x509_crt_init(&crt) >= 0) {
        if (gnutls_x509_crt_import(crt, &p->pcert[0].cert, GNUTLS_X509_FMT_DER) >= 0) {
            unsigned char ser[40];
            size_t sn = sizeof ser;
            if (gnutls_x509_crt_get_serial(crt, ser, &sn) >= 0) {
                for (size_t i = 0; i < sn && 2 * i + 2 < sizeof p->serial; i++) {
                    snprintf(p->serial + 2 * i, 3, "%02x", ser[i]);
                }
            }
            time_t exp = gnutls_x509_crt_get_expiration_time(crt);
            struct tm tm;
            if (exp != (time_t)-1 && gmtime_r(&exp, &tm)) {
                strftime(p->expires, sizeof p->expires, "%Y-%m-%dT%H:%M:%SZ", &tm);
            }
        }
        gnutls_x509_crt_deinit(crt);
    }
    gnutls_free(kd.data);
    return p;
fail:
    gnutls_free(kd.data);
    pair_free(p);
    return NULL;
}

/* Makes p the pair served, keeping the previous generations alive. */
static void pair_install(struct tls_pair *p)
{
    pthread_mutex_lock(&tls_lock);
    int next = (cur + 1) % TLS_KEEP;
    pair_free(gens[next]); /* TLS_KEEP reloads old: no handshake still holds it */
    gens[next] = p;
    cur = next;
    pthread_mutex_unlock(&tls_lock);
}

int tls_setup(const char *cert, const char *key, struct err *e)
{
    if (!MHD_tls_supported()) {
        return err_set(e, ERR_USAGE, "tls-cert", "this libmicrohttpd was built without TLS "
                       "support; serve behind a TLS-terminating proxy instead");
    }
    if (strlen(cert) >= sizeof cert_path || strlen(key) >= sizeof key_path) {
        return err_set(e, ERR_USAGE, "tls-cert", "--tls-cert/--tls-key: path too long");
    }
    struct tls_pair *p = pair_load(cert, key, e);
    if (!p) {
        return -1;
    }
    strlcpy_(cert_path, cert, sizeof cert_path);
    strlcpy_(key_path, key, sizeof key_path);
    pair_install(p);
    fprintf(stderr, "isms: TLS certificate %s serial %s, valid until %s\n", cert, p->serial,
            p->expires[0] ? p->expires : "?");
    return 0;
}

void tls_reload(void)
{
    if (cur < 0) {
        return;
    }
    struct err e = {0};
    struct tls_pair *p = pair_load(cert_path, key_path, &e);
    if (!p) {
        fprintf(stderr, "isms: SIGHUP: the certificate was NOT reloaded, the previous one is "
                        "still served: %s\n", e.msg);
        return;
    }
    pair_install(p);
    fprintf(stderr, "isms: SIGHUP: TLS certificate reloaded, serial %s, valid until %s\n",
            p->serial, p->expires[0] ? p->expires : "?");
}

void tls_close(void)
{
    pthread_mutex_lock(&tls_lock);
    for (int i = 0; i < TLS_KEEP; i++) {
        pair_free(gens[i]);
        gens[i] = NULL;
    }
    cur = -1;
    pthread_mutex_unlock(&tls_lock);
}

int tls_retrieve(gnutls_session_t session, const gnutls_datum_t *req_ca_dn, int nreqs,
                 const gnutls_pk_algorithm_t *pk_algos, int pk_algos_length,
                 gnutls_pcert_st **pcert, unsigned int *pcert_length, gnutls_privkey_t *privkey)
{
    (void)session;
    (void)req_ca_dn;
    (void)nreqs;
    (void)pk_algos;
    (void)pk_algos_length;
    pthread_mutex_lock(&tls_lock);
    struct tls_pair *p = cur >= 0 ? gens[cur] : NULL;
    if (p) {
        *pcert = p->pcert;
        *pcert_length = p->npcert;
        *privkey = p->key;
    }
    pthread_mutex_unlock(&tls_lock);
    return p ? 0 : -1;
}

const char *tls_priorities(void)
{
    /* TLS 1.2 and 1.3 only, GnuTLS's NORMAL suites otherwise (no RC4,
     * no export ciphers, no SSL 3), the server's order first */
    return "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2";
}
