/* server.c — the HTTP server on GNU libmicrohttpd: a pool of worker
 * threads (one per CPU by default), each with its own SQLite connection per
 * organization; bounded request bodies (413, nothing stored); security
 * headers on every response; an access log with no secrets (no query
 * strings, cookies or headers); graceful shutdown on SIGTERM/SIGINT. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <malloc.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../lib/text.h"
#include "../lib/util.h"
#include "client_addr.h"
#include "router.h"
#include "routes.h"

#define MAX_ORGS 256

static struct org orgs[MAX_ORGS];
static int norgs;
static int quiet;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

/* This thread's open ISMS files, by organization index; every one opened
 * is also on a list so shutdown can close them after the workers end. */
static __thread struct app *thread_apps[MAX_ORGS];
static struct app **all_apps;
static size_t nall_apps;
static pthread_mutex_t apps_lock = PTHREAD_MUTEX_INITIALIZER;

static struct app *org_app(int i, struct err *e)
{
    if (!thread_apps[i]) {
        struct app *a = xcalloc(1, sizeof *a);
        if (app_open(a, orgs[i].path, "web", e)) {
            free(a);
            return NULL;
        }
        thread_apps[i] = a;
        pthread_mutex_lock(&apps_lock);
        all_apps = xrealloc(all_apps, (nall_apps + 1) * sizeof *all_apps);
        all_apps[nall_apps++] = a;
        pthread_mutex_unlock(&apps_lock);
    }
    return thread_apps[i];
}

static void close_all_apps(void)
{
    pthread_mutex_lock(&apps_lock);
    for (size_t i = 0; i < nall_apps; i++) {
        app_close(all_apps[i]);
        free(all_apps[i]);
    }
    free(all_apps);
    all_apps = NULL;
    nall_apps = 0;
    pthread_mutex_unlock(&apps_lock);
}

struct conn {
    struct buf body;
    int too_big;
    struct timespec start;
};

static const char *hdr(struct req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

static const char *cookie(struct req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

/* libmicrohttpd would percent-decode the path and the query itself; we take
 * both raw (this callback changes nothing) so that decoding happens exactly
 * once, in one place that refuses %00 and malformed escapes (router.c for
 * path segments, kv.c for query values). */
static size_t no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    return strlen(s);
}

struct query_ctx {
    struct buf raw; /* "k=v&k=v" rebuilt from the raw arguments */
    int n;
};

static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    (void)kind;
    struct query_ctx *q = cls;
    if (++q->n > REQ_MAX_FIELDS) {
        return MHD_NO;
    }
    buf_printf(&q->raw, "%s%s=%s", q->raw.len ? "&" : "", key, value ? value : "");
    return MHD_YES;
}

static void add_security_headers(struct MHD_Response *res, const struct resp *w, int authed)
{
    MHD_add_response_header(res, "Content-Security-Policy",
                            "default-src 'none'; style-src 'self'; script-src 'self'; "
                            "img-src 'self' data:; connect-src 'self'; form-action 'self'; "
                            "frame-ancestors 'none'; base-uri 'none'");
    MHD_add_response_header(res, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(res, "Referrer-Policy", "same-origin");
    MHD_add_response_header(res, "X-Frame-Options", "DENY");
    MHD_add_response_header(res, "Cross-Origin-Opener-Policy", "same-origin");
    MHD_add_response_header(res, "Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    if (!w->cache || authed) {
        MHD_add_response_header(res, "Cache-Control", "no-store");
    } else {
        MHD_add_response_header(res, "Cache-Control", "public, max-age=3600");
    }
}

static void access_log(struct req *r, int status, size_t bytes, const struct conn *c)
{
    if (quiet) {
        return;
    }
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double ms = (double)(now.tv_sec - c->start.tv_sec) * 1e3 +
                (double)(now.tv_nsec - c->start.tv_nsec) / 1e6;
    char at[21];
    time_now(at);
    /* the path only: a query string can carry search terms and the log is
     * not the place for them; never headers or cookies */
    char path[256];
    snprintf(path, sizeof path, "%.255s", r->full_path);
    for (char *p = path; *p; p++) {
        if (*p == '?' || (unsigned char)*p < 0x20 || *p == 0x7f) {
            *p = 0;
            break;
        }
    }
    pthread_mutex_lock(&log_lock);
    fprintf(stderr, "%s %s %s %s %d %zu %.1fms %s\n", at, r->addr, r->method, path, status, bytes,
            ms, r->authed ? r->who.name : "-");
    pthread_mutex_unlock(&log_lock);
}

static enum MHD_Result send_resp(struct MHD_Connection *conn, struct req *r, struct resp *w,
                            struct conn *c)
{
    /* the body is handed over, not copied: libmicrohttpd frees it */
    size_t bytes = w->body.len;
    struct MHD_Response *res =
        bytes ? MHD_create_response_from_buffer_with_free_callback(bytes, w->body.p, free)
              : MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    if (!res) {
        return MHD_NO;
    }
    if (bytes) {
        w->body.p = NULL; /* now the response's */
        w->body.len = w->body.cap = 0;
    }
    MHD_add_response_header(res, "Content-Type", w->ctype ? w->ctype : "text/plain");
    if (w->location[0]) {
        MHD_add_response_header(res, "Location", w->location);
    }
    if (w->allow[0]) {
        MHD_add_response_header(res, "Allow", w->allow);
    }
    if (w->retry_after[0]) {
        MHD_add_response_header(res, "Retry-After", w->retry_after);
    }
    for (int i = 0; i < w->ncookies; i++) {
        MHD_add_response_header(res, "Set-Cookie", w->set_cookie[i]);
    }
    add_security_headers(res, w, r->authed);
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)w->status, res);
    MHD_destroy_response(res);
    access_log(r, w->status, bytes, c);
    return ret;
}

/* Finds the organization of a path: "/o/slug/..." under --dir. */
static int find_org(const char *url, const char **rest)
{
    if (norgs == 1 && orgs[0].slug[0] == 0) {
        *rest = url;
        return 0;
    }
    if (strncmp(url, "/o/", 3) != 0) {
        return -1;
    }
    const char *s = url + 3;
    const char *end = strchr(s, '/');
    size_t n = end ? (size_t)(end - s) : strlen(s);
    for (int i = 0; i < norgs; i++) {
        if (strlen(orgs[i].slug) == n && strncmp(orgs[i].slug, s, n) == 0) {
            *rest = end ? end : "/";
            return i;
        }
    }
    return -1;
}

static void handle(struct MHD_Connection *conn, const char *url, const char *method,
                   struct conn *c, struct resp *w, struct req *r)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET) {
            inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, r->addr,
                      sizeof r->addr);
        } else if (sa->sa_family == AF_INET6) {
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, r->addr,
                      sizeof r->addr);
        }
    }
    client_addr_from_conn(conn, r->addr, sizeof r->addr); /* behind a trusted proxy */
    r->conn = conn;
    r->method = method;
    r->full_path = url;
    r->header = hdr;
    r->cookie = cookie;
    struct err e = {0};
    const char *rest = url;
    int oi = find_org(url, &rest);
    if (strcmp(url, "/healthz") == 0 && oi < 0) {
        resp_json(w, 200, "{\"status\":\"ok\"}");
        return;
    }
    if (oi < 0) {
        r->is_api = strncmp(url, "/api/", 5) == 0;
        err_set(&e, ERR_NOTFOUND, NULL, "no such organization");
        resp_error(r, w, &e);
        return;
    }
    r->org = &orgs[oi];
    r->path = rest;
    r->is_api = strncmp(rest, "/api/", 5) == 0;
    if (!utf8_valid(url, strlen(url)) || strlen(url) > 1024) {
        err_set(&e, ERR_USAGE, NULL, "malformed path");
        resp_error(r, w, &e);
        return;
    }
    if (c->too_big) {
        err_set(&e, ERR_TOOBIG, NULL, "the request body is larger than %u bytes; nothing was "
                "stored", REQ_MAX_BODY);
        resp_error(r, w, &e);
        return;
    }
    struct query_ctx q = {{0}, 0};
    buf_init(&q.raw, 64 * 1024);
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_query, &q);
    int bad_query = q.n > REQ_MAX_FIELDS || q.raw.over ||
                    kv_parse_urlencoded(&r->query, q.raw.p, q.raw.len);
    buf_free(&q.raw);
    if (bad_query) {
        err_set(&e, ERR_USAGE, NULL, "the query string is malformed or too long");
        resp_error(r, w, &e);
        return;
    }
    r->content_type = hdr(r, "Content-Type");
    if (req_decode_body(r, c->body.p, c->body.len, &e)) {
        resp_error(r, w, &e);
        return;
    }
    r->app = org_app(oi, &e);
    if (!r->app) {
        resp_error(r, w, &e);
        return;
    }
    router_dispatch(r, w);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **con_cls)
{
    (void)cls;
    (void)version;
    struct conn *c = *con_cls;
    if (!c) {
        c = xcalloc(1, sizeof *c);
        buf_init(&c->body, REQ_MAX_BODY);
        clock_gettime(CLOCK_MONOTONIC, &c->start);
        *con_cls = c;
        return MHD_YES;
    }
    if (*upload_size) {
        if (!c->too_big) {
            buf_append(&c->body, upload_data, *upload_size);
            if (c->body.over) {
                c->too_big = 1;
                buf_free(&c->body); /* keep nothing of an oversized body */
                buf_init(&c->body, 1);
            }
        }
        *upload_size = 0;
        return MHD_YES;
    }
    struct req r;
    struct resp w;
    memset(&r, 0, sizeof r);
    memset(&w, 0, sizeof w);
    w.status = 200;
    buf_init(&w.body, 64u << 20);
    handle(conn, url, method, c, &w, &r);
    enum MHD_Result ret = send_resp(conn, &r, &w, c);
    buf_free(&w.body);
    kv_free(&r.form);
    kv_free(&r.query);
    json_decref(r.json);
    record_free(r.rec);
    strmap_free(&r.titles);
    return ret;
}

static void on_done(void *cls, struct MHD_Connection *conn, void **con_cls,
                    enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    (void)toe;
    struct conn *c = *con_cls;
    if (c) {
        buf_free(&c->body);
        free(c);
        *con_cls = NULL;
    }
}

static int add_org(const char *slug, const char *path, int loopback, struct err *e)
{
    if (norgs == MAX_ORGS) {
        return err_set(e, ERR_USAGE, NULL, "more than %d organizations in one directory", MAX_ORGS);
    }
    struct org *o = &orgs[norgs];
    strlcpy_(o->slug, slug, sizeof o->slug);
    snprintf(o->prefix, sizeof o->prefix, "%s%s", slug[0] ? "/o/" : "", slug);
    strlcpy_(o->path, path, sizeof o->path);
    /* __Host- cookies need Secure; browsers allow Secure cookies over plain
     * HTTP on loopback only, so elsewhere (no TLS yet) a plain name is used */
    snprintf(o->cookie, sizeof o->cookie, "%sisms%s%s", loopback ? "__Host-" : "",
             slug[0] ? "-" : "", slug);
    snprintf(o->pre_cookie, sizeof o->pre_cookie, "isms_pre%s%s", slug[0] ? "-" : "", slug);
    /* open once now: migrate, and refuse to start on a file we cannot use */
    struct app a;
    if (app_open(&a, path, "serve", e)) {
        return -1;
    }
    app_close(&a);
    norgs++;
    return 0;
}

static int valid_slug(const char *s, size_t n)
{
    if (n == 0 || n > 60) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-')) {
            return 0;
        }
    }
    return 1;
}

int http_serve(const struct serve_opts *o, struct err *e)
{
    char host[128] = "127.0.0.1";
    int port = 8027;
    if (o->listen) {
        const char *colon = strrchr(o->listen, ':');
        if (!colon || colon == o->listen || (size_t)(colon - o->listen) >= sizeof host) {
            return err_set(e, ERR_USAGE, "listen", "listen: give ADDRESS:PORT, e.g. 127.0.0.1:8027");
        }
        memcpy(host, o->listen, (size_t)(colon - o->listen));
        host[colon - o->listen] = 0;
        int64_t p;
        if (int_parse(colon + 1, &p) || p < 1 || p > 65535) {
            return err_set(e, ERR_USAGE, "listen", "listen: the port must be 1-65535");
        }
        port = (int)p;
    }
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        return err_set(e, ERR_USAGE, "listen", "listen: '%s' is not an IPv4 address", host);
    }
    int loopback = (ntohl(sa.sin_addr.s_addr) >> 24) == 127;
    quiet = o->quiet;
    norgs = 0;
    if (o->dir) {
        DIR *d = opendir(o->dir);
        if (!d) {
            return err_set(e, ERR_NOTFOUND, NULL, "%s: cannot open the directory", o->dir);
        }
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            size_t n = strlen(de->d_name);
            if (n <= 5 || strcmp(de->d_name + n - 5, ".isms") != 0) {
                continue;
            }
            char slug[64];
            if (!valid_slug(de->d_name, n - 5)) {
                fprintf(stderr, "isms: skipping %s: name it with a-z, 0-9 and '-' only\n",
                        de->d_name);
                continue;
            }
            memcpy(slug, de->d_name, n - 5);
            slug[n - 5] = 0;
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", o->dir, de->d_name);
            if (add_org(slug, path, loopback, e)) {
                closedir(d);
                return -1;
            }
        }
        closedir(d);
        if (!norgs) {
            return err_set(e, ERR_NOTFOUND, NULL, "%s holds no *.isms files", o->dir);
        }
    } else if (add_org("", o->file, loopback, e)) {
        return -1;
    }

    int threads = o->threads > 0 ? o->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (threads < 1) {
        threads = 1;
    }
    /* Pages are built in buffers of tens of kilobytes and freed right after
     * sending: keep freed memory for the next request instead of returning
     * it to the kernel each time (glibc trims a worker's heap after every
     * large free otherwise), and bound the arenas to the workers. */
    mallopt(M_TRIM_THRESHOLD, 16 << 20);
    mallopt(M_MMAP_THRESHOLD, 4 << 20);
    mallopt(M_ARENA_MAX, threads + 1);
    /* Signals go to this thread only: block them before the workers start. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL_LINUX_ONLY | MHD_USE_ITC |
            MHD_USE_ERROR_LOG, 0, NULL,
        NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads, MHD_OPTION_NOTIFY_COMPLETED, on_done,
        NULL, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30, MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
        MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, NULL, MHD_OPTION_END);
    if (!d) {
        return err_set(e, ERR_STORAGE, "listen", "cannot listen on %s:%d: %s", host, port,
                       strerror(errno));
    }
    fprintf(stderr, "isms: serving %d organization%s on http://%s:%d/ with %d threads\n", norgs,
            norgs == 1 ? "" : "s", host, port, threads);
    for (int i = 0; i < norgs && orgs[i].slug[0]; i++) {
        fprintf(stderr, "isms:   http://%s:%d%s/  %s\n", host, port, orgs[i].prefix, orgs[i].path);
    }
    if (!loopback) {
        fprintf(stderr, "isms: warning: serving without TLS on a non-loopback address; put a "
                        "TLS-terminating proxy in front\n");
    }
    int sig = 0;
    sigwait(&set, &sig);
    fprintf(stderr, "isms: %s received; finishing requests in flight\n",
            sig == SIGTERM ? "SIGTERM" : "SIGINT");
    /* stop listening at once: new connections are refused, not left hanging */
    MHD_socket ls = MHD_quiesce_daemon(d);
    if (ls != MHD_INVALID_SOCKET) {
        close(ls);
    }
    for (int i = 0; i < 100; i++) {
        const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
        if (!info || info->num_connections == 0) {
            break;
        }
        usleep(100000);
    }
    MHD_stop_daemon(d);
    close_all_apps();
    fprintf(stderr, "isms: stopped\n");
    return 0;
}
