//! Purpose: delivery — the workers that send the outbox, apart from the consumer that decides.
//!
//! - **Order within a lane, concurrency across lanes.** A lane is one conversation (a DM; a
//!   channel with its threads and edits; one member's private replies in a channel). The store
//!   hands out only the oldest undelivered message of a lane, and marks it `sending`, so a lane
//!   has at most one message in flight; up to `delivery.concurrency` lanes are served at once.
//! - **Pacing** ([`limiter`]): posts to a Slack workspace are paced; a 429's `Retry-After` holds
//!   back only its own lane; private replies are taken first and never paced.
//! - **Failure policy** ([`policy`]): permanent errors fail at once with one warning; transient
//!   ones retry with exponential backoff and jitter, capped by attempts and age; a failed message
//!   never blocks its lane.
//! - **Exactly once.** A message whose fate is unknown (a crash mid-send, a timeout, a 5xx) is
//!   marked `maybe_sent` and reconciled with [`ChatPlatform::find_sent`] before it is sent again.

pub mod limiter;
pub mod policy;

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::Context as _;
use tokio::sync::Notify;
use tokio::task::JoinSet;

use self::limiter::Limiter;
use crate::config::Settings;
use crate::domain::events::{Destination, InboundEvent};
use crate::domain::platform::Platform;
use crate::ports::{ChatPlatform, Clock, Delivery, NewDelivery, OutboxTag, QueuedMessage, SharedStore};

/// How long the workers sleep at most when nothing is due, in case a wake-up was missed.
const IDLE_POLL: std::time::Duration = std::time::Duration::from_secs(1);

/// Sends the outbox.
#[derive(Clone)]
pub struct Deliverer {
    inner: Arc<Inner>,
}

struct Inner {
    store: SharedStore,
    clock: Arc<dyn Clock>,
    platforms: HashMap<Platform, Arc<dyn ChatPlatform>>,
    settings: Arc<Settings>,
    /// This process's identity in the store's claims.
    worker: String,
    limiter: Limiter,
    /// Raised when the consumer commits new messages.
    queued: Notify,
}

impl Deliverer {
    /// Workers over `platforms`, reading and updating `store`.
    pub fn new(
        store: SharedStore,
        clock: Arc<dyn Clock>,
        platforms: HashMap<Platform, Arc<dyn ChatPlatform>>,
        settings: Arc<Settings>,
        worker: String,
    ) -> Self {
        let limiter = Limiter::new(settings.delivery.slack_posts_per_second);
        let inner = Inner { store, clock, platforms, settings, worker, limiter, queued: Notify::new() };
        Deliverer { inner: Arc::new(inner) }
    }

    /// Tells the workers that new messages were committed.
    pub fn wake(&self) {
        self.inner.queued.notify_one();
    }

    /// Delivers, one message at a time, everything deliverable now, until nothing is
    /// (tests and `simulate`: the transcript then comes out in one deterministic order).
    /// Messages waiting for a retry or a rate limit stay queued.
    pub async fn deliver_all(&self) -> anyhow::Result<usize> {
        let mut delivered = 0;
        loop {
            let batch = self.take(1).await?;
            let Some(queued) = batch.into_iter().next() else { return Ok(delivered) };
            self.inner.deliver(queued).await?;
            delivered += 1;
        }
    }

    /// The workers: deliver until `shutdown` resolves, up to `delivery.concurrency` lanes at once.
    pub async fn run(&self, shutdown: impl Future<Output = ()>) {
        let concurrency = self.inner.settings.delivery.concurrency;
        let mut in_flight: JoinSet<anyhow::Result<()>> = JoinSet::new();
        tokio::pin!(shutdown);
        loop {
            let room = concurrency.saturating_sub(in_flight.len());
            let mut took = 0;
            if room > 0 {
                match self.take(room).await {
                    Ok(batch) => {
                        took = batch.len();
                        for queued in batch {
                            let inner = self.inner.clone();
                            in_flight.spawn(async move { inner.deliver(queued).await });
                        }
                    }
                    Err(error) => tracing::error!(error = format!("{error:#}"), "reading the outbox failed"),
                }
            }
            if took > 0 && took == room {
                // Full: wait for a lane to finish before taking more, unless asked to stop.
                tokio::select! {
                    () = &mut shutdown => break,
                    Some(done) = in_flight.join_next() => log_worker_result(done),
                }
                continue;
            }
            let wait = self.idle_wait().await;
            tokio::select! {
                () = &mut shutdown => break,
                Some(done) = in_flight.join_next(), if !in_flight.is_empty() => log_worker_result(done),
                () = self.inner.queued.notified() => {}
                () = tokio::time::sleep(wait) => {}
            }
        }
        // Let sends already on the wire finish and be recorded, so they are not left `sending`.
        while let Some(done) = in_flight.join_next().await {
            log_worker_result(done);
        }
    }

    /// Takes up to `limit` deliverable messages, private replies first (a user is waiting).
    async fn take(&self, limit: usize) -> anyhow::Result<Vec<QueuedMessage>> {
        let limit = u32::try_from(limit).unwrap_or(u32::MAX);
        let lease = self.inner.settings.database.lease;
        self.inner.store.take_deliverable(&self.inner.worker, self.inner.clock.now(), lease, limit).await
    }

    /// How long to sleep when nothing can be taken: until the next retry or rate-limit wait
    /// ends, at most [`IDLE_POLL`]. Messages due now but not taken wait for their lane's message in
    /// flight, whose end wakes the loop anyway.
    async fn idle_wait(&self) -> std::time::Duration {
        let now = self.inner.clock.now();
        let next = self.inner.store.next_delivery_at().await.ok().flatten();
        match next.map(|at| (at - now).to_std()) {
            Some(Ok(until_next)) if !until_next.is_zero() => until_next.min(IDLE_POLL),
            _ => IDLE_POLL,
        }
    }
}

fn log_worker_result(done: Result<anyhow::Result<()>, tokio::task::JoinError>) {
    match done {
        Ok(Ok(())) => {}
        Ok(Err(error)) => tracing::error!(error = format!("{error:#}"), "delivering a message failed"),
        Err(error) => tracing::error!(%error, "a delivery worker panicked"),
    }
}

impl Inner {
    /// Delivers one taken message and records how it ended.
    async fn deliver(&self, queued: QueuedMessage) -> anyhow::Result<()> {
        let Some(chat) = self.platforms.get(&queued.platform) else {
            // Another process (or a later start with other credentials) serves that platform.
            let retry = Delivery::WaitUntil(self.clock.now() + chrono::Duration::minutes(1));
            return self.store.record_delivery_result(queued.id, &self.worker, &retry, self.clock.now()).await;
        };
        let tag = OutboxTag { id: queued.id, queued_at: queued.queued_at };
        let message = &queued.message;
        if queued.maybe_sent {
            match chat.find_sent(tag, message).await {
                Ok(Some(platform_ref)) => {
                    tracing::info!(
                        outbox = queued.id,
                        purpose = message.purpose.as_str(),
                        "found a message the platform already had; not sending it again"
                    );
                    return self.record(&queued, Delivery::Sent(platform_ref)).await;
                }
                Ok(None) => {}
                Err(error) => {
                    let outcome = policy::after_error(&self.settings.delivery, &queued, error, self.clock.now(), true);
                    return self.finish(&queued, outcome).await;
                }
            }
        }
        if !is_private(&message.to) && chat.paced() {
            self.wait_for_post_slot(queued.workspace_id).await;
        }
        let outcome = match chat.send(tag, message).await {
            Ok(platform_ref) => policy::Outcome::Record(Delivery::Sent(platform_ref)),
            Err(error) => {
                policy::after_error(&self.settings.delivery, &queued, error, self.clock.now(), queued.maybe_sent)
            }
        };
        self.finish(&queued, outcome).await
    }

    /// Waits for this post's slot in its workspace: shared by every process on the store where
    /// several may post (`take_post_slot`), else this process's own limiter. Pacing only avoids
    /// 429s (which are handled anyway), so a store that cannot answer now falls back to the
    /// process's own limiter rather than holding the message.
    async fn wait_for_post_slot(&self, workspace_id: i64) {
        match self.store.take_post_slot(workspace_id, self.limiter.spacing()).await {
            Ok(Some(wait)) => tokio::time::sleep(wait).await,
            Ok(None) => self.limiter.wait_for_post(workspace_id).await,
            Err(error) => {
                tracing::warn!(error = %format!("{error:#}"), "could not take a shared post slot; pacing in this process");
                self.limiter.wait_for_post(workspace_id).await;
            }
        }
    }

    async fn finish(&self, queued: &QueuedMessage, outcome: policy::Outcome) -> anyhow::Result<()> {
        match outcome {
            policy::Outcome::Record(delivery) => self.record(queued, delivery).await,
            policy::Outcome::Unreachable(error) => {
                self.record(queued, Delivery::Failed(error)).await?;
                if let Destination::Dm { user } = &queued.message.to {
                    self.mark_unreachable(queued, user).await?;
                }
                Ok(())
            }
        }
    }

    async fn record(&self, queued: &QueuedMessage, delivery: Delivery) -> anyhow::Result<()> {
        self.store
            .record_delivery_result(queued.id, &self.worker, &delivery, self.clock.now())
            .await
            .with_context(|| format!("recording the delivery of outbox message {}", queued.id))
    }

    /// A DM that can never be delivered: recorded in the inbox, so the consumer decides what it
    /// means for the member (marked unreachable once, told where they will see it).
    async fn mark_unreachable(&self, queued: &QueuedMessage, user: &str) -> anyhow::Result<()> {
        let event = InboundEvent::DmUndeliverable {
            workspace: queued.workspace.clone(),
            id: queued.id.to_string(),
            user: user.to_owned(),
        };
        let delivery = NewDelivery { platform: queued.platform, event };
        self.store.record_deliveries(&[delivery], self.clock.now()).await?;
        Ok(())
    }
}

/// Private replies: a user waits for them, and Slack rate-limits them apart from posts.
fn is_private(to: &Destination) -> bool {
    matches!(to, Destination::Ephemeral { .. })
}
