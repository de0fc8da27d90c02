//! The consumer's own rate: how many recorded inbox events per second `Bot::handle_pending`
//! decides, on a real SQLite file (WAL, as `serve` opens it), the simulated platform and the
//! channel traffic of `support/corpus.rs` (one message in five a sync ping, which records a nudge
//! and its grace job; mentions of members who are off hours queue a notice). Each event is one
//! unit of work: the features' writes, queued messages and the row's `handled` mark commit
//! together. Delivery is not part of it (the workers send apart from the consumer).
//!
//! Prints one summary line: events per second of wall time and per second of the process's CPU
//! time (which other load on the machine does not inflate). Run: `cargo bench --bench consumer` (or through
//! `scripts/bench_ingest.sh`, pinned to one core like the server).
//! Options: `--events N` per round (default 20000), `--rounds N` (default 3).

#[path = "support/corpus.rs"]
mod corpus;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use unhurried::adapters::clock::ManualClock;
use unhurried::adapters::simulated::SimulatedPlatform;
use unhurried::adapters::sqlite::SqliteStore;
use unhurried::bot::Bot;
use unhurried::config::Settings;
use unhurried::domain::events::{ChatMessage, InboundEvent};
use unhurried::domain::platform::Platform;
use unhurried::ports::{InboxStore as _, Profile};

/// A Tuesday morning in Europe: Berlin members are working, west-coast ones are not.
const START: &str = "2025-06-03T08:30:00Z";
/// Deliveries per inbox write, as the group commit takes a burst.
const BATCH: usize = 2048;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|arg| arg != "--bench").collect();
    let option = |name: &str, default: usize| {
        args.iter()
            .position(|arg| arg == name)
            .and_then(|at| args.get(at + 1))
            .map_or(default, |value| value.parse().unwrap_or_else(|_| panic!("{name}: {value:?} is not a number")))
    };
    let (events, rounds) = (option("--events", 20_000), option("--rounds", 3));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
    println!("{}", runtime.block_on(measure(events, rounds)));
}

async fn measure(events: usize, rounds: usize) -> String {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let store = Arc::new(SqliteStore::open(&url).await.expect("the store"));
    let clock = Arc::new(ManualClock::new(START.parse().expect("an instant")));
    let profiles: HashMap<String, Profile> = (0..corpus::MEMBERS)
        .map(corpus::user_id)
        .map(|user| {
            let profile = Profile {
                name: user.clone(),
                tz: Some(corpus::timezone_of(&user).to_owned()),
                is_admin: false,
                is_bot: false,
            };
            (user, profile)
        })
        .collect();
    let chat = Arc::new(SimulatedPlatform::new(Platform::Slack, clock.clone(), profiles));
    let bot = Bot::new(store.clone(), clock, chat, Arc::new(Settings::defaults()));
    bot.start().await.expect("the bot starts");

    // Every member and channel seen once first: their creation (a profile lookup, a scheduled
    // brief) happens once in a workspace's life, not per message.
    let mut next = 0u64;
    let warmup = (corpus::MEMBERS * 10) as u64;
    record(&bot, &mut next, warmup).await;
    bot.handle_pending().await.expect("the warm-up events are handled");

    let mut rates = Vec::with_capacity(rounds);
    let mut per_cpu = Vec::with_capacity(rounds);
    let mut pings = 0;
    for _ in 0..rounds {
        pings += record(&bot, &mut next, events as u64).await;
        let (started, cpu_before) = (Instant::now(), cpu_seconds());
        let handled = bot.handle_pending().await.expect("every event is handled");
        let (elapsed, cpu) = (started.elapsed().as_secs_f64(), cpu_seconds() - cpu_before);
        assert_eq!(handled, events, "every recorded event is handled once");
        rates.push(handled as f64 / elapsed);
        per_cpu.push(handled as f64 / cpu);
    }
    let (backlog, _) = store.inbox_backlog().await.expect("the backlog");
    assert_eq!(backlog, 0, "nothing is left pending");
    let each: Vec<String> = rates.iter().map(|rate| format!("{rate:.0}")).collect();
    format!(
        "consumer events_per_round={events} rounds={rounds} pings={:.0}% handled_per_s={:.0} (median; rounds {}) \
         handled_per_cpu_s={:.0}",
        100.0 * pings as f64 / (events * rounds) as f64,
        median(&rates),
        each.join(", "),
        median(&per_cpu),
    )
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[sorted.len() / 2]
}

/// User plus system CPU time of this process (the runtime and SQLite's worker threads), in
/// seconds: what the events cost whatever else the machine was doing.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("/proc/self/stat");
    // Fields after the command name's closing parenthesis: utime is the 12th, stime the 13th.
    let fields: Vec<&str> = stat.rsplit_once(')').expect("a stat line").1.split_whitespace().collect();
    let ticks = fields[11].parse::<f64>().expect("utime") + fields[12].parse::<f64>().expect("stime");
    ticks / clock_ticks_per_second()
}

fn clock_ticks_per_second() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(100.0)
}

/// Records `count` channel messages in the inbox as intake would (group-commit batches);
/// returns how many of them are pings.
async fn record(bot: &Bot, next: &mut u64, count: u64) -> u64 {
    let mut pings = 0;
    let end = *next + count;
    while *next < end {
        let batch_end = (*next + BATCH as u64).min(end);
        let batch: Vec<InboundEvent> = (*next..batch_end)
            .map(|index| {
                let message = corpus::message(index, 1_748_939_400);
                pings += u64::from(message.ping);
                InboundEvent::Message(ChatMessage {
                    workspace: corpus::TEAM.to_owned(),
                    id: corpus::ts(1_748_939_400, index),
                    channel: message.channel,
                    user: message.user,
                    text: message.text,
                    thread: message.thread_ts,
                    is_dm: false,
                })
            })
            .collect();
        let fresh = bot.accept(batch).await.expect("the inbox records the batch");
        assert!(fresh.iter().all(|new| *new), "every message is new");
        *next = batch_end;
    }
    pings
}
