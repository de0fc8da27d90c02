//! Purpose: the `standup …` subcommands: taking part (join, skip, answer, preview) and managing
//! (create, edit, delete, pause, resume; options are read in `options.rs`).

use chrono::NaiveDate;

use super::lexer::{date, days, split_pipes, split_word, standup_name, words};
use super::options::{StandupOptions, parse_options};
use super::suggest::suggest_word;
use super::{Command, CommandError};

/// Most questions a standup may ask (Discord modals hold at most five text inputs).
pub const MAX_QUESTIONS: usize = 5;

/// Furthest ahead `standup preview` looks, in days.
pub const MAX_PREVIEW_DAYS: u32 = 31;

/// Furthest back `standup history` looks, in days.
pub const MAX_HISTORY_DAYS: u32 = 366;

/// A `standup …` command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StandupCommand {
    /// `standup list`: the standups here and whether I take part.
    List,
    /// `standup join <name>`.
    Join(String),
    /// `standup leave <name>`.
    Leave(String),
    /// `standup skip [<name>] [<date>]`: skip today (or the given local date), in one standup or all.
    Skip {
        /// The standup, or every standup the member is in.
        standup: Option<String>,
        /// The member-local date, or today.
        date: Option<NaiveDate>,
    },
    /// `standup answer [<name>] [a | b | c]`: answer now (early answers allowed). Without answers
    /// the feature opens the question flow.
    Answer {
        /// The standup, when named (`answer daily` or `answer daily: a | b`).
        standup: Option<String>,
        /// The answers in question order; empty to be asked.
        answers: Vec<String>,
    },
    /// `standup create <name> key=value…` (admin).
    Create {
        /// The new standup's name.
        name: String,
        /// Its settings; questions and a schedule are present.
        options: StandupOptions,
    },
    /// `standup edit <name> key=value…` (admin); only the given settings change.
    Edit {
        /// The standup's name.
        name: String,
        /// The settings to change; at least one is present.
        options: StandupOptions,
    },
    /// `standup delete <name> [confirm]` (admin): without `confirm`, says what would be removed.
    Delete {
        /// The standup's name.
        name: String,
        /// Whether the admin confirmed (`confirm` after the name).
        confirm: bool,
    },
    /// `standup pause <name>` (admin).
    Pause(String),
    /// `standup resume <name>` (admin).
    Resume(String),
    /// `standup preview <name> [days]`: next prompts per member in their local time.
    Preview {
        /// The standup's name.
        name: String,
        /// How many days ahead, when given.
        days: Option<u32>,
    },
    /// `standup history [<name>] [@member] [days]`: past answers, newest first.
    History {
        /// One standup, or every one the member may read.
        standup: Option<String>,
        /// One member's answers (platform id), or everyone's.
        member: Option<String>,
        /// How many days back, when given.
        days: Option<u32>,
    },
}

impl StandupCommand {
    /// The words of its entry in [`super::COMMANDS`].
    pub fn path(&self) -> &'static [&'static str] {
        match self {
            StandupCommand::List => &["standup", "list"],
            StandupCommand::Join(_) => &["standup", "join"],
            StandupCommand::Leave(_) => &["standup", "leave"],
            StandupCommand::Skip { .. } => &["standup", "skip"],
            StandupCommand::Answer { .. } => &["standup", "answer"],
            StandupCommand::Create { .. } => &["standup", "create"],
            StandupCommand::Edit { .. } => &["standup", "edit"],
            StandupCommand::Delete { .. } => &["standup", "delete"],
            StandupCommand::Pause(_) => &["standup", "pause"],
            StandupCommand::Resume(_) => &["standup", "resume"],
            StandupCommand::Preview { .. } => &["standup", "preview"],
            StandupCommand::History { .. } => &["standup", "history"],
        }
    }

    /// Whether only an admin may run this (create, edit, delete, pause, resume).
    pub fn requires_admin(&self) -> bool {
        super::table::find(self.path()).is_some_and(|spec| spec.access == super::Access::Admin)
    }
}

/// The error for `standup` followed by no subcommand, or by one that does not exist.
pub(super) fn unknown_subcommand(sub: &str) -> CommandError {
    if sub.is_empty() {
        return CommandError::new(
            "Use `/async standup list`, `join <name>`, `leave <name>`, `skip`, `answer` or `preview <name>`. Try `/async help`.",
        );
    }
    match suggest_word(sub, &super::table::subcommands("standup")) {
        Some(word) => {
            CommandError::new(format!("I don't know `/async standup {sub}` — did you mean `/async standup {word}`?"))
        }
        None => CommandError::new(format!("I don't know `/async standup {sub}`. Try `/async help`.")),
    }
}

pub(super) fn parse_join(rest: &str) -> Result<Command, CommandError> {
    only_name("join", rest).map(|name| Command::Standup(StandupCommand::Join(name)))
}

pub(super) fn parse_leave(rest: &str) -> Result<Command, CommandError> {
    only_name("leave", rest).map(|name| Command::Standup(StandupCommand::Leave(name)))
}

pub(super) fn parse_pause(rest: &str) -> Result<Command, CommandError> {
    only_name("pause", rest).map(|name| Command::Standup(StandupCommand::Pause(name)))
}

pub(super) fn parse_resume(rest: &str) -> Result<Command, CommandError> {
    only_name("resume", rest).map(|name| Command::Standup(StandupCommand::Resume(name)))
}

/// `skip [<name>] [<date>]`, in either order: a word that reads as a date is the date.
pub(super) fn parse_skip(rest: &str) -> Result<StandupCommand, CommandError> {
    let (mut standup, mut day) = (None, None);
    let mut rest = rest;
    while !rest.is_empty() {
        let (word, more) = split_word(rest);
        rest = more;
        let looks_like_date = word.chars().next().is_some_and(|c| c.is_ascii_digit());
        if looks_like_date && day.is_none() {
            day = Some(date(word)?);
        } else if !looks_like_date && standup.is_none() {
            standup = Some(standup_name(word)?);
        } else {
            return Err(CommandError::new(
                "Use `/async standup skip [<name>] [<date>]`, like `standup skip daily 2026-04-01`.",
            ));
        }
    }
    Ok(StandupCommand::Skip { standup, date: day })
}

/// Fails unless exactly one word follows `command`.
fn only_one<'a>(command: &str, rest: &'a str) -> Result<&'a str, CommandError> {
    let (word, extra) = split_word(rest);
    if extra.is_empty() {
        Ok(word)
    } else {
        Err(CommandError::new(format!("`/async {command}` takes one value, not `{rest}`.")))
    }
}

/// A subcommand that takes exactly one standup name.
fn only_name(sub: &str, rest: &str) -> Result<String, CommandError> {
    if rest.is_empty() {
        return Err(CommandError::new(format!("Which standup? Like `/async standup {sub} daily`.")));
    }
    standup_name(only_one(&format!("standup {sub}"), rest)?)
}

/// `delete <name> [confirm]`.
pub(super) fn parse_delete(rest: &str) -> Result<StandupCommand, CommandError> {
    let (name, more) = split_word(rest);
    if name.is_empty() {
        return Err(CommandError::new("Which standup? Like `/async standup delete daily`."));
    }
    let name = standup_name(name)?;
    match more {
        "" => Ok(StandupCommand::Delete { name, confirm: false }),
        word if word.eq_ignore_ascii_case("confirm") => Ok(StandupCommand::Delete { name, confirm: true }),
        other => Err(CommandError::new(format!(
            "`/async standup delete {name}` takes only `confirm` after the name, not `{other}`."
        ))),
    }
}

pub(super) fn parse_preview(rest: &str) -> Result<StandupCommand, CommandError> {
    let (name, more) = split_word(rest);
    if name.is_empty() {
        return Err(CommandError::new("Which standup? Like `/async standup preview daily 7`."));
    }
    let name = standup_name(name)?;
    let days =
        if more.is_empty() { None } else { Some(days(only_one("standup preview <name>", more)?, MAX_PREVIEW_DAYS)?) };
    Ok(StandupCommand::Preview { name, days })
}

/// `history [<name>] [@member] [days]`, in any order: a mention is the member, a number the days.
pub(super) fn parse_history(rest: &str) -> Result<StandupCommand, CommandError> {
    let (mut standup, mut member, mut days_back) = (None, None, None);
    for word in words(rest)? {
        if word.starts_with("<@") && member.is_none() {
            member = Some(super::lexer::user_id(&word)?);
        } else if word.chars().all(|c| c.is_ascii_digit()) && days_back.is_none() {
            days_back = Some(days(&word, MAX_HISTORY_DAYS)?);
        } else if standup.is_none() && !word.starts_with("<@") {
            standup = Some(standup_name(&word)?);
        } else {
            return Err(CommandError::new(
                "Use `/async standup history [<name>] [@member] [days]`, like `standup history daily @ana 14`.",
            ));
        }
    }
    Ok(StandupCommand::History { standup, member, days: days_back })
}

/// `answer`, `answer daily`, `answer a | b | c`, `answer daily: a | b | c`. A lone word is read
/// as a standup name; with answers the name needs its colon, because the grammar cannot tell a
/// standup name from the first word of an answer.
pub(super) fn parse_answer(rest: &str) -> Result<StandupCommand, CommandError> {
    if rest.is_empty() {
        return Ok(StandupCommand::Answer { standup: None, answers: Vec::new() });
    }
    let (first, after) = split_word(rest);
    if after.is_empty() && standup_name(first).is_ok() {
        return Ok(StandupCommand::Answer { standup: Some(first.to_owned()), answers: Vec::new() });
    }
    let named = first.strip_suffix(':').filter(|name| standup_name(name).is_ok());
    let (standup, text) = match named {
        Some(name) => (Some(name.to_owned()), after),
        None => (None, rest),
    };
    let answers = split_pipes(text, "answer")?;
    if answers.len() > MAX_QUESTIONS {
        return Err(CommandError::new(format!(
            "That is {} answers; a standup has at most {MAX_QUESTIONS} questions. Separate answers with |.",
            answers.len()
        )));
    }
    Ok(StandupCommand::Answer { standup, answers })
}

pub(super) fn parse_manage(sub: &str, rest: &str) -> Result<StandupCommand, CommandError> {
    let (name, options) = split_word(rest);
    if name.is_empty() {
        return Err(CommandError::new(format!(
            "Which standup? Like `/async standup {sub} daily at=09:30 questions=\"Yesterday?|Today?\"`."
        )));
    }
    let name = standup_name(name)?;
    let options = parse_options(&words(options)?)?;
    if sub == "edit" {
        if options.is_empty() {
            return Err(CommandError::new(format!(
                "Nothing to change: add options, like `/async standup edit {name} at=10:00`."
            )));
        }
        return Ok(StandupCommand::Edit { name, options });
    }
    if options.questions.is_none() {
        return Err(CommandError::new(
            "A new standup needs questions, like questions=\"Yesterday?|Today?|Blockers?\".",
        ));
    }
    if options.at.is_none() && options.cron.is_none() {
        return Err(CommandError::new(
            "A new standup needs a time: add at=09:30 (and days=mon-fri) or cron=\"0 30 9 * * Mon-Fri\".",
        ));
    }
    Ok(StandupCommand::Create { name, options })
}
