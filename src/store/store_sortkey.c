/* store_sortkey.c — the stored sort keys (migration 0026). Listings order
 * text, e-mail addresses, references and sets naturally (natcasecmp_n);
 * the order is data: for every such field a listing can order by
 * (field_has_sortkey) the column NAME_sk holds natkey of the value, NULL
 * when it is unset, and ORDER BY and the keyset cursor compare those bytes
 * (store_record.c), so any backend that compares bytes orders alike. The
 * released form of a document (view document_released) shows values of the
 * version in force; their keys are that version's `sortkeys`, a JSON object
 * the view reads its NAME_sk columns from.
 *
 * Writes keep the keys in step: store_record.c binds a key beside each
 * value it writes, and store_released_keys runs after every write to a
 * document, its versions or its approvals. This file also computes them
 * again for a whole file (after a migration, after an import) and checks
 * them (verify). Derived data: never in a record, its history or an export
 * (store_derived_column). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/buf.h"
#include "../lib/json.h"
#include "../lib/util.h"
#include "store_int.h"

/* rows read (and their keys held) at a time by a whole-table pass */
#define BATCH 256
/* more keyed fields than any type has (the document: 11) */
#define MAX_KEYED 64

void store_bind_sortkey(struct dbst *st, int pos, const char *v)
{
    if (!v) {
        db_bind_null(st, pos);
        return;
    }
    struct buf k;
    buf_init(&k, 0);
    natkey(&k, v, strlen(v));
    db_bind_text(st, pos, buf_str(&k), (int)k.len);
    buf_free(&k);
}

int store_has_released(const struct rtype *t)
{
    return strcmp(t->name, "document") == 0;
}

int store_derived_column(const char *table, const char *column)
{
    if (!strcmp(table, "version") && !strcmp(column, "sortkeys")) {
        return 1;
    }
    const struct rtype *t = rtype_find(table);
    size_t n = strlen(column), ns = strlen(SORTKEY_SUFFIX);
    if (!t || strcmp(t->name, table) || n <= ns || n - ns >= 64 ||
        strcmp(column + n - ns, SORTKEY_SUFFIX)) {
        return 0;
    }
    char name[64];
    memcpy(name, column, n - ns);
    name[n - ns] = 0;
    const struct field *f = rtype_field(t, name, NULL);
    return f && !strcmp(f->name, name) && field_has_sortkey(t, f);
}

static int keyed_fields(const struct rtype *t, const struct field **out)
{
    int m = 0;
    for (int i = 0; i < t->nfields && m < MAX_KEYED; i++) {
        if (field_has_sortkey(t, &t->fields[i])) {
            out[m++] = &t->fields[i];
        }
    }
    return m;
}

/* The key of column `col` of st (NULL for NULL), a heap string; *stale set
 * when column col + 1 (the stored key) is not it. */
static char *column_key(struct dbst *st, int col, int *stale)
{
    const unsigned char *have = db_col_text(st, col + 1);
    if (db_col_type(st, col) == DB_NULL) {
        *stale |= have != NULL;
        return NULL;
    }
    const unsigned char *v = db_col_text(st, col);
    struct buf k;
    buf_init(&k, 0);
    natkey(&k, v, (size_t)db_col_bytes(st, col));
    *stale |= !have || (size_t)db_col_bytes(st, col + 1) != k.len ||
              memcmp(have, buf_str(&k), k.len) != 0;
    buf_str(&k);
    return buf_take(&k);
}

static struct dbst *prepare_(struct store *s, const char *sql, int cached, struct err *e)
{
    if (cached) {
        return store_prepare(s, sql, e);
    }
    struct dbst *st = NULL;
    if (db_prepare(s->db, sql, &st) != DB_OK) {
        store_sqlerr(s, e, "reading the sort keys");
        return NULL;
    }
    return st;
}

static void done_(struct dbst *st, int cached)
{
    if (cached) {
        db_reset(st);
    } else {
        db_finalize(st);
    }
}

/* The rows of t's table, BATCH at a time by id: with fn, fn(ctx, table,
 * ref, field) for each stale key (stopping when it returns non-zero);
 * without, every stale row's keys written. */
static int pass_table(struct store *s, const struct rtype *t, store_stale_fn fn, void *ctx,
                      struct err *e)
{
    const struct field *k[MAX_KEYED];
    int m = keyed_fields(t, k);
    if (!m) {
        return 0;
    }
    struct buf sel, upd;
    buf_init(&sel, 0);
    buf_init(&upd, 0);
    buf_puts(&sel, "SELECT id, ref");
    buf_printf(&upd, "UPDATE %s SET ", t->name);
    for (int j = 0; j < m; j++) {
        buf_printf(&sel, ", %s, %s" SORTKEY_SUFFIX, k[j]->name, k[j]->name);
        buf_printf(&upd, "%s%s" SORTKEY_SUFFIX " = ?%d", j ? ", " : "", k[j]->name, j + 2);
    }
    buf_printf(&sel, " FROM %s WHERE id > ?1 ORDER BY id LIMIT %d", t->name, BATCH);
    buf_puts(&upd, " WHERE id = ?1");
    struct dbst *rd = prepare_(s, buf_str(&sel), 0, e);
    struct dbst *wr = rd && !fn ? prepare_(s, buf_str(&upd), 0, e) : NULL;
    buf_free(&sel);
    buf_free(&upd);
    if (!rd || (!fn && !wr)) {
        db_finalize(rd);
        return -1;
    }
    long long *ids = xcalloc(BATCH, sizeof *ids);
    char **keys = xcalloc((size_t)BATCH * (size_t)m, sizeof *keys);
    long long last = 0;
    int rc = 0, more = 1;
    while (more && !rc) {
        db_bind_int64(rd, 1, last);
        int nrow = 0, nstale = 0, step;
        while (!rc && (step = db_step(rd)) == DB_ROW) {
            nrow++;
            last = db_col_int64(rd, 0);
            char **row = keys + (size_t)nstale * (size_t)m;
            int stale = 0;
            for (int j = 0; j < m; j++) {
                int was = stale;
                row[j] = column_key(rd, 2 + 2 * j, &stale);
                if (fn && stale && !was && !rc) {
                    rc = fn(ctx, t->name, (const char *)db_col_text(rd, 1), k[j]->name)
                             ? 1
                             : 0;
                    stale = 0;
                }
            }
            if (fn || !stale) {
                for (int j = 0; j < m; j++) {
                    free(row[j]);
                    row[j] = NULL;
                }
            } else {
                ids[nstale++] = last;
            }
        }
        if (!rc && step != DB_DONE) {
            rc = store_sqlerr(s, e, "reading the sort keys");
        }
        db_reset(rd);
        for (int i = 0; i < nstale; i++) {
            char **row = keys + (size_t)i * (size_t)m;
            db_bind_int64(wr, 1, ids[i]);
            for (int j = 0; j < m; j++) {
                store_bind_opt(wr, j + 2, row[j]);
            }
            if (!rc && db_step(wr) != DB_DONE) {
                rc = store_sqlerr(s, e, "writing the sort keys");
            }
            db_reset(wr);
            for (int j = 0; j < m; j++) {
                free(row[j]);
                row[j] = NULL;
            }
        }
        more = nrow == BATCH;
    }
    free(ids);
    free(keys);
    db_finalize(rd);
    db_finalize(wr);
    return rc < 0 ? -1 : rc;
}

/* The released rows of t (of ref, or all), as pass_table: their keys are
 * written as the sortkeys of the version each row shows. */
static int pass_released(struct store *s, const struct rtype *t, const char *ref,
                         store_stale_fn fn, void *ctx, struct err *e)
{
    const struct field *k[MAX_KEYED];
    int m = keyed_fields(t, k);
    if (!m) {
        return 0;
    }
    int cached = ref != NULL; /* after each write: the same statements every time */
    struct buf sel, upd;
    buf_init(&sel, 0);
    buf_init(&upd, 0);
    buf_puts(&sel, "SELECT id, ref, in_force");
    for (int j = 0; j < m; j++) {
        buf_printf(&sel, ", %s, %s" SORTKEY_SUFFIX, k[j]->name, k[j]->name);
    }
    /* (id, in_force): a document may show two versions while one replaces
     * the other */
    buf_printf(&sel, " FROM %s_released WHERE (?1 IS NULL OR ref = ?1) AND (id, in_force) > "
                     "(?2, ?3) ORDER BY id, in_force LIMIT %d", t->name, BATCH);
    buf_printf(&upd, "UPDATE version SET sortkeys = ?3 WHERE subject_kind = '%s' AND "
                     "subject_id = ?1 AND number = ?2", t->name);
    struct dbst *rd = prepare_(s, buf_str(&sel), cached, e);
    buf_free(&sel);
    if (!rd) {
        buf_free(&upd);
        return -1;
    }
    struct {
        char *ref, *keys;
        int number;
    } *out = xcalloc(BATCH, sizeof *out);
    long long last_id = 0;
    int last_number = 0, rc = 0, more = 1;
    while (more && !rc) {
        store_bind_opt(rd, 1, ref);
        db_bind_int64(rd, 2, last_id);
        db_bind_int(rd, 3, last_number);
        int nrow = 0, nstale = 0, step;
        while (!rc && (step = db_step(rd)) == DB_ROW) {
            nrow++;
            last_id = db_col_int64(rd, 0);
            last_number = db_col_int(rd, 2);
            const char *row_ref = (const char *)db_col_text(rd, 1);
            struct buf j;
            buf_init(&j, 0);
            struct jw w;
            jw_init(&w, &j, 0);
            jw_obj(&w);
            int stale = 0;
            for (int f = 0; f < m; f++) {
                int was = stale;
                char *key = column_key(rd, 3 + 2 * f, &stale);
                jw_key_name(&w, k[f]->name);
                jw_str(&w, key);
                free(key);
                if (fn && stale && !was && !rc) {
                    char table[80];
                    snprintf(table, sizeof table, "%s_released", t->name);
                    rc = fn(ctx, table, row_ref, k[f]->name) ? 1 : 0;
                    stale = 0;
                }
            }
            jw_obj_end(&w);
            if (!fn && stale) {
                out[nstale].ref = xstrdup(row_ref);
                out[nstale].number = last_number;
                out[nstale].keys = buf_take(&j);
                nstale++;
            }
            buf_free(&j);
        }
        if (!rc && step != DB_DONE) {
            rc = store_sqlerr(s, e, "reading the sort keys");
        }
        db_reset(rd);
        struct dbst *wr = nstale && !rc ? prepare_(s, buf_str(&upd), cached, e) : NULL;
        if (nstale && !rc && !wr) {
            rc = -1;
        }
        for (int i = 0; i < nstale; i++) {
            if (!rc) {
                db_bind_text(wr, 1, out[i].ref, -1);
                db_bind_int(wr, 2, out[i].number);
                db_bind_text(wr, 3, out[i].keys, -1);
                if (db_step(wr) != DB_DONE) {
                    rc = store_sqlerr(s, e, "writing the sort keys");
                }
                db_reset(wr);
            }
            free(out[i].ref);
            free(out[i].keys);
        }
        if (wr) {
            done_(wr, cached);
        }
        more = nrow == BATCH;
    }
    free(out);
    buf_free(&upd);
    done_(rd, cached);
    return rc < 0 ? -1 : rc;
}

int store_released_keys(struct store *s, const char *ref, struct err *e)
{
    if (s->version < STORE_SORTKEY_VERSION) {
        return 0; /* a file opened below 0026 (tests that stop early) */
    }
    for (int ti = 0; ti < nrtypes; ti++) {
        if (store_has_released(rtypes[ti]) &&
            pass_released(s, rtypes[ti], ref, NULL, NULL, e) < 0) {
            return -1;
        }
    }
    return 0;
}

/* Every type's table and released rows, as pass_table. */
static int pass_all(struct store *s, store_stale_fn fn, void *ctx, struct err *e)
{
    int rc = 0;
    for (int ti = 0; ti < nrtypes && !rc; ti++) {
        rc = pass_table(s, rtypes[ti], fn, ctx, e);
        if (!rc && store_has_released(rtypes[ti])) {
            rc = pass_released(s, rtypes[ti], NULL, fn, ctx, e);
        }
    }
    return rc < 0 ? -1 : 0;
}

int store_sortkeys_rebuild(struct store *s, struct err *e)
{
    return pass_all(s, NULL, NULL, e);
}

int store_sortkeys_refresh(struct store *s, struct err *e)
{
    return s->version < STORE_SORTKEY_VERSION ? 0 : store_sortkeys_rebuild(s, e);
}

int store_sortkeys_check(struct store *s, store_stale_fn fn, void *ctx, struct err *e)
{
    if (s->version < STORE_SORTKEY_VERSION) {
        return 0; /* a backup below 0026, checked read-only (app_restore) */
    }
    return pass_all(s, fn, ctx, e);
}
