-- 0011_signin_index.sql — completed sign-ins by account and address, so
-- that sign-in throttling can ask "has this address signed in to this
-- account before?" (store_seclog_signed_in) without reading the whole
-- security log, which grows with every failed attempt.
CREATE INDEX security_log_signin ON security_log(account, address, at)
    WHERE event = 'totp-ok' OR (event = 'login' AND detail IS NULL);
