//! The store contract of the right of access (`AccessStore::member_data`, `/async export-me`) on
//! both stores (`stores.rs`): a member's data is everything erasure would remove for them — and
//! nothing of another member, even one in the same standup, the same channel and the same thread.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use unhurried::domain::command::DigestWhenEmpty;
use unhurried::domain::events::{
    Attachment, ChatMessage, CommandInvocation, Destination, InboundEvent, OutgoingMessage, Purpose,
};
use unhurried::domain::platform::Platform;
use unhurried::ports::{
    Delivery, MemberChanges, NewDecision, NewDelivery, NewNudge, NewQuestion, RunKey, SharedStore, StandupRecord,
};

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

/// Alice (U1) and bob (U2) in one standup, one channel and one thread: each wrote answers, a
/// decision, a ping, a question to the other, a message and a command; returns (workspace,
/// alice, bob).
async fn two_members_side_by_side(store: &SharedStore) -> (i64, i64, i64) {
    let now = at("2026-03-01T00:00:00Z");
    let workspace = store.ensure_workspace(Platform::Slack, "T1", now).await.unwrap();
    let mut ids = Vec::new();
    for (user, name) in [("U1", "alice"), ("U2", "bob")] {
        let (member, _) = store.ensure_member(workspace, user, now).await.unwrap();
        store.update_member(member.id, &MemberChanges { name: Some(name.into()), ..Default::default() }).await.unwrap();
        ids.push(member.id);
    }
    let (alice, bob) = (ids[0], ids[1]);
    let alice_changes = MemberChanges {
        tz: Some(("Europe/Berlin".into(), "command".into())),
        hours: Some("08:00-16:00".into()),
        days: Some(0b0011111),
        nudge_opt_out: Some(true),
        ..Default::default()
    };
    store.update_member(alice, &alice_changes).await.unwrap();
    store.set_out_of_office(alice, &[(date("2026-04-06"), date("2026-04-10"))]).await.unwrap();
    let channel = store.ensure_channel(workspace, "C1").await.unwrap().id;
    let standup = StandupRecord {
        id: 0,
        workspace_id: workspace,
        name: "daily".into(),
        channel: "C1".into(),
        questions: vec!["Yesterday?".into(), "Today?".into(), "Blockers?".into()],
        blocker_question: Some(3),
        recurrence: "09:30 mon-fri".into(),
        digest_at: NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
        digest_tz: "Europe/Berlin".into(),
        reminder: None,
        skipped_dates: vec![],
        paused: false,
        digest_when_empty: DigestWhenEmpty::Post,
        created_at: now,
        members: vec![alice, bob],
    };
    let standup_id = store.create_standup(&standup, channel).await.unwrap().unwrap();
    let words = [
        (alice, "U1", ["alice shipped the importer", "alice reviews PRs", "none"]),
        (bob, "U2", ["bob fixed the flaky test", "bob pairs with carol", "bob waits for the API keys"]),
    ];
    for (member, user, answers) in words {
        let key = RunKey { standup_id, member_id: member, local_date: date("2026-03-30") };
        let prompt =
            OutgoingMessage::new(Destination::Dm { user: user.into() }, Purpose::StandupPrompt, "Time for daily");
        store.prompt_run(&key, "Europe/Berlin", workspace, &prompt, at("2026-03-30T07:30:00Z")).await.unwrap();
        let run = store.run(&key).await.unwrap().unwrap().id;
        for (index, text) in answers.iter().enumerate() {
            let blocker = index == 2 && *text != "none";
            store.save_answer(run, index, text, blocker, index == 2, at("2026-03-30T08:00:00Z")).await.unwrap();
        }
        let decision = NewDecision {
            workspace_id: workspace,
            author_id: member,
            channel_id: channel,
            text: format!("{user} decided: ship on Tuesdays"),
            permalink: None,
            created_at: at("2026-03-30T10:00:00Z"),
        };
        store.record_decision(&decision).await.unwrap();
        let ping = NewNudge {
            workspace_id: workspace,
            channel_id: channel,
            sender_id: member,
            ping_message: format!("ping-of-{user}"),
            thread: None,
            kind: "greeting".into(),
            created_at: at("2026-03-30T11:00:00Z"),
        };
        store.record_nudge(&ping).await.unwrap();
    }
    for (asker, asked, text) in
        [(alice, bob, "where are the deploy keys kept?"), (bob, alice, "alice, is the importer idempotent?")]
    {
        let question = NewQuestion {
            workspace_id: workspace,
            channel: "C1".into(),
            message: format!("q-{asker}"),
            asker_id: asker,
            asked_id: asked,
            text: text.into(),
            asked_at: at("2026-03-30T12:00:00Z"),
        };
        store.record_question(&question).await.unwrap();
    }
    store.record_offhours_mention(workspace, alice, at("2026-03-30T20:00:00Z")).await.unwrap();
    store.claim_offhours_notice(bob, alice, "2026-03-30", at("2026-03-30T20:00:00Z")).await.unwrap();
    let events = [("U1", "1.1", "alice says the build is green"), ("U2", "1.2", "bob says hi <@U1> got a sec?")].map(
        |(user, id, text)| NewDelivery {
            platform: Platform::Slack,
            event: InboundEvent::Message(ChatMessage {
                workspace: "T1".into(),
                id: id.into(),
                channel: "C1".into(),
                user: user.into(),
                text: text.into(),
                thread: None,
                is_dm: false,
            }),
        },
    );
    store.record_deliveries(&events, at("2026-03-30T13:00:00Z")).await.unwrap();
    let command = NewDelivery {
        platform: Platform::Slack,
        event: InboundEvent::Command(CommandInvocation {
            workspace: "T1".into(),
            id: "cmd-1".into(),
            channel: "C1".into(),
            user: "U1".into(),
            text: "who".into(),
            platform_admin: false,
            is_dm: false,
        }),
    };
    store.record_deliveries(&[command], at("2026-03-30T13:05:00Z")).await.unwrap();
    (workspace, alice, bob)
}

crate::store_contract! {
    async fn a_member_s_data_is_all_theirs_and_nothing_of_the_member_beside_them(t: TestStore) {
        let store = &t.store;
        let (_, alice, _) = two_members_side_by_side(store).await;
        let data = store.member_data(alice).await.unwrap().expect("alice's data");

        let profile = &data.profile;
        assert_eq!((profile.platform.as_str(), profile.workspace.as_str(), profile.user.as_str()), ("slack", "T1", "U1"));
        assert_eq!((profile.name.as_str(), profile.tz.as_deref(), profile.tz_source.as_str()), ("alice", Some("Europe/Berlin"), "command"));
        assert_eq!((profile.hours.as_deref(), profile.days.as_deref()), (Some("08:00-16:00"), Some("mon-fri")));
        assert!(profile.nudge_me_off && profile.brief_on && !profile.is_admin);
        assert_eq!(profile.first_seen, at("2026-03-01T00:00:00Z"));
        assert_eq!(data.out_of_office.len(), 1);
        assert_eq!((data.out_of_office[0].from, data.out_of_office[0].to), (date("2026-04-06"), date("2026-04-10")));

        assert_eq!(data.standups.len(), 1);
        assert_eq!((data.standups[0].standup.as_str(), data.standups[0].channel.as_str()), ("daily", "C1"));
        assert_eq!(data.runs.len(), 1, "her run only");
        let run = &data.runs[0];
        assert_eq!((run.standup.as_str(), run.local_date, run.state.as_str()), ("daily", date("2026-03-30"), "answered"));
        assert_eq!(run.prompted_at, Some(at("2026-03-30T07:30:00Z")));
        let answers: Vec<(usize, &str, &str, bool)> =
            run.answers.iter().map(|a| (a.question_number, a.question.as_str(), a.answer.as_str(), a.blocker)).collect();
        assert_eq!(answers, [
            (1, "Yesterday?", "alice shipped the importer", false),
            (2, "Today?", "alice reviews PRs", false),
            (3, "Blockers?", "none", false),
        ]);

        assert_eq!(data.decisions.len(), 1);
        assert_eq!((data.decisions[0].text.as_str(), data.decisions[0].channel.as_deref()), ("U1 decided: ship on Tuesdays", Some("C1")));
        assert_eq!(data.pings.len(), 1);
        assert_eq!((data.pings[0].message.as_str(), data.pings[0].kind.as_str()), ("ping-of-U1", "greeting"));
        assert_eq!(data.questions_asked.len(), 1);
        assert_eq!(data.questions_asked[0].text, "where are the deploy keys kept?", "her own words");
        assert_eq!(data.questions_to_them.len(), 1, "asked of her, without bob's words");
        assert_eq!(data.offhours_mentions, [at("2026-03-30T20:00:00Z")]);
        assert_eq!(data.offhours_notices.len(), 1);
        assert_eq!((data.offhours_notices[0].kind, data.offhours_notices[0].local_date.as_str()), ("about_you", "2026-03-30"));
        let sent: Vec<(&str, Vec<String>)> = data.sent_to_bot.iter().map(|e| (e.kind, e.text.clone())).collect();
        assert_eq!(sent, [
            ("message", vec!["alice says the build is green".to_owned()]),
            ("command", vec!["/async who".to_owned()]),
        ], "her events only, not bob's message that mentions her");
        let counts: Vec<(&str, i64)> = data.messages_to_them.iter().map(|c| (c.purpose.as_str(), c.count)).collect();
        assert_eq!(counts, [("standup_prompt", 1)], "her prompt, counted, not bob's");

        // Nothing of bob anywhere: his words, his name, his id.
        let json = serde_json::to_string(&data).unwrap();
        for his in ["bob", "U2", "carol", "flaky", "API keys", "idempotent", "ping-of-U2", "got a sec"] {
            assert!(!json.contains(his), "{his} leaked into alice's data: {json}");
        }
    }

    async fn a_member_with_nothing_yet_has_a_profile_and_empty_lists_and_nobody_has_none(t: TestStore) {
        let store = &t.store;
        let now = at("2026-03-01T00:00:00Z");
        let workspace = store.ensure_workspace(Platform::Discord, "G1", now).await.unwrap();
        let (member, _) = store.ensure_member(workspace, "111", now).await.unwrap();
        let data = store.member_data(member.id).await.unwrap().unwrap();
        assert_eq!((data.profile.platform.as_str(), data.profile.user.as_str(), data.profile.tz.as_deref()), ("discord", "111", None));
        assert_eq!((data.profile.hours.as_deref(), data.profile.days.as_deref()), (None, None), "workspace defaults");
        assert!(data.runs.is_empty() && data.standups.is_empty() && data.decisions.is_empty() && data.sent_to_bot.is_empty());
        assert_eq!(store.member_data(member.id + 1000).await.unwrap(), None, "nobody");
    }

    async fn a_forgotten_member_has_no_data_left_to_export(t: TestStore) {
        let store = &t.store;
        let (_, alice, bob) = two_members_side_by_side(store).await;
        store.forget_member(alice).await.unwrap();
        assert_eq!(store.member_data(alice).await.unwrap(), None);
        let data = store.member_data(bob).await.unwrap().unwrap();
        assert_eq!(data.runs[0].answers[0].answer, "bob fixed the flaky test", "bob's stay his");
        let json = serde_json::to_string(&data).unwrap();
        assert!(!json.contains("alice") && !json.contains("importer"), "{json}");
        assert_eq!(data.questions_asked.len() + data.questions_to_them.len(), 0, "erasure deleted both questions");
    }

    async fn a_file_travels_through_the_outbox_whole_and_is_not_kept_once_sent(t: TestStore) {
        let store = &t.store;
        let now = at("2026-03-30T09:00:00Z");
        let workspace = store.ensure_workspace(Platform::Slack, "T1", now).await.unwrap();
        let file = Attachment {
            filename: "unhurried-export.json".into(),
            content_type: "application/json".into(),
            text: "{\n  \"answer\": \"alice's secret answer \\\"attachment\\\": no\"\n}\n".into(),
        };
        let message = OutgoingMessage::new(Destination::Dm { user: "U1".into() }, Purpose::CommandReply, "Here it is")
            .with_attachment(file);
        store.enqueue(workspace, std::slice::from_ref(&message), now).await.unwrap();
        let taken = store.take_deliverable("w1", now, chrono::Duration::seconds(30), 10).await.unwrap();
        assert_eq!(taken.len(), 1);
        assert_eq!(taken[0].message, message, "the file as queued, byte for byte");
        store.record_delivery_result(taken[0].id, "w1", &Delivery::Sent("F123".into()), now).await.unwrap();
        assert_eq!(store.sent_ref(taken[0].id).await.unwrap().as_deref(), Some("F123"));
        let kept = t.texts("SELECT message FROM outbox").await[0][0].clone().unwrap();
        assert!(!kept.contains("secret answer"), "the file is not kept once sent: {kept}");
        let kept: OutgoingMessage = serde_json::from_str(&kept).unwrap();
        assert_eq!(kept, OutgoingMessage::new(Destination::Dm { user: "U1".into() }, Purpose::CommandReply, "Here it is"));
    }

    async fn an_outbox_row_stored_before_files_existed_is_still_delivered(t: TestStore) {
        let store = &t.store;
        let now = at("2026-03-30T09:00:00Z");
        let workspace = store.ensure_workspace(Platform::Slack, "T1", now).await.unwrap();
        let old = r#"{"to":{"kind":"dm","user":"U1"},"purpose":"brief","text":"Good morning","mentions":[]}"#;
        t.execute(&format!(
            "INSERT INTO outbox (workspace_id, purpose, message, state, not_before, created_at, lane)
             VALUES ({workspace}, 'brief', '{old}', 'pending', {secs}, {secs}, '{workspace}/dm:U1')",
            secs = now.timestamp()
        ))
        .await
        .unwrap();
        let taken = store.take_deliverable("w1", now, chrono::Duration::seconds(30), 10).await.unwrap();
        assert_eq!(taken.len(), 1);
        assert_eq!(taken[0].message, OutgoingMessage::new(Destination::Dm { user: "U1".into() }, Purpose::Brief, "Good morning"));
        assert_eq!(taken[0].message.attachment, None);
        store.record_delivery_result(taken[0].id, "w1", &Delivery::Sent("1.2".into()), now).await.unwrap();
        assert_eq!(t.texts("SELECT message FROM outbox").await[0][0].as_deref(), Some(old), "kept as it was");
    }
}
