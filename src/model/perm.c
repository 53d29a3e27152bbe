/* perm.c — the permission rule, in one place (SPEC.md §1):
 *   admin           everything, including accounts
 *   manager         everything but accounts
 *   owner           reads all; creates the everyday records; edits and
 *                   retires the records they own
 *   top-management  reads all; approves; edits the records they own
 *   auditor         reads all; writes only audits and findings
 *   staff           reads approved policies (the handler filters by status),
 *                   reports incidents */
#include "perm.h"

#include "record.h"

#include <string.h>

const char *const role_names[] = {"admin", "manager", "owner", "top-management", "auditor",
                                  "staff", NULL};

enum role role_parse(const char *name)
{
    for (int i = 0; name && role_names[i]; i++) {
        if (strcmp(role_names[i], name) == 0) {
            return (enum role)i;
        }
    }
    return ROLE_NONE;
}

const char *perm_name(enum perm p)
{
    static const char *const names[] = {"public", "login", "read", "create", "edit",
                                        "retire", "approve", "manage", "admin"};
    return names[p];
}

static int is(const struct rtype *t, const char *name)
{
    return t && strcmp(t->name, name) == 0;
}

/* Records an owner may create: the everyday work of keeping their own
 * risks, assets and controls current. */
static int owner_creates(const struct rtype *t)
{
    static const char *const types[] = {"risk", "asset", "action", "incident", "measurement",
                                        "vulnerability", "improvement", "corrective", NULL};
    for (int i = 0; t && types[i]; i++) {
        if (strcmp(types[i], t->name) == 0) {
            return 1;
        }
    }
    return 0;
}

int perm_allows(enum role r, enum perm p, const struct rtype *t, int owns)
{
    if (p == PERM_PUBLIC) {
        return 1;
    }
    if (r == ROLE_NONE) {
        return 0;
    }
    if (p == PERM_LOGIN) {
        return 1;
    }
    switch (r) {
    case ROLE_ADMIN: return 1;
    case ROLE_MANAGER: return p != PERM_ADMIN;
    case ROLE_OWNER:
        return p == PERM_READ || (p == PERM_CREATE && owner_creates(t)) ||
               ((p == PERM_EDIT || p == PERM_RETIRE) && owns == 1);
    case ROLE_TOP:
        return p == PERM_READ || p == PERM_APPROVE || (p == PERM_EDIT && owns == 1);
    case ROLE_AUDITOR:
        return p == PERM_READ ||
               ((p == PERM_CREATE || p == PERM_EDIT) && (is(t, "audit") || is(t, "finding")));
    case ROLE_STAFF:
        return (p == PERM_READ && (is(t, "document") || is(t, "incident"))) ||
               (p == PERM_CREATE && is(t, "incident"));
    default: return 0;
    }
}

int perm_visible(enum role r, const struct record *rec, const char *person)
{
    if (r != ROLE_STAFF) {
        return r != ROLE_NONE;
    }
    if (is(rec->type, "document")) {
        const char *st = record_get(rec, FIELD_STATUS);
        return st && strcmp(st, "approved") == 0;
    }
    if (is(rec->type, "incident")) {
        const char *by = record_get(rec, "reported_by");
        return person && by && strcmp(by, person) == 0;
    }
    return 0;
}
