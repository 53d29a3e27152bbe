/* reports.c — the printable reports, each built as one rdoc from app/'s
 * typed structures (never JSON text read back), read as the principal set
 * on the app (a->who: the web's account, the CLI's --as ACCOUNT, else the
 * system): every read takes it and the store applies its rows.
 * Names are shown beside identifiers so a printed report reads without the
 * tool. The page header names the organization: the title of the ISMS
 * scope in force with a leading "ISMS scope of " dropped ("ISMS" when
 * there is no scope). */
#include "reports.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmark.h>

#include "../app/audit.h"
#include "../app/readiness.h" /* bundle: the readiness report */
#include "../app/review.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "../model/method.h"
#include "../store/store.h"
#include "outfile.h"

const char report_kinds[] = "soa|risks|plan|assets|audit|review|document|readiness";
/* readiness: the readiness report is build_readiness below (bundle helper). */

int report_needs_id(const char *kind)
{
    return strcmp(kind, "audit") == 0 || strcmp(kind, "review") == 0 ||
           strcmp(kind, "document") == 0;
}

/* ---- what every report reads ------------------------------------------- */

static int may_read(struct app *a, const char *type)
{
    const struct rtype *t = rtype_find(type);
    return principal_is_system(&a->who) || perm_allows(a->who.role, PERM_READ, t, -1);
}

/* The records of type the viewer may see (columns NULL: all fields). */
static int list(struct app *a, const char *type, const char *const *columns, struct records *out,
                struct err *e)
{
    const struct rtype *t = rtype_find(type);
    struct query q = {0};
    q.columns = columns;
    return store_list(a->st, &a->who, t, &q, records_add, out, e);
}

struct names {
    struct records ps;
    struct strmap m; /* ref -> "Name (P-0001)" */
};

static int names_load(struct app *a, struct names *n, struct err *e)
{
    memset(n, 0, sizeof *n);
    if (!may_read(a, "person")) {
        return 0; /* identifiers only */
    }
    static const char *const cols[] = {"name", NULL};
    if (list(a, "person", cols, &n->ps, e)) {
        return -1;
    }
    for (size_t i = 0; i < n->ps.n; i++) {
        char s[400];
        snprintf(s, sizeof s, "%s (%s)", record_get(n->ps.v[i], "name") ? record_get(n->ps.v[i], "name") : "",
                 n->ps.v[i]->ref);
        strmap_put(&n->m, n->ps.v[i]->ref, s);
    }
    return 0;
}

static const char *who(const struct names *n, const char *ref)
{
    const char *v = NULL;
    if (ref && strmap_get(&n->m, ref, &v) && v) {
        return v;
    }
    return ref;
}

static void names_free(struct names *n)
{
    records_free(&n->ps);
    strmap_free(&n->m);
}

static char *commas(const char *v)
{
    struct buf b;
    buf_init(&b, 0);
    for (const char *p = v ? v : ""; *p; p++) {
        if (*p == ',') {
            buf_puts(&b, ", ");
        } else {
            buf_putc(&b, *p);
        }
    }
    return buf_take(&b);
}

static const char *level_colour(const struct method *m, const char *level)
{
    for (int i = 0; m && level && i < m->nlevels; i++) {
        if (strcmp(m->levels[i].name, level) == 0) {
            return m->levels[i].colour;
        }
    }
    return NULL;
}

static void org_name(struct app *a, char *out, size_t size)
{
    strlcpy_(out, "ISMS", size);
    struct records sc = {0};
    struct err e2 = {0};
    static const char *const cols[] = {"title", "status", NULL};
    if (store_list(a->st, &a->who, rtype_find("scope"), &(struct query){.columns = cols},
                   records_add, &sc, &e2) == 0) {
        const struct record *best = NULL;
        for (size_t i = 0; i < sc.n; i++) {
            const char *st = record_get(sc.v[i], FIELD_STATUS);
            if (!best || (st && strcmp(st, "approved") == 0)) {
                best = sc.v[i];
            }
        }
        const char *t = best ? record_get(best, "title") : NULL;
        if (!str_empty(t)) {
            static const char *const drop[] = {"ISMS scope of ", "Scope of ", "ISMS scope: ", NULL};
            for (int i = 0; drop[i]; i++) {
                if (strncasecmp(t, drop[i], strlen(drop[i])) == 0 && t[strlen(drop[i])]) {
                    t += strlen(drop[i]);
                    break;
                }
            }
            strlcpy_(out, t, size);
        }
    }
    records_free(&sc);
}

static void start(struct app *a, struct rdoc *d, const char *title, const char *version,
                  const char *classification)
{
    char org[300];
    org_name(a, org, sizeof org);
    const char *author = a->signer.name[0] ? a->signer.name : a->actor;
    rdoc_init(d, org, title, version, classification, author);
    char now[21];
    time_now(now); /* the clock of the records ($ISMS_NOW, the demo's simulated clock) */
    free(d->created);
    d->created = xstrdup(now);
}


/* "approved version 3" when the latest approved version of kind/subject
 * is 3 and holds content of hash sha (NULL: not compared), "draft after
 * approved version 3" when it differs, "draft (never approved)". */
static void version_of(struct app *a, const char *kind, const char *subject, const char *sha,
                       char *out, size_t size)
{
    struct versions vs = {0};
    struct err e2 = {0};
    strlcpy_(out, "draft (never approved)", size);
    if (app_version_list(a, kind, subject, &vs, &e2) == 0 && vs.n) {
        const struct version *best = &vs.v[0];
        for (size_t i = 0; i < vs.n; i++) {
            best = vs.v[i].number > best->number ? &vs.v[i] : best;
        }
        int same = !sha || (best->sha256 && strcmp(best->sha256, sha) == 0);
        snprintf(out, size, "%sapproved version %d", same ? "" : "draft after ", best->number);
    }
    versions_free(&vs);
}

static void heat_of(struct app *a, struct rdoc *d, int residual, struct err *e, int *rc,
                    long *unrated)
{
    struct risk_matrix mx;
    if (app_risk_matrix(a, residual, &mx, e)) {
        *rc = -1;
        return;
    }
    struct rheat *h = rdoc_heat(d, residual ? "Residual risk (after treatment)" : "Inherent risk",
                                "Consequence", "Likelihood", mx.nl, mx.nc);
    for (int l = 0; l < h->nl; l++) {
        for (int c = 0; c < h->nc; c++) {
            h->count[l][c] = mx.cell[l][c].count;
            if (mx.cell[l][c].colour) {
                strlcpy_(h->colour[l][c], mx.cell[l][c].colour, sizeof h->colour[l][c]);
            }
        }
    }
    *unrated = mx.unrated;
}

/* The inherent and residual heat maps side by side, then what is unrated. */
static int heats(struct app *a, struct rdoc *d, struct err *e)
{
    int rc = 0;
    long u0 = 0, u1 = 0;
    heat_of(a, d, 0, e, &rc, &u0);
    if (!rc) {
        heat_of(a, d, 1, e, &rc, &u1);
    }
    if (!rc && (u0 || u1)) {
        char s[160];
        snprintf(s, sizeof s, "Not shown: %ld risk(s) without an inherent rating, %ld without a "
                 "residual rating.", u0, u1);
        rdoc_para(d, s);
    }
    return rc;
}

/* ---- the reports -------------------------------------------------------- */

enum { SOA_RISKS = 12 };

static int build_soa(struct app *a, const char *framework, struct rdoc *d, struct err *e)
{
    struct soa soa;
    if (app_soa(a, framework, &soa, e)) {
        return -1;
    }
    struct names n;
    struct strmap tests = {0};
    if (names_load(a, &n, e) || app_ctest_flags(a, NULL, &tests, e)) {
        soa_free(&soa);
        names_free(&n);
        strmap_free(&tests);
        return -1;
    }
    char ver[64], title[96], sha[65];
    soa_sha256(&soa, sha);
    version_of(a, "soa", framework, sha, ver, sizeof ver);
    snprintf(title, sizeof title, "Statement of Applicability (%s)", framework);
    start(a, d, title, ver, "Confidential");
    d->landscape = 1;
    struct soa_counts c;
    soa_counts(&soa, &c);
    char s[5][32];
    snprintf(s[0], sizeof s[0], "%zu", c.controls);
    snprintf(s[1], sizeof s[1], "%zu", c.applicable);
    snprintf(s[2], sizeof s[2], "%zu", c.implemented);
    snprintf(s[3], sizeof s[3], "%zu", c.excluded);
    snprintf(s[4], sizeof s[4], "%zu", c.undecided);
    rdoc_kv_add(d, "Framework", framework);
    rdoc_kv_add(d, "Controls", s[0]);
    rdoc_kv_add(d, "Applicable", s[1]);
    rdoc_kv_add(d, "Implemented", s[2]);
    rdoc_kv_add(d, "Excluded", s[3]);
    rdoc_kv_add(d, "Undecided", s[4]);
    static const char *const h[] = {"Control", "Title", "Applicable", "Reasons for inclusion",
                                    "Justification", "Status", "How it is implemented",
                                    "Documents", "Owner", "Control test"};
    static const double w[] = {6, 13, 9, 13, 16, 9, 16, 9, 10, 7}; /* "Applicable" unbroken */
    struct rtable *t = rdoc_table(d, h, w, 10);
    for (size_t i = 0; i < soa.n; i++) {
        const struct soa_row *r = &soa.v[i];
        struct buf reasons;
        buf_init(&reasons, 0);
        /* A control can be chosen to treat hundreds of risks; the printed
         * SoA names the first SOA_RISKS and the count, and the risk
         * register (and the CSV/XLSX SoA) lists every risk's controls. */
        char *cats = strlist_join(&r->categories, 0), *risks = strlist_join(&r->risks, SOA_RISKS),
             *reqs = strlist_join(&r->requirements, 0), *docs = strlist_join(&r->documents, 0);
        if (*cats) buf_printf(&reasons, "%s\n", cats);
        if (*risks) {
            buf_printf(&reasons, "Risks (%zu): %s%s\n", r->risks.n, risks,
                       r->risks.n > SOA_RISKS ? " (see the risk register)" : "");
        }
        if (*reqs) buf_printf(&reasons, "Requirements: %s", reqs);
        const char *test = NULL;
        const char *v[10] = {r->id, r->title,
                             r->applicable == 1 ? "Yes" : r->applicable == 0 ? "No" : "Undecided",
                             buf_str(&reasons), r->justification, r->status, r->implementation,
                             docs, who(&n, r->owner),
                             strmap_get(&tests, r->id, &test) ? test : NULL};
        rdoc_row(t, v);
        if (r->applicable == 0) {
            for (int k = 0; k < 10; k++) {
                rdoc_fill(t, k, "#eeeeee");
            }
        } else if (r->applicable < 0) {
            rdoc_fill(t, 2, "#fff3cd");
        }
        buf_free(&reasons);
        free(cats);
        free(risks);
        free(reqs);
        free(docs);
    }
    soa_free(&soa);
    names_free(&n);
    strmap_free(&tests);
    return 0;
}

static int build_risks(struct app *a, struct rdoc *d, struct err *e)
{
    const struct method *m = app_method(a, e);
    if (!m) {
        return -1;
    }
    struct names n;
    if (names_load(a, &n, e)) {
        return -1;
    }
    static const char *const cols[] = {"title", "description", FIELD_OWNER, "assets", "score",
                                       "level", "treatment", "controls", "residual_score",
                                       "residual_level", FIELD_STATUS, "review_date", NULL};
    struct records rs = {0};
    if (list(a, "risk", cols, &rs, e)) {
        names_free(&n);
        records_free(&rs);
        return -1;
    }
    char ver[64];
    snprintf(ver, sizeof ver, "%zu risks", rs.n);
    start(a, d, "Risk register", ver, "Confidential");
    d->landscape = 1;
    rdoc_kv_add(d, "Risk method", m->name);
    rdoc_kv_add(d, "Active risks", ver);
    if (heats(a, d, e)) {
        names_free(&n);
        records_free(&rs);
        return -1;
    }
    rdoc_heading(d, 1, "Risks");
    static const char *const h[] = {"ID", "Risk", "Description", "Owner", "Assets", "Score",
                                    "Level", "Treatment", "Planned controls", "Residual",
                                    "Status", "Next review"};
    static const double w[] = {5.5, 13, 17.5, 10, 7, 5, 6, 7.5, 8, 8, 7, 8};
    struct rtable *t = rdoc_table(d, h, w, 12);
    for (size_t i = 0; i < rs.n; i++) {
        const struct record *r = rs.v[i];
        char *assets = commas(record_get(r, "assets"));
        char *controls = commas(record_get(r, "controls"));
        char resid[64] = "";
        if (record_get(r, "residual_level")) {
            snprintf(resid, sizeof resid, "%s (%s)", record_get(r, "residual_level"),
                     record_get(r, "residual_score") ? record_get(r, "residual_score") : "");
        }
        const char *v[12] = {r->ref,
                             record_get(r, "title"),
                             record_get(r, "description"),
                             who(&n, record_get(r, FIELD_OWNER)),
                             assets,
                             record_get(r, "score"),
                             record_get(r, "level"),
                             record_get(r, "treatment"),
                             controls,
                             resid,
                             record_get(r, FIELD_STATUS),
                             record_get(r, "review_date")};
        rdoc_row(t, v);
        rdoc_fill(t, 6, level_colour(m, record_get(r, "level")));
        rdoc_fill(t, 9, level_colour(m, record_get(r, "residual_level")));
        free(assets);
        free(controls);
    }
    records_free(&rs);
    names_free(&n);
    return 0;
}

/* The approval block: every sign-off but acknowledgements of reading. */
static void signoff_rows(struct rdoc *d, const struct signoffs *l)
{
    static const char *const h[] = {"Sign-off", "Signed by", "Capacity", "On", "Rationale",
                                    "Covers the current content"};
    static const double w[] = {10, 22, 13, 15, 30, 9};
    struct rtable *t = rdoc_table(d, h, w, 6);
    for (size_t i = 0; i < l->n; i++) {
        const struct signoff *s = &l->v[i];
        if (s->kind && strstr(s->kind, "ack")) {
            continue;
        }
        char by[400];
        snprintf(by, sizeof by, "%s (%s%s%s)%s%s", s->person_name ? s->person_name : "",
                 s->person ? s->person : "", s->account_name ? ", account " : "",
                 s->account_name ? s->account_name : "", s->on_behalf_of ? "; on behalf of " : "",
                 s->on_behalf_name ? s->on_behalf_name : s->on_behalf_of ? s->on_behalf_of : "");
        char at[40];
        snprintf(at, sizeof at, "%s", s->at ? s->at : "");
        if (strlen(at) > 10 && at[10] == 'T') {
            at[10] = ' ';
        }
        const char *v[6] = {s->kind, by, s->capacity, at, s->rationale,
                            s->current == 1 ? "yes" : s->current == 0 ? "no (changed since)"
                                                                      : "(this version)"};
        rdoc_row(t, v);
    }
}

static int build_plan(struct app *a, struct rdoc *d, struct err *e)
{
    const struct method *m = app_method(a, e);
    struct plan plan;
    if (!m || app_plan(a, &plan, e)) {
        return -1;
    }
    struct names n;
    if (names_load(a, &n, e)) {
        plan_free(&plan);
        return -1;
    }
    const struct signoff *cur = NULL;
    for (size_t i = 0; i < plan.approvals.n; i++) {
        if (plan.approvals.v[i].current == 1) {
            cur = &plan.approvals.v[i];
        }
    }
    start(a, d, "Risk treatment plan", cur ? "approved as it is" : "changed since approval",
          "Confidential");
    if (!plan.approvals.n) {
        free(d->version);
        d->version = xstrdup("not approved");
    }
    d->landscape = 1;
    char s[4][48];
    snprintf(s[0], sizeof s[0], "%ld", plan.totals.actions);
    snprintf(s[1], sizeof s[1], "%ld (%d%%)", plan.totals.done, plan.totals.percent);
    snprintf(s[2], sizeof s[2], "%ld", plan.totals.overdue);
    snprintf(s[3], sizeof s[3], "%.2f", plan.totals.cost);
    rdoc_kv_add(d, "Actions", s[0]);
    rdoc_kv_add(d, "Done", s[1]);
    rdoc_kv_add(d, "Overdue", s[2]);
    rdoc_kv_add(d, "Cost", s[3]);
    rdoc_kv_add(d, "Content hash (SHA-256)", plan.sha256);
    static const char *const h[] = {"Risk", "Risk title", "Risk owner", "Level", "Residual",
                                    "Action", "Action title", "Action owner", "Due", "Status",
                                    "Cost", "Controls"};
    static const double w[] = {5.5, 13, 10, 6, 6.5, 6, 15, 10, 7.5, 8, 6.5, 8};
    struct rtable *t = rdoc_table(d, h, w, 12);
    for (size_t i = 0; i < plan.nrisks; i++) {
        const struct plan_risk *r = &plan.risks[i];
        for (size_t k = 0; k < (r->nactions ? r->nactions : 1); k++) {
            const struct plan_action *act = r->nactions ? r->actions[k] : NULL;
            char cost[32] = "", status[64] = "";
            if (act && act->cost) {
                snprintf(cost, sizeof cost, "%.2f", act->cost_value);
            }
            if (act) {
                snprintf(status, sizeof status, "%s%s", act->status ? act->status : "",
                         act->overdue ? " (OVERDUE)" : "");
            }
            char *controls = act ? strlist_join(&act->controls, 0) : NULL;
            const char *v[12] = {r->id, r->title, who(&n, r->owner), r->level, r->residual_level,
                                 act ? act->id : NULL, act ? act->title : "(no action yet)",
                                 act ? who(&n, act->owner) : NULL, act ? act->due_date : NULL,
                                 status, cost, controls};
            rdoc_row(t, v);
            rdoc_fill(t, 3, level_colour(m, r->level));
            rdoc_fill(t, 4, level_colour(m, r->residual_level));
            if (act && act->overdue) {
                rdoc_fill(t, 9, "#f8d7da");
            }
            free(controls);
        }
    }
    for (size_t i = 0; i < plan.nunlinked; i++) {
        const struct plan_action *act = plan.unlinked[i];
        char *controls = strlist_join(&act->controls, 0);
        const char *v[12] = {NULL, "(not linked to a risk)", NULL, NULL, NULL, act->id, act->title,
                             who(&n, act->owner), act->due_date, act->status, NULL, controls};
        rdoc_row(t, v);
        free(controls);
    }
    rdoc_heading(d, 1, "Approval");
    if (plan.approvals.n) {
        signoff_rows(d, &plan.approvals);
    } else {
        rdoc_para(d, "The plan has not been approved.");
    }
    plan_free(&plan);
    names_free(&n);
    return 0;
}

static int build_assets(struct app *a, struct rdoc *d, struct err *e)
{
    struct names n;
    if (names_load(a, &n, e)) {
        return -1;
    }
    struct records rs = {0};
    if (list(a, "asset", NULL, &rs, e)) {
        names_free(&n);
        records_free(&rs);
        return -1;
    }
    char ver[64];
    snprintf(ver, sizeof ver, "%zu assets", rs.n);
    start(a, d, "Asset inventory", ver, "Confidential");
    d->landscape = 1;
    static const char *const h[] = {"ID", "Asset", "Kind", "Description", "Owner", "Custodian",
                                    "Location", "Classification", "C / I / A", "Status",
                                    "Next review"};
    static const double w[] = {5.5, 14, 7.5, 20, 11, 11, 9, 8.5, 6, 6, 8};
    struct rtable *t = rdoc_table(d, h, w, 11);
    for (size_t i = 0; i < rs.n; i++) {
        const struct record *r = rs.v[i];
        char cia[64];
        snprintf(cia, sizeof cia, "%s / %s / %s",
                 record_get(r, "confidentiality") ? record_get(r, "confidentiality") : "-",
                 record_get(r, "integrity") ? record_get(r, "integrity") : "-",
                 record_get(r, "availability") ? record_get(r, "availability") : "-");
        const char *v[11] = {r->ref,
                             record_get(r, "name"),
                             record_get(r, "kind"),
                             record_get(r, "description"),
                             who(&n, record_get(r, FIELD_OWNER)),
                             who(&n, record_get(r, "custodian")),
                             record_get(r, "location"),
                             record_get(r, "classification"),
                             cia,
                             record_get(r, FIELD_STATUS),
                             record_get(r, "review_date")};
        rdoc_row(t, v);
    }
    records_free(&rs);
    names_free(&n);
    return 0;
}

static void fields_kv(struct rdoc *d, const struct record *r, const struct names *n,
                      const char *const *fields)
{
    for (int i = 0; fields[i]; i++) {
        const struct field *f = rtype_field(r->type, fields[i], NULL);
        const char *v = record_get(r, fields[i]);
        if (!f || str_empty(v)) {
            continue;
        }
        if (f->type == F_REF && f->ref && strcmp(f->ref, "person") == 0) {
            rdoc_kv_add(d, f->label, who(n, v));
        } else if (f->type == F_REFS && f->ref && strcmp(f->ref, "person") == 0) {
            struct buf b;
            buf_init(&b, 0);
            const char *p = v;
            while (*p) {
                size_t len = strcspn(p, ",");
                char one[64];
                snprintf(one, sizeof one, "%.*s", (int)(len < 63 ? len : 63), p);
                buf_printf(&b, "%s%s", b.len ? ", " : "", who(n, one));
                p += len + (p[len] == ',');
            }
            rdoc_kv_add(d, f->label, buf_str(&b));
            buf_free(&b);
        } else if (f->type == F_REFS || f->type == F_SET) {
            char *c = commas(v);
            rdoc_kv_add(d, f->label, c);
            free(c);
        } else {
            rdoc_kv_add(d, f->label, v);
        }
    }
}

static int build_audit(struct app *a, const char *id, struct rdoc *d, struct err *e)
{
    struct audit_report r;
    if (app_audit_report(a, id, &r, e)) {
        return -1;
    }
    struct names n;
    if (names_load(a, &n, e)) {
        audit_report_free(&r);
        return -1;
    }
    char title[300];
    snprintf(title, sizeof title, "Audit report %s: %s", r.audit->ref,
             record_get(r.audit, "title") ? record_get(r.audit, "title") : "");
    start(a, d, title, record_get(r.audit, FIELD_STATUS), "Confidential");
    static const char *const af[] = {"kind", "scope", "criteria", "lead_auditor", "auditors",
                                     "auditing_body", "planned_on", "performed_on", "clauses",
                                     "controls", "independence", FIELD_STATUS, NULL};
    fields_kv(d, r.audit, &n, af);
    rdoc_heading(d, 1, "Checklist results");
    for (int i = 0; i < 6; i++) {
        char s[32];
        snprintf(s, sizeof s, "%zu", r.results[i]);
        rdoc_kv_add(d, audit_result_names[i], s);
    }
    rdoc_heading(d, 1, "Checklist");
    static const char *const hc[] = {"Item", "Clause / control", "Question", "Evidence seen",
                                     "Result", "Nonconformity"};
    static const double wc[] = {9, 8, 29, 29, 10, 10};
    struct rtable *t = rdoc_table(d, hc, wc, 6);
    for (size_t i = 0; i < r.nitems; i++) {
        const struct record *it = r.items[i];
        const char *cl = record_get(it, "clause") ? record_get(it, "clause") : record_get(it, "control");
        const char *v[6] = {it->ref, cl, record_get(it, "question"), record_get(it, "evidence"),
                            record_get(it, "result"), record_get(it, "nonconformity")};
        rdoc_row(t, v);
    }
    rdoc_heading(d, 1, "Findings");
    static const char *const hf[] = {"Finding", "Title", "Result", "Clause / control",
                                     "Evidence seen", "Description", "Nonconformity", "Status"};
    static const double wf[] = {8.5, 14, 10.5, 7, 20, 21, 8.5, 7};
    t = rdoc_table(d, hf, wf, 8);
    for (size_t i = 0; i < r.nfindings; i++) {
        const struct record *f = r.findings[i];
        const char *cl = record_get(f, "clause") ? record_get(f, "clause") : record_get(f, "control");
        const char *v[8] = {f->ref, record_get(f, "title"), record_get(f, "kind"), cl,
                            record_get(f, "evidence"), record_get(f, "description"),
                            record_get(f, "nonconformity"), record_get(f, FIELD_STATUS)};
        rdoc_row(t, v);
        if (record_get(f, "kind") && strstr(record_get(f, "kind"), "nonconformity")) {
            rdoc_fill(t, 2, "#f8d7da");
        }
    }
    if (r.nncs) {
        rdoc_heading(d, 1, "Nonconformities raised");
        struct buf b;
        buf_init(&b, 0);
        for (size_t i = 0; i < r.nncs; i++) {
            buf_printf(&b, "%s%s", i ? ", " : "", r.ncs[i]);
        }
        rdoc_para(d, buf_str(&b));
        buf_free(&b);
    }
    rdoc_heading(d, 1, "Conclusion");
    rdoc_para(d, record_get(r.audit, "conclusion") ? record_get(r.audit, "conclusion")
                                                   : "(no conclusion recorded yet)");
    audit_report_free(&r);
    names_free(&n);
    return 0;
}

/* The KPI trend of every metric the viewer may see, from its measurements. */
static int trends(struct app *a, struct rdoc *d, struct err *e)
{
    if (!may_read(a, "metric") || !may_read(a, "measurement")) {
        return 0;
    }
    struct records ms = {0}, vs = {0};
    static const char *const mc[] = {"name", "unit", "target", NULL};
    static const char *const vc[] = {"metric", "measured_on", "value", NULL};
    if (list(a, "metric", mc, &ms, e) || list(a, "measurement", vc, &vs, e)) {
        records_free(&ms);
        records_free(&vs);
        return -1;
    }
    if (ms.n) {
        rdoc_heading(d, 1, "Monitoring and measurement results (9.1): trends");
    }
    for (size_t i = 0; i < ms.n; i++) {
        const struct record *m = ms.v[i];
        char title[400];
        snprintf(title, sizeof title, "%s: %s", m->ref, record_get(m, "name"));
        struct rtrend *t = rdoc_trend(d, title, record_get(m, "unit"));
        if (record_get(m, "target")) {
            t->has_target = 1;
            t->target = atof(record_get(m, "target"));
        }
        /* oldest first: insertion by date (few measurements per metric) */
        for (size_t k = 0; k < vs.n; k++) {
            const struct record *v = vs.v[k];
            const char *on = record_get(v, "measured_on");
            if (!record_get(v, "metric") || strcmp(record_get(v, "metric"), m->ref) || !on) {
                continue;
            }
            rdoc_trend_add(t, on, atof(record_get(v, "value") ? record_get(v, "value") : "0"));
            for (size_t j = t->n - 1; j > 0 && strcmp(t->dates[j - 1], t->dates[j]) > 0; j--) {
                char *sd = t->dates[j];
                t->dates[j] = t->dates[j - 1];
                t->dates[j - 1] = sd;
                double sv = t->values[j];
                t->values[j] = t->values[j - 1];
                t->values[j - 1] = sv;
            }
        }
    }
    records_free(&ms);
    records_free(&vs);
    return 0;
}

static int build_review(struct app *a, const char *id, struct rdoc *d, struct err *e)
{
    struct review_pack p;
    if (app_review_pack(a, id, NULL, &p, e)) {
        return -1;
    }
    struct names n;
    if (names_load(a, &n, e)) {
        review_pack_free(&p);
        return -1;
    }
    char title[300], period[80];
    snprintf(title, sizeof title, "Management review pack %s: %s", p.review, p.title ? p.title : "");
    snprintf(period, sizeof period, "%s to %s", str_empty(p.from) ? "the start" : p.from, p.to);
    start(a, d, title, "compiled now", "Confidential");
    rdoc_kv_add(d, "Review", p.review);
    rdoc_kv_add(d, "Period", period);
    rdoc_kv_add(d, "Previous review", str_empty(p.previous) ? "(none: the first review)" : p.previous);
    for (size_t i = 0; i < p.nsec; i++) {
        const struct pack_section *s = &p.sec[i];
        char h[400];
        snprintf(h, sizeof h, "%s (%s)", s->title, s->clause);
        rdoc_heading(d, 1, h);
        for (size_t k = 0; k < s->nfig; k++) {
            char v[32];
            snprintf(v, sizeof v, "%lld", s->fig[k].value);
            rdoc_kv_add(d, s->fig[k].label, v);
        }
        if (s->n) {
            static const char *const hd[] = {"ID", "Title", "Status", "Owner", "Date", "Detail"};
            static const double w[] = {9, 27, 9, 14, 9.5, 23.5};
            struct rtable *t = rdoc_table(d, hd, w, 6);
            for (size_t k = 0; k < s->n; k++) {
                const struct pack_item *it = &s->items[k];
                const char *v[6] = {it->id, it->title, it->status, who(&n, it->owner), it->date,
                                    it->detail};
                rdoc_row(t, v);
            }
        }
        if (s->more) {
            char m[64];
            snprintf(m, sizeof m, "... and %lld more.", s->more);
            rdoc_para(d, m);
        }
    }
    review_pack_free(&p);
    names_free(&n);
    if (may_read(a, "risk")) {
        rdoc_heading(d, 1, "Risk heat map (9.3.2 e)");
        if (heats(a, d, e)) {
            return -1;
        }
    }
    return trends(a, d, e);
}

/* The plain text of a node's inline content (emphasis markers gone, line
 * breaks kept). */
static void inline_text(cmark_node *n, struct buf *out)
{
    for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_next(c)) {
        switch (cmark_node_get_type(c)) {
        case CMARK_NODE_TEXT:
        case CMARK_NODE_CODE:
        case CMARK_NODE_HTML_INLINE:
            buf_puts(out, cmark_node_get_literal(c) ? cmark_node_get_literal(c) : "");
            break;
        case CMARK_NODE_SOFTBREAK:
            buf_putc(out, ' ');
            break;
        case CMARK_NODE_LINEBREAK:
            buf_putc(out, '\n');
            break;
        default:
            inline_text(c, out);
        }
    }
}

/* Markdown (CommonMark, parsed by cmark) as blocks of the document:
 * headings, paragraphs, list items as bulleted or numbered lines, code
 * blocks as they are. */
static void md_blocks(struct rdoc *d, cmark_node *n, int depth)
{
    for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_next(c)) {
        struct buf b;
        buf_init(&b, 0);
        switch (cmark_node_get_type(c)) {
        case CMARK_NODE_HEADING:
            inline_text(c, &b);
            rdoc_heading(d, cmark_node_get_heading_level(c) <= 1 ? 1 : 2, buf_str(&b));
            break;
        case CMARK_NODE_PARAGRAPH:
            inline_text(c, &b);
            rdoc_para(d, buf_str(&b));
            break;
        case CMARK_NODE_CODE_BLOCK:
        case CMARK_NODE_HTML_BLOCK:
            rdoc_para(d, cmark_node_get_literal(c));
            break;
        case CMARK_NODE_LIST: {
            int ordered = cmark_node_get_list_type(c) == CMARK_ORDERED_LIST;
            int k = ordered ? cmark_node_get_list_start(c) : 0;
            for (cmark_node *it = cmark_node_first_child(c); it; it = cmark_node_next(it), k++) {
                for (int i = 0; i < depth; i++) {
                    buf_puts(&b, "    ");
                }
                if (ordered) {
                    buf_printf(&b, "%d. ", k);
                } else {
                    buf_puts(&b, "\xe2\x80\xa2 ");
                }
                for (cmark_node *p = cmark_node_first_child(it); p; p = cmark_node_next(p)) {
                    if (cmark_node_get_type(p) == CMARK_NODE_LIST) {
                        if (b.len) {
                            rdoc_para(d, buf_str(&b));
                            buf_reset(&b);
                        }
                        cmark_node *wrap = cmark_node_new(CMARK_NODE_DOCUMENT);
                        /* nested list: rendered one level deeper */
                        cmark_node *next = cmark_node_next(p);
                        cmark_node_append_child(wrap, p);
                        md_blocks(d, wrap, depth + 1);
                        cmark_node_free(wrap);
                        p = NULL;
                        (void)next;
                        break;
                    }
                    inline_text(p, &b);
                    buf_putc(&b, ' ');
                }
                if (b.len) {
                    rdoc_para(d, buf_str(&b));
                    buf_reset(&b);
                }
            }
            break;
        }
        case CMARK_NODE_BLOCK_QUOTE:
            md_blocks(d, c, depth + 1);
            break;
        case CMARK_NODE_THEMATIC_BREAK:
            break;
        default:
            inline_text(c, &b);
            if (b.len) {
                rdoc_para(d, buf_str(&b));
            }
        }
        buf_free(&b);
    }
}

static void markdown(struct rdoc *d, const char *md)
{
    const char *text = md ? md : "";
    cmark_node *doc = cmark_parse_document(text, strlen(text), CMARK_OPT_DEFAULT);
    md_blocks(d, doc, 0);
    cmark_node_free(doc);
}

static int build_document(struct app *a, const char *id, struct rdoc *d, struct err *e)
{
    const struct rtype *t = rtype_find("document");
    /* the version in force, as the released view holds it, as a->who may
     * see it (staff: public and internal or addressed to them; every other
     * reader: all) */
    struct record *doc = NULL;
    struct err e1 = {0};
    if (store_get_released(a->st, &a->who, t, id, &doc, &e1)) {
        if (e1.code != ERR_NOTFOUND) {
            *e = e1;
            return -1;
        }
        /* seen by the reader but nothing in force yet */
        struct record *any = NULL;
        struct err e2 = {0};
        if (store_get(a->st, &a->who, t, id, &any, &e2) == 0) {
            record_free(any);
            return err_set(e, ERR_CONFLICT, "id",
                           "%s has no approved version in force yet: only an approved "
                           "document is printed with its approval block",
                           id);
        }
        return err_set(e, ERR_NOTFOUND, "id", "no document %s", id);
    }
    struct names n;
    if (names_load(a, &n, e)) {
        record_free(doc);
        return -1;
    }
    const char *in_force = record_get(doc, "in_force");
    int number = in_force ? atoi(in_force) : 0;
    char ver[64];
    snprintf(ver, sizeof ver, "version %s", record_get(doc, "version") ? record_get(doc, "version")
                                                                       : (in_force ? in_force : ""));
    const char *cls = record_get(doc, "classification");
    char mark[64];
    snprintf(mark, sizeof mark, "%s", cls ? cls : "internal");
    if (mark[0] >= 'a' && mark[0] <= 'z') {
        mark[0] = (char)(mark[0] - 'a' + 'A');
    }
    char title[400];
    snprintf(title, sizeof title, "%s", record_get(doc, "title") ? record_get(doc, "title") : id);
    start(a, d, title, ver, mark);
    rdoc_kv_add(d, "Document", doc->ref);
    static const char *const df[] = {"kind", "version", "classification", "clause", FIELD_OWNER,
                                     "author", "reviewer", "approver", "approved_on",
                                     "review_date", "retention", FIELD_STATUS, NULL};
    fields_kv(d, doc, &n, df);
    if (!str_empty(record_get(doc, "content_file"))) {
        rdoc_para(d, "The content of this document is its attached file (PDF or Word), "
                     "kept with its SHA-256 in the ISMS.");
    }
    markdown(d, record_get(doc, "body"));
    rdoc_heading(d, 1, "Approval");
    struct signoffs so = {0};
    char subj[64];
    snprintf(subj, sizeof subj, "%s", doc->ref);
    if (number > 0 && app_signoffs(a, "document", subj, number, NULL, &so, e)) {
        names_free(&n);
        record_free(doc);
        return -1;
    }
    char line[200];
    snprintf(line, sizeof line, "Sign-offs of version %d, the version in force:", number);
    rdoc_para(d, line);
    signoff_rows(d, &so);
    signoffs_free(&so);
    names_free(&n);
    record_free(doc);
    return 0;
}

/* bundle: the readiness report (SPEC.md §3) from struct readiness, as
 * a->who reads it (app_readiness refuses a viewer without PERM_READ on
 * scopes; an item whose records it may not read is marked hidden): the
 * overall figures, one row per clause, then every item with its four
 * answers and its gap. */
static int build_readiness(struct app *a, struct rdoc *d, struct err *e)
{
    struct readiness rd;
    if (app_readiness(a, NULL, &rd, e)) {
        return -1;
    }
    char ver[64];
    snprintf(ver, sizeof ver, "as of %s", rd.today);
    start(a, d, "Readiness report", ver, "Confidential");
    char s[4][64];
    snprintf(s[0], sizeof s[0], "%d%%", rd.percent);
    snprintf(s[1], sizeof s[1], "%d of %d", rd.passed, rd.asked);
    snprintf(s[2], sizeof s[2], "%d", rd.gaps);
    snprintf(s[3], sizeof s[3], "%d of %d", rd.mandatory_ready, rd.mandatory);
    rdoc_kv_add(d, "Overall", s[0]);
    rdoc_kv_add(d, "Checks that hold", s[1]);
    rdoc_kv_add(d, "Gaps", s[2]);
    rdoc_kv_add(d, "Mandatory documented information ready", s[3]);
    rdoc_heading(d, 1, "Clauses");
    static const char *const hc[] = {"Clause", "Title", "Ready", "Checks", "Gaps"};
    static const double wc[] = {8, 52, 10, 15, 10};
    struct rtable *t = rdoc_table(d, hc, wc, 5);
    for (int i = 0; i < rd.nclauses; i++) {
        const struct readiness_clause *c = &rd.clauses[i];
        char pct[16], checks[32], gaps[16];
        snprintf(pct, sizeof pct, "%d%%", c->percent);
        snprintf(checks, sizeof checks, "%d of %d", c->passed, c->asked);
        snprintf(gaps, sizeof gaps, "%d", c->gaps);
        const char *v[5] = {c->clause, c->title, pct, checks, gaps};
        rdoc_row(t, v);
        rdoc_fill(t, 2, c->percent >= 100 ? "#d4edda" : c->percent >= 50 ? "#fff3cd" : "#f8d7da");
    }
    rdoc_heading(d, 1, "Gaps");
    if (!rd.gaps) {
        rdoc_para(d, "No gap: every item is present, approved, current and evidenced.");
    }
    for (int i = 0; i < rd.nitems; i++) {
        const struct readiness_item *it = &rd.items[i];
        if (it->ready || it->hidden || !it->rule->clause[0]) {
            continue;
        }
        char line[700];
        snprintf(line, sizeof line, "%s %s (%s): %s%s%s", it->rule->clause, it->rule->title,
                 it->rule->id, it->gap, it->fix[0] ? " Fix: " : "", it->fix);
        rdoc_para(d, line);
    }
    rdoc_heading(d, 1, "Items");
    static const char *const hi[] = {"Clause", "Item", "Mandatory", "Present", "Approved",
                                     "Current", "Evidence", "State"};
    static const double wi[] = {7, 25, 8, 15, 15, 15, 15, 8};
    t = rdoc_table(d, hi, wi, 8);
    for (int i = 0; i < rd.nitems; i++) {
        const struct readiness_item *it = &rd.items[i];
        char title[300], mand[16], ans[4][300];
        snprintf(title, sizeof title, "%s (%s)", it->rule->title, it->rule->id);
        mand[0] = 0;
        if (it->rule->mandatory) {
            snprintf(mand, sizeof mand, "M%d", it->rule->mandatory);
        }
        const struct rd_check *ck[4] = {&it->present, &it->approved, &it->current, &it->evidence};
        for (int k = 0; k < 4; k++) {
            snprintf(ans[k], sizeof ans[k], "%s%s%s", rd_answer_name(ck[k]->answer),
                     ck[k]->answer != RD_NA && ck[k]->reason[0] ? ": " : "",
                     ck[k]->answer != RD_NA ? ck[k]->reason : "");
        }
        const char *v[8] = {it->rule->clause, title, mand, ans[0], ans[1], ans[2], ans[3],
                            it->hidden ? "hidden" : it->ready ? "ready" : "gap"};
        rdoc_row(t, v);
        if (!it->hidden) {
            rdoc_fill(t, 7, it->ready ? "#d4edda" : "#f8d7da");
        }
    }
    readiness_free(&rd);
    return 0;
}

int report_build(struct app *a, const char *kind, const char *id, const char *framework,
                 struct rdoc *d, struct err *e)
{
    memset(d, 0, sizeof *d);
    if (!kind || !*kind) {
        return err_set(e, ERR_USAGE, "kind", "which report? one of %s", report_kinds);
    }
    if (report_needs_id(kind) && str_empty(id)) {
        return err_set(e, ERR_USAGE, "id", "report %s needs the identifier of the %s", kind,
                       kind);
    }
    if (!report_needs_id(kind) && !str_empty(id)) {
        return err_set(e, ERR_USAGE, "id", "report %s takes no identifier (got %.40s)", kind,
                       id);
    }
    const char *fw = framework ? framework : FRAMEWORK_2022;
    if (strcmp(fw, FRAMEWORK_2022) && strcmp(fw, FRAMEWORK_2013)) {
        return err_set(e, ERR_USAGE, "framework", "framework must be %s or %s, not %.40s",
                       FRAMEWORK_2022, FRAMEWORK_2013, fw);
    }
    if (framework && strcmp(kind, "soa")) {
        return err_set(e, ERR_USAGE, "framework", "--framework applies to the soa report only");
    }
    /* the read permission of the report's type, as the router checks it
     * (the CLI with --as: the same refusal, exit 7) */
    static const struct {
        const char *kind, *type;
    } types[] = {{"soa", "control"}, {"risks", "risk"},   {"plan", "action"},
                 {"assets", "asset"}, {"audit", "audit"}, {"review", "review"},
                 {"document", "document"}, {"readiness", "scope"} /* bundle */};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        if (strcmp(kind, types[i].kind) == 0 && app_may_read(a, rtype_find(types[i].type), 0, e)) {
            return -1;
        }
    }
    int rc;
    if (strcmp(kind, "soa") == 0) {
        rc = build_soa(a, fw, d, e);
    } else if (strcmp(kind, "risks") == 0) {
        rc = build_risks(a, d, e);
    } else if (strcmp(kind, "plan") == 0) {
        rc = build_plan(a, d, e);
    } else if (strcmp(kind, "assets") == 0) {
        rc = build_assets(a, d, e);
    } else if (strcmp(kind, "audit") == 0) {
        rc = build_audit(a, id, d, e);
    } else if (strcmp(kind, "review") == 0) {
        rc = build_review(a, id, d, e);
    } else if (strcmp(kind, "document") == 0) {
        rc = build_document(a, id, d, e);
    } else if (strcmp(kind, "readiness") == 0) { /* bundle */
        rc = build_readiness(a, d, e);
    } else {
        return err_set(e, ERR_USAGE, "kind", "no report %.40s: one of %s", kind, report_kinds);
    }
    return rc;
}

int report_render(struct app *a, const char *kind, const char *id, const char *framework,
                  const char *format, struct buf *out, char *filename, size_t fsize,
                  struct err *e)
{
    if (!format || (strcasecmp(format, "pdf") && strcasecmp(format, "html"))) {
        return err_set(e, ERR_USAGE, "format", "--format must be pdf or html%s%.20s",
                       format ? ", not " : "", format ? format : "");
    }
    struct rdoc d;
    /* one read transaction: every part of the report from the same state */
    if (store_read_begin(a->st, e)) {
        return -1;
    }
    int rc = report_build(a, kind, id, framework, &d, e);
    store_read_end(a->st);
    if (rc == 0) {
        if (strcasecmp(format, "pdf") == 0) {
            rc = rdoc_pdf(&d, out, e);
        } else {
            rdoc_html(&d, out);
        }
    }
    rdoc_free(&d);
    if (rc == 0 && filename) {
        snprintf(filename, fsize, "%s%s%s.%s", kind, id ? "-" : "", id ? id : "",
                 strcasecmp(format, "pdf") == 0 ? "pdf" : "html");
        for (char *c = filename; *c; c++) {
            if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                  (*c >= '0' && *c <= '9') || *c == '.' || *c == '-')) {
                *c = '_';
            }
        }
    }
    return rc;
}

int report_write(struct app *a, const char *kind, const char *id, const char *framework,
                 const char *format, const char *path, struct err *e)
{
    struct buf b;
    buf_init(&b, 0);
    if (report_render(a, kind, id, framework, format, &b, NULL, 0, e)) {
        buf_free(&b);
        return -1;
    }
    struct outfile o;
    int rc = outfile_open(&o, path, e);
    if (rc == 0 && (rc = outfile_write(&o, b.p, b.len, e)) == 0) {
        rc = outfile_commit(&o, e);
    }
    buf_free(&b);
    return rc;
}
