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

/// Makes `command` a production `serve` (with chat credentials): without them `serve` is the
/// playground, which never opens `database.url`. Slack's API is a port nobody listens on: these
/// runs stop at the database, before Slack is asked anything.
fn with_credentials(command: &mut tokio::process::Command) -> &mut tokio::process::Command {
    command
        .env("SLACK_BOT_TOKEN", "xoxb-operations-test")
        .env("SLACK_SIGNING_SECRET", SIGNING_SECRET)
        .env("UNHURRIED_SLACK__API_URL", "http://127.0.0.1:9/api")
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
    let already: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs").fetch_one(store.pool()).await.unwrap();
    for n in already..already + jobs as i64 {
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
    with_credentials(&mut command).arg("serve");
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
        with_credentials(&mut command).arg(verb);
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
        with_credentials(&mut as_nobody);
        command = as_nobody;
    } else {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
        with_credentials(&mut command).arg("serve");
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

/// Seeds a standup of `members` members whose prompts are due now, as an admin would have set it
/// up ten minutes before the process started (as `kill9.rs` does).
async fn seed_fan_out(double: &SlackDouble, db: &Path, members: usize) {
    use std::sync::Arc;

    use chrono::{Timelike as _, Utc};
    use secrecy::SecretString;
    use unhurried::adapters::clock::ManualClock;
    use unhurried::adapters::slack::{self, SlackPlatform};
    use unhurried::bot::Bot;
    use unhurried::config::Settings;
    use unhurried::domain::calendar::{Timezone, Weekdays};
    use unhurried::domain::schedule::Recurrence;
    use unhurried::features::standup::{StandupSpec, seed_standup};

    let now = Utc::now();
    let offset = (-8..=14).find(|h| (11..14).contains(&(now + chrono::Duration::hours(*h)).hour())).unwrap();
    let zone = crate::slack_cli::etc_zone(offset);
    let at = (now + chrono::Duration::hours(offset)).time().with_second(0).unwrap().with_nanosecond(0).unwrap();
    let users: Vec<String> = (0..members).map(|n| format!("U{n:04}")).collect();
    for user in &users {
        double.add_user(user, user, &zone);
    }
    slack::install_crypto_provider();
    let mut settings = Settings::defaults();
    settings.slack.api_url = double.api_url.clone();
    settings.workspace.days = Weekdays::ALL;
    let store = Arc::new(SqliteStore::open(&url(db)).await.unwrap());
    let clock = Arc::new(ManualClock::new(now - chrono::Duration::minutes(10)));
    let client = slack::client(&double.api_url).unwrap();
    let platform = SlackPlatform::new(client, &SecretString::from(crate::slack_support::BOT_TOKEN));
    let bot = Bot::new(store.clone(), clock, Arc::new(platform), Arc::new(settings));
    let workspace_id = bot.workspace_id("T1").await.unwrap();
    for user in &users {
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
    drop(bot);
    store.close_cleanly().await.unwrap();
}

/// Prompts the double kept (the only DMs of these tests).
fn prompts(double: &SlackDouble) -> usize {
    double.posted().iter().filter(|post| post.channel.starts_with('D')).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_during_a_fan_out_is_whole_and_holds_every_row_committed_before_it() {
    const MEMBERS: usize = 200;
    let double = SlackDouble::start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    seed_fan_out(&double, &db, MEMBERS).await;
    let mut command = for_serve(&double, &db);
    command.env("UNHURRIED_DELIVERY__SLACK_POSTS_PER_SECOND", "50").env("RUST_LOG", "info");
    let served = Served::start(command).await;
    double.wait_until_within("30 prompts", Duration::from_secs(30), |d| prompts(d) >= 30).await;

    // What is committed now, read from the live file as any other reader would.
    let live = SqliteStore::connect(&url(&db)).await.unwrap();
    let outbox_before: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, state FROM outbox ORDER BY id").fetch_all(live.pool()).await.unwrap();
    let jobs_before: Vec<(String, String)> =
        sqlx::query_as("SELECT key, state FROM jobs ORDER BY key").fetch_all(live.pool()).await.unwrap();
    let runs_before: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, state FROM standup_runs ORDER BY id").fetch_all(live.pool()).await.unwrap();
    live.close_cleanly().await.ok();

    let backup = dir.path().join("backup.db");
    let mut command = unhurried(&db);
    command.arg("backup").arg(&backup);
    let (code, stdout, stderr) = run(command).await;
    assert_eq!(code, Some(0), "{stderr}");
    let prompted_at_backup = prompts(&double);
    assert!(stdout.contains(&format!("written to {}", backup.display())), "{stdout}");
    assert!(stdout.contains("integrity ok"), "{stdout}");
    assert!(stdout.contains("rows: workspaces 1, members 200, standups 1"), "the row counts: {stdout}");
    assert!(stdout.contains(" KiB") || stdout.contains(" MiB"), "the size: {stdout}");

    // The copy opens on its own, is whole, and holds every row committed before it started, at
    // least as far along as it was then.
    let copy = SqliteStore::connect(&url(&backup)).await.unwrap();
    let integrity: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check").fetch_all(copy.pool()).await.unwrap();
    assert_eq!(integrity, ["ok"]);
    let outbox_copy: std::collections::HashMap<i64, String> =
        sqlx::query_as("SELECT id, state FROM outbox").fetch_all(copy.pool()).await.unwrap().into_iter().collect();
    for (id, state) in &outbox_before {
        let copied = outbox_copy.get(id).unwrap_or_else(|| panic!("outbox row {id} is missing from the backup"));
        if state == "sent" {
            assert_eq!(copied, "sent", "outbox row {id}");
        }
    }
    let jobs_copy: std::collections::HashMap<String, String> =
        sqlx::query_as("SELECT key, state FROM jobs").fetch_all(copy.pool()).await.unwrap().into_iter().collect();
    for (key, state) in &jobs_before {
        let copied = jobs_copy.get(key).unwrap_or_else(|| panic!("job {key} is missing from the backup"));
        if state == "done" {
            assert_eq!(copied, "done", "job {key}");
        }
    }
    let runs_copy: std::collections::HashMap<i64, String> = sqlx::query_as("SELECT id, state FROM standup_runs")
        .fetch_all(copy.pool())
        .await
        .unwrap()
        .into_iter()
        .collect();
    for (id, _) in &runs_before {
        assert!(runs_copy.contains_key(id), "standup run {id} is missing from the backup");
    }
    let sent_in_copy = outbox_copy.values().filter(|state| *state == "sent").count();
    copy.close_cleanly().await.ok();

    // A second backup to the same file is refused, and changes nothing.
    let size = std::fs::metadata(&backup).unwrap().len();
    let mut command = unhurried(&db);
    command.arg("backup").arg(&backup);
    let (code, _, stderr) = run(command).await;
    assert_eq!(code, Some(1));
    assert_eq!(
        said(&stderr),
        [format!("unhurried: {} already exists: a backup never overwrites; choose a new file name", backup.display())]
    );
    assert_eq!(std::fs::metadata(&backup).unwrap().len(), size);

    double.wait_until_within("every prompt", Duration::from_secs(60), |d| prompts(d) >= MEMBERS).await;
    let logs = served.stop().await;
    assert!(
        sent_in_copy < MEMBERS,
        "the backup was taken during the fan-out ({sent_in_copy} sent in it, {prompted_at_backup} when it ended): {logs}"
    );
}

#[tokio::test]
async fn restore_refuses_while_serve_runs_checks_the_backup_and_keeps_the_database_it_replaces() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("unhurried.db");
    database_with_jobs(&db, 3).await;
    let backup = dir.path().join("backup.db");
    let mut command = unhurried(&db);
    command.arg("backup").arg(&backup);
    assert_eq!(run(command).await.0, Some(0));
    // After the backup, the live database moves on.
    database_with_jobs(&db, 5).await;

    // While serve holds the database, restore refuses and changes nothing.
    let double = SlackDouble::start().await;
    let mut serving = for_serve(&double, &db);
    serving.arg("serve").stderr(Stdio::null());
    let mut child = serving.spawn().unwrap();
    let lock_held = || {
        let mut lock = db.clone().into_os_string();
        lock.push(".lock");
        let file = std::fs::OpenOptions::new().write(true).open(&lock);
        file.map(|file| file.try_lock().is_err()).unwrap_or(false)
    };
    for _ in 0..500 {
        if lock_held() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut command = unhurried(&db);
    command.arg("restore").arg(&backup);
    let (code, _, stderr) = run(command).await;
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(
        said(&stderr),
        [format!(
            "unhurried: unhurried serve is running on {} (it holds {}.lock): stop it first, then restore",
            db.display(),
            db.display()
        )]
    );
    child.kill().await.unwrap();
    let _ = child.wait().await;

    // A damaged backup is refused before anything is touched.
    let damaged = dir.path().join("damaged.db");
    let mut bytes = std::fs::read(&backup).unwrap();
    let half = bytes.len() / 2;
    bytes.truncate(half);
    std::fs::write(&damaged, &bytes).unwrap();
    let mut command = unhurried(&db);
    command.arg("restore").arg(&damaged);
    let (code, _, stderr) = run(command).await;
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        said(&stderr)[0].contains("nothing was changed") || said(&stderr)[0].contains("not a readable"),
        "{stderr}"
    );

    // A backup from a newer version is refused too.
    let newer = dir.path().join("newer.db");
    std::fs::copy(&backup, &newer).unwrap();
    {
        let store = SqliteStore::connect(&url(&newer)).await.unwrap();
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time)
             VALUES (9999, 'from the future', '2027-01-01', 1, x'00', 0)",
        )
        .execute(store.pool())
        .await
        .unwrap();
        store.close_cleanly().await.unwrap();
    }
    let mut command = unhurried(&db);
    command.arg("restore").arg(&newer);
    let (code, _, stderr) = run(command).await;
    assert_eq!(code, Some(1), "{stderr}");
    assert!(said(&stderr)[0].contains("schema version 9999 (from the future), from a newer unhurried"), "{stderr}");
    let jobs = |path: std::path::PathBuf| async move {
        let store = SqliteStore::connect(&url(&path)).await.unwrap();
        let jobs: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs").fetch_one(store.pool()).await.unwrap();
        store.close_cleanly().await.unwrap();
        jobs
    };
    assert_eq!(jobs(db.clone()).await, 8, "nothing was changed");

    // With serve stopped and a good backup: restored, and the replaced database kept aside.
    let mut command = unhurried(&db);
    command.arg("restore").arg(&backup);
    let (code, stdout, stderr) = run(command).await;
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("integrity ok"), "{stdout}");
    let kept = stdout
        .lines()
        .find_map(|line| line.strip_prefix("the database it replaced is kept as "))
        .unwrap_or_else(|| panic!("{stdout}"))
        .to_owned();
    assert_eq!(jobs(db.clone()).await, 3, "the backup's rows");
    assert_eq!(jobs(kept.into()).await, 8, "the replaced database, whole");
    // And serve starts on it.
    let mut command = unhurried(&db);
    command.arg("migrate");
    assert_eq!(run(command).await.0, Some(0));
}

#[tokio::test]
async fn a_page_damaged_while_serve_runs_makes_healthz_fail_once_ticks_keep_failing() {
    let double = SlackDouble::start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    database_with_jobs(&db, 200).await;
    // The jobs table and the index the scheduler's claim reads.
    let root_pages: Vec<i64> = {
        let store = SqliteStore::connect(&url(&db)).await.unwrap();
        let pages = sqlx::query_scalar("SELECT rootpage FROM sqlite_master WHERE name IN ('jobs', 'jobs_due')")
            .fetch_all(store.pool())
            .await
            .unwrap();
        store.close_cleanly().await.unwrap();
        pages
    };
    let mut command = for_serve(&double, &db);
    command.env("RUST_LOG", "info");
    let served = Served::start(command).await;
    let healthz = || crate::slack_support::request(served.addr, "GET", "/healthz", "", &[]);
    assert_eq!(healthz().await, (200, "ok\n".to_owned()));
    // Once a command is answered, the bot has started (its start reads the jobs table).
    let command = serde_urlencoded::to_string([
        ("team_id", "T1"),
        ("channel_id", "C1"),
        ("user_id", "U1"),
        ("command", "/async"),
        ("text", "help"),
        ("response_url", double.response_url("STARTED").as_str()),
        ("trigger_id", "9.9.9"),
    ])
    .unwrap();
    assert_eq!(served.post_signed("/slack/commands", &command, SIGNING_SECRET, now_unix(), &[]).await, 200);
    double.wait_until("the reply", |d| !d.calls_of("response_url").is_empty()).await;

    // The disk damages the jobs table under the running process: first everything is folded into
    // the main file (so no newer copy of those pages in the -wal hides the damage), then the
    // pages are overwritten, then another write makes the process drop its page cache.
    let other = SqliteStore::connect(&url(&db)).await.unwrap();
    let (busy, _, _): (i64, i64, i64) =
        sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)").fetch_one(other.pool()).await.unwrap();
    assert_eq!(busy, 0);
    {
        use std::io::{Seek as _, SeekFrom, Write as _};
        let mut file = std::fs::OpenOptions::new().write(true).open(&db).unwrap();
        for page in &root_pages {
            file.seek(SeekFrom::Start((*page as u64 - 1) * 4096)).unwrap();
            file.write_all(&[0x05, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]).unwrap();
        }
        file.sync_all().unwrap();
    }
    sqlx::query("UPDATE health_probe SET probes = probes + 1").execute(other.pool()).await.unwrap();
    other.close_cleanly().await.ok();

    // Ticks are 1 s: wait for the third failure without asserting on time.
    let mut answer = healthz().await;
    for _ in 0..300 {
        if answer.0 == 503 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        answer = healthz().await;
    }
    let logs = served.stop().await;
    assert_eq!(answer.0, 503, "{answer:?} {logs}");
    assert!(answer.1.contains("the last 3 scheduler ticks failed"), "{answer:?}");
    assert!(answer.1.contains("malformed"), "{answer:?}");
}
