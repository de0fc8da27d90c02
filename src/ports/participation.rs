//! Purpose: what `/async stats` and the weekly summary read about standup participation (one row
//! per prompted run, with its blocker and the one before it), and the weekly summary setting.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::command::WeeklyAt;

/// One standup run that was prompted (or answered early) in the window asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunFact {
    /// Store id of the standup.
    pub standup_id: i64,
    /// The standup's name.
    pub standup_name: String,
    /// Store id of the member.
    pub member_id: i64,
    /// The member's display name (their platform id when the name is unknown).
    pub member_name: String,
    /// The member-local date of the run.
    pub local_date: NaiveDate,
    /// When the prompt went out (`None`: answered before it).
    pub prompted_at: Option<DateTime<Utc>>,
    /// When the answers were complete (`None`: not answered).
    pub answered_at: Option<DateTime<Utc>>,
    /// Whether the answers reported a blocker.
    pub blocker: bool,
    /// Whether the member's previous answered run of this standup reported one (`None`: it is
    /// their first answered run; also `None` for runs not answered).
    pub previous_blocker: Option<bool>,
}

/// Participation facts and the weekly summary setting.
#[async_trait]
pub trait ParticipationStore: Send + Sync {
    /// The workspace's runs prompted (or answered, for early answers) in `[since, until)`, by
    /// standup name, member name and date; `standup_id` narrows them to one standup.
    async fn run_facts(
        &self,
        workspace_id: i64,
        standup_id: Option<i64>,
        since: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> anyhow::Result<Vec<RunFact>>;

    /// When the standup posts its weekly summary, if it does.
    async fn weekly_summary(&self, standup_id: i64) -> anyhow::Result<Option<WeeklyAt>>;

    /// Switches the weekly summary on at `when`, or off (`None`).
    async fn set_weekly_summary(&self, standup_id: i64, when: Option<WeeklyAt>) -> anyhow::Result<()>;
}
