//! Texts of standup prompts, reminders, acks and `/async standup …` replies. Short, friendly,
//! never shaming: a reminder says the answers are still welcome, nothing more.

use chrono::{NaiveDate, NaiveDateTime};

use crate::domain::markup::Markup;
use crate::ports::standups::StandupFootprint;

/// How to answer all questions at once, for a standup named `name`.
fn answer_hint(name: &str, count: usize) -> String {
    let slots = vec!["…"; count].join(" | ");
    format!("`/async standup answer {name}: {slots}`")
}

/// One question of a DM conversation: `*2/3* What will you do?`.
pub fn question(markup: &dyn Markup, index: usize, questions: &[String]) -> String {
    let text = questions.get(index).map_or("", String::as_str);
    format!("{} {}", markup.bold(&format!("{}/{}", index + 1, questions.len())), markup.literal(text))
}

/// The daily prompt DM; it asks the first question.
pub fn prompt(markup: &dyn Markup, name: &str, questions: &[String]) -> String {
    format!(
        "Hi! Time for the {} standup, whenever suits you today. Reply here one answer at a time, or all at once with {}.\n{}",
        markup.bold(&markup.literal(name)),
        answer_hint(name, questions.len()),
        question(markup, 0, questions)
    )
}

/// Added once to the first prompt of a member whose zone is only the workspace default (Discord
/// never tells the bot a member's zone).
pub fn zone_notice(zone: &str) -> String {
    format!(
        "(I am using the workspace timezone, {zone}, for you. If yours is different, set it with `/async tz <zone>`, like `/async tz Europe/Berlin`.)"
    )
}

/// Title of the answer form (Slack limits modal titles to 24 characters).
pub fn form_title(name: &str) -> String {
    let title = format!("{name} standup");
    if title.chars().count() <= 24 { title } else { title.chars().take(23).collect::<String>() + "…" }
}

/// Posted once in a standup's channel when DMs to a member fail for good.
pub fn unreachable(markup: &dyn Markup, user: &str, standup: &str) -> String {
    format!(
        "{} I can't send you direct messages, so your {} standup prompts can't reach you. Allow DMs from this workspace and send me any direct message to turn them back on; until then you can answer with `/async standup answer`.",
        markup.mention(user),
        markup.bold(&markup.literal(standup))
    )
}

/// The one reminder.
pub fn reminder(markup: &dyn Markup, name: &str, next: usize, questions: &[String]) -> String {
    format!(
        "A gentle reminder: your {} standup answers are still welcome today. No worries if you are busy.\n{}",
        markup.bold(&markup.literal(name)),
        question(markup, next, questions)
    )
}

/// All questions answered.
pub fn thanks(markup: &dyn Markup, name: &str) -> String {
    format!("Thanks! Your {} answers will be in the next digest.", markup.bold(&markup.literal(name)))
}

/// Answers replaced before any digest showed them.
pub fn replaced(markup: &dyn Markup, name: &str) -> String {
    format!("Updated your {} answers; the next digest shows the new ones.", markup.bold(&markup.literal(name)))
}

/// Answers changed after a digest showed them.
pub fn digest_updated(markup: &dyn Markup, name: &str) -> String {
    format!("Updated your {} answers and the digest that showed them.", markup.bold(&markup.literal(name)))
}

/// An answer arrived but there is no run to put it in.
pub fn nothing_to_answer() -> String {
    "There's nothing to answer right now: your next standup prompt will come at its usual time.".to_owned()
}

/// Answers for a standup the member does not take part in.
pub fn not_a_member(name: &str) -> String {
    format!("You don't take part in {name}: join it first with `/async standup join {name}`.")
}

/// A submission named a standup that does not exist.
pub fn unknown_standup(name: &str) -> String {
    format!("There is no standup called '{name}'. See `/async standup list`.")
}

/// The member takes part in several standups and did not say which.
pub fn which_standup(names: &[String]) -> String {
    format!(
        "Which standup? You take part in {}: add its name, like `/async standup answer {}`.",
        names.join(", "),
        names[0]
    )
}

/// The member takes part in no standup.
pub fn no_standups() -> String {
    "You take part in no standup yet. See `/async standup list` and `/async standup join <name>`.".to_owned()
}

/// More answers than questions.
pub fn too_many_answers(given: usize, questions: usize) -> String {
    format!("That is {given} answers for {questions} questions: separate answers with |.")
}

/// `answer` without answers: the questions went by DM.
pub fn questions_sent() -> String {
    "I've sent you the questions by DM.".to_owned()
}

/// What `skip` did for one standup on one date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipOutcome {
    /// The day is skipped: no prompt, no reminder.
    Skipped,
    /// The member had answered already: nothing to skip.
    AlreadyAnswered,
    /// The day was skipped before.
    AlreadySkipped,
    /// The day's run is over (missed, away): nothing to skip.
    AlreadyOver,
    /// The member has no prompt that day (a day off, a holiday, out of office).
    NoPrompt,
}

/// A date with its weekday, as people read it: `Monday 2026-03-30`.
pub fn day(date: NaiveDate) -> String {
    format!("{} {date}", date.format("%A"))
}

/// `skip` done, in one line: what happened to each standup that day. Only `Skipped` changed
/// anything.
pub fn skip_result(date: NaiveDate, outcomes: &[(String, SkipOutcome)]) -> String {
    let names = |wanted: SkipOutcome| {
        let names: Vec<&str> =
            outcomes.iter().filter(|(_, outcome)| *outcome == wanted).map(|(name, _)| name.as_str()).collect();
        (!names.is_empty()).then(|| names.join(", "))
    };
    let day = day(date);
    let mut parts = Vec::new();
    if let Some(names) = names(SkipOutcome::Skipped) {
        parts.push(format!("Skipped {date}: no {names} prompt that day"));
    }
    let nothing = [
        (SkipOutcome::AlreadyAnswered, format!("you already answered for {day} (send new answers to change them)")),
        (SkipOutcome::AlreadySkipped, format!("{day} was skipped already")),
        (SkipOutcome::AlreadyOver, format!("{day} is already over")),
        (SkipOutcome::NoPrompt, format!("you have no prompt on {day}")),
    ];
    for (outcome, why) in nothing {
        if let Some(names) = names(outcome) {
            parts.push(format!("Nothing to skip in {names}: {why}"));
        }
    }
    format!("{}.", parts.join("; "))
}

/// `skip` of a date that already passed.
pub fn skip_in_the_past(date: NaiveDate) -> String {
    format!("{date} is already past in your timezone. Nothing changed.")
}

/// `create` done.
pub fn created(markup: &dyn Markup, name: &str, schedule: &str, channel: &str, members: usize) -> String {
    format!(
        "Created {}: {schedule} in each member's own timezone, {members} member(s), digest in {}.",
        markup.bold(&markup.literal(name)),
        markup.channel(channel)
    )
}

/// Members whose day ends before the standup's time, with when each is prompted instead.
pub fn after_hours(markup: &dyn Markup, members: &[(String, Option<String>)]) -> String {
    let named: Vec<String> = members
        .iter()
        .map(|(name, instead)| match instead {
            Some(at) => format!("{} (next prompt {at})", markup.literal(name)),
            None => markup.literal(name),
        })
        .collect();
    format!(
        "The standup's time is after the end of the working day for {}: they are prompted at the start of \
         their next working period instead.",
        named.join(", ")
    )
}

/// A simple management change done.
pub fn changed(markup: &dyn Markup, name: &str, what: &str) -> String {
    format!("{} {what}.", markup.bold(&markup.literal(name)))
}

/// The name is taken.
pub fn duplicate(name: &str) -> String {
    format!("A standup called '{name}' already exists: pick another name, or use `/async standup edit {name} …`.")
}

/// The blocker number is not one of the questions.
pub fn bad_blocker(blocker: usize, questions: usize) -> String {
    format!("blocker={blocker} is not one of the {questions} questions: use a number from 1 to {questions}.")
}

/// More questions than allowed or none.
pub fn bad_question_count(count: usize, max: usize) -> String {
    format!("A standup asks 1 to {max} questions, not {count}. Separate questions with |.")
}

/// A bad cron expression or schedule.
pub fn bad_schedule(reason: &str) -> String {
    format!("That schedule doesn't work: {reason}.")
}

/// A list line.
pub fn list_line(markup: &dyn Markup, name: &str, schedule: &str, members: usize, mine: bool, paused: bool) -> String {
    let mut line = format!("{} — {schedule}, {members} member(s)", markup.bold(&markup.literal(name)));
    if mine {
        line.push_str(", you take part");
    }
    if paused {
        line.push_str(" (paused)");
    }
    markup.bullet(&line)
}

/// No standups in the workspace.
pub fn none_yet() -> String {
    "No standups yet. An admin can add one with `/async standup create daily at=09:30 questions=\"Yesterday?|Today?\"`."
        .to_owned()
}

/// A member line of `preview`: the member and their zone, then their days.
pub fn preview_line(markup: &dyn Markup, name: &str, zone: &str, entries: &[String]) -> String {
    let entries = if entries.is_empty() { "no prompts in this period".to_owned() } else { entries.join(", ") };
    markup.bullet(&format!("{} ({zone}): {entries}", markup.literal(name)))
}

/// A prompt in `preview`: the member's own wall time, then the same instant in the reader's
/// (`when` is the platform's timestamp markup), flagged when the member's clocks change first.
pub fn preview_prompt(wall: NaiveDateTime, when: &str, clocks_change: bool) -> String {
    let flag = if clocks_change { ", clocks change before this" } else { "" };
    format!("{} ({when} for you{flag})", wall.format("%a %d %b %H:%M"))
}

/// A day of `preview` without a prompt, and why (`out of office`, `answered already`, …).
pub fn preview_day(date: NaiveDate, why: &str) -> String {
    format!("{}: {why}", date.format("%a %d %b"))
}

/// `leave` by someone who does not take part.
pub fn not_in(markup: &dyn Markup, name: &str) -> String {
    format!("You don't take part in {}, so there is nothing to leave.", markup.bold(&markup.literal(name)))
}

/// `join` by someone who takes part already.
pub fn already_in(markup: &dyn Markup, name: &str) -> String {
    format!("You already take part in {}.", markup.bold(&markup.literal(name)))
}

/// `create` typed in a DM without `channel=`: a DM cannot be a report channel.
pub fn create_needs_channel(name: &str) -> String {
    format!(
        "A DM can't be a standup's report channel: add channel=#team, or type `/async standup create {name} …` in that channel. Nothing was created."
    )
}

/// `delete` without `confirm`: what would go, and how to go ahead.
pub fn delete_asks(markup: &dyn Markup, name: &str, members: usize, footprint: StandupFootprint) -> String {
    format!(
        "Deleting {} stops its prompts and digests for {members} member(s) and removes {} run(s), {} answer(s) and {} digest record(s) for good. To go ahead: `/async standup delete {name} confirm`.",
        markup.bold(&markup.literal(name)),
        footprint.runs,
        footprint.answers,
        footprint.digests
    )
}

/// Answers given on a day without a prompt count for the next prompt day (SPEC §3).
pub fn thanks_for_day(markup: &dyn Markup, name: &str, date: NaiveDate) -> String {
    format!(
        "Thanks! You have no {} prompt today, so these answers count for {} and that day's prompt won't come. They will be in the next digest.",
        markup.bold(&markup.literal(name)),
        day(date)
    )
}

/// `answer` without answers on a day without a prompt: the questions went by DM, for that day.
pub fn questions_sent_for(date: NaiveDate) -> String {
    format!("I've sent you the questions by DM; today has no prompt for you, so your answers count for {}.", day(date))
}
