-- 待验收 on the to-do list: problems awaiting verification, nearest deadline
-- first. Read in this order (with the path, to keep to the account's scope),
-- the list stops at its last entry instead of sorting every problem of a
-- province that awaits verification.
CREATE INDEX problems_verify_open ON problems (deadline, id, unit_path) WHERE status = 'awaiting-verification';
-- Which units have planned in a period (the lead office's 计划 to-do and
-- the reminder run): the period's plans alone, without reading the table.
CREATE INDEX plans_period ON plans (date, unit_path, status);
