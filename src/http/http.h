/* http.h — what handlers see of a request and build of a response. The
 * server (server.c) fills struct req, the router (router.c) authenticates,
 * checks the route's permission and CSRF flag, and resolves :type/:id; a
 * handler then only parses its input, calls app/, and renders. */
#ifndef ISMS_HTTP_H
#define ISMS_HTTP_H

#include <jansson.h>

#include "../app/app.h"
#include "../lib/buf.h"
#include "../lib/strmap.h"
#include "../model/perm.h"

#define REQ_MAX_BODY (1u << 20)  /* bytes of a form or JSON body */
#define REQ_MAX_FIELDS 256       /* form/query fields */

struct kvlist {
    struct kv kv[REQ_MAX_FIELDS];
    int n;
    char *mem; /* owned storage the names and values point into */
};

/* One organization (ISMS file) served under a path prefix. */
struct org {
    char slug[64];     /* "" in single-file mode */
    char prefix[80];   /* "" or "/o/slug" */
    char path[4096];   /* the ISMS file */
    struct store_file_id file_id; /* the file as opened at start */
    char cookie[96];   /* session cookie name for this organization */
    char pre_cookie[96]; /* the login form's pre-session CSRF cookie */
    int tls;             /* the server speaks TLS itself (serve --tls-cert) */
};

struct route;

/* The file of an upload (R_UPLOAD routes, upload.c): len bytes at offset
 * off of the spooled request body fd, named by the client (untrusted). */
struct upload_file {
    int fd;
    int64_t off, len;
    const char *name;        /* file name from the part or ?name=; NULL when none */
};
struct attachment_reader;
struct gwait;

struct req {
    const char *method;
    const char *path;        /* without the organization prefix, not decoded */
    const char *full_path;   /* as requested */
    struct kvlist query;
    struct kvlist form;      /* application/x-www-form-urlencoded body */
    json_t *json;            /* application/json body, or NULL */
    const char *content_type;
    char addr[64];
    struct buf body;
    const struct upload_file *upload; /* R_UPLOAD routes: the spooled file, or NULL */
    /* filled by the router */
    const struct route *route;
    const struct org *org;
    struct app *app;         /* this thread's connection to org's ISMS */
    const struct rtype *type; /* from :type */
    char id[64];             /* from :id (decoded) */
    char id2[64];            /* from a second :n */
    struct record *rec;      /* the :id record, loaded by the router */
    struct strmap titles;    /* record titles this viewer may see, looked up so far */
    struct session_auth auth; /* the session or token (a->who is its principal) */
    int authed;
    struct err auth_err;     /* why a credential could not be checked, if it could not */
    enum role role;
    const char *sid;         /* the session cookie value, if any */
    int is_api;
    /* header access for handlers */
    const char *(*header)(struct req *r, const char *name);
    const char *(*cookie)(struct req *r, const char *name);
    void *conn;
    struct gwait *gw;        /* group commit (group.c); NULL: writes commit alone */
};

struct resp {
    int status;
    const char *ctype;       /* static string */
    struct buf body;
    char location[1024];     /* redirect target (already safe) */
    char set_cookie[4][400];
    int ncookies;
    int cache;               /* 1: may be cached (static files) */
    char allow[64];          /* for 405 */
    /* a streamed download (upload.c) instead of body: owned by the response */
    struct attachment_reader *stream;
    int64_t stream_size;
    const char *csp;         /* a Content-Security-Policy instead of the pages' one */
    char disposition[1024];  /* Content-Disposition, when set */
    /* bundle: a file sent as the body (the evidence bundle's unlinked
     * temporary file), owned by the response, when body_fd_size > 0 */
    int body_fd;
    int64_t body_fd_size;
    int retry_after;         /* seconds, for 503; 0: none */
    int close;               /* 1: close the connection after the answer */
    /* a kept answer (pagecache.c) as the body, shared, not copied: kept_len
     * bytes at kept, released by pagecache_release(kept_ref) once sent */
    const char *kept;
    size_t kept_len;
    void *kept_ref;
};

/* The value of name in a decoded field list, or NULL. */
const char *kv_get(const struct kvlist *l, const char *name);
/* Decodes "a=1&b=x%20y" into l (untrusted; bounded). Returns -1 on a
 * malformed encoding or too many fields. */
int kv_parse_urlencoded(struct kvlist *l, const char *s, size_t n);
/* Decodes a request body by r->content_type into r->form or r->json (the
 * server and the router fuzz target both call this); -1 with e naming the
 * problem (malformed: ERR_USAGE; another content type: ERR_MEDIA). */
int req_decode_body(struct req *r, const char *body, size_t len, struct err *e);
void kv_free(struct kvlist *l);

/* Responses. */
void resp_html_page_error(struct req *r, struct resp *w, const struct err *e);
/* Error in the route's format: HTML page or {"error":{code,message,field}}. */
void resp_error(struct req *r, struct resp *w, const struct err *e);
/* Drops whatever w held (body, cookies, redirect) and answers e instead:
 * an answer already built for a write whose commit then failed. */
void resp_error_instead(struct req *r, struct resp *w, const struct err *e);
void resp_json(struct resp *w, int status, const char *json);
/* Makes b the response body without copying it (b is left empty). */
void resp_take(struct resp *w, int status, const char *ctype, struct buf *b);
/* path within the org; a done=KEY in its query is signed (notice_sign). */
void resp_redirect(struct req *r, struct resp *w, const char *path);
/* path with its done=KEY (if any) made done=KEY.MAC for this session and
 * path's page (notice.c); written to out. */
void notice_sign(const struct req *r, const char *path, char *out, size_t size);
/* 1 and key filled when value (a done= parameter, untrusted) was signed by
 * notice_sign for this session and this page; 0 otherwise. */
int notice_valid(const struct req *r, const char *value, char *key, size_t size);
void resp_cookie(struct resp *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* /healthz of a server that cannot serve: 503 {"status":"unavailable","reason":...}. */
void http_unhealthy(struct resp *w, const struct err *e);

/* Serving. */
struct serve_opts {
    const char *file;   /* one ISMS file */
    const char *dir;    /* or a directory of them */
    const char *listen; /* "127.0.0.1:8027" */
    int threads;        /* 0: one per CPU */
    int quiet;          /* no access log */
    int64_t max_upload; /* bytes of an uploaded file; 0: UPLOAD_DEFAULT_MAX */
    int per_address;    /* connections from one address; -1: default (32), 0: no limit */
    int header_timeout; /* seconds for a request's headers (and keep-alive idle); 0: 20 */
    int body_timeout;   /* seconds for a body, plus its size at 16 KiB/s; 0: 30 */
    int body_memory;    /* MiB of request bodies in memory at once; 0: 64 */
    /* server: TLS and least privilege */
    const char *tls_cert; /* PEM certificate (chain), with tls_key: serve HTTPS */
    const char *tls_key;
    const char *user;     /* started as root: the account to run as after binding */
    int single_commits;   /* --group-commit off: each write commits alone (group.c) */
};
int http_serve(const struct serve_opts *o, struct err *e);

#endif
