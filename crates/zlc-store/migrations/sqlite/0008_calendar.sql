-- 工作日历 edited on the 系统 page: a year listed here replaces that year of
-- the calendar shipped with the program (calendar/cn-holidays.tsv). `days` is
-- the year's special days in the same TSV format.
CREATE TABLE calendar_years (
    year       INTEGER PRIMARY KEY,
    days       TEXT NOT NULL,
    updated_by INTEGER,
    updated_at INTEGER NOT NULL
);
