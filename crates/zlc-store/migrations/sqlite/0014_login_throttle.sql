-- 登录限制 failed sign-ins counted per client address and account name, known
-- or not: an address that keeps guessing is paused, the same way for every
-- name (so the answer tells no account apart), while the account's owner
-- signs in from another address. `users.failed_logins` still counts an
-- account's failures from everywhere, against a higher limit.
CREATE TABLE login_throttle (
    ip           TEXT NOT NULL,
    username     TEXT NOT NULL,
    failures     INTEGER NOT NULL DEFAULT 0,
    locked_until INTEGER,
    PRIMARY KEY (ip, username)
);
