-- 0006_list_indexes.sql — the risk register is read by score, highest first,
-- one page at a time, and lists show active records only: partial indexes
-- of the active risks by score let a page (LIMIT/OFFSET) and the count walk
-- the index alone instead of reading every risk to check `retired`.
CREATE INDEX risk_live_residual ON risk(residual_score) WHERE retired IS NULL;
CREATE INDEX risk_live_score ON risk(score) WHERE retired IS NULL;
CREATE INDEX action_live_due ON action(due_date) WHERE retired IS NULL;
