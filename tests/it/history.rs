//! `/async standup history` through the whole bot on a manual clock, on Slack and Discord: past
//! answers newest first, filtered by standup, member and days, split to the platform's limit,
//! and never the answers of a standup the reader does not take part in (SPEC §4 privacy).

use unhurried::domain::events::{InboundEvent, StandupSubmission};
use unhurried::domain::markup::{DISCORD_MESSAGE_LIMIT, SLACK_MESSAGE_LIMIT};
use unhurried::domain::platform::Platform;

use crate::standup::{bot, seed, spec};
use crate::support::{TestBot, WORKSPACE, profile};

async fn submit_to(t: &TestBot, standup: &str, user: &str, answers: &[&str]) {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let id = format!("history-{}", NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
    let submission = StandupSubmission {
        workspace: WORKSPACE.into(),
        id,
        user: user.into(),
        standup: standup.into(),
        answers: answers.iter().map(|a| a.to_string()).collect(),
    };
    t.bot.handle(InboundEvent::StandupSubmission(submission)).await.unwrap();
}

/// The private reply to `/async <text>` typed by `user`, all its parts joined.
async fn ask(t: &mut TestBot, user: &str, text: &str) -> Vec<String> {
    t.sent();
    t.command(user, "C1", text).await;
    let sent = t.sent();
    assert!(sent.iter().all(|e| e.kind == "ephemeral" && e.to.as_deref() == Some(user)), "{sent:#?}");
    sent.into_iter().map(|e| e.text).collect()
}

async fn history_shows_what_the_reader_may_read(platform: Platform) {
    let members = [
        ("U1", profile("alice", Some("Europe/Berlin"))),
        ("U2", profile("bob", Some("Europe/Berlin"))),
        ("U3", profile("carol", Some("Europe/Berlin"))),
    ];
    let mut t = bot(platform, "2026-03-23T06:00:00Z", &members).await;
    seed(&t, &spec(&["U1", "U2"], "Europe/Berlin", None)).await;
    // carol's own standup reports to a channel alice and bob are not in.
    let mut hiring = spec(&["U3"], "Europe/Berlin", None);
    hiring.name = "hiring".into();
    hiring.channel = "G9".into();
    seed(&t, &hiring).await;

    for (day, word) in [(23, "monday"), (24, "tuesday"), (25, "wednesday")] {
        t.run_until(&format!("2026-03-{day}T09:00:00Z")).await;
        submit_to(&t, "daily", "U1", &[&format!("alice {word}"), "more", "none"]).await;
        submit_to(&t, "daily", "U2", &[&format!("bob {word}"), "more", "none"]).await;
        submit_to(&t, "hiring", "U3", &[&format!("secret candidate {word}"), "more", "none"]).await;
    }

    let all = ask(&mut t, "U1", "standup history").await.join("\n");
    assert!(all.starts_with("Answers from the last 7 days, newest first:"), "{all}");
    let order: Vec<usize> = ["alice wednesday", "bob wednesday", "alice tuesday", "alice monday"]
        .iter()
        .map(|w| all.find(w).unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "newest first, then by member: {all}");
    assert!(all.contains("What did you do?"), "each answer under its question: {all}");
    assert!(!all.contains("secret") && !all.contains("hiring"), "not alice's standup: {all}");

    let bob_only = ask(&mut t, "U1", "standup history daily <@U2>").await.join("\n");
    assert!(bob_only.contains("bob monday") && !bob_only.contains("alice"), "{bob_only}");
    let today = ask(&mut t, "U1", "standup history 1").await.join("\n");
    assert!(today.contains("alice wednesday") && !today.contains("tuesday"), "{today}");

    // Another standup's answers stay out however they are asked for.
    for text in ["standup history hiring", "standup history <@U3>", "standup history hiring <@U3> 30"] {
        let reply = ask(&mut t, "U1", text).await.join("\n");
        assert!(reply.starts_with("No answers you can read"), "{text}: {reply}");
    }
    let carol = ask(&mut t, "U3", "standup history").await.join("\n");
    assert!(carol.contains("secret candidate monday") && !carol.contains("alice"), "{carol}");

    // Bad input: one line, nothing else.
    for text in ["standup history daily hiring", "standup history 0", "standup history nosuch"] {
        let reply = ask(&mut t, "U1", text).await;
        assert!(reply.len() == 1 && !reply[0].contains('\n'), "{text}: {reply:?}");
    }

    // Long answers are split to the platform's limit, every part whole.
    t.run_until("2026-03-26T09:00:00Z").await;
    let long = "word ".repeat(700);
    submit_to(&t, "daily", "U1", &[&long, &long, &long]).await;
    submit_to(&t, "daily", "U2", &[&long, &long, &long]).await;
    let parts = ask(&mut t, "U1", "standup history 1").await;
    let limit = if platform == Platform::Discord { DISCORD_MESSAGE_LIMIT } else { SLACK_MESSAGE_LIMIT };
    assert!(parts.iter().all(|p| p.chars().count() <= limit), "every part within {limit}");
    if platform == Platform::Discord {
        assert!(parts.len() > 1, "over Discord's 2,000 characters: split");
    }
}

#[tokio::test]
async fn history_shows_own_answers_and_those_of_my_standups_only_on_slack() {
    history_shows_what_the_reader_may_read(Platform::Slack).await;
}

#[tokio::test]
async fn history_shows_own_answers_and_those_of_my_standups_only_on_discord() {
    history_shows_what_the_reader_may_read(Platform::Discord).await;
}
