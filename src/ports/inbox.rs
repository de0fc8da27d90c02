//! Purpose: the inbox — every verified delivery, durable before the platform is acked, handled
//! once by the consumer in the same transaction as its effects.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};

use crate::domain::events::InboundEvent;
use crate::domain::platform::Platform;

/// A delivery as intake records it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDelivery {
    /// The platform it came from.
    pub platform: Platform,
    /// The event, already verified and converted.
    pub event: InboundEvent,
}

/// An inbox row waiting for the consumer.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingDelivery {
    /// Store id (handling order).
    pub id: i64,
    /// The platform it came from.
    pub platform: Platform,
    /// The event.
    pub event: InboundEvent,
    /// Failed handling attempts so far.
    pub attempts: i64,
}

/// The inbox.
#[async_trait]
pub trait InboxStore: Send + Sync {
    /// Records deliveries in one transaction (group commit); for each, whether it is new (`false`:
    /// its key was seen before, a duplicate with no effect).
    async fn record_deliveries(&self, deliveries: &[NewDelivery], now: DateTime<Utc>) -> anyhow::Result<Vec<bool>>;

    /// The oldest pending delivery due at `now`, if any, claimed by `worker` for `lease` where
    /// several processes share the store (a store only one process may open needs no claim).
    async fn next_delivery(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease: Duration,
    ) -> anyhow::Result<Option<PendingDelivery>>;

    /// Marks a delivery handled (called inside the unit of work that carried its effects);
    /// `false` when it is no longer pending and `worker`'s (another worker handled it after
    /// `worker`'s claim lapsed): the unit of work must then roll back.
    async fn mark_handled(&self, id: i64, worker: &str, now: DateTime<Utc>) -> anyhow::Result<bool>;

    /// Records a failed attempt: retried at `retry_at`, or failed for good when `None`.
    async fn mark_attempt_failed(
        &self,
        id: i64,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()>;

    /// How many deliveries wait, and when the oldest of them arrived (for `/metrics`).
    async fn inbox_backlog(&self) -> anyhow::Result<(i64, Option<DateTime<Utc>>)>;
}
