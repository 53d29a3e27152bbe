-- 0021_oscal.sql — frameworks (control catalogues) beside Annex A, their
-- controls, and mappings between controls of any two frameworks (issue 14).
--
-- The Annex A catalogues stay what they were: `control` records (framework
-- iso27001-2022 / iso27001-2013 / custom) that the SoA is made of, and
-- control_map their 2013 -> 2022 correspondence. A framework imported from
-- an OSCAL catalog or CSV is reference data like the clauses: its controls
-- keep their own identifiers and hierarchy in fcontrol; what the ISMS
-- implements of it is derived through the mappings onto the SoA, never typed.

-- Every framework the ISMS knows: the built-in ones (their controls are the
-- control records) and the imported ones (their controls are fcontrol rows).
CREATE TABLE framework (
    id TEXT PRIMARY KEY,             -- "iso27001-2022", "nist-800-53-r5-low"
    title TEXT NOT NULL,
    version TEXT,                    -- the catalogue's own version
    source TEXT NOT NULL CHECK (source IN ('builtin', 'oscal', 'csv')),
    uuid TEXT,                       -- an OSCAL catalog's uuid
    oscal_version TEXT,
    last_modified TEXT,              -- an OSCAL catalog's metadata.last-modified
    sha256 TEXT,                     -- of the file imported
    imported_at TEXT,
    imported_by TEXT
) STRICT;
INSERT INTO framework (id, title, version, source) VALUES
    ('iso27001-2022', 'ISO/IEC 27001:2022 Annex A', '2022', 'builtin'),
    ('iso27001-2013', 'ISO/IEC 27001:2013 Annex A', '2013', 'builtin'),
    ('custom', 'The organization''s own controls', NULL, 'builtin');

-- The controls of an imported framework, in document order. kind: a group
-- (OSCAL group, a CSV row that only holds others), a control, or an
-- enhancement (a control within a control).
CREATE TABLE fcontrol (
    framework TEXT NOT NULL REFERENCES framework(id),
    id TEXT NOT NULL,
    parent TEXT,
    kind TEXT NOT NULL CHECK (kind IN ('group', 'control', 'enhancement')),
    label TEXT,                      -- "AC-2(1)"
    title TEXT NOT NULL,
    text TEXT,                       -- the statement
    status TEXT,                     -- "withdrawn" when the catalogue says so
    seq INTEGER NOT NULL,
    PRIMARY KEY (framework, id)
) STRICT;
CREATE INDEX fcontrol_parent ON fcontrol(framework, parent);

-- A mapping between two controls of two frameworks, as in NIST OLIR: the
-- relationship of A to B. Each change is a history entry (type "mapping").
CREATE TABLE fmap (
    id INTEGER PRIMARY KEY,
    a_framework TEXT NOT NULL REFERENCES framework(id),
    a_id TEXT NOT NULL,
    b_framework TEXT NOT NULL REFERENCES framework(id),
    b_id TEXT NOT NULL,
    rel TEXT NOT NULL CHECK (rel IN ('equal', 'subset', 'superset', 'intersects')),
    note TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    UNIQUE (a_framework, a_id, b_framework, b_id)
) STRICT;
CREATE INDEX fmap_b ON fmap(b_framework, b_id);
