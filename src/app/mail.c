/* mail.c — e-mail reminders: one digest per person of what falls due soon
 * and what is overdue (app_tasks, the one task model), sent over SMTP with
 * libcurl, never twice for the same task and day (table mail_sent).
 *
 * Settings live in the ISMS file (table setting, keys mail.*), the SMTP
 * password with them and nowhere else: it is never printed, logged or
 * exported without --with-accounts. The message is multipart/alternative:
 * a text/plain part and a text/html part in which every record text goes
 * through html_text; both parts base64 (UTF-8 safe, short lines). Header
 * values are built from our own words, the configured sender and the
 * person's address (refused when it holds CR, LF, spaces, <, > or ,) and
 * name (CR, LF and controls removed, then an RFC 2047 encoded word): no
 * record text reaches a header, so nothing can inject one.
 *
 * TLS (STARTTLS or smtps://) always verifies the server's certificate and
 * host name, against the system's CAs or (instead) the PEM file of
 * mail.ca_file (--ca-file, checked when it is set and kept as an absolute
 * path, so the server's timer finds it too). With --starttls required a
 * server that does not offer STARTTLS is refused before anything, the
 * login included, is sent. A refusal names what failed and what the
 * server said. */
#include <curl/curl.h>
#include <errno.h>
#include <gnutls/x509.h>
#include <limits.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../lib/buf.h"
#include "../lib/html.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "app_int.h"
#include "outbound.h"
#include "tasks.h"

#define LEAD_DEFAULT 14

static const struct {
    const char *key;
    size_t off, size;
} keys[] = {
    {"mail.smtp", offsetof(struct mail_config, smtp), sizeof ((struct mail_config *)0)->smtp},
    {"mail.from", offsetof(struct mail_config, from), sizeof ((struct mail_config *)0)->from},
    {"mail.user", offsetof(struct mail_config, user), sizeof ((struct mail_config *)0)->user},
    {"mail.password", offsetof(struct mail_config, password),
     sizeof ((struct mail_config *)0)->password},
    {"mail.starttls", offsetof(struct mail_config, starttls),
     sizeof ((struct mail_config *)0)->starttls},
    {"mail.base_url", offsetof(struct mail_config, base_url),
     sizeof ((struct mail_config *)0)->base_url},
    {"mail.ca_file", offsetof(struct mail_config, ca_file),
     sizeof ((struct mail_config *)0)->ca_file},
};

int app_mail_get(struct app *a, struct mail_config *c, struct err *e)
{
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (store_setting_get(a->st, keys[i].key, (char *)c + keys[i].off, keys[i].size, e) < 0) {
            return -1;
        }
    }
    char lead[16] = "";
    if (store_setting_get(a->st, "mail.lead_days", lead, sizeof lead, e) < 0) {
        return -1;
    }
    c->lead_days = lead[0] ? atoi(lead) : LEAD_DEFAULT;
    if (!c->starttls[0]) {
        strlcpy_(c->starttls, "required", sizeof c->starttls);
    }
    c->configured = c->smtp[0] && c->from[0];
    return 0;
}

/* No CR, LF or other control characters, valid UTF-8, at most max bytes. */
static int plain_ok(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n > max || !utf8_valid(s, n)) {
        return 0;
    }
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f) {
            return 0;
        }
    }
    return 1;
}

/* An address we put in a header and an SMTP command: local@domain, no
 * spaces, CR, LF, <, >, commas, quotes or controls. */
static int address_ok(const char *s)
{
    const char *at = strchr(s, '@');
    if (!plain_ok(s, 254) || !at || at == s || !at[1] || strchr(at + 1, '@')) {
        return 0;
    }
    return strpbrk(s, " <>,;\"()[]\\") == NULL;
}

/* The largest CA file taken (a system bundle is a few hundred KiB). */
#define CA_FILE_MAX ((size_t)4 << 20)

/* --ca-file: a readable regular file of PEM certificates (all of them
 * parse, at least one); its absolute path into abs. */
static int ca_file_check(const char *path, char *abs, size_t size, struct err *e)
{
    if (!plain_ok(path, 1000)) {
        return err_set(e, ERR_INVALID, "ca-file",
                       "--ca-file: no line breaks or control characters, at most 1000 bytes");
    }
    char real[PATH_MAX];
    struct stat sb;
    if (!realpath(path, real) || stat(real, &sb)) {
        return err_set(e, ERR_INVALID, "ca-file", "--ca-file: cannot read '%.200s': %s", path,
                       strerror(errno));
    }
    if (!S_ISREG(sb.st_mode)) {
        return err_set(e, ERR_INVALID, "ca-file",
                       "--ca-file: '%.200s' is not a file (a PEM file of CA certificates)", path);
    }
    if (strlen(real) >= size || !plain_ok(real, 1000)) {
        return err_set(e, ERR_INVALID, "ca-file",
                       "--ca-file: the absolute path of '%.200s' is longer than 1000 bytes or "
                       "holds control characters",
                       path);
    }
    if ((size_t)sb.st_size > CA_FILE_MAX) {
        return err_set(e, ERR_INVALID, "ca-file",
                       "--ca-file: '%.200s' is larger than 4 MiB: not a file of CA certificates",
                       path);
    }
    FILE *f = fopen(real, "rb");
    if (!f) {
        return err_set(e, ERR_INVALID, "ca-file", "--ca-file: cannot read '%.200s': %s", path,
                       strerror(errno));
    }
    char *data = xmalloc((size_t)sb.st_size + 1);
    size_t n = fread(data, 1, (size_t)sb.st_size, f);
    int bad = ferror(f);
    fclose(f);
    data[n] = 0;
    if (bad) {
        free(data);
        return err_set(e, ERR_INVALID, "ca-file", "--ca-file: cannot read '%.200s'", path);
    }
    gnutls_x509_crt_t *crts = NULL;
    unsigned int ncrt = 0;
    gnutls_datum_t d = {(unsigned char *)data, (unsigned int)n};
    int rc = n ? gnutls_x509_crt_list_import2(&crts, &ncrt, &d, GNUTLS_X509_FMT_PEM, 0) : -1;
    for (unsigned int i = 0; rc >= 0 && i < ncrt; i++) {
        gnutls_x509_crt_deinit(crts[i]);
    }
    gnutls_free(crts);
    free(data);
    if (rc < 0 || ncrt == 0) {
        return err_set(e, ERR_INVALID, "ca-file",
                       "--ca-file: '%.200s' is not a PEM file of certificates (-----BEGIN "
                       "CERTIFICATE----- ...)%s%s",
                       path, rc < 0 && n ? ": " : "", rc < 0 && n ? gnutls_strerror(rc) : "");
    }
    strlcpy_(abs, real, size);
    return 0;
}

static int set_one(struct app *a, const char *key, const char *v, struct err *e)
{
    return store_setting_set(a->st, key, v && *v ? v : NULL, e);
}

int app_mail_set(struct app *a, const struct mail_set *s, struct err *e)
{
    if (s->smtp) {
        const char *h = !strncmp(s->smtp, "smtp://", 7) ? s->smtp + 7
                        : !strncmp(s->smtp, "smtps://", 8) ? s->smtp + 8 : NULL;
        if (!h || !*h || !plain_ok(s->smtp, 500) || strpbrk(h, " /?#@")) {
            return err_set(e, ERR_INVALID, "smtp",
                           "smtp: '%.80s' is not smtp://HOST[:PORT] or smtps://HOST[:PORT]",
                           plain_ok(s->smtp, 500) ? s->smtp : "(control characters)");
        }
    }
    if (s->from && !address_ok(s->from)) {
        return err_set(e, ERR_INVALID, "from", "from: not an e-mail address (local@domain, no "
                                               "spaces, angle brackets, commas or line breaks)");
    }
    if (s->user && !plain_ok(s->user, 250)) {
        return err_set(e, ERR_INVALID, "user", "user: no line breaks or control characters, at "
                                               "most 250 bytes");
    }
    if (s->password && !plain_ok(s->password, 250)) {
        return err_set(e, ERR_INVALID, "password",
                       "password: no line breaks or control characters, at most 250 bytes");
    }
    if (s->starttls && strcmp(s->starttls, "required") && strcmp(s->starttls, "optional") &&
        strcmp(s->starttls, "none")) {
        return err_set(e, ERR_INVALID, "starttls", "starttls: required, optional or none");
    }
    if (s->lead_days) {
        int64_t v;
        if (int_parse(s->lead_days, &v) || v < 0 || v > 365) {
            return err_set(e, ERR_INVALID, "lead-days", "lead-days: a whole number 0..365");
        }
    }
    if (s->base_url && *s->base_url &&
        ((strncmp(s->base_url, "http://", 7) && strncmp(s->base_url, "https://", 8)) ||
         !plain_ok(s->base_url, 250) || strpbrk(s->base_url, " \"'<>"))) {
        return err_set(e, ERR_INVALID, "base-url", "base-url: http(s)://HOST[:PORT][/PATH]");
    }
    char ca_abs[1024] = "";
    if (s->ca_file && *s->ca_file && ca_file_check(s->ca_file, ca_abs, sizeof ca_abs, e)) {
        return -1;
    }
    const char *ca_file = s->ca_file && *s->ca_file ? ca_abs : s->ca_file;
    char now[21];
    time_now(now);
    struct buf what;
    buf_init(&what, 4096);
    buf_puts(&what, "mail settings changed:");
    if (store_begin(a->st, e)) {
        buf_free(&what);
        return -1;
    }
    int rc = 0;
#define SET(field, key, label)                                                                     \
    if (!rc && s->field) {                                                                         \
        rc = set_one(a, key, s->field, e);                                                         \
        buf_puts(&what, " " label);                                                                \
    }
    SET(smtp, "mail.smtp", "smtp")
    SET(from, "mail.from", "from")
    SET(user, "mail.user", "user")
    SET(password, "mail.password", "password")
    SET(starttls, "mail.starttls", "starttls")
    SET(lead_days, "mail.lead_days", "lead-days")
    SET(base_url, "mail.base_url", "base-url")
    if (!rc && s->ca_file) {
        rc = set_one(a, "mail.ca_file", ca_file, e);
        buf_puts(&what, " ca-file");
    }
#undef SET
    if (rc || store_seclog_add(a->st, now, "mail-settings", NULL, a->actor, NULL,
                               buf_str(&what), e) ||
        store_commit(a->st, e)) {
        store_rollback(a->st);
        buf_free(&what);
        return -1;
    }
    buf_free(&what);
    return 0;
}

/* ---- the message ---------------------------------------------------------- */

static void b64_lines(struct buf *out, const char *data, size_t n)
{
    /* 57 bytes -> 76 characters a line */
    for (size_t off = 0; off < n; off += 57) {
        size_t k = n - off < 57 ? n - off : 57;
        char line[80];
        sodium_bin2base64(line, sizeof line, (const unsigned char *)data + off, k,
                          sodium_base64_VARIANT_ORIGINAL);
        buf_puts(out, line);
        buf_puts(out, "\r\n");
    }
}

/* An RFC 2047 encoded word of s with controls removed (a display name). */
static void encoded_word(struct buf *out, const char *s)
{
    struct buf clean;
    buf_init(&clean, 1024);
    for (const unsigned char *p = (const unsigned char *)s; *p && clean.len < 200; p++) {
        if (*p >= 0x20 && *p != 0x7f) {
            buf_putc(&clean, (char)*p);
        }
    }
    /* encoded words are at most 75 characters: split on UTF-8 boundaries */
    const char *p = clean.p ? clean.p : "";
    size_t n = clean.len, off = 0;
    int first = 1;
    while (off < n) {
        size_t k = n - off < 30 ? n - off : 30;
        while (off + k < n && ((unsigned char)p[off + k] & 0xc0) == 0x80) {
            k--;
        }
        char w[64];
        sodium_bin2base64(w, sizeof w, (const unsigned char *)p + off, k,
                          sodium_base64_VARIANT_ORIGINAL);
        buf_printf(out, "%s=?UTF-8?B?%s?=", first ? "" : "\r\n ", w);
        first = 0;
        off += k;
    }
    buf_free(&clean);
}

static void rfc5322_date(const char *now, char *out, size_t size)
{
    struct tm tm = {0};
    int y, mo, d, h, mi, s;
    if (sscanf(now, "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &s) != 6) {
        snprintf(out, size, "Thu, 01 Jan 1970 00:00:00 +0000");
        return;
    }
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    time_t t = timegm(&tm);
    gmtime_r(&t, &tm);
    static const char *const wd[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const mn[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    snprintf(out, size, "%s, %02d %s %04d %02d:%02d:%02d +0000", wd[tm.tm_wday], tm.tm_mday,
             mn[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

int mail_build(const struct mail_config *c, const char *name, const char *address,
               const struct task *const *items, int n, const char *today, struct buf *out,
               struct err *e)
{
    if (!address_ok(address)) {
        return err_set(e, ERR_INVALID, "email", "the address is not usable in a mail header");
    }
    if (!address_ok(c->from)) {
        return err_set(e, ERR_INVALID, "from", "the sender's address is not usable");
    }
    int over = 0;
    for (int i = 0; i < n; i++) {
        over += items[i]->state == TASK_OVERDUE;
    }
    char now[21], date[64], bnd[40], mid[128];
    unsigned char rnd[12];
    time_now(now);
    rfc5322_date(now, date, sizeof date);
    randombytes_buf(rnd, sizeof rnd);
    char hex[25];
    sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
    snprintf(bnd, sizeof bnd, "isms-%s", hex);
    const char *dom = strchr(c->from, '@') + 1;
    snprintf(mid, sizeof mid, "<%s.%.8s@%.50s>", hex, today, dom);

    /* the text part */
    struct buf t;
    buf_init(&t, (size_t)8 << 20);
    buf_printf(&t, "Hello %s,\n\nas of %s: %d overdue, %d due within %d days.\n\n",
               name, today, over, n - over, c->lead_days);
    for (int i = 0; i < n; i++) {
        const struct task *k = items[i];
        buf_printf(&t, "%s  %-7s  %s\n      %s %s", k->due, task_state_name(k->state), k->title,
                   k->what, k->subject);
        if (c->base_url[0] && k->link[0]) {
            buf_printf(&t, "  %s%s", c->base_url, k->link);
        }
        buf_puts(&t, "\n");
    }
    buf_puts(&t, "\nYou get this digest once a day while something is due; each task at most "
                 "once a day.\n");
    /* the HTML part: every record text escaped */
    struct buf h;
    buf_init(&h, (size_t)8 << 20);
    html_lit(&h, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>ISMS reminders"
                 "</title></head><body><p>Hello ");
    html_text(&h, name);
    html_lit(&h, ",</p><p>As of ");
    html_text(&h, today);
    html_lit(&h, ": ");
    html_int(&h, over);
    html_lit(&h, " overdue, ");
    html_int(&h, n - over);
    html_lit(&h, " due within ");
    html_int(&h, c->lead_days);
    html_lit(&h, " days.</p><table><thead><tr><th scope=\"col\">Due</th><th scope=\"col\">"
                 "State</th><th scope=\"col\">Task</th><th scope=\"col\">Record</th></tr>"
                 "</thead><tbody>");
    for (int i = 0; i < n; i++) {
        const struct task *k = items[i];
        html_lit(&h, "<tr><td>");
        html_text(&h, k->due);
        html_lit(&h, "</td><td>");
        html_text(&h, task_state_name(k->state));
        html_lit(&h, "</td><td>");
        html_text(&h, k->title);
        html_lit(&h, "</td><td>");
        if (c->base_url[0] && k->link[0]) {
            html_lit(&h, "<a href=\"");
            html_attr(&h, c->base_url);
            html_attr(&h, k->link);
            html_lit(&h, "\">");
            html_text(&h, k->subject);
            html_lit(&h, "</a>");
        } else {
            html_text(&h, k->subject);
        }
        html_lit(&h, "</td></tr>");
    }
    html_lit(&h, "</tbody></table></body></html>\n");

    buf_printf(out, "From: %s\r\nTo: ", c->from);
    encoded_word(out, name);
    buf_printf(out, " <%s>\r\nSubject: ISMS reminders: %d overdue, %d due soon\r\n", address,
               over, n - over);
    buf_printf(out, "Date: %s\r\nMessage-ID: %s\r\nMIME-Version: 1.0\r\n", date, mid);
    buf_printf(out, "Auto-Submitted: auto-generated\r\n");
    buf_printf(out, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n", bnd);
    buf_printf(out, "--%s\r\nContent-Type: text/plain; charset=utf-8\r\n"
                    "Content-Transfer-Encoding: base64\r\n\r\n", bnd);
    b64_lines(out, t.p ? t.p : "", t.len);
    buf_printf(out, "--%s\r\nContent-Type: text/html; charset=utf-8\r\n"
                    "Content-Transfer-Encoding: base64\r\n\r\n", bnd);
    b64_lines(out, h.p ? h.p : "", h.len);
    buf_printf(out, "--%s--\r\n", bnd);
    int big = t.over || h.over || out->over;
    buf_free(&t);
    buf_free(&h);
    return big ? err_set(e, ERR_TOOBIG, NULL, "the reminder is too large") : 0;
}

/* ---- sending (libcurl) ------------------------------------------------------ */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_setup(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

struct upload {
    const char *p;
    size_t n, off;
};

static size_t read_cb(char *dst, size_t size, size_t nmemb, void *ctx)
{
    struct upload *u = ctx;
    size_t k = size * nmemb;
    if (k > u->n - u->off) {
        k = u->n - u->off;
    }
    memcpy(dst, u->p + u->off, k);
    u->off += k;
    return k;
}

/* The server's last reply line (printable ASCII only), for the error: only
 * what comes in is kept, never what we send (the login). */
struct reply {
    char last[256];
};

static int debug_cb(CURL *h, curl_infotype type, char *data, size_t size, void *ctx)
{
    (void)h;
    struct reply *r = ctx;
    if (type != CURLINFO_HEADER_IN) {
        return 0;
    }
    size_t k = 0;
    for (size_t i = 0; i < size && k + 1 < sizeof r->last; i++) {
        unsigned char ch = (unsigned char)data[i];
        if (ch == '\r' || ch == '\n') {
            break;
        }
        r->last[k++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
    }
    if (k) {
        r->last[k] = 0;
    }
    return 0;
}

static int smtp_send(const struct mail_config *c, const char *to, const struct buf *msg,
                     struct err *e)
{
    pthread_once(&curl_once, curl_setup);
    CURL *h = curl_easy_init();
    if (!h) {
        return err_set(e, ERR_INTERNAL, NULL, "libcurl could not start");
    }
    struct upload u = {msg->p, msg->len, 0};
    struct curl_slist *rcpt = NULL;
    char addr[300];
    snprintf(addr, sizeof addr, "<%s>", to);
    rcpt = curl_slist_append(rcpt, addr);
    char from[300];
    snprintf(from, sizeof from, "<%s>", c->from);
    curl_easy_setopt(h, CURLOPT_URL, c->smtp);
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(h, CURLOPT_READDATA, &u);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg->len);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    long ssl = !strcmp(c->starttls, "none") ? CURLUSESSL_NONE
               : !strcmp(c->starttls, "optional") ? CURLUSESSL_TRY : CURLUSESSL_ALL;
    if (!strncmp(c->smtp, "smtps://", 8)) {
        ssl = CURLUSESSL_ALL;
    }
    curl_easy_setopt(h, CURLOPT_USE_SSL, ssl);
    /* verification is never switched off: a private CA is trusted with --ca-file */
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (c->ca_file[0]) {
        /* only the CAs of the file: not the system's directory besides */
        curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_file);
        curl_easy_setopt(h, CURLOPT_CAPATH, NULL);
    }
    struct reply said = {""};
    curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, debug_cb);
    curl_easy_setopt(h, CURLOPT_DEBUGDATA, &said);
    curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
    if (c->user[0]) {
        curl_easy_setopt(h, CURLOPT_USERNAME, c->user);
        curl_easy_setopt(h, CURLOPT_PASSWORD, c->password);
    }
    char ebuf[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);
    CURLcode rc = curl_easy_perform(h);
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(h);
    if (rc == CURLE_OK) {
        return 0;
    }
    /* libcurl's words name the server and the step, never the password */
    const char *why = ebuf[0] ? ebuf : curl_easy_strerror(rc);
    const char *what = "";
    int show = 1; /* the server's last line is about the failure */
    switch (rc) {
    case CURLE_LOGIN_DENIED:
        what = "the SMTP server refused the login (--user and the password): ";
        break;
    case CURLE_PEER_FAILED_VERIFICATION:
        what = "certificate verification failed (not trusted or not for this host; a "
               "private CA: --ca-file): ";
        show = 0;
        break;
    case CURLE_SSL_CACERT_BADFILE:
        what = "the CA file of --ca-file could not be used: ";
        show = 0;
        break;
    case CURLE_USE_SSL_FAILED:
        what = "the server does not offer STARTTLS and --starttls is required: nothing was "
               "sent in clear: ";
        show = 0;
        break;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
        show = 0;
        break;
    default:
        break;
    }
    show = show && said.last[0];
    return err_set(e, ERR_UNAVAILABLE, NULL, "sending to %s failed: %s%s%s%s%s", to, what, why,
                   show ? " (the server said: " : "", show ? said.last : "", show ? ")" : "");
}

/* ---- the digest -------------------------------------------------------------- */

static void task_key(const struct task *k, char *out, size_t size)
{
    snprintf(out, size, "%s/%s/%s", k->source, k->subject, k->what);
}

static int cmp_owner(const void *x, const void *y)
{
    const struct task *a = *(const struct task *const *)x, *b = *(const struct task *const *)y;
    int c = strcmp(a->owner, b->owner);
    if (c) {
        return c;
    }
    c = strcmp(a->due, b->due);
    return c ? c : strcmp(a->subject, b->subject);
}

static void say(remind_report_fn report, void *ctx, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void say(remind_report_fn report, void *ctx, const char *fmt, ...)
{
    if (!report) {
        return;
    }
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    report(ctx, line);
}

int app_remind(struct app *a, int dry_run, remind_report_fn report, void *ctx,
               struct remind_result *r, struct err *e)
{
    memset(r, 0, sizeof *r);
    struct mail_config c;
    if (app_mail_get(a, &c, e)) {
        return -1;
    }
    if (!c.configured) {
        return err_set(e, ERR_USAGE, NULL,
                       "mail is not set up: isms mail set --smtp smtp://HOST:PORT --from ADDRESS");
    }
    char today[11], now[21];
    date_today(today);
    time_now(now);
    /* lead 0: overdue only (app_tasks' own 0 means its default window) */
    struct task_query q = {.today = today, .lead_days = c.lead_days};
    struct tasks t;
    if (app_tasks(a, &q, &t, e)) {
        return -1;
    }
    const struct task **due = xcalloc((size_t)t.n + 1, sizeof *due);
    int nd = 0;
    for (int i = 0; i < t.n; i++) {
        const struct task *k = &t.v[i];
        int soon = k->state == TASK_SOON && (c.lead_days > 0);
        if (k->owner[0] && (k->state == TASK_OVERDUE || soon)) {
            due[nd++] = k;
        }
    }
    qsort(due, (size_t)nd, sizeof *due, cmp_owner);
    const struct rtype *pt = rtype_find("person");
    int rc = 0;
    char first_err[1200] = "";
    for (int i = 0; i < nd && !rc;) {
        int j = i;
        while (j < nd && !strcmp(due[j]->owner, due[i]->owner)) {
            j++;
        }
        const char *person = due[i]->owner;
        r->people++;
        /* what this person was not sent today */
        const struct task **items = xcalloc((size_t)(j - i) + 1, sizeof *items);
        int n = 0;
        for (int k = i; k < j; k++) {
            char key[160];
            task_key(due[k], key, sizeof key);
            int has = store_mail_sent_has(a->st, person, key, today, e);
            if (has < 0) {
                rc = -1;
                break;
            }
            if (!has) {
                items[n++] = due[k];
            }
        }
        struct record *p = NULL;
        struct err pe = {0};
        const char *email = NULL, *name = person, *status = NULL;
        if (!rc && n && store_get(a->st, principal_sys(), pt, person, &p, &pe) == 0) {
            email = record_get(p, "email");
            name = record_get(p, "name") ? record_get(p, "name") : person;
            status = record_get(p, FIELD_STATUS);
        }
        if (rc || !n) {
            /* nothing new today */
        } else if (status && !strcmp(status, "left")) {
            say(report, ctx, "%s has left: %d task%s not sent", person, n, n == 1 ? "" : "s");
        } else if (!email || !*email) {
            r->no_email++;
            say(report, ctx, "%s has no e-mail address: %d task%s not sent", person, n,
                n == 1 ? "" : "s");
        } else {
            struct buf msg;
            buf_init(&msg, (size_t)32 << 20);
            struct err me = {0};
            if (mail_build(&c, name, email, items, n, today, &msg, &me)) {
                r->failed++;
                say(report, ctx, "%s: %s", person, me.msg);
                if (!first_err[0]) {
                    snprintf(first_err, sizeof first_err, "%s: %s", person, me.msg);
                }
            } else if (dry_run) {
                r->sent++;
                r->items += n;
                say(report, ctx, "would send to %s <%s>: %d task%s", person, email, n,
                    n == 1 ? "" : "s");
            } else if (smtp_send(&c, email, &msg, &me)) {
                r->failed++;
                say(report, ctx, "%s: %s", person, me.msg);
                if (!first_err[0]) {
                    snprintf(first_err, sizeof first_err, "%s", me.msg);
                }
            } else {
                /* sent: mark each task for today, so it is not sent again */
                if (store_begin(a->st, e)) {
                    rc = -1;
                } else {
                    for (int k = 0; k < n && !rc; k++) {
                        char key[160];
                        task_key(items[k], key, sizeof key);
                        rc = store_mail_sent_add(a->st, person, key, today, now, e);
                    }
                    if (rc || store_commit(a->st, e)) {
                        store_rollback(a->st);
                        rc = -1;
                    }
                }
                r->sent++;
                r->items += n;
                say(report, ctx, "sent to %s <%s>: %d task%s", person, email, n,
                    n == 1 ? "" : "s");
            }
            buf_free(&msg);
        }
        record_free(p);
        free(items);
        i = j;
    }
    free(due);
    tasks_free(&t);
    if (!rc && r->failed) {
        rc = err_set(e, ERR_UNAVAILABLE, NULL, "%d of %d reminder%s could not be sent (%s)",
                     r->failed, r->failed + r->sent, r->failed + r->sent == 1 ? "" : "s",
                     first_err);
    }
    return rc;
}

int app_remind_daily(const char *path, struct err *e)
{
    struct app a;
    if (app_open(&a, path, "server:reminders", e)) {
        return -1;
    }
    struct mail_config c;
    char today[11], last[16] = "";
    date_today(today);
    int rc = app_mail_get(&a, &c, e);
    if (!rc && c.configured &&
        store_setting_get(a.st, "mail.last_run", last, sizeof last, e) >= 0 &&
        strcmp(last, today)) {
        /* the day is marked first: a failure is not retried every minute
         * (the sent log keeps what did go out; `isms remind` retries) */
        if (store_begin(a.st, e) || store_setting_set(a.st, "mail.last_run", today, e) ||
            store_commit(a.st, e)) {
            store_rollback(a.st);
            rc = -1;
        } else {
            struct remind_result r;
            rc = app_remind(&a, 0, NULL, NULL, &r, e);
        }
    }
    app_close(&a);
    return rc;
}
