//! Purpose: the store's directory — workspaces, members and channels, as stored (defaults
//! unresolved: `None` means "the workspace default").

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::platform::Platform;

/// A member as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRecord {
    /// Store id.
    pub id: i64,
    /// Store id of the workspace.
    pub workspace_id: i64,
    /// Platform user id.
    pub user: String,
    /// Display name.
    pub name: String,
    /// IANA zone; `None` = workspace default.
    pub tz: Option<String>,
    /// Where the zone came from: `default`, `platform` or `command`.
    pub tz_source: String,
    /// Whether the member was told how to set their zone.
    pub tz_notice_sent: bool,
    /// Working hours `HH:MM-HH:MM`; `None` = workspace default.
    pub hours: Option<String>,
    /// Working days as weekday bits; `None` = workspace default.
    pub days: Option<u8>,
    /// Out-of-office ranges, inclusive local dates.
    pub out_of_office: Vec<(NaiveDate, NaiveDate)>,
    /// Whether the personal brief is on.
    pub brief_on: bool,
    /// Whether the member opted out of nudges.
    pub nudge_opt_out: bool,
    /// Admin by config or platform.
    pub is_admin: bool,
    /// Since when DMs to them fail permanently.
    pub unreachable_since: Option<DateTime<Utc>>,
    /// When the platform's profile (zone, name, admin flag) was last read; `None`: never.
    pub profile_read_at: Option<DateTime<Utc>>,
}

/// Changes to a member's own settings (`None` leaves a field as it is).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberChanges {
    /// New zone and its source.
    pub tz: Option<(String, String)>,
    /// New working hours.
    pub hours: Option<String>,
    /// New working days (bits).
    pub days: Option<u8>,
    /// Brief on/off.
    pub brief_on: Option<bool>,
    /// Display name.
    pub name: Option<String>,
    /// Admin flag.
    pub is_admin: Option<bool>,
    /// Mark the zone notice as sent.
    pub tz_notice_sent: Option<bool>,
    /// Never (`true`) or again (`false`) answer the member's own pings (`/async nudge me`).
    pub nudge_opt_out: Option<bool>,
    /// Mark unreachable (Some(Some(t))) or reachable again (Some(None)).
    pub unreachable_since: Option<Option<DateTime<Utc>>>,
    /// The platform's profile was read at this instant.
    pub profile_read_at: Option<DateTime<Utc>>,
}

/// A channel as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelRecord {
    /// Store id.
    pub id: i64,
    /// Store id of the workspace.
    pub workspace_id: i64,
    /// Platform channel id.
    pub channel: String,
    /// Display name.
    pub name: String,
    /// `on`, `off` or `dry-run`.
    pub nudge_mode: String,
}

/// Workspaces, members and channels.
#[async_trait]
pub trait DirectoryStore: Send + Sync {
    /// The store id of a workspace, created on first sight.
    async fn ensure_workspace(&self, platform: Platform, workspace: &str, now: DateTime<Utc>) -> anyhow::Result<i64>;

    /// A member by platform id, created with workspace defaults on first sight; the bool says
    /// whether it was created now.
    async fn ensure_member(
        &self,
        workspace_id: i64,
        user: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<(MemberRecord, bool)>;

    /// A member by platform id, if known.
    async fn find_member(&self, workspace_id: i64, user: &str) -> anyhow::Result<Option<MemberRecord>>;

    /// A member by store id.
    async fn member(&self, member_id: i64) -> anyhow::Result<MemberRecord>;

    /// Every member of a workspace.
    async fn members(&self, workspace_id: i64) -> anyhow::Result<Vec<MemberRecord>>;

    /// Applies changes to a member.
    async fn update_member(&self, member_id: i64, changes: &MemberChanges) -> anyhow::Result<()>;

    /// Replaces a member's out-of-office ranges.
    async fn set_out_of_office(&self, member_id: i64, ranges: &[(NaiveDate, NaiveDate)]) -> anyhow::Result<()>;

    /// Erases a member everywhere: their settings, what they wrote and every copy of it; the
    /// member row stays as "former member" so answers still count.
    async fn forget_member(&self, member_id: i64) -> anyhow::Result<()>;

    /// Records that the member asked to be forgotten at `at` (the first step of `forget-me`);
    /// returns when they asked before, if they did.
    async fn request_forget(&self, member_id: i64, at: DateTime<Utc>) -> anyhow::Result<Option<DateTime<Utc>>>;

    /// Remembers the conversation in which a member writes to the bot directly (their DM with
    /// the bot), so a command typed there is known to come from a private conversation.
    async fn record_dm_channel(&self, member_id: i64, channel: &str) -> anyhow::Result<()>;

    /// The member's DM with the bot, once they have written in it.
    async fn dm_channel(&self, member_id: i64) -> anyhow::Result<Option<String>>;

    /// A channel by platform id, created (nudges on) on first sight.
    async fn ensure_channel(&self, workspace_id: i64, channel: &str) -> anyhow::Result<ChannelRecord>;

    /// A channel by store id.
    async fn channel(&self, channel_id: i64) -> anyhow::Result<ChannelRecord>;

    /// Sets a channel's name and nudge mode.
    async fn set_channel(&self, channel_id: i64, name: Option<&str>, nudge_mode: Option<&str>) -> anyhow::Result<()>;
}
