/* plan.c — the risk treatment plan (clauses 6.1.3 e, 8.3): treatment actions
 * grouped by the risks they treat, with progress, cost and overdue flags,
 * and the plan's approval by risk owners and top management. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/buf.h"
#include "../lib/hash.h"
#include "../lib/json.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "app_int.h"

/* today NULL: leave out the date-dependent overdue flag (the form that is
 * hashed for approvals, so time passing does not "change" the plan). */
static void action_json(struct jw *w, const struct record *r, const char *today)
{
    const char *due = record_get(r, "due_date");
    const char *st = record_get(r, FIELD_STATUS);
    int open = strcmp(st, "done") != 0 && strcmp(st, "cancelled") != 0;
    jw_obj(w);
    jw_key(w, "id");
    jw_str(w, r->ref);
    jw_key(w, "title");
    jw_str(w, record_get(r, "title"));
    jw_key(w, "owner");
    jw_str(w, record_get(r, FIELD_OWNER));
    jw_key(w, "due_date");
    jw_str(w, due);
    jw_key(w, "status");
    jw_str(w, st);
    jw_key(w, "cost");
    if (record_get(r, "cost")) {
        jw_numtext(w, record_get(r, "cost"));
    } else {
        jw_null(w);
    }
    jw_key(w, "controls");
    jw_list(w, record_get(r, "controls"));
    if (today) {
        jw_key(w, "overdue");
        jw_bool(w, open && due && strcmp(due, today) < 0);
    }
    jw_obj_end(w);
}

/* The plan without approvals; its hash identifies what was approved. */
/* What the plan is made of: the active risks (the fields the plan shows)
 * and treatment actions, read once however many times it is written. */
struct plan_data {
    struct records risks, acts;
};

static void plan_free(struct plan_data *d)
{
    records_free(&d->risks);
    records_free(&d->acts);
}

static int plan_load(struct app *a, struct plan_data *d, struct err *e)
{
    static const char *const risk_cols[] = {"title",     FIELD_OWNER,  "level", "residual_level",
                                            "treatment", FIELD_STATUS, NULL};
    memset(d, 0, sizeof *d);
    struct query rq = {0}, aq = {0};
    rq.columns = risk_cols;
    if (store_list(a->st, &a->who, rtype_find("risk"), &rq, records_add, &d->risks, e) ||
        store_list(a->st, &a->who, rtype_find("action"), &aq, records_add, &d->acts, e)) {
        plan_free(d);
        return -1;
    }
    return 0;
}

/* Writes the plan (with today's overdue flags when dated); returns how many
 * risks it holds. */
static int plan_write(const struct plan_data *d, struct buf *b, int dated)
{
    const struct records *risks = &d->risks, *acts = &d->acts;
    char today_buf[11];
    date_today(today_buf);
    const char *today = dated ? today_buf : NULL;
    unsigned char *linked = xcalloc(acts->n + 1, 1);
    struct jw w;
    jw_init(&w, b, 0);
    jw_obj(&w);
    jw_key(&w, "risks");
    jw_arr(&w);
    long t_done = 0, t_total = 0, t_overdue = 0;
    int nplan = 0;
    double t_cost = 0;
    /* risk -> indexes of its actions, so the plan is linear in its size */
    json_t *by_risk = json_object();
    for (size_t k = 0; k < acts->n; k++) {
        const char *rl = record_get(acts->v[k], "risks");
        if (!rl) {
            continue;
        }
        char *copy = xstrdup(rl);
        char *save = NULL;
        for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            json_t *arr = json_object_get(by_risk, tok);
            if (!arr) {
                arr = json_array();
                json_object_set_new(by_risk, tok, arr);
            }
            json_array_append_new(arr, json_integer((json_int_t)k));
        }
        free(copy);
    }
    for (size_t i = 0; i < risks->n; i++) {
        const struct record *r = risks->v[i];
        const char *treat = record_get(r, "treatment");
        json_t *mine = json_object_get(by_risk, r->ref);
        int n = (int)json_array_size(mine);
        /* in the plan: risks with actions, and risks to be modified */
        if (!n && !(treat && strcmp(treat, "modify") == 0)) {
            continue;
        }
        int done_n = 0, total = 0;
        double cost = 0;
        nplan++;
        jw_obj(&w);
        jw_key(&w, "id");
        jw_str(&w, r->ref);
        jw_key(&w, "title");
        jw_str(&w, record_get(r, "title"));
        jw_key(&w, "owner");
        jw_str(&w, record_get(r, FIELD_OWNER));
        jw_key(&w, "level");
        jw_str(&w, record_get(r, "level"));
        jw_key(&w, "residual_level");
        jw_str(&w, record_get(r, "residual_level"));
        jw_key(&w, "treatment");
        jw_str(&w, treat);
        jw_key(&w, "status");
        jw_str(&w, record_get(r, FIELD_STATUS));
        jw_key(&w, "actions");
        jw_arr(&w);
        size_t mi;
        json_t *kv;
        json_array_foreach(mine, mi, kv)
        {
            size_t k = (size_t)json_integer_value(kv);
            const struct record *act = acts->v[k];
            linked[k] = 1;
            const char *st = record_get(act, FIELD_STATUS);
            if (strcmp(st, "cancelled") != 0) {
                total++;
                done_n += strcmp(st, "done") == 0;
            }
            const char *c = record_get(act, "cost");
            cost += c && strcmp(st, "cancelled") != 0 ? atof(c) : 0;
            action_json(&w, act, today);
        }
        jw_arr_end(&w);
        jw_key(&w, "done");
        jw_int(&w, done_n);
        jw_key(&w, "total");
        jw_int(&w, total);
        jw_key(&w, "percent");
        jw_int(&w, total ? (done_n * 100) / total : 0);
        jw_key(&w, "cost");
        jw_num(&w, cost);
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
    jw_key(&w, "unlinked_actions");
    jw_arr(&w);
    for (size_t k = 0; k < acts->n; k++) {
        const struct record *act = acts->v[k];
        const char *st = record_get(act, FIELD_STATUS);
        const char *due = record_get(act, "due_date");
        if (strcmp(st, "cancelled") != 0) {
            t_total++;
            t_done += strcmp(st, "done") == 0;
            t_overdue += strcmp(st, "done") != 0 && due && strcmp(due, today_buf) < 0;
            const char *c = record_get(act, "cost");
            t_cost += c ? atof(c) : 0;
        }
        if (!linked[k]) {
            action_json(&w, act, today);
        }
    }
    jw_arr_end(&w);
    jw_key(&w, "totals");
    jw_obj(&w);
    jw_key(&w, "actions");
    jw_int(&w, t_total);
    jw_key(&w, "done");
    jw_int(&w, t_done);
    if (dated) {
        jw_key(&w, "overdue");
        jw_int(&w, t_overdue);
    }
    jw_key(&w, "percent");
    jw_int(&w, t_total ? (t_done * 100) / t_total : 0);
    jw_key(&w, "cost");
    jw_num(&w, t_cost);
    jw_obj_end(&w);
    jw_obj_end(&w);
    free(linked);
    json_decref(by_risk);
    return nplan;
}

/* The plan undated (what approvals are of) into b, or -1. */
static int plan_core(struct app *a, struct buf *b, int dated, struct err *e)
{
    struct plan_data d;
    if (plan_load(a, &d, e)) {
        return -1;
    }
    plan_write(&d, b, dated);
    plan_free(&d);
    return 0;
}

/* tasks (dashboard speed): whether the plan holds a risk, without building
 * it — a risk to be modified, or an action linked to an active risk; read
 * as a->who like plan_load. */
static int plan_holds_risk(struct app *a, struct err *e)
{
    const struct rtype *rt = rtype_find("risk");
    struct query q = {0};
    q.nfilter = 1;
    q.filter_field[0] = rtype_field(rt, "treatment", NULL);
    q.filter_value[0] = "modify";
    long n = store_count_query(a->st, &a->who, rt, &q, e);
    if (n != 0) {
        return n < 0 ? -1 : 1;
    }
    static const char *const cols[] = {"risks", NULL};
    struct query aq = {0};
    aq.columns = cols;
    struct records acts = {0};
    if (store_list(a->st, &a->who, rtype_find("action"), &aq, records_add, &acts, e)) {
        return -1;
    }
    int holds = 0;
    for (size_t i = 0; i < acts.n && !holds; i++) {
        const char *rl = record_get(acts.v[i], "risks");
        char *copy = rl ? xstrdup(rl) : NULL, *save = NULL;
        for (char *tok = copy ? strtok_r(copy, ",", &save) : NULL; tok && !holds;
             tok = strtok_r(NULL, ",", &save)) {
            int retired = 0;
            int found = store_exists(a->st, &a->who, rt, tok, &retired, e);
            if (found < 0) {
                free(copy);
                records_free(&acts);
                return -1;
            }
            holds = found && !retired;
        }
        free(copy);
    }
    records_free(&acts);
    return holds;
}

int app_plan_state(struct app *a, int *approved, int *empty, struct err *e)
{
    /* tasks (dashboard speed): never approved — nothing to compare, so the
     * plan is not built and hashed (0.1 s on 20,000 risks) */
    struct signoffs any;
    if (app_signoffs(a, "plan", "plan", 0, NULL, &any, e)) {
        return -1;
    }
    int ever = 0;
    for (size_t i = 0; i < any.n && !ever; i++) {
        ever = any.v[i].kind && strcmp(any.v[i].kind, "approval") == 0;
    }
    signoffs_free(&any);
    if (!ever) {
        int holds = plan_holds_risk(a, e);
        if (holds < 0) {
            return -1;
        }
        *approved = 0;
        *empty = !holds;
        return 0;
    }
    struct plan_data d;
    if (plan_load(a, &d, e)) {
        return -1;
    }
    struct buf undated;
    buf_init(&undated, 0);
    *empty = plan_write(&d, &undated, 0) == 0;
    plan_free(&d);
    char hash[65];
    sha256_hex(undated.p, undated.len, hash);
    buf_free(&undated);
    struct signoffs l;
    if (app_signoffs(a, "plan", "plan", 0, hash, &l, e)) {
        return -1;
    }
    *approved = signoffs_current(&l, "approval") != NULL;
    signoffs_free(&l);
    return 0;
}

int app_plan_json(struct app *a, char **out, struct err *e)
{
    struct buf core, undated;
    struct plan_data d;
    if (plan_load(a, &d, e)) {
        return -1;
    }
    buf_init(&core, 0);
    buf_init(&undated, 0);
    plan_write(&d, &core, 1);
    plan_write(&d, &undated, 0);
    plan_free(&d);
    char hash[65];
    sha256_hex(undated.p, undated.len, hash);
    buf_free(&undated);
    /* splice sha256 and approvals into the object */
    core.len--; /* drop the closing brace */
    struct jw w;
    jw_init(&w, &core, 0);
    w.first[0] = 0;
    w.depth = 1;
    w.first[1] = 0;
    jw_key(&w, "sha256");
    jw_str(&w, hash);
    jw_key(&w, "approvals");
    struct signoffs l;
    if (app_signoffs(a, "plan", "plan", 0, hash, &l, e)) {
        buf_free(&core);
        return -1;
    }
    signoffs_json(&w, &l);
    signoffs_free(&l);
    buf_putc(&core, '}');
    *out = buf_take(&core);
    return 0;
}

int app_plan_has_owner(struct app *a, const char *person, struct err *e)
{
    struct buf core;
    buf_init(&core, 0);
    if (plan_core(a, &core, 0, e)) {
        buf_free(&core);
        return -1;
    }
    json_t *plan = json_loads(buf_str(&core), 0, NULL);
    buf_free(&core);
    int owner = 0;
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(plan, "risks"), i, r)
    {
        const char *o = json_string_value(json_object_get(r, "owner"));
        owner |= o && strcmp(o, person) == 0;
    }
    json_decref(plan);
    return owner;
}

int app_plan_approve_tx(struct app *a, const char *rationale, const char *on_behalf_of,
                        const char *evidence, int *existing, struct err *e)
{
    int rc = -1;
    struct buf core;
    buf_init(&core, 0);
    *existing = 0;
    if (a->signer.account <= 0 || !a->signer.person[0]) {
        return app_capacity_check(a, CAP_TOP_MANAGEMENT, NULL, e); /* says: sign in */
    }
    if (plan_core(a, &core, 0, e)) {
        goto done;
    }
    json_t *plan = json_loads(buf_str(&core), 0, NULL);
    int nrisks = (int)json_array_size(json_object_get(plan, "risks"));
    json_decref(plan);
    const char *decider = !str_empty(on_behalf_of) ? on_behalf_of : a->signer.person;
    int top = app_capacity_holds(a, decider, CAP_TOP_MANAGEMENT, NULL, e);
    int owner = top ? 0 : app_capacity_holds(a, decider, CAP_RISK_OWNER, "plan", e);
    if (top < 0 || owner < 0) {
        goto done;
    }
    if (!top && !owner) {
        err_set(e, ERR_FORBIDDEN, NULL,
                "approving the treatment plan needs the capacity top management or risk owner "
                "(of a risk in the plan); %s (account %s) holds neither",
                decider, a->signer.name);
        goto done;
    }
    if (nrisks == 0) {
        err_set(e, ERR_CONFLICT, NULL, "the treatment plan is empty; there is nothing to approve");
        goto done;
    }
    char hash[65];
    sha256_hex(core.p, core.len, hash);
    struct buf det;
    struct jw w;
    buf_init(&det, 0);
    jw_init(&w, &det, 0);
    jw_obj(&w);
    jw_key(&w, "sha256");
    jw_str(&w, hash);
    jw_key(&w, "risks");
    jw_int(&w, nrisks);
    jw_obj_end(&w);
    struct signoff_req q = {"plan",    "plan",         0,        "approval",
                            top ? CAP_TOP_MANAGEMENT : CAP_RISK_OWNER,
                            rationale, 0,              hash,     buf_str(&det),
                            on_behalf_of, evidence};
    long id;
    int src = app_signoff_tx(a, &q, &id, existing, e);
    buf_free(&det);
    if (src) {
        goto done;
    }
    rc = 0;
done:
    buf_free(&core);
    return rc;
}

int app_plan_approve(struct app *a, const char *rationale, const char *on_behalf_of,
                     const char *evidence, int *existing, struct err *e)
{
    IN_TRANSACTION(a, e, app_plan_approve_tx(a, rationale, on_behalf_of, evidence, existing, e));
}
