//! `/async export-me` through the real adapters. On Slack (slack-morphism against the Slack
//! double): the signed slash command gets a short private reply through its `response_url`, and
//! the JSON file is uploaded (`files.getUploadURLExternal`, the upload URL,
//! `files.completeUploadExternal`) and shared in the member's DM, named with its outbox id; an
//! answer lost after Slack shared it is reconciled by that name and never shared twice. On
//! Discord (serenity against the Discord double): the DM is one multipart create, the message as
//! `payload_json` with its enforced nonce and the file as `files[0]`.

use serde_json::{Value, json};
use unhurried::domain::events::{InboundEvent, StandupSubmission};
use unhurried::features::standup::seed_standup;
use unhurried::ports::{DirectoryStore as _, MemberChanges, OutboxStore as _};

use crate::discord_double::{APP, GUILD};
use crate::discord_gateway::{Harness, slash_command};
use crate::slack_double::{Fault, assert_calls_match_spec};
use crate::slack_support::SlackHarness;
use crate::standup::spec;

/// Alice (U1) and bob (U2) answer Friday's standup, due 09:30 Berlin.
async fn slack_day_of_two(h: &mut SlackHarness) {
    let workspace = h.bot.workspace_id("T1").await.unwrap();
    for user in ["U1", "U2"] {
        let member = h.bot.member(workspace, "T1", user).await.unwrap();
        // Both in Berlin (bob's Slack profile says Tokyo), so both are prompted at 09:30 today.
        let berlin = MemberChanges { tz: Some(("Europe/Berlin".into(), "command".into())), ..Default::default() };
        h.store.update_member(member.id, &berlin).await.unwrap();
    }
    seed_standup(&h.bot, workspace, &spec(&["U1", "U2"], "Europe/Berlin", None)).await.unwrap();
    h.advance(31 * 60).await;
    h.bot.settle().await.unwrap();
    for (user, words) in [
        ("U1", ["alice polished the importer", "alice reviews the kiwi PR", "none"]),
        ("U2", ["bob fixed the flaky walrus test", "bob pairs on quokka", "waiting for narwhal keys"]),
    ] {
        let submission = StandupSubmission {
            workspace: "T1".into(),
            id: format!("sub-{user}"),
            user: user.into(),
            standup: "daily".into(),
            answers: words.iter().map(|w| (*w).to_owned()).collect(),
        };
        h.bot.handle(InboundEvent::StandupSubmission(submission)).await.unwrap();
    }
    h.bot.settle().await.unwrap();
    assert_eq!(answers_stored(h.store.pool()).await, 6, "both answered");
}

/// How many answers the store holds.
async fn answers_stored(pool: &sqlx::SqlitePool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM answers WHERE text <> ''").fetch_one(pool).await.unwrap()
}

/// `/async export-me` typed by `user` in C1, handled and delivered; the private reply's text.
async fn slack_export_me(h: &mut SlackHarness, user: &str, tag: &str) -> String {
    let response_url = h.double.response_url(tag);
    let body = serde_urlencoded::to_string([
        ("token", "x"),
        ("team_id", "T1"),
        ("team_domain", "d"),
        ("channel_id", "C1"),
        ("channel_name", "general"),
        ("user_id", user),
        ("user_name", "someone"),
        ("command", "/async"),
        ("text", "export-me"),
        ("response_url", response_url.as_str()),
        ("trigger_id", &format!("111.222.{tag}")),
    ])
    .unwrap();
    let (status, answer) = h.post_signed("/slack/commands", &body, h.now_unix(), &[]).await;
    assert_eq!((status, answer.as_str()), (200, ""));
    assert_eq!(h.drain().await, 1);
    let replies = h.double.calls_of("response_url");
    let reply = replies.iter().rev().find(|c| c.params["text"].is_string()).expect("a reply");
    assert_eq!(reply.params["response_type"], "ephemeral");
    reply.params["text"].as_str().unwrap().to_owned()
}

/// The files the bot shared in `channel`: (message text, file name, content).
fn shared_files(h: &SlackHarness, channel: &str) -> Vec<(String, String, String)> {
    h.double
        .posted_in(channel)
        .into_iter()
        .flat_map(|p| p.files.iter().map(|f| (p.text.clone(), f.name.clone(), f.text())).collect::<Vec<_>>())
        .collect()
}

#[tokio::test]
async fn on_slack_the_file_arrives_in_her_dm_with_her_data_and_none_of_bob_s() {
    let mut h = SlackHarness::start().await;
    slack_day_of_two(&mut h).await;
    let reply = slack_export_me(&mut h, "U1", "x1").await;
    assert!(reply.starts_with("Sent you a DM with your data as a file (unhurried-export.json, "), "{reply}");

    let files = shared_files(&h, "DU1");
    assert_eq!(files.len(), 1, "{:#?}", h.double.calls());
    let (text, name, content) = &files[0];
    assert!(text.starts_with("Here is everything unhurried stores about you"), "{text}");
    assert!(name.starts_with("unhurried-export-") && name.ends_with(".json"), "{name}");
    let outbox_id: i64 = name["unhurried-export-".len()..name.len() - ".json".len()].parse().unwrap();
    assert_eq!(h.store.sent_ref(outbox_id).await.unwrap().as_deref().map(|r| r.starts_with('F')), Some(true));
    let json: Value = serde_json::from_str(content).unwrap();
    assert_eq!(json["profile"]["user"], "U1");
    assert_eq!(json["runs"][0]["answers"][0]["answer"], "alice polished the importer");
    for his in ["bob", "U2", "walrus", "quokka", "narwhal"] {
        assert!(!content.contains(his), "{his} is bob's, yet in alice's file:\n{content}");
    }
    assert!(shared_files(&h, "DU2").is_empty(), "nothing went to bob");

    let asked = h.double.calls_of("files.getUploadURLExternal");
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].params["filename"], json!(name));
    assert_eq!(asked[0].params["length"], json!(content.len().to_string()));
    let uploads = h.double.calls_of("upload_url");
    assert_eq!(uploads.len(), 1);
    assert_eq!(uploads[0].content_type, "application/json");
    let completed = h.double.calls_of("files.completeUploadExternal");
    assert_eq!(completed.len(), 1);
    assert_eq!(completed[0].params["channel_id"], "DU1", "shared in her DM conversation");
    assert_eq!(completed[0].params["initial_comment"], json!(text));
    assert_eq!(completed[0].params["files"][0]["title"], json!(name));
    assert_calls_match_spec(&h.double.calls());
}

#[tokio::test]
async fn on_slack_a_share_whose_answer_was_lost_is_found_by_its_file_name_and_never_shared_twice() {
    let mut h = SlackHarness::start().await;
    slack_day_of_two(&mut h).await;
    h.double.fail_after_recording("files.completeUploadExternal", 1, Fault::DropConnection);
    slack_export_me(&mut h, "U1", "x2").await;
    assert_eq!(shared_files(&h, "DU1").len(), 1, "Slack shared it");
    let unknown = h.store.outbox_stats().await.unwrap();
    assert!(unknown.by_state.iter().any(|(s, n)| s == "unknown" && *n == 1), "not known to be sent: {unknown:?}");

    h.advance(60).await;
    assert_eq!(shared_files(&h, "DU1").len(), 1, "found, not shared again");
    let lookups = h.double.calls_of("conversations.history");
    assert!(lookups.iter().any(|c| c.params["channel"] == "DU1"), "{:?}", h.double.calls());
    assert_eq!(h.double.calls_of("files.getUploadURLExternal").len(), 1, "never uploaded again");
    h.advance(600).await;
    assert_eq!(shared_files(&h, "DU1").len(), 1, "and never again");
    assert_calls_match_spec(&h.double.calls());
}

#[tokio::test]
async fn on_slack_an_upload_that_failed_before_the_share_is_uploaded_again_and_shared_once() {
    let mut h = SlackHarness::start().await;
    slack_day_of_two(&mut h).await;
    h.double.fail_after_recording("files.getUploadURLExternal", 1, Fault::Status500);
    slack_export_me(&mut h, "U1", "x3").await;
    assert!(shared_files(&h, "DU1").is_empty());
    h.advance(60).await;
    let files = shared_files(&h, "DU1");
    assert_eq!(files.len(), 1, "{:#?}", h.double.calls());
    assert_eq!(h.double.calls_of("files.completeUploadExternal").len(), 1);
    h.advance(600).await;
    assert_eq!(shared_files(&h, "DU1").len(), 1);
    assert_calls_match_spec(&h.double.calls());
}

#[tokio::test]
async fn on_slack_a_token_without_files_write_is_refused_for_good_and_says_so() {
    let mut h = SlackHarness::start().await;
    slack_day_of_two(&mut h).await;
    let mut scopes = crate::slack_double::manifest_bot_scopes();
    scopes.retain(|s| s != "files:write");
    h.double.grant_scopes(&scopes.iter().map(String::as_str).collect::<Vec<_>>());
    slack_export_me(&mut h, "U1", "x4").await;
    h.advance(600).await;
    assert!(shared_files(&h, "DU1").is_empty());
    let undelivered = h.store.undelivered(10).await.unwrap();
    assert_eq!(undelivered.len(), 1, "{undelivered:?}");
    assert_eq!(undelivered[0].state, "failed");
    assert!(undelivered[0].error.as_deref().unwrap_or_default().contains("missing_scope"), "{undelivered:?}");
    assert_eq!(h.double.calls_of("files.getUploadURLExternal").len(), 1, "refused once, never retried");
}

/// The text of the ephemeral reply to interaction `id`.
async fn discord_reply(h: &Harness, id: &str) -> String {
    let path = format!("/webhooks/{APP}/tok-{id}/messages/@original");
    h.double.until("the reply", |d| !d.matching("PATCH", |p| p == path).is_empty()).await;
    h.double.matching("PATCH", |p| p == path)[0].body["content"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn on_discord_the_file_goes_by_dm_as_one_multipart_create_with_its_nonce() {
    let mut h = Harness::start(|_| {}).await;
    let workspace = h.bot.workspace_id(GUILD).await.unwrap();
    for user in ["111", "222"] {
        h.bot.member(workspace, GUILD, user).await.unwrap();
    }
    seed_standup(&h.bot, workspace, &spec(&["111", "222"], "UTC", None)).await.unwrap();
    h.advance("2026-03-30T09:31:00Z").await;
    for (user, words) in
        [("111", ["ana wrote the parser", "ana tests it", "none"]), ("222", ["ben hid the walrus", "ben naps", "none"])]
    {
        let submission = StandupSubmission {
            workspace: GUILD.into(),
            id: format!("sub-{user}"),
            user: user.into(),
            standup: "daily".into(),
            answers: words.iter().map(|w| (*w).to_owned()).collect(),
        };
        h.bot.handle(InboundEvent::StandupSubmission(submission)).await.unwrap();
    }
    h.bot.settle().await.unwrap();
    assert_eq!(answers_stored(h.store.pool()).await, 6, "both answered");

    let export = json!([{"type": 1, "name": "export-me", "options": []}]);
    h.double.dispatch("INTERACTION_CREATE", slash_command("9001", "tok-9001", "111", export));
    let InboundEvent::Command(command) = h.handle_next().await else { panic!("not a command") };
    assert_eq!(command.text, "export-me");
    let reply = discord_reply(&h, "9001").await;
    assert!(reply.starts_with("Sent you a DM with your data as a file (unhurried-export.json, "), "{reply}");

    let dm = h.double.matching("POST", |p| p == "/channels/9111/messages");
    let with_file: Vec<_> = dm.iter().filter(|r| !r.files.is_empty()).collect();
    assert_eq!(with_file.len(), 1, "{:#?}", h.double.requests());
    let create = with_file[0];
    assert!(create.body["content"].as_str().unwrap().starts_with("Here is everything unhurried stores about you"));
    assert!(create.body["nonce"].as_str().is_some_and(|n| !n.is_empty()), "{}", create.body);
    assert_eq!(create.body["enforce_nonce"], true);
    assert_eq!(create.body["attachments"][0]["id"], 0);
    assert_eq!(create.body["attachments"][0]["filename"], "unhurried-export.json");
    assert_eq!(create.body["allowed_mentions"]["parse"], json!([]));
    let file = &create.files[0];
    assert_eq!((file.field.as_str(), file.filename.as_str()), ("files[0]", "unhurried-export.json"));
    assert_eq!(file.content_type, "application/json");
    let content = file.text();
    let data: Value = serde_json::from_str(&content).unwrap();
    assert_eq!(data["profile"]["platform"], "discord");
    assert_eq!(data["runs"][0]["answers"][0]["answer"], "ana wrote the parser");
    for his in ["ben", "walrus", "222"] {
        assert!(!content.contains(his), "{his} is ben's, yet in ana's file:\n{content}");
    }
    let created = h.double.created();
    let made = created.iter().find(|m| m["attachments"].as_array().is_some_and(|a| !a.is_empty())).unwrap();
    assert_eq!(made["attachments"][0]["size"], content.len());
    h.stop().await;
}
