//! Digests through the whole bot: every answer in exactly one digest, late-side members "later
//! today" with a platform time, edits after a digest update it, long digests split whole.

use unhurried::adapters::simulated::TranscriptEntry;
use unhurried::domain::platform::Platform;

use crate::standup::{bot, seed, spec, submit};
use crate::support::profile;

fn digests(sent: &[TranscriptEntry]) -> Vec<&TranscriptEntry> {
    sent.iter().filter(|m| m.purpose == "digest" && m.kind == "post").collect()
}

async fn later_today_case(platform: Platform, alice: &str, bob: &str, time_markup: &str) {
    let members = [(alice, profile("alice", Some("Europe/Berlin"))), (bob, profile("bob", None))];
    let mut t = bot(platform, "2026-03-29T12:00:00Z", &members).await;
    t.command(bob, "C1", "tz America/Los_Angeles").await;
    seed(&t, &spec(&[alice, bob], "Europe/Berlin", None)).await;
    t.run_until("2026-03-30T08:00:00Z").await;
    submit(&t, alice, &["alice monday done", "alice monday next", "none"]).await;
    // The digest (17:00 Berlin = 15:00Z) comes before bob's 09:30 Los Angeles (16:30Z).
    t.run_until("2026-03-30T17:00:00Z").await;
    submit(&t, bob, &["bob monday done", "bob monday next", "none"]).await;
    t.run_until("2026-03-31T08:00:00Z").await;
    submit(&t, alice, &["alice tuesday done", "alice tuesday next", "none"]).await;
    t.run_until("2026-03-31T16:00:00Z").await;
    let sent = t.sent();
    let posts = digests(&sent);
    assert_eq!(posts.len(), 2, "{posts:#?}");
    let later = format!("bob: later today, prompted {time_markup}");
    assert!(posts[0].text.contains(&later), "{}", posts[0].text);
    assert!(!posts[0].text.contains(&format!("@{bob}")) && !posts[0].text.contains(&format!("<@{bob}>")));
    for answer in ["alice monday done", "bob monday done", "alice tuesday done"] {
        assert_eq!(posts.iter().filter(|p| p.text.contains(answer)).count(), 1, "{answer} in exactly one digest");
    }
    assert!(posts[0].text.contains("alice monday done"));
    let second = &posts[1].text;
    assert!(second.find("bob monday done").unwrap() < second.find("alice tuesday done").unwrap(), "{second}");
}

#[tokio::test]
async fn every_answer_is_in_exactly_one_digest_and_late_members_lead_the_next_on_slack() {
    later_today_case(Platform::Slack, "U1", "U2", "<!date^1774888200^{date_short_pretty} {time}|2026-03-30 16:30 UTC>")
        .await;
}

#[tokio::test]
async fn every_answer_is_in_exactly_one_digest_and_late_members_lead_the_next_on_discord() {
    later_today_case(Platform::Discord, "101", "102", "<t:1774888200:f>").await;
}

#[tokio::test]
async fn an_edit_after_the_digest_updates_the_posted_digest() {
    let mut t = bot(Platform::Slack, "2026-03-29T12:00:00Z", &[("U1", profile("alice", Some("Europe/Berlin")))]).await;
    seed(&t, &spec(&["U1"], "Europe/Berlin", None)).await;
    t.run_until("2026-03-30T08:00:00Z").await;
    submit(&t, "U1", &["first draft", "b", "none"]).await;
    submit(&t, "U1", &["second draft", "b", "none"]).await;
    t.run_until("2026-03-30T15:30:00Z").await;
    submit(&t, "U1", &["final words", "b", "none"]).await;
    let sent = t.sent();
    let posts = digests(&sent);
    assert_eq!(posts.len(), 1);
    assert!(posts[0].text.contains("second draft") && !posts[0].text.contains("first draft"), "{}", posts[0].text);
    let update = sent.iter().find(|m| m.kind == "update").expect("the digest is edited");
    assert_eq!(update.purpose, "digest");
    assert_eq!(update.thread.as_deref(), Some(posts[0].message_id.as_str()));
    assert!(update.text.contains("final words") && !update.text.contains("second draft"), "{}", update.text);
    let acks: Vec<_> = sent.iter().filter(|m| m.purpose == "standup_ack").collect();
    assert_eq!(acks.len(), 3);
    assert!(acks[2].text.contains("digest"), "{}", acks[2].text);
    t.run_until("2026-03-31T16:00:00Z").await;
    let next = t.sent();
    assert!(digests(&next).iter().all(|p| !p.text.contains("final words")), "an edit does not repeat the answer");
}

#[tokio::test]
async fn a_long_digest_splits_within_discords_limit_without_cutting_an_answer() {
    let users: Vec<String> = (101..113).map(|n| n.to_string()).collect();
    let profiles: Vec<(&str, _)> = users.iter().map(|u| (u.as_str(), profile(&format!("member{u}"), None))).collect();
    let mut t = bot(Platform::Discord, "2026-03-29T12:00:00Z", &profiles).await;
    let members: Vec<&str> = users.iter().map(String::as_str).collect();
    seed(&t, &spec(&members, "UTC", None)).await;
    t.run_until("2026-03-30T10:00:00Z").await;
    for user in &members {
        let long = format!("{user} worked on things ").repeat(12);
        submit(&t, user, &[long.trim(), "more", "none"]).await;
    }
    t.run_until("2026-03-30T17:30:00Z").await;
    let sent = t.sent();
    let posts = digests(&sent);
    assert!(posts.len() > 1, "{posts:#?}");
    assert!(posts.iter().all(|p| p.text.chars().count() <= 2_000));
    for user in &members {
        let long = format!("{user} worked on things ").repeat(12);
        assert_eq!(posts.iter().filter(|p| p.text.contains(long.trim())).count(), 1, "answer of {user} cut or missing");
    }
}

#[tokio::test]
async fn a_long_slack_digest_is_one_message_not_several_posts_cut_at_3000_characters() {
    let users: Vec<String> = (1..13).map(|n| format!("U{n}")).collect();
    let profiles: Vec<(&str, _)> = users.iter().map(|u| (u.as_str(), profile(&format!("member{u}"), None))).collect();
    let mut t = bot(Platform::Slack, "2026-03-29T12:00:00Z", &profiles).await;
    let members: Vec<&str> = users.iter().map(String::as_str).collect();
    seed(&t, &spec(&members, "UTC", None)).await;
    t.run_until("2026-03-30T10:00:00Z").await;
    for user in &members {
        let long = format!("{user} worked on things ").repeat(12);
        submit(&t, user, &[long.trim(), "more", "none"]).await;
    }
    t.run_until("2026-03-30T17:30:00Z").await;
    let sent = t.sent();
    let posts = digests(&sent);
    assert_eq!(posts.len(), 1, "{posts:#?}");
    assert!(posts[0].text.chars().count() > 3_000, "{}", posts[0].text.chars().count());
    for user in &members {
        assert!(posts[0].text.contains(format!("{user} worked on things ").repeat(12).trim()), "{user}");
    }
}

#[tokio::test]
async fn a_discord_digest_never_ends_a_message_with_a_question_label() {
    let mut t = bot(Platform::Discord, "2026-03-29T12:00:00Z", &[("101", profile("alice", None))]).await;
    seed(&t, &spec(&["101"], "UTC", None)).await;
    t.run_until("2026-03-30T10:00:00Z").await;
    // A pasted log line: one word far longer than a Discord message.
    let log = "E".repeat(2_400);
    submit(&t, "101", &[&log, "more", "none"]).await;
    t.run_until("2026-03-30T17:30:00Z").await;
    let sent = t.sent();
    let posts = digests(&sent);
    assert!(posts.len() > 1, "{posts:#?}");
    for post in &posts {
        assert!(post.text.chars().count() <= 2_000);
        assert!(!post.text.trim_end().ends_with("*What did you do?*"), "a label apart from its answer: {}", post.text);
    }
    assert!(posts.iter().any(|p| p.text.contains("- *What did you do?* EEE")), "{posts:#?}");
}

#[tokio::test]
async fn digest_preview_is_private_and_digest_now_posts_once_without_repeating_answers() {
    let mut t = bot(Platform::Slack, "2026-03-29T12:00:00Z", &[("U1", profile("alice", Some("Europe/Berlin")))]).await;
    seed(&t, &spec(&["U1"], "Europe/Berlin", None)).await;
    t.run_until("2026-03-30T08:00:00Z").await;
    submit(&t, "U1", &["shipped it", "b", "none"]).await;
    t.sent();
    t.command("U1", "C1", "digest preview daily").await;
    t.command("U1", "C1", "digest now daily").await;
    t.command("U1", "C1", "digest now nope").await;
    t.run_until("2026-03-30T16:00:00Z").await;
    let sent = t.sent();
    assert_eq!(sent[0].kind, "ephemeral");
    assert!(sent[0].text.contains("shipped it"), "{}", sent[0].text);
    let posts = digests(&sent);
    assert_eq!(posts.len(), 2, "the manual one now, the scheduled one at 17:00");
    assert!(posts[0].text.contains("shipped it"));
    assert!(!posts[1].text.contains("shipped it"), "{}", posts[1].text);
    assert!(sent.iter().any(|m| m.kind == "ephemeral" && m.text.contains("no standup called 'nope'")));
}

#[tokio::test]
async fn blockers_lead_with_their_day_count_and_the_unanswered_are_named_with_their_prompt_time() {
    let members = [("U1", profile("alice", Some("Europe/Berlin"))), ("U2", profile("bob", Some("Europe/Berlin")))];
    let mut t = bot(Platform::Slack, "2026-03-29T12:00:00Z", &members).await;
    seed(&t, &spec(&["U1", "U2"], "Europe/Berlin", None)).await;
    t.run_until("2026-03-30T08:00:00Z").await;
    submit(&t, "U1", &["a", "b", "waiting on the VPN"]).await;
    t.run_until("2026-03-31T08:00:00Z").await;
    submit(&t, "U1", &["c", "d", "still the VPN"]).await;
    t.run_until("2026-03-31T16:00:00Z").await;
    let sent = t.sent();
    let posts = digests(&sent);
    assert_eq!(posts.len(), 2);
    let text = &posts[1].text;
    assert!(text.contains("alice (day 2): still the VPN"), "{text}");
    assert!(text.find("Blockers").unwrap() < text.find("*alice*").unwrap(), "{text}");
    // 09:30 Berlin on Tuesday is 07:30Z.
    assert!(text.contains("bob: prompted <!date^1774942200^"), "{text}");
    assert!(!text.contains("<@U2>"), "{text}");
}

#[tokio::test]
async fn an_empty_blank_or_none_blocker_answer_is_no_blocker_and_starts_no_day_count() {
    let members = [
        ("U1", profile("alice", Some("Europe/Berlin"))),
        ("U2", profile("bob", Some("Europe/Berlin"))),
        ("U3", profile("carol", Some("Europe/Berlin"))),
    ];
    let mut t = bot(Platform::Slack, "2026-03-29T12:00:00Z", &members).await;
    seed(&t, &spec(&["U1", "U2", "U3"], "Europe/Berlin", None)).await;
    t.run_until("2026-03-30T08:00:00Z").await;
    submit(&t, "U1", &["a", "b", ""]).await;
    submit(&t, "U2", &["c", "d", "   "]).await;
    submit(&t, "U3", &["e", "f", "nope"]).await;
    t.run_until("2026-03-31T08:00:00Z").await;
    submit(&t, "U1", &["g", "h", "waiting on the VPN"]).await;
    t.run_until("2026-03-31T16:00:00Z").await;
    let sent = t.sent();
    let posts = digests(&sent);
    assert_eq!(posts.len(), 2);
    let monday = &posts[0].text;
    assert!(!monday.contains("Blockers") && !monday.contains("(day"), "{monday}");
    assert!(monday.contains("*alice*") && monday.contains("*bob*") && monday.contains("*carol*"), "{monday}");
    let tuesday = &posts[1].text;
    assert!(tuesday.contains("alice (day 1): waiting on the VPN"), "an empty answer starts no streak: {tuesday}");
}

#[tokio::test]
async fn a_digest_shows_new_decisions_open_questions_and_converted_pings() {
    let members = [("U1", profile("alice", Some("Europe/Berlin"))), ("U2", profile("bob", Some("Europe/Berlin")))];
    let mut t = bot(Platform::Slack, "2026-03-29T12:00:00Z", &members).await;
    seed(&t, &spec(&["U1"], "Europe/Berlin", None)).await;
    let pool = t.store.pool().clone();
    let channel: i64 = sqlx::query_scalar("SELECT id FROM channels").fetch_one(&pool).await.unwrap();
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM members ORDER BY id").fetch_all(&pool).await.unwrap();
    let at = 1_774_860_000; // 2026-03-30T08:40:00Z, after the standup was created
    sqlx::query("INSERT INTO decisions (workspace_id, author_id, channel_id, text, created_at) VALUES (1, ?, ?, 'Ship on Fridays <!channel>', ?)")
        .bind(ids[0]).bind(channel).bind(at).execute(&pool).await.unwrap();
    sqlx::query("INSERT INTO open_questions (workspace_id, channel, message, asker_id, asked_id, text, asked_at) VALUES (1, 'C1', 'm9', ?, ?, 'where is the VPN config?', ?)")
        .bind(ids[0]).bind(ids[1]).bind(at).execute(&pool).await.unwrap();
    sqlx::query("INSERT INTO nudges (workspace_id, channel_id, sender_id, ping_message, kind, state, created_at, converted_at) VALUES (1, ?, ?, 'm8', 'greeting', 'sent', ?, ?)")
        .bind(channel).bind(ids[1]).bind(at).bind(at + 60).execute(&pool).await.unwrap();
    t.run_until("2026-03-31T16:00:00Z").await;
    let sent = t.sent();
    let posts = digests(&sent);
    assert_eq!(posts.len(), 2);
    let first = &posts[0].text;
    assert!(first.contains("Decisions since the last digest"), "{first}");
    assert!(first.contains("Ship on Fridays") && !first.contains("<!channel>"), "{first}");
    assert!(first.contains("for bob: where is the VPN config?"), "{first}");
    assert!(first.contains("1 ping became an async question"), "{first}");
    let second = &posts[1].text;
    assert!(!second.contains("Ship on Fridays") && !second.contains("ping"), "only new ones, no zero count: {second}");
    assert!(second.contains("where is the VPN config?"), "still open: {second}");
}

#[tokio::test]
async fn a_run_left_open_over_a_day_off_shows_the_next_prompt_not_the_old_one() {
    let members = [("U1", profile("alice", Some("Europe/Berlin"))), ("U2", profile("noa", Some("Asia/Jerusalem")))];
    let mut t = bot(Platform::Slack, "2026-03-25T12:00:00Z", &members).await;
    // noa works Sunday to Thursday: Friday is her day off, so Thursday's run stays open.
    t.command("U2", "C1", "hours 09:00-17:00 sun-thu").await;
    seed(&t, &spec(&["U1", "U2"], "Europe/Berlin", None)).await;
    t.run_until("2026-03-27T17:00:00Z").await;
    let sent = t.sent();
    let posts = digests(&sent);
    let thursday = posts.iter().find(|p| p.text.contains("Thu 26 Mar")).expect("Thursday's digest");
    // 09:30 Jerusalem on Thursday 26 March is 07:30Z.
    assert!(thursday.text.contains("noa: prompted <!date^1774510200^"), "{}", thursday.text);
    let friday = posts.iter().find(|p| p.text.contains("Fri 27 Mar")).expect("Friday's digest");
    // Her next prompt is Monday 30 March, 09:30 Jerusalem (IDT since the 27th) = 06:30Z.
    assert!(friday.text.contains("noa: next prompt <!date^1774852200^"), "{}", friday.text);
    assert!(!friday.text.contains("1774510200"), "Thursday's prompt is old news by Friday: {}", friday.text);
}

#[tokio::test]
async fn a_member_is_judged_on_their_own_day_that_the_digest_covers_not_their_date_at_posting_time() {
    let members = [
        ("U1", profile("alice", Some("Europe/Berlin"))),
        ("U2", profile("sheila", Some("Australia/Sydney"))),
        ("U3", profile("carol", Some("Australia/Sydney"))),
    ];
    let mut t = bot(Platform::Slack, "2026-03-29T12:00:00Z", &members).await;
    seed(&t, &spec(&["U1", "U2", "U3"], "Europe/Berlin", None)).await;
    t.command("U2", "C1", "ooo 2026-03-31..2026-03-31").await;
    t.command("U3", "C1", "standup skip 2026-03-31").await;
    // The digests are at 17:00 Berlin (15:00Z), 02:00 of the next day in Sydney.
    t.run_until("2026-03-31T16:00:00Z").await;
    let sent = t.sent();
    let posts = digests(&sent);
    assert_eq!(posts.len(), 2, "{posts:#?}");
    let monday = &posts[0].text;
    assert!(monday.contains("Mon 30 Mar"), "{monday}");
    assert!(!monday.contains("Away"), "sheila is away on 31 March only: {monday}");
    assert!(!monday.contains("Skipping"), "carol skips 31 March only: {monday}");
    // Their 30 March prompts: 09:30 in Sydney is 22:30Z on the 29th.
    assert!(monday.contains("sheila: prompted <!date^1774823400^"), "{monday}");
    assert!(monday.contains("carol: prompted <!date^1774823400^"), "{monday}");
    let tuesday = &posts[1].text;
    assert!(tuesday.contains("Away: sheila"), "{tuesday}");
    assert!(tuesday.contains("Skipping today: carol"), "{tuesday}");
}

#[tokio::test]
async fn a_slack_digest_names_the_people_in_answers_without_pinging_them() {
    let members = [("U1", profile("alice", Some("Europe/Berlin"))), ("U2", profile("bob", Some("Europe/Berlin")))];
    let mut t = bot(Platform::Slack, "2026-03-29T12:00:00Z", &members).await;
    seed(&t, &spec(&["U1", "U2"], "Europe/Berlin", None)).await;
    t.run_until("2026-03-30T08:00:00Z").await;
    submit(&t, "U1", &["paired with <@U2> on the importer", "more of it", "waiting on <@U2> for the VPN keys"]).await;
    t.run_until("2026-03-30T16:00:00Z").await;
    let sent = t.sent();
    let posts = digests(&sent);
    assert_eq!(posts.len(), 1);
    let text = &posts[0].text;
    assert!(text.contains("alice (day 1): waiting on @bob for the VPN keys"), "{text}");
    assert!(text.contains("paired with @bob on the importer"), "{text}");
    assert!(!text.contains("<@"), "a digest pings nobody: {text}");
    assert!(posts[0].mentions.is_empty());
}

#[tokio::test]
async fn a_discord_digest_keeps_mentions_as_names_but_allows_no_ping() {
    let members = [("101", profile("alice", None)), ("102", profile("bob", None))];
    let mut t = bot(Platform::Discord, "2026-03-29T12:00:00Z", &members).await;
    t.command("101", "C1", "tz Europe/Berlin").await;
    seed(&t, &spec(&["101"], "Europe/Berlin", None)).await;
    t.run_until("2026-03-30T08:00:00Z").await;
    submit(&t, "101", &["paired with <@102>", "more", "none"]).await;
    t.run_until("2026-03-30T16:00:00Z").await;
    let sent = t.sent();
    let posts = digests(&sent);
    assert!(posts[0].text.contains("paired with <@102>"), "{}", posts[0].text);
    assert!(posts[0].mentions.is_empty(), "allowed_mentions lists nobody");
}

#[tokio::test]
async fn after_digest_now_the_scheduled_digest_says_what_is_new_not_no_answers_yet() {
    let members = [("U1", profile("alice", Some("Europe/Berlin"))), ("U2", profile("bob", Some("Europe/Berlin")))];
    let mut t = bot(Platform::Slack, "2026-03-29T12:00:00Z", &members).await;
    seed(&t, &spec(&["U1", "U2"], "Europe/Berlin", None)).await;
    t.run_until("2026-03-30T08:00:00Z").await;
    submit(&t, "U1", &["alice done", "alice next", "none"]).await;
    t.command("U1", "C1", "digest now daily").await;
    submit(&t, "U2", &["bob done", "bob next", "none"]).await;
    t.run_until("2026-03-30T16:00:00Z").await;
    let sent = t.sent();
    let posts = digests(&sent);
    assert_eq!(posts.len(), 2, "{posts:#?}");
    let scheduled = &posts[1].text;
    assert!(scheduled.contains("New since the earlier digest today (1 member answered there):"), "{scheduled}");
    assert!(scheduled.contains("bob done") && !scheduled.contains("alice done"), "{scheduled}");

    // One member, who answered before `digest now`: the scheduled digest has nothing new.
    let mut t = bot(Platform::Slack, "2026-03-29T12:00:00Z", &[("U1", profile("alice", Some("Europe/Berlin")))]).await;
    seed(&t, &spec(&["U1"], "Europe/Berlin", None)).await;
    t.run_until("2026-03-30T08:00:00Z").await;
    submit(&t, "U1", &["alice done", "alice next", "none"]).await;
    t.command("U1", "C1", "digest now daily").await;
    t.run_until("2026-03-30T16:00:00Z").await;
    let sent = t.sent();
    let posts = digests(&sent);
    assert_eq!(posts.len(), 2, "{posts:#?}");
    assert_eq!(
        posts[1].text,
        "*daily standup* — Mon 30 Mar 2026: no new answers since the earlier digest today (1 member answered there).",
        "one short line, never \"No answers yet\" about answers shown earlier"
    );
}

#[tokio::test]
async fn after_downtime_one_digest_is_posted_for_the_missed_days_and_it_says_it_is_late() {
    let members = [("U1", profile("alice", Some("Europe/Berlin")))];
    let mut t = bot(Platform::Slack, "2026-03-29T12:00:00Z", &members).await;
    seed(&t, &spec(&["U1"], "Europe/Berlin", None)).await;
    t.run_until("2026-03-30T08:00:00Z").await;
    submit(&t, "U1", &["monday work", "b", "none"]).await;
    t.sent();
    // Down from Monday 08:00Z until Wednesday 16:00Z: the digests of Monday, Tuesday and
    // Wednesday (17:00 Berlin = 15:00Z) all came due meanwhile.
    t.clock.set("2026-04-01T16:00:00Z".parse().unwrap());
    t.restart().await;
    t.run_until("2026-04-01T16:00:30Z").await;
    let sent = t.sent();
    let posts = digests(&sent);
    assert_eq!(posts.len(), 1, "one digest for the missed days, not one per day: {posts:#?}");
    let late = &posts[0].text;
    assert!(late.contains("Wed 1 Apr 2026"), "the latest due one: {late}");
    assert!(late.contains("monday work"), "it carries every answer no digest showed: {late}");
    assert!(
        late.contains("(Posted late: it was due <!date^1775055600^{date_short_pretty} {time}|2026-04-01 15:00 UTC>.)"),
        "{late}"
    );
    t.run_until("2026-04-02T16:00:00Z").await;
    let sent = t.sent();
    let thursday = digests(&sent);
    assert_eq!(thursday.len(), 1);
    assert!(thursday[0].text.contains("Thu 2 Apr 2026") && !thursday[0].text.contains("late"), "{}", thursday[0].text);
}

/// `digest_when_empty=skip` on one platform: the scheduled digest after `digest now` has
/// nothing new, so nothing is posted; a `digest now` with nothing says so privately; the
/// previews mention it; `post` brings the one line back.
async fn empty_digest_skipped_case(platform: Platform, alice: &str) {
    let mut settings = crate::standup::settings();
    settings.workspace.admins = vec![alice.to_owned()];
    let members = [(alice, profile("alice", Some("Europe/Berlin")))];
    let mut t = crate::support::TestBot::new(platform, "2026-03-29T12:00:00Z", settings, &members).await;
    seed(&t, &spec(&[alice], "Europe/Berlin", None)).await;
    t.command(alice, "C1", "standup edit daily digest_when_empty=skip").await;
    t.command(alice, "C1", "standup preview daily 2").await;
    let sent = t.sent();
    assert!(
        sent[0].text.contains("A digest with nothing to report is now skipped: nothing is posted that day."),
        "{}",
        sent[0].text
    );
    assert!(
        sent[1].text.ends_with("Digest: not posted on a day with nothing to report (digest_when_empty=skip)."),
        "{}",
        sent[1].text
    );
    t.run_until("2026-03-30T08:00:00Z").await;
    submit(&t, alice, &["alice done", "alice next", "none"]).await;
    t.command(alice, "C1", "digest now daily").await;
    // Nothing new since: a second `digest now` and the scheduled digest both post nothing.
    t.command(alice, "C1", "digest now daily").await;
    t.command(alice, "C1", "digest preview daily").await;
    t.run_until("2026-03-30T16:00:00Z").await;
    let sent = t.sent();
    let posts = digests(&sent);
    assert_eq!(posts.len(), 1, "only the digest that had answers: {posts:#?}");
    assert!(posts[0].text.contains("alice done"));
    let replies: Vec<&str> = sent.iter().filter(|m| m.kind == "ephemeral").map(|m| m.text.as_str()).collect();
    assert!(
        replies.contains(
            &"Nothing to report in the daily digest, and it is set to digest_when_empty=skip: nothing was posted."
        ),
        "{replies:#?}"
    );
    assert!(
        replies
            .iter()
            .any(|r| r.ends_with("(Nothing to report: with digest_when_empty=skip, this digest would not be posted.)")),
        "{replies:#?}"
    );

    // Back to `post`: Tuesday's digest after `digest now` is the one short line again.
    t.command(alice, "C1", "standup edit daily digest_when_empty=post").await;
    t.run_until("2026-03-31T08:00:00Z").await;
    submit(&t, alice, &["tuesday done", "tuesday next", "none"]).await;
    t.command(alice, "C1", "digest now daily").await;
    t.run_until("2026-03-31T16:00:00Z").await;
    let sent = t.sent();
    let posts = digests(&sent);
    assert_eq!(posts.len(), 2, "{posts:#?}");
    assert!(posts[1].text.contains("no new answers since the earlier digest today"), "{}", posts[1].text);
}

#[tokio::test]
async fn with_digest_when_empty_skip_a_digest_with_nothing_to_report_posts_nothing_on_slack() {
    empty_digest_skipped_case(Platform::Slack, "U1").await;
}

#[tokio::test]
async fn with_digest_when_empty_skip_a_digest_with_nothing_to_report_posts_nothing_on_discord() {
    empty_digest_skipped_case(Platform::Discord, "101").await;
}

#[tokio::test]
async fn a_digest_lists_the_ten_most_recent_open_questions_for_two_weeks_and_counts_the_older_ones() {
    let members = [("U1", profile("alice", Some("Europe/Berlin"))), ("U2", profile("bob", Some("Europe/Berlin")))];
    let mut t = bot(Platform::Slack, "2026-03-16T09:00:00Z", &members).await;
    // Asked 14 days and 6 hours before the first digest: expired (retention.open_questions = 14d).
    t.message("U1", "C1", "<@U2> where is the VPN config?", None).await;
    t.run_until("2026-03-29T12:00:00Z").await;
    seed(&t, &spec(&["U1"], "Europe/Berlin", None)).await;
    t.run_until("2026-03-30T08:00:00Z").await;
    let mut asked = Vec::new();
    for part in 1..=12 {
        asked.push(t.message("U1", "C1", &format!("<@U2> can you review part {part} of the budget doc?"), None).await);
        t.run_for(chrono::Duration::minutes(1)).await;
    }
    t.run_until("2026-03-30T16:00:00Z").await;
    let sent = t.sent();
    let posts = digests(&sent);
    assert_eq!(posts.len(), 1, "{posts:?}");
    let monday = &posts[0].text;
    assert!(!monday.contains("VPN config"), "an expired question is not repeated: {monday}");
    for part in 3..=12 {
        assert!(monday.contains(&format!("for bob: @bob can you review part {part} of")), "{monday}");
    }
    assert!(!monday.contains("part 1 of") && !monday.contains("part 2 of"), "{monday}");
    assert!(monday.contains("…and 2 more open questions, asked earlier"), "{monday}");

    // Bob answers the latest in its thread: an older one takes its place in the list.
    t.message("U2", "C1", "looks good", Some(&asked[11])).await;
    t.run_until("2026-03-31T16:00:00Z").await;
    let sent = t.sent();
    let tuesday = &digests(&sent)[0].text;
    assert!(!tuesday.contains("part 12 of") && tuesday.contains("part 2 of"), "{tuesday}");
    assert!(tuesday.contains("…and 1 more open question, asked earlier"), "{tuesday}");

    // Two weeks after they were asked, they are no longer repeated.
    t.run_until("2026-04-13T16:00:00Z").await;
    let sent = t.sent();
    let posts = digests(&sent);
    let (last, before) = posts.split_last().unwrap();
    assert!(before.last().unwrap().text.contains("part 11 of"), "still open on Friday 10 April");
    assert!(!last.text.contains("Open questions") && !last.text.contains("budget doc"), "{}", last.text);
}
