/* page_form.c — the add/edit forms of every type, generated from the
 * declarations, and their submission to app_record_add/app_record_edit. Reads
 * only declared non-system fields; validates nothing itself (the app decides). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/text.h"
#include "../lib/util.h"
#include "../model/method.h"
#include "web.h"

/* A reference field lists its targets in a select up to this many active
 * records; above, a text box with a datalist of the first DATALIST_MAX. */
#define SELECT_MAX 500
#define DATALIST_MAX 1000

/* ---- which fields a form offers -------------------------------------------- */

static int is_catalogue_record(const struct record *cur)
{
    const char *fw =
        cur && strcmp(cur->type->name, "control") == 0 ? record_get(cur, "framework") : NULL;
    return fw && strcmp(fw, FRAMEWORK_CUSTOM) != 0;
}

/* 1: editable; 0: not shown; -1: shown read-only (catalogue). A record of a
 * shipped catalogue keeps its catalogue fields; an enumerated catalogue
 * field (the framework) is fixed to its default for records made here. */
static int offered(const struct field *f, const struct record *cur)
{
    if (f->flags & FL_SYSTEM) {
        return 0;
    }
    if (f->flags & FL_CATALOGUE) {
        if (is_catalogue_record(cur)) {
            return -1;
        }
        if (f->type == F_ENUM && f->def) {
            return -1;
        }
    }
    return 1;
}

/* Per-CIA consequence fields mean nothing under a method with one
 * consequence scale: they are left out unless they hold a value. */
static int hidden_rating(struct req *r, const struct rtype *t, const struct field *f, const char *v)
{
    if (strcmp(t->name, "risk") != 0 || strncmp(f->name, "consequence_", 12) != 0 || v) {
        return 0;
    }
    return web_rating_scale(r, t, f) == NULL;
}

/* ---- targets of reference fields, loaded once per type --------------------- */

struct targets {
    const struct rtype *t;
    struct records recs;
    long count;
    int readable;
};

struct form_ctx {
    struct req *r;
    struct targets tg[12];
    int ntg;
};

/* Records named by a name (people, assets, suppliers) are found by it;
 * the others (risks, controls, documents) by their identifier. */
static int by_name(const void *pa, const void *pb)
{
    const struct record *a = *(const struct record *const *)pa;
    const struct record *b = *(const struct record *const *)pb;
    const char *x = record_get(a, "name"), *y = record_get(b, "name");
    int c = strcasecmp_(x ? x : "", y ? y : "");
    return c ? c : natcmp(a->ref, b->ref);
}

static int by_ref(const void *pa, const void *pb)
{
    const struct record *a = *(const struct record *const *)pa;
    const struct record *b = *(const struct record *const *)pb;
    return natcmp(a->ref, b->ref);
}

static struct targets *targets(struct form_ctx *c, const struct rtype *t)
{
    for (int i = 0; i < c->ntg; i++) {
        if (c->tg[i].t == t) {
            return &c->tg[i];
        }
    }
    if (c->ntg == (int)(sizeof c->tg / sizeof c->tg[0])) {
        return NULL;
    }
    struct targets *tg = &c->tg[c->ntg++];
    memset(tg, 0, sizeof *tg);
    tg->t = t;
    /* a viewer who may not read the type gets a plain text box: the form
     * must not become a way to list records they cannot see */
    tg->readable = perm_allows(c->r->role, PERM_READ, t, -1) && c->r->role != ROLE_STAFF;
    if (!tg->readable) {
        return tg;
    }
    struct err e = {0};
    tg->count = store_count(c->r->app->st, &c->r->app->who, t, 0, &e);
    struct query q = {0};
    q.limit = tg->count > SELECT_MAX ? DATALIST_MAX : SELECT_MAX;
    store_list(c->r->app->st, &c->r->app->who, t, &q, records_add, &tg->recs, &e);
    if (tg->recs.n > 1) {
        int named = t->title_field && strcmp(t->title_field, "name") == 0;
        qsort(tg->recs.v, tg->recs.n, sizeof *tg->recs.v, named ? by_name : by_ref);
    }
    return tg;
}

static void form_ctx_free(struct form_ctx *c)
{
    for (int i = 0; i < c->ntg; i++) {
        records_free(&c->tg[i].recs);
    }
}

/* ---- values to show in an input ------------------------------------------- */

/* Is item one of the comma-separated items of list? */
static int has_item(const char *list, const char *item)
{
    if (!list || !item || !*item) {
        return 0;
    }
    size_t n = strlen(item);
    for (const char *p = list; (p = strstr(p, item)) != NULL; p += n) {
        if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0')) {
            return 1;
        }
    }
    return 0;
}

/* All values a form sent for name, joined with commas (repeated fields:
 * checkboxes, multi-selects), empty ones left out. NULL when the form did
 * not have the field at all. Caller frees. */
static char *form_joined(const struct kvlist *form, const char *name)
{
    int seen = 0;
    struct buf b;
    buf_init(&b, 0);
    for (int i = 0; i < form->n; i++) {
        if (strcmp(form->kv[i].name, name) != 0) {
            continue;
        }
        seen = 1;
        if (!form->kv[i].value[0]) {
            continue;
        }
        if (b.len) {
            buf_putc(&b, ',');
        }
        buf_puts(&b, form->kv[i].value);
    }
    if (!seen) {
        buf_free(&b);
        return NULL;
    }
    char *s = buf_take(&b);
    return s ? s : xstrdup("");
}

/* The value to put in an input of field f, as typed or from the record:
 * booleans as yes/no, datetimes as the datetime-local input wants them. */
static char *input_value(const struct field *f, const char *canon)
{
    if (!canon) {
        return NULL;
    }
    if (f->type == F_BOOL) {
        return xstrdup(strcmp(canon, "1") == 0 ? "yes" : strcmp(canon, "0") == 0 ? "no" : canon);
    }
    if (f->type == F_DATETIME && strlen(canon) == 20 && canon[19] == 'Z') {
        /* "2026-01-31T10:00:00Z" -> "2026-01-31T10:00" (seconds kept when not 0) */
        int secs = strncmp(canon + 17, "00", 2) != 0;
        return xstrndup(canon, secs ? 19 : 16);
    }
    return xstrdup(canon);
}

/* ---- rendering ------------------------------------------------------------- */

static void attr_name_id(struct buf *b, const struct field *f)
{
    html_lit(b, " id=\"f-");
    html_attr(b, f->name);
    html_lit(b, "\" name=\"");
    html_attr(b, f->name);
    html_lit(b, "\"");
}

static void aria(struct buf *b, const struct field *f, int invalid, int has_hint)
{
    if (f->flags & FL_REQUIRED) {
        html_lit(b, " required");
    }
    if (invalid) {
        html_lit(b, " aria-invalid=\"true\"");
    }
    if (invalid || has_hint) {
        html_lit(b, " aria-describedby=\"");
        if (invalid) {
            html_lit(b, "err-");
            html_attr(b, f->name);
            html_lit(b, " ");
        }
        if (has_hint) {
            html_lit(b, "hint-");
            html_attr(b, f->name);
        }
        html_lit(b, "\"");
    }
}

static void opt(struct buf *b, const char *value, const char *label, int selected)
{
    html_lit(b, "<option value=\"");
    html_attr(b, value);
    html_lit_if(b, selected, "\" selected>", "\">");
    html_text(b, label);
    html_lit(b, "</option>");
}

static void ref_option(struct buf *b, const struct record *rec, int selected)
{
    const char *title = rec->type->title_field ? record_get(rec, rec->type->title_field) : NULL;
    char label[300];
    snprintf(label, sizeof label, "%s%s%.200s", rec->ref, title ? " — " : "", title ? title : "");
    opt(b, rec->ref, label, selected);
}

/* The hint under a field: what it takes. Writes nothing when obvious. */
static int hint(struct form_ctx *c, const struct rtype *t, const struct field *f, struct buf *b)
{
    struct req *r = c->r;
    struct buf h;
    buf_init(&h, 0);
    if (f->help) {
        buf_puts(&h, f->help);
    }
    const struct scale *sc = web_rating_scale(r, t, f);
    if (sc) {
        /* the scale is in the select's options */
    } else if (f->type == F_INT) {
        buf_printf(&h, "%sA whole number from %ld to %ld.", h.len ? " " : "", f->min, f->max);
    } else if (f->type == F_DATETIME) {
        buf_printf(&h, "%sDate and time in UTC.", h.len ? " " : "");
    } else if (f->type == F_REFS) {
        const struct rtype *rt = rtype_find(f->ref);
        struct targets *tg = targets(c, rt);
        if (tg && tg->readable && tg->count <= SELECT_MAX) {
            buf_printf(&h, "%sSeveral may be chosen (Ctrl or ⌘ and click).", h.len ? " " : "");
        } else {
            buf_printf(&h, "%sIdentifiers separated by commas, e.g. %s-0001, %s-0002.",
                       h.len ? " " : "", rt->prefix, rt->prefix);
        }
    }
    if (!h.len) {
        buf_free(&h);
        return 0;
    }
    html_lit(b, "<p class=\"hint\" id=\"hint-");
    html_attr(b, f->name);
    html_lit(b, "\">");
    html_text(b, buf_str(&h));
    html_lit(b, "</p>");
    buf_free(&h);
    return 1;
}

static void field_input(struct form_ctx *c, struct buf *b, const struct rtype *t,
                        const struct field *f, const char *val, int invalid, int has_hint)
{
    struct req *r = c->r;
    const struct scale *sc = web_rating_scale(r, t, f);
    switch (f->type) {
    case F_LONGTEXT:
        html_lit(b, "<textarea");
        attr_name_id(b, f);
        html_lit(b, " rows=\"");
        html_int(b, f->max > 20000 ? 14 : 4);
        html_lit(b, "\" maxlength=\"");
        html_int(b, f->max);
        html_lit(b, "\"");
        aria(b, f, invalid, has_hint);
        html_lit(b, ">");
        html_text(b, val);
        html_lit(b, "</textarea>");
        return;
    case F_INT:
        if (sc) {
            html_lit(b, "<select");
            attr_name_id(b, f);
            aria(b, f, invalid, has_hint);
            html_lit(b, "><option value=\"\">not rated</option>");
            int found = !val || !*val;
            for (int k = 0; k < sc->n; k++) {
                char num[16], label[200];
                snprintf(num, sizeof num, "%d", k + 1);
                snprintf(label, sizeof label, "%d — %s%s%.120s%s", k + 1, sc->lv[k].label,
                         sc->lv[k].anchor ? " (" : "", sc->lv[k].anchor ? sc->lv[k].anchor : "",
                         sc->lv[k].anchor ? ")" : "");
                int sel = val && strcmp(val, num) == 0;
                found |= sel;
                opt(b, num, label, sel);
            }
            if (!found) {
                opt(b, val, val, 1);
            }
            html_lit(b, "</select>");
            return;
        }
        html_lit(b, "<input type=\"number\" step=\"1\"");
        attr_name_id(b, f);
        html_lit(b, " min=\"");
        html_int(b, f->min);
        html_lit(b, "\" max=\"");
        html_int(b, f->max);
        html_lit(b, "\" value=\"");
        html_attr(b, val);
        html_lit(b, "\"");
        aria(b, f, invalid, has_hint);
        html_lit(b, ">");
        return;
    case F_NUMBER:
        html_lit(b, "<input inputmode=\"decimal\"");
        attr_name_id(b, f);
        html_lit(b, " maxlength=\"40\" value=\"");
        html_attr(b, val);
        html_lit(b, "\"");
        aria(b, f, invalid, has_hint);
        html_lit(b, ">");
        return;
    case F_DATE:
    case F_DATETIME:
        html_lit_if(b, f->type == F_DATE, "<input type=\"date\"", "<input type=\"datetime-local\"");
        attr_name_id(b, f);
        if (f->type == F_DATETIME && val && strlen(val) > 16) {
            html_lit(b, " step=\"1\"");
        }
        html_lit(b, " value=\"");
        html_attr(b, val);
        html_lit(b, "\"");
        aria(b, f, invalid, has_hint);
        html_lit(b, ">");
        return;
    case F_BOOL:
    case F_ENUM: {
        html_lit(b, "<select");
        attr_name_id(b, f);
        aria(b, f, invalid, has_hint);
        html_lit(b, ">");
        int found = !val || !*val;
        if (!(f->flags & FL_REQUIRED) || !val || !*val) {
            opt(b, "", f->type == F_BOOL ? "not decided" : "—", !val || !*val);
        }
        static const char *const yesno[] = {"yes", "no", NULL};
        const char *const *vals = f->type == F_BOOL ? yesno : f->values;
        for (int k = 0; vals[k]; k++) {
            int sel = val && strcmp(val, vals[k]) == 0;
            found |= sel;
            opt(b, vals[k], vals[k], sel);
        }
        if (!found) {
            opt(b, val, val, 1);
        }
        html_lit(b, "</select>");
        return;
    }
    case F_SET:
        /* the hidden empty value makes "none checked" a value the form sends */
        html_lit(b, "<input type=\"hidden\" name=\"");
        html_attr(b, f->name);
        html_lit(b, "\" value=\"\"><span class=\"checks\" id=\"f-");
        html_attr(b, f->name);
        html_lit(b, "\">");
        for (int k = 0; f->values[k]; k++) {
            html_lit(b, "<label class=\"check\"><input type=\"checkbox\" name=\"");
            html_attr(b, f->name);
            html_lit(b, "\" value=\"");
            html_attr(b, f->values[k]);
            html_lit(b, "\"");
            if (has_item(val, f->values[k])) {
                html_lit(b, " checked");
            }
            html_lit(b, "> ");
            html_text(b, f->values[k]);
            html_lit(b, "</label>");
        }
        html_lit(b, "</span>");
        return;
    case F_REF:
    case F_REFS: {
        struct targets *tg = targets(c, rtype_find(f->ref));
        int multi = f->type == F_REFS;
        if (tg && tg->readable && tg->count <= SELECT_MAX) {
            if (multi) {
                html_lit(b, "<input type=\"hidden\" name=\"");
                html_attr(b, f->name);
                html_lit(b, "\" value=\"\">");
            }
            html_lit_if(b, multi, "<select multiple size=\"8\"", "<select");
            attr_name_id(b, f);
            aria(b, f, invalid, has_hint);
            html_lit(b, ">");
            if (!multi) {
                opt(b, "", "—", !val || !*val);
            }
            /* a multi-select lists what is chosen first, so it is seen */
            for (int pass = multi ? 0 : 1; pass < 2; pass++) {
                for (size_t k = 0; k < tg->recs.n; k++) {
                    int sel = multi ? has_item(val, tg->recs.v[k]->ref)
                                    : val && !strcmp(val, tg->recs.v[k]->ref);
                    if (!multi || sel == (pass == 0)) {
                        ref_option(b, tg->recs.v[k], sel);
                    }
                }
            }
            /* a value no longer among the active records stays visible */
            if (val && *val) {
                char *copy = xstrdup(val);
                for (char *save = NULL, *tok = strtok_r(copy, ", ", &save); tok;
                     tok = strtok_r(NULL, ", ", &save)) {
                    int known = 0;
                    for (size_t k = 0; k < tg->recs.n && !known; k++) {
                        known = strcmp(tg->recs.v[k]->ref, tok) == 0;
                    }
                    if (!known) {
                        opt(b, tok, tok, 1);
                    }
                }
                free(copy);
            }
            html_lit(b, "</select>");
            return;
        }
        html_lit(b, "<input");
        attr_name_id(b, f);
        html_lit_if(b, multi, " maxlength=\"16000\"", " maxlength=\"32\"");
        if (tg && tg->readable) {
            html_lit(b, " list=\"dl-");
            html_attr(b, f->name);
            html_lit(b, "\"");
        }
        html_lit(b, " autocomplete=\"off\" placeholder=\"");
        html_attr(b, rtype_find(f->ref)->prefix);
        html_lit_if(b, multi, "-0001, …\" value=\"", "-0001\" value=\"");
        html_attr(b, val);
        html_lit(b, "\"");
        aria(b, f, invalid, has_hint);
        html_lit(b, ">");
        if (tg && tg->readable) {
            html_lit(b, "<datalist id=\"dl-");
            html_attr(b, f->name);
            html_lit(b, "\">");
            for (size_t k = 0; k < tg->recs.n; k++) {
                ref_option(b, tg->recs.v[k], 0);
            }
            html_lit(b, "</datalist>");
        }
        return;
    }
    case F_EMAIL:
    case F_TEXT:
        html_lit_if(b, f->type == F_EMAIL, "<input type=\"email\"", "<input");
        attr_name_id(b, f);
        html_lit(b, " maxlength=\"");
        html_int(b, f->max ? f->max : 200);
        html_lit(b, "\" value=\"");
        html_attr(b, val);
        html_lit(b, "\"");
        aria(b, f, invalid, has_hint);
        html_lit(b, ">");
        return;
    }
}

/* The default a new record's form shows for f. */
static const char *new_default(struct req *r, const struct field *f)
{
    if (f->def) {
        return f->def;
    }
    if (strcmp(f->name, FIELD_STATUS) == 0 && f->values) {
        return f->values[0];
    }
    if (f->type == F_REF && strcmp(f->ref, "person") == 0 && r->auth.person[0] &&
        (strcmp(f->name, "reported_by") == 0 ||
         (strcmp(f->name, FIELD_OWNER) == 0 && r->role != ROLE_STAFF))) {
        return r->auth.person;
    }
    return NULL;
}

/* The whole form page. cur: the record being edited (NULL: new). typed:
 * show the submitted values (after a refusal) instead of the record's. */
static void form_page(struct req *r, struct resp *w, const struct record *cur, int typed,
                      const struct err *e)
{
    const struct rtype *t = r->type;
    char plural[80], head[300], path[80];
    web_plural_label(t, plural, sizeof plural);
    const char *title = cur && t->title_field ? record_get(cur, t->title_field) : NULL;
    if (cur) {
        snprintf(head, sizeof head, "Edit %s %.200s", cur->ref, title ? title : "");
    } else {
        snprintf(head, sizeof head, "New %s", t->label);
        if (head[4] >= 'A' && head[4] <= 'Z') {
            head[4] = (char)(head[4] - 'A' + 'a'); /* "New risk" */
        }
    }
    snprintf(path, sizeof path, "/%s", t->plural);
    struct form_ctx c = {0};
    c.r = r;
    struct buf b;
    buf_init(&b, 0);
    page_begin(r, &b, head);
    web_crumbs(r, &b, path, plural, cur ? cur->ref : "New");
    html_lit(&b, "<h1>");
    html_text(&b, head);
    html_lit(&b, "</h1>");
    if (e) {
        html_lit(&b, "<div class=\"error-box\" role=\"alert\" id=\"form-error\"><strong>Not "
                     "saved.</strong> ");
        html_text(&b, e->msg);
        if (e->field[0] && rtype_field(t, e->field, NULL)) {
            html_lit(&b, " <a href=\"#f-");
            html_attr(&b, rtype_field(t, e->field, NULL)->name);
            html_lit(&b, "\">Go to the field</a>");
        }
        html_lit(&b, " Nothing was written.</div>");
    }
    html_lit(&b, "<p class=\"muted\">Fields marked <span class=\"req\">required</span> must be "
                 "filled in. An empty field is left unset.</p><form method=\"post\" "
                 "class=\"record-form\" action=\"");
    if (cur) {
        web_ref_href(r, &b, cur->ref);
    } else {
        href(r, &b, path);
    }
    html_lit(&b, "\">");
    csrf_field(r, &b);
    for (int i = 0; i < t->nfields; i++) {
        const struct field *f = &t->fields[i];
        int off = offered(f, cur);
        if (!off) {
            continue;
        }
        char *val = NULL;
        if (typed && off > 0) {
            val = form_joined(&r->form, f->name);
        } else {
            val = input_value(f, cur ? cur->v[i] : new_default(r, f));
        }
        if (off > 0 && hidden_rating(r, t, f, val && *val ? val : NULL)) {
            free(val);
            continue;
        }
        const struct field *ef = e && e->field[0] ? rtype_field(t, e->field, NULL) : NULL;
        int invalid = ef == f;
        html_lit_if(&b, invalid, "<div class=\"fld invalid\">", "<div class=\"fld\">");
        if (off < 0) {
            html_lit(&b, "<span class=\"lbl\">");
            html_text(&b, f->label);
            html_lit(&b, "</span><div class=\"fixed\">");
            web_value(r, &b, cur, f, cur ? cur->v[i] : f->def);
            html_lit(&b, " <span class=\"muted\">(fixed by the catalogue)</span></div></div>");
            free(val);
            continue;
        }
        if (f->type == F_SET) {
            html_lit(&b, "<fieldset><legend>");
        } else {
            html_lit(&b, "<label for=\"f-");
            html_attr(&b, f->name);
            html_lit(&b, "\">");
        }
        html_text(&b, f->label);
        if (f->flags & FL_REQUIRED) {
            html_lit(&b, " <span class=\"req\">required</span>");
        }
        html_lit_if(&b, f->type == F_SET, "</legend>", "</label>");
        if (invalid) {
            html_lit(&b, "<p class=\"field-error\" id=\"err-");
            html_attr(&b, f->name);
            html_lit(&b, "\">");
            html_text(&b, e->msg);
            html_lit(&b, "</p>");
        }
        struct buf hb;
        buf_init(&hb, 0);
        int has_hint = hint(&c, t, f, &hb);
        field_input(&c, &b, t, f, val, invalid, has_hint);
        buf_append(&b, hb.p ? hb.p : "", hb.len);
        buf_free(&hb);
        html_lit_if(&b, f->type == F_SET, "</fieldset></div>", "</div>");
        free(val);
    }
    html_lit(&b, "<div class=\"form-actions\"><button type=\"submit\">");
    html_text(&b, cur ? "Save changes" : "Create");
    html_lit(&b, "</button> <a href=\"");
    if (cur) {
        web_ref_href(r, &b, cur->ref);
    } else {
        href(r, &b, path);
    }
    html_lit(&b, "\">Cancel</a></div></form>");
    page_end(r, &b);
    form_ctx_free(&c);
    page_send(w, &b, e ? err_http_status(e->code) : 200);
}

/* GET /:type/new — the empty form with the defaults of a new record. */
int page_new(struct req *r, struct resp *w)
{
    form_page(r, w, NULL, 0, NULL);
    return 0;
}

/* GET /:type/:id/edit — the form filled from r->rec (409 when retired). */
int page_edit(struct req *r, struct resp *w)
{
    if (record_get(r->rec, FIELD_RETIRED)) {
        struct err e = {0};
        err_set(&e, ERR_CONFLICT, NULL, "%s %s is retired; it can no longer be changed",
                r->type->name, r->rec->ref);
        resp_error(r, w, &e);
        return 0;
    }
    form_page(r, w, r->rec, 0, NULL);
    return 0;
}

/* ---- submission ------------------------------------------------------------ */

struct submitted {
    struct kv kv[128];
    char *owned[128];
    int n;
};

/* Collects the offered fields from the form. On edit (cur), only fields
 * whose value differs from the record's are kept, so an untouched field
 * that refers to a since-retired record does not block other changes. */
static void collect(struct req *r, const struct record *cur, struct submitted *s)
{
    const struct rtype *t = r->type;
    memset(s, 0, sizeof *s);
    for (int i = 0; i < t->nfields && s->n < 128; i++) {
        const struct field *f = &t->fields[i];
        if (offered(f, cur) <= 0) {
            continue;
        }
        char *v = form_joined(&r->form, f->name);
        if (!v) {
            continue; /* not in the form: left as it is */
        }
        if (!cur && !*v) {
            free(v); /* new: an empty field keeps its default */
            continue;
        }
        if (cur) {
            char *norm = NULL;
            struct err e = {0};
            if (field_normalize(f, v, &norm, &e) == 0 &&
                ((!norm && !cur->v[i]) || (norm && cur->v[i] && strcmp(norm, cur->v[i]) == 0))) {
                free(norm);
                free(v);
                continue;
            }
            free(norm);
        }
        s->owned[s->n] = v;
        s->kv[s->n] = (struct kv){f->name, v};
        s->n++;
    }
}

static void submitted_free(struct submitted *s)
{
    for (int i = 0; i < s->n; i++) {
        free(s->owned[i]);
    }
}

static void redirect_record(struct req *r, struct resp *w, const char *ref, const char *done)
{
    struct buf to;
    buf_init(&to, 0);
    const struct rtype *t = rtype_of_ref(ref);
    buf_printf(&to, "/%s/", t ? t->plural : r->type->plural);
    for (const char *p = ref; *p; p++) {
        /* identifiers are letters, digits, '-' and '.'; encode anything else */
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '.') {
            buf_putc(&to, *p);
        } else {
            buf_printf(&to, "%%%02X", (unsigned char)*p);
        }
    }
    buf_printf(&to, "?done=%s", done);
    resp_redirect(r, w, buf_str(&to));
    buf_free(&to);
}

/* POST /:type — adds a record from the form (untrusted); 303 to it, or the form
 * again (422 etc.) with the message beside its field and the typed values. */
int page_create(struct req *r, struct resp *w)
{
    struct submitted s;
    collect(r, NULL, &s);
    struct err e = {0};
    char *ref = NULL;
    int rc = app_record_add(r->app, r->type, s.kv, s.n, &ref, &e);
    submitted_free(&s);
    if (rc) {
        form_page(r, w, NULL, 1, &e);
        return 0;
    }
    /* a record the viewer cannot see afterwards (staff: an incident reported
     * in someone else's name) is confirmed on the list instead */
    struct record *rec = NULL;
    if (app_record_get(r->app, r->type, ref, &rec, &e) == 0) {
        redirect_record(r, w, ref, "created");
    } else {
        struct buf to;
        buf_init(&to, 0);
        buf_printf(&to, "/%s?done=created", r->type->plural);
        resp_redirect(r, w, buf_str(&to));
        buf_free(&to);
    }
    record_free(rec);
    free(ref);
    return 0;
}

/* POST /:type/:id — changes the fields whose submitted value differs from
 * r->rec; 303 to the record, or the form again as for page_create. */
int page_update(struct req *r, struct resp *w)
{
    struct submitted s;
    collect(r, r->rec, &s);
    if (s.n == 0) {
        redirect_record(r, w, r->rec->ref, "unchanged");
        return 0;
    }
    struct err e = {0};
    int changed = 0;
    int rc = app_record_edit(r->app, r->type, r->rec->ref, s.kv, s.n, &changed, &e);
    submitted_free(&s);
    if (rc) {
        form_page(r, w, r->rec, 1, &e);
        return 0;
    }
    redirect_record(r, w, r->rec->ref, changed ? "saved" : "unchanged");
    return 0;
}
