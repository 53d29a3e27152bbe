/* framework.h — control frameworks beside Annex A (issue 14): importing a
 * control catalogue (OSCAL catalog JSON or CSV), listing and showing
 * frameworks with their hierarchy, mappings between controls of any two
 * frameworks (OLIR relationships, each change journaled) and the
 * compliance of a framework derived from the SoA through the mappings.
 *
 * The built-in frameworks (iso27001-2022, iso27001-2013, custom) keep their
 * controls as `control` records (the SoA); an imported framework's controls
 * are reference data (table fcontrol). Both are read into the same typed
 * `struct framework`, written to JSON once by framework_json. */
#ifndef ISMS_FRAMEWORK_H
#define ISMS_FRAMEWORK_H

#include <stddef.h>

#include "../lib/json.h"
#include "app.h"

/* Bounds of an imported catalogue (hostile input). */
#define FW_MAX_BYTES (64u * 1024 * 1024) /* file */
#define FW_MAX_DEPTH 64                  /* groups and controls within each other */
#define FW_MAX_PART_DEPTH 16             /* statement parts within each other */
#define FW_MAX_CONTROLS 20000
#define FW_MAX_ID 100
#define FW_MAX_TITLE 1000
#define FW_MAX_TEXT 100000

struct fw_control {
    char *id, *parent, *kind, *label, *title, *text, *status;
    int depth; /* 0 at the top */
};
struct framework {
    char *id, *title, *version, *source, *uuid, *oscal_version, *last_modified, *sha256,
        *imported_at, *imported_by;
    int builtin;
    long ngroups, ncontrols; /* controls include enhancements */
    struct fw_control *v;    /* with_controls only */
    size_t n, cap;
};
struct framework_list {
    struct framework *v;
    size_t n, cap;
};

/* A catalogue as read from a file, before it is stored. */
void framework_free(struct framework *f);
void framework_list_free(struct framework_list *l);
/* Appends a control (strings copied; NULL allowed but for id, kind, title). */
struct fw_control *framework_push(struct framework *f, const char *id, const char *parent,
                                  const char *kind, const char *label, const char *title,
                                  const char *text, const char *status, int depth);

/* Reads a catalogue (pure, no I/O; bounds above): OSCAL catalog JSON, or
 * CSV with the header framework,id,parent,title,text. Errors name where
 * (a JSON path, a CSV row) and what is wrong. The CSV's framework column
 * names the framework (one per file). */
int framework_read_oscal(const char *data, size_t len, struct framework *out, struct err *e);
int framework_read_csv(const char *data, size_t len, struct framework *out, struct err *e);

/* Imports the file's catalogue as framework id (NULL: the CSV's framework
 * column, or a slug of the OSCAL title); title overrides the catalogue's.
 * One transaction with one history entry (type framework, action import);
 * refused when the id exists. *out (optional) gets the stored framework. */
int app_framework_import(struct app *a, const char *data, size_t len, const char *filename,
                         const char *id, const char *title, struct framework *out,
                         struct err *e);
int app_frameworks(struct app *a, struct framework_list *out, struct err *e);
int app_framework(struct app *a, const char *id, int with_controls, struct framework *out,
                  struct err *e);
void framework_json(struct jw *w, const struct framework *f, int with_controls);

/* Mappings. rel: equal, subset, superset, intersects (A is REL of B). */
struct fw_mapping {
    long id; /* 0: the built-in 2013 -> 2022 correspondence */
    char *a_framework, *a_id, *b_framework, *b_id, *rel, *note, *created_at, *created_by;
};
struct fw_mappings {
    struct fw_mapping *v;
    size_t n, cap;
};
int app_fw_map_add(struct app *a, const char *from, const char *to, const char *rel,
                   const char *note, struct err *e);
int app_fw_map_remove(struct app *a, const char *from, const char *to, struct err *e);
/* CSV a_framework,a_id,relationship,b_framework,b_id[,note]: all or none. */
int app_fw_map_import(struct app *a, const char *data, size_t len, int *added, struct err *e);
/* The mappings with a side in framework (NULL: all); builtin adds the
 * 2013 -> 2022 correspondence (relationship intersects). */
int app_fw_maps(struct app *a, const char *framework, int builtin, struct fw_mappings *out,
                struct err *e);
void fw_mappings_free(struct fw_mappings *m);
void fw_mappings_json(struct jw *w, const struct fw_mappings *m);

/* Compliance: a control of the framework is met when a control record
 * mapped to it (or itself, for a built-in framework) is applicable and
 * implemented in the SoA. */
struct fw_comp_row {
    const struct fw_control *c;
    int mapped;            /* number of mappings */
    int met;               /* 1 when an implemented control maps to it */
    struct strlist via;    /* "iso27001-2022:5.18 (intersects)" implemented */
    struct strlist unmet;  /* mapped, not implemented */
};
struct fw_comp_group {
    char *id, *title;
    int controls, met, unmapped, unmet;
};
struct fw_compliance {
    struct framework fw;
    struct fw_comp_row *rows; /* one per control (groups excluded) */
    size_t nrows;
    struct fw_comp_group *groups;
    size_t ngroups;
    int controls, met, unmapped, unmet, percent;
};
int app_fw_compliance(struct app *a, const char *framework, struct fw_compliance *out,
                      struct err *e);
void fw_compliance_free(struct fw_compliance *c);
void fw_compliance_json(struct jw *w, const struct fw_compliance *c);

/* verify (called from app_verify): every imported framework's controls
 * hash to what its import entry recorded, and the mappings are exactly the
 * fold of their map/unmap entries; ERR_CONFLICT naming the first that is
 * not. */
int fw_verify(struct app *a, struct err *e);

#endif
