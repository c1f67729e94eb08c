-- Foundation: registry, accounts, sessions, audit trail, policy versions.
-- Instants are Unix milliseconds (INTEGER); calendar dates are 'YYYY-MM-DD' TEXT.

CREATE TABLE units (
    id          INTEGER PRIMARY KEY,
    parent_id   INTEGER REFERENCES units(id),
    path        TEXT NOT NULL,            -- materialised path '/1/5/23/', for subtree scopes
    depth       INTEGER NOT NULL,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    categories  TEXT NOT NULL DEFAULT '', -- category codes joined by ','
    code        TEXT,
    sort        INTEGER NOT NULL DEFAULT 0,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX units_parent_name ON units (COALESCE(parent_id, 0), name);
CREATE INDEX units_path ON units (path);
CREATE INDEX units_name ON units (name);

CREATE TABLE officials (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    name        TEXT NOT NULL,
    title       TEXT NOT NULL DEFAULT '',
    rank        TEXT NOT NULL,
    phone_enc   TEXT,                     -- SM4-GCM, see crypto.rs
    active      INTEGER NOT NULL DEFAULT 1,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX officials_unit ON officials (unit_id, id);
CREATE INDEX officials_name ON officials (name);

CREATE TABLE items (
    id              INTEGER PRIMARY KEY,
    unit_id         INTEGER NOT NULL REFERENCES units(id),
    section_id      INTEGER REFERENCES units(id),
    name            TEXT NOT NULL,
    item_type       TEXT NOT NULL,
    power_category  TEXT NOT NULL,
    service_object  TEXT NOT NULL,
    handling_mode   TEXT NOT NULL,
    channel         TEXT,
    contact         TEXT,
    note            TEXT,
    materials       INTEGER,
    time_limit_days INTEGER,
    steps           INTEGER,
    trips           INTEGER,
    online          INTEGER,
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE UNIQUE INDEX items_unit_name ON items (unit_id, name);

-- 事项流程要素历史: every change of an item's process figures.
CREATE TABLE item_figures (
    id              INTEGER PRIMARY KEY,
    item_id         INTEGER NOT NULL REFERENCES items(id),
    materials       INTEGER,
    time_limit_days INTEGER,
    steps           INTEGER,
    trips           INTEGER,
    online          INTEGER,
    source          TEXT NOT NULL,
    note            TEXT,
    recorded_by     INTEGER,
    recorded_at     INTEGER NOT NULL
);
CREATE INDEX item_figures_item ON item_figures (item_id, id);

CREATE TABLE roles (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    permissions TEXT NOT NULL,            -- JSON array of permission codes
    builtin     INTEGER NOT NULL DEFAULT 0,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE TABLE users (
    id                   INTEGER PRIMARY KEY,
    username             TEXT NOT NULL UNIQUE,
    display_name         TEXT NOT NULL,
    password_hash        TEXT NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 1,
    unit_id              INTEGER REFERENCES units(id),
    official_id          INTEGER REFERENCES officials(id),
    disabled             INTEGER NOT NULL DEFAULT 0,
    failed_logins        INTEGER NOT NULL DEFAULT 0,
    locked_until         INTEGER,
    password_changed_at  INTEGER,
    last_login_at        INTEGER,
    version              INTEGER NOT NULL DEFAULT 1,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL
);

CREATE TABLE user_roles (
    user_id INTEGER NOT NULL REFERENCES users(id),
    role_id INTEGER NOT NULL REFERENCES roles(id),
    PRIMARY KEY (user_id, role_id)
);

CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,    -- SM3 of the cookie value; the value itself is never stored
    user_id      INTEGER NOT NULL REFERENCES users(id),
    ip           TEXT NOT NULL,
    user_agent   TEXT,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,        -- absolute limit
    revoked_at   INTEGER
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_by   INTEGER REFERENCES users(id),
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER,
    last_used_at INTEGER,
    revoked_at   INTEGER
);

CREATE TABLE login_log (
    id         INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    username   TEXT NOT NULL,
    user_id    INTEGER,
    ip         TEXT NOT NULL,
    user_agent TEXT,
    success    INTEGER NOT NULL,
    reason     TEXT NOT NULL
);
CREATE INDEX login_log_at ON login_log (at);

-- The audit trail: append-only, each entry hash-chained (SM3) to the one before.
CREATE TABLE audit_log (
    seq        INTEGER PRIMARY KEY,       -- 1, 2, 3 … without gaps
    at         INTEGER NOT NULL,
    actor_id   INTEGER,
    actor      TEXT NOT NULL,
    ip         TEXT NOT NULL,
    action     TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  TEXT,
    before     TEXT,
    after      TEXT,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);
CREATE TABLE audit_head (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    last_seq  INTEGER NOT NULL,
    last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, last_seq, last_hash) VALUES (1, 0, '');
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- 活动规则版本: every policy ever made active, newest active.
CREATE TABLE policies (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL,
    name       TEXT NOT NULL,
    source     TEXT NOT NULL,             -- the TOML text as loaded
    active     INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER,
    created_at INTEGER NOT NULL
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
