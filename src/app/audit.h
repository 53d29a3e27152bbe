/* audit.h — performance evaluation (9.1 control tests, 9.2 the internal
 * audit programme, audit checklists and reports), in src/app/audit.c.
 *
 * Everything here is derived from the records (ctest, ctrun, programme,
 * audit, checkitem, nonconformity, risk, control): the state of a control
 * test (last run, next due, overdue, failed), the coverage of the audit
 * programme (clause/control x year: planned / done / gap, "due more
 * often"), and an audit's report. Nothing is typed twice. Reads are made
 * as the app's principal (a->who, app_set_principal) like every read; the
 * rules (audit_rules_derive, audit_rules_after) and what a write reads
 * beyond the record it was given, as the system (principal_sys()). */
#ifndef ISMS_AUDIT_H
#define ISMS_AUDIT_H

#include <stddef.h>

#include "../lib/buf.h"
#include "../lib/err.h"
#include "../lib/strmap.h"

struct app;
struct record;
struct rtype;
struct jw;

/* ---- control tests (9.1) ------------------------------------------------ */

/* The state of one active control test plan, from its runs. */
struct ctest_state {
    char test[24], control[24];
    char title[201], frequency[16];
    char tester[40], owner[40];
    char last_run[24];     /* the latest run ("" when never run) */
    char last_date[11];    /* its date */
    char last_result[20];  /* effective / partly-effective / not-effective */
    char last_nc[24];      /* the nonconformity that run raised ("" none) */
    char due[11];          /* next test due: last run + frequency, else first_due/created */
    int overdue;           /* due before today */
    int failed;            /* the latest run was not effective or partly effective */
};
struct ctest_states {
    struct ctest_state *v;
    size_t n, cap;
};
/* The active test plans (of control, or all when NULL), ordered by
 * control then plan, with today (NULL: today) deciding "overdue". */
int app_ctest_states(struct app *a, const char *control, const char *today,
                     struct ctest_states *out, struct err *e);
void ctest_states_free(struct ctest_states *s);
/* What a control's tests say, worst first, for its SoA row and page:
 * "test failed", "test partly effective", "test overdue", "tested" or ""
 * (no test). */
const char *ctest_state_flag(const struct ctest_state *s);
/* For every control with a test plan: control -> its flag (the worst of
 * its plans' flags), into out (caller frees with strmap_free). */
int app_ctest_flags(struct app *a, const char *today, struct strmap *out, struct err *e);

/* The task source "Test control" (tasks.def). */
struct task_query;
struct tasks;
int task_src_ctests(struct app *a, const struct task_query *q, struct tasks *out,
                    struct err *e);

/* `isms control test-fail CT-...`: records a failed run of test (result
 * not-effective, or partly-effective) dated date (NULL: today) with note,
 * and raises a nonconformity linked both ways (the NC's test_run, the
 * run's nonconformity), in one transaction. *run_out, *nc_out: caller frees. */
int app_ctest_fail(struct app *a, const char *test, const char *result, const char *date,
                   const char *note, char **run_out, char **nc_out, struct err *e);
/* The same inside the caller's transaction (the demo). */
int audit_ctest_fail_tx(struct app *a, const char *test, const char *result, const char *date,
                        const char *note, char **run_out, char **nc_out, struct err *e);
/* Raises the nonconformity of a failed run that has none (the button on
 * the run's page). */
int app_ctrun_raise_nc(struct app *a, const char *run, char **nc_out, struct err *e);

/* ---- the audit programme (9.2) ----------------------------------------- */

#define COV_YEARS 3
enum cov_state { COV_GAP = 0, COV_PLANNED = 1, COV_DONE = 2 };

/* One clause or applicable control of the coverage view. */
struct cov_area {
    char kind[8];                 /* "clause" or "control" */
    char id[24];
    char title[160];
    enum cov_state year[COV_YEARS];
    char audit[COV_YEARS][24];    /* an audit covering it that year ("" none) */
    int more_often;               /* the risk-based rule applies */
    char why[200];                /* why it is due more often */
    int gap;                      /* not covered as the rule requires */
    char gap_why[120];
};
struct coverage {
    char programme[24];           /* "" when no programme is recorded */
    char title[201];
    int start_year, this_year;
    struct cov_area *v;
    size_t n, cap;
    size_t clauses, controls, gaps, more_often, audits;
};
/* The rule the coverage applies, stated on the page and in the JSON. */
extern const char audit_frequency_rule[];
/* The party of an audit's kind: "first-party" (internal), "second-party"
 * (by or of a customer or supplier), "third-party" (certification,
 * surveillance, recertification by a certification body). */
const char *audit_party(const char *kind);
/* Coverage of programme (NULL: the active one with the latest cycle; none
 * recorded: a cycle starting this year over every audit). */
int app_audit_coverage(struct app *a, const char *programme, const char *today,
                       struct coverage *out, struct err *e);
void coverage_free(struct coverage *c);
void coverage_json(const struct coverage *c, struct buf *out);

/* Which clause leaves and controls an audit's scope covers: clause tokens
 * ("4", "6.1", "9.2.1", "all") and control themes ("A.5"..."A.8") in
 * clauses, controls in its controls field. 1 when it covers id. */
int audit_covers_clause(const char *clauses, const char *clause);
/* bundle: 1 when the scope (clauses text, controls list) covers control id
 * (listed, or in a theme "A.5"... the clauses name). */
int audit_covers_control(const char *clauses, const char *controls, const char *id);

/* ---- checklists and reports --------------------------------------------- */

/* Adds to the audit's checklist one item per clause and per control its
 * scope covers that has none yet (questions from the reference data;
 * items are ordinary records, editable). Refused for a cancelled or
 * retired audit. *added: how many. */
int app_audit_checklist(struct app *a, const char *audit, int *added, struct err *e);
/* The same inside the caller's transaction (the demo). */
int audit_checklist_tx(struct app *a, const char *audit, int *added, struct err *e);

struct audit_report {
    struct record *audit;
    struct record **items;        /* checklist items, in order */
    size_t nitems;
    struct record **findings;     /* findings recorded against the audit */
    size_t nfindings;
    size_t results[6];            /* conforming, major, minor, observation, opportunity, open */
    char **ncs;                   /* nonconformities raised (items and findings) */
    size_t nncs;
};
int app_audit_report(struct app *a, const char *audit, struct audit_report *out, struct err *e);
void audit_report_free(struct audit_report *r);
void audit_report_json(const struct audit_report *r, struct buf *out);
extern const char *const audit_result_names[6];

/* Hooks from rules.c: auditor independence on audits; results on
 * checklist items (refused on a cancelled audit; a major or minor
 * nonconformity raises a linked NC). */
int audit_rules_derive(struct app *a, struct record *r, const struct record *orig,
                       const unsigned char *touched, struct err *e);
int audit_rules_after(struct app *a, const struct record *orig, const struct record *r,
                      struct err *e);

#endif
