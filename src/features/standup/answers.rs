//! Purpose: answers — one question at a time by DM, all at once (form, `standup_answer`,
//! `/async standup answer`), early answers, and edits (which update a digest that showed them).

use chrono::{DateTime, Utc};

use crate::context::Context;
use crate::domain::classifier::is_no_blocker;
use crate::domain::events::{ChatMessage, Destination, OutgoingMessage, Purpose, StandupSubmission};
use crate::domain::member::Member;
use crate::domain::schedule::local_date_of;
use crate::features::digest;
use crate::features::texts::standup as texts;
use crate::ports::{RunKey, RunRecord, RunState, StandupRecord};

use super::schedule::{DayPlan, SEARCH_DAYS, plan_day, recurrence_of};

/// Where a set of answers goes (SPEC §3).
enum Target {
    /// The most recent prompted, unanswered run.
    Open(RunRecord),
    /// A run not prompted yet: today's (an early answer), or on a day without a prompt for the
    /// member (a weekend, a holiday, out of office) the next prompt day's (`later`), whose prompt
    /// is then not sent.
    Early {
        /// The run to create as answered.
        key: RunKey,
        /// Whether it is a later day's run, which the reply names.
        later: bool,
    },
    /// An answered run: the answers replace its answers.
    Edit(RunRecord),
}

async fn target(
    bot: &Context,
    standup: &StandupRecord,
    member: &Member,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<Target>> {
    let latest = bot.store.latest_run(standup.id, member.id).await?;
    if let Some(run) = &latest
        && run.state == RunState::Prompted
    {
        return Ok(Some(Target::Open(run.clone())));
    }
    let recurrence = recurrence_of(standup)?;
    let standup = &crate::features::holidays::observed(bot, standup).await?;
    let is_prompt_day = |date| {
        matches!(plan_day(&recurrence, &member.availability, &standup.skipped_dates, date), DayPlan::Prompt { .. })
    };
    let key = |local_date| RunKey { standup_id: standup.id, member_id: member.id, local_date };
    let today = local_date_of(member.tz(), now);
    if is_prompt_day(today) {
        if bot.store.run(&key(today)).await?.is_none() {
            return Ok(Some(Target::Early { key: key(today), later: false }));
        }
        return Ok(latest.filter(|run| run.state == RunState::Answered).map(Target::Edit));
    }
    // A day without a prompt: the answers are for the next prompt day (answered again: an edit;
    // skipped or over: the one after).
    for date in today.iter_days().skip(1).take(SEARCH_DAYS).filter(|date| is_prompt_day(*date)) {
        match bot.store.run(&key(date)).await? {
            None => return Ok(Some(Target::Early { key: key(date), later: true })),
            Some(run) if run.state == RunState::Answered => return Ok(Some(Target::Edit(run))),
            Some(_) => {}
        }
    }
    Ok(None)
}

/// Whether an answer reports a blocker: the blocker question's answer, unless it says nothing
/// (empty, blank or a "none" word: SPEC §3).
fn is_blocker(standup: &StandupRecord, index: usize, text: &str) -> bool {
    standup.blocker_question == Some(index + 1) && !is_no_blocker(text)
}

fn dm(member: &Member, text: String) -> OutgoingMessage {
    OutgoingMessage::new(Destination::Dm { user: member.user.clone() }, Purpose::StandupAck, text)
}

/// Stores all answers of one standup at once and returns the acknowledgement to show.
pub async fn answer_all(
    bot: &Context,
    standup: &StandupRecord,
    member: &Member,
    answers: &[String],
) -> anyhow::Result<String> {
    if answers.len() > standup.questions.len() {
        return Ok(texts::too_many_answers(answers.len(), standup.questions.len()));
    }
    if !standup.members.contains(&member.id) {
        return Ok(texts::not_a_member(&standup.name));
    }
    let now = bot.now();
    let Some(target) = target(bot, standup, member, now).await? else { return Ok(texts::nothing_to_answer()) };
    let (run_id, edit, later) = match target {
        Target::Open(run) => (run.id, false, None),
        Target::Edit(run) => (run.id, true, None),
        Target::Early { key, later } => {
            let run = bot.store.settle_run(&key, member.tz().name(), RunState::Answered, now).await?;
            (run.id, false, later.then_some(key.local_date))
        }
    };
    let last = standup.questions.len() - 1;
    for index in 0..standup.questions.len() {
        let text = answers.get(index).map_or("", |a| a.trim());
        bot.store.save_answer(run_id, index, text, is_blocker(standup, index, text), index == last, now).await?;
    }
    let reply = finish(bot, standup, run_id, edit).await?;
    Ok(match later {
        Some(date) => texts::thanks_for_day(bot.markup, &standup.name, date),
        None => reply,
    })
}

/// After a run's last answer: updates digests that showed it, and says what happened.
async fn finish(bot: &Context, standup: &StandupRecord, run_id: i64, edit: bool) -> anyhow::Result<String> {
    let mut digests: Vec<i64> = bot.store.answers_of_run(run_id).await?.iter().filter_map(|a| a.digest_id).collect();
    digests.dedup();
    for digest_id in &digests {
        digest::refresh(bot, *digest_id).await?;
    }
    Ok(match (edit, digests.is_empty()) {
        (_, false) => texts::digest_updated(bot.markup, &standup.name),
        (true, true) => texts::replaced(bot.markup, &standup.name),
        (false, true) => texts::thanks(bot.markup, &standup.name),
    })
}

/// A submission of all answers (a form, or a scenario's `standup_answer`); acknowledged by DM.
pub async fn on_submission(bot: &Context, submission: &StandupSubmission) -> anyhow::Result<()> {
    let workspace_id = bot.workspace_id(&submission.workspace).await?;
    let member = bot.member(workspace_id, &submission.workspace, &submission.user).await?;
    let reply = match bot.store.standup_named(workspace_id, &submission.standup).await? {
        Some(standup) => answer_all(bot, &standup, &member, &submission.answers).await?,
        None => texts::unknown_standup(&submission.standup),
    };
    bot.send(workspace_id, vec![dm(&member, reply)]).await
}

/// A DM: the answer to the next question of the member's open run; the next question or the
/// thanks follow by DM.
pub async fn on_direct_message(bot: &Context, message: &ChatMessage) -> anyhow::Result<()> {
    let workspace_id = bot.workspace_id(&message.workspace).await?;
    let member = bot.member(workspace_id, &message.workspace, &message.user).await?;
    let open = bot.store.open_run_of(member.id).await?;
    let standup = match &open {
        Some(run) => bot.store.standup(run.key.standup_id).await?,
        None => None,
    };
    let (Some(run), Some(standup)) = (open, standup) else {
        return bot.send(workspace_id, vec![dm(&member, texts::nothing_to_answer())]).await;
    };
    let now = bot.now();
    let index = run.next_question.min(standup.questions.len() - 1);
    let complete = index + 1 >= standup.questions.len();
    let text = message.text.trim();
    bot.store.save_answer(run.id, index, text, is_blocker(&standup, index, text), complete, now).await?;
    let reply = if complete {
        finish(bot, &standup, run.id, false).await?
    } else {
        texts::question(bot.markup, index + 1, &standup.questions)
    };
    bot.send(workspace_id, vec![dm(&member, reply)]).await
}

/// `/async standup answer` without answers: sends the current question by DM, opening today's
/// run when nothing is open (the member asked for it, so no working-hours wait).
pub async fn ask_now(
    bot: &Context,
    workspace_id: i64,
    standup: &StandupRecord,
    member: &Member,
) -> anyhow::Result<String> {
    if !standup.members.contains(&member.id) {
        return Ok(texts::not_a_member(&standup.name));
    }
    let now = bot.now();
    match target(bot, standup, member, now).await? {
        Some(Target::Open(run)) => {
            let question = texts::question(bot.markup, run.next_question, &standup.questions);
            bot.send(workspace_id, vec![dm(member, question)]).await?;
        }
        Some(Target::Early { key, later }) => {
            let text = texts::prompt(bot.markup, &standup.name, &standup.questions);
            let prompt = OutgoingMessage::new(Destination::Dm { user: member.user.clone() }, Purpose::StandupAck, text);
            bot.store.prompt_run(&key, member.tz().name(), workspace_id, &prompt, now).await?;
            if later {
                return Ok(texts::questions_sent_for(key.local_date));
            }
        }
        _ => return Ok(texts::nothing_to_answer()),
    }
    Ok(texts::questions_sent())
}
