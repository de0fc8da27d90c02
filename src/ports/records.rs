//! Purpose: what the store keeps about conversations — nudges, off-hours mentions and notices,
//! open questions, decisions, brief jobs and the counts behind `/async stats`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::platform::Platform;
use crate::ports::jobs::NewJob;

/// The life of a nudge (the `nudges.state` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NudgeState {
    /// In its grace period.
    Waiting,
    /// The async prompt was sent.
    Sent,
    /// A real follow-up came within the grace period, nudges were turned off, or the grace job
    /// ran too late (downtime) to be worth a prompt.
    Cancelled,
    /// The channel is in dry-run: logged only.
    DryRun,
    /// The sender was prompted in this channel within the cooldown.
    Suppressed,
}

impl NudgeState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            NudgeState::Waiting => "waiting",
            NudgeState::Sent => "sent",
            NudgeState::Cancelled => "cancelled",
            NudgeState::DryRun => "dry_run",
            NudgeState::Suppressed => "suppressed",
        }
    }

    /// Reads a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Waiting, Self::Sent, Self::Cancelled, Self::DryRun, Self::Suppressed]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// A ping to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNudge {
    /// Store id of the workspace.
    pub workspace_id: i64,
    /// Store id of the channel.
    pub channel_id: i64,
    /// Store id of the sender.
    pub sender_id: i64,
    /// Platform id of the ping message.
    pub ping_message: String,
    /// The thread the ping was written in, if any.
    pub thread: Option<String>,
    /// The ping kind (`greeting`, …).
    pub kind: String,
    /// When the ping arrived.
    pub created_at: DateTime<Utc>,
}

/// A recorded nudge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NudgeRecord {
    /// Store id.
    pub id: i64,
    /// Store id of the workspace.
    pub workspace_id: i64,
    /// Store id of the channel.
    pub channel_id: i64,
    /// Store id of the sender.
    pub sender_id: i64,
    /// Platform id of the ping message.
    pub ping_message: String,
    /// The thread the ping was written in, if any.
    pub thread: Option<String>,
    /// The ping kind.
    pub kind: String,
    /// Its state.
    pub state: NudgeState,
}

/// Nudges, off-hours mentions and off-hours notices.
#[async_trait]
pub trait NudgeStore: Send + Sync {
    /// Records a ping as a waiting nudge; `None` if that message was recorded before.
    async fn record_nudge(&self, nudge: &NewNudge) -> anyhow::Result<Option<i64>>;

    /// A nudge by store id.
    async fn nudge(&self, nudge_id: i64) -> anyhow::Result<Option<NudgeRecord>>;

    /// The sender's nudges still in their grace period in a channel.
    async fn waiting_nudges(&self, channel_id: i64, sender_id: i64) -> anyhow::Result<Vec<NudgeRecord>>;

    /// Moves a nudge from `from` to `to` atomically (stamping `sent_at` for `sent` and `dry_run`);
    /// returns false if it was not in `from`.
    async fn transition_nudge(
        &self,
        nudge_id: i64,
        from: NudgeState,
        to: NudgeState,
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool>;

    /// When the sender was last prompted (or would have been, in dry-run) in a channel.
    async fn last_prompted_at(&self, channel_id: i64, sender_id: i64) -> anyhow::Result<Option<DateTime<Utc>>>;

    /// Marks converted (once) the sender's prompted pings whose prompt went to `thread`: a ping
    /// that is the thread's parent, or a ping written in that thread; returns whether any was.
    async fn mark_converted(
        &self,
        channel_id: i64,
        sender_id: i64,
        thread: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool>;

    /// Records a mention that reached a member outside their working hours.
    async fn record_offhours_mention(
        &self,
        workspace_id: i64,
        recipient_id: i64,
        at: DateTime<Utc>,
    ) -> anyhow::Result<()>;

    /// Claims the one off-hours notice of (sender, recipient, sender-local date); returns false
    /// if it was sent already.
    async fn claim_offhours_notice(
        &self,
        sender_id: i64,
        recipient_id: i64,
        local_date: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool>;
}

/// A question asked of a member in a channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewQuestion {
    /// Store id of the workspace.
    pub workspace_id: i64,
    /// Platform channel id.
    pub channel: String,
    /// Platform id of the thread parent where the answer is expected.
    pub message: String,
    /// Store id of who asked.
    pub asker_id: i64,
    /// Store id of who was asked.
    pub asked_id: i64,
    /// The question as written (platform markup).
    pub text: String,
    /// When it was asked.
    pub asked_at: DateTime<Utc>,
}

/// A question still waiting for its reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenQuestion {
    /// Platform channel id.
    pub channel: String,
    /// Platform id of the thread parent.
    pub message: String,
    /// Platform user id of who asked.
    pub asker_user: String,
    /// Display name of who asked (may be empty).
    pub asker_name: String,
    /// The question as written.
    pub text: String,
    /// When it was asked.
    pub asked_at: DateTime<Utc>,
}

/// Open questions (SPEC §4).
#[async_trait]
pub trait QuestionStore: Send + Sync {
    /// Records a question unless that (channel, message, asked member) exists.
    async fn record_question(&self, question: &NewQuestion) -> anyhow::Result<bool>;

    /// Closes the questions asked of `asked_id` in the thread of `message`; returns how many.
    async fn answer_questions(
        &self,
        channel: &str,
        message: &str,
        asked_id: i64,
        now: DateTime<Utc>,
    ) -> anyhow::Result<u64>;

    /// The questions `asked_id` has not replied to, asked at or after `asked_since` (`None`: any
    /// time; older ones have expired), oldest first.
    async fn open_questions_for(
        &self,
        asked_id: i64,
        asked_since: Option<DateTime<Utc>>,
    ) -> anyhow::Result<Vec<OpenQuestion>>;
}

/// A decision to log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDecision {
    /// Store id of the workspace.
    pub workspace_id: i64,
    /// Store id of the author.
    pub author_id: i64,
    /// Store id of the channel it was taken in.
    pub channel_id: i64,
    /// The decision as written (platform markup).
    pub text: String,
    /// Link to the message or thread.
    pub permalink: Option<String>,
    /// When it was logged.
    pub created_at: DateTime<Utc>,
}

/// A logged decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionRecord {
    /// Store id.
    pub id: i64,
    /// Platform user id of the author; `None` once they used `forget-me`.
    pub author_user: Option<String>,
    /// Display name of the author (may be empty).
    pub author_name: String,
    /// Platform channel id.
    pub channel: Option<String>,
    /// The decision as written.
    pub text: String,
    /// Link to the message or thread.
    pub permalink: Option<String>,
    /// When it was logged.
    pub created_at: DateTime<Utc>,
}

/// The decision log (SPEC §6).
#[async_trait]
pub trait DecisionStore: Send + Sync {
    /// Whether `Decision:` messages in this channel are logged.
    async fn watches_decisions(&self, channel_id: i64) -> anyhow::Result<bool>;

    /// Logs a decision; returns its id.
    async fn record_decision(&self, decision: &NewDecision) -> anyhow::Result<i64>;

    /// Up to `limit` decisions logged in these channels (platform ids) or by `author_id`, newest
    /// first. A decision is only ever read back through the channels it was taken in (or by its
    /// author), so no listing shows one to someone who could not read it at the source (SPEC §4).
    async fn recent_decisions_in(
        &self,
        workspace_id: i64,
        channels: &[String],
        author_id: Option<i64>,
        limit: u32,
    ) -> anyhow::Result<Vec<DecisionRecord>>;

    /// Decisions logged in these channels (platform ids) at or after `since`, oldest first.
    async fn decisions_in_since(
        &self,
        workspace_id: i64,
        channels: &[String],
        since: DateTime<Utc>,
    ) -> anyhow::Result<Vec<DecisionRecord>>;
}

/// A standup answer flagged as a blocker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockerRecord {
    /// Store id of who reported it.
    pub author_id: i64,
    /// Platform user id of who reported it.
    pub author_user: String,
    /// Display name of who reported it.
    pub author_name: String,
    /// The answer as written.
    pub text: String,
    /// When it was answered.
    pub answered_at: DateTime<Utc>,
}

/// Counts behind `/async stats` for one window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StatsCounts {
    /// Standup runs prompted.
    pub prompted_runs: i64,
    /// Of those, answered.
    pub answered_runs: i64,
    /// Pings that got an async prompt.
    pub pings_nudged: i64,
    /// Of those, followed up with a real question in the thread.
    pub pings_converted: i64,
    /// Mentions that reached someone outside their working hours.
    pub offhours_mentions: i64,
}

/// Brief jobs, blockers and stats.
#[async_trait]
pub trait BriefStore: Send + Sync {
    /// Makes `job` the member's one pending brief, on `platform`: other pending briefs of the
    /// member are cancelled, and `job` is inserted, or re-armed if it was cancelled before.
    async fn replace_brief_job(
        &self,
        member_id: i64,
        job: &NewJob,
        platform: Platform,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()>;

    /// Cancels the member's pending jobs of this stored kind (one of [`Job`](crate::ports::jobs::Job)'s kind constants,
    /// for example [`Job::BRIEF`](crate::ports::jobs::Job::BRIEF) when their brief was turned off).
    async fn cancel_member_jobs(&self, kind: &str, member_id: i64, now: DateTime<Utc>) -> anyhow::Result<u64>;

    /// Blocker answers in a workspace's standups at or after `since`.
    async fn blockers_since(&self, workspace_id: i64, since: DateTime<Utc>) -> anyhow::Result<Vec<BlockerRecord>>;

    /// The counts of `/async stats` from `since` to now.
    async fn stats_since(&self, workspace_id: i64, since: DateTime<Utc>) -> anyhow::Result<StatsCounts>;
}
