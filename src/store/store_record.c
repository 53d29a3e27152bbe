/* store_record.c — generic reading and writing of records of any declared
 * type, and the link table behind F_REFS fields. SQL text is assembled only
 * from declared (compile-time) table and column names; values are bound. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/buf.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "store_int.h"

/* "SELECT ref, f1, ..., (links of REFS fields) FROM type t" */
static int named(const char *const *names, const char *name)
{
    for (int i = 0; names[i]; i++) {
        if (strcmp(names[i], name) == 0) {
            return 1;
        }
    }
    return 0;
}

/* The table (or view) a query of t reads: the type's table, or with
 * released (struct query.released) the view of what is in force, named
 * TYPE_released (documents only: migration 0010). */
static const char *source(const struct rtype *t, int released, char *out, size_t size)
{
    snprintf(out, size, "%s%s", t->name, released ? "_released" : "");
    return out;
}

/* SELECT of every field in declaration order (column i + 1), or of the
 * named columns only with NULL for the rest. The first is kept per type
 * (from the type's own table); the others are built in own. */
static const char *select_sql(struct store *s, const struct rtype *t, const char *const *columns,
                              int released, struct buf *own)
{
    char **slot = &s->select_sql[rtype_index(t)];
    if (!columns && !released && *slot) {
        return *slot;
    }
    struct buf b;
    buf_init(&b, 0);
    buf_puts(&b, "SELECT t.ref");
    for (int i = 0; i < t->nfields; i++) {
        const struct field *f = &t->fields[i];
        if (columns && !named(columns, f->name)) {
            buf_puts(&b, ", NULL");
        } else if (f->type == F_REFS) {
            buf_printf(&b,
                       ", (SELECT group_concat(dst, ',') FROM link WHERE src = t.ref AND rel = '%s')",
                       f->name);
        } else {
            buf_printf(&b, ", t.%s", f->name);
        }
    }
    char src[80];
    buf_printf(&b, " FROM %s t", source(t, released, src, sizeof src));
    if (columns || released) {
        *own = b;
        return buf_str(own);
    }
    *slot = buf_take(&b);
    return *slot;
}

static int cmp_nat(const void *a, const void *b)
{
    return natcmp(*(const char *const *)a, *(const char *const *)b);
}

/* group_concat gives storage order; the canonical form is natural order. */
static char *canonical_refs(const char *v)
{
    if (!v || !strchr(v, ',')) {
        return xstrdup(v);
    }
    char *copy = xstrdup(v);
    int n = 1;
    for (const char *p = v; *p; p++) {
        n += *p == ',';
    }
    char **items = xmalloc((size_t)n * sizeof *items);
    int k = 0;
    char *save_tok = NULL;
    for (char *tok = strtok_r(copy, ",", &save_tok); tok;
         tok = strtok_r(NULL, ",", &save_tok)) {
        items[k++] = tok;
    }
    qsort(items, (size_t)k, sizeof *items, cmp_nat);
    struct buf b;
    buf_init(&b, 0);
    for (int i = 0; i < k; i++) {
        buf_printf(&b, "%s%s", i ? "," : "", items[i]);
    }
    free(items);
    free(copy);
    return buf_take(&b);
}

static struct record *row_record(const struct rtype *t, struct dbst *st)
{
    struct record *r = record_new(t);
    r->ref = xstrndup((const char *)db_col_text(st, 0), (size_t)db_col_bytes(st, 0));
    for (int i = 0; i < t->nfields; i++) {
        int col = i + 1;
        int ct = db_col_type(st, col);
        if (ct == DB_NULL) {
            continue;
        }
        const struct field *f = &t->fields[i];
        if (ct == DB_INTEGER) {
            char d[24];
            r->v[i] = xstrdup(i64_text(d, db_col_int64(st, col)));
        } else if (ct == DB_FLOAT) {
            char tmp[64];
            snprintf(tmp, sizeof tmp, "%.15g", db_col_double(st, col));
            r->v[i] = xstrdup(tmp);
        } else if (f->type == F_REFS) {
            r->v[i] = canonical_refs((const char *)db_col_text(st, col));
        } else {
            const char *v = (const char *)db_col_text(st, col);
            r->v[i] = xstrndup(v, (size_t)db_col_bytes(st, col));
        }
    }
    return r;
}

static int bind_value(struct dbst *st, int pos, const struct field *f, const char *v)
{
    if (!v) {
        return db_bind_null(st, pos);
    }
    if (f->type == F_INT || f->type == F_BOOL) {
        int64_t x = 0;
        int_parse(v, &x);
        return db_bind_int64(st, pos, x);
    }
    if (f->type == F_NUMBER) {
        double x = 0;
        number_parse(v, &x);
        return db_bind_double(st, pos, x);
    }
    return db_bind_text(st, pos, v, -1);
}

static int raw_get(struct store *s, const struct rtype *t, const char *ref, struct record **out,
                   struct err *e)
{
    *out = NULL;
    struct buf b;
    buf_init(&b, 0);
    buf_puts(&b, select_sql(s, t, NULL, 0, NULL)); /* copied, not formatted: it is long */
    buf_puts(&b, " WHERE t.ref = ?1");
    struct dbst *st = store_prepare(s, buf_str(&b), e);
    buf_free(&b);
    if (!st) {
        return -1;
    }
    db_bind_text(st, 1, ref, -1);
    int rc = store_step(s, st, e);
    if (rc < 0) {
        return -1;
    }
    if (rc == DB_DONE) {
        db_reset(st);
        return record_notfound(e, t, ref);
    }
    *out = row_record(t, st);
    db_reset(st);
    return 0;
}

static int raw_exists(struct store *s, const struct rtype *t, const char *ref, int *retired,
                      struct err *e)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT retired IS NOT NULL FROM %s WHERE ref = ?1", t->name);
    struct dbst *st = store_prepare(s, sql, e);
    if (!st) {
        return -1;
    }
    db_bind_text(st, 1, ref, -1);
    int rc = store_step(s, st, e);
    if (rc < 0) {
        return -1;
    }
    int found = rc == DB_ROW;
    if (found && retired) {
        *retired = db_col_int(st, 0);
    }
    db_reset(st);
    return found;
}

/* Writes the link rows of r's F_REFS fields. replace: delete the old rows
 * first (an update). mask: only fields with mask[i] set (NULL = all). */
static int write_links_(struct store *s, const struct record *r, int replace,
                        const unsigned char *mask, struct err *e)
{
    const struct rtype *t = r->type;
    for (int i = 0; i < t->nfields; i++) {
        const struct field *f = &t->fields[i];
        if (f->type != F_REFS || (mask && !mask[i])) {
            continue;
        }
        if (replace) {
            struct dbst *del = store_prepare(s, "DELETE FROM link WHERE src = ?1 AND rel = ?2", e);
            if (!del) {
                return -1;
            }
            db_bind_text(del, 1, r->ref, -1);
            db_bind_text_static(del, 2, f->name, -1);
            if (store_step(s, del, e) < 0) {
                return -1;
            }
            db_reset(del);
        }
        if (!r->v[i]) {
            continue;
        }
        char *copy = xstrdup(r->v[i]);
        int rc = 0;
        char *save_tok = NULL;
        for (char *tok = strtok_r(copy, ",", &save_tok); tok && rc == 0;
             tok = strtok_r(NULL, ",", &save_tok)) {
            struct dbst *ins = store_prepare(
                s, "INSERT INTO link (src, rel, dst, src_type, dst_type) VALUES (?1,?2,?3,?4,?5)",
                e);
            if (!ins) {
                rc = -1;
                break;
            }
            db_bind_text(ins, 1, r->ref, -1);
            db_bind_text_static(ins, 2, f->name, -1);
            db_bind_text(ins, 3, tok, -1);
            db_bind_text_static(ins, 4, t->name, -1);
            db_bind_text_static(ins, 5, f->ref, -1);
            if (store_step(s, ins, e) < 0) {
                rc = -1;
            }
            db_reset(ins);
        }
        free(copy);
        if (rc) {
            return -1;
        }
    }
    return 0;
}

static int next_ref(struct store *s, const struct rtype *t, char **out, struct err *e)
{
    struct dbst *st = store_prepare(s,
                                     "INSERT INTO refseq (prefix, last) VALUES (?1, 1) "
                                     "ON CONFLICT (prefix) DO UPDATE SET last = refseq.last + 1 "
                                     "RETURNING last",
                                     e);
    if (!st) {
        return -1;
    }
    db_bind_text_static(st, 1, t->prefix, -1);
    if (store_step(s, st, e) != DB_ROW) {
        db_reset(st);
        return st ? err_set(e, ERR_STORAGE, NULL, "allocating an identifier failed") : -1;
    }
    long n = (long)db_col_int64(st, 0);
    /* drain RETURNING so the statement completes */
    while (db_step(st) == DB_ROW) {
    }
    db_reset(st);
    char ref[48];
    snprintf(ref, sizeof ref, "%s-%04ld", t->prefix, n);
    *out = xstrdup(ref);
    return 0;
}

int store_insert(struct store *s, struct record *r, struct err *e)
{
    const struct rtype *t = r->type;
    if (!r->ref && next_ref(s, t, &r->ref, e)) {
        return -1;
    }
    struct buf b, vals;
    buf_init(&b, 0);
    buf_init(&vals, 0);
    /* each value, and beside a naturally ordered one its sort key */
    int keyed = s->version >= STORE_SORTKEY_VERSION;
    buf_printf(&b, "INSERT INTO %s (ref", t->name);
    buf_puts(&vals, "?1");
    int pos = 1;
    for (int i = 0; i < t->nfields; i++) {
        if (t->fields[i].type == F_REFS) {
            continue;
        }
        buf_printf(&b, ", %s", t->fields[i].name);
        buf_printf(&vals, ", ?%d", ++pos);
        if (keyed && field_has_sortkey(t, &t->fields[i])) {
            buf_printf(&b, ", %s" SORTKEY_SUFFIX, t->fields[i].name);
            buf_printf(&vals, ", ?%d", ++pos);
        }
    }
    buf_printf(&b, ") VALUES (%s)", buf_str(&vals));
    struct dbst *st = store_prepare(s, buf_str(&b), e);
    buf_free(&b);
    buf_free(&vals);
    if (!st) {
        return -1;
    }
    db_bind_text(st, 1, r->ref, -1);
    pos = 1;
    for (int i = 0; i < t->nfields; i++) {
        if (t->fields[i].type != F_REFS) {
            bind_value(st, ++pos, &t->fields[i], r->v[i]);
            if (keyed && field_has_sortkey(t, &t->fields[i])) {
                store_bind_sortkey(st, ++pos, r->v[i]);
            }
        }
    }
    int rc = store_step(s, st, e);
    db_reset(st);
    if (rc < 0 || write_links_(s, r, 0, NULL, e)) {
        return -1;
    }
    return store_has_released(t) ? store_released_keys(s, r->ref, e) : 0;
}

int store_update(struct store *s, const struct record *r, struct err *e)
{
    return store_update_fields(s, r, NULL, e);
}

int store_update_fields(struct store *s, const struct record *r, const unsigned char *mask,
                        struct err *e)
{
    const struct rtype *t = r->type;
    struct buf b;
    buf_init(&b, 0);
    buf_puts(&b, "UPDATE ");
    buf_puts(&b, t->name);
    buf_puts(&b, " SET ");
    int pos = 1, first = 1;
    int keyed = s->version >= STORE_SORTKEY_VERSION;
    char num[24];
    for (int i = 0; i < t->nfields; i++) {
        if (t->fields[i].type == F_REFS || (mask && !mask[i])) {
            continue;
        }
        /* "name = ?N", put together without printf: a re-score writes
         * thousands of records this way; a naturally ordered value's sort
         * key with it ("name_sk = ?N") */
        if (!first) {
            buf_puts(&b, ", ");
        }
        buf_puts(&b, t->fields[i].name);
        buf_puts(&b, " = ?");
        buf_puts(&b, i64_text(num, ++pos));
        if (keyed && field_has_sortkey(t, &t->fields[i])) {
            buf_puts(&b, ", ");
            buf_puts(&b, t->fields[i].name);
            buf_puts(&b, SORTKEY_SUFFIX " = ?");
            buf_puts(&b, i64_text(num, ++pos));
        }
        first = 0;
    }
    if (first) {
        buf_puts(&b, "ref = ref"); /* only links change; still check the record exists */
    }
    buf_puts(&b, " WHERE ref = ?1");
    struct dbst *st = store_prepare(s, buf_str(&b), e);
    buf_free(&b);
    if (!st) {
        return -1;
    }
    db_bind_text(st, 1, r->ref, -1);
    pos = 1;
    for (int i = 0; i < t->nfields; i++) {
        if (t->fields[i].type != F_REFS && (!mask || mask[i])) {
            bind_value(st, ++pos, &t->fields[i], r->v[i]);
            if (keyed && field_has_sortkey(t, &t->fields[i])) {
                store_bind_sortkey(st, ++pos, r->v[i]);
            }
        }
    }
    int rc = store_step(s, st, e);
    db_reset(st);
    if (rc < 0) {
        return -1;
    }
    if (db_changes(s->db) != 1) {
        return record_notfound(e, t, r->ref);
    }
    if (write_links_(s, r, 1, mask, e)) {
        return -1;
    }
    return store_has_released(t) ? store_released_keys(s, r->ref, e) : 0;
}

static void like_escape(struct buf *b, const char *s)
{
    buf_putc(b, '%');
    for (; *s; s++) {
        if (*s == '%' || *s == '_' || *s == '\\') {
            buf_putc(b, '\\');
        }
        buf_putc(b, *s);
    }
    buf_putc(b, '%');
}

static const struct field *sort_field(const struct rtype *t, const struct query *q)
{
    return q ? rtype_sort_field(t, q->sort) : NULL;
}

/* The column a listing sorts on for field f: text naturally — its stored
 * sort key, natkey of the value (migration 0026), compared as bytes —, the
 * rest by the value itself. */
static void sort_column(char *out, size_t n, const struct field *f)
{
    snprintf(out, n, "t.%s%s", f->name, ftype_natural(f->type) ? SORTKEY_SUFFIX : "");
}

/* The value a listing sorts on, for column or parameter x of field f:
 * enumerations by declared position, the rest as stored (a naturally
 * ordered field's column is its key: sort_column; its parameter is bound
 * as natkey, bind_query). */
static void sort_expr(struct buf *b, const struct field *f, const char *x)
{
    if (f->type == F_ENUM) {
        buf_printf(b, "(CASE %s", x);
        for (int i = 0; f->values[i]; i++) {
            /* declared values are identifiers: no quote can occur */
            buf_printf(b, " WHEN '%s' THEN %d", f->values[i], i);
        }
        buf_puts(b, " END)");
    } else {
        buf_puts(b, x);
    }
}

/* The k-th value of a condition's comma-separated list (NULL past the end). */
static const char *cond_value(const char *values, int k, char *out, size_t n)
{
    const char *p = values ? values : "";
    for (int i = 0; i < k && p; i++) {
        p = strchr(p, ',');
        p = p ? p + 1 : NULL;
    }
    if (!p || (!*p && k > 0)) {
        return NULL;
    }
    size_t l = strcspn(p, ",");
    if (l >= n) {
        l = n - 1;
    }
    memcpy(out, p, l);
    out[l] = 0;
    return out;
}

/* One condition of q (struct qcond), its values bound as :cK_I. */
static void cond_sql(struct buf *b, const struct rtype *t, const struct query *q, int k)
{
    const struct qcond *c = &q->cond[k];
    const char *col = c->f->name;
    if (perm_field_hidden(q->hide_for, t, col)) {
        /* seen unset: only "not one of" holds */
        buf_puts(b, c->op == QC_NOT_IN ? " AND 1 = 1" : " AND 1 = 0");
        return;
    }
    if (c->f->type == F_REFS) {
        /* a list of links: set when it has one, "one of" when one of them is */
        buf_printf(b, " AND %sEXISTS (SELECT 1 FROM link WHERE src = t.ref AND rel = '%s'",
                   c->op == QC_NOT_IN ? "NOT " : "", col);
    } else if (c->op == QC_SET) {
        buf_printf(b, " AND (t.%s IS NOT NULL AND t.%s <> ''", col, col);
    } else if (c->op == QC_BEFORE) {
        /* below YYYY-MM-DD as a string is the same as its first ten
         * characters below it, and leaves the column's index usable */
        buf_printf(b, " AND (t.%s > '' AND t.%s < :c%d_0", col, col, k);
    } else if (c->op == QC_NOT_IN) {
        buf_printf(b, " AND (t.%s IS NULL OR t.%s NOT IN (", col, col);
    } else {
        buf_printf(b, " AND (t.%s IN (", col);
    }
    if (c->op == QC_IN || c->op == QC_NOT_IN) {
        if (c->f->type == F_REFS) {
            buf_puts(b, " AND dst IN (");
        }
        char v[160];
        for (int i = 0; i < QCOND_MAX_VALUES && cond_value(c->values, i, v, sizeof v); i++) {
            buf_printf(b, "%s:c%d_%d", i ? ", " : "", k, i);
        }
        buf_puts(b, ")");
    }
    buf_puts(b, ")");
}

/* WHERE for q; with keyset set, also the rows after q's position. */
static void where_clause(struct buf *b, const struct rtype *t, const struct query *q, int keyset)
{
    buf_puts(b, " WHERE 1 = 1");
    if (!q || !q->include_retired) {
        buf_puts(b, " AND t.retired IS NULL");
    }
    if (!q) {
        return;
    }
    if (q->none) {
        buf_puts(b, " AND 1 = 0");
    }
    /* the filters' numbered parameters (?1..?16) come first: SQLite gives a
     * named parameter the next free number, which must not be one of them */
    for (int k = 0; k < q->nfilter; k++) {
        const struct field *f = q->filter_field[k];
        if (!q->filter_value[k]) {
            if (f->type == F_REFS) {
                buf_printf(b, " AND NOT EXISTS (SELECT 1 FROM link WHERE src = t.ref AND rel = '%s')",
                           f->name);
            } else {
                buf_printf(b, " AND t.%s IS NULL", f->name);
            }
        } else if (f->type == F_REFS) {
            buf_printf(b,
                       " AND EXISTS (SELECT 1 FROM link WHERE src = t.ref AND rel = '%s' AND "
                       "dst = ?%d)",
                       f->name, k + 1);
        } else if (f->type == F_SET) {
            buf_printf(b, " AND instr(',' || t.%s || ',', ',' || ?%d || ',') > 0", f->name, k + 1);
        } else {
            buf_printf(b, " AND t.%s = ?%d", f->name, k + 1);
        }
    }
    for (int k = 0; k < q->ncond; k++) {
        cond_sql(b, t, q, k);
    }
    if (q->ref) {
        buf_puts(b, " AND t.ref = :ref");
    }
    if (q->refs) {
        buf_puts(b, " AND t.ref IN (SELECT value FROM json_each(:refs))");
    }
    if (q->only_field) {
        buf_printf(b, " AND t.%s = :only", q->only_field->name);
    }
    if (q->released) {
        /* the released view (migration 0010): of the listed classifications,
         * or addressed to the viewer by the audience of the version in force
         * — everyone, the viewer's department, or a role the viewer holds */
        buf_puts(b, " AND (instr(',' || :classes || ',', ',' || t.classification || ',') > 0"
                    " OR t.audience = 'everyone'"
                    " OR (t.audience = 'selected' AND EXISTS (SELECT 1 FROM person p"
                    " WHERE p.ref = :viewer AND p.retired IS NULL AND ("
                    "(p.department IS NOT NULL AND instr(',' || t.audience_departments || ',',"
                    " ',' || p.department || ',') > 0)"
                    " OR EXISTS (SELECT 1 FROM json_each(t.audience_roles) r JOIN link l"
                    " ON l.src = r.value AND l.rel = 'holders' AND l.dst = p.ref)))))");
    }
    if (q->review_due && strcmp(t->name, "document") == 0) {
        /* a document in force whose next review date has come */
        buf_puts(b, " AND t.status IN ('approved', 'published') AND t.review_date <= :today");
    } else if (q->review_due) {
        /* as risk_review_due (src/model/risk.c): a recorded reason, or the
         * review date reached — through the identifiers, each half from its
         * index (migrations 0013, 0025), not a scan of every risk */
        buf_printf(b, " AND t.id IN (SELECT id FROM %s WHERE retired IS NULL AND review_reason > ''"
                      " UNION ALL SELECT id FROM %s WHERE retired IS NULL AND"
                      " review_date <= :today)", t->name, t->name);
    }
    if (!str_empty(q->search)) {
        buf_puts(b, " AND (t.ref LIKE :search ESCAPE '\\'");
        for (int i = 0; i < t->nfields; i++) {
            enum ftype ft = t->fields[i].type;
            if ((ft == F_TEXT || ft == F_LONGTEXT || ft == F_EMAIL) &&
                !perm_field_hidden(q->hide_for, t, t->fields[i].name)) {
                buf_printf(b, " OR t.%s LIKE :search ESCAPE '\\'", t->fields[i].name);
            }
        }
        buf_puts(b, ")");
    }
    if (!keyset || !q->after_ref) {
        return;
    }
    /* the position: (sort value, id), unset values smallest */
    const char *lt = q->desc ? "<" : ">";
    char id[160];
    snprintf(id, sizeof id, "(SELECT id FROM %s WHERE ref = :aref)", t->name);
    const struct field *f = sort_field(t, q);
    if (!f) {
        buf_printf(b, " AND t.id %s %s", lt, id);
        return;
    }
    char col[80];
    sort_column(col, sizeof col, f);
    struct buf x, k;
    buf_init(&x, 0);
    buf_init(&k, 0);
    sort_expr(&x, f, col);
    sort_expr(&k, f, ":akey");
    if (!q->after_key) {
        /* after an unset value: the other unset ones past it, then (going
         * up) every set value */
        buf_printf(b, " AND ((%s IS NULL AND t.id %s %s)%s%s%s)", buf_str(&x), lt, id,
                   q->desc ? "" : " OR ", q->desc ? "" : buf_str(&x),
                   q->desc ? "" : " IS NOT NULL");
    } else {
        buf_printf(b, " AND (%s %s %s OR (%s = %s AND t.id %s %s)%s%s%s)", buf_str(&x), lt,
                   buf_str(&k), buf_str(&x), buf_str(&k), lt, id, q->desc ? " OR " : "",
                   q->desc ? buf_str(&x) : "", q->desc ? " IS NULL" : "");
    }
    buf_free(&x);
    buf_free(&k);
}

static void bind_named(struct dbst *st, const char *name, const struct field *f, const char *v)
{
    int i = db_param_index(st, name);
    if (i) {
        if (f) {
            bind_value(st, i, f, v);
        } else {
            db_bind_text(st, i, v, -1);
        }
    }
}

static void bind_query(struct dbst *st, const struct rtype *t, const struct query *q)
{
    if (!q) {
        return;
    }
    for (int k = 0; k < q->nfilter; k++) {
        if (q->filter_value[k]) {
            const struct field *f = q->filter_field[k];
            if (f->type == F_SET || f->type == F_REFS) {
                db_bind_text(st, k + 1, q->filter_value[k], -1);
            } else {
                bind_value(st, k + 1, f, q->filter_value[k]);
            }
        }
    }
    for (int k = 0; k < q->ncond; k++) {
        const struct qcond *c = &q->cond[k];
        char name[32], v[160];
        for (int i = 0; i < QCOND_MAX_VALUES && cond_value(c->values, i, v, sizeof v); i++) {
            snprintf(name, sizeof name, ":c%d_%d", k, i);
            /* a date bound as text; a reference list's value is an identifier */
            bind_named(st, name, c->op == QC_BEFORE || c->f->type == F_REFS ? NULL : c->f, v);
        }
    }
    if (q->only_field) {
        bind_named(st, ":only", q->only_field, q->only_value);
    }
    if (q->ref) {
        bind_named(st, ":ref", NULL, q->ref);
    }
    if (q->refs) {
        bind_named(st, ":refs", NULL, q->refs);
    }
    if (q->released) {
        bind_named(st, ":classes", NULL, q->classes ? q->classes : "");
        bind_named(st, ":viewer", NULL, q->viewer ? q->viewer : "");
    }
    if (q->review_due) {
        bind_named(st, ":today", NULL, q->review_due);
    }
    if (!str_empty(q->search)) {
        struct buf pat;
        buf_init(&pat, 0);
        like_escape(&pat, q->search);
        bind_named(st, ":search", NULL, buf_str(&pat));
        buf_free(&pat);
    }
    if (q->after_ref) {
        bind_named(st, ":aref", NULL, q->after_ref);
        const struct field *f = sort_field(t, q);
        int i = db_param_index(st, ":akey");
        if (q->after_key && f && i && ftype_natural(f->type)) {
            store_bind_sortkey(st, i, q->after_key); /* compared with the stored key */
        } else if (q->after_key) {
            bind_named(st, ":akey", f, q->after_key);
        }
    }
}

/* ORDER BY and LIMIT/OFFSET for q (bound by bind_page). */
static void order_clause(struct buf *b, const struct rtype *t, const struct query *q)
{
    const char *dir = q && q->desc ? " DESC" : "";
    const struct field *f = sort_field(t, q);
    buf_puts(b, " ORDER BY ");
    if (f) {
        char col[80];
        sort_column(col, sizeof col, f);
        sort_expr(b, f, col);
        /* unset values first going up, last going down: SQLite's order,
         * said so that PostgreSQL (the other way round) orders the same */
        buf_printf(b, "%s%s, ", dir, q->desc ? " NULLS LAST" : " NULLS FIRST");
    }
    buf_printf(b, "t.id%s LIMIT :limit OFFSET :offset", dir);
}

static void bind_page(struct dbst *st, const struct query *q)
{
    db_bind_limit(st, db_param_index(st, ":limit"), q ? q->limit : 0);
    db_bind_int64(st, db_param_index(st, ":offset"),
                       q && q->offset > 0 ? q->offset : 0);
}

/* Prepares sql, binds q, and calls row(st, ctx) for each row until it
 * returns non-zero. */
static int run_query(struct store *s, struct buf *sql, const struct rtype *t,
                     const struct query *q, int (*row)(struct dbst *st, const struct rtype *t,
                                                       void *ctx),
                     void *ctx, struct err *e)
{
    struct dbst *st = store_prepare(s, buf_str(sql), e);
    buf_free(sql);
    if (!st) {
        return -1;
    }
    bind_query(st, t, q);
    bind_page(st, q);
    int rc;
    while ((rc = store_step(s, st, e)) == DB_ROW) {
        if (row(st, t, ctx)) {
            break;
        }
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}

struct record_call {
    store_record_fn fn;
    void *ctx;
    const struct principal *hide_for;
};

/* accounts: the privacy rule — the fields hidden from the principal unset */
static void hide_fields(const struct principal *who, struct record *r)
{
    for (int i = 0; who && r && i < r->type->nfields; i++) {
        if (r->v[i] && perm_field_hidden(who, r->type, r->type->fields[i].name)) {
            free(r->v[i]);
            r->v[i] = NULL;
        }
    }
}

static int record_row(struct dbst *st, const struct rtype *t, void *ctx)
{
    struct record_call *c = ctx;
    struct record *r = row_record(t, st);
    hide_fields(c->hide_for, r);
    return c->fn(c->ctx, r);
}

/* A list through a query the row rule was already applied to. */
static int list_ruled(struct store *s, const struct rtype *t, const struct query *q,
                      store_record_fn fn, void *ctx, struct err *e)
{
    struct buf b, cols;
    buf_init(&b, 0);
    buf_init(&cols, 0);
    buf_puts(&b, select_sql(s, t, q ? q->columns : NULL, q && q->released, &cols));
    buf_free(&cols);
    where_clause(&b, t, q, 1);
    order_clause(&b, t, q);
    struct record_call c = {fn, ctx, q ? q->hide_for : NULL};
    return run_query(s, &b, t, q, record_row, &c, e);
}

int store_list(struct store *s, const struct principal *who, const struct rtype *t,
               const struct query *given, store_record_fn fn, void *ctx, struct err *e)
{
    struct query vq;
    store_rule_query(who, t, given, &vq);
    return list_ruled(s, t, &vq, fn, ctx, e);
}

struct pair_call {
    store_title_fn fn;
    void *ctx;
};

static int pair_row(struct dbst *st, const struct rtype *t, void *ctx)
{
    (void)t;
    struct pair_call *c = ctx;
    return c->fn(c->ctx, store_col(st, 0), store_col(st, 1));
}

/* Calls fn(ctx, ref, value of column col) for the records matching q, in
 * q's order when ordered, else by identifier. */
static int list_pairs(struct store *s, const struct rtype *t, const struct query *q,
                      const char *col, int ordered, store_title_fn fn, void *ctx, struct err *e)
{
    struct buf b;
    buf_init(&b, 0);
    char src[80];
    buf_printf(&b, "SELECT t.ref, t.%s FROM %s t", col, source(t, q && q->released, src, sizeof src));
    where_clause(&b, t, q, ordered);
    if (ordered) {
        order_clause(&b, t, q);
    } else {
        buf_puts(&b, " ORDER BY t.id LIMIT :limit OFFSET :offset");
    }
    struct pair_call c = {fn, ctx};
    return run_query(s, &b, t, q, pair_row, &c, e);
}

struct group_call {
    store_group_fn fn;
    void *ctx;
};

static int group_row(struct dbst *st, const struct rtype *t, void *ctx)
{
    (void)t;
    struct group_call *c = ctx;
    return c->fn(c->ctx, store_col(st, 0), store_col(st, 1), (long)db_col_int64(st, 2));
}

int store_group_count(struct store *s, const struct principal *who, const struct rtype *t,
                      const struct query *given, const struct field *f1, const struct field *f2,
                      store_group_fn fn, void *ctx, struct err *e)
{
    struct query vq;
    const struct query *q = &vq;
    store_rule_query(who, t, given, &vq);
    /* accounts: no counts by a field hidden from the principal */
    vq.none = vq.none || perm_field_hidden(vq.hide_for, t, f1->name) ||
              perm_field_hidden(vq.hide_for, t, f2->name);
    struct buf b;
    buf_init(&b, 0);
    char src[80];
    buf_printf(&b, "SELECT t.%s, t.%s, count(*) FROM %s t", f1->name, f2->name,
               source(t, q && q->released, src, sizeof src));
    where_clause(&b, t, q, 0);
    buf_puts(&b, " GROUP BY 1, 2 LIMIT :limit OFFSET :offset");
    struct group_call c = {fn, ctx};
    return run_query(s, &b, t, q, group_row, &c, e);
}

int store_titles(struct store *s, const struct principal *who, const struct rtype *t,
                 const struct query *given, store_title_fn fn, void *ctx, struct err *e)
{
    struct query vq;
    const struct query *q = &vq;
    store_rule_query(who, t, given, &vq);
    /* accounts: a title hidden from the principal is its identifier */
    const char *col = perm_field_hidden(q->hide_for, t, t->title_field) ? "ref" : t->title_field;
    return t->title_field ? list_pairs(s, t, q, col, 0, fn, ctx, e) : 0;
}

static int add_key(void *ctx, const char *ref, const char *key)
{
    struct keylist *k = ctx;
    if (k->n == k->cap) {
        k->cap = k->cap ? k->cap * 2 : 64;
        k->v = xrealloc(k->v, k->cap * sizeof *k->v);
    }
    k->v[k->n].ref = xstrdup(ref);
    k->v[k->n].key = xstrdup(key);
    k->n++;
    return 0;
}

int store_keys(struct store *s, const struct principal *who, const struct rtype *t,
               const struct query *given, struct keylist *out, struct err *e)
{
    struct query vq;
    const struct query *q = &vq;
    store_rule_query(who, t, given, &vq);
    const struct field *f = sort_field(t, q);
    return list_pairs(s, t, q, f ? f->name : "ref", 1, add_key, out, e);
}

void keylist_free(struct keylist *k)
{
    for (size_t i = 0; i < k->n; i++) {
        free(k->v[i].ref);
        free(k->v[i].key);
    }
    free(k->v);
    memset(k, 0, sizeof *k);
}

long store_count_query(struct store *s, const struct principal *who, const struct rtype *t,
                       const struct query *given, struct err *e)
{
    struct query vq;
    const struct query *q = &vq;
    store_rule_query(who, t, given, &vq);
    struct buf b;
    buf_init(&b, 0);
    char src[80];
    buf_printf(&b, "SELECT count(*) FROM %s t", source(t, q && q->released, src, sizeof src));
    where_clause(&b, t, q, 0);
    /* the cache key: the statement and every value bound to it */
    long long version = store_data_version(s);
    struct buf key;
    buf_init(&key, 0);
    if (version >= 0) {
        buf_puts(&key, buf_str(&b));
        for (int k = 0; q && k < q->nfilter; k++) {
            buf_printf(&key, "\x1f%s", q->filter_value[k] ? q->filter_value[k] : "\x1e");
        }
        if (q) {
            buf_printf(&key, "\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s", q->only_value ? q->only_value : "",
                       q->review_due ? q->review_due : "", q->search ? q->search : "",
                       q->ref ? q->ref : "", q->classes ? q->classes : "",
                       q->viewer ? q->viewer : "");
            buf_printf(&key, "\x1f%s", q->refs ? q->refs : "");
            for (int k = 0; k < q->ncond; k++) {
                buf_printf(&key, "\x1f%s", q->cond[k].values ? q->cond[k].values : "");
            }
        }
        for (int i = 0; i < STORE_COUNT_CACHE; i++) {
            if (s->counts[i].key && s->counts[i].version == version &&
                strcmp(s->counts[i].key, buf_str(&key)) == 0) {
                buf_free(&key);
                buf_free(&b);
                store_track_add(s, &s->counts[i].read);
                return s->counts[i].n;
            }
        }
    }
    struct tblset saved, read;
    store_track_begin(s, &saved);
    struct dbst *st = store_prepare(s, buf_str(&b), e);
    buf_free(&b);
    long n = -1;
    if (st) {
        bind_query(st, t, q);
        if (store_step(s, st, e) == DB_ROW) {
            n = (long)db_col_int64(st, 0);
        }
        db_reset(st);
    }
    store_track_end(s, &saved, &read);
    if (n >= 0 && version >= 0) {
        int i = s->next_count;
        s->next_count = (i + 1) % STORE_COUNT_CACHE;
        free(s->counts[i].key);
        s->counts[i].key = buf_take(&key);
        s->counts[i].version = version;
        s->counts[i].n = n;
        s->counts[i].read = read;
    }
    buf_free(&key);
    return n;
}

long store_count(struct store *s, const struct principal *who, const struct rtype *t,
                 int include_retired, struct err *e)
{
    if (perm_rows(who, t).kind != ROWS_ALL) {
        struct query q = {0};
        q.include_retired = include_retired;
        return store_count_query(s, who, t, &q, e);
    }
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s%s", t->name,
             include_retired ? "" : " WHERE retired IS NULL");
    struct dbst *st = store_prepare(s, sql, e);
    if (!st || store_step(s, st, e) != DB_ROW) {
        return -1;
    }
    long n = (long)db_col_int64(st, 0);
    db_reset(st);
    return n;
}

/* fn for a source the principal sees (a backlink from a hidden row is
 * neither listed nor counted); -1 on error. */
static int inbound_one(struct store *s, const struct principal *who, const struct rtype *t,
                       const char *src, const char *field, store_inbound_fn fn, void *ctx,
                       struct err *e)
{
    int seen = store_sees_record(s, who, t, src, e);
    if (seen > 0) {
        fn(ctx, t, src, field);
    }
    return seen < 0 ? -1 : 0;
}

int store_inbound(struct store *s, const struct principal *who, const char *ref,
                  store_inbound_fn fn, void *ctx, struct err *e)
{
    const struct rtype *target = rtype_of_ref(ref);
    if (!target) {
        return 0;
    }
    int seen = store_sees_record(s, who, target, ref, e);
    if (seen <= 0) {
        return seen;
    }
    /* the sources are collected first: deciding whether one is visible
     * reads the store, which must not reset the statement being walked */
    struct keylist got = {0};
    for (int ti = 0; ti < nrtypes; ti++) {
        const struct rtype *t = rtypes[ti];
        for (int i = 0; i < t->nfields; i++) {
            const struct field *f = &t->fields[i];
            if (f->type != F_REF || strcmp(f->ref, target->name) != 0) {
                continue;
            }
            char sql[200];
            snprintf(sql, sizeof sql, "SELECT ref FROM %s WHERE %s = ?1 ORDER BY id", t->name,
                     f->name);
            struct dbst *st = store_prepare(s, sql, e);
            if (!st) {
                return -1;
            }
            db_bind_text(st, 1, ref, -1);
            int rc;
            while ((rc = store_step(s, st, e)) == DB_ROW) {
                add_key(&got, (const char *)db_col_text(st, 0), f->name);
            }
            db_reset(st);
            for (size_t k = 0; rc >= 0 && k < got.n; k++) {
                rc = inbound_one(s, who, t, got.v[k].ref, got.v[k].key, fn, ctx, e);
            }
            keylist_free(&got);
            if (rc < 0) {
                return -1;
            }
        }
    }
    struct dbst *st = store_prepare(
        s, "SELECT src_type, src, rel FROM link WHERE dst = ?1 ORDER BY src_type, src", e);
    if (!st) {
        return -1;
    }
    db_bind_text(st, 1, ref, -1);
    int rc;
    struct keylist types = {0};
    while ((rc = store_step(s, st, e)) == DB_ROW) {
        add_key(&types, (const char *)db_col_text(st, 0), "");
        add_key(&got, (const char *)db_col_text(st, 1),
                (const char *)db_col_text(st, 2));
    }
    db_reset(st);
    for (size_t k = 0; rc >= 0 && k < got.n; k++) {
        const struct rtype *t = rtype_find(types.v[k].ref);
        if (t) {
            rc = inbound_one(s, who, t, got.v[k].ref, got.v[k].key, fn, ctx, e);
        }
    }
    keylist_free(&got);
    keylist_free(&types);
    return rc < 0 ? -1 : 0;
}

/* ---- the principal's row rule, applied to every read ------------------- */

void store_rule_query(const struct principal *who, const struct rtype *t, const struct query *in,
                      struct query *out)
{
    static const struct query zero;
    *out = in ? *in : zero;
    out->none = 0;
    out->only_field = NULL;
    out->only_value = NULL;
    out->released = 0;
    out->classes = NULL;
    out->viewer = NULL;
    struct row_rule rule = perm_rows(who, t);
    out->none = rule.kind == ROWS_NONE;
    if (rule.kind == ROWS_WHERE) {
        out->only_field = rtype_field(t, rule.field, NULL);
        out->only_value = rule.value;
        out->none = out->only_field == NULL;
    }
    if (rule.kind == ROWS_RELEASED) {
        out->released = 1;
        out->classes = rule.classes;
        out->viewer = rule.person;
    }
    /* accounts: the privacy rule's fields — not read, not searched; a
     * filter on one matches nothing (no probing by value), no order by one */
    out->hide_for = perm_hides_fields(who, t) ? who : NULL;
    if (out->hide_for) {
        for (int k = 0; k < out->nfilter; k++) {
            if (perm_field_hidden(who, t, out->filter_field[k]->name)) {
                out->none = 1;
            }
        }
        if (out->sort && (perm_field_hidden(who, t, out->sort->name) ||
                          (out->sort->sort_by && perm_field_hidden(who, t, out->sort->sort_by)))) {
            out->sort = NULL;
            out->after_key = NULL;
        }
    }
}

static int take_one(void *ctx, struct record *r)
{
    struct record **out = ctx;
    record_free(*out);
    *out = r;
    return 1;
}

/* reports: the released form for every reader, the row rule applied */
int store_get_released(struct store *s, const struct principal *who, const struct rtype *t,
                       const char *ref, struct record **out, struct err *e)
{
    *out = NULL;
    if (strcmp(t->name, "document") != 0) {
        return err_set(e, ERR_USAGE, "type", "%s have no released form", t->plural);
    }
    struct query q = {0};
    q.ref = ref;
    q.include_retired = 1;
    struct query vq;
    store_rule_query(who, t, &q, &vq);
    if (vq.none) {
        return record_notfound(e, t, ref);
    }
    struct buf classes;
    buf_init(&classes, 0);
    if (!vq.released) {
        /* a reader who sees every row: every classification */
        const struct field *cf = rtype_field(t, "classification", NULL);
        for (int i = 0; cf && cf->values && cf->values[i]; i++) {
            buf_printf(&classes, "%s%s", i ? "," : "", cf->values[i]);
        }
        vq.released = 1;
        vq.classes = buf_str(&classes);
        vq.viewer = "";
    }
    int rc = list_ruled(s, t, &vq, take_one, out, e);
    buf_free(&classes);
    if (rc) {
        return -1;
    }
    return *out ? 0 : record_notfound(e, t, ref);
}

int store_get(struct store *s, const struct principal *who, const struct rtype *t,
              const char *ref, struct record **out, struct err *e)
{
    *out = NULL;
    if (perm_rows(who, t).kind == ROWS_ALL && !perm_hides_fields(who, t)) {
        return raw_get(s, t, ref, out, e);
    }
    /* through the same rule as lists: for staff a document's version in
     * force, never its working copy; hidden is answered as missing */
    struct query q = {0};
    q.ref = ref;
    q.include_retired = 1;
    if (store_list(s, who, t, &q, take_one, out, e)) {
        return -1;
    }
    return *out ? 0 : record_notfound(e, t, ref);
}

int store_exists(struct store *s, const struct principal *who, const struct rtype *t,
                 const char *ref, int *retired, struct err *e)
{
    struct row_rule rule = perm_rows(who, t);
    if (rule.kind == ROWS_ALL) {
        return raw_exists(s, t, ref, retired, e);
    }
    if (rule.kind == ROWS_NONE) {
        return 0;
    }
    struct record *r = NULL;
    if (store_get(s, who, t, ref, &r, e)) {
        if (e->code == ERR_NOTFOUND) {
            err_clear(e);
            return 0;
        }
        return -1;
    }
    if (retired) {
        *retired = record_get(r, FIELD_RETIRED) != NULL;
    }
    record_free(r);
    return 1;
}

int store_sees_record(struct store *s, const struct principal *who, const struct rtype *t,
                      const char *ref, struct err *e)
{
    /* a role that sees every row of t needs no statement (a link or
     * history row names a record that exists, or is dangling for verify) */
    if (perm_rows(who, t).kind == ROWS_ALL) {
        return 1;
    }
    return store_exists(s, who, t, ref, NULL, e);
}
