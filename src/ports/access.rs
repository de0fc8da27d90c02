//! Purpose: the right of access — everything the store keeps about one member, for
//! `/async export-me`. What counts is what erasure (`forget-me`) removes for them: their profile
//! and settings, out of office, standup memberships, runs with their own answers, decisions they
//! logged, their pings, questions they asked or were asked, off-hours notices and mentions, jobs
//! scheduled for them, the events they sent the bot, and how many messages the bot keeps that
//! were addressed to them. Only their own rows: other members' words and ids are never part of it
//! (a question someone asked them is listed without its text or asker; an off-hours notice
//! without the other member).

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

/// Everything stored about one member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberData {
    /// Who they are and their settings.
    pub profile: ProfileData,
    /// Out-of-office ranges, inclusive local dates.
    pub out_of_office: Vec<DateRange>,
    /// The standups they take part in.
    pub standups: Vec<MembershipData>,
    /// Their standup runs with their answers, oldest first.
    pub runs: Vec<RunData>,
    /// Decisions they logged, oldest first.
    pub decisions: Vec<DecisionData>,
    /// Their messages the bot took for pings (nudges), oldest first.
    pub pings: Vec<PingData>,
    /// Questions they asked someone in a thread, oldest first.
    pub questions_asked: Vec<QuestionAsked>,
    /// Questions someone asked them, oldest first: when and where, not the asker's words.
    pub questions_to_them: Vec<QuestionToThem>,
    /// Notes about working hours the bot sent on their account or about them, oldest first.
    pub offhours_notices: Vec<NoticeData>,
    /// When someone mentioned them while they were off.
    pub offhours_mentions: Vec<DateTime<Utc>>,
    /// What the bot has scheduled for them (prompts, reminders, briefs).
    pub scheduled: Vec<ScheduledData>,
    /// Events they sent the bot that are still kept (messages, commands, answers), oldest first.
    pub sent_to_bot: Vec<EventData>,
    /// Messages the bot keeps that went to them alone (DMs, private replies), counted by purpose.
    pub messages_to_them: Vec<MessageCount>,
}

/// A member's profile and settings as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProfileData {
    /// `slack` or `discord`.
    pub platform: String,
    /// The platform's id of the workspace.
    pub workspace: String,
    /// Their platform user id.
    pub user: String,
    /// Their display name.
    pub name: String,
    /// Their IANA zone; `None`: the workspace default.
    pub tz: Option<String>,
    /// Where the zone came from: `default`, `platform` or `command`.
    pub tz_source: String,
    /// Working hours `HH:MM-HH:MM`; `None`: the workspace default.
    pub hours: Option<String>,
    /// Working days (`mon-fri`); `None`: the workspace default.
    pub days: Option<String>,
    /// Whether the personal brief is on.
    pub brief_on: bool,
    /// Whether they asked the bot never to answer their own pings (`nudge me off`).
    pub nudge_me_off: bool,
    /// Whether they are an admin (config or platform).
    pub is_admin: bool,
    /// The platform's id of their DM with the bot, when known.
    pub dm_channel: Option<String>,
    /// Since when DMs to them fail.
    pub unreachable_since: Option<DateTime<Utc>>,
    /// When the bot first saw them.
    pub first_seen: DateTime<Utc>,
    /// When their platform profile was last read.
    pub profile_read_at: Option<DateTime<Utc>>,
    /// When they last asked to be forgotten without confirming.
    pub forget_requested_at: Option<DateTime<Utc>>,
}

/// An inclusive range of local dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DateRange {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
}

/// A standup they take part in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MembershipData {
    /// The standup's name.
    pub standup: String,
    /// The platform's id of its report channel.
    pub channel: String,
    /// Its questions.
    pub questions: Vec<String>,
    /// Whether it is paused.
    pub paused: bool,
}

/// One of their standup runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunData {
    /// The standup's name.
    pub standup: String,
    /// Their local date of the run.
    pub local_date: NaiveDate,
    /// The zone that date is in.
    pub tz: String,
    /// scheduled, prompted, answered, skipped, missed or away.
    pub state: String,
    /// When the prompt was due.
    pub prompt_at: DateTime<Utc>,
    /// When it was sent.
    pub prompted_at: Option<DateTime<Utc>>,
    /// When the reminder was sent.
    pub reminded_at: Option<DateTime<Utc>>,
    /// When they answered the last question.
    pub answered_at: Option<DateTime<Utc>>,
    /// Their answers, in question order.
    pub answers: Vec<AnswerData>,
}

/// One of their answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnswerData {
    /// 1-based.
    pub question_number: usize,
    /// The question as the standup asks it now (empty when it was removed since).
    pub question: String,
    /// Their answer as written.
    pub answer: String,
    /// Whether it reported a blocker.
    pub blocker: bool,
    /// When it was first written.
    pub answered_at: DateTime<Utc>,
    /// When it was last changed.
    pub updated_at: DateTime<Utc>,
}

/// A decision they logged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecisionData {
    /// The platform's id of the channel it was logged in.
    pub channel: Option<String>,
    /// The decision as written.
    pub text: String,
    /// A link to its message.
    pub permalink: Option<String>,
    /// When it was logged.
    pub created_at: DateTime<Utc>,
}

/// A message of theirs the bot took for a ping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PingData {
    /// The platform's id of the channel.
    pub channel: String,
    /// The platform's id of their message.
    pub message: String,
    /// Its thread, if in one.
    pub thread: Option<String>,
    /// What kind of ping it looked like.
    pub kind: String,
    /// waiting, sent, cancelled, dry_run or suppressed.
    pub state: String,
    /// When it was seen.
    pub created_at: DateTime<Utc>,
    /// When the bot answered it.
    pub sent_at: Option<DateTime<Utc>>,
    /// When they followed up with the whole question.
    pub converted_at: Option<DateTime<Utc>>,
}

/// A question they asked in a thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuestionAsked {
    /// The platform's id of the channel.
    pub channel: String,
    /// The platform's id of their message.
    pub message: String,
    /// Their question as written.
    pub text: String,
    /// When they asked.
    pub asked_at: DateTime<Utc>,
    /// When it was answered.
    pub answered_at: Option<DateTime<Utc>>,
}

/// A question someone asked them (the words and the asker are the asker's, so not here).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuestionToThem {
    /// The platform's id of the channel.
    pub channel: String,
    /// The platform's id of the question's message.
    pub message: String,
    /// When it was asked.
    pub asked_at: DateTime<Utc>,
    /// When they answered.
    pub answered_at: Option<DateTime<Utc>>,
}

/// A note about working hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoticeData {
    /// `sent_to_you`: they mentioned someone who was off and were told; `about_you`: someone
    /// mentioned them while they were off and was told.
    pub kind: &'static str,
    /// The local date it counts for.
    pub local_date: String,
    /// When it was sent.
    pub sent_at: DateTime<Utc>,
}

/// Something the bot has scheduled for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScheduledData {
    /// The job's kind (`standup_prompt`, `brief`, …).
    pub kind: String,
    /// When it is due.
    pub due_at: DateTime<Utc>,
}

/// An event they sent the bot, as kept in the inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventData {
    /// `message`, `command`, `standup_answers`, `form_opened`, `home_opened`, `profile_changed`
    /// or `dm_undeliverable`.
    pub kind: &'static str,
    /// The platform's id of the channel, where there is one.
    pub channel: Option<String>,
    /// What they wrote (a message, a command, their answers), or what their profile said.
    pub text: Vec<String>,
    /// When the bot received it.
    pub received_at: DateTime<Utc>,
}

/// How many kept messages of one purpose went to them alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MessageCount {
    /// Why they were sent (`standup_prompt`, `brief`, `command_reply`, …).
    pub purpose: String,
    /// How many.
    pub count: i64,
}

/// Reading one member's data.
#[async_trait]
pub trait AccessStore: Send + Sync {
    /// Everything stored about member `member_id`; `None` if there is no such member or they were
    /// forgotten.
    async fn member_data(&self, member_id: i64) -> anyhow::Result<Option<MemberData>>;
}
