//! A whole bot wired to the Slack adapter and the Slack double: the real slack-morphism client,
//! the real axum routes, a manual clock, and the test as the one consumer.
#![allow(dead_code, reason = "each Slack test uses a different part of the harness")]

use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, KeyInit as _, Mac as _};
use secrecy::SecretString;
use sha2::Sha256;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::sync::Notify;
use unhurried::adapters::clock::ManualClock;
use unhurried::adapters::http::{HttpState, router};
use unhurried::adapters::metrics::{Metered, Metrics};
use unhurried::adapters::slack::events::SlackHttp;
use unhurried::adapters::slack::verify::RequestVerifier;
use unhurried::adapters::slack::{self, Intake, SlackPlatform};
use unhurried::adapters::sqlite::SqliteStore;
use unhurried::bot::Bot;
use unhurried::config::Settings;
use unhurried::domain::events::InboundEvent;
use unhurried::inbox::InboxWriter;
use unhurried::ports::{Clock as _, InboxStore as _};

use crate::slack_double::SlackDouble;

/// The bot token the harness uses; tests check it never shows in logs.
pub const BOT_TOKEN: &str = "xoxb-sentinel-bot-token-1111";
/// The Socket Mode app token.
pub const APP_TOKEN: &str = "xapp-sentinel-app-token-2222";
/// The signing secret of HTTP mode.
pub const SIGNING_SECRET: &str = "sentinel-signing-secret-3333";
/// Friday 27 March 2026, 09:00 in Berlin.
pub const FRIDAY_MORNING: &str = "2026-03-27T08:00:00Z";

/// The bot, the double and the adapter between them.
pub struct SlackHarness {
    pub double: SlackDouble,
    pub clock: Arc<ManualClock>,
    pub store: Arc<SqliteStore>,
    pub bot: Bot,
    pub metrics: Arc<Metrics>,
    pub intake: Arc<Intake>,
    /// `127.0.0.1:P` of the bot's HTTP server.
    pub http: std::net::SocketAddr,
    pub client: Arc<slack_morphism::prelude::SlackHyperClient>,
    _dir: tempfile::TempDir,
}

impl SlackHarness {
    /// A bot at Friday morning with a 5 s nudge grace; alice (U1, Berlin) and bob (U2, Tokyo).
    pub async fn start() -> Self {
        Self::start_at(FRIDAY_MORNING).await
    }

    /// The same bot with its manual clock at `start` (RFC 3339).
    pub async fn start_at(start: &str) -> Self {
        slack::install_crypto_provider();
        let double = SlackDouble::start().await;
        double.add_user("U1", "alice", "Europe/Berlin");
        double.add_user("U2", "bob", "Asia/Tokyo");
        let mut settings = Settings::defaults();
        settings.nudge.grace = chrono::Duration::seconds(5);
        settings.slack.api_url = double.api_url.clone();
        let dir = tempfile::tempdir().unwrap();
        let store =
            Arc::new(SqliteStore::open(&format!("sqlite://{}", dir.path().join("bot.db").display())).await.unwrap());
        let clock = Arc::new(ManualClock::new(start.parse().unwrap()));
        double.use_clock(clock.clone());
        let metrics = Arc::new(Metrics::default());
        let client = slack::client(&settings.slack.api_url).unwrap();
        let platform = SlackPlatform::new(client.clone(), &SecretString::from(BOT_TOKEN))
            .with_channel_pace(Duration::from_millis(20));
        let identity = platform.identify().await.unwrap();
        let inbox = InboxWriter::start(store.clone(), clock.clone(), Arc::new(Notify::new()));
        let intake = Arc::new(
            Intake::new(inbox, metrics.clone(), Some(identity.user_id)).with_response_urls(platform.response_urls()),
        );
        let slack_http = SlackHttp {
            verifier: RequestVerifier::new(SecretString::from(SIGNING_SECRET)),
            clock: clock.clone(),
            intake: intake.clone(),
        };
        let app = router(
            HttpState {
                store: store.clone(),
                metrics: metrics.clone(),
                clock: clock.clone(),
                readiness: Default::default(),
            },
            Some(slack_http),
            true,
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let http = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        let platform = Arc::new(Metered::new(Arc::new(platform), metrics.clone()));
        let bot = Bot::new(store.clone(), clock.clone(), platform, Arc::new(settings));
        bot.start().await.unwrap();
        SlackHarness { double, clock, store, bot, metrics, intake, http, client, _dir: dir }
    }

    /// Handles every event the adapter recorded in the inbox, like serve's consumer, and delivers
    /// what they queued, like its delivery workers; returns how many events were handled.
    pub async fn drain(&mut self) -> usize {
        let handled = self.bot.handle_pending().await.unwrap();
        self.bot.settle().await.unwrap();
        handled
    }

    /// The oldest event recorded in the inbox and not yet handled.
    pub async fn pending(&self) -> Option<InboundEvent> {
        self.store
            .next_delivery("test", self.clock.now(), chrono::Duration::seconds(30))
            .await
            .unwrap()
            .map(|delivery| delivery.event)
    }

    /// Moves the clock and runs due jobs.
    pub async fn advance(&self, seconds: i64) {
        self.clock.advance(chrono::Duration::seconds(seconds));
        self.bot.run_due_jobs().await.unwrap();
    }

    /// The Unix time of the manual clock, for signing.
    pub fn now_unix(&self) -> i64 {
        self.clock.now().timestamp()
    }

    /// POSTs a body signed at `timestamp` (or with `headers` as given) and returns (status, body).
    pub async fn post_signed(&self, path: &str, body: &str, timestamp: i64, extra: &[(&str, &str)]) -> (u16, String) {
        let ts = timestamp.to_string();
        let signature = sign(SIGNING_SECRET, &ts, body);
        let mut headers = vec![("X-Slack-Request-Timestamp", ts.as_str()), ("X-Slack-Signature", signature.as_str())];
        headers.extend_from_slice(extra);
        self.post(path, body, &headers).await
    }

    /// POSTs with exactly these headers.
    pub async fn post(&self, path: &str, body: &str, headers: &[(&str, &str)]) -> (u16, String) {
        request(self.http, "POST", path, body, headers).await
    }

    /// GETs a path.
    pub async fn get(&self, path: &str) -> (u16, String) {
        request(self.http, "GET", path, "", &[]).await
    }
}

/// `v0=hex(HMAC_SHA256(secret, "v0:{ts}:{body}"))`.
pub fn sign(secret: &str, ts: &str, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("v0:{ts}:{body}").as_bytes());
    format!("v0={}", hex::encode(mac.finalize().into_bytes()))
}

/// A minimal HTTP/1.1 client (one request per connection), enough for the bot's own server.
pub async fn request(
    addr: std::net::SocketAddr,
    verb: &str,
    path: &str,
    body: &str,
    headers: &[(&str, &str)],
) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let content_type = if body.starts_with('{') { "application/json" } else { "application/x-www-form-urlencoded" };
    let mut head = format!(
        "{verb} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await.unwrap();
    // A server refusing a large body may answer and close before reading all of it.
    let _ = stream.write_all(body.as_bytes()).await;
    read_response(stream).await
}

/// POSTs `body` with `Transfer-Encoding: chunked` (no Content-Length), in 64 KiB chunks.
pub async fn post_chunked(
    addr: std::net::SocketAddr,
    path: &str,
    body: &str,
    headers: &[(&str, &str)],
) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await.unwrap();
    for chunk in body.as_bytes().chunks(64 * 1024) {
        let framed = [format!("{:x}\r\n", chunk.len()).as_bytes(), chunk, b"\r\n"].concat();
        if stream.write_all(&framed).await.is_err() {
            break;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    read_response(stream).await
}

async fn read_response(mut stream: tokio::net::TcpStream) -> (u16, String) {
    let mut response = Vec::new();
    // Whatever arrived before a reset is the answer.
    let _ = stream.read_to_end(&mut response).await;
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    (status, body)
}

/// A message event callback as Slack sends it.
pub fn message_callback(event_id: &str, user: &str, channel: &str, ts: &str, text: &str) -> serde_json::Value {
    serde_json::json!({
        "token": "verification-token", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
        "event_id": event_id, "event_time": 1_774_598_400,
        "event": {"type": "message", "channel": channel, "channel_type": "channel", "user": user,
            "text": text, "ts": ts, "event_ts": ts}
    })
}
