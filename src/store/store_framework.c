/* store_framework.c — the SQL of frameworks, their controls and mappings
 * (0021_oscal.sql). Values are always bound. */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "store_framework.h"
#include "store_int.h"

/* Frameworks are read with the controls: a role reading no controls reads
 * none of them. */
static int sees(const struct principal *who)
{
    if (principal_is_system(who)) {
        return 1;
    }
    const struct rtype *t = rtype_find("control");
    return perm_allows(who->role, PERM_READ, t, -1) && perm_rows(who, t).kind != ROWS_NONE;
}

int store_framework_add(struct store *s, const struct fw_row *r, struct err *e)
{
    struct dbst *st = store_prepare(
        s,
        "INSERT INTO framework (id, title, version, source, uuid, oscal_version, last_modified, "
        "sha256, imported_at, imported_by) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
        e);
    if (!st) {
        return -1;
    }
    const char *v[] = {r->id,           r->title,         r->version, r->source,
                       r->uuid,         r->oscal_version, r->last_modified,
                       r->sha256,       r->imported_at,   r->imported_by};
    for (int i = 0; i < 10; i++) {
        store_bind_opt(st, i + 1, v[i]);
    }
    return store_run(s, st, e);
}

int store_frameworks(struct store *s, const struct principal *who, const char *id,
                     store_fw_fn fn, void *ctx, struct err *e)
{
    if (!sees(who)) {
        return 0;
    }
    struct dbst *st = store_prepare(
        s,
        "SELECT id, title, version, source, uuid, oscal_version, last_modified, sha256, "
        "imported_at, imported_by FROM framework WHERE ?1 IS NULL OR id = ?1 "
        "ORDER BY source <> 'builtin', id",
        e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, id);
    int rc;
    while ((rc = store_step(s, st, e)) == DB_ROW) {
        struct fw_row r = {store_col(st, 0), store_col(st, 1), store_col(st, 2),
                           store_col(st, 3), store_col(st, 4), store_col(st, 5),
                           store_col(st, 6), store_col(st, 7), store_col(st, 8),
                           store_col(st, 9)};
        if (fn(ctx, &r)) {
            break;
        }
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}

int store_fcontrol_add(struct store *s, const struct fc_row *r, struct err *e)
{
    struct dbst *st = store_prepare(s,
                                     "INSERT INTO fcontrol (framework, id, parent, kind, label, "
                                     "title, text, status, seq) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)",
                                     e);
    if (!st) {
        return -1;
    }
    const char *v[] = {r->framework, r->id, r->parent, r->kind, r->label, r->title, r->text,
                       r->status};
    for (int i = 0; i < 8; i++) {
        store_bind_opt(st, i + 1, v[i]);
    }
    db_bind_int64(st, 9, r->seq);
    int rc = db_step(st);
    db_reset(st);
    if ((rc & 0xff) == DB_CONSTRAINT) {
        return err_set(e, ERR_INVALID, "id", "%.100s: the identifier appears twice in %.60s",
                       r->id, r->framework);
    }
    if (rc != DB_DONE) {
        return store_sqlerr(s, e, "adding a framework control");
    }
    return 0;
}

int store_fcontrols(struct store *s, const struct principal *who, const char *framework,
                    store_fc_fn fn, void *ctx, struct err *e)
{
    if (!sees(who)) {
        return 0;
    }
    struct dbst *st = store_prepare(s,
                                     "SELECT framework, id, parent, kind, label, title, text, "
                                     "status, seq FROM fcontrol WHERE framework = ?1 ORDER BY seq",
                                     e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, framework);
    int rc;
    while ((rc = store_step(s, st, e)) == DB_ROW) {
        struct fc_row r = {store_col(st, 0), store_col(st, 1), store_col(st, 2),
                           store_col(st, 3), store_col(st, 4), store_col(st, 5),
                           store_col(st, 6), store_col(st, 7), (long)db_col_int64(st, 8)};
        if (fn(ctx, &r)) {
            break;
        }
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}

long store_fcontrol_count(struct store *s, const char *framework, int controls_only,
                          struct err *e)
{
    struct dbst *st = store_prepare(
        s, "SELECT count(*) FROM fcontrol WHERE framework = ?1 AND (?2 = 0 OR kind <> 'group')",
        e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, framework);
    db_bind_int(st, 2, controls_only);
    long n = -1;
    if (store_step(s, st, e) == DB_ROW) {
        n = (long)db_col_int64(st, 0);
    }
    db_reset(st);
    return n;
}

int store_fw_has_control(struct store *s, const char *framework, int builtin, const char *id,
                         struct err *e)
{
    struct dbst *st = store_prepare(
        s,
        builtin ? "SELECT 1 FROM control WHERE framework = ?1 AND ref = ?2 AND retired IS NULL"
                : "SELECT 1 FROM fcontrol WHERE framework = ?1 AND id = ?2 AND kind <> 'group'",
        e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, framework);
    store_bind_opt(st, 2, id);
    int rc = store_step(s, st, e);
    db_reset(st);
    return rc < 0 ? -1 : rc == DB_ROW;
}

int store_fmap_add(struct store *s, const struct fm_row *r, struct err *e)
{
    struct dbst *st = store_prepare(s,
                                     "INSERT INTO fmap (a_framework, a_id, b_framework, b_id, rel, "
                                     "note, created_at, created_by) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)",
                                     e);
    if (!st) {
        return -1;
    }
    const char *v[] = {r->a_framework, r->a_id, r->b_framework, r->b_id,
                       r->rel,         r->note, r->created_at,  r->created_by};
    for (int i = 0; i < 8; i++) {
        store_bind_opt(st, i + 1, v[i]);
    }
    int rc = db_step(st);
    db_reset(st);
    if ((rc & 0xff) == DB_CONSTRAINT) {
        return err_set(e, ERR_CONFLICT, NULL, "%.60s:%.60s is already mapped to %.60s:%.60s",
                       r->a_framework, r->a_id, r->b_framework, r->b_id);
    }
    if (rc != DB_DONE) {
        return store_sqlerr(s, e, "adding a mapping");
    }
    return 0;
}

int store_fmap_remove(struct store *s, const char *afw, const char *aid, const char *bfw,
                      const char *bid, char rel[16], struct err *e)
{
    struct dbst *st = store_prepare(s,
                                     "DELETE FROM fmap WHERE a_framework = ?1 AND a_id = ?2 AND "
                                     "b_framework = ?3 AND b_id = ?4 RETURNING rel",
                                     e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, afw);
    store_bind_opt(st, 2, aid);
    store_bind_opt(st, 3, bfw);
    store_bind_opt(st, 4, bid);
    int rc = store_step(s, st, e);
    if (rc == DB_ROW) {
        const char *v = store_col(st, 0);
        snprintf(rel, 16, "%s", v ? v : "");
        rc = store_step(s, st, e);
        db_reset(st);
        return rc < 0 ? -1 : 0;
    }
    db_reset(st);
    if (rc < 0) {
        return -1;
    }
    return err_set(e, ERR_NOTFOUND, NULL, "%.60s:%.60s is not mapped to %.60s:%.60s", afw, aid,
                   bfw, bid);
}

int store_fmaps(struct store *s, const struct principal *who, const char *framework,
                store_fm_fn fn, void *ctx, struct err *e)
{
    if (!sees(who)) {
        return 0;
    }
    struct dbst *st = store_prepare(
        s,
        "SELECT id, a_framework, a_id, b_framework, b_id, rel, note, created_at, created_by "
        "FROM fmap WHERE ?1 IS NULL OR a_framework = ?1 OR b_framework = ?1 ORDER BY id",
        e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, framework);
    int rc;
    while ((rc = store_step(s, st, e)) == DB_ROW) {
        struct fm_row r = {(long)db_col_int64(st, 0), store_col(st, 1), store_col(st, 2),
                           store_col(st, 3), store_col(st, 4), store_col(st, 5),
                           store_col(st, 6), store_col(st, 7), store_col(st, 8)};
        if (fn(ctx, &r)) {
            break;
        }
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}

int store_control_map_pairs(struct store *s, const struct principal *who, store_cmap_fn fn,
                            void *ctx, struct err *e)
{
    if (!sees(who)) {
        return 0;
    }
    struct dbst *st = store_prepare(
        s, "SELECT id_2022, id_2013 FROM control_map WHERE id_2013 IS NOT NULL ORDER BY rowid",
        e);
    if (!st) {
        return -1;
    }
    int rc;
    while ((rc = store_step(s, st, e)) == DB_ROW) {
        if (fn(ctx, store_col(st, 0), store_col(st, 1))) {
            break;
        }
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}
