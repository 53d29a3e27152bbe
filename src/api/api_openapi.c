/* api_openapi.c — GET /api/v1/openapi.json: the OpenAPI 3.1 document,
 * generated from the same declarations the server runs on (the record
 * types of model/types.c, the route table of http/routes.def, the error
 * table of lib/errors.def), so it cannot drift from them. Only the prose
 * per handler is written here; it never reads the ISMS file. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/util.h"
#include "api_int.h"

#define API_PREFIX "/api/v1/"

/* The licence the OpenAPI document states (info.license; lint rule
 * info-license). No licence has been chosen for the product yet: the
 * document says so rather than invent one. */
#define OPENAPI_LICENSE_NAME "Proprietary: no licence granted"
#define OPENAPI_LICENSE_ID "LicenseRef-Proprietary" /* SPDX form for a licence of one's own */

/* What a handler takes and answers, for the document. */
enum body { B_NONE, B_RECORD, B_PATCH, B_ACCEPT, B_SOA_SET, B_SOA_APPROVE, B_PLAN_APPROVE,
            B_APPROVE };
enum answer {
    A_LIST, A_RECORD, A_HISTORY, A_MATRIX, A_SOA, A_SOA_ROW, A_VERSIONS, A_VERSION, A_PLAN,
    A_METHOD, A_OPENAPI, A_ATTACHMENTS, A_ATTACHMENT, A_FILE, A_FROZEN_LIST, A_FROZEN, A_DIFF,
    A_OBJECT
};

static const struct doc {
    const char *handler;
    const char *summary;   /* "%s" is the type's label, lower case, where there is one */
    const char *tag;       /* NULL: the record type's plural label */
    enum body body;
    int body_required;
    enum answer answer;
    int status;
    int conflict;          /* may answer 409 */
} docs[] = {
    {"api_openapi", "This document (OpenAPI 3.1, generated from the declarations)", "Meta",
     B_NONE, 0, A_OPENAPI, 200, 0},
    {"api_risk_matrix", "Heat map: active risks per likelihood x consequence", "Risk assessment",
     B_NONE, 0, A_MATRIX, 200, 0},
    {"api_risk_accept", "Accept a risk (above the acceptance criterion: top management)",
     "Risk assessment", B_ACCEPT, 0, A_RECORD, 200, 1},
    {"api_risk_review", "Mark a risk reviewed today; sets the next review date",
     "Risk assessment", B_NONE, 0, A_RECORD, 200, 1},
    {"api_method", "The risk method in force and its version", "Risk assessment", B_NONE, 0,
     A_METHOD, 200, 0},
    {"api_soa", "The Statement of Applicability of a framework", "Statement of Applicability",
     B_NONE, 0, A_SOA, 200, 0},
    {"api_soa_set", "Change one SoA row: applicability, justification, status, owner, "
     "implementation, documents", "Statement of Applicability", B_SOA_SET, 1, A_SOA_ROW, 200, 1},
    {"api_soa_approve", "Approve the SoA as it is now into the next numbered version (top "
     "management)", "Statement of Applicability", B_SOA_APPROVE, 0, A_VERSION, 201, 1},
    {"api_soa_versions", "The approved SoA versions", "Statement of Applicability", B_NONE, 0,
     A_VERSIONS, 200, 0},
    {"api_soa_version", "One approved SoA version with its rows", "Statement of Applicability",
     B_NONE, 0, A_VERSION, 200, 0},
    {"api_plan", "The risk treatment plan, by risk, with progress and approvals",
     "Risk treatment plan", B_NONE, 0, A_PLAN, 200, 0},
    {"api_plan_approve", "Approve the treatment plan as it is now (a risk owner or top "
     "management)", "Risk treatment plan", B_PLAN_APPROVE, 0, A_PLAN, 200, 1},
    {"api_versions", "The frozen versions (scope: of this scope; method: of the risk method), "
     "each with its sign-offs", "Versions", B_NONE, 0, A_FROZEN_LIST, 200, 0},
    {"api_version", "One frozen version as it was, with its content and sign-offs", "Versions",
     B_NONE, 0, A_FROZEN, 200, 0},
    {"api_version_diff", "The differences between versions ?from=N&to=M", "Versions", B_NONE, 0,
     A_DIFF, 200, 0},
    {"api_version_approve", "Approve the scope / the method in force as it is now (top "
     "management; signed by the token's account)", "Versions", B_APPROVE, 0, A_FROZEN, 201, 1},
    {"api_list", "List %s records: filter by any field, search, sort, page", NULL, B_NONE, 0,
     A_LIST, 200, 0},
    {"api_create", "Create one %s", NULL, B_RECORD, 1, A_RECORD, 201, 0},
    {"api_get", "Get one %s", NULL, B_NONE, 0, A_RECORD, 200, 0},
    {"api_update", "Change fields of one %s (null clears an optional field)", NULL, B_PATCH, 1,
     A_RECORD, 200, 1},
    {"api_retire", "Retire one %s (it stays, with its history, but leaves active lists)", NULL,
     B_NONE, 0, A_RECORD, 200, 1},
    {"api_history", "The tamper-evident history of one %s", NULL, B_NONE, 0, A_HISTORY, 200, 0},
    {"api_doc_submit", "Freeze the draft as the next version and send it for review "
     "(optional body {note})", "Document control", B_NONE, 0, A_RECORD, 200, 1},
    {"api_doc_review", "Sign the review of the version in review, or send it back: body "
     "{decision: reviewed|send-back, comment}", "Document control", B_NONE, 0, A_RECORD, 200, 1},
    {"api_doc_approve", "Approve the reviewed version (policies: top management): body "
     "{rationale}", "Document control", B_NONE, 0, A_RECORD, 200, 1},
    {"api_doc_publish", "Publish the approved version in force", "Document control", B_NONE, 0,
     A_RECORD, 200, 1},
    {"api_doc_revise", "Start a new draft; the version in force stays until the next is "
     "approved", "Document control", B_NONE, 0, A_RECORD, 200, 1},
    {"api_doc_ack", "Acknowledge the version in force as the signed-in account",
     "Document control", B_NONE, 0, A_OBJECT, 201, 1},
    {"api_doc_versions", "The versions of a document and their states", "Document control",
     B_NONE, 0, A_OBJECT, 200, 0},
    {"api_doc_version", "One version as it was, with its sign-offs", "Document control", B_NONE,
     0, A_OBJECT, 200, 0},
    {"api_doc_diff", "Changes between versions ?from=N&to=M: fields, and the content line by "
     "line", "Document control", B_NONE, 0, A_OBJECT, 200, 0},
    {"api_doc_acks", "Acknowledgement of a version (?version=N; default the one in force) per "
     "department", "Document control", B_NONE, 0, A_OBJECT, 200, 0},
    /* tasks: the one task model */
    {"api_tasks", "What falls due, derived from the records the caller may see: ?mine=1 "
     "(the signed-in person's), ?all=1 (default), ?overdue=1, ?owner=P-NNNN, ?days=N "
     "(1-3660); {today, owner, count, overdue, soon, tasks: [{source, what, subject, title, "
     "owner, due, state, link}]}", "Tasks", B_NONE, 0, A_OBJECT, 200, 0},
    {"api_attachments", "The evidence files of one %s (?all=1: removed ones too), with "
     "validity", "Evidence files", B_NONE, 0, A_ATTACHMENTS, 200, 0},
    {"api_attach", "Attach an evidence file to one %s: multipart/form-data with a \"file\" "
     "part (and valid_until), or the file itself as the body with ?name=FILE[&valid_until="
     "YYYY-MM-DD]; at most the server's --max-upload (413)", "Evidence files", B_NONE, 1,
     A_ATTACHMENT, 201, 0},
    {"api_attachment_get", "Download an evidence file of one %s (verified against its "
     "SHA-256: 409 when it was changed)", "Evidence files", B_NONE, 0, A_FILE, 200, 1},
    {"api_attachment_remove", "Remove an evidence file of one %s (kept in the history)",
     "Evidence files", B_NONE, 0, A_ATTACHMENT, 200, 1},
    /* review: management review pack and minutes (9.3), certification */
    {"api_review_pack", "The review pack compiled now: the 9.3.2 inputs since the previous "
     "review, each section with figures and the records (links)", "Management review", B_NONE,
     0, A_OBJECT, 200, 0},
    {"api_review_freeze", "Freeze the pack as presented at the meeting (optional body {note}); "
     "the same content again is the same version (200)", "Management review", B_NONE, 0,
     A_OBJECT, 201, 1},
    {"api_review_pack_version", "One frozen pack as it was, with changes_since: what differs "
     "in the pack compiled now", "Management review", B_NONE, 0, A_OBJECT, 200, 0},
    {"api_review_sign", "Sign the minutes as top management (the token's account; body "
     "{rationale}): frozen as a version, the review minutes-approved", "Management review",
     B_NONE, 0, A_OBJECT, 201, 1},
    {"api_cert_schedule", "The surveillance and recertification audits a certificate implies, "
     "with their state and warnings", "Certification", B_NONE, 0, A_OBJECT, 200, 0},
    /* audit */
    {"api_audit_coverage", "Coverage of the audit programme (?programme=PRG-...): every clause "
     "and applicable control x year, planned / done / gap, due more often, the gaps named",
     "Audit programme", B_NONE, 0, A_OBJECT, 200, 0},
    {"api_audit_report", "The audit report: scope, party, checklist with results, findings, "
     "nonconformities raised", "Audit programme", B_NONE, 0, A_OBJECT, 200, 0},
    {"api_ctest_fail", "Record a failed run of a control test and raise its nonconformity in "
     "one step: {\"note\", \"result\": not-effective|partly-effective, \"date\"}",
     "Control tests", B_NONE, 1, A_OBJECT, 201, 0},
    {"api_ctrun_raise_nc", "Raise the nonconformity of a failed control test run, linked both "
     "ways (409 when it has one)", "Control tests", B_NONE, 0, A_OBJECT, 201, 0},
    /* typed: a document's content as an attached PDF or DOCX */
    {"api_doc_content", "Download the content file (PDF or DOCX) of the document as the viewer "
     "reads it (staff: the version in force); verified against its SHA-256",
     "Document control", B_NONE, 0, A_FILE, 200, 1},
    {"api_doc_set_content", "Make a PDF or DOCX the content of the draft (an approved or "
     "published document gets a new draft): multipart/form-data with a \"file\" part, or the "
     "file as the body with ?name=FILE.pdf|FILE.docx; anything else is refused (422)",
     "Document control", B_NONE, 1, A_OBJECT, 201, 1},
    {"api_doc_clear_content", "Back to Markdown: the draft names no content file (an approved "
     "or published document gets a new draft); the file stays with the versions that froze it",
     "Document control", B_NONE, 0, A_RECORD, 200, 1},
    /* metrics */
    {"api_metric_trend", "A metric's measurements over time, each evaluated (on-target, "
     "warning, breach), with the latest and when the next falls due", "Performance evaluation",
     B_NONE, 0, A_OBJECT, 200, 0},
    {"api_nc_whys", "The 5-whys chain of a nonconformity, in order", "Improvement", B_NONE, 0,
     A_OBJECT, 200, 0},
    {"api_nc_why", "Add the next answer to \"why?\" (body {text}) or replace step position "
     "(body {text, position}); answers the chain", "Improvement", B_NONE, 0, A_OBJECT, 201, 1},
    {"api_ca_review", "The effectiveness review of a done corrective action: body {rationale, "
     "effective: true|false}; signed by the token's account, never the action's owner",
     "Improvement", B_NONE, 0, A_RECORD, 200, 1},
    /* readiness: what the auditor checks (rules in src/app/readiness.def) */
    {"api_readiness", "The readiness report as the caller may see it: {today, percent, passed, "
     "asked, gaps, mandatory {total, ready}, clauses [{clause, title, percent, passed, asked, "
     "gaps}], items [{id, clause, mandatory, title, count, example, ready, hidden, present, "
     "approved, current, evidence ({answer: true|false|null, reason}), gap, fix, rule}]}",
     "Readiness", B_NONE, 0, A_OBJECT, 200, 0},
    {"api_journey", "The implementation journey: {today, current, percent, stages [{n, title, "
     "text, state, ready, items, done [{id, title}], next [{id, title, gap, fix}]}]}",
     "Readiness", B_NONE, 0, A_OBJECT, 200, 0},
    /* oscal: frameworks beside Annex A and their compliance (src/app/framework.h) */
    {"api_frameworks", "Every framework: the built-in ones and those imported from OSCAL or "
     "CSV, each {id, title, version, source, uuid, oscal_version, last_modified, sha256, "
     "imported_at, imported_by, groups, controls}", "Frameworks", B_NONE, 0, A_OBJECT, 200, 0},
    {"api_framework_compliance", "The framework's compliance through the SoA and the "
     "mappings: {framework, title, controls, met, unmet, unmapped, percent, groups [{id, title, "
     "controls, met, unmet, unmapped}], rows [{id, kind, title, state, via, unimplemented}]}",
     "Frameworks", B_NONE, 0, A_OBJECT, 200, 0},
    /* ops: incident response, security exceptions */
    {"api_inc_timeline", "The incident's timeline: who (the account), when, what", "Incidents",
     B_NONE, 0, A_OBJECT, 200, 0},
    {"api_inc_note", "Add a timeline entry: body {kind, text}; who is the token's account",
     "Incidents", B_NONE, 0, A_OBJECT, 201, 1},
    {"api_inc_duties", "Notification duties derived from the incident and the requirements, "
     "with deadlines and seconds left", "Incidents", B_NONE, 0, A_OBJECT, 200, 0},
    {"api_inc_notified", "Mark a duty notified once: body {duty, at, note} (409 when it was)",
     "Incidents", B_NONE, 0, A_OBJECT, 200, 1},
    {"api_bcp_needs", "The recovery objectives (RTO, RPO, MTD) every asset must meet, from the "
     "plans of the services it supports", "Business continuity", B_NONE, 0, A_OBJECT, 200, 0},
    {"api_exc_approve", "Approve a security exception (body {rationale}); a high risk needs top "
     "management", "Security exceptions", B_NONE, 0, A_RECORD, 200, 1},
    /* people: RACI (5.3), owners, competence (7.2), awareness (7.3) */
    {"api_raci", "The RACI matrix: processes and controls by roles and people",
     "Roles and responsibilities", B_NONE, 0, A_OBJECT, 200, 0},
    {"api_raci_set", "Set a party's letter for a process or control: body {subject, party, "
     "raci: R|A|C|I|none}; one accountable per subject (409)", "Roles and responsibilities",
     B_NONE, 1, A_OBJECT, 200, 1},
    {"api_owners_missing", "Every record that needs an owner and has none, or one who has left",
     "Roles and responsibilities", B_NONE, 0, A_OBJECT, 200, 0},
    {"api_competence_gaps", "Competence per role and holder (query role or person): met, "
     "expiring, missing; staff see their own", "Competence", B_NONE, 0, A_OBJECT, 200, 0},
    {"api_campaign_completion", "Completion of an awareness campaign per department, computed "
     "from attendance and policy acknowledgements", "Awareness", B_NONE, 0, A_OBJECT, 200, 0},
    {"api_briefing_attend", "Confirm the token's account attended a session (optional body "
     "{attended_on}); again is 200 with the same record", "Awareness", B_NONE, 0, A_RECORD, 201,
     1},
    /* suppliers: review schedule, questionnaires, access reviews */
    {"api_supplier_reviews", "Every supplier's next review (last final assessment + interval by "
     "criticality: critical 6 months, high 12, medium 24, low 36), overdue flagged",
     "Suppliers", B_NONE, 0, A_OBJECT, 200, 0},
    {"api_questionnaire_answers", "The answers given through a questionnaire's link, with "
     "points per question and the score", "Suppliers", B_NONE, 0, A_OBJECT, 200, 0},
    {"api_privacy_register", "The privacy register: processing activities with legal basis, "
     "processors, systems, risks and the state of their DPIA (expected for special "
     "categories and transfers outside the EEA)", "Privacy", B_NONE, 0, A_OBJECT, 200, 0},
    {"api_areview_status", "An access review's completion: accounts decided per decision, "
     "revocations still open, complete and overdue", "Access reviews", B_NONE, 0, A_OBJECT, 200,
     0},
    {"api_areview_import", "Add the accounts under review from CSV (body {csv}: columns account, "
     "access, group, reviewer); all rows or none, errors name the line", "Access reviews",
     B_NONE, 0, A_OBJECT, 201, 1},
    {"api_access_decide", "The reviewer's decision on one account (body {decision: keep, change "
     "or revoke, comment}); the decider is the token's account", "Access reviews", B_NONE, 0,
     A_OBJECT, 200, 1},
    {"api_questionnaire_send", "Send a questionnaire to this supplier (body {template, contact, "
     "days 1-90}): its identifier and the link /q/TOKEN, shown once (only its hash is "
     "stored)", "Suppliers", B_NONE, 0, A_OBJECT, 201, 0},
    /* accounts: the security log */
    {"api_admin_log", "The security log, newest first (administrators): filter by account, "
     "event, since, until (YYYY-MM-DD); a page of limit entries, the next with "
     "before=next_before", "Accounts", B_NONE, 0, A_OBJECT, 200, 0},
};

static const struct doc *doc_of(const char *handler)
{
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        if (strcmp(docs[i].handler, handler) == 0) {
            return &docs[i];
        }
    }
    return NULL;
}

/* ---- small builders ---------------------------------------------------- */

static json_t *ref_to(const char *what, const char *name)
{
    char s[160];
    snprintf(s, sizeof s, "#/components/%s/%s", what, name);
    return json_pack("{s:s}", "$ref", s);
}

static json_t *schema_ref(const char *name)
{
    return ref_to("schemas", name);
}

/* "risk" -> "Risk" (+ suffix): the component name of a type's schema. */
static void schema_name(const struct rtype *t, const char *suffix, char *out, size_t size)
{
    snprintf(out, size, "%s%s", t->name, suffix);
    if (out[0] >= 'a' && out[0] <= 'z') {
        out[0] = (char)(out[0] - 'a' + 'A');
    }
}

static json_t *str_array(const char *const *v)
{
    json_t *a = json_array();
    for (int i = 0; v && v[i]; i++) {
        json_array_append_new(a, json_string(v[i]));
    }
    return a;
}

/* JSON type of a scalar: "string", or ["string", "null"] when it may be unset. */
static json_t *scalar_type(const char *type, int nullable)
{
    return nullable ? json_pack("[s,s]", type, "null") : json_string(type);
}

static int is_reserved_param(const char *name)
{
    static const char *const reserved[] = {"q", "all", "sort", "order", "limit", "cursor", NULL};
    for (int i = 0; reserved[i]; i++) {
        if (strcmp(reserved[i], name) == 0) {
            return 1;
        }
    }
    return 0;
}

/* ---- schemas from the declarations ------------------------------------- */

/* The JSON Schema of one field's value, as record_json writes it and the
 * API reads it. */
static json_t *field_schema(const struct field *f)
{
    json_t *s = json_object();
    int nullable = !(f->flags & FL_REQUIRED);
    const struct rtype *rt = f->ref ? rtype_find(f->ref) : NULL;
    struct buf d;
    buf_init(&d, 0);
    buf_puts(&d, f->help ? f->help : f->label);
    json_object_set_new(s, "title", json_string(f->label));
    switch (f->type) {
    case F_TEXT:
    case F_LONGTEXT:
        json_object_set_new(s, "type", scalar_type("string", nullable));
        json_object_set_new(s, "maxLength", json_integer(f->max ? f->max : 200));
        if (f->type == F_LONGTEXT) {
            buf_puts(&d, " (several lines)");
        }
        break;
    case F_EMAIL:
        json_object_set_new(s, "type", scalar_type("string", nullable));
        json_object_set_new(s, "format", json_string("email"));
        json_object_set_new(s, "maxLength", json_integer(f->max ? f->max : 254));
        break;
    case F_DATE:
        json_object_set_new(s, "type", scalar_type("string", nullable));
        json_object_set_new(s, "format", json_string("date"));
        break;
    case F_DATETIME:
        json_object_set_new(s, "type", scalar_type("string", nullable));
        json_object_set_new(s, "format", json_string("date-time"));
        buf_puts(&d, " (UTC)");
        break;
    case F_INT:
        json_object_set_new(s, "type", scalar_type("integer", nullable));
        json_object_set_new(s, "minimum", json_integer(f->min));
        json_object_set_new(s, "maximum", json_integer(f->max));
        break;
    case F_NUMBER:
        json_object_set_new(s, "type", scalar_type("number", nullable));
        json_object_set_new(s, "minimum", json_real(-1e15));
        json_object_set_new(s, "maximum", json_real(1e15));
        break;
    case F_BOOL:
        json_object_set_new(s, "type", scalar_type("boolean", nullable));
        break;
    case F_ENUM: {
        json_t *e = str_array(f->values);
        if (nullable) {
            json_array_append_new(e, json_null());
        }
        json_object_set_new(s, "type", scalar_type("string", nullable));
        json_object_set_new(s, "enum", e);
        break;
    }
    case F_SET:
        json_object_set_new(s, "type", json_string("array"));
        json_object_set_new(s, "items", json_pack("{s:s,s:o}", "type", "string", "enum",
                                                  str_array(f->values)));
        json_object_set_new(s, "uniqueItems", json_true());
        break;
    case F_REF:
        json_object_set_new(s, "type", scalar_type("string", nullable));
        json_object_set_new(s, "maxLength", json_integer(MAX_REF_LEN));
        buf_printf(&d, " — the identifier of a %s (%s-0001)", rt ? rt->name : f->ref,
                   rt ? rt->prefix : "?");
        break;
    case F_REFS:
        json_object_set_new(s, "type", json_string("array"));
        json_object_set_new(s, "items",
                            json_pack("{s:s,s:i}", "type", "string", "maxLength", MAX_REF_LEN));
        json_object_set_new(s, "uniqueItems", json_true());
        json_object_set_new(s, "maxItems", json_integer(MAX_REFS_PER_FIELD));
        buf_printf(&d, " — identifiers of %s records (%s-0001)", rt ? rt->name : f->ref,
                   rt ? rt->prefix : "?");
        break;
    }
    if (f->flags & FL_CATALOGUE) {
        buf_puts(&d, "; fixed for controls of the Annex A catalogues");
    }
    if (f->flags & FL_SYSTEM) {
        json_object_set_new(s, "readOnly", json_true());
        buf_puts(&d, "; set by the program");
    }
    if (f->def) {
        json_object_set_new(s, "default", json_string(f->def));
    } else if (f->type == F_ENUM && strcmp(f->name, FIELD_STATUS) == 0) {
        json_object_set_new(s, "default", json_string(f->values[0]));
    }
    json_object_set_new(s, "description", json_string(buf_str(&d)));
    buf_free(&d);
    return s;
}

/* A record of type t as GET answers it and POST takes it: every declared
 * field; required are the fields a new record needs (no default). */
static json_t *record_schema(const struct rtype *t)
{
    json_t *props = json_object();
    json_t *req = json_array();
    char desc[600];
    snprintf(desc, sizeof desc, "Identifier (%s-0001)%s; set by the program", t->prefix,
             strcmp(t->name, "control") == 0 ? ", or the Annex A number (8.24, A.5.1.1)" : "");
    json_object_set_new(props, "id", json_pack("{s:s,s:b,s:s}", "type", "string", "readOnly", 1,
                                               "description", desc));
    for (int i = 0; i < t->nfields; i++) {
        const struct field *f = &t->fields[i];
        json_object_set_new(props, f->name, field_schema(f));
        if ((f->flags & FL_REQUIRED) && !f->def && strcmp(f->name, FIELD_STATUS) != 0) {
            json_array_append_new(req, json_string(f->name));
        }
    }
    snprintf(desc, sizeof desc, "%s (ISO/IEC 27001 %s). In answers every field is present, "
             "unset ones as null (lists as []).", t->help, t->clause);
    return json_pack("{s:s,s:s,s:s,s:o,s:o,s:b}", "type", "object", "title", t->label,
                     "description", desc, "properties", props, "required", req,
                     "additionalProperties", 0);
}

/* The body of PATCH: any of the fields a person may set, at least one;
 * only names one of only (NULL: every field not set by the program). */
static json_t *patch_schema(const struct rtype *t, const char *const *only, const char *title)
{
    json_t *props = json_object();
    for (int i = 0; i < t->nfields; i++) {
        const struct field *f = &t->fields[i];
        int ok = !(f->flags & FL_SYSTEM);
        if (only) {
            ok = 0;
            for (int k = 0; only[k]; k++) {
                ok |= strcmp(only[k], f->name) == 0;
            }
        }
        if (ok) {
            json_object_set_new(props, f->name, field_schema(f));
        }
    }
    return json_pack("{s:s,s:s,s:o,s:i,s:b}", "type", "object", "title", title, "properties",
                     props, "minProperties", 1, "additionalProperties", 0);
}

static json_t *error_schema(void)
{
    json_t *codes = json_array();
    for (int i = 0; i < ERR__COUNT; i++) {
        if (i != ERR_OK) {
            json_array_append_new(codes, json_string(err_code_name((enum errcode)i)));
        }
    }
    json_t *inner = json_pack(
        "{s:s,s:[s,s,s],s:{s:{s:s,s:o},s:{s:s},s:{s:[s,s],s:s}}}", "type", "object", "required",
        "code", "message", "field", "properties", "code", "type", "string", "enum", codes,
        "message", "type", "string", "field", "type", "string", "null", "description",
        "the field or parameter the error is about, when there is one");
    return json_pack("{s:s,s:s,s:[s],s:{s:o}}", "type", "object", "description",
                     "Every error: a code from the error table, a message for a person naming "
                     "the field, and the field", "required", "error", "properties", "error",
                     inner);
}

static json_t *loose_object(const char *desc)
{
    return json_pack("{s:s,s:s}", "type", "object", "description", desc);
}

/* The body of a signing request: the text key (rationale or note), the
 * decision taken elsewhere (on_behalf_of + evidence), and the framework. */
static json_t *sign_body(const char *text_key, int text_required, int framework)
{
    json_t *props = json_object();
    json_object_set_new(props, text_key,
                        json_pack("{s:s,s:i,s:s}", "type", "string", "maxLength", 2000,
                                  "description", text_required ? "why (required)" : "why"));
    json_object_set_new(props, "on_behalf_of",
                        json_pack("{s:s,s:s}", "type", "string", "description",
                                  "a decision taken elsewhere (board minutes): the person who "
                                  "decided; needs evidence and the admin or manager role"));
    json_object_set_new(props, "evidence",
                        json_pack("{s:s,s:s}", "type", "string", "description",
                                  "ATT-...: the attached evidence file of the decision"));
    if (framework) {
        json_object_set_new(props, "framework",
                            json_pack("{s:s,s:[s,s],s:s}", "type", "string", "enum",
                                      FRAMEWORK_2022, FRAMEWORK_2013, "default", FRAMEWORK_2022));
    }
    return json_pack("{s:s,s:s,s:o,s:b}", "type", "object", "description",
                     "The signer is the signed-in account (its person); a \"by\" field is "
                     "refused with 400",
                     "properties", props, "additionalProperties", 0);
}

static json_t *other_schemas(void)
{
    json_t *s = json_object();
    json_object_set_new(s, "Error", error_schema());
    json_object_set_new(
        s, "HistoryEntry",
        json_pack("{s:s,s:s,s:{s:{s:s},s:{s:s,s:s},s:{s:s},s:{s:s},s:{s:s},s:{s:s},"
                  "s:{s:[s,s]},s:{s:[s,s]},s:{s:[s,s]},s:{s:s}}}",
                  "type", "object", "description",
                  "One entry of the history chain: hash = SHA-256 over prev and the entry",
                  "properties", "seq", "type", "integer", "at", "type", "string", "format",
                  "date-time", "actor", "type", "string", "type", "type", "string", "id", "type",
                  "string", "action", "type", "string", "before", "type", "object", "null",
                  "after", "type", "object", "null", "prev", "type", "string", "null", "hash",
                  "type", "string"));
    json_object_set_new(
        s, "Matrix",
        json_pack("{s:s,s:s,s:{s:{s:s},s:{s:s,s:{s:s}},s:{s:s,s:{s:s}},s:{s:s,s:{s:s,s:{s:{s:s},"
                  "s:{s:s},s:{s:s},s:{s:[s,s]},s:{s:[s,s]},s:{s:s}}}},s:{s:s}}}",
                  "type", "object", "description",
                  "Counts of active risks per likelihood x consequence, with the method's level "
                  "and colour per cell", "properties", "residual", "type", "boolean",
                  "likelihood", "type", "array", "items", "type", "string", "consequence",
                  "type", "array", "items", "type", "string", "cells", "type", "array", "items",
                  "type", "object", "properties", "likelihood", "type", "integer", "consequence",
                  "type", "integer", "score", "type", "integer", "level", "type", "string",
                  "null", "colour", "type", "string", "null", "count", "type", "integer",
                  "unrated", "type", "integer"));
    json_object_set_new(s, "SoaRow",
                        loose_object("One control in the Statement of Applicability: id, "
                                     "framework, title, theme, applicable (true/false/null), "
                                     "reasons {categories, risks, requirements}, justification, "
                                     "status, implementation, documents, owner"));
    json_object_set_new(
        s, "Soa",
        json_pack("{s:s,s:{s:{s:s},s:{s:s,s:o}}}", "type", "object", "properties", "framework",
                  "type", "string", "items", "type", "array", "items", schema_ref("SoaRow")));
    json_object_set_new(
        s, "SoaVersion",
        json_pack("{s:s,s:s,s:{s:{s:s},s:{s:s},s:{s:s},s:{s:s,s:s},s:{s:[s,s]},s:{s:s},"
                  "s:{s:s,s:o}}}",
                  "type", "object", "description",
                  "An approved, frozen version; items only when one version is asked for",
                  "properties", "version", "type", "integer", "framework", "type", "string",
                  "approved_by", "type", "string", "approved_at", "type", "string", "format",
                  "date-time", "note", "type", "string", "null", "sha256", "type", "string",
                  "items", "type", "array", "items", schema_ref("SoaRow")));
    json_object_set_new(s, "Plan",
                        loose_object("The treatment plan: risks [{id, title, owner, level, "
                                     "residual_level, treatment, status, actions, done, total, "
                                     "percent, cost}], unlinked_actions, totals, sha256, "
                                     "approvals [Signoff]"));
    json_object_set_new(
        s, "Method",
        json_pack("{s:s,s:{s:{s:s},s:o}}", "type", "object", "properties", "version", "type",
                  "integer", "method",
                  loose_object("The risk method: scales, scoring, levels, acceptance (as `isms "
                               "method show --json`)")));
    /* signing bodies: no signer field; the signer is the token's or
     * session's account ("by" is refused with 400) */
    json_object_set_new(s, "Accept", sign_body("rationale", 1, 0));
    json_object_set_new(s, "SoaApprove", sign_body("note", 0, 1));
    json_object_set_new(s, "PlanApprove", sign_body("rationale", 0, 0));
    json_object_set_new(s, "Approve", sign_body("rationale", 0, 0));
    json_object_set_new(
        s, "Signoff",
        loose_object("A sign-off: id, kind (approval, acceptance, review, sent-back, "
                     "acknowledgement, recorded-on-behalf), subject_kind, subject, version, "
                     "capacity, rationale, signed_sha256, current (it signed the content as it "
                     "is now), at, signer {person, name, account, account_id}, on_behalf_of "
                     "{person, name} or null, evidence, label"));
    json_t *frozen = loose_object("A frozen version: kind, subject, number, sha256, state, note, "
                                  "created_at, created_by, content (one version only), "
                                  "signoffs [Signoff]");
    json_object_set_new(frozen, "properties",
                        json_pack("{s:{s:s,s:o}}", "signoffs", "type", "array", "items",
                                  schema_ref("Signoff")));
    json_object_set_new(s, "FrozenVersion", frozen);
    /* an evidence file, as app_attachment_json writes it (lint: every
     * required property is declared) */
    json_object_set_new(
        s, "Attachment",
        json_pack("{s:s,s:s,s:[s,s,s,s,s,s,s,s],s:{s:{s:s},s:{s:s},s:{s:s},s:{s:s},"
                  "s:{s:s},s:{s:s},s:{s:[s,s],s:s},s:{s:s},s:{s:[s,s]},s:{s:s},s:{s:s},"
                  "s:{s:[s,s]}}}",
                  "type", "object", "description", "An evidence file attached to a record",
                  "required", "id", "subject", "name", "media_type", "size", "sha256",
                  "valid_until", "expired", "properties", "id", "type", "string", "subject",
                  "type", "string", "name", "type", "string", "media_type", "type", "string",
                  "size", "type", "integer", "sha256", "type", "string", "valid_until", "type",
                  "string", "null", "format", "date", "expired", "type", "boolean",
                  "expires_in_days", "type", "integer", "null", "added_at", "type", "string",
                  "added_by", "type", "string", "removed_at", "type", "string", "null"));
    return s;
}

/* ---- operations -------------------------------------------------------- */

static json_t *json_content(json_t *schema)
{
    return json_pack("{s:{s:o}}", "application/json", "schema", schema);
}

static json_t *param(const char *name, const char *in, int required, json_t *schema,
                     const char *desc)
{
    return json_pack("{s:s,s:s,s:b,s:o,s:s}", "name", name, "in", in, "required", required,
                     "schema", schema, "description", desc);
}

static void list_params(json_t *ps, const struct rtype *t)
{
    json_t *sortable = json_array();
    json_array_append_new(sortable, json_string("id"));
    for (int i = 0; i < t->nfields; i++) {
        const struct field *f = &t->fields[i];
        char desc[300];
        if (f->type != F_LONGTEXT && f->type != F_REFS) {
            json_array_append_new(sortable, json_string(f->name));
        }
        if (is_reserved_param(f->name)) {
            continue;
        }
        snprintf(desc, sizeof desc, "Only records whose %s %s this value (empty: unset)",
                 f->name, f->type == F_SET || f->type == F_REFS ? "contains" : "is");
        json_array_append_new(ps, param(f->name, "query", 0, json_pack("{s:s}", "type", "string"),
                                        desc));
    }
    json_array_append_new(ps, param("q", "query", 0,
                                    json_pack("{s:s,s:i}", "type", "string", "maxLength", 200),
                                    "Search: text in the identifier or any text field"));
    json_array_append_new(ps, param("all", "query", 0,
                                    json_pack("{s:s,s:b}", "type", "boolean", "default", 0),
                                    "Include retired records"));
    json_array_append_new(ps, param("sort", "query", 0,
                                    json_pack("{s:s,s:o,s:s}", "type", "string", "enum", sortable,
                                              "default", "id"),
                                    "Order by this field (unset values first ascending and last "
                                    "descending; numbers by value; enumerations in their "
                                    "declared order; text naturally, Item 2 before item 10; a "
                                    "risk level by its score), then by identifier"));
    json_array_append_new(ps, param("order", "query", 0,
                                    json_pack("{s:s,s:[s,s],s:s}", "type", "string", "enum",
                                              "asc", "desc", "default", "asc"),
                                    "Direction"));
    json_array_append_new(ps, param("limit", "query", 0,
                                    json_pack("{s:s,s:i,s:i,s:i}", "type", "integer", "minimum",
                                              1, "maximum", 500, "default", 50),
                                    "Records per page; more than 500 is refused (400)"));
    json_array_append_new(ps, param("cursor", "query", 0, json_pack("{s:s}", "type", "string"),
                                    "next_cursor of the previous page (same sort and order); "
                                    "opaque"));
}

static json_t *answer_schema(enum answer a, const char *rec)
{
    switch (a) {
    case A_LIST:
        return json_pack("{s:s,s:[s,s],s:{s:{s:s,s:o},s:{s:[s,s],s:s}}}", "type", "object",
                         "required", "items", "next_cursor", "properties", "items", "type",
                         "array", "items", schema_ref(rec), "next_cursor", "type", "string",
                         "null", "description", "give as cursor for the next page; null on the "
                         "last page");
    case A_RECORD: return schema_ref(rec);
    case A_HISTORY:
        return json_pack("{s:s,s:{s:{s:s,s:o}}}", "type", "object", "properties", "items", "type",
                         "array", "items", schema_ref("HistoryEntry"));
    case A_MATRIX: return schema_ref("Matrix");
    case A_SOA: return schema_ref("Soa");
    case A_SOA_ROW: return schema_ref("SoaRow");
    case A_VERSIONS:
        return json_pack("{s:s,s:{s:{s:s,s:o}}}", "type", "object", "properties", "items", "type",
                         "array", "items", schema_ref("SoaVersion"));
    case A_VERSION: return schema_ref("SoaVersion");
    case A_PLAN: return schema_ref("Plan");
    case A_FROZEN_LIST:
        return json_pack("{s:s,s:{s:{s:s,s:o}}}", "type", "object", "properties", "items", "type",
                         "array", "items", schema_ref("FrozenVersion"));
    case A_FROZEN: return schema_ref("FrozenVersion");
    case A_DIFF:
        return json_pack("{s:s,s:s}", "type", "object", "description",
                         "{from, to, changes: [{id?, change, field, from, to} | {line, change, "
                         "text}]}");
    case A_METHOD: return schema_ref("Method");
    case A_OBJECT:
    case A_OPENAPI: return json_pack("{s:s}", "type", "object");
    case A_ATTACHMENTS:
        return json_pack("{s:s,s:{s:{s:s,s:o}}}", "type", "object", "properties",
                         "attachments", "type", "array", "items", schema_ref("Attachment"));
    case A_ATTACHMENT: return schema_ref("Attachment");
    case A_FILE: return json_pack("{s:s,s:s}", "type", "string", "format", "binary");
    }
    return json_object();
}

static json_t *body_schema(enum body b, const char *rec, const char *patch)
{
    switch (b) {
    case B_RECORD: return schema_ref(rec);
    case B_PATCH:
    case B_SOA_SET: return schema_ref(patch);
    case B_ACCEPT: return schema_ref("Accept");
    case B_SOA_APPROVE: return schema_ref("SoaApprove");
    case B_PLAN_APPROVE: return schema_ref("PlanApprove");
    case B_APPROVE: return schema_ref("Approve");
    case B_NONE: break;
    }
    return NULL;
}

/* Whether another API route of the same method has rt's handler. */
static int handler_shared(const struct route *rt)
{
    for (int i = 0; i < nroutes; i++) {
        const struct route *o = &routes[i];
        if (o != rt && o->fn == rt->fn && strcmp(o->method, rt->method) == 0 &&
            strncmp(o->pattern, API_PREFIX, strlen(API_PREFIX)) == 0) {
            return 1;
        }
    }
    return 0;
}

/* The operation of route rt, for record type t (the :type expanded, or the
 * route's own type, or NULL). */
static json_t *operation(const struct route *rt, const struct rtype *t, const char *path)
{
    const struct doc *d = doc_of(rt->name);
    static const struct doc none = {"", "(not described)", "Other", B_NONE, 0, A_OPENAPI, 200,
                                    0};
    if (!d) {
        d = &none;
    }
    json_t *op = json_object();
    char buf[300], rec[64] = "", patch[64] = "";
    if (t) {
        schema_name(t, "", rec, sizeof rec);
        schema_name(t, "Patch", patch, sizeof patch);
    }
    if (rt->fn == api_soa_set) {
        strlcpy_(patch, "SoaChange", sizeof patch);
    }
    /* operationId: the handler without "api_", and the type for generic
     * routes; a handler serving several fixed routes (versions of the method
     * and of scopes) gets the route's first segment, so every id is unique */
    int generic = strstr(rt->pattern, ":type") != NULL;
    const char *base = strncmp(rt->name, "api_", 4) == 0 ? rt->name + 4 : rt->name;
    snprintf(buf, sizeof buf, "%s%s%s", base, generic ? "_" : "", generic ? t->name : "");
    if (!generic && handler_shared(rt)) {
        const char *seg = rt->pattern + strlen(API_PREFIX);
        size_t n = strcspn(seg, "/");
        size_t len = strlen(buf);
        snprintf(buf + len, sizeof buf - len, "_%.*s", (int)n, seg);
    }
    json_object_set_new(op, "operationId", json_string(buf));
    char label[96] = "";
    for (size_t i = 0; t && t->label[i] && i + 1 < sizeof label; i++) {
        char c = t->label[i];
        label[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
    }
    snprintf(buf, sizeof buf, d->summary, label);
    json_object_set_new(op, "summary", json_string(buf));
    json_object_set_new(op, "tags", json_pack("[s]", d->tag ? d->tag : t->label));
    snprintf(buf, sizeof buf, "Permission: %s%s.", perm_name(rt->perm),
             (rt->flags & R_CSRF) ? "; with a session cookie, send its CSRF token in "
                                    "X-CSRF-Token" : "");
    json_object_set_new(op, "description", json_string(buf));

    json_t *ps = json_array();
    if (strstr(path, "{id}")) {
        snprintf(buf, sizeof buf, "Identifier of the %s", t ? t->name : "record");
        json_array_append_new(ps, param("id", "path", 1, json_pack("{s:s}", "type", "string"),
                                        buf));
    }
    if (strstr(path, "{n}") && strstr(path, "/frameworks/")) { /* oscal */
        json_array_append_new(ps, param("n", "path", 1, json_pack("{s:s}", "type", "string"),
                                        "Framework identifier (iso27001-2013, an imported one)"));
    } else if (strstr(path, "{n}") && strstr(path, "/attachments/")) {
        json_array_append_new(ps, param("n", "path", 1, json_pack("{s:s}", "type", "string"),
                                        "Attachment identifier (ATT-0001)"));
    } else if (strstr(path, "{n}")) {
        json_array_append_new(ps, param("n", "path", 1,
                                        json_pack("{s:s,s:i}", "type", "integer", "minimum", 1),
                                        "Version number"));
    }
    if (rt->fn == api_list) {
        list_params(ps, t);
    } else if (rt->fn == api_risk_matrix) {
        json_array_append_new(ps, param("residual", "query", 0,
                                        json_pack("{s:s,s:b}", "type", "boolean", "default", 0),
                                        "Residual instead of inherent ratings"));
    } else if (rt->fn == api_soa) {
        json_array_append_new(ps, param("framework", "query", 0,
                                        json_pack("{s:s,s:[s,s],s:s}", "type", "string", "enum",
                                                  FRAMEWORK_2022, FRAMEWORK_2013, "default",
                                                  FRAMEWORK_2022),
                                        "Which Annex A catalogue; the organization's own "
                                        "controls are in both"));
    }
    if (json_array_size(ps)) {
        json_object_set_new(op, "parameters", ps);
    } else {
        json_decref(ps);
    }

    json_t *bs = body_schema(d->body, rec, patch);
    if (rt->fn == api_attach) {
        /* a file: multipart with a "file" part, or the bytes as the body */
        json_object_set_new(
            op, "requestBody",
            json_pack("{s:b,s:{s:{s:{s:s,s:[s],s:{s:{s:s,s:s},s:{s:s,s:s}}}},s:{s:{s:s,s:s}}}}",
                      "required", 1, "content", "multipart/form-data", "schema", "type",
                      "object", "required", "file", "properties", "file", "type", "string",
                      "format", "binary", "valid_until", "type", "string", "format", "date",
                      "application/octet-stream", "schema", "type", "string", "format",
                      "binary"));
    }
    if (bs) {
        json_object_set_new(op, "requestBody", json_pack("{s:b,s:o}", "required",
                                                         d->body_required, "content",
                                                         json_content(bs)));
    }
    json_t *rs = json_object();
    snprintf(buf, sizeof buf, "%d", d->status);
    json_t *ok = json_pack("{s:s,s:o}", "description", d->status == 201 ? "Created" : "OK",
                           "content", d->answer == A_FILE
                                          ? json_pack("{s:{s:o}}", "application/octet-stream",
                                                      "schema", answer_schema(d->answer, rec))
                                          : json_content(answer_schema(d->answer, rec)));
    if (d->status == 201) {
        json_object_set_new(ok, "headers",
                            json_pack("{s:{s:s,s:{s:s}}}", "Location", "description",
                                      "URL of what was created", "schema", "type", "string"));
    }
    json_object_set_new(rs, buf, ok);
    if (rt->perm != PERM_PUBLIC) {
        json_object_set_new(rs, "400", ref_to("responses", "BadRequest"));
        json_object_set_new(rs, "401", ref_to("responses", "Unauthorized"));
        json_object_set_new(rs, "403", ref_to("responses", "Forbidden"));
        if (strstr(path, "{id}") || strstr(path, "{n}")) {
            json_object_set_new(rs, "404", ref_to("responses", "NotFound"));
        }
        if (d->conflict) {
            json_object_set_new(rs, "409", ref_to("responses", "Conflict"));
        }
        if (strcmp(rt->method, "GET") != 0) {
            json_object_set_new(rs, "413", ref_to("responses", "TooLarge"));
            json_object_set_new(rs, "415", ref_to("responses", "UnsupportedMediaType"));
            json_object_set_new(rs, "422", ref_to("responses", "Invalid"));
        }
    } else {
        /* public: no query parameters are taken (api_query_only) */
        json_object_set_new(rs, "400", ref_to("responses", "BadRequest"));
        json_object_set_new(op, "security", json_array());
    }
    json_object_set_new(op, "responses", rs);
    return op;
}

/* "/api/v1/:type/:id" -> "/api/v1/risks/{id}" */
static void openapi_path(const char *pattern, const struct rtype *t, struct buf *out)
{
    for (const char *p = pattern; *p;) {
        if (strncmp(p, ":type", 5) == 0) {
            buf_puts(out, t->plural);
            p += 5;
        } else if (*p == ':') {
            const char *end = strchr(p, '/');
            size_t n = end ? (size_t)(end - p - 1) : strlen(p + 1);
            buf_printf(out, "{%.*s}", (int)n, p + 1);
            p += n + 1;
        } else {
            buf_putc(out, *p++);
        }
    }
}

static void add_operation(json_t *paths, const struct route *rt, const struct rtype *t)
{
    struct buf path;
    buf_init(&path, 0);
    openapi_path(rt->pattern, t, &path);
    json_t *item = json_object_get(paths, buf_str(&path));
    if (!item) {
        item = json_object();
        json_object_set_new(paths, buf_str(&path), item);
    }
    char method[16];
    size_t i = 0;
    for (; rt->method[i] && i + 1 < sizeof method; i++) {
        char c = rt->method[i];
        method[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
    }
    method[i] = 0;
    json_object_set_new(item, method, operation(rt, t, buf_str(&path)));
    buf_free(&path);
}

static json_t *error_response(const char *desc)
{
    return json_pack("{s:s,s:o}", "description", desc, "content",
                     json_content(schema_ref("Error")));
}

/* The whole document; prefix is the organization's path prefix ("" or
 * "/o/slug"), cookie its session cookie name. Caller decrefs. */
static json_t *openapi_doc(const char *prefix, const char *cookie)
{
    static const char *const soa_keys[] = {"applicable", "justification", FIELD_STATUS,
                                           FIELD_OWNER, "implementation", "documents", NULL};
    json_t *schemas = other_schemas();
    for (int i = 0; i < nrtypes; i++) {
        char name[64], title[96];
        schema_name(rtypes[i], "", name, sizeof name);
        json_object_set_new(schemas, name, record_schema(rtypes[i]));
        schema_name(rtypes[i], "Patch", name, sizeof name);
        snprintf(title, sizeof title, "Changes to a %s", rtypes[i]->name);
        json_object_set_new(schemas, name, patch_schema(rtypes[i], NULL, title));
    }
    json_object_set_new(schemas, "SoaChange",
                        patch_schema(rtype_find("control"), soa_keys, "Changes to a SoA row"));

    json_t *paths = json_object();
    for (int i = 0; i < nroutes; i++) {
        const struct route *rt = &routes[i];
        if (strncmp(rt->pattern, API_PREFIX, strlen(API_PREFIX)) != 0) {
            continue;
        }
        if (strstr(rt->pattern, ":type")) {
            for (int k = 0; k < nrtypes; k++) {
                add_operation(paths, rt, rtypes[k]);
            }
        } else {
            add_operation(paths, rt, rt->type ? rtype_find(rt->type) : NULL);
        }
    }

    json_t *responses = json_pack(
        "{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "BadRequest",
        error_response("Malformed request: bad JSON, a body that is not an object, a bad "
                       "parameter (cursor, limit, sort)"),
        "Unauthorized", error_response("No valid API token or session"), "Forbidden",
        error_response("The account's role does not allow this, or the CSRF token is missing"),
        "NotFound", error_response("No such record or version"), "Conflict",
        error_response("Not possible in the record's state (retired, undecided controls)"),
        "TooLarge", error_response("The body is larger than 1 MB; nothing was stored"),
        "UnsupportedMediaType", error_response("The body is not application/json"), "Invalid",
        error_response("A field is unknown or its value is refused; the error names it and "
                       "nothing was stored"));
    char cookie_desc[200];
    snprintf(cookie_desc, sizeof cookie_desc, "The browser session (%s); writes need the "
             "session's CSRF token in X-CSRF-Token", cookie);
    json_t *security = json_pack(
        "{s:{s:s,s:s,s:s},s:{s:s,s:s,s:s,s:s}}", "bearerAuth", "type", "http", "scheme", "bearer",
        "description", "An API token: `isms token add ACCOUNT` (Authorization: Bearer isms_...)",
        "sessionCookie", "type", "apiKey", "in", "cookie", "name", cookie, "description",
        cookie_desc);
    json_t *doc = json_pack(
        "{s:s,s:{s:s,s:s,s:s},s:[{s:[]},{s:[]}],s:o,s:{s:o,s:o,s:o}}", "openapi", "3.1.0", "info",
        "title", "isms — ISO/IEC 27001 ISMS API", "version", "1", "description",
        "Every record type of the ISMS, the risk assessment, the Statement of Applicability and "
        "the treatment plan. Generated from the declarations the server runs on. Lists page "
        "with an opaque cursor (next_cursor); errors are {\"error\":{code,message,field}}.",
        "security", "bearerAuth", "sessionCookie", "paths", paths, "components", "schemas",
        schemas, "responses", responses, "securitySchemes", security);
    /* lint (issue 17): servers always (the paths are absolute: "/" is this
     * server), and the licence the document is published under */
    json_object_set_new(doc, "servers",
                        json_pack("[{s:s,s:s}]", "url", prefix[0] ? prefix : "/", "description",
                                  prefix[0] ? "this organization on this server" : "this server"));
    json_object_set_new(json_object_get(doc, "info"), "license",
                        json_pack("{s:s,s:s}", "name", OPENAPI_LICENSE_NAME, "identifier",
                                  OPENAPI_LICENSE_ID));
    return doc;
}

/* The document depends on the organization's prefix and cookie name only,
 * never on the file: it is built once per organization, at first use, and
 * every request then gets the same bytes (building it cost ~10 ms and
 * 375 KB of allocations per request). Entries are never changed or freed
 * once made, so a pointer to one stays good without the lock. */
struct openapi_text {
    char prefix[80], cookie[96];
    char *text;
    size_t len;
};
static pthread_mutex_t openapi_lock = PTHREAD_MUTEX_INITIALIZER;
static struct openapi_text **openapi_texts;
static size_t nopenapi_texts;

static const struct openapi_text *openapi_text(const char *prefix, const char *cookie)
{
    const struct openapi_text *found = NULL;
    pthread_mutex_lock(&openapi_lock);
    for (size_t i = 0; i < nopenapi_texts && !found; i++) {
        if (!strcmp(openapi_texts[i]->prefix, prefix) &&
            !strcmp(openapi_texts[i]->cookie, cookie)) {
            found = openapi_texts[i];
        }
    }
    if (!found) {
        json_t *doc = openapi_doc(prefix, cookie);
        char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
        json_decref(doc);
        if (text) {
            struct openapi_text *t = xcalloc(1, sizeof *t);
            strlcpy_(t->prefix, prefix, sizeof t->prefix);
            strlcpy_(t->cookie, cookie, sizeof t->cookie);
            t->text = text;
            t->len = strlen(text);
            openapi_texts = xrealloc(openapi_texts, (nopenapi_texts + 1) * sizeof *openapi_texts);
            openapi_texts[nopenapi_texts++] = t;
            found = t;
        }
    }
    pthread_mutex_unlock(&openapi_lock);
    return found;
}

int api_openapi(struct req *r, struct resp *w)
{
    struct err e = {0};
    if (api_query_only(r, NULL, &e)) {
        return api_fail(r, w, &e);
    }
    const struct openapi_text *t = openapi_text(r->org->prefix, r->org->cookie);
    if (!t) {
        return api_failf(r, w, ERR_INTERNAL, NULL, "the OpenAPI document could not be built");
    }
    w->status = 200;
    w->ctype = "application/json";
    buf_reset(&w->body);
    buf_append(&w->body, t->text, t->len);
    buf_putc(&w->body, '\n');
    return 0;
}
