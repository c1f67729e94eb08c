-- When an address last failed to sign in as a name: the counts of those
-- that stopped guessing a day ago are pruned, so guesses at many invented
-- names cannot grow the table without end.
ALTER TABLE login_throttle ADD COLUMN last_at BIGINT NOT NULL DEFAULT 0;
