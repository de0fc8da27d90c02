//! Purpose: the outbox — messages the bot has decided to send, delivered in order, each once.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::events::OutgoingMessage;

/// A message waiting in the outbox.
#[derive(Debug, Clone, PartialEq)]
pub struct QueuedMessage {
    /// Store id (delivery order).
    pub id: i64,
    /// Store id of the workspace.
    pub workspace_id: i64,
    /// The message.
    pub message: OutgoingMessage,
    /// Delivery attempts so far.
    pub attempts: i64,
}

/// How a delivery attempt ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Delivery {
    /// Sent; the platform's id of the message.
    Sent(String),
    /// Never retried.
    Failed(String),
    /// Retry at this instant.
    RetryAt(DateTime<Utc>, String),
}

/// The outbox.
#[async_trait]
pub trait OutboxStore: Send + Sync {
    /// Queues messages for delivery, in order.
    async fn enqueue(&self, workspace_id: i64, messages: &[OutgoingMessage], now: DateTime<Utc>) -> anyhow::Result<()>;

    /// Takes the next deliverable message (oldest first, and only if no older message to the same
    /// conversation is still pending) and marks it `sending`, so no other worker takes it; a
    /// message left `sending` by a crash is never resent (at most once).
    async fn take_next(&self, now: DateTime<Utc>) -> anyhow::Result<Option<QueuedMessage>>;

    /// Records how the delivery of a taken message ended.
    async fn record_delivery_result(&self, id: i64, result: &Delivery, now: DateTime<Utc>) -> anyhow::Result<()>;

    /// Marks messages a crash left `sending` as `unknown` (logged, never resent); returns how many.
    async fn abandon_in_flight(&self) -> anyhow::Result<u64>;

    /// The platform id of the sent message with this outbox id, if sent.
    async fn sent_ref(&self, id: i64) -> anyhow::Result<Option<String>>;
}
