/* tasks.c — the one task model: runs every source of tasks.def, gives each
 * task its state (overdue / due soon / later) against today, applies the
 * query's filters and orders by due date. The sources themselves only
 * derive; none of them filters or sorts. */
#include "tasks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/json.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "app.h"

struct source {
    const char *name;
    task_source_fn fn;
};
static const struct source sources[] = {
#define TASK_SOURCE(name, fn) {#name, fn},
#include "tasks.def"
#undef TASK_SOURCE
};

static void copy(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src ? src : "");
}

/* The texts of a list, in chunks that never move (a task points into
 * them). */
struct task_chunk {
    struct task_chunk *next;
    size_t used, cap;
    char data[];
};
#define TASK_CHUNK (64u << 10)
enum { WHAT_MAX = 48, SUBJECT_MAX = 40, TITLE_MAX = 200, LINK_MAX = 160 };

/* s cut to max - 1 bytes (as the fixed fields it replaces cut it), kept in
 * the list's pool; "" needs no room. NULL when out of memory. */
static const char *pool_text(struct tasks *t, const char *s, size_t max)
{
    size_t n = s ? strnlen(s, max - 1) : 0;
    if (n == 0) {
        return "";
    }
    struct task_chunk *c = t->pool;
    if (!c || c->cap - c->used < n + 1) {
        size_t cap = TASK_CHUNK > n + 1 ? TASK_CHUNK : n + 1;
        c = malloc(sizeof *c + cap);
        if (!c) {
            return NULL;
        }
        c->next = t->pool;
        c->used = 0;
        c->cap = cap;
        t->pool = c;
        t->pool_bytes += sizeof *c + cap;
    }
    char *p = c->data + c->used;
    memcpy(p, s, n);
    p[n] = 0;
    c->used += n + 1;
    return p;
}

static struct task *task_slot(struct tasks *out)
{
    if (out->n == out->cap) {
        int cap = out->cap ? out->cap * 2 : 64;
        struct task *v = realloc(out->v, (size_t)cap * sizeof *v);
        if (!v) {
            return NULL;
        }
        out->v = v;
        out->cap = cap;
    }
    return &out->v[out->n];
}

int task_add(struct tasks *out, const char *source, const char *what, const char *subject,
             const char *title, const char *owner, const char *due, const char *link)
{
    struct task *t = task_slot(out);
    if (!t) {
        return -1;
    }
    memset(t, 0, sizeof *t);
    t->source = source;
    t->what = pool_text(out, what, WHAT_MAX);
    t->subject = pool_text(out, subject, SUBJECT_MAX);
    t->title = pool_text(out, title, TITLE_MAX);
    t->link = pool_text(out, link, LINK_MAX);
    if (!t->what || !t->subject || !t->title || !t->link) {
        return -1;
    }
    copy(t->owner, sizeof t->owner, owner);
    copy(t->due, sizeof t->due, due);
    out->n++;
    return 0;
}

void tasks_free(struct tasks *t)
{
    free(t->v);
    while (t->pool) {
        struct task_chunk *next = t->pool->next;
        free(t->pool);
        t->pool = next;
    }
    memset(t, 0, sizeof *t);
}

static int by_due(const void *pa, const void *pb)
{
    const struct task *x = pa, *y = pb;
    int c = strcmp(x->due, y->due);
    if (c == 0) {
        c = strcmp(x->subject, y->subject);
    }
    return c ? c : strcmp(x->what, y->what);
}

const char *task_state_name(enum task_state s)
{
    return s == TASK_OVERDUE ? "overdue" : s == TASK_SOON ? "soon" : "later";
}

int task_parse_days(const char *s, int *days, struct err *e)
{
    int64_t v = 0;
    if (!s || int_parse(s, &v) || v < 1 || v > TASK_DAYS_MAX) {
        return err_set(e, ERR_INVALID, "days",
                       "days: '%.40s' is not a number of days from 1 to %d", s ? s : "",
                       TASK_DAYS_MAX);
    }
    *days = (int)v;
    return 0;
}

/* The owner asked for is a person's identifier, of a person that exists
 * (retired or not: their old tasks may still be theirs). */
static int check_owner(struct app *a, const char *owner, struct err *e)
{
    const struct rtype *pt = rtype_find("person");
    if (rtype_of_ref(owner) != pt) {
        return err_set(e, ERR_INVALID, "owner",
                       "owner: '%.40s' is not a person's identifier (P-NNNN)", owner);
    }
    /* a viewer who may not read people (staff) learns nothing of who
     * exists: an unknown person simply has no tasks */
    if (perm_rows(&a->who, pt).kind == ROWS_NONE) {
        return 0;
    }
    int found = store_exists(a->st, &a->who, pt, owner, NULL, e);
    if (found < 0) {
        return -1;
    }
    if (!found) {
        return err_set(e, ERR_NOTFOUND, "owner", "owner: no person %.40s", owner);
    }
    return 0;
}

/* A source's tasks, kept in app_derived (inside a read, as a server
 * reads): each source's list is kept with the tables it was derived from,
 * so a change to risks derives the risk reviews again and reuses the rest.
 * The key names everything the list depends on besides the file: the
 * source, the principal's view, the date and the query. */
static void tasks_drop(void *p)
{
    struct tasks *t = p;
    tasks_free(t);
    free(t);
}

/* Copies add's tasks, texts included: add is a kept list that a later
 * source's keep may evict while out is still in use. */
static int append(struct tasks *out, const struct tasks *add)
{
    for (int i = 0; i < add->n; i++) {
        const struct task *k = &add->v[i];
        if (task_add(out, k->source, k->what, k->subject, k->title, k->owner, k->due, k->link)) {
            return -1;
        }
        out->v[out->n - 1].state = k->state;
    }
    return 0;
}

static int run_source(struct app *a, const struct source *src, const struct task_query *sq,
                      struct tasks *out, struct err *e)
{
    if (!store_in_read(a->st)) {
        return src->fn(a, sq, out, e);
    }
    char key[256], view[120];
    snprintf(key, sizeof key, "tasks:%s:%s:%s:%d:%s:%d:%d", src->name,
             principal_view(&a->who, view, sizeof view), sq->today, sq->lead_days,
             sq->owner ? sq->owner : "", sq->overdue_only, sq->horizon_days);
    const void *kept;
    if (app_derived_obj(a, key, &kept)) {
        return append(out, kept) ? err_set(e, ERR_INTERNAL, NULL, "out of memory") : 0;
    }
    struct tasks *mine = xcalloc(1, sizeof *mine);
    struct tblset saved, read;
    app_track_begin(a, &saved);
    int rc = src->fn(a, sq, mine, e);
    app_track_end(a, &saved, &read);
    if (rc || append(out, mine)) {
        tasks_drop(mine);
        return rc ? -1 : err_set(e, ERR_INTERNAL, NULL, "out of memory");
    }
    app_derived_keep(a, key, mine, tasks_drop,
                     (size_t)mine->cap * sizeof *mine->v + mine->pool_bytes + sizeof *mine, &read);
    return 0;
}

int app_tasks(struct app *a, const struct task_query *q, struct tasks *out, struct err *e)
{
    char today[11], soon[11], horizon[11] = "";
    memset(out, 0, sizeof *out);
    if (q->horizon_days < 0 || q->horizon_days > TASK_DAYS_MAX) {
        return err_set(e, ERR_INVALID, "days", "days: %d is not a number of days from 1 to %d",
                       q->horizon_days, TASK_DAYS_MAX);
    }
    if (q->owner && check_owner(a, q->owner, e)) {
        return -1;
    }
    if (q->today) {
        copy(today, sizeof today, q->today);
    } else {
        date_today(today);
    }
    struct task_query sq = *q;
    sq.today = today;
    date_add_days(today, q->lead_days > 0 ? q->lead_days : 14, soon);
    if (q->horizon_days > 0) {
        date_add_days(today, q->horizon_days, horizon);
    }
    for (size_t i = 0; i < sizeof sources / sizeof sources[0]; i++) {
        if (run_source(a, &sources[i], &sq, out, e)) {
            tasks_free(out);
            return -1;
        }
    }
    int n = 0;
    for (int i = 0; i < out->n; i++) {
        struct task *t = &out->v[i];
        t->state = strcmp(t->due, today) < 0 ? TASK_OVERDUE
                   : strcmp(t->due, soon) <= 0 ? TASK_SOON
                                                : TASK_LATER;
        if ((q->owner && strcmp(t->owner, q->owner) != 0) ||
            (q->overdue_only && t->state != TASK_OVERDUE) ||
            (horizon[0] && strcmp(t->due, horizon) > 0)) {
            continue;
        }
        out->v[n++] = *t;
    }
    out->n = n;
    if (out->n > 1) { /* none read: no array to sort (qsort of NULL is undefined) */
        qsort(out->v, (size_t)out->n, sizeof *out->v, by_due);
    }
    return 0;
}

void tasks_json(struct jw *w, const struct tasks *t, const struct task_query *q,
                const char *today)
{
    long over = 0, soon = 0;
    for (int i = 0; i < t->n; i++) {
        over += t->v[i].state == TASK_OVERDUE;
        soon += t->v[i].state == TASK_SOON;
    }
    jw_obj(w);
    jw_key(w, "today");
    jw_str(w, today);
    jw_key(w, "owner");
    jw_str(w, q->owner);
    jw_key(w, "count");
    jw_int(w, t->n);
    jw_key(w, "overdue");
    jw_int(w, over);
    jw_key(w, "soon");
    jw_int(w, soon);
    jw_key(w, "tasks");
    jw_arr(w);
    for (int i = 0; i < t->n; i++) {
        const struct task *k = &t->v[i];
        jw_obj(w);
        jw_key(w, "source");
        jw_str(w, k->source);
        jw_key(w, "what");
        jw_str(w, k->what);
        jw_key(w, "subject");
        jw_str(w, k->subject);
        jw_key(w, "title");
        jw_str(w, k->title);
        jw_key(w, "owner");
        jw_str(w, k->owner[0] ? k->owner : NULL);
        jw_key(w, "due");
        jw_str(w, k->due);
        jw_key(w, "state");
        jw_str(w, task_state_name(k->state));
        jw_key(w, "link");
        jw_str(w, k->link);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_obj_end(w);
}
