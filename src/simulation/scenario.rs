//! Purpose: the scenario file of `unhurried simulate` (SPEC §8), parsed and validated up front so
//! a malformed scenario is rejected with its file, line and reason before anything runs.

use std::path::Path;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use serde::Deserialize;
use toml::Spanned;

use crate::domain::availability::OooRange;
use crate::domain::calendar::{Timezone, Weekdays, WorkingHours, parse_duration, parse_time_of_day};
use crate::domain::command::{DigestWhenEmpty, NudgeMode};
use crate::domain::platform::Platform;
use crate::domain::schedule::Recurrence;

/// A scenario that failed validation, or could not be set up: `file:line: reason`. Unknown keys
/// are rejected like the configuration's (a typo such as `hourz` must not run with defaults).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {reason}")]
pub struct ScenarioError {
    /// The scenario file.
    pub file: String,
    /// 1-based line of the offending table or value.
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    platform: Spanned<String>,
    start: Spanned<String>,
    end: Spanned<String>,
    #[serde(default)]
    workspace: Option<Spanned<RawWorkspace>>,
    #[serde(default)]
    member: Vec<Spanned<RawMember>>,
    #[serde(default)]
    channel: Vec<Spanned<RawChannel>>,
    #[serde(default)]
    standup: Vec<Spanned<RawStandup>>,
    #[serde(default)]
    event: Vec<Spanned<RawEvent>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawWorkspace {
    default_tz: Option<String>,
    #[serde(default)]
    admins: Vec<String>,
    hours: Option<String>,
    days: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMember {
    id: String,
    #[serde(default)]
    name: Option<String>,
    tz: Option<String>,
    hours: Option<String>,
    days: Option<String>,
    #[serde(default)]
    ooo: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChannel {
    id: String,
    #[serde(default)]
    name: Option<String>,
    nudge: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStandup {
    name: String,
    channel: String,
    members: Vec<String>,
    at: Option<String>,
    days: Option<String>,
    cron: Option<String>,
    questions: Vec<String>,
    blocker_question: Option<usize>,
    digest_at: Option<String>,
    digest_tz: Option<String>,
    reminder: Option<String>,
    #[serde(default)]
    skip: Vec<String>,
    digest_when_empty: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvent {
    at: String,
    #[serde(rename = "type")]
    kind: String,
    user: Option<String>,
    channel: Option<String>,
    text: Option<String>,
    id: Option<String>,
    thread: Option<String>,
    standup: Option<String>,
    answers: Option<Vec<String>>,
}

/// Workspace settings of a scenario.
#[derive(Debug, Clone)]
pub struct WorkspaceSpec {
    /// Zone of members without one.
    pub default_tz: Option<Timezone>,
    /// Admin user ids.
    pub admins: Vec<String>,
    /// Default working hours.
    pub hours: Option<WorkingHours>,
    /// Default working days.
    pub days: Option<Weekdays>,
}

/// A member of the scenario (as the platform knows them).
#[derive(Debug, Clone)]
pub struct MemberSpec {
    /// Platform user id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Their zone, if the platform reports one.
    pub tz: Option<Timezone>,
    /// Working hours they set.
    pub hours: Option<WorkingHours>,
    /// Working days they set.
    pub days: Option<Weekdays>,
    /// Out-of-office ranges.
    pub ooo: Vec<OooRange>,
}

/// A channel of the scenario.
#[derive(Debug, Clone)]
pub struct ChannelSpec {
    /// Platform channel id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Nudge mode.
    pub nudge: NudgeMode,
}

/// A standup of the scenario, validated.
#[derive(Debug, Clone)]
pub struct StandupFileSpec {
    /// Name.
    pub name: String,
    /// Report channel id.
    pub channel: String,
    /// Participant user ids.
    pub members: Vec<String>,
    /// When prompts fire, in each member's zone.
    pub recurrence: Recurrence,
    /// 1–5 questions.
    pub questions: Vec<String>,
    /// 1-based blocker question.
    pub blocker_question: Option<usize>,
    /// Local digest time.
    pub digest_at: NaiveTime,
    /// Digest zone (default: the workspace default zone).
    pub digest_tz: Option<Timezone>,
    /// Reminder delay; `Some(None)` = off; `None` = the configured default.
    pub reminder: Option<Option<Duration>>,
    /// Holidays.
    pub skipped_dates: Vec<NaiveDate>,
    /// `digest_when_empty = "skip"`: an empty digest posts nothing (default `post`).
    pub digest_when_empty: DigestWhenEmpty,
    /// 1-based line of its `[[standup]]` table, for errors found while setting it up.
    pub line: usize,
}

/// What happens at an instant.
#[derive(Debug, Clone)]
pub enum EventKind {
    /// A chat message (a DM to the bot when `channel` is absent).
    Message {
        /// Author.
        user: String,
        /// Channel, `None` for a DM.
        channel: Option<String>,
        /// Text as the platform delivers it.
        text: String,
        /// Message id.
        id: String,
        /// Thread parent id.
        thread: Option<String>,
    },
    /// `/async <text>`.
    Command {
        /// Who typed it.
        user: String,
        /// Where; `None` for the member's DM with the bot.
        channel: Option<String>,
        /// Text after `/async`.
        text: String,
    },
    /// Answers to the member's open prompt.
    StandupAnswer {
        /// Who answered.
        user: String,
        /// Standup name.
        standup: String,
        /// Answers in question order.
        answers: Vec<String>,
    },
    /// Drop every in-memory state; continue from the store.
    Restart,
}

/// One scenario event.
#[derive(Debug, Clone)]
pub struct Event {
    /// When it happens.
    pub at: DateTime<Utc>,
    /// What happens.
    pub kind: EventKind,
}

/// A validated scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The file it was read from, as errors name it.
    pub file: String,
    /// Platform simulated (mention syntax, rendering).
    pub platform: Platform,
    /// Virtual clock start.
    pub start: DateTime<Utc>,
    /// Virtual clock end.
    pub end: DateTime<Utc>,
    /// Workspace settings.
    pub workspace: WorkspaceSpec,
    /// Members.
    pub members: Vec<MemberSpec>,
    /// Channels.
    pub channels: Vec<ChannelSpec>,
    /// Standups.
    pub standups: Vec<StandupFileSpec>,
    /// Events sorted by instant, file order kept for equal instants.
    pub events: Vec<Event>,
}

impl Scenario {
    /// Reads and validates a scenario file.
    pub fn load(path: &Path) -> Result<Self, ScenarioError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ScenarioError {
            file: file.clone(),
            line: 0,
            reason: format!("cannot read: {e}"),
        })?;
        Self::parse(&file, &text)
    }

    /// Validates scenario text; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Self, ScenarioError> {
        let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
        let raw: RawScenario = toml::from_str(text).map_err(|e| ScenarioError {
            file: file.to_owned(),
            line: e.span().map_or(1, |s| line_of(s.start)),
            reason: e.message().to_owned(),
        })?;
        let fail =
            |offset: usize, reason: String| ScenarioError { file: file.to_owned(), line: line_of(offset), reason };
        let check = |offset: usize| move |reason: String| fail(offset, reason);

        let platform = raw.platform.get_ref().parse::<Platform>().map_err(|_| {
            fail(raw.platform.span().start, format!("platform '{}' must be slack or discord", raw.platform.get_ref()))
        })?;
        let start = parse_instant(raw.start.get_ref()).map_err(check(raw.start.span().start))?;
        let end = parse_instant(raw.end.get_ref()).map_err(check(raw.end.span().start))?;
        if end <= start {
            return Err(fail(raw.end.span().start, "end must be after start".into()));
        }

        let workspace = match &raw.workspace {
            None => WorkspaceSpec { default_tz: None, admins: Vec::new(), hours: None, days: None },
            Some(spanned) => {
                let w = spanned.get_ref();
                let err = check(spanned.span().start);
                WorkspaceSpec {
                    default_tz: w.default_tz.as_deref().map(str::parse).transpose().map_err(|e| err(value(e)))?,
                    admins: w.admins.clone(),
                    hours: w.hours.as_deref().map(str::parse).transpose().map_err(|e| err(value(e)))?,
                    days: w.days.as_deref().map(str::parse).transpose().map_err(|e| err(value(e)))?,
                }
            }
        };

        let mut members = Vec::new();
        for spanned in &raw.member {
            let m = spanned.get_ref();
            let err = check(spanned.span().start);
            if members.iter().any(|other: &MemberSpec| other.id == m.id) {
                return Err(err(format!("member '{}' is listed twice", m.id)));
            }
            members.push(MemberSpec {
                id: m.id.clone(),
                name: m.name.clone().unwrap_or_else(|| m.id.clone()),
                tz: m.tz.as_deref().map(str::parse).transpose().map_err(|e| err(value(e)))?,
                hours: m.hours.as_deref().map(str::parse).transpose().map_err(|e| err(value(e)))?,
                days: m.days.as_deref().map(str::parse).transpose().map_err(|e| err(value(e)))?,
                ooo: m
                    .ooo
                    .iter()
                    .map(|r| r.parse::<OooRange>())
                    .collect::<Result<_, _>>()
                    .map_err(|e| err(value(e)))?,
            });
        }

        let mut channels = Vec::new();
        for spanned in &raw.channel {
            let c = spanned.get_ref();
            let err = check(spanned.span().start);
            let nudge = c.nudge.as_deref().unwrap_or("on");
            channels.push(ChannelSpec {
                id: c.id.clone(),
                name: c.name.clone().unwrap_or_else(|| c.id.clone()),
                nudge: nudge
                    .parse::<NudgeMode>()
                    .map_err(|_| err(format!("nudge '{nudge}' must be on, off or dry-run")))?,
            });
        }

        let mut standups: Vec<StandupFileSpec> = Vec::new();
        for spanned in &raw.standup {
            let mut spec = standup(spanned.get_ref(), &members).map_err(check(spanned.span().start))?;
            spec.line = line_of(spanned.span().start);
            // Names match case-insensitively in the bot, so `Daily` and `daily` are one name.
            if let Some(first) = standups.iter().find(|s| s.name.to_lowercase() == spec.name.to_lowercase()) {
                return Err(fail(
                    spanned.span().start,
                    format!("standup '{}' is defined twice (first at line {})", spec.name, first.line),
                ));
            }
            standups.push(spec);
        }

        let mut events = Vec::new();
        for spanned in &raw.event {
            events.push(event(spanned.get_ref(), events.len()).map_err(check(spanned.span().start))?);
        }
        // Stable: equal instants keep file order.
        events.sort_by_key(|e: &Event| e.at);
        Ok(Scenario { file: file.to_owned(), platform, start, end, workspace, members, channels, standups, events })
    }
}

fn value(error: impl std::fmt::Display) -> String {
    error.to_string()
}

fn parse_instant(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| format!("'{text}' is not an RFC 3339 instant like 2026-03-27T08:00:00Z"))
}

fn standup(s: &RawStandup, members: &[MemberSpec]) -> Result<StandupFileSpec, String> {
    let recurrence = match (&s.at, &s.days, &s.cron) {
        (Some(_), _, Some(_)) => return Err(format!("standup '{}': give either at/days or cron, not both", s.name)),
        (None, _, Some(cron)) => Recurrence::cron(cron).map_err(value)?,
        (Some(at), days, None) => {
            let days = days.as_deref().unwrap_or("mon-fri").parse::<Weekdays>().map_err(value)?;
            Recurrence::weekly(parse_time_of_day(at).map_err(value)?, days)
        }
        (None, _, None) => return Err(format!("standup '{}' needs at (with days) or cron", s.name)),
    };
    if s.questions.is_empty() || s.questions.len() > 5 {
        return Err(format!("standup '{}' must have 1 to 5 questions", s.name));
    }
    if let Some(b) = s.blocker_question
        && (b == 0 || b > s.questions.len())
    {
        return Err(format!("standup '{}': blocker_question {b} is not one of its questions", s.name));
    }
    if let Some(unknown) = s.members.iter().find(|m| !members.iter().any(|spec| &spec.id == *m)) {
        return Err(format!("standup '{}' lists '{unknown}', who is not a [[member]]", s.name));
    }
    let reminder = match s.reminder.as_deref() {
        None => None,
        Some("off") => Some(None),
        Some(text) => Some(Some(parse_duration(text).map_err(value)?)),
    };
    Ok(StandupFileSpec {
        name: s.name.clone(),
        channel: s.channel.clone(),
        members: s.members.clone(),
        recurrence,
        questions: s.questions.clone(),
        blocker_question: s.blocker_question,
        digest_at: parse_time_of_day(s.digest_at.as_deref().unwrap_or("17:00")).map_err(value)?,
        digest_tz: s.digest_tz.as_deref().map(str::parse).transpose().map_err(value)?,
        reminder,
        skipped_dates: s
            .skip
            .iter()
            .map(|d| d.parse::<NaiveDate>().map_err(|_| format!("skip date '{d}' is not YYYY-MM-DD")))
            .collect::<Result<_, _>>()?,
        digest_when_empty: s
            .digest_when_empty
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(value)?
            .unwrap_or_default(),
        line: 0,
    })
}

fn event(e: &RawEvent, index: usize) -> Result<Event, String> {
    let at = parse_instant(&e.at)?;
    let need =
        |field: &Option<String>, name: &str| field.clone().ok_or_else(|| format!("a {} event needs `{name}`", e.kind));
    let kind = match e.kind.as_str() {
        "message" => EventKind::Message {
            user: need(&e.user, "user")?,
            channel: e.channel.clone(),
            text: need(&e.text, "text")?,
            id: e.id.clone().unwrap_or_else(|| format!("e{}", index + 1)),
            thread: e.thread.clone(),
        },
        "command" => EventKind::Command {
            user: need(&e.user, "user")?,
            channel: e.channel.clone(),
            text: need(&e.text, "text")?,
        },
        "standup_answer" => EventKind::StandupAnswer {
            user: need(&e.user, "user")?,
            standup: need(&e.standup, "standup")?,
            answers: e.answers.clone().ok_or("a standup_answer event needs `answers`")?,
        },
        "restart" => EventKind::Restart,
        other => {
            return Err(format!("event type '{other}' is not one of message, command, standup_answer, restart"));
        }
    };
    Ok(Event { at, kind })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
platform = "slack"
start = "2026-03-27T00:00:00Z"
end   = "2026-03-31T00:00:00Z"

[workspace]
default_tz = "UTC"
admins = ["U1"]

[[member]]
id = "U1"
name = "alice"
tz = "Europe/Berlin"
ooo = ["2026-03-30..2026-03-31"]

[[channel]]
id = "C1"
name = "team"
nudge = "on"

[[standup]]
name = "daily"
channel = "C1"
members = ["U1"]
at = "09:30"
days = "mon-fri"
questions = ["What did you do?", "What will you do?", "Anything blocking you?"]
blocker_question = 3
digest_at = "17:00"
digest_tz = "Europe/Berlin"
reminder = "2h"

[[event]]
at = "2026-03-27T08:05:00Z"
type = "command"
user = "U1"
channel = "C1"
text = "tz America/New_York"

[[event]]
at = "2026-03-27T08:00:00Z"
type = "message"
user = "U2"
channel = "C1"
text = "hi <@U1>"
id = "m1"
"#;

    #[test]
    fn the_spec_example_parses_and_events_are_sorted_by_instant() {
        let scenario = Scenario::parse("s.toml", GOOD).unwrap();
        assert_eq!(scenario.platform, Platform::Slack);
        assert_eq!(scenario.members[0].ooo.len(), 1);
        assert_eq!(scenario.standups[0].blocker_question, Some(3));
        assert!(matches!(scenario.events[0].kind, EventKind::Message { .. }));
        assert!(matches!(scenario.events[1].kind, EventKind::Command { .. }));
    }

    #[test]
    fn a_malformed_scenario_names_the_file_line_and_reason() {
        let bad_zone = GOOD.replace("tz = \"Europe/Berlin\"", "tz = \"Europe/Berln\"");
        let err = Scenario::parse("s.toml", &bad_zone).unwrap_err();
        assert_eq!(err.line, 10, "{err}");
        assert!(err.reason.contains("not an IANA timezone"), "{err}");

        let bad_type = GOOD.replace("type = \"command\"", "type = \"telepathy\"");
        let err = Scenario::parse("s.toml", &bad_type).unwrap_err();
        assert!(err.to_string().starts_with("s.toml:"), "{err}");
        assert!(err.reason.contains("telepathy"), "{err}");

        let err = Scenario::parse("s.toml", "platform = \"slack\"\nstart = \"nope\"\nend = \"x\"\n").unwrap_err();
        assert_eq!(err.line, 2, "{err}");

        let err = Scenario::parse("s.toml", "platform = [\n").unwrap_err();
        assert_eq!(err.file, "s.toml");
    }

    #[test]
    fn a_key_with_a_typo_is_rejected_with_its_line_instead_of_running_with_defaults() {
        let typo = GOOD.replace("tz = \"Europe/Berlin\"\nooo", "tz = \"Europe/Berlin\"\nhourz = \"10:00-18:00\"\nooo");
        let err = Scenario::parse("s.toml", &typo).unwrap_err();
        assert_eq!(err.line, 14, "the line of the key: {err}");
        assert!(err.reason.contains("hourz"), "{err}");
        for (table, key) in [("[workspace]", "timezone"), ("[[channel]]", "nudges"), ("[[standup]]", "reminders")] {
            let typo = GOOD.replacen(table, &format!("{table}\n{key} = \"x\""), 1);
            let err = Scenario::parse("s.toml", &typo).unwrap_err();
            assert!(err.reason.contains(key), "{table}: {err}");
        }
        let typo = GOOD.replacen("type = \"command\"", "type = \"command\"\ntxt = \"help\"", 1);
        assert!(Scenario::parse("s.toml", &typo).unwrap_err().reason.contains("txt"));
        let typo = format!("{GOOD}\nstrat = \"2026-03-27T00:00:00Z\"\n");
        assert!(Scenario::parse("s.toml", &typo).is_err());
    }

    #[test]
    fn a_standup_name_given_twice_in_any_case_is_rejected_at_its_second_table() {
        let standup = &GOOD[GOOD.find("[[standup]]").unwrap()..GOOD.find("[[event]]").unwrap()];
        let twice = GOOD.replacen("[[event]]", &format!("{}[[event]]", standup.replace("\"daily\"", "\"Daily\"")), 1);
        let err = Scenario::parse("s.toml", &twice).unwrap_err();
        let second = twice.match_indices("[[standup]]").nth(1).unwrap().0;
        assert_eq!(err.line, twice[..second].matches('\n').count() + 1, "{err}");
        assert!(err.reason.contains("'Daily' is defined twice (first at line 21)"), "{err}");
    }
}
