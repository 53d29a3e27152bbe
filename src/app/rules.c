/* rules.c — behaviour attached to particular record types, run by the
 * generic add/edit/retire path: risk scoring and the acceptance rule,
 * the SoA exclusion rule on controls, refusal of asset dependency cycles,
 * and the review triggers that flag risks (a treatment action completed, a
 * linked asset changed, a linked incident recorded). The rules themselves
 * are in model/ where they can be pure; this file wires them to the store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/buf.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "../model/method.h"
#include "../model/risk.h"
#include "app_int.h"
#include "audit.h" /* audit */
#include "ops.h"
#include "suppliers.h"
#include "review.h"
#include "metrics.h"
#include "people.h" /* people: RACI, competence, awareness */

static int is(const struct record *r, const char *type)
{
    return strcmp(r->type->name, type) == 0;
}

static int differs(const char *x, const char *y)
{
    return (x == NULL) != (y == NULL) || (x && strcmp(x, y) != 0);
}

void app_method_recheck(struct app *a)
{
    a->method_checked = 0;
}

const struct method *app_method(struct app *a, struct err *e)
{
    /* Another process or connection may have changed the method since it
     * was loaded: check the version once per request (app_method_recheck),
     * and always inside a write transaction, where it is authoritative. */
    /* what is computed from the method depends on where it was read */
    if (a->method && a->method_checked && !store_in_write(a->st)) {
        store_track_add(a->st, &a->method_deps);
        return a->method;
    }
    /* inside a read transaction, an unchanged file needs no new look */
    long long dv = store_data_version(a->st);
    if (a->method && dv >= 0 && dv == a->method_dv && !store_in_write(a->st)) {
        a->method_checked = 1;
        store_track_add(a->st, &a->method_deps);
        return a->method;
    }
    int version;
    char *def = NULL;
    struct tblset saved;
    store_track_begin(a->st, &saved);
    int mrc = store_method_current(a->st, &version, &def, e);
    store_track_end(a->st, &saved, &a->method_deps);
    if (mrc) {
        return NULL;
    }
    a->method_checked = 1;
    a->method_dv = dv;
    if (a->method && version == a->method_version) {
        free(def);
        return a->method;
    }
    method_free(a->method);
    a->method = NULL;
    int rc = method_parse(def ? def : method_default_json(), &a->method, e);
    free(def);
    if (rc) {
        return NULL;
    }
    a->method_version = version;
    return a->method;
}

int app_method_install_default(struct app *a, struct err *e)
{
    struct method *m = NULL;
    if (method_parse(method_default_json(), &m, e)) {
        return -1;
    }
    struct buf def;
    buf_init(&def, 0);
    method_json(m, &def, 0);
    char now[21];
    time_now(now);
    int rc = -1;
    int number = 0;
    if (store_method_add(a->st, 1, m->name, buf_str(&def), now, a->actor, e) ||
        app_journal(a, now, "method", "method", "change", NULL, buf_str(&def), e) ||
        app_version_freeze_tx(a, "method", "risk", buf_str(&def), "in-force", m->name, 0, &number,
                              NULL, e)) {
        goto done;
    }
    method_free(a->method);
    a->method = m;
    m = NULL;
    a->method_version = 1;
    long n;
    rc = app_rescore_all(a, &n, e);
done:
    method_free(m);
    buf_free(&def);
    return rc;
}

/* ---- risks ------------------------------------------------------------- */

static int derive_risk(struct app *a, struct record *r, const struct record *orig,
                       struct err *e)
{
    const struct method *m = app_method(a, e);
    if (!m || risk_derive(m, r, e)) {
        return -1;
    }
    const char *st = record_get(r, FIELD_STATUS);
    int accepted = st && strcmp(st, "accepted") == 0;
    int was_accepted = orig && differs(record_get(orig, FIELD_STATUS), "accepted") == 0;
    if (accepted && !was_accepted && !a->accepting && risk_needs_approval(m, r)) {
        return err_set(e, ERR_INVALID, FIELD_STATUS,
                       "status: %s scores %d, above the acceptance criterion (%d); retaining it "
                       "needs top-management approval: isms risk accept %s --as ACCOUNT "
                       "--rationale TEXT",
                       r->ref ? r->ref : "this risk", risk_decisive_score(r), m->accept_max,
                       r->ref ? r->ref : "ID");
    }
    int i;
    if (was_accepted && accepted && risk_needs_approval(m, r) &&
        risk_decisive_score(r) > risk_decisive_score(orig) && rtype_field(r->type, "review_reason", &i)) {
        char why[160];
        snprintf(why, sizeof why, "score rose to %d after acceptance", risk_decisive_score(r));
        record_set_take(r, i, xstrdup(why));
    }
    if (!orig && !record_get(r, "review_date") && strcmp(st, "closed") != 0 &&
        rtype_field(r->type, "review_date", &i)) {
        char today[11], due[11];
        date_today(today);
        if (date_add_days(today, risk_review_days(m, r), due) == 0) {
            record_set_take(r, i, xstrdup(due));
        }
    }
    return 0;
}

int app_rescore_all(struct app *a, long *changed_out, struct err *e)
{
    struct records rows = {0};
    *changed_out = 0;
    const struct method *m = app_method(a, e);
    if (!m) {
        return -1;
    }
    /* Only what the scoring reads and sets, and the time of the last
     * update: a changed risk's update and its history entry cover the
     * fields that changed, which are among these, and updated (its value
     * before is in the entry). The other fields stay unset in both. */
    const char *cols[RISK_DERIVE_NFIELDS + 2];
    size_t nc = 0;
    while (risk_derive_fields[nc]) {
        cols[nc] = risk_derive_fields[nc];
        nc++;
    }
    cols[nc++] = FIELD_UPDATED;
    cols[nc] = NULL;
    struct query q = {0};
    q.columns = cols;
    if (store_list(a->st, principal_sys(), rtype_find("risk"), &q, records_add, &rows, e)) {
        records_free(&rows);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < rows.n; i++) {
        struct record *orig = rows.v[i];
        if (rc) {
            record_free(orig);
            continue;
        }
        struct record *r = record_dup(orig);
        int changed = 0;
        if (risk_derive(m, r, e)) {
            char msg[sizeof e->msg];
            strlcpy_(msg, e->msg, sizeof msg);
            err_set(e, ERR_CONFLICT, e->field,
                    "%s does not fit the method: %s; re-rate it first, nothing was changed",
                    orig->ref, msg);
            rc = -1;
        } else if (app_save_tx(a, orig, r, "update", &changed, e)) {
            rc = -1;
        }
        *changed_out += changed;
        record_free(r);
        record_free(orig);
    }
    free(rows.v);
    return rc;
}

/* ---- assets ------------------------------------------------------------ */

struct walk {
    struct app *a;
    const char *start;  /* the asset being edited */
    char **path;        /* current path for the message */
    int depth;
    int found;
    struct err *e;
    struct buf cycle;
};

static int walk_dep(void *ctx, const char *ref);

static int walk_from(struct walk *w, const char *ref)
{
    if (w->found || w->depth >= 64) {
        return 0;
    }
    w->path[w->depth++] = xstrdup(ref);
    if (strcmp(ref, w->start) == 0) {
        w->found = 1;
        buf_puts(&w->cycle, w->start);
        for (int i = 0; i < w->depth; i++) {
            buf_printf(&w->cycle, " -> %s", w->path[i]);
        }
    } else if (store_links_from(w->a->st, principal_sys(), ref, "depends_on", walk_dep, w, w->e)) {
        w->found = -1;
    }
    free(w->path[--w->depth]);
    return 0;
}

static int walk_dep(void *ctx, const char *ref)
{
    walk_from(ctx, ref);
    return ((struct walk *)ctx)->found != 0;
}

/* Refuses depends_on values that would close a cycle through r. The new
 * edges are r -> each value; a cycle exists when r is reachable from one. */
static int check_cycles(struct app *a, const struct record *r, struct err *e)
{
    const char *deps = record_get(r, "depends_on");
    if (!deps || !r->ref) {
        return 0; /* a new asset cannot be depended on yet */
    }
    char *path[64];
    struct walk w = {a, r->ref, path, 0, 0, e, {0}};
    buf_init(&w.cycle, 4096);
    char *copy = xstrdup(deps);
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok && !w.found; tok = strtok_r(NULL, ",", &save)) {
        walk_from(&w, tok);
    }
    free(copy);
    int rc = 0;
    if (w.found > 0) {
        rc = err_set(e, ERR_INVALID, "depends_on",
                     "depends_on: this would make a dependency cycle: %s", buf_str(&w.cycle));
    } else if (w.found < 0) {
        rc = -1;
    }
    buf_free(&w.cycle);
    return rc;
}

/* ---- hooks ------------------------------------------------------------- */

int rules_derive(struct app *a, struct record *r, const struct record *orig,
                 const unsigned char *touched, struct err *e)
{
    /* metrics: metrics, measurements, objectives, nonconformities (metrics.c) */
    if (metrics_derive(a, r, orig, touched, e)) {
        return -1;
    }
    /* people: RACI, competence, awareness (people.c) */
    if (is(r, "responsibility") || is(r, "qualification") || is(r, "campaign") ||
        is(r, "attendance")) {
        return people_derive(a, r, orig, e);
    }
    if (is(r, "risk")) {
        return derive_risk(a, r, orig, e);
    }
    if (is(r, "control")) {
        const char *ap = record_get(r, "applicable");
        if (ap && strcmp(ap, "0") == 0 && str_empty(record_get(r, "justification"))) {
            return err_set(e, ERR_INVALID, "justification",
                           "justification: a control marked not applicable needs the reason "
                           "for its exclusion");
        }
        /* excluding a control that was included needs its own reason: the
         * text that justified the inclusion is not one */
        int ji = 0;
        const char *was = orig ? record_get(orig, "applicable") : NULL;
        if (ap && strcmp(ap, "0") == 0 && was && strcmp(was, "1") == 0 &&
            rtype_field(r->type, "justification", &ji) && !touched[ji] &&
            !str_empty(record_get(r, "justification"))) {
            return err_set(e, ERR_INVALID, "justification",
                           "justification: say why the control is excluded (--justification "
                           "TEXT); the justification it has explains why it was included");
        }
        return 0;
    }
    if (is(r, "scope")) {
        /* approved and superseded are what a sign-off makes a scope */
        const char *st = record_get(r, FIELD_STATUS);
        const char *was = orig ? record_get(orig, FIELD_STATUS) : NULL;
        if (!a->accepting && st && (strcmp(st, "approved") == 0 || strcmp(st, "superseded") == 0) &&
            !(was && strcmp(was, st) == 0)) {
            return err_set(e, ERR_INVALID, FIELD_STATUS,
                           "status: a scope becomes %s when top management approves a scope "
                           "(isms scope approve %s --as ACCOUNT)",
                           st, r->ref ? r->ref : "SC-...");
        }
        return 0;
    }
    if (is(r, "asset")) {
        int i;
        if (rtype_field(r->type, "depends_on", &i) && touched[i]) {
            return check_cycles(a, r, e);
        }
    }
    if (is(r, "document")) {
        return doc_derive(a, r, orig, e); /* documents.c */
    }
    /* review: reviews, certificates, certification nonconformities (review.c) */
    if (is(r, "review") || is(r, "certificate") || is(r, "cnc")) {
        return review_derive(a, r, orig, e);
    }
    /* audit: auditor independence, checklist results (audit.c) */
    if (is(r, "audit") || is(r, "checkitem") || is(r, "ctest")) {
        return audit_rules_derive(a, r, orig, touched, e);
    }
    /* ops: continuity plans and tests, security exceptions (ops.c) */
    if (is(r, "continuity") || is(r, "bcptest") || is(r, "exception")) {
        return ops_derive(a, r, orig, e);
    }
    /* suppliers: questionnaires, DPIAs, access reviews (suppliers.c) */
    if (is(r, "questionnaire") || is(r, "dpia") || is(r, "aaccount") || is(r, "areview")) {
        return suppliers_derive(a, r, orig, e);
    }
    return 0;
}

struct flag_ctx {
    struct app *a;
    const char *reason;
    struct err *e;
    int rc;
};

static int flag_risk(void *ctx, const char *ref)
{
    struct flag_ctx *f = ctx;
    int retired = 0, changed = 0;
    const struct rtype *t = rtype_find("risk");
    int found = store_exists(f->a->st, principal_sys(), t, ref, &retired, f->e);
    if (found < 0) {
        f->rc = -1;
        return 1;
    }
    if (!found || retired) {
        return 0;
    }
    struct kv kv[] = {{"review_reason", f->reason}};
    if (app_edit_tx(f->a, t, ref, kv, 1, 1, &changed, f->e)) {
        f->rc = -1;
        return 1;
    }
    return 0;
}

/* Flags every risk in the comma-separated list (NULL: none). */
static int flag_list(struct app *a, const char *list, const char *reason, struct err *e)
{
    if (!list) {
        return 0;
    }
    struct flag_ctx f = {a, reason, e, 0};
    char *copy = xstrdup(list);
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok && !f.rc; tok = strtok_r(NULL, ",", &save)) {
        char *one = xstrdup(tok);
        flag_risk(&f, one);
        free(one);
    }
    free(copy);
    return f.rc;
}

/* Risks newly linked in `after` compared with `before` (both lists). */
static char *added(const char *before, const char *after)
{
    if (!after) {
        return NULL;
    }
    struct buf b;
    buf_init(&b, 0);
    char *copy = xstrdup(after);
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (!list_has(before, tok)) {
            buf_printf(&b, "%s%s", b.len ? "," : "", tok);
        }
    }
    free(copy);
    if (!b.len) {
        buf_free(&b);
        return NULL;
    }
    return buf_take(&b);
}

int rules_after(struct app *a, const struct record *orig, const struct record *r, struct err *e)
{
    /* metrics: objectives follow their metric's measurements (metrics.c) */
    if (metrics_after(a, orig, r, e)) {
        return -1;
    }
    char why[160];
    if (is(r, "action")) {
        const char *st = record_get(r, FIELD_STATUS);
        int done_now = st && strcmp(st, "done") == 0;
        int done_before = orig && differs(record_get(orig, FIELD_STATUS), "done") == 0;
        if (done_now && !done_before) {
            snprintf(why, sizeof why, "treatment action %s completed", r->ref);
            return flag_list(a, record_get(r, "risks"), why, e);
        }
        return 0;
    }
    if (is(r, "asset") && orig) {
        snprintf(why, sizeof why, "asset %s %s", r->ref,
                 record_get(r, FIELD_RETIRED) ? "retired" : "changed");
        struct flag_ctx f = {a, why, e, 0};
        if (store_links_to(a->st, principal_sys(), r->ref, "assets", "risk", flag_risk, &f, e)) {
            return -1;
        }
        return f.rc;
    }
    /* ops: a change carried out flags the risks it touches for reassessment */
    if (is(r, "change")) {
        const char *st = record_get(r, FIELD_STATUS);
        int done_now = st && strcmp(st, "done") == 0;
        int done_before = orig && differs(record_get(orig, FIELD_STATUS), "done") == 0;
        if (done_now && !done_before) {
            snprintf(why, sizeof why, "change %s carried out", r->ref);
            return flag_list(a, record_get(r, "risks"), why, e);
        }
        return 0;
    }
    if (is(r, "incident")) {
        char *fresh = added(orig ? record_get(orig, "risks") : NULL, record_get(r, "risks"));
        snprintf(why, sizeof why, "incident %s recorded", r->ref);
        int rc = flag_list(a, fresh, why, e);
        free(fresh);
        return rc;
    }
    /* audit: a major or minor nonconformity on a checklist item raises an NC */
    if (is(r, "checkitem")) {
        return audit_rules_after(a, orig, r, e);
    }
    return 0;
}
