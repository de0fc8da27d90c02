//! Several `serve` processes (the real binary) on one PostgreSQL database against the Slack
//! double, sharing a standup fan-out with no leader: every member is prompted exactly once while
//! one replica is killed with SIGKILL (kill -9) mid-way, and its claimed work is done by the others
//! within the lease.

use std::time::{Duration, Instant};

use unhurried::adapters::postgres::testing::fresh_schema_url;

use crate::kill9::{prompts_per_member, seed};
use crate::slack_cli::{Served, for_serve};
use crate::slack_double::SlackDouble;

/// The database lease the replicas run with: a dead replica's claims lapse after this.
const LEASE_SECS: u64 = 3;

/// Starts `count` replicas of `serve` on the database at `url`.
async fn replicas(double: &SlackDouble, url: &str, count: usize) -> Vec<Served> {
    paced_replicas(double, url, count, 200).await
}

/// Starts `count` replicas pacing Slack posts to `posts_per_second` (together).
async fn paced_replicas(double: &SlackDouble, url: &str, count: usize, posts_per_second: u32) -> Vec<Served> {
    let mut started = Vec::new();
    for _ in 0..count {
        let mut command = for_serve(double, std::path::Path::new("not-used.db"));
        command
            .env("UNHURRIED_DATABASE__URL", url)
            .env("UNHURRIED_DATABASE__LEASE", format!("{LEASE_SECS}s"))
            .env("UNHURRIED_DATABASE__HEARTBEAT", "1s")
            .env("UNHURRIED_DELIVERY__SLACK_POSTS_PER_SECOND", posts_per_second.to_string())
            .env("RUST_LOG", "info");
        started.push(Served::start(command).await);
    }
    started
}

/// Waits until the double holds `count` prompts in all, or `limit` passes.
async fn wait_for_prompts(double: &SlackDouble, count: usize, limit: Duration) {
    let started = Instant::now();
    while prompts_per_member(double).values().sum::<usize>() < count && started.elapsed() < limit {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn fan_out_with_a_replica_killed(count: usize, members: usize) {
    let double = SlackDouble::start().await;
    let url = fresh_schema_url().await.unwrap();
    seed(&double, &url, members).await;
    let mut running = replicas(&double, &url, count).await;
    // Some way into the fan-out, one replica dies without any shutdown path running.
    wait_for_prompts(&double, members / 4, Duration::from_secs(60)).await;
    let killed = running.remove(0);
    let killed_logs = killed.stop().await;
    let killed_at = Instant::now();
    let prompted_at_kill = prompts_per_member(&double).values().sum::<usize>();
    wait_for_prompts(&double, members, Duration::from_secs(60)).await;
    let finished_after = killed_at.elapsed();
    // Nothing more comes later either (a lapsed claim taken twice would show here).
    tokio::time::sleep(Duration::from_secs(LEASE_SECS + 1)).await;
    let mut logs = String::new();
    for replica in running {
        logs.push_str(&replica.stop().await);
    }
    let counts = prompts_per_member(&double);
    let repeated: Vec<_> = counts.iter().filter(|(_, n)| **n != 1).collect();
    assert_eq!(counts.len(), members, "prompted {} of {members} (killed at {prompted_at_kill}):\n{logs}", counts.len());
    assert!(repeated.is_empty(), "prompted more than once: {repeated:?}\n{logs}\n-- killed:\n{killed_logs}");
    assert!(prompted_at_kill < members, "the kill landed mid-fan-out ({prompted_at_kill} of {members})");
    eprintln!(
        "{count} replicas, {members} prompts: killed one at {prompted_at_kill}; the rest were out {:.1} s later",
        finished_after.as_secs_f64()
    );
}

/// `delivery.slack_posts_per_second` is the workspace's rate for all replicas together: they take
/// post slots from the database, so two replicas against a workspace that allows 20 posts a
/// second (429 beyond) are never told to slow down, and every member is prompted once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_share_the_slack_post_rate_instead_of_doubling_it() {
    const RATE: u32 = 20;
    const MEMBERS: usize = 80;
    let double = SlackDouble::start().await;
    double.limit_posts_per_second(RATE);
    let url = fresh_schema_url().await.unwrap();
    seed(&double, &url, MEMBERS).await;
    let running = paced_replicas(&double, &url, 2, RATE).await;
    wait_for_prompts(&double, MEMBERS, Duration::from_secs(60)).await;
    let mut logs = String::new();
    for replica in running {
        logs.push_str(&replica.stop().await);
    }
    let counts = prompts_per_member(&double);
    assert_eq!(counts.len(), MEMBERS, "prompted {} of {MEMBERS}:\n{logs}", counts.len());
    assert!(counts.values().all(|n| *n == 1), "prompted more than once: {counts:?}");
    let limited = double.calls().iter().filter(|c| c.status == 429).count();
    assert_eq!(limited, 0, "429s from the workspace: the replicas posted faster than {RATE}/s together\n{logs}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_prompt_every_member_once_while_one_is_killed() {
    fan_out_with_a_replica_killed(2, 300).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_replicas_prompt_every_member_once_while_one_is_killed() {
    fan_out_with_a_replica_killed(3, 300).await;
}

/// Members of the benchmark fan-out.
const BENCH_FANOUT: usize = 10_000;

/// The jobs a replica (by its process id, part of every worker id it uses) holds claimed now.
async fn claimed_by_process(pool: &sqlx::PgPool, pid: u32) -> Vec<String> {
    sqlx::query_scalar("SELECT key FROM jobs WHERE state = 'claimed' AND claimed_by LIKE $1")
        .bind(format!("%-pid{pid}-%"))
        .fetch_all(pool)
        .await
        .unwrap()
}

/// How many of `keys` are finished (done or missed).
async fn finished(pool: &sqlx::PgPool, keys: &[String]) -> usize {
    let count: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE key = ANY($1) AND state IN ('done', 'missed')")
            .bind(keys)
            .fetch_one(pool)
            .await
            .unwrap();
    count as usize
}

/// Issue 10's "Done when": a 10,000-prompt fan-out against the Slack double with 1, 2 and 3
/// replicas of the real binary on one PostgreSQL database (posts paced at 2,000/s per process,
/// so the store and the engine set the pace, not the pacing), then 3 replicas with one killed by
/// SIGKILL a quarter of the way: prompts per second, lost, duplicated, and how long after the
/// kill the jobs the dead replica had claimed were done by the others. One summary line each;
/// figures in docs/performance.md. Run with
/// `cargo test --release --locked --test it bench_replicas -- --ignored --nocapture`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: four 10,000-prompt fan-outs take several minutes"]
async fn bench_replicas_fan_out_ten_thousand_prompts_with_one_two_and_three_processes() {
    for (count, kill) in [(1, false), (2, false), (3, false), (3, true)] {
        let double = SlackDouble::start().await;
        let url = fresh_schema_url().await.unwrap();
        seed(&double, &url, BENCH_FANOUT).await;
        let pool = sqlx::PgPool::connect(&url).await.unwrap();
        let mut running = Vec::new();
        for _ in 0..count {
            let mut command = for_serve(&double, std::path::Path::new("not-used.db"));
            command
                .env("UNHURRIED_DATABASE__URL", &url)
                .env("UNHURRIED_DATABASE__LEASE", format!("{LEASE_SECS}s"))
                .env("UNHURRIED_DATABASE__HEARTBEAT", "1s")
                .env("UNHURRIED_DELIVERY__SLACK_POSTS_PER_SECOND", "2000")
                .env("RUST_LOG", "warn");
            running.push(Served::start(command).await);
        }
        let started = Instant::now();
        let mut takeover = None;
        if kill {
            wait_for_prompts(&double, BENCH_FANOUT / 4, Duration::from_secs(600)).await;
            let victim = running.remove(0);
            let pid = victim.child.id().unwrap();
            let held = claimed_by_process(&pool, pid).await;
            victim.stop().await;
            let killed_at = Instant::now();
            while finished(&pool, &held).await < held.len() && killed_at.elapsed() < Duration::from_secs(120) {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            takeover = Some((held.len(), killed_at.elapsed().as_secs_f64()));
        }
        wait_for_prompts(&double, BENCH_FANOUT, Duration::from_secs(900)).await;
        let elapsed = started.elapsed().as_secs_f64();
        tokio::time::sleep(Duration::from_secs(LEASE_SECS + 1)).await;
        for replica in running {
            replica.stop().await;
        }
        let counts = prompts_per_member(&double);
        let lost = BENCH_FANOUT - counts.len();
        let duplicated = counts.values().filter(|n| **n > 1).count();
        let kill_note = match takeover {
            Some((held, seconds)) => {
                format!(", one killed at 25%: its {held} claimed jobs done {seconds:.1} s after the kill")
            }
            None => String::new(),
        };
        println!(
            "BENCH replicas={count}: {BENCH_FANOUT} prompts in {elapsed:.1} s = {:.0} prompts/s, lost {lost}, duplicated {duplicated}{kill_note}",
            BENCH_FANOUT as f64 / elapsed
        );
        assert_eq!((lost, duplicated), (0, 0));
    }
}
