//! Purpose: pure translations between serenity's model and the engine's vocabulary — gateway
//! messages into [`ChatMessage`]s, REST failures into [`SendError`]s, roles into a member's
//! guild permissions — so the rules can be tested on fixtures without a connection.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use serenity::all::{ChannelId, GuildId, GuildMemberUpdateEvent, Message, MessageType, Permissions, RoleId, UserId};
use serenity::http::HttpError;

use crate::domain::events::{ChatMessage, InboundEvent};
use crate::ports::SendError;

/// The workspace of a DM whose author the adapter has never seen in a guild (and the bot is in
/// several guilds, so it cannot tell which one the member belongs to).
pub const DM_WORKSPACE: &str = "dm";

/// Discord JSON error code: "Cannot send messages to this user" (closed DMs, no shared guild).
pub const CANNOT_MESSAGE_USER: isize = 50007;
/// Discord JSON error code: "You are opening direct messages too fast".
pub const OPENING_DMS_TOO_FAST: isize = 40003;

/// What the adapter remembers about where things live on Discord, shared by the event handler
/// (which learns it) and the platform (which needs it to route and translate).
#[derive(Debug, Default)]
pub struct Directory {
    /// Thread channel id → the channel it was started in. A thread started from a message has
    /// the message's id, so the thread id doubles as the parent message id.
    threads: Mutex<HashMap<u64, u64>>,
    /// User id → the last guild the bot saw them in, to place their DMs in a workspace.
    home_guild: Mutex<HashMap<u64, u64>>,
    /// Guilds the bot is in, from READY and GUILD_CREATE.
    guilds: Mutex<Vec<u64>>,
}

impl Directory {
    /// Records that `thread` is a thread in `parent`.
    pub fn add_thread(&self, thread: u64, parent: u64) {
        self.threads.lock().expect("threads lock").insert(thread, parent);
    }

    /// The channel a thread was started in, if the thread is known.
    pub fn thread_parent(&self, thread: u64) -> Option<u64> {
        self.threads.lock().expect("threads lock").get(&thread).copied()
    }

    /// Records that `user` was seen in `guild`.
    pub fn saw_member(&self, user: u64, guild: u64) {
        self.home_guild.lock().expect("home lock").insert(user, guild);
    }

    /// Records a guild the bot is in.
    pub fn add_guild(&self, guild: u64) {
        let mut guilds = self.guilds.lock().expect("guilds lock");
        if !guilds.contains(&guild) {
            guilds.push(guild);
        }
    }

    /// The workspace a DM from `user` belongs to: the guild the bot last saw them in, else the
    /// bot's only guild, else [`DM_WORKSPACE`].
    pub fn dm_workspace(&self, user: u64) -> String {
        if let Some(guild) = self.home_guild.lock().expect("home lock").get(&user) {
            return guild.to_string();
        }
        match self.guilds.lock().expect("guilds lock").as_slice() {
            [only] => only.to_string(),
            _ => DM_WORKSPACE.to_owned(),
        }
    }
}

/// The engine's view of a gateway message, or `None` for what the engine must never see:
/// messages by bots (the bot itself included), system messages (pins, joins, thread-created
/// notices) and messages with neither text nor attachments (MESSAGE_CONTENT off).
pub fn chat_message(message: &Message, directory: &Directory) -> Option<ChatMessage> {
    if message.author.bot || message.webhook_id.is_some() {
        return None;
    }
    if !matches!(message.kind, MessageType::Regular | MessageType::InlineReply) {
        return None;
    }
    // An attachment makes a message substantive (SPEC §1); its URL in the text says so to the
    // classifier, which reads a link as content.
    let mut text = message.content.clone();
    for attachment in &message.attachments {
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&attachment.url);
    }
    if text.trim().is_empty() {
        return None;
    }
    let user = message.author.id.get();
    let (workspace, is_dm) = match message.guild_id {
        Some(guild) => {
            directory.saw_member(user, guild.get());
            (guild.to_string(), false)
        }
        None => (directory.dm_workspace(user), true),
    };
    let (channel, thread) = match directory.thread_parent(message.channel_id.get()) {
        Some(parent) => (parent.to_string(), Some(message.channel_id.to_string())),
        None => (message.channel_id.to_string(), None),
    };
    Some(ChatMessage { workspace, id: message.id.to_string(), channel, user: user.to_string(), text, thread, is_dm })
}

/// A member's permissions in `guild` before channel overwrites: those of the `@everyone` role
/// (whose id is the guild's) and of each of `member_roles`, out of the guild's `roles`. The owner
/// and Administrator have every permission.
pub fn guild_permissions(
    guild: GuildId,
    roles: &[(RoleId, Permissions)],
    member_roles: &[RoleId],
    owner: bool,
) -> Permissions {
    let everyone = RoleId::new(guild.get());
    let granted = roles
        .iter()
        .filter(|(id, _)| *id == everyone || member_roles.contains(id))
        .fold(Permissions::empty(), |all, (_, permissions)| all | *permissions);
    if owner || granted.contains(Permissions::ADMINISTRATOR) { Permissions::all() } else { granted }
}

/// A member's changed profile (GUILD_MEMBER_UPDATE) as the engine's event: the name they go by
/// in the guild (nickname, else global name, else username) and whether their roles give them
/// Manage Server. `guild_roles` and `owner` come from the gateway cache; `id` is the event's key,
/// unique per gateway session and dispatch. Bots are left out.
pub fn member_update(
    update: &GuildMemberUpdateEvent,
    guild_roles: &[(RoleId, Permissions)],
    owner: bool,
    id: String,
) -> Option<InboundEvent> {
    if update.user.bot {
        return None;
    }
    let permissions = guild_permissions(update.guild_id, guild_roles, &update.roles, owner);
    let name =
        update.nick.clone().or_else(|| update.user.global_name.clone()).unwrap_or_else(|| update.user.name.clone());
    Some(InboundEvent::ProfileChanged {
        workspace: update.guild_id.to_string(),
        id,
        user: update.user.id.to_string(),
        name,
        tz: None,
        is_admin: permissions.contains(Permissions::MANAGE_GUILD),
    })
}

/// Parses a platform id the engine hands back (a snowflake as text).
pub fn snowflake(id: &str) -> Result<u64, SendError> {
    id.parse::<u64>()
        .ok()
        .filter(|id| *id != 0)
        .ok_or_else(|| SendError::Permanent(format!("not a Discord id: {id:?}")))
}

/// A channel id from engine text.
pub fn channel_id(id: &str) -> Result<ChannelId, SendError> {
    snowflake(id).map(ChannelId::new)
}

/// A user id from engine text.
pub fn user_id(id: &str) -> Result<UserId, SendError> {
    snowflake(id).map(UserId::new)
}

/// The Discord JSON error code and HTTP status of a failed REST call, if it was one.
pub fn error_code(error: &serenity::Error) -> Option<(u16, isize)> {
    match error {
        serenity::Error::Http(HttpError::UnsuccessfulRequest(response)) => {
            Some((response.status_code.as_u16(), response.error.code))
        }
        _ => None,
    }
}

/// A failed call as text safe to log and store: a network error's text includes the request URL,
/// and interaction and webhook URLs carry the interaction token, so that segment is masked.
pub fn error_text(error: &serenity::Error) -> String {
    redact_tokens(&error.to_string())
}

/// Masks the token segment after `/interactions/{id}/` and `/webhooks/{id}/` in a text.
pub fn redact_tokens(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some((at, marker)) =
        ["/interactions/", "/webhooks/"].iter().filter_map(|m| rest.find(m).map(|at| (at, *m))).min()
    {
        let after_marker = at + marker.len();
        out.push_str(&rest[..after_marker]);
        rest = &rest[after_marker..];
        // Keep the id segment, mask the next one.
        let id_end = rest.find('/').unwrap_or(rest.len());
        out.push_str(&rest[..id_end]);
        rest = &rest[id_end..];
        if let Some(token) = rest.strip_prefix('/') {
            let token_end = token.find(['/', ' ', ')', '?', '"']).unwrap_or(token.len());
            out.push_str("/[redacted]");
            rest = &token[token_end..];
        }
    }
    out.push_str(rest);
    out
}

/// Discord JSON error codes that mean "later" rather than "never": opening DMs too fast, the
/// channel write limit, and an overloaded API.
const TRANSIENT_CODES: [isize; 3] = [OPENING_DMS_TOO_FAST, 20_028, 130_000];

/// Discord JSON error codes that say the destination can never be reached: unknown channel,
/// unknown user, missing access, missing permissions, cannot send messages to this user. Every
/// other refusal is about the message or the bot's own token.
const UNREACHABLE_CODES: [isize; 5] = [10_003, 10_013, 50_001, 50_013, CANNOT_MESSAGE_USER];

/// The wait after a 429 whose `Retry-After` serenity did not keep (its error keeps only the body's
/// code and message). Against discord.com serenity's limiter waits out 429s itself, so this is
/// reached only through a proxy, where [`retry_after`] reads the real value wherever it can.
pub const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(5);

/// The most characters Discord takes in a message's content.
pub const MAX_MESSAGE_CHARS: usize = 2000;

/// Sorts a failed REST call into what the engine does next (see [`classify`]). A failure with no
/// response: a request that never connected is transient; one that may have been received (a
/// timeout, a reset after sending, an answer that could not be read) is ambiguous; one serenity
/// refused before sending (too long, missing a permission the cache knows about) is permanent.
pub fn send_error(error: &serenity::Error) -> SendError {
    let text = error_text(error);
    if let Some((status, code)) = error_code(error) {
        return classify(status, code, text);
    }
    match error {
        serenity::Error::Model(_) => SendError::Refused(text),
        serenity::Error::Http(HttpError::Request(request)) if request.is_connect() || request.is_builder() => {
            SendError::Transient(text)
        }
        serenity::Error::Http(HttpError::Request(_)) | serenity::Error::Json(_) | serenity::Error::Io(_) => {
            SendError::Ambiguous(text)
        }
        _ => SendError::Transient(text),
    }
}

/// What a Discord error response means for the engine: 429 waits (for [`DEFAULT_RETRY_AFTER`],
/// serenity having dropped the real value); the codes in [`TRANSIENT_CODES`] are transient; any
/// other 5xx may have been acted on (the message's nonce makes the resend safe); the codes in
/// [`UNREACHABLE_CODES`] are permanent (a DM then marks the member unreachable instead of retrying
/// forever), and every other refusal (a bad body, a revoked token) is refused: failed, with nobody
/// marked unreachable. `code` is -1 when the body had none.
pub fn classify(status: u16, code: isize, text: String) -> SendError {
    if status == 429 {
        SendError::RateLimited { retry_after: DEFAULT_RETRY_AFTER }
    } else if TRANSIENT_CODES.contains(&code) {
        SendError::Transient(text)
    } else if status >= 500 {
        SendError::Ambiguous(text)
    } else if UNREACHABLE_CODES.contains(&code) {
        SendError::Permanent(text)
    } else {
        SendError::Refused(text)
    }
}

/// The wait a 429 asks for: the body's `retry_after` (seconds, fractional), else the
/// `Retry-After` header (seconds), else [`DEFAULT_RETRY_AFTER`]; rounded up to whole seconds, as
/// the outbox keeps instants in seconds and must never retry early.
pub fn retry_after(headers: &axum::http::HeaderMap, body: &[u8]) -> Duration {
    let from_body = serde_json::from_slice::<serde_json::Value>(body).ok().and_then(|b| b["retry_after"].as_f64());
    let from_header = || headers.get("retry-after")?.to_str().ok()?.trim().parse::<f64>().ok();
    from_body
        .or_else(from_header)
        .filter(|secs| secs.is_finite() && *secs >= 0.0)
        .map_or(DEFAULT_RETRY_AFTER, |secs| Duration::from_secs(secs.ceil() as u64))
}

/// A message Discord would refuse for its length (serenity refuses it before sending): never
/// worth retrying, whatever the recipient.
pub fn check_length(text: &str) -> Result<(), SendError> {
    let chars = text.chars().count();
    if chars > MAX_MESSAGE_CHARS {
        return Err(SendError::Refused(format!(
            "message of {chars} characters; Discord takes at most {MAX_MESSAGE_CHARS}"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GUILD: GuildId = GuildId::new(10);

    #[test]
    fn permissions_come_from_everyone_and_the_members_roles_only() {
        let roles = [
            (RoleId::new(10), Permissions::VIEW_CHANNEL),
            (RoleId::new(11), Permissions::SEND_MESSAGES),
            (RoleId::new(12), Permissions::EMBED_LINKS),
        ];
        let have = guild_permissions(GUILD, &roles, &[RoleId::new(11)], false);
        assert_eq!(have, Permissions::VIEW_CHANNEL | Permissions::SEND_MESSAGES);
        assert_eq!(guild_permissions(GUILD, &roles, &[], false), Permissions::VIEW_CHANNEL);
    }

    #[test]
    fn a_429_waits_for_the_time_discord_names_and_a_5xx_may_have_been_acted_on() {
        let transcript = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/shared/fixtures/discord/rest/429_user_scope.http.txt"
        ))
        .unwrap();
        let mut headers = axum::http::HeaderMap::new();
        for (name, value) in transcript.lines().filter_map(|l| l.strip_prefix("< ")?.split_once(": ")) {
            headers.insert(axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(), value.parse().unwrap());
        }
        let body = &transcript.as_bytes()[transcript.find('{').unwrap()..];
        assert_eq!(retry_after(&headers, body), Duration::from_secs(65), "the body's 64.57, never early");
        let header_only = axum::http::HeaderMap::from_iter([(axum::http::header::RETRY_AFTER, "3".parse().unwrap())]);
        assert_eq!(retry_after(&header_only, b"not json"), Duration::from_secs(3), "else the header");
        assert_eq!(retry_after(&axum::http::HeaderMap::new(), b""), DEFAULT_RETRY_AFTER);
        assert!(matches!(classify(429, -1, String::new()), SendError::RateLimited { .. }));
        assert!(matches!(classify(502, -1, String::new()), SendError::Ambiguous(_)));
        assert!(matches!(classify(503, 130_000, String::new()), SendError::Transient(_)), "overloaded: refused");
        assert!(matches!(classify(403, 50_001, String::new()), SendError::Permanent(_)));
        assert!(matches!(classify(403, CANNOT_MESSAGE_USER, String::new()), SendError::Permanent(_)));
        assert!(
            matches!(classify(401, 0, String::new()), SendError::Refused(_)),
            "a bad token is not the user's fault"
        );
        assert!(matches!(classify(400, 50_035, String::new()), SendError::Refused(_)), "invalid form body");
    }

    #[test]
    fn a_message_over_2000_characters_is_refused_for_good() {
        assert!(check_length(&"é".repeat(2000)).is_ok(), "characters, not bytes");
        assert!(matches!(check_length(&"a".repeat(2001)), Err(SendError::Refused(e)) if e.contains("2001")));
        let too_long = serenity::Error::Model(serenity::model::ModelError::MessageTooLong(2001));
        assert!(matches!(send_error(&too_long), SendError::Refused(_)), "refused by serenity: never transient");
    }

    #[test]
    fn administrator_or_ownership_means_every_permission() {
        let roles = [(RoleId::new(10), Permissions::empty()), (RoleId::new(11), Permissions::ADMINISTRATOR)];
        assert_eq!(guild_permissions(GUILD, &roles, &[RoleId::new(11)], false), Permissions::all());
        assert_eq!(guild_permissions(GUILD, &roles, &[], true), Permissions::all());
        assert_eq!(guild_permissions(GUILD, &roles, &[], false), Permissions::empty());
    }
}
