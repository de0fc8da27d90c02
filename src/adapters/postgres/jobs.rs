//! Purpose: durable jobs in PostgreSQL, shared by every process on the database. A claim takes due
//! rows with `FOR UPDATE SKIP LOCKED`, so processes claiming at once never wait on each other or
//! take the same job; a claim is leased to its worker, renewed by its heartbeat
//! ([`crate::ports::Store::renew_claims`]), and taken over by another worker once it lapses.

use anyhow::Context as _;
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};

use super::{PgStore, instant, secs};
use crate::domain::platform::Platform;
use crate::ports::jobs::{ClaimedJob, Job, JobOutcome, JobStore, NewJob};

#[derive(sqlx::FromRow)]
struct JobRow {
    id: i64,
    kind: String,
    key: String,
    due_at: i64,
    expires_at: Option<i64>,
    payload: String,
    attempts: i64,
    platform: Option<String>,
}

impl JobRow {
    /// The claimed job, or why the row cannot be one (an unknown kind, a payload that does not fit).
    fn claimed(self) -> anyhow::Result<ClaimedJob> {
        Ok(ClaimedJob {
            id: self.id,
            job: Job::from_stored(&self.kind, &self.payload)?,
            key: self.key,
            due_at: instant(self.due_at)?,
            expires_at: self.expires_at.map(instant).transpose()?,
            attempts: self.attempts,
            platform: self.platform.map(|p| p.parse()).transpose()?,
        })
    }
}

#[async_trait]
impl JobStore for PgStore {
    async fn schedule_job(&self, job: &NewJob, platform: Platform, now: DateTime<Utc>) -> anyhow::Result<bool> {
        let inserted = self
            .write(
                sqlx::query(
                    "INSERT INTO jobs (kind, key, due_at, expires_at, payload, state, created_at, platform)
                     VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7)
                     ON CONFLICT (key) DO NOTHING",
                )
                .bind(job.job.kind())
                .bind(&job.key)
                .bind(secs(job.due_at))
                .bind(job.expires_at.map(secs))
                .bind(job.job.payload())
                .bind(secs(now))
                .bind(platform.as_str()),
            )
            .await?
            == 1;
        Ok(inserted)
    }

    async fn claim_due_jobs(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease: Duration,
        limit: u32,
    ) -> anyhow::Result<Vec<ClaimedJob>> {
        let mut tx = self.begin_write().await?;
        // Rows another process is claiming right now are skipped, not waited for: it takes them.
        let mut rows: Vec<JobRow> = sqlx::query_as(
            "UPDATE jobs SET state = 'claimed', claimed_by = $1, lease_until = $2, attempts = attempts + 1
             WHERE id IN (
                 SELECT id FROM jobs
                 WHERE (state = 'pending' AND due_at <= $3) OR (state = 'claimed' AND lease_until <= $3)
                 ORDER BY due_at, id LIMIT $4
                 FOR UPDATE SKIP LOCKED)
             RETURNING id, kind, key, due_at, expires_at, payload, attempts, platform",
        )
        .bind(worker)
        .bind(secs(now + lease))
        .bind(secs(now))
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await
        .context("cannot claim due jobs")?;
        // RETURNING gives no order guarantee; jobs run in due order.
        rows.sort_by_key(|row| (row.due_at, row.id));
        let mut claimed = Vec::with_capacity(rows.len());
        for row in rows {
            let (id, key) = (row.id, row.key.clone());
            match row.claimed() {
                Ok(job) => claimed.push(job),
                Err(error) => {
                    // Failed in the claim's own transaction: never run on guessed data, and never
                    // claimed again to fail the same way every tick.
                    let error = format!("{error:#}");
                    tracing::warn!(job = %key, %error, "a stored job cannot be read; marked failed");
                    sqlx::query(
                        "UPDATE jobs SET state = 'failed', last_error = $1, claimed_by = NULL, lease_until = NULL,
                             finished_at = $2 WHERE id = $3",
                    )
                    .bind(&error)
                    .bind(secs(now))
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                }
            }
        }
        tx.commit().await?;
        Ok(claimed)
    }

    async fn finish_job(
        &self,
        job_id: i64,
        worker: &str,
        outcome: &JobOutcome,
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        let (state, due_at, error) = match outcome {
            JobOutcome::Done => ("done", None, None),
            JobOutcome::Missed => ("missed", None, None),
            JobOutcome::Retry { at, error } => ("pending", Some(secs(*at)), Some(error.as_str())),
            JobOutcome::Failed { error } => ("failed", None, Some(error.as_str())),
        };
        // Only the claim's holder finishes it: a worker whose lease lapsed and was taken over
        // changes nothing here, and its unit of work rolls back (the new holder decides).
        let changed = self
            .write(
                sqlx::query(
                    "UPDATE jobs SET state = $1, due_at = COALESCE($2, due_at), last_error = COALESCE($3, last_error),
                         claimed_by = NULL, lease_until = NULL,
                         finished_at = CASE WHEN $1 = 'pending' THEN NULL ELSE $4 END
                     WHERE id = $5 AND state = 'claimed' AND claimed_by = $6",
                )
                .bind(state)
                .bind(due_at)
                .bind(error)
                .bind(secs(now))
                .bind(job_id)
                .bind(worker),
            )
            .await?
            == 1;
        Ok(changed)
    }

    async fn cancel_job(&self, key: &str, now: DateTime<Utc>) -> anyhow::Result<bool> {
        let cancelled = self
            .write(
                sqlx::query(
                    "UPDATE jobs SET state = 'cancelled', finished_at = $1 WHERE key = $2 AND state = 'pending'",
                )
                .bind(secs(now))
                .bind(key),
            )
            .await?
            == 1;
        Ok(cancelled)
    }

    async fn next_due_at(&self) -> anyhow::Result<Option<DateTime<Utc>>> {
        let next: Option<i64> = sqlx::query_scalar("SELECT MIN(due_at) FROM jobs WHERE state = 'pending'")
            .fetch_one(&mut *self.read().await?)
            .await?;
        next.map(instant).transpose()
    }

    async fn release_all_claims(&self) -> anyhow::Result<u64> {
        // Other processes may be alive and holding their claims: nothing is released at start.
        // A dead process's claims lapse with their lease and are claimed again then.
        Ok(0)
    }
}
