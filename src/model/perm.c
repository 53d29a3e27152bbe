/* perm.c — the permission rule, in one place (SPEC.md §1):
 *   admin           everything, including accounts
 *   manager         everything but accounts
 *   owner           reads all; creates the everyday records; edits and
 *                   retires the records they own
 *   top-management  reads all; approves; edits the records they own
 *   auditor         reads all; writes only audits and findings; with an
 *                   end date (an external auditor: principal.read_only)
 *                   writes nothing
 *   staff           reads the documents in force that are meant for them
 *                   (perm_row_rule), reports incidents */
#include "perm.h"

#include "record.h"

#include <stdio.h>
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
        /* people: staff read competence requirements, awareness campaigns and
         * sessions, and their own evidence and attendance (perm_row_rule) */
        if (p == PERM_READ && (is(t, "competency") || is(t, "qualification") ||
                               is(t, "campaign") || is(t, "briefing") || is(t, "attendance"))) {
            return 1;
        }
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
        /* people: their own evidence of competence and attendance only */
        else if ((is(t, "qualification") || is(t, "attendance")) && person && *person) {
            rule = (struct row_rule){ROWS_WHERE, "person", person, NULL, NULL};
        } else if (is(t, "competency") || is(t, "campaign") || is(t, "briefing")) {
            rule.kind = ROWS_ALL;
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

/* ---- principals ------------------------------------------------------------ */

static void copy(char *dst, const char *src, size_t size)
{
    size_t n = src ? strlen(src) : 0;
    if (n >= size) {
        n = size - 1;
    }
    memcpy(dst, src ? src : "", n);
    dst[n] = 0;
}

struct principal principal_system(void)
{
    struct principal p = {PRINCIPAL_SYSTEM, ROLE_ADMIN, 0, "system", "", 0, 0};
    return p;
}

struct principal principal_nobody(void)
{
    struct principal p = {PRINCIPAL_ACCOUNT, ROLE_NONE, 0, "", "", 0, 0};
    return p;
}

struct principal principal_account(long account, const char *name, const char *role,
                                   const char *person)
{
    struct principal p = principal_nobody();
    p.account = account;
    p.role = account > 0 ? role_parse(role) : ROLE_NONE;
    copy(p.name, name, sizeof p.name);
    copy(p.person, person, sizeof p.person);
    return p;
}

int principal_is_system(const struct principal *p)
{
    return p && p->kind == PRINCIPAL_SYSTEM;
}

const char *principal_person(const struct principal *p)
{
    return p && p->kind == PRINCIPAL_ACCOUNT && p->person[0] ? p->person : NULL;
}

/* accounts: the privacy rule's rows — other people's training evidence
 * and attendance (their own, as for staff) */
static int personal_rows(const struct rtype *t)
{
    return is(t, "qualification") || is(t, "attendance");
}

struct row_rule perm_rows(const struct principal *p, const struct rtype *t)
{
    if (principal_is_system(p)) {
        return (struct row_rule){ROWS_ALL, NULL, NULL, NULL, NULL};
    }
    if (p && p->personal_hidden && p->role != ROLE_NONE && personal_rows(t)) {
        const char *person = principal_person(p);
        if (!person) {
            return (struct row_rule){ROWS_NONE, NULL, NULL, NULL, NULL};
        }
        return (struct row_rule){ROWS_WHERE, "person", person, NULL, NULL};
    }
    return perm_row_rule(p ? p->role : ROLE_NONE, t, principal_person(p));
}

/* accounts: the privacy rule's fields — people's names and addresses
 * outside the organisation's own register of people */
static const struct {
    const char *type, *field;
} personal_fields[] = {
    {"questionnaire", "contact"},
    {"supplier", "contact"},
};

int perm_field_hidden(const struct principal *p, const struct rtype *t, const char *field)
{
    if (!p || !p->personal_hidden || principal_is_system(p) || !t || !field) {
        return 0;
    }
    for (size_t i = 0; i < sizeof personal_fields / sizeof personal_fields[0]; i++) {
        if (is(t, personal_fields[i].type) && strcmp(field, personal_fields[i].field) == 0) {
            return 1;
        }
    }
    return 0;
}

int perm_hides_fields(const struct principal *p, const struct rtype *t)
{
    for (int i = 0; p && p->personal_hidden && t && i < t->nfields; i++) {
        if (perm_field_hidden(p, t, t->fields[i].name)) {
            return 1;
        }
    }
    return 0;
}

int perm_personal_hidden(enum role r, int has_end_date, int privacy_access)
{
    return r == ROLE_AUDITOR && has_end_date && !privacy_access;
}

int perm_reads_security_log(const struct principal *p)
{
    return p && (principal_is_system(p) || p->role == ROLE_ADMIN || p->role == ROLE_AUDITOR);
}

/* accounts: the external auditor */
int perm_read_only(enum role r, int has_end_date)
{
    return r == ROLE_AUDITOR && has_end_date;
}

int perm_writes(enum perm p)
{
    return p == PERM_CREATE || p == PERM_EDIT || p == PERM_RETIRE || p == PERM_APPROVE ||
           p == PERM_MANAGE || p == PERM_ADMIN;
}

int perm_may_write(const struct principal *p)
{
    return principal_is_system(p) || (p && !p->read_only);
}

int perm_may_request(const struct principal *p, enum perm perm, int writes)
{
    if (perm_may_write(p)) {
        return 1;
    }
    return !perm_writes(perm) && (!writes || perm == PERM_LOGIN || perm == PERM_PUBLIC);
}

int perm_may(const struct principal *p, enum perm perm, const struct rtype *t, int owns)
{
    if (principal_is_system(p)) {
        return 1;
    }
    return p && perm_may_request(p, perm, 0) && perm_allows(p->role, perm, t, owns);
}

int perm_who_sees_history(const struct principal *p, const struct rtype *t)
{
    return principal_is_system(p) || (p && perm_sees_history(p->role, t));
}

int perm_who_sees_versions(const struct principal *p, const struct rtype *t)
{
    return principal_is_system(p) || (p && perm_sees_versions(p->role, t));
}

const struct principal *principal_sys(void)
{
    static const struct principal sys = {PRINCIPAL_SYSTEM, ROLE_ADMIN, 0, "system", "", 0, 0};
    return &sys;
}

const char *principal_view(const struct principal *p, char *buf, size_t size)
{
    if (principal_is_system(p)) {
        copy(buf, "system", size);
        return buf;
    }
    enum role r = p ? p->role : ROLE_NONE;
    const char *name = r >= 0 && r < ROLE__COUNT ? role_names[r] : "none";
    int all = r != ROLE_NONE && !(p && (p->personal_hidden || p->read_only));
    for (int i = 0; all && i < nrtypes; i++) {
        all = perm_row_rule(r, rtypes[i], NULL).kind == ROWS_ALL;
    }
    if (all) {
        copy(buf, name, size);
    } else {
        /* accounts: the privacy rule reads differently ("+p"), an external
         * auditor's pages offer no writes ("+r") */
        snprintf(buf, size, "%s/%s%s%s", name, principal_person(p) ? principal_person(p) : "",
                 p && p->personal_hidden ? "+p" : "", p && p->read_only ? "+r" : "");
    }
    return buf;
}
