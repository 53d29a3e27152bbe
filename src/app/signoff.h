/* signoff.h — the one sign-off mechanism and the one version mechanism
 * (included from app.h). Every approval, acceptance, review, sending back
 * and acknowledgement of anything is recorded by app_signoff, bound to the
 * signed-in account: the signer is never a parameter. Versions are frozen
 * content of a subject (SoA, document, scope, risk method) with a SHA-256;
 * a sign-off of a version signs that hash.
 *
 * A new record type gets versions and sign-offs by (docs/howto.md):
 *   1. writing its canonical content (one JSON writer, stable bytes),
 *   2. app_version_freeze_tx(kind, subject, content, state, ...) when a
 *      version is made, app_version_state_tx as it moves through its
 *      lifecycle,
 *   3. app_signoff_tx with the capacity the step needs (app_capacity_check
 *      decides who holds it), and
 *   4. showing app_signoffs (with the current hash) on its page and JSON. */
#ifndef ISMS_SIGNOFF_H
#define ISMS_SIGNOFF_H

#include "../lib/buf.h"
#include "../lib/err.h"
#include "../lib/json.h"

struct app;

/* The authenticated principal a sign-off is recorded for: set by the
 * router from the session or API token, by the CLI after `--as ACCOUNT`
 * authentication; account 0 when nobody is signed in. */
struct signer {
    long account;
    char name[72];   /* the account's login name */
    char person[40]; /* the account's person ("" when it acts as none) */
    char role[32];   /* the account's role (admin, manager, ...) */
};

void app_signer_set(struct app *a, long account, const char *name, const char *person,
                    const char *role);
void app_signer_clear(struct app *a);
/* Authenticates account with password exactly as a sign-in does (the
 * same check, throttling and security log), asking code(ctx) for the
 * current TOTP code when the account has a second factor, then makes it
 * the signer (the sign-in's session is ended at once). Failures are
 * ERR_UNAUTH with one message for every cause. */
typedef char *(*app_code_fn)(void *ctx); /* caller frees; NULL: none given */
int app_signer_login(struct app *a, const char *account, const char *password, app_code_fn code,
                     void *ctx, struct err *e);

/* Capacities a sign-off is given in. */
#define CAP_TOP_MANAGEMENT "top-management"   /* a role marked top_management */
#define CAP_RISK_OWNER "risk-owner"           /* owner of the risk (of a risk in the plan) */
#define CAP_DOC_REVIEWER "document-reviewer"  /* reviewer of the document (else its owner) */
#define CAP_DOC_APPROVER "document-approver"  /* approver of the document (else its owner) */
#define CAP_READER "reader"                   /* any person (acknowledgements) */
/* ops: the owner of the risk a security exception brings (ops.c) */
#define CAP_EXC_RISK_OWNER "exception-risk-owner"

/* 1 when person holds capacity for subject (a record identifier: "R-0001",
 * "DOC-0001"; or "plan"), 0 when not, -1 on error. */
int app_capacity_holds(struct app *a, const char *person, const char *capacity,
                       const char *subject, struct err *e);
/* 0 when the signer holds capacity for subject; else ERR_FORBIDDEN saying
 * who is signed in and which capacity is needed ("sign in as an account to
 * sign" when nobody is, or the account acts as no person). */
int app_capacity_check(struct app *a, const char *capacity, const char *subject, struct err *e);

/* What is signed. */
struct signoff_req {
    const char *subject_kind; /* "risk", "plan", "soa", "document", "scope", "method" */
    const char *subject_id;   /* "R-0001", "plan", "iso27001-2022", "DOC-0001" */
    int version;              /* the version's number; 0 for a record */
    const char *kind;         /* approval, acceptance, review, sent-back, acknowledgement */
    const char *capacity;     /* CAP_* */
    const char *rationale;    /* optional unless rationale_required */
    int rationale_required;
    const char *signed_sha256; /* the hash of exactly what was signed */
    const char *details;       /* JSON object (trusted) of what the signer saw, or NULL */
    /* A decision taken elsewhere (board minutes): kind becomes
     * "recorded-on-behalf"; the decider (who must hold the capacity) and
     * the attached evidence file (ATT-...) of the subject. The signer
     * records it and must be an admin or manager. */
    const char *on_behalf_of;
    const char *evidence;
};

/* Records one sign-off and its history entry (type "signoff", ref the
 * subject's identifier, action the kind) inside the caller's transaction.
 * The same signer signing the same hash of the same subject, version and
 * kind again is a no-op: *existing = 1 and *id the earlier sign-off. */
int app_signoff_tx(struct app *a, const struct signoff_req *q, long *id, int *existing,
                   struct err *e);
/* The same in its own transaction. */
int app_signoff(struct app *a, const struct signoff_req *q, long *id, int *existing,
                struct err *e);

/* A sign-off as shown: the row with the people's names and whether it still
 * matches the current content. Owned strings. */
struct signoff {
    long id, account;
    int version;
    int current; /* signed_sha256 equals the current hash (-1: not known) */
    char *subject_kind, *subject_id, *kind, *capacity, *rationale, *signed_sha256;
    char *account_name, *person, *person_name, *on_behalf_of, *on_behalf_name, *evidence;
    char *details, *at;
};
struct signoffs {
    struct signoff *v;
    size_t n, cap;
};
/* Sign-offs of kind/subject (version -1: any, 0: of the record), oldest
 * first; current_sha256 (or NULL) decides each one's `current`. */
int app_signoffs(struct app *a, const char *kind, const char *subject, int version,
                 const char *current_sha256, struct signoffs *out, struct err *e);
void signoffs_free(struct signoffs *l);
/* The last sign-off of kind in l that is current, or NULL. */
const struct signoff *signoffs_current(const struct signoffs *l, const char *kind);
/* The one JSON form of a sign-off: id, kind, subject, version, capacity,
 * rationale, signed_sha256, current, at, signer {person, name, account,
 * account_id}, on_behalf_of {person, name} or null, evidence, label. */
void signoff_json(struct jw *w, const struct signoff *s);
void signoffs_json(struct jw *w, const struct signoffs *l);
/* One line a person reads: "approved by Ann Lee (P-0001, account ann) as
 * top-management on 2026-...", "recorded on behalf of P-0001 (Ann Lee) by
 * P-0003 (account sec) ..."; migrated rows say "(no account: recorded
 * before sign-offs were bound to accounts)". */
void signoff_label(const struct signoff *s, struct buf *out);

/* Adds "signoffs": [...] (signoff_json each; a risk's marked current when
 * they signed it as it is now) to the record JSON in b (ending in "}") for
 * the types that are signed (risk, scope); others are left as they are. */
struct record;
int app_record_signoffs_json(struct app *a, const struct record *rec, struct buf *b,
                             struct err *e);

/* ---- versions ------------------------------------------------------------ */

struct version {
    long id;
    int number;
    char *kind, *subject, *content, *sha256, *state, *note, *created_at, *created_by;
};
struct versions {
    struct version *v;
    size_t n, cap;
};
void version_free(struct version *v);
void versions_free(struct versions *l);

/* Freezes content as the next version of kind/subject (numbers shared by
 * every subject of the kind when per_kind: the SoA's versions), with a
 * history entry (type "version", ref "KIND:SUBJECT:N", action "freeze",
 * after {kind, subject, number, sha256, state, note}). When the latest
 * version of the subject already has exactly this content, nothing is
 * written and *existing = 1 with *number that version. Inside the
 * caller's transaction. */
int app_version_freeze_tx(struct app *a, const char *kind, const char *subject,
                          const char *content, const char *state, const char *note, int per_kind,
                          int *number, int *existing, struct err *e);
int app_version_freeze(struct app *a, const char *kind, const char *subject, const char *content,
                       const char *state, const char *note, int per_kind, int *number,
                       int *existing, struct err *e);
/* One version (number 0: the latest; subject NULL: any subject of kind;
 * as_of: the latest made by that time). ERR_NOTFOUND otherwise. */
int app_version_get(struct app *a, const char *kind, const char *subject, int number,
                    const char *as_of, struct version *out, struct err *e);
int app_version_list(struct app *a, const char *kind, const char *subject, struct versions *out,
                     struct err *e);
/* Moves one version to state, journaled (type "version", action "state",
 * before/after {state}); inside the caller's transaction. */
int app_version_state_tx(struct app *a, const char *kind, const char *subject, int number,
                         const char *state, struct err *e);
int app_version_state(struct app *a, const char *kind, const char *subject, int number,
                      const char *state, struct err *e);
/* The differences between two versions, typed: for JSON content, one
 * change per changed row or field (arrays of objects are matched by their
 * "id"); for text, one per changed line. vdiff_json is their one JSON form
 * (an array of {id, change: added|removed|changed, field, from, to} /
 * {id, change, row} / {line, change: added|removed, text}). */
struct json_t;
struct vchange {
    const char *change;         /* "added", "removed", "changed" */
    char *id;                   /* the row (arrays of rows), else NULL */
    char *field;                /* the changed field, else NULL */
    struct json_t *from, *to;   /* its values (JSON null when absent) */
    struct json_t *row;         /* the added or removed row, else NULL */
    long line;                  /* text: the line added or removed (1-based) */
    char *text;                 /* that line (NULL: not a line change) */
};
struct vdiff {
    struct vchange *v;
    size_t n, cap;
};
int app_version_diff(struct app *a, const char *kind, const char *subject, int from, int to,
                     struct vdiff *out, struct err *e);
/* The differences between two stored contents (JSON or text), as above. */
void version_diff(const char *from, const char *to, struct vdiff *out);
void vdiff_free(struct vdiff *d);
void vdiff_json(struct jw *w, const struct vdiff *d);
void vchange_json(struct jw *w, const struct vchange *c);
/* A changed value as compact JSON text (NULL for NULL); caller frees. */
char *vdiff_value_text(const struct json_t *v);
/* {kind, subject, number, sha256, state, note, created_at, created_by} and
 * the content when with_content (parsed JSON when it is JSON). */
void version_json(struct jw *w, const struct version *v, int with_content);
/* The same keys inside an object the caller opened (to add its own). */
void version_json_fields(struct jw *w, const struct version *v, int with_content);

#endif
