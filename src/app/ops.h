/* ops.h — operations (SPEC.md §2 Clause 8, Annex A 5.24–5.30): an
 * incident's timeline and the notification duties derived from it and the
 * requirement register; continuity requirements per asset and plan tests;
 * security exceptions approved through the one sign-off mechanism. The
 * task sources (incident_duty, continuity_test, exception) are in
 * tasks.def; the functions in ops.c. */
#ifndef ISMS_OPS_H
#define ISMS_OPS_H

#include "app.h"

/* ---- incidents -------------------------------------------------------------- */

/* Kinds of timeline entry. */
extern const char *const incident_entry_kinds[]; /* note, triage, containment, ... NULL */

struct incident_entry {
    long id;
    char at[21];
    char kind[24];
    char *text;
    char by[72];     /* the account that wrote it (the CLI: its actor) */
    char person[40]; /* the account's person ("" when none) */
};
struct incident_timeline {
    struct incident_entry *v;
    size_t n, cap;
};
void incident_timeline_free(struct incident_timeline *t);

/* Adds an entry (kind one of incident_entry_kinds, text 1..20000
 * characters) to an incident the viewer may see; "who" is the signed-in
 * account, never a parameter. A triage entry moves a reported incident to
 * triaged. One transaction with its history entry. */
int app_incident_note(struct app *a, const char *ref, const char *kind, const char *text,
                      struct err *e);
/* The timeline of an incident the viewer may see, oldest first. */
int app_incident_timeline(struct app *a, const char *ref, struct incident_timeline *out,
                          struct err *e);

/* One notification duty: derived, never stored (only its being done is). */
struct incident_duty {
    char key[40];        /* "gdpr-72h" or the requirement's identifier */
    char title[240];     /* "Notify the supervisory authority (GDPR Art. 33)" */
    char to[200];        /* whom */
    char basis[240];     /* why: "personal data involved", "REQ-0004: NIS2 early warning" */
    int hours;           /* from detection */
    char from[21];       /* detected at (or reported at when detection is not recorded) */
    char deadline[21];   /* YYYY-MM-DDTHH:MM:SSZ */
    long long seconds_left; /* against now; negative when past */
    int done;
    char notified_at[21];
    char notified_by[72];
    char note[200];
};
struct incident_duties {
    char incident[24];
    char now[21];
    struct incident_duty *v;
    size_t n, cap;
};
void incident_duties_free(struct incident_duties *d);
/* The duties of an incident the viewer may see, with their countdowns
 * against now (NULL: the clock). None for an incident classified as an
 * event, near miss or weakness (no breach). Requirements are read through
 * the viewer. */
int app_incident_duties(struct app *a, const char *ref, const char *now,
                        struct incident_duties *out, struct err *e);
/* "19 h 58 min left", "overdue by 2 h 3 min", "done" into out. */
void incident_duty_countdown(const struct incident_duty *d, char *out, size_t n);
void incident_duties_json(const struct incident_duties *d, struct buf *out);
void incident_timeline_json(const char *ref, const struct incident_timeline *t, struct buf *out);

/* Marks a duty done: notified at `at` (YYYY-MM-DD HH:MM; NULL: now, not
 * in the future) by the signed-in account. ERR_INVALID naming "duty" for
 * one the incident does not have; ERR_CONFLICT when already marked. */
int app_incident_notified(struct app *a, const char *ref, const char *duty, const char *at,
                          const char *note, struct err *e);
/* Raises a nonconformity from the incident (source incident, linked both
 * ways: the NC's incident and the incident's nonconformity), and notes it
 * on the timeline. ERR_CONFLICT when the incident already has one. */
int app_incident_raise_nc(struct app *a, const char *ref, char **nc_ref, struct err *e);

/* ---- continuity ---------------------------------------------------------------- */

/* The strictest recovery objectives an asset must meet: of the plans that
 * cover a service it supports (the service itself or anything the service
 * depends on, transitively). */
struct continuity_need {
    char asset[24];
    char name[200];
    char kind[24];
    double rto, rpo, mtd; /* hours; < 0: none set */
    char rto_from[24];    /* the plan the RTO comes from */
    char service[24];     /* the service it is needed for (itself when a service) */
};
struct continuity_needs {
    struct continuity_need *v;
    size_t n, cap;
};
void continuity_needs_free(struct continuity_needs *l);
int app_continuity_needs(struct app *a, struct continuity_needs *out, struct err *e);
void continuity_needs_json(const struct continuity_needs *l, struct buf *out);

/* The tests of a plan the viewer may see (oldest identifier first) and when
 * its next test is due (its interval after the last test held; when never
 * tested, the plan's creation date). */
int app_continuity_tests(struct app *a, const char *plan, struct records *tests, char due[11],
                         struct err *e);

/* ---- security exceptions --------------------------------------------------------- */

/* Approves an exception: a sign-off (kind approval, subject "exception"),
 * by top management when its risk needs approval under the method (high),
 * else by the owner of its risk (or top management). Sets status approved
 * and approved_at. Refuses an expired or withdrawn one. */
int app_exception_approve(struct app *a, const char *ref, const char *rationale,
                          struct err *e);
/* The canonical content an approval signs (its SHA-256 is the signed hash). */
void app_exception_content(const struct record *r, struct buf *out);
/* Active exceptions (approved, not expired, not retired) of a control, as
 * "EXC-0001 (until 2027-01-31)" items joined by ", " into out ("" when
 * none). Read through the viewer. */
int app_control_exceptions(struct app *a, const char *control, struct buf *out, struct err *e);

/* Every active exception the viewer may see (approved, not expired, not
 * retired): the SoA shows them on their control's row. */
int app_active_exceptions(struct app *a, struct records *out, struct err *e);

/* ---- inside the caller's transaction (the demo loader) ---------------------------- */

/* at: when the entry was made (YYYY-MM-DD HH:MM; NULL: now). */
int app_incident_note_tx(struct app *a, const char *ref, const char *kind, const char *text,
                         const char *at, struct err *e);
int app_incident_notified_tx(struct app *a, const char *ref, const char *duty, const char *at,
                             const char *note, struct err *e);
int app_exception_approve_tx(struct app *a, const char *ref, const char *rationale,
                             struct err *e);

/* ---- rules (rules.c calls these for the ops types) ------------------------------- */

int ops_derive(struct app *a, struct record *r, const struct record *orig, struct err *e);
/* verify (verify.c): every timeline entry and notification equals its
 * history entry, and the history has none the tables lack. */
int ops_verify(struct app *a, struct err *e);
/* CAP_EXC_RISK_OWNER (signoff.c): person owns the risk of exception subject. */
int ops_exception_risk_owner(struct app *a, const char *person, const char *subject,
                             struct err *e);

#endif
