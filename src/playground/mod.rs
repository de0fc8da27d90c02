//! Purpose: the playground `unhurried serve` runs when no chat credentials are set — the real bot
//! (engine, features, SQLite store) on a virtual clock, talking to the simulated platform of
//! `simulate`, with a chat page in the browser where you act as any member of a scenario.
//!
//! It always runs on a database of its own (a fresh temporary file, or `--playground-db`), never
//! on `database.url`: a production database whose tokens are missing by mistake is not touched.
//! Time moves only when asked ("next event", "+1 hour", "+1 day"); due jobs run at the scheduler's
//! tick instants on the way, as `simulate` runs them. Every action is handled to the end (the bot
//! decides and delivers) before it answers, then the page is told to redraw.

pub mod render;
pub mod routes;
pub mod view;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use tokio::sync::{Mutex, watch};

use crate::adapters::clock::ManualClock;
use crate::adapters::http;
use crate::adapters::simulated::SimulatedPlatform;
use crate::adapters::sqlite::SqliteStore;
use crate::bot::Bot;
use crate::config::Settings;
use crate::domain::events::{ChatMessage, CommandInvocation, FormRequest, InboundEvent, StandupSubmission};
use crate::ports::{Clock as _, InstanceGuard, Store as _};
use crate::simulation::{self, SIM_WORKSPACE, Scenario};
use view::{MemberPost, View, Workspace, dm_conversation};

/// The scenario the playground starts from unless `--scenario` names another.
pub const DEMO_SCENARIO: &str = include_str!("../../scenarios/demo.toml");

/// How far one "next event" or "+1 day" may run jobs: a bound, so a runaway schedule cannot hang
/// the page.
const MAX_JOB_ROUNDS: usize = 10_000;

/// Where the playground keeps its store.
pub enum PlaygroundDb {
    /// A fresh file in a temporary directory, removed when the playground stops.
    Temporary(PathBuf),
    /// A file the operator named (`--playground-db`), kept.
    File(PathBuf),
}

impl PlaygroundDb {
    /// The file, or a fresh temporary one.
    pub fn choose(file: Option<PathBuf>) -> anyhow::Result<Self> {
        match file {
            Some(path) => Ok(PlaygroundDb::File(path)),
            None => Ok(PlaygroundDb::Temporary(simulation::tempfile_dir()?.join("playground.db"))),
        }
    }

    /// The SQLite file.
    pub fn path(&self) -> &Path {
        match self {
            PlaygroundDb::Temporary(path) | PlaygroundDb::File(path) => path,
        }
    }
}

impl Drop for PlaygroundDb {
    fn drop(&mut self) {
        if let PlaygroundDb::Temporary(path) = self
            && let Some(dir) = path.parent()
        {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// What a member does in the page.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct PostRequest {
    /// Who acts (user id).
    #[serde(rename = "as")]
    pub user: String,
    /// Channel id, or `D-{user}` for the DM with the bot.
    pub conversation: String,
    /// Reply in the thread of this message.
    #[serde(default)]
    pub thread: Option<String>,
    /// What they typed; `/async …` is a command.
    pub text: String,
}

/// How far to move the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// To the next instant a job is due (on the tick grid).
    NextEvent,
    /// One hour.
    Hour,
    /// One day.
    Day,
}

/// A mistake in what the page sent: shown to the person, nothing changed.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadRequest(pub String);

/// The running playground.
pub struct Playground {
    scenario: Scenario,
    clock: Arc<ManualClock>,
    chat: Arc<SimulatedPlatform>,
    bot: Bot,
    state: Mutex<State>,
    changes: watch::Sender<u64>,
    _instance: Box<dyn InstanceGuard>,
    db: PlaygroundDb,
}

#[derive(Default)]
struct State {
    posts: Vec<MemberPost>,
    last_tick: Option<DateTime<Utc>>,
    counter: u64,
    /// Who each form trigger belongs to, and the ones already answered.
    form_owners: HashMap<String, String>,
    answered_forms: HashSet<String>,
}

impl Playground {
    /// Seeds `scenario` into a fresh store at `db` and starts the bot on it.
    pub async fn start(scenario: Scenario, settings: Settings, db: PlaygroundDb) -> anyhow::Result<Self> {
        let url = format!("sqlite://{}", db.path().display());
        let store =
            Arc::new(SqliteStore::open(&url).await.with_context(|| format!("cannot open the playground store {url}"))?);
        let instance = store.lock_instance()?;
        let settings = Arc::new(simulation::apply_workspace(settings, &scenario));
        let clock = Arc::new(ManualClock::new(scenario.start));
        let chat = Arc::new(SimulatedPlatform::new(scenario.platform, clock.clone(), simulation::profiles(&scenario)));
        let bot = Bot::new(store, clock.clone(), chat.clone(), settings);
        bot.start().await?;
        simulation::seed(&bot, &scenario).await?;
        let (changes, _) = watch::channel(0);
        Ok(Playground {
            scenario,
            clock,
            chat,
            bot,
            state: Mutex::new(State::default()),
            changes,
            _instance: instance,
            db,
        })
    }

    /// The store's file.
    pub fn db_path(&self) -> &Path {
        self.db.path()
    }

    /// The scenario it was seeded from.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// Bumped after every change; the page redraws when it moves.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.changes.subscribe()
    }

    /// What `viewer` sees now.
    pub async fn view(&self, viewer: &str) -> Result<View, BadRequest> {
        self.known_member(viewer)?;
        let state = self.state.lock().await;
        let (zones, working) = self.member_zones().await;
        let form = self.chat.forms().into_iter().rev().find(|(trigger, _)| {
            state.form_owners.get(trigger).map(String::as_str) == Some(viewer)
                && !state.answered_forms.contains(trigger)
        });
        let transcript = self.chat.transcript();
        let next_due = self.bot.store.next_due_at().await.ok().flatten();
        let workspace = Workspace {
            scenario: &self.scenario,
            zones: &zones,
            working: &working,
            now: self.clock.now(),
            transcript: &transcript,
            posts: &state.posts,
            form,
            next_due,
            read_on_arrival: false,
        };
        Ok(workspace.view(viewer))
    }

    /// Each member's zone and whether they work now, as the store has them (a `/async tz` or
    /// `/async hours` shows at once).
    async fn member_zones(&self) -> (HashMap<String, Tz>, HashMap<String, bool>) {
        let mut zones = HashMap::new();
        let mut working = HashMap::new();
        let now = self.clock.now();
        let Ok(workspace_id) = self.bot.workspace_id(SIM_WORKSPACE).await else { return (zones, working) };
        for spec in &self.scenario.members {
            if let Ok(member) = self.bot.member(workspace_id, SIM_WORKSPACE, &spec.id).await {
                zones.insert(spec.id.clone(), member.availability.tz);
                working.insert(spec.id.clone(), member.availability.is_working_at(now));
            }
        }
        (zones, working)
    }

    fn known_member(&self, user: &str) -> Result<(), BadRequest> {
        if self.scenario.members.iter().any(|m| m.id == user) {
            Ok(())
        } else {
            Err(BadRequest(format!("no member '{user}' in this playground")))
        }
    }

    fn known_conversation(&self, user: &str, conversation: &str) -> Result<bool, BadRequest> {
        if conversation == dm_conversation(user) {
            return Ok(true);
        }
        if self.scenario.channels.iter().any(|c| c.id == conversation) {
            return Ok(false);
        }
        Err(BadRequest(format!("no conversation '{conversation}' for {user}")))
    }

    /// A member posts a message, replies in a thread, DMs the bot, or types `/async …`.
    pub async fn post(&self, request: PostRequest) -> Result<(), BadRequest> {
        self.known_member(&request.user)?;
        let is_dm = self.known_conversation(&request.user, &request.conversation)?;
        let typed = request.text.trim();
        if typed.is_empty() {
            return Err(BadRequest("the message is empty".to_owned()));
        }
        let mut state = self.state.lock().await;
        state.counter += 1;
        let n = state.counter;
        let now = self.clock.now();
        if let Some(command) = typed.strip_prefix("/async").filter(|rest| rest.is_empty() || rest.starts_with(' ')) {
            // A slash command is not a message: the channel never sees it, only its private reply.
            state.posts.push(MemberPost {
                id: format!("cmd{n}"),
                at: now,
                user: request.user.clone(),
                conversation: request.conversation.clone(),
                thread: None,
                text: self.typed(typed),
                private: true,
                after_bot_messages: self.chat.transcript().len(),
            });
            let event = InboundEvent::Command(CommandInvocation {
                workspace: SIM_WORKSPACE.into(),
                id: format!("cmd{n}"),
                channel: request.conversation,
                user: request.user,
                text: command.trim().to_owned(),
                platform_admin: false,
                is_dm,
            });
            self.handle(event).await;
        } else {
            if let Some(thread) = &request.thread
                && !state.posts.iter().any(|p| &p.id == thread && p.conversation == request.conversation)
                && !self.chat.transcript().iter().any(|e| &e.message_id == thread)
            {
                return Err(BadRequest(format!("no message '{thread}' to reply to")));
            }
            let text = self.with_mentions(&self.typed(typed));
            let id = format!("p{n}");
            state.posts.push(MemberPost {
                id: id.clone(),
                at: now,
                user: request.user.clone(),
                conversation: request.conversation.clone(),
                thread: request.thread.clone(),
                text: text.clone(),
                private: false,
                after_bot_messages: self.chat.transcript().len(),
            });
            let event = InboundEvent::Message(ChatMessage {
                workspace: SIM_WORKSPACE.into(),
                id,
                channel: request.conversation,
                user: request.user,
                text,
                thread: request.thread,
                is_dm,
            });
            self.handle(event).await;
        }
        drop(state);
        self.changed();
        Ok(())
    }

    /// A member presses a button under a message: *Answer* opens the form, *Skip today* skips.
    pub async fn press(&self, user: &str, action: &str, standup: &str, conversation: &str) -> Result<(), BadRequest> {
        self.known_member(user)?;
        let is_dm = self.known_conversation(user, conversation)?;
        let mut state = self.state.lock().await;
        state.counter += 1;
        let n = state.counter;
        let event = match action {
            "answer" => {
                let trigger = format!("trigger{n}");
                state.form_owners.insert(trigger.clone(), user.to_owned());
                InboundEvent::FormRequest(FormRequest {
                    workspace: SIM_WORKSPACE.into(),
                    id: trigger.clone(),
                    user: user.to_owned(),
                    standup: standup.to_owned(),
                    trigger,
                })
            }
            "skip" => InboundEvent::Command(CommandInvocation {
                workspace: SIM_WORKSPACE.into(),
                id: format!("skip{n}"),
                channel: conversation.to_owned(),
                user: user.to_owned(),
                text: format!("standup skip {standup}"),
                platform_admin: false,
                is_dm,
            }),
            other => return Err(BadRequest(format!("no button '{other}'"))),
        };
        self.handle(event).await;
        drop(state);
        self.changed();
        Ok(())
    }

    /// A member submits the form the bot opened for them.
    pub async fn submit_form(&self, user: &str, trigger: &str, answers: Vec<String>) -> Result<(), BadRequest> {
        self.known_member(user)?;
        let mut state = self.state.lock().await;
        if state.form_owners.get(trigger).map(String::as_str) != Some(user) || state.answered_forms.contains(trigger) {
            return Err(BadRequest(format!("no open form '{trigger}' for {user}")));
        }
        let Some((_, form)) = self.chat.forms().into_iter().find(|(t, _)| t == trigger) else {
            return Err(BadRequest(format!("no open form '{trigger}' for {user}")));
        };
        if answers.len() != form.fields.len() {
            return Err(BadRequest(format!(
                "the form has {} questions, got {} answers",
                form.fields.len(),
                answers.len()
            )));
        }
        state.answered_forms.insert(trigger.to_owned());
        state.counter += 1;
        let n = state.counter;
        let summary = form
            .fields
            .iter()
            .zip(answers.iter())
            .map(|(field, answer)| format!("{}\n> {}", field.label, answer))
            .collect::<Vec<_>>()
            .join("\n");
        state.posts.push(MemberPost {
            id: format!("form{n}"),
            at: self.clock.now(),
            user: user.to_owned(),
            conversation: dm_conversation(user),
            thread: None,
            text: self.typed(&format!("(form) {}\n{summary}", form.title)),
            private: true,
            after_bot_messages: self.chat.transcript().len(),
        });
        let event = InboundEvent::StandupSubmission(StandupSubmission {
            workspace: SIM_WORKSPACE.into(),
            id: format!("answer{n}"),
            user: user.to_owned(),
            standup: form.standup.clone(),
            // Form fields arrive as plain text on both platforms (not message markup).
            answers,
        });
        self.handle(event).await;
        drop(state);
        self.changed();
        Ok(())
    }

    /// Moves the virtual clock, running every job that falls due on the way at its tick instant.
    /// Returns the new time.
    pub async fn advance(&self, step: Step) -> anyhow::Result<DateTime<Utc>> {
        let mut state = self.state.lock().await;
        let tick = self.bot.settings.scheduler.tick;
        let start = self.scenario.start;
        let now = self.clock.now();
        let target = match step {
            Step::Hour => Some(now + Duration::hours(1)),
            Step::Day => Some(now + Duration::days(1)),
            Step::NextEvent => None,
        };
        for _ in 0..MAX_JOB_ROUNDS {
            let Some(due) = self.bot.store.next_due_at().await? else { break };
            let at = simulation::next_tick_at_or_after(start, tick, due, state.last_tick).max(self.clock.now());
            if target.is_some_and(|target| at > target) {
                break;
            }
            self.clock.set(at);
            if let Err(error) = self.bot.run_due_jobs().await {
                tracing::error!("jobs due at {at} failed: {error:#}");
            }
            state.last_tick = Some(at);
            if step == Step::NextEvent {
                break;
            }
        }
        if let Some(target) = target {
            self.clock.set(target.max(self.clock.now()));
        }
        drop(state);
        self.changed();
        Ok(self.clock.now())
    }

    async fn handle(&self, event: InboundEvent) {
        // A failed event is the bot's to report, as in production; the page still redraws.
        if let Err(error) = self.bot.handle(event).await {
            tracing::error!("the bot could not handle an event: {error:#}");
        }
    }

    /// What a person typed, as the platform delivers it: Slack escapes `&`, `<` and `>` so typed
    /// text is never markup; Discord delivers it as typed (the renderer escapes it for the page).
    fn typed(&self, text: &str) -> String {
        match self.scenario.platform {
            crate::domain::platform::Platform::Slack => {
                text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
            }
            crate::domain::platform::Platform::Discord => text.to_owned(),
        }
    }

    fn changed(&self) {
        self.changes.send_modify(|version| *version += 1);
    }

    /// `@name` typed in the page becomes the platform's mention of that member (`<@U…>`), and
    /// `#name` a channel link, as the clients' autocompletion does.
    fn with_mentions(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(at) = rest.find(['@', '#']) {
            out.push_str(&rest[..at]);
            let sigil = &rest[at..=at];
            let after = &rest[at + 1..];
            let word_end = after.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-')).unwrap_or(after.len());
            let word = &after[..word_end];
            let starts_word = out.chars().last().is_none_or(|c| !c.is_alphanumeric());
            let replacement = match sigil {
                "@" => self
                    .scenario
                    .members
                    .iter()
                    .find(|m| m.name.eq_ignore_ascii_case(word))
                    .map(|m| format!("<@{}>", m.id)),
                _ => self
                    .scenario
                    .channels
                    .iter()
                    .find(|c| c.name.eq_ignore_ascii_case(word))
                    .map(|c| format!("<#{}>", c.id)),
            };
            match replacement.filter(|_| starts_word && !word.is_empty()) {
                Some(markup) => {
                    out.push_str(&markup);
                    rest = &after[word_end..];
                }
                None => {
                    out.push_str(sigil);
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }
}

/// Loads `--scenario FILE`, or the embedded demo.
pub fn load_scenario(file: Option<&Path>) -> Result<Scenario, simulation::ScenarioError> {
    match file {
        Some(path) => Scenario::load(path),
        None => Scenario::parse("scenarios/demo.toml", DEMO_SCENARIO),
    }
}

/// What `serve` was told about the playground.
#[derive(Debug, Clone, Default)]
pub struct PlaygroundOptions {
    /// `--scenario FILE`: the workspace to seed (the embedded demo without it).
    pub scenario: Option<PathBuf>,
    /// `--playground-db FILE`: keep the playground's store in this file.
    pub db: Option<PathBuf>,
}

/// `serve` without chat credentials: the playground on `http.addr`, with `/healthz` and
/// `/metrics` answered from its own store, until `shutdown` resolves. `database.url` is never
/// opened.
pub async fn serve(
    settings: Settings,
    options: PlaygroundOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    if let Some(db) = &options.db
        && same_file(db, &settings.database.url)
    {
        anyhow::bail!(
            "--playground-db {} is the configured database (database.url): the playground never runs on it",
            db.display()
        );
    }
    let scenario = load_scenario(options.scenario.as_deref())?;
    let addr = settings.http.addr;
    let listener = http::bind(addr).await?;
    let metrics_listener = match settings.http.metrics_addr {
        Some(metrics_addr) => Some(http::bind(metrics_addr).await?),
        None => None,
    };
    let limits = crate::adapters::server::Limits::from_settings(&settings.http);
    let shutdown_timeout = settings.shutdown.timeout;
    let playground = Arc::new(Playground::start(scenario, settings, PlaygroundDb::choose(options.db)?).await?);
    let state = http::HttpState {
        store: playground.bot.store.clone(),
        metrics: Arc::new(crate::adapters::metrics::Metrics::default()),
        clock: playground.clock.clone(),
        readiness: crate::adapters::readiness::Readiness::default(),
    };
    let app = http::router(state.clone(), None, metrics_listener.is_none()).merge(routes::routes(playground.clone()));
    let shown =
        if addr.ip().is_unspecified() { format!("http://127.0.0.1:{}", addr.port()) } else { format!("http://{addr}") };
    tracing::warn!(
        "PLAYGROUND: no chat credentials set, so this is a local playground, not connected to Slack or Discord; open {shown} to try the bot with the members of {} (its own store: {}; database.url is not touched). To connect, set SLACK_BOT_TOKEN with SLACK_APP_TOKEN or SLACK_SIGNING_SECRET, or DISCORD_TOKEN, and run `unhurried serve` again",
        playground.scenario.file,
        playground.db_path().display(),
    );
    let (stop, stopped) = watch::channel(false);
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop.send(true);
    });
    let until_stopped = |mut stopped: watch::Receiver<bool>| async move {
        let _ = stopped.wait_for(|stop| *stop).await;
    };
    let metrics = metrics_listener.map(|listener| {
        tokio::spawn(http::serve(listener, http::metrics_router(state), limits, until_stopped(stopped.clone())))
    });
    let served = async {
        http::serve(listener, app, limits, until_stopped(stopped.clone())).await?;
        if let Some(metrics) = metrics {
            metrics.await??;
        }
        anyhow::Ok(())
    };
    // A page left open keeps its event stream: after a stop, it gets `shutdown.timeout` at most.
    let deadline = async {
        until_stopped(stopped.clone()).await;
        tokio::time::sleep(shutdown_timeout).await;
    };
    tokio::select! {
        result = served => result?,
        () = deadline => tracing::warn!("open pages were cut off after shutdown.timeout"),
    }
    tracing::info!("the playground stopped");
    Ok(())
}

/// Whether `path` names the same file as the SQLite `url` (`sqlite://file`, `sqlite:file?mode=…`).
fn same_file(path: &Path, url: &str) -> bool {
    let file = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
    let file = Path::new(file.split('?').next().unwrap_or(file));
    match (std::fs::canonicalize(path), std::fs::canonicalize(file)) {
        (Ok(a), Ok(b)) => a == b,
        _ => path == file,
    }
}
