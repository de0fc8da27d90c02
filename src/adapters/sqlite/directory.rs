//! Purpose: workspaces, members and channels in SQLite.

use anyhow::Context as _;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use super::{SqliteStore, instant, secs};
use crate::domain::platform::Platform;
use crate::ports::{ChannelRecord, DirectoryStore, MemberChanges, MemberRecord};

#[derive(sqlx::FromRow)]
struct MemberRow {
    id: i64,
    workspace_id: i64,
    platform_user_id: String,
    display_name: String,
    tz: Option<String>,
    tz_source: String,
    tz_notice_sent: bool,
    hours: Option<String>,
    days: Option<i64>,
    brief_on: bool,
    nudge_opt_out: bool,
    is_admin: bool,
    unreachable_since: Option<i64>,
    profile_read_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct ChannelRow {
    id: i64,
    workspace_id: i64,
    platform_channel_id: String,
    name: String,
    nudge_mode: String,
}

impl From<ChannelRow> for ChannelRecord {
    fn from(row: ChannelRow) -> Self {
        ChannelRecord {
            id: row.id,
            workspace_id: row.workspace_id,
            channel: row.platform_channel_id,
            name: row.name,
            nudge_mode: row.nudge_mode,
        }
    }
}

const MEMBER_COLUMNS: &str =
    "id, workspace_id, platform_user_id, display_name, tz, tz_source, tz_notice_sent, hours, days,
     brief_on, nudge_opt_out, is_admin, unreachable_since, profile_read_at";

impl SqliteStore {
    async fn member_record(&self, row: MemberRow) -> anyhow::Result<MemberRecord> {
        let ranges: Vec<(String, String)> =
            sqlx::query_as("SELECT from_date, to_date FROM out_of_office WHERE member_id = ? ORDER BY from_date")
                .bind(row.id)
                .fetch_all(&mut *self.read().await?)
                .await?;
        let parse = |d: &str| d.parse::<NaiveDate>().with_context(|| format!("stored date '{d}' is invalid"));
        let out_of_office =
            ranges.iter().map(|(a, b)| Ok((parse(a)?, parse(b)?))).collect::<anyhow::Result<Vec<_>>>()?;
        Ok(MemberRecord {
            id: row.id,
            workspace_id: row.workspace_id,
            user: row.platform_user_id,
            name: row.display_name,
            tz: row.tz,
            tz_source: row.tz_source,
            tz_notice_sent: row.tz_notice_sent,
            hours: row.hours,
            days: row.days.and_then(|d| u8::try_from(d).ok()),
            out_of_office,
            brief_on: row.brief_on,
            nudge_opt_out: row.nudge_opt_out,
            is_admin: row.is_admin,
            unreachable_since: row.unreachable_since.map(instant).transpose()?,
            profile_read_at: row.profile_read_at.map(instant).transpose()?,
        })
    }
}

#[async_trait]
impl DirectoryStore for SqliteStore {
    async fn ensure_workspace(&self, platform: Platform, workspace: &str, now: DateTime<Utc>) -> anyhow::Result<i64> {
        // Read first: every event asks, and a write would begin the event's transaction (taking
        // the write lock) before the feature has even looked at it.
        let known: Option<i64> = sqlx::query_scalar("SELECT id FROM workspaces WHERE platform = ? AND platform_id = ?")
            .bind(platform.as_str())
            .bind(workspace)
            .fetch_optional(&mut *self.read().await?)
            .await?;
        if let Some(id) = known {
            return Ok(id);
        }
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO workspaces (platform, platform_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        )
        .bind(platform.as_str())
        .bind(workspace)
        .bind(secs(now))
        .execute(&mut *tx)
        .await?;
        let id = sqlx::query_scalar("SELECT id FROM workspaces WHERE platform = ? AND platform_id = ?")
            .bind(platform.as_str())
            .bind(workspace)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn ensure_member(
        &self,
        workspace_id: i64,
        user: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<(MemberRecord, bool)> {
        let created = self.write(sqlx::query(
            "INSERT INTO members (workspace_id, platform_user_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        )
        .bind(workspace_id)
        .bind(user)
        .bind(secs(now))).await? == 1;
        let member = self.find_member(workspace_id, user).await?.context("a member just ensured is missing")?;
        Ok((member, created))
    }

    async fn find_member(&self, workspace_id: i64, user: &str) -> anyhow::Result<Option<MemberRecord>> {
        let sql = format!(
            "SELECT {MEMBER_COLUMNS} FROM members WHERE workspace_id = ? AND platform_user_id = ? AND forgotten = 0"
        );
        let row: Option<MemberRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(workspace_id)
            .bind(user)
            .fetch_optional(&mut *self.read().await?)
            .await?;
        match row {
            Some(row) => Ok(Some(self.member_record(row).await?)),
            None => Ok(None),
        }
    }

    async fn member(&self, member_id: i64) -> anyhow::Result<MemberRecord> {
        let sql = format!("SELECT {MEMBER_COLUMNS} FROM members WHERE id = ?");
        let row: MemberRow = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(member_id)
            .fetch_one(&mut *self.read().await?)
            .await
            .with_context(|| format!("member {member_id} is missing"))?;
        self.member_record(row).await
    }

    async fn members(&self, workspace_id: i64) -> anyhow::Result<Vec<MemberRecord>> {
        let sql = format!(
            "SELECT {MEMBER_COLUMNS} FROM members WHERE workspace_id = ? AND forgotten = 0 ORDER BY platform_user_id"
        );
        let rows: Vec<MemberRow> =
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(workspace_id).fetch_all(&mut *self.read().await?).await?;
        let mut members = Vec::with_capacity(rows.len());
        for row in rows {
            members.push(self.member_record(row).await?);
        }
        Ok(members)
    }

    async fn update_member(&self, member_id: i64, changes: &MemberChanges) -> anyhow::Result<()> {
        let mut tx = self.begin_write().await?;
        let (tz, tz_source) = changes.tz.clone().unzip();
        sqlx::query(
            "UPDATE members SET
                 tz = COALESCE(?, tz), tz_source = COALESCE(?, tz_source),
                 hours = COALESCE(?, hours), days = COALESCE(?, days),
                 brief_on = COALESCE(?, brief_on), display_name = COALESCE(?, display_name),
                 is_admin = COALESCE(?, is_admin), tz_notice_sent = COALESCE(?, tz_notice_sent),
                 nudge_opt_out = COALESCE(?, nudge_opt_out),
                 unreachable_since = CASE WHEN ? THEN ? ELSE unreachable_since END,
                 profile_read_at = COALESCE(?, profile_read_at)
             WHERE id = ?",
        )
        .bind(tz)
        .bind(tz_source)
        .bind(&changes.hours)
        .bind(changes.days.map(i64::from))
        .bind(changes.brief_on)
        .bind(&changes.name)
        .bind(changes.is_admin)
        .bind(changes.tz_notice_sent)
        .bind(changes.nudge_opt_out)
        .bind(changes.unreachable_since.is_some())
        .bind(changes.unreachable_since.flatten().map(secs))
        .bind(changes.profile_read_at.map(secs))
        .bind(member_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn set_out_of_office(&self, member_id: i64, ranges: &[(NaiveDate, NaiveDate)]) -> anyhow::Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM out_of_office WHERE member_id = ?").bind(member_id).execute(&mut *tx).await?;
        for (from, to) in ranges {
            sqlx::query("INSERT INTO out_of_office (member_id, from_date, to_date) VALUES (?, ?, ?)")
                .bind(member_id)
                .bind(from.to_string())
                .bind(to.to_string())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn forget_member(&self, member_id: i64) -> anyhow::Result<()> {
        // Everything they wrote and every copy of it, in one transaction (erasure.rs).
        let mut tx = self.begin_write().await?;
        super::erasure::erase_member(&mut tx, member_id).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn request_forget(&self, member_id: i64, at: DateTime<Utc>) -> anyhow::Result<Option<DateTime<Utc>>> {
        let mut tx = self.begin_write().await?;
        let before: Option<Option<i64>> = sqlx::query_scalar("SELECT forget_requested_at FROM members WHERE id = ?")
            .bind(member_id)
            .fetch_optional(&mut *tx)
            .await?;
        sqlx::query("UPDATE members SET forget_requested_at = ? WHERE id = ?")
            .bind(secs(at))
            .bind(member_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        before.flatten().map(instant).transpose()
    }

    async fn record_dm_channel(&self, member_id: i64, channel: &str) -> anyhow::Result<()> {
        // Written only when it changes: every DM passes here.
        self.write(
            sqlx::query("UPDATE members SET dm_channel = ? WHERE id = ? AND dm_channel IS NOT ?")
                .bind(channel)
                .bind(member_id)
                .bind(channel),
        )
        .await?;
        Ok(())
    }

    async fn dm_channel(&self, member_id: i64) -> anyhow::Result<Option<String>> {
        let channel: Option<Option<String>> = sqlx::query_scalar("SELECT dm_channel FROM members WHERE id = ?")
            .bind(member_id)
            .fetch_optional(&mut *self.read().await?)
            .await?;
        Ok(channel.flatten())
    }

    async fn ensure_channel(&self, workspace_id: i64, channel: &str) -> anyhow::Result<ChannelRecord> {
        // Read first, as for workspaces: most messages are in channels the bot knows.
        let known: Option<ChannelRow> = sqlx::query_as(
            "SELECT id, workspace_id, platform_channel_id, name, nudge_mode FROM channels
             WHERE workspace_id = ? AND platform_channel_id = ?",
        )
        .bind(workspace_id)
        .bind(channel)
        .fetch_optional(&mut *self.read().await?)
        .await?;
        if let Some(row) = known {
            return Ok(row.into());
        }
        let mut tx = self.begin_write().await?;
        sqlx::query("INSERT INTO channels (workspace_id, platform_channel_id) VALUES (?, ?) ON CONFLICT DO NOTHING")
            .bind(workspace_id)
            .bind(channel)
            .execute(&mut *tx)
            .await?;
        let row: ChannelRow = sqlx::query_as(
            "SELECT id, workspace_id, platform_channel_id, name, nudge_mode FROM channels
             WHERE workspace_id = ? AND platform_channel_id = ?",
        )
        .bind(workspace_id)
        .bind(channel)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(row.into())
    }

    async fn channel(&self, channel_id: i64) -> anyhow::Result<ChannelRecord> {
        let row: ChannelRow =
            sqlx::query_as("SELECT id, workspace_id, platform_channel_id, name, nudge_mode FROM channels WHERE id = ?")
                .bind(channel_id)
                .fetch_one(&mut *self.read().await?)
                .await?;
        Ok(row.into())
    }

    async fn set_channel(&self, channel_id: i64, name: Option<&str>, nudge_mode: Option<&str>) -> anyhow::Result<()> {
        self.write(
            sqlx::query(
                "UPDATE channels SET name = COALESCE(?, name), nudge_mode = COALESCE(?, nudge_mode) WHERE id = ?",
            )
            .bind(name)
            .bind(nudge_mode)
            .bind(channel_id),
        )
        .await?;
        Ok(())
    }
}
