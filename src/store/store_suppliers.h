/* store_suppliers.h — the questionnaire links and answers (migration 0019):
 * the only SQL of src/app/suppliers.c that the generic record access does
 * not cover. */
#ifndef ISMS_STORE_SUPPLIERS_H
#define ISMS_STORE_SUPPLIERS_H

#include "store.h"

struct qtoken_row {
    char questionnaire[32];
    char supplier[32];
    char expires_at[24];
    char nonce[72];
    char used_at[24]; /* "" while unanswered */
};

/* Stores the link of questionnaire: the SHA-256 (hex) of its token. */
int store_qtoken_add(struct store *s, const char *questionnaire, const char *token_sha256,
                     const char *supplier, const char *expires_at, const char *nonce,
                     const char *created_at, struct err *e);
/* The link whose token hashes to token_sha256: 1 found (out filled), 0 not
 * found, -1 error. Takes no principal on purpose: it serves the public page
 * /q/TOKEN, where the token is the authority (it reaches its questionnaire
 * only); it returns no record content. */
int store_qtoken_find(struct store *s, const char *token_sha256, struct qtoken_row *out,
                      struct err *e);
/* Marks the link answered at `at` (only once: 0 when it already was). */
int store_qtoken_use(struct store *s, const char *questionnaire, const char *at, int *done,
                     struct err *e);

struct qanswer_row {
    const char *question, *text, *type, *answer;
    int weight;
    double points, max_points;
};
int store_qanswer_add(struct store *s, const char *questionnaire, const struct qanswer_row *a,
                      struct err *e);
/* The answers of questionnaire in the order they were asked (rowid), when
 * who sees the questionnaire (store_sees_record); none when it does not. */
typedef int (*store_qanswer_fn)(void *ctx, const struct qanswer_row *a);
int store_qanswers(struct store *s, const struct principal *who, const char *questionnaire,
                   store_qanswer_fn fn, void *ctx, struct err *e);

#endif
