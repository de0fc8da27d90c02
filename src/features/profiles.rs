//! Purpose: members' profiles that stay true (issue 11) — the zone, display name and admin flag
//! the platform reports are read again when the platform says a member changed (Slack
//! `user_change`, a Discord member update: [`on_changed`]; a Discord role's permissions edited:
//! [`on_roles_changed`]) and otherwise at most once a day, when
//! the member is seen ([`is_stale`], [`refresh`], called by `Context::member`). A zone the member
//! set with `/async tz` (source `command`) always wins over the platform's.

use chrono::{DateTime, Duration, Utc};

use crate::context::Context;
use crate::domain::calendar::Timezone;
use crate::features::{brief, standup};
use crate::ports::{MemberChanges, MemberRecord, Profile};

/// How old a member's profile may be before seeing them reads it again.
pub const REFRESH_AFTER: Duration = Duration::days(1);

/// Whether the member's profile is due to be read again at `now`.
pub fn is_stale(record: &MemberRecord, now: DateTime<Utc>) -> bool {
    record.profile_read_at.is_none_or(|at| now - at >= REFRESH_AFTER)
}

/// The changes a platform's profile makes to a stored member, and whether their zone moves.
/// `None` (the platform does not know them) changes nothing but the time of the read. An empty
/// name and an unknown zone are not news; a zone set by `/async tz` is kept.
pub fn changes_from(record: &MemberRecord, profile: Option<&Profile>, now: DateTime<Utc>) -> (MemberChanges, bool) {
    let mut changes = MemberChanges { profile_read_at: Some(now), ..MemberChanges::default() };
    let Some(profile) = profile else { return (changes, false) };
    if !profile.name.is_empty() && profile.name != record.name {
        changes.name = Some(profile.name.clone());
    }
    if profile.is_admin != record.is_admin {
        changes.is_admin = Some(profile.is_admin);
    }
    let zone = profile.tz.as_deref().filter(|tz| tz.parse::<Timezone>().is_ok());
    let moved = match zone {
        Some(tz) if record.tz_source != "command" && record.tz.as_deref() != Some(tz) => {
            changes.tz = Some((tz.to_owned(), "platform".to_owned()));
            true
        }
        _ => false,
    };
    (changes, moved)
}

/// Applies what the platform says about a known member; a moved zone reschedules their prompts
/// and brief. Returns the member as stored after it.
pub async fn apply(bot: &Context, record: &MemberRecord, profile: Option<&Profile>) -> anyhow::Result<MemberRecord> {
    let (changes, moved) = changes_from(record, profile, bot.now());
    bot.store.update_member(record.id, &changes).await?;
    if moved {
        tracing::info!(member = record.id, "the platform reports a new zone; prompts and brief follow it");
        standup::reschedule_member(bot, record.workspace_id, record.id).await?;
        brief::reschedule_member(bot, record.workspace_id, record.id).await?;
    }
    bot.store.member(record.id).await
}

/// Reads a seen member's profile again (it is older than [`REFRESH_AFTER`]). A platform that
/// cannot answer now leaves the stored profile as it is until the next day: the event goes on.
pub async fn refresh(bot: &Context, workspace: &str, record: &MemberRecord) -> anyhow::Result<MemberRecord> {
    match bot.chat.profile(workspace, &record.user).await {
        Ok(profile) => apply(bot, record, profile.as_ref()).await,
        Err(error) => {
            tracing::warn!(member = record.id, error = %format!("{error:#}"), "could not read a member's profile; keeping the stored one");
            apply(bot, record, None).await
        }
    }
}

/// The platform says a member's profile changed. Members the bot has not met are left alone
/// (they are read when first seen).
pub async fn on_changed(bot: &Context, workspace: &str, user: &str, profile: &Profile) -> anyhow::Result<()> {
    let workspace_id = bot.workspace_id(workspace).await?;
    let Some(record) = bot.store.find_member(workspace_id, user).await? else { return Ok(()) };
    apply(bot, &record, Some(profile)).await?;
    Ok(())
}

/// The platform says what a role grants changed: every known member of the workspace is read
/// again (a team's worth of profile reads), so admin rights follow the role at once instead of
/// within a day. A member the platform cannot answer for now keeps their stored profile.
pub async fn on_roles_changed(bot: &Context, workspace: &str) -> anyhow::Result<()> {
    let workspace_id = bot.workspace_id(workspace).await?;
    for record in bot.store.members(workspace_id).await? {
        refresh(bot, workspace, &record).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(tz: Option<&str>, source: &str) -> MemberRecord {
        MemberRecord {
            id: 1,
            workspace_id: 1,
            user: "U1".into(),
            name: "alice".into(),
            tz: tz.map(Into::into),
            tz_source: source.into(),
            tz_notice_sent: false,
            hours: None,
            days: None,
            out_of_office: Vec::new(),
            brief_on: true,
            nudge_opt_out: false,
            is_admin: false,
            unreachable_since: None,
            profile_read_at: None,
        }
    }

    fn profile(name: &str, tz: Option<&str>, is_admin: bool) -> Profile {
        Profile { name: name.into(), tz: tz.map(Into::into), is_admin, is_bot: false }
    }

    const NOW: &str = "2026-03-30T08:00:00Z";

    #[test]
    fn a_zone_set_by_command_wins_over_the_platforms() {
        let now = NOW.parse().unwrap();
        let (changes, moved) = changes_from(
            &record(Some("Europe/Berlin"), "command"),
            Some(&profile("ali", Some("Asia/Tokyo"), true)),
            now,
        );
        assert!(!moved);
        assert_eq!(changes.tz, None);
        assert_eq!((changes.name.as_deref(), changes.is_admin), (Some("ali"), Some(true)));
    }

    #[test]
    fn a_platform_zone_follows_the_platform_and_moves_the_schedule() {
        let now = NOW.parse().unwrap();
        let (changes, moved) = changes_from(
            &record(Some("Europe/Berlin"), "platform"),
            Some(&profile("alice", Some("Asia/Tokyo"), false)),
            now,
        );
        assert!(moved);
        assert_eq!(changes.tz, Some(("Asia/Tokyo".into(), "platform".into())));
        assert_eq!((changes.name, changes.is_admin, changes.profile_read_at), (None, None, Some(now)));
    }

    #[test]
    fn an_unknown_member_an_empty_name_or_an_invalid_zone_change_nothing_but_the_read_time() {
        let now = NOW.parse().unwrap();
        let stored = record(Some("Europe/Berlin"), "platform");
        let (changes, moved) = changes_from(&stored, None, now);
        assert_eq!((changes, moved), (MemberChanges { profile_read_at: Some(now), ..Default::default() }, false));
        let (changes, moved) = changes_from(&stored, Some(&profile("", Some("Mars/Base"), false)), now);
        assert_eq!((changes, moved), (MemberChanges { profile_read_at: Some(now), ..Default::default() }, false));
    }

    #[test]
    fn a_profile_is_read_again_once_it_is_a_day_old() {
        let now: DateTime<Utc> = NOW.parse().unwrap();
        let mut stored = record(None, "default");
        assert!(is_stale(&stored, now), "never read");
        stored.profile_read_at = Some(now - Duration::hours(23));
        assert!(!is_stale(&stored, now));
        stored.profile_read_at = Some(now - Duration::hours(24));
        assert!(is_stale(&stored, now));
    }
}
