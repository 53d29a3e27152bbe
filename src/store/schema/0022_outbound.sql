-- 0022_outbound.sql — what leaves the ISMS: settings of this ISMS (mail),
-- calendar feeds per account, the reminders already sent.

-- Settings of this ISMS, by key ("mail.smtp", "mail.from", ...). The mail
-- password is kept here and nowhere else (never logged, exported only with
-- --with-accounts).
CREATE TABLE setting (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- A calendar feed per account: the SHA-256 of the secret in its URL
-- (/cal/SECRET.ics). Revoking deletes the row: the URL then answers 404.
CREATE TABLE calendar_feed (
    account INTEGER PRIMARY KEY REFERENCES account(id),
    secret_sha256 TEXT NOT NULL UNIQUE,
    created TEXT NOT NULL
) STRICT;

-- Reminders sent: one row per person, task and day, so a task is never in
-- two mails to the same person on one day.
CREATE TABLE mail_sent (
    person TEXT NOT NULL,
    task TEXT NOT NULL,      -- source/subject/what of the task
    day TEXT NOT NULL,       -- YYYY-MM-DD (the sender's today)
    sent_at TEXT NOT NULL,
    PRIMARY KEY (person, task, day)
) STRICT;

-- Outgoing webhooks: a URL, the HMAC key its deliveries are signed with
-- (kept to sign; exported only with --with-accounts), the record types it
-- wants (NULL: every type).
CREATE TABLE webhook (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    types TEXT,
    created TEXT NOT NULL,
    created_by TEXT NOT NULL
) STRICT;

-- What is to be delivered: one row per webhook and history entry, queued
-- by the trigger below in the very transaction of the change (nothing is
-- queued for a change that is rolled back), delivered later by the server's
-- timer thread or `isms webhook deliver`, with retries.
CREATE TABLE webhook_queue (
    id INTEGER PRIMARY KEY,
    hook INTEGER NOT NULL REFERENCES webhook(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,                -- the history entry
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at INTEGER NOT NULL,            -- unix seconds of the next attempt
    state TEXT NOT NULL,                 -- pending | delivered | failed
    created TEXT NOT NULL
) STRICT;
CREATE INDEX webhook_queue_due ON webhook_queue(state, next_at);

-- Every attempt: when, its answer (HTTP status, or none) and what happened.
CREATE TABLE webhook_log (
    id INTEGER PRIMARY KEY,
    delivery INTEGER NOT NULL,
    hook INTEGER NOT NULL,
    url TEXT NOT NULL,
    at TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    status INTEGER,
    result TEXT NOT NULL,
    ms INTEGER NOT NULL
) STRICT;

-- A record change (any history entry of a record type) queued for each
-- webhook that wants its type.
CREATE TRIGGER webhook_enqueue AFTER INSERT ON history
WHEN EXISTS (SELECT 1 FROM webhook)
BEGIN
    INSERT INTO webhook_queue (hook, seq, attempts, next_at, state, created)
    SELECT w.id, NEW.seq, 0, CAST(strftime('%s', 'now') AS INTEGER), 'pending', NEW.at
    FROM webhook w
    WHERE w.types IS NULL OR instr(',' || w.types || ',', ',' || NEW.type || ',') > 0;
END;
