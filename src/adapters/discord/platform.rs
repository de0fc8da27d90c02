//! Purpose: [`ChatPlatform`] on Discord's REST API. Each engine [`Destination`] becomes the
//! Discord call that fits it; every message carries `allowed_mentions` naming exactly the users
//! the engine meant to ping, so repeated user text can never ping anyone else. Every create
//! carries the outbox id as an enforced nonce ([`messages`]), so a message whose fate is unknown
//! is simply sent again: [`ChatPlatform::find_sent`] keeps its default (`None`). A message with a
//! file is the same create, multipart (`payload_json` and the file), with the same nonce. A
//! message over 2,000 characters is refused for good before anything is sent.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use serenity::all::{
    AutoArchiveDuration, ChannelId, CreateAllowedMentions, CreateAttachment, CreateMessage, CreateThread, EditMessage,
    GuildId, MessageId, Permissions, RoleId, UserId,
};
use serenity::builder::{Builder as _, CreateInteractionResponseFollowup, EditInteractionResponse};
use serenity::http::Http;

use super::convert::{self, Directory, channel_id, check_length, error_text, send_error, snowflake, user_id};
use super::forms;
use super::messages::{self, CALL_TIMEOUT, Creator};
use crate::domain::events::{Attachment, Destination, OutgoingMessage, Purpose};
use crate::domain::markup::discord::ALLOWED_MENTIONS_MAX_USERS;
use crate::domain::platform::Platform;
use crate::ports::{ChatPlatform, OutboxTag, Profile, SendError};

/// Name of the threads the bot starts from a ping (Discord requires one; 1–100 characters).
const THREAD_NAME: &str = "Async follow-up";
/// Discord accepts follow-ups on an interaction token for 15 minutes.
const INTERACTION_TOKEN_LIFETIME: Duration = Duration::from_secs(15 * 60);
/// Discord JSON error code: a thread already exists for this message.
const THREAD_ALREADY_EXISTS: isize = 160_004;

/// A command interaction waiting for the engine's reply, kept so an [`Destination::Ephemeral`]
/// can become the interaction's (ephemeral) response.
struct PendingInteraction {
    token: String,
    received: Instant,
    /// Whether the deferred response has been filled in; later replies are follow-ups.
    answered: bool,
}

/// Interaction tokens by (channel, user), the key the engine's ephemeral replies carry, oldest
/// first: the engine answers commands in the order the handler forwarded them.
#[derive(Default)]
pub struct Interactions {
    pending: Mutex<HashMap<(String, String), Vec<PendingInteraction>>>,
}

impl std::fmt::Debug for Interactions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The tokens are credentials for 15 minutes: never printed.
        f.write_str("Interactions { .. }")
    }
}

impl Interactions {
    /// Remembers the token of a deferred interaction by `user` in `channel`.
    pub fn remember(&self, channel: &str, user: &str, token: &str) {
        let mut pending = self.pending.lock().expect("interactions lock");
        for waiting in pending.values_mut() {
            waiting.retain(|p| p.received.elapsed() < INTERACTION_TOKEN_LIFETIME);
        }
        pending.retain(|_, waiting| !waiting.is_empty());
        let entry = PendingInteraction { token: token.to_owned(), received: Instant::now(), answered: false };
        pending.entry((channel.to_owned(), user.to_owned())).or_default().push(entry);
    }

    /// The token to answer `user` in `channel` with, and whether this reply fills in a deferred
    /// response: the oldest interaction still unanswered, else a follow-up on the newest one.
    pub fn take_turn(&self, channel: &str, user: &str) -> Option<(String, bool)> {
        let mut pending = self.pending.lock().expect("interactions lock");
        let waiting = pending.get_mut(&(channel.to_owned(), user.to_owned()))?;
        waiting.retain(|p| p.received.elapsed() < INTERACTION_TOKEN_LIFETIME);
        // Older answered interactions are done once a newer one exists.
        if let Some(unanswered) = waiting.iter().position(|p| !p.answered) {
            waiting.drain(..unanswered);
            let entry = &mut waiting[0];
            entry.answered = true;
            return Some((entry.token.clone(), true));
        }
        waiting.last().map(|entry| (entry.token.clone(), false))
    }
}

/// Discord as the engine sees it.
pub struct DiscordPlatform {
    http: Arc<Http>,
    caches: Arc<super::gateway::GuildCaches>,
    directory: Arc<Directory>,
    interactions: Arc<Interactions>,
    /// DM channel per user: Discord returns the same channel each time, so one call is enough.
    dm_channels: Mutex<HashMap<u64, ChannelId>>,
    creator: Creator,
}

/// Runs a REST call within [`CALL_TIMEOUT`] and sorts its failure.
async fn within_time<T>(call: impl Future<Output = serenity::Result<T>>) -> Result<T, SendError> {
    match tokio::time::timeout(CALL_TIMEOUT, call).await {
        Ok(answer) => answer.map_err(|e| send_error(&e)),
        Err(_) => Err(SendError::Ambiguous(format!("Discord did not answer within {} s", CALL_TIMEOUT.as_secs()))),
    }
}

impl DiscordPlatform {
    /// A platform on this REST client, sharing what the gateway handler learns.
    pub fn new(
        http: Arc<Http>,
        caches: Arc<super::gateway::GuildCaches>,
        directory: Arc<Directory>,
        interactions: Arc<Interactions>,
    ) -> Self {
        let creator = Creator::new(http.clone());
        DiscordPlatform { http, caches, directory, interactions, dm_channels: Mutex::new(HashMap::new()), creator }
    }

    async fn dm_channel(&self, user: &str) -> Result<ChannelId, SendError> {
        let user = user_id(user)?;
        if let Some(channel) = self.dm_channels.lock().expect("dm lock").get(&user.get()) {
            return Ok(*channel);
        }
        let channel = within_time(user.create_dm_channel(&*self.http)).await?.id;
        self.dm_channels.lock().expect("dm lock").insert(user.get(), channel);
        Ok(channel)
    }

    /// Creates `builder` (made by [`create_message`] from `message`) in `channel`, with the
    /// message's file if it has one.
    async fn post(
        &self,
        channel: ChannelId,
        builder: CreateMessage,
        message: &OutgoingMessage,
    ) -> Result<String, SendError> {
        self.creator.create(channel, &builder, message.attachment.as_ref().map(upload)).await
    }

    /// Posts in the thread started from `parent`, starting it if needed; where threads are
    /// forbidden (permissions, channel type), replies to the message instead (SPEC §1).
    async fn thread_reply(
        &self,
        tag: OutboxTag,
        channel: &str,
        parent: &str,
        message: &OutgoingMessage,
    ) -> Result<String, SendError> {
        let channel = channel_id(channel)?;
        let parent = snowflake(parent)?;
        if self.directory.thread_parent(parent).is_some() {
            return self.post(ChannelId::new(parent), create_message(tag, message), message).await;
        }
        let thread = CreateThread::new(THREAD_NAME).auto_archive_duration(AutoArchiveDuration::OneDay);
        let started = channel.create_thread_from_message(&*self.http, MessageId::new(parent), thread);
        let Ok(started) = tokio::time::timeout(CALL_TIMEOUT, started).await else {
            // Started or not, the next attempt finds out (THREAD_ALREADY_EXISTS).
            return Err(SendError::Transient("Discord did not answer the thread start in time".to_owned()));
        };
        match started {
            Ok(thread) => {
                self.directory.add_thread(thread.id.get(), channel.get());
                self.post(thread.id, create_message(tag, message), message).await
            }
            Err(error) => match convert::error_code(&error) {
                Some((_, THREAD_ALREADY_EXISTS)) => {
                    self.directory.add_thread(parent, channel.get());
                    self.post(ChannelId::new(parent), create_message(tag, message), message).await
                }
                Some((status, _)) if status == 403 || status == 400 => {
                    tracing::debug!(error = %error_text(&error), "cannot start a thread; replying to the message instead");
                    let reply = create_message(tag, message).reference_message((channel, MessageId::new(parent)));
                    self.post(channel, reply, message).await
                }
                _ => Err(send_error(&error)),
            },
        }
    }

    async fn ephemeral(&self, channel: &str, user: &str, message: &OutgoingMessage) -> Result<String, SendError> {
        let Some((token, first)) = self.interactions.take_turn(channel, user) else {
            // Discord has no ephemeral messages outside an interaction (SPEC §1: nothing then).
            tracing::debug!(purpose = message.purpose.as_str(), "no interaction to answer; ephemeral message dropped");
            return Ok(String::new());
        };
        let mentions = allowed_mentions(message);
        let sent = if first {
            let edit = EditInteractionResponse::new().content(&message.text).allowed_mentions(mentions);
            within_time(edit.execute(&*self.http, &token)).await
        } else {
            let followup = CreateInteractionResponseFollowup::new()
                .content(&message.text)
                .ephemeral(true)
                .allowed_mentions(mentions);
            within_time(followup.execute(&*self.http, (None, &token))).await
        };
        sent.map(|m| m.id.to_string())
    }

    /// Whether a member with `roles` may manage the guild (SPEC §7: Manage Server). The guild's
    /// roles and owner come from the gateway cache (GUILD_CREATE); without it, from REST.
    async fn is_admin(&self, guild: GuildId, roles: &[RoleId], user: u64) -> anyhow::Result<bool> {
        let cached = self.caches.guild_roles(guild).map(|(owner, roles)| (owner == user, roles));
        let (owner, guild_roles) = match cached {
            Some(known) => known,
            None => {
                let roles = self.http.get_guild_roles(guild).await?;
                (false, roles.into_iter().map(|r| (r.id, r.permissions)).collect())
            }
        };
        Ok(convert::guild_permissions(guild, &guild_roles, roles, owner).contains(Permissions::MANAGE_GUILD))
    }
}

/// The `allowed_mentions` of an engine message: exactly its `mentions` users (at most
/// [`ALLOWED_MENTIONS_MAX_USERS`], which Discord enforces), `parse: []`, no roles.
pub fn allowed_mentions(message: &OutgoingMessage) -> CreateAllowedMentions {
    let users = message.mentions.iter().filter_map(|u| u.parse::<u64>().ok().filter(|id| *id != 0));
    CreateAllowedMentions::new().users(users.take(ALLOWED_MENTIONS_MAX_USERS).map(UserId::new))
}

/// The upload of a message's file: its bytes under its name.
fn upload(file: &Attachment) -> CreateAttachment {
    CreateAttachment::bytes(file.text.as_bytes(), file.filename.as_str())
}

/// A new message with the engine's text and its mentions, tagged with its outbox id as an enforced
/// nonce, plus its file and the answer button on standup prompts and reminders.
fn create_message(tag: OutboxTag, message: &OutgoingMessage) -> CreateMessage {
    let mut builder = CreateMessage::new()
        .content(&message.text)
        .allowed_mentions(allowed_mentions(message))
        .nonce(messages::nonce(tag))
        .enforce_nonce(true);
    if let Some(file) = &message.attachment {
        builder = builder.add_file(upload(file));
    }
    if matches!(message.purpose, Purpose::StandupPrompt | Purpose::StandupReminder) {
        builder.components(vec![forms::answer_button(message)])
    } else {
        builder
    }
}

#[async_trait]
impl ChatPlatform for DiscordPlatform {
    fn platform(&self) -> Platform {
        Platform::Discord
    }

    async fn send(&self, tag: OutboxTag, message: &OutgoingMessage) -> Result<String, SendError> {
        // Discord would refuse it (serenity before sending): never worth a retry.
        check_length(&message.text)?;
        if message.attachment.is_some()
            && matches!(message.to, Destination::Ephemeral { .. } | Destination::Update { .. })
        {
            return Err(SendError::Refused(
                "files are sent only as new messages, never privately or as an edit".into(),
            ));
        }
        match &message.to {
            Destination::Dm { user } => {
                let channel = self.dm_channel(user).await?;
                self.post(channel, create_message(tag, message), message).await
            }
            Destination::Post { channel } => {
                self.post(channel_id(channel)?, create_message(tag, message), message).await
            }
            Destination::ThreadReply { channel, thread } => self.thread_reply(tag, channel, thread, message).await,
            Destination::Ephemeral { channel, user } => self.ephemeral(channel, user, message).await,
            Destination::Update { channel, message: id } => {
                let edit = EditMessage::new().content(&message.text).allowed_mentions(allowed_mentions(message));
                let message = MessageId::new(snowflake(id)?);
                let edited = within_time(channel_id(channel)?.edit_message(&*self.http, message, edit)).await?;
                Ok(edited.id.to_string())
            }
        }
    }

    async fn profile(&self, workspace: &str, user: &str) -> anyhow::Result<Option<Profile>> {
        let (Ok(guild), Ok(user)) = (workspace.parse::<u64>(), user.parse::<u64>()) else {
            return Ok(None);
        };
        if guild == 0 || user == 0 {
            return Ok(None);
        }
        let guild = GuildId::new(guild);
        let member = match self.http.get_member(guild, UserId::new(user)).await {
            Ok(member) => member,
            // Unknown member or guild: the platform does not know them.
            Err(error) if convert::error_code(&error).is_some_and(|(status, _)| status == 404) => return Ok(None),
            Err(error) => return Err(error.into()),
        };
        let is_admin = self.is_admin(guild, &member.roles, user).await?;
        let name = member.nick.clone().or_else(|| member.user.global_name.clone()).unwrap_or(member.user.name.clone());
        Ok(Some(Profile { name, tz: None, is_admin, is_bot: member.user.bot }))
    }

    async fn permalink(&self, channel: &str, message: &str) -> anyhow::Result<Option<String>> {
        let (Ok(channel), Ok(message)) = (channel.parse::<u64>(), message.parse::<u64>()) else {
            return Ok(None);
        };
        let guild = match self.http.get_channel(ChannelId::new(channel)).await? {
            serenity::all::Channel::Guild(channel) => channel.guild_id.to_string(),
            _ => "@me".to_owned(),
        };
        Ok(Some(format!("https://discord.com/channels/{guild}/{channel}/{message}")))
    }
}
