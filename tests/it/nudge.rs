//! Nudges and off-hours notices through the whole bot.
//!
//! CLASSIFICATION-DEPENDENT: every test here relies on the classifier recognising the pings
//! "hi", "got a sec?", "<@U2>"/"<@2>" and on it reading the long messages as substantive.

use chrono::Duration;
use unhurried::config::Settings;
use unhurried::domain::platform::Platform;

use crate::support::{TestBot, profile};

/// Friday 27 March 2026, 09:00 in Berlin, 17:00 in Tokyo (just after bob's day ended).
const FRIDAY_MORNING: &str = "2026-03-27T08:00:00Z";

async fn slack_team() -> TestBot {
    let mut settings = Settings::defaults();
    settings.workspace.admins = vec!["U1".into()];
    let members = [
        ("U1", profile("alice", Some("Europe/Berlin"))),
        ("U2", profile("bob", Some("Asia/Tokyo"))),
        ("U3", profile("carol", Some("Europe/Berlin"))),
    ];
    TestBot::new(Platform::Slack, FRIDAY_MORNING, settings, &members).await
}

async fn discord_team() -> TestBot {
    let mut settings = Settings::defaults();
    settings.workspace.admins = vec!["1".into()];
    settings.workspace.timezone = "Europe/Berlin".parse().unwrap();
    let members = [("1", profile("alice", None)), ("2", profile("bob", None))];
    let mut t = TestBot::new(Platform::Discord, FRIDAY_MORNING, settings, &members).await;
    // Discord does not report zones: bob sets his.
    t.command("2", "7", "tz Asia/Tokyo").await;
    t.sent();
    t
}

#[tokio::test]
async fn a_ping_becomes_exactly_one_thread_reply_after_the_grace_period() {
    let mut t = slack_team().await;
    let ping = t.message("U1", "C1", "got a sec?", None).await;
    t.run_for(Duration::seconds(45)).await;
    assert!(t.sent().is_empty(), "nothing before the grace period ends");
    t.run_for(Duration::seconds(30)).await;
    let sent = t.sent();
    assert_eq!(sent.len(), 1, "{sent:?}");
    let nudge = &sent[0];
    assert_eq!((nudge.kind, nudge.purpose), ("thread_reply", "nudge"));
    assert_eq!(nudge.channel.as_deref(), Some("C1"));
    assert_eq!(nudge.thread.as_deref(), Some(ping.as_str()));
    assert!(nudge.text.starts_with("Hi <@U1>"), "{}", nudge.text);
    assert_eq!(nudge.mentions, ["U1"]);
    t.run_for(Duration::hours(1)).await;
    assert!(t.sent().is_empty(), "one prompt, never repeated");
}

#[tokio::test]
async fn a_real_follow_up_within_the_grace_period_means_nothing_happens() {
    let mut t = slack_team().await;
    t.message("U1", "C1", "hi", None).await;
    t.run_for(Duration::seconds(20)).await;
    t.message("U1", "C1", "could you review the Q3 budget doc by Monday? the numbers in tab 2 look off", None).await;
    t.run_for(Duration::minutes(5)).await;
    assert!(t.sent().is_empty());
}

#[tokio::test]
async fn a_second_ping_within_the_cooldown_gets_no_second_prompt() {
    let mut t = slack_team().await;
    t.message("U1", "C1", "hi", None).await;
    t.run_for(Duration::minutes(2)).await;
    assert_eq!(t.sent().len(), 1);
    t.run_for(Duration::hours(1)).await;
    t.message("U1", "C1", "got a sec?", None).await;
    t.run_for(Duration::minutes(2)).await;
    assert!(t.sent().is_empty(), "cooldown of 4 h");
    t.run_for(Duration::hours(3)).await;
    t.message("U1", "C1", "got a sec?", None).await;
    t.run_for(Duration::minutes(2)).await;
    assert_eq!(t.sent().len(), 1, "after the cooldown");
}

#[tokio::test]
async fn off_and_dry_run_channels_send_nothing() {
    let mut t = slack_team().await;
    t.command("U1", "C1", "nudge off").await;
    t.command("U1", "C2", "nudge dry-run").await;
    let replies = t.sent();
    assert_eq!(replies.len(), 2);
    assert!(replies.iter().all(|r| r.kind == "ephemeral" && r.purpose == "command_reply"));
    assert!(replies[1].text.contains("dry-run"), "{}", replies[1].text);
    t.message("U3", "C1", "hi", None).await;
    t.message("U3", "C2", "got a sec?", None).await;
    t.run_for(Duration::minutes(5)).await;
    assert!(t.sent().is_empty());
    t.command("U1", "C1", "nudge on").await;
    t.sent();
    t.message("U3", "C1", "hi", None).await;
    t.run_for(Duration::minutes(2)).await;
    assert_eq!(t.sent().len(), 1, "on again");
}

#[tokio::test]
async fn thread_replies_are_not_nudged_by_default() {
    let mut t = slack_team().await;
    let parent = t.message("U3", "C1", "release notes for 2.4 are in the doc, please review by Monday", None).await;
    t.message("U1", "C1", "hi", Some(&parent)).await;
    t.run_for(Duration::minutes(5)).await;
    assert!(t.sent().is_empty());
}

#[tokio::test]
async fn a_bare_mention_of_an_off_hours_member_says_when_their_day_starts_on_slack() {
    let mut t = slack_team().await;
    t.message("U1", "C1", "<@U2>", None).await;
    t.run_for(Duration::minutes(2)).await;
    let sent = t.sent();
    assert_eq!(sent.len(), 1, "{sent:?}");
    let text = &sent[0].text;
    assert!(text.contains("bob is not working today") || text.contains("bob is outside their working hours"), "{text}");
    assert!(text.contains("Asia/Tokyo"), "{text}");
    // Monday 30 March, 09:00 in Tokyo.
    assert!(text.contains("their working day starts <!date^1774828800^"), "{text}");
    assert!(!text.contains("<@U2>"), "bob is named, not pinged: {text}");
    assert_eq!(sent[0].mentions, ["U1"]);
}

#[tokio::test]
async fn a_bare_mention_of_an_off_hours_member_says_when_their_day_starts_on_discord() {
    let mut t = discord_team().await;
    t.message("1", "7", "<@2>", None).await;
    t.run_for(Duration::minutes(2)).await;
    let sent = t.sent();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].text.contains("their working day starts <t:1774828800:f>"), "{}", sent[0].text);
    assert!(!sent[0].text.contains("<@2>"));
    assert_eq!(sent[0].mentions, ["1"]);
}

#[tokio::test]
async fn an_off_hours_notice_is_sent_once_per_sender_recipient_and_day() {
    let mut t = slack_team().await;
    t.message("U1", "C1", "<@U2> the deploy fails at step 3 since 10:12, logs in the runbook", None).await;
    let sent = t.sent();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!((sent[0].kind, sent[0].purpose, sent[0].to.as_deref()), ("ephemeral", "offhours_notice", Some("U1")));
    assert!(sent[0].text.contains("bob") && sent[0].text.contains("<!date^"), "{}", sent[0].text);
    t.message("U1", "C1", "<@U2> also the staging certificate expires on Monday at 10:00", None).await;
    t.message("U1", "C2", "<@U2> and the on-call rota for April is in the doc", None).await;
    assert!(t.sent().is_empty(), "once per sender, recipient and day");
    t.message("U3", "C1", "<@U2> the invoice export needs your sign-off, details in the ticket", None).await;
    assert_eq!(t.sent().len(), 1, "another sender gets their own notice");
    t.message("U1", "C1", "<@U3> the invoice export needs your sign-off, details in the ticket", None).await;
    assert!(t.sent().is_empty(), "carol is working");
    t.run_until("2026-03-30T08:30:00Z").await;
    t.sent();
    t.message("U1", "C1", "<@U2> the staging certificate is renewed, nothing left to do", None).await;
    assert_eq!(t.sent().len(), 1, "a new day (Monday 17:30 in Tokyo, bob is off again): a new notice");
}

#[tokio::test]
async fn on_discord_an_off_hours_notice_needs_a_thread() {
    let mut t = discord_team().await;
    let parent = t.message("1", "7", "<@2> the deploy fails at step 3 since 10:12, logs in the runbook", None).await;
    assert!(t.sent().is_empty(), "no thread: nothing");
    t.message("1", "7", "<@2> the runbook link is https://runbook.example/deploy", Some(&parent)).await;
    let sent = t.sent();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!((sent[0].kind, sent[0].purpose), ("thread_reply", "offhours_notice"));
    assert_eq!(sent[0].thread.as_deref(), Some(parent.as_str()));
    assert!(sent[0].text.starts_with("<@1> Heads-up") && sent[0].text.contains("<t:"), "{}", sent[0].text);
    assert_eq!(sent[0].mentions, ["1"]);
}

#[tokio::test]
async fn a_follow_up_in_the_thread_converts_the_ping_and_shows_in_stats() {
    let mut t = slack_team().await;
    let ping = t.message("U1", "C1", "got a sec?", None).await;
    t.run_for(Duration::minutes(2)).await;
    assert_eq!(t.sent().len(), 1);
    t.message("U1", "C1", "I need the staging DB password rotated before the 17:00 release", Some(&ping)).await;
    t.command("U1", "C1", "stats").await;
    let sent = t.sent();
    let stats = &sent.last().unwrap().text;
    assert!(stats.contains("Sync pings nudged: 1, followed up with a real question: 1"), "{stats}");
}

#[tokio::test]
async fn with_thread_replies_on_a_ping_in_a_thread_is_answered_in_that_thread() {
    let mut settings = Settings::defaults();
    settings.nudge.thread_replies = true;
    let members = [("U1", profile("alice", Some("Europe/Berlin")))];
    let mut t = TestBot::new(Platform::Slack, FRIDAY_MORNING, settings, &members).await;
    let parent = t.message("U3", "C1", "release notes for 2.4 are in the doc, please review by Monday", None).await;
    t.message("U1", "C1", "hi", Some(&parent)).await;
    t.run_for(Duration::minutes(2)).await;
    let sent = t.sent();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].thread.as_deref(), Some(parent.as_str()), "Slack threads are one level deep");
    t.message("U1", "C1", "I need the 2.4 changelog reviewed by legal before Monday's release", Some(&parent)).await;
    t.command("U1", "C1", "stats").await;
    let stats = t.sent().remove(0).text;
    assert!(stats.contains("Sync pings nudged: 1, followed up with a real question: 1"), "{stats}");
}

#[tokio::test]
async fn a_ping_whose_grace_period_ended_long_ago_during_downtime_is_not_prompted() {
    let mut t = slack_team().await;
    t.message("U1", "C1", "hi", None).await;
    // The process was down for two hours: no job ran in between.
    t.clock.advance(Duration::hours(2));
    t.restart().await;
    t.run_for(Duration::minutes(1)).await;
    assert!(t.sent().is_empty());
}

#[tokio::test]
async fn a_ping_survives_a_restart_during_its_grace_period() {
    let mut t = slack_team().await;
    let ping = t.message("U1", "C1", "can we hop on a call?", None).await;
    t.run_for(Duration::seconds(30)).await;
    t.restart().await;
    t.run_for(Duration::minutes(2)).await;
    let sent = t.sent();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].thread.as_deref(), Some(ping.as_str()));
}

/// A Slack team whose clock stands between two seconds, with a short grace and cooldown.
async fn team_between_seconds(grace: Duration, cooldown: Duration) -> TestBot {
    let mut settings = Settings::defaults();
    settings.nudge.grace = grace;
    settings.nudge.cooldown = cooldown;
    settings.scheduler.tick = Duration::seconds(1);
    let members = [("U1", profile("alice", Some("Europe/Berlin"))), ("U3", profile("carol", Some("Europe/Berlin")))];
    TestBot::new(Platform::Slack, "2026-03-27T08:00:00.400Z", settings, &members).await
}

#[tokio::test]
async fn a_nudge_never_comes_before_its_whole_grace_period_when_the_ping_arrives_between_seconds() {
    let mut t = team_between_seconds(Duration::seconds(2), Duration::hours(4)).await;
    t.message("U1", "C1", "got a sec?", None).await;
    // 1.6 s after the ping: a due time truncated to 08:00:02 would send the nudge here.
    t.clock.set("2026-03-27T08:00:02Z".parse().unwrap());
    t.bot.run_due_jobs().await.unwrap();
    t.clock.set("2026-03-27T08:00:02.399Z".parse().unwrap());
    t.bot.run_due_jobs().await.unwrap();
    assert!(t.sent().is_empty(), "the grace period is 2 s");
    t.clock.set("2026-03-27T08:00:03Z".parse().unwrap());
    t.bot.run_due_jobs().await.unwrap();
    let sent = t.sent();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].purpose, "nudge");
}

#[tokio::test]
async fn a_cooldown_is_never_shortened_by_the_prompt_time_being_stored_in_whole_seconds() {
    let mut t = team_between_seconds(Duration::zero(), Duration::seconds(10)).await;
    t.message("U1", "C1", "hi", None).await;
    t.clock.set("2026-03-27T08:00:01.600Z".parse().unwrap());
    t.bot.run_due_jobs().await.unwrap();
    assert_eq!(t.sent().len(), 1, "the first ping is nudged at 08:00:01.6");
    t.clock.set("2026-03-27T08:00:11Z".parse().unwrap());
    t.message("U1", "C1", "got a sec?", None).await;
    // 9.7 s after the first prompt: within the 10 s cooldown, though 10.3 s after 08:00:01.
    t.clock.set("2026-03-27T08:00:11.300Z".parse().unwrap());
    t.bot.run_due_jobs().await.unwrap();
    assert!(t.sent().is_empty(), "still in the cooldown");
    t.clock.set("2026-03-27T08:00:30Z".parse().unwrap());
    t.message("U1", "C1", "you there?", None).await;
    t.bot.run_due_jobs().await.unwrap();
    assert_eq!(t.sent().len(), 1, "after the cooldown the sender is nudged again");
}

#[tokio::test]
async fn mentions_of_ids_with_underscores_are_read_by_nudges_notices_questions_and_briefs() {
    let members = [("U_ALICE", profile("alice", Some("Europe/Berlin"))), ("U_BOB", profile("bob", Some("Asia/Tokyo")))];
    // Friday 27 March, 13:00 in Berlin and 21:00 in Tokyo: bob's day is over.
    let mut t = TestBot::new(Platform::Slack, "2026-03-27T12:00:00Z", Settings::defaults(), &members).await;
    t.message("U_ALICE", "C1", "<@U_BOB>", None).await;
    t.run_for(Duration::minutes(2)).await;
    let sent = t.sent();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].text.contains("bob is outside their working hours"), "the nudge says bob is off: {}", sent[0].text);

    t.message("U_ALICE", "C1", "<@U_BOB> can you check the Q3 numbers in the budget doc?", None).await;
    let sent = t.sent();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].purpose, "offhours_notice");

    // Monday 30 March, 09:00 in Tokyo is 00:00Z.
    t.run_until("2026-03-30T01:00:00Z").await;
    let sent = t.sent();
    let brief = sent.iter().find(|m| m.purpose == "brief" && m.to.as_deref() == Some("U_BOB")).expect("bob's brief");
    assert!(brief.text.contains("can you check the Q3 numbers"), "the question is open for bob: {}", brief.text);
}
