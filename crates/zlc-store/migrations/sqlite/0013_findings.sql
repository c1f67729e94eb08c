-- 研判: what the formalism findings of a period are judged on, kept so that a
-- nation's quarter is judged from a small part of its records.
--
-- A report judges the units directly below its region, each with its own
-- records and its sections' and halls'. Facts are kept per unit and
-- refreshed lazily: a record whose `judged` is NULL has changed since it was
-- last counted, and the next report counts it again (zlc-store/src/findings.rs).

-- Per unit and day, the distinct officials who took part in its filed
-- activities (place '' for any place, else per place); `detail` lists the
-- activities as `id:kind:official,official;…`.
CREATE TABLE finding_days (
    unit_id   INTEGER NOT NULL,
    unit_path TEXT NOT NULL,
    day       TEXT NOT NULL,
    place     TEXT NOT NULL,
    officials INTEGER NOT NULL,
    detail    TEXT NOT NULL,
    PRIMARY KEY (unit_id, day, place)
) WITHOUT ROWID;

-- Per unit and period (month, quarter, half, year): its 走流程 walks
-- and how many were online, cross-department, as a citizen, unannounced.
CREATE TABLE finding_modes (
    period      TEXT NOT NULL,
    unit_id     INTEGER NOT NULL,
    unit_path   TEXT NOT NULL,
    walks       INTEGER NOT NULL,
    online      INTEGER NOT NULL,
    cross_mode  INTEGER NOT NULL,
    citizen     INTEGER NOT NULL,
    unannounced INTEGER NOT NULL,
    PRIMARY KEY (period, unit_id)
) WITHOUT ROWID;

-- Problems and needs recorded on an activity; NULL `judged`: to count again.
ALTER TABLE activities ADD COLUMN found INTEGER NOT NULL DEFAULT 0;
ALTER TABLE activities ADD COLUMN judged INTEGER;
-- SQLite walks the table in id order rather than a partial index: the mark is indexed.
CREATE INDEX activities_unjudged ON activities (judged, status, id);
CREATE INDEX activities_empty ON activities (unit_path, date) WHERE found = 0 AND status = 'filed';

-- What the policy's rules say of a problem's texts: the trivial keyword its
-- description names (问题浮浅), why its rectification reads empty (整改敷衍).
ALTER TABLE problems ADD COLUMN shallow TEXT;
ALTER TABLE problems ADD COLUMN perfunctory TEXT;
ALTER TABLE problems ADD COLUMN judged INTEGER;
ALTER TABLE problems ADD COLUMN closure_month TEXT;
CREATE INDEX problems_unjudged ON problems (judged, id);
CREATE INDEX problems_shallow ON problems (unit_path, found_on) WHERE shallow IS NOT NULL;
CREATE INDEX problems_perfunctory ON problems (unit_path, closed_on) WHERE perfunctory IS NOT NULL;

-- 整改逾期 is open and not waiting for verification (已整改·待验收 is the
-- verifier's turn): the overdue counts read this index alone.
DROP INDEX problems_open_due;
CREATE INDEX problems_overdue ON problems (unit_path, deadline) WHERE status <> 'closed' AND status <> 'awaiting-verification';

-- A need recorded on an activity: NULL `judged` until its activity is counted again.
ALTER TABLE needs ADD COLUMN judged INTEGER;
CREATE INDEX needs_unjudged ON needs (judged, id);
CREATE INDEX needs_activity ON needs (activity_id);

-- 整改率: problems by the month they were found and the month they were
-- closed, counted at their unit and every ancestor like stats_flows;
-- `problems.closure_month` is the closed month a problem is counted under.
CREATE TABLE stats_closure (
    unit_id      INTEGER NOT NULL,
    found_month  TEXT NOT NULL,
    closed_month TEXT NOT NULL,
    n            INTEGER NOT NULL,
    PRIMARY KEY (unit_id, found_month, closed_month)
) WITHOUT ROWID;

-- 审核 a supervisor's decision on a finding before it goes into a notice;
-- the newest decision on a key counts, the older ones stay as the record.
CREATE TABLE finding_reviews (
    id          INTEGER PRIMARY KEY,
    period      TEXT NOT NULL,
    finding_key TEXT NOT NULL,
    unit_id     INTEGER NOT NULL,
    decision    TEXT NOT NULL,     -- confirmed | dismissed
    reason      TEXT NOT NULL,
    actor_id    INTEGER,
    actor       TEXT NOT NULL,
    at          INTEGER NOT NULL
);
CREATE INDEX finding_reviews_key ON finding_reviews (period, finding_key, id);

-- 牵头单位 the office that issues a region's notices (发文机关).
ALTER TABLE units ADD COLUMN lead_office TEXT;
