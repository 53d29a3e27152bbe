/* seclog.c — accounts: reading the security log (seclog.h). */
#include "seclog.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/csv.h"
#include "../lib/json.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "app_int.h"

/* Every event some code writes (a failed recovery code is a "totp-failed"
 * with why): the filter's choices on the page, the API and the CLI. New
 * events go on lines of their own, so that additions merge. */
/* clang-format off */
const char *const seclog_events[] = {
    "login",          "login-failed",     "logout",         "totp-ok",
    "totp-failed",    "totp-replayed",    "totp-enroll",    "totp-confirm",
    "recovery-used",  "recovery-new",     "totp-role",
    "token-add",      "token-revoke",     "token-use",      "token-refused",
    /* sso.c: single sign-on refused, its settings changed */
    "sso-failed",
    "sso-config",
    /* webhook.c, mail.c, ical.c: what leaves the ISMS */
    "webhook-add",
    "webhook-remove",
    "mail-settings",
    "calendar-feed",
    "calendar-revoke",
    "account-add",    "account-change",   "role-change",    "password-change",
    "expiry-change",  "privacy-grant",    "privacy-withdraw",
    /* server: directory accounts (directory.c) — in the directory's log
     * (isms dir log); those that touch an organization in its log too */
    "dir-login",      "dir-login-failed", "dir-logout",     "dir-enter",
    "dir-enter-failed", "dir-user-add",   "dir-password-change",
    "dir-user-disable", "dir-user-enable", "dir-user-remove",
    "dir-grant",      "dir-revoke", NULL};
/* clang-format on */

static int known_event(const char *ev)
{
    for (int i = 0; seclog_events[i]; i++) {
        if (strcmp(seclog_events[i], ev) == 0) {
            return 1;
        }
    }
    return 0;
}

static int check_date(const char *d, const char *field, struct err *e)
{
    int y, m, dd;
    if (d && (strlen(d) != 10 || date_parse(d, &y, &m, &dd))) {
        return err_set(e, ERR_INVALID, field, "%s: a date YYYY-MM-DD", field);
    }
    return 0;
}

int seclog_page_add(void *ctx, const struct seclog_row *r)
{
    struct seclog_page *p = ctx;
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 64;
        p->v = xrealloc(p->v, p->cap * sizeof *p->v);
    }
    struct seclog_entry *x = &p->v[p->n++];
    memset(x, 0, sizeof *x);
    x->id = r->id;
    strlcpy_(x->at, r->at ? r->at : "", sizeof x->at);
    strlcpy_(x->event, r->event ? r->event : "", sizeof x->event);
    strlcpy_(x->account, r->account ? r->account : "", sizeof x->account);
    strlcpy_(x->actor, r->actor ? r->actor : "", sizeof x->actor);
    strlcpy_(x->address, r->address ? r->address : "", sizeof x->address);
    strlcpy_(x->detail, r->detail ? r->detail : "", sizeof x->detail);
    /* a field cut by its size may end in half a character: never invalid
     * UTF-8 in what is written from it */
    utf8_sanitize(x->account);
    utf8_sanitize(x->actor);
    utf8_sanitize(x->detail);
    return 0;
}

int seclog_query_of(const struct seclog_filter *f, struct seclog_query *q, char next_day[11],
                    struct err *e)
{
    const char *ev = str_empty(f->event) ? NULL : f->event;
    if (ev && !known_event(ev)) {
        /* the events, as many as the message has room for */
        char all[400] = "";
        size_t n = 0;
        for (int i = 0; seclog_events[i]; i++) {
            size_t k = strlen(seclog_events[i]);
            if (n + k + 6 >= sizeof all) {
                strlcpy_(all + n, ", ...", sizeof all - n);
                break;
            }
            n += (size_t)snprintf(all + n, sizeof all - n, "%s%s", i ? ", " : "", seclog_events[i]);
        }
        return err_set(e, ERR_INVALID, "event", "event: no event %.40s; the events: %s", ev, all);
    }
    const char *acc = str_empty(f->account) ? NULL : f->account;
    if (acc && (strlen(acc) > 80 || !utf8_valid(acc, strlen(acc)) || text_bad_control(acc, 0))) {
        return err_set(e, ERR_INVALID, "account", "account: a login name");
    }
    const char *since = str_empty(f->since) ? NULL : f->since;
    const char *until = str_empty(f->until) ? NULL : f->until;
    if (check_date(since, "since", e) || check_date(until, "until", e)) {
        return -1;
    }
    if (f->limit < 0 || f->limit > SECLOG_PAGE_MAX || f->before < 0) {
        return err_set(e, ERR_INVALID, "limit", "limit: 1 to %d entries", SECLOG_PAGE_MAX);
    }
    next_day[0] = 0;
    if (until && date_add_days(until, 1, next_day)) {
        return err_set(e, ERR_INVALID, "until", "until: a date YYYY-MM-DD");
    }
    long limit = f->limit ? f->limit : 100;
    /* one more than asked: whether there is an older page */
    struct seclog_query x = {acc, ev, since, until ? next_day : NULL, f->before, limit + 1};
    *q = x;
    return 0;
}

void seclog_page_done(struct seclog_page *p, const struct seclog_query *q)
{
    long limit = q->limit - 1;
    if ((long)p->n > limit) {
        p->n = (size_t)limit;
        p->next_before = p->v[p->n - 1].id;
    }
}

int app_seclog_list(struct app *a, const struct seclog_filter *f, struct seclog_page *out,
                    struct err *e)
{
    memset(out, 0, sizeof *out);
    struct seclog_query q;
    char next_day[11];
    if (seclog_query_of(f, &q, next_day, e)) {
        return -1;
    }
    if (store_seclog_list(a->st, &q, seclog_page_add, out, e)) {
        seclog_page_free(out);
        return -1;
    }
    seclog_page_done(out, &q);
    return 0;
}

void seclog_page_free(struct seclog_page *p)
{
    free(p->v);
    memset(p, 0, sizeof *p);
}

void seclog_entry_json(struct jw *w, const struct seclog_entry *x)
{
    jw_obj(w);
    jw_key(w, "id");
    jw_int(w, x->id);
    jw_key(w, "at");
    jw_str(w, x->at);
    jw_key(w, "event");
    jw_str(w, x->event);
    jw_key(w, "account");
    jw_str(w, x->account[0] ? x->account : NULL);
    jw_key(w, "actor");
    jw_str(w, x->actor);
    jw_key(w, "address");
    jw_str(w, x->address[0] ? x->address : NULL);
    jw_key(w, "detail");
    jw_str(w, x->detail[0] ? x->detail : NULL);
    jw_obj_end(w);
}

void seclog_page_json(struct jw *w, const struct seclog_page *p)
{
    jw_obj(w);
    jw_key(w, "items");
    jw_arr(w);
    for (size_t i = 0; i < p->n; i++) {
        seclog_entry_json(w, &p->v[i]);
    }
    jw_arr_end(w);
    jw_key(w, "next_before");
    if (p->next_before) {
        jw_int(w, p->next_before);
    } else {
        jw_null(w);
    }
    jw_obj_end(w);
}

void seclog_page_text(struct buf *b, const struct seclog_page *p, const char *older)
{
    for (size_t i = 0; i < p->n; i++) {
        const struct seclog_entry *x = &p->v[i];
        buf_printf(b, "#%-6ld %s  %-16s %-20s by %-20s %s%s%s\n", x->id, x->at, x->event,
                   x->account[0] ? x->account : "-", x->actor, x->address[0] ? x->address : "",
                   x->detail[0] ? "  " : "", x->detail);
    }
    if (!p->n) {
        buf_puts(b, "no entries matched\n");
    }
    if (p->next_before) {
        buf_printf(b, "(older entries: %s --before %ld)\n", older, p->next_before);
    }
}

/* ---- bundle: the security log as evidence ---------------------------------- */

int app_seclog_each(struct app *a, int (*fn)(void *ctx, struct seclog_entry *x), void *ctx,
                    struct err *e)
{
    struct seclog_filter f = {NULL, NULL, NULL, NULL, 0, SECLOG_PAGE_MAX};
    for (;;) {
        struct seclog_page p;
        if (app_seclog_list(a, &f, &p, e)) {
            return -1;
        }
        int rc = 0;
        for (size_t i = 0; i < p.n && rc == 0; i++) {
            rc = fn(ctx, &p.v[i]);
        }
        f.before = p.next_before;
        seclog_page_free(&p);
        if (rc) {
            return rc < 0 ? -1 : 0;
        }
        if (!f.before) {
            return 0;
        }
    }
}

void seclog_entry_evidence(struct seclog_entry *x, int hide_address)
{
    if (hide_address) {
        x->address[0] = 0;
    }
    /* webhook.c writes "webhook to URL": the URL up to its host only */
    static const char pre[] = "webhook to ";
    if (strcmp(x->event, "webhook-add") == 0 && strncmp(x->detail, pre, sizeof pre - 1) == 0) {
        char *url = x->detail + sizeof pre - 1;
        char *host = strstr(url, "://");
        char *end = host ? host + 3 + strcspn(host + 3, "/?#") : url;
        if (*end) {
            snprintf(end, sizeof x->detail - (size_t)(end - x->detail),
                     " (path and query left out)");
        }
    }
}

static void csv_sep(struct buf *b, const char *s)
{
    csv_field(b, s, 1);
    buf_putc(b, ',');
}

void seclog_csv_header(struct buf *b)
{
    buf_puts(b, "id,at,event,account,actor,address,detail\r\n");
}

void seclog_entry_csv(struct buf *b, const struct seclog_entry *x)
{
    buf_printf(b, "%ld,", x->id);
    csv_sep(b, x->at);
    csv_sep(b, x->event);
    csv_sep(b, x->account);
    csv_sep(b, x->actor);
    csv_sep(b, x->address);
    csv_field(b, x->detail, 1);
    buf_puts(b, "\r\n");
}

void app_seclog_name(struct app *a, const char *name, int exists, char *out, size_t size)
{
    if (exists) {
        strlcpy_(out, name, size);
        return;
    }
    unsigned char raw[32], key[32];
    char fresh[65], hex[65];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(fresh, sizeof fresh, raw, sizeof raw);
    struct err e = {0};
    size_t n = 0;
    if (store_app_key(a->st, "seclog-name", fresh, hex, sizeof hex, &e) ||
        sodium_hex2bin(key, sizeof key, hex, strlen(hex), NULL, &n, NULL) || n != sizeof key) {
        strlcpy_(out, "unknown", size);
        return;
    }
    unsigned char h[16];
    const char *nm = name ? name : "";
    crypto_generichash(h, sizeof h, (const unsigned char *)nm, strlen(nm), key, sizeof key);
    char hh[33];
    sodium_bin2hex(hh, sizeof hh, h, sizeof h);
    snprintf(out, size, "unknown:%.12s", hh);
    sodium_memzero(key, sizeof key);
}
