-- 0025_risk_due.sql — the dashboard's risk cards and heat maps on a large
-- ISMS without a row lookup per risk. A partial index of the active risks
-- (WHERE retired IS NULL) only covers a query that names retired when it
-- holds the column too: the indexes of 0013 are made again with it last,
-- so a heat map (GROUP BY the rating pair) or a count by status reads the
-- index alone. Then the risks with a recorded review reason (the
-- review-due condition reads them and those past their review date through
-- the identifiers: src/store/store_record.c), and the active risks not
-- settled, by their rating (RISKS_OVER in src/store/store_tasks.c: the
-- same expression).
DROP INDEX risk_live_rating;
DROP INDEX risk_live_residual_rating;
DROP INDEX risk_live_review;
DROP INDEX risk_live_treatment;
CREATE INDEX risk_live_rating ON risk(likelihood, consequence, retired) WHERE retired IS NULL;
CREATE INDEX risk_live_residual_rating ON risk(residual_likelihood, residual_consequence, retired)
    WHERE retired IS NULL;
CREATE INDEX risk_live_review ON risk(review_date, retired) WHERE retired IS NULL;
CREATE INDEX risk_live_treatment ON risk(treatment, retired) WHERE retired IS NULL;
CREATE INDEX risk_live_status ON risk(status, retired) WHERE retired IS NULL;
CREATE INDEX risk_live_reason ON risk(review_reason, retired)
    WHERE retired IS NULL AND review_reason > '';
CREATE INDEX risk_live_over ON risk(coalesce(nullif(residual_score, 0), score, 0), status, retired)
    WHERE retired IS NULL AND status NOT IN ('accepted', 'closed');
