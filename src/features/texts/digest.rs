//! Texts of standup digests. Members are named, never @-mentioned: a digest must not ping the
//! people who have not answered yet.

use chrono::NaiveDate;

use crate::domain::command::DigestWhenEmpty;
use crate::domain::markup::Markup;

/// The first line.
pub fn title(markup: &dyn Markup, standup: &str, date: NaiveDate) -> String {
    format!("{} — {}", markup.bold(&format!("{} standup", markup.literal(standup))), date.format("%a %-d %b %Y"))
}

/// Heading of the blockers.
pub fn blockers_heading(markup: &dyn Markup) -> String {
    markup.bold("Blockers")
}

/// One blocker: who, for how many days, what.
pub fn blocker(markup: &dyn Markup, name: &str, days: u32, text: &str) -> String {
    let days = if days <= 1 { "day 1".to_owned() } else { format!("day {days}") };
    markup.bullet(&format!("{} ({days}): {}", markup.literal(name), markup.user_text(text)))
}

/// One member's answers.
pub fn answers(markup: &dyn Markup, name: &str, answers: &[(String, String)]) -> String {
    let mut lines = vec![markup.bold(&markup.literal(name))];
    for (question, answer) in answers {
        let answer = if answer.trim().is_empty() { "—".to_owned() } else { markup.user_text(answer) };
        lines.push(markup.bullet(&format!("{} {answer}", markup.italic(&markup.literal(question)))));
    }
    lines.join("\n")
}

/// No answers in this digest.
pub fn no_answers() -> String {
    "No answers yet.".to_owned()
}

/// No answers since an earlier digest of the same date (`digest now`) showed `shown`.
pub fn no_new_answers(shown: i64) -> String {
    format!("No new answers since the earlier digest today ({} answered there).", members(shown))
}

/// Answers since an earlier digest of the same date showed `shown`.
pub fn new_since_earlier(shown: i64) -> String {
    format!("New since the earlier digest today ({} answered there):", members(shown))
}

fn members(count: i64) -> String {
    if count == 1 { "1 member".to_owned() } else { format!("{count} members") }
}

/// A digest with nothing to report: its whole text, one line.
pub fn empty(markup: &dyn Markup, standup: &str, date: NaiveDate, shown: i64) -> String {
    let head = title(markup, standup, date);
    if shown > 0 {
        format!("{head}: no new answers since the earlier digest today ({} answered there).", members(shown))
    } else {
        format!("{head}: no answers.")
    }
}

/// `standup create|edit … digest_when_empty=…` done.
pub fn when_empty_set(when_empty: DigestWhenEmpty) -> String {
    match when_empty {
        DigestWhenEmpty::Skip => {
            "A digest with nothing to report is now skipped: nothing is posted that day.".to_owned()
        }
        DigestWhenEmpty::Post => "A digest with nothing to report now posts one line saying so.".to_owned(),
    }
}

/// `digest now` found nothing to report and the standup skips such digests.
pub fn skipped_empty(markup: &dyn Markup, standup: &str) -> String {
    format!(
        "Nothing to report in the {} digest, and it is set to digest_when_empty=skip: nothing was posted.",
        markup.literal(standup)
    )
}

/// The last line of `standup preview` for a standup that skips empty digests.
pub fn preview_skips_empty() -> String {
    "Digest: not posted on a day with nothing to report (digest_when_empty=skip).".to_owned()
}

/// Said under `digest preview` when there is nothing to report and the standup skips such digests.
pub fn would_skip() -> String {
    "(Nothing to report: with digest_when_empty=skip, this digest would not be posted.)".to_owned()
}

/// The digest comes after its time (the bot was down): `due` as the platform renders it.
pub fn late(due: &str) -> String {
    format!("(Posted late: it was due {due}.)")
}

/// Members out of office.
pub fn away(markup: &dyn Markup, names: &[String]) -> String {
    let names: Vec<String> = names.iter().map(|n| markup.literal(n)).collect();
    format!("Away: {}", names.join(", "))
}

/// Members who skipped today.
pub fn skipped(markup: &dyn Markup, names: &[String]) -> String {
    let names: Vec<String> = names.iter().map(|n| markup.literal(n)).collect();
    format!("Skipping today: {}", names.join(", "))
}

/// Heading of the members whose answers are still to come.
pub fn pending_heading(markup: &dyn Markup) -> String {
    markup.bold("Still to come")
}

/// Prompted, not answered yet.
pub fn pending_prompted(markup: &dyn Markup, name: &str, at: &str) -> String {
    markup.bullet(&format!("{}: prompted {at}", markup.literal(name)))
}

/// Prompted after the digest time: their answers lead the next digest.
pub fn pending_later_today(markup: &dyn Markup, name: &str, at: &str) -> String {
    markup.bullet(&format!("{}: later today, prompted {at}; their answers lead the next digest", markup.literal(name)))
}

/// Next prompted on another day.
pub fn pending_next(markup: &dyn Markup, name: &str, at: &str) -> String {
    markup.bullet(&format!("{}: next prompt {at}", markup.literal(name)))
}

/// Heading of decisions.
pub fn decisions_heading(markup: &dyn Markup) -> String {
    markup.bold("Decisions since the last digest")
}

/// One decision.
pub fn decision(markup: &dyn Markup, text: &str) -> String {
    markup.bullet(&markup.user_text(text))
}

/// Heading of open questions.
pub fn open_questions_heading(markup: &dyn Markup) -> String {
    markup.bold("Open questions")
}

/// One open question.
pub fn open_question(markup: &dyn Markup, asked: &str, text: &str) -> String {
    markup.bullet(&format!("for {}: {}", markup.literal(asked), markup.user_text(text)))
}

/// The line after the listed open questions counting the older ones left out.
pub fn more_open_questions(older: i64) -> String {
    match older {
        1 => "…and 1 more open question, asked earlier".to_owned(),
        n => format!("…and {n} more open questions, asked earlier"),
    }
}

/// Converted pings.
pub fn converted(count: i64) -> String {
    match count {
        1 => "1 ping became an async question since the last digest.".to_owned(),
        n => format!("{n} pings became async questions since the last digest."),
    }
}

/// `/async digest now` done.
pub fn posted(markup: &dyn Markup, standup: &str, channel: &str) -> String {
    format!("Posted the {} digest in {}.", markup.literal(standup), markup.channel(channel))
}
