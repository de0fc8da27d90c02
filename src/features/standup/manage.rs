//! Purpose: creating and changing standups — `/async standup create|edit|delete|pause|resume|
//! list|join|leave|skip|preview`, and [`seed_standup`] for the simulator, which creates a standup
//! exactly as `create` does.

use std::collections::HashSet;

use chrono::{Duration, NaiveDate, NaiveTime};

use crate::context::Context;
use crate::domain::calendar::{Timezone, Weekdays};
use crate::domain::command::{DigestWhenEmpty, MAX_QUESTIONS, StandupOptions};
use crate::domain::markup::TimeStyle;
use crate::domain::member::Member;
use crate::domain::schedule::{Recurrence, local_date_of};
use crate::features::commands::CommandContext;
use crate::features::digest;
use crate::features::stats::weekly;
use crate::features::texts::digest as digest_texts;
use crate::features::texts::standup::{self as texts, SkipOutcome};
use crate::ports::{RunKey, RunState, StandupRecord};

use super::schedule::{
    DayPlan, after_hours_on, plan_day, recurrence_of, schedule_all, schedule_next, unschedule_member,
};

/// How far ahead `create`/`edit` look for a member's next standup day to tell whether its time
/// falls after their working hours.
const AFTER_HOURS_LOOKAHEAD_DAYS: usize = 14;

/// The members whose next standup time comes after their working day ends, with when they are
/// prompted instead (the start of their next working period): said when a standup is created or
/// changed, so nobody silently drops out of it.
async fn after_hours_note(bot: &Context, standup: &StandupRecord) -> anyhow::Result<Option<String>> {
    let recurrence = recurrence_of(standup)?;
    let mut affected = Vec::new();
    for &member_id in &standup.members {
        let member = bot.member_by_id(member_id).await?;
        let availability = &member.availability;
        let today = local_date_of(member.tz(), bot.now());
        let next_day = today.iter_days().take(AFTER_HOURS_LOOKAHEAD_DAYS).find(|date| {
            recurrence.occurrence_on(member.tz(), *date).is_some()
                && availability.is_working_day(*date)
                && !standup.skipped_dates.contains(date)
        });
        let Some(date) = next_day.filter(|date| after_hours_on(&recurrence, availability, *date)) else { continue };
        let name = if member.name.is_empty() { member.user.clone() } else { member.name.clone() };
        let instead = match plan_day(&recurrence, availability, &standup.skipped_dates, date) {
            DayPlan::Prompt { due, .. } => Some(bot.markup.time(due, TimeStyle::DateTime)),
            _ => None,
        };
        affected.push((name, instead));
    }
    Ok((!affected.is_empty()).then(|| texts::after_hours(bot.markup, &affected)))
}

/// Digest time when `create` gives none: the end of a default working day.
pub const DEFAULT_DIGEST_AT: (u32, u32) = (17, 0);

/// A standup to create (from `/async standup create` or a simulation scenario).
#[derive(Debug, Clone)]
pub struct StandupSpec {
    /// Unique name in the workspace.
    pub name: String,
    /// Platform id of the report channel.
    pub channel: String,
    /// Platform user ids of the participants.
    pub members: Vec<String>,
    /// When prompts go out, in each member's zone.
    pub recurrence: Recurrence,
    /// 1 to 5 questions.
    pub questions: Vec<String>,
    /// 1-based number of the blocker question.
    pub blocker_question: Option<usize>,
    /// Digest time in `digest_tz`.
    pub digest_at: NaiveTime,
    /// Zone of the digest time.
    pub digest_tz: Timezone,
    /// Reminder delay; `None` = no reminder.
    pub reminder: Option<Duration>,
    /// Dates without a standup.
    pub skipped_dates: Vec<NaiveDate>,
    /// Whether a digest with nothing to report posts one line or nothing.
    pub digest_when_empty: DigestWhenEmpty,
}

/// Checks the rules a standup must keep; the error is the sentence the user sees.
fn validate(questions: &[String], blocker: Option<usize>) -> Result<(), String> {
    if questions.is_empty() || questions.len() > MAX_QUESTIONS {
        return Err(texts::bad_question_count(questions.len(), MAX_QUESTIONS));
    }
    match blocker {
        Some(b) if b == 0 || b > questions.len() => Err(texts::bad_blocker(b, questions.len())),
        _ => Ok(()),
    }
}

/// Creates a standup from a spec and schedules its prompts and digest; `Err` is the sentence to
/// show (a duplicate name, bad questions).
async fn create(bot: &Context, workspace_id: i64, spec: &StandupSpec) -> anyhow::Result<Result<StandupRecord, String>> {
    if let Err(message) = validate(&spec.questions, spec.blocker_question) {
        return Ok(Err(message));
    }
    // Names match case-insensitively, so `Daily` is taken when `daily` exists.
    if let Some(existing) = bot.store.standup_named(workspace_id, &spec.name).await? {
        return Ok(Err(texts::duplicate(&existing.name)));
    }
    let channel = bot.store.ensure_channel(workspace_id, &spec.channel).await?;
    let mut members = Vec::new();
    for user in &spec.members {
        let (record, _) = bot.store.ensure_member(workspace_id, user, bot.now()).await?;
        if !members.contains(&record.id) {
            members.push(record.id);
        }
    }
    let mut standup = StandupRecord {
        id: 0,
        workspace_id,
        name: spec.name.clone(),
        channel: spec.channel.clone(),
        questions: spec.questions.clone(),
        blocker_question: spec.blocker_question,
        recurrence: spec.recurrence.to_string(),
        digest_at: spec.digest_at,
        digest_tz: spec.digest_tz.name().to_owned(),
        reminder: spec.reminder,
        skipped_dates: spec.skipped_dates.clone(),
        paused: false,
        digest_when_empty: spec.digest_when_empty,
        created_at: bot.now(),
        members,
    };
    let Some(id) = bot.store.create_standup(&standup, channel.id).await? else {
        return Ok(Err(texts::duplicate(&spec.name)));
    };
    standup.id = id;
    schedule_all(bot, &standup).await?;
    digest::schedule_first(bot, &standup).await?;
    Ok(Ok(standup))
}

/// Creates a standup for the simulator exactly as `/async standup create` would. Members the bot
/// has not met yet are created with the workspace defaults, so seed members (zone, hours) first.
pub async fn seed_standup(bot: &Context, workspace_id: i64, spec: &StandupSpec) -> anyhow::Result<()> {
    create(bot, workspace_id, spec).await?.map_err(|message| anyhow::anyhow!(message))?;
    Ok(())
}

fn recurrence_from(options: &StandupOptions, current: Option<&Recurrence>) -> Result<Option<Recurrence>, String> {
    if let Some(expr) = &options.cron {
        return Recurrence::cron(expr).map(Some).map_err(|e| texts::bad_schedule(&e.0));
    }
    if options.at.is_none() && options.days.is_none() {
        return Ok(None);
    }
    let (at, days) = match current {
        Some(Recurrence::Weekly { at, days }) => (*at, *days),
        _ => (NaiveTime::from_hms_opt(9, 30, 0).unwrap_or(NaiveTime::MIN), Weekdays::MON_FRI),
    };
    Ok(Some(Recurrence::weekly(options.at.unwrap_or(at), options.days.unwrap_or(days))))
}

/// `/async standup create`: the spec from the options. Defaults: report channel and members are
/// the channel typed in and its author, days mon-fri, digest at 17:00 in the workspace zone,
/// reminder from `standup.reminder`. Typed in a DM it needs `channel=`: a DM is nobody's report
/// channel (SPEC is silent; the digest would reach one person, or fail where the bot is not in it).
pub async fn create_command(
    bot: &Context,
    ctx: &CommandContext<'_>,
    name: String,
    options: StandupOptions,
) -> anyhow::Result<String> {
    let recurrence = match recurrence_from(&options, None) {
        Ok(Some(recurrence)) => recurrence,
        Ok(None) => return Ok(texts::bad_schedule("add at=09:30 or cron=\"0 30 9 * * Mon-Fri\"")),
        Err(message) => return Ok(message),
    };
    let channel = match (&options.channel, ctx.invocation.is_dm) {
        (Some(channel), _) => channel.clone(),
        (None, true) => return Ok(texts::create_needs_channel(&name)),
        (None, false) => ctx.invocation.channel.clone(),
    };
    let members = options.members.clone().unwrap_or_else(|| vec![ctx.invocation.user.clone()]);
    for user in &members {
        // Resolves profiles (zone, name) of members the bot has not met yet.
        bot.member(ctx.workspace_id, &ctx.invocation.workspace, user).await?;
    }
    let spec = StandupSpec {
        name,
        channel,
        members,
        recurrence,
        questions: options.questions.clone().unwrap_or_default(),
        blocker_question: options.blocker,
        digest_at: options.digest_at.unwrap_or_else(|| {
            NaiveTime::from_hms_opt(DEFAULT_DIGEST_AT.0, DEFAULT_DIGEST_AT.1, 0).unwrap_or(NaiveTime::MIN)
        }),
        digest_tz: options.digest_tz.unwrap_or(bot.settings.workspace.timezone),
        reminder: options.reminder.unwrap_or(bot.settings.standup.reminder),
        skipped_dates: options.holidays.clone().unwrap_or_default(),
        digest_when_empty: options.digest_when_empty.unwrap_or_default(),
    };
    Ok(match create(bot, ctx.workspace_id, &spec).await? {
        Ok(standup) => {
            let created = texts::created(
                bot.markup,
                &standup.name,
                &spec.recurrence.to_string(),
                &spec.channel,
                standup.members.len(),
            );
            let created = with_note(created, options.digest_when_empty.map(digest_texts::when_empty_set));
            let created = with_note(created, weekly::apply(bot, &standup, options.weekly_summary).await?);
            with_note(created, after_hours_note(bot, &standup).await?)
        }
        Err(message) => message,
    })
}

/// Saves a changed standup and reschedules prompts (and the digest when `digest_changed`).
async fn save(
    bot: &Context,
    before: &StandupRecord,
    after: &StandupRecord,
    digest_changed: bool,
) -> anyhow::Result<()> {
    let channel = bot.store.ensure_channel(after.workspace_id, &after.channel).await?;
    bot.store.save_standup(after, channel.id).await?;
    // Members who stay keep today's reminder; their prompt job is replaced by `schedule_all`.
    let staying: HashSet<i64> = after.members.iter().copied().collect();
    for member_id in before.members.iter().filter(|id| after.paused || !staying.contains(id)) {
        unschedule_member(bot, before.id, *member_id).await?;
    }
    schedule_all(bot, after).await?;
    if digest_changed {
        digest::reschedule(bot, after).await?;
    }
    Ok(())
}

/// `/async standup edit`: only the given settings change.
pub async fn edit(
    bot: &Context,
    ctx: &CommandContext<'_>,
    standup: StandupRecord,
    options: StandupOptions,
) -> anyhow::Result<String> {
    let mut after = standup.clone();
    match recurrence_from(&options, recurrence_of(&standup).ok().as_ref()) {
        Ok(Some(recurrence)) => after.recurrence = recurrence.to_string(),
        Ok(None) => {}
        Err(message) => return Ok(message),
    }
    if let Some(questions) = &options.questions {
        after.questions.clone_from(questions);
    }
    if options.blocker.is_some() {
        after.blocker_question = options.blocker;
    }
    if let Err(message) = validate(&after.questions, after.blocker_question) {
        return Ok(message);
    }
    if let Some(channel) = &options.channel {
        after.channel.clone_from(channel);
    }
    if let Some(members) = &options.members {
        after.members.clear();
        for user in members {
            let member = bot.member(ctx.workspace_id, &ctx.invocation.workspace, user).await?;
            after.members.push(member.id);
        }
    }
    after.digest_at = options.digest_at.unwrap_or(after.digest_at);
    if let Some(tz) = options.digest_tz {
        after.digest_tz = tz.name().to_owned();
    }
    if let Some(reminder) = options.reminder {
        after.reminder = reminder;
    }
    if let Some(days_off) = &options.holidays {
        after.skipped_dates.clone_from(days_off);
    }
    if let Some(when_empty) = options.digest_when_empty {
        after.digest_when_empty = when_empty;
    }
    let digest_changed = after.digest_at != standup.digest_at
        || after.digest_tz != standup.digest_tz
        || after.skipped_dates != standup.skipped_dates;
    save(bot, &standup, &after, digest_changed || after.recurrence != standup.recurrence).await?;
    let updated = texts::changed(bot.markup, &after.name, "is updated");
    let updated = with_note(updated, options.digest_when_empty.map(digest_texts::when_empty_set));
    // The summary follows the digest zone, so it is placed again after any change.
    let updated = with_note(updated, weekly::apply(bot, &after, options.weekly_summary).await?);
    Ok(with_note(updated, after_hours_note(bot, &after).await?))
}

fn with_note(reply: String, note: Option<String>) -> String {
    match note {
        Some(note) => format!("{reply}\n{note}"),
        None => reply,
    }
}

/// `/async standup pause|resume`.
pub async fn set_paused(bot: &Context, standup: StandupRecord, paused: bool) -> anyhow::Result<String> {
    let after = StandupRecord { paused, ..standup.clone() };
    save(bot, &standup, &after, false).await?;
    Ok(texts::changed(bot.markup, &after.name, if paused { "is paused: no prompts or digests" } else { "is back on" }))
}

/// `/async standup delete <name> [confirm]`: without `confirm` it only says what would be
/// removed (runs, answers and digests go for good), so a slip of the keyboard deletes nothing.
pub async fn delete(bot: &Context, standup: StandupRecord, confirm: bool) -> anyhow::Result<String> {
    if !confirm {
        let footprint = bot.store.standup_footprint(standup.id).await?;
        return Ok(texts::delete_asks(bot.markup, &standup.name, standup.members.len(), footprint));
    }
    for member_id in &standup.members {
        unschedule_member(bot, standup.id, *member_id).await?;
    }
    digest::unschedule(bot, standup.id).await?;
    weekly::unschedule(bot, standup.id).await?;
    bot.store.delete_standup(standup.id).await?;
    Ok(texts::changed(bot.markup, &standup.name, "is deleted"))
}

/// `/async standup join|leave`: only this member's row and jobs change, so a join costs the
/// same in a standup of three or of eight hundred, and nobody else's prompt moves.
pub async fn join(
    bot: &Context,
    ctx: &CommandContext<'_>,
    standup: StandupRecord,
    joining: bool,
) -> anyhow::Result<String> {
    let member_id = ctx.member.id;
    match (joining, standup.members.contains(&member_id)) {
        (true, true) => return Ok(texts::already_in(bot.markup, &standup.name)),
        (false, false) => return Ok(texts::not_in(bot.markup, &standup.name)),
        _ => {}
    }
    bot.store.set_standup_member(standup.id, member_id, joining).await?;
    if joining {
        let mut after = standup.clone();
        after.members.push(member_id);
        let today = local_date_of(ctx.member.tz(), bot.now());
        schedule_next(bot, &after, member_id, today, false).await?;
    } else {
        unschedule_member(bot, standup.id, member_id).await?;
    }
    Ok(texts::changed(
        bot.markup,
        &standup.name,
        if joining { "has you in: your first prompt comes at the next standup time" } else { "goes on without you" },
    ))
}

/// `/async standup list`.
pub async fn list(bot: &Context, ctx: &CommandContext<'_>) -> anyhow::Result<String> {
    let standups = bot.store.standups(ctx.workspace_id).await?;
    if standups.is_empty() {
        return Ok(texts::none_yet());
    }
    let lines: Vec<String> = standups
        .iter()
        .map(|s| {
            let mine = s.members.contains(&ctx.member.id);
            texts::list_line(bot.markup, &s.name, &s.recurrence, s.members.len(), mine, s.paused)
        })
        .collect();
    Ok(lines.join("\n"))
}

/// `/async standup skip [name] [date]`: each of the member's standups (or the named one) skips
/// that local date, where there is a prompt to skip; the reply says what happened to each, and a
/// day already answered, already over or without a prompt is left as it is.
pub async fn skip(
    bot: &Context,
    ctx: &CommandContext<'_>,
    name: Option<&str>,
    date: Option<NaiveDate>,
) -> anyhow::Result<String> {
    let today = local_date_of(ctx.member.tz(), bot.now());
    let date = date.unwrap_or(today);
    if date < today {
        return Ok(texts::skip_in_the_past(date));
    }
    let standups = match name {
        Some(name) => match bot.store.standup_named(ctx.workspace_id, name).await? {
            None => return Ok(texts::unknown_standup(name)),
            Some(standup) if !standup.members.contains(&ctx.member.id) => {
                return Ok(texts::not_a_member(&standup.name));
            }
            Some(standup) => vec![standup],
        },
        None => bot.store.standups_of(ctx.member.id).await?,
    };
    if standups.is_empty() {
        return Ok(texts::no_standups());
    }
    let mut outcomes = Vec::new();
    for standup in standups {
        let outcome = skip_one(bot, &standup, &ctx.member, date).await?;
        outcomes.push((standup.name, outcome));
    }
    Ok(texts::skip_result(date, &outcomes))
}

async fn skip_one(
    bot: &Context,
    standup: &StandupRecord,
    member: &Member,
    date: NaiveDate,
) -> anyhow::Result<SkipOutcome> {
    let key = RunKey { standup_id: standup.id, member_id: member.id, local_date: date };
    let prompt_day = match bot.store.run(&key).await? {
        Some(run) => match run.state {
            RunState::Answered => return Ok(SkipOutcome::AlreadyAnswered),
            RunState::Skipped => return Ok(SkipOutcome::AlreadySkipped),
            RunState::Missed | RunState::Away => return Ok(SkipOutcome::AlreadyOver),
            RunState::Scheduled | RunState::Prompted => true,
        },
        None => matches!(
            plan_day(
                &recurrence_of(standup)?,
                &member.availability,
                &crate::features::holidays::observed(bot, standup).await?.skipped_dates,
                date
            ),
            DayPlan::Prompt { .. }
        ),
    };
    if !prompt_day {
        return Ok(SkipOutcome::NoPrompt);
    }
    bot.store.settle_run(&key, member.tz().name(), RunState::Skipped, bot.now()).await?;
    Ok(SkipOutcome::Skipped)
}
