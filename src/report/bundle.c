/* bundle.c — the evidence bundle (bundle.h): a zip written entry by entry
 * with libarchive from the reports (reports.h), the registers
 * (registers.h), frozen versions, review packs, audit reports and the
 * evidence files, every read made as a->who, then manifest.json written
 * from the typed manifest with the JSON writer. bundle_verify reads a zip
 * back with libarchive and checks it against its manifest. */
#include "bundle.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../app/audit.h"
#include "../app/readiness.h"
#include "../app/review.h"
#include "../app/seclog.h"
#include "../lib/hash.h"
#include "../lib/json.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "../store/store.h"
#include "outfile.h"
#include "rdoc.h"
#include "registers.h"
#include "reports.h"

#define CHUNK (64 * 1024)
#define MANIFEST "manifest.json"
#define MANIFEST_MAX (64u << 20)

static int has(const struct strmap *m, const char *key)
{
    const char *v;
    return strmap_get(m, key, &v);
}

/* ---- entry names ------------------------------------------------------- */

static int safe_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '_' || c == '-';
}

static int trim_byte(char c)
{
    return c == '.' || c == '_' || c == '-';
}

/* base made of safe bytes only, no "..", no leading or trailing . _ -,
 * at most max bytes; "file" when nothing is left. */
static void clean_base(const char *title, char *out, size_t max)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)(title ? title : ""); *p && n < max;
         p++) {
        char c = safe_byte(*p) ? (char)*p : '_';
        if (c == '.' && n && trim_byte(out[n - 1])) {
            continue; /* a '.' only after a letter or digit: ".." never appears */
        }
        if (c == '_' && n && (out[n - 1] == '_' || out[n - 1] == '.')) {
            continue; /* one '_' for a run of unsafe bytes */
        }
        if (n == 0 && trim_byte(c)) {
            continue;
        }
        out[n++] = c;
    }
    while (n && trim_byte(out[n - 1])) {
        n--;
    }
    out[n] = 0;
    if (!n) {
        strlcpy_(out, "file", max + 1);
    }
}

static void lower(char *s)
{
    for (; *s; s++) {
        if (*s >= 'A' && *s <= 'Z') {
            *s = (char)(*s - 'A' + 'a');
        }
    }
}

void bundle_entry_name(struct bundle_names *names, const char *dir, const char *title,
                       const char *ext, char *out, size_t size)
{
    char d[48], x[16];
    clean_base(dir, d, sizeof d - 1);
    clean_base(ext && *ext ? ext : "", x, sizeof x - 1);
    if (!ext || !*ext) {
        x[0] = 0;
    }
    if (size > BUNDLE_NAME_MAX + 1) {
        size = BUNDLE_NAME_MAX + 1;
    }
    /* room for "dir/" + base + "-NNNN" + ".ext" */
    size_t fixed = strlen(d) + 1 + 6 + (x[0] ? strlen(x) + 1 : 0);
    size_t room = size > fixed + 8 ? size - 1 - fixed : 8;
    char base[BUNDLE_NAME_MAX + 1];
    clean_base(title, base, room < sizeof base - 1 ? room : sizeof base - 1);
    for (int k = 1; k < 100000; k++) {
        char suffix[16] = "";
        if (k > 1) {
            snprintf(suffix, sizeof suffix, "-%d", k);
        }
        struct buf b;
        buf_init(&b, 0);
        buf_printf(&b, "%s/%s%s%s%s", d, base, suffix, x[0] ? "." : "", x);
        strlcpy_(out, buf_str(&b), size);
        buf_free(&b);
        char key[BUNDLE_NAME_MAX + 1];
        strlcpy_(key, out, sizeof key);
        lower(key);
        if (!has(&names->used, key)) {
            strmap_put(&names->used, key, "");
            return;
        }
    }
}

void bundle_names_free(struct bundle_names *names)
{
    strmap_free(&names->used);
}

int bundle_name_safe(const char *name)
{
    if (!name || !*name || name[0] == '/' || strlen(name) > BUNDLE_NAME_MAX * 4) {
        return 0;
    }
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if (*p < 0x20 || *p == 0x7f || *p == '\\') {
            return 0;
        }
    }
    /* no ".." component */
    const char *p = name;
    while (*p) {
        size_t len = strcspn(p, "/");
        if (len == 2 && p[0] == '.' && p[1] == '.') {
            return 0;
        }
        p += len;
        if (*p == '/') {
            p++;
        }
    }
    return 1;
}

/* ---- the manifest ------------------------------------------------------ */

void bundle_manifest_free(struct bundle_manifest *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->v[i].path);
        free(m->v[i].kind);
        free(m->v[i].source);
    }
    free(m->v);
    for (size_t i = 0; i < m->nomitted; i++) {
        free(m->omitted[i]);
    }
    free(m->omitted);
    memset(m, 0, sizeof *m);
}

static void manifest_file(struct bundle_manifest *m, const char *path, int64_t size,
                          const char *sha, const char *kind, const char *source)
{
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 64;
        m->v = xrealloc(m->v, m->cap * sizeof *m->v);
    }
    struct bundle_file *f = &m->v[m->n++];
    f->path = xstrdup(path);
    f->size = size;
    strlcpy_(f->sha256, sha, sizeof f->sha256);
    f->kind = xstrdup(kind);
    f->source = xstrdup(source);
}

static void manifest_omit(struct bundle_manifest *m, const char *what, const struct err *e)
{
    if (m->nomitted == m->capomitted) {
        m->capomitted = m->capomitted ? m->capomitted * 2 : 16;
        m->omitted = xrealloc(m->omitted, m->capomitted * sizeof *m->omitted);
    }
    struct buf b;
    buf_init(&b, 0);
    buf_printf(&b, "%s: %s", what, e && e->msg[0] ? e->msg : "left out");
    m->omitted[m->nomitted++] = buf_take(&b);
}

void bundle_manifest_json(struct jw *w, const struct bundle_manifest *m)
{
    jw_obj(w);
    jw_key(w, "format");
    jw_str(w, m->format);
    jw_key(w, "organization");
    jw_str(w, m->organization);
    jw_key(w, "created_at");
    jw_str(w, m->created_at);
    jw_key(w, "created_by");
    jw_str(w, m->created_by);
    jw_key(w, "role");
    jw_str(w, m->role);
    jw_key(w, "history_head");
    jw_obj(w);
    jw_key(w, "seq");
    jw_int(w, m->head_seq);
    jw_key(w, "hash");
    jw_str(w, m->head_hash[0] ? m->head_hash : NULL);
    jw_obj_end(w);
    jw_key(w, "scope");
    jw_obj(w);
    int whole = strcmp(m->scope, "whole") == 0;
    jw_key(w, "kind");
    jw_str(w, whole ? "whole" : "audit");
    jw_key(w, "audit");
    jw_str(w, whole ? NULL : m->scope);
    jw_key(w, "clauses");
    jw_str(w, whole ? NULL : m->scope_clauses);
    jw_obj_end(w);
    jw_key(w, "files");
    jw_arr(w);
    for (size_t i = 0; i < m->n; i++) {
        const struct bundle_file *f = &m->v[i];
        jw_obj(w);
        jw_key(w, "path");
        jw_str(w, f->path);
        jw_key(w, "size");
        jw_int(w, f->size);
        jw_key(w, "sha256");
        jw_str(w, f->sha256);
        jw_key(w, "kind");
        jw_str(w, f->kind);
        jw_key(w, "source");
        jw_str(w, f->source);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_key(w, "omitted");
    jw_arr(w);
    for (size_t i = 0; i < m->nomitted; i++) {
        jw_str(w, m->omitted[i]);
    }
    jw_arr_end(w);
    jw_obj_end(w);
}

/* ---- writing ------------------------------------------------------------ */

struct bw {
    struct app *a;
    struct archive *ar;
    struct bundle_names names;
    struct bundle_manifest *m;
    time_t now;
    char tmp[64]; /* a private directory for the registers' files */
    /* the audit's scope; whole when audit is NULL */
    struct record *audit;
    const char *clauses, *controls;
    struct strmap docs_in; /* documents in scope */
    struct strmap written; /* attachments already in the bundle (content files) */
};

static int arch_fail(struct bw *w, const char *what, struct err *e)
{
    return err_set(e, ERR_STORAGE, "bundle", "cannot write the bundle (%s): %s", what,
                   archive_error_string(w->ar) ? archive_error_string(w->ar) : "libarchive");
}

/* Files that are compressed already (PDF, images, office formats, zips)
 * are stored as they are; everything else is deflated. */
static int compressed_already(const char *path)
{
    static const char *const exts[] = {".pdf", ".png", ".jpg", ".jpeg", ".gif", ".webp",
                                       ".zip", ".docx", ".xlsx", ".pptx", ".odt", ".ods",
                                       ".gz", ".xz", ".bz2", ".zst", ".7z", ".mp4", NULL};
    size_t n = strlen(path);
    for (int i = 0; exts[i]; i++) {
        size_t k = strlen(exts[i]);
        if (n > k && strcasecmp_(path + n - k, exts[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

static int entry_begin(struct bw *w, const char *path, int64_t size, struct err *e)
{
    if (compressed_already(path)) {
        archive_write_zip_set_compression_store(w->ar);
    } else {
        archive_write_zip_set_compression_deflate(w->ar);
    }
    struct archive_entry *en = archive_entry_new();
    archive_entry_set_pathname(en, path);
    archive_entry_set_size(en, size);
    archive_entry_set_filetype(en, AE_IFREG);
    archive_entry_set_perm(en, 0644);
    archive_entry_set_mtime(en, w->now, 0);
    int rc = archive_write_header(w->ar, en);
    archive_entry_free(en);
    return rc == ARCHIVE_OK ? 0 : arch_fail(w, path, e);
}

static int entry_data(struct bw *w, struct sha256 *h, const void *data, size_t n, struct err *e)
{
    sha256_add(h, data, n);
    const char *p = data;
    while (n) {
        la_ssize_t k = archive_write_data(w->ar, p, n);
        if (k <= 0) {
            return arch_fail(w, "data", e);
        }
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

static int entry_end(struct bw *w, struct sha256 *h, const char *path, int64_t size,
                     const char *kind, const char *source, struct err *e)
{
    if (archive_write_finish_entry(w->ar) != ARCHIVE_OK) {
        return arch_fail(w, path, e);
    }
    char sha[65];
    sha256_hex_end(h, sha);
    manifest_file(w->m, path, size, sha, kind, source);
    return 0;
}

static int add_bytes(struct bw *w, const char *dir, const char *title, const char *ext,
                     const char *kind, const char *source, const void *data, size_t n,
                     struct err *e)
{
    char path[BUNDLE_NAME_MAX + 1];
    bundle_entry_name(&w->names, dir, title, ext, path, sizeof path);
    struct sha256 h;
    sha256_begin(&h);
    if (entry_begin(w, path, (int64_t)n, e) || entry_data(w, &h, data, n, e)) {
        return -1;
    }
    return entry_end(w, &h, path, (int64_t)n, kind, source, e);
}

/* A file written by an exporter: streamed into the archive, then removed. */
static int add_file(struct bw *w, const char *dir, const char *title, const char *ext,
                    const char *kind, const char *source, const char *file, struct err *e)
{
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb)) {
        if (fd >= 0) {
            close(fd);
        }
        unlink(file);
        return err_set(e, ERR_STORAGE, "bundle", "cannot read back %s: %s", title,
                       strerror(errno));
    }
    char path[BUNDLE_NAME_MAX + 1];
    bundle_entry_name(&w->names, dir, title, ext, path, sizeof path);
    struct sha256 h;
    sha256_begin(&h);
    int rc = entry_begin(w, path, (int64_t)sb.st_size, e);
    char *chunk = xmalloc(CHUNK);
    int64_t total = 0;
    while (rc == 0) {
        ssize_t k = read(fd, chunk, CHUNK);
        if (k < 0 && errno == EINTR) {
            continue;
        }
        if (k < 0) {
            rc = err_set(e, ERR_STORAGE, "bundle", "cannot read back %s: %s", title,
                         strerror(errno));
        }
        if (k <= 0) {
            break;
        }
        total += k;
        rc = entry_data(w, &h, chunk, (size_t)k, e);
    }
    free(chunk);
    close(fd);
    unlink(file);
    if (rc == 0 && total != (int64_t)sb.st_size) {
        rc = err_set(e, ERR_STORAGE, "bundle", "%s changed while it was read", title);
    }
    return rc ? rc : entry_end(w, &h, path, total, kind, source, e);
}

/* An evidence file: read through the verified reader (its SHA-256 checked
 * before and while it is read), in chunks. */
static int add_reader(struct bw *w, const char *dir, const char *named,
                      struct attachment_reader *rd, const char *kind, const char *source,
                      struct err *e)
{
    const struct attachment_info *info = app_attachment_reader_info(rd);
    /* "ATT-0001 report.pdf" (or named + the file's extension): the
     * extension kept when it is a short word */
    char title[ATT_NAME_MAX + 32], ext[16] = "";
    snprintf(title, sizeof title, "%s %s", info->ref, info->name);
    const char *dot = strrchr(info->name, '.');
    if (dot && dot != info->name && strlen(dot + 1) > 0 && strlen(dot + 1) < sizeof ext) {
        int word = 1;
        for (const char *p = dot + 1; *p; p++) {
            word &= (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9');
        }
        if (word) {
            strlcpy_(ext, dot + 1, sizeof ext);
            title[strlen(info->ref) + 1 + (size_t)(dot - info->name)] = 0;
        }
    }
    if (named) {
        snprintf(title, sizeof title, "%s", named);
    }
    char path[BUNDLE_NAME_MAX + 1];
    bundle_entry_name(&w->names, dir, title, ext, path, sizeof path);
    struct sha256 h;
    sha256_begin(&h);
    if (entry_begin(w, path, info->size, e)) {
        return -1;
    }
    char *chunk = xmalloc(CHUNK);
    int64_t total = 0;
    int rc = 0;
    for (;;) {
        long k = app_attachment_read(rd, chunk, CHUNK, e);
        if (k < 0) {
            rc = -1;
            break;
        }
        if (k == 0) {
            break; /* the end, verified against the stored SHA-256 */
        }
        total += k;
        if ((rc = entry_data(w, &h, chunk, (size_t)k, e))) {
            break;
        }
    }
    free(chunk);
    if (rc) {
        return -1;
    }
    char src[128];
    snprintf(src, sizeof src, "%s of %s", info->ref, source);
    if (entry_end(w, &h, path, total, kind, src, e)) {
        return -1;
    }
    char sha[65];
    strlcpy_(sha, w->m->v[w->m->n - 1].sha256, sizeof sha);
    if (strcmp(sha, info->sha256)) {
        return err_set(e, ERR_CONFLICT, "attachment", "%s (%s of %s) does not match its SHA-256",
                       info->ref, info->name, info->subject);
    }
    strmap_put(&w->written, info->ref, "");
    return 0;
}

/* A report (reports.h) as PDF and/or HTML. Refusals and what a->who may not
 * see are omitted with the reason; anything else fails the bundle. */
static int soft(const struct err *e)
{
    return e->code == ERR_FORBIDDEN || e->code == ERR_NOTFOUND || e->code == ERR_CONFLICT;
}

static int add_report(struct bw *w, const char *kind, const char *id, const char *framework,
                      const char *dir, const char *title, int pdf, int html, const char *what,
                      const char *source, struct err *e)
{
    struct rdoc d;
    struct err e1 = {0};
    if (report_build(w->a, kind, id, framework, &d, &e1)) {
        rdoc_free(&d);
        if (soft(&e1)) {
            manifest_omit(w->m, title, &e1);
            return 0;
        }
        *e = e1;
        return -1;
    }
    int rc = 0;
    struct buf b;
    buf_init(&b, 0);
    if (pdf && (rc = rdoc_pdf(&d, &b, e)) == 0) {
        rc = add_bytes(w, dir, title, "pdf", what, source, b.p, b.len, e);
    }
    if (rc == 0 && html) {
        buf_reset(&b);
        rdoc_html(&d, &b);
        rc = add_bytes(w, dir, title, "html", what, source, b.p, b.len, e);
    }
    buf_free(&b);
    rdoc_free(&d);
    return rc;
}

/* A register exported as csv or xlsx (registers.h) into the private
 * directory, then streamed in. */
static int add_register(struct bw *w, const char *which, const char *format, struct err *e)
{
    char file[128];
    snprintf(file, sizeof file, "%s/%s.%s", w->tmp, which, format);
    struct err e1 = {0};
    int rc;
    if (strncmp(which, "soa-", 4) == 0) {
        rc = report_soa(w->a, which + 4, format, file, &e1);
    } else if (strcmp(which, "risks") == 0) {
        rc = report_risks(w->a, format, file, &e1);
    } else if (strcmp(which, "assets") == 0) {
        /* the asset inventory: the register of its list page */
        rc = report_register(w->a, rtype_find("asset"), format, file, &e1);
    } else {
        rc = report_plan(w->a, format, file, &e1);
    }
    if (rc) {
        unlink(file);
        if (soft(&e1)) {
            char what[64];
            snprintf(what, sizeof what, "registers/%s.%s", which, format);
            manifest_omit(w->m, what, &e1);
            return 0;
        }
        *e = e1;
        return -1;
    }
    return add_file(w, "registers", which, format, "register", which, file, e);
}

/* ---- the scope ------------------------------------------------------------ */

/* Whether free text naming clauses ("6.1.2, 6.1.3 d, 8.2–8.3") names a
 * clause the audit covers. */
static int text_covered(const struct bw *w, const char *text)
{
    if (!w->audit) {
        return 1;
    }
    const char *p = text ? text : "";
    while (*p) {
        size_t len = strcspn(p, ", ;\t\n");
        if (len && p[0] >= '0' && p[0] <= '9') {
            char tok[32];
            size_t n = len < sizeof tok - 1 ? len : sizeof tok - 1;
            memcpy(tok, p, n);
            tok[n] = 0;
            /* the start of a range ("8.2–8.3", "8.2-8.3") */
            char *dash = strstr(tok, "\xe2\x80\x93");
            if (dash) {
                *dash = 0;
            }
            tok[strcspn(tok, "-")] = 0;
            if (tok[0] && audit_covers_clause(w->clauses, tok)) {
                return 1;
            }
        }
        p += len;
        while (*p && strchr(", ;\t\n", *p)) {
            p++;
        }
    }
    return 0;
}

static int control_covered(const struct bw *w, const char *id)
{
    return !w->audit || audit_covers_control(w->clauses, w->controls, id);
}

static int list_covered(const struct bw *w, const char *controls)
{
    if (!w->audit) {
        return 1;
    }
    const char *p = controls ? controls : "";
    while (*p) {
        size_t len = strcspn(p, ",");
        char one[40];
        snprintf(one, sizeof one, "%.*s", (int)(len < 39 ? len : 39), p);
        if (control_covered(w, one)) {
            return 1;
        }
        p += len + (p[len] == ',');
    }
    return 0;
}

/* Whether evidence attached to subject goes in. */
static int subject_covered(struct bw *w, const char *subject)
{
    if (!w->audit) {
        return 1;
    }
    if (strcmp(subject, w->audit->ref) == 0 || has(&w->docs_in, subject)) {
        return 1;
    }
    const struct rtype *t = rtype_of_ref(subject);
    if (!t) {
        return 0;
    }
    if (strcmp(t->name, "control") == 0) {
        return control_covered(w, subject);
    }
    if (strcmp(t->name, "document") == 0) {
        return 0; /* decided above */
    }
    if (strcmp(t->name, "finding") == 0 || strcmp(t->name, "checkitem") == 0) {
        struct record *r = NULL;
        struct err e1 = {0};
        int in = 0;
        if (store_get(w->a->st, &w->a->who, t, subject, &r, &e1) == 0) {
            const char *au = record_get(r, "audit");
            in = au && strcmp(au, w->audit->ref) == 0;
        }
        record_free(r);
        return in;
    }
    return t->clause && text_covered(w, t->clause);
}

/* ---- what goes in ------------------------------------------------------- */

static int add_documents(struct bw *w, struct err *e)
{
    const struct rtype *t = rtype_find("document");
    static const char *const cols[] = {"title", "clause", "controls", FIELD_STATUS, NULL};
    struct records ds = {0};
    struct query q = {0};
    q.columns = cols;
    if (store_list(w->a->st, &w->a->who, t, &q, records_add, &ds, e)) {
        records_free(&ds);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < ds.n && rc == 0; i++) {
        const struct record *r = ds.v[i];
        if (w->audit && !text_covered(w, record_get(r, "clause")) &&
            !list_covered(w, record_get(r, "controls"))) {
            continue;
        }
        /* the version in force, as a->who reads it */
        struct record *doc = NULL;
        struct err e1 = {0};
        if (store_get_released(w->a->st, &w->a->who, t, r->ref, &doc, &e1)) {
            if (e1.code != ERR_NOTFOUND) {
                *e = e1;
                rc = -1;
            } else {
                char what[64];
                snprintf(what, sizeof what, "%s", r->ref);
                struct err why = {0};
                err_set(&why, ERR_CONFLICT, NULL, "no approved version in force");
                manifest_omit(w->m, what, &why);
            }
            continue;
        }
        strmap_put(&w->docs_in, r->ref, "");
        char title[300], source[64];
        snprintf(title, sizeof title, "%s %s", r->ref,
                 record_get(doc, "title") ? record_get(doc, "title") : "");
        snprintf(source, sizeof source, "%s version %s", r->ref,
                 record_get(doc, "in_force") ? record_get(doc, "in_force") : "?");
        rc = add_report(w, "document", r->ref, NULL, "documents", title, 1, 0, "document",
                        source, e);
        const char *body = record_get(doc, "body");
        if (rc == 0 && !str_empty(body)) {
            rc = add_bytes(w, "documents", title, "md", "document-source", source, body,
                           strlen(body), e);
        }
        struct attachment_reader *rd = NULL;
        int has = 0;
        if (rc == 0 && !str_empty(record_get(doc, "content_file"))) {
            has = app_document_file_open(w->a, doc, &rd, &e1);
            if (has < 0) {
                if (soft(&e1)) {
                    manifest_omit(w->m, title, &e1);
                } else {
                    *e = e1;
                    rc = -1;
                }
            } else if (has == 1) {
                char named[320];
                snprintf(named, sizeof named, "%s content", title);
                rc = add_reader(w, "documents", named, rd, "document-content", source, e);
                app_attachment_close(rd);
            }
        }
        record_free(doc);
    }
    records_free(&ds);
    return rc;
}

static int add_versions(struct bw *w, const char *kind, const char *subject, const char *dir,
                        const char *what, struct err *e)
{
    struct versions vs = {0};
    struct err e1 = {0};
    if (app_version_list(w->a, kind, subject, &vs, &e1)) {
        versions_free(&vs);
        if (soft(&e1)) {
            manifest_omit(w->m, what, &e1);
            return 0;
        }
        *e = e1;
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < vs.n && rc == 0; i++) {
        const struct version *v = &vs.v[i];
        char title[200], source[160];
        snprintf(title, sizeof title, "%s %s v%d %s", kind, v->subject ? v->subject : "",
                 v->number, v->state ? v->state : "");
        snprintf(source, sizeof source, "%s:%s:%d (sha256 %s)", kind, v->subject ? v->subject : "",
                 v->number, v->sha256 ? v->sha256 : "");
        const char *c = v->content ? v->content : "";
        rc = add_bytes(w, dir, title, "json", what, source, c, strlen(c), e);
    }
    versions_free(&vs);
    return rc;
}

static int add_of_type(struct bw *w, const char *type, struct records *out, struct err *e)
{
    const struct rtype *t = rtype_find(type);
    if (!principal_is_system(&w->a->who) && !perm_allows(w->a->who.role, PERM_READ, t, -1)) {
        struct err why = {0};
        err_set(&why, ERR_FORBIDDEN, NULL, "the %s role may not read %s",
                role_names[w->a->who.role], t->plural);
        manifest_omit(w->m, t->plural, &why);
        return 0;
    }
    static const char *const cols[] = {"title", NULL};
    struct query q = {0};
    q.columns = cols;
    return store_list(w->a->st, &w->a->who, t, &q, records_add, out, e);
}

static int add_reviews(struct bw *w, struct err *e)
{
    struct records rs = {0};
    int rc = add_of_type(w, "review", &rs, e);
    for (size_t i = 0; i < rs.n && rc == 0; i++) {
        const struct record *r = rs.v[i];
        char title[300];
        snprintf(title, sizeof title, "%s %s", r->ref,
                 record_get(r, "title") ? record_get(r, "title") : "");
        rc = add_report(w, "review", r->ref, NULL, "reviews", title, 1, 0, "review-pack",
                        r->ref, e);
        if (rc == 0) {
            rc = add_versions(w, "review-pack", r->ref, "reviews", "review-pack-frozen", e);
        }
        if (rc == 0) {
            rc = add_versions(w, "review-minutes", r->ref, "reviews", "review-minutes", e);
        }
    }
    records_free(&rs);
    return rc;
}

static int add_audits(struct bw *w, struct err *e)
{
    struct records rs = {0};
    int rc = add_of_type(w, "audit", &rs, e);
    int others = !w->audit || audit_covers_clause(w->clauses, "9.2");
    for (size_t i = 0; i < rs.n && rc == 0; i++) {
        const struct record *r = rs.v[i];
        if (!others && strcmp(r->ref, w->audit->ref)) {
            continue;
        }
        char title[300];
        snprintf(title, sizeof title, "%s %s", r->ref,
                 record_get(r, "title") ? record_get(r, "title") : "");
        rc = add_report(w, "audit", r->ref, NULL, "audits", title, 1, 0, "audit-report", r->ref,
                        e);
    }
    records_free(&rs);
    return rc;
}

struct att_list {
    struct attachment_info *v;
    size_t n, cap;
};

static int take_att(void *ctx, const struct attachment_info *info)
{
    struct att_list *l = ctx;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 32;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = *info;
    return 0;
}

static int add_evidence(struct bw *w, struct err *e)
{
    struct att_list l = {0};
    if (app_attachments(w->a, NULL, 0, take_att, &l, e)) {
        free(l.v);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < l.n && rc == 0; i++) {
        const struct attachment_info *info = &l.v[i];
        if (has(&w->written, info->ref) || !subject_covered(w, info->subject)) {
            continue;
        }
        struct attachment_reader *rd = NULL;
        struct err e1 = {0};
        if (app_attachment_open(w->a, info->ref, info->subject, 0, &rd, &e1)) {
            if (e1.code == ERR_NOTFOUND || e1.code == ERR_FORBIDDEN) {
                manifest_omit(w->m, info->ref, &e1);
                continue;
            }
            *e = e1; /* a changed file fails the bundle, naming it */
            rc = -1;
            break;
        }
        rc = add_reader(w, "evidence", NULL, rd, "evidence", info->subject, e);
        app_attachment_close(rd);
    }
    free(l.v);
    return rc;
}

static int add_readiness(struct bw *w, struct err *e)
{
    if (add_report(w, "readiness", NULL, NULL, "readiness", "readiness", 1, 1, "readiness",
                   "readiness", e)) {
        return -1;
    }
    struct readiness rd;
    struct err e1 = {0};
    if (app_readiness(w->a, NULL, &rd, &e1)) {
        if (soft(&e1)) {
            manifest_omit(w->m, "readiness/readiness.json", &e1);
            return 0;
        }
        *e = e1;
        return -1;
    }
    struct buf b;
    buf_init(&b, 0);
    struct jw j;
    jw_init(&j, &b, 1);
    readiness_json(&j, &rd);
    buf_putc(&b, '\n');
    readiness_free(&rd);
    int rc = add_bytes(w, "readiness", "readiness", "json", "readiness", "readiness", b.p, b.len,
                       e);
    buf_free(&b);
    return rc;
}

static int add_registers(struct bw *w, struct err *e)
{
    int risks = !w->audit || audit_covers_clause(w->clauses, "6.1.2") ||
                audit_covers_clause(w->clauses, "6.1.3") || audit_covers_clause(w->clauses, "8.2") ||
                audit_covers_clause(w->clauses, "8.3");
    int soa = risks || (w->audit && !str_empty(w->controls));
    static const char *const fmts[] = {"csv", "xlsx"};
    int rc = 0;
    for (int k = 0; k < 2 && rc == 0; k++) {
        if (soa) {
            rc = add_register(w, "soa-iso27001-2022", fmts[k], e);
        }
        if (rc == 0 && risks) {
            rc = add_register(w, "risks", fmts[k], e);
        }
        if (rc == 0 && risks) {
            rc = add_register(w, "plan", fmts[k], e);
        }
        if (rc == 0 && risks) {
            rc = add_register(w, "assets", fmts[k], e);
        }
    }
    if (rc == 0 && soa) {
        rc = add_report(w, "soa", NULL, NULL, "registers", "soa-iso27001-2022", 1, 0, "register",
                        "soa iso27001-2022", e);
    }
    if (rc == 0 && risks) {
        rc = add_report(w, "risks", NULL, NULL, "registers", "risks", 1, 0, "register", "risks", e);
    }
    if (rc == 0 && risks) {
        rc = add_report(w, "plan", NULL, NULL, "registers", "plan", 1, 0, "register", "plan", e);
    }
    if (rc == 0 && risks) {
        rc = add_report(w, "assets", NULL, NULL, "registers", "assets", 1, 0, "register",
                        "assets", e);
    }
    if (rc == 0 && soa) {
        rc = add_versions(w, "soa", NULL, "soa", "soa-version", e);
    }
    if (rc == 0 && risks) {
        rc = add_versions(w, "method", NULL, "versions", "method-version", e);
    }
    if (rc == 0 && (!w->audit || audit_covers_clause(w->clauses, "4.3"))) {
        rc = add_versions(w, "scope", NULL, "versions", "scope-version", e);
    }
    return rc;
}

/* bundle: the security log. The controls an audit's scope must cover for
 * it to go in (else only a whole bundle holds it): logging and monitoring,
 * and access control, identities, authentication and access rights, which
 * its sign-ins, second-factor events, tokens and role changes evidence. */
static const char *const seclog_controls[] = {"8.15", "8.16", "5.15", "5.16", "5.17",
                                              "5.18", "8.2",  "8.5",  NULL};

struct seclog_out {
    int jfd, cfd;
    struct buf jb, cb; /* what is not written yet */
    struct jw j;
    int hide_address;
    long n;
    int werr; /* errno of a failed write */
};

static int write_out(int fd, struct buf *b, int *werr)
{
    const char *p = b->p;
    size_t n = b->len;
    while (n && !*werr) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR) {
            continue;
        }
        if (k <= 0) {
            *werr = k < 0 ? errno : EIO;
            break;
        }
        p += k;
        n -= (size_t)k;
    }
    buf_reset(b);
    return *werr ? -1 : 0;
}

static int seclog_one(void *ctx, struct seclog_entry *x)
{
    struct seclog_out *o = ctx;
    seclog_entry_evidence(x, o->hide_address);
    seclog_entry_json(&o->j, x);
    seclog_entry_csv(&o->cb, x);
    o->n++;
    if (o->jb.len >= CHUNK && write_out(o->jfd, &o->jb, &o->werr)) {
        return -1;
    }
    if (o->cb.len >= CHUNK && write_out(o->cfd, &o->cb, &o->werr)) {
        return -1;
    }
    return 0;
}

/* security/security-log.json and .csv: every entry of the security log
 * (seclog.h: the typed rows of `isms log`, one writer for both forms) in
 * its evidence form, written to the private directory a page at a time and
 * streamed in; for a principal perm_reads_security_log admits, when the
 * scope is whole or covers one of seclog_controls. */
static int add_security_log(struct bw *w, struct err *e)
{
    int covered = !w->audit;
    for (int i = 0; !covered && seclog_controls[i]; i++) {
        covered = control_covered(w, seclog_controls[i]);
    }
    if (!covered) {
        return 0;
    }
    if (!perm_reads_security_log(&w->a->who)) {
        struct err why = {0};
        err_set(&why, ERR_FORBIDDEN, NULL, "the %s role may not read the security log",
                w->a->who.role >= 0 && w->a->who.role < ROLE__COUNT ? role_names[w->a->who.role]
                                                                    : "none");
        manifest_omit(w->m, "security/security-log", &why);
        return 0;
    }
    char jpath[128], cpath[128];
    snprintf(jpath, sizeof jpath, "%s/security-log.json", w->tmp);
    snprintf(cpath, sizeof cpath, "%s/security-log.csv", w->tmp);
    struct seclog_out o;
    memset(&o, 0, sizeof o);
    o.jfd = open(jpath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    o.cfd = open(cpath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (o.jfd < 0 || o.cfd < 0) {
        int en = errno;
        if (o.jfd >= 0) {
            close(o.jfd);
        }
        if (o.cfd >= 0) {
            close(o.cfd);
        }
        unlink(jpath);
        unlink(cpath);
        return err_set(e, ERR_STORAGE, "bundle", "cannot write the security log for the bundle: %s",
                       strerror(en));
    }
    o.hide_address = w->a->who.personal_hidden;
    buf_init(&o.jb, 0);
    buf_init(&o.cb, 0);
    jw_init(&o.j, &o.jb, 1);
    jw_obj(&o.j);
    jw_key(&o.j, "format");
    jw_str(&o.j, "isms-security-log-1");
    jw_key(&o.j, "order");
    jw_str(&o.j, "newest first");
    jw_key(&o.j, "addresses");
    jw_str(&o.j, o.hide_address ? "left out (the privacy rule: an external auditor without the "
                                  "privacy grant)"
                                : "included");
    jw_key(&o.j, "items");
    jw_arr(&o.j);
    seclog_csv_header(&o.cb);
    int rc = app_seclog_each(w->a, seclog_one, &o, e);
    if (rc == 0 && !o.werr) {
        jw_arr_end(&o.j);
        jw_key(&o.j, "count");
        jw_int(&o.j, o.n);
        jw_obj_end(&o.j);
        buf_putc(&o.jb, '\n');
        write_out(o.jfd, &o.jb, &o.werr);
        write_out(o.cfd, &o.cb, &o.werr);
    }
    if (o.werr || o.jb.over || o.cb.over) {
        rc = err_set(e, ERR_STORAGE, "bundle", "cannot write the security log for the bundle: %s",
                     o.werr ? strerror(o.werr) : "an entry is too large");
    }
    buf_free(&o.jb);
    buf_free(&o.cb);
    if (close(o.jfd) && rc == 0) {
        rc = err_set(e, ERR_STORAGE, "bundle", "cannot write the security log for the bundle: %s",
                     strerror(errno));
    }
    if (close(o.cfd) && rc == 0) {
        rc = err_set(e, ERR_STORAGE, "bundle", "cannot write the security log for the bundle: %s",
                     strerror(errno));
    }
    if (rc) {
        unlink(jpath);
        unlink(cpath);
        return -1;
    }
    char source[64];
    snprintf(source, sizeof source, "security log (%ld entries)", o.n);
    if (add_file(w, "security", "security-log", "json", "security-log", source, jpath, e)) {
        unlink(cpath);
        return -1;
    }
    return add_file(w, "security", "security-log", "csv", "security-log", source, cpath, e);
}

struct head {
    long long seq;
    char hash[65];
};

static int take_head(void *ctx, const struct history_entry *h)
{
    struct head *hd = ctx;
    hd->seq = h->seq;
    strlcpy_(hd->hash, h->hash ? h->hash : "", sizeof hd->hash);
    return 0;
}

static int write_manifest(struct bw *w, struct err *e)
{
    struct buf b;
    buf_init(&b, 0);
    struct jw j;
    jw_init(&j, &b, 1);
    bundle_manifest_json(&j, w->m);
    buf_putc(&b, '\n');
    char path[] = MANIFEST;
    struct sha256 h;
    sha256_begin(&h);
    int rc = entry_begin(w, path, (int64_t)b.len, e);
    if (rc == 0) {
        rc = entry_data(w, &h, b.p, b.len, e);
    }
    if (rc == 0 && archive_write_finish_entry(w->ar) != ARCHIVE_OK) {
        rc = arch_fail(w, MANIFEST, e);
    }
    sha256_hex_end(&h, w->m->manifest_sha256);
    buf_free(&b);
    return rc;
}

static int fill(struct bw *w, const char *audit, struct err *e)
{
    struct app *a = w->a;
    struct bundle_manifest *m = w->m;
    strlcpy_(m->format, "isms-bundle-1", sizeof m->format);
    time_now(m->created_at);
    strlcpy_(m->created_by, a->signer.name[0] ? a->signer.name : a->actor, sizeof m->created_by);
    strlcpy_(m->role,
             principal_is_system(&a->who) ? "system"
             : a->who.role >= 0 && a->who.role <= ROLE_STAFF ? role_names[a->who.role]
                                                              : "none",
             sizeof m->role);
    strlcpy_(m->scope, audit ? audit : "whole", sizeof m->scope);
    /* the organization: as every report's page header names it */
    struct rdoc d;
    struct err e1 = {0};
    strlcpy_(m->organization, "ISMS", sizeof m->organization);
    if (report_build(a, "readiness", NULL, NULL, &d, &e1) == 0 && d.org) {
        strlcpy_(m->organization, d.org, sizeof m->organization);
    }
    rdoc_free(&d);
    /* the chain's head: its number and hash only (read as the system: no
     * content of the entry goes into the bundle) */
    struct head hd = {0, ""};
    long long last = store_history_last_seq(a->st, e);
    if (last < 0 ||
        (last > 0 && store_history_since(a->st, principal_sys(), last - 1, take_head, &hd, e))) {
        return -1;
    }
    m->head_seq = hd.seq;
    strlcpy_(m->head_hash, hd.hash, sizeof m->head_hash);
    if (audit) {
        if (app_record_get(a, rtype_find("audit"), audit, &w->audit, e)) {
            return -1;
        }
        w->clauses = record_get(w->audit, "clauses") ? record_get(w->audit, "clauses") : "";
        w->controls = record_get(w->audit, "controls") ? record_get(w->audit, "controls") : "";
        strlcpy_(m->scope_clauses, w->clauses, sizeof m->scope_clauses);
    }
    if (add_readiness(w, e) || add_documents(w, e) || add_registers(w, e)) {
        return -1;
    }
    if ((!w->audit || audit_covers_clause(w->clauses, "9.3")) && add_reviews(w, e)) {
        return -1;
    }
    if (add_audits(w, e) || add_evidence(w, e) || add_security_log(w, e)) {
        return -1;
    }
    return write_manifest(w, e);
}

int bundle_write_fd(struct app *a, const char *audit, int fd, struct bundle_manifest *mout,
                    struct err *e)
{
    /* a bundle holds versions and evidence: the router's PERM_HISTORY on
     * documents (staff: no), the same refusal on the CLI with --as */
    if (app_may_read(a, rtype_find("document"), 1, e)) {
        return -1;
    }
    if (audit && !rtype_of_ref(audit)) {
        return err_set(e, ERR_USAGE, "audit", "--audit takes an audit's identifier (AUD-NNNN), "
                       "not %.40s", audit);
    }
    if (audit && strcmp(rtype_of_ref(audit)->name, "audit")) {
        return err_set(e, ERR_USAGE, "audit", "%.40s is not an audit (AUD-NNNN)", audit);
    }
    struct bundle_manifest m0;
    struct bw w;
    memset(&w, 0, sizeof w);
    memset(&m0, 0, sizeof m0);
    w.a = a;
    w.m = &m0;
    w.now = time(NULL);
    snprintf(w.tmp, sizeof w.tmp, "%s/isms-bundle-XXXXXX",
             getenv("TMPDIR") && strlen(getenv("TMPDIR")) < 30 ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(w.tmp)) {
        return err_set(e, ERR_STORAGE, "bundle", "cannot make a temporary directory: %s",
                       strerror(errno));
    }
    w.ar = archive_write_new();
    archive_write_set_format_zip(w.ar);
    archive_write_zip_set_compression_deflate(w.ar);
    /* fast deflate: the bundle is made while someone waits (ignored when
     * libarchive does not know the option) */
    archive_write_set_format_option(w.ar, "zip", "compression-level", "1");
    archive_write_set_bytes_in_last_block(w.ar, 1);
    int rc = 0;
    if (archive_write_open_fd(w.ar, fd) != ARCHIVE_OK) {
        rc = arch_fail(&w, "open", e);
    }
    int own = !store_in_read(a->st) && !store_in_write(a->st);
    if (rc == 0 && own && store_read_begin(a->st, e)) {
        rc = -1;
        own = 0;
    }
    if (rc == 0) {
        rc = fill(&w, audit, e); /* one read snapshot: every part from the same state */
    }
    if (own) {
        store_read_end(a->st);
    }
    if (archive_write_close(w.ar) != ARCHIVE_OK && rc == 0) {
        rc = arch_fail(&w, "close", e);
    }
    archive_write_free(w.ar);
    rmdir(w.tmp);
    record_free(w.audit);
    bundle_names_free(&w.names);
    strmap_free(&w.docs_in);
    strmap_free(&w.written);
    if (rc == 0 && mout) {
        *mout = m0;
    } else {
        bundle_manifest_free(&m0);
    }
    return rc;
}

int bundle_write(struct app *a, const char *audit, const char *path, struct bundle_manifest *m,
                 struct err *e)
{
    struct outfile o;
    if (outfile_open(&o, path, e)) {
        return -1;
    }
    if (bundle_write_fd(a, audit, o.fd, m, e)) {
        outfile_abort(&o);
        return -1;
    }
    return outfile_commit(&o, e);
}

/* ---- verifying ----------------------------------------------------------- */

static void problem(struct buf *p, size_t *n, const char *fmt, const char *a1, const char *a2)
{
    if (p) {
        buf_printf(p, fmt, a1, a2);
        buf_putc(p, '\n');
    }
    (*n)++;
}

int bundle_verify(const char *path, struct buf *problems, size_t *files,
                  char manifest_sha256[65], struct err *e)
{
    if (manifest_sha256) {
        manifest_sha256[0] = 0;
    }
    struct archive *ar = archive_read_new();
    archive_read_support_format_zip(ar);
    if (archive_read_open_filename(ar, path, CHUNK) != ARCHIVE_OK) {
        int rc = err_set(e, ERR_STORAGE, "file", "cannot read %s as a zip: %s", path,
                         archive_error_string(ar) ? archive_error_string(ar) : "unknown error");
        archive_read_free(ar);
        return rc;
    }
    struct strmap seen = {0}; /* entry -> "SIZE SHA256" */
    struct buf manifest;
    buf_init(&manifest, MANIFEST_MAX);
    int have_manifest = 0, rc = 0;
    size_t nbad = 0, nfiles = 0;
    char *chunk = xmalloc(CHUNK);
    struct buf first;
    buf_init(&first, 0);
    for (;;) {
        struct archive_entry *en;
        int r = archive_read_next_header(ar, &en);
        if (r == ARCHIVE_EOF) {
            break;
        }
        if (r < ARCHIVE_WARN) {
            rc = err_set(e, ERR_STORAGE, "file", "cannot read %s: %s", path,
                         archive_error_string(ar) ? archive_error_string(ar) : "unknown error");
            break;
        }
        const char *name = archive_entry_pathname(en);
        if (!bundle_name_safe(name)) {
            char shown[200];
            snprintf(shown, sizeof shown, "%s", name ? name : "");
            for (char *c = shown; *c; c++) {
                if ((unsigned char)*c < 0x20) {
                    *c = '?';
                }
            }
            rc = err_set(e, ERR_INVALID, "entry",
                         "refused: entry name \"%s\" is unsafe (absolute, \"..\", backslash or "
                         "control character)",
                         shown);
            break;
        }
        int is_manifest = strcmp(name, MANIFEST) == 0;
        if (has(&seen, name) || (is_manifest && have_manifest)) {
            problem(problems, &nbad, "%s: appears twice in the zip%s", name, "");
            continue;
        }
        struct sha256 h;
        sha256_begin(&h);
        int64_t size = 0;
        int broken = 0;
        for (;;) {
            la_ssize_t k = archive_read_data(ar, chunk, CHUNK);
            if (k < 0) {
                broken = 1;
                break;
            }
            if (k == 0) {
                break;
            }
            size += k;
            if (is_manifest) {
                buf_append(&manifest, chunk, (size_t)k);
            }
            sha256_add(&h, chunk, (size_t)k);
        }
        if (broken || (is_manifest && manifest.over)) {
            problem(problems, &nbad, "%s: cannot be read (%s)", name,
                    broken && archive_error_string(ar) ? archive_error_string(ar) : "too large");
            if (!first.len) {
                buf_printf(&first, "%s cannot be read", name);
            }
            strmap_put(&seen, name, "unreadable");
            continue;
        }
        char sha[65], v[100];
        sha256_hex_end(&h, sha);
        if (is_manifest) {
            have_manifest = 1;
            if (manifest_sha256) {
                strlcpy_(manifest_sha256, sha, 65);
            }
            continue;
        }
        snprintf(v, sizeof v, "%lld %s", (long long)size, sha);
        strmap_put(&seen, name, v);
        nfiles++;
    }
    free(chunk);
    archive_read_free(ar);
    json_t *root = NULL;
    if (rc == 0 && !have_manifest) {
        rc = err_set(e, ERR_INVALID, "manifest", "%s holds no %s: not an evidence bundle", path,
                     MANIFEST);
    }
    if (rc == 0) {
        json_error_t je;
        root = json_loadb(manifest.p ? manifest.p : "", manifest.len, 0, &je);
        if (!root || !json_is_array(json_object_get(root, "files"))) {
            rc = err_set(e, ERR_INVALID, "manifest", "%s: %s is not a bundle manifest (%s)", path,
                         MANIFEST, root ? "no files list" : je.text);
        }
    }
    if (rc == 0) {
        struct strmap listed = {0};
        json_t *fl = json_object_get(root, "files");
        size_t i;
        json_t *f;
        json_array_foreach(fl, i, f)
        {
            const char *p = json_string_value(json_object_get(f, "path"));
            const char *sha = json_string_value(json_object_get(f, "sha256"));
            json_t *sz = json_object_get(f, "size");
            if (!p || !sha || !json_is_integer(sz)) {
                problem(problems, &nbad, "%s: manifest entry %s lacks path, size or sha256",
                        MANIFEST, p ? p : "(unnamed)");
                continue;
            }
            strmap_put(&listed, p, "");
            const char *got = NULL;
            if (!strmap_get(&seen, p, &got)) {
                problem(problems, &nbad, "%s: missing from the zip (listed in the manifest)%s", p,
                        "");
                if (!first.len) {
                    buf_printf(&first, "%s is missing", p);
                }
                continue;
            }
            if (got && strcmp(got, "unreadable") == 0) {
                continue;
            }
            long long want = (long long)json_integer_value(sz);
            long long have = got ? atoll(got) : -1;
            const char *hsha = got ? strchr(got, ' ') : NULL;
            if (have != want) {
                char msg[96];
                snprintf(msg, sizeof msg, "manifest %lld bytes, zip %lld", want, have);
                problem(problems, &nbad, "%s: size differs (%s)", p, msg);
                if (!first.len) {
                    buf_printf(&first, "%s: size differs from the manifest", p);
                }
            } else if (!hsha || strcmp(hsha + 1, sha)) {
                problem(problems, &nbad, "%s: SHA-256 differs from the manifest%s", p, "");
                if (!first.len) {
                    buf_printf(&first, "%s: SHA-256 differs from the manifest", p);
                }
            }
        }
        for (size_t k = 0; k < seen.cap; k++) {
            const char *name = seen.slot ? seen.slot[k].key : NULL;
            if (name && !has(&listed, name)) {
                problem(problems, &nbad, "%s: in the zip but not in the manifest%s", name, "");
                if (!first.len) {
                    buf_printf(&first, "%s is not in the manifest", name);
                }
            }
        }
        strmap_free(&listed);
        if (nbad) {
            rc = err_set(e, ERR_CONFLICT, "bundle", "%s does not match its manifest: %s%s", path,
                         first.len ? buf_str(&first) : "see the problems listed",
                         nbad > 1 ? " (and more)" : "");
        }
    }
    json_decref(root);
    strmap_free(&seen);
    buf_free(&manifest);
    buf_free(&first);
    if (files) {
        *files = nfiles;
    }
    return rc;
}
