//! Slack in HTTP mode, end to end: signed requests into the real axum routes, the real
//! slack-morphism client out to the Slack double, the real bot in between.

use std::sync::{Arc, Mutex};

use serde_json::json;
use unhurried::domain::events::{Destination, OutgoingMessage, Purpose};
use unhurried::ports::SendError;

use crate::slack_double::assert_calls_match_spec;
use crate::slack_support::{BOT_TOKEN, SIGNING_SECRET, SlackHarness, message_callback, sign};

#[tokio::test]
async fn a_ping_becomes_a_threaded_post_after_the_grace_period() {
    let mut h = SlackHarness::start().await;
    let body = message_callback("Ev1", "U1", "C1", "1774598400.000100", "got a sec?").to_string();
    let (status, _) = h.post_signed("/slack/events", &body, h.now_unix(), &[]).await;
    assert_eq!(status, 200);
    assert_eq!(h.drain().await, 1);
    h.advance(3).await;
    assert!(h.double.calls_of("chat.postMessage").is_empty(), "nothing inside the grace period");
    h.advance(10).await;
    let posts = h.double.calls_of("chat.postMessage");
    assert_eq!(posts.len(), 1, "{posts:?}");
    assert_eq!(posts[0].params["channel"], "C1");
    assert_eq!(posts[0].params["thread_ts"], "1774598400.000100");
    assert!(posts[0].params["text"].as_str().unwrap().starts_with("Hi <@U1>"), "{posts:?}");
    assert_eq!(posts[0].bearer.as_deref(), Some(BOT_TOKEN));
    // The engine asked Slack for the sender's zone when it first saw them.
    assert!(h.double.calls_of("users.info").iter().any(|c| c.params["user"] == "U1"));
    assert_calls_match_spec(&h.double.calls());
}

#[tokio::test]
async fn a_retried_delivery_has_one_effect() {
    let mut h = SlackHarness::start().await;
    let body = message_callback("Ev2", "U1", "C1", "1774598400.000200", "got a sec?").to_string();
    assert_eq!(h.post_signed("/slack/events", &body, h.now_unix(), &[]).await.0, 200);
    let retry = [("X-Slack-Retry-Num", "1"), ("X-Slack-Retry-Reason", "http_timeout")];
    assert_eq!(h.post_signed("/slack/events", &body, h.now_unix(), &retry).await.0, 200);
    assert_eq!(h.drain().await, 1, "the retry never reaches the bot");
    h.advance(10).await;
    assert_eq!(h.double.calls_of("chat.postMessage").len(), 1);
    let metrics = h.get("/metrics").await.1;
    assert!(metrics.contains("unhurried_events_received_total{platform=\"slack\",kind=\"duplicate\"} 1"), "{metrics}");
    assert!(metrics.contains("unhurried_messages_sent_total{platform=\"slack\",purpose=\"nudge\"} 1"), "{metrics}");
    assert!(metrics.contains("unhurried_outbox_messages{platform=\"slack\",state=\"sent\"} 1\n"), "{metrics}");
    assert!(metrics.contains("unhurried_outbox_oldest_pending_seconds{platform=\"slack\"} 0\n"), "{metrics}");
    assert!(!metrics.contains("platform=\"discord\""), "no Discord workspace, no Discord series: {metrics}");
}

#[tokio::test]
async fn a_slash_command_is_acked_empty_and_answered_ephemerally_through_its_response_url() {
    let mut h = SlackHarness::start().await;
    let response_url = h.double.response_url("sentinel");
    let body = serde_urlencoded::to_string([
        ("token", "x"),
        ("team_id", "T1"),
        ("team_domain", "d"),
        ("channel_id", "C1"),
        ("channel_name", "general"),
        ("user_id", "U1"),
        ("user_name", "alice"),
        ("command", "/async"),
        ("text", "tz Europe/Paris"),
        ("response_url", response_url.as_str()),
        ("trigger_id", "111.222.abc"),
    ])
    .unwrap();
    let (status, text) = h.post_signed("/slack/commands", &body, h.now_unix(), &[]).await;
    assert_eq!((status, text.as_str()), (200, ""));
    assert_eq!(h.drain().await, 1);
    let replies = h.double.calls_of("response_url");
    assert_eq!(replies.len(), 1, "{:?}", h.double.calls());
    assert_eq!(replies[0].params["response_type"], "ephemeral");
    assert!(replies[0].params["text"].as_str().unwrap().contains("Europe/Paris"), "{replies:?}");
    assert!(h.double.calls_of("chat.postEphemeral").is_empty());
    assert_calls_match_spec(&h.double.calls());
}

#[tokio::test]
async fn url_verification_is_answered_with_the_challenge() {
    let h = SlackHarness::start().await;
    let body = std::fs::read_to_string(fixture("events_api/url_verification.json")).unwrap();
    let (status, text) = h.post_signed("/slack/events", &body, h.now_unix(), &[]).await;
    assert_eq!(status, 200);
    let challenge: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(text.contains(challenge["challenge"].as_str().unwrap()), "{text}");
}

#[tokio::test]
async fn unverified_requests_get_401_and_store_nothing() {
    let mut h = SlackHarness::start().await;
    let now = h.now_unix();
    let body = message_callback("Ev3", "U1", "C1", "1774598400.000300", "got a sec?").to_string();
    let ts = now.to_string();
    let good = sign(SIGNING_SECRET, &ts, &body);
    let cases: Vec<Case> = vec![
        ("stale", body.clone(), signed_at(&body, now - 301)),
        ("future", body.clone(), signed_at(&body, now + 301)),
        (
            "tampered",
            body.replace("got a sec?", "got a sec!"),
            vec![ts_header(&ts), ("X-Slack-Signature", good.clone())],
        ),
        ("no signature", body.clone(), vec![ts_header(&ts)]),
        ("no timestamp", body.clone(), vec![("X-Slack-Signature", good.clone())]),
        ("wrong secret", body.clone(), vec![ts_header(&ts), ("X-Slack-Signature", sign("other", &ts, &body))]),
    ];
    for (name, body, headers) in &cases {
        let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        for path in ["/slack/events", "/slack/commands", "/slack/interactions"] {
            assert_eq!(h.post(path, body, &headers).await.0, 401, "{name} on {path}");
        }
    }
    // ssl_check smuggled in without a valid signature is refused like anything else…
    let smuggled =
        "ssl_check=1&token=x&command=%2Fasync&text=forget-me&user_id=U1&team_id=T1&channel_id=C1&trigger_id=1";
    assert_eq!(h.post("/slack/commands", smuggled, &[("X-Slack-Request-Timestamp", ts.as_str())]).await.0, 401);
    // …and a signed ssl_check is answered but dispatches nothing, even with command fields in it.
    assert_eq!(h.post_signed("/slack/commands", smuggled, now, &[]).await.0, 200);
    assert_eq!(h.drain().await, 0);
    h.advance(60).await;
    assert!(h.double.calls().iter().all(|c| c.method == "auth.test"), "{:?}", h.double.calls());
    // The valid delivery of the same event is still new: nothing was recorded for it.
    assert_eq!(h.post_signed("/slack/events", &body, now, &[]).await.0, 200);
    assert_eq!(h.drain().await, 1);
}

/// A refusal case: its name, the body and the headers sent.
type Case = (&'static str, String, Vec<(&'static str, String)>);

fn ts_header(ts: &str) -> (&'static str, String) {
    ("X-Slack-Request-Timestamp", ts.to_owned())
}

fn signed_at(body: &str, at: i64) -> Vec<(&'static str, String)> {
    let ts = at.to_string();
    vec![("X-Slack-Signature", sign(SIGNING_SECRET, &ts, body)), ts_header(&ts)]
}

#[tokio::test]
async fn the_documented_signing_vectors_verify() {
    use unhurried::adapters::slack::verify::RequestVerifier;
    let vectors: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("signing/vectors.json")).unwrap()).unwrap();
    for vector in vectors["vectors"].as_array().unwrap() {
        let verifier = RequestVerifier::new(vector["signing_secret"].as_str().unwrap().to_owned().into());
        let (ts, sig, body) =
            (vector["timestamp"].as_str(), vector["expected_signature"].as_str(), vector["body"].as_str().unwrap());
        let now = vector["verify_with_now"].as_i64().unwrap();
        assert_eq!(verifier.verify(ts, sig, body.as_bytes(), now), Ok(()), "{}", vector["name"]);
        assert!(verifier.verify(ts, sig, format!("{body}------").as_bytes(), now).is_err());
        assert!(verifier.verify(ts, sig, body.as_bytes(), now + 400).is_err());
    }
}

#[tokio::test]
async fn a_429_storm_on_one_lane_delays_neither_another_lane_nor_a_slash_command_reply() {
    let h = SlackHarness::start().await;
    let workspace_id = h.bot.workspace_id("T1").await.unwrap();
    // Slack keeps refusing posts to C1 (each 429 with Retry-After 30 s), a dozen times in a row.
    h.double.throttle("chat.postMessage#C1", &[30; 12]);
    let post = |channel: &str, n: u32| {
        OutgoingMessage::new(Destination::Post { channel: channel.into() }, Purpose::Digest, format!("{channel}-{n}"))
    };
    let reply = OutgoingMessage::new(
        Destination::Ephemeral { channel: "C1".into(), user: "U1".into() },
        Purpose::CommandReply,
        "your zone is Europe/Paris",
    );
    h.bot.send(workspace_id, vec![post("C1", 1), post("C1", 2), post("C2", 1), post("C2", 2)]).await.unwrap();
    h.bot.send(workspace_id, vec![reply]).await.unwrap();
    h.bot.deliverer().deliver_all().await.unwrap();
    let delivered = |channel: &str| -> Vec<String> {
        let posts = h.double.calls_of("chat.postMessage");
        posts.iter().filter(|c| c.params["channel"] == channel).map(|c| c.params["text"].to_string()).collect()
    };
    assert_eq!(delivered("C2"), [r#""C2-1""#, r#""C2-2""#], "the other lane went on at once");
    assert_eq!(h.double.calls_of("chat.postEphemeral").len(), 1, "the private reply went out at once");
    assert!(delivered("C1").is_empty(), "C1 waits for its Retry-After");
    for _ in 0..12 {
        h.advance(30).await;
    }
    assert_eq!(delivered("C1"), [r#""C1-1""#, r#""C1-2""#], "each once, in order, once Slack lets it");
    let refused = h.double.calls().iter().filter(|c| c.status == 429).count();
    assert_eq!(refused, 12, "every 429 was answered by one retry after its wait");
    assert!(h.get("/metrics").await.1.contains("unhurried_rate_limited_total{platform=\"slack\"} 12"));
}

#[tokio::test]
async fn permanent_slack_errors_are_not_retried() {
    let h = SlackHarness::start().await;
    let message = OutgoingMessage::new(Destination::Post { channel: "CGONE".into() }, Purpose::Other, "hello");
    match h.bot.chat.send(tag(), &message).await {
        Err(SendError::Permanent(error)) => assert!(error.contains("channel_not_found"), "{error}"),
        other => panic!("expected a permanent failure, got {other:?}"),
    }
    assert_eq!(h.double.calls().iter().filter(|c| c.method == "chat.postMessage").count(), 1);
}

#[tokio::test]
async fn dms_updates_and_permalinks_use_the_right_methods() {
    let h = SlackHarness::start().await;
    let chat = h.bot.chat.clone();
    let dm = OutgoingMessage::new(Destination::Dm { user: "U2".into() }, Purpose::Brief, "morning");
    let ts = chat.send(tag(), &dm).await.unwrap();
    let edit =
        OutgoingMessage::new(Destination::Update { channel: "C1".into(), message: ts.clone() }, Purpose::Digest, "v2");
    chat.send(tag(), &edit).await.unwrap();
    let link = chat.permalink("C1", &ts).await.unwrap().unwrap();
    assert!(link.starts_with("https://double.slack.com/archives/C1/p"), "{link}");
    let profile = chat.profile("T1", "U2").await.unwrap().unwrap();
    assert_eq!((profile.name.as_str(), profile.tz.as_deref()), ("bob", Some("Asia/Tokyo")));
    assert_eq!(chat.profile("T1", "UNOBODY").await.unwrap(), None);
    assert_eq!(h.double.calls_of("chat.postMessage")[0].params["channel"], "U2", "DMs go to the user id");
    assert!(h.double.calls().iter().all(|c| c.method != "conversations.open"));
    assert_eq!(h.double.calls_of("chat.update")[0].params["ts"], json!(ts));
    assert_calls_match_spec(&h.double.calls());
}

#[tokio::test]
async fn healthz_answers_when_the_store_does() {
    let h = SlackHarness::start().await;
    assert_eq!(h.get("/healthz").await, (200, "ok\n".to_owned()));
}

#[tokio::test]
async fn no_secret_or_response_url_is_ever_logged() {
    let captured = Arc::new(Mutex::new(Vec::<u8>::new()));
    let _guard = capture_logs("trace", captured.clone());

    let mut h = SlackHarness::start().await;
    let now = h.now_unix();
    // The bot answers through it, so the URL goes over the wire as well as in.
    let response_url: String =
        serde_urlencoded::to_string([("u", h.double.response_url("SENTINELRESPONSE"))]).unwrap()[2..].to_owned();
    let command = format!(
        "team_id=T1&channel_id=C1&user_id=U1&command=%2Fasync&text=help&response_url={response_url}&trigger_id=9.9.9"
    );
    let tampered = format!("{command}&x=1");
    let expected = sign(SIGNING_SECRET, &now.to_string(), &tampered);
    h.post_signed("/slack/commands", &command, now, &[]).await;
    let wrong = sign(SIGNING_SECRET, &now.to_string(), &command);
    h.post(
        "/slack/commands",
        &tampered,
        &[("X-Slack-Request-Timestamp", &now.to_string()), ("X-Slack-Signature", &wrong)],
    )
    .await;
    let body = message_callback("Ev9", "U1", "C1", "1774598400.000900", "got a sec?").to_string();
    h.post_signed("/slack/events", &body, now, &[]).await;
    h.drain().await;
    h.advance(10).await;
    assert!(!h.double.calls_of("chat.postMessage").is_empty());
    assert_eq!(h.double.calls_of("response_url").len(), 1, "the help went through the response_url");

    let logs = String::from_utf8(captured.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("refused an unverified Slack request"), "the capture works: {logs}");
    for secret in [BOT_TOKEN, SIGNING_SECRET, "SENTINELRESPONSE", expected.as_str(), &expected[3..]] {
        assert!(!logs.contains(secret), "{secret} was logged");
    }
}

/// Sends this thread's logs at `filter` into `sink` until the guard drops (tests run on a
/// current-thread runtime, so every task of the test logs here), through the Slack log filter
/// the process installs.
pub fn capture_logs(filter: &str, sink: Arc<Mutex<Vec<u8>>>) -> tracing::subscriber::DefaultGuard {
    use tracing_subscriber::layer::SubscriberExt as _;
    let subscriber = tracing_subscriber::registry()
        .with(tracing_subscriber::EnvFilter::new(filter))
        .with(unhurried::adapters::slack::log_filter())
        .with(tracing_subscriber::fmt::layer().with_ansi(false).with_writer(move || CaptureWriter(sink.clone())));
    tracing::subscriber::set_default(subscriber)
}

struct CaptureWriter(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for CaptureWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A file under `tests/shared/fixtures/slack/`.
pub fn fixture(path: &str) -> String {
    format!("{}/tests/shared/fixtures/slack/{path}", env!("CARGO_MANIFEST_DIR"))
}

#[tokio::test]
async fn posts_to_one_channel_are_paced_and_other_channels_do_not_wait() {
    use secrecy::SecretString;
    use unhurried::adapters::slack::SlackPlatform;
    use unhurried::ports::ChatPlatform as _;
    let h = SlackHarness::start().await;
    let pace = std::time::Duration::from_millis(150);
    let chat = SlackPlatform::new(h.client.clone(), &SecretString::from(BOT_TOKEN)).with_channel_pace(pace);
    let post =
        |channel: &str| OutgoingMessage::new(Destination::Post { channel: channel.into() }, Purpose::Digest, "d");
    let started = std::time::Instant::now();
    chat.send(tag(), &post("C1")).await.unwrap();
    chat.send(tag(), &post("C2")).await.unwrap();
    assert!(started.elapsed() < pace, "a different channel does not wait");
    chat.send(tag(), &post("C1")).await.unwrap();
    chat.send(tag(), &post("C1")).await.unwrap();
    assert!(started.elapsed() >= pace * 2, "three posts to C1 took {:?}", started.elapsed());
}

#[tokio::test]
async fn a_mention_delivered_as_app_mention_and_as_message_has_one_effect() {
    let mut h = SlackHarness::start().await;
    let ts = "1774598400.000700";
    let message = message_callback("EvM1", "U1", "C1", ts, "<@U2>").to_string();
    let mut mention = message_callback("EvM2", "U1", "C1", ts, "<@U2>");
    mention["event"]["type"] = json!("app_mention");
    assert_eq!(h.post_signed("/slack/events", &message, h.now_unix(), &[]).await.0, 200);
    assert_eq!(h.post_signed("/slack/events", &mention.to_string(), h.now_unix(), &[]).await.0, 200);
    assert_eq!(h.drain().await, 1, "two Slack events, one inbox row: the post's own key");
    h.advance(10).await;
    assert_eq!(h.double.calls_of("chat.postMessage").len(), 1, "{:?}", h.double.calls());
}

#[tokio::test]
async fn an_oversized_payload_is_refused_with_a_clear_413_and_changes_nothing() {
    use unhurried::adapters::slack::events::MAX_BODY_BYTES;
    let mut h = SlackHarness::start().await;
    let normal = message_callback("EvBig", "U1", "C1", "1774598400.000400", "got a sec?");
    let mut oversized = normal.clone();
    oversized["event"]["text"] = json!(format!("got a sec? {}", "x".repeat(MAX_BODY_BYTES)));
    let oversized = oversized.to_string();
    for path in ["/slack/events", "/slack/commands", "/slack/interactions"] {
        let (status, text) = h.post_signed(path, &oversized, h.now_unix(), &[]).await;
        assert_eq!(status, 413, "{path}: {text}");
        assert!(text.contains("payload too large") && text.contains(&MAX_BODY_BYTES.to_string()), "{text}");
    }
    // Without a Content-Length the limit holds while the body streams in.
    let ts = h.now_unix().to_string();
    let signature = sign(SIGNING_SECRET, &ts, &oversized);
    let headers = [("X-Slack-Request-Timestamp", ts.as_str()), ("X-Slack-Signature", signature.as_str())];
    let (status, text) = crate::slack_support::post_chunked(h.http, "/slack/events", &oversized, &headers).await;
    assert_eq!(status, 413, "chunked: {text}");
    assert_eq!(h.drain().await, 0, "nothing reached the bot");
    h.advance(60).await;
    assert!(h.double.calls().iter().all(|c| c.method == "auth.test"), "{:?}", h.double.calls());
    // Nothing was recorded either: the same event at its normal size is still new.
    assert_eq!(h.post_signed("/slack/events", &normal.to_string(), h.now_unix(), &[]).await.0, 200);
    assert_eq!(h.drain().await, 1);
    // A body of exactly the limit is still read.
    let challenge = "c".repeat(MAX_BODY_BYTES - r#"{"type":"url_verification","token":"t","challenge":""}"#.len());
    let at_limit = format!(r#"{{"type":"url_verification","token":"t","challenge":"{challenge}"}}"#);
    assert_eq!(at_limit.len(), MAX_BODY_BYTES);
    let (status, text) = h.post_signed("/slack/events", &at_limit, h.now_unix(), &[]).await;
    assert_eq!((status, text.len() > challenge.len()), (200, true));
}

#[tokio::test]
async fn metrics_show_how_long_the_oldest_due_job_has_waited() {
    let h = SlackHarness::start().await;
    let body = message_callback("Ev9", "U1", "C1", "1774598400.000900", "got a sec?").to_string();
    assert_eq!(h.post_signed("/slack/events", &body, h.now_unix(), &[]).await.0, 200);
    let mut h = h;
    assert_eq!(h.drain().await, 1);
    assert!(h.get("/metrics").await.1.contains("unhurried_job_lag_seconds 0\n"), "nothing is due yet");
    // alice's brief was due at 09:00 Berlin (now), the nudge's grace job 5 s later; the consumer
    // then does not run for 100 s.
    h.clock.advance(chrono::Duration::seconds(100));
    let metrics = h.get("/metrics").await.1;
    assert!(metrics.contains("# TYPE unhurried_job_lag_seconds gauge\nunhurried_job_lag_seconds 100\n"), "{metrics}");
    h.advance(0).await;
    assert!(h.get("/metrics").await.1.contains("unhurried_job_lag_seconds 0\n"), "the scheduler caught up");
}

/// An outbox tag for sends made outside the outbox.
fn tag() -> unhurried::ports::OutboxTag {
    unhurried::ports::OutboxTag { id: 1, queued_at: chrono::DateTime::UNIX_EPOCH }
}
