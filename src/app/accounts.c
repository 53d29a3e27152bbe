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
#include "seclog.h"
#include "totp.h"

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

void app_seclog_write(struct app *a, const char *event, const char *account, const char *address,
                      const char *detail)
{
    seclog(a, event, account, address, detail);
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
    char expires[12]; /* accounts: "" none */
    int privacy_access;
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
    strlcpy_(c->expires, r->expires ? r->expires : "", sizeof c->expires);
    c->privacy_access = r->privacy_access;
    return 0;
}

/* accounts: the account's end date has passed (it is the last good day) */
int account_end_passed(const char *expires)
{
    char today[11];
    date_today(today);
    return expires && expires[0] && strcmp(today, expires) > 0;
}

static int expired(const struct acc *c)
{
    return account_end_passed(c->expires);
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

/* ---- accounts: end dates and the privacy grant ----------------------------- */

static int expires_tx(struct app *a, const struct acc *c, const char *date, struct err *e)
{
    int y, m, d;
    int none = str_empty(date) || strcmp(date, "none") == 0;
    if (!none && (strlen(date) != 10 || date_parse(date, &y, &m, &d))) {
        return err_set(e, ERR_INVALID, "expires",
                       "expires: a date YYYY-MM-DD (the last day the account may sign in), or "
                       "none");
    }
    char now[21];
    time_now(now);
    if (store_account_set(a->st, c->id, "expires", none ? NULL : date, now, e)) {
        return -1;
    }
    char detail[64];
    snprintf(detail, sizeof detail, "expires=%s (was %s)", none ? "none" : date,
             c->expires[0] ? c->expires : "none");
    seclog(a, "expiry-change", c->name, NULL, detail);
    return 0;
}

int app_account_expires_tx(struct app *a, const char *name, const char *date, struct err *e)
{
    struct acc c;
    return load_account(a, name, 0, &c, e) || expires_tx(a, &c, date, e) ? -1 : 0;
}

int app_account_expires(struct app *a, const char *name, const char *date, struct err *e)
{
    struct acc c;
    if (load_account(a, name, 0, &c, e)) {
        return -1;
    }
    IN_TRANSACTION(a, e, expires_tx(a, &c, date, e));
}

static int privacy_tx(struct app *a, const struct acc *c, int yes, const char *reason,
                      struct err *e)
{
    char now[21];
    time_now(now);
    if (store_account_set(a->st, c->id, "privacy_access", yes ? "1" : "0", now, e) ||
        store_account_set(a->st, c->id, "privacy_reason", yes ? reason : NULL, now, e) ||
        store_session_delete_account(a->st, c->id, e)) {
        return -1;
    }
    char detail[300];
    snprintf(detail, sizeof detail, "%s: %.250s", yes ? "granted" : "withdrawn",
             yes ? reason : "");
    seclog(a, yes ? "privacy-grant" : "privacy-withdraw", c->name, NULL, detail);
    return 0;
}

int app_account_privacy(struct app *a, const char *name, const char *yesno, const char *reason,
                        struct err *e)
{
    struct acc c;
    int yes = yesno && strcmp(yesno, "yes") == 0, no = yesno && strcmp(yesno, "no") == 0;
    if (!yes && !no) {
        return err_set(e, ERR_INVALID, "privacy-access", "privacy-access: yes or no");
    }
    size_t n = reason ? strlen(reason) : 0;
    if (yes && (n < 3 || n > 250 || !utf8_valid(reason, n) || text_bad_control(reason, 0))) {
        return err_set(e, ERR_INVALID, "reason",
                       "reason: why the audit needs the personal data (3-250 characters of "
                       "plain text; it is kept in the security log)");
    }
    if (load_account(a, name, 0, &c, e)) {
        return -1;
    }
    IN_TRANSACTION(a, e, privacy_tx(a, &c, yes, reason, e));
}

int app_account_add_full(struct app *a, const char *name, const char *role, const char *person,
                         const char *password, const char *expires, struct err *e)
{
    if (store_begin(a->st, e)) {
        return -1;
    }
    struct acc c;
    if (app_account_add_tx(a, name, role, person, password, e) ||
        (!str_empty(expires) &&
         (load_account(a, name, 0, &c, e) || expires_tx(a, &c, expires, e)))) {
        store_rollback(a->st);
        return -1;
    }
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

/* accounts: a token's scope from --read-only and --types, checked */
static int scope_of(int read_only, const char *types, char out[256], struct err *e)
{
    out[0] = 0;
    char list[210] = "";
    size_t n = 0;
    if (types) {
        if (strlen(types) > 200 || !*types) {
            return err_set(e, ERR_INVALID, "types",
                           "types: record types separated by commas (and attachment)");
        }
        char tmp[256];
        strlcpy_(tmp, types, sizeof tmp);
        char *save = NULL;
        for (char *t = strtok_r(tmp, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            while (*t == ' ') {
                t++;
            }
            const struct rtype *rt = rtype_find(t);
            const char *name = strcmp(t, "attachment") == 0 ? "attachment" : rt ? rt->name : NULL;
            if (!name) {
                return err_set(e, ERR_INVALID, "types",
                               "types: no record type %.40s (see isms types; attachment for "
                               "evidence files)", t);
            }
            char probe[64];
            snprintf(probe, sizeof probe, ",%s,", name);
            char have[260];
            snprintf(have, sizeof have, ",%s,", list);
            if (!strstr(have, probe)) {
                int k = snprintf(list + n, sizeof list - n, "%s%s", n ? "," : "", name);
                if (k < 0 || (size_t)k >= sizeof list - n) {
                    return err_set(e, ERR_INVALID, "types", "types: too many record types");
                }
                n += (size_t)k;
            }
        }
    }
    snprintf(out, 256, "%s%s%s%.200s", read_only ? "read-only" : "", read_only && n ? ";" : "",
             n ? "types:" : "", list);
    return 0;
}

int app_token_add(struct app *a, const char *account, const char *label, char **token,
                  long *id, struct err *e)
{
    return app_token_add_scoped(a, account, label, 0, NULL, token, id, e);
}

int app_token_add_scoped(struct app *a, const char *account, const char *label, int read_only,
                         const char *types, char **token, long *id, struct err *e)
{
    struct acc c;
    char scope[256];
    if (scope_of(read_only, types, scope, e) || load_account(a, account, 0, &c, e)) {
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
    long tid = 0;
    if (store_begin(a->st, e) ||
        store_token_add(a->st, c.id, label ? label : "token", hash, now, &tid, e) ||
        (scope[0] && store_token_set_scope(a->st, tid, scope, e))) {
        store_rollback(a->st);
        return -1;
    }
    if (id) {
        *id = tid;
    }
    char detail[400];
    snprintf(detail, sizeof detail, "%.100s%s%s", label ? label : "token", scope[0] ? "; scope " : "",
             scope);
    seclog(a, "token-add", account, NULL, detail);
    if (store_commit(a->st, e)) {
        return -1;
    }
    *token = xstrdup(tok);
    sodium_memzero(tok, sizeof tok);
    return 0;
}

struct token_owner {
    long id;
    char account[72], name[104];
};

static int find_token_owner(void *ctx, const struct token_row *t)
{
    struct token_owner *o = ctx;
    if (t->id == o->id) {
        strlcpy_(o->account, t->account_name ? t->account_name : "", sizeof o->account);
        strlcpy_(o->name, t->name ? t->name : "", sizeof o->name);
        return 1;
    }
    return 0;
}

int app_token_revoke(struct app *a, long id, struct err *e)
{
    struct token_owner o = {id, "", ""};
    if (store_begin(a->st, e) || store_tokens(a->st, find_token_owner, &o, e) ||
        store_token_revoke(a->st, id, e)) {
        store_rollback(a->st);
        return -1;
    }
    char detail[160];
    snprintf(detail, sizeof detail, "token %ld (%.100s)", id, o.name);
    seclog(a, "token-revoke", o.account[0] ? o.account : NULL, NULL, detail);
    return store_commit(a->st, e);
}

static void sid_hash(const char *sid, char out[65])
{
    sha256_hex(sid, strlen(sid), out);
}

/* A new session for account c: a random id (kept as its hash) and a CSRF
 * token, its second factor done or still due (mfa_ok), in the caller's
 * transaction. Every sign-in — password, directory account, single sign-on
 * — opens its session here. */
static int session_open(struct app *a, const struct acc *c, int mfa_ok, char sid[72],
                        struct err *e)
{
    unsigned char raw[32], craw[32];
    char csrf[72], h[65];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(sid, 72, raw, sizeof raw);
    randombytes_buf(craw, sizeof craw);
    sodium_bin2hex(csrf, sizeof csrf, craw, sizeof craw);
    sid_hash(sid, h);
    return store_session_add(a->st, h, c->id, csrf, (long long)time(NULL), mfa_ok, e);
}

/* What an account still owes after its first factor, whichever it was: 0
 * nothing, 1 its code, 2 enrolment (its role requires a second factor it
 * has not set up; it may do nothing else until it has). */
static int second_factor_due(struct app *a, const struct acc *c)
{
    int role_req = app_totp_role_required(a, c->role);
    if (!c->totp_required && !c->totp[0] && !role_req) {
        return 0;
    }
    return role_req && !c->totp[0] && !c->totp_required ? 2 : 1;
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
            /* accounts: a name that is no account's is logged as a keyed
             * hash — it is often a password typed into the name field */
            char logged[96];
            app_seclog_name(a, name, found, logged, sizeof logged);
            seclog(a, "login-failed", logged, address,
                   !found ? "no such account" : c.disabled ? "disabled" : "wrong password");
            store_commit(a->st, e);
        }
        return err_set(e, ERR_UNAUTH, NULL, "wrong name or password");
    }
    if (expired(&c)) {
        /* accounts: said only once the password was right */
        if (store_begin(a->st, e) == 0) {
            seclog(a, "login-failed", name, address, "account expired");
            store_commit(a->st, e);
        }
        return err_set(e, ERR_UNAUTH, NULL,
                       "this account expired on %s; ask an administrator to extend it",
                       c.expires);
    }
    /* accounts: a role that must have a second factor — an account of it
     * without one is sent to enrolment (totp_due 2) and may do nothing else */
    *totp_due = second_factor_due(a, &c);
    int mfa_ok = !*totp_due;
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
    if (store_begin(a->st, e) || session_open(a, &c, mfa_ok, sid, e)) {
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
    if (expired(&c)) {
        /* accounts: checked on every request, not only at sign-in — a
         * session or token of an account past its end date is refused */
        strlcpy_(p->expired, c.expires, sizeof p->expired);
        strlcpy_(p->name, c.name, sizeof p->name);
        return 0;
    }
    p->account = c.id;
    strlcpy_(p->name, c.name, sizeof p->name);
    strlcpy_(p->role, c.role, sizeof p->role);
    strlcpy_(p->person, c.person, sizeof p->person);
    p->personal_hidden = perm_personal_hidden(role_parse(c.role), c.expires[0] != 0,
                                              c.privacy_access);
    p->read_only = perm_read_only(role_parse(c.role), c.expires[0] != 0);
    p->must_enrol = !c.totp[0] && app_totp_role_required(a, c.role);
    return 1;
}

/* The last successful authentication of this connection (one per server
 * thread), kept for the rest of the second on the same file state: a
 * client's next request with the same session or token gets the same
 * principal without its rows being read again. Any commit -- a revoked
 * token, a disabled account, a session signed out or touched -- moves the
 * data version, and the second bounds what depends on the clock (idle
 * sessions, end dates). The credential is kept only as a keyed hash,
 * compared in constant time. */
struct auth_memo {
    long long dv;
    time_t at;
    int kind; /* 1 session, 2 token */
    unsigned char key[crypto_generichash_BYTES];
    struct session_auth p;
};

static unsigned char memo_secret[crypto_generichash_KEYBYTES];
static pthread_once_t memo_once = PTHREAD_ONCE_INIT;

static void memo_secret_init(void)
{
    randombytes_buf(memo_secret, sizeof memo_secret);
}

static void memo_key(int kind, const char *cred, unsigned char key[crypto_generichash_BYTES])
{
    pthread_once(&memo_once, memo_secret_init);
    unsigned char k = (unsigned char)kind;
    crypto_generichash_state st;
    crypto_generichash_init(&st, memo_secret, sizeof memo_secret, crypto_generichash_BYTES);
    crypto_generichash_update(&st, &k, 1);
    crypto_generichash_update(&st, (const unsigned char *)cred, strlen(cred));
    crypto_generichash_final(&st, key, crypto_generichash_BYTES);
}

static int memo_get(struct app *a, int kind, const unsigned char *key, struct session_auth *p)
{
    const struct auth_memo *m = a->auth_memo;
    long long dv = store_data_version(a->st);
    if (!m || dv < 0 || m->dv != dv || m->at != time(NULL) || m->kind != kind ||
        sodium_memcmp(m->key, key, crypto_generichash_BYTES) != 0) {
        return 0;
    }
    *p = m->p;
    return 1;
}

/* After a successful authentication that wrote nothing (a write ends the
 * read snapshot: no data version then, nothing kept). */
static void memo_put(struct app *a, int kind, const unsigned char *key,
                     const struct session_auth *p)
{
    long long dv = store_data_version(a->st);
    if (dv < 0) {
        return;
    }
    if (!a->auth_memo) {
        a->auth_memo = xcalloc(1, sizeof *a->auth_memo);
    }
    struct auth_memo *m = a->auth_memo;
    m->dv = dv;
    m->at = time(NULL);
    m->kind = kind;
    memcpy(m->key, key, crypto_generichash_BYTES);
    m->p = *p;
}

int app_session(struct app *a, const char *sid, struct session_auth *p, struct err *e)
{
    memset(p, 0, sizeof *p);
    if (!sid || strlen(sid) != 64) {
        return 0;
    }
    unsigned char mk[crypto_generichash_BYTES];
    memo_key(1, sid, mk);
    if (memo_get(a, 1, mk, p)) {
        return 1;
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
    memo_put(a, 1, mk, p);
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

int app_shared_failures(struct app *a, const char *name, const char *address, long decay,
                        long long *last)
{
    *last = 0;
    if (!store_shared(a->st) || !valid_name(name) || app_login_known(a, name, address)) {
        return 0;
    }
    /* the name as the security log holds its failures (a keyed hash for a
     * name that is no account's), so the answer is the same either way */
    struct acc c;
    struct err ignore = {0};
    int found = load_account(a, name, 0, &c, &ignore) == 0;
    char logged[96];
    app_seclog_name(a, name, found, logged, sizeof logged);
    time_t t = time(NULL) - decay;
    struct tm tm;
    gmtime_r(&t, &tm);
    char since[32], at[32];
    strftime(since, sizeof since, "%Y-%m-%dT%H:%M:%SZ", &tm);
    int n = 0;
    struct tm lt = {0};
    if (store_seclog_failures(a->st, logged, since, &n, at, &ignore) || !n || !at[0] ||
        !strptime(at, "%Y-%m-%dT%H:%M:%SZ", &lt)) {
        return 0;
    }
    *last = (long long)timegm(&lt);
    return n;
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
    if (c.totp[0] && code && totp_is_recovery(code)) {
        /* accounts: a recovery code instead of the six digits, each good once */
        if (store_begin(a->st, e)) {
            return -1;
        }
        int used = app_totp_recovery_use(a, c.id, code, e);
        if (used < 0) {
            store_rollback(a->st);
            return -1;
        }
        if (used != 1) {
            seclog(a, "totp-failed", c.name, address,
                   used == 2 ? "recovery code used before" : "not a recovery code");
            store_commit(a->st, e);
            return err_set(e, ERR_UNAUTH, "code",
                           used == 2 ? "code: this recovery code was used already; each works "
                                       "once"
                                     : "code: not the current code of your authenticator nor "
                                       "one of your recovery codes");
        }
        long left = store_recovery_left(a->st, c.id, e);
        if (store_session_touch(a->st, p.sid_hash, (long long)time(NULL), 1, e)) {
            store_rollback(a->st);
            return -1;
        }
        char detail[64];
        snprintf(detail, sizeof detail, "%ld recovery code%s left", left, left == 1 ? "" : "s");
        seclog(a, "recovery-used", c.name, address, detail);
        return store_commit(a->st, e);
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
    /* accounts: whose session ends, by name */
    struct session_auth who;
    struct err ignore = {0};
    int live = app_session(a, sid, &who, &ignore) == 1;
    if (store_begin(a->st, e) || store_session_delete(a->st, h, e)) {
        store_rollback(a->st);
        return -1;
    }
    seclog(a, "logout", live ? who.name : NULL, address, NULL);
    return store_commit(a->st, e);
}

int app_token_auth(struct app *a, const char *token, const char *address,
                   struct session_auth *p, struct err *e)
{
    memset(p, 0, sizeof *p);
    if (!token || strncmp(token, "isms_", 5) != 0 || strlen(token) > 100) {
        return 0;
    }
    unsigned char mk[crypto_generichash_BYTES];
    memo_key(2, token, mk);
    if (memo_get(a, 2, mk, p)) {
        return 1;
    }
    char h[65];
    token_hash(token, h);
    struct token_found t;
    int found = store_token_find(a->st, h, &t, e);
    if (found <= 0) {
        return found < 0 ? -1 : 0;
    }
    int ok = fill_principal(a, t.account, p, e);
    p->mfa_ok = 1;
    p->via_token = 1;
    p->token_id = t.id;
    strlcpy_(p->scope, t.scope, sizeof p->scope);
    /* accounts: the first use of a token each day is logged (and a refusal
     * of an expired account's token), not every request */
    char today[11];
    date_today(today);
    if (ok >= 0 && strcmp(t.logged_on, today) != 0 && !store_readonly(a->st)) {
        struct err we = {0};
        if (store_begin(a->st, &we) == 0) {
            char detail[160];
            snprintf(detail, sizeof detail, "token %ld (%.100s)%s", t.id, t.name,
                     ok == 0 && p->expired[0] ? ": account expired" : "");
            if (store_token_logged(a->st, t.id, today, &we)) {
                store_rollback(a->st);
            } else {
                /* the actor is the token's account (the router sets the
                 * request's actor only once authenticated) */
                snprintf(a->actor, sizeof a->actor, "api:%s", p->name[0] ? p->name : "anonymous");
                seclog(a, ok == 1 ? "token-use" : "token-refused", p->name[0] ? p->name : NULL,
                       address, detail);
                store_commit(a->st, &we);
            }
        }
    }
    if (ok == 1) {
        memo_put(a, 2, mk, p);
    }
    return ok;
}

/* accounts: the role of an account by name ("" when there is none) */
void app_account_role(struct app *a, const char *name, char *role, size_t size)
{
    struct acc c;
    struct err e = {0};
    role[0] = 0;
    if (valid_name(name) && load_account(a, name, 0, &c, &e) == 0) {
        strlcpy_(role, c.role, size);
    }
}

/* ---- server: directory accounts (src/app/directory.c) --------------------
 * A session in this organization for the account provisioned here for a
 * directory account (same name): the directory checked the password and
 * the grant; here the account must exist, not be disabled nor expired, and
 * this organization's second-factor rules hold as for any sign-in: the
 * session is opened with the code (or enrolment) still due when
 * second_factor_due says so (*totp_due as app_login). */
int app_login_directory(struct app *a, const char *name, const char *address, char sid[72],
                        int *totp_due, struct err *e)
{
    struct acc c;
    *totp_due = 0;
    if (!valid_name(name) || load_account(a, name, 0, &c, e) || c.disabled) {
        return err_set(e, ERR_UNAUTH, NULL, "this organization has no active account %s",
                       valid_name(name) ? name : "(invalid name)");
    }
    if (expired(&c)) {
        return err_set(e, ERR_UNAUTH, NULL, "the account %s here expired on %s", name, c.expires);
    }
    if (c.totp_required && !c.totp[0]) {
        /* required of the account but never enrolled: only an administrator
         * of this organization can set it up (isms user totp) */
        if (store_begin(a->st, e) == 0) {
            seclog(a, "login-failed", name, address,
                   "directory account: second factor required, not enrolled");
            store_commit(a->st, e);
        }
        return err_set(e, ERR_UNAUTH, NULL,
                       "the account %s here needs a second factor that is not set up; ask an "
                       "administrator of this organization",
                       name);
    }
    *totp_due = second_factor_due(a, &c);
    int mfa_ok = !*totp_due;
    if (store_begin(a->st, e) || session_open(a, &c, mfa_ok, sid, e)) {
        store_rollback(a->st);
        return -1;
    }
    seclog(a, "login", name, address,
           mfa_ok ? "directory account" : "directory account, second factor due");
    return store_commit(a->st, e);
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
    if (expired(&c)) {
        return err_set(e, ERR_UNAUTH, NULL,
                       "this account expired on %s; ask an administrator to extend it",
                       c.expires);
    }
    *totp_due = second_factor_due(a, &c);
    int mfa_ok = !*totp_due;
    if (session_open(a, &c, mfa_ok, sid, e)) {
        return -1;
    }
    char detail[64];
    snprintf(detail, sizeof detail, "%s%s", how, mfa_ok ? "" : ", second factor due");
    seclog(a, "login", c.name, address, detail);
    return 0;
}
/* sso: end */
