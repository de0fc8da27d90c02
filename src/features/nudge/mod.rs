//! Purpose: sync pings → threaded async prompts (SPEC §1). A ping waits out a grace period as a
//! durable job; a real follow-up cancels it; otherwise the sender gets one prompt in the ping's
//! thread, saying which mentioned members are off. Substantive messages may instead earn the
//! sender an off-hours notice, and questions to a member are kept as open questions.
//!
//! - [`rules`]: pure decisions (mentions, follow-ups, cooldown, who is off).
//! - [`substantive`]: off-hours notices, off-hours mentions, open questions.

pub mod rules;
mod substantive;

use chrono::{DateTime, Utc};

use crate::config::Settings;
use crate::context::Context;
use crate::domain::classifier::{Classifier, ExtraPhrases};
use crate::domain::command::NudgeMode;
use crate::domain::events::{ChatMessage, Destination, OutgoingMessage, Purpose};
use crate::domain::markup::{TimeStyle, mentioned_users};
use crate::domain::member::Member;
use crate::domain::schedule::round_up_to_second;
use crate::features::commands::{CommandContext, Reply};
use crate::features::texts::nudge as texts;
use crate::jobs::{GraceJob, Job, JobOutcome, NewJob};
use crate::ports::{NewNudge, NudgeState};

/// The classifier with the workspace's extra phrases from config.
pub fn classifier_for(settings: &Settings) -> Classifier {
    let nudge = &settings.nudge;
    Classifier::with_extra_phrases(ExtraPhrases {
        greetings: nudge.extra_greetings.clone(),
        availability: nudge.extra_availability.clone(),
        meeting: nudge.extra_meeting.clone(),
    })
}

/// A message in a channel: maybe a ping, a follow-up that cancels one, or a conversion.
pub async fn on_channel_message(bot: &Context, message: &ChatMessage) -> anyhow::Result<()> {
    let workspace_id = bot.workspace_id(&message.workspace).await?;
    let channel = bot.store.ensure_channel(workspace_id, &message.channel).await?;
    let sender = bot.member(workspace_id, &message.workspace, &message.user).await?;
    let now = bot.now();
    if let Some(thread) = &message.thread {
        // Whatever the channel's mode, a reply in a thread answers the questions asked there.
        bot.store.answer_questions(&message.channel, thread, sender.id, now).await?;
    }
    let verdict = bot.classifier.classify(&message.text);
    if verdict.is_ping() {
        let nudgeable = channel.nudge_mode != NudgeMode::Off.as_str()
            && !sender.nudge_opt_out
            && (message.thread.is_none() || bot.settings.nudge.thread_replies);
        if let (true, Some(kind)) = (nudgeable, verdict.kind) {
            record_ping(bot, workspace_id, channel.id, &sender, message, kind.as_str()).await?;
        }
        return Ok(());
    }
    follow_up(bot, channel.id, &sender, message).await?;
    substantive::on_substantive(bot, workspace_id, &channel.nudge_mode, &sender, message).await
}

/// Records a ping and starts its grace period.
async fn record_ping(
    bot: &Context,
    workspace_id: i64,
    channel_id: i64,
    sender: &Member,
    message: &ChatMessage,
    kind: &str,
) -> anyhow::Result<()> {
    let now = bot.now();
    let nudge = NewNudge {
        workspace_id,
        channel_id,
        sender_id: sender.id,
        ping_message: message.id.clone(),
        thread: message.thread.clone(),
        kind: kind.to_owned(),
        created_at: now,
    };
    let Some(nudge_id) = bot.store.record_nudge(&nudge).await? else {
        return Ok(());
    };
    // Mentioned members are resolved now (creating them from their profile) so the job only
    // reads the store.
    let mut mentioned = Vec::new();
    for user in mentioned_users(&message.text) {
        if user != message.user {
            let member = bot.member(workspace_id, &message.workspace, &user).await?;
            if rules::away_at(&member.availability, now).is_some() {
                bot.store.record_offhours_mention(workspace_id, member.id, now).await?;
            }
            mentioned.push(member.id);
        }
    }
    bot.schedule(NewJob {
        job: Job::NudgeGrace(GraceJob { nudge_id, member_id: sender.id, mentioned }),
        key: grace_key(channel_id, &message.id),
        // Rounded up: the store keeps whole seconds, and the grace period must never be shorter.
        due_at: round_up_to_second(now + bot.settings.nudge.grace),
        expires_at: None,
    })
    .await?;
    Ok(())
}

fn grace_key(channel_id: i64, ping_message: &str) -> String {
    format!("nudge:{channel_id}:{ping_message}")
}

/// A real message: it cancels the sender's pings still in their grace period here, and converts
/// a ping that was prompted when it comes in the ping's thread.
async fn follow_up(bot: &Context, channel_id: i64, sender: &Member, message: &ChatMessage) -> anyhow::Result<()> {
    let now = bot.now();
    for nudge in bot.store.waiting_nudges(channel_id, sender.id).await? {
        if rules::same_conversation(&nudge.ping_message, nudge.thread.as_deref(), message.thread.as_deref())
            && bot.store.transition_nudge(nudge.id, NudgeState::Waiting, NudgeState::Cancelled, now).await?
        {
            bot.store.cancel_job(&grace_key(channel_id, &nudge.ping_message), now).await?;
        }
    }
    if let Some(thread) = &message.thread
        && bot.store.mark_converted(channel_id, sender.id, thread, now).await?
    {
        tracing::info!(channel = %message.channel, ping = %thread, "a nudged ping was followed by a real question");
    }
    Ok(())
}

/// The grace period of a ping ended.
pub async fn run_job(
    bot: &Context,
    grace: &GraceJob,
    due_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> anyhow::Result<JobOutcome> {
    let Some(nudge) = bot.store.nudge(grace.nudge_id).await? else {
        return Ok(JobOutcome::Done);
    };
    if nudge.state != NudgeState::Waiting {
        return Ok(JobOutcome::Done);
    }
    let channel = bot.store.channel(nudge.channel_id).await?;
    let last = bot.store.last_prompted_at(nudge.channel_id, nudge.sender_id).await?;
    let next = if channel.nudge_mode == NudgeMode::Off.as_str() || rules::is_stale(due_at, now) {
        NudgeState::Cancelled
    } else if rules::in_cooldown(last, now, bot.settings.nudge.cooldown) {
        NudgeState::Suppressed
    } else if channel.nudge_mode == NudgeMode::DryRun.as_str() {
        NudgeState::DryRun
    } else {
        NudgeState::Sent
    };
    // The state moves before the message is queued: a crash in between loses one prompt rather
    // than sending it twice (never nag twice). The prompt's instant starts the cooldown: stored
    // rounded up to a whole second, so the cooldown measured from it is never shorter.
    if !bot.store.transition_nudge(nudge.id, NudgeState::Waiting, next, round_up_to_second(now)).await? {
        return Ok(JobOutcome::Done);
    }
    let sender = bot.member_by_id(nudge.sender_id).await?;
    match next {
        NudgeState::DryRun => {
            tracing::info!(channel = %channel.channel, sender = %sender.user, kind = %nudge.kind, ping = %nudge.ping_message,
                "dry-run: this ping would have been nudged");
        }
        NudgeState::Sent => {
            let mut away = Vec::new();
            for &member_id in &grace.mentioned {
                let member = bot.member_by_id(member_id).await?;
                away.extend(away_member(bot, &member, now));
            }
            let text = texts::prompt(&bot.settings.nudge.text, &bot.markup.mention(&sender.user), &away);
            let thread = nudge.thread.clone().unwrap_or_else(|| nudge.ping_message.clone());
            let to = Destination::ThreadReply { channel: channel.channel.clone(), thread };
            let prompt = OutgoingMessage::new(to, Purpose::Nudge, text).pinging([sender.user.clone()]);
            bot.send(nudge.workspace_id, vec![prompt]).await?;
        }
        _ => {}
    }
    Ok(JobOutcome::Done)
}

/// How a member who is off at `now` is described; `None` while they work.
pub(crate) fn away_member(bot: &Context, member: &Member, now: DateTime<Utc>) -> Option<texts::AwayMember> {
    let reason = rules::away_at(&member.availability, now)?;
    let next_start =
        member.availability.next_working_start(now).map(|start| bot.markup.time(start, TimeStyle::DateTime));
    Some(texts::AwayMember {
        name: texts::person(bot.markup, &member.name, &member.user),
        reason,
        local_now: member.availability.local_now(now),
        zone: member.availability.tz.name(),
        next_start,
    })
}

/// `/async nudge on|off|dry-run` in this channel.
pub async fn command(bot: &Context, ctx: &CommandContext<'_>, mode: NudgeMode) -> anyhow::Result<Reply> {
    let channel = bot.store.ensure_channel(ctx.workspace_id, &ctx.invocation.channel).await?;
    bot.store.set_channel(channel.id, None, Some(mode.as_str())).await?;
    Ok(Reply::text(texts::mode_set(bot.markup, &ctx.invocation.channel, mode)))
}
