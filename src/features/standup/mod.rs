//! Purpose: standups — prompts at each member's local time, one reminder, answers (one question
//! at a time in DMs, or all at once), skips, early answers, and standup management.
//! (Being written.)

use chrono::{DateTime, Utc};

use crate::bot::Bot;
use crate::domain::command::StandupCommand;
use crate::domain::events::{ChatMessage, StandupSubmission};
use crate::features::commands::{CommandContext, Reply};
use crate::jobs::{ClaimedJob, JobOutcome};

/// Job kind: prompt one member for one standup on one local date.
pub const PROMPT_JOB: &str = "standup_prompt";
/// Job kind: the one reminder of a run.
pub const REMINDER_JOB: &str = "standup_reminder";

/// A DM to the bot: the answer to the current question of the member's open run, if any.
pub async fn on_direct_message(_bot: &Bot, _message: &ChatMessage) -> anyhow::Result<()> {
    Ok(())
}

/// All answers at once (a form submission or a scenario `standup_answer`).
pub async fn on_submission(_bot: &Bot, _submission: &StandupSubmission) -> anyhow::Result<()> {
    Ok(())
}

/// Runs a prompt or reminder job.
pub async fn run_job(_bot: &Bot, job: &ClaimedJob, _now: DateTime<Utc>) -> anyhow::Result<JobOutcome> {
    Ok(JobOutcome::Failed { error: format!("{} is not handled yet", job.kind) })
}

/// Records a prompt whose working day ended before it could be sent.
pub async fn missed_job(_bot: &Bot, _job: &ClaimedJob, _now: DateTime<Utc>) -> anyhow::Result<()> {
    Ok(())
}

/// `/async standup …`.
pub async fn command(_bot: &Bot, _ctx: &CommandContext<'_>, _command: StandupCommand) -> anyhow::Result<Reply> {
    Ok(Reply::text("Standups are not available yet."))
}

/// Recomputes a member's pending prompts after their zone, hours, days or out-of-office changed.
pub async fn reschedule_member(_bot: &Bot, _workspace_id: i64, _member_id: i64) -> anyhow::Result<()> {
    Ok(())
}

/// Names of the standups a member takes part in (for `/async me`).
pub async fn standup_names_of(_bot: &Bot, _member_id: i64) -> anyhow::Result<Vec<String>> {
    Ok(Vec::new())
}

/// A standup as created by `/async standup create` or a simulation scenario.
#[derive(Debug, Clone)]
pub struct StandupSpec {
    /// Name.
    pub name: String,
    /// Platform channel id of the report channel.
    pub channel: String,
    /// Platform user ids of the participants.
    pub members: Vec<String>,
    /// When prompts fire, in each member's zone.
    pub recurrence: crate::domain::schedule::Recurrence,
    /// 1–5 questions.
    pub questions: Vec<String>,
    /// 1-based index of the blocker question.
    pub blocker_question: Option<usize>,
    /// Local digest time.
    pub digest_at: chrono::NaiveTime,
    /// Digest zone.
    pub digest_tz: crate::domain::calendar::Timezone,
    /// Reminder delay, `None` for no reminder.
    pub reminder: Option<chrono::Duration>,
    /// Dates without prompts.
    pub skipped_dates: Vec<chrono::NaiveDate>,
}

/// Creates a standup as `/async standup create` would, and schedules its jobs.
pub async fn seed_standup(_bot: &Bot, _workspace_id: i64, _spec: &StandupSpec) -> anyhow::Result<()> {
    Ok(())
}
