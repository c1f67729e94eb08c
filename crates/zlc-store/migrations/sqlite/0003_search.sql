-- Chinese substring search with an index: FTS5 with the trigram tokenizer,
-- kept in step with each table by triggers (external-content tables).
-- Queries of three characters or more use it; shorter ones scan (see campaign.rs).

CREATE VIRTUAL TABLE problems_fts USING fts5(description, cause, content='problems', content_rowid='id', tokenize='trigram');
INSERT INTO problems_fts (problems_fts) VALUES ('rebuild');
CREATE TRIGGER problems_fts_insert AFTER INSERT ON problems BEGIN
    INSERT INTO problems_fts (rowid, description, cause) VALUES (new.id, new.description, new.cause);
END;
CREATE TRIGGER problems_fts_delete AFTER DELETE ON problems BEGIN
    INSERT INTO problems_fts (problems_fts, rowid, description, cause) VALUES ('delete', old.id, old.description, old.cause);
END;
CREATE TRIGGER problems_fts_update AFTER UPDATE OF description, cause ON problems BEGIN
    INSERT INTO problems_fts (problems_fts, rowid, description, cause) VALUES ('delete', old.id, old.description, old.cause);
    INSERT INTO problems_fts (rowid, description, cause) VALUES (new.id, new.description, new.cause);
END;

CREATE VIRTUAL TABLE activities_fts USING fts5(content, place, content='activities', content_rowid='id', tokenize='trigram');
INSERT INTO activities_fts (activities_fts) VALUES ('rebuild');
CREATE TRIGGER activities_fts_insert AFTER INSERT ON activities BEGIN
    INSERT INTO activities_fts (rowid, content, place) VALUES (new.id, new.content, new.place);
END;
CREATE TRIGGER activities_fts_delete AFTER DELETE ON activities BEGIN
    INSERT INTO activities_fts (activities_fts, rowid, content, place) VALUES ('delete', old.id, old.content, old.place);
END;
CREATE TRIGGER activities_fts_update AFTER UPDATE OF content, place ON activities BEGIN
    INSERT INTO activities_fts (activities_fts, rowid, content, place) VALUES ('delete', old.id, old.content, old.place);
    INSERT INTO activities_fts (rowid, content, place) VALUES (new.id, new.content, new.place);
END;

CREATE VIRTUAL TABLE needs_fts USING fts5(content, response, content='needs', content_rowid='id', tokenize='trigram');
INSERT INTO needs_fts (needs_fts) VALUES ('rebuild');
CREATE TRIGGER needs_fts_insert AFTER INSERT ON needs BEGIN
    INSERT INTO needs_fts (rowid, content, response) VALUES (new.id, new.content, new.response);
END;
CREATE TRIGGER needs_fts_delete AFTER DELETE ON needs BEGIN
    INSERT INTO needs_fts (needs_fts, rowid, content, response) VALUES ('delete', old.id, old.content, old.response);
END;
CREATE TRIGGER needs_fts_update AFTER UPDATE OF content, response ON needs BEGIN
    INSERT INTO needs_fts (needs_fts, rowid, content, response) VALUES ('delete', old.id, old.content, old.response);
    INSERT INTO needs_fts (rowid, content, response) VALUES (new.id, new.content, new.response);
END;

CREATE VIRTUAL TABLE measures_fts USING fts5(content, effect, content='measures', content_rowid='id', tokenize='trigram');
INSERT INTO measures_fts (measures_fts) VALUES ('rebuild');
CREATE TRIGGER measures_fts_insert AFTER INSERT ON measures BEGIN
    INSERT INTO measures_fts (rowid, content, effect) VALUES (new.id, new.content, new.effect);
END;
CREATE TRIGGER measures_fts_delete AFTER DELETE ON measures BEGIN
    INSERT INTO measures_fts (measures_fts, rowid, content, effect) VALUES ('delete', old.id, old.content, old.effect);
END;
CREATE TRIGGER measures_fts_update AFTER UPDATE OF content, effect ON measures BEGIN
    INSERT INTO measures_fts (measures_fts, rowid, content, effect) VALUES ('delete', old.id, old.content, old.effect);
    INSERT INTO measures_fts (rowid, content, effect) VALUES (new.id, new.content, new.effect);
END;
