//! Replies to `/async` reach the member wherever they typed it (issue 13 item 3): through the
//! command's `response_url` first — it works in a DM between two people or a private channel
//! the bot is not in — then `chat.postEphemeral`, then, where the bot cannot post at all, a DM.

use unhurried::ports::OutboxStore as _;

use crate::slack_double::assert_calls_match_spec;
use crate::slack_support::SlackHarness;

/// Types `/async {text}` as `U1` in `channel`, with `response_url`, and lets the bot answer.
async fn type_command(h: &mut SlackHarness, channel: &str, text: &str, response_url: &str, trigger: &str) {
    let body = serde_urlencoded::to_string([
        ("token", "x"),
        ("team_id", "T1"),
        ("team_domain", "d"),
        ("channel_id", channel),
        ("channel_name", "directmessage"),
        ("user_id", "U1"),
        ("user_name", "alice"),
        ("command", "/async"),
        ("text", text),
        ("response_url", response_url),
        ("trigger_id", trigger),
    ])
    .unwrap();
    let (status, answer) = h.post_signed("/slack/commands", &body, h.now_unix(), &[]).await;
    assert_eq!((status, answer.as_str()), (200, ""), "acked empty");
    assert_eq!(h.drain().await, 1);
}

#[tokio::test]
async fn a_command_typed_where_the_bot_is_not_a_member_is_answered_through_its_response_url() {
    let mut h = SlackHarness::start().await;
    // A DM between alice and bob: the bot is not in it.
    h.double.bot_not_in("DALICEBOB");
    let url = h.double.response_url("SENTINELREPLY");
    type_command(&mut h, "DALICEBOB", "tz Europe/Paris", &url, "1.1.1").await;
    let replies = h.double.calls_of("response_url");
    assert_eq!(replies.len(), 1, "{:?}", h.double.calls());
    assert_eq!(replies[0].params["response_type"], "ephemeral");
    assert!(replies[0].params["text"].as_str().unwrap().contains("Europe/Paris"), "{replies:?}");
    assert!(replies[0].bearer.is_none(), "the URL is the credential");
    assert!(h.double.calls().iter().all(|c| c.method != "chat.postEphemeral" && c.method != "chat.postMessage"));
    assert_calls_match_spec(&h.double.calls());
}

#[tokio::test]
async fn a_command_whose_response_url_has_expired_is_answered_ephemerally_where_the_bot_is() {
    let mut h = SlackHarness::start().await;
    let url = h.double.response_url("SENTINELOLD");
    h.double.expire_response_urls();
    type_command(&mut h, "C1", "tz Europe/Paris", &url, "2.2.2").await;
    assert_eq!(h.double.calls().iter().filter(|c| c.method == "response_url" && c.status == 404).count(), 1);
    let replies = h.double.calls_of("chat.postEphemeral");
    assert_eq!(replies.len(), 1, "{:?}", h.double.calls());
    assert_eq!((replies[0].params["channel"].as_str(), replies[0].params["user"].as_str()), (Some("C1"), Some("U1")));
    assert!(h.double.calls_of("chat.postMessage").is_empty());
}

#[tokio::test]
async fn a_command_that_can_be_answered_neither_way_is_answered_by_dm() {
    let mut h = SlackHarness::start().await;
    h.double.bot_not_in("GSECRET");
    let url = h.double.response_url("SENTINELGONE");
    h.double.expire_response_urls();
    type_command(&mut h, "GSECRET", "tz Europe/Paris", &url, "3.3.3").await;
    let ephemeral: Vec<_> = h.double.calls().into_iter().filter(|c| c.method == "chat.postEphemeral").collect();
    assert_eq!(ephemeral.len(), 1, "tried where it was typed");
    let dm = h.double.posted_in("DU1");
    assert_eq!(dm.len(), 1, "{:?}", h.double.calls());
    assert!(dm[0].text.contains("Europe/Paris"), "{dm:?}");
    assert_eq!(h.store.outbox_stats().await.unwrap().by_state, [("sent".to_owned(), 1)], "one reply, delivered");
}

#[tokio::test]
async fn each_command_is_answered_through_a_live_url_of_its_own_conversation() {
    let mut h = SlackHarness::start().await;
    let first = h.double.response_url("SENTINELONE");
    type_command(&mut h, "C1", "tz Europe/Paris", &first, "4.4.1").await;
    let second = h.double.response_url("SENTINELTWO");
    type_command(&mut h, "C2", "tz Asia/Tokyo", &second, "4.4.2").await;
    let replies = h.double.calls_of("response_url");
    assert_eq!(replies.len(), 2, "{:?}", h.double.calls());
    assert!(first.ends_with(&replies[0].path) && second.ends_with(&replies[1].path), "{replies:?}");
    assert!(replies[1].params["text"].as_str().unwrap().contains("Asia/Tokyo"));
    assert!(h.double.calls_of("chat.postEphemeral").is_empty());
}
