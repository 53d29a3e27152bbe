/* method.h — the risk assessment method (clause 6.1.2): likelihood and
 * consequence scales (3-10 levels each, optionally a separate consequence
 * scale per confidentiality/integrity/availability), the scoring rule
 * (product or matrix), risk levels with colour, required action and review
 * interval, and the acceptance criterion. Parsed from and written to JSON;
 * pure functions, no I/O. */
#ifndef ISMS_METHOD_H
#define ISMS_METHOD_H

#include <jansson.h>

#include "../lib/buf.h"
#include "../lib/err.h"

#define SCALE_MIN 3
#define SCALE_MAX 10

struct scale_level {
    char *label;
    char *description;
    char *anchor; /* optional quantitative anchor: "once a year", "€100k loss" */
};

struct scale {
    int n; /* 0 = not defined */
    struct scale_level lv[SCALE_MAX];
};

struct risk_level {
    char *name;   /* "high" */
    char *label;  /* "High" */
    char *colour; /* "#d9534f" */
    char *action; /* required action */
    int min, max; /* score range, inclusive */
    int review_days;
};

enum scoring { SCORING_PRODUCT, SCORING_MATRIX };

struct method {
    char *name;
    struct scale likelihood;
    struct scale consequence;
    struct scale cia[3]; /* optional separate consequence scales: C, I, A */
    int per_cia;         /* 1 when cia[] are defined */
    enum scoring scoring;
    int matrix[SCALE_MAX][SCALE_MAX]; /* [likelihood-1][consequence-1], SCORING_MATRIX */
    struct risk_level levels[16];
    int nlevels;
    int accept_max; /* highest score that may be retained without top-management approval */
};

/* Parses and validates a method from a JSON value (untrusted). Errors name
 * the part that is wrong ("levels[2].max: ..."). *out freed by method_free. */
int method_from_json(json_t *root, struct method **out, struct err *e);
/* The same from JSON text. */
int method_parse(const char *text, struct method **out, struct err *e);
/* Canonical JSON of the method (the stored, versioned form). */
void method_json(const struct method *m, struct buf *out, int pretty);
void method_free(struct method *m);
/* A deep copy, to be edited with the setters below (each validates as an
 * import of the edited method would: ERR_INVALID naming the part). */
struct method *method_dup(const struct method *m);
int method_set_name(struct method *m, const char *name, struct err *e);
/* "product" or "matrix"; a method turning to matrix scoring starts from
 * the products (the same scores). */
int method_set_scoring(struct method *m, const char *scoring, struct err *e);
int method_set_accept_max(struct method *m, int max_score, struct err *e);
/* The highest score of level (capped at the highest possible score). */
int method_set_accept_level(struct method *m, const char *level, struct err *e);
/* The shipped default: a 5x5 product method. */
const char *method_default_json(void);

/* Score for a likelihood and consequence (both 1-based, within the scales);
 * 0 if either is out of range. */
int method_score(const struct method *m, int likelihood, int consequence);
/* The level a score falls in, or NULL. */
const struct risk_level *method_level(const struct method *m, int score);
/* Lowest and highest possible scores. */
void method_score_range(const struct method *m, int *lo, int *hi);

#endif
