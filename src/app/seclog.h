/* seclog.h — accounts: the security log, read (issue 15): sign-ins and
 * their failures, second-factor events, API tokens (the first use of each
 * per day), account, role, end-date and privacy-grant changes, roles that
 * must use a second factor. Written by accounts.c (and totp.c) inside the
 * transaction of what it records; read here, newest first, by page
 * (/admin/log), API (/api/v1/admin/log) and CLI (`isms log`) from one
 * typed result. Nothing secret is written: no password, token, code or
 * session id; a sign-in name that matches no account is recorded as a
 * keyed hash (app_seclog_name). */
#ifndef ISMS_APP_SECLOG_H
#define ISMS_APP_SECLOG_H

#include "../lib/buf.h"
#include "app.h"

struct jw;

/* The events written, for the filter's choices and the guide. */
extern const char *const seclog_events[];

#define SECLOG_PAGE_MAX 500

struct seclog_filter {
    const char *account; /* a login name, or NULL */
    const char *event;   /* one of seclog_events, or NULL */
    const char *since;   /* YYYY-MM-DD (from its start), or NULL */
    const char *until;   /* YYYY-MM-DD (to its end), or NULL */
    long before;         /* entries with a smaller number only (the next page), 0: newest */
    long limit;          /* 1..SECLOG_PAGE_MAX; 0: 100 */
};

struct seclog_entry {
    long id;
    char at[24], event[40], account[80], actor[140], address[64], detail[320];
};

struct seclog_page {
    struct seclog_entry *v;
    size_t n, cap;
    long next_before; /* the `before` of the next (older) page; 0 when this is the last */
};

/* Checks the filter (ERR_INVALID naming the field) and reads one page. */
int app_seclog_list(struct app *a, const struct seclog_filter *f, struct seclog_page *out,
                    struct err *e);
void seclog_page_free(struct seclog_page *p);
void seclog_page_json(struct jw *w, const struct seclog_page *p);
/* The page as text, one entry a line; older: the command that shows the
 * next page ("isms log"), named when there is one. */
void seclog_page_text(struct buf *b, const struct seclog_page *p, const char *older);

/* The pieces of app_seclog_list, for another log of the same shape (the
 * directory's, directory.c): the filter checked (ERR_INVALID naming the
 * field) and made a query (next_day: its storage); rows added to a page
 * (a store_seclog_fn, ctx the page); the page cut to the limit asked. */
int seclog_query_of(const struct seclog_filter *f, struct seclog_query *q, char next_day[11],
                    struct err *e);
int seclog_page_add(void *ctx, const struct seclog_row *r);
void seclog_page_done(struct seclog_page *p, const struct seclog_query *q);

/* How a sign-in name is written to the log: a name of an existing account
 * as itself; any other as "unknown:" and 12 hex digits of a keyed BLAKE2b
 * hash (key made once per file, app_key 'seclog-name'), so that repeated
 * tries of the same unknown name can be told apart from many different
 * ones, but what was typed — often a password — is not kept. Inside a write
 * transaction. */
void app_seclog_name(struct app *a, const char *name, int exists, char *out, size_t size);

/* Writes one entry (actor a->actor) inside the caller's transaction. */
void app_seclog_write(struct app *a, const char *event, const char *account, const char *address,
                      const char *detail);

#endif
