/* store_visible.c — what a principal sees of everything that hangs off a
 * record: its history entries, versions, sign-offs and attachments, and the
 * links between records. The rows themselves follow perm_rows (applied to
 * every record read in store_record.c); the rest follows from them here,
 * so every read function of store.h answers the same for the same
 * principal, whichever front end asks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/util.h"
#include "store_int.h"

const struct rtype *store_subject_type(const char *kind, const char *id)
{
    const struct rtype *t = id ? rtype_of_ref(id) : NULL;
    if (t || !kind) {
        return t;
    }
    /* subjects that are not one record: whose rows they are made of */
    if (strcmp(kind, "soa") == 0) {
        return rtype_find("control");
    }
    if (strcmp(kind, "method") == 0 || strcmp(kind, "plan") == 0) {
        return rtype_find("risk");
    }
    return rtype_find(kind);
}

int store_rule_column(const struct principal *who, const struct rtype *t, const char **field,
                      const char **value)
{
    *field = *value = NULL;
    struct row_rule rule = perm_rows(who, t);
    if (rule.kind == ROWS_ALL) {
        return 1;
    }
    if (rule.kind == ROWS_WHERE && t && rule.value) {
        const struct field *f = rtype_field(t, rule.field, NULL);
        if (f && f->type != F_REFS && strcmp(f->name, rule.field) == 0) {
            *field = f->name;
            *value = rule.value;
            return 2;
        }
    }
    return 0;
}

/* The state of a version, into state (size bytes); 0 when there is none. */
static int version_state(struct store *s, const char *kind, const char *subject, int number,
                         char *state, size_t size, struct err *e)
{
    struct dbst *st = store_prepare(s,
                                     "SELECT state FROM version WHERE subject_kind = ?1 AND "
                                     "subject_id = ?2 AND number = ?3",
                                     e);
    if (!st) {
        return -1;
    }
    store_bind_opt(st, 1, kind);
    store_bind_opt(st, 2, subject);
    db_bind_int(st, 3, number);
    int rc = store_step(s, st, e);
    int found = rc == DB_ROW;
    if (found) {
        strlcpy_(state, store_col(st, 0) ? store_col(st, 0) : "", size);
    }
    db_reset(st);
    return rc < 0 ? -1 : found;
}

static int in_force(const char *state)
{
    return state && (strcmp(state, "approved") == 0 || strcmp(state, "published") == 0 ||
                     strcmp(state, "in-force") == 0);
}

int store_sees_subject(struct store *s, const struct principal *who, const char *kind,
                       const char *id, int version, const char *state, int need, struct err *e)
{
    if (principal_is_system(who)) {
        return 1;
    }
    const struct rtype *t = store_subject_type(kind, id);
    struct row_rule rule = perm_rows(who, t);
    if (rule.kind == ROWS_NONE) {
        return 0;
    }
    if ((need & SEES_HISTORY) && !perm_who_sees_history(who, t)) {
        return 0;
    }
    if (rule.kind != ROWS_ALL) {
        /* one record: is it a row the principal sees? Otherwise (a
         * subject made of many rows) only a principal who sees them all */
        if (!t || !id || rtype_of_ref(id) != t) {
            return 0;
        }
        int seen = store_sees_record(s, who, t, id, e);
        if (seen <= 0) {
            return seen;
        }
    }
    if ((need & SEES_VERSIONS) && version > 0 && !perm_who_sees_versions(who, t)) {
        /* only the version in force, never a draft or a superseded one */
        char st[32] = "";
        if (!state) {
            int found = version_state(s, kind, id, version, st, sizeof st, e);
            if (found <= 0) {
                return found;
            }
            state = st;
        }
        return in_force(state);
    }
    return 1;
}

int store_sees_entry(struct store *s, const struct principal *who, const struct history_entry *h,
                     struct err *e)
{
    if (principal_is_system(who)) {
        return 1;
    }
    if (!h->ref || !h->type) {
        return 0;
    }
    /* "KIND:SUBJECT:N" (versions, their sign-offs) or a record's identifier */
    const char *c1 = strchr(h->ref, ':');
    if (c1) {
        const char *c2 = strrchr(h->ref, ':');
        char kind[64], subject[128];
        snprintf(kind, sizeof kind, "%.*s", (int)(c1 - h->ref), h->ref);
        snprintf(subject, sizeof subject, "%.*s", c2 > c1 ? (int)(c2 - c1 - 1) : (int)strlen(c1 + 1),
                 c1 + 1);
        int number = c2 > c1 ? (int)strtol(c2 + 1, NULL, 10) : 0;
        return store_sees_subject(s, who, kind, subject, number, NULL,
                                  SEES_HISTORY | SEES_VERSIONS, e);
    }
    const char *kind = rtype_find(h->type) ? h->type : NULL;
    return store_sees_subject(s, who, kind ? kind : h->type, h->ref, 0, NULL, SEES_HISTORY, e);
}
