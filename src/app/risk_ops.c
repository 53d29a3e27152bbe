/* risk_ops.c — risk acceptance and review, changing the risk method, and
 * the heat map. Each mutation is one transaction with its history. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/buf.h"
#include "../lib/hash.h"
#include "../lib/json.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "../model/method.h"
#include "../model/risk.h"
#include "app_int.h"

static int check_rationale(const char *r, struct err *e)
{
    if (str_empty(r)) {
        return err_set(e, ERR_INVALID, "rationale",
                       "rationale: say why the risk is retained (--rationale TEXT)");
    }
    if (!utf8_valid(r, strlen(r)) || utf8_chars(r) > 2000 || text_bad_control(r, 1)) {
        return err_set(e, ERR_INVALID, "rationale",
                       "rationale: at most 2000 characters of valid text");
    }
    return 0;
}

int app_risk_accept_tx(struct app *a, const char *ref, const char *rationale,
                       const char *on_behalf_of, const char *evidence, struct err *e)
{
    const struct rtype *t = rtype_find("risk");
    struct record *r = NULL;
    char *details = NULL, *content = NULL;
    int rc = -1, changed = 0;
    if (a->signer.account <= 0 || !a->signer.person[0]) {
        return app_capacity_check(a, CAP_RISK_OWNER, ref, e); /* says: sign in */
    }
    if (check_rationale(rationale, e)) {
        return -1;
    }
    const struct method *m = app_method(a, e);
    if (!m || store_get(a->st, principal_sys(), t, ref, &r, e)) {
        goto done;
    }
    if (record_get(r, FIELD_RETIRED)) {
        err_set(e, ERR_CONFLICT, NULL, "risk %s is retired", r->ref);
        goto done;
    }
    int score = risk_decisive_score(r);
    if (!score) {
        err_set(e, ERR_INVALID, "likelihood",
                "likelihood: rate %s (likelihood and consequence) before accepting it", r->ref);
        goto done;
    }
    /* who decides: the risk owner, or above the criterion top management */
    const char *decider = !str_empty(on_behalf_of) ? on_behalf_of : a->signer.person;
    const char *capacity = CAP_TOP_MANAGEMENT;
    if (!risk_needs_approval(m, r)) {
        int owner = app_capacity_holds(a, decider, CAP_RISK_OWNER, r->ref, e);
        int top = owner ? 0 : app_capacity_holds(a, decider, CAP_TOP_MANAGEMENT, NULL, e);
        if (owner < 0 || top < 0) {
            goto done;
        }
        if (owner) {
            capacity = CAP_RISK_OWNER;
        } else if (!top) {
            const char *o = record_get(r, FIELD_OWNER);
            err_set(e, ERR_FORBIDDEN, NULL,
                    "accepting %s needs the capacity risk owner (%s) or top management; %s "
                    "(account %s) holds neither",
                    r->ref, o ? o : "none yet", decider, a->signer.name);
            goto done;
        }
    } else {
        int top = app_capacity_holds(a, decider, CAP_TOP_MANAGEMENT, NULL, e);
        if (top < 0) {
            goto done;
        }
        if (!top) {
            if (!str_empty(on_behalf_of)) {
                err_set(e, ERR_FORBIDDEN, "on_behalf_of",
                        "on_behalf_of: %s scores %d, above the acceptance criterion (%d): "
                        "accepting it needs the capacity top management, and %s (on whose "
                        "behalf it would be recorded) holds no top-management role",
                        r->ref, score, m->accept_max, decider);
            } else {
                err_set(e, ERR_FORBIDDEN, NULL,
                        "%s scores %d, above the acceptance criterion (%d): accepting it needs "
                        "the capacity top management, and %s (account %s) holds no "
                        "top-management role",
                        r->ref, score, m->accept_max, decider, a->signer.name);
            }
            goto done;
        }
    }
    struct buf b;
    struct jw w;
    buf_init(&b, 0);
    jw_init(&w, &b, 0);
    jw_obj(&w);
    jw_key(&w, "score");
    jw_int(&w, score);
    jw_key(&w, "level");
    jw_str(&w, record_get(r, record_get(r, "residual_level") ? "residual_level" : "level"));
    jw_key(&w, "acceptance_criterion");
    jw_int(&w, m->accept_max);
    jw_key(&w, "method_version");
    jw_int(&w, a->method_version);
    jw_obj_end(&w);
    details = buf_take(&b);
    if (store_risk_signed_content(a->st, principal_sys(), r->ref, &content, e)) {
        goto done;
    }
    char hash[65];
    sha256_hex(content, strlen(content), hash);
    struct signoff_req q = {"risk", r->ref, 0, "acceptance", capacity, rationale, 1,
                            hash, details, on_behalf_of, evidence};
    long id;
    int existing = 0;
    if (app_signoff_tx(a, &q, &id, &existing, e)) {
        goto done;
    }
    if (!existing || strcmp(record_get(r, FIELD_STATUS), "accepted") != 0) {
        struct kv kv[] = {{FIELD_STATUS, "accepted"}, {"review_reason", ""}};
        a->accepting = 1;
        int erc = app_edit_tx(a, t, r->ref, kv, 2, 1, &changed, e);
        a->accepting = 0;
        if (erc) {
            goto done;
        }
    }
    rc = 0;
done:
    free(details);
    free(content);
    record_free(r);
    return rc;
}

int app_risk_accept(struct app *a, const char *ref, const char *rationale,
                    const char *on_behalf_of, const char *evidence, struct err *e)
{
    IN_TRANSACTION(a, e, app_risk_accept_tx(a, ref, rationale, on_behalf_of, evidence, e));
}

int app_risk_acceptances(struct app *a, const char *ref, struct signoffs *out, int *current,
                         struct err *e)
{
    char *content = NULL;
    *current = 0;
    memset(out, 0, sizeof *out);
    if (store_risk_signed_content(a->st, &a->who, ref, &content, e)) {
        return -1;
    }
    char hash[65];
    sha256_hex(content, strlen(content), hash);
    free(content);
    if (app_signoffs(a, "risk", ref, 0, hash, out, e)) {
        return -1;
    }
    *current = signoffs_current(out, "acceptance") != NULL;
    return 0;
}

int app_risk_review_tx(struct app *a, const char *ref, struct err *e)
{
    const struct rtype *t = rtype_find("risk");
    struct record *r = NULL;
    int rc = -1, changed = 0;
    const struct method *m = app_method(a, e);
    if (!m || store_get(a->st, principal_sys(), t, ref, &r, e)) {
        goto done;
    }
    char today[11], next[11];
    date_today(today);
    date_add_days(today, risk_review_days(m, r), next);
    struct kv kv[] = {{"review_reason", ""}, {"last_reviewed", today}, {"review_date", next}};
    if (app_edit_tx(a, t, r->ref, kv, 3, 1, &changed, e)) {
        goto done;
    }
    rc = 0;
done:
    record_free(r);
    return rc;
}

int app_risk_review(struct app *a, const char *ref, struct err *e)
{
    IN_TRANSACTION(a, e, app_risk_review_tx(a, ref, e));
}

/* Stores m as the next method version, journaled, and re-scores. Takes m. */
static int install_method(struct app *a, struct method *m, long *rescored, struct err *e)
{
    struct buf def;
    buf_init(&def, 0);
    method_json(m, &def, 0);
    int version;
    char *old = NULL;
    if (store_begin(a->st, e)) {
        method_free(m);
        buf_free(&def);
        return -1;
    }
    int rc = -1;
    if (store_method_current(a->st, &version, &old, e)) {
        goto done;
    }
    if (old && strcmp(old, buf_str(&def)) == 0) {
        err_set(e, ERR_CONFLICT, NULL, "the method is already exactly so (version %d)", version);
        goto done;
    }
    char now[21];
    time_now(now);
    /* each method version is also a frozen version (kind "method"), the
     * one in force in state in-force, earlier ones superseded */
    int number = 0;
    if (store_method_add(a->st, version + 1, m->name, buf_str(&def), now, a->actor, e) ||
        app_journal(a, now, "method", "method", "change", old, buf_str(&def), e) ||
        app_version_freeze_tx(a, "method", "risk", buf_str(&def), "in-force", m->name, 0, &number,
                              NULL, e) ||
        (version > 0 && app_version_state_tx(a, "method", "risk", version, "superseded", e))) {
        goto done;
    }
    struct method *prev = a->method;
    int prev_version = a->method_version;
    a->method = m;
    a->method_version = version + 1;
    m = NULL;
    if (app_rescore_all(a, rescored, e)) {
        method_free(a->method);
        a->method = prev;
        a->method_version = prev_version;
        goto done;
    }
    method_free(prev);
    rc = 0;
done:
    method_free(m);
    free(old);
    buf_free(&def);
    if (rc) {
        store_rollback(a->st);
        return -1;
    }
    if (store_commit(a->st, e)) {
        /* the in-memory method no longer matches the file */
        method_free(a->method);
        a->method = NULL;
        return -1;
    }
    return 0;
}

int app_method_approve(struct app *a, const char *rationale, const char *on_behalf_of,
                       const char *evidence, int *version, int *existing, struct err *e)
{
    struct version v;
    if (str_empty(on_behalf_of) && app_capacity_check(a, CAP_TOP_MANAGEMENT, NULL, e)) {
        return -1;
    }
    if (app_version_get_as(a, principal_sys(), "method", "risk", 0, NULL, &v, e)) {
        return -1;
    }
    struct signoff_req q = {"method", "risk", v.number, "approval", CAP_TOP_MANAGEMENT,
                            rationale, 0, v.sha256, NULL, on_behalf_of, evidence};
    long id;
    *version = v.number;
    int rc;
    if (store_begin(a->st, e)) {
        version_free(&v);
        return -1;
    }
    rc = app_signoff_tx(a, &q, &id, existing, e);
    version_free(&v);
    if (rc) {
        store_rollback(a->st);
        return -1;
    }
    return store_commit(a->st, e);
}

int app_method_replace(struct app *a, const char *json, long *rescored, struct err *e)
{
    struct method *m = NULL;
    if (method_parse(json, &m, e)) {
        return -1;
    }
    return install_method(a, m, rescored, e);
}

int app_method_set(struct app *a, const char *name, const char *scoring, const char *accept_max,
                   const char *accept_level, long *rescored, struct err *e)
{
    const struct method *cur = app_method(a, e);
    if (!cur) {
        return -1;
    }
    if (!name && !scoring && !accept_max && !accept_level) {
        return err_set(e, ERR_USAGE, NULL,
                       "nothing to change: give --name, --scoring, --accept-max or "
                       "--accept-level (or import a whole method from a file)");
    }
    if (accept_max && accept_level) {
        return err_set(e, ERR_USAGE, NULL, "give --accept-max or --accept-level, not both");
    }
    int64_t v = 0;
    if (accept_max && (int_parse(accept_max, &v) || v < 0 || v > 1000)) {
        return err_set(e, ERR_INVALID, "accept_max",
                       "accept-max: give a whole number (the highest score that may be "
                       "retained without approval)");
    }
    /* the method in force, copied and edited as typed data */
    struct method *m = method_dup(cur);
    if ((name && method_set_name(m, name, e)) ||
        (scoring && method_set_scoring(m, scoring, e)) ||
        (accept_max && method_set_accept_max(m, (int)v, e)) ||
        (accept_level && method_set_accept_level(m, accept_level, e))) {
        method_free(m);
        return -1;
    }
    return install_method(a, m, rescored, e);
}

static int count_cell(void *ctx, const char *lv, const char *cv, long n)
{
    struct risk_matrix *mx = ctx;
    int l = lv ? atoi(lv) : 0, c = cv ? atoi(cv) : 0;
    if (l >= 1 && l <= mx->nl && c >= 1 && c <= mx->nc) {
        mx->cell[l - 1][c - 1].count += n;
    } else {
        mx->unrated += n;
    }
    return 0;
}

int app_risk_matrix(struct app *a, int residual, struct risk_matrix *mx, struct err *e)
{
    memset(mx, 0, sizeof *mx);
    const struct method *m = app_method(a, e);
    if (!m) {
        return -1;
    }
    mx->nl = m->likelihood.n;
    mx->nc = m->consequence.n;
    for (int l = 1; l <= mx->nl; l++) {
        for (int c = 1; c <= mx->nc; c++) {
            struct matrix_cell *cell = &mx->cell[l - 1][c - 1];
            cell->score = method_score(m, l, c);
            const struct risk_level *lv = method_level(m, cell->score);
            cell->level = lv ? lv->name : "";
            cell->colour = lv ? lv->colour : "#ffffff";
        }
    }
    /* counted by the store, one row per rating pair: no risk is read */
    const struct rtype *rt = rtype_find("risk");
    struct query q = {0};
    return store_group_count(a->st, &a->who, rt, &q,
                             rtype_field(rt, residual ? "residual_likelihood" : "likelihood", NULL),
                             rtype_field(rt, residual ? "residual_consequence" : "consequence",
                                         NULL),
                             count_cell, mx, e);
}

int app_risk_matrix_json(struct app *a, int residual, struct buf *out, struct err *e)
{
    struct risk_matrix mx;
    const struct method *m = app_method(a, e);
    if (!m || app_risk_matrix(a, residual, &mx, e)) {
        return -1;
    }
    struct jw j;
    jw_init(&j, out, 0);
    jw_obj(&j);
    jw_key(&j, "residual");
    jw_bool(&j, residual);
    jw_key(&j, "likelihood");
    jw_arr(&j);
    for (int l = 0; l < mx.nl; l++) {
        jw_str(&j, m->likelihood.lv[l].label);
    }
    jw_arr_end(&j);
    jw_key(&j, "consequence");
    jw_arr(&j);
    for (int k = 0; k < mx.nc; k++) {
        jw_str(&j, m->consequence.lv[k].label);
    }
    jw_arr_end(&j);
    jw_key(&j, "cells");
    jw_arr(&j);
    for (int l = 0; l < mx.nl; l++) {
        for (int k = 0; k < mx.nc; k++) {
            const struct matrix_cell *cell = &mx.cell[l][k];
            jw_obj(&j);
            jw_key(&j, "likelihood");
            jw_int(&j, l + 1);
            jw_key(&j, "consequence");
            jw_int(&j, k + 1);
            jw_key(&j, "score");
            jw_int(&j, cell->score);
            jw_key(&j, "level");
            jw_str(&j, cell->level);
            jw_key(&j, "colour");
            jw_str(&j, cell->colour);
            jw_key(&j, "count");
            jw_int(&j, cell->count);
            jw_obj_end(&j);
        }
    }
    jw_arr_end(&j);
    jw_key(&j, "unrated");
    jw_int(&j, mx.unrated);
    jw_obj_end(&j);
    return 0;
}
