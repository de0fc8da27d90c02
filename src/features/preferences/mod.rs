//! Purpose: a member's own settings — zone (with close-match suggestions), working hours and days,
//! out of office, the personal brief, `who`, `me` and `forget-me`. Every change that moves a
//! member's schedule reschedules their pending prompts and brief. `export-me` is in [`export_me`].

pub mod export_me;

use chrono::NaiveDate;

use crate::context::Context;
use crate::domain::calendar::{Timezone, Weekdays, WorkingHours};
use crate::domain::markup::TimeStyle;
use crate::domain::member::Member;
use crate::features::commands::{CommandContext, Reply};
use crate::features::texts::preferences as texts;
use crate::features::{brief, decisions, holidays, standup};
use crate::ports::{MemberChanges, StandupRecord};

/// `/async me`.
pub async fn me(bot: &Context, ctx: &CommandContext<'_>) -> anyhow::Result<Reply> {
    let records = bot.store.standups_of(ctx.member.id).await?;
    let standups: Vec<String> = records.iter().map(|s| s.name.clone()).collect();
    let next = ctx
        .member
        .availability
        .next_working_start(bot.now())
        .map(|start| (start, bot.markup.time(start, TimeStyle::DateTime)));
    let holidays = upcoming_holidays(bot, ctx.workspace_id, &ctx.member, &records).await?;
    Ok(Reply::text(texts::me(&ctx.member, &standups, next, &holidays)))
}

/// The days off ahead of a member, from their own local date.
async fn upcoming_holidays(
    bot: &Context,
    workspace_id: i64,
    member: &Member,
    standups: &[StandupRecord],
) -> anyhow::Result<Vec<String>> {
    let today = crate::domain::schedule::local_date_of(member.tz(), bot.now());
    holidays::upcoming(bot, workspace_id, standups, today).await
}

/// How many recent decisions the home page shows.
const HOME_DECISIONS: u32 = 5;

/// The member's home page: zone, hours, holidays ahead, next prompts in their local time, recent
/// decisions.
pub async fn home(bot: &Context, workspace: &str, user: &str) -> anyhow::Result<()> {
    let workspace_id = bot.workspace_id(workspace).await?;
    let member = bot.member(workspace_id, workspace, user).await?;
    let records = bot.store.standups_of(member.id).await?;
    let standups: Vec<String> = records.iter().map(|s| s.name.clone()).collect();
    let next = member.availability.next_working_start(bot.now()).map(|s| (s, bot.markup.time(s, TimeStyle::DateTime)));
    let holidays = upcoming_holidays(bot, workspace_id, &member, &records).await?;
    let mut prompts = Vec::new();
    for record in &records {
        let prefix = standup::schedule::prompt_prefix(record.id, member.id);
        if let Some((due, _)) = bot.store.pending_job(&prefix).await? {
            prompts.push(texts::home_prompt(bot.markup, &record.name, due));
        }
    }
    // The home is the member's alone: what a DM with the bot would list (SPEC §4 privacy).
    let visible = decisions::visible_in_private(bot, member.id, None).await?;
    let decisions: Vec<String> = decisions::recent(bot, workspace_id, &visible, HOME_DECISIONS)
        .await?
        .iter()
        .map(|d| crate::features::texts::decisions::line(bot.markup, d))
        .collect();
    let text = texts::home(&texts::me(&member, &standups, next, &holidays), &prompts, &decisions);
    if let Err(error) = bot.chat.publish_home(user, &text).await {
        tracing::warn!(%error, "could not publish the home page");
    }
    Ok(())
}

/// `/async tz <zone>`.
pub async fn set_zone(bot: &Context, ctx: &CommandContext<'_>, zone: Timezone) -> anyhow::Result<Reply> {
    let changes = MemberChanges { tz: Some((zone.name().to_owned(), "command".to_owned())), ..Default::default() };
    bot.store.update_member(ctx.member.id, &changes).await?;
    schedule_changed(bot, ctx).await?;
    Ok(Reply::text(texts::zone_set(zone.name())))
}

/// `/async hours HH:MM-HH:MM [days]`.
pub async fn set_hours(
    bot: &Context,
    ctx: &CommandContext<'_>,
    hours: WorkingHours,
    days: Option<Weekdays>,
) -> anyhow::Result<Reply> {
    let changes =
        MemberChanges { hours: Some(hours.to_string()), days: days.map(Weekdays::bits), ..Default::default() };
    bot.store.update_member(ctx.member.id, &changes).await?;
    schedule_changed(bot, ctx).await?;
    let days = days.unwrap_or(ctx.member.availability.days);
    Ok(Reply::text(texts::hours_set(&hours.to_string(), &days.to_string())))
}

/// `/async ooo from..to` (`Some`) or `/async ooo off` (`None`).
pub async fn set_out_of_office(
    bot: &Context,
    ctx: &CommandContext<'_>,
    range: Option<(NaiveDate, NaiveDate)>,
) -> anyhow::Result<Reply> {
    let today = ctx.member.availability.local_now(bot.now()).date();
    // Past ranges are history; keep only what still matters, plus the new range.
    let mut ranges: Vec<(NaiveDate, NaiveDate)> =
        ctx.member.availability.out_of_office.iter().filter(|r| r.to >= today).map(|r| (r.from, r.to)).collect();
    let reply = match range {
        Some((_, to)) if to < today => return Ok(Reply::text(texts::away_in_the_past(to))),
        Some((from, to)) => {
            ranges.push((from, to));
            texts::away_set(from, to)
        }
        None => {
            // Back now: ranges that started are ended, future ones are dropped too.
            ranges.clear();
            texts::back_in_office()
        }
    };
    bot.store.set_out_of_office(ctx.member.id, &ranges).await?;
    schedule_changed(bot, ctx).await?;
    Ok(Reply::text(reply))
}

/// `/async brief on|off`.
pub async fn set_brief(bot: &Context, ctx: &CommandContext<'_>, on: bool) -> anyhow::Result<Reply> {
    bot.store.update_member(ctx.member.id, &MemberChanges { brief_on: Some(on), ..Default::default() }).await?;
    schedule_changed(bot, ctx).await?;
    Ok(Reply::text(texts::brief_set(on)))
}

/// `/async nudge me off|on`: whether the bot answers the member's own pings. A channel whose
/// nudges are off stays off whatever the member says.
pub async fn set_nudge_me(bot: &Context, ctx: &CommandContext<'_>, on: bool) -> anyhow::Result<Reply> {
    let changes = MemberChanges { nudge_opt_out: Some(!on), ..Default::default() };
    bot.store.update_member(ctx.member.id, &changes).await?;
    // Typed in a channel, the reply says whether that channel's own setting keeps nudges off.
    let channel_off = !ctx.invocation.is_dm && {
        let channel = bot.store.ensure_channel(ctx.workspace_id, &ctx.invocation.channel).await?;
        channel.nudge_mode == crate::domain::command::NudgeMode::Off.as_str()
    };
    Ok(Reply::text(crate::features::texts::nudge::me_set(!on, channel_off)))
}

/// `/async who`: teammates' local time now and whether they are working.
pub async fn who(bot: &Context, ctx: &CommandContext<'_>) -> anyhow::Result<Reply> {
    let now = bot.now();
    let defaults = bot.defaults();
    let members = bot.store.members(ctx.workspace_id).await?;
    let lines: Vec<String> = members
        .iter()
        .map(|record| crate::domain::member::Member::resolve(record, &defaults))
        .map(|member| {
            let next = member.availability.next_working_start(now);
            texts::who_line(bot.markup, &member, now, next)
        })
        .collect();
    Ok(Reply::text(lines.join("\n")))
}

/// How long the first `/async forget-me` waits for the second, which erases.
pub const FORGET_CONFIRM_WINDOW: chrono::Duration = chrono::Duration::minutes(10);

/// `/async forget-me`: the first asks for confirmation (what will be erased, and how to go on);
/// the same command again within [`FORGET_CONFIRM_WINDOW`] erases.
pub async fn forget_me(bot: &Context, ctx: &CommandContext<'_>) -> anyhow::Result<Reply> {
    let now = bot.now();
    let asked_before = bot.store.request_forget(ctx.member.id, now).await?;
    if asked_before.is_some_and(|asked| asked <= now && now - asked <= FORGET_CONFIRM_WINDOW) {
        bot.store.forget_member(ctx.member.id).await?;
        return Ok(Reply::text(texts::forgotten()));
    }
    Ok(Reply::text(texts::forget_confirm(FORGET_CONFIRM_WINDOW.num_minutes())))
}

async fn schedule_changed(bot: &Context, ctx: &CommandContext<'_>) -> anyhow::Result<()> {
    standup::reschedule_member(bot, ctx.workspace_id, ctx.member.id).await?;
    brief::reschedule_member(bot, ctx.workspace_id, ctx.member.id).await
}
