-- 0015_typed.sql — a document's content as an attached PDF or DOCX instead
-- of Markdown (src/app/doc_file.c): the working copy names the attachment
-- and its SHA-256; a version freezes both in its content (only when set, so
-- versions of Markdown documents keep their bytes). The view of what staff
-- read gains the same two columns, from the version in force.

ALTER TABLE document ADD COLUMN content_file TEXT;
ALTER TABLE document ADD COLUMN content_sha256 TEXT;

DROP VIEW document_released;
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
       json_extract(v.content, '$.content_file') AS content_file,
       json_extract(v.content, '$.content_sha256') AS content_sha256,
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
