/* api_soa.c — the Statement of Applicability and the risk treatment plan
 * over the JSON API: the SoA and its rows, approval into numbered versions,
 * the versions; the plan and its approval. The same app_* calls as `isms
 * soa` and `isms plan`; no SQL, no permission checks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/text.h"
#include "../lib/util.h"
#include "api_int.h"

/* The framework query/body value: the 2022 catalogue when absent; the app
 * names a wrong one. */
static const char *framework_or_default(const char *fw)
{
    return fw ? fw : FRAMEWORK_2022;
}

int api_soa(struct req *r, struct resp *w)
{
    static const char *const params[] = {"framework", NULL};
    struct err e = {0};
    struct soa soa;
    const char *fw = framework_or_default(kv_get(&r->query, "framework"));
    if (api_query_only(r, params, &e) || app_soa(r->app, fw, &soa, &e)) {
        return api_fail(r, w, &e);
    }
    struct buf b;
    struct jw j;
    buf_init(&b, 0);
    jw_init(&j, &b, 0);
    jw_obj(&j);
    jw_key(&j, "framework");
    jw_str(&j, fw);
    jw_key(&j, "items");
    jw_numtext(&j, ""); /* separator; soa_json writes the value */
    soa_json(&soa, &b);
    jw_obj_end(&j);
    soa_free(&soa);
    return api_send(w, 200, &b);
}

/* Sends the SoA row of one control as GET /api/v1/soa shows it. */
static int send_soa_row(struct req *r, struct resp *w, const char *ref)
{
    struct err e = {0};
    struct record *c = NULL;
    if (app_record_get(r->app, r->type, ref, &c, &e)) {
        return api_fail(r, w, &e);
    }
    /* the organization's own controls are in both editions' SoA */
    const char *fw = record_get(c, "framework");
    if (!fw || strcmp(fw, FRAMEWORK_CUSTOM) == 0) {
        fw = FRAMEWORK_2022;
    }
    struct soa soa;
    int rc = app_soa(r->app, fw, &soa, &e);
    record_free(c);
    if (rc) {
        return api_fail(r, w, &e);
    }
    const struct soa_row *found = NULL;
    for (size_t i = 0; i < soa.n; i++) {
        if (strcmp(soa.v[i].id, ref) == 0) {
            found = &soa.v[i];
        }
    }
    if (!found) {
        soa_free(&soa);
        return api_failf(r, w, ERR_NOTFOUND, NULL, "control %s is not in the Statement of "
                         "Applicability", ref);
    }
    struct buf b;
    buf_init(&b, 0);
    soa_row_json(found, &b);
    soa_free(&soa);
    return api_send(w, 200, &b);
}

int api_soa_set(struct req *r, struct resp *w)
{
    static const char *const keys[] = {"applicable", "justification", FIELD_STATUS, FIELD_OWNER,
                                       "implementation", "documents", NULL};
    struct err e = {0};
    struct api_fields f;
    if (api_change_fields(r, keys,
                          "one or more of applicable, justification, status, owner, "
                          "implementation, documents",
                          &f, &e)) {
        return api_fail(r, w, &e);
    }
    int changed = 0;
    int rc = app_soa_set(r->app, r->rec->ref, f.kv, f.n, &changed, &e);
    api_fields_free(&f);
    if (rc) {
        return api_fail(r, w, &e);
    }
    return send_soa_row(r, w, r->rec->ref);
}

/* One version as an object; with_content adds its rows as "items". */
struct soa_version_ctx {
    struct jw *j;
    int with_content;
};

static int soa_version_json(void *ctx, const struct soa_version_row *v)
{
    struct soa_version_ctx *vc = ctx;
    struct jw *j = vc->j;
    jw_obj(j);
    jw_key(j, "version");
    jw_int(j, v->version);
    jw_key(j, "framework");
    jw_str(j, v->framework);
    jw_key(j, "approved_by");
    jw_str(j, v->approved_by);
    jw_key(j, "approved_at");
    jw_str(j, v->approved_at);
    jw_key(j, "note");
    jw_str(j, v->note);
    jw_key(j, "sha256");
    jw_str(j, v->hash);
    if (vc->with_content) {
        jw_key(j, "items");
        json_t *ok = json_loads(v->content, 0, NULL);
        if (ok) {
            jw_numtext(j, v->content); /* frozen by app_soa_approve */
        } else {
            jw_null(j);
        }
        json_decref(ok);
    }
    jw_obj_end(j);
    return 0;
}

int api_soa_versions(struct req *r, struct resp *w)
{
    struct err e = {0};
    if (api_query_only(r, NULL, &e)) {
        return api_fail(r, w, &e);
    }
    struct buf b;
    struct jw j;
    struct soa_version_ctx vc = {&j, 0};
    buf_init(&b, 0);
    jw_init(&j, &b, 0);
    jw_obj(&j);
    jw_key(&j, "items");
    jw_arr(&j);
    if (store_soa_versions(r->app->st, &r->app->who, soa_version_json, &vc, &e)) {
        buf_free(&b);
        return api_fail(r, w, &e);
    }
    jw_arr_end(&j);
    jw_obj_end(&j);
    return api_send(w, 200, &b);
}

/* Sends version n with its rows. */
static int send_version(struct req *r, struct resp *w, int n, int status)
{
    struct err e = {0};
    struct buf b;
    struct jw j;
    struct soa_version_ctx vc = {&j, 1};
    buf_init(&b, 0);
    jw_init(&j, &b, 0);
    if (store_soa_version_get(r->app->st, &r->app->who, n, NULL, NULL, soa_version_json, &vc, &e)) {
        buf_free(&b);
        return api_fail(r, w, &e);
    }
    return api_send(w, status, &b);
}

int api_soa_version(struct req *r, struct resp *w)
{
    struct err e = {0};
    int64_t n;
    if (api_query_only(r, NULL, &e)) {
        return api_fail(r, w, &e);
    }
    if (int_parse(r->id2, &n) || n < 1 || n > 1000000) {
        return api_failf(r, w, ERR_USAGE, "n", "give a version number (GET /api/v1/soa/versions "
                         "lists them)");
    }
    return send_version(r, w, (int)n, 200);
}

int api_soa_approve(struct req *r, struct resp *w)
{
    static const char *const keys[] = {"note", "framework", "on_behalf_of", "evidence", NULL};
    struct err e = {0};
    json_t *obj;
    const char *note, *fw, *behalf, *evidence;
    if (api_body(r, 0, &obj, &e) || api_only_keys(obj, keys, &e) ||
        api_str(obj, "note", &note, &e) || api_str(obj, "framework", &fw, &e) ||
        api_str(obj, "on_behalf_of", &behalf, &e) || api_str(obj, "evidence", &evidence, &e)) {
        return api_fail(r, w, &e);
    }
    int version = 0, existing = 0;
    int rc = app_soa_approve(r->app, framework_or_default(fw), note, behalf, evidence, &version,
                             &existing, &e);
    if (rc) {
        return api_fail(r, w, &e);
    }
    snprintf(w->location, sizeof w->location, "%s/api/v1/soa/versions/%d", r->org->prefix,
             version);
    /* approving again what this signer approved: the same version, 200 */
    return send_version(r, w, version, existing ? 200 : 201);
}

static int send_plan(struct req *r, struct resp *w)
{
    struct err e = {0};
    struct plan plan;
    if (app_plan(r->app, &plan, &e)) {
        return api_fail(r, w, &e);
    }
    struct buf b;
    buf_init(&b, 0);
    plan_json(&plan, 1, &b);
    plan_free(&plan);
    resp_json(w, 200, buf_str(&b));
    buf_free(&b);
    return 0;
}

int api_plan(struct req *r, struct resp *w)
{
    struct err e = {0};
    if (api_query_only(r, NULL, &e)) {
        return api_fail(r, w, &e);
    }
    return send_plan(r, w);
}

int api_plan_approve(struct req *r, struct resp *w)
{
    static const char *const keys[] = {"rationale", "on_behalf_of", "evidence", NULL};
    struct err e = {0};
    json_t *obj;
    const char *rationale, *behalf, *evidence;
    if (api_body(r, 0, &obj, &e) || api_only_keys(obj, keys, &e) ||
        api_str(obj, "rationale", &rationale, &e) || api_str(obj, "on_behalf_of", &behalf, &e) ||
        api_str(obj, "evidence", &evidence, &e)) {
        return api_fail(r, w, &e);
    }
    int existing = 0;
    int rc = app_plan_approve(r->app, rationale, behalf, evidence, &existing, &e);
    if (rc) {
        return api_fail(r, w, &e);
    }
    /* the plan as it is now, its approvals with this one marked current */
    return send_plan(r, w);
}
