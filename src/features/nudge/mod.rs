//! Purpose: sync pings → threaded async prompts (SPEC §1). (Being written.)

use chrono::{DateTime, Utc};

use crate::bot::Bot;
use crate::config::Settings;
use crate::domain::classifier::Classifier;
use crate::domain::command::NudgeMode;
use crate::domain::events::ChatMessage;
use crate::features::commands::{CommandContext, Reply};
use crate::jobs::{ClaimedJob, JobOutcome};

/// Job kind: the end of a ping's grace period.
pub const GRACE_JOB: &str = "nudge_grace";

/// The classifier with the workspace's extra phrases from config.
pub fn classifier_for(_settings: &Settings) -> Classifier {
    Classifier::new()
}

/// A message in a channel: maybe a ping, a follow-up that cancels one, or a conversion.
pub async fn on_channel_message(_bot: &Bot, _message: &ChatMessage) -> anyhow::Result<()> {
    Ok(())
}

/// The grace period of a ping ended.
pub async fn run_job(_bot: &Bot, job: &ClaimedJob, _now: DateTime<Utc>) -> anyhow::Result<JobOutcome> {
    Ok(JobOutcome::Failed { error: format!("{} is not handled yet", job.kind) })
}

/// `/async nudge on|off|dry-run` in this channel.
pub async fn command(_bot: &Bot, _ctx: &CommandContext<'_>, _mode: NudgeMode) -> anyhow::Result<Reply> {
    Ok(Reply::text("Nudges are not available yet."))
}
