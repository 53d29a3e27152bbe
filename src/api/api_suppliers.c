/* api_suppliers.c — the JSON forms of supplier reviews, questionnaire
 * answers and access review status (the same app calls as the CLI). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/suppliers.h"
#include "../lib/text.h"
#include "api_int.h"

/* GET /api/v1/suppliers/reviews */
int api_supplier_reviews(struct req *r, struct resp *w)
{
    struct err e = {0};
    static const char *const allowed[] = {"today", NULL};
    if (api_query_only(r, allowed, &e)) {
        return api_fail(r, w, &e);
    }
    const char *today = kv_get(&r->query, "today");
    int y, m, d;
    if (today && date_parse(today, &y, &m, &d)) {
        return api_failf(r, w, ERR_INVALID, "today", "today: give a date as YYYY-MM-DD");
    }
    struct supplier_dues s;
    if (app_supplier_schedule(r->app, today, &s, &e)) {
        return api_fail(r, w, &e);
    }
    struct buf b;
    buf_init(&b, 0);
    supplier_dues_json(&s, &b);
    supplier_dues_free(&s);
    return api_send(w, 200, &b);
}

/* GET /api/v1/questionnaires/:id/answers */
int api_questionnaire_answers(struct req *r, struct resp *w)
{
    struct err e = {0};
    if (api_query_only(r, NULL, &e)) {
        return api_fail(r, w, &e);
    }
    struct qform f;
    if (app_questionnaire_answers(r->app, r->rec->ref, &f, &e)) {
        qform_free(&f);
        return api_fail(r, w, &e);
    }
    struct buf b;
    buf_init(&b, 0);
    qform_answers_json(&f, &b);
    qform_free(&f);
    return api_send(w, 200, &b);
}

/* GET /api/v1/processing/register */
int api_privacy_register(struct req *r, struct resp *w)
{
    struct err e = {0};
    if (api_query_only(r, NULL, &e)) {
        return api_fail(r, w, &e);
    }
    struct privacy_register p;
    if (app_privacy_register(r->app, &p, &e)) {
        return api_fail(r, w, &e);
    }
    struct buf b;
    buf_init(&b, 0);
    privacy_register_json(&p, &b);
    privacy_register_free(&p);
    return api_send(w, 200, &b);
}

/* GET /api/v1/areviews/:id/status */
int api_areview_status(struct req *r, struct resp *w)
{
    struct err e = {0};
    if (api_query_only(r, NULL, &e)) {
        return api_fail(r, w, &e);
    }
    struct areview_status s;
    if (app_areview_status(r->app, r->rec->ref, &s, &e)) {
        return api_fail(r, w, &e);
    }
    struct buf b;
    buf_init(&b, 0);
    areview_status_json(&s, &b);
    return api_send(w, 200, &b);
}

static const char *str_of(json_t *o, const char *k)
{
    json_t *v = o ? json_object_get(o, k) : NULL;
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* POST /api/v1/areviews/:id/import {"csv": "account,access,group,reviewer\n..."} */
int api_areview_import(struct req *r, struct resp *w)
{
    struct err e = {0};
    json_t *body = NULL;
    static const char *const keys[] = {"csv", NULL};
    if (api_body(r, 1, &body, &e) || api_only_keys(body, keys, &e)) {
        return api_fail(r, w, &e);
    }
    json_t *v = json_object_get(body, "csv");
    if (!json_is_string(v)) {
        return api_failf(r, w, ERR_INVALID, "csv", "csv: the CSV text, as a string");
    }
    long added = 0;
    if (app_areview_import(r->app, r->rec->ref, json_string_value(v), json_string_length(v),
                           &added, &e)) {
        return api_fail(r, w, &e);
    }
    struct buf b;
    buf_init(&b, 0);
    buf_printf(&b, "{\"added\":%ld}", added);
    return api_send(w, 201, &b);
}

/* POST /api/v1/aaccounts/:id/decide {"decision": "keep|change|revoke", "comment": "..."} */
int api_access_decide(struct req *r, struct resp *w)
{
    struct err e = {0};
    json_t *body = NULL;
    static const char *const keys[] = {"decision", "comment", NULL};
    if (api_body(r, 1, &body, &e) || api_only_keys(body, keys, &e)) {
        return api_fail(r, w, &e);
    }
    if (app_access_decide(r->app, r->rec->ref, str_of(body, "decision"), str_of(body, "comment"),
                          &e)) {
        return api_fail(r, w, &e);
    }
    struct record *rec = NULL;
    if (app_record_get(r->app, rtype_find("aaccount"), r->rec->ref, &rec, &e)) {
        return api_fail(r, w, &e);
    }
    struct buf b;
    buf_init(&b, 0);
    record_json(rec, &b, 0);
    record_free(rec);
    return api_send(w, 200, &b);
}

/* POST /api/v1/suppliers/:id/questionnaires {"template", "contact", "days"}: the
 * questionnaire's identifier and its link, shown once. */
int api_questionnaire_send(struct req *r, struct resp *w)
{
    struct err e = {0};
    json_t *body = NULL;
    static const char *const keys[] = {"template", "contact", "days", NULL};
    if (api_body(r, 1, &body, &e) || api_only_keys(body, keys, &e)) {
        return api_fail(r, w, &e);
    }
    json_t *d = json_object_get(body, "days");
    if (d && (!json_is_integer(d) || json_integer_value(d) < 1 || json_integer_value(d) > 90)) {
        return api_failf(r, w, ERR_INVALID, "days", "days: a whole number from 1 to 90");
    }
    char *ref = NULL, *token = NULL;
    if (app_questionnaire_send(r->app, r->rec->ref, str_of(body, "template"),
                               str_of(body, "contact"), d ? (int)json_integer_value(d) : 0, &ref,
                               &token, &e)) {
        return api_fail(r, w, &e);
    }
    struct record *rec = NULL;
    int rc = app_record_get(r->app, rtype_find("questionnaire"), ref, &rec, &e);
    struct buf b;
    buf_init(&b, 0);
    struct jw j;
    jw_init(&j, &b, 0);
    jw_obj(&j);
    jw_key(&j, "id");
    jw_str(&j, ref);
    char link[256];
    snprintf(link, sizeof link, "%.180s/q/%s", r->org ? r->org->prefix : "", token);
    jw_key(&j, "link");
    jw_str(&j, link);
    jw_key(&j, "expires_at");
    jw_str(&j, rc == 0 ? record_get(rec, "expires_at") : NULL);
    jw_obj_end(&j);
    record_free(rec);
    free(ref);
    free(token);
    return api_send(w, 201, &b);
}
