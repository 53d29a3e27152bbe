/* store_documents.c — the queries of document control and acknowledgement
 * (7.5, 7.3) on the shared versions and sign-offs: who a document's
 * audience is, how far acknowledgement of one version has come (per
 * department, in SQL), and what one person still has to acknowledge or
 * review. Values bound; the only SQL text is below. */
#include <stdio.h>
#include <string.h>

#include "store_int.h"

/* The people an audience names (bound :aud, :deps, :roles — the
 * audience, its departments and its roles, comma-separated): active,
 * not retired; everyone, or those of a listed department or holding a
 * listed role. */
#define AUDIENCE_OF_P                                                                          \
    "p.retired IS NULL AND p.status = 'active' AND (:aud = 'everyone' OR (:aud = 'selected'"   \
    " AND ((p.department IS NOT NULL AND instr(',' || :deps || ',', ',' || p.department || ','" \
    ") > 0) OR EXISTS (SELECT 1 FROM link l WHERE l.dst = p.ref AND l.rel = 'holders'"          \
    " AND instr(',' || :roles || ',', ',' || l.src || ',') > 0))))"

/* Has p acknowledged version :v of document :ref? (index signoff_ack) */
#define ACKED_BY_P                                                                             \
    "EXISTS (SELECT 1 FROM signoff s WHERE s.subject_kind = 'document' AND s.subject_id = :ref" \
    " AND s.version = :v AND s.kind = 'acknowledgement' AND s.person = p.ref)"

static void bind_name(struct dbst *st, const char *name, const char *v)
{
    int i = db_param_index(st, name);
    if (i) {
        store_bind_opt(st, i, v);
    }
}

static void bind_audience(struct dbst *st, const char *ref, int version,
                          const struct doc_audience *au)
{
    bind_name(st, ":ref", ref);
    int i = db_param_index(st, ":v");
    if (i) {
        db_bind_int(st, i, version);
    }
    bind_name(st, ":aud", au->audience ? au->audience : "none");
    bind_name(st, ":deps", au->departments ? au->departments : "");
    bind_name(st, ":roles", au->roles ? au->roles : "");
}

/* 1 when the principal sees version of document ref, 0 not, -1 error. */
static int sees_version(struct store *s, const struct principal *who, const char *ref,
                        int version, struct err *e)
{
    return store_sees_subject(s, who, "document", ref, version, NULL, SEES_VERSIONS, e);
}

int store_doc_ack_completion(struct store *s, const struct principal *who, const char *ref,
                             int version, const struct doc_audience *au, store_ack_dept_fn fn,
                             void *ctx, struct err *e)
{
    int seen = sees_version(s, who, ref, version, e);
    if (seen <= 0) {
        return seen;
    }
    /* accounts: the privacy rule — an outside reader gets one line of
     * totals (a department of one would name its person) */
    int totals = who && who->personal_hidden && !principal_is_system(who);
    struct dbst *st = store_prepare(s,
                                     totals ? "SELECT '(all departments)', count(*), "
                                              "coalesce(sum(CASE WHEN " ACKED_BY_P " THEN 1 ELSE 0 END), 0) "
                                              "FROM person p "
                                              "WHERE " AUDIENCE_OF_P
                                            : "SELECT coalesce(p.department, ''), count(*), "
                                              "sum(CASE WHEN " ACKED_BY_P " THEN 1 ELSE 0 END) FROM "
                                              "person p WHERE "
                                              AUDIENCE_OF_P " GROUP BY 1 ORDER BY 1",
                                     e);
    if (!st) {
        return -1;
    }
    bind_audience(st, ref, version, au);
    int rc;
    while ((rc = store_step(s, st, e)) == DB_ROW) {
        if (fn(ctx, store_col(st, 0), (long)db_col_int64(st, 1),
               (long)db_col_int64(st, 2))) {
            break;
        }
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}

int store_doc_ack_people(struct store *s, const struct principal *who, const char *ref,
                         int version, const struct doc_audience *au, int pending_only,
                         long limit, store_ack_person_fn fn, void *ctx, struct err *e)
{
    int seen = sees_version(s, who, ref, version, e);
    if (seen <= 0) {
        return seen;
    }
    /* accounts: the privacy rule — an outside reader sees only its own
     * acknowledgement, never who else acknowledged (perm.h) */
    const char *only = NULL;
    if (who && who->personal_hidden && !principal_is_system(who)) {
        only = principal_person(who);
        if (!only) {
            return 0;
        }
    }
    struct dbst *st = store_prepare(
        s,
        "SELECT p.ref, p.name, p.department, (SELECT min(s.at) FROM signoff s WHERE "
        "s.subject_kind = 'document' AND s.subject_id = :ref AND s.version = :v AND "
        "s.kind = 'acknowledgement' AND s.person = p.ref) AS at FROM person p WHERE " AUDIENCE_OF_P
        " AND (:pending = 0 OR NOT " ACKED_BY_P ") AND (:only IS NULL OR p.ref = :only) "
        "ORDER BY p.id LIMIT :limit",
        e);
    if (!st) {
        return -1;
    }
    bind_audience(st, ref, version, au);
    bind_name(st, ":only", only);
    db_bind_int(st, db_param_index(st, ":pending"), pending_only);
    db_bind_limit(st, db_param_index(st, ":limit"), limit);
    int rc;
    while ((rc = store_step(s, st, e)) == DB_ROW) {
        if (fn(ctx, store_col(st, 0), store_col(st, 1), store_col(st, 2), store_col(st, 3))) {
            break;
        }
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}

int store_doc_pending_acks(struct store *s, const struct principal *who, const char *person,
                           store_doc_task_fn fn, void *ctx, struct err *e)
{
    /* the released view (migration 0010): the versions in force, with the
     * audience they were approved with */
    struct dbst *st = store_prepare(
        s,
        "SELECT d.ref, d.title, d.in_force FROM document_released d JOIN person p ON p.ref = :p"
        " WHERE d.retired IS NULL AND p.retired IS NULL AND (d.audience = 'everyone' OR"
        " (d.audience = 'selected' AND ((p.department IS NOT NULL AND"
        " instr(',' || d.audience_departments || ',', ',' || p.department || ',') > 0) OR"
        " EXISTS (SELECT 1 FROM json_each(d.audience_roles) r JOIN link l ON l.src = r.value"
        " AND l.rel = 'holders' AND l.dst = p.ref))))"
        " AND NOT EXISTS (SELECT 1 FROM signoff s WHERE s.subject_kind = 'document' AND"
        " s.subject_id = d.ref AND s.version = d.in_force AND s.kind = 'acknowledgement' AND"
        " s.person = p.ref) ORDER BY d.id",
        e);
    if (!st) {
        return -1;
    }
    bind_name(st, ":p", person);
    int rc;
    while ((rc = store_step(s, st, e)) == DB_ROW) {
        int seen = sees_version(s, who, store_col(st, 0), db_col_int(st, 2), e);
        if (seen < 0) {
            rc = -1;
            break;
        }
        if (seen && fn(ctx, store_col(st, 0), store_col(st, 1), db_col_int(st, 2),
                       "acknowledge")) {
            break;
        }
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}

int store_doc_in_review(struct store *s, const struct principal *who, store_doc_task_fn fn,
                        void *ctx, struct err *e)
{
    /* what the latest version in review still needs: a review, or (once
     * reviewed) an approval */
    struct dbst *st = store_prepare(
        s,
        "SELECT d.ref, d.title, v.number, CASE WHEN EXISTS (SELECT 1 FROM signoff s WHERE"
        " s.subject_kind = 'document' AND s.subject_id = d.ref AND s.version = v.number AND"
        " s.kind = 'review') THEN 'approve' ELSE 'review' END FROM document d JOIN version v ON"
        " v.subject_kind = 'document' AND v.subject_id = d.ref AND v.state = 'in-review'"
        " WHERE d.retired IS NULL AND d.status = 'in-review' ORDER BY d.id",
        e);
    if (!st) {
        return -1;
    }
    int rc;
    while ((rc = store_step(s, st, e)) == DB_ROW) {
        int seen = sees_version(s, who, store_col(st, 0), db_col_int(st, 2), e);
        if (seen < 0) {
            rc = -1;
            break;
        }
        if (seen && fn(ctx, store_col(st, 0), store_col(st, 1), db_col_int(st, 2),
                       store_col(st, 3))) {
            break;
        }
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}

int store_doc_ack_counts(struct store *s, const struct principal *who, const char *ref,
                         store_doc_count_fn fn, void *ctx, struct err *e)
{
    struct dbst *st = store_prepare(s,
                                     "SELECT version, count(DISTINCT person) FROM signoff WHERE "
                                     "subject_kind = 'document' AND subject_id = ?1 AND "
                                     "kind = 'acknowledgement' GROUP BY version",
                                     e);
    if (!st) {
        return -1;
    }
    db_bind_text(st, 1, ref, -1);
    int rc;
    while ((rc = store_step(s, st, e)) == DB_ROW) {
        int seen = sees_version(s, who, ref, db_col_int(st, 0), e);
        if (seen < 0) {
            rc = -1;
            break;
        }
        if (seen && fn(ctx, db_col_int(st, 0), (long)db_col_int64(st, 1))) {
            break;
        }
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}

int store_doc_acked(struct store *s, const struct principal *who, const char *ref, int version,
                    const char *person, char *at, size_t size, struct err *e)
{
    int seen = sees_version(s, who, ref, version, e);
    if (seen <= 0) {
        return seen;
    }
    struct dbst *st = store_prepare(s,
                                     "SELECT min(at) FROM signoff WHERE subject_kind = "
                                     "'document' AND subject_id = ?1 AND version = ?2 AND "
                                     "kind = 'acknowledgement' AND person = ?3",
                                     e);
    if (!st) {
        return -1;
    }
    db_bind_text(st, 1, ref, -1);
    db_bind_int(st, 2, version);
    db_bind_text(st, 3, person, -1);
    int rc = store_step(s, st, e), yes = 0;
    if (rc == DB_ROW && store_col(st, 0)) {
        yes = 1;
        snprintf(at, size, "%s", store_col(st, 0));
    }
    db_reset(st);
    return rc < 0 ? -1 : yes;
}

int store_doc_decisions(struct store *s, const struct principal *who, const char *ref,
                        store_doc_decision_fn fn, void *ctx, struct err *e)
{
    struct dbst *st = store_prepare(
        s,
        "SELECT version, kind, person, account_name, capacity, rationale, at, on_behalf_of FROM "
        "signoff WHERE subject_kind = 'document' AND subject_id = ?1 AND kind <> "
        "'acknowledgement' ORDER BY id",
        e);
    if (!st) {
        return -1;
    }
    db_bind_text(st, 1, ref, -1);
    int rc;
    while ((rc = store_step(s, st, e)) == DB_ROW) {
        struct doc_decision d = {db_col_int(st, 0), store_col(st, 1), store_col(st, 2),
                                 store_col(st, 3), store_col(st, 4), store_col(st, 5),
                                 store_col(st, 6), store_col(st, 7)};
        int seen = sees_version(s, who, ref, d.version, e);
        if (seen < 0) {
            rc = -1;
            break;
        }
        if (seen && fn(ctx, &d)) {
            break;
        }
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}

int store_doc_unversioned(struct store *s, const struct principal *who, store_str_fn fn,
                          void *ctx, struct err *e)
{
    struct dbst *st = store_prepare(
        s,
        "SELECT ref FROM document d WHERE status IN ('approved', 'published', 'superseded') "
        "AND in_force IS NULL AND NOT EXISTS (SELECT 1 FROM version v WHERE v.subject_kind = "
        "'document' AND v.subject_id = d.ref) ORDER BY id",
        e);
    if (!st) {
        return -1;
    }
    int rc;
    while ((rc = store_step(s, st, e)) == DB_ROW) {
        int seen = store_sees_record(s, who, rtype_find("document"), store_col(st, 0), e);
        if (seen < 0) {
            rc = -1;
            break;
        }
        if (seen && fn(ctx, store_col(st, 0))) {
            break;
        }
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}
