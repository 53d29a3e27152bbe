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
#include "signoff.h"
#include "documents.h"

struct method;
struct auth_memo;

struct app {
    struct store *st;
    char actor[128];        /* who is acting, recorded in history */
    struct signer signer;   /* the authenticated account sign-offs are bound to */
    struct method *method;  /* the risk method in force, loaded on first use */
    int method_version;
    int accepting;          /* inside a sign-off (risk acceptance, scope approval): the
                             * fields it sets are the sign-off's, not typed ones */
    int method_checked;     /* the method's version was checked since method_recheck */
    long long method_dv;    /* the file's data version when it was last checked */
    struct dmap *memo;      /* app_memo: results of one data version (derived.c) */
    long long memo_dv;
    struct dmap *derived;   /* app_derived: results valid up to a history entry */
    long long derived_seq;
    struct tblset method_deps; /* the tables the method in force was read from */
    /* Who is asking (app_set_principal): every read through the store
     * takes it (store.h), and references a write names that it may not see
     * are answered like ones that do not exist. app_open/app_create make
     * it the system principal (the CLI run by the file's owner); the
     * router sets the request's account, `--as ACCOUNT` that account.
     * a->signer is derived from the same authentication (only when the
     * second factor is done): sign-offs are bound to it. */
    struct principal who;
    struct auth_memo *auth_memo; /* accounts.c: the last authentication, this second */
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
    char expires[12]; /* accounts: the end date ("" none): an external auditor */
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
/* Loads a record as a->who may see it (store_get: through the row rule of
 * lists — for staff a document's version in force, never its working
 * copy); ERR_NOTFOUND names the type and identifier, the very answer for a
 * record that does not exist or that the viewer may not see. */
int app_record_get(struct app *a, const struct rtype *t, const char *ref, struct record **out,
                   struct err *e);
/* Builds a store query from untrusted filters (field names and values). */
int app_query_filter(const struct rtype *t, struct query *q, const struct kv *kv, int n,
                     char **owned, struct err *e);
/* Results kept between requests (derived.c). Each keeps the tables it was
 * computed from (store.h, "What a result depends on"): compute a result
 * between app_track_begin and app_track_end and keep it with the tables
 * app_track_end gave. A result found while another is being computed adds
 * its tables to that one. Inside a read transaction only; keys are the
 * caller's and name whatever else the result depends on (the principal's
 * view, the date).
 *
 * The memo: valid while the file is unchanged (titles, rendered rows);
 * emptied whenever the file's data version moves. deps NULL: every table.
 * app_memo_get: 1 with *value (possibly NULL) when known. */
struct dmap;
void app_track_begin(struct app *a, struct tblset *saved);
void app_track_end(struct app *a, const struct tblset *saved, struct tblset *read);
int app_memo_get(struct app *a, const char *key, const char **value);
void app_memo_put(struct app *a, const char *key, const char *value, const struct tblset *deps);

/* Derived results whose cost grows with the ISMS (the dashboard's cards,
 * readiness items, each task source's tasks, whether the plan and SoA
 * changed since approval): valid across writes until the history shows a
 * change to one of the tables the result was computed from (updates of
 * inert fields such as notes change nothing). Text (get/put) or a typed
 * result (obj/keep: drop frees it when it is dropped; bytes its size, for
 * the bound on what a connection keeps). Call get before put in the same
 * read transaction. */
int app_derived_get(struct app *a, const char *key, const char **value);
void app_derived_put(struct app *a, const char *key, const char *value, const struct tblset *deps);
int app_derived_obj(struct app *a, const char *key, const void **obj);
void app_derived_keep(struct app *a, const char *key, void *obj, void (*drop)(void *), size_t bytes,
                      const struct tblset *deps);
void app_derived_free(struct app *a);

/* The text of each of the first n positions of k (store_keys of q) that
 * render writes for a record: from the memo under "PREFIX:REF" when the
 * file is unchanged, else the records are read with q in one query,
 * rendered and remembered. The text may depend only on the record and the
 * file (put anything else in prefix). out[i] (caller frees each and out)
 * is NULL only for a position that vanished (never within one read). */
typedef void (*app_render_fn)(void *ctx, const struct record *rec, struct buf *out);
/* store_keys of q as a->who, for a page of a list: a page past the first
 * is a slice of the whole ordered list of q, kept as a derived result (an
 * OFFSET walks every entry before it: page 200 of a register read 10,000
 * index entries to find its 50); the first page and a keyset page are
 * read as they are. */
int app_page_keys(struct app *a, const struct rtype *t, const struct query *q,
                  struct keylist *out, struct err *e);
int app_memo_records(struct app *a, const struct rtype *t, const struct query *q,
                     const struct keylist *k, size_t n, const char *prefix, app_render_fn render,
                     void *ctx, char ***out, struct err *e);

/* Who reads and acts on a from now on (the router sets it for each
 * request, `--as` for the CLI): every read takes it; record references
 * given to add/edit are checked against its row rule (perm_allows READ,
 * perm_rows), its own person always visible. NULL: nobody (sees nothing).
 * a->signer becomes the same account (cleared for nobody and the system). */
void app_set_principal(struct app *a, const struct principal *who);
/* The router's read permission for front ends without a router (the CLI
 * with --as, exports): 0 when a->who may read records of t (history 1: and
 * their history, versions and evidence: PERM_HISTORY), else ERR_FORBIDDEN
 * (403 / exit 7) saying so. The system principal may read everything. */
int app_may_read(struct app *a, const struct rtype *t, int history, struct err *e);
/* Checks the history chain, the database, and that every record equals the
 * state its last history entry recorded. Calls report for progress lines. */
struct verify_result {
    long entries;
    long records;
    long blobs;   /* stored attachment contents re-hashed */
    long signoffs; /* sign-offs equal to the history entries that recorded them */
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

/* Records the acceptance of a risk by the signer (a->signer, never a
 * parameter) with a rationale, and sets it accepted, in one transaction:
 * a sign-off (kind acceptance, capacity risk-owner or top-management) of
 * the hash of the risk's rated fields. Above the acceptance criterion the
 * signer must hold a top-management role (ERR_FORBIDDEN otherwise, saying
 * so). on_behalf_of/evidence (NULL normally): a decision taken elsewhere,
 * recorded with its attached evidence (see app_signoff). Accepting again
 * what the same signer accepted is a no-op. */
int app_risk_accept(struct app *a, const char *ref, const char *rationale,
                    const char *on_behalf_of, const char *evidence, struct err *e);
/* The risk's acceptances, each marked current when it signed the risk as
 * it is now; *current = 1 when one does (the Accept form is then not
 * offered). out freed with signoffs_free. */
int app_risk_acceptances(struct app *a, const char *ref, struct signoffs *out, int *current,
                         struct err *e);
/* Marks a risk reviewed today: clears its review flag and sets the next
 * review date from its level's interval. */
int app_risk_review(struct app *a, const char *ref, struct err *e);
/* Replaces the risk method with a new version (JSON text, untrusted) and
 * re-scores every risk, journaled, in one transaction. *rescored gets the
 * number of risks whose scores changed. */
int app_method_replace(struct app *a, const char *json, long *rescored, struct err *e);
/* Signs the method version in force (6.1.2) as top management (the
 * signer; ERR_FORBIDDEN naming the capacity otherwise). *version gets its
 * number; signing it again as the same signer is a no-op (*existing). */
int app_method_approve(struct app *a, const char *rationale, const char *on_behalf_of,
                       const char *evidence, int *version, int *existing, struct err *e);
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

/* The SoA as a typed structure, filled by app_soa; soa_json is its one
 * JSON writer (the canonical content approvals sign: approved versions
 * keep their bytes), soa_parse its one reader (frozen versions). */
struct strlist {
    char **v;
    size_t n, cap;
};
/* The items joined by ", " (malloc'd); with max > 0 at most max of them,
 * followed by " and N more" when some are left out. */
char *strlist_join(const struct strlist *l, size_t max);
struct soa_row {
    char *id, *framework, *title, *theme;
    int applicable; /* 1 yes, 0 no (excluded), -1 undecided */
    struct strlist categories, risks, requirements; /* reasons for inclusion */
    char *justification, *status, *implementation, *owner;
    struct strlist documents;
};
struct soa {
    char framework[24];
    struct soa_row *v;
    size_t n, cap;
};
struct soa_counts {
    size_t controls, applicable, implemented, excluded, undecided;
};
/* The SoA of a framework ("iso27001-2022" or "iso27001-2013"; the
 * organization's own controls are included in both). soa_json writes one
 * JSON array, one object per control: id, title, theme, applicable
 * (true/false/null), reasons {risks, requirements, categories},
 * justification, status, implementation, documents, owner. */
int app_soa(struct app *a, const char *framework, struct soa *out, struct err *e);
void soa_free(struct soa *s);
void soa_json(const struct soa *s, struct buf *out);
void soa_row_json(const struct soa_row *r, struct buf *out);
/* SHA-256 of soa_json's text: what an approval of this SoA signs. */
void soa_sha256(const struct soa *s, char out[65]);
int soa_parse(const char *text, struct soa *out, struct err *e);
void soa_counts(const struct soa *s, struct soa_counts *c);

/* Edits one SoA row: only applicable, justification, status, owner,
 * implementation and documents may be given. */
int app_soa_set(struct app *a, const char *control, const struct kv *kv, int n, int *changed,
                struct err *e);
/* Freezes the current SoA as a version (kind "soa", subject the
 * framework, numbers shared by both frameworks) signed by the signer as
 * top management (a->signer; ERR_FORBIDDEN naming the capacity when not).
 * Refused while any control is undecided. Content already approved by the
 * same signer is a no-op (*existing = 1, *version that version); the same
 * content approved by someone else is co-signed on its version. */
int app_soa_approve(struct app *a, const char *framework, const char *note,
                    const char *on_behalf_of, const char *evidence, int *version, int *existing,
                    struct err *e);
/* Moves the 2013 SoA's decisions onto the 2022 catalogue through the
 * mapping, for 2022 controls not yet decided. report gets one line per
 * control (caller frees). */
int app_soa_transition(struct app *a, int dry_run, char **report, int *need_decision,
                       struct err *e);
/* The differences between two approved versions (rows matched by id, as
 * app_version_diff; caller frees with vdiff_free). */
int app_soa_diff(struct app *a, int from, int to, struct vdiff *out, struct err *e);


/* ---- the risk treatment plan (plan.c) ------------------------------------ */

/* The plan as a typed structure, filled by app_plan (one builder); plan_json
 * is its one JSON writer. Risks in the plan: those with actions and those
 * whose treatment is "modify". Actions of a risk point into acts. */
struct plan_action {
    char *id, *title, *owner, *due_date, *status;
    char *cost; /* canonical decimal text, NULL when not given */
    double cost_value;
    struct strlist controls;
    int done, cancelled;
    int overdue; /* open and due before today */
};
struct plan_risk {
    char *id, *title, *owner, *level, *residual_level, *treatment, *status;
    const struct plan_action **actions;
    size_t nactions;
    int done, total, percent; /* of the actions not cancelled */
    double cost;
};
struct plan_totals {
    long actions, done, overdue; /* actions not cancelled */
    int percent;
    double cost;
};
struct plan {
    struct plan_action *acts; /* every active treatment action, in order */
    size_t nacts;
    struct plan_risk *risks;
    size_t nrisks;
    const struct plan_action **unlinked; /* actions linked to no risk in the plan */
    size_t nunlinked;
    struct plan_totals totals;
    char sha256[65];           /* of plan_json undated: what approvals sign */
    struct signoffs approvals; /* of the plan, `current` against sha256 */
};
int app_plan(struct app *a, struct plan *out, struct err *e);
void plan_free(struct plan *p);
/* The plan's JSON: {"risks": [{id, title, owner, level, residual_level,
 * treatment, status, actions: [...], done, total, percent, cost}],
 * "unlinked_actions": [...], "totals": {actions, done, overdue, percent,
 * cost}, "sha256", "approvals": [signoff_json]}. Actions show id, title,
 * owner, due_date, status, cost, controls, overdue. dated 0 leaves out
 * overdue, sha256 and approvals: the bytes approvals hash. */
void plan_json(const struct plan *p, int dated, struct buf *out);
/* Whether an approval covers the plan as it is now (*approved), and whether
 * the plan holds no risk (*empty): what the dashboard asks, without the
 * dated plan. */
int app_plan_state(struct app *a, int *approved, int *empty, struct err *e);
/* Records the signer's approval of the plan as it is now (a sign-off of its
 * hash) as top management or as the owner of a risk in the plan
 * (ERR_FORBIDDEN naming the capacity otherwise). Approving again what the
 * same signer approved is a no-op (*existing = 1). */
int app_plan_approve(struct app *a, const char *rationale, const char *on_behalf_of,
                     const char *evidence, int *existing, struct err *e);


/* ---- the ISMS scope (scope.c) -------------------------------------------- */

/* The canonical content of a scope that its approval signs: {id, title,
 * version, statement, sites, included, excluded, exclusion_reasons,
 * interfaces, owner}. */
void app_scope_content(const struct record *r, struct buf *out);
/* Approves scope ref as it is now: freezes it as a version (kind "scope",
 * state in-force) signed by the signer as top management (ERR_FORBIDDEN
 * naming the capacity otherwise), sets it approved (approved_by, _on) and
 * supersedes every other approved scope (their versions and records), in
 * one transaction. The same content approved again by the same signer is
 * a no-op (*existing = 1). */
int app_scope_approve(struct app *a, const char *ref, const char *rationale,
                      const char *on_behalf_of, const char *evidence, int *version, int *existing,
                      struct err *e);
/* *in_force = 1 when the scope's latest version is in force and it is the
 * scope's content now (no change since its approval). */
int app_scope_current(struct app *a, const char *ref, int *in_force, struct err *e);


/* ---- accounts, sessions, tokens (accounts.c) ----------------------------- */

/* Who is making a request, once authenticated. */
struct session_auth {
    long account;
    char name[72];
    char role[32];
    char person[40];   /* "" when the account acts as no person */
    char csrf[72];     /* the session's CSRF token ("" for API tokens) */
    char sid_hash[72]; /* the session ("" for API tokens) */
    int mfa_ok;        /* second factor done (or not required) */
    int via_token;
    /* accounts: the privacy rule applies (perm_personal_hidden) */
    int personal_hidden;
    /* accounts: an external auditor, who writes nothing (perm_read_only) */
    int read_only;
    /* accounts: the account's end date when it has passed (the session or
     * token is then refused: app_session / app_token_auth answer 0) */
    char expired[12];
    /* accounts: a token's scope ("" none; "read-only", "types:a,b", both
     * joined by ';') and its number */
    char scope[256];
    long token_id;
    /* accounts: the account's role requires a second factor it has not
     * enrolled yet: it may only enrol (the router sends it to /account/totp) */
    int must_enrol;
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
/* accounts: the last day the account may sign in (YYYY-MM-DD; "" or
 * "none": no end date). After it, sign-in is refused and its sessions and
 * tokens stop working. */
/* accounts: app_account_add with an end date (NULL: none), in one
 * transaction */
int app_account_add_full(struct app *a, const char *name, const char *role, const char *person,
                         const char *password, const char *expires, struct err *e);
/* accounts: the role of an account by name into role ("" when none) */
void app_account_role(struct app *a, const char *name, char *role, size_t size);
int app_account_expires(struct app *a, const char *name, const char *date, struct err *e);
/* accounts: grants (yes, with a reason) or withdraws (no) an outside
 * reader's access to the personal data the privacy rule hides; written to
 * the security log with the reason. */
int app_account_privacy(struct app *a, const char *name, const char *yesno, const char *reason,
                        struct err *e);
/* Generates a new TOTP secret for the account; *uri (caller frees) is the
 * otpauth:// URI to put in an authenticator app. */
int app_totp_enroll(struct app *a, const char *name, char **uri, struct err *e);
/* Creates an API token for the account; *token (caller frees) is shown once. */
int app_token_add(struct app *a, const char *account, const char *label, char **token,
                  long *id, struct err *e);
/* accounts: the same, limited to reads (GET) and/or to record types
 * (comma-separated type names, and "attachment" for evidence files);
 * the router refuses a request outside the scope (403 naming it). */
int app_token_add_scoped(struct app *a, const char *account, const char *label, int read_only,
                         const char *types, char **token, long *id, struct err *e);
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
/* Sign-in throttling shared by every server of an ISMS in PostgreSQL: the
 * failed sign-ins of name, from the security log they all write, within
 * the last decay seconds and since its last sign-in — how many, and the
 * last one's time (Unix seconds). Nothing (0) on an ISMS file, whose one
 * server counts in memory, and for an address that signed in to the
 * account before. The lock they earn is the caller's rule. */
int app_shared_failures(struct app *a, const char *name, const char *address, long decay,
                        long long *last);
/* Completes the second factor of a session. */
int app_login_totp(struct app *a, const char *sid, const char *code, const char *address,
                   struct err *e);
/* 1 and p filled for a live session, 0 when there is none or it expired. */
int app_session(struct app *a, const char *sid, struct session_auth *p, struct err *e);
int app_logout(struct app *a, const char *sid, const char *address, struct err *e);
/* 1 and p filled for a valid API token ("Bearer ..."), 0 when invalid. */
int app_token_auth(struct app *a, const char *token, const char *address,
                   struct session_auth *p, struct err *e);
/* server: directory accounts — a session (sid out) for the local account
 * name that a directory account enters as (directory.c checked it), under
 * this organization's second-factor rules: *totp_due as app_login (1 the
 * code is due, 2 enrolment); refused (ERR_UNAUTH) when the account must
 * have a second factor it does not have. */
int app_login_directory(struct app *a, const char *name, const char *address, char sid[72],
                        int *totp_due, struct err *e);
/* sso: a session for the account single sign-on resolved (sso.c), in the
 * caller's transaction; as app_login after its checks (accounts.c). */
int app_login_account_tx(struct app *a, long account, const char *address, const char *how,
                         char sid[72], int *totp_due, struct err *e);
/* sso: end */

/* ---- evidence files attached to records (attach.c) ----------------------- */

#define ATT_NAME_MAX 200 /* bytes of an attachment's file name */

/* One attachment as stored (strings are "" when unset). */
struct attachment_info {
    char ref[24];          /* "ATT-0001" */
    char subject[64];      /* the record it belongs to: "R-0001" */
    char name[ATT_NAME_MAX + 1];
    char media_type[96];   /* from the allow-list, else application/octet-stream */
    int64_t size;
    char sha256[65];
    char valid_until[11];  /* YYYY-MM-DD or "" */
    char added_at[21], added_by[128];
    char removed_at[21], removed_by[128];
    int active;            /* not removed */
};

/* The attachment att_ref ("ATT-0001"), removed or not: ERR_NOTFOUND when
 * there is none. Callers that need live evidence (a sign-off recorded on
 * someone's behalf) check out->active and out->subject themselves. Reads
 * the row only, not the content. */
int app_attachment_get(struct app *a, const char *att_ref, struct attachment_info *out,
                       struct err *e);

/* What to attach: len bytes at offset off of the open file fd (a file
 * given to the CLI, or the spooled body of an upload), named name
 * (untrusted: a directory part is dropped; UTF-8, no control characters,
 * at most ATT_NAME_MAX bytes), valid until a date (NULL or "" for none,
 * else YYYY-MM-DD), to the record subject. max > 0 refuses larger files
 * with ERR_TOOBIG. */
struct attach_input {
    const char *subject;
    const char *name;
    const char *valid_until;
    int fd;
    int64_t off, len, max;
};
/* Stores the content once per SHA-256 (nothing new when the same bytes are
 * stored already), adds the attachment and its history entry (action
 * "attach" on the record; hash, name, size — not the bytes) in one
 * transaction. The record must exist and not be retired. out (may be
 * NULL) gets what was stored. */
int app_attach(struct app *a, const struct attach_input *in, struct attachment_info *out,
               struct err *e);
/* Marks an attachment removed (its content stays, for the record's
 * history) with a history entry "remove". subject: when not NULL the
 * attachment must belong to it (else ERR_NOTFOUND, as for a missing one). */
int app_attachment_remove(struct app *a, const char *att_ref, const char *subject, struct err *e);
typedef int (*app_attachment_fn)(void *ctx, const struct attachment_info *info);
/* The attachments of subject (all when NULL), oldest first. */
int app_attachments(struct app *a, const char *subject, int include_removed,
                    app_attachment_fn fn, void *ctx, struct err *e);

/* A verified reader of an active attachment's content. app_attachment_open
 * reads the whole content once, in chunks, and refuses it (ERR_CONFLICT,
 * naming the attachment and its record) when it does not match its SHA-256
 * and size; reads then hand out the same bytes, hashed again, and the final
 * read (0) fails if they differed. subject: as for remove. own: on a
 * connection of its own (the server streams after the request ended).
 * Close with app_attachment_close. */
struct attachment_reader;
int app_attachment_open(struct app *a, const char *att_ref, const char *subject, int own,
                        struct attachment_reader **out, struct err *e);
const struct attachment_info *app_attachment_reader_info(const struct attachment_reader *r);
/* Up to max bytes into buf: their number, 0 at the (verified) end, -1 with e. */
long app_attachment_read(struct attachment_reader *r, void *buf, size_t max, struct err *e);
void app_attachment_close(struct attachment_reader *r);

/* Days from today (YYYY-MM-DD) to the attachment's valid_until into *days
 * (negative: expired); 0 when it has no validity date. */
int app_attachment_expiry(const struct attachment_info *info, const char *today, int *days);
/* "expires in 12 days", "expires today", "expired 3 days ago", or "". */
void app_attachment_expiry_text(const struct attachment_info *info, const char *today,
                                char out[64]);
/* The JSON object of an attachment (id, subject, name, media_type, size,
 * sha256, valid_until, expires_in_days, expired, added_at, added_by,
 * removed_at, removed_by), as the CLI and the API print it. */
struct jw;
void app_attachment_json(struct jw *w, const struct attachment_info *info, const char *today);
/* The media type served for a file name (a small allow-list by extension;
 * anything else, HTML and SVG included, is application/octet-stream). */
const char *app_attachment_media_type(const char *name);
/* Checks and normalises an untrusted file name into out (see attach_input). */
int app_attachment_name(const char *given, char out[ATT_NAME_MAX + 1], struct err *e);

#endif
