//! Purpose: what a job is — the typed kinds of timed work the features schedule — and the store
//! contract that keeps them durable with exactly-once claims (the runner is [`crate::jobs`]).
//!
//! A job is stored as a kind (a short string) and a JSON payload. [`Job`] is the one place both
//! are named: features build and match the enum, and only [`Job::kind`], [`Job::payload`] and
//! [`Job::from_stored`] know the stored shape, so a payload field cannot be misspelt in one
//! feature and read under another name elsewhere.

use async_trait::async_trait;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::platform::Platform;
use crate::ports::RunKey;

/// One standup's run for one member on one of their local dates: what prompt and reminder jobs
/// act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunJob {
    /// Store id of the standup.
    pub standup_id: i64,
    /// Store id of the member.
    pub member_id: i64,
    /// The member-local date of the run.
    pub date: NaiveDate,
}

impl RunJob {
    /// The run this job creates or reminds about.
    pub fn run_key(&self) -> RunKey {
        RunKey { standup_id: self.standup_id, member_id: self.member_id, local_date: self.date }
    }
}

/// One standup's digest for one date of the digest's zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigestJob {
    /// Store id of the standup.
    pub standup_id: i64,
    /// The digest-zone date it summarises.
    pub date: NaiveDate,
}

/// The end of a ping's grace period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GraceJob {
    /// Store id of the nudge the ping opened.
    pub nudge_id: i64,
    /// The sender, so erasing a member can cancel their pending grace periods.
    pub member_id: i64,
    /// Members the ping mentioned (resolved when it came), to say who is away.
    #[serde(default)]
    pub mentioned: Vec<i64>,
}

/// One member's morning brief on one of their local dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BriefJob {
    /// Store id of the member.
    pub member_id: i64,
    /// Store id of their workspace.
    pub workspace_id: i64,
    /// The member-local date of the brief.
    pub local_date: NaiveDate,
}

/// Timed work, by kind.
/// Payload of a holiday feed refresh: the workspace, and who to tell how it went (the admin who
/// just subscribed; nobody for the daily refresh).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarJob {
    /// Store id of the workspace.
    pub workspace_id: i64,
    /// Where the admin typed `/async holidays calendar`: (channel, user), for a private reply.
    #[serde(default)]
    pub reply_to: Option<(String, String)>,
}

/// Payload of the daily housekeeping run (retention): it needs nothing but the settings and the
/// clock, so it is empty; a struct so a later field can be added with `#[serde(default)]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct HousekeepingJob {}

/// One standup's weekly summary on one date of its digest zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeeklySummaryJob {
    /// Store id of the standup.
    pub standup_id: i64,
    /// The digest-zone date it is posted on.
    pub date: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    /// Send a member's standup prompt.
    StandupPrompt(RunJob),
    /// Remind a member who has not answered.
    StandupReminder(RunJob),
    /// Post a standup's digest.
    Digest(DigestJob),
    /// Nudge a ping whose grace period ended.
    NudgeGrace(GraceJob),
    /// Send a member's brief.
    Brief(BriefJob),
    /// Fetch a workspace's holiday feed again.
    CalendarRefresh(CalendarJob),
    /// Delete what is past its retention (daily; reschedules itself).
    Housekeeping(HousekeepingJob),
    /// Post a standup's weekly participation summary.
    WeeklySummary(WeeklySummaryJob),
}

impl Job {
    /// Stored kind of [`Job::StandupPrompt`]; also the prefix of its keys.
    pub const STANDUP_PROMPT: &'static str = "standup_prompt";
    /// Stored kind of [`Job::StandupReminder`].
    pub const STANDUP_REMINDER: &'static str = "standup_reminder";
    /// Stored kind of [`Job::Digest`].
    pub const DIGEST: &'static str = "digest";
    /// Stored kind of [`Job::NudgeGrace`].
    pub const NUDGE_GRACE: &'static str = "nudge_grace";
    /// Stored kind of [`Job::Brief`].
    pub const BRIEF: &'static str = "brief";
    /// Stored kind of [`Job::CalendarRefresh`]; also the prefix of its keys.
    pub const CALENDAR_REFRESH: &'static str = "calendar_refresh";
    /// Stored kind of [`Job::Housekeeping`]; also the prefix of its keys.
    pub const HOUSEKEEPING: &'static str = "housekeeping";
    /// Stored kind of [`Job::WeeklySummary`]; also the prefix of its keys.
    pub const WEEKLY_SUMMARY: &'static str = "weekly_summary";

    /// The kind stored beside the payload.
    pub fn kind(&self) -> &'static str {
        match self {
            Job::StandupPrompt(_) => Self::STANDUP_PROMPT,
            Job::StandupReminder(_) => Self::STANDUP_REMINDER,
            Job::Digest(_) => Self::DIGEST,
            Job::NudgeGrace(_) => Self::NUDGE_GRACE,
            Job::Brief(_) => Self::BRIEF,
            Job::CalendarRefresh(_) => Self::CALENDAR_REFRESH,
            Job::Housekeeping(_) => Self::HOUSEKEEPING,
            Job::WeeklySummary(_) => Self::WEEKLY_SUMMARY,
        }
    }

    /// The stored payload: the kind's own fields as a JSON object.
    pub fn payload(&self) -> String {
        let value = match self {
            Job::StandupPrompt(run) | Job::StandupReminder(run) => serde_json::to_string(run),
            Job::Digest(digest) => serde_json::to_string(digest),
            Job::NudgeGrace(grace) => serde_json::to_string(grace),
            Job::Brief(brief) => serde_json::to_string(brief),
            Job::CalendarRefresh(calendar) => serde_json::to_string(calendar),
            Job::Housekeeping(housekeeping) => serde_json::to_string(housekeeping),
            Job::WeeklySummary(summary) => serde_json::to_string(summary),
        };
        // Plain structs of integers, dates and lists: serialising them cannot fail.
        value.expect("job payloads always serialise")
    }

    /// Reads a stored job back; an unknown kind or a payload that does not fit its kind is an
    /// error naming both (the row is then failed on its own, never run on guessed data).
    pub fn from_stored(kind: &str, payload: &str) -> anyhow::Result<Job> {
        fn parse<T: serde::de::DeserializeOwned>(kind: &str, payload: &str) -> anyhow::Result<T> {
            serde_json::from_str(payload).map_err(|error| anyhow::anyhow!("a {kind} job has a bad payload: {error}"))
        }
        Ok(match kind {
            Self::STANDUP_PROMPT => Job::StandupPrompt(parse(kind, payload)?),
            Self::STANDUP_REMINDER => Job::StandupReminder(parse(kind, payload)?),
            Self::DIGEST => Job::Digest(parse(kind, payload)?),
            Self::NUDGE_GRACE => Job::NudgeGrace(parse(kind, payload)?),
            Self::BRIEF => Job::Brief(parse(kind, payload)?),
            Self::CALENDAR_REFRESH => Job::CalendarRefresh(parse(kind, payload)?),
            Self::HOUSEKEEPING => Job::Housekeeping(parse(kind, payload)?),
            Self::WEEKLY_SUMMARY => Job::WeeklySummary(parse(kind, payload)?),
            other => anyhow::bail!("unknown job kind '{other}'"),
        })
    }
}

/// A job to schedule.
#[derive(Debug, Clone, PartialEq)]
pub struct NewJob {
    /// What it does.
    pub job: Job,
    /// Unique key: scheduling the same key twice is a no-op, which makes rescheduling idempotent.
    pub key: String,
    /// When the job becomes due.
    pub due_at: DateTime<Utc>,
    /// Past this instant the job is missed instead of run; `None` runs it however late.
    pub expires_at: Option<DateTime<Utc>>,
}

/// A job this worker has claimed.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimedJob {
    /// Store id.
    pub id: i64,
    /// What it does.
    pub job: Job,
    /// Its unique key.
    pub key: String,
    /// When it was due.
    pub due_at: DateTime<Utc>,
    /// Past this instant it is missed.
    pub expires_at: Option<DateTime<Utc>>,
    /// How many times it has been claimed, this claim included.
    pub attempts: i64,
    /// The platform it acts on (`None` for jobs scheduled before platforms were recorded).
    pub platform: Option<Platform>,
}

impl ClaimedJob {
    /// Whether the job's window closed before it could run (downtime, a long outage).
    pub fn is_missed_at(&self, now: DateTime<Utc>) -> bool {
        self.expires_at.is_some_and(|expiry| now > expiry)
    }
}

/// How a claimed job ended.
#[derive(Debug, Clone, PartialEq)]
pub enum JobOutcome {
    /// It ran.
    Done,
    /// Its window had closed; it was recorded as missed instead of run.
    Missed,
    /// A transient failure: try again at `at`.
    Retry {
        /// When to try again.
        at: DateTime<Utc>,
        /// What went wrong, for the log and the row.
        error: String,
    },
    /// A permanent failure: never retried.
    Failed {
        /// What went wrong.
        error: String,
    },
}

/// Durable jobs with exactly-once claims (see [`crate::jobs`]).
#[async_trait]
pub trait JobStore: Send + Sync {
    /// Inserts a job for `platform` unless one with the same key exists; returns whether it was
    /// inserted.
    async fn schedule_job(&self, job: &NewJob, platform: Platform, now: DateTime<Utc>) -> anyhow::Result<bool>;

    /// Atomically claims up to `limit` jobs that are due at `now` — pending ones, and claimed
    /// ones whose lease has run out (their worker died) — for `worker` until `now + lease`.
    /// A row that cannot be read back as a [`Job`] is marked failed with the reason in the same
    /// claim, so one bad row never stops the others.
    async fn claim_due_jobs(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease: Duration,
        limit: u32,
    ) -> anyhow::Result<Vec<ClaimedJob>>;

    /// Records how a claimed job ended. Returns false (and changes nothing) when `worker` no
    /// longer holds the claim, so a worker that lost its lease cannot overwrite another's result.
    async fn finish_job(
        &self,
        job_id: i64,
        worker: &str,
        outcome: &JobOutcome,
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool>;

    /// Cancels a pending job by key; returns whether one was cancelled.
    async fn cancel_job(&self, key: &str, now: DateTime<Utc>) -> anyhow::Result<bool>;

    /// The earliest due instant of a pending job, to sleep until it.
    async fn next_due_at(&self) -> anyhow::Result<Option<DateTime<Utc>>>;

    /// Makes every claimed job due again at once; returns how many. Only for a process that is
    /// the store's only worker (SQLite's instance lock): the claims it drops were a dead
    /// process's, so a restart never waits out their leases.
    async fn release_all_claims(&self) -> anyhow::Result<u64>;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn every_kind_reads_back_what_it_stored() {
        let jobs = [
            Job::StandupPrompt(RunJob { standup_id: 1, member_id: 2, date: date("2026-03-29") }),
            Job::StandupReminder(RunJob { standup_id: 1, member_id: 2, date: date("2026-03-30") }),
            Job::Digest(DigestJob { standup_id: 3, date: date("2026-12-24") }),
            Job::NudgeGrace(GraceJob { nudge_id: 4, member_id: 5, mentioned: vec![6, 7] }),
            Job::Brief(BriefJob { member_id: 8, workspace_id: 9, local_date: date("2027-01-01") }),
            Job::CalendarRefresh(CalendarJob { workspace_id: 9, reply_to: Some(("C1".into(), "U1".into())) }),
            Job::CalendarRefresh(CalendarJob { workspace_id: 9, reply_to: None }),
            Job::Housekeeping(HousekeepingJob {}),
            Job::WeeklySummary(WeeklySummaryJob { standup_id: 3, date: date("2026-04-03") }),
        ];
        for job in jobs {
            assert_eq!(Job::from_stored(job.kind(), &job.payload()).unwrap(), job);
        }
    }

    #[test]
    fn payloads_written_before_the_enum_still_read() {
        // The exact shapes the features wrote by hand with json!() before jobs were typed.
        let grace = Job::from_stored("nudge_grace", r#"{"nudge_id":4,"member_id":5,"mentioned":[6]}"#).unwrap();
        assert_eq!(grace, Job::NudgeGrace(GraceJob { nudge_id: 4, member_id: 5, mentioned: vec![6] }));
        let brief = Job::from_stored("brief", r#"{"member_id":8,"workspace_id":9,"local_date":"2027-01-01"}"#).unwrap();
        assert_eq!(brief, Job::Brief(BriefJob { member_id: 8, workspace_id: 9, local_date: date("2027-01-01") }));
        let prompt =
            Job::from_stored("standup_prompt", r#"{"standup_id":1,"member_id":2,"date":"2026-03-29"}"#).unwrap();
        assert_eq!(prompt, Job::StandupPrompt(RunJob { standup_id: 1, member_id: 2, date: date("2026-03-29") }));
    }

    #[test]
    fn an_unknown_kind_or_a_misfit_payload_is_an_error_naming_it() {
        let unknown = Job::from_stored("fax", "{}").unwrap_err().to_string();
        assert_eq!(unknown, "unknown job kind 'fax'");
        let misfit = Job::from_stored("digest", r#"{"standup_id":"x"}"#).unwrap_err().to_string();
        assert!(misfit.starts_with("a digest job has a bad payload:"), "{misfit}");
    }
}
