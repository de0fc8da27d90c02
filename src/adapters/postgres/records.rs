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
impl DecisionStore for PgStore {
    async fn watches_decisions(&self, _channel_id: i64) -> anyhow::Result<bool> {
        anyhow::bail!("DecisionStore is not yet implemented on PostgreSQL")
    }

    async fn record_decision(&self, _decision: &NewDecision) -> anyhow::Result<i64> {
        anyhow::bail!("DecisionStore is not yet implemented on PostgreSQL")
    }

    async fn recent_decisions_in(
        &self,
        _workspace_id: i64,
        _channels: &[String],
        _author_id: Option<i64>,
        _limit: u32,
    ) -> anyhow::Result<Vec<DecisionRecord>> {
        anyhow::bail!("DecisionStore is not yet implemented on PostgreSQL")
    }

    async fn decisions_in_since(
        &self,
        _workspace_id: i64,
        _channels: &[String],
        _since: DateTime<Utc>,
    ) -> anyhow::Result<Vec<DecisionRecord>> {
        anyhow::bail!("DecisionStore is not yet implemented on PostgreSQL")
    }
}

#[async_trait]
impl BriefStore for PgStore {
    async fn replace_brief_job(
        &self,
        _member_id: i64,
        _job: &NewJob,
        _platform: Platform,
        _now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        anyhow::bail!("BriefStore is not yet implemented on PostgreSQL")
    }

    async fn cancel_member_jobs(&self, _kind: &str, _member_id: i64, _now: DateTime<Utc>) -> anyhow::Result<u64> {
        anyhow::bail!("BriefStore is not yet implemented on PostgreSQL")
    }

    async fn blockers_since(&self, _workspace_id: i64, _since: DateTime<Utc>) -> anyhow::Result<Vec<BlockerRecord>> {
        anyhow::bail!("BriefStore is not yet implemented on PostgreSQL")
    }

    async fn stats_since(&self, _workspace_id: i64, _since: DateTime<Utc>) -> anyhow::Result<StatsCounts> {
        anyhow::bail!("BriefStore is not yet implemented on PostgreSQL")
    }
}
