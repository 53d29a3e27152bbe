/* export_all.c — the whole ISMS as one JSON document plus a folder of
 * evidence contents, and back into a new file (`isms export`, `isms
 * import-all`): the migration path between versions, machines and
 * databases.
 *
 * The document (format_version 1):
 *   {"format":"isms-export","format_version":1,"schema_version":N,
 *    "with_accounts":false,
 *    "tables":[{"name":"account","columns":["id","name",...],
 *               "rows":[[1,"alice",...],...]}, ...]}
 * Every table of the file in name order, every row in key order (without
 * the sort keys, which are derived: store_derived_column), each value
 * as SQLite holds it: integer, real (17 significant digits, so it reads back
 * to the same double), text, null, or {"base64":"..."} for a binary value.
 * The `blob` table lists sha256 and size only; each content is the file
 * NAME.blobs/SHA256 beside the document, streamed in 64 KiB chunks both
 * ways (the folder is named after the document: "x.json" -> "x.blobs", so
 * moving an export moves both), so neither side holds an evidence file in memory. Nothing in the
 * document depends on when it was written: exporting an import again gives
 * the same bytes.
 *
 * The history chain travels as rows like any other: seq, prev and hash as
 * they were, never recomputed. verify recomputes every entry's hash from its
 * own fields and its predecessor's hash, so an imported chain verifies
 * exactly when it verified in the original, and an edited entry fails it.
 *
 * Secrets: accounts travel with name, role, person and flags; their password
 * and TOTP secret columns, the API token, questionnaire link and calendar
 * feed tables, the webhooks (HMAC keys) and their queue and the mail
 * password setting only with --with-accounts (and
 * all of them are hashes, except the TOTP and mail secrets, which the file
 * itself holds so). Sessions never. An account imported without its hash
 * gets the password hash "!" that no password matches: the administrator
 * sets new passwords (`isms user password`). */
#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>

#include "../lib/buf.h"
#include "../lib/hash.h"
#include "../lib/json.h"
#include "../lib/util.h"
#include "app_int.h"
#include "outbound.h"

#define FLUSH_AT (64 * 1024)

/* Columns that leave the file only with --with-accounts. */
static const struct {
    const char *table, *column;
} secret_cols[] = {
    {"account", "pwhash"},
    {"account", "totp_secret"},
};
/* Tables that leave only with --with-accounts (hashes of live secrets). */
/* (webhook: its HMAC keys; webhook_queue refers to it) */
static const char *const secret_tables[] = {"token", "qtoken", "calendar_feed", "webhook",
                                            "webhook_queue"};
/* Tables that never leave: live state of a running server, and the
 * bookkeeping of derived results (history_tables: which tables each
 * journaled transaction changed; a file without it is read as "everything
 * changed", and the import's own transaction records it afresh). */
static const char *const never_tables[] = {"session", "history_tables"};
/* The unusable password hash of an account imported without its own. */
#define NO_PASSWORD "!"

static int in_list(const char *s, const char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(s, v[i])) {
            return 1;
        }
    }
    return 0;
}

static int secret_col(const char *table, const char *col)
{
    for (size_t i = 0; i < sizeof secret_cols / sizeof secret_cols[0]; i++) {
        if (!strcmp(table, secret_cols[i].table) && !strcmp(col, secret_cols[i].column)) {
            return 1;
        }
    }
    return 0;
}

/* A setting whose value is a secret (the mail password). */
static int secret_setting(const char *key, size_t n)
{
    static const char suffix[] = "password";
    return n >= sizeof suffix - 1 && !memcmp(key + n - (sizeof suffix - 1), suffix, sizeof suffix - 1);
}

static int hex64(const char *s)
{
    if (!s || strlen(s) != 64) {
        return 0;
    }
    for (int i = 0; i < 64; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
            return 0;
        }
    }
    return 1;
}

/* The side folder's name for a document path: "x.json" -> "x.blobs". */
static char *blobs_dir(const char *out)
{
    size_t n = strlen(out);
    if (n > 5 && !strcmp(out + n - 5, ".json")) {
        n -= 5;
    }
    char *d = xmalloc(n + 7);
    memcpy(d, out, n);
    memcpy(d + n, ".blobs", 7);
    return d;
}

/* ---- export ------------------------------------------------------------- */

struct xp {
    struct app *a;
    FILE *f;
    struct buf b;
    const char *table;
    char **cols;
    int ncols;
    int nrows;
    int skip_setting; /* column index of setting.key to filter, or -1 */
    int is_blob;      /* the blob table: contents go to the side folder */
    const char *dir;
    struct export_result *r;
    int with_accounts;
};

static int flush(struct xp *x, int force, struct err *e)
{
    if (x->b.over) {
        return err_set(e, ERR_INTERNAL, NULL, "a row of table %s is too large to export", x->table);
    }
    if (x->b.len && (force || x->b.len >= FLUSH_AT)) {
        if (fwrite(x->b.p, 1, x->b.len, x->f) != x->b.len) {
            return err_set(e, ERR_STORAGE, NULL, "writing the export failed: %s", strerror(errno));
        }
        buf_reset(&x->b);
    }
    return 0;
}

static void real_text(struct buf *b, double d)
{
    char t[40];
    snprintf(t, sizeof t, "%.17g", d);
    buf_puts(b, t);
    if (!strpbrk(t, ".eEn")) {
        buf_puts(b, ".0"); /* stays a real when read back */
    }
}

struct blob_out {
    FILE *f;
    struct sha256 h;
};

static int blob_chunk(void *ctx, const void *data, size_t n, struct err *e)
{
    struct blob_out *o = ctx;
    sha256_add(&o->h, data, n);
    if (fwrite(data, 1, n, o->f) != n) {
        return err_set(e, ERR_STORAGE, NULL, "writing an evidence file failed: %s",
                       strerror(errno));
    }
    return 0;
}

static int write_blob(struct xp *x, const char *sha, struct err *e)
{
    if (!hex64(sha)) {
        return err_set(e, ERR_STORAGE, NULL, "a stored content has a malformed SHA-256");
    }
    size_t n = strlen(x->dir) + 70;
    char *p = xmalloc(n);
    snprintf(p, n, "%s/%s", x->dir, sha);
    struct blob_out o;
    o.f = fopen(p, "wbx");
    if (!o.f) {
        err_set(e, ERR_STORAGE, NULL, "%s: %s", p, strerror(errno));
        free(p);
        return -1;
    }
    sha256_begin(&o.h);
    int rc = store_dump_blob(x->a->st, sha, blob_chunk, &o, e);
    if (fclose(o.f) && !rc) {
        rc = err_set(e, ERR_STORAGE, NULL, "%s: %s", p, strerror(errno));
    }
    char got[65];
    sha256_hex_end(&o.h, got);
    if (!rc && strcmp(got, sha)) {
        rc = err_set(e, ERR_STORAGE, NULL,
                     "stored content %s does not match its SHA-256 (run isms verify)", sha);
    }
    free(p);
    return rc;
}

static int export_row(void *ctx, const struct dump_val *v, struct err *e)
{
    struct xp *x = ctx;
    if (x->skip_setting >= 0 && !x->with_accounts) {
        const struct dump_val *k = &v[x->skip_setting];
        if (k->kind == SQLITE_TEXT && secret_setting(k->p, k->n)) {
            return 0;
        }
    }
    buf_puts(&x->b, x->nrows ? ",\n" : "\n");
    x->nrows++;
    struct jw w;
    jw_init(&w, &x->b, 0);
    jw_arr(&w);
    for (int i = 0; i < x->ncols; i++) {
        switch (v[i].kind) {
        case SQLITE_INTEGER:
            jw_int(&w, v[i].i);
            break;
        case SQLITE_FLOAT: {
            struct buf tb;
            buf_init(&tb, 64);
            real_text(&tb, v[i].d);
            jw_numtext(&w, buf_str(&tb));
            buf_free(&tb);
            break;
        }
        case SQLITE_TEXT:
            if (strlen(v[i].p) != v[i].n) {
                return err_set(e, ERR_STORAGE, NULL, "table %s holds text with a NUL byte",
                               x->table);
            }
            jw_str(&w, v[i].p);
            break;
        case SQLITE_BLOB: {
            size_t bn = sodium_base64_encoded_len(v[i].n, sodium_base64_VARIANT_ORIGINAL);
            char *t = xmalloc(bn);
            sodium_bin2base64(t, bn, v[i].p, v[i].n, sodium_base64_VARIANT_ORIGINAL);
            jw_obj(&w);
            jw_key_name(&w, "base64");
            jw_str(&w, t);
            jw_obj_end(&w);
            free(t);
            break;
        }
        default:
            jw_null(&w);
        }
    }
    jw_arr_end(&w);
    x->r->rows++;
    if (x->is_blob) {
        if (v[0].kind != SQLITE_TEXT || write_blob(x, v[0].p, e)) {
            return v[0].kind != SQLITE_TEXT ? err_set(e, ERR_STORAGE, NULL, "a blob without a hash")
                                            : -1;
        }
        x->r->blobs++;
        x->r->blob_bytes += v[1].kind == SQLITE_INTEGER ? v[1].i : 0;
    }
    return flush(x, 0, e);
}

static int export_table(struct xp *x, const char *table, struct err *e)
{
    char **all = NULL;
    int nall = 0;
    if (store_dump_columns(x->a->st, table, &all, &nall, NULL, e)) {
        return -1;
    }
    /* the columns that leave */
    char **cols = xcalloc((size_t)nall, sizeof *cols);
    int n = 0;
    x->skip_setting = -1;
    x->is_blob = !strcmp(table, "blob");
    for (int i = 0; i < nall; i++) {
        if (!x->with_accounts && secret_col(table, all[i])) {
            continue;
        }
        if (store_derived_column(table, all[i])) {
            continue; /* a sort key: computed again by the import */
        }
        if (x->is_blob && !strcmp(all[i], "data")) {
            continue; /* in the side folder */
        }
        if (!strcmp(table, "setting") && !strcmp(all[i], "key")) {
            x->skip_setting = n;
        }
        cols[n++] = all[i];
    }
    if (x->is_blob && (n != 2 || strcmp(cols[0], "sha256") || strcmp(cols[1], "size"))) {
        free(cols);
        store_dump_names_free(all, nall);
        return err_set(e, ERR_STORAGE, NULL, "the blob table has unexpected columns");
    }
    x->table = table;
    x->cols = cols;
    x->ncols = n;
    x->nrows = 0;
    struct jw w;
    jw_init(&w, &x->b, 0);
    buf_puts(&x->b, x->r->tables ? ",\n" : "\n");
    jw_obj(&w);
    jw_key_name(&w, "name");
    jw_str(&w, table);
    jw_key_name(&w, "columns");
    jw_arr(&w);
    for (int i = 0; i < n; i++) {
        jw_str(&w, cols[i]);
    }
    jw_arr_end(&w);
    jw_key_name(&w, "rows");
    buf_puts(&x->b, "[");
    int rc = store_dump_rows(x->a->st, table, cols, n, export_row, x, e);
    if (!rc) {
        buf_puts(&x->b, x->nrows ? "\n]}" : "]}");
        x->r->tables++;
        rc = flush(x, 0, e);
    }
    free(cols);
    store_dump_names_free(all, nall);
    return rc;
}

static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d))) {
            if (hex64(de->d_name)) {
                size_t n = strlen(dir) + 70;
                char *p = xmalloc(n);
                snprintf(p, n, "%s/%s", dir, de->d_name);
                unlink(p);
                free(p);
            }
        }
        closedir(d);
    }
    rmdir(dir);
}

int app_export_all(struct app *a, const char *out, int with_accounts, struct export_result *r,
                   struct err *e)
{
    memset(r, 0, sizeof *r);
    if (!principal_is_system(&a->who)) {
        return err_set(e, ERR_FORBIDDEN, NULL,
                       "the export holds the whole ISMS: run it as the file's owner, without --as");
    }
    struct stat sb;
    char *dir = blobs_dir(out);
    if (stat(out, &sb) == 0 || stat(dir, &sb) == 0) {
        err_set(e, ERR_CONFLICT, NULL, "%s already exists; not overwriting it",
                stat(out, &sb) == 0 ? out : dir);
        free(dir);
        return -1;
    }
    if (mkdir(dir, 0700)) {
        err_set(e, ERR_STORAGE, NULL, "%s: %s", dir, strerror(errno));
        free(dir);
        return -1;
    }
    struct xp x = {.a = a, .dir = dir, .r = r, .with_accounts = with_accounts};
    x.f = fopen(out, "wbx");
    if (!x.f) {
        err_set(e, ERR_STORAGE, NULL, "%s: %s", out, strerror(errno));
        rmdir(dir);
        free(dir);
        return -1;
    }
    buf_init(&x.b, (size_t)64 << 20);
    char **tables = NULL;
    int nt = 0, rc = -1;
    if (store_read_begin(a->st, e)) {
        goto done;
    }
    if (store_dump_tables(a->st, &tables, &nt, e)) {
        store_read_end(a->st);
        goto done;
    }
    struct jw w;
    jw_init(&w, &x.b, 0);
    jw_obj(&w);
    jw_key_name(&w, "format");
    jw_str(&w, "isms-export");
    jw_key_name(&w, "format_version");
    jw_int(&w, EXPORT_FORMAT_VERSION);
    jw_key_name(&w, "schema_version");
    jw_int(&w, store_schema_version(a->st));
    jw_key_name(&w, "with_accounts");
    jw_bool(&w, with_accounts);
    jw_key_name(&w, "tables");
    buf_puts(&x.b, "[");
    rc = 0;
    for (int i = 0; i < nt && !rc; i++) {
        if (in_list(tables[i], never_tables, sizeof never_tables / sizeof *never_tables) ||
            (!with_accounts &&
             in_list(tables[i], secret_tables, sizeof secret_tables / sizeof *secret_tables))) {
            continue;
        }
        rc = export_table(&x, tables[i], e);
    }
    store_read_end(a->st);
    if (!rc) {
        buf_puts(&x.b, "\n]}\n");
        rc = flush(&x, 1, e);
    }
done:
    store_dump_names_free(tables, nt);
    if (fclose(x.f) && !rc) {
        rc = err_set(e, ERR_STORAGE, NULL, "%s: %s", out, strerror(errno));
    }
    buf_free(&x.b);
    if (rc) {
        unlink(out);
        remove_dir(dir);
    }
    free(dir);
    return rc;
}

/* ---- import ------------------------------------------------------------- */

/* The deepest the document's shape goes: root object, tables array, table
 * object, rows array, row array, a binary value's object, its string. */
#define EXPORT_MAX_DEPTH 7

static int depth_ok(json_t *v, int depth)
{
    if (depth > EXPORT_MAX_DEPTH) {
        return 0;
    }
    if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x)
        {
            if (!depth_ok(x, depth + 1)) {
                return 0;
            }
        }
    } else if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach(v, k, x)
        {
            if (!depth_ok(x, depth + 1)) {
                return 0;
            }
        }
    }
    return 1;
}

struct blob_in {
    FILE *f;
    struct sha256 h;
    const char *path;
};

static long blob_read(void *ctx, void *data, size_t want, struct err *e)
{
    struct blob_in *b = ctx;
    size_t got = fread(data, 1, want, b->f);
    if (got == 0 && ferror(b->f)) {
        return err_set(e, ERR_STORAGE, NULL, "%s: %s", b->path, strerror(errno));
    }
    sha256_add(&b->h, data, got);
    return (long)got;
}

static int import_blob(struct store *st, const char *dir, json_t *row, struct export_result *r,
                       struct err *e)
{
    json_t *js = json_array_get(row, 0), *jn = json_array_get(row, 1);
    const char *sha = json_string_value(js);
    if (!hex64(sha) || !json_is_integer(jn) || json_integer_value(jn) < 0) {
        return err_set(e, ERR_INVALID, "blob",
                       "table blob: a row is not [sha256 (64 lowercase hex), size]");
    }
    int64_t size = json_integer_value(jn);
    size_t n = strlen(dir) + 70;
    char *p = xmalloc(n);
    snprintf(p, n, "%s/%s", dir, sha);
    struct blob_in b = {.path = p};
    struct stat sb;
    b.f = fopen(p, "rb");
    if (!b.f || fstat(fileno(b.f), &sb) || !S_ISREG(sb.st_mode)) {
        err_set(e, ERR_INVALID, "blob", "evidence content %s is missing: %s", sha,
                b.f ? "not a regular file" : strerror(errno));
        if (b.f) {
            fclose(b.f);
        }
        free(p);
        return -1;
    }
    int rc = 0;
    if (sb.st_size != size) {
        rc = err_set(e, ERR_INVALID, "blob", "%s has %lld bytes, the export says %lld", p,
                     (long long)sb.st_size, (long long)size);
    }
    sha256_begin(&b.h);
    if (!rc) {
        rc = store_load_blob(st, sha, size, blob_read, &b, e);
    }
    char got[65];
    sha256_hex_end(&b.h, got);
    if (!rc && strcmp(got, sha)) {
        rc = err_set(e, ERR_INVALID, "blob", "%s does not match its SHA-256: the evidence file was altered", p);
    }
    fclose(b.f);
    free(p);
    if (!rc) {
        r->blobs++;
        r->blob_bytes += size;
    }
    return rc;
}

static int value_of(json_t *x, struct dump_val *v, unsigned char **tmp, const char *table,
                    struct err *e)
{
    memset(v, 0, sizeof *v);
    if (json_is_null(x)) {
        v->kind = SQLITE_NULL;
    } else if (json_is_integer(x)) {
        v->kind = SQLITE_INTEGER;
        v->i = json_integer_value(x);
    } else if (json_is_real(x)) {
        v->kind = SQLITE_FLOAT;
        v->d = json_real_value(x);
    } else if (json_is_string(x)) {
        v->kind = SQLITE_TEXT;
        v->p = json_string_value(x);
        v->n = json_string_length(x);
    } else if (json_is_object(x) && json_object_size(x) == 1 &&
               json_is_string(json_object_get(x, "base64"))) {
        json_t *s = json_object_get(x, "base64");
        size_t n = json_string_length(s);
        *tmp = xmalloc(n + 1);
        size_t bin = 0;
        if (sodium_base642bin(*tmp, n + 1, json_string_value(s), n, NULL, &bin, NULL,
                              sodium_base64_VARIANT_ORIGINAL)) {
            return err_set(e, ERR_INVALID, table, "table %s: a binary value is not base64", table);
        }
        v->kind = SQLITE_BLOB;
        v->p = *tmp;
        v->n = bin;
    } else {
        return err_set(e, ERR_INVALID, table,
                       "table %s: a value is not null, a number, a string or {\"base64\":...}",
                       table);
    }
    return 0;
}

static int import_table(struct store *st, const char *dir, json_t *t, int with_accounts,
                        struct export_result *r, struct err *e)
{
    const char *name = json_string_value(json_object_get(t, "name"));
    json_t *jc = json_object_get(t, "columns"), *jr = json_object_get(t, "rows");
    if (!name || !json_is_array(jc) || !json_is_array(jr) || json_object_size(t) != 3) {
        return err_set(e, ERR_INVALID, "tables",
                       "every table must be {\"name\", \"columns\", \"rows\"} and nothing else");
    }
    if (!strcmp(name, "session")) {
        return err_set(e, ERR_INVALID, "tables", "an export never holds sessions");
    }
    if (!strcmp(name, "history_tables")) {
        return 0; /* bookkeeping of derived results: recorded afresh by this import */
    }
    char **have = NULL;
    int nhave = 0;
    if (store_dump_columns(st, name, &have, &nhave, NULL, e)) {
        return -1;
    }
    int is_blob = !strcmp(name, "blob");
    int is_account = !strcmp(name, "account");
    size_t nc = json_array_size(jc);
    int rc = 0;
    char **cols = xcalloc(nc + 1, sizeof *cols);
    int n = 0, has_pw = 0;
    for (size_t i = 0; i < nc && !rc; i++) {
        const char *c = json_string_value(json_array_get(jc, i));
        int found = 0;
        for (int k = 0; c && k < nhave; k++) {
            found |= !strcmp(have[k], c);
        }
        for (int k = 0; c && k < n; k++) {
            if (!strcmp(cols[k], c)) {
                found = 0;
            }
        }
        if (!found || (is_blob && !strcmp(c, "data"))) {
            rc = err_set(e, ERR_INVALID, "columns",
                         "table %s: \"%.60s\" is not a column of it (or is named twice)", name,
                         c ? c : "(not a string)");
            break;
        }
        if (store_derived_column(name, c)) {
            rc = err_set(e, ERR_INVALID, "columns",
                         "table %s: column %s is a sort key, derived from the values: an export "
                         "never holds it", name, c);
            break;
        }
        if (!with_accounts && secret_col(name, c)) {
            rc = err_set(e, ERR_INVALID, "columns",
                         "table %s: column %s is present but the export says with_accounts false",
                         name, c);
            break;
        }
        has_pw |= is_account && !strcmp(c, "pwhash");
        cols[n++] = (char *)c;
    }
    if (!rc && is_blob && (n != 2 || strcmp(cols[0], "sha256") || strcmp(cols[1], "size"))) {
        rc = err_set(e, ERR_INVALID, "columns", "table blob: columns must be [\"sha256\", \"size\"]");
    }
    int add_pw = is_account && !has_pw;
    if (add_pw) {
        cols[n] = "pwhash";
    }
    if (!rc) {
        rc = store_load_clear(st, name, e);
    }
    struct dump_val *v = xcalloc((size_t)n + 1, sizeof *v);
    unsigned char **tmp = xcalloc((size_t)n + 1, sizeof *tmp);
    size_t ri;
    json_t *row;
    json_array_foreach(jr, ri, row)
    {
        if (rc) {
            break;
        }
        if (!json_is_array(row) || json_array_size(row) != (size_t)n) {
            rc = err_set(e, ERR_INVALID, name, "table %s: row %zu does not have %d values", name,
                         ri + 1, n);
            break;
        }
        if (is_blob) {
            rc = import_blob(st, dir, row, r, e);
            r->rows++;
            continue;
        }
        for (int i = 0; i < n && !rc; i++) {
            rc = value_of(json_array_get(row, (size_t)i), &v[i], &tmp[i], name, e);
        }
        if (add_pw) {
            v[n].kind = SQLITE_TEXT;
            v[n].p = NO_PASSWORD;
            v[n].n = 1;
        }
        if (!rc) {
            rc = store_load_row(st, name, cols, n + add_pw, v, e);
        }
        for (int i = 0; i < n; i++) {
            free(tmp[i]);
            tmp[i] = NULL;
        }
        r->rows++;
    }
    if (!rc) {
        r->tables++;
    }
    free(v);
    free(tmp);
    free(cols);
    store_dump_names_free(have, nhave);
    return rc;
}

int app_import_all(const char *in, const char *target, size_t max_bytes, struct export_result *r,
                   struct verify_result *vr, struct err *e)
{
    memset(r, 0, sizeof *r);
    memset(vr, 0, sizeof *vr);
    struct stat sb;
    int url = store_is_url(target);
    if (!url && stat(target, &sb) == 0) {
        return err_set(e, ERR_CONFLICT, NULL, "%s already exists; import into a new file", target);
    }
    if (stat(in, &sb) != 0) {
        return err_set(e, ERR_NOTFOUND, NULL, "%s: %s", in, strerror(errno));
    }
    if (!S_ISREG(sb.st_mode)) {
        return err_set(e, ERR_USAGE, NULL, "%s is not a regular file", in);
    }
    if ((unsigned long long)sb.st_size > max_bytes) {
        return err_set(e, ERR_TOOBIG, NULL,
                       "%s has %lld bytes, more than the %zu this import reads (--max-bytes)", in,
                       (long long)sb.st_size, max_bytes);
    }
    json_error_t je;
    json_t *root = json_load_file(in, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
    if (!root) {
        return err_set(e, ERR_INVALID, NULL, "%s is not a JSON document: line %d: %s", in,
                       je.line, je.text);
    }
    int rc = -1;
    struct store *st = NULL;
    char *dir = NULL;
    json_t *tables = json_object_get(root, "tables");
    json_t *jv = json_object_get(root, "schema_version");
    json_t *jwa = json_object_get(root, "with_accounts");
    if (!depth_ok(root, 1)) {
        err_set(e, ERR_INVALID, NULL, "%s nests deeper than an export does (%d levels)", in,
                EXPORT_MAX_DEPTH);
        goto out;
    }
    if (!json_is_object(root) ||
        strcmp(json_string_value(json_object_get(root, "format")) ?: "", "isms-export")) {
        err_set(e, ERR_INVALID, "format", "%s is not an isms export (format \"isms-export\")", in);
        goto out;
    }
    json_t *jf = json_object_get(root, "format_version");
    if (!json_is_integer(jf) || json_integer_value(jf) != EXPORT_FORMAT_VERSION) {
        err_set(e, ERR_USAGE, "format_version",
                "%s has export format %lld; this program reads format %d", in,
                json_is_integer(jf) ? (long long)json_integer_value(jf) : -1LL,
                EXPORT_FORMAT_VERSION);
        goto out;
    }
    if (!json_is_integer(jv) || json_integer_value(jv) < 1) {
        err_set(e, ERR_INVALID, "schema_version", "%s: schema_version must be a positive integer",
                in);
        goto out;
    }
    int version = (int)json_integer_value(jv);
    if (json_integer_value(jv) > store_latest_version()) {
        err_set(e, ERR_USAGE, "schema_version",
                "%s was exported by a newer isms (schema %d; this program knows up to %d); "
                "upgrade isms to import it",
                in, (int)json_integer_value(jv), store_latest_version());
        goto out;
    }
    if (!json_is_boolean(jwa) || !json_is_array(tables)) {
        err_set(e, ERR_INVALID, NULL,
                "%s: the header needs with_accounts (true or false) and tables (an array)", in);
        goto out;
    }
    if (url && version != store_latest_version()) {
        /* a database is made at this program's schema only */
        err_set(e, ERR_USAGE, "schema_version",
                "%s has schema %d; a PostgreSQL ISMS is made at schema %d only: import it into "
                "a file first (which upgrades it), export that and import the new export",
                in, version, store_latest_version());
        goto out;
    }
    dir = blobs_dir(in);
    /* a file at the export's schema, filled, then migrated by app_open */
    store_test_limit_version(version);
    int orc = store_open(target, STORE_CREATE, &st, e);
    store_test_limit_version(0);
    if (orc) {
        goto out;
    }
    if (store_load_begin(st, e)) {
        goto fail;
    }
    size_t i;
    json_t *t;
    json_array_foreach(tables, i, t)
    {
        for (size_t k = 0; k < i; k++) {
            if (json_equal(json_object_get(json_array_get(tables, k), "name"),
                           json_object_get(t, "name"))) {
                err_set(e, ERR_INVALID, "tables", "table %s is in the export twice",
                        json_string_value(json_object_get(t, "name")));
                store_rollback(st);
                goto fail;
            }
        }
        if (!json_is_object(t) ||
            import_table(st, dir, t, json_is_true(jwa), r, e)) {
            if (!json_is_object(t)) {
                err_set(e, ERR_INVALID, "tables", "every table must be an object");
            }
            store_rollback(st);
            goto fail;
        }
    }
    /* rows went in as they were, without their sort keys (of a schema that
     * has them; an older one gets them from the migration at app_open) */
    if (store_sortkeys_refresh(st, e)) {
        store_rollback(st);
        goto fail;
    }
    if (store_load_end(st, e) || store_commit(st, e)) {
        char msg[sizeof e->msg];
        strlcpy_(msg, e->msg, sizeof msg);
        err_set(e, ERR_INVALID, NULL, "the export's rows do not hold together: %s", msg);
        store_rollback(st);
        goto fail;
    }
    store_close(st);
    st = NULL;
    {
        struct app a;
        if (app_open(&a, target, "import", e)) { /* migrates to this program's schema */
            goto fail;
        }
        if (app_verify(&a, vr, e)) {
            char msg[sizeof e->msg];
            strlcpy_(msg, e->msg, sizeof msg);
            err_set(e, ERR_INVALID, NULL, "the imported ISMS does not verify, not kept: %s", msg);
            app_close(&a);
            goto fail;
        }
        app_close(&a);
    }
    rc = 0;
    goto out;
fail:
    if (st) {
        store_close(st);
        st = NULL;
    }
    store_remove(target);
out:
    if (st) {
        store_close(st);
    }
    free(dir);
    json_decref(root);
    return rc;
}

/* ---- migrate: an ISMS from one engine to the other ------------------------ */

int app_migrate(const char *from, const char *to, struct migrate_result *m, struct err *e)
{
    memset(m, 0, sizeof *m);
    if (store_is_url(from) == store_is_url(to)) {
        return err_set(e, ERR_USAGE, NULL,
                       "migrate moves an ISMS between a file and a PostgreSQL database; for a "
                       "copy of a file use isms backup");
    }
    const char *tmp = getenv("TMPDIR");
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/isms-migrate-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) { /* 0700: the export holds the accounts' secrets */
        return err_set(e, ERR_STORAGE, NULL, "cannot make a temporary folder in %s: %s",
                       tmp && *tmp ? tmp : "/tmp", strerror(errno));
    }
    char json[4300];
    snprintf(json, sizeof json, "%s/isms.json", dir);
    int rc = -1;
    struct app a;
    if (app_open(&a, from, "migrate", e) == 0) {
        struct verify_result before;
        /* the source must verify before it is moved, and gives the figures
         * the arrival is held to */
        if (app_verify(&a, &before, e) == 0 &&
            app_export_all(&a, json, 1, &m->moved, e) == 0) {
            m->before = before;
            rc = 0;
        }
        app_close(&a);
    }
    if (rc == 0) {
        struct export_result r;
        rc = app_import_all(json, to, (size_t)-1, &r, &m->after, e);
        if (rc == 0 && (m->after.entries != m->before.entries ||
                        m->after.records != m->before.records ||
                        m->after.blobs != m->before.blobs ||
                        m->after.signoffs != m->before.signoffs)) {
            store_remove(to);
            rc = err_set(e, ERR_STORAGE, NULL,
                         "%s arrived with %ld history entries and %ld records where %s has %ld "
                         "and %ld; not kept",
                         to, m->after.entries, m->after.records, from, m->before.entries,
                         m->before.records);
        }
    }
    /* the export and its evidence folder, then the private folder */
    char *blobs = blobs_dir(json);
    unlink(json);
    remove_dir(blobs);
    free(blobs);
    rmdir(dir);
    return rc;
}
