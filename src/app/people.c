/* people.c — roles and responsibilities (5.3: the RACI matrix, records
 * without an owner), competence (7.2: gaps per role and person, the
 * readiness summary), awareness (7.3: completion per campaign and
 * department, attendance confirmed by the signer), and their task sources.
 * Typed structures computed from the records, each with one JSON writer;
 * every read is made as the principal (a->who: the store applies its row
 * rule), except where a line says why it reads as the system. */
#include "people.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/json.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "app_int.h"

#define GROW(p, n, cap, first)                                                \
    do {                                                                      \
        if ((n) == (cap)) {                                                   \
            (cap) = (cap) ? (cap) * 2 : (first);                              \
            (p) = xrealloc((p), (cap) * sizeof *(p));                         \
        }                                                                     \
    } while (0)

static const char *nz(const char *s)
{
    return s ? s : "";
}

static void cpy(char *dst, size_t n, const char *src)
{
    strlcpy_(dst, nz(src), n);
}

/* ---- reading as the principal ---------------------------------------------- */

/* a->who may read records of t and sees some of their rows. */
static int can_read(struct app *a, const struct rtype *t)
{
    return principal_is_system(&a->who) ||
           (perm_allows(a->who.role, PERM_READ, t, -1) &&
            perm_rows(&a->who, t).kind != ROWS_NONE);
}

/* The one person whose rows of type a->who sees, when its row rule is
 * "person = X" (staff: their own evidence and attendance); NULL when it
 * sees every row (or none: see can_read). The computed views restrict
 * their lines to that person, so no figure counts a row the principal may
 * not read. */
static const char *own_rows(struct app *a, const char *type)
{
    struct row_rule rule = perm_rows(&a->who, rtype_find(type));
    return rule.kind == ROWS_WHERE && rule.field && strcmp(rule.field, "person") == 0 &&
                   rule.value && *rule.value
               ? rule.value
               : NULL;
}

/* Every active record of type (as a->who sees them), only columns.
 * all: read as the system, also what a->who's row rule hides — only where
 * the output is then restricted to the principal's own rows (the roles a
 * staff member holds, the people of their own line) or only states are
 * used (who has left). */
static int list_type(struct app *a, const char *type, const char *const *columns, int all,
                     struct records *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    const struct rtype *t = rtype_find(type);
    if (!t) {
        return err_set(e, ERR_INTERNAL, NULL, "no record type %s", type);
    }
    if (!all && !can_read(a, t)) {
        return 0;
    }
    struct query q;
    memset(&q, 0, sizeof q);
    q.columns = columns;
    return store_list(a->st, all ? principal_sys() : &a->who, t, &q, records_add, out, e);
}

static int status_is(const struct record *r, const char *list)
{
    const char *s = record_get(r, FIELD_STATUS);
    return s && list_has(list, s);
}

/* Adds months to a date (the day clamped to the month's end). */
static void add_months16(const char *date, int months, char out[16]);
static void add_months(const char *date, int months, char out11[11])
{
    char out[16];
    add_months16(date, months, out);
    snprintf(out11, 11, "%.10s", out);
}

static void add_months16(const char *date, int months, char out[16])
{
    int y = atoi(date), m = atoi(date + 5), d = atoi(date + 8);
    if (y < 1 || y > 9000 || m < 1 || m > 12 || d < 1 || d > 31 || months < 0 || months > 2400) {
        snprintf(out, 16, "%.10s", date);
        return;
    }
    m += months;
    y += (m - 1) / 12;
    m = (m - 1) % 12 + 1;
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int max = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    snprintf(out, 16, "%04d-%02d-%02d", y % 10000, m % 13, (d > max ? max : d) % 32);
}

/* Calls fn for each item of a comma-separated list. */
static void each_item(const char *list, void (*fn)(void *ctx, const char *item), void *ctx)
{
    const char *p = list;
    while (p && *p) {
        const char *c = strchr(p, ',');
        size_t n = c ? (size_t)(c - p) : strlen(p);
        while (n && *p == ' ') {
            p++, n--;
        }
        while (n && p[n - 1] == ' ') {
            n--;
        }
        if (n && n < 200) {
            char item[200];
            memcpy(item, p, n);
            item[n] = 0;
            fn(ctx, item);
        }
        p = c ? c + 1 : NULL;
    }
}

/* ---- RACI ------------------------------------------------------------------- */

static const char *const raci_words[] = {"responsible", "accountable", "consulted", "informed",
                                         NULL};

static char raci_letter(const char *word)
{
    for (int i = 0; word && raci_words[i]; i++) {
        if (strcmp(raci_words[i], word) == 0) {
            return "RACI"[i];
        }
    }
    return 0;
}

/* "R", "a", "accountable" -> the word; "none"/"-" -> ""; else NULL. */
static const char *raci_word(const char *given)
{
    if (!given) {
        return NULL;
    }
    if (strcmp(given, "none") == 0 || strcmp(given, "-") == 0) {
        return "";
    }
    for (int i = 0; raci_words[i]; i++) {
        if ((given[0] == "RACI"[i] || given[0] == "raci"[i]) && given[1] == 0) {
            return raci_words[i];
        }
        if (strcmp(given, raci_words[i]) == 0) {
            return raci_words[i];
        }
    }
    return NULL;
}

void raci_free(struct raci *m)
{
    for (size_t i = 0; i < m->nrows; i++) {
        free(m->rows[i].cells);
    }
    free(m->rows);
    free(m->cols);
    memset(m, 0, sizeof *m);
}

static long raci_row_find(struct strmap *idx, const char *subject)
{
    const char *v;
    if (strmap_get(idx, subject, &v) && v) {
        return atol(v);
    }
    return -1;
}

static long raci_row_add(struct raci *m, struct strmap *idx, const char *subject,
                         const char *kind, const char *title, const char *owner)
{
    long i = raci_row_find(idx, subject);
    if (i >= 0) {
        return i;
    }
    GROW(m->rows, m->nrows, m->caprows, 32);
    struct raci_row *r = &m->rows[m->nrows];
    memset(r, 0, sizeof *r);
    cpy(r->subject, sizeof r->subject, subject);
    cpy(r->kind, sizeof r->kind, kind);
    cpy(r->title, sizeof r->title, title);
    cpy(r->owner, sizeof r->owner, owner);
    char n[24];
    snprintf(n, sizeof n, "%zu", m->nrows);
    strmap_put(idx, subject, n);
    return (long)m->nrows++;
}

int app_raci(struct app *a, struct raci *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    struct records procs, ctrls, resp, roles, people;
    memset(&procs, 0, sizeof procs);
    memset(&ctrls, 0, sizeof ctrls);
    memset(&resp, 0, sizeof resp);
    memset(&roles, 0, sizeof roles);
    memset(&people, 0, sizeof people);
    static const char *const pcols[] = {"name", FIELD_OWNER, FIELD_STATUS, NULL};
    static const char *const ccols[] = {"title", "applicable", FIELD_OWNER, NULL};
    static const char *const rcols[] = {"subject", "role", "person", "raci", FIELD_STATUS, NULL};
    static const char *const ncols[] = {"name", NULL};
    struct strmap idx = {0}, colidx = {0}, titles = {0};
    int rc = -1;
    if (list_type(a, "process", pcols, 0, &procs, e) ||
        list_type(a, "control", ccols, 0, &ctrls, e) ||
        list_type(a, "responsibility", rcols, 0, &resp, e) ||
        list_type(a, "role", ncols, 0, &roles, e) || list_type(a, "person", ncols, 0, &people, e)) {
        goto done;
    }
    for (size_t i = 0; i < roles.n; i++) {
        strmap_put(&titles, roles.v[i]->ref, record_get(roles.v[i], "name"));
    }
    for (size_t i = 0; i < people.n; i++) {
        strmap_put(&titles, people.v[i]->ref, record_get(people.v[i], "name"));
    }
    for (size_t i = 0; i < procs.n; i++) {
        const struct record *r = procs.v[i];
        raci_row_add(out, &idx, r->ref, "process", record_get(r, "name"),
                     record_get(r, FIELD_OWNER));
    }
    /* controls: applicable ones, and any with an assignment (below) */
    struct strmap cidx = {0};
    for (size_t i = 0; i < ctrls.n; i++) {
        const struct record *r = ctrls.v[i];
        char n[24];
        snprintf(n, sizeof n, "%zu", i);
        strmap_put(&cidx, r->ref, n);
        const char *ap = record_get(r, "applicable");
        if (ap && strcmp(ap, "1") == 0) {
            raci_row_add(out, &idx, r->ref, "control", record_get(r, "title"),
                         record_get(r, FIELD_OWNER));
        }
    }
    /* columns: every party named by an active assignment, roles first */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < resp.n; i++) {
            const struct record *r = resp.v[i];
            const char *party = record_get(r, pass == 0 ? "role" : "person");
            const char *have;
            if (!party || !status_is(r, "active") || strmap_get(&colidx, party, &have)) {
                continue;
            }
            GROW(out->cols, out->ncols, out->capcols, 16);
            struct raci_col *c = &out->cols[out->ncols];
            cpy(c->party, sizeof c->party, party);
            const char *name = NULL;
            strmap_get(&titles, party, &name);
            cpy(c->name, sizeof c->name, name ? name : party);
            char n[24];
            snprintf(n, sizeof n, "%zu", out->ncols++);
            strmap_put(&colidx, party, n);
        }
    }
    for (size_t i = 0; i < resp.n; i++) {
        const struct record *r = resp.v[i];
        const char *subject = record_get(r, "subject");
        if (!subject || !status_is(r, "active")) {
            continue;
        }
        long row = raci_row_find(&idx, subject);
        if (row < 0) {
            const char *ci;
            if (strmap_get(&cidx, subject, &ci) && ci) {
                const struct record *c = ctrls.v[atol(ci)];
                row = raci_row_add(out, &idx, subject, "control", record_get(c, "title"),
                                   record_get(c, FIELD_OWNER));
            } else {
                continue; /* a subject the viewer may not see, or retired */
            }
        }
        (void)row;
    }
    for (size_t i = 0; i < out->nrows; i++) {
        out->rows[i].cells = xmalloc(out->ncols + 1);
        memset(out->rows[i].cells, ' ', out->ncols);
        out->rows[i].cells[out->ncols] = 0;
    }
    for (size_t i = 0; i < resp.n; i++) {
        const struct record *r = resp.v[i];
        const char *subject = record_get(r, "subject");
        const char *party = record_get(r, "role");
        party = party ? party : record_get(r, "person");
        const char *col;
        long row = subject ? raci_row_find(&idx, subject) : -1;
        if (row < 0 || !party || !status_is(r, "active") || !strmap_get(&colidx, party, &col) ||
            !col) {
            continue;
        }
        char l = raci_letter(record_get(r, "raci"));
        if (l) {
            out->rows[row].cells[atol(col)] = l;
            out->rows[row].accountable += l == 'A';
        }
    }
    strmap_free(&cidx);
    rc = 0;
done:
    strmap_free(&idx);
    strmap_free(&colidx);
    strmap_free(&titles);
    records_free(&procs);
    records_free(&ctrls);
    records_free(&resp);
    records_free(&roles);
    records_free(&people);
    if (rc) {
        raci_free(out);
    }
    return rc;
}

void raci_json(struct jw *w, const struct raci *m)
{
    jw_obj(w);
    jw_key(w, "columns");
    jw_arr(w);
    for (size_t i = 0; i < m->ncols; i++) {
        jw_obj(w);
        jw_key(w, "party");
        jw_str(w, m->cols[i].party);
        jw_key(w, "name");
        jw_str(w, m->cols[i].name);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_key(w, "rows");
    jw_arr(w);
    for (size_t i = 0; i < m->nrows; i++) {
        const struct raci_row *r = &m->rows[i];
        jw_obj(w);
        jw_key(w, "subject");
        jw_str(w, r->subject);
        jw_key(w, "kind");
        jw_str(w, r->kind);
        jw_key(w, "title");
        jw_str(w, r->title);
        jw_key(w, "owner");
        jw_str(w, r->owner[0] ? r->owner : NULL);
        jw_key(w, "accountable_ok");
        jw_bool(w, r->accountable == 1);
        jw_key(w, "cells");
        jw_obj(w);
        for (size_t c = 0; c < m->ncols; c++) {
            if (r->cells[c] != ' ') {
                char l[2] = {r->cells[c], 0};
                jw_key(w, m->cols[c].party);
                jw_str(w, l);
            }
        }
        jw_obj_end(w);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_obj_end(w);
}

struct find_resp {
    const char *subject, *party;
    char ref[40];
    char accountable[40]; /* the other party accountable, if any */
};

static int on_resp(void *ctx, struct record *r)
{
    struct find_resp *f = ctx;
    const char *role = record_get(r, "role"), *person = record_get(r, "person");
    const char *party = role ? role : person;
    if (party && strcmp(party, f->party) == 0) {
        cpy(f->ref, sizeof f->ref, r->ref);
    } else if (party && status_is(r, "active") && nz(record_get(r, "raci"))[0] &&
               strcmp(record_get(r, "raci"), "accountable") == 0) {
        cpy(f->accountable, sizeof f->accountable, party);
    }
    record_free(r);
    return 0;
}

static int raci_set_tx(struct app *a, const char *subject, const char *party, const char *word,
                       int *changed, struct err *e)
{
    const struct rtype *rt = rtype_find("responsibility");
    struct query q;
    memset(&q, 0, sizeof q);
    const struct field *sf = rtype_field(rt, "subject", NULL);
    q.nfilter = 1;
    q.filter_field[0] = sf;
    q.filter_value[0] = subject;
    struct find_resp f = {subject, party, "", ""};
    /* a write: every cell of the subject, whoever asks (the router checked
     * the permission; one accountable counts hidden cells too) */
    if (store_list(a->st, principal_sys(), rt, &q, on_resp, &f, e)) {
        return -1;
    }
    if (word[0] && strcmp(word, "accountable") == 0 && f.accountable[0]) {
        return err_set(e, ERR_CONFLICT, "raci",
                       "raci: %s already has an accountable party (%s); one is accountable "
                       "(`isms raci set %s %s none` first)",
                       subject, f.accountable, subject, f.accountable);
    }
    if (f.ref[0]) {
        struct kv kv[2] = {{"raci", word[0] ? word : NULL}, {FIELD_STATUS, word[0] ? "active" : "inactive"}};
        int n = 2;
        if (!word[0]) {
            kv[0] = kv[1];
            n = 1;
        }
        return app_edit_tx(a, rt, f.ref, kv, n, 0, changed, e);
    }
    if (!word[0]) {
        *changed = 0;
        return 0;
    }
    int is_role = strncmp(party, "ROLE-", 5) == 0;
    int is_proc = strncmp(subject, "PRC-", 4) == 0;
    struct kv kv[3] = {{is_proc ? "process" : "control", subject},
                       {is_role ? "role" : "person", party},
                       {"raci", word}};
    char *ref = NULL;
    int rc = app_add_tx(a, rt, kv, 3, NULL, 0, &ref, e);
    free(ref);
    *changed = rc == 0;
    return rc;
}

/* Identifiers are not case-sensitive: "prc-0001" is PRC-0001. */
static const char *upper_id(const char *in, char *out, size_t n)
{
    if (!in || strlen(in) >= n) {
        return in;
    }
    for (size_t i = 0;; i++) {
        char ch = in[i];
        out[i] = (char)(ch >= 'a' && ch <= 'z' ? ch - 'a' + 'A' : ch);
        if (!ch) {
            break;
        }
    }
    return out;
}

int app_raci_set(struct app *a, const char *subject, const char *party, const char *letter,
                 int *changed, struct err *e)
{
    *changed = 0;
    char sbuf[48], pbuf[48];
    subject = upper_id(subject, sbuf, sizeof sbuf);
    party = upper_id(party, pbuf, sizeof pbuf);
    const struct rtype *st = str_empty(subject) ? NULL : rtype_of_ref(subject);
    if (!st || (strcmp(st->name, "process") != 0 && strcmp(st->name, "control") != 0)) {
        return err_set(e, ERR_INVALID, "subject",
                       "subject: name a process (PRC-...) or a control (e.g. 5.2), not '%.40s'",
                       subject ? subject : "");
    }
    if (str_empty(party) ||
        (strncmp(party, "ROLE-", 5) != 0 && strncmp(party, "P-", 2) != 0)) {
        return err_set(e, ERR_INVALID, "party", "party: a role (ROLE-...) or a person (P-...)");
    }
    const char *word = raci_word(letter);
    if (!word) {
        return err_set(e, ERR_INVALID, "raci",
                       "raci: R, A, C or I (responsible, accountable, consulted, informed), or "
                       "none to remove");
    }
    IN_TRANSACTION(a, e, raci_set_tx(a, subject, party, word, changed, e));
}

/* ---- owners ------------------------------------------------------------------ */

void owner_gaps_free(struct owner_gaps *g)
{
    free(g->v);
    memset(g, 0, sizeof *g);
}

static void gap_add(struct owner_gaps *g, const struct rtype *t, const char *ref,
                    const char *title, const char *reason)
{
    GROW(g->v, g->n, g->cap, 16);
    struct owner_gap *x = &g->v[g->n++];
    cpy(x->type, sizeof x->type, t->name);
    cpy(x->ref, sizeof x->ref, ref);
    cpy(x->title, sizeof x->title, title);
    cpy(x->reason, sizeof x->reason, reason);
    snprintf(x->link, sizeof x->link, "/%s/%s", t->plural, ref);
}

int app_owners_missing(struct app *a, struct owner_gaps *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    struct records people;
    static const char *const pcols[] = {FIELD_STATUS, NULL};
    /* who has left: all people, whatever the viewer (only their state is used) */
    if (list_type(a, "person", pcols, 1, &people, e)) {
        return -1;
    }
    struct strmap left = {0};
    for (size_t i = 0; i < people.n; i++) {
        if (status_is(people.v[i], "left")) {
            strmap_put(&left, people.v[i]->ref, "1");
        }
    }
    records_free(&people);
    int rc = 0;
    for (int i = 0; i < nrtypes && rc == 0; i++) {
        const struct rtype *t = rtypes[i];
        const struct field *of = rtype_field(t, FIELD_OWNER, NULL);
        int is_control = strcmp(t->name, "control") == 0;
        if (!of || (!(of->flags & FL_REQUIRED) && !is_control)) {
            continue;
        }
        const char *cols[] = {t->title_field, FIELD_OWNER, is_control ? "applicable" : NULL, NULL};
        struct records l;
        if (list_type(a, t->name, cols, 0, &l, e)) {
            rc = -1;
            break;
        }
        for (size_t j = 0; j < l.n; j++) {
            const struct record *r = l.v[j];
            const char *owner = record_get(r, FIELD_OWNER);
            const char *v;
            if (is_control) {
                const char *ap = record_get(r, "applicable");
                if (!ap || strcmp(ap, "1") != 0) {
                    continue;
                }
            }
            if (str_empty(owner)) {
                gap_add(out, t, r->ref, record_get(r, t->title_field),
                        is_control ? "applicable control without an owner" : "no owner");
            } else if (strmap_get(&left, owner, &v)) {
                char reason[80];
                snprintf(reason, sizeof reason, "owner %s has left", owner);
                gap_add(out, t, r->ref, record_get(r, t->title_field), reason);
            }
        }
        records_free(&l);
    }
    strmap_free(&left);
    if (rc) {
        owner_gaps_free(out);
    }
    return rc;
}

void owner_gaps_json(struct jw *w, const struct owner_gaps *g)
{
    jw_arr(w);
    for (size_t i = 0; i < g->n; i++) {
        const struct owner_gap *x = &g->v[i];
        jw_obj(w);
        jw_key(w, "type");
        jw_str(w, x->type);
        jw_key(w, "id");
        jw_str(w, x->ref);
        jw_key(w, "title");
        jw_str(w, x->title);
        jw_key(w, "reason");
        jw_str(w, x->reason);
        jw_key(w, "link");
        jw_str(w, x->link);
        jw_obj_end(w);
    }
    jw_arr_end(w);
}

/* ---- rules on the generic add and edit -------------------------------------- */

static void put(struct record *r, const char *field, const char *v)
{
    int i;
    if (rtype_field(r->type, field, &i)) {
        record_set_take(r, i, v ? xstrdup(v) : NULL);
    }
}

int people_derive(struct app *a, struct record *r, const struct record *orig, struct err *e)
{
    const char *type = r->type->name;
    if (strcmp(type, "responsibility") == 0) {
        const char *proc = record_get(r, "process"), *ctrl = record_get(r, "control");
        if (!str_empty(proc) && !str_empty(ctrl)) {
            return err_set(e, ERR_INVALID, "control",
                           "control: an assignment is for a process or a control, not both");
        }
        /* required when made; an edit may clear them (the assignment then
         * counts nowhere) */
        if (!orig && str_empty(proc) && str_empty(ctrl)) {
            return err_set(e, ERR_INVALID, "process",
                           "process: name the process (--process PRC-...) or the control "
                           "(--control ID) the assignment is for");
        }
        put(r, "subject", str_empty(proc) ? ctrl : proc);
        int has_role = !str_empty(record_get(r, "role")), has_person = !str_empty(record_get(r, "person"));
        if (has_role && has_person) {
            return err_set(e, ERR_INVALID, "person",
                           "person: an assignment is for a role or a person, not both");
        }
        if (!orig && !has_role && !has_person) {
            return err_set(e, ERR_INVALID, "role",
                           "role: name the role (--role ROLE-...) or the person (--person P-...)");
        }
        return 0;
    }
    if (strcmp(type, "qualification") == 0) {
        const char *from = record_get(r, "obtained_on"), *to = record_get(r, "expires_on");
        if (from && to && strcmp(to, from) < 0) {
            return err_set(e, ERR_INVALID, "expires_on",
                           "expires_on: %s is before the date the evidence was obtained (%s)", to,
                           from);
        }
        return 0;
    }
    if (strcmp(type, "campaign") == 0) {
        const char *aud = nz(record_get(r, "audience"));
        if (strcmp(aud, "departments") == 0 && str_empty(record_get(r, "audience_departments"))) {
            return err_set(e, ERR_INVALID, "audience_departments",
                           "audience_departments: an audience of departments names at least one");
        }
        if (strcmp(aud, "roles") == 0 && str_empty(record_get(r, "audience_roles"))) {
            return err_set(e, ERR_INVALID, "audience_roles",
                           "audience_roles: an audience of roles names at least one role");
        }
        return 0;
    }
    if (strcmp(type, "attendance") == 0) {
        /* who recorded it is the account acting, never a typed value */
        if (!orig) {
            put(r, "confirmed_by", a->signer.name[0] ? a->signer.name : a->actor);
        }
        return 0;
    }
    return 0;
}

/* ---- competence --------------------------------------------------------------- */

const char *comp_state_name(enum comp_state s)
{
    return s == COMP_MET ? "met" : s == COMP_EXPIRING ? "expiring" : "missing";
}

void comp_gaps_free(struct comp_gaps *g)
{
    free(g->v);
    memset(g, 0, sizeof *g);
}

struct comp_ctx {
    struct records roles, reqs, people;
    struct strmap person_idx; /* P-... -> index in people */
    struct strmap best;       /* "P-...|CMP-..." -> "expiry ref" / "never ref" */
};

static void comp_ctx_free(struct comp_ctx *c)
{
    records_free(&c->roles);
    records_free(&c->reqs);
    records_free(&c->people);
    strmap_free(&c->person_idx);
    strmap_free(&c->best);
}

/* The best evidence per person and requirement: never expiring beats any
 * date; a later date beats an earlier one. */
static int on_evidence(void *ctx, const char *ref, const char *p, const char *req,
                       const char *from, const char *until, int months)
{
    struct strmap *best = ctx;
    if (!p || !req || !from) {
        return 0;
    }
    char exp[11] = "";
    if (until) {
        cpy(exp, sizeof exp, until);
    } else if (months > 0) {
        add_months(from, months, exp);
    }
    char key[256], val[64];
    snprintf(key, sizeof key, "%s|%s", p, req);
    const char *have = NULL;
    if (strmap_get(best, key, &have) && have &&
        (strncmp(have, "never", 5) == 0 || (exp[0] && strncmp(have, exp, 10) >= 0))) {
        return 0;
    }
    snprintf(val, sizeof val, "%s %s", exp[0] ? exp : "never", ref);
    strmap_put(best, key, val);
    return 0;
}

static int comp_load(struct app *a, const char *only_person, struct comp_ctx *c, struct err *e)
{
    memset(c, 0, sizeof *c);
    static const char *const rolecols[] = {"name", "holders", FIELD_STATUS, NULL};
    static const char *const reqcols[] = {"title", "role", "evidenced_by", "validity_months",
                                          FIELD_STATUS, NULL};
    static const char *const pcols[] = {"name", "department", FIELD_STATUS, NULL};
    /* roles and people whatever the viewer: only the viewer's own lines are
     * given to staff (app_competence_gaps) */
    if (list_type(a, "role", rolecols, 1, &c->roles, e) ||
        list_type(a, "competency", reqcols, 0, &c->reqs, e) ||
        list_type(a, "person", pcols, 1, &c->people, e)) {
        return -1;
    }
    for (size_t i = 0; i < c->people.n; i++) {
        char n[24];
        snprintf(n, sizeof n, "%zu", i);
        strmap_put(&c->person_idx, c->people.v[i]->ref, n);
    }
    /* the evidence: one read without records (it is the large table), as
     * the principal: the store applies its row rule (staff: their own) */
    const struct rtype *qt = rtype_find("qualification");
    if (can_read(a, qt) &&
        store_people_evidence(a->st, &a->who, only_person, on_evidence, &c->best, e)) {
        return -1;
    }
    return 0;
}

struct holder_fn_ctx {
    struct app *a;
    struct comp_ctx *c;
    const struct record *role;
    const char *only_person, *today;
    char soon[11];
    struct comp_gaps *out;
};

static void on_holder(void *vctx, const char *person)
{
    struct holder_fn_ctx *h = vctx;
    struct comp_ctx *c = h->c;
    const char *pi;
    if ((h->only_person && strcmp(person, h->only_person) != 0) ||
        !strmap_get(&c->person_idx, person, &pi) || !pi) {
        return;
    }
    const struct record *pr = c->people.v[atol(pi)];
    if (!status_is(pr, "active,on-leave")) {
        return;
    }
    for (size_t k = 0; k < c->reqs.n; k++) {
        const struct record *req = c->reqs.v[k];
        const char *rrole = record_get(req, "role");
        if (!rrole || strcmp(rrole, h->role->ref) != 0 || !status_is(req, "active")) {
            continue;
        }
        GROW(h->out->v, h->out->n, h->out->cap, 32);
        struct comp_item *it = &h->out->v[h->out->n++];
        memset(it, 0, sizeof *it);
        cpy(it->role, sizeof it->role, h->role->ref);
        cpy(it->role_name, sizeof it->role_name, record_get(h->role, "name"));
        cpy(it->person, sizeof it->person, person);
        cpy(it->person_name, sizeof it->person_name, record_get(pr, "name"));
        cpy(it->department, sizeof it->department, record_get(pr, "department"));
        cpy(it->requirement, sizeof it->requirement, req->ref);
        cpy(it->title, sizeof it->title, record_get(req, "title"));
        cpy(it->evidenced_by, sizeof it->evidenced_by, record_get(req, "evidenced_by"));
        char key[256];
        snprintf(key, sizeof key, "%s|%s", person, req->ref);
        const char *best = NULL;
        if (!strmap_get(&c->best, key, &best) || !best) {
            it->state = COMP_MISSING;
        } else {
            const char *sp = strchr(best, ' ');
            cpy(it->evidence, sizeof it->evidence, sp ? sp + 1 : "");
            if (strncmp(best, "never", 5) == 0) {
                it->state = COMP_MET;
            } else {
                snprintf(it->expires, sizeof it->expires, "%.10s", best);
                if (strcmp(it->expires, h->today) < 0) {
                    it->state = COMP_MISSING;
                    it->expired = 1;
                } else if (strcmp(it->expires, h->soon) <= 0) {
                    it->state = COMP_EXPIRING;
                } else {
                    it->state = COMP_MET;
                }
            }
        }
        h->out->met += it->state == COMP_MET;
        h->out->expiring += it->state == COMP_EXPIRING;
        h->out->missing += it->state == COMP_MISSING;
    }
}

static int comp_compute(struct app *a, const char *role, const char *person, const char *q_today,
                        struct comp_gaps *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    /* the lines are the holders' of every role: a principal that sees only
     * its own evidence gets its own lines, one that sees none gets none */
    const char *own = own_rows(a, "qualification");
    int sees = can_read(a, rtype_find("qualification"));
    if (own || !sees) {
        if (person && (!own || strcmp(person, own) != 0)) {
            return err_set(e, ERR_NOTFOUND, "person", "no person %.40s", person);
        }
        person = own ? own : "-";
    }
    struct comp_ctx c;
    if (comp_load(a, person, &c, e)) {
        comp_ctx_free(&c);
        return -1;
    }
    struct holder_fn_ctx h = {a, &c, NULL, person, NULL, "", out};
    char today[11];
    if (q_today) {
        cpy(today, sizeof today, q_today);
    } else {
        date_today(today);
    }
    h.today = today;
    date_add_days(today, COMPETENCE_LEAD_DAYS, h.soon);
    int found_role = role == NULL;
    for (size_t i = 0; i < c.roles.n; i++) {
        const struct record *r = c.roles.v[i];
        if (role && strcmp(r->ref, role) != 0) {
            continue;
        }
        found_role = 1;
        if (!status_is(r, "active")) {
            continue;
        }
        h.role = r;
        each_item(record_get(r, "holders"), on_holder, &h);
    }
    const char *pi;
    int rc = 0;
    if (!found_role) {
        rc = err_set(e, ERR_NOTFOUND, "role", "no role %.40s", role);
    } else if (person && !own && sees && !strmap_get(&c.person_idx, person, &pi)) {
        rc = err_set(e, ERR_NOTFOUND, "person", "no person %.40s", person);
    }
    comp_ctx_free(&c);
    if (rc) {
        comp_gaps_free(out);
    }
    return rc;
}

int app_competence_gaps(struct app *a, const char *role, const char *person, const char *today,
                        struct comp_gaps *out, struct err *e)
{
    return comp_compute(a, role, person, today, out, e);
}

int app_competence_summary(struct app *a, const char *today, struct comp_summary *out,
                           struct err *e)
{
    memset(out, 0, sizeof *out);
    struct comp_gaps g;
    if (comp_compute(a, NULL, NULL, today, &g, e)) {
        return -1;
    }
    struct strmap seen = {0};
    for (size_t i = 0; i < g.n; i++) {
        const char *v = NULL;
        int known = strmap_get(&seen, g.v[i].person, &v);
        if (!known) {
            out->holders++;
            strmap_put(&seen, g.v[i].person, "covered");
        }
        if (g.v[i].state == COMP_MISSING) {
            out->gaps++;
            strmap_get(&seen, g.v[i].person, &v);
            if (v && strcmp(v, "covered") == 0) {
                strmap_put(&seen, g.v[i].person, "gap");
            }
        }
        out->expiring += g.v[i].state == COMP_EXPIRING;
    }
    for (size_t i = 0; i < seen.cap; i++) {
        if (seen.slot[i].key && seen.slot[i].value && strcmp(seen.slot[i].value, "covered") == 0) {
            out->covered++;
        }
    }
    strmap_free(&seen);
    comp_gaps_free(&g);
    return 0;
}

void comp_gaps_json(struct jw *w, const struct comp_gaps *g)
{
    jw_obj(w);
    jw_key(w, "met");
    jw_int(w, g->met);
    jw_key(w, "expiring");
    jw_int(w, g->expiring);
    jw_key(w, "missing");
    jw_int(w, g->missing);
    jw_key(w, "items");
    jw_arr(w);
    for (size_t i = 0; i < g->n; i++) {
        const struct comp_item *it = &g->v[i];
        jw_obj(w);
        jw_key(w, "role");
        jw_str(w, it->role);
        jw_key(w, "role_name");
        jw_str(w, it->role_name);
        jw_key(w, "person");
        jw_str(w, it->person);
        jw_key(w, "person_name");
        jw_str(w, it->person_name);
        jw_key(w, "requirement");
        jw_str(w, it->requirement);
        jw_key(w, "title");
        jw_str(w, it->title);
        jw_key(w, "evidenced_by");
        jw_str(w, it->evidenced_by);
        jw_key(w, "state");
        jw_str(w, comp_state_name(it->state));
        jw_key(w, "expired");
        jw_bool(w, it->expired);
        jw_key(w, "evidence");
        jw_str(w, it->evidence[0] ? it->evidence : NULL);
        jw_key(w, "expires");
        jw_str(w, it->expires[0] ? it->expires : NULL);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_obj_end(w);
}

int task_src_competence(struct app *a, const struct task_query *q, struct tasks *out,
                        struct err *e)
{
    struct comp_gaps g;
    if (comp_compute(a, NULL, NULL, q->today, &g, e)) {
        return -1;
    }
    char today[11];
    if (q->today) {
        cpy(today, sizeof today, q->today);
    } else {
        date_today(today);
    }
    int rc = 0;
    for (size_t i = 0; i < g.n && rc == 0; i++) {
        const struct comp_item *it = &g.v[i];
        if (it->state == COMP_MET) {
            continue;
        }
        char title[200], link[160];
        snprintf(title, sizeof title, "%s: %.80s (%.60s)",
                 it->state == COMP_EXPIRING ? "Renew evidence" : it->expired ? "Expired evidence"
                                                                             : "Evidence missing",
                 it->title, it->role_name);
        snprintf(link, sizeof link, "/competence/gaps?person=%s", it->person);
        rc = task_add(out, "competence", it->state == COMP_EXPIRING ? "Renew" : "Evidence",
                      it->person, title, it->person, it->expires[0] ? it->expires : today, link);
    }
    comp_gaps_free(&g);
    return rc ? err_set(e, ERR_INTERNAL, NULL, "out of memory") : 0;
}

/* ---- awareness ------------------------------------------------------------------ */

void aw_completion_free(struct aw_completion *c)
{
    free(c->dept);
    free(c->pending);
    free(c->sess);
    memset(c, 0, sizeof *c);
}

static int on_acked(void *ctx, const char *person, const char *name, const char *department,
                    const char *at)
{
    (void)name;
    (void)department;
    struct strmap *m = ctx;
    if (at) {
        const char *v = NULL;
        strmap_get(m, person, &v);
        char n[16];
        snprintf(n, sizeof n, "%d", v ? atoi(v) + 1 : 1);
        strmap_put(m, person, n);
    }
    return 0;
}

static void put_one(void *ctx, const char *item)
{
    strmap_put(ctx, item, "1");
}

/* What every awareness computation reads once: people, roles, sessions,
 * attendance (all rows: only figures, and the viewer's own line for staff,
 * leave this file). */
struct aw_data {
    struct records people, roles, sessions, att;
};

static void aw_data_free(struct aw_data *d)
{
    records_free(&d->people);
    records_free(&d->roles);
    records_free(&d->sessions);
    records_free(&d->att);
}

static int aw_load(struct app *a, struct aw_data *d, struct err *e)
{
    memset(d, 0, sizeof *d);
    static const char *const pcols[] = {"name", "department", FIELD_STATUS, NULL};
    static const char *const rcols[] = {"holders", FIELD_STATUS, NULL};
    static const char *const scols[] = {"campaign", "title", "held_on", FIELD_STATUS, NULL};
    static const char *const acols[] = {"briefing", "person", FIELD_STATUS, NULL};
    /* the audience (people, role holders) whatever the principal: the
     * lines are then restricted to the people whose attendance it sees
     * (aw_compute); the attendance itself as the principal */
    return list_type(a, "person", pcols, 1, &d->people, e) ||
                   list_type(a, "role", rcols, 1, &d->roles, e) ||
                   list_type(a, "briefing", scols, 0, &d->sessions, e) ||
                   /* accounts: the privacy rule — an outside reader gets the
                    * totals of everyone's attendance, never a line (aw_compute) */
                   list_type(a, "attendance", acols, a->who.personal_hidden, &d->att, e)
               ? -1
               : 0;
}

static int aw_compute(struct app *a, const struct aw_data *d, const struct record *c,
                      struct aw_completion *out, int with_pending, struct err *e)
{
    memset(out, 0, sizeof *out);
    cpy(out->campaign, sizeof out->campaign, c->ref);
    cpy(out->title, sizeof out->title, record_get(c, "title"));
    cpy(out->due, sizeof out->due, record_get(c, "due_date"));
    cpy(out->status, sizeof out->status, record_get(c, FIELD_STATUS));
    const char *mand = record_get(c, "mandatory");
    out->mandatory = mand && strcmp(mand, "1") == 0;
    const char *aud = nz(record_get(c, "audience"));
    struct strmap depts = {0}, roles = {0}, holders = {0}, sessions = {0}, attended = {0},
                  acked = {0}, deptidx = {0};
    int rc = 0;
    if (strcmp(aud, "departments") == 0) {
        each_item(record_get(c, "audience_departments"), put_one, &depts);
    } else if (strcmp(aud, "roles") == 0) {
        each_item(record_get(c, "audience_roles"), put_one, &roles);
        for (size_t i = 0; i < d->roles.n; i++) {
            const char *v;
            if (strmap_get(&roles, d->roles.v[i]->ref, &v) && status_is(d->roles.v[i], "active")) {
                each_item(record_get(d->roles.v[i], "holders"), put_one, &holders);
            }
        }
    }
    for (size_t i = 0; i < d->sessions.n; i++) {
        const struct record *s = d->sessions.v[i];
        const char *camp = record_get(s, "campaign");
        if (camp && strcmp(camp, c->ref) == 0 && !status_is(s, "cancelled")) {
            strmap_put(&sessions, s->ref, "1");
            out->sessions++;
            if (with_pending) {
                GROW(out->sess, out->nsess, out->capsess, 8);
                struct aw_session *x = &out->sess[out->nsess++];
                cpy(x->ref, sizeof x->ref, s->ref);
                cpy(x->title, sizeof x->title, record_get(s, "title"));
                cpy(x->held_on, sizeof x->held_on, record_get(s, "held_on"));
            }
        }
    }
    for (size_t i = 0; out->sessions && i < d->att.n; i++) {
        const struct record *t = d->att.v[i];
        const char *b = record_get(t, "briefing"), *p = record_get(t, "person"), *v;
        if (b && p && status_is(t, "attended") && strmap_get(&sessions, b, &v)) {
            strmap_put(&attended, p, "1");
        }
    }
    /* the policies: who acknowledged the version in force of each */
    const char *docs = record_get(c, "documents");
    const struct rtype *dt = rtype_find("document");
    for (const char *p = docs; p && *p && rc == 0;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        char ref[40];
        snprintf(ref, sizeof ref, "%.*s", (int)(n < 39 ? n : 39), p);
        p = comma ? comma + 1 : NULL;
        out->documents++;
        struct record *doc = NULL;
        struct err e2 = {0};
        if (store_get(a->st, &a->who, dt, ref, &doc, &e2)) {
            continue; /* gone or hidden: the principal cannot acknowledge it */
        }
        const char *inf = record_get(doc, "in_force");
        int version = inf ? atoi(inf) : 0;
        record_free(doc);
        if (version > 0) {
            struct doc_audience all = {"everyone", NULL, NULL};
            /* accounts: an outside reader's totals count everyone's (no lines) */
            rc = store_doc_ack_people(a->st, a->who.personal_hidden ? principal_sys() : &a->who,
                                      ref, version, &all, 0, 0, on_acked, &acked, e);
        }
    }
    /* the people counted are those whose attendance the principal sees:
     * everyone, only itself (staff), or nobody */
    const char *self = own_rows(a, "attendance");
    int sees = can_read(a, rtype_find("attendance"));
    /* accounts: the privacy rule — totals of everyone, no department or
     * person lines (a department of one names its person) */
    int totals_only = a->who.personal_hidden;
    if (totals_only) {
        self = NULL;
        sees = 1;
        with_pending = 0;
    }
    for (size_t i = 0; i < d->people.n && rc == 0 && sees; i++) {
        const struct record *p = d->people.v[i];
        const char *dep = nz(record_get(p, "department")), *v;
        if (!status_is(p, "active") || (self && strcmp(self, p->ref) != 0) ||
            (strcmp(aud, "departments") == 0 && !strmap_get(&depts, dep, &v)) ||
            (strcmp(aud, "roles") == 0 && !strmap_get(&holders, p->ref, &v))) {
            continue;
        }
        int att = strmap_get(&attended, p->ref, &v);
        int nack = strmap_get(&acked, p->ref, &v) && v ? atoi(v) : 0;
        int ack = nack >= out->documents;
        int done = (out->sessions || out->documents) && (!out->sessions || att) &&
                   (!out->documents || ack);
        out->people++;
        out->attended += att;
        out->acknowledged += out->documents && ack;
        out->done += done;
        if (totals_only) {
            continue;
        }
        long di;
        if (strmap_get(&deptidx, dep, &v) && v) {
            di = atol(v);
        } else {
            GROW(out->dept, out->ndept, out->capdept, 8);
            memset(&out->dept[out->ndept], 0, sizeof out->dept[0]);
            cpy(out->dept[out->ndept].department, sizeof out->dept[0].department, dep);
            char nb[24];
            snprintf(nb, sizeof nb, "%zu", out->ndept);
            strmap_put(&deptidx, dep, nb);
            di = (long)out->ndept++;
        }
        out->dept[di].people++;
        out->dept[di].done += done;
        if (!done && with_pending) {
            GROW(out->pending, out->npending, out->cappending, 32);
            struct aw_pending *x = &out->pending[out->npending++];
            cpy(x->person, sizeof x->person, p->ref);
            cpy(x->name, sizeof x->name, record_get(p, "name"));
            cpy(x->department, sizeof x->department, dep);
            x->attended = att;
            x->acknowledged = ack;
        }
    }
    strmap_free(&depts);
    strmap_free(&roles);
    strmap_free(&holders);
    strmap_free(&sessions);
    strmap_free(&attended);
    strmap_free(&acked);
    strmap_free(&deptidx);
    if (rc) {
        aw_completion_free(out);
    }
    return rc;
}

static int get_campaign(struct app *a, const char *ref, struct record **out, struct err *e)
{
    const struct rtype *t = rtype_find("campaign");
    if (!ref || rtype_of_ref(ref) != t) {
        return err_set(e, ERR_INVALID, "campaign", "campaign: an awareness campaign (AWC-...), "
                                                   "not '%.40s'", ref ? ref : "");
    }
    return app_record_get(a, t, ref, out, e);
}

int app_awareness_completion(struct app *a, const char *campaign, struct aw_completion *out,
                             struct err *e)
{
    memset(out, 0, sizeof *out);
    struct record *c = NULL;
    if (get_campaign(a, campaign, &c, e)) {
        return -1;
    }
    struct aw_data d;
    int rc = aw_load(a, &d, e) || aw_compute(a, &d, c, out, 1, e) ? -1 : 0;
    aw_data_free(&d);
    record_free(c);
    return rc;
}

static int active_campaigns(struct app *a, struct records *out, struct err *e)
{
    static const char *const cols[] = {"title", "audience", "audience_departments",
                                       "audience_roles", "mandatory", "due_date", "documents",
                                       FIELD_STATUS, NULL};
    return list_type(a, "campaign", cols, 0, out, e);
}

int app_awareness_overall(struct app *a, long *people, long *done, long *campaigns,
                          struct err *e)
{
    *people = *done = *campaigns = 0;
    struct records l;
    if (active_campaigns(a, &l, e)) {
        return -1;
    }
    struct aw_data d;
    int rc = 0;
    if (l.n && aw_load(a, &d, e)) {
        records_free(&l);
        return -1;
    }
    for (size_t i = 0; i < l.n && rc == 0; i++) {
        if (!status_is(l.v[i], "active")) {
            continue;
        }
        struct aw_completion c;
        if (aw_compute(a, &d, l.v[i], &c, 0, e)) {
            rc = -1;
            break;
        }
        *people += c.people;
        *done += c.done;
        (*campaigns)++;
        aw_completion_free(&c);
    }
    if (l.n) {
        aw_data_free(&d);
    }
    records_free(&l);
    return rc;
}

void aw_completion_json(struct jw *w, const struct aw_completion *c)
{
    jw_obj(w);
    jw_key(w, "campaign");
    jw_str(w, c->campaign);
    jw_key(w, "title");
    jw_str(w, c->title);
    jw_key(w, "status");
    jw_str(w, c->status);
    jw_key(w, "mandatory");
    jw_bool(w, c->mandatory);
    jw_key(w, "due_date");
    jw_str(w, c->due[0] ? c->due : NULL);
    jw_key(w, "sessions");
    jw_int(w, c->sessions);
    jw_key(w, "documents");
    jw_int(w, c->documents);
    jw_key(w, "people");
    jw_int(w, c->people);
    jw_key(w, "attended");
    jw_int(w, c->attended);
    jw_key(w, "acknowledged");
    jw_int(w, c->acknowledged);
    jw_key(w, "done");
    jw_int(w, c->done);
    jw_key(w, "percent");
    jw_num(w, c->people ? (double)(c->done * 1000 / c->people) / 10.0 : 0.0);
    jw_key(w, "departments");
    jw_arr(w);
    for (size_t i = 0; i < c->ndept; i++) {
        jw_obj(w);
        jw_key(w, "department");
        jw_str(w, c->dept[i].department);
        jw_key(w, "people");
        jw_int(w, c->dept[i].people);
        jw_key(w, "done");
        jw_int(w, c->dept[i].done);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_key(w, "pending");
    jw_arr(w);
    for (size_t i = 0; i < c->npending; i++) {
        const struct aw_pending *x = &c->pending[i];
        jw_obj(w);
        jw_key(w, "person");
        jw_str(w, x->person);
        jw_key(w, "name");
        jw_str(w, x->name);
        jw_key(w, "department");
        jw_str(w, x->department);
        jw_key(w, "attended");
        jw_bool(w, x->attended);
        jw_key(w, "acknowledged");
        jw_bool(w, x->acknowledged);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_obj_end(w);
}

static int find_attendance(void *ctx, struct record *r)
{
    char *ref = ctx;
    if (!ref[0]) {
        cpy(ref, 24, r->ref);
    }
    record_free(r);
    return 0;
}

static int attend_tx(struct app *a, const char *briefing, const char *date, char *ref_out,
                     size_t n, int *existing, struct err *e)
{
    const struct rtype *bt = rtype_find("briefing"), *at = rtype_find("attendance");
    struct record *b = NULL;
    if (app_record_get(a, bt, briefing, &b, e)) { /* as the principal: a session it sees */
        return -1;
    }
    int cancelled = status_is(b, "cancelled") || record_get(b, FIELD_RETIRED);
    record_free(b);
    if (cancelled) {
        return err_set(e, ERR_CONFLICT, "briefing", "session %s is cancelled or retired", briefing);
    }
    struct query q;
    memset(&q, 0, sizeof q);
    q.nfilter = 2;
    q.filter_field[0] = rtype_field(at, "briefing", NULL);
    q.filter_value[0] = briefing;
    q.filter_field[1] = rtype_field(at, "person", NULL);
    q.filter_value[1] = a->signer.person;
    char found[24] = "";
    /* a write: the signer's own attendance, read as the system */
    if (store_list(a->st, principal_sys(), at, &q, find_attendance, found, e)) {
        return -1;
    }
    if (found[0]) {
        *existing = 1;
        cpy(ref_out, n, found);
        return 0;
    }
    char today[11];
    date_today(today);
    struct kv kv[3] = {{"briefing", briefing}, {"person", a->signer.person},
                       {"attended_on", date && *date ? date : today}};
    char *ref = NULL;
    if (app_add_tx(a, at, kv, 3, NULL, 0, &ref, e)) {
        return -1;
    }
    cpy(ref_out, n, ref);
    free(ref);
    return 0;
}

int app_attendance_confirm(struct app *a, const char *briefing, const char *date, char *ref_out,
                           size_t n, int *existing, struct err *e)
{
    *existing = 0;
    ref_out[0] = 0;
    if (!a->signer.account || !a->signer.person[0]) {
        return err_set(e, ERR_FORBIDDEN, NULL,
                       "confirming attendance needs a signed-in account that acts as a person");
    }
    if (!briefing || rtype_of_ref(briefing) != rtype_find("briefing")) {
        return err_set(e, ERR_INVALID, "briefing", "briefing: an awareness session (AWS-...), not "
                                                   "'%.40s'", briefing ? briefing : "");
    }
    char today[11];
    date_today(today);
    if (date && *date && strcmp(date, today) > 0) {
        return err_set(e, ERR_INVALID, "attended_on", "attended_on: %.10s is in the future", date);
    }
    IN_TRANSACTION(a, e, attend_tx(a, briefing, date, ref_out, n, existing, e));
}

int task_src_awareness(struct app *a, const struct task_query *q, struct tasks *out,
                       struct err *e)
{
    (void)q;
    struct records l;
    if (active_campaigns(a, &l, e)) {
        return -1;
    }
    struct aw_data d;
    if (l.n && aw_load(a, &d, e)) {
        records_free(&l);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < l.n && rc == 0; i++) {
        const struct record *c = l.v[i];
        const char *mand = record_get(c, "mandatory"), *due = record_get(c, "due_date");
        if (!status_is(c, "active") || !mand || strcmp(mand, "1") != 0 || !due) {
            continue;
        }
        struct aw_completion k;
        if (aw_compute(a, &d, c, &k, 1, e)) {
            rc = -1;
            break;
        }
        char title[200], link[160];
        snprintf(link, sizeof link, "/campaigns/%s/completion", c->ref);
        for (size_t j = 0; j < k.npending && rc == 0; j++) {
            snprintf(title, sizeof title, "Complete mandatory awareness: %.120s%s",
                     nz(record_get(c, "title")),
                     k.pending[j].attended || !k.sessions ? " (acknowledge the policies)" : "");
            if (task_add(out, "awareness", "Complete", c->ref, title, k.pending[j].person, due,
                         link)) {
                rc = err_set(e, ERR_INTERNAL, NULL, "out of memory");
            }
        }
        aw_completion_free(&k);
    }
    if (l.n) {
        aw_data_free(&d);
    }
    records_free(&l);
    return rc;
}
