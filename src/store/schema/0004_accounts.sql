-- 0004_accounts.sql — who may use this ISMS through the web and the API.
-- Accounts belong to the ISMS file, so each organization has its own.

CREATE TABLE account (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,          -- login name
    role TEXT NOT NULL,                 -- admin, manager, owner, top-management, auditor, staff
    person TEXT REFERENCES person(ref), -- the person this account acts as
    pwhash TEXT NOT NULL,               -- Argon2id (libsodium crypto_pwhash_str)
    totp_secret TEXT,                   -- hex; NULL until enrolled
    totp_required INTEGER NOT NULL DEFAULT 0,
    disabled INTEGER NOT NULL DEFAULT 0,
    created TEXT NOT NULL,
    updated TEXT NOT NULL
) STRICT;

-- Sessions: only a hash of the session id is stored.
CREATE TABLE session (
    id_hash TEXT PRIMARY KEY,
    account INTEGER NOT NULL REFERENCES account(id),
    csrf TEXT NOT NULL,
    created INTEGER NOT NULL,   -- unix seconds
    last_seen INTEGER NOT NULL,
    mfa_ok INTEGER NOT NULL     -- 0 while the second factor is still due
) STRICT;
CREATE INDEX session_account ON session(account);

-- API tokens: shown once, stored as a hash.
CREATE TABLE token (
    id INTEGER PRIMARY KEY,
    account INTEGER NOT NULL REFERENCES account(id),
    name TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    created TEXT NOT NULL,
    last_used TEXT,
    revoked INTEGER NOT NULL DEFAULT 0
) STRICT;

-- Security events: logins, failures, account and permission changes.
CREATE TABLE security_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    event TEXT NOT NULL,     -- login, login-failed, logout, account-add, role-change, ...
    account TEXT,            -- login name concerned
    actor TEXT NOT NULL,     -- who did it
    address TEXT,            -- client address
    detail TEXT
) STRICT;
