//! Purpose: the `key=value` options of `standup create/edit` — each value read strictly, then
//! the rules that span several keys (cron excludes at/days, blocker within the questions).

use chrono::{Duration, NaiveDate, NaiveTime, Weekday};

use super::lexer::{channel_id, date, split_pipes, user_id};
use super::standup::MAX_QUESTIONS;
use super::suggest::{or_list, suggest_word};
use super::{CommandError, parse_tz};
use crate::domain::calendar::{Timezone, Weekdays, parse_duration, parse_time_of_day};

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
    /// `holidays=2026-12-24,2026-12-31`: the standup's own days off (besides the workspace's),
    /// replacing any before; `holidays=none` clears them (`Some` of an empty list).
    pub holidays: Option<Vec<NaiveDate>>,
    /// `weekly_summary=fri 16:00` (digest zone), or `weekly_summary=off` (`Some(None)`).
    pub weekly_summary: Option<Option<WeeklyAt>>,
    /// `digest_when_empty=skip|post`: whether a digest with nothing to report is posted.
    pub digest_when_empty: Option<DigestWhenEmpty>,
}

/// What a standup's digest does when it has nothing to report (no answers, nobody still to
/// come, away or skipping, no decisions, open questions or converted pings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DigestWhenEmpty {
    /// Post one short line saying so (the default).
    #[default]
    Post,
    /// Post nothing.
    Skip,
}

impl DigestWhenEmpty {
    /// The word in commands and in the store.
    pub fn as_str(self) -> &'static str {
        match self {
            DigestWhenEmpty::Post => "post",
            DigestWhenEmpty::Skip => "skip",
        }
    }
}

impl std::str::FromStr for DigestWhenEmpty {
    type Err = CommandError;

    fn from_str(text: &str) -> Result<Self, CommandError> {
        match text.trim().to_lowercase().as_str() {
            "post" => Ok(DigestWhenEmpty::Post),
            "skip" => Ok(DigestWhenEmpty::Skip),
            _ => Err(CommandError::new(format!(
                "`{text}` is not post or skip: write digest_when_empty=skip (post nothing when there is nothing to report) or digest_when_empty=post."
            ))),
        }
    }
}

/// A weekly moment: a weekday and a time of day (a standup's weekly summary, in its digest zone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeeklyAt {
    /// The day of the week.
    pub day: Weekday,
    /// The time of day.
    pub at: NaiveTime,
}

impl std::fmt::Display for WeeklyAt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", crate::domain::calendar::short_name(self.day), self.at.format("%H:%M"))
    }
}

impl std::str::FromStr for WeeklyAt {
    type Err = CommandError;

    /// `fri 16:00` (also `fri@16:00`, `friday 16:00`).
    fn from_str(text: &str) -> Result<Self, CommandError> {
        let hint = || {
            CommandError::new(format!(
                "`{text}` is not a day and a time: write weekly_summary=\"fri 16:00\", or weekly_summary=off."
            ))
        };
        let (day, at) = text.trim().split_once(|c: char| c == '@' || c.is_whitespace()).ok_or_else(hint)?;
        let day: Weekday = day.trim().parse().map_err(|_| hint())?;
        Ok(WeeklyAt { day, at: parse_time_of_day(at.trim())? })
    }
}

impl StandupOptions {
    pub(super) fn is_empty(&self) -> bool {
        *self == StandupOptions::default()
    }
}

/// Option keys of `standup create/edit`, with an example value each for error hints.
const OPTION_KEYS: [(&str, &str); 13] = [
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
    ("holidays", "2026-12-24,2026-12-31"),
    ("weekly_summary", "\"fri 16:00\""),
    ("digest_when_empty", "skip"),
];

/// Reads `key=value` words into options, then checks the rules that span several keys.
pub(super) fn parse_options(words: &[String]) -> Result<StandupOptions, CommandError> {
    let mut options = StandupOptions::default();
    let mut seen: Vec<&'static str> = Vec::new();
    // A `weekly_summary=` day still waiting for its time in the next word.
    let mut weekly_day: Option<String> = None;
    for word in words {
        let Some((key, value)) = word.split_once('=') else {
            // `members=<@U1>, <@U2>`: a mention after a members list continues it.
            if seen.last() == Some(&"members") {
                add_members(&mut options, word)?;
                continue;
            }
            // `weekly_summary=fri 16:00` unquoted: the time is the next word.
            if seen.last() == Some(&"weekly_summary") && weekly_day.is_some() {
                let day = weekly_day.take().unwrap_or_default();
                options.weekly_summary = Some(Some(format!("{day} {word}").parse()?));
                continue;
            }
            return Err(CommandError::new(format!(
                "`{word}` is not an option: write key=value, and quote values with spaces, like questions=\"Yesterday?|Today?\"."
            )));
        };
        let key = canonical_key(key)?;
        if seen.contains(&key) {
            return Err(CommandError::new(format!("`{key}` is given twice: keep one.")));
        }
        seen.push(key);
        let value = value.trim();
        if value.is_empty() {
            let example = OPTION_KEYS.iter().find(|(k, _)| *k == key).map_or("", |(_, e)| e);
            return Err(CommandError::new(format!("`{key}=` needs a value, like {key}={example}.")));
        }
        if key == "weekly_summary" && !value.eq_ignore_ascii_case("off") && !value.contains([' ', '@']) {
            value.parse::<Weekday>().map_err(|_| {
                CommandError::new(format!(
                    "`{value}` is not a day: write weekly_summary=\"fri 16:00\", or weekly_summary=off."
                ))
            })?;
            weekly_day = Some(value.to_owned());
            continue;
        }
        set_option(&mut options, key, value)?;
    }
    if let Some(day) = weekly_day {
        return Err(CommandError::new(format!(
            "`weekly_summary={day}` needs a time too, like weekly_summary=\"{day} 16:00\"."
        )));
    }
    check_options(&options)?;
    Ok(options)
}

fn canonical_key(key: &str) -> Result<&'static str, CommandError> {
    let lower = key.trim().to_lowercase();
    // Scenario files say `digest_at`; accept it so admins can copy from them.
    let lower = if lower == "digest_at" { "digest".to_owned() } else { lower };
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
        "holidays" => options.holidays = Some(parse_holidays(value)?),
        "weekly_summary" if value.eq_ignore_ascii_case("off") => options.weekly_summary = Some(None),
        "weekly_summary" => options.weekly_summary = Some(Some(value.parse()?)),
        "digest_when_empty" => options.digest_when_empty = Some(value.parse()?),
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
    value.parse::<usize>().ok().filter(|n| (1..=MAX_QUESTIONS).contains(n)).ok_or_else(|| {
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
        return Err(CommandError::new("reminder=0s would remind at once: give a delay like 2h, or reminder=off."));
    }
    Ok(Some(delay))
}

/// Most days off one standup keeps, so a typo cannot make the list unreadable.
const MAX_STANDUP_HOLIDAYS: usize = 100;

/// `2026-12-24,2026-12-31` (sorted, without repeats), or `none`.
fn parse_holidays(value: &str) -> Result<Vec<NaiveDate>, CommandError> {
    if value.eq_ignore_ascii_case("none") || value.eq_ignore_ascii_case("off") {
        return Ok(Vec::new());
    }
    let mut dates = value
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .map(date)
        .collect::<Result<Vec<_>, _>>()?;
    dates.sort();
    dates.dedup();
    if dates.len() > MAX_STANDUP_HOLIDAYS {
        return Err(CommandError::new(format!(
            "That is {} days off; a standup keeps at most {MAX_STANDUP_HOLIDAYS} of its own.",
            dates.len()
        )));
    }
    Ok(dates)
}

/// Adds the members of a comma- or space-separated list, keeping the first of any repeats.
fn add_members(options: &mut StandupOptions, value: &str) -> Result<(), CommandError> {
    let members = options.members.get_or_insert_with(Vec::new);
    for word in value.split(|c: char| c == ',' || c.is_whitespace()).filter(|w| !w.is_empty()) {
        let id = user_id(word)?;
        if !members.contains(&id) {
            members.push(id);
        }
    }
    if members.is_empty() {
        return Err(CommandError::new("`members=` needs at least one member, like members=@ana,@bo."));
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
