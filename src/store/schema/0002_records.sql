-- 0002_records.sql — one table per record type of src/model/types.c. Column
-- names, types, NOT NULL and REFERENCES agree with the declarations; the unit
-- test store_schema_agrees checks it. F_REFS fields live in the link table.
-- Identifiers (ref) are unique across all types: every prefix is distinct and
-- catalogue control numbers ("8.24", "A.5.1.1") have no dash.

-- Context issue (4.1): Internal and external issues that bear on the ISMS
CREATE TABLE issue (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    category TEXT,
    description TEXT,
    effect TEXT,
    owner TEXT REFERENCES person(ref),
    status TEXT NOT NULL,
    review_date TEXT,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX issue_owner ON issue(owner);
CREATE INDEX issue_status ON issue(status);

-- Interested party (4.2): Interested parties and what they expect of the ISMS
CREATE TABLE party (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    contact TEXT,
    expectations TEXT,
    owner TEXT REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX party_owner ON party(owner);
CREATE INDEX party_status ON party(status);

-- Requirement (4.2): Legal, regulatory and contractual requirements (2022 5.31)
CREATE TABLE requirement (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    party TEXT REFERENCES party(ref),
    source TEXT,
    jurisdiction TEXT,
    description TEXT,
    addressed INTEGER,
    how_met TEXT,
    compliance TEXT,
    owner TEXT REFERENCES person(ref),
    status TEXT NOT NULL,
    review_date TEXT,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX requirement_party ON requirement(party);
CREATE INDEX requirement_owner ON requirement(owner);
CREATE INDEX requirement_status ON requirement(status);

-- Scope (4.3): The versioned, approved scope of the ISMS
CREATE TABLE scope (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    version TEXT,
    statement TEXT NOT NULL,
    sites TEXT,
    included TEXT,
    excluded TEXT,
    exclusion_reasons TEXT,
    interfaces TEXT,
    approved_by TEXT REFERENCES person(ref),
    approved_on TEXT,
    owner TEXT REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX scope_approved_by ON scope(approved_by);
CREATE INDEX scope_owner ON scope(owner);
CREATE INDEX scope_status ON scope(status);

-- Document (7.5): Policies, procedures and other documented information
CREATE TABLE document (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    version TEXT,
    classification TEXT,
    clause TEXT,
    author TEXT REFERENCES person(ref),
    reviewer TEXT REFERENCES person(ref),
    approver TEXT REFERENCES person(ref),
    approved_on TEXT,
    review_date TEXT,
    retention TEXT,
    body TEXT,
    owner TEXT NOT NULL REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX document_author ON document(author);
CREATE INDEX document_reviewer ON document(reviewer);
CREATE INDEX document_approver ON document(approver);
CREATE INDEX document_owner ON document(owner);
CREATE INDEX document_status ON document(status);

-- Role (5.3): Roles, their responsibilities and who holds them
CREATE TABLE role (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT,
    responsibilities TEXT,
    reports_to TEXT REFERENCES role(ref),
    top_management INTEGER,
    competence TEXT,
    owner TEXT REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX role_reports_to ON role(reports_to);
CREATE INDEX role_owner ON role(owner);
CREATE INDEX role_status ON role(status);

-- Person (7.2): People: staff, contractors, owners of records
CREATE TABLE person (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    email TEXT,
    job_title TEXT,
    department TEXT,
    manager TEXT REFERENCES person(ref),
    start_date TEXT,
    end_date TEXT,
    owner TEXT REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX person_manager ON person(manager);
CREATE INDEX person_owner ON person(owner);
CREATE INDEX person_status ON person(status);

-- Asset (A.5.9): Information and the assets that hold or process it
CREATE TABLE asset (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    description TEXT,
    custodian TEXT REFERENCES person(ref),
    location TEXT,
    classification TEXT,
    confidentiality INTEGER,
    integrity INTEGER,
    availability INTEGER,
    acceptable_use TEXT,
    owner TEXT NOT NULL REFERENCES person(ref),
    status TEXT NOT NULL,
    review_date TEXT,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX asset_custodian ON asset(custodian);
CREATE INDEX asset_owner ON asset(owner);
CREATE INDEX asset_status ON asset(status);

-- Threat (6.1.2): Threat catalogue (ISO/IEC 27005 style)
CREATE TABLE threat (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    category TEXT,
    origin TEXT,
    description TEXT,
    owner TEXT REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX threat_owner ON threat(owner);
CREATE INDEX threat_status ON threat(status);

-- Vulnerability (6.1.2): Vulnerabilities that threats can exploit
CREATE TABLE vulnerability (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    category TEXT,
    description TEXT,
    owner TEXT REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX vulnerability_owner ON vulnerability(owner);
CREATE INDEX vulnerability_status ON vulnerability(status);

-- Risk (6.1.2): Information security risks, assessed and treated
CREATE TABLE risk (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    description TEXT,
    threat TEXT REFERENCES threat(ref),
    vulnerability TEXT REFERENCES vulnerability(ref),
    affects TEXT,
    existing_controls TEXT,
    likelihood INTEGER,
    consequence INTEGER,
    treatment TEXT,
    residual_likelihood INTEGER,
    residual_consequence INTEGER,
    review_date TEXT,
    owner TEXT NOT NULL REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX risk_threat ON risk(threat);
CREATE INDEX risk_vulnerability ON risk(vulnerability);
CREATE INDEX risk_owner ON risk(owner);
CREATE INDEX risk_status ON risk(status);

-- Treatment action (6.1.3): Risk treatment plan actions
CREATE TABLE action (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    description TEXT,
    due_date TEXT,
    cost REAL,
    completed_on TEXT,
    evidence TEXT,
    owner TEXT NOT NULL REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX action_owner ON action(owner);
CREATE INDEX action_status ON action(status);

-- Control (6.1.3): Annex A controls (2022 and 2013) and the organization's own
CREATE TABLE control (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    framework TEXT NOT NULL,
    title TEXT NOT NULL,
    theme TEXT,
    control_type TEXT,
    security_properties TEXT,
    cybersecurity_concepts TEXT,
    operational_capabilities TEXT,
    security_domains TEXT,
    description TEXT,
    implementation TEXT,
    owner TEXT REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX control_owner ON control(owner);
CREATE INDEX control_status ON control(status);

-- Objective (6.2): Information security objectives and plans to achieve them
CREATE TABLE objective (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    description TEXT,
    measure TEXT,
    target TEXT,
    metric TEXT REFERENCES metric(ref),
    resources TEXT,
    due_date TEXT,
    ongoing INTEGER,
    evaluation TEXT,
    owner TEXT NOT NULL REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX objective_metric ON objective(metric);
CREATE INDEX objective_owner ON objective(owner);
CREATE INDEX objective_status ON objective(status);

-- Planned change (6.3): Changes to the ISMS, planned and carried out
CREATE TABLE change (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    description TEXT,
    reason TEXT,
    resources TEXT,
    planned_on TEXT,
    implemented_on TEXT,
    owner TEXT REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX change_owner ON change(owner);
CREATE INDEX change_status ON change(status);

-- Training (7.2): Competence evidence and awareness sessions
CREATE TABLE training (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    description TEXT,
    audience TEXT,
    held_on TEXT,
    expires_on TEXT,
    provider TEXT,
    evidence TEXT,
    owner TEXT REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX training_owner ON training(owner);
CREATE INDEX training_status ON training(status);

-- Communication (7.4): The communication plan: what, when, to whom, by whom, how
CREATE TABLE communication (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    audience TEXT,
    frequency TEXT,
    channel TEXT,
    communicator TEXT REFERENCES person(ref),
    next_date TEXT,
    description TEXT,
    owner TEXT REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX communication_communicator ON communication(communicator);
CREATE INDEX communication_owner ON communication(owner);
CREATE INDEX communication_status ON communication(status);

-- Process (8.1): Operational processes and their owners
CREATE TABLE process (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT,
    inputs TEXT,
    outputs TEXT,
    owner TEXT NOT NULL REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX process_owner ON process(owner);
CREATE INDEX process_status ON process(status);

-- Supplier (A.5.19): Suppliers, what they access, and how they are assessed
CREATE TABLE supplier (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    service TEXT,
    data_access TEXT,
    criticality TEXT,
    contact TEXT,
    contract TEXT,
    security_requirements TEXT,
    certifications TEXT,
    assessed_on TEXT,
    assessment TEXT,
    review_date TEXT,
    owner TEXT NOT NULL REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX supplier_owner ON supplier(owner);
CREATE INDEX supplier_status ON supplier(status);

-- Incident (A.5.24): Information security events and incidents
CREATE TABLE incident (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    reported_by TEXT REFERENCES person(ref),
    occurred_at TEXT,
    detected_at TEXT,
    category TEXT,
    severity TEXT,
    affects TEXT,
    containment TEXT,
    personal_data INTEGER,
    notification_required INTEGER,
    notification_deadline TEXT,
    notified_at TEXT,
    lessons TEXT,
    nonconformity TEXT REFERENCES nonconformity(ref),
    owner TEXT REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX incident_reported_by ON incident(reported_by);
CREATE INDEX incident_nonconformity ON incident(nonconformity);
CREATE INDEX incident_owner ON incident(owner);
CREATE INDEX incident_status ON incident(status);

-- Continuity plan (A.5.30): Business continuity and ICT readiness plans and their tests
CREATE TABLE continuity (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    rto_hours REAL,
    rpo_hours REAL,
    strategy TEXT,
    body TEXT,
    last_tested TEXT,
    test_result TEXT,
    next_test TEXT,
    owner TEXT NOT NULL REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX continuity_owner ON continuity(owner);
CREATE INDEX continuity_status ON continuity(status);

-- Metric (9.1): What is monitored and measured, how and by whom
CREATE TABLE metric (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT,
    method TEXT,
    unit TEXT,
    frequency TEXT,
    direction TEXT,
    target REAL,
    threshold REAL,
    measured_by TEXT REFERENCES person(ref),
    evaluated_by TEXT REFERENCES person(ref),
    escalation TEXT,
    owner TEXT REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX metric_measured_by ON metric(measured_by);
CREATE INDEX metric_evaluated_by ON metric(evaluated_by);
CREATE INDEX metric_owner ON metric(owner);
CREATE INDEX metric_status ON metric(status);

-- Measurement (9.1): Measurements of a metric over time
CREATE TABLE measurement (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    metric TEXT NOT NULL REFERENCES metric(ref),
    measured_on TEXT NOT NULL,
    value REAL NOT NULL,
    comment TEXT,
    owner TEXT REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX measurement_metric ON measurement(metric);
CREATE INDEX measurement_owner ON measurement(owner);
CREATE INDEX measurement_status ON measurement(status);

-- Audit (9.2): Internal and external audits
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    scope TEXT,
    criteria TEXT,
    lead_auditor TEXT REFERENCES person(ref),
    auditing_body TEXT,
    planned_on TEXT,
    performed_on TEXT,
    clauses TEXT,
    conclusion TEXT,
    owner TEXT REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX audit_lead_auditor ON audit(lead_auditor);
CREATE INDEX audit_owner ON audit(owner);
CREATE INDEX audit_status ON audit(status);

-- Audit finding (9.2): What an audit found, item by item
CREATE TABLE finding (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    audit TEXT NOT NULL REFERENCES audit(ref),
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    clause TEXT,
    control TEXT REFERENCES control(ref),
    evidence TEXT,
    description TEXT,
    nonconformity TEXT REFERENCES nonconformity(ref),
    owner TEXT REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX finding_audit ON finding(audit);
CREATE INDEX finding_control ON finding(control);
CREATE INDEX finding_nonconformity ON finding(nonconformity);
CREATE INDEX finding_owner ON finding(owner);
CREATE INDEX finding_status ON finding(status);

-- Management review (9.3): Management reviews: inputs, decisions and actions
CREATE TABLE review (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    planned_on TEXT,
    held_on TEXT,
    chair TEXT REFERENCES person(ref),
    inputs TEXT,
    decisions TEXT,
    minutes TEXT,
    next_review TEXT,
    owner TEXT REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX review_chair ON review(chair);
CREATE INDEX review_owner ON review(owner);
CREATE INDEX review_status ON review(status);

-- Nonconformity (10.2): Nonconformities, their causes and their closure
CREATE TABLE nonconformity (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    source TEXT NOT NULL,
    description TEXT,
    detected_on TEXT,
    severity TEXT,
    clause TEXT,
    control TEXT REFERENCES control(ref),
    incident TEXT REFERENCES incident(ref),
    containment TEXT,
    root_cause TEXT,
    due_date TEXT,
    effectiveness TEXT,
    closed_on TEXT,
    owner TEXT NOT NULL REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX nonconformity_control ON nonconformity(control);
CREATE INDEX nonconformity_incident ON nonconformity(incident);
CREATE INDEX nonconformity_owner ON nonconformity(owner);
CREATE INDEX nonconformity_status ON nonconformity(status);

-- Corrective action (10.2): Actions that remove the causes of nonconformities
CREATE TABLE corrective (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    nonconformity TEXT NOT NULL REFERENCES nonconformity(ref),
    description TEXT,
    due_date TEXT,
    completed_on TEXT,
    verification TEXT,
    owner TEXT NOT NULL REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX corrective_nonconformity ON corrective(nonconformity);
CREATE INDEX corrective_owner ON corrective(owner);
CREATE INDEX corrective_status ON corrective(status);

-- Improvement (10.1): Opportunities for continual improvement
CREATE TABLE improvement (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    description TEXT,
    source TEXT,
    benefit TEXT,
    due_date TEXT,
    owner TEXT REFERENCES person(ref),
    status TEXT NOT NULL,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    retired TEXT
) STRICT;
CREATE INDEX improvement_owner ON improvement(owner);
CREATE INDEX improvement_status ON improvement(status);

-- Annex A 2013 -> 2022 correspondence (data/reference/mapping-2013-2022.csv).
-- id_2013 is NULL for the 11 controls new in 2022.
CREATE TABLE control_map (
    id_2022 TEXT NOT NULL REFERENCES control(ref),
    id_2013 TEXT REFERENCES control(ref),
    UNIQUE (id_2022, id_2013)
) STRICT;
CREATE INDEX control_map_2013 ON control_map(id_2013);
CREATE INDEX control_framework ON control(framework);
