/* store_attach.c — evidence files: the `blob` table (content stored once
 * per SHA-256) and the `attachment` table (which record, which name, until
 * when). Content goes in and out in chunks through SQLite's incremental
 * blob I/O, never whole in memory; on PostgreSQL (a bytea) written whole,
 * within the upload limit, and read a chunk at a time. SQL only; naming, media types, hashing
 * and history are in app/attach.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/util.h"
#include "store_int.h"

struct store_blob {
    sqlite3 *own; /* a connection of this reader alone, or NULL */
    sqlite3_blob *b;
    int64_t size;
    /* PostgreSQL: the store and the content's hash; each read asks for
     * its piece (substring of the bytea), so a download never holds more
     * than a chunk */
    struct store *pg;
    char sha256[65];
    int64_t pglen;
};

/* PostgreSQL: content in and out of a bytea whole. */
static int pg_blob_put(struct store *s, const char *sha256, int64_t size, int replace,
                       store_chunk_fn fill, void *ctx, struct err *e)
{
    if (size > 0x7fffffff) {
        return err_set(e, ERR_TOOBIG, NULL,
                       "the file is larger than this ISMS can hold "
                       "(%d bytes)",
                       0x7fffffff);
    }
    char *data = xmalloc(size ? (size_t)size : 1);
    for (int64_t off = 0; off < size;) {
        size_t n = size - off < STORE_CHUNK ? (size_t)(size - off) : STORE_CHUNK;
        if (fill(ctx, data + off, n, off, e)) {
            free(data);
            return -1;
        }
        off += (int64_t)n;
    }
    struct dbst *st =
        store_prepare(s,
                      replace ? "UPDATE blob SET data = ?3 WHERE sha256 = ?1 AND size = ?2"
                              : "INSERT INTO blob (sha256, size, data) VALUES (?1, ?2, ?3)",
                      e);
    int rc = -1;
    if (st) {
        db_bind_text(st, 1, sha256, -1);
        db_bind_int64(st, 2, size);
        db_bind_blob_static(st, 3, data, (int)size); /* freed after the statement ran */
        rc = store_run(s, st, e);
        db_clear_bindings(st);
    }
    free(data);
    return rc;
}

static int pg_blob_open(struct store *s, const char *sha256, struct store_blob *r, struct err *e)
{
    struct dbst *st =
        store_prepare(s, "SELECT size, octet_length(data) FROM blob WHERE sha256 = ?1", e);
    if (!st) {
        return -1;
    }
    db_bind_text(st, 1, sha256, -1);
    int rc = store_step(s, st, e);
    if (rc == DB_ROW) {
        r->size = db_col_int64(st, 0);
        r->pglen = db_col_int64(st, 1);
        r->pg = s;
        strlcpy_(r->sha256, sha256, sizeof r->sha256);
    }
    db_reset(st);
    if (rc == DB_DONE) {
        return err_set(e, ERR_NOTFOUND, NULL, "no stored content with SHA-256 %s", sha256);
    }
    return rc < 0 ? -1 : 0;
}

static int pg_blob_read(struct store_blob *b, void *buf, size_t n, int64_t off, struct err *e)
{
    if (off < 0 || off > b->pglen || (int64_t)n > b->pglen - off) {
        return err_set(e, ERR_STORAGE, NULL, "reading stored content failed");
    }
    struct dbst *st = store_prepare(
        b->pg, "SELECT substring(data FROM ?2 FOR ?3) FROM blob WHERE sha256 = ?1", e);
    if (!st) {
        return -1;
    }
    db_bind_text(st, 1, b->sha256, -1);
    db_bind_int64(st, 2, off + 1);
    db_bind_int64(st, 3, (long long)n);
    int rc = store_step(b->pg, st, e), out = 0;
    if (rc != DB_ROW || db_col_bytes(st, 0) != (int)n) {
        out = rc < 0 ? -1 : err_set(e, ERR_STORAGE, NULL, "reading stored content failed");
    } else {
        memcpy(buf, db_col_blob(st, 0), n);
    }
    db_reset(st);
    return out;
}

int store_blob_size(struct store *s, const char *sha256, int64_t *size, struct err *e)
{
    struct dbst *st = store_prepare(s, "SELECT size FROM blob WHERE sha256 = ?1", e);
    if (!st) {
        return -1;
    }
    db_bind_text(st, 1, sha256, -1);
    int rc = store_step(s, st, e);
    if (rc == DB_ROW) {
        *size = db_col_int64(st, 0);
    }
    db_reset(st);
    return rc < 0 ? -1 : rc == DB_ROW;
}

int store_blob_put(struct store *s, const char *sha256, int64_t size, int replace,
                   store_chunk_fn fill, void *ctx, struct err *e)
{
    if (DB_IS_PG(s->db)) {
        return size < 0 ? err_set(e, ERR_INVALID, "size", "a negative size")
                        : pg_blob_put(s, sha256, size, replace, fill, ctx, e);
    }
    if (size < 0 || size > sqlite3_limit(s->db->lite, SQLITE_LIMIT_LENGTH, -1)) {
        return err_set(e, ERR_TOOBIG, NULL,
                       "the file is larger than this ISMS file can hold "
                       "(%d bytes)",
                       sqlite3_limit(s->db->lite, SQLITE_LIMIT_LENGTH, -1));
    }
    /* replace: content put back under its hash (a repair of a blob changed
     * behind our back); its size column stays, the bytes are set again */
    struct dbst *st = store_prepare(
        s,
        replace ? "UPDATE blob SET data = zeroblob(?2) WHERE sha256 = ?1 AND size = ?2 "
                  "RETURNING rowid"
                : "INSERT INTO blob (sha256, size, data) VALUES (?1, ?2, zeroblob(?2)) "
                  "RETURNING rowid",
        e);
    if (!st) {
        return -1;
    }
    db_bind_text(st, 1, sha256, -1);
    db_bind_int64(st, 2, size);
    int step = store_step(s, st, e);
    long long row = step == DB_ROW ? db_col_int64(st, 0) : 0;
    while (step == DB_ROW && db_step(st) == DB_ROW) {
    }
    db_reset(st);
    if (step != DB_ROW) {
        return step < 0 ? -1 : err_set(e, ERR_STORAGE, NULL, "storing the file's content failed");
    }
    sqlite3_blob *b = NULL;
    if (sqlite3_blob_open(s->db->lite, "main", "blob", "data", row, 1, &b) != SQLITE_OK) {
        sqlite3_blob_close(b);
        return store_sqlerr(s, e, "writing the file's content");
    }
    char *chunk = xmalloc(STORE_CHUNK);
    int rc = 0;
    for (int64_t off = 0; off < size && rc == 0;) {
        size_t n = size - off < STORE_CHUNK ? (size_t)(size - off) : STORE_CHUNK;
        if (fill(ctx, chunk, n, off, e)) {
            rc = -1;
        } else if (sqlite3_blob_write(b, chunk, (int)n, (int)off) != SQLITE_OK) {
            rc = store_sqlerr(s, e, "writing the file's content");
        }
        off += (int64_t)n;
    }
    free(chunk);
    if (sqlite3_blob_close(b) != SQLITE_OK && rc == 0) {
        rc = store_sqlerr(s, e, "writing the file's content");
    }
    return rc;
}

int store_blob_open(struct store *s, const char *sha256, int own, struct store_blob **out,
                    struct err *e)
{
    *out = NULL;
    struct store_blob *r = xcalloc(1, sizeof *r);
    if (DB_IS_PG(s->db)) {
        if (pg_blob_open(s, sha256, r, e)) {
            store_blob_close(r);
            return -1;
        }
        *out = r;
        return 0;
    }
    sqlite3 *db = s->db->lite; /* SQLite only: incremental blob I/O */
    if (own) {
        /* A download is read after its handler returned, interleaved with
         * other requests on this thread's connection: it gets a connection
         * (and a read snapshot) of its own. */
        /* A small page cache: the content is read front to back, twice
         * (verify, then send), so caching it buys nothing. */
        if (sqlite3_open_v2(s->path, &r->own, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
                SQLITE_OK ||
            sqlite3_exec(r->own, "PRAGMA cache_size = -256; BEGIN", NULL, NULL, NULL) !=
                SQLITE_OK) {
            err_set(e, ERR_STORAGE, NULL, "%s: cannot open for reading: %s", s->path,
                    sqlite3_errmsg(r->own));
            store_blob_close(r);
            return -1;
        }
        sqlite3_busy_timeout(r->own, 5000);
        db = r->own;
    }
    sqlite3_stmt *st = NULL;
    int found = 0;
    long long row = 0;
    if (sqlite3_prepare_v2(db, "SELECT rowid, size FROM blob WHERE sha256 = ?1", -1, &st, NULL) ==
        SQLITE_OK) {
        sqlite3_bind_text(st, 1, sha256, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) == SQLITE_ROW) {
            row = sqlite3_column_int64(st, 0);
            r->size = sqlite3_column_int64(st, 1);
            found = 1;
        }
    }
    sqlite3_finalize(st);
    if (!found) {
        store_blob_close(r);
        return err_set(e, ERR_NOTFOUND, NULL, "no stored content with SHA-256 %s", sha256);
    }
    if (sqlite3_blob_open(db, "main", "blob", "data", row, 0, &r->b) != SQLITE_OK) {
        err_set(e, ERR_STORAGE, NULL, "reading stored content: %s", sqlite3_errmsg(db));
        store_blob_close(r);
        return -1;
    }
    *out = r;
    return 0;
}

int64_t store_blob_length(const struct store_blob *b)
{
    /* the bytes really there, which a change behind our back may have made
     * differ from the recorded size */
    return b->pg ? b->pglen : sqlite3_blob_bytes(b->b);
}

int store_blob_read(struct store_blob *b, void *buf, size_t n, int64_t off, struct err *e)
{
    if (b->pg) {
        return pg_blob_read(b, buf, n, off, e);
    }
    if (sqlite3_blob_read(b->b, buf, (int)n, (int)off) != SQLITE_OK) {
        return err_set(e, ERR_STORAGE, NULL, "reading stored content failed");
    }
    return 0;
}

void store_blob_close(struct store_blob *b)
{
    if (!b) {
        return;
    }
    sqlite3_blob_close(b->b);
    if (b->own) {
        sqlite3_exec(b->own, "COMMIT", NULL, NULL, NULL);
        sqlite3_close(b->own);
    }
    free(b);
}

int store_blobs(struct store *s, store_blob_fn fn, void *ctx, struct err *e)
{
    struct dbst *st = store_prepare(s, "SELECT sha256, size FROM blob ORDER BY sha256", e);
    if (!st) {
        return -1;
    }
    int rc;
    while ((rc = store_step(s, st, e)) == DB_ROW) {
        if (fn(ctx, store_col(st, 0), db_col_int64(st, 1))) {
            break;
        }
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}

int store_attachment_add(struct store *s, const struct attachment_row *a, char ref[24],
                         struct err *e)
{
    struct dbst *st = store_prepare(s,
                                    "INSERT INTO refseq (prefix, last) VALUES ('ATT', 1) "
                                    "ON CONFLICT (prefix) DO UPDATE SET last = refseq.last + 1 "
                                    "RETURNING last",
                                    e);
    if (!st) {
        return -1;
    }
    if (store_step(s, st, e) != DB_ROW) {
        db_reset(st);
        return e->code ? -1 : err_set(e, ERR_STORAGE, NULL, "allocating an identifier failed");
    }
    long n = (long)db_col_int64(st, 0);
    while (db_step(st) == DB_ROW) {
    }
    db_reset(st);
    snprintf(ref, 24, "ATT-%04ld", n);
    st = store_prepare(s,
                       "INSERT INTO attachment (ref, subject, name, media_type, size, sha256, "
                       "valid_until, added_at, added_by) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)",
                       e);
    if (!st) {
        return -1;
    }
    db_bind_text(st, 1, ref, -1);
    store_bind_opt(st, 2, a->subject);
    store_bind_opt(st, 3, a->name);
    store_bind_opt(st, 4, a->media_type);
    db_bind_int64(st, 5, a->size);
    store_bind_opt(st, 6, a->sha256);
    store_bind_opt(st, 7, a->valid_until);
    store_bind_opt(st, 8, a->added_at);
    store_bind_opt(st, 9, a->added_by);
    return store_run(s, st, e);
}

#define ATT_COLS                                                                                   \
    "ref, subject, name, media_type, size, sha256, valid_until, added_at, added_by, "              \
    "removed_at, removed_by"

/* Every attachment read: those of records the principal sees whose
 * history it may read (evidence files are not versioned with a document's
 * version in force: staff see none of a document's). */
static int walk(struct store *s, const struct principal *who, struct dbst *st,
                store_attachment_fn fn, void *ctx, struct err *e)
{
    int rc;
    int all = principal_is_system(who);
    while ((rc = store_step(s, st, e)) == DB_ROW) {
        struct attachment_row a = {store_col(st, 0), store_col(st, 1),    store_col(st, 2),
                                   store_col(st, 3), db_col_int64(st, 4), store_col(st, 5),
                                   store_col(st, 6), store_col(st, 7),    store_col(st, 8),
                                   store_col(st, 9), store_col(st, 10)};
        int seen = all ? 1 : store_sees_subject(s, who, NULL, a.subject, 0, NULL, SEES_HISTORY, e);
        if (seen < 0) {
            rc = -1;
            break;
        }
        if (seen && fn(ctx, &a)) {
            break;
        }
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}

int store_attachment_get(struct store *s, const struct principal *who, const char *ref,
                         store_attachment_fn fn, void *ctx, struct err *e)
{
    struct dbst *st = store_prepare(s, "SELECT " ATT_COLS " FROM attachment WHERE ref = ?1", e);
    if (!st) {
        return -1;
    }
    db_bind_text(st, 1, ref, -1);
    return walk(s, who, st, fn, ctx, e);
}

int store_attachments(struct store *s, const struct principal *who, const char *subject,
                      int include_removed, store_attachment_fn fn, void *ctx, struct err *e)
{
    struct dbst *st = store_prepare(s,
                                    "SELECT " ATT_COLS " FROM attachment WHERE (?1 IS NULL OR "
                                    "subject = ?1) AND (?2 OR removed_at IS NULL) ORDER BY id",
                                    e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, subject);
    db_bind_int(st, 2, include_removed);
    return walk(s, who, st, fn, ctx, e);
}

int store_attachments_of_blob(struct store *s, const struct principal *who, const char *sha256,
                              store_attachment_fn fn, void *ctx, struct err *e)
{
    struct dbst *st =
        store_prepare(s, "SELECT " ATT_COLS " FROM attachment WHERE sha256 = ?1 ORDER BY id", e);
    if (!st) {
        return -1;
    }
    db_bind_text(st, 1, sha256, -1);
    return walk(s, who, st, fn, ctx, e);
}

int store_attachment_remove(struct store *s, const char *ref, const char *at, const char *by,
                            struct err *e)
{
    struct dbst *st =
        store_prepare(s,
                      "UPDATE attachment SET removed_at = ?2, removed_by = ?3 WHERE ref = ?1 AND "
                      "removed_at IS NULL",
                      e);
    if (!st) {
        return -1;
    }
    db_bind_text(st, 1, ref, -1);
    store_bind_opt(st, 2, at);
    store_bind_opt(st, 3, by);
    if (store_run(s, st, e)) {
        return -1;
    }
    if (db_changes(s->db) != 1) {
        return err_set(e, ERR_CONFLICT, NULL, "%s was already removed", ref);
    }
    return 0;
}
