//! Purpose: a standup's weekly participation summary (issue 11), switched on with
//! `standup edit <name> weekly_summary=fri 16:00` (a weekday and time of the digest zone) and off
//! with `weekly_summary=off`: one `weekly_summary` job at a time per standup, each posting the
//! last seven days against the seven before to the report channel and scheduling the next.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

use crate::context::Context;
use crate::domain::calendar::Timezone;
use crate::domain::command::WeeklyAt;
use crate::domain::events::{Destination, OutgoingMessage, Purpose};
use crate::domain::schedule::{local_date_of, local_to_instant};
use crate::features::stats::participation::summarise;
use crate::features::texts::stats as texts;
use crate::ports::StandupRecord;
use crate::ports::jobs::{Job, JobOutcome, NewJob, WeeklySummaryJob};

/// The period one summary covers (and the one before it, for the trend).
const PERIOD: Duration = Duration::days(7);

/// A summary this late is not posted (its week is long told by the next digests); the next
/// one is scheduled instead.
const POST_WITHIN: Duration = Duration::days(1);

fn digest_tz(standup: &StandupRecord) -> chrono_tz::Tz {
    standup.digest_tz.parse::<Timezone>().map_or(chrono_tz::UTC, |tz| tz.0)
}

fn prefix(standup_id: i64) -> String {
    format!("{}:{standup_id}:", Job::WEEKLY_SUMMARY)
}

/// Applies `weekly_summary=` of `standup create/edit` (`None`: not given) and moves the pending
/// summary to the standup's current setting and digest zone; returns the line the reply adds
/// when the option was given.
pub async fn apply(
    bot: &Context,
    standup: &StandupRecord,
    given: Option<Option<WeeklyAt>>,
) -> anyhow::Result<Option<String>> {
    if let Some(when) = given {
        bot.store.set_weekly_summary(standup.id, when).await?;
    }
    // A summary already due (the tick that posts it has not come yet) stays, as a digest does.
    if given.is_none()
        && let Some((due, _)) = bot.store.pending_job(&prefix(standup.id)).await?
        && due <= bot.now()
    {
        return Ok(None);
    }
    bot.store.drop_pending_jobs(&prefix(standup.id)).await?;
    let when = bot.store.weekly_summary(standup.id).await?;
    if let Some(when) = when {
        schedule_from(bot, standup, when, local_date_of(digest_tz(standup), bot.now())).await?;
    }
    Ok(given.map(|when| texts::weekly_summary_set(when, &standup.digest_tz)))
}

/// Drops the pending summary of a deleted standup.
pub async fn unschedule(bot: &Context, standup_id: i64) -> anyhow::Result<()> {
    bot.store.drop_pending_jobs(&prefix(standup_id)).await?;
    Ok(())
}

/// Schedules the first summary on or after `from` (digest zone) whose time is still to come.
async fn schedule_from(bot: &Context, standup: &StandupRecord, when: WeeklyAt, from: NaiveDate) -> anyhow::Result<()> {
    let tz = digest_tz(standup);
    let now = bot.now();
    let Some((date, due)) = from
        .iter_days()
        .take(15)
        .filter(|date| date.weekday() == when.day)
        .map(|date| (date, local_to_instant(tz, date, when.at)))
        .find(|(_, due)| *due > now)
    else {
        return Ok(());
    };
    bot.schedule(NewJob {
        job: Job::WeeklySummary(WeeklySummaryJob { standup_id: standup.id, date }),
        key: format!("{}{date}", prefix(standup.id)),
        due_at: due,
        expires_at: Some(due + POST_WITHIN),
    })
    .await?;
    Ok(())
}

/// Posts a due summary (unless the standup is paused or the day is a holiday) and schedules the
/// next.
pub async fn run_job(bot: &Context, job: WeeklySummaryJob, _now: DateTime<Utc>) -> anyhow::Result<JobOutcome> {
    let Some(standup) = bot.store.standup(job.standup_id).await? else { return Ok(JobOutcome::Done) };
    let Some(when) = bot.store.weekly_summary(standup.id).await? else { return Ok(JobOutcome::Done) };
    // On a holiday (the workspace's or the standup's own day off, in the digest zone) nothing is
    // posted, as no digest is; the next week's summary follows.
    let holiday = crate::features::holidays::observed(bot, &standup).await?.skipped_dates.contains(&job.date);
    if holiday {
        tracing::info!(standup = %standup.name, date = %job.date, "weekly summary skipped: a holiday");
    }
    if !standup.paused && !holiday {
        // The week ends at the summary's own time, so a summary posted late counts the same days.
        let end = local_to_instant(digest_tz(&standup), job.date, when.at);
        let facts = |since, until| bot.store.run_facts(standup.workspace_id, Some(standup.id), since, until);
        let current = summarise(&facts(end - PERIOD, end).await?);
        let before = summarise(&facts(end - PERIOD - PERIOD, end - PERIOD).await?);
        let text = texts::weekly_summary(bot.markup, &standup.name, current.first(), before.first());
        let post = OutgoingMessage::new(Destination::Post { channel: standup.channel.clone() }, Purpose::Other, text);
        bot.send(standup.workspace_id, vec![post]).await?;
    }
    schedule_from(bot, &standup, when, job.date + Duration::days(1)).await?;
    Ok(JobOutcome::Done)
}

/// A summary whose day passed while the bot was down: only the next one is scheduled.
pub async fn missed_job(bot: &Context, job: WeeklySummaryJob) -> anyhow::Result<()> {
    let Some(standup) = bot.store.standup(job.standup_id).await? else { return Ok(()) };
    let Some(when) = bot.store.weekly_summary(standup.id).await? else { return Ok(()) };
    schedule_from(bot, &standup, when, job.date + Duration::days(1)).await
}
