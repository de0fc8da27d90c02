//! The real binary against the Slack double, killed with SIGKILL (kill -9) again and again during a
//! standup fan-out and restarted each time at once, while the double also answers some posts with
//! a 500 or drops the connection *after* keeping the post: every member gets exactly one prompt,
//! and the last restart needs no lease to run out before the rest go out.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{Timelike as _, Utc};
use secrecy::SecretString;
use unhurried::adapters::clock::ManualClock;
use unhurried::adapters::database::Database;
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
use crate::slack_support::BOT_TOKEN;

/// Members of the fan-out.
const MEMBERS: usize = 300;
/// How many times the process is killed while it fans out.
const KILLS: usize = 6;

/// Prompts the double kept, per member's DM (whatever the client was answered): the only DMs
/// the bot sends in this test are the prompts.
pub(crate) fn prompts_per_member(double: &SlackDouble) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for post in double.posted() {
        if post.channel.starts_with('D') {
            *counts.entry(post.channel).or_insert(0) += 1;
        }
    }
    counts
}

/// Seeds a standup of `members` members whose prompt is due now, as an admin would have set it
/// up ten minutes before the process started, in the database at `url` (SQLite or PostgreSQL).
pub(crate) async fn seed(double: &SlackDouble, url: &str, members: usize) {
    let now = Utc::now();
    let offset = (-8..=14).find(|h| (11..14).contains(&(now + chrono::Duration::hours(*h)).hour())).unwrap();
    let zone = etc_zone(offset);
    let at = (now + chrono::Duration::hours(offset)).time().with_second(0).unwrap().with_nanosecond(0).unwrap();
    let users: Vec<String> = (0..members).map(|n| format!("U{n:05}")).collect();
    for user in &users {
        double.add_user(user, user, &zone);
    }
    slack::install_crypto_provider();
    let mut settings = Settings::defaults();
    settings.slack.api_url = double.api_url.clone();
    settings.workspace.days = Weekdays::ALL;
    settings.database.url = url.to_owned();
    let store = Database::open(&settings.database).await.unwrap().store();
    let clock = Arc::new(ManualClock::new(now - chrono::Duration::minutes(10)));
    let client = slack::client(&double.api_url).unwrap();
    let platform = SlackPlatform::new(client, &SecretString::from(BOT_TOKEN));
    let bot = Bot::new(store, clock, Arc::new(platform), Arc::new(settings));
    let workspace_id = bot.workspace_id("T1").await.unwrap();
    for user in &users {
        // First sight through the platform, as a member who has written to the bot: their zone.
        bot.member(workspace_id, "T1", user).await.unwrap();
    }
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
    seed_standup(&bot, workspace_id, &spec).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_during_a_fan_out_again_and_again_prompts_every_member_exactly_once() {
    let double = SlackDouble::start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    seed(&double, &format!("sqlite://{}", db.display()), MEMBERS).await;
    let command = || {
        let mut command = for_serve(&double, &db);
        // Fast enough that a few hundred prompts take a few seconds; the lease stays the default
        // five minutes, so only the release at start can make a restart quick.
        command.env("UNHURRIED_DELIVERY__SLACK_POSTS_PER_SECOND", "300").env("RUST_LOG", "info");
        command
    };
    let mut killed_at = Vec::new();
    for kill in 0..KILLS {
        // Some posts are kept by Slack but their answer never arrives intact.
        double.fail_after_recording("chat.postMessage", 2, Fault::Status500);
        double.fail_after_recording("chat.postMessage", 2, Fault::DropConnection);
        let served = Served::start(command()).await;
        // Let it get some way into the fan-out (a different way each time), then kill -9.
        let before = prompts_per_member(&double).values().sum::<usize>();
        let target = before + 20 + 7 * kill;
        for _ in 0..1000 {
            if prompts_per_member(&double).values().sum::<usize>() >= target.min(MEMBERS) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        killed_at.push(prompts_per_member(&double).values().sum::<usize>());
        // `Child::kill` is SIGKILL: no shutdown path runs, as with kill -9.
        let _ = served.stop().await;
    }
    let last = Served::start(command()).await;
    let started = std::time::Instant::now();
    while prompts_per_member(&double).len() < MEMBERS && started.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let logs = last.stop().await;
    let prompted = prompts_per_member(&double).len();
    let store = SqliteStore::open(&format!("sqlite://{}", db.display())).await.unwrap();
    let jobs: Vec<(String, String, i64, i64)> =
        sqlx::query_as("SELECT kind, state, COUNT(*), MIN(due_at) FROM jobs GROUP BY kind, state")
            .fetch_all(store.pool())
            .await
            .unwrap();
    let outbox: Vec<(String, i64)> =
        sqlx::query_as("SELECT state, COUNT(*) FROM outbox GROUP BY state").fetch_all(store.pool()).await.unwrap();
    eprintln!("jobs {jobs:?} outbox {outbox:?} now {}", Utc::now().timestamp());
    assert_eq!(prompted, MEMBERS, "prompted {prompted} of {MEMBERS} (kills at {killed_at:?}):\n{logs}");
    let counts = prompts_per_member(&double);
    let repeated: Vec<_> = counts.iter().filter(|(_, n)| **n != 1).collect();
    assert!(repeated.is_empty(), "prompted more than once: {repeated:?} (kills at {killed_at:?})\n{logs}");
    assert_eq!(counts.len(), MEMBERS, "kills at {killed_at:?}");
    assert!(killed_at.iter().any(|n| *n < MEMBERS), "at least one kill landed mid-fan-out: {killed_at:?}");
}
