//! Purpose: exactly once through ambiguous failures. Every post carries message metadata
//! (`event_type` [`OUTBOX_EVENT_TYPE`], the outbox id in `event_payload`), and a file message, which
//! cannot carry metadata, a file whose name carries the outbox id ([`Wanted::File`]), so when a post's fate
//! is unknown (a timeout, a reset, a 5xx, a crash mid-send) the bot asks Slack whether the
//! conversation has it before posting again: `conversations.history` for posts and DMs,
//! `conversations.replies` for thread replies, with `include_all_metadata` and `oldest` a minute
//! before the message was queued (no copy can be older; the minute covers clock skew).
//!
//! The calls are made through slack-morphism's session with the bot's own answer types: its typed
//! history messages read metadata payloads as strings only, and one other app's numeric payload in
//! the same channel would make the whole page unreadable.

use std::collections::HashMap;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use slack_morphism::errors::SlackClientError;
use slack_morphism::prelude::*;

use crate::adapters::slack::failures::{classify_lookup, describe};
use crate::ports::{OutboxTag, SendError};

/// The `event_type` of the metadata every post carries.
pub const OUTBOX_EVENT_TYPE: &str = "unhurried_outbox";
/// The key of the outbox id in the metadata's `event_payload`.
pub const OUTBOX_ID_KEY: &str = "outbox_id";
/// How far before its queueing a copy is looked for, in seconds (clock skew with Slack).
const LOOKBACK_SECS: i64 = 60;
/// Messages per page asked for (Slack suggests at most 200).
const PAGE_SIZE: u32 = 200;
/// Pages read at most: a message is found among the newest `PAGE_SIZE × MAX_PAGES` since it
/// was queued. Past that, the conversation is too busy to search and it is sent again.
const MAX_PAGES: usize = 10;

/// The metadata a post carries so it can be found again.
pub fn metadata(tag: OutboxTag) -> SlackMessageMetadata {
    let payload = HashMap::from([(OUTBOX_ID_KEY.to_owned(), tag.id.to_string())]);
    SlackMessageMetadata { event_type: OUTBOX_EVENT_TYPE.to_owned(), event_payload: Some(payload) }
}

/// Where a posted message would be listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// Top level of a channel or DM (`conversations.history`).
    History {
        /// The conversation id (`C…`, `G…`, `D…`).
        channel: String,
    },
    /// A thread (`conversations.replies`).
    Thread {
        /// The conversation id.
        channel: String,
        /// The `ts` of the thread's parent.
        thread: String,
    },
}

/// One page of `conversations.history` or `conversations.replies`, as much as the bot reads.
#[derive(Debug, Deserialize)]
struct Page {
    #[serde(default)]
    messages: Vec<Listed>,
    #[serde(default)]
    has_more: bool,
    response_metadata: Option<Cursor>,
}

#[derive(Debug, Deserialize)]
struct Cursor {
    next_cursor: Option<String>,
}

/// A listed message: its `ts`, its author, its metadata (whatever shape that has) and its files.
#[derive(Debug, Deserialize)]
pub struct Listed {
    /// Slack's id of the message.
    pub ts: String,
    /// The author (the bot user for the bot's posts).
    pub user: Option<String>,
    /// Message metadata, present with `include_all_metadata`.
    pub metadata: Option<Value>,
    /// Files shared with the message.
    #[serde(default)]
    pub files: Vec<ListedFile>,
}

/// A file of a listed message, as much as the bot reads.
#[derive(Debug, Deserialize)]
pub struct ListedFile {
    /// Slack's id of the file (`F…`).
    pub id: String,
    /// Its name.
    pub name: Option<String>,
}

/// What a sent copy is recognised by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wanted {
    /// A post's metadata naming this outbox id.
    Tagged(i64),
    /// A file of this name (which carries the outbox id): a file message has no metadata.
    File(String),
}

impl Wanted {
    /// The platform's id of `message` if it is the bot's copy: a post's `ts`, a file's id (what
    /// the send answered).
    fn found_in(&self, message: &Listed, bot_user: Option<&str>) -> Option<String> {
        match self {
            Wanted::Tagged(id) => carries(message, *id, bot_user).then(|| message.ts.clone()),
            Wanted::File(name) => shares(message, name, bot_user),
        }
    }
}

/// Whether `message` is the bot's copy of outbox message `id`. `bot_user`, when known, must be
/// its author: another app (or another install of unhurried) could use the same event type.
pub fn carries(message: &Listed, id: i64, bot_user: Option<&str>) -> bool {
    let Some(metadata) = &message.metadata else { return false };
    if metadata["event_type"] != OUTBOX_EVENT_TYPE {
        return false;
    }
    let same_id = match &metadata["event_payload"][OUTBOX_ID_KEY] {
        Value::String(text) => text.parse::<i64>().ok() == Some(id),
        Value::Number(number) => number.as_i64() == Some(id),
        _ => false,
    };
    let by_us = match (bot_user, message.user.as_deref()) {
        (Some(bot), Some(author)) => bot == author,
        _ => true,
    };
    same_id && by_us
}

/// The id of the file named `name` that `message` shares, if it is the bot's message (when
/// `bot_user` is known): the copy of a file message.
pub fn shares(message: &Listed, name: &str, bot_user: Option<&str>) -> Option<String> {
    let by_us = match (bot_user, message.user.as_deref()) {
        (Some(bot), Some(author)) => bot == author,
        _ => true,
    };
    if !by_us {
        return None;
    }
    message.files.iter().find(|f| f.name.as_deref() == Some(name)).map(|f| f.id.clone())
}

/// The `oldest` bound of a search for `tag`: a minute before it was queued, as a Slack ts.
pub fn oldest(tag: OutboxTag) -> String {
    format!("{}.000000", tag.queued_at.timestamp() - LOOKBACK_SECS)
}

/// The platform's id of the bot's copy of `tag` in `place` (recognised as `wanted`), if Slack
/// has one.
pub async fn find(
    session: &SlackClientSession<'_, SlackClientHyperHttpsConnector>,
    place: &Place,
    tag: OutboxTag,
    wanted: &Wanted,
    bot_user: Option<&str>,
) -> Result<Option<String>, SendError> {
    let (method, channel, thread) = match place {
        Place::History { channel } => ("conversations.history", channel, None),
        Place::Thread { channel, thread } => ("conversations.replies", channel, Some(thread)),
    };
    let mut cursor: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let mut params: Vec<(&str, Option<String>)> = vec![
            ("channel", Some(channel.clone())),
            ("oldest", Some(oldest(tag))),
            ("include_all_metadata", Some("true".to_owned())),
            ("limit", Some(PAGE_SIZE.to_string())),
        ];
        if let Some(thread) = thread {
            params.push(("ts", Some(thread.clone())));
        }
        if let Some(cursor) = &cursor {
            params.push(("cursor", Some(cursor.clone())));
        }
        let call = session.http_session_api.http_get::<Page, _, _>(method, &params, None);
        let page = match tokio::time::timeout(super::platform::CALL_TIMEOUT, call).await {
            Ok(Ok(page)) => page,
            // A thread without replies (or whose parent is gone) has no copy either.
            Ok(Err(SlackClientError::ApiError(api))) if api.code == "thread_not_found" => return Ok(None),
            Ok(Err(error)) => {
                tracing::debug!(error = %describe(&error), method, "looking for a sent message failed");
                return Err(classify_lookup(&error));
            }
            Err(_) => return Err(SendError::Transient(format!("Slack did not answer {method} in time"))),
        };
        if let Some(found) = page.messages.iter().find_map(|m| wanted.found_in(m, bot_user)) {
            return Ok(Some(found));
        }
        cursor = page.response_metadata.and_then(|m| m.next_cursor).filter(|c| !c.is_empty());
        if !page.has_more || cursor.is_none() {
            return Ok(None);
        }
    }
    tracing::warn!(outbox = tag.id, channel = %channel, "too many messages since this one was queued to look for it; sending it again");
    Ok(None)
}

/// DM conversation ids by user: a DM is posted to the user id, but history is read from the
/// conversation (`D…`). Slack names it in every post's answer, and `conversations.open` finds it
/// after a restart.
#[derive(Debug, Default)]
pub struct DmChannels {
    by_user: Mutex<HashMap<String, String>>,
}

#[derive(Serialize)]
struct OpenRequest<'a> {
    users: &'a str,
}

#[derive(Deserialize)]
struct OpenAnswer {
    channel: OpenedChannel,
}

#[derive(Deserialize)]
struct OpenedChannel {
    id: String,
}

impl DmChannels {
    /// Records that `user`'s DM with the bot is `channel` (from a post's answer).
    pub fn learn(&self, user: &str, channel: &str) {
        if channel.starts_with('D') {
            self.by_user.lock().expect("dm channels lock").insert(user.to_owned(), channel.to_owned());
        }
    }

    /// The DM conversation with `user`, opened (or found: it is the same one) if not known.
    pub async fn of(
        &self,
        session: &SlackClientSession<'_, SlackClientHyperHttpsConnector>,
        user: &str,
    ) -> Result<String, SendError> {
        if let Some(channel) = self.by_user.lock().expect("dm channels lock").get(user) {
            return Ok(channel.clone());
        }
        let request = OpenRequest { users: user };
        let call = session.http_session_api.http_post::<_, OpenAnswer>("conversations.open", &request, None);
        let opened = match tokio::time::timeout(super::platform::CALL_TIMEOUT, call).await {
            Ok(Ok(opened)) => opened,
            Ok(Err(error)) => return Err(classify_lookup(&error)),
            Err(_) => return Err(SendError::Transient("Slack did not answer conversations.open in time".to_owned())),
        };
        self.learn(user, &opened.channel.id);
        Ok(opened.channel.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(user: &str, metadata: Value) -> Listed {
        Listed { ts: "1.2".into(), user: Some(user.into()), metadata: Some(metadata), files: Vec::new() }
    }

    #[test]
    fn a_post_is_recognised_by_its_outbox_id_whether_slack_returns_it_as_text_or_number() {
        let text =
            listed("UBOT", serde_json::json!({"event_type": "unhurried_outbox", "event_payload": {"outbox_id": "42"}}));
        let number =
            listed("UBOT", serde_json::json!({"event_type": "unhurried_outbox", "event_payload": {"outbox_id": 42}}));
        assert!(carries(&text, 42, Some("UBOT")) && carries(&number, 42, Some("UBOT")));
        assert!(!carries(&text, 43, Some("UBOT")), "another message");
    }

    #[test]
    fn other_apps_metadata_and_other_bots_posts_are_not_ours() {
        let theirs = listed("UBOT", serde_json::json!({"event_type": "deploy", "event_payload": {"outbox_id": 42}}));
        assert!(!carries(&theirs, 42, Some("UBOT")));
        let other_install = listed(
            "UOTHER",
            serde_json::json!({"event_type": "unhurried_outbox", "event_payload": {"outbox_id": "42"}}),
        );
        assert!(!carries(&other_install, 42, Some("UBOT")));
        let bare = Listed { ts: "1.2".into(), user: Some("UBOT".into()), metadata: None, files: Vec::new() };
        assert!(!carries(&bare, 42, None));
    }

    #[test]
    fn a_file_message_is_recognised_by_its_file_name_and_answers_the_file_id() {
        let page = r#"{"ts": "5.6", "user": "UBOT", "text": "Here is", "files": [
            {"id": "F1", "name": "unhurried-export-41.json"}, {"id": "F2", "name": "unhurried-export-42.json"}]}"#;
        let message: Listed = serde_json::from_str(page).unwrap();
        let wanted = Wanted::File("unhurried-export-42.json".into());
        assert_eq!(wanted.found_in(&message, Some("UBOT")), Some("F2".into()));
        assert_eq!(Wanted::File("unhurried-export-4.json".into()).found_in(&message, Some("UBOT")), None);
        assert_eq!(wanted.found_in(&message, Some("UOTHER")), None, "another bot's file of that name");
        assert_eq!(Wanted::Tagged(42).found_in(&message, Some("UBOT")), None, "no metadata");
        let plain: Listed = serde_json::from_str(r#"{"ts": "1.2", "user": "UBOT"}"#).unwrap();
        assert_eq!(wanted.found_in(&plain, None), None);
    }

    #[test]
    fn the_search_starts_a_minute_before_the_message_was_queued() {
        let tag = OutboxTag { id: 1, queued_at: "2026-03-27T08:00:00Z".parse().unwrap() };
        assert_eq!(oldest(tag), "1774598340.000000");
        let metadata = metadata(OutboxTag { id: 7, queued_at: tag.queued_at });
        assert_eq!(metadata.event_type, "unhurried_outbox");
        assert_eq!(metadata.event_payload.unwrap()["outbox_id"], "7");
    }
}
