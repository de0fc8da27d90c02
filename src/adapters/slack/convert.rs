//! Purpose: Slack's payloads (slack-morphism types) into the bot's platform-neutral events.
//! Only new human messages, `/async` commands, opening the Home tab and a member's changed profile
//! (`user_change`) become events: edits, deletions, joins, bot posts and the bot's own messages are
//! dropped here, so features never see them.

use slack_morphism::prelude::*;

use crate::domain::events::{ChatMessage, CommandInvocation, InboundEvent};

/// The Slack `channel_type` of direct messages.
const IM_CHANNEL_TYPE: &str = "im";
/// The `tab` of `app_home_opened` for the Home tab.
const HOME_TAB: &str = "home";

/// A Slack event callback as the bot sees it: the event, if it is one the bot handles, and
/// the kind name used in metrics and logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Converted {
    /// `message`, `app_mention` or the Slack event type that was ignored.
    pub kind: &'static str,
    /// The event for the bot, or `None` when Slack's event means nothing to it.
    pub event: Option<InboundEvent>,
}

/// Converts one `event_callback`; `bot_user` is the bot's own user id (its posts are ignored).
pub fn push_event(callback: &SlackPushEventCallback, bot_user: Option<&str>) -> Converted {
    let workspace = callback.team_id.to_string();
    match &callback.event {
        SlackEventCallbackBody::Message(message) => {
            Converted { kind: "message", event: message_event(&workspace, message, bot_user) }
        }
        SlackEventCallbackBody::AppMention(mention) => {
            let user = mention.user.to_string();
            let ignored = Some(user.as_str()) == bot_user || mention.edited.is_some();
            let event = (!ignored).then(|| {
                InboundEvent::Message(chat_message(
                    &workspace,
                    &mention.origin,
                    mention.channel.to_string(),
                    user.clone(),
                    with_file_links(
                        mention.content.text.clone().unwrap_or_default(),
                        mention.content.files.as_deref().unwrap_or_default(),
                    ),
                ))
            });
            Converted { kind: "app_mention", event }
        }
        SlackEventCallbackBody::AppHomeOpened(opened) => {
            // The same event fires for the Messages and About tabs, which the bot does not draw.
            let event = (opened.tab.as_deref() == Some(HOME_TAB)).then(|| InboundEvent::HomeOpened {
                workspace: workspace.clone(),
                id: callback.event_id.to_string(),
                user: opened.user.to_string(),
            });
            Converted { kind: "app_home_opened", event }
        }
        SlackEventCallbackBody::UserChange(change) => {
            let user = &change.user;
            let flags = &user.flags;
            let event = (!flags.is_bot.unwrap_or(false) && Some(user.id.0.as_str()) != bot_user).then(|| {
                let profile = user.profile.as_ref();
                InboundEvent::ProfileChanged {
                    workspace: workspace.clone(),
                    id: callback.event_id.to_string(),
                    user: user.id.to_string(),
                    name: display_name(
                        profile.and_then(|p| p.display_name.as_deref()),
                        profile.and_then(|p| p.real_name.as_deref()),
                        user.real_name.as_deref(),
                        user.name.as_deref(),
                    )
                    .to_owned(),
                    tz: user.tz.clone().filter(|tz| !tz.is_empty()),
                    is_admin: flags.is_admin.unwrap_or(false) || flags.is_owner.unwrap_or(false),
                }
            });
            Converted { kind: "user_change", event }
        }
        _ => Converted { kind: "other", event: None },
    }
}

/// The name a member goes by on Slack: their display name, else their full name (the profile's,
/// else the user's), else their handle; empty when Slack gives none of them.
pub(crate) fn display_name<'a>(
    display_name: Option<&'a str>,
    profile_real_name: Option<&'a str>,
    real_name: Option<&'a str>,
    handle: Option<&'a str>,
) -> &'a str {
    [display_name, profile_real_name, real_name, handle].into_iter().flatten().find(|n| !n.is_empty()).unwrap_or("")
}

fn message_event(workspace: &str, message: &SlackMessageEvent, bot_user: Option<&str>) -> Option<InboundEvent> {
    // Only plain posts, thread broadcasts, /me and file shares are new human words.
    let new_words = matches!(
        message.subtype,
        None | Some(SlackMessageEventType::ThreadBroadcast)
            | Some(SlackMessageEventType::MeMessage)
            | Some(SlackMessageEventType::FileShare)
    );
    let from_bot = message.sender.bot_id.is_some() || message.sender.bot_profile.is_some();
    if !new_words || from_bot || message.hidden == Some(true) {
        return None;
    }
    let user = message.sender.user.as_ref()?.to_string();
    if Some(user.as_str()) == bot_user {
        return None;
    }
    let channel = message.origin.channel.as_ref()?.to_string();
    let text = message.content.as_ref().and_then(|c| c.text.clone()).unwrap_or_default();
    let files = message.content.as_ref().and_then(|c| c.files.as_deref()).unwrap_or_default();
    let text = with_file_links(text, files);
    Some(InboundEvent::Message(chat_message(workspace, &message.origin, channel, user, text)))
}

/// The text with a link to each attached file on lines of its own, as the Discord conversion
/// does with attachments: an attachment makes a message substantive (SPEC §1), and the
/// classifier reads a link as content, so `hey <@U8>` with a screenshot is never nudged. A
/// question repeated in a brief or a digest then carries its file too. A file Slack sends without
/// any link (hidden by the workspace's storage limit) adds nothing.
fn with_file_links(mut text: String, files: &[SlackFile]) -> String {
    let links = files.iter().filter_map(|file| file.permalink.as_ref().or(file.url_private.as_ref()));
    add_file_links(&mut text, links.map(|url| url.as_str()));
    text
}

/// Appends each link to `text` on a line of its own, as `<link>` ([`with_file_links`]).
pub(crate) fn add_file_links<'a>(text: &mut String, links: impl Iterator<Item = &'a str>) {
    for link in links {
        if !text.is_empty() {
            text.push('\n');
        }
        text.push('<');
        text.push_str(link);
        text.push('>');
    }
}

/// Whether a message is a DM: Slack says so (`channel_type` `im`), or the channel is a `D…` one.
pub(crate) fn is_dm(channel_type: Option<&str>, channel: &str) -> bool {
    channel_type == Some(IM_CHANNEL_TYPE) || channel.starts_with('D')
}

fn chat_message(
    workspace: &str,
    origin: &SlackMessageOrigin,
    channel: String,
    user: String,
    text: String,
) -> ChatMessage {
    let id = origin.ts.to_string();
    // Slack sets thread_ts on a thread's parent too; only a differing one makes this a reply.
    let thread = origin.thread_ts.as_ref().map(ToString::to_string).filter(|thread| *thread != id);
    let is_dm = is_dm(origin.channel_type.as_ref().map(|t| t.0.as_str()), &channel);
    ChatMessage { workspace: workspace.to_owned(), id, channel, user, text, thread, is_dm }
}

/// Whether a slash command came from a DM: an IM (`D…`, `directmessage`) or a group DM
/// (`mpdm-…`), as Slack names the conversation in the command payload.
fn is_dm_command(event: &SlackCommandEvent) -> bool {
    let name = event.channel_name.as_deref().unwrap_or_default();
    event.channel_id.to_string().starts_with('D') || name == "directmessage" || name.starts_with("mpdm-")
}

/// Converts a slash command. The trigger id is unique per invocation, so it de-duplicates.
pub fn command(event: &SlackCommandEvent) -> InboundEvent {
    InboundEvent::Command(CommandInvocation {
        workspace: event.team_id.to_string(),
        id: event.trigger_id.to_string(),
        channel: event.channel_id.to_string(),
        user: event.user_id.to_string(),
        text: event.text.clone().unwrap_or_default(),
        // Admin rights come from users.info when the member is first seen (the engine caches them).
        platform_admin: false,
        is_dm: is_dm_command(event),
    })
}
