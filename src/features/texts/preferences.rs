//! Texts of `/async me`, `tz`, `hours`, `ooo`, `who`, `brief`, `forget-me`, `export-me`.

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::markup::{Markup, TimeStyle};
use crate::domain::member::Member;

/// `/async tz` succeeded.
pub fn zone_set(zone: &str) -> String {
    format!("Your timezone is now {zone}. Prompts and briefs follow it from your next working day.")
}

/// `/async hours` succeeded.
pub fn hours_set(hours: &str, days: &str) -> String {
    format!("Your working hours are now {hours}, {days}. The bot will only DM you inside them.")
}

/// `/async ooo from..to` succeeded.
pub fn away_set(from: NaiveDate, to: NaiveDate) -> String {
    if from == to {
        format!("You are out of office on {from}. No prompts that day, and you show as away in digests.")
    } else {
        format!("You are out of office from {from} to {to}. No prompts then, and you show as away in digests.")
    }
}

/// `/async ooo` with a range that ended already.
pub fn away_in_the_past(to: NaiveDate) -> String {
    format!("That range ended on {to}, which is already past in your timezone. Nothing changed.")
}

/// `/async ooo off` succeeded.
pub fn back_in_office() -> String {
    "Welcome back: you are no longer out of office.".to_owned()
}

/// `/async brief on|off` succeeded.
pub fn brief_set(on: bool) -> String {
    if on {
        "Your personal morning brief is on: one DM at the start of your day, only when something needs you.".to_owned()
    } else {
        "Your personal morning brief is off.".to_owned()
    }
}

/// The first `/async forget-me`: what it erases, and how to confirm.
pub fn forget_confirm(window_minutes: i64) -> String {
    format!(
        "This erases you from unhurried: your settings, the text of your standup answers, your open questions and \
         pings, and every stored message that names you or repeats your words. Your past answers will read \
         \"former member\", and it cannot be undone. To go ahead, type `/async forget-me` again within \
         {window_minutes} minutes."
    )
}

/// `/async forget-me` confirmed and done.
pub fn forgotten() -> String {
    "Done: you are erased. Your settings and everything you wrote are deleted, and your past standup answers \
     now read \"former member\"."
        .to_owned()
}

/// The DM that carries a member's export.
pub fn export_dm() -> String {
    "Here is everything unhurried stores about you in this workspace, as a JSON file: your profile and \
     settings, standups, runs and answers, decisions you logged, pings, questions, and what you sent the \
     bot. Other members' words are not in it."
        .to_owned()
}

/// The private reply to `/async export-me` once the file is on its way; `unreachable`: DMs to
/// them failed before.
pub fn export_sent(file: &str, bytes: usize, unreachable: bool) -> String {
    let size = readable_size(bytes);
    if unreachable {
        format!(
            "Sending you a DM with your data as a file ({file}, {size}). DMs to you failed before: if it does not \
             arrive, allow direct messages from the bot and type `/async export-me` again."
        )
    } else {
        format!("Sent you a DM with your data as a file ({file}, {size}).")
    }
}

/// `/async export-me` when the file would be too large to send.
pub fn export_too_large(bytes: usize, limit: usize) -> String {
    format!(
        "Your data makes a file of {}, more than the {} a file by DM may be here, so nothing was sent. Ask a \
         workspace admin for a copy.",
        readable_size(bytes),
        readable_size(limit)
    )
}

/// `/async export-me` for a member the store does not know (any more).
pub fn nothing_to_export() -> String {
    "unhurried stores nothing about you in this workspace.".to_owned()
}

/// A size in bytes as people read it: `812 bytes`, `12.4 KiB`, `8.0 MiB`.
fn readable_size(bytes: usize) -> String {
    const KIB: f64 = 1024.0;
    let value = bytes as f64;
    if value < KIB {
        format!("{bytes} bytes")
    } else if value < KIB * KIB {
        format!("{:.1} KiB", value / KIB)
    } else {
        format!("{:.1} MiB", value / KIB / KIB)
    }
}

/// One line of `/async who`.
pub fn who_line(markup: &dyn Markup, member: &Member, now: DateTime<Utc>, next_start: Option<DateTime<Utc>>) -> String {
    let local = member.availability.local_now(now);
    let name = if member.name.is_empty() { markup.mention(&member.user) } else { markup.literal(&member.name) };
    let status = if member.availability.is_out_of_office(local.date()) {
        "out of office".to_owned()
    } else if member.availability.is_working_at(now) {
        "working".to_owned()
    } else {
        match next_start {
            Some(start) => format!("off until {}", markup.time(start, TimeStyle::DateTime)),
            None => "off".to_owned(),
        }
    };
    format!("{name} — {} local ({}), {status}", local.format("%a %H:%M"), member.availability.tz.name())
}

/// `/async me`, with the days off to come (lines of [`crate::features::texts::holidays::upcoming`]).
pub fn me(
    member: &Member,
    standups: &[String],
    next_start: Option<(DateTime<Utc>, String)>,
    holidays: &[String],
) -> String {
    let a = &member.availability;
    let zone = if member.tz_is_default {
        format!("{} (the workspace default — set yours with `/async tz <zone>`)", a.tz.name())
    } else {
        a.tz.name().to_owned()
    };
    let away = if a.out_of_office.is_empty() {
        "none".to_owned()
    } else {
        a.out_of_office.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
    };
    let standups = if standups.is_empty() { "none".to_owned() } else { standups.join(", ") };
    let mut lines = vec![
        format!("Timezone: {zone}"),
        format!("Working hours: {} on {}", a.hours, a.days),
        format!("Out of office: {away}"),
        format!("Standups: {standups}"),
        format!("Morning brief: {}", if member.brief_on { "on" } else { "off" }),
    ];
    if let Some((_, rendered)) = next_start {
        lines.push(format!("Next working period starts {rendered}"));
    }
    if !holidays.is_empty() {
        lines.push(format!("Holidays ahead:\n{}", holidays.join("\n")));
    }
    lines.join("\n")
}

/// One upcoming prompt on the home page.
pub fn home_prompt(markup: &dyn Markup, standup: &str, due: DateTime<Utc>) -> String {
    format!("• {}: {}", markup.bold(&markup.literal(standup)), markup.time(due, TimeStyle::DateTime))
}

/// The home page: settings, next prompts, recent decisions.
pub fn home(settings: &str, prompts: &[String], decisions: &[String]) -> String {
    let mut parts = vec![settings.to_owned()];
    parts.push(if prompts.is_empty() {
        "No standup prompts scheduled.".to_owned()
    } else {
        format!("Next prompts:\n{}", prompts.join("\n"))
    });
    if !decisions.is_empty() {
        parts.push(format!("Recent decisions:\n{}", decisions.join("\n")));
    }
    parts.join("\n\n")
}
