/* risk.h — rules of risk assessment on a risk record, given the method:
 * derived consequence, scores and levels; the acceptance criterion; when a
 * review is due. Pure functions, no I/O. */
#ifndef ISMS_RISK_H
#define ISMS_RISK_H

#include "method.h"
#include "record.h"

/* Checks the risk's ratings against the method's scales and sets
 * consequence (the highest of the per-dimension consequences for the
 * dimensions it affects, when the method has separate scales and any is
 * given), score, level, residual_score and residual_level. */
int risk_derive(const struct method *m, struct record *r, struct err *e);
/* The fields risk_derive reads or sets, NULL-terminated: a re-score reads
 * only these (struct query.columns). */
#define RISK_DERIVE_NFIELDS 12
extern const char *const risk_derive_fields[RISK_DERIVE_NFIELDS + 1];
/* The score that decides acceptance: residual when rated, else inherent;
 * 0 when unrated. */
int risk_decisive_score(const struct record *r);
/* 1 when the risk's decisive score is above the acceptance criterion. */
int risk_needs_approval(const struct method *m, const struct record *r);
/* 1 when a review is due: flagged by a trigger, or review_date <= today. */
int risk_review_due(const struct record *r, const char *today);
/* Review interval in days for the risk's current (residual, else inherent)
 * level; 365 when unrated. */
int risk_review_days(const struct method *m, const struct record *r);

#endif
