//! Purpose: an Events API request body (HTTP mode) read straight from its verified bytes, and
//! converted to the bot's event without slack-morphism's typed model.
//!
//! Why: slack-morphism reads the whole delivery — blocks, attachments, profiles — and serde
//! buffers every internally tagged enum and flattened struct of it before reading it again; that
//! cost more CPU than the rest of a request together (HTTP, signature, inbox insert). This reads
//! only the fields the bot uses, borrowed from the body wherever no JSON escape is in the way,
//! and skips the rest. It makes exactly the decisions of [`convert::push_event`] (which Socket
//! Mode, whose frames slack-morphism has already parsed, keeps using): the tests below hold the
//! two to the same answer on every Events API fixture and on the cases each rule is for.

use std::borrow::Cow;

use serde::Deserialize;
use serde::de::IgnoredAny;

use crate::adapters::slack::convert::{self, Converted};
use crate::domain::events::{ChatMessage, InboundEvent};

/// What a verified `/slack/events` body asks of the bot.
#[derive(Debug)]
#[expect(
    clippy::large_enum_variant,
    reason = "one short-lived value per request, on the stack; boxing it would allocate"
)]
pub enum Payload<'a> {
    /// Slack checking the request URL: answer with the challenge.
    UrlVerification {
        /// Echoed back as given.
        challenge: Cow<'a, str>,
    },
    /// A delivery of one event.
    EventCallback(Callback<'a>),
    /// Slack is holding back events for this app (over 30,000 an hour).
    AppRateLimited,
}

/// The fields of an `event_callback` the bot reads.
#[derive(Debug)]
pub struct Callback<'a> {
    /// The workspace (Slack team id).
    pub team_id: Cow<'a, str>,
    /// Slack's id of this event (the same on each retry); logged, and the id of a Home tab visit.
    pub event_id: Cow<'a, str>,
    /// The event itself.
    event: Event<'a>,
}

/// The top level of every Events API body.
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(rename = "type", borrow, default)]
    kind: Text<'a>,
    #[serde(borrow, default)]
    challenge: Text<'a>,
    #[serde(borrow, default)]
    team_id: Text<'a>,
    #[serde(borrow, default)]
    event_id: Text<'a>,
    #[serde(borrow, default)]
    event: Option<Event<'a>>,
}

/// The fields of `message`, `app_mention`, `app_home_opened` and `user_change` events the bot
/// reads; every other field (blocks, attachments, edits' old and new text) is skipped unread.
#[derive(Debug, Deserialize)]
struct Event<'a> {
    #[serde(rename = "type", borrow, default)]
    kind: Text<'a>,
    #[serde(borrow, default)]
    subtype: Text<'a>,
    /// The author's id (`message`, `app_mention`, `app_home_opened`), or the member's whole
    /// record (`user_change`).
    #[serde(borrow, default)]
    user: User<'a>,
    /// Present on anything a bot posted: only whether it is there matters.
    #[serde(default)]
    bot_id: Option<IgnoredAny>,
    #[serde(default)]
    bot_profile: Option<IgnoredAny>,
    #[serde(default, deserialize_with = "true_or_absent")]
    hidden: bool,
    /// Present on an edited `app_mention`.
    #[serde(default)]
    edited: Option<IgnoredAny>,
    #[serde(borrow, default)]
    channel: Text<'a>,
    #[serde(borrow, default)]
    channel_type: Text<'a>,
    #[serde(borrow, default)]
    ts: Text<'a>,
    #[serde(borrow, default)]
    thread_ts: Text<'a>,
    #[serde(borrow, default)]
    text: Text<'a>,
    #[serde(borrow, default)]
    files: Files<'a>,
    #[serde(borrow, default)]
    tab: Text<'a>,
}

/// The `user` of an event: an id, or (`user_change`) the member's record.
#[derive(Debug, Default)]
enum User<'a> {
    /// Absent, or of no shape the bot reads.
    #[default]
    Absent,
    /// A user id.
    Id(Cow<'a, str>),
    /// A member's record.
    Record(Box<UserRecord<'a>>),
}

impl User<'_> {
    /// The user id, where the event gives one as a string.
    fn get(&self) -> Option<&str> {
        match self {
            User::Id(id) => Some(id),
            _ => None,
        }
    }
}

/// The fields of a member's record (`user_change`) the bot reads: who, what they are called,
/// their zone and whether they are an admin.
#[derive(Debug, Deserialize)]
struct UserRecord<'a> {
    #[serde(borrow, default)]
    id: Text<'a>,
    #[serde(borrow, default)]
    name: Text<'a>,
    #[serde(borrow, default)]
    real_name: Text<'a>,
    #[serde(borrow, default)]
    tz: Text<'a>,
    #[serde(default, deserialize_with = "true_or_absent")]
    is_admin: bool,
    #[serde(default, deserialize_with = "true_or_absent")]
    is_owner: bool,
    #[serde(default, deserialize_with = "true_or_absent")]
    is_bot: bool,
    #[serde(borrow, default)]
    profile: Option<UserProfile<'a>>,
}

/// The names in a member's profile.
#[derive(Debug, Deserialize)]
struct UserProfile<'a> {
    #[serde(borrow, default)]
    display_name: Text<'a>,
    #[serde(borrow, default)]
    real_name: Text<'a>,
}

impl<'de: 'a, 'a> Deserialize<'de> for User<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = User<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a user id or a user's record")
            }
            fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Self::Value, E> {
                Ok(User::Id(Cow::Borrowed(text)))
            }
            fn visit_str<E>(self, text: &str) -> Result<Self::Value, E> {
                Ok(User::Id(Cow::Owned(text.to_owned())))
            }
            fn visit_string<E>(self, text: String) -> Result<Self::Value, E> {
                Ok(User::Id(Cow::Owned(text)))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, entries: A) -> Result<Self::Value, A::Error> {
                let record = UserRecord::deserialize(serde::de::value::MapAccessDeserializer::new(entries))?;
                Ok(User::Record(Box::new(record)))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut items: A) -> Result<Self::Value, A::Error> {
                while items.next_element::<IgnoredAny>()?.is_some() {}
                Ok(User::Absent)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(User::Absent)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(User::Absent)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(User::Absent)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(User::Absent)
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(User::Absent)
            }
            fn visit_none<E>(self) -> Result<Self::Value, E> {
                Ok(User::Absent)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// The links of an attached file.
#[derive(Debug, Deserialize)]
struct File<'a> {
    #[serde(borrow, default)]
    permalink: Text<'a>,
    #[serde(borrow, default)]
    url_private: Text<'a>,
}

/// A string field, borrowed from the body unless it holds an escape. Events the bot does not read
/// use some of the same names for other things (`channel` is an object in `channel_created`):
/// anything but a string reads as absent, so no such event makes the body unreadable.
#[derive(Debug, Default)]
struct Text<'a>(Option<Cow<'a, str>>);

impl Text<'_> {
    fn get(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Some(Cow::Borrowed(text))))
            }
            fn visit_str<E>(self, text: &str) -> Result<Self::Value, E> {
                Ok(Text(Some(Cow::Owned(text.to_owned()))))
            }
            fn visit_string<E>(self, text: String) -> Result<Self::Value, E> {
                Ok(Text(Some(Cow::Owned(text))))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Text(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(Text(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(Text(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Text(None))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Text(None))
            }
            fn visit_none<E>(self) -> Result<Self::Value, E> {
                Ok(Text(None))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut items: A) -> Result<Self::Value, A::Error> {
                while items.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Text(None))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut entries: A) -> Result<Self::Value, A::Error> {
                while entries.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Text(None))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// `files`: the attachments of a message; anything but a list reads as none.
#[derive(Debug, Default)]
struct Files<'a>(Vec<File<'a>>);

impl<'de: 'a, 'a> Deserialize<'de> for Files<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Files<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list of files")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut items: A) -> Result<Self::Value, A::Error> {
                let mut files = Vec::new();
                while let Some(file) = items.next_element::<File<'de>>()? {
                    files.push(file);
                }
                Ok(Files(files))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut entries: A) -> Result<Self::Value, A::Error> {
                while entries.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Files::default())
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Files::default())
            }
            fn visit_none<E>(self) -> Result<Self::Value, E> {
                Ok(Files::default())
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// `hidden`: true only when it is the JSON `true`.
fn true_or_absent<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    Ok(matches!(serde_json::Value::deserialize(deserializer)?, serde_json::Value::Bool(true)))
}

/// Reads a verified body; `None` when it is not JSON of a shape the Events API sends (such a body
/// is acked and ignored, as slack-morphism's parse failing was).
pub fn read(body: &[u8]) -> Option<Payload<'_>> {
    let envelope: Envelope<'_> = serde_json::from_slice(body).ok()?;
    match envelope.kind.get()? {
        "url_verification" => Some(Payload::UrlVerification { challenge: envelope.challenge.0? }),
        "event_callback" => Some(Payload::EventCallback(Callback {
            team_id: envelope.team_id.0?,
            event_id: envelope.event_id.0?,
            event: envelope.event?,
        })),
        "app_rate_limited" => Some(Payload::AppRateLimited),
        _ => None,
    }
}

/// Converts one `event_callback`; `bot_user` is the bot's own user id (its posts are ignored).
pub fn convert(callback: &Callback<'_>, bot_user: Option<&str>) -> Converted {
    let event = &callback.event;
    let workspace = callback.team_id.as_ref();
    match event.kind.get().unwrap_or_default() {
        "message" => Converted { kind: "message", event: message(workspace, event, bot_user) },
        "app_mention" => Converted { kind: "app_mention", event: mention(workspace, event, bot_user) },
        "app_home_opened" => {
            // The same event fires for the Messages and About tabs, which the bot does not draw.
            let opened = event.channel.get().is_some() && event.tab.get() == Some("home");
            let event = event.user.get().filter(|_| opened).map(|user| InboundEvent::HomeOpened {
                workspace: workspace.to_owned(),
                id: callback.event_id.clone().into_owned(),
                user: user.to_owned(),
            });
            Converted { kind: "app_home_opened", event }
        }
        "user_change" => Converted { kind: "user_change", event: user_change(workspace, callback, bot_user) },
        _ => Converted { kind: "other", event: None },
    }
}

fn user_change(workspace: &str, callback: &Callback<'_>, bot_user: Option<&str>) -> Option<InboundEvent> {
    let User::Record(user) = &callback.event.user else { return None };
    let id = user.id.get()?;
    if user.is_bot || Some(id) == bot_user {
        return None;
    }
    let profile = user.profile.as_ref();
    let name = convert::display_name(
        profile.and_then(|p| p.display_name.get()),
        profile.and_then(|p| p.real_name.get()),
        user.real_name.get(),
        user.name.get(),
    );
    Some(InboundEvent::ProfileChanged {
        workspace: workspace.to_owned(),
        id: callback.event_id.clone().into_owned(),
        user: id.to_owned(),
        name: name.to_owned(),
        tz: user.tz.get().filter(|tz| !tz.is_empty()).map(str::to_owned),
        is_admin: user.is_admin || user.is_owner,
    })
}

fn message(workspace: &str, event: &Event<'_>, bot_user: Option<&str>) -> Option<InboundEvent> {
    // Only plain posts, thread broadcasts, /me and file shares are new human words.
    let new_words = matches!(event.subtype.get(), None | Some("thread_broadcast" | "me_message" | "file_share"));
    let from_bot = event.bot_id.is_some() || event.bot_profile.is_some();
    if !new_words || from_bot || event.hidden {
        return None;
    }
    let user = event.user.get()?;
    if Some(user) == bot_user {
        return None;
    }
    chat_message(workspace, event, user)
}

fn mention(workspace: &str, event: &Event<'_>, bot_user: Option<&str>) -> Option<InboundEvent> {
    let user = event.user.get()?;
    if Some(user) == bot_user || event.edited.is_some() {
        return None;
    }
    chat_message(workspace, event, user)
}

fn chat_message(workspace: &str, event: &Event<'_>, user: &str) -> Option<InboundEvent> {
    let (channel, id) = (event.channel.get()?, event.ts.get()?);
    let mut text = event.text.get().unwrap_or_default().to_owned();
    let links = event.files.0.iter().filter_map(|file| file.permalink.get().or(file.url_private.get()));
    convert::add_file_links(&mut text, links);
    Some(InboundEvent::Message(ChatMessage {
        workspace: workspace.to_owned(),
        id: id.to_owned(),
        channel: channel.to_owned(),
        user: user.to_owned(),
        text,
        // Slack sets thread_ts on a thread's parent too; only a differing one makes this a reply.
        thread: event.thread_ts.get().filter(|thread| *thread != id).map(str::to_owned),
        is_dm: convert::is_dm(event.channel_type.get(), channel),
    }))
}

#[cfg(test)]
mod tests {
    use slack_morphism::prelude::*;

    use super::*;

    const BOT: Option<&str> = Some("UBOT");

    /// Both conversions of one body: (this module's, slack-morphism's typed one). The kind is
    /// compared only where slack-morphism could read the event: an edit (`message_changed`, no
    /// `ts` of its own) falls through to its `Unknown`, so it counts as `other` there and as
    /// `message` here; neither makes an event of it.
    fn both(body: &str) -> (Option<Converted>, Option<Converted>) {
        let fast = match read(body.as_bytes()) {
            Some(Payload::EventCallback(callback)) => Some(convert(&callback, BOT)),
            _ => None,
        };
        let typed = match serde_json::from_str::<SlackPushEvent>(body) {
            Ok(SlackPushEvent::EventCallback(callback)) => Some(convert::push_event(&callback, BOT)),
            _ => None,
        };
        match (fast, typed) {
            (Some(fast), Some(typed)) if typed.kind == "other" => {
                (Some(Converted { kind: "other", ..fast }), Some(typed))
            }
            pair => pair,
        }
    }

    fn fixtures() -> Vec<(String, String)> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/shared/fixtures/slack/events_api");
        let mut found: Vec<(String, String)> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| {
                let path = entry.unwrap().path();
                (path.display().to_string(), std::fs::read_to_string(&path).unwrap())
            })
            .collect();
        found.sort();
        assert!(found.len() >= 10, "the Events API fixtures are there");
        found
    }

    /// A fixture's JSON with `edit` applied to its `event` object.
    fn edited(name: &str, edit: impl FnOnce(&mut serde_json::Map<String, serde_json::Value>)) -> String {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/shared/fixtures/slack/events_api/");
        let mut body: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(format!("{path}{name}")).unwrap()).unwrap();
        edit(body["event"].as_object_mut().unwrap());
        body.to_string()
    }

    #[test]
    fn every_events_api_fixture_converts_as_slack_morphism_converts_it() {
        for (name, body) in fixtures() {
            let (fast, typed) = both(&body);
            assert_eq!(fast, typed, "{name}");
        }
    }

    #[test]
    fn each_rule_decides_as_the_typed_conversion_does() {
        let message = "event_callback_message_channel.json";
        let cases = [
            ("the bot's own post", edited(message, |e| drop(e.insert("user".into(), "UBOT".into())))),
            ("a bot id", edited(message, |e| drop(e.insert("bot_id".into(), "B1".into())))),
            ("a null bot id", edited(message, |e| drop(e.insert("bot_id".into(), serde_json::Value::Null)))),
            ("hidden", edited(message, |e| drop(e.insert("hidden".into(), true.into())))),
            ("a join", edited(message, |e| drop(e.insert("subtype".into(), "channel_join".into())))),
            ("/me", edited(message, |e| drop(e.insert("subtype".into(), "me_message".into())))),
            ("a DM", edited(message, |e| drop(e.insert("channel_type".into(), "im".into())))),
            ("a D channel", edited(message, |e| drop(e.insert("channel".into(), "D0123".into())))),
            ("no user", edited(message, |e| drop(e.remove("user")))),
            ("no text", edited(message, |e| drop(e.remove("text")))),
            ("escapes", edited(message, |e| drop(e.insert("text".into(), "a \"b\"\n\u{e9} <@U1>".into())))),
            ("a thread's parent", {
                edited(message, |e| {
                    let ts = e["ts"].clone();
                    e.insert("thread_ts".into(), ts);
                })
            }),
            (
                "a file share",
                edited(message, |e| {
                    e.insert("subtype".into(), "file_share".into());
                    e.insert(
                        "files".into(),
                        serde_json::json!([
                            {"id": "F1", "permalink": "https://team.slack.com/files/W111/F1/a.png",
                             "url_private": "https://files.slack.com/files-pri/T111-F1/a.png"},
                            {"id": "F2", "url_private": "https://files.slack.com/files-pri/T111-F2/b.png"},
                            {"id": "F3"}
                        ]),
                    );
                }),
            ),
            ("an edited mention", {
                edited("event_callback_app_mention.json", |e| {
                    e.insert("edited".into(), serde_json::json!({"user": "W222", "ts": "1595926231.000000"}));
                })
            }),
            (
                "a mention by the bot",
                edited("event_callback_app_mention.json", |e| drop(e.insert("user".into(), "UBOT".into()))),
            ),
            ("the Home tab", {
                edited(message, |e| {
                    e.clear();
                    e.extend([
                        ("type".to_owned(), "app_home_opened".into()),
                        ("user".to_owned(), "U1".into()),
                        ("channel".to_owned(), "D1".into()),
                        ("tab".to_owned(), "home".into()),
                        ("event_ts".to_owned(), "1515449522000016".into()),
                    ]);
                })
            }),
            ("the Messages tab", {
                edited(message, |e| {
                    e.clear();
                    e.extend([
                        ("type".to_owned(), "app_home_opened".into()),
                        ("user".to_owned(), "U1".into()),
                        ("channel".to_owned(), "D1".into()),
                        ("tab".to_owned(), "messages".into()),
                    ]);
                })
            }),
            ("a reaction", {
                edited(message, |e| {
                    e.clear();
                    e.extend([
                        ("type".to_owned(), "reaction_added".into()),
                        ("user".to_owned(), "U1".into()),
                        ("reaction".to_owned(), "thumbsup".into()),
                        ("item".to_owned(), serde_json::json!({"type": "message", "channel": "C1", "ts": "1.2"})),
                        ("event_ts".to_owned(), "1360782804.083113".into()),
                    ]);
                })
            }),
        ];
        for (case, body) in cases {
            let (fast, typed) = both(&body);
            assert!(typed.is_some(), "{case}: slack-morphism reads it");
            assert_eq!(fast, typed, "{case}");
        }
    }

    /// Slack's documented `user_change` example (tests/data/slack_user_change.json), with `edit`
    /// applied to its user record.
    fn user_change(edit: impl FnOnce(&mut serde_json::Map<String, serde_json::Value>)) -> String {
        let text = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/slack_user_change.json"));
        let mut body: serde_json::Value = serde_json::from_str(text).unwrap();
        edit(body["event"]["user"].as_object_mut().unwrap());
        body.to_string()
    }

    #[test]
    fn a_changed_profile_converts_as_slack_morphism_converts_it() {
        let cases = [
            ("Slack's example", user_change(|_| {})),
            ("an admin with a display name", {
                user_change(|u| {
                    u.insert("is_admin".into(), true.into());
                    u["profile"]["display_name"] = "Some \"S\" User".into();
                })
            }),
            ("an owner", user_change(|u| drop(u.insert("is_owner".into(), true.into())))),
            ("no zone", user_change(|u| drop(u.remove("tz")))),
            ("no profile", user_change(|u| drop(u.remove("profile")))),
            ("a bot", user_change(|u| drop(u.insert("is_bot".into(), true.into())))),
            ("the bot itself", user_change(|u| drop(u.insert("id".into(), "UBOT".into())))),
        ];
        for (case, body) in cases {
            let (fast, typed) = both(&body);
            assert!(typed.is_some(), "{case}: slack-morphism reads it");
            assert_eq!(fast, typed, "{case}");
        }
        let (fast, _) = both(&user_change(|u| drop(u.insert("is_owner".into(), true.into()))));
        assert_eq!(
            fast.unwrap().event,
            Some(InboundEvent::ProfileChanged {
                workspace: "T123ABC456".into(),
                id: "Ev123ABC456".into(),
                user: "U1234567".into(),
                name: "Some User".into(),
                tz: Some("America/Los_Angeles".into()),
                is_admin: true,
            })
        );
    }

    #[test]
    fn other_bodies_are_told_apart() {
        let challenge = r#"{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"#;
        assert!(matches!(
            read(challenge.as_bytes()),
            Some(Payload::UrlVerification { challenge }) if challenge == "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
        ));
        let limited = r#"{"token":"x","type":"app_rate_limited","team_id":"T1","minute_rate_limited":1518467820,"api_app_id":"A1"}"#;
        assert!(matches!(read(limited.as_bytes()), Some(Payload::AppRateLimited)));
        for unreadable in ["", "not json", "[]", r#"{"type":"event_callback","team_id":"T1"}"#, r#"{"type":"other"}"#] {
            assert!(read(unreadable.as_bytes()).is_none(), "{unreadable:?}");
        }
    }
}
