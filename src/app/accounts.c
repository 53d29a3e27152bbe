/* accounts.c — accounts, passwords (Argon2id), sessions with idle and
 * absolute expiry, the TOTP second factor (liboath), API tokens (stored
 * hashed), and the security log of logins and account changes. Secrets are
 * never logged and never stored in clear: a session id and a token are kept
 * only as their SHA-256. */
#include <liboath/oath.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../lib/hash.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "../model/perm.h"
#include "app_int.h"

/* Argon2id cost: OWASP's minimum recommendation (19 MiB, 2 passes). */
#define PW_OPSLIMIT 2
#define PW_MEMLIMIT (19u << 20)

static int valid_name(const char *n)
{
    size_t len = n ? strlen(n) : 0;
    if (len < 1 || len > 64) {
        return 0;
    }
    for (const char *p = n; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' ||
              *p == '_')) {
            return 0;
        }
    }
    return 1;
}

static int check_password(const char *pw, struct err *e)
{
    size_t n = pw ? strlen(pw) : 0;
    if (!pw || !utf8_valid(pw, n) || text_bad_control(pw, 0)) {
        return err_set(e, ERR_INVALID, "password", "password: not valid text");
    }
    if (utf8_chars(pw) < PASSWORD_MIN) {
        return err_set(e, ERR_INVALID, "password", "password: at least %d characters",
                       PASSWORD_MIN);
    }
    if (n > PASSWORD_MAX) {
        return err_set(e, ERR_INVALID, "password", "password: at most %d bytes", PASSWORD_MAX);
    }
    return 0;
}

static int hash_password(const char *pw, char out[crypto_pwhash_STRBYTES], struct err *e)
{
    if (crypto_pwhash_str(out, pw, strlen(pw), PW_OPSLIMIT, PW_MEMLIMIT) != 0) {
        return err_set(e, ERR_INTERNAL, NULL, "out of memory while hashing the password");
    }
    return 0;
}

static void seclog(struct app *a, const char *event, const char *account, const char *address,
                   const char *detail)
{
    char now[21];
    struct err e = {0};
    time_now(now);
    store_seclog_add(a->st, now, event, account, a->actor, address, detail, &e);
}

static int check_person(struct app *a, const char *person, struct err *e)
{
    if (str_empty(person)) {
        return 0;
    }
    const struct rtype *pt = rtype_find("person");
    int retired = 0;
    int found = rtype_of_ref(person) == pt ? store_exists(a->st, principal_sys(), pt, person, &retired, e) : 0;
    if (found < 0) {
        return -1;
    }
    if (!found || retired) {
        return err_set(e, ERR_INVALID, "person", "person: no active person %.40s", person);
    }
    return 0;
}

int app_account_add_tx(struct app *a, const char *name, const char *role, const char *person,
                       const char *password, struct err *e)
{
    if (!valid_name(name)) {
        return err_set(e, ERR_INVALID, "name",
                       "name: 1-64 characters of a-z, 0-9, '.', '-' or '_'");
    }
    if (role_parse(role) == ROLE_NONE) {
        return err_set(e, ERR_INVALID, "role",
                       "role: one of admin, manager, owner, top-management, auditor, staff");
    }
    if (check_password(password, e)) {
        return -1;
    }
    char hash[crypto_pwhash_STRBYTES];
    if (hash_password(password, hash, e)) {
        return -1;
    }
    char now[21];
    time_now(now);
    long id;
    if (check_person(a, person, e) ||
        store_account_add(a->st, name, role, str_empty(person) ? NULL : person, hash, now, &id,
                          e)) {
        if (e->code == ERR_CONFLICT) {
            err_set(e, ERR_CONFLICT, "name", "name: an account %s already exists", name);
        }
        return -1;
    }
    seclog(a, "account-add", name, NULL, role);
    return 0;
}

int app_account_add(struct app *a, const char *name, const char *role, const char *person,
                    const char *password, struct err *e)
{
    IN_TRANSACTION(a, e, app_account_add_tx(a, name, role, person, password, e));
}

struct acc {
    long id;
    char name[72], role[32], person[40];
    char pwhash[crypto_pwhash_STRBYTES + 8];
    char totp[160];
    int totp_required, disabled, found;
};

static int grab_account(void *ctx, const struct account_row *r)
{
    struct acc *c = ctx;
    c->found = 1;
    c->id = r->id;
    strlcpy_(c->name, r->name, sizeof c->name);
    strlcpy_(c->role, r->role, sizeof c->role);
    strlcpy_(c->person, r->person ? r->person : "", sizeof c->person);
    strlcpy_(c->pwhash, r->pwhash, sizeof c->pwhash);
    strlcpy_(c->totp, r->totp_secret ? r->totp_secret : "", sizeof c->totp);
    c->totp_required = r->totp_required;
    c->disabled = r->disabled;
    return 0;
}

static int load_account(struct app *a, const char *name, long id, struct acc *c, struct err *e)
{
    memset(c, 0, sizeof *c);
    return store_account_get(a->st, name, id, grab_account, c, e);
}

int app_account_set(struct app *a, const char *name, const char *field, const char *value,
                    struct err *e)
{
    struct acc c;
    if (load_account(a, name, 0, &c, e)) {
        return -1;
    }
    const char *col = NULL, *v = value;
    int end_sessions = 0;
    if (strcmp(field, "role") == 0) {
        if (role_parse(value) == ROLE_NONE) {
            return err_set(e, ERR_INVALID, "role",
                           "role: one of admin, manager, owner, top-management, auditor, staff");
        }
        col = "role";
        end_sessions = 1;
    } else if (strcmp(field, "person") == 0) {
        col = "person";
        v = str_empty(value) ? NULL : value;
    } else if (strcmp(field, "disabled") == 0 || strcmp(field, "require_totp") == 0 ||
               strcmp(field, "require-totp") == 0) {
        int yes = value && (strcmp(value, "yes") == 0 || strcmp(value, "1") == 0);
        int no = value && (strcmp(value, "no") == 0 || strcmp(value, "0") == 0);
        if (!yes && !no) {
            return err_set(e, ERR_INVALID, field, "%s: yes or no", field);
        }
        col = field[0] == 'd' ? "disabled" : "totp_required";
        v = yes ? "1" : "0";
        end_sessions = yes;
    } else {
        return err_set(e, ERR_INVALID, field,
                       "%.40s: an account has role, person, disabled and require-totp", field);
    }
    if (store_begin(a->st, e)) {
        return -1;
    }
    char now[21];
    time_now(now);
    if ((strcmp(col, "person") == 0 && check_person(a, v, e)) ||
        store_account_set(a->st, c.id, col, v, now, e) ||
        (end_sessions && store_session_delete_account(a->st, c.id, e))) {
        store_rollback(a->st);
        return -1;
    }
    char detail[160];
    snprintf(detail, sizeof detail, "%s=%.100s", col, v ? v : "");
    seclog(a, strcmp(col, "role") == 0 ? "role-change" : "account-change", name, NULL, detail);
    return store_commit(a->st, e);
}

int app_account_password(struct app *a, const char *name, const char *password, struct err *e)
{
    struct acc c;
    char hash[crypto_pwhash_STRBYTES];
    if (load_account(a, name, 0, &c, e) || check_password(password, e) ||
        hash_password(password, hash, e) || store_begin(a->st, e)) {
        return -1;
    }
    char now[21];
    time_now(now);
    if (store_account_set(a->st, c.id, "pwhash", hash, now, e) ||
        store_session_delete_account(a->st, c.id, e)) {
        store_rollback(a->st);
        return -1;
    }
    seclog(a, "password-change", name, NULL, NULL);
    return store_commit(a->st, e);
}

int app_totp_enroll(struct app *a, const char *name, char **uri, struct err *e)
{
    struct acc c;
    if (load_account(a, name, 0, &c, e)) {
        return -1;
    }
    unsigned char secret[20];
    randombytes_buf(secret, sizeof secret);
    char hex[41];
    sodium_bin2hex(hex, sizeof hex, secret, sizeof secret);
    char *b32 = NULL;
    size_t b32len = 0;
    if (oath_base32_encode((const char *)secret, sizeof secret, &b32, &b32len) != OATH_OK) {
        return err_set(e, ERR_INTERNAL, NULL, "cannot encode the TOTP secret");
    }
    char now[21];
    time_now(now);
    if (store_begin(a->st, e) || store_account_set(a->st, c.id, "totp_secret", hex, now, e)) {
        store_rollback(a->st);
        free(b32);
        return -1;
    }
    seclog(a, "totp-enroll", name, NULL, NULL);
    if (store_commit(a->st, e)) {
        free(b32);
        return -1;
    }
    char buf[400];
    snprintf(buf, sizeof buf, "otpauth://totp/isms:%s?secret=%.*s&issuer=isms&digits=6&period=30",
             name, (int)b32len, b32);
    free(b32);
    *uri = xstrdup(buf);
    sodium_memzero(secret, sizeof secret);
    return 0;
}

static void token_hash(const char *token, char out[65])
{
    sha256_hex(token, strlen(token), out);
}

int app_token_add(struct app *a, const char *account, const char *label, char **token,
                  long *id, struct err *e)
{
    struct acc c;
    if (load_account(a, account, 0, &c, e)) {
        return -1;
    }
    if (label && (strlen(label) > 100 || !utf8_valid(label, strlen(label)) ||
                  text_bad_control(label, 0))) {
        return err_set(e, ERR_INVALID, "name", "name: at most 100 characters of plain text");
    }
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    char b64[64];
    sodium_bin2base64(b64, sizeof b64, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char tok[80];
    snprintf(tok, sizeof tok, "isms_%s", b64);
    char hash[65], now[21];
    token_hash(tok, hash);
    time_now(now);
    if (store_begin(a->st, e) ||
        store_token_add(a->st, c.id, label ? label : "token", hash, now, id, e)) {
        store_rollback(a->st);
        return -1;
    }
    seclog(a, "token-add", account, NULL, label);
    if (store_commit(a->st, e)) {
        return -1;
    }
    *token = xstrdup(tok);
    sodium_memzero(tok, sizeof tok);
    return 0;
}

int app_token_revoke(struct app *a, long id, struct err *e)
{
    if (store_begin(a->st, e) || store_token_revoke(a->st, id, e)) {
        store_rollback(a->st);
        return -1;
    }
    char detail[32];
    snprintf(detail, sizeof detail, "token %ld", id);
    seclog(a, "token-revoke", NULL, NULL, detail);
    return store_commit(a->st, e);
}

static void sid_hash(const char *sid, char out[65])
{
    sha256_hex(sid, strlen(sid), out);
}

/* A real Argon2id hash of a random password, made once, so that a login for
 * an unknown name costs the same as one for a known name. */
static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
    unsigned char pw[16];
    randombytes_buf(pw, sizeof pw);
    if (crypto_pwhash_str(dummy_hash, (const char *)pw, sizeof pw, PW_OPSLIMIT, PW_MEMLIMIT)) {
        dummy_hash[0] = 0;
    }
}

int app_login(struct app *a, const char *name, const char *password, const char *address,
              char sid[72], int *totp_due, struct err *e)
{
    struct acc c;
    struct err ignore = {0};
    *totp_due = 0;
    if (store_readonly(a->st)) {
        /* a session cannot be stored: said before any password is checked,
         * so the answer is the same whether or not the password is right */
        return store_readonly_err(a->st, e);
    }
    int found = valid_name(name) && load_account(a, name, 0, &c, &ignore) == 0;
    int pw_ok = 0;
    pthread_once(&dummy_once, make_dummy);
    if (password && strlen(password) <= PASSWORD_MAX && (found || dummy_hash[0])) {
        /* the same work whether or not the account exists */
        pw_ok = crypto_pwhash_str_verify(found ? c.pwhash : dummy_hash, password,
                                         strlen(password)) == 0;
    }
    if (!found || !pw_ok || c.disabled) {
        if (store_begin(a->st, e) == 0) {
            seclog(a, "login-failed", valid_name(name) ? name : "(invalid name)", address,
                   found && c.disabled ? "disabled" : NULL);
            store_commit(a->st, e);
        }
        return err_set(e, ERR_UNAUTH, NULL, "wrong name or password");
    }
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(sid, 72, raw, sizeof raw);
    unsigned char craw[32];
    randombytes_buf(craw, sizeof craw);
    char csrf[72];
    sodium_bin2hex(csrf, sizeof csrf, craw, sizeof craw);
    char h[65];
    sid_hash(sid, h);
    int mfa_ok = !c.totp_required && !c.totp[0];
    *totp_due = !mfa_ok;
    if (c.totp_required && !c.totp[0]) {
        /* required but never enrolled: an administrator must enroll it */
        if (store_begin(a->st, e) == 0) {
            seclog(a, "login-failed", name, address, "second factor required, not enrolled");
            store_commit(a->st, e);
        }
        /* the very answer of a wrong password: anything else would tell
         * whoever is guessing that the password was right. The security
         * log says why, for the administrator. */
        return err_set(e, ERR_UNAUTH, NULL, "wrong name or password");
    }
    if (store_begin(a->st, e) ||
        store_session_add(a->st, h, c.id, csrf, (long long)time(NULL), mfa_ok, e)) {
        store_rollback(a->st);
        return -1;
    }
    seclog(a, "login", name, address, mfa_ok ? NULL : "second factor due");
    return store_commit(a->st, e);
}

struct sess {
    struct session_row r;
    char csrf[72];
};

static int grab_session(void *ctx, const struct session_row *r)
{
    struct sess *s = ctx;
    s->r = *r;
    strlcpy_(s->csrf, r->csrf, sizeof s->csrf);
    s->r.csrf = s->csrf;
    return 0;
}

static int fill_principal(struct app *a, long account, struct session_auth *p, struct err *e)
{
    struct acc c;
    if (load_account(a, NULL, account, &c, e)) {
        return -1;
    }
    if (c.disabled) {
        return 0;
    }
    p->account = c.id;
    strlcpy_(p->name, c.name, sizeof p->name);
    strlcpy_(p->role, c.role, sizeof p->role);
    strlcpy_(p->person, c.person, sizeof p->person);
    return 1;
}

int app_session(struct app *a, const char *sid, struct session_auth *p, struct err *e)
{
    memset(p, 0, sizeof *p);
    if (!sid || strlen(sid) != 64) {
        return 0;
    }
    char h[65];
    sid_hash(sid, h);
    struct sess s = {0};
    int found = store_session_get(a->st, h, grab_session, &s, e);
    if (found <= 0) {
        return found;
    }
    long long now = (long long)time(NULL);
    if (now - s.r.last_seen > SESSION_IDLE_SECONDS || now - s.r.created > SESSION_MAX_SECONDS) {
        if (store_begin(a->st, e) == 0) {
            store_session_delete(a->st, h, e);
            store_commit(a->st, e);
        }
        return 0;
    }
    int ok = fill_principal(a, s.r.account, p, e);
    if (ok <= 0) {
        return ok;
    }
    strlcpy_(p->csrf, s.csrf, sizeof p->csrf);
    strlcpy_(p->sid_hash, h, sizeof p->sid_hash);
    p->mfa_ok = s.r.mfa_ok;
    /* last_seen is written at most once a minute: a read should not cost a
     * write every time */
    if (now - s.r.last_seen >= 60 && store_begin(a->st, e) == 0) {
        if (store_session_touch(a->st, h, now, s.r.mfa_ok, e)) {
            store_rollback(a->st);
        } else {
            store_commit(a->st, e);
        }
    }
    return 1;
}

int app_login_known(struct app *a, const char *name, const char *address)
{
    if (!valid_name(name) || !address || !address[0]) {
        return 0;
    }
    char since[32];
    time_t t = time(NULL) - (time_t)LOGIN_KNOWN_DAYS * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(since, sizeof since, "%Y-%m-%dT%H:%M:%SZ", &tm);
    struct err e = {0};
    return store_seclog_signed_in(a->st, name, address, since, &e) == 1;
}

int app_login_totp(struct app *a, const char *sid, const char *code, const char *address,
                   struct err *e)
{
    struct session_auth p;
    if (store_readonly(a->st)) {
        return store_readonly_err(a->st, e);
    }
    int ok = app_session(a, sid, &p, e);
    if (ok <= 0) {
        return ok < 0 ? -1 : err_set(e, ERR_UNAUTH, NULL, "the session has ended; sign in again");
    }
    struct acc c;
    if (load_account(a, NULL, p.account, &c, e)) {
        return -1;
    }
    unsigned char secret[64];
    size_t n = 0;
    int valid = 0, pos = 0;
    time_t now = time(NULL);
    if (c.totp[0] && sodium_hex2bin(secret, sizeof secret, c.totp, strlen(c.totp), NULL, &n,
                                    NULL) == 0 && code && strlen(code) == 6) {
        valid = oath_totp_validate2((const char *)secret, n, now, 30, 0, 1, &pos, code) >= 0;
    }
    sodium_memzero(secret, sizeof secret);
    if (store_begin(a->st, e)) {
        return -1;
    }
    /* a code is good once: someone who saw it (over a shoulder, in a
     * phishing proxy) cannot sign in with it again */
    int fresh = 0;
    if (valid && (fresh = store_account_totp_step(a->st, c.id, (long long)now / 30 + pos, e)) < 0) {
        store_rollback(a->st);
        return -1;
    }
    if (!valid || !fresh) {
        seclog(a, valid ? "totp-replayed" : "totp-failed", c.name, address, NULL);
        store_commit(a->st, e);
        return err_set(e, ERR_UNAUTH, "code",
                       valid ? "code: this code was used already; wait for the next one"
                             : "code: not the current code of your authenticator");
    }
    if (store_session_touch(a->st, p.sid_hash, (long long)time(NULL), 1, e)) {
        store_rollback(a->st);
        return -1;
    }
    seclog(a, "totp-ok", c.name, address, NULL);
    return store_commit(a->st, e);
}

int app_logout(struct app *a, const char *sid, const char *address, struct err *e)
{
    if (!sid || strlen(sid) != 64) {
        return 0;
    }
    char h[65];
    sid_hash(sid, h);
    if (store_begin(a->st, e) || store_session_delete(a->st, h, e)) {
        store_rollback(a->st);
        return -1;
    }
    seclog(a, "logout", NULL, address, NULL);
    return store_commit(a->st, e);
}

int app_token_auth(struct app *a, const char *token, struct session_auth *p, struct err *e)
{
    memset(p, 0, sizeof *p);
    if (!token || strncmp(token, "isms_", 5) != 0 || strlen(token) > 100) {
        return 0;
    }
    char h[65];
    token_hash(token, h);
    long acc = store_token_account(a->st, h, e);
    if (acc <= 0) {
        return acc < 0 ? -1 : 0;
    }
    int ok = fill_principal(a, acc, p, e);
    p->mfa_ok = 1;
    p->via_token = 1;
    return ok;
}

/* sso: a session for an account that single sign-on resolved (src/app/sso.c),
 * inside the caller's transaction: the same session as a password sign-in
 * (random id kept as its hash, a CSRF token, the second factor still due
 * when the account has one), logged as a "login" with detail `how`. */
int app_login_account_tx(struct app *a, long account, const char *address, const char *how,
                         char sid[72], int *totp_due, struct err *e)
{
    struct acc c;
    *totp_due = 0;
    if (load_account(a, NULL, account, &c, e)) {
        return -1;
    }
    if (c.disabled) {
        return err_set(e, ERR_UNAUTH, NULL, "this account is disabled");
    }
    if (c.totp_required && !c.totp[0]) {
        return err_set(e, ERR_UNAUTH, NULL,
                       "this account needs a second factor that is not set up; ask an "
                       "administrator");
    }
    unsigned char raw[32], craw[32];
    char csrf[72], h[65];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(sid, 72, raw, sizeof raw);
    randombytes_buf(craw, sizeof craw);
    sodium_bin2hex(csrf, sizeof csrf, craw, sizeof craw);
    sid_hash(sid, h);
    int mfa_ok = !c.totp_required && !c.totp[0];
    *totp_due = !mfa_ok;
    if (store_session_add(a->st, h, c.id, csrf, (long long)time(NULL), mfa_ok, e)) {
        return -1;
    }
    char detail[64];
    snprintf(detail, sizeof detail, "%s%s", how, mfa_ok ? "" : ", second factor due");
    seclog(a, "login", c.name, address, detail);
    return 0;
}
/* sso: end */
