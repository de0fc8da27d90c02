//! `unhurried export` against the real binary on a real SQLite file (made by `unhurried
//! simulate --db` from the demo scenario): JSON and CSV with member names and local dates, the
//! --since and --standup filters, one-line errors, and it reads while another process holds the
//! database's instance lock (a running `serve`). On a fresh PostgreSQL schema made from the same
//! scenario, the same export, byte for byte.

use std::process::Command;

use serde_json::Value;
use sqlx::Connection as _;
use unhurried::adapters::postgres::testing::fresh_schema_url;
use unhurried::adapters::sqlite::SqliteStore;
use unhurried::ports::Store as _;

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/demo.toml");

/// Runs the binary on `db`; returns exit code, stdout, stderr.
fn unhurried(db: &std::path::Path, args: &[&str]) -> (Option<i32>, String, String) {
    unhurried_on(&format!("sqlite://{}", db.display()), args)
}

/// Runs the binary with `database.url` = `url`; returns exit code, stdout, stderr.
fn unhurried_on(url: &str, args: &[&str]) -> (Option<i32>, String, String) {
    let output =
        Command::new(env!("CARGO_BIN_EXE_unhurried")).args(args).env("UNHURRIED_DATABASE__URL", url).output().unwrap();
    (output.status.code(), String::from_utf8(output.stdout).unwrap(), String::from_utf8(output.stderr).unwrap())
}

fn demo_database(dir: &tempfile::TempDir) -> std::path::PathBuf {
    let db = dir.path().join("demo.db");
    let (code, _, stderr) = unhurried(&db, &["simulate", DEMO, "--db", db.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stderr}");
    db
}

#[tokio::test]
async fn export_writes_answers_runs_decisions_and_digests_with_names_and_local_dates() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_database(&dir);
    // A running `serve` holds the instance lock; the export only reads beside it.
    let store = SqliteStore::open(&format!("sqlite://{}", db.display())).await.unwrap();
    let _serving = store.lock_instance().unwrap();

    let out = dir.path().join("export.json");
    let (code, stdout, stderr) = unhurried(&db, &["export", "--format", "json", "--out", out.to_str().unwrap()]);
    assert_eq!((code, stdout.as_str()), (Some(0), ""), "{stderr}");
    let export: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let answers = export["answers"].as_array().unwrap();
    let blocker = answers.iter().find(|a| a["blocker"] == true).expect("bob's blocker");
    assert_eq!(blocker["member"], "bob");
    assert_eq!(blocker["standup"], "daily");
    assert_eq!(blocker["question"], "Anything blocking you?");
    assert_eq!(
        (blocker["local_date"].as_str(), blocker["tz"].as_str()),
        (Some("2026-03-26"), Some("America/New_York"))
    );
    let runs = export["runs"].as_array().unwrap();
    assert!(runs.iter().any(|r| r["member"] == "chen" && r["state"] == "missed"), "{runs:?}");
    let decision = &export["decisions"][0];
    assert_eq!((decision["author"].as_str(), decision["local_date"].as_str()), (Some("alice"), Some("2026-03-27")));
    assert!(decision["text"].as_str().unwrap().starts_with("ship the importer behind a flag"));
    let digests = export["digests"].as_array().unwrap();
    assert!(digests.iter().any(|d| d["local_date"] == "2026-03-26" && d["answers"] == 6), "{digests:?}");

    // --since by local date; --standup by name.
    let (_, since, _) = unhurried(&db, &["export", "--format", "json", "--since", "2026-03-27", "--standup", "daily"]);
    let since: Value = serde_json::from_str(&since).unwrap();
    assert!(since["answers"].as_array().unwrap().iter().all(|a| a["local_date"].as_str().unwrap() >= "2026-03-27"));
    assert!(!since["answers"].as_array().unwrap().is_empty());
    assert!(since["digests"].as_array().unwrap().iter().all(|d| d["local_date"] != "2026-03-26"));

    // CSV: one table, a kind column, quoted fields where needed.
    let (code, csv, _) = unhurried(&db, &["export", "--format", "csv"]);
    assert_eq!(code, Some(0));
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "kind,workspace,standup,member,member_id,local_date,tz,question_number,question,text,blocker,state,channel,at"
        )
    );
    assert!(csv.contains("answer,sim,daily,bob,U_BOB,2026-03-26,America/New_York,3,Anything blocking you?,"), "{csv}");
    for kind in ["run,", "decision,", "digest,"] {
        assert!(csv.lines().any(|l| l.starts_with(kind)), "{kind}");
    }

    // Bad input: one line, exit code 2, nothing written.
    for args in [
        &["export", "--format", "json", "--since", "March"][..],
        &["export", "--format", "json", "--standup", "nosuch"],
    ] {
        let (code, stdout, stderr) = unhurried(&db, args);
        assert_eq!((code, stdout.as_str(), stderr.trim().lines().count()), (Some(2), "", 1), "{args:?}: {stderr}");
    }
    let (code, _, stderr) = unhurried(&dir.path().join("missing.db"), &["export", "--format", "csv"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(!dir.path().join("missing.db").exists(), "an export never creates a database");
}

#[tokio::test]
async fn export_from_postgresql_gives_what_sqlite_gives_and_never_creates_a_schema() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_database(&dir);
    let url = fresh_schema_url().await.unwrap();
    let (code, _, stderr) = unhurried_on(&url, &["simulate", DEMO, "--db", &url]);
    assert_eq!(code, Some(0), "{stderr}");

    for args in [
        &["export", "--format", "json"][..],
        &["export", "--format", "csv"],
        &["export", "--format", "json", "--since", "2026-03-27", "--standup", "DAILY"],
        &["export", "--format", "csv", "--since", "2026-03-30"],
        &["export", "--format", "json", "--standup", "nosuch"],
    ] {
        let on_sqlite = unhurried(&db, args);
        let on_postgres = unhurried_on(&url, args);
        assert_eq!(on_postgres, on_sqlite, "{args:?}");
    }
    let (_, json, _) = unhurried_on(&url, &["export", "--format", "json"]);
    let export: Value = serde_json::from_str(&json).unwrap();
    assert!(export["answers"].as_array().unwrap().len() > 10, "the demo's answers: {json}");

    // A database without unhurried's tables: one line, exit 1, and nothing created.
    let empty = fresh_schema_url().await.unwrap();
    let (code, stdout, stderr) = unhurried_on(&empty, &["export", "--format", "csv"]);
    assert_eq!((code, stdout.as_str()), (Some(1), ""), "{stderr}");
    assert!(stderr.contains("no unhurried tables"), "{stderr}");
    let mut conn = sqlx::PgConnection::connect(&empty).await.unwrap();
    let tables: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()")
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!(tables, 0, "an export never creates or migrates a database");
}
