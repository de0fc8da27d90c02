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
pub mod table;

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;

use super::calendar::{Timezone, ValueError, Weekdays, WorkingHours};
use lexer::{date, split_word};

pub use lexer::MAX_STANDUP_NAME;
pub use options::{DigestWhenEmpty, StandupOptions, WeeklyAt};
pub use standup::{MAX_PREVIEW_DAYS, MAX_QUESTIONS, StandupCommand};
pub use suggest::suggest_zones;
pub use table::{Access, COMMANDS, CommandSpec, GROUPS, OptionKind, OptionSpec, Style, command_text, usage};

/// One parsed `/async` command.
#[derive(Debug, Clone, PartialEq, Eq)]
#[expect(
    clippy::large_enum_variant,
    reason = "one short-lived value per command typed; `standup create/edit` carries every option"
)]
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
    /// `nudge on|off|dry-run` (or `nudge channel …`): ping conversion in this channel.
    Nudge(NudgeMode),
    /// `nudge me off|on`: whether the bot answers my own pings (`false` = never).
    NudgeMe(bool),
    /// `holidays …`: the workspace's holidays.
    Holidays(HolidaysCommand),
    /// `decide <text>`: log a decision.
    Decide(String),
    /// `decisions [words]`: list decisions, or search them for the words.
    Decisions(Option<String>),
    /// `stats [days]`: participation and pings converted over the last days.
    Stats(Option<u32>),
    /// `forget-me`: delete my data.
    ForgetMe,
    /// `export-me`: send me everything stored about me, as a file by DM (the right of access).
    ExportMe,
}

impl Command {
    /// The words of its entry in [`COMMANDS`] (`["standup", "create"]`).
    pub fn path(&self) -> &'static [&'static str] {
        match self {
            Command::Help => &["help"],
            Command::Me => &["me"],
            Command::Tz(_) => &["tz"],
            Command::Hours { .. } => &["hours"],
            Command::Ooo { .. } | Command::OooOff => &["ooo"],
            Command::Who => &["who"],
            Command::Brief(_) => &["brief"],
            Command::Standup(standup) => standup.path(),
            Command::Digest { action: DigestAction::Now, .. } => &["digest", "now"],
            Command::Digest { action: DigestAction::Preview, .. } => &["digest", "preview"],
            Command::Nudge(_) => &["nudge", "channel"],
            Command::NudgeMe(_) => &["nudge", "me"],
            Command::Decide(_) => &["decide"],
            Command::Decisions(_) => &["decisions"],
            Command::Stats(_) => &["stats"],
            Command::ForgetMe => &["forget-me"],
            Command::ExportMe => &["export-me"],
            Command::Holidays(holidays) => holidays.path(),
        }
    }

    /// Whether only an admin may run this command, as its entry in [`COMMANDS`] says.
    pub fn requires_admin(&self) -> bool {
        table::find(self.path()).is_some_and(|spec| spec.access == Access::Admin)
    }
}

/// A `holidays …` command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HolidaysCommand {
    /// `holidays list` (or `holidays`): the holidays ahead and the calendar, if any.
    List,
    /// `holidays add <date> [name]` (admin).
    Add {
        /// The workspace-local date.
        date: NaiveDate,
        /// What the day is, when given.
        name: Option<String>,
    },
    /// `holidays remove <date>` (admin).
    Remove(NaiveDate),
    /// `holidays calendar <URL>` or `holidays calendar off` (`None`) (admin).
    Calendar(Option<String>),
}

impl HolidaysCommand {
    /// The words of its entry in [`COMMANDS`].
    pub fn path(&self) -> &'static [&'static str] {
        match self {
            HolidaysCommand::List => &["holidays", "list"],
            HolidaysCommand::Add { .. } => &["holidays", "add"],
            HolidaysCommand::Remove(_) => &["holidays", "remove"],
            HolidaysCommand::Calendar(_) => &["holidays", "calendar"],
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

/// Longest window `stats` looks back over, in days.
pub const MAX_STATS_DAYS: u32 = 365;

/// Parses the text after `/async`. Empty text is [`Command::Help`]. The words are looked up in
/// [`COMMANDS`]; a group word followed by none of its subcommands is read by the group.
pub fn parse(text: &str) -> Result<Command, CommandError> {
    let (head, rest) = split_word(text);
    let head_lower = head.to_lowercase();
    if head_lower.is_empty() {
        return Ok(Command::Help);
    }
    if let Some(group) = table::group(&head_lower) {
        let (sub, after) = split_word(rest);
        return match table::find(&[group.name, &sub.to_lowercase()]) {
            Some(spec) => (spec.parse)(after),
            None => (group.otherwise)(sub, rest),
        };
    }
    match table::find(&[&head_lower]) {
        Some(spec) => (spec.parse)(rest),
        None => Err(unknown_command(head)),
    }
}

fn unknown_command(head: &str) -> CommandError {
    match suggest::suggest_word(head, &table::first_words()) {
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

pub(super) fn parse_hours(rest: &str) -> Result<Command, CommandError> {
    let (range, days) = split_word(rest);
    if range.is_empty() {
        return Err(CommandError::new("Tell me your working hours, like `/async hours 09:00-17:30 mon-fri`."));
    }
    let hours: WorkingHours = range.parse()?;
    let days = if days.is_empty() { None } else { Some(days.replace(' ', "").parse::<Weekdays>()?) };
    Ok(Command::Hours { hours, days })
}

pub(super) fn parse_ooo(rest: &str) -> Result<Command, CommandError> {
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

pub(super) fn on_off(command: &str, rest: &str) -> Result<bool, CommandError> {
    match rest.to_lowercase().as_str() {
        "on" => Ok(true),
        "off" => Ok(false),
        _ => Err(CommandError::new(format!("Use `/async {command} on` or `/async {command} off`."))),
    }
}

pub(super) fn parse_digest(action: DigestAction, name: &str) -> Result<Command, CommandError> {
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

pub(super) fn parse_decide(rest: &str) -> Result<Command, CommandError> {
    if rest.is_empty() {
        return Err(CommandError::new(
            "Write the decision after `/async decide`, like `/async decide We release on Tuesdays`.",
        ));
    }
    Ok(Command::Decide(rest.to_owned()))
}

pub(super) fn parse_stats(rest: &str) -> Result<Command, CommandError> {
    if rest.is_empty() {
        return Ok(Command::Stats(None));
    }
    lexer::days(rest, MAX_STATS_DAYS).map(|days| Command::Stats(Some(days)))
}

pub(super) fn parse_nudge(rest: &str) -> Result<Command, CommandError> {
    if rest.is_empty() {
        return Err(CommandError::new("Use `/async nudge on`, `/async nudge off` or `/async nudge dry-run`."));
    }
    rest.parse().map(Command::Nudge)
}

#[cfg(test)]
mod tests;
