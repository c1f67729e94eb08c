-- An import indexes the texts it writes once, at its end: kept in step row by
-- row, FTS5 flushes its index at the end of every multi-row statement, and a
-- 100k-row ledger spent seconds merging those small segments. While an import
-- holds SQLite's write lock, `fts_deferred` names, per table, the first id it
-- writes; the triggers leave rows from that id on to the import (it indexes
-- them, as they are then, before it commits) and keep every older row in step
-- as before. The table is empty outside an import's own transaction.
CREATE TABLE fts_deferred (
    tbl     TEXT PRIMARY KEY,
    from_id INTEGER NOT NULL
) WITHOUT ROWID;

DROP TRIGGER problems_fts_insert;
DROP TRIGGER problems_fts_delete;
DROP TRIGGER problems_fts_update;
CREATE TRIGGER problems_fts_insert AFTER INSERT ON problems WHEN new.id < COALESCE((SELECT from_id FROM fts_deferred WHERE tbl = 'problems'), 9223372036854775807) BEGIN
    INSERT INTO problems_fts (rowid, description, cause) VALUES (new.id, new.description, new.cause);
END;
CREATE TRIGGER problems_fts_delete AFTER DELETE ON problems WHEN old.id < COALESCE((SELECT from_id FROM fts_deferred WHERE tbl = 'problems'), 9223372036854775807) BEGIN
    INSERT INTO problems_fts (problems_fts, rowid, description, cause) VALUES ('delete', old.id, old.description, old.cause);
END;
CREATE TRIGGER problems_fts_update AFTER UPDATE OF description, cause ON problems WHEN old.id < COALESCE((SELECT from_id FROM fts_deferred WHERE tbl = 'problems'), 9223372036854775807) BEGIN
    INSERT INTO problems_fts (problems_fts, rowid, description, cause) VALUES ('delete', old.id, old.description, old.cause);
    INSERT INTO problems_fts (rowid, description, cause) VALUES (new.id, new.description, new.cause);
END;

DROP TRIGGER activities_fts_insert;
DROP TRIGGER activities_fts_delete;
DROP TRIGGER activities_fts_update;
CREATE TRIGGER activities_fts_insert AFTER INSERT ON activities WHEN new.id < COALESCE((SELECT from_id FROM fts_deferred WHERE tbl = 'activities'), 9223372036854775807) BEGIN
    INSERT INTO activities_fts (rowid, content, place) VALUES (new.id, new.content, new.place);
END;
CREATE TRIGGER activities_fts_delete AFTER DELETE ON activities WHEN old.id < COALESCE((SELECT from_id FROM fts_deferred WHERE tbl = 'activities'), 9223372036854775807) BEGIN
    INSERT INTO activities_fts (activities_fts, rowid, content, place) VALUES ('delete', old.id, old.content, old.place);
END;
CREATE TRIGGER activities_fts_update AFTER UPDATE OF content, place ON activities WHEN old.id < COALESCE((SELECT from_id FROM fts_deferred WHERE tbl = 'activities'), 9223372036854775807) BEGIN
    INSERT INTO activities_fts (activities_fts, rowid, content, place) VALUES ('delete', old.id, old.content, old.place);
    INSERT INTO activities_fts (rowid, content, place) VALUES (new.id, new.content, new.place);
END;

DROP TRIGGER needs_fts_insert;
DROP TRIGGER needs_fts_delete;
DROP TRIGGER needs_fts_update;
CREATE TRIGGER needs_fts_insert AFTER INSERT ON needs WHEN new.id < COALESCE((SELECT from_id FROM fts_deferred WHERE tbl = 'needs'), 9223372036854775807) BEGIN
    INSERT INTO needs_fts (rowid, content, response) VALUES (new.id, new.content, new.response);
END;
CREATE TRIGGER needs_fts_delete AFTER DELETE ON needs WHEN old.id < COALESCE((SELECT from_id FROM fts_deferred WHERE tbl = 'needs'), 9223372036854775807) BEGIN
    INSERT INTO needs_fts (needs_fts, rowid, content, response) VALUES ('delete', old.id, old.content, old.response);
END;
CREATE TRIGGER needs_fts_update AFTER UPDATE OF content, response ON needs WHEN old.id < COALESCE((SELECT from_id FROM fts_deferred WHERE tbl = 'needs'), 9223372036854775807) BEGIN
    INSERT INTO needs_fts (needs_fts, rowid, content, response) VALUES ('delete', old.id, old.content, old.response);
    INSERT INTO needs_fts (rowid, content, response) VALUES (new.id, new.content, new.response);
END;

DROP TRIGGER measures_fts_insert;
DROP TRIGGER measures_fts_delete;
DROP TRIGGER measures_fts_update;
CREATE TRIGGER measures_fts_insert AFTER INSERT ON measures WHEN new.id < COALESCE((SELECT from_id FROM fts_deferred WHERE tbl = 'measures'), 9223372036854775807) BEGIN
    INSERT INTO measures_fts (rowid, content, effect) VALUES (new.id, new.content, new.effect);
END;
CREATE TRIGGER measures_fts_delete AFTER DELETE ON measures WHEN old.id < COALESCE((SELECT from_id FROM fts_deferred WHERE tbl = 'measures'), 9223372036854775807) BEGIN
    INSERT INTO measures_fts (measures_fts, rowid, content, effect) VALUES ('delete', old.id, old.content, old.effect);
END;
CREATE TRIGGER measures_fts_update AFTER UPDATE OF content, effect ON measures WHEN old.id < COALESCE((SELECT from_id FROM fts_deferred WHERE tbl = 'measures'), 9223372036854775807) BEGIN
    INSERT INTO measures_fts (measures_fts, rowid, content, effect) VALUES ('delete', old.id, old.content, old.effect);
    INSERT INTO measures_fts (rowid, content, effect) VALUES (new.id, new.content, new.effect);
END;
