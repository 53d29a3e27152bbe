/* verify.c — `isms verify`: the history chain and the database (store), then
 * that every record is exactly what its last history entry says, so a change
 * made behind the program's back (say, with the sqlite3 shell) is found even
 * when the journal itself was left alone; last, that every stored sort key
 * is the one its value gives. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../lib/buf.h"
#include "../lib/hash.h"
#include "../lib/util.h"
#include "app_int.h"
#include "framework.h" /* oscal: fw_verify */
#include "metrics.h"
#include "ops.h"

/* Equal, except that a field the entries predate (absent from the folded
 * state) must be empty now: migrations may add fields without rewriting
 * history. */
static int same_state(json_t *a, const char *current)
{
    json_t *b = json_loads(current, 0, NULL);
    int same = a && b && json_is_object(a) && json_is_object(b);
    if (same) {
        const char *k;
        json_t *v;
        json_object_foreach(b, k, v) {
            json_t *o = json_object_get(a, k);
            if (!o) {
                if (!json_is_null(v) && !(json_is_array(v) && json_array_size(v) == 0)) {
                    same = 0;
                }
            } else if (!json_equal(o, v)) {
                same = 0;
            }
        }
        json_object_foreach(a, k, v) {
            if (!json_object_get(b, k)) {
                same = 0;
            }
        }
    }
    json_decref(b);
    return same;
}

/* Folds the entries of one record at a time (they arrive grouped by
 * identifier) and compares the result with the record as stored. */
struct fold {
    struct app *a;
    struct err *e;
    char ref[64];
    char type[32];
    long long last_seq;
    json_t *state;     /* folded state, parsed once a second entry arrives */
    char *only_after;  /* the text of the single entry so far (no parsing) */
    json_t *seen;   /* identifiers that have history */
    long per_type[64]; /* records with history, by type index */
    long records;
    int bad;
};

static int fold_finish(struct fold *f)
{
    if (!f->ref[0] || f->bad) {
        return f->bad;
    }
    const struct rtype *t = rtype_find(f->type);
    struct record *r = NULL;
    struct err e2 = {0};
    if (!t || store_get(f->a->st, principal_sys(), t, f->ref, &r, &e2)) {
        if (e2.code == ERR_NOTFOUND || !t) {
            err_set(f->e, ERR_CONFLICT, NULL,
                    "history entry #%lld says %s exists, but the record is missing", f->last_seq,
                    f->ref);
        } else {
            *f->e = e2;
        }
        f->bad = 1;
    } else {
        struct buf b;
        buf_init(&b, 0);
        record_json(r, &b, 0);
        /* canonical JSON: a record with one entry usually matches as text */
        int same = f->only_after && strcmp(f->only_after, buf_str(&b)) == 0;
        if (!same && f->only_after) {
            f->state = json_loads(f->only_after, 0, NULL);
        }
        if (!same && !same_state(f->state, buf_str(&b))) {
            err_set(f->e, ERR_CONFLICT, NULL,
                    "%s %s differs from what its history says (last entry #%lld): it was "
                    "changed behind the program's back",
                    f->type, f->ref, f->last_seq);
            f->bad = 1;
        }
        buf_free(&b);
        record_free(r);
        f->records++;
        f->per_type[rtype_index(t)]++;
        json_object_set_new(f->seen, f->ref, json_true());
    }
    json_decref(f->state);
    f->state = NULL;
    free(f->only_after);
    f->only_after = NULL;
    f->ref[0] = 0;
    return f->bad;
}

static int fold_entry(void *ctx, const struct history_entry *h)
{
    struct fold *f = ctx;
    if (strcmp(f->ref, h->ref) != 0) {
        if (fold_finish(f)) {
            return 1;
        }
        strlcpy_(f->ref, h->ref, sizeof f->ref);
        strlcpy_(f->type, h->type, sizeof f->type);
    }
    f->last_seq = h->seq;
    if (strcmp(h->action, "create") == 0 && h->after) {
        json_decref(f->state);
        f->state = NULL;
        free(f->only_after);
        f->only_after = xstrdup(h->after);
        return 0;
    }
    if (f->only_after) {
        f->state = json_loads(f->only_after, 0, NULL);
        free(f->only_after);
        f->only_after = NULL;
    }
    json_t *after = json_loads(h->after ? h->after : "null", 0, NULL);
    if (!json_is_object(after)) {
        json_decref(after);
        err_set(f->e, ERR_CONFLICT, NULL, "history entry #%lld has no readable state",
                (long long)h->seq);
        f->bad = 1;
        return 1;
    }
    if (strcmp(h->action, "create") == 0 || !f->state) {
        json_decref(f->state);
        f->state = after;
    } else {
        json_object_update(f->state, after);
        json_decref(after);
    }
    return 0;
}

struct missing {
    json_t *seen;
    struct err *e;
    int bad;
};

static int find_missing(void *ctx, struct record *r)
{
    struct missing *m = ctx;
    if (!m->bad && !json_object_get(m->seen, r->ref)) {
        err_set(m->e, ERR_CONFLICT, NULL,
                "%s %s has no history entry: it was written behind the program's back",
                r->type->name, r->ref);
        m->bad = 1;
    }
    record_free(r);
    return m->bad;
}

/* Frozen versions (the version table) and the method in force are kept
 * outside the records; each was journaled when made. Check that every
 * version still holds exactly the content whose hash the chain recorded,
 * and the method in force is the last one journaled. */
struct journal {
    json_t *frozen;  /* "KIND:SUBJECT:N" (legacy SoA: "soa:*:N") -> sha256 */
    json_t *methods; /* array of method definitions, in order */
};

static int journal_entry(void *ctx, const struct history_entry *h)
{
    struct journal *j = ctx;
    if (!h->after) {
        return 0;
    }
    if (strcmp(h->type, "version") == 0 && strcmp(h->action, "freeze") == 0) {
        json_t *d = json_loads(h->after, 0, NULL);
        json_t *sha = json_object_get(d, "sha256");
        if (sha) {
            json_object_set(j->frozen, h->ref, sha);
        }
        json_decref(d);
    } else if (strcmp(h->type, "soa") == 0 && strcmp(h->action, "approve") == 0 &&
               strncmp(h->ref, "soa:", 4) == 0) {
        /* SoA versions approved before the version table (migration 0008) */
        json_t *d = json_loads(h->after, 0, NULL);
        json_t *sha = json_object_get(d, "sha256");
        if (sha) {
            char key[64];
            snprintf(key, sizeof key, "soa:*:%s", h->ref + 4);
            json_object_set(j->frozen, key, sha);
        }
        json_decref(d);
    } else if (strcmp(h->type, "method") == 0) {
        json_array_append_new(j->methods, json_string(h->after));
    }
    return 0;
}

struct vcheck {
    struct journal *j;
    struct err *e;
    int bad;
};

static int check_version(void *ctx, const struct version_row *v)
{
    struct vcheck *c = ctx;
    char key[200], hash[65], mhash[65] = "";
    sha256_hex(v->content, strlen(v->content), hash);
    snprintf(key, sizeof key, "%s:%s:%d", v->kind, v->subject, v->number);
    const char *rec = json_string_value(json_object_get(c->j->frozen, key));
    if (!rec && strcmp(v->kind, "soa") == 0) {
        snprintf(key, sizeof key, "soa:*:%d", v->number);
        rec = json_string_value(json_object_get(c->j->frozen, key));
    }
    if (!rec && strcmp(v->kind, "method") == 0 && v->number >= 1 &&
        (size_t)v->number <= json_array_size(c->j->methods)) {
        /* method versions: the n-th journaled definition */
        const char *def = json_string_value(json_array_get(c->j->methods, (size_t)v->number - 1));
        sha256_hex(def, strlen(def), mhash);
        rec = mhash;
    }
    if (!rec || strcmp(rec, hash) != 0 || strcmp(v->sha256, hash) != 0) {
        err_set(c->e, ERR_CONFLICT, NULL,
                "frozen version %d of %s %s differs from what the history recorded when it was "
                "made (%s): it was changed behind the program's back",
                v->number, v->kind, v->subject,
                !rec ? "no history entry" : strcmp(v->sha256, hash) ? "its content no longer "
                "has its hash" : "another content");
        c->bad = 1;
        return 1;
    }
    return 0;
}

static int verify_journaled_tables(struct app *a, struct err *e)
{
    struct journal j = {json_object(), json_array()};
    struct vcheck c = {&j, e, 0};
    int rc = -1;
    if (store_history_of_types(a->st, principal_sys(), "soa", "method", journal_entry, &j, e) ||
        store_history_of_types(a->st, principal_sys(), "version", "version", journal_entry, &j, e) ||
        store_versions(a->st, principal_sys(), NULL, NULL, check_version, &c, e) || c.bad) {
        goto done;
    }
    /* methods: one journaled definition per version, the last in force */
    int version;
    char *def = NULL;
    if (store_method_current(a->st, &version, &def, e)) {
        goto done;
    }
    size_t n = json_array_size(j.methods);
    if (version > 0 && (n != (size_t)version || !def ||
                        strcmp(json_string_value(json_array_get(j.methods, n - 1)), def) != 0)) {
        err_set(e, ERR_CONFLICT, NULL,
                "the risk method in force (version %d) is not the one the history recorded: it "
                "was changed behind the program's back",
                version);
        free(def);
        goto done;
    }
    free(def);
    rc = 0;
done:
    json_decref(j.frozen);
    json_decref(j.methods);
    return rc;
}

/* ---- sign-offs against the entries that recorded them --------------------- */

/* Every sign-off row is written with a history entry (type "signoff", action
 * its kind, after: the row's fields) in the same transaction; the row must
 * still say what that entry says. */
struct sgcheck {
    json_t *by_id; /* "ID" -> {"seq", "ref", "action", "at", "after"} */
    long long first_journaled; /* the lowest journaled sign-off id, 0: none */
    long matched;
    struct err *e;
    int bad;
};

static int signoff_entry(void *ctx, const struct history_entry *h)
{
    struct sgcheck *c = ctx;
    json_t *after = h->after ? json_loads(h->after, 0, NULL) : NULL;
    json_t *id = json_object_get(after, "signoff");
    if (!json_is_integer(id)) {
        json_decref(after);
        err_set(c->e, ERR_CONFLICT, NULL,
                "history entry #%lld records a sign-off but names none: the journal was "
                "written behind the program's back",
                (long long)h->seq);
        c->bad = 1;
        return 1;
    }
    char key[32];
    snprintf(key, sizeof key, "%lld", (long long)json_integer_value(id));
    if (!c->first_journaled || json_integer_value(id) < c->first_journaled) {
        c->first_journaled = json_integer_value(id);
    }
    json_object_set_new(c->by_id, key,
                        json_pack("{sIssssssso}", "seq", (json_int_t)h->seq, "ref", h->ref,
                                  "action", h->action, "at", h->at, "after", after));
    return 0;
}

/* Text equal, NULL and "" alike (account names of rows are never NULL). */
static int same_text(const char *row, json_t *v)
{
    const char *j = json_string_value(v);
    return strcmp(row ? row : "", j ? j : "") == 0;
}

static const char *signoff_differs(const struct signoff_row *r, json_t *entry)
{
    json_t *a = json_object_get(entry, "after");
    json_t *ver = json_object_get(a, "version");
    char ref[200];
    if (r->version > 0) {
        snprintf(ref, sizeof ref, "%s:%s:%d", r->subject_kind, r->subject_id, r->version);
    } else {
        snprintf(ref, sizeof ref, "%s", r->subject_id ? r->subject_id : "");
    }
    if (!same_text(r->subject_kind, json_object_get(a, "subject_kind"))) {
        return "subject";
    }
    if (!same_text(r->subject_id, json_object_get(a, "subject"))) {
        return "subject";
    }
    if ((r->version > 0 ? json_integer_value(ver) != r->version : !json_is_null(ver))) {
        return "version";
    }
    if (!same_text(ref, json_object_get(entry, "ref"))) {
        return "subject";
    }
    if (!same_text(r->kind, json_object_get(a, "kind")) ||
        !same_text(r->kind, json_object_get(entry, "action"))) {
        return "kind";
    }
    if (!same_text(r->signed_sha256, json_object_get(a, "signed_sha256"))) {
        return "signed hash";
    }
    if (json_integer_value(json_object_get(a, "account")) != r->account ||
        !same_text(r->account_name, json_object_get(a, "account_name"))) {
        return "account";
    }
    if (!same_text(r->person, json_object_get(a, "person"))) {
        return "signer";
    }
    if (!same_text(r->on_behalf_of, json_object_get(a, "on_behalf_of")) ||
        !same_text(r->evidence, json_object_get(a, "evidence"))) {
        return "on behalf of";
    }
    if (!same_text(r->capacity, json_object_get(a, "capacity"))) {
        return "capacity";
    }
    if (!same_text(r->rationale, json_object_get(a, "rationale"))) {
        return "rationale";
    }
    if (!same_text(r->at, json_object_get(entry, "at"))) {
        return "time";
    }
    json_t *jd = json_object_get(a, "details");
    json_t *rd = r->details ? json_loads(r->details, JSON_DECODE_ANY, NULL) : NULL;
    int same = (!jd && !r->details) || (jd && rd && json_equal(jd, rd));
    json_decref(rd);
    return same ? NULL : "details";
}

static int check_signoff(void *ctx, const struct signoff_row *r)
{
    struct sgcheck *c = ctx;
    char key[32];
    snprintf(key, sizeof key, "%ld", r->id);
    json_t *entry = json_object_get(c->by_id, key);
    char what[200];
    snprintf(what, sizeof what, "%s of %s %s", r->kind ? r->kind : "?",
             r->subject_kind ? r->subject_kind : "?", r->subject_id ? r->subject_id : "?");
    if (r->version > 0) {
        size_t n = strlen(what);
        snprintf(what + n, sizeof what - n, " version %d", r->version);
    }
    if (!entry) {
        /* rows migrated from before sign-offs were journaled (0008) have no
         * account and precede every journaled one */
        if (r->account == 0 && (!c->first_journaled || r->id < c->first_journaled)) {
            return 0;
        }
        err_set(c->e, ERR_CONFLICT, NULL,
                "sign-off #%ld (%s) has no history entry: it was written behind the program's "
                "back",
                r->id, what);
        c->bad = 1;
        return 1;
    }
    const char *field = signoff_differs(r, entry);
    if (field) {
        err_set(c->e, ERR_CONFLICT, NULL,
                "sign-off #%ld (%s) differs from history entry #%lld that recorded it (its %s): "
                "it was changed behind the program's back",
                r->id, what, (long long)json_integer_value(json_object_get(entry, "seq")), field);
        c->bad = 1;
        return 1;
    }
    json_object_del(c->by_id, key);
    c->matched++;
    return 0;
}

static int verify_signoffs(struct app *a, long *matched, struct err *e)
{
    struct sgcheck c = {json_object(), 0, 0, e, 0};
    int rc = -1;
    if (store_history_of_types(a->st, principal_sys(), "signoff", "signoff", signoff_entry, &c, e) || c.bad ||
        store_signoffs(a->st, principal_sys(), NULL, NULL, -1, check_signoff, &c, e) || c.bad) {
        goto done;
    }
    /* entries left: their rows are gone */
    const char *k;
    json_t *v;
    json_object_foreach(c.by_id, k, v) {
        json_t *after = json_object_get(v, "after");
        err_set(e, ERR_CONFLICT, NULL,
                "history entry #%lld recorded sign-off #%s (%s of %s %s), but the sign-off is "
                "missing: it was deleted behind the program's back",
                (long long)json_integer_value(json_object_get(v, "seq")), k,
                json_string_value(json_object_get(after, "kind")),
                json_string_value(json_object_get(after, "subject_kind")),
                json_string_value(json_object_get(after, "subject")));
        goto done;
    }
    *matched = c.matched;
    rc = 0;
done:
    json_decref(c.by_id);
    return rc;
}

/* ---- the stored sort keys ------------------------------------------------ */

/* Every stored sort key must be natkey of its value (store_sortkey.c): a
 * stale one would put a record out of place in listings and their pages. */
struct stale {
    struct err *e;
    int bad;
};

static int stale_key(void *ctx, const char *table, const char *ref, const char *field)
{
    struct stale *c = ctx;
    size_t n = strlen(table);
    int released = n > 9 && !strcmp(table + n - 9, "_released");
    err_set(c->e, ERR_CONFLICT, NULL,
            "%s%.*s %s: the stored sort key of %s is not the one its value gives (changed "
            "behind the program's back): listings would put it out of order",
            released ? "the released form of " : "", (int)(released ? n - 9 : n), table, ref,
            field);
    c->bad = 1;
    return 1;
}

static int verify_sortkeys(struct app *a, struct err *e)
{
    struct stale c = {e, 0};
    if (store_sortkeys_check(a->st, stale_key, &c, e)) {
        return -1;
    }
    return c.bad ? -1 : 0;
}

int app_verify(struct app *a, struct verify_result *res, struct err *e)
{
    memset(res, 0, sizeof *res);
    if (store_verify_chain(a->st, &res->entries, e)) {
        return -1;
    }
    struct fold f = {0};
    f.a = a;
    f.e = e;
    f.seen = json_object();
    int rc = -1;
    if (store_history_by_record(a->st, principal_sys(), fold_entry, &f, e) || fold_finish(&f) || f.bad) {
        goto done;
    }
    /* every record must have history: compare counts, and name the first
     * one without when they differ */
    for (int ti = 0; ti < nrtypes; ti++) {
        long n = store_count(a->st, principal_sys(), rtypes[ti], 1, e);
        if (n < 0) {
            goto done;
        }
        if (f.per_type[ti] != n) {
            struct missing m = {f.seen, e, 0};
            struct query q = {0};
            q.include_retired = 1;
            if (store_list(a->st, principal_sys(), rtypes[ti], &q, find_missing, &m, e) || m.bad) {
                goto done;
            }
        }
    }
    res->records = f.records;
    rc = verify_journaled_tables(a, e);
    if (rc == 0) {
        rc = verify_signoffs(a, &res->signoffs, e);
    }
    if (rc == 0) {
        rc = app_verify_attachments(a, &res->blobs, e);
    }
    if (rc == 0) {
        rc = app_verify_whys(a, e); /* metrics: the 5-whys chains (improve.c) */
    }
    if (rc == 0) {
        rc = ops_verify(a, e); /* ops: incident timelines and notifications */
    }
    if (rc == 0) {
        rc = fw_verify(a, e); /* oscal: imported frameworks and mappings against their history */
    }
    if (rc == 0) {
        rc = verify_sortkeys(a, e); /* the order of listings: each key natkey of its value */
    }
done:
    json_decref(f.state);
    free(f.only_after);
    json_decref(f.seen);
    return rc;
}

int app_backup(struct app *a, const char *out, struct verify_result *res, struct err *e)
{
    if (store_backup(a->st, out, e)) {
        return -1;
    }
    struct app copy;
    if (app_open(&copy, out, a->actor, e)) {
        return -1;
    }
    int rc = app_verify(&copy, res, e);
    app_close(&copy);
    if (rc) {
        char msg[sizeof e->msg];
        strlcpy_(msg, e->msg, sizeof msg);
        err_set(e, ERR_STORAGE, NULL, "the copy at %s does not verify: %s", out, msg);
    }
    return rc;
}

int app_restore(const char *backup, const char *target, struct verify_result *res,
                struct err *e)
{
    struct stat sb;
    if (stat(target, &sb) == 0) {
        return err_set(e, ERR_CONFLICT, NULL,
                       "%s already exists; restore into a new file and move it into place",
                       target);
    }
    struct store *st = NULL;
    /* read-only: a backup is never modified, not even migrated, by checking it */
    if (store_open(backup, STORE_READONLY, &st, e)) {
        char msg[sizeof e->msg];
        strlcpy_(msg, e->msg, sizeof msg);
        return err_set(e, e->code, NULL, "not restoring: %s", msg);
    }
    struct app a;
    memset(&a, 0, sizeof a);
    a.st = st;
    strlcpy_(a.actor, "restore", sizeof a.actor);
    int rc = -1;
    if (store_schema_version(st) < 1) {
        err_set(e, ERR_USAGE, NULL, "not restoring: %s has no ISMS schema", backup);
    } else if (app_verify(&a, res, e)) {
        char msg[sizeof e->msg];
        strlcpy_(msg, e->msg, sizeof msg);
        err_set(e, ERR_STORAGE, NULL, "not restoring: %s does not verify: %s", backup, msg);
    } else {
        rc = store_backup(st, target, e);
    }
    app_close(&a);
    return rc;
}
