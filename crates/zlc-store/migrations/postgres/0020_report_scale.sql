-- A nation's report reads summaries, not its records.
--
-- 整改逾期: open problems (not closed, not awaiting verification) by
-- deadline, at their unit and every ancestor, so that a region's overdue
-- count is a sum over the deadlines before a day, whatever its size. Kept
-- in step with each problem's status and deadline, filled by the rebuild
-- that follows (the summaries' version changed).
CREATE TABLE stats_open (
    unit_id   BIGINT NOT NULL,
    deadline  TEXT NOT NULL,
    n         BIGINT NOT NULL,
    PRIMARY KEY (unit_id, deadline)
);

-- Active officials by rank, at their unit and every ancestor: what the
-- frequency rules require of a region's officials, read as a few rows.
CREATE TABLE stats_ranks (
    unit_id   BIGINT NOT NULL,
    rank      TEXT NOT NULL,
    n         BIGINT NOT NULL,
    PRIMARY KEY (unit_id, rank)
);

-- 执法内容 of a region's row in the statistics table: its enforcement
-- activities over the period, found by their own small index instead of
-- every activity of the subtree.
CREATE INDEX activities_enforce ON activities (unit_path, date) WHERE kind = 'enforce';
