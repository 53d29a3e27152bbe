/* ical.c — the calendar feed: an account's task list (app_tasks, read as
 * that account) as iCalendar (RFC 5545), at /cal/SECRET.ics. The secret is
 * 256 random bits shown once; the file keeps its SHA-256 only
 * (calendar_feed), so revoking (deleting the row) makes the URL answer 404.
 *
 * Every due date is an all-day event (DTSTART;VALUE=DATE, DTEND the next
 * day). UIDs are stable: the SHA-256 of the task's source, subject, verb
 * and owner (what identifies a task across days; the owner tells apart one
 * document's acknowledgements by person), and for tasks equal in all four
 * (a certificate's successive audits) their rank by due date, so a calendar
 * updates an event instead of adding another when its date moves. TEXT values are escaped
 * (\\ ; , and newlines) and every line is folded at 75 octets. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/buf.h"
#include "../lib/hash.h"
#include "../lib/strmap.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "app_int.h"
#include "outbound.h"
#include "tasks.h"

void ical_text(struct buf *b, const char *s)
{
    for (const char *p = s; *p; p++) {
        switch (*p) {
        case '\\': buf_puts(b, "\\\\"); break;
        case ';': buf_puts(b, "\\;"); break;
        case ',': buf_puts(b, "\\,"); break;
        case '\n': buf_puts(b, "\\n"); break;
        case '\r': break;
        default:
            if ((unsigned char)*p < 0x20 && *p != '\t') {
                break; /* controls are not allowed in TEXT */
            }
            buf_putc(b, *p);
        }
    }
}

void ical_line(struct buf *b, const char *line, size_t n)
{
    size_t col = 0, i = 0;
    while (i < n) {
        /* the length of the UTF-8 sequence at i */
        unsigned char c = (unsigned char)line[i];
        size_t k = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
        if (i + k > n) {
            k = n - i;
        }
        if (col + k > 75) {
            buf_puts(b, "\r\n ");
            col = 1;
        }
        buf_append(b, line + i, k);
        col += k;
        i += k;
    }
    buf_puts(b, "\r\n");
}

static void line(struct buf *out, struct buf *tmp)
{
    ical_line(out, tmp->p ? tmp->p : "", tmp->len);
    buf_reset(tmp);
}

static void secret_hash(const char *secret, char out[65])
{
    sha256_hex(secret, strlen(secret), out);
}

int app_calendar_create(struct app *a, long account, const char *account_name,
                        char secret[CAL_SECRET_LEN + 1], struct err *e)
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(secret, CAL_SECRET_LEN + 1, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char h[65], now[21];
    secret_hash(secret, h);
    time_now(now);
    if (store_begin(a->st, e)) {
        return -1;
    }
    if (store_calfeed_set(a->st, account, h, now, e) ||
        store_seclog_add(a->st, now, "calendar-feed", account_name, a->actor, NULL,
                         "a new calendar feed URL", e) ||
        store_commit(a->st, e)) {
        store_rollback(a->st);
        return -1;
    }
    return 0;
}

int app_calendar_revoke(struct app *a, long account, const char *account_name, struct err *e)
{
    char now[21];
    time_now(now);
    if (store_begin(a->st, e)) {
        return -1;
    }
    int rc = store_calfeed_delete(a->st, account, e);
    if (rc == 0) {
        store_rollback(a->st);
        return err_set(e, ERR_NOTFOUND, NULL, "account %s has no calendar feed", account_name);
    }
    if (rc < 0 ||
        store_seclog_add(a->st, now, "calendar-revoke", account_name, a->actor, NULL,
                         "the calendar feed URL revoked", e) ||
        store_commit(a->st, e)) {
        store_rollback(a->st);
        return -1;
    }
    return 0;
}

int app_calendar_state(struct app *a, long account, char *created, size_t size, struct err *e)
{
    return store_calfeed_get(a->st, account, created, size, e);
}

struct acct {
    struct principal p;
    int found;
};

static int got_account(void *ctx, const struct account_row *r)
{
    struct acct *x = ctx;
    /* accounts: a disabled account's feed, or one past its end date (an
     * external auditor's), answers like one that does not exist */
    if (!r->disabled && !account_end_passed(r->expires)) {
        x->p = principal_account(r->id, r->name, r->role, r->person);
        /* accounts: the feed reads as the account does on the web */
        int end = r->expires && r->expires[0];
        x->p.personal_hidden = perm_personal_hidden(role_parse(r->role), end, r->privacy_access);
        x->p.read_only = perm_read_only(role_parse(r->role), end);
        x->found = 1;
    }
    return 0;
}

int app_calendar_principal(struct app *a, const char *secret, struct principal *out,
                           struct err *e)
{
    *out = principal_nobody();
    size_t n = secret ? strlen(secret) : 0;
    if (n != CAL_SECRET_LEN || strspn(secret, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                              "0123456789-_") != n) {
        return err_set(e, ERR_NOTFOUND, NULL, "no such calendar");
    }
    char h[65];
    secret_hash(secret, h);
    long id = store_calfeed_find(a->st, h, e);
    if (id < 0) {
        return -1;
    }
    struct acct x = {0};
    if (id == 0 || store_account_get(a->st, NULL, id, got_account, &x, e) || !x.found) {
        return err_set(e, ERR_NOTFOUND, NULL, "no such calendar");
    }
    *out = x.p;
    return 0;
}

/* A host name for UIDs and nothing else: [A-Za-z0-9.-], else "isms". */
static void clean_host(const char *host, char *out, size_t size)
{
    size_t j = 0;
    for (const char *p = host ? host : ""; *p && *p != ':' && j + 1 < size; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '.' || *p == '-') {
            out[j++] = *p;
        } else {
            j = 0;
            break;
        }
    }
    out[j] = 0;
    if (!j) {
        strlcpy_(out, "isms", size);
    }
}

static void ymd(const char *date, char out[9])
{
    snprintf(out, 9, "%.4s%.2s%.2s", date, date + 5, date + 8);
}

int app_calendar_feed(struct app *a, const char *host, const char *base, int mine,
                      struct buf *out, struct err *e)
{
    char today[11];
    date_today(today);
    const char *person = principal_person(&a->who);
    struct task_query q = {.today = today};
    if (mine) {
        if (!person) {
            return err_set(e, ERR_INVALID, "mine", "the account acts as no person");
        }
        q.owner = person;
    }
    char h[80];
    clean_host(host, h, sizeof h);
    /* the feed depends on who reads, today, mine, host and base: kept in
     * app_derived (dropped at the first change that could alter a task) */
    char view[160];
    struct buf key;
    buf_init(&key, 4096);
    buf_printf(&key, "cal:%s:%s:%d:%s:%s", principal_view(&a->who, view, sizeof view), today,
               mine, h, base ? base : "");
    const char *kept = NULL;
    int cached = store_in_read(a->st);
    if (cached && app_derived_get(a, buf_str(&key), &kept) && kept) {
        buf_puts(out, kept);
        buf_free(&key);
        return 0;
    }
    struct tasks t;
    struct tblset tsaved, tread; /* the feed is kept with the tables its tasks came from */
    app_track_begin(a, &tsaved);
    int trc = app_tasks(a, &q, &t, e);
    app_track_end(a, &tsaved, &tread);
    if (trc) {
        buf_free(&key);
        return -1;
    }
    /* DTSTAMP: the start of today (UTC), so the feed is the same text all
     * day while the records are unchanged */
    char stamp[17];
    snprintf(stamp, sizeof stamp, "%.4s%.2s%.2sT000000Z", today, today + 5, today + 8);
    struct buf l;
    buf_init(&l, 1 << 16);
    struct strmap ranks = {0};
    buf_puts(out, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//isms//tasks//EN\r\n"
                  "CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n");
    buf_puts(&l, "X-WR-CALNAME:");
    ical_text(&l, "ISMS tasks: ");
    ical_text(&l, a->who.name);
    line(out, &l);
    for (int i = 0; i < t.n; i++) {
        const struct task *k = &t.v[i];
        char d0[9], d1[9], next[11], uid[65];
        if (date_add_days(k->due, 1, next)) {
            continue;
        }
        ymd(k->due, d0);
        ymd(next, d1);
        /* the same task on another day keeps its UID; tasks of one key
         * (a certificate's audits) are told apart by their order */
        struct sha256 hs;
        sha256_begin(&hs);
        sha256_add_field(&hs, k->source);
        sha256_add_field(&hs, k->subject);
        sha256_add_field(&hs, k->what);
        sha256_add_field(&hs, k->owner);
        sha256_hex_end(&hs, uid);
        const char *seen = NULL;
        long nth = strmap_get(&ranks, uid, &seen) && seen ? atol(seen) + 1 : 0;
        char nths[24];
        snprintf(nths, sizeof nths, "%ld", nth);
        strmap_put(&ranks, uid, nths);
        if (nth) {
            sha256_begin(&hs);
            sha256_add_field(&hs, uid);
            sha256_add_field(&hs, nths);
            sha256_hex_end(&hs, uid);
        }
        buf_puts(out, "BEGIN:VEVENT\r\n");
        buf_printf(&l, "UID:%.32s@%s", uid, h);
        line(out, &l);
        buf_printf(&l, "DTSTAMP:%s", stamp);
        line(out, &l);
        buf_printf(&l, "DTSTART;VALUE=DATE:%s", d0);
        line(out, &l);
        buf_printf(&l, "DTEND;VALUE=DATE:%s", d1);
        line(out, &l);
        buf_puts(&l, "SUMMARY:");
        ical_text(&l, k->title);
        line(out, &l);
        buf_puts(&l, "DESCRIPTION:");
        ical_text(&l, k->what);
        ical_text(&l, " ");
        ical_text(&l, k->subject);
        ical_text(&l, " (");
        ical_text(&l, task_state_name(k->state));
        ical_text(&l, k->owner[0] ? "; owner " : "; no owner");
        ical_text(&l, k->owner);
        ical_text(&l, ")\n");
        ical_text(&l, k->title);
        line(out, &l);
        buf_puts(&l, "CATEGORIES:");
        ical_text(&l, task_state_name(k->state));
        line(out, &l);
        if (k->link[0]) {
            /* a URI value: no TEXT escaping, but nothing that ends the line */
            buf_puts(&l, "URL:");
            for (const char *p = base ? base : ""; *p; p++) {
                if ((unsigned char)*p > 0x20 && *p != 0x7f) {
                    buf_putc(&l, *p);
                }
            }
            for (const char *p = k->link; *p; p++) {
                if ((unsigned char)*p > 0x20 && *p != 0x7f) {
                    buf_putc(&l, *p);
                }
            }
            line(out, &l);
        }
        buf_puts(out, "END:VEVENT\r\n");
    }
    buf_puts(out, "END:VCALENDAR\r\n");
    buf_free(&l);
    strmap_free(&ranks);
    tasks_free(&t);
    if (out->over) {
        buf_free(&key);
        return err_set(e, ERR_TOOBIG, NULL, "the calendar is too large");
    }
    if (cached) {
        app_derived_put(a, buf_str(&key), buf_str(out), &tread);
    }
    buf_free(&key);
    return 0;
}

static int got_id(void *ctx, const struct account_row *r)
{
    *(long *)ctx = r->id;
    return 0;
}

int app_account_id(struct app *a, const char *name, long *id, struct err *e)
{
    *id = 0;
    struct err e2 = {0};
    if (store_account_get(a->st, name, 0, got_id, id, &e2) || !*id) {
        return err_set(e, ERR_NOTFOUND, "account", "no account named \"%.60s\"", name);
    }
    return 0;
}
