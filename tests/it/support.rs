//! A whole bot on a real SQLite file, a manual clock and the simulated platform.
#![allow(dead_code, reason = "each feature test uses a different part of the harness")]

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use unhurried::adapters::clock::ManualClock;
use unhurried::adapters::simulated::{SimulatedPlatform, TranscriptEntry};
use unhurried::adapters::sqlite::SqliteStore;
use unhurried::bot::Bot;
use unhurried::config::Settings;
use unhurried::domain::events::{ChatMessage, CommandInvocation, InboundEvent};
use unhurried::domain::platform::Platform;
use unhurried::ports::{Clock as _, JobStore as _, Profile};

/// The workspace id every test bot lives in.
pub const WORKSPACE: &str = "T1";

/// A bot under test.
pub struct TestBot {
    pub clock: Arc<ManualClock>,
    pub chat: Arc<SimulatedPlatform>,
    pub store: Arc<SqliteStore>,
    pub bot: Bot,
    pub settings: Arc<Settings>,
    _dir: tempfile::TempDir,
    url: String,
    next_id: u64,
}

/// A profile as the platform would report it.
pub fn profile(name: &str, tz: Option<&str>) -> Profile {
    Profile { name: name.into(), tz: tz.map(Into::into), is_admin: false, is_bot: false }
}

impl TestBot {
    /// A bot at `start` on `platform` whose members are `profiles`.
    pub async fn new(platform: Platform, start: &str, settings: Settings, profiles: &[(&str, Profile)]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("bot.db").display());
        let store = Arc::new(SqliteStore::open(&url).await.unwrap());
        let clock = Arc::new(ManualClock::new(start.parse().unwrap()));
        let profiles: HashMap<String, Profile> = profiles.iter().map(|(u, p)| (u.to_string(), p.clone())).collect();
        let chat = Arc::new(SimulatedPlatform::new(platform, clock.clone(), profiles));
        let settings = Arc::new(settings);
        let bot = Bot::new(store.clone(), clock.clone(), chat.clone(), settings.clone());
        bot.start().await.unwrap();
        TestBot { clock, chat, store, bot, settings, _dir: dir, url, next_id: 0 }
    }

    /// Drops every in-memory state and continues from the store only.
    pub async fn restart(&mut self) {
        let store = Arc::new(SqliteStore::open(&self.url).await.unwrap());
        self.store = store.clone();
        self.bot = Bot::new(store, self.clock.clone(), self.chat.clone(), self.settings.clone());
        self.bot.start().await.unwrap();
    }

    fn id(&mut self) -> String {
        self.next_id += 1;
        format!("m{}", self.next_id)
    }

    /// A channel message; returns its id.
    pub async fn message(&mut self, user: &str, channel: &str, text: &str, thread: Option<&str>) -> String {
        let id = self.id();
        let message = ChatMessage {
            workspace: WORKSPACE.into(),
            id: id.clone(),
            channel: channel.into(),
            user: user.into(),
            text: text.into(),
            thread: thread.map(Into::into),
            is_dm: false,
        };
        self.bot.handle(InboundEvent::Message(message)).await.unwrap();
        id
    }

    /// A DM to the bot.
    pub async fn dm(&mut self, user: &str, text: &str) {
        let id = self.id();
        let message = ChatMessage {
            workspace: WORKSPACE.into(),
            id,
            channel: format!("D-{user}"),
            user: user.into(),
            text: text.into(),
            thread: None,
            is_dm: true,
        };
        self.bot.handle(InboundEvent::Message(message)).await.unwrap();
    }

    /// `/async <text>` typed by `user` in `channel`.
    pub async fn command(&mut self, user: &str, channel: &str, text: &str) {
        let id = self.id();
        let invocation = CommandInvocation {
            workspace: WORKSPACE.into(),
            id,
            channel: channel.into(),
            user: user.into(),
            text: text.into(),
            platform_admin: false,
            is_dm: channel.starts_with('D'),
        };
        self.bot.handle(InboundEvent::Command(invocation)).await.unwrap();
    }

    /// Moves the clock to `until` one scheduler tick at a time, running due jobs at each tick.
    pub async fn run_until(&mut self, until: &str) {
        let until: DateTime<Utc> = until.parse().unwrap();
        let tick = self.settings.scheduler.tick.num_seconds();
        self.bot.run_due_jobs().await.unwrap();
        // Ticks at which nothing is due change nothing: jump to the first tick at or after the
        // next due job, keeping the live tick grid.
        while let Some(due) = self.store.next_due_at().await.unwrap() {
            let now = self.clock.now();
            let ticks = ((due - now).num_seconds().max(1) + tick - 1) / tick;
            let next_tick = now + Duration::seconds(ticks * tick);
            if next_tick > until {
                break;
            }
            self.clock.set(next_tick);
            self.bot.run_due_jobs().await.unwrap();
        }
        if self.clock.now() < until {
            self.clock.set(until);
            self.bot.run_due_jobs().await.unwrap();
        }
    }

    /// Everything sent since the last call.
    pub fn sent(&self) -> Vec<TranscriptEntry> {
        self.chat.take_transcript()
    }

    /// Advances by a duration.
    pub async fn run_for(&mut self, duration: Duration) {
        let until = (self.clock.now() + duration).to_rfc3339();
        self.run_until(&until).await;
    }
}
