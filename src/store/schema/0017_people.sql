-- 0017_people.sql — roles and responsibilities (5.3: the RACI matrix),
-- competence (7.2: requirements per role, people's evidence) and awareness
-- (7.3: campaigns, sessions, attendance). src/app/people.c.

-- Responsibility (5.3): one RACI cell, a role or a person for a process or control
CREATE TABLE responsibility (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    subject TEXT,
    process TEXT REFERENCES process(ref),
    control TEXT REFERENCES control(ref),
    role TEXT REFERENCES role(ref),
    person TEXT REFERENCES person(ref),
    raci TEXT NOT NULL,
    owner TEXT REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX responsibility_subject ON responsibility(subject);
CREATE INDEX responsibility_role ON responsibility(role);
CREATE INDEX responsibility_person ON responsibility(person);
CREATE INDEX responsibility_owner ON responsibility(owner);

-- Competence requirement (7.2)
CREATE TABLE competency (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    role TEXT NOT NULL REFERENCES role(ref),
    evidenced_by TEXT NOT NULL,
    validity_months INTEGER,
    description TEXT,
    owner TEXT REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX competency_role ON competency(role);
CREATE INDEX competency_owner ON competency(owner);

-- Competence evidence (7.2): certificates, courses, assessments
CREATE TABLE qualification (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    person TEXT NOT NULL REFERENCES person(ref),
    requirement TEXT NOT NULL REFERENCES competency(ref),
    kind TEXT NOT NULL,
    issuer TEXT,
    obtained_on TEXT NOT NULL,
    expires_on TEXT,
    owner TEXT REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX qualification_person ON qualification(person);
CREATE INDEX qualification_requirement ON qualification(requirement);
CREATE INDEX qualification_owner ON qualification(owner);

-- Awareness campaign (7.3)
CREATE TABLE campaign (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    description TEXT,
    audience TEXT NOT NULL,
    audience_departments TEXT,
    mandatory INTEGER,
    starts_on TEXT,
    due_date TEXT,
    owner TEXT REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX campaign_owner ON campaign(owner);

-- Awareness session (7.3)
CREATE TABLE briefing (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    campaign TEXT NOT NULL REFERENCES campaign(ref),
    kind TEXT,
    held_on TEXT NOT NULL,
    trainer TEXT REFERENCES person(ref),
    description TEXT,
    owner TEXT REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX briefing_campaign ON briefing(campaign);
CREATE INDEX briefing_trainer ON briefing(trainer);
CREATE INDEX briefing_owner ON briefing(owner);

-- Attendance (7.3)
CREATE TABLE attendance (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    briefing TEXT NOT NULL REFERENCES briefing(ref),
    person TEXT NOT NULL REFERENCES person(ref),
    attended_on TEXT NOT NULL,
    confirmed_by TEXT,
    owner TEXT REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX attendance_briefing ON attendance(briefing);
CREATE INDEX attendance_person ON attendance(person);
CREATE INDEX attendance_owner ON attendance(owner);
