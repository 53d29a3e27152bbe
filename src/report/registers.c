/* registers.c — SoA, risk register and treatment plan exports, and the
 * register of any type (its list page's columns). Builds rows from app/
 * (never SQL) and hands them to table.h, which owns CSV/XLSX and formula
 * neutralisation. Names are shown beside identifiers so a printed register
 * reads without the tool. */
#include "registers.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/audit.h" /* audit */
#include "../lib/buf.h"
#include "../lib/strmap.h"
#include "../lib/util.h"
#include "../model/method.h"
#include "../store/store.h"
#include "table.h"

/* person id -> "Name (P-0001)" */
static json_t *people(struct app *a, struct err *e)
{
    struct records ps = {0};
    struct query q = {0};
    q.include_retired = 1;
    if (store_list(a->st, &a->who, rtype_find("person"), &q, records_add, &ps, e)) {
        records_free(&ps);
        return NULL;
    }
    json_t *m = json_object();
    for (size_t i = 0; i < ps.n; i++) {
        struct buf b;
        buf_init(&b, 0);
        buf_printf(&b, "%s (%s)", record_get(ps.v[i], "name"), ps.v[i]->ref);
        json_object_set_new(m, ps.v[i]->ref, json_string(buf_str(&b)));
        buf_free(&b);
    }
    records_free(&ps);
    return m;
}

static const char *who(json_t *names, const char *ref)
{
    const char *n = ref ? json_string_value(json_object_get(names, ref)) : NULL;
    return n ? n : ref;
}

static const char *level_colour(struct app *a, const char *level)
{
    const struct method *m = a->method; /* loaded by the caller (app_method) */
    for (int i = 0; m && level && i < m->nlevels; i++) {
        if (strcmp(m->levels[i].name, level) == 0) {
            return m->levels[i].colour;
        }
    }
    return NULL;
}

static char *list_text(const char *v)
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

int report_risks(struct app *a, const char *format, const char *path, struct err *e)
{
    /* an export reads as a->who, like a page: the rows it sees, and
     * nothing of a type its role may not read */
    if (app_may_read(a, rtype_find("risk"), 0, e)) {
        return -1;
    }
    static const struct table_col cols[] = {
        {"ID", 9, 0},           {"Risk", 36, 1},         {"Description", 48, 1},
        {"Owner", 24, 1},       {"Assets", 18, 1},       {"Threat", 10, 0},
        {"Vulnerability", 12, 0}, {"Affects", 18, 1},    {"Existing controls", 36, 1},
        {"Likelihood", 10, 0},  {"Consequence", 12, 0},  {"Score", 7, 0},
        {"Level", 10, 0},       {"Treatment", 10, 0},    {"Planned controls", 18, 1},
        {"Residual likelihood", 10, 0}, {"Residual consequence", 12, 0},
        {"Residual score", 9, 0}, {"Residual level", 10, 0}, {"Status", 11, 0},
        {"Next review", 11, 0}, {"Review needed because", 28, 1},
    };
    enum { NC = sizeof cols / sizeof cols[0] };
    if (!app_method(a, e)) {
        return -1;
    }
    json_t *names = people(a, e);
    if (!names) {
        return -1;
    }
    struct records rs = {0};
    struct query q = {0};
    if (store_list(a->st, &a->who, rtype_find("risk"), &q, records_add, &rs, e)) {
        records_free(&rs);
        json_decref(names);
        return -1;
    }
    struct table *t = table_new("Risk register", cols, NC);
    for (size_t i = 0; i < rs.n; i++) {
        const struct record *r = rs.v[i];
        char *assets = list_text(record_get(r, "assets"));
        char *affects = list_text(record_get(r, "affects"));
        char *controls = list_text(record_get(r, "controls"));
        const char *v[NC] = {
            r->ref,
            record_get(r, "title"),
            record_get(r, "description"),
            who(names, record_get(r, FIELD_OWNER)),
            assets,
            record_get(r, "threat"),
            record_get(r, "vulnerability"),
            affects,
            record_get(r, "existing_controls"),
            record_get(r, "likelihood"),
            record_get(r, "consequence"),
            record_get(r, "score"),
            record_get(r, "level"),
            record_get(r, "treatment"),
            controls,
            record_get(r, "residual_likelihood"),
            record_get(r, "residual_consequence"),
            record_get(r, "residual_score"),
            record_get(r, "residual_level"),
            record_get(r, FIELD_STATUS),
            record_get(r, "review_date"),
            record_get(r, "review_reason"),
        };
        table_row(t, v, NULL);
        table_cell_fill(t, 12, level_colour(a, record_get(r, "level")));
        table_cell_fill(t, 18, level_colour(a, record_get(r, "residual_level")));
        free(assets);
        free(affects);
        free(controls);
    }
    records_free(&rs);
    json_decref(names);
    int rc = table_write(t, format, path, e);
    table_free(t);
    return rc;
}

int report_soa(struct app *a, const char *framework, const char *format, const char *path,
               struct err *e)
{
    if (app_may_read(a, rtype_find("control"), 0, e)) {
        return -1;
    }
    static const struct table_col cols[] = {
        {"Control", 9, 0},       {"Title", 40, 1},          {"Theme", 16, 1},
        {"Applicable", 11, 0},   {"Reasons for inclusion", 20, 1}, {"Risks treated", 18, 1},
        {"Requirements", 16, 1}, {"Justification", 48, 1},  {"Implementation status", 14, 0},
        {"How it is implemented", 40, 1}, {"Documents", 16, 1}, {"Owner", 24, 1},
        {"Control test", 20, 1}, /* audit */
    };
    enum { NC = sizeof cols / sizeof cols[0] };
    struct soa soa;
    if (app_soa(a, framework, &soa, e)) {
        return -1;
    }
    json_t *names = people(a, e);
    if (!names) {
        soa_free(&soa);
        return -1;
    }
    struct strmap tests = {0}; /* audit: each control's test state */
    if (app_ctest_flags(a, NULL, &tests, e)) {
        soa_free(&soa);
        json_decref(names);
        return -1;
    }
    char title[64];
    snprintf(title, sizeof title, "SoA %s", framework);
    struct table *t = table_new(title, cols, NC);
    for (size_t i = 0; i < soa.n; i++) {
        const struct soa_row *row = &soa.v[i];
        char *cats = strlist_join(&row->categories, 0);
        char *risks = strlist_join(&row->risks, 0);
        char *reqs = strlist_join(&row->requirements, 0);
        char *docs = strlist_join(&row->documents, 0);
        const char *test = NULL;
        const char *v[NC] = {
            row->id,
            row->title,
            row->theme,
            row->applicable == 1 ? "Yes" : row->applicable == 0 ? "No" : "Undecided",
            cats,
            risks,
            reqs,
            row->justification,
            row->status,
            row->implementation,
            docs,
            who(names, row->owner),
            strmap_get(&tests, row->id, &test) ? test : NULL,
        };
        table_row(t, v, row->applicable == 0 ? "#eeeeee" : NULL);
        free(cats);
        free(risks);
        free(reqs);
        free(docs);
    }
    soa_free(&soa);
    strmap_free(&tests);
    json_decref(names);
    int rc = table_write(t, format, path, e);
    table_free(t);
    return rc;
}

int report_plan(struct app *a, const char *format, const char *path, struct err *e)
{
    if (app_may_read(a, rtype_find("risk"), 0, e) || app_may_read(a, rtype_find("action"), 0, e)) {
        return -1;
    }
    static const struct table_col cols[] = {
        {"Risk", 9, 0},          {"Risk title", 36, 1},     {"Risk owner", 22, 1},
        {"Level", 10, 0},        {"Residual level", 10, 0}, {"Action", 10, 0},
        {"Action title", 40, 1}, {"Action owner", 22, 1},   {"Due", 11, 0},
        {"Status", 11, 0},       {"Cost", 10, 0},           {"Controls", 16, 1},
        {"Overdue", 8, 0},
    };
    enum { NC = sizeof cols / sizeof cols[0] };
    struct plan plan;
    if (!app_method(a, e) || app_plan(a, &plan, e)) {
        return -1;
    }
    json_t *names = people(a, e);
    if (!names) {
        plan_free(&plan);
        return -1;
    }
    struct table *t = table_new("Treatment plan", cols, NC);
    for (size_t i = 0; i < plan.nrisks; i++) {
        const struct plan_risk *r = &plan.risks[i];
        size_t n = r->nactions;
        for (size_t k = 0; k < (n ? n : 1); k++) {
            const struct plan_action *act = n ? r->actions[k] : NULL;
            char cost[32] = "";
            if (act && act->cost) {
                snprintf(cost, sizeof cost, "%.2f", act->cost_value);
            }
            char *controls = act ? strlist_join(&act->controls, 0) : NULL;
            const char *v[NC] = {
                r->id,
                r->title,
                who(names, r->owner),
                r->level,
                r->residual_level,
                act ? act->id : NULL,
                act ? act->title : "(no action yet)",
                act ? who(names, act->owner) : NULL,
                act ? act->due_date : NULL,
                act ? act->status : NULL,
                cost[0] ? cost : NULL,
                controls,
                act && act->overdue ? "OVERDUE" : NULL,
            };
            table_row(t, v, NULL);
            table_cell_fill(t, 3, level_colour(a, r->level));
            table_cell_fill(t, 4, level_colour(a, r->residual_level));
            if (act && act->overdue) {
                table_cell_fill(t, 12, "#f8d7da");
            }
            free(controls);
        }
    }
    for (size_t i = 0; i < plan.nunlinked; i++) {
        const struct plan_action *act = plan.unlinked[i];
        char *controls = strlist_join(&act->controls, 0);
        char cost[32] = "";
        if (act->cost) {
            snprintf(cost, sizeof cost, "%.2f", act->cost_value);
        }
        const char *v[NC] = {NULL, "(not linked to a risk)", NULL, NULL, NULL,
                             act->id, act->title, who(names, act->owner),
                             act->due_date, act->status, cost[0] ? cost : NULL,
                             controls, act->overdue ? "OVERDUE" : NULL};
        table_row(t, v, NULL);
        free(controls);
    }
    plan_free(&plan);
    json_decref(names);
    int rc = table_write(t, format, path, e);
    table_free(t);
    return rc;
}

/* ---- any type's register ---------------------------------------------------- */

#define REGISTER_MAX_COLS 40

struct reg {
    struct app *a;
    const struct rtype *t;
    struct table *table;
    int cols[REGISTER_MAX_COLS]; /* field index of each column after the identifier */
    int ncols;
    struct strmap titles; /* "REF" -> "Title (REF)", of the records the viewer sees */
};

static int title_seen(void *ctx, const char *ref, const char *title)
{
    struct reg *g = ctx;
    if (title && *title) {
        struct buf b;
        buf_init(&b, 0);
        buf_printf(&b, "%s (%s)", title, ref);
        strmap_put(&g->titles, ref, buf_str(&b));
        buf_free(&b);
    }
    return 0;
}

/* The titles of the records of type name the viewer may see, once per type. */
static int load_titles(struct reg *g, const char *name, struct err *e)
{
    char key[80];
    snprintf(key, sizeof key, "\x01%s", name); /* the type was read */
    const char *v;
    if (strmap_get(&g->titles, key, &v)) {
        return 0;
    }
    strmap_put(&g->titles, key, NULL);
    const struct rtype *rt = rtype_find(name);
    struct err no = {0};
    if (!rt || !rt->title_field || app_may_read(g->a, rt, 0, &no)) {
        return 0; /* the identifiers alone */
    }
    struct query q = {0};
    q.include_retired = 1;
    return store_titles(g->a->st, &g->a->who, rt, &q, title_seen, g, e);
}

static const char *titled(const struct reg *g, const char *ref)
{
    const char *v = NULL;
    return strmap_get(&g->titles, ref, &v) && v ? v : ref;
}

/* store_list: one record, one row (the record is freed here). */
static int register_row(void *ctx, struct record *r)
{
    struct reg *g = ctx;
    const char *v[REGISTER_MAX_COLS + 1];
    char *owned[REGISTER_MAX_COLS] = {0};
    v[0] = r->ref;
    for (int k = 0; k < g->ncols; k++) {
        const struct field *f = &g->t->fields[g->cols[k]];
        const char *x = r->v[g->cols[k]];
        v[k + 1] = x;
        if (!x) {
            continue;
        }
        if (f->type == F_REF) {
            v[k + 1] = titled(g, x);
        } else if (f->type == F_BOOL) {
            v[k + 1] = strcmp(x, "1") == 0 ? "yes" : "no";
        } else if (f->type == F_REFS || f->type == F_SET) {
            v[k + 1] = owned[k] = list_text(x);
        }
    }
    table_row(g->table, v, NULL);
    for (int k = 0; k < g->ncols; k++) {
        free(owned[k]);
    }
    record_free(r);
    return 0;
}

int report_register(struct app *a, const struct rtype *t, const char *format, const char *path,
                    struct err *e)
{
    if (!t) {
        return err_set(e, ERR_USAGE, "type", "no such record type");
    }
    /* like the list page: the rows a->who sees, of a type its role may read */
    if (app_may_read(a, t, 0, e)) {
        return -1;
    }
    struct reg g;
    memset(&g, 0, sizeof g);
    g.a = a;
    g.t = t;
    struct table_col cols[REGISTER_MAX_COLS + 1];
    const char *read[REGISTER_MAX_COLS + 1];
    cols[0] = (struct table_col){"ID", 11, 0};
    int rc = 0;
    for (int i = 0; i < t->nfields && g.ncols < REGISTER_MAX_COLS && rc == 0; i++) {
        const struct field *f = &t->fields[i];
        if (!(f->flags & FL_LIST)) {
            continue;
        }
        int wide = f->type == F_TEXT || f->type == F_LONGTEXT || f->type == F_REF ||
                   f->type == F_REFS || f->type == F_SET;
        cols[g.ncols + 1] = (struct table_col){f->label, wide ? 30 : 14, wide};
        read[g.ncols] = f->name;
        g.cols[g.ncols++] = i;
        if (f->type == F_REF) {
            rc = load_titles(&g, f->ref, e);
        }
    }
    read[g.ncols] = NULL;
    char title[96];
    snprintf(title, sizeof title, "%s register", t->label);
    g.table = table_new(title, cols, g.ncols + 1);
    struct query q = {0};
    q.columns = read;
    if (rc == 0) {
        rc = store_list(a->st, &a->who, t, &q, register_row, &g, e);
    }
    if (rc == 0) {
        rc = table_write(g.table, format, path, e);
    }
    table_free(g.table);
    strmap_free(&g.titles);
    return rc;
}
