/* review.h — management review (9.3) and certification: the review pack as
 * a typed structure (one JSON writer, review_pack_json; one reader of
 * frozen versions, review_pack_parse), frozen at the meeting through the
 * one version mechanism (kind "review-pack"), minutes signed by top
 * management through the one sign-off mechanism (kind "review-minutes"),
 * and the certificate's surveillance schedule (certificate.c). Included by
 * the front ends that show them; the task sources are in tasks.def. */
#ifndef ISMS_REVIEW_H
#define ISMS_REVIEW_H

#include "app.h"

/* ---- the review pack ------------------------------------------------------ */

struct pack_figure {
    char *label; /* "Open", "Raised in the period" */
    long long value;
};
/* One record a section reports on, with a link to it. */
struct pack_item {
    char *id, *title, *status, *owner, *date, *detail, *link;
};
/* One of the inputs 9.3.2 lists. */
struct pack_section {
    char *key;    /* "previous-actions", "context-changes", ... (stable) */
    char *title;  /* "Status of actions from previous reviews" */
    char *clause; /* "9.3.2 a" */
    struct pack_figure *fig;
    size_t nfig, capfig;
    struct pack_item *items;
    size_t n, cap;
    long long more; /* records the section counts but does not list */
};
struct review_pack {
    char *review, *title;
    char *previous;   /* the previous review ("" when this is the first) */
    char *from, *to;  /* the period: after from ("" = from the start) up to to */
    struct pack_section *sec;
    size_t nsec, cap;
};

/* Compiles the pack of review ref from the records, read as a->who (the
 * principal: a section of records it may not read is left out), for the period since the previous review (the latest review held
 * or planned before this one) up to today (or q_today, YYYY-MM-DD, when
 * not NULL). ERR_NOTFOUND for an unknown review. */
int app_review_pack(struct app *a, const char *ref, const char *q_today, struct review_pack *out,
                    struct err *e);
void review_pack_free(struct review_pack *p);
/* The one JSON form (what a frozen version holds and the API returns). */
void review_pack_json(const struct review_pack *p, struct buf *out);
/* The same, as a value inside JSON the caller is writing. */
void review_pack_write(struct jw *w, const struct review_pack *p);
/* Reads a frozen version's content back into the structure. */
int review_pack_parse(const char *text, struct review_pack *out, struct err *e);
/* A section by key, or NULL. */
const struct pack_section *review_pack_section(const struct review_pack *p, const char *key);

/* What changed between a frozen pack and another (the current one). */
struct pack_change {
    char *section, *id, *change, *field, *from, *to; /* change: added|removed|changed */
};
struct pack_diff {
    struct pack_change *v;
    size_t n, cap;
};
void review_pack_diff(const struct review_pack *was, const struct review_pack *now,
                      struct pack_diff *out);
void pack_diff_free(struct pack_diff *d);
void pack_diff_json(const struct pack_diff *d, struct buf *out);

/* Freezes the pack as compiled now as the next version (kind
 * "review-pack", subject the review, state "presented"): the pack as it
 * was at the meeting. Sets held_on (today, when unset) and status held.
 * The same content again is the same version (*existing = 1). */
int app_review_freeze(struct app *a, const char *ref, const char *note, int *number,
                      int *existing, struct err *e);
int app_review_freeze_tx(struct app *a, const char *ref, const char *note, int *number,
                         int *existing, struct err *e);
/* One frozen pack (number 0: the latest) as it was: the version and its
 * content parsed. ERR_NOTFOUND when the review has none. */
int app_review_pack_version(struct app *a, const char *ref, int number, struct version *v,
                            struct review_pack *out, struct err *e);

/* ---- minutes ---------------------------------------------------------------- */

/* The canonical content the minutes' sign-off covers: {id, title, held_on,
 * chair, attendees, decisions, minutes, actions [{id, title, owner,
 * due_date, status}], pack {number, sha256} or null}. */
int app_review_minutes_content(struct app *a, const char *ref, struct buf *out, struct err *e);
/* Top management (the signer: a->signer; ERR_FORBIDDEN naming the capacity
 * otherwise) signs the minutes as they are now: frozen as a version (kind
 * "review-minutes", state "approved"), signed, the review set
 * minutes-approved — one transaction. Refused before the review is held
 * (no held_on). Signing the same minutes again is a no-op (*existing). */
int app_review_sign(struct app *a, const char *ref, const char *rationale, int *number,
                    int *existing, struct err *e);
int app_review_sign_tx(struct app *a, const char *ref, const char *rationale, int *number,
                       int *existing, struct err *e);

/* Per-type rules (called from rules_derive): a review becomes
 * minutes-approved only by app_review_sign; a certificate's expiry is after
 * its issue; a certification nonconformity is not due before it was raised.
 * Nothing is filled in: the schedule derives the defaults. */
int review_derive(struct app *a, struct record *r, const struct record *orig, struct err *e);

/* ---- certification (certificate.c) ------------------------------------------ */

#define CERT_WARN_MAX 3

/* The audits a certificate implies: surveillance 1 and 2 at the first and
 * second anniversary of the issue date, recertification before expiry
 * (expires_on, else three years after issue). */
struct cert_deadline {
    char what[40]; /* "Surveillance audit 1", "Surveillance audit 2", "Recertification audit" */
    char due[11];
    char audit[32]; /* the audit record of that kind held in its window ("" = none yet) */
};
struct cert_schedule {
    char ref[32], number[200], body[200];
    struct cert_deadline d[3];
    int nd;
    int warn[CERT_WARN_MAX]; /* lead times, largest first */
    int nwarn;
};
/* The lead times of certificate c (warn_first/second/third; none set, or c
 * NULL: 60, 30, 7): *n distinct numbers of days, largest first. */
void cert_warn_of(const struct record *c, int out[CERT_WARN_MAX], int *n);
/* The warning stage of a deadline on today: the smallest lead time that
 * today is within (0 when not yet within any, -1 when past). */
int cert_warn_stage(const int *warn, int nwarn, const char *today, const char *due);
int app_cert_schedule(struct app *a, const char *ref, struct cert_schedule *out, struct err *e);
void cert_schedule_json(const struct cert_schedule *s, const char *today, struct buf *out);

/* Task sources (tasks.def): open review actions (review.c), audits a
 * certificate still needs and certification-body nonconformities to close
 * (certificate.c). */
struct task_query;
struct tasks;
int task_src_ractions(struct app *a, const struct task_query *q, struct tasks *out,
                      struct err *e);
int task_src_certificates(struct app *a, const struct task_query *q, struct tasks *out,
                          struct err *e);
int task_src_cncs(struct app *a, const struct task_query *q, struct tasks *out, struct err *e);

#endif
