//! The store contract on both stores (SQLite files and PostgreSQL schemas, `stores.rs`):
//! migrations, exactly-once runs, job claims and leases, the inbox and the outbox shared by
//! workers; then what only SQLite has: the single-instance lock and its migration history.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use unhurried::adapters::sqlite::SqliteStore;
use unhurried::domain::events::{ChatMessage, InboundEvent};
use unhurried::domain::events::{Destination, OutgoingMessage, Purpose};
use unhurried::domain::platform::Platform;
use unhurried::jobs::{BriefJob, DigestJob, Job, JobOutcome, NewJob};
use unhurried::ports::{Delivery, NewDelivery, RunKey, RunState, StandupStore as _, Store as _, StoreError};

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

async fn fresh_store(dir: &tempfile::TempDir) -> (SqliteStore, String) {
    let url = format!("sqlite://{}", dir.path().join("unhurried.db").display());
    (SqliteStore::open(&url).await.unwrap(), url)
}

fn message(workspace: &str, id: &str) -> InboundEvent {
    InboundEvent::Message(ChatMessage {
        workspace: workspace.into(),
        id: id.into(),
        channel: "C1".into(),
        user: "U1".into(),
        text: "hi".into(),
        thread: None,
        is_dm: false,
    })
}

fn job(key: &str, due: &str) -> NewJob {
    let digest = DigestJob { standup_id: 1, date: NaiveDate::from_ymd_opt(2026, 3, 30).unwrap() };
    NewJob { job: Job::Digest(digest), key: key.into(), due_at: at(due), expires_at: None }
}

/// Seeds a workspace, a member, a channel and a standup with ids 1 (as another version or an
/// operator would have written them).
async fn seed_standup(t: &crate::stores::TestStore) {
    for sql in [
        "INSERT INTO workspaces (id, platform, platform_id, created_at) VALUES (1, 'slack', 'T1', 0)",
        "INSERT INTO members (id, workspace_id, platform_user_id, created_at) VALUES (1, 1, 'U1', 0)",
        "INSERT INTO channels (id, workspace_id, platform_channel_id) VALUES (1, 1, 'C1')",
        "INSERT INTO standups (id, workspace_id, name, channel_id, questions, recurrence, digest_at, digest_tz, created_at)
         VALUES (1, 1, 'daily', 1, '[\"Today?\"]', '09:30 mon-fri', '17:00', 'UTC', 0)",
    ] {
        t.execute(sql).await.unwrap();
    }
}

crate::store_contract! {
    async fn migrations_apply_from_empty_and_again_as_a_no_op(t: TestStore) {
        for table in ["answers", "jobs", "members", "standup_runs", "inbound_deliveries", "outbox", "decisions", "nudges"] {
            assert_eq!(t.integer(&format!("SELECT COUNT(*) FROM {table}")).await, 0, "{table} exists, empty");
        }
        t.another().await; // opening again re-runs the migrations: a no-op
        t.another().await;
    }

    async fn a_run_for_the_same_standup_member_and_date_cannot_be_created_twice(t: TestStore) {
        seed_standup(&t).await;
        let store = &t.store;
        let key = RunKey { standup_id: 1, member_id: 1, local_date: NaiveDate::from_ymd_opt(2026, 3, 30).unwrap() };
        let now = at("2026-03-30T07:30:05Z");
        let prompt = OutgoingMessage::new(Destination::Dm { user: "U1".into() }, Purpose::StandupPrompt, "Time for daily");
        assert!(store.prompt_run(&key, "Europe/Berlin", 1, &prompt, now).await.unwrap());
        assert!(!store.prompt_run(&key, "Europe/Berlin", 1, &prompt, now).await.unwrap(), "a second prompt is refused");
        let duplicate = t
            .execute(
                "INSERT INTO standup_runs (standup_id, member_id, local_date, tz, prompt_at, state)
                 VALUES (1, 1, '2026-03-30', 'UTC', 0, 'scheduled')",
            )
            .await;
        assert!(duplicate.is_err(), "the unique key must reject a second run row");
        let queued = t.integer("SELECT COUNT(*) FROM outbox WHERE purpose = 'standup_prompt'").await;
        assert_eq!(queued, 1, "the prompt is queued with its run, once");
        assert_eq!(store.run(&key).await.unwrap().unwrap().state, RunState::Prompted);
        let answered = store.settle_run(&key, "Europe/Berlin", RunState::Answered, now).await.unwrap();
        assert_eq!(answered.state, RunState::Answered);
        let skipped = store.settle_run(&key, "Europe/Berlin", RunState::Skipped, now).await.unwrap();
        assert_eq!(skipped.state, RunState::Answered, "an answered run stays answered");
    }

    async fn scheduling_the_same_job_key_twice_keeps_one_job(t: TestStore) {
        let store = &t.store;
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

    async fn two_workers_racing_for_the_same_due_jobs_run_each_once(t: TestStore) {
        // A second store on the same database: a separate pool, like a second worker process.
        let second = t.another().await;
        let now = at("2026-03-30T07:30:00Z");
        for n in 0..50 {
            t.store.schedule_job(&job(&format!("job:{n}"), "2026-03-30T07:29:00Z"), Platform::Slack, now).await.unwrap();
        }
        let workers = vec![(t.store.clone(), "a"), (second, "b")];
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

    async fn a_job_whose_worker_died_is_claimed_again_after_its_lease(t: TestStore) {
        let store = &t.store;
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

    async fn a_live_worker_s_heartbeat_keeps_its_claim_past_the_first_lease(t: TestStore) {
        let store = &t.store;
        let now = at("2026-03-30T07:30:00Z");
        let lease = Duration::seconds(30);
        store.schedule_job(&job("digest:1:2026-03-30", "2026-03-30T07:30:00Z"), Platform::Slack, now).await.unwrap();
        assert_eq!(store.claim_due_jobs("slow", now, lease, 10).await.unwrap().len(), 1);
        // A slow job: its worker's heartbeat renews the claim every 10 s.
        for beat in 1..=6 {
            assert_eq!(store.renew_claims("slow", now + Duration::seconds(10 * beat), lease).await.unwrap(), 1);
        }
        let later = now + Duration::seconds(65);
        assert!(store.claim_due_jobs("other", later, lease, 10).await.unwrap().is_empty(), "still held at 65 s");
        // The heartbeat stops (the process died): one lease after its last beat, another takes it.
        assert_eq!(store.claim_due_jobs("other", now + Duration::seconds(90), lease, 10).await.unwrap().len(), 1);
    }

    async fn a_stored_job_that_cannot_be_read_is_failed_on_its_own_and_the_others_run(t: TestStore) {
        let store = &t.store;
        let now = at("2026-03-30T07:30:00Z");
        store.schedule_job(&job("digest:1:2026-03-30", "2026-03-30T07:29:00Z"), Platform::Slack, now).await.unwrap();
        // A kind this version does not know (written by a newer one, or by hand), and a known kind
        // whose payload does not fit it.
        for (kind, key, payload) in [("fax", "fax:1", "{}"), ("digest", "digest:2:bad", r#"{"standup_id":"two"}"#)] {
            t.execute(&format!(
                "INSERT INTO jobs (kind, key, due_at, payload, state, created_at, platform)
                 VALUES ('{kind}', '{key}', 0, '{payload}', 'pending', 0, 'slack')"
            ))
            .await
            .unwrap();
        }
        let claimed = store.claim_due_jobs("w", now, Duration::minutes(5), 10).await.unwrap();
        assert_eq!(claimed.iter().map(|job| job.key.as_str()).collect::<Vec<_>>(), ["digest:1:2026-03-30"]);
        assert_eq!(claimed[0].job, job("x", "2026-03-30T07:29:00Z").job);
        let failed = t.texts("SELECT key, state, last_error FROM jobs WHERE key <> 'digest:1:2026-03-30' ORDER BY key").await;
        let text = |row: usize, column: usize| failed[row][column].clone().unwrap_or_default();
        assert_eq!((text(0, 0), text(0, 1)), ("digest:2:bad".to_owned(), "failed".to_owned()));
        assert!(text(0, 2).starts_with("a digest job has a bad payload"), "{}", text(0, 2));
        assert_eq!((text(1, 0), text(1, 1), text(1, 2)), ("fax:1".to_owned(), "failed".to_owned(), "unknown job kind 'fax'".to_owned()));
        assert!(store.finish_job(claimed[0].id, "w", &JobOutcome::Done, now).await.unwrap());
        let later = store.claim_due_jobs("w", now + Duration::hours(1), Duration::minutes(5), 10).await.unwrap();
        assert!(later.is_empty(), "failed rows are never claimed again: {later:?}");
    }

    async fn a_rescheduled_brief_keeps_the_platform_it_is_for(t: TestStore) {
        // Before: `replace_brief_job` stored no platform, so with Slack and Discord in one process a
        // Discord member's rescheduled brief was sent through Slack (the first platform).
        let store = &t.store;
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

    async fn a_retried_job_waits_until_its_retry_instant(t: TestStore) {
        let store = &t.store;
        let now = at("2026-03-30T07:30:00Z");
        store.schedule_job(&job("brief:1", "2026-03-30T07:30:00Z"), Platform::Slack, now).await.unwrap();
        let claimed = store.claim_due_jobs("w", now, Duration::minutes(5), 10).await.unwrap();
        let retry = JobOutcome::Retry { at: now + Duration::minutes(1), error: "rate limited".into() };
        assert!(store.finish_job(claimed[0].id, "w", &retry, now).await.unwrap());
        assert!(store.claim_due_jobs("w", now + Duration::seconds(59), Duration::minutes(5), 10).await.unwrap().is_empty());
        assert_eq!(store.claim_due_jobs("w", now + Duration::minutes(1), Duration::minutes(5), 10).await.unwrap().len(), 1);
    }

    async fn an_inbound_delivery_is_recorded_once_per_platform_workspace_and_key(t: TestStore) {
        let store = &t.store;
        let now = at("2026-03-30T07:30:00Z");
        let delivery = |platform, workspace: &str| NewDelivery { platform, event: message(workspace, "1.0001") };
        let batch = [delivery(Platform::Slack, "T1"), delivery(Platform::Slack, "T1"), delivery(Platform::Discord, "T1")];
        assert_eq!(store.record_deliveries(&batch, now).await.unwrap(), [true, false, true], "one batch, one transaction");
        assert_eq!(store.record_deliveries(&[delivery(Platform::Slack, "T2")], now).await.unwrap(), [true]);
        assert_eq!(store.record_deliveries(&[delivery(Platform::Slack, "T1")], now).await.unwrap(), [false]);
        assert_eq!(store.inbox_backlog().await.unwrap(), (3, Some(now)));
    }

    async fn an_inbox_row_is_handled_once_even_when_two_workers_took_it(t: TestStore) {
        let store = &t.store;
        let now = at("2026-03-30T07:30:00Z");
        let lease = Duration::seconds(30);
        store.record_deliveries(&[NewDelivery { platform: Platform::Slack, event: message("T1", "1.0001") }], now).await.unwrap();
        let first = store.next_delivery("a", now, lease).await.unwrap().unwrap();
        // Worker a stalls past its lease; whether b may take the row depends on the store (one
        // consumer per SQLite file), but whoever marks it handled first wins and the other's unit
        // of work is told to roll back.
        let later = now + Duration::seconds(31);
        let second = store.next_delivery("b", later, lease).await.unwrap();
        let (winner, loser) = match &second {
            Some(taken) => {
                assert_eq!(taken.id, first.id);
                ("b", "a")
            }
            None => ("a", "b"),
        };
        let unit = store.begin().await.unwrap();
        assert!(unit.store().mark_handled(first.id, winner, later).await.unwrap());
        unit.commit().await.unwrap();
        let unit = store.begin().await.unwrap();
        assert!(!unit.store().mark_handled(first.id, loser, later).await.unwrap(), "handled once");
        unit.rollback().await.unwrap();
        assert!(store.next_delivery("c", later + Duration::hours(1), lease).await.unwrap().is_none());
    }

    async fn a_message_waiting_for_a_retry_is_not_overtaken_in_its_conversation_but_others_go_on(t: TestStore) {
        t.execute("INSERT INTO workspaces (id, platform, platform_id, created_at) VALUES (1, 'slack', 'T1', 0)").await.unwrap();
        let store = t.store.clone();
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
            async move { store.take_deliverable("w", now, Duration::seconds(30), 1).await.unwrap().into_iter().next() }
        };
        let first = take(now).await.unwrap();
        assert_eq!(first.message.text, "first in C1");
        // A 5xx: try again in a minute.
        let retry = Delivery::RetryAt(now + Duration::minutes(1), "HTTP 503".into());
        store.record_delivery_result(first.id, "w", &retry, now).await.unwrap();

        let next = take(now).await.unwrap();
        assert_eq!(next.message.text, "only in C2", "C1's second message waits behind its first");
        store.record_delivery_result(next.id, "w", &Delivery::Sent("ts2".into()), now).await.unwrap();
        assert!(take(now).await.is_none(), "nothing else may go before the retry is due");

        let later = now + Duration::minutes(1);
        let again = take(later).await.unwrap();
        assert_eq!(again.message.text, "first in C1");
        store.record_delivery_result(again.id, "w", &Delivery::Sent("ts1".into()), later).await.unwrap();
        let last = take(later).await.unwrap();
        assert_eq!(last.message.text, "second in C1");
    }

    async fn two_workers_taking_the_outbox_at_once_never_take_two_messages_of_one_conversation(t: TestStore) {
        t.execute("INSERT INTO workspaces (id, platform, platform_id, created_at) VALUES (1, 'slack', 'T1', 0)").await.unwrap();
        let now = at("2026-03-30T09:00:00Z");
        let messages: Vec<OutgoingMessage> = (0..40)
            .map(|n| OutgoingMessage::new(Destination::Post { channel: format!("C{}", n % 4) }, Purpose::Digest, format!("m{n}")))
            .collect();
        t.store.enqueue(1, &messages, now).await.unwrap();
        let second = t.another().await;
        let mut sent = Vec::new();
        loop {
            let (a, b) = tokio::join!(
                t.store.take_deliverable("a", now, Duration::seconds(30), 10),
                second.take_deliverable("b", now, Duration::seconds(30), 10)
            );
            let (a, b) = (a.unwrap(), b.unwrap());
            if a.is_empty() && b.is_empty() {
                break;
            }
            let mut lanes: Vec<String> = a.iter().chain(&b).map(|q| q.message.to.lane()).collect();
            let taken = lanes.len();
            lanes.sort();
            lanes.dedup();
            assert_eq!(lanes.len(), taken, "one message per conversation at a time");
            for (worker, queued) in a.iter().map(|q| ("a", q)).chain(b.iter().map(|q| ("b", q))) {
                let store = if worker == "a" { &t.store } else { &second };
                store.record_delivery_result(queued.id, worker, &Delivery::Sent(format!("ts{}", queued.id)), now).await.unwrap();
                sent.push(queued.message.text.clone());
            }
        }
        assert_eq!(sent.len(), 40, "each message once: {sent:?}");
        for channel in 0..4 {
            let order: Vec<&String> = sent.iter().filter(|text| text[1..].parse::<usize>().unwrap() % 4 == channel).collect();
            let expected: Vec<String> = (0..40).filter(|n| n % 4 == channel).map(|n| format!("m{n}")).collect();
            assert_eq!(order, expected.iter().collect::<Vec<_>>(), "in order within C{channel}");
        }
    }
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
    // Production serve needs chat credentials (without them it is the playground, on its own
    // store): the first process stays up against the Slack double.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let double = runtime.block_on(crate::slack_double::SlackDouble::start());
    let serve = |stderr: Stdio| {
        Command::new(env!("CARGO_BIN_EXE_unhurried"))
            .arg("serve")
            .env("SLACK_BOT_TOKEN", crate::slack_support::BOT_TOKEN)
            .env("SLACK_SIGNING_SECRET", crate::slack_support::SIGNING_SECRET)
            .env("UNHURRIED_SLACK__API_URL", &double.api_url)
            .env("UNHURRIED_DATABASE__URL", &url)
            // Any free port: 8080 may be taken on a shared machine, and the lock is checked first.
            .env("UNHURRIED_HTTP__ADDR", "127.0.0.1:0")
            .env("UNHURRIED_LOG__LEVEL", "info")
            .env_remove("RUST_LOG")
            .env_remove("SLACK_APP_TOKEN")
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
async fn standups_whose_names_differ_only_by_case_keep_the_oldest_name_and_the_others_get_their_id() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("unhurried.db").display());
    let store = SqliteStore::connect(&url).await.unwrap();
    // The store as it was before 0005, when `Daily` and `daily` could both exist.
    let mut before = sqlx::migrate!("./migrations/sqlite");
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

/// Several processes on PostgreSQL: one conversation's events are handled in order (a worker
/// does not take an event while an older one of its channel is being handled elsewhere), other
/// conversations go on in parallel, and an older event waiting for a retry does not hold its lane.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgresql_two_workers_never_handle_two_events_of_one_conversation_at_once() {
    let t = crate::stores::TestStore::fresh(unhurried::adapters::database::StoreKind::Postgres).await;
    let store = &t.store;
    let now = at("2026-03-30T07:30:00Z");
    let lease = Duration::seconds(30);
    let in_channel = |channel: &str, id: &str| {
        let InboundEvent::Message(mut m) = message("T1", id) else { unreachable!() };
        m.channel = channel.into();
        NewDelivery { platform: Platform::Slack, event: InboundEvent::Message(m) }
    };
    let batch = [in_channel("C1", "1.0001"), in_channel("C1", "1.0002"), in_channel("C2", "1.0003")];
    assert_eq!(store.record_deliveries(&batch, now).await.unwrap(), [true, true, true]);
    let id_of = |taken: Option<unhurried::ports::PendingDelivery>| match taken.map(|d| d.event) {
        Some(InboundEvent::Message(m)) => Some(m.id),
        _ => None,
    };

    // a takes C1's first; b may not take C1's second while it is in hand, but takes C2's.
    assert_eq!(id_of(store.next_delivery("a", now, lease).await.unwrap()).as_deref(), Some("1.0001"));
    assert_eq!(id_of(store.next_delivery("b", now, lease).await.unwrap()).as_deref(), Some("1.0003"));
    assert!(store.next_delivery("c", now, lease).await.unwrap().is_none(), "C1's second waits for its first");

    // Once a's is handled, C1's second goes to whoever asks.
    let first = t.integer("SELECT min(id) FROM inbox").await;
    let unit = store.begin().await.unwrap();
    assert!(unit.store().mark_handled(first, "a", now).await.unwrap());
    unit.commit().await.unwrap();
    let second = store.next_delivery("c", now, lease).await.unwrap().expect("C1's second");
    let second_id = second.id;
    assert_eq!(id_of(Some(second)).as_deref(), Some("1.0002"));

    // An older event waiting for a retry does not hold its lane (as on one process).
    store.record_deliveries(&[in_channel("C1", "1.0004")], now).await.unwrap();
    store.mark_attempt_failed(second_id, "busy", Some(now + Duration::minutes(1)), now).await.unwrap();
    assert_eq!(id_of(store.next_delivery("c", now, lease).await.unwrap()).as_deref(), Some("1.0004"));
}

/// Post slots shared by processes: each is `spacing` after the one before it in its workspace,
/// measured on the database's clock; another workspace has its own. On SQLite there is one
/// process, which paces in memory.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn post_slots_are_shared_on_postgresql_and_paced_in_memory_on_sqlite() {
    use unhurried::adapters::database::StoreKind;
    let minute = StdDuration::from_secs(60);
    let sqlite = crate::stores::TestStore::fresh(StoreKind::Sqlite).await;
    assert_eq!(sqlite.store.take_post_slot(1, minute).await.unwrap(), None);

    let t = crate::stores::TestStore::fresh(StoreKind::Postgres).await;
    let waits: Vec<StdDuration> = {
        let mut waits = Vec::new();
        for _ in 0..3 {
            waits.push(t.store.take_post_slot(1, minute).await.unwrap().expect("shared on PostgreSQL"));
        }
        waits
    };
    // The calls take far less than a second; each wait is what is left of the slots before it.
    assert_eq!(waits[0], StdDuration::ZERO, "the first post goes at once");
    assert!(waits[1] > minute - StdDuration::from_secs(1) && waits[1] <= minute, "{waits:?}");
    assert!(waits[2] > 2 * minute - StdDuration::from_secs(1) && waits[2] <= 2 * minute, "{waits:?}");
    assert_eq!(t.store.take_post_slot(2, minute).await.unwrap(), Some(StdDuration::ZERO), "its own slots");
}
