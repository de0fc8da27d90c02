//! Scenario tests: every `tests/scenarios/*.toml` (and the demo) runs through the real engine with
//! `unhurried simulate`'s driver, and its transcript is checked for the product's invariants.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use unhurried::adapters::simulated::TranscriptEntry;
use unhurried::config::Settings;
use unhurried::domain::availability::{Availability, OooRange};
use unhurried::domain::command::{self, Command, HolidaysCommand, StandupCommand};
use unhurried::domain::platform::Platform;
use unhurried::domain::schedule::local_date_of;
use unhurried::simulation::scenario::{EventKind, Scenario};

/// The availability of each member as it changes through the scenario's own commands.
struct Timeline {
    /// (from instant, member, availability) in time order.
    changes: Vec<(DateTime<Utc>, String, Availability)>,
}

impl Timeline {
    fn build(scenario: &Scenario, settings: &Settings) -> Self {
        let default_tz = scenario.workspace.default_tz.unwrap_or(settings.workspace.timezone);
        let mut current: HashMap<String, Availability> = HashMap::new();
        let mut changes = Vec::new();
        for m in &scenario.members {
            let tz = match scenario.platform {
                Platform::Slack => m.tz.unwrap_or(default_tz),
                // Discord reports no zone: the scenario's tz is applied as if set by command at start.
                Platform::Discord => m.tz.unwrap_or(default_tz),
            };
            let a = Availability {
                tz: tz.0,
                hours: m.hours.or(scenario.workspace.hours).unwrap_or(settings.workspace.hours),
                days: m.days.or(scenario.workspace.days).unwrap_or(settings.workspace.days),
                out_of_office: m.ooo.clone(),
            };
            changes.push((scenario.start, m.id.clone(), a.clone()));
            current.insert(m.id.clone(), a);
        }
        for event in &scenario.events {
            let EventKind::Command { user, text, .. } = &event.kind else { continue };
            let Some(a) = current.get_mut(user) else { continue };
            match command::parse(text) {
                Ok(Command::Tz(zone)) => a.tz = zone.0,
                Ok(Command::Hours { hours, days }) => {
                    a.hours = hours;
                    if let Some(days) = days {
                        a.days = days;
                    }
                }
                Ok(Command::Ooo { from, to }) => a.out_of_office.push(OooRange { from, to }),
                Ok(Command::OooOff) => a.out_of_office.clear(),
                _ => continue,
            }
            changes.push((event.at, user.clone(), a.clone()));
        }
        Timeline { changes }
    }

    fn at(&self, member: &str, instant: DateTime<Utc>) -> Option<&Availability> {
        self.changes.iter().rev().find(|(from, m, _)| m == member && *from <= instant).map(|(_, _, a)| a)
    }

    fn changed_by_command(&self, member: &str, scenario_start: DateTime<Utc>) -> bool {
        self.changes.iter().any(|(from, m, _)| m == member && *from > scenario_start)
    }
}

fn instant(entry: &TranscriptEntry) -> DateTime<Utc> {
    entry.at.parse().unwrap()
}

/// A scenario that ran, with what the invariants read.
struct Checked<'a> {
    scenario: &'a Scenario,
    settings: Settings,
    timeline: Timeline,
    /// The scenario's well-formed commands: (when, who, what).
    commands: Vec<(DateTime<Utc>, &'a str, Command)>,
    /// Prompts are told apart by member and date only, so they are checked when one standup runs.
    one_standup: bool,
    transcript: &'a [TranscriptEntry],
}

/// One invariant: panics (with what it saw) when the scenario's run breaks it.
type Invariant = fn(&Checked);

/// The product's invariants, each a rule with its name: a failure says which rule broke.
const INVARIANTS: &[(&str, Invariant)] = &[
    ("no raw mass mention ever leaves the bot", no_raw_mass_mention),
    ("no unsolicited DM outside the recipient's working hours", no_unsolicited_dm_off_hours),
    ("at most one prompt and one reminder per member and local date", one_prompt_and_reminder_per_day),
    ("every applicable local date gets its prompt on time", every_prompt_day_is_prompted_on_time),
    ("nudges only in a ping's thread, after the grace, where nudges are on", nudges_only_on_pings_after_grace),
    ("every command gets a private reply right away", every_command_gets_a_private_reply),
    ("each digest posts once, at its local time, on its days", digests_post_once_on_time),
    ("a digest shows times only as platform markup", digest_times_are_platform_markup),
    ("each answer appears in exactly one digest", each_answer_in_one_digest),
];

/// Runs one scenario and checks every invariant; returns the transcript for extra checks.
pub async fn check_scenario(path: &Path) -> Vec<TranscriptEntry> {
    let scenario = Scenario::load(path).unwrap_or_else(|e| panic!("{e}"));
    let settings = Settings::defaults();
    let run = unhurried::simulation::run(scenario.clone(), settings.clone(), None).await.unwrap();
    check_invariants(path, &scenario, settings, &run.transcript);
    run.transcript
}

fn check_invariants(path: &Path, scenario: &Scenario, settings: Settings, transcript: &[TranscriptEntry]) {
    let commands: Vec<(DateTime<Utc>, &str, Command)> = scenario
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Command { user, text, .. } => command::parse(text).ok().map(|c| (e.at, user.as_str(), c)),
            _ => None,
        })
        .collect();
    let created_by_command =
        commands.iter().any(|(_, _, c)| matches!(c, Command::Standup(StandupCommand::Create { .. })));
    let checked = Checked {
        scenario,
        timeline: Timeline::build(scenario, &settings),
        settings,
        one_standup: scenario.standups.len() == 1 && !created_by_command,
        commands,
        transcript,
    };
    for (rule, check) in INVARIANTS {
        if let Err(panic) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&checked))) {
            let why = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            panic!("{}: invariant broken: {rule}: {why}", path.display());
        }
    }
}

fn no_raw_mass_mention(c: &Checked) {
    let raws: &[&str] = match c.scenario.platform {
        Platform::Slack => &["<!channel>", "<!here>", "<!everyone>", "<!subteam"],
        Platform::Discord => &["@everyone", "@here"],
    };
    for entry in c.transcript {
        for raw in raws {
            assert!(!entry.text.contains(raw), "raw {raw} sent: {entry:?}");
        }
    }
}

/// Answers to the recipient's own action are fine; prompts, reminders and briefs are not.
fn no_unsolicited_dm_off_hours(c: &Checked) {
    for entry in c.transcript.iter().filter(|e| e.kind == "dm") {
        if !matches!(entry.purpose, "standup_prompt" | "standup_reminder" | "brief") {
            continue;
        }
        let to = entry.to.as_deref().unwrap();
        if let Some(a) = c.timeline.at(to, instant(entry)) {
            assert!(a.is_working_at(instant(entry)), "DM outside working hours: {entry:?}");
        }
    }
}

/// Prompts sent, by (member, member-local date), when one standup runs.
fn prompts_by_day(c: &Checked) -> BTreeMap<(String, NaiveDate), Vec<DateTime<Utc>>> {
    let mut prompts: BTreeMap<(String, NaiveDate), Vec<DateTime<Utc>>> = BTreeMap::new();
    for entry in c.transcript.iter().filter(|e| e.kind == "dm" && e.purpose == "standup_prompt" && c.one_standup) {
        let to = entry.to.clone().unwrap();
        let Some(a) = c.timeline.at(&to, instant(entry)) else { continue };
        prompts.entry((to, local_date_of(a.tz, instant(entry)))).or_default().push(instant(entry));
    }
    prompts
}

fn one_prompt_and_reminder_per_day(c: &Checked) {
    let prompts = prompts_by_day(c);
    if let Some(((to, date), sent)) = prompts.iter().find(|(_, sent)| sent.len() > 1) {
        panic!("{} prompts for {to} on {date}: {sent:?}", sent.len());
    }
    let mut reminders: BTreeMap<(String, NaiveDate), usize> = BTreeMap::new();
    for entry in c.transcript.iter().filter(|e| e.kind == "dm" && e.purpose == "standup_reminder" && c.one_standup) {
        let to = entry.to.clone().unwrap();
        let Some(a) = c.timeline.at(&to, instant(entry)) else { continue };
        let date = local_date_of(a.tz, instant(entry));
        assert!(prompts.contains_key(&(to.clone(), date)), "reminder without prompt: {entry:?}");
        let count = reminders.entry((to, date)).or_default();
        *count += 1;
        assert_eq!(*count, 1, "second reminder: {entry:?}");
    }
}

fn every_prompt_day_is_prompted_on_time(c: &Checked) {
    let ([standup], true) = (c.scenario.standups.as_slice(), c.one_standup) else { return };
    let (scenario, tick) = (c.scenario, c.settings.scheduler.tick);
    let prompts = prompts_by_day(c);
    for member in &standup.members {
        if c.timeline.changed_by_command(member, scenario.start) {
            continue;
        }
        let a = c.timeline.at(member, scenario.start).unwrap();
        let answered_early: Vec<NaiveDate> = scenario
            .events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::StandupAnswer { user, .. } if user == member => Some(local_date_of(a.tz, e.at)),
                _ => None,
            })
            .chain(c.commands.iter().filter_map(|(at, user, command)| match command {
                Command::Standup(StandupCommand::Answer { answers, .. }) if user == member && !answers.is_empty() => {
                    Some(local_date_of(a.tz, *at))
                }
                _ => None,
            }))
            .collect();
        // Days skipped by command (`standup skip [<name>] [<date>]`, today when no date).
        let skipped: Vec<NaiveDate> = c
            .commands
            .iter()
            .filter_map(|(at, user, command)| match command {
                Command::Standup(StandupCommand::Skip { date, .. }) if user == member => {
                    Some(date.unwrap_or_else(|| local_date_of(a.tz, *at)))
                }
                _ => None,
            })
            .collect();
        let holidays = holidays_by_command(c);
        let mut date = local_date_of(a.tz, scenario.start);
        while date <= local_date_of(a.tz, scenario.end) {
            let expected = standup.recurrence.occurrence_on(a.tz, date).and_then(|occurrence| {
                let (start, end) = a.working_period_on(date)?;
                let due = occurrence.max(start);
                let day_off = standup.skipped_dates.contains(&date) || holidays.contains(&date);
                (due < end && !day_off && !skipped.contains(&date)).then_some(due)
            });
            let sent = prompts.get(&(member.clone(), date)).and_then(|sent| sent.first());
            match expected {
                // An early answer replaces that day's prompt.
                Some(_) if answered_early.contains(&date) && sent.is_none() => {}
                Some(due) if due >= scenario.start && due + tick <= scenario.end => {
                    let sent = sent.unwrap_or_else(|| panic!("no prompt for {member} on {date}"));
                    assert!(*sent >= due && *sent <= due + tick, "{member} on {date}: prompt at {sent}, due {due}");
                }
                None => assert!(sent.is_none(), "{member} prompted on {date}, a day off"),
                _ => {}
            }
            date = date.succ_opt().unwrap();
        }
    }
}

/// Workspace holidays added by `/async holidays add` (a scenario that removes one again is not
/// read here).
fn holidays_by_command(c: &Checked) -> Vec<NaiveDate> {
    c.commands
        .iter()
        .filter_map(|(_, _, command)| match command {
            Command::Holidays(HolidaysCommand::Add { date, .. }) => Some(*date),
            _ => None,
        })
        .collect()
}

fn nudges_only_on_pings_after_grace(c: &Checked) {
    let (tick, grace) = (c.settings.scheduler.tick, c.settings.nudge.grace);
    let classifier = unhurried::domain::classifier::Classifier::new();
    let mut nudged_threads = Vec::new();
    for entry in c.transcript.iter().filter(|e| e.purpose == "nudge") {
        assert_eq!(entry.kind, "thread_reply", "{entry:?}");
        let thread = entry.thread.clone().unwrap();
        assert!(!nudged_threads.contains(&thread), "two nudges in one thread: {entry:?}");
        nudged_threads.push(thread.clone());
        let ping = c.scenario.events.iter().find_map(|e| match &e.kind {
            EventKind::Message { id, channel: Some(channel), text, .. } if *id == thread => Some((e.at, channel, text)),
            _ => None,
        });
        let (at, channel, text) = ping.unwrap_or_else(|| panic!("nudge on an unknown message: {entry:?}"));
        assert!(classifier.classify(text).is_ping(), "nudge on a non-ping {text:?}");
        let mode = c.scenario.channels.iter().find(|ch| &ch.id == channel).map_or("on", |ch| ch.nudge.as_str());
        assert_eq!(mode, "on", "nudge in a channel whose mode is {mode}");
        assert!(instant(entry) >= at + grace && instant(entry) <= at + grace + tick, "nudge timing {entry:?}");
    }
}

fn every_command_gets_a_private_reply(c: &Checked) {
    for event in &c.scenario.events {
        let EventKind::Command { user, .. } = &event.kind else { continue };
        let replies = c
            .transcript
            .iter()
            .filter(|e| e.kind == "ephemeral" && e.to.as_deref() == Some(user) && instant(e) == event.at)
            .filter(|e| matches!(e.purpose, "command_reply" | "decision_ack"))
            .count();
        assert!(replies >= 1, "no private reply to a command at {}", event.at);
    }
}

/// Unless a command changed the standup or posted a digest by hand.
fn digests_post_once_on_time(c: &Checked) {
    let (scenario, tick) = (c.scenario, c.settings.scheduler.tick);
    let digest_commands = c.commands.iter().any(|(_, _, command)| {
        matches!(
            command,
            Command::Digest { .. }
                | Command::Standup(
                    StandupCommand::Edit { .. }
                        | StandupCommand::Delete { .. }
                        | StandupCommand::Pause(_)
                        | StandupCommand::Resume(_)
                )
        )
    });
    if digest_commands {
        return;
    }
    for standup in &scenario.standups {
        let tz = standup.digest_tz.unwrap_or(scenario.workspace.default_tz.unwrap_or(c.settings.workspace.timezone)).0;
        let mut posted: Vec<DateTime<Utc>> = c
            .transcript
            .iter()
            .filter(|e| e.purpose == "digest" && e.kind == "post" && e.channel.as_deref() == Some(&standup.channel))
            .filter(|e| e.text.contains(&format!("{} standup*", standup.name)))
            .map(instant)
            .collect();
        posted.dedup();
        let mut expected = Vec::new();
        let mut date = local_date_of(tz, scenario.start);
        while date <= local_date_of(tz, scenario.end) {
            let day_off = standup.skipped_dates.contains(&date) || holidays_by_command(c).contains(&date);
            if standup.recurrence.occurrence_on(tz, date).is_some() && !day_off {
                let due = unhurried::domain::schedule::local_to_instant(tz, date, standup.digest_at);
                if due > scenario.start && due + tick <= scenario.end {
                    expected.push(due);
                }
            }
            date = date.succ_opt().unwrap();
        }
        assert_eq!(posted.len(), expected.len(), "digests of {} at {posted:?}, due {expected:?}", standup.name);
        for (at, due) in posted.iter().zip(&expected) {
            assert!(*at >= *due && *at <= *due + tick, "digest of {} at {at}, due {due}", standup.name);
        }
    }
}

/// The scenario's answers, which members may write clock times in.
fn answers<'a>(c: &Checked<'a>) -> Vec<&'a str> {
    c.scenario
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::StandupAnswer { answers, .. } => Some(answers.iter().map(String::as_str)),
            _ => None,
        })
        .flatten()
        .collect()
}

fn digest_times_are_platform_markup(c: &Checked) {
    let answers = answers(c);
    for entry in c.transcript.iter().filter(|e| e.purpose == "digest") {
        let outside_markup = match c.scenario.platform {
            Platform::Slack => strip_tokens(&entry.text, "<!date^", '>'),
            Platform::Discord => strip_tokens(&entry.text, "<t:", '>'),
        };
        let bot_words = answers.iter().fold(outside_markup, |text, answer| text.replace(answer, ""));
        assert!(!has_clock_time(&bot_words), "a bare time in a digest: {entry:?}");
    }
}

/// Edits excluded; answers given within the last day may still wait for their digest.
fn each_answer_in_one_digest(c: &Checked) {
    let digests: Vec<&TranscriptEntry> =
        c.transcript.iter().filter(|e| e.purpose == "digest" && e.kind == "post").collect();
    for event in &c.scenario.events {
        let EventKind::StandupAnswer { answers, .. } = &event.kind else { continue };
        for answer in answers.iter().filter(|a| a.len() > 6 && a.chars().all(|ch| ch.is_alphanumeric() || ch == ' ')) {
            let count = digests.iter().filter(|d| d.text.contains(answer.as_str())).count();
            if event.at + Duration::days(1) < c.scenario.end {
                assert_eq!(count, 1, "answer {answer:?} is in {count} digests");
            }
        }
    }
}

/// `text` without the tokens that start with `open` and end at `close`.
fn strip_tokens(text: &str, open: &str, close: char) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find(open) {
        out.push_str(&rest[..start]);
        rest = rest[start..].find(close).map_or("", |end| &rest[start + end + 1..]);
    }
    out.push_str(rest);
    out
}

/// Whether `text` shows a clock time like `09:30`.
fn has_clock_time(text: &str) -> bool {
    let b = text.as_bytes();
    b.windows(5).any(|w| {
        w[0].is_ascii_digit() && w[1].is_ascii_digit() && w[2] == b':' && w[3].is_ascii_digit() && w[4].is_ascii_digit()
    })
}

fn scenario_files() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.retain(|p| p.extension().is_some_and(|e| e == "toml"));
    files.sort();
    files.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/demo.toml"));
    files
}

/// Each scenario runs once: its invariants are checked and its `simulate --pretty` transcript
/// is compared with `tests/it/snapshots/scenario@<file>.snap`, so a change in wording or timing
/// shows in review as a diff. To accept intended changes: `INSTA_UPDATE=always cargo test
/// --locked --test it every_scenario` and review `git diff` (CI=true never writes, and fails).
#[tokio::test]
async fn every_scenario_keeps_the_invariants_and_its_transcript() {
    let files = scenario_files();
    assert!(files.len() >= 3, "scenarios missing: {files:?}");
    for file in files {
        let scenario = Scenario::load(&file).unwrap_or_else(|e| panic!("{e}"));
        let transcript = check_scenario(&file).await;
        let name = file.file_stem().unwrap().to_string_lossy().into_owned();
        let pretty = unhurried::simulation::pretty::render(&scenario, &transcript);
        insta::with_settings!({ snapshot_suffix => name, prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!("scenario", pretty);
        });
    }
}

/// The same scenarios through `simulate --db postgres://…`: every feature's store calls on
/// PostgreSQL give, message for message, what they give on SQLite (the snapshot above), and the
/// invariants hold.
#[tokio::test]
async fn every_scenario_gives_the_same_transcript_on_postgresql() {
    for file in scenario_files() {
        let scenario = Scenario::load(&file).unwrap_or_else(|e| panic!("{e}"));
        let settings = Settings::defaults();
        let on_sqlite = unhurried::simulation::run(scenario.clone(), settings.clone(), None).await.unwrap();
        let url = unhurried::adapters::postgres::testing::fresh_schema_url().await.unwrap();
        let on_postgres = unhurried::simulation::run(scenario.clone(), settings.clone(), Some(url)).await.unwrap();
        check_invariants(&file, &scenario, settings, &on_postgres.transcript);
        let render = |run: &unhurried::simulation::SimulationRun| {
            unhurried::simulation::pretty::render(&scenario, &run.transcript)
        };
        assert_eq!(render(&on_sqlite), render(&on_postgres), "{}", file.display());
    }
}

#[test]
fn a_broken_invariant_is_named_in_the_failure() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/demo.toml");
    let scenario = Scenario::load(&path).unwrap();
    let transcript = [TranscriptEntry {
        at: "2026-03-30T12:00:00Z".into(),
        kind: "post",
        purpose: "other",
        channel: Some("C1".into()),
        thread: None,
        to: None,
        text: "<!channel> hello".into(),
        message_id: "1".into(),
        mentions: Vec::new(),
        actions: Vec::new(),
        file: None,
    }];
    let panic = std::panic::catch_unwind(|| check_invariants(&path, &scenario, Settings::defaults(), &transcript))
        .expect_err("a raw mass mention breaks a rule");
    let message = panic.downcast_ref::<String>().unwrap();
    assert!(message.contains("invariant broken: no raw mass mention ever leaves the bot"), "{message}");
}
