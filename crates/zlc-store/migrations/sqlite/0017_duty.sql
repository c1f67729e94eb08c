-- 督办: each rung of a duty's ladder sent once, the messages it leaves, and
-- the log of every delivery by mail or webhook.

-- 邮箱 where the account's daily digest is mailed (SM4-GCM, see crypto.rs).
ALTER TABLE users ADD COLUMN email_enc TEXT;

-- 督办日 one day's run: whoever inserts the row (or takes over a lease that
-- ran out) computes the day's reminders; the others wait for it to finish.
CREATE TABLE remind_days (
    day          TEXT PRIMARY KEY,
    status       TEXT NOT NULL,            -- running | done
    runner       TEXT NOT NULL,
    lease_until  INTEGER NOT NULL,
    reminders    INTEGER NOT NULL DEFAULT 0,
    started_at   INTEGER NOT NULL,
    finished_at  INTEGER
);

-- 督办记录 one rung of one duty's ladder: sent once per deadline (a new
-- deadline climbs the ladder anew).
CREATE TABLE reminders (
    id          INTEGER PRIMARY KEY,
    duty        TEXT NOT NULL,             -- file-walk | rectify | review
    record_id   INTEGER NOT NULL,
    due         TEXT NOT NULL,
    rung        TEXT NOT NULL,             -- remind | urge | escalate
    day         TEXT NOT NULL,
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    title       TEXT NOT NULL,
    note        TEXT NOT NULL,
    at          INTEGER NOT NULL,
    UNIQUE (duty, record_id, due, rung)
);
CREATE INDEX reminders_day ON reminders (day, id);

-- 站内消息 one message to one account.
CREATE TABLE messages (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    reminder_id INTEGER REFERENCES reminders(id),
    kind        TEXT NOT NULL,             -- remind | urge | escalate
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    link        TEXT,
    day         TEXT NOT NULL,
    at          INTEGER NOT NULL,
    read_at     INTEGER
);
CREATE INDEX messages_user ON messages (user_id, id);
CREATE INDEX messages_user_day ON messages (user_id, day);

-- 投递 one day's news over one channel to one target: a person's mail
-- digest (user:<id>) or the webhook. Claimed by a conditional update, so
-- one server sends it; retried until sent or out of attempts.
CREATE TABLE deliveries (
    id          INTEGER PRIMARY KEY,
    channel     TEXT NOT NULL,             -- mail | webhook
    target      TEXT NOT NULL,
    day         TEXT NOT NULL,
    status      TEXT NOT NULL,             -- pending | sending | sent | failed
    attempts    INTEGER NOT NULL DEFAULT 0,
    lease_until INTEGER,
    last_error  TEXT,
    sent_at     INTEGER,
    created_at  INTEGER NOT NULL,
    UNIQUE (channel, target, day)
);
CREATE INDEX deliveries_status ON deliveries (status, id);

-- The daily run reads only open duties up to its horizon.
CREATE INDEX activities_status_filing ON activities (status, filing_due);
CREATE INDEX problems_status_review ON problems (status, review_due);
CREATE INDEX problems_handler ON problems (handler_id, status);
