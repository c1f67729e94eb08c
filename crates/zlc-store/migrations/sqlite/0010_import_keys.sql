-- The row keys of imports are checked by the import itself, which reads a
-- unit's keys once (through the unit_path indexes) and holds the write lock
-- of the unit while it writes (SQLite's single writer; on PostgreSQL an
-- advisory lock per unit). A unique index on random keys cost more to keep
-- than the rest of a large import's indexes together.
DROP INDEX activities_import_key;
DROP INDEX problems_import_key;
DROP INDEX plans_import_key;
DROP INDEX needs_import_key;
DROP INDEX measures_import_key;
