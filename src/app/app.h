/* app.h — use cases. Each public function validates its input, applies the
 * domain rules and writes through store/ in ONE transaction together with
 * its history entries; on any error nothing is written. The CLI, the web
 * pages and the API call these same functions, so they cannot disagree. */
#ifndef ISMS_APP_H
#define ISMS_APP_H

#include "../lib/err.h"
#include "../lib/strmap.h"
#include "../model/perm.h"
#include "../model/record.h"
#include "../store/store.h"

struct method;

struct app {
    struct store *st;
    char actor[128];        /* who is acting, recorded in history */
    struct method *method;  /* the risk method in force, loaded on first use */
    int method_version;
    int accepting;          /* inside app_risk_accept: acceptance is approved */
    int method_checked;     /* the method's version was checked since method_recheck */
    long long method_dv;    /* the file's data version when it was last checked */
    struct strmap memo;     /* app_memo: derived text of one data version */
    long long memo_dv;
    struct strmap derived;  /* app_derived: text valid up to a history entry */
    long long derived_seq;
    /* Who is asking, for the references a write names (app_set_viewer):
     * one the viewer may not see is answered like one that does not
     * exist. has_viewer 0 (the CLI, run by the file's owner): every row. */
    int has_viewer;
    enum role viewer_role;
    char viewer_person[40];
};

/* A field name and its value as a person typed it (untrusted). */
struct kv {
    const char *name;
    const char *value;
};

/* Opens an existing ISMS file (migrating it if older). */
int app_open(struct app *a, const char *path, const char *actor, struct err *e);
void app_close(struct app *a);
/* Creates a new ISMS file with the standard's reference data (clauses,
 * Annex A 2022 and 2013, their mapping) installed. */
int app_create(struct app *a, const char *path, const char *actor, struct err *e);
/* A demo account and its generated password (printed once by the CLI). */
struct demo_login {
    char name[32], role[32], person[16], password[32];
};
/* Creates a new ISMS file holding the demo organization and its accounts
 * (one per role) with freshly generated passwords, returned in logins. */
int app_create_demo(struct app *a, const char *path, const char *actor, struct demo_login *logins,
                    int max, int *n, struct err *e);

/* Adds a record from untrusted field values; *ref_out (caller frees) gets
 * its identifier. */
int app_record_add(struct app *a, const struct rtype *t, const struct kv *kv, int n,
                   char **ref_out, struct err *e);
/* Changes the given fields; an empty value clears an optional field.
 * *changed is 0 when the values were already so (nothing is written). */
int app_record_edit(struct app *a, const struct rtype *t, const char *ref, const struct kv *kv,
                    int n, int *changed, struct err *e);
/* Retires a record: it stays, with its history, but leaves active lists. */
int app_record_retire(struct app *a, const struct rtype *t, const char *ref, struct err *e);
/* Loads a record; ERR_NOTFOUND names the type and identifier. */
int app_record_get(struct app *a, const struct rtype *t, const char *ref, struct record **out,
                   struct err *e);
/* Builds a store query from untrusted filters (field names and values). */
int app_query_filter(const struct rtype *t, struct query *q, const struct kv *kv, int n,
                     char **owned, struct err *e);
/* A memo of text derived from the file (titles, rendered fragments) that
 * stays true while the file is unchanged: used inside a read transaction
 * only and emptied whenever the file's data version moves. Keys are the
 * caller's; include in them whatever else the text depends on (the
 * viewer's role). app_memo_get: 1 with *value (possibly NULL) when known. */
int app_memo_get(struct app *a, const char *key, const char **value);
void app_memo_put(struct app *a, const char *key, const char *value);

/* Like the memo, for text derived from the whole file (the dashboard's
 * cards, heat maps, whether the plan and SoA changed since approval) whose
 * cost grows with the ISMS: it stays valid across writes that cannot change
 * it — history entries that only update inert fields (notes) — and is
 * dropped at the first entry that could (any create, retire, approval,
 * method or SoA change, any other changed field). Inside a read
 * transaction only; call get before put in the same one. */
int app_derived_get(struct app *a, const char *key, const char **value);
void app_derived_put(struct app *a, const char *key, const char *value);

/* The text of each of the first n positions of k (store_keys of q) that
 * render writes for a record: from the memo under "PREFIX:REF" when the
 * file is unchanged, else the records are read with q in one query,
 * rendered and remembered. The text may depend only on the record and the
 * file (put anything else in prefix). out[i] (caller frees each and out)
 * is NULL only for a position that vanished (never within one read). */
typedef void (*app_render_fn)(void *ctx, const struct record *rec, struct buf *out);
int app_memo_records(struct app *a, const struct rtype *t, const struct query *q,
                     const struct keylist *k, size_t n, const char *prefix, app_render_fn render,
                     void *ctx, char ***out, struct err *e);

/* The viewer of what follows on a (the router sets it for each request):
 * record references given to add/edit are checked against the viewer's
 * row rule (perm_allows READ, perm_row_rule), the viewer's own person
 * always visible. role ROLE_NONE: an anonymous request sees nothing. */
void app_set_viewer(struct app *a, enum role role, const char *person);
/* Restricts q to the rows role may see (perm_row_rule); person: the
 * account's person or NULL. */
void app_query_visible(const struct rtype *t, enum role role, const char *person, struct query *q);

/* Checks the history chain, the database, and that every record equals the
 * state its last history entry recorded. Calls report for progress lines. */
struct verify_result {
    long entries;
    long records;
};
int app_verify(struct app *a, struct verify_result *res, struct err *e);

/* Backs up the open ISMS to out (a new file), then checks the copy: it
 * opens as an ISMS and passes verify. */
int app_backup(struct app *a, const char *out, struct verify_result *res, struct err *e);
/* Restores backup into target (a new file): refuses a backup that is not an
 * ISMS file, is from a newer version, or fails verify; nothing is written
 * then. */
int app_restore(const char *backup, const char *target, struct verify_result *res,
                struct err *e);


/* ---- risk assessment and treatment (risk_ops.c) -------------------------- */

/* The risk method in force (loaded once per app from the file; owned by
 * the app). a->method_version says which version it is. */
const struct method *app_method(struct app *a, struct err *e);
/* The method may have changed elsewhere: check again on the next use (the
 * server calls this once per request). */
void app_method_recheck(struct app *a);

/* Records the acceptance of a risk by `by` (a person) with a rationale, and
 * sets it accepted, in one transaction. Above the acceptance criterion the
 * person must hold a top-management role (ERR_FORBIDDEN otherwise). */
int app_risk_accept(struct app *a, const char *ref, const char *by, const char *rationale,
                    struct err *e);
/* Marks a risk reviewed today: clears its review flag and sets the next
 * review date from its level's interval. */
int app_risk_review(struct app *a, const char *ref, struct err *e);
/* Replaces the risk method with a new version (JSON text, untrusted) and
 * re-scores every risk, journaled, in one transaction. *rescored gets the
 * number of risks whose scores changed. */
int app_method_replace(struct app *a, const char *json, long *rescored, struct err *e);
/* Changes parts of the method in force (NULL = unchanged): scoring
 * ("product"/"matrix"), acceptance as a score or a level name, name. */
int app_method_set(struct app *a, const char *name, const char *scoring, const char *accept_max,
                   const char *accept_level, long *rescored, struct err *e);

/* The heat map: counts of active risks per likelihood x consequence. */
struct matrix_cell {
    int score;
    const char *level, *colour; /* from the method; owned by it */
    long count;
};
struct risk_matrix {
    int nl, nc;
    struct matrix_cell cell[10][10]; /* [likelihood-1][consequence-1] */
    long unrated;
};
int app_risk_matrix(struct app *a, int residual, struct risk_matrix *mx, struct err *e);
/* The heat map as the JSON document of `isms risk matrix --json` and
 * GET /api/v1/risks/matrix: residual, likelihood and consequence labels,
 * cells (likelihood, consequence, score, level, colour, count), unrated. */
int app_risk_matrix_json(struct app *a, int residual, struct buf *out, struct err *e);


/* ---- Statement of Applicability (soa.c) ---------------------------------- */

/* The SoA of a framework ("iso27001-2022" or "iso27001-2013"; the
 * organization's own controls are included in both) as one JSON array, one
 * object per control: id, title, theme, applicable (true/false/null),
 * reasons {risks, requirements, categories}, justification, status,
 * implementation, documents, owner. Caller frees. */
int app_soa_json(struct app *a, const char *framework, char **out, struct err *e);
/* Edits one SoA row: only applicable, justification, status, owner,
 * implementation and documents may be given. */
int app_soa_set(struct app *a, const char *control, const struct kv *kv, int n, int *changed,
                struct err *e);
/* Freezes the current SoA as the next numbered version, approved by `by`
 * (top management). Refused while any control is undecided. */
int app_soa_approve(struct app *a, const char *framework, const char *by, const char *note,
                    int *version, struct err *e);
/* Moves the 2013 SoA's decisions onto the 2022 catalogue through the
 * mapping, for 2022 controls not yet decided. report gets one line per
 * control (caller frees). */
int app_soa_transition(struct app *a, int dry_run, char **report, int *need_decision,
                       struct err *e);
/* JSON of the differences between two approved versions (caller frees). */
int app_soa_diff(struct app *a, int from, int to, char **out, struct err *e);


/* ---- the risk treatment plan (plan.c) ------------------------------------ */

/* The plan as JSON: {"risks": [{id, title, owner, level, residual_level,
 * treatment, status, actions: [...], done, total, percent, cost}],
 * "unlinked_actions": [...], "totals": {...}, "sha256": hash of the plan,
 * "approvals": [{by, capacity, at, rationale, current}]}. Actions show id,
 * title, owner, due_date, status, cost, controls, overdue. Caller frees. */
int app_plan_json(struct app *a, char **out, struct err *e);
/* Whether an approval covers the plan as it is now (*approved), and whether
 * the plan holds no risk (*empty): what the dashboard asks, without the
 * dated plan. */
int app_plan_state(struct app *a, int *approved, int *empty, struct err *e);
/* Records approval of the plan as it is now by a risk owner (of a risk in
 * the plan) or a member of top management. */
int app_plan_approve(struct app *a, const char *by, const char *rationale, struct err *e);


/* ---- accounts, sessions, tokens (accounts.c) ----------------------------- */

/* Who is making a request, once authenticated. */
struct principal {
    long account;
    char name[72];
    char role[32];
    char person[40];   /* "" when the account acts as no person */
    char csrf[72];     /* the session's CSRF token ("" for API tokens) */
    char sid_hash[72]; /* the session ("" for API tokens) */
    int mfa_ok;        /* second factor done (or not required) */
    int via_token;
};

#define SESSION_IDLE_SECONDS (30 * 60)
#define SESSION_MAX_SECONDS (12 * 60 * 60)
#define PASSWORD_MIN 12
#define PASSWORD_MAX 1024

/* Creates an account; the password (untrusted) is hashed with Argon2id. */
int app_account_add(struct app *a, const char *name, const char *role, const char *person,
                    const char *password, struct err *e);
/* Changes role, person, disabled (yes/no) or require_totp (yes/no).
 * Changing the role or disabling ends the account's sessions. */
int app_account_set(struct app *a, const char *name, const char *field, const char *value,
                    struct err *e);
int app_account_password(struct app *a, const char *name, const char *password, struct err *e);
/* Generates a new TOTP secret for the account; *uri (caller frees) is the
 * otpauth:// URI to put in an authenticator app. */
int app_totp_enroll(struct app *a, const char *name, char **uri, struct err *e);
/* Creates an API token for the account; *token (caller frees) is shown once. */
int app_token_add(struct app *a, const char *account, const char *label, char **token,
                  long *id, struct err *e);
int app_token_revoke(struct app *a, long id, struct err *e);

/* Checks a password; on success creates a session and writes its id (64
 * hex characters) to sid. *totp_due is 1 when the second factor must still
 * be given. Failures are ERR_UNAUTH with one message for every cause (a
 * wrong password, no such account, disabled, a second factor required but
 * not set up); ERR_READONLY, before any check, when the file cannot be
 * written (a session could not be stored). */
int app_login(struct app *a, const char *name, const char *password, const char *address,
              char sid[72], int *totp_due, struct err *e);
/* Whether address completed a sign-in of account name (password, and the
 * second factor when one was due) in the last LOGIN_KNOWN_DAYS days, by
 * the security log: sign-in throttling lets such an address through an
 * account lock. 0 on any doubt (an invalid name, a storage error). */
#define LOGIN_KNOWN_DAYS 90
int app_login_known(struct app *a, const char *name, const char *address);
/* Completes the second factor of a session. */
int app_login_totp(struct app *a, const char *sid, const char *code, const char *address,
                   struct err *e);
/* 1 and p filled for a live session, 0 when there is none or it expired. */
int app_session(struct app *a, const char *sid, struct principal *p, struct err *e);
int app_logout(struct app *a, const char *sid, const char *address, struct err *e);
/* 1 and p filled for a valid API token ("Bearer ..."), 0 when invalid. */
int app_token_auth(struct app *a, const char *token, struct principal *p, struct err *e);

#endif
