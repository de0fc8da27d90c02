//! `unhurried check` and `unhurried serve` with Slack credentials, as a user runs them, against
//! the Slack double, with no network beyond 127.0.0.1. The process runs on the system clock, so
//! its tests make nothing wait for time: the nudge grace is 0 s and the scheduler ticks every
//! second; standup prompts are seeded to fall due by the time the process starts.

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::AsyncReadExt as _;

use crate::slack_double::{SlackDouble, assert_calls_match_spec};
use crate::slack_support::{APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, message_callback, request, sign};

pub(crate) fn unhurried(double: &SlackDouble, db: &std::path::Path, addr: &str) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_unhurried"));
    command
        .env_clear()
        .env("SLACK_BOT_TOKEN", BOT_TOKEN)
        .env("SLACK_SIGNING_SECRET", SIGNING_SECRET)
        .env("UNHURRIED_SLACK__API_URL", &double.api_url)
        .env("UNHURRIED_DATABASE__URL", format!("sqlite://{}", db.display()))
        .env("UNHURRIED_HTTP__ADDR", addr)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    command
}

#[tokio::test]
async fn check_reports_the_workspace_and_bot_user_from_auth_test() {
    let double = SlackDouble::start().await;
    let dir = tempfile::tempdir().unwrap();
    let output = unhurried(&double, &dir.path().join("db"), "127.0.0.1:0").arg("check").output().await.unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("slack (http)"), "{stdout}");
    assert!(stdout.contains("workspace Double Team (T1), bot user unhurried (UBOT)"), "{stdout}");
    assert!(stdout.contains("scopes ok"), "the manifest's scopes are all granted: {stdout}");
    assert_eq!(double.calls().len(), 1);
    assert_eq!(double.calls()[0].method, "auth.test");
}

#[tokio::test]
async fn check_names_the_scopes_the_token_lacks_and_fails() {
    let double = SlackDouble::start().await;
    double.grant_scopes(&["chat:write", "commands", "channels:history", "app_mentions:read"]);
    let dir = tempfile::tempdir().unwrap();
    let output = unhurried(&double, &dir.path().join("db"), "127.0.0.1:0").arg("check").output().await.unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("bot user unhurried (UBOT)"), "{stdout}");
    assert!(
        stdout.contains("missing scopes: files:write, groups:history, im:history, im:write, users:read"),
        "{stdout}"
    );
    assert_eq!(double.calls().len(), 1, "one auth.test");
}

#[test]
fn the_scopes_check_wants_exactly_what_the_manifest_asks_for() {
    let mut wanted: Vec<String> =
        unhurried::adapters::slack::preflight::BOT_SCOPES.iter().map(|s| (*s).to_owned()).collect();
    let mut manifest = crate::slack_double::manifest_bot_scopes();
    wanted.sort();
    manifest.sort();
    assert_eq!(wanted, manifest);
}

/// A running `unhurried serve`, its stderr collected; killed when dropped.
pub(crate) struct Served {
    pub(crate) child: tokio::process::Child,
    pub(crate) addr: std::net::SocketAddr,
    stderr: Arc<Mutex<Vec<u8>>>,
    reader: tokio::task::JoinHandle<()>,
}

impl Served {
    /// Starts `command` as `serve` on a free port and waits until it listens.
    pub(crate) async fn start(mut command: tokio::process::Command) -> Self {
        let addr = {
            let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            probe.local_addr().unwrap()
        };
        let mut child = command.env("UNHURRIED_HTTP__ADDR", addr.to_string()).arg("serve").spawn().unwrap();
        // Drained all along, so a chatty log level can never fill the pipe and stall the process.
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let mut pipe = child.stderr.take().unwrap();
        let sink = stderr.clone();
        let reader = tokio::spawn(async move {
            let mut chunk = [0u8; 8192];
            while let Ok(n) = pipe.read(&mut chunk).await {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&chunk[..n]);
            }
        });
        let served = Served { child, addr, stderr, reader };
        for _ in 0..500 {
            if tokio::net::TcpStream::connect(addr).await.is_ok() {
                return served;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("serve did not listen on {addr}: {}", served.logs());
    }

    pub(crate) fn logs(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap()).into_owned()
    }

    /// Stops the process and returns everything it logged.
    pub(crate) async fn stop(mut self) -> String {
        self.child.kill().await.unwrap();
        let _ = (&mut self.reader).await;
        self.logs()
    }

    /// POSTs `body` to `path`, signed at `at` (Unix seconds) with `secret`.
    pub(crate) async fn post_signed(
        &self,
        path: &str,
        body: &str,
        secret: &str,
        at: i64,
        extra: &[(&str, &str)],
    ) -> u16 {
        let ts = at.to_string();
        let signature = sign(secret, &ts, body);
        let mut headers = vec![("X-Slack-Request-Timestamp", ts.as_str()), ("X-Slack-Signature", signature.as_str())];
        headers.extend_from_slice(extra);
        request(self.addr, "POST", path, body, &headers).await.0
    }
}

/// `unhurried` set up for a test process: a 0 s nudge grace, a 1 s tick, every day a working day.
pub(crate) fn for_serve(double: &SlackDouble, db: &std::path::Path) -> tokio::process::Command {
    let mut command = unhurried(double, db, "127.0.0.1:0");
    command
        .env("UNHURRIED_NUDGE__GRACE", "0s")
        .env("UNHURRIED_SCHEDULER__TICK", "1s")
        .env("UNHURRIED_WORKSPACE__DAYS", "daily")
        .env("RUST_LOG", "trace")
        .stdout(Stdio::null());
    command
}

pub(crate) fn now_unix() -> i64 {
    chrono::Utc::now().timestamp()
}

/// The bot's posts to `channel` in reply to the thread `ts`.
fn threaded_replies(double: &SlackDouble, channel: &str, ts: &str) -> usize {
    let posts = double.calls_of("chat.postMessage");
    posts.iter().filter(|c| c.params["channel"] == channel && c.params["thread_ts"] == ts).count()
}

#[tokio::test]
async fn serve_over_http_verifies_every_request_and_turns_a_retried_ping_into_one_threaded_reply() {
    let double = SlackDouble::start().await;
    double.add_user("U1", "alice", "Europe/Berlin");
    let dir = tempfile::tempdir().unwrap();
    let served = Served::start(for_serve(&double, &dir.path().join("db"))).await;
    assert_eq!(request(served.addr, "GET", "/healthz", "", &[]).await, (200, "ok\n".to_owned()));

    let verification = std::fs::read_to_string(crate::slack::fixture("events_api/url_verification.json")).unwrap();
    let ts = now_unix().to_string();
    let signature = sign(SIGNING_SECRET, &ts, &verification);
    let headers = [("X-Slack-Request-Timestamp", ts.as_str()), ("X-Slack-Signature", signature.as_str())];
    let (status, answer) = request(served.addr, "POST", "/slack/events", &verification, &headers).await;
    let challenge = serde_json::from_str::<Value>(&verification).unwrap()["challenge"].clone();
    assert_eq!((status, serde_json::from_str::<Value>(&answer).unwrap()), (200, json!({ "challenge": challenge })));

    let ts = "1774598400.000100";
    let ping = message_callback("EvP1", "U1", "C1", ts, "got a sec?").to_string();
    let tampered = ping.replace("got a sec?", "got a sec!");
    let now = now_unix();
    let forged = [
        served.post_signed("/slack/events", &ping, "not-the-secret", now, &[]).await,
        served.post_signed("/slack/events", &ping, SIGNING_SECRET, now - 301, &[]).await,
        served.post_signed("/slack/events", &ping, SIGNING_SECRET, now + 301, &[]).await,
        request(served.addr, "POST", "/slack/events", &ping, &[]).await.0,
        {
            let now = now.to_string();
            let good = sign(SIGNING_SECRET, &now, &ping);
            let headers = [("X-Slack-Request-Timestamp", now.as_str()), ("X-Slack-Signature", good.as_str())];
            request(served.addr, "POST", "/slack/events", &tampered, &headers).await.0
        },
    ];
    assert_eq!(forged, [401; 5], "wrong secret, stale, future, unsigned, tampered");

    assert_eq!(served.post_signed("/slack/events", &ping, SIGNING_SECRET, now_unix(), &[]).await, 200);
    let retry = [("X-Slack-Retry-Num", "1"), ("X-Slack-Retry-Reason", "http_timeout")];
    assert_eq!(served.post_signed("/slack/events", &ping, SIGNING_SECRET, now_unix(), &retry).await, 200);
    double.wait_until("the threaded reply", |d| threaded_replies(d, "C1", ts) > 0).await;

    // A command after the ping: once its reply is out, the consumer has handled all before it.
    // Its reply goes through the command's response_url, which the double serves.
    let command = command_form("help", &double.response_url("SENTINELPROCESSRESPONSE"), "5.5.5");
    assert_eq!(served.post_signed("/slack/commands", &command, SIGNING_SECRET, now_unix(), &[]).await, 200);
    double.wait_until("the ephemeral reply", |d| !d.calls_of("response_url").is_empty()).await;
    assert_eq!(threaded_replies(&double, "C1", ts), 1, "one reply for the ping and its retry");
    let metrics = request(served.addr, "GET", "/metrics", "", &[]).await.1;
    for line in [
        "unhurried_events_received_total{platform=\"slack\",kind=\"url_verification\"} 1",
        "unhurried_events_received_total{platform=\"slack\",kind=\"message\"} 2",
        "unhurried_events_received_total{platform=\"slack\",kind=\"duplicate\"} 1",
        "unhurried_events_received_total{platform=\"slack\",kind=\"command\"} 1",
        "unhurried_messages_sent_total{platform=\"slack\",purpose=\"nudge\"} 1",
        "unhurried_messages_sent_total{platform=\"slack\",purpose=\"command_reply\"} 1",
    ] {
        assert!(metrics.contains(line), "{line} in {metrics}");
    }

    let logs = served.stop().await;
    assert!(logs.contains("refused an unverified Slack request"), "the log is captured: {logs}");
    let expected_for_tampered = sign(SIGNING_SECRET, &now.to_string(), &tampered);
    for secret in [BOT_TOKEN, SIGNING_SECRET, "SENTINELPROCESSRESPONSE", &expected_for_tampered[3..]] {
        assert!(!logs.contains(secret), "{secret} was logged");
    }
    assert_calls_match_spec(&double.calls());
}

#[tokio::test]
async fn serve_over_socket_mode_answers_commands_and_nudges_once_and_logs_no_secret_even_at_trace() {
    let double = SlackDouble::start().await;
    double.add_user("U1", "alice", "Europe/Berlin");
    let dir = tempfile::tempdir().unwrap();
    let mut command = for_serve(&double, &dir.path().join("db"));
    command.env("SLACK_APP_TOKEN", APP_TOKEN).env_remove("SLACK_SIGNING_SECRET");
    let served = Served::start(command).await;
    double.wait_until("a socket", |d| d.sockets_opened() >= 1).await;

    let envelope = socket_fixture("envelope_slash_commands.json");
    let mut command = envelope.clone();
    command["payload"]["text"] = json!("help");
    command["payload"]["response_url"] = json!(double.response_url("SENTINELSOCKETPROCESS"));
    send_and_wait_for_ack(&double, &command).await;
    double.wait_until("the ephemeral reply", |d| !d.calls_of("response_url").is_empty()).await;

    let ts = "1774598400.000300";
    let ping = json!({"envelope_id": "env-p", "type": "events_api", "accepts_response_payload": false,
        "retry_attempt": 0, "retry_reason": "",
        "payload": message_callback("EvSP1", "U1", "C1", ts, "got a sec?")});
    send_and_wait_for_ack(&double, &ping).await;
    let mut again = ping.clone();
    again["envelope_id"] = json!("env-p-again");
    again["retry_attempt"] = json!(1);
    send_and_wait_for_ack(&double, &again).await;
    double.wait_until("the threaded reply", |d| threaded_replies(d, "C1", ts) > 0).await;
    let metrics = request(served.addr, "GET", "/metrics", "", &[]).await.1;
    assert!(metrics.contains("unhurried_events_received_total{platform=\"slack\",kind=\"duplicate\"} 1"), "{metrics}");

    let logs = served.stop().await;
    assert_eq!(threaded_replies(&double, "C1", ts), 1, "the envelope sent twice has one effect");
    assert!(logs.contains("slack_morphism"), "slack-morphism's own lines are captured: {logs}");
    for secret in [APP_TOKEN, BOT_TOKEN, "SENTINELSOCKETPROCESS"] {
        let lines: Vec<&str> = logs.lines().filter(|l| l.contains(secret)).collect();
        assert!(lines.is_empty(), "{secret} was logged: {lines:#?}");
    }
    assert_calls_match_spec(&double.calls());
}

fn socket_fixture(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(crate::slack::fixture(&format!("socket_mode/{name}"))).unwrap())
        .unwrap()
}

async fn send_and_wait_for_ack(double: &SlackDouble, envelope: &Value) {
    let id = envelope["envelope_id"].as_str().unwrap().to_owned();
    double.send_frame(envelope);
    double.wait_until(&format!("the ack of {id}"), |d| d.acked().contains(&id)).await;
}

/// A fixed-offset IANA zone (`Etc/GMT-3` is UTC+3: POSIX signs are inverted).
pub(crate) fn etc_zone(offset_hours: i64) -> String {
    match offset_hours {
        0 => "Etc/GMT".to_owned(),
        east if east > 0 => format!("Etc/GMT-{east}"),
        west => format!("Etc/GMT+{}", -west),
    }
}

#[tokio::test]
async fn serve_sends_each_standup_prompt_at_the_members_local_time() {
    use chrono::{Timelike as _, Utc};
    use secrecy::SecretString;
    use unhurried::adapters::clock::ManualClock;
    use unhurried::adapters::slack::{self, SlackPlatform};
    use unhurried::adapters::sqlite::SqliteStore;
    use unhurried::bot::Bot;
    use unhurried::config::Settings;
    use unhurried::domain::calendar::{Timezone, Weekdays};
    use unhurried::domain::schedule::Recurrence;
    use unhurried::features::standup::schedule::prompt_prefix;
    use unhurried::features::standup::{StandupSpec, seed_standup};
    use unhurried::ports::StandupStore as _;

    // alice's zone is one where it is early afternoon now; bob's is four hours behind hers.
    let now = Utc::now();
    let alice_offset = (-8..=14).find(|h| (12..14).contains(&(now + chrono::Duration::hours(*h)).hour())).unwrap();
    let (alice_zone, bob_zone) = (etc_zone(alice_offset), etc_zone(alice_offset - 4));
    let local_now = (now + chrono::Duration::hours(alice_offset)).time();
    // The standup's time is alice's current minute: due by the time the process starts.
    let at = local_now.with_second(0).unwrap().with_nanosecond(0).unwrap();
    let alice_due = now.with_second(0).unwrap().with_nanosecond(0).unwrap();
    let bob_due = alice_due + chrono::Duration::hours(4);

    let double = SlackDouble::start().await;
    double.add_user("U1", "alice", &alice_zone);
    double.add_user("U2", "bob", &bob_zone);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let url = format!("sqlite://{}", db.display());
    let (standup_id, members) = {
        // An admin set the standup up ten minutes ago, before the process started.
        slack::install_crypto_provider();
        let mut settings = Settings::defaults();
        settings.slack.api_url = double.api_url.clone();
        settings.workspace.days = Weekdays::ALL;
        let store = Arc::new(SqliteStore::open(&url).await.unwrap());
        let clock = Arc::new(ManualClock::new(now - chrono::Duration::minutes(10)));
        let client = slack::client(&double.api_url).unwrap();
        let platform = SlackPlatform::new(client, &SecretString::from(BOT_TOKEN));
        let bot = Bot::new(store.clone(), clock, Arc::new(platform), Arc::new(settings));
        let workspace_id = bot.workspace_id("T1").await.unwrap();
        let mut members = Vec::new();
        for user in ["U1", "U2"] {
            members.push(bot.member(workspace_id, "T1", user).await.unwrap().id);
        }
        let spec = StandupSpec {
            name: "daily".into(),
            channel: "C1".into(),
            members: vec!["U1".into(), "U2".into()],
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
        (store.standups(workspace_id).await.unwrap()[0].id, members)
    };

    let served = Served::start(for_serve(&double, &db)).await;
    let prompts = |d: &SlackDouble| -> Vec<String> {
        let posts = d.calls_of("chat.postMessage");
        posts.iter().filter(|c| c.params.contains_key("blocks")).map(|c| c.params["channel"].to_string()).collect()
    };
    double.wait_until("alice's prompt", |d| !prompts(d).is_empty()).await;
    // A command after the first tick: once its reply is out, that tick's prompts were sent.
    let command = command_form("help", &double.response_url("x"), "7.7.7");
    assert_eq!(served.post_signed("/slack/commands", &command, SIGNING_SECRET, now_unix(), &[]).await, 200);
    double.wait_until("the ephemeral reply", |d| !d.calls_of("response_url").is_empty()).await;
    let logs = served.stop().await;
    assert_eq!(prompts(&double), [r#""U1""#], "alice at her {at}, bob not before his: {logs}");

    // What the process left for bob: his prompt at the same wall time in his own zone.
    let store = SqliteStore::open(&url).await.unwrap();
    let bob_next = store.pending_job(&prompt_prefix(standup_id, members[1])).await.unwrap().map(|(due, _)| due);
    assert_eq!(bob_next, Some(bob_due), "bob at {at} {bob_zone}");
    let alice_next = store.pending_job(&prompt_prefix(standup_id, members[0])).await.unwrap().map(|(due, _)| due);
    assert_eq!(alice_next, Some(alice_due + chrono::Duration::days(1)), "alice's next is tomorrow at {at}");
    assert_calls_match_spec(&double.calls());
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
