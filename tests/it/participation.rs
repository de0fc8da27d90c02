//! Participation (issue 11 item 3) through the whole bot on a manual clock, on Slack and
//! Discord: `/async stats` per standup against the period before (per member for admins only),
//! and the weekly summary switched on and off with `standup edit … weekly_summary=`.

use unhurried::domain::platform::Platform;

use crate::standup::{bot, seed, spec, submit};
use crate::support::{TestBot, profile};

/// Runs to 09:00 UTC of `day` (March 2026; the prompt went out at 09:30 Berlin, 08:30 UTC)
/// and has each of `answering` answer, `blocked` with a blocker.
async fn answer_on(t: &mut TestBot, day: u32, answering: &[&str], blocked: &[&str]) {
    t.run_until(&format!("2026-03-{day:02}T09:00:00Z")).await;
    for user in answering {
        let blocker = if blocked.contains(user) { "waiting for the API keys" } else { "none" };
        submit(t, user, &["shipped the export", "the history view", blocker]).await;
    }
}

fn weekly_posts(t: &TestBot) -> Vec<String> {
    t.sent().into_iter().filter(|e| e.kind == "post" && e.text.starts_with("Weekly summary")).map(|e| e.text).collect()
}

async fn participation_and_weekly_summary(platform: Platform) {
    let members = [("U1", profile("alice", Some("Europe/Berlin"))), ("U2", profile("bob", Some("Europe/Berlin")))];
    let mut t = bot(platform, "2026-03-16T06:00:00Z", &members).await;
    seed(&t, &spec(&["U1", "U2"], "Europe/Berlin", None)).await;

    // The week before: alice answers every day, bob never.
    for day in 16..=20 {
        answer_on(&mut t, day, &["U1"], &[]).await;
    }
    t.run_until("2026-03-22T12:00:00Z").await;
    t.sent();
    t.command("U1", "C1", "standup edit daily weekly_summary=fri 16:00").await;
    let reply = t.sent().remove(0).text;
    assert!(reply.contains("Weekly summary: fri 16:00 (Europe/Berlin)"), "{reply}");

    // This week: alice is blocked Monday and Tuesday and clear on Wednesday; bob misses Friday.
    answer_on(&mut t, 23, &["U1", "U2"], &["U1"]).await;
    answer_on(&mut t, 24, &["U1", "U2"], &["U1"]).await;
    answer_on(&mut t, 25, &["U1", "U2"], &[]).await;
    answer_on(&mut t, 26, &["U1", "U2"], &[]).await;
    answer_on(&mut t, 27, &["U1"], &[]).await;
    t.sent();

    // Friday 16:00 in Berlin (15:00 UTC): the summary of the last seven days, in the channel.
    t.run_until("2026-03-27T14:59:00Z").await;
    assert!(weekly_posts(&t).is_empty(), "not before its time");
    t.run_until("2026-03-27T15:01:00Z").await;
    let sent = t.sent();
    let summary = sent.iter().find(|e| e.text.starts_with("Weekly summary")).expect("a weekly summary");
    assert_eq!((summary.kind, summary.channel.as_deref()), ("post", Some("C1")));
    let text = &summary.text;
    assert!(text.contains("Weekly summary of daily, the last 7 days:"), "{text}");
    assert!(text.contains("9 of 10 answered (90%, up from 50%)"), "{text}");
    assert!(text.contains("median 30m from prompt to answer"), "{text}");
    assert!(text.contains("blockers: 1 opened, 1 cleared"), "{text}");
    assert!(!text.contains("alice") && !text.contains("bob"), "the channel post singles nobody out: {text}");

    // `/async stats` counts the same week; an admin also sees each member's share.
    t.sent();
    t.command("U1", "C1", "stats").await;
    let admin = t.sent().remove(0).text;
    assert!(admin.contains("daily: 9 of 10 answered (90%, up from 50%)"), "{admin}");
    assert!(admin.contains("alice 5/5 · bob 4/5"), "{admin}");
    t.command("U2", "C1", "stats").await;
    let member = t.sent().remove(0).text;
    assert!(member.contains("daily: 9 of 10 answered (90%, up from 50%)"), "{member}");
    assert!(!member.contains("alice") && !member.contains("bob"), "by member for admins only: {member}");

    // Off: no summary the Friday after.
    t.command("U1", "C1", "standup edit daily weekly_summary=off").await;
    assert!(t.sent().remove(0).text.contains("Weekly summary: off."));
    t.run_until("2026-04-03T16:00:00Z").await;
    assert!(weekly_posts(&t).is_empty(), "switched off");
    t.sent();

    // Bad values are one line and change nothing.
    t.command("U1", "C1", "standup edit daily weekly_summary=someday").await;
    let error = t.sent().remove(0).text;
    assert!(!error.contains('\n') && error.contains("not a day"), "{error}");
    t.command("U2", "C1", "standup edit daily weekly_summary=fri 16:00").await;
    assert!(t.sent().remove(0).text.starts_with("Only workspace admins"));
}

#[tokio::test]
async fn stats_and_the_weekly_summary_count_participation_on_slack() {
    participation_and_weekly_summary(Platform::Slack).await;
}

#[tokio::test]
async fn stats_and_the_weekly_summary_count_participation_on_discord() {
    participation_and_weekly_summary(Platform::Discord).await;
}
