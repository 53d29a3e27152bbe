/* perm.h — who may do what: the roles of SPEC.md §1 and the permission
 * rule the router applies to every request. Pure; no I/O. */
#ifndef ISMS_PERM_H
#define ISMS_PERM_H

#include "types.h"

enum role {
    ROLE_NONE = -1,
    ROLE_ADMIN,
    ROLE_MANAGER,
    ROLE_OWNER,
    ROLE_TOP,
    ROLE_AUDITOR,
    ROLE_STAFF,
    ROLE__COUNT
};

enum perm {
    PERM_PUBLIC,  /* anyone, signed in or not */
    PERM_LOGIN,   /* any signed-in account */
    PERM_READ,    /* read records of the route's type */
    PERM_CREATE,  /* create a record of the route's type */
    PERM_EDIT,    /* change the route's record */
    PERM_RETIRE,  /* retire the route's record */
    PERM_APPROVE, /* approvals: risk acceptance, SoA, plan (top management) */
    PERM_MANAGE,  /* ISMS-wide settings: method, SoA rows, transition */
    PERM_ADMIN,   /* accounts and tokens */
    PERM_HISTORY, /* read the history of the route's record, its earlier
                     versions and its evidence files (PERM_READ and
                     perm_sees_history: not staff on documents, whose files
                     are not versioned with the version in force) */
};

extern const char *const role_names[]; /* indexed by enum role, NULL-terminated */
enum role role_parse(const char *name);
const char *perm_name(enum perm p);

/* May an account with role r do p on type t (NULL for routes without a
 * type)? owns: the account's person owns the record (for PERM_EDIT and
 * PERM_RETIRE on one record; -1 when there is no record). */
int perm_allows(enum role r, enum perm p, const struct rtype *t, int owns);

/* Row-level visibility after perm_allows(PERM_READ): what each role sees
 * of a type's records, as data the store applies to every read (lists,
 * counts, search, one record by identifier), so pages, the API, CLI exports
 * and search agree. Staff see the incidents they reported themselves, and
 * of documents only the version in force (approved or published: never a
 * draft, never the working copy) of those classified public or internal or
 * addressed to them by the document's audience; every other role with read
 * permission sees every record.
 *   ROWS_ALL      every record
 *   ROWS_NONE     none
 *   ROWS_WHERE    the records whose field has value
 *   ROWS_RELEASED the released form of each record (store: struct
 *                 query.released), of the classifications in classes
 *                 (comma-separated) or addressed to person
 * person: the account's person or NULL. */
struct row_rule {
    enum { ROWS_ALL, ROWS_NONE, ROWS_WHERE, ROWS_RELEASED } kind;
    const char *field; /* ROWS_WHERE */
    const char *value;
    const char *classes; /* ROWS_RELEASED */
    const char *person;
};
struct row_rule perm_row_rule(enum role r, const struct rtype *t, const char *person);

struct record;
/* perm_row_rule applied to one record already read: 1 when the role may
 * see it. A ROWS_RELEASED rule cannot be decided on a record alone (the
 * audience lives in the store): 0 — read it through a query instead
 * (app_record_get_visible). */
int perm_visible(enum role r, const struct record *rec, const char *person);

/* What else of a record a role sees beyond its fields (the rows being
 * visible): its history entries, and its versions other than the one in
 * force (drafts, superseded ones) with their sign-offs. Staff see neither
 * for documents: history entries carry the bodies of drafts. */
int perm_sees_history(enum role r, const struct rtype *t);
int perm_sees_versions(enum role r, const struct rtype *t);

#endif
