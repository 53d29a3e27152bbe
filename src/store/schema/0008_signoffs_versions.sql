-- 0008_signoffs_versions.sql — one version mechanism and one sign-off
-- mechanism for every subject (SoA, documents, scope, risk method, ...),
-- replacing soa_version and approval (their rows move here).
--
-- A version is frozen content: subject (kind + id, e.g. ('soa',
-- 'iso27001-2022'), ('document', 'DOC-0001'), ('scope', 'SC-0001'),
-- ('method', 'risk')), a number, the canonical content and its SHA-256.
-- Content, hash and identity never change (triggers); `state` is the one
-- mutable column, a lifecycle a subject type may use (documents: draft,
-- in-review, approved, published, superseded; scope: in-force, superseded).
CREATE TABLE version (
    id INTEGER PRIMARY KEY,
    subject_kind TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    number INTEGER NOT NULL CHECK (number >= 1),
    content TEXT NOT NULL,
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    state TEXT,
    note TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL, -- the actor (front end and account), as in history
    UNIQUE (subject_kind, subject_id, number)
) STRICT;
CREATE INDEX version_kind_number ON version(subject_kind, number);
CREATE TRIGGER version_frozen BEFORE UPDATE OF id, subject_kind, subject_id, number, content,
    sha256, note, created_at, created_by ON version
BEGIN
    SELECT RAISE(ABORT, 'a frozen version cannot change (only its state)');
END;
CREATE TRIGGER version_kept BEFORE DELETE ON version
BEGIN
    SELECT RAISE(ABORT, 'a frozen version cannot be deleted');
END;

-- A sign-off: who signed what, in which capacity, and the hash of exactly
-- what was signed. `version` is the number of the subject's version, or
-- NULL for a record that is not versioned (a risk's acceptance, the plan):
-- signed_sha256 is then the hash of the record's signed fields. The signer
-- is the account (id and name at the time) and its person. A decision
-- taken elsewhere (board minutes) is kind 'recorded-on-behalf': person is
-- who recorded it, on_behalf_of who decided, evidence the attached minutes.
-- Rows migrated from `approval` have no account (account NULL, name '').
CREATE TABLE signoff (
    id INTEGER PRIMARY KEY,
    subject_kind TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    version INTEGER,
    kind TEXT NOT NULL CHECK (kind IN ('approval', 'acceptance', 'review', 'sent-back',
                                       'acknowledgement', 'recorded-on-behalf')),
    capacity TEXT NOT NULL,
    rationale TEXT,
    signed_sha256 TEXT NOT NULL,
    account INTEGER,
    account_name TEXT NOT NULL,
    person TEXT NOT NULL REFERENCES person(ref),
    on_behalf_of TEXT REFERENCES person(ref),
    evidence TEXT,
    details TEXT,          -- JSON: what the signer saw (scores, counts)
    at TEXT NOT NULL
) STRICT;
CREATE INDEX signoff_subject ON signoff(subject_kind, subject_id, id);
CREATE INDEX signoff_person ON signoff(person, id);
CREATE TRIGGER signoff_append_only_u BEFORE UPDATE ON signoff
BEGIN
    SELECT RAISE(ABORT, 'a sign-off cannot change');
END;
CREATE TRIGGER signoff_append_only_d BEFORE DELETE ON signoff
BEGIN
    SELECT RAISE(ABORT, 'a sign-off cannot be deleted');
END;

-- Approved SoA versions keep their numbers (shared by both frameworks, so
-- "soa:3" in the history still names one version).
INSERT INTO version (subject_kind, subject_id, number, content, sha256, state, note,
                     created_at, created_by)
SELECT 'soa', framework, version, content, hash, 'approved', note, approved_at, approved_by
FROM soa_version ORDER BY version;

-- Method versions: the last is in force.
INSERT INTO version (subject_kind, subject_id, number, content, sha256, state, note,
                     created_at, created_by)
SELECT 'method', 'risk', version, definition, isms_sha256(definition),
       CASE WHEN version = (SELECT max(version) FROM risk_method) THEN 'in-force'
            ELSE 'superseded' END,
       name, created_at, created_by
FROM risk_method ORDER BY version;

-- Approvals keep their ids (history entries name them).
INSERT INTO signoff (id, subject_kind, subject_id, version, kind, capacity, rationale,
                     signed_sha256, account, account_name, person, details, at)
SELECT a.id,
       CASE WHEN a.subject LIKE 'soa:%' THEN 'soa'
            WHEN a.subject = 'plan' THEN 'plan'
            WHEN a.subject LIKE 'method:%' THEN 'method'
            ELSE 'risk' END,
       CASE WHEN a.subject LIKE 'soa:%'
                THEN coalesce((SELECT framework FROM soa_version
                               WHERE version = CAST(substr(a.subject, 5) AS INTEGER)),
                              'iso27001-2022')
            WHEN a.subject = 'plan' THEN 'plan'
            WHEN a.subject LIKE 'method:%' THEN 'risk'
            ELSE a.subject END,
       CASE WHEN a.subject LIKE 'soa:%' THEN CAST(substr(a.subject, 5) AS INTEGER)
            WHEN a.subject LIKE 'method:%' THEN CAST(substr(a.subject, 8) AS INTEGER)
            ELSE NULL END,
       a.kind, a.capacity, a.rationale,
       CASE WHEN json_valid(a.details) AND json_extract(a.details, '$.sha256') IS NOT NULL
                THEN json_extract(a.details, '$.sha256')
            -- a risk still accepted: signed as it stands (store_risk_signed_content)
            WHEN a.kind = 'acceptance' AND EXISTS (SELECT 1 FROM risk r WHERE r.ref = a.subject
                                                   AND r.status = 'accepted')
                THEN (SELECT isms_sha256(json_object(
                          'id', r.ref, 'likelihood', r.likelihood, 'consequence', r.consequence,
                          'score', r.score, 'level', r.level,
                          'residual_likelihood', r.residual_likelihood,
                          'residual_consequence', r.residual_consequence,
                          'residual_score', r.residual_score, 'residual_level', r.residual_level,
                          'treatment', r.treatment))
                      FROM risk r WHERE r.ref = a.subject)
            ELSE isms_sha256(coalesce(a.details, '')) END,
       NULL, '', a.approver, a.details, a.at
FROM approval a ORDER BY a.id;

DROP TABLE approval;
DROP TABLE soa_version;
