//! SCAFFOLD (branch pg only): replaced by the real implementation.
#![allow(unused_imports)]

use async_trait::async_trait;
use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::PgStore;
use crate::domain::command::WeeklyAt;
use crate::domain::events::OutgoingMessage;
use crate::domain::platform::Platform;
use crate::ports::jobs::*;
use crate::ports::standups::*;
use crate::ports::*;

#[async_trait]
impl HolidayStore for PgStore {
    async fn holidays(&self, _workspace_id: i64, _from: NaiveDate) -> anyhow::Result<Vec<HolidayRecord>> {
        anyhow::bail!("HolidayStore is not yet implemented on PostgreSQL")
    }

    async fn add_holiday(&self, _workspace_id: i64, _date: NaiveDate, _name: &str) -> anyhow::Result<()> {
        anyhow::bail!("HolidayStore is not yet implemented on PostgreSQL")
    }

    async fn remove_holiday(&self, _workspace_id: i64, _date: NaiveDate) -> anyhow::Result<bool> {
        anyhow::bail!("HolidayStore is not yet implemented on PostgreSQL")
    }

    async fn replace_calendar_holidays(&self, _workspace_id: i64, _days: &[(NaiveDate, String)]) -> anyhow::Result<()> {
        anyhow::bail!("HolidayStore is not yet implemented on PostgreSQL")
    }

    async fn calendar(&self, _workspace_id: i64) -> anyhow::Result<Option<CalendarRecord>> {
        anyhow::bail!("HolidayStore is not yet implemented on PostgreSQL")
    }

    async fn calendars(&self) -> anyhow::Result<Vec<CalendarRecord>> {
        anyhow::bail!("HolidayStore is not yet implemented on PostgreSQL")
    }

    async fn set_calendar(&self, _workspace_id: i64, _url: Option<&str>) -> anyhow::Result<()> {
        anyhow::bail!("HolidayStore is not yet implemented on PostgreSQL")
    }

    async fn record_calendar_fetch(
        &self,
        _workspace_id: i64,
        _at: DateTime<Utc>,
        _error: Option<&str>,
    ) -> anyhow::Result<()> {
        anyhow::bail!("HolidayStore is not yet implemented on PostgreSQL")
    }
}
