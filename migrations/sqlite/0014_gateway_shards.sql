-- Gateway shards leased through the database (PostgreSQL's 0003; on SQLite the one process holds
-- every shard, but both stores keep the same contract). One row per shard of the current shard
-- count; a row of another count is discarded by whichever process runs with the new one.
CREATE TABLE gateway_shards (
    shard       INTEGER PRIMARY KEY,
    total       INTEGER NOT NULL,
    held_by     TEXT,
    lease_until INTEGER
);
-- Each process that takes shards, live until its lease lapses: the count of live ones sets each
-- process's fair share (ceil(total / live)).
CREATE TABLE gateway_workers (
    worker      TEXT PRIMARY KEY,
    lease_until INTEGER NOT NULL
);
