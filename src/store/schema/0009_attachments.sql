-- 0009_attachments.sql — evidence files attached to any record (7.5.3, 9.1).
-- Content is stored once per SHA-256 (deduplicated) in `blob`; `attachment`
-- says which record it belongs to, under which name, since when, until when
-- it is valid. Attaching and removing are history entries of the record
-- (type 'attachment'), which `isms verify` folds and compares with this table.
CREATE TABLE blob (
    sha256 TEXT PRIMARY KEY,            -- lowercase hex of data
    size INTEGER NOT NULL,
    data BLOB NOT NULL                  -- written and read in chunks (sqlite3_blob_*)
) STRICT;

CREATE TABLE attachment (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,           -- "ATT-0001", numbered by refseq (prefix ATT)
    subject TEXT NOT NULL,              -- the record it belongs to: "R-0001", "8.24"
    name TEXT NOT NULL,                 -- file name as given (no directory)
    media_type TEXT NOT NULL,           -- from the allow-list, else application/octet-stream
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL REFERENCES blob(sha256),
    valid_until TEXT,                   -- YYYY-MM-DD: evidence expires then
    added_at TEXT NOT NULL,
    added_by TEXT NOT NULL,             -- the actor ("web:alice", "cli:bob")
    removed_at TEXT,
    removed_by TEXT
) STRICT;
CREATE INDEX attachment_subject ON attachment(subject, id);
CREATE INDEX attachment_sha256 ON attachment(sha256);

-- What was attached stays what was attached: content, size and owner
-- record never change; removal is a mark, once.
CREATE TRIGGER attachment_fixed BEFORE UPDATE OF sha256, size, subject, ref, added_at, added_by
ON attachment
BEGIN
    SELECT RAISE(ABORT, 'an attachment''s content, size and record cannot change');
END;
CREATE TRIGGER attachment_removed_once BEFORE UPDATE OF removed_at, removed_by ON attachment
WHEN OLD.removed_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'the attachment was already removed');
END;
CREATE TRIGGER attachment_no_delete BEFORE DELETE ON attachment
BEGIN
    SELECT RAISE(ABORT, 'attachments are kept for the record; remove marks them removed');
END;
CREATE TRIGGER blob_fixed BEFORE UPDATE OF sha256, size ON blob
BEGIN
    SELECT RAISE(ABORT, 'a blob''s hash and size cannot change');
END;
CREATE TRIGGER blob_referenced BEFORE DELETE ON blob
WHEN EXISTS (SELECT 1 FROM attachment WHERE sha256 = OLD.sha256)
BEGIN
    SELECT RAISE(ABORT, 'the blob is still referenced by an attachment');
END;
