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
    let mut started = Vec::new();
    for _ in 0..count {
        let mut command = for_serve(double, std::path::Path::new("not-used.db"));
        command
            .env("UNHURRIED_DATABASE__URL", url)
            .env("UNHURRIED_DATABASE__LEASE", format!("{LEASE_SECS}s"))
            .env("UNHURRIED_DATABASE__HEARTBEAT", "1s")
            .env("UNHURRIED_DELIVERY__SLACK_POSTS_PER_SECOND", "200")
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_prompt_every_member_once_while_one_is_killed() {
    fan_out_with_a_replica_killed(2, 300).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_replicas_prompt_every_member_once_while_one_is_killed() {
    fan_out_with_a_replica_killed(3, 300).await;
}
