//! Purpose: participation facts (for `/async stats` and the weekly summary) and the weekly
//! summary setting in PostgreSQL.

use async_trait::async_trait;
use chrono::{DateTime, NaiveTime, Utc, Weekday};

use super::standups::parse_date;
use super::{PgStore, instant, secs};
use crate::domain::command::WeeklyAt;
use crate::ports::{ParticipationStore, RunFact};

#[derive(sqlx::FromRow)]
struct FactRow {
    standup_id: i64,
    standup_name: String,
    member_id: i64,
    member_name: String,
    local_date: String,
    prompted_at: Option<i64>,
    answered_at: Option<i64>,
    blocker: bool,
    previous_blocker: Option<bool>,
}

/// Every run of the workspace with whether its answers reported a blocker; the previous answered
/// run's blocker comes from a window over all of them, so a blocker opened before the window and
/// cleared inside it counts as cleared. Names sort in byte order, as on SQLite.
const FACTS: &str = "
    WITH runs AS (
        SELECT r.id, r.standup_id, s.name AS standup_name, r.member_id,
               CASE WHEN m.display_name = '' THEN m.platform_user_id ELSE m.display_name END AS member_name,
               r.local_date, r.state, r.prompted_at, r.answered_at,
               COALESCE((SELECT bool_or(a.is_blocker) FROM answers a WHERE a.run_id = r.id), FALSE) AS blocker
        FROM standup_runs r
        JOIN standups s ON s.id = r.standup_id
        JOIN members m ON m.id = r.member_id
        WHERE s.workspace_id = $1 AND ($2::BIGINT IS NULL OR r.standup_id = $2)
    ),
    answered AS (
        SELECT id, LAG(blocker) OVER (PARTITION BY standup_id, member_id ORDER BY local_date) AS previous_blocker
        FROM runs WHERE state = 'answered'
    )
    SELECT runs.standup_id, runs.standup_name, runs.member_id, runs.member_name, runs.local_date,
           runs.prompted_at, runs.answered_at, runs.blocker, answered.previous_blocker
    FROM runs LEFT JOIN answered ON answered.id = runs.id
    WHERE COALESCE(runs.prompted_at, runs.answered_at) >= $3 AND COALESCE(runs.prompted_at, runs.answered_at) < $4
    ORDER BY runs.standup_name COLLATE \"C\", runs.member_name COLLATE \"C\", runs.local_date";

#[async_trait]
impl ParticipationStore for PgStore {
    async fn run_facts(
        &self,
        workspace_id: i64,
        standup_id: Option<i64>,
        since: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> anyhow::Result<Vec<RunFact>> {
        let rows: Vec<FactRow> = sqlx::query_as(FACTS)
            .bind(workspace_id)
            .bind(standup_id)
            .bind(secs(since))
            .bind(secs(until))
            .fetch_all(&mut *self.read().await?)
            .await?;
        rows.into_iter()
            .map(|row| {
                Ok(RunFact {
                    standup_id: row.standup_id,
                    standup_name: row.standup_name,
                    member_id: row.member_id,
                    member_name: row.member_name,
                    local_date: parse_date(&row.local_date)?,
                    prompted_at: row.prompted_at.map(instant).transpose()?,
                    answered_at: row.answered_at.map(instant).transpose()?,
                    blocker: row.blocker,
                    previous_blocker: row.previous_blocker,
                })
            })
            .collect()
    }

    async fn weekly_summary(&self, standup_id: i64) -> anyhow::Result<Option<WeeklyAt>> {
        let row: Option<(i64, String)> =
            sqlx::query_as("SELECT weekday, at FROM weekly_summaries WHERE standup_id = $1")
                .bind(standup_id)
                .fetch_optional(&mut *self.read().await?)
                .await?;
        let Some((weekday, at)) = row else { return Ok(None) };
        let day = u8::try_from(weekday)
            .ok()
            .and_then(|n| Weekday::try_from(n).ok())
            .ok_or_else(|| anyhow::anyhow!("standup {standup_id} has weekly summary day {weekday}"))?;
        let at = NaiveTime::parse_from_str(&at, "%H:%M")?;
        Ok(Some(WeeklyAt { day, at }))
    }

    async fn set_weekly_summary(&self, standup_id: i64, when: Option<WeeklyAt>) -> anyhow::Result<()> {
        match when {
            Some(WeeklyAt { day, at }) => {
                self.write(
                    sqlx::query(
                        "INSERT INTO weekly_summaries (standup_id, weekday, at) VALUES ($1, $2, $3)
                         ON CONFLICT (standup_id) DO UPDATE SET weekday = excluded.weekday, at = excluded.at",
                    )
                    .bind(standup_id)
                    .bind(i64::from(day.num_days_from_monday()))
                    .bind(at.format("%H:%M").to_string()),
                )
                .await?
            }
            None => {
                self.write(sqlx::query("DELETE FROM weekly_summaries WHERE standup_id = $1").bind(standup_id)).await?
            }
        };
        Ok(())
    }
}
