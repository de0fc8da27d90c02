//! What an operator does to the database, with the real binary on real files (issue 12):
//! a damaged page, a file from a newer version and a file the process may not write are refused
//! at start with one line naming the file and what to do; a clean stop leaves the whole database
//! in its main file; `backup` copies the live database during a fan-out; `restore` checks first
//! and never replaces a database `serve` is using.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use unhurried::adapters::sqlite::{SqliteStore, schema_version};

use crate::slack_cli::{Served, for_serve, now_unix};
use crate::slack_double::SlackDouble;
use crate::slack_support::SIGNING_SECRET;

fn url(db: &Path) -> String {
    format!("sqlite://{}", db.display())
}

/// `unhurried` on `db` with no chat credentials.
fn unhurried(db: &Path) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_unhurried"));
    command
        .env_clear()
        .env("UNHURRIED_DATABASE__URL", url(db))
        .env("UNHURRIED_HTTP__ADDR", "127.0.0.1:0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    command
}

/// Runs `command` to its end (it must end by itself within a minute): (exit code, stdout, stderr).
async fn run(mut command: tokio::process::Command) -> (Option<i32>, String, String) {
    let output = tokio::time::timeout(Duration::from_secs(60), command.output())
        .await
        .expect("the command ends by itself")
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The line the process prints for the operator (`unhurried: …`), without the log lines.
fn said(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|line| line.starts_with("unhurried: ")).collect()
}

/// A migrated database with some jobs in it, closed cleanly (the file alone holds everything).
async fn database_with_jobs(db: &Path, jobs: usize) {
    let store = SqliteStore::open(&url(db)).await.unwrap();
    for n in 0..jobs {
        sqlx::query(
            "INSERT INTO jobs (kind, key, due_at, payload, state, created_at) VALUES ('test', ?, 0, ?, 'done', 0)",
        )
        .bind(format!("job-{n}"))
        .bind(format!("{{\"padding\": \"{}\"}}", "x".repeat(200)))
        .execute(store.pool())
        .await
        .unwrap();
    }
    store.close_cleanly().await.unwrap();
}

#[tokio::test]
async fn serve_refuses_a_damaged_page_with_one_line_naming_the_file_and_the_restore() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("unhurried.db");
    database_with_jobs(&db, 200).await;
    let root_page: i64 = {
        let store = SqliteStore::connect(&url(&db)).await.unwrap();
        let page = sqlx::query_scalar("SELECT rootpage FROM sqlite_master WHERE name = 'jobs'")
            .fetch_one(store.pool())
            .await
            .unwrap();
        store.close_cleanly().await.unwrap();
        page
    };
    // The jobs table's root page: its header says it is an interior page, with a garbage cell count.
    let mut bytes = std::fs::read(&db).unwrap();
    let page = (root_page as usize - 1) * 4096;
    bytes[page..page + 8].copy_from_slice(&[0x05, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    std::fs::write(&db, &bytes).unwrap();

    let mut command = unhurried(&db);
    command.arg("serve");
    let (code, _, stderr) = run(command).await;
    assert_eq!(code, Some(1), "{stderr}");
    let lines = said(&stderr);
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].contains(&format!("the database {} is damaged", db.display())), "{stderr}");
    assert!(lines[0].contains("unhurried restore BACKUP_FILE"), "{stderr}");
}

#[tokio::test]
async fn serve_and_migrate_refuse_a_database_from_a_newer_version_naming_both_versions() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("unhurried.db");
    {
        let store = SqliteStore::open(&url(&db)).await.unwrap();
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time)
             VALUES (9999, 'from the future', '2027-01-01', 1, x'00', 0)",
        )
        .execute(store.pool())
        .await
        .unwrap();
        store.close_cleanly().await.unwrap();
    }
    for verb in ["serve", "migrate"] {
        let mut command = unhurried(&db);
        command.arg(verb);
        let (code, _, stderr) = run(command).await;
        assert_eq!(code, Some(1), "{verb}: {stderr}");
        let lines = said(&stderr);
        assert_eq!(lines.len(), 1, "{verb}: {stderr}");
        let known = schema_version();
        assert!(lines[0].contains("is at schema version 9999 (from the future)"), "{verb}: {stderr}");
        assert!(lines[0].contains(&format!("knows schema versions up to {known}")), "{verb}: {stderr}");
    }
}

#[tokio::test]
async fn a_database_the_process_may_not_write_is_named_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("unhurried.db");
    database_with_jobs(&db, 1).await;
    let mut command = unhurried(&db);
    if nix_uid() == 0 {
        // root may write any file: run as nobody, in a directory it may write, on a file owned
        // by root (a database restored as root for a service that runs as its own user).
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
        let mut as_nobody = tokio::process::Command::new("setpriv");
        as_nobody
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", env!("CARGO_BIN_EXE_unhurried"), "serve"])
            .env_clear()
            .env("UNHURRIED_DATABASE__URL", url(&db))
            .env("UNHURRIED_HTTP__ADDR", "127.0.0.1:0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        command = as_nobody;
    } else {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
        command.arg("serve");
    }
    let (code, _, stderr) = run(command).await;
    assert_eq!(code, Some(1), "{stderr}");
    let lines = said(&stderr);
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].contains(&format!("the database {} cannot be written by this process", db.display())), "{stderr}");
    assert!(lines[0].contains("give the user unhurried runs as write access"), "{stderr}");
}

fn nix_uid() -> u32 {
    use std::os::unix::fs::MetadataExt as _;
    // The owner of a file this process just created is this process's user.
    let probe = tempfile::NamedTempFile::new().unwrap();
    probe.as_file().metadata().unwrap().uid()
}

#[tokio::test]
async fn a_clean_stop_leaves_the_whole_database_in_its_main_file() {
    let double = SlackDouble::start().await;
    double.add_user("U1", "alice", "Europe/Berlin");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let mut command = for_serve(&double, &db);
    command.env("RUST_LOG", "info");
    let mut served = Served::start(command).await;
    for n in 0..20 {
        let event = crate::slack_support::message_callback(
            &format!("EvStop{n}"),
            "U1",
            "C1",
            &format!("1774598400.0002{n:02}"),
            "the release notes are in the doc",
        );
        let status = served.post_signed("/slack/events", &event.to_string(), SIGNING_SECRET, now_unix(), &[]).await;
        assert_eq!(status, 200);
    }
    let pid = served.child.id().unwrap();
    let wal = dir.path().join("db-wal");
    assert!(std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0) > 0, "the running process writes to the -wal");
    let killed = std::process::Command::new("kill").args(["-TERM", &pid.to_string()]).status().unwrap();
    assert!(killed.success());
    let status = tokio::time::timeout(Duration::from_secs(30), served.child.wait()).await.expect("it stops").unwrap();
    let logs = served.stop().await;
    assert_eq!(status.code(), Some(0), "{logs}");
    assert_eq!(std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0), 0, "the -wal is empty after a clean stop");

    // The main file alone (as a careless copy would take it) holds every event.
    let copy_dir = tempfile::tempdir().unwrap();
    let copy = copy_dir.path().join("db");
    std::fs::copy(&db, &copy).unwrap();
    let store = SqliteStore::connect(&url(&copy)).await.unwrap();
    let events: i64 = sqlx::query_scalar("SELECT count(*) FROM inbox").fetch_one(store.pool()).await.unwrap();
    assert_eq!(events, 20);
}
