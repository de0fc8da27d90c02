//! `unhurried check` and `unhurried serve` with Slack credentials, as a user runs them, against
//! the Slack double.

use std::process::Stdio;
use std::time::Duration;

use crate::slack_double::SlackDouble;
use crate::slack_support::{BOT_TOKEN, SIGNING_SECRET, request, sign};

fn unhurried(double: &SlackDouble, db: &std::path::Path, addr: &str) -> tokio::process::Command {
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
    assert!(stdout.contains("missing scopes: groups:history, im:history, users:read"), "{stdout}");
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

#[tokio::test]
async fn serve_answers_a_signed_slash_command_through_the_outbox() {
    let double = SlackDouble::start().await;
    double.add_user("U1", "alice", "Europe/Berlin");
    let dir = tempfile::tempdir().unwrap();
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let mut child = unhurried(&double, &dir.path().join("db"), &addr.to_string()).arg("serve").spawn().unwrap();
    let mut up = false;
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(addr).await.is_ok() {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(up, "serve did not listen on {addr}");
    assert_eq!(request(addr, "GET", "/healthz", "", &[]).await.0, 200);

    let body = "team_id=T1&channel_id=C1&user_id=U1&command=%2Fasync&text=help\
        &response_url=https%3A%2F%2Fhooks.slack.com%2Fx&trigger_id=5.5.5";
    let ts = chrono::Utc::now().timestamp().to_string();
    let signature = sign(SIGNING_SECRET, &ts, body);
    let headers = [("X-Slack-Request-Timestamp", ts.as_str()), ("X-Slack-Signature", signature.as_str())];
    assert_eq!(request(addr, "POST", "/slack/commands", body, &headers).await.0, 200);
    assert_eq!(request(addr, "POST", "/slack/commands", body, &headers[..1]).await.0, 401);
    double.wait_until("the ephemeral reply", |d| !d.calls_of("chat.postEphemeral").is_empty()).await;
    let metrics = request(addr, "GET", "/metrics", "", &[]).await.1;
    assert!(metrics.contains("unhurried_events_received_total{kind=\"command\"} 1"), "{metrics}");
    child.kill().await.unwrap();
}
