/* fuzz_router.c — whole requests through router_dispatch, assembled the way
 * server.c's handle() does it (without libmicrohttpd): against a demo ISMS
 * made once in $TMPDIR, copied afresh every REOPEN_EVERY inputs.
 *
 * Input: byte 0 is a flag byte, then an HTTP/1.1-like request:
 *   "METHOD /path?query\n" "Name: value\n"... "\n" body
 * Lines may end in "\r\n". Cookies come from "Cookie:" headers; the body is
 * parsed as server.c does by its Content-Type (a form or JSON). Flag bits
 * 0-2 pick a demo account (1-6 in the order of data/demo.json: manager,
 * top-management, owner, auditor, staff, admin; 0 and 7 nobody); bit 3
 * says how it signs in: 0 an API token (Authorization: Bearer), 1 a
 * session cookie; bit 4 adds the session's X-CSRF-Token. So '@' is
 * anonymous, 'F' admin by token, 'N' admin by session, 'V' admin by
 * session with the CSRF token, 'E' and 'U' the same for staff. */
#include <errno.h>
#include <liboath/oath.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../../src/http/router.h"
#include "../../src/lib/hash.h"
#include "../../src/lib/text.h"
#include "../../src/lib/util.h"
#include "fuzz.h"

#define REOPEN_EVERY 1000
#define MAX_HEADERS 32
#define MAX_COOKIES 16
#define MAX_LOGINS 8
#define QUERY_MAX (64 * 1024) /* server.c's bound on the rebuilt query string */

struct pair {
    const char *name;
    const char *value;
};

/* One demo account: its API token (in the template, valid in every copy)
 * and a session made on first use in the current copy. */
struct login {
    struct demo_login demo;
    char *token;
    char bearer[160];
    char sid[72];
    char csrf[72];
    int have_session;
};

/* The request being run, for the header and cookie callbacks. */
struct input {
    char *mem;
    const char *method, *path, *query;
    struct pair hdr[MAX_HEADERS];
    int nhdr;
    struct pair cookies[MAX_COOKIES];
    int ncookies;
    const char *body;
    size_t body_len;
    struct login *who;
    int session, csrf;
};

static char dir[512], template_path[640], work_path[640];
static struct app app;
static int app_is_open;
static struct org org;
static struct login logins[MAX_LOGINS];
static int nlogins;
static long runs;

static void die(const char *what, const struct err *e)
{
    fprintf(stderr, "fuzz_router: %s: %s\n", what, e ? e->msg : strerror(errno));
    exit(1);
}

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb");
    FILE *out = in ? fopen(to, "wb") : NULL;
    if (!in || !out) {
        die(out ? from : to, NULL);
    }
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, in)) > 0) {
        if (fwrite(chunk, 1, n, out) != n) {
            die(to, NULL);
        }
    }
    fclose(in);
    if (fclose(out)) {
        die(to, NULL);
    }
}

static void remove_isms(const char *path)
{
    char side[700];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

/* Replaces the working copy with a fresh copy of the template, so that
 * what earlier inputs wrote does not pile up. */
static void reopen_work(void)
{
    struct err e = {0};
    if (app_is_open) {
        app_close(&app);
        app_is_open = 0;
    }
    remove_isms(work_path);
    copy_file(template_path, work_path);
    if (app_open(&app, work_path, "web", &e)) {
        die("cannot open the working copy", &e);
    }
    app_is_open = 1;
    for (int i = 0; i < nlogins; i++) {
        logins[i].have_session = 0;
    }
}

static void cleanup(void)
{
    if (app_is_open) {
        app_close(&app);
        app_is_open = 0;
    }
    for (int i = 0; i < nlogins; i++) {
        free(logins[i].token);
        logins[i].token = NULL;
    }
    remove_isms(work_path);
    remove_isms(template_path);
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (hash_init() || oath_init() != OATH_OK) {
        die("cannot initialise the crypto libraries", NULL);
    }
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/isms-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        die(dir, NULL);
    }
    snprintf(template_path, sizeof template_path, "%s/template.isms", dir);
    snprintf(work_path, sizeof work_path, "%s/work.isms", dir);
    atexit(cleanup);

    struct app a;
    struct err e = {0};
    struct demo_login demo[MAX_LOGINS];
    if (app_create_demo(&a, template_path, "fuzz", demo, MAX_LOGINS, &nlogins, &e)) {
        die("cannot create the demo ISMS", &e);
    }
    for (int i = 0; i < nlogins; i++) {
        long id;
        logins[i].demo = demo[i];
        if (app_token_add(&a, demo[i].name, "fuzz", &logins[i].token, &id, &e)) {
            die("cannot add an API token", &e);
        }
        snprintf(logins[i].bearer, sizeof logins[i].bearer, "Bearer %s", logins[i].token);
    }
    app_close(&a);

    /* single-file mode on loopback, as `isms serve FILE` runs */
    strlcpy_(org.path, work_path, sizeof org.path);
    strlcpy_(org.cookie, "__Host-isms", sizeof org.cookie);
    strlcpy_(org.pre_cookie, "isms_pre", sizeof org.pre_cookie);
    reopen_work();
    return 0;
}

/* Signs l in on the working copy unless its session is still live there
 * (an input may have signed it out). */
static void ensure_session(struct login *l)
{
    struct session_auth p;
    struct err e = {0};
    if (l->have_session && app_session(&app, l->sid, &p, &e) == 1) {
        return;
    }
    int totp_due = 0;
    l->have_session = 0;
    if (app_login(&app, l->demo.name, l->demo.password, "127.0.0.1", l->sid, &totp_due, &e) ||
        app_session(&app, l->sid, &p, &e) != 1) {
        die("cannot sign a demo account in", &e);
    }
    strlcpy_(l->csrf, p.csrf, sizeof l->csrf);
    l->have_session = 1;
}

static const char *header(struct req *r, const char *name)
{
    struct input *in = r->conn;
    if (in->who && !in->session && strcasecmp(name, "Authorization") == 0) {
        return in->who->bearer;
    }
    if (in->who && in->session && in->csrf && strcasecmp(name, "X-CSRF-Token") == 0) {
        return in->who->csrf;
    }
    for (int i = 0; i < in->nhdr; i++) {
        if (strcasecmp(in->hdr[i].name, name) == 0) {
            return in->hdr[i].value;
        }
    }
    return NULL;
}

static const char *cookie(struct req *r, const char *name)
{
    struct input *in = r->conn;
    if (in->who && in->session && strcmp(name, org.cookie) == 0) {
        return in->who->sid;
    }
    for (int i = 0; i < in->ncookies; i++) {
        if (strcmp(in->cookies[i].name, name) == 0) {
            return in->cookies[i].value;
        }
    }
    return NULL;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') {
        s++;
    }
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) {
        s[--n] = 0;
    }
    return s;
}

/* "a=1; b=2" into the cookie list, as libmicrohttpd splits a Cookie header. */
static void split_cookies(struct input *in, char *s)
{
    char *save = NULL;
    for (char *c = strtok_r(s, ";", &save); c; c = strtok_r(NULL, ";", &save)) {
        char *eq = strchr(c, '=');
        if (!eq || in->ncookies == MAX_COOKIES) {
            continue;
        }
        *eq = 0;
        in->cookies[in->ncookies].name = trim(c);
        in->cookies[in->ncookies].value = trim(eq + 1);
        in->ncookies++;
    }
}

/* Splits the input (after the flag byte) into request line, headers and
 * body; in->mem holds the text the pointers point into. */
static void split_input(struct input *in, const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const char *end = NULL;
    size_t head = size;
    for (size_t i = 0; i + 1 < size; i++) {
        if (text[i] == '\n' &&
            (text[i + 1] == '\n' || (text[i + 1] == '\r' && i + 2 < size && text[i + 2] == '\n'))) {
            head = i + 1;
            end = text + i + (text[i + 1] == '\n' ? 2 : 3);
            break;
        }
    }
    in->body = end;
    in->body_len = end ? size - (size_t)(end - text) : 0;
    in->mem = fuzz_str(data, head);
    char *save = NULL;
    int first = 1;
    for (char *line = strtok_r(in->mem, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        size_t n = strlen(line);
        if (n && line[n - 1] == '\r') {
            line[n - 1] = 0;
        }
        if (first) {
            first = 0;
            char *sp = strchr(line, ' ');
            in->method = line;
            in->path = "";
            if (sp) {
                *sp = 0;
                char *target = sp + 1;
                char *version = strchr(target, ' ');
                if (version) {
                    *version = 0;
                }
                char *q = strchr(target, '?');
                if (q) {
                    *q = 0;
                    in->query = q + 1;
                }
                in->path = target;
            }
            continue;
        }
        char *colon = strchr(line, ':');
        if (!colon || in->nhdr == MAX_HEADERS) {
            continue;
        }
        *colon = 0;
        in->hdr[in->nhdr].name = trim(line);
        in->hdr[in->nhdr].value = trim(colon + 1);
        if (strcasecmp(in->hdr[in->nhdr].name, "Cookie") == 0) {
            /* the header keeps its raw value; the list gets a split copy */
            char *copy = xstrdup(in->hdr[in->nhdr].value);
            in->hdr[in->nhdr].value = copy;
            split_cookies(in, copy);
        }
        in->nhdr++;
    }
    if (!in->method) {
        in->method = "";
        in->path = "";
    }
}

static void free_input(struct input *in)
{
    for (int i = 0; i < in->nhdr; i++) {
        if (strcasecmp(in->hdr[i].name, "Cookie") == 0) {
            free((char *)in->hdr[i].value);
        }
    }
    free(in->mem);
}

/* The query string as server.c gives it to kv_parse_urlencoded: rebuilt
 * from libmicrohttpd's arguments ("k=v", "k" becomes "k="), bounded. */
static int query_ok(struct req *r, const char *query)
{
    if (!query) {
        return 1;
    }
    struct buf raw;
    buf_init(&raw, QUERY_MAX);
    int n = 0;
    const char *p = query;
    while (*p) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        if (len) {
            n++;
            buf_printf(&raw, "%s%.*s%s", raw.len ? "&" : "", (int)len, p,
                       memchr(p, '=', len) ? "" : "=");
        }
        p += len + (amp != NULL);
    }
    int ok =
        n <= REQ_MAX_FIELDS && !raw.over && kv_parse_urlencoded(&r->query, raw.p, raw.len) == 0;
    buf_free(&raw);
    return ok;
}

/* server.c's handle() from the point where the organization is known. */
static void handle(struct input *in, struct req *r, struct resp *w)
{
    struct err e = {0};
    strlcpy_(r->addr, "127.0.0.1", sizeof r->addr);
    r->conn = in;
    r->method = in->method;
    r->full_path = in->path;
    r->header = header;
    r->cookie = cookie;
    r->org = &org;
    r->path = in->path;
    r->is_api = strncmp(in->path, "/api/", 5) == 0;
    if (!utf8_valid(in->path, strlen(in->path)) || strlen(in->path) > 1024) {
        err_set(&e, ERR_USAGE, NULL, "malformed path");
        resp_error(r, w, &e);
        return;
    }
    if (!query_ok(r, in->query)) {
        err_set(&e, ERR_USAGE, NULL, "the query string is malformed or too long");
        resp_error(r, w, &e);
        return;
    }
    r->content_type = header(r, "Content-Type");
    if (req_decode_body(r, in->body, in->body_len, &e)) {
        resp_error(r, w, &e);
        return;
    }
    r->app = &app;
    router_dispatch(r, w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    if (++runs % REOPEN_EVERY == 0) {
        reopen_work();
    }
    struct input in;
    memset(&in, 0, sizeof in);
    int who = data[0] & 7;
    in.who = who >= 1 && who <= nlogins ? &logins[who - 1] : NULL;
    in.session = (data[0] >> 3) & 1;
    in.csrf = (data[0] >> 4) & 1;
    if (in.who && in.session) {
        ensure_session(in.who);
    }
    split_input(&in, data + 1, size - 1);

    struct req r;
    struct resp w;
    memset(&r, 0, sizeof r);
    memset(&w, 0, sizeof w);
    w.status = 200;
    buf_init(&w.body, 64u << 20);
    handle(&in, &r, &w);
    if (w.status < 200 || w.status > 599) {
        fuzz_fail("router: status %d", w.status);
    }
    if (getenv("FUZZ_VERBOSE")) {
        fprintf(stderr, "%s %s -> %d %s%s%.*s\n", in.method, in.path, w.status,
                w.location[0] ? "Location: " : "", w.location,
                (int)(w.body.len > 400 ? 400 : w.body.len), w.body.len ? w.body.p : "");
    }
    buf_free(&w.body);
    kv_free(&r.form);
    kv_free(&r.query);
    json_decref(r.json);
    record_free(r.rec);
    strmap_free(&r.titles);
    free_input(&in);
    return 0;
}
