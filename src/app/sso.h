/* sso.h — single sign-on: OpenID Connect (oidc.c) and LDAP (ldap_auth.c)
 * sign-in, configured per ISMS (its settings live in the file, table
 * sso_config), and what both share (sso.c): which external identity is
 * which account (sso_identity), groups mapped to roles, accounts made just
 * in time, a person found by e-mail, the security log, and whether local
 * passwords may still sign in on the web. */
#ifndef ISMS_SSO_H
#define ISMS_SSO_H

#include <jansson.h>

#include "../lib/buf.h"
#include "app.h"

/* ---- settings (sso.c) --------------------------------------------------- */

/* The settings of kind ("oidc" or "ldap") as stored, or *out NULL when the
 * kind is not set up. Caller json_decref()s. */
int sso_config_load(struct app *a, const char *kind, json_t **out, struct err *e);
/* A setting's value, "" when unset. */
const char *sso_cfg_str(const json_t *cfg, const char *key);
/* Sets (merges) the options kv of kind; `maps` GROUP=ROLE replace the
 * mapping when nmaps > 0; secret (client secret, bind password) when not
 * NULL. Every value is checked first; on any error nothing is written. */
int sso_config_set(struct app *a, const char *kind, const struct kv *kv, int n,
                   const char *const *maps, int nmaps, const char *secret, struct err *e);
int sso_config_clear(struct app *a, const char *kind, struct err *e);
/* 1 when local passwords sign in on the web (the default), 0 when `isms
 * sso local off` turned them off. The CLI (the file's holder) and API
 * tokens are not affected: that is the break-glass. */
int sso_local_enabled(struct app *a);
int sso_local_set(struct app *a, int on, struct err *e);
/* The settings, secrets as "(set)": text, or JSON with json != 0. */
int sso_show(struct app *a, struct buf *out, int json, struct err *e);
/* Which external identity is which account: text, or JSON with json != 0. */
int sso_identities(struct app *a, struct buf *out, int json, struct err *e);

/* ---- a verified identity becomes a session (sso.c) ----------------------- */

#define SSO_MAX_GROUPS 64

struct sso_who {
    const char *provider; /* "oidc:ISSUER" or "ldap" */
    const char *subject;  /* sub, or the entry's DN */
    const char *name;     /* preferred login name (preferred_username, uid) */
    const char *email;
    int email_verified;
    const char *groups[SSO_MAX_GROUPS];
    int ngroups;
};

/* Finds or makes (just in time, when cfg allows) the account of who, sets
 * its role from the groups when cfg maps any, and opens a session (sid,
 * *totp_due as app_login). Failures: ERR_UNAUTH with a message saying why,
 * logged in the security log. Owns its transaction. */
int sso_sign_in(struct app *a, const char *kind, const json_t *cfg, const struct sso_who *who,
                const char *address, char sid[72], int *totp_due, struct err *e);
/* Logs a refused single sign-on ("sso-failed", detail "KIND: why"). */
void sso_log_failure(struct app *a, const char *kind, const char *account, const char *address,
                     const char *why);

/* ---- OpenID Connect (oidc.c) ---------------------------------------------- */

/* Starts a sign-in: discovery, a state, a nonce and a PKCE verifier stored
 * as a flow bound to browser (a fresh random cookie value written there, 64
 * hex characters); *url (caller frees) is the provider's authorization URL. */
#define SSO_FLOW_SECONDS 600
int oidc_begin(struct app *a, const char *redirect_uri, const char *next, char browser[72],
               char **url, struct err *e);
/* The callback: the flow of state (taken, once), bound to the browser
 * cookie; the code exchanged (with the verifier); the ID token checked
 * (signature by a key of the provider's JWKS, issuer, audience, expiry,
 * issued-at, nonce); then sso_sign_in. next gets the flow's path. iss: the
 * response's iss parameter (RFC 9207) or NULL; when given it must be the issuer. */
int oidc_finish(struct app *a, const char *redirect_uri, const char *state, const char *code,
                const char *iss, const char *browser, const char *address, char sid[72],
                int *totp_due, char next[520], struct err *e);
/* Verifies a compact JWS ID token against the JWKS of cfg's provider and
 * the claims; *claims (caller decrefs) on success. Exposed for tests. */
int oidc_verify_id_token(const json_t *cfg, const char *jwt, const char *nonce, json_t **claims,
                         struct err *e);

/* ---- LDAP (ldap_auth.c) ----------------------------------------------------- */

/* Binds as name with password against the directory cfg names, reads its
 * entry and groups, then sso_sign_in. */
int ldap_sign_in(struct app *a, const char *name, const char *password, const char *address,
                 char sid[72], int *totp_due, struct err *e);
/* RFC 4515 escaping of a filter value into out; -1 when it does not fit. */
int ldap_filter_escape(const char *in, char *out, size_t size);

#endif
