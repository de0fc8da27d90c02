//! Slack in Socket Mode, end to end: slack-morphism's websocket clients with our listener on
//! ws:// sockets of the Slack double, the real bot behind it.

use std::sync::{Arc, Mutex};

use secrecy::SecretString;
use serde_json::{Value, json};
use unhurried::adapters::readiness::ConnectionCheck;
use unhurried::adapters::slack::socket::{SocketMode, SocketOptions};

use crate::slack_double::assert_calls_match_spec;
use crate::slack_support::{APP_TOKEN, BOT_TOKEN, SlackHarness, message_callback};

fn events_envelope(envelope_id: &str, payload: Value, retry_attempt: u32) -> Value {
    json!({"envelope_id": envelope_id, "type": "events_api", "accepts_response_payload": false,
        "retry_attempt": retry_attempt, "retry_reason": if retry_attempt > 0 { "timeout" } else { "" },
        "payload": payload})
}

fn command_envelope(envelope_id: &str, text: &str, response_url: &str) -> Value {
    json!({"envelope_id": envelope_id, "type": "slash_commands", "accepts_response_payload": true,
        "payload": {"token": "x", "team_id": "T1", "team_domain": "d", "channel_id": "C1", "channel_name": "general",
            "user_id": "U1", "user_name": "alice", "command": "/async", "text": text, "api_app_id": "A1",
            "response_url": response_url, "trigger_id": "222.333.abc"}})
}

/// The Socket Mode listener on one socket of the double, connected.
pub async fn connected(h: &SlackHarness) -> SocketMode {
    let options = SocketOptions { connections: 1, stagger_secs: 0, retry_secs: 1 };
    let socket =
        SocketMode::start(h.client.clone(), &SecretString::from(APP_TOKEN), h.intake.clone(), options).await.unwrap();
    h.double.wait_until("the socket", |d| d.sockets_opened() == 1).await;
    socket
}

/// Sends an envelope on the newest socket and waits for its ack.
pub async fn deliver(h: &SlackHarness, envelope: &Value) {
    let id = envelope["envelope_id"].as_str().unwrap().to_owned();
    let before = h.double.acked().iter().filter(|a| **a == id).count();
    h.double.send_frame(envelope);
    h.double.wait_until(&format!("the ack of {id}"), |d| d.acked().iter().filter(|a| **a == id).count() > before).await;
}

#[tokio::test]
async fn a_ping_over_socket_mode_becomes_a_threaded_post_once_even_when_sent_twice() {
    let mut h = SlackHarness::start().await;
    let socket = connected(&h).await;
    let ping = events_envelope("env-1", message_callback("EvS1", "U1", "C1", "1774598400.000100", "got a sec?"), 0);
    deliver(&h, &ping).await;
    deliver(&h, &ping).await;
    assert_eq!(h.drain().await, 1, "the envelope sent twice reaches the bot once");
    h.advance(10).await;
    let posts = h.double.calls_of("chat.postMessage");
    assert_eq!(posts.len(), 1, "{posts:?}");
    assert_eq!(posts[0].params["thread_ts"], "1774598400.000100");
    assert_calls_match_spec(&h.double.calls());
    socket.shutdown().await;
}

#[tokio::test]
async fn a_slash_command_over_socket_mode_is_acked_at_once_and_answered_ephemerally() {
    let captured = Arc::new(Mutex::new(Vec::<u8>::new()));
    let _guard = crate::slack::capture_logs("trace", captured.clone());
    let mut h = SlackHarness::start().await;
    let socket = connected(&h).await;
    let response_url = h.double.response_url("SENTINELSOCKETRESPONSE");
    deliver(&h, &command_envelope("env-cmd", "tz Europe/Paris", &response_url)).await;
    let ack = h.double.received_frames().into_iter().find(|f| f["envelope_id"] == "env-cmd").unwrap();
    assert_eq!(ack["payload"], json!({}), "an empty ack shows nothing: {ack}");
    assert_eq!(h.drain().await, 1);
    let replies = h.double.calls_of("response_url");
    assert_eq!(replies.len(), 1, "{:?}", h.double.calls());
    assert!(replies[0].params["text"].as_str().unwrap().contains("Europe/Paris"));
    socket.shutdown().await;
    let logs = String::from_utf8(captured.lock().unwrap().clone()).unwrap();
    // At trace slack-morphism would print whole frames, response_url included; its filter cuts
    // them. (Thread-local capture can miss lines of callsites other tests hit first, so the
    // process-level test in slack_cli.rs is the firm check.)
    for secret in [APP_TOKEN, BOT_TOKEN, "SENTINELSOCKETRESPONSE"] {
        assert!(!logs.contains(secret), "{secret} was logged");
    }
}

#[tokio::test]
async fn a_disconnect_frame_reconnects_without_losing_or_repeating_events() {
    let mut h = SlackHarness::start().await;
    let socket = connected(&h).await;
    let first = message_callback("EvR1", "U1", "C1", "1774598400.000100", "got a sec?");
    deliver(&h, &events_envelope("env-r1", first.clone(), 0)).await;
    h.double.send_frame(&json!({"type": "disconnect", "reason": "refresh_requested",
        "debug_info": {"host": "applink-double"}}));
    h.double.wait_until("a second socket", |d| d.sockets_opened() == 2).await;
    // Slack redelivers the first event on the new socket, and sends a new one.
    deliver(&h, &events_envelope("env-r1-retry", first, 1)).await;
    let second = message_callback("EvR2", "U2", "C2", "1774598400.000200", "got a sec?");
    deliver(&h, &events_envelope("env-r2", second, 0)).await;
    assert_eq!(h.drain().await, 2, "both events, each once");
    h.advance(10).await;
    let mut threads: Vec<String> = h
        .double
        .calls_of("chat.postMessage")
        .iter()
        .map(|c| format!("{}/{}", c.params["channel"].as_str().unwrap(), c.params["thread_ts"].as_str().unwrap()))
        .collect();
    threads.sort();
    assert_eq!(threads, ["C1/1774598400.000100", "C2/1774598400.000200"]);
    assert_eq!(h.double.calls().iter().filter(|c| c.method == "apps.connections.open").count(), 2);
    socket.shutdown().await;
}

#[tokio::test]
async fn the_same_event_on_both_sockets_has_one_effect() {
    let mut h = SlackHarness::start().await;
    let options = SocketOptions { connections: 2, stagger_secs: 0, retry_secs: 1 };
    let socket =
        SocketMode::start(h.client.clone(), &SecretString::from(APP_TOKEN), h.intake.clone(), options).await.unwrap();
    h.double.wait_until("two sockets", |d| d.sockets_opened() == 2).await;
    let ping = message_callback("EvB1", "U1", "C1", "1774598400.000100", "got a sec?");
    for (socket_index, envelope_id) in [(0, "env-b-first"), (1, "env-b-second")] {
        h.double.send_frame_to(socket_index, &events_envelope(envelope_id, ping.clone(), socket_index as u32));
        h.double.wait_until(envelope_id, |d| d.acked().iter().any(|a| a == envelope_id)).await;
    }
    assert_eq!(h.drain().await, 1, "one effect for the event delivered on both sockets");
    socket.shutdown().await;
}

/// An `interactive` envelope around an interaction payload.
pub fn interactive_envelope(envelope_id: &str, payload: Value) -> Value {
    json!({"envelope_id": envelope_id, "type": "interactive", "accepts_response_payload": true, "payload": payload})
}

#[tokio::test]
async fn buttons_and_the_modal_work_over_socket_mode_with_errors_in_the_ack() {
    use crate::slack_ui::{click, prompted, submission};
    let mut h = prompted().await;
    let socket = connected(&h).await;
    deliver(&h, &interactive_envelope("env-answer", click("unhurried.answer", "333.444.socket"))).await;
    assert_eq!(h.drain().await, 1);
    let view = h.double.calls_of("views.open")[0].params["view"].clone();
    assert_eq!(view["blocks"].as_array().unwrap().len(), 3);

    deliver(&h, &interactive_envelope("env-blank", submission(&view, "V777", &["", "tests", ""]))).await;
    let ack = h.double.received_frames().into_iter().find(|f| f["envelope_id"] == "env-blank").unwrap();
    assert_eq!(ack["payload"]["response_action"], "errors", "{ack}");
    assert!(ack["payload"]["errors"]["q1"].is_string(), "{ack}");
    assert_eq!(h.drain().await, 0, "a refused submission reaches nothing");

    let complete = submission(&view, "V777", &["shipped", "tests", ""]);
    deliver(&h, &interactive_envelope("env-ok", complete.clone())).await;
    let ack = h.double.received_frames().into_iter().find(|f| f["envelope_id"] == "env-ok").unwrap();
    assert!(ack.get("payload").is_none_or(|p| p.get("response_action").is_none()), "closes the modal: {ack}");
    deliver(&h, &interactive_envelope("env-ok-again", complete)).await;
    assert_eq!(h.drain().await, 1, "the same view submitted twice is one inbox row");
    let metrics = h.get("/metrics").await.1;
    assert!(
        metrics.contains("unhurried_messages_sent_total{platform=\"slack\",purpose=\"standup_ack\"} 1"),
        "{metrics}"
    );
    assert_calls_match_spec(&h.double.calls());
    socket.shutdown().await;
}

fn socket_fixture(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(crate::slack::fixture(&format!("socket_mode/{name}"))).unwrap())
        .unwrap()
}

/// The ack the client sent for `envelope`.
fn ack_of(h: &SlackHarness, envelope: &Value) -> Value {
    let id = &envelope["envelope_id"];
    h.double.received_frames().into_iter().find(|f| f["envelope_id"] == *id).unwrap()
}

#[tokio::test]
async fn slacks_own_socket_mode_envelopes_become_the_right_events() {
    use unhurried::domain::events::{ChatMessage, CommandInvocation, InboundEvent};
    let mut h = SlackHarness::start().await;
    let socket = connected(&h).await;

    let message = socket_fixture("envelope_events_api_message.json");
    deliver(&h, &message).await;
    assert_eq!(ack_of(&h, &message), json!({"envelope_id": message["envelope_id"]}), "a bare ack");
    let expected = ChatMessage {
        workspace: "T111".into(),
        id: "1610241741.000200".into(),
        channel: "C111".into(),
        user: "U222".into(),
        text: "<@U111> Hi here!".into(),
        thread: None,
        is_dm: false,
    };
    assert_eq!(h.pending().await, Some(InboundEvent::Message(expected)));
    h.drain().await;

    // The fixtures' app_mention of that post carries the same event id: acked, no second event.
    let mention = socket_fixture("envelope_events_api_app_mention.json");
    deliver(&h, &mention).await;
    assert_eq!(h.pending().await, None, "a redelivered event id reaches nothing");

    let command = socket_fixture("envelope_slash_commands.json");
    deliver(&h, &command).await;
    assert_eq!(ack_of(&h, &command)["payload"], json!({}), "an empty ack shows nothing");
    let expected = CommandInvocation {
        workspace: "T111".into(),
        id: "111.222.xxx".into(),
        channel: "C111".into(),
        user: "U111".into(),
        text: String::new(),
        platform_admin: false,
        is_dm: false,
    };
    assert_eq!(h.pending().await, Some(InboundEvent::Command(expected)));
    h.drain().await;

    // A global shortcut is not something the bot offers: acked and ignored.
    let shortcut = socket_fixture("envelope_interactive_shortcut.json");
    deliver(&h, &shortcut).await;
    assert_eq!(h.pending().await, None);
    socket.shutdown().await;
}

#[tokio::test]
async fn slacks_disconnect_warning_frame_makes_the_listener_reconnect() {
    let mut h = SlackHarness::start().await;
    let socket = connected(&h).await;
    h.double.send_frame(&socket_fixture("disconnect_warning.json"));
    h.double.wait_until("a second socket", |d| d.sockets_opened() == 2).await;
    deliver(&h, &events_envelope("env-w1", message_callback("EvW1", "U1", "C1", "1774598400.000500", "hi"), 0)).await;
    assert_eq!(h.drain().await, 1, "events still arrive on the new socket");
    socket.shutdown().await;
}

/// Waits (up to 5 s) until the readiness check says `want`.
async fn until_ready_is(check: &dyn ConnectionCheck, want: Result<(), &str>) {
    let want = want.map_err(str::to_owned);
    for _ in 0..500 {
        if check.check().await == want {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("readiness is {:?}, not {want:?}", check.check().await);
}

#[tokio::test]
async fn readiness_is_down_while_every_socket_is_lost_and_up_again_once_slack_greets_a_new_one() {
    let mut h = SlackHarness::start().await;
    let options = SocketOptions { connections: 2, stagger_secs: 0, retry_secs: 1 };
    let socket =
        SocketMode::start(h.client.clone(), &SecretString::from(APP_TOKEN), h.intake.clone(), options).await.unwrap();
    let ready = socket.readiness_check();
    assert_eq!(ready.name(), "slack socket mode");
    h.double.wait_until("two sockets", |d| d.sockets_opened() == 2).await;
    until_ready_is(&*ready, Ok(())).await;

    // Slack cannot be reached: one socket closes, and no new one can be opened.
    let opens = |d: &crate::slack_double::SlackDouble| d.calls_of("apps.connections.open").len();
    h.double.refuse_sockets(true);
    h.double.close_socket(0);
    h.double.wait_until("an attempt to reopen it", |d| opens(d) >= 3).await;
    assert_eq!(ready.check().await, Ok(()), "one socket is still open: Slack delivers on it");

    // The other closes too: down, and it stays down while every attempt fails.
    h.double.close_sockets();
    until_ready_is(&*ready, Err("every socket was lost; reconnecting")).await;
    let failed = opens(&h.double);
    h.double.wait_until("another failed attempt", |d| opens(d) > failed + 1).await;
    assert_eq!(ready.check().await, Err("every socket was lost; reconnecting".to_owned()));

    // Slack is back: the next attempt opens a socket, Slack greets it, and events arrive again.
    h.double.refuse_sockets(false);
    h.double.wait_until("a socket again", |d| d.sockets_opened() >= 3).await;
    until_ready_is(&*ready, Ok(())).await;
    deliver(&h, &events_envelope("env-back", message_callback("EvK1", "U1", "C1", "1774598400.000900", "hi"), 0)).await;
    assert_eq!(h.drain().await, 1);

    socket.shutdown().await;
}
