/* server.c — the HTTP server on GNU libmicrohttpd: a pool of worker
 * threads (one per CPU by default), each with its own SQLite connection per
 * organization; strict parsing (malformed requests 400 before they run);
 * what one client may hold (connections per address, absolute deadlines
 * for headers, bodies and answers, a memory budget for request bodies);
 * bounded request bodies (413 at the headers, nothing stored); the ISMS
 * file checked to be the one opened (503 when removed or replaced);
 * security headers on every response; an escaped access log with no
 * secrets (no query strings, cookies or headers); graceful shutdown on
 * SIGTERM/SIGINT. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <malloc.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../lib/text.h"
#include "../lib/util.h"
#include "client_addr.h"
#include "dir_pages.h"
#include "privdrop.h"
#include "pagecache.h"
#include "router.h"
#include "timer.h" /* outbound */
#include "routes.h"
#include "tls.h"
#include "group.h"
#include "upload.h"

#define MAX_ORGS 256

static struct org orgs[MAX_ORGS];
static int norgs; /* published with a release store: a new file is added while serving */
static int quiet;
static int single_commits; /* --group-commit off */
static int tls_on; /* server: --tls-cert given: HTTPS, HSTS, __Host- cookies */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

/* This thread's open ISMS files, by organization index; every one opened
 * is also on a list so shutdown can close them after the workers end. */
static __thread struct app *thread_apps[MAX_ORGS];
static struct app **all_apps;
static size_t nall_apps;
static pthread_mutex_t apps_lock = PTHREAD_MUTEX_INITIALIZER;

/* A connection of its own to organization i's file, checked to be the file
 * the workers serve (one replaced before it was opened is not). */
static struct app *open_org(int i, struct err *e)
{
    struct app *a = xcalloc(1, sizeof *a);
    if (app_open(a, orgs[i].path, "web", e)) {
        free(a);
        return NULL;
    }
    if (store_file_ok(a->st, &orgs[i].file_id, e)) {
        app_close(a);
        free(a);
        return NULL;
    }
    return a;
}

static struct app *org_app(int i, struct err *e)
{
    if (!thread_apps[i]) {
        struct app *a = open_org(i, e);
        if (!a) {
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

/* ---- limits ---------------------------------------------------------------
 * What one client may hold of the server: connections from one address
 * (libmicrohttpd counts them), absolute deadlines for a request's headers and
 * its body (the reaper below enforces them: libmicrohttpd's own timeout is
 * per inactivity, which a client dripping a byte every few seconds never
 * trips), and a budget of request-body bytes held in memory across all
 * connections (a body is refused with 503 when it would not fit). */

#define BODY_MIN_RATE (16u << 10) /* bytes/s a body or a response must at least move at */
#define BODY_MMAP_MIN (64u << 10) /* bodies from this size live in their own mapping */
/* A body at most this much over its limit is read and dropped (never kept)
 * before the 413, so that a browser, which sends the whole form before it
 * reads an answer, shows the message instead of a reset connection. One
 * announced larger (or sent with Expect: 100-continue) gets its 413 at once. */
#define BODY_DRAIN_MAX (8u << 20)

static struct {
    unsigned per_address;  /* connections from one address; 0: no limit */
    unsigned header_secs;  /* from accept (or the previous answer) to complete headers */
    unsigned body_secs;    /* body: this plus its size at BODY_MIN_RATE */
    size_t body_budget;    /* request-body bytes in memory, all connections together */
} lim;

static pthread_mutex_t budget_lock = PTHREAD_MUTEX_INITIALIZER;
static size_t budget_used;

/* Large bodies may fill three quarters of the budget only: the last quarter
 * stays for the small forms and JSON bodies of everyday work, so clients
 * holding large bodies cannot stop every write. */
static int budget_take(size_t n)
{
    size_t cap = n >= BODY_MMAP_MIN ? lim.body_budget / 4 * 3 : lim.body_budget;
    pthread_mutex_lock(&budget_lock);
    int ok = budget_used <= cap && n <= cap - budget_used;
    if (ok) {
        budget_used += n;
    }
    pthread_mutex_unlock(&budget_lock);
    return ok;
}

static void budget_give(size_t n)
{
    pthread_mutex_lock(&budget_lock);
    budget_used -= n;
    pthread_mutex_unlock(&budget_lock);
}

static double mono_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* One TCP connection (libmicrohttpd's socket context), on the reaper's list
 * from accept to close. deadline 0: none (a request is being answered). */
struct tconn {
    struct tconn *prev, *next;
    int fd;
    int shut;
    double deadline;
};

static pthread_mutex_t tc_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t tc_cond = PTHREAD_COND_INITIALIZER;
static struct tconn tc_list = {&tc_list, &tc_list, -1, 0, 0};
static int reaper_stop;
static unsigned long reaped;

static void tconn_deadline(struct MHD_Connection *conn, double secs)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    struct tconn *t = ci ? ci->socket_context : NULL;
    if (t) {
        pthread_mutex_lock(&tc_lock);
        t->deadline = secs > 0 ? mono_now() + secs : 0;
        pthread_mutex_unlock(&tc_lock);
    }
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    (void)cls;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        struct tconn *t = xcalloc(1, sizeof *t);
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        t->fd = ci ? ci->connect_fd : -1;
        /* server: TLS — the handshake's records leave at once: with Nagle
         * on, GnuTLS's second small write waits for the client's delayed
         * ACK (40 ms per handshake, measured by bench/tls) */
        if (tls_on && t->fd >= 0) {
            int one = 1;
            setsockopt(t->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        }
        t->deadline = mono_now() + lim.header_secs;
        pthread_mutex_lock(&tc_lock);
        t->next = &tc_list;
        t->prev = tc_list.prev;
        tc_list.prev->next = t;
        tc_list.prev = t;
        pthread_mutex_unlock(&tc_lock);
        *socket_context = t;
    } else if (*socket_context) {
        /* called before libmicrohttpd closes the descriptor: once off the
         * list, the reaper can no longer touch a number the kernel reuses */
        struct tconn *t = *socket_context;
        pthread_mutex_lock(&tc_lock);
        t->prev->next = t->next;
        t->next->prev = t->prev;
        pthread_mutex_unlock(&tc_lock);
        free(t);
        *socket_context = NULL;
    }
}

/* Shuts down every connection past its deadline, a few times a second; the
 * worker that owns it then sees the end of the stream and closes it. */
static void *reaper(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&tc_lock);
    while (!reaper_stop) {
        double now = mono_now();
        for (struct tconn *t = tc_list.next; t != &tc_list; t = t->next) {
            if (!t->shut && t->deadline > 0 && now > t->deadline && t->fd >= 0) {
                shutdown(t->fd, SHUT_RDWR);
                t->shut = 1;
                reaped++;
            }
        }
        struct timespec wake;
        clock_gettime(CLOCK_REALTIME, &wake);
        wake.tv_nsec += 250 * 1000000L;
        if (wake.tv_nsec >= 1000000000L) {
            wake.tv_sec++;
            wake.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&tc_cond, &tc_lock, &wake);
    }
    pthread_mutex_unlock(&tc_lock);
    return NULL;
}

/* libmicrohttpd's own messages (a refused connection, a malformed request)
 * at most 20 a second: an attack must not fill the disk with them. */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    static long window;
    static unsigned in_window, dropped;
    long now = (long)mono_now();
    pthread_mutex_lock(&log_lock);
    if (now != window) {
        if (dropped) {
            fprintf(stderr, "isms: %u more libmicrohttpd messages in one second not shown\n",
                    dropped);
        }
        window = now;
        in_window = dropped = 0;
    }
    if (++in_window <= 20) {
        vfprintf(stderr, fmt, ap);
    } else {
        dropped++;
    }
    pthread_mutex_unlock(&log_lock);
}

/* ---- one request ------------------------------------------------------------ */

/* A request body held in memory: exactly the announced length (or the
 * route's limit when chunked) reserved from the budget; large ones in their
 * own mapping, so their pages go back to the system when the request ends
 * instead of fragmenting the heap. */
struct body {
    char *p;
    size_t len, cap;
    int mapped;
};

struct conn {
    struct timespec start;
    size_t uri_len;    /* of the raw request target, before any parsing */
    int started;       /* the first call (headers complete) has been seen */
    int too_big;       /* over the limit: the rest is read and dropped, then 413 */
    size_t seen;       /* body bytes received */
    size_t limit;      /* the route's body limit */
    size_t reserved;   /* bytes of the body budget held */
    struct body body;
    struct upload *up; /* R_UPLOAD routes: the body goes to a spool (upload.c) */
    /* the request and its answer, kept while it waits for its group's
     * commit or for the writer (group.c) */
    struct req r;
    struct resp w;
    int have_req;
    struct gwait gw;
    void *kept_ref; /* a kept answer being sent (pagecache.c): released when done */
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

/* Called with the request target before libmicrohttpd splits it: the
 * request's state starts here (its length shows a NUL inside it later). */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    (void)cls;
    (void)conn;
    struct conn *c = xcalloc(1, sizeof *c);
    clock_gettime(CLOCK_MONOTONIC, &c->start);
    c->uri_len = strlen(uri);
    return c;
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

/* ---- strict parsing -------------------------------------------------------
 * libmicrohttpd 0.9.75 accepts bare LF line ends, NUL bytes in header values
 * (cutting them short), whitespace before a header's colon, and leaves
 * duplicate Host/Content-Length headers and Content-Length beside
 * Transfer-Encoding to the application. A proxy in front that reads such a
 * request differently could smuggle a second request past it; every one of
 * them is refused with 400 before the request runs.
 *
 * Line ends and NULs are checked on the header block as libmicrohttpd left
 * it: it parses in place, turning each CR LF into two NUL bytes and a bare
 * LF into one, so after a well-formed line comes exactly "\0\0" and then the
 * next line (or the block's end). libmicrohttpd 1.0 refuses bare LF itself
 * at a strict client discipline level and is used that way; the versions
 * between changed the parser and are not supported. */
#if MHD_VERSION < 0x00097700
#define MHD_INPLACE_HEADERS 1
#elif MHD_VERSION >= 0x01000000
#define MHD_INPLACE_HEADERS 0
#else
#error "strict parsing (server.c) supports libmicrohttpd 0.9.75/0.9.76 and 1.0 or later"
#endif

static int is_tchar(unsigned char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

static int is_token(const char *s)
{
    if (!*s) {
        return 0;
    }
    for (; *s; s++) {
        if (!is_tchar((unsigned char)*s)) {
            return 0;
        }
    }
    return 1;
}

struct hdr_walk {
    const char *p;    /* where the next line must start */
    const char *end;  /* the end of the header block */
    const char *bad;  /* the first problem found */
    int host, clen, te;
    const char *te_value;
};

/* 1 if a line ended with CR LF at at, and the next starts right after. */
static int crlf_at(struct hdr_walk *h, const char *at)
{
    return at + 2 <= h->end && at[0] == 0 && at[1] == 0;
}

static enum MHD_Result walk_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    (void)kind;
    struct hdr_walk *h = cls;
    size_t klen = strlen(key);
    if (!is_token(key)) {
        h->bad = "a header name holds a character it may not (space before the colon?)";
        return MHD_NO;
    }
#if MHD_INPLACE_HEADERS
    if (key != h->p) {
        h->bad = "a line does not end with CR LF (bare LF, a NUL byte or a folded header)";
        return MHD_NO;
    }
    for (const char *q = key + klen + 1; q < value; q++) {
        if (*q != ' ' && *q != '\t') {
            h->bad = "a header is malformed";
            return MHD_NO;
        }
    }
#endif
    const char *v = value ? value : "";
    for (const char *q = v; *q; q++) {
        unsigned char ch = (unsigned char)*q;
        if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
            h->bad = "a header value holds a control character (CR, NUL ...)";
            return MHD_NO;
        }
    }
#if MHD_INPLACE_HEADERS
    const char *vend = v + strlen(v);
    if (!crlf_at(h, vend)) {
        h->bad = "a line does not end with CR LF (bare LF, or a NUL byte in a header)";
        return MHD_NO;
    }
    h->p = vend + 2;
#endif
    if (strcasecmp(key, "Host") == 0) {
        h->host++;
    } else if (strcasecmp(key, "Content-Length") == 0) {
        h->clen++;
    } else if (strcasecmp(key, "Transfer-Encoding") == 0) {
        h->te++;
        h->te_value = v;
    }
    return MHD_YES;
}

/* NULL if the request's head is well-formed; else what is wrong, and *status
 * the answer (400, or 501 for a transfer coding we do not implement). */
static const char *malformed(struct MHD_Connection *conn, struct conn *c, const char *url,
                             const char *method, const char *version, int *status)
{
    *status = 400;
    if (!is_token(method)) {
        return "the request method is malformed";
    }
    struct hdr_walk h;
    memset(&h, 0, sizeof h);
#if MHD_INPLACE_HEADERS
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
    if (!ci) {
        return "the request is malformed";
    }
    h.end = method + ci->header_size;
    /* the request line: METHOD SP target SP version CR LF, no NUL inside */
    size_t vlen = strlen(version);
    if (url != method + strlen(method) + 1 || version != url + c->uri_len + 1 ||
        version + vlen > h.end || !crlf_at(&h, version + vlen)) {
        return "the request line is malformed (one space apart, CR LF at its end, no NUL)";
    }
    h.p = version + vlen + 2;
#else
    (void)c;
    (void)url;
    (void)version;
#endif
    MHD_get_connection_values(conn, MHD_HEADER_KIND, walk_header, &h);
    if (h.bad) {
        return h.bad;
    }
#if MHD_INPLACE_HEADERS
    if (h.p + 2 != h.end || !crlf_at(&h, h.p)) {
        return "the header block does not end with CR LF CR LF";
    }
#endif
    if (h.host > 1) {
        return "more than one Host header";
    }
    if (h.host == 0 && strcmp(version, MHD_HTTP_VERSION_1_0) != 0) {
        return "an HTTP/1.1 request needs a Host header";
    }
    if (h.clen > 1) {
        return "more than one Content-Length header";
    }
    if (h.te && h.clen) {
        return "Content-Length and Transfer-Encoding together";
    }
    if (h.te > 1 || (h.te && strcasecmp(h.te_value, "chunked") != 0)) {
        *status = 501;
        return "Transfer-Encoding: only chunked is implemented";
    }
    return NULL;
}

/* ---- responses and the access log ------------------------------------------ */

static void add_security_headers(struct MHD_Response *res, const struct resp *w, int authed)
{
    MHD_add_response_header(res, "Content-Security-Policy",
                            w->csp ? w->csp :
                            "default-src 'none'; style-src 'self'; script-src 'self'; "
                            "img-src 'self' data:; connect-src 'self'; form-action 'self'; "
                            "frame-ancestors 'none'; base-uri 'none'");
    MHD_add_response_header(res, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(res, "Referrer-Policy", "same-origin");
    MHD_add_response_header(res, "X-Frame-Options", "DENY");
    MHD_add_response_header(res, "Cross-Origin-Opener-Policy", "same-origin");
    MHD_add_response_header(res, "Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    /* server: TLS — browsers never come back over plain HTTP (two years) */
    if (tls_on) {
        MHD_add_response_header(res, "Strict-Transport-Security", "max-age=63072000");
    }
    if (!w->cache || authed) {
        MHD_add_response_header(res, "Cache-Control", "no-store");
    } else {
        MHD_add_response_header(res, "Cache-Control", "public, max-age=3600");
    }
}

/* Copies s (at most max bytes of it, up to stop if given) into out for the
 * log: printable ASCII as is, every other byte (controls, DEL, spaces,
 * backslash, non-ASCII) as \xHH, so no field can forge a line or a column,
 * or send escape sequences to a terminal. "-" when empty. */
static void log_field(char *out, size_t size, const char *s, size_t max, char stop)
{
    size_t k = 0;
    for (size_t i = 0; s && s[i] && i < max && s[i] != stop && k + 5 < size; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch > 0x20 && ch < 0x7f && ch != '\\') {
            out[k++] = (char)ch;
        } else {
            k += (size_t)snprintf(out + k, size - k, "\\x%02x", ch);
        }
    }
    if (!k) {
        out[k++] = '-';
    }
    out[k] = 0;
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
    char addr[4 * 64 + 1], method[4 * 32 + 1], path[4 * 256 + 1], who[4 * 64 + 1];
    log_field(addr, sizeof addr, r->addr, 64, 0);
    log_field(method, sizeof method, r->method, 32, 0);
    log_field(path, sizeof path, r->full_path, 256, '?');
    /* suppliers: a questionnaire link's token is a credential: not logged */
    char *q = strstr(path, "/q/");
    if (q && r->route && strncmp(r->route->pattern, "/q/", 3) == 0) {
        strcpy(q + 3, "(token)");
    }
    /* outbound: a calendar feed's secret is a credential: not logged */
    char *cal = strstr(path, "/cal/");
    if (cal && r->route && strncmp(r->route->pattern, "/cal/", 5) == 0) {
        strcpy(cal + 5, "(secret)");
    }
    log_field(who, sizeof who, r->authed ? r->auth.name : NULL, 64, 0);
    /* one write(2) of the whole line and no lock: a line (under 2 KiB, well
     * within PIPE_BUF) is never interleaved with another, on a pipe or a
     * file, and workers do not queue behind each other to log */
    char line[sizeof at + sizeof addr + sizeof method + sizeof path + sizeof who + 64];
    int n = snprintf(line, sizeof line, "%s %s %s %s %d %zu %.1fms %s\n", at, addr, method, path,
                     status, bytes, ms, who);
    if (n > 0 && (size_t)n < sizeof line) {
        ssize_t wr = write(STDERR_FILENO, line, (size_t)n);
        (void)wr; /* a log that cannot be written loses a line, never the answer */
    }
}

static void response_free(void *res)
{
    MHD_destroy_response(res);
}

/* A kept answer (pagecache.c): its body is shared, and the response built
 * for it the first time -- the same headers for every hit, since only
 * plain pages are kept -- is queued again as it is. The request holds the
 * body until it is done (on_done), libmicrohttpd the response. */
static enum MHD_Result send_kept(struct MHD_Connection *conn, struct req *r, struct resp *w,
                                 struct conn *c)
{
    void *ref = w->kept_ref;
    struct MHD_Response *res = pagecache_response(ref);
    if (!res) {
        res = MHD_create_response_from_buffer(w->kept_len, (void *)w->kept,
                                              MHD_RESPMEM_PERSISTENT);
        if (!res) {
            pagecache_release(ref);
            w->kept = NULL;
            w->kept_ref = NULL;
            return MHD_NO;
        }
        MHD_add_response_header(res, "Content-Type", w->ctype);
        add_security_headers(res, w, r->authed);
        pagecache_keep_response(ref, res, response_free);
    }
    c->kept_ref = ref;
    w->kept = NULL;
    w->kept_ref = NULL;
    tconn_deadline(conn, lim.body_secs + (double)w->kept_len / BODY_MIN_RATE);
    enum MHD_Result ret = MHD_queue_response(conn, 200, res);
    access_log(r, 200, w->kept_len, c);
    return ret;
}

static enum MHD_Result send_resp(struct MHD_Connection *conn, struct req *r, struct resp *w,
                                 struct conn *c)
{
    if (w->kept) {
        return send_kept(conn, r, w, c);
    }
    /* the body is handed over, not copied: libmicrohttpd frees it */
    size_t bytes = w->stream ? (size_t)w->stream_size : w->body.len;
    int body_disposition = !w->stream && w->disposition[0]; /* reports: a generated download */
    struct MHD_Response *res =
        w->stream ? upload_response(w) /* a download, streamed */
        : w->body_fd_size > 0 ? NULL   /* bundle: below */
        : bytes ? MHD_create_response_from_buffer_with_free_callback(bytes, w->body.p, free)
              : MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    if (!w->stream && w->body_fd_size > 0) {
        /* bundle: a file as the body; libmicrohttpd closes it */
        bytes = (size_t)w->body_fd_size;
        res = MHD_create_response_from_fd64((uint64_t)w->body_fd_size, w->body_fd);
        if (!res) {
            close(w->body_fd);
        }
        w->body_fd_size = 0;
    }
    if (!res) {
        return MHD_NO;
    }
    if (w->body.len) {
        w->body.p = NULL; /* now the response's */
        w->body.len = w->body.cap = 0;
    }
    MHD_add_response_header(res, "Content-Type", w->ctype ? w->ctype : "text/plain");
    if (body_disposition) {
        MHD_add_response_header(res, "Content-Disposition", w->disposition);
    }
    if (w->location[0]) {
        MHD_add_response_header(res, "Location", w->location);
    }
    if (w->allow[0]) {
        MHD_add_response_header(res, "Allow", w->allow);
    }
    if (w->retry_after > 0) {
        char ra[16];
        snprintf(ra, sizeof ra, "%d", w->retry_after);
        MHD_add_response_header(res, "Retry-After", ra);
    }
    if (w->close) {
        MHD_add_response_header(res, "Connection", "close");
    }
    for (int i = 0; i < w->ncookies; i++) {
        MHD_add_response_header(res, "Set-Cookie", w->set_cookie[i]);
    }
    add_security_headers(res, w, r->authed);
    /* the answer must leave at a minimum rate too (a client that does not
     * read would hold the connection) */
    tconn_deadline(conn, lim.body_secs + (double)bytes / BODY_MIN_RATE);
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)w->status, res);
    MHD_destroy_response(res);
    access_log(r, w->status, bytes, c);
    return ret;
}

static int rescan_org(const char *slug, size_t n);
static struct dir_env dir_env; /* server: directory accounts; .d NULL: none */

/* Finds the organization of a path: "/o/slug/..." under --dir. */
static int find_org(const char *url, const char **rest)
{
    int count = __atomic_load_n(&norgs, __ATOMIC_ACQUIRE);
    if (count == 1 && orgs[0].slug[0] == 0) {
        *rest = url;
        return 0;
    }
    if (strncmp(url, "/o/", 3) != 0) {
        return -1;
    }
    const char *s = url + 3;
    const char *end = strchr(s, '/');
    size_t n = end ? (size_t)(end - s) : strlen(s);
    for (int i = 0; i < count; i++) {
        if (strlen(orgs[i].slug) == n && strncmp(orgs[i].slug, s, n) == 0) {
            *rest = end ? end : "/";
            return i;
        }
    }
    /* server: many organizations — a file added since the start */
    int i = rescan_org(s, n);
    if (i >= 0) {
        *rest = end ? end : "/";
    }
    return i;
}

/* Fills what every answer needs (the log included) of r. */
static void req_basics(struct req *r, struct MHD_Connection *conn, const char *url,
                       const char *method)
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
    r->is_api = strstr(url, "/api/") != NULL;
}

/* Answers at once (before any body is read) with e, closing the connection
 * after the answer so that a body still on its way is never read. */
static enum MHD_Result refuse(struct MHD_Connection *conn, const char *url, const char *method,
                              struct conn *c, const struct err *e, int status, int retry_after)
{
    struct req r;
    struct resp w;
    memset(&r, 0, sizeof r);
    memset(&w, 0, sizeof w);
    buf_init(&w.body, 1u << 20);
    req_basics(&r, conn, url, method);
    int oi = find_org(url, &r.path);
    r.org = oi >= 0 ? &orgs[oi] : NULL;
    resp_error(&r, &w, e);
    if (status) {
        w.status = status;
    }
    w.retry_after = retry_after;
    w.close = 1;
    enum MHD_Result ret = send_resp(conn, &r, &w, c);
    buf_free(&w.body);
    return ret;
}

/* 0 if the file of organization i is still the one the server opened; -1
 * with e saying what happened and what to do. */
static int org_file_ok(int i, struct app *a, struct err *e)
{
    if (a) {
        return store_file_ok(a->st, &orgs[i].file_id, e);
    }
    return store_path_ok(orgs[i].path, &orgs[i].file_id, e);
}

static void handle(struct MHD_Connection *conn, const char *url, const char *method,
                   struct conn *c, struct resp *w, struct req *r)
{
    req_basics(r, conn, url, method);
    struct err e = {0};
    const char *rest = url;
    int oi = find_org(url, &rest);
    if (strcmp(url, "/healthz") == 0 && oi < 0) {
        /* the server's own health: every organization's file in place */
        for (int i = 0; i < norgs; i++) {
            if (org_file_ok(i, NULL, &e)) {
                http_unhealthy(w, &e);
                return;
            }
        }
        resp_json(w, 200, "{\"status\":\"ok\"}");
        return;
    }
    /* server: directory accounts — the index and the directory sign-in */
    if (oi < 0 && dir_env.d && utf8_valid(url, strlen(url)) && strlen(url) <= 1024) {
        r->content_type = hdr(r, "Content-Type");
        if (req_decode_body(r, c->body.p, c->body.len, &e)) {
            resp_error(r, w, &e);
            return;
        }
        if (dir_pages_handle(r, w, &dir_env)) {
            return;
        }
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
        err_set(&e, ERR_TOOBIG, NULL, "the request body is larger than %zu bytes; nothing was "
                "stored", c->limit);
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
    if (c->up ? upload_finish(c->up, r, &e) : req_decode_body(r, c->body.p, c->body.len, &e)) {
        resp_error(r, w, &e);
        return;
    }
    /* a removed or replaced file: nothing is read from or written to the
     * orphan (acknowledged writes would vanish at the next start), on every
     * worker alike, whether or not it had the file open yet */
    if (org_file_ok(oi, thread_apps[oi], &e) ||
        (r->app = org_app(oi, &e)) == NULL) {
        if (e.code == ERR_UNAVAILABLE && strcmp(rest, "/healthz") == 0) {
            http_unhealthy(w, &e);
        } else if (e.code == ERR_UNAVAILABLE && strncmp(rest, "/static/", 8) == 0) {
            strlcpy_(r->id, rest + 8, sizeof r->id); /* the error page keeps its style */
            http_static(r, w);
        } else {
            resp_error(r, w, &e);
        }
        return;
    }
    if (!single_commits) {
        c->gw.conn = conn;
        c->gw.org = oi;
        r->gw = &c->gw;
    }
    router_dispatch(r, w);
}

/* ---- the request body -------------------------------------------------------
 * The one place a request body is kept. body_begin decides at the headers
 * whether a body may come at all (its announced size against the route's
 * limit and the memory budget); body_take stores each piece. A route with
 * its own storage for large bodies (R_UPLOAD) hooks in here. */

static void body_free(struct conn *c)
{
    struct body *b = &c->body;
    if (b->mapped) {
        munmap(b->p, b->cap);
    } else {
        free(b->p);
    }
    memset(b, 0, sizeof *b);
    if (c->reserved) {
        budget_give(c->reserved);
        c->reserved = 0;
    }
}

/* At the headers. 0: go on; else the status to refuse with at once. */
static int body_begin(struct MHD_Connection *conn, struct conn *c, const char *url,
                      const char *method, struct err *e)
{
    const char *rest = url;
    if (find_org(url, &rest) < 0) {
        rest = url;
    }
    c->limit = router_body_limit(method, rest);
    const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
    const char *te = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Transfer-Encoding");
    size_t want = 0;
    if (cl) {
        char *end = NULL;
        errno = 0;
        unsigned long long n = strtoull(cl, &end, 10);
        const char *expect = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Expect");
        if (errno || n > c->limit + (unsigned long long)BODY_DRAIN_MAX ||
            (n > c->limit && expect)) {
            err_set(e, ERR_TOOBIG, NULL, "the request body is larger than %zu bytes; nothing "
                    "was stored", c->limit);
            return 413;
        }
        if (n > c->limit) {
            c->too_big = 1; /* read and dropped: no memory, no budget */
            tconn_deadline(conn, lim.body_secs + (double)n / BODY_MIN_RATE);
            return 0;
        }
        want = (size_t)n;
    } else if (te) {
        want = c->limit; /* chunked: at most the limit */
    }
    if (c->up) {
        /* spooled to a file by upload.c: no memory, no budget */
        tconn_deadline(conn, lim.body_secs + (double)want / BODY_MIN_RATE);
        return 0;
    }
    if (!want) {
        return 0;
    }
    if (!budget_take(want + 1)) {
        err_set(e, ERR_UNAVAILABLE, NULL, "the server is receiving too many request bodies at "
                "once; try again in a few seconds");
        return 503;
    }
    c->reserved = want + 1;
    struct body *b = &c->body;
    b->cap = want + 1;
    if (b->cap >= BODY_MMAP_MIN) {
        void *p = mmap(NULL, b->cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            body_free(c);
            err_set(e, ERR_UNAVAILABLE, NULL, "out of memory for the request body");
            return 503;
        }
        b->p = p;
        b->mapped = 1;
    } else {
        b->p = xmalloc(b->cap);
    }
    b->p[0] = 0;
    /* the whole body within a deadline: a base plus its size at a minimum rate */
    tconn_deadline(conn, lim.body_secs + (double)want / BODY_MIN_RATE);
    return 0;
}

/* One piece of the body. 0, or -1 to drop the connection: a chunked body
 * (libmicrohttpd holds a sized one to its length) far over the limit. */
static int body_take(struct conn *c, const char *data, size_t n)
{
    struct body *b = &c->body;
    c->seen += n;
    if (c->up) {
        upload_feed(c->up, data, n);
        return c->seen > c->limit + BODY_DRAIN_MAX ? -1 : 0;
    }
    if (!c->too_big && n >= b->cap - b->len) {
        c->too_big = 1;
        body_free(c); /* nothing of an oversized body is kept */
    }
    if (c->too_big) {
        return c->seen > c->limit + BODY_DRAIN_MAX ? -1 : 0;
    }
    memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = 0;
    return 0;
}

/* What a request held, once answered (or its connection gone). */
static void req_release(struct conn *c)
{
    if (!c->have_req) {
        return;
    }
    c->have_req = 0;
    if (c->w.kept_ref) { /* a kept answer never sent */
        pagecache_release(c->w.kept_ref);
        c->w.kept = NULL;
        c->w.kept_ref = NULL;
    }
    buf_free(&c->w.body);
    kv_free(&c->r.form);
    kv_free(&c->r.query);
    json_decref(c->r.json);
    record_free(c->r.rec);
    strmap_free(&c->r.titles);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **con_cls)
{
    (void)cls;
    struct conn *c = *con_cls;
    if (!c) { /* no target seen (cannot happen with on_uri installed) */
        c = on_uri(NULL, url, conn);
        *con_cls = c;
    }
    if (!c->started) {
        /* the headers are complete: refuse what is malformed, too large or
         * over the memory budget now, before a byte of the body is read */
        c->started = 1;
        tconn_deadline(conn, 0);
        struct err e = {0};
        int status = 0;
        const char *bad = malformed(conn, c, url, method, version, &status);
        if (bad) {
            err_set(&e, ERR_USAGE, NULL, "%s", bad);
            return refuse(conn, url, method, c, &e, status, 0);
        }
        c->up = upload_begin(conn, method, url);
        if ((status = body_begin(conn, c, url, method, &e)) != 0) {
            return refuse(conn, url, method, c, &e, status, status == 503 ? 5 : 0);
        }
        return MHD_YES;
    }
    if (*upload_size && c->up) {
        upload_feed(c->up, upload_data, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    if (*upload_size) {
        if (body_take(c, upload_data, *upload_size)) {
            /* a chunked body past the limit: libmicrohttpd cannot answer
             * before the body's end, so the connection is dropped now */
            return MHD_NO;
        }
        *upload_size = 0;
        return MHD_YES;
    }
    tconn_deadline(conn, 0);
    struct req *r = &c->r;
    struct resp *w = &c->w;
    if (c->gw.state == GW_DEFERRED) {
        /* woken: the writer is free now (group.c); on this worker's own
         * connection to the file, whichever worker it is */
        struct err e = {0};
        c->gw.state = GW_NONE;
        if ((r->app = org_app(c->gw.org, &e)) == NULL) {
            resp_error(r, w, &e);
        } else {
            group_run(r, w, r->route);
        }
    } else if (c->gw.state == GW_DONE) {
        c->gw.state = GW_NONE;
        if (c->gw.failed) {
            /* its group's commit failed: nothing of it was stored */
            resp_error_instead(r, w, &c->gw.err);
        }
    } else {
        /* r and w start zeroed: c is calloc'd for every request (on_uri) */
        w->status = 200;
        buf_init(&w->body, 64u << 20);
        c->have_req = 1;
        handle(conn, url, method, c, w, r);
    }
    if (c->gw.state == GW_DEFERRED || c->gw.state == GW_PENDING) {
        return MHD_YES; /* parked: answered when woken */
    }
    /* the body is decoded: its memory goes back before the answer leaves */
    body_free(c);
    enum MHD_Result ret = send_resp(conn, r, w, c);
    req_release(c);
    return ret;
}

static void on_done(void *cls, struct MHD_Connection *conn, void **con_cls,
                    enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)toe;
    struct conn *c = *con_cls;
    if (c) {
        group_forget(&c->gw); /* woken, but its client went away */
        pagecache_release(c->kept_ref); /* its answer is sent (or never will be) */
        req_release(c);
        body_free(c);
        upload_free(c->up);
        free(c);
        *con_cls = NULL;
    }
    /* a kept-alive connection: the next request's headers within the limit */
    tconn_deadline(conn, lim.header_secs);
}

static void stop_reaper(pthread_t t)
{
    pthread_mutex_lock(&tc_lock);
    reaper_stop = 1;
    pthread_cond_signal(&tc_cond);
    pthread_mutex_unlock(&tc_lock);
    pthread_join(t, NULL);
}

static int add_org(const char *slug, const char *path, int loopback, struct err *e)
{
    int count = __atomic_load_n(&norgs, __ATOMIC_ACQUIRE);
    if (count == MAX_ORGS) {
        return err_set(e, ERR_USAGE, NULL, "more than %d organizations in one directory", MAX_ORGS);
    }
    struct org *o = &orgs[count];
    strlcpy_(o->slug, slug, sizeof o->slug);
    snprintf(o->prefix, sizeof o->prefix, "%s%s", slug[0] ? "/o/" : "", slug);
    strlcpy_(o->path, path, sizeof o->path);
    /* __Host- cookies need Secure; browsers allow Secure cookies over plain
     * HTTP on loopback only, so elsewhere a plain name is used unless the
     * server speaks TLS itself (server: TLS) */
    snprintf(o->cookie, sizeof o->cookie, "%sisms%s%s", loopback || tls_on ? "__Host-" : "",
             slug[0] ? "-" : "", slug);
    /* server: TLS — the login form's CSRF cookie __Host- too (on loopback
     * without TLS it keeps its plain name, as before) */
    snprintf(o->pre_cookie, sizeof o->pre_cookie, "%sisms_pre%s%s", tls_on ? "__Host-" : "",
             slug[0] ? "-" : "", slug);
    o->tls = tls_on; /* sso: the redirect URI's scheme */
    /* open once now: migrate, and refuse to start on a file we cannot use */
    struct app a;
    if (app_open(&a, path, "serve", e)) {
        return -1;
    }
    /* the file as opened now: every worker's connection must be to this one */
    int rc = store_file_id(a.st, &o->file_id, e);
    app_close(&a);
    if (rc) {
        return -1;
    }
    __atomic_store_n(&norgs, count + 1, __ATOMIC_RELEASE);
    return 0;
}

/* ---- server: many organizations --------------------------------------------
 * A request for /o/NAME/ that no organization answers looks for DIR/NAME.isms
 * (a stat, nothing more, unless it exists): a file copied into the
 * directory is served without a restart. Bounded: valid names only, at most
 * MAX_ORGS, one addition at a time, and a file that failed to open is not
 * tried again until it changes. */
static const char *serve_dir;
static int serve_loopback;
static pthread_mutex_t scan_lock = PTHREAD_MUTEX_INITIALIZER;

static int valid_slug(const char *s, size_t n);

static int rescan_org(const char *s, size_t n)
{
    static char failed_slug[64];
    static struct timespec failed_mtime;
    if (!serve_dir || !valid_slug(s, n)) {
        return -1;
    }
    char slug[64], path[4200];
    memcpy(slug, s, n);
    slug[n] = 0;
    snprintf(path, sizeof path, "%s/%s.isms", serve_dir, slug);
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
        return -1;
    }
    pthread_mutex_lock(&scan_lock);
    int found = -1;
    int count = __atomic_load_n(&norgs, __ATOMIC_ACQUIRE);
    for (int i = 0; i < count; i++) {
        if (strcmp(orgs[i].slug, slug) == 0) {
            found = i; /* added meanwhile by another worker */
        }
    }
    if (found < 0 && !(strcmp(failed_slug, slug) == 0 &&
                       failed_mtime.tv_sec == st.st_mtim.tv_sec &&
                       failed_mtime.tv_nsec == st.st_mtim.tv_nsec)) {
        struct err e = {0};
        if (add_org(slug, path, serve_loopback, &e) == 0) {
            found = count;
            fprintf(stderr, "isms: new organization %s (%s) served at %s/\n", slug, path,
                    orgs[found].prefix);
        } else {
            strlcpy_(failed_slug, slug, sizeof failed_slug);
            failed_mtime = st.st_mtim;
            fprintf(stderr, "isms: %s: not served: %s\n", path, e.msg);
        }
    }
    pthread_mutex_unlock(&scan_lock);
    return found;
}

/* ---- server: directory accounts ---------------------------------------------- */

static int dir_org_served(const char *slug)
{
    char url[128];
    const char *rest;
    snprintf(url, sizeof url, "/o/%.60s/", slug);
    return find_org(url, &rest) >= 0;
}

static struct app *dir_org_app(const char *slug, const struct org **org, struct err *e)
{
    char url[128];
    const char *rest;
    snprintf(url, sizeof url, "/o/%.60s/", slug);
    int oi = find_org(url, &rest);
    if (oi < 0) {
        err_set(e, ERR_NOTFOUND, NULL, "no such organization");
        return NULL;
    }
    if (org_file_ok(oi, thread_apps[oi], e)) {
        return NULL;
    }
    *org = &orgs[oi];
    return org_app(oi, e);
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

/* The organizations: the one file, or every *.isms file of the directory. */
static int scan_orgs(const struct serve_opts *o, int loopback, struct err *e)
{
    norgs = 0;
    serve_dir = o->dir;
    serve_loopback = loopback;
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
        /* server: directory accounts — with them, files may come later */
        if (!norgs && !dir_accounts_exist(o->dir)) {
            return err_set(e, ERR_NOTFOUND, NULL, "%s holds no *.isms files", o->dir);
        }
        if (dir_accounts_exist(o->dir)) {
            if (dir_open(o->dir, 0, &dir_env.d, e)) {
                return -1;
            }
            dir_env.secure = loopback || tls_on;
            dir_env.org_served = dir_org_served;
            dir_env.org_app = dir_org_app;
            fprintf(stderr, "isms: directory accounts (%s/%s): sign in at /login\n", o->dir,
                    DIR_ACCOUNTS_FILE);
        }
    } else if (add_org("", o->file, loopback, e)) {
        return -1;
    }

    return 0;
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
    single_commits = o->single_commits;
    group_init(open_org); /* the writers (group.c) */
    /* server: TLS — the pair loaded and checked before anything listens */
    tls_on = 0;
    if (o->tls_cert || o->tls_key) {
        if (!o->tls_cert || !o->tls_key) {
            return err_set(e, ERR_USAGE, o->tls_cert ? "tls-key" : "tls-cert",
                           "give both --tls-cert FILE and --tls-key FILE");
        }
        if (tls_setup(o->tls_cert, o->tls_key, e)) {
            return -1;
        }
        tls_on = 1;
    }
    /* server: least privilege — refuse root without --user before binding */
    if (privdrop_check(o->user, e)) {
        tls_close();
        return -1;
    }
    upload_set_max(o->max_upload);
    lim.per_address = o->per_address >= 0 ? (unsigned)o->per_address : 32;
    lim.header_secs = o->header_timeout > 0 ? (unsigned)o->header_timeout : 20;
    lim.body_secs = o->body_timeout > 0 ? (unsigned)o->body_timeout : 30;
    lim.body_budget = (o->body_memory > 0 ? (size_t)o->body_memory : 64) << 20;
    /* server: least privilege — bind as root (a port below 1024), then
     * become --user and confine before any ISMS file is opened or any
     * thread starts (landlock and no_new_privs hold for the threads
     * created after them; set*id and seccomp's TSYNC would cover the rest) */
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ||
        bind(lfd, (struct sockaddr *)&sa, sizeof sa) || listen(lfd, 512)) {
        int en = errno;
        if (lfd >= 0) {
            close(lfd);
        }
        tls_close();
        return err_set(e, ERR_STORAGE, "listen", "cannot listen on %s:%d: %s", host, port,
                       strerror(en));
    }
    if (privdrop_apply(o->user, o, e) || scan_orgs(o, loopback, e)) {
        close(lfd);
        tls_close();
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
    sigaddset(&set, SIGHUP); /* server: TLS — reload the certificate */
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    reaper_stop = 0;
    pthread_t reaper_thread;
    if (pthread_create(&reaper_thread, NULL, reaper, NULL) != 0) {
        close(lfd);
        return err_set(e, ERR_INTERNAL, NULL, "cannot start a thread: %s", strerror(errno));
    }
    /* strict parsing (HTTP/1.1 without Host refused; our own checks in
     * malformed() for the rest); connections per address capped */
    /* server: TLS — every handshake asks tls.c for the current certificate */
    struct MHD_OptionItem tls_opts[] = {
        {MHD_OPTION_HTTPS_CERT_CALLBACK, 0, (void *)tls_retrieve},
        {MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)tls_priorities()},
        {MHD_OPTION_END, 0, NULL},
    };
    if (!tls_on) {
        tls_opts[0].option = MHD_OPTION_END;
    }
    /* said before the first request can be answered, so the log reads in order
     * (the socket is already listening: connections wait in its backlog) */
    const char *scheme = tls_on ? "https" : "http";
    fprintf(stderr, "isms: serving %d organization%s on %s://%s:%d/ with %d threads\n", norgs,
            norgs == 1 ? "" : "s", scheme, host, port, threads);
    for (int i = 0; i < norgs && orgs[i].slug[0]; i++) {
        fprintf(stderr, "isms:   %s://%s:%d%s/  %s\n", scheme, host, port, orgs[i].prefix,
                orgs[i].path);
    }
    if (!loopback && !tls_on) {
        fprintf(stderr, "isms: warning: serving without TLS on a non-loopback address; put a "
                        "TLS-terminating proxy in front\n");
    }
    struct MHD_Daemon *d = MHD_start_daemon(
        /* poll(), not epoll: MHD_quiesce_daemon on an epoll daemon with its
         * own threads races the workers' removal of the listening socket
         * and aborts the process ("Failed to remove listen FD from epoll
         * set", an open libmicrohttpd defect, seen at SIGTERM in t_report
         * and t_oidc); its poll() side only signals the workers */
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_ALLOW_SUSPEND_RESUME |
            MHD_USE_ERROR_LOG | (tls_on ? MHD_USE_TLS : 0), 0, NULL,
        NULL, on_request, NULL, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
        MHD_OPTION_LISTEN_SOCKET, (MHD_socket)lfd,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads, MHD_OPTION_NOTIFY_COMPLETED, on_done,
        NULL, MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
        /* a connection's pool (headers, read and write buffers): libmicrohttpd
         * clears it for every request, so its size is paid per request */
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(32 * 1024),
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30, MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, lim.per_address,
#if !MHD_INPLACE_HEADERS
        MHD_OPTION_CLIENT_DISCIPLINE_LVL, (int)2,
#else
        MHD_OPTION_STRICT_FOR_CLIENT, (int)1,
#endif
        MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, NULL,
        MHD_OPTION_ARRAY, tls_opts, MHD_OPTION_END);
    if (!d) {
        int en = errno;
        stop_reaper(reaper_thread);
        tls_close(); /* lfd: closed by libmicrohttpd's failure path */
        return err_set(e, ERR_STORAGE, "listen", "cannot serve on %s:%d: %s", host, port,
                       strerror(en));
    }
    /* outbound: the timer thread (timer.c): daily reminders, webhook queue */
    {
        const char *files[MAX_ORGS];
        for (int i = 0; i < norgs; i++) {
            files[i] = orgs[i].path;
        }
        if (timer_start(files, norgs, e)) {
            MHD_stop_daemon(d);
            stop_reaper(reaper_thread);
            return -1;
        }
    }
    /* end outbound */
    int sig = 0;
    while (sigwait(&set, &sig) == 0 && sig == SIGHUP) {
        if (tls_on) { /* server: TLS */
            tls_reload();
        } else {
            fprintf(stderr, "isms: SIGHUP: nothing to reload (no --tls-cert)\n");
        }
    }
    /* stop listening at once: new connections are refused, not left hanging */
    MHD_socket ls = MHD_quiesce_daemon(d);
    if (ls != MHD_INVALID_SOCKET) {
        /* shut, not closed: the workers may still hold it in their poll
         * set until they see the quiesce signal (closed after
         * MHD_stop_daemon below) */
        shutdown(ls, SHUT_RDWR);
    }
    /* said after the socket is shut: whoever reads it may rely on it */
    fprintf(stderr, "isms: %s received; no longer accepting, finishing requests in flight\n",
            sig == SIGTERM ? "SIGTERM" : "SIGINT");
    for (int i = 0; i < 100; i++) {
        const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
        if (!info || info->num_connections == 0) {
            break;
        }
        usleep(100000);
    }
    group_drain(); /* no connection left suspended (parked) when the daemon stops */
    MHD_stop_daemon(d);
    if (ls != MHD_INVALID_SOCKET) {
        close(ls);
    }
    long long acked = 0, commits = 0;
    group_stats(&acked, &commits);
    group_stop(); /* the writers' last commits, before their files close */
    stop_reaper(reaper_thread);
    timer_stop(); /* outbound */
    close_all_apps();
    dir_close(dir_env.d); /* server: directory accounts */
    dir_env.d = NULL;
    tls_close();
    if (commits) {
        fprintf(stderr, "isms: stopped; %lld writing requests acknowledged in %lld commits\n",
                acked, commits);
    } else {
        fprintf(stderr, "isms: stopped\n");
    }
    return 0;
}
