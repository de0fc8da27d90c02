//! Purpose: the personal morning brief (SPEC §4). (Being written.)

use chrono::{DateTime, Utc};

use crate::bot::Bot;
use crate::jobs::{ClaimedJob, JobOutcome};

/// Job kind: one member's brief on one local date.
pub const BRIEF_JOB: &str = "brief";

/// Sends a due brief (when it has something in it) and schedules the next.
pub async fn run_job(_bot: &Bot, job: &ClaimedJob, _now: DateTime<Utc>) -> anyhow::Result<JobOutcome> {
    Ok(JobOutcome::Failed { error: format!("{} is not handled yet", job.kind) })
}

/// A brief whose morning passed during downtime: skipped, next one scheduled.
pub async fn missed_job(_bot: &Bot, _job: &ClaimedJob, _now: DateTime<Utc>) -> anyhow::Result<()> {
    Ok(())
}

/// Recomputes a member's next brief after their zone, hours or brief setting changed.
pub async fn reschedule_member(_bot: &Bot, _workspace_id: i64, _member_id: i64) -> anyhow::Result<()> {
    Ok(())
}

/// Schedules a member's next brief if none is pending (idempotent).
pub async fn ensure_scheduled(_bot: &Bot, _workspace_id: i64, _member_id: i64) -> anyhow::Result<()> {
    Ok(())
}
