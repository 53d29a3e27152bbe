-- 0024_derived.sql — which tables each journaled write transaction changed
-- (src/store/store_track.c): the entries first_seq..last_seq of the history
-- were appended by one transaction that changed the tables named (comma
-- separated). Readers learn from it which derived results (dashboard cards,
-- readiness items, task lists) a change can have altered, and keep the rest.
-- Bookkeeping beside the chain, not part of it: old rows are pruned, and a
-- reader that finds a gap assumes everything changed.
CREATE TABLE history_tables (
    last_seq INTEGER PRIMARY KEY,
    first_seq INTEGER NOT NULL,
    tables TEXT NOT NULL
) STRICT;
