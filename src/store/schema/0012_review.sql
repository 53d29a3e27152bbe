-- 0012_review.sql — management review actions (9.3), the ISMS certificate
-- and the certification body's nonconformities (src/app/review.c,
-- src/app/certificate.c). The review pack and the minutes are frozen
-- versions (table version) signed through table signoff: no table here.

-- Review action (9.3): actions agreed at management reviews
CREATE TABLE raction (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    agreed_at TEXT NOT NULL REFERENCES review(ref),
    description TEXT,
    due_date TEXT,
    completed_on TEXT,
    outcome TEXT,
    owner TEXT NOT NULL REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX raction_agreed_at ON raction(agreed_at);
CREATE INDEX raction_owner ON raction(owner);
CREATE INDEX raction_status ON raction(status);

-- Certificate (9.2): the ISMS certificate and its surveillance schedule
CREATE TABLE certificate (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    body TEXT NOT NULL,
    number TEXT NOT NULL,
    standard TEXT,
    scope_text TEXT,
    issued_on TEXT NOT NULL,
    expires_on TEXT,
    warn_first INTEGER,
    warn_second INTEGER,
    warn_third INTEGER,
    owner TEXT REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX certificate_owner ON certificate(owner);

-- Certification nonconformity (9.2): raised by the external auditor
CREATE TABLE cnc (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    certificate TEXT NOT NULL REFERENCES certificate(ref),
    audit TEXT REFERENCES audit(ref),
    grade TEXT NOT NULL,
    clause TEXT,
    description TEXT,
    raised_on TEXT NOT NULL,
    close_by TEXT NOT NULL,
    nonconformity TEXT REFERENCES nonconformity(ref),
    closed_on TEXT,
    owner TEXT REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX cnc_certificate ON cnc(certificate);
CREATE INDEX cnc_owner ON cnc(owner);

-- the pack reads what changed in a period by type (issues, parties)
CREATE INDEX history_type_seq ON history(type, seq);
