-- 0026_sortkeys.sql — the order of listings as data (issue 16). Every
-- field a listing can order naturally (field_has_sortkey, src/model/types.c:
-- text, e-mail addresses, references and sets, and what a sort_by names)
-- gets a column FIELD_sk holding natkey(value) (src/lib/util.c), NULL when
-- the value is unset. ORDER BY and the keyset cursor compare these bytes
-- instead of the isms_nat collation, so any backend that compares bytes
-- (PostgreSQL: COLLATE "C") orders exactly as SQLite does. The keys are
-- derived: not part of a record, its history, an export or verify's
-- comparison with the history (verify checks that each one is natkey of its
-- value). store_schema_agrees checks these columns against the declarations.
--
-- The rows already in the file get their keys from C, after the SQL of
-- every migration has run, in the same transaction (store_sortkeys_refresh,
-- src/store/store_sortkey.c, called by migrate in store.c): natkey is C,
-- and the keys are listed by the declarations, not again in SQL.
-- No index served the collated order (an index of a column has its binary
-- order, which ORDER BY ... COLLATE isms_nat could not use), so none is
-- replaced; the partial indexes of 0006 order numbers and dates.
DROP VIEW document_released;

ALTER TABLE issue ADD COLUMN title_sk TEXT;
ALTER TABLE issue ADD COLUMN owner_sk TEXT;

ALTER TABLE party ADD COLUMN name_sk TEXT;
ALTER TABLE party ADD COLUMN contact_sk TEXT;
ALTER TABLE party ADD COLUMN owner_sk TEXT;

ALTER TABLE requirement ADD COLUMN title_sk TEXT;
ALTER TABLE requirement ADD COLUMN party_sk TEXT;
ALTER TABLE requirement ADD COLUMN source_sk TEXT;
ALTER TABLE requirement ADD COLUMN jurisdiction_sk TEXT;
ALTER TABLE requirement ADD COLUMN notify_to_sk TEXT;
ALTER TABLE requirement ADD COLUMN owner_sk TEXT;

ALTER TABLE scope ADD COLUMN title_sk TEXT;
ALTER TABLE scope ADD COLUMN version_sk TEXT;
ALTER TABLE scope ADD COLUMN approved_by_sk TEXT;
ALTER TABLE scope ADD COLUMN owner_sk TEXT;

ALTER TABLE document ADD COLUMN title_sk TEXT;
ALTER TABLE document ADD COLUMN version_sk TEXT;
ALTER TABLE document ADD COLUMN clause_sk TEXT;
ALTER TABLE document ADD COLUMN author_sk TEXT;
ALTER TABLE document ADD COLUMN reviewer_sk TEXT;
ALTER TABLE document ADD COLUMN approver_sk TEXT;
ALTER TABLE document ADD COLUMN retention_sk TEXT;
ALTER TABLE document ADD COLUMN audience_departments_sk TEXT;
ALTER TABLE document ADD COLUMN content_file_sk TEXT;
ALTER TABLE document ADD COLUMN content_sha256_sk TEXT;
ALTER TABLE document ADD COLUMN owner_sk TEXT;

ALTER TABLE role ADD COLUMN name_sk TEXT;
ALTER TABLE role ADD COLUMN reports_to_sk TEXT;
ALTER TABLE role ADD COLUMN owner_sk TEXT;

ALTER TABLE person ADD COLUMN name_sk TEXT;
ALTER TABLE person ADD COLUMN email_sk TEXT;
ALTER TABLE person ADD COLUMN job_title_sk TEXT;
ALTER TABLE person ADD COLUMN department_sk TEXT;
ALTER TABLE person ADD COLUMN manager_sk TEXT;
ALTER TABLE person ADD COLUMN owner_sk TEXT;

ALTER TABLE asset ADD COLUMN name_sk TEXT;
ALTER TABLE asset ADD COLUMN custodian_sk TEXT;
ALTER TABLE asset ADD COLUMN location_sk TEXT;
ALTER TABLE asset ADD COLUMN owner_sk TEXT;

ALTER TABLE threat ADD COLUMN name_sk TEXT;
ALTER TABLE threat ADD COLUMN origin_sk TEXT;
ALTER TABLE threat ADD COLUMN owner_sk TEXT;

ALTER TABLE vulnerability ADD COLUMN name_sk TEXT;
ALTER TABLE vulnerability ADD COLUMN owner_sk TEXT;

ALTER TABLE risk ADD COLUMN title_sk TEXT;
ALTER TABLE risk ADD COLUMN threat_sk TEXT;
ALTER TABLE risk ADD COLUMN vulnerability_sk TEXT;
ALTER TABLE risk ADD COLUMN affects_sk TEXT;
ALTER TABLE risk ADD COLUMN review_reason_sk TEXT;
ALTER TABLE risk ADD COLUMN owner_sk TEXT;

ALTER TABLE action ADD COLUMN title_sk TEXT;
ALTER TABLE action ADD COLUMN owner_sk TEXT;

ALTER TABLE control ADD COLUMN title_sk TEXT;
ALTER TABLE control ADD COLUMN theme_sk TEXT;
ALTER TABLE control ADD COLUMN control_type_sk TEXT;
ALTER TABLE control ADD COLUMN security_properties_sk TEXT;
ALTER TABLE control ADD COLUMN cybersecurity_concepts_sk TEXT;
ALTER TABLE control ADD COLUMN operational_capabilities_sk TEXT;
ALTER TABLE control ADD COLUMN security_domains_sk TEXT;
ALTER TABLE control ADD COLUMN owner_sk TEXT;

ALTER TABLE objective ADD COLUMN title_sk TEXT;
ALTER TABLE objective ADD COLUMN measure_sk TEXT;
ALTER TABLE objective ADD COLUMN target_sk TEXT;
ALTER TABLE objective ADD COLUMN metric_sk TEXT;
ALTER TABLE objective ADD COLUMN owner_sk TEXT;

ALTER TABLE change ADD COLUMN title_sk TEXT;
ALTER TABLE change ADD COLUMN owner_sk TEXT;

ALTER TABLE training ADD COLUMN title_sk TEXT;
ALTER TABLE training ADD COLUMN audience_sk TEXT;
ALTER TABLE training ADD COLUMN provider_sk TEXT;
ALTER TABLE training ADD COLUMN owner_sk TEXT;

ALTER TABLE communication ADD COLUMN title_sk TEXT;
ALTER TABLE communication ADD COLUMN audience_sk TEXT;
ALTER TABLE communication ADD COLUMN frequency_sk TEXT;
ALTER TABLE communication ADD COLUMN communicator_sk TEXT;
ALTER TABLE communication ADD COLUMN owner_sk TEXT;

ALTER TABLE process ADD COLUMN name_sk TEXT;
ALTER TABLE process ADD COLUMN owner_sk TEXT;

ALTER TABLE supplier ADD COLUMN name_sk TEXT;
ALTER TABLE supplier ADD COLUMN contact_sk TEXT;
ALTER TABLE supplier ADD COLUMN contract_sk TEXT;
ALTER TABLE supplier ADD COLUMN certifications_sk TEXT;
ALTER TABLE supplier ADD COLUMN owner_sk TEXT;

ALTER TABLE incident ADD COLUMN title_sk TEXT;
ALTER TABLE incident ADD COLUMN reported_by_sk TEXT;
ALTER TABLE incident ADD COLUMN affects_sk TEXT;
ALTER TABLE incident ADD COLUMN nonconformity_sk TEXT;
ALTER TABLE incident ADD COLUMN owner_sk TEXT;

ALTER TABLE continuity ADD COLUMN title_sk TEXT;
ALTER TABLE continuity ADD COLUMN document_sk TEXT;
ALTER TABLE continuity ADD COLUMN owner_sk TEXT;

ALTER TABLE metric ADD COLUMN name_sk TEXT;
ALTER TABLE metric ADD COLUMN unit_sk TEXT;
ALTER TABLE metric ADD COLUMN measured_by_sk TEXT;
ALTER TABLE metric ADD COLUMN evaluated_by_sk TEXT;
ALTER TABLE metric ADD COLUMN owner_sk TEXT;

ALTER TABLE measurement ADD COLUMN metric_sk TEXT;
ALTER TABLE measurement ADD COLUMN owner_sk TEXT;

ALTER TABLE audit ADD COLUMN title_sk TEXT;
ALTER TABLE audit ADD COLUMN lead_auditor_sk TEXT;
ALTER TABLE audit ADD COLUMN auditing_body_sk TEXT;
ALTER TABLE audit ADD COLUMN clauses_sk TEXT;
ALTER TABLE audit ADD COLUMN programme_sk TEXT;
ALTER TABLE audit ADD COLUMN owner_sk TEXT;

ALTER TABLE finding ADD COLUMN audit_sk TEXT;
ALTER TABLE finding ADD COLUMN title_sk TEXT;
ALTER TABLE finding ADD COLUMN clause_sk TEXT;
ALTER TABLE finding ADD COLUMN control_sk TEXT;
ALTER TABLE finding ADD COLUMN nonconformity_sk TEXT;
ALTER TABLE finding ADD COLUMN owner_sk TEXT;

ALTER TABLE review ADD COLUMN title_sk TEXT;
ALTER TABLE review ADD COLUMN chair_sk TEXT;
ALTER TABLE review ADD COLUMN owner_sk TEXT;

ALTER TABLE nonconformity ADD COLUMN title_sk TEXT;
ALTER TABLE nonconformity ADD COLUMN clause_sk TEXT;
ALTER TABLE nonconformity ADD COLUMN control_sk TEXT;
ALTER TABLE nonconformity ADD COLUMN incident_sk TEXT;
ALTER TABLE nonconformity ADD COLUMN test_run_sk TEXT;
ALTER TABLE nonconformity ADD COLUMN audit_item_sk TEXT;
ALTER TABLE nonconformity ADD COLUMN owner_sk TEXT;

ALTER TABLE corrective ADD COLUMN title_sk TEXT;
ALTER TABLE corrective ADD COLUMN nonconformity_sk TEXT;
ALTER TABLE corrective ADD COLUMN owner_sk TEXT;

ALTER TABLE improvement ADD COLUMN title_sk TEXT;
ALTER TABLE improvement ADD COLUMN raised_by_sk TEXT;
ALTER TABLE improvement ADD COLUMN owner_sk TEXT;

ALTER TABLE raction ADD COLUMN title_sk TEXT;
ALTER TABLE raction ADD COLUMN agreed_at_sk TEXT;
ALTER TABLE raction ADD COLUMN owner_sk TEXT;

ALTER TABLE certificate ADD COLUMN body_sk TEXT;
ALTER TABLE certificate ADD COLUMN number_sk TEXT;
ALTER TABLE certificate ADD COLUMN owner_sk TEXT;

ALTER TABLE cnc ADD COLUMN title_sk TEXT;
ALTER TABLE cnc ADD COLUMN certificate_sk TEXT;
ALTER TABLE cnc ADD COLUMN audit_sk TEXT;
ALTER TABLE cnc ADD COLUMN clause_sk TEXT;
ALTER TABLE cnc ADD COLUMN nonconformity_sk TEXT;
ALTER TABLE cnc ADD COLUMN owner_sk TEXT;

ALTER TABLE ctest ADD COLUMN control_sk TEXT;
ALTER TABLE ctest ADD COLUMN title_sk TEXT;
ALTER TABLE ctest ADD COLUMN tester_sk TEXT;
ALTER TABLE ctest ADD COLUMN owner_sk TEXT;

ALTER TABLE ctrun ADD COLUMN test_sk TEXT;
ALTER TABLE ctrun ADD COLUMN tester_sk TEXT;
ALTER TABLE ctrun ADD COLUMN nonconformity_sk TEXT;
ALTER TABLE ctrun ADD COLUMN owner_sk TEXT;

ALTER TABLE programme ADD COLUMN title_sk TEXT;
ALTER TABLE programme ADD COLUMN owner_sk TEXT;

ALTER TABLE checkitem ADD COLUMN audit_sk TEXT;
ALTER TABLE checkitem ADD COLUMN clause_sk TEXT;
ALTER TABLE checkitem ADD COLUMN control_sk TEXT;
ALTER TABLE checkitem ADD COLUMN question_sk TEXT;
ALTER TABLE checkitem ADD COLUMN nonconformity_sk TEXT;
ALTER TABLE checkitem ADD COLUMN owner_sk TEXT;

ALTER TABLE bcptest ADD COLUMN title_sk TEXT;
ALTER TABLE bcptest ADD COLUMN plan_sk TEXT;
ALTER TABLE bcptest ADD COLUMN owner_sk TEXT;

ALTER TABLE exception ADD COLUMN title_sk TEXT;
ALTER TABLE exception ADD COLUMN control_sk TEXT;
ALTER TABLE exception ADD COLUMN document_sk TEXT;
ALTER TABLE exception ADD COLUMN risk_sk TEXT;
ALTER TABLE exception ADD COLUMN owner_sk TEXT;

ALTER TABLE responsibility ADD COLUMN subject_sk TEXT;
ALTER TABLE responsibility ADD COLUMN process_sk TEXT;
ALTER TABLE responsibility ADD COLUMN control_sk TEXT;
ALTER TABLE responsibility ADD COLUMN role_sk TEXT;
ALTER TABLE responsibility ADD COLUMN person_sk TEXT;
ALTER TABLE responsibility ADD COLUMN owner_sk TEXT;

ALTER TABLE competency ADD COLUMN title_sk TEXT;
ALTER TABLE competency ADD COLUMN role_sk TEXT;
ALTER TABLE competency ADD COLUMN owner_sk TEXT;

ALTER TABLE qualification ADD COLUMN title_sk TEXT;
ALTER TABLE qualification ADD COLUMN person_sk TEXT;
ALTER TABLE qualification ADD COLUMN requirement_sk TEXT;
ALTER TABLE qualification ADD COLUMN issuer_sk TEXT;
ALTER TABLE qualification ADD COLUMN owner_sk TEXT;

ALTER TABLE campaign ADD COLUMN title_sk TEXT;
ALTER TABLE campaign ADD COLUMN audience_departments_sk TEXT;
ALTER TABLE campaign ADD COLUMN owner_sk TEXT;

ALTER TABLE briefing ADD COLUMN title_sk TEXT;
ALTER TABLE briefing ADD COLUMN campaign_sk TEXT;
ALTER TABLE briefing ADD COLUMN trainer_sk TEXT;
ALTER TABLE briefing ADD COLUMN owner_sk TEXT;

ALTER TABLE attendance ADD COLUMN briefing_sk TEXT;
ALTER TABLE attendance ADD COLUMN person_sk TEXT;
ALTER TABLE attendance ADD COLUMN confirmed_by_sk TEXT;
ALTER TABLE attendance ADD COLUMN owner_sk TEXT;

ALTER TABLE sassessment ADD COLUMN supplier_sk TEXT;
ALTER TABLE sassessment ADD COLUMN assessor_sk TEXT;
ALTER TABLE sassessment ADD COLUMN questionnaire_sk TEXT;
ALTER TABLE sassessment ADD COLUMN owner_sk TEXT;

ALTER TABLE qtemplate ADD COLUMN title_sk TEXT;
ALTER TABLE qtemplate ADD COLUMN owner_sk TEXT;

ALTER TABLE qquestion ADD COLUMN template_sk TEXT;
ALTER TABLE qquestion ADD COLUMN text_sk TEXT;
ALTER TABLE qquestion ADD COLUMN choices_sk TEXT;
ALTER TABLE qquestion ADD COLUMN expected_sk TEXT;
ALTER TABLE qquestion ADD COLUMN owner_sk TEXT;

ALTER TABLE questionnaire ADD COLUMN supplier_sk TEXT;
ALTER TABLE questionnaire ADD COLUMN template_sk TEXT;
ALTER TABLE questionnaire ADD COLUMN contact_sk TEXT;
ALTER TABLE questionnaire ADD COLUMN owner_sk TEXT;

ALTER TABLE processing ADD COLUMN name_sk TEXT;
ALTER TABLE processing ADD COLUMN data_subjects_sk TEXT;
ALTER TABLE processing ADD COLUMN transfers_sk TEXT;
ALTER TABLE processing ADD COLUMN retention_sk TEXT;
ALTER TABLE processing ADD COLUMN owner_sk TEXT;

ALTER TABLE dpia ADD COLUMN title_sk TEXT;
ALTER TABLE dpia ADD COLUMN processing_sk TEXT;
ALTER TABLE dpia ADD COLUMN owner_sk TEXT;

ALTER TABLE areview ADD COLUMN title_sk TEXT;
ALTER TABLE areview ADD COLUMN system_sk TEXT;
ALTER TABLE areview ADD COLUMN owner_sk TEXT;

ALTER TABLE aaccount ADD COLUMN campaign_sk TEXT;
ALTER TABLE aaccount ADD COLUMN account_sk TEXT;
ALTER TABLE aaccount ADD COLUMN access_sk TEXT;
ALTER TABLE aaccount ADD COLUMN group_name_sk TEXT;
ALTER TABLE aaccount ADD COLUMN reviewer_sk TEXT;
ALTER TABLE aaccount ADD COLUMN decided_by_sk TEXT;
ALTER TABLE aaccount ADD COLUMN owner_sk TEXT;

-- The released form of a document (the view of what staff read, 0010 and
-- 0015) takes its values from the version in force and its approval; their
-- keys are that version's `sortkeys`, a JSON object {"FIELD": key or null}
-- of every field with a key, as the view shows it. The store computes it
-- from the view after every write to the document, its versions and its
-- approval sign-offs (store_released_keys); a version not in force keeps
-- whatever it last had, which nothing reads. The view is the same as in
-- 0015 plus a FIELD_sk column for each of those fields.
ALTER TABLE version ADD COLUMN sortkeys TEXT;

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
       d.retired AS retired,
       json_extract(v.sortkeys, '$.title') AS title_sk,
       json_extract(v.sortkeys, '$.version') AS version_sk,
       json_extract(v.sortkeys, '$.clause') AS clause_sk,
       json_extract(v.sortkeys, '$.author') AS author_sk,
       json_extract(v.sortkeys, '$.reviewer') AS reviewer_sk,
       json_extract(v.sortkeys, '$.approver') AS approver_sk,
       json_extract(v.sortkeys, '$.retention') AS retention_sk,
       json_extract(v.sortkeys, '$.audience_departments') AS audience_departments_sk,
       json_extract(v.sortkeys, '$.content_file') AS content_file_sk,
       json_extract(v.sortkeys, '$.content_sha256') AS content_sha256_sk,
       json_extract(v.sortkeys, '$.owner') AS owner_sk
FROM document d
JOIN version v ON v.subject_kind = 'document' AND v.subject_id = d.ref
               AND v.state IN ('approved', 'published');
