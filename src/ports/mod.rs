//! Purpose: the contracts between the bot's features and the outside world — the clock, the
//! store and the chat platform. Features hold them as `Arc<dyn …>`; adapters implement them (SQLite today, PostgreSQL
//! later beside it), so no feature knows which database or clock it runs on.

pub mod chat;
pub mod directory;
pub mod inbox;
pub mod outbox;
pub mod records;
pub mod standups;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};

use crate::domain::platform::Platform;
use crate::jobs::{ClaimedJob, JobOutcome, NewJob};

pub use chat::{ChatPlatform, OutboxTag, Profile, SendError};
pub use directory::{ChannelRecord, DirectoryStore, MemberChanges, MemberRecord};
pub use inbox::{InboxStore, NewDelivery, PendingDelivery};
pub use outbox::{Delivery, OutboxStats, OutboxStore, QueuedMessage, UndeliveredMessage};
pub use records::{
    BlockerRecord, BriefStore, DecisionRecord, DecisionStore, NewDecision, NewNudge, NewQuestion, NudgeRecord,
    NudgeState, NudgeStore, OpenQuestion, QuestionStore, StatsCounts,
};
pub use standups::{AnswerRecord, DigestRecord, NewDigest, RunKey, RunRecord, RunState, StandupRecord, StandupStore};

/// Where the bot reads the current instant. The system clock in production, a manual clock in
/// tests and simulations: nothing else calls `Utc::now()`.
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;
}

/// A shared clock.
pub type SharedClock = Arc<dyn Clock>;

/// Failures of the store that callers branch on; anything else is an `anyhow` error to log.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another process holds the database (SPEC §10 single-instance lock).
    #[error(
        "another unhurried process is already using {0}; stop it first (two processes on one database could both send)"
    )]
    Locked(String),
    /// A database error, with context.
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// Held for the life of a process that sends messages; dropping it releases the database.
pub trait InstanceGuard: Send + Sync {}

/// Durable jobs with exactly-once claims (see [`crate::jobs`]).
#[async_trait]
pub trait JobStore: Send + Sync {
    /// Inserts a job for `platform` unless one with the same key exists; returns whether it was
    /// inserted.
    async fn schedule_job(&self, job: &NewJob, platform: Platform, now: DateTime<Utc>) -> anyhow::Result<bool>;

    /// Atomically claims up to `limit` jobs that are due at `now` — pending ones, and claimed
    /// ones whose lease has run out (their worker died) — for `worker` until `now + lease`.
    async fn claim_due_jobs(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease: Duration,
        limit: u32,
    ) -> anyhow::Result<Vec<ClaimedJob>>;

    /// Records how a claimed job ended. Returns false (and changes nothing) when `worker` no
    /// longer holds the claim, so a worker that lost its lease cannot overwrite another's result.
    async fn finish_job(
        &self,
        job_id: i64,
        worker: &str,
        outcome: &JobOutcome,
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool>;

    /// Cancels a pending job by key; returns whether one was cancelled.
    async fn cancel_job(&self, key: &str, now: DateTime<Utc>) -> anyhow::Result<bool>;

    /// The earliest due instant of a pending job, to sleep until it.
    async fn next_due_at(&self) -> anyhow::Result<Option<DateTime<Utc>>>;

    /// Makes every claimed job due again at once; returns how many. Only for a process that is
    /// the store's only worker (SQLite's instance lock): the claims it drops were a dead
    /// process's, so a restart never waits out their leases.
    async fn release_all_claims(&self) -> anyhow::Result<u64>;
}

/// One event's or job's work on the store: everything written through [`UnitOfWork::store`]
/// commits together or not at all. Dropped without commit, it is rolled back.
#[async_trait]
pub trait UnitOfWork: Send + Sync {
    /// The store as seen from inside the unit of work (it reads its own writes).
    fn store(&self) -> SharedStore;

    /// Makes every write durable at once.
    async fn commit(self: Box<Self>) -> anyhow::Result<()>;

    /// Undoes every write.
    async fn rollback(self: Box<Self>) -> anyhow::Result<()>;
}

/// The store: everything unhurried keeps. One trait per concern keeps each small.
#[async_trait]
pub trait Store:
    JobStore
    + DirectoryStore
    + InboxStore
    + OutboxStore
    + StandupStore
    + NudgeStore
    + QuestionStore
    + DecisionStore
    + BriefStore
    + Send
    + Sync
{
    /// Takes the single-instance lock, or fails with [`StoreError::Locked`].
    fn lock_instance(&self) -> Result<Box<dyn InstanceGuard>, StoreError>;

    /// Starts a unit of work: one transaction for everything an event or a job writes.
    async fn begin(&self) -> anyhow::Result<Box<dyn UnitOfWork>>;

    /// Whether the store answers (for `/healthz`).
    async fn ping(&self) -> anyhow::Result<()>;
}

/// A shared store.
pub type SharedStore = Arc<dyn Store>;
