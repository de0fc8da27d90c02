//! Purpose: standups — prompts at each member's local time, one reminder, answers (one question
//! at a time in DMs, or all at once), skips, early answers, and standup management.
//!
//! - [`schedule`]: when each member is prompted, and the prompt/reminder jobs.
//! - [`answers`]: where answers go, DM conversations, edits.
//! - [`manage`]: `/async standup …` and the simulator's [`seed_standup`].
//! - [`preview`]: `/async standup preview`, from the scheduler's plan.

pub mod answers;
pub mod history;
pub mod manage;
pub mod preview;
pub mod schedule;

use crate::context::Context;
use crate::domain::command::StandupCommand;
use crate::domain::events::{
    ChatMessage, Destination, Form, FormField, FormRequest, OutgoingMessage, Purpose, StandupSubmission,
};
use crate::domain::schedule::local_date_of;
use crate::features::commands::{CommandContext, Reply};
use crate::features::texts::standup as texts;
use crate::ports::StandupRecord;

pub use manage::{StandupSpec, seed_standup};

/// A DM to the bot: the answer to the current question of the member's open run, if any.
pub async fn on_direct_message(bot: &Context, message: &ChatMessage) -> anyhow::Result<()> {
    answers::on_direct_message(bot, message).await
}

/// All answers at once (a form submission or a scenario `standup_answer`).
pub async fn on_submission(bot: &Context, submission: &StandupSubmission) -> anyhow::Result<()> {
    answers::on_submission(bot, submission).await
}

/// The answer form of a standup, for both platforms (Slack's modal, Discord's): one field per
/// question, in order; the blocker question may be left empty, since "nothing blocks me" is the
/// usual answer and an empty one is no blocker.
pub fn answer_form(standup: &StandupRecord) -> Form {
    Form {
        standup: standup.name.clone(),
        title: texts::form_title(&standup.name),
        fields: standup
            .questions
            .iter()
            .enumerate()
            .map(|(i, question)| FormField {
                label: question.clone(),
                optional: standup.blocker_question == Some(i + 1),
                value: None,
            })
            .collect(),
    }
}

/// *Answer* was clicked under a prompt: open the standup's form, one field per question. The
/// platform gives about three seconds for this, which the serial bot meets (a few reads only).
pub async fn open_form(bot: &Context, request: &FormRequest) -> anyhow::Result<()> {
    let workspace_id = bot.workspace_id(&request.workspace).await?;
    let Some(standup) = bot.store.standup_named(workspace_id, &request.standup).await? else {
        tracing::info!(standup = %request.standup, "answer form requested for a standup that no longer exists");
        return Ok(());
    };
    if let Err(error) = bot.chat.open_form(&request.trigger, &answer_form(&standup)).await {
        tracing::warn!(%error, "could not open the standup form");
    }
    Ok(())
}

/// A member's DMs failed for good (closed DMs, deactivated): say so once in each of their
/// standups' channels, pinging only them, so they can fix it; prompts to them stop.
pub async fn tell_unreachable(
    bot: &Context,
    workspace_id: i64,
    member: &crate::ports::MemberRecord,
) -> anyhow::Result<()> {
    let mut messages = Vec::new();
    for standup in bot.store.standups_of(member.id).await? {
        let text = texts::unreachable(bot.markup, &member.user, &standup.name);
        let to = Destination::Post { channel: standup.channel.clone() };
        messages.push(OutgoingMessage::new(to, Purpose::Other, text).pinging([member.user.clone()]));
    }
    bot.send(workspace_id, messages).await
}

/// `/async standup …`.
pub async fn command(bot: &Context, ctx: &CommandContext<'_>, command: StandupCommand) -> anyhow::Result<Reply> {
    let named = |name: String| async move {
        Ok::<_, anyhow::Error>((bot.store.standup_named(ctx.workspace_id, &name).await?, name))
    };
    let text = match command {
        StandupCommand::List => manage::list(bot, ctx).await?,
        StandupCommand::Skip { standup, date } => manage::skip(bot, ctx, standup.as_deref(), date).await?,
        StandupCommand::Create { name, options } => manage::create_command(bot, ctx, name, options).await?,
        StandupCommand::Answer { standup, answers } => answer_command(bot, ctx, standup, answers).await?,
        StandupCommand::Edit { name, options } => match named(name).await? {
            (Some(standup), _) => manage::edit(bot, ctx, standup, options).await?,
            (None, name) => texts::unknown_standup(&name),
        },
        StandupCommand::Delete { name, confirm } => match named(name).await? {
            (Some(standup), _) => manage::delete(bot, standup, confirm).await?,
            (None, name) => texts::unknown_standup(&name),
        },
        StandupCommand::Pause(name) => match named(name).await? {
            (Some(standup), _) => manage::set_paused(bot, standup, true).await?,
            (None, name) => texts::unknown_standup(&name),
        },
        StandupCommand::Resume(name) => match named(name).await? {
            (Some(standup), _) => manage::set_paused(bot, standup, false).await?,
            (None, name) => texts::unknown_standup(&name),
        },
        StandupCommand::Join(name) => match named(name).await? {
            (Some(standup), _) => manage::join(bot, ctx, standup, true).await?,
            (None, name) => texts::unknown_standup(&name),
        },
        StandupCommand::Leave(name) => match named(name).await? {
            (Some(standup), _) => manage::join(bot, ctx, standup, false).await?,
            (None, name) => texts::unknown_standup(&name),
        },
        StandupCommand::History { standup, member, days } => history::history(bot, ctx, standup, member, days).await?,
        StandupCommand::Preview { name, days } => match named(name).await? {
            (Some(standup), _) => preview::preview(bot, &standup, days).await?,
            (None, name) => texts::unknown_standup(&name),
        },
    };
    Ok(Reply::text(text))
}

/// `/async standup answer [name] [a | b | c]`.
async fn answer_command(
    bot: &Context,
    ctx: &CommandContext<'_>,
    standup: Option<String>,
    answers: Vec<String>,
) -> anyhow::Result<String> {
    let mine = bot.store.standups_of(ctx.member.id).await?;
    let standup = match standup {
        Some(name) => match bot.store.standup_named(ctx.workspace_id, &name).await? {
            Some(standup) => standup,
            None => return Ok(texts::unknown_standup(&name)),
        },
        None if mine.len() == 1 => mine.into_iter().next().expect("one standup"),
        None if mine.is_empty() => return Ok(texts::no_standups()),
        None => return Ok(texts::which_standup(&mine.into_iter().map(|s| s.name).collect::<Vec<_>>())),
    };
    if answers.is_empty() {
        return answers::ask_now(bot, ctx.workspace_id, &standup, &ctx.member).await;
    }
    answers::answer_all(bot, &standup, &ctx.member, &answers).await
}

/// Recomputes a member's pending prompts after their zone, hours, days or out-of-office changed.
pub async fn reschedule_member(bot: &Context, _workspace_id: i64, member_id: i64) -> anyhow::Result<()> {
    let member = bot.member_by_id(member_id).await?;
    let today = local_date_of(member.tz(), bot.now());
    for standup in bot.store.standups_of(member_id).await? {
        schedule::schedule_next(bot, &standup, member_id, today, false).await?;
    }
    Ok(())
}
