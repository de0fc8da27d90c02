//! Purpose: the store's workspace holidays — dates an admin set and dates taken from the
//! workspace's iCalendar feed — and the feed's subscription.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::platform::Platform;

/// Where a holiday came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HolidaySource {
    /// `/async holidays add`.
    Command,
    /// The workspace's calendar feed.
    Calendar,
}

impl HolidaySource {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            HolidaySource::Command => "command",
            HolidaySource::Calendar => "calendar",
        }
    }
}

/// One holiday of a workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayRecord {
    /// The local date.
    pub date: NaiveDate,
    /// What the day is; empty when not given.
    pub name: String,
    /// Where it came from.
    pub source: HolidaySource,
}

/// A workspace's subscription to a holiday feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarRecord {
    /// Store id of the workspace.
    pub workspace_id: i64,
    /// The workspace's platform (a refresh job runs on it).
    pub platform: Platform,
    /// The feed's URL.
    pub url: String,
    /// The last successful fetch.
    pub fetched_at: Option<DateTime<Utc>>,
    /// Why the last attempt failed, if it did.
    pub last_error: Option<String>,
}

/// Workspace holidays and holiday feeds.
#[async_trait]
pub trait HolidayStore: Send + Sync {
    /// The workspace's holidays on or after `from`, by date (both sources).
    async fn holidays(&self, workspace_id: i64, from: NaiveDate) -> anyhow::Result<Vec<HolidayRecord>>;

    /// Sets an admin's holiday (a second add of the same date renames it).
    async fn add_holiday(&self, workspace_id: i64, date: NaiveDate, name: &str) -> anyhow::Result<()>;

    /// Removes an admin's holiday; whether there was one.
    async fn remove_holiday(&self, workspace_id: i64, date: NaiveDate) -> anyhow::Result<bool>;

    /// Replaces the dates taken from the workspace's feed.
    async fn replace_calendar_holidays(&self, workspace_id: i64, days: &[(NaiveDate, String)]) -> anyhow::Result<()>;

    /// The workspace's feed, if any.
    async fn calendar(&self, workspace_id: i64) -> anyhow::Result<Option<CalendarRecord>>;

    /// Every workspace's feed (for the refresh at start).
    async fn calendars(&self) -> anyhow::Result<Vec<CalendarRecord>>;

    /// Subscribes the workspace to a feed (`Some`), or ends the subscription and drops the dates
    /// it brought (`None`).
    async fn set_calendar(&self, workspace_id: i64, url: Option<&str>) -> anyhow::Result<()>;

    /// Records how the last fetch went: `None` for success at `at`, else the reason it failed.
    async fn record_calendar_fetch(
        &self,
        workspace_id: i64,
        at: DateTime<Utc>,
        error: Option<&str>,
    ) -> anyhow::Result<()>;
}
