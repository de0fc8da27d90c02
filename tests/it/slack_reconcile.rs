//! Exactly once on Slack through ambiguous failures: the real slack-morphism client, the real
//! delivery workers and SQLite, against the Slack double. A post Slack kept but whose answer was
//! lost (a 500, a dropped connection, a crash) is found by the outbox id in its metadata and
//! never posted twice; one Slack never got is sent once after the look-up finds nothing.

use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;
use unhurried::adapters::slack::SlackPlatform;
use unhurried::bot::Bot;
use unhurried::domain::events::{Destination, OutgoingMessage, Purpose};
use unhurried::ports::{ChatPlatform, Clock as _, OutboxStore as _, OutboxTag, SendError};

use crate::slack_double::{Fault, assert_calls_match_spec};
use crate::slack_support::{BOT_TOKEN, SlackHarness};

fn message(to: Destination, text: &str) -> OutgoingMessage {
    OutgoingMessage::new(to, Purpose::Digest, text)
}

fn post(channel: &str, text: &str) -> OutgoingMessage {
    message(Destination::Post { channel: channel.into() }, text)
}

/// Queues `messages` as the consumer would and delivers them once.
async fn queue_and_deliver(h: &SlackHarness, messages: Vec<OutgoingMessage>) {
    let workspace = h.bot.workspace_id("T1").await.unwrap();
    h.bot.send(workspace, messages).await.unwrap();
    h.bot.deliverer().deliver_all().await.unwrap();
}

/// How many outbox messages are in `state`.
async fn in_state(h: &SlackHarness, state: &str) -> i64 {
    let stats = h.store.outbox_stats().await.unwrap();
    stats.by_state.iter().find(|(s, _)| s == state).map_or(0, |(_, n)| *n)
}

/// Checks that the metadata of every post in `channel` names a distinct outbox id.
fn assert_tagged(h: &SlackHarness, channel: &str) {
    let posted = h.double.posted_in(channel);
    let mut ids: Vec<String> = posted
        .iter()
        .map(|p| {
            let metadata = p.metadata.as_ref().expect("every post carries metadata");
            assert_eq!(metadata["event_type"], "unhurried_outbox", "{metadata}");
            metadata["event_payload"]["outbox_id"].as_str().expect("the outbox id").to_owned()
        })
        .collect();
    ids.dedup();
    assert_eq!(ids.len(), posted.len(), "one post per outbox id: {posted:?}");
}

#[tokio::test]
async fn a_post_answered_500_after_slack_kept_it_is_posted_exactly_once() {
    let h = SlackHarness::start().await;
    h.double.fail_after_recording("chat.postMessage", 1, Fault::Status500);
    queue_and_deliver(&h, vec![post("C1", "digest")]).await;
    assert_eq!(h.double.posted_in("C1").len(), 1, "Slack kept it");
    assert_eq!(in_state(&h, "sent").await, 0, "the bot cannot know that yet");

    h.advance(60).await;
    assert_eq!(h.double.posted_in("C1").len(), 1, "found, not posted again");
    assert_eq!(in_state(&h, "sent").await, 1);
    let lookups = h.double.calls_of("conversations.history");
    assert_eq!(lookups.len(), 1, "{:?}", h.double.calls());
    assert_eq!(lookups[0].params["channel"], "C1");
    assert_eq!(lookups[0].params["include_all_metadata"], "true");
    let queued_at = h.clock.now().timestamp() - 60;
    assert_eq!(lookups[0].params["oldest"], format!("{}.000000", queued_at - 60), "a minute before it was queued");
    h.advance(600).await;
    assert_eq!(h.double.posted_in("C1").len(), 1, "and never again");
    assert_tagged(&h, "C1");
    assert_calls_match_spec(&h.double.calls());
}

#[tokio::test]
async fn a_post_whose_connection_dropped_after_slack_kept_it_is_posted_exactly_once() {
    let h = SlackHarness::start().await;
    h.double.fail_after_recording("chat.postMessage#C1", 1, Fault::DropConnection);
    queue_and_deliver(&h, vec![post("C1", "digest"), post("C2", "other")]).await;
    assert_eq!(h.double.calls().iter().filter(|c| c.status == 0).count(), 1, "one answer was never sent");
    assert_eq!(h.double.posted_in("C2").len(), 1, "the other conversation went on");

    h.advance(60).await;
    assert_eq!(h.double.posted_in("C1").len(), 1);
    assert_eq!(in_state(&h, "sent").await, 2);
    h.advance(600).await;
    assert_eq!(h.double.posted_in("C1").len(), 1);
    assert_calls_match_spec(&h.double.calls());
}

#[tokio::test]
async fn a_dm_whose_answer_was_lost_is_found_in_the_dm_conversation() {
    let h = SlackHarness::start().await;
    h.double.fail_after_recording("chat.postMessage", 1, Fault::DropConnection);
    queue_and_deliver(&h, vec![message(Destination::Dm { user: "U2".into() }, "your brief")]).await;
    h.advance(60).await;
    assert_eq!(h.double.posted_in("DU2").len(), 1);
    assert_eq!(in_state(&h, "sent").await, 1);
    // The lost answer never named the DM's conversation, so the bot asked for it.
    let opened = h.double.calls_of("conversations.open");
    assert_eq!(opened.len(), 1);
    assert_eq!(opened[0].params["users"], "U2");
    assert_eq!(h.double.calls_of("conversations.history")[0].params["channel"], "DU2");
    assert_calls_match_spec(&h.double.calls());
}

#[tokio::test]
async fn a_thread_reply_answered_500_is_found_among_the_replies() {
    let h = SlackHarness::start().await;
    let thread = "1774598400.000100";
    h.double.fail_after_recording("chat.postMessage", 1, Fault::Status500);
    let reply = message(Destination::ThreadReply { channel: "C1".into(), thread: thread.into() }, "ask it all here");
    queue_and_deliver(&h, vec![reply]).await;
    h.advance(60).await;
    assert_eq!(h.double.posted_in("C1").len(), 1);
    let lookups = h.double.calls_of("conversations.replies");
    assert_eq!(lookups.len(), 1);
    assert_eq!(lookups[0].params["ts"], thread);
    assert!(h.double.calls_of("conversations.history").is_empty());
    assert_eq!(in_state(&h, "sent").await, 1);
}

#[tokio::test]
async fn a_message_a_crash_left_mid_send_is_looked_for_and_then_posted_once() {
    let h = SlackHarness::start().await;
    let workspace = h.bot.workspace_id("T1").await.unwrap();
    h.bot.send(workspace, vec![post("C1", "digest")]).await.unwrap();
    // A crash after the message was taken, before Slack got it: the next process only knows it
    // was `sending`.
    let taken = h.store.take_deliverable("test", h.clock.now(), chrono::Duration::seconds(30), 10).await.unwrap();
    assert_eq!(taken.len(), 1);
    let restarted = restart(&h).await;
    restarted.deliverer().deliver_all().await.unwrap();
    assert_eq!(h.double.calls_of("conversations.history").len(), 1, "looked for first");
    assert_eq!(h.double.posted_in("C1").len(), 1, "then sent once");
    assert_eq!(in_state(&h, "sent").await, 1);
    assert_tagged(&h, "C1");
}

#[tokio::test]
async fn a_post_slack_kept_just_before_a_crash_is_not_posted_again_after_the_restart() {
    let h = SlackHarness::start().await;
    let workspace = h.bot.workspace_id("T1").await.unwrap();
    h.bot.send(workspace, vec![post("C1", "digest")]).await.unwrap();
    let taken = h.store.take_deliverable("test", h.clock.now(), chrono::Duration::seconds(30), 10).await.unwrap();
    let tag = OutboxTag { id: taken[0].id, queued_at: taken[0].queued_at };
    // The worker's call went through; the process died before recording it.
    h.bot.chat.send(tag, &taken[0].message).await.unwrap();
    let restarted = restart(&h).await;
    h.clock.advance(chrono::Duration::seconds(5));
    restarted.deliverer().deliver_all().await.unwrap();
    assert_eq!(h.double.posted_in("C1").len(), 1);
    assert_eq!(in_state(&h, "sent").await, 1);
    assert_eq!(
        h.store.sent_ref(tag.id).await.unwrap(),
        Some(h.double.posted_in("C1")[0].ts.clone()),
        "the copy Slack has is the one recorded"
    );
}

/// A new process on the same database: a new platform (nothing remembered) and a started bot.
async fn restart(h: &SlackHarness) -> Bot {
    let client = unhurried::adapters::slack::client(&h.double.api_url).unwrap();
    let platform = SlackPlatform::new(client, &SecretString::from(BOT_TOKEN));
    platform.identify().await.unwrap();
    let bot = Bot::new(h.store.clone(), h.clock.clone(), Arc::new(platform), h.bot.settings.clone());
    bot.start().await.unwrap();
    bot
}

/// The platform alone against the double, for classification.
fn platform(api_url: &str) -> SlackPlatform {
    let client = unhurried::adapters::slack::client(api_url).unwrap();
    SlackPlatform::new(client, &SecretString::from(BOT_TOKEN)).with_channel_pace(Duration::ZERO)
}

fn tag(id: i64) -> OutboxTag {
    OutboxTag { id, queued_at: "2026-03-27T08:00:00Z".parse().unwrap() }
}

#[tokio::test]
async fn each_kind_of_failed_post_is_sorted_by_whether_slack_may_have_it() {
    let h = SlackHarness::start().await;
    let chat = platform(&h.double.api_url);
    h.double.fail_after_recording("chat.postMessage", 1, Fault::Status500);
    assert!(matches!(chat.send(tag(1), &post("C1", "a")).await, Err(SendError::Ambiguous(e)) if e.contains("500")));
    h.double.fail_after_recording("chat.postMessage", 1, Fault::DropConnection);
    assert!(matches!(chat.send(tag(2), &post("C1", "b")).await, Err(SendError::Ambiguous(_))));
    h.double.throttle("chat.postMessage", &[7]);
    assert!(matches!(
        chat.send(tag(3), &post("C1", "c")).await,
        Err(SendError::RateLimited { retry_after }) if retry_after == Duration::from_secs(7)
    ));
    assert!(
        matches!(chat.send(tag(4), &post("CGONE", "d")).await, Err(SendError::Permanent(e)) if e.contains("channel_not_found"))
    );
    h.double.grant_scopes(&["users:read"]);
    assert!(
        matches!(chat.send(tag(5), &post("C1", "e")).await, Err(SendError::Refused(e)) if e.contains("missing_scope"))
    );

    // Nothing listens on this port: the request never left.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let unreachable = platform(&format!("http://127.0.0.1:{port}/api"));
    assert!(matches!(unreachable.send(tag(6), &post("C1", "f")).await, Err(SendError::Transient(_))));
}

#[tokio::test]
async fn edits_and_private_replies_are_simply_resent() {
    let h = SlackHarness::start().await;
    let edit = message(Destination::Update { channel: "C1".into(), message: "1.2".into() }, "v2");
    let private = message(Destination::Ephemeral { channel: "C1".into(), user: "U1".into() }, "only you");
    assert_eq!(h.bot.chat.find_sent(tag(1), &edit).await.unwrap(), None);
    assert_eq!(h.bot.chat.find_sent(tag(2), &private).await.unwrap(), None);
    assert!(h.double.calls().iter().all(|c| !c.method.starts_with("conversations.")), "no look-up needed");
}

#[tokio::test]
async fn a_lookup_that_fails_is_tried_again_and_only_then_the_post_resent_once() {
    let h = SlackHarness::start().await;
    h.double.fail_after_recording("chat.postMessage", 1, Fault::Status500);
    h.double.fail_after_recording("conversations.history", 1, Fault::DropConnection);
    queue_and_deliver(&h, vec![post("C1", "digest")]).await;
    h.advance(60).await;
    assert_eq!(h.double.posted_in("C1").len(), 1, "a failed look-up never resends");
    assert_eq!(in_state(&h, "sent").await, 0);
    h.advance(600).await;
    assert_eq!(h.double.posted_in("C1").len(), 1);
    assert_eq!(in_state(&h, "sent").await, 1, "the second look-up found it");
}

#[tokio::test]
async fn a_post_waiting_for_its_channel_slot_never_holds_up_another_channel() {
    let h = SlackHarness::start().await;
    let pace = Duration::from_millis(300);
    let chat = platform(&h.double.api_url).with_channel_pace(pace);
    let started = std::time::Instant::now();
    chat.send(tag(1), &post("C1", "first")).await.unwrap();
    let second_post = post("C1", "second");
    let waiting = chat.send(tag(2), &second_post);
    let other = async {
        let asked = std::time::Instant::now();
        chat.send(tag(3), &post("C2", "elsewhere")).await.unwrap();
        asked.elapsed()
    };
    let (second, other_took) = tokio::join!(waiting, other);
    second.unwrap();
    assert!(other_took < pace / 2, "C2 waited {other_took:?} behind C1's slot");
    assert!(started.elapsed() >= pace, "C1's second post kept its pace: {:?}", started.elapsed());
}

#[tokio::test]
async fn the_double_holds_the_workspace_to_its_post_rate_with_retry_after() {
    let h = SlackHarness::start().await;
    let chat = platform(&h.double.api_url);
    h.double.limit_posts_per_second(2);
    chat.send(tag(1), &post("C1", "a")).await.unwrap();
    chat.send(tag(2), &post("C2", "b")).await.unwrap();
    let third = chat.send(tag(3), &post("C3", "c")).await;
    assert!(
        matches!(third, Err(SendError::RateLimited { retry_after }) if retry_after == Duration::from_secs(1)),
        "{third:?}"
    );
    assert_eq!(h.double.posted().len(), 2, "a refused post is not kept");
}
