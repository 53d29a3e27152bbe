-- 0003_risk_soa.sql — risk assessment and treatment, and the Statement of
-- Applicability (clauses 6.1.2, 6.1.3, 8.2, 8.3).

-- Derived scores (set by the program from the current method) and per
-- dimension consequences; review flags.
ALTER TABLE risk ADD COLUMN consequence_confidentiality INTEGER;
ALTER TABLE risk ADD COLUMN consequence_integrity INTEGER;
ALTER TABLE risk ADD COLUMN consequence_availability INTEGER;
ALTER TABLE risk ADD COLUMN score INTEGER;
ALTER TABLE risk ADD COLUMN level TEXT;
ALTER TABLE risk ADD COLUMN residual_score INTEGER;
ALTER TABLE risk ADD COLUMN residual_level TEXT;
ALTER TABLE risk ADD COLUMN last_reviewed TEXT;
ALTER TABLE risk ADD COLUMN review_reason TEXT;
CREATE INDEX risk_residual_score ON risk(residual_score);
CREATE INDEX risk_score ON risk(score);

-- SoA columns of a control: applicable (NULL = not yet decided) and why.
ALTER TABLE control ADD COLUMN applicable INTEGER;
ALTER TABLE control ADD COLUMN justification TEXT;

-- The risk method, one row per version; the highest version is in force.
CREATE TABLE risk_method (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    definition TEXT NOT NULL, -- canonical JSON (model/method.c)
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
) STRICT;

-- Approvals of anything: a risk's acceptance, the treatment plan, a method
-- version, an SoA version. One shared mechanism, keyed by subject.
CREATE TABLE approval (
    id INTEGER PRIMARY KEY,
    subject TEXT NOT NULL,  -- "R-0001", "plan", "method:2", "soa:3"
    kind TEXT NOT NULL,     -- "acceptance", "approval"
    approver TEXT NOT NULL REFERENCES person(ref),
    capacity TEXT NOT NULL, -- "top-management", "risk-owner"
    at TEXT NOT NULL,
    rationale TEXT,
    details TEXT            -- JSON: what exactly was approved (scores, hashes)
) STRICT;
CREATE INDEX approval_subject ON approval(subject, id);

-- Approved, frozen versions of the Statement of Applicability.
CREATE TABLE soa_version (
    version INTEGER PRIMARY KEY,
    framework TEXT NOT NULL,
    approved_by TEXT NOT NULL REFERENCES person(ref),
    approved_at TEXT NOT NULL,
    note TEXT,
    content TEXT NOT NULL, -- JSON array of rows, as `isms soa --json` prints them
    hash TEXT NOT NULL     -- SHA-256 of content, also recorded in the history chain
) STRICT;
