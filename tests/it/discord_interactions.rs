//! Discord's HTTP interactions endpoint, `POST /discord/interactions`, through the real axum
//! route on 127.0.0.1:0 beside the real bot and the Discord double: the shared Ed25519 vectors,
//! PING, forged and oversized requests (refused, nothing dispatched), and signed interactions
//! answered in the response body exactly as the gateway answers them, reaching the real engine.
//! Also the binary: a malformed `DISCORD_PUBLIC_KEY` stops `serve` and `check` with one line, and
//! `serve` mounts the route when the key is set.

use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use ed25519_dalek::{Signer as _, SigningKey};
use secrecy::SecretString;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::task::JoinHandle;
use unhurried::adapters::discord::{self, interactions_endpoint::BODY_LIMIT};
use unhurried::adapters::http::{HttpState, bind, router, serve};
use unhurried::adapters::server::Limits;
use unhurried::config::Settings;
use unhurried::domain::events::{CommandInvocation, InboundEvent};

use crate::discord_double::{APP, DiscordDouble, GUILD};
use crate::discord_gateway::{CHANNEL, Harness, dm_interaction, slash_command};

/// The shared vectors' README: `tests/shared/fixtures/discord/signing/ed25519_vectors.json`.
fn fixture(path: &str) -> String {
    let full = format!("{}/tests/shared/fixtures/discord/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

/// The application key the tests sign with (Discord keeps the private half; tests need both).
fn app_key() -> SigningKey {
    SigningKey::from_bytes(&[7; 32])
}

fn public_hex(key: &SigningKey) -> String {
    hex::encode(key.verifying_key().to_bytes())
}

/// Request headers as (name, value).
type Headers = Vec<(String, String)>;

/// The two headers Discord sends, signed with `key` over `timestamp || body`.
fn signed(key: &SigningKey, timestamp: &str, body: &[u8]) -> Headers {
    let mut message = timestamp.as_bytes().to_vec();
    message.extend_from_slice(body);
    vec![
        ("X-Signature-Ed25519".into(), hex::encode(key.sign(&message).to_bytes())),
        ("X-Signature-Timestamp".into(), timestamp.into()),
    ]
}

/// The bot's HTTP server with the interactions route, as `serve` builds it.
struct Endpoint {
    addr: SocketAddr,
    server: JoinHandle<()>,
}

impl Drop for Endpoint {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl Endpoint {
    async fn start(h: &Harness, public_key_hex: &str) -> Self {
        let key = discord::interactions_key(Some(&SecretString::from(public_key_hex.to_owned()))).unwrap().unwrap();
        let routes = h.connection.as_ref().unwrap().interactions_routes(key);
        let state = HttpState {
            store: h.bot.store.clone(),
            metrics: Arc::default(),
            clock: h.bot.clock.clone(),
            readiness: Default::default(),
        };
        let listener = bind("127.0.0.1:0".parse().unwrap()).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = router(state, None, true).merge(routes);
        let limits = Limits::from_settings(&Settings::defaults().http);
        let server = tokio::spawn(async move { serve(listener, app, limits, std::future::pending()).await.unwrap() });
        Endpoint { addr, server }
    }

    async fn post(&self, body: &[u8], headers: &[(String, String)]) -> (u16, String) {
        post(self.addr, body, headers).await
    }

    /// POSTs `body` signed with the application key; the response body is parsed as JSON.
    async fn post_signed(&self, body: &Value) -> (u16, Value) {
        let body = body.to_string();
        let (status, text) = self.post(body.as_bytes(), &signed(&app_key(), "1774857600", body.as_bytes())).await;
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }
}

/// A minimal HTTP/1.1 client (one request per connection) that reads the whole response,
/// de-chunking it: (status, body).
async fn post(addr: SocketAddr, body: &[u8], headers: &[(String, String)]) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut head = format!(
        "POST /discord/interactions HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await.unwrap();
    // A refused oversized body may be answered, and the connection closed, before all of it is sent.
    let _ = stream.write_all(body).await;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let text = String::from_utf8(response).unwrap();
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let (head, mut rest) = text.split_once("\r\n\r\n").unwrap();
    if !head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        return (status, rest.to_owned());
    }
    let mut body = String::new();
    loop {
        let (size, after) = rest.split_once("\r\n").unwrap();
        let size = usize::from_str_radix(size.trim(), 16).unwrap();
        if size == 0 {
            return (status, body);
        }
        body.push_str(&after[..size]);
        rest = &after[size + 2..];
    }
}

fn tz_command(id: &str) -> Value {
    let options =
        json!([{"type": 1, "name": "tz", "options": [{"type": 3, "name": "zone", "value": "Europe/Berlin"}]}]);
    slash_command(id, &format!("tok-{id}"), "111", options)
}

/// Interaction callbacks the bot made over REST (none: over HTTP the answer is the response).
fn rest_callbacks(double: &DiscordDouble) -> usize {
    double.matching("POST", |p| p.starts_with("/interactions/")).len()
}

#[tokio::test]
async fn the_shared_ed25519_vectors_pass_or_fail_through_the_route_as_labelled() {
    let h = Harness::start(|_| {}).await;
    let vectors: Value = serde_json::from_str(&fixture("signing/ed25519_vectors.json")).unwrap();
    let endpoint = Endpoint::start(&h, vectors["public_key_hex"].as_str().unwrap()).await;
    let headers = |signature: &str, timestamp: &str| {
        vec![
            ("X-Signature-Ed25519".to_owned(), signature.to_owned()),
            ("X-Signature-Timestamp".to_owned(), timestamp.to_owned()),
        ]
    };
    for vector in vectors["vectors"].as_array().unwrap() {
        let (signature, timestamp) = (vector["signature_hex"].as_str().unwrap(), vector["timestamp"].as_str().unwrap());
        let body = vector["body"].as_str().unwrap();
        let (status, text) = endpoint.post(body.as_bytes(), &headers(signature, timestamp)).await;
        if vector["expect"] == "valid" {
            // Verified; then refused as a shape the bot does not handle (hikari's `/ping`).
            assert_eq!(status, 400, "{}: {text}", vector["name"]);
            let (status, _) = endpoint.post(format!("{body} ").as_bytes(), &headers(signature, timestamp)).await;
            assert_eq!(status, 401, "another body");
            let (status, _) = endpoint.post(body.as_bytes(), &headers(signature, "1643807577")).await;
            assert_eq!(status, 401, "another timestamp");
        } else {
            assert_eq!((status, text.as_str()), (401, "unverified"), "{}", vector["name"]);
        }
    }
    assert_eq!(h.pending().await, None, "nothing reached the engine");
    assert_eq!(rest_callbacks(&h.double), 0);
    h.disconnect().await;
}

#[tokio::test]
async fn a_signed_ping_gets_pong() {
    let h = Harness::start(|_| {}).await;
    let endpoint = Endpoint::start(&h, &public_hex(&app_key())).await;
    let ping: Value = serde_json::from_str(&fixture("interactions/http_ping_type1.json")).unwrap();
    assert_eq!(endpoint.post_signed(&ping).await, (200, json!({"type": 1})));
    h.disconnect().await;
}

#[tokio::test]
async fn forged_and_oversized_requests_are_refused_and_reach_nothing() {
    let mut h = Harness::start(|_| {}).await;
    let endpoint = Endpoint::start(&h, &public_hex(&app_key())).await;
    let body = tz_command("7101").to_string();
    let good = signed(&app_key(), "1774857600", body.as_bytes());
    let tampered = body.replace("Europe/Berlin", "Europe/Paris");
    let forger = SigningKey::from_bytes(&[9; 32]);
    let cases: Vec<(&str, Vec<u8>, Headers)> = vec![
        ("no signature headers", body.clone().into_bytes(), vec![]),
        ("no timestamp", body.clone().into_bytes(), good[..1].to_vec()),
        ("no signature", body.clone().into_bytes(), good[1..].to_vec()),
        (
            "signature not hex",
            body.clone().into_bytes(),
            vec![("X-Signature-Ed25519".into(), "zz".repeat(64)), good[1].clone()],
        ),
        ("signed by another key", body.clone().into_bytes(), signed(&forger, "1774857600", body.as_bytes())),
        ("tampered body", tampered.into_bytes(), good.clone()),
        (
            "another timestamp",
            body.clone().into_bytes(),
            vec![good[0].clone(), ("X-Signature-Timestamp".into(), "1774857601".into())],
        ),
    ];
    for (name, body, headers) in cases {
        assert_eq!(endpoint.post(&body, &headers).await, (401, "unverified".to_owned()), "{name}");
    }
    // Over the limit, even when properly signed: refused before it is read in full.
    let mut oversized = body.clone().into_bytes();
    oversized.resize(BODY_LIMIT + 1, b' ');
    let (status, _) = endpoint.post(&oversized, &signed(&app_key(), "1774857600", &oversized)).await;
    assert_eq!(status, 413);

    assert_eq!(h.pending().await, None, "nothing reached the engine");
    assert_eq!(rest_callbacks(&h.double), 0);
    // The genuine request still works, and is the first thing the engine hears.
    assert_eq!(endpoint.post(body.as_bytes(), &good).await.0, 200);
    let InboundEvent::Command(command) = h.handle_next().await else { panic!("not a command") };
    assert_eq!((command.id.as_str(), command.text.as_str()), ("7101", "tz Europe/Berlin"));
    h.stop().await;
}

#[tokio::test]
async fn a_signed_slash_command_is_deferred_in_the_response_and_gets_its_ephemeral_reply_once() {
    let mut h = Harness::start(|_| {}).await;
    let endpoint = Endpoint::start(&h, &public_hex(&app_key())).await;
    let (status, response) = endpoint.post_signed(&tz_command("7201")).await;
    assert_eq!(status, 200);
    assert_eq!((&response["type"], &response["data"]["flags"]), (&json!(5), &json!(64)), "deferred, ephemeral");

    let InboundEvent::Command(command) = h.handle_next().await else { panic!("not a command") };
    assert_eq!(
        command,
        CommandInvocation {
            workspace: GUILD.into(),
            id: "7201".into(),
            channel: CHANNEL.into(),
            user: "111".into(),
            text: "tz Europe/Berlin".into(),
            platform_admin: false,
            is_dm: false,
        }
    );
    let replies = h.double.matching("PATCH", |p| p == format!("/webhooks/{APP}/tok-7201/messages/@original"));
    assert_eq!(replies.len(), 1, "{:#?}", h.double.requests());
    assert!(replies[0].body["content"].as_str().unwrap().contains("Europe/Berlin"), "{}", replies[0].body);
    assert_eq!(rest_callbacks(&h.double), 0, "the ack travelled in the response body");

    let (status, _) = endpoint.post_signed(&tz_command("7201")).await;
    assert_eq!(status, 409, "a repeated interaction is not handled again");
    assert_eq!(h.pending().await, None);
    h.stop().await;
}

#[tokio::test]
async fn an_interaction_seen_on_the_gateway_is_not_handled_again_over_http() {
    let mut h = Harness::start(|_| {}).await;
    let endpoint = Endpoint::start(&h, &public_hex(&app_key())).await;
    h.double.dispatch("INTERACTION_CREATE", tz_command("7301"));
    h.handle_next().await;
    assert_eq!(endpoint.post_signed(&tz_command("7301")).await.0, 409);
    assert_eq!(h.pending().await, None);
    assert_eq!(rest_callbacks(&h.double), 1, "acked once, on the gateway");
    h.stop().await;
}

#[tokio::test]
async fn the_answer_button_over_http_opens_the_modal_and_its_submission_answers_the_standup() {
    let mut h = Harness::start(|_| {}).await;
    let endpoint = Endpoint::start(&h, &public_hex(&app_key())).await;
    let create = CommandInvocation {
        workspace: GUILD.into(),
        id: "setup-1".into(),
        channel: CHANNEL.into(),
        user: "111".into(),
        text: format!(
            "standup create daily at=09:30 days=mon-fri channel=<#{CHANNEL}> questions=\"Yesterday?|Today?|Blockers?\" \
             blocker=3 members=<@222>"
        ),
        platform_admin: true,
        is_dm: false,
    };
    h.bot.handle(InboundEvent::Command(create)).await.unwrap();
    h.advance("2026-03-30T09:31:00Z").await;
    assert_eq!(h.double.matching("POST", |p| p == "/channels/9222/messages").len(), 1, "the prompt");

    let mut prompt = crate::discord_gateway::message_create("8100", crate::discord_double::BOT, "Time for daily");
    prompt["channel_id"] = json!("9222");
    prompt.as_object_mut().unwrap().remove("guild_id");
    let click = json!({"custom_id": "unhurried:standup-answer", "component_type": 2});
    let (status, modal) = endpoint.post_signed(&dm_interaction("8101", 3, "222", click, Some(prompt))).await;
    assert_eq!((status, &modal["type"]), (200, &json!(9)), "{modal}");
    let labels: Vec<&str> = modal["data"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["components"][0]["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["Yesterday?", "Today?", "Blockers?"]);

    let input = |i: usize, value: &str| json!({"type": 1, "components": [{"type": 4, "custom_id": format!("q{i}"), "value": value}]});
    let submit = json!({"custom_id": modal["data"]["custom_id"], "components": [
        input(0, "shipped the importer"), input(1, "DST tests"), input(2, "none")]});
    let (status, ack) = endpoint.post_signed(&dm_interaction("8102", 5, "222", submit, None)).await;
    assert_eq!((status, &ack["type"]), (200, &json!(6)), "{ack}");
    let InboundEvent::StandupSubmission(submission) = h.handle_next().await else { panic!("not a submission") };
    assert_eq!((submission.standup.as_str(), submission.workspace.as_str()), ("daily", GUILD));
    assert_eq!(submission.answers, ["shipped the importer", "DST tests", "none"]);
    assert_eq!(h.double.matching("POST", |p| p == "/channels/9222/messages").len(), 2, "the engine confirmed by DM");
    assert_eq!(rest_callbacks(&h.double), 0);
    h.stop().await;
}

fn unhurried(double: &DiscordDouble, db: &std::path::Path, addr: &str, key: &str) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_unhurried"));
    command
        .env_clear()
        .env("DISCORD_TOKEN", "sentinel-discord-token")
        .env("DISCORD_PUBLIC_KEY", key)
        .env("UNHURRIED_DISCORD__API_URL", &double.rest_url)
        .env("UNHURRIED_DATABASE__URL", format!("sqlite://{}", db.display()))
        .env("UNHURRIED_HTTP__ADDR", addr)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    command
}

#[tokio::test]
async fn a_malformed_public_key_stops_serve_and_check_with_one_clear_line() {
    let double = DiscordDouble::start().await;
    let dir = tempfile::tempdir().unwrap();
    let key = "sentinel-not-a-key";
    for verb in ["serve", "check"] {
        let output = unhurried(&double, &dir.path().join("db"), "127.0.0.1:0", key).arg(verb).output().await.unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{verb}: {stderr}");
        let lines: Vec<&str> = stderr.lines().filter(|l| l.starts_with("unhurried: ")).collect();
        assert_eq!(lines, ["unhurried: DISCORD_PUBLIC_KEY must be 64 hex digits"], "{verb}: {stderr}");
        assert!(!stderr.contains("sentinel"), "{verb} repeated the key or the token: {stderr}");
    }
    assert_eq!(double.ops(2), 0, "serve stopped before connecting to Discord");
}

#[tokio::test]
async fn serve_mounts_the_interactions_endpoint_when_the_public_key_is_set() {
    let double = DiscordDouble::start().await;
    let dir = tempfile::tempdir().unwrap();
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let mut child = unhurried(&double, &dir.path().join("db"), &addr.to_string(), &public_hex(&app_key()))
        .arg("serve")
        .spawn()
        .unwrap();
    // "unhurried is running" is logged once the address is bound; requests wait in the backlog
    // until the router serves them.
    let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut logs = String::new();
    tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = stderr.next_line().await.unwrap() {
            logs.push_str(&line);
            if line.contains("unhurried is running") {
                return;
            }
        }
        panic!("serve exited: {logs}");
    })
    .await
    .unwrap_or_else(|_| panic!("serve never started: {logs}"));

    let ping = fixture("interactions/http_ping_type1.json");
    let ping = ping.trim();
    let (status, body) = post(addr, ping.as_bytes(), &signed(&app_key(), "1774857600", ping.as_bytes())).await;
    assert_eq!((status, serde_json::from_str::<Value>(&body).unwrap()), (200, json!({"type": 1})));
    let forged = signed(&SigningKey::from_bytes(&[9; 32]), "1774857600", ping.as_bytes());
    assert_eq!(post(addr, ping.as_bytes(), &forged).await.0, 401);
    child.kill().await.unwrap();
    while let Some(line) = stderr.next_line().await.unwrap() {
        logs.push_str(&line);
    }
    assert!(logs.contains("POST /discord/interactions"), "{logs}");
    assert!(!logs.contains("sentinel-discord-token"), "the token must never be logged");
}
