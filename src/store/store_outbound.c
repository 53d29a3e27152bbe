/* store_outbound.c — the SQL of what leaves the ISMS: settings (mail),
 * calendar feeds per account, the log of reminders sent (0022_outbound). */
#include <string.h>

#include "../lib/util.h"
#include "store_int.h"

int store_setting_get(struct store *s, const char *key, char *out, size_t size, struct err *e)
{
    sqlite3_stmt *st = store_prepare(s, "SELECT value FROM setting WHERE key = ?", e);
    if (!st) {
        return -1;
    }
    sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    int rc = store_step(s, st, e);
    if (rc == SQLITE_ROW) {
        strlcpy_(out, store_col(st, 0), size);
    }
    sqlite3_reset(st);
    return rc < 0 ? -1 : rc == SQLITE_ROW;
}

int store_setting_set(struct store *s, const char *key, const char *value, struct err *e)
{
    sqlite3_stmt *st = value ? store_prepare(s, "INSERT INTO setting (key, value) VALUES (?, ?) "
                                                "ON CONFLICT (key) DO UPDATE SET value = excluded.value", e)
                             : store_prepare(s, "DELETE FROM setting WHERE key = ?", e);
    if (!st) {
        return -1;
    }
    sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    if (value) {
        sqlite3_bind_text(st, 2, value, -1, SQLITE_TRANSIENT);
    }
    return store_run(s, st, e);
}

int store_calfeed_set(struct store *s, long account, const char *secret_sha256, const char *now,
                      struct err *e)
{
    sqlite3_stmt *st = store_prepare(s,
        "INSERT INTO calendar_feed (account, secret_sha256, created) VALUES (?, ?, ?) "
        "ON CONFLICT (account) DO UPDATE SET secret_sha256 = excluded.secret_sha256, "
        "created = excluded.created", e);
    if (!st) {
        return -1;
    }
    sqlite3_bind_int64(st, 1, account);
    sqlite3_bind_text(st, 2, secret_sha256, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, now, -1, SQLITE_TRANSIENT);
    return store_run(s, st, e);
}

int store_calfeed_delete(struct store *s, long account, struct err *e)
{
    sqlite3_stmt *st = store_prepare(s, "DELETE FROM calendar_feed WHERE account = ?", e);
    if (!st) {
        return -1;
    }
    sqlite3_bind_int64(st, 1, account);
    if (store_run(s, st, e)) {
        return -1;
    }
    return sqlite3_changes(s->db) > 0;
}

int store_calfeed_get(struct store *s, long account, char *created, size_t size, struct err *e)
{
    sqlite3_stmt *st = store_prepare(s, "SELECT created FROM calendar_feed WHERE account = ?", e);
    if (!st) {
        return -1;
    }
    sqlite3_bind_int64(st, 1, account);
    int rc = store_step(s, st, e);
    if (rc == SQLITE_ROW) {
        strlcpy_(created, store_col(st, 0), size);
    }
    sqlite3_reset(st);
    return rc < 0 ? -1 : rc == SQLITE_ROW;
}

long store_calfeed_find(struct store *s, const char *secret_sha256, struct err *e)
{
    sqlite3_stmt *st = store_prepare(s,
        "SELECT f.account FROM calendar_feed f JOIN account a ON a.id = f.account "
        "WHERE f.secret_sha256 = ? AND a.disabled = 0", e);
    if (!st) {
        return -1;
    }
    sqlite3_bind_text(st, 1, secret_sha256, -1, SQLITE_TRANSIENT);
    int rc = store_step(s, st, e);
    long id = rc == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return rc < 0 ? -1 : id;
}

int store_mail_sent_has(struct store *s, const char *person, const char *task, const char *day,
                        struct err *e)
{
    sqlite3_stmt *st = store_prepare(s,
        "SELECT 1 FROM mail_sent WHERE person = ? AND task = ? AND day = ?", e);
    if (!st) {
        return -1;
    }
    sqlite3_bind_text(st, 1, person, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, task, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, day, -1, SQLITE_TRANSIENT);
    int rc = store_step(s, st, e);
    sqlite3_reset(st);
    return rc < 0 ? -1 : rc == SQLITE_ROW;
}

int store_mail_sent_add(struct store *s, const char *person, const char *task, const char *day,
                        const char *now, struct err *e)
{
    sqlite3_stmt *st = store_prepare(s,
        "INSERT OR IGNORE INTO mail_sent (person, task, day, sent_at) VALUES (?, ?, ?, ?)", e);
    if (!st) {
        return -1;
    }
    sqlite3_bind_text(st, 1, person, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, task, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, day, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, now, -1, SQLITE_TRANSIENT);
    return store_run(s, st, e);
}
