//! Faults the running process must ride out, and what an operator uses to watch it, each against
//! the real binary on loopback: SIGTERM under 429s and with a stalled client, idle connections,
//! a huge or hostile command echoed back, a Socket Mode ticket in a log; `/readyz`,
//! `unhurried healthcheck`, `/metrics` on its own address, `unhurried config`, secrets from files.
//!
//! Waits here are for events (a line in the log, the process's exit), each with a generous guard
//! against hanging; nothing asserts how long anything took.

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use crate::slack_cli::{for_serve, now_unix, unhurried};
use crate::slack_double::SlackDouble;
use crate::slack_support::{APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, request, sign};

/// How long any wait may last before the test fails as hung.
const HANG_GUARD: Duration = Duration::from_secs(60);

/// A running `unhurried serve` whose stderr is collected; killed when dropped.
struct Process {
    child: tokio::process::Child,
    addr: std::net::SocketAddr,
    stderr: Arc<Mutex<Vec<u8>>>,
}

fn free_addr() -> std::net::SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap()
}

impl Process {
    async fn start(mut command: tokio::process::Command) -> Self {
        let addr = free_addr();
        Self::start_on(command.env("UNHURRIED_HTTP__ADDR", addr.to_string()), addr).await
    }

    async fn start_on(command: &mut tokio::process::Command, addr: std::net::SocketAddr) -> Self {
        let mut child = command.arg("serve").spawn().unwrap();
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let mut pipe = child.stderr.take().unwrap();
        let sink = stderr.clone();
        tokio::spawn(async move {
            let mut chunk = [0u8; 8192];
            while let Ok(n) = pipe.read(&mut chunk).await {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&chunk[..n]);
            }
        });
        let process = Process { child, addr, stderr };
        process.wait_for_log("unhurried is running").await;
        process
    }

    fn logs(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap()).into_owned()
    }

    async fn wait_for_log(&self, line: &str) {
        let waited = tokio::time::timeout(HANG_GUARD, async {
            while !self.logs().contains(line) {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        });
        assert!(waited.await.is_ok(), "no '{line}' in the log:\n{}", self.logs());
    }

    fn sigterm(&self) {
        let pid = self.child.id().unwrap().to_string();
        let status = std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(status.success());
    }

    /// Waits for the process to exit by itself; its exit code and its log.
    async fn exited(mut self) -> (Option<i32>, String) {
        let status = tokio::time::timeout(HANG_GUARD, self.child.wait()).await;
        let status = status.unwrap_or_else(|_| panic!("the process did not exit:\n{}", self.logs())).unwrap();
        // The pipe is drained by the reader task; give it the last bytes.
        tokio::time::sleep(Duration::from_millis(50)).await;
        (status.code(), self.logs())
    }
}

/// Queues one post in each of `channels` channels, as decisions the process finds at start.
async fn queue_posts(double: &SlackDouble, db: &std::path::Path, channels: usize) {
    use secrecy::SecretString;
    use unhurried::adapters::clock::ManualClock;
    use unhurried::adapters::slack::{self, SlackPlatform};
    use unhurried::adapters::sqlite::SqliteStore;
    use unhurried::bot::Bot;
    use unhurried::config::Settings;
    use unhurried::domain::events::{Destination, OutgoingMessage, Purpose};

    slack::install_crypto_provider();
    let store = Arc::new(SqliteStore::open(&format!("sqlite://{}", db.display())).await.unwrap());
    let clock = Arc::new(ManualClock::new(chrono::Utc::now() - chrono::Duration::minutes(1)));
    let platform = SlackPlatform::new(slack::client(&double.api_url).unwrap(), &SecretString::from(BOT_TOKEN));
    let bot = Bot::new(store, clock, Arc::new(platform), Arc::new(Settings::defaults()));
    let workspace_id = bot.workspace_id("T1").await.unwrap();
    let posts = (0..channels)
        .map(|i| OutgoingMessage::new(Destination::Post { channel: format!("C{i}") }, Purpose::Digest, "digest"))
        .collect();
    bot.send(workspace_id, posts).await.unwrap();
}

/// Post attempts, answered 200 or 429.
fn posts(double: &SlackDouble) -> usize {
    double.calls().iter().filter(|c| c.method == "chat.postMessage").count()
}

#[tokio::test]
async fn sigterm_under_429s_stops_sending_at_the_next_message_and_exits_cleanly() {
    let double = SlackDouble::start().await;
    // Slow answers and one post a second: the bot has a backlog and keeps hearing 429.
    double.answer_after(Duration::from_millis(100));
    double.limit_posts_per_second(1);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    queue_posts(&double, &db, 300).await;
    let mut command = for_serve(&double, &db);
    command.env("UNHURRIED_DELIVERY__CONCURRENCY", "4").env("UNHURRIED_SHUTDOWN__TIMEOUT", "20s");
    let process = Process::start(command).await;
    double.wait_until_within("posts and 429s", HANG_GUARD, |d| posts(d) >= 30).await;

    let before = posts(&double);
    process.sigterm();
    let (code, logs) = process.exited().await;
    let after = posts(&double);
    assert_eq!(code, Some(0), "{logs}");
    assert!(logs.contains("unhurried stopped"), "a clean stop, not the timeout: {logs}");
    // The posts in flight when the signal lands (4 lanes), and those started between counting
    // and the signal's delivery; without the stop they went on for the whole backlog.
    assert!(after - before <= 2 * 4, "only the posts already in flight: {before} then {after}\n{logs}");
    assert!(after < 300, "the backlog was left for the next start");
}

#[tokio::test]
async fn sigterm_with_a_client_stalled_mid_request_exits_by_the_shutdown_timeout() {
    let double = SlackDouble::start().await;
    let dir = tempfile::tempdir().unwrap();
    let mut command = for_serve(&double, &dir.path().join("db"));
    command.env("UNHURRIED_SHUTDOWN__TIMEOUT", "2s");
    let process = Process::start(command).await;
    // Headers and half a body, then nothing: the handler waits for the rest.
    let mut stalled = tokio::net::TcpStream::connect(process.addr).await.unwrap();
    let head =
        "POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n";
    stalled.write_all(format!("{head}{{\"type\":").as_bytes()).await.unwrap();
    // A request after it has been answered: the stalled one is in the server's hands by now.
    assert_eq!(request(process.addr, "GET", "/healthz", "", &[]).await.0, 200);

    process.sigterm();
    let (code, logs) = process.exited().await;
    assert_eq!(code, Some(0), "{logs}");
    assert!(logs.contains("exiting anyway"), "the stalled request held the drain until the timeout: {logs}");
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(HANG_GUARD, stalled.read_to_end(&mut rest)).await;
    assert!(closed.is_ok(), "the stalled connection was closed (end of stream or reset)");
}

#[tokio::test]
async fn idle_connections_do_not_lock_out_health_checks_or_slack_and_stalled_ones_are_closed() {
    let double = SlackDouble::start().await;
    let dir = tempfile::tempdir().unwrap();
    let mut command = for_serve(&double, &dir.path().join("db"));
    command.env("UNHURRIED_HTTP__MAX_CONNECTIONS", "8").env("UNHURRIED_HTTP__HEADER_READ_TIMEOUT", "1s");
    let process = Process::start(command).await;

    // Five times the limit, each opened and left silent.
    let mut idle = Vec::new();
    for _ in 0..40 {
        idle.push(tokio::net::TcpStream::connect(process.addr).await.unwrap());
    }
    assert_eq!(request(process.addr, "GET", "/healthz", "", &[]).await, (200, "ok\n".to_owned()));
    let unsigned = request(process.addr, "POST", "/slack/events", "{}", &[]).await.0;
    assert_eq!(unsigned, 401, "Slack's endpoint answers too");
    let ping = crate::slack_support::message_callback("EvIdle", "U1", "C1", "1774598400.000900", "hi").to_string();
    let ts = now_unix().to_string();
    let signature = sign(SIGNING_SECRET, &ts, &ping);
    let headers = [("X-Slack-Request-Timestamp", ts.as_str()), ("X-Slack-Signature", signature.as_str())];
    assert_eq!(request(process.addr, "POST", "/slack/events", &ping, &headers).await.0, 200);

    // A client that sends half its headers and stops is closed after the header-read timeout.
    let mut stalled = tokio::net::TcpStream::connect(process.addr).await.unwrap();
    stalled.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let mut answer = Vec::new();
    let closed = tokio::time::timeout(HANG_GUARD, stalled.read_to_end(&mut answer)).await;
    assert!(closed.is_ok(), "the stalled connection is still open");
    assert!(!String::from_utf8_lossy(&answer).contains("200 OK"), "it was never answered");
    // Every idle connection is closed too, by the limit or the timeout.
    for mut connection in idle {
        let mut rest = Vec::new();
        assert!(tokio::time::timeout(HANG_GUARD, connection.read_to_end(&mut rest)).await.is_ok());
    }
    let (code, logs) = {
        process.sigterm();
        process.exited().await
    };
    assert_eq!(code, Some(0), "{logs}");
}

/// `/async {text}` by U1 in C1 as Slack posts it, answered through `response_url` (the double's).
fn command_form(text: &str, response_url: &str, trigger: &str) -> String {
    serde_urlencoded::to_string([
        ("team_id", "T1"),
        ("channel_id", "C1"),
        ("user_id", "U1"),
        ("command", "/async"),
        ("text", text),
        ("response_url", response_url),
        ("trigger_id", trigger),
    ])
    .unwrap()
}

#[tokio::test]
async fn a_huge_or_hostile_command_is_not_echoed_back_whole_or_live() {
    let double = SlackDouble::start().await;
    double.add_user("U1", "alice", "Europe/Berlin");
    let dir = tempfile::tempdir().unwrap();
    let process = Process::start(for_serve(&double, &dir.path().join("db"))).await;
    let post = |text: String, trigger: &'static str| {
        let form = command_form(&text, &double.response_url("x"), trigger);
        let (addr, ts) = (process.addr, now_unix().to_string());
        async move {
            let signature = sign(SIGNING_SECRET, &ts, &form);
            let headers = [("X-Slack-Request-Timestamp", ts.as_str()), ("X-Slack-Signature", signature.as_str())];
            request(addr, "POST", "/slack/commands", &form, &headers).await.0
        }
    };
    assert_eq!(post("tz <!channel>".to_owned(), "1.1.1").await, 200);
    double.wait_until("the first reply", |d| d.calls_of("response_url").len() == 1).await;
    assert_eq!(post("x".repeat(500_000), "2.2.2").await, 200);
    let answered = tokio::time::timeout(HANG_GUARD, async {
        while double.calls_of("response_url").len() < 2 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
    let answered = answered.await.is_ok();
    let logs = process.logs();
    assert!(answered, "no second reply: {}", &logs[logs.len().saturating_sub(3000)..]);

    let replies: Vec<String> =
        double.calls_of("response_url").iter().map(|c| c.params["text"].as_str().unwrap().to_owned()).collect();
    assert!(replies[0].contains("is not a timezone"), "{}", replies[0]);
    assert!(!replies[0].contains("<!channel>"), "no live mass mention: {}", replies[0]);
    assert!(replies[1].len() < 1_000, "{} characters came back", replies[1].len());
    assert!(replies[1].contains("I don't know"), "{}", replies[1]);
    process.sigterm();
    assert_eq!(process.exited().await.0, Some(0));
}

/// A Web API that signs the bot in and hands out a Socket Mode URL nobody listens on.
async fn socket_url_nobody_answers(ticket: &str) -> String {
    use axum::routing::any;
    let dead = free_addr();
    let url = format!("ws://{dead}/link/?ticket={ticket}&app_id=A1");
    let app = axum::Router::new().route(
        "/api/{method}",
        any(move |axum::extract::Path(method): axum::extract::Path<String>| {
            let url = url.clone();
            async move {
                axum::Json(match method.as_str() {
                    "auth.test" => json!({"ok": true, "url": "https://x.slack.com/", "team": "T", "user": "unhurried",
                        "team_id": "T1", "user_id": "UBOT", "bot_id": "B1"}),
                    "apps.connections.open" => json!({"ok": true, "url": url}),
                    _ => json!({"ok": false, "error": "unknown_method"}),
                })
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let api = format!("http://{}/api", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    api
}

#[tokio::test]
async fn a_failed_socket_mode_connection_logs_no_ticket() {
    let ticket = "SENTINELTICKET0123456789abcdef";
    let api = socket_url_nobody_answers(ticket).await;
    let dir = tempfile::tempdir().unwrap();
    let addr = free_addr();
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_unhurried"));
    command
        .env_clear()
        .env("SLACK_BOT_TOKEN", BOT_TOKEN)
        .env("SLACK_APP_TOKEN", APP_TOKEN)
        .env("UNHURRIED_SLACK__API_URL", &api)
        .env("UNHURRIED_DATABASE__URL", format!("sqlite://{}", dir.path().join("db").display()))
        .env("UNHURRIED_HTTP__ADDR", addr.to_string())
        .env("RUST_LOG", "trace")
        .arg("serve")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = command.spawn().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let logs = Arc::new(Mutex::new(String::new()));
    let sink = logs.clone();
    tokio::spawn(async move {
        let mut chunk = [0u8; 8192];
        while let Ok(n) = stderr.read(&mut chunk).await {
            if n == 0 {
                break;
            }
            sink.lock().unwrap().push_str(&String::from_utf8_lossy(&chunk[..n]));
        }
    });
    let failed = tokio::time::timeout(HANG_GUARD, async {
        while !logs.lock().unwrap().contains("Unable to connect") {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    let _ = child.kill().await;
    let logs = logs.lock().unwrap().clone();
    assert!(failed.is_ok(), "the failed connection was logged: {logs}");
    assert!(logs.contains("ticket=[redacted]"), "{logs}");
    for secret in [ticket, APP_TOKEN, BOT_TOKEN] {
        let lines: Vec<&str> = logs.lines().filter(|l| l.contains(secret)).collect();
        assert!(lines.is_empty(), "{secret} was logged: {lines:#?}");
    }
}

/// The metric families deploy/grafana-dashboard.json queries (a histogram by its family name).
fn dashboard_metric_families() -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/deploy/grafana-dashboard.json");
    let dashboard: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut families = std::collections::BTreeSet::new();
    for panel in dashboard["panels"].as_array().unwrap() {
        for target in panel["targets"].as_array().unwrap() {
            let expr = target["expr"].as_str().unwrap();
            for (start, _) in expr.match_indices("unhurried_") {
                let name: String =
                    expr[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                families.insert(name.trim_end_matches("_bucket").to_owned());
            }
        }
    }
    assert!(families.len() >= 10, "{families:?}");
    families.into_iter().collect()
}

#[tokio::test]
async fn readyz_waits_for_the_socket_and_healthcheck_exits_by_it() {
    let double = SlackDouble::start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let metrics_addr = free_addr();
    let mut command = for_serve(&double, &db);
    command
        .env("SLACK_APP_TOKEN", APP_TOKEN)
        .env_remove("SLACK_SIGNING_SECRET")
        .env("UNHURRIED_HTTP__METRICS_ADDR", metrics_addr.to_string());
    let process = Process::start(command).await;
    let ready = |addr| async move { request(addr, "GET", "/readyz", "", &[]).await };
    let waited = tokio::time::timeout(HANG_GUARD, async {
        loop {
            if ready(process.addr).await.0 == 200 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
    assert!(waited.await.is_ok(), "never ready: {:?}", ready(process.addr).await);
    assert_eq!(ready(process.addr).await, (200, "store: ok\nslack socket mode: ok\n".to_owned()));
    assert_eq!(ready(metrics_addr).await.0, 200, "also on the metrics address");

    // /metrics moved to its own address, with the build and the platform label.
    assert_eq!(request(process.addr, "GET", "/metrics", "", &[]).await.0, 404);
    let metrics = request(metrics_addr, "GET", "/metrics", "", &[]).await.1;
    let build = format!("unhurried_build_info{{version=\"{}\",commit=\"", env!("CARGO_PKG_VERSION"));
    assert!(metrics.contains(&build), "{metrics}");
    for family in dashboard_metric_families() {
        assert!(metrics.contains(&format!("# TYPE {family} ")), "the dashboard's {family} is not served:\n{metrics}");
    }

    // The healthcheck command reads the same settings, so it asks the metrics address.
    let addr = process.addr;
    let healthcheck = |ready: bool| {
        let mut command = unhurried(&double, &db, &addr.to_string());
        command.env("UNHURRIED_HTTP__METRICS_ADDR", metrics_addr.to_string()).arg("healthcheck");
        if ready {
            command.arg("--ready");
        }
        command.output()
    };
    assert_eq!(healthcheck(false).await.unwrap().status.code(), Some(0));
    assert_eq!(healthcheck(true).await.unwrap().status.code(), Some(0));
    process.sigterm();
    assert_eq!(process.exited().await.0, Some(0));
    let down = healthcheck(false).await.unwrap();
    assert_eq!(down.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&down.stderr).contains("cannot reach"), "{down:?}");
}

#[tokio::test]
async fn the_discord_gateway_is_ready_while_its_session_is_up() {
    let h = crate::discord_gateway::Harness::start(|_| {}).await;
    let check = h.connection.as_ref().unwrap().readiness_check();
    assert_eq!(check.name(), "discord gateway");
    let up = tokio::time::timeout(HANG_GUARD, async {
        while check.check().await.is_err() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
    assert!(up.await.is_ok(), "never up: {:?}", check.check().await);
    let _ = h.disconnect().await;
    assert!(check.check().await.is_err(), "down once the session is closed");
}
