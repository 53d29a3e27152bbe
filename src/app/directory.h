/* directory.h — directory accounts for `isms serve --dir DIR` (directory.c):
 * one consultant, many organizations. DIR/.isms-accounts (SQLite) holds
 * accounts with one password each and their grants: a role (and a person)
 * per organization (DIR/ORG.isms). A grant is carried out in the
 * organization's own file as a local account of the same name, made for the
 * directory (its id kept with the grant; it has no usable password), so
 * that sessions, CSRF tokens, roles and history stay the organization's
 * own: nothing of A is valid in B. */
#ifndef ISMS_DIRECTORY_H
#define ISMS_DIRECTORY_H

#include "app.h"

#define DIR_ACCOUNTS_FILE ".isms-accounts"

struct dir_accounts;

/* 1 if DIR has an accounts file. */
int dir_accounts_exist(const char *dir);
/* Opens (create: creating) DIR/.isms-accounts. */
int dir_open(const char *dir, int create, struct dir_accounts **out, struct err *e);
void dir_close(struct dir_accounts *d);
/* Who acts, as the logs name it (the command line: cli_actor()); "web"
 * until set. */
void dir_set_actor(struct dir_accounts *d, const char *actor);

int dir_user_add(struct dir_accounts *d, const char *name, const char *password, struct err *e);
int dir_user_password(struct dir_accounts *d, const char *name, const char *password,
                      struct err *e);
/* Disables (disable 1) or enables the account: disabled, it cannot sign in
 * and its directory sessions end; in each organization it has a grant in,
 * the local account made for it is disabled too (its sessions there end,
 * its API tokens stop) or enabled again. ERR_NOTFOUND ("name") for an
 * unknown name, nothing written. */
int dir_user_disable(struct dir_accounts *d, const char *name, int disable, struct err *e);
/* Removes the account, its grants and sessions; every local account the
 * directory made for it (revoked grants too) is disabled, its history
 * kept. A failure in an organization leaves the account disabled, not
 * removed (running it again finishes). */
int dir_user_remove(struct dir_accounts *d, const char *name, struct err *e);
/* Grants name the role (and person) in org, carrying it out in that
 * organization's file a (its local account name, made or updated). */
int dir_grant(struct dir_accounts *d, struct app *a, const char *name, const char *org,
              const char *role, const char *person, struct err *e);
/* Ends the grant; a (the organization's file, may be NULL when it is gone):
 * its local account for name is disabled, its sessions end. */
int dir_revoke(struct dir_accounts *d, struct app *a, const char *name, const char *org,
               struct err *e);

struct dir_grant_row {
    const char *account, *org, *role, *person; /* person "" when none */
    int disabled;                              /* the account is disabled */
};
typedef int (*dir_grant_fn)(void *ctx, const struct dir_grant_row *g);
/* Every account (org NULL when it has no grant), by name then org. */
int dir_list(struct dir_accounts *d, dir_grant_fn fn, void *ctx, struct err *e);
/* The grants of one account, by org. */
int dir_grants(struct dir_accounts *d, const char *name, dir_grant_fn fn, void *ctx,
               struct err *e);

/* Directory sign-in from address: 0 and sid (64 hex) on success; ERR_UNAUTH
 * "wrong name or password" otherwise (the same work either way). Both are
 * logged (dir-login, dir-login-failed with why). */
int dir_login(struct dir_accounts *d, const char *name, const char *password, const char *address,
              char sid[72], struct err *e);
/* 1 and name/csrf filled for a live directory session, 0 when none. */
int dir_session(struct dir_accounts *d, const char *sid, char name[72], char csrf[72],
                struct err *e);
int dir_logout(struct dir_accounts *d, const char *sid, const char *address, struct err *e);
/* Enters org for a signed-in directory account: its grant must exist; the
 * organization's local account is brought in line with the grant (made if
 * missing, role and person set) and a session of that organization made
 * (sid) under the organization's second-factor rules (*totp_due: 0 none, 1
 * the code is due, 2 enrolment, as app_login). ERR_FORBIDDEN when name has
 * no role there, or when org has switched password sign-in off (isms sso
 * local off: the directory's sign-in is a password sign-in). */
int dir_enter(struct dir_accounts *d, struct app *a, const char *name, const char *org,
              const char *address, char sid[72], int *totp_due, struct err *e);

/* The directory's security log (dlog), newest first, filtered and paged as
 * app_seclog_list (seclog.h; ERR_INVALID naming the field). */
struct seclog_filter;
struct seclog_page;
int dir_log_list(struct dir_accounts *d, const struct seclog_filter *f, struct seclog_page *out,
                 struct err *e);

#endif
