//! Purpose: where Slack deliveries enter the bot, for both Socket Mode and HTTP. It converts and
//! records the event in the inbox (durable, de-duplicated by the event's own key); the caller acks
//! Slack once that returns. It never waits for the bot, so Slack gets its ack within 3 s whatever
//! the bot is doing, and an acked event survives a crash. A slash command's `response_url` is
//! kept (in memory, never logged) for the platform to answer through.

use std::sync::Arc;

use slack_morphism::prelude::*;

use crate::adapters::metrics::Metrics;
use crate::adapters::slack::convert;
use crate::adapters::slack::interactions::{self, Interaction};
use crate::adapters::slack::payload::{self, Callback};
use crate::adapters::slack::response_urls::ResponseUrls;
use crate::domain::events::InboundEvent;
use crate::domain::platform::Platform;
use crate::inbox::{InboxWriter, Recorded};

/// What became of a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accepted {
    /// Recorded in the inbox for the bot.
    Dispatched,
    /// Seen before (a retry, or the same event on a second socket): no effect.
    Duplicate,
    /// Not something the bot acts on (edits, bot posts, other event types).
    Ignored,
}

/// The shared entry point of Slack deliveries.
pub struct Intake {
    inbox: InboxWriter,
    metrics: Arc<Metrics>,
    bot_user: Option<String>,
    response_urls: Option<Arc<ResponseUrls>>,
}

impl Intake {
    /// An intake recording into `inbox`; `bot_user` (from `auth.test`) marks the bot's own posts.
    pub fn new(inbox: InboxWriter, metrics: Arc<Metrics>, bot_user: Option<String>) -> Self {
        Intake { inbox, metrics, bot_user, response_urls: None }
    }

    /// The same intake, remembering each new command's `response_url` in `urls` — the platform's
    /// ([`crate::adapters::slack::SlackPlatform::response_urls`]), so replies reach members
    /// wherever they typed the command.
    pub fn with_response_urls(mut self, urls: Arc<ResponseUrls>) -> Self {
        self.response_urls = Some(urls);
        self
    }

    /// The counters this intake updates.
    pub fn metrics(&self) -> &Arc<Metrics> {
        &self.metrics
    }

    /// Takes one Events API callback, as slack-morphism parsed it (Socket Mode).
    pub async fn push(&self, callback: &SlackPushEventCallback) -> anyhow::Result<Accepted> {
        self.take(convert::push_event(callback, self.bot_user.as_deref())).await
    }

    /// Takes one Events API callback read straight from its HTTP body ([`payload`]).
    pub async fn push_read(&self, callback: &Callback<'_>) -> anyhow::Result<Accepted> {
        self.take(payload::convert(callback, self.bot_user.as_deref())).await
    }

    async fn take(&self, converted: convert::Converted) -> anyhow::Result<Accepted> {
        self.metrics.event_received(converted.kind);
        let Some(event) = converted.event else {
            return Ok(Accepted::Ignored);
        };
        self.dispatch(event).await
    }

    /// Takes one slash command (Slack does not retry these; the inbox de-duplicates by trigger id).
    pub async fn command(&self, command: &SlackCommandEvent) -> anyhow::Result<Accepted> {
        self.metrics.event_received("command");
        if let Some(urls) = &self.response_urls {
            // Remembered before the event is recorded: the reply may be delivered the moment it is.
            urls.remember(command.channel_id.as_ref(), command.user_id.as_ref(), command.response_url.0.as_str());
        }
        self.dispatch(convert::command(command)).await
    }

    /// Takes one interaction (a button click or a modal submission) and says what to answer
    /// Slack. A refused submission dispatches nothing; the rest are de-duplicated by the inbox
    /// (trigger and view ids), as Slack does not give interactions an event id.
    pub async fn interaction(&self, event: &SlackInteractionEvent) -> anyhow::Result<Interaction> {
        self.metrics.event_received("interaction");
        let interaction = interactions::convert(event);
        if let Interaction::Event(inbound) = &interaction {
            self.dispatch(inbound.clone()).await?;
        }
        Ok(interaction)
    }

    async fn dispatch(&self, event: InboundEvent) -> anyhow::Result<Accepted> {
        match self.inbox.record(Platform::Slack, event).await? {
            Recorded::New => Ok(Accepted::Dispatched),
            Recorded::Duplicate => {
                self.metrics.event_received("duplicate");
                tracing::debug!("duplicate Slack delivery ignored");
                Ok(Accepted::Duplicate)
            }
        }
    }
}
