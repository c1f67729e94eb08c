-- 附件 photos and documents on activities, problems and measures. The bytes
-- live in the object store (a local directory, or an S3-compatible bucket
-- shared by several servers); this row says whose they are and what they are.
CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY,
    owner_kind   TEXT NOT NULL,        -- activity | problem | measure
    owner_id     INTEGER NOT NULL,
    unit_path    TEXT NOT NULL,        -- the owner's, for the scope check
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,        -- as found in the bytes, not as claimed
    size         INTEGER NOT NULL,
    digest       TEXT NOT NULL,        -- SM3 of the bytes
    object_key   TEXT NOT NULL UNIQUE,
    created_by   INTEGER,
    created_at   INTEGER NOT NULL
);
CREATE INDEX attachments_owner ON attachments (owner_kind, owner_id);
