//! Exactly-once prompts across restarts: between a prompt's claim and its delivery, and right after.

use unhurried::domain::platform::Platform;
use unhurried::ports::Clock as _;

use crate::support::{TestBot, profile};

async fn team() -> TestBot {
    let t = crate::standup::bot(
        Platform::Slack,
        "2026-03-30T00:00:00Z",
        &[("U1", profile("alice", Some("Europe/Berlin"))), ("U2", profile("bob", Some("America/New_York")))],
    )
    .await;
    crate::standup::seed(&t, &crate::standup::spec(&["U1", "U2"], "Europe/Berlin", None)).await;
    t
}

fn prompts(sent: &[unhurried::adapters::simulated::TranscriptEntry]) -> Vec<(String, String)> {
    sent.iter().filter(|e| e.purpose == "standup_prompt").map(|e| (e.to.clone().unwrap(), e.at.clone())).collect()
}

#[tokio::test]
async fn a_restart_between_a_prompts_claim_and_its_delivery_sends_it_once() {
    let mut t = team().await;
    // Alice's 09:30 Berlin (CEST) prompt is due at 07:30Z on Monday 30 March.
    t.run_until("2026-03-30T07:29:45Z").await;
    assert!(prompts(&t.sent()).is_empty());
    t.clock.set("2026-03-30T07:30:00Z".parse().unwrap());
    // The job claims the run and queues the prompt; the process dies before delivering it.
    assert!(t.bot.decide_due_jobs().await.unwrap() >= 1);
    assert!(prompts(&t.sent()).is_empty(), "nothing delivered yet");
    t.restart().await;
    t.run_until("2026-03-30T07:31:00Z").await;
    assert_eq!(prompts(&t.sent()), vec![("U1".to_owned(), "2026-03-30T07:30:00Z".to_owned())]);
    // And right after: a second restart sends nothing again.
    t.restart().await;
    t.run_until("2026-03-30T12:00:00Z").await;
    assert!(prompts(&t.sent()).is_empty());
    // Bob's 09:30 New York (EDT) is 13:30Z.
    t.run_until("2026-03-30T13:31:00Z").await;
    assert_eq!(prompts(&t.sent()), vec![("U2".to_owned(), "2026-03-30T13:30:00Z".to_owned())]);
}

#[tokio::test]
async fn after_downtime_a_prompt_is_sent_late_the_same_working_day_and_never_once_per_missed_day() {
    let mut t = team().await;
    t.run_until("2026-03-30T06:00:00Z").await;
    // The process is down from Monday 06:00Z to Wednesday 12:00Z (no ticks).
    t.restart().await;
    t.clock.set("2026-04-01T12:00:00Z".parse().unwrap());
    t.run_until("2026-04-01T12:01:00Z").await;
    let late = prompts(&t.sent());
    // Alice (Berlin, 14:00 local, inside 09:00–17:00) gets Wednesday's prompt late; Monday and
    // Tuesday are missed, not sent. Bob's Wednesday prompt (13:30Z) is still ahead.
    assert_eq!(late, vec![("U1".to_owned(), "2026-04-01T12:00:00Z".to_owned())], "{late:?}");
    t.run_until("2026-04-01T13:31:00Z").await;
    assert_eq!(prompts(&t.sent()), vec![("U2".to_owned(), "2026-04-01T13:30:00Z".to_owned())]);
    assert!(t.clock.now() > "2026-04-01T13:30:00Z".parse::<chrono::DateTime<chrono::Utc>>().unwrap());
}
