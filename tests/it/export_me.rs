//! `/async export-me` through the whole bot (real SQLite file, manual clock, simulated platform):
//! the member gets a JSON file of everything stored about them by DM and a short private reply;
//! nothing of the member who answers the same standup beside them is in it. The same command
//! through the real Slack and Discord adapters is in `export_me_platforms.rs`.

use unhurried::domain::platform::Platform;

use crate::standup::{bot, seed, spec, submit};
use crate::support::{TestBot, profile};

pub const ALICE: &str = "U1";
pub const BOB: &str = "U2";

/// Alice and bob answered the same standup and each logged a decision in C1; nothing sent is left
/// in the transcript.
pub async fn a_day_of_two(platform: Platform) -> TestBot {
    let members = [(ALICE, profile("alice", Some("Europe/Berlin"))), (BOB, profile("bob", Some("Asia/Tokyo")))];
    let mut t = bot(platform, "2026-03-29T12:00:00Z", &members).await;
    seed(&t, &spec(&[ALICE, BOB], "Europe/Berlin", None)).await;
    t.run_until("2026-03-30T09:00:00Z").await;
    submit(&t, ALICE, &["alice polished the importer", "alice reviews the kiwi PR", "none"]).await;
    submit(&t, BOB, &["bob fixed the flaky walrus test", "bob pairs on quokka", "waiting for narwhal keys"]).await;
    t.command(ALICE, "C1", "decide We ship on Tuesdays").await;
    t.command(BOB, "C1", "decide bob says zebra stays").await;
    t.sent();
    t
}

/// Bob's words, name and id: none may be in alice's export.
pub const BOBS: [&str; 7] = ["bob", "U2", "walrus", "quokka", "narwhal", "zebra", "Asia/Tokyo"];

#[tokio::test]
async fn export_me_sends_her_data_as_a_json_file_by_dm_and_nothing_of_bob() {
    let mut t = a_day_of_two(Platform::Slack).await;
    t.command(ALICE, "C1", "export-me").await;
    let sent = t.sent();
    assert_eq!(sent.len(), 2, "{sent:#?}");
    let reply = sent.iter().find(|e| e.kind == "ephemeral").expect("a private reply");
    assert_eq!(reply.to.as_deref(), Some(ALICE));
    assert!(
        reply.text.starts_with("Sent you a DM with your data as a file (unhurried-export.json, "),
        "{}",
        reply.text
    );
    assert!(reply.file.is_none(), "the file goes by DM only");

    let dm = sent.iter().find(|e| e.kind == "dm").expect("a DM");
    assert_eq!((dm.to.as_deref(), dm.purpose), (Some(ALICE), "command_reply"));
    assert!(dm.text.starts_with("Here is everything unhurried stores about you"), "{}", dm.text);
    let file = dm.file.as_ref().expect("the file");
    assert_eq!(
        (file.name.as_str(), file.first_line.as_str(), file.bytes),
        ("unhurried-export.json", "{", file.text.len())
    );
    let json: serde_json::Value = serde_json::from_str(&file.text).unwrap();
    assert_eq!(json["format"], 1);
    assert_eq!(json["exported_at"], "2026-03-30T09:00:00Z");
    assert_eq!(json["profile"]["user"], ALICE);
    assert_eq!(json["profile"]["name"], "alice");
    assert_eq!(json["profile"]["tz"], "Europe/Berlin");
    assert_eq!(json["standups"][0]["standup"], "daily");
    let answers: Vec<&str> =
        json["runs"][0]["answers"].as_array().unwrap().iter().map(|a| a["answer"].as_str().unwrap()).collect();
    assert_eq!(answers, ["alice polished the importer", "alice reviews the kiwi PR", "none"]);
    assert_eq!(json["runs"][0]["answers"][0]["question"], "What did you do?");
    assert_eq!(json["runs"].as_array().unwrap().len(), 1, "her run only");
    assert_eq!(json["decisions"][0]["text"], "We ship on Tuesdays");
    assert_eq!(json["decisions"].as_array().unwrap().len(), 1);
    for his in BOBS {
        assert!(!file.text.contains(his), "{his} is bob's, yet in alice's export:\n{}", file.text);
    }
}

#[tokio::test]
async fn bob_s_export_is_his_alone_too() {
    let mut t = a_day_of_two(Platform::Discord).await;
    t.command(BOB, "C1", "export-me").await;
    let sent = t.sent();
    let file = sent.iter().find_map(|e| e.file.clone()).expect("a file");
    assert!(file.text.contains("bob fixed the flaky walrus test") && file.text.contains("bob says zebra stays"));
    for hers in ["alice", "U1\"", "importer", "kiwi", "Tuesdays", "Europe/Berlin\""] {
        assert!(!file.text.contains(hers), "{hers} is alice's, yet in bob's export:\n{}", file.text);
    }
}

#[tokio::test]
async fn export_me_takes_nothing_after_it_and_sends_nothing_then() {
    let mut t = a_day_of_two(Platform::Slack).await;
    t.command(ALICE, "C1", "export-me bob").await;
    let sent = t.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].kind, "ephemeral");
    assert!(sent[0].text.contains("takes nothing after it"), "{}", sent[0].text);
    assert!(sent[0].file.is_none());
}

#[tokio::test]
async fn the_transcript_and_the_pretty_view_show_the_file_by_name_and_size() {
    let mut t = a_day_of_two(Platform::Slack).await;
    t.command(ALICE, "C1", "export-me").await;
    let sent = t.sent();
    let dm = sent.iter().find(|e| e.kind == "dm").unwrap();
    let line = serde_json::to_value(dm).unwrap();
    assert_eq!(line["file"]["name"], "unhurried-export.json");
    assert_eq!(line["file"]["bytes"], dm.file.as_ref().unwrap().bytes);
    assert_eq!(line["file"]["first_line"], "{");
    assert!(line["file"].get("text").is_none(), "the content stays out of the transcript");
    let reply = serde_json::to_value(sent.iter().find(|e| e.kind == "ephemeral").unwrap()).unwrap();
    assert!(reply.get("file").is_none(), "no file, no key");
}
