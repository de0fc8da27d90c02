//! Purpose: decisions, brief jobs, blockers and `/async stats` counts in PostgreSQL, as on SQLite
//! (`adapters/sqlite/records.rs`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{PgStore, instant, secs};
use crate::domain::platform::Platform;
use crate::ports::jobs::NewJob;
use crate::ports::{BlockerRecord, BriefStore, DecisionRecord, DecisionStore, NewDecision, StatsCounts};

#[derive(sqlx::FromRow)]
struct DecisionRow {
    id: i64,
    author_user: Option<String>,
    author_name: Option<String>,
    channel: Option<String>,
    text: String,
    permalink: Option<String>,
    created_at: i64,
}

impl TryFrom<DecisionRow> for DecisionRecord {
    type Error = anyhow::Error;

    fn try_from(row: DecisionRow) -> anyhow::Result<Self> {
        Ok(DecisionRecord {
            id: row.id,
            author_user: row.author_user,
            author_name: row.author_name.unwrap_or_default(),
            channel: row.channel,
            text: row.text,
            permalink: row.permalink,
            created_at: instant(row.created_at)?,
        })
    }
}

/// A forgotten author reads as nobody: their platform id is no longer theirs to show.
const DECISION_SELECT: &str = "SELECT d.id,
        CASE WHEN m.forgotten = FALSE THEN m.platform_user_id END AS author_user,
        CASE WHEN m.forgotten = FALSE THEN m.display_name END AS author_name,
        c.platform_channel_id AS channel, d.text, d.permalink, d.created_at
     FROM decisions d
     LEFT JOIN members m ON m.id = d.author_id
     LEFT JOIN channels c ON c.id = d.channel_id";

/// Which jobs belong to a member: their payload's `member_id` (`$n` is bound as the id).
fn member_job(parameter: u8) -> String {
    format!("(payload::jsonb ->> 'member_id') = CAST(${parameter} AS TEXT)")
}

#[async_trait]
impl DecisionStore for PgStore {
    async fn watches_decisions(&self, channel_id: i64) -> anyhow::Result<bool> {
        let watch: Option<bool> = sqlx::query_scalar("SELECT watch_decisions FROM channels WHERE id = $1")
            .bind(channel_id)
            .fetch_optional(&mut *self.read().await?)
            .await?;
        Ok(watch.unwrap_or(false))
    }

    async fn record_decision(&self, decision: &NewDecision) -> anyhow::Result<i64> {
        let mut tx = self.begin_write().await?;
        let id = sqlx::query_scalar(
            "INSERT INTO decisions (workspace_id, author_id, channel_id, text, permalink, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(decision.workspace_id)
        .bind(decision.author_id)
        .bind(decision.channel_id)
        .bind(&decision.text)
        .bind(&decision.permalink)
        .bind(secs(decision.created_at))
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn recent_decisions_in(
        &self,
        workspace_id: i64,
        channels: &[String],
        author_id: Option<i64>,
        limit: u32,
    ) -> anyhow::Result<Vec<DecisionRecord>> {
        let sql = format!(
            "{DECISION_SELECT} WHERE d.workspace_id = $1
                 AND (c.platform_channel_id IN (SELECT jsonb_array_elements_text($2::jsonb)) OR d.author_id = $3)
             ORDER BY d.created_at DESC, d.id DESC LIMIT $4"
        );
        let rows: Vec<DecisionRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(workspace_id)
            .bind(serde_json::to_string(channels)?)
            .bind(author_id)
            .bind(i64::from(limit))
            .fetch_all(&mut *self.read().await?)
            .await?;
        rows.into_iter().map(DecisionRecord::try_from).collect()
    }

    async fn decisions_in_since(
        &self,
        workspace_id: i64,
        channels: &[String],
        since: DateTime<Utc>,
    ) -> anyhow::Result<Vec<DecisionRecord>> {
        let sql = format!(
            "{DECISION_SELECT} WHERE d.workspace_id = $1 AND d.created_at >= $2
                 AND c.platform_channel_id IN (SELECT jsonb_array_elements_text($3::jsonb))
             ORDER BY d.created_at, d.id"
        );
        let rows: Vec<DecisionRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(workspace_id)
            .bind(secs(since))
            .bind(serde_json::to_string(channels)?)
            .fetch_all(&mut *self.read().await?)
            .await?;
        rows.into_iter().map(DecisionRecord::try_from).collect()
    }
}

#[derive(sqlx::FromRow)]
struct BlockerRow {
    author_id: i64,
    author_user: String,
    author_name: String,
    text: String,
    answered_at: i64,
}

#[async_trait]
impl BriefStore for PgStore {
    async fn replace_brief_job(
        &self,
        member_id: i64,
        job: &NewJob,
        platform: Platform,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let mut tx = self.begin_write().await?;
        let cancel = format!(
            "UPDATE jobs SET state = 'cancelled', finished_at = $1
             WHERE kind = $2 AND state = 'pending' AND key <> $3 AND {}",
            member_job(4)
        );
        sqlx::query(sqlx::AssertSqlSafe(cancel))
            .bind(secs(now))
            .bind(job.job.kind())
            .bind(&job.key)
            .bind(member_id)
            .execute(&mut *tx)
            .await?;
        // A brief that already ran (done, missed) or is running stays as it is: re-arming it
        // would send that day's brief twice.
        sqlx::query(
            "INSERT INTO jobs (kind, key, due_at, expires_at, payload, state, created_at, platform)
             VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7)
             ON CONFLICT (key) DO UPDATE SET due_at = excluded.due_at, expires_at = excluded.expires_at,
                 payload = excluded.payload, platform = excluded.platform, state = 'pending', finished_at = NULL
             WHERE jobs.state IN ('pending', 'cancelled')",
        )
        .bind(job.job.kind())
        .bind(&job.key)
        .bind(secs(job.due_at))
        .bind(job.expires_at.map(secs))
        .bind(job.job.payload())
        .bind(secs(now))
        .bind(platform.as_str())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn cancel_member_jobs(&self, kind: &str, member_id: i64, now: DateTime<Utc>) -> anyhow::Result<u64> {
        let sql = format!(
            "UPDATE jobs SET state = 'cancelled', finished_at = $1 WHERE kind = $2 AND state = 'pending' AND {}",
            member_job(3)
        );
        let cancelled =
            self.write(sqlx::query(sqlx::AssertSqlSafe(sql)).bind(secs(now)).bind(kind).bind(member_id)).await?;
        Ok(cancelled)
    }

    async fn blockers_since(&self, workspace_id: i64, since: DateTime<Utc>) -> anyhow::Result<Vec<BlockerRecord>> {
        let rows: Vec<BlockerRow> = sqlx::query_as(
            "SELECT m.id AS author_id, m.platform_user_id AS author_user, m.display_name AS author_name,
                    a.text, a.answered_at
             FROM answers a
             JOIN standup_runs r ON r.id = a.run_id
             JOIN standups s ON s.id = r.standup_id
             JOIN members m ON m.id = r.member_id
             WHERE s.workspace_id = $1 AND a.is_blocker = TRUE AND a.answered_at >= $2
             ORDER BY a.answered_at, a.id",
        )
        .bind(workspace_id)
        .bind(secs(since))
        .fetch_all(&mut *self.read().await?)
        .await?;
        rows.into_iter()
            .map(|row| {
                Ok(BlockerRecord {
                    author_id: row.author_id,
                    author_user: row.author_user,
                    author_name: row.author_name,
                    text: row.text,
                    answered_at: instant(row.answered_at)?,
                })
            })
            .collect()
    }

    async fn stats_since(&self, workspace_id: i64, since: DateTime<Utc>) -> anyhow::Result<StatsCounts> {
        let since = secs(since);
        let mut conn = self.read().await?;
        let (prompted_runs, answered_runs): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE r.state = 'answered')
             FROM standup_runs r JOIN standups s ON s.id = r.standup_id
             WHERE s.workspace_id = $1 AND COALESCE(r.prompted_at, r.answered_at) >= $2",
        )
        .bind(workspace_id)
        .bind(since)
        .fetch_one(&mut *conn)
        .await?;
        let (pings_nudged, pings_converted): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COUNT(converted_at) FROM nudges
             WHERE workspace_id = $1 AND state = 'sent' AND sent_at >= $2",
        )
        .bind(workspace_id)
        .bind(since)
        .fetch_one(&mut *conn)
        .await?;
        let offhours_mentions: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM offhours_mentions WHERE workspace_id = $1 AND at >= $2")
                .bind(workspace_id)
                .bind(since)
                .fetch_one(&mut *conn)
                .await?;
        Ok(StatsCounts { prompted_runs, answered_runs, pings_nudged, pings_converted, offhours_mentions })
    }
}
