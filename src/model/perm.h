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
 * (store_get with the principal). */
int perm_visible(enum role r, const struct record *rec, const char *person);

/* What else of a record a role sees beyond its fields (the rows being
 * visible): its history entries, and its versions other than the one in
 * force (drafts, superseded ones) with their sign-offs. Staff see neither
 * for documents: history entries carry the bodies of drafts. */
int perm_sees_history(enum role r, const struct rtype *t);
int perm_sees_versions(enum role r, const struct rtype *t);

/* ---- who is reading: the principal ---------------------------------------
 * Every read of the store takes one (store.h): there is no way to list,
 * count, search, fetch a record, follow its links or backlinks, read its
 * history, versions, sign-offs or attachments, or export without saying
 * who reads. PRINCIPAL_SYSTEM is internal work (rules, verify, the demo,
 * the CLI run by the file's owner): it sees every row. PRINCIPAL_ACCOUNT is
 * an authenticated account (a session, an API token, `--as ACCOUNT`), or
 * nobody signed in (account 0, role ROLE_NONE: sees nothing); it sees what
 * perm_row_rule / perm_sees_history / perm_sees_versions give its role. */
enum principal_kind { PRINCIPAL_ACCOUNT, PRINCIPAL_SYSTEM };
struct principal {
    enum principal_kind kind;
    enum role role;    /* ROLE_NONE for nobody; ROLE_ADMIN for the system */
    long account;      /* 0: none */
    char name[72];     /* the account's login name ("system" for the system) */
    char person[40];   /* the account's person, "" when it acts as none */
    /* accounts: the privacy rule (perm_rows, perm_field_hidden). 1 for an
     * outside reader — an auditor account with an end date — that was not
     * granted the personal data of others (`isms user edit NAME
     * --privacy-access yes --reason ...`); set from the account where the
     * principal is made (the router, `--as`), never from a request. */
    int personal_hidden;
    /* accounts: an external (certification-body) auditor — an auditor
     * account with an end date (perm_read_only): reads what its role reads
     * and writes nothing (perm_may, perm_may_request, perm_may_write). Set
     * where the principal is made, like personal_hidden, never from a
     * request. */
    int read_only;
};
/* The system principal: internal work that reads every row. */
struct principal principal_system(void);
/* The same, as a pointer for reads: `store_get(s, principal_sys(), ...)`
 * says in the code that this read is internal work. */
const struct principal *principal_sys(void);
/* Nobody signed in: sees nothing. */
struct principal principal_nobody(void);
/* An authenticated account (role by name: an unknown name is ROLE_NONE;
 * person NULL or "" when the account acts as no person). */
struct principal principal_account(long account, const char *name, const char *role,
                                   const char *person);
int principal_is_system(const struct principal *p);
/* The account's person or NULL (the system and nobody: NULL). */
const char *principal_person(const struct principal *p);

/* What a principal's reads depend on, for memo keys of text rendered from
 * them: the role's name when its role sees every row of every type (the
 * same for all its accounts), else "role/person" (with "+p" under the
 * privacy rule, "+r" for a read_only principal, whose pages offer no
 * writes); the system "system". */
const char *principal_view(const struct principal *p, char *buf, size_t size);

/* The rules above, for a principal (the system: every row, all history,
 * all versions). These are what the store applies. */
struct row_rule perm_rows(const struct principal *p, const struct rtype *t);
int perm_who_sees_history(const struct principal *p, const struct rtype *t);
int perm_who_sees_versions(const struct principal *p, const struct rtype *t);

/* ---- accounts: the privacy rule --------------------------------------------
 * What a staff member's privacy needs hidden from an outside reader (a
 * principal with personal_hidden): other people's evidence of training and
 * their attendance at awareness sessions (rows: their own only, as staff —
 * perm_rows), and the contact fields of suppliers and of questionnaires
 * (names and e-mail addresses of people: perm_field_hidden). The store
 * applies both to every read: a hidden field is unset in every record read,
 * cannot be filtered, searched or sorted on, and is removed from history
 * entries. Figures computed from many rows stay (counts name nobody). */
int perm_field_hidden(const struct principal *p, const struct rtype *t, const char *field);
/* 1 when perm_field_hidden holds for some field of t. */
int perm_hides_fields(const struct principal *p, const struct rtype *t);
/* The rule's decision for an account (role, end date set, grant given). */
int perm_personal_hidden(enum role r, int has_end_date, int privacy_access);

/* bundle: who reads the security log as evidence (the evidence bundle): the
 * system, administrators (who read it at /admin/log) and auditors, who
 * judge logging and access rights (A.8.15, A.5.18) from it; other roles'
 * bundles leave it out. The page and the API stay administrators' only. */
int perm_reads_security_log(const struct principal *p);

/* ---- accounts: the external auditor writes nothing --------------------------
 * An auditor account with an end date is an external (certification-body)
 * auditor: its principal has read_only set (perm_read_only decides it) and
 * may read everything an auditor reads, and create, edit, retire, approve,
 * sign or manage nothing. Internal auditors (no end date) keep the
 * auditor's rights. */
int perm_read_only(enum role r, int has_end_date);
/* 1 for the permissions that change the ISMS: create, edit, retire,
 * approve, manage, admin. */
int perm_writes(enum perm p);
/* May p change anything at all? The system yes; a read_only principal no. */
int perm_may_write(const struct principal *p);
/* The refusal of a read_only principal, for one request of permission perm:
 * 0 when perm writes, or when the request writes (writes: a POST, PATCH or
 * DELETE — the sign-offs, acknowledgements, attendance and decisions of
 * PERM_READ routes) on anything but the account itself (PERM_LOGIN: its
 * sign-out, second factor, calendar feed); else 1. The router asks it
 * after perm_allows; pages ask it to hide what the router would refuse. */
int perm_may_request(const struct principal *p, enum perm perm, int writes);
/* perm_allows for a principal: its role's rule and perm_may_request (the
 * system may do everything). */
int perm_may(const struct principal *p, enum perm perm, const struct rtype *t, int owns);

#endif
