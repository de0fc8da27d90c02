//! Real Slack payloads (tests/shared/fixtures/slack) through the adapter's conversion.

use slack_morphism::prelude::*;
use unhurried::adapters::slack::convert;
use unhurried::domain::events::{ChatMessage, InboundEvent};

use crate::slack::fixture;

fn callback(name: &str) -> SlackPushEventCallback {
    let text = std::fs::read_to_string(fixture(&format!("events_api/{name}"))).unwrap();
    match serde_json::from_str::<SlackPushEvent>(&text).unwrap() {
        SlackPushEvent::EventCallback(callback) => callback,
        other => panic!("{name} is not an event callback: {other:?}"),
    }
}

fn converted(name: &str) -> Option<InboundEvent> {
    convert::push_event(&callback(name), Some("UBOT")).event
}

fn message(workspace: &str, id: &str, channel: &str, user: &str, text: &str) -> ChatMessage {
    ChatMessage {
        workspace: workspace.into(),
        id: id.into(),
        channel: channel.into(),
        user: user.into(),
        text: text.into(),
        thread: None,
        is_dm: false,
    }
}

#[test]
fn a_channel_message_becomes_a_chat_message() {
    let expected = message("T111", "1596183880.004200", "C111", "W111", "Hello World!");
    assert_eq!(converted("event_callback_message_channel.json"), Some(InboundEvent::Message(expected)));
}

#[test]
fn an_app_mention_keeps_its_markup() {
    let expected = message("T111", "1595926230.009600", "C111", "W222", "<@W111> Hi there!");
    assert_eq!(converted("event_callback_app_mention.json"), Some(InboundEvent::Message(expected)));
}

#[test]
fn a_thread_reply_carries_its_parent() {
    let mut expected = message("T111", "1726133700.887259", "C111", "W222", "When Slack was released?");
    expected.thread = Some("1726133698.626339".into());
    assert_eq!(converted("event_callback_message_channel_thread_reply.json"), Some(InboundEvent::Message(expected)));
}

#[test]
fn a_dm_thread_reply_is_a_dm() {
    let mut expected = message("T111", "1726133700.887259", "D111", "W222", "When Slack was released?");
    expected.thread = Some("1726133698.626339".into());
    expected.is_dm = true;
    assert_eq!(converted("event_callback_message_im_thread_reply.json"), Some(InboundEvent::Message(expected)));
}

#[test]
fn a_thread_broadcast_is_a_new_message_in_its_thread() {
    let mut expected = message("T111", "1633670813.007500", "C111", "U111", "Hi there!");
    expected.thread = Some("1633663824.000500".into());
    assert_eq!(converted("event_callback_message_thread_broadcast.json"), Some(InboundEvent::Message(expected)));
}

#[test]
fn bot_messages_and_edits_are_ignored() {
    for name in [
        "event_callback_message_bot_profile.json",
        "event_callback_message_subtype_bot_message.json",
        "event_callback_message_changed.json",
        "event_callback_message_changed_redacted_real.json",
        "event_callback_message_changed_by_bot_redacted_real.json",
    ] {
        assert_eq!(converted(name), None, "{name}");
    }
}

#[test]
fn the_bots_own_messages_are_ignored() {
    let mut own = callback("event_callback_message_channel.json");
    if let SlackEventCallbackBody::Message(message) = &mut own.event {
        message.sender.user = Some("UBOT".into());
    }
    assert_eq!(convert::push_event(&own, Some("UBOT")).event, None);
}

#[test]
fn url_verification_and_rate_limit_notices_parse() {
    for name in ["url_verification.json", "app_rate_limited.json"] {
        let text = std::fs::read_to_string(fixture(&format!("events_api/{name}"))).unwrap();
        assert!(!matches!(serde_json::from_str::<SlackPushEvent>(&text).unwrap(), SlackPushEvent::EventCallback(_)));
    }
}

#[test]
fn a_slash_command_form_becomes_a_command() {
    let text = std::fs::read_to_string(fixture("slash_commands/slash_command_form.txt")).unwrap();
    let command: SlackCommandEvent = serde_urlencoded::from_str(&text).unwrap();
    match convert::command(&command) {
        InboundEvent::Command(c) => {
            assert_eq!((c.workspace.as_str(), c.channel.as_str(), c.user.as_str()), ("T111", "C111", "W111"));
            assert_eq!((c.text.as_str(), c.id.as_str()), ("Hi", "111.111.xxx"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_app_manifest_asks_for_what_the_adapter_uses() {
    let manifest =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config/slack-app-manifest.yml")).unwrap();
    let listed = |item: &str| manifest.lines().any(|line| line.trim() == format!("- {item}"));
    for scope in [
        "app_mentions:read",
        "channels:history",
        "chat:write",
        "commands",
        "files:write",
        "groups:history",
        "im:history",
        "users:read",
    ] {
        assert!(listed(scope), "scope {scope}");
    }
    for event in ["app_home_opened", "app_mention", "message.channels", "message.groups", "message.im", "user_change"] {
        assert!(listed(event), "event {event}");
    }
    for setting in [
        "- command: /async",
        "should_escape: true",
        "is_enabled: true",
        "socket_mode_enabled: true",
        "home_tab_enabled: true",
    ] {
        assert!(manifest.contains(setting), "{setting}");
    }
}

/// The real channel message fixture made into a `file_share`, as Slack documents it
/// (api.slack.com/events/message/file_share): `../shared/fixtures` has no payload with a file.
fn file_share(text: &str) -> SlackPushEventCallback {
    let raw = std::fs::read_to_string(fixture("events_api/event_callback_message_channel.json")).unwrap();
    let mut payload: serde_json::Value = serde_json::from_str(&raw).unwrap();
    let event = payload["event"].as_object_mut().unwrap();
    event.remove("blocks");
    event.insert("text".into(), text.into());
    event.insert("subtype".into(), "file_share".into());
    event.insert("upload".into(), false.into());
    event.insert("display_as_bot".into(), false.into());
    event.insert(
        "files".into(),
        serde_json::json!([{
            "id": "F0123ABC",
            "created": 1596183879,
            "timestamp": 1596183879,
            "name": "screenshot.png",
            "title": "screenshot.png",
            "mimetype": "image/png",
            "filetype": "png",
            "pretty_type": "PNG",
            "user": "W111",
            "editable": false,
            "size": 48213,
            "mode": "hosted",
            "is_external": false,
            "external_type": "",
            "is_public": true,
            "public_url_shared": false,
            "url_private": "https://files.slack.com/files-pri/T111-F0123ABC/screenshot.png",
            "url_private_download": "https://files.slack.com/files-pri/T111-F0123ABC/download/screenshot.png",
            "permalink": "https://team.slack.com/files/W111/F0123ABC/screenshot.png",
            "permalink_public": "https://slack-files.com/T111-F0123ABC-0a1b2c3d4e"
        }]),
    );
    match serde_json::from_value::<SlackPushEvent>(payload).unwrap() {
        SlackPushEvent::EventCallback(callback) => callback,
        other => panic!("not an event callback: {other:?}"),
    }
}

#[tokio::test]
async fn a_slack_message_with_a_file_is_never_nudged() {
    let Some(InboundEvent::Message(message)) = convert::push_event(&file_share("hey <@U8>"), Some("UBOT")).event else {
        panic!("a file share is a new message");
    };
    assert_eq!(message.text, "hey <@U8>\n<https://team.slack.com/files/W111/F0123ABC/screenshot.png>");

    let members = [("W111", crate::support::profile("alice", Some("Europe/Berlin")))];
    let mut t = crate::support::TestBot::new(
        unhurried::domain::platform::Platform::Slack,
        "2026-03-27T08:00:00Z",
        unhurried::config::Settings::defaults(),
        &members,
    )
    .await;
    let message = ChatMessage { workspace: crate::support::WORKSPACE.into(), ..message };
    t.bot.handle(InboundEvent::Message(message)).await.unwrap();
    t.run_for(chrono::Duration::minutes(5)).await;
    assert!(t.sent().iter().all(|m| m.purpose != "nudge"), "an attachment is never a ping (SPEC §1)");

    let mut bare = file_share("hey <@U8>");
    if let SlackEventCallbackBody::Message(m) = &mut bare.event {
        m.content.as_mut().unwrap().files = None;
    }
    let Some(InboundEvent::Message(without)) = convert::push_event(&bare, Some("UBOT")).event else { panic!() };
    assert_eq!(without.text, "hey <@U8>", "without a file the text is as written");
}
