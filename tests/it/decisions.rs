//! The decision log through the whole bot.

use chrono::Duration;
use unhurried::config::Settings;
use unhurried::domain::platform::Platform;

use crate::support::{TestBot, profile};

async fn team(platform: Platform) -> TestBot {
    let members = [("U1", profile("alice", Some("Europe/Berlin"))), ("U2", profile("bob", Some("Europe/Berlin")))];
    TestBot::new(platform, "2026-03-27T08:00:00Z", Settings::defaults(), &members).await
}

#[tokio::test]
async fn a_decision_message_and_a_decide_command_are_logged_and_searchable() {
    let mut t = team(Platform::Slack).await;
    let message = t.message("U1", "C1", "Decision: the release train leaves on Tuesdays", None).await;
    let sent = t.sent();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!((sent[0].kind, sent[0].purpose, sent[0].to.as_deref()), ("ephemeral", "decision_ack", Some("U1")));
    assert!(sent[0].text.contains("the release train leaves on Tuesdays"), "{}", sent[0].text);

    t.run_for(Duration::minutes(5)).await;
    t.command("U2", "C1", "decide We use Postgres for the analytics store").await;
    let sent = t.sent();
    assert_eq!((sent[0].kind, sent[0].purpose), ("ephemeral", "decision_ack"));

    t.command("U2", "C1", "decisions").await;
    let list = t.sent().remove(0).text;
    let postgres = list.find("Postgres").expect("listed");
    let train = list.find("release train").expect("listed");
    assert!(postgres < train, "newest first: {list}");
    assert!(list.contains("<!date^1774598400^"), "when, in each reader's zone: {list}");
    assert!(list.contains(&format!("https://chat.example/C1/{message}")), "a permalink: {list}");
    assert!(list.contains("alice") && list.contains("<#C1>"), "who and where: {list}");

    t.command("U1", "C1", "decisions TRAIN tuesdays").await;
    let found = t.sent().remove(0).text;
    assert!(found.contains("release train") && !found.contains("Postgres"), "{found}");
    t.command("U1", "C1", "decisions kubernetes").await;
    assert!(t.sent().remove(0).text.starts_with("No decision mentions"));
}

#[tokio::test]
async fn a_list_shows_at_most_ten_decisions() {
    let mut t = team(Platform::Discord).await;
    for n in 1..=12 {
        t.command("U1", "C1", &format!("decide rule number {n}")).await;
    }
    t.sent();
    t.command("U1", "C1", "decisions").await;
    let list = t.sent().remove(0).text;
    assert_eq!(list.lines().count(), 11, "a title and ten decisions: {list}");
    assert!(list.contains("<t:"), "{list}");
    assert!(list.contains("rule number 12") && !list.contains("rule number 2\n"), "{list}");
}

#[tokio::test]
async fn a_decision_with_a_broadcast_is_never_repeated_raw_on_slack() {
    let mut t = team(Platform::Slack).await;
    t.command("U1", "C1", "decide <!channel> we freeze deploys on Fridays <!here>").await;
    t.message("U2", "C1", "decision: <!everyone> standup moves to 10:00", None).await;
    t.command("U1", "C1", "decisions").await;
    t.command("U1", "C1", "decisions freeze").await;
    let sent = t.sent();
    assert_eq!(sent.len(), 4);
    for message in &sent {
        for raw in ["<!channel>", "<!here>", "<!everyone>"] {
            assert!(!message.text.contains(raw), "{raw} repeated in {}", message.text);
        }
    }
    assert!(sent[2].text.contains("we freeze deploys on Fridays"), "{}", sent[2].text);
}

#[tokio::test]
async fn a_long_reply_on_discord_is_split_into_messages_within_2000_characters() {
    let mut t = team(Platform::Discord).await;
    for n in 1..=10 {
        t.command("U1", "C1", &format!("decide rule {n}: {}", "we write it all down ".repeat(15))).await;
    }
    t.sent();
    t.command("U1", "C1", "decisions").await;
    let sent = t.sent();
    assert!(sent.len() > 1, "{sent:#?}");
    assert!(sent.iter().all(|m| m.kind == "ephemeral" && m.text.chars().count() <= 2_000), "{sent:#?}");
    let all: String = sent.iter().map(|m| m.text.as_str()).collect::<Vec<_>>().join("\n");
    for n in 1..=10 {
        assert!(all.contains(&format!("rule {n}: ")), "rule {n} listed");
    }
}
