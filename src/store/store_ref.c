/* store_ref.c — the standard's reference data: clauses and the Annex A
 * 2013/2022 correspondence. The controls themselves are ordinary records. */
#include "store_int.h"

int store_clause_add(struct store *s, const char *clause, const char *title, const char *summary,
                     int documented, const char *note, struct err *e)
{
    struct dbst *st = store_prepare(
        s,
        "INSERT INTO clause (clause, title, summary, documented, version_note) "
        "VALUES (?1,?2,?3,?4,?5)",
        e);
    if (!st) {
        return -1;
    }
    db_bind_text(st, 1, clause, -1);
    db_bind_text(st, 2, title, -1);
    db_bind_text(st, 3, summary, -1);
    db_bind_int(st, 4, documented);
    db_bind_text(st, 5, note, -1);
    int rc = store_step(s, st, e);
    db_reset(st);
    return rc < 0 ? -1 : 0;
}

int store_control_map_add(struct store *s, const char *id_2022, const char *id_2013,
                          struct err *e)
{
    struct dbst *st =
        store_prepare(s, "INSERT INTO control_map (id_2022, id_2013) VALUES (?1, ?2)", e);
    if (!st) {
        return -1;
    }
    db_bind_text(st, 1, id_2022, -1);
    if (id_2013 && *id_2013) {
        db_bind_text(st, 2, id_2013, -1);
    }
    int rc = store_step(s, st, e);
    db_reset(st);
    return rc < 0 ? -1 : 0;
}

int store_control_counterparts(struct store *s, const char *ref, store_str_fn fn, void *ctx,
                               struct err *e)
{
    struct dbst *st = store_prepare(
        s,
        "SELECT id_2013 FROM control_map WHERE id_2022 = ?1 AND id_2013 IS NOT NULL "
        "UNION ALL SELECT id_2022 FROM control_map WHERE id_2013 = ?1",
        e);
    if (!st) {
        return -1;
    }
    db_bind_text(st, 1, ref, -1);
    int rc;
    while ((rc = store_step(s, st, e)) == DB_ROW) {
        if (fn(ctx, (const char *)db_col_text(st, 0))) {
            break;
        }
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}

int store_clauses(struct store *s, store_clause_fn fn, void *ctx, struct err *e)
{
    struct dbst *st = store_prepare(
        s, "SELECT clause, title, summary, documented, version_note FROM clause ORDER BY rowid", e);
    if (!st) {
        return -1;
    }
    int rc;
    while ((rc = store_step(s, st, e)) == DB_ROW) {
        struct clause_row c = {
            (const char *)db_col_text(st, 0), (const char *)db_col_text(st, 1),
            (const char *)db_col_text(st, 2), (const char *)db_col_text(st, 4),
            db_col_int(st, 3)};
        if (fn(ctx, &c)) {
            break;
        }
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}
