-- 0013_tasks.sql — the dashboard on a large ISMS without reading every
-- risk row: covering partial indexes of the active risks for the two heat
-- maps (GROUP BY the rating pair walks the index alone), for the risks due
-- for review (the task list's overdue reviews) and for the treatment
-- option (whether the plan holds a risk).
CREATE INDEX risk_live_rating ON risk(likelihood, consequence) WHERE retired IS NULL;
CREATE INDEX risk_live_residual_rating ON risk(residual_likelihood, residual_consequence)
    WHERE retired IS NULL;
CREATE INDEX risk_live_review ON risk(review_date) WHERE retired IS NULL;
CREATE INDEX risk_live_treatment ON risk(treatment) WHERE retired IS NULL;
