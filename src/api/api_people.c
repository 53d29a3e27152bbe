/* api_people.c — the JSON API of roles and responsibilities, competence and
 * awareness: the RACI matrix and its assignments, the records without an
 * owner, competence gaps, campaign completion, attendance confirmed by the
 * authenticated account. Thin: src/app/people.c computes, its one JSON
 * writer per structure writes. */
#include <stdlib.h>
#include <string.h>

#include "../app/people.h"
#include "../lib/json.h"
#include "api_int.h"

int api_raci(struct req *r, struct resp *w)
{
    struct err e = {0};
    if (api_query_only(r, NULL, &e)) {
        return api_fail(r, w, &e);
    }
    struct raci m;
    if (app_raci(r->app, &m, &e)) {
        return api_fail(r, w, &e);
    }
    struct buf b;
    buf_init(&b, 0);
    struct jw j;
    jw_init(&j, &b, 0);
    raci_json(&j, &m);
    raci_free(&m);
    return api_send(w, 200, &b);
}

/* POST {"subject": "PRC-0001", "party": "ROLE-0002", "raci": "A"} */
int api_raci_set(struct req *r, struct resp *w)
{
    struct err e = {0};
    json_t *body;
    static const char *const keys[] = {"subject", "party", "raci", NULL};
    const char *subject = NULL, *party = NULL, *letter = NULL;
    if (api_body(r, 1, &body, &e) || api_only_keys(body, keys, &e) ||
        api_str(body, "subject", &subject, &e) || api_str(body, "party", &party, &e) ||
        api_str(body, "raci", &letter, &e)) {
        return api_fail(r, w, &e);
    }
    int changed = 0;
    if (app_raci_set(r->app, subject, party, letter, &changed, &e)) {
        return api_fail(r, w, &e);
    }
    struct buf b;
    buf_init(&b, 0);
    struct jw j;
    jw_init(&j, &b, 0);
    jw_obj(&j);
    jw_key(&j, "subject");
    jw_str(&j, subject);
    jw_key(&j, "party");
    jw_str(&j, party);
    jw_key(&j, "changed");
    jw_bool(&j, changed);
    jw_obj_end(&j);
    return api_send(w, 200, &b);
}

int api_owners_missing(struct req *r, struct resp *w)
{
    struct err e = {0};
    if (api_query_only(r, NULL, &e)) {
        return api_fail(r, w, &e);
    }
    struct owner_gaps g;
    if (app_owners_missing(r->app, &g, &e)) {
        return api_fail(r, w, &e);
    }
    struct buf b;
    buf_init(&b, 0);
    struct jw j;
    jw_init(&j, &b, 0);
    owner_gaps_json(&j, &g);
    owner_gaps_free(&g);
    return api_send(w, 200, &b);
}

/* GET ?role=ROLE-...|person=P-... */
int api_competence_gaps(struct req *r, struct resp *w)
{
    struct err e = {0};
    static const char *const allowed[] = {"role", "person", NULL};
    if (api_query_only(r, allowed, &e)) {
        return api_fail(r, w, &e);
    }
    struct comp_gaps g;
    if (app_competence_gaps(r->app, kv_get(&r->query, "role"), kv_get(&r->query, "person"), NULL,
                            &g, &e)) {
        return api_fail(r, w, &e);
    }
    struct buf b;
    buf_init(&b, 0);
    struct jw j;
    jw_init(&j, &b, 0);
    comp_gaps_json(&j, &g);
    comp_gaps_free(&g);
    return api_send(w, 200, &b);
}

int api_campaign_completion(struct req *r, struct resp *w)
{
    struct err e = {0};
    if (api_query_only(r, NULL, &e)) {
        return api_fail(r, w, &e);
    }
    struct aw_completion k;
    if (app_awareness_completion(r->app, r->rec->ref, &k, &e)) {
        return api_fail(r, w, &e);
    }
    struct buf b;
    buf_init(&b, 0);
    struct jw j;
    jw_init(&j, &b, 0);
    aw_completion_json(&j, &k);
    aw_completion_free(&k);
    return api_send(w, 200, &b);
}

/* POST /api/v1/briefings/ID/attend, body {attended_on} (optional): the
 * token's account's person attended. */
int api_briefing_attend(struct req *r, struct resp *w)
{
    struct err e = {0};
    json_t *body;
    static const char *const keys[] = {"attended_on", NULL};
    const char *date = NULL;
    if (api_body(r, 0, &body, &e) || api_only_keys(body, keys, &e) ||
        (body && json_object_get(body, "attended_on") && api_str(body, "attended_on", &date, &e))) {
        return api_fail(r, w, &e);
    }
    char ref[24];
    int existing = 0;
    if (app_attendance_confirm(r->app, r->rec->ref, date, ref, sizeof ref, &existing, &e)) {
        return api_fail(r, w, &e);
    }
    return api_send_record(r, w, rtype_find("attendance"), ref, existing ? 200 : 201);
}
