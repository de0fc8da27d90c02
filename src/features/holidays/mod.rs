//! Purpose: workspace holidays (SPEC §2) — set by admins with `/async holidays …` or taken from
//! an iCalendar feed fetched when subscribed and daily. A holiday is one more skipped date of every
//! standup of the workspace: [`observed`] adds them to a standup's own days off, and the
//! scheduler's plan (`standup::schedule::plan_day`) skips prompts, reminders and digests on them
//! as it always did for a standup's skipped dates; briefs check [`is_holiday`].
//!
//! - [`ics`]: the feed's all-day events as dates (pure).
//! - [`fetch`]: the bounded HTTPS fetch.

pub mod fetch;
pub mod ics;

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::context::Context;
use crate::domain::command::HolidaysCommand;
use crate::domain::events::{Destination, OutgoingMessage, Purpose};
use crate::domain::markup::TimeStyle;
use crate::domain::schedule::local_date_of;
use crate::features::commands::{CommandContext, Reply};
use crate::features::texts::holidays as texts;
use crate::features::{digest, standup};
use crate::jobs::{CalendarJob, Job, JobOutcome, NewJob};
use crate::ports::{HolidaySource, StandupRecord};

/// How often a subscribed feed is fetched again.
pub const REFRESH_EVERY: Duration = Duration::hours(24);

/// How far back holidays are read for planning, in days: a member far west of UTC is still on
/// yesterday's date, and a late prompt after downtime may be a day or two old.
const LOOK_BACK_DAYS: i64 = 3;

/// `/async holidays …`.
pub async fn command(bot: &Context, ctx: &CommandContext<'_>, command: HolidaysCommand) -> anyhow::Result<Reply> {
    let workspace_id = ctx.workspace_id;
    let today = local_date_of(ctx.member.tz(), bot.now());
    let text = match command {
        HolidaysCommand::List => list(bot, workspace_id, today).await?,
        HolidaysCommand::Add { date, .. } if date < today => texts::in_the_past(date),
        HolidaysCommand::Add { date, name } => {
            let name = name.unwrap_or_default();
            bot.store.add_holiday(workspace_id, date, &name).await?;
            reschedule_workspace(bot, workspace_id).await?;
            texts::added(bot.markup, date, &name)
        }
        HolidaysCommand::Remove(date) => {
            if bot.store.remove_holiday(workspace_id, date).await? {
                reschedule_workspace(bot, workspace_id).await?;
                texts::removed(date)
            } else if holiday_on(bot, workspace_id, date).await?.is_some() {
                texts::from_calendar(date)
            } else {
                texts::not_a_holiday(date)
            }
        }
        HolidaysCommand::Calendar(Some(url)) => {
            bot.store.set_calendar(workspace_id, Some(&url)).await?;
            let reply_to = Some((ctx.invocation.channel.clone(), ctx.invocation.user.clone()));
            let now = bot.now();
            bot.schedule(NewJob {
                job: Job::CalendarRefresh(CalendarJob { workspace_id, reply_to }),
                key: format!("{}:{workspace_id}:subscribed:{}", Job::CALENDAR_REFRESH, ctx.invocation.id),
                due_at: now,
                expires_at: None,
            })
            .await?;
            texts::calendar_set()
        }
        HolidaysCommand::Calendar(None) => {
            let had_one = bot.store.calendar(workspace_id).await?.is_some();
            bot.store.set_calendar(workspace_id, None).await?;
            if had_one {
                reschedule_workspace(bot, workspace_id).await?;
            }
            texts::calendar_off(had_one)
        }
    };
    Ok(Reply::text(text))
}

async fn list(bot: &Context, workspace_id: i64, today: NaiveDate) -> anyhow::Result<String> {
    let holidays = bot.store.holidays(workspace_id, today).await?;
    let lines: Vec<String> = holidays
        .iter()
        .take(texts::MAX_LISTED)
        .map(|h| texts::holiday(bot.markup, h.date, &h.name, h.source == HolidaySource::Calendar))
        .collect();
    let calendar = bot.store.calendar(workspace_id).await?.map(|calendar| {
        let fetched = calendar.fetched_at.map(|at| bot.markup.time(at, TimeStyle::DateTime));
        // Only the host: a private feed's URL carries its secret, and anyone may list.
        let host = reqwest::Url::parse(&calendar.url).ok().and_then(|url| url.host_str().map(str::to_owned));
        let host = host.unwrap_or_else(|| "a feed".to_owned());
        texts::calendar_status(bot.markup, &host, fetched.as_deref(), calendar.last_error.as_deref())
    });
    Ok(texts::list(&lines, holidays.len(), calendar.as_deref()))
}

/// The standup as the scheduler treats it: its own days off plus the workspace's holidays.
pub async fn observed(bot: &Context, standup: &StandupRecord) -> anyhow::Result<StandupRecord> {
    let mut observed = standup.clone();
    let from = bot.now().date_naive() - Duration::days(LOOK_BACK_DAYS);
    observed.skipped_dates.extend(bot.store.holidays(standup.workspace_id, from).await?.iter().map(|h| h.date));
    observed.skipped_dates.sort();
    observed.skipped_dates.dedup();
    Ok(observed)
}

/// The names of the days off a standup observes, for its preview: the workspace's holidays by
/// name, and the standup's own days (no name).
pub async fn names(bot: &Context, standup: &StandupRecord) -> anyhow::Result<HashMap<NaiveDate, String>> {
    let from = bot.now().date_naive() - Duration::days(LOOK_BACK_DAYS);
    let mut names: HashMap<NaiveDate, String> = standup.skipped_dates.iter().map(|d| (*d, String::new())).collect();
    for holiday in bot.store.holidays(standup.workspace_id, from).await? {
        let slot = names.entry(holiday.date).or_default();
        if slot.is_empty() {
            *slot = holiday.name;
        }
    }
    Ok(names)
}

/// How far ahead a member's overview (`/async me`, the Slack Home tab) looks for holidays, in days.
const UPCOMING_DAYS: i64 = 30;

/// Most holidays a member's overview lists.
const UPCOMING_MAX: usize = 5;

/// The days off a member will see in the next [`UPCOMING_DAYS`] from `today` (their local date):
/// the workspace's holidays by name, and their standups' own days off (naming the standups), as
/// lines `Fri 25 Dec 2026 — holiday: Christmas Day`.
pub async fn upcoming(
    bot: &Context,
    workspace_id: i64,
    standups: &[StandupRecord],
    today: NaiveDate,
) -> anyhow::Result<Vec<String>> {
    let until = today + Duration::days(UPCOMING_DAYS);
    let mut days: std::collections::BTreeMap<NaiveDate, (Option<String>, Vec<&str>)> = Default::default();
    for holiday in bot.store.holidays(workspace_id, today).await?.into_iter().filter(|h| h.date <= until) {
        let slot = &mut days.entry(holiday.date).or_default().0;
        if slot.as_deref().is_none_or(str::is_empty) {
            *slot = Some(holiday.name);
        }
    }
    for standup in standups {
        for date in standup.skipped_dates.iter().filter(|d| (today..=until).contains(*d)) {
            days.entry(*date).or_default().1.push(&standup.name);
        }
    }
    Ok(days
        .into_iter()
        .take(UPCOMING_MAX)
        .map(|(date, (name, standups))| texts::upcoming(bot.markup, date, name.as_deref(), &standups))
        .collect())
}

/// Whether `date` is a holiday of the workspace (either source); its name if so.
pub async fn holiday_on(bot: &Context, workspace_id: i64, date: NaiveDate) -> anyhow::Result<Option<String>> {
    let holidays = bot.store.holidays(workspace_id, date).await?;
    Ok(holidays.into_iter().find(|h| h.date == date).map(|h| h.name))
}

/// Whether `date` is a holiday of the workspace.
pub async fn is_holiday(bot: &Context, workspace_id: i64, date: NaiveDate) -> anyhow::Result<bool> {
    Ok(holiday_on(bot, workspace_id, date).await?.is_some())
}

/// After the holidays changed: every running standup's prompts and digest follow them.
async fn reschedule_workspace(bot: &Context, workspace_id: i64) -> anyhow::Result<()> {
    for record in bot.store.standups(workspace_id).await? {
        if record.paused {
            continue;
        }
        standup::schedule::schedule_all(bot, &record).await?;
        digest::reschedule(bot, &record).await?;
    }
    Ok(())
}

/// A due refresh of the workspace's feed: fetched before anything is written (the unit of work
/// holds no lock while the network answers), its dates replace the feed's old ones; a failure
/// keeps them. The admin who subscribed is told how it went; the next refresh is a day later.
pub async fn run_refresh(bot: &Context, job: &CalendarJob, now: DateTime<Utc>) -> anyhow::Result<JobOutcome> {
    let workspace_id = job.workspace_id;
    let Some(calendar) = bot.store.calendar(workspace_id).await? else {
        // Turned off since: nothing to fetch, and no next refresh.
        return Ok(JobOutcome::Done);
    };
    let result = match fetch::fetch(&calendar.url, fetch::FETCH_TIMEOUT).await {
        Ok(text) => ics::holidays(&text).map_err(|malformed| format!("the feed is malformed ({malformed})")),
        Err(reason) => Err(reason),
    };
    let reply = match result {
        Ok(days) => {
            let days: Vec<(NaiveDate, String)> = days.into_iter().map(|d| (d.date, d.name)).collect();
            bot.store.replace_calendar_holidays(workspace_id, &days).await?;
            bot.store.record_calendar_fetch(workspace_id, now, None).await?;
            reschedule_workspace(bot, workspace_id).await?;
            let today = now.date_naive();
            let next = days
                .iter()
                .find(|(date, _)| *date >= today)
                .map(|(date, name)| texts::holiday(bot.markup, *date, name, false));
            texts::fetched(days.len(), next.as_deref())
        }
        Err(reason) => {
            tracing::warn!(workspace_id, %reason, "the holiday calendar could not be used; its dates stay as they were");
            bot.store.record_calendar_fetch(workspace_id, now, Some(&reason)).await?;
            let kept = bot
                .store
                .holidays(workspace_id, NaiveDate::MIN)
                .await?
                .iter()
                .filter(|h| h.source == HolidaySource::Calendar)
                .count();
            texts::fetch_failed(bot.markup, &reason, kept)
        }
    };
    if let Some((channel, user)) = &job.reply_to {
        let to = Destination::Ephemeral { channel: channel.clone(), user: user.clone() };
        bot.send(workspace_id, vec![OutgoingMessage::new(to, Purpose::CommandReply, reply)]).await?;
    }
    schedule_daily(bot, workspace_id, now + REFRESH_EVERY).await?;
    Ok(JobOutcome::Done)
}

/// At start: every subscribed feed is fetched again now, on its workspace's platform, so a feed
/// that changed while the process was down is read before the next daily refresh.
pub async fn refresh_at_start(store: &crate::ports::SharedStore, now: DateTime<Utc>) -> anyhow::Result<()> {
    for calendar in store.calendars().await? {
        let workspace_id = calendar.workspace_id;
        let job = NewJob {
            job: Job::CalendarRefresh(CalendarJob { workspace_id, reply_to: None }),
            key: format!("{}:{workspace_id}:start:{}", Job::CALENDAR_REFRESH, now.timestamp()),
            due_at: now,
            expires_at: None,
        };
        store.schedule_job(&job, calendar.platform, now).await?;
    }
    Ok(())
}

/// Schedules the feed's next refresh at `due` (one per workspace and UTC date).
async fn schedule_daily(bot: &Context, workspace_id: i64, due: DateTime<Utc>) -> anyhow::Result<()> {
    bot.schedule(NewJob {
        job: Job::CalendarRefresh(CalendarJob { workspace_id, reply_to: None }),
        key: format!("{}:{workspace_id}:{}", Job::CALENDAR_REFRESH, due.date_naive()),
        due_at: due,
        expires_at: None,
    })
    .await?;
    Ok(())
}
