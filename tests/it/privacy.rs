//! SPEC §4 privacy through the whole bot: a post never shows what one of its readers could not
//! already read at the source. Questions and decisions in a private channel, a group DM and a DM
//! stay out of the team digest and out of the briefs of people who were not there.

use chrono::Duration;
use unhurried::adapters::simulated::TranscriptEntry;
use unhurried::domain::platform::Platform;

use crate::standup::{bot, seed, spec};
use crate::support::{TestBot, profile};

/// The team's report channel, a private channel, a group DM.
const TEAM: &str = "C1";
const PRIVATE: &str = "G9";
const GROUP_DM: &str = "G7";

/// The people of one platform: alice, bob, carol.
struct People {
    alice: &'static str,
    bob: &'static str,
    carol: &'static str,
}

fn people(platform: Platform) -> People {
    match platform {
        Platform::Slack => People { alice: "U1", bob: "U2", carol: "U3" },
        Platform::Discord => People { alice: "101", bob: "102", carol: "103" },
    }
}

fn dm_channel(user: &str) -> String {
    format!("D-{user}")
}

/// Friday 27 March 2026, 13:00 in Berlin: alice, bob and carol are in the `daily` standup
/// reporting to #team. Alice and bob talk in a private channel, carol and bob in a group DM, and
/// alice logs a decision in her DM with the bot; bob and carol decide things in #team and one of
/// its threads, where alice then asks carol something.
async fn conversations(platform: Platform) -> (TestBot, People) {
    let p = people(platform);
    let members = [
        (p.alice, profile("alice", Some("Europe/Berlin"))),
        (p.bob, profile("bob", Some("Europe/Berlin"))),
        (p.carol, profile("carol", Some("Europe/Berlin"))),
    ];
    let mut t = bot(platform, "2026-03-27T12:00:00Z", &members).await;
    seed(&t, &spec(&[p.alice, p.bob, p.carol], "Europe/Berlin", None)).await;
    t.run_for(Duration::minutes(5)).await;

    let (alice, bob, carol) = (p.alice, p.bob, p.carol);
    t.message(alice, PRIVATE, &format!("<@{bob}> can we finalise the layoff list before Monday?"), None).await;
    t.message(alice, PRIVATE, "Decision: salary freeze for 2026", None).await;
    t.message(carol, GROUP_DM, &format!("<@{bob}> could you share the offsite budget numbers?"), None).await;
    t.message(carol, GROUP_DM, "Decision: the offsite moves to Lisbon", None).await;
    t.dm(alice, "hello").await;
    t.command(alice, &dm_channel(alice), "decide hire two contractors for the migration").await;
    t.dm(bob, "hello").await;
    let notes = t.message(bob, TEAM, "Decision: the release train leaves on Tuesdays", None).await;
    t.message(carol, TEAM, "Decision: release notes are written in the thread of the train", Some(&notes)).await;
    t.message(alice, TEAM, &format!("<@{carol}> can you review the release notes for Tuesday?"), Some(&notes)).await;
    t.sent();
    (t, p)
}

const PRIVATE_WORDS: [&str; 5] = ["layoff list", "salary freeze", "offsite budget", "Lisbon", "contractors"];

fn digest_text(sent: &[TranscriptEntry]) -> String {
    let posts: Vec<&str> = sent.iter().filter(|m| m.purpose == "digest").map(|m| m.text.as_str()).collect();
    assert!(!posts.is_empty(), "a digest was posted: {sent:#?}");
    posts.join("\n")
}

async fn the_digest_shows_only_its_own_channel(platform: Platform) {
    let (mut t, _) = conversations(platform).await;
    // Friday's digest: 17:00 in Berlin (CET) is 16:00Z.
    t.run_until("2026-03-27T16:30:00Z").await;
    let digest = digest_text(&t.sent());
    assert!(digest.contains("the release train leaves on Tuesdays"), "{digest}");
    assert!(digest.contains("release notes are written in the thread"), "decisions in its threads: {digest}");
    assert!(digest.contains("review the release notes for Tuesday"), "questions in its threads: {digest}");
    for private in PRIVATE_WORDS {
        assert!(!digest.contains(private), "'{private}' leaked into the team digest: {digest}");
    }
}

#[tokio::test]
async fn a_digest_shows_no_question_or_decision_from_a_private_channel_a_group_dm_or_a_dm_on_slack() {
    the_digest_shows_only_its_own_channel(Platform::Slack).await;
}

#[tokio::test]
async fn a_digest_shows_no_question_or_decision_from_a_private_channel_a_group_dm_or_a_dm_on_discord() {
    the_digest_shows_only_its_own_channel(Platform::Discord).await;
}

fn brief_of<'a>(sent: &'a [TranscriptEntry], user: &str) -> &'a str {
    sent.iter().find(|m| m.purpose == "brief" && m.to.as_deref() == Some(user)).map_or("", |m| m.text.as_str())
}

async fn a_brief_shows_what_named_the_member_and_decisions_of_their_standups(platform: Platform) {
    let (mut t, p) = conversations(platform).await;
    // Monday 30 March, 09:00 in Berlin is 07:00Z.
    t.run_until("2026-03-30T07:30:00Z").await;
    let sent = t.sent();
    let bob = brief_of(&sent, p.bob);
    assert!(bob.contains("layoff list"), "bob was asked in the private channel: {bob}");
    assert!(bob.contains("offsite budget"), "bob was asked in the group DM: {bob}");
    assert!(bob.contains("release notes are written in the thread"), "a decision of his standup's channel: {bob}");
    for private in ["salary freeze", "Lisbon", "contractors"] {
        assert!(!bob.contains(private), "'{private}' reached bob's brief: {bob}");
    }
    let carol = brief_of(&sent, p.carol);
    assert!(carol.contains("review the release notes"), "{carol}");
    assert!(carol.contains("the release train leaves on Tuesdays"), "{carol}");
    for private in PRIVATE_WORDS {
        assert!(!carol.contains(private), "'{private}' reached carol's brief: {carol}");
    }
    let alice = brief_of(&sent, p.alice);
    assert!(alice.contains("the release train leaves on Tuesdays"), "{alice}");
    assert!(!alice.contains("Lisbon"), "alice was not in the group DM: {alice}");
}

#[tokio::test]
async fn a_brief_shows_only_questions_naming_the_member_and_decisions_of_their_standup_channels_on_slack() {
    a_brief_shows_what_named_the_member_and_decisions_of_their_standups(Platform::Slack).await;
}

#[tokio::test]
async fn a_brief_shows_only_questions_naming_the_member_and_decisions_of_their_standup_channels_on_discord() {
    a_brief_shows_what_named_the_member_and_decisions_of_their_standups(Platform::Discord).await;
}

async fn list(t: &mut TestBot, user: &str, channel: &str) -> String {
    t.command(user, channel, "decisions").await;
    let sent = t.sent();
    assert_eq!(sent.len(), 1, "{sent:#?}");
    sent[0].text.clone()
}

async fn decisions_lists_the_channel_it_is_typed_in(platform: Platform) {
    let (mut t, p) = conversations(platform).await;
    let team = list(&mut t, p.carol, TEAM).await;
    assert!(team.contains("release train") && team.contains("release notes are written"), "{team}");
    for private in ["salary freeze", "Lisbon", "contractors"] {
        assert!(!team.contains(private), "'{private}' listed in #team: {team}");
    }
    let private = list(&mut t, p.bob, PRIVATE).await;
    assert!(private.contains("salary freeze"), "{private}");
    assert!(!private.contains("release train") && !private.contains("Lisbon"), "{private}");
    let group = list(&mut t, p.bob, GROUP_DM).await;
    assert!(group.contains("Lisbon") && !group.contains("salary freeze"), "{group}");

    // In a DM with the bot: the member's standup channels, and what they logged themselves.
    let bob_dm = list(&mut t, p.bob, &dm_channel(p.bob)).await;
    assert!(bob_dm.contains("release train") && bob_dm.contains("release notes are written"), "{bob_dm}");
    for private in ["salary freeze", "Lisbon", "contractors"] {
        assert!(!bob_dm.contains(private), "'{private}' listed in bob's DM: {bob_dm}");
    }
    let alice_dm = list(&mut t, p.alice, &dm_channel(p.alice)).await;
    assert!(alice_dm.contains("contractors") && alice_dm.contains("release train"), "{alice_dm}");
    assert!(!alice_dm.contains("Lisbon"), "{alice_dm}");

    let empty = list(&mut t, p.carol, "C2").await;
    assert!(empty.starts_with("No decisions logged in this channel yet"), "{empty}");
}

#[tokio::test]
async fn decisions_lists_what_was_decided_in_the_channel_it_is_typed_in_and_in_a_dm_the_standup_channels_on_slack() {
    decisions_lists_the_channel_it_is_typed_in(Platform::Slack).await;
}

#[tokio::test]
async fn decisions_lists_what_was_decided_in_the_channel_it_is_typed_in_and_in_a_dm_the_standup_channels_on_discord() {
    decisions_lists_the_channel_it_is_typed_in(Platform::Discord).await;
}
