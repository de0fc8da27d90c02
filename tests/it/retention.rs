//! Retention: the daily housekeeping job on a manual clock and a real SQLite file. For each kind
//! of record, rows past their retention go, rows within it stay, and rows a feature still needs
//! stay whatever their age; the job runs once a day and schedules itself exactly once.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use sqlx::SqlitePool;
use unhurried::config::Settings;
use unhurried::domain::events::{ChatMessage, InboundEvent};
use unhurried::domain::platform::Platform;
use unhurried::features::housekeeping::{EVERY, FIRST_RUN_AFTER};
use unhurried::ports::Clock as _;

use crate::support::{TestBot, WORKSPACE};

/// The bot starts here; housekeeping first runs [`FIRST_RUN_AFTER`] later.
const START: &str = "2026-06-01T00:00:00Z";

fn start() -> DateTime<Utc> {
    START.parse().unwrap()
}

/// Unix seconds `days` before the start.
fn days_ago(days: i64) -> i64 {
    (start() - Duration::days(days)).timestamp()
}

fn settings(retention: &[(&str, &str)]) -> Settings {
    let env: BTreeMap<String, String> =
        retention.iter().map(|(key, value)| (format!("UNHURRIED_RETENTION__{key}"), value.to_string())).collect();
    Settings::load(None, &env).unwrap()
}

/// A bot with one workspace (id 1), two members (1, 2), a channel (1) and a paused standup (1):
/// the rows the records below belong to, none of which schedules anything.
async fn bot(settings: Settings) -> TestBot {
    let t = TestBot::new(Platform::Slack, START, settings, &[]).await;
    sqlx::raw_sql(
        "INSERT INTO workspaces (id, platform, platform_id, created_at) VALUES (1, 'slack', 'T1', 0);
         INSERT INTO members (id, workspace_id, platform_user_id, created_at) VALUES (1, 1, 'U1', 0), (2, 1, 'U2', 0);
         INSERT INTO channels (id, workspace_id, platform_channel_id) VALUES (1, 1, 'C1');
         INSERT INTO standups (id, workspace_id, name, channel_id, questions, recurrence, digest_at, digest_tz,
                               paused, created_at)
         VALUES (1, 1, 'daily', 1, '[\"Done?\"]', '09:00 mon-fri', '17:00', 'UTC', 1, 0);",
    )
    .execute(t.store.pool())
    .await
    .unwrap();
    t
}

fn pool(t: &TestBot) -> &SqlitePool {
    t.store.pool()
}

/// The due instant of the one pending housekeeping run.
async fn pending_housekeeping(t: &TestBot) -> Vec<DateTime<Utc>> {
    let due: Vec<i64> =
        sqlx::query_scalar("SELECT due_at FROM jobs WHERE kind = 'housekeeping' AND state = 'pending' ORDER BY due_at")
            .fetch_all(pool(t))
            .await
            .unwrap();
    due.into_iter().map(|secs| DateTime::from_timestamp(secs, 0).unwrap()).collect()
}

async fn runs_done(t: &TestBot) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE kind = 'housekeeping' AND state = 'done'")
        .fetch_one(pool(t))
        .await
        .unwrap()
}

/// Moves the clock to the pending housekeeping run and runs what is due.
async fn housekeep(t: &TestBot) {
    let due = pending_housekeeping(t).await;
    assert_eq!(due.len(), 1, "exactly one housekeeping run is pending");
    t.clock.set(due[0].max(t.clock.now()));
    t.bot.run_due_jobs().await.unwrap();
}

/// The ids left in `table`, in order.
async fn ids(t: &TestBot, table: &str) -> Vec<i64> {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT id FROM {table} ORDER BY id")))
        .fetch_all(pool(t))
        .await
        .unwrap()
}

#[tokio::test]
async fn delivered_outbox_messages_go_after_their_retention_but_undelivered_and_digest_chunks_stay() {
    let t = bot(settings(&[])).await;
    let (old, recent) = (days_ago(40), days_ago(5));
    sqlx::query(
        "INSERT INTO outbox (id, workspace_id, purpose, message, state, not_before, created_at, sent_at, failed_at,
                             maybe_sent, lane)
         VALUES (1, 1, 'digest', '{}', 'sent',    ?1, ?1, ?1,   NULL, 0, 'channel:C1'), -- old: goes
                (2, 1, 'nudge',  '{}', 'failed',  ?1, ?1, NULL, ?1,   0, 'channel:C1'), -- old failure: goes
                (3, 1, 'nudge',  '{}', 'sent',    ?2, ?2, ?2,   NULL, 0, 'channel:C1'), -- recent: stays
                (4, 1, 'prompt', '{}', 'pending', ?3, ?1, NULL, NULL, 0, 'dm:U1'),      -- still to deliver
                (5, 1, 'prompt', '{}', 'pending', ?3, ?1, NULL, NULL, 1, 'dm:U2'),      -- fate unknown
                (6, 1, 'digest', '{}', 'sent',    ?1, ?1, ?1,   NULL, 0, 'channel:C1'), -- chunk of a digest
                (7, 1, 'digest', '{}', 'sending', ?1, ?1, NULL, NULL, 0, 'channel:C1')  -- being sent",
    )
    .bind(old)
    .bind(recent)
    // Retried later (not due while the test runs, so the delivery workers leave them be).
    .bind((start() + Duration::days(2)).timestamp())
    .execute(pool(&t))
    .await
    .unwrap();
    // Message 6 is a chunk of a digest posted two days ago: an answer edited now edits it.
    sqlx::query("INSERT INTO digests (standup_id, local_date, posted_at, messages) VALUES (1, '2026-05-29', ?, '[6]')")
        .bind(days_ago(2))
        .execute(pool(&t))
        .await
        .unwrap();

    housekeep(&t).await;

    assert_eq!(ids(&t, "outbox").await, vec![3, 4, 5, 6, 7]);
}

#[tokio::test]
async fn handled_inbox_rows_go_after_their_retention_and_recent_keys_still_recognise_a_retry() {
    let mut t = bot(settings(&[])).await;
    // A message handled now: its key must recognise the platform's retry of it after housekeeping.
    let recent = t.message("U1", "C1", "the deploy checklist is in the wiki under releases", None).await;
    let old = days_ago(31);
    sqlx::query(
        "INSERT INTO inbox (id, platform, workspace, delivery_id, event, state, not_before, received_at)
         VALUES (100, 'slack', 'T1', 'message:C1:old-handled', '{}', 'handled', ?1, ?1), -- goes
                (101, 'slack', 'T1', 'message:C1:old-failed',  '{}', 'failed',  ?1, ?1), -- goes
                (102, 'slack', 'T1', 'message:C1:old-pending', '{}', 'pending', ?2, ?1)  -- not handled yet
        ",
    )
    .bind(old)
    // Not due before the housekeeping runs, so the consumer leaves it pending meanwhile.
    .bind((start() + Duration::days(2)).timestamp())
    .execute(pool(&t))
    .await
    .unwrap();
    sqlx::query("INSERT INTO inbound_deliveries (platform, delivery_id, received_at) VALUES ('slack', 'E1', ?), ('slack', 'E2', ?)")
        .bind(old)
        .bind(days_ago(1))
        .execute(pool(&t))
        .await
        .unwrap();

    housekeep(&t).await;

    let left: Vec<String> =
        sqlx::query_scalar("SELECT delivery_id FROM inbox ORDER BY id").fetch_all(pool(&t)).await.unwrap();
    assert_eq!(left, vec![format!("message:{recent}:C1"), "message:C1:old-pending".to_owned()]);
    let keys: Vec<String> =
        sqlx::query_scalar("SELECT delivery_id FROM inbound_deliveries").fetch_all(pool(&t)).await.unwrap();
    assert_eq!(keys, vec!["E2"]);
    let retry = ChatMessage {
        workspace: WORKSPACE.into(),
        id: recent.clone(),
        channel: "C1".into(),
        user: "U1".into(),
        text: "the deploy checklist is in the wiki under releases".into(),
        thread: None,
        is_dm: false,
    };
    assert_eq!(t.bot.accept(vec![InboundEvent::Message(retry)]).await.unwrap(), vec![false], "a retry is a duplicate");
}

#[tokio::test]
async fn finished_jobs_go_after_their_retention_but_pending_and_claimed_jobs_stay() {
    let t = bot(settings(&[])).await;
    let (old, recent) = (days_ago(31), days_ago(3));
    let later = (start() + Duration::days(30)).timestamp();
    sqlx::query(
        "INSERT INTO jobs (id, kind, key, due_at, payload, state, created_at, finished_at, claimed_by, lease_until)
         VALUES (101, 'brief', 'brief:1:old-done',      ?1, '{}', 'done',      ?1, ?1,   NULL, NULL),  -- goes
                (102, 'brief', 'brief:1:old-missed',    ?1, '{}', 'missed',    ?1, ?1,   NULL, NULL),  -- goes
                (103, 'brief', 'brief:1:old-failed',    ?1, '{}', 'failed',    ?1, ?1,   NULL, NULL),  -- goes
                (104, 'brief', 'brief:1:old-cancelled', ?1, '{}', 'cancelled', ?1, ?1,   NULL, NULL),  -- goes
                (105, 'brief', 'brief:1:recent-done',   ?2, '{}', 'done',      ?2, ?2,   NULL, NULL),  -- within
                (106, 'brief', 'brief:1:pending',       ?3, '{}', 'pending',   ?1, NULL, NULL, NULL),  -- to come
                (107, 'brief', 'brief:1:claimed',       ?1, '{}', 'claimed',   ?1, NULL, 'w',  ?3)     -- running",
    )
    .bind(old)
    .bind(recent)
    .bind(later)
    .execute(pool(&t))
    .await
    .unwrap();

    housekeep(&t).await;

    let left: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM jobs WHERE kind = 'brief' ORDER BY id").fetch_all(pool(&t)).await.unwrap();
    assert_eq!(left, vec![105, 106, 107]);
}

#[tokio::test]
async fn nudges_and_answered_questions_go_after_their_retention_but_a_waiting_nudge_and_an_open_question_stay() {
    let t = bot(settings(&[("NUDGES", "30d")])).await;
    let (old, recent) = (days_ago(31), days_ago(3));
    sqlx::query(
        "INSERT INTO nudges (id, workspace_id, channel_id, sender_id, ping_message, kind, state, created_at, sent_at)
         VALUES (1, 1, 1, 1, 'p1', 'greeting', 'sent',      ?1, ?1),   -- goes
                (2, 1, 1, 1, 'p2', 'greeting', 'cancelled', ?1, NULL), -- goes
                (3, 1, 1, 1, 'p3', 'greeting', 'waiting',   ?1, NULL), -- its grace period is still on
                (4, 1, 1, 1, 'p4', 'greeting', 'sent',      ?2, ?2)    -- within",
    )
    .bind(old)
    .bind(recent)
    .execute(pool(&t))
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO open_questions (id, workspace_id, channel, message, asker_id, asked_id, text, asked_at, answered_at)
         VALUES (1, 1, 'C1', 'q1', 1, 2, 'old, answered?', ?1, ?1),  -- goes
                (2, 1, 'C1', 'q2', 1, 2, 'old, open?',     ?1, NULL), -- still open: briefs show it
                (3, 1, 'C1', 'q3', 1, 2, 'recent?',        ?2, ?2)    -- within",
    )
    .bind(old)
    .bind(recent)
    .execute(pool(&t))
    .await
    .unwrap();

    housekeep(&t).await;

    assert_eq!(ids(&t, "nudges").await, vec![3, 4]);
    assert_eq!(ids(&t, "open_questions").await, vec![2, 3]);
}

#[tokio::test]
async fn an_unanswered_question_goes_as_long_after_it_expired_as_an_answered_one_after_its_answer() {
    // Open for 14 days, then kept 30 more: an unanswered question goes once asked 44 days ago.
    for (open_for, left) in [("14d", vec![2, 3]), ("forever", vec![1, 2, 3])] {
        let t = bot(settings(&[("NUDGES", "30d"), ("OPEN_QUESTIONS", open_for)])).await;
        sqlx::query(
            "INSERT INTO open_questions (id, workspace_id, channel, message, asker_id, asked_id, text, asked_at)
             VALUES (1, 1, 'C1', 'q1', 1, 2, 'expired 31 days ago?', ?1),
                    (2, 1, 'C1', 'q2', 1, 2, 'expired 26 days ago?', ?2),
                    (3, 1, 'C1', 'q3', 1, 2, 'still open?',          ?3)",
        )
        .bind(days_ago(45))
        .bind(days_ago(40))
        .bind(days_ago(3))
        .execute(pool(&t))
        .await
        .unwrap();

        housekeep(&t).await;

        assert_eq!(ids(&t, "open_questions").await, left, "open_questions = {open_for}");
    }
}

#[tokio::test]
async fn off_hours_mentions_and_notices_go_after_their_retention() {
    let t = bot(settings(&[])).await;
    // The default keeps a year, the longest window `/async stats` counts.
    let (old, within) = (days_ago(367), days_ago(300));
    sqlx::query(
        "INSERT INTO offhours_mentions (id, workspace_id, recipient_id, at) VALUES (1, 1, 2, ?1), (2, 1, 2, ?2);
         INSERT INTO offhours_notices (sender_id, recipient_id, local_date, sent_at)
         VALUES (1, 2, '2025-05-29', ?1), (1, 2, '2025-08-05', ?2);",
    )
    .bind(old)
    .bind(within)
    .execute(pool(&t))
    .await
    .unwrap();

    housekeep(&t).await;

    assert_eq!(ids(&t, "offhours_mentions").await, vec![2]);
    let notices: Vec<String> =
        sqlx::query_scalar("SELECT local_date FROM offhours_notices").fetch_all(pool(&t)).await.unwrap();
    assert_eq!(notices, vec!["2025-08-05"]);
}

/// Runs of member 1: an old answered one (digested in digest 1), an old open one that a later
/// run replaced, an old open one that is member 2's latest, and a recent answered one (digest 2).
async fn seed_answers(t: &TestBot) {
    let (old, recent) = (days_ago(100), days_ago(3));
    sqlx::query(
        "INSERT INTO digests (id, standup_id, local_date, posted_at) VALUES (1, 1, '2026-02-21', ?1), (2, 1, '2026-05-29', ?2);
         INSERT INTO standup_runs (id, standup_id, member_id, local_date, tz, prompt_at, state, prompted_at, answered_at)
         VALUES (1, 1, 1, '2026-02-20', 'UTC', ?1, 'answered', ?1, ?1),  -- goes, with its answer
                (2, 1, 1, '2026-02-21', 'UTC', ?1, 'prompted', ?1, NULL), -- replaced by run 4: goes
                (3, 1, 2, '2026-02-21', 'UTC', ?1, 'prompted', ?1, NULL), -- member 2's open run: stays
                (4, 1, 1, '2026-05-29', 'UTC', ?2, 'answered', ?2, ?2);   -- within
         INSERT INTO answers (run_id, question_index, text, answered_at, updated_at, digest_id)
         VALUES (1, 0, 'old words', ?1, ?1, 1), (4, 0, 'recent words', ?2, ?2, 2);",
    )
    .bind(old)
    .bind(recent)
    .execute(pool(t))
    .await
    .unwrap();
    sqlx::query("INSERT INTO decisions (id, workspace_id, text, created_at) VALUES (1, 1, 'old', ?), (2, 1, 'new', ?)")
        .bind(old)
        .bind(recent)
        .execute(pool(t))
        .await
        .unwrap();
}

#[tokio::test]
async fn answers_and_decisions_are_kept_for_good_by_default() {
    let t = bot(settings(&[])).await;
    seed_answers(&t).await;

    housekeep(&t).await;

    assert_eq!(ids(&t, "standup_runs").await, vec![1, 2, 3, 4]);
    assert_eq!(ids(&t, "digests").await, vec![1, 2]);
    assert_eq!(ids(&t, "decisions").await, vec![1, 2]);
}

#[tokio::test]
async fn with_a_retention_old_answers_and_their_digests_go_but_open_runs_and_the_latest_digest_stay() {
    let t = bot(settings(&[("ANSWERS", "90d"), ("DECISIONS", "90d")])).await;
    seed_answers(&t).await;

    housekeep(&t).await;

    assert_eq!(ids(&t, "standup_runs").await, vec![3, 4]);
    let answers: Vec<String> = sqlx::query_scalar("SELECT text FROM answers").fetch_all(pool(&t)).await.unwrap();
    assert_eq!(answers, vec!["recent words"]);
    assert_eq!(ids(&t, "digests").await, vec![2], "digest 1 carried only deleted answers");
    assert_eq!(ids(&t, "decisions").await, vec![2]);
}

#[tokio::test]
async fn a_standups_latest_digest_stays_however_old() {
    let t = bot(settings(&[("ANSWERS", "30d")])).await;
    sqlx::query("INSERT INTO digests (id, standup_id, local_date, posted_at) VALUES (1, 1, '2025-01-01', ?), (2, 1, '2025-01-02', ?)")
        .bind(days_ago(400))
        .bind(days_ago(399))
        .execute(pool(&t))
        .await
        .unwrap();

    housekeep(&t).await;

    assert_eq!(ids(&t, "digests").await, vec![2], "the next digest reads what is new since it");
}

#[tokio::test]
async fn many_expired_rows_go_in_batches_and_a_run_past_its_budget_continues_at_once() {
    let t = bot(settings(&[])).await;
    // More than one run's budget (200 batches of 500).
    let rows = 100_700;
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?2)
         INSERT INTO inbox (platform, workspace, delivery_id, event, state, not_before, received_at)
         SELECT 'slack', 'T1', 'message:C1:' || i, '{}', 'handled', ?1, ?1 FROM n",
    )
    .bind(days_ago(60))
    .bind(rows)
    .execute(pool(&t))
    .await
    .unwrap();
    let first = start() + FIRST_RUN_AFTER;

    housekeep(&t).await;

    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM inbox").fetch_one(pool(&t)).await.unwrap();
    assert_eq!(left, 0);
    assert_eq!(runs_done(&t).await, 2, "the first run stopped at its budget; a second, due at once, finished");
    // The follow-up was due when the first run ended (the manual clock stood still): the daily
    // time holds.
    assert_eq!(pending_housekeeping(&t).await, vec![first + EVERY]);
}

#[tokio::test]
async fn housekeeping_reschedules_itself_exactly_once_per_day() {
    let mut t = bot(settings(&[])).await;
    let first = start() + FIRST_RUN_AFTER;
    assert_eq!(pending_housekeeping(&t).await, vec![first], "scheduled at start");

    for day in 0..5 {
        t.run_until(&(first + EVERY * day).to_rfc3339()).await;
        assert_eq!(runs_done(&t).await, i64::from(day) + 1);
        assert_eq!(pending_housekeeping(&t).await, vec![first + EVERY * (day + 1)]);
    }

    // A restart keeps the pending run (and its time of day) instead of adding one.
    t.restart().await;
    assert_eq!(pending_housekeeping(&t).await, vec![first + EVERY * 5]);

    // After three days down, one run catches up and the next is the next day at the same time.
    t.clock.set(first + EVERY * 8 + Duration::hours(1));
    t.bot.run_due_jobs().await.unwrap();
    assert_eq!(runs_done(&t).await, 6);
    assert_eq!(pending_housekeeping(&t).await, vec![first + EVERY * 9]);
}
