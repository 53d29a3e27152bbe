/* store_track.c — which tables a result was read from, and which tables
 * each write transaction changed (store.h, "What a result depends on").
 *
 * Reads: SQLite calls the authorizer for every column a statement reads
 * while it is prepared; the tables are kept with the cached statement and
 * added to the tracking in progress each time store_prepare hands it out
 * (a statement prepared outside the cache adds them while it is prepared).
 * Writes: the pre-update hook sees every row written (rowid tables and
 * WITHOUT ROWID ones, triggers' writes included); store_commit records the
 * changed tables of a transaction that appended history in history_tables
 * (first and last sequence number of its entries, the table names), so any
 * connection — another thread, another process — learns what changed.
 * Table numbers are this connection's own; only names leave it. */
/* Debian's SQLite is built with the pre-update hook; its declaration is
 * behind this macro */
#define SQLITE_ENABLE_PREUPDATE_HOOK 1
#include <stdlib.h>
#include <string.h>

#include "../lib/buf.h"
#include "../lib/util.h"
#include "store_int.h"

#define OTHERS (STORE_MAX_TABLES - 1) /* shared by every table past the registry's size */

void tblset_all(struct tblset *t)
{
    memset(t, 0xff, sizeof *t);
}

void tblset_or(struct tblset *into, const struct tblset *t)
{
    for (int i = 0; i < STORE_TBLSET_WORDS; i++) {
        into->w[i] |= t->w[i];
    }
}

int tblset_meets(const struct tblset *a, const struct tblset *b)
{
    for (int i = 0; i < STORE_TBLSET_WORDS; i++) {
        if (a->w[i] & b->w[i]) {
            return 1;
        }
    }
    return 0;
}

static void tblset_add(struct tblset *t, int id)
{
    t->w[id / 64] |= (uint64_t)1 << (id % 64);
}

static int tblset_empty(const struct tblset *t)
{
    for (int i = 0; i < STORE_TBLSET_WORDS; i++) {
        if (t->w[i]) {
            return 0;
        }
    }
    return 1;
}

/* The number of table name[0..n) in this connection's registry (added on
 * first sight); -1 for tables that are never dependencies (SQLite's own,
 * the bookkeeping of this file). */
static int table_id_n(struct store *s, const char *name, size_t n)
{
    if ((n >= 7 && strncmp(name, "sqlite_", 7) == 0) ||
        (n == 14 && strncmp(name, "history_tables", 14) == 0)) {
        return -1;
    }
    for (int i = 0; i < s->ntables; i++) {
        if (strlen(s->tables[i]) == n && strncmp(s->tables[i], name, n) == 0) {
            return i;
        }
    }
    if (s->ntables == OTHERS) {
        return OTHERS;
    }
    char *c = xcalloc(n + 1, 1);
    memcpy(c, name, n);
    s->tables[s->ntables] = c;
    return s->ntables++;
}

static int table_id(struct store *s, const char *name)
{
    /* the same table is read or written many times in a row */
    if (s->last_table >= 0 && strcmp(s->tables[s->last_table], name) == 0) {
        return s->last_table;
    }
    int id = table_id_n(s, name, strlen(name));
    if (id >= 0 && id != OTHERS) {
        s->last_table = id;
    }
    return id;
}

static int authorize(void *ctx, int action, const char *a3, const char *a4, const char *db,
                     const char *trigger)
{
    (void)a4;
    (void)trigger;
    struct store *s = ctx;
    if (action == SQLITE_READ && a3 && (!db || strcmp(db, "main") == 0)) {
        int id = table_id(s, a3);
        if (id >= 0) {
            tblset_add(&s->prep_read, id);
            if (s->tracking) {
                tblset_add(&s->track, id);
            }
        }
    }
    return SQLITE_OK;
}

static void preupdate(void *ctx, sqlite3 *db, int op, const char *dbname, const char *table,
                      long long k1, long long k2)
{
    (void)db;
    (void)op;
    (void)k1;
    (void)k2;
    struct store *s = ctx;
    if (strcmp(dbname, "main") == 0) {
        int id = table_id(s, table);
        if (id >= 0) {
            tblset_add(&s->wrote, id);
        }
    }
}

void store_track_install(struct store *s)
{
    s->last_table = -1;
    if (DB_IS_PG(s->db)) {
        /* no hooks: nothing is tracked, and the caches keyed on what a
         * result read stay off (store_data_version answers -1) */
        return;
    }
    sqlite3_set_authorizer(s->db->lite, authorize, s);
    sqlite3_preupdate_hook(s->db->lite, preupdate, s);
}

void store_track_free(struct store *s)
{
    for (int i = 0; i < s->ntables; i++) {
        free(s->tables[i]);
    }
    s->ntables = 0;
}

void store_track_prepared(struct store *s, const struct tblset *read)
{
    if (s->tracking) {
        tblset_or(&s->track, read);
    }
}

void store_track_begin(struct store *s, struct tblset *saved)
{
    *saved = s->track;
    memset(&s->track, 0, sizeof s->track);
    s->tracking++;
}

void store_track_end(struct store *s, const struct tblset *saved, struct tblset *read)
{
    *read = s->track;
    s->track = *saved;
    if (--s->tracking > 0) {
        tblset_or(&s->track, read);
    }
}

void store_track_add(struct store *s, const struct tblset *t)
{
    if (s->tracking) {
        tblset_or(&s->track, t);
    }
}

void store_track_hold(struct store *s, struct tblset *saved)
{
    *saved = s->track;
    s->held = s->tracking;
    s->tracking = 0;
}

void store_track_release(struct store *s, const struct tblset *saved)
{
    s->tracking = s->held;
    s->held = 0;
    s->track = *saved;
}

void store_tblset_type(struct store *s, const struct rtype *t, struct tblset *out)
{
    memset(out, 0, sizeof *out);
    int id = table_id(s, t->name);
    if (id >= 0) {
        tblset_add(out, id);
    }
}

/* ---- writes ------------------------------------------------------------------------------- */

int store_track_tx_begin(struct store *s, struct err *e)
{
    memset(&s->wrote, 0, sizeof s->wrote);
    s->tx_first_seq = store_history_last_seq(s, e);
    return s->tx_first_seq < 0 ? -1 : 0;
}

/* Inside the write transaction, before COMMIT: the changed tables of a
 * transaction that appended history, beside its entries. */
int store_track_tx_commit(struct store *s, struct err *e)
{
    struct tblset w = s->wrote;
    memset(&s->wrote, 0, sizeof s->wrote);
    int hid = table_id(s, "history");
    if (hid < 0 || !(w.w[hid / 64] & ((uint64_t)1 << (hid % 64))) || tblset_empty(&w)) {
        return 0;
    }
    long long last = store_history_last_seq(s, e);
    if (last < 0) {
        return -1;
    }
    if (last <= s->tx_first_seq) {
        return 0;
    }
    struct buf names;
    buf_init(&names, 0);
    for (int i = 0; i < s->ntables; i++) {
        if (w.w[i / 64] & ((uint64_t)1 << (i % 64))) {
            buf_printf(&names, "%s%s", names.len ? "," : "", s->tables[i]);
        }
    }
    if (s->ntables == OTHERS && (w.w[OTHERS / 64] & ((uint64_t)1 << (OTHERS % 64)))) {
        buf_printf(&names, "%s*", names.len ? "," : ""); /* some table past the registry */
    }
    struct dbst *st = store_prepare(
        s, "INSERT INTO history_tables (last_seq, first_seq, tables) VALUES (?1, ?2, ?3)", e);
    int rc = -1;
    if (st) {
        db_bind_int64(st, 1, last);
        db_bind_int64(st, 2, s->tx_first_seq + 1);
        db_bind_text(st, 3, buf_str(&names), -1);
        rc = store_run(s, st, e);
    }
    buf_free(&names);
    /* kept for the readers that are behind, not for ever: a reader whose
     * place is older than the oldest row assumes everything changed */
    if (rc == 0 && last % 1024 == 0) {
        st = store_prepare(s, "DELETE FROM history_tables WHERE last_seq < ?1", e);
        if (st) {
            db_bind_int64(st, 1, last - 100000);
            rc = store_run(s, st, e);
        }
    }
    return rc;
}

/* ---- reads of what changed -------------------------------------------------------------------- */

int store_changed_tables(struct store *s, long long since, long long upto, struct tblset *out,
                         struct err *e)
{
    memset(out, 0, sizeof *out);
    if (upto <= since) {
        return 1;
    }
    struct dbst *st = store_prepare(s,
                                     "SELECT first_seq, last_seq, tables FROM history_tables "
                                     "WHERE last_seq > ?1 AND last_seq <= ?2 ORDER BY last_seq",
                                     e);
    if (!st) {
        return -1;
    }
    db_bind_int64(st, 1, since);
    db_bind_int64(st, 2, upto);
    long long next = since + 1; /* the first entry not yet accounted for */
    int complete = 1, rc;
    while ((rc = store_step(s, st, e)) == DB_ROW) {
        long long first = db_col_int64(st, 0), last = db_col_int64(st, 1);
        const char *names = store_col(st, 2);
        if (first > next) {
            complete = 0; /* entries in between wrote no row */
        }
        next = last + 1;
        for (const char *p = names ? names : ""; *p;) {
            size_t n = strcspn(p, ",");
            if (n == 1 && *p == '*') {
                tblset_add(out, OTHERS);
            } else if (n) {
                int id = table_id_n(s, p, n);
                if (id >= 0) {
                    tblset_add(out, id);
                }
            }
            p += n + (p[n] == ',');
        }
    }
    db_reset(st);
    if (rc < 0) {
        return -1;
    }
    return complete && next == upto + 1;
}
