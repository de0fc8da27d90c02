//! Purpose: what the bot does, one folder per behaviour. Each feature loads what it needs through
//! the ports, decides with pure rules from `domain`, queues messages with [`Bot::send`] and saves
//! through the store. No feature imports a chat SDK or a database driver.
//!
//! - [`commands`]: `/async …` parsing, admin checks, routing, private replies.
//! - [`preferences`]: zone, hours, out-of-office, brief on/off, who, me, forget-me.
//! - [`standup`]: prompts, reminders, answers, skips, standup management and previews.
//! - [`digest`]: standup digests, their edits, splitting at platform limits.
//! - [`nudge`]: sync pings → threaded async prompts, off-hours notices, conversions, open questions.
//! - [`decisions`]: the decision log.
//! - [`brief`]: the personal morning brief.
//! - [`stats`]: participation, conversions, off-hours mentions.
//! - [`holidays`]: workspace holidays by command and from an iCalendar feed; what a standup observes.
//! - [`profiles`]: members' zone, name and admin flag kept true to the platform's profile.
//! - [`housekeeping`]: retention — the daily job that deletes what is past how long it is kept.

pub mod brief;
pub mod commands;
pub mod decisions;
pub mod digest;
pub mod holidays;
pub mod housekeeping;
pub mod nudge;
pub mod preferences;
pub mod profiles;
pub mod standup;
pub mod stats;
pub mod texts;

use chrono::{DateTime, Utc};

use crate::context::Context;
use crate::domain::events::{ChatMessage, Destination, InboundEvent, OutgoingMessage, Purpose};
use crate::jobs::{ClaimedJob, Job, JobOutcome};

/// A chat message: DMs may be standup answers; channel messages may be decisions, pings,
/// follow-ups to pings, or answers to open questions.
pub async fn on_message(bot: &Context, message: &ChatMessage) -> anyhow::Result<()> {
    if message.is_dm {
        // Met first, so even a first DM records the member's DM conversation.
        bot.member(bot.workspace_id(&message.workspace).await?, &message.workspace, &message.user).await?;
        reopen_direct_messages(bot, message).await?;
        return standup::on_direct_message(bot, message).await;
    }
    decisions::on_channel_message(bot, message).await?;
    nudge::on_channel_message(bot, message).await
}

/// A DM from a member proves DMs reach them again: clear `unreachable` and reschedule prompts.
/// It also shows which conversation is their DM with the bot, where commands are private.
async fn reopen_direct_messages(bot: &Context, message: &ChatMessage) -> anyhow::Result<()> {
    let workspace_id = bot.workspace_id(&message.workspace).await?;
    let Some(member) = bot.store.find_member(workspace_id, &message.user).await? else { return Ok(()) };
    bot.store.record_dm_channel(member.id, &message.channel).await?;
    if member.unreachable_since.is_some() {
        let changes = crate::ports::MemberChanges { unreachable_since: Some(None), ..Default::default() };
        bot.store.update_member(member.id, &changes).await?;
        standup::reschedule_member(bot, workspace_id, member.id).await?;
    }
    Ok(())
}

/// A DM to this member can never be delivered: mark them unreachable (their prompts stop until
/// they write to the bot again) and tell them once, in their standups' channels.
pub async fn dm_undeliverable(bot: &Context, workspace: &str, user: &str) -> anyhow::Result<()> {
    let workspace_id = bot.workspace_id(workspace).await?;
    let Some(member) = bot.store.find_member(workspace_id, user).await? else { return Ok(()) };
    if member.unreachable_since.is_some() {
        return Ok(());
    }
    let changes = crate::ports::MemberChanges { unreachable_since: Some(Some(bot.now())), ..Default::default() };
    bot.store.update_member(member.id, &changes).await?;
    standup::tell_unreachable(bot, workspace_id, &member).await
}

/// Tells the member who is waiting for an answer (a command, a form submission) that handling it
/// failed on our side, with the `reference` the log has; events nobody waits on say nothing.
pub async fn apologise(bot: &Context, event: &InboundEvent, reference: &str) -> anyhow::Result<()> {
    let (workspace, to) = match event {
        InboundEvent::Command(c) => {
            (&c.workspace, Destination::Ephemeral { channel: c.channel.clone(), user: c.user.clone() })
        }
        InboundEvent::StandupSubmission(s) => (&s.workspace, Destination::Dm { user: s.user.clone() }),
        InboundEvent::FormRequest(f) => (&f.workspace, Destination::Dm { user: f.user.clone() }),
        _ => return Ok(()),
    };
    let workspace_id = bot.workspace_id(workspace).await?;
    let text = texts::errors::internal_error(reference);
    bot.send(workspace_id, vec![OutgoingMessage::new(to, Purpose::CommandReply, text)]).await
}

/// Runs a due job by kind.
pub async fn run_job(bot: &Context, job: &ClaimedJob, now: DateTime<Utc>) -> anyhow::Result<JobOutcome> {
    match &job.job {
        Job::StandupPrompt(run) => standup::schedule::run_prompt(bot, *run, now).await,
        Job::StandupReminder(run) => standup::schedule::run_reminder(bot, *run, now).await,
        Job::Digest(digest) => digest::run_job(bot, *digest, now).await,
        Job::NudgeGrace(grace) => nudge::run_job(bot, grace, job.due_at, now).await,
        Job::Brief(brief) => brief::run_job(bot, *brief, job.due_at, now).await,
        Job::CalendarRefresh(calendar) => holidays::run_refresh(bot, calendar, now).await,
        Job::Housekeeping(_) => housekeeping::run_job(bot, job, now).await,
        Job::WeeklySummary(summary) => stats::weekly::run_job(bot, *summary, now).await,
    }
}

/// Records a job whose window closed (and schedules what comes next). Only prompts, briefs and
/// weekly summaries expire: a late reminder is dropped, and digests and grace periods never expire.
pub async fn missed_job(bot: &Context, job: &ClaimedJob, now: DateTime<Utc>) -> anyhow::Result<()> {
    match &job.job {
        Job::StandupPrompt(run) => standup::schedule::prompt_missed(bot, *run, now).await,
        Job::Brief(brief) => brief::missed_job(bot, *brief, now).await,
        Job::WeeklySummary(summary) => stats::weekly::missed_job(bot, *summary).await,
        Job::StandupReminder(_)
        | Job::Digest(_)
        | Job::NudgeGrace(_)
        | Job::CalendarRefresh(_)
        | Job::Housekeeping(_) => Ok(()),
    }
}
