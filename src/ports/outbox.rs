//! Purpose: the outbox — messages the bot has decided to send, delivered by the delivery workers
//! in order within each conversation (a *lane*), each exactly once.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};

use crate::domain::events::OutgoingMessage;
use crate::domain::platform::Platform;

/// A message taken for delivery.
#[derive(Debug, Clone, PartialEq)]
pub struct QueuedMessage {
    /// Store id (delivery order; the tag the platforms carry).
    pub id: i64,
    /// Store id of the workspace.
    pub workspace_id: i64,
    /// The workspace's platform.
    pub platform: Platform,
    /// The platform's id of the workspace.
    pub workspace: String,
    /// The message.
    pub message: OutgoingMessage,
    /// Failed delivery attempts so far.
    pub attempts: i64,
    /// When it was queued.
    pub queued_at: DateTime<Utc>,
    /// The platform may already have it (a crash mid-send, a timeout, a 5xx): look for it before
    /// sending it again.
    pub maybe_sent: bool,
}

/// How a delivery attempt ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Delivery {
    /// Sent (or found already sent); the platform's id of the message.
    Sent(String),
    /// Never retried.
    Failed(String),
    /// Surely not delivered: retry at this instant (an attempt is counted).
    RetryAt(DateTime<Utc>, String),
    /// Rate limited: wait until this instant (no attempt is counted).
    WaitUntil(DateTime<Utc>),
    /// The platform may have it: reconcile at this instant before any resend.
    ReconcileAt(DateTime<Utc>, String),
}

/// Counts of outbox messages for `/metrics` and `unhurried outbox`: by platform (so a Discord
/// outage shows apart from Slack), and every platform together. Build it with
/// [`OutboxStats::new`] from the per-platform figures.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OutboxStats {
    /// Messages by platform (`slack`, `discord`: the workspace's) and state, sorted.
    pub by_platform: Vec<(String, String, i64)>,
    /// When the oldest message still to deliver was queued, for each platform that has one.
    pub oldest_pending_by_platform: Vec<(String, DateTime<Utc>)>,
    /// Messages by state (`pending`, `sending`, `sent`, `failed`, `unknown`), every platform together.
    pub by_state: Vec<(String, i64)>,
    /// When the oldest message still to deliver was queued, on any platform.
    pub oldest_pending: Option<DateTime<Utc>>,
}

impl OutboxStats {
    /// The figures from the per-platform ones: (platform, state, count) rows and each platform's
    /// oldest message still to deliver.
    pub fn new(
        mut by_platform: Vec<(String, String, i64)>,
        oldest_pending_by_platform: Vec<(String, DateTime<Utc>)>,
    ) -> Self {
        by_platform.sort();
        let mut by_state: Vec<(String, i64)> = Vec::new();
        for (_, state, count) in &by_platform {
            match by_state.iter_mut().find(|(s, _)| s == state) {
                Some((_, total)) => *total += count,
                None => by_state.push((state.clone(), *count)),
            }
        }
        by_state.sort();
        let oldest_pending = oldest_pending_by_platform.iter().map(|(_, at)| *at).min();
        OutboxStats { by_platform, oldest_pending_by_platform, by_state, oldest_pending }
    }

    /// The platforms that have messages in the outbox, sorted.
    pub fn platforms(&self) -> Vec<&str> {
        let mut platforms: Vec<&str> = self.by_platform.iter().map(|(platform, _, _)| platform.as_str()).collect();
        platforms.dedup();
        platforms
    }
}

/// A failed or unknown message, for `unhurried outbox`.
#[derive(Debug, Clone, PartialEq)]
pub struct UndeliveredMessage {
    /// Store id.
    pub id: i64,
    /// `failed` or `unknown`.
    pub state: String,
    /// Why it was sent.
    pub purpose: String,
    /// Its conversation.
    pub lane: String,
    /// Attempts made.
    pub attempts: i64,
    /// The last error.
    pub error: Option<String>,
    /// When it was queued.
    pub queued_at: DateTime<Utc>,
}

/// The outbox.
#[async_trait]
pub trait OutboxStore: Send + Sync {
    /// Queues messages for delivery, in order.
    async fn enqueue(&self, workspace_id: i64, messages: &[OutgoingMessage], now: DateTime<Utc>) -> anyhow::Result<()>;

    /// Takes up to `limit` deliverable messages and marks them `sending`: the oldest message of
    /// each lane with nothing older still undelivered, due at `now`; private replies (a user is
    /// waiting) before the rest, then oldest first. A lane is never taken twice at once.
    /// Where several processes share the store, taken messages are claimed by `worker` for
    /// `lease`, and a message whose claim lapsed mid-send is taken again as maybe sent.
    async fn take_deliverable(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease: Duration,
        limit: u32,
    ) -> anyhow::Result<Vec<QueuedMessage>>;

    /// Records how `worker`'s delivery of a taken message ended (ignored if its claim lapsed and
    /// another worker holds the message now).
    async fn record_delivery_result(
        &self,
        id: i64,
        worker: &str,
        result: &Delivery,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()>;

    /// At start: messages a crash left `sending` become `unknown` (reconciled before any
    /// resend); returns how many.
    async fn recover_in_flight(&self, now: DateTime<Utc>) -> anyhow::Result<u64>;

    /// The platform id of the sent message with this outbox id, if sent.
    async fn sent_ref(&self, id: i64) -> anyhow::Result<Option<String>>;

    /// The earliest instant a message becomes deliverable, to sleep until it.
    async fn next_delivery_at(&self) -> anyhow::Result<Option<DateTime<Utc>>>;

    /// Where several processes share the store: takes the next post slot of the workspace,
    /// `spacing` after the one taken before it by any process, and answers how long to wait for
    /// it (measured on the store's own clock, so processes' clocks need not agree). `None`: no
    /// other process can post through this store (SQLite's instance lock), so the caller paces
    /// in memory.
    async fn take_post_slot(
        &self,
        workspace_id: i64,
        spacing: std::time::Duration,
    ) -> anyhow::Result<Option<std::time::Duration>> {
        let _ = (workspace_id, spacing);
        Ok(None)
    }

    /// Counts by state and the age of the oldest undelivered message.
    async fn outbox_stats(&self) -> anyhow::Result<OutboxStats>;

    /// Failed and unknown messages, newest first.
    async fn undelivered(&self, limit: u32) -> anyhow::Result<Vec<UndeliveredMessage>>;
}
