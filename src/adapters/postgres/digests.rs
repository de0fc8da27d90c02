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
impl StandupStore for PgStore {
    async fn create_standup(&self, _standup: &StandupRecord, _channel_id: i64) -> anyhow::Result<Option<i64>> {
        anyhow::bail!("StandupStore is not yet implemented on PostgreSQL")
    }

    async fn save_standup(&self, _standup: &StandupRecord, _channel_id: i64) -> anyhow::Result<()> {
        anyhow::bail!("StandupStore is not yet implemented on PostgreSQL")
    }

    async fn delete_standup(&self, _standup_id: i64) -> anyhow::Result<()> {
        anyhow::bail!("StandupStore is not yet implemented on PostgreSQL")
    }

    async fn standup(&self, _standup_id: i64) -> anyhow::Result<Option<StandupRecord>> {
        anyhow::bail!("StandupStore is not yet implemented on PostgreSQL")
    }

    async fn standup_named(&self, _workspace_id: i64, _name: &str) -> anyhow::Result<Option<StandupRecord>> {
        anyhow::bail!("StandupStore is not yet implemented on PostgreSQL")
    }

    async fn standups(&self, _workspace_id: i64) -> anyhow::Result<Vec<StandupRecord>> {
        anyhow::bail!("StandupStore is not yet implemented on PostgreSQL")
    }

    async fn standups_of(&self, _member_id: i64) -> anyhow::Result<Vec<StandupRecord>> {
        anyhow::bail!("StandupStore is not yet implemented on PostgreSQL")
    }

    async fn run(&self, _key: &RunKey) -> anyhow::Result<Option<RunRecord>> {
        anyhow::bail!("StandupStore is not yet implemented on PostgreSQL")
    }

    async fn latest_run(&self, _standup_id: i64, _member_id: i64) -> anyhow::Result<Option<RunRecord>> {
        anyhow::bail!("StandupStore is not yet implemented on PostgreSQL")
    }

    async fn open_run_of(&self, _member_id: i64) -> anyhow::Result<Option<RunRecord>> {
        anyhow::bail!("StandupStore is not yet implemented on PostgreSQL")
    }

    async fn prompt_run(
        &self,
        _key: &RunKey,
        _tz: &str,
        _workspace_id: i64,
        _prompt: &OutgoingMessage,
        _now: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        anyhow::bail!("StandupStore is not yet implemented on PostgreSQL")
    }

    async fn settle_run(
        &self,
        _key: &RunKey,
        _tz: &str,
        _state: RunState,
        _now: DateTime<Utc>,
    ) -> anyhow::Result<RunRecord> {
        anyhow::bail!("StandupStore is not yet implemented on PostgreSQL")
    }

    async fn remind_run(
        &self,
        _run_id: i64,
        _workspace_id: i64,
        _reminder: &OutgoingMessage,
        _now: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        anyhow::bail!("StandupStore is not yet implemented on PostgreSQL")
    }

    async fn save_answer(
        &self,
        _run_id: i64,
        _question_index: usize,
        _text: &str,
        _is_blocker: bool,
        _complete: bool,
        _now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        anyhow::bail!("StandupStore is not yet implemented on PostgreSQL")
    }

    async fn undigested_answers(&self, _standup_id: i64) -> anyhow::Result<Vec<AnswerRecord>> {
        anyhow::bail!("StandupStore is not yet implemented on PostgreSQL")
    }

    async fn answers_of_run(&self, _run_id: i64) -> anyhow::Result<Vec<AnswerRecord>> {
        anyhow::bail!("StandupStore is not yet implemented on PostgreSQL")
    }

    async fn blocker_history(
        &self,
        _standup_id: i64,
        _member_id: i64,
        _until: NaiveDate,
        _limit: u32,
    ) -> anyhow::Result<Vec<(NaiveDate, bool)>> {
        anyhow::bail!("StandupStore is not yet implemented on PostgreSQL")
    }

    async fn record_digest(&self, _digest: &NewDigest<'_>, _now: DateTime<Utc>) -> anyhow::Result<Option<i64>> {
        anyhow::bail!("StandupStore is not yet implemented on PostgreSQL")
    }

    async fn digest(&self, _digest_id: i64) -> anyhow::Result<Option<DigestRecord>> {
        anyhow::bail!("StandupStore is not yet implemented on PostgreSQL")
    }

    async fn save_digest_content(&self, _digest_id: i64, _content: &str) -> anyhow::Result<()> {
        anyhow::bail!("StandupStore is not yet implemented on PostgreSQL")
    }

    async fn runs_in_digests_of(&self, _standup_id: i64, _date: &str) -> anyhow::Result<i64> {
        anyhow::bail!("StandupStore is not yet implemented on PostgreSQL")
    }

    async fn last_digest_at(&self, _standup_id: i64) -> anyhow::Result<Option<DateTime<Utc>>> {
        anyhow::bail!("StandupStore is not yet implemented on PostgreSQL")
    }

    async fn channel_decisions_between(
        &self,
        _workspace_id: i64,
        _channel: &str,
        _since: DateTime<Utc>,
        _until: DateTime<Utc>,
    ) -> anyhow::Result<Vec<String>> {
        anyhow::bail!("StandupStore is not yet implemented on PostgreSQL")
    }

    async fn channel_open_questions(&self, _workspace_id: i64, _channel: &str, _asked_since: Option<DateTime<Utc>>) -> anyhow::Result<Vec<(i64, String)>> {
        anyhow::bail!("StandupStore is not yet implemented on PostgreSQL")
    }

    async fn converted_pings_between(
        &self,
        _workspace_id: i64,
        _since: DateTime<Utc>,
        _until: DateTime<Utc>,
    ) -> anyhow::Result<i64> {
        anyhow::bail!("StandupStore is not yet implemented on PostgreSQL")
    }

    async fn drop_pending_jobs(&self, _prefix: &str) -> anyhow::Result<u64> {
        anyhow::bail!("StandupStore is not yet implemented on PostgreSQL")
    }

    async fn pending_job(&self, _prefix: &str) -> anyhow::Result<Option<(DateTime<Utc>, String)>> {
        anyhow::bail!("StandupStore is not yet implemented on PostgreSQL")
    }

    async fn take_pending_jobs(&self, _prefix: &str) -> anyhow::Result<Vec<(DateTime<Utc>, String)>> {
        anyhow::bail!("StandupStore is not yet implemented on PostgreSQL")
    }

    async fn set_standup_member(&self, _standup_id: i64, _member_id: i64, _member: bool) -> anyhow::Result<bool> {
        anyhow::bail!("StandupStore is not yet implemented on PostgreSQL")
    }

    async fn standup_footprint(&self, _standup_id: i64) -> anyhow::Result<StandupFootprint> {
        anyhow::bail!("StandupStore is not yet implemented on PostgreSQL")
    }
}
