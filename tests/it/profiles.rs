//! Profiles that stay true (issue 11 item 5): a member's zone, display name and admin flag follow
//! the platform — at once when it reports a change (Slack `user_change`, a Discord member update)
//! and otherwise when the member is seen with a profile a day old — and a zone the member set
//! with `/async tz` always wins. Through the whole bot on the simulated platform (Slack and
//! Discord), and through the real Slack adapter against the Slack double.

use chrono::Duration;
use serde_json::json;
use unhurried::domain::events::InboundEvent;
use unhurried::domain::platform::Platform;
use unhurried::ports::{DirectoryStore as _, MemberRecord, Profile};

use crate::slack_support::SlackHarness;
use crate::support::{TestBot, WORKSPACE, profile};

async fn stored(store: &unhurried::adapters::sqlite::SqliteStore, user: &str) -> Option<MemberRecord> {
    let workspace = unhurried::ports::DirectoryStore::ensure_workspace(
        store,
        Platform::Slack,
        WORKSPACE,
        "2026-01-01T00:00:00Z".parse().unwrap(),
    )
    .await
    .unwrap();
    store.find_member(workspace, user).await.unwrap()
}

async fn member(t: &TestBot, user: &str) -> Option<MemberRecord> {
    let workspace_id = t.bot.workspace_id(WORKSPACE).await.unwrap();
    t.store.find_member(workspace_id, user).await.unwrap()
}

fn reply(t: &TestBot) -> String {
    let sent = t.sent();
    assert_eq!(sent.len(), 1, "{sent:#?}");
    sent[0].text.clone()
}

/// Seen again within a day: nothing is read; a day later the platform's new profile is taken,
/// except a zone the member set by command.
async fn daily_refresh(platform: Platform, alice: &str) {
    let members = [(alice, profile("alice", Some("Europe/Berlin")))];
    let mut t = crate::standup::bot(platform, "2026-03-30T08:00:00Z", &members).await;
    crate::standup::seed(&t, &crate::standup::spec(&[alice], "Europe/Berlin", None)).await;
    t.sent();
    let renamed = Profile { name: "alicia".into(), tz: Some("Asia/Tokyo".into()), is_admin: true, is_bot: false };
    t.chat.set_profile(alice, renamed);

    t.run_until("2026-03-30T20:00:00Z").await;
    t.sent();
    t.command(alice, "C1", "me").await;
    assert!(reply(&t).contains("Timezone: Europe/Berlin"), "read less than a day ago: kept");

    t.run_until("2026-03-31T08:00:01Z").await;
    t.sent();
    t.command(alice, "C1", "me").await;
    assert!(reply(&t).contains("Timezone: Asia/Tokyo"), "a day old: read again");
    let record = member(&t, alice).await.unwrap();
    assert_eq!((record.name.as_str(), record.is_admin, record.tz_source.as_str()), ("alicia", true, "platform"));
    // The prompts follow the new zone: 09:30 in Tokyo.
    t.command(alice, "C1", "standup preview daily 3").await;
    let preview = reply(&t);
    assert!(preview.contains("Asia/Tokyo") && preview.contains("09:30"), "{preview}");

    // A zone set by command wins over the platform's from then on.
    t.command(alice, "C1", "tz America/New_York").await;
    t.sent();
    t.chat.set_profile(
        alice,
        Profile { name: "alicia".into(), tz: Some("Asia/Kolkata".into()), is_admin: false, is_bot: false },
    );
    t.run_until("2026-04-02T09:00:00Z").await;
    t.sent();
    t.command(alice, "C1", "me").await;
    assert!(reply(&t).contains("Timezone: America/New_York"), "the member's own zone wins");
    assert!(!member(&t, alice).await.unwrap().is_admin, "the admin flag follows the platform");
}

#[tokio::test]
async fn a_members_profile_is_read_again_once_a_day_old_and_their_own_zone_wins_on_slack() {
    daily_refresh(Platform::Slack, "U1").await;
}

#[tokio::test]
async fn a_members_profile_is_read_again_once_a_day_old_and_their_own_zone_wins_on_discord() {
    daily_refresh(Platform::Discord, "101").await;
}

fn changed(id: &str, user: &str, name: &str, tz: Option<&str>, is_admin: bool) -> InboundEvent {
    InboundEvent::ProfileChanged {
        workspace: WORKSPACE.into(),
        id: id.into(),
        user: user.into(),
        name: name.into(),
        tz: tz.map(Into::into),
        is_admin,
    }
}

#[tokio::test]
async fn a_reported_change_applies_at_once_to_known_members_only() {
    let members = [("U1", profile("alice", Some("Europe/Berlin")))];
    let t = crate::standup::bot(Platform::Slack, "2026-03-30T08:00:00Z", &members).await;
    t.bot.handle(changed("Ev1", "U1", "Alice A.", Some("America/Los_Angeles"), true)).await.unwrap();
    let record = member(&t, "U1").await.unwrap();
    assert_eq!(record.name, "Alice A.");
    assert_eq!((record.tz.as_deref(), record.is_admin), (Some("America/Los_Angeles"), true));
    // An empty name or no zone (Discord gives none) is not news.
    t.bot.handle(changed("Ev2", "U1", "", None, false)).await.unwrap();
    let record = member(&t, "U1").await.unwrap();
    assert_eq!(
        (record.name.as_str(), record.tz.as_deref(), record.is_admin),
        ("Alice A.", Some("America/Los_Angeles"), false)
    );
    // Someone the bot never met stays unknown.
    t.bot.handle(changed("Ev3", "U9", "stranger", Some("Asia/Tokyo"), false)).await.unwrap();
    assert!(member(&t, "U9").await.is_none());
}

#[tokio::test]
async fn a_reported_change_moves_the_prompts_to_the_new_zone() {
    let members = [("101", profile("alice", Some("Europe/Berlin")))];
    let mut t = crate::standup::bot(Platform::Discord, "2026-03-29T12:00:00Z", &members).await;
    crate::standup::seed(&t, &crate::standup::spec(&["101"], "Europe/Berlin", None)).await;
    t.bot.handle(changed("1", "101", "alice", Some("America/New_York"), false)).await.unwrap();
    // 09:30 in New York on Monday 30 March is 13:30 UTC, not 07:30 UTC as in Berlin.
    t.run_until("2026-03-30T13:29:00Z").await;
    assert!(t.sent().iter().all(|m| m.purpose != "standup_prompt"), "not at the old zone's time");
    t.run_until("2026-03-30T13:31:00Z").await;
    assert!(t.sent().iter().any(|m| m.purpose == "standup_prompt"));
}

/// A signed `user_change` delivery (Slack's documented example, made an admin in Tokyo).
fn user_change_body(event_id: &str, user: &str, tz: &str, is_admin: bool) -> String {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/slack_user_change.json")).unwrap();
    let mut body: serde_json::Value = serde_json::from_str(&text).unwrap();
    body["team_id"] = json!("T1");
    body["event_id"] = json!(event_id);
    body["event"]["user"]["id"] = json!(user);
    body["event"]["user"]["tz"] = json!(tz);
    body["event"]["user"]["is_admin"] = json!(is_admin);
    body.to_string()
}

#[tokio::test]
async fn slacks_user_change_and_a_daily_users_info_keep_a_member_true_through_the_real_adapter() {
    let mut h = SlackHarness::start().await;
    let hello = crate::slack_support::message_callback(
        "Ev1",
        "U1",
        "C1",
        "1774598400.000100",
        "hello team, the build is green",
    );
    assert_eq!(h.post_signed("/slack/events", &hello.to_string(), h.now_unix(), &[]).await.0, 200);
    assert_eq!(h.drain().await, 1);
    let reads = |h: &SlackHarness| h.double.calls_of("users.info").iter().filter(|c| c.params["user"] == "U1").count();
    assert_eq!(reads(&h), 1, "read when first seen");
    assert_eq!(stored(&h.store, "U1").await.unwrap().tz.as_deref(), Some("Europe/Berlin"));

    // Slack reports the change: applied without asking users.info.
    let body = user_change_body("Ev2", "U1", "Asia/Tokyo", true);
    assert_eq!(h.post_signed("/slack/events", &body, h.now_unix(), &[]).await.0, 200);
    assert_eq!(h.drain().await, 1);
    let record = stored(&h.store, "U1").await.unwrap();
    assert_eq!((record.name.as_str(), record.tz.as_deref(), record.is_admin), ("Some User", Some("Asia/Tokyo"), true));
    assert_eq!(reads(&h), 1);

    // A day later, seen again: users.info is asked once more, and what it says now is taken.
    h.double.add_user("U1", "alice", "America/Chicago");
    h.clock.advance(Duration::hours(25));
    let again =
        crate::slack_support::message_callback("Ev3", "U1", "C1", "1774688400.000100", "deploy notes are in the doc");
    assert_eq!(h.post_signed("/slack/events", &again.to_string(), h.now_unix(), &[]).await.0, 200);
    assert_eq!(h.drain().await, 1);
    assert_eq!(reads(&h), 2);
    let record = stored(&h.store, "U1").await.unwrap();
    assert_eq!(
        (record.name.as_str(), record.tz.as_deref(), record.is_admin),
        ("alice", Some("America/Chicago"), false)
    );
    crate::slack_double::assert_calls_match_spec(&h.double.calls());
}

/// GUILD_MEMBER_UPDATE as the Discord gateway sends it (with the GUILD_MEMBERS intent).
fn member_update(user: &str, nick: Option<&str>, roles: &[&str]) -> serde_json::Value {
    json!({
        "guild_id": crate::discord_double::GUILD, "roles": roles, "nick": nick, "avatar": null,
        "user": {"id": user, "username": format!("user{user}"), "global_name": "Ana", "discriminator": "0", "avatar": null},
        "joined_at": "2026-01-01T00:00:00.000000+00:00", "premium_since": null, "deaf": false, "mute": false,
        "pending": false, "communication_disabled_until": null, "flags": 0
    })
}

#[tokio::test]
async fn a_discord_role_change_makes_and_unmakes_an_admin_through_the_real_gateway() {
    use crate::discord_double::GUILD;
    use crate::discord_gateway::{Harness, message_create};
    const MANAGE_GUILD: u64 = 1 << 5;
    let mut h = Harness::start(|double| double.set_role(GUILD, "320", MANAGE_GUILD)).await;
    h.double.dispatch("MESSAGE_CREATE", message_create("6001", "201", "the release notes are in the doc"));
    h.handle_next().await;
    let now = "2026-03-30T08:00:00Z".parse().unwrap();
    let workspace_id = h.store.ensure_workspace(Platform::Discord, GUILD, now).await.unwrap();
    let record = |store: std::sync::Arc<unhurried::adapters::sqlite::SqliteStore>| async move {
        store.find_member(workspace_id, "201").await.unwrap().expect("met")
    };
    assert!(!record(h.store.clone()).await.is_admin);

    h.double.dispatch("GUILD_MEMBER_UPDATE", member_update("201", Some("ana-ops"), &["320"]));
    let InboundEvent::ProfileChanged { is_admin, .. } = h.handle_next().await else { panic!("not a profile change") };
    assert!(is_admin, "Manage Server through role 320");
    let stored = record(h.store.clone()).await;
    assert_eq!((stored.name.as_str(), stored.is_admin), ("ana-ops", true));

    // The role taken away: no longer an admin, at once.
    h.double.dispatch("GUILD_MEMBER_UPDATE", member_update("201", None, &[]));
    h.handle_next().await;
    let stored = record(h.store.clone()).await;
    assert_eq!((stored.name.as_str(), stored.is_admin), ("Ana", false));
    // And given back: the same update as the first one is a new event, not a replay.
    h.double.dispatch("GUILD_MEMBER_UPDATE", member_update("201", Some("ana-ops"), &["320"]));
    h.handle_next().await;
    assert!(record(h.store.clone()).await.is_admin);
    h.disconnect().await;
}

/// GUILD_ROLE_UPDATE as the Discord gateway sends it (with GUILDS).
fn role_update(role: &str, permissions: u64) -> serde_json::Value {
    json!({
        "guild_id": crate::discord_double::GUILD,
        "role": {
            "id": role, "name": "ops", "color": 0, "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
            "hoist": false, "icon": null, "unicode_emoji": null,
            "position": 1, "permissions": permissions.to_string(), "managed": false, "mentionable": false, "flags": 0
        }
    })
}

#[tokio::test]
async fn a_discord_roles_permissions_edited_or_the_role_deleted_moves_admin_rights_at_once() {
    use crate::discord_double::GUILD;
    use crate::discord_gateway::{Harness, message_create};
    const MANAGE_GUILD: u64 = 1 << 5;
    const SEND_MESSAGES: u64 = 1 << 11;
    let mut h = Harness::start(|double| {
        double.set_role(GUILD, "320", 0);
        double.give_role(GUILD, "201", "320");
    })
    .await;
    h.double.dispatch("MESSAGE_CREATE", message_create("6001", "201", "the release notes are in the doc"));
    h.handle_next().await;
    let now = "2026-03-30T08:00:00Z".parse().unwrap();
    let workspace_id = h.store.ensure_workspace(Platform::Discord, GUILD, now).await.unwrap();
    let is_admin = |store: std::sync::Arc<unhurried::adapters::sqlite::SqliteStore>| async move {
        store.find_member(workspace_id, "201").await.unwrap().expect("met").is_admin
    };
    assert!(!is_admin(h.store.clone()).await, "role 320 grants nothing yet");

    // Role 320 is given Manage Server: its member is an admin at once, without a member update.
    h.double.set_role(GUILD, "320", MANAGE_GUILD);
    h.double.dispatch("GUILD_ROLE_UPDATE", role_update("320", MANAGE_GUILD));
    let event = h.handle_next().await;
    assert!(matches!(event, InboundEvent::RolesChanged { ref workspace, .. } if workspace == GUILD), "{event:?}");
    assert!(is_admin(h.store.clone()).await, "Manage Server through role 320");

    // Taken away again: no longer an admin.
    h.double.set_role(GUILD, "320", SEND_MESSAGES);
    h.double.dispatch("GUILD_ROLE_UPDATE", role_update("320", SEND_MESSAGES));
    h.handle_next().await;
    assert!(!is_admin(h.store.clone()).await);

    // Given back, then the role deleted: the rights go with it.
    h.double.set_role(GUILD, "320", MANAGE_GUILD);
    h.double.dispatch("GUILD_ROLE_UPDATE", role_update("320", MANAGE_GUILD));
    h.handle_next().await;
    assert!(is_admin(h.store.clone()).await);
    h.double.set_role(GUILD, "320", 0);
    h.double.dispatch("GUILD_ROLE_DELETE", json!({"guild_id": GUILD, "role_id": "320"}));
    assert!(matches!(h.handle_next().await, InboundEvent::RolesChanged { .. }));
    assert!(!is_admin(h.store.clone()).await);
    h.disconnect().await;
}

#[test]
fn the_guild_members_intent_is_asked_for_only_when_the_application_may_have_it() {
    use serenity::all::{ApplicationFlags, GatewayIntents};
    use unhurried::adapters::discord;
    assert!(!discord::intents_for(None).contains(GatewayIntents::GUILD_MEMBERS));
    let limited = Some(ApplicationFlags::GATEWAY_GUILD_MEMBERS_LIMITED);
    assert!(discord::intents_for(limited).contains(GatewayIntents::GUILD_MEMBERS | GatewayIntents::GUILDS));
}

fn envelope(id: &str, payload: serde_json::Value) -> serde_json::Value {
    json!({"envelope_id": id, "type": "events_api", "accepts_response_payload": false, "retry_attempt": 0,
        "retry_reason": "", "payload": payload})
}

#[tokio::test]
async fn a_user_change_over_socket_mode_takes_the_typed_path_to_the_same_effect() {
    let mut h = SlackHarness::start().await;
    let socket = crate::slack_socket::connected(&h).await;
    let hello = crate::slack_support::message_callback("EvS1", "U2", "C1", "1774598400.000100", "release notes are up");
    crate::slack_socket::deliver(&h, &envelope("env-1", hello)).await;
    h.drain().await;
    let payload: serde_json::Value =
        serde_json::from_str(&user_change_body("EvS2", "U2", "Europe/Lisbon", true)).unwrap();
    crate::slack_socket::deliver(&h, &envelope("env-2", payload)).await;
    assert!(
        matches!(h.pending().await, Some(InboundEvent::ProfileChanged { ref user, is_admin: true, .. }) if user == "U2")
    );
    h.drain().await;
    let record = stored(&h.store, "U2").await.unwrap();
    assert_eq!(
        (record.name.as_str(), record.tz.as_deref(), record.is_admin),
        ("Some User", Some("Europe/Lisbon"), true)
    );
    socket.shutdown().await;
}
