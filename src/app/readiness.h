/* readiness.h — what a certification auditor checks (SPEC.md §3): the
 * readiness report and the implementation journey, computed from the
 * records through the rules of readiness.def (data, one place), read as
 * the principal a->who (app_set_principal; the CLI without --as reads as
 * the system, every row).
 * struct readiness is the typed result, readiness_json its one JSON writer;
 * app_readiness_summary is the short form a report (PDF) prints. */
#ifndef ISMS_READINESS_H
#define ISMS_READINESS_H

#include "../lib/buf.h"
#include "../lib/err.h"

struct app;
struct jw;

/* One rule of readiness.def. */
struct readiness_rule {
    const char *id, *clause;
    int mandatory; /* seed 003's number, 0 when not one of the fifteen */
    const char *title, *source, *where, *approved, *current, *evidence, *fix, *text;
};
extern const struct readiness_rule readiness_rules[];
extern const int readiness_nrules;
/* The ALT lines of readiness.def: other ways to satisfy a rule (id names
 * the rule; clause, mandatory and title are empty). */
extern const struct readiness_rule readiness_alts[];
extern const int readiness_nalts;
/* Checks one rule against the declarations (types.c): its source, the
 * fields and values it names, the references its evidence follows; and
 * the whole table (unique ids, stages naming rules). ERR_INTERNAL naming
 * the rule and what is wrong. */
int readiness_rule_check(const struct readiness_rule *ru, struct err *e);
int readiness_rules_check(struct err *e);

/* The answer to one question about an item. */
enum rd_answer { RD_NA = -1, RD_NO = 0, RD_YES = 1 };
struct rd_check {
    enum rd_answer answer;
    char reason[240]; /* why, in words (names the record or what is missing) */
};

struct readiness_item {
    const struct readiness_rule *rule;
    /* the alternative (ALT) whose answers these are; NULL: the rule's own */
    const struct readiness_rule *via;
    long count;           /* records counted by the rule's `where` */
    char example[32];     /* one of them ("DOC-0001"), "" when none */
    struct rd_check present, approved, current, evidence;
    int passed, asked;    /* checks that hold / that apply */
    int ready;            /* passed == asked */
    int hidden;           /* the viewer may not read the records: not answered */
    char gap[300];        /* the first check that fails, in words; "" when ready */
    char fix[160];        /* the link that fixes it */
};

struct readiness_clause {
    char clause[8];
    char title[96];
    int passed, asked, percent;
    int nitems, gaps;
};

struct readiness {
    char today[11];
    struct readiness_item *items; /* in the order of readiness.def */
    int nitems;
    struct readiness_clause *clauses; /* 4.1 ... 10.2 then A, in order */
    int nclauses;
    int passed, asked, percent; /* overall, over the items with a clause */
    int gaps;                   /* items with a clause not ready */
    int mandatory, mandatory_ready; /* of seed 003's fifteen (items numbered) */
};

/* Evaluates every rule as of today (YYYY-MM-DD; NULL: today). */
int app_readiness(struct app *a, const char *today, struct readiness *out, struct err *e);
void readiness_free(struct readiness *r);
/* The one JSON form: {today, percent, passed, asked, gaps, mandatory:
 * {total, ready}, clauses: [{clause, title, percent, passed, asked, gaps}],
 * items: [{id, clause, mandatory, title, count, example, ready, hidden,
 * present|approved|current|evidence: {answer: true|false|null, reason},
 * gap, fix, rule, via: the alternative's rule that holds, or null}]}. */
void readiness_json(struct jw *w, const struct readiness *r);
const char *rd_answer_name(enum rd_answer a); /* "yes", "no", "n/a" */
/* The item of id in r, or NULL. */
const struct readiness_item *readiness_item(const struct readiness *r, const char *id);

/* The short form, for reports. */
struct readiness_summary {
    char today[11];
    int percent, passed, asked, gaps, mandatory, mandatory_ready;
    int nclauses;
    struct {
        char clause[8];
        char title[96];
        int percent, gaps;
    } clause[32];
    int ngaps; /* the first gaps, in order */
    struct {
        char id[24], clause[8], gap[300], fix[160];
    } gap[40];
};
int app_readiness_summary(struct app *a, const char *today, struct readiness_summary *out,
                          struct err *e);

/* The implementation journey (seed 001): seven stages over the same items. */
enum stage_state { STAGE_TODO, STAGE_STARTED, STAGE_DONE };
struct journey_stage {
    int n;
    const char *title, *text;
    enum stage_state state;
    int nitems, ready;
    const struct readiness_item *item[12]; /* into the readiness it was built from */
};
struct journey {
    struct readiness rd;
    struct journey_stage stage[7];
    int nstages;
    int current; /* index of the first stage not done; nstages when all are */
};
int app_journey(struct app *a, const char *today, struct journey *out, struct err *e);
void journey_free(struct journey *j);
/* {today, current, stages: [{n, title, text, state, ready, items, done:
 * [{id, title}], next: [{id, title, gap, fix}]}]} */
void journey_json(struct jw *w, const struct journey *j);
const char *stage_state_name(enum stage_state s); /* "not started", "in progress", "done" */

#endif
