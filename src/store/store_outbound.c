/* store_outbound.c — the SQL of what leaves the ISMS: settings (mail),
 * calendar feeds per account, the log of reminders sent (0022_outbound). */
#include <stdlib.h>
#include <string.h>

#include "../lib/util.h"
#include "store_int.h"

int store_setting_get(struct store *s, const char *key, char *out, size_t size, struct err *e)
{
    struct dbst *st = store_prepare(s, "SELECT value FROM setting WHERE key = ?", e);
    if (!st) {
        return -1;
    }
    db_bind_text(st, 1, key, -1);
    int rc = store_step(s, st, e);
    if (rc == DB_ROW) {
        strlcpy_(out, store_col(st, 0), size);
    }
    db_reset(st);
    return rc < 0 ? -1 : rc == DB_ROW;
}

int store_setting_set(struct store *s, const char *key, const char *value, struct err *e)
{
    struct dbst *st = value ? store_prepare(s, "INSERT INTO setting (key, value) VALUES (?, ?) "
                                                "ON CONFLICT (key) DO UPDATE SET value = excluded.value", e)
                             : store_prepare(s, "DELETE FROM setting WHERE key = ?", e);
    if (!st) {
        return -1;
    }
    db_bind_text(st, 1, key, -1);
    if (value) {
        db_bind_text(st, 2, value, -1);
    }
    return store_run(s, st, e);
}

int store_calfeed_set(struct store *s, long account, const char *secret_sha256, const char *now,
                      struct err *e)
{
    struct dbst *st = store_prepare(s,
        "INSERT INTO calendar_feed (account, secret_sha256, created) VALUES (?, ?, ?) "
        "ON CONFLICT (account) DO UPDATE SET secret_sha256 = excluded.secret_sha256, "
        "created = excluded.created", e);
    if (!st) {
        return -1;
    }
    db_bind_int64(st, 1, account);
    db_bind_text(st, 2, secret_sha256, -1);
    db_bind_text(st, 3, now, -1);
    return store_run(s, st, e);
}

int store_calfeed_delete(struct store *s, long account, struct err *e)
{
    struct dbst *st = store_prepare(s, "DELETE FROM calendar_feed WHERE account = ?", e);
    if (!st) {
        return -1;
    }
    db_bind_int64(st, 1, account);
    if (store_run(s, st, e)) {
        return -1;
    }
    return db_changes(s->db) > 0;
}

int store_calfeed_get(struct store *s, long account, char *created, size_t size, struct err *e)
{
    struct dbst *st = store_prepare(s, "SELECT created FROM calendar_feed WHERE account = ?", e);
    if (!st) {
        return -1;
    }
    db_bind_int64(st, 1, account);
    int rc = store_step(s, st, e);
    if (rc == DB_ROW) {
        strlcpy_(created, store_col(st, 0), size);
    }
    db_reset(st);
    return rc < 0 ? -1 : rc == DB_ROW;
}

long store_calfeed_find(struct store *s, const char *secret_sha256, struct err *e)
{
    struct dbst *st = store_prepare(s,
        "SELECT f.account FROM calendar_feed f JOIN account a ON a.id = f.account "
        "WHERE f.secret_sha256 = ? AND a.disabled = 0", e);
    if (!st) {
        return -1;
    }
    db_bind_text(st, 1, secret_sha256, -1);
    int rc = store_step(s, st, e);
    long id = rc == DB_ROW ? (long)db_col_int64(st, 0) : 0;
    db_reset(st);
    return rc < 0 ? -1 : id;
}

int store_mail_sent_has(struct store *s, const char *person, const char *task, const char *day,
                        struct err *e)
{
    struct dbst *st = store_prepare(s,
        "SELECT 1 FROM mail_sent WHERE person = ? AND task = ? AND day = ?", e);
    if (!st) {
        return -1;
    }
    db_bind_text(st, 1, person, -1);
    db_bind_text(st, 2, task, -1);
    db_bind_text(st, 3, day, -1);
    int rc = store_step(s, st, e);
    db_reset(st);
    return rc < 0 ? -1 : rc == DB_ROW;
}

int store_mail_sent_add(struct store *s, const char *person, const char *task, const char *day,
                        const char *now, struct err *e)
{
    struct dbst *st = store_prepare(s,
        "INSERT INTO mail_sent (person, task, day, sent_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING", e);
    if (!st) {
        return -1;
    }
    db_bind_text(st, 1, person, -1);
    db_bind_text(st, 2, task, -1);
    db_bind_text(st, 3, day, -1);
    db_bind_text(st, 4, now, -1);
    return store_run(s, st, e);
}

/* ---- webhooks ---------------------------------------------------------------- */

int store_webhook_add(struct store *s, const char *url, const char *secret, const char *types,
                      const char *now, const char *by, long *id, struct err *e)
{
    struct dbst *st = store_prepare(s,
        "INSERT INTO webhook (url, secret, types, created, created_by) VALUES (?, ?, ?, ?, ?)", e);
    if (!st) {
        return -1;
    }
    db_bind_text(st, 1, url, -1);
    db_bind_text(st, 2, secret, -1);
    store_bind_opt(st, 3, types && *types ? types : NULL);
    db_bind_text(st, 4, now, -1);
    db_bind_text(st, 5, by, -1);
    if (store_run(s, st, e)) {
        return -1;
    }
    *id = (long)db_last_id(s->db);
    return 0;
}

int store_webhook_remove(struct store *s, long id, struct err *e)
{
    struct dbst *st = store_prepare(s, "DELETE FROM webhook WHERE id = ?", e);
    if (!st) {
        return -1;
    }
    db_bind_int64(st, 1, id);
    if (store_run(s, st, e)) {
        return -1;
    }
    return db_changes(s->db) > 0;
}

int store_webhooks(struct store *s, long id, store_webhook_fn fn, void *ctx, struct err *e)
{
    struct dbst *st = store_prepare(s,
        "SELECT w.id, w.url, w.secret, w.types, w.created, w.created_by, "
        "(SELECT count(*) FROM webhook_queue q WHERE q.hook = w.id AND q.state = 'pending'), "
        "(SELECT count(*) FROM webhook_queue q WHERE q.hook = w.id AND q.state = 'failed') "
        "FROM webhook w WHERE ? = 0 OR w.id = ? ORDER BY w.id", e);
    if (!st) {
        return -1;
    }
    db_bind_int64(st, 1, id);
    db_bind_int64(st, 2, id);
    int rc;
    while ((rc = store_step(s, st, e)) == DB_ROW) {
        struct webhook_row w = {
            .id = (long)db_col_int64(st, 0), .url = store_col(st, 1),
            .secret = store_col(st, 2), .types = store_col(st, 3), .created = store_col(st, 4),
            .created_by = store_col(st, 5), .pending = db_col_int(st, 6),
            .failed = db_col_int(st, 7),
        };
        if (fn(ctx, &w)) {
            break;
        }
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}

int store_webhook_due(struct store *s, long long now, int limit, store_delivery_fn fn, void *ctx,
                      struct err *e)
{
    struct dbst *st = store_prepare(s,
        "SELECT q.id, q.hook, q.seq, q.attempts, w.url, w.secret, "
        "h.at, h.actor, h.type, h.ref, h.action, h.before, h.after "
        "FROM webhook_queue q JOIN webhook w ON w.id = q.hook JOIN history h ON h.seq = q.seq "
        "WHERE q.state = 'pending' AND q.next_at <= ? ORDER BY q.next_at, q.id LIMIT ?", e);
    if (!st) {
        return -1;
    }
    db_bind_int64(st, 1, now);
    db_bind_int(st, 2, limit);
    /* collected first: the callback writes (the result of each attempt) */
    struct delivery_row *v = NULL;
    int n = 0, rc;
    while ((rc = store_step(s, st, e)) == DB_ROW) {
        v = xrealloc(v, (size_t)(n + 1) * sizeof *v);
        struct delivery_row *d = &v[n++];
        d->id = (long)db_col_int64(st, 0);
        d->hook = (long)db_col_int64(st, 1);
        d->seq = db_col_int64(st, 2);
        d->attempts = db_col_int(st, 3);
        const char *c[9];
        for (int i = 0; i < 9; i++) {
            c[i] = store_col(st, 4 + i);
        }
        d->url = xstrdup(c[0]);
        d->secret = xstrdup(c[1]);
        d->at = xstrdup(c[2]);
        d->actor = xstrdup(c[3]);
        d->type = xstrdup(c[4]);
        d->ref = xstrdup(c[5]);
        d->action = xstrdup(c[6]);
        d->before = c[7] ? xstrdup(c[7]) : NULL;
        d->after = c[8] ? xstrdup(c[8]) : NULL;
    }
    db_reset(st);
    int out = rc < 0 ? -1 : 0;
    for (int i = 0; i < n; i++) {
        if (!out && fn(ctx, &v[i])) {
            out = -1; /* fn filled e */
        }
        free(v[i].url);
        free(v[i].secret);
        free(v[i].at);
        free(v[i].actor);
        free(v[i].type);
        free(v[i].ref);
        free(v[i].action);
        free(v[i].before);
        free(v[i].after);
    }
    free(v);
    return out;
}

int store_webhook_result(struct store *s, long delivery, long hook, const char *url,
                         const char *at, int attempt, int status, const char *result, long ms,
                         const char *state, long long next_at, struct err *e)
{
    struct dbst *st = store_prepare(s,
        "INSERT INTO webhook_log (delivery, hook, url, at, attempt, status, result, ms) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", e);
    if (!st) {
        return -1;
    }
    db_bind_int64(st, 1, delivery);
    db_bind_int64(st, 2, hook);
    db_bind_text(st, 3, url, -1);
    db_bind_text(st, 4, at, -1);
    db_bind_int(st, 5, attempt);
    if (status > 0) {
        db_bind_int(st, 6, status);
    } else {
        db_bind_null(st, 6);
    }
    db_bind_text(st, 7, result, -1);
    db_bind_int64(st, 8, ms);
    if (store_run(s, st, e)) {
        return -1;
    }
    st = store_prepare(s, "UPDATE webhook_queue SET attempts = ?, state = ?, next_at = ? "
                          "WHERE id = ?", e);
    if (!st) {
        return -1;
    }
    db_bind_int(st, 1, attempt);
    db_bind_text(st, 2, state, -1);
    db_bind_int64(st, 3, next_at);
    db_bind_int64(st, 4, delivery);
    return store_run(s, st, e);
}

int store_webhook_log(struct store *s, int limit, store_wlog_fn fn, void *ctx, struct err *e)
{
    struct dbst *st = store_prepare(s,
        "SELECT l.id, l.delivery, l.hook, l.url, l.at, l.attempt, l.status, l.result, l.ms, "
        "coalesce(q.state, 'removed'), coalesce(q.next_at, 0), coalesce(h.type, ''), "
        "coalesce(h.ref, ''), coalesce(h.action, '') "
        "FROM webhook_log l LEFT JOIN webhook_queue q ON q.id = l.delivery "
        "LEFT JOIN history h ON h.seq = q.seq ORDER BY l.id DESC LIMIT ?", e);
    if (!st) {
        return -1;
    }
    db_bind_int(st, 1, limit);
    int rc;
    while ((rc = store_step(s, st, e)) == DB_ROW) {
        struct wlog_row l = {
            .id = (long)db_col_int64(st, 0), .delivery = (long)db_col_int64(st, 1),
            .hook = (long)db_col_int64(st, 2), .url = store_col(st, 3),
            .at = store_col(st, 4), .attempt = db_col_int(st, 5),
            .status = db_col_type(st, 6) == DB_NULL ? 0 : db_col_int(st, 6),
            .result = store_col(st, 7), .ms = (long)db_col_int64(st, 8),
            .state = store_col(st, 9), .next_at = db_col_int64(st, 10),
            .type = store_col(st, 11), .ref = store_col(st, 12), .action = store_col(st, 13),
        };
        if (fn(ctx, &l)) {
            break;
        }
    }
    db_reset(st);
    return rc < 0 ? -1 : 0;
}

int store_webhook_any(struct store *s, struct err *e)
{
    struct dbst *st = store_prepare(s, "SELECT EXISTS (SELECT 1 FROM webhook_queue WHERE state = 'pending')", e);
    if (!st) {
        return -1;
    }
    int rc = store_step(s, st, e);
    int v = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_reset(st);
    return rc < 0 ? -1 : v;
}
