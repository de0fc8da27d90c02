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
impl ParticipationStore for PgStore {
    async fn run_facts(
        &self,
        _workspace_id: i64,
        _standup_id: Option<i64>,
        _since: DateTime<Utc>,
        _until: DateTime<Utc>,
    ) -> anyhow::Result<Vec<RunFact>> {
        anyhow::bail!("ParticipationStore is not yet implemented on PostgreSQL")
    }

    async fn weekly_summary(&self, _standup_id: i64) -> anyhow::Result<Option<WeeklyAt>> {
        anyhow::bail!("ParticipationStore is not yet implemented on PostgreSQL")
    }

    async fn set_weekly_summary(&self, _standup_id: i64, _when: Option<WeeklyAt>) -> anyhow::Result<()> {
        anyhow::bail!("ParticipationStore is not yet implemented on PostgreSQL")
    }
}
