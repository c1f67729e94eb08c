-- 报送 a unit's package of one report for one period, handed to the lead
-- office; while submitted, the unit's records of that period are locked
-- until the lead office returns it (退回).
CREATE TABLE submissions (
    id              INTEGER PRIMARY KEY,
    unit_id         INTEGER NOT NULL REFERENCES units(id),
    unit_path       TEXT NOT NULL,
    report_code     TEXT NOT NULL,
    period          TEXT NOT NULL,
    period_start    TEXT NOT NULL,
    period_end      TEXT NOT NULL,
    status          TEXT NOT NULL,          -- submitted | returned
    late            INTEGER NOT NULL DEFAULT 0,
    submitted_at    INTEGER NOT NULL,
    submitted_by    INTEGER REFERENCES users(id),
    returned_reason TEXT,
    returned_at     INTEGER,
    returned_by     INTEGER REFERENCES users(id),
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (unit_id, report_code, period)
);
CREATE INDEX submissions_lock ON submissions (status, period_start, period_end);
CREATE INDEX submissions_board ON submissions (report_code, period);
