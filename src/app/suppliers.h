/* suppliers.h — suppliers (A.5.19-5.23): the review schedule computed from
 * assessments and criticality, questionnaires sent as links that need no
 * account; the privacy register's DPIA rule; access reviews (A.5.18) with
 * decisions by the signed-in account. Task sources in tasks.def. */
#ifndef ISMS_SUPPLIERS_H
#define ISMS_SUPPLIERS_H

#include "app.h"

struct buf;
struct task_query;
struct tasks;

/* ---- review schedule ------------------------------------------------------ */

/* The review interval, in months, of a supplier of this criticality:
 * critical 6, high 12, medium 24, low 36, unset 12. */
int supplier_interval_months(const char *criticality);
/* The rule as one sentence, for pages and help. */
extern const char supplier_interval_rule[];

struct supplier_due {
    char ref[32], name[204], criticality[16], owner[40], status[24];
    char last[11];            /* latest final assessment ("" = never) */
    char last_ref[32];        /* its identifier (SA-..., or "" for the legacy field) */
    char last_result[24];
    int months;               /* interval */
    char next[11];            /* next review due */
    int overdue;              /* next < today */
    int never;                /* never assessed */
};
struct supplier_dues {
    struct supplier_due *v;
    size_t n;
    char today[11];
};
/* Every supplier the viewer sees that is not terminated or retired, with
 * its next review (last final assessment + interval; never assessed: due
 * from the day it was recorded), by next review then identifier.
 * today NULL: today. */
int app_supplier_schedule(struct app *a, const char *today, struct supplier_dues *out,
                          struct err *e);
void supplier_dues_free(struct supplier_dues *d);
void supplier_dues_json(const struct supplier_dues *d, struct buf *out);

/* ---- questionnaires --------------------------------------------------------- */

/* Sends template to supplier: a questionnaire record (QR-...) and a link
 * token (256 random bits, base64url, 43 characters) valid for days (1-90;
 * 0: 14); only its SHA-256 is stored. *token (free) is shown once. */
int app_questionnaire_send(struct app *a, const char *supplier, const char *tmpl,
                           const char *contact, int days, char **ref, char **token,
                           struct err *e);

#define QMAX_QUESTIONS 200
struct qitem {
    char ref[32];
    char text[1004];
    char type[12];       /* yes-no, choice, text, number */
    char choices[1004];
    char expected[204];
    int weight;
    char answer[2004];   /* answers: what was given ("" none) */
    double points, max_points;
};
struct qform {
    char questionnaire[32], supplier[32], supplier_name[204], title[204];
    char intro[4004];
    char nonce[72];
    char expires_at[24], completed_at[24];
    int completed;
    struct qitem *q;
    int n;
    double score, max_score; /* answers */
};
void qform_free(struct qform *f);

/* The questionnaire behind a link token (untrusted), for the public page.
 * Refusals, each ERR_NOTFOUND / ERR_CONFLICT with a sentence for the page:
 * unknown token, expired link, already answered. */
int app_qlink_open(struct app *a, const char *token, struct qform *out, struct err *e);
/* Records the answers (kv: question identifier -> answer) given through
 * the link with its form nonce, scores them and completes the
 * questionnaire; one transaction. Refusals: as app_qlink_open, a wrong
 * nonce, a missing or invalid answer (naming the question). */
int app_qlink_submit(struct app *a, const char *token, const char *nonce, const struct kv *kv,
                     int n, double *score, struct err *e);
/* The answers of questionnaire ref with their points, as the viewer sees. */
int app_questionnaire_answers(struct app *a, const char *ref, struct qform *out,
                              struct err *e);
void qform_answers_json(const struct qform *f, struct buf *out);
/* Points of one answer to a question (pure): 0 and *max 0 for text. */
double qscore(const char *type, const char *choices, const char *expected, int weight,
              const char *answer, double *max);

/* ---- privacy register -------------------------------------------------------- */

struct privacy_row {
    char ref[32], name[204], legal_basis[32], role[24], owner[40], retention[204];
    char processors[400], systems[400], risks[400]; /* comma-separated identifiers */
    int special;           /* special categories (Art. 9) */
    int transfers;         /* transfers outside the EEA named */
    char dpia[32], dpia_status[24], dpia_decision[32]; /* the latest DPIA ("" none) */
    int dpia_needed;       /* special categories or transfers: a DPIA is expected */
    int dpia_missing;      /* expected, and no complete DPIA */
    int against_decision;  /* active although the DPIA decided do-not-proceed */
};
struct privacy_register {
    struct privacy_row *v;
    size_t n;
    long needing, missing;
};
/* The processing activities the viewer sees (not retired) with their
 * latest DPIA; a DPIA is expected where special categories are processed
 * or personal data leave the EEA. */
int app_privacy_register(struct app *a, struct privacy_register *out, struct err *e);
void privacy_register_free(struct privacy_register *p);
void privacy_register_json(const struct privacy_register *p, struct buf *out);

/* ---- access reviews ----------------------------------------------------------- */

struct areview_status {
    char ref[32], title[204], system[32], due[11], owner[40];
    long total, decided, keep, change, revoke, revoke_open;
    int complete, overdue;
};
int app_areview_status(struct app *a, const char *ref, struct areview_status *out,
                       struct err *e);
void areview_status_json(const struct areview_status *s, struct buf *out);
/* Imports accounts from CSV (header: account,access,group,reviewer; the
 * last two optional) into review ref: all rows or none, errors name the
 * line. */
int app_areview_import(struct app *a, const char *ref, const char *csv, size_t len, long *added,
                       struct err *e);
/* Names person the reviewer of every account of group in review ref (one
 * transaction); *changed accounts. A group with no account is refused. */
int app_areview_assign(struct app *a, const char *ref, const char *group, const char *person,
                       long *changed, struct err *e);
/* Decides on one account: keep, change or revoke, with a comment (needed for
 * change and revoke). The decider is a->signer: the reviewer named for the
 * account, else the review's owner (admin and manager may decide any). */
int app_access_decide(struct app *a, const char *acc, const char *decision, const char *comment,
                      struct err *e);

/* The same inside the caller's transaction (the demo loader composes them). */
int app_questionnaire_send_tx(struct app *a, const char *supplier, const char *tmpl,
                              const char *contact, int days, char **ref, char **token,
                              struct err *e);
int app_qlink_submit_tx(struct app *a, const char *token, const char *nonce,
                        const struct kv *kv, int n, double *score, struct err *e);
int app_areview_import_tx(struct app *a, const char *ref, const char *csv, size_t len,
                          long *added, struct err *e);
int app_access_decide_tx(struct app *a, const char *acc, const char *decision,
                         const char *comment, struct err *e);

/* ---- rules (rules.c) and task sources (tasks.def) ---------------------------- */

int suppliers_derive(struct app *a, struct record *r, const struct record *orig, struct err *e);
int task_src_supplier_review(struct app *a, const struct task_query *q, struct tasks *out,
                             struct err *e);
int task_src_access_revoke(struct app *a, const struct task_query *q, struct tasks *out,
                           struct err *e);

#endif
