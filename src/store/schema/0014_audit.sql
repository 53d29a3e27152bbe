-- 0014_audit.sql — control tests (9.1), the audit programme and audit
-- checklists (9.2): four record types, and the fields that link audits to
-- their programme, record auditor-independence warnings, and say what
-- raised a nonconformity (a control test run, an audit checklist item).

-- Control test (9.1): how and how often an applicable control is tested
CREATE TABLE ctest (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    control TEXT NOT NULL REFERENCES control(ref),
    title TEXT NOT NULL,
    method TEXT,
    frequency TEXT NOT NULL,
    tester TEXT REFERENCES person(ref),
    first_due TEXT,
    owner TEXT REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX ctest_control ON ctest(control);
CREATE INDEX ctest_tester ON ctest(tester);
CREATE INDEX ctest_owner ON ctest(owner);
CREATE INDEX ctest_status ON ctest(status);

-- Control test run (9.1): a test performed, its result and evidence
CREATE TABLE ctrun (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    test TEXT NOT NULL REFERENCES ctest(ref),
    performed_on TEXT NOT NULL,
    result TEXT NOT NULL,
    tester TEXT REFERENCES person(ref),
    observations TEXT,
    nonconformity TEXT REFERENCES nonconformity(ref),
    owner TEXT REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX ctrun_test ON ctrun(test, performed_on);
CREATE INDEX ctrun_tester ON ctrun(tester);
CREATE INDEX ctrun_nonconformity ON ctrun(nonconformity);
CREATE INDEX ctrun_owner ON ctrun(owner);
CREATE INDEX ctrun_status ON ctrun(status);

-- Audit programme (9.2): the three-year cycle
CREATE TABLE programme (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    start_year INTEGER NOT NULL,
    approach TEXT,
    owner TEXT REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX programme_owner ON programme(owner);
CREATE INDEX programme_status ON programme(status);

-- Audit checklist item (9.2): a question, the evidence seen, the result
CREATE TABLE checkitem (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    audit TEXT NOT NULL REFERENCES audit(ref),
    clause TEXT,
    control TEXT REFERENCES control(ref),
    question TEXT NOT NULL,
    evidence TEXT,
    result TEXT,
    nonconformity TEXT REFERENCES nonconformity(ref),
    owner TEXT REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX checkitem_audit ON checkitem(audit);
CREATE INDEX checkitem_control ON checkitem(control);
CREATE INDEX checkitem_nonconformity ON checkitem(nonconformity);
CREATE INDEX checkitem_owner ON checkitem(owner);
CREATE INDEX checkitem_status ON checkitem(status);

ALTER TABLE audit ADD COLUMN programme TEXT REFERENCES programme(ref);
ALTER TABLE audit ADD COLUMN independence TEXT;
CREATE INDEX audit_programme ON audit(programme);
ALTER TABLE nonconformity ADD COLUMN test_run TEXT REFERENCES ctrun(ref);
ALTER TABLE nonconformity ADD COLUMN audit_item TEXT REFERENCES checkitem(ref);
CREATE INDEX nonconformity_test_run ON nonconformity(test_run);
CREATE INDEX nonconformity_audit_item ON nonconformity(audit_item);
