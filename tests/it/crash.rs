//! Exactly once through crashes, on the whole bot (real SQLite file, manual clock, simulated
//! platform): a crash injected at each step of an event's way — after the inbox insert, inside its
//! unit of work, after the commit, before and after the platform call — loses nothing and repeats
//! nothing. A "crash" stops the task doing the work dead at that point (it is aborted while it
//! waits there: no more of its code runs, as with kill -9), after which every in-memory state is
//! dropped and a new bot continues from the database file, as a restarted process would.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use unhurried::adapters::clock::ManualClock;
use unhurried::adapters::simulated::{SimulatedPlatform, TranscriptEntry};
use unhurried::adapters::sqlite::SqliteStore;
use unhurried::bot::Bot;
use unhurried::config::Settings;
use unhurried::domain::events::{ChatMessage, Form, InboundEvent, OutgoingMessage};
use unhurried::domain::platform::Platform;
use unhurried::ports::{ChatPlatform, InboxStore as _, OutboxStore as _, OutboxTag, Profile, SendError};

use crate::support::profile;

/// Where the next crash happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CrashAt {
    /// In the middle of an event's unit of work: after its first writes, at a platform lookup.
    PermalinkLookup,
    /// In a delivery worker, after the message was taken, before the platform call.
    BeforeSend,
    /// In a delivery worker, after the platform accepted the message, before it was recorded.
    AfterSend,
}

/// The simulated platform with one crash armed.
struct Crashing {
    inner: Arc<SimulatedPlatform>,
    armed: Mutex<Option<CrashAt>>,
    /// Raised when the armed point is reached; the task then waits there until it is aborted.
    reached: tokio::sync::Notify,
}

impl Crashing {
    async fn fire(&self, at: CrashAt) {
        let hit = {
            let mut armed = self.armed.lock().unwrap();
            let hit = *armed == Some(at);
            if hit {
                *armed = None;
            }
            hit
        };
        if hit {
            self.reached.notify_one();
            std::future::pending::<()>().await;
        }
    }
}

#[async_trait]
impl ChatPlatform for Crashing {
    fn platform(&self) -> Platform {
        self.inner.platform()
    }

    async fn send(&self, tag: OutboxTag, message: &OutgoingMessage) -> Result<String, SendError> {
        self.fire(CrashAt::BeforeSend).await;
        let sent = self.inner.send(tag, message).await;
        self.fire(CrashAt::AfterSend).await;
        sent
    }

    async fn find_sent(&self, tag: OutboxTag, message: &OutgoingMessage) -> Result<Option<String>, SendError> {
        self.inner.find_sent(tag, message).await
    }

    async fn profile(&self, workspace: &str, user: &str) -> anyhow::Result<Option<Profile>> {
        self.inner.profile(workspace, user).await
    }

    async fn permalink(&self, channel: &str, message: &str) -> anyhow::Result<Option<String>> {
        self.fire(CrashAt::PermalinkLookup).await;
        self.inner.permalink(channel, message).await
    }

    async fn open_form(&self, trigger: &str, form: &Form) -> Result<(), SendError> {
        self.inner.open_form(trigger, form).await
    }
}

struct Harness {
    clock: Arc<ManualClock>,
    chat: Arc<Crashing>,
    url: String,
    settings: Arc<Settings>,
    bot: Arc<Bot>,
    _dir: tempfile::TempDir,
}

impl Harness {
    async fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("bot.db").display());
        let clock = Arc::new(ManualClock::new("2026-03-30T08:00:00Z".parse().unwrap()));
        let profiles: HashMap<String, Profile> = [
            ("U1".to_owned(), profile("alice", Some("Europe/Berlin"))),
            ("U2".to_owned(), profile("bob", Some("Europe/Berlin"))),
        ]
        .into();
        let inner = Arc::new(SimulatedPlatform::new(Platform::Slack, clock.clone(), profiles));
        let chat = Arc::new(Crashing { inner, armed: Mutex::new(None), reached: tokio::sync::Notify::new() });
        let mut settings = Settings::defaults();
        settings.nudge.grace = chrono::Duration::seconds(60);
        let settings = Arc::new(settings);
        let bot = Self::open(&url, &clock, &chat, &settings).await;
        Harness { clock, chat, url, settings, bot, _dir: dir }
    }

    async fn open(url: &str, clock: &Arc<ManualClock>, chat: &Arc<Crashing>, settings: &Arc<Settings>) -> Arc<Bot> {
        let store = Arc::new(SqliteStore::open(url).await.unwrap());
        let bot = Bot::new(store, clock.clone(), chat.clone(), settings.clone());
        bot.start().await.unwrap();
        Arc::new(bot)
    }

    /// Drops the bot and everything it held in memory, and starts a new one on the same file.
    async fn restart(&mut self) {
        self.bot = Self::open(&self.url, &self.clock, &self.chat, &self.settings).await;
    }

    fn arm(&self, at: CrashAt) {
        *self.chat.armed.lock().unwrap() = Some(at);
    }

    /// Runs `work` on the bot in its own task and kills the task where the armed crash point
    /// is reached; true if it was reached (and the task killed there).
    async fn crashes<F, Fut>(&self, work: F) -> bool
    where
        F: FnOnce(Arc<Bot>) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let task = tokio::spawn(work(self.bot.clone()));
        let reached = tokio::time::timeout(std::time::Duration::from_secs(10), self.chat.reached.notified()).await;
        task.abort();
        let _ = task.await;
        reached.is_ok()
    }

    fn sent(&self) -> Vec<TranscriptEntry> {
        self.chat.inner.transcript()
    }

    fn texts(&self) -> Vec<(String, String)> {
        self.sent().into_iter().map(|e| (e.purpose.to_owned(), e.text)).collect()
    }
}

fn message(id: &str, user: &str, text: &str) -> InboundEvent {
    InboundEvent::Message(ChatMessage {
        workspace: "T1".into(),
        id: id.into(),
        channel: "C1".into(),
        user: user.into(),
        text: text.into(),
        thread: None,
        is_dm: false,
    })
}

fn purposes(entries: &[TranscriptEntry]) -> Vec<&'static str> {
    entries.iter().map(|e| e.purpose).collect()
}

#[tokio::test]
async fn a_crash_after_the_inbox_insert_loses_nothing_the_next_process_handles_it_once() {
    let mut h = Harness::start().await;
    // Intake recorded the ping (and acked Slack); the process dies before the consumer ran.
    assert_eq!(h.bot.accept(vec![message("1.1", "U1", "hi <@U2>")]).await.unwrap(), [true]);
    h.restart().await;
    // Slack's retry of the acked delivery finds the row: no second effect.
    assert_eq!(h.bot.accept(vec![message("1.1", "U1", "hi <@U2>")]).await.unwrap(), [false]);
    assert_eq!(h.bot.handle_pending().await.unwrap(), 1);
    h.clock.advance(chrono::Duration::seconds(61));
    h.bot.run_due_jobs().await.unwrap();
    assert_eq!(purposes(&h.sent()), ["nudge"], "one nudge");
    h.restart().await;
    h.clock.advance(chrono::Duration::hours(1));
    h.bot.run_due_jobs().await.unwrap();
    assert_eq!(purposes(&h.sent()), ["nudge"], "still one after another restart");
}

#[tokio::test]
async fn a_crash_inside_an_events_unit_of_work_leaves_no_trace_and_the_event_is_handled_once_after() {
    let mut h = Harness::start().await;
    // A decision: the author is written as a member, then the permalink lookup crashes.
    h.arm(CrashAt::PermalinkLookup);
    assert!(
        h.crashes(|bot| async move {
            bot.accept(vec![message("2.1", "U1", "Decision: we ship on Thursdays")]).await.unwrap();
            let _ = bot.handle_pending().await;
        })
        .await
    );
    h.restart().await;
    let store = SqliteStore::open(&h.url).await.unwrap();
    let members: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM members").fetch_one(store.pool()).await.unwrap();
    assert_eq!(members, 0, "the member written before the crash was rolled back with the event");
    assert_eq!(store.inbox_backlog().await.unwrap().0, 1, "the event is still pending");
    h.bot.handle_pending().await.unwrap();
    h.bot.settle().await.unwrap();
    let decisions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM decisions").fetch_one(store.pool()).await.unwrap();
    assert_eq!(decisions, 1);
    assert_eq!(purposes(&h.sent()), ["decision_ack"], "acknowledged once");
    assert_eq!(store.inbox_backlog().await.unwrap().0, 0);
}

#[tokio::test]
async fn a_crash_after_the_commit_and_before_delivery_sends_each_message_once() {
    let mut h = Harness::start().await;
    h.bot.accept(vec![message("3.1", "U1", "Decision: retro moves to Fridays")]).await.unwrap();
    // The consumer committed the decision and its acknowledgement; no worker ran before the crash.
    assert_eq!(h.bot.handle_pending().await.unwrap(), 1);
    assert!(h.sent().is_empty());
    h.restart().await;
    h.bot.settle().await.unwrap();
    h.restart().await;
    h.bot.settle().await.unwrap();
    assert_eq!(purposes(&h.sent()), ["decision_ack"]);
}

#[tokio::test]
async fn a_crash_before_the_platform_call_sends_the_message_once_after_checking_it_was_not_sent() {
    let mut h = Harness::start().await;
    h.bot.accept(vec![message("4.1", "U1", "Decision: on-call rotates weekly")]).await.unwrap();
    h.bot.handle_pending().await.unwrap();
    h.arm(CrashAt::BeforeSend);
    assert!(h.crashes(|bot| async move { bot.settle().await.unwrap() }).await);
    assert!(h.sent().is_empty(), "the crash came before the platform call");
    h.restart().await;
    let store = SqliteStore::open(&h.url).await.unwrap();
    let undelivered = store.undelivered(10).await.unwrap();
    assert_eq!(undelivered.len(), 1, "left `sending`, now to be reconciled: {undelivered:?}");
    assert_eq!(undelivered[0].state, "unknown");
    h.bot.settle().await.unwrap();
    assert_eq!(purposes(&h.sent()), ["decision_ack"], "found missing, so sent once");
    assert!(store.undelivered(10).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_crash_after_the_platform_call_is_reconciled_and_never_sent_twice() {
    let mut h = Harness::start().await;
    h.bot.accept(vec![message("5.1", "U1", "Decision: the API freezes on the 1st")]).await.unwrap();
    h.bot.handle_pending().await.unwrap();
    h.arm(CrashAt::AfterSend);
    assert!(h.crashes(|bot| async move { bot.settle().await.unwrap() }).await);
    assert_eq!(purposes(&h.sent()), ["decision_ack"], "the platform has it; the outbox does not know");
    h.restart().await;
    h.bot.settle().await.unwrap();
    h.restart().await;
    h.bot.settle().await.unwrap();
    assert_eq!(h.texts().len(), 1, "reconciled, not resent: {:?}", h.texts());
    let store = SqliteStore::open(&h.url).await.unwrap();
    let states: Vec<String> = sqlx::query_scalar("SELECT state FROM outbox").fetch_all(store.pool()).await.unwrap();
    assert_eq!(states, ["sent"]);
}

#[tokio::test]
async fn a_crash_in_the_middle_of_a_due_job_runs_it_again_from_scratch_once() {
    let mut h = Harness::start().await;
    // A ping whose grace job (the nudge) is due in 60 s.
    h.bot.accept(vec![message("6.1", "U1", "hi <@U2>")]).await.unwrap();
    h.bot.handle_pending().await.unwrap();
    h.clock.advance(chrono::Duration::seconds(61));
    // The nudge is decided and committed with its job's outcome; the worker crashes on the
    // platform call before anything was sent.
    h.arm(CrashAt::BeforeSend);
    assert!(
        h.crashes(|bot| async move {
            bot.run_due_jobs().await.unwrap();
        })
        .await
    );
    h.restart().await;
    h.bot.run_due_jobs().await.unwrap();
    h.clock.advance(chrono::Duration::hours(5));
    h.bot.run_due_jobs().await.unwrap();
    assert_eq!(purposes(&h.sent()), ["nudge"]);
}
