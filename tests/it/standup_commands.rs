//! Standup commands that must say what they did and do only that (issue 13 items 7, 8, 9, 16):
//! preview from the scheduler's own plan, answers on a day without a prompt, skip/leave/delete
//! answers that are true, names in any case, and joins that move nobody else's prompt. Replies
//! are inline snapshots, so a change of wording shows in review.

use chrono::Duration;
use unhurried::domain::platform::Platform;
use unhurried::ports::{RunKey, RunState, StandupStore as _};

use crate::standup::{bot, seed, spec, submit};
use crate::support::{TestBot, WORKSPACE, profile};

/// The one private reply to the last command, which is one line.
fn reply(t: &TestBot) -> String {
    let text = reply_lines(t);
    assert_eq!(text.lines().count(), 1, "one line: {text}");
    text
}

/// The one private reply to the last command.
fn reply_lines(t: &TestBot) -> String {
    let sent = t.sent();
    let replies: Vec<_> = sent.iter().filter(|m| m.kind == "ephemeral").collect();
    assert_eq!(replies.len(), 1, "{sent:#?}");
    replies[0].text.clone()
}

fn prompts_to(sent: &[unhurried::adapters::simulated::TranscriptEntry], user: &str) -> Vec<String> {
    sent.iter()
        .filter(|m| m.purpose == "standup_prompt" && m.to.as_deref() == Some(user))
        .map(|m| m.at.clone())
        .collect()
}

async fn run_state(t: &TestBot, user: &str, date: &str) -> Option<RunState> {
    let workspace_id = t.bot.workspace_id(WORKSPACE).await.unwrap();
    let member = t.bot.member(workspace_id, WORKSPACE, user).await.unwrap();
    let standup = t.store.standup_named(workspace_id, "daily").await.unwrap().unwrap();
    let key = RunKey { standup_id: standup.id, member_id: member.id, local_date: date.parse().unwrap() };
    t.store.run(&key).await.unwrap().map(|run| run.state)
}

fn berlin(names: &[(&'static str, &'static str)]) -> Vec<(&'static str, unhurried::ports::Profile)> {
    names.iter().map(|(user, name)| (*user, profile(name, Some("Europe/Berlin")))).collect()
}

#[tokio::test]
async fn preview_shows_only_the_prompts_the_scheduler_will_send_after_skips_early_answers_and_a_zone_change() {
    let members = berlin(&[("U1", "alice"), ("U2", "bob")]);
    let mut t = bot(Platform::Slack, "2026-03-30T05:00:00Z", &members).await;
    seed(&t, &spec(&["U1", "U2"], "Europe/Berlin", None)).await;
    t.command("U1", "C1", "standup skip 2026-03-31").await;
    submit(&t, "U2", &["early bird", "more", "none"]).await;
    // Alice is prompted on Monday in Berlin, then moves to Los Angeles, where it is still Monday.
    t.run_until("2026-03-30T07:31:00Z").await;
    t.command("U1", "C1", "tz America/Los_Angeles").await;
    t.sent();
    t.command("U2", "C1", "standup preview daily 4").await;
    insta::assert_snapshot!(reply_lines(&t), @r#"
• alice (America/Los_Angeles): Mon 30 Mar: prompted already, Tue 31 Mar: skipped, Wed 01 Apr 09:30 (<!date^1775061000^{date_short_pretty} {time}|2026-04-01 16:30 UTC> for you), Thu 02 Apr 09:30 (<!date^1775147400^{date_short_pretty} {time}|2026-04-02 16:30 UTC> for you)
• bob (Europe/Berlin): Tue 31 Mar 09:30 (<!date^1774942200^{date_short_pretty} {time}|2026-03-31 07:30 UTC> for you), Wed 01 Apr 09:30 (<!date^1775028600^{date_short_pretty} {time}|2026-04-01 07:30 UTC> for you), Thu 02 Apr 09:30 (<!date^1775115000^{date_short_pretty} {time}|2026-04-02 07:30 UTC> for you)
"#);
    t.run_until("2026-04-03T00:00:00Z").await;
    let sent = t.sent();
    assert_eq!(prompts_to(&sent, "U1"), ["2026-04-01T16:30:00Z", "2026-04-02T16:30:00Z"], "as previewed");
    assert_eq!(prompts_to(&sent, "U2"), ["2026-03-31T07:30:00Z", "2026-04-01T07:30:00Z", "2026-04-02T07:30:00Z"]);
}

#[tokio::test]
async fn an_answer_on_a_saturday_counts_for_monday_whose_prompt_is_not_sent_and_the_reply_names_monday() {
    let mut t = bot(Platform::Slack, "2026-03-28T10:00:00Z", &berlin(&[("U1", "alice")])).await;
    seed(&t, &spec(&["U1"], "Europe/Berlin", None)).await;
    submit(&t, "U1", &["weekend fix", "review", "none"]).await;
    let sent = t.sent();
    assert_eq!(sent.len(), 1);
    insta::assert_snapshot!(sent[0].text, @"Thanks! You have no *daily* prompt today, so these answers count for Monday 2026-03-30 and that day's prompt won't come. They will be in the next digest.");
    assert_eq!(run_state(&t, "U1", "2026-03-30").await, Some(RunState::Answered));
    t.run_until("2026-03-31T16:00:00Z").await;
    let sent = t.sent();
    assert_eq!(prompts_to(&sent, "U1"), ["2026-03-31T07:30:00Z"], "no Monday prompt");
    let digests: Vec<_> = sent.iter().filter(|m| m.purpose == "digest").collect();
    assert_eq!(digests.len(), 2);
    assert!(digests[0].text.contains("weekend fix") && !digests[1].text.contains("weekend fix"));
}

#[tokio::test]
async fn skip_after_answering_says_it_was_answered_and_keeps_the_answers() {
    let mut t = bot(Platform::Slack, "2026-03-30T06:00:00Z", &berlin(&[("U1", "alice")])).await;
    seed(&t, &spec(&["U1"], "Europe/Berlin", None)).await;
    submit(&t, "U1", &["kept answer", "b", "none"]).await;
    t.sent();
    t.command("U1", "C1", "standup skip").await;
    insta::assert_snapshot!(reply(&t), @"Nothing to skip in daily: you already answered for Monday 2026-03-30 (send new answers to change them).");
    assert_eq!(run_state(&t, "U1", "2026-03-30").await, Some(RunState::Answered));
    t.run_until("2026-03-30T15:01:00Z").await;
    let digest = t.sent().into_iter().find(|m| m.purpose == "digest").unwrap();
    assert!(digest.text.contains("kept answer"), "{}", digest.text);
}

#[tokio::test]
async fn skip_on_a_day_without_a_prompt_says_there_is_none_and_records_nothing() {
    let mut t = bot(Platform::Slack, "2026-03-30T06:00:00Z", &berlin(&[("U1", "alice")])).await;
    seed(&t, &spec(&["U1"], "Europe/Berlin", None)).await;
    t.sent();
    t.command("U1", "C1", "standup skip 2026-04-04").await;
    insta::assert_snapshot!(reply(&t), @"Nothing to skip in daily: you have no prompt on Saturday 2026-04-04.");
    assert_eq!(run_state(&t, "U1", "2026-04-04").await, None);
    t.command("U1", "C1", "standup skip 2026-03-31").await;
    insta::assert_snapshot!(reply(&t), @"Skipped 2026-03-31: no daily prompt that day.");
    t.command("U1", "C1", "standup skip 2026-03-31").await;
    insta::assert_snapshot!(reply(&t), @"Nothing to skip in daily: Tuesday 2026-03-31 was skipped already.");
}

#[tokio::test]
async fn leave_and_skip_by_someone_outside_the_standup_say_so_and_change_nothing() {
    let members = berlin(&[("U1", "alice"), ("U2", "bob")]);
    let mut t = bot(Platform::Slack, "2026-03-30T06:00:00Z", &members).await;
    seed(&t, &spec(&["U1"], "Europe/Berlin", None)).await;
    t.sent();
    t.command("U2", "C1", "standup leave daily").await;
    insta::assert_snapshot!(reply(&t), @"You don't take part in *daily*, so there is nothing to leave.");
    t.command("U2", "C1", "standup skip daily").await;
    insta::assert_snapshot!(reply(&t), @"You don't take part in daily: join it first with `/async standup join daily`.");
    t.command("U1", "C1", "standup join daily").await;
    insta::assert_snapshot!(reply(&t), @"You already take part in *daily*.");
    assert_eq!(run_state(&t, "U2", "2026-03-30").await, None);
    t.run_until("2026-03-30T08:00:00Z").await;
    assert_eq!(prompts_to(&t.sent(), "U1"), ["2026-03-30T07:30:00Z"]);
}

#[tokio::test]
async fn create_typed_in_a_dm_without_a_channel_creates_nothing_and_asks_for_one() {
    let mut t = bot(Platform::Slack, "2026-03-30T06:00:00Z", &berlin(&[("U1", "alice")])).await;
    t.command("U1", "D-U1", "standup create daily at=09:30 questions=\"Yesterday?|Today?\"").await;
    insta::assert_snapshot!(reply(&t), @"A DM can't be a standup's report channel: add channel=#team, or type `/async standup create daily …` in that channel. Nothing was created.");
    let workspace_id = t.bot.workspace_id(WORKSPACE).await.unwrap();
    assert!(t.store.standup_named(workspace_id, "daily").await.unwrap().is_none());
    t.command("U1", "D-U1", "standup create daily at=09:30 questions=\"Yesterday?|Today?\" channel=<#C1>").await;
    assert!(reply(&t).starts_with("Created *daily*"));
    assert_eq!(t.store.standup_named(workspace_id, "daily").await.unwrap().unwrap().channel, "C1");
}

#[tokio::test]
async fn delete_asks_for_confirmation_saying_what_goes_and_only_confirm_deletes() {
    let mut t = bot(Platform::Slack, "2026-03-30T06:00:00Z", &berlin(&[("U1", "alice")])).await;
    seed(&t, &spec(&["U1"], "Europe/Berlin", None)).await;
    submit(&t, "U1", &["a", "b", "none"]).await;
    t.run_until("2026-03-30T15:01:00Z").await;
    t.sent();
    t.command("U1", "C1", "standup delete daily").await;
    insta::assert_snapshot!(reply(&t), @"Deleting *daily* stops its prompts and digests for 1 member(s) and removes 1 run(s), 3 answer(s) and 1 digest record(s) for good. To go ahead: `/async standup delete daily confirm`.");
    let workspace_id = t.bot.workspace_id(WORKSPACE).await.unwrap();
    assert!(t.store.standup_named(workspace_id, "daily").await.unwrap().is_some(), "nothing deleted yet");
    t.command("U1", "C1", "standup delete DAILY confirm").await;
    insta::assert_snapshot!(reply(&t), @"*daily* is deleted.");
    assert!(t.store.standup_named(workspace_id, "daily").await.unwrap().is_none());
}

#[tokio::test]
async fn standup_names_match_in_any_case_and_cannot_differ_by_case_alone() {
    let members = berlin(&[("U1", "alice"), ("U2", "bob")]);
    let mut t = bot(Platform::Slack, "2026-03-30T06:00:00Z", &members).await;
    t.command("U1", "C1", "standup create Daily at=09:30 questions=\"Yesterday?|Today?\"").await;
    t.sent();
    t.command("U1", "C1", "standup create daily at=10:00 questions=\"Other?\"").await;
    insta::assert_snapshot!(reply(&t), @"A standup called 'Daily' already exists: pick another name, or use `/async standup edit Daily …`.");
    t.command("U2", "C1", "standup join DAILY").await;
    insta::assert_snapshot!(reply(&t), @"*Daily* has you in: your first prompt comes at the next standup time.");
    t.run_until("2026-03-30T08:00:00Z").await;
    assert_eq!(prompts_to(&t.sent(), "U2"), ["2026-03-30T07:30:00Z"]);
}

/// Pending prompt jobs: (id, key, due) — a job replaced by a reschedule gets a new id.
async fn prompt_jobs(t: &TestBot) -> Vec<(i64, String, i64)> {
    sqlx::query_as("SELECT id, key, due_at FROM jobs WHERE kind = 'standup_prompt' AND state = 'pending' ORDER BY key")
        .fetch_all(t.store.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn joining_or_leaving_touches_only_that_members_jobs() {
    let users: Vec<String> = (1..=40).map(|n| format!("U{n}")).collect();
    let members: Vec<(&str, _)> = users.iter().map(|u| (u.as_str(), profile(u, Some("Europe/Berlin")))).collect();
    let mut t = bot(Platform::Slack, "2026-03-30T06:00:00Z", &members).await;
    let others: Vec<&str> = users[1..].iter().map(String::as_str).collect();
    seed(&t, &spec(&others, "Europe/Berlin", None)).await;
    let before = prompt_jobs(&t).await;
    assert_eq!(before.len(), 39);
    t.command("U1", "C1", "standup join daily").await;
    let after = prompt_jobs(&t).await;
    assert_eq!(after.len(), 40);
    assert!(before.iter().all(|job| after.contains(job)), "every other member's job is the very same row");
    t.command("U2", "C1", "standup leave daily").await;
    let left = prompt_jobs(&t).await;
    assert_eq!(left.len(), 39);
    assert!(left.iter().all(|job| after.contains(job)), "nobody else's job changed");
}

#[tokio::test]
async fn a_join_or_edit_after_the_prompt_is_due_but_before_its_tick_keeps_everyones_prompt_today() {
    let members = berlin(&[("U1", "alice"), ("U2", "bob"), ("U3", "carol")]);
    // Ticks fall on :30 seconds, so 07:30:10 is after the 07:30 prompts are due and before the
    // tick that sends them.
    let mut t = bot(Platform::Slack, "2026-03-30T05:00:30Z", &members).await;
    seed(&t, &spec(&["U1", "U2"], "Europe/Berlin", None)).await;
    t.run_until("2026-03-30T07:29:30Z").await;
    t.clock.set("2026-03-30T07:30:10Z".parse().unwrap());
    t.command("U3", "C1", "standup join daily").await;
    t.command("U1", "C1", "standup edit daily reminder=1h").await;
    t.run_until("2026-03-30T07:31:00Z").await;
    let sent = t.sent();
    for user in ["U1", "U2"] {
        assert_eq!(prompts_to(&sent, user), ["2026-03-30T07:30:10Z"], "{user} is prompted today, not tomorrow");
    }
    assert!(prompts_to(&sent, "U3").is_empty(), "a member who joins after the standup time starts at the next one");
    t.run_until("2026-03-31T09:00:00Z").await;
    let sent = t.sent();
    let reminders = sent.iter().filter(|m| m.purpose == "standup_reminder").count();
    assert_eq!(reminders, 2 + 3, "the edit holds for the prompts it did not move, and the next day's");
    assert_eq!(prompts_to(&sent, "U3"), ["2026-03-31T07:30:00Z"]);
}

/// The words of a standup day on each platform: prompt, reminder, the thanks, and the digest.
async fn standup_day_texts(platform: Platform, user: &str) -> Vec<String> {
    let mut t = bot(platform, "2026-03-30T06:00:00Z", &[(user, profile("alice", Some("Europe/Berlin")))]).await;
    t.command(user, "C1", "tz Europe/Berlin").await;
    seed(&t, &spec(&[user], "Europe/Berlin", Some(Duration::hours(1)))).await;
    t.sent();
    t.run_until("2026-03-30T08:31:00Z").await;
    submit(&t, user, &["shipped *the* importer", "DST tests", "waiting for @bob"]).await;
    t.run_until("2026-03-30T15:01:00Z").await;
    t.sent().into_iter().map(|m| format!("{} {}: {}", m.kind, m.purpose, m.text)).collect()
}

#[tokio::test]
async fn the_words_of_a_standup_day_on_slack() {
    insta::assert_snapshot!(standup_day_texts(Platform::Slack, "U1").await.join("\n"), @r#"
dm standup_prompt: Hi! Time for the *daily* standup, whenever suits you today. Reply here one answer at a time, or all at once with `/async standup answer daily: … | … | …`.
*1/3* What did you do?
dm standup_reminder: A gentle reminder: your *daily* standup answers are still welcome today. No worries if you are busy.
*1/3* What did you do?
dm standup_ack: Thanks! Your *daily* answers will be in the next digest.
post digest: *daily standup* — Mon 30 Mar 2026
*Blockers*
• alice (day 1): waiting for @bob
*alice*
• _What did you do?_ shipped *the* importer
• _What will you do?_ DST tests
• _Anything blocking you?_ waiting for @bob
"#);
}

#[tokio::test]
async fn the_words_of_a_standup_day_on_discord() {
    insta::assert_snapshot!(standup_day_texts(Platform::Discord, "101").await.join("\n"), @r#"
dm standup_prompt: Hi! Time for the **daily** standup, whenever suits you today. Reply here one answer at a time, or all at once with `/async standup answer daily: … | … | …`.
**1/3** What did you do?
dm standup_reminder: A gentle reminder: your **daily** standup answers are still welcome today. No worries if you are busy.
**1/3** What did you do?
dm standup_ack: Thanks! Your **daily** answers will be in the next digest.
post digest: **daily standup** — Mon 30 Mar 2026
**Blockers**
- alice (day 1): waiting for @bob
**alice**
- *What did you do?* shipped *the* importer
- *What will you do?* DST tests
- *Anything blocking you?* waiting for @bob
"#);
}

#[tokio::test]
async fn a_standup_after_someones_working_day_says_so_and_prompts_them_next_morning_instead() {
    // Issue 11 item 6: an 18:00 standup never prompted a member whose day ends at 17:00, and
    // they dropped out of the digest without a word.
    let members = berlin(&[("U1", "alice"), ("U2", "bob")]);
    let mut t = bot(Platform::Slack, "2026-03-30T05:00:00Z", &members).await;
    t.command("U2", "C1", "hours 09:00-19:00").await;
    t.sent();
    t.command(
        "U1",
        "C1",
        "standup create evening at=18:00 days=mon-fri questions=\"Done?|Next?\" members=<@U1>,<@U2> digest=18:30 \
         digest_tz=Europe/Berlin",
    )
    .await;
    insta::assert_snapshot!(reply_lines(&t), @r#"
Created *evening*: 18:00 mon-fri in each member's own timezone, 2 member(s), digest in <#C1>.
The standup's time is after the end of the working day for alice (next prompt <!date^1774940400^{date_short_pretty} {time}|2026-03-31 07:00 UTC>): they are prompted at the start of their next working period instead.
"#);
    // Monday: bob at 18:00 Berlin (16:00Z); alice, whose day ended at 17:00, at 09:00 on Tuesday.
    t.run_until("2026-03-31T08:00:00Z").await;
    let sent = t.sent();
    assert_eq!(prompts_to(&sent, "U2"), ["2026-03-30T16:00:00Z"]);
    assert_eq!(prompts_to(&sent, "U1"), ["2026-03-31T07:00:00Z"]);
    let digest = sent.iter().find(|m| m.purpose == "digest").expect("Monday's digest");
    assert!(
        digest.text.contains("alice: next prompt <!date^1774940400^"),
        "the digest says when she is prompted: {}",
        digest.text
    );
    let workspace_id = t.bot.workspace_id(WORKSPACE).await.unwrap();
    let alice = t.bot.member(workspace_id, WORKSPACE, "U1").await.unwrap();
    let evening = t.store.standup_named(workspace_id, "evening").await.unwrap().unwrap();
    let monday = RunKey { standup_id: evening.id, member_id: alice.id, local_date: "2026-03-30".parse().unwrap() };
    let run = t.store.run(&monday).await.unwrap().map(|run| run.state);
    assert_eq!(run, Some(RunState::Prompted), "Monday's run, prompted on Tuesday morning");
}
