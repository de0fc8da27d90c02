//! Purpose: the chat platform port — what the features may ask of Slack, Discord or the simulator.

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::events::{Form, OutgoingMessage};
use crate::domain::platform::Platform;

/// What the platform says about a member.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Profile {
    /// Display name.
    pub name: String,
    /// IANA zone, when the platform knows it (Slack does, Discord does not).
    pub tz: Option<String>,
    /// Whether the platform makes them an admin.
    pub is_admin: bool,
    /// Whether this is a bot account.
    pub is_bot: bool,
}

/// A send that failed, sorted by what the delivery worker does next.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The recipient can never be reached this way (closed DMs, deactivated, left the server,
    /// the bot is not in the channel): fail the message at once, never retry; a DM marks its
    /// member unreachable.
    #[error("permanent failure: {0}")]
    Permanent(String),
    /// The platform refused this message itself or the bot's own access (too long, malformed,
    /// an edit window closed, a revoked token, a missing scope): fail the message at once, never
    /// retry. The recipient is not to blame, so nobody is marked unreachable.
    #[error("refused: {0}")]
    Refused(String),
    /// Surely not delivered (refused before it was accepted): retry with backoff.
    #[error("transient failure: {0}")]
    Transient(String),
    /// The platform asked the bot to slow down (HTTP 429): not delivered; wait `retry_after`
    /// before anything else of the same kind goes to that workspace. Not counted as an attempt.
    #[error("rate limited for {retry_after:?}")]
    RateLimited {
        /// How long the platform asked to wait (`Retry-After`).
        retry_after: Duration,
    },
    /// The platform may have accepted the message (a timeout, a reset connection, a 5xx after
    /// the request left): reconcile with [`ChatPlatform::find_sent`] before sending it again.
    #[error("unknown outcome: {0}")]
    Ambiguous(String),
}

/// Which queued message a send is, so a platform can tag it and find it again after a crash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutboxTag {
    /// The outbox id: unique and stable across resends (Slack message metadata, Discord nonce).
    pub id: i64,
    /// When it was queued: no copy of it can be older.
    pub queued_at: DateTime<Utc>,
}

/// A chat platform as the features see it.
#[async_trait]
pub trait ChatPlatform: Send + Sync {
    /// Which platform this is (decides markup and limits).
    fn platform(&self) -> Platform;

    /// Whether the delivery workers space posts to one workspace (`delivery.slack_posts_per_second`):
    /// Slack's published limits need it; Discord's are kept by serenity's own limiter, and a
    /// simulated platform has none (its clock is virtual, so real-time spacing would only slow
    /// `simulate` and the playground down).
    fn paced(&self) -> bool {
        self.platform() == Platform::Slack
    }

    /// Sends a message tagged with its outbox id; returns the platform's id of the sent message
    /// (for later edits and threads).
    async fn send(&self, tag: OutboxTag, message: &OutgoingMessage) -> Result<String, SendError>;

    /// After an ambiguous failure or a crash mid-send: the platform's id of the copy of this
    /// message that was already delivered, if one was. Platforms whose resends are idempotent
    /// by themselves (Discord's enforced nonce, edits) answer `Ok(None)` and are simply resent.
    async fn find_sent(&self, tag: OutboxTag, message: &OutgoingMessage) -> Result<Option<String>, SendError> {
        let _ = (tag, message);
        Ok(None)
    }

    /// Looks up a member's profile; `None` if the platform does not know them.
    async fn profile(&self, workspace: &str, user: &str) -> anyhow::Result<Option<Profile>>;

    /// A link to a message, for decisions; `None` where the platform has none.
    async fn permalink(&self, channel: &str, message: &str) -> anyhow::Result<Option<String>>;

    /// Opens a form in answer to a member's click (`trigger` from [`crate::domain::events::FormRequest`]).
    /// Platforms without forms answer `SendError::Refused`.
    async fn open_form(&self, trigger: &str, form: &Form) -> Result<(), SendError> {
        let _ = (trigger, form);
        Err(SendError::Refused("this platform has no forms".to_owned()))
    }

    /// Shows `text` (rendered markup) on the member's home page of the bot (Slack App Home).
    /// Platforms without one answer `SendError::Refused`.
    async fn publish_home(&self, user: &str, text: &str) -> Result<(), SendError> {
        let _ = (user, text);
        Err(SendError::Refused("this platform has no home page".to_owned()))
    }
}
