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
impl DirectoryStore for PgStore {
    async fn ensure_workspace(
        &self,
        _platform: Platform,
        _workspace: &str,
        _now: DateTime<Utc>,
    ) -> anyhow::Result<i64> {
        anyhow::bail!("DirectoryStore is not yet implemented on PostgreSQL")
    }

    async fn ensure_member(
        &self,
        _workspace_id: i64,
        _user: &str,
        _now: DateTime<Utc>,
    ) -> anyhow::Result<(MemberRecord, bool)> {
        anyhow::bail!("DirectoryStore is not yet implemented on PostgreSQL")
    }

    async fn find_member(&self, _workspace_id: i64, _user: &str) -> anyhow::Result<Option<MemberRecord>> {
        anyhow::bail!("DirectoryStore is not yet implemented on PostgreSQL")
    }

    async fn member(&self, _member_id: i64) -> anyhow::Result<MemberRecord> {
        anyhow::bail!("DirectoryStore is not yet implemented on PostgreSQL")
    }

    async fn members(&self, _workspace_id: i64) -> anyhow::Result<Vec<MemberRecord>> {
        anyhow::bail!("DirectoryStore is not yet implemented on PostgreSQL")
    }

    async fn update_member(&self, _member_id: i64, _changes: &MemberChanges) -> anyhow::Result<()> {
        anyhow::bail!("DirectoryStore is not yet implemented on PostgreSQL")
    }

    async fn set_out_of_office(&self, _member_id: i64, _ranges: &[(NaiveDate, NaiveDate)]) -> anyhow::Result<()> {
        anyhow::bail!("DirectoryStore is not yet implemented on PostgreSQL")
    }

    async fn forget_member(&self, _member_id: i64) -> anyhow::Result<()> {
        anyhow::bail!("DirectoryStore is not yet implemented on PostgreSQL")
    }

    async fn request_forget(&self, _member_id: i64, _at: DateTime<Utc>) -> anyhow::Result<Option<DateTime<Utc>>> {
        anyhow::bail!("DirectoryStore is not yet implemented on PostgreSQL")
    }

    async fn record_dm_channel(&self, _member_id: i64, _channel: &str) -> anyhow::Result<()> {
        anyhow::bail!("DirectoryStore is not yet implemented on PostgreSQL")
    }

    async fn dm_channel(&self, _member_id: i64) -> anyhow::Result<Option<String>> {
        anyhow::bail!("DirectoryStore is not yet implemented on PostgreSQL")
    }

    async fn ensure_channel(&self, _workspace_id: i64, _channel: &str) -> anyhow::Result<ChannelRecord> {
        anyhow::bail!("DirectoryStore is not yet implemented on PostgreSQL")
    }

    async fn channel(&self, _channel_id: i64) -> anyhow::Result<ChannelRecord> {
        anyhow::bail!("DirectoryStore is not yet implemented on PostgreSQL")
    }

    async fn set_channel(
        &self,
        _channel_id: i64,
        _name: Option<&str>,
        _nudge_mode: Option<&str>,
    ) -> anyhow::Result<()> {
        anyhow::bail!("DirectoryStore is not yet implemented on PostgreSQL")
    }
}
