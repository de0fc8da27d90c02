//! `/async nudge me off|on` through the whole bot: a member who opted out never gets a nudge
//! for their pings, nor an off-hours notice; `on` brings them back, but never where the channel
//! has nudges off.
//!
//! CLASSIFICATION-DEPENDENT: relies on "got a sec?" and "hi" being pings and the long message
//! being substantive.

use chrono::Duration;
use unhurried::config::Settings;
use unhurried::domain::platform::Platform;

use crate::support::{TestBot, profile};

/// Friday 27 March 2026, 09:00 in Berlin, 17:00 in Tokyo (bob's day has ended).
const FRIDAY_MORNING: &str = "2026-03-27T08:00:00Z";

async fn team(platform: Platform) -> TestBot {
    let mut settings = Settings::defaults();
    settings.workspace.admins = vec!["A".into()];
    let members = [
        ("A", profile("alice", Some("Europe/Berlin"))),
        ("B", profile("bob", Some("Asia/Tokyo"))),
        ("C", profile("carol", Some("Europe/Berlin"))),
    ];
    TestBot::new(platform, FRIDAY_MORNING, settings, &members).await
}

#[tokio::test]
async fn a_member_who_opted_out_gets_no_nudge_and_no_off_hours_notice_on_either_platform() {
    for platform in [Platform::Slack, Platform::Discord] {
        let mut t = team(platform).await;
        t.command("C", "C1", "nudge me off").await;
        let reply = t.sent();
        assert_eq!(reply.len(), 1);
        assert_eq!(
            reply[0].text,
            "Done: the bot will not answer your pings any more, in any channel. `/async nudge me on` undoes it."
        );
        t.message("C", "C1", "got a sec?", None).await;
        let thread = t.message("C", "C1", "release notes for 2.4 are in the doc, please review by Monday", None).await;
        t.message("C", "C1", &format!("<@B> can you check the DST tests before your Monday standup? ({thread})"), None)
            .await;
        t.run_for(Duration::minutes(10)).await;
        assert!(t.sent().is_empty(), "{platform:?}: nothing answers carol's messages");
        // Someone else's pings are still nudged.
        t.message("A", "C1", "hi", None).await;
        t.run_for(Duration::minutes(2)).await;
        assert_eq!(t.sent().len(), 1, "{platform:?}");
        t.command("C", "C1", "nudge me on").await;
        t.sent();
        t.run_for(Duration::hours(5)).await;
        t.message("C", "C1", "got a sec?", None).await;
        t.run_for(Duration::minutes(2)).await;
        let sent = t.sent();
        assert_eq!(sent.len(), 1, "{platform:?}: back on: {sent:?}");
        assert_eq!(sent[0].purpose, "nudge");
    }
}

#[tokio::test]
async fn the_channels_off_wins_over_a_members_on() {
    let mut t = team(Platform::Slack).await;
    t.command("A", "C1", "nudge off").await;
    t.sent();
    t.command("C", "C1", "nudge me on").await;
    let reply = t.sent();
    insta::assert_snapshot!(reply[0].text, @"Done: the bot answers your quick pings again where the channel has nudges on; this channel has them off, and that stays.");
    t.message("C", "C1", "got a sec?", None).await;
    t.run_for(Duration::minutes(5)).await;
    assert!(t.sent().is_empty());
    t.command("C", "D9", "nudge me off").await;
    assert!(t.sent()[0].text.starts_with("Done: the bot will not answer"), "typed in a DM");
}
