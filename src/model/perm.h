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
};

extern const char *const role_names[]; /* indexed by enum role, NULL-terminated */
enum role role_parse(const char *name);
const char *perm_name(enum perm p);

/* May an account with role r do p on type t (NULL for routes without a
 * type)? owns: the account's person owns the record (for PERM_EDIT and
 * PERM_RETIRE on one record; -1 when there is no record). */
int perm_allows(enum role r, enum perm p, const struct rtype *t, int owns);

/* Row-level visibility after perm_allows(PERM_READ): staff see approved
 * documents and the incidents they reported themselves; everyone else with
 * read permission sees every record. The rule as data, so listings can ask
 * the store for the visible rows only: all, none, or only the rows whose
 * field has value. person: the account's person or NULL. */
struct row_rule {
    enum { ROWS_ALL, ROWS_NONE, ROWS_WHERE } kind;
    const char *field; /* ROWS_WHERE */
    const char *value;
};
struct row_rule perm_row_rule(enum role r, const struct rtype *t, const char *person);

struct record;
/* perm_row_rule applied to one record. */
int perm_visible(enum role r, const struct record *rec, const char *person);

#endif
