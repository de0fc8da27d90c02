//! Purpose: [`ChatPlatform`] on Slack's Web API through slack-morphism. Posts go out with
//! `chat.postMessage` (DMs to the user id, threads with `thread_ts`), each tagged with its outbox
//! id as message metadata so it can be found again ([`reconcile`]); private replies through the
//! command's `response_url`, else `chat.postEphemeral`, else a DM ([`response_urls`]); edits with
//! `chat.update`. Buttons ride along as Block Kit, forms open with `views.open` and the App Home
//! is drawn with `views.publish`. A message with a file is uploaded and shared with the text as
//! its comment ([`files`]), and found again by the file's name.
//!
//! Nothing waits here for a rate limit: a 429 goes back to the delivery worker as
//! [`SendError::RateLimited`], which holds back only that conversation. Posts to one channel are
//! spaced about a second apart (Slack's documented limit), and a post waiting for its channel's
//! slot never holds up another channel. Every failure is sorted by [`failures`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use async_trait::async_trait;
use secrecy::{ExposeSecret as _, SecretString};
use serde::Serialize;
use slack_morphism::errors::SlackClientError;
use slack_morphism::prelude::*;
use tokio::time::Instant;

use crate::adapters::slack::failures::{self, classify, describe};
use crate::adapters::slack::reconcile::{self, DmChannels, Place, Wanted};
use crate::adapters::slack::response_urls::ResponseUrls;
use crate::adapters::slack::{blocks, convert, files};
use crate::domain::events::{Attachment, Destination, Form, OutgoingMessage};
use crate::domain::platform::Platform;
use crate::ports::{ChatPlatform, OutboxTag, Profile, SendError};

/// The gap kept between two posts to one channel: Slack allows about one per second.
pub const DEFAULT_CHANNEL_PACE: Duration = Duration::from_secs(1);
/// How long a Web API call may take before it is given up (hyper's client has no limit of its
/// own). A post given up this way may have arrived, and is reconciled before any resend.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(30);
/// `chat.postEphemeral` errors meaning the bot cannot post in the conversation at all (a DM
/// between two people, a private channel without it): the reply goes by DM instead.
const BOT_NOT_THERE: &[&str] = &["channel_not_found", "not_in_channel"];
/// Channels whose next post slot is remembered before old slots are swept.
const PACED_CHANNELS_SWEEP: usize = 1024;

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
    pace: Duration,
    /// The instant each channel may get its next post.
    next_post: Mutex<HashMap<String, Instant>>,
    /// The bot user (from [`SlackPlatform::identify`]): only its posts count as sent copies.
    bot_user: OnceLock<String>,
    dm_channels: DmChannels,
    response_urls: Arc<ResponseUrls>,
}

/// A private reply through a `response_url` (Slack's documented message fields).
#[derive(Serialize)]
struct UrlReply<'a> {
    text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    blocks: Option<Vec<SlackBlock>>,
    response_type: &'static str,
}

impl SlackPlatform {
    /// Slack through `client` with the bot token.
    pub fn new(client: Arc<SlackHyperClient>, bot_token: &SecretString) -> Self {
        let token = SlackApiToken::new(SlackApiTokenValue::new(bot_token.expose_secret().to_owned()));
        SlackPlatform {
            client,
            token,
            pace: DEFAULT_CHANNEL_PACE,
            next_post: Mutex::new(HashMap::new()),
            bot_user: OnceLock::new(),
            dm_channels: DmChannels::default(),
            response_urls: Arc::new(ResponseUrls::default()),
        }
    }

    /// The same platform with another gap between posts to one channel (tests use a short one).
    pub fn with_channel_pace(mut self, pace: Duration) -> Self {
        self.pace = pace;
        self
    }

    /// The slash commands' `response_url`s this platform answers through; give them to the
    /// [`crate::adapters::slack::Intake`] that receives the commands
    /// ([`crate::adapters::slack::Intake::with_response_urls`]).
    pub fn response_urls(&self) -> Arc<ResponseUrls> {
        self.response_urls.clone()
    }

    /// The bot's identity (`auth.test`), to check the token and recognise its own posts.
    pub async fn identify(&self) -> anyhow::Result<BotIdentity> {
        let response = self.client.open_session(&self.token).auth_test().await.map_err(|e| describe(&e))?;
        let identity = BotIdentity {
            team: response.team,
            team_id: response.team_id.to_string(),
            user: response.user.unwrap_or_default(),
            user_id: response.user_id.to_string(),
        };
        let _ = self.bot_user.set(identity.user_id.clone());
        Ok(identity)
    }

    /// Waits for `channel`'s next post slot and takes it. The slot is reserved under the lock
    /// and waited for outside it, so other channels never wait behind this one.
    async fn wait_for_channel(&self, channel: &str) {
        let slot = {
            let mut next = self.next_post.lock().expect("pacing lock");
            let now = Instant::now();
            if next.len() >= PACED_CHANNELS_SWEEP {
                next.retain(|_, slot| *slot > now);
            }
            let slot = next.get(channel).copied().filter(|slot| *slot > now).unwrap_or(now);
            next.insert(channel.to_owned(), slot + self.pace);
            slot
        };
        tokio::time::sleep_until(slot).await;
    }

    /// The message's content: its text (the notification and accessibility fallback) plus blocks.
    fn content(message: &OutgoingMessage) -> SlackMessageContent {
        let content = SlackMessageContent::new().with_text(message.text.clone());
        match blocks::message(&message.text, &message.actions) {
            Some(blocks) => content.with_blocks(blocks),
            None => content,
        }
    }

    /// `chat.postMessage`, tagged with the outbox id; a DM goes to the user id and Slack answers
    /// with the DM's conversation id, remembered for reconciling.
    async fn post(
        &self,
        tag: OutboxTag,
        channel: &str,
        thread: Option<&str>,
        message: &OutgoingMessage,
    ) -> Result<String, SendError> {
        self.wait_for_channel(channel).await;
        let content = Self::content(message).with_metadata(reconcile::metadata(tag));
        let mut request = SlackApiChatPostMessageRequest::new(channel.to_owned().into(), content);
        if let Some(thread) = thread {
            request = request.with_thread_ts(thread.to_owned().into());
        }
        let session = self.client.open_session(&self.token);
        let posted = within_time(session.chat_post_message(&request)).await?;
        if channel.starts_with('U') || channel.starts_with('W') {
            self.dm_channels.learn(channel, posted.channel.as_ref());
        }
        Ok(posted.ts.to_string())
    }

    /// A private reply: through the command's `response_url` where there is one (it works in
    /// conversations the bot is not in), else `chat.postEphemeral`, else — where the bot cannot
    /// post at all — a DM, so the member is never left without an answer.
    async fn reply_privately(
        &self,
        tag: OutboxTag,
        channel: &str,
        user: &str,
        message: &OutgoingMessage,
    ) -> Result<String, SendError> {
        while let Some(url) = self.response_urls.take(channel, user) {
            match self.reply_through_url(&url, message).await {
                Ok(()) => return Ok(format!("ephemeral:{channel}:{user}")),
                Err(error) => {
                    // Expired, used up, or unreachable: the next way is tried at once.
                    tracing::debug!(%error, "a slash command's response_url failed; trying the next way");
                    self.response_urls.forget(channel, user, &url);
                }
            }
        }
        let request = SlackApiChatPostEphemeralRequest::new(
            channel.to_owned().into(),
            user.to_owned().into(),
            Self::content(message),
        );
        let session = self.client.open_session(&self.token);
        match tokio::time::timeout(CALL_TIMEOUT, session.chat_post_ephemeral(&request)).await {
            // Ephemeral messages cannot be edited or threaded, so no id is needed later.
            Ok(Ok(_)) => Ok(format!("ephemeral:{channel}:{user}")),
            Ok(Err(SlackClientError::ApiError(api))) if BOT_NOT_THERE.contains(&api.code.as_str()) => {
                tracing::debug!(code = %api.code, "the bot cannot post where the command was typed; replying by DM");
                self.post(tag, user, None, message).await
            }
            Ok(Err(error)) => Err(classify(&error)),
            Err(_) => Err(failures::timed_out(CALL_TIMEOUT)),
        }
    }

    async fn reply_through_url(&self, url: &str, message: &OutgoingMessage) -> anyhow::Result<()> {
        let url: SlackResponseUrl =
            serde_json::from_value(serde_json::Value::from(url)).map_err(|_| anyhow::anyhow!("not a URL"))?;
        let reply = UrlReply {
            text: &message.text,
            blocks: blocks::message(&message.text, &message.actions),
            response_type: "ephemeral",
        };
        let span = tracing::debug_span!("slack response_url");
        // No token, and the URL is a credential: slack-morphism logs it redacted.
        let context = SlackClientApiCallContext {
            rate_control_params: None,
            token: None,
            tracing_span: &span,
            is_sensitive_url: true,
        };
        let call = self.client.http_api.connector.http_post_uri::<_, serde_json::Value>(url.0, &reply, context);
        match tokio::time::timeout(CALL_TIMEOUT, call).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(error)) => Err(describe(&error)),
            Err(_) => anyhow::bail!("Slack did not answer the response_url in time"),
        }
    }

    /// A message with a file: shared in the conversation (a DM's `D…` one, opened if needed),
    /// paced like a post. Slack has no private or edited file messages: those are refused.
    async fn share_file(
        &self,
        tag: OutboxTag,
        message: &OutgoingMessage,
        file: &Attachment,
    ) -> Result<String, SendError> {
        let session = self.client.open_session(&self.token);
        let (channel, thread) = match &message.to {
            Destination::Dm { user } => (self.dm_channels.of(&session, user).await?, None),
            Destination::Post { channel } => (channel.clone(), None),
            Destination::ThreadReply { channel, thread } => (channel.clone(), Some(thread.as_str())),
            Destination::Ephemeral { .. } | Destination::Update { .. } => {
                return Err(SendError::Refused(
                    "Slack sends files only as new messages, never privately or as an edit".into(),
                ));
            }
        };
        self.wait_for_channel(&channel).await;
        files::share(&session, tag, &channel, thread, &message.text, file).await
    }

    async fn update(&self, channel: &str, ts: &str, message: &OutgoingMessage) -> Result<String, SendError> {
        let request =
            SlackApiChatUpdateRequest::new(channel.to_owned().into(), Self::content(message), ts.to_owned().into());
        let session = self.client.open_session(&self.token);
        Ok(within_time(session.chat_update(&request)).await?.ts.to_string())
    }
}

/// Runs a writing call within [`CALL_TIMEOUT`] and sorts its failure.
pub(super) async fn within_time<T>(call: impl Future<Output = Result<T, SlackClientError>>) -> Result<T, SendError> {
    match tokio::time::timeout(CALL_TIMEOUT, call).await {
        Ok(Ok(answer)) => Ok(answer),
        Ok(Err(error)) => Err(classify(&error)),
        Err(_) => Err(failures::timed_out(CALL_TIMEOUT)),
    }
}

#[async_trait]
impl ChatPlatform for SlackPlatform {
    fn platform(&self) -> Platform {
        Platform::Slack
    }

    async fn send(&self, tag: OutboxTag, message: &OutgoingMessage) -> Result<String, SendError> {
        // Counted and timed by `metrics::Metered`, like every platform's sends.
        if let Some(file) = &message.attachment {
            return self.share_file(tag, message, file).await;
        }
        match &message.to {
            Destination::Dm { user: channel } | Destination::Post { channel } => {
                self.post(tag, channel, None, message).await
            }
            Destination::ThreadReply { channel, thread } => self.post(tag, channel, Some(thread), message).await,
            Destination::Ephemeral { channel, user } => self.reply_privately(tag, channel, user, message).await,
            Destination::Update { channel, message: ts } => self.update(channel, ts, message).await,
        }
    }

    /// Posts, DMs and thread replies are looked for by their metadata, a file message by its
    /// file's name (which carries the outbox id); an edit is the same whether made once or twice,
    /// and a private reply cannot be listed, so those are resent.
    async fn find_sent(&self, tag: OutboxTag, message: &OutgoingMessage) -> Result<Option<String>, SendError> {
        let session = self.client.open_session(&self.token);
        let place = match &message.to {
            Destination::Post { channel } => Place::History { channel: channel.clone() },
            Destination::Dm { user } => Place::History { channel: self.dm_channels.of(&session, user).await? },
            Destination::ThreadReply { channel, thread } => {
                Place::Thread { channel: channel.clone(), thread: thread.clone() }
            }
            Destination::Update { .. } | Destination::Ephemeral { .. } => return Ok(None),
        };
        let bot_user = self.bot_user.get().map(String::as_str);
        let wanted = match &message.attachment {
            Some(file) => Wanted::File(file.tagged_name(tag.id)),
            None => Wanted::Tagged(tag.id),
        };
        reconcile::find(&session, &place, tag, &wanted, bot_user).await
    }

    async fn profile(&self, _workspace: &str, user: &str) -> anyhow::Result<Option<Profile>> {
        let request = SlackApiUsersInfoRequest::new(user.to_owned().into());
        let response = match self.client.open_session(&self.token).users_info(&request).await {
            Ok(response) => response,
            Err(SlackClientError::ApiError(error)) if error.code == "user_not_found" => return Ok(None),
            Err(error) => return Err(describe(&error)),
        };
        let user = response.user;
        let flags = &user.flags;
        let profile = user.profile.as_ref();
        let name = match convert::display_name(
            profile.and_then(|p| p.display_name.as_deref()),
            profile.and_then(|p| p.real_name.as_deref()),
            user.real_name.as_deref(),
            user.name.as_deref(),
        ) {
            "" => user.id.to_string(),
            name => name.to_owned(),
        };
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
            Err(error) => Err(describe(&error)),
        }
    }

    async fn open_form(&self, trigger: &str, form: &Form) -> Result<(), SendError> {
        // A trigger id is good for 3 s and for one view, so a retry would only fail again.
        let request = SlackApiViewsOpenRequest::new(trigger.to_owned().into(), blocks::form(form));
        within_time(self.client.open_session(&self.token).views_open(&request)).await.map(|_| ())
    }

    async fn publish_home(&self, user: &str, text: &str) -> Result<(), SendError> {
        let request = SlackApiViewsPublishRequest::new(user.to_owned().into(), blocks::home(text));
        within_time(self.client.open_session(&self.token).views_publish(&request)).await.map(|_| ())
    }
}
