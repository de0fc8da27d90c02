//! Purpose: what one member sees of the workspace — conversations, messages (the bot's, from the
//! simulated platform's transcript, and the members' own posts), forms — as the JSON the page
//! draws. The live playground and `simulate --html` build it the same way.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use crate::adapters::simulated::TranscriptEntry;
use crate::domain::events::{Form, MessageAction};
use crate::domain::platform::Platform;
use crate::playground::render::{Reader, to_html};
use crate::simulation::Scenario;

/// A member's own post (a message, or a command only they see).
#[derive(Debug, Clone)]
pub struct MemberPost {
    /// The platform message id (threads hang from it).
    pub id: String,
    /// Virtual time of the post.
    pub at: DateTime<Utc>,
    /// Author's user id.
    pub user: String,
    /// Channel id, or `D-{user}` for the author's DM with the bot.
    pub conversation: String,
    /// The thread's parent message, for a reply.
    pub thread: Option<String>,
    /// The text in the platform's markup.
    pub text: String,
    /// Shown only to the author (a `/async` command as typed, a submitted form).
    pub private: bool,
    /// How many bot messages had been sent when it was posted: it is shown after them, and
    /// before the bot's answer at the same virtual instant.
    pub after_bot_messages: usize,
}

/// The id of a member's DM with the bot.
pub fn dm_conversation(user: &str) -> String {
    format!("D-{user}")
}

/// The workspace as one member sees it.
#[derive(Debug, Serialize)]
pub struct View {
    /// `slack` or `discord`: whose markup the texts were in.
    pub platform: &'static str,
    /// The virtual time, UTC RFC 3339.
    pub now: String,
    /// The virtual time in the viewer's zone.
    pub now_local: String,
    /// Who is looking.
    pub viewer: String,
    /// Everyone the page can act as, with their local time.
    pub members: Vec<MemberView>,
    /// Channels, then the viewer's DM with the bot.
    pub conversations: Vec<ConversationView>,
    /// Everything the viewer can see, oldest first.
    pub messages: Vec<MessageView>,
    /// A form the bot opened for the viewer and that is not answered yet.
    pub form: Option<FormView>,
    /// When the next job is due (UTC RFC 3339), if any.
    pub next_due: Option<String>,
}

/// One member in the picker.
#[derive(Debug, Serialize)]
pub struct MemberView {
    /// User id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// IANA zone.
    pub zone: String,
    /// Their local time now (`Thu 09:30`).
    pub local_time: String,
    /// Whether they are inside their working hours now (unknown in a transcript page).
    pub working: Option<bool>,
}

/// A channel or a DM.
#[derive(Debug, Serialize)]
pub struct ConversationView {
    /// Channel id or `D-{user}`.
    pub id: String,
    /// `#team` or `unhurried (DM)`.
    pub label: String,
    /// `channel` or `dm`.
    pub kind: &'static str,
}

/// One message.
#[derive(Debug, Serialize)]
pub struct MessageView {
    /// Platform message id.
    pub id: String,
    /// Channel id or `D-{user}`.
    pub conversation: String,
    /// Parent message, for a thread reply.
    pub thread: Option<String>,
    /// Author's name (`unhurried` for the bot).
    pub author: String,
    /// Whether the bot sent it.
    pub bot: bool,
    /// UTC RFC 3339.
    pub at: String,
    /// The time in the viewer's zone (`Thu 09:30`).
    pub time: String,
    /// The text as safe HTML for this viewer.
    pub html: String,
    /// Only the viewer sees it.
    pub private: bool,
    /// The bot edited it since.
    pub edited: bool,
    /// Why the bot sent it (SPEC §8 purpose), for the bot's messages.
    pub purpose: Option<&'static str>,
    /// Buttons under it.
    pub actions: Vec<ActionView>,
}

/// A button under a message.
#[derive(Debug, Serialize)]
pub struct ActionView {
    /// `answer` or `skip`.
    pub action: &'static str,
    /// The button's label.
    pub label: String,
    /// The standup it is for.
    pub standup: String,
}

/// An open form.
#[derive(Debug, Serialize)]
pub struct FormView {
    /// The platform's handle, sent back with the answers.
    pub trigger: String,
    /// The standup's name.
    pub standup: String,
    /// Title.
    pub title: String,
    /// One per question.
    pub fields: Vec<FormFieldView>,
}

/// One question of a form.
#[derive(Debug, Serialize)]
pub struct FormFieldView {
    /// The question.
    pub label: String,
    /// May be left empty.
    pub optional: bool,
    /// Current answer when editing.
    pub value: String,
}

/// The name the bot goes by in the page.
pub const BOT_NAME: &str = "unhurried";

/// Everything a view is built from.
pub struct Workspace<'a> {
    /// The seeded scenario (members, channels).
    pub scenario: &'a Scenario,
    /// Current zone of each member (a `/async tz` changes it).
    pub zones: &'a HashMap<String, Tz>,
    /// Whether each member works now.
    pub working: &'a HashMap<String, bool>,
    /// The virtual time.
    pub now: DateTime<Utc>,
    /// Everything the bot sent.
    pub transcript: &'a [TranscriptEntry],
    /// Everything members posted.
    pub posts: &'a [MemberPost],
    /// A form open for the viewer.
    pub form: Option<(String, Form)>,
    /// When the next job is due.
    pub next_due: Option<DateTime<Utc>>,
    /// Relative times (`today`, `in 2 hours`) as read when each message arrived, not at `now`:
    /// for a transcript read afterwards.
    pub read_on_arrival: bool,
}

impl Workspace<'_> {
    /// The zone `user` reads in (the workspace's default when they have none).
    pub fn zone_of(&self, user: &str) -> Tz {
        self.zones
            .get(user)
            .copied()
            .unwrap_or_else(|| self.scenario.workspace.default_tz.map_or(chrono_tz::UTC, |tz| tz.0))
    }

    /// What `viewer` sees.
    pub fn view(&self, viewer: &str) -> View {
        let names: HashMap<String, String> =
            self.scenario.members.iter().map(|m| (m.id.clone(), m.name.clone())).collect();
        let channels: HashMap<String, String> =
            self.scenario.channels.iter().map(|c| (c.id.clone(), c.name.clone())).collect();
        let zone = self.zone_of(viewer);
        let reader_at = |now: DateTime<Utc>| Reader {
            platform: self.scenario.platform,
            zone,
            user: viewer,
            now: if self.read_on_arrival { now } else { self.now },
            names: &names,
            channels: &channels,
        };
        let local = |at: DateTime<Utc>, zone: Tz| at.with_timezone(&zone).format("%a %H:%M").to_string();

        let mut messages: Vec<(DateTime<Utc>, Order, MessageView)> = Vec::new();
        let own_dm = dm_conversation(viewer);
        for (n, post) in self.posts.iter().enumerate() {
            let visible = if post.private || post.conversation.starts_with("D-") { post.user == viewer } else { true };
            if !visible {
                continue;
            }
            messages.push((
                post.at,
                (post.after_bot_messages, 1, n),
                MessageView {
                    id: post.id.clone(),
                    conversation: post.conversation.clone(),
                    thread: post.thread.clone(),
                    author: names.get(&post.user).cloned().unwrap_or_else(|| post.user.clone()),
                    bot: false,
                    at: post.at.to_rfc3339(),
                    time: local(post.at, zone),
                    html: to_html(&post.text, &reader_at(post.at)),
                    private: post.private,
                    edited: false,
                    purpose: None,
                    actions: Vec::new(),
                },
            ));
        }
        // Edits replace the text of the message they edit, as the clients show it.
        let mut edits: HashMap<&str, &TranscriptEntry> = HashMap::new();
        for entry in self.transcript.iter().filter(|e| e.kind == "update") {
            if let Some(target) = entry.thread.as_deref() {
                edits.insert(target, entry);
            }
        }
        for (n, entry) in self.transcript.iter().enumerate() {
            let (conversation, thread, private) = match entry.kind {
                "dm" => (dm_conversation(entry.to.as_deref().unwrap_or_default()), None, false),
                "post" => (entry.channel.clone().unwrap_or_default(), None, false),
                "thread_reply" => (entry.channel.clone().unwrap_or_default(), entry.thread.clone(), false),
                "ephemeral" => (entry.channel.clone().unwrap_or_default(), None, true),
                _ => continue,
            };
            let visible = match entry.kind {
                "dm" => conversation == own_dm,
                "ephemeral" => entry.to.as_deref() == Some(viewer),
                _ => true,
            };
            if !visible {
                continue;
            }
            let at: DateTime<Utc> = entry.at.parse().unwrap_or(self.now);
            let edit = edits.get(entry.message_id.as_str());
            let mut text = edit.map_or(&entry.text, |e| &e.text).clone();
            // A file shows as its name under the text, as the clients show an attachment.
            if let Some(file) = &entry.file {
                text.push('\n');
                text.push_str(&file.label());
            }
            messages.push((
                at,
                (n, 2, 0),
                MessageView {
                    id: entry.message_id.clone(),
                    conversation,
                    thread,
                    author: BOT_NAME.to_owned(),
                    bot: true,
                    at: entry.at.clone(),
                    time: local(at, zone),
                    html: to_html(&text, &reader_at(at)),
                    private,
                    edited: edit.is_some(),
                    purpose: Some(entry.purpose),
                    actions: entry.actions.iter().map(action_view).collect(),
                },
            ));
        }
        // Oldest first; at one instant, in the order things happened.
        messages.sort_by_key(|(at, order, _)| (*at, *order));

        let mut conversations: Vec<ConversationView> = self
            .scenario
            .channels
            .iter()
            .map(|c| ConversationView { id: c.id.clone(), label: format!("#{}", c.name), kind: "channel" })
            .collect();
        conversations.push(ConversationView { id: own_dm, label: format!("{BOT_NAME} (DM)"), kind: "dm" });
        let members = self
            .scenario
            .members
            .iter()
            .map(|m| {
                let zone = self.zone_of(&m.id);
                MemberView {
                    id: m.id.clone(),
                    name: m.name.clone(),
                    zone: zone.name().to_owned(),
                    local_time: local(self.now, zone),
                    working: self.working.get(&m.id).copied(),
                }
            })
            .collect();
        View {
            platform: match self.scenario.platform {
                Platform::Slack => "slack",
                Platform::Discord => "discord",
            },
            now: self.now.to_rfc3339(),
            now_local: self.now.with_timezone(&zone).format("%a %-d %b %H:%M").to_string() + " " + zone.name(),
            viewer: viewer.to_owned(),
            members,
            conversations,
            messages: messages.into_iter().map(|(_, _, m)| m).collect(),
            form: self.form.as_ref().map(|(trigger, form)| FormView {
                trigger: trigger.clone(),
                standup: form.standup.clone(),
                title: form.title.clone(),
                fields: form
                    .fields
                    .iter()
                    .map(|f| FormFieldView {
                        label: f.label.clone(),
                        optional: f.optional,
                        value: f.value.clone().unwrap_or_default(),
                    })
                    .collect(),
            }),
            next_due: self.next_due.map(|at| at.to_rfc3339()),
        }
    }
}

/// Where a message goes among those of one instant: (bot messages sent before it, 1 for a
/// member's post or 2 for the bot's, position).
type Order = (usize, u8, usize);

fn action_view(action: &MessageAction) -> ActionView {
    match action {
        MessageAction::AnswerStandup { standup } => {
            ActionView { action: "answer", label: "Answer".to_owned(), standup: standup.clone() }
        }
        MessageAction::SkipStandup { standup } => {
            ActionView { action: "skip", label: "Skip today".to_owned(), standup: standup.clone() }
        }
    }
}
