/* store_suppliers.c — questionnaire links (table qtoken: only a token's
 * SHA-256) and answers (table qanswer, written once). */
#include <string.h>

#include "../model/types.h"
#include "../lib/util.h"
#include "store_int.h"
#include "store_suppliers.h"

int store_qtoken_add(struct store *s, const char *questionnaire, const char *token_sha256,
                     const char *supplier, const char *expires_at, const char *nonce,
                     const char *created_at, struct err *e)
{
    struct dbst *st = store_prepare(
        s,
        "INSERT INTO qtoken(questionnaire, token_sha256, supplier, expires_at, nonce, "
        "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        e);
    if (!st) {
        return -1;
    }
    db_bind_text(st, 1, questionnaire, -1);
    db_bind_text(st, 2, token_sha256, -1);
    db_bind_text(st, 3, supplier, -1);
    db_bind_text(st, 4, expires_at, -1);
    db_bind_text(st, 5, nonce, -1);
    db_bind_text(st, 6, created_at, -1);
    return store_run(s, st, e);
}

static int qtoken_get(struct store *s, struct dbst *st, struct qtoken_row *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    int rc = store_step(s, st, e);
    if (rc == DB_ROW) {
        strlcpy_(out->questionnaire, store_col(st, 0), sizeof out->questionnaire);
        strlcpy_(out->supplier, store_col(st, 1), sizeof out->supplier);
        strlcpy_(out->expires_at, store_col(st, 2), sizeof out->expires_at);
        strlcpy_(out->nonce, store_col(st, 3), sizeof out->nonce);
        const char *u = store_col(st, 4);
        strlcpy_(out->used_at, u ? u : "", sizeof out->used_at);
        db_reset(st);
        return 1;
    }
    db_reset(st);
    return rc == DB_DONE ? 0 : -1;
}

int store_qtoken_find(struct store *s, const char *token_sha256, struct qtoken_row *out,
                      struct err *e)
{
    struct dbst *st = store_prepare(s,
                                     "SELECT questionnaire, supplier, expires_at, nonce, used_at "
                                     "FROM qtoken WHERE token_sha256 = ?1",
                                     e);
    if (!st) {
        return -1;
    }
    db_bind_text(st, 1, token_sha256, -1);
    return qtoken_get(s, st, out, e);
}

int store_qtoken_use(struct store *s, const char *questionnaire, const char *at, int *done,
                     struct err *e)
{
    struct dbst *st = store_prepare(
        s, "UPDATE qtoken SET used_at = ?2 WHERE questionnaire = ?1 AND used_at IS NULL", e);
    if (!st) {
        return -1;
    }
    db_bind_text(st, 1, questionnaire, -1);
    db_bind_text(st, 2, at, -1);
    if (store_run(s, st, e)) {
        return -1;
    }
    *done = db_changes(s->db) > 0;
    return 0;
}

int store_qanswer_add(struct store *s, const char *questionnaire, const struct qanswer_row *a,
                      struct err *e)
{
    struct dbst *st = store_prepare(s,
                                     "INSERT INTO qanswer(questionnaire, question, question_text, "
                                     "answer_type, weight, answer, points, max_points) VALUES "
                                     "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                                     e);
    if (!st) {
        return -1;
    }
    db_bind_text(st, 1, questionnaire, -1);
    db_bind_text(st, 2, a->question, -1);
    db_bind_text(st, 3, a->text, -1);
    db_bind_text(st, 4, a->type, -1);
    db_bind_int(st, 5, a->weight);
    db_bind_text(st, 6, a->answer, -1);
    db_bind_double(st, 7, a->points);
    db_bind_double(st, 8, a->max_points);
    return store_run(s, st, e);
}

int store_qanswers(struct store *s, const struct principal *who, const char *questionnaire,
                   store_qanswer_fn fn, void *ctx, struct err *e)
{
    /* the answers are the questionnaire's content: its row rule applies */
    int sees = store_sees_record(s, who, rtype_find("questionnaire"), questionnaire, e);
    if (sees <= 0) {
        return sees;
    }
    struct dbst *st = store_prepare(s,
                                     "SELECT question, question_text, answer_type, weight, "
                                     "answer, points, max_points FROM qanswer "
                                     "WHERE questionnaire = ?1 ORDER BY rowid",
                                     e);
    if (!st) {
        return -1;
    }
    db_bind_text(st, 1, questionnaire, -1);
    int rc;
    while ((rc = store_step(s, st, e)) == DB_ROW) {
        struct qanswer_row a = {store_col(st, 0),          store_col(st, 1),
                                store_col(st, 2),          store_col(st, 4),
                                db_col_int(st, 3), db_col_double(st, 5),
                                db_col_double(st, 6)};
        if (fn(ctx, &a)) {
            break;
        }
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}
