-- 0020_accounts.sql — accounts: an end date (an external auditor's
-- account stops working after it), a recorded grant to see personal data
-- of others, scoped API tokens, second-factor recovery codes, and an index
-- for reading the security log by account and by event.

-- expires: YYYY-MM-DD, the last day the account may sign in; NULL: none.
ALTER TABLE account ADD COLUMN expires TEXT;
-- privacy_access: 1 when an administrator granted an outside reader (an
-- auditor with an end date) the personal data the privacy rule hides
-- (perm.c); the reason is kept with it and in the security log.
ALTER TABLE account ADD COLUMN privacy_access INTEGER NOT NULL DEFAULT 0;
ALTER TABLE account ADD COLUMN privacy_reason TEXT;

-- scope: NULL for a token that may do what its account may; 'read-only';
-- or 'types:a,b' (only those record types, reads and writes the account
-- may do); 'read-only;types:a,b' for both.
ALTER TABLE token ADD COLUMN scope TEXT;
-- the day (YYYY-MM-DD) the token was last written to the security log:
-- its first use each day is logged, not every request
ALTER TABLE token ADD COLUMN logged_on TEXT;

-- Recovery codes of the second factor: each good once, only a keyed hash
-- stored. A new set replaces the old.
CREATE TABLE totp_recovery (
    id INTEGER PRIMARY KEY,
    account INTEGER NOT NULL REFERENCES account(id),
    hash TEXT NOT NULL,
    used_at TEXT
) STRICT;
CREATE INDEX totp_recovery_account ON totp_recovery(account);

-- Roles whose accounts must use a second factor (enrol before anything else).
CREATE TABLE totp_role (
    role TEXT PRIMARY KEY
) STRICT;

CREATE INDEX security_log_account ON security_log(account, id);
CREATE INDEX security_log_event ON security_log(event, id);

-- Keys the program makes for itself, once per file. 'seclog-name': the key
-- of the keyed hash under which the security log records a sign-in name
-- that matches no account (often a password typed into the name field:
-- never stored as typed).
CREATE TABLE app_key (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- A second-factor secret being enrolled by the account itself (hex): it
-- takes effect (totp_secret) only once a first code from it is confirmed.
ALTER TABLE account ADD COLUMN totp_pending TEXT;
-- made with the file (SQLite's randomblob: a CSPRNG), so that a failed
-- sign-in writes nothing but its log entry
INSERT INTO app_key (name, value) VALUES ('seclog-name', lower(hex(randomblob(32))));
INSERT INTO app_key (name, value) VALUES ('totp-recovery', lower(hex(randomblob(32))));
