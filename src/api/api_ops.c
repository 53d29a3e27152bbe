/* api_ops.c — operations in the JSON API: an incident's timeline and
 * duties (GET), adding an entry and marking a duty notified (POST), and
 * approving a security exception. The same app_* calls as the CLI and the
 * pages; "who" is the token's or session's account, never a body field. */
#include <stdlib.h>
#include <string.h>

#include "../app/ops.h"
#include "api_int.h"

/* GET /api/v1/incidents/:id/timeline */
int api_inc_timeline(struct req *r, struct resp *w)
{
    struct err e = {0};
    struct incident_timeline t;
    if (api_query_only(r, NULL, &e) || app_incident_timeline(r->app, r->rec->ref, &t, &e)) {
        return api_fail(r, w, &e);
    }
    struct buf b;
    buf_init(&b, 0);
    incident_timeline_json(r->rec->ref, &t, &b);
    incident_timeline_free(&t);
    return api_send(w, 200, &b);
}

/* GET /api/v1/incidents/:id/duties */
int api_inc_duties(struct req *r, struct resp *w)
{
    struct err e = {0};
    struct incident_duties d;
    if (api_query_only(r, NULL, &e) || app_incident_duties(r->app, r->rec->ref, NULL, &d, &e)) {
        return api_fail(r, w, &e);
    }
    struct buf b;
    buf_init(&b, 0);
    incident_duties_json(&d, &b);
    incident_duties_free(&d);
    return api_send(w, 200, &b);
}

/* POST /api/v1/incidents/:id/timeline {"kind":..., "text":...} */
int api_inc_note(struct req *r, struct resp *w)
{
    static const char *const keys[] = {"kind", "text", NULL};
    struct err e = {0};
    json_t *obj;
    const char *kind, *text;
    if (api_body(r, 1, &obj, &e) || api_only_keys(obj, keys, &e) ||
        api_str(obj, "kind", &kind, &e) || api_str(obj, "text", &text, &e) ||
        app_incident_note(r->app, r->rec->ref, kind, text, &e)) {
        return api_fail(r, w, &e);
    }
    struct incident_timeline t;
    if (app_incident_timeline(r->app, r->rec->ref, &t, &e)) {
        return api_fail(r, w, &e);
    }
    struct buf b;
    buf_init(&b, 0);
    incident_timeline_json(r->rec->ref, &t, &b);
    incident_timeline_free(&t);
    return api_send(w, 201, &b);
}

/* POST /api/v1/incidents/:id/duties/notified {"duty":..., "at":..., "note":...} */
int api_inc_notified(struct req *r, struct resp *w)
{
    static const char *const keys[] = {"duty", "at", "note", NULL};
    struct err e = {0};
    json_t *obj;
    const char *duty, *at, *note;
    if (api_body(r, 1, &obj, &e) || api_only_keys(obj, keys, &e) ||
        api_str(obj, "duty", &duty, &e) || api_str(obj, "at", &at, &e) ||
        api_str(obj, "note", &note, &e) ||
        app_incident_notified(r->app, r->rec->ref, duty, at, note, &e)) {
        return api_fail(r, w, &e);
    }
    struct incident_duties d;
    if (app_incident_duties(r->app, r->rec->ref, NULL, &d, &e)) {
        return api_fail(r, w, &e);
    }
    struct buf b;
    buf_init(&b, 0);
    incident_duties_json(&d, &b);
    incident_duties_free(&d);
    return api_send(w, 200, &b);
}

/* POST /api/v1/exceptions/:id/approve {"rationale":...} */
int api_exc_approve(struct req *r, struct resp *w)
{
    static const char *const keys[] = {"rationale", NULL};
    struct err e = {0};
    json_t *obj;
    const char *rationale;
    if (api_body(r, 0, &obj, &e) || api_only_keys(obj, keys, &e) ||
        api_str(obj, "rationale", &rationale, &e) ||
        app_exception_approve(r->app, r->rec->ref, rationale, &e)) {
        return api_fail(r, w, &e);
    }
    struct record *x = NULL;
    if (app_record_get(r->app, rtype_find("exception"), r->rec->ref, &x, &e)) {
        return api_fail(r, w, &e);
    }
    struct buf b;
    buf_init(&b, 0);
    record_json(x, &b, 1);
    record_free(x);
    return api_send(w, 200, &b);
}

/* GET /api/v1/continuity/needs — the recovery objectives every asset must meet */
int api_bcp_needs(struct req *r, struct resp *w)
{
    struct err e = {0};
    struct continuity_needs l;
    if (api_query_only(r, NULL, &e) || app_continuity_needs(r->app, &l, &e)) {
        return api_fail(r, w, &e);
    }
    struct buf b;
    buf_init(&b, 0);
    continuity_needs_json(&l, &b);
    continuity_needs_free(&l);
    return api_send(w, 200, &b);
}
