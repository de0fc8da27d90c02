//! Scenario tests: every `tests/scenarios/*.toml` (and the demo) runs through the real engine with
//! `unhurried simulate`'s driver, and its transcript is checked for the product's invariants.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use unhurried::adapters::simulated::TranscriptEntry;
use unhurried::config::Settings;
use unhurried::domain::availability::{Availability, OooRange};
use unhurried::domain::command::{self, Command, StandupCommand};
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

/// Runs one scenario and checks every invariant; returns the transcript for extra checks.
pub async fn check_scenario(path: &Path) -> Vec<TranscriptEntry> {
    let scenario = Scenario::load(path).unwrap_or_else(|e| panic!("{e}"));
    let settings = Settings::defaults();
    let tick = settings.scheduler.tick;
    let grace = settings.nudge.grace;
    let timeline = Timeline::build(&scenario, &settings);
    // The scenario's well-formed commands: (when, who, what).
    let commands: Vec<(DateTime<Utc>, &str, Command)> = scenario
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Command { user, text, .. } => command::parse(text).ok().map(|c| (e.at, user.as_str(), c)),
            _ => None,
        })
        .collect();
    // Prompts are told apart by member and date only, so they are checked when one standup runs.
    let created_by_command =
        commands.iter().any(|(_, _, c)| matches!(c, Command::Standup(StandupCommand::Create { .. })));
    let one_standup = scenario.standups.len() == 1 && !created_by_command;
    let run = unhurried::simulation::run(scenario.clone(), settings.clone(), None).await.unwrap();
    let t = &run.transcript;
    let name = path.display();

    // No raw mass mention ever leaves the bot.
    for entry in t {
        match scenario.platform {
            Platform::Slack => {
                for raw in ["<!channel>", "<!here>", "<!everyone>", "<!subteam"] {
                    assert!(!entry.text.contains(raw), "{name}: raw {raw} sent: {entry:?}");
                }
            }
            Platform::Discord => {
                for raw in ["@everyone", "@here"] {
                    assert!(!entry.text.contains(raw), "{name}: live {raw} sent: {entry:?}");
                }
            }
        }
    }

    // No unsolicited DM outside the recipient's working hours (answers to their own action are fine).
    for entry in t.iter().filter(|e| e.kind == "dm") {
        if !matches!(entry.purpose, "standup_prompt" | "standup_reminder" | "brief") {
            continue;
        }
        let to = entry.to.as_deref().unwrap();
        if let Some(a) = timeline.at(to, instant(entry)) {
            assert!(a.is_working_at(instant(entry)), "{name}: DM outside working hours: {entry:?}");
        }
    }

    // At most one prompt per member per standup per local date, one reminder, only after a prompt.
    let mut prompts: BTreeMap<(String, NaiveDate), DateTime<Utc>> = BTreeMap::new();
    let mut reminders: BTreeMap<(String, NaiveDate), usize> = BTreeMap::new();
    for entry in t.iter().filter(|e| e.kind == "dm") {
        let to = entry.to.clone().unwrap();
        let Some(a) = timeline.at(&to, instant(entry)) else { continue };
        let date = local_date_of(a.tz, instant(entry));
        match entry.purpose {
            "standup_prompt" if one_standup => {
                let previous = prompts.insert((to.clone(), date), instant(entry));
                assert!(previous.is_none(), "{name}: second prompt for {to} on {date}: {entry:?}");
            }
            "standup_reminder" if one_standup => {
                assert!(prompts.contains_key(&(to.clone(), date)), "{name}: reminder without prompt: {entry:?}");
                let count = reminders.entry((to.clone(), date)).or_default();
                *count += 1;
                assert_eq!(*count, 1, "{name}: second reminder: {entry:?}");
            }
            _ => {}
        }
    }

    // Every applicable local date gets its prompt at the local prompt time (within one tick).
    if let ([standup], true) = (scenario.standups.as_slice(), one_standup) {
        for member in &standup.members {
            if timeline.changed_by_command(member, scenario.start) {
                continue;
            }
            let a = timeline.at(member, scenario.start).unwrap();
            let answered_early: Vec<NaiveDate> = scenario
                .events
                .iter()
                .filter_map(|e| match &e.kind {
                    EventKind::StandupAnswer { user, .. } if user == member => Some(local_date_of(a.tz, e.at)),
                    _ => None,
                })
                .chain(commands.iter().filter_map(|(at, user, c)| match c {
                    Command::Standup(StandupCommand::Answer { answers, .. })
                        if user == member && !answers.is_empty() =>
                    {
                        Some(local_date_of(a.tz, *at))
                    }
                    _ => None,
                }))
                .collect();
            // Days skipped by command (`standup skip [<name>] [<date>]`, today when no date).
            let skipped: Vec<NaiveDate> = commands
                .iter()
                .filter_map(|(at, user, c)| match c {
                    Command::Standup(StandupCommand::Skip { date, .. }) if user == member => {
                        Some(date.unwrap_or_else(|| local_date_of(a.tz, *at)))
                    }
                    _ => None,
                })
                .collect();
            let mut date = local_date_of(a.tz, scenario.start);
            while date <= local_date_of(a.tz, scenario.end) {
                let expected = standup.recurrence.occurrence_on(a.tz, date).and_then(|occurrence| {
                    let (start, end) = a.working_period_on(date)?;
                    let due = occurrence.max(start);
                    (due < end && !standup.skipped_dates.contains(&date) && !skipped.contains(&date)).then_some(due)
                });
                let sent = prompts.get(&(member.clone(), date));
                match expected {
                    Some(due) if due >= scenario.start && due + tick <= scenario.end => {
                        if answered_early.contains(&date) && sent.is_none() {
                            // An early answer replaces that day's prompt.
                        } else {
                            let sent = sent.unwrap_or_else(|| panic!("{name}: no prompt for {member} on {date}"));
                            assert!(
                                *sent >= due && *sent <= due + tick,
                                "{name}: {member} on {date}: prompt at {sent}, due {due}"
                            );
                        }
                    }
                    None => assert!(sent.is_none(), "{name}: {member} prompted on {date}, a day off"),
                    _ => {}
                }
                date = date.succ_opt().unwrap();
            }
        }
    }

    // Nudges go only in the thread of a ping, after the grace period, in channels with nudges on.
    let classifier = unhurried::domain::classifier::Classifier::new();
    let mut nudged_threads = Vec::new();
    for entry in t.iter().filter(|e| e.purpose == "nudge") {
        assert_eq!(entry.kind, "thread_reply", "{name}: {entry:?}");
        let thread = entry.thread.clone().unwrap();
        assert!(!nudged_threads.contains(&thread), "{name}: two nudges in one thread: {entry:?}");
        nudged_threads.push(thread.clone());
        let ping = scenario.events.iter().find_map(|e| match &e.kind {
            EventKind::Message { id, channel: Some(channel), text, .. } if *id == thread => Some((e.at, channel, text)),
            _ => None,
        });
        let (at, channel, text) = ping.unwrap_or_else(|| panic!("{name}: nudge on an unknown message: {entry:?}"));
        assert!(classifier.classify(text).is_ping(), "{name}: nudge on a non-ping {text:?}");
        let mode = scenario.channels.iter().find(|c| &c.id == channel).map_or("on", |c| c.nudge.as_str());
        assert_eq!(mode, "on", "{name}: nudge in a channel whose mode is {mode}");
        assert!(instant(entry) >= at + grace && instant(entry) <= at + grace + tick, "{name}: nudge timing {entry:?}");
    }

    // Every command gets exactly one private reply, right away.
    for event in &scenario.events {
        let EventKind::Command { user, .. } = &event.kind else { continue };
        let replies = t
            .iter()
            .filter(|e| e.kind == "ephemeral" && e.to.as_deref() == Some(user) && instant(e) == event.at)
            .filter(|e| matches!(e.purpose, "command_reply" | "decision_ack"))
            .count();
        assert!(replies >= 1, "{name}: no private reply to a command at {}", event.at);
    }

    // Each digest is posted at its local time on its days (within a tick), once, unless a command
    // changed the standup or posted one by hand.
    let digest_commands = commands.iter().any(|(_, _, c)| {
        matches!(
            c,
            Command::Digest { .. }
                | Command::Standup(
                    StandupCommand::Edit { .. }
                        | StandupCommand::Delete { .. }
                        | StandupCommand::Pause(_)
                        | StandupCommand::Resume(_)
                )
        )
    });
    if !digest_commands {
        for standup in &scenario.standups {
            let tz =
                standup.digest_tz.unwrap_or(scenario.workspace.default_tz.unwrap_or(settings.workspace.timezone)).0;
            let mut posted: Vec<DateTime<Utc>> = t
                .iter()
                .filter(|e| e.purpose == "digest" && e.kind == "post" && e.channel.as_deref() == Some(&standup.channel))
                .filter(|e| e.text.contains(&format!("{} standup*", standup.name)))
                .map(instant)
                .collect();
            posted.dedup();
            let mut expected = Vec::new();
            let mut date = local_date_of(tz, scenario.start);
            while date <= local_date_of(tz, scenario.end) {
                if standup.recurrence.occurrence_on(tz, date).is_some() && !standup.skipped_dates.contains(&date) {
                    let due = unhurried::domain::schedule::local_to_instant(tz, date, standup.digest_at);
                    if due > scenario.start && due + tick <= scenario.end {
                        expected.push(due);
                    }
                }
                date = date.succ_opt().unwrap();
            }
            assert_eq!(
                posted.len(),
                expected.len(),
                "{name}: digests of {} at {posted:?}, due {expected:?}",
                standup.name
            );
            for (at, due) in posted.iter().zip(&expected) {
                assert!(*at >= *due && *at <= *due + tick, "{name}: digest of {} at {at}, due {due}", standup.name);
            }
        }
    }

    // Every time a digest shows is platform timestamp markup: no bare clock time outside it.
    let answers: Vec<&str> = scenario
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::StandupAnswer { answers, .. } => Some(answers.iter().map(String::as_str)),
            _ => None,
        })
        .flatten()
        .collect();
    for entry in t.iter().filter(|e| e.purpose == "digest") {
        let outside_markup = match scenario.platform {
            Platform::Slack => strip_tokens(&entry.text, "<!date^", '>'),
            Platform::Discord => strip_tokens(&entry.text, "<t:", '>'),
        };
        let bot_words = answers.iter().fold(outside_markup, |text, answer| text.replace(answer, ""));
        assert!(!has_clock_time(&bot_words), "{name}: a bare time in a digest: {entry:?}");
    }

    // Each answer appears in exactly one posted digest (edits excluded).
    let digests: Vec<&TranscriptEntry> = t.iter().filter(|e| e.purpose == "digest" && e.kind == "post").collect();
    for event in &scenario.events {
        let EventKind::StandupAnswer { answers, .. } = &event.kind else { continue };
        for answer in answers.iter().filter(|a| a.len() > 6 && a.chars().all(|c| c.is_alphanumeric() || c == ' ')) {
            let count = digests.iter().filter(|d| d.text.contains(answer.as_str())).count();
            if event.at + Duration::days(1) < scenario.end {
                assert_eq!(count, 1, "{name}: answer {answer:?} is in {count} digests");
            }
        }
    }
    run.transcript
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

#[tokio::test]
async fn every_scenario_keeps_the_invariants() {
    let files = scenario_files();
    assert!(files.len() >= 3, "scenarios missing: {files:?}");
    for file in files {
        check_scenario(&file).await;
    }
}
