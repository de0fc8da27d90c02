//! The personal morning brief through the whole bot.
//!
//! CLASSIFICATION-DEPENDENT (mildly): the questions below must not be read as sync pings.

use unhurried::config::Settings;
use unhurried::domain::platform::Platform;
use unhurried::features::brief;

use crate::support::{TestBot, WORKSPACE, profile};

/// Friday 27 March 2026, 13:00 in Berlin.
const FRIDAY_NOON: &str = "2026-03-27T12:00:00Z";

async fn team() -> TestBot {
    let members = [
        ("U1", profile("alice", Some("Europe/Berlin"))),
        ("U2", profile("bob", Some("Europe/Berlin"))),
        ("U3", profile("carol", Some("Europe/Berlin"))),
    ];
    let t = TestBot::new(Platform::Slack, FRIDAY_NOON, Settings::defaults(), &members).await;
    let workspace_id = t.bot.workspace_id(WORKSPACE).await.unwrap();
    for user in ["U1", "U2", "U3"] {
        let member = t.bot.member(workspace_id, WORKSPACE, user).await.unwrap();
        brief::ensure_scheduled(&t.bot, workspace_id, member.id).await.unwrap();
        brief::ensure_scheduled(&t.bot, workspace_id, member.id).await.unwrap();
    }
    t
}

fn briefs(
    sent: &[unhurried::adapters::simulated::TranscriptEntry],
) -> Vec<&unhurried::adapters::simulated::TranscriptEntry> {
    sent.iter().filter(|m| m.purpose == "brief").collect()
}

#[tokio::test]
async fn a_brief_is_sent_at_the_start_of_the_working_day_only_when_something_needs_the_member() {
    let mut t = team().await;
    // Decisions reach the briefs of the members of standups reporting to the channel (SPEC §4).
    crate::standup::seed(&t, &crate::standup::spec(&["U1", "U2", "U3"], "Europe/Berlin", None)).await;
    let question = t.message("U1", "C1", "<@U2> can you check the Q3 numbers in the budget doc?", None).await;
    t.command("U3", "C1", "decide The Q3 budget freeze starts in April").await;
    t.sent();

    // Monday 30 March, 09:00 in Berlin (CEST) is 07:00Z.
    t.run_until("2026-03-30T06:59:00Z").await;
    assert!(briefs(&t.sent()).is_empty(), "nothing before the working day");
    t.run_until("2026-03-30T09:00:00Z").await;
    let sent = t.sent();
    let sent = briefs(&sent);
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(sent.iter().all(|m| m.kind == "dm" && m.at == "2026-03-30T07:00:00Z"), "{sent:?}");
    let bob = sent.iter().find(|m| m.to.as_deref() == Some("U2")).expect("bob has a question waiting");
    assert!(bob.text.contains("Questions waiting for your reply"), "{}", bob.text);
    assert!(bob.text.contains("can you check the Q3 numbers") && bob.text.contains("alice"), "{}", bob.text);
    assert!(bob.text.contains("The Q3 budget freeze starts in April"), "{}", bob.text);
    assert!(bob.text.contains("<!date^"), "times in each reader's zone: {}", bob.text);
    let alice = sent.iter().find(|m| m.to.as_deref() == Some("U1")).expect("alice sees carol's decision");
    assert!(!alice.text.contains("Questions waiting"), "{}", alice.text);
    assert!(sent.iter().all(|m| m.to.as_deref() != Some("U3")), "carol's own decision is not news to her");

    t.message("U2", "C1", "checked, the numbers are right", Some(&question)).await;
    t.run_until("2026-03-31T09:00:00Z").await;
    assert!(
        briefs(&t.sent()).is_empty(),
        "the question is answered and the decision was shown: an empty brief is never sent"
    );
}

#[tokio::test]
async fn no_brief_on_a_day_out_of_office_and_the_next_working_day_catches_up() {
    let mut t = team().await;
    t.command("U2", "C1", "ooo 2026-03-30..2026-03-30").await;
    t.message("U1", "C1", "<@U2> can you check the Q3 numbers in the budget doc?", None).await;
    t.sent();
    t.run_until("2026-03-30T23:00:00Z").await;
    let monday = t.sent();
    assert!(briefs(&monday).iter().all(|m| m.to.as_deref() != Some("U2")), "{monday:?}");
    t.run_until("2026-03-31T09:00:00Z").await;
    let sent = t.sent();
    let sent = briefs(&sent);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!((sent[0].to.as_deref(), sent[0].at.as_str()), (Some("U2"), "2026-03-31T07:00:00Z"));
    assert!(sent[0].text.contains("can you check the Q3 numbers"), "{}", sent[0].text);
}

#[tokio::test]
async fn turning_the_brief_off_stops_it() {
    let mut t = team().await;
    t.message("U1", "C1", "<@U2> can you check the Q3 numbers in the budget doc?", None).await;
    t.command("U2", "C1", "brief off").await;
    t.sent();
    t.run_until("2026-03-31T09:00:00Z").await;
    assert!(briefs(&t.sent()).is_empty());
}

#[tokio::test]
async fn a_blocker_that_names_the_member_is_in_their_brief() {
    let mut t = team().await;
    t.sent();
    // A standup answer as the standup feature stores it (that feature is built separately).
    let pool = t.store.pool();
    let workspace_id = t.bot.workspace_id(WORKSPACE).await.unwrap();
    let carol = t.bot.member(workspace_id, WORKSPACE, "U3").await.unwrap();
    let channel = t.bot.store.ensure_channel(workspace_id, "C1").await.unwrap();
    let friday = 1_774_612_800_i64; // 2026-03-27T12:00:00Z
    let standup: i64 = sqlx::query_scalar(
        "INSERT INTO standups (workspace_id, name, channel_id, questions, blocker_question, recurrence, digest_at,
             digest_tz, created_at)
         VALUES (?, 'daily', ?, '[\"Blockers?\"]', 1, '09:30 mon-fri', '17:00', 'Europe/Berlin', ?) RETURNING id",
    )
    .bind(workspace_id)
    .bind(channel.id)
    .bind(friday)
    .fetch_one(pool)
    .await
    .unwrap();
    let run: i64 = sqlx::query_scalar(
        "INSERT INTO standup_runs (standup_id, member_id, local_date, tz, prompt_at, state, prompted_at, answered_at)
         VALUES (?, ?, '2026-03-27', 'Europe/Berlin', ?, 'answered', ?, ?) RETURNING id",
    )
    .bind(standup)
    .bind(carol.id)
    .bind(friday)
    .bind(friday)
    .bind(friday)
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO answers (run_id, question_index, text, is_blocker, answered_at, updated_at)
         VALUES (?, 0, 'waiting on <@U2> for the staging keys <!channel>', 1, ?, ?)",
    )
    .bind(run)
    .bind(friday)
    .bind(friday)
    .execute(pool)
    .await
    .unwrap();

    t.run_until("2026-03-30T08:00:00Z").await;
    let sent = t.sent();
    let sent = briefs(&sent);
    assert_eq!(sent.len(), 1, "only bob is named: {sent:?}");
    assert_eq!(sent[0].to.as_deref(), Some("U2"));
    assert!(sent[0].text.contains("Blockers that name you"), "{}", sent[0].text);
    assert!(sent[0].text.contains("carol") && sent[0].text.contains("staging keys"), "{}", sent[0].text);
    assert!(!sent[0].text.contains("<!channel>"), "{}", sent[0].text);

    t.command("U1", "C1", "stats").await;
    let stats = t.sent().remove(0).text;
    assert!(stats.contains("1 of 1 runs answered (100%)"), "{stats}");
}

/// The days (UTC dates) on which `user` got a brief, and the texts.
fn briefs_to<'a>(sent: &'a [unhurried::adapters::simulated::TranscriptEntry], user: &str) -> Vec<(&'a str, &'a str)> {
    briefs(sent).into_iter().filter(|m| m.to.as_deref() == Some(user)).map(|m| (&m.at[..10], m.text.as_str())).collect()
}

#[tokio::test]
async fn an_unanswered_question_is_in_the_briefs_of_two_weeks_then_no_longer_repeated() {
    // retention.open_questions = 14d by default: asked Friday 27 March 12:00Z, it is open until
    // Friday 10 April 12:00Z, so the brief of that morning is its last.
    let mut t = team().await;
    t.message("U1", "C1", "<@U2> can you check the Q3 numbers in the budget doc?", None).await;
    t.sent();
    t.run_until("2026-04-15T09:00:00Z").await;
    let sent = t.sent();
    let bob = briefs_to(&sent, "U2");
    let days: Vec<&str> = bob.iter().map(|(day, _)| *day).collect();
    assert_eq!(
        days,
        [
            "2026-03-30",
            "2026-03-31",
            "2026-04-01",
            "2026-04-02",
            "2026-04-03",
            "2026-04-06",
            "2026-04-07",
            "2026-04-08",
            "2026-04-09",
            "2026-04-10"
        ],
        "every working day for two weeks, then nothing: an empty brief is never sent"
    );
    assert!(bob.iter().all(|(_, text)| text.contains("can you check the Q3 numbers")), "{bob:?}");
}

#[tokio::test]
async fn a_brief_lists_the_ten_most_recent_questions_and_counts_the_older_ones() {
    let mut t = team().await;
    for part in 1..=12 {
        t.message("U1", "C1", &format!("<@U2> can you review part {part} of the budget doc?"), None).await;
        t.run_for(chrono::Duration::minutes(1)).await;
    }
    t.sent();
    t.run_until("2026-03-30T09:00:00Z").await;
    let sent = t.sent();
    let bob = briefs_to(&sent, "U2");
    assert_eq!(bob.len(), 1, "{bob:?}");
    let text = bob[0].1;
    for part in 3..=12 {
        assert!(text.contains(&format!("part {part} of")), "part {part} is listed: {text}");
    }
    assert!(!text.contains("part 1 of") && !text.contains("part 2 of"), "the two oldest are counted only: {text}");
    assert!(text.contains("…and 2 more, asked earlier"), "{text}");
    let listed = text.find("part 12 of").unwrap();
    assert!(text.find("part 3 of").unwrap() < listed && listed < text.find("…and 2 more").unwrap(), "{text}");
}
