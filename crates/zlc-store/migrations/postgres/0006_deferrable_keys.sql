-- Foreign keys may be deferred to the end of a transaction. Normal writes are
-- unchanged (INITIALLY IMMEDIATE); the demo's bulk load defers them so rows of
-- related tables can arrive in any order within its one transaction.
DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT conrelid::regclass AS tbl, conname FROM pg_constraint
             WHERE contype = 'f' AND connamespace = 'public'::regnamespace LOOP
        EXECUTE format('ALTER TABLE %s ALTER CONSTRAINT %I DEFERRABLE INITIALLY IMMEDIATE', r.tbl, r.conname);
    END LOOP;
END $$;
