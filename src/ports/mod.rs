//! Purpose: the contracts between the bot's features and the outside world — the clock, the
//! store and the chat platform. Features hold them as `Arc<dyn …>`; adapters implement them (SQLite today, PostgreSQL
//! later beside it), so no feature knows which database or clock it runs on.

pub mod access;
pub mod chat;
pub mod directory;
pub mod history;
pub mod holidays;
pub mod inbox;
pub mod jobs;
pub mod outbox;
pub mod participation;
pub mod records;
pub mod retention;
pub mod shards;
pub mod standups;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

pub use access::{AccessStore, MemberData};
pub use chat::{ChatPlatform, OutboxTag, Profile, SendError};
pub use directory::{ChannelRecord, DirectoryStore, MemberChanges, MemberRecord};
pub use history::{HistoryAnswer, HistoryQuery, HistoryStore};
pub use holidays::{CalendarRecord, HolidayRecord, HolidaySource, HolidayStore};
pub use inbox::{InboxStore, NewDelivery, PendingDelivery};
pub use jobs::JobStore;
pub use outbox::{Delivery, OutboxStats, OutboxStore, QueuedMessage, UndeliveredMessage};
pub use participation::{ParticipationStore, RunFact};
pub use records::{
    BlockerRecord, BriefStore, DecisionRecord, DecisionStore, NewDecision, NewNudge, NewQuestion, NudgeRecord,
    NudgeState, NudgeStore, OpenQuestion, QuestionStore, StatsCounts,
};
pub use retention::{Expired, RetentionStore};
pub use shards::ShardStore;
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
    + HolidayStore
    + RetentionStore
    + ParticipationStore
    + HistoryStore
    + ShardStore
    + AccessStore
    + Send
    + Sync
{
    /// Takes the single-instance lock, or fails with [`StoreError::Locked`].
    fn lock_instance(&self) -> Result<Box<dyn InstanceGuard>, StoreError>;

    /// Starts a unit of work: one transaction for everything an event or a job writes.
    async fn begin(&self) -> anyhow::Result<Box<dyn UnitOfWork>>;

    /// Whether the store answers (for `/healthz`).
    async fn ping(&self) -> anyhow::Result<()>;

    /// The heartbeat: extends every claim `worker` holds (jobs, inbox events, messages being
    /// sent) to `now + lease`, so a live process keeps its work however long it takes and a
    /// dead one's lapses after one lease. Returns how many claims were renewed.
    async fn renew_claims(&self, worker: &str, now: DateTime<Utc>, lease: chrono::Duration) -> anyhow::Result<u64>;
}

/// A shared store.
pub type SharedStore = Arc<dyn Store>;
