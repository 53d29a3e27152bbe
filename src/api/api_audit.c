/* api_audit.c — the JSON API of the audit programme (9.2) and of control
 * test runs (9.1): the coverage view, an audit's report, raising the
 * nonconformity of a failed run. The same app calls as the CLI and pages
 * (src/app/audit.c), written once by their JSON writers. */
#include <stdlib.h>

#include "../app/audit.h"
#include "../lib/buf.h"
#include "../lib/json.h"
#include "api_int.h"

/* GET /api/v1/audits/coverage[?programme=PRG-...] */
int api_audit_coverage(struct req *r, struct resp *w)
{
    static const char *const params[] = {"programme", NULL};
    struct err e = {0};
    if (api_query_only(r, params, &e)) {
        return api_fail(r, w, &e);
    }
    struct coverage c;
    if (app_audit_coverage(r->app, kv_get(&r->query, "programme"), NULL, &c, &e)) {
        return api_fail(r, w, &e);
    }
    struct buf b;
    buf_init(&b, 0);
    coverage_json(&c, &b);
    coverage_free(&c);
    return api_send(w, 200, &b);
}

/* GET /api/v1/audits/:id/report */
int api_audit_report(struct req *r, struct resp *w)
{
    struct err e = {0};
    if (api_query_only(r, NULL, &e)) {
        return api_fail(r, w, &e);
    }
    struct audit_report rep;
    if (app_audit_report(r->app, r->rec->ref, &rep, &e)) {
        return api_fail(r, w, &e);
    }
    struct buf b;
    buf_init(&b, 0);
    audit_report_json(&rep, &b);
    audit_report_free(&rep);
    return api_send(w, 200, &b);
}

static int send_run_nc(struct resp *w, const char *run, const char *nc)
{
    struct buf b;
    buf_init(&b, 0);
    struct jw j;
    jw_init(&j, &b, 1);
    jw_obj(&j);
    jw_key(&j, "run");
    jw_str(&j, run);
    jw_key(&j, "nonconformity");
    jw_str(&j, nc);
    jw_obj_end(&j);
    return api_send(w, 201, &b);
}

/* POST /api/v1/ctests/:id/fail {"note", "result"?, "date"?} — the failed run
 * and its NC in one step: 201 {"run", "nonconformity"} */
int api_ctest_fail(struct req *r, struct resp *w)
{
    static const char *const keys[] = {"note", "result", "date", NULL};
    struct err e = {0};
    json_t *obj;
    const char *note, *result, *date;
    if (api_body(r, 1, &obj, &e) || api_only_keys(obj, keys, &e) ||
        api_str(obj, "note", &note, &e) || api_str(obj, "result", &result, &e) ||
        api_str(obj, "date", &date, &e)) {
        return api_fail(r, w, &e);
    }
    char *run = NULL, *nc = NULL;
    if (app_ctest_fail(r->app, r->rec->ref, result, date, note, &run, &nc, &e)) {
        return api_fail(r, w, &e);
    }
    int rc = send_run_nc(w, run, nc);
    free(run);
    free(nc);
    return rc;
}

/* POST /api/v1/ctruns/:id/raise-nc — 201 {"run": ..., "nonconformity": ...} */
int api_ctrun_raise_nc(struct req *r, struct resp *w)
{
    struct err e = {0};
    char *nc = NULL;
    if (app_ctrun_raise_nc(r->app, r->rec->ref, &nc, &e)) {
        return api_fail(r, w, &e);
    }
    int rc = send_run_nc(w, r->rec->ref, nc);
    free(nc);
    return rc;
}
