//! Purpose: the `standup …` subcommands, and the `key=value` options of `standup create/edit`.

use chrono::{Duration, NaiveDate, NaiveTime};

use super::lexer::{
    channel_id, date, days, nothing_after, split_word, standup_name, user_id, words,
};
use super::suggest::{or_list, suggest_word};
use super::{CommandError, parse_tz};
use crate::domain::calendar::{Timezone, Weekdays, parse_duration, parse_time_of_day};

/// Most questions a standup may ask (Discord modals hold at most five text inputs).
pub const MAX_QUESTIONS: usize = 5;

/// Furthest ahead `standup preview` looks, in days.
pub const MAX_PREVIEW_DAYS: u32 = 31;

/// A `standup …` command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StandupCommand {
    /// `standup list`: the standups here and whether I take part.
    List,
    /// `standup join <name>`.
    Join(String),
    /// `standup leave <name>`.
    Leave(String),
    /// `standup skip [<date>]`: skip today (or the given local date).
    Skip(Option<NaiveDate>),
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
    /// `standup delete <name>` (admin).
    Delete(String),
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
}

impl StandupCommand {
    /// Whether only an admin may run this (create, edit, delete, pause, resume).
    pub fn requires_admin(&self) -> bool {
        matches!(
            self,
            StandupCommand::Create { .. }
                | StandupCommand::Edit { .. }
                | StandupCommand::Delete(_)
                | StandupCommand::Pause(_)
                | StandupCommand::Resume(_)
        )
    }
}

/// The settings of `standup create/edit`; `None` means "not given".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StandupOptions {
    /// `at=09:30`: local prompt time in each member's zone.
    pub at: Option<NaiveTime>,
    /// `days=mon-fri`: the days prompts go out.
    pub days: Option<Weekdays>,
    /// `cron="0 30 9 * * Mon-Fri"` instead of at/days; syntax is checked by the schedule module.
    pub cron: Option<String>,
    /// `channel=<#C123>`: the report channel id.
    pub channel: Option<String>,
    /// `questions="Yesterday?|Today?|Blockers?"`: 1 to [`MAX_QUESTIONS`] questions, trimmed.
    pub questions: Option<Vec<String>>,
    /// `blocker=3`: the 1-based number of the blocker question.
    pub blocker: Option<usize>,
    /// `digest=17:00`: digest time in the digest zone.
    pub digest_at: Option<NaiveTime>,
    /// `digest_tz=Europe/Berlin`: the zone of the digest time.
    pub digest_tz: Option<Timezone>,
    /// `reminder=2h` or `reminder=off` (`Some(None)`).
    pub reminder: Option<Option<Duration>>,
    /// `members=<@U1>,<@U2>`: participant ids, without repeats.
    pub members: Option<Vec<String>>,
}

impl StandupOptions {
    fn is_empty(&self) -> bool {
        *self == StandupOptions::default()
    }
}

/// Sub-keywords of `standup`, for "did you mean" on a typo.
const SUBCOMMANDS: [&str; 11] = [
    "list", "join", "leave", "skip", "answer", "create", "edit", "delete", "pause", "resume",
    "preview",
];

/// Option keys of `standup create/edit`, with an example value each for error hints.
const OPTION_KEYS: [(&str, &str); 10] = [
    ("at", "09:30"),
    ("days", "mon-fri"),
    ("cron", "\"0 30 9 * * Mon-Fri\""),
    ("channel", "#team"),
    ("questions", "\"Yesterday?|Today?|Blockers?\""),
    ("blocker", "3"),
    ("digest", "17:00"),
    ("digest_tz", "Europe/Berlin"),
    ("reminder", "2h"),
    ("members", "@ana,@bo"),
];

/// Parses the text after `standup`.
pub(super) fn parse(text: &str) -> Result<StandupCommand, CommandError> {
    let (sub, rest) = split_word(text);
    let lower = sub.to_lowercase();
    match lower.as_str() {
        "list" => nothing_after("standup list", rest).map(|()| StandupCommand::List),
        "join" => only_name("join", rest).map(StandupCommand::Join),
        "leave" => only_name("leave", rest).map(StandupCommand::Leave),
        "delete" => only_name("delete", rest).map(StandupCommand::Delete),
        "pause" => only_name("pause", rest).map(StandupCommand::Pause),
        "resume" => only_name("resume", rest).map(StandupCommand::Resume),
        "skip" if rest.is_empty() => Ok(StandupCommand::Skip(None)),
        "skip" => only_one("standup skip", rest)
            .and_then(date)
            .map(|day| StandupCommand::Skip(Some(day))),
        "answer" => parse_answer(rest),
        "preview" => parse_preview(rest),
        "create" | "edit" => parse_manage(&lower, rest),
        "" => Err(CommandError::new(
            "Use `/async standup list`, `join <name>`, `leave <name>`, `skip`, `answer` or `preview <name>`. Try `/async help`.",
        )),
        _ => Err(match suggest_word(sub, &SUBCOMMANDS) {
            Some(word) => CommandError::new(format!(
                "I don't know `/async standup {sub}` — did you mean `/async standup {word}`?"
            )),
            None => CommandError::new(format!(
                "I don't know `/async standup {sub}`. Try `/async help`."
            )),
        }),
    }
}

/// Fails unless exactly one word follows `command`.
fn only_one<'a>(command: &str, rest: &'a str) -> Result<&'a str, CommandError> {
    let (word, extra) = split_word(rest);
    if extra.is_empty() {
        Ok(word)
    } else {
        Err(CommandError::new(format!(
            "`/async {command}` takes one value, not `{rest}`."
        )))
    }
}

/// A subcommand that takes exactly one standup name.
fn only_name(sub: &str, rest: &str) -> Result<String, CommandError> {
    if rest.is_empty() {
        return Err(CommandError::new(format!(
            "Which standup? Like `/async standup {sub} daily`."
        )));
    }
    standup_name(only_one(&format!("standup {sub}"), rest)?)
}

fn parse_preview(rest: &str) -> Result<StandupCommand, CommandError> {
    let (name, more) = split_word(rest);
    if name.is_empty() {
        return Err(CommandError::new(
            "Which standup? Like `/async standup preview daily 7`.",
        ));
    }
    let name = standup_name(name)?;
    let days = if more.is_empty() {
        None
    } else {
        Some(days(
            only_one("standup preview <name>", more)?,
            MAX_PREVIEW_DAYS,
        )?)
    };
    Ok(StandupCommand::Preview { name, days })
}

/// `answer`, `answer daily`, `answer a | b | c`, `answer daily: a | b | c`. A lone word is read
/// as a standup name; with answers the name needs its colon, because the grammar cannot tell a
/// standup name from the first word of an answer.
fn parse_answer(rest: &str) -> Result<StandupCommand, CommandError> {
    if rest.is_empty() {
        return Ok(StandupCommand::Answer {
            standup: None,
            answers: Vec::new(),
        });
    }
    let (first, after) = split_word(rest);
    if after.is_empty() && standup_name(first).is_ok() {
        return Ok(StandupCommand::Answer {
            standup: Some(first.to_owned()),
            answers: Vec::new(),
        });
    }
    let named = first
        .strip_suffix(':')
        .filter(|name| standup_name(name).is_ok());
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

/// Splits `a | b | c` into trimmed items, refusing empty ones.
fn split_pipes(text: &str, item: &str) -> Result<Vec<String>, CommandError> {
    let items: Vec<String> = text.split('|').map(|s| s.trim().to_owned()).collect();
    if let Some(at) = items.iter().position(String::is_empty) {
        return Err(CommandError::new(format!(
            "{} {} is empty: write something between the | separators.",
            capitalised(item),
            at + 1
        )));
    }
    Ok(items)
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn parse_manage(sub: &str, rest: &str) -> Result<StandupCommand, CommandError> {
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

/// Reads `key=value` words into options, then checks the rules that span several keys.
fn parse_options(words: &[String]) -> Result<StandupOptions, CommandError> {
    let mut options = StandupOptions::default();
    let mut seen: Vec<&'static str> = Vec::new();
    for word in words {
        let Some((key, value)) = word.split_once('=') else {
            // `members=<@U1>, <@U2>`: a mention after a members list continues it.
            if seen.last() == Some(&"members") {
                add_members(&mut options, word)?;
                continue;
            }
            return Err(CommandError::new(format!(
                "`{word}` is not an option: write key=value, and quote values with spaces, like questions=\"Yesterday?|Today?\"."
            )));
        };
        let key = canonical_key(key)?;
        if seen.contains(&key) {
            return Err(CommandError::new(format!(
                "`{key}` is given twice: keep one."
            )));
        }
        seen.push(key);
        let value = value.trim();
        if value.is_empty() {
            let example = OPTION_KEYS
                .iter()
                .find(|(k, _)| *k == key)
                .map_or("", |(_, e)| e);
            return Err(CommandError::new(format!(
                "`{key}=` needs a value, like {key}={example}."
            )));
        }
        set_option(&mut options, key, value)?;
    }
    check_options(&options)?;
    Ok(options)
}

fn canonical_key(key: &str) -> Result<&'static str, CommandError> {
    let lower = key.trim().to_lowercase();
    // Scenario files say `digest_at`; accept it so admins can copy from them.
    let lower = if lower == "digest_at" {
        "digest".to_owned()
    } else {
        lower
    };
    if let Some((known, _)) = OPTION_KEYS.iter().find(|(k, _)| *k == lower) {
        return Ok(known);
    }
    let keys: Vec<&str> = OPTION_KEYS.iter().map(|(k, _)| *k).collect();
    Err(CommandError::new(match suggest_word(&lower, &keys) {
        Some(close) => format!("`{key}` is not a standup option — did you mean `{close}`?"),
        None => format!("`{key}` is not a standup option; use {}.", or_list(&keys)),
    }))
}

fn set_option(options: &mut StandupOptions, key: &str, value: &str) -> Result<(), CommandError> {
    match key {
        "at" => options.at = Some(parse_time_of_day(value)?),
        "days" => options.days = Some(value.parse()?),
        "cron" => options.cron = Some(value.to_owned()),
        "channel" => options.channel = Some(channel_id(value)?),
        "questions" => options.questions = Some(parse_questions(value)?),
        "blocker" => options.blocker = Some(parse_blocker(value)?),
        "digest" => options.digest_at = Some(parse_time_of_day(value)?),
        "digest_tz" => options.digest_tz = Some(parse_tz(value)?),
        "reminder" => options.reminder = Some(parse_reminder(value)?),
        "members" => add_members(options, value)?,
        _ => unreachable!("canonical_key returns only known keys"),
    }
    Ok(())
}

fn parse_questions(value: &str) -> Result<Vec<String>, CommandError> {
    let questions = split_pipes(value, "question")?;
    if questions.len() > MAX_QUESTIONS {
        return Err(CommandError::new(format!(
            "That is {} questions; a standup asks at most {MAX_QUESTIONS}.",
            questions.len()
        )));
    }
    Ok(questions)
}

fn parse_blocker(value: &str) -> Result<usize, CommandError> {
    value
        .parse::<usize>()
        .ok()
        .filter(|n| (1..=MAX_QUESTIONS).contains(n))
        .ok_or_else(|| {
            CommandError::new(format!(
                "blocker={value} is out of range: give the number of the blocker question, 1 to {MAX_QUESTIONS}."
            ))
        })
}

fn parse_reminder(value: &str) -> Result<Option<Duration>, CommandError> {
    if value.eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    let delay = parse_duration(value)?;
    if delay <= Duration::zero() {
        return Err(CommandError::new(
            "reminder=0s would remind at once: give a delay like 2h, or reminder=off.",
        ));
    }
    Ok(Some(delay))
}

/// Adds the members of a comma- or space-separated list, keeping the first of any repeats.
fn add_members(options: &mut StandupOptions, value: &str) -> Result<(), CommandError> {
    let members = options.members.get_or_insert_with(Vec::new);
    for word in value
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|w| !w.is_empty())
    {
        let id = user_id(word)?;
        if !members.contains(&id) {
            members.push(id);
        }
    }
    if members.is_empty() {
        return Err(CommandError::new(
            "`members=` needs at least one member, like members=@ana,@bo.",
        ));
    }
    Ok(())
}

fn check_options(options: &StandupOptions) -> Result<(), CommandError> {
    if options.cron.is_some() && (options.at.is_some() || options.days.is_some()) {
        return Err(CommandError::new(
            "Use either cron= or at=/days=, not both: cron already says the time and the days.",
        ));
    }
    if let (Some(blocker), Some(questions)) = (options.blocker, &options.questions)
        && blocker > questions.len()
    {
        return Err(CommandError::new(format!(
            "blocker={blocker} is out of range: there are only {} questions.",
            questions.len()
        )));
    }
    Ok(())
}
