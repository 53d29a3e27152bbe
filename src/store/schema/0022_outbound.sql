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
