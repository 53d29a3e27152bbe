/* review.c — management review (9.3): the review pack compiled from the
 * records for the period since the previous review, as a typed structure
 * with one JSON writer; frozen at the meeting as a version (kind
 * "review-pack"); the minutes signed by top management (kind
 * "review-minutes"); review actions (type raction) and their task source.
 * The pack reads as a principal (every read takes one, store.h): as a->who
 * when it is shown (app_review_pack), as the system when it is frozen or
 * the minutes are signed — what is frozen and signed is the record of the
 * meeting, the same whoever presses the button (the router lets only
 * roles that read every review row freeze or sign). */
#include "review.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/hash.h"
#include "../lib/json.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "../model/method.h"
#include "app_int.h"
#include "tasks.h"

#define PACK_ITEMS_MAX 100 /* items listed per section; the rest are counted */

/* ---- the structure ---------------------------------------------------------- */

static struct pack_section *sec_add(struct review_pack *p, const char *key, const char *title,
                                    const char *clause)
{
    if (p->nsec == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 12;
        p->sec = xrealloc(p->sec, p->cap * sizeof *p->sec);
    }
    struct pack_section *s = &p->sec[p->nsec++];
    memset(s, 0, sizeof *s);
    s->key = xstrdup(key);
    s->title = xstrdup(title);
    s->clause = xstrdup(clause);
    return s;
}

static void fig_add(struct pack_section *s, const char *label, long long v)
{
    if (s->nfig == s->capfig) {
        s->capfig = s->capfig ? s->capfig * 2 : 8;
        s->fig = xrealloc(s->fig, s->capfig * sizeof *s->fig);
    }
    s->fig[s->nfig].label = xstrdup(label);
    s->fig[s->nfig].value = v;
    s->nfig++;
}

static const char *nz(const char *s)
{
    return s ? s : "";
}

/* Adds an item (or counts it in more beyond PACK_ITEMS_MAX unless force). */
static void item_add(struct pack_section *s, const char *id, const char *title,
                     const char *status, const char *owner, const char *date, const char *detail,
                     const char *link)
{
    if (s->n >= PACK_ITEMS_MAX) {
        s->more++;
        return;
    }
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->items = xrealloc(s->items, s->cap * sizeof *s->items);
    }
    struct pack_item *it = &s->items[s->n++];
    it->id = xstrdup(nz(id));
    it->title = xstrdup(nz(title));
    it->status = xstrdup(nz(status));
    it->owner = xstrdup(nz(owner));
    it->date = xstrdup(nz(date));
    it->detail = xstrdup(nz(detail));
    it->link = xstrdup(nz(link));
}

void review_pack_free(struct review_pack *p)
{
    for (size_t i = 0; i < p->nsec; i++) {
        struct pack_section *s = &p->sec[i];
        for (size_t j = 0; j < s->nfig; j++) {
            free(s->fig[j].label);
        }
        for (size_t j = 0; j < s->n; j++) {
            struct pack_item *it = &s->items[j];
            free(it->id);
            free(it->title);
            free(it->status);
            free(it->owner);
            free(it->date);
            free(it->detail);
            free(it->link);
        }
        free(s->fig);
        free(s->items);
        free(s->key);
        free(s->title);
        free(s->clause);
    }
    free(p->sec);
    free(p->review);
    free(p->title);
    free(p->previous);
    free(p->from);
    free(p->to);
    memset(p, 0, sizeof *p);
}

const struct pack_section *review_pack_section(const struct review_pack *p, const char *key)
{
    for (size_t i = 0; i < p->nsec; i++) {
        if (strcmp(p->sec[i].key, key) == 0) {
            return &p->sec[i];
        }
    }
    return NULL;
}

/* ---- the one JSON writer and the reader of frozen versions ------------------ */

void review_pack_json(const struct review_pack *p, struct buf *out)
{
    struct jw w;
    jw_init(&w, out, 0);
    review_pack_write(&w, p);
}

void review_pack_write(struct jw *wp, const struct review_pack *p)
{
#define w (*wp)
    jw_obj(&w);
    jw_key(&w, "review");
    jw_str(&w, p->review);
    jw_key(&w, "title");
    jw_str(&w, p->title);
    jw_key(&w, "previous");
    jw_str(&w, p->previous);
    jw_key(&w, "from");
    jw_str(&w, p->from);
    jw_key(&w, "to");
    jw_str(&w, p->to);
    jw_key(&w, "sections");
    jw_arr(&w);
    for (size_t i = 0; i < p->nsec; i++) {
        const struct pack_section *s = &p->sec[i];
        jw_obj(&w);
        jw_key(&w, "id");
        jw_str(&w, s->key);
        jw_key(&w, "title");
        jw_str(&w, s->title);
        jw_key(&w, "clause");
        jw_str(&w, s->clause);
        jw_key(&w, "figures");
        jw_arr(&w);
        for (size_t j = 0; j < s->nfig; j++) {
            jw_obj(&w);
            jw_key(&w, "label");
            jw_str(&w, s->fig[j].label);
            jw_key(&w, "value");
            jw_int(&w, s->fig[j].value);
            jw_obj_end(&w);
        }
        jw_arr_end(&w);
        jw_key(&w, "items");
        jw_arr(&w);
        for (size_t j = 0; j < s->n; j++) {
            const struct pack_item *it = &s->items[j];
            jw_obj(&w);
            jw_key(&w, "id");
            jw_str(&w, it->id);
            jw_key(&w, "title");
            jw_str(&w, it->title);
            jw_key(&w, "status");
            jw_str(&w, it->status);
            jw_key(&w, "owner");
            jw_str(&w, it->owner);
            jw_key(&w, "date");
            jw_str(&w, it->date);
            jw_key(&w, "detail");
            jw_str(&w, it->detail);
            jw_key(&w, "link");
            jw_str(&w, it->link);
            jw_obj_end(&w);
        }
        jw_arr_end(&w);
        jw_key(&w, "more");
        jw_int(&w, s->more);
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
    jw_obj_end(&w);
#undef w
}

static char *jstr(json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));
    return xstrdup(v ? v : "");
}

int review_pack_parse(const char *text, struct review_pack *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    json_t *j = json_loads(text, 0, NULL);
    json_t *secs = json_object_get(j, "sections");
    if (!json_is_object(j) || !json_is_array(secs)) {
        json_decref(j);
        return err_set(e, ERR_CONFLICT, NULL, "the frozen review pack is not a review pack");
    }
    out->review = jstr(j, "review");
    out->title = jstr(j, "title");
    out->previous = jstr(j, "previous");
    out->from = jstr(j, "from");
    out->to = jstr(j, "to");
    size_t i;
    json_t *js;
    json_array_foreach(secs, i, js) {
        char *k = jstr(js, "id"), *t = jstr(js, "title"), *c = jstr(js, "clause");
        struct pack_section *s = sec_add(out, k, t, c);
        free(k);
        free(t);
        free(c);
        size_t x;
        json_t *jf;
        json_array_foreach(json_object_get(js, "figures"), x, jf) {
            char *l = jstr(jf, "label");
            fig_add(s, l, (long long)json_integer_value(json_object_get(jf, "value")));
            free(l);
        }
        json_t *ji;
        json_array_foreach(json_object_get(js, "items"), x, ji) {
            const char *keys[] = {"id", "title", "status", "owner", "date", "detail", "link"};
            const char *v[7];
            for (int q = 0; q < 7; q++) {
                v[q] = json_string_value(json_object_get(ji, keys[q]));
            }
            if (s->n == s->cap) {
                s->cap = s->cap ? s->cap * 2 : 16;
                s->items = xrealloc(s->items, s->cap * sizeof *s->items);
            }
            struct pack_item *it = &s->items[s->n++];
            it->id = xstrdup(nz(v[0]));
            it->title = xstrdup(nz(v[1]));
            it->status = xstrdup(nz(v[2]));
            it->owner = xstrdup(nz(v[3]));
            it->date = xstrdup(nz(v[4]));
            it->detail = xstrdup(nz(v[5]));
            it->link = xstrdup(nz(v[6]));
        }
        s->more = (long long)json_integer_value(json_object_get(js, "more"));
    }
    json_decref(j);
    return 0;
}

/* ---- the differences between two packs -------------------------------------- */

static void change_add(struct pack_diff *d, const char *section, const char *id,
                       const char *change, const char *field, const char *from, const char *to)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->v = xrealloc(d->v, d->cap * sizeof *d->v);
    }
    struct pack_change *c = &d->v[d->n++];
    c->section = xstrdup(section);
    c->id = xstrdup(id);
    c->change = xstrdup(change);
    c->field = xstrdup(field);
    c->from = xstrdup(from);
    c->to = xstrdup(to);
}

void pack_diff_free(struct pack_diff *d)
{
    for (size_t i = 0; i < d->n; i++) {
        struct pack_change *c = &d->v[i];
        free(c->section);
        free(c->id);
        free(c->change);
        free(c->field);
        free(c->from);
        free(c->to);
    }
    free(d->v);
    memset(d, 0, sizeof *d);
}

static const struct pack_item *item_find(const struct pack_section *s, const char *id)
{
    for (size_t i = 0; s && i < s->n; i++) {
        if (strcmp(s->items[i].id, id) == 0) {
            return &s->items[i];
        }
    }
    return NULL;
}

static const struct pack_figure *fig_find(const struct pack_section *s, const char *label)
{
    for (size_t i = 0; s && i < s->nfig; i++) {
        if (strcmp(s->fig[i].label, label) == 0) {
            return &s->fig[i];
        }
    }
    return NULL;
}

static void diff_items(struct pack_diff *d, const char *key, const struct pack_item *a,
                       const struct pack_item *b)
{
    const char *names[] = {"title", "status", "owner", "date", "detail"};
    const char *va[] = {a->title, a->status, a->owner, a->date, a->detail};
    const char *vb[] = {b->title, b->status, b->owner, b->date, b->detail};
    for (int i = 0; i < 5; i++) {
        if (strcmp(va[i], vb[i]) != 0) {
            change_add(d, key, a->id, "changed", names[i], va[i], vb[i]);
        }
    }
}

void review_pack_diff(const struct review_pack *was, const struct review_pack *now,
                      struct pack_diff *out)
{
    memset(out, 0, sizeof *out);
    if (strcmp(was->from, now->from) != 0) {
        change_add(out, "", "", "changed", "from", was->from, now->from);
    }
    if (strcmp(was->to, now->to) != 0) {
        change_add(out, "", "", "changed", "to", was->to, now->to);
    }
    for (size_t i = 0; i < now->nsec; i++) {
        const struct pack_section *sb = &now->sec[i];
        const struct pack_section *sa = review_pack_section(was, sb->key);
        char va[24], vb[24];
        for (size_t j = 0; j < sb->nfig; j++) {
            const struct pack_figure *fa = fig_find(sa, sb->fig[j].label);
            if (!fa || fa->value != sb->fig[j].value) {
                snprintf(va, sizeof va, "%lld", fa ? fa->value : 0);
                snprintf(vb, sizeof vb, "%lld", sb->fig[j].value);
                change_add(out, sb->key, "", fa ? "changed" : "added", sb->fig[j].label,
                           fa ? va : "", vb);
            }
        }
        for (size_t j = 0; j < sb->n; j++) {
            const struct pack_item *ia = item_find(sa, sb->items[j].id);
            if (!ia) {
                change_add(out, sb->key, sb->items[j].id, "added", "", "",
                           sb->items[j].title);
            } else {
                diff_items(out, sb->key, ia, &sb->items[j]);
            }
        }
        for (size_t j = 0; sa && j < sa->n; j++) {
            if (!item_find(sb, sa->items[j].id)) {
                change_add(out, sb->key, sa->items[j].id, "removed", "", sa->items[j].title, "");
            }
        }
    }
}

void pack_diff_json(const struct pack_diff *d, struct buf *out)
{
    struct jw w;
    jw_init(&w, out, 0);
    jw_arr(&w);
    for (size_t i = 0; i < d->n; i++) {
        const struct pack_change *c = &d->v[i];
        jw_obj(&w);
        jw_key(&w, "section");
        jw_str(&w, c->section);
        jw_key(&w, "id");
        jw_str(&w, c->id);
        jw_key(&w, "change");
        jw_str(&w, c->change);
        jw_key(&w, "field");
        jw_str(&w, c->field);
        jw_key(&w, "from");
        jw_str(&w, c->from);
        jw_key(&w, "to");
        jw_str(&w, c->to);
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
}

/* ---- reading the records ------------------------------------------------------ */

/* Whether who may read type t (the router's read permission; the system
 * reads everything): a section it may not read is left out, not refused.
 * Its rows are the store's business (store_list applies the row rule). */
static int can_read(const struct principal *who, const struct rtype *t)
{
    return principal_is_system(who) ||
           (perm_allows(who->role, PERM_READ, t, -1) && perm_rows(who, t).kind != ROWS_NONE);
}

static int list_all(struct app *a, const struct principal *who, const char *type,
                    const char *const *columns, struct records *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    const struct rtype *t = rtype_find(type);
    if (!can_read(who, t)) {
        return 0;
    }
    struct query q = {0};
    q.columns = columns;
    return store_list(a->st, who, t, &q, records_add, out, e);
}

/* In the period (from, to]: dates compare as text. */
static int in_period(const struct review_pack *p, const char *date)
{
    if (str_empty(date)) {
        return 0;
    }
    char d[11];
    strlcpy_(d, date, sizeof d);
    return (!p->from[0] || strcmp(d, p->from) > 0) && strcmp(d, p->to) <= 0;
}

static int is_status(const struct record *r, const char *list)
{
    const char *s = record_get(r, FIELD_STATUS);
    return s && list_has(list, s);
}

static void link_of(const struct rtype *t, const char *ref, char *out, size_t n)
{
    snprintf(out, n, "/%s/%s", t->plural, ref);
}

static void rec_item(struct pack_section *s, const struct record *r, const char *title_field,
                     const char *date_field, const char *detail)
{
    char link[160];
    link_of(r->type, r->ref, link, sizeof link);
    item_add(s, r->ref, record_get(r, title_field), record_get(r, FIELD_STATUS),
             record_get(r, FIELD_OWNER), date_field ? record_get(r, date_field) : NULL, detail,
             link);
}

/* The date a review stands at: held, else planned, else NULL. */
static const char *review_date(const struct record *r)
{
    const char *d = record_get(r, "held_on");
    return d ? d : record_get(r, "planned_on");
}

/* ---- the sections --------------------------------------------------------------- */

/* a) actions of earlier reviews: every one not already closed before the
 * period began */
static int sec_previous_actions(struct app *a, const struct principal *who, struct review_pack *p, const struct records *revs,
                                struct err *e)
{
    struct pack_section *s = sec_add(p, "previous-actions",
                                     "Status of actions from previous reviews", "9.3.2 a");
    struct records l;
    if (list_all(a, who, "raction", NULL, &l, e)) {
        return -1;
    }
    long long total = 0, open = 0, done = 0, overdue = 0, cancelled = 0;
    for (size_t i = 0; i < l.n; i++) {
        const struct record *r = l.v[i];
        const char *rv = record_get(r, "agreed_at");
        if (!rv || strcmp(rv, p->review) == 0) {
            continue;
        }
        /* of a review before this one */
        const char *rd = NULL;
        for (size_t k = 0; k < revs->n; k++) {
            if (strcmp(revs->v[k]->ref, rv) == 0) {
                rd = review_date(revs->v[k]);
            }
        }
        if (rd && strcmp(rd, p->to) > 0) {
            continue;
        }
        int closed = is_status(r, "done,cancelled");
        const char *when = record_get(r, "completed_on");
        if (closed && p->from[0] && when && strcmp(when, p->from) <= 0) {
            continue; /* reported on by an earlier pack */
        }
        total++;
        const char *due = record_get(r, "due_date");
        int late = !closed && due && strcmp(due, p->to) < 0;
        open += !closed;
        overdue += late;
        done += is_status(r, "done");
        cancelled += is_status(r, "cancelled");
        char detail[120];
        snprintf(detail, sizeof detail, "agreed at %s%s", rv, late ? "; overdue" : "");
        rec_item(s, r, "title", "due_date", detail);
    }
    records_free(&l);
    fig_add(s, "Actions reported on", total);
    fig_add(s, "Done", done);
    fig_add(s, "Open", open);
    fig_add(s, "Overdue", overdue);
    fig_add(s, "Cancelled", cancelled);
    return 0;
}

/* b, c) changes in issues and interested parties' needs: the history of
 * issues, interested parties and requirements in the period */
struct changes {
    const struct review_pack *p;
    char **ref;
    char **action;
    char **at;
    char **type;
    size_t n, cap;
};

static int on_change(void *ctx, const struct history_entry *h)
{
    struct changes *c = ctx;
    if (!in_period(c->p, h->at)) {
        return 0;
    }
    for (size_t i = 0; i < c->n; i++) {
        if (strcmp(c->ref[i], h->ref) == 0) {
            /* keep the first action that says most: a create stays a create */
            if (strcmp(c->action[i], "create") != 0) {
                free(c->action[i]);
                c->action[i] = xstrdup(h->action);
            }
            free(c->at[i]);
            c->at[i] = xstrndup(h->at, 10);
            return 0;
        }
    }
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 16;
        c->ref = xrealloc(c->ref, c->cap * sizeof *c->ref);
        c->action = xrealloc(c->action, c->cap * sizeof *c->action);
        c->at = xrealloc(c->at, c->cap * sizeof *c->at);
        c->type = xrealloc(c->type, c->cap * sizeof *c->type);
    }
    c->ref[c->n] = xstrdup(h->ref);
    c->action[c->n] = xstrdup(h->action);
    c->at[c->n] = xstrndup(h->at, 10);
    c->type[c->n] = xstrdup(h->type);
    c->n++;
    return 0;
}

static int sec_context(struct app *a, const struct principal *who, struct review_pack *p, struct err *e)
{
    struct pack_section *s = sec_add(p, "context-changes",
                                     "Changes in external and internal issues and in interested "
                                     "parties' needs and expectations",
                                     "9.3.2 b, c");
    struct changes c = {p, NULL, NULL, NULL, NULL, 0, 0};
    const struct rtype *ti = rtype_find("issue"), *tp = rtype_find("party"),
                       *tr = rtype_find("requirement");
    int rc = 0;
    if (can_read(who, ti) && can_read(who, tp)) {
        rc = store_history_of_types(a->st, who, "issue", "party", on_change, &c, e);
    }
    if (rc == 0 && can_read(who, tr)) {
        rc = store_history_of_types(a->st, who, "requirement", "requirement", on_change, &c, e);
    }
    long long n[3][2] = {{0}}; /* issue/party/requirement x added/changed */
    for (size_t i = 0; rc == 0 && i < c.n; i++) {
        const struct rtype *t = rtype_find(c.type[i]);
        int k = t == ti ? 0 : t == tp ? 1 : 2;
        int added = strcmp(c.action[i], "create") == 0;
        n[k][added ? 0 : 1]++;
        struct record *r = NULL;
        struct err ge = {0};
        const char *status = added ? "added" : strcmp(c.action[i], "retire") == 0 ? "retired"
                                                                                   : "changed";
        char link[160];
        link_of(t, c.ref[i], link, sizeof link);
        if (store_get(a->st, who, t, c.ref[i], &r, &ge) == 0) {
            item_add(s, c.ref[i], record_get(r, t->title_field), status,
                     record_get(r, FIELD_OWNER), c.at[i], t->label, link);
            record_free(r);
        }
    }
    for (size_t i = 0; i < c.n; i++) {
        free(c.ref[i]);
        free(c.action[i]);
        free(c.at[i]);
        free(c.type[i]);
    }
    free(c.ref);
    free(c.action);
    free(c.at);
    free(c.type);
    fig_add(s, "Issues added", n[0][0]);
    fig_add(s, "Issues changed", n[0][1]);
    fig_add(s, "Interested parties added", n[1][0]);
    fig_add(s, "Interested parties changed", n[1][1]);
    fig_add(s, "Requirements added", n[2][0]);
    fig_add(s, "Requirements changed", n[2][1]);
    return rc;
}

/* d 1) nonconformities and corrective actions */
static int sec_nonconformities(struct app *a, const struct principal *who, struct review_pack *p, struct err *e)
{
    struct pack_section *s = sec_add(p, "nonconformities",
                                     "Nonconformities and corrective actions", "9.3.2 d 1");
    struct records l, ca;
    if (list_all(a, who, "nonconformity", NULL, &l, e)) {
        return -1;
    }
    if (list_all(a, who, "corrective", NULL, &ca, e)) {
        records_free(&l);
        return -1;
    }
    long long raised = 0, open = 0, closed = 0, overdue = 0, major = 0;
    for (size_t i = 0; i < l.n; i++) {
        const struct record *r = l.v[i];
        int is_closed = is_status(r, "closed");
        int new = in_period(p, record_get(r, "detected_on"));
        int closed_now = is_closed && in_period(p, record_get(r, "closed_on"));
        if (!new && is_closed && !closed_now) {
            continue;
        }
        raised += new;
        open += !is_closed;
        closed += closed_now;
        const char *due = record_get(r, "due_date");
        int late = !is_closed && due && strcmp(due, p->to) < 0;
        overdue += late;
        const char *sev = record_get(r, "severity");
        major += sev && strcmp(sev, "major") == 0;
        char detail[160];
        snprintf(detail, sizeof detail, "%s%s%s%s", nz(record_get(r, "source")),
                 sev ? ", " : "", nz(sev), late ? "; overdue" : "");
        rec_item(s, r, "title", "detected_on", detail);
    }
    long long ca_open = 0, ca_done = 0, ca_late = 0;
    for (size_t i = 0; i < ca.n; i++) {
        const struct record *r = ca.v[i];
        int fin = is_status(r, "done,verified,cancelled");
        ca_open += !fin;
        ca_done += fin && in_period(p, record_get(r, "completed_on"));
        const char *due = record_get(r, "due_date");
        ca_late += !fin && due && strcmp(due, p->to) < 0;
    }
    fig_add(s, "Raised in the period", raised);
    fig_add(s, "Open", open);
    fig_add(s, "Closed in the period", closed);
    fig_add(s, "Overdue", overdue);
    fig_add(s, "Major", major);
    fig_add(s, "Corrective actions open", ca_open);
    fig_add(s, "Corrective actions completed in the period", ca_done);
    fig_add(s, "Corrective actions overdue", ca_late);
    records_free(&l);
    records_free(&ca);
    return 0;
}

/* d 2) monitoring and measurement: each metric's measurements in the
 * period, the latest against its target */
static int sec_monitoring(struct app *a, const struct principal *who, struct review_pack *p, struct err *e)
{
    struct pack_section *s = sec_add(p, "monitoring", "Monitoring and measurement results",
                                     "9.3.2 d 2");
    struct records m, v;
    if (list_all(a, who, "metric", NULL, &m, e)) {
        return -1;
    }
    if (list_all(a, who, "measurement", NULL, &v, e)) {
        records_free(&m);
        return -1;
    }
    long long measured = 0, off = 0, unmeasured = 0, count = 0;
    for (size_t i = 0; i < m.n; i++) {
        const struct record *r = m.v[i];
        if (!is_status(r, "active")) {
            continue;
        }
        const char *latest = NULL, *when = NULL;
        long long n = 0;
        for (size_t k = 0; k < v.n; k++) {
            const char *mm = record_get(v.v[k], "metric");
            const char *d = record_get(v.v[k], "measured_on");
            if (mm && strcmp(mm, r->ref) == 0 && in_period(p, d)) {
                n++;
                if (!when || strcmp(d, when) >= 0) {
                    when = d;
                    latest = record_get(v.v[k], "value");
                }
            }
        }
        count += n;
        char detail[200];
        const char *target = record_get(r, "target");
        const char *dir = record_get(r, "direction");
        const char *verdict = "";
        if (latest && target) {
            double x = 0, t = 0;
            number_parse(latest, &x);
            number_parse(target, &t);
            int ok = dir && strcmp(dir, "lower") == 0 ? x <= t : x >= t;
            verdict = ok ? "on target" : "off target";
            off += !ok;
        }
        if (latest) {
            measured++;
            snprintf(detail, sizeof detail, "%lld measurement%s; latest %s%s%s (target %s) %s", n,
                     n == 1 ? "" : "s", latest, record_get(r, "unit") ? " " : "",
                     nz(record_get(r, "unit")), target ? target : "none", verdict);
        } else {
            unmeasured++;
            snprintf(detail, sizeof detail, "not measured in the period");
        }
        char link[160];
        link_of(r->type, r->ref, link, sizeof link);
        item_add(s, r->ref, record_get(r, "name"), latest ? verdict : "not measured",
                 record_get(r, FIELD_OWNER), when, detail, link);
    }
    fig_add(s, "Metrics", (long long)(measured + unmeasured));
    fig_add(s, "Measured in the period", measured);
    fig_add(s, "Off target", off);
    fig_add(s, "Not measured", unmeasured);
    fig_add(s, "Measurements in the period", count);
    records_free(&m);
    records_free(&v);
    return 0;
}

/* d 3) audit results: audits performed in the period, their findings, and
 * the certification body's nonconformities raised in it */
static int sec_audits(struct app *a, const struct principal *who, struct review_pack *p, struct err *e)
{
    struct pack_section *s = sec_add(p, "audits", "Audit results", "9.3.2 d 3");
    struct records au, fi, cn;
    if (list_all(a, who, "audit", NULL, &au, e)) {
        return -1;
    }
    if (list_all(a, who, "finding", NULL, &fi, e)) {
        records_free(&au);
        return -1;
    }
    if (list_all(a, who, "cnc", NULL, &cn, e)) {
        records_free(&au);
        records_free(&fi);
        return -1;
    }
    static const char *const kinds[] = {"major-nonconformity", "minor-nonconformity",
                                        "observation", "opportunity", "conforming"};
    long long performed = 0, byk[5] = {0}, ext = 0, ext_open = 0;
    for (size_t i = 0; i < au.n; i++) {
        const struct record *r = au.v[i];
        if (!in_period(p, record_get(r, "performed_on"))) {
            continue;
        }
        performed++;
        long long k5[5] = {0};
        for (size_t k = 0; k < fi.n; k++) {
            const char *fa = record_get(fi.v[k], "audit");
            const char *fk = record_get(fi.v[k], "kind");
            if (fa && fk && strcmp(fa, r->ref) == 0) {
                for (int q = 0; q < 5; q++) {
                    if (strcmp(fk, kinds[q]) == 0) {
                        k5[q]++;
                        byk[q]++;
                    }
                }
            }
        }
        char detail[200];
        snprintf(detail, sizeof detail, "%s: %lld major, %lld minor, %lld observations, %lld "
                 "opportunities", nz(record_get(r, "kind")), k5[0], k5[1], k5[2], k5[3]);
        rec_item(s, r, "title", "performed_on", detail);
    }
    for (size_t i = 0; i < cn.n; i++) {
        const struct record *r = cn.v[i];
        int open = !is_status(r, "closed");
        if (!in_period(p, record_get(r, "raised_on")) && !open) {
            continue;
        }
        ext++;
        ext_open += open;
        char detail[160];
        snprintf(detail, sizeof detail, "certification body, %s; close by %s",
                 nz(record_get(r, "grade")), nz(record_get(r, "close_by")));
        rec_item(s, r, "title", "raised_on", detail);
    }
    fig_add(s, "Audits performed in the period", performed);
    fig_add(s, "Major nonconformities", byk[0]);
    fig_add(s, "Minor nonconformities", byk[1]);
    fig_add(s, "Observations", byk[2]);
    fig_add(s, "Opportunities for improvement", byk[3]);
    fig_add(s, "Certification body nonconformities", ext);
    fig_add(s, "Certification body nonconformities open", ext_open);
    records_free(&au);
    records_free(&fi);
    records_free(&cn);
    return 0;
}

/* d 4) fulfilment of objectives */
static int sec_objectives(struct app *a, const struct principal *who, struct review_pack *p, struct err *e)
{
    struct pack_section *s = sec_add(p, "objectives", "Fulfilment of information security "
                                     "objectives", "9.3.2 d 4");
    struct records l;
    if (list_all(a, who, "objective", NULL, &l, e)) {
        return -1;
    }
    static const char *const st[] = {"planned", "on-track", "at-risk", "achieved", "missed",
                                     "cancelled"};
    long long n[6] = {0};
    for (size_t i = 0; i < l.n; i++) {
        const struct record *r = l.v[i];
        for (int k = 0; k < 6; k++) {
            n[k] += is_status(r, st[k]);
        }
        char detail[240];
        snprintf(detail, sizeof detail, "target %s", nz(record_get(r, "target")));
        rec_item(s, r, "title", "due_date", detail);
    }
    fig_add(s, "Objectives", (long long)l.n);
    fig_add(s, "Achieved", n[3]);
    fig_add(s, "On track", n[1]);
    fig_add(s, "At risk", n[2]);
    fig_add(s, "Missed", n[4]);
    fig_add(s, "Planned", n[0]);
    records_free(&l);
    return 0;
}

/* e) feedback from interested parties: complaints and customers' ideas */
static int sec_feedback(struct app *a, const struct principal *who, struct review_pack *p, struct err *e)
{
    struct pack_section *s = sec_add(p, "feedback", "Feedback from interested parties",
                                     "9.3.2 e");
    struct records nc, im;
    if (list_all(a, who, "nonconformity", NULL, &nc, e)) {
        return -1;
    }
    if (list_all(a, who, "improvement", NULL, &im, e)) {
        records_free(&nc);
        return -1;
    }
    long long complaints = 0, ideas = 0;
    for (size_t i = 0; i < nc.n; i++) {
        const struct record *r = nc.v[i];
        const char *src = record_get(r, "source");
        if (src && strcmp(src, "complaint") == 0 && in_period(p, record_get(r, "detected_on"))) {
            complaints++;
            rec_item(s, r, "title", "detected_on", "complaint");
        }
    }
    for (size_t i = 0; i < im.n; i++) {
        const struct record *r = im.v[i];
        const char *src = record_get(r, "source");
        if (src && strcmp(src, "customer") == 0 && in_period(p, record_get(r, FIELD_CREATED))) {
            ideas++;
            rec_item(s, r, "title", NULL, "suggested by a customer");
        }
    }
    fig_add(s, "Complaints", complaints);
    fig_add(s, "Suggestions from customers", ideas);
    records_free(&nc);
    records_free(&im);
    return 0;
}

/* risks counted by level (in the method's order of first appearance) and
 * status, from one grouped count */
struct level_ctx {
    char *level[16];
    long long n[16];
    int nl;
    long long accepted, treating, total;
};

static int on_level(void *ctx, const char *v1, const char *v2, long count)
{
    struct level_ctx *c = ctx;
    const char *lv = v1 ? v1 : "unrated";
    int i = 0;
    while (i < c->nl && strcmp(c->level[i], lv) != 0) {
        i++;
    }
    if (i == c->nl && c->nl < 16) {
        c->level[c->nl++] = xstrdup(lv);
    }
    if (i < 16) {
        c->n[i] += count;
    }
    c->total += count;
    c->accepted += v2 && strcmp(v2, "accepted") == 0 ? count : 0;
    c->treating += v2 && strcmp(v2, "treating") == 0 ? count : 0;
    return 0;
}

struct top_risks {
    struct pack_section *s;
    int n;
};

static int on_top_risk(void *ctx, struct record *r)
{
    struct top_risks *c = ctx;
    if (!is_status(r, "accepted,closed") && c->n < 20) {
        char detail[120];
        snprintf(detail, sizeof detail, "level %s, residual %s, treatment %s",
                 nz(record_get(r, "level")), nz(record_get(r, "residual_level")),
                 nz(record_get(r, "treatment")));
        rec_item(c->s, r, "title", "review_date", detail);
        c->n++;
    }
    record_free(r);
    return c->n >= 20;
}

/* f) risk assessment results and the treatment plan's status */
static int sec_risks(struct app *a, const struct principal *who, struct review_pack *p, struct err *e)
{
    struct pack_section *s = sec_add(p, "risks", "Results of risk assessment and status of the "
                                     "risk treatment plan", "9.3.2 f");
    const struct rtype *rt = rtype_find("risk"), *at = rtype_find("action");
    if (can_read(who, rt)) {
        struct query q = {0};
        struct level_ctx lc;
        memset(&lc, 0, sizeof lc);
        int grc = store_group_count(a->st, who, rt, &q, rtype_field(rt, "level", NULL),
                                    rtype_field(rt, FIELD_STATUS, NULL), on_level, &lc, e);
        if (grc == 0) {
            fig_add(s, "Risks", lc.total);
            /* the method's levels, highest first, then any other (unrated) */
            struct err me = {0};
            const struct method *m = app_method(a, &me);
            int done[16] = {0};
            for (int k = m ? m->nlevels : 0; k-- > 0;) {
                for (int i = 0; i < lc.nl; i++) {
                    if (!done[i] && strcmp(lc.level[i], m->levels[k].name) == 0) {
                        char label[80];
                        snprintf(label, sizeof label, "Level %s", lc.level[i]);
                        fig_add(s, label, lc.n[i]);
                        done[i] = 1;
                    }
                }
            }
            for (int i = 0; i < lc.nl; i++) {
                if (!done[i]) {
                    char label[80];
                    snprintf(label, sizeof label, "Level %s", lc.level[i]);
                    fig_add(s, label, lc.n[i]);
                }
            }
            fig_add(s, "Accepted", lc.accepted);
            fig_add(s, "Being treated", lc.treating);
        }
        for (int i = 0; i < lc.nl; i++) {
            free(lc.level[i]);
        }
        if (grc) {
            return -1;
        }
        /* the highest-scored risks still open */
        static const char *const cols[] = {"title", "level", "residual_level", "treatment",
                                           "review_date", "score", FIELD_OWNER, FIELD_STATUS,
                                           NULL};
        struct query qt = q;
        qt.sort = rtype_field(rt, "score", NULL);
        qt.desc = 1;
        qt.columns = cols;
        qt.limit = 500;
        struct top_risks tr = {s, 0};
        if (store_list(a->st, who, rt, &qt, on_top_risk, &tr, e)) {
            return -1;
        }
    }
    if (can_read(who, at)) {
        static const char *const cols[] = {"due_date", "completed_on", FIELD_STATUS, NULL};
        struct records l;
        if (list_all(a, who, "action", cols, &l, e)) {
            return -1;
        }
        long long done = 0, open = 0, late = 0, done_now = 0;
        for (size_t i = 0; i < l.n; i++) {
            const struct record *r = l.v[i];
            int fin = is_status(r, "done,cancelled");
            done += is_status(r, "done");
            open += !fin;
            const char *due = record_get(r, "due_date");
            late += !fin && due && strcmp(due, p->to) < 0;
            done_now += is_status(r, "done") && in_period(p, record_get(r, "completed_on"));
        }
        fig_add(s, "Treatment actions", (long long)l.n);
        fig_add(s, "Treatment actions done", done);
        fig_add(s, "Treatment actions open", open);
        fig_add(s, "Treatment actions overdue", late);
        fig_add(s, "Treatment actions completed in the period", done_now);
        records_free(&l);
    }
    return 0;
}

/* g) opportunities for continual improvement */
static int sec_improvements(struct app *a, const struct principal *who, struct review_pack *p, struct err *e)
{
    struct pack_section *s = sec_add(p, "improvements", "Opportunities for continual "
                                     "improvement", "9.3.2 g");
    struct records l;
    if (list_all(a, who, "improvement", NULL, &l, e)) {
        return -1;
    }
    long long proposed = 0, accepted = 0, doing = 0, done = 0, added = 0;
    for (size_t i = 0; i < l.n; i++) {
        const struct record *r = l.v[i];
        int new = in_period(p, record_get(r, FIELD_CREATED));
        proposed += is_status(r, "proposed");
        accepted += is_status(r, "accepted");
        doing += is_status(r, "in-progress");
        done += is_status(r, "done");
        added += new;
        if (new || is_status(r, "proposed,accepted,in-progress")) {
            rec_item(s, r, "title", "due_date", nz(record_get(r, "source")));
        }
    }
    fig_add(s, "Added in the period", added);
    fig_add(s, "Proposed", proposed);
    fig_add(s, "Accepted", accepted);
    fig_add(s, "In progress", doing);
    fig_add(s, "Done", done);
    records_free(&l);
    return 0;
}

/* ---- compiling ------------------------------------------------------------------- */

/* The review a caller named, as a->who sees it (one it may not see is
 * missing, for a write as for a read). */
static int get_review(struct app *a, const char *ref, struct record **out, struct err *e)
{
    const struct rtype *t = rtype_find("review");
    if (rtype_of_ref(ref) != t) {
        return err_set(e, ERR_NOTFOUND, NULL, "no review %.40s (a review is MR-0001)", ref);
    }
    return app_record_get(a, t, ref, out, e);
}

/* The pack of review ref compiled as who reads the records. */
static int review_pack_as(struct app *a, const struct principal *who, const char *ref,
                          const char *q_today, struct review_pack *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    struct record *r = NULL;
    if (get_review(a, ref, &r, e)) {
        return -1;
    }
    char today[11];
    if (q_today) {
        strlcpy_(today, q_today, sizeof today);
    } else {
        date_today(today);
    }
    /* a review already held reports up to its meeting */
    const char *held = record_get(r, "held_on");
    if (held && strcmp(held, today) < 0) {
        strlcpy_(today, held, sizeof today);
    }
    struct records revs;
    if (list_all(a, who, "review", NULL, &revs, e)) {
        record_free(r);
        return -1;
    }
    /* the previous review: the latest before this one's date */
    const char *mine = review_date(r);
    if (!mine || strcmp(mine, today) > 0) {
        mine = today;
    }
    const struct record *prev = NULL;
    for (size_t i = 0; i < revs.n; i++) {
        const struct record *o = revs.v[i];
        const char *d = review_date(o);
        if (strcmp(o->ref, r->ref) == 0 || !d || strcmp(d, mine) >= 0) {
            continue;
        }
        if (!prev || strcmp(d, review_date(prev)) > 0) {
            prev = o;
        }
    }
    out->review = xstrdup(r->ref);
    out->title = xstrdup(nz(record_get(r, "title")));
    out->previous = xstrdup(prev ? prev->ref : "");
    out->from = xstrdup(prev ? review_date(prev) : "");
    out->to = xstrdup(today);
    int rc = sec_previous_actions(a, who, out, &revs, e) || sec_context(a, who, out, e) ||
             sec_nonconformities(a, who, out, e) || sec_monitoring(a, who, out, e) ||
             sec_audits(a, who, out, e) || sec_objectives(a, who, out, e) ||
             sec_feedback(a, who, out, e) || sec_risks(a, who, out, e) ||
             sec_improvements(a, who, out, e);
    records_free(&revs);
    record_free(r);
    if (rc) {
        review_pack_free(out);
        return -1;
    }
    return 0;
}

int app_review_pack(struct app *a, const char *ref, const char *q_today, struct review_pack *out,
                    struct err *e)
{
    return review_pack_as(a, &a->who, ref, q_today, out, e);
}

/* ---- freezing at the meeting ------------------------------------------------------ */

int app_review_freeze_tx(struct app *a, const char *ref, const char *note, int *number,
                         int *existing, struct err *e)
{
    struct record *r = NULL;
    if (get_review(a, ref, &r, e)) {
        return -1;
    }
    if (record_get(r, FIELD_RETIRED)) {
        record_free(r);
        return err_set(e, ERR_CONFLICT, NULL, "review %s is retired", ref);
    }
    char today[11];
    date_today(today);
    const char *held = record_get(r, "held_on");
    /* what was presented: every record, whoever freezes it */
    struct review_pack p;
    if (review_pack_as(a, principal_sys(), r->ref, NULL, &p, e)) {
        record_free(r);
        return -1;
    }
    struct buf content;
    buf_init(&content, 0);
    review_pack_json(&p, &content);
    review_pack_free(&p);
    int rc = app_version_freeze_tx(a, "review-pack", r->ref, buf_str(&content), "presented",
                                   str_empty(note) ? "presented at the meeting" : note, 0, number,
                                   existing, e);
    buf_free(&content);
    if (rc == 0 && (!held || is_status(r, "planned"))) {
        struct kv kv[2] = {{FIELD_STATUS, "held"}, {"held_on", held ? held : today}};
        int changed = 0;
        rc = app_edit_tx(a, r->type, r->ref, kv, 2, 1, &changed, e);
    }
    record_free(r);
    return rc;
}

int app_review_freeze(struct app *a, const char *ref, const char *note, int *number,
                      int *existing, struct err *e)
{
    IN_TRANSACTION(a, e, app_review_freeze_tx(a, ref, note, number, existing, e));
}

int app_review_pack_version(struct app *a, const char *ref, int number, struct version *v,
                            struct review_pack *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    memset(v, 0, sizeof *v);
    struct record *r = NULL;
    if (get_review(a, ref, &r, e)) {
        return -1;
    }
    record_free(r);
    struct err nf = {0};
    if (app_version_get(a, "review-pack", ref, number, NULL, v, &nf)) {
        if (nf.code != ERR_NOTFOUND) {
            *e = nf;
            return -1;
        }
        if (number) {
            return err_set(e, ERR_NOTFOUND, NULL, "review %.40s has no frozen pack %d", ref,
                           number);
        }
        return err_set(e, ERR_NOTFOUND, NULL,
                       "review %.40s has no frozen pack yet (isms review freeze %.40s)", ref, ref);
    }
    if (review_pack_parse(v->content, out, e)) {
        version_free(v);
        return -1;
    }
    return 0;
}

/* ---- minutes ------------------------------------------------------------------------ */

struct actions_of {
    const char *review;
    struct records l;
};

int app_review_minutes_content(struct app *a, const char *ref, struct buf *out, struct err *e)
{
    struct record *r = NULL;
    if (get_review(a, ref, &r, e)) {
        return -1;
    }
    const struct rtype *ta = rtype_find("raction");
    struct query q = {0};
    q.nfilter = 1;
    q.filter_field[0] = rtype_field(ta, "agreed_at", NULL);
    q.filter_value[0] = r->ref;
    /* the content signed: every action and the last frozen pack, whoever
     * signs (the review itself as a->who) */
    struct records l = {0};
    if (store_list(a->st, principal_sys(), ta, &q, records_add, &l, e)) {
        record_free(r);
        return -1;
    }
    struct version v;
    struct err nf = {0};
    int have_pack =
        app_version_get_as(a, principal_sys(), "review-pack", r->ref, 0, NULL, &v, &nf) == 0;
    struct jw w;
    jw_init(&w, out, 0);
    jw_obj(&w);
    jw_key(&w, "id");
    jw_str(&w, r->ref);
    static const char *const fields[] = {"title", "held_on", "chair", "attendees", "decisions",
                                         "minutes", "next_review", NULL};
    for (int i = 0; fields[i]; i++) {
        jw_key(&w, fields[i]);
        jw_str(&w, record_get(r, fields[i]));
    }
    jw_key(&w, "actions");
    jw_arr(&w);
    for (size_t i = 0; i < l.n; i++) {
        static const char *const af[] = {"title", FIELD_OWNER, "due_date", NULL};
        jw_obj(&w);
        jw_key(&w, "id");
        jw_str(&w, l.v[i]->ref);
        for (int k = 0; af[k]; k++) {
            jw_key(&w, af[k]);
            jw_str(&w, record_get(l.v[i], af[k]));
        }
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
    jw_key(&w, "pack");
    if (have_pack) {
        jw_obj(&w);
        jw_key(&w, "number");
        jw_int(&w, v.number);
        jw_key(&w, "sha256");
        jw_str(&w, v.sha256);
        jw_obj_end(&w);
        version_free(&v);
    } else {
        jw_null(&w);
    }
    jw_obj_end(&w);
    records_free(&l);
    record_free(r);
    return 0;
}

int app_review_sign_tx(struct app *a, const char *ref, const char *rationale, int *number,
                       int *existing, struct err *e)
{
    *existing = 0;
    if (app_capacity_check(a, CAP_TOP_MANAGEMENT, NULL, e)) {
        return -1;
    }
    struct record *r = NULL;
    if (get_review(a, ref, &r, e)) {
        return -1;
    }
    int rc = -1;
    struct buf content;
    buf_init(&content, 0);
    if (record_get(r, FIELD_RETIRED)) {
        err_set(e, ERR_CONFLICT, NULL, "review %s is retired", r->ref);
        goto done;
    }
    if (str_empty(record_get(r, "held_on"))) {
        err_set(e, ERR_CONFLICT, "held_on",
                "held_on: review %s has not been held; minutes are signed after the meeting "
                "(set --held-on, or freeze the pack at the meeting)", r->ref);
        goto done;
    }
    if (str_empty(record_get(r, "minutes")) && str_empty(record_get(r, "decisions"))) {
        err_set(e, ERR_CONFLICT, "minutes",
                "minutes: review %s has no minutes or decisions to sign", r->ref);
        goto done;
    }
    if (app_review_minutes_content(a, r->ref, &content, e)) {
        goto done;
    }
    int same = 0, signed_before = 0;
    if (app_version_freeze_tx(a, "review-minutes", r->ref, buf_str(&content), "approved",
                              "minutes", 0, number, &same, e)) {
        goto done;
    }
    char hash[65];
    sha256_hex(content.p, content.len, hash);
    struct signoff_req q = {"review-minutes", r->ref, *number, "approval", CAP_TOP_MANAGEMENT,
                            rationale, 0, hash, NULL, NULL, NULL};
    long id;
    if (app_signoff_tx(a, &q, &id, &signed_before, e)) {
        goto done;
    }
    if (!is_status(r, "minutes-approved")) {
        struct kv kv[] = {{FIELD_STATUS, "minutes-approved"}};
        int changed = 0;
        a->accepting = 1;
        int erc = app_edit_tx(a, r->type, r->ref, kv, 1, 1, &changed, e);
        a->accepting = 0;
        if (erc) {
            goto done;
        }
    }
    *existing = same && signed_before;
    rc = 0;
done:
    buf_free(&content);
    record_free(r);
    return rc;
}

int app_review_sign(struct app *a, const char *ref, const char *rationale, int *number,
                    int *existing, struct err *e)
{
    IN_TRANSACTION(a, e, app_review_sign_tx(a, ref, rationale, number, existing, e));
}

/* ---- rules ---------------------------------------------------------------------------- */

int review_derive(struct app *a, struct record *r, const struct record *orig, struct err *e)
{
    if (strcmp(r->type->name, "review") == 0) {
        const char *st = record_get(r, FIELD_STATUS);
        const char *was = orig ? record_get(orig, FIELD_STATUS) : NULL;
        if (!a->accepting && st && strcmp(st, "minutes-approved") == 0 &&
            !(was && strcmp(was, st) == 0)) {
            return err_set(e, ERR_INVALID, FIELD_STATUS,
                           "status: a review's minutes are approved when top management signs "
                           "them (isms review sign %s --as ACCOUNT)",
                           r->ref ? r->ref : "MR-...");
        }
        return 0;
    }
    if (strcmp(r->type->name, "certificate") == 0) {
        const char *iss = record_get(r, "issued_on");
        const char *exp = record_get(r, "expires_on");
        if (iss && exp && strcmp(exp, iss) <= 0) {
            return err_set(e, ERR_INVALID, "expires_on",
                           "expires_on: %s is not after the issue date %s", exp, iss);
        }
        return 0;
    }
    if (strcmp(r->type->name, "cnc") == 0) {
        const char *raised = record_get(r, "raised_on");
        const char *by = record_get(r, "close_by");
        if (raised && by && strcmp(by, raised) < 0) {
            return err_set(e, ERR_INVALID, "close_by",
                           "close_by: %s is before the date it was raised (%s)", by, raised);
        }
    }
    return 0;
}

/* ---- task source ---------------------------------------------------------------------- */

/* Review actions open or in progress with a due date: complete. */
int task_src_ractions(struct app *a, const struct task_query *q, struct tasks *out,
                      struct err *e)
{
    (void)q;
    struct records l;
    static const char *const cols[] = {"title", "agreed_at", "due_date", FIELD_OWNER,
                                       FIELD_STATUS, NULL};
    if (list_all(a, &a->who, "raction", cols, &l, e)) {
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < l.n && rc == 0; i++) {
        const struct record *r = l.v[i];
        const char *due = record_get(r, "due_date");
        if (!due || !is_status(r, "open,in-progress")) {
            continue;
        }
        char title[200], link[160];
        snprintf(title, sizeof title, "%s (management review %s)", nz(record_get(r, "title")),
                 nz(record_get(r, "agreed_at")));
        link_of(r->type, r->ref, link, sizeof link);
        rc = task_add(out, "raction", "Complete", r->ref, title, record_get(r, FIELD_OWNER), due,
                      link);
    }
    records_free(&l);
    return rc ? err_set(e, ERR_INTERNAL, NULL, "out of memory") : 0;
}
