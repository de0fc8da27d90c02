//! Discord gateway shards assigned through the database, with the real binary against the
//! Discord double (whose gateway honours IDENTIFY's `shard` and sends a guild's events on the
//! session of `(guild_id >> 22) % shards`): two `serve` replicas on one PostgreSQL database split
//! two shards; one is killed with SIGKILL and the survivor opens its shard within a lease, and a
//! ping in a guild of that shard is nudged exactly once; a clean stop releases the leases. On
//! SQLite the one process opens every shard (here Discord's recommendation, `GET /gateway/bot`).
//!
//! Waits poll with a deadline; no sleep is an assertion.

use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use unhurried::adapters::postgres::testing::fresh_schema_url;

use crate::discord_double::{DiscordDouble, GUILD, shard_of};
use crate::discord_gateway::CHANNEL;
use crate::slack_cli::Served;
use crate::slack_support::request;

/// The database lease the replicas run with (heartbeat 1 s).
const LEASE_SECS: u64 = 3;
/// A guild on shard 1 of 2 (`GUILD`, 300, is on shard 0), and a channel in it.
const SHARD1_GUILD: &str = "4194604";
const SHARD1_CHANNEL: &str = "401";

/// `unhurried serve` with only Discord, on `database_url`.
fn discord_serve(double: &DiscordDouble, database_url: &str) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_unhurried"));
    command
        .env_clear()
        .env("DISCORD_TOKEN", "sentinel-discord-token")
        .env("UNHURRIED_DISCORD__API_URL", &double.rest_url)
        .env("UNHURRIED_DATABASE__URL", database_url)
        .env("UNHURRIED_DATABASE__LEASE", format!("{LEASE_SECS}s"))
        .env("UNHURRIED_DATABASE__HEARTBEAT", "1s")
        .env("UNHURRIED_NUDGE__GRACE", "0s")
        .env("UNHURRIED_SCHEDULER__TICK", "1s")
        .env("UNHURRIED_WORKSPACE__DAYS", "daily")
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    command
}

/// A ping (`hi <@222>`) by `author` in `guild`'s `channel` (one sender is nudged once per
/// `nudge.cooldown`, so each ping here has a sender of its own).
fn ping(id: &str, guild: &str, channel: &str, author: &str) -> Value {
    json!({
        "id": id, "channel_id": channel, "guild_id": guild, "content": "hi <@222>",
        "author": {"id": author, "username": format!("user{author}"), "discriminator": "0", "avatar": null},
        "timestamp": "2026-03-30T08:00:00.000000+00:00", "edited_timestamp": null, "tts": false,
        "mention_everyone": false, "mentions": [], "mention_roles": [], "attachments": [], "embeds": [],
        "pinned": false, "type": 0
    })
}

/// The guild and channel of each shard of 2.
fn place(shard: u64) -> (&'static str, &'static str) {
    if shard == 0 { (GUILD, CHANNEL) } else { (SHARD1_GUILD, SHARD1_CHANNEL) }
}

/// Polls `done` every 20 ms until it holds; panics with `what` after `limit`.
async fn poll(what: &str, limit: Duration, mut done: impl AsyncFnMut() -> bool) {
    let started = Instant::now();
    while !done().await {
        assert!(started.elapsed() < limit, "timed out after {limit:?} waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// How many threads the bot started on message `id` in `channel` (one per nudge).
fn nudges_on(double: &DiscordDouble, channel: &str, id: &str) -> usize {
    double.matching("POST", |p| p == format!("/channels/{channel}/messages/{id}/threads")).len()
}

/// Dispatches `event` on the session of its guild's shard, waiting for that session.
async fn dispatch_in_guild(double: &DiscordDouble, event: Value) {
    poll("a session of the guild's shard", Duration::from_secs(30), async || {
        double.dispatch_in_guild("MESSAGE_CREATE", event.clone())
    })
    .await;
}

/// The shards a replica (by its process id, part of its worker id) holds in the database now.
async fn held_by(pool: &sqlx::PgPool, pid: u32) -> Vec<i64> {
    sqlx::query_scalar("SELECT shard FROM gateway_shards WHERE held_by LIKE $1 ORDER BY shard")
        .bind(format!("%-pid{pid}-%"))
        .fetch_all(pool)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_split_two_shards_and_the_survivor_takes_over_a_killed_ones_shard() {
    let double = DiscordDouble::start().await;
    double.add_guild(SHARD1_GUILD, "Other");
    assert_eq!((shard_of(GUILD.parse().unwrap(), 2), shard_of(SHARD1_GUILD.parse().unwrap(), 2)), (0, 1));
    let url = fresh_schema_url().await.unwrap();
    let pool = sqlx::PgPool::connect(&url).await.unwrap();
    let start = |double: &DiscordDouble| {
        let mut command = discord_serve(double, &url);
        command.env("UNHURRIED_DISCORD__SHARDS", "2");
        command
    };
    let first = Served::start(start(&double)).await;
    let second = Served::start(start(&double)).await;
    let pids = [first.child.id().unwrap(), second.child.id().unwrap()];

    // Each replica settles on one shard (the first may take both, then hand one over when it
    // sees the second), and a session of each shard is open.
    poll("each replica holding one shard, both sessions open", Duration::from_secs(60), async || {
        held_by(&pool, pids[0]).await.len() == 1
            && held_by(&pool, pids[1]).await.len() == 1
            && double.open_shards() == [0, 1]
    })
    .await;
    let identified = double.identified_shards();
    assert!(identified.contains(&[0, 2]) && identified.contains(&[1, 2]), "{identified:?}");
    assert!(identified.iter().all(|[_, total]| *total == 2), "{identified:?}");

    // A ping in a guild of each shard reaches the replica holding it: one nudge each.
    for shard in 0..2 {
        let (guild, channel) = place(shard);
        dispatch_in_guild(&double, ping(&format!("700{shard}"), guild, channel, &format!("11{shard}"))).await;
    }
    for shard in 0..2 {
        let (_, channel) = place(shard);
        let id = format!("700{shard}");
        poll("a nudge on each shard's ping", Duration::from_secs(30), async || nudges_on(&double, channel, &id) == 1)
            .await;
    }

    // The first replica dies without any shutdown path running.
    let victim_shard = held_by(&pool, pids[0]).await[0] as u64;
    let identifies_before = double.identified_shards().iter().filter(|s| s[0] == victim_shard).count();
    let killed_logs = first.stop().await;
    let killed_at = Instant::now();
    poll("the survivor identifying the dead replica's shard", Duration::from_secs(30), async || {
        double.identified_shards().iter().filter(|s| s[0] == victim_shard).count() > identifies_before
            && double.open_shards() == [0, 1]
    })
    .await;
    let takeover = killed_at.elapsed();
    assert_eq!(held_by(&pool, pids[1]).await, vec![0, 1], "the survivor holds both shards");

    // A ping in a guild of the taken-over shard is handled, once.
    let (guild, channel) = place(victim_shard);
    dispatch_in_guild(&double, ping("7100", guild, channel, "120")).await;
    poll("the nudge on the taken-over shard", Duration::from_secs(30), async || {
        nudges_on(&double, channel, "7100") == 1
    })
    .await;
    // Nothing more comes later either.
    tokio::time::sleep(Duration::from_secs(LEASE_SECS + 1)).await;
    let logs = second.stop().await;
    assert_eq!(nudges_on(&double, channel, "7100"), 1, "{logs}\n-- killed:\n{killed_logs}");
    for shard in 0..2 {
        assert_eq!(double.most_open_sessions(shard), 1, "two sessions of shard {shard} at once:\n{logs}");
    }
    eprintln!(
        "the survivor identified shard {victim_shard} {:.1} s after the kill (lease {LEASE_SECS} s, heartbeat 1 s)",
        takeover.as_secs_f64()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clean_stop_releases_the_shards_for_the_next_replica_at_once() {
    let double = DiscordDouble::start().await;
    let url = fresh_schema_url().await.unwrap();
    let pool = sqlx::PgPool::connect(&url).await.unwrap();
    let mut command = discord_serve(&double, &url);
    // A long lease: only the release, not a lapse, can free the shards in time.
    command.env("UNHURRIED_DISCORD__SHARDS", "2").env("UNHURRIED_DATABASE__LEASE", "600s");
    let served = Served::start(command).await;
    let pid = served.child.id().unwrap();
    poll("both shards held and open", Duration::from_secs(60), async || {
        held_by(&pool, pid).await == [0, 1] && double.open_shards() == [0, 1]
    })
    .await;
    let status = std::process::Command::new("kill").args(["-TERM", &pid.to_string()]).status().unwrap();
    assert!(status.success());
    poll("the leases released", Duration::from_secs(30), async || {
        let held: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM gateway_shards WHERE held_by IS NOT NULL")
            .fetch_one(&pool)
            .await
            .unwrap();
        let workers: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM gateway_workers").fetch_one(&pool).await.unwrap();
        held == 0 && workers == 0
    })
    .await;
    poll("both sessions closed", Duration::from_secs(30), async || double.open_shards().is_empty()).await;
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite_one_process_opens_every_shard_discord_recommends() {
    let double = DiscordDouble::start().await;
    double.add_guild(SHARD1_GUILD, "Other");
    double.recommend_shards(2);
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("db").display());
    let served = Served::start(discord_serve(&double, &url)).await;
    poll("both shards open", Duration::from_secs(60), async || double.open_shards() == [0, 1]).await;
    let mut identified = double.identified_shards();
    identified.sort_unstable();
    assert_eq!(identified, vec![[0, 2], [1, 2]], "one session per shard, once each");
    assert!(!double.matching("GET", |p| p == "/gateway/bot").is_empty(), "the count came from Discord");
    poll("/readyz once every shard is connected", Duration::from_secs(30), async || {
        request(served.addr, "GET", "/readyz", "", &[]).await.0 == 200
    })
    .await;
    for shard in 0..2 {
        let (guild, channel) = place(shard);
        dispatch_in_guild(&double, ping(&format!("800{shard}"), guild, channel, &format!("13{shard}"))).await;
    }
    for shard in 0..2 {
        let (_, channel) = place(shard);
        let id = format!("800{shard}");
        poll("a nudge on each shard's ping", Duration::from_secs(30), async || nudges_on(&double, channel, &id) == 1)
            .await;
    }
    let logs = served.stop().await;
    assert_eq!(double.identified_shards().len(), 2, "no session was opened twice:\n{logs}");
}
