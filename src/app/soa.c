/* soa.c — the Statement of Applicability (clause 6.1.3 d): every control of
 * the catalogue with its applicability, the reasons for inclusion derived
 * from links (risks treated, requirements met), the justification, the
 * implementation status and references; approved, frozen versions; diffs
 * between versions; and the 2013 -> 2022 transition through the mapping. */
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

static int valid_framework(const char *fw, struct err *e)
{
    if (strcmp(fw, FRAMEWORK_2022) && strcmp(fw, FRAMEWORK_2013)) {
        return err_set(e, ERR_INVALID, "framework", "framework: '%.40s' is not one of: %s, %s",
                       fw, FRAMEWORK_2022, FRAMEWORK_2013);
    }
    return 0;
}

/* Links into controls, grouped per control. */
struct reasons {
    json_t *by_control; /* control -> {"risks": [...], "requirements": [...], "seen": {}} */
    json_t *req_kind;   /* requirement -> kind */
    json_t *action_risks; /* action -> "R-1,R-2" */
};

/* Appends v to o[key] once; o["seen"] remembers what is there, so adding is
 * constant time however many risks name one control. */
static void add_unique(json_t *o, const char *key, const char *v)
{
    json_t *seen = json_object_get(o, "seen");
    if (json_object_get(seen, v)) {
        return;
    }
    json_object_set_new(seen, v, json_true());
    json_array_append_new(json_object_get(o, key), json_string(v));
}

static json_t *entry(struct reasons *rs, const char *control)
{
    json_t *o = json_object_get(rs->by_control, control);
    if (!o) {
        o = json_pack("{s[]s[]s{}}", "risks", "requirements", "seen");
        json_object_set_new(rs->by_control, control, o);
    }
    return o;
}

static int on_link(void *ctx, const char *src_type, const char *src, const char *dst)
{
    struct reasons *rs = ctx;
    if (strcmp(src_type, "risk") == 0) {
        add_unique(entry(rs, dst), "risks", src);
    } else if (strcmp(src_type, "requirement") == 0) {
        add_unique(entry(rs, dst), "requirements", src);
    } else if (strcmp(src_type, "action") == 0) {
        /* a treatment action implementing the control: its risks count */
        const char *risks = json_string_value(json_object_get(rs->action_risks, src));
        if (risks) {
            char *copy = xstrdup(risks);
            char *save_tok = NULL;
            for (char *tok = strtok_r(copy, ",", &save_tok); tok;
                 tok = strtok_r(NULL, ",", &save_tok)) {
                add_unique(entry(rs, dst), "risks", tok);
            }
            free(copy);
        }
    }
    return 0;
}

static int load_reasons(struct app *a, struct reasons *rs, struct err *e)
{
    rs->by_control = json_object();
    rs->req_kind = json_object();
    rs->action_risks = json_object();
    struct records reqs = {0}, acts = {0};
    struct query q = {0};
    int rc = -1;
    if (store_list(a->st, &a->who, rtype_find("requirement"), &q, records_add, &reqs, e) ||
        store_list(a->st, &a->who, rtype_find("action"), &q, records_add, &acts, e)) {
        goto done;
    }
    for (size_t i = 0; i < reqs.n; i++) {
        json_object_set_new(rs->req_kind, reqs.v[i]->ref,
                            json_string(record_get(reqs.v[i], "kind")));
    }
    for (size_t i = 0; i < acts.n; i++) {
        const char *risks = record_get(acts.v[i], "risks");
        const char *st = record_get(acts.v[i], FIELD_STATUS);
        if (risks && strcmp(st, "cancelled") != 0) {
            json_object_set_new(rs->action_risks, acts.v[i]->ref, json_string(risks));
        }
    }
    rc = store_link_rows(a->st, &a->who, "controls", "control", on_link, rs, e);
done:
    records_free(&reqs);
    records_free(&acts);
    return rc;
}

static void free_reasons(struct reasons *rs)
{
    json_decref(rs->by_control);
    json_decref(rs->req_kind);
    json_decref(rs->action_risks);
}

/* ---- the typed SoA and its one JSON writer ------------------------------------ */

static void strlist_add(struct strlist *l, const char *v)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 4;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = xstrdup(v);
}

char *strlist_join(const struct strlist *l, size_t max)
{
    struct buf b;
    buf_init(&b, 0);
    size_t n = max && max < l->n ? max : l->n;
    for (size_t i = 0; i < n; i++) {
        buf_printf(&b, "%s%s", i ? ", " : "", l->v[i]);
    }
    if (n < l->n) {
        buf_printf(&b, " and %zu more", l->n - n);
    }
    return buf_take(&b);
}

static void strlist_free(struct strlist *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i]);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

static char *dup_opt(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

static struct soa_row *soa_add(struct soa *s)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->v = xrealloc(s->v, s->cap * sizeof *s->v);
    }
    struct soa_row *r = &s->v[s->n++];
    memset(r, 0, sizeof *r);
    return r;
}

void soa_free(struct soa *s)
{
    for (size_t i = 0; i < s->n; i++) {
        struct soa_row *r = &s->v[i];
        free(r->id);
        free(r->framework);
        free(r->title);
        free(r->theme);
        free(r->justification);
        free(r->status);
        free(r->implementation);
        free(r->owner);
        strlist_free(&r->categories);
        strlist_free(&r->risks);
        strlist_free(&r->requirements);
        strlist_free(&r->documents);
    }
    free(s->v);
    memset(s, 0, sizeof *s);
}

static void row_from_record(struct soa_row *row, const struct record *c, struct reasons *rs)
{
    row->id = xstrdup(c->ref);
    row->framework = dup_opt(record_get(c, "framework"));
    row->title = dup_opt(record_get(c, "title"));
    row->theme = dup_opt(record_get(c, "theme"));
    const char *ap = record_get(c, "applicable");
    row->applicable = ap ? strcmp(ap, "1") == 0 : -1;
    json_t *re = json_object_get(rs->by_control, c->ref);
    json_t *risks = re ? json_object_get(re, "risks") : NULL;
    json_t *reqs = re ? json_object_get(re, "requirements") : NULL;
    if (risks && json_array_size(risks)) {
        strlist_add(&row->categories, "risk treatment");
    }
    static const char *const kinds[] = {"legal", "regulatory", "contractual", "business", "other"};
    for (int k = 0; k < 5; k++) {
        size_t i;
        json_t *x;
        int has = 0;
        json_array_foreach(reqs, i, x) {
            const char *kind = json_string_value(json_object_get(rs->req_kind, json_string_value(x)));
            has |= kind && strcmp(kind, kinds[k]) == 0;
        }
        if (has) {
            strlist_add(&row->categories, kinds[k]);
        }
    }
    size_t i;
    json_t *x;
    json_array_foreach(risks, i, x) {
        strlist_add(&row->risks, json_string_value(x));
    }
    json_array_foreach(reqs, i, x) {
        strlist_add(&row->requirements, json_string_value(x));
    }
    row->justification = dup_opt(record_get(c, "justification"));
    row->status = dup_opt(record_get(c, FIELD_STATUS));
    row->implementation = dup_opt(record_get(c, "implementation"));
    const char *docs = record_get(c, "documents");
    for (const char *p = docs; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        char *one = xmalloc(n + 1);
        memcpy(one, p, n);
        one[n] = 0;
        strlist_add(&row->documents, one);
        free(one);
        p += n + (comma != NULL);
    }
    row->owner = dup_opt(record_get(c, FIELD_OWNER));
}

static void strlist_json(struct jw *w, const struct strlist *l)
{
    jw_arr(w);
    for (size_t i = 0; i < l->n; i++) {
        jw_str(w, l->v[i]);
    }
    jw_arr_end(w);
}

/* One row, in the order and form approved versions were hashed in. */
static void row_json(struct jw *w, const struct soa_row *r)
{
    jw_obj(w);
    jw_key(w, "id");
    jw_str(w, r->id);
    jw_key(w, "framework");
    jw_str(w, r->framework);
    jw_key(w, "title");
    jw_str(w, r->title);
    jw_key(w, "theme");
    jw_str(w, r->theme);
    jw_key(w, "applicable");
    if (r->applicable < 0) {
        jw_null(w);
    } else {
        jw_bool(w, r->applicable);
    }
    jw_key(w, "reasons");
    jw_obj(w);
    jw_key(w, "categories");
    strlist_json(w, &r->categories);
    jw_key(w, "risks");
    strlist_json(w, &r->risks);
    jw_key(w, "requirements");
    strlist_json(w, &r->requirements);
    jw_obj_end(w);
    jw_key(w, "justification");
    jw_str(w, r->justification);
    jw_key(w, "status");
    jw_str(w, r->status);
    jw_key(w, "implementation");
    jw_str(w, r->implementation);
    jw_key(w, "documents");
    strlist_json(w, &r->documents);
    jw_key(w, "owner");
    jw_str(w, r->owner);
    jw_obj_end(w);
}

void soa_row_json(const struct soa_row *r, struct buf *out)
{
    struct jw w;
    jw_init(&w, out, 0);
    row_json(&w, r);
}

void soa_json(const struct soa *s, struct buf *out)
{
    struct jw w;
    jw_init(&w, out, 0);
    jw_arr(&w);
    for (size_t i = 0; i < s->n; i++) {
        row_json(&w, &s->v[i]);
    }
    jw_arr_end(&w);
}

void soa_sha256(const struct soa *s, char out[65])
{
    struct buf b;
    buf_init(&b, 0);
    soa_json(s, &b);
    sha256_hex(b.p, b.len, out);
    buf_free(&b);
}

static char *js_dup(json_t *o, const char *k)
{
    return dup_opt(json_string_value(json_object_get(o, k)));
}

static void strlist_from(struct strlist *l, json_t *arr)
{
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x) {
        if (json_is_string(x)) {
            strlist_add(l, json_string_value(x));
        }
    }
}

int soa_parse(const char *text, struct soa *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    json_t *rows = json_loads(text ? text : "", 0, NULL);
    if (!json_is_array(rows)) {
        json_decref(rows);
        return err_set(e, ERR_STORAGE, NULL, "a frozen SoA version is not a JSON array of rows");
    }
    size_t i;
    json_t *o;
    json_array_foreach(rows, i, o) {
        struct soa_row *r = soa_add(out);
        r->id = js_dup(o, "id");
        r->framework = js_dup(o, "framework");
        r->title = js_dup(o, "title");
        r->theme = js_dup(o, "theme");
        json_t *ap = json_object_get(o, "applicable");
        r->applicable = json_is_boolean(ap) ? json_is_true(ap) : -1;
        json_t *re = json_object_get(o, "reasons");
        strlist_from(&r->categories, json_object_get(re, "categories"));
        strlist_from(&r->risks, json_object_get(re, "risks"));
        strlist_from(&r->requirements, json_object_get(re, "requirements"));
        r->justification = js_dup(o, "justification");
        r->status = js_dup(o, "status");
        r->implementation = js_dup(o, "implementation");
        strlist_from(&r->documents, json_object_get(o, "documents"));
        r->owner = js_dup(o, "owner");
        if (!r->id) {
            r->id = xstrdup("?");
        }
    }
    json_decref(rows);
    return 0;
}

void soa_counts(const struct soa *s, struct soa_counts *c)
{
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < s->n; i++) {
        const struct soa_row *r = &s->v[i];
        c->controls++;
        c->applicable += r->applicable == 1;
        c->excluded += r->applicable == 0;
        c->undecided += r->applicable < 0;
        c->implemented += r->applicable == 1 && r->status && strcmp(r->status, "implemented") == 0;
    }
}

/* Controls of the framework plus the organization's own, in order. */
static int soa_controls(struct app *a, const char *framework, struct records *out, struct err *e)
{
    const struct rtype *t = rtype_find("control");
    const char *fws[2] = {framework, FRAMEWORK_CUSTOM};
    for (int k = 0; k < 2; k++) {
        struct query q = {0};
        q.nfilter = 1;
        q.filter_field[0] = rtype_field(t, "framework", NULL);
        q.filter_value[0] = fws[k];
        if (store_list(a->st, &a->who, t, &q, records_add, out, e)) {
            return -1;
        }
    }
    return 0;
}

int app_soa(struct app *a, const char *framework, struct soa *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    if (valid_framework(framework, e)) {
        return -1;
    }
    struct records cs = {0};
    struct reasons rs = {0};
    int rc = -1;
    if (soa_controls(a, framework, &cs, e) || load_reasons(a, &rs, e)) {
        goto done;
    }
    snprintf(out->framework, sizeof out->framework, "%s", framework);
    for (size_t i = 0; i < cs.n; i++) {
        row_from_record(soa_add(out), cs.v[i], &rs);
    }
    rc = 0;
done:
    records_free(&cs);
    free_reasons(&rs);
    if (rc) {
        soa_free(out);
    }
    return rc;
}

int app_soa_set(struct app *a, const char *control, const struct kv *kv, int n, int *changed,
                struct err *e)
{
    static const char *const allowed[] = {"applicable", "justification", FIELD_STATUS,
                                          FIELD_OWNER, "implementation", "documents", NULL};
    const struct rtype *t = rtype_find("control");
    for (int k = 0; k < n; k++) {
        const struct field *f = rtype_field(t, kv[k].name, NULL);
        int ok = 0;
        for (int i = 0; f && allowed[i]; i++) {
            ok |= strcmp(allowed[i], f->name) == 0;
        }
        if (!ok) {
            return err_set(e, ERR_INVALID, kv[k].name,
                           "%.60s: soa set changes applicable, justification, status, owner, "
                           "implementation and documents (use `isms control edit` for others)",
                           kv[k].name);
        }
    }
    if (rtype_of_ref(control) != t) {
        return err_set(e, ERR_INVALID, NULL, "'%.40s' is not a control identifier (5.1, A.5.1.1, C-0001)",
                       control);
    }
    return app_record_edit(a, t, control, kv, n, changed, e);
}

int app_soa_approve_tx(struct app *a, const char *framework, const char *note,
                       const char *on_behalf_of, const char *evidence, int *version,
                       int *existing, struct err *e)
{
    char *content = NULL;
    size_t ncontrols = 0;
    int rc = -1;
    *existing = 0;
    if (valid_framework(framework, e)) {
        return -1;
    }
    if (note && (!utf8_valid(note, strlen(note)) || utf8_chars(note) > 2000)) {
        return err_set(e, ERR_INVALID, "note", "note: at most 2000 characters of valid text");
    }
    /* refuse early (before building the SoA) whoever cannot sign it */
    if (str_empty(on_behalf_of) && app_capacity_check(a, CAP_TOP_MANAGEMENT, NULL, e)) {
        return -1;
    }
    struct soa soa;
    if (app_soa(a, framework, &soa, e)) {
        goto done;
    }
    struct buf cb;
    buf_init(&cb, 0);
    soa_json(&soa, &cb);
    content = buf_take(&cb);
    ncontrols = soa.n;
    struct buf undecided;
    buf_init(&undecided, 0);
    int nund = 0;
    for (size_t i = 0; i < soa.n; i++) {
        if (soa.v[i].applicable < 0 && nund++ < 8) {
            buf_printf(&undecided, "%s%s", nund > 1 ? ", " : "", soa.v[i].id);
        }
    }
    /* people: an applicable control needs an owner (5.3) before approval */
    struct buf unowned;
    buf_init(&unowned, 0);
    int nown = 0;
    for (size_t i = 0; i < soa.n; i++) {
        if (soa.v[i].applicable == 1 && str_empty(soa.v[i].owner) && nown++ < 8) {
            buf_printf(&unowned, "%s%s", nown > 1 ? ", " : "", soa.v[i].id);
        }
    }
    soa_free(&soa);
    if (!nund && nown) {
        err_set(e, ERR_CONFLICT, "owner",
                "%d applicable controls have no owner (%s%s); name one with `isms soa set ID "
                "--owner P-...` (isms owners --missing lists them)",
                nown, buf_str(&unowned), nown > 8 ? ", ..." : "");
    }
    buf_free(&unowned);
    if (!nund && nown) {
        buf_free(&undecided);
        goto done;
    }
    if (nund) {
        err_set(e, ERR_CONFLICT, "applicable",
                "%d controls have no applicability decision yet (%s%s); decide each with `isms "
                "soa set ID --applicable yes|no --justification TEXT`",
                nund, buf_str(&undecided), nund > 8 ? ", ..." : "");
        buf_free(&undecided);
        goto done;
    }
    buf_free(&undecided);

    /* the same content as the latest version is that version again */
    int number = 0, same = 0;
    if (app_version_freeze_tx(a, "soa", framework, content, "approved", note, 1, &number, &same,
                              e)) {
        goto done;
    }
    char hash[65];
    sha256_hex(content, strlen(content), hash);
    struct buf det;
    struct jw w;
    buf_init(&det, 0);
    jw_init(&w, &det, 0);
    jw_obj(&w);
    jw_key(&w, "version");
    jw_int(&w, number);
    jw_key(&w, "framework");
    jw_str(&w, framework);
    jw_key(&w, "controls");
    jw_int(&w, (int64_t)ncontrols);
    jw_key(&w, "sha256");
    jw_str(&w, hash);
    jw_obj_end(&w);
    struct signoff_req q = {"soa", framework, number, "approval", CAP_TOP_MANAGEMENT, note, 0,
                            hash, buf_str(&det), on_behalf_of, evidence};
    long id;
    int signed_before = 0;
    int src = app_signoff_tx(a, &q, &id, &signed_before, e);
    buf_free(&det);
    if (src) {
        goto done;
    }
    *existing = same && signed_before;
    *version = number;
    rc = 0;
done:
    free(content);
    return rc;
}

int app_soa_approve(struct app *a, const char *framework, const char *note,
                    const char *on_behalf_of, const char *evidence, int *version, int *existing,
                    struct err *e)
{
    IN_TRANSACTION(a, e, app_soa_approve_tx(a, framework, note, on_behalf_of, evidence, version,
                                            existing, e));
}

/* ---- transition 2013 -> 2022 ------------------------------------------- */

static int status_rank(const char *s)
{
    static const char *const order[] = {"not-started", "planned", "partial", "implemented", NULL};
    for (int i = 0; s && order[i]; i++) {
        if (strcmp(order[i], s) == 0) {
            return i;
        }
    }
    return 0;
}

struct counterpart_list {
    char *v[16];
    int n;
};

static int add_counterpart(void *ctx, const char *ref)
{
    struct counterpart_list *l = ctx;
    if (l->n < 16) {
        l->v[l->n++] = xstrdup(ref);
    }
    return 0;
}

/* Merges comma lists into b without duplicates. */
static void merge_list(struct buf *b, const char *list)
{
    if (!list) {
        return;
    }
    char *copy = xstrdup(list);
    char *save_tok = NULL;
    for (char *tok = strtok_r(copy, ",", &save_tok); tok;
         tok = strtok_r(NULL, ",", &save_tok)) {
        char pat[64];
        snprintf(pat, sizeof pat, ",%s,", tok);
        struct buf probe;
        buf_init(&probe, 0);
        buf_printf(&probe, ",%s,", buf_str(b));
        if (!strstr(buf_str(&probe), pat)) {
            buf_printf(b, "%s%s", b->len ? "," : "", tok);
        }
        buf_free(&probe);
    }
    free(copy);
}

/* Carries the 2013 decisions of one 2022 control's counterparts onto it,
 * appending a line to rep. Frees everything it allocates on every path. */
static int transition_one(struct app *a, const struct rtype *t, struct record *c, struct buf *rep,
                          int *need_decision, int *moved, int *skipped, struct err *e)
{
    static const char *const st[] = {"not-started", "planned", "partial", "implemented"};
    struct counterpart_list cp = {0};
    struct record *olds[16] = {0};
    struct buf just, impl, docs, from, jtext;
    buf_init(&just, 0);
    buf_init(&impl, 0);
    buf_init(&docs, 0);
    buf_init(&from, 0);
    buf_init(&jtext, 0);
    int rc = -1;
    if (store_control_counterparts(a->st, c->ref, add_counterpart, &cp, e)) {
        goto out;
    }
    if (cp.n == 0) {
        buf_printf(rep, "%-6s %s: new in 2022, needs a decision\n", c->ref,
                   record_get(c, "title"));
        (*need_decision)++;
        rc = 0;
        goto out;
    }
    if (record_get(c, "applicable")) {
        buf_printf(rep, "%-6s already decided, left as it is\n", c->ref);
        (*skipped)++;
        rc = 0;
        goto out;
    }
    int any_app = 0, any_decided = 0, rank = 4;
    const char *owner = NULL;
    struct buf undecided;
    buf_init(&undecided, 0);
    for (int k = 0; k < cp.n; k++) {
        if (store_get(a->st, principal_sys(), t, cp.v[k], &olds[k], e)) {
            buf_free(&undecided);
            goto out;
        }
        struct record *o = olds[k];
        const char *ap = record_get(o, "applicable");
        buf_printf(&from, "%s%s", k ? ", " : "", o->ref);
        if (!ap) {
            buf_printf(&undecided, "%s%s", undecided.len ? ", " : "", o->ref);
            continue;
        }
        any_decided = 1;
        const char *j = record_get(o, "justification");
        if (j) {
            buf_printf(&just, "%s%s: %s", just.len ? "\n" : "", o->ref, j);
        }
        if (strcmp(ap, "1") == 0) {
            any_app = 1;
            int r = status_rank(record_get(o, FIELD_STATUS));
            rank = r < rank ? r : rank;
            if (!owner) {
                owner = record_get(o, FIELD_OWNER);
            }
            const char *im = record_get(o, "implementation");
            if (im) {
                buf_printf(&impl, "%s%s: %s", impl.len ? "\n" : "", o->ref, im);
            }
            merge_list(&docs, record_get(o, "documents"));
        }
    }
    if (!any_decided) {
        buf_printf(rep, "%-6s <- %s: no decision in 2013, needs a decision\n", c->ref,
                   buf_str(&from));
        (*need_decision)++;
        buf_free(&undecided);
        rc = 0;
        goto out;
    }
    if (undecided.len) {
        /* a partial picture is no decision: carrying it over could mark
         * the control implemented on the strength of half its sources */
        buf_printf(rep, "%-6s <- %s: %s not decided in 2013, needs a decision\n", c->ref,
                   buf_str(&from), buf_str(&undecided));
        (*need_decision)++;
        buf_free(&undecided);
        rc = 0;
        goto out;
    }
    buf_free(&undecided);
    buf_printf(&jtext, "Carried over from ISO/IEC 27001:2013 %s.%s%s", buf_str(&from),
               just.len ? "\n" : "", buf_str(&just));
    struct kv kv[6];
    int n = 0;
    /* a justification already written for the 2022 control is kept */
    int kept = !str_empty(record_get(c, "justification"));
    kv[n++] = (struct kv){"applicable", any_app ? "yes" : "no"};
    if (!kept) {
        kv[n++] = (struct kv){"justification", buf_str(&jtext)};
    }
    if (any_app) {
        kv[n++] = (struct kv){FIELD_STATUS, st[rank > 3 ? 0 : rank]};
        if (owner) {
            kv[n++] = (struct kv){FIELD_OWNER, owner};
        }
        if (impl.len) {
            kv[n++] = (struct kv){"implementation", buf_str(&impl)};
        }
        if (docs.len) {
            kv[n++] = (struct kv){"documents", buf_str(&docs)};
        }
    }
    int changed = 0;
    if (app_edit_tx(a, t, c->ref, kv, n, 0, &changed, e)) {
        goto out;
    }
    buf_printf(rep, "%-6s <- %s: %s%s%s\n", c->ref, buf_str(&from),
               any_app ? "applicable, " : "not applicable", any_app ? st[rank > 3 ? 0 : rank] : "",
               kept ? " (its own justification kept)" : "");
    (*moved)++;
    rc = 0;
out:
    for (int k = 0; k < cp.n; k++) {
        free(cp.v[k]);
        record_free(olds[k]);
    }
    buf_free(&just);
    buf_free(&impl);
    buf_free(&docs);
    buf_free(&from);
    buf_free(&jtext);
    return rc;
}

int app_soa_transition(struct app *a, int dry_run, char **report, int *need_decision,
                       struct err *e)
{
    const struct rtype *t = rtype_find("control");
    struct records c22 = {0};
    struct buf rep;
    buf_init(&rep, 0);
    *report = NULL;
    *need_decision = 0;
    int rc = -1, moved = 0, skipped = 0, decided13 = 0;
    if (store_begin(a->st, e)) {
        return -1;
    }
    struct query q = {0};
    q.nfilter = 1;
    q.filter_field[0] = rtype_field(t, "framework", NULL);
    q.filter_value[0] = FRAMEWORK_2013;
    struct records c13 = {0};
    if (store_list(a->st, principal_sys(), t, &q, records_add, &c13, e)) {
        records_free(&c13);
        goto done;
    }
    for (size_t i = 0; i < c13.n; i++) {
        decided13 += record_get(c13.v[i], "applicable") != NULL;
    }
    records_free(&c13);
    if (!decided13) {
        err_set(e, ERR_CONFLICT, NULL,
                "the 2013 Statement of Applicability has no decisions to carry over; record "
                "them with `isms soa set A.x.y.z ...` first");
        goto done;
    }
    q.filter_value[0] = FRAMEWORK_2022;
    if (store_list(a->st, principal_sys(), t, &q, records_add, &c22, e)) {
        goto done;
    }
    for (size_t i = 0; i < c22.n; i++) {
        if (transition_one(a, t, c22.v[i], &rep, need_decision, &moved, &skipped, e)) {
            goto done;
        }
    }
    buf_printf(&rep, "\n%d controls carried over, %d already decided, %d need a decision%s\n",
               moved, skipped, *need_decision, dry_run ? " (dry run: nothing was changed)" : "");
    rc = 0;
done:
    records_free(&c22);
    if (rc || dry_run) {
        store_rollback(a->st);
        if (rc) {
            buf_free(&rep);
            return -1;
        }
    } else if (store_commit(a->st, e)) {
        buf_free(&rep);
        return -1;
    }
    *report = buf_take(&rep);
    return 0;
}

/* ---- diff between approved versions ----------------------------------- */

static int grab_content(void *ctx, const struct soa_version_row *v)
{
    *(char **)ctx = xstrdup(v->content);
    return 0;
}

int app_soa_diff(struct app *a, int from, int to, struct vdiff *out, struct err *e)
{
    char *ca = NULL, *cb = NULL;
    memset(out, 0, sizeof *out);
    if (from < 1 || to < 1) {
        return err_set(e, ERR_USAGE, NULL, "give two version numbers (isms soa diff N M)");
    }
    if (store_soa_version_get(a->st, &a->who, from, NULL, NULL, grab_content, &ca, e) ||
        store_soa_version_get(a->st, &a->who, to, NULL, NULL, grab_content, &cb, e)) {
        free(ca);
        return -1;
    }
    /* rows matched by id, as every version diff */
    version_diff(ca, cb, out);
    free(ca);
    free(cb);
    return 0;
}
