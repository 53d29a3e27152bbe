/* audit.c — performance evaluation: control tests (9.1), the internal
 * audit programme and its coverage, auditor independence, audit checklists
 * and reports (9.2). See audit.h. Every state here is computed from the
 * records; writes go through app_add_tx/app_edit_tx in one transaction. */
#include "audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/json.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "../model/method.h"
#include "../store/store_audit.h"
#include "app_int.h"
#include "tasks.h"

/* ---- small helpers ------------------------------------------------------- */

/* Copies src into dst (n bytes), cut at a character boundary. */
static void cp(char *dst, size_t n, const char *src)
{
    size_t len = strlcpy_(dst, src ? src : "", n);
    if (len >= n && n > 1) {
        size_t end = n - 1, k = end - 1; /* dst[0..end) kept */
        while (k > 0 && ((unsigned char)dst[k] & 0xC0) == 0x80) {
            k--; /* the lead byte of the last character */
        }
        unsigned char c = (unsigned char)dst[k];
        size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        if (k + need > end) {
            dst[k] = 0; /* that character was cut: drop it */
        }
    }
}

static int eq(const char *x, const char *y)
{
    return x && y && strcmp(x, y) == 0;
}

/* Reads the record a caller named as a->who sees it (app_record_get): one
 * the principal may not see answers as missing, for reads and for the
 * writes that start from it alike. What follows from it inside a write or
 * a rule is read as the system (principal_sys()). */
static int get_rec(struct app *a, const char *type, const char *ref, struct record **out,
                   struct err *e)
{
    return app_record_get(a, rtype_find(type), ref, out, e);
}

static void filter(struct query *q, const struct rtype *t, const char *field, const char *value)
{
    q->filter_field[q->nfilter] = rtype_field(t, field, NULL);
    q->filter_value[q->nfilter] = value;
    q->nfilter++;
}

/* Lists every active record of type who sees (filtered by field = value
 * when field). */
static int list_all(struct app *a, const struct principal *who, const char *type,
                    const char *field, const char *value, struct records *out, struct err *e)
{
    const struct rtype *t = rtype_find(type);
    struct query q = {0};
    if (field) {
        filter(&q, t, field, value);
    }
    return store_list(a->st, who, t, &q, records_add, out, e);
}

static void add_months(const char *date, int months, char out[11])
{
    int y, m, d;
    if (date_parse(date, &y, &m, &d)) {
        cp(out, 11, date);
        return;
    }
    m += months;
    while (m > 12) {
        m -= 12;
        y++;
    }
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int last = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100) || y % 400 == 0));
    char tmp[40];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y % 10000, m, d > last ? last : d);
    cp(out, 11, tmp);
}

static int freq_months(const char *f)
{
    return eq(f, "monthly") ? 1 : eq(f, "quarterly") ? 3 : eq(f, "half-yearly") ? 6 : 12;
}

static int failed_result(const char *r)
{
    return eq(r, "not-effective") || eq(r, "partly-effective");
}

/* ---- control tests (9.1) ------------------------------------------------- */

void ctest_states_free(struct ctest_states *s)
{
    free(s->v);
    memset(s, 0, sizeof *s);
}

struct runs_ctx {
    struct ctest_states *s;
    struct strmap *index; /* test ref -> position */
};

static int take_run(void *ctx, struct record *r)
{
    struct runs_ctx *c = ctx;
    const char *pos = NULL;
    if (strmap_get(c->index, record_get(r, "test"), &pos) && pos) {
        struct ctest_state *st = &c->s->v[atol(pos)];
        const char *date = record_get(r, "performed_on");
        int later = strcmp(date ? date : "", st->last_date);
        if (!st->last_run[0] || later > 0 || (later == 0 && natcmp(r->ref, st->last_run) > 0)) {
            cp(st->last_run, sizeof st->last_run, r->ref);
            cp(st->last_date, sizeof st->last_date, date);
            cp(st->last_result, sizeof st->last_result, record_get(r, "result"));
            cp(st->last_nc, sizeof st->last_nc, record_get(r, "nonconformity"));
        }
    }
    record_free(r);
    return 0;
}

static int by_control(const void *pa, const void *pb)
{
    const struct ctest_state *x = pa, *y = pb;
    int c = natcmp(x->control, y->control);
    return c ? c : natcmp(x->test, y->test);
}

int app_ctest_states(struct app *a, const char *control, const char *today,
                     struct ctest_states *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    char now[11];
    if (!today) {
        date_today(now);
        today = now;
    }
    struct records tests = {0};
    if (list_all(a, &a->who, "ctest", control ? "control" : NULL, control, &tests, e)) {
        records_free(&tests);
        return -1;
    }
    struct strmap index = {0};
    for (size_t i = 0; i < tests.n; i++) {
        const struct record *t = tests.v[i];
        if (!eq(record_get(t, FIELD_STATUS), "active")) {
            continue;
        }
        if (out->n == out->cap) {
            out->cap = out->cap ? out->cap * 2 : 16;
            out->v = xrealloc(out->v, out->cap * sizeof *out->v);
        }
        struct ctest_state *s = &out->v[out->n];
        memset(s, 0, sizeof *s);
        cp(s->test, sizeof s->test, t->ref);
        cp(s->control, sizeof s->control, record_get(t, "control"));
        cp(s->title, sizeof s->title, record_get(t, "title"));
        cp(s->frequency, sizeof s->frequency, record_get(t, "frequency"));
        cp(s->tester, sizeof s->tester, record_get(t, "tester"));
        cp(s->owner, sizeof s->owner, record_get(t, FIELD_OWNER));
        const char *first = record_get(t, "first_due");
        const char *created = record_get(t, FIELD_CREATED);
        if (first) {
            cp(s->due, sizeof s->due, first);
        } else {
            snprintf(s->due, sizeof s->due, "%.10s", created ? created : today);
        }
        char pos[24];
        snprintf(pos, sizeof pos, "%zu", out->n);
        strmap_put(&index, t->ref, pos);
        out->n++;
    }
    records_free(&tests);
    int rc = 0;
    if (out->n) {
        const struct rtype *rt = rtype_find("ctrun");
        struct query q = {0};
        static const char *const cols[] = {"test", "performed_on", "result", "nonconformity",
                                           NULL};
        q.columns = cols;
        if (out->n == 1) {
            filter(&q, rt, "test", out->v[0].test);
        }
        struct runs_ctx c = {out, &index};
        rc = store_list(a->st, &a->who, rt, &q, take_run, &c, e);
    }
    strmap_free(&index);
    if (rc) {
        ctest_states_free(out);
        return -1;
    }
    for (size_t i = 0; i < out->n; i++) {
        struct ctest_state *s = &out->v[i];
        if (s->last_run[0]) {
            add_months(s->last_date, freq_months(s->frequency), s->due);
        }
        s->overdue = strcmp(s->due, today) < 0;
        s->failed = failed_result(s->last_result);
    }
    if (out->n) {
        qsort(out->v, out->n, sizeof *out->v, by_control);
    }
    return 0;
}

const char *ctest_state_flag(const struct ctest_state *s)
{
    if (eq(s->last_result, "not-effective")) {
        return "test failed";
    }
    if (eq(s->last_result, "partly-effective")) {
        return "test partly effective";
    }
    if (s->overdue) {
        return "test overdue";
    }
    return s->last_run[0] ? "tested" : "test planned";
}

static int flag_rank(const char *f)
{
    static const char *const order[] = {"test planned", "tested", "test overdue",
                                        "test partly effective", "test failed"};
    for (int i = 0; i < 5; i++) {
        if (eq(f, order[i])) {
            return i;
        }
    }
    return -1;
}

int app_ctest_flags(struct app *a, const char *today, struct strmap *out, struct err *e)
{
    struct ctest_states s;
    if (app_ctest_states(a, NULL, today, &s, e)) {
        return -1;
    }
    for (size_t i = 0; i < s.n; i++) {
        const char *now = NULL;
        const char *f = ctest_state_flag(&s.v[i]);
        if (!strmap_get(out, s.v[i].control, &now) || flag_rank(f) > flag_rank(now)) {
            strmap_put(out, s.v[i].control, f);
        }
    }
    ctest_states_free(&s);
    return 0;
}

/* Raises the NC of run (a record just read or written) inside the
 * caller's transaction. */
static int raise_run_nc_tx(struct app *a, const struct record *run, char **nc_out, struct err *e)
{
    const char *result = record_get(run, "result");
    if (!failed_result(result)) {
        return err_set(e, ERR_INVALID, "result",
                       "result: %s was %s: only a failed run (not effective or partly "
                       "effective) raises a nonconformity",
                       run->ref, result ? result : "not recorded");
    }
    const char *have = record_get(run, "nonconformity");
    if (have) {
        return err_set(e, ERR_CONFLICT, "nonconformity",
                       "nonconformity: %s already raised %s", run->ref, have);
    }
    struct record *test = NULL, *ctl = NULL;
    int rc = -1;
    if (store_get(a->st, principal_sys(), rtype_find("ctest"), record_get(run, "test"), &test,
                  e) ||
        store_get(a->st, principal_sys(), rtype_find("control"), record_get(test, "control"),
                  &ctl, e)) {
        goto out;
    }
    const char *owner = record_get(test, FIELD_OWNER);
    if (!owner) {
        owner = record_get(ctl, FIELD_OWNER);
    }
    if (!owner) {
        owner = record_get(run, "tester") ? record_get(run, "tester") : record_get(test, "tester");
    }
    if (!owner) {
        err_set(e, ERR_INVALID, "owner",
                "owner: nobody owns the nonconformity: give test %s or control %s an owner",
                test->ref, ctl->ref);
        goto out;
    }
    char title[200];
    snprintf(title, sizeof title, "Control %s test %s: %.150s", ctl->ref,
             eq(result, "not-effective") ? "not effective" : "partly effective",
             record_get(test, "title"));
    const char *obs = record_get(run, "observations");
    char desc[400];
    snprintf(desc, sizeof desc, "Control test run %s of %s (%s) on %s.", run->ref, test->ref,
             record_get(test, "title"), record_get(run, "performed_on"));
    struct buf d;
    buf_init(&d, 0);
    buf_puts(&d, desc);
    if (obs) {
        buf_puts(&d, "\n\n");
        buf_puts(&d, obs);
    }
    struct kv kv[] = {
        {"title", title},
        {"source", "control-test"},
        {"description", buf_str(&d)},
        {"detected_on", record_get(run, "performed_on")},
        {"severity", eq(result, "not-effective") ? "major" : "minor"},
        {"control", ctl->ref},
        {"test_run", run->ref},
        {FIELD_OWNER, owner},
    };
    char *nc = NULL;
    int changed = 0;
    if (app_add_tx(a, rtype_find("nonconformity"), kv, 8, NULL, 1, &nc, e) == 0) {
        struct kv link[] = {{"nonconformity", nc}};
        rc = app_edit_tx(a, rtype_find("ctrun"), run->ref, link, 1, 1, &changed, e);
    }
    buf_free(&d);
    if (rc == 0 && nc_out) {
        *nc_out = nc;
    } else {
        free(nc);
    }
out:
    record_free(test);
    record_free(ctl);
    return rc;
}

int audit_ctest_fail_tx(struct app *a, const char *test, const char *result, const char *date,
                         const char *note, char **run_out, char **nc_out, struct err *e)
{
    struct record *t = NULL, *run = NULL;
    char *ref = NULL;
    int rc = -1;
    if (get_rec(a, "ctest", test, &t, e)) {
        return -1;
    }
    if (record_get(t, FIELD_RETIRED) || !eq(record_get(t, FIELD_STATUS), "active")) {
        err_set(e, ERR_INVALID, "test", "test: %s is not an active control test", test);
        goto out;
    }
    char today[11];
    date_today(today);
    struct kv kv[] = {
        {"test", t->ref},
        {"performed_on", date ? date : today},
        {"result", result},
        {"tester", record_get(t, "tester")},
        {"observations", note},
        {FIELD_OWNER, record_get(t, FIELD_OWNER)},
    };
    int n = 0;
    struct kv use[6];
    for (int i = 0; i < 6; i++) {
        if (kv[i].value) {
            use[n++] = kv[i];
        }
    }
    if (app_add_tx(a, rtype_find("ctrun"), use, n, NULL, 0, &ref, e) ||
        store_get(a->st, principal_sys(), rtype_find("ctrun"), ref, &run, e) ||
        raise_run_nc_tx(a, run, nc_out, e)) {
        goto out;
    }
    *run_out = ref;
    ref = NULL;
    rc = 0;
out:
    free(ref);
    record_free(t);
    record_free(run);
    return rc;
}

int app_ctest_fail(struct app *a, const char *test, const char *result, const char *date,
                   const char *note, char **run_out, char **nc_out, struct err *e)
{
    *run_out = *nc_out = NULL;
    if (!result || !*result) {
        result = "not-effective";
    }
    if (!eq(result, "not-effective") && !eq(result, "partly-effective")) {
        return err_set(e, ERR_INVALID, "result",
                       "result: a failed test is not-effective or partly-effective, not '%.40s'",
                       result);
    }
    if (str_empty(note)) {
        return err_set(e, ERR_INVALID, "note", "note: say what failed (--note TEXT)");
    }
    int y, m, d;
    if (date && date_parse(date, &y, &m, &d)) {
        return err_set(e, ERR_INVALID, "date", "date: '%.20s' is not a date (YYYY-MM-DD)", date);
    }
    if (store_begin(a->st, e)) {
        return -1;
    }
    if (audit_ctest_fail_tx(a, test, result, date, note, run_out, nc_out, e)) {
        store_rollback(a->st);
        free(*run_out);
        free(*nc_out);
        *run_out = *nc_out = NULL;
        return -1;
    }
    return store_commit(a->st, e);
}

static int raise_nc_tx(struct app *a, const char *run, char **nc_out, struct err *e)
{
    struct record *r = NULL;
    if (get_rec(a, "ctrun", run, &r, e)) {
        return -1;
    }
    int rc = record_get(r, FIELD_RETIRED)
                 ? err_set(e, ERR_INVALID, "run", "run: %s is retired", run)
                 : raise_run_nc_tx(a, r, nc_out, e);
    record_free(r);
    return rc;
}

int app_ctrun_raise_nc(struct app *a, const char *run, char **nc_out, struct err *e)
{
    *nc_out = NULL;
    IN_TRANSACTION(a, e, raise_nc_tx(a, run, nc_out, e));
}

/* Task source "Test control": every active test plan falls due at its
 * next date; a failed run that raised no nonconformity asks for one. */
int task_src_ctests(struct app *a, const struct task_query *q, struct tasks *out,
                    struct err *e)
{
    struct ctest_states s;
    if (app_ctest_states(a, NULL, q->today, &s, e)) {
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < s.n && !rc; i++) {
        const struct ctest_state *t = &s.v[i];
        char title[200], link[160];
        snprintf(title, sizeof title, "Test control %s: %.120s (%s)", t->control, t->title,
                 t->frequency);
        snprintf(link, sizeof link, "/ctests/%s", t->test);
        rc = task_add(out, "ctest", "Test control", t->test, title,
                      t->tester[0] ? t->tester : t->owner, t->due, link);
        if (!rc && t->failed && !t->last_nc[0]) {
            snprintf(title, sizeof title, "Control %s test failed on %s: raise a nonconformity",
                     t->control, t->last_date);
            snprintf(link, sizeof link, "/ctruns/%s", t->last_run);
            rc = task_add(out, "ctest", "Raise nonconformity", t->last_run, title,
                          t->owner[0] ? t->owner : t->tester, t->last_date, link);
        }
    }
    ctest_states_free(&s);
    return rc ? err_set(e, ERR_INTERNAL, NULL, "out of memory") : 0;
}

/* ---- scope of an audit ----------------------------------------------------- */

/* Calls fn for each token of a clause list ("4, 6.1 9.2.1; A.8"). */
static int each_token(const char *list, int (*fn)(void *ctx, const char *tok), void *ctx)
{
    if (!list) {
        return 0;
    }
    char tok[32];
    const char *p = list;
    while (*p) {
        while (*p == ',' || *p == ' ' || *p == ';' || *p == '\t' || *p == '\n') {
            p++;
        }
        size_t n = 0;
        while (*p && *p != ',' && *p != ' ' && *p != ';' && *p != '\t' && *p != '\n') {
            if (n < sizeof tok - 1) {
                tok[n++] = *p;
            }
            p++;
        }
        tok[n] = 0;
        if (n && fn(ctx, tok)) {
            return 1;
        }
    }
    return 0;
}

/* tok covers id when equal or a parent on a dot boundary ("6.1" covers "6.1.2"). */
static int prefix_covers(const char *tok, const char *id)
{
    size_t n = strlen(tok);
    return strncmp(tok, id, n) == 0 && (id[n] == 0 || id[n] == '.');
}

struct cover_ctx {
    const char *id;
    int control; /* id is a control */
    int hit;
};

/* A range "4.1-10.2" or "4–10" (en dash): lo <= id <= hi in clause order,
 * hi covering its sub-clauses. 0 when tok is no range. */
static int range_covers(const char *tok, const char *id, int *is_range)
{
    const char *dash = strstr(tok, "\xe2\x80\x93");
    size_t skip = 3;
    if (!dash) {
        dash = strchr(tok, '-');
        skip = 1;
    }
    *is_range = dash && dash > tok && dash[skip] >= '0' && dash[skip] <= '9';
    if (!*is_range) {
        return 0;
    }
    char lo[32];
    size_t n = (size_t)(dash - tok) < sizeof lo - 1 ? (size_t)(dash - tok) : sizeof lo - 1;
    memcpy(lo, tok, n);
    lo[n] = 0;
    const char *hi = dash + skip;
    return (natcmp(id, lo) >= 0 || prefix_covers(lo, id)) &&
           (natcmp(id, hi) <= 0 || prefix_covers(hi, id));
}

static int cover_tok(void *ctx, const char *tok)
{
    struct cover_ctx *c = ctx;
    int is_range = 0;
    if (!c->control && range_covers(tok, c->id, &is_range)) {
        c->hit = 1;
        return 1;
    }
    if (is_range) {
        return 0;
    }
    if (c->control) {
        /* "A.5" covers 2022 controls 5.x; "A.5.1" covers 2013 A.5.1.x */
        if (strncmp(tok, "A.", 2) == 0 && tok[2]) {
            c->hit = prefix_covers(tok + 2, c->id) || prefix_covers(tok, c->id);
        }
    } else if (strcasecmp_(tok, "all") == 0) {
        c->hit = 1;
    } else if (tok[0] >= '0' && tok[0] <= '9') {
        c->hit = prefix_covers(tok, c->id);
    }
    return c->hit;
}

int audit_covers_clause(const char *clauses, const char *clause)
{
    struct cover_ctx c = {clause, 0, 0};
    each_token(clauses, cover_tok, &c);
    return c.hit;
}

static int covers_control(const char *clauses, const char *controls, const char *id)
{
    if (controls && list_has(controls, id)) {
        return 1;
    }
    struct cover_ctx c = {id, 1, 0};
    each_token(clauses, cover_tok, &c);
    return c.hit;
}

/* Leaf clauses of the reference data (a clause with sub-clauses is covered
 * through them). */
struct clause_list {
    char (*id)[16];
    char (*title)[160];
    char (*summary)[400];
    size_t n, cap;
};

static int take_clause(void *ctx, const struct clause_row *c)
{
    struct clause_list *l = ctx;
    if (l->n && prefix_covers(l->id[l->n - 1], c->clause)) {
        l->n--; /* the previous one has sub-clauses: keep the leaves */
    }
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->id = xrealloc(l->id, l->cap * sizeof *l->id);
        l->title = xrealloc(l->title, l->cap * sizeof *l->title);
        l->summary = xrealloc(l->summary, l->cap * sizeof *l->summary);
    }
    cp(l->id[l->n], sizeof l->id[0], c->clause);
    cp(l->title[l->n], sizeof l->title[0], c->title);
    cp(l->summary[l->n], sizeof l->summary[0], c->summary);
    l->n++;
    return 0;
}

static void clause_list_free(struct clause_list *l)
{
    free(l->id);
    free(l->title);
    free(l->summary);
    memset(l, 0, sizeof *l);
}

/* ---- the audit programme (9.2) ---------------------------------------------- */

const char audit_frequency_rule[] =
    "Every clause 4-10 and every applicable control is audited at least once in the "
    "three-year cycle. An area that has a high or critical residual risk (a risk at one of "
    "the method's two highest levels that names the control), a failed control test (its "
    "latest run not effective or partly effective) or an open nonconformity (on the control "
    "or the clause) is due more often: in every year of the cycle from this year on. Only "
    "first-party (internal) audits count; second-party (customer, supplier) and third-party "
    "(certification body) audits do not replace them.";

const char *audit_party(const char *kind)
{
    if (eq(kind, "internal")) {
        return "first-party";
    }
    if (eq(kind, "second-party")) {
        return "second-party";
    }
    return kind ? "third-party" : NULL;
}

void coverage_free(struct coverage *c)
{
    free(c->v);
    memset(c, 0, sizeof *c);
}

static struct cov_area *cov_add(struct coverage *c, const char *kind, const char *id,
                                const char *title)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 128;
        c->v = xrealloc(c->v, c->cap * sizeof *c->v);
    }
    struct cov_area *ar = &c->v[c->n++];
    memset(ar, 0, sizeof *ar);
    cp(ar->kind, sizeof ar->kind, kind);
    cp(ar->id, sizeof ar->id, id);
    cp(ar->title, sizeof ar->title, title);
    return ar;
}

static void why_add(struct cov_area *ar, const char *what)
{
    if (strstr(ar->why, what)) {
        return;
    }
    size_t n = strlen(ar->why);
    snprintf(ar->why + n, sizeof ar->why - n, "%s%s", n ? "; " : "", what);
    ar->more_often = 1;
}

struct prog_pick {
    char ref[24], title[201];
    int year;
};

static int take_prog(void *ctx, struct record *r)
{
    struct prog_pick *p = ctx;
    const char *y = record_get(r, "start_year");
    if (eq(record_get(r, FIELD_STATUS), "active") && y && atoi(y) >= p->year) {
        p->year = atoi(y);
        cp(p->ref, sizeof p->ref, r->ref);
        cp(p->title, sizeof p->title, record_get(r, "title"));
    }
    record_free(r);
    return 0;
}

struct ctl_index {
    struct strmap pos; /* control id -> area position */
};

static struct cov_area *area_of(struct coverage *c, struct strmap *pos, const char *id)
{
    const char *p = NULL;
    if (strmap_get(pos, id, &p) && p) {
        return &c->v[atol(p)];
    }
    return NULL;
}

struct risk_link_ctx {
    struct coverage *c;
    struct strmap *pos;
};

static int take_risk_control(void *ctx, const char *control, const char *risk, const char *lv)
{
    struct risk_link_ctx *k = ctx;
    struct cov_area *ar = area_of(k->c, k->pos, control);
    if (ar && !strstr(ar->why, "residual risk")) {
        char w[80];
        snprintf(w, sizeof w, "%s residual risk %s", lv, risk);
        why_add(ar, w);
    }
    return 0;
}

struct cov_build {
    struct app *a;
    struct coverage *c;
    struct strmap *pos;
    struct clause_list *cl;
    const char *programme;
    int failed;
};

static void mark(struct cov_area *ar, int yi, enum cov_state st, const char *audit)
{
    if (st > ar->year[yi]) {
        ar->year[yi] = st;
        cp(ar->audit[yi], sizeof ar->audit[yi], audit);
    } else if (!ar->audit[yi][0]) {
        cp(ar->audit[yi], sizeof ar->audit[yi], audit);
    }
}

static int take_audit(void *ctx, struct record *r)
{
    struct cov_build *b = ctx;
    struct coverage *c = b->c;
    const char *st = record_get(r, FIELD_STATUS);
    const char *prog = record_get(r, "programme");
    int done = eq(st, "reported") || eq(st, "closed");
    const char *date = done && record_get(r, "performed_on") ? record_get(r, "performed_on")
                                                              : record_get(r, "planned_on");
    int yi = date ? atoi(date) - c->start_year : -1;
    if (eq(st, "cancelled") || yi < 0 || yi >= COV_YEARS ||
        !eq(record_get(r, "kind"), "internal") || /* 9.2: first-party audits only */
        (prog && b->programme[0] && strcmp(prog, b->programme) != 0)) {
        record_free(r);
        return 0;
    }
    c->audits++;
    enum cov_state s = done ? COV_DONE : COV_PLANNED;
    const char *clauses = record_get(r, "clauses");
    const char *controls = record_get(r, "controls");
    for (size_t i = 0; i < c->n; i++) {
        struct cov_area *ar = &c->v[i];
        int hit = ar->kind[1] == 'l' ? audit_covers_clause(clauses, ar->id)
                                     : covers_control(clauses, controls, ar->id);
        if (hit) {
            mark(ar, yi, s, r->ref);
        }
    }
    record_free(r);
    return 0;
}

static int take_control(void *ctx, struct record *r)
{
    struct cov_build *b = ctx;
    if (eq(record_get(r, "applicable"), "1")) {
        char pos[24];
        snprintf(pos, sizeof pos, "%zu", b->c->n);
        cov_add(b->c, "control", r->ref, record_get(r, "title"));
        strmap_put(b->pos, r->ref, pos);
        b->c->controls++;
    }
    record_free(r);
    return 0;
}

static int take_nc(void *ctx, struct record *r)
{
    struct cov_build *b = ctx;
    if (!eq(record_get(r, FIELD_STATUS), "closed")) {
        char w[60];
        snprintf(w, sizeof w, "open nonconformity %s", r->ref);
        const char *ctl = record_get(r, "control");
        struct cov_area *ar = ctl ? area_of(b->c, b->pos, ctl) : NULL;
        if (ar && !strstr(ar->why, "open nonconformity")) {
            why_add(ar, w);
        }
        const char *cl = record_get(r, "clause");
        for (size_t i = 0; cl && i < b->c->clauses; i++) {
            struct cov_area *ca = &b->c->v[i];
            if ((prefix_covers(cl, ca->id) || prefix_covers(ca->id, cl)) &&
                !strstr(ca->why, "open nonconformity")) {
                why_add(ca, w);
            }
        }
    }
    record_free(r);
    return 0;
}

static int coverage_build(struct app *a, const char *programme, const char *today,
                          struct coverage *c, struct err *e)
{
    c->this_year = atoi(today);
    if (programme) {
        struct record *p = NULL;
        if (get_rec(a, "programme", programme, &p, e)) {
            return -1;
        }
        cp(c->programme, sizeof c->programme, p->ref);
        cp(c->title, sizeof c->title, record_get(p, "title"));
        c->start_year = atoi(record_get(p, "start_year"));
        record_free(p);
    } else {
        struct prog_pick pick = {"", "", 0};
        const struct rtype *pt = rtype_find("programme");
        struct query q = {0};
        if (store_list(a->st, &a->who, pt, &q, take_prog, &pick, e)) {
            return -1;
        }
        cp(c->programme, sizeof c->programme, pick.ref);
        cp(c->title, sizeof c->title, pick.ref[0] ? pick.title : "No programme recorded");
        c->start_year = pick.ref[0] ? pick.year : c->this_year;
    }
    /* the areas: leaf clauses, then applicable controls */
    struct clause_list cl = {0};
    if (store_clauses(a->st, take_clause, &cl, e)) {
        clause_list_free(&cl);
        return -1;
    }
    for (size_t i = 0; i < cl.n; i++) {
        cov_add(c, "clause", cl.id[i], cl.title[i]);
    }
    c->clauses = cl.n;
    clause_list_free(&cl);
    struct strmap pos = {0};
    struct cov_build b = {a, c, &pos, NULL, c->programme, 0};
    int rc = -1;
    const struct rtype *ct = rtype_find("control");
    struct query cq = {0};
    static const char *const ccols[] = {"title", "applicable", NULL};
    cq.columns = ccols;
    if (store_list(a->st, &a->who, ct, &cq, take_control, &b, e)) {
        goto out;
    }
    /* the audits of the cycle */
    const struct rtype *at = rtype_find("audit");
    struct query aq = {0};
    if (store_list(a->st, &a->who, at, &aq, take_audit, &b, e)) {
        goto out;
    }
    /* the risk-based rule: high residual risks, failed tests, open NCs */
    const struct method *m = app_method(a, e);
    if (!m) {
        goto out;
    }
    int i1 = -1, i2 = -1;
    for (int i = 0; i < m->nlevels; i++) {
        if (i1 < 0 || m->levels[i].min > m->levels[i1].min) {
            i2 = i1;
            i1 = i;
        } else if (i2 < 0 || m->levels[i].min > m->levels[i2].min) {
            i2 = i;
        }
    }
    /* risks and controls as a->who sees them (the store applies the rule) */
    struct risk_link_ctx rk = {c, &pos};
    if (i1 >= 0 && store_high_risk_controls(a->st, &a->who, m->levels[i1].name,
                                            i2 >= 0 ? m->levels[i2].name : NULL,
                                            take_risk_control, &rk, e)) {
        goto out;
    }
    struct ctest_states ts;
    if (app_ctest_states(a, NULL, today, &ts, e)) {
        goto out;
    }
    for (size_t i = 0; i < ts.n; i++) {
        struct cov_area *ar = ts.v[i].failed ? area_of(c, &pos, ts.v[i].control) : NULL;
        if (ar) {
            char w[80];
            snprintf(w, sizeof w, "control test %s %s on %s", ts.v[i].test,
                     eq(ts.v[i].last_result, "not-effective") ? "failed" : "partly effective",
                     ts.v[i].last_date);
            why_add(ar, w);
        }
    }
    ctest_states_free(&ts);
    const struct rtype *nt = rtype_find("nonconformity");
    struct query nq = {0};
    static const char *const ncols[] = {"control", "clause", FIELD_STATUS, NULL};
    nq.columns = ncols;
    if (store_list(a->st, &a->who, nt, &nq, take_nc, &b, e)) {
        goto out;
    }
    /* gaps */
    int from = c->this_year - c->start_year;
    if (from < 0) {
        from = 0;
    }
    for (size_t i = 0; i < c->n; i++) {
        struct cov_area *ar = &c->v[i];
        int any = 0;
        for (int y = 0; y < COV_YEARS; y++) {
            any |= ar->year[y] != COV_GAP;
        }
        if (!any) {
            ar->gap = 1;
            snprintf(ar->gap_why, sizeof ar->gap_why, "no audit covers it in %d-%d",
                     c->start_year, c->start_year + COV_YEARS - 1);
        } else if (ar->more_often) {
            for (int y = from; y < COV_YEARS; y++) {
                if (ar->year[y] == COV_GAP) {
                    ar->gap = 1;
                    snprintf(ar->gap_why, sizeof ar->gap_why,
                             "due more often: no audit covers it in %d", c->start_year + y);
                    break;
                }
            }
        }
        c->gaps += ar->gap;
        c->more_often += ar->more_often;
    }
    rc = 0;
out:
    strmap_free(&pos);
    return rc;
}

int app_audit_coverage(struct app *a, const char *programme, const char *today,
                       struct coverage *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    char now[11];
    if (!today) {
        date_today(now);
        today = now;
    }
    if (coverage_build(a, programme, today, out, e)) {
        coverage_free(out);
        return -1;
    }
    return 0;
}

static const char *cov_state_name(enum cov_state s)
{
    return s == COV_DONE ? "done" : s == COV_PLANNED ? "planned" : "gap";
}

void coverage_json(const struct coverage *c, struct buf *out)
{
    struct jw w;
    jw_init(&w, out, 1);
    jw_obj(&w);
    jw_key(&w, "programme");
    jw_str(&w, c->programme[0] ? c->programme : NULL);
    jw_key(&w, "title");
    jw_str(&w, c->title);
    jw_key(&w, "years");
    jw_arr(&w);
    for (int y = 0; y < COV_YEARS; y++) {
        jw_int(&w, c->start_year + y);
    }
    jw_arr_end(&w);
    jw_key(&w, "rule");
    jw_str(&w, audit_frequency_rule);
    jw_key(&w, "audits");
    jw_int(&w, (int64_t)c->audits);
    jw_key(&w, "clauses");
    jw_int(&w, (int64_t)c->clauses);
    jw_key(&w, "controls");
    jw_int(&w, (int64_t)c->controls);
    jw_key(&w, "gaps");
    jw_int(&w, (int64_t)c->gaps);
    jw_key(&w, "due_more_often");
    jw_int(&w, (int64_t)c->more_often);
    jw_key(&w, "not_covered");
    jw_arr(&w);
    for (size_t i = 0; i < c->n; i++) {
        if (c->v[i].gap) {
            jw_obj(&w);
            jw_key(&w, "kind");
            jw_str(&w, c->v[i].kind);
            jw_key(&w, "id");
            jw_str(&w, c->v[i].id);
            jw_key(&w, "reason");
            jw_str(&w, c->v[i].gap_why);
            jw_obj_end(&w);
        }
    }
    jw_arr_end(&w);
    jw_key(&w, "areas");
    jw_arr(&w);
    for (size_t i = 0; i < c->n; i++) {
        const struct cov_area *ar = &c->v[i];
        jw_obj(&w);
        jw_key(&w, "kind");
        jw_str(&w, ar->kind);
        jw_key(&w, "id");
        jw_str(&w, ar->id);
        jw_key(&w, "title");
        jw_str(&w, ar->title);
        jw_key(&w, "years");
        jw_arr(&w);
        for (int y = 0; y < COV_YEARS; y++) {
            jw_obj(&w);
            jw_key(&w, "year");
            jw_int(&w, c->start_year + y);
            jw_key(&w, "state");
            jw_str(&w, cov_state_name(ar->year[y]));
            jw_key(&w, "audit");
            jw_str(&w, ar->audit[y][0] ? ar->audit[y] : NULL);
            jw_obj_end(&w);
        }
        jw_arr_end(&w);
        jw_key(&w, "due_more_often");
        jw_bool(&w, ar->more_often);
        jw_key(&w, "why");
        jw_str(&w, ar->more_often ? ar->why : NULL);
        jw_key(&w, "gap");
        jw_bool(&w, ar->gap);
        jw_key(&w, "gap_reason");
        jw_str(&w, ar->gap ? ar->gap_why : NULL);
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
    jw_obj_end(&w);
}

/* ---- auditor independence -------------------------------------------------- */

struct indep {
    struct app *a;
    struct buf *out;
    const char *auditors; /* comma list */
    const char *control;
    struct err *e;
    int rc;
};

static void warn(struct buf *out, const char *fmt, const char *x, const char *y, const char *z)
{
    struct buf one;
    buf_init(&one, 0);
    buf_printf(&one, fmt, x, y, z);
    if (!strstr(buf_str(out), buf_str(&one))) {
        if (out->len) {
            buf_putc(out, '\n');
        }
        buf_puts(out, buf_str(&one));
    }
    buf_free(&one);
}

static int check_doc(struct indep *d, const char *doc, const char *what)
{
    struct record *r = NULL;
    struct err e2 = {0};
    if (store_get(d->a->st, principal_sys(), rtype_find("document"), doc, &r, &e2)) {
        return 0;
    }
    const char *who[] = {record_get(r, "author"), record_get(r, FIELD_OWNER)};
    for (int k = 0; k < 2; k++) {
        if (who[k] && list_has(d->auditors, who[k])) {
            warn(d->out, "%s authored %s, which implements %s", who[k], doc, what);
            break;
        }
    }
    record_free(r);
    return 0;
}

static int indep_doc(void *ctx, const char *doc)
{
    struct indep *d = ctx;
    return check_doc(d, doc, d->control);
}

static int indep_action(void *ctx, const char *act)
{
    struct indep *d = ctx;
    struct record *r = NULL;
    struct err e2 = {0};
    if (store_get(d->a->st, principal_sys(), rtype_find("action"), act, &r, &e2)) {
        return 0;
    }
    const char *o = record_get(r, FIELD_OWNER);
    if (o && list_has(d->auditors, o)) {
        warn(d->out, "%s implements control %s (treatment action %s)", o, d->control, act);
    }
    record_free(r);
    return 0;
}

static int indep_control(struct indep *d, const char *control)
{
    struct record *c = NULL;
    struct err e2 = {0};
    if (store_get(d->a->st, principal_sys(), rtype_find("control"), control, &c, &e2)) {
        return 0;
    }
    const char *o = record_get(c, FIELD_OWNER);
    if (o && list_has(d->auditors, o)) {
        warn(d->out, "%s owns control %s%s", o, control, "");
    }
    char what[40];
    snprintf(what, sizeof what, "control %s", control);
    d->control = control;
    const char *docs = record_get(c, "documents");
    if (docs) {
        char *copy = xstrdup(docs), *save = NULL;
        for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            check_doc(d, t, what);
        }
        free(copy);
    }
    record_free(c);
    if (store_links_to(d->a->st, principal_sys(), control, "controls", "document", indep_doc, d,
                       d->e) ||
        store_links_to(d->a->st, principal_sys(), control, "controls", "action", indep_action, d,
                       d->e)) {
        return -1;
    }
    return 0;
}

struct clause_docs {
    struct indep *d;
    const char *clauses;
};

static int indep_clause_doc(void *ctx, struct record *r)
{
    struct clause_docs *cd = ctx;
    const char *cl = record_get(r, "clause");
    if (cl && cl[0] >= '0' && cl[0] <= '9' && audit_covers_clause(cd->clauses, cl)) {
        char what[40];
        snprintf(what, sizeof what, "clause %s", cl);
        const char *who[] = {record_get(r, "author"), record_get(r, FIELD_OWNER)};
        for (int k = 0; k < 2; k++) {
            if (who[k] && list_has(cd->d->auditors, who[k])) {
                warn(cd->d->out, "%s authored %s, which implements %s", who[k], r->ref, what);
                break;
            }
        }
    }
    record_free(r);
    return 0;
}

static int independence(struct app *a, const struct record *r, struct buf *out, struct err *e)
{
    struct buf who;
    buf_init(&who, 0);
    const char *lead = record_get(r, "lead_auditor");
    const char *others = record_get(r, "auditors");
    if (lead) {
        buf_puts(&who, lead);
    }
    if (others) {
        buf_printf(&who, "%s%s", who.len ? "," : "", others);
    }
    int rc = 0;
    if (who.len) {
        struct indep d = {a, out, buf_str(&who), NULL, e, 0};
        const char *controls = record_get(r, "controls");
        if (controls) {
            char *copy = xstrdup(controls), *save = NULL;
            for (char *t = strtok_r(copy, ",", &save); t && !rc; t = strtok_r(NULL, ",", &save)) {
                rc = indep_control(&d, t);
            }
            free(copy);
        }
        const char *clauses = record_get(r, "clauses");
        if (!rc && clauses) {
            struct clause_docs cd = {&d, clauses};
            const struct rtype *dt = rtype_find("document");
            struct query q = {0};
            static const char *const cols[] = {"clause", "author", FIELD_OWNER, NULL};
            q.columns = cols;
            rc = store_list(a->st, principal_sys(), dt, &q, indep_clause_doc, &cd, e);
        }
    }
    buf_free(&who);
    return rc;
}

static int touched_any(const struct rtype *t, const unsigned char *touched, const char *const *f)
{
    for (int i = 0; f[i]; i++) {
        int idx;
        if (rtype_field(t, f[i], &idx) && touched[idx]) {
            return 1;
        }
    }
    return 0;
}

int audit_rules_derive(struct app *a, struct record *r, const struct record *orig,
                       const unsigned char *touched, struct err *e)
{
    (void)orig;
    if (strcmp(r->type->name, "ctest") == 0) {
        static const char *const ctl[] = {"control", FIELD_STATUS, NULL};
        if (!touched_any(r->type, touched, ctl) || !eq(record_get(r, FIELD_STATUS), "active")) {
            return 0;
        }
        struct record *c = NULL;
        if (store_get(a->st, principal_sys(), rtype_find("control"), record_get(r, "control"), &c, e)) {
            return -1;
        }
        int excluded = eq(record_get(c, "applicable"), "0");
        record_free(c);
        if (excluded) {
            return err_set(e, ERR_INVALID, "control",
                           "control: %s is excluded from the Statement of Applicability (not "
                           "applicable): control tests are planned for applicable controls",
                           record_get(r, "control"));
        }
        return 0;
    }
    if (strcmp(r->type->name, "audit") == 0) {
        static const char *const scope[] = {"lead_auditor", "auditors", "controls", "clauses",
                                            NULL};
        if (!touched_any(r->type, touched, scope)) {
            return 0;
        }
        struct buf w;
        buf_init(&w, 0);
        if (independence(a, r, &w, e)) {
            buf_free(&w);
            return -1;
        }
        int idx;
        rtype_field(r->type, "independence", &idx);
        record_set_take(r, idx, w.len ? buf_take(&w) : NULL);
        buf_free(&w);
        return 0;
    }
    if (strcmp(r->type->name, "checkitem") == 0) {
        static const char *const res[] = {"result", "evidence", NULL};
        if (!record_get(r, "result") || !touched_any(r->type, touched, res)) {
            return 0;
        }
        struct record *au = NULL;
        if (store_get(a->st, principal_sys(), rtype_find("audit"), record_get(r, "audit"), &au, e)) {
            return -1;
        }
        int cancelled = eq(record_get(au, FIELD_STATUS), "cancelled");
        record_free(au);
        if (cancelled) {
            return err_set(e, ERR_INVALID, "result",
                           "result: audit %s is cancelled: no result can be recorded on a "
                           "cancelled audit",
                           record_get(r, "audit"));
        }
    }
    return 0;
}

static int raise_item_nc(struct app *a, const struct record *item, struct err *e)
{
    const char *result = record_get(item, "result");
    struct record *au = NULL, *ctl = NULL;
    int rc = -1;
    if (store_get(a->st, principal_sys(), rtype_find("audit"), record_get(item, "audit"), &au, e)) {
        return -1;
    }
    const char *control = record_get(item, "control");
    if (control && store_get(a->st, principal_sys(), rtype_find("control"), control, &ctl, e)) {
        goto out;
    }
    const char *owner = ctl ? record_get(ctl, FIELD_OWNER) : NULL;
    if (!owner) {
        owner = record_get(au, FIELD_OWNER);
    }
    if (!owner) {
        owner = record_get(au, "lead_auditor");
    }
    if (!owner) {
        err_set(e, ERR_INVALID, "owner",
                "owner: nobody owns the nonconformity this result raises: give audit %s an "
                "owner",
                au->ref);
        goto out;
    }
    char title[200], today[11];
    date_today(today);
    snprintf(title, sizeof title, "Audit %s: %.160s", au->ref, record_get(item, "question"));
    const char *date = record_get(au, "performed_on");
    struct kv kv[] = {
        {"title", title},
        {"source", eq(record_get(au, "kind"), "internal") ? "internal-audit" : "external-audit"},
        {"severity", eq(result, "major-nonconformity") ? "major" : "minor"},
        {"detected_on", date ? date : today},
        {"audit_item", item->ref},
        {FIELD_OWNER, owner},
        {"description", record_get(item, "evidence")},
        {"clause", record_get(item, "clause")},
        {"control", control},
    };
    int n = 0;
    struct kv use[9];
    for (int i = 0; i < 9; i++) {
        if (kv[i].value) {
            use[n++] = kv[i];
        }
    }
    char *nc = NULL;
    int changed = 0;
    if (app_add_tx(a, rtype_find("nonconformity"), use, n, NULL, 1, &nc, e) == 0) {
        struct kv link[] = {{"nonconformity", nc}};
        rc = app_edit_tx(a, rtype_find("checkitem"), item->ref, link, 1, 1, &changed, e);
    }
    free(nc);
out:
    record_free(au);
    record_free(ctl);
    return rc;
}

int audit_rules_after(struct app *a, const struct record *orig, const struct record *r,
                      struct err *e)
{
    (void)orig;
    if (strcmp(r->type->name, "checkitem") == 0 && !record_get(r, FIELD_RETIRED)) {
        const char *res = record_get(r, "result");
        if ((eq(res, "major-nonconformity") || eq(res, "minor-nonconformity")) &&
            !record_get(r, "nonconformity")) {
            return raise_item_nc(a, r, e);
        }
    }
    return 0;
}

/* ---- checklists --------------------------------------------------------------- */

int audit_checklist_tx(struct app *a, const char *audit, int *added, struct err *e)
{
    struct record *au = NULL;
    struct records items = {0};
    struct clause_list cl = {0};
    int rc = -1;
    /* refused as a write even when every item exists already (nothing
     * would be written): the answer must not depend on the checklist */
    if (app_may_write(a, e) || get_rec(a, "audit", audit, &au, e)) {
        return -1;
    }
    if (record_get(au, FIELD_RETIRED)) {
        err_set(e, ERR_INVALID, "audit", "audit: %s is retired", au->ref);
        goto out;
    }
    if (eq(record_get(au, FIELD_STATUS), "cancelled")) {
        err_set(e, ERR_INVALID, "status",
                "status: audit %s is cancelled: a cancelled audit gets no checklist", au->ref);
        goto out;
    }
    const char *clauses = record_get(au, "clauses");
    const char *controls = record_get(au, "controls");
    if (!clauses && !controls) {
        err_set(e, ERR_INVALID, "clauses",
                "clauses: audit %s has no scope: give it --clauses (\"4, 6.1, 9.2\") or "
                "--controls",
                au->ref);
        goto out;
    }
    /* the write sees every item and control (the audit itself as a->who) */
    if (list_all(a, principal_sys(), "checkitem", "audit", au->ref, &items, e) ||
        store_clauses(a->st, take_clause, &cl, e)) {
        goto out;
    }
    const struct rtype *it = rtype_find("checkitem");
    const char *lead = record_get(au, "lead_auditor");
    for (size_t i = 0; i < cl.n; i++) {
        if (!audit_covers_clause(clauses, cl.id[i])) {
            continue;
        }
        int have = 0;
        for (size_t k = 0; k < items.n && !have; k++) {
            have = eq(record_get(items.v[k], "clause"), cl.id[i]) &&
                   !record_get(items.v[k], "control");
        }
        if (have) {
            continue;
        }
        char q[1000];
        snprintf(q, sizeof q, "Clause %s %s: %s Is this met, and what evidence shows it?",
                 cl.id[i], cl.title[i], cl.summary[i]);
        struct kv kv[] = {{"audit", au->ref}, {"clause", cl.id[i]}, {"question", q},
                          {FIELD_OWNER, lead}};
        if (app_add_tx(a, it, kv, lead ? 4 : 3, NULL, 0, NULL, e)) {
            goto out;
        }
        (*added)++;
    }
    /* controls: the listed ones and those of the themes named in clauses */
    const struct rtype *ct = rtype_find("control");
    struct records ctls = {0};
    struct query q = {0};
    static const char *const cols[] = {"title", "applicable", "implementation", NULL};
    q.columns = cols;
    if (store_list(a->st, principal_sys(), ct, &q, records_add, &ctls, e)) {
        records_free(&ctls);
        goto out;
    }
    for (size_t i = 0; i < ctls.n; i++) {
        const struct record *c = ctls.v[i];
        if (!covers_control(clauses, controls, c->ref) ||
            (!list_has(controls, c->ref) && !eq(record_get(c, "applicable"), "1"))) {
            continue;
        }
        int have = 0;
        for (size_t k = 0; k < items.n && !have; k++) {
            have = eq(record_get(items.v[k], "control"), c->ref);
        }
        if (have) {
            continue;
        }
        char qq[1000];
        snprintf(qq, sizeof qq,
                 "Control %s %s: is it implemented as the Statement of Applicability says, "
                 "and is it effective? What evidence shows it?",
                 c->ref, record_get(c, "title"));
        struct kv kv[] = {{"audit", au->ref}, {"control", c->ref}, {"question", qq},
                          {FIELD_OWNER, lead}};
        if (app_add_tx(a, it, kv, lead ? 4 : 3, NULL, 0, NULL, e)) {
            records_free(&ctls);
            goto out;
        }
        (*added)++;
    }
    records_free(&ctls);
    rc = 0;
out:
    record_free(au);
    records_free(&items);
    clause_list_free(&cl);
    return rc;
}

int app_audit_checklist(struct app *a, const char *audit, int *added, struct err *e)
{
    *added = 0;
    IN_TRANSACTION(a, e, audit_checklist_tx(a, audit, added, e));
}

/* ---- the audit report --------------------------------------------------------- */

const char *const audit_result_names[6] = {"conforming",  "major-nonconformity",
                                           "minor-nonconformity", "observation",
                                           "opportunity", "open"};

static void nc_add(struct audit_report *r, const char *nc)
{
    if (!nc) {
        return;
    }
    for (size_t i = 0; i < r->nncs; i++) {
        if (strcmp(r->ncs[i], nc) == 0) {
            return;
        }
    }
    r->ncs = xrealloc(r->ncs, (r->nncs + 1) * sizeof *r->ncs);
    r->ncs[r->nncs++] = xstrdup(nc);
}

int app_audit_report(struct app *a, const char *audit, struct audit_report *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    struct records items = {0}, findings = {0};
    if (get_rec(a, "audit", audit, &out->audit, e) ||
        list_all(a, &a->who, "checkitem", "audit", out->audit->ref, &items, e) ||
        list_all(a, &a->who, "finding", "audit", out->audit->ref, &findings, e)) {
        records_free(&items);
        records_free(&findings);
        audit_report_free(out);
        return -1;
    }
    out->items = items.v;
    out->nitems = items.n;
    out->findings = findings.v;
    out->nfindings = findings.n;
    for (size_t i = 0; i < items.n; i++) {
        const char *res = record_get(items.v[i], "result");
        if (eq(record_get(items.v[i], FIELD_STATUS), "excluded")) {
            continue;
        }
        int k = 5;
        for (int j = 0; j < 5; j++) {
            if (eq(res, audit_result_names[j])) {
                k = j;
            }
        }
        out->results[k]++;
        nc_add(out, record_get(items.v[i], "nonconformity"));
    }
    for (size_t i = 0; i < findings.n; i++) {
        nc_add(out, record_get(findings.v[i], "nonconformity"));
    }
    return 0;
}

void audit_report_free(struct audit_report *r)
{
    record_free(r->audit);
    struct records it = {r->items, r->nitems, r->nitems};
    struct records fi = {r->findings, r->nfindings, r->nfindings};
    records_free(&it);
    records_free(&fi);
    for (size_t i = 0; i < r->nncs; i++) {
        free(r->ncs[i]);
    }
    free(r->ncs);
    memset(r, 0, sizeof *r);
}

void audit_report_json(const struct audit_report *r, struct buf *out)
{
    struct jw w;
    jw_init(&w, out, 1);
    jw_obj(&w);
    static const char *const afields[] = {"title", "kind", "scope", "criteria", "lead_auditor",
                                          "auditors", "planned_on", "performed_on", "clauses",
                                          "controls", "conclusion", "independence", "programme",
                                          FIELD_STATUS, NULL};
    jw_key(&w, "id");
    jw_str(&w, r->audit->ref);
    for (int i = 0; afields[i]; i++) {
        jw_key(&w, afields[i]);
        jw_str(&w, record_get(r->audit, afields[i]));
    }
    jw_key(&w, "party");
    jw_str(&w, audit_party(record_get(r->audit, "kind")));
    jw_key(&w, "results");
    jw_obj(&w);
    for (int i = 0; i < 6; i++) {
        jw_key(&w, audit_result_names[i]);
        jw_int(&w, (int64_t)r->results[i]);
    }
    jw_obj_end(&w);
    jw_key(&w, "checklist");
    jw_arr(&w);
    for (size_t i = 0; i < r->nitems; i++) {
        const struct record *it = r->items[i];
        static const char *const f[] = {"clause", "control", "question", "evidence", "result",
                                        "nonconformity", FIELD_STATUS, NULL};
        jw_obj(&w);
        jw_key(&w, "id");
        jw_str(&w, it->ref);
        for (int k = 0; f[k]; k++) {
            jw_key(&w, f[k]);
            jw_str(&w, record_get(it, f[k]));
        }
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
    jw_key(&w, "findings");
    jw_arr(&w);
    for (size_t i = 0; i < r->nfindings; i++) {
        const struct record *fd = r->findings[i];
        static const char *const f[] = {"title", "kind", "clause", "control", "nonconformity",
                                        NULL};
        jw_obj(&w);
        jw_key(&w, "id");
        jw_str(&w, fd->ref);
        for (int k = 0; f[k]; k++) {
            jw_key(&w, f[k]);
            jw_str(&w, record_get(fd, f[k]));
        }
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
    jw_key(&w, "nonconformities");
    jw_arr(&w);
    for (size_t i = 0; i < r->nncs; i++) {
        jw_str(&w, r->ncs[i]);
    }
    jw_arr_end(&w);
    jw_obj_end(&w);
}

/* bundle: whether an audit's scope (its clauses text and controls list)
 * covers control id, for the audit-scoped evidence bundle. */
int audit_covers_control(const char *clauses, const char *controls, const char *id)
{
    return covers_control(clauses, controls, id);
}
