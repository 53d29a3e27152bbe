-- 0018_ops.sql — incidents (timeline, notification duties done), continuity
-- tests, security exceptions, operational planning (src/app/ops.c,
-- src/store/store_ops.c).

-- Requirement (4.2): a duty to notify of incidents
ALTER TABLE requirement ADD COLUMN notify_when TEXT;
ALTER TABLE requirement ADD COLUMN notify_hours INTEGER;
ALTER TABLE requirement ADD COLUMN notify_to TEXT;

-- Incident (A.5.25): event or incident
ALTER TABLE incident ADD COLUMN classification TEXT;

-- Continuity plan (A.5.30): downtime limit, its versioned document, test interval
ALTER TABLE continuity ADD COLUMN mtd_hours REAL;
ALTER TABLE continuity ADD COLUMN document TEXT REFERENCES document(ref);
ALTER TABLE continuity ADD COLUMN test_interval_months INTEGER;

-- Continuity test (A.5.30)
CREATE TABLE bcptest (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    plan TEXT NOT NULL REFERENCES continuity(ref),
    tested_on TEXT NOT NULL,
    scenario TEXT NOT NULL,
    achieved_rto_hours REAL,
    achieved_rpo_hours REAL,
    result TEXT,
    actions TEXT,
    owner TEXT REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX bcptest_plan ON bcptest(plan);

-- Security exception
CREATE TABLE exception (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    control TEXT REFERENCES control(ref),
    document TEXT REFERENCES document(ref),
    scope TEXT NOT NULL,
    risk TEXT NOT NULL REFERENCES risk(ref),
    compensating TEXT NOT NULL,
    expires_on TEXT NOT NULL,
    approved_at TEXT,
    owner TEXT NOT NULL REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX exception_control ON exception(control);

-- The incident's timeline: who (the signed-in account), when, what. Rows
-- are never changed or deleted; each is also a history entry.
CREATE TABLE incident_entry (
    id INTEGER PRIMARY KEY,
    incident TEXT NOT NULL REFERENCES incident(ref),
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    account INTEGER,
    account_name TEXT NOT NULL,
    person TEXT
) STRICT;
CREATE INDEX incident_entry_incident ON incident_entry(incident, id);
CREATE TRIGGER incident_entry_kept_u BEFORE UPDATE ON incident_entry
BEGIN
    SELECT RAISE(ABORT, 'a timeline entry cannot change');
END;
CREATE TRIGGER incident_entry_kept_d BEFORE DELETE ON incident_entry
BEGIN
    SELECT RAISE(ABORT, 'a timeline entry cannot be deleted');
END;

-- A notification duty of an incident marked done (the duties themselves are
-- derived from the incident and the requirements, never stored).
CREATE TABLE incident_notice (
    id INTEGER PRIMARY KEY,
    incident TEXT NOT NULL REFERENCES incident(ref),
    duty TEXT NOT NULL,
    notified_at TEXT NOT NULL,
    account INTEGER,
    account_name TEXT NOT NULL,
    person TEXT,
    note TEXT,
    UNIQUE (incident, duty)
) STRICT;
CREATE TRIGGER incident_notice_kept_u BEFORE UPDATE ON incident_notice
BEGIN
    SELECT RAISE(ABORT, 'a notification record cannot change');
END;
CREATE TRIGGER incident_notice_kept_d BEFORE DELETE ON incident_notice
BEGIN
    SELECT RAISE(ABORT, 'a notification record cannot be deleted');
END;
