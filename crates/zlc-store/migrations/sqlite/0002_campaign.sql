-- The campaign: plans, activity records with callbacks, and the three ledgers
-- (problems, needs, measures). Each record keeps its unit's materialised path
-- (`unit_path`) so that scope filters are one index range, without a join;
-- moving a unit rewrites the paths of its subtree's records too.

CREATE TABLE plans (
    id             INTEGER PRIMARY KEY,
    unit_id        INTEGER NOT NULL REFERENCES units(id),
    unit_path      TEXT NOT NULL,
    region_id      INTEGER NOT NULL REFERENCES units(id),  -- ancestor directly below the root: clustering groups by it
    kind           TEXT NOT NULL,
    mode           TEXT,
    date           TEXT NOT NULL,
    slot           TEXT NOT NULL,
    place          TEXT NOT NULL,
    window_unit_id INTEGER REFERENCES units(id),
    place_note     TEXT,
    status         TEXT NOT NULL,
    cancel_reason  TEXT,
    published_at   INTEGER,
    activity_id    INTEGER,
    version        INTEGER NOT NULL DEFAULT 1,
    created_by     INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX plans_path_date ON plans (unit_path, date);
CREATE INDEX plans_region_date ON plans (region_id, date);
CREATE INDEX plans_status_date ON plans (status, date);

CREATE TABLE plan_officials (
    plan_id     INTEGER NOT NULL REFERENCES plans(id),
    official_id INTEGER NOT NULL REFERENCES officials(id),
    PRIMARY KEY (plan_id, official_id)
);
CREATE TABLE plan_items (
    plan_id INTEGER NOT NULL REFERENCES plans(id),
    item_id INTEGER NOT NULL REFERENCES items(id),
    PRIMARY KEY (plan_id, item_id)
);

CREATE TABLE activities (
    id            INTEGER PRIMARY KEY,
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    unit_path     TEXT NOT NULL,
    region_id     INTEGER NOT NULL REFERENCES units(id),
    plan_id       INTEGER REFERENCES plans(id),
    kind          TEXT NOT NULL,
    mode          TEXT NOT NULL,
    channel       TEXT,
    trigger_kind  TEXT NOT NULL,
    unannounced   INTEGER NOT NULL DEFAULT 0,
    date          TEXT NOT NULL,
    started       TEXT,
    ended         TEXT,
    place         TEXT,
    content       TEXT,
    visitors      INTEGER NOT NULL DEFAULT 0,
    checked_items INTEGER NOT NULL DEFAULT 0,
    steps_done    TEXT NOT NULL DEFAULT '',   -- step codes joined by ','
    notes         TEXT,
    status        TEXT NOT NULL,              -- draft | filed
    filed_on      TEXT,
    filing_due    TEXT,
    late          INTEGER NOT NULL DEFAULT 0,
    version       INTEGER NOT NULL DEFAULT 1,
    created_by    INTEGER,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX activities_path_date ON activities (unit_path, date);
CREATE INDEX activities_date ON activities (date);
CREATE INDEX activities_region_date ON activities (region_id, date);

CREATE TABLE activity_officials (
    activity_id INTEGER NOT NULL REFERENCES activities(id),
    official_id INTEGER NOT NULL REFERENCES officials(id),
    PRIMARY KEY (activity_id, official_id)
);
CREATE INDEX activity_officials_official ON activity_officials (official_id);
CREATE TABLE activity_items (
    activity_id INTEGER NOT NULL REFERENCES activities(id),
    item_id     INTEGER NOT NULL REFERENCES items(id),
    PRIMARY KEY (activity_id, item_id)
);

-- 服务回访: the person called is personal data, sealed like phones.
CREATE TABLE callbacks (
    id           INTEGER PRIMARY KEY,
    activity_id  INTEGER NOT NULL REFERENCES activities(id),
    name_enc     TEXT NOT NULL,
    phone_enc    TEXT,
    served_on    TEXT,
    called_on    TEXT NOT NULL,
    valid        INTEGER NOT NULL,
    satisfaction TEXT,
    remarks      TEXT,
    created_at   INTEGER NOT NULL
);
CREATE INDEX callbacks_activity ON callbacks (activity_id);

CREATE TABLE problems (
    id             INTEGER PRIMARY KEY,
    unit_id        INTEGER NOT NULL REFERENCES units(id),
    unit_path      TEXT NOT NULL,
    region_id      INTEGER NOT NULL REFERENCES units(id),
    section_id     INTEGER REFERENCES units(id),
    activity_id    INTEGER REFERENCES activities(id),
    item_id        INTEGER REFERENCES items(id),
    source         TEXT NOT NULL,
    category       TEXT NOT NULL,
    description    TEXT NOT NULL,
    cause          TEXT,
    urgent         INTEGER NOT NULL DEFAULT 0,
    other_units    TEXT NOT NULL DEFAULT '',  -- ids of other units involved, joined by ','
    disposition    TEXT NOT NULL,
    deadline       TEXT,
    escalated_to   TEXT,
    status         TEXT NOT NULL,
    handler_id     INTEGER REFERENCES users(id),
    measures       TEXT,
    effect         TEXT,
    evidence_count INTEGER NOT NULL DEFAULT 0,
    verifier_id    INTEGER REFERENCES users(id),
    found_on       TEXT NOT NULL,
    closed_on      TEXT,
    review_due     TEXT,
    reviewed_on    TEXT,
    reopen_count   INTEGER NOT NULL DEFAULT 0,
    version        INTEGER NOT NULL DEFAULT 1,
    created_by     INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX problems_path_found ON problems (unit_path, found_on);
CREATE INDEX problems_found ON problems (found_on);
CREATE INDEX problems_closed ON problems (closed_on);
CREATE INDEX problems_status_deadline ON problems (status, deadline);
CREATE INDEX problems_activity ON problems (activity_id);

-- 整改过程: the timeline of a problem, one row per transition.
CREATE TABLE problem_events (
    id          INTEGER PRIMARY KEY,
    problem_id  INTEGER NOT NULL REFERENCES problems(id),
    at          INTEGER NOT NULL,
    actor_id    INTEGER,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    from_status TEXT,
    to_status   TEXT NOT NULL,
    note        TEXT
);
CREATE INDEX problem_events_problem ON problem_events (problem_id, id);

CREATE TABLE needs (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    unit_path   TEXT NOT NULL,
    region_id   INTEGER NOT NULL REFERENCES units(id),
    activity_id INTEGER REFERENCES activities(id),
    problem_id  INTEGER REFERENCES problems(id),
    raised_by   TEXT NOT NULL,
    content     TEXT NOT NULL,
    response    TEXT,
    status      TEXT NOT NULL,
    raised_on   TEXT NOT NULL,
    closed_on   TEXT,
    version     INTEGER NOT NULL DEFAULT 1,
    created_by  INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX needs_path_raised ON needs (unit_path, raised_on);

CREATE TABLE measures (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    unit_path   TEXT NOT NULL,
    region_id   INTEGER NOT NULL REFERENCES units(id),
    problem_id  INTEGER REFERENCES problems(id),
    need_id     INTEGER REFERENCES needs(id),
    activity_id INTEGER REFERENCES activities(id),
    content     TEXT NOT NULL,
    deadline    TEXT,
    done_on     TEXT,
    effect      TEXT,
    status      TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    created_by  INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX measures_path ON measures (unit_path, id);
