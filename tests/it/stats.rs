//! `/async stats` through the whole bot: participation, pings nudged and converted, and mentions
//! that landed outside the recipient's working hours, counted over the window asked for.
//!
//! CLASSIFICATION-DEPENDENT: relies on "hi" and "got a sec?" being pings and the longer messages
//! being substantive.

use chrono::Duration;
use unhurried::domain::platform::Platform;

use crate::standup::{bot, seed, spec, submit};
use crate::support::profile;

#[tokio::test]
async fn stats_count_participation_conversions_and_off_hours_mentions_within_the_window() {
    let members = [("U1", profile("alice", Some("Europe/Berlin"))), ("U2", profile("bob", Some("Asia/Tokyo")))];
    // Monday 23 March 2026, 08:00 UTC: 09:00 in Berlin, 17:00 in Tokyo (bob's day has just ended).
    let mut t = bot(Platform::Slack, "2026-03-23T06:00:00Z", &members).await;
    seed(&t, &spec(&["U1", "U2"], "Europe/Berlin", None)).await;
    t.run_until("2026-03-23T08:40:00Z").await;
    submit(&t, "U1", &["alice monday", "more", "none"]).await;

    // An old ping, ten days before the stats are asked for: outside a 7-day window.
    let old = t.message("U1", "C1", "got a sec?", None).await;
    t.run_for(Duration::minutes(2)).await;
    t.message("U1", "C1", "I need the release checklist for 2.4 reviewed before Thursday", Some(&old)).await;

    t.run_until("2026-04-02T08:00:00Z").await;
    // Thursday 2 April: one ping converted, one left as it was, and a mention of bob while he is off.
    let converted = t.message("U1", "C1", "hi", None).await;
    t.run_for(Duration::minutes(2)).await;
    t.message("U1", "C1", "the staging deploy fails with exit code 137 since 10:12, who owns it?", Some(&converted))
        .await;
    t.message("U1", "C2", "got a sec?", None).await;
    t.run_for(Duration::minutes(2)).await;
    t.message("U1", "C3", "<@U2> the Tokyo invoice export is missing March, can you check tomorrow?", None).await;
    t.sent();

    t.command("U1", "C1", "stats").await;
    let week = t.sent().remove(0).text;
    assert!(week.starts_with("Over the last 7 days:"), "{week}");
    assert!(week.contains("Sync pings nudged: 2, followed up with a real question: 1"), "{week}");
    assert!(week.contains("Mentions that landed outside someone's working hours: 1"), "{week}");

    t.command("U1", "C1", "stats 30").await;
    let month = t.sent().remove(0).text;
    assert!(month.starts_with("Over the last 30 days:"), "{month}");
    assert!(month.contains("Sync pings nudged: 3, followed up with a real question: 2"), "{month}");
    // Of the runs prompted so far (both members, each working day), alice answered one.
    assert!(month.contains("Standup participation: 1 of "), "{month}");

    t.command("U1", "C1", "stats many").await;
    let error = t.sent().remove(0).text;
    assert!(!error.contains('\n'), "a bad command gets one line: {error}");
}
