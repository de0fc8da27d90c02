//! Purpose: `unhurried simulate` — the real engine (bot, features, store, scheduler, renderers)
//! on a virtual clock against the simulated platform, producing the transcript of SPEC §8.
//!
//! The scheduler keeps its live tick: due jobs run only at tick instants (`start + k·tick`), so a
//! prompt due at 07:30:00Z appears at most one tick later, exactly as in production. Ticks at which
//! nothing is due are skipped, which changes nothing but the running time.

pub mod html;
pub mod pretty;
pub mod scenario;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context as _;
use chrono::{DateTime, Duration, Utc};

use crate::adapters::clock::ManualClock;
use crate::adapters::database::{Database, StoreKind};
use crate::adapters::simulated::{SimulatedPlatform, TranscriptEntry};
use crate::bot::Bot;
use crate::config::{DatabaseSettings, Settings};
use crate::domain::calendar::Weekdays;
use crate::domain::events::{ChatMessage, CommandInvocation, InboundEvent, StandupSubmission};
use crate::features::{brief, standup};
use crate::ports::{Clock as _, MemberChanges, Profile};

pub use scenario::{Scenario, ScenarioError};

/// The workspace id the simulated platform reports.
pub const SIM_WORKSPACE: &str = "sim";

/// The result of a simulation.
pub struct SimulationRun {
    /// Every message the bot sent, in order.
    pub transcript: Vec<TranscriptEntry>,
    /// The scenario that ran.
    pub scenario: Scenario,
}

/// Runs `scenario` on the store at `db`: a SQLite file path, a `sqlite:` or `postgres://` URL, or
/// a fresh temporary SQLite file when `None`.
pub async fn run(scenario: Scenario, settings: Settings, db: Option<String>) -> anyhow::Result<SimulationRun> {
    let temp_dir = tempfile_dir()?;
    let db_is_temporary = db.is_none();
    let url = match db {
        None => format!("sqlite://{}", temp_dir.join("simulation.db").display()),
        Some(url) if url.starts_with("sqlite:") || StoreKind::of(&url) == StoreKind::Postgres => url,
        Some(path) => format!("sqlite://{path}"),
    };
    let database_settings = DatabaseSettings { url, ..settings.database.clone() };
    let settings = Arc::new(apply_workspace(settings, &scenario));
    let clock = Arc::new(ManualClock::new(scenario.start));
    let chat = Arc::new(SimulatedPlatform::new(scenario.platform, clock.clone(), profiles(&scenario)));

    let open = || async {
        let store = Database::open(&database_settings).await?.store();
        let bot = Bot::new(store.clone(), clock.clone(), chat.clone(), settings.clone());
        bot.start().await?;
        anyhow::Ok((store, bot))
    };
    let (mut store, mut bot) = open().await?;
    let mut lock = Some(crate::ports::Store::lock_instance(store.as_ref())?);
    // A standup the engine refuses (say, a name taken) is the scenario's fault: `file:line: reason`.
    seed(&bot, &scenario).await?;

    let tick = settings.scheduler.tick;
    let mut last_tick: Option<DateTime<Utc>> = None;
    let mut next_event = 0;
    let mut message_count = 0u64;
    loop {
        let event_at = scenario.events.get(next_event).map(|e| e.at);
        let due_tick = match crate::ports::JobStore::next_due_at(store.as_ref()).await? {
            Some(due) => Some(next_tick_at_or_after(scenario.start, tick, due, last_tick)),
            None => None,
        };
        let Some(at) = [event_at, due_tick].into_iter().flatten().min() else { break };
        if at > scenario.end {
            break;
        }
        if at > clock.now() {
            clock.set(at);
        }
        while let Some(event) = scenario.events.get(next_event).filter(|e| e.at == at) {
            next_event += 1;
            match &event.kind {
                scenario::EventKind::Restart => {
                    // Everything in memory goes; only the database file carries over.
                    drop(bot);
                    drop(lock.take());
                    (store, bot) = open().await?;
                    lock = Some(crate::ports::Store::lock_instance(store.as_ref())?);
                    continue;
                }
                kind => {
                    message_count += 1;
                    if let Err(error) = bot.handle(inbound(kind, message_count)).await {
                        tracing::error!("event at {at} failed: {error:#}");
                    }
                }
            }
        }
        if due_tick == Some(at) {
            bot.run_due_jobs().await?;
            last_tick = Some(at);
        }
    }
    clock.set(scenario.end.max(clock.now()));
    drop(lock);
    if db_is_temporary {
        let _ = std::fs::remove_dir_all(&temp_dir);
    }
    Ok(SimulationRun { transcript: chat.transcript(), scenario })
}

/// The first tick instant (`start + k·tick`) at or after `due` and after `last_tick`.
pub(crate) fn next_tick_at_or_after(
    start: DateTime<Utc>,
    tick: Duration,
    due: DateTime<Utc>,
    last_tick: Option<DateTime<Utc>>,
) -> DateTime<Utc> {
    let tick_secs = tick.num_seconds().max(1);
    let ceil = |t: DateTime<Utc>| {
        let offset = (t - start).num_seconds().max(0);
        start
            + Duration::seconds(
                offset.div_euclid(tick_secs) * tick_secs + i64::from(offset % tick_secs != 0) * tick_secs,
            )
    };
    let mut at = ceil(due.max(start));
    if let Some(last) = last_tick
        && at <= last
    {
        at = last + Duration::seconds(tick_secs);
    }
    at
}

pub(crate) fn tempfile_dir() -> anyhow::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("unhurried-sim-{}-{}", std::process::id(), rand_suffix()));
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    Ok(dir)
}

fn rand_suffix() -> u128 {
    // Unique enough for a temporary directory name; not security relevant.
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or_default()
}

pub(crate) fn apply_workspace(mut settings: Settings, scenario: &Scenario) -> Settings {
    let w = &scenario.workspace;
    if let Some(tz) = w.default_tz {
        settings.workspace.timezone = tz;
    }
    if let Some(hours) = w.hours {
        settings.workspace.hours = hours;
    }
    if let Some(days) = w.days {
        settings.workspace.days = days;
    }
    settings.workspace.admins.extend(w.admins.iter().cloned());
    settings
}

pub(crate) fn profiles(scenario: &Scenario) -> HashMap<String, Profile> {
    scenario
        .members
        .iter()
        .map(|m| {
            let profile = Profile {
                name: m.name.clone(),
                // Discord never reports a zone; Slack does (users.info).
                tz: match scenario.platform {
                    crate::domain::platform::Platform::Slack => m.tz.map(|tz| tz.name().to_owned()),
                    crate::domain::platform::Platform::Discord => None,
                },
                is_admin: scenario.workspace.admins.contains(&m.id),
                is_bot: false,
            };
            (m.id.clone(), profile)
        })
        .collect()
}

/// Creates the scenario's members, channels and standups as if they had been set up by commands.
/// Failing to set up a member or a channel is the engine's fault (an error); a standup the engine
/// refuses is the scenario's, a [`ScenarioError`] naming its line.
pub(crate) async fn seed(bot: &Bot, scenario: &Scenario) -> anyhow::Result<()> {
    let workspace_id = bot.workspace_id(SIM_WORKSPACE).await?;
    for spec in &scenario.members {
        let member = bot.member(workspace_id, SIM_WORKSPACE, &spec.id).await?;
        let changes = MemberChanges {
            tz: spec.tz.map(|tz| (tz.name().to_owned(), "command".to_owned())),
            hours: spec.hours.map(|h| h.to_string()),
            days: spec.days.map(Weekdays::bits),
            ..MemberChanges::default()
        };
        bot.store.update_member(member.id, &changes).await?;
        if !spec.ooo.is_empty() {
            let ranges: Vec<_> = spec.ooo.iter().map(|r| (r.from, r.to)).collect();
            bot.store.set_out_of_office(member.id, &ranges).await?;
        }
        brief::reschedule_member(bot, workspace_id, member.id).await?;
    }
    for spec in &scenario.channels {
        let channel = bot.store.ensure_channel(workspace_id, &spec.id).await?;
        bot.store.set_channel(channel.id, Some(&spec.name), Some(spec.nudge.as_str())).await?;
    }
    for spec in &scenario.standups {
        let standup = standup::StandupSpec {
            name: spec.name.clone(),
            channel: spec.channel.clone(),
            members: spec.members.clone(),
            recurrence: spec.recurrence.clone(),
            questions: spec.questions.clone(),
            blocker_question: spec.blocker_question,
            digest_at: spec.digest_at,
            digest_tz: spec.digest_tz.unwrap_or(bot.settings.workspace.timezone),
            reminder: spec.reminder.unwrap_or(bot.settings.standup.reminder),
            skipped_dates: spec.skipped_dates.clone(),
            digest_when_empty: spec.digest_when_empty,
        };
        standup::seed_standup(bot, workspace_id, &standup).await.map_err(|error| {
            anyhow::Error::new(ScenarioError {
                file: scenario.file.clone(),
                line: spec.line,
                reason: format!("cannot set up standup '{}': {error:#}", spec.name),
            })
        })?;
    }
    Ok(())
}

fn inbound(kind: &scenario::EventKind, n: u64) -> InboundEvent {
    match kind {
        scenario::EventKind::Message { user, channel, text, id, thread } => InboundEvent::Message(ChatMessage {
            workspace: SIM_WORKSPACE.into(),
            id: id.clone(),
            channel: channel.clone().unwrap_or_else(|| format!("D-{user}")),
            user: user.clone(),
            text: text.clone(),
            thread: thread.clone(),
            is_dm: channel.is_none(),
        }),
        scenario::EventKind::Command { user, channel, text } => InboundEvent::Command(CommandInvocation {
            workspace: SIM_WORKSPACE.into(),
            id: format!("cmd{n}"),
            channel: channel.clone().unwrap_or_else(|| format!("D-{user}")),
            user: user.clone(),
            text: text.clone(),
            platform_admin: false,
            is_dm: channel.is_none(),
        }),
        scenario::EventKind::StandupAnswer { user, standup, answers } => {
            InboundEvent::StandupSubmission(StandupSubmission {
                workspace: SIM_WORKSPACE.into(),
                id: format!("answer{n}"),
                user: user.clone(),
                standup: standup.clone(),
                answers: answers.clone(),
            })
        }
        scenario::EventKind::Restart => unreachable!("restarts are handled by the driver"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_on_the_grid_from_the_start_and_never_repeat() {
        let start: DateTime<Utc> = "2026-03-27T00:00:00Z".parse().unwrap();
        let tick = Duration::seconds(15);
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        assert_eq!(next_tick_at_or_after(start, tick, at("2026-03-27T07:30:00Z"), None), at("2026-03-27T07:30:00Z"));
        assert_eq!(next_tick_at_or_after(start, tick, at("2026-03-27T07:30:01Z"), None), at("2026-03-27T07:30:15Z"));
        let last = Some(at("2026-03-27T07:30:15Z"));
        assert_eq!(next_tick_at_or_after(start, tick, at("2026-03-27T07:30:00Z"), last), at("2026-03-27T07:30:30Z"));
        assert_eq!(next_tick_at_or_after(start, tick, at("2026-03-26T07:30:00Z"), None), start);
    }
}
