//! Workspace holidays through the whole bot: by command, per standup, and from an iCalendar feed
//! served on 127.0.0.1 (SPEC §2).
//!
//! The feed is a real one: `tests/data/uk_bank_holidays_england_and_wales.ics` is GOV.UK's
//! "Bank holidays in England and Wales" calendar (https://www.gov.uk/bank-holidays/england-and-wales.ics,
//! 2012–2019), as saved byte for byte (CRLF) in the ATFutures/calendar R package,
//! `inst/extdata/england-and-wales.ics` (commit ad566c4, August 2018).

use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use chrono::Duration;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use unhurried::config::Settings;
use unhurried::domain::platform::Platform;
use unhurried::features::holidays::fetch;

use crate::support::{TestBot, profile};

/// Friday 20 December 2019, 07:00 in London: the bank holidays of the feed are days away.
const BEFORE_CHRISTMAS: &str = "2019-12-20T07:00:00Z";

fn feed() -> Vec<u8> {
    std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/uk_bank_holidays_england_and_wales.ics")).unwrap()
}

/// What the local feed server answers: a status and a body, or silence (no answer at all).
#[derive(Clone)]
enum Answer {
    Status(u16, Vec<u8>),
    Silence,
}

/// An HTTP server on 127.0.0.1 whose answer the test changes between fetches.
struct FeedServer {
    url: String,
    answer: Arc<Mutex<Answer>>,
    hits: Arc<Mutex<usize>>,
}

impl FeedServer {
    async fn start(answer: Answer) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/bank-holidays.ics", listener.local_addr().unwrap());
        let answer = Arc::new(Mutex::new(answer));
        let hits = Arc::new(Mutex::new(0));
        let (shared, counted) = (answer.clone(), hits.clone());
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                *counted.lock().unwrap() += 1;
                let answer = shared.lock().unwrap().clone();
                tokio::spawn(async move {
                    let mut request = [0u8; 4096];
                    let _ = stream.read(&mut request).await;
                    let Answer::Status(status, body) = answer else {
                        // Hold the connection open without a word until the client gives up.
                        tokio::time::sleep(StdDuration::from_secs(30)).await;
                        return;
                    };
                    let head = format!(
                        "HTTP/1.1 {status} X\r\nContent-Type: text/calendar\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = stream.write_all(head.as_bytes()).await;
                    let _ = stream.write_all(&body).await;
                });
            }
        });
        FeedServer { url, answer, hits }
    }

    fn answer(&self, answer: Answer) {
        *self.answer.lock().unwrap() = answer;
    }

    fn hits(&self) -> usize {
        *self.hits.lock().unwrap()
    }
}

/// alice (admin) and bob in London, in a standup at 09:30 on weekdays with a 17:00 digest.
async fn london_team(platform: Platform) -> TestBot {
    let mut settings = Settings::defaults();
    let (alice, bob) = match platform {
        Platform::Slack => ("U1", "U2"),
        Platform::Discord => ("1", "2"),
    };
    settings.workspace.admins = vec![alice.into()];
    settings.workspace.timezone = "Europe/London".parse().unwrap();
    let members = [(alice, profile("alice", Some("Europe/London"))), (bob, profile("bob", Some("Europe/London")))];
    let mut t = TestBot::new(platform, BEFORE_CHRISTMAS, settings, &members).await;
    let create = format!(
        "standup create daily at=09:30 days=mon-fri questions=\"Done?|Next?\" digest=17:00 \
         digest_tz=Europe/London reminder=off members=<@{alice}>,<@{bob}>"
    );
    t.command(alice, "C1", &create).await;
    let created = t.sent();
    assert!(created[0].text.contains("daily"), "{created:?}");
    t
}

/// The local dates on which `purpose` went out.
fn dates_of(entries: &[unhurried::adapters::simulated::TranscriptEntry], purpose: &str) -> Vec<String> {
    let mut dates: Vec<String> =
        entries.iter().filter(|e| e.purpose == purpose).map(|e| e.at[..10].to_owned()).collect();
    dates.dedup();
    dates
}

fn reply(t: &TestBot) -> String {
    let sent = t.sent();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!((sent[0].kind, sent[0].purpose), ("ephemeral", "command_reply"));
    sent[0].text.clone()
}

#[tokio::test]
async fn a_holiday_by_command_skips_prompts_and_digests_and_shows_by_name_in_the_preview() {
    let mut t = london_team(Platform::Slack).await;
    t.command("U1", "C1", "holidays add 2019-12-24 Christmas Eve").await;
    insta::assert_snapshot!(reply(&t), @"Tue 24 Dec 2019: Christmas Eve is a holiday now: no prompts, reminders, digests or briefs that day.");
    t.command("U2", "C1", "standup preview daily 5").await;
    let preview = reply(&t);
    assert!(preview.contains("Tue 24 Dec: holiday: Christmas Eve"), "{preview}");
    assert!(preview.contains("Mon 23 Dec 09:30"), "{preview}");

    t.run_until("2019-12-25T00:00:00Z").await;
    let sent = t.sent();
    assert_eq!(dates_of(&sent, "standup_prompt"), ["2019-12-20", "2019-12-23"], "{sent:#?}");
    assert_eq!(dates_of(&sent, "digest"), ["2019-12-20", "2019-12-23"], "{sent:#?}");
}

#[tokio::test]
async fn anyone_lists_holidays_only_admins_change_them_and_removing_one_brings_the_prompt_back() {
    let mut t = london_team(Platform::Discord).await;
    t.command("2", "C1", "holidays add 2019-12-23").await;
    assert_eq!(reply(&t), "Only workspace admins can do that. Ask an admin, or try `/async help`.");
    t.command("1", "C1", "holidays add 2019-12-23 Büro zu @everyone").await;
    reply(&t);
    t.command("1", "C1", "holidays add 2019-12-01").await;
    assert_eq!(reply(&t), "Sun 01 Dec 2019 has already passed. Nothing changed.");
    t.command("2", "C1", "holidays list").await;
    let list = reply(&t);
    assert!(list.contains("Mon 23 Dec 2019: Büro zu"), "{list}");
    assert!(!list.contains("@everyone"), "a holiday's name is user text: {list}");
    t.command("2", "C1", "holidays remove 2019-12-23").await;
    assert_eq!(reply(&t), "Only workspace admins can do that. Ask an admin, or try `/async help`.");
    t.command("1", "C1", "holidays remove 2019-12-27").await;
    assert!(reply(&t).contains("is not a holiday"));
    t.run_until("2019-12-21T00:00:00Z").await;
    t.sent();
    t.command("1", "C1", "holidays remove 2019-12-23").await;
    assert_eq!(reply(&t), "Mon 23 Dec 2019 is a working day again.");
    t.run_until("2019-12-24T00:00:00Z").await;
    assert_eq!(dates_of(&t.sent(), "standup_prompt"), ["2019-12-23"]);
}

#[tokio::test]
async fn a_standup_keeps_its_own_days_off_beside_the_workspaces() {
    let mut t = london_team(Platform::Slack).await;
    t.command("U1", "C1", "standup edit daily holidays=2019-12-23").await;
    reply(&t);
    t.command("U1", "C1", "standup preview daily 4").await;
    let preview = reply(&t);
    assert!(preview.contains("Mon 23 Dec: holiday"), "{preview}");
    t.run_until("2019-12-24T00:00:00Z").await;
    assert_eq!(dates_of(&t.sent(), "standup_prompt"), ["2019-12-20"]);
    t.command("U1", "C1", "standup edit daily holidays=none").await;
    reply(&t);
    t.run_until("2019-12-25T00:00:00Z").await;
    assert_eq!(dates_of(&t.sent(), "standup_prompt"), ["2019-12-24"]);
}

#[tokio::test]
async fn a_calendar_feed_on_a_loopback_server_becomes_holidays_and_a_failed_refresh_keeps_them() {
    let server = FeedServer::start(Answer::Status(200, feed())).await;
    let mut t = london_team(Platform::Slack).await;
    t.command("U1", "C1", &format!("holidays calendar {}", server.url)).await;
    assert!(reply(&t).starts_with("Subscribed."));
    t.run_for(Duration::seconds(1)).await;
    let sent = t.sent();
    let told: Vec<&str> = sent.iter().filter(|e| e.purpose == "command_reply").map(|e| e.text.as_str()).collect();
    assert_eq!(told, ["The holiday calendar has 65 days; the next is Wed 25 Dec 2019: Christmas Day."], "{sent:#?}");
    t.command("U2", "C1", "standup preview daily 7").await;
    let preview = reply(&t);
    assert!(preview.contains("Wed 25 Dec: holiday: Christmas Day"), "{preview}");
    assert!(preview.contains("Thu 26 Dec: holiday: Boxing Day"), "{preview}");

    // The daily refresh finds the server broken in each way in turn; the days stay.
    for (answer, reason) in [
        (Answer::Status(500, b"oops".to_vec()), "the server answered HTTP 500"),
        (Answer::Status(200, b"<html>moved</html>".to_vec()), "the feed is malformed"),
        (Answer::Status(200, vec![b'x'; fetch::MAX_FEED_BYTES + 1]), "larger than 1024 KiB"),
    ] {
        server.answer(answer);
        t.run_for(Duration::hours(24)).await;
        t.sent();
        t.command("U1", "C1", "holidays list").await;
        let list = reply(&t);
        assert!(list.contains(reason), "{reason}: {list}");
        assert!(list.contains("Wed 25 Dec 2019: Christmas Day (calendar)"), "{list}");
    }
    assert_eq!(server.hits(), 4, "once when subscribed, then daily");

    // A restart fetches the feed at once, whatever time the daily refresh has.
    server.answer(Answer::Status(200, feed()));
    t.restart().await;
    t.run_for(Duration::seconds(1)).await;
    assert_eq!(server.hits(), 5);
    t.command("U1", "C1", "holidays list").await;
    let list = reply(&t);
    assert!(list.contains("Calendar: 127.0.0.1, fetched ") && !list.contains("failed"), "{list}");
    assert!(!list.contains("bank-holidays.ics"), "only the host: a private feed's path is its secret");

    t.command("U1", "C1", "holidays calendar off").await;
    assert!(reply(&t).contains("calendar is off"));
    t.command("U1", "C1", "holidays list").await;
    assert!(reply(&t).starts_with("No holidays ahead."));
}

#[tokio::test]
async fn christmas_from_the_feed_has_no_prompts_digests_or_reminders() {
    let server = FeedServer::start(Answer::Status(200, feed())).await;
    let mut t = london_team(Platform::Discord).await;
    t.command("1", "C1", &format!("holidays calendar {}", server.url)).await;
    t.run_until("2019-12-28T00:00:00Z").await;
    let sent = t.sent();
    assert_eq!(dates_of(&sent, "standup_prompt"), ["2019-12-20", "2019-12-23", "2019-12-24", "2019-12-27"]);
    assert_eq!(dates_of(&sent, "digest"), ["2019-12-20", "2019-12-23", "2019-12-24", "2019-12-27"]);
}

#[tokio::test]
async fn a_feed_that_does_not_answer_times_out_with_a_clear_reason() {
    let server = FeedServer::start(Answer::Silence).await;
    let error = fetch::fetch(&server.url, StdDuration::from_millis(300)).await.unwrap_err();
    assert_eq!(error, "no answer within 0.3 seconds");
    let refused = fetch::fetch("http://192.0.2.1/h.ics", StdDuration::from_millis(300)).await.unwrap_err();
    assert_eq!(refused, "only https URLs can be fetched", "never a request to a non-loopback http address");
}

#[tokio::test]
async fn no_brief_on_a_holiday_and_the_next_working_day_has_it() {
    let members = [("U1", profile("alice", Some("Europe/Berlin"))), ("U2", profile("bob", Some("Europe/Berlin")))];
    let mut settings = Settings::defaults();
    settings.workspace.admins = vec!["U1".into()];
    // Friday 27 March 2026, 13:00 in Berlin; Monday 30 March is declared a holiday.
    let mut t = TestBot::new(Platform::Slack, "2026-03-27T12:00:00Z", settings, &members).await;
    let workspace_id = t.bot.workspace_id(crate::support::WORKSPACE).await.unwrap();
    for user in ["U1", "U2"] {
        let member = t.bot.member(workspace_id, crate::support::WORKSPACE, user).await.unwrap();
        unhurried::features::brief::ensure_scheduled(&t.bot, workspace_id, member.id).await.unwrap();
    }
    t.message("U1", "C1", "<@U2> can you check the Q3 numbers in the budget doc?", None).await;
    t.command("U1", "C1", "holidays add 2026-03-30 Closing day").await;
    t.sent();
    t.run_until("2026-03-31T00:00:00Z").await;
    assert!(t.sent().iter().all(|m| m.purpose != "brief"), "no brief on the holiday");
    t.run_until("2026-03-31T09:00:00Z").await;
    let sent = t.sent();
    let briefs: Vec<_> = sent.iter().filter(|m| m.purpose == "brief").collect();
    assert_eq!(briefs.len(), 1, "{sent:#?}");
    assert_eq!((briefs[0].to.as_deref(), briefs[0].at.as_str()), (Some("U2"), "2026-03-31T07:00:00Z"));
}

/// A weekly summary due on a holiday posts nothing; the week after has its summary again.
async fn weekly_summary_on_a_holiday(platform: Platform) {
    let mut t = london_team(platform).await;
    let alice = if platform == Platform::Slack { "U1" } else { "1" };
    t.command(alice, "C1", "standup edit daily weekly_summary=tue 16:00").await;
    reply(&t);
    t.command(alice, "C1", "holidays add 2019-12-24 Christmas Eve").await;
    reply(&t);
    t.run_until("2019-12-25T00:00:00Z").await;
    let weekly = |sent: &[unhurried::adapters::simulated::TranscriptEntry]| {
        sent.iter().filter(|m| m.text.starts_with("Weekly summary")).map(|m| m.at.clone()).collect::<Vec<_>>()
    };
    assert_eq!(weekly(&t.sent()), Vec::<String>::new(), "no summary on Christmas Eve");
    t.run_until("2020-01-01T00:00:00Z").await;
    assert_eq!(weekly(&t.sent()), ["2019-12-31T16:00:00Z"], "the next Tuesday has its summary");
}

#[tokio::test]
async fn a_weekly_summary_due_on_a_holiday_is_skipped_on_slack() {
    weekly_summary_on_a_holiday(Platform::Slack).await;
}

#[tokio::test]
async fn a_weekly_summary_due_on_a_holiday_is_skipped_on_discord() {
    weekly_summary_on_a_holiday(Platform::Discord).await;
}

#[tokio::test]
async fn the_home_tab_and_me_show_the_holidays_ahead_by_name() {
    let mut t = london_team(Platform::Slack).await;
    t.command("U1", "C1", "holidays add 2019-12-24 Christmas Eve").await;
    reply(&t);
    t.command("U1", "C1", "standup edit daily holidays=2019-12-27").await;
    reply(&t);
    // Past holidays and those beyond the next 30 days are left out.
    t.command("U1", "C1", "holidays add 2020-03-02 Far away").await;
    reply(&t);
    let event = unhurried::domain::events::InboundEvent::HomeOpened {
        workspace: crate::support::WORKSPACE.into(),
        id: "home-1".into(),
        user: "U2".into(),
    };
    t.bot.handle(event).await.unwrap();
    let homes = t.chat.homes();
    let home = &homes.last().expect("a home view").1;
    assert!(
        home.contains(
            "Holidays ahead:\n• Tue 24 Dec 2019 — holiday: Christmas Eve\n• Fri 27 Dec 2019 — holiday (daily)"
        ),
        "{home}"
    );
    assert!(!home.contains("Far away"), "{home}");

    // `/async me` is the same overview, on Discord too.
    let mut t = london_team(Platform::Discord).await;
    t.command("1", "C1", "holidays add 2019-12-24 Christmas Eve").await;
    reply(&t);
    t.command("2", "C1", "me").await;
    let me = reply(&t);
    assert!(me.ends_with("Holidays ahead:\n• Tue 24 Dec 2019 — holiday: Christmas Eve"), "{me}");
}
