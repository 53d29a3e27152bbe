-- 0023_sso.sql — single sign-on (src/app/sso.c): the OpenID Connect and
-- LDAP settings of this ISMS, the sign-in flows under way (only hashes of
-- the state and of the browser's cookie are kept; each row is used once),
-- and which external identity is which account.

CREATE TABLE sso_config (
    kind TEXT PRIMARY KEY CHECK (kind IN ('oidc', 'ldap', 'local')),
    config TEXT NOT NULL,           -- JSON object (sso.c); the client secret is kept here
    updated TEXT NOT NULL
) STRICT;

CREATE TABLE sso_flow (
    state_hash TEXT PRIMARY KEY,    -- SHA-256 of the state parameter
    browser_hash TEXT NOT NULL,     -- SHA-256 of the short-lived cookie it is bound to
    nonce TEXT NOT NULL,
    verifier TEXT NOT NULL,         -- PKCE code verifier
    next TEXT NOT NULL,             -- a path of this site
    created INTEGER NOT NULL        -- unix seconds
) STRICT;

CREATE TABLE sso_identity (
    provider TEXT NOT NULL,         -- "oidc:ISSUER" or "ldap"
    subject TEXT NOT NULL,          -- the provider's sub, or the entry's DN
    account INTEGER NOT NULL REFERENCES account(id),
    created TEXT NOT NULL,
    last_login TEXT,
    PRIMARY KEY (provider, subject)
) STRICT;
CREATE INDEX sso_identity_account ON sso_identity(account);
