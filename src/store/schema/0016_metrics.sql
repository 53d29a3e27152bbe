-- 0016_metrics.sql — performance evaluation and improvement (9.1, 10.1, 10.2).
-- A measurement may record the response to a breach (the escalation the
-- seed asks to retain); an improvement names what raised it (an audit, a
-- finding, a nonconformity, an incident or a management review); and a
-- nonconformity's root cause analysis is an ordered chain of "why?" steps
-- (5 whys), each row journaled in the history of its nonconformity.
ALTER TABLE measurement ADD COLUMN response TEXT;
ALTER TABLE improvement ADD COLUMN raised_by TEXT;
CREATE INDEX improvement_raised_by ON improvement(raised_by);
CREATE TABLE nc_why (
    id INTEGER PRIMARY KEY,
    nonconformity TEXT NOT NULL REFERENCES nonconformity(ref),
    position INTEGER NOT NULL CHECK (position >= 1),
    text TEXT NOT NULL,
    at TEXT NOT NULL,
    by TEXT NOT NULL,
    UNIQUE (nonconformity, position)
) STRICT;
CREATE INDEX measurement_metric_date ON measurement(metric, measured_on);
