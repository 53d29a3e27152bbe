/* app_int.h — shared between the app/ source files only. */
#ifndef ISMS_APP_INT_H
#define ISMS_APP_INT_H

#include "app.h"

/* Returns from the calling function after running `call` (an expression
 * that is non-zero on failure) inside one transaction: all of it is
 * written, or nothing. */
#define IN_TRANSACTION(a, e, call)                                             \
    do {                                                                       \
        if (store_begin((a)->st, (e))) {                                       \
            return -1;                                                         \
        }                                                                      \
        if (call) {                                                            \
            store_rollback((a)->st);                                           \
            return -1;                                                         \
        }                                                                      \
        return store_commit((a)->st, (e));                                     \
    } while (0)

/* Adds a record inside the caller's transaction. `trusted` (catalogue and
 * demo loading) may set catalogue fields and a fixed identifier. */
int app_add_tx(struct app *a, const struct rtype *t, const struct kv *kv, int n,
               const char *fixed_ref, int trusted, char **ref_out, struct err *e);
int app_edit_tx(struct app *a, const struct rtype *t, const char *ref, const struct kv *kv, int n,
                int trusted, int *changed, struct err *e);
/* Installs clauses, both Annex A catalogues and their mapping. */
int app_install_catalogue(struct app *a, struct err *e);
/* Loads the demo organization (data/demo.json) into an open, empty ISMS,
 * with its accounts; their generated passwords go to logins. */
int app_load_demo(struct app *a, struct demo_login *logins, int max, int *n, struct err *e);
/* demo: starts the simulated clock on the first day of the replayed year
 * (before the catalogue is installed); app_load_demo goes on from there. */
void app_demo_clock_start(void);
/* True when the control came from a shipped catalogue. */
int control_is_catalogue(const struct record *r);
/* Writes the differences between orig and r (same record) and one history
 * entry with `action`; sets updated. *changed is 0 when there were none. */
int app_save_tx(struct app *a, const struct record *orig, struct record *r, const char *action,
                int *changed, struct err *e);

/* Per-type rules (rules.c). derive runs before a record is written (it may
 * compute fields and refuse); after runs once it is written (it may change
 * other records, e.g. flag risks for review). orig is NULL on create. */
int rules_derive(struct app *a, struct record *r, const struct record *orig,
                 const unsigned char *touched, struct err *e);
int rules_after(struct app *a, const struct record *orig, const struct record *r, struct err *e);
/* Documents (documents.c): tidies the audience's departments, and refuses
 * any change of content to a document that is not a draft (in review,
 * approved, published, withdrawn), naming the command that starts a new
 * draft. Lifecycle fields are FL_SYSTEM: only the workflow sets them. */
int doc_derive(struct app *a, struct record *r, const struct record *orig, struct err *e);
/* The document workflow steps of documents.h inside the caller's
 * transaction (the demo loader composes them). */
int app_document_submit_tx(struct app *a, const char *ref, const char *note, int *number,
                           struct err *e);
int app_document_review_tx(struct app *a, const char *ref, int send_back, const char *comment,
                           struct err *e);
int app_document_approve_tx(struct app *a, const char *ref, const char *rationale,
                            const char *on_behalf_of, const char *evidence, struct err *e);
int app_document_publish_tx(struct app *a, const char *ref, struct err *e);
int app_document_revise_tx(struct app *a, const char *ref, struct err *e);
int app_document_ack_tx(struct app *a, const char *ref, int *existing, struct err *e);
/* Installs the default method and scores every risk (new files, and files
 * upgraded from schema 2). Inside the caller's transaction. */
int app_method_install_default(struct app *a, struct err *e);
/* The same as the app_* functions of those names, inside the caller's
 * transaction (the demo loader composes them). */
int app_risk_accept_tx(struct app *a, const char *ref, const char *rationale,
                       const char *on_behalf_of, const char *evidence, struct err *e);
int app_risk_review_tx(struct app *a, const char *ref, struct err *e);
int app_soa_approve_tx(struct app *a, const char *framework, const char *note,
                       const char *on_behalf_of, const char *evidence, int *version,
                       int *existing, struct err *e);
int app_plan_approve_tx(struct app *a, const char *rationale, const char *on_behalf_of,
                        const char *evidence, int *existing, struct err *e);
int app_scope_approve_tx(struct app *a, const char *ref, const char *rationale,
                         const char *on_behalf_of, const char *evidence, int *version,
                         int *existing, struct err *e);
int app_account_add_tx(struct app *a, const char *name, const char *role, const char *person,
                       const char *password, struct err *e);
/* 1 when person owns a risk of the treatment plan (plan.c), 0 when not. */
int app_plan_has_owner(struct app *a, const char *person, struct err *e);
/* 0 when ref names an active evidence file (attachment) of subject; else
 * ERR_INVALID naming the field "evidence" (signoff.c, through
 * app_attachment_get). */
int app_evidence_check(struct app *a, const char *ref, const char *subject, struct err *e);
/* Re-scores every active risk with the method in a->method; each risk whose
 * derived values change gets an update entry. Refuses (naming the risk) when
 * a rating does not fit the method's scales. */
int app_rescore_all(struct app *a, long *changed_out, struct err *e);

/* The attachments part of verify (attach.c): the attachment table equals
 * what the history's attach/remove entries say, and every stored blob's
 * content matches its SHA-256 (the first bad one named with its
 * attachment and record). *nblobs gets the number checked. */
int app_verify_attachments(struct app *a, long *nblobs, struct err *e);
/* app_attach inside the caller's transaction (the demo loader). */
int app_attach_tx(struct app *a, const struct attach_input *in, struct attachment_info *out,
                  struct err *e);
struct buf;
/* Content of a demo evidence file made here, not shipped (demo_files.c):
 * kind "pdf" (a one-page PDF with title and lines) or "png" (a scanned
 * certificate look-alike). Appends to out. */
void demo_file_content(const char *kind, const char *title, const char *const *lines,
                       struct buf *out);

/* app_account_expires inside the caller's transaction (the demo's accounts). */
int app_account_expires_tx(struct app *a, const char *name, const char *date, struct err *e);

/* Appends a history entry by a->actor (store_history_add): every change to
 * the ISMS's records, sign-offs, versions and evidence is journaled through
 * here, so a principal that may not write (an external auditor,
 * perm_may_write) is refused here whatever the front end (ERR_FORBIDDEN;
 * the caller's transaction is rolled back). */
int app_journal(struct app *a, const char *at, const char *type, const char *ref,
                const char *action, const char *before, const char *after, struct err *e);
/* 0 when a->who may write; else ERR_FORBIDDEN naming the account (the same
 * refusal as app_journal's, asked first by the writes that validate input,
 * so that the refusal is what an external auditor is told). */
int app_may_write(struct app *a, struct err *e);

/* ---- reads as a given principal (principal) -------------------------------
 * The public readers (app_version_get, app_version_list, app_signoffs,
 * app_attachment_get) read as a->who; write paths read what they check or
 * sign as the system (principal_sys()) once the router or the capacity
 * check has decided, or as the signer. */
int app_version_get_as(struct app *a, const struct principal *who, const char *kind,
                       const char *subject, int number, const char *as_of, struct version *out,
                       struct err *e);
int app_version_list_as(struct app *a, const struct principal *who, const char *kind,
                        const char *subject, struct versions *out, struct err *e);
int app_signoffs_as(struct app *a, const struct principal *who, const char *kind,
                    const char *subject, int version, const char *current_sha256,
                    struct signoffs *out, struct err *e);
int app_attachment_get_as(struct app *a, const struct principal *who, const char *att_ref,
                          struct attachment_info *out, struct err *e);
int app_attachment_open_as(struct app *a, const struct principal *who, const char *att_ref,
                           const char *subject, int own, struct attachment_reader **out,
                           struct err *e);

/* accounts: an end date (YYYY-MM-DD, NULL or "" none) that has passed:
 * the one rule for sessions, tokens, sign-in and calendar feeds. */
int account_end_passed(const char *expires);

#endif
