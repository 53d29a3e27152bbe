/* store_sso.c — single sign-on's SQL (store_sso.h). */
#include <stdlib.h>
#include <string.h>

#include "../lib/util.h"
#include "store_int.h"
#include "store_sso.h"

int store_sso_config_get(struct store *s, const char *kind, char **out, struct err *e)
{
    *out = NULL;
    struct dbst *st = store_prepare(s, "SELECT config FROM sso_config WHERE kind = ?1", e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, kind);
    int rc = store_step(s, st, e);
    if (rc == DB_ROW) {
        *out = xstrdup(store_col(st, 0));
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}

int store_sso_config_put(struct store *s, const char *kind, const char *json, const char *now,
                         struct err *e)
{
    struct dbst *st = store_prepare(s,
                                     "INSERT INTO sso_config (kind, config, updated) VALUES "
                                     "(?1,?2,?3) ON CONFLICT(kind) DO UPDATE SET config = ?2, "
                                     "updated = ?3",
                                     e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, kind);
    store_bind_opt(st, 2, json);
    store_bind_opt(st, 3, now);
    return store_run(s, st, e);
}

int store_sso_config_delete(struct store *s, const char *kind, struct err *e)
{
    struct dbst *st = store_prepare(s, "DELETE FROM sso_config WHERE kind = ?1", e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, kind);
    return store_run(s, st, e);
}

int store_sso_flow_add(struct store *s, const char *state_hash, const struct sso_flow_row *f,
                       long long before, int max, struct err *e)
{
    struct dbst *old = store_prepare(s, "DELETE FROM sso_flow WHERE created < ?1", e);
    if (!old) {
        return -1;
    }
    db_bind_int64(old, 1, before);
    if (store_run(s, old, e)) {
        return -1;
    }
    struct dbst *n = store_prepare(s, "SELECT count(*) FROM sso_flow", e);
    if (!n) {
        return -1;
    }
    int rc = store_step(s, n, e);
    long long live = rc == DB_ROW ? db_col_int64(n, 0) : 0;
    db_reset(n);
    if (rc < 0) {
        return -1;
    }
    if (live >= max) {
        return err_set(e, ERR_UNAVAILABLE, NULL,
                       "too many sign-ins are under way; try again in a few minutes");
    }
    struct dbst *st = store_prepare(s,
                                     "INSERT INTO sso_flow (state_hash, browser_hash, nonce, "
                                     "verifier, next, created) VALUES (?1,?2,?3,?4,?5,?6)",
                                     e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, state_hash);
    store_bind_opt(st, 2, f->browser_hash);
    store_bind_opt(st, 3, f->nonce);
    store_bind_opt(st, 4, f->verifier);
    store_bind_opt(st, 5, f->next);
    db_bind_int64(st, 6, f->created);
    return store_run(s, st, e);
}

int store_sso_flow_take(struct store *s, const char *state_hash, long long before,
                        struct sso_flow_row *f, struct err *e)
{
    memset(f, 0, sizeof *f);
    struct dbst *st = store_prepare(
        s,
        "SELECT browser_hash, nonce, verifier, next, created FROM sso_flow WHERE state_hash = ?1",
        e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, state_hash);
    int rc = store_step(s, st, e);
    if (rc == DB_ROW) {
        strlcpy_(f->browser_hash, store_col(st, 0), sizeof f->browser_hash);
        strlcpy_(f->nonce, store_col(st, 1), sizeof f->nonce);
        strlcpy_(f->verifier, store_col(st, 2), sizeof f->verifier);
        strlcpy_(f->next, store_col(st, 3), sizeof f->next);
        f->created = db_col_int64(st, 4);
    }
    db_reset(st);
    if (rc < 0) {
        return -1;
    }
    struct dbst *del =
        store_prepare(s, "DELETE FROM sso_flow WHERE state_hash = ?1 OR created < ?2", e);
    if (!del) {
        return -1;
    }
    store_bind_opt(del, 1, state_hash);
    db_bind_int64(del, 2, before);
    if (store_run(s, del, e)) {
        return -1;
    }
    return rc == DB_ROW;
}

long store_sso_identity_account(struct store *s, const char *provider, const char *subject,
                                struct err *e)
{
    struct dbst *st = store_prepare(
        s, "SELECT account FROM sso_identity WHERE provider = ?1 AND subject = ?2", e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, provider);
    store_bind_opt(st, 2, subject);
    int rc = store_step(s, st, e);
    long id = rc == DB_ROW ? (long)db_col_int64(st, 0) : 0;
    db_reset(st);
    return rc < 0 ? -1 : id;
}

int store_sso_identity_add(struct store *s, const char *provider, const char *subject, long account,
                           const char *now, struct err *e)
{
    struct dbst *st = store_prepare(s,
                                     "INSERT INTO sso_identity (provider, subject, account, "
                                     "created, last_login) VALUES (?1,?2,?3,?4,?4)",
                                     e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, provider);
    store_bind_opt(st, 2, subject);
    db_bind_int64(st, 3, account);
    store_bind_opt(st, 4, now);
    return store_run(s, st, e);
}

int store_sso_identity_seen(struct store *s, const char *provider, const char *subject,
                            const char *now, struct err *e)
{
    struct dbst *st = store_prepare(
        s, "UPDATE sso_identity SET last_login = ?3 WHERE provider = ?1 AND subject = ?2", e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, provider);
    store_bind_opt(st, 2, subject);
    store_bind_opt(st, 3, now);
    return store_run(s, st, e);
}

int store_sso_person_by_email(struct store *s, const char *email, char ref[40], struct err *e)
{
    ref[0] = 0;
    struct dbst *st = store_prepare(s,
                                     "SELECT ref FROM person WHERE lower(email) = lower(?1) AND "
                                     "retired IS NULL ORDER BY id LIMIT 1",
                                     e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, email);
    int rc = store_step(s, st, e);
    if (rc == DB_ROW) {
        strlcpy_(ref, store_col(st, 0), 40);
    }
    db_reset(st);
    return rc < 0 ? -1 : rc == DB_ROW;
}

long store_sso_account_of_person(struct store *s, const char *person, struct err *e)
{
    struct dbst *st =
        store_prepare(s, "SELECT id FROM account WHERE person = ?1 ORDER BY id LIMIT 1", e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, person);
    int rc = store_step(s, st, e);
    long id = rc == DB_ROW ? (long)db_col_int64(st, 0) : 0;
    db_reset(st);
    return rc < 0 ? -1 : id;
}

int store_sso_identities(struct store *s, store_sso_identity_fn fn, void *ctx, struct err *e)
{
    struct dbst *st = store_prepare(s,
                                     "SELECT i.provider, i.subject, a.name, i.created, "
                                     "i.last_login FROM sso_identity i JOIN account a ON "
                                     "a.id = i.account ORDER BY i.provider, i.subject",
                                     e);
    if (!st) {
        return -1;
    }
    int rc;
    while ((rc = store_step(s, st, e)) == DB_ROW) {
        struct sso_identity_row r = {store_col(st, 0), store_col(st, 1), store_col(st, 2),
                                     store_col(st, 3), store_col(st, 4)};
        if (fn(ctx, &r)) {
            break;
        }
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}
