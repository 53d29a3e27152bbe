/* oscal.h — OSCAL export (issue 14): the ISMS as NIST OSCAL 1.0.6 JSON
 * documents. Each document is first built as the typed structure below
 * from the records (read as the principal, a->who), then written once by
 * oscal_write with the json.h writer. UUIDs are stable: derived (UUIDv5
 * layout) from the ISMS's identity — the hash of its first history entry,
 * which never changes — and the kind and identifier of the record, so a
 * re-export gives the same UUIDs; metadata.last-modified is the time of the
 * last history entry and metadata.version its number, so an unchanged ISMS
 * exports the same bytes.
 *
 *   catalog               the organization's own controls (framework custom)
 *   ssp                   the SoA's applicable controls with their
 *                         implementation, the scope in force as the system
 *   component-definition  the same implementation statements as one
 *                         component (the ISMS) for reuse
 *   assessment-results    each audit a result, its findings as findings
 *   poam                  open nonconformities and risks under treatment
 *                         as POA&M items, risks with their remediations */
#ifndef ISMS_OSCAL_H
#define ISMS_OSCAL_H

#include <stddef.h>

#include "../lib/buf.h"
#include "app.h"

#define OSCAL_VERSION "1.0.6"

enum oscal_kind {
    OSCAL_CATALOG,
    OSCAL_SSP,
    OSCAL_COMPDEF,
    OSCAL_AR,
    OSCAL_POAM,
};

struct o_meta {
    const char *title, *last_modified, *version, *party_uuid, *party_name, *remarks;
};
struct o_control {
    const char *id, *title, *label, *prose, *part_id;
};
struct o_req { /* an implemented requirement */
    const char *uuid, *control_id, *status, *description, *remarks, *bc_uuid;
};
struct o_finding {
    const char *uuid, *title, *description, *target_id, *state, *obs_uuid, *kind, *evidence;
    const char *collected;
};
struct o_result {
    const char *uuid, *title, *description, *start, *end;
    const char **controls; /* reviewed: control tokens; none: include-all */
    size_t ncontrols;
    struct o_finding *findings;
    size_t nfindings;
};
struct o_remediation {
    const char *uuid, *lifecycle, *title, *description, *due;
};
struct o_risk {
    const char *uuid, *title, *description, *statement, *status, *likelihood, *impact;
    struct o_remediation *rem;
    size_t nrem;
};
struct o_item {
    const char *uuid, *title, *description, *risk_uuid, *ref;
};

struct oscal_doc {
    enum oscal_kind kind;
    const char *uuid;
    struct o_meta md;
    const char *resource_uuid, *resource_title, *resource_href; /* back-matter */
    /* catalog */
    struct o_control *controls;
    size_t ncontrols;
    /* ssp, component-definition */
    const char *system_id, *system_name, *system_description, *state, *boundary;
    const char *user_uuid, *component_uuid, *component_title, *component_description;
    const char *ci_uuid;
    struct o_req *reqs;
    size_t nreqs;
    /* assessment-results */
    struct o_result *results;
    size_t nresults;
    /* poam */
    struct o_risk *risks;
    size_t nrisks;
    struct o_item *items;
    size_t nitems;
    /* every string above is owned here */
    char **strs;
    size_t nstrs, capstrs;
};

/* "catalog", "ssp", ... -> kind; -1 when unknown. */
int oscal_kind_parse(const char *s);
/* Builds the document from the ISMS as a->who reads it. Refuses (naming
 * what is missing) a document OSCAL would not accept empty: a catalog with
 * no own control, an SSP or component definition with no applicable
 * control, assessment results with no audit. */
int app_oscal_build(struct app *a, enum oscal_kind kind, struct oscal_doc *out, struct err *e);
void oscal_doc_free(struct oscal_doc *d);
/* The one JSON writer of every document. */
void oscal_write(const struct oscal_doc *d, struct buf *out);
/* A stable UUID (RFC 4122 layout, version 5) for (isms, kind, ref). */
void oscal_uuid(const char *isms, const char *kind, const char *ref, char out[37]);

#endif
