-- 0001_core.sql — the mechanisms shared by every record type: identifier
-- counters, links between records, the history journal, and the clauses of
-- the standard as reference data. Migrations are applied in order inside one
-- transaction; never edit a migration that has shipped, add a new one.

-- Next number per identifier prefix (R-0001, R-0002, ...). Numbers are never
-- reused, not even after a record is retired.
CREATE TABLE refseq (
    prefix TEXT PRIMARY KEY,
    last INTEGER NOT NULL
) STRICT;

-- Many-to-many references between records ("a risk's assets"). The field
-- name is `rel`; both ends are record identifiers, unique across types.
CREATE TABLE link (
    src TEXT NOT NULL,
    rel TEXT NOT NULL,
    dst TEXT NOT NULL,
    src_type TEXT NOT NULL,
    dst_type TEXT NOT NULL,
    PRIMARY KEY (src, rel, dst)
) STRICT, WITHOUT ROWID;
CREATE INDEX link_dst ON link(dst, rel);

-- The journal: one entry per mutation, written in the same transaction.
-- hash = SHA-256 over prev and the entry's fields (see store_history.c);
-- prev of the first entry is 64 zeros.
CREATE TABLE history (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    type TEXT NOT NULL,
    ref TEXT NOT NULL,
    action TEXT NOT NULL,
    before TEXT,
    after TEXT,
    prev TEXT NOT NULL,
    hash TEXT NOT NULL
) STRICT;
CREATE INDEX history_ref ON history(ref, seq);
CREATE TRIGGER history_append_only_u BEFORE UPDATE ON history
BEGIN
    SELECT RAISE(ABORT, 'history is append-only');
END;
CREATE TRIGGER history_append_only_d BEFORE DELETE ON history
BEGIN
    SELECT RAISE(ABORT, 'history is append-only');
END;

-- Clauses 4.1 to 10.2 (data/reference/iso27001-clauses.csv, loaded at init).
CREATE TABLE clause (
    clause TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    documented INTEGER NOT NULL,
    version_note TEXT NOT NULL
) STRICT;
