/* metric.h — pure rules of performance evaluation (9.1) and objectives
 * (6.2): a measurement's evaluation against its metric's target and
 * escalation threshold, direction aware; when the next measurement falls
 * due; an objective's status from its metric's latest evaluation and its
 * due date. No I/O. */
#ifndef ISMS_METRIC_H
#define ISMS_METRIC_H

#include "../lib/err.h"

enum meval {
    MEVAL_NONE,      /* no target: not evaluated */
    MEVAL_ON_TARGET, /* meets the target (equal to it included) */
    MEVAL_WARNING,   /* misses the target, within the threshold (equal to it included) */
    MEVAL_BREACH,    /* beyond the threshold (no threshold: misses the target) */
};

/* "none", "on-target", "warning", "breach". */
const char *meval_name(enum meval v);

/* Higher is better ("higher", also when NULL): value >= target is on
 * target, threshold <= value < target a warning, value < threshold a
 * breach. Lower is better: mirrored (value <= target on target, target <
 * value <= threshold a warning, above the threshold a breach). target
 * and threshold are canonical numbers or NULL; without a threshold
 * missing the target is a breach. */
enum meval metric_evaluate(const char *direction, const char *target, const char *threshold,
                           double value);

/* The threshold must lie on the worse side of the target: at or below it
 * when higher is better, at or above when lower is. ERR_INVALID naming
 * "threshold" otherwise. */
int metric_limits_check(const char *direction, const char *target, const char *threshold,
                        struct err *e);

/* The date (YYYY-MM-DD) the next measurement is due after one on last:
 * daily +1 day, weekly +7, monthly +1 month, quarterly +3, half-yearly +6,
 * yearly +12 (the day clamped to the month's end). -1 for an unknown
 * frequency or date. */
int metric_next_due(const char *frequency, const char *last, char out[11]);

/* Adds months to a date, the day clamped to the month's length. */
int date_add_months(const char *in, int months, char out[11]);

/* An objective's status: latest is its metric's latest evaluation
 * (MEVAL_NONE when it has none), due its due date or NULL, ongoing 1 for
 * an objective without end. on target: "achieved" (dated) or "on-track"
 * (ongoing); warning or breach: "at-risk", or "missed" once a dated
 * objective's due date has passed; nothing measured: "planned", or
 * "missed" once the due date has passed. */
const char *objective_status(enum meval latest, const char *due, int ongoing, const char *today);

#endif
