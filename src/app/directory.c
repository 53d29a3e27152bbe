/* directory.c — directory accounts (directory.h): DIR/.isms-accounts.
 *
 *   daccount  one password per consultant (Argon2id, like local accounts)
 *   dgrant    (account, org) -> role, person, and local_id: the id of the
 *             local account made for it in DIR/ORG.isms. A grant only ever
 *             acts through that very account: a local account of the same
 *             name that the directory did not make (another id) is never
 *             taken over; the grant is refused instead.
 *   dlocal    (account, org) -> local_id: every local account the directory
 *             made, kept when the grant is revoked, so that a new grant
 *             takes up the same local account again (enabled, its history
 *             its own) instead of taking it for a stranger's.
 *   dsession  directory sign-ins (hash of the id, like local sessions),
 *             good only for the index and for entering an organization.
 *   dlog      the directory's security log (isms dir log): its sign-ins,
 *             failed sign-ins (a name that is no account's as a keyed hash,
 *             the key in dkey), sign-outs, entries into organizations, and
 *             every change of its accounts and grants. What touches an
 *             organization (grant, revoke, an account disabled, enabled or
 *             removed) is written to that organization's own log too, and
 *             an entry there is its "login" (accounts.c), so each side sees
 *             who came in.
 *
 * One connection, serialized (SQLITE_OPEN_FULLMUTEX and d->lock around the
 * steps that read then write). */
#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../lib/hash.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "../model/perm.h"
#include "../store/store.h"
#include "directory.h"
#include "seclog.h"
#include "sso.h"

#define DIR_PW_OPSLIMIT 2
#define DIR_PW_MEMLIMIT (19u << 20)

struct dir_accounts {
    sqlite3 *db;
    pthread_mutex_t lock;
    char dir[4096];  /* where the organizations' files are */
    char actor[140]; /* who acts, for the logs: "web" unless dir_set_actor */
};

static const char *const schema =
    "PRAGMA journal_mode=WAL;"
    "CREATE TABLE IF NOT EXISTS daccount ("
    "  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, pwhash TEXT NOT NULL,"
    "  disabled INTEGER NOT NULL DEFAULT 0, created TEXT NOT NULL) STRICT;"
    "CREATE TABLE IF NOT EXISTS dgrant ("
    "  account INTEGER NOT NULL REFERENCES daccount(id), org TEXT NOT NULL,"
    "  role TEXT NOT NULL, person TEXT NOT NULL DEFAULT '', local_id INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (account, org)) STRICT;"
    "CREATE TABLE IF NOT EXISTS dlocal ("
    "  account INTEGER NOT NULL REFERENCES daccount(id), org TEXT NOT NULL,"
    "  local_id INTEGER NOT NULL, PRIMARY KEY (account, org)) STRICT;"
    "CREATE TABLE IF NOT EXISTS dsession ("
    "  id_hash TEXT PRIMARY KEY, account INTEGER NOT NULL REFERENCES daccount(id),"
    "  csrf TEXT NOT NULL, created INTEGER NOT NULL, last_seen INTEGER NOT NULL) STRICT;"
    "CREATE TABLE IF NOT EXISTS dlog ("
    "  id INTEGER PRIMARY KEY, at TEXT NOT NULL, event TEXT NOT NULL, account TEXT,"
    "  actor TEXT NOT NULL, address TEXT, detail TEXT) STRICT;"
    "CREATE INDEX IF NOT EXISTS dlog_account ON dlog(account, id);"
    "CREATE TABLE IF NOT EXISTS dkey (name TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;";

static int db_err(struct dir_accounts *d, struct err *e, const char *what)
{
    return err_set(e, ERR_STORAGE, NULL, "%s: %s: %s", DIR_ACCOUNTS_FILE, what,
                   sqlite3_errmsg(d->db));
}

int dir_accounts_exist(const char *dir)
{
    char p[4200];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", dir, DIR_ACCOUNTS_FILE);
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

int dir_open(const char *dir, int create, struct dir_accounts **out, struct err *e)
{
    char p[4200];
    snprintf(p, sizeof p, "%s/%s", dir, DIR_ACCOUNTS_FILE);
    struct stat st;
    if (!create && stat(p, &st) != 0) {
        return err_set(e, ERR_NOTFOUND, "dir", "%s has no directory accounts (%s); make one "
                       "with: isms dir user add NAME --dir %s", dir, DIR_ACCOUNTS_FILE, dir);
    }
    struct dir_accounts *d = xcalloc(1, sizeof *d);
    pthread_mutex_init(&d->lock, NULL);
    strlcpy_(d->dir, dir, sizeof d->dir);
    strlcpy_(d->actor, "web", sizeof d->actor);
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(p, &d->db, flags, NULL) != SQLITE_OK) {
        err_set(e, ERR_STORAGE, "dir", "%s: cannot open: %s", p,
                d->db ? sqlite3_errmsg(d->db) : "out of memory");
        dir_close(d);
        return -1;
    }
    sqlite3_busy_timeout(d->db, 5000);
    if (sqlite3_exec(d->db, schema, NULL, NULL, NULL) != SQLITE_OK) {
        db_err(d, e, "cannot set up");
        dir_close(d);
        return -1;
    }
    if (create) {
        chmod(p, 0600); /* password hashes */
    }
    *out = d;
    return 0;
}

void dir_set_actor(struct dir_accounts *d, const char *actor)
{
    strlcpy_(d->actor, actor ? actor : "unknown", sizeof d->actor);
}

void dir_close(struct dir_accounts *d)
{
    if (d) {
        sqlite3_close(d->db);
        pthread_mutex_destroy(&d->lock);
        free(d);
    }
}

static int valid_account_name(const char *n)
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

static int valid_org(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 1 || n > 60) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-')) {
            return 0;
        }
    }
    return 1;
}

static int hash_pw(const char *pw, char out[crypto_pwhash_STRBYTES], struct err *e)
{
    size_t n = pw ? strlen(pw) : 0;
    if (!pw || !utf8_valid(pw, n) || text_bad_control(pw, 0)) {
        return err_set(e, ERR_INVALID, "password", "password: not valid text");
    }
    if (utf8_chars(pw) < PASSWORD_MIN || n > PASSWORD_MAX) {
        return err_set(e, ERR_INVALID, "password", "password: %d characters to %d bytes",
                       PASSWORD_MIN, PASSWORD_MAX);
    }
    if (crypto_pwhash_str(out, pw, n, DIR_PW_OPSLIMIT, DIR_PW_MEMLIMIT) != 0) {
        return err_set(e, ERR_INTERNAL, NULL, "out of memory while hashing the password");
    }
    return 0;
}

/* Runs sql with text parameters (NULL: SQL NULL); 0 or -1. */
static int exec(struct dir_accounts *d, struct err *e, const char *sql, int n, ...)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(d->db, sql, -1, &st, NULL) != SQLITE_OK) {
        return db_err(d, e, "prepare");
    }
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        const char *v = va_arg(ap, const char *);
        sqlite3_bind_text(st, i + 1, v, -1, SQLITE_TRANSIENT);
    }
    va_end(ap);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        if (rc == SQLITE_CONSTRAINT) {
            return err_set(e, ERR_CONFLICT, NULL, "already exists");
        }
        return db_err(d, e, "write");
    }
    return 0;
}

/* The id of account name (0: none, -1: error); pwhash when asked. */
static long account_id(struct dir_accounts *d, const char *name, char *pwhash, size_t pn,
                       int *disabled, struct err *e)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(d->db, "SELECT id, pwhash, disabled FROM daccount WHERE name = ?",
                           -1, &st, NULL) != SQLITE_OK) {
        return db_err(d, e, "prepare");
    }
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    long id = 0;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        id = (long)sqlite3_column_int64(st, 0);
        if (pwhash) {
            strlcpy_(pwhash, (const char *)sqlite3_column_text(st, 1), pn);
        }
        if (disabled) {
            *disabled = sqlite3_column_int(st, 2);
        }
    } else if (rc != SQLITE_DONE) {
        id = db_err(d, e, "read");
    }
    sqlite3_finalize(st);
    return id;
}

static int no_account(const char *name, struct err *e)
{
    return err_set(e, ERR_NOTFOUND, "name", "name: no directory account %.64s (isms dir list)",
                   name ? name : "");
}

/* A transaction of the command line's changes (one thread there; the
 * server's steps are single statements). tx_end: commit, or roll back when
 * failed. */
static int tx_begin(struct dir_accounts *d, struct err *e)
{
    return exec(d, e, "BEGIN IMMEDIATE", 0);
}

static int tx_end(struct dir_accounts *d, int failed, struct err *e)
{
    if (!failed && exec(d, e, "COMMIT", 0) == 0) {
        return 0;
    }
    sqlite3_exec(d->db, "ROLLBACK", NULL, NULL, NULL);
    return -1;
}

/* One entry of the directory's security log, as the actor d->actor. */
static void dlog(struct dir_accounts *d, const char *event, const char *account,
                 const char *address, const char *detail)
{
    char now[21];
    struct err ignore = {0};
    time_now(now);
    exec(d, &ignore,
         "INSERT INTO dlog(at, event, account, actor, address, detail) VALUES (?, ?, "
         "?, ?, ?, ?)",
         6, now, event, account, d->actor, address && address[0] ? address : NULL, detail);
}

/* How a sign-in name goes into the log (as seclog.h's app_seclog_name): an
 * account's name as itself, any other as "unknown:" and 12 hex digits of a
 * keyed BLAKE2b hash (the key made once, in dkey) — it is often a password
 * typed into the name field. */
static void log_name(struct dir_accounts *d, const char *name, int exists, char *out, size_t size)
{
    if (exists) {
        strlcpy_(out, name, size);
        return;
    }
    strlcpy_(out, "unknown", size);
    unsigned char raw[32], key[32];
    char fresh[65];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(fresh, sizeof fresh, raw, sizeof raw);
    struct err ignore = {0};
    exec(d, &ignore, "INSERT OR IGNORE INTO dkey(name, value) VALUES ('seclog-name', ?)", 1, fresh);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(d->db, "SELECT value FROM dkey WHERE name = 'seclog-name'", -1, &st,
                           NULL) != SQLITE_OK) {
        return;
    }
    size_t n = 0;
    int ok = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *hex = (const char *)sqlite3_column_text(st, 0);
        ok = hex && sodium_hex2bin(key, sizeof key, hex, strlen(hex), NULL, &n, NULL) == 0 &&
             n == sizeof key;
    }
    sqlite3_finalize(st);
    if (ok) {
        unsigned char h[16];
        char hh[33];
        const char *nm = name ? name : "";
        crypto_generichash(h, sizeof h, (const unsigned char *)nm, strlen(nm), key, sizeof key);
        sodium_bin2hex(hh, sizeof hh, h, sizeof h);
        snprintf(out, size, "unknown:%.12s", hh);
    }
    sodium_memzero(key, sizeof key);
}

int dir_user_add(struct dir_accounts *d, const char *name, const char *password, struct err *e)
{
    if (!valid_account_name(name)) {
        return err_set(e, ERR_INVALID, "name", "name: 1-64 characters of a-z, 0-9, '.', '-' "
                       "or '_'");
    }
    char h[crypto_pwhash_STRBYTES], now[21];
    if (hash_pw(password, h, e)) {
        return -1;
    }
    time_now(now);
    int rc =
        tx_begin(d, e) ||
        exec(d, e, "INSERT INTO daccount(name, pwhash, created) VALUES (?, ?, ?)", 3, name, h, now);
    if (!rc) {
        dlog(d, "dir-user-add", name, NULL, NULL);
    }
    if (tx_end(d, rc, e)) {
        if (e->code == ERR_CONFLICT) {
            err_set(e, ERR_CONFLICT, "name", "name: a directory account %s already exists", name);
        }
        return -1;
    }
    return 0;
}

int dir_user_password(struct dir_accounts *d, const char *name, const char *password,
                      struct err *e)
{
    char h[crypto_pwhash_STRBYTES];
    long id = account_id(d, name, NULL, 0, NULL, e);
    if (id <= 0) {
        return id < 0 ? -1 : no_account(name, e);
    }
    if (hash_pw(password, h, e)) {
        return -1;
    }
    int rc = tx_begin(d, e) ||
             exec(d, e, "UPDATE daccount SET pwhash = ? WHERE name = ?", 2, h, name) ||
             exec(d, e,
                  "DELETE FROM dsession WHERE account = (SELECT id FROM daccount WHERE "
                  "name = ?)",
                  1, name);
    if (!rc) {
        dlog(d, "dir-password-change", name, NULL, "its directory sessions ended");
    }
    return tx_end(d, rc, e);
}

/* ---- the organization's side ------------------------------------------------ */

struct local {
    long id;
    int found, disabled;
    char role[32], person[40];
};

static int grab_local(void *ctx, const struct account_row *r)
{
    struct local *l = ctx;
    l->found = 1;
    l->id = r->id;
    l->disabled = r->disabled;
    strlcpy_(l->role, r->role, sizeof l->role);
    strlcpy_(l->person, r->person ? r->person : "", sizeof l->person);
    return 0;
}

static int local_get(struct app *a, const char *name, struct local *l, struct err *e)
{
    memset(l, 0, sizeof *l);
    struct err e2 = {0};
    if (store_account_get(a->st, name, 0, grab_local, l, &e2)) {
        if (e2.code == ERR_NOTFOUND) {
            return 0;
        }
        *e = e2;
        return -1;
    }
    return 0;
}

/* Writes event to the organization's own security log (a NULL: none). */
static void org_log(struct app *a, const char *event, const char *name, const char *detail)
{
    struct err ignore = {0};
    if (a && store_begin(a->st, &ignore) == 0) {
        app_seclog_write(a, event, name, NULL, detail);
        store_commit(a->st, &ignore);
    }
}

/* Brings the local account for the grant in line: made (with a random
 * password nobody knows) when missing, role and person set, enabled. The
 * local account must be the one made for the directory (*local_id, 0 when
 * none yet); *local_id is updated. */
static int carry_out(struct app *a, const char *name, const char *org, const char *role,
                     const char *person, long *local_id, struct err *e)
{
    struct local l;
    if (local_get(a, name, &l, e)) {
        return -1;
    }
    if (l.found && l.id != *local_id) {
        return err_set(e, ERR_CONFLICT, "name",
                       "%s already has a local account %s that the "
                       "directory did not make for this directory account; give the directory "
                       "account another name",
                       org, name);
    }
    if (!l.found) {
        unsigned char raw[24];
        char pw[64];
        randombytes_buf(raw, sizeof raw);
        sodium_bin2hex(pw, sizeof pw, raw, sizeof raw); /* never shown, never usable */
        if (app_account_add(a, name, role, person, pw, e)) {
            return -1;
        }
        sodium_memzero(pw, sizeof pw);
        if (local_get(a, name, &l, e)) {
            return -1;
        }
        *local_id = l.id;
        return 0;
    }
    if (strcmp(l.role, role) && app_account_set(a, name, "role", role, e)) {
        return -1;
    }
    if (strcmp(l.person, person ? person : "") && app_account_set(a, name, "person", person, e)) {
        return -1;
    }
    if (l.disabled && app_account_set(a, name, "disabled", "no", e)) {
        return -1;
    }
    return 0;
}

struct grant {
    int found;
    char role[32], person[40];
    long local_id;
};

static int grant_get(struct dir_accounts *d, long acc, const char *org, struct grant *g,
                     struct err *e)
{
    memset(g, 0, sizeof *g);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(d->db, "SELECT role, person, local_id FROM dgrant WHERE account = ? "
                           "AND org = ?", -1, &st, NULL) != SQLITE_OK) {
        return db_err(d, e, "prepare");
    }
    sqlite3_bind_int64(st, 1, acc);
    sqlite3_bind_text(st, 2, org, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        g->found = 1;
        strlcpy_(g->role, (const char *)sqlite3_column_text(st, 0), sizeof g->role);
        strlcpy_(g->person, (const char *)sqlite3_column_text(st, 1), sizeof g->person);
        g->local_id = (long)sqlite3_column_int64(st, 2);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_err(d, e, "read");
}

/* The local account the directory made in org for acc (dlocal), 0 when
 * none, -1 on error: it outlives a revoked grant. */
static long made_get(struct dir_accounts *d, long acc, const char *org, struct err *e)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(d->db, "SELECT local_id FROM dlocal WHERE account = ? AND org = ?", -1,
                           &st, NULL) != SQLITE_OK) {
        return db_err(d, e, "prepare");
    }
    sqlite3_bind_int64(st, 1, acc);
    sqlite3_bind_text(st, 2, org, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    long id = rc == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? id : db_err(d, e, "read");
}

static int made_put(struct dir_accounts *d, long acc, const char *org, long local_id, struct err *e)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(d->db,
                           "INSERT INTO dlocal(account, org, local_id) VALUES (?, ?, ?) "
                           "ON CONFLICT(account, org) DO UPDATE SET local_id = "
                           "excluded.local_id",
                           -1, &st, NULL) != SQLITE_OK) {
        return db_err(d, e, "prepare");
    }
    sqlite3_bind_int64(st, 1, acc);
    sqlite3_bind_text(st, 2, org, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, local_id);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : db_err(d, e, "write");
}

static int grant_put(struct dir_accounts *d, long acc, const char *org, const char *role,
                     const char *person, long local_id, struct err *e)
{
    if (local_id && made_put(d, acc, org, local_id, e)) {
        return -1;
    }
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(d->db, "INSERT INTO dgrant(account, org, role, person, local_id) "
                           "VALUES (?, ?, ?, ?, ?) ON CONFLICT(account, org) DO UPDATE SET "
                           "role = excluded.role, person = excluded.person, local_id = "
                           "excluded.local_id", -1, &st, NULL) != SQLITE_OK) {
        return db_err(d, e, "prepare");
    }
    sqlite3_bind_int64(st, 1, acc);
    sqlite3_bind_text(st, 2, org, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, role, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, person ? person : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 5, local_id);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : db_err(d, e, "write");
}

int dir_grant(struct dir_accounts *d, struct app *a, const char *name, const char *org,
              const char *role, const char *person, struct err *e)
{
    if (!valid_org(org)) {
        return err_set(e, ERR_INVALID, "org", "organization: the name of a DIR/NAME.isms file "
                       "(a-z, 0-9, '-')");
    }
    if (role_parse(role) == ROLE_NONE) {
        return err_set(e, ERR_INVALID, "role",
                       "role: one of admin, manager, owner, top-management, auditor, staff");
    }
    pthread_mutex_lock(&d->lock);
    int disabled = 0;
    long acc = account_id(d, name, NULL, 0, &disabled, e);
    struct grant g;
    int rc = acc <= 0 ? (acc < 0 ? -1 : err_set(e, ERR_NOTFOUND, "name", "no directory account "
                                                "%.64s (isms dir user add)", name))
                      : grant_get(d, acc, org, &g, e);
    if (!rc && disabled) {
        rc = err_set(e, ERR_CONFLICT, "name",
                     "name: the directory account %s is disabled; "
                     "enable it first (isms dir user enable %s)",
                     name, name);
    }
    /* a grant revoked before: the local account made then is taken up again */
    long local_id = rc ? 0 : g.local_id ? g.local_id : made_get(d, acc, org, e);
    if (local_id < 0) {
        rc = -1;
    }
    if (!rc) {
        rc = carry_out(a, name, org, role, person, &local_id, e) ||
             grant_put(d, acc, org, role, person, local_id, e);
    }
    if (!rc) {
        char detail[160];
        snprintf(detail, sizeof detail, "%s: %s%s%.40s%s", org, role, str_empty(person) ? "" : " (",
                 str_empty(person) ? "" : person, str_empty(person) ? "" : ")");
        dlog(d, "dir-grant", name, NULL, detail);
        org_log(a, "dir-grant", name, detail + strlen(org) + 2);
    }
    pthread_mutex_unlock(&d->lock);
    return rc ? -1 : 0;
}

int dir_revoke(struct dir_accounts *d, struct app *a, const char *name, const char *org,
               struct err *e)
{
    pthread_mutex_lock(&d->lock);
    long acc = account_id(d, name, NULL, 0, NULL, e);
    struct grant g;
    int rc = acc <= 0 ? (acc < 0 ? -1 : err_set(e, ERR_NOTFOUND, "name", "no directory account "
                                                "%.64s", name))
                      : grant_get(d, acc, org, &g, e);
    if (!rc && !g.found) {
        rc = err_set(e, ERR_NOTFOUND, "org", "%s has no role in %s", name, org);
    }
    if (!rc && a) {
        struct local l;
        rc = local_get(a, name, &l, e);
        if (!rc && l.found && l.id == g.local_id && !l.disabled) {
            rc = app_account_set(a, name, "disabled", "yes", e); /* its sessions end too */
        }
    }
    if (!rc) {
        /* the grant goes, the memory of the local account it made stays */
        char ids[24];
        snprintf(ids, sizeof ids, "%ld", acc);
        rc = (g.local_id && made_put(d, acc, org, g.local_id, e)) ||
             exec(d, e, "DELETE FROM dgrant WHERE account = ? AND org = ?", 2, ids, org);
    }
    if (!rc) {
        char detail[160];
        snprintf(detail, sizeof detail, "%s: was %s%s", org, g.role,
                 a ? "" : " (the organization's file is gone)");
        dlog(d, "dir-revoke", name, NULL, detail);
        if (a) {
            org_log(a, "dir-revoke", name, "the directory's grant ended; the account is disabled");
        }
    }
    pthread_mutex_unlock(&d->lock);
    return rc ? -1 : 0;
}

/* ---- disabling and removing a directory account ------------------------------ */

struct made {
    char org[64];
    long local_id;
};

/* The organizations where acc has a local account the directory made, by
 * org: those of its grants (granted_only), or every one (revoked too). */
static int made_list(struct dir_accounts *d, long acc, int granted_only, struct made **out,
                     size_t *n, struct err *e)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(d->db,
                           granted_only ? "SELECT org, local_id FROM dgrant WHERE account = ?1 "
                                          "ORDER BY org"
                                        : "SELECT org, local_id FROM dgrant WHERE account = ?1 "
                                          "UNION SELECT org, local_id FROM dlocal WHERE "
                                          "account = ?1 ORDER BY 1",
                           -1, &st, NULL) != SQLITE_OK) {
        return db_err(d, e, "prepare");
    }
    sqlite3_bind_int64(st, 1, acc);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            *out = xrealloc(*out, cap * sizeof **out);
        }
        strlcpy_((*out)[*n].org, (const char *)sqlite3_column_text(st, 0), sizeof(*out)->org);
        (*out)[*n].local_id = (long)sqlite3_column_int64(st, 1);
        (*n)++;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        free(*out);
        *out = NULL;
        *n = 0;
        return db_err(d, e, "read");
    }
    return 0;
}

/* In DIR/ORG.isms: the local account the directory made (m->local_id)
 * disabled (its sessions end, its tokens stop) or enabled again, and event
 * written to that organization's security log. A file that is gone is
 * skipped; a local account of that name that is not the one made is left
 * alone. */
static int org_local_set(struct dir_accounts *d, const struct made *m, const char *name,
                         int disable, const char *event, const char *detail, struct err *e)
{
    char path[4200];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s.isms", d->dir, m->org);
    if (!m->local_id || !valid_org(m->org) || stat(path, &st) != 0) {
        return 0;
    }
    struct app a;
    if (app_open(&a, path, d->actor, e)) {
        return -1;
    }
    struct local l;
    int rc = local_get(&a, name, &l, e);
    if (!rc && l.found && l.id == m->local_id) {
        if (!l.disabled != !disable) {
            rc = app_account_set(&a, name, "disabled", disable ? "yes" : "no", e);
        }
        if (!rc) {
            org_log(&a, event, name, detail);
        }
    }
    app_close(&a);
    return rc;
}

/* Carries out disable (1) or enable (0) in each organization of m; the
 * first failure is kept in e (its organization named), the others are
 * still done. */
static int orgs_set(struct dir_accounts *d, const struct made *m, size_t n, const char *name,
                    int disable, const char *event, const char *detail, struct err *e)
{
    int failed = 0;
    for (size_t i = 0; i < n; i++) {
        struct err e2 = {0};
        if (org_local_set(d, &m[i], name, disable, event, detail, &e2) && !failed) {
            failed = 1;
            err_set(e, e2.code, NULL, "%s: %s", m[i].org, e2.msg);
        }
    }
    return failed ? -1 : 0;
}

int dir_user_disable(struct dir_accounts *d, const char *name, int disable, struct err *e)
{
    pthread_mutex_lock(&d->lock);
    long acc = account_id(d, name, NULL, 0, NULL, e);
    struct made *m = NULL;
    size_t n = 0;
    int rc = acc <= 0 ? (acc < 0 ? -1 : no_account(name, e)) : made_list(d, acc, 1, &m, &n, e);
    if (!rc) {
        /* the directory first: its sign-in and sessions stop at once */
        char ids[24], detail[80];
        snprintf(ids, sizeof ids, "%ld", acc);
        snprintf(detail, sizeof detail, "its local accounts in %zu organization%s too", n,
                 n == 1 ? "" : "s");
        rc = tx_begin(d, e) ||
             exec(d, e, "UPDATE daccount SET disabled = ? WHERE id = ?", 2, disable ? "1" : "0",
                  ids) ||
             (disable && exec(d, e, "DELETE FROM dsession WHERE account = ?", 1, ids));
        if (!rc) {
            dlog(d, disable ? "dir-user-disable" : "dir-user-enable", name, NULL, detail);
        }
        rc = tx_end(d, rc, e);
    }
    if (!rc) {
        rc = orgs_set(d, m, n, name, disable, disable ? "dir-user-disable" : "dir-user-enable",
                      disable ? "the directory account is disabled, and so its account here"
                              : "the directory account is enabled again, and so its account "
                                "here",
                      e);
    }
    free(m);
    pthread_mutex_unlock(&d->lock);
    return rc;
}

int dir_user_remove(struct dir_accounts *d, const char *name, struct err *e)
{
    pthread_mutex_lock(&d->lock);
    long acc = account_id(d, name, NULL, 0, NULL, e);
    struct made *m = NULL;
    size_t n = 0;
    int rc = acc <= 0 ? (acc < 0 ? -1 : no_account(name, e)) : made_list(d, acc, 0, &m, &n, e);
    char ids[24];
    snprintf(ids, sizeof ids, "%ld", acc);
    if (!rc) {
        /* disabled first (sign-in and sessions stop at once); removed only
         * once every organization's local account is disabled, so that a
         * failure can be run again */
        rc = tx_begin(d, e) ||
             exec(d, e, "UPDATE daccount SET disabled = 1 WHERE id = ?", 1, ids) ||
             exec(d, e, "DELETE FROM dsession WHERE account = ?", 1, ids);
        rc = tx_end(d, rc, e);
    }
    if (!rc && orgs_set(d, m, n, name, 1, "dir-user-remove",
                        "the directory account was removed; its account here is disabled, its "
                        "history kept",
                        e)) {
        char msg[sizeof e->msg];
        strlcpy_(msg, e->msg, sizeof msg);
        err_set(e, e->code, NULL,
                "%s; %s is disabled but not removed: run isms dir user remove "
                "%s again",
                msg, name, name);
        dlog(d, "dir-user-disable", name, NULL, "while being removed; the removal stopped");
        rc = -1;
    }
    if (!rc) {
        char detail[300] = "";
        size_t k = 0;
        for (size_t i = 0; i < n && k + 70 < sizeof detail; i++) {
            k += (size_t)snprintf(detail + k, sizeof detail - k, "%s%s", k ? ", " : "", m[i].org);
        }
        char full[340];
        snprintf(full, sizeof full, "its local accounts disabled in: %s", n ? detail : "none");
        rc = tx_begin(d, e) || exec(d, e, "DELETE FROM dgrant WHERE account = ?", 1, ids) ||
             exec(d, e, "DELETE FROM dlocal WHERE account = ?", 1, ids) ||
             exec(d, e, "DELETE FROM daccount WHERE id = ?", 1, ids);
        if (!rc) {
            dlog(d, "dir-user-remove", name, NULL, full);
        }
        rc = tx_end(d, rc, e);
    }
    free(m);
    pthread_mutex_unlock(&d->lock);
    return rc;
}

static int each_grant(struct dir_accounts *d, const char *sql, const char *name, dir_grant_fn fn,
                      void *ctx, struct err *e)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(d->db, sql, -1, &st, NULL) != SQLITE_OK) {
        return db_err(d, e, "prepare");
    }
    if (name) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct dir_grant_row g = {
            (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
            (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3),
            sqlite3_column_int(st, 4)};
        if (fn(ctx, &g)) {
            break;
        }
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_err(d, e, "read");
}

int dir_list(struct dir_accounts *d, dir_grant_fn fn, void *ctx, struct err *e)
{
    return each_grant(d,
                      "SELECT a.name, g.org, g.role, g.person, a.disabled FROM daccount a "
                      "LEFT JOIN dgrant g ON g.account = a.id ORDER BY a.name, g.org",
                      NULL, fn, ctx, e);
}

int dir_grants(struct dir_accounts *d, const char *name, dir_grant_fn fn, void *ctx,
               struct err *e)
{
    return each_grant(d,
                      "SELECT a.name, g.org, g.role, g.person, a.disabled FROM daccount a "
                      "JOIN dgrant g ON g.account = a.id WHERE a.name = ? AND a.disabled = 0 "
                      "ORDER BY g.org",
                      name, fn, ctx, e);
}

/* ---- sign-in --------------------------------------------------------------------- */

static char dummy[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
    unsigned char pw[16];
    randombytes_buf(pw, sizeof pw);
    if (crypto_pwhash_str(dummy, (const char *)pw, sizeof pw, DIR_PW_OPSLIMIT, DIR_PW_MEMLIMIT)) {
        dummy[0] = 0;
    }
}

int dir_login(struct dir_accounts *d, const char *name, const char *password, const char *address,
              char sid[72], struct err *e)
{
    char h[crypto_pwhash_STRBYTES + 8] = "";
    int disabled = 0;
    struct err ignore = {0};
    long id = valid_account_name(name) ? account_id(d, name, h, sizeof h, &disabled, &ignore) : 0;
    pthread_once(&dummy_once, make_dummy);
    int ok = 0;
    if (password && strlen(password) <= PASSWORD_MAX && (id > 0 || dummy[0])) {
        ok = crypto_pwhash_str_verify(id > 0 ? h : dummy, password, strlen(password)) == 0;
    }
    sodium_memzero(h, sizeof h);
    if (id <= 0 || !ok || disabled) {
        char logged[96];
        log_name(d, name, id > 0, logged, sizeof logged);
        dlog(d, "dir-login-failed", logged, address,
             id <= 0    ? "no such account"
             : disabled ? "disabled"
                        : "wrong password");
        return err_set(e, ERR_UNAUTH, NULL, "wrong name or password");
    }
    unsigned char raw[32];
    char csrf[72], hh[65], ids[24], now[24];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(sid, 72, raw, sizeof raw);
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(csrf, sizeof csrf, raw, sizeof raw);
    sha256_hex(sid, strlen(sid), hh);
    snprintf(ids, sizeof ids, "%ld", id);
    snprintf(now, sizeof now, "%lld", (long long)time(NULL));
    if (exec(d, e,
             "INSERT INTO dsession(id_hash, account, csrf, created, last_seen) VALUES "
             "(?, ?, ?, ?, ?)",
             5, hh, ids, csrf, now, now)) {
        return -1;
    }
    dlog(d, "dir-login", name, address, NULL);
    return 0;
}

int dir_session(struct dir_accounts *d, const char *sid, char name[72], char csrf[72],
                struct err *e)
{
    if (!sid || strlen(sid) != 64) {
        return 0;
    }
    char hh[65];
    sha256_hex(sid, strlen(sid), hh);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(d->db, "SELECT a.name, s.csrf, s.created, s.last_seen FROM dsession "
                           "s JOIN daccount a ON a.id = s.account WHERE s.id_hash = ? AND "
                           "a.disabled = 0", -1, &st, NULL) != SQLITE_OK) {
        return db_err(d, e, "prepare");
    }
    sqlite3_bind_text(st, 1, hh, -1, SQLITE_TRANSIENT);
    int found = 0;
    long long now = (long long)time(NULL), created = 0, seen = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        strlcpy_(name, (const char *)sqlite3_column_text(st, 0), 72);
        strlcpy_(csrf, (const char *)sqlite3_column_text(st, 1), 72);
        created = sqlite3_column_int64(st, 2);
        seen = sqlite3_column_int64(st, 3);
        found = 1;
    }
    sqlite3_finalize(st);
    if (!found) {
        return 0;
    }
    if (now - seen > SESSION_IDLE_SECONDS || now - created > SESSION_MAX_SECONDS) {
        exec(d, e, "DELETE FROM dsession WHERE id_hash = ?", 1, hh);
        return 0;
    }
    if (now - seen >= 60) {
        char ns[24];
        snprintf(ns, sizeof ns, "%lld", now);
        exec(d, e, "UPDATE dsession SET last_seen = ? WHERE id_hash = ?", 2, ns, hh);
    }
    return 1;
}

int dir_logout(struct dir_accounts *d, const char *sid, const char *address, struct err *e)
{
    char name[72], csrf[72];
    if (dir_session(d, sid, name, csrf, e) != 1) {
        return 0;
    }
    char hh[65];
    sha256_hex(sid, strlen(sid), hh);
    if (exec(d, e, "DELETE FROM dsession WHERE id_hash = ?", 1, hh)) {
        return -1;
    }
    dlog(d, "dir-logout", name, address, NULL);
    return 0;
}

static int enter(struct dir_accounts *d, struct app *a, const char *name, const char *org,
                 const char *address, char sid[72], int *totp_due, struct err *e)
{
    *totp_due = 0;
    /* the directory sign-in is a password sign-in: an organization that
     * switched those off (isms sso local off) is entered by its single
     * sign-on only */
    if (!sso_local_enabled(a)) {
        if (store_begin(a->st, e) == 0) {
            app_seclog_write(a, "login-failed", name, address,
                             "directory account: password sign-in is switched off");
            store_commit(a->st, e);
        }
        return err_set(e, ERR_FORBIDDEN, NULL,
                       "password sign-in is switched off in %s, and the directory sign-in is "
                       "a password sign-in: sign in with %s's single sign-on at /o/%s/login",
                       org, org, org);
    }
    pthread_mutex_lock(&d->lock);
    int disabled = 0;
    long acc = account_id(d, name, NULL, 0, &disabled, e);
    struct grant g;
    int rc = acc <= 0 || disabled ? (acc < 0 ? -1 : err_set(e, ERR_UNAUTH, NULL, "signed out"))
                                  : grant_get(d, acc, org, &g, e);
    if (!rc && !g.found) {
        rc = err_set(e, ERR_FORBIDDEN, NULL, "you have no role in this organization");
    }
    if (!rc) {
        long local_id = g.local_id;
        rc = carry_out(a, name, org, g.role, g.person, &local_id, e);
        if (!rc && local_id != g.local_id) {
            rc = grant_put(d, acc, org, g.role, g.person, local_id, e);
        }
    }
    pthread_mutex_unlock(&d->lock);
    if (rc) {
        return -1;
    }
    return app_login_directory(a, name, address, sid, totp_due, e);
}

int dir_enter(struct dir_accounts *d, struct app *a, const char *name, const char *org,
              const char *address, char sid[72], int *totp_due, struct err *e)
{
    int rc = enter(d, a, name, org, address, sid, totp_due, e);
    char detail[320];
    if (rc) {
        snprintf(detail, sizeof detail, "%s: %.250s", org, e->msg);
    } else {
        snprintf(detail, sizeof detail, "%s%s", org,
                 *totp_due == 2 ? ", second factor to set up"
                 : *totp_due    ? ", second factor due"
                                : "");
    }
    dlog(d, rc ? "dir-enter-failed" : "dir-enter", name, address, detail);
    return rc;
}

/* ---- the directory's security log ---------------------------------------------- */

int dir_log_list(struct dir_accounts *d, const struct seclog_filter *f, struct seclog_page *out,
                 struct err *e)
{
    memset(out, 0, sizeof *out);
    struct seclog_query q;
    char next_day[11];
    if (seclog_query_of(f, &q, next_day, e)) {
        return -1;
    }
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(d->db,
                           "SELECT id, at, event, account, actor, address, detail FROM "
                           "dlog WHERE (?1 IS NULL OR account = ?1) AND (?2 IS NULL OR event = "
                           "?2) AND (?3 IS NULL OR at >= ?3) AND (?4 IS NULL OR at < ?4) AND "
                           "(?5 = 0 OR id < ?5) ORDER BY id DESC LIMIT ?6",
                           -1, &st, NULL) != SQLITE_OK) {
        return db_err(d, e, "prepare");
    }
    const char *text[4] = {q.account, q.event, q.since, q.before_at};
    for (int i = 0; i < 4; i++) {
        sqlite3_bind_text(st, i + 1, text[i], -1, SQLITE_TRANSIENT);
    }
    sqlite3_bind_int64(st, 5, q.before_id);
    sqlite3_bind_int64(st, 6, q.limit > 0 ? q.limit : -1);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *c[7];
        for (int i = 1; i < 7; i++) {
            c[i] = (const char *)sqlite3_column_text(st, i);
        }
        struct seclog_row r = {
            (long)sqlite3_column_int64(st, 0), c[1], c[2], c[3], c[4], c[5], c[6]};
        seclog_page_add(out, &r);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        seclog_page_free(out);
        return db_err(d, e, "read");
    }
    seclog_page_done(out, &q);
    return 0;
}
