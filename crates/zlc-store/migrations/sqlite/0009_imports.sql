-- 导入 the seeds' tables read from units' files (zlc import, the upload
-- buttons). Each record an import writes carries the key of the row it came
-- from, unique within its unit, so that importing the same file again finds
-- its rows already there and changes nothing.
ALTER TABLE activities ADD COLUMN import_key TEXT;
ALTER TABLE problems ADD COLUMN import_key TEXT;
ALTER TABLE plans ADD COLUMN import_key TEXT;
ALTER TABLE needs ADD COLUMN import_key TEXT;
ALTER TABLE measures ADD COLUMN import_key TEXT;
CREATE UNIQUE INDEX activities_import_key ON activities (unit_id, import_key) WHERE import_key IS NOT NULL;
CREATE UNIQUE INDEX problems_import_key ON problems (unit_id, import_key) WHERE import_key IS NOT NULL;
CREATE UNIQUE INDEX plans_import_key ON plans (unit_id, import_key) WHERE import_key IS NOT NULL;
CREATE UNIQUE INDEX needs_import_key ON needs (unit_id, import_key) WHERE import_key IS NOT NULL;
CREATE UNIQUE INDEX measures_import_key ON measures (unit_id, import_key) WHERE import_key IS NOT NULL;

-- One row per import that wrote something: who, which file (its SM3 digest),
-- what it added. The audit trail has the same in its entry.
CREATE TABLE imports (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    unit_id    INTEGER REFERENCES units(id),
    file_name  TEXT NOT NULL,
    file_sm3   TEXT NOT NULL,
    rows       INTEGER NOT NULL,
    summary    TEXT NOT NULL,
    actor      TEXT NOT NULL,
    at         INTEGER NOT NULL
);
CREATE INDEX imports_at ON imports (at);
