-- 回头看 due on the to-do list: closed problems whose re-check is still
-- to be made, nearest first. Read in this order (with the path, to keep to
-- the account's scope), the list stops at its last entry instead of
-- sorting every closed problem of a province.
CREATE INDEX problems_review_open ON problems (review_due, id, unit_path) WHERE status = 'closed' AND reviewed_on IS NULL;
