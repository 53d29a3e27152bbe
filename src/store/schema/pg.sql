-- pg.sql — what the PostgreSQL schema cannot take from SQLite's as it is:
-- the guards that keep the history, sign-offs, versions, attachments,
-- timelines and answers as they were written, the webhook queue's feed,
-- and the released-documents view. The tables and indexes are generated
-- from the SQLite migrations (src/store/schema_pg.c), the one source of
-- truth; every trigger and view of SQLite's schema must be here under the
-- same name, or the generator refuses (so the two cannot drift apart).

-- the session's engine, for the store's own checks
CREATE TABLE isms_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- The data version (SQLite's file control of that name): a number that
-- changes with every transaction that writes anything, read inside a
-- snapshot, so every server's caches keyed on it see every other's writes.
-- Each table has a statement trigger calling isms_bump (schema_pg.c adds
-- them); the first in a transaction counts it, the rest see the mark.
CREATE TABLE isms_change (
    n BIGINT NOT NULL
);
INSERT INTO isms_change (n) VALUES (1);
CREATE FUNCTION isms_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('isms.bumped', true), '') = '' THEN
        UPDATE isms_change SET n = n + 1;
        PERFORM set_config('isms.bumped', '1', true);
    END IF;
    RETURN NULL;
END $$;

-- SQLite's functions that the store's queries call, with SQLite's meaning,
-- so each query is written once for both engines
CREATE FUNCTION instr(text, text) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS 'SELECT strpos($1, $2)';
-- group_concat(x, sep): the values joined in the order they come
CREATE FUNCTION isms_concat_step(acc text, x text, sep text) RETURNS text LANGUAGE sql
    IMMUTABLE PARALLEL SAFE
    AS 'SELECT CASE WHEN x IS NULL THEN acc WHEN acc IS NULL THEN x ELSE acc || sep || x END';
CREATE AGGREGATE group_concat(text, text) (SFUNC = isms_concat_step, STYPE = text);
CREATE FUNCTION isms_concat_step1(acc text, x text) RETURNS text LANGUAGE sql
    IMMUTABLE PARALLEL SAFE AS 'SELECT isms_concat_step(acc, x, '','')';
CREATE AGGREGATE group_concat(text) (SFUNC = isms_concat_step1, STYPE = text);
-- json_each(a JSON array as text): its elements (key: the index; value: the
-- element as text), as SQLite's over an array of strings
CREATE FUNCTION json_each(text) RETURNS TABLE (key integer, value text) LANGUAGE sql
    IMMUTABLE PARALLEL SAFE
    AS 'SELECT (t.n - 1)::integer, t.v FROM jsonb_array_elements_text($1::jsonb) WITH ORDINALITY AS t(v, n)';

-- RAISE(ABORT, msg) of SQLite's triggers: the message is the argument
CREATE FUNCTION isms_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'integrity_constraint_violation';
END $$;

CREATE TRIGGER history_append_only_u BEFORE UPDATE ON history
    FOR EACH ROW EXECUTE FUNCTION isms_refuse('history is append-only');
CREATE TRIGGER history_append_only_d BEFORE DELETE ON history
    FOR EACH ROW EXECUTE FUNCTION isms_refuse('history is append-only');

CREATE TRIGGER version_frozen BEFORE UPDATE OF id, subject_kind, subject_id, number, content,
    sha256, note, created_at, created_by ON version
    FOR EACH ROW EXECUTE FUNCTION isms_refuse('a frozen version cannot change (only its state)');
CREATE TRIGGER version_kept BEFORE DELETE ON version
    FOR EACH ROW EXECUTE FUNCTION isms_refuse('a frozen version cannot be deleted');

CREATE TRIGGER signoff_append_only_u BEFORE UPDATE ON signoff
    FOR EACH ROW EXECUTE FUNCTION isms_refuse('a sign-off cannot change');
CREATE TRIGGER signoff_append_only_d BEFORE DELETE ON signoff
    FOR EACH ROW EXECUTE FUNCTION isms_refuse('a sign-off cannot be deleted');

CREATE TRIGGER attachment_fixed BEFORE UPDATE OF sha256, size, subject, ref, added_at, added_by
    ON attachment
    FOR EACH ROW EXECUTE FUNCTION isms_refuse('an attachment''s content, size and record cannot change');
CREATE TRIGGER attachment_removed_once BEFORE UPDATE OF removed_at, removed_by ON attachment
    FOR EACH ROW WHEN (OLD.removed_at IS NOT NULL)
    EXECUTE FUNCTION isms_refuse('the attachment was already removed');
CREATE TRIGGER attachment_no_delete BEFORE DELETE ON attachment
    FOR EACH ROW EXECUTE FUNCTION isms_refuse('attachments are kept for the record; remove marks them removed');

-- evidence files are read a chunk at a time (substring): kept
-- uncompressed, so a chunk is read without the whole value
ALTER TABLE blob ALTER COLUMN data SET STORAGE EXTERNAL;
CREATE TRIGGER blob_fixed BEFORE UPDATE OF sha256, size ON blob
    FOR EACH ROW EXECUTE FUNCTION isms_refuse('a blob''s hash and size cannot change');
-- a trigger's WHEN cannot hold a subquery in PostgreSQL: the test is in
-- the function
CREATE FUNCTION isms_blob_referenced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM attachment WHERE sha256 = OLD.sha256) THEN
        RAISE EXCEPTION 'the blob is still referenced by an attachment'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN OLD;
END $$;
CREATE TRIGGER blob_referenced BEFORE DELETE ON blob
    FOR EACH ROW EXECUTE FUNCTION isms_blob_referenced();

CREATE TRIGGER incident_entry_kept_u BEFORE UPDATE ON incident_entry
    FOR EACH ROW EXECUTE FUNCTION isms_refuse('a timeline entry cannot change');
CREATE TRIGGER incident_entry_kept_d BEFORE DELETE ON incident_entry
    FOR EACH ROW EXECUTE FUNCTION isms_refuse('a timeline entry cannot be deleted');
CREATE TRIGGER incident_notice_kept_u BEFORE UPDATE ON incident_notice
    FOR EACH ROW EXECUTE FUNCTION isms_refuse('a notification record cannot change');
CREATE TRIGGER incident_notice_kept_d BEFORE DELETE ON incident_notice
    FOR EACH ROW EXECUTE FUNCTION isms_refuse('a notification record cannot be deleted');

CREATE TRIGGER qanswer_no_update BEFORE UPDATE ON qanswer
    FOR EACH ROW EXECUTE FUNCTION isms_refuse('answers are written once');
CREATE TRIGGER qanswer_no_delete BEFORE DELETE ON qanswer
    FOR EACH ROW EXECUTE FUNCTION isms_refuse('answers are written once');

-- every history entry queued for each webhook that wants its type
CREATE FUNCTION isms_webhook_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO webhook_queue (hook, seq, attempts, next_at, state, created)
    SELECT w.id, NEW.seq, 0, CAST(extract(epoch FROM now()) AS BIGINT), 'pending', NEW.at
    FROM webhook w
    WHERE w.types IS NULL OR strpos(',' || w.types || ',', ',' || NEW.type || ',') > 0;
    RETURN NEW;
END $$;
CREATE TRIGGER webhook_enqueue AFTER INSERT ON history
    FOR EACH ROW EXECUTE FUNCTION isms_webhook_enqueue();

CREATE VIEW document_released AS
SELECT d.id AS id, d.ref AS ref,
       v.content::jsonb ->> 'title' AS title,
       v.content::jsonb ->> 'kind' AS kind,
       v.number || '.0' AS version,
       v.content::jsonb ->> 'classification' AS classification,
       v.content::jsonb ->> 'clause' AS clause,
       v.content::jsonb ->> 'author' AS author,
       v.content::jsonb ->> 'reviewer' AS reviewer,
       (SELECT s.person FROM signoff s WHERE s.subject_kind = 'document'
            AND s.subject_id = d.ref AND s.version = v.number AND s.kind = 'approval'
            ORDER BY s.id DESC LIMIT 1) AS approver,
       (SELECT substr(s.at, 1, 10) FROM signoff s WHERE s.subject_kind = 'document'
            AND s.subject_id = d.ref AND s.version = v.number AND s.kind = 'approval'
            ORDER BY s.id DESC LIMIT 1) AS approved_on,
       d.review_date AS review_date,
       (v.content::jsonb ->> 'review_interval')::bigint AS review_interval,
       v.content::jsonb ->> 'retention' AS retention,
       v.content::jsonb ->> 'audience' AS audience,
       v.content::jsonb ->> 'audience_departments' AS audience_departments,
       v.content::jsonb ->> 'audience_roles' AS audience_roles,
       v.content::jsonb ->> 'body' AS body,
       v.content::jsonb ->> 'content_file' AS content_file,
       v.content::jsonb ->> 'content_sha256' AS content_sha256,
       v.number AS in_force,
       d.owner AS owner,
       v.state AS status,
       NULL::text AS notes,
       d.created AS created,
       v.created_at AS updated,
       d.retired AS retired,
       (v.sortkeys::jsonb ->> 'title') COLLATE "C" AS title_sk,
       (v.sortkeys::jsonb ->> 'version') COLLATE "C" AS version_sk,
       (v.sortkeys::jsonb ->> 'clause') COLLATE "C" AS clause_sk,
       (v.sortkeys::jsonb ->> 'author') COLLATE "C" AS author_sk,
       (v.sortkeys::jsonb ->> 'reviewer') COLLATE "C" AS reviewer_sk,
       (v.sortkeys::jsonb ->> 'approver') COLLATE "C" AS approver_sk,
       (v.sortkeys::jsonb ->> 'retention') COLLATE "C" AS retention_sk,
       (v.sortkeys::jsonb ->> 'audience_departments') COLLATE "C" AS audience_departments_sk,
       (v.sortkeys::jsonb ->> 'content_file') COLLATE "C" AS content_file_sk,
       (v.sortkeys::jsonb ->> 'content_sha256') COLLATE "C" AS content_sha256_sk,
       (v.sortkeys::jsonb ->> 'owner') COLLATE "C" AS owner_sk
FROM document d
JOIN version v ON v.subject_kind = 'document' AND v.subject_id = d.ref
               AND v.state IN ('approved', 'published');
