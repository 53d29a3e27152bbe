/* db_pg.c — the PostgreSQL side of the engine seam (db.h), on libpq.
 *
 * Statements are prepared on the server under a name of the connection's
 * ("s1", "s2", …) with their parameters translated from SQLite's forms
 * (pg_sql); values are sent as text (binary for blobs) and typed by the
 * server from where they are used. A statement's whole result is fetched
 * on its first step, so any number of statements can be stepped through
 * at once, and results are read back with SQLite's storage classes:
 * integers and booleans as DB_INTEGER, floating point as DB_FLOAT, bytea
 * as DB_BLOB, the rest as DB_TEXT. Errors are mapped by SQLSTATE class to
 * SQLite's kinds (integrity constraint → DB_CONSTRAINT, serialisation
 * failure or deadlock → DB_BUSY, read-only transaction → DB_READONLY). */
#include <ctype.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/buf.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "db.h"

/* type OIDs of pg_type.h */
#define OID_BOOL 16
#define OID_BYTEA 17
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_OID 26
#define OID_FLOAT4 700
#define OID_FLOAT8 701
#define OID_NUMERIC 1700

struct pgst {
    struct db *db;
    char name[16];
    char *sql;      /* as sent (pg_sql's translation) */
    Oid *types;     /* [nparam]: 0, or text for a parameter the server cannot type */
    unsigned gen;   /* the connection's generation it was prepared in */
    int retried;    /* being sent again after the connection was renewed */
    int nparam;
    char **pname;   /* [nparam]: ":name" or NULL */
    char **val;     /* [nparam]: the bound values, NULL for SQL NULL */
    int *len, *fmt; /* [nparam] */
    unsigned char *owned; /* [nparam]: val[i] is our copy (else the caller's, kept) */
    PGresult *res;  /* after the first step */
    int row, nrows, ncols;
    unsigned char **blob; /* [ncols]: decoded bytea of the current row */
    size_t *blen;
};

static void set_err(struct db *db, int code, const char *msg)
{
    free(db->pg_msg);
    db->pg_msg = xstrdup(msg && *msg ? msg : "PostgreSQL error");
    size_t n = strlen(db->pg_msg);
    while (n && (db->pg_msg[n - 1] == '\n' || db->pg_msg[n - 1] == ' ')) {
        db->pg_msg[--n] = 0;
    }
    db->pg_code = code;
}

/* SQLite's kind of a PostgreSQL error. */
static int sqlstate_code(const char *state)
{
    if (!state) {
        return DB_ERROR;
    }
    if (strncmp(state, "23", 2) == 0) {
        return DB_CONSTRAINT;
    }
    if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0) {
        return DB_BUSY;
    }
    if (strcmp(state, "25006") == 0) {
        return DB_READONLY;
    }
    return DB_ERROR;
}

/* Records res's error (clearing res); returns its kind: DB_IOERR when the
 * connection is gone. */
static int result_err(struct db *db, PGresult *res)
{
    const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    int code = sqlstate_code(state);
    if (PQstatus(db->pg) != CONNECTION_OK || (state && (strncmp(state, "08", 2) == 0 ||
                                                        strncmp(state, "57P", 3) == 0))) {
        code = DB_IOERR;
    }
    set_err(db, code, msg ? msg : PQerrorMessage(db->pg));
    PQclear(res);
    return code;
}

static int ok_status(ExecStatusType t)
{
    return t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK;
}

int db_open_pg(const char *conninfo, struct db **out)
{
    struct db *db = xcalloc(1, sizeof *db);
    *out = db;
    db->pg = PQconnectdb(conninfo);
    if (!db->pg) {
        free(db);
        *out = NULL;
        return DB_ERROR;
    }
    if (PQstatus(db->pg) != CONNECTION_OK) {
        set_err(db, DB_ERROR, PQerrorMessage(db->pg));
        return DB_ERROR;
    }
    /* notices (NOTICE: … does not exist, skipping) are not errors */
    PGresult *r = PQexec(db->pg, "SET client_min_messages = warning");
    if (!r || !ok_status(PQresultStatus(r))) {
        return result_err(db, r);
    }
    PQclear(r);
    return DB_OK;
}

void pg_close(struct db *db)
{
    PQfinish(db->pg);
    free(db->pg_msg);
}

const char *pg_errmsg(struct db *db)
{
    return db->pg_msg ? db->pg_msg : "not an error";
}

int pg_changes(struct db *db)
{
    return db->pg_changes;
}

long long pg_last_id(struct db *db)
{
    /* the value the session's last nextval() gave: an identity column's */
    PGresult *r = PQexec(db->pg, "SELECT lastval()");
    long long v = 0;
    if (r && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
        v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    }
    PQclear(r);
    return v;
}

int pg_autocommit(struct db *db)
{
    if (db->pg_lost_in_tx) {
        return 0; /* the store's transaction is open until it rolls it back */
    }
    if (PQstatus(db->pg) != CONNECTION_OK) {
        return 1; /* whatever the lost connection had open is gone */
    }
    return PQtransactionStatus(db->pg) == PQTRANS_IDLE;
}

int pg_exec(struct db *db, const char *sql, char **msg)
{
    /* the simple protocol: several statements, no parameters */
    if (PQstatus(db->pg) != CONNECTION_OK && strncmp(sql, "ROLLBACK", 8) == 0) {
        db->pg_lost_in_tx = 0; /* ended: the transaction went with the connection */
        return DB_OK;
    }
    int idle = PQtransactionStatus(db->pg) == PQTRANS_IDLE;
    PGresult *r = PQexec(db->pg, sql);
    if (!r || !ok_status(PQresultStatus(r))) {
        if (PQstatus(db->pg) != CONNECTION_OK && !idle && strncmp(sql, "ROLLBACK", 8) != 0) {
            db->pg_lost_in_tx = 1;
        }
        int code = result_err(db, r);
        if (msg) {
            *msg = xstrdup(db->pg_msg);
        }
        return code;
    }
    db->pg_changes = atoi(PQcmdTuples(r));
    PQclear(r);
    return DB_OK;
}

int db_exec_int(struct db *db, const char *sql, long long *out)
{
    if (!db->pg) {
        return DB_ERROR;
    }
    PGresult *r = PQexec(db->pg, sql);
    if (!r || PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) < 1) {
        return result_err(db, r);
    }
    *out = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return DB_OK;
}

static int is_name_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '$';
}

void pg_sql(const char *sql, struct buf *out, char ***names, int *nnames)
{
    int max = 0, cap = 0;
    char **nm = NULL;
    for (const char *p = sql; *p;) {
        char c = *p;
        if (c == '\'' || c == '"') {
            /* quoted text or name; a doubled quote is one inside it */
            const char *q = p + 1;
            while (*q && !(*q == c && q[1] != c)) {
                q += *q == c ? 2 : 1;
            }
            q += *q ? 1 : 0;
            buf_append(out, p, (size_t)(q - p));
            p = q;
        } else if (c == '-' && p[1] == '-') {
            size_t n = strcspn(p, "\n");
            buf_append(out, p, n);
            p += n;
        } else if (c == '/' && p[1] == '*') {
            const char *q = strstr(p + 2, "*/");
            q = q ? q + 2 : p + strlen(p);
            buf_append(out, p, (size_t)(q - p));
            p = q;
        } else if (c == ':' && p[1] == ':') {
            buf_append(out, p, 2);
            p += 2;
        } else if (c == '?' ||
                   ((c == ':' || c == '@') && (isalpha((unsigned char)p[1]) || p[1] == '_'))) {
            int idx;
            const char *q = p + 1;
            if (c == '?') {
                if (isdigit((unsigned char)*q)) {
                    idx = (int)strtol(q, (char **)&q, 10);
                } else {
                    idx = max + 1;
                }
            } else {
                while (is_name_char(*q)) {
                    q++;
                }
                size_t n = (size_t)(q - p);
                idx = 0;
                for (int i = 0; i < max && !idx; i++) {
                    if (nm && i < cap && nm[i] && strlen(nm[i]) == n && memcmp(nm[i], p, n) == 0) {
                        idx = i + 1;
                    }
                }
                if (!idx) {
                    idx = max + 1;
                    if (names) {
                        if (idx > cap) {
                            int ncap = idx * 2 + 8;
                            nm = xrealloc(nm, sizeof *nm * (size_t)ncap);
                            memset(nm + cap, 0, sizeof *nm * (size_t)(ncap - cap));
                            cap = ncap;
                        }
                        nm[idx - 1] = xstrndup(p, n);
                    }
                }
            }
            if (idx > max) {
                max = idx;
            }
            buf_printf(out, "$%d", idx);
            p = q;
        } else {
            buf_putc(out, c);
            p++;
        }
    }
    if (names) {
        if (max > cap) {
            nm = xrealloc(nm, sizeof *nm * (size_t)max);
            memset(nm + cap, 0, sizeof *nm * (size_t)(max - cap));
        }
        *names = nm;
    } else {
        free(nm);
    }
    *nnames = max;
}

/* Prepares st on the server under a fresh name of the connection. */
static int server_prepare(struct pgst *st)
{
    struct db *db = st->db;
    int n = st->nparam;
    snprintf(st->name, sizeof st->name, "s%u", ++db->pg_nstmt);
    /* The server types each parameter from where it is used. One only
     * tested for NULL ("?2 IS NULL OR x = ?2") it cannot type: it says
     * which, and that one is sent as text, as SQLite would bind it. */
    PGresult *r = NULL;
    /* A failed prepare inside a transaction would abort it; SQLite's
     * leaves the transaction as it was: a savepoint makes it so here. */
    int in_tx = PQtransactionStatus(db->pg) == PQTRANS_INTRANS;
    if (in_tx) {
        PQclear(PQexec(db->pg, "SAVEPOINT isms_prepare"));
    }
    for (int tries = 0; tries <= n; tries++) {
        r = PQprepare(db->pg, st->name, st->sql, n, st->types);
        const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
        const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
        const char *dollar = msg ? strstr(msg, "parameter $") : NULL;
        int k = dollar ? atoi(dollar + 11) : 0;
        if (!state || (strcmp(state, "42P08") != 0 && strcmp(state, "42P18") != 0) || k < 1 ||
            k > n || st->types[k - 1]) {
            break; /* prepared, or another error */
        }
        st->types[k - 1] = 25; /* text */
        PQclear(r);
        if (in_tx) {
            PQclear(PQexec(db->pg, "ROLLBACK TO SAVEPOINT isms_prepare"));
        }
    }
    if (in_tx) {
        int ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(PQexec(db->pg, ok ? "RELEASE SAVEPOINT isms_prepare"
                                  : "ROLLBACK TO SAVEPOINT isms_prepare; "
                                    "RELEASE SAVEPOINT isms_prepare"));
    }
    if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) {
        int code = result_err(db, r);
        if (getenv("ISMS_PG_TRACE")) {
            /* for porting a statement: which one the server refused */
            fprintf(stderr, "isms: PostgreSQL refused: %s\n  %s\n", db->pg_msg, st->sql);
        }
        st->name[0] = 0; /* nothing to deallocate */
        return code;
    }
    PQclear(r);
    st->gen = db->pg_gen;
    return DB_OK;
}

int pg_prepare(struct db *db, const char *sql, struct dbst **out)
{
    struct buf b;
    buf_init(&b, 0);
    char **names = NULL;
    int n = 0;
    pg_sql(sql, &b, &names, &n);
    struct pgst *st = xcalloc(1, sizeof *st);
    st->db = db;
    st->sql = buf_take(&b);
    st->nparam = n;
    st->pname = names;
    st->types = xcalloc((size_t)n + 1, sizeof *st->types);
    st->val = xcalloc((size_t)n + 1, sizeof *st->val);
    st->len = xcalloc((size_t)n + 1, sizeof *st->len);
    st->fmt = xcalloc((size_t)n + 1, sizeof *st->fmt);
    st->owned = xcalloc((size_t)n + 1, 1);
    st->row = -1;
    /* preparing is always safe to send again: on a connection found lost
     * outside a transaction, once more on a new one */
    int code = DB_IOERR;
    if (PQstatus(db->pg) == CONNECTION_OK || (!db->pg_lost_in_tx && db_pg_revive(db) == DB_OK)) {
        int idle = PQtransactionStatus(db->pg) == PQTRANS_IDLE;
        code = server_prepare(st);
        if (code == DB_IOERR && idle && db_pg_revive(db) == DB_OK) {
            code = server_prepare(st);
        }
    }
    if (code != DB_OK) {
        pg_finalize(st);
        return code;
    }
    *out = xcalloc(1, sizeof **out);
    (*out)->pg = st;
    return DB_OK;
}

int db_pg_revive(struct db *db)
{
    if (PQstatus(db->pg) == CONNECTION_OK) {
        return DB_OK;
    }
    /* the server went away (a restart, a failover behind the proxy): a
     * new connection; every statement prepares itself again on its next
     * use (its generation is old) */
    PQreset(db->pg);
    db->pg_lost_in_tx = 0; /* whatever transaction it had is gone with it */
    if (PQstatus(db->pg) != CONNECTION_OK) {
        set_err(db, DB_IOERR, PQerrorMessage(db->pg));
        return DB_IOERR;
    }
    db->pg_gen++;
    PGresult *r = PQexec(db->pg, "SET client_min_messages = warning");
    if (!r || !ok_status(PQresultStatus(r))) {
        return result_err(db, r);
    }
    PQclear(r);
    return DB_OK;
}

static void drop_row(struct pgst *st)
{
    if (st->blob) {
        /* the decoded bytes live in the result (PQresultAlloc) */
        memset(st->blob, 0, sizeof *st->blob * (size_t)st->ncols);
    }
}

int pgst_reset(struct pgst *st)
{
    drop_row(st);
    PQclear(st->res);
    st->res = NULL;
    st->row = -1;
    st->nrows = 0;
    return DB_OK;
}

int pg_finalize(struct pgst *st)
{
    pgst_reset(st);
    if (st->name[0] && st->gen == st->db->pg_gen && PQstatus(st->db->pg) == CONNECTION_OK) {
        char sql[40];
        snprintf(sql, sizeof sql, "DEALLOCATE %s", st->name);
        PQclear(PQexec(st->db->pg, sql));
    }
    for (int i = 0; i < st->nparam; i++) {
        if (st->owned[i]) {
            free(st->val[i]);
        }
        if (st->pname) {
            free(st->pname[i]);
        }
    }
    free(st->pname);
    free(st->val);
    free(st->owned);
    free(st->sql);
    free(st->types);
    free(st->len);
    free(st->fmt);
    free(st->blob);
    free(st->blen);
    free(st);
    return DB_OK;
}

int pgst_clear(struct pgst *st)
{
    for (int i = 0; i < st->nparam; i++) {
        if (st->owned[i]) {
            free(st->val[i]);
        }
        st->val[i] = NULL;
        st->owned[i] = 0;
    }
    return DB_OK;
}

int pgst_busy(struct pgst *st)
{
    return st->res && st->row < st->nrows;
}

int pgst_param_index(struct pgst *st, const char *name)
{
    for (int i = 0; st->pname && i < st->nparam; i++) {
        if (st->pname[i] && strcmp(st->pname[i], name) == 0) {
            return i + 1;
        }
    }
    return 0;
}

int pgst_bind(struct pgst *st, int i, const void *v, int n, int binary)
{
    if (i < 1 || i > st->nparam) {
        set_err(st->db, DB_ERROR, "column index out of range");
        return DB_ERROR; /* SQLite says SQLITE_RANGE */
    }
    if (st->owned[i - 1]) {
        free(st->val[i - 1]);
    }
    st->val[i - 1] = NULL;
    st->owned[i - 1] = 0;
    int keep = binary & 2; /* the caller's bytes, left in place (db_bind_blob_static) */
    binary &= 1;
    if (v && keep && binary) {
        st->val[i - 1] = (char *)v;
        st->len[i - 1] = n;
    } else if (v) {
        size_t len = n < 0 ? strlen(v) : (size_t)n;
        char *c;
        if (!binary && !utf8_valid(v, len)) {
            /* PostgreSQL's text holds UTF-8 only. Every value the program
             * writes was checked as such; a read can still be given other
             * bytes (a hostile URL): each byte not in a well-formed
             * sequence is sent as U+FFFD, which matches no stored value,
             * as those bytes match none on SQLite. */
            struct buf b;
            buf_init(&b, 0);
            for (size_t k = 0; k < len;) {
                size_t m = 1;
                while (m <= 4 && k + m <= len && !utf8_valid((const char *)v + k, m)) {
                    m++;
                }
                if (m <= 4 && k + m <= len) {
                    buf_append(&b, (const char *)v + k, m);
                    k += m;
                } else {
                    buf_puts(&b, "\xef\xbf\xbd");
                    k++;
                }
            }
            len = b.len;
            c = buf_take(&b);
        } else {
            c = xmalloc(len + 1);
            memcpy(c, v, len);
            c[len] = 0;
        }
        st->val[i - 1] = c;
        st->len[i - 1] = (int)len;
        st->owned[i - 1] = 1;
    }
    st->fmt[i - 1] = binary;
    return DB_OK;
}

int pgst_bind_int64(struct pgst *st, int i, long long v)
{
    char b[24];
    return pgst_bind(st, i, i64_text(b, v), -1, 0);
}

int pgst_bind_double(struct pgst *st, int i, double v)
{
    char b[32];
    snprintf(b, sizeof b, "%.17g", v);
    return pgst_bind(st, i, b, -1, 0);
}

int pgst_step(struct pgst *st)
{
    struct db *db = st->db;
    if (!st->res) {
        if (PQstatus(db->pg) != CONNECTION_OK && !db->pg_lost_in_tx && db_pg_revive(db) != DB_OK) {
            return DB_IOERR; /* still gone */
        }
        if (st->gen != db->pg_gen) {
            int code = server_prepare(st); /* made before the connection was renewed */
            if (code != DB_OK) {
                return code;
            }
        }
        int idle = PQtransactionStatus(db->pg) == PQTRANS_IDLE;
        if (PQstatus(db->pg) != CONNECTION_OK) {
            /* lost inside a transaction: its statements fail until the
             * store ends it and starts another (db_pg_revive) */
            set_err(db, DB_IOERR, "the connection to the database server was lost");
            return DB_IOERR;
        }
        PGresult *r = PQexecPrepared(db->pg, st->name, st->nparam, (const char *const *)st->val,
                                     st->len, st->fmt, 0);
        if ((!r || !ok_status(PQresultStatus(r))) && PQstatus(db->pg) != CONNECTION_OK &&
            idle && !st->retried && strncmp(st->sql, "SELECT ", 7) == 0) {
            /* the connection was lost (the server restarted, a failover):
             * a read outside a transaction is safe to send again, once, on
             * a new connection; a statement of a transaction never is */
            PQclear(r);
            if (db_pg_revive(db) == DB_OK) {
                st->retried = 1;
                int rc = pgst_step(st);
                st->retried = 0;
                return rc;
            }
            return result_err(db, NULL);
        }
        if (!r || !ok_status(PQresultStatus(r))) {
            if (PQstatus(db->pg) != CONNECTION_OK && !idle) {
                db->pg_lost_in_tx = 1;
            }
            return result_err(db, r);
        }
        st->res = r;
        st->nrows = PQntuples(r);
        st->row = -1;
        int nc = PQnfields(r);
        if (nc > st->ncols) {
            st->blob = xrealloc(st->blob, sizeof *st->blob * (size_t)nc);
            st->blen = xrealloc(st->blen, sizeof *st->blen * (size_t)nc);
            memset(st->blob, 0, sizeof *st->blob * (size_t)nc);
        }
        st->ncols = nc;
        const char *ct = PQcmdTuples(r);
        db->pg_changes = *ct ? atoi(ct) : 0;
    }
    drop_row(st);
    if (st->row < st->nrows) {
        st->row++;
    }
    return st->row < st->nrows ? DB_ROW : DB_DONE;
}

static int in_row(struct pgst *st, int i)
{
    return st->res && st->row >= 0 && st->row < st->nrows && i >= 0 && i < st->ncols;
}

int pgst_col_type(struct pgst *st, int i)
{
    if (!in_row(st, i) || PQgetisnull(st->res, st->row, i)) {
        return DB_NULL;
    }
    switch (PQftype(st->res, i)) {
    case OID_BOOL:
    case OID_INT2:
    case OID_INT4:
    case OID_INT8:
    case OID_OID:
        return DB_INTEGER;
    case OID_FLOAT4:
    case OID_FLOAT8:
        return DB_FLOAT;
    case OID_NUMERIC:
        return strpbrk(PQgetvalue(st->res, st->row, i), ".eE") ? DB_FLOAT : DB_INTEGER;
    case OID_BYTEA:
        return DB_BLOB;
    default:
        return DB_TEXT;
    }
}

long long pgst_col_int64(struct pgst *st, int i)
{
    if (!in_row(st, i) || PQgetisnull(st->res, st->row, i)) {
        return 0;
    }
    const char *v = PQgetvalue(st->res, st->row, i);
    if (PQftype(st->res, i) == OID_BOOL) {
        return *v == 't';
    }
    return strtoll(v, NULL, 10);
}

double pgst_col_double(struct pgst *st, int i)
{
    if (!in_row(st, i) || PQgetisnull(st->res, st->row, i)) {
        return 0;
    }
    const char *v = PQgetvalue(st->res, st->row, i);
    if (PQftype(st->res, i) == OID_BOOL) {
        return *v == 't';
    }
    return strtod(v, NULL);
}

const unsigned char *pgst_col_text(struct pgst *st, int i)
{
    if (!in_row(st, i) || PQgetisnull(st->res, st->row, i)) {
        return NULL;
    }
    const char *v = PQgetvalue(st->res, st->row, i);
    switch (PQftype(st->res, i)) {
    case OID_BOOL:
        return (const unsigned char *)(*v == 't' ? "1" : "0"); /* as SQLite's integers read */
    case OID_BYTEA:
        return pgst_col_blob(st, i);
    default:
        return (const unsigned char *)v;
    }
}

const void *pgst_col_blob(struct pgst *st, int i)
{
    if (!in_row(st, i) || PQgetisnull(st->res, st->row, i)) {
        return NULL;
    }
    if (PQftype(st->res, i) != OID_BYTEA) {
        return pgst_col_text(st, i);
    }
    if (!st->blob[i]) {
        /* text-format bytea ("\x…") decoded once per row; NUL-ended so it
         * can be read as text too, as SQLite's can */
        size_t n = 0;
        unsigned char *raw =
            PQunescapeBytea((const unsigned char *)PQgetvalue(st->res, st->row, i), &n);
        if (!raw) {
            return NULL;
        }
        unsigned char *c = PQresultAlloc(st->res, n + 1); /* freed with the result */
        if (c) {
            memcpy(c, raw, n);
            c[n] = 0;
            st->blen[i] = n;
        }
        PQfreemem(raw);
        st->blob[i] = c;
    }
    return st->blob[i];
}

int pgst_col_bytes(struct pgst *st, int i)
{
    if (!in_row(st, i) || PQgetisnull(st->res, st->row, i)) {
        return 0;
    }
    if (PQftype(st->res, i) == OID_BYTEA) {
        if (!pgst_col_blob(st, i)) {
            return 0;
        }
        return (int)st->blen[i];
    }
    if (PQftype(st->res, i) == OID_BOOL) {
        return 1;
    }
    return PQgetlength(st->res, st->row, i);
}
