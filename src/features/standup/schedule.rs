//! Purpose: when each member is prompted — the pure rule (`plan_day`: the standup's local time in
//! the member's zone, moved to the start of their working hours, never on non-working,
//! out-of-office or skipped days) and the jobs that carry it out: one pending prompt job per
//! (standup, member), one reminder per run, and the missed-prompt policy after downtime.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::context::Context;
use crate::domain::availability::Availability;
use crate::domain::events::{Destination, MessageAction, OutgoingMessage, Purpose};
use crate::domain::member::Member;
use crate::domain::schedule::{Recurrence, local_date_of};
use crate::features::holidays;
use crate::features::texts::standup as texts;
use crate::jobs::{Job, JobOutcome, NewJob, RunJob};
use crate::ports::{MemberChanges, RunKey, RunState, StandupRecord};

/// How many local dates ahead the next prompt is looked for (a year and a bit).
pub(super) const SEARCH_DAYS: usize = 400;

/// What a standup means for one member on one local date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayPlan {
    /// Prompt at `due`; past `expires` (the end of the working period) it is missed.
    Prompt {
        /// When the prompt goes out.
        due: DateTime<Utc>,
        /// The end of the member's working period that day.
        expires: DateTime<Utc>,
    },
    /// A standup day on which the member is out of office (shown as away).
    Away,
    /// A skipped date (holiday) of the standup.
    Skipped,
    /// The standup does not run, or the member does not work, that day.
    NoStandup,
}

/// The rule of SPEC §3 for one date: the recurrence's instant on the member's wall clock, never
/// before the start of their working period. A time after the end of that day's working period
/// (an 18:00 standup for someone who stops at 17:00) is moved to the start of their next working
/// period, so the member still takes part and the digest can say when. (Hours and the standup's
/// time are the same wall-clock times every day, so that next period's own date is after hours
/// too, and its prompt moves on in turn: one prompt per working period.)
pub fn plan_day(
    recurrence: &Recurrence,
    availability: &Availability,
    skipped: &[NaiveDate],
    date: NaiveDate,
) -> DayPlan {
    let Some(at) = recurrence.occurrence_on(availability.tz, date) else { return DayPlan::NoStandup };
    if skipped.contains(&date) {
        return DayPlan::Skipped;
    }
    if availability.is_out_of_office(date) {
        return DayPlan::Away;
    }
    match availability.working_period_on(date) {
        Some((start, end)) if at.max(start) < end => DayPlan::Prompt { due: at.max(start), expires: end },
        Some(_) => match availability.current_or_next_period(at) {
            Some((start, end)) => DayPlan::Prompt { due: start.max(at), expires: end },
            None => DayPlan::NoStandup,
        },
        None => DayPlan::NoStandup,
    }
}

/// Whether the standup's time on `date` comes after the member's working period that day.
pub fn after_hours_on(recurrence: &Recurrence, availability: &Availability, date: NaiveDate) -> bool {
    let Some(at) = recurrence.occurrence_on(availability.tz, date) else { return false };
    availability.working_period_on(date).is_some_and(|(start, end)| at.max(start) >= end)
}

/// Key prefix of a member's prompt jobs for a standup (the trailing colon keeps `1:` from matching `12:`).
pub fn prompt_prefix(standup_id: i64, member_id: i64) -> String {
    format!("{}:{standup_id}:{member_id}:", Job::STANDUP_PROMPT)
}

fn reminder_prefix(standup_id: i64, member_id: i64) -> String {
    format!("{}:{standup_id}:{member_id}:", Job::STANDUP_REMINDER)
}

/// The standup's recurrence; a stored one that no longer parses stops only this standup.
pub fn recurrence_of(standup: &StandupRecord) -> anyhow::Result<Recurrence> {
    standup.recurrence.parse().map_err(|e: crate::domain::calendar::ValueError| anyhow::anyhow!(e.0))
}

/// What the scheduler does for one member on one local date, runs included: the one plan that
/// [`schedule_next`] acts on and `standup preview` shows, so a preview never lists a prompt that
/// will not be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Planned {
    /// A prompt goes out at `due`; past `expires` (the end of the working period) it is missed.
    Prompt {
        /// When the prompt goes out.
        due: DateTime<Utc>,
        /// The end of the member's working period that day.
        expires: DateTime<Utc>,
    },
    /// The day's prompt time has passed without a run: no prompt that day any more.
    Passed,
    /// The day has its run already (answered early, skipped, prompted, missed, away): no prompt.
    Run(RunState),
    /// A standup day on which the member is out of office.
    Away,
    /// A skipped date (holiday) of the standup.
    Holiday,
    /// The standup does not run, or the member does not work, that day.
    NoStandup,
}

/// The plan for `date`: [`plan_day`], then the run that may exist. With `late_ok` a prompt whose
/// time has passed still goes out while its working period lasts (after downtime, or when it
/// was already due as a change came in).
pub async fn plan_date(
    bot: &Context,
    standup: &StandupRecord,
    recurrence: &Recurrence,
    member: &Member,
    date: NaiveDate,
    late_ok: bool,
) -> anyhow::Result<Planned> {
    let now = bot.now();
    Ok(match plan_day(recurrence, &member.availability, &standup.skipped_dates, date) {
        DayPlan::Prompt { due, expires } => {
            if (late_ok && expires <= now) || (!late_ok && due < now) {
                Planned::Passed
            } else {
                let key = RunKey { standup_id: standup.id, member_id: member.id, local_date: date };
                match bot.store.run(&key).await? {
                    Some(run) => Planned::Run(run.state),
                    None => Planned::Prompt { due, expires },
                }
            }
        }
        DayPlan::Away => Planned::Away,
        DayPlan::Skipped => Planned::Holiday,
        DayPlan::NoStandup => Planned::NoStandup,
    })
}

/// The member-local date of a prompt job key (`standup_prompt:1:2:2026-03-30`).
fn date_of_key(key: &str) -> Option<NaiveDate> {
    key.rsplit(':').next()?.parse().ok()
}

/// Replaces the member's pending prompt job with the first prompt on or after `from`: one whose
/// time has not come yet, or with `late_ok` one whose working period has not ended (a late prompt
/// after downtime, SPEC §3). Dates that already have a run (answered early, skipped) are passed.
/// A change never moves a prompt that is already due to a later day: the date of a pending job
/// whose time has come (the tick that runs it has not come yet) keeps its prompt, late.
pub async fn schedule_next(
    bot: &Context,
    standup: &StandupRecord,
    member_id: i64,
    from: NaiveDate,
    late_ok: bool,
) -> anyhow::Result<()> {
    if !standup.members.contains(&member_id) {
        bot.store.take_pending_jobs(&prompt_prefix(standup.id, member_id)).await?;
        return Ok(());
    }
    let recurrence = recurrence_of(standup)?;
    let standup = &holidays::observed(bot, standup).await?;
    schedule_member(bot, standup, &recurrence, member_id, from, late_ok).await
}

/// [`schedule_next`] for a member known to take part; the cost is one member's, whatever the
/// standup's size (a keyed range of jobs, a few runs), so rescheduling a standup is linear.
async fn schedule_member(
    bot: &Context,
    standup: &StandupRecord,
    recurrence: &Recurrence,
    member_id: i64,
    from: NaiveDate,
    late_ok: bool,
) -> anyhow::Result<()> {
    let now = bot.now();
    let taken = bot.store.take_pending_jobs(&prompt_prefix(standup.id, member_id)).await?;
    let already_due: Vec<NaiveDate> =
        taken.iter().filter(|(due, _)| *due <= now).filter_map(|(_, key)| date_of_key(key)).collect();
    if standup.paused {
        return Ok(());
    }
    let member = bot.member_by_id(member_id).await?;
    let from = already_due.iter().copied().min().map_or(from, |due| due.min(from));
    for date in from.iter_days().take(SEARCH_DAYS) {
        let late = late_ok || already_due.contains(&date);
        let Planned::Prompt { due, expires } = plan_date(bot, standup, recurrence, &member, date, late).await? else {
            continue;
        };
        bot.schedule(NewJob {
            job: Job::StandupPrompt(RunJob { standup_id: standup.id, member_id, date }),
            key: format!("{}{date}", prompt_prefix(standup.id, member_id)),
            due_at: due,
            expires_at: Some(expires),
        })
        .await?;
        return Ok(());
    }
    Ok(())
}

/// Schedules every member's next prompt from their own today (after a create, an edit, a resume).
pub async fn schedule_all(bot: &Context, standup: &StandupRecord) -> anyhow::Result<()> {
    let recurrence = recurrence_of(standup)?;
    let standup = &holidays::observed(bot, standup).await?;
    for &member_id in &standup.members {
        let member = bot.member_by_id(member_id).await?;
        let today = local_date_of(member.tz(), bot.now());
        schedule_member(bot, standup, &recurrence, member_id, today, false).await?;
    }
    Ok(())
}

/// Drops a member's pending prompt and reminder (they left, the standup paused or went away).
pub async fn unschedule_member(bot: &Context, standup_id: i64, member_id: i64) -> anyhow::Result<()> {
    bot.store.take_pending_jobs(&prompt_prefix(standup_id, member_id)).await?;
    bot.store.take_pending_jobs(&reminder_prefix(standup_id, member_id)).await?;
    Ok(())
}

/// A due prompt: creates the run and queues the DM in one transaction (exactly once), schedules
/// the reminder and the next prompt.
pub async fn run_prompt(bot: &Context, payload: RunJob, now: DateTime<Utc>) -> anyhow::Result<JobOutcome> {
    let Some(standup) = bot.store.standup(payload.standup_id).await? else { return Ok(JobOutcome::Done) };
    if standup.paused || !standup.members.contains(&payload.member_id) {
        return Ok(JobOutcome::Done);
    }
    let standup = holidays::observed(bot, &standup).await?;
    let member = bot.member_by_id(payload.member_id).await?;
    let recurrence = recurrence_of(&standup)?;
    match plan_day(&recurrence, &member.availability, &standup.skipped_dates, payload.date) {
        DayPlan::Prompt { expires, .. } if !member.unreachable && member.availability.is_working_at(now) => {
            let mut text = texts::prompt(bot.markup, &standup.name, &standup.questions);
            // SPEC §2: a member on the workspace default zone is told once how to set theirs.
            let tell_zone = member.tz_is_default && !bot.store.member(member.id).await?.tz_notice_sent;
            if tell_zone {
                text = format!("{text}\n{}", texts::zone_notice(member.tz().name()));
            }
            let prompt =
                OutgoingMessage::new(Destination::Dm { user: member.user.clone() }, Purpose::StandupPrompt, text)
                    .with_actions(vec![
                        MessageAction::AnswerStandup { standup: standup.name.clone() },
                        MessageAction::SkipStandup { standup: standup.name.clone() },
                    ]);
            let tz = member.tz().name();
            if bot.store.prompt_run(&payload.run_key(), tz, standup.workspace_id, &prompt, now).await? {
                if tell_zone {
                    let changes = MemberChanges { tz_notice_sent: Some(true), ..MemberChanges::default() };
                    bot.store.update_member(member.id, &changes).await?;
                }
                schedule_reminder(bot, &standup, payload, now, expires).await?;
            }
        }
        DayPlan::Away => {
            bot.store.settle_run(&payload.run_key(), member.tz().name(), RunState::Away, now).await?;
        }
        _ => {}
    }
    schedule_next(bot, &standup, payload.member_id, payload.date + Duration::days(1), true).await?;
    Ok(JobOutcome::Done)
}

async fn schedule_reminder(
    bot: &Context,
    standup: &StandupRecord,
    payload: RunJob,
    now: DateTime<Utc>,
    expires: DateTime<Utc>,
) -> anyhow::Result<()> {
    let Some(delay) = standup.reminder else { return Ok(()) };
    let due = now + delay;
    if due >= expires {
        // It would land outside working hours: no reminder rather than a late one.
        return Ok(());
    }
    bot.schedule(NewJob {
        job: Job::StandupReminder(payload),
        key: format!("{}{}", reminder_prefix(standup.id, payload.member_id), payload.date),
        due_at: due,
        expires_at: Some(expires),
    })
    .await?;
    Ok(())
}

/// A due reminder: sent once, only while the run waits and the member is working.
pub async fn run_reminder(bot: &Context, payload: RunJob, now: DateTime<Utc>) -> anyhow::Result<JobOutcome> {
    let Some(standup) = bot.store.standup(payload.standup_id).await?.filter(|s| !s.paused) else {
        return Ok(JobOutcome::Done);
    };
    let Some(run) = bot.store.run(&payload.run_key()).await? else { return Ok(JobOutcome::Done) };
    let member: Member = bot.member_by_id(payload.member_id).await?;
    if run.state != RunState::Prompted || member.unreachable || !member.availability.is_working_at(now) {
        return Ok(JobOutcome::Done);
    }
    // A holiday declared after the prompt went out: no reminder that day.
    if holidays::is_holiday(bot, standup.workspace_id, payload.date).await? {
        return Ok(JobOutcome::Done);
    }
    let text = texts::reminder(bot.markup, &standup.name, run.next_question, &standup.questions);
    let reminder = OutgoingMessage::new(Destination::Dm { user: member.user }, Purpose::StandupReminder, text)
        .with_actions(vec![MessageAction::AnswerStandup { standup: standup.name.clone() }]);
    bot.store.remind_run(run.id, standup.workspace_id, &reminder, now).await?;
    Ok(JobOutcome::Done)
}

/// A prompt whose working day ended unsent (downtime): recorded as missed, and the next prompt is
/// looked for from the member's today — late if today's working period is still on, never one
/// per missed day.
pub async fn prompt_missed(bot: &Context, payload: RunJob, now: DateTime<Utc>) -> anyhow::Result<()> {
    let Some(standup) = bot.store.standup(payload.standup_id).await? else { return Ok(()) };
    if !standup.members.contains(&payload.member_id) {
        return Ok(());
    }
    let member = bot.member_by_id(payload.member_id).await?;
    bot.store.settle_run(&payload.run_key(), member.tz().name(), RunState::Missed, now).await?;
    let today = local_date_of(member.tz(), now);
    schedule_next(bot, &standup, payload.member_id, today.max(payload.date + Duration::days(1)), true).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::availability::OooRange;
    use crate::domain::calendar::{Weekdays, WorkingHours};
    use chrono::NaiveTime;

    fn berlin() -> Availability {
        Availability::with_defaults(chrono_tz::Europe::Berlin)
    }

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn a_prompt_before_working_hours_moves_to_their_start() {
        let early = Recurrence::weekly(NaiveTime::from_hms_opt(7, 0, 0).unwrap(), Weekdays::MON_FRI);
        let plan = plan_day(&early, &berlin(), &[], date("2026-03-30"));
        assert_eq!(plan, DayPlan::Prompt { due: utc("2026-03-30T07:00:00Z"), expires: utc("2026-03-30T15:00:00Z") });
    }

    #[test]
    fn the_prompt_follows_the_member_across_the_dst_change() {
        let at = Recurrence::weekly(NaiveTime::from_hms_opt(9, 30, 0).unwrap(), Weekdays::MON_FRI);
        let before = plan_day(&at, &berlin(), &[], date("2026-03-27"));
        let after = plan_day(&at, &berlin(), &[], date("2026-03-30"));
        assert!(matches!(before, DayPlan::Prompt { due, .. } if due == utc("2026-03-27T08:30:00Z")));
        assert!(matches!(after, DayPlan::Prompt { due, .. } if due == utc("2026-03-30T07:30:00Z")));
    }

    #[test]
    fn away_skipped_and_non_working_days_get_no_prompt() {
        let at = Recurrence::weekly(NaiveTime::from_hms_opt(9, 30, 0).unwrap(), Weekdays::ALL);
        let mut member = berlin();
        member.out_of_office.push(OooRange { from: date("2026-03-31"), to: date("2026-03-31") });
        assert_eq!(plan_day(&at, &member, &[], date("2026-03-31")), DayPlan::Away);
        assert_eq!(plan_day(&at, &member, &[date("2026-04-01")], date("2026-04-01")), DayPlan::Skipped);
        assert_eq!(plan_day(&at, &member, &[], date("2026-03-28")), DayPlan::NoStandup);
    }

    #[test]
    fn a_prompt_time_after_working_hours_moves_to_the_start_of_the_next_working_period() {
        let late = Recurrence::weekly(NaiveTime::from_hms_opt(18, 0, 0).unwrap(), Weekdays::MON_FRI);
        let mut member = berlin();
        member.hours = "09:00-17:00".parse::<WorkingHours>().unwrap();
        // Monday's 18:00 → Tuesday 09:00 Berlin, missed past Tuesday 17:00.
        let monday = plan_day(&late, &member, &[], date("2026-03-30"));
        assert_eq!(monday, DayPlan::Prompt { due: utc("2026-03-31T07:00:00Z"), expires: utc("2026-03-31T15:00:00Z") });
        // Friday's → Monday 09:00 (the weekend is not worked).
        let friday = plan_day(&late, &member, &[], date("2026-04-03"));
        assert!(matches!(friday, DayPlan::Prompt { due, .. } if due == utc("2026-04-06T07:00:00Z")), "{friday:?}");
    }
}
