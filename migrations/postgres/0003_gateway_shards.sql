-- Gateway shards leased through the database (Discord: one gateway session per shard), so that
-- several processes split the sessions and a dead process's shards are taken over after one lease
-- (docs/architecture.md, "Replicas"). One row per shard of the current shard count; a row of
-- another count is discarded by whichever process runs with the new one.
CREATE TABLE gateway_shards (
    shard       BIGINT PRIMARY KEY,
    total       BIGINT NOT NULL,
    held_by     TEXT,
    lease_until BIGINT
);
-- Each process that takes shards, live until its lease lapses: the count of live ones sets each
-- process's fair share (ceil(total / live)).
CREATE TABLE gateway_workers (
    worker      TEXT PRIMARY KEY,
    lease_until BIGINT NOT NULL
);
