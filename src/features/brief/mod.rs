//! Purpose: the personal morning brief (SPEC §4) — one DM at the start of a member's working
//! day with what needs them: questions waiting for their reply, blockers that name them, and
//! decisions logged since their previous working day in the channels of their standups (never
//! one from a conversation they may not read: SPEC §4 privacy). Nothing is sent when it would be empty,
//! and never outside working hours or on a day out of office.
//!
//! One `brief` job per member and local date (key `brief:{member}:{date}`), so scheduling is
//! idempotent; each run schedules the next working day's.
//!
//! - [`rules`]: when a brief is due, what window it covers, which blockers name a member.

pub mod rules;

use chrono::{DateTime, Duration, Utc};

use crate::context::Context;
use crate::domain::events::{Destination, OutgoingMessage, Purpose};
use crate::domain::markup::split_for;
use crate::domain::member::Member;
use crate::domain::open_questions;
use crate::features::decisions;
use crate::features::texts::{brief as texts, decisions as decision_texts};
use crate::jobs::{BriefJob, Job, JobOutcome, NewJob};

/// How far back news go for a member with no previous working day (days).
const FALLBACK_WINDOW_DAYS: i64 = 7;

/// Whether a member gets briefs. New members start with `brief.default_on`; `/async brief` changes it.
fn wants_brief(member: &Member) -> bool {
    member.brief_on
}

/// The job for the member's first brief at or after `at_or_after`; `None` if they never work.
fn next_job(workspace_id: i64, member: &Member, at_or_after: DateTime<Utc>) -> Option<NewJob> {
    let slot = rules::next_slot(&member.availability, at_or_after)?;
    Some(NewJob {
        job: Job::Brief(BriefJob { member_id: member.id, workspace_id, local_date: slot.local_date }),
        key: format!("{}:{}:{}", Job::BRIEF, member.id, slot.local_date),
        due_at: slot.due_at,
        expires_at: Some(slot.expires_at),
    })
}

/// Schedules a member's next brief unless one is scheduled: call when a member is first seen.
/// Idempotent (the job key is unique per member and local date).
pub async fn ensure_scheduled(bot: &Context, workspace_id: i64, member_id: i64) -> anyhow::Result<()> {
    let member = bot.member_by_id(member_id).await?;
    if !wants_brief(&member) {
        return Ok(());
    }
    if let Some(job) = next_job(workspace_id, &member, bot.now()) {
        bot.schedule(job).await?;
    }
    Ok(())
}

/// Recomputes a member's next brief after their zone, hours or brief setting changed.
pub async fn reschedule_member(bot: &Context, workspace_id: i64, member_id: i64) -> anyhow::Result<()> {
    let member = bot.member_by_id(member_id).await?;
    let now = bot.now();
    match next_job(workspace_id, &member, now).filter(|_| wants_brief(&member)) {
        Some(job) => bot.store.replace_brief_job(member.id, &job, bot.platform(), now).await,
        None => bot.store.cancel_member_jobs(Job::BRIEF, member.id, now).await.map(drop),
    }
}

/// Sends a due brief (when it has something in it) and schedules the next.
pub async fn run_job(
    bot: &Context,
    brief: BriefJob,
    due_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> anyhow::Result<JobOutcome> {
    let BriefJob { member_id, workspace_id, .. } = brief;
    let member = bot.member_by_id(member_id).await?;
    if !wants_brief(&member) {
        // Turned off: `reschedule_member` schedules again if it is turned back on.
        return Ok(JobOutcome::Done);
    }
    // Checked again at run time: hours, out-of-office or holidays may have changed since scheduling.
    let holiday = crate::features::holidays::is_holiday(bot, workspace_id, brief.local_date).await?;
    if member.availability.is_working_at(now) && !member.unreachable && !holiday {
        send_brief(bot, workspace_id, &member, due_at, now).await?;
    }
    schedule_after(bot, workspace_id, &member, due_at.max(now)).await?;
    Ok(JobOutcome::Done)
}

/// A brief whose morning passed during downtime: skipped, next one scheduled.
pub async fn missed_job(bot: &Context, brief: BriefJob, now: DateTime<Utc>) -> anyhow::Result<()> {
    let BriefJob { member_id, workspace_id, .. } = brief;
    let member = bot.member_by_id(member_id).await?;
    if wants_brief(&member) {
        schedule_after(bot, workspace_id, &member, now).await?;
    }
    Ok(())
}

async fn schedule_after(bot: &Context, workspace_id: i64, member: &Member, after: DateTime<Utc>) -> anyhow::Result<()> {
    if let Some(job) = next_job(workspace_id, member, after + Duration::seconds(1)) {
        bot.schedule(job).await?;
    }
    Ok(())
}

/// Composes and queues the brief of the working day that started at `day_start`.
async fn send_brief(
    bot: &Context,
    workspace_id: i64,
    member: &Member,
    day_start: DateTime<Utc>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let since = rules::previous_period_start(&member.availability, day_start)
        .unwrap_or(day_start - Duration::days(FALLBACK_WINDOW_DAYS));
    // Only questions still open (expired ones were repeated for long enough), and at most a
    // screenful of them: the most recent, with a count of the older ones.
    let asked_since = open_questions::open_since(now, bot.settings.retention.open_questions);
    let (open, older) = open_questions::listed(bot.store.open_questions_for(member.id, asked_since).await?);
    let mut questions = Vec::new();
    for question in open {
        let link = bot.chat.permalink(&question.channel, &question.message).await?;
        questions.push(texts::question(bot.markup, &question, link.as_deref()));
    }
    if older > 0 {
        questions.push(texts::more_questions(older));
    }
    let blockers: Vec<String> = bot
        .store
        .blockers_since(workspace_id, since)
        .await?
        .iter()
        .filter(|b| b.author_id != member.id && rules::names(&b.text, &member.user))
        .map(|b| texts::blocker(bot.markup, b))
        .collect();
    // Only decisions of the member's standup channels: never one taken where they may not read
    // (a private channel, a DM). The member's own decisions are not news to them.
    let decisions: Vec<String> = decisions::decisions_for_brief(bot, workspace_id, member.id, since)
        .await?
        .iter()
        .filter(|d| d.author_user.as_deref() != Some(member.user.as_str()))
        .map(|d| decision_texts::line(bot.markup, d))
        .collect();
    let header = decision_texts::since_header(bot.markup, since);
    let Some(text) = texts::brief(bot.markup, &questions, &blockers, &header, &decisions) else {
        tracing::debug!(member = member.id, %now, "nothing for the brief today");
        return Ok(());
    };
    let to = Destination::Dm { user: member.user.clone() };
    let brief = OutgoingMessage::new(to, Purpose::Brief, text);
    bot.send(workspace_id, split_for(bot.platform(), brief)).await
}
