/* doc_file.c — a document's content as an attached file (a PDF or a Word
 * document) instead of Markdown. The file is an ordinary evidence file of
 * the document (attach.c: stored once by SHA-256, verified on every read);
 * the working copy names it (content_file, content_sha256: system fields),
 * and doc_content_json freezes both into each version, so an approval signs
 * exactly those bytes. The type is decided by the bytes, not the name: a PDF
 * starts with "%PDF-", a DOCX is a zip archive (read with libarchive)
 * holding word/document.xml; the name must say the same. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../lib/confine.h"
#include "../lib/util.h"
#include "app_int.h"

#define DOCX_MAX_ENTRIES 20000 /* a Word document has a few dozen */

#define DOCX_MAX_INPUT ((size_t)1 << 30) /* the child reads the whole file */

/* In the confined child (src/lib/confine.h): whether the zip in data holds
 * word/document.xml, answered as one frame 'Y' or 'N'. */
static int docx_child(void *ctx, const char *data, size_t n, int out)
{
    (void)ctx;
    struct archive *ar = archive_read_new();
    archive_read_support_format_zip(ar);
    int found = 0;
    if (archive_read_open_memory(ar, data, n) == ARCHIVE_OK) {
        struct archive_entry *en;
        for (int i = 0; i < DOCX_MAX_ENTRIES && !found; i++) {
            int rc = archive_read_next_header(ar, &en);
            if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
                break;
            }
            const char *p = archive_entry_pathname(en);
            found = p && strcmp(p, "word/document.xml") == 0 &&
                    archive_entry_filetype(en) == AE_IFREG;
        }
    }
    archive_read_free(ar);
    return confine_send(out, found ? 'Y' : 'N', "", 0) || confine_flush(out) ? 1 : 0;
}

/* 1 when the zip at the range holds word/document.xml, 0 when it does not
 * or is not a readable zip, -1 with e when the reader could not answer.
 * The zip is untrusted: libarchive reads it in a confined child that can
 * reach nothing but the bytes (no file, no socket, CPU and memory bounded),
 * never in the process that holds the ISMS file. */
static int docx_holds_document(int fd, int64_t off, int64_t len, struct err *e)
{
    if ((size_t)len > DOCX_MAX_INPUT) {
        return 0;
    }
    struct confine_limits lim = {.cpu_seconds = 10,
                                 .address_space = (size_t)len + ((size_t)256 << 20),
                                 .max_input = DOCX_MAX_INPUT};
    struct confined cf;
    if (confine_start(&lim, fd, off, len, docx_child, NULL, "the DOCX reader", &cf, e)) {
        return -1;
    }
    unsigned char kind = 0;
    char *data = NULL;
    size_t n = 0;
    int r = confine_recv(&cf, &kind, &data, &n, 16, e);
    free(data);
    int found = r == 1 && kind == 'Y';
    if (r == 1) {
        r = confine_recv(&cf, &kind, &data, &n, 16, e); /* the end */
        free(data);
        if (r != 0) {
            r = -1;
            if (!e->msg[0]) {
                err_set(e, ERR_INVALID, "file", "file: the DOCX reader answered twice");
            }
        }
    }
    if (confine_finish(&cf, r < 0, e) || r < 0) {
        if (!e->msg[0]) {
            err_set(e, ERR_INVALID, "file", "file: the DOCX reader did not answer");
        }
        return -1;
    }
    return found;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

int doc_file_kind(int fd, int64_t off, int64_t len, const char *name, const char **kind,
                  struct err *e)
{
    unsigned char head[5] = {0};
    ssize_t k = 0;
    if (len >= 5) {
        do {
            k = pread(fd, head, sizeof head, (off_t)off);
        } while (k < 0 && errno == EINTR);
        if (k < 0) {
            return err_set(e, ERR_STORAGE, "file", "file: reading failed: %s", strerror(errno));
        }
    }
    const char *base = name ? strrchr(name, '/') : NULL;
    base = base ? base + 1 : name ? name : "";
    int zip = 0;
    if (k == 5 && memcmp(head, "%PDF-", 5) == 0) {
        *kind = "pdf";
    } else if (k == 5 && memcmp(head, "PK\x03\x04", 4) == 0 &&
               (zip = docx_holds_document(fd, off, len, e)) == 1) {
        *kind = "docx";
    } else if (zip < 0) {
        return -1;
    } else {
        return err_set(e, ERR_INVALID, "file",
                       "file: %.80s is neither a PDF (it does not start with %%PDF-) nor a Word "
                       "document (a DOCX is a zip holding word/document.xml); a document's "
                       "content is Markdown, a PDF or a DOCX",
                       base);
    }
    const char *ext = strcmp(*kind, "pdf") == 0 ? ".pdf" : ".docx";
    if (!ends_with(base, ext)) {
        return err_set(e, ERR_INVALID, "name",
                       "name: %.80s holds a %s; give it a name ending in %s (--name)", base,
                       strcmp(*kind, "pdf") == 0 ? "PDF" : "Word document (DOCX)", ext);
    }
    return 0;
}

/* The document may change its content: a draft as it is, an approved or
 * published one through a new draft (*revised = 1, done here). *had_file:
 * whether the working copy names a content file. */
static int open_draft(struct app *a, const char *ref, int *revised, int *had_file,
                      struct err *e)
{
    const struct rtype *t = rtype_find("document");
    struct record *r = NULL;
    if (!ref || rtype_of_ref(ref) != t) {
        return err_set(e, ERR_INVALID, "id", "%.60s is not a document identifier (DOC-...)",
                       ref ? ref : "(none)");
    }
    if (store_get(a->st, principal_sys(), t, ref, &r, e)) {
        return -1;
    }
    char st_buf[32];
    strlcpy_(st_buf, record_get(r, FIELD_STATUS) ? record_get(r, FIELD_STATUS) : "", sizeof st_buf);
    const char *st = st_buf[0] ? st_buf : NULL;
    int retired = record_get(r, FIELD_RETIRED) != NULL;
    int in_force = st && (strcmp(st, "approved") == 0 || strcmp(st, "published") == 0);
    int draft = st && strcmp(st, "draft") == 0;
    *had_file = record_get(r, "content_file") != NULL;
    record_free(r);
    if (retired) {
        return err_set(e, ERR_CONFLICT, NULL, "document %s is retired", ref);
    }
    if (!in_force && !draft) {
        return err_set(e, ERR_CONFLICT, NULL,
                       "%s is %s: its content changes in a draft (a document in review is sent "
                       "back or approved first)",
                       ref, st ? st : "without status");
    }
    *revised = in_force;
    return in_force ? app_document_revise_tx(a, ref, e) : 0;
}

static int set_file_tx(struct app *a, const struct attach_input *in, struct attachment_info *out,
                       int *revised, struct err *e)
{
    const struct rtype *t = rtype_find("document");
    const char *ref = in->subject;
    int had = 0;
    if (open_draft(a, ref, revised, &had, e)) {
        return -1;
    }
    struct attachment_info info;
    if (app_attach_tx(a, in, &info, e)) {
        return -1;
    }
    struct kv kv[] = {{"content_file", info.ref}, {"content_sha256", info.sha256}};
    int changed = 0;
    if (app_edit_tx(a, t, ref, kv, 2, 1, &changed, e)) {
        return -1;
    }
    if (out) {
        *out = info;
    }
    return 0;
}

int app_document_set_file(struct app *a, const struct attach_input *in,
                          struct attachment_info *out, int *revised, struct err *e)
{
    const char *kind;
    *revised = 0;
    if (in->len < 0) {
        return err_set(e, ERR_INVALID, "file", "file: no content");
    }
    if (in->max && in->len > in->max) {
        return err_set(e, ERR_TOOBIG, "file", "file: larger than %lld bytes; nothing was stored",
                       (long long)in->max);
    }
    if (doc_file_kind(in->fd, in->off, in->len, in->name, &kind, e)) {
        return -1;
    }
    IN_TRANSACTION(a, e, set_file_tx(a, in, out, revised, e));
}

static int clear_file_tx(struct app *a, const char *ref, int *revised, struct err *e)
{
    int had = 0;
    /* check before starting a new draft: nothing to do is an error, not a revision */
    struct record *r = NULL;
    const struct rtype *t = rtype_find("document");
    if (ref && rtype_of_ref(ref) == t && store_get(a->st, principal_sys(), t, ref, &r, e) == 0) {
        had = record_get(r, "content_file") != NULL;
        record_free(r);
        if (!had) {
            return err_set(e, ERR_CONFLICT, "content_file",
                           "%s has no content file: its content is Markdown already", ref);
        }
    }
    if (open_draft(a, ref, revised, &had, e)) {
        return -1;
    }
    struct kv kv[] = {{"content_file", NULL}, {"content_sha256", NULL}};
    int changed = 0;
    /* the attachment stays, as evidence of the versions that froze it */
    return app_edit_tx(a, t, ref, kv, 2, 1, &changed, e);
}

int app_document_clear_file(struct app *a, const char *ref, int *revised, struct err *e)
{
    *revised = 0;
    IN_TRANSACTION(a, e, clear_file_tx(a, ref, revised, e));
}

int app_document_file(struct app *a, const struct record *doc, struct attachment_info *out,
                      struct err *e)
{
    const char *att = record_get(doc, "content_file");
    const char *sha = record_get(doc, "content_sha256");
    if (!att) {
        return 0;
    }
    /* the content of the version doc is: as the system, once doc (read as
     * a->who by the caller) names it; subject and hash checked below */
    if (app_attachment_get_as(a, principal_sys(), att, out, e)) {
        return -1;
    }
    if (strcmp(out->subject, doc->ref) != 0 || !sha || strcmp(out->sha256, sha) != 0) {
        return err_set(e, ERR_CONFLICT, NULL,
                       "the content file %s of %s is not the file its version froze (SHA-256 "
                       "%.12s…): run isms verify",
                       att, doc->ref, sha ? sha : "none");
    }
    return 1;
}

int app_document_file_open(struct app *a, const struct record *doc,
                           struct attachment_reader **out, struct err *e)
{
    struct attachment_info info;
    *out = NULL;
    int rc = app_document_file(a, doc, &info, e);
    if (rc <= 0) {
        return rc;
    }
    if (app_attachment_open_as(a, principal_sys(), info.ref, doc->ref, 1, out, e)) {
        return -1;
    }
    /* the blob opened is the one doc froze */
    if (strcmp(app_attachment_reader_info(*out)->sha256, info.sha256) != 0) {
        app_attachment_close(*out);
        *out = NULL;
        return err_set(e, ERR_CONFLICT, NULL, "the content file %s of %s changed meanwhile",
                       info.ref, doc->ref);
    }
    return 1;
}

/* Versions of a document whose content freezes att. The checks of this
 * file guard writes (the router decided who may make them): they read as
 * the system (principal_sys()), every version included. */
struct frozen_in {
    char needle[64];
    int version;
};

static int version_holds(void *ctx, const struct version_row *v)
{
    struct frozen_in *f = ctx;
    if (v->content && strstr(v->content, f->needle)) {
        f->version = v->number;
        return 1;
    }
    return 0;
}

int doc_file_in_use(struct app *a, const char *subject, const char *att, struct err *e)
{
    const struct rtype *t = rtype_find("document");
    if (!subject || rtype_of_ref(subject) != t) {
        return 0;
    }
    struct record *r = NULL;
    if (store_get(a->st, principal_sys(), t, subject, &r, e)) {
        return -1;
    }
    const char *cf = record_get(r, "content_file");
    int current = cf && strcmp(cf, att) == 0;
    record_free(r);
    if (current) {
        return err_set(e, ERR_CONFLICT, "attachment",
                       "%s is the content of %s (its working copy); it is not removed", att,
                       subject);
    }
    /* as doc_content_json writes it */
    struct frozen_in f = {{0}, 0};
    snprintf(f.needle, sizeof f.needle, "\"content_file\":\"%s\"", att);
    if (store_versions(a->st, principal_sys(), "document", subject, version_holds, &f, e)) {
        return -1;
    }
    if (f.version) {
        return err_set(e, ERR_CONFLICT, "attachment",
                       "%s is the content of %s version %d.0, frozen by its SHA-256; it is not "
                       "removed",
                       att, subject, f.version);
    }
    return 0;
}
