-- The daily 督办 run reads open rectifications by deadline, from the
-- earliest one still chased to its horizon: a window of weeks, found by
-- index however many problems the region keeps.
CREATE INDEX problems_rectify_due ON problems (deadline, id) WHERE status IN ('pending', 'in-progress');
