-- Numbering kept in step with the PostgreSQL migrations: there, foreign keys
-- become deferrable for bulk loads; SQLite's bulk load turns them off instead.
SELECT 1;
