//! Purpose: an in-process chat platform for `unhurried simulate` and whole-bot tests. It records
//! every message the bot sends, with the virtual time, as the transcript of SPEC §8 (a file sent
//! with a message as its name, size and first line), and answers profile lookups from the
//! scenario's members.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::SecondsFormat;
use serde::Serialize;

use crate::domain::events::{Destination, Form, MessageAction, OutgoingMessage};
use crate::domain::platform::Platform;
use crate::ports::{ChatPlatform, Clock, OutboxTag, Profile, SendError};

/// One transcript line (SPEC §8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TranscriptEntry {
    /// Virtual time of the send, UTC RFC 3339.
    pub at: String,
    /// `dm`, `post`, `thread_reply`, `ephemeral` or `update`.
    pub kind: &'static str,
    /// Why it was sent.
    pub purpose: &'static str,
    /// Channel id, `null` for DMs.
    pub channel: Option<String>,
    /// Thread parent (thread replies) or the edited message (updates).
    pub thread: Option<String>,
    /// Recipient member id for DMs and ephemeral messages.
    pub to: Option<String>,
    /// The text as the platform would receive it.
    pub text: String,
    /// The platform id the simulator gave the sent message.
    #[serde(skip)]
    pub message_id: String,
    /// Users the message may ping (Discord `allowed_mentions`).
    #[serde(skip)]
    pub mentions: Vec<String>,
    /// Buttons under the message.
    #[serde(skip)]
    pub actions: Vec<MessageAction>,
    /// The file sent with it (`/async export-me`), left out of the transcript when there is none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<TranscriptFile>,
}

/// A file as the transcript shows it: its name, its size and its first line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TranscriptFile {
    /// The file's name.
    pub name: String,
    /// Its size in bytes.
    pub bytes: usize,
    /// Its first line (a JSON file's `{`), enough to see what it is.
    pub first_line: String,
    /// Its whole content, for tests to read.
    #[serde(skip)]
    pub text: String,
}

impl TranscriptFile {
    /// How a file is shown beside its message: `📎 name (N bytes)`.
    pub fn label(&self) -> String {
        format!("📎 {} ({} bytes)", self.name, self.bytes)
    }
}

/// The simulated platform.
pub struct SimulatedPlatform {
    platform: Platform,
    clock: Arc<dyn Clock>,
    profiles: Mutex<HashMap<String, Profile>>,
    transcript: Mutex<Vec<TranscriptEntry>>,
    forms: Mutex<Vec<(String, Form)>>,
    homes: Mutex<Vec<(String, String)>>,
    /// Users whose DMs fail permanently (closed DMs), to exercise that path.
    unreachable: Vec<String>,
    /// The id given to each delivered outbox message, as a platform that tags its messages
    /// (Slack's metadata, Discord's nonce) can look it up after a crash.
    delivered: Mutex<HashMap<i64, String>>,
}

impl SimulatedPlatform {
    /// A platform whose members are `profiles` (by user id).
    pub fn new(platform: Platform, clock: Arc<dyn Clock>, profiles: HashMap<String, Profile>) -> Self {
        SimulatedPlatform {
            platform,
            clock,
            profiles: Mutex::new(profiles),
            transcript: Mutex::new(Vec::new()),
            forms: Mutex::new(Vec::new()),
            homes: Mutex::new(Vec::new()),
            unreachable: Vec::new(),
            delivered: Mutex::new(HashMap::new()),
        }
    }

    /// Changes what the platform says about a member from now on (a renamed member, a new zone,
    /// an admin made or unmade), as a member editing their profile would.
    pub fn set_profile(&self, user: &str, profile: Profile) {
        self.profiles.lock().expect("profiles lock").insert(user.to_owned(), profile);
    }

    /// Makes DMs to these users fail permanently.
    pub fn with_unreachable(mut self, users: Vec<String>) -> Self {
        self.unreachable = users;
        self
    }

    /// Everything sent so far.
    pub fn transcript(&self) -> Vec<TranscriptEntry> {
        self.transcript.lock().expect("transcript lock").clone()
    }

    /// Forms opened so far, with the trigger each answered.
    pub fn forms(&self) -> Vec<(String, Form)> {
        self.forms.lock().expect("forms lock").clone()
    }

    /// Home pages published so far, as (user, text).
    pub fn homes(&self) -> Vec<(String, String)> {
        self.homes.lock().expect("homes lock").clone()
    }

    /// Removes and returns everything sent so far.
    pub fn take_transcript(&self) -> Vec<TranscriptEntry> {
        std::mem::take(&mut *self.transcript.lock().expect("transcript lock"))
    }
}

#[async_trait]
impl ChatPlatform for SimulatedPlatform {
    fn platform(&self) -> Platform {
        self.platform
    }

    /// A simulated workspace has no rate limit to keep, and its clock is virtual.
    fn paced(&self) -> bool {
        false
    }

    async fn send(&self, tag: OutboxTag, message: &OutgoingMessage) -> Result<String, SendError> {
        let (kind, channel, thread, to) = match &message.to {
            Destination::Dm { user } => {
                if self.unreachable.contains(user) {
                    return Err(SendError::Permanent(format!("cannot send messages to {user}")));
                }
                ("dm", None, None, Some(user.clone()))
            }
            Destination::Post { channel } => ("post", Some(channel.clone()), None, None),
            Destination::ThreadReply { channel, thread } => {
                ("thread_reply", Some(channel.clone()), Some(thread.clone()), None)
            }
            Destination::Ephemeral { channel, user } => ("ephemeral", Some(channel.clone()), None, Some(user.clone())),
            Destination::Update { channel, message } => ("update", Some(channel.clone()), Some(message.clone()), None),
        };
        let mut transcript = self.transcript.lock().expect("transcript lock");
        let message_id = match &message.to {
            Destination::Update { message, .. } => message.clone(),
            _ => format!("bot{}", transcript.len() + 1),
        };
        transcript.push(TranscriptEntry {
            at: self.clock.now().to_rfc3339_opts(SecondsFormat::Secs, true),
            kind,
            purpose: message.purpose.as_str(),
            channel,
            thread,
            to,
            text: message.text.clone(),
            message_id: message_id.clone(),
            mentions: message.mentions.clone(),
            actions: message.actions.clone(),
            file: message.attachment.as_ref().map(|file| TranscriptFile {
                name: file.filename.clone(),
                bytes: file.len(),
                first_line: file.text.lines().next().unwrap_or_default().to_owned(),
                text: file.text.clone(),
            }),
        });
        self.delivered.lock().expect("delivered lock").insert(tag.id, message_id.clone());
        Ok(message_id)
    }

    async fn find_sent(&self, tag: OutboxTag, _message: &OutgoingMessage) -> Result<Option<String>, SendError> {
        Ok(self.delivered.lock().expect("delivered lock").get(&tag.id).cloned())
    }

    async fn profile(&self, _workspace: &str, user: &str) -> anyhow::Result<Option<Profile>> {
        Ok(self.profiles.lock().expect("profiles lock").get(user).cloned())
    }

    async fn open_form(&self, trigger: &str, form: &Form) -> Result<(), SendError> {
        self.forms.lock().expect("forms lock").push((trigger.to_owned(), form.clone()));
        Ok(())
    }

    async fn publish_home(&self, user: &str, text: &str) -> Result<(), SendError> {
        self.homes.lock().expect("homes lock").push((user.to_owned(), text.to_owned()));
        Ok(())
    }

    async fn permalink(&self, channel: &str, message: &str) -> anyhow::Result<Option<String>> {
        Ok(Some(format!("https://chat.example/{channel}/{message}")))
    }
}
