//! Purpose: what flows in and out of the bot, platform-neutral. Adapters translate a Slack or
//! Discord event into an [`InboundEvent`], and an [`OutgoingMessage`] into an API call; features
//! see only these.

use serde::{Deserialize, Serialize};

/// A chat message the bot saw in a channel or a DM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    /// Platform id of the workspace (Slack team, Discord guild).
    pub workspace: String,
    /// The platform's id of the message (Slack `ts`, Discord snowflake): the de-duplication key.
    pub id: String,
    /// Platform id of the channel (or DM channel).
    pub channel: String,
    /// Platform id of the author.
    pub user: String,
    /// The message text exactly as the platform delivered it (markup included).
    pub text: String,
    /// The id of the thread's parent message, for a reply in a thread.
    pub thread: Option<String>,
    /// Whether this is a direct message to the bot.
    pub is_dm: bool,
}

/// A `/async` command as typed (Slack's slash command text, or Discord options rendered as text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommandInvocation {
    /// Platform id of the workspace.
    pub workspace: String,
    /// The platform's id of this invocation (trigger or interaction id), for de-duplication.
    pub id: String,
    /// Channel it was typed in.
    pub channel: String,
    /// Who typed it.
    pub user: String,
    /// The text after `/async`.
    pub text: String,
    /// Whether the platform says the user is an admin (Slack admin/owner, Discord Manage Server).
    pub platform_admin: bool,
    /// Whether it was typed in a direct or group DM rather than a channel (such a conversation is
    /// never a standup's report channel).
    #[serde(default)]
    pub is_dm: bool,
}

/// A member's answers to their open standup run, all at once (a form submission).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandupSubmission {
    /// Platform id of the workspace.
    pub workspace: String,
    /// The platform's id of the submission, for de-duplication.
    pub id: String,
    /// Who answered.
    pub user: String,
    /// The standup's name.
    pub standup: String,
    /// One answer per question, in order.
    pub answers: Vec<String>,
}

/// A member pressed *Answer* under a standup prompt: the platform waits (about 3 s) for a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormRequest {
    /// Platform id of the workspace.
    pub workspace: String,
    /// The platform's id of the click, for de-duplication.
    pub id: String,
    /// Who clicked.
    pub user: String,
    /// The standup whose questions the form asks.
    pub standup: String,
    /// The platform's handle for opening the form (Slack `trigger_id`, Discord interaction token).
    pub trigger: String,
}

/// Something that happened on a platform, for the bot to handle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum InboundEvent {
    /// A new message (edits, deletions and bot messages never become events).
    Message(ChatMessage),
    /// A `/async` command.
    Command(CommandInvocation),
    /// Standup answers submitted in one go.
    StandupSubmission(StandupSubmission),
    /// A request to open the standup answer form.
    FormRequest(FormRequest),
    /// A member opened the bot's home (Slack App Home): show them their settings and schedule.
    HomeOpened {
        /// Platform id of the workspace.
        workspace: String,
        /// The platform's id of the event, for de-duplication.
        id: String,
        /// Who opened it.
        user: String,
    },
    /// The platform says a member's profile changed (Slack `user_change`, a Discord member
    /// update): what it says now.
    ProfileChanged {
        /// Platform id of the workspace.
        workspace: String,
        /// The platform's id of the event, for de-duplication.
        id: String,
        /// Whose profile.
        user: String,
        /// Display name (empty: not given).
        name: String,
        /// IANA zone, when the platform gives one (Slack does, Discord does not).
        tz: Option<String>,
        /// Whether the platform makes them an admin (Slack admin or owner, Discord Manage Server).
        is_admin: bool,
    },
    /// The platform says what some role grants changed (a Discord role's permissions edited or the
    /// role deleted): every known member of the workspace may have gained or lost admin rights,
    /// so their profiles are read again.
    RolesChanged {
        /// Platform id of the workspace.
        workspace: String,
        /// The platform's id of the event, for de-duplication.
        id: String,
    },
    /// A DM the delivery workers can never deliver (DMs closed, account deactivated). They
    /// record it here so the consumer decides what it means for the member.
    DmUndeliverable {
        /// Platform id of the workspace.
        workspace: String,
        /// The outbox id of the message, for de-duplication.
        id: String,
        /// The member the DM was for.
        user: String,
    },
}

impl InboundEvent {
    /// The platform id of the workspace it happened in.
    pub fn workspace(&self) -> &str {
        match self {
            InboundEvent::Message(m) => &m.workspace,
            InboundEvent::Command(c) => &c.workspace,
            InboundEvent::StandupSubmission(s) => &s.workspace,
            InboundEvent::FormRequest(f) => &f.workspace,
            InboundEvent::HomeOpened { workspace, .. }
            | InboundEvent::ProfileChanged { workspace, .. }
            | InboundEvent::RolesChanged { workspace, .. }
            | InboundEvent::DmUndeliverable { workspace, .. } => workspace,
        }
    }

    /// The conversation whose events must be handled in the order they arrived, if any: a
    /// channel's messages (a ping, then the question that makes its nudge unnecessary), a
    /// member's commands, answers and profile changes. Several processes never handle two events
    /// of one lane at once (the PostgreSQL inbox); events of different lanes go in parallel.
    pub fn lane(&self) -> Option<String> {
        match self {
            InboundEvent::Message(m) => Some(format!("channel:{}", m.channel)),
            InboundEvent::Command(c) => Some(format!("user:{}", c.user)),
            InboundEvent::StandupSubmission(s) => Some(format!("user:{}", s.user)),
            InboundEvent::FormRequest(f) => Some(format!("user:{}", f.user)),
            InboundEvent::ProfileChanged { user, .. } | InboundEvent::DmUndeliverable { user, .. } => {
                Some(format!("user:{user}"))
            }
            InboundEvent::HomeOpened { .. } | InboundEvent::RolesChanged { .. } => None,
        }
    }

    /// The event's own key, the same however often and however it is delivered: Slack's HTTP
    /// retries, an envelope on a second socket, an `app_mention` and the `message` event of one
    /// post, a Discord dispatch replayed after RESUME. The inbox keeps one row per key.
    ///
    /// A message's key is its id (Slack `ts`, Discord snowflake: both grow with time) before its
    /// channel, so keys arrive in index order: a batch of deliveries from many channels appends to
    /// the end of the inbox's unique index instead of rewriting one index page per channel (with
    /// the channel first, those page writes cost most of recording a delivery).
    pub fn delivery_id(&self) -> String {
        match self {
            InboundEvent::Message(m) => format!("message:{}:{}", m.id, m.channel),
            InboundEvent::Command(c) => format!("command:{}", c.id),
            InboundEvent::StandupSubmission(s) => format!("submission:{}", s.id),
            InboundEvent::FormRequest(f) => format!("form:{}", f.id),
            InboundEvent::HomeOpened { id, .. } => format!("home:{id}"),
            InboundEvent::ProfileChanged { id, .. } => format!("profile:{id}"),
            InboundEvent::RolesChanged { id, .. } => format!("roles:{id}"),
            InboundEvent::DmUndeliverable { id, .. } => format!("undeliverable:{id}"),
        }
    }
}

/// A button under a message; the adapter renders it and turns a click back into an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum MessageAction {
    /// *Answer*: opens the standup's form ([`InboundEvent::FormRequest`]).
    AnswerStandup {
        /// Standup name.
        standup: String,
    },
    /// *Skip today*: the same as `/async standup skip` ([`InboundEvent::Command`]).
    SkipStandup {
        /// Standup name.
        standup: String,
    },
}

/// A form (Slack modal, Discord modal) with one text field per question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Form {
    /// The standup the answers are for; comes back with the submission.
    pub standup: String,
    /// Title shown on the form.
    pub title: String,
    /// One field per question, in order.
    pub fields: Vec<FormField>,
}

/// One text field of a [`Form`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormField {
    /// The question.
    pub label: String,
    /// Whether it may be left empty (a blocker question may be "none").
    pub optional: bool,
    /// The member's current answer, when editing.
    pub value: Option<String>,
}

/// Why the bot sends a message (SPEC §8 transcript `purpose`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// The daily standup prompt DM.
    StandupPrompt,
    /// The one reminder.
    StandupReminder,
    /// Confirmation of answers.
    StandupAck,
    /// A standup digest (or its edit).
    Digest,
    /// The async prompt in a ping's thread.
    Nudge,
    /// The private note that a mentioned member is off.
    OffhoursNotice,
    /// The personal morning brief.
    Brief,
    /// A reply to `/async …`.
    CommandReply,
    /// Confirmation that a decision was logged.
    DecisionAck,
    /// Anything else.
    Other,
}

impl Purpose {
    /// The transcript name.
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::StandupPrompt => "standup_prompt",
            Purpose::StandupReminder => "standup_reminder",
            Purpose::StandupAck => "standup_ack",
            Purpose::Digest => "digest",
            Purpose::Nudge => "nudge",
            Purpose::OffhoursNotice => "offhours_notice",
            Purpose::Brief => "brief",
            Purpose::CommandReply => "command_reply",
            Purpose::DecisionAck => "decision_ack",
            Purpose::Other => "other",
        }
    }
}

/// Where a message goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Destination {
    /// A direct message to a member.
    Dm {
        /// Platform user id.
        user: String,
    },
    /// A new message in a channel.
    Post {
        /// Platform channel id.
        channel: String,
    },
    /// A reply in the thread of `thread` (Slack `thread_ts`; Discord thread from the message).
    ThreadReply {
        /// Platform channel id.
        channel: String,
        /// Platform id of the thread's parent message.
        thread: String,
    },
    /// A message only `user` sees (Slack ephemeral; Discord ephemeral interaction reply).
    Ephemeral {
        /// Platform channel id.
        channel: String,
        /// Platform user id.
        user: String,
    },
    /// An edit of a message the bot sent earlier.
    Update {
        /// Platform channel id.
        channel: String,
        /// Platform id of the message to edit.
        message: String,
    },
}

impl Destination {
    /// The conversation this goes to, as the outbox orders deliveries: a member's DM, a channel
    /// (its threads and edits included), or one member's private replies in a channel.
    pub fn lane(&self) -> String {
        match self {
            Destination::Dm { user } => format!("dm:{user}"),
            Destination::Post { channel }
            | Destination::ThreadReply { channel, .. }
            | Destination::Update { channel, .. } => {
                format!("channel:{channel}")
            }
            // A private reply waits only for earlier private replies to the same person, never
            // behind a digest or a rate-limited post to the channel.
            Destination::Ephemeral { channel, user } => format!("ephemeral:{channel}:{user}"),
        }
    }
}

/// A message the bot sends, already rendered in the platform's markup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutgoingMessage {
    /// Where it goes.
    pub to: Destination,
    /// Why it is sent.
    pub purpose: Purpose,
    /// The text exactly as the platform should receive it.
    pub text: String,
    /// The user ids this message is meant to ping — the only ones (Discord `allowed_mentions`).
    pub mentions: Vec<String>,
    /// Buttons under the message.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<MessageAction>,
    /// A file sent with the message (`/async export-me`); the text introduces it. Absent from
    /// messages stored before files existed, which still read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<Attachment>,
}

/// A text file sent with a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// The file's name as the member sees it (`unhurried-export.json`); a platform may add the
    /// outbox id before the extension to find the file again ([`Attachment::tagged_name`]).
    pub filename: String,
    /// Its media type (`application/json`).
    pub content_type: String,
    /// Its content.
    pub text: String,
}

impl Attachment {
    /// The file name with `-{id}` before its extension (`unhurried-export-42.json`): unique per
    /// outbox message, so a platform that cannot tag a file message otherwise finds it by name.
    pub fn tagged_name(&self, id: i64) -> String {
        match self.filename.rsplit_once('.') {
            Some((stem, extension)) if !stem.is_empty() => format!("{stem}-{id}.{extension}"),
            _ => format!("{}-{id}", self.filename),
        }
    }

    /// Its size in bytes.
    pub fn len(&self) -> usize {
        self.text.len()
    }

    /// Whether the file is empty.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}

impl OutgoingMessage {
    /// A message that pings nobody.
    pub fn new(to: Destination, purpose: Purpose, text: impl Into<String>) -> Self {
        OutgoingMessage { to, purpose, text: text.into(), mentions: Vec::new(), actions: Vec::new(), attachment: None }
    }

    /// The same message with a file.
    pub fn with_attachment(mut self, attachment: Attachment) -> Self {
        self.attachment = Some(attachment);
        self
    }

    /// The same message with buttons.
    pub fn with_actions(mut self, actions: Vec<MessageAction>) -> Self {
        self.actions = actions;
        self
    }

    /// The same message, allowed to ping `users`.
    pub fn pinging(mut self, users: impl IntoIterator<Item = String>) -> Self {
        self.mentions.extend(users);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_stored_before_files_existed_still_reads_and_one_without_a_file_is_stored_as_before() {
        let stored = r#"{"to":{"kind":"dm","user":"U1"},"purpose":"brief","text":"hi","mentions":[]}"#;
        let message: OutgoingMessage = serde_json::from_str(stored).unwrap();
        assert_eq!(message, OutgoingMessage::new(Destination::Dm { user: "U1".into() }, Purpose::Brief, "hi"));
        assert_eq!(serde_json::to_string(&message).unwrap(), stored, "no attachment key when there is none");
    }

    #[test]
    fn a_message_with_a_file_keeps_it_through_storage() {
        let file = Attachment {
            filename: "unhurried-export.json".into(),
            content_type: "application/json".into(),
            text: "{\"a\": 1}\n".into(),
        };
        let message = OutgoingMessage::new(Destination::Dm { user: "U1".into() }, Purpose::CommandReply, "here")
            .with_attachment(file);
        let stored = serde_json::to_string(&message).unwrap();
        assert_eq!(serde_json::from_str::<OutgoingMessage>(&stored).unwrap(), message);
    }

    #[test]
    fn a_tagged_file_name_carries_the_outbox_id_before_its_extension() {
        let named =
            |filename: &str| Attachment { filename: filename.into(), content_type: String::new(), text: String::new() };
        assert_eq!(named("unhurried-export.json").tagged_name(42), "unhurried-export-42.json");
        assert_eq!(named("data").tagged_name(7), "data-7");
        assert_eq!(named(".json").tagged_name(7), ".json-7");
        assert_eq!(named("a.b.txt").tagged_name(1), "a.b-1.txt");
    }
}
