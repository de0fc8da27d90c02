//! The store contract of the directory, standups, runs, answers, digests, answer history and
//! participation, on both stores (`stores.rs`): what the features rely on, method by method —
//! created once, found in any case, listed in byte order, exactly-once runs and digests, and a
//! unit of work that stays usable after a write the store refused.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc, Weekday};
use unhurried::domain::command::{DigestWhenEmpty, WeeklyAt};
use unhurried::domain::events::{Destination, OutgoingMessage, Purpose};
use unhurried::domain::platform::Platform;
use unhurried::jobs::{DigestJob, Job, NewJob};
use unhurried::ports::standups::StandupFootprint;
use unhurried::ports::{HistoryQuery, MemberChanges, NewDigest, RunKey, RunState, SharedStore, StandupRecord};

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn dm(user: &str, purpose: Purpose, text: &str) -> OutgoingMessage {
    OutgoingMessage::new(Destination::Dm { user: user.into() }, purpose, text)
}

/// A workspace with members U1, U2, U3 (named alice, bob and — unnamed — U3) and channel C1.
struct World {
    workspace: i64,
    members: [i64; 3],
    channel: i64,
}

async fn world(store: &SharedStore) -> World {
    let now = at("2026-03-01T00:00:00Z");
    let workspace = store.ensure_workspace(Platform::Slack, "T1", now).await.unwrap();
    let mut members = [0; 3];
    for (n, (user, name)) in [("U1", "alice"), ("U2", "bob"), ("U3", "")].into_iter().enumerate() {
        let (member, _) = store.ensure_member(workspace, user, now).await.unwrap();
        if !name.is_empty() {
            let changes = MemberChanges { name: Some(name.into()), ..MemberChanges::default() };
            store.update_member(member.id, &changes).await.unwrap();
        }
        members[n] = member.id;
    }
    let channel = store.ensure_channel(workspace, "C1").await.unwrap().id;
    World { workspace, members, channel }
}

fn standup(world: &World, name: &str, members: &[i64]) -> StandupRecord {
    StandupRecord {
        id: 0,
        workspace_id: world.workspace,
        name: name.into(),
        channel: "C1".into(),
        questions: vec!["Yesterday?".into(), "Today?".into(), "Blockers?".into()],
        blocker_question: Some(3),
        recurrence: "09:30 mon-fri".into(),
        digest_at: NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
        digest_tz: "Europe/Berlin".into(),
        reminder: Some(Duration::minutes(90)),
        skipped_dates: vec![date("2026-04-03")],
        paused: false,
        digest_when_empty: DigestWhenEmpty::Post,
        created_at: at("2026-03-01T08:00:00Z"),
        members: members.to_vec(),
    }
}

async fn create(store: &SharedStore, world: &World, name: &str, members: &[i64]) -> i64 {
    store.create_standup(&standup(world, name, members), world.channel).await.unwrap().expect("a free name")
}

fn key(standup_id: i64, member_id: i64, day: &str) -> RunKey {
    RunKey { standup_id, member_id, local_date: date(day) }
}

/// Prompts the run of `day` at 08:30 UTC and answers its three questions at 09:00 + `late`
/// minutes, the last one a blocker if `blocked`; returns the run id.
async fn answered_run(store: &SharedStore, world: &World, run: &RunKey, blocked: bool, late: i64) -> i64 {
    let day = run.local_date;
    let prompted = at(&format!("{day}T08:30:00Z"));
    let prompt = dm("U1", Purpose::StandupPrompt, "Time for daily");
    assert!(store.prompt_run(run, "UTC", world.workspace, &prompt, prompted).await.unwrap());
    let id = store.run(run).await.unwrap().unwrap().id;
    let answered = at(&format!("{day}T09:00:00Z")) + Duration::minutes(late);
    store.save_answer(id, 0, "shipped", false, false, answered).await.unwrap();
    store.save_answer(id, 1, "reviewing", false, false, answered).await.unwrap();
    let blocker = if blocked { "waiting for keys" } else { "none" };
    store.save_answer(id, 2, blocker, blocked, true, answered).await.unwrap();
    id
}

fn job(key: &str, due: &str) -> NewJob {
    let digest = DigestJob { standup_id: 1, date: date("2026-03-30") };
    NewJob { job: Job::Digest(digest), key: key.into(), due_at: at(due), expires_at: None }
}

crate::store_contract! {
    async fn a_workspace_member_and_channel_are_created_on_first_sight_and_found_after(t: TestStore) {
        let store = &t.store;
        let now = at("2026-03-01T00:00:00Z");
        let workspace = store.ensure_workspace(Platform::Slack, "T1", now).await.unwrap();
        assert_eq!(store.ensure_workspace(Platform::Slack, "T1", now).await.unwrap(), workspace);
        let other = store.ensure_workspace(Platform::Discord, "T1", now).await.unwrap();
        assert_ne!(other, workspace, "the same id on another platform is another workspace");

        let (member, created) = store.ensure_member(workspace, "U1", now).await.unwrap();
        assert!(created);
        assert_eq!((member.workspace_id, member.user.as_str(), member.name.as_str()), (workspace, "U1", ""));
        assert_eq!((member.tz.as_deref(), member.tz_source.as_str(), member.days), (None, "default", None));
        assert!(member.brief_on && !member.nudge_opt_out && !member.is_admin && !member.tz_notice_sent);
        assert_eq!(member.profile_read_at, None, "never read");
        let (again, created) = store.ensure_member(workspace, "U1", now).await.unwrap();
        assert!(!created, "known already");
        assert_eq!(again, member);
        assert_eq!(store.find_member(workspace, "U1").await.unwrap(), Some(member.clone()));
        assert_eq!(store.find_member(other, "U1").await.unwrap(), None, "members belong to one workspace");
        assert_eq!(store.member(member.id).await.unwrap(), member);

        let channel = store.ensure_channel(workspace, "C1").await.unwrap();
        assert_eq!((channel.channel.as_str(), channel.name.as_str(), channel.nudge_mode.as_str()), ("C1", "", "on"));
        assert_eq!(store.ensure_channel(workspace, "C1").await.unwrap(), channel);
        store.set_channel(channel.id, Some("general"), None).await.unwrap();
        store.set_channel(channel.id, None, Some("dry-run")).await.unwrap();
        let changed = store.channel(channel.id).await.unwrap();
        assert_eq!((changed.name.as_str(), changed.nudge_mode.as_str()), ("general", "dry-run"));
    }

    async fn a_member_s_changes_touch_only_the_fields_given(t: TestStore) {
        let store = &t.store;
        let world = world(store).await;
        let id = world.members[0];
        let since = at("2026-03-02T10:00:00Z");
        let changes = MemberChanges {
            tz: Some(("Europe/Berlin".into(), "command".into())),
            hours: Some("09:00-17:00".into()),
            days: Some(0b0011111),
            brief_on: Some(false),
            is_admin: Some(true),
            tz_notice_sent: Some(true),
            nudge_opt_out: Some(true),
            unreachable_since: Some(Some(since)),
            profile_read_at: Some(since),
            ..MemberChanges::default()
        };
        store.update_member(id, &changes).await.unwrap();
        store.update_member(id, &MemberChanges { hours: Some("10:00-18:00".into()), ..MemberChanges::default() }).await.unwrap();
        let member = store.member(id).await.unwrap();
        assert_eq!((member.tz.as_deref(), member.tz_source.as_str()), (Some("Europe/Berlin"), "command"));
        assert_eq!((member.hours.as_deref(), member.days, member.name.as_str()), (Some("10:00-18:00"), Some(0b0011111), "alice"));
        assert!(!member.brief_on && member.is_admin && member.tz_notice_sent && member.nudge_opt_out);
        assert_eq!((member.unreachable_since, member.profile_read_at), (Some(since), Some(since)));
        let reachable = MemberChanges { unreachable_since: Some(None), brief_on: Some(true), ..MemberChanges::default() };
        store.update_member(id, &reachable).await.unwrap();
        let member = store.member(id).await.unwrap();
        assert_eq!((member.unreachable_since, member.brief_on, member.is_admin), (None, true, true));
        assert_eq!(member.profile_read_at, Some(since), "kept when not given");

        store.set_out_of_office(id, &[(date("2026-04-10"), date("2026-04-12")), (date("2026-04-01"), date("2026-04-03"))]).await.unwrap();
        assert_eq!(
            store.member(id).await.unwrap().out_of_office,
            vec![(date("2026-04-01"), date("2026-04-03")), (date("2026-04-10"), date("2026-04-12"))],
            "by first day"
        );
        store.set_out_of_office(id, &[(date("2026-05-01"), date("2026-05-01"))]).await.unwrap();
        assert_eq!(store.member(id).await.unwrap().out_of_office, vec![(date("2026-05-01"), date("2026-05-01"))], "replaced");
    }

    async fn members_are_listed_in_byte_order_and_forgotten_ones_are_not_found(t: TestStore) {
        let store = &t.store;
        let now = at("2026-03-01T00:00:00Z");
        let workspace = store.ensure_workspace(Platform::Slack, "T1", now).await.unwrap();
        for user in ["b", "a", "B", "U_2", "U1"] {
            store.ensure_member(workspace, user, now).await.unwrap();
        }
        let users = |members: Vec<unhurried::ports::MemberRecord>| members.into_iter().map(|m| m.user).collect::<Vec<_>>();
        assert_eq!(users(store.members(workspace).await.unwrap()), ["B", "U1", "U_2", "a", "b"]);
        let gone = store.find_member(workspace, "a").await.unwrap().unwrap().id;
        t.execute(&format!("UPDATE members SET forgotten = TRUE WHERE id = {gone}")).await.unwrap();
        assert_eq!(users(store.members(workspace).await.unwrap()), ["B", "U1", "U_2", "b"]);
        assert_eq!(store.find_member(workspace, "a").await.unwrap(), None);
        assert_eq!(store.member(gone).await.unwrap().user, "a", "still there by id, as a former member");
    }

    async fn a_forget_request_and_the_dm_channel_are_remembered(t: TestStore) {
        let store = &t.store;
        let world = world(store).await;
        let id = world.members[1];
        assert_eq!(store.request_forget(id, at("2026-03-05T10:00:00Z")).await.unwrap(), None, "first request");
        assert_eq!(store.request_forget(id, at("2026-03-06T10:00:00Z")).await.unwrap(), Some(at("2026-03-05T10:00:00Z")));
        assert_eq!(store.request_forget(id + 1000, at("2026-03-06T10:00:00Z")).await.unwrap(), None, "nobody");

        assert_eq!(store.dm_channel(id).await.unwrap(), None);
        store.record_dm_channel(id, "D1").await.unwrap();
        store.record_dm_channel(id, "D1").await.unwrap();
        assert_eq!(store.dm_channel(id).await.unwrap().as_deref(), Some("D1"));
        store.record_dm_channel(id, "D2").await.unwrap();
        assert_eq!(store.dm_channel(id).await.unwrap().as_deref(), Some("D2"));
    }

    async fn a_standup_keeps_every_field_and_its_name_in_any_case(t: TestStore) {
        let store = &t.store;
        let world = world(store).await;
        let [u1, u2, u3] = world.members;
        let id = create(store, &world, "daily", &[u3, u1]).await;
        let stored = store.standup(id).await.unwrap().unwrap();
        let mut expected = standup(&world, "daily", &[u1, u3]);
        expected.id = id;
        assert_eq!(stored, expected, "members by id");
        assert_eq!(store.create_standup(&standup(&world, "daily", &[]), world.channel).await.unwrap(), None, "taken");
        assert_eq!(store.create_standup(&standup(&world, "DAILY", &[]), world.channel).await.unwrap(), None, "taken in any case");
        assert_eq!(store.standup_named(world.workspace, "Daily").await.unwrap().map(|s| s.id), Some(id));
        assert_eq!(store.standup_named(world.workspace, "weekly").await.unwrap(), None);

        let mut edited = stored.clone();
        edited.name = "Daily sync".into();
        edited.questions = vec!["Today?".into()];
        edited.blocker_question = None;
        edited.reminder = None;
        edited.skipped_dates = vec![];
        edited.paused = true;
        edited.digest_when_empty = DigestWhenEmpty::Skip;
        edited.digest_at = NaiveTime::from_hms_opt(9, 5, 0).unwrap();
        edited.members = vec![u2];
        store.save_standup(&edited, world.channel).await.unwrap();
        assert_eq!(store.standup(id).await.unwrap().unwrap(), edited);
        let mut missing = edited.clone();
        missing.id += 1000;
        assert!(store.save_standup(&missing, world.channel).await.is_err(), "saving a standup that is not there");

        assert!(store.set_standup_member(id, u1, true).await.unwrap());
        assert!(!store.set_standup_member(id, u1, true).await.unwrap(), "in already");
        assert!(store.set_standup_member(id, u2, false).await.unwrap());
        assert!(!store.set_standup_member(id, u2, false).await.unwrap(), "not in");
        assert_eq!(store.standup(id).await.unwrap().unwrap().members, vec![u1]);
        assert_eq!(store.standup(id + 1000).await.unwrap(), None);
    }

    async fn standups_are_listed_by_name_in_byte_order(t: TestStore) {
        let store = &t.store;
        let world = world(store).await;
        let [u1, u2, _] = world.members;
        for (name, members) in [("beta", vec![u1]), ("Alpha", vec![u2]), ("alpha-2", vec![u1, u2]), ("Zeta", vec![])] {
            create(store, &world, name, &members).await;
        }
        let names = |standups: Vec<StandupRecord>| standups.into_iter().map(|s| s.name).collect::<Vec<_>>();
        assert_eq!(names(store.standups(world.workspace).await.unwrap()), ["Alpha", "Zeta", "alpha-2", "beta"]);
        assert_eq!(names(store.standups_of(u1).await.unwrap()), ["alpha-2", "beta"]);
        let other = store.ensure_workspace(Platform::Slack, "T2", at("2026-03-01T00:00:00Z")).await.unwrap();
        assert!(store.standups(other).await.unwrap().is_empty());
    }

    async fn a_prompt_makes_one_run_and_closes_the_member_s_older_open_ones(t: TestStore) {
        let store = &t.store;
        let world = world(store).await;
        let [u1, u2, _] = world.members;
        let id = create(store, &world, "daily", &[u1, u2]).await;
        let prompt = dm("U1", Purpose::StandupPrompt, "Time for daily");
        let monday = key(id, u1, "2026-03-30");
        assert!(store.prompt_run(&monday, "UTC", world.workspace, &prompt, at("2026-03-30T08:30:00Z")).await.unwrap());
        let bob = key(id, u2, "2026-03-30");
        assert!(store.prompt_run(&bob, "UTC", world.workspace, &prompt, at("2026-03-30T08:30:05Z")).await.unwrap());
        let tuesday = key(id, u1, "2026-03-31");
        assert!(store.prompt_run(&tuesday, "UTC", world.workspace, &prompt, at("2026-03-31T08:30:00Z")).await.unwrap());
        assert!(!store.prompt_run(&tuesday, "UTC", world.workspace, &prompt, at("2026-03-31T08:31:00Z")).await.unwrap());
        assert_eq!(t.integer("SELECT COUNT(*) FROM outbox WHERE purpose = 'standup_prompt'").await, 3, "one per run");

        assert_eq!(store.run(&monday).await.unwrap().unwrap().state, RunState::Missed, "closed by the next prompt");
        assert_eq!(store.run(&bob).await.unwrap().unwrap().state, RunState::Prompted, "another member's stays open");
        let open = store.open_run_of(u1).await.unwrap().unwrap();
        assert_eq!((open.key.clone(), open.state, open.prompted_at), (tuesday.clone(), RunState::Prompted, Some(at("2026-03-31T08:30:00Z"))));
        assert_eq!(open.prompt_at, at("2026-03-31T08:30:00Z"));
        assert_eq!(store.latest_run(id, u1).await.unwrap().unwrap().key, tuesday);
        assert_eq!(store.latest_run(id, world.members[2]).await.unwrap(), None);

        assert!(store.remind_run(open.id, world.workspace, &dm("U1", Purpose::StandupReminder, "Reminder"), at("2026-03-31T10:00:00Z")).await.unwrap());
        assert!(!store.remind_run(open.id, world.workspace, &dm("U1", Purpose::StandupReminder, "Reminder"), at("2026-03-31T10:01:00Z")).await.unwrap(), "once");
        assert_eq!(t.integer("SELECT COUNT(*) FROM outbox WHERE purpose = 'standup_reminder'").await, 1);
        assert_eq!(store.run(&tuesday).await.unwrap().unwrap().reminded_at, Some(at("2026-03-31T10:00:00Z")));

        let settled = store.settle_run(&tuesday, "UTC", RunState::Skipped, at("2026-03-31T11:00:00Z")).await.unwrap();
        assert_eq!(settled.state, RunState::Skipped);
        assert_eq!(store.open_run_of(u1).await.unwrap(), None);
        assert!(!store.remind_run(open.id, world.workspace, &dm("U1", Purpose::StandupReminder, "Reminder"), at("2026-03-31T12:00:00Z")).await.unwrap(), "not waiting");
        let again = store.settle_run(&tuesday, "UTC", RunState::Answered, at("2026-03-31T12:00:00Z")).await.unwrap();
        assert_eq!((again.state, again.answered_at), (RunState::Skipped, None), "a settled run stays as it is");
        let away = store.settle_run(&key(id, u1, "2026-04-01"), "UTC", RunState::Away, at("2026-04-01T07:00:00Z")).await.unwrap();
        assert_eq!((away.state, away.prompted_at, away.prompt_at), (RunState::Away, None, at("2026-04-01T07:00:00Z")));
        let early = store.settle_run(&key(id, u2, "2026-04-01"), "UTC", RunState::Answered, at("2026-04-01T07:05:00Z")).await.unwrap();
        assert_eq!((early.state, early.answered_at), (RunState::Answered, Some(at("2026-04-01T07:05:00Z"))));
    }

    async fn answers_move_the_run_on_and_an_edit_keeps_the_first_answer_time(t: TestStore) {
        let store = &t.store;
        let world = world(store).await;
        let u1 = world.members[0];
        let id = create(store, &world, "daily", &[u1]).await;
        let run = key(id, u1, "2026-03-30");
        let prompt = dm("U1", Purpose::StandupPrompt, "Time for daily");
        store.prompt_run(&run, "UTC", world.workspace, &prompt, at("2026-03-30T08:30:00Z")).await.unwrap();
        let run_id = store.run(&run).await.unwrap().unwrap().id;
        store.save_answer(run_id, 1, "reviewing", false, false, at("2026-03-30T08:40:00Z")).await.unwrap();
        store.save_answer(run_id, 0, "shipped", false, false, at("2026-03-30T08:41:00Z")).await.unwrap();
        let record = store.run(&run).await.unwrap().unwrap();
        assert_eq!((record.next_question, record.state), (2, RunState::Prompted), "never moves back");
        store.save_answer(run_id, 2, "keys", true, true, at("2026-03-30T08:45:00Z")).await.unwrap();
        store.save_answer(run_id, 0, "shipped twice", false, true, at("2026-03-30T09:30:00Z")).await.unwrap();
        let record = store.run(&run).await.unwrap().unwrap();
        assert_eq!((record.state, record.next_question, record.answered_at), (RunState::Answered, 3, Some(at("2026-03-30T08:45:00Z"))));
        let answers = store.answers_of_run(run_id).await.unwrap();
        let texts: Vec<_> = answers.iter().map(|a| (a.question_index, a.text.as_str(), a.is_blocker)).collect();
        assert_eq!(texts, [(0, "shipped twice", false), (1, "reviewing", false), (2, "keys", true)]);
        assert!(answers.iter().all(|a| a.answered_at == at("2026-03-30T08:45:00Z") && a.member_id == u1 && a.digest_id.is_none()));
        assert_eq!(
            t.integer(&format!("SELECT updated_at FROM answers WHERE run_id = {run_id} AND question_index = 0")).await,
            at("2026-03-30T09:30:00Z").timestamp()
        );
    }

    async fn a_digest_is_recorded_once_per_key_and_carries_its_runs_answers(t: TestStore) {
        let store = &t.store;
        let world = world(store).await;
        let [u1, u2, _] = world.members;
        let id = create(store, &world, "daily", &[u1, u2]).await;
        let bob = answered_run(store, &world, &key(id, u2, "2026-03-30"), false, 0).await;
        let alice = answered_run(store, &world, &key(id, u1, "2026-03-30"), true, 5).await;
        let open = key(id, u1, "2026-03-31");
        store.prompt_run(&open, "UTC", world.workspace, &dm("U1", Purpose::StandupPrompt, "p"), at("2026-03-31T08:30:00Z")).await.unwrap();
        let open_id = store.run(&open).await.unwrap().unwrap().id;
        store.save_answer(open_id, 0, "half", false, false, at("2026-03-31T08:35:00Z")).await.unwrap();

        let undigested = store.undigested_answers(id).await.unwrap();
        let order: Vec<_> = undigested.iter().map(|a| (a.run_id, a.question_index)).collect();
        assert_eq!(order, [(bob, 0), (bob, 1), (bob, 2), (alice, 0), (alice, 1), (alice, 2)], "by answer time, only answered runs");
        assert_eq!(store.last_digest_at(id).await.unwrap(), None);

        let chunks = [
            OutgoingMessage::new(Destination::Post { channel: "C1".into() }, Purpose::Digest, "part 1"),
            OutgoingMessage::new(Destination::Post { channel: "C1".into() }, Purpose::Digest, "part 2"),
        ];
        let digest = NewDigest { standup_id: id, key: "2026-03-30", run_ids: &[bob, alice], content: "{\"v\":1}", workspace_id: world.workspace, chunks: &chunks };
        let digest_id = store.record_digest(&digest, at("2026-03-30T15:00:00Z")).await.unwrap().expect("the first");
        assert_eq!(store.record_digest(&digest, at("2026-03-30T15:00:01Z")).await.unwrap(), None, "once per key");
        assert_eq!(t.integer("SELECT COUNT(*) FROM outbox WHERE purpose = 'digest'").await, 2, "its chunks, once");
        let record = store.digest(digest_id).await.unwrap().unwrap();
        assert_eq!((record.standup_id, record.content.as_str(), record.outbox_ids.len()), (id, "{\"v\":1}", 2));
        assert!(record.outbox_ids[0] < record.outbox_ids[1], "in order");
        store.save_digest_content(digest_id, "{\"v\":2}").await.unwrap();
        assert_eq!(store.digest(digest_id).await.unwrap().unwrap().content, "{\"v\":2}");
        assert_eq!(store.digest(digest_id + 1000).await.unwrap(), None);
        assert!(store.undigested_answers(id).await.unwrap().is_empty());
        assert!(store.answers_of_run(alice).await.unwrap().iter().all(|a| a.digest_id == Some(digest_id)));
        assert_eq!(store.last_digest_at(id).await.unwrap(), Some(at("2026-03-30T15:00:00Z")));

        // A question answered after the digest joins the digest its run went out in.
        store.save_answer(bob, 3, "added later", false, true, at("2026-03-30T16:00:00Z")).await.unwrap();
        assert!(store.undigested_answers(id).await.unwrap().is_empty(), "not a second digest's");
        assert_eq!(store.answers_of_run(bob).await.unwrap()[3].digest_id, Some(digest_id));

        // A manual digest the same day counts with the scheduled one.
        store.save_answer(open_id, 1, "done", false, true, at("2026-03-31T08:40:00Z")).await.unwrap();
        let manual = NewDigest { key: "2026-03-31 now 1774946700", run_ids: &[open_id], chunks: &[], ..digest };
        store.record_digest(&manual, at("2026-03-31T08:45:00Z")).await.unwrap().unwrap();
        assert_eq!(store.runs_in_digests_of(id, "2026-03-30").await.unwrap(), 2);
        assert_eq!(store.runs_in_digests_of(id, "2026-03-31").await.unwrap(), 1);
        assert_eq!(store.runs_in_digests_of(id, "2026-04-01").await.unwrap(), 0);
        assert_eq!(store.last_digest_at(id).await.unwrap(), Some(at("2026-03-31T08:45:00Z")));
    }

    async fn the_blocker_history_is_newest_first_and_deleting_a_standup_removes_what_it_stored(t: TestStore) {
        let store = &t.store;
        let world = world(store).await;
        let u1 = world.members[0];
        let id = create(store, &world, "daily", &[u1]).await;
        for (day, blocked) in [("2026-03-30", true), ("2026-03-31", false), ("2026-04-01", true)] {
            answered_run(store, &world, &key(id, u1, day), blocked, 0).await;
        }
        store.settle_run(&key(id, u1, "2026-04-02"), "UTC", RunState::Skipped, at("2026-04-02T09:00:00Z")).await.unwrap();
        let history = store.blocker_history(id, u1, date("2026-04-02"), 10).await.unwrap();
        assert_eq!(history, [(date("2026-04-01"), true), (date("2026-03-31"), false), (date("2026-03-30"), true)]);
        assert_eq!(store.blocker_history(id, u1, date("2026-03-31"), 1).await.unwrap(), [(date("2026-03-31"), false)]);

        let digest = NewDigest { standup_id: id, key: "2026-04-01", run_ids: &[], content: "{}", workspace_id: world.workspace, chunks: &[] };
        store.record_digest(&digest, at("2026-04-01T15:00:00Z")).await.unwrap().unwrap();
        let run_id = store.run(&key(id, u1, "2026-03-30")).await.unwrap().unwrap().id;
        let carried = NewDigest { key: "2026-03-30", run_ids: &[run_id], ..digest };
        store.record_digest(&carried, at("2026-03-30T15:00:00Z")).await.unwrap().unwrap();
        assert_eq!(store.standup_footprint(id).await.unwrap(), StandupFootprint { runs: 4, answers: 9, digests: 2 });
        store.delete_standup(id).await.unwrap();
        assert_eq!(store.standup(id).await.unwrap(), None);
        assert_eq!(store.standup_footprint(id).await.unwrap(), StandupFootprint::default());
        assert_eq!(t.integer("SELECT COUNT(*) FROM answers").await, 0);
    }

    async fn a_digest_reads_the_channel_s_decisions_open_questions_and_converted_pings(t: TestStore) {
        let store = &t.store;
        let world = world(store).await;
        let [u1, u2, _] = world.members;
        let (ws, c1) = (world.workspace, world.channel);
        let c2 = store.ensure_channel(ws, "C2").await.unwrap().id;
        let s = |text: &str| at(text).timestamp();
        for (channel, text, created) in [(c1, "second", "2026-03-30T12:00:00Z"), (c1, "first", "2026-03-30T10:00:00Z"), (c2, "elsewhere", "2026-03-30T11:00:00Z"), (c1, "too old", "2026-03-29T10:00:00Z"), (c1, "at the start", "2026-03-29T15:00:00Z")] {
            t.execute(&format!("INSERT INTO decisions (workspace_id, author_id, channel_id, text, created_at) VALUES ({ws}, {u1}, {channel}, '{text}', {})", s(created))).await.unwrap();
        }
        let decisions = store.channel_decisions_between(ws, "C1", at("2026-03-29T15:00:00Z"), at("2026-03-30T12:00:00Z")).await.unwrap();
        assert_eq!(decisions, ["first", "second"], "(since, until], oldest first");

        for (channel, message, asked, text, asked_at, answered) in [("C1", "m2", u2, "later?", "2026-03-30T11:00:00Z", "NULL"), ("C1", "m1", u1, "sooner?", "2026-03-30T10:00:00Z", "NULL"), ("C1", "m3", u1, "answered?", "2026-03-30T09:00:00Z", "1"), ("C2", "m4", u1, "elsewhere?", "2026-03-30T09:00:00Z", "NULL")] {
            t.execute(&format!("INSERT INTO open_questions (workspace_id, channel, message, asker_id, asked_id, text, asked_at, answered_at) VALUES ({ws}, '{channel}', '{message}', {u1}, {asked}, '{text}', {}, {answered})", s(asked_at))).await.unwrap();
        }
        assert_eq!(store.channel_open_questions(ws, "C1", None).await.unwrap(), [(u1, "sooner?".to_owned()), (u2, "later?".to_owned())]);
        let unexpired = store.channel_open_questions(ws, "C1", Some(at("2026-03-30T11:00:00Z"))).await.unwrap();
        assert_eq!(unexpired, [(u2, "later?".to_owned())], "asked at or after the instant");

        for (n, converted) in ["NULL", "1774864800", "1774868400", "1774951200"].into_iter().enumerate() {
            t.execute(&format!("INSERT INTO nudges (workspace_id, channel_id, sender_id, ping_message, kind, state, created_at, converted_at) VALUES ({ws}, {c1}, {u1}, 'p{n}', 'greeting', 'sent', 0, {converted})")).await.unwrap();
        }
        // 1774864800 is 2026-03-30T10:00Z, 1774868400 11:00Z, 1774951200 the next day.
        assert_eq!(store.converted_pings_between(ws, at("2026-03-30T10:00:00Z"), at("2026-03-30T11:00:00Z")).await.unwrap(), 1);
        assert_eq!(store.converted_pings_between(ws, at("2026-03-30T00:00:00Z"), at("2026-03-31T12:00:00Z")).await.unwrap(), 3);
    }

    async fn pending_jobs_are_found_dropped_and_taken_by_key_prefix(t: TestStore) {
        let store = &t.store;
        let now = at("2026-03-30T07:00:00Z");
        for (key, due) in [
            ("standup_prompt:1:2:2026-03-31", "2026-03-31T07:30:00Z"),
            ("standup_prompt:1:2:2026-03-30", "2026-03-30T07:30:00Z"),
            ("standup_prompt:1:20:2026-03-30", "2026-03-30T07:00:00Z"),
            ("standup_prompt:12:2:2026-03-30", "2026-03-30T06:00:00Z"),
            ("standup_reminder:1:2:2026-03-30", "2026-03-30T09:00:00Z"),
        ] {
            assert!(store.schedule_job(&job(key, due), Platform::Slack, now).await.unwrap());
        }
        assert_eq!(
            store.pending_job("standup_prompt:1:2:").await.unwrap(),
            Some((at("2026-03-30T07:30:00Z"), "standup_prompt:1:2:2026-03-30".to_owned())),
            "the earliest, of member 2 only"
        );
        assert_eq!(store.pending_job("standup_prompt:9:").await.unwrap(), None);
        let mut taken = store.take_pending_jobs("standup_prompt:1:2:").await.unwrap();
        taken.sort();
        assert_eq!(
            taken,
            [
                (at("2026-03-30T07:30:00Z"), "standup_prompt:1:2:2026-03-30".to_owned()),
                (at("2026-03-31T07:30:00Z"), "standup_prompt:1:2:2026-03-31".to_owned()),
            ]
        );
        assert!(store.take_pending_jobs("standup_prompt:1:2:").await.unwrap().is_empty(), "taken once");
        assert_eq!(store.drop_pending_jobs("standup_prompt:1:").await.unwrap(), 1, "member 20's");
        assert_eq!(store.pending_job("standup_prompt:").await.unwrap().map(|(_, key)| key).as_deref(), Some("standup_prompt:12:2:2026-03-30"));
        // A claimed job is still "pending" to `pending_job`, but neither dropped nor taken.
        let claimed = store.claim_due_jobs("w", at("2026-03-30T10:00:00Z"), Duration::minutes(5), 10).await.unwrap();
        assert_eq!(claimed.len(), 2);
        assert_eq!(store.pending_job("standup_reminder:").await.unwrap().map(|(_, key)| key).as_deref(), Some("standup_reminder:1:2:2026-03-30"));
        assert_eq!(store.drop_pending_jobs("standup_").await.unwrap(), 0);
        assert!(store.take_pending_jobs("standup_reminder:").await.unwrap().is_empty());
    }

    async fn the_answer_history_shows_readable_standups_and_the_reader_s_own_answers(t: TestStore) {
        let store = &t.store;
        let world = world(store).await;
        let [u1, u2, u3] = world.members;
        let daily = create(store, &world, "daily", &[u1, u2, u3]).await;
        let private = create(store, &world, "Leads", &[u1, u2]).await;
        for (standup, member, day) in [(daily, u1, "2026-03-30"), (daily, u2, "2026-03-30"), (daily, u3, "2026-03-31"), (private, u2, "2026-03-31"), (private, u1, "2026-03-31"), (daily, u1, "2026-03-20")] {
            answered_run(store, &world, &key(standup, member, day), false, 0).await;
        }
        let query = HistoryQuery { workspace_id: world.workspace, readable_standups: vec![daily], reader_id: u1, standup_id: None, member_id: None, since: date("2026-03-25"), limit: 100 };
        let answers = store.answer_history(&query).await.unwrap();
        let rows: Vec<_> = answers.iter().filter(|a| a.question_index == 0).map(|a| (a.local_date.to_string(), a.standup_name.as_str(), a.member_name.as_str())).collect();
        assert_eq!(
            rows,
            [
                ("2026-03-31".to_owned(), "Leads", "alice"),
                ("2026-03-31".to_owned(), "daily", "U3"),
                ("2026-03-30".to_owned(), "daily", "alice"),
                ("2026-03-30".to_owned(), "daily", "bob"),
            ],
            "newest first, then standup and member name; of Leads only the reader's own"
        );
        let first = &answers[0];
        assert_eq!((first.question.as_str(), first.text.as_str(), first.member_user.as_str(), first.question_index), ("Yesterday?", "shipped", "U1", 0));
        assert_eq!(first.updated_at, at("2026-03-31T09:00:00Z"));
        assert_eq!(answers.len(), 12, "three questions each");

        let nobody = HistoryQuery { readable_standups: vec![], reader_id: u3, ..query.clone() };
        assert!(store.answer_history(&nobody).await.unwrap().iter().all(|a| a.member_id == u3));
        let bob_in_daily = HistoryQuery { standup_id: Some(daily), member_id: Some(u2), ..query.clone() };
        assert!(store.answer_history(&bob_in_daily).await.unwrap().iter().all(|a| a.member_id == u2 && a.standup_id == daily));
        assert_eq!(store.answer_history(&bob_in_daily).await.unwrap().len(), 3);
        let older = HistoryQuery { since: date("2026-03-01"), limit: 4, ..query.clone() };
        assert_eq!(store.answer_history(&older).await.unwrap().len(), 4, "the newest four");
        let all = HistoryQuery { since: date("2026-03-01"), ..query };
        assert_eq!(store.answer_history(&all).await.unwrap().last().unwrap().local_date, date("2026-03-20"));
    }

    async fn run_facts_carry_each_run_s_blocker_and_the_one_before_it(t: TestStore) {
        let store = &t.store;
        let world = world(store).await;
        let [u1, u2, _] = world.members;
        let daily = create(store, &world, "daily", &[u1, u2]).await;
        let other = create(store, &world, "Other", &[u1]).await;
        // Before the window: blocked. In it: still blocked, then clear; bob misses a day.
        answered_run(store, &world, &key(daily, u1, "2026-03-20"), true, 0).await;
        answered_run(store, &world, &key(daily, u1, "2026-03-23"), true, 30).await;
        answered_run(store, &world, &key(daily, u1, "2026-03-24"), false, 0).await;
        answered_run(store, &world, &key(daily, u2, "2026-03-23"), false, 0).await;
        store.prompt_run(&key(daily, u2, "2026-03-24"), "UTC", world.workspace, &dm("U2", Purpose::StandupPrompt, "p"), at("2026-03-24T08:30:00Z")).await.unwrap();
        store.settle_run(&key(daily, u2, "2026-03-25"), "UTC", RunState::Answered, at("2026-03-25T07:00:00Z")).await.unwrap();
        answered_run(store, &world, &key(other, u1, "2026-03-24"), false, 0).await;

        let facts = store.run_facts(world.workspace, Some(daily), at("2026-03-23T00:00:00Z"), at("2026-03-30T00:00:00Z")).await.unwrap();
        let rows: Vec<_> = facts.iter().map(|f| (f.member_name.as_str(), f.local_date.to_string(), f.answered_at.is_some(), f.blocker, f.previous_blocker)).collect();
        assert_eq!(
            rows,
            [
                ("alice", "2026-03-23".to_owned(), true, true, Some(true)),
                ("alice", "2026-03-24".to_owned(), true, false, Some(true)),
                ("bob", "2026-03-23".to_owned(), true, false, None),
                ("bob", "2026-03-24".to_owned(), false, false, None),
                ("bob", "2026-03-25".to_owned(), true, false, Some(false)),
            ]
        );
        assert_eq!(facts[0].prompted_at, Some(at("2026-03-23T08:30:00Z")));
        assert_eq!(facts[0].answered_at, Some(at("2026-03-23T09:30:00Z")));
        assert_eq!((facts[4].prompted_at, facts[4].answered_at), (None, Some(at("2026-03-25T07:00:00Z"))), "answered before its prompt");
        let all = store.run_facts(world.workspace, None, at("2026-03-23T00:00:00Z"), at("2026-03-30T00:00:00Z")).await.unwrap();
        let names: Vec<_> = all.iter().map(|f| f.standup_name.as_str()).collect();
        assert_eq!(names, ["Other", "daily", "daily", "daily", "daily", "daily"], "by standup name in byte order");
        assert!(store.run_facts(world.workspace, None, at("2026-03-26T00:00:00Z"), at("2026-03-30T00:00:00Z")).await.unwrap().is_empty());
    }

    async fn the_weekly_summary_is_switched_on_moved_and_off(t: TestStore) {
        let store = &t.store;
        let world = world(store).await;
        let id = create(store, &world, "daily", &[]).await;
        assert_eq!(store.weekly_summary(id).await.unwrap(), None);
        let friday = WeeklyAt { day: Weekday::Fri, at: NaiveTime::from_hms_opt(16, 0, 0).unwrap() };
        store.set_weekly_summary(id, Some(friday)).await.unwrap();
        assert_eq!(store.weekly_summary(id).await.unwrap(), Some(friday));
        let monday = WeeklyAt { day: Weekday::Mon, at: NaiveTime::from_hms_opt(9, 15, 0).unwrap() };
        store.set_weekly_summary(id, Some(monday)).await.unwrap();
        assert_eq!(store.weekly_summary(id).await.unwrap(), Some(monday));
        store.set_weekly_summary(id, None).await.unwrap();
        assert_eq!(store.weekly_summary(id).await.unwrap(), None);
        store.set_weekly_summary(id, None).await.unwrap();
    }

    async fn a_unit_of_work_reads_its_own_writes_and_stays_usable_after_a_refused_one(t: TestStore) {
        let world = world(&t.store).await;
        let u1 = world.members[0];
        let taken = create(&t.store, &world, "daily", &[u1]).await;
        let unit = t.store.begin().await.unwrap();
        let store = unit.store();
        let id = store.create_standup(&standup(&world, "weekly", &[u1]), world.channel).await.unwrap().unwrap();
        assert_eq!(store.create_standup(&standup(&world, "Daily", &[]), world.channel).await.unwrap(), None);
        let mut clash = store.standup(id).await.unwrap().expect("its own write");
        clash.name = "daily".into();
        assert!(store.save_standup(&clash, world.channel).await.is_err(), "the name is taken");
        let run = key(id, u1, "2026-03-30");
        assert!(store.prompt_run(&run, "UTC", world.workspace, &dm("U1", Purpose::StandupPrompt, "p"), at("2026-03-30T08:30:00Z")).await.unwrap());
        assert_eq!(store.run(&run).await.unwrap().unwrap().state, RunState::Prompted);
        assert_eq!(t.store.standup(id).await.unwrap(), None, "not seen outside before the commit");
        unit.commit().await.unwrap();
        assert_eq!(t.store.standup(id).await.unwrap().unwrap().name, "weekly");
        assert_eq!(t.store.standup(taken).await.unwrap().unwrap().name, "daily");
        assert!(t.store.run(&run).await.unwrap().is_some());

        let unit = t.store.begin().await.unwrap();
        unit.store().set_standup_member(id, world.members[1], true).await.unwrap();
        unit.rollback().await.unwrap();
        assert_eq!(t.store.standup(id).await.unwrap().unwrap().members, vec![u1], "rolled back");
    }
}

/// A database whose text sorts in a language's order (`en-x-icu`, where `:` and `;` are ignored
/// at first) must still take exactly one member's jobs: the key range is compared byte by byte.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgresql_a_language_collation_does_not_change_which_jobs_a_key_prefix_takes() {
    let t = crate::stores::TestStore::fresh(unhurried::adapters::database::StoreKind::Postgres).await;
    t.execute("ALTER TABLE jobs ALTER COLUMN key TYPE TEXT COLLATE \"en-x-icu\"").await.unwrap();
    let store = &t.store;
    let now = at("2026-03-30T07:00:00Z");
    for key in ["standup_prompt:1:2:2026-03-30", "standup_prompt:1:20:2026-03-30", "standup_prompt:1:3:2026-03-30"] {
        store.schedule_job(&job(key, "2026-03-30T07:30:00Z"), Platform::Slack, now).await.unwrap();
    }
    let taken = store.take_pending_jobs("standup_prompt:1:2:").await.unwrap();
    assert_eq!(taken, [(at("2026-03-30T07:30:00Z"), "standup_prompt:1:2:2026-03-30".to_owned())]);
    assert_eq!(store.drop_pending_jobs("standup_prompt:1:2").await.unwrap(), 1, "member 20's");
}

/// Names and user ids are listed in byte order, as on SQLite, even where the database sorts text
/// in a language's order (where `alpha` would come before `Beta`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgresql_a_language_collation_does_not_change_the_order_of_names() {
    let t = crate::stores::TestStore::fresh(unhurried::adapters::database::StoreKind::Postgres).await;
    for (table, column) in [("members", "platform_user_id"), ("members", "display_name"), ("standups", "name")] {
        t.execute(&format!("ALTER TABLE {table} ALTER COLUMN {column} TYPE TEXT COLLATE \"en-x-icu\"")).await.unwrap();
    }
    let store = &t.store;
    let world = world(store).await;
    let [u1, u2, _] = world.members;
    let now = at("2026-03-01T00:00:00Z");
    store.ensure_member(world.workspace, "a", now).await.unwrap();
    let users: Vec<_> = store.members(world.workspace).await.unwrap().into_iter().map(|m| m.user).collect();
    assert_eq!(users, ["U1", "U2", "U3", "a"]);
    let beta = create(store, &world, "Beta", &[u1, u2]).await;
    let alpha = create(store, &world, "alpha", &[u1]).await;
    let names: Vec<_> = store.standups(world.workspace).await.unwrap().into_iter().map(|s| s.name).collect();
    assert_eq!(names, ["Beta", "alpha"]);
    store.update_member(u2, &MemberChanges { name: Some("Bob".into()), ..MemberChanges::default() }).await.unwrap();
    for (standup, member) in [(beta, u1), (beta, u2), (alpha, u1)] {
        answered_run(store, &world, &key(standup, member, "2026-03-30"), false, 0).await;
    }
    let facts =
        store.run_facts(world.workspace, None, at("2026-03-30T00:00:00Z"), at("2026-03-31T00:00:00Z")).await.unwrap();
    let order: Vec<_> = facts.iter().map(|f| (f.standup_name.as_str(), f.member_name.as_str())).collect();
    assert_eq!(order, [("Beta", "Bob"), ("Beta", "alice"), ("alpha", "alice")]);
    let query = HistoryQuery {
        workspace_id: world.workspace,
        readable_standups: vec![beta, alpha],
        reader_id: u1,
        standup_id: None,
        member_id: None,
        since: date("2026-03-01"),
        limit: 100,
    };
    let history = store.answer_history(&query).await.unwrap();
    let order: Vec<_> = history
        .iter()
        .filter(|a| a.question_index == 0)
        .map(|a| (a.standup_name.as_str(), a.member_name.as_str()))
        .collect();
    assert_eq!(order, [("Beta", "Bob"), ("Beta", "alice"), ("alpha", "alice")]);
}
