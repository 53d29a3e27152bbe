/* outbound.h — what leaves the ISMS and comes back: the whole-ISMS export
 * and import (export_all.c), the calendar feed (ical.c), e-mail reminders
 * (mail.c). */
#ifndef ISMS_OUTBOUND_H
#define ISMS_OUTBOUND_H

#include <stddef.h>

#include "app.h"

/* ---- whole-ISMS export and import (export_all.c) ------------------------ */

/* The export's format (the "format_version" of its header). */
#define EXPORT_FORMAT_VERSION 1
/* The largest export import-all reads by default (the JSON document; the
 * evidence files are in the side folder and streamed). */
#define EXPORT_MAX_BYTES ((size_t)512 << 20)

struct export_result {
    long tables, rows, blobs;
    long long blob_bytes;
};
/* Writes every table of a's file to out (a new JSON file) and every stored
 * evidence content to the folder beside it (out without ".json" plus
 * ".blobs", one file per SHA-256), from one read snapshot. Account secrets
 * (password and TOTP hashes), API token, questionnaire link and calendar
 * feed hashes and the mail password leave only with with_accounts; sessions
 * never. Must run as the system principal (the whole file): ERR_FORBIDDEN
 * otherwise. Nothing is left behind on failure. */
int app_export_all(struct app *a, const char *out, int with_accounts, struct export_result *r,
                   struct err *e);
/* Creates target (must not exist) from the export at in: a file at the
 * export's schema version, every row inserted as it was in one transaction
 * (evidence contents streamed from the side folder, each checked against its
 * SHA-256), then migrated to this program's schema and verified
 * (app_verify). An export of a newer schema, one that is malformed, larger
 * than max_bytes or deeper than its shape, or that fails verify is refused
 * naming what is wrong, and target is not left behind. */
int app_import_all(const char *in, const char *target, size_t max_bytes, struct export_result *r,
                   struct verify_result *vr, struct err *e);

/* Moves the ISMS at from (a file or a postgresql:// URL) to to (the other
 * kind, new): from is verified, exported whole with its accounts' secrets
 * into a private temporary folder, imported into to and verified there;
 * to is kept only when it holds as many history entries, records,
 * evidence files and sign-offs as from. The temporary export is removed
 * whatever happens; from is never changed. */
struct migrate_result {
    struct verify_result before, after;
    struct export_result moved;
};
int app_migrate(const char *from, const char *to, struct migrate_result *m, struct err *e);

/* ---- calendar feed (ical.c) --------------------------------------------- */

struct buf;
/* 256 random bits, base64url: the secret in /cal/SECRET.ics. */
#define CAL_SECRET_LEN 43
/* A new feed secret for account (replacing its earlier one, whose URL then
 * answers 404); only its SHA-256 is stored, the secret is returned once. */
int app_calendar_create(struct app *a, long account, const char *account_name,
                        char secret[CAL_SECRET_LEN + 1], struct err *e);
/* Revokes the account's feed: ERR_NOTFOUND when it has none. */
int app_calendar_revoke(struct app *a, long account, const char *account_name, struct err *e);
/* 1 and created (its creation time) when the account has a feed, else 0. */
int app_calendar_state(struct app *a, long account, char *created, size_t size, struct err *e);
/* The principal of the enabled account whose feed secret is secret
 * (untrusted): 0 and *out, or ERR_NOTFOUND (unknown, revoked, disabled). */
int app_calendar_principal(struct app *a, const char *secret, struct principal *out,
                           struct err *e);
/* The iCalendar (RFC 5545) feed of the tasks a->who sees (mine: only its
 * person's), each due date an all-day event; UIDs "HASH@host" (host
 * sanitized), URLs base + the task's link. */
int app_calendar_feed(struct app *a, const char *host, const char *base, int mine,
                      struct buf *out, struct err *e);
/* The id of the account named name (ERR_NOTFOUND naming it). */
int app_account_id(struct app *a, const char *name, long *id, struct err *e);
/* RFC 5545 TEXT escaping (backslash, semicolon, comma, newline) of s. */
void ical_text(struct buf *b, const char *s);
/* Appends one content line, folded at 75 octets (never inside a UTF-8
 * sequence), ending in CRLF. */
void ical_line(struct buf *b, const char *line, size_t n);

/* ---- e-mail reminders (mail.c) ------------------------------------------ */

/* The mail settings of this ISMS (table setting, keys "mail.*"). */
struct mail_config {
    char smtp[512];      /* smtp://host:port or smtps://host:port */
    char from[256];      /* the sender's address */
    char user[256];      /* "" : no authentication */
    char password[256];  /* kept in the ISMS file only; never printed or logged */
    char starttls[16];   /* required | optional | none */
    char ca_file[1024];  /* "" (the system's CAs) or the PEM file of the CAs to trust */
    char base_url[256];  /* "" or http(s)://host[:port] for links in the mail */
    int lead_days;       /* "due soon": within this many days (default 14) */
    int configured;      /* smtp and from are set */
};
/* The settings (password included: for sending only). */
int app_mail_get(struct app *a, struct mail_config *c, struct err *e);
/* Sets the given settings (NULL: unchanged; "" for user/password/base_url/
 * ca_file: removed), each validated (ERR_INVALID naming the option; ca_file
 * must be a readable file of PEM certificates, kept as its absolute path),
 * in one transaction with a security log entry that never holds the
 * password. */
struct mail_set {
    const char *smtp, *from, *user, *password, *starttls, *lead_days, *base_url, *ca_file;
};
int app_mail_set(struct app *a, const struct mail_set *s, struct err *e);

struct remind_result {
    int people;     /* people with something due soon or overdue */
    int sent;       /* mails sent (or, dry run, that would be sent) */
    int failed;     /* mails the server refused or could not take */
    int no_email;   /* people with due work and no e-mail address */
    int items;      /* tasks in the mails */
};
typedef void (*remind_report_fn)(void *ctx, const char *line);
/* One digest per person (the owner of tasks due within lead_days or
 * overdue, today by $ISMS_NOW): the tasks not yet sent to that person
 * today (table mail_sent), as multipart/alternative text + HTML over SMTP
 * (libcurl). dry_run: builds the mails and reports, sends and marks
 * nothing. ERR_USAGE when mail is not set up; ERR_UNAVAILABLE (after
 * sending what it could) when a mail could not be sent. report gets one
 * line per person. */
int app_remind(struct app *a, int dry_run, remind_report_fn report, void *ctx,
               struct remind_result *r, struct err *e);
/* The message (headers and body, CRLF lines) for one person: for tests
 * and the dry run. Record text is escaped in the HTML part; CR and LF in
 * names are removed; an address with CR, LF, spaces, <, > or , is
 * refused (ERR_INVALID). */
struct task;
int mail_build(const struct mail_config *c, const char *name, const char *address,
               const struct task *const *items, int n, const char *today, struct buf *out,
               struct err *e);
/* Reminders from the server: at most once a day per ISMS (server.c calls
 * this from its timer thread with the file's path). */
int app_remind_daily(const char *path, struct err *e);

/* ---- outgoing webhooks (webhook.c) ----------------------------------------- */

/* Adds a webhook: url http(s)://HOST[:PORT][/PATH] (a target the
 * webhook.allow setting refuses is refused now when its host is an address
 * literal or localhost, and always at delivery by the address connected
 * to), secret the HMAC-SHA256 key (16..256 bytes), types a comma list of
 * record types ("" or NULL: all). */
int app_webhook_add(struct app *a, const char *url, const char *secret, const char *types,
                    long *id, struct err *e);
int app_webhook_remove(struct app *a, long id, struct err *e);
/* Settings: allow public|private|loopback (the addresses a delivery may
 * connect to: public only by default; private adds RFC 1918 and ULA;
 * loopback adds 127/8 and ::1), timeout seconds per attempt (1..60,
 * default 10), retry seconds (the first back-off, doubled each attempt,
 * 1..3600, default 30). NULL: unchanged. */
int app_webhook_set(struct app *a, const char *allow, const char *timeout, const char *retry,
                    struct err *e);
struct webhook_result {
    int attempted, delivered, failed;
};
/* Delivers what is due now (at most 100), each attempt bounded by the
 * timeout, never inside a transaction; logs each attempt. */
int app_webhook_deliver(struct app *a, remind_report_fn report, void *ctx,
                        struct webhook_result *r, struct err *e);
/* The same on a connection of its own, when anything is pending (the
 * server's timer). */
int app_webhook_deliver_file(const char *path, struct err *e);
/* Every webhook (never its secret to print); the latest limit attempts. */
int app_webhook_list(struct app *a, store_webhook_fn fn, void *ctx, struct err *e);
int app_webhook_log(struct app *a, int limit, store_wlog_fn fn, void *ctx, struct err *e);
/* The body of a delivery (the JSON writer): event, delivery, type, ref,
 * actor, time, seq, change {action, before, after}. */
void webhook_body(struct buf *out, const struct delivery_row *d);
/* HMAC-SHA256 of body under secret, "sha256=HEX". */
void webhook_signature(const char *secret, const char *body, size_t n, char out[72]);

#endif
