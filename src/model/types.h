/* types.h — the record types, declared once (types.c). Generic code in every
 * layer drives from these tables: CLI, validation, storage, JSON, history.
 * Pure data and pure functions; no I/O here. */
#ifndef ISMS_TYPES_H
#define ISMS_TYPES_H

#include <stddef.h>

enum ftype {
    F_TEXT,      /* one line, max chars */
    F_LONGTEXT,  /* several lines, max chars (a document's body is Markdown: web_markdown) */
    F_INT,       /* integer in [min, max] */
    F_NUMBER,    /* decimal number */
    F_DATE,      /* YYYY-MM-DD */
    F_DATETIME,  /* YYYY-MM-DDTHH:MM:SSZ */
    F_BOOL,      /* yes/no, stored 0/1 */
    F_ENUM,      /* one of values[] */
    F_SET,       /* several of values[], stored comma-separated in declared order */
    F_REF,       /* identifier of one record of type `ref` */
    F_REFS,      /* identifiers of records of type `ref`; stored in the link table */
    F_EMAIL,     /* an e-mail address, lightly checked */
};

enum fflag {
    FL_REQUIRED = 1 << 0, /* must have a value */
    FL_LIST = 1 << 1,     /* shown as a column in lists */
    FL_SYSTEM = 1 << 2,   /* set by the program, never by a user */
    FL_CATALOGUE = 1 << 3 /* fixed for records that came from a shipped catalogue */
};

struct field {
    const char *name;
    const char *label;
    enum ftype type;
    unsigned flags;
    const char *const *values; /* F_ENUM/F_SET: NULL-terminated */
    const char *ref;           /* F_REF/F_REFS: referenced type name */
    long min, max;             /* F_INT range; F_TEXT/F_LONGTEXT max characters */
    const char *def;           /* default value on creation, or NULL */
    const char *help;
    /* Listings ordered "by this field" order by that one instead (a risk
     * level by its score), or NULL. */
    const char *sort_by;
};

struct rtype {
    const char *name;   /* CLI and API name: "risk" */
    const char *plural; /* "risks" (URLs, table headings) */
    const char *label;  /* "Risk" */
    const char *prefix; /* identifier prefix: "R" gives R-0001 */
    const char *clause; /* where the standard asks for it: "6.1.2" */
    const char *help;   /* one sentence for `isms types` and help pages */
    const char *title_field; /* the field that names a record in lists/links */
    const struct field *fields;
    int nfields;
};

extern const struct rtype *const rtypes[];
extern const int nrtypes;

/* Looks up a type by name or plural; NULL if unknown. */
const struct rtype *rtype_find(const char *name);
/* The type an identifier belongs to ("R-0042" -> risk, "8.24" -> control). */
const struct rtype *rtype_of_ref(const char *ref);
/* Position of t in rtypes[]. */
int rtype_index(const struct rtype *t);
/* Field by name (accepts '-' for '_'); NULL if unknown. Index in *idx. */
const struct field *rtype_field(const struct rtype *t, const char *name, int *idx);
/* The field a listing "sorted by f" orders on: f's sort_by field, or f;
 * NULL when f is NULL or cannot be sorted on (long text, reference lists). */
const struct field *rtype_sort_field(const struct rtype *t, const struct field *f);
/* The types listings order naturally (natcasecmp_n): text, e-mail
 * addresses, references and sets (as stored, comma-separated). */
int ftype_natural(enum ftype t);
/* True when a listing of t can be ordered by f naturally: f is of a
 * natural type and some field of t sorts on it (rtype_sort_field). Such a
 * field has a stored sort key, natkey of its value, in the column named
 * f->name SORTKEY_SUFFIX (NULL when the value is): derived, never part of
 * the record, its history or an export. The one test of which fields have
 * one: the store's writes, the schema check and the migration use it. */
int field_has_sortkey(const struct rtype *t, const struct field *f);
#define SORTKEY_SUFFIX "_sk"
const char *ftype_name(enum ftype t);
/* SQL column type for a field (TEXT, INTEGER, REAL), or NULL for F_REFS. */
const char *ftype_sql(enum ftype t);

/* Names of the common fields every type has. */
#define FIELD_OWNER "owner"
#define FIELD_STATUS "status"
#define FIELD_CREATED "created"
#define FIELD_UPDATED "updated"
#define FIELD_RETIRED "retired"

/* Control identifiers come from their catalogue ("8.24", "A.5.1.1"); controls
 * added by the organization get the prefix. */
#define FRAMEWORK_2022 "iso27001-2022"
#define FRAMEWORK_2013 "iso27001-2013"
#define FRAMEWORK_CUSTOM "custom"

#endif
