/* metrics.h — performance evaluation and improvement (6.2, 9.1, 10.1,
 * 10.2): measurements evaluated against their metric (computed, never
 * stored), objectives whose status follows from their metric, the trend of
 * a metric, a nonconformity's 5-whys chain, and the effectiveness review of
 * corrective actions through the one sign-off mechanism. Included by the
 * front ends that show them. */
#ifndef ISMS_METRICS_H
#define ISMS_METRICS_H

#include "../model/metric.h"
#include "app.h"

/* ---- metrics and measurements (metrics.c) -------------------------------- */

/* One measurement of a trend, evaluated against its metric now. */
struct metric_point {
    char ref[24];
    char on[11];
    char value[32]; /* canonical number text */
    double v;
    enum meval eval;
    char *comment, *response; /* owned, may be NULL */
};
struct metric_trend {
    struct record *metric; /* owned */
    struct metric_point *v; /* oldest first */
    size_t n, cap;
};
/* The measurements of metric ref (through the viewer), oldest first, each
 * evaluated against the metric's target and threshold as they are now.
 * ERR_NOTFOUND for a metric that does not exist or the viewer may not see. */
int app_metric_trend(struct app *a, const char *ref, struct metric_trend *out, struct err *e);
void metric_trend_free(struct metric_trend *t);
/* The one JSON form of a trend: {metric: {id, name, unit, direction,
 * target, threshold, frequency, owner}, latest: point or null, next_due,
 * points: [{id, measured_on, value, evaluation, comment, response}]}. */
void metric_trend_json(struct jw *w, const struct metric_trend *t);
/* The evaluation of the latest measurement of metric ref into *eval
 * (MEVAL_NONE when there is none or no target); on (may be NULL) gets its
 * date or "". */
int app_metric_latest(struct app *a, const char *ref, enum meval *eval, char on[11],
                      struct err *e);
/* An objective's status today (objective_status over its metric's latest
 * evaluation); into out (at least 16 bytes). */
int app_objective_status(struct app *a, const struct record *obj, char *out, size_t n,
                         struct err *e);

/* Appends what is computed about rec to its JSON object in b (ending in
 * "}"): a measurement's "evaluation"; a metric's "latest" and "next_due";
 * an objective's "status_today"; a nonconformity's "whys" and
 * "root_cause_from"; a corrective action's "effectiveness_reviews".
 * Others are left as they are. */
int app_metrics_record_json(struct app *a, const struct record *rec, struct buf *b,
                            struct err *e);

/* Rules of the generic add/edit/retire path (called from rules.c). */
int metrics_derive(struct app *a, struct record *r, const struct record *orig,
                   const unsigned char *touched, struct err *e);
int metrics_after(struct app *a, const struct record *orig, const struct record *r,
                  struct err *e);

/* ---- nonconformities and corrective actions (improve.c) ------------------- */

/* One step of a 5-whys chain. */
struct nc_why {
    int position;
    char *text, *at, *by;
};
struct nc_whys {
    struct nc_why *v;
    size_t n, cap;
};
void nc_whys_free(struct nc_whys *l);
/* The chain of nonconformity ref, in order (through the viewer). */
int app_nc_whys(struct app *a, const char *ref, struct nc_whys *out, struct err *e);
/* Adds the next "why?" answer (position 0) or replaces the text of step
 * position, journaled in the nonconformity's history (action "why"), in
 * one transaction. *pos gets the step's position. Refused for a closed or
 * retired nonconformity. */
int app_nc_why(struct app *a, const char *ref, int position, const char *text, int *pos,
               struct err *e);
/* The same inside the caller's transaction, text already checked (the demo). */
int app_nc_why_tx(struct app *a, const char *ref, int position, const char *text, int *pos,
                  struct err *e);

/* isms verify: every step of every chain is what its history entries say,
 * and none is missing (ERR_CONFLICT naming the first that is not). */
int app_verify_whys(struct app *a, struct err *e);

#define CAP_EFFECTIVENESS "effectiveness-review" /* not the corrective action's owner */
/* Records the effectiveness review of corrective action ref by the signer
 * (a->signer; never its owner; an admin, manager, top management or the
 * nonconformity's owner) once it is done: a sign-off (kind "review" when
 * effective — the action becomes verified —, "sent-back" when not — it
 * goes back to in-progress) of the action's canonical content, with the
 * rationale (required), in one transaction. */
int app_ca_review(struct app *a, const char *ref, int effective, const char *rationale,
                  const char *on_behalf_of, const char *evidence, struct err *e);
int app_ca_review_tx(struct app *a, const char *ref, int effective, const char *rationale,
                     const char *on_behalf_of, const char *evidence, struct err *e);
/* The canonical content an effectiveness review signs (id, nonconformity,
 * title, description, due_date, completed_on, owner). */
void app_ca_content(const struct record *r, struct buf *out);
/* 1 when person holds CAP_EFFECTIVENESS for corrective action subject. */
int app_ca_capacity_holds(struct app *a, const char *person, const char *subject,
                          struct err *e);

#endif
