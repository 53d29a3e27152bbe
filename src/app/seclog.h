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
    /* detail holds the longest any writer makes (sso_log_failure: 1000) */
    char at[24], event[40], account[80], actor[140], address[64], detail[1024];
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

/* ---- bundle: the security log as evidence ----------------------------------
 * Every entry, newest first as `isms log` lists them, read a page at a
 * time through app_seclog_list (memory: one page, never the whole log),
 * each handed to fn (non-zero stops). Inside the caller's read snapshot
 * when there is one. */
int app_seclog_each(struct app *a, int (*fn)(void *ctx, struct seclog_entry *x), void *ctx,
                    struct err *e);
/* What leaves the ISMS of an entry in an evidence bundle, changed in place:
 * the rows hold no secret (see above), but a webhook's URL may carry one
 * in its path or query (many services put their token there), so
 * "webhook-add" keeps the URL's scheme and host only; with hide_address
 * (the privacy rule of an external auditor, perm.h) the address is left
 * out. */
void seclog_entry_evidence(struct seclog_entry *x, int hide_address);
/* The one writer of an entry, from the typed row: a JSON object of the
 * form of seclog_page_json's items (`isms log --json`), and a CSV line
 * (RFC 4180, CRLF, spreadsheet formulas neutralised as in the registers)
 * under the header line of seclog_csv_header. */
void seclog_entry_json(struct jw *w, const struct seclog_entry *x);
void seclog_csv_header(struct buf *b);
void seclog_entry_csv(struct buf *b, const struct seclog_entry *x);

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
