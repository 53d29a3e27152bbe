-- 0010_documents.sql — document control (7.5) and acknowledgement (7.3) on
-- the shared versions and sign-offs of 0008.
--
-- A document's record is its working copy; each version submitted for
-- review is a frozen `version` row (subject_kind 'document', state
-- in-review, sent-back, approved, published, superseded, withdrawn), and
-- reviews, approvals and acknowledgements are `signoff` rows of that
-- version. The record's lifecycle columns (status, version, approver,
-- approved_on, in_force) are written by the workflow only.

ALTER TABLE document ADD COLUMN review_interval INTEGER;
ALTER TABLE document ADD COLUMN audience TEXT;
ALTER TABLE document ADD COLUMN audience_departments TEXT;
ALTER TABLE document ADD COLUMN in_force INTEGER;

-- What staff read of a document: the version in force (approved or
-- published), as frozen — never the working copy, which may hold a draft.
-- Same columns as `document`, so the generic listing code reads it as is
-- (src/store/store_record.c, struct query.released). At most one version
-- of a document is in force (the workflow supersedes the previous one).
CREATE VIEW document_released AS
SELECT d.id AS id, d.ref AS ref,
       json_extract(v.content, '$.title') AS title,
       json_extract(v.content, '$.kind') AS kind,
       printf('%d.0', v.number) AS version,
       json_extract(v.content, '$.classification') AS classification,
       json_extract(v.content, '$.clause') AS clause,
       json_extract(v.content, '$.author') AS author,
       json_extract(v.content, '$.reviewer') AS reviewer,
       (SELECT s.person FROM signoff s WHERE s.subject_kind = 'document'
            AND s.subject_id = d.ref AND s.version = v.number AND s.kind = 'approval'
            ORDER BY s.id DESC LIMIT 1) AS approver,
       (SELECT substr(s.at, 1, 10) FROM signoff s WHERE s.subject_kind = 'document'
            AND s.subject_id = d.ref AND s.version = v.number AND s.kind = 'approval'
            ORDER BY s.id DESC LIMIT 1) AS approved_on,
       d.review_date AS review_date,
       json_extract(v.content, '$.review_interval') AS review_interval,
       json_extract(v.content, '$.retention') AS retention,
       json_extract(v.content, '$.audience') AS audience,
       json_extract(v.content, '$.audience_departments') AS audience_departments,
       json_extract(v.content, '$.audience_roles') AS audience_roles,
       json_extract(v.content, '$.body') AS body,
       v.number AS in_force,
       d.owner AS owner,
       v.state AS status,
       NULL AS notes,
       d.created AS created,
       v.created_at AS updated,
       d.retired AS retired
FROM document d
JOIN version v ON v.subject_kind = 'document' AND v.subject_id = d.ref
               AND v.state IN ('approved', 'published');

-- Acknowledgement completion of one version: who signed it, found by
-- (document, version, kind, person) without reading other documents'.
CREATE INDEX signoff_ack ON signoff(subject_kind, subject_id, version, kind, person);
-- The audience of a document: people by department, roles by holder.
CREATE INDEX person_department ON person(department) WHERE retired IS NULL;
