/* people.h — roles and responsibilities (5.3), competence (7.2) and
 * awareness (7.3) as typed structures computed from the records
 * (src/app/people.c): the RACI matrix, the records still without an owner,
 * competence gaps per role and person, awareness completion per campaign
 * and department. Nothing here is typed twice: every status follows from
 * the records. Every read goes through the viewer. */
#ifndef ISMS_PEOPLE_H
#define ISMS_PEOPLE_H

#include "app.h"
#include "tasks.h"

struct jw;

/* ---- RACI (5.3) ----------------------------------------------------------- */

struct raci_col {
    char party[40]; /* ROLE-... or P-... */
    char name[160];
};
struct raci_row {
    char subject[40]; /* PRC-... or a control identifier */
    char kind[12];    /* "process" or "control" */
    char title[200];
    char owner[40];
    int accountable;  /* how many parties are accountable (one is right) */
    char *cells;      /* ncol letters, ' ' where none ("R", "A", "C", "I") */
};
struct raci {
    struct raci_row *rows;
    size_t nrows, caprows;
    struct raci_col *cols;
    size_t ncols, capcols;
};
/* Processes, applicable controls and every subject with an assignment;
 * columns are the roles and people named by an assignment. */
int app_raci(struct app *a, struct raci *out, struct err *e);
void raci_free(struct raci *m);
void raci_json(struct jw *w, const struct raci *m);
/* Sets party's letter (R, A, C, I — or the words; "none" removes it) for
 * subject, in one transaction: one letter per party and subject, one
 * accountable per subject (refused naming the one there is). *changed 0
 * when it was already so. */
int app_raci_set(struct app *a, const char *subject, const char *party, const char *letter,
                 int *changed, struct err *e);

/* ---- owners (5.3) ---------------------------------------------------------- */

struct owner_gap {
    char type[24], ref[40], title[200], reason[80], link[160];
};
struct owner_gaps {
    struct owner_gap *v;
    size_t n, cap;
};
/* Every record of a type where a person is accountable (its owner is
 * required) with no owner, or an owner who has left; and every applicable
 * control without an owner (the SoA cannot be approved so). */
int app_owners_missing(struct app *a, struct owner_gaps *out, struct err *e);
void owner_gaps_free(struct owner_gaps *g);
void owner_gaps_json(struct jw *w, const struct owner_gaps *g);

/* ---- competence (7.2) ------------------------------------------------------ */

#define COMPETENCE_LEAD_DAYS 30 /* evidence expiring within this is "expiring" */

enum comp_state { COMP_MET, COMP_EXPIRING, COMP_MISSING };
const char *comp_state_name(enum comp_state s);

struct comp_item {
    char role[24], role_name[160];
    char person[24], person_name[160], department[120];
    char requirement[24], title[200], evidenced_by[24];
    char evidence[24]; /* the best evidence (latest expiry), "" when none */
    char expires[11];  /* its expiry, "" when it does not expire or there is none */
    int expired;       /* there is evidence, but it has expired */
    enum comp_state state;
};
struct comp_gaps {
    struct comp_item *v;
    size_t n, cap;
    long met, expiring, missing;
};
/* The requirement of each role held by each holder, with its state
 * (met / expiring within COMPETENCE_LEAD_DAYS / missing or expired), for
 * one role or one person (NULL: all). Staff see their own only. today NULL:
 * today. */
int app_competence_gaps(struct app *a, const char *role, const char *person, const char *today,
                        struct comp_gaps *out, struct err *e);
void comp_gaps_free(struct comp_gaps *g);
void comp_gaps_json(struct jw *w, const struct comp_gaps *g);

/* "Evidence of competence for every holder of an ISMS role" (readiness):
 * holders of active roles with requirements, those whose every requirement
 * has valid evidence now (covered), and the requirement gaps (missing or
 * expired). */
struct comp_summary {
    long holders, covered, gaps, expiring;
};
int app_competence_summary(struct app *a, const char *today, struct comp_summary *out,
                           struct err *e);

/* ---- awareness (7.3) ------------------------------------------------------- */

struct aw_dept {
    char department[120];
    long people, done;
};
struct aw_pending {
    char person[24], name[160], department[120];
    int attended, acknowledged;
};
struct aw_session {
    char ref[24], title[200], held_on[11];
};
struct aw_completion {
    char campaign[24], title[200], due[11], status[16];
    int mandatory;
    long sessions, documents;
    long people, attended, acknowledged, done;
    struct aw_dept *dept;
    size_t ndept, capdept;
    struct aw_pending *pending; /* not done (staff: only themselves) */
    size_t npending, cappending;
    struct aw_session *sess;    /* the sessions (not cancelled) */
    size_t nsess, capsess;
};
/* Completion of a campaign by its audience (active people: everyone, of
 * the departments, or holding the roles): attended a session (when it has
 * sessions) and acknowledged each policy's version in force (when it names
 * any). Computed, never typed. */
int app_awareness_completion(struct app *a, const char *campaign, struct aw_completion *out,
                             struct err *e);
void aw_completion_free(struct aw_completion *c);
void aw_completion_json(struct jw *w, const struct aw_completion *c);
/* Overall completion of the active campaigns (dashboard): people counted
 * once per campaign. */
int app_awareness_overall(struct app *a, long *people, long *done, long *campaigns,
                          struct err *e);
/* The signer (a->signer.person, never a parameter) confirms attending
 * session briefing on date (NULL: today): an attendance record, with
 * confirmed_by the account. Again is a no-op (*existing). */
int app_attendance_confirm(struct app *a, const char *briefing, const char *date,
                           char *ref_out, size_t n, int *existing, struct err *e);

/* ---- rules and task sources ---------------------------------------------- */

/* The checks on people records run by the generic add/edit (rules.c). */
int people_derive(struct app *a, struct record *r, const struct record *orig, struct err *e);
int task_src_competence(struct app *a, const struct task_query *q, struct tasks *out,
                        struct err *e);
int task_src_awareness(struct app *a, const struct task_query *q, struct tasks *out,
                       struct err *e);

#endif
