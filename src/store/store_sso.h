/* store_sso.h — the SQL of single sign-on (store_sso.c): settings per
 * kind, sign-in flows under way, external identities. Decisions (what a
 * setting may hold, expiry, mapping) are in src/app/sso.c. */
#ifndef ISMS_STORE_SSO_H
#define ISMS_STORE_SSO_H

#include "store.h"

/* The JSON text of a kind's settings (caller frees) or NULL (*out) when unset. */
int store_sso_config_get(struct store *s, const char *kind, char **out, struct err *e);
int store_sso_config_put(struct store *s, const char *kind, const char *json, const char *now,
                         struct err *e);
int store_sso_config_delete(struct store *s, const char *kind, struct err *e);

struct sso_flow_row {
    char browser_hash[72], nonce[96], verifier[96], next[520];
    long long created;
};
/* Adds a flow after removing those older than `before`; ERR_UNAVAILABLE
 * when max flows are under way already. */
int store_sso_flow_add(struct store *s, const char *state_hash, const struct sso_flow_row *f,
                       long long before, int max, struct err *e);
/* Takes the flow of state_hash out (deleted, whatever follows): 1 and f
 * filled, 0 when there is none. Flows older than `before` go as well. */
int store_sso_flow_take(struct store *s, const char *state_hash, long long before,
                        struct sso_flow_row *f, struct err *e);

/* The account of (provider, subject): its id, 0 when none. */
long store_sso_identity_account(struct store *s, const char *provider, const char *subject,
                                struct err *e);
int store_sso_identity_add(struct store *s, const char *provider, const char *subject, long account,
                           const char *now, struct err *e);
int store_sso_identity_seen(struct store *s, const char *provider, const char *subject,
                            const char *now, struct err *e);
/* The active person whose e-mail is email (case-insensitive), into ref; 0 none. */
int store_sso_person_by_email(struct store *s, const char *email, char ref[40], struct err *e);
/* The account acting as person: its id, 0 when none. */
long store_sso_account_of_person(struct store *s, const char *person, struct err *e);

/* Every linked identity with its account's name, by provider and subject. */
struct sso_identity_row {
    const char *provider, *subject, *account, *created, *last_login;
};
typedef int (*store_sso_identity_fn)(void *ctx, const struct sso_identity_row *r);
int store_sso_identities(struct store *s, store_sso_identity_fn fn, void *ctx, struct err *e);

#endif
