/* types.c — every record type of the ISMS (SPEC.md §2), declared once.
 *
 * Adding a field here is half the work; the other half is a numbered
 * migration in src/store/schema/ adding the column (a unit test proves the
 * two agree). Everything else — CLI, validation, JSON, history, and later the
 * pages, forms and API — is driven from these tables. Behaviour that is
 * special to a type (risk scoring, the SoA) lives in model/ and app/ code on
 * top, never in these declarations. */
#include "types.h"

#include <string.h>

#include "../lib/util.h"

/* ---- value lists ------------------------------------------------------ */

#define V(...) (const char *const[]){__VA_ARGS__, NULL}

static const char *const v_cia[] = {"confidentiality", "integrity", "availability", NULL};
static const char *const v_class[] = {"public", "internal", "confidential", "restricted", NULL};
static const char *const v_active[] = {"active", "inactive", NULL};
static const char *const v_severity[] = {"low", "medium", "high", "critical", NULL};

/* ---- field shorthands ------------------------------------------------- */

#define F_(n, l, t, fl, ...) {.name = n, .label = l, .type = t, .flags = fl, __VA_ARGS__}
#define TXT(n, l, fl) F_(n, l, F_TEXT, fl, .max = 200)
#define LTXT(n, l) F_(n, l, F_LONGTEXT, 0, .max = 20000)
#define INT(n, l, fl, lo, hi) F_(n, l, F_INT, fl, .min = lo, .max = hi)
#define NUM(n, l, fl) F_(n, l, F_NUMBER, fl)
#define DATE(n, l, fl) F_(n, l, F_DATE, fl)
#define DTIME(n, l, fl) F_(n, l, F_DATETIME, fl)
#define BOOL(n, l) F_(n, l, F_BOOL, 0)
#define ENUM(n, l, fl, v, d) F_(n, l, F_ENUM, fl, .values = v, .def = d)
#define SET(n, l, v) F_(n, l, F_SET, 0, .values = v)
#define REF(n, l, fl, t) F_(n, l, F_REF, fl, .ref = t)
#define REFS(n, l, t) F_(n, l, F_REFS, 0, .ref = t)

/* Every type: owner and status near the top, notes and timestamps last. */
#define OWNER(fl) REF(FIELD_OWNER, "Owner", (fl) | FL_LIST, "person")
/* The first status value is the default for a new record. */
#define STATUS(...) F_(FIELD_STATUS, "Status", F_ENUM, FL_REQUIRED | FL_LIST, .values = __VA_ARGS__)
#define TAIL                                                                  \
    LTXT("notes", "Notes"),                                                   \
        F_(FIELD_CREATED, "Created", F_DATETIME, FL_SYSTEM),                  \
        F_(FIELD_UPDATED, "Updated", F_DATETIME, FL_SYSTEM),                  \
        F_(FIELD_RETIRED, "Retired", F_DATETIME, FL_SYSTEM)

#define TYPE(nm, pl, lb, px, cl, tf, hp, arr)                                 \
    static const struct rtype t_##nm = {nm_(nm), pl, lb, px, cl, hp, tf, arr, \
                                        (int)(sizeof arr / sizeof arr[0])}
#define nm_(x) #x

/* ---- clause 4: context ------------------------------------------------ */

static const struct field f_issue[] = {
    TXT("title", "Title", FL_REQUIRED | FL_LIST),
    ENUM("kind", "Internal or external", FL_REQUIRED | FL_LIST, V("internal", "external"), NULL),
    ENUM("category", "Category", 0,
         V("political", "economic", "social", "technological", "legal", "environmental",
           "organizational", "cultural", "other"),
         NULL),
    LTXT("description", "Description"),
    LTXT("effect", "How it affects the ISMS"),
    REFS("risks", "Linked risks", "risk"),
    OWNER(0),
    STATUS(V("open", "monitored", "closed")),
    DATE("review_date", "Next review", 0),
    TAIL,
};
TYPE(issue, "issues", "Context issue", "ISS", "4.1", "title",
     "Internal and external issues that bear on the ISMS", f_issue);

static const struct field f_party[] = {
    TXT("name", "Name", FL_REQUIRED | FL_LIST),
    ENUM("kind", "Kind", FL_REQUIRED | FL_LIST,
         V("customer", "employee", "shareholder", "regulator", "authority", "supplier", "partner",
           "insurer", "certification-body", "public", "other"),
         NULL),
    TXT("contact", "Contact", 0),
    LTXT("expectations", "Needs and expectations"),
    OWNER(0),
    STATUS(v_active),
    TAIL,
};
TYPE(party, "parties", "Interested party", "IP", "4.2", "name",
     "Interested parties and what they expect of the ISMS", f_party);

static const struct field f_requirement[] = {
    TXT("title", "Requirement", FL_REQUIRED | FL_LIST),
    ENUM("kind", "Kind", FL_REQUIRED | FL_LIST,
         V("legal", "regulatory", "contractual", "business", "other"), NULL),
    REF("party", "Interested party", FL_LIST, "party"),
    TXT("source", "Source (law, contract, clause)", 0),
    TXT("jurisdiction", "Jurisdiction", 0),
    LTXT("description", "Description"),
    BOOL("addressed", "Addressed by the ISMS"),
    LTXT("how_met", "How it is met"),
    REFS("controls", "Controls that meet it", "control"),
    REFS("documents", "Documents that meet it", "document"),
    /* ops: a duty to notify someone of an incident (src/app/ops.c derives it) */
    ENUM("notify_when", "Notify of incidents", 0,
         V("never", "personal-data", "any-incident", "high-severity"), "never"),
    INT("notify_hours", "Notify within (hours from detection)", 0, 1, 8760),
    TXT("notify_to", "Notify whom", 0),
    ENUM("compliance", "Compliance", FL_LIST,
         V("not-assessed", "compliant", "partially-compliant", "non-compliant"), "not-assessed"),
    OWNER(0),
    STATUS(V("active", "withdrawn")),
    DATE("review_date", "Next review", 0),
    TAIL,
};
TYPE(requirement, "requirements", "Requirement", "REQ", "4.2",
     "title", "Legal, regulatory and contractual requirements (2022 5.31)", f_requirement);

static const struct field f_scope[] = {
    TXT("title", "Title", FL_REQUIRED | FL_LIST),
    TXT("version", "Version", FL_LIST),
    F_("statement", "Scope statement", F_LONGTEXT, FL_REQUIRED, .max = 20000),
    LTXT("sites", "Sites"),
    LTXT("included", "Included (processes, services, networks, people)"),
    LTXT("excluded", "Excluded"),
    LTXT("exclusion_reasons", "Why excluded"),
    LTXT("interfaces", "Interfaces and dependencies at the boundary"),
    /* set when top management signs the scope (isms scope approve), never typed */
    REF("approved_by", "Approved by", FL_SYSTEM, "person"),
    DATE("approved_on", "Approved on", FL_SYSTEM),
    OWNER(0),
    STATUS(V("draft", "in-review", "approved", "superseded")),
    TAIL,
};
TYPE(scope, "scopes", "Scope", "SC", "4.3", "title",
     "The versioned, approved scope of the ISMS", f_scope);

/* ---- clause 5: leadership ---------------------------------------------- */

/* Documents are controlled (7.5): the lifecycle fields (status, version,
 * approver, approved_on, in_force) are set by the document workflow only
 * (src/app/documents.c); the others are the working copy, frozen into a
 * version when submitted for review. audience*: who must acknowledge it and
 * who may read it whatever its classification (src/model/perm.c). */
static const struct field f_document[] = {
    TXT("title", "Title", FL_REQUIRED | FL_LIST),
    ENUM("kind", "Kind", FL_REQUIRED | FL_LIST,
         V("policy", "topic-policy", "procedure", "standard", "guideline", "plan", "record",
           "form", "external"),
         NULL),
    F_("version", "Version", F_TEXT, FL_LIST | FL_SYSTEM, .max = 20),
    ENUM("classification", "Classification", 0, v_class, "internal"),
    TXT("clause", "Clause or control it serves", 0),
    REF("author", "Author", 0, "person"),
    REF("reviewer", "Reviewer", 0, "person"),
    F_("approver", "Approved by", F_REF, FL_SYSTEM, .ref = "person"),
    F_("approved_on", "Approved on", F_DATE, FL_SYSTEM),
    DATE("review_date", "Next review", FL_LIST),
    INT("review_interval", "Review every (months)", 0, 1, 120),
    TXT("retention", "Retention period", 0),
    ENUM("audience", "Must be acknowledged by", 0, V("none", "everyone", "selected"), "none"),
    TXT("audience_departments", "Departments that must acknowledge it", 0),
    REFS("audience_roles", "Roles that must acknowledge it", "role"),
    REFS("controls", "Controls it implements", "control"),
    F_("body", "Content (Markdown)", F_LONGTEXT, 0, .max = 200000),
    /* typed: the content as an attached PDF or DOCX instead of Markdown
     * (src/app/doc_file.c), frozen by its SHA-256; set by the program only */
    F_("content_file", "Content file", F_TEXT, FL_SYSTEM, .max = 24),
    F_("content_sha256", "Content file SHA-256", F_TEXT, FL_SYSTEM, .max = 64),
    F_("in_force", "Version in force", F_INT, FL_SYSTEM, .min = 1, .max = 1000000),
    OWNER(FL_REQUIRED),
    F_(FIELD_STATUS, "Status", F_ENUM, FL_REQUIRED | FL_LIST | FL_SYSTEM,
       .values = V("draft", "in-review", "approved", "published", "superseded", "withdrawn")),
    TAIL,
};
TYPE(document, "documents", "Document", "DOC", "7.5", "title",
     "Policies, procedures and other documented information", f_document);

static const struct field f_role[] = {
    TXT("name", "Role", FL_REQUIRED | FL_LIST),
    LTXT("description", "Purpose"),
    LTXT("responsibilities", "Responsibilities and authorities"),
    REFS("holders", "Held by", "person"),
    REF("reports_to", "Reports to", 0, "role"),
    BOOL("top_management", "Top management"),
    LTXT("competence", "Competence required"),
    OWNER(0),
    STATUS(v_active),
    TAIL,
};
TYPE(role, "roles", "Role", "ROLE", "5.3", "name",
     "Roles, their responsibilities and who holds them", f_role);

static const struct field f_person[] = {
    TXT("name", "Name", FL_REQUIRED | FL_LIST),
    F_("email", "E-mail", F_EMAIL, FL_LIST, .max = 254),
    TXT("job_title", "Job title", FL_LIST),
    TXT("department", "Department", FL_LIST),
    REF("manager", "Manager", 0, "person"),
    DATE("start_date", "Started", 0),
    DATE("end_date", "Left", 0),
    OWNER(0),
    STATUS(V("active", "on-leave", "left")),
    TAIL,
};
TYPE(person, "people", "Person", "P", "7.2", "name",
     "People: staff, contractors, owners of records", f_person);

/* ---- clause 6: planning ------------------------------------------------ */

static const struct field f_asset[] = {
    TXT("name", "Name", FL_REQUIRED | FL_LIST),
    ENUM("kind", "Kind", FL_REQUIRED | FL_LIST,
         V("information", "software", "hardware", "service", "people", "site", "network"), NULL),
    LTXT("description", "Description"),
    REF("custodian", "Custodian", 0, "person"),
    TXT("location", "Location", 0),
    ENUM("classification", "Classification", FL_LIST, v_class, NULL),
    INT("confidentiality", "Confidentiality value", FL_LIST, 1, 5),
    INT("integrity", "Integrity value", FL_LIST, 1, 5),
    INT("availability", "Availability value", FL_LIST, 1, 5),
    REFS("depends_on", "Depends on", "asset"),
    LTXT("acceptable_use", "Acceptable use"),
    OWNER(FL_REQUIRED),
    STATUS(V("active", "planned", "decommissioned")),
    DATE("review_date", "Next review", 0),
    TAIL,
};
TYPE(asset, "assets", "Asset", "A", "A.5.9", "name",
     "Information and the assets that hold or process it", f_asset);

static const struct field f_threat[] = {
    TXT("name", "Threat", FL_REQUIRED | FL_LIST),
    ENUM("category", "Category", FL_LIST,
         V("physical-damage", "natural-event", "loss-of-services", "compromise-of-information",
           "technical-failure", "unauthorized-action", "compromise-of-functions",
           /* import: the default catalogue's human and organisational threats */
           "human-action", "organizational", "other"),
         NULL),
    SET("origin", "Origin", V("deliberate", "accidental", "environmental")),
    LTXT("description", "Description"),
    OWNER(0),
    STATUS(v_active),
    TAIL,
};
TYPE(threat, "threats", "Threat", "T", "6.1.2", "name",
     "Threat catalogue (ISO/IEC 27005 style)", f_threat);

static const struct field f_vulnerability[] = {
    TXT("name", "Vulnerability", FL_REQUIRED | FL_LIST),
    ENUM("category", "Category", FL_LIST,
         V("hardware", "software", "network", "personnel", "site", "organization"), NULL),
    LTXT("description", "Description"),
    REFS("assets", "Affected assets", "asset"),
    OWNER(0),
    STATUS(V("open", "mitigated", "accepted", "closed")),
    TAIL,
};
TYPE(vulnerability, "vulnerabilities", "Vulnerability", "V", "6.1.2", "name",
     "Vulnerabilities that threats can exploit", f_vulnerability);

static const struct field f_risk[] = {
    TXT("title", "Risk", FL_REQUIRED | FL_LIST),
    LTXT("description", "Description"),
    REFS("assets", "Assets", "asset"),
    REF("threat", "Threat", 0, "threat"),
    REF("vulnerability", "Vulnerability", 0, "vulnerability"),
    SET("affects", "Affects", v_cia),
    LTXT("existing_controls", "Existing controls"),
    INT("likelihood", "Likelihood", 0, 1, 10),
    INT("consequence", "Consequence", 0, 1, 10),
    INT("consequence_confidentiality", "Consequence for confidentiality", 0, 1, 10),
    INT("consequence_integrity", "Consequence for integrity", 0, 1, 10),
    INT("consequence_availability", "Consequence for availability", 0, 1, 10),
    F_("score", "Score", F_INT, FL_SYSTEM, .min = 0, .max = 1000),
    F_("level", "Level", F_TEXT, FL_SYSTEM | FL_LIST, .max = 40, .sort_by = "score"),
    ENUM("treatment", "Treatment option", FL_LIST, V("modify", "avoid", "share", "retain"), NULL),
    REFS("controls", "Planned controls", "control"),
    INT("residual_likelihood", "Residual likelihood", 0, 1, 10),
    INT("residual_consequence", "Residual consequence", 0, 1, 10),
    F_("residual_score", "Residual score", F_INT, FL_SYSTEM, .min = 0, .max = 1000),
    F_("residual_level", "Residual level", F_TEXT, FL_SYSTEM | FL_LIST, .max = 40,
       .sort_by = "residual_score"),
    DATE("review_date", "Next review", 0),
    F_("last_reviewed", "Last reviewed", F_DATE, FL_SYSTEM),
    F_("review_reason", "Review needed because", F_TEXT, FL_SYSTEM, .max = 400),
    OWNER(FL_REQUIRED),
    STATUS(V("identified", "assessed", "treating", "accepted", "closed")),
    TAIL,
};
TYPE(risk, "risks", "Risk", "R", "6.1.2", "title",
     "Information security risks, assessed and treated", f_risk);

static const struct field f_action[] = {
    TXT("title", "Action", FL_REQUIRED | FL_LIST),
    LTXT("description", "Description"),
    REFS("risks", "Risks treated", "risk"),
    REFS("controls", "Controls implemented", "control"),
    DATE("due_date", "Due", FL_LIST),
    NUM("cost", "Cost", 0),
    DATE("completed_on", "Completed on", 0),
    LTXT("evidence", "Evidence of completion"),
    OWNER(FL_REQUIRED),
    STATUS(V("planned", "in-progress", "done", "cancelled")),
    TAIL,
};
TYPE(action, "actions", "Treatment action", "ACT", "6.1.3", "title",
     "Risk treatment plan actions", f_action);

static const struct field f_control[] = {
    F_("framework", "Framework", F_ENUM, FL_REQUIRED | FL_LIST | FL_CATALOGUE,
       .values = V(FRAMEWORK_2022, FRAMEWORK_2013, FRAMEWORK_CUSTOM), .def = FRAMEWORK_CUSTOM),
    F_("title", "Control", F_TEXT, FL_REQUIRED | FL_LIST | FL_CATALOGUE, .max = 200),
    F_("theme", "Theme or group", F_TEXT, FL_CATALOGUE, .max = 400),
    F_("control_type", "Control type", F_TEXT, FL_CATALOGUE, .max = 400),
    F_("security_properties", "Security properties", F_TEXT, FL_CATALOGUE, .max = 400),
    F_("cybersecurity_concepts", "Cybersecurity concepts", F_TEXT, FL_CATALOGUE, .max = 400),
    F_("operational_capabilities", "Operational capabilities", F_TEXT, FL_CATALOGUE, .max = 400),
    F_("security_domains", "Security domains", F_TEXT, FL_CATALOGUE, .max = 400),
    LTXT("description", "Description"),
    F_("applicable", "Applicable", F_BOOL, FL_LIST),
    LTXT("justification", "Justification for inclusion or exclusion"),
    LTXT("implementation", "How it is implemented"),
    REFS("documents", "Implementing documents", "document"),
    OWNER(0),
    STATUS(V("not-started", "planned", "partial", "implemented")),
    TAIL,
};
TYPE(control, "controls", "Control", "C", "6.1.3",
     "title", "Annex A controls (2022 and 2013) and the organization's own", f_control);

static const struct field f_objective[] = {
    TXT("title", "Objective", FL_REQUIRED | FL_LIST),
    LTXT("description", "Description"),
    TXT("measure", "How it is measured", 0),
    TXT("target", "Target", FL_LIST),
    REF("metric", "Metric", 0, "metric"),
    LTXT("resources", "Resources"),
    DATE("due_date", "Due", FL_LIST),
    BOOL("ongoing", "Ongoing"),
    LTXT("evaluation", "How results are evaluated"),
    OWNER(FL_REQUIRED),
    /* metrics: computed from the metric's latest evaluation and the due
     * date (src/app/metrics.c), never typed; "cancelled": retire it */
    F_(FIELD_STATUS, "Status", F_ENUM, FL_REQUIRED | FL_LIST | FL_SYSTEM,
       .values = V("planned", "on-track", "at-risk", "achieved", "missed", "cancelled")),
    TAIL,
};
TYPE(objective, "objectives", "Objective", "OBJ", "6.2", "title",
     "Information security objectives and plans to achieve them", f_objective);

static const struct field f_change[] = {
    TXT("title", "Change", FL_REQUIRED | FL_LIST),
    LTXT("description", "Description"),
    LTXT("reason", "Purpose and consequences"),
    LTXT("resources", "Resources"),
    DATE("planned_on", "Planned for", FL_LIST),
    DATE("implemented_on", "Implemented on", 0),
    REFS("risks", "Affected risks", "risk"),
    /* ops: what the change touches (6.3, 8.1) */
    REFS("processes", "Processes touched", "process"),
    REFS("assets", "Assets touched", "asset"),
    REFS("controls", "Controls touched", "control"),
    REFS("documents", "Documents touched", "document"),
    OWNER(0),
    STATUS(V("proposed", "approved", "in-progress", "done", "rejected")),
    TAIL,
};
TYPE(change, "changes", "Planned change", "CHG", "6.3", "title",
     "Changes to the ISMS, planned and carried out", f_change);

/* ---- clause 7: support ------------------------------------------------- */

static const struct field f_training[] = {
    TXT("title", "Title", FL_REQUIRED | FL_LIST),
    ENUM("kind", "Kind", FL_REQUIRED | FL_LIST,
         V("awareness", "course", "certification", "assessment", "campaign", "briefing"), NULL),
    LTXT("description", "Description"),
    TXT("audience", "Audience", 0),
    REFS("attendees", "Attendees", "person"),
    DATE("held_on", "Held on", FL_LIST),
    DATE("expires_on", "Expires on", 0),
    TXT("provider", "Provider", 0),
    LTXT("evidence", "Evidence"),
    OWNER(0),
    STATUS(V("planned", "completed", "cancelled")),
    TAIL,
};
TYPE(training, "trainings", "Training", "TRN", "7.2", "title",
     "Competence evidence and awareness sessions", f_training);

static const struct field f_communication[] = {
    TXT("title", "What", FL_REQUIRED | FL_LIST),
    TXT("audience", "To whom", FL_LIST),
    TXT("frequency", "When", FL_LIST),
    ENUM("channel", "How", 0,
         V("email", "intranet", "meeting", "training", "letter", "website", "chat", "other"),
         NULL),
    REF("communicator", "By whom", 0, "person"),
    DATE("next_date", "Next", 0),
    LTXT("description", "Description"),
    OWNER(0),
    STATUS(V("planned", "active", "done")),
    TAIL,
};
TYPE(communication, "communications", "Communication", "COM", "7.4", "title",
     "The communication plan: what, when, to whom, by whom, how", f_communication);

/* ---- clause 8: operation ----------------------------------------------- */

static const struct field f_process[] = {
    TXT("name", "Process", FL_REQUIRED | FL_LIST),
    LTXT("description", "Description"),
    LTXT("inputs", "Inputs"),
    LTXT("outputs", "Outputs"),
    REFS("assets", "Assets used", "asset"),
    REFS("risks", "Risks", "risk"),
    /* ops: what the process carries and what governs it (8.1) */
    REFS("controls", "Controls it carries", "control"),
    REFS("documents", "Governing documents", "document"),
    OWNER(FL_REQUIRED),
    STATUS(v_active),
    TAIL,
};
TYPE(process, "processes", "Process", "PRC", "8.1", "name",
     "Operational processes and their owners", f_process);

static const struct field f_supplier[] = {
    TXT("name", "Supplier", FL_REQUIRED | FL_LIST),
    LTXT("service", "Service provided"),
    LTXT("data_access", "Data and access they have"),
    ENUM("criticality", "Criticality", FL_LIST, v_severity, NULL),
    TXT("contact", "Contact", 0),
    TXT("contract", "Contract reference", 0),
    LTXT("security_requirements", "Security requirements in the contract"),
    TXT("certifications", "Certifications", 0),
    DATE("assessed_on", "Last assessed", 0),
    ENUM("assessment", "Assessment result", FL_LIST,
         V("not-assessed", "satisfactory", "needs-improvement", "unsatisfactory"), "not-assessed"),
    DATE("review_date", "Next review", 0),
    REFS("assets", "Assets involved", "asset"),
    REFS("risks", "Risks", "risk"),
    OWNER(FL_REQUIRED),
    STATUS(V("prospective", "active", "under-review", "terminated")),
    TAIL,
};
TYPE(supplier, "suppliers", "Supplier", "SUP", "A.5.19", "name",
     "Suppliers, what they access, and how they are assessed", f_supplier);

static const struct field f_incident[] = {
    TXT("title", "Incident", FL_REQUIRED | FL_LIST),
    F_("description", "What happened", F_LONGTEXT, FL_REQUIRED, .max = 20000),
    REF("reported_by", "Reported by", 0, "person"),
    DTIME("occurred_at", "Occurred", 0),
    DTIME("detected_at", "Detected", FL_LIST),
    ENUM("category", "Category", 0,
         V("malware", "phishing", "unauthorized-access", "data-leak", "loss-or-theft",
           "denial-of-service", "misconfiguration", "policy-violation", "outage", "other"),
         NULL),
    ENUM("severity", "Severity", FL_LIST, v_severity, NULL),
    SET("affects", "Affects", v_cia),
    REFS("assets", "Affected assets", "asset"),
    REFS("risks", "Related risks", "risk"),
    LTXT("containment", "Containment"),
    BOOL("personal_data", "Personal data involved"),
    BOOL("notification_required", "Notification required"),
    DTIME("notification_deadline", "Notify by", 0),
    DTIME("notified_at", "Notified at", 0),
    LTXT("lessons", "Lessons learned"),
    REF("nonconformity", "Nonconformity", 0, "nonconformity"),
    /* ops: event or incident (5.25); the timeline and duties are ops.c's */
    ENUM("classification", "Classification", FL_LIST,
         V("unclassified", "event", "incident", "near-miss", "weakness"), "unclassified"),
    OWNER(0),
    STATUS(V("reported", "triaged", "contained", "resolved", "closed")),
    TAIL,
};
TYPE(incident, "incidents", "Incident", "INC", "A.5.24", "title",
     "Information security events and incidents", f_incident);

static const struct field f_continuity[] = {
    TXT("title", "Plan", FL_REQUIRED | FL_LIST),
    REFS("services", "Services covered", "asset"),
    NUM("rto_hours", "Recovery time objective (hours)", FL_LIST),
    NUM("rpo_hours", "Recovery point objective (hours)", FL_LIST),
    LTXT("strategy", "Strategy"),
    F_("body", "Plan (Markdown)", F_LONGTEXT, 0, .max = 200000),
    DATE("last_tested", "Last tested", 0),
    ENUM("test_result", "Last test result", 0,
         V("not-tested", "passed", "passed-with-issues", "failed"), "not-tested"),
    DATE("next_test", "Next test", 0),
    /* ops: the plan's document (versions), downtime limit, test interval */
    NUM("mtd_hours", "Maximum tolerable downtime (hours)", 0),
    REF("document", "Plan document (versioned)", 0, "document"),
    INT("test_interval_months", "Test every (months; empty: 12)", 0, 1, 60),
    OWNER(FL_REQUIRED),
    STATUS(V("draft", "approved", "under-review", "withdrawn")),
    TAIL,
};
TYPE(continuity, "continuity", "Continuity plan", "BCP", "A.5.30", "title",
     "Business continuity and ICT readiness plans and their tests", f_continuity);

/* ---- clause 9: performance evaluation ----------------------------------- */

static const struct field f_metric[] = {
    TXT("name", "Metric", FL_REQUIRED | FL_LIST),
    LTXT("description", "What is measured"),
    LTXT("method", "Method"),
    TXT("unit", "Unit", FL_LIST),
    ENUM("frequency", "Frequency", FL_LIST,
         V("daily", "weekly", "monthly", "quarterly", "half-yearly", "yearly"), NULL),
    ENUM("direction", "Better when", 0, V("higher", "lower"), "higher"),
    NUM("target", "Target", FL_LIST),
    /* metrics: beyond the threshold a measurement is a breach; between it
     * and the target a warning (src/model/metric.c) */
    NUM("threshold", "Escalation threshold (breach beyond it)", 0),
    REF("measured_by", "Measured by", 0, "person"),
    REF("evaluated_by", "Evaluated by", 0, "person"),
    LTXT("escalation", "Escalation"),
    REFS("controls", "Controls", "control"),
    OWNER(0),
    STATUS(v_active),
    TAIL,
};
TYPE(metric, "metrics", "Metric", "MET", "9.1", "name",
     "What is monitored and measured, how and by whom", f_metric);

static const struct field f_measurement[] = {
    REF("metric", "Metric", FL_REQUIRED | FL_LIST, "metric"),
    DATE("measured_on", "Date", FL_REQUIRED | FL_LIST),
    NUM("value", "Value", FL_REQUIRED | FL_LIST),
    LTXT("comment", "Comment"),
    LTXT("response", "Response to a breach"), /* metrics: clears "Respond to breach" */
    OWNER(0),
    STATUS(V("recorded", "verified")),
    TAIL,
};
TYPE(measurement, "measurements", "Measurement", "MEA", "9.1", "measured_on",
     "Measurements of a metric over time", f_measurement);

static const struct field f_audit[] = {
    TXT("title", "Audit", FL_REQUIRED | FL_LIST),
    ENUM("kind", "Kind", FL_REQUIRED | FL_LIST,
         V("internal", "second-party", "certification", "surveillance", "recertification"),
         "internal"),
    LTXT("scope", "Scope"),
    LTXT("criteria", "Criteria"),
    REF("lead_auditor", "Lead auditor", FL_LIST, "person"),
    REFS("auditors", "Auditors", "person"),
    TXT("auditing_body", "Auditing body", 0),
    DATE("planned_on", "Planned for", FL_LIST),
    DATE("performed_on", "Performed on", 0),
    TXT("clauses", "Clauses covered", 0),
    REFS("controls", "Controls covered", "control"),
    LTXT("conclusion", "Conclusion"),
    /* audit (9.2): programme and auditor independence */
    REF("programme", "Audit programme", 0, "programme"),
    F_("independence", "Independence warnings", F_LONGTEXT, FL_SYSTEM, .max = 20000),
    /* end audit */
    OWNER(0),
    STATUS(V("planned", "in-progress", "reported", "closed", "cancelled")),
    TAIL,
};
TYPE(audit, "audits", "Audit", "AUD", "9.2", "title",
     "Internal and external audits", f_audit);

static const struct field f_finding[] = {
    REF("audit", "Audit", FL_REQUIRED | FL_LIST, "audit"),
    TXT("title", "Finding", FL_REQUIRED | FL_LIST),
    ENUM("kind", "Result", FL_REQUIRED | FL_LIST,
         V("conforming", "major-nonconformity", "minor-nonconformity", "observation",
           "opportunity"),
         NULL),
    TXT("clause", "Clause", 0),
    REF("control", "Control", 0, "control"),
    LTXT("evidence", "Evidence seen"),
    LTXT("description", "Description"),
    REF("nonconformity", "Nonconformity raised", 0, "nonconformity"),
    OWNER(0),
    STATUS(V("open", "closed")),
    TAIL,
};
TYPE(finding, "findings", "Audit finding", "F", "9.2", "title",
     "What an audit found, item by item", f_finding);

static const struct field f_review[] = {
    TXT("title", "Review", FL_REQUIRED | FL_LIST),
    DATE("planned_on", "Planned for", FL_LIST),
    DATE("held_on", "Held on", FL_LIST),
    REF("chair", "Chair", 0, "person"),
    REFS("attendees", "Attendees", "person"),
    LTXT("inputs", "Inputs considered"),
    LTXT("decisions", "Decisions"),
    LTXT("minutes", "Minutes"),
    DATE("next_review", "Next review", 0),
    OWNER(0),
    STATUS(V("planned", "held", "minutes-approved")),
    TAIL,
};
TYPE(review, "reviews", "Management review", "MR", "9.3", "title",
     "Management reviews: inputs, decisions and actions", f_review);

/* ---- clause 10: improvement --------------------------------------------- */

static const struct field f_nonconformity[] = {
    TXT("title", "Nonconformity", FL_REQUIRED | FL_LIST),
    ENUM("source", "Source", FL_REQUIRED | FL_LIST,
         V("internal-audit", "external-audit", "incident", "monitoring", "complaint",
           "management-review", "other", "control-test" /* audit: control tests */),
         NULL),
    LTXT("description", "What occurred"),
    DATE("detected_on", "Detected on", FL_LIST),
    ENUM("severity", "Severity", FL_LIST, V("minor", "major"), NULL),
    TXT("clause", "Clause", 0),
    REF("control", "Control", 0, "control"),
    REF("incident", "Incident", 0, "incident"),
    LTXT("containment", "Containment (correction)"),
    LTXT("root_cause", "Root cause (5 whys)"),
    DATE("due_date", "Due", FL_LIST),
    /* metrics: effectiveness is reviewed per corrective action through a
     * sign-off (isms corrective review); closed_on is set by closing */
    F_("effectiveness", "Effectiveness review (before sign-offs)", F_LONGTEXT, FL_SYSTEM,
       .max = 20000),
    F_("closed_on", "Closed on", F_DATE, FL_SYSTEM),
    /* audit (9.1, 9.2): what raised it */
    REF("test_run", "Raised by control test run", 0, "ctrun"),
    REF("audit_item", "Raised by audit checklist item", 0, "checkitem"),
    /* end audit */
    OWNER(FL_REQUIRED),
    STATUS(V("open", "analysing", "action-planned", "verifying", "closed")),
    TAIL,
};
TYPE(nonconformity, "nonconformities", "Nonconformity", "NC", "10.2", "title",
     "Nonconformities, their causes and their closure", f_nonconformity);

static const struct field f_corrective[] = {
    TXT("title", "Corrective action", FL_REQUIRED | FL_LIST),
    REF("nonconformity", "Nonconformity", FL_REQUIRED | FL_LIST, "nonconformity"),
    LTXT("description", "Description"),
    DATE("due_date", "Due", FL_LIST),
    DATE("completed_on", "Completed on", 0),
    /* metrics: the effectiveness review is a sign-off, "verified" its result */
    F_("verification", "Verification (before sign-offs)", F_LONGTEXT, FL_SYSTEM, .max = 20000),
    OWNER(FL_REQUIRED),
    STATUS(V("planned", "in-progress", "done", "verified", "cancelled")),
    TAIL,
};
TYPE(corrective, "corrective", "Corrective action", "CA", "10.2", "title",
     "Actions that remove the causes of nonconformities", f_corrective);

static const struct field f_improvement[] = {
    TXT("title", "Opportunity", FL_REQUIRED | FL_LIST),
    LTXT("description", "Description"),
    ENUM("source", "Source", FL_LIST,
         V("audit", "management-review", "incident", "staff", "monitoring", "customer", "other"),
         NULL),
    LTXT("benefit", "Expected benefit"),
    /* metrics: the audit, finding, nonconformity, incident or review that
     * raised it (checked by src/app/metrics.c) */
    F_("raised_by", "Raised by (AUD-, F-, NC-, INC- or MR-)", F_TEXT, FL_LIST, .max = 32),
    DATE("due_date", "Due", FL_LIST),
    OWNER(0),
    STATUS(V("proposed", "accepted", "in-progress", "done", "rejected")),
    TAIL,
};
TYPE(improvement, "improvements", "Improvement", "OFI", "10.1", "title",
     "Opportunities for continual improvement", f_improvement);

/* ---- review: management review actions and certification (9.3) -------- */

/* An action agreed at a management review (9.3.3): tracked until done, and
 * reported on by the next review's pack (src/app/review.c). */
static const struct field f_raction[] = {
    TXT("title", "Action", FL_REQUIRED | FL_LIST),
    REF("agreed_at", "Agreed at review", FL_REQUIRED | FL_LIST, "review"),
    LTXT("description", "Description"),
    DATE("due_date", "Due", FL_LIST),
    DATE("completed_on", "Completed on", 0),
    LTXT("outcome", "Outcome"),
    OWNER(FL_REQUIRED),
    STATUS(V("open", "in-progress", "done", "cancelled")),
    TAIL,
};
TYPE(raction, "ractions", "Review action", "MRA", "9.3", "title",
     "Actions agreed at management reviews: owner, due date, status", f_raction);

/* The ISMS certificate: its surveillance schedule (two surveillance audits,
 * then recertification) is computed from the issue date, never typed
 * (src/app/certificate.c); warn_first/second/third are the lead times of its
 * warnings (all empty: 60, 30 and 7 days). */
static const struct field f_certificate[] = {
    TXT("body", "Certification body", FL_REQUIRED | FL_LIST),
    TXT("number", "Certificate number", FL_REQUIRED | FL_LIST),
    ENUM("standard", "Standard", 0, V("iso27001-2022", "iso27001-2013"), "iso27001-2022"),
    LTXT("scope_text", "Scope on the certificate"),
    DATE("issued_on", "Issued on", FL_REQUIRED | FL_LIST),
    DATE("expires_on", "Expires on (empty: 3 years after issue)", FL_LIST),
    INT("warn_first", "First warning, days before a deadline (empty: 60)", 0, 1, 365),
    INT("warn_second", "Second warning, days before (empty: 30)", 0, 1, 365),
    INT("warn_third", "Last warning, days before (empty: 7)", 0, 1, 365),
    OWNER(0),
    STATUS(V("active", "suspended", "withdrawn", "expired")),
    TAIL,
};
TYPE(certificate, "certificates", "Certificate", "CERT", "9.2", "number",
     "The ISMS certificate, its surveillance schedule and expiry", f_certificate);

/* A nonconformity raised by the certification body's auditor, with the
 * deadline for closing it (missing it can cost the certificate). */
static const struct field f_cnc[] = {
    TXT("title", "Finding", FL_REQUIRED | FL_LIST),
    REF("certificate", "Certificate", FL_REQUIRED | FL_LIST, "certificate"),
    REF("audit", "Raised at audit", 0, "audit"),
    ENUM("grade", "Grade", FL_REQUIRED | FL_LIST, V("major", "minor"), NULL),
    TXT("clause", "Clause or control", 0),
    LTXT("description", "Description"),
    DATE("raised_on", "Raised on", FL_REQUIRED),
    DATE("close_by", "Close by", FL_REQUIRED | FL_LIST),
    REF("nonconformity", "Tracked as nonconformity", 0, "nonconformity"),
    DATE("closed_on", "Closed on", 0),
    OWNER(0),
    STATUS(V("open", "evidence-submitted", "closed")),
    TAIL,
};
TYPE(cnc, "cncs", "Certification nonconformity", "CNC", "9.2", "title",
     "Nonconformities raised by the certification body, with closure deadlines", f_cnc);

/* ---- audit: control tests (9.1), audit programme and checklists (9.2) ---- */

static const struct field f_ctest[] = {
    REF("control", "Control", FL_REQUIRED | FL_LIST, "control"),
    TXT("title", "What is tested", FL_REQUIRED | FL_LIST),
    LTXT("method", "How it is tested"),
    ENUM("frequency", "How often", FL_REQUIRED | FL_LIST,
         V("monthly", "quarterly", "half-yearly", "yearly"), "yearly"),
    REF("tester", "Tested by", FL_LIST, "person"),
    DATE("first_due", "First test due", 0),
    OWNER(0),
    STATUS(v_active),
    TAIL,
};
TYPE(ctest, "ctests", "Control test", "CT", "9.1", "title",
     "How and how often an applicable control is tested, and by whom", f_ctest);

static const struct field f_ctrun[] = {
    REF("test", "Control test", FL_REQUIRED | FL_LIST, "ctest"),
    DATE("performed_on", "Date", FL_REQUIRED | FL_LIST),
    ENUM("result", "Result", FL_REQUIRED | FL_LIST,
         V("effective", "partly-effective", "not-effective"), NULL),
    REF("tester", "Tester", FL_LIST, "person"),
    LTXT("observations", "What was found"),
    REF("nonconformity", "Nonconformity raised", 0, "nonconformity"),
    OWNER(0),
    STATUS(V("recorded", "reviewed")),
    TAIL,
};
TYPE(ctrun, "ctruns", "Control test run", "CTR", "9.1", "performed_on",
     "A control test performed: result, date, tester, evidence files", f_ctrun);

static const struct field f_programme[] = {
    TXT("title", "Programme", FL_REQUIRED | FL_LIST),
    INT("start_year", "First year of the three-year cycle", FL_REQUIRED | FL_LIST, 2000, 2100),
    LTXT("approach", "Approach and criteria"),
    OWNER(0),
    STATUS(V("active", "closed")),
    TAIL,
};
TYPE(programme, "programmes", "Audit programme", "PRG", "9.2", "title",
     "The internal audit programme over a three-year cycle", f_programme);

static const struct field f_checkitem[] = {
    REF("audit", "Audit", FL_REQUIRED | FL_LIST, "audit"),
    TXT("clause", "Clause", FL_LIST),
    REF("control", "Control", FL_LIST, "control"),
    F_("question", "Question", F_TEXT, FL_REQUIRED | FL_LIST, .max = 1000),
    LTXT("evidence", "Evidence seen"),
    ENUM("result", "Result", FL_LIST,
         V("conforming", "major-nonconformity", "minor-nonconformity", "observation",
           "opportunity"),
         NULL),
    REF("nonconformity", "Nonconformity raised", 0, "nonconformity"),
    OWNER(0),
    STATUS(V("included", "excluded")),
    TAIL,
};
TYPE(checkitem, "checkitems", "Audit checklist item", "CHK", "9.2", "question",
     "One question of an audit's checklist: evidence seen and result", f_checkitem);
/* ---- end audit ----------------------------------------------------------- */
/* ---- ops: continuity tests and security exceptions (src/app/ops.c) ------- */

/* A test of a continuity plan: achieved recovery times against the plan's
 * RTO/RPO; result is computed (met / not-met), never typed. */
static const struct field f_bcptest[] = {
    TXT("title", "Test", FL_REQUIRED | FL_LIST),
    REF("plan", "Plan tested", FL_REQUIRED | FL_LIST, "continuity"),
    DATE("tested_on", "Tested on", FL_REQUIRED | FL_LIST),
    F_("scenario", "Scenario", F_LONGTEXT, FL_REQUIRED, .max = 20000),
    REFS("participants", "Participants", "person"),
    NUM("achieved_rto_hours", "Achieved recovery time (hours)", 0),
    NUM("achieved_rpo_hours", "Achieved recovery point (hours of data lost)", 0),
    F_("result", "Result", F_ENUM, FL_SYSTEM | FL_LIST, .values = V("met", "not-met", "incomplete")),
    LTXT("actions", "Actions"),
    OWNER(0),
    STATUS(V("held", "cancelled")),
    TAIL,
};
TYPE(bcptest, "bcptests", "Continuity test", "BCT", "A.5.30", "title",
     "Tests of continuity plans: achieved recovery times against RTO and RPO", f_bcptest);

/* A time-limited, approved deviation from a control or policy. Approval is
 * a sign-off (isms exception approve), never a typed status. */
static const struct field f_exception[] = {
    TXT("title", "Exception", FL_REQUIRED | FL_LIST),
    REF("control", "Control deviated from", FL_LIST, "control"),
    REF("document", "Policy deviated from", 0, "document"),
    F_("scope", "Scope", F_LONGTEXT, FL_REQUIRED, .max = 20000),
    REF("risk", "Risk it brings", FL_REQUIRED, "risk"),
    F_("compensating", "Compensating measures", F_LONGTEXT, FL_REQUIRED, .max = 20000),
    DATE("expires_on", "Expires on", FL_REQUIRED | FL_LIST),
    DTIME("approved_at", "Approved at", FL_SYSTEM),
    OWNER(FL_REQUIRED),
    STATUS(V("requested", "approved", "withdrawn")),
    TAIL,
};
TYPE(exception, "exceptions", "Security exception", "EXC", "A.5.1", "title",
     "Time-limited, approved deviations from a control or policy", f_exception);

/* ---- people: roles and responsibilities (5.3), competence (7.2),
 * awareness (7.3) — src/app/people.c ------------------------------------ */

/* One cell of the RACI matrix: a role or a person is responsible,
 * accountable, consulted or informed for a process or a control (one of
 * the two; subject is the one named, set by the program). Set with `isms
 * raci set`. */
static const struct field f_responsibility[] = {
    F_("subject", "Process or control", F_TEXT, FL_SYSTEM | FL_LIST, .max = 40),
    REF("process", "Process", 0, "process"),
    REF("control", "Control", 0, "control"),
    REF("role", "Role", FL_LIST, "role"),
    REF("person", "Person", FL_LIST, "person"),
    ENUM("raci", "Responsibility", FL_REQUIRED | FL_LIST,
         V("responsible", "accountable", "consulted", "informed"), NULL),
    OWNER(0),
    STATUS(v_active),
    TAIL,
};
TYPE(responsibility, "responsibilities", "Responsibility (RACI)", "RACI", "5.3", "subject",
     "Who is responsible, accountable, consulted and informed for processes and controls",
     f_responsibility);

/* A competence requirement of a role (7.2 a): what it takes, how it is
 * evidenced, how long evidence stays valid (empty: does not expire). */
static const struct field f_competency[] = {
    TXT("title", "Requirement", FL_REQUIRED | FL_LIST),
    REF("role", "Role", FL_REQUIRED | FL_LIST, "role"),
    ENUM("evidenced_by", "Evidenced by", FL_REQUIRED | FL_LIST,
         V("certificate", "course", "assessment", "experience"), NULL),
    INT("validity_months", "Evidence valid for (months)", FL_LIST, 1, 240),
    LTXT("description", "Description"),
    OWNER(0),
    STATUS(v_active),
    TAIL,
};
TYPE(competency, "competencies", "Competence requirement", "CMP", "7.2", "title",
     "Competence each role requires, how it is evidenced and how long it stays valid",
     f_competency);

/* A person's evidence of competence (7.2 d): certificate, course,
 * assessment; the files are attachments of this record. Expiry: expires_on
 * when given, else obtained_on + the requirement's validity. */
static const struct field f_qualification[] = {
    TXT("title", "Evidence", FL_REQUIRED | FL_LIST),
    REF("person", "Person", FL_REQUIRED | FL_LIST, "person"),
    REF("requirement", "Requirement met", FL_REQUIRED | FL_LIST, "competency"),
    ENUM("kind", "Kind", FL_REQUIRED | FL_LIST,
         V("certificate", "course", "assessment", "experience"), NULL),
    TXT("issuer", "Issued by", 0),
    DATE("obtained_on", "Obtained on", FL_REQUIRED | FL_LIST),
    DATE("expires_on", "Expires on", FL_LIST),
    OWNER(0),
    STATUS(V("valid", "revoked")),
    TAIL,
};
TYPE(qualification, "qualifications", "Competence evidence", "QUAL", "7.2", "title",
     "People's certificates, courses and assessments, with dates and expiry", f_qualification);

/* An awareness campaign (7.3): its audience, policies to acknowledge, and
 * sessions; completion is computed from attendance and acknowledgements. */
static const struct field f_campaign[] = {
    TXT("title", "Campaign", FL_REQUIRED | FL_LIST),
    LTXT("description", "Description"),
    ENUM("audience", "Audience", FL_REQUIRED | FL_LIST, V("everyone", "departments", "roles"),
         "everyone"),
    TXT("audience_departments", "Departments (comma-separated)", 0),
    REFS("audience_roles", "Roles", "role"),
    BOOL("mandatory", "Mandatory"),
    DATE("starts_on", "Starts on", 0),
    DATE("due_date", "Complete by", FL_LIST),
    REFS("documents", "Policies to acknowledge", "document"),
    OWNER(0),
    STATUS(V("planned", "active", "closed")),
    TAIL,
};
TYPE(campaign, "campaigns", "Awareness campaign", "AWC", "7.3", "title",
     "Awareness campaigns: audience, sessions, policies, completion", f_campaign);

static const struct field f_briefing[] = {
    TXT("title", "Session", FL_REQUIRED | FL_LIST),
    REF("campaign", "Campaign", FL_REQUIRED | FL_LIST, "campaign"),
    ENUM("kind", "Kind", 0, V("classroom", "online", "e-learning", "briefing"), NULL),
    DATE("held_on", "Held on", FL_REQUIRED | FL_LIST),
    REF("trainer", "Trainer", 0, "person"),
    LTXT("description", "Content"),
    OWNER(0),
    STATUS(V("planned", "held", "cancelled")),
    TAIL,
};
TYPE(briefing, "briefings", "Awareness session", "AWS", "7.3", "title",
     "Sessions of an awareness campaign", f_briefing);

/* Attendance of a person at a session; staff confirm their own
 * (POST /briefings/ID/attend: the person is the signed-in account's). */
static const struct field f_attendance[] = {
    REF("briefing", "Session", FL_REQUIRED | FL_LIST, "briefing"),
    REF("person", "Person", FL_REQUIRED | FL_LIST, "person"),
    DATE("attended_on", "Attended on", FL_REQUIRED | FL_LIST),
    F_("confirmed_by", "Confirmed by (account)", F_TEXT, FL_SYSTEM | FL_LIST, .max = 72),
    OWNER(0),
    STATUS(V("attended", "excused")),
    TAIL,
};
TYPE(attendance, "attendances", "Attendance", "ATN", "7.3", "person",
     "Who attended which awareness session", f_attendance);

/* ---- suppliers: assessments, questionnaires (A.5.19-5.23), privacy
 * register, access reviews (src/app/suppliers.c) ------------------------- */

/* One assessment of a supplier at a date: the supplier's next review is
 * computed from its latest final assessment and its criticality. */
static const struct field f_sassessment[] = {
    REF("supplier", "Supplier", FL_REQUIRED | FL_LIST, "supplier"),
    DATE("assessed_on", "Assessed on", FL_REQUIRED | FL_LIST),
    REF("assessor", "Assessor", FL_REQUIRED | FL_LIST, "person"),
    ENUM("method", "Method", 0,
         V("questionnaire", "document-review", "certificate-check", "on-site-audit", "other"),
         NULL),
    ENUM("result", "Result", FL_REQUIRED | FL_LIST,
         V("satisfactory", "needs-improvement", "unsatisfactory"), NULL),
    REF("questionnaire", "Questionnaire", 0, "questionnaire"),
    LTXT("findings", "Findings"),
    REFS("risks", "Supplier risks (findings)", "risk"),
    OWNER(0),
    STATUS(V("final", "draft")),
    TAIL,
};
TYPE(sassessment, "sassessments", "Supplier assessment", "SA", "A.5.22", "supplier",
     "Assessments of suppliers over time: date, assessor, result, findings, evidence",
     f_sassessment);

static const struct field f_qtemplate[] = {
    TXT("title", "Questionnaire", FL_REQUIRED | FL_LIST),
    LTXT("description", "Introduction shown to the supplier"),
    OWNER(0),
    STATUS(V("active", "draft")),
    TAIL,
};
TYPE(qtemplate, "qtemplates", "Questionnaire template", "QT", "A.5.20", "title",
     "Supplier questionnaire templates: their questions, answer types and weights",
     f_qtemplate);

/* Scoring (suppliers.c, docs/guide.md): yes-no earns its weight when the
 * answer is the expected one (empty: yes); choice earns weight x
 * (n-1-k)/(n-1) for the k-th of n choices (the first is best); number
 * earns its weight when at least expected; text is not scored. */
static const struct field f_qquestion[] = {
    REF("template", "Template", FL_REQUIRED | FL_LIST, "qtemplate"),
    INT("position", "Position", FL_LIST, 1, 999),
    F_("text", "Question", F_TEXT, FL_REQUIRED | FL_LIST, .max = 1000),
    ENUM("answer_type", "Answer type", FL_REQUIRED | FL_LIST,
         V("yes-no", "choice", "text", "number"), NULL),
    F_("choices", "Choices (separated by |, best first)", F_TEXT, 0, .max = 1000),
    TXT("expected", "Expected answer (yes-no: yes or no; number: the minimum)", 0),
    INT("weight", "Weight (empty: 1)", FL_LIST, 0, 100),
    OWNER(0),
    STATUS(v_active),
    TAIL,
};
TYPE(qquestion, "qquestions", "Questionnaire question", "QQ", "A.5.20", "text",
     "The questions of questionnaire templates", f_qquestion);

/* A questionnaire sent to a supplier contact as a link that needs no
 * account (/q/TOKEN; only the token's hash is stored, in qtoken). Sent,
 * expiry, completion and score are set by the program. */
static const struct field f_questionnaire[] = {
    REF("supplier", "Supplier", FL_REQUIRED | FL_LIST, "supplier"),
    REF("template", "Template", FL_REQUIRED | FL_LIST, "qtemplate"),
    TXT("contact", "Sent to", 0),
    DATE("sent_on", "Sent on", FL_SYSTEM | FL_LIST),
    DTIME("expires_at", "Link expires", FL_SYSTEM | FL_LIST),
    DTIME("completed_at", "Answered", FL_SYSTEM),
    NUM("score", "Score (%)", FL_SYSTEM | FL_LIST),
    LTXT("followup", "Follow-up"),
    REFS("risks", "Follow-up risks", "risk"),
    OWNER(0),
    STATUS(V("sent", "completed", "cancelled")),
    TAIL,
};
TYPE(questionnaire, "questionnaires", "Supplier questionnaire", "QR", "A.5.20", "supplier",
     "Questionnaires sent to suppliers, their answers and scores", f_questionnaire);

static const struct field f_processing[] = {
    TXT("name", "Processing activity", FL_REQUIRED | FL_LIST),
    F_("purpose", "Purpose", F_LONGTEXT, FL_REQUIRED, .max = 20000),
    ENUM("legal_basis", "Legal basis (GDPR Art. 6(1))", FL_REQUIRED | FL_LIST,
         V("consent", "contract", "legal-obligation", "vital-interests", "public-task",
           "legitimate-interests"),
         NULL),
    ENUM("role", "Our role", 0, V("controller", "joint-controller", "processor"), "controller"),
    TXT("data_subjects", "Data subjects", 0),
    LTXT("data_categories", "Categories of personal data"),
    BOOL("special_categories", "Special categories (Art. 9) or criminal data"),
    LTXT("recipients", "Recipients"),
    TXT("transfers", "Transfers outside the EEA (countries)", 0),
    ENUM("safeguards", "Transfer safeguards", 0,
         V("none-needed", "adequacy-decision", "standard-contractual-clauses",
           "binding-corporate-rules", "derogation"),
         NULL),
    TXT("retention", "Retention", FL_REQUIRED),
    REFS("systems", "Systems (assets)", "asset"),
    REFS("processors", "Processors (suppliers)", "supplier"),
    REFS("risks", "Risks", "risk"),
    OWNER(FL_REQUIRED),
    STATUS(v_active),
    TAIL,
};
TYPE(processing, "processing", "Processing activity", "PA", "A.5.34", "name",
     "The privacy register: processing of personal data (GDPR Art. 30)", f_processing);

static const struct field f_dpia[] = {
    TXT("title", "DPIA", FL_REQUIRED | FL_LIST),
    REF("processing", "Processing activity", FL_REQUIRED | FL_LIST, "processing"),
    LTXT("description", "Systematic description of the processing"),
    LTXT("necessity", "Necessity and proportionality"),
    REFS("risks", "Risks to data subjects", "risk"),
    LTXT("measures", "Measures to address the risks"),
    ENUM("decision", "Decision", FL_LIST,
         V("proceed", "proceed-with-measures", "consult-authority", "do-not-proceed"), NULL),
    LTXT("decision_rationale", "Reason for the decision"),
    DATE("decided_on", "Decided on", 0),
    OWNER(FL_REQUIRED),
    STATUS(V("draft", "in-progress", "complete")),
    TAIL,
};
TYPE(dpia, "dpias", "DPIA", "DPIA", "A.5.34", "title",
     "Data protection impact assessments (GDPR Art. 35), their risks and decision", f_dpia);

static const struct field f_areview[] = {
    TXT("title", "Access review", FL_REQUIRED | FL_LIST),
    REF("system", "System (asset)", FL_REQUIRED | FL_LIST, "asset"),
    DATE("started_on", "Started on", 0),
    DATE("due_date", "Due", FL_REQUIRED | FL_LIST),
    LTXT("description", "Scope and instructions"),
    OWNER(FL_REQUIRED),
    STATUS(V("open", "closed")),
    TAIL,
};
TYPE(areview, "areviews", "Access review", "AR", "A.5.18", "title",
     "Access review campaigns: who has access to a system, and reviewers' decisions",
     f_areview);

/* One account under review; the decision is set by `isms areview decide`
 * (the decider is the signed-in account), never typed. */
static const struct field f_aaccount[] = {
    REF("campaign", "Access review", FL_REQUIRED | FL_LIST, "areview"),
    TXT("account", "Account", FL_REQUIRED | FL_LIST),
    TXT("access", "Access (role, rights)", FL_LIST),
    TXT("group_name", "Group", FL_LIST),
    REF("reviewer", "Reviewer", FL_LIST, "person"),
    ENUM("decision", "Decision", FL_SYSTEM | FL_LIST, V("pending", "keep", "change", "revoke"),
         "pending"),
    F_("comment", "Comment", F_LONGTEXT, FL_SYSTEM, .max = 2000),
    TXT("decided_by", "Decided by (account)", FL_SYSTEM),
    DTIME("decided_at", "Decided at", FL_SYSTEM),
    DATE("done_on", "Change or revocation carried out on", 0),
    OWNER(0),
    STATUS(v_active),
    TAIL,
};
TYPE(aaccount, "aaccounts", "Reviewed account", "ACC", "A.5.18", "account",
     "Accounts in access reviews with their access and the reviewer's decision", f_aaccount);

/* ---- the table ---------------------------------------------------------- */

/* Order: as the standard's clauses run, so lists read like the standard. */
const struct rtype *const rtypes[] = {
    &t_issue,    &t_party,       &t_requirement, &t_scope,       &t_document,
    &t_role,     &t_person,      &t_asset,       &t_threat,      &t_vulnerability,
    &t_risk,     &t_action,      &t_control,     &t_objective,   &t_change,
    &t_training, &t_communication, &t_process,   &t_supplier,    &t_incident,
    &t_continuity, &t_metric,    &t_measurement, &t_audit,       &t_finding,
    &t_review,   &t_nonconformity, &t_corrective, &t_improvement,
    /* review */
    &t_raction,  &t_certificate, &t_cnc,
    /* audit */
    &t_ctest,    &t_ctrun,       &t_programme,   &t_checkitem,
    /* ops */
    &t_bcptest,  &t_exception,
    /* people */
    &t_responsibility, &t_competency, &t_qualification, &t_campaign, &t_briefing,
    &t_attendance,
    /* suppliers: assessments, questionnaires, privacy, access reviews */
    &t_sassessment, &t_qtemplate, &t_qquestion, &t_questionnaire, &t_processing, &t_dpia,
    &t_areview,  &t_aaccount,
};
const int nrtypes = (int)(sizeof rtypes / sizeof rtypes[0]);

const struct rtype *rtype_find(const char *name)
{
    for (int i = 0; i < nrtypes; i++) {
        if (strcmp(rtypes[i]->name, name) == 0 || strcmp(rtypes[i]->plural, name) == 0) {
            return rtypes[i];
        }
    }
    return NULL;
}

const struct rtype *rtype_of_ref(const char *ref)
{
    const char *dash = strchr(ref, '-');
    if (dash && dash > ref) {
        size_t n = (size_t)(dash - ref);
        for (int i = 0; i < nrtypes; i++) {
            if (strlen(rtypes[i]->prefix) == n && strncmp(rtypes[i]->prefix, ref, n) == 0) {
                return rtypes[i];
            }
        }
        return NULL;
    }
    /* catalogue controls: "8.24" (2022) or "A.5.1.1" (2013) */
    const char *p = ref;
    if (p[0] == 'A' && p[1] == '.') {
        p += 2;
    }
    if (*p < '0' || *p > '9') {
        return NULL;
    }
    for (; *p; p++) {
        if ((*p < '0' || *p > '9') && *p != '.') {
            return NULL;
        }
    }
    return &t_control;
}

int rtype_index(const struct rtype *t)
{
    for (int i = 0; i < nrtypes; i++) {
        if (rtypes[i] == t) {
            return i;
        }
    }
    return -1;
}

const struct field *rtype_sort_field(const struct rtype *t, const struct field *f)
{
    if (f && f->sort_by) {
        const struct field *g = rtype_field(t, f->sort_by, NULL);
        f = g ? g : f;
    }
    return f && f->type != F_REFS && f->type != F_LONGTEXT ? f : NULL;
}

int ftype_natural(enum ftype t)
{
    return t == F_TEXT || t == F_EMAIL || t == F_REF || t == F_SET;
}

int field_has_sortkey(const struct rtype *t, const struct field *f)
{
    if (!ftype_natural(f->type)) {
        return 0;
    }
    for (int i = 0; i < t->nfields; i++) {
        if (rtype_sort_field(t, &t->fields[i]) == f) {
            return 1;
        }
    }
    return 0;
}

const struct field *rtype_field(const struct rtype *t, const char *name, int *idx)
{
    char norm[64];
    size_t n = strlen(name);
    if (n >= sizeof norm) {
        return NULL;
    }
    /* a name with dashes is looked up with underscores; the others (the
     * program's own calls) as they are, without a copy */
    const char *want = name;
    if (memchr(name, '-', n)) {
        memcpy(norm, name, n + 1);
        for (char *p = norm; *p; p++) {
            if (*p == '-') {
                *p = '_';
            }
        }
        want = norm;
    }
    for (int i = 0; i < t->nfields; i++) {
        if (t->fields[i].name[0] == want[0] && strcmp(t->fields[i].name, want) == 0) {
            if (idx) {
                *idx = i;
            }
            return &t->fields[i];
        }
    }
    return NULL;
}

const char *ftype_name(enum ftype t)
{
    switch (t) {
    case F_TEXT: return "text";
    case F_LONGTEXT: return "longtext";
    case F_INT: return "integer";
    case F_NUMBER: return "number";
    case F_DATE: return "date";
    case F_DATETIME: return "datetime";
    case F_BOOL: return "boolean";
    case F_ENUM: return "enum";
    case F_SET: return "set";
    case F_REF: return "reference";
    case F_REFS: return "references";
    case F_EMAIL: return "email";
    }
    return "?";
}

const char *ftype_sql(enum ftype t)
{
    switch (t) {
    case F_INT:
    case F_BOOL: return "INTEGER";
    case F_NUMBER: return "REAL";
    case F_REFS: return NULL;
    default: return "TEXT";
    }
}
