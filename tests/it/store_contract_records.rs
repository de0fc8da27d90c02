//! The store contract of what the store keeps about conversations, on both stores (`stores.rs`):
//! decisions and brief jobs (`DecisionStore`, `BriefStore`), nudges, off-hours notices and open
//! questions (`NudgeStore`, `QuestionStore`), holidays (`HolidayStore`) and retention
//! (`RetentionStore`) — each method's behaviour that a feature relies on.

use chrono::{DateTime, NaiveDate, Utc};
use unhurried::domain::platform::Platform;
use unhurried::jobs::{BriefJob, Job, NewJob};
use unhurried::ports::{Expired, HolidayRecord, HolidaySource, NewDecision, NewNudge, NewQuestion, NudgeState};

use crate::stores::TestStore;

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

/// A workspace (1), three members (1 `U1` "ann", 2 `U2` "bo", 3 `U3` "cy"), two channels (1 `C1`,
/// 2 `C2`) and a standup (1, reporting in `C1`), written as an operator or another version would.
async fn seed(t: &TestStore) {
    for sql in [
        "INSERT INTO workspaces (id, platform, platform_id, created_at) VALUES (1, 'slack', 'T1', 0)",
        "INSERT INTO members (id, workspace_id, platform_user_id, display_name, created_at)
         VALUES (1, 1, 'U1', 'ann', 0), (2, 1, 'U2', 'bo', 0), (3, 1, 'U3', 'cy', 0)",
        "INSERT INTO channels (id, workspace_id, platform_channel_id) VALUES (1, 1, 'C1'), (2, 1, 'C2')",
        "INSERT INTO standups (id, workspace_id, name, channel_id, questions, recurrence, digest_at, digest_tz, created_at)
         VALUES (1, 1, 'daily', 1, '[\"Done?\", \"Blocked?\"]', '09:30 mon-fri', '17:00', 'UTC', 0)",
    ] {
        t.execute(sql).await.unwrap();
    }
}

fn decision(author_id: i64, channel_id: i64, text: &str, created_at: &str) -> NewDecision {
    NewDecision {
        workspace_id: 1,
        author_id,
        channel_id,
        text: text.into(),
        permalink: Some(format!("https://x/{text}")),
        created_at: at(created_at),
    }
}

fn brief(member_id: i64, local_date: &str) -> NewJob {
    let job = BriefJob { member_id, workspace_id: 1, local_date: date(local_date) };
    let due = at(&format!("{local_date}T08:00:00Z"));
    NewJob { job: Job::Brief(job), key: format!("brief:{member_id}:{local_date}"), due_at: due, expires_at: None }
}

fn ping(sender_id: i64, channel_id: i64, message: &str, thread: Option<&str>, created_at: &str) -> NewNudge {
    NewNudge {
        workspace_id: 1,
        channel_id,
        sender_id,
        ping_message: message.into(),
        thread: thread.map(Into::into),
        kind: "greeting".into(),
        created_at: at(created_at),
    }
}

fn question(asker_id: i64, asked_id: i64, message: &str, asked_at: &str) -> NewQuestion {
    NewQuestion {
        workspace_id: 1,
        channel: "C1".into(),
        message: message.into(),
        asker_id,
        asked_id,
        text: format!("question {message}?"),
        asked_at: at(asked_at),
    }
}

/// (key, state) of every job, by key.
async fn jobs(t: &TestStore) -> Vec<(String, String)> {
    t.texts("SELECT key, state FROM jobs ORDER BY key")
        .await
        .into_iter()
        .map(|row| (row[0].clone().unwrap(), row[1].clone().unwrap()))
        .collect()
}

/// The ids left in `table`, in order.
async fn ids(t: &TestStore, table: &str) -> Vec<i64> {
    t.texts(&format!("SELECT CAST(id AS TEXT) FROM {table} ORDER BY id"))
        .await
        .into_iter()
        .map(|row| row[0].as_deref().unwrap().parse().unwrap())
        .collect()
}

crate::store_contract! {
    async fn decisions_are_read_back_through_their_channels_or_their_author_newest_first(t: TestStore) {
        seed(&t).await;
        let store = &t.store;
        assert!(store.watches_decisions(1).await.unwrap(), "channels log decisions unless turned off");
        t.execute("UPDATE channels SET watch_decisions = FALSE WHERE id = 2").await.unwrap();
        assert!(!store.watches_decisions(2).await.unwrap());
        assert!(!store.watches_decisions(99).await.unwrap(), "an unknown channel logs nothing");

        let first = store.record_decision(&decision(1, 1, "use postgres", "2026-03-02T10:00:00Z")).await.unwrap();
        let second = store.record_decision(&decision(2, 2, "ship friday", "2026-03-03T10:00:00Z")).await.unwrap();
        let third = store.record_decision(&decision(1, 2, "drop the cron", "2026-03-04T10:00:00Z")).await.unwrap();
        let same_time = store.record_decision(&decision(3, 1, "keep sqlite", "2026-03-04T10:00:00Z")).await.unwrap();
        assert!(first < second && second < third && third < same_time, "ids grow");

        let recent = store.recent_decisions_in(1, &["C1".to_owned()], None, 10).await.unwrap();
        let texts: Vec<&str> = recent.iter().map(|d| d.text.as_str()).collect();
        assert_eq!(texts, ["keep sqlite", "use postgres"], "only C1's, newest first");
        let record = &recent[1];
        assert_eq!(record.id, first);
        assert_eq!(
            (record.author_user.as_deref(), record.author_name.as_str(), record.channel.as_deref()),
            (Some("U1"), "ann", Some("C1"))
        );
        assert_eq!((record.permalink.as_deref(), record.created_at), (Some("https://x/use postgres"), at("2026-03-02T10:00:00Z")));

        let mine = store.recent_decisions_in(1, &["C1".to_owned()], Some(2), 10).await.unwrap();
        let texts: Vec<&str> = mine.iter().map(|d| d.text.as_str()).collect();
        assert_eq!(texts, ["keep sqlite", "ship friday", "use postgres"], "and the author's own, wherever");
        let limited = store.recent_decisions_in(1, &["C1".to_owned(), "C2".to_owned()], None, 2).await.unwrap();
        let texts: Vec<&str> = limited.iter().map(|d| d.text.as_str()).collect();
        assert_eq!(texts, ["keep sqlite", "drop the cron"], "the same instant: the later id first");
        assert!(store.recent_decisions_in(1, &[], None, 10).await.unwrap().is_empty());
        assert!(store.recent_decisions_in(2, &["C1".to_owned()], None, 10).await.unwrap().is_empty(), "another workspace");

        let since = store.decisions_in_since(1, &["C2".to_owned()], at("2026-03-03T10:00:00Z")).await.unwrap();
        let texts: Vec<&str> = since.iter().map(|d| d.text.as_str()).collect();
        assert_eq!(texts, ["ship friday", "drop the cron"], "at or after, oldest first");
    }

    async fn a_forgotten_author_of_a_decision_reads_as_nobody(t: TestStore) {
        seed(&t).await;
        t.store.record_decision(&decision(1, 1, "use postgres", "2026-03-02T10:00:00Z")).await.unwrap();
        t.execute("UPDATE members SET forgotten = TRUE WHERE id = 1").await.unwrap();
        let read = t.store.recent_decisions_in(1, &["C1".to_owned()], None, 10).await.unwrap();
        assert_eq!((read[0].author_user.as_deref(), read[0].author_name.as_str()), (None, ""));
        t.execute("UPDATE decisions SET author_id = NULL").await.unwrap();
        let read = t.store.decisions_in_since(1, &["C1".to_owned()], at("2026-03-01T00:00:00Z")).await.unwrap();
        assert_eq!((read[0].author_user.as_deref(), read[0].author_name.as_str()), (None, ""));
    }

    async fn a_members_brief_replaces_their_other_pending_brief_and_rearms_only_a_cancelled_one(t: TestStore) {
        seed(&t).await;
        let store = &t.store;
        let now = at("2026-03-01T12:00:00Z");
        store.replace_brief_job(1, &brief(1, "2026-03-02"), Platform::Slack, now).await.unwrap();
        store.replace_brief_job(2, &brief(2, "2026-03-02"), Platform::Slack, now).await.unwrap();
        store.replace_brief_job(1, &brief(1, "2026-03-03"), Platform::Slack, now).await.unwrap();
        assert_eq!(
            jobs(&t).await,
            [
                ("brief:1:2026-03-02".to_owned(), "cancelled".to_owned()),
                ("brief:1:2026-03-03".to_owned(), "pending".to_owned()),
                ("brief:2:2026-03-02".to_owned(), "pending".to_owned()),
            ],
            "one pending brief per member; another member's stays"
        );
        // Back to the first date: the cancelled brief is re-armed, with the new due time.
        let mut again = brief(1, "2026-03-02");
        again.due_at = at("2026-03-02T09:00:00Z");
        store.replace_brief_job(1, &again, Platform::Discord, now).await.unwrap();
        assert_eq!(
            t.texts("SELECT state, CAST(due_at AS TEXT), platform, CAST(finished_at AS TEXT) FROM jobs WHERE key = 'brief:1:2026-03-02'").await,
            [[Some("pending".to_owned()), Some(at("2026-03-02T09:00:00Z").timestamp().to_string()), Some("discord".to_owned()), None]]
        );
        assert_eq!(t.integer("SELECT COUNT(*) FROM jobs WHERE key = 'brief:1:2026-03-03' AND state = 'cancelled'").await, 1);

        // A brief that already ran is never re-armed (that day's brief would go twice).
        t.execute("UPDATE jobs SET state = 'done' WHERE key = 'brief:1:2026-03-02'").await.unwrap();
        store.replace_brief_job(1, &brief(1, "2026-03-02"), Platform::Slack, now).await.unwrap();
        assert_eq!(t.integer("SELECT COUNT(*) FROM jobs WHERE key = 'brief:1:2026-03-02' AND state = 'done'").await, 1);

        // Turning the brief off cancels the member's pending ones of that kind only.
        store.replace_brief_job(1, &brief(1, "2026-03-04"), Platform::Slack, now).await.unwrap();
        assert_eq!(store.cancel_member_jobs(Job::BRIEF, 1, now).await.unwrap(), 1);
        assert_eq!(store.cancel_member_jobs(Job::BRIEF, 1, now).await.unwrap(), 0, "nothing pending left");
        assert_eq!(store.cancel_member_jobs("digest", 2, now).await.unwrap(), 0, "another kind");
        assert_eq!(t.integer("SELECT COUNT(*) FROM jobs WHERE key = 'brief:2:2026-03-02' AND state = 'pending'").await, 1);
        assert_eq!(
            t.integer(&format!("SELECT COUNT(*) FROM jobs WHERE state = 'cancelled' AND finished_at = {}", now.timestamp())).await,
            2,
            "cancelled at now"
        );
    }

    async fn blockers_and_stats_count_what_happened_in_the_window(t: TestStore) {
        seed(&t).await;
        let store = &t.store;
        let (before, since) = (at("2026-03-01T00:00:00Z").timestamp(), at("2026-03-02T00:00:00Z"));
        let inside = at("2026-03-02T09:00:00Z").timestamp();
        let sql = format!(
            "INSERT INTO standup_runs (id, standup_id, member_id, local_date, tz, prompt_at, state, prompted_at, answered_at)
             VALUES (1, 1, 1, '2026-03-01', 'UTC', {before}, 'answered', {before}, {before}),
                    (2, 1, 1, '2026-03-02', 'UTC', {inside}, 'answered', {inside}, {inside}),
                    (3, 1, 2, '2026-03-02', 'UTC', {inside}, 'missed', {inside}, NULL),
                    (4, 1, 3, '2026-03-02', 'UTC', {inside}, 'scheduled', NULL, NULL)"
        );
        t.execute(&sql).await.unwrap();
        let sql = format!(
            "INSERT INTO answers (run_id, question_index, text, is_blocker, answered_at, updated_at)
             VALUES (1, 1, 'old blocker', TRUE, {before}, {before}),
                    (2, 0, 'did things', FALSE, {inside}, {inside}),
                    (2, 1, 'waiting on <@U2>', TRUE, {inside}, {inside})"
        );
        t.execute(&sql).await.unwrap();
        let blockers = store.blockers_since(1, since).await.unwrap();
        assert_eq!(blockers.len(), 1, "{blockers:?}");
        assert_eq!(
            (blockers[0].author_id, blockers[0].author_user.as_str(), blockers[0].author_name.as_str()),
            (1, "U1", "ann")
        );
        assert_eq!((blockers[0].text.as_str(), blockers[0].answered_at.timestamp()), ("waiting on <@U2>", inside));
        assert!(store.blockers_since(2, since).await.unwrap().is_empty(), "another workspace");

        // Pings: one nudged and converted, one nudged, one in dry-run, one old.
        let now = at("2026-03-02T10:00:00Z");
        for (message, created) in [("p1", "2026-03-02T09:00:00Z"), ("p2", "2026-03-02T09:01:00Z"), ("p3", "2026-03-02T09:02:00Z"), ("p0", "2026-03-01T09:00:00Z")] {
            let id = store.record_nudge(&ping(1, 1, message, None, created)).await.unwrap().unwrap();
            let (to, when) = match message {
                "p3" => (NudgeState::DryRun, now),
                "p0" => (NudgeState::Sent, at("2026-03-01T09:05:00Z")),
                _ => (NudgeState::Sent, now),
            };
            assert!(store.transition_nudge(id, NudgeState::Waiting, to, when).await.unwrap());
        }
        assert!(store.mark_converted(1, 1, "p1", now).await.unwrap());
        store.record_offhours_mention(1, 2, now).await.unwrap();
        store.record_offhours_mention(1, 2, at("2026-03-01T22:00:00Z")).await.unwrap();

        let stats = store.stats_since(1, since).await.unwrap();
        assert_eq!((stats.prompted_runs, stats.answered_runs), (2, 1), "runs prompted (or answered) in the window");
        assert_eq!((stats.pings_nudged, stats.pings_converted), (2, 1));
        assert_eq!(stats.offhours_mentions, 1);
        assert_eq!(store.stats_since(2, since).await.unwrap(), Default::default(), "another workspace counts nothing");
    }

    async fn a_ping_is_recorded_once_and_its_nudge_moves_only_from_the_state_expected(t: TestStore) {
        seed(&t).await;
        let store = &t.store;
        let first = ping(1, 1, "m1", Some("t0"), "2026-03-02T09:00:00Z");
        let id = store.record_nudge(&first).await.unwrap().expect("recorded");
        assert_eq!(store.record_nudge(&first).await.unwrap(), None, "the same message again is not a second nudge");
        let other = store.record_nudge(&ping(1, 1, "m2", None, "2026-03-02T09:01:00Z")).await.unwrap().unwrap();
        store.record_nudge(&ping(1, 2, "m3", None, "2026-03-02T09:01:00Z")).await.unwrap().unwrap();
        store.record_nudge(&ping(2, 1, "m4", None, "2026-03-02T09:01:00Z")).await.unwrap().unwrap();

        let read = store.nudge(id).await.unwrap().unwrap();
        assert_eq!(
            (read.workspace_id, read.channel_id, read.sender_id, read.ping_message.as_str(), read.thread.as_deref()),
            (1, 1, 1, "m1", Some("t0"))
        );
        assert_eq!((read.kind.as_str(), read.state), ("greeting", NudgeState::Waiting));
        assert_eq!(store.nudge(9999).await.unwrap(), None);
        let waiting: Vec<i64> = store.waiting_nudges(1, 1).await.unwrap().iter().map(|n| n.id).collect();
        assert_eq!(waiting, [id, other], "the sender's, in this channel, oldest first");

        assert_eq!(store.last_prompted_at(1, 1).await.unwrap(), None);
        let sent = at("2026-03-02T09:05:00Z");
        assert!(store.transition_nudge(id, NudgeState::Waiting, NudgeState::Sent, sent).await.unwrap());
        assert!(!store.transition_nudge(id, NudgeState::Waiting, NudgeState::Cancelled, sent).await.unwrap(), "no longer waiting");
        assert_eq!(store.nudge(id).await.unwrap().unwrap().state, NudgeState::Sent);
        assert_eq!(store.last_prompted_at(1, 1).await.unwrap(), Some(sent));
        let dry = at("2026-03-02T09:06:00Z");
        assert!(store.transition_nudge(other, NudgeState::Waiting, NudgeState::DryRun, dry).await.unwrap());
        assert_eq!(store.last_prompted_at(1, 1).await.unwrap(), Some(dry), "a dry run counts as a prompt");
        assert!(store.waiting_nudges(1, 1).await.unwrap().is_empty());
        assert_eq!(store.last_prompted_at(2, 1).await.unwrap(), None, "nobody was prompted in channel 2");
        let cancelled = store.waiting_nudges(2, 1).await.unwrap()[0].id;
        assert!(store.transition_nudge(cancelled, NudgeState::Waiting, NudgeState::Cancelled, dry).await.unwrap());
        assert_eq!(t.integer(&format!("SELECT COUNT(*) FROM nudges WHERE id = {cancelled} AND sent_at IS NULL")).await, 1);

        // A follow-up in the thread the prompt went to converts the ping, once.
        let now = at("2026-03-02T09:10:00Z");
        assert!(!store.mark_converted(1, 1, "elsewhere", now).await.unwrap());
        assert!(store.mark_converted(1, 1, "t0", now).await.unwrap(), "the thread the ping was written in");
        assert!(!store.mark_converted(1, 1, "m1", now).await.unwrap(), "converted once");
        assert!(!store.mark_converted(1, 1, "m2", now).await.unwrap(), "a dry run is not converted");
        let bos = store.waiting_nudges(1, 2).await.unwrap();
        assert_eq!(bos.iter().map(|n| n.ping_message.as_str()).collect::<Vec<_>>(), ["m4"], "another sender's");
        assert!(store.transition_nudge(bos[0].id, NudgeState::Waiting, NudgeState::Sent, now).await.unwrap());
        assert!(store.mark_converted(1, 2, "m4", now).await.unwrap(), "the ping that is the thread's parent");
        assert_eq!(t.integer(&format!("SELECT COUNT(*) FROM nudges WHERE converted_at = {}", now.timestamp())).await, 2);
    }

    async fn an_offhours_notice_is_claimed_once_per_sender_recipient_and_date(t: TestStore) {
        seed(&t).await;
        let store = &t.store;
        let now = at("2026-03-02T22:00:00Z");
        assert!(store.claim_offhours_notice(1, 2, "2026-03-02", now).await.unwrap());
        assert!(!store.claim_offhours_notice(1, 2, "2026-03-02", now).await.unwrap(), "once a day");
        assert!(store.claim_offhours_notice(1, 2, "2026-03-03", now).await.unwrap());
        assert!(store.claim_offhours_notice(1, 3, "2026-03-02", now).await.unwrap());
        assert!(store.claim_offhours_notice(2, 1, "2026-03-02", now).await.unwrap());
        // Inside a unit of work too: the failed claim leaves the unit's transaction usable.
        let unit = store.begin().await.unwrap();
        let view = unit.store();
        assert!(!view.claim_offhours_notice(1, 2, "2026-03-02", now).await.unwrap());
        view.record_offhours_mention(1, 2, now).await.unwrap();
        unit.commit().await.unwrap();
        assert_eq!(t.integer("SELECT COUNT(*) FROM offhours_notices").await, 4);
        assert_eq!(t.integer("SELECT COUNT(*) FROM offhours_mentions").await, 1);
    }

    async fn open_questions_are_kept_once_closed_in_their_thread_and_hide_a_forgotten_asker(t: TestStore) {
        seed(&t).await;
        let store = &t.store;
        assert!(store.record_question(&question(1, 2, "q1", "2026-03-02T09:00:00Z")).await.unwrap());
        assert!(!store.record_question(&question(1, 2, "q1", "2026-03-02T09:30:00Z")).await.unwrap(), "the same thread and member");
        assert!(store.record_question(&question(1, 3, "q1", "2026-03-02T09:00:00Z")).await.unwrap(), "another member was asked");
        assert!(store.record_question(&question(3, 2, "q0", "2026-03-02T08:00:00Z")).await.unwrap());
        assert!(store.record_question(&question(1, 2, "q2", "2026-03-02T10:00:00Z")).await.unwrap());

        let open = store.open_questions_for(2, None).await.unwrap();
        let threads: Vec<&str> = open.iter().map(|q| q.message.as_str()).collect();
        assert_eq!(threads, ["q0", "q1", "q2"], "oldest first");
        assert_eq!(
            (open[1].channel.as_str(), open[1].asker_user.as_str(), open[1].asker_name.as_str(), open[1].text.as_str()),
            ("C1", "U1", "ann", "question q1?")
        );
        assert_eq!(open[1].asked_at, at("2026-03-02T09:00:00Z"), "the first record stays");

        let now = at("2026-03-02T11:00:00Z");
        assert_eq!(store.answer_questions("C1", "q1", 2, now).await.unwrap(), 1);
        assert_eq!(store.answer_questions("C1", "q1", 2, now).await.unwrap(), 0, "already answered");
        assert_eq!(store.answer_questions("C2", "q2", 2, now).await.unwrap(), 0, "another channel");
        let threads: Vec<String> = store.open_questions_for(2, None).await.unwrap().into_iter().map(|q| q.message).collect();
        assert_eq!(threads, ["q0", "q2"]);
        assert_eq!(store.open_questions_for(3, None).await.unwrap().len(), 1, "the question to cy in q1 is still open");

        t.execute("UPDATE members SET forgotten = TRUE WHERE id = 3").await.unwrap();
        let threads: Vec<String> = store.open_questions_for(2, None).await.unwrap().into_iter().map(|q| q.message).collect();
        assert_eq!(threads, ["q2"], "a forgotten asker's question is not repeated");
    }

    async fn admin_holidays_are_renamed_by_a_second_add_and_removed_apart_from_the_feeds(t: TestStore) {
        seed(&t).await;
        let store = &t.store;
        store.add_holiday(1, date("2026-12-25"), "Christmas").await.unwrap();
        store.add_holiday(1, date("2026-12-25"), "Xmas").await.unwrap();
        store.add_holiday(1, date("2026-01-01"), "").await.unwrap();
        store
            .replace_calendar_holidays(1, &[(date("2026-12-25"), "Christmas Day".into()), (date("2026-12-26"), "Boxing Day".into())])
            .await
            .unwrap();
        let all = store.holidays(1, date("2026-06-01")).await.unwrap();
        let command = |d: &str, n: &str| HolidayRecord { date: date(d), name: n.into(), source: HolidaySource::Command };
        let calendar = |d: &str, n: &str| HolidayRecord { date: date(d), name: n.into(), source: HolidaySource::Calendar };
        assert_eq!(
            all,
            [command("2026-12-25", "Xmas"), calendar("2026-12-25", "Christmas Day"), calendar("2026-12-26", "Boxing Day")],
            "from the date on, by date, an admin's first"
        );
        assert_eq!(store.holidays(1, date("2026-01-01")).await.unwrap()[0], command("2026-01-01", ""));

        assert!(store.remove_holiday(1, date("2026-12-25")).await.unwrap());
        assert!(!store.remove_holiday(1, date("2026-12-25")).await.unwrap(), "gone");
        assert!(!store.remove_holiday(1, date("2026-12-26")).await.unwrap(), "a feed's date is not the admin's to remove");
        // A refresh replaces the feed's dates (a date twice in a feed is kept once).
        store
            .replace_calendar_holidays(1, &[(date("2026-12-31"), "NYE".into()), (date("2026-12-31"), "again".into())])
            .await
            .unwrap();
        assert_eq!(store.holidays(1, date("2026-06-01")).await.unwrap(), [calendar("2026-12-31", "NYE")]);
    }

    async fn a_holiday_feed_is_subscribed_records_its_fetches_and_takes_its_dates_when_ended(t: TestStore) {
        seed(&t).await;
        t.execute("INSERT INTO workspaces (id, platform, platform_id, created_at) VALUES (2, 'discord', 'G2', 0)").await.unwrap();
        let store = &t.store;
        assert_eq!(store.calendar(1).await.unwrap(), None);
        assert!(store.calendars().await.unwrap().is_empty());
        store.set_calendar(2, Some("https://b/feed.ics")).await.unwrap();
        store.set_calendar(1, Some("https://a/feed.ics")).await.unwrap();
        let fetched = at("2026-03-02T04:00:00Z");
        store.record_calendar_fetch(1, fetched, None).await.unwrap();
        let feed = store.calendar(1).await.unwrap().unwrap();
        assert_eq!((feed.workspace_id, feed.platform, feed.url.as_str()), (1, Platform::Slack, "https://a/feed.ics"));
        assert_eq!((feed.fetched_at, feed.last_error), (Some(fetched), None));

        store.record_calendar_fetch(1, at("2026-03-03T04:00:00Z"), Some("HTTP 404")).await.unwrap();
        let feed = store.calendar(1).await.unwrap().unwrap();
        assert_eq!((feed.fetched_at, feed.last_error.as_deref()), (Some(fetched), Some("HTTP 404")), "the last success stays");
        let all = store.calendars().await.unwrap();
        assert_eq!(all.iter().map(|c| (c.workspace_id, c.platform)).collect::<Vec<_>>(), [(1, Platform::Slack), (2, Platform::Discord)]);

        // Another URL starts afresh.
        store.set_calendar(1, Some("https://a/other.ics")).await.unwrap();
        let feed = store.calendar(1).await.unwrap().unwrap();
        assert_eq!((feed.url.as_str(), feed.fetched_at, feed.last_error), ("https://a/other.ics", None, None));

        // Ending the subscription drops the dates it brought, not the admin's.
        store.replace_calendar_holidays(1, &[(date("2026-12-25"), "Christmas Day".into())]).await.unwrap();
        store.add_holiday(1, date("2026-12-24"), "Eve").await.unwrap();
        store.set_calendar(1, None).await.unwrap();
        assert_eq!(store.calendar(1).await.unwrap(), None);
        let left: Vec<HolidaySource> = store.holidays(1, date("2026-01-01")).await.unwrap().into_iter().map(|h| h.source).collect();
        assert_eq!(left, [HolidaySource::Command]);
        assert_eq!(store.calendars().await.unwrap().len(), 1);
    }

    async fn retention_deletes_delivered_messages_handled_deliveries_and_finished_jobs_but_nothing_still_needed(t: TestStore) {
        seed(&t).await;
        let store = &t.store;
        let cutoff = at("2026-03-01T00:00:00Z");
        let (old, new) = (at("2026-02-01T00:00:00Z").timestamp(), at("2026-03-05T00:00:00Z").timestamp());
        let sql = format!(
            "INSERT INTO outbox (id, workspace_id, purpose, message, state, not_before, created_at, sent_at, failed_at, maybe_sent, lane)
             VALUES (1, 1, 'digest', '{{}}', 'sent',    {old}, {old}, {old}, NULL,  FALSE, 'c'),
                    (2, 1, 'nudge',  '{{}}', 'failed',  {old}, {old}, NULL,  {old}, FALSE, 'c'),
                    (3, 1, 'nudge',  '{{}}', 'sent',    {new}, {new}, {new}, NULL,  FALSE, 'c'),
                    (4, 1, 'prompt', '{{}}', 'pending', {old}, {old}, NULL,  NULL,  FALSE, 'd'),
                    (5, 1, 'prompt', '{{}}', 'sent',    {old}, {old}, {old}, NULL,  TRUE,  'd'),
                    (6, 1, 'digest', '{{}}', 'sent',    {old}, {old}, {old}, NULL,  FALSE, 'c'),
                    (7, 1, 'digest', '{{}}', 'sending', {old}, {old}, NULL,  NULL,  FALSE, 'c'),
                    (8, 1, 'digest', '{{}}', 'sent',    {old}, {old}, NULL,  NULL,  FALSE, 'c')"
        );
        t.execute(&sql).await.unwrap();
        t.execute(&format!("INSERT INTO digests (standup_id, local_date, posted_at, messages) VALUES (1, '2026-03-04', {new}, '[6, 7]')")).await.unwrap();
        let outbox = Expired::Outbox { before: cutoff, keep_digests_since: at("2026-03-02T00:00:00Z") };
        assert_eq!(store.delete_expired(outbox, 500).await.unwrap(), 3);
        assert_eq!(ids(&t, "outbox").await, [3, 4, 5, 6, 7], "recent, pending, maybe sent, a recent digest's chunk, sending");
        let older = Expired::Outbox { before: cutoff, keep_digests_since: at("2026-03-06T00:00:00Z") };
        assert_eq!(store.delete_expired(older, 500).await.unwrap(), 1, "the digest's chunks go once it is older");
        assert_eq!(ids(&t, "outbox").await, [3, 4, 5, 7]);

        // Deliveries: inbox rows and the first schema's keys fill one batch, in that order.
        let sql = format!(
            "INSERT INTO inbox (id, platform, workspace, delivery_id, event, state, not_before, received_at)
             VALUES (1, 'slack', 'T1', 'a', '{{}}', 'handled', {old}, {old}),
                    (2, 'slack', 'T1', 'b', '{{}}', 'failed',  {old}, {old}),
                    (3, 'slack', 'T1', 'c', '{{}}', 'pending', {old}, {old}),
                    (4, 'slack', 'T1', 'd', '{{}}', 'handled', {new}, {new})"
        );
        t.execute(&sql).await.unwrap();
        let sql = format!(
            "INSERT INTO inbound_deliveries (platform, delivery_id, received_at)
             VALUES ('slack', 'x', {old}), ('slack', 'y', {old}), ('discord', 'x', {new})"
        );
        t.execute(&sql).await.unwrap();
        assert_eq!(store.delete_expired(Expired::Deliveries(cutoff), 3).await.unwrap(), 3, "the limit holds for both tables");
        assert_eq!(ids(&t, "inbox").await, [3, 4]);
        assert_eq!(t.integer("SELECT COUNT(*) FROM inbound_deliveries").await, 2);
        assert_eq!(store.delete_expired(Expired::Deliveries(cutoff), 3).await.unwrap(), 1, "fewer than the limit: none left");
        assert_eq!(t.texts("SELECT platform FROM inbound_deliveries").await, [[Some("discord".to_owned())]]);

        let sql = format!(
            "INSERT INTO jobs (id, kind, key, due_at, payload, state, created_at, finished_at)
             VALUES (1, 'digest', 'j1', {old}, '{{}}', 'done', {old}, {old}),
                    (2, 'digest', 'j2', {old}, '{{}}', 'missed', {old}, NULL),
                    (3, 'digest', 'j3', {old}, '{{}}', 'pending', {old}, NULL),
                    (4, 'digest', 'j4', {old}, '{{}}', 'claimed', {old}, NULL),
                    (5, 'digest', 'j5', {old}, '{{}}', 'cancelled', {old}, {new}),
                    (6, 'digest', 'j6', {old}, '{{}}', 'failed', {old}, {old})"
        );
        t.execute(&sql).await.unwrap();
        assert_eq!(store.delete_expired(Expired::Jobs(cutoff), 500).await.unwrap(), 3);
        assert_eq!(ids(&t, "jobs").await, [3, 4, 5], "pending, claimed, finished after the cutoff");
    }

    async fn retention_deletes_old_pings_questions_offhours_records_runs_digests_and_decisions_but_nothing_still_needed(t: TestStore) {
        seed(&t).await;
        let store = &t.store;
        let cutoff = at("2026-03-01T00:00:00Z");
        let (old, new) = (at("2026-02-01T00:00:00Z").timestamp(), at("2026-03-05T00:00:00Z").timestamp());
        let sql = format!(
            "INSERT INTO nudges (id, workspace_id, channel_id, sender_id, ping_message, kind, state, created_at)
             VALUES (1, 1, 1, 1, 'a', 'greeting', 'sent', {old}), (2, 1, 1, 1, 'b', 'greeting', 'waiting', {old}),
                    (3, 1, 1, 1, 'c', 'greeting', 'cancelled', {new})"
        );
        t.execute(&sql).await.unwrap();
        let sql = format!(
            "INSERT INTO open_questions (id, workspace_id, channel, message, asker_id, asked_id, text, asked_at, answered_at)
             VALUES (1, 1, 'C1', 'a', 1, 2, 'q', {old}, {old}), (2, 1, 'C1', 'b', 1, 2, 'q', {old}, NULL),
                    (3, 1, 'C1', 'c', 1, 2, 'q', {old}, {new})"
        );
        t.execute(&sql).await.unwrap();
        assert_eq!(store.delete_expired(Expired::Nudges(cutoff), 500).await.unwrap(), 2);
        assert_eq!((ids(&t, "nudges").await, ids(&t, "open_questions").await), (vec![2, 3], vec![2, 3]));

        let sql = format!("INSERT INTO offhours_mentions (id, workspace_id, recipient_id, at) VALUES (1, 1, 2, {old}), (2, 1, 2, {new})");
        t.execute(&sql).await.unwrap();
        let sql = format!(
            "INSERT INTO offhours_notices (sender_id, recipient_id, local_date, sent_at)
             VALUES (1, 2, '2026-02-01', {old}), (1, 3, '2026-02-01', {old}), (1, 2, '2026-03-05', {new})"
        );
        t.execute(&sql).await.unwrap();
        assert_eq!(store.delete_expired(Expired::Offhours(cutoff), 2).await.unwrap(), 2, "a mention, then a notice");
        assert_eq!(store.delete_expired(Expired::Offhours(cutoff), 2).await.unwrap(), 1);
        assert_eq!(ids(&t, "offhours_mentions").await, [2]);
        assert_eq!(t.texts("SELECT local_date FROM offhours_notices").await, [[Some("2026-03-05".to_owned())]]);

        // Runs: an old answered one goes with its answers; an old open one stays while it is its
        // member's latest; a digest whose answers are gone goes unless it is the standup's latest.
        let sql = format!(
            "INSERT INTO standup_runs (id, standup_id, member_id, local_date, tz, prompt_at, state, prompted_at, answered_at)
             VALUES (1, 1, 1, '2026-01-30', 'UTC', {old}, 'answered', {old}, {old}),
                    (2, 1, 2, '2026-01-30', 'UTC', {old}, 'prompted', {old}, NULL),
                    (3, 1, 3, '2026-01-30', 'UTC', {old}, 'prompted', {old}, NULL),
                    (4, 1, 3, '2026-01-31', 'UTC', {old}, 'missed', {old}, NULL),
                    (5, 1, 1, '2026-03-05', 'UTC', {new}, 'answered', {new}, {new})"
        );
        t.execute(&sql).await.unwrap();
        let sql = format!(
            "INSERT INTO digests (id, standup_id, local_date, posted_at) VALUES (1, 1, '2026-01-29', {old}), (2, 1, '2026-01-30', {old}), (3, 1, '2026-01-31', {})",
            old + 86_400
        );
        t.execute(&sql).await.unwrap();
        let sql = format!(
            "INSERT INTO answers (run_id, question_index, text, answered_at, updated_at, digest_id)
             VALUES (1, 0, 'old', {old}, {old}, 2), (5, 0, 'new', {new}, {new}, NULL)"
        );
        t.execute(&sql).await.unwrap();
        assert_eq!(store.delete_expired(Expired::Answers(cutoff), 500).await.unwrap(), 5, "runs 1, 3 and 4, then digests 1 and 2");
        assert_eq!(ids(&t, "standup_runs").await, [2, 5]);
        assert_eq!(t.texts("SELECT text FROM answers").await, [[Some("new".to_owned())]]);
        assert_eq!(ids(&t, "digests").await, [3], "the standup's latest digest stays");
        assert_eq!(store.delete_expired(Expired::Answers(cutoff), 500).await.unwrap(), 0);

        store.record_decision(&decision(1, 1, "old", "2026-02-01T00:00:00Z")).await.unwrap();
        store.record_decision(&decision(1, 1, "new", "2026-03-05T00:00:00Z")).await.unwrap();
        assert_eq!(store.delete_expired(Expired::Decisions(cutoff), 500).await.unwrap(), 1);
        assert_eq!(t.texts("SELECT text FROM decisions").await, [[Some("new".to_owned())]]);
    }

    async fn a_retention_batch_runs_in_its_own_transaction_before_its_unit_of_work_writes(t: TestStore) {
        seed(&t).await;
        let old = at("2026-02-01T00:00:00Z").timestamp();
        t.execute(&format!("INSERT INTO decisions (workspace_id, text, created_at) VALUES (1, 'a', {old}), (1, 'b', {old})")).await.unwrap();
        let cutoff = Expired::Decisions(at("2026-03-01T00:00:00Z"));
        let unit = t.store.begin().await.unwrap();
        let view = unit.store();
        assert_eq!(view.delete_expired(cutoff, 1).await.unwrap(), 1, "before the unit's first write");
        view.add_holiday(1, date("2026-12-25"), "").await.unwrap();
        assert!(view.delete_expired(cutoff, 1).await.is_err(), "after it, refused");
        unit.rollback().await.unwrap();
        assert_eq!(t.integer("SELECT COUNT(*) FROM decisions").await, 1, "the batch was committed on its own");
        assert_eq!(t.integer("SELECT COUNT(*) FROM holidays").await, 0, "the unit's write was rolled back");
    }
}
