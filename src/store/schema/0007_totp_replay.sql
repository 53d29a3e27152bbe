-- 0007_totp_replay.sql — a second-factor code is good once (RFC 6238 §5.2):
-- the time step of the last code accepted for the account; a code of that
-- step or an earlier one is refused.
ALTER TABLE account ADD COLUMN totp_last_step INTEGER;
