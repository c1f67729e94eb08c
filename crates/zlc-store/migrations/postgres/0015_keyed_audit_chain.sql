-- 审计日志 entries are chained with HMAC-SM3 under the audit key (derived from
-- the data key, kept outside the database) from this sequence number on, so
-- that someone who can write the database file but holds no key cannot
-- recompute the chain after editing an entry. Entries written before this
-- migration keep their plain SM3 hashes: they cannot be rewritten without
-- breaking the chain, and the checkpoints outside the database cover them.
ALTER TABLE audit_head ADD COLUMN keyed_from BIGINT NOT NULL DEFAULT 1;
UPDATE audit_head SET keyed_from = last_seq + 1;
