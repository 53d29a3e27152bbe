-- 0019_suppliers.sql — supplier assessments and questionnaires (A.5.19-5.23),
-- the privacy register (processing activities, DPIAs) and access reviews
-- (src/app/suppliers.c). Record tables as src/model/types.c declares them,
-- plus the questionnaire links (only a token's SHA-256 is stored) and the
-- answers given through them.

CREATE TABLE sassessment (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    supplier TEXT NOT NULL REFERENCES supplier(ref),
    assessed_on TEXT NOT NULL,
    assessor TEXT NOT NULL REFERENCES person(ref),
    method TEXT,
    result TEXT NOT NULL,
    questionnaire TEXT REFERENCES questionnaire(ref),
    findings TEXT,
    owner TEXT REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX sassessment_supplier ON sassessment(supplier);
CREATE INDEX sassessment_owner ON sassessment(owner);

CREATE TABLE qtemplate (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    description TEXT,
    owner TEXT REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX qtemplate_owner ON qtemplate(owner);

CREATE TABLE qquestion (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    template TEXT NOT NULL REFERENCES qtemplate(ref),
    position INTEGER,
    text TEXT NOT NULL,
    answer_type TEXT NOT NULL,
    choices TEXT,
    expected TEXT,
    weight INTEGER,
    owner TEXT REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX qquestion_template ON qquestion(template);
CREATE INDEX qquestion_owner ON qquestion(owner);

CREATE TABLE questionnaire (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    supplier TEXT NOT NULL REFERENCES supplier(ref),
    template TEXT NOT NULL REFERENCES qtemplate(ref),
    contact TEXT,
    sent_on TEXT,
    expires_at TEXT,
    completed_at TEXT,
    score REAL,
    followup TEXT,
    owner TEXT REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX questionnaire_supplier ON questionnaire(supplier);
CREATE INDEX questionnaire_owner ON questionnaire(owner);

CREATE TABLE processing (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    purpose TEXT NOT NULL,
    legal_basis TEXT NOT NULL,
    role TEXT,
    data_subjects TEXT,
    data_categories TEXT,
    special_categories INTEGER,
    recipients TEXT,
    transfers TEXT,
    safeguards TEXT,
    retention TEXT NOT NULL,
    owner TEXT NOT NULL REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX processing_owner ON processing(owner);

CREATE TABLE dpia (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    processing TEXT NOT NULL REFERENCES processing(ref),
    description TEXT,
    necessity TEXT,
    measures TEXT,
    decision TEXT,
    decision_rationale TEXT,
    decided_on TEXT,
    owner TEXT NOT NULL REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX dpia_processing ON dpia(processing);
CREATE INDEX dpia_owner ON dpia(owner);

CREATE TABLE areview (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    system TEXT NOT NULL REFERENCES asset(ref),
    started_on TEXT,
    due_date TEXT NOT NULL,
    description TEXT,
    owner TEXT NOT NULL REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX areview_system ON areview(system);
CREATE INDEX areview_owner ON areview(owner);

CREATE TABLE aaccount (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    campaign TEXT NOT NULL REFERENCES areview(ref),
    account TEXT NOT NULL,
    access TEXT,
    group_name TEXT,
    reviewer TEXT REFERENCES person(ref),
    decision TEXT,
    comment TEXT,
    decided_by TEXT,
    decided_at TEXT,
    done_on TEXT,
    owner TEXT REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX aaccount_campaign ON aaccount(campaign);
CREATE INDEX aaccount_reviewer ON aaccount(reviewer);
CREATE INDEX aaccount_owner ON aaccount(owner);

-- The link of a sent questionnaire: SHA-256 of the 256-bit token (never the
-- token), its expiry, the per-link form nonce, and when it was answered.
CREATE TABLE qtoken (
    questionnaire TEXT PRIMARY KEY REFERENCES questionnaire(ref),
    token_sha256 TEXT NOT NULL UNIQUE,
    supplier TEXT NOT NULL REFERENCES supplier(ref),
    expires_at TEXT NOT NULL,
    nonce TEXT NOT NULL,
    created_at TEXT NOT NULL,
    used_at TEXT
) STRICT;

-- The answers to a questionnaire, one row per question as it was asked
-- (text, type, weight), with the points each earned (written once, when
-- the supplier submits).
CREATE TABLE qanswer (
    questionnaire TEXT NOT NULL REFERENCES questionnaire(ref),
    question TEXT NOT NULL REFERENCES qquestion(ref),
    question_text TEXT NOT NULL,
    answer_type TEXT NOT NULL,
    weight INTEGER NOT NULL,
    answer TEXT NOT NULL,
    points REAL NOT NULL,
    max_points REAL NOT NULL,
    PRIMARY KEY (questionnaire, question)
) STRICT;
CREATE TRIGGER qanswer_no_update BEFORE UPDATE ON qanswer
BEGIN SELECT RAISE(ABORT, 'answers are written once'); END;
CREATE TRIGGER qanswer_no_delete BEFORE DELETE ON qanswer
BEGIN SELECT RAISE(ABORT, 'answers are written once'); END;
