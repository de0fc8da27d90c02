//! Erasure that erases (issue 12, item 4): after `/async forget-me` (asked, then confirmed) or
//! `unhurried forget USER_ID --yes`, no column of any table of the real SQLite file holds the
//! member's platform id, display name or words — not in outbox rows, open questions, nudges,
//! answers, digest snapshots, inbox events or job payloads. The same `unhurried forget` on a
//! PostgreSQL schema the demo scenario filled leaves no column of any table holding them either.

use std::path::Path;
use std::process::Stdio;

use sqlx::Connection as _;
use unhurried::adapters::postgres::testing::fresh_schema_url;
use unhurried::adapters::sqlite::SqliteStore;
use unhurried::domain::platform::Platform;

use crate::standup::{bot, seed, spec, submit};
use crate::support::{TestBot, profile};

const ALICE: &str = "U0ALICE0001";
const BOB: &str = "U0BOB000002";
const ALICE_NAME: &str = "alicewonder";

/// What alice typed, each distinctive enough to be found anywhere it was copied.
const HER_WORDS: [&str; 6] = [
    "polished the zebra importer",
    "reviewing kiwi migrations",
    "blocked on quokka credentials",
    "check the marmalade pipeline",
    "anything about the walrus rollout",
    "pinging about narwhal",
];

/// A team of two that has worked for a day: alice answered her standup, asked bob a question in
/// the channel, pinged him, wrote to the bot; the digest went out with her answers, and bob's
/// morning brief repeated her question.
async fn a_day_of_work() -> TestBot {
    let members = [
        ("U0ALICE0001", profile(ALICE_NAME, Some("Europe/Berlin"))),
        (BOB, profile("bobbuilder", Some("Europe/Berlin"))),
    ];
    let mut t = bot(Platform::Slack, "2026-03-29T12:00:00Z", &members).await;
    seed(&t, &spec(&[ALICE, BOB], "Europe/Berlin", None)).await;
    t.run_until("2026-03-30T07:31:00Z").await;
    submit(&t, ALICE, &[HER_WORDS[0], HER_WORDS[1], HER_WORDS[2]]).await;
    submit(&t, BOB, &[&format!("paired with <@{ALICE}> on the importer"), "more of it", "none"]).await;
    t.message(ALICE, "C1", &format!("<@{BOB}> could you {}?", HER_WORDS[3]), None).await;
    t.message(ALICE, "C2", &format!("<@{BOB}> hi"), None).await;
    t.dm(ALICE, HER_WORDS[4]).await;
    t.command(ALICE, "C1", &format!("tz Europe/Berlin {}", HER_WORDS[5])).await;
    t.run_until("2026-03-31T08:00:00Z").await;
    t
}

/// Every (table, column, rows) of the database file at `url` whose text holds `needle`.
async fn columns_holding(store: &SqliteStore, needle: &str) -> Vec<(String, String, i64)> {
    let tables: Vec<String> = sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .fetch_all(store.pool())
        .await
        .unwrap();
    let mut found = Vec::new();
    for table in tables {
        let columns: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info(?)")
            .bind(&table)
            .fetch_all(store.pool())
            .await
            .unwrap();
        for column in columns {
            let sql = format!("SELECT count(*) FROM \"{table}\" WHERE instr(CAST(\"{column}\" AS TEXT), ?) > 0");
            let rows: i64 =
                sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(needle).fetch_one(store.pool()).await.unwrap();
            if rows > 0 {
                found.push((table.clone(), column, rows));
            }
        }
    }
    found
}

/// Her id, her name and her words, wherever the database holds them.
async fn traces_of_her(store: &SqliteStore) -> Vec<(String, Vec<(String, String, i64)>)> {
    let mut traces = Vec::new();
    for needle in [ALICE, ALICE_NAME].into_iter().chain(HER_WORDS) {
        let found = columns_holding(store, needle).await;
        if !found.is_empty() {
            traces.push((needle.to_owned(), found));
        }
    }
    traces
}

#[tokio::test]
async fn forget_me_asks_first_then_leaves_no_column_holding_her_id_name_or_words() {
    let mut t = a_day_of_work().await;
    let before = traces_of_her(&t.store).await;
    let places: Vec<&str> =
        before.iter().flat_map(|(_, found)| found.iter().map(|(table, _, _)| table.as_str())).collect();
    for table in ["members", "answers", "open_questions", "outbox", "inbox", "digests"] {
        assert!(places.contains(&table), "the day left her traces in {table}: {before:#?}");
    }

    t.command(ALICE, "C1", "forget-me").await;
    let asked = t.chat.transcript().last().unwrap().text.clone();
    assert!(asked.contains("type `/async forget-me` again within 10 minutes"), "{asked}");
    assert_eq!(traces_of_her(&t.store).await.len(), before.len(), "nothing is erased before she confirms");

    t.clock.advance(chrono::Duration::minutes(2));
    t.command(ALICE, "C1", "forget-me").await;
    let done = t.chat.transcript().last().unwrap().text.clone();
    assert!(done.starts_with("Done: you are erased."), "{done}");
    assert_eq!(traces_of_her(&t.store).await, [], "every column of every table");

    // The team goes on: the next day's digest is composed from what is left.
    t.run_until("2026-04-01T16:00:00Z").await;
    assert_eq!(traces_of_her(&t.store).await, []);
    let former: i64 = sqlx::query_scalar("SELECT count(*) FROM members WHERE display_name = 'former member'")
        .fetch_one(t.store.pool())
        .await
        .unwrap();
    assert_eq!(former, 1);
}

#[tokio::test]
async fn a_forget_me_confirmed_too_late_asks_again() {
    let mut t = a_day_of_work().await;
    t.command(ALICE, "C1", "forget-me").await;
    t.clock.advance(chrono::Duration::minutes(11));
    t.command(ALICE, "C1", "forget-me").await;
    let asked = t.chat.transcript().last().unwrap().text.clone();
    assert!(asked.contains("again within 10 minutes"), "{asked}");
    assert!(!traces_of_her(&t.store).await.is_empty());
}

fn unhurried(db: &Path) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_unhurried"));
    command.env_clear().env("UNHURRIED_DATABASE__URL", format!("sqlite://{}", db.display())).stdin(Stdio::null());
    command
}

#[tokio::test]
async fn unhurried_forget_shows_whom_then_erases_with_yes_and_leaves_nothing_in_the_file() {
    let t = a_day_of_work().await;
    let db = t.store.path().unwrap().clone();
    t.store.close_cleanly().await.unwrap();

    let output = unhurried(&db).args(["forget", ALICE]).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains(&format!("member {ALICE} in slack T1")), "{stdout}");
    assert!(stdout.contains("run again with --yes"), "{stdout}");

    let output = unhurried(&db).args(["forget", ALICE, "--yes"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout} {}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("erased"), "{stdout}");

    let output = unhurried(&db).args(["forget", ALICE, "--yes"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1), "a second time: nobody has that id any more");

    let store = SqliteStore::connect(&format!("sqlite://{}", db.display())).await.unwrap();
    assert_eq!(traces_of_her(&store).await, []);
    store.close_cleanly().await.unwrap();
    // Not even in free space or in the log: the file's bytes hold none of it.
    let mut bytes = std::fs::read(&db).unwrap();
    let mut wal = db.clone().into_os_string();
    wal.push("-wal");
    bytes.extend(std::fs::read(&wal).unwrap_or_default());
    for needle in [ALICE, ALICE_NAME].into_iter().chain(HER_WORDS) {
        let found = bytes.windows(needle.len()).any(|window| window == needle.as_bytes());
        assert!(!found, "{needle} is still in the file's bytes");
    }
}

/// Every (table, column, rows) of the PostgreSQL schema `conn` uses whose text holds `needle`.
async fn pg_columns_holding(conn: &mut sqlx::PgConnection, needle: &str) -> Vec<(String, String, i64)> {
    let columns: Vec<(String, String)> = sqlx::query_as(
        "SELECT table_name::TEXT, column_name::TEXT FROM information_schema.columns
         WHERE table_schema = current_schema() ORDER BY table_name, column_name",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    let mut found = Vec::new();
    for (table, column) in columns {
        let sql = format!("SELECT count(*) FROM \"{table}\" WHERE strpos(CAST(\"{column}\" AS TEXT), $1) > 0");
        let rows: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(needle).fetch_one(&mut *conn).await.unwrap();
        if rows > 0 {
            found.push((table, column, rows));
        }
    }
    found
}

#[tokio::test]
async fn unhurried_forget_on_postgresql_erases_every_copy_and_says_what_vacuum_and_archives_keep() {
    const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/demo.toml");
    let url = fresh_schema_url().await.unwrap();
    let run = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_unhurried"))
            .args(args)
            .env_clear()
            .env("UNHURRIED_DATABASE__URL", &url)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let text = |bytes: Vec<u8>| String::from_utf8(bytes).unwrap();
        (output.status.code(), text(output.stdout), text(output.stderr))
    };
    let (code, _, stderr) = run(&["simulate", DEMO, "--db", &url]);
    assert_eq!(code, Some(0), "{stderr}");

    // Bob's id, his name and what he typed (his answers, as the demo's week left them).
    let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
    let mut needles: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT a.text FROM answers a JOIN standup_runs r ON r.id = a.run_id
         JOIN members m ON m.id = r.member_id WHERE m.platform_user_id = 'U_BOB' AND length(a.text) >= 4",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    assert!(needles.len() >= 3, "bob answered: {needles:?}");
    needles.extend(["U_BOB".to_owned(), "bob".to_owned()]);
    let mut places = Vec::new();
    for needle in &needles {
        places.extend(pg_columns_holding(&mut conn, needle).await.into_iter().map(|(table, _, _)| table));
    }
    for table in ["members", "answers", "outbox", "inbox", "digests"] {
        assert!(places.contains(&table.to_owned()), "the week left his traces in {table}: {places:?}");
    }

    let (code, stdout, stderr) = run(&["forget", "U_BOB"]);
    assert_eq!(code, Some(0), "{stdout} {stderr}");
    assert!(stdout.contains("member U_BOB in slack sim"), "{stdout}");
    assert!(stdout.contains("run again with --yes"), "{stdout}");
    assert!(!pg_columns_holding(&mut conn, "U_BOB").await.is_empty(), "nothing is erased without --yes");

    let (code, stdout, stderr) = run(&["forget", "U_BOB", "--yes"]);
    assert_eq!(code, Some(0), "{stdout} {stderr}");
    assert!(stdout.contains("erased"), "{stdout}");
    assert!(stdout.contains("until VACUUM"), "{stdout}");
    for needle in &needles {
        assert_eq!(pg_columns_holding(&mut conn, needle).await, [], "{needle}: every column of every table");
    }
    let former: i64 = sqlx::query_scalar("SELECT count(*) FROM members WHERE display_name = 'former member'")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(former, 1);

    let (code, _, stderr) = run(&["forget", "U_BOB", "--yes"]);
    assert_eq!(code, Some(1), "a second time: nobody has that id any more; {stderr}");

    // A database without unhurried's tables is refused, not migrated.
    let empty = fresh_schema_url().await.unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_unhurried"))
        .args(["forget", "U_BOB", "--yes"])
        .env_clear()
        .env("UNHURRIED_DATABASE__URL", &empty)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no unhurried tables"));
    let mut conn = sqlx::PgConnection::connect(&empty).await.unwrap();
    let tables: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()")
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!(tables, 0);
}
