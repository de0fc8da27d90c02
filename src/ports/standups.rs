//! Purpose: the store's standups — standups and their members, runs (one per standup, member and
//! member-local date: the exactly-once unit of SPEC §3), answers, digests, and what a digest reads
//! from the other features' tables (decisions, open questions, converted pings).

use async_trait::async_trait;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};

use crate::domain::command::DigestWhenEmpty;
use crate::domain::events::OutgoingMessage;

/// The state of a standup run for one (standup, member, local date).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunState {
    /// Created; the prompt has not been sent.
    Scheduled,
    /// Prompted, not yet answered.
    Prompted,
    /// All questions answered.
    Answered,
    /// The member skipped the day.
    Skipped,
    /// The prompt's window passed without a prompt (downtime) or an answer.
    Missed,
    /// The member was out of office.
    Away,
}

impl RunState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            RunState::Scheduled => "scheduled",
            RunState::Prompted => "prompted",
            RunState::Answered => "answered",
            RunState::Skipped => "skipped",
            RunState::Missed => "missed",
            RunState::Away => "away",
        }
    }

    /// Reads a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Scheduled, Self::Prompted, Self::Answered, Self::Skipped, Self::Missed, Self::Away]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// The key of a standup run: the exactly-once unit of SPEC §3.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunKey {
    /// Store id of the standup.
    pub standup_id: i64,
    /// Store id of the member.
    pub member_id: i64,
    /// The member-local date of the run.
    pub local_date: NaiveDate,
}

/// A standup as stored, with its report channel's platform id and its members' store ids.
#[derive(Debug, Clone, PartialEq)]
pub struct StandupRecord {
    /// Store id.
    pub id: i64,
    /// Store id of the workspace.
    pub workspace_id: i64,
    /// Unique name within the workspace.
    pub name: String,
    /// Platform id of the report channel.
    pub channel: String,
    /// 1 to 5 questions.
    pub questions: Vec<String>,
    /// 1-based index of the blocker question.
    pub blocker_question: Option<usize>,
    /// Stored recurrence (`09:30 mon-fri` or `cron …`), see [`crate::domain::schedule`].
    pub recurrence: String,
    /// Digest time in `digest_tz`.
    pub digest_at: NaiveTime,
    /// IANA zone of the digest time.
    pub digest_tz: String,
    /// Reminder delay after the prompt; `None` = no reminder.
    pub reminder: Option<Duration>,
    /// Dates (member-local for prompts, digest-zone for digests) with no standup.
    pub skipped_dates: Vec<NaiveDate>,
    /// Whether prompts and digests are paused.
    pub paused: bool,
    /// Whether a digest with nothing to report posts one line or nothing.
    pub digest_when_empty: DigestWhenEmpty,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// Store ids of the participants.
    pub members: Vec<i64>,
}

/// What a standup has stored (what `standup delete` removes with it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StandupFootprint {
    /// Runs (one per member and prompted, answered, skipped or missed day).
    pub runs: i64,
    /// Answers to questions.
    pub answers: i64,
    /// Digests posted.
    pub digests: i64,
}

/// A standup run as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRecord {
    /// Store id.
    pub id: i64,
    /// Standup, member and member-local date.
    pub key: RunKey,
    /// The planned prompt instant.
    pub prompt_at: DateTime<Utc>,
    /// Where the run is.
    pub state: RunState,
    /// When the prompt went out.
    pub prompted_at: Option<DateTime<Utc>>,
    /// When the reminder went out.
    pub reminded_at: Option<DateTime<Utc>>,
    /// When the last question was answered.
    pub answered_at: Option<DateTime<Utc>>,
    /// 0-based index of the next question to ask in a DM conversation.
    pub next_question: usize,
}

/// One stored answer, with its run.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerRecord {
    /// Store id of the run.
    pub run_id: i64,
    /// Store id of the member who answered.
    pub member_id: i64,
    /// The run's member-local date.
    pub local_date: NaiveDate,
    /// 0-based question index.
    pub question_index: usize,
    /// The answer as written.
    pub text: String,
    /// Whether it reports a blocker.
    pub is_blocker: bool,
    /// When the run was answered (orders the members in a digest).
    pub answered_at: DateTime<Utc>,
    /// The digest that carried it.
    pub digest_id: Option<i64>,
}

/// A digest as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct DigestRecord {
    /// Store id.
    pub id: i64,
    /// Store id of the standup.
    pub standup_id: i64,
    /// Outbox ids of the posted chunks, in order.
    pub outbox_ids: Vec<i64>,
    /// JSON snapshot of what was composed.
    pub content: String,
}

/// A digest to record.
#[derive(Debug, Clone)]
pub struct NewDigest<'a> {
    /// Store id of the standup.
    pub standup_id: i64,
    /// Unique per standup: the digest-zone date, or a manual digest's own key.
    pub key: &'a str,
    /// Runs whose answers it carries.
    pub run_ids: &'a [i64],
    /// JSON snapshot of what was composed.
    pub content: &'a str,
    /// Store id of the workspace (for the outbox).
    pub workspace_id: i64,
    /// The messages to post, in order.
    pub chunks: &'a [OutgoingMessage],
}

/// Standups, runs, answers and digests.
#[async_trait]
pub trait StandupStore: Send + Sync {
    /// Creates a standup with its members; `None` when the name is taken in the workspace.
    async fn create_standup(&self, standup: &StandupRecord, channel_id: i64) -> anyhow::Result<Option<i64>>;

    /// Saves every field of an existing standup (members included); `channel_id` is the store id
    /// of its report channel.
    async fn save_standup(&self, standup: &StandupRecord, channel_id: i64) -> anyhow::Result<()>;

    /// Deletes a standup with its runs, answers and digests.
    async fn delete_standup(&self, standup_id: i64) -> anyhow::Result<()>;

    /// A standup by store id.
    async fn standup(&self, standup_id: i64) -> anyhow::Result<Option<StandupRecord>>;

    /// A standup by name, matched case-insensitively (names cannot differ by case alone).
    async fn standup_named(&self, workspace_id: i64, name: &str) -> anyhow::Result<Option<StandupRecord>>;

    /// Every standup of a workspace, by name.
    async fn standups(&self, workspace_id: i64) -> anyhow::Result<Vec<StandupRecord>>;

    /// The standups a member takes part in, by name.
    async fn standups_of(&self, member_id: i64) -> anyhow::Result<Vec<StandupRecord>>;

    /// A run by key.
    async fn run(&self, key: &RunKey) -> anyhow::Result<Option<RunRecord>>;

    /// A member's most recent run of a standup (by local date).
    async fn latest_run(&self, standup_id: i64, member_id: i64) -> anyhow::Result<Option<RunRecord>>;

    /// The member's most recently prompted run still waiting for answers, in any standup.
    async fn open_run_of(&self, member_id: i64) -> anyhow::Result<Option<RunRecord>>;

    /// Creates the run as `prompted` and queues the prompt in one transaction, closing (as
    /// `missed`) the member's older unanswered runs of the standup. Returns false, queueing
    /// nothing, when the run exists already: the exactly-once guard of a prompt.
    async fn prompt_run(
        &self,
        key: &RunKey,
        tz: &str,
        workspace_id: i64,
        prompt: &OutgoingMessage,
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool>;

    /// Creates the run in `state` (away, skipped, missed, answered) unless it exists, or moves a
    /// `scheduled`/`prompted` run to `state`; returns the run.
    async fn settle_run(
        &self,
        key: &RunKey,
        tz: &str,
        state: RunState,
        now: DateTime<Utc>,
    ) -> anyhow::Result<RunRecord>;

    /// Marks the reminder of a prompted run as sent and queues it in one transaction; false (and
    /// nothing queued) if the run is no longer waiting or was reminded already.
    async fn remind_run(
        &self,
        run_id: i64,
        workspace_id: i64,
        reminder: &OutgoingMessage,
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool>;

    /// Stores the answer to one question (replacing an earlier one, keeping its digest) and sets
    /// the run's next question; `complete` marks the run answered.
    async fn save_answer(
        &self,
        run_id: i64,
        question_index: usize,
        text: &str,
        is_blocker: bool,
        complete: bool,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()>;

    /// Answers of answered runs of a standup that no digest carried yet.
    async fn undigested_answers(&self, standup_id: i64) -> anyhow::Result<Vec<AnswerRecord>>;

    /// A run's answers.
    async fn answers_of_run(&self, run_id: i64) -> anyhow::Result<Vec<AnswerRecord>>;

    /// Member-local dates and whether a blocker was reported, for a member's answered runs of a
    /// standup up to `until`, newest first (at most `limit`).
    async fn blocker_history(
        &self,
        standup_id: i64,
        member_id: i64,
        until: NaiveDate,
        limit: u32,
    ) -> anyhow::Result<Vec<(NaiveDate, bool)>>;

    /// Records a digest, marks its runs' answers as carried by it and queues its chunks, all in
    /// one transaction; `None` (nothing done) if a digest with this key exists.
    async fn record_digest(&self, digest: &NewDigest<'_>, now: DateTime<Utc>) -> anyhow::Result<Option<i64>>;

    /// A digest by store id.
    async fn digest(&self, digest_id: i64) -> anyhow::Result<Option<DigestRecord>>;

    /// Replaces a digest's snapshot.
    async fn save_digest_content(&self, digest_id: i64, content: &str) -> anyhow::Result<()>;

    /// How many runs' answers the digests of this standup and digest-zone date have carried so
    /// far (the scheduled one and any `digest now`).
    async fn runs_in_digests_of(&self, standup_id: i64, date: &str) -> anyhow::Result<i64>;

    /// When the standup's last digest was posted.
    async fn last_digest_at(&self, standup_id: i64) -> anyhow::Result<Option<DateTime<Utc>>>;

    /// Texts of decisions logged in one channel (platform id; its threads included) in
    /// `(since, until]`, oldest first.
    async fn channel_decisions_between(
        &self,
        workspace_id: i64,
        channel: &str,
        since: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> anyhow::Result<Vec<String>>;

    /// Open questions asked in one channel (platform id; its threads included) at or after
    /// `asked_since` (`None`: any time; older ones have expired): (store id of the member asked,
    /// question text), oldest first.
    async fn channel_open_questions(
        &self,
        workspace_id: i64,
        channel: &str,
        asked_since: Option<DateTime<Utc>>,
    ) -> anyhow::Result<Vec<(i64, String)>>;

    /// How many pings converted into real questions in `(since, until]`.
    async fn converted_pings_between(
        &self,
        workspace_id: i64,
        since: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> anyhow::Result<i64>;

    /// Deletes pending jobs whose key starts with `prefix` (so the same keys can be scheduled
    /// afresh); returns how many.
    async fn drop_pending_jobs(&self, prefix: &str) -> anyhow::Result<u64>;

    /// The earliest pending job whose key starts with `prefix`: (due, key).
    async fn pending_job(&self, prefix: &str) -> anyhow::Result<Option<(DateTime<Utc>, String)>>;

    /// Deletes the pending jobs whose key starts with `prefix` and returns their (due, key). It
    /// reads a range of the key index, so its cost does not grow with the number of jobs (a
    /// standup's change reschedules each member through it).
    async fn take_pending_jobs(&self, prefix: &str) -> anyhow::Result<Vec<(DateTime<Utc>, String)>>;

    /// Adds (`member` true) or removes one participant of a standup, leaving the others' rows
    /// alone; false when nothing changed (already in, or not in).
    async fn set_standup_member(&self, standup_id: i64, member_id: i64, member: bool) -> anyhow::Result<bool>;

    /// What deleting a standup removes: how many runs, answers and digests it has.
    async fn standup_footprint(&self, standup_id: i64) -> anyhow::Result<StandupFootprint>;
}
