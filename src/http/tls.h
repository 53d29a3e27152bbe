/* tls.h — the server's TLS (tls.c): the certificate and key loaded and
 * checked at start, handed to every handshake by tls_retrieve, replaced on
 * SIGHUP by tls_reload (a bad pair keeps the one served). */
#ifndef ISMS_TLS_H
#define ISMS_TLS_H

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <microhttpd.h>

#include "../lib/err.h"

/* libmicrohttpd built with TLS and the certificate callback? */
static inline int MHD_tls_supported(void)
{
    return MHD_is_feature_supported(MHD_FEATURE_TLS) == MHD_YES &&
           MHD_is_feature_supported(MHD_FEATURE_HTTPS_CERT_CALLBACK) == MHD_YES;
}

/* Loads and checks the pair; -1 with e naming the file and the problem. */
int tls_setup(const char *cert, const char *key, struct err *e);
/* Loads the same paths again; the new pair is served from the next
 * handshake on, or, when it does not load, the old one stays (logged). */
void tls_reload(void);
void tls_close(void);
/* gnutls_certificate_retrieve_function2 for MHD_OPTION_HTTPS_CERT_CALLBACK. */
gnutls_certificate_retrieve_function2 tls_retrieve;
/* The GnuTLS priority string: TLS 1.2 and 1.3 only. */
const char *tls_priorities(void);

#endif
