/* plan.c — the risk treatment plan (clauses 6.1.3 e, 8.3): treatment actions
 * grouped by the risks they treat, with progress, cost and overdue flags,
 * and the plan's approval by risk owners and top management.
 *
 * One builder (plan_build → struct plan), one JSON writer (plan_json);
 * pages, the CLI, the API and the export read the structure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/buf.h"
#include "../lib/hash.h"
#include "../lib/json.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "app_int.h"

static char *dup_opt(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

static void list_split(struct strlist *l, const char *comma_list)
{
    if (!comma_list || !*comma_list) {
        return;
    }
    char *copy = xstrdup(comma_list);
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (l->n == l->cap) {
            l->cap = l->cap ? l->cap * 2 : 4;
            l->v = xrealloc(l->v, l->cap * sizeof *l->v);
        }
        l->v[l->n++] = xstrdup(tok);
    }
    free(copy);
}

void plan_free(struct plan *p)
{
    for (size_t k = 0; k < p->nacts; k++) {
        struct plan_action *x = &p->acts[k];
        free(x->id);
        free(x->title);
        free(x->owner);
        free(x->due_date);
        free(x->status);
        free(x->cost);
        for (size_t i = 0; i < x->controls.n; i++) {
            free(x->controls.v[i]);
        }
        free(x->controls.v);
    }
    for (size_t i = 0; i < p->nrisks; i++) {
        struct plan_risk *r = &p->risks[i];
        free(r->id);
        free(r->title);
        free(r->owner);
        free(r->level);
        free(r->residual_level);
        free(r->treatment);
        free(r->status);
        free(r->actions);
    }
    free(p->acts);
    free(p->risks);
    free(p->unlinked);
    signoffs_free(&p->approvals);
    memset(p, 0, sizeof *p);
}

/* (risk, action) pairs sorted by risk, then by the action's position: the
 * actions of a risk in one binary search, so the plan is linear-logarithmic
 * in its size. */
struct pair {
    const char *risk;
    size_t act;
};

static int pair_cmp(const void *x, const void *y)
{
    const struct pair *a = x, *b = y;
    int c = strcmp(a->risk, b->risk);
    return c ? c : (a->act > b->act) - (a->act < b->act);
}

/* Fills p from the active risks and treatment actions, without approvals. */
static int plan_build(struct app *a, struct plan *p, struct err *e)
{
    static const char *const risk_cols[] = {"title",     FIELD_OWNER,  "level", "residual_level",
                                            "treatment", FIELD_STATUS, NULL};
    memset(p, 0, sizeof *p);
    struct records risks = {0}, acts = {0};
    struct query rq = {0}, aq = {0};
    rq.columns = risk_cols;
    if (store_list(a->st, &a->who, rtype_find("risk"), &rq, records_add, &risks, e) ||
        store_list(a->st, &a->who, rtype_find("action"), &aq, records_add, &acts, e)) {
        records_free(&risks);
        records_free(&acts);
        return -1;
    }
    char today[11];
    date_today(today);
    p->nacts = acts.n;
    p->acts = xcalloc(acts.n + 1, sizeof *p->acts);
    struct plan_totals *t = &p->totals;
    size_t npairs = 0, cap = 0;
    struct pair *pairs = NULL;
    for (size_t k = 0; k < acts.n; k++) {
        const struct record *r = acts.v[k];
        struct plan_action *x = &p->acts[k];
        x->id = xstrdup(r->ref);
        x->title = dup_opt(record_get(r, "title"));
        x->owner = dup_opt(record_get(r, FIELD_OWNER));
        x->due_date = dup_opt(record_get(r, "due_date"));
        x->status = dup_opt(record_get(r, FIELD_STATUS));
        x->cost = dup_opt(record_get(r, "cost"));
        x->cost_value = x->cost ? atof(x->cost) : 0;
        list_split(&x->controls, record_get(r, "controls"));
        x->cancelled = strcmp(x->status, "cancelled") == 0;
        x->done = strcmp(x->status, "done") == 0;
        x->overdue = !x->done && !x->cancelled && x->due_date && strcmp(x->due_date, today) < 0;
        if (!x->cancelled) {
            t->actions++;
            t->done += x->done;
            t->overdue += x->overdue;
            t->cost += x->cost_value;
        }
        struct strlist rl = {0};
        list_split(&rl, record_get(r, "risks"));
        for (size_t i = 0; i < rl.n; i++) {
            if (npairs == cap) {
                cap = cap ? cap * 2 : 64;
                pairs = xrealloc(pairs, cap * sizeof *pairs);
            }
            /* the risk reference lives as long as the action's record */
            pairs[npairs].risk = rl.v[i];
            pairs[npairs++].act = k;
        }
        free(rl.v); /* the strings are owned by pairs until the end */
    }
    t->percent = t->actions ? (int)((t->done * 100) / t->actions) : 0;
    if (npairs) {
        qsort(pairs, npairs, sizeof *pairs, pair_cmp);
    }
    unsigned char *linked = xcalloc(acts.n + 1, 1);
    p->risks = xcalloc(risks.n + 1, sizeof *p->risks);
    for (size_t i = 0; i < risks.n; i++) {
        const struct record *r = risks.v[i];
        const char *treat = record_get(r, "treatment");
        /* the first pair of this risk */
        size_t lo = 0, hi = npairs;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (strcmp(pairs[mid].risk, r->ref) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        size_t end = lo;
        while (end < npairs && strcmp(pairs[end].risk, r->ref) == 0) {
            end++;
        }
        /* in the plan: risks with actions, and risks to be modified */
        if (end == lo && !(treat && strcmp(treat, "modify") == 0)) {
            continue;
        }
        struct plan_risk *pr = &p->risks[p->nrisks++];
        pr->id = xstrdup(r->ref);
        pr->title = dup_opt(record_get(r, "title"));
        pr->owner = dup_opt(record_get(r, FIELD_OWNER));
        pr->level = dup_opt(record_get(r, "level"));
        pr->residual_level = dup_opt(record_get(r, "residual_level"));
        pr->treatment = dup_opt(treat);
        pr->status = dup_opt(record_get(r, FIELD_STATUS));
        pr->actions = xcalloc(end - lo + 1, sizeof *pr->actions);
        for (size_t j = lo; j < end; j++) {
            const struct plan_action *x = &p->acts[pairs[j].act];
            linked[pairs[j].act] = 1;
            pr->actions[pr->nactions++] = x;
            if (!x->cancelled) {
                pr->total++;
                pr->done += x->done;
                pr->cost += x->cost_value;
            }
        }
        pr->percent = pr->total ? (pr->done * 100) / pr->total : 0;
    }
    p->unlinked = xcalloc(acts.n + 1, sizeof *p->unlinked);
    for (size_t k = 0; k < acts.n; k++) {
        if (!linked[k]) {
            p->unlinked[p->nunlinked++] = &p->acts[k];
        }
    }
    for (size_t j = 0; j < npairs; j++) {
        free((char *)pairs[j].risk);
    }
    free(pairs);
    free(linked);
    records_free(&risks);
    records_free(&acts);
    /* what approvals sign: the undated plan */
    struct buf undated;
    buf_init(&undated, 0);
    plan_json(p, 0, &undated);
    sha256_hex(undated.p, undated.len, p->sha256);
    buf_free(&undated);
    return 0;
}

int app_plan(struct app *a, struct plan *out, struct err *e)
{
    if (plan_build(a, out, e)) {
        return -1;
    }
    if (app_signoffs(a, "plan", "plan", 0, out->sha256, &out->approvals, e)) {
        plan_free(out);
        return -1;
    }
    return 0;
}

/* dated 0 leaves out the date-dependent overdue flags (the form that is
 * hashed for approvals, so time passing does not "change" the plan). */
static void action_json(struct jw *w, const struct plan_action *x, int dated)
{
    jw_obj(w);
    jw_key(w, "id");
    jw_str(w, x->id);
    jw_key(w, "title");
    jw_str(w, x->title);
    jw_key(w, "owner");
    jw_str(w, x->owner);
    jw_key(w, "due_date");
    jw_str(w, x->due_date);
    jw_key(w, "status");
    jw_str(w, x->status);
    jw_key(w, "cost");
    if (x->cost) {
        jw_numtext(w, x->cost);
    } else {
        jw_null(w);
    }
    jw_key(w, "controls");
    jw_arr(w);
    for (size_t i = 0; i < x->controls.n; i++) {
        jw_str(w, x->controls.v[i]);
    }
    jw_arr_end(w);
    if (dated) {
        jw_key(w, "overdue");
        jw_bool(w, x->overdue);
    }
    jw_obj_end(w);
}

void plan_json(const struct plan *p, int dated, struct buf *b)
{
    struct jw w;
    jw_init(&w, b, 0);
    jw_obj(&w);
    jw_key(&w, "risks");
    jw_arr(&w);
    for (size_t i = 0; i < p->nrisks; i++) {
        const struct plan_risk *r = &p->risks[i];
        jw_obj(&w);
        jw_key(&w, "id");
        jw_str(&w, r->id);
        jw_key(&w, "title");
        jw_str(&w, r->title);
        jw_key(&w, "owner");
        jw_str(&w, r->owner);
        jw_key(&w, "level");
        jw_str(&w, r->level);
        jw_key(&w, "residual_level");
        jw_str(&w, r->residual_level);
        jw_key(&w, "treatment");
        jw_str(&w, r->treatment);
        jw_key(&w, "status");
        jw_str(&w, r->status);
        jw_key(&w, "actions");
        jw_arr(&w);
        for (size_t k = 0; k < r->nactions; k++) {
            action_json(&w, r->actions[k], dated);
        }
        jw_arr_end(&w);
        jw_key(&w, "done");
        jw_int(&w, r->done);
        jw_key(&w, "total");
        jw_int(&w, r->total);
        jw_key(&w, "percent");
        jw_int(&w, r->percent);
        jw_key(&w, "cost");
        jw_num(&w, r->cost);
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
    jw_key(&w, "unlinked_actions");
    jw_arr(&w);
    for (size_t k = 0; k < p->nunlinked; k++) {
        action_json(&w, p->unlinked[k], dated);
    }
    jw_arr_end(&w);
    jw_key(&w, "totals");
    jw_obj(&w);
    jw_key(&w, "actions");
    jw_int(&w, p->totals.actions);
    jw_key(&w, "done");
    jw_int(&w, p->totals.done);
    if (dated) {
        jw_key(&w, "overdue");
        jw_int(&w, p->totals.overdue);
    }
    jw_key(&w, "percent");
    jw_int(&w, p->totals.percent);
    jw_key(&w, "cost");
    jw_num(&w, p->totals.cost);
    jw_obj_end(&w);
    if (dated) {
        jw_key(&w, "sha256");
        jw_str(&w, p->sha256);
        jw_key(&w, "approvals");
        signoffs_json(&w, &p->approvals);
    }
    jw_obj_end(&w);
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
    struct plan p;
    if (app_plan(a, &p, e)) {
        return -1;
    }
    *empty = p.nrisks == 0;
    *approved = signoffs_current(&p.approvals, "approval") != NULL;
    plan_free(&p);
    return 0;
}

int app_plan_has_owner(struct app *a, const char *person, struct err *e)
{
    struct plan p;
    if (plan_build(a, &p, e)) {
        return -1;
    }
    int owner = 0;
    for (size_t i = 0; i < p.nrisks; i++) {
        owner |= p.risks[i].owner && strcmp(p.risks[i].owner, person) == 0;
    }
    plan_free(&p);
    return owner;
}

int app_plan_approve_tx(struct app *a, const char *rationale, const char *on_behalf_of,
                        const char *evidence, int *existing, struct err *e)
{
    int rc = -1;
    struct plan p;
    *existing = 0;
    if (a->signer.account <= 0 || !a->signer.person[0]) {
        return app_capacity_check(a, CAP_TOP_MANAGEMENT, NULL, e); /* says: sign in */
    }
    if (plan_build(a, &p, e)) {
        return -1;
    }
    int nrisks = (int)p.nrisks;
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
    struct buf det;
    struct jw w;
    buf_init(&det, 0);
    jw_init(&w, &det, 0);
    jw_obj(&w);
    jw_key(&w, "sha256");
    jw_str(&w, p.sha256);
    jw_key(&w, "risks");
    jw_int(&w, nrisks);
    jw_obj_end(&w);
    struct signoff_req q = {"plan",    "plan",         0,        "approval",
                            top ? CAP_TOP_MANAGEMENT : CAP_RISK_OWNER,
                            rationale, 0,              p.sha256, buf_str(&det),
                            on_behalf_of, evidence};
    long id;
    int src = app_signoff_tx(a, &q, &id, existing, e);
    buf_free(&det);
    if (src) {
        goto done;
    }
    rc = 0;
done:
    plan_free(&p);
    return rc;
}

int app_plan_approve(struct app *a, const char *rationale, const char *on_behalf_of,
                     const char *evidence, int *existing, struct err *e)
{
    IN_TRANSACTION(a, e, app_plan_approve_tx(a, rationale, on_behalf_of, evidence, existing, e));
}
