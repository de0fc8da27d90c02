//! Purpose: workspace holidays and holiday feeds in PostgreSQL, as on SQLite
//! (`adapters/sqlite/holidays.rs`): dates are TEXT `YYYY-MM-DD` in both.

use anyhow::Context as _;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use super::{PgStore, instant, secs};
use crate::ports::{CalendarRecord, HolidayRecord, HolidaySource, HolidayStore};

#[derive(sqlx::FromRow)]
struct CalendarRow {
    workspace_id: i64,
    platform: String,
    url: String,
    fetched_at: Option<i64>,
    last_error: Option<String>,
}

impl TryFrom<CalendarRow> for CalendarRecord {
    type Error = anyhow::Error;

    fn try_from(row: CalendarRow) -> anyhow::Result<Self> {
        Ok(CalendarRecord {
            workspace_id: row.workspace_id,
            platform: row
                .platform
                .parse()
                .map_err(|_| anyhow::anyhow!("workspace {} has platform {}", row.workspace_id, row.platform))?,
            url: row.url,
            fetched_at: row.fetched_at.map(instant).transpose()?,
            last_error: row.last_error,
        })
    }
}

fn parse_date(text: &str) -> anyhow::Result<NaiveDate> {
    text.parse().with_context(|| format!("stored date '{text}' is invalid"))
}

const CALENDAR_COLUMNS: &str = "c.workspace_id, w.platform, c.url, c.fetched_at, c.last_error";
const CALENDAR_FROM: &str = "holiday_calendars c JOIN workspaces w ON w.id = c.workspace_id";

#[async_trait]
impl HolidayStore for PgStore {
    async fn holidays(&self, workspace_id: i64, from: NaiveDate) -> anyhow::Result<Vec<HolidayRecord>> {
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT date, name, source FROM holidays WHERE workspace_id = $1 AND date >= $2 ORDER BY date, source DESC",
        )
        .bind(workspace_id)
        .bind(from.to_string())
        .fetch_all(&mut *self.read().await?)
        .await?;
        rows.into_iter()
            .map(|(date, name, source)| {
                let source = if source == "calendar" { HolidaySource::Calendar } else { HolidaySource::Command };
                Ok(HolidayRecord { date: parse_date(&date)?, name, source })
            })
            .collect()
    }

    async fn add_holiday(&self, workspace_id: i64, date: NaiveDate, name: &str) -> anyhow::Result<()> {
        self.write(
            sqlx::query(
                "INSERT INTO holidays (workspace_id, date, source, name) VALUES ($1, $2, 'command', $3)
                 ON CONFLICT (workspace_id, date, source) DO UPDATE SET name = excluded.name",
            )
            .bind(workspace_id)
            .bind(date.to_string())
            .bind(name),
        )
        .await?;
        Ok(())
    }

    async fn remove_holiday(&self, workspace_id: i64, date: NaiveDate) -> anyhow::Result<bool> {
        let removed = self
            .write(
                sqlx::query("DELETE FROM holidays WHERE workspace_id = $1 AND date = $2 AND source = 'command'")
                    .bind(workspace_id)
                    .bind(date.to_string()),
            )
            .await?;
        Ok(removed > 0)
    }

    async fn replace_calendar_holidays(&self, workspace_id: i64, days: &[(NaiveDate, String)]) -> anyhow::Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM holidays WHERE workspace_id = $1 AND source = 'calendar'")
            .bind(workspace_id)
            .execute(&mut *tx)
            .await?;
        for (date, name) in days {
            sqlx::query(
                "INSERT INTO holidays (workspace_id, date, source, name) VALUES ($1, $2, 'calendar', $3)
                 ON CONFLICT (workspace_id, date, source) DO NOTHING",
            )
            .bind(workspace_id)
            .bind(date.to_string())
            .bind(name)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await
    }

    async fn calendar(&self, workspace_id: i64) -> anyhow::Result<Option<CalendarRecord>> {
        let sql = format!("SELECT {CALENDAR_COLUMNS} FROM {CALENDAR_FROM} WHERE c.workspace_id = $1");
        let row: Option<CalendarRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(workspace_id)
            .fetch_optional(&mut *self.read().await?)
            .await?;
        row.map(CalendarRecord::try_from).transpose()
    }

    async fn calendars(&self) -> anyhow::Result<Vec<CalendarRecord>> {
        let sql = format!("SELECT {CALENDAR_COLUMNS} FROM {CALENDAR_FROM} ORDER BY c.workspace_id");
        let rows: Vec<CalendarRow> =
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(&mut *self.read().await?).await?;
        rows.into_iter().map(CalendarRecord::try_from).collect()
    }

    async fn set_calendar(&self, workspace_id: i64, url: Option<&str>) -> anyhow::Result<()> {
        let mut tx = self.begin_write().await?;
        match url {
            Some(url) => {
                sqlx::query(
                    "INSERT INTO holiday_calendars (workspace_id, url) VALUES ($1, $2)
                     ON CONFLICT (workspace_id) DO UPDATE SET url = excluded.url, fetched_at = NULL, last_error = NULL",
                )
                .bind(workspace_id)
                .bind(url)
                .execute(&mut *tx)
                .await?;
            }
            None => {
                sqlx::query("DELETE FROM holiday_calendars WHERE workspace_id = $1")
                    .bind(workspace_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM holidays WHERE workspace_id = $1 AND source = 'calendar'")
                    .bind(workspace_id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await
    }

    async fn record_calendar_fetch(
        &self,
        workspace_id: i64,
        at: DateTime<Utc>,
        error: Option<&str>,
    ) -> anyhow::Result<()> {
        let query = match error {
            None => {
                sqlx::query("UPDATE holiday_calendars SET fetched_at = $1, last_error = NULL WHERE workspace_id = $2")
                    .bind(secs(at))
                    .bind(workspace_id)
            }
            Some(error) => sqlx::query("UPDATE holiday_calendars SET last_error = $1 WHERE workspace_id = $2")
                .bind(error.to_owned())
                .bind(workspace_id),
        };
        self.write(query).await?;
        Ok(())
    }
}
