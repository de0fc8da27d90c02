//! Texts of `/async holidays …` and of a holiday feed's refresh.

use chrono::NaiveDate;

use crate::domain::markup::Markup;

/// Most holidays `holidays list` names.
pub const MAX_LISTED: usize = 30;

fn day(date: NaiveDate) -> String {
    date.format("%a %d %b %Y").to_string()
}

/// A holiday as a line: `Fri 25 Dec 2026: Christmas Day`, or without a name.
pub fn holiday(markup: &dyn Markup, date: NaiveDate, name: &str, from_calendar: bool) -> String {
    let source = if from_calendar { " (calendar)" } else { "" };
    if name.is_empty() {
        format!("{}{source}", day(date))
    } else {
        format!("{}: {}{source}", day(date), markup.user_text(name))
    }
}

/// What a standup preview says for a holiday: `holiday: Christmas Day`, or `holiday`.
pub fn preview_word(markup: &dyn Markup, name: &str) -> String {
    if name.is_empty() { "holiday".to_owned() } else { format!("holiday: {}", markup.user_text(name)) }
}

/// A day off to come in a member's overview (`/async me`, the Home tab): a workspace holiday
/// (`Fri 25 Dec 2026 — holiday: Christmas Day`) or only some standups' day off
/// (`Thu 24 Dec 2026 — holiday (daily)`).
pub fn upcoming(markup: &dyn Markup, date: NaiveDate, workspace_holiday: Option<&str>, standups: &[&str]) -> String {
    match workspace_holiday {
        Some(name) => format!("• {} — {}", day(date), preview_word(markup, name)),
        None => {
            let standups: Vec<String> = standups.iter().map(|s| markup.literal(s)).collect();
            format!("• {} — holiday ({})", day(date), standups.join(", "))
        }
    }
}

/// `/async holidays list`: the holidays to come (lines already rendered) and the feed, if any.
pub fn list(lines: &[String], total: usize, calendar: Option<&str>) -> String {
    let mut text = if lines.is_empty() {
        "No holidays ahead. An admin adds one with `/async holidays add 2026-12-25 Christmas Day`.".to_owned()
    } else {
        let more = if total > lines.len() { format!("\n…and {} more", total - lines.len()) } else { String::new() };
        format!("Holidays ahead (no prompts, reminders, digests or briefs):\n• {}{more}", lines.join("\n• "))
    };
    if let Some(status) = calendar {
        text.push('\n');
        text.push_str(status);
    }
    text
}

/// The feed's line in `holidays list`, naming it by its host only.
pub fn calendar_status(markup: &dyn Markup, host: &str, fetched: Option<&str>, error: Option<&str>) -> String {
    let url = markup.user_text(host);
    match (fetched, error) {
        (_, Some(error)) => format!("Calendar: {url} — the last fetch failed: {}.", markup.user_text(error)),
        (Some(when), None) => format!("Calendar: {url}, fetched {when}."),
        (None, None) => format!("Calendar: {url}, not fetched yet."),
    }
}

/// `/async holidays add` succeeded.
pub fn added(markup: &dyn Markup, date: NaiveDate, name: &str) -> String {
    format!(
        "{} is a holiday now: no prompts, reminders, digests or briefs that day.",
        holiday(markup, date, name, false)
    )
}

/// `/async holidays add` of a date already past.
pub fn in_the_past(date: NaiveDate) -> String {
    format!("{} has already passed. Nothing changed.", day(date))
}

/// `/async holidays remove` succeeded.
pub fn removed(date: NaiveDate) -> String {
    format!("{} is a working day again.", day(date))
}

/// `/async holidays remove` of a date that comes from the feed.
pub fn from_calendar(date: NaiveDate) -> String {
    format!(
        "{} comes from the holiday calendar, so it stays; `/async holidays calendar off` drops the calendar's days.",
        day(date)
    )
}

/// `/async holidays remove` of a date that is no holiday.
pub fn not_a_holiday(date: NaiveDate) -> String {
    format!("{} is not a holiday. Nothing changed; `/async holidays list` shows them.", day(date))
}

/// `/async holidays calendar <url>` accepted: the fetch follows.
pub fn calendar_set() -> String {
    "Subscribed. I am fetching the calendar now and will tell you here how it went; it is fetched again every day."
        .to_owned()
}

/// `/async holidays calendar off` succeeded.
pub fn calendar_off(had_one: bool) -> String {
    if had_one {
        "The holiday calendar is off and its days are gone; holidays added by command stay.".to_owned()
    } else {
        "There is no holiday calendar to turn off.".to_owned()
    }
}

/// A fetch of the feed worked.
pub fn fetched(count: usize, next: Option<&str>) -> String {
    match next {
        Some(next) => format!("The holiday calendar has {count} days; the next is {next}."),
        None => format!("The holiday calendar has {count} days, none of them ahead."),
    }
}

/// A fetch of the feed failed; the days already known stay.
pub fn fetch_failed(markup: &dyn Markup, reason: &str, kept: usize) -> String {
    format!(
        "I could not use the holiday calendar: {}. I kept the {kept} days I already had from it and will try again tomorrow.",
        markup.user_text(reason)
    )
}
