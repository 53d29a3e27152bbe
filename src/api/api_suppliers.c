/* api_suppliers.c — the JSON forms of supplier reviews, questionnaire
 * answers and access review status (the same app calls as the CLI). */
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
