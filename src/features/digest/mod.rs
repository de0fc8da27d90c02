//! Purpose: standup digests (SPEC §4). (Being written.)

use chrono::{DateTime, Utc};

use crate::bot::Bot;
use crate::domain::command::DigestAction;
use crate::features::commands::{CommandContext, Reply};
use crate::jobs::{ClaimedJob, JobOutcome};

/// Job kind: post one standup's digest for one digest-zone date.
pub const DIGEST_JOB: &str = "digest";

/// Posts a due digest and schedules the next.
pub async fn run_job(_bot: &Bot, job: &ClaimedJob, _now: DateTime<Utc>) -> anyhow::Result<JobOutcome> {
    Ok(JobOutcome::Failed { error: format!("{} is not handled yet", job.kind) })
}

/// A digest whose time passed during downtime.
pub async fn missed_job(_bot: &Bot, _job: &ClaimedJob, _now: DateTime<Utc>) -> anyhow::Result<()> {
    Ok(())
}

/// `/async digest now|preview <name>`.
pub async fn command(
    _bot: &Bot,
    _ctx: &CommandContext<'_>,
    _action: DigestAction,
    _standup: &str,
) -> anyhow::Result<Reply> {
    Ok(Reply::text("Digests are not available yet."))
}
