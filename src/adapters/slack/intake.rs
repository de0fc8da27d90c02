//! Purpose: where Slack deliveries enter the bot, for both Socket Mode and HTTP. It converts,
//! de-duplicates by Slack's `event_id`, and hands the event to the one consumer over a channel.
//! It never waits for the bot, so Slack gets its ack within 3 s whatever the bot is doing.

use std::sync::Arc;

use anyhow::Context as _;
use slack_morphism::prelude::*;
use tokio::sync::mpsc;

use crate::adapters::metrics::Metrics;
use crate::adapters::slack::convert;
use crate::adapters::slack::interactions::{self, Interaction};
use crate::domain::events::InboundEvent;
use crate::ports::{Clock, Store};

/// What became of a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accepted {
    /// Handed to the bot.
    Dispatched,
    /// Seen before (a retry, or the same event on a second socket): no effect.
    Duplicate,
    /// Not something the bot acts on (edits, bot posts, other event types).
    Ignored,
}

/// The shared entry point of Slack deliveries.
pub struct Intake {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    events: mpsc::Sender<InboundEvent>,
    metrics: Arc<Metrics>,
    bot_user: Option<String>,
}

impl Intake {
    /// An intake feeding `events`; `bot_user` (from `auth.test`) marks the bot's own posts.
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        events: mpsc::Sender<InboundEvent>,
        metrics: Arc<Metrics>,
        bot_user: Option<String>,
    ) -> Self {
        Intake { store, clock, events, metrics, bot_user }
    }

    /// The counters this intake updates.
    pub fn metrics(&self) -> &Arc<Metrics> {
        &self.metrics
    }

    /// Takes one Events API callback.
    pub async fn push(&self, callback: &SlackPushEventCallback) -> anyhow::Result<Accepted> {
        let converted = convert::push_event(callback, self.bot_user.as_deref());
        self.metrics.event_received(converted.kind);
        let Some(event) = converted.event else {
            return Ok(Accepted::Ignored);
        };
        self.dispatch(Some(callback.event_id.to_string()), event).await
    }

    /// Takes one slash command (Slack does not retry these; the engine de-duplicates by trigger id).
    pub async fn command(&self, command: &SlackCommandEvent) -> anyhow::Result<Accepted> {
        self.metrics.event_received("command");
        self.dispatch(None, convert::command(command)).await
    }

    /// Takes one interaction (a button click or a modal submission) and says what to answer
    /// Slack. A refused submission dispatches nothing; the rest are de-duplicated by the engine
    /// (trigger and view ids), as Slack does not give interactions an event id.
    pub async fn interaction(&self, event: &SlackInteractionEvent) -> anyhow::Result<Interaction> {
        self.metrics.event_received("interaction");
        let interaction = interactions::convert(event);
        if let Interaction::Event(inbound) = &interaction {
            self.dispatch(None, inbound.clone()).await?;
        }
        Ok(interaction)
    }

    async fn dispatch(&self, event_id: Option<String>, event: InboundEvent) -> anyhow::Result<Accepted> {
        // Room first: a delivery recorded but then dropped for a full queue would be lost for good.
        let permit =
            self.events.try_reserve().map_err(|_| anyhow::anyhow!("the bot's event queue is full or closed"))?;
        if let Some(event_id) = event_id {
            let first = self
                .store
                .record_delivery("slack", &event_id, self.clock.now())
                .await
                .context("recording a Slack delivery")?;
            if !first {
                self.metrics.event_received("duplicate");
                tracing::debug!(%event_id, "duplicate Slack delivery ignored");
                return Ok(Accepted::Duplicate);
            }
        }
        permit.send(event);
        Ok(Accepted::Dispatched)
    }
}
