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
impl NudgeStore for PgStore {
    async fn record_nudge(&self, _nudge: &NewNudge) -> anyhow::Result<Option<i64>> {
        anyhow::bail!("NudgeStore is not yet implemented on PostgreSQL")
    }

    async fn nudge(&self, _nudge_id: i64) -> anyhow::Result<Option<NudgeRecord>> {
        anyhow::bail!("NudgeStore is not yet implemented on PostgreSQL")
    }

    async fn waiting_nudges(&self, _channel_id: i64, _sender_id: i64) -> anyhow::Result<Vec<NudgeRecord>> {
        anyhow::bail!("NudgeStore is not yet implemented on PostgreSQL")
    }

    async fn transition_nudge(
        &self,
        _nudge_id: i64,
        _from: NudgeState,
        _to: NudgeState,
        _now: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        anyhow::bail!("NudgeStore is not yet implemented on PostgreSQL")
    }

    async fn last_prompted_at(&self, _channel_id: i64, _sender_id: i64) -> anyhow::Result<Option<DateTime<Utc>>> {
        anyhow::bail!("NudgeStore is not yet implemented on PostgreSQL")
    }

    async fn mark_converted(
        &self,
        _channel_id: i64,
        _sender_id: i64,
        _thread: &str,
        _now: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        anyhow::bail!("NudgeStore is not yet implemented on PostgreSQL")
    }

    async fn record_offhours_mention(
        &self,
        _workspace_id: i64,
        _recipient_id: i64,
        _at: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        anyhow::bail!("NudgeStore is not yet implemented on PostgreSQL")
    }

    async fn claim_offhours_notice(
        &self,
        _sender_id: i64,
        _recipient_id: i64,
        _local_date: &str,
        _now: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        anyhow::bail!("NudgeStore is not yet implemented on PostgreSQL")
    }
}

#[async_trait]
impl QuestionStore for PgStore {
    async fn record_question(&self, _question: &NewQuestion) -> anyhow::Result<bool> {
        anyhow::bail!("QuestionStore is not yet implemented on PostgreSQL")
    }

    async fn answer_questions(
        &self,
        _channel: &str,
        _message: &str,
        _asked_id: i64,
        _now: DateTime<Utc>,
    ) -> anyhow::Result<u64> {
        anyhow::bail!("QuestionStore is not yet implemented on PostgreSQL")
    }

    async fn open_questions_for(&self, _asked_id: i64) -> anyhow::Result<Vec<OpenQuestion>> {
        anyhow::bail!("QuestionStore is not yet implemented on PostgreSQL")
    }
}
