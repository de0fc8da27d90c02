//! Standups through the whole bot: prompts at each member's local time within working hours,
//! one reminder, early answers, DM conversations, exactly-once across restarts and downtime.

use chrono::{DateTime, Duration, NaiveTime, Utc};
use unhurried::config::Settings;
use unhurried::domain::calendar::{Timezone, Weekdays};
use unhurried::domain::events::{InboundEvent, StandupSubmission};
use unhurried::domain::platform::Platform;
use unhurried::domain::schedule::Recurrence;
use unhurried::features::standup::{StandupSpec, seed_standup};
use unhurried::ports::{DirectoryStore as _, Profile};

use crate::support::{TestBot, WORKSPACE, profile};

/// Settings with a one-minute tick (SPEC §8: at most a minute), so a week runs quickly.
pub fn settings() -> Settings {
    let mut settings = Settings::defaults();
    settings.scheduler.tick = Duration::minutes(1);
    settings.workspace.admins = vec!["U1".into()];
    settings
}

/// A bot whose members the platform knows, each seen once so their profiles are stored.
pub async fn bot(platform: Platform, start: &str, profiles: &[(&str, Profile)]) -> TestBot {
    let t = TestBot::new(platform, start, settings(), profiles).await;
    let workspace_id = t.bot.workspace_id(WORKSPACE).await.unwrap();
    for (user, _) in profiles {
        t.bot.member(workspace_id, WORKSPACE, user).await.unwrap();
    }
    t
}

/// A daily 09:30 mon-fri standup of `members` reporting to C1, digest 17:00 in `digest_tz`.
pub fn spec(members: &[&str], digest_tz: &str, reminder: Option<Duration>) -> StandupSpec {
    StandupSpec {
        name: "daily".into(),
        channel: "C1".into(),
        members: members.iter().map(|m| m.to_string()).collect(),
        recurrence: Recurrence::weekly(NaiveTime::from_hms_opt(9, 30, 0).unwrap(), Weekdays::MON_FRI),
        questions: vec!["What did you do?".into(), "What will you do?".into(), "Anything blocking you?".into()],
        blocker_question: Some(3),
        digest_at: NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
        digest_tz: digest_tz.parse::<Timezone>().unwrap(),
        reminder,
        skipped_dates: Vec::new(),
        digest_when_empty: Default::default(),
    }
}

/// Seeds a standup as the simulator does.
pub async fn seed(t: &TestBot, spec: &StandupSpec) {
    let workspace_id = t.bot.workspace_id(WORKSPACE).await.unwrap();
    seed_standup(&t.bot, workspace_id, spec).await.unwrap();
}

/// Submits all answers at once.
pub async fn submit(t: &TestBot, user: &str, answers: &[&str]) {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let id = format!("sub-{}", NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
    let submission = StandupSubmission {
        workspace: WORKSPACE.into(),
        id,
        user: user.into(),
        standup: "daily".into(),
        answers: answers.iter().map(|a| a.to_string()).collect(),
    };
    t.bot.handle(InboundEvent::StandupSubmission(submission)).await.unwrap();
}

trait Now {
    fn clock_now(&self) -> DateTime<Utc>;
}

impl Now for TestBot {
    fn clock_now(&self) -> DateTime<Utc> {
        self.bot.now()
    }
}

fn sent_at(entries: &[unhurried::adapters::simulated::TranscriptEntry], user: &str, purpose: &str) -> Vec<String> {
    entries.iter().filter(|m| m.purpose == purpose && m.to.as_deref() == Some(user)).map(|m| m.at.clone()).collect()
}

#[tokio::test]
async fn each_member_is_prompted_once_per_working_day_at_their_own_0930_across_the_eu_dst_change() {
    let members = [("U1", profile("alice", Some("Europe/Berlin"))), ("U2", profile("bob", Some("America/New_York")))];
    let mut t = bot(Platform::Slack, "2026-03-26T00:00:00Z", &members).await;
    seed(&t, &spec(&["U1", "U2"], "Europe/Berlin", None)).await;
    t.run_until("2026-04-03T00:00:00Z").await;
    let sent = t.sent();
    let berlin = [
        "2026-03-26T08:30",
        "2026-03-27T08:30",
        "2026-03-30T07:30",
        "2026-03-31T07:30",
        "2026-04-01T07:30",
        "2026-04-02T07:30",
    ];
    let new_york = [
        "2026-03-26T13:30",
        "2026-03-27T13:30",
        "2026-03-30T13:30",
        "2026-03-31T13:30",
        "2026-04-01T13:30",
        "2026-04-02T13:30",
    ];
    let expect = |times: &[&str]| times.iter().map(|t| format!("{t}:00Z")).collect::<Vec<_>>();
    assert_eq!(sent_at(&sent, "U1", "standup_prompt"), expect(&berlin));
    assert_eq!(sent_at(&sent, "U2", "standup_prompt"), expect(&new_york));
    let prompt = sent.iter().find(|m| m.purpose == "standup_prompt").unwrap();
    assert_eq!(prompt.kind, "dm");
    assert!(prompt.text.contains("What did you do?"), "{}", prompt.text);
}

#[tokio::test]
async fn a_prompt_before_working_hours_waits_for_their_start_and_out_of_office_days_show_away() {
    let members = [("U1", profile("alice", Some("Europe/Berlin"))), ("U2", profile("bob", Some("Europe/Berlin")))];
    let mut t = bot(Platform::Slack, "2026-03-29T12:00:00Z", &members).await;
    seed(&t, &spec(&["U1", "U2"], "Europe/Berlin", None)).await;
    t.command("U1", "C1", "hours 10:00-18:00").await;
    t.command("U2", "C1", "ooo 2026-03-31..2026-03-31").await;
    t.sent();
    t.run_until("2026-04-01T00:00:00Z").await;
    let sent = t.sent();
    assert_eq!(sent_at(&sent, "U1", "standup_prompt"), ["2026-03-30T08:00:00Z", "2026-03-31T08:00:00Z"]);
    assert_eq!(sent_at(&sent, "U2", "standup_prompt"), ["2026-03-30T07:30:00Z"], "no prompt while out of office");
    let digests: Vec<_> = sent.iter().filter(|m| m.purpose == "digest").collect();
    assert_eq!(digests.len(), 2);
    assert!(!digests[0].text.contains("Away"), "{}", digests[0].text);
    assert!(digests[1].text.contains("Away: bob"), "{}", digests[1].text);
}

#[tokio::test]
async fn one_reminder_if_unanswered_none_after_answering_none_outside_working_hours() {
    let members = [
        ("U1", profile("alice", Some("Europe/Berlin"))),
        ("U2", profile("bob", Some("Europe/Berlin"))),
        ("U3", profile("carol", Some("Europe/Berlin"))),
    ];
    let mut t = bot(Platform::Slack, "2026-03-29T12:00:00Z", &members).await;
    t.command("U3", "C1", "hours 09:00-11:00").await;
    seed(&t, &spec(&["U1", "U2", "U3"], "Europe/Berlin", Some(Duration::hours(2)))).await;
    t.run_until("2026-03-30T08:00:00Z").await;
    submit(&t, "U2", &["a", "b", "none"]).await;
    t.run_until("2026-04-01T00:00:00Z").await;
    let sent = t.sent();
    assert_eq!(sent_at(&sent, "U1", "standup_reminder"), ["2026-03-30T09:30:00Z", "2026-03-31T09:30:00Z"]);
    assert_eq!(sent_at(&sent, "U2", "standup_reminder"), ["2026-03-31T09:30:00Z"], "not after answering");
    assert!(sent_at(&sent, "U3", "standup_reminder").is_empty(), "11:30 is after carol's day");
    let reminder = sent.iter().find(|m| m.purpose == "standup_reminder").unwrap();
    assert!(!reminder.text.contains("<@"), "{}", reminder.text);
}

#[tokio::test]
async fn an_early_answer_means_no_prompt_that_day() {
    let mut t = bot(Platform::Slack, "2026-03-29T12:00:00Z", &[("U1", profile("alice", Some("Europe/Berlin")))]).await;
    seed(&t, &spec(&["U1"], "Europe/Berlin", None)).await;
    t.run_until("2026-03-30T07:05:00Z").await;
    submit(&t, "U1", &["planning", "coding", "none"]).await;
    t.run_until("2026-03-31T12:00:00Z").await;
    let sent = t.sent();
    assert_eq!(sent[0].purpose, "standup_ack");
    assert_eq!(sent[0].kind, "dm");
    assert_eq!(sent_at(&sent, "U1", "standup_prompt"), ["2026-03-31T07:30:00Z"]);
    let digest = sent.iter().find(|m| m.purpose == "digest").unwrap();
    assert!(digest.text.contains("planning"), "{}", digest.text);
}

#[tokio::test]
async fn answers_one_question_at_a_time_by_dm() {
    let mut t = bot(Platform::Slack, "2026-03-29T12:00:00Z", &[("U1", profile("alice", Some("Europe/Berlin")))]).await;
    seed(&t, &spec(&["U1"], "Europe/Berlin", Some(Duration::hours(2)))).await;
    t.run_until("2026-03-30T07:31:00Z").await;
    t.dm("U1", "fixed the importer").await;
    t.dm("U1", "DST tests").await;
    t.dm("U1", "waiting for VPN access").await;
    t.dm("U1", "one more thing").await;
    t.run_until("2026-03-30T16:00:00Z").await;
    let sent = t.sent();
    let texts: Vec<&str> = sent.iter().map(|m| m.text.as_str()).collect();
    assert!(texts[0].contains("1/3") && texts[0].contains("What did you do?"), "{}", texts[0]);
    assert!(texts[1].contains("2/3") && texts[1].contains("What will you do?"), "{}", texts[1]);
    assert!(texts[2].contains("3/3") && texts[2].contains("Anything blocking you?"), "{}", texts[2]);
    assert!(texts[3].starts_with("Thanks"), "{}", texts[3]);
    assert!(texts[4].contains("nothing to answer"), "{}", texts[4]);
    assert!(sent_at(&sent, "U1", "standup_reminder").is_empty());
    let digest = sent.iter().find(|m| m.purpose == "digest").unwrap();
    let blockers = digest.text.find("Blockers").expect("a blocker section");
    assert!(blockers < digest.text.find("fixed the importer").unwrap(), "{}", digest.text);
    assert!(digest.text.contains("alice (day 1): waiting for VPN access"), "{}", digest.text);
}

#[tokio::test]
async fn skipping_a_day_means_no_prompt() {
    let mut t = bot(Platform::Slack, "2026-03-29T12:00:00Z", &[("U1", profile("alice", Some("Europe/Berlin")))]).await;
    seed(&t, &spec(&["U1"], "Europe/Berlin", None)).await;
    t.command("U1", "C1", "standup skip 2026-03-30").await;
    t.run_until("2026-03-31T12:00:00Z").await;
    let sent = t.sent();
    assert!(sent[0].text.contains("Skipped 2026-03-30"), "{}", sent[0].text);
    assert_eq!(sent_at(&sent, "U1", "standup_prompt"), ["2026-03-31T07:30:00Z"]);
}

#[tokio::test]
async fn prompts_are_exactly_once_across_restarts_between_ticks() {
    let members = [("U1", profile("alice", Some("Europe/Berlin"))), ("U2", profile("bob", Some("Asia/Kolkata")))];
    let mut t = bot(Platform::Slack, "2026-03-29T12:00:00Z", &members).await;
    seed(&t, &spec(&["U1", "U2"], "Europe/Berlin", Some(Duration::hours(2)))).await;
    let end: DateTime<Utc> = "2026-04-01T00:00:00Z".parse().unwrap();
    while t.clock_now() < end {
        let next = (t.clock_now() + Duration::minutes(7)).to_rfc3339();
        t.run_until(&next).await;
        t.restart().await;
    }
    let sent = t.sent();
    assert_eq!(sent_at(&sent, "U1", "standup_prompt").len(), 2);
    assert_eq!(sent_at(&sent, "U2", "standup_prompt"), ["2026-03-30T04:00:00Z", "2026-03-31T04:00:00Z"]);
    assert_eq!(sent_at(&sent, "U1", "standup_reminder").len(), 2);
    assert_eq!(sent.iter().filter(|m| m.purpose == "digest").count(), 2);
}

#[tokio::test]
async fn after_downtime_one_late_prompt_within_the_working_day_never_one_per_missed_day() {
    let mut t = bot(Platform::Slack, "2026-03-29T12:00:00Z", &[("U1", profile("alice", Some("Europe/Berlin")))]).await;
    seed(&t, &spec(&["U1"], "Europe/Berlin", None)).await;
    // Down from Sunday until Thursday 12:00 Berlin, inside Thursday's working day.
    t.clock.set("2026-04-02T10:00:00Z".parse().unwrap());
    t.restart().await;
    t.run_until("2026-04-02T10:01:00Z").await;
    let sent = t.sent();
    assert_eq!(sent_at(&sent, "U1", "standup_prompt"), ["2026-04-02T10:00:00Z"]);
    assert_eq!(sent.iter().filter(|m| m.purpose == "digest").count(), 1, "one late digest, not one per day");
}

#[tokio::test]
async fn after_downtime_past_the_working_day_the_prompt_is_missed_and_the_next_day_is_normal() {
    let mut t = bot(Platform::Slack, "2026-03-29T12:00:00Z", &[("U1", profile("alice", Some("Europe/Berlin")))]).await;
    seed(&t, &spec(&["U1"], "Europe/Berlin", None)).await;
    t.clock.set("2026-04-02T20:00:00Z".parse().unwrap());
    t.restart().await;
    t.run_until("2026-04-03T12:00:00Z").await;
    let sent = t.sent();
    assert_eq!(sent_at(&sent, "U1", "standup_prompt"), ["2026-04-03T07:30:00Z"]);
}

#[tokio::test]
async fn unreachable_members_are_not_prompted() {
    let mut t = bot(Platform::Slack, "2026-03-29T12:00:00Z", &[("U1", profile("alice", Some("Europe/Berlin")))]).await;
    seed(&t, &spec(&["U1"], "Europe/Berlin", None)).await;
    let workspace_id = t.bot.workspace_id(WORKSPACE).await.unwrap();
    let member = t.bot.member(workspace_id, WORKSPACE, "U1").await.unwrap();
    let changes =
        unhurried::ports::MemberChanges { unreachable_since: Some(Some(t.clock_now())), ..Default::default() };
    t.store.update_member(member.id, &changes).await.unwrap();
    t.run_until("2026-03-31T12:00:00Z").await;
    assert!(sent_at(&t.sent(), "U1", "standup_prompt").is_empty());
}

#[tokio::test]
async fn managing_standups_by_command_gives_one_line_replies() {
    let mut t = bot(Platform::Slack, "2026-03-29T12:00:00Z", &[("U1", profile("alice", Some("Europe/Berlin")))]).await;
    t.command("U1", "C1", "standup create daily at=09:30 days=mon-fri questions=\"Yesterday?|Today?\"").await;
    t.command("U1", "C1", "standup create daily at=09:30 questions=\"Yesterday?\"").await;
    t.command("U1", "C1", "standup create other cron=\"0 30 9 * *\" questions=\"Yesterday?\"").await;
    t.command("U1", "C1", "standup create other at=09:30 questions=\"a|b\" blocker=3").await;
    t.command("U1", "C1", "standup pause nope").await;
    t.command("U1", "C1", "standup list").await;
    t.command("U1", "C1", "standup preview daily 3").await;
    t.command("U1", "C1", "me").await;
    let sent = t.sent();
    assert!(sent.iter().all(|m| m.kind == "ephemeral"));
    assert!(sent[..7].iter().all(|m| m.text.lines().count() == 1), "{sent:#?}");
    assert!(sent[0].text.starts_with("Created *daily*"), "{}", sent[0].text);
    assert!(sent[1].text.contains("already exists"), "{}", sent[1].text);
    assert!(sent[2].text.contains("doesn't work"), "{}", sent[2].text);
    assert!(sent[3].text.contains("blocker=3"), "{}", sent[3].text);
    assert!(sent[4].text.contains("no standup called 'nope'"), "{}", sent[4].text);
    assert!(sent[5].text.contains("daily") && sent[5].text.contains("you take part"), "{}", sent[5].text);
    assert!(sent[6].text.contains("<!date^1774855800^"), "Monday 09:30 Berlin: {}", sent[6].text);
    assert!(sent[7].text.contains("daily"), "{}", sent[7].text);
    t.run_until("2026-03-30T08:00:00Z").await;
    assert_eq!(sent_at(&t.sent(), "U1", "standup_prompt"), ["2026-03-30T07:30:00Z"]);
}

#[tokio::test]
async fn pausing_stops_prompts_and_digests_and_resuming_brings_them_back() {
    let mut t = bot(Platform::Slack, "2026-03-29T12:00:00Z", &[("U1", profile("alice", Some("Europe/Berlin")))]).await;
    seed(&t, &spec(&["U1"], "Europe/Berlin", Some(Duration::hours(2)))).await;
    t.command("U1", "C1", "standup pause daily").await;
    t.run_until("2026-03-31T00:00:00Z").await;
    t.command("U1", "C1", "standup resume daily").await;
    t.run_until("2026-04-01T00:00:00Z").await;
    let sent = t.sent();
    assert_eq!(sent_at(&sent, "U1", "standup_prompt"), ["2026-03-31T07:30:00Z"]);
    let digests: Vec<_> = sent.iter().filter(|m| m.purpose == "digest").map(|m| m.at.as_str()).collect();
    assert_eq!(digests, ["2026-03-31T15:00:00Z"]);
}

#[tokio::test]
async fn leaving_stops_prompts_and_a_zone_change_moves_them() {
    let members = [("U1", profile("alice", Some("Europe/Berlin"))), ("U2", profile("bob", Some("Europe/Berlin")))];
    let mut t = bot(Platform::Slack, "2026-03-29T12:00:00Z", &members).await;
    seed(&t, &spec(&["U1", "U2"], "Europe/Berlin", None)).await;
    t.command("U2", "C1", "standup leave daily").await;
    t.command("U1", "C1", "tz Asia/Tokyo").await;
    t.command("U1", "C1", "me").await;
    t.run_until("2026-03-31T00:00:00Z").await;
    let sent = t.sent();
    assert!(sent[2].text.contains("daily"), "me lists the standup: {}", sent[2].text);
    assert_eq!(sent_at(&sent, "U1", "standup_prompt"), ["2026-03-30T00:30:00Z"]);
    assert!(sent_at(&sent, "U2", "standup_prompt").is_empty());
}

#[tokio::test]
async fn preview_lists_next_prompts_in_platform_time_flagging_dst_holidays_and_out_of_office() {
    let mut t = bot(Platform::Discord, "2026-03-26T12:00:00Z", &[("101", profile("alice", None))]).await;
    t.command("101", "7", "tz Europe/Berlin").await;
    t.command("101", "7", "ooo 2026-03-31..2026-03-31").await;
    let mut daily = spec(&["101"], "Europe/Berlin", None);
    daily.skipped_dates = vec!["2026-04-01".parse().unwrap()];
    seed(&t, &daily).await;
    t.sent();
    t.command("101", "7", "standup preview daily 7").await;
    let sent = t.sent();
    let text = &sent[0].text;
    assert_eq!(sent[0].kind, "ephemeral");
    // Friday 09:30 CET and Monday 09:30 CEST: each in alice's wall time beside the reader's.
    insta::assert_snapshot!(text, @"- alice (Europe/Berlin): Fri 27 Mar 09:30 (<t:1774600200:f> for you), Mon 30 Mar 09:30 (<t:1774855800:f> for you, clocks change before this), Tue 31 Mar: out of office, Wed 01 Apr: holiday");
    assert!(!text.contains("<@101>"), "{text}");
}

#[tokio::test]
async fn a_prompt_due_during_downtime_goes_out_late_the_same_working_day() {
    let mut t = bot(Platform::Slack, "2026-03-29T12:00:00Z", &[("U1", profile("alice", Some("Europe/Berlin")))]).await;
    seed(&t, &spec(&["U1"], "Europe/Berlin", Some(Duration::hours(2)))).await;
    t.clock.set("2026-03-30T12:00:00Z".parse().unwrap());
    t.restart().await;
    t.run_until("2026-03-31T07:31:00Z").await;
    let sent = t.sent();
    assert_eq!(sent_at(&sent, "U1", "standup_prompt"), ["2026-03-30T12:00:00Z", "2026-03-31T07:30:00Z"]);
    assert_eq!(sent_at(&sent, "U1", "standup_reminder"), ["2026-03-30T14:00:00Z"]);
}

#[tokio::test]
async fn answers_from_someone_outside_the_standup_are_refused_kindly() {
    let members = [("U1", profile("alice", Some("Europe/Berlin"))), ("U2", profile("bob", Some("Europe/Berlin")))];
    let mut t = bot(Platform::Slack, "2026-03-30T08:00:00Z", &members).await;
    seed(&t, &spec(&["U1"], "Europe/Berlin", None)).await;
    submit(&t, "U2", &["a", "b", "c"]).await;
    t.command("U2", "C1", "standup answer daily").await;
    t.run_until("2026-03-30T16:00:00Z").await;
    let sent = t.sent();
    assert!(sent[0].kind == "dm" && sent[0].purpose == "standup_ack", "{:?}", sent[0]);
    assert!(sent[0].text.contains("don't take part in daily"), "{}", sent[0].text);
    assert!(sent[1].text.contains("don't take part in daily"), "{}", sent[1].text);
    assert!(sent.iter().filter(|m| m.purpose == "digest").all(|m| !m.text.contains("bob")));
}

#[tokio::test]
async fn a_member_on_the_default_zone_is_told_once_how_to_set_theirs() {
    // Discord reports no zone: the member starts on the workspace default (UTC).
    let mut t = bot(Platform::Discord, "2026-03-30T00:00:00Z", &[("42", profile("kim", None))]).await;
    seed(&t, &spec(&["42"], "UTC", None)).await;
    t.run_until("2026-03-31T10:00:00Z").await;
    let prompts: Vec<_> = t.sent().into_iter().filter(|m| m.purpose == "standup_prompt").collect();
    assert_eq!(prompts.len(), 2);
    assert!(prompts[0].text.contains("/async tz"), "{}", prompts[0].text);
    assert!(!prompts[1].text.contains("/async tz"), "told once: {}", prompts[1].text);
}

#[tokio::test]
async fn the_prompt_carries_answer_and_skip_buttons_and_answer_opens_a_form_of_the_questions() {
    use unhurried::domain::events::{FormRequest, MessageAction};

    let mut t = bot(Platform::Slack, "2026-03-30T00:00:00Z", &[("U1", profile("alice", Some("Europe/Berlin")))]).await;
    seed(&t, &spec(&["U1"], "Europe/Berlin", None)).await;
    t.run_until("2026-03-30T07:31:00Z").await;
    let prompt = t.sent().into_iter().find(|m| m.purpose == "standup_prompt").expect("prompted");
    assert_eq!(
        prompt.actions,
        vec![
            MessageAction::AnswerStandup { standup: "daily".into() },
            MessageAction::SkipStandup { standup: "daily".into() }
        ]
    );
    let request = FormRequest {
        workspace: WORKSPACE.into(),
        id: "click-1".into(),
        user: "U1".into(),
        standup: "daily".into(),
        trigger: "trigger-1".into(),
    };
    t.bot.handle(InboundEvent::FormRequest(request)).await.unwrap();
    let forms = t.chat.forms();
    assert_eq!(forms.len(), 1);
    assert_eq!(forms[0].0, "trigger-1");
    let labels: Vec<_> = forms[0].1.fields.iter().map(|f| (f.label.as_str(), f.optional)).collect();
    assert_eq!(
        labels,
        vec![("What did you do?", false), ("What will you do?", false), ("Anything blocking you?", true)]
    );
    submit(&t, "U1", &["shipped", "tests", ""]).await;
    t.run_until("2026-03-30T15:01:00Z").await;
    let digest = t.sent().into_iter().find(|m| m.purpose == "digest").expect("digest posted");
    assert!(digest.text.contains("shipped"), "{}", digest.text);
}

#[tokio::test]
async fn a_member_with_closed_dms_is_told_once_in_the_standup_channel_and_not_prompted_again() {
    use std::collections::HashMap;
    use std::sync::Arc;
    use unhurried::adapters::simulated::SimulatedPlatform;

    let mut t = bot(Platform::Discord, "2026-03-30T00:00:00Z", &[]).await;
    // The same bot, on a platform whose DMs to 42 fail with "cannot send messages to this user".
    let profiles = HashMap::from([("42".to_owned(), profile("kim", Some("UTC")))]);
    let chat = Arc::new(
        SimulatedPlatform::new(Platform::Discord, t.clock.clone(), profiles).with_unreachable(vec!["42".into()]),
    );
    t.chat = chat.clone();
    t.bot = unhurried::bot::Bot::new(t.store.clone(), t.clock.clone(), chat, t.settings.clone());
    let workspace_id = t.bot.workspace_id(WORKSPACE).await.unwrap();
    t.bot.member(workspace_id, WORKSPACE, "42").await.unwrap();
    seed(&t, &spec(&["42"], "UTC", None)).await;
    t.run_until("2026-04-01T12:00:00Z").await;
    let sent = t.sent();
    let notices: Vec<_> = sent
        .iter()
        .filter(|m| m.kind == "post" && m.channel.as_deref() == Some("C1") && m.purpose == "other")
        .collect();
    assert_eq!(notices.len(), 1, "{sent:#?}");
    assert!(notices[0].text.contains("<@42>") && notices[0].mentions == vec!["42".to_owned()]);
    assert!(
        sent.iter().all(|m| m.purpose != "standup_prompt"),
        "the failed DM is not in the transcript and none follows"
    );
}

#[tokio::test]
async fn a_command_that_arrives_while_a_large_fan_out_is_decided_is_answered_before_its_last_prompt() {
    let users: Vec<String> = (1..=80).map(|n| format!("U{n}")).collect();
    let profiles: Vec<(&str, Profile)> =
        users.iter().map(|u| (u.as_str(), profile(u, Some("Europe/Berlin")))).collect();
    // Monday 30 March 2026, 09:00 in Berlin; the prompts are due at 09:30.
    let t = bot(Platform::Slack, "2026-03-30T07:00:00Z", &profiles).await;
    seed(&t, &spec(&users.iter().map(String::as_str).collect::<Vec<_>>(), "Europe/Berlin", None)).await;
    t.clock.set("2026-03-30T07:30:00Z".parse().unwrap());
    // Recorded by the intake as the tick that decides 80 prompts begins.
    let help = unhurried::domain::events::CommandInvocation {
        workspace: WORKSPACE.into(),
        id: "cmd-during-fan-out".into(),
        channel: "C1".into(),
        user: "U1".into(),
        text: "help".into(),
        platform_admin: false,
        is_dm: false,
    };
    t.bot.accept(vec![InboundEvent::Command(help)]).await.unwrap();
    assert!(t.bot.decide_due_jobs().await.unwrap() >= 80);
    let queued: Vec<String> =
        sqlx::query_scalar("SELECT purpose FROM outbox ORDER BY id").fetch_all(t.store.pool()).await.unwrap();
    let reply = queued.iter().position(|p| p == "command_reply").expect("the command was decided during the tick");
    let last_prompt = queued.iter().rposition(|p| p == "standup_prompt").unwrap();
    assert!(reply < last_prompt, "the reply was queued between batches of prompts, not after them: {queued:?}");
}
