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
