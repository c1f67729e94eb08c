-- 统计汇总: the summaries the monthly and quarterly statistics read, so that a
-- report of a whole country is a handful of index lookups, not a scan of a
-- year's records. They are kept in step by the store in the same transaction
-- as the records they count, and rebuilt from the records when their shape
-- changes (settings key `stats_version`) and after a bulk load.

-- Flows per unit and month, each record counted at its own unit and at every
-- ancestor (a region's row is its whole subtree). `kind` is the activity kind
-- for activity counts and '' for the ledgers' counts.
CREATE TABLE stats_flows (
    unit_id         INTEGER NOT NULL,
    month           TEXT NOT NULL,      -- YYYY-MM
    kind            TEXT NOT NULL,
    activities      INTEGER NOT NULL DEFAULT 0,
    late            INTEGER NOT NULL DEFAULT 0,
    visitors        INTEGER NOT NULL DEFAULT 0,
    participations  INTEGER NOT NULL DEFAULT 0,
    problems_found  INTEGER NOT NULL DEFAULT 0,
    problems_solved INTEGER NOT NULL DEFAULT 0,
    needs           INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, month, kind)
) WITHOUT ROWID;

-- Who took part, once per official and period (month, quarter, half, year),
-- under the official's own unit: distinct counts become one range count.
CREATE TABLE stats_officials (
    period      TEXT NOT NULL,
    official_id INTEGER NOT NULL,
    unit_path   TEXT NOT NULL,
    PRIMARY KEY (period, official_id)
) WITHOUT ROWID;
CREATE INDEX stats_officials_path ON stats_officials (period, unit_path);

-- Which service items were experienced, once per item and period, under the
-- item's own unit.
CREATE TABLE stats_items (
    period    TEXT NOT NULL,
    item_id   INTEGER NOT NULL,
    unit_path TEXT NOT NULL,
    PRIMARY KEY (period, item_id)
) WITHOUT ROWID;
CREATE INDEX stats_items_path ON stats_items (period, unit_path);

-- Officials keep their unit's path like the campaign's records, so that the
-- officials of a subtree by rank are one index range.
ALTER TABLE officials ADD COLUMN unit_path TEXT NOT NULL DEFAULT '';
UPDATE officials SET unit_path = (SELECT path FROM units WHERE units.id = officials.unit_id);
CREATE INDEX officials_path_rank ON officials (unit_path, active, rank);

-- Lists filter by status inside a subtree; overdue counts read open problems
-- by deadline inside a subtree. A status-first index without the path made
-- SQLite walk every problem of a status in the country.
DROP INDEX problems_status_deadline;
CREATE INDEX problems_status_path ON problems (status, unit_path, found_on);
CREATE INDEX problems_open_due ON problems (unit_path, deadline) WHERE status <> 'closed';
CREATE INDEX activities_status_path ON activities (status, unit_path, date);
