/* attach.c — evidence files attached to any record: naming and media types,
 * hashing, storing content once per SHA-256, listing, streamed reading with
 * verification, removal, and the part of `verify` that checks them. Every
 * attach and remove is a history entry of the record (type "attachment":
 * identifier, name, media type, size, SHA-256 — never the bytes), written
 * in the same transaction. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/buf.h"
#include "../lib/hash.h"
#include "../lib/json.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "app_int.h"

/* ---- names and media types ---------------------------------------------- */

/* Extensions we name a type for; anything else (HTML and SVG included) is
 * application/octet-stream. Downloads are attachments either way. */
static const struct {
    const char *ext, *type;
} media_types[] = {
    {"pdf", "application/pdf"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"webp", "image/webp"},
    {"txt", "text/plain"},
    {"csv", "text/csv"},
    {"md", "text/markdown"},
    {"json", "application/json"},
    {"zip", "application/zip"},
    {"eml", "message/rfc822"},
    {"doc", "application/msword"},
    {"xls", "application/vnd.ms-excel"},
    {"ppt", "application/vnd.ms-powerpoint"},
    {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    {"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
    {"odt", "application/vnd.oasis.opendocument.text"},
    {"ods", "application/vnd.oasis.opendocument.spreadsheet"},
    {"odp", "application/vnd.oasis.opendocument.presentation"},
};

const char *app_attachment_media_type(const char *name)
{
    const char *dot = name ? strrchr(name, '.') : NULL;
    if (dot && dot != name) {
        for (size_t i = 0; i < sizeof media_types / sizeof media_types[0]; i++) {
            if (strcasecmp_(dot + 1, media_types[i].ext) == 0) {
                return media_types[i].type;
            }
        }
    }
    return "application/octet-stream";
}

int app_attachment_name(const char *given, char out[ATT_NAME_MAX + 1], struct err *e)
{
    if (!given) {
        return err_set(e, ERR_INVALID, "name", "name: give the file's name");
    }
    /* a browser or a client may send a path: keep its last part only */
    const char *base = given;
    for (const char *p = given; *p; p++) {
        if (*p == '/' || *p == '\\') {
            base = p + 1;
        }
    }
    size_t n = strlen(base);
    if (n == 0 || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
        return err_set(e, ERR_INVALID, "name", "name: '%.80s' is not a file name", given);
    }
    if (n > ATT_NAME_MAX) {
        return err_set(e, ERR_INVALID, "name", "name: at most %d bytes", ATT_NAME_MAX);
    }
    if (!utf8_valid(base, n) || text_bad_control(base, 0)) {
        return err_set(e, ERR_INVALID, "name",
                       "name: must be UTF-8 text without control characters");
    }
    memcpy(out, base, n + 1);
    return 0;
}

/* ---- reading rows -------------------------------------------------------- */

static void copy_row(struct attachment_info *o, const struct attachment_row *r)
{
    memset(o, 0, sizeof *o);
    strlcpy_(o->ref, r->ref, sizeof o->ref);
    strlcpy_(o->subject, r->subject, sizeof o->subject);
    strlcpy_(o->name, r->name, sizeof o->name);
    strlcpy_(o->media_type, r->media_type, sizeof o->media_type);
    o->size = r->size;
    strlcpy_(o->sha256, r->sha256 ? r->sha256 : "", sizeof o->sha256);
    strlcpy_(o->valid_until, r->valid_until ? r->valid_until : "", sizeof o->valid_until);
    strlcpy_(o->added_at, r->added_at ? r->added_at : "", sizeof o->added_at);
    strlcpy_(o->added_by, r->added_by ? r->added_by : "", sizeof o->added_by);
    strlcpy_(o->removed_at, r->removed_at ? r->removed_at : "", sizeof o->removed_at);
    strlcpy_(o->removed_by, r->removed_by ? r->removed_by : "", sizeof o->removed_by);
    o->active = r->removed_at == NULL;
}

struct one {
    struct attachment_info *out;
    int found;
};

static int take_one(void *ctx, const struct attachment_row *r)
{
    struct one *o = ctx;
    copy_row(o->out, r);
    o->found = 1;
    return 1;
}

/* "ATT-" and 1-9 digits: anything else cannot name one */
static int ref_ok(const char *ref)
{
    if (!ref || strncmp(ref, "ATT-", 4) != 0 || !ref[4] || strlen(ref) > 13) {
        return 0;
    }
    for (const char *p = ref + 4; *p; p++) {
        if (*p < '0' || *p > '9') {
            return 0;
        }
    }
    return 1;
}

int app_attachment_get(struct app *a, const char *att_ref, struct attachment_info *out,
                       struct err *e)
{
    return app_attachment_get_as(a, &a->who, att_ref, out, e);
}

int app_attachment_get_as(struct app *a, const struct principal *who, const char *att_ref,
                          struct attachment_info *out, struct err *e)
{
    if (!ref_ok(att_ref)) {
        return err_set(e, ERR_NOTFOUND, "attachment", "no attachment %.40s (attachments are "
                       "named ATT-0001, ATT-0002, ...)", att_ref ? att_ref : "");
    }
    struct one o = {out, 0};
    if (store_attachment_get(a->st, who, att_ref, take_one, &o, e)) {
        return -1;
    }
    if (!o.found) {
        return err_set(e, ERR_NOTFOUND, "attachment", "no attachment %s", att_ref);
    }
    return 0;
}

struct each {
    app_attachment_fn fn;
    void *ctx;
};

static int each_row(void *ctx, const struct attachment_row *r)
{
    struct each *x = ctx;
    struct attachment_info info;
    copy_row(&info, r);
    return x->fn(x->ctx, &info);
}

int app_attachments(struct app *a, const char *subject, int include_removed,
                    app_attachment_fn fn, void *ctx, struct err *e)
{
    struct each x = {fn, ctx};
    return store_attachments(a->st, &a->who, subject, include_removed, each_row, &x, e);
}

int app_attachment_expiry(const struct attachment_info *info, const char *today, int *days)
{
    int y, m, d, ty, tm, td;
    if (!info->valid_until[0] || date_parse(info->valid_until, &y, &m, &d) ||
        date_parse(today, &ty, &tm, &td)) {
        return 0;
    }
    /* days between two civil dates (days from 1970-01-01, Hinnant's way) */
    long long dn[2];
    int ys[2] = {y, ty}, ms[2] = {m, tm}, ds[2] = {d, td};
    for (int i = 0; i < 2; i++) {
        int yy = ys[i] - (ms[i] <= 2);
        long long era = (yy >= 0 ? yy : yy - 399) / 400;
        long long yoe = yy - era * 400;
        long long doy = (153 * (ms[i] + (ms[i] > 2 ? -3 : 9)) + 2) / 5 + ds[i] - 1;
        long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        dn[i] = era * 146097 + doe - 719468;
    }
    *days = (int)(dn[0] - dn[1]);
    return 1;
}

void app_attachment_expiry_text(const struct attachment_info *info, const char *today,
                                char out[64])
{
    int days;
    out[0] = 0;
    if (!app_attachment_expiry(info, today, &days)) {
        return;
    }
    if (days < 0) {
        snprintf(out, 64, "expired %d day%s ago", -days, days == -1 ? "" : "s");
    } else if (days == 0) {
        snprintf(out, 64, "expires today");
    } else {
        snprintf(out, 64, "expires in %d day%s", days, days == 1 ? "" : "s");
    }
}

void app_attachment_json(struct jw *w, const struct attachment_info *info, const char *today)
{
    jw_obj(w);
    jw_key(w, "id");
    jw_str(w, info->ref);
    jw_key(w, "subject");
    jw_str(w, info->subject);
    jw_key(w, "name");
    jw_str(w, info->name);
    jw_key(w, "media_type");
    jw_str(w, info->media_type);
    jw_key(w, "size");
    jw_int(w, info->size);
    jw_key(w, "sha256");
    jw_str(w, info->sha256);
    jw_key(w, "valid_until");
    jw_str(w, info->valid_until[0] ? info->valid_until : NULL);
    int days;
    int has = app_attachment_expiry(info, today, &days);
    jw_key(w, "expires_in_days");
    if (has) {
        jw_int(w, days);
    } else {
        jw_null(w);
    }
    jw_key(w, "expired");
    jw_bool(w, has && days < 0);
    jw_key(w, "added_at");
    jw_str(w, info->added_at);
    jw_key(w, "added_by");
    jw_str(w, info->added_by);
    jw_key(w, "removed_at");
    jw_str(w, info->removed_at[0] ? info->removed_at : NULL);
    jw_key(w, "removed_by");
    jw_str(w, info->removed_by[0] ? info->removed_by : NULL);
    jw_obj_end(w);
}

/* What the history entry of an attach records (and a remove's before). */
static char *entry_json(const struct attachment_info *info)
{
    struct buf b;
    struct jw w;
    buf_init(&b, 0);
    jw_init(&w, &b, 0);
    jw_obj(&w);
    jw_key(&w, "attachment");
    jw_str(&w, info->ref);
    /* not "name": the record's page shows entry keys by its fields' labels */
    jw_key(&w, "file_name");
    jw_str(&w, info->name);
    jw_key(&w, "media_type");
    jw_str(&w, info->media_type);
    jw_key(&w, "size");
    jw_int(&w, info->size);
    jw_key(&w, "sha256");
    jw_str(&w, info->sha256);
    jw_key(&w, "valid_until");
    jw_str(&w, info->valid_until[0] ? info->valid_until : NULL);
    jw_obj_end(&w);
    return buf_take(&b);
}

/* ---- attaching ----------------------------------------------------------- */

struct src {
    int fd;
    int64_t off;
    struct sha256 h; /* of what was handed to the store */
};

static int pread_all(int fd, void *buf, size_t n, int64_t off, struct err *e)
{
    size_t got = 0;
    while (got < n) {
        ssize_t k = pread(fd, (char *)buf + got, n - got, (off_t)(off + (int64_t)got));
        if (k < 0 && errno == EINTR) {
            continue;
        }
        if (k <= 0) {
            return err_set(e, ERR_STORAGE, "file", "file: reading failed: %s",
                           k < 0 ? strerror(errno) : "it became shorter");
        }
        got += (size_t)k;
    }
    return 0;
}

static int fill_from_fd(void *ctx, void *chunk, size_t n, int64_t off, struct err *e)
{
    struct src *s = ctx;
    if (pread_all(s->fd, chunk, n, s->off + off, e)) {
        return -1;
    }
    sha256_add(&s->h, chunk, n);
    return 0;
}

static int hash_range(int fd, int64_t off, int64_t len, char out[65], struct err *e)
{
    struct sha256 h;
    sha256_begin(&h);
    char *chunk = xmalloc(STORE_CHUNK);
    int rc = 0;
    for (int64_t p = 0; p < len && rc == 0;) {
        size_t n = len - p < STORE_CHUNK ? (size_t)(len - p) : STORE_CHUNK;
        rc = pread_all(fd, chunk, n, off + p, e);
        sha256_add(&h, chunk, n);
        p += (int64_t)n;
    }
    free(chunk);
    sha256_hex_end(&h, out);
    return rc;
}

/* The record an attachment belongs to: it exists and is not retired. */
static int check_subject(struct app *a, const char *subject, struct err *e)
{
    const struct rtype *t = subject ? rtype_of_ref(subject) : NULL;
    int retired = 0;
    int rc = t ? store_exists(a->st, principal_sys(), t, subject, &retired, e) : 0;
    if (rc < 0) {
        return -1;
    }
    if (rc == 0) {
        return err_set(e, ERR_NOTFOUND, "id", "no record %.40s", subject ? subject : "");
    }
    if (retired) {
        return err_set(e, ERR_CONFLICT, "id", "%s %s is retired; evidence is attached to active "
                       "records", t->name, subject);
    }
    return 0;
}

/* Checks in and fills info (name, validity, media type, size, subject). */
static int attach_prepare(struct app *a, const struct attach_input *in,
                          struct attachment_info *info, struct err *e)
{
    memset(info, 0, sizeof *info);
    if (app_may_write(a, e) || app_attachment_name(in->name, info->name, e)) {
        return -1;
    }
    if (!str_empty(in->valid_until)) {
        int y, m, d;
        if (date_parse(in->valid_until, &y, &m, &d)) {
            return err_set(e, ERR_INVALID, "valid_until",
                           "valid_until: '%.40s' is not a date (YYYY-MM-DD)", in->valid_until);
        }
        strlcpy_(info->valid_until, in->valid_until, sizeof info->valid_until);
    }
    if (in->len < 0) {
        return err_set(e, ERR_INVALID, "file", "file: no content");
    }
    if (in->max && in->len > in->max) {
        return err_set(e, ERR_TOOBIG, "file", "file: larger than %lld bytes; nothing was stored",
                       (long long)in->max);
    }
    strlcpy_(info->media_type, app_attachment_media_type(info->name), sizeof info->media_type);
    info->size = in->len;
    strlcpy_(info->subject, in->subject ? in->subject : "", sizeof info->subject);
    return check_subject(a, in->subject, e);
}

/* The writes of an attach, inside the caller's transaction: the blob
 * unless stored already (re-hashed as it is copied), the row, the entry. */
static int check_blob(struct store_blob *b, const struct attachment_info *info, struct err *e);

static int attach_write(struct app *a, const struct attach_input *in,
                        struct attachment_info *info, struct err *e)
{
    int64_t have = 0;
    int rc = store_blob_size(a->st, info->sha256, &have, e);
    int replace = 0;
    if (rc == 1 && have == in->len) {
        /* stored already: unless what is stored no longer matches its hash
         * (changed behind our back), in which case these bytes repair it */
        struct store_blob *b = NULL;
        struct err e2 = {0};
        replace = store_blob_open(a->st, info->sha256, 0, &b, &e2) || check_blob(b, info, &e2);
        store_blob_close(b);
        rc = replace ? 0 : 1;
    } else if (rc == 1) {
        rc = err_set(e, ERR_CONFLICT, "file", "stored content with the same SHA-256 has another "
                     "size; run isms verify");
    }
    if (rc == 0) {
        struct src s;
        s.fd = in->fd;
        s.off = in->off;
        sha256_begin(&s.h);
        char again[65];
        rc = store_blob_put(a->st, info->sha256, in->len, replace, fill_from_fd, &s, e);
        sha256_hex_end(&s.h, again);
        if (rc == 0 && strcmp(again, info->sha256) != 0) {
            rc = err_set(e, ERR_CONFLICT, "file", "file: it changed while being stored; "
                         "nothing was stored");
        }
    } else if (rc == 1) {
        rc = 0;
    }
    if (rc) {
        return -1;
    }
    time_now(info->added_at);
    strlcpy_(info->added_by, a->actor, sizeof info->added_by);
    struct attachment_row row = {NULL, info->subject, info->name, info->media_type, info->size,
                                 info->sha256, info->valid_until[0] ? info->valid_until : NULL,
                                 info->added_at, info->added_by, NULL, NULL};
    if (store_attachment_add(a->st, &row, info->ref, e)) {
        return -1;
    }
    char *after = entry_json(info);
    rc = app_journal(a, info->added_at, "attachment", info->subject, "attach", NULL, after, e);
    free(after);
    info->active = 1;
    return rc;
}

int app_attach_tx(struct app *a, const struct attach_input *in, struct attachment_info *out,
                  struct err *e)
{
    struct attachment_info info;
    if (attach_prepare(a, in, &info, e) ||
        hash_range(in->fd, in->off, in->len, info.sha256, e) || attach_write(a, in, &info, e)) {
        return -1;
    }
    if (out) {
        *out = info;
    }
    return 0;
}

int app_attach(struct app *a, const struct attach_input *in, struct attachment_info *out,
               struct err *e)
{
    struct attachment_info info;
    /* hash before taking the write lock: a large file is read twice, but
     * other writers wait only for the copy */
    if (attach_prepare(a, in, &info, e) ||
        hash_range(in->fd, in->off, in->len, info.sha256, e)) {
        return -1;
    }
    if (store_begin(a->st, e)) {
        return -1;
    }
    /* the record may have been retired meanwhile */
    if (check_subject(a, in->subject, e) || attach_write(a, in, &info, e)) {
        store_rollback(a->st);
        return -1;
    }
    if (store_commit(a->st, e)) {
        return -1;
    }
    if (out) {
        *out = info;
    }
    return 0;
}

int app_attachment_remove(struct app *a, const char *att_ref, const char *subject, struct err *e)
{
    struct attachment_info info;
    if (store_begin(a->st, e)) {
        return -1;
    }
    int rc = app_attachment_get_as(a, principal_sys(), att_ref, &info, e);
    if (rc == 0 && subject && strcmp(subject, info.subject) != 0) {
        rc = err_set(e, ERR_NOTFOUND, "attachment", "no attachment %s", att_ref);
    }
    if (rc == 0 && !info.active) {
        rc = err_set(e, ERR_CONFLICT, "attachment", "%s was already removed (%s by %s)",
                     info.ref, info.removed_at, info.removed_by);
    }
    /* typed: a document's content file stays (doc_file.c) */
    if (rc == 0) {
        rc = doc_file_in_use(a, info.subject, info.ref, e);
    }
    char now[21];
    time_now(now);
    char *before = NULL;
    if (rc == 0) {
        rc = store_attachment_remove(a->st, info.ref, now, a->actor, e);
    }
    if (rc == 0) {
        before = entry_json(&info);
        char after[128];
        snprintf(after, sizeof after, "{\"attachment\":\"%s\",\"removed_at\":\"%s\"}", info.ref,
                 now);
        rc = app_journal(a, now, "attachment", info.subject, "remove", before, after, e);
    }
    free(before);
    if (rc) {
        store_rollback(a->st);
        return -1;
    }
    return store_commit(a->st, e);
}

/* ---- reading, verified --------------------------------------------------- */

struct attachment_reader {
    struct store_blob *b;
    struct attachment_info info;
    struct sha256 h;
    int64_t pos;
    int failed;
};

static int refuse_changed(const struct attachment_info *info, struct err *e)
{
    return err_set(e, ERR_CONFLICT, "attachment",
                   "the content of attachment %s (%s on %s) does not match its SHA-256 %.12s...: "
                   "it was changed behind the program's back; restore it from a backup",
                   info->ref, info->name, info->subject, info->sha256);
}

/* Reads all of b, comparing the hash and length with info's. */
static int check_blob(struct store_blob *b, const struct attachment_info *info, struct err *e)
{
    int64_t len = store_blob_length(b);
    if (len != info->size) {
        return refuse_changed(info, e);
    }
    struct sha256 h;
    sha256_begin(&h);
    char *chunk = xmalloc(STORE_CHUNK);
    int rc = 0;
    for (int64_t off = 0; off < len && rc == 0;) {
        size_t n = len - off < STORE_CHUNK ? (size_t)(len - off) : STORE_CHUNK;
        rc = store_blob_read(b, chunk, n, off, e);
        sha256_add(&h, chunk, n);
        off += (int64_t)n;
    }
    free(chunk);
    char hex[65];
    sha256_hex_end(&h, hex);
    if (rc == 0 && strcmp(hex, info->sha256) != 0) {
        rc = refuse_changed(info, e);
    }
    return rc;
}

int app_attachment_open(struct app *a, const char *att_ref, const char *subject, int own,
                        struct attachment_reader **out, struct err *e)
{
    return app_attachment_open_as(a, &a->who, att_ref, subject, own, out, e);
}

int app_attachment_open_as(struct app *a, const struct principal *who, const char *att_ref,
                           const char *subject, int own, struct attachment_reader **out,
                           struct err *e)
{
    *out = NULL;
    struct attachment_reader *r = xcalloc(1, sizeof *r);
    if (app_attachment_get_as(a, who, att_ref, &r->info, e)) {
        free(r);
        return -1;
    }
    if (subject && strcmp(subject, r->info.subject) != 0) {
        free(r);
        return err_set(e, ERR_NOTFOUND, "attachment", "no attachment %s", att_ref);
    }
    if (!r->info.active) {
        char msg[200];
        snprintf(msg, sizeof msg, "%s was removed (%s by %.100s)", r->info.ref, r->info.removed_at,
                 r->info.removed_by);
        free(r);
        return err_set(e, ERR_NOTFOUND, "attachment", "%s", msg);
    }
    if (store_blob_open(a->st, r->info.sha256, own, &r->b, e) ||
        check_blob(r->b, &r->info, e)) {
        if (e->code == ERR_NOTFOUND) {
            refuse_changed(&r->info, e);
        }
        app_attachment_close(r);
        return -1;
    }
    sha256_begin(&r->h);
    *out = r;
    return 0;
}

const struct attachment_info *app_attachment_reader_info(const struct attachment_reader *r)
{
    return &r->info;
}

long app_attachment_read(struct attachment_reader *r, void *buf, size_t max, struct err *e)
{
    if (r->failed) {
        return -1;
    }
    int64_t left = r->info.size - r->pos;
    size_t n = left < (int64_t)max ? (size_t)left : max;
    if (n && store_blob_read(r->b, buf, n, r->pos, e)) {
        r->failed = 1;
        return -1;
    }
    sha256_add(&r->h, buf, n);
    r->pos += (int64_t)n;
    if (n && r->pos == r->info.size) {
        /* the last piece: the bytes handed out must be the ones verified
         * (a server stops reading here, at the announced length) */
        char hex[65];
        struct sha256 copy = r->h;
        sha256_hex_end(&copy, hex);
        if (strcmp(hex, r->info.sha256) != 0) {
            r->failed = 1;
            return refuse_changed(&r->info, e);
        }
    }
    return (long)n;
}

void app_attachment_close(struct attachment_reader *r)
{
    if (r) {
        store_blob_close(r->b);
        free(r);
    }
}

/* ---- verify -------------------------------------------------------------- */

struct vatt {
    json_t *journal; /* ATT ref -> {subject, file_name, media_type, size, sha256, valid_until, removed} */
    struct app *a;
    struct err *e;
    int bad;
};

static int journal_att(void *ctx, const struct history_entry *h)
{
    struct vatt *v = ctx;
    json_t *after = json_loads(h->after ? h->after : "null", 0, NULL);
    const char *ref = json_string_value(json_object_get(after, "attachment"));
    json_t *known = ref ? json_object_get(v->journal, ref) : NULL;
    if (!ref || (strcmp(h->action, "attach") == 0 && known) ||
        (strcmp(h->action, "remove") == 0 && (!known || json_is_true(json_object_get(known, "removed")))) ||
        (strcmp(h->action, "attach") != 0 && strcmp(h->action, "remove") != 0)) {
        err_set(v->e, ERR_CONFLICT, NULL, "history entry #%lld (an attachment of %s) does not "
                "follow from the entries before it", (long long)h->seq, h->ref);
        v->bad = 1;
    } else if (strcmp(h->action, "attach") == 0) {
        json_object_set_new(after, "subject", json_string(h->ref));
        json_object_set_new(after, "removed", json_false());
        json_object_set(v->journal, ref, after);
    } else {
        json_object_set_new(known, "removed", json_true());
    }
    json_decref(after);
    return v->bad;
}

static int same_text(json_t *j, const char *key, const char *v)
{
    const char *s = json_string_value(json_object_get(j, key));
    return (v == NULL && s == NULL) || (v && s && strcmp(s, v) == 0);
}

static int check_row(void *ctx, const struct attachment_row *r)
{
    struct vatt *v = ctx;
    json_t *j = json_object_get(v->journal, r->ref);
    if (!j) {
        err_set(v->e, ERR_CONFLICT, NULL, "attachment %s (%s on %s) has no history entry: it was "
                "written behind the program's back", r->ref, r->name, r->subject);
        v->bad = 1;
    } else if (!same_text(j, "subject", r->subject) || !same_text(j, "file_name", r->name) ||
               !same_text(j, "media_type", r->media_type) || !same_text(j, "sha256", r->sha256) ||
               !same_text(j, "valid_until", r->valid_until) ||
               json_integer_value(json_object_get(j, "size")) != r->size ||
               json_is_true(json_object_get(j, "removed")) != (r->removed_at != NULL)) {
        err_set(v->e, ERR_CONFLICT, NULL, "attachment %s (%s on %s) differs from what its history "
                "says: it was changed behind the program's back", r->ref, r->name, r->subject);
        v->bad = 1;
    } else {
        json_object_del(v->journal, r->ref);
    }
    return v->bad;
}

struct vblob {
    struct vatt *v;
    long n;
};

static int name_blob(void *ctx, const struct attachment_row *r)
{
    struct attachment_info *info = ctx;
    copy_row(info, r);
    return 1;
}

static int check_one_blob(void *ctx, const char *sha256, int64_t size)
{
    struct vblob *vb = ctx;
    struct vatt *v = vb->v;
    struct attachment_info info;
    memset(&info, 0, sizeof info);
    strlcpy_(info.ref, "(none)", sizeof info.ref);
    strlcpy_(info.sha256, sha256, sizeof info.sha256);
    info.size = size;
    struct err e2 = {0};
    if (store_attachments_of_blob(v->a->st, principal_sys(), sha256, name_blob, &info, v->e)) {
        v->bad = 1;
        return 1;
    }
    info.size = size;
    struct store_blob *b = NULL;
    if (store_blob_open(v->a->st, sha256, 0, &b, &e2) || check_blob(b, &info, &e2)) {
        if (!strcmp(info.ref, "(none)")) {
            err_set(v->e, ERR_CONFLICT, NULL, "stored content %.12s... does not match its "
                    "SHA-256", sha256);
        } else {
            refuse_changed(&info, v->e);
        }
        v->bad = 1;
    }
    store_blob_close(b);
    vb->n++;
    return v->bad;
}

int app_verify_attachments(struct app *a, long *nblobs, struct err *e)
{
    struct vatt v = {json_object(), a, e, 0};
    struct vblob vb = {&v, 0};
    int rc = -1;
    if (store_history_of_types(a->st, principal_sys(), "attachment", "attachment", journal_att, &v, e) || v.bad ||
        store_attachments(a->st, principal_sys(), NULL, 1, check_row, &v, e) || v.bad) {
        goto done;
    }
    if (json_object_size(v.journal)) {
        const char *ref = json_object_iter_key(json_object_iter(v.journal));
        err_set(e, ERR_CONFLICT, NULL, "history records attachment %s, but it is missing: it was "
                "deleted behind the program's back", ref);
        goto done;
    }
    if (store_blobs(a->st, check_one_blob, &vb, e) || v.bad) {
        goto done;
    }
    if (nblobs) {
        *nblobs = vb.n;
    }
    rc = 0;
done:
    json_decref(v.journal);
    return rc;
}
