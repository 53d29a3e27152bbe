/* store_signoff.c — the tables of frozen versions and sign-offs (migration
 * 0008): inserting and reading them, the one mutable column of a version
 * (its state), and the compatibility readers of SoA versions and approvals
 * for the pages that list them. SQL only; what may be signed, by whom, is
 * decided in app/signoff.c. */
#include <stdlib.h>
#include <string.h>

#include "../lib/buf.h"
#include "../lib/util.h"
#include "store_int.h"

#define VERSION_COLS                                                                            \
    "id, subject_kind, subject_id, number, content, sha256, state, note, created_at, created_by"

static void version_row(struct dbst *st, struct version_row *v)
{
    *v = (struct version_row){(long)db_col_int64(st, 0),
                              store_col(st, 1),
                              store_col(st, 2),
                              db_col_int(st, 3),
                              store_col(st, 4),
                              store_col(st, 5),
                              store_col(st, 6),
                              store_col(st, 7),
                              store_col(st, 8),
                              store_col(st, 9)};
}

/* Every version read: the versions the principal sees (store_sees_subject:
 * the subject's row, and for a role that sees no earlier versions only the
 * one in force). */
static int version_walk(struct store *s, const struct principal *who, struct dbst *st,
                        store_version_fn fn, void *ctx, int *n, struct err *e)
{
    int rc;
    while ((rc = store_step(s, st, e)) == DB_ROW) {
        struct version_row v;
        version_row(st, &v);
        int seen = store_sees_subject(s, who, v.kind, v.subject, v.number, v.state, SEES_VERSIONS,
                                      e);
        if (seen < 0) {
            rc = -1;
            break;
        }
        if (!seen) {
            continue;
        }
        if (n) {
            (*n)++;
        }
        if (fn(ctx, &v)) {
            break;
        }
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}

/* A write to a version or an approval of a record with a released form
 * (documents): the keys of that form again (store_sortkey.c). */
static int released_keys(struct store *s, const char *kind, const char *subject, struct err *e)
{
    const struct rtype *t = kind && subject ? rtype_find(kind) : NULL;
    return t && !strcmp(t->name, kind) && store_has_released(t)
               ? store_released_keys(s, subject, e)
               : 0;
}

int store_version_add(struct store *s, const struct version_row *v, long *id, struct err *e)
{
    struct dbst *st = store_prepare(s,
                                     "INSERT INTO version (subject_kind, subject_id, number, "
                                     "content, sha256, state, note, created_at, created_by) "
                                     "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)",
                                     e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, v->kind);
    store_bind_opt(st, 2, v->subject);
    db_bind_int(st, 3, v->number);
    store_bind_opt(st, 4, v->content);
    store_bind_opt(st, 5, v->sha256);
    store_bind_opt(st, 6, v->state);
    store_bind_opt(st, 7, v->note);
    store_bind_opt(st, 8, v->created_at);
    store_bind_opt(st, 9, v->created_by);
    if (store_run(s, st, e)) {
        return -1;
    }
    if (id) {
        *id = (long)db_last_id(s->db);
    }
    return released_keys(s, v->kind, v->subject, e);
}

int store_version_last(struct store *s, const struct principal *who, const char *kind,
                       const char *subject, int *number, struct err *e)
{
    *number = 0;
    int seen = store_sees_subject(s, who, kind, subject, 0, NULL, 0, e);
    if (seen <= 0) {
        return seen;
    }
    struct dbst *st = store_prepare(s,
                                     "SELECT coalesce(max(number), 0) FROM version WHERE "
                                     "subject_kind = ?1 AND (?2 IS NULL OR subject_id = ?2)",
                                     e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, kind);
    store_bind_opt(st, 2, subject);
    int rc = store_step(s, st, e);
    if (rc == DB_ROW) {
        *number = db_col_int(st, 0);
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}

int store_version_get(struct store *s, const struct principal *who, const char *kind,
                      const char *subject, int number, const char *as_of, const char *state,
                      store_version_fn fn, void *ctx, struct err *e)
{
    struct dbst *st = store_prepare(
        s,
        "SELECT " VERSION_COLS " FROM version WHERE subject_kind = ?1 "
        "AND (?2 IS NULL OR subject_id = ?2) AND (?3 = 0 OR number = ?3) "
        "AND (?4 IS NULL OR created_at <= ?4) AND (?5 IS NULL OR state = ?5) "
        "ORDER BY number DESC LIMIT 1",
        e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, kind);
    store_bind_opt(st, 2, subject);
    db_bind_int(st, 3, number);
    store_bind_opt(st, 4, as_of);
    store_bind_opt(st, 5, state);
    int n = 0;
    if (version_walk(s, who, st, fn, ctx, &n, e)) {
        return -1;
    }
    if (!n) {
        if (number) {
            return err_set(e, ERR_NOTFOUND, "version", "version: %s%s%s has no version %d", kind,
                           subject ? " " : "", subject ? subject : "", number);
        }
        if (as_of) {
            return err_set(e, ERR_NOTFOUND, "version", "version: no %s version existed by %.10s",
                           kind, as_of);
        }
        return err_set(e, ERR_NOTFOUND, "version", "version: no %s version yet", kind);
    }
    return 0;
}

int store_versions(struct store *s, const struct principal *who, const char *kind,
                   const char *subject, store_version_fn fn, void *ctx, struct err *e)
{
    struct dbst *st = store_prepare(s,
                                     "SELECT " VERSION_COLS " FROM version WHERE (?1 IS NULL OR "
                                     "subject_kind = ?1) AND (?2 IS NULL OR subject_id = ?2) "
                                     "ORDER BY subject_kind, number, subject_id",
                                     e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, kind);
    store_bind_opt(st, 2, subject);
    return version_walk(s, who, st, fn, ctx, NULL, e);
}

int store_version_set_state(struct store *s, const char *kind, const char *subject, int number,
                            const char *state, struct err *e)
{
    struct dbst *st = store_prepare(s,
                                     "UPDATE version SET state = ?4 WHERE subject_kind = ?1 AND "
                                     "subject_id = ?2 AND number = ?3",
                                     e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, kind);
    store_bind_opt(st, 2, subject);
    db_bind_int(st, 3, number);
    store_bind_opt(st, 4, state);
    if (store_run(s, st, e)) {
        return -1;
    }
    if (db_changes(s->db) != 1) {
        return err_set(e, ERR_NOTFOUND, "version", "version: %s %s has no version %d", kind,
                       subject, number);
    }
    return released_keys(s, kind, subject, e); /* a version comes into force, or leaves */
}

/* ---- sign-offs ---------------------------------------------------------- */

#define SIGNOFF_COLS                                                                            \
    "id, subject_kind, subject_id, coalesce(version, 0), kind, capacity, rationale, "            \
    "signed_sha256, coalesce(account, 0), account_name, person, on_behalf_of, evidence, "      \
    "details, at"

/* Every sign-off read: those of subjects and versions the principal sees. */
static int signoff_walk(struct store *s, const struct principal *who, struct dbst *st,
                        store_signoff_fn fn, void *ctx, int *n, struct err *e)
{
    int rc;
    while ((rc = store_step(s, st, e)) == DB_ROW) {
        struct signoff_row r = {(long)db_col_int64(st, 0),
                                store_col(st, 1),
                                store_col(st, 2),
                                db_col_int(st, 3),
                                store_col(st, 4),
                                store_col(st, 5),
                                store_col(st, 6),
                                store_col(st, 7),
                                (long)db_col_int64(st, 8),
                                store_col(st, 9),
                                store_col(st, 10),
                                store_col(st, 11),
                                store_col(st, 12),
                                store_col(st, 13),
                                store_col(st, 14)};
        int seen = store_sees_subject(s, who, r.subject_kind, r.subject_id, r.version, NULL,
                                      SEES_VERSIONS, e);
        if (seen < 0) {
            rc = -1;
            break;
        }
        if (!seen) {
            continue;
        }
        if (n) {
            (*n)++;
        }
        if (fn(ctx, &r)) {
            break;
        }
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}

int store_signoff_add(struct store *s, const struct signoff_row *r, long *id, struct err *e)
{
    struct dbst *st = store_prepare(
        s,
        "INSERT INTO signoff (subject_kind, subject_id, version, kind, capacity, rationale, "
        "signed_sha256, account, account_name, person, on_behalf_of, evidence, details, at) "
        "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)",
        e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, r->subject_kind);
    store_bind_opt(st, 2, r->subject_id);
    if (r->version > 0) {
        db_bind_int(st, 3, r->version);
    } else {
        db_bind_null(st, 3);
    }
    store_bind_opt(st, 4, r->kind);
    store_bind_opt(st, 5, r->capacity);
    store_bind_opt(st, 6, r->rationale);
    store_bind_opt(st, 7, r->signed_sha256);
    if (r->account > 0) {
        db_bind_int64(st, 8, r->account);
    } else {
        db_bind_null(st, 8);
    }
    store_bind_opt(st, 9, r->account_name ? r->account_name : "");
    store_bind_opt(st, 10, r->person);
    store_bind_opt(st, 11, r->on_behalf_of);
    store_bind_opt(st, 12, r->evidence);
    store_bind_opt(st, 13, r->details);
    store_bind_opt(st, 14, r->at);
    if (store_run(s, st, e)) {
        return -1;
    }
    if (id) {
        *id = (long)db_last_id(s->db);
    }
    /* the released form reads its approver from the approvals only
     * (document_released, 0026) */
    return r->kind && !strcmp(r->kind, "approval") ? released_keys(s, r->subject_kind,
                                                                   r->subject_id, e)
                                                   : 0;
}

int store_signoffs(struct store *s, const struct principal *who, const char *kind,
                   const char *subject, int version, store_signoff_fn fn, void *ctx,
                   struct err *e)
{
    struct dbst *st = store_prepare(s,
                                     "SELECT " SIGNOFF_COLS " FROM signoff WHERE (?1 IS NULL OR "
                                     "subject_kind = ?1) AND (?2 IS NULL OR subject_id = ?2) AND "
                                     "(?3 < 0 OR coalesce(version, 0) = ?3) ORDER BY id",
                                     e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, kind);
    store_bind_opt(st, 2, subject);
    db_bind_int(st, 3, version);
    return signoff_walk(s, who, st, fn, ctx, NULL, e);
}

int store_signoff_find(struct store *s, const struct principal *who, const struct signoff_row *r,
                       store_signoff_fn fn, void *ctx, struct err *e)
{
    struct dbst *st = store_prepare(
        s,
        "SELECT " SIGNOFF_COLS " FROM signoff WHERE subject_kind = ?1 AND subject_id = ?2 AND "
        "coalesce(version, 0) = ?3 AND kind = ?4 AND signed_sha256 = ?5 AND person = ?6 AND "
        "coalesce(on_behalf_of, '') = coalesce(?7, '') ORDER BY id LIMIT 1",
        e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, r->subject_kind);
    store_bind_opt(st, 2, r->subject_id);
    db_bind_int(st, 3, r->version > 0 ? r->version : 0);
    store_bind_opt(st, 4, r->kind);
    store_bind_opt(st, 5, r->signed_sha256);
    store_bind_opt(st, 6, r->person);
    store_bind_opt(st, 7, r->on_behalf_of);
    int n = 0;
    if (signoff_walk(s, who, st, fn, ctx, &n, e)) {
        return -1;
    }
    return n;
}

/* A JSON string as SQLite's json_quote() writes it: '"', '\\' and the
 * control characters escaped, everything else as it is. */
static void sqlite_json_quote(struct buf *b, const char *v)
{
    static const char hex[] = "0123456789abcdef";
    buf_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        switch (*p) {
        case '"': buf_puts(b, "\\\""); break;
        case '\\': buf_puts(b, "\\\\"); break;
        case '\b': buf_puts(b, "\\b"); break;
        case '\f': buf_puts(b, "\\f"); break;
        case '\n': buf_puts(b, "\\n"); break;
        case '\r': buf_puts(b, "\\r"); break;
        case '\t': buf_puts(b, "\\t"); break;
        default:
            if (*p < 0x20) {
                buf_printf(b, "\\u00%c%c", hex[*p >> 4], hex[*p & 15]);
            } else {
                buf_putc(b, (char)*p);
            }
        }
    }
    buf_putc(b, '"');
}

int store_risk_signed_content(struct store *s, const struct principal *who, const char *ref,
                              char **out, struct err *e)
{
    *out = NULL;
    int seen = store_sees_record(s, who, rtype_find("risk"), ref, e);
    if (seen <= 0) {
        return seen < 0 ? -1 : err_set(e, ERR_NOTFOUND, NULL, "no risk %.40s", ref);
    }
    /* the text migration 0008's json_object() made for the acceptances it
     * moved, byte for byte, made here so both engines sign the same bytes */
    static const char *const keys[] = {
        "id", "likelihood", "consequence", "score", "level", "residual_likelihood",
        "residual_consequence", "residual_score", "residual_level", "treatment"};
    struct dbst *st = store_prepare(
        s,
        "SELECT r.ref, r.likelihood, r.consequence, r.score, r.level, r.residual_likelihood, "
        "r.residual_consequence, r.residual_score, r.residual_level, r.treatment FROM risk r "
        "WHERE r.ref = ?1",
        e);
    if (!st) {
        return -1;
    }
    db_bind_text(st, 1, ref, -1);
    int rc = store_step(s, st, e);
    if (rc == DB_ROW) {
        struct buf b;
        buf_init(&b, 0);
        buf_putc(&b, '{');
        for (int i = 0; i < (int)(sizeof keys / sizeof keys[0]); i++) {
            buf_printf(&b, "%s\"%s\":", i ? "," : "", keys[i]);
            int t = db_col_type(st, i);
            if (t == DB_NULL) {
                buf_puts(&b, "null");
            } else if (t == DB_INTEGER) {
                buf_printf(&b, "%lld", db_col_int64(st, i));
            } else {
                sqlite_json_quote(&b, store_col(st, i));
            }
        }
        buf_putc(&b, '}');
        *out = buf_take(&b);
    }
    db_reset(st);
    if (rc == DB_DONE) {
        return err_set(e, ERR_NOTFOUND, NULL, "no risk %.40s", ref);
    }
    return rc < 0 ? -1 : 0;
}

/* ---- readers in the shape of the tables this replaced --------------------- */

#define SOA_COLS                                                                                \
    "v.number, v.subject_id, coalesce((SELECT coalesce(so.on_behalf_of, so.person) FROM "       \
    "signoff so WHERE so.subject_kind = 'soa' AND so.version = v.number ORDER BY so.id "        \
    "LIMIT 1), ''), v.created_at, v.note, v.content, v.sha256"

static int soa_rows(struct store *s, const struct principal *who, struct dbst *st,
                    store_soa_version_fn fn, void *ctx, int *n, struct err *e)
{
    int rc;
    while ((rc = store_step(s, st, e)) == DB_ROW) {
        struct soa_version_row v = {db_col_int(st, 0), store_col(st, 1),
                                    store_col(st, 2),          store_col(st, 3),
                                    store_col(st, 4),          store_col(st, 5),
                                    store_col(st, 6)};
        int seen = store_sees_subject(s, who, "soa", v.framework, v.version, NULL,
                                      SEES_VERSIONS, e);
        if (seen < 0) {
            rc = -1;
            break;
        }
        if (!seen) {
            continue;
        }
        (*n)++;
        if (fn(ctx, &v)) {
            break;
        }
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}

int store_soa_version_get(struct store *s, const struct principal *who, int version,
                          const char *as_of, const char *framework, store_soa_version_fn fn,
                          void *ctx, struct err *e)
{
    struct dbst *st = store_prepare(
        s,
        "SELECT " SOA_COLS " FROM version v WHERE v.subject_kind = 'soa' AND (?1 = 0 OR "
        "v.number = ?1) AND (?2 IS NULL OR v.created_at <= ?2) AND (?3 IS NULL OR "
        "v.subject_id = ?3) ORDER BY v.number DESC LIMIT 1",
        e);
    if (!st) {
        return -1;
    }
    db_bind_int(st, 1, version);
    store_bind_opt(st, 2, as_of);
    store_bind_opt(st, 3, framework);
    int n = 0;
    if (soa_rows(s, who, st, fn, ctx, &n, e)) {
        return -1;
    }
    if (!n) {
        if (version) {
            return err_set(e, ERR_NOTFOUND, NULL, "no approved SoA version %d", version);
        }
        if (as_of) {
            return err_set(e, ERR_NOTFOUND, NULL, "no SoA had been approved by %.10s", as_of);
        }
        return err_set(e, ERR_NOTFOUND, NULL, "no SoA has been approved yet");
    }
    return 0;
}

int store_soa_versions(struct store *s, const struct principal *who, store_soa_version_fn fn,
                       void *ctx, struct err *e)
{
    struct dbst *st = store_prepare(
        s, "SELECT " SOA_COLS " FROM version v WHERE v.subject_kind = 'soa' ORDER BY v.number", e);
    int n = 0;
    return st ? soa_rows(s, who, st, fn, ctx, &n, e) : -1;
}

