/* perm.c — the permission rule, in one place (SPEC.md §1):
 *   admin           everything, including accounts
 *   manager         everything but accounts
 *   owner           reads all; creates the everyday records; edits and
 *                   retires the records they own
 *   top-management  reads all; approves; edits the records they own
 *   auditor         reads all; writes only audits and findings
 *   staff           reads the documents in force that are meant for them
 *                   (perm_row_rule), reports incidents */
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
                                        "retire", "approve", "manage", "admin", "history"};
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
                                        "vulnerability", "improvement", "corrective",
                                        "ctrun" /* audit: testers record test runs */, NULL};
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
    if (p == PERM_HISTORY) {
        return perm_allows(r, PERM_READ, t, owns) && perm_sees_history(r, t);
    }
    switch (r) {
    case ROLE_ADMIN: return 1;
    case ROLE_MANAGER: return p != PERM_ADMIN;
    case ROLE_OWNER:
        /* approve: a risk they own, or the plan (owners of its risks sign it);
         * whether they hold the capacity is decided when they sign */
        return p == PERM_READ || (p == PERM_CREATE && owner_creates(t)) ||
               ((p == PERM_EDIT || p == PERM_RETIRE) && owns == 1) ||
               (p == PERM_APPROVE && (owns == 1 || (owns == -1 && is(t, "action"))));
    case ROLE_TOP:
        return p == PERM_READ || p == PERM_APPROVE || (p == PERM_EDIT && owns == 1);
    case ROLE_AUDITOR:
        return p == PERM_READ ||
               ((p == PERM_CREATE || p == PERM_EDIT) &&
                (is(t, "audit") || is(t, "finding") || is(t, "checkitem") /* audit */));
    case ROLE_STAFF:
        return (p == PERM_READ && (is(t, "document") || is(t, "incident"))) ||
               (p == PERM_CREATE && is(t, "incident"));
    default: return 0;
    }
}

/* Classifications staff may read without being addressed by a document's
 * audience. */
static const char staff_classes[] = "public,internal";

struct row_rule perm_row_rule(enum role r, const struct rtype *t, const char *person)
{
    struct row_rule rule = {ROWS_ALL, NULL, NULL, NULL, NULL};
    if (r == ROLE_NONE) {
        rule.kind = ROWS_NONE;
    } else if (r == ROLE_STAFF) {
        rule.kind = ROWS_NONE;
        if (is(t, "document")) {
            rule = (struct row_rule){ROWS_RELEASED, NULL, NULL, staff_classes, person};
        } else if (is(t, "incident") && person && *person) {
            rule = (struct row_rule){ROWS_WHERE, "reported_by", person, NULL, NULL};
        }
    }
    return rule;
}

int perm_visible(enum role r, const struct record *rec, const char *person)
{
    struct row_rule rule = perm_row_rule(r, rec->type, person);
    if (rule.kind != ROWS_WHERE) {
        return rule.kind == ROWS_ALL;
    }
    const char *v = record_get(rec, rule.field);
    return v && strcmp(v, rule.value) == 0;
}

int perm_sees_history(enum role r, const struct rtype *t)
{
    return r != ROLE_NONE && !(r == ROLE_STAFF && is(t, "document"));
}

int perm_sees_versions(enum role r, const struct rtype *t)
{
    return r != ROLE_NONE && !(r == ROLE_STAFF && is(t, "document"));
}
