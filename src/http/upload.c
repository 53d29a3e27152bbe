/* upload.c — evidence files over HTTP, the server's side: bodies of
 * R_UPLOAD routes go to an unlinked temporary file (never the 1 MB memory
 * buffer), bounded by --max-upload; once in, multipart/form-data is parsed
 * from the spool in a streaming way (multipart.c), so a 25 MB file is
 * never in memory; downloads are streamed from the ISMS file in chunks
 * (MHD_create_response_from_callback), verified as they go. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/buf.h"
#include "../lib/util.h"
#include "multipart.h"
#include "routes.h"
#include "upload.h"

static int64_t max_upload = UPLOAD_DEFAULT_MAX;

void upload_set_max(int64_t max)
{
    max_upload = max > 0 ? max : UPLOAD_DEFAULT_MAX;
}

int64_t upload_max(void)
{
    return max_upload;
}

struct upload {
    int fd;
    int64_t total;
    int too_big;
    int discard;         /* no credential: count the body, keep none of it */
    int failed;          /* errno of a failed write */
    struct upload_file file;
    char name[MP_NAME_MAX + 1];
};

/* Does path (segments after the org prefix) name an R_UPLOAD route? */
static int matches(const char *method, const char *path)
{
    for (int i = 0; i < nroutes; i++) {
        const struct route *rt = &routes[i];
        if (!(rt->flags & R_UPLOAD) || strcmp(rt->method, method) != 0) {
            continue;
        }
        const char *p = rt->pattern, *u = path;
        int ok = 1;
        while (ok && *p == '/' && *u == '/') {
            p++;
            u++;
            size_t pl = strcspn(p, "/"), ul = strcspn(u, "/");
            if (ul == 0) {
                ok = 0;
            } else if (pl == 5 && strncmp(p, ":type", 5) == 0) {
                char seg[64];
                const struct rtype *t = NULL;
                if (ul < sizeof seg) {
                    memcpy(seg, u, ul);
                    seg[ul] = 0;
                    t = rtype_find(seg);
                }
                ok = t && strcmp(t->plural, seg) == 0;
            } else if (p[0] != ':') {
                ok = pl == ul && strncmp(p, u, pl) == 0;
            }
            p += pl;
            u += ul;
        }
        if (ok && !*p && !*u) {
            return 1;
        }
    }
    return 0;
}

struct upload *upload_begin(struct MHD_Connection *conn, const char *method, const char *url)
{
    int hit = matches(method, url);
    if (!hit && strncmp(url, "/o/", 3) == 0) {
        const char *rest = strchr(url + 3, '/');
        hit = rest && matches(method, rest);
    }
    if (!hit) {
        return NULL;
    }
    struct upload *u = xcalloc(1, sizeof *u);
    u->fd = -1;
    /* Who sends it is known only after the body (the router runs then):
     * without any credential at all the request will be refused, so its
     * body is not written to disk, only counted. */
    if (!MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization") &&
        !MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Cookie")) {
        u->discard = 1;
        return u;
    }
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir) {
        dir = "/tmp";
    }
    u->fd = open(dir, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
    if (u->fd < 0) {
        /* file systems without O_TMPFILE: a named file, unlinked at once */
        char path[4096];
        snprintf(path, sizeof path, "%s/isms-upload-XXXXXX", dir);
        u->fd = mkostemp(path, O_CLOEXEC);
        if (u->fd >= 0) {
            unlink(path);
        }
    }
    if (u->fd < 0) {
        u->failed = errno ? errno : EIO;
    }
    return u;
}

void upload_feed(struct upload *u, const char *data, size_t n)
{
    if (u->too_big || u->failed) {
        return;
    }
    if (u->discard) {
        u->total += (int64_t)n;
        u->too_big = u->total > max_upload;
        return;
    }
    if (u->total + (int64_t)n > max_upload) {
        u->too_big = 1;
        if (ftruncate(u->fd, 0)) {
            /* the spool is unlinked: it goes when closed anyway */
        }
        return;
    }
    while (n) {
        ssize_t k = write(u->fd, data, n);
        if (k < 0 && errno == EINTR) {
            continue;
        }
        if (k <= 0) {
            u->failed = k < 0 ? errno : ENOSPC;
            return;
        }
        data += k;
        n -= (size_t)k;
        u->total += k;
    }
}

struct spool_reader {
    int fd;
    int64_t pos;
};

static long spool_read(void *ctx, char *buf, size_t n)
{
    struct spool_reader *s = ctx;
    for (;;) {
        ssize_t k = pread(s->fd, buf, n, (off_t)s->pos);
        if (k < 0 && errno == EINTR) {
            continue;
        }
        if (k > 0) {
            s->pos += k;
        }
        return (long)k;
    }
}

/* The multipart form: the plain fields rebuilt as urlencoded text (then
 * decoded once, by the same code as any form), the file part located. */
struct form_ctx {
    struct upload *u;
    struct buf fields;   /* "name=value&..." */
    int in_file;
    int nfiles;
};

static void urlencode(struct buf *b, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            strchr("-._~", c)) {
            buf_putc(b, (char)c);
        } else {
            buf_printf(b, "%%%02X", c);
        }
    }
}

static int form_part(void *ctx, const struct mp_part *p, struct err *e)
{
    struct form_ctx *f = ctx;
    f->in_file = p->is_file;
    if (p->is_file) {
        if (f->nfiles++) {
            return err_set(e, ERR_USAGE, "file", "file: send one file per upload");
        }
        strlcpy_(f->u->name, p->filename, sizeof f->u->name);
        f->u->file.name = f->u->name;
        f->u->file.off = -1;
        f->u->file.len = 0;
        return 0;
    }
    if (f->fields.len) {
        buf_putc(&f->fields, '&');
    }
    urlencode(&f->fields, p->name, strlen(p->name));
    buf_putc(&f->fields, '=');
    return 0;
}

static int form_data(void *ctx, const char *p, size_t n, int64_t off, struct err *e)
{
    struct form_ctx *f = ctx;
    if (f->in_file) {
        struct upload_file *uf = &f->u->file;
        if (uf->off < 0) {
            uf->off = off;
        }
        if (off != uf->off + uf->len) {
            return err_set(e, ERR_INTERNAL, NULL, "multipart: a part's bytes are not contiguous");
        }
        uf->len += (int64_t)n;
        return 0;
    }
    urlencode(&f->fields, p, n);
    if (f->fields.over) {
        return err_set(e, ERR_TOOBIG, NULL, "the form's fields besides the file are larger than "
                       "64 KB");
    }
    return 0;
}

static int form_end(void *ctx, struct err *e)
{
    (void)e;
    struct form_ctx *f = ctx;
    if (f->in_file && f->u->file.off < 0) {
        f->u->file.off = 0; /* an empty file */
    }
    f->in_file = 0;
    return 0;
}

int upload_finish(struct upload *u, struct req *r, struct err *e)
{
    if (u->too_big) {
        return err_set(e, ERR_TOOBIG, "file",
                       "the upload is larger than %lld bytes (the server's limit, isms serve "
                       "--max-upload); nothing was stored",
                       (long long)max_upload);
    }
    if (u->failed) {
        return err_set(e, ERR_STORAGE, NULL, "the upload could not be spooled: %s; nothing was "
                       "stored", strerror(u->failed));
    }
    if (u->discard) {
        return 0; /* no file, no form: the router answers the unauthenticated request */
    }
    u->file.fd = u->fd;
    char boundary[MP_BOUNDARY_MAX + 1];
    const char *ct = r->content_type ? r->content_type : "";
    if (strncmp(ct, "multipart/", 10) == 0) {
        if (multipart_boundary(ct, boundary)) {
            return err_set(e, ERR_USAGE, NULL, "multipart/form-data needs a valid boundary "
                           "parameter");
        }
        struct form_ctx f = {u, {0}, 0, 0};
        buf_init(&f.fields, 3 * 64 * 1024);
        struct spool_reader sr = {u->fd, 0};
        static const struct mp_handler h = {form_part, form_data, form_end};
        int rc = multipart_parse(boundary, spool_read, &sr, &h, &f, e);
        if (rc == 0 && kv_parse_urlencoded(&r->form, f.fields.p, f.fields.len)) {
            rc = err_set(e, ERR_USAGE, NULL, "the form data is malformed (bad UTF-8, a NUL or "
                         "more than %d fields)", REQ_MAX_FIELDS);
        }
        buf_free(&f.fields);
        if (rc) {
            return -1;
        }
        if (f.nfiles) {
            r->upload = &u->file;
        }
        return 0;
    }
    if (strncmp(ct, "application/x-www-form-urlencoded", 33) == 0) {
        /* a form without a file: decoded as any form (the router still
         * checks its CSRF token), and the handler says a file is missing */
        if (u->total > (int64_t)REQ_MAX_BODY) {
            return err_set(e, ERR_TOOBIG, NULL, "the form is larger than %u bytes; nothing was "
                           "stored", REQ_MAX_BODY);
        }
        char *mem = xmalloc((size_t)u->total + 1);
        struct spool_reader sr = {u->fd, 0};
        size_t got = 0;
        long k;
        while (got < (size_t)u->total && (k = spool_read(&sr, mem + got, (size_t)u->total - got)) > 0) {
            got += (size_t)k;
        }
        int rc = got == (size_t)u->total ? req_decode_body(r, mem, got, e)
                                          : err_set(e, ERR_STORAGE, NULL, "reading the spool failed");
        free(mem);
        return rc;
    }
    /* any other type: the body is the file itself, named by ?name= */
    u->file.off = 0;
    u->file.len = u->total;
    u->file.name = kv_get(&r->query, "name");
    r->upload = &u->file;
    return 0;
}

void upload_free(struct upload *u)
{
    if (u) {
        if (u->fd >= 0) {
            close(u->fd);
        }
        free(u);
    }
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    struct attachment_reader *rd = cls;
    struct err e = {0};
    long n = app_attachment_read(rd, buf, max, &e);
    if (n < 0) {
        fprintf(stderr, "isms: download stopped: %s\n", e.msg);
        return MHD_CONTENT_READER_END_WITH_ERROR;
    }
    return n == 0 ? MHD_CONTENT_READER_END_OF_STREAM : (ssize_t)n;
}

static void stream_free(void *cls)
{
    app_attachment_close(cls);
}

struct MHD_Response *upload_response(struct resp *w)
{
    struct MHD_Response *res = MHD_create_response_from_callback(
        (uint64_t)w->stream_size, 64 * 1024, stream_read, w->stream, stream_free);
    if (!res) {
        app_attachment_close(w->stream);
    } else if (w->disposition[0]) {
        MHD_add_response_header(res, "Content-Disposition", w->disposition);
    }
    w->stream = NULL; /* the response's now */
    return res;
}

void upload_disposition(const char *name, char *out, size_t size)
{
    struct buf b;
    buf_init(&b, size - 1);
    buf_puts(&b, "attachment; filename=\"");
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p && n < 120; p++, n++) {
        unsigned char c = *p;
        buf_putc(&b, c >= 0x20 && c < 0x7f && !strchr("\"\\;%/", c) ? (char)c : '_');
    }
    buf_puts(&b, "\"; filename*=UTF-8''");
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        unsigned char c = *p;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            strchr("!#$&+-.^_`|~", c)) {
            buf_putc(&b, (char)c);
        } else {
            buf_printf(&b, "%%%02X", c);
        }
    }
    if (b.over) {
        /* only the fallback then: still a correct header */
        buf_reset(&b);
        buf_puts(&b, "attachment; filename=\"evidence\"");
    }
    strlcpy_(out, buf_str(&b), size);
    buf_free(&b);
}

void upload_send(struct resp *w, struct attachment_reader *rd)
{
    const struct attachment_info *info = app_attachment_reader_info(rd);
    w->status = 200;
    /* a static string of the allow-list (the media type the name gives,
     * which is what was stored) */
    const char *mt = app_attachment_media_type(info->name);
    w->ctype = strcmp(mt, "text/plain") == 0 ? "text/plain; charset=utf-8" : mt;
    w->csp = "default-src 'none'; sandbox";
    upload_disposition(info->name, w->disposition, sizeof w->disposition);
    w->stream = rd;
    w->stream_size = info->size;
}

void upload_download(struct req *r, struct resp *w, const char *att_ref)
{
    struct err e = {0};
    struct attachment_reader *rd = NULL;
    if (app_attachment_open(r->app, att_ref, r->rec->ref, 1, &rd, &e)) {
        if (e.code == ERR_NOTFOUND) {
            /* removed, unknown or of another record: one answer for all */
            err_clear(&e);
            err_set(&e, ERR_NOTFOUND, "attachment", "no attachment %.40s on %s", att_ref,
                    r->rec->ref);
        } else {
            fprintf(stderr, "isms: %s\n", e.msg);
        }
        resp_error(r, w, &e);
        return;
    }
    upload_send(w, rd);
}

int upload_attach(struct req *r, const char *valid_until, struct attachment_info *out,
                  struct err *e)
{
    const struct upload_file *f = r->upload;
    if (!f) {
        return err_set(e, ERR_USAGE, "file", "file: choose a file to attach (a multipart "
                       "form with a file part, or the file as the body with ?name=)");
    }
    const char *name = kv_get(&r->form, "name");
    if (str_empty(name)) {
        name = f->name;
    }
    if (str_empty(name) && f->len == 0) {
        /* a browser sends an empty, nameless part when no file was chosen */
        return err_set(e, ERR_USAGE, "file", "file: choose a file to attach");
    }
    if (str_empty(name)) {
        return err_set(e, ERR_INVALID, "name", "name: give the file's name (?name= with a raw "
                       "body)");
    }
    struct attach_input in = {r->rec->ref, name, valid_until, f->fd, f->off, f->len, 0};
    return app_attach(r->app, &in, out, e);
}

int upload_document_file(struct req *r, struct attachment_info *out, int *revised,
                         struct err *e)
{
    const struct upload_file *f = r->upload;
    *revised = 0;
    if (!f || (f->len == 0 && str_empty(f->name))) {
        return err_set(e, ERR_USAGE, "file", "file: choose the document's content (a PDF or "
                       "DOCX: a multipart form with a file part, or the file as the body with "
                       "?name=)");
    }
    const char *name = kv_get(&r->form, "name");
    if (str_empty(name)) {
        name = kv_get(&r->query, "name");
    }
    if (str_empty(name)) {
        name = f->name;
    }
    if (str_empty(name)) {
        return err_set(e, ERR_INVALID, "name", "name: give the file's name (?name= with a raw "
                       "body)");
    }
    struct attach_input in = {r->rec->ref, name, NULL, f->fd, f->off, f->len, 0};
    return app_document_set_file(r->app, &in, out, revised, e);
}
