//! Purpose: gateway shards leased through the store, so that several processes on one database
//! split a platform's gateway sessions (Discord: one session per shard) with no leader, and a
//! process that dies gives its shards up after one lease.
//!
//! A shard is a row per shard number, leased to one worker at a time like a job claim. Each
//! process also keeps a presence row (renewed with its shards), so every process can count the
//! live ones and hold its fair share: at most `ceil(total / live)` shards.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};

/// The store side of shard assignment. Both stores implement it; on SQLite one process holds
/// every shard anyway (the instance lock), but the contract is the same.
#[async_trait]
pub trait ShardStore {
    /// Marks `worker` live until `now + lease`, discards the rows of any shard count other than
    /// `total` (a changed `discord.shards`: whoever held them finds them gone), extends the lease
    /// of every shard of `total` that `worker` holds, and returns those shards, lowest first. A
    /// shard missing from the answer is no longer this worker's: its session must stop.
    async fn renew_shards(
        &self,
        worker: &str,
        total: u32,
        now: DateTime<Utc>,
        lease: Duration,
    ) -> anyhow::Result<Vec<u32>>;

    /// Takes up to `max` shards of `total` that nobody holds or whose lease lapsed by `now`,
    /// lowest first, leased to `worker` until `now + lease`; returns the shards taken. Two workers
    /// never take the same shard (PostgreSQL: `FOR UPDATE SKIP LOCKED`, a claimer never waits).
    async fn claim_shards(
        &self,
        worker: &str,
        total: u32,
        now: DateTime<Utc>,
        lease: Duration,
        max: u32,
    ) -> anyhow::Result<Vec<u32>>;

    /// How many workers are live at `now` (their presence lease has not lapsed), `worker`'s own
    /// included once it has renewed.
    async fn live_shard_workers(&self, now: DateTime<Utc>) -> anyhow::Result<u32>;

    /// Gives up `shards` held by `worker` (its sessions have stopped): others may take them at once.
    async fn release_shards(&self, worker: &str, shards: &[u32]) -> anyhow::Result<()>;

    /// At a clean stop: gives up every shard `worker` holds and its presence.
    async fn leave_shards(&self, worker: &str) -> anyhow::Result<()>;
}
