//! Purpose: the chat platform port — what the features may ask of Slack, Discord or the simulator.

use async_trait::async_trait;

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

/// A send that failed.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The recipient can never be reached this way (closed DMs, deactivated, not in channel).
    #[error("permanent failure: {0}")]
    Permanent(String),
    /// Try again later (rate limit, network).
    #[error("transient failure: {0}")]
    Transient(String),
}

/// A chat platform as the features see it.
#[async_trait]
pub trait ChatPlatform: Send + Sync {
    /// Which platform this is (decides markup and limits).
    fn platform(&self) -> Platform;

    /// Sends a message; returns the platform's id of the sent message (for later edits/threads).
    async fn send(&self, message: &OutgoingMessage) -> Result<String, SendError>;

    /// Looks up a member's profile; `None` if the platform does not know them.
    async fn profile(&self, workspace: &str, user: &str) -> anyhow::Result<Option<Profile>>;

    /// A link to a message, for decisions; `None` where the platform has none.
    async fn permalink(&self, channel: &str, message: &str) -> anyhow::Result<Option<String>>;

    /// Opens a form in answer to a member's click (`trigger` from [`crate::domain::events::FormRequest`]).
    /// Platforms without forms answer `SendError::Permanent`.
    async fn open_form(&self, trigger: &str, form: &Form) -> Result<(), SendError> {
        let _ = (trigger, form);
        Err(SendError::Permanent("this platform has no forms".to_owned()))
    }

    /// Shows `text` (rendered markup) on the member's home page of the bot (Slack App Home).
    /// Platforms without one answer `SendError::Permanent`.
    async fn publish_home(&self, user: &str, text: &str) -> Result<(), SendError> {
        let _ = (user, text);
        Err(SendError::Permanent("this platform has no home page".to_owned()))
    }
}
