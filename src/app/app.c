/* app.c — generic record use cases: add, edit, retire, get, filter; opening
 * and creating ISMS files. Validation order: field names, then each value's
 * syntax (model/record.c), then required fields, then references (store). */
#include "app.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/buf.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "../model/method.h"
#include "app_int.h"
#include "import.h" /* import: the default threat catalogue */

int app_open(struct app *a, const char *path, const char *actor, struct err *e)
{
    memset(a, 0, sizeof *a);
    a->who = principal_system(); /* the file's owner; a caller that knows better says who */
    strlcpy_(a->actor, actor ? actor : "unknown", sizeof a->actor);
    if (store_open(path, 0, &a->st, e)) {
        return -1;
    }
    int version;
    char *def = NULL;
    if (store_method_current(a->st, &version, &def, e)) {
        app_close(a);
        return -1;
    }
    free(def);
    if (version == 0) {
        /* a file from before risk methods existed: install the default and
         * score its risks, journaled, once */
        if (store_begin(a->st, e) || app_method_install_default(a, e) ||
            store_commit(a->st, e)) {
            store_rollback(a->st);
            app_close(a);
            return -1;
        }
    }
    if (app_documents_upgrade(a, e)) { /* documents.c: files from before 0010 */
        app_close(a);
        return -1;
    }
    return 0;
}

void app_close(struct app *a)
{
    store_close(a->st);
    a->st = NULL;
    method_free(a->method);
    a->method = NULL;
    app_derived_free(a); /* derived.c: the memo and the derived results */
    free(a->auth_memo);
    a->auth_memo = NULL;
}


static void keylist_drop(void *v)
{
    keylist_free(v);
    free(v);
}

int app_page_keys(struct app *a, const struct rtype *t, const struct query *q,
                  struct keylist *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    if (q->offset <= 0 || q->after_ref || q->after_key || store_data_version(a->st) < 0) {
        return store_keys(a->st, &a->who, t, q, out, e);
    }
    /* everything the whole list depends on besides the file's tables */
    struct buf key;
    buf_init(&key, 0);
    char view[160];
    buf_printf(&key, "pagekeys:%s:%s:%d:%s:%d:%s:%s:%s:%s", t->name,
               principal_view(&a->who, view, sizeof view), q->include_retired,
               q->sort ? q->sort->name : "", q->desc, q->search ? q->search : "",
               q->review_due ? q->review_due : "", q->ref ? q->ref : "",
               q->refs ? q->refs : "");
    for (int i = 0; i < q->nfilter; i++) {
        buf_printf(&key, "\x1f%s=%s", q->filter_field[i]->name,
                   q->filter_value[i] ? q->filter_value[i] : "\x1e");
    }
    for (int i = 0; i < q->ncond; i++) {
        buf_printf(&key, "\x1f%s%d%s", q->cond[i].f->name, (int)q->cond[i].op,
                   q->cond[i].values ? q->cond[i].values : "");
    }
    const void *kept = NULL;
    const struct keylist *all;
    if (app_derived_obj(a, buf_str(&key), &kept) && kept) {
        all = kept;
    } else {
        struct keylist *whole = xcalloc(1, sizeof *whole);
        struct query every = *q;
        every.limit = 0;
        every.offset = 0;
        struct tblset saved, read;
        app_track_begin(a, &saved);
        int rc = store_keys(a->st, &a->who, t, &every, whole, e);
        app_track_end(a, &saved, &read);
        if (rc) {
            keylist_drop(whole);
            buf_free(&key);
            return -1;
        }
        size_t bytes = sizeof *whole + whole->n * sizeof *whole->v;
        for (size_t i = 0; i < whole->n; i++) {
            bytes += strlen(whole->v[i].ref) + 1 + (whole->v[i].key ? strlen(whole->v[i].key) + 1 : 0);
        }
        app_derived_keep(a, buf_str(&key), whole, keylist_drop, bytes, &read);
        all = whole;
    }
    buf_free(&key);
    size_t from = (size_t)q->offset;
    size_t to = q->limit > 0 && from + (size_t)q->limit < all->n ? from + (size_t)q->limit : all->n;
    for (size_t i = from; i < to; i++) {
        if (out->n == out->cap) {
            out->cap = out->cap ? out->cap * 2 : 64;
            out->v = xrealloc(out->v, out->cap * sizeof *out->v);
        }
        out->v[out->n].ref = xstrdup(all->v[i].ref);
        out->v[out->n].key = all->v[i].key ? xstrdup(all->v[i].key) : NULL;
        out->n++;
    }
    return 0;
}

int app_memo_records(struct app *a, const struct rtype *t, const struct query *q,
                     const struct keylist *k, size_t n, const char *prefix, app_render_fn render,
                     void *ctx, char ***out, struct err *e)
{
    char **v = xcalloc(n + 1, sizeof *v);
    struct buf key;
    buf_init(&key, 0);
    size_t missing = 0;
    int released = perm_rows(&a->who, t).kind == ROWS_RELEASED;
    for (size_t i = 0; i < n; i++) {
        const char *text;
        buf_reset(&key);
        /* what a released read (staff: a document's version in force)
         * renders differs from the working copy: never the same entry */
        buf_printf(&key, "%s%s:%s", prefix, released ? "@released" : "", k->v[i].ref);
        if (app_memo_get(a, buf_str(&key), &text) && text) {
            v[i] = xstrdup(text);
        } else {
            missing++;
        }
    }
    int rc = 0;
    if (missing) {
        /* the missing records by their identifiers (not the page's offset
         * again: an offset walks every entry before it) */
        json_t *ids = json_array();
        for (size_t i = 0; i < n; i++) {
            if (!v[i]) {
                json_array_append_new(ids, json_string(k->v[i].ref));
            }
        }
        char *refs = json_dumps(ids, JSON_COMPACT);
        json_decref(ids);
        if (!refs) {
            for (size_t i = 0; i < n; i++) {
                free(v[i]);
            }
            free(v);
            buf_free(&key);
            return err_set(e, ERR_INTERNAL, NULL, "out of memory");
        }
        struct query page = *q;
        page.limit = 0;
        page.offset = 0;
        page.refs = refs;
        struct records rows = {0};
        /* each row's text depends on what its listing read and on what its
         * rendering read (titles of what it links to) */
        struct tblset saved, read_rows;
        app_track_begin(a, &saved);
        rc = store_list(a->st, &a->who, t, &page, records_add, &rows, e);
        app_track_end(a, &saved, &read_rows);
        struct buf one;
        buf_init(&one, 0);
        free(refs);
        for (size_t i = 0; rc == 0 && i < n; i++) {
            size_t j = 0;
            while (!v[i] && j < rows.n && strcmp(rows.v[j]->ref, k->v[i].ref) != 0) {
                j++;
            }
            if (v[i] || j == rows.n) {
                continue;
            }
            buf_reset(&one);
            struct tblset rsaved, rread;
            app_track_begin(a, &rsaved);
            render(ctx, rows.v[j], &one);
            app_track_end(a, &rsaved, &rread);
            tblset_or(&rread, &read_rows);
            v[i] = xstrdup(buf_str(&one));
            buf_reset(&key);
            buf_printf(&key, "%s%s:%s", prefix, released ? "@released" : "", k->v[i].ref);
            app_memo_put(a, buf_str(&key), v[i], &rread);
        }
        buf_free(&one);
        records_free(&rows);
    }
    buf_free(&key);
    if (rc) {
        for (size_t i = 0; i < n; i++) {
            free(v[i]);
        }
        free(v);
        return -1;
    }
    *out = v;
    return 0;
}

/* Removes a half-created ISMS file and its WAL companions. */
static void unlink_isms(const char *path)
{
    struct buf b;
    buf_init(&b, 0);
    unlink(path);
    buf_printf(&b, "%s-wal", path);
    unlink(buf_str(&b));
    buf_reset(&b);
    buf_printf(&b, "%s-shm", path);
    unlink(buf_str(&b));
    buf_free(&b);
}

static int create_common(struct app *a, const char *path, const char *actor, int demo,
                         struct demo_login *logins, int max, int *n, struct err *e)
{
    memset(a, 0, sizeof *a);
    a->who = principal_system(); /* the file's owner; a caller that knows better says who */
    strlcpy_(a->actor, actor ? actor : "unknown", sizeof a->actor);
    if (store_open(path, STORE_CREATE, &a->st, e)) {
        return -1;
    }
    if (store_begin(a->st, e)) {
        goto fail;
    }
    if (demo) {
        app_demo_clock_start(); /* demo: the catalogue too is made on the year's first day */
    }
    if (app_install_catalogue(a, e) || app_method_install_default(a, e) ||
        /* import: the default threat and vulnerability catalogue (the demo has its own) */
        (!demo && app_install_threats(a, e)) ||
        (demo && app_load_demo(a, logins, max, n, e))) {
        time_set_simulated(NULL);
        store_rollback(a->st);
        goto fail;
    }
    time_set_simulated(NULL);
    if (store_commit(a->st, e)) {
        goto fail;
    }
    return 0;
fail:
    app_close(a);
    unlink_isms(path);
    return -1;
}

int app_create(struct app *a, const char *path, const char *actor, struct err *e)
{
    return create_common(a, path, actor, 0, NULL, 0, NULL, e);
}

int app_create_demo(struct app *a, const char *path, const char *actor, struct demo_login *logins,
                    int max, int *n, struct err *e)
{
    return create_common(a, path, actor, 1, logins, max, n, e);
}

int control_is_catalogue(const struct record *r)
{
    if (strcmp(r->type->name, "control") != 0) {
        return 0;
    }
    const char *fw = record_get(r, "framework");
    return fw && strcmp(fw, FRAMEWORK_CUSTOM) != 0;
}

/* Applies untrusted values to r. touched[i] is set for each field given. */
static int apply_kv(const struct record *orig, struct record *r, const struct kv *kv, int n,
                    int trusted, unsigned char *touched, struct err *e)
{
    const struct rtype *t = r->type;
    int catalogue = orig && control_is_catalogue(orig);
    for (int k = 0; k < n; k++) {
        int i;
        const struct field *f = rtype_field(t, kv[k].name, &i);
        if (!f) {
            return err_set(e, ERR_INVALID, kv[k].name,
                           "%.60s: %s has no such field (see `isms %s fields`)", kv[k].name,
                           t->name, t->name);
        }
        if (touched[i]) {
            return err_set(e, ERR_INVALID, f->name, "%s: given more than once", f->name);
        }
        touched[i] = 1;
        if ((f->flags & FL_SYSTEM) && !trusted && strcmp(t->name, "document") == 0) {
            return err_set(e, ERR_INVALID, f->name,
                           "%s: set by the document workflow (`isms document submit|review|"
                           "approve|publish|revise`), not by hand",
                           f->name);
        }
        if ((f->flags & FL_SYSTEM) && !trusted) {
            return err_set(e, ERR_INVALID, f->name, "%s: set by the program, not by hand",
                           f->name);
        }
        if ((f->flags & FL_CATALOGUE) && !trusted) {
            if (catalogue) {
                return err_set(e, ERR_INVALID, f->name,
                               "%s: fixed by the %s catalogue for control %s", f->name,
                               record_get(orig, "framework"), orig->ref);
            }
            if (strcmp(f->name, "framework") == 0 && kv[k].value &&
                strcmp(kv[k].value, FRAMEWORK_CUSTOM) != 0 && *kv[k].value) {
                return err_set(e, ERR_INVALID, f->name,
                               "framework: controls added here belong to '%s'; the Annex A "
                               "catalogues are built in",
                               FRAMEWORK_CUSTOM);
            }
        }
        char *v = NULL;
        if (field_normalize(f, kv[k].value, &v, e)) {
            return -1;
        }
        if (!v && strcmp(f->name, FIELD_STATUS) == 0) {
            return err_set(e, ERR_INVALID, f->name, "status: cannot be empty");
        }
        record_set_take(r, i, v);
    }
    return 0;
}

static int check_required(const struct record *r, struct err *e)
{
    for (int i = 0; i < r->type->nfields; i++) {
        const struct field *f = &r->type->fields[i];
        if ((f->flags & FL_REQUIRED) && !r->v[i]) {
            return err_set(e, ERR_INVALID, f->name, "%s: required for a %s", f->name,
                           r->type->name);
        }
    }
    return 0;
}

/* May the viewer see record ref of type t? 1 yes, 0 no, -1 on error. */
static int ref_visible(struct app *a, const struct rtype *t, const char *ref, struct err *e)
{
    const char *person = principal_person(&a->who);
    if (person && strcmp(t->name, "person") == 0 && strcmp(ref, person) == 0) {
        return 1; /* oneself: "reported by" me */
    }
    if (!principal_is_system(&a->who) && !perm_allows(a->who.role, PERM_READ, t, -1)) {
        return 0;
    }
    /* a document's released form is read, not referred to, by staff */
    struct row_rule rule = perm_rows(&a->who, t);
    if (rule.kind != ROWS_WHERE) {
        return rule.kind == ROWS_ALL;
    }
    return store_sees_record(a->st, &a->who, t, ref, e);
}

int app_may_write(struct app *a, struct err *e)
{
    /* accounts: an external auditor writes nothing, through any front end */
    if (perm_may_write(&a->who)) {
        return 0;
    }
    return err_set(e, ERR_FORBIDDEN, NULL,
                   "the account %s is an external auditor's (it has an end date): it reads and "
                   "writes nothing",
                   a->who.name);
}

int app_journal(struct app *a, const char *at, const char *type, const char *ref,
                const char *action, const char *before, const char *after, struct err *e)
{
    if (app_may_write(a, e)) {
        return -1;
    }
    return store_history_add(a->st, at, a->actor, type, ref, action, before, after, e);
}

int app_may_read(struct app *a, const struct rtype *t, int history, struct err *e)
{
    const struct principal *w = &a->who;
    if (principal_is_system(w) ||
        (perm_allows(w->role, PERM_READ, t, -1) && (!history || perm_who_sees_history(w, t)))) {
        return 0;
    }
    return err_set(e, ERR_FORBIDDEN, NULL, "%s: the role of %s does not allow reading %s%s",
                   t ? t->plural : "this", w->name[0] ? w->name : "nobody",
                   history ? "the history of " : "", t ? t->plural : "it");
}

void app_set_principal(struct app *a, const struct principal *who)
{
    a->who = who ? *who : principal_nobody();
    /* the signer is the same authenticated account, or nobody (the system
     * principal signs nothing: the demo sets its signers itself) */
    if (a->who.kind == PRINCIPAL_ACCOUNT && a->who.account > 0 && a->who.role != ROLE_NONE) {
        app_signer_set(a, a->who.account, a->who.name, a->who.person, role_names[a->who.role]);
    } else {
        app_signer_clear(a);
    }
}

static int check_one_ref(struct app *a, const struct record *r, const struct field *f,
                         const char *ref, struct err *e)
{
    const struct rtype *want = rtype_find(f->ref);
    const struct rtype *got = rtype_of_ref(ref);
    if (!got) {
        return err_set(e, ERR_INVALID, f->name, "%s: '%s' is not a %s identifier", f->name, ref,
                       want->name);
    }
    if (got != want) {
        return err_set(e, ERR_INVALID, f->name, "%s: %s is %s %s, not %s %s", f->name, ref,
                       strchr("aeiou", got->name[0]) ? "an" : "a", got->name,
                       strchr("aeiou", want->name[0]) ? "an" : "a", want->name);
    }
    if (r->ref && strcmp(r->ref, ref) == 0) {
        return err_set(e, ERR_INVALID, f->name, "%s: %s cannot refer to itself", f->name, ref);
    }
    int retired = 0;
    int found = store_exists(a->st, principal_sys(), want, ref, &retired, e);
    if (found < 0) {
        return -1;
    }
    if (found == 1 && (found = ref_visible(a, want, ref, e)) < 0) {
        return -1;
    }
    /* hidden or missing: the same words, so that a write cannot tell
     * which records exist (nor whether a hidden one is retired) */
    if (!found) {
        return err_set(e, ERR_INVALID, f->name, "%s: no %s %s", f->name, want->name, ref);
    }
    if (retired) {
        return err_set(e, ERR_INVALID, f->name, "%s: %s %s is retired", f->name, want->name, ref);
    }
    return 0;
}

static int check_refs(struct app *a, const struct record *r, const unsigned char *touched,
                      struct err *e)
{
    for (int i = 0; i < r->type->nfields; i++) {
        const struct field *f = &r->type->fields[i];
        if (!touched[i] || !r->v[i] || (f->type != F_REF && f->type != F_REFS)) {
            continue;
        }
        char *copy = xstrdup(r->v[i]);
        int rc = 0;
        char *save_tok = NULL;
        for (char *tok = strtok_r(copy, ",", &save_tok); tok && !rc;
             tok = strtok_r(NULL, ",", &save_tok)) {
            rc = check_one_ref(a, r, f, tok, e);
        }
        free(copy);
        if (rc) {
            return -1;
        }
    }
    return 0;
}

static void set_field(struct record *r, const char *name, const char *v)
{
    int i;
    if (rtype_field(r->type, name, &i)) {
        record_set_take(r, i, xstrdup(v));
    }
}

static char *to_json(const struct record *r)
{
    struct buf b;
    buf_init(&b, 0);
    record_json(r, &b, 0);
    return buf_take(&b);
}

int app_add_tx(struct app *a, const struct rtype *t, const struct kv *kv, int n,
               const char *fixed_ref, int trusted, char **ref_out, struct err *e)
{
    struct record *r = record_new(t);
    unsigned char *touched = xcalloc((size_t)t->nfields, 1);
    char *after = NULL;
    int rc = -1;
    if (app_may_write(a, e)) {
        goto done;
    }

    for (int i = 0; i < t->nfields; i++) {
        const struct field *f = &t->fields[i];
        if (f->def) {
            r->v[i] = xstrdup(f->def);
        } else if (strcmp(f->name, FIELD_STATUS) == 0) {
            r->v[i] = xstrdup(f->values[0]);
        }
    }
    if (apply_kv(NULL, r, kv, n, trusted, touched, e) || check_required(r, e) ||
        check_refs(a, r, touched, e) || rules_derive(a, r, NULL, touched, e)) {
        goto done;
    }
    char now[21];
    time_now(now);
    set_field(r, FIELD_CREATED, now);
    set_field(r, FIELD_UPDATED, now);
    if (fixed_ref) {
        r->ref = xstrdup(fixed_ref);
    }
    if (store_insert(a->st, r, e)) {
        goto done;
    }
    after = to_json(r);
    if (app_journal(a, now, t->name, r->ref, "create", NULL, after, e) ||
        rules_after(a, NULL, r, e)) {
        goto done;
    }
    if (ref_out) {
        *ref_out = xstrdup(r->ref);
    }
    rc = 0;
done:
    free(after);
    free(touched);
    record_free(r);
    return rc;
}

int app_record_add(struct app *a, const struct rtype *t, const struct kv *kv, int n,
                   char **ref_out, struct err *e)
{
    IN_TRANSACTION(a, e, app_add_tx(a, t, kv, n, NULL, 0, ref_out, e));
}

int app_edit_tx(struct app *a, const struct rtype *t, const char *ref, const struct kv *kv, int n,
                int trusted, int *changed, struct err *e)
{
    struct record *orig = NULL, *r = NULL;
    unsigned char *touched = xcalloc((size_t)t->nfields, 1);
    int rc = -1;
    *changed = 0;

    if (app_may_write(a, e) || store_get(a->st, principal_sys(), t, ref, &orig, e)) {
        goto done;
    }
    if (record_get(orig, FIELD_RETIRED)) {
        err_set(e, ERR_CONFLICT, NULL, "%s %s is retired; it can no longer be changed", t->name,
                orig->ref);
        goto done;
    }
    r = record_dup(orig);
    if (apply_kv(orig, r, kv, n, trusted, touched, e) || check_required(r, e) ||
        check_refs(a, r, touched, e) || rules_derive(a, r, orig, touched, e) ||
        app_save_tx(a, orig, r, "update", changed, e) || (*changed && rules_after(a, orig, r, e))) {
        goto done;
    }
    rc = 0;
done:
    free(touched);
    record_free(orig);
    record_free(r);
    return rc;
}

int app_save_tx(struct app *a, const struct record *orig, struct record *r, const char *action,
                int *changed, struct err *e)
{
    const struct rtype *t = r->type;
    unsigned char *mask = xcalloc((size_t)t->nfields, 1);
    int any = 0, rc = -1;
    for (int i = 0; i < t->nfields; i++) {
        const char *x = orig->v[i], *y = r->v[i];
        if ((x == NULL) != (y == NULL) || (x && strcmp(x, y) != 0)) {
            mask[i] = 1;
            any = 1;
        }
    }
    *changed = 0;
    char *before = NULL, *after = NULL;
    if (!any) {
        rc = 0;
        goto done;
    }
    char now[21];
    time_now(now);
    int ui;
    if (rtype_field(t, FIELD_UPDATED, &ui)) {
        record_set_take(r, ui, xstrdup(now));
        mask[ui] = 1;
    }
    /* An update records only what changed (and the time): before and after
     * of those fields. verify folds the entries of a record to its state. */
    struct buf bb, ab;
    buf_init(&bb, 0);
    buf_init(&ab, 0);
    record_json_fields(orig, mask, &bb);
    record_json_fields(r, mask, &ab);
    before = buf_take(&bb);
    after = buf_take(&ab);
    if (store_update_fields(a->st, r, mask, e) ||
        app_journal(a, now, t->name, r->ref, action, before, after, e)) {
        goto done;
    }
    *changed = 1;
    rc = 0;
done:
    free(before);
    free(after);
    free(mask);
    return rc;
}

int app_record_edit(struct app *a, const struct rtype *t, const char *ref, const struct kv *kv,
                    int n, int *changed, struct err *e)
{
    if (n == 0) {
        return err_set(e, ERR_USAGE, NULL, "nothing to change: give --FIELD VALUE pairs");
    }
    IN_TRANSACTION(a, e, app_edit_tx(a, t, ref, kv, n, 0, changed, e));
}

int app_record_retire(struct app *a, const struct rtype *t, const char *ref, struct err *e)
{
    struct record *orig = NULL, *r = NULL;
    if (store_begin(a->st, e)) {
        return -1;
    }
    int rc = -1, changed = 0;
    if (app_may_write(a, e) || store_get(a->st, principal_sys(), t, ref, &orig, e)) {
        goto done;
    }
    if (record_get(orig, FIELD_RETIRED)) {
        err_set(e, ERR_CONFLICT, NULL, "%s %s is already retired", t->name, orig->ref);
        goto done;
    }
    if (control_is_catalogue(orig)) {
        err_set(e, ERR_CONFLICT, NULL,
                "control %s belongs to the %s catalogue and cannot be retired; record in the "
                "Statement of Applicability why it does not apply",
                orig->ref, record_get(orig, "framework"));
        goto done;
    }
    r = record_dup(orig);
    char now[21];
    time_now(now);
    set_field(r, FIELD_RETIRED, now);
    if (app_save_tx(a, orig, r, "retire", &changed, e) || rules_after(a, orig, r, e)) {
        goto done;
    }
    rc = 0;
done:
    record_free(orig);
    record_free(r);
    if (rc) {
        store_rollback(a->st);
        return -1;
    }
    return store_commit(a->st, e);
}

int app_record_get(struct app *a, const struct rtype *t, const char *ref, struct record **out,
                   struct err *e)
{
    return store_get(a->st, &a->who, t, ref, out, e);
}

int app_query_filter(const struct rtype *t, struct query *q, const struct kv *kv, int n,
                     char **owned, struct err *e)
{
    for (int k = 0; k < n; k++) {
        const struct field *f = rtype_field(t, kv[k].name, NULL);
        if (!f) {
            return err_set(e, ERR_INVALID, kv[k].name,
                           "%.60s: %s has no such field (see `isms %s fields`)", kv[k].name,
                           t->name, t->name);
        }
        if (q->nfilter == QUERY_MAX_FILTERS) {
            return err_set(e, ERR_USAGE, NULL, "at most %d filters", QUERY_MAX_FILTERS);
        }
        char *v = NULL;
        const struct field *vf = f;
        struct field single;
        if (f->type == F_SET || f->type == F_REFS) {
            /* filter by one member */
            single = *f;
            single.type = f->type == F_SET ? F_ENUM : F_REF;
            vf = &single;
        }
        if (field_normalize(vf, kv[k].value, &v, e)) {
            return -1;
        }
        owned[q->nfilter] = v;
        q->filter_field[q->nfilter] = f;
        q->filter_value[q->nfilter] = v;
        q->nfilter++;
    }
    return 0;
}
