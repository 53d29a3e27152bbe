/* documents.h — document control (7.5) and acknowledgement (5.2, 7.3)
 * (included from app.h). A document's record is its working copy; each
 * submission freezes a version (signoff.h: kind "document", subject the
 * identifier) that moves in-review → approved → published → superseded
 * (or sent-back to its author); reviews, approvals and acknowledgements are
 * sign-offs of that version, bound to the signed-in account (a->signer).
 * Every function writes in one transaction with its history entries; on
 * error nothing is written. */
#ifndef ISMS_DOCUMENTS_H
#define ISMS_DOCUMENTS_H

#include <stdint.h>

#include "../lib/json.h"

struct app;
struct record;

/* The canonical JSON a version of document r freezes: its content fields
 * (title, kind, classification, clause, author, reviewer, review interval,
 * retention, audience, controls, body). Caller frees. */
char *doc_content_json(const struct record *r);

/* The document capacities of the sign-off mechanism (called by
 * app_capacity_holds): document-reviewer is the document's reviewer, or
 * its owner when it names none; document-approver (documents other than
 * policies and topic policies) is its owner, or a person of top
 * management. 1 holds, 0 not, -1 on error. */
int doc_capacity_holds(struct app *a, const char *person, const char *capacity,
                       const char *subject, struct err *e);

/* Field changes (as app_version_diff: field, from, to) and the line diff of
 * the Markdown content (line, change, text; lines of the body) between
 * versions from and to of document ref. Both freed by the caller
 * (vdiff_free). */
struct vdiff;
int app_document_diff(struct app *a, const char *ref, int from, int to, struct vdiff *fields,
                      struct vdiff *body, struct err *e);

/* ---- typed: content as an attached file (doc_file.c) ---- */
struct attach_input;
struct attachment_info;
/* The kind of a content file from its bytes (len bytes at off of fd):
 * "pdf" (starts with %PDF-) or "docx" (a zip holding word/document.xml);
 * the name must end in .pdf / .docx. ERR_INVALID naming "file" (or "name")
 * with what is wrong otherwise. */
int doc_file_kind(int fd, int64_t off, int64_t len, const char *name, const char **kind,
                  struct err *e);
/* Makes the file in->... the content of document in->subject, in one
 * transaction: an approved or published document gets a new draft first
 * (*revised = 1; the version in force stays until the next is approved), a
 * draft is changed as it is, anything else is ERR_CONFLICT. The file is
 * attached to the document (attach.c) and named by the working copy
 * (content_file, content_sha256), which the next version freezes. */
int app_document_set_file(struct app *a, const struct attach_input *in,
                          struct attachment_info *out, int *revised, struct err *e);
/* Back to Markdown: the draft (a new one when approved or published,
 * *revised = 1) names no content file any more; the attachment stays (the
 * versions that froze it keep it). ERR_CONFLICT when there is none. */
int app_document_clear_file(struct app *a, const char *ref, int *revised, struct err *e);
/* The content file of doc (a record as a->who read it: the working copy,
 * or for staff the version in force) into *out: 1, or 0 when its content
 * is Markdown only; ERR_CONFLICT when the attachment is not the one whose
 * SHA-256 was frozen. The file is the content of the version doc is, not
 * evidence in its history: who reads the version reads its file (read as
 * the system once doc names it, of doc and with the hash doc froze). */
int app_document_file(struct app *a, const struct record *doc, struct attachment_info *out,
                      struct err *e);
/* The same, opened for download (app_attachment_open on a connection of
 * its own): 1 with *out, 0 when doc has no content file. */
struct attachment_reader;
int app_document_file_open(struct app *a, const struct record *doc,
                           struct attachment_reader **out, struct err *e);

/* 0, or ERR_CONFLICT (-1) when attachment att of subject is the content
 * file of the document's working copy or of one of its versions: the
 * evidence mechanism (attach.c) does not remove it. */
int doc_file_in_use(struct app *a, const char *subject, const char *att, struct err *e);

/* A file from before document control (migration 0010): each document
 * approved, published or superseded without versions gets its content
 * frozen as version 1 in that state (journaled; no sign-off: none was
 * bound to an account then) and, unless superseded, in force — so staff
 * keep reading it. Nothing to do is one query. Called by app_open. */
int app_documents_upgrade(struct app *a, struct err *e);

/* A draft goes to review: freezes version N (state in-review) and sets the
 * record's status in-review and version "N.0". ERR_CONFLICT unless a
 * draft, or when nothing changed since the last version. */
int app_document_submit(struct app *a, const char *ref, const char *note, int *number,
                        struct err *e);
/* The signer reviews the version in review (capacity document-reviewer:
 * the reviewer, else the owner): signs it, or with send_back returns it to
 * draft with a comment (required; field "comment"). */
int app_document_review(struct app *a, const char *ref, int send_back, const char *comment,
                        struct err *e);
/* The signer approves the reviewed version in review: top management for a
 * policy or topic policy, the document approver (owner) otherwise. The
 * version in force before is superseded; the record gets status approved,
 * approver, approved_on, in_force and the next review date (review
 * interval, default 12 months). */
/* on_behalf_of/evidence: a decision taken elsewhere, recorded with its
 * attached minutes (see struct signoff_req); NULL normally. */
int app_document_approve(struct app *a, const char *ref, const char *rationale,
                         const char *on_behalf_of, const char *evidence, struct err *e);
/* The approved version in force is published (announced: acknowledgement
 * is asked of its audience). */
int app_document_publish(struct app *a, const char *ref, struct err *e);
/* Starts a new draft of an approved or published document: the record
 * becomes editable again; the version in force stays what staff read until
 * the new one is approved. */
int app_document_revise(struct app *a, const char *ref, struct err *e);
/* The signer acknowledges having read the version in force (which they
 * must be able to see: ERR_NOTFOUND otherwise). Acknowledging again is a
 * no-op (*existing = 1). */
int app_document_ack(struct app *a, const char *ref, int *existing, struct err *e);

/* Acknowledgement of one version (number 0: the one in force) by the
 * audience it was approved with, per department, and up to pending_limit
 * people who have not acknowledged (-1: none listed). */
struct doc_ack_dept {
    char *department;
    long people, acked;
};
struct doc_ack_person {
    char *person, *name, *department;
};
struct doc_acks {
    char *ref, *state, *audience, *departments, *roles;
    int version;
    long people, acked;
    struct doc_ack_dept *dept;
    size_t ndept, capdept;
    struct doc_ack_person *pending;
    size_t npending, cappending;
};
int app_document_acks(struct app *a, const char *ref, int number, long pending_limit,
                      struct doc_acks *out, struct err *e);
void doc_acks_free(struct doc_acks *k);
/* {document, version, state, audience, audience_departments,
 * audience_roles, people, acknowledged, pending_count, departments:
 * [{department, people, acknowledged}], pending: [{person, name,
 * department}]} */
void doc_acks_json(struct jw *w, const struct doc_acks *k);

/* What person still has to do about documents: acknowledge a version in
 * force addressed to them, review a version in review (as its reviewer),
 * approve a reviewed one (holding the capacity). */
struct doc_task {
    char *ref, *title, *what;
    int version;
};
struct doc_tasks {
    struct doc_task *v;
    size_t n, cap;
};
int app_document_tasks(struct app *a, const char *person, struct doc_tasks *out, struct err *e);
void doc_tasks_free(struct doc_tasks *l);

#endif
