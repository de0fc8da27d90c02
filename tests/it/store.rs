//! The SQLite store on real database files: migrations, exactly-once runs and job claims,
//! the single-instance lock.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use unhurried::adapters::sqlite::SqliteStore;
use unhurried::domain::events::{Destination, OutgoingMessage, Purpose};
use unhurried::domain::platform::Platform;
use unhurried::jobs::{BriefJob, DigestJob, Job, JobOutcome, NewJob};
use unhurried::ports::{BriefStore as _, JobStore, RunKey, RunState, StandupStore, Store, StoreError};

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

async fn fresh_store(dir: &tempfile::TempDir) -> (SqliteStore, String) {
    let url = format!("sqlite://{}", dir.path().join("unhurried.db").display());
    (SqliteStore::open(&url).await.unwrap(), url)
}

fn job(key: &str, due: &str) -> NewJob {
    let digest = DigestJob { standup_id: 1, date: NaiveDate::from_ymd_opt(2026, 3, 30).unwrap() };
    NewJob { job: Job::Digest(digest), key: key.into(), due_at: at(due), expires_at: None }
}

#[tokio::test]
async fn migrations_apply_from_empty_and_again_as_a_no_op() {
    let dir = tempfile::tempdir().unwrap();
    let (store, url) = fresh_store(&dir).await;
    let tables: Vec<String> = sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .fetch_all(store.pool())
        .await
        .unwrap();
    for table in ["answers", "jobs", "members", "standup_runs", "inbound_deliveries", "outbox", "decisions", "nudges"] {
        assert!(tables.iter().any(|t| t == table), "missing {table} in {tables:?}");
    }
    let journal: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(store.pool()).await.unwrap();
    assert_eq!(journal, "wal");
    let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys").fetch_one(store.pool()).await.unwrap();
    assert_eq!(foreign_keys, 1);
    drop(store);
    SqliteStore::open(&url).await.expect("re-running migrations is a no-op");
}

async fn seed_standup(store: &SqliteStore) {
    for sql in [
        "INSERT INTO workspaces (id, platform, platform_id, created_at) VALUES (1, 'slack', 'T1', 0)",
        "INSERT INTO members (id, workspace_id, platform_user_id, created_at) VALUES (1, 1, 'U1', 0)",
        "INSERT INTO channels (id, workspace_id, platform_channel_id) VALUES (1, 1, 'C1')",
        "INSERT INTO standups (id, workspace_id, name, channel_id, questions, recurrence, digest_at, digest_tz, created_at)
         VALUES (1, 1, 'daily', 1, '[\"Today?\"]', '09:30 mon-fri', '17:00', 'UTC', 0)",
    ] {
        sqlx::query(sql).execute(store.pool()).await.unwrap();
    }
}

#[tokio::test]
async fn a_run_for_the_same_standup_member_and_date_cannot_be_created_twice() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = fresh_store(&dir).await;
    seed_standup(&store).await;
    let key = RunKey { standup_id: 1, member_id: 1, local_date: NaiveDate::from_ymd_opt(2026, 3, 30).unwrap() };
    let now = at("2026-03-30T07:30:05Z");
    let prompt = OutgoingMessage::new(Destination::Dm { user: "U1".into() }, Purpose::StandupPrompt, "Time for daily");
    assert!(store.prompt_run(&key, "Europe/Berlin", 1, &prompt, now).await.unwrap());
    assert!(!store.prompt_run(&key, "Europe/Berlin", 1, &prompt, now).await.unwrap(), "a second prompt is refused");
    let duplicate = sqlx::query(
        "INSERT INTO standup_runs (standup_id, member_id, local_date, tz, prompt_at, state)
         VALUES (1, 1, '2026-03-30', 'UTC', 0, 'scheduled')",
    )
    .execute(store.pool())
    .await;
    assert!(duplicate.is_err(), "the unique key must reject a second run row");
    let queued: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE purpose = 'standup_prompt'")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(queued, 1, "the prompt is queued with its run, once");
    assert_eq!(store.run(&key).await.unwrap().unwrap().state, RunState::Prompted);
    let answered = store.settle_run(&key, "Europe/Berlin", RunState::Answered, now).await.unwrap();
    assert_eq!(answered.state, RunState::Answered);
    let skipped = store.settle_run(&key, "Europe/Berlin", RunState::Skipped, now).await.unwrap();
    assert_eq!(skipped.state, RunState::Answered, "an answered run stays answered");
}

#[tokio::test]
async fn scheduling_the_same_job_key_twice_keeps_one_job() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = fresh_store(&dir).await;
    let now = at("2026-03-30T07:00:00Z");
    assert!(
        store.schedule_job(&job("prompt:1:1:2026-03-30", "2026-03-30T07:30:00Z"), Platform::Slack, now).await.unwrap()
    );
    assert!(
        !store.schedule_job(&job("prompt:1:1:2026-03-30", "2026-03-30T08:30:00Z"), Platform::Slack, now).await.unwrap()
    );
    assert_eq!(store.next_due_at().await.unwrap(), Some(at("2026-03-30T07:30:00Z")));
    assert!(store.claim_due_jobs("w", now, Duration::minutes(5), 10).await.unwrap().is_empty(), "not due yet");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_racing_for_the_same_due_jobs_run_each_once() {
    let dir = tempfile::tempdir().unwrap();
    let (first, url) = fresh_store(&dir).await;
    // A second store on the same file: a separate pool, like a second worker process.
    let second = SqliteStore::connect(&url).await.unwrap();
    let now = at("2026-03-30T07:30:00Z");
    for n in 0..50 {
        first.schedule_job(&job(&format!("job:{n}"), "2026-03-30T07:29:00Z"), Platform::Slack, now).await.unwrap();
    }
    let workers: Vec<(Arc<SqliteStore>, &str)> = vec![(Arc::new(first), "a"), (Arc::new(second), "b")];
    let handles: Vec<_> = workers
        .into_iter()
        .map(|(store, name)| {
            tokio::spawn(async move {
                let mut claimed = Vec::new();
                loop {
                    let batch = store.claim_due_jobs(name, now, Duration::minutes(5), 3).await.unwrap();
                    if batch.is_empty() {
                        return claimed;
                    }
                    for job in batch {
                        assert!(store.finish_job(job.id, name, &JobOutcome::Done, now).await.unwrap());
                        claimed.push(job.key);
                    }
                }
            })
        })
        .collect();
    let mut all = Vec::new();
    for handle in handles {
        all.extend(handle.await.unwrap());
    }
    all.sort();
    let before = all.len();
    all.dedup();
    assert_eq!(before, 50, "every job ran exactly once across both workers");
    assert_eq!(all.len(), 50);
}

#[tokio::test]
async fn a_job_whose_worker_died_is_claimed_again_after_its_lease() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = fresh_store(&dir).await;
    let now = at("2026-03-30T07:30:00Z");
    store.schedule_job(&job("digest:1:2026-03-30", "2026-03-30T07:30:00Z"), Platform::Slack, now).await.unwrap();
    let lease = Duration::minutes(5);
    let claimed = store.claim_due_jobs("dead-worker", now, lease, 10).await.unwrap();
    assert_eq!(claimed.len(), 1);
    // The worker crashes here, between claim and finish.
    assert!(store.claim_due_jobs("new-worker", now + Duration::minutes(4), lease, 10).await.unwrap().is_empty());
    let retried = store.claim_due_jobs("new-worker", now + lease, lease, 10).await.unwrap();
    assert_eq!(retried.len(), 1);
    assert_eq!(retried[0].attempts, 2);
    assert!(!store.finish_job(retried[0].id, "dead-worker", &JobOutcome::Done, now + lease).await.unwrap());
    assert!(store.finish_job(retried[0].id, "new-worker", &JobOutcome::Done, now + lease).await.unwrap());
    assert!(store.claim_due_jobs("x", now + Duration::hours(1), lease, 10).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_stored_job_that_cannot_be_read_is_failed_on_its_own_and_the_others_run() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = fresh_store(&dir).await;
    let now = at("2026-03-30T07:30:00Z");
    store.schedule_job(&job("digest:1:2026-03-30", "2026-03-30T07:29:00Z"), Platform::Slack, now).await.unwrap();
    // A kind this version does not know (written by a newer one, or by hand), and a known kind
    // whose payload does not fit it.
    for (kind, key, payload) in [("fax", "fax:1", "{}"), ("digest", "digest:2:bad", r#"{"standup_id":"two"}"#)] {
        sqlx::query(
            "INSERT INTO jobs (kind, key, due_at, payload, state, created_at, platform)
             VALUES (?, ?, 0, ?, 'pending', 0, 'slack')",
        )
        .bind(kind)
        .bind(key)
        .bind(payload)
        .execute(store.pool())
        .await
        .unwrap();
    }
    let claimed = store.claim_due_jobs("w", now, Duration::minutes(5), 10).await.unwrap();
    assert_eq!(claimed.iter().map(|job| job.key.as_str()).collect::<Vec<_>>(), ["digest:1:2026-03-30"]);
    assert_eq!(claimed[0].job, job("x", "2026-03-30T07:29:00Z").job);
    let failed: Vec<(String, String, String)> =
        sqlx::query_as("SELECT key, state, last_error FROM jobs WHERE key <> 'digest:1:2026-03-30' ORDER BY key")
            .fetch_all(store.pool())
            .await
            .unwrap();
    assert_eq!(failed[0].0, "digest:2:bad");
    assert_eq!(failed[0].1, "failed");
    assert!(failed[0].2.starts_with("a digest job has a bad payload"), "{}", failed[0].2);
    assert_eq!(failed[1], ("fax:1".to_owned(), "failed".to_owned(), "unknown job kind 'fax'".to_owned()));
    assert!(store.finish_job(claimed[0].id, "w", &JobOutcome::Done, now).await.unwrap());
    let later = store.claim_due_jobs("w", now + Duration::hours(1), Duration::minutes(5), 10).await.unwrap();
    assert!(later.is_empty(), "failed rows are never claimed again: {later:?}");
}

#[tokio::test]
async fn a_rescheduled_brief_keeps_the_platform_it_is_for() {
    // Before: `replace_brief_job` stored no platform, so with Slack and Discord in one process a
    // Discord member's rescheduled brief was sent through Slack (the first platform).
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = fresh_store(&dir).await;
    let now = at("2026-03-30T07:30:00Z");
    let date = NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
    let brief = NewJob {
        job: Job::Brief(BriefJob { member_id: 7, workspace_id: 1, local_date: date }),
        key: "brief:7:2026-03-31".into(),
        due_at: at("2026-03-31T07:00:00Z"),
        expires_at: None,
    };
    store.replace_brief_job(7, &brief, Platform::Discord, now).await.unwrap();
    let claimed = store.claim_due_jobs("w", at("2026-03-31T07:00:00Z"), Duration::minutes(5), 10).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].platform, Some(Platform::Discord));
    assert_eq!(claimed[0].job, brief.job);
}

#[tokio::test]
async fn a_retried_job_waits_until_its_retry_instant() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = fresh_store(&dir).await;
    let now = at("2026-03-30T07:30:00Z");
    store.schedule_job(&job("brief:1", "2026-03-30T07:30:00Z"), Platform::Slack, now).await.unwrap();
    let claimed = store.claim_due_jobs("w", now, Duration::minutes(5), 10).await.unwrap();
    let retry = JobOutcome::Retry { at: now + Duration::minutes(1), error: "rate limited".into() };
    assert!(store.finish_job(claimed[0].id, "w", &retry, now).await.unwrap());
    assert!(store.claim_due_jobs("w", now + Duration::seconds(59), Duration::minutes(5), 10).await.unwrap().is_empty());
    assert_eq!(store.claim_due_jobs("w", now + Duration::minutes(1), Duration::minutes(5), 10).await.unwrap().len(), 1);
}

#[tokio::test]
async fn an_inbound_delivery_is_recorded_once_per_platform_workspace_and_key() {
    use unhurried::domain::events::{ChatMessage, InboundEvent};
    use unhurried::ports::{InboxStore, NewDelivery};
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = fresh_store(&dir).await;
    let now = at("2026-03-30T07:30:00Z");
    let message = |workspace: &str| {
        InboundEvent::Message(ChatMessage {
            workspace: workspace.into(),
            id: "1.0001".into(),
            channel: "C1".into(),
            user: "U1".into(),
            text: "hi".into(),
            thread: None,
            is_dm: false,
        })
    };
    let delivery = |platform, workspace: &str| NewDelivery { platform, event: message(workspace) };
    let batch = [delivery(Platform::Slack, "T1"), delivery(Platform::Slack, "T1"), delivery(Platform::Discord, "T1")];
    assert_eq!(store.record_deliveries(&batch, now).await.unwrap(), [true, false, true], "one batch, one transaction");
    assert_eq!(store.record_deliveries(&[delivery(Platform::Slack, "T2")], now).await.unwrap(), [true]);
    assert_eq!(store.record_deliveries(&[delivery(Platform::Slack, "T1")], now).await.unwrap(), [false]);
    assert_eq!(store.inbox_backlog().await.unwrap(), (3, Some(now)));
}

#[tokio::test]
async fn a_second_store_on_the_same_file_cannot_take_the_instance_lock() {
    let dir = tempfile::tempdir().unwrap();
    let (first, url) = fresh_store(&dir).await;
    let guard = first.lock_instance().unwrap();
    let second = SqliteStore::connect(&url).await.unwrap();
    match second.lock_instance() {
        Err(StoreError::Locked(path)) => assert!(path.ends_with("unhurried.db")),
        Err(other) => panic!("expected Locked, got {other}"),
        Ok(_) => panic!("two holders of one database"),
    }
    drop(guard);
    second.lock_instance().expect("the lock is free once the first holder lets go");
}

#[test]
fn a_second_serve_process_on_the_same_database_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("shared.db").display());
    let serve = |stderr: Stdio| {
        Command::new(env!("CARGO_BIN_EXE_unhurried"))
            .arg("serve")
            .env("UNHURRIED_DATABASE__URL", &url)
            // Any free port: 8080 may be taken on a shared machine, and the lock is checked first.
            .env("UNHURRIED_HTTP__ADDR", "127.0.0.1:0")
            .env("UNHURRIED_LOG__LEVEL", "info")
            .env_remove("RUST_LOG")
            .env_remove("SLACK_BOT_TOKEN")
            .env_remove("DISCORD_TOKEN")
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .unwrap()
    };
    let mut first = serve(Stdio::piped());
    let mut first_log = BufReader::new(first.stderr.take().unwrap());
    let started = Instant::now();
    let mut line = String::new();
    while !line.contains("unhurried is running") {
        line.clear();
        assert!(first_log.read_line(&mut line).unwrap() > 0, "the first process exited early");
        assert!(started.elapsed() < StdDuration::from_secs(60), "the first process did not start");
    }
    let second = serve(Stdio::piped()).wait_with_output().unwrap();
    first.kill().unwrap();
    first.wait().unwrap();
    assert!(!second.status.success());
    let message = String::from_utf8_lossy(&second.stderr);
    assert!(message.contains("another unhurried process is already using"), "{message}");
}

#[tokio::test]
async fn a_message_waiting_for_a_retry_is_not_overtaken_in_its_conversation_but_others_go_on() {
    use unhurried::ports::{Delivery, OutboxStore};
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = fresh_store(&dir).await;
    sqlx::query("INSERT INTO workspaces (id, platform, platform_id, created_at) VALUES (1, 'slack', 'T1', 0)")
        .execute(store.pool())
        .await
        .unwrap();
    let post = |channel: &str, text: &str| {
        OutgoingMessage::new(Destination::Post { channel: channel.into() }, Purpose::Digest, text)
    };
    let now = at("2026-03-30T09:00:00Z");
    store
        .enqueue(1, &[post("C1", "first in C1"), post("C1", "second in C1"), post("C2", "only in C2")], now)
        .await
        .unwrap();

    let take = |now| {
        let store = store.clone();
        async move { store.take_deliverable(now, 1).await.unwrap().into_iter().next() }
    };
    let first = take(now).await.unwrap();
    assert_eq!(first.message.text, "first in C1");
    // A 5xx: try again in a minute.
    let retry = Delivery::RetryAt(now + Duration::minutes(1), "HTTP 503".into());
    store.record_delivery_result(first.id, &retry, now).await.unwrap();

    let next = take(now).await.unwrap();
    assert_eq!(next.message.text, "only in C2", "C1's second message waits behind its first");
    store.record_delivery_result(next.id, &Delivery::Sent("ts2".into()), now).await.unwrap();
    assert!(take(now).await.is_none(), "nothing else may go before the retry is due");

    let later = now + Duration::minutes(1);
    let again = take(later).await.unwrap();
    assert_eq!(again.message.text, "first in C1");
    store.record_delivery_result(again.id, &Delivery::Sent("ts1".into()), later).await.unwrap();
    let last = take(later).await.unwrap();
    assert_eq!(last.message.text, "second in C1");
}

#[tokio::test]
async fn standups_whose_names_differ_only_by_case_keep_the_oldest_name_and_the_others_get_their_id() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("unhurried.db").display());
    let store = SqliteStore::connect(&url).await.unwrap();
    // The store as it was before 0005, when `Daily` and `daily` could both exist.
    let mut before = sqlx::migrate!("./migrations");
    before.migrations = before.migrations.iter().filter(|m| m.version < 5).cloned().collect::<Vec<_>>().into();
    before.run(store.pool()).await.unwrap();
    for sql in [
        "INSERT INTO workspaces (id, platform, platform_id, created_at) VALUES (1, 'slack', 'T1', 0)",
        "INSERT INTO channels (id, workspace_id, platform_channel_id) VALUES (1, 1, 'C1')",
    ] {
        sqlx::query(sql).execute(store.pool()).await.unwrap();
    }
    for (id, name) in [(1, "daily"), (2, "Daily"), (3, "retro"), (4, "DAILY")] {
        sqlx::query(
            "INSERT INTO standups (id, workspace_id, name, channel_id, questions, recurrence, digest_at, digest_tz,
                 created_at) VALUES (?, 1, ?, 1, '[\"Q?\"]', '09:30 mon-fri', '17:00', 'UTC', 0)",
        )
        .bind(id)
        .bind(name)
        .execute(store.pool())
        .await
        .unwrap();
    }
    store.migrate().await.unwrap();
    let names: Vec<String> =
        sqlx::query_scalar("SELECT name FROM standups ORDER BY id").fetch_all(store.pool()).await.unwrap();
    assert_eq!(names, ["daily", "Daily-2", "retro", "DAILY-4"]);
    let taken = sqlx::query(
        "INSERT INTO standups (workspace_id, name, channel_id, questions, recurrence, digest_at, digest_tz, created_at)
         VALUES (1, 'RETRO', 1, '[]', '09:30 mon-fri', '17:00', 'UTC', 0)",
    )
    .execute(store.pool())
    .await;
    assert!(taken.is_err(), "the index refuses a name that differs by case alone");
    assert_eq!(store.standup_named(1, "Retro").await.unwrap().unwrap().name, "retro");
}
