/* scope.c — the ISMS scope (clause 4.3) through the version and sign-off
 * mechanisms: approving a scope freezes its content as a version signed by
 * top management; exactly one scope is in force, earlier ones superseded
 * and still shown as they were. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/hash.h"
#include "../lib/json.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "app_int.h"

/* The fields a scope's approval covers, in this order. */
static const char *const scope_fields[] = {"title", "version", "statement", "sites", "included",
                                           "excluded", "exclusion_reasons", "interfaces",
                                           FIELD_OWNER, NULL};

void app_scope_content(const struct record *r, struct buf *out)
{
    struct jw w;
    jw_init(&w, out, 0);
    jw_obj(&w);
    jw_key(&w, "id");
    jw_str(&w, r->ref);
    for (int i = 0; scope_fields[i]; i++) {
        jw_key(&w, scope_fields[i]);
        jw_str(&w, record_get(r, scope_fields[i]));
    }
    jw_obj_end(&w);
}

struct others {
    char *ref[64];
    int n;
};

static int other_scope(void *ctx, struct record *r)
{
    struct others *o = ctx;
    if (o->n < 64) {
        o->ref[o->n++] = xstrdup(r->ref);
    }
    record_free(r);
    return 0;
}

/* Supersedes every scope version in force but number of ref, and every
 * other approved scope record: one scope is in force. */
static int supersede_others(struct app *a, const char *ref, int number, struct err *e)
{
    const struct rtype *t = rtype_find("scope");
    struct versions vl;
    if (app_version_list_as(a, principal_sys(), "scope", NULL, &vl, e)) {
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < vl.n && rc == 0; i++) {
        const struct version *v = &vl.v[i];
        int mine = strcmp(v->subject, ref) == 0 && v->number == number;
        if (!mine && v->state && strcmp(v->state, "in-force") == 0) {
            rc = app_version_state_tx(a, "scope", v->subject, v->number, "superseded", e);
        }
    }
    versions_free(&vl);
    struct others o = {0};
    struct query q = {0};
    q.nfilter = 1;
    q.filter_field[0] = rtype_field(t, FIELD_STATUS, NULL);
    q.filter_value[0] = "approved";
    if (rc == 0) {
        rc = store_list(a->st, principal_sys(), t, &q, other_scope, &o, e);
    }
    for (int i = 0; i < o.n && rc == 0; i++) {
        if (strcmp(o.ref[i], ref) == 0) {
            continue;
        }
        struct kv kv[] = {{FIELD_STATUS, "superseded"}};
        int changed = 0;
        a->accepting = 1;
        rc = app_edit_tx(a, t, o.ref[i], kv, 1, 1, &changed, e);
        a->accepting = 0;
    }
    for (int i = 0; i < o.n; i++) {
        free(o.ref[i]);
    }
    return rc ? -1 : 0;
}

static int scope_approve_tx(struct app *a, const char *ref, const char *rationale,
                            const char *on_behalf_of, const char *evidence, int *version,
                            int *existing, struct err *e)
{
    const struct rtype *t = rtype_find("scope");
    struct record *r = NULL;
    struct buf content;
    buf_init(&content, 0);
    int rc = -1;
    *existing = 0;
    if (str_empty(on_behalf_of) && app_capacity_check(a, CAP_TOP_MANAGEMENT, NULL, e)) {
        goto done;
    }
    if (rtype_of_ref(ref) != t) {
        err_set(e, ERR_INVALID, NULL, "'%.40s' is not a scope identifier (SC-0001)", ref);
        goto done;
    }
    if (store_get(a->st, principal_sys(), t, ref, &r, e)) {
        goto done;
    }
    if (record_get(r, FIELD_RETIRED)) {
        err_set(e, ERR_CONFLICT, NULL, "scope %s is retired", r->ref);
        goto done;
    }
    app_scope_content(r, &content);
    int number = 0, same = 0, signed_before = 0;
    if (app_version_freeze_tx(a, "scope", r->ref, buf_str(&content), "in-force",
                              record_get(r, "version"), 0, &number, &same, e)) {
        goto done;
    }
    char hash[65];
    sha256_hex(content.p, content.len, hash);
    struct signoff_req q = {"scope", r->ref, number, "approval", CAP_TOP_MANAGEMENT, rationale, 0,
                            hash, NULL, on_behalf_of, evidence};
    long id;
    if (app_signoff_tx(a, &q, &id, &signed_before, e) ||
        app_version_state_tx(a, "scope", r->ref, number, "in-force", e) ||
        supersede_others(a, r->ref, number, e)) {
        goto done;
    }
    if (!signed_before || strcmp(record_get(r, FIELD_STATUS), "approved") != 0) {
        char today[11];
        date_today(today);
        const char *decider = !str_empty(on_behalf_of) ? on_behalf_of : a->signer.person;
        struct kv kv[] = {{FIELD_STATUS, "approved"}, {"approved_by", decider},
                          {"approved_on", today}};
        int changed = 0;
        a->accepting = 1;
        int erc = app_edit_tx(a, t, r->ref, kv, 3, 1, &changed, e);
        a->accepting = 0;
        if (erc) {
            goto done;
        }
    }
    *existing = same && signed_before;
    *version = number;
    rc = 0;
done:
    buf_free(&content);
    record_free(r);
    return rc;
}

int app_scope_approve(struct app *a, const char *ref, const char *rationale,
                      const char *on_behalf_of, const char *evidence, int *version, int *existing,
                      struct err *e)
{
    IN_TRANSACTION(a, e, scope_approve_tx(a, ref, rationale, on_behalf_of, evidence, version,
                                          existing, e));
}

int app_scope_approve_tx(struct app *a, const char *ref, const char *rationale,
                         const char *on_behalf_of, const char *evidence, int *version,
                         int *existing, struct err *e)
{
    return scope_approve_tx(a, ref, rationale, on_behalf_of, evidence, version, existing, e);
}

int app_scope_current(struct app *a, const char *ref, int *in_force, struct err *e)
{
    *in_force = 0;
    struct record *r = NULL;
    if (store_get(a->st, &a->who, rtype_find("scope"), ref, &r, e)) {
        return -1;
    }
    struct buf content;
    buf_init(&content, 0);
    app_scope_content(r, &content);
    char hash[65];
    sha256_hex(content.p, content.len, hash);
    buf_free(&content);
    struct version v;
    struct err nf = {0};
    if (app_version_get(a, "scope", ref, 0, NULL, &v, &nf) == 0) {
        *in_force = v.state && strcmp(v.state, "in-force") == 0 && strcmp(v.sha256, hash) == 0;
        version_free(&v);
    }
    record_free(r);
    return 0;
}
