//! Exactly once on Discord: every create carries the outbox id as an enforced nonce, so a create
//! whose answer was a 5xx (Discord may have made the message) is simply sent again, and Discord —
//! the double honours the nonce as Discord does — keeps one message. A message Discord would
//! refuse for its length fails at once and its conversation moves on.

use serde_json::json;
use unhurried::domain::events::{Destination, OutgoingMessage, Purpose};
use unhurried::ports::{OutboxStore as _, OutboxTag, SendError};

use crate::discord_double::DiscordDouble;
use crate::discord_gateway::{CHANNEL, Harness, message_create};

async fn in_state(h: &Harness, state: &str) -> i64 {
    let stats = h.store.outbox_stats().await.unwrap();
    stats.by_state.iter().find(|(s, _)| s == state).map_or(0, |(_, n)| *n)
}

#[tokio::test]
async fn a_create_answered_500_after_discord_made_it_is_resent_with_the_same_nonce_and_discord_keeps_one() {
    let mut h = Harness::start(|d| d.fail_posts_after_creating(1)).await;
    h.double.dispatch("MESSAGE_CREATE", message_create("7501", "111", "got a sec?"));
    h.handle_next().await;
    h.advance("2026-03-30T08:01:05Z").await;
    let posts = || h.double.matching("POST", |p| p == "/channels/7501/messages");
    assert_eq!(posts().len(), 1, "{:#?}", h.double.requests());
    assert_eq!(h.double.created().len(), 1, "Discord made it");
    assert_eq!(in_state(&h, "sent").await, 0, "the bot cannot know that yet");

    h.advance("2026-03-30T08:02:05Z").await;
    let posts = posts();
    assert_eq!(posts.len(), 2, "resent after the back-off");
    let nonce = &posts[0].body["nonce"];
    assert!(nonce.is_string() && !nonce.as_str().unwrap().is_empty(), "{nonce}");
    assert_eq!(posts[1].body["nonce"], *nonce, "the same nonce");
    assert!(posts.iter().all(|p| p.body["enforce_nonce"] == json!(true)));
    assert_eq!(h.double.created().len(), 1, "Discord answered with the first message and made no other");
    assert_eq!(in_state(&h, "sent").await, 1);
    h.advance("2026-03-30T08:10:00Z").await;
    assert_eq!(h.double.matching("POST", |p| p == "/channels/7501/messages").len(), 2, "and never again");
    h.stop().await;
}

#[tokio::test]
async fn different_messages_carry_different_nonces_and_are_all_created() {
    let h = Harness::start(|_| {}).await;
    let workspace = h.bot.workspace_id(crate::discord_double::GUILD).await.unwrap();
    let post = |text: &str| OutgoingMessage::new(Destination::Post { channel: CHANNEL.into() }, Purpose::Digest, text);
    h.bot.send(workspace, vec![post("one"), post("two")]).await.unwrap();
    h.bot.deliverer().deliver_all().await.unwrap();
    let posts = h.double.matching("POST", |p| p == format!("/channels/{CHANNEL}/messages"));
    assert_eq!(posts.len(), 2);
    assert_ne!(posts[0].body["nonce"], posts[1].body["nonce"]);
    assert_eq!(h.double.created().len(), 2);
    h.stop().await;
}

#[tokio::test]
async fn a_message_over_2000_characters_is_refused_for_good_without_a_call() {
    // The consumer splits messages before queueing them; one that still reaches the platform
    // (queued before that, or by a bug) must fail at once, never be retried as transient.
    let h = Harness::start(|_| {}).await;
    let before = h.double.requests().len();
    let tag = OutboxTag { id: 11, queued_at: "2026-03-30T08:00:00Z".parse().unwrap() };
    for to in [Destination::Post { channel: CHANNEL.into() }, Destination::Dm { user: "111".into() }] {
        let long = OutgoingMessage::new(to, Purpose::Brief, "x".repeat(2001));
        let refused = h.bot.chat.send(tag, &long).await;
        assert!(matches!(refused, Err(SendError::Refused(ref e)) if e.contains("2001 characters")), "{refused:?}");
    }
    assert_eq!(h.double.requests().len(), before, "nothing was sent");
    h.disconnect().await;
}

#[tokio::test]
async fn a_5xx_is_ambiguous_and_a_429_carries_its_retry_after_straight_from_the_platform() {
    let h = Harness::start(|d: &DiscordDouble| {
        d.fail_posts_after_creating(1);
        d.rate_limit_posts(1);
    })
    .await;
    let tag = OutboxTag { id: 9, queued_at: "2026-03-30T08:00:00Z".parse().unwrap() };
    let post = OutgoingMessage::new(Destination::Post { channel: CHANNEL.into() }, Purpose::Digest, "hello");
    let limited = h.bot.chat.send(tag, &post).await;
    assert!(
        matches!(limited, Err(SendError::RateLimited { retry_after }) if retry_after.as_secs() == 65),
        "{limited:?}"
    );
    assert!(matches!(h.bot.chat.send(tag, &post).await, Err(SendError::Ambiguous(_))));
    assert!(h.bot.chat.find_sent(tag, &post).await.unwrap().is_none(), "the nonce makes the resend safe");
    let first = h.bot.chat.send(tag, &post).await.unwrap();
    assert_eq!(h.double.created().len(), 1);
    assert_eq!(h.double.created()[0]["id"], first.as_str(), "the resend answered the first message");
    h.disconnect().await;
}
