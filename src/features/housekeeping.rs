//! Purpose: retention — a daily housekeeping job deletes what is past how long it is kept
//! (`[retention]`), in batches of [`BATCH`] rows, each in its own short write transaction with a
//! yield between, so the intake's writes never wait behind more than one batch. What a feature
//! still needs is never deleted, whatever the setting: the store's statements name those rows
//! ([`crate::ports::Expired`]).
//!
//! The job is scheduled at start when none is pending and schedules its next run a day after its
//! own due time. A run that reaches [`MAX_BATCHES_PER_RUN`] (a first run on a database that was
//! never cleaned) stops there and continues in a follow-up job due at once, so the consumer
//! handles the events that came meanwhile between the two.
//!
//! Its deletions are not part of the job's unit of work (which would hold the write lock for the
//! whole run): a crash half-way leaves some rows deleted and the rest for the next run, which is
//! the same outcome.

use chrono::{DateTime, Duration, Utc};

use crate::config::RetentionSettings;
use crate::context::Context;
use crate::jobs::{ClaimedJob, Job, JobOutcome, NewJob};
use crate::ports::Expired;
use crate::ports::jobs::HousekeepingJob;

/// How often housekeeping runs.
pub const EVERY: Duration = Duration::days(1);

/// Rows deleted per statement (and per write transaction).
pub const BATCH: u32 = 500;

/// Batches one run deletes at most (100,000 rows) before it hands over to a follow-up run.
pub const MAX_BATCHES_PER_RUN: u32 = 200;

/// How long after its digest is posted an answer in it may still be edited (which edits the
/// posted messages): today's or a later run is what an edit reaches, so a week is generous.
pub const DIGEST_EDIT_WINDOW: Duration = Duration::days(7);

/// When the first run comes after a start that found none pending: after the start's own
/// catch-up (late prompts and digests) has gone out.
pub const FIRST_RUN_AFTER: Duration = Duration::minutes(10);

/// At start: keeps the pending housekeeping run (its time of day) or schedules the first one,
/// on this process's platform (a job is routed by its platform, and the platforms a process
/// speaks to may change between starts).
pub async fn schedule_at_start(bot: &Context) -> anyhow::Result<()> {
    let now = bot.now();
    let pending = bot.store.take_pending_jobs(&prefix()).await?;
    let due = pending.iter().map(|(due, _)| *due).min().unwrap_or(now + FIRST_RUN_AFTER);
    schedule(bot, due, None).await
}

fn prefix() -> String {
    format!("{}:", Job::HOUSEKEEPING)
}

/// Schedules a run at `due`; `after` (a follow-up of that job id) keeps its key apart from the
/// daily run due at the same instant.
async fn schedule(bot: &Context, due: DateTime<Utc>, after: Option<i64>) -> anyhow::Result<()> {
    let follow_up = after.map(|job_id| format!(":after:{job_id}")).unwrap_or_default();
    bot.schedule(NewJob {
        job: Job::Housekeeping(HousekeepingJob {}),
        key: format!("{}{}{follow_up}", prefix(), due.timestamp()),
        due_at: due,
        expires_at: None,
    })
    .await?;
    Ok(())
}

/// What each setting makes expired at `now`, in the order it is deleted; kinds kept forever are
/// left out.
pub fn expired_at(retention: &RetentionSettings, now: DateTime<Utc>) -> Vec<Expired> {
    let before = |period: Option<Duration>| period.map(|period| now - period);
    let mut expired = Vec::new();
    if let Some(before) = before(retention.outbox) {
        expired.push(Expired::Outbox { before, keep_digests_since: now - DIGEST_EDIT_WINDOW });
    }
    expired.extend(before(retention.deliveries).map(Expired::Deliveries));
    expired.extend(before(retention.jobs).map(Expired::Jobs));
    expired.extend(before(retention.nudges).map(Expired::Nudges));
    // A question expires `open_questions` after it was asked; then it is kept as long as an
    // answered one.
    if let (Some(open_for), Some(kept)) = (retention.open_questions, retention.nudges) {
        expired.push(Expired::ExpiredQuestions(now - open_for - kept));
    }
    expired.extend(before(retention.offhours).map(Expired::Offhours));
    expired.extend(before(retention.answers).map(Expired::Answers));
    expired.extend(before(retention.decisions).map(Expired::Decisions));
    expired
}

/// A due housekeeping run: deletes what is past, then schedules the next run (a day after this
/// one was due, or at once when it stopped at its batch budget).
pub async fn run_job(bot: &Context, job: &ClaimedJob, now: DateTime<Utc>) -> anyhow::Result<JobOutcome> {
    let mut budget = MAX_BATCHES_PER_RUN;
    let mut finished = true;
    for expired in expired_at(&bot.settings.retention, now) {
        let mut deleted = 0;
        loop {
            if budget == 0 {
                finished = false;
                break;
            }
            budget -= 1;
            let batch = bot.store.delete_expired(expired, BATCH).await?;
            deleted += batch;
            // Writers queued on the gate (the intake) go before the next batch.
            tokio::task::yield_now().await;
            if batch < u64::from(BATCH) {
                break;
            }
        }
        if deleted > 0 {
            tracing::info!(kind = expired.name(), deleted, "housekeeping deleted records past their retention");
        }
        if !finished {
            break;
        }
    }
    if finished {
        let mut next = job.due_at + EVERY;
        while next <= now {
            next += EVERY;
        }
        schedule(bot, next, None).await?;
    } else {
        tracing::info!("housekeeping has more to delete; it goes on after the events that came meanwhile");
        schedule(bot, now, Some(job.id)).await?;
    }
    Ok(JobOutcome::Done)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;

    #[test]
    fn kinds_kept_forever_are_never_asked_of_the_store_and_cutoffs_count_back_from_now() {
        let now: DateTime<Utc> = "2026-06-01T00:00:00Z".parse().unwrap();
        let expired = expired_at(&Settings::defaults().retention, now);
        let names: Vec<&str> = expired.iter().map(Expired::name).collect();
        assert_eq!(
            names,
            ["outbox", "deliveries", "jobs", "nudges", "open_questions", "offhours"],
            "answers and decisions are kept"
        );
        assert_eq!(
            expired[0],
            Expired::Outbox { before: now - Duration::days(30), keep_digests_since: now - DIGEST_EDIT_WINDOW }
        );
        assert_eq!(expired[3], Expired::Nudges(now - Duration::days(366)));
        assert_eq!(expired[4], Expired::ExpiredQuestions(now - Duration::days(14 + 366)));
    }
}
