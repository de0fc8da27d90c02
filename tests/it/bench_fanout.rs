//! Benchmarks of issue 9's "Done when" for delivery: the real `unhurried serve` binary against the
//! Slack double, each printing ONE summary line. They assert only correctness (no member lost,
//! none prompted twice, every command answered); the figures are reported, not asserted, and
//! written down in docs/performance.md. Run them with
//! `cargo test --locked --test it bench_ -- --ignored --nocapture`.
//!
//! The prompts fall due at a whole minute a little after the process starts (the standup is
//! seeded through the library on a manual clock ten minutes back, as an admin would have set it
//! up), so "from the due instant" is a real instant the process waits for, not one already past.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Timelike as _, Utc};
use secrecy::SecretString;
use unhurried::adapters::clock::ManualClock;
use unhurried::adapters::slack::{self, SlackPlatform};
use unhurried::adapters::sqlite::SqliteStore;
use unhurried::bot::Bot;
use unhurried::config::Settings;
use unhurried::domain::calendar::{Timezone, Weekdays};
use unhurried::domain::schedule::Recurrence;
use unhurried::features::standup::{StandupSpec, seed_standup};

use crate::slack_cli::{Served, etc_zone, for_serve};
use crate::slack_double::SlackDouble;
use crate::slack_double::faults::Fault;
use crate::slack_support::{BOT_TOKEN, SIGNING_SECRET};

/// Members of the big fan-out: 100 s of posts at Slack's 100 posts/s.
const FANOUT: usize = 10_000;
/// The workspace's post rate the double holds the bot to, and the bot's pacing in the fan-out.
const POSTS_PER_SECOND: u32 = 100;
/// Slash commands typed during the big fan-out, and how far apart.
const COMMANDS: usize = 3;
const COMMAND_EVERY: Duration = Duration::from_secs(30);
/// Members of the crash fan-out, and how many times the process is killed during it.
const CRASH_FANOUT: usize = 300;
const KILLS: usize = 10;
/// The least time between the end of seeding and the due instant, so the process is up before.
const LEAD: chrono::TimeDelta = chrono::TimeDelta::seconds(20);

/// Prompts the double kept, per member's DM (whatever the client was answered): the only DMs
/// the bot sends here are the prompts.
fn prompts_per_member(double: &SlackDouble) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for post in double.posted() {
        if post.channel.starts_with('D') {
            *counts.entry(post.channel).or_insert(0) += 1;
        }
    }
    counts
}

/// Members without a prompt, and members with more than one.
fn lost_and_duplicated(double: &SlackDouble, members: usize) -> (usize, usize) {
    let counts = prompts_per_member(double);
    (members - counts.len(), counts.values().filter(|n| **n > 1).count())
}

/// Samples the database every `every` until `done` resolves, printing (to stderr, apart from the
/// summary line) how many prompt jobs are left and the outbox by state: which side is behind.
async fn sample(db: &std::path::Path, due: DateTime<Utc>, every: Duration, double: &SlackDouble) {
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(db);
    eprintln!("  sampling {}", db.display());
    let pool = match sqlx::SqlitePool::connect_with(options).await {
        Ok(pool) => pool,
        Err(error) => {
            eprintln!("  cannot sample the database: {error}");
            return std::future::pending().await;
        }
    };
    sleep_until(due).await;
    loop {
        let jobs: Vec<(String, i64)> =
            sqlx::query_as("SELECT state, COUNT(*) FROM jobs WHERE kind = 'standup_prompt' GROUP BY state")
                .fetch_all(&pool)
                .await
                .unwrap_or_default();
        let outbox: Vec<(String, i64)> = sqlx::query_as("SELECT state, COUNT(*) FROM outbox GROUP BY state")
            .fetch_all(&pool)
            .await
            .unwrap_or_default();
        eprintln!("  t={:6.1}s jobs {jobs:?} outbox {outbox:?} prompted {}", since(due), double.posted().len());
        tokio::time::sleep(every).await;
    }
}

/// Keeps a benchmark's serve log under target/tmp, and says where.
fn keep_log(name: &str, logs: &str) {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}.log"));
    std::fs::write(&path, logs).unwrap();
    eprintln!("  serve log: {}", path.display());
}

/// Seconds from `due` to now (negative before it).
fn since(due: DateTime<Utc>) -> f64 {
    (Utc::now() - due).as_seconds_f64()
}

async fn sleep_until(at: DateTime<Utc>) {
    if let Ok(wait) = (at - Utc::now()).to_std() {
        tokio::time::sleep(wait).await;
    }
}

/// Seeds a standup of `members` members (U00000…, all known to the double) whose prompts fall
/// due at the returned instant: a whole minute at least [`LEAD`] after seeding ends, late
/// morning in the members' zone.
async fn seed(double: &SlackDouble, db: &std::path::Path, members: usize) -> DateTime<Utc> {
    let now = Utc::now();
    let offset = (-8..=14).find(|h| (11..13).contains(&(now + chrono::Duration::hours(*h)).hour())).unwrap();
    let zone = etc_zone(offset);
    let users: Vec<String> = (0..members).map(|n| format!("U{n:05}")).collect();
    for user in &users {
        double.add_user(user, user, &zone);
    }
    slack::install_crypto_provider();
    let mut settings = Settings::defaults();
    settings.slack.api_url = double.api_url.clone();
    settings.workspace.days = Weekdays::ALL;
    let store = Arc::new(SqliteStore::open(&format!("sqlite://{}", db.display())).await.unwrap());
    let clock = Arc::new(ManualClock::new(now - chrono::Duration::minutes(10)));
    let client = slack::client(&double.api_url).unwrap();
    let platform = SlackPlatform::new(client, &SecretString::from(BOT_TOKEN));
    let bot = Bot::new(store, clock, Arc::new(platform), Arc::new(settings));
    let workspace_id = bot.workspace_id("T1").await.unwrap();
    for user in &users {
        // First sight through the platform, as a member who has written to the bot: their zone.
        bot.member(workspace_id, "T1", user).await.unwrap();
    }
    let seeded = Utc::now() + LEAD;
    let due = seeded.with_second(0).unwrap().with_nanosecond(0).unwrap() + chrono::Duration::minutes(1);
    let at = (due + chrono::Duration::hours(offset)).time();
    let spec = StandupSpec {
        name: "daily".into(),
        channel: "C1".into(),
        members: users,
        recurrence: Recurrence::weekly(at, Weekdays::ALL),
        questions: vec!["Done?".into(), "Next?".into()],
        blocker_question: None,
        digest_at: chrono::NaiveTime::from_hms_opt(23, 59, 0).unwrap(),
        digest_tz: Timezone::UTC,
        reminder: None,
        skipped_dates: vec![],
        digest_when_empty: Default::default(),
    };
    let started = Instant::now();
    seed_standup(&bot, workspace_id, &spec).await.unwrap();
    assert!(since(due) < -3.0, "seeding the standup took {:?}: past its due instant {due}", started.elapsed());
    due
}

/// What the double answered so far, read incrementally ([`SlackDouble::calls_after`]): copying
/// its whole call list, thousands of posts, every few milliseconds would load the machine more
/// than the bot does.
#[derive(Default)]
struct Watched {
    seen: usize,
    /// Members whose prompt the double accepted (the DM's user id).
    prompted: HashSet<String>,
    /// Posts answered 429.
    refused: usize,
    /// When each member's private reply arrived, and how (`chat.postEphemeral` or their
    /// `response_url`).
    replied: HashMap<String, (Instant, String)>,
}

impl Watched {
    fn update(&mut self, double: &SlackDouble) {
        let new = double.calls_after(self.seen);
        self.seen += new.len();
        let now = Instant::now();
        for call in new {
            let param = |name: &str| call.params.get(name).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
            match (call.method.as_str(), call.status) {
                ("chat.postMessage", 200) if param("channel").starts_with('U') => {
                    self.prompted.insert(param("channel"));
                }
                ("chat.postMessage", 429) => self.refused += 1,
                ("chat.postEphemeral", 200) => {
                    self.replied.entry(param("user")).or_insert((now, call.method.clone()));
                }
                ("response_url", 200) => {
                    // The URL's secret names the member (see `type_command`).
                    let user = call.path.rsplit_once(REPLY_SECRET).map(|(_, user)| user.to_owned());
                    self.replied.entry(user.unwrap_or_default()).or_insert((now, call.method.clone()));
                }
                _ => {}
            }
        }
    }
}

/// The `response_url` secrets of the benchmark's commands: this, then the member's id.
const REPLY_SECRET: &str = "BENCHREPLY";

/// Types `/async help` as `user` in C1 with a `response_url` of the double's; returns how long
/// the ack took, and how long until the double had the reply and by which way (None: no reply
/// within 30 s).
async fn type_command(
    served: &Served,
    double: &SlackDouble,
    watched: &Mutex<Watched>,
    user: &str,
) -> (f64, Option<(f64, String)>) {
    let body = serde_urlencoded::to_string([
        ("token", "x"),
        ("team_id", "T1"),
        ("team_domain", "d"),
        ("channel_id", "C1"),
        ("channel_name", "general"),
        ("user_id", user),
        ("user_name", user),
        ("command", "/async"),
        ("text", "help"),
        ("response_url", &double.response_url(&format!("{REPLY_SECRET}{user}"))),
        ("trigger_id", &format!("9.9.{user}")),
    ])
    .unwrap();
    let sent = Instant::now();
    let status = served.post_signed("/slack/commands", &body, SIGNING_SECRET, Utc::now().timestamp(), &[]).await;
    let acked = sent.elapsed().as_secs_f64();
    assert_eq!(status, 200, "{user}'s command acked");
    while sent.elapsed() < Duration::from_secs(30) {
        if let Some((at, way)) = watched.lock().unwrap().replied.get(user) {
            return (acked, Some((at.duration_since(sent).as_secs_f64(), way.clone())));
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    (acked, None)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: 10,000 prompts at 100 posts/s take about 100 s"]
async fn bench_fanout_of_ten_thousand_prompts_at_a_hundred_posts_a_second() {
    let double = SlackDouble::start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let seeding = Instant::now();
    // BENCH_FANOUT_MEMBERS: a smaller fan-out, for looking into a slow one quickly.
    let members = std::env::var("BENCH_FANOUT_MEMBERS").ok().and_then(|n| n.parse().ok()).unwrap_or(FANOUT);
    let due = seed(&double, &db, members).await;
    let seeded_in = seeding.elapsed();
    // Slack as the issue describes it: every answer after 50 ms, 100 posts/s, 429 beyond.
    double.answer_after(Duration::from_millis(50));
    double.limit_posts_per_second(POSTS_PER_SECOND);
    let watched = Mutex::new(Watched { seen: double.calls().len(), ..Watched::default() });
    let mut command = for_serve(&double, &db);
    let concurrency = std::env::var("BENCH_DELIVERY_CONCURRENCY").ok();
    command
        .env("UNHURRIED_DELIVERY__SLACK_POSTS_PER_SECOND", POSTS_PER_SECOND.to_string())
        .env("RUST_LOG", std::env::var("BENCH_RUST_LOG").unwrap_or_else(|_| "info".to_owned()));
    if let Some(concurrency) = &concurrency {
        command.env("UNHURRIED_DELIVERY__CONCURRENCY", concurrency);
    }
    let served = Served::start(command).await;
    let started_before_due = -since(due);

    let commands_done = std::sync::atomic::AtomicBool::new(false);
    let progress = async {
        let mut finished = None;
        loop {
            let prompted = {
                let mut watched = watched.lock().unwrap();
                watched.update(&double);
                watched.prompted.len()
            };
            if prompted >= members && finished.is_none() {
                finished = Some(since(due));
            }
            let done = commands_done.load(std::sync::atomic::Ordering::SeqCst);
            if (finished.is_some() && done) || since(due) > 400.0 {
                return finished;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };
    let commands = async {
        let mut answered = Vec::new();
        for n in 0..COMMANDS {
            sleep_until(due + chrono::Duration::from_std(Duration::from_secs(10) + COMMAND_EVERY * n as u32).unwrap())
                .await;
            let at = since(due);
            let (acked, reply) = type_command(&served, &double, &watched, &format!("U{:05}", n * 7)).await;
            answered.push((at, acked, reply));
        }
        commands_done.store(true, std::sync::atomic::Ordering::SeqCst);
        answered
    };
    let (finished, answered) = tokio::select! {
        both = async { tokio::join!(progress, commands) } => both,
        () = sample(&db, due, Duration::from_secs(10), &double) => unreachable!("sampling never ends"),
    };
    let logs = served.stop().await;
    keep_log("bench_fanout", &logs);
    let (lost, duplicated) = lost_and_duplicated(&double, members);
    let refused = watched.lock().unwrap().refused;
    let warnings = logs.lines().filter(|l| l.contains("WARN") || l.contains("ERROR")).count();
    let commands: Vec<String> = answered
        .iter()
        .map(|(at, acked, reply)| match reply {
            Some((reply, way)) => format!("{reply:.3}s@{at:.0}s(ack {acked:.3}s, {way})"),
            None => format!("none@{at:.0}s"),
        })
        .collect();
    let finished_text = finished.map_or_else(|| "never".to_owned(), |s| format!("{s:.1}s"));
    println!(
        "bench_fanout: members={members} posts_per_second={POSTS_PER_SECOND} latency=50ms concurrency={} \
         last_prompt_after_due={finished_text} (bound 100 s, goal <= 105 s) lost={lost} duplicated={duplicated} \
         429s={refused} command_replies=[{}] (goal < 1 s) warn_or_error_lines={warnings} \
         started_before_due={started_before_due:.1}s seeded_in={:.0}s",
        concurrency.as_deref().unwrap_or("default"),
        commands.join(" "),
        seeded_in.as_secs_f64(),
    );
    assert_eq!((lost, duplicated), (0, 0), "every member exactly one prompt; logs:\n{}", tail(&logs));
    assert!(answered.iter().all(|(_, _, reply)| reply.is_some()), "every command answered: {commands:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: a 300-prompt fan-out at the default pacing, killed ten times, takes about a minute"]
async fn bench_fanout_killed_ten_times_prompts_every_member_exactly_once() {
    let double = SlackDouble::start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let due = seed(&double, &db, CRASH_FANOUT).await;
    double.answer_after(Duration::from_millis(50));
    double.limit_posts_per_second(POSTS_PER_SECOND);
    // The default pacing (`delivery.slack_posts_per_second`), as an operator runs it, unless
    // BENCH_KILL_POSTS_PER_SECOND asks for another (kills then come closer together).
    let pacing = std::env::var("BENCH_KILL_POSTS_PER_SECOND").ok();
    let command = || {
        let mut command = for_serve(&double, &db);
        command.env("RUST_LOG", "info");
        if let Some(pacing) = &pacing {
            command.env("UNHURRIED_DELIVERY__SLACK_POSTS_PER_SECOND", pacing);
        }
        command
    };
    let delivered = || prompts_per_member(&double).values().sum::<usize>();
    let mut served = Served::start(command()).await;
    sleep_until(due).await;
    let mut kills = Vec::new();
    let mut logs = String::new();
    for kill in 0..KILLS {
        // Some posts are kept by Slack but their answer never arrives intact.
        double.fail_after_recording("chat.postMessage", 1, Fault::Status500);
        double.fail_after_recording("chat.postMessage", 1, Fault::DropConnection);
        // Let it get some way into the fan-out (a different way each time), then kill -9.
        let target = (delivered() + 12 + 4 * (kill % 3)).min(CRASH_FANOUT);
        let waiting = Instant::now();
        while delivered() < target && waiting.elapsed() < Duration::from_secs(60) {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        kills.push((since(due), delivered()));
        // `Child::kill` is SIGKILL: no shutdown path runs, as with kill -9. Restarted at once.
        logs.push_str(&served.stop().await);
        served = Served::start(command()).await;
    }
    let mut finished = None;
    while since(due) < 180.0 {
        if prompts_per_member(&double).len() >= CRASH_FANOUT {
            finished = Some(since(due));
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    logs.push_str(&served.stop().await);
    keep_log("bench_fanout_killed", &logs);
    let reconciled = double.calls().iter().filter(|c| c.method == "conversations.history").count();
    let (lost, duplicated) = lost_and_duplicated(&double, CRASH_FANOUT);
    let killed: Vec<String> = kills.iter().map(|(at, n)| format!("{at:.1}s/{n}")).collect();
    let finished_text = finished.map_or_else(|| "never".to_owned(), |s| format!("{s:.1}s"));
    let last_kill = kills.last().map_or(0.0, |(at, _)| *at);
    println!(
        "bench_fanout_killed: members={CRASH_FANOUT} kills={KILLS} posts_per_second={} latency=50ms \
         faults=500+drop-after-keeping x{KILLS} last_prompt_after_due={finished_text} (goal <= 60 s) \
         last_kill_after_due={last_kill:.1}s lost={lost} duplicated={duplicated} \
         history_lookups={reconciled} kills_at(s/prompts)=[{}]",
        pacing.as_deref().unwrap_or("default(10)"),
        killed.join(" ")
    );
    assert_eq!((lost, duplicated), (0, 0), "every member exactly one prompt; logs:\n{}", tail(&logs));
    assert!(kills.iter().all(|(_, n)| *n < CRASH_FANOUT), "every kill landed mid-fan-out: {killed:?}");
}

/// The last lines of a log, for a failure message.
fn tail(logs: &str) -> String {
    let lines: Vec<&str> = logs.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}
