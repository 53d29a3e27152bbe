/* store_auth.c — accounts, sessions, API tokens and the security log (SQL
 * only; hashing, expiry and throttling are decided in app/accounts.c). */
#include <stdio.h>
#include <string.h>

#include "../lib/text.h"
#include "../lib/util.h"
#include "store_int.h"

int store_account_add(struct store *s, const char *name, const char *role, const char *person,
                      const char *pwhash, const char *now, long *id, struct err *e)
{
    struct dbst *st = store_prepare(s,
                                     "INSERT INTO account (name, role, person, pwhash, created, "
                                     "updated) VALUES (?1,?2,?3,?4,?5,?5)",
                                     e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, name);
    store_bind_opt(st, 2, role);
    store_bind_opt(st, 3, person);
    store_bind_opt(st, 4, pwhash);
    store_bind_opt(st, 5, now);
    if (store_run(s, st, e)) {
        return -1;
    }
    if (id) {
        *id = (long)db_last_id(s->db);
    }
    return 0;
}

#define ACCOUNT_COLS                                                                        \
    "id, name, role, person, pwhash, totp_secret, created, totp_required, disabled, expires, " \
    "privacy_access, privacy_reason, totp_pending"

static void account_row(struct dbst *st, struct account_row *a)
{
    a->id = (long)db_col_int64(st, 0);
    a->name = store_col(st, 1);
    a->role = store_col(st, 2);
    a->person = store_col(st, 3);
    a->pwhash = store_col(st, 4);
    a->totp_secret = store_col(st, 5);
    a->created = store_col(st, 6);
    a->totp_required = db_col_int(st, 7);
    a->disabled = db_col_int(st, 8);
    a->expires = store_col(st, 9);
    a->privacy_access = db_col_int(st, 10);
    a->privacy_reason = store_col(st, 11);
    a->totp_pending = store_col(st, 12);
}

int store_account_get(struct store *s, const char *name, long id, store_account_fn fn, void *ctx,
                      struct err *e)
{
    struct dbst *st = store_prepare(
        s, "SELECT " ACCOUNT_COLS " FROM account WHERE name = ?1 OR id = ?2", e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, name);
    db_bind_int64(st, 2, id);
    int rc = store_step(s, st, e);
    if (rc == DB_ROW) {
        struct account_row a;
        account_row(st, &a);
        fn(ctx, &a);
    }
    db_reset(st);
    if (rc < 0) {
        return -1;
    }
    if (rc == DB_DONE) {
        return err_set(e, ERR_NOTFOUND, NULL, "no account %.64s", name ? name : "");
    }
    return 0;
}

int store_accounts(struct store *s, store_account_fn fn, void *ctx, struct err *e)
{
    struct dbst *st = store_prepare(s, "SELECT " ACCOUNT_COLS " FROM account ORDER BY name", e);
    if (!st) {
        return -1;
    }
    int rc;
    while ((rc = store_step(s, st, e)) == DB_ROW) {
        struct account_row a;
        account_row(st, &a);
        if (fn(ctx, &a)) {
            break;
        }
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}

int store_account_set(struct store *s, long id, const char *column, const char *value,
                      const char *now, struct err *e)
{
    /* the integer columns are 4, 5 and 7 */
    static const char *const cols[] = {"role",     "person",  "pwhash",         "totp_secret",
                                       "totp_required", "disabled", "expires", "privacy_access",
                                       "privacy_reason", "totp_pending", NULL};
    int k = -1;
    for (int i = 0; cols[i]; i++) {
        if (strcmp(cols[i], column) == 0) {
            k = i;
        }
    }
    if (k < 0) {
        return err_set(e, ERR_INTERNAL, NULL, "no account column %s", column);
    }
    char sql[160];
    /* the column name comes from the fixed list above; a new secret starts
     * with no code used */
    snprintf(sql, sizeof sql, "UPDATE account SET %s = ?1, updated = ?3%s WHERE id = ?2", cols[k],
             k == 3 ? ", totp_last_step = NULL" : "");
    struct dbst *st = store_prepare(s, sql, e);
    if (!st) {
        return -1;
    }
    if (k == 4 || k == 5 || k == 7) {
        db_bind_int(st, 1, value && strcmp(value, "1") == 0);
    } else {
        store_bind_opt(st, 1, value);
    }
    db_bind_int64(st, 2, id);
    store_bind_opt(st, 3, now);
    return store_run(s, st, e);
}

int store_account_totp_step(struct store *s, long id, long long step, struct err *e)
{
    struct dbst *st = store_prepare(s,
                                     "UPDATE account SET totp_last_step = ?2 WHERE id = ?1 AND "
                                     "(totp_last_step IS NULL OR totp_last_step < ?2)",
                                     e);
    if (!st) {
        return -1;
    }
    db_bind_int64(st, 1, id);
    db_bind_int64(st, 2, step);
    if (store_run(s, st, e)) {
        return -1;
    }
    return db_changes(s->db) == 1;
}

int store_session_add(struct store *s, const char *id_hash, long account, const char *csrf,
                      long long now, int mfa_ok, struct err *e)
{
    struct dbst *st = store_prepare(s,
                                     "INSERT INTO session (id_hash, account, csrf, created, "
                                     "last_seen, mfa_ok) VALUES (?1,?2,?3,?4,?4,?5)",
                                     e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, id_hash);
    db_bind_int64(st, 2, account);
    store_bind_opt(st, 3, csrf);
    db_bind_int64(st, 4, now);
    db_bind_int(st, 5, mfa_ok);
    return store_run(s, st, e);
}

int store_session_get(struct store *s, const char *id_hash, store_session_fn fn, void *ctx,
                      struct err *e)
{
    struct dbst *st = store_prepare(
        s, "SELECT account, csrf, created, last_seen, mfa_ok FROM session WHERE id_hash = ?1", e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, id_hash);
    int rc = store_step(s, st, e);
    if (rc == DB_ROW) {
        struct session_row r = {(long)db_col_int64(st, 0), store_col(st, 1),
                                db_col_int64(st, 2), db_col_int64(st, 3),
                                db_col_int(st, 4)};
        fn(ctx, &r);
    }
    db_reset(st);
    return rc < 0 ? -1 : rc == DB_ROW;
}

int store_session_touch(struct store *s, const char *id_hash, long long now, int mfa_ok,
                        struct err *e)
{
    struct dbst *st = store_prepare(
        s, "UPDATE session SET last_seen = ?2, mfa_ok = ?3 WHERE id_hash = ?1", e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, id_hash);
    db_bind_int64(st, 2, now);
    db_bind_int(st, 3, mfa_ok);
    return store_run(s, st, e);
}

int store_session_delete(struct store *s, const char *id_hash, struct err *e)
{
    struct dbst *st = store_prepare(s, "DELETE FROM session WHERE id_hash = ?1", e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, id_hash);
    return store_run(s, st, e);
}

int store_session_delete_account(struct store *s, long account, struct err *e)
{
    struct dbst *st = store_prepare(s, "DELETE FROM session WHERE account = ?1", e);
    if (!st) {
        return -1;
    }
    db_bind_int64(st, 1, account);
    return store_run(s, st, e);
}

int store_token_add(struct store *s, long account, const char *name, const char *hash,
                    const char *now, long *id, struct err *e)
{
    struct dbst *st = store_prepare(
        s, "INSERT INTO token (account, name, hash, created) VALUES (?1,?2,?3,?4)", e);
    if (!st) {
        return -1;
    }
    db_bind_int64(st, 1, account);
    store_bind_opt(st, 2, name);
    store_bind_opt(st, 3, hash);
    store_bind_opt(st, 4, now);
    if (store_run(s, st, e)) {
        return -1;
    }
    if (id) {
        *id = (long)db_last_id(s->db);
    }
    return 0;
}

long store_token_account(struct store *s, const char *hash, struct err *e)
{
    struct token_found t;
    int rc = store_token_find(s, hash, &t, e);
    return rc <= 0 ? rc : t.account;
}

/* accounts: the token's number, account, scope and the day its use was
 * last logged */
int store_token_find(struct store *s, const char *hash, struct token_found *t, struct err *e)
{
    memset(t, 0, sizeof *t);
    struct dbst *st = store_prepare(
        s, "SELECT id, account, scope, logged_on, name FROM token WHERE hash = ?1 AND revoked = 0",
        e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, hash);
    int rc = store_step(s, st, e);
    if (rc == DB_ROW) {
        t->id = (long)db_col_int64(st, 0);
        t->account = (long)db_col_int64(st, 1);
        snprintf(t->scope, sizeof t->scope, "%s", store_col(st, 2) ? store_col(st, 2) : "");
        snprintf(t->logged_on, sizeof t->logged_on, "%s",
                 store_col(st, 3) ? store_col(st, 3) : "");
        snprintf(t->name, sizeof t->name, "%s", store_col(st, 4) ? store_col(st, 4) : "");
    }
    db_reset(st);
    return rc < 0 ? -1 : rc == DB_ROW;
}

int store_token_logged(struct store *s, long id, const char *day, struct err *e)
{
    struct dbst *st = store_prepare(s, "UPDATE token SET logged_on = ?2, last_used = ?3 "
                                        "WHERE id = ?1", e);
    if (!st) {
        return -1;
    }
    db_bind_int64(st, 1, id);
    store_bind_opt(st, 2, day);
    char now[21];
    time_now(now);
    store_bind_opt(st, 3, now);
    return store_run(s, st, e);
}

int store_token_set_scope(struct store *s, long id, const char *scope, struct err *e)
{
    struct dbst *st = store_prepare(s, "UPDATE token SET scope = ?2 WHERE id = ?1", e);
    if (!st) {
        return -1;
    }
    db_bind_int64(st, 1, id);
    store_bind_opt(st, 2, scope);
    return store_run(s, st, e);
}

int store_token_revoke(struct store *s, long id, struct err *e)
{
    struct dbst *st = store_prepare(s, "UPDATE token SET revoked = 1 WHERE id = ?1", e);
    if (!st) {
        return -1;
    }
    db_bind_int64(st, 1, id);
    if (store_run(s, st, e)) {
        return -1;
    }
    return db_changes(s->db) ? 0 : err_set(e, ERR_NOTFOUND, NULL, "no token %ld", id);
}

int store_tokens(struct store *s, store_token_fn fn, void *ctx, struct err *e)
{
    struct dbst *st = store_prepare(
        s, "SELECT t.id, t.account, t.name, t.created, t.last_used, t.revoked, a.name, t.scope "
           "FROM token t LEFT JOIN account a ON a.id = t.account ORDER BY t.id", e);
    if (!st) {
        return -1;
    }
    int rc;
    while ((rc = store_step(s, st, e)) == DB_ROW) {
        struct token_row t = {(long)db_col_int64(st, 0), (long)db_col_int64(st, 1),
                              store_col(st, 2), store_col(st, 3), store_col(st, 4), db_col_int(st, 5),
                              store_col(st, 6), store_col(st, 7)};
        if (fn(ctx, &t)) {
            break;
        }
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}

int store_seclog_add(struct store *s, const char *at, const char *event, const char *account,
                     const char *actor, const char *address, const char *detail, struct err *e)
{
    struct dbst *st = store_prepare(s,
                                     "INSERT INTO security_log (at, event, account, actor, "
                                     "address, detail) VALUES (?1,?2,?3,?4,?5,?6)",
                                     e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, at);
    store_bind_opt(st, 2, event);
    store_bind_opt(st, 3, account);
    store_bind_opt(st, 4, actor);
    store_bind_opt(st, 5, address);
    store_bind_opt(st, 6, detail);
    return store_run(s, st, e);
}

int store_seclog_signed_in(struct store *s, const char *account, const char *address,
                           const char *since, struct err *e)
{
    /* the last term is the WHERE of the partial index security_log_signin
     * (migration 0011), spelled the same so that SQLite uses it */
    struct dbst *st = store_prepare(s,
                                     "SELECT 1 FROM security_log WHERE account = ?1 AND "
                                     "address = ?2 AND at >= ?3 AND (event = 'totp-ok' OR "
                                     "(event = 'login' AND detail IS NULL)) LIMIT 1",
                                     e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, account);
    store_bind_opt(st, 2, address);
    store_bind_opt(st, 3, since);
    int rc = store_step(s, st, e);
    db_reset(st);
    return rc < 0 ? -1 : rc == DB_ROW;
}

int store_seclog_failures(struct store *s, const char *account, const char *since, int *count,
                          char last[32], struct err *e)
{
    *count = 0;
    last[0] = 0;
    /* failed sign-ins since since and since the account's last sign-in */
    struct dbst *st = store_prepare(
        s,
        "SELECT count(*), max(at) FROM security_log WHERE account = ?1 AND "
        "event = 'login-failed' AND at >= ?2 AND id > coalesce((SELECT max(id) FROM "
        "security_log WHERE account = ?1 AND event = 'login' AND detail IS NULL), 0)",
        e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, account);
    store_bind_opt(st, 2, since);
    int rc = store_step(s, st, e);
    if (rc == DB_ROW) {
        *count = db_col_int(st, 0);
        strlcpy_(last, store_col(st, 1) ? store_col(st, 1) : "", 32);
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}

int store_shared(struct store *s)
{
    return DB_IS_PG(s->db);
}

/* ---- accounts: reading the security log ------------------------------------ */

int store_seclog_list(struct store *s, const struct seclog_query *q, store_seclog_fn fn,
                      void *ctx, struct err *e)
{
    struct dbst *st = store_prepare(
        s,
        "SELECT id, at, event, account, actor, address, detail FROM security_log WHERE "
        "(?1 IS NULL OR account = ?1) AND (?2 IS NULL OR event = ?2) AND (?3 IS NULL OR at >= ?3) "
        "AND (?4 IS NULL OR at < ?4) AND (?5 = 0 OR id < ?5) ORDER BY id DESC LIMIT ?6",
        e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, q->account);
    store_bind_opt(st, 2, q->event);
    store_bind_opt(st, 3, q->since);
    store_bind_opt(st, 4, q->before_at);
    db_bind_int64(st, 5, q->before_id);
    db_bind_limit(st, 6, q->limit);
    int rc;
    while ((rc = store_step(s, st, e)) == DB_ROW) {
        struct seclog_row r = {(long)db_col_int64(st, 0), store_col(st, 1), store_col(st, 2),
                               store_col(st, 3), store_col(st, 4), store_col(st, 5),
                               store_col(st, 6)};
        if (fn(ctx, &r)) {
            break;
        }
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}

int store_app_key(struct store *s, const char *name, const char *fresh, char *out, size_t size,
                  struct err *e)
{
    struct dbst *st = store_prepare(s, "INSERT INTO app_key (name, value) "
                                        "VALUES (?1, ?2) ON CONFLICT DO NOTHING", e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, name);
    store_bind_opt(st, 2, fresh);
    if (store_run(s, st, e)) {
        return -1;
    }
    st = store_prepare(s, "SELECT value FROM app_key WHERE name = ?1", e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, name);
    int rc = store_step(s, st, e);
    if (rc == DB_ROW) {
        snprintf(out, size, "%s", store_col(st, 0) ? store_col(st, 0) : "");
    }
    db_reset(st);
    return rc == DB_ROW ? 0 : -1;
}

/* ---- accounts: recovery codes, roles that require a second factor ---------- */

int store_recovery_replace(struct store *s, long account, const char *const *hashes, int n,
                           struct err *e)
{
    struct dbst *st = store_prepare(s, "DELETE FROM totp_recovery WHERE account = ?1", e);
    if (!st) {
        return -1;
    }
    db_bind_int64(st, 1, account);
    if (store_run(s, st, e)) {
        return -1;
    }
    for (int i = 0; i < n; i++) {
        st = store_prepare(s, "INSERT INTO totp_recovery (account, hash) VALUES (?1, ?2)", e);
        if (!st) {
            return -1;
        }
        db_bind_int64(st, 1, account);
        store_bind_opt(st, 2, hashes[i]);
        if (store_run(s, st, e)) {
            return -1;
        }
    }
    return 0;
}

int store_recovery_use(struct store *s, long account, const char *hash, const char *now,
                       struct err *e)
{
    struct dbst *st = store_prepare(s, "SELECT id, used_at FROM totp_recovery WHERE account = "
                                        "?1 AND hash = ?2", e);
    if (!st) {
        return -1;
    }
    db_bind_int64(st, 1, account);
    store_bind_opt(st, 2, hash);
    int rc = store_step(s, st, e);
    long id = rc == DB_ROW ? (long)db_col_int64(st, 0) : 0;
    int used = rc == DB_ROW && store_col(st, 1) != NULL;
    db_reset(st);
    if (rc < 0) {
        return -1;
    }
    if (!id) {
        return 0;
    }
    if (used) {
        return 2;
    }
    st = store_prepare(s, "UPDATE totp_recovery SET used_at = ?2 WHERE id = ?1 AND used_at IS "
                          "NULL", e);
    if (!st) {
        return -1;
    }
    db_bind_int64(st, 1, id);
    store_bind_opt(st, 2, now);
    if (store_run(s, st, e)) {
        return -1;
    }
    return db_changes(s->db) == 1 ? 1 : 2;
}

long store_recovery_left(struct store *s, long account, struct err *e)
{
    struct dbst *st = store_prepare(s, "SELECT count(*) FROM totp_recovery WHERE account = ?1 "
                                        "AND used_at IS NULL", e);
    if (!st) {
        return -1;
    }
    db_bind_int64(st, 1, account);
    int rc = store_step(s, st, e);
    long n = rc == DB_ROW ? (long)db_col_int64(st, 0) : 0;
    db_reset(st);
    return rc < 0 ? -1 : n;
}

int store_totp_role_set(struct store *s, const char *role, int on, struct err *e)
{
    struct dbst *st = store_prepare(s, on ? "INSERT INTO totp_role (role) VALUES (?1) ON CONFLICT DO NOTHING"
                                           : "DELETE FROM totp_role WHERE role = ?1", e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, role);
    if (store_run(s, st, e)) {
        return -1;
    }
    if (!on) {
        return 0;
    }
    /* the role's accounts without a second factor sign in again (to enrol) */
    st = store_prepare(s, "DELETE FROM session WHERE account IN (SELECT id FROM account WHERE "
                          "role = ?1 AND totp_secret IS NULL)", e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, role);
    return store_run(s, st, e);
}

int store_totp_role_required(struct store *s, const char *role, struct err *e)
{
    struct dbst *st = store_prepare(s, "SELECT 1 FROM totp_role WHERE role = ?1", e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, role);
    int rc = store_step(s, st, e);
    db_reset(st);
    return rc < 0 ? -1 : rc == DB_ROW;
}

int store_totp_roles(struct store *s, char *out, size_t size, struct err *e)
{
    out[0] = 0;
    struct dbst *st = store_prepare(s, "SELECT role FROM totp_role ORDER BY role", e);
    if (!st) {
        return -1;
    }
    int rc;
    size_t n = 0;
    while ((rc = store_step(s, st, e)) == DB_ROW) {
        int k = snprintf(out + n, size - n, "%s%s", n ? "," : "", store_col(st, 0));
        if (k > 0 && (size_t)k < size - n) {
            n += (size_t)k;
        }
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}
