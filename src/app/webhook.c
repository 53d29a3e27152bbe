/* webhook.c — outgoing webhooks: every record change (a history entry of a
 * record type) is queued for each webhook that wants its type by a trigger
 * on history (0022_outbound.sql), in the same transaction as the change, so
 * a write never waits for a target and a rolled-back change sends nothing.
 * The server's timer thread (src/http/timer.c) and `isms webhook deliver`
 * POST what is due, each attempt bounded by libcurl timeouts and outside any
 * transaction, retrying with exponential back-off (retry, 2x, 4x, ... up to
 * six hours; failed after 8 attempts), and log every attempt.
 *
 * The body is JSON (the JSON writer): {"event":"record.ACTION","delivery":N,
 * "type","ref","actor","time","seq","change":{"action","before","after"}}.
 * It is signed: X-Isms-Signature: sha256=HEX, the HMAC-SHA256 of the exact
 * body bytes under the webhook's secret (libsodium crypto_auth_hmacsha256).
 * Delivery is at least once: X-Isms-Delivery carries the delivery id.
 *
 * Targets: http(s) only; the address connected to (checked by libcurl's
 * pre-request callback, after DNS, so a name that resolves to loopback is
 * caught too) must be allowed by the webhook.allow setting: public
 * addresses by default, private ranges with "private", loopback with
 * "loopback"; link-local (cloud metadata) and unspecified never. */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../lib/buf.h"
#include "../lib/json.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "app_int.h"
#include "outbound.h"

#define MAX_ATTEMPTS 8
#define BACKOFF_CAP (6 * 3600)

enum allow { ALLOW_PUBLIC, ALLOW_PRIVATE, ALLOW_LOOPBACK };

static int setting_int(struct app *a, const char *key, int def, struct err *e)
{
    char v[32] = "";
    if (store_setting_get(a->st, key, v, sizeof v, e) < 0) {
        return -1;
    }
    return v[0] ? atoi(v) : def;
}

static enum allow allow_of(struct app *a)
{
    char v[32] = "";
    struct err e = {0};
    store_setting_get(a->st, "webhook.allow", v, sizeof v, &e);
    return !strcmp(v, "loopback") ? ALLOW_LOOPBACK : !strcmp(v, "private") ? ALLOW_PRIVATE
                                                                           : ALLOW_PUBLIC;
}

/* 0 when an address may be connected to under allow, else why not. */
static const char *address_refused(const char *ip, enum allow allow)
{
    unsigned char b[16];
    if (inet_pton(AF_INET, ip, b) == 1) {
        if (b[0] == 127) {
            return allow >= ALLOW_LOOPBACK ? NULL : "loopback";
        }
        if (b[0] == 0 || (b[0] == 169 && b[1] == 254) || b[0] >= 224) {
            return "link-local, unspecified or multicast";
        }
        if (b[0] == 10 || (b[0] == 172 && (b[1] & 0xf0) == 16) || (b[0] == 192 && b[1] == 168) ||
            (b[0] == 100 && (b[1] & 0xc0) == 64)) {
            return allow >= ALLOW_PRIVATE ? NULL : "private";
        }
        return NULL;
    }
    if (inet_pton(AF_INET6, ip, b) == 1) {
        static const unsigned char lo[16] = {[15] = 1}, any[16] = {0};
        if (!memcmp(b, lo, 16)) {
            return allow >= ALLOW_LOOPBACK ? NULL : "loopback";
        }
        if (!memcmp(b, any, 16) || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) || b[0] == 0xff) {
            return "link-local, unspecified or multicast";
        }
        if ((b[0] & 0xfe) == 0xfc) {
            return allow >= ALLOW_PRIVATE ? NULL : "private";
        }
        static const unsigned char v4[12] = {[10] = 0xff, [11] = 0xff};
        if (!memcmp(b, v4, 12)) {
            char s4[INET_ADDRSTRLEN];
            inet_ntop(AF_INET, b + 12, s4, sizeof s4);
            return address_refused(s4, allow);
        }
        return NULL;
    }
    return "not an address";
}

/* The host of an http(s) URL (brackets removed), or 0. */
static int url_host(const char *url, char *host, size_t size)
{
    const char *p = !strncmp(url, "http://", 7) ? url + 7 : !strncmp(url, "https://", 8) ? url + 8
                                                                                        : NULL;
    if (!p || !*p) {
        return 0;
    }
    size_t n;
    if (*p == '[') {
        const char *q = strchr(p, ']');
        if (!q) {
            return 0;
        }
        p++;
        n = (size_t)(q - p);
    } else {
        n = strcspn(p, ":/?#");
    }
    if (!n || n >= size) {
        return 0;
    }
    memcpy(host, p, n);
    host[n] = 0;
    return 1;
}

static int plain(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (!n || n > max || !utf8_valid(s, n)) {
        return 0;
    }
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p <= 0x20 || *p == 0x7f) {
            return 0;
        }
    }
    return 1;
}

int app_webhook_add(struct app *a, const char *url, const char *secret, const char *types,
                    long *id, struct err *e)
{
    char host[256];
    if (!url || !plain(url, 500) || !url_host(url, host, sizeof host) || strchr(url, '@')) {
        return err_set(e, ERR_INVALID, "url",
                       "url: http(s)://HOST[:PORT][/PATH], no spaces, no user:password@");
    }
    if (!secret || strlen(secret) < 16 || strlen(secret) > 256 || !utf8_valid(secret, strlen(secret))) {
        return err_set(e, ERR_INVALID, "secret", "secret: 16 to 256 bytes (read from stdin)");
    }
    if (strpbrk(secret, "\r\n")) {
        return err_set(e, ERR_INVALID, "secret", "secret: one line");
    }
    if (types && *types) {
        char tmp[1024];
        if (strlen(types) >= sizeof tmp) {
            return err_set(e, ERR_INVALID, "types", "types: too long");
        }
        strlcpy_(tmp, types, sizeof tmp);
        for (char *save = NULL, *t = strtok_r(tmp, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            if (!rtype_find(t)) {
                return err_set(e, ERR_INVALID, "types", "types: '%.40s' is not a record type "
                                                        "(isms types)", t);
            }
        }
    }
    enum allow allow = allow_of(a);
    const char *why = NULL;
    if (!strcmp(host, "localhost") || !strncmp(host, "localhost.", 10)) {
        why = allow >= ALLOW_LOOPBACK ? NULL : "loopback";
    } else {
        unsigned char b[16];
        if (inet_pton(AF_INET, host, b) == 1 || inet_pton(AF_INET6, host, b) == 1) {
            why = address_refused(host, allow);
        }
    }
    if (why) {
        return err_set(e, ERR_INVALID, "url",
                       "url: %s is a %s address; webhooks reach public addresses unless "
                       "`isms webhook set --allow private|loopback` allows more",
                       host, why);
    }
    char now[21];
    time_now(now);
    if (store_begin(a->st, e)) {
        return -1;
    }
    char detail[600];
    snprintf(detail, sizeof detail, "webhook to %.500s", url);
    if (store_webhook_add(a->st, url, secret, types, now, a->actor, id, e) ||
        store_seclog_add(a->st, now, "webhook-add", NULL, a->actor, NULL, detail, e) ||
        store_commit(a->st, e)) {
        store_rollback(a->st);
        return -1;
    }
    return 0;
}

int app_webhook_remove(struct app *a, long id, struct err *e)
{
    char now[21];
    time_now(now);
    if (store_begin(a->st, e)) {
        return -1;
    }
    int rc = store_webhook_remove(a->st, id, e);
    if (rc == 0) {
        store_rollback(a->st);
        return err_set(e, ERR_NOTFOUND, NULL, "no webhook %ld (isms webhook list)", id);
    }
    char detail[64];
    snprintf(detail, sizeof detail, "webhook %ld removed", id);
    if (rc < 0 || store_seclog_add(a->st, now, "webhook-remove", NULL, a->actor, NULL, detail, e) ||
        store_commit(a->st, e)) {
        store_rollback(a->st);
        return -1;
    }
    return 0;
}

int app_webhook_set(struct app *a, const char *allow, const char *timeout, const char *retry,
                    struct err *e)
{
    int64_t v;
    if (allow && strcmp(allow, "public") && strcmp(allow, "private") && strcmp(allow, "loopback")) {
        return err_set(e, ERR_INVALID, "allow", "allow: public, private or loopback");
    }
    if (timeout && (int_parse(timeout, &v) || v < 1 || v > 60)) {
        return err_set(e, ERR_INVALID, "timeout", "timeout: seconds, 1..60");
    }
    if (retry && (int_parse(retry, &v) || v < 1 || v > 3600)) {
        return err_set(e, ERR_INVALID, "retry", "retry: seconds, 1..3600");
    }
    if (store_begin(a->st, e)) {
        return -1;
    }
    if ((allow && store_setting_set(a->st, "webhook.allow", allow, e)) ||
        (timeout && store_setting_set(a->st, "webhook.timeout", timeout, e)) ||
        (retry && store_setting_set(a->st, "webhook.retry", retry, e)) || store_commit(a->st, e)) {
        store_rollback(a->st);
        return -1;
    }
    return 0;
}

/* ---- the body and its signature ---------------------------------------------- */

static void jansson_jw(struct jw *w, json_t *v)
{
    if (json_is_object(v)) {
        jw_obj(w);
        const char *k;
        json_t *x;
        json_object_foreach(v, k, x)
        {
            jw_key(w, k);
            jansson_jw(w, x);
        }
        jw_obj_end(w);
    } else if (json_is_array(v)) {
        jw_arr(w);
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x)
        {
            jansson_jw(w, x);
        }
        jw_arr_end(w);
    } else if (json_is_string(v)) {
        jw_str(w, json_string_value(v));
    } else if (json_is_integer(v)) {
        jw_int(w, json_integer_value(v));
    } else if (json_is_real(v)) {
        jw_num(w, json_real_value(v));
    } else if (json_is_boolean(v)) {
        jw_bool(w, json_is_true(v));
    } else {
        jw_null(w);
    }
}

/* A history state (JSON text the file stores) as a value, or its text. */
static void state(struct jw *w, const char *text)
{
    if (!text) {
        jw_null(w);
        return;
    }
    json_t *v = json_loads(text, JSON_DECODE_ANY, NULL);
    if (v) {
        jansson_jw(w, v);
        json_decref(v);
    } else {
        jw_str(w, text);
    }
}

void webhook_body(struct buf *out, const struct delivery_row *d)
{
    struct jw w;
    jw_init(&w, out, 0);
    char ev[96];
    snprintf(ev, sizeof ev, "record.%s", d->action);
    jw_obj(&w);
    jw_key_name(&w, "event");
    jw_str(&w, ev);
    jw_key_name(&w, "delivery");
    jw_int(&w, d->id);
    jw_key_name(&w, "type");
    jw_str(&w, d->type);
    jw_key_name(&w, "ref");
    jw_str(&w, d->ref);
    jw_key_name(&w, "actor");
    jw_str(&w, d->actor);
    jw_key_name(&w, "time");
    jw_str(&w, d->at);
    jw_key_name(&w, "seq");
    jw_int(&w, d->seq);
    jw_key_name(&w, "change");
    jw_obj(&w);
    jw_key_name(&w, "action");
    jw_str(&w, d->action);
    jw_key_name(&w, "before");
    state(&w, d->before);
    jw_key_name(&w, "after");
    state(&w, d->after);
    jw_obj_end(&w);
    jw_obj_end(&w);
}

void webhook_signature(const char *secret, const char *body, size_t n, char out[72])
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, n);
    crypto_auth_hmacsha256_final(&st, mac);
    memcpy(out, "sha256=", 7);
    sodium_bin2hex(out + 7, 65, mac, sizeof mac);
}

/* ---- delivery -------------------------------------------------------------------- */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_setup(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

struct prereq {
    enum allow allow;
    char why[160];
};

static int prereq_cb(void *ctx, char *ip, char *local, int port, int lport)
{
    (void)local;
    (void)port;
    (void)lport;
    struct prereq *p = ctx;
    const char *why = address_refused(ip, p->allow);
    if (why) {
        snprintf(p->why, sizeof p->why, "refused: %.60s is a %s address (webhook set --allow)",
                 ip, why);
        return CURL_PREREQFUNC_ABORT;
    }
    return CURL_PREREQFUNC_OK;
}

static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
    (void)p;
    (void)ctx;
    return size * n; /* the answer's body is not kept */
}

struct deliver {
    struct app *a;
    enum allow allow;
    int timeout, retry;
    remind_report_fn report;
    void *ctx;
    struct webhook_result *r;
};

static int deliver_one(void *ctx, const struct delivery_row *d)
{
    struct deliver *x = ctx;
    struct buf body;
    buf_init(&body, (size_t)16 << 20);
    webhook_body(&body, d);
    char sig[72], hsig[100], hdel[64], hev[128];
    webhook_signature(d->secret, body.p, body.len, sig);
    snprintf(hsig, sizeof hsig, "X-Isms-Signature: %s", sig);
    snprintf(hdel, sizeof hdel, "X-Isms-Delivery: %ld", d->id);
    snprintf(hev, sizeof hev, "X-Isms-Event: record.%.80s", d->action);
    pthread_once(&curl_once, curl_setup);
    CURL *h = curl_easy_init();
    struct curl_slist *hd = NULL;
    hd = curl_slist_append(hd, "Content-Type: application/json");
    hd = curl_slist_append(hd, hsig);
    hd = curl_slist_append(hd, hdel);
    hd = curl_slist_append(hd, hev);
    hd = curl_slist_append(hd, "Expect:");
    struct prereq pr = {.allow = x->allow};
    char ebuf[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(h, CURLOPT_URL, d->url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.p);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body.len);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "isms-webhook/1");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)x->timeout);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)x->timeout);
    curl_easy_setopt(h, CURLOPT_PREREQFUNCTION, prereq_cb);
    curl_easy_setopt(h, CURLOPT_PREREQDATA, &pr);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CURLcode rc = curl_easy_perform(h);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(hd);
    curl_easy_cleanup(h);
    buf_free(&body);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;

    char result[300];
    int ok = 0;
    if (rc == CURLE_OK && status >= 200 && status < 300) {
        ok = 1;
        snprintf(result, sizeof result, "delivered (HTTP %ld)", status);
    } else if (rc == CURLE_OK) {
        snprintf(result, sizeof result, "HTTP %ld", status);
    } else if (rc == CURLE_OPERATION_TIMEDOUT) {
        snprintf(result, sizeof result, "timeout after %d s", x->timeout);
    } else if (pr.why[0]) {
        snprintf(result, sizeof result, "%s", pr.why);
    } else {
        snprintf(result, sizeof result, "%.250s", ebuf[0] ? ebuf : curl_easy_strerror(rc));
    }
    int attempt = d->attempts + 1;
    const char *st = ok ? "delivered" : attempt >= MAX_ATTEMPTS ? "failed" : "pending";
    long long wait = x->retry;
    for (int i = 1; i < attempt && wait < BACKOFF_CAP; i++) {
        wait *= 2;
    }
    if (wait > BACKOFF_CAP) {
        wait = BACKOFF_CAP;
    }
    long long next = ok ? 0 : (long long)time(NULL) + wait;
    char now[21];
    time_now(now);
    struct err e = {0};
    if (store_begin(x->a->st, &e) ||
        store_webhook_result(x->a->st, d->id, d->hook, d->url, now, attempt, (int)status, result,
                             ms, st, next, &e) ||
        store_commit(x->a->st, &e)) {
        store_rollback(x->a->st);
    }
    x->r->attempted++;
    if (ok) {
        x->r->delivered++;
    } else {
        x->r->failed++;
    }
    if (x->report) {
        char line[600];
        snprintf(line, sizeof line, "delivery %ld (%s %s %s) to %.200s: %s%s", d->id, d->type,
                 d->ref, d->action, d->url, result,
                 ok ? "" : !strcmp(st, "failed") ? "; given up" : "; will retry");
        x->report(x->ctx, line);
    }
    return 0;
}

int app_webhook_deliver(struct app *a, remind_report_fn report, void *ctx,
                        struct webhook_result *r, struct err *e)
{
    memset(r, 0, sizeof *r);
    struct deliver x = {.a = a, .report = report, .ctx = ctx, .r = r, .allow = allow_of(a)};
    x.timeout = setting_int(a, "webhook.timeout", 10, e);
    x.retry = setting_int(a, "webhook.retry", 30, e);
    if (x.timeout < 0 || x.retry < 0) {
        return -1;
    }
    return store_webhook_due(a->st, (long long)time(NULL), 100, deliver_one, &x, e);
}

int app_webhook_deliver_file(const char *path, struct err *e)
{
    struct app a;
    if (app_open(&a, path, "server:webhooks", e)) {
        return -1;
    }
    int rc = store_webhook_any(a.st, e);
    if (rc > 0) {
        struct webhook_result r;
        rc = app_webhook_deliver(&a, NULL, NULL, &r, e);
    }
    app_close(&a);
    return rc < 0 ? -1 : 0;
}

int app_webhook_list(struct app *a, store_webhook_fn fn, void *ctx, struct err *e)
{
    return store_webhooks(a->st, 0, fn, ctx, e);
}

int app_webhook_log(struct app *a, int limit, store_wlog_fn fn, void *ctx, struct err *e)
{
    return store_webhook_log(a->st, limit, fn, ctx, e);
}
