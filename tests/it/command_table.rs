//! The one command table on the real adapters: Discord registers exactly the table's commands
//! with the table's options, and `nudge me` and `holidays` work typed on Discord (serenity
//! against the Discord double) and written on Slack (signed slash commands into the real routes,
//! answers through the Slack double's `response_url`).

use serde_json::{Value, json};
use unhurried::domain::command::{Access, COMMANDS, OptionKind};
use unhurried::domain::events::InboundEvent;
use unhurried::ports::{DirectoryStore as _, MemberChanges};

use crate::discord_double::{APP, GUILD};
use crate::discord_gateway::{Harness, slash_command};
use crate::slack_double::assert_calls_match_spec;
use crate::slack_support::SlackHarness;

/// Discord's option type number for a kind (subcommands are 1, groups 2).
fn discord_type(kind: OptionKind) -> u64 {
    match kind {
        OptionKind::Text => 3,
        OptionKind::Integer => 4,
        OptionKind::Boolean => 5,
        OptionKind::Channel => 7,
    }
}

/// The registered subcommand at `path` in the command Discord received.
fn registered<'a>(command: &'a Value, path: &[&str]) -> Option<&'a Value> {
    let mut level: &[Value] = command["options"].as_array()?;
    let mut found = None;
    for word in path {
        let option = level.iter().find(|o| o["name"] == *word)?;
        level = option["options"].as_array().map_or(&[][..], Vec::as_slice);
        found = Some(option);
    }
    found
}

#[tokio::test]
async fn discord_registers_every_command_of_the_table_with_its_options_and_nothing_else() {
    let h = Harness::start(|_| {}).await;
    let puts = h.double.matching("PUT", |p| p == format!("/applications/{APP}/guilds/{GUILD}/commands"));
    let command = &puts[0].body[0];
    assert_eq!(command["name"], "async");
    let mut count = 0;
    for spec in COMMANDS {
        let sub = registered(command, spec.path).unwrap_or_else(|| panic!("{:?} is not on Discord", spec.path));
        assert_eq!(sub["type"], 1, "{:?} is a subcommand", spec.path);
        assert_eq!(sub["description"], spec.help);
        let options = sub["options"].as_array().map_or(&[][..], Vec::as_slice);
        let names: Vec<&str> = options.iter().map(|o| o["name"].as_str().unwrap()).collect();
        let expected: Vec<&str> = spec.options.iter().map(|o| o.name).collect();
        assert_eq!(names, expected, "{:?}", spec.path);
        for (given, defined) in options.iter().zip(spec.options) {
            assert_eq!(given["type"], discord_type(defined.kind), "{:?} {}", spec.path, defined.name);
            assert_eq!(given["required"].as_bool().unwrap_or(false), defined.required, "{:?}", spec.path);
            let choices: Vec<&str> = given["choices"]
                .as_array()
                .map_or(vec![], |c| c.iter().map(|c| c["value"].as_str().unwrap()).collect());
            assert_eq!(choices, defined.choices, "{:?} {}", spec.path, defined.name);
        }
        count += 1;
    }
    let registered_count: usize = command["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| if o["type"] == 2 { o["options"].as_array().unwrap().len() } else { 1 })
        .sum();
    assert_eq!(registered_count, count, "Discord has no command the table lacks");
    h.disconnect().await;
}

/// A typed `/async` invocation by `user`, with Manage Server when `admin`.
fn typed(id: &str, user: &str, admin: bool, options: Value) -> Value {
    let mut interaction = slash_command(id, &format!("tok-{id}"), user, options);
    if admin {
        interaction["member"]["permissions"] = json!("32");
    }
    interaction
}

/// The text of the ephemeral reply to interaction `id`, once the delivery worker has sent it.
async fn discord_reply(h: &Harness, id: &str) -> String {
    let path = format!("/webhooks/{APP}/tok-{id}/messages/@original");
    h.double.until("the reply", |d| !d.matching("PATCH", |p| p == path).is_empty()).await;
    let replies = h.double.matching("PATCH", |p| p == path);
    assert_eq!(replies.len(), 1, "{:#?}", h.double.requests());
    replies[0].body["content"].as_str().unwrap().to_owned()
}

// Each command comes from another member, so each reply is the first of its private lane.
#[tokio::test]
async fn nudge_me_and_holidays_work_as_typed_discord_commands() {
    let mut h = Harness::start(|_| {}).await;
    let nudge_me = json!([{"type": 2, "name": "nudge", "options": [
        {"type": 1, "name": "me", "options": [{"type": 3, "name": "state", "value": "off"}]}]}]);
    h.double.dispatch("INTERACTION_CREATE", typed("8001", "111", false, nudge_me));
    let InboundEvent::Command(command) = h.handle_next().await else { panic!("not a command") };
    assert_eq!(command.text, "nudge me off");
    assert!(discord_reply(&h, "8001").await.contains("will not answer your pings"));

    let add = json!([{"type": 2, "name": "holidays", "options": [{"type": 1, "name": "add", "options": [
        {"type": 3, "name": "date", "value": "2026-04-03"}, {"type": 3, "name": "name", "value": "Good Friday"}]}]}]);
    h.double.dispatch("INTERACTION_CREATE", typed("8002", "112", false, add.clone()));
    h.handle_next().await;

    assert!(discord_reply(&h, "8002").await.starts_with("Only workspace admins"));
    h.double.dispatch("INTERACTION_CREATE", typed("8003", "113", true, add));
    let InboundEvent::Command(command) = h.handle_next().await else { panic!("not a command") };
    assert_eq!(command.text, "holidays add 2026-04-03 Good Friday");
    assert!(discord_reply(&h, "8003").await.starts_with("Fri 03 Apr 2026: Good Friday is a holiday now"));

    let list = json!([{"type": 2, "name": "holidays", "options": [{"type": 1, "name": "list", "options": []}]}]);
    h.double.dispatch("INTERACTION_CREATE", typed("8004", "222", false, list));
    h.handle_next().await;
    assert!(discord_reply(&h, "8004").await.contains("Fri 03 Apr 2026: Good Friday"));

    // The channel's own mode keeps its words under the group.
    let channel = json!([{"type": 2, "name": "nudge", "options": [
        {"type": 1, "name": "channel", "options": [{"type": 3, "name": "mode", "value": "dry-run"}]}]}]);
    h.double.dispatch("INTERACTION_CREATE", typed("8005", "114", true, channel));
    let InboundEvent::Command(command) = h.handle_next().await else { panic!("not a command") };
    assert_eq!(command.text, "nudge channel dry-run");
    assert!(discord_reply(&h, "8005").await.contains("dry-run"));
    h.stop().await;
}

/// Types `/async {text}` as `user` in C1 and lets the bot answer; returns the reply's text.
async fn slack_command(h: &mut SlackHarness, user: &str, text: &str, tag: &str) -> String {
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
        ("text", text),
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

#[tokio::test]
async fn nudge_me_and_holidays_work_as_slack_slash_commands() {
    let mut h = SlackHarness::start().await;
    let reply = slack_command(&mut h, "U2", "nudge me off", "a").await;
    assert!(reply.contains("will not answer your pings"), "{reply}");
    let bob = h.store.find_member(1, "U2").await.unwrap().unwrap();
    assert!(bob.nudge_opt_out);

    let reply = slack_command(&mut h, "U1", "holidays add 2026-04-03 Good Friday", "b").await;
    assert!(reply.starts_with("Only workspace admins"), "{reply}");
    // alice becomes an admin, as Slack's users.info or the config would make her.
    let alice = h.store.find_member(1, "U1").await.unwrap().unwrap();
    h.store.update_member(alice.id, &MemberChanges { is_admin: Some(true), ..Default::default() }).await.unwrap();
    let reply = slack_command(&mut h, "U1", "holidays add 2026-04-03 Good Friday", "c").await;
    assert!(reply.starts_with("Fri 03 Apr 2026: Good Friday is a holiday now"), "{reply}");
    let reply = slack_command(&mut h, "U2", "holidays", "d").await;
    assert!(reply.contains("Fri 03 Apr 2026: Good Friday"), "{reply}");
    let reply = slack_command(&mut h, "U1", "holidays calendar http://holidays.example/feed.ics", "e").await;
    assert!(reply.contains("give an https URL"), "{reply}");
    let reply = slack_command(&mut h, "U2", "help", "f").await;
    assert!(reply.contains("`nudge me off|on`") && reply.contains("`holidays list`"), "{reply}");
    assert_calls_match_spec(&h.double.calls());
    assert!(COMMANDS.iter().any(|spec| spec.path == ["holidays", "add"] && spec.access == Access::Admin));
}

#[test]
fn the_readme_lists_every_command_of_the_table() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let table = &readme[readme.find("## `/async` in chat").expect("the README's command section")..];
    let table = &table[..table[3..].find("\n## ").unwrap()];
    for spec in COMMANDS {
        // Each command's words appear in a row, as `/async standup join|leave …` or `join|leave <name>`.
        let last = spec.path[spec.path.len() - 1];
        let row = table.lines().find(|line| {
            line.contains(&format!("`/async {}", spec.path[0])) && (spec.path.len() == 1 || line.contains(last))
        });
        assert!(row.is_some(), "the README lacks {:?}", spec.path);
    }
}
