//! Purpose: the `/async` command grammar (SPEC §7) — one parser from the text after `/async` to
//! a typed [`Command`], the same on Slack and Discord, with a one-line error for bad input.
//!
//! Keywords are case-insensitive; values keep their case. Mentions and channels are accepted as
//! each platform sends them and kept as plain id strings: the caller knows the platform.
//! Validation here is what can be checked without the store (a standup name is well-formed, not
//! that it exists) so a command that parses can still be refused by its feature.

mod lexer;
mod options;
mod standup;
mod suggest;

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;

use super::calendar::{Timezone, ValueError, Weekdays, WorkingHours};
use lexer::{date, nothing_after, split_word};

pub use lexer::MAX_STANDUP_NAME;
pub use options::StandupOptions;
pub use standup::{MAX_PREVIEW_DAYS, MAX_QUESTIONS, StandupCommand};
pub use suggest::suggest_zones;

/// One parsed `/async` command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `help` (and empty input): show [`usage`].
    Help,
    /// `me`: my zone, hours, days, out-of-office, standups, brief.
    Me,
    /// `tz <IANA zone>`: set my zone.
    Tz(Timezone),
    /// `hours 09:00-17:30 [mon-fri]`: set my working hours, and my days when given.
    Hours {
        /// The local working period.
        hours: WorkingHours,
        /// The working days, when given.
        days: Option<Weekdays>,
    },
    /// `ooo <from>..<to>` or `ooo <date>`: out of office on these local dates, both inclusive.
    Ooo {
        /// First day out.
        from: NaiveDate,
        /// Last day out (equal to `from` for one day).
        to: NaiveDate,
    },
    /// `ooo off`: back in office, clearing current and future out-of-office ranges.
    OooOff,
    /// `who`: teammates' local time now and whether they are working.
    Who,
    /// `brief on|off`: the personal morning brief.
    Brief(bool),
    /// `standup …`: take part in or manage standups.
    Standup(StandupCommand),
    /// `digest now|preview <name>`: post or preview a standup's digest.
    Digest {
        /// Post or preview.
        action: DigestAction,
        /// The standup's name.
        standup: String,
    },
    /// `nudge on|off|dry-run`: ping conversion in this channel.
    Nudge(NudgeMode),
    /// `decide <text>`: log a decision.
    Decide(String),
    /// `decisions [words]`: list decisions, or search them for the words.
    Decisions(Option<String>),
    /// `stats [days]`: participation and pings converted over the last days.
    Stats(Option<u32>),
    /// `forget-me`: delete my data.
    ForgetMe,
}

impl Command {
    /// Whether only an admin may run this command (managing standups, digests and nudges).
    pub fn requires_admin(&self) -> bool {
        match self {
            Command::Standup(standup) => standup.requires_admin(),
            Command::Digest { .. } | Command::Nudge(_) => true,
            _ => false,
        }
    }
}

impl FromStr for Command {
    type Err = CommandError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        parse(text)
    }
}

/// What `digest` does with a standup's digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DigestAction {
    /// Post it to the report channel now.
    Now,
    /// Show it privately to the admin without posting.
    Preview,
}

/// Ping conversion in a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NudgeMode {
    /// Nudge sync pings.
    On,
    /// Leave pings alone.
    Off,
    /// Log what would be nudged, send nothing.
    DryRun,
}

impl NudgeMode {
    /// The name used in commands, config and scenarios (`on`, `off`, `dry-run`).
    pub fn as_str(self) -> &'static str {
        match self {
            NudgeMode::On => "on",
            NudgeMode::Off => "off",
            NudgeMode::DryRun => "dry-run",
        }
    }
}

impl fmt::Display for NudgeMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for NudgeMode {
    type Err = CommandError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_lowercase().as_str() {
            "on" => Ok(NudgeMode::On),
            "off" => Ok(NudgeMode::Off),
            "dry-run" | "dry_run" | "dryrun" => Ok(NudgeMode::DryRun),
            _ => Err(CommandError::new(format!(
                "`{}` is not a nudge mode: use `/async nudge on`, `off` or `dry-run`.",
                text.trim()
            ))),
        }
    }
}

/// A command the user got wrong; the message is one friendly line for them.
///
/// The message quotes what the user typed, so render it with
/// [`crate::domain::markup::Markup::user_text`] like any other user text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CommandError(pub String);

/// Longest word of an error message: an echoed word longer than this is cut, so a huge command
/// text never comes back whole.
const MAX_ECHOED_WORD: usize = 40;
/// Longest error message, for an echo of many words.
const MAX_ERROR_CHARS: usize = 400;

impl CommandError {
    /// An error with this message, kept on one line (echoed user input may hold line breaks) and
    /// short: each word at most [`MAX_ECHOED_WORD`] characters, the whole at most [`MAX_ERROR_CHARS`].
    pub(crate) fn new(message: impl Into<String>) -> Self {
        let message: String = message.into();
        let words: Vec<String> = message.split_whitespace().map(|word| cut(word, MAX_ECHOED_WORD)).collect();
        CommandError(cut(&words.join(" "), MAX_ERROR_CHARS))
    }
}

/// `text` cut to `max` characters, ending in `…` when it was cut.
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

impl From<ValueError> for CommandError {
    fn from(error: ValueError) -> Self {
        CommandError::new(format!("{}.", error.0))
    }
}

/// Subcommand words, for "did you mean" on a typo.
const KEYWORDS: [&str; 15] = [
    "help",
    "me",
    "tz",
    "hours",
    "ooo",
    "who",
    "brief",
    "standup",
    "digest",
    "nudge",
    "decide",
    "decisions",
    "stats",
    "forget-me",
    "standups",
];

/// Longest window `stats` looks back over, in days.
pub const MAX_STATS_DAYS: u32 = 365;

/// Parses the text after `/async`. Empty text is [`Command::Help`].
pub fn parse(text: &str) -> Result<Command, CommandError> {
    let (head, rest) = split_word(text);
    match head.to_lowercase().as_str() {
        "" | "help" => Ok(Command::Help),
        "me" => nothing_after("me", rest).map(|()| Command::Me),
        "who" => nothing_after("who", rest).map(|()| Command::Who),
        "forget-me" => nothing_after("forget-me", rest).map(|()| Command::ForgetMe),
        "tz" => parse_tz(rest).map(Command::Tz),
        "hours" => parse_hours(rest),
        "ooo" => parse_ooo(rest),
        "brief" => on_off("brief", rest).map(Command::Brief),
        "standup" | "standups" => standup::parse(rest).map(Command::Standup),
        "digest" => parse_digest(rest),
        "nudge" => parse_nudge(rest),
        "decide" if rest.is_empty() => Err(CommandError::new(
            "Write the decision after `/async decide`, like `/async decide We release on Tuesdays`.",
        )),
        "decide" => Ok(Command::Decide(rest.to_owned())),
        "decisions" => Ok(Command::Decisions((!rest.is_empty()).then(|| rest.to_owned()))),
        "stats" if rest.is_empty() => Ok(Command::Stats(None)),
        "stats" => lexer::days(rest, MAX_STATS_DAYS).map(|days| Command::Stats(Some(days))),
        _ => Err(unknown_command(head)),
    }
}

fn unknown_command(head: &str) -> CommandError {
    match suggest::suggest_word(head, &KEYWORDS) {
        Some(word) => CommandError::new(format!(
            "I don't know `/async {head}` — did you mean `/async {word}`? Try `/async help`."
        )),
        None => CommandError::new(format!("I don't know `/async {head}`. Try `/async help`.")),
    }
}

/// Reads an IANA zone, suggesting close names on a typo.
pub(super) fn parse_tz(rest: &str) -> Result<Timezone, CommandError> {
    if rest.is_empty() {
        return Err(CommandError::new("Tell me your timezone, like `/async tz Europe/Berlin`."));
    }
    if let Ok(zone) = rest.parse::<Timezone>() {
        return Ok(zone);
    }
    let suggestions = suggest_zones(rest);
    Err(CommandError::new(if suggestions.is_empty() {
        format!("'{rest}' is not a timezone — use an IANA name like Europe/Berlin or America/New_York.")
    } else {
        format!("'{rest}' is not a timezone — did you mean {}?", suggest::or_list(&suggestions))
    }))
}

fn parse_hours(rest: &str) -> Result<Command, CommandError> {
    let (range, days) = split_word(rest);
    if range.is_empty() {
        return Err(CommandError::new("Tell me your working hours, like `/async hours 09:00-17:30 mon-fri`."));
    }
    let hours: WorkingHours = range.parse()?;
    let days = if days.is_empty() { None } else { Some(days.replace(' ', "").parse::<Weekdays>()?) };
    Ok(Command::Hours { hours, days })
}

fn parse_ooo(rest: &str) -> Result<Command, CommandError> {
    if rest.eq_ignore_ascii_case("off") {
        return Ok(Command::OooOff);
    }
    if rest.is_empty() {
        return Err(CommandError::new(
            "Tell me the dates, like `/async ooo 2026-04-01..2026-04-05`, or `/async ooo off`.",
        ));
    }
    // `2026-04-01 .. 2026-04-05` reads the same as without spaces.
    let compact: String = rest.split_whitespace().collect();
    let (from, to) = match compact.split_once("..") {
        Some((from, to)) => (date(from)?, date(to)?),
        None => {
            let day = date(&compact)?;
            (day, day)
        }
    };
    if to < from {
        return Err(CommandError::new(format!(
            "The range ends ({to}) before it starts ({from}): write the earlier date first."
        )));
    }
    Ok(Command::Ooo { from, to })
}

fn on_off(command: &str, rest: &str) -> Result<bool, CommandError> {
    match rest.to_lowercase().as_str() {
        "on" => Ok(true),
        "off" => Ok(false),
        _ => Err(CommandError::new(format!("Use `/async {command} on` or `/async {command} off`."))),
    }
}

fn parse_digest(rest: &str) -> Result<Command, CommandError> {
    let (action, name) = split_word(rest);
    let action = match action.to_lowercase().as_str() {
        "now" => DigestAction::Now,
        "preview" => DigestAction::Preview,
        _ => {
            return Err(CommandError::new("Use `/async digest now <standup>` or `/async digest preview <standup>`."));
        }
    };
    if name.is_empty() {
        return Err(CommandError::new(format!(
            "Which standup? Like `/async digest {} daily`.",
            match action {
                DigestAction::Now => "now",
                DigestAction::Preview => "preview",
            }
        )));
    }
    let standup = lexer::standup_name(name)?;
    Ok(Command::Digest { action, standup })
}

fn parse_nudge(rest: &str) -> Result<Command, CommandError> {
    if rest.is_empty() {
        return Err(CommandError::new("Use `/async nudge on`, `/async nudge off` or `/async nudge dry-run`."));
    }
    rest.parse().map(Command::Nudge)
}

/// The help text: every command on a few lines, short enough for one chat message on either
/// platform, written in markup both render the same (inline code only).
pub fn usage() -> &'static str {
    "unhurried — everything goes through `/async`:\n\
     • `me` your settings · `who` teammates' local time · `tz Europe/Berlin` your timezone\n\
     • `hours 09:00-17:30 [mon-fri]` your working hours · `ooo 2026-04-01..2026-04-05` / `ooo off`\n\
     • `brief on|off` your morning brief · `forget-me` delete your data\n\
     • `standup list` · `standup join|leave <name>` · `standup skip [<name>] [2026-04-01]`\n\
     • `standup answer [<name>] [first | second | third]` · `standup preview <name> [days]`\n\
     • `decide <text>` log a decision · `decisions [words]` find one · `stats [days]`\n\
     Admins:\n\
     • `standup create|edit <name> at=09:30 days=mon-fri channel=#team questions=\"Yesterday?|Today?|Blockers?\" blocker=3 digest=17:00 digest_tz=Europe/Berlin reminder=2h members=@ana,@bo` (or `cron=\"0 30 9 * * Mon-Fri\"` instead of at/days)\n\
     • `standup delete|pause|resume <name>` · `digest now|preview <name>` · `nudge on|off|dry-run`"
}

#[cfg(test)]
mod tests;
