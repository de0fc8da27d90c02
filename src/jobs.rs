//! Purpose: durable jobs — the only way the bot acts at a time rather than on an event.
//!
//! A job is a row with a unique key, a due instant and an optional expiry. A worker *claims* due
//! jobs in one atomic statement before acting, with a lease: two workers never run the same job,
//! and a job whose worker died between claim and finish is claimed again once its lease runs out.
//! Recurring jobs insert their next occurrence themselves (from their handler), so a series can
//! never fork. The missed-job policy is carried by the job: past its `expires_at` it is not run but
//! handed to [`JobHandler::missed`] (a standup prompt whose member's working day has ended is
//! recorded as missed — and only the one pending occurrence, never one per day of downtime).

use std::panic::AssertUnwindSafe;

use crate::ports::{Clock, SharedStore, Store};
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use futures_util::FutureExt as _;

pub use crate::ports::jobs::{
    BriefJob, CalendarJob, ClaimedJob, DigestJob, GraceJob, Job, JobOutcome, JobStore, NewJob, RunJob,
};

/// Runs claimed jobs; implemented by the bot, which dispatches on [`ClaimedJob::job`]. Each call
/// gets the store of the job's own unit of work: its writes commit with the job's outcome.
#[async_trait]
pub trait JobHandler: Send + Sync {
    /// Performs a due job. An `Err` rolls its writes back and is retried with backoff.
    async fn run(&self, store: SharedStore, job: &ClaimedJob, now: DateTime<Utc>) -> anyhow::Result<JobOutcome>;

    /// Records a job whose window closed before it ran (and schedules the next occurrence of a
    /// recurring job).
    async fn missed(&self, store: SharedStore, job: &ClaimedJob, now: DateTime<Utc>) -> anyhow::Result<()>;
}

/// How many attempts a failing job gets before it is marked failed.
pub const MAX_ATTEMPTS: i64 = 8;

/// Wait before retry number `attempt` (1-based): 30 s doubling, at most one hour.
pub fn retry_delay(attempt: i64) -> Duration {
    let exponent = attempt.clamp(1, 8) - 1;
    (Duration::seconds(30) * (1 << exponent)).min(Duration::hours(1))
}

/// Claims and runs due jobs for one worker.
pub struct JobRunner<'a> {
    /// Where jobs live.
    pub store: &'a dyn Store,
    /// Where `now` comes from.
    pub clock: &'a dyn Clock,
    /// This worker's identity in claims.
    pub worker: &'a str,
    /// How long a claim lasts.
    pub lease: Duration,
}

/// How many jobs one claim takes at most; the rest wait for the next round of the same tick.
const CLAIM_BATCH: u32 = 32;

impl JobRunner<'_> {
    /// Runs every job due now, in due order, until none is left; returns how many were handled.
    pub async fn run_due(&self, handler: &dyn JobHandler) -> anyhow::Result<usize> {
        let mut handled = 0;
        loop {
            match self.run_batch(handler).await? {
                0 => return Ok(handled),
                ran => handled += ran,
            }
        }
    }

    /// Claims one batch of due jobs (at most [`CLAIM_BATCH`]) and runs it; returns how many ran
    /// (0: none was due). A caller with other work (the consumer's inbox) looks at it between
    /// batches, so a fan-out of thousands of due jobs cannot keep it waiting until the last.
    pub async fn run_batch(&self, handler: &dyn JobHandler) -> anyhow::Result<usize> {
        let batch = self.store.claim_due_jobs(self.worker, self.clock.now(), self.lease, CLAIM_BATCH).await?;
        let ran = batch.len();
        for job in batch {
            self.run_one(handler, &job).await?;
        }
        Ok(ran)
    }

    /// Runs one claimed job in its own unit of work: what it writes and queues commits together
    /// with its outcome, so a crash before the commit leaves the job claimed and untouched (the
    /// next process runs it from scratch), and one after it leaves it done.
    async fn run_one(&self, handler: &dyn JobHandler, job: &ClaimedJob) -> anyhow::Result<()> {
        let now = self.clock.now();
        let unit = self.store.begin().await?;
        let work = async {
            if job.is_missed_at(now) {
                handler.missed(unit.store(), job, now).await.map(|()| JobOutcome::Missed)
            } else {
                handler.run(unit.store(), job, now).await
            }
        };
        // A panic in one job is that job's failure, not the end of the scheduler.
        let result = match AssertUnwindSafe(work).catch_unwind().await {
            Ok(result) => result,
            Err(panic) => Err(anyhow::anyhow!("panicked: {}", crate::bot::panic_message(&panic))),
        };
        let outcome = match result {
            Ok(outcome) => {
                if unit.store().finish_job(job.id, self.worker, &outcome, self.clock.now()).await? {
                    unit.commit().await?;
                } else {
                    unit.rollback().await?;
                    tracing::warn!(job = %job.key, "lost the claim on a job before finishing it; its new owner decides");
                }
                outcome
            }
            Err(error) => {
                unit.rollback().await?;
                let outcome = self.failure(job, now, error);
                self.store.finish_job(job.id, self.worker, &outcome, self.clock.now()).await?;
                outcome
            }
        };
        if let JobOutcome::Retry { error, .. } | JobOutcome::Failed { error } = &outcome {
            tracing::warn!(job = %job.key, attempt = job.attempts, %error, "job failed");
        }
        Ok(())
    }

    fn failure(&self, job: &ClaimedJob, now: DateTime<Utc>, error: anyhow::Error) -> JobOutcome {
        let error = format!("{error:#}");
        if job.attempts >= MAX_ATTEMPTS {
            JobOutcome::Failed { error }
        } else {
            JobOutcome::Retry { at: now + retry_delay(job.attempts), error }
        }
    }
}

/// Runs due jobs every `tick` until `shutdown` resolves. The tick is read from the clock so the
/// same loop serves production (system clock) and simulations (manual clock stepped by the caller).
pub async fn run_scheduler(
    runner: &JobRunner<'_>,
    handler: &dyn JobHandler,
    tick: Duration,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let tick = tick.to_std().unwrap_or(std::time::Duration::from_secs(15));
    let mut interval = tokio::time::interval(tick);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => return,
            _ = interval.tick() => {
                if let Err(error) = runner.run_due(handler).await {
                    tracing::error!(error = format!("{error:#}"), "running due jobs failed; retrying next tick");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_from_thirty_seconds_to_at_most_an_hour() {
        assert_eq!(retry_delay(1), Duration::seconds(30));
        assert_eq!(retry_delay(2), Duration::seconds(60));
        assert_eq!(retry_delay(7), Duration::seconds(1920));
        assert_eq!(retry_delay(8), Duration::hours(1));
        assert_eq!(retry_delay(100), Duration::hours(1));
    }

    #[test]
    fn a_job_is_missed_only_after_its_expiry() {
        let at = |s| DateTime::from_timestamp(s, 0).unwrap();
        let mut job = ClaimedJob {
            id: 1,
            job: Job::Digest(DigestJob { standup_id: 1, date: "2026-01-01".parse().unwrap() }),
            key: "k:1".into(),
            due_at: at(100),
            expires_at: Some(at(200)),
            attempts: 1,
            platform: None,
        };
        assert!(!job.is_missed_at(at(200)));
        assert!(job.is_missed_at(at(201)));
        job.expires_at = None;
        assert!(!job.is_missed_at(at(1_000_000)));
    }
}
