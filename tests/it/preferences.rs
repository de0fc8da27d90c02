//! Preferences through the whole bot: replies are private and one line on bad input.

use unhurried::config::Settings;
use unhurried::domain::platform::Platform;

use crate::support::{TestBot, profile};

#[tokio::test]
async fn setting_a_zone_replies_privately_and_shows_in_me() {
    let mut t =
        TestBot::new(Platform::Slack, "2026-03-27T08:00:00Z", Settings::defaults(), &[("U1", profile("alice", None))])
            .await;
    t.command("U1", "C1", "tz America/New_York").await;
    t.command("U1", "C1", "me").await;
    let sent = t.sent();
    assert_eq!(sent.len(), 2);
    assert!(
        sent.iter().all(|m| m.kind == "ephemeral" && m.to.as_deref() == Some("U1") && m.purpose == "command_reply")
    );
    assert!(sent[0].text.contains("America/New_York"), "{}", sent[0].text);
    assert!(sent[1].text.contains("Timezone: America/New_York"), "{}", sent[1].text);
}

#[tokio::test]
async fn a_typo_in_a_zone_gets_one_line_with_a_suggestion_and_changes_nothing() {
    let mut t = TestBot::new(
        Platform::Slack,
        "2026-03-27T08:00:00Z",
        Settings::defaults(),
        &[("U1", profile("alice", Some("Europe/Berlin")))],
    )
    .await;
    t.command("U1", "C1", "tz Europe/Berln").await;
    t.command("U1", "C1", "me").await;
    let sent = t.sent();
    assert_eq!(sent[0].text.lines().count(), 1);
    assert!(sent[0].text.contains("did you mean Europe/Berlin"), "{}", sent[0].text);
    assert!(sent[1].text.contains("Timezone: Europe/Berlin"), "zone from the platform profile: {}", sent[1].text);
}

#[tokio::test]
async fn admin_commands_are_refused_for_members() {
    let mut t = TestBot::new(Platform::Discord, "2026-03-27T08:00:00Z", Settings::defaults(), &[]).await;
    t.command("42", "7", "nudge off").await;
    let sent = t.sent();
    assert_eq!(sent.len(), 1);
    assert!(sent[0].text.starts_with("Only workspace admins"), "{}", sent[0].text);
}

#[tokio::test]
async fn a_duplicate_delivery_has_one_effect() {
    let t = TestBot::new(Platform::Slack, "2026-03-27T08:00:00Z", Settings::defaults(), &[]).await;
    let invocation = unhurried::domain::events::CommandInvocation {
        workspace: "T1".into(),
        id: "trigger-1".into(),
        channel: "C1".into(),
        user: "U1".into(),
        text: "help".into(),
        platform_admin: false,
        is_dm: false,
    };
    for _ in 0..2 {
        t.bot.handle(unhurried::domain::events::InboundEvent::Command(invocation.clone())).await.unwrap();
    }
    assert_eq!(t.sent().len(), 1);
}

#[tokio::test]
async fn the_home_page_shows_zone_hours_and_recent_decisions() {
    let mut t = TestBot::new(
        Platform::Slack,
        "2026-03-27T08:00:00Z",
        Settings::defaults(),
        &[("U1", profile("alice", Some("Asia/Kathmandu")))],
    )
    .await;
    t.command("U1", "C1", "decide release on Thursdays").await;
    let event = unhurried::domain::events::InboundEvent::HomeOpened {
        workspace: crate::support::WORKSPACE.into(),
        id: "home-1".into(),
        user: "U1".into(),
    };
    t.bot.handle(event).await.unwrap();
    let homes = t.chat.homes();
    assert_eq!(homes.len(), 1);
    assert_eq!(homes[0].0, "U1");
    assert!(homes[0].1.contains("Timezone: Asia/Kathmandu"), "{}", homes[0].1);
    assert!(homes[0].1.contains("release on Thursdays"), "{}", homes[0].1);
    assert!(homes[0].1.contains("No standup prompts scheduled"), "{}", homes[0].1);
}
