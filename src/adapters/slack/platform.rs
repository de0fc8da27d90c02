//! Purpose: [`ChatPlatform`] on Slack's Web API through slack-morphism. Posts go out with
//! `chat.postMessage` (DMs to the user id, threads with `thread_ts`), private replies with
//! `chat.postEphemeral`, edits with `chat.update`; buttons ride along as Block Kit, forms open with
//! `views.open` and the App Home is drawn with `views.publish`. A 429 waits for `Retry-After` and tries again
//! in place, and posts to one channel are paced, so a fan-out is delayed but never dropped or reordered.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use secrecy::{ExposeSecret as _, SecretString};
use slack_morphism::errors::SlackClientError;
use slack_morphism::prelude::*;
use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::adapters::metrics::Metrics;
use crate::adapters::slack::blocks;
use crate::domain::events::{Destination, Form, OutgoingMessage};
use crate::domain::platform::Platform;
use crate::ports::{ChatPlatform, OutboxTag, Profile, SendError};

/// The gap kept between two posts to one channel: Slack allows about one per second.
pub const DEFAULT_CHANNEL_PACE: Duration = Duration::from_secs(1);
/// The wait after a 429 without a usable `Retry-After`.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(1);

/// Slack errors that retrying can never fix for this recipient (SPEC §10: mark, don't retry).
const PERMANENT_ERRORS: &[&str] = &[
    "channel_not_found",
    "not_in_channel",
    "user_not_in_channel",
    "account_inactive",
    "user_not_found",
    "is_archived",
    "user_disabled",
    "cannot_dm_bot",
    "messages_tab_disabled",
    "restricted_action",
    "msg_too_long",
    "no_text",
    "invalid_blocks",
    "message_not_found",
    "cant_update_message",
    "edit_window_closed",
    "expired_trigger_id",
    "exchanged_trigger_id",
    "invalid_trigger_id",
    "view_too_large",
    "invalid_arguments",
];

/// Who the bot is, from `auth.test`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotIdentity {
    /// Workspace name.
    pub team: String,
    /// Workspace id (`T…`).
    pub team_id: String,
    /// The bot user's name.
    pub user: String,
    /// The bot user's id (`U…`).
    pub user_id: String,
}

/// Slack as a [`ChatPlatform`].
pub struct SlackPlatform {
    client: Arc<SlackHyperClient>,
    token: SlackApiToken,
    metrics: Arc<Metrics>,
    pace: Duration,
    last_post: Mutex<HashMap<String, Instant>>,
}

impl SlackPlatform {
    /// Slack through `client` with the bot token.
    pub fn new(client: Arc<SlackHyperClient>, bot_token: &SecretString, metrics: Arc<Metrics>) -> Self {
        let token = SlackApiToken::new(SlackApiTokenValue::new(bot_token.expose_secret().to_owned()));
        SlackPlatform { client, token, metrics, pace: DEFAULT_CHANNEL_PACE, last_post: Mutex::new(HashMap::new()) }
    }

    /// The same platform with another gap between posts to one channel (tests use a short one).
    pub fn with_channel_pace(mut self, pace: Duration) -> Self {
        self.pace = pace;
        self
    }

    /// The bot's identity (`auth.test`), to check the token and recognise its own posts.
    pub async fn identify(&self) -> anyhow::Result<BotIdentity> {
        let response = self.client.open_session(&self.token).auth_test().await.map_err(describe)?;
        Ok(BotIdentity {
            team: response.team,
            team_id: response.team_id.to_string(),
            user: response.user.unwrap_or_default(),
            user_id: response.user_id.to_string(),
        })
    }

    /// Waits until `channel` may get its next post, and claims that slot.
    async fn wait_for_channel(&self, channel: &str) {
        let mut last = self.last_post.lock().await;
        if let Some(previous) = last.get(channel) {
            tokio::time::sleep_until(*previous + self.pace).await;
        }
        last.insert(channel.to_owned(), Instant::now());
    }

    async fn deliver(&self, message: &OutgoingMessage) -> Result<String, SlackClientError> {
        let session = self.client.open_session(&self.token);
        // The text stays as the notification and accessibility fallback when there are blocks.
        let mut content = SlackMessageContent::new().with_text(message.text.clone());
        if let Some(blocks) = blocks::message(&message.text, &message.actions) {
            content = content.with_blocks(blocks);
        }
        match &message.to {
            Destination::Dm { user: channel } | Destination::Post { channel } => {
                self.wait_for_channel(channel).await;
                let request = SlackApiChatPostMessageRequest::new(channel.clone().into(), content);
                Ok(session.chat_post_message(&request).await?.ts.to_string())
            }
            Destination::ThreadReply { channel, thread } => {
                self.wait_for_channel(channel).await;
                let request = SlackApiChatPostMessageRequest::new(channel.clone().into(), content)
                    .with_thread_ts(thread.clone().into());
                Ok(session.chat_post_message(&request).await?.ts.to_string())
            }
            Destination::Ephemeral { channel, user } => {
                let request =
                    SlackApiChatPostEphemeralRequest::new(channel.clone().into(), user.clone().into(), content);
                session.chat_post_ephemeral(&request).await?;
                // Ephemeral messages cannot be edited or threaded, so no id is needed later.
                Ok(format!("ephemeral:{channel}:{user}"))
            }
            Destination::Update { channel, message } => {
                let request = SlackApiChatUpdateRequest::new(channel.clone().into(), content, message.clone().into());
                Ok(session.chat_update(&request).await?.ts.to_string())
            }
        }
    }
}

#[async_trait]
impl ChatPlatform for SlackPlatform {
    fn platform(&self) -> Platform {
        Platform::Slack
    }

    async fn send(&self, _tag: OutboxTag, message: &OutgoingMessage) -> Result<String, SendError> {
        let purpose = message.purpose.as_str();
        match self.deliver(message).await {
            Ok(ts) => {
                self.metrics.message_sent(purpose);
                Ok(ts)
            }
            Err(SlackClientError::RateLimitError(limit)) => {
                // Handed back to the delivery worker, which pauses this workspace's posts (and
                // only them) for the wait Slack asked for; nothing waits here.
                self.metrics.rate_limited();
                Err(SendError::RateLimited { retry_after: limit.retry_after.unwrap_or(DEFAULT_RETRY_AFTER) })
            }
            Err(error) => Err(classify(error, purpose)),
        }
    }

    async fn profile(&self, _workspace: &str, user: &str) -> anyhow::Result<Option<Profile>> {
        let request = SlackApiUsersInfoRequest::new(user.to_owned().into());
        let response = match self.client.open_session(&self.token).users_info(&request).await {
            Ok(response) => response,
            Err(SlackClientError::ApiError(error)) if error.code == "user_not_found" => return Ok(None),
            Err(error) => return Err(describe(error)),
        };
        let user = response.user;
        let flags = &user.flags;
        let name = user
            .profile
            .as_ref()
            .and_then(|p| p.display_name.clone().filter(|n| !n.is_empty()).or_else(|| p.real_name.clone()))
            .or(user.real_name.clone())
            .or(user.name.clone())
            .unwrap_or_else(|| user.id.to_string());
        Ok(Some(Profile {
            name,
            tz: user.tz.clone(),
            is_admin: flags.is_admin.unwrap_or(false) || flags.is_owner.unwrap_or(false),
            is_bot: flags.is_bot.unwrap_or(false),
        }))
    }

    async fn permalink(&self, channel: &str, message: &str) -> anyhow::Result<Option<String>> {
        let request = SlackApiChatGetPermalinkRequest::new(channel.to_owned().into(), message.to_owned().into());
        match self.client.open_session(&self.token).chat_get_permalink(&request).await {
            Ok(response) => Ok(Some(response.permalink.to_string())),
            Err(SlackClientError::ApiError(error)) if error.code == "message_not_found" => Ok(None),
            Err(error) => Err(describe(error)),
        }
    }

    async fn open_form(&self, trigger: &str, form: &Form) -> Result<(), SendError> {
        // A trigger id is good for 3 s and for one view, so a retry would only fail again.
        let request = SlackApiViewsOpenRequest::new(trigger.to_owned().into(), blocks::form(form));
        match self.client.open_session(&self.token).views_open(&request).await {
            Ok(_) => Ok(()),
            Err(error) => Err(classify(error, "form")),
        }
    }

    async fn publish_home(&self, user: &str, text: &str) -> Result<(), SendError> {
        let request = SlackApiViewsPublishRequest::new(user.to_owned().into(), blocks::home(text));
        match self.client.open_session(&self.token).views_publish(&request).await {
            Ok(_) => Ok(()),
            Err(error) => Err(classify(error, "home")),
        }
    }
}

/// Sorts a failed send into retry-later and never-again, with one clear log line for the latter.
fn classify(error: SlackClientError, purpose: &str) -> SendError {
    match error {
        SlackClientError::ApiError(api) if PERMANENT_ERRORS.contains(&api.code.as_str()) => {
            tracing::warn!(code = %api.code, purpose, "Slack refused the message for good; it will not be retried");
            SendError::Permanent(format!("Slack error {}", api.code))
        }
        other => SendError::Transient(describe(other).to_string()),
    }
}

/// A short description of a client error without response bodies (which may quote user text).
fn describe(error: SlackClientError) -> anyhow::Error {
    match error {
        SlackClientError::ApiError(api) => anyhow::anyhow!("Slack API error {}", api.code),
        SlackClientError::HttpError(http) => anyhow::anyhow!("Slack HTTP status {}", http.status_code),
        SlackClientError::RateLimitError(_) => anyhow::anyhow!("Slack rate limited the call"),
        SlackClientError::HttpProtocolError(e) => anyhow::anyhow!("could not reach Slack: {e}"),
        SlackClientError::EndOfStream(_) => anyhow::anyhow!("Slack closed the connection"),
        other => anyhow::anyhow!("Slack client error: {}", error_kind(&other)),
    }
}

fn error_kind(error: &SlackClientError) -> &'static str {
    match error {
        SlackClientError::ProtocolError(_) => "unexpected response",
        SlackClientError::SystemError(_) => "system error",
        _ => "other",
    }
}
