//! The real serenity client against the local Discord double, driving the real engine: a ping
//! becomes one message in a thread, a slash command an ephemeral reply, a closed DM marks the
//! member unreachable once, every message carries `allowed_mentions`, and dispatches replayed
//! after RECONNECT/RESUME change nothing.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use secrecy::SecretString;
use serde_json::{Value, json};
use tokio::sync::Notify;
use unhurried::adapters::clock::ManualClock;
use unhurried::adapters::discord::{self, DiscordConnection, Sharding};
use unhurried::adapters::sqlite::SqliteStore;
use unhurried::bot::Bot;
use unhurried::config::Settings;
use unhurried::domain::events::{CommandInvocation, InboundEvent};
use unhurried::inbox::InboxWriter;
use unhurried::ports::{Clock as _, InboxStore as _};

use crate::discord_double::{APP, BOT, DiscordDouble, GUILD, assert_allowed_mentions_everywhere, assert_documented};

pub const CHANNEL: &str = "400";

/// The real bot connected to a fresh double (also used by `discord_interactions.rs`).
pub struct Harness {
    pub double: DiscordDouble,
    pub bot: Bot,
    pub clock: Arc<ManualClock>,
    pub store: Arc<SqliteStore>,
    pub connection: Option<DiscordConnection>,
    _dir: tempfile::TempDir,
}

impl Harness {
    /// A bot on Monday 2026-03-30 08:00 UTC, connected to a fresh double and READY.
    pub async fn start(prepare: impl FnOnce(&DiscordDouble)) -> Self {
        let double = DiscordDouble::start().await;
        prepare(&double);
        let mut settings = Settings::defaults();
        settings.discord.api_url = double.rest_url.clone();
        let token = SecretString::from("faketoken".to_owned());
        let dir = tempfile::tempdir().unwrap();
        let store =
            Arc::new(SqliteStore::open(&format!("sqlite://{}", dir.path().join("bot.db").display())).await.unwrap());
        let clock = Arc::new(ManualClock::new("2026-03-30T08:00:00Z".parse().unwrap()));
        let inbox = InboxWriter::start(store.clone(), clock.clone(), Arc::new(Notify::new()));
        let (platform, connection) =
            discord::connect(&token, &settings, store.clone(), clock.clone(), inbox, Default::default(), Sharding::All)
                .await
                .unwrap();
        let bot = Bot::new(store.clone(), clock.clone(), platform, Arc::new(settings));
        bot.start().await.unwrap();
        double
            .until("READY and command registration", |d| {
                !d.matching("PUT", |p| p == format!("/applications/{APP}/guilds/{GUILD}/commands")).is_empty()
            })
            .await;
        let identify = double.gateway_log().into_iter().find(|f| f["op"] == 2).unwrap();
        assert_eq!(identify["d"]["token"], "Bot faketoken");
        Harness { double, bot, clock, store, connection: Some(connection), _dir: dir }
    }

    /// Waits for the next event the adapter records in the inbox and has the engine handle it and
    /// deliver what it queued, as `serve`'s consumer and delivery workers do.
    pub async fn handle_next(&mut self) -> InboundEvent {
        let event = tokio::time::timeout(Duration::from_secs(5), async {
            loop {
                if let Some(event) = self.pending().await {
                    return event;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
        .await
        .expect("an event reached the inbox within 5 s");
        self.bot.handle_pending().await.unwrap();
        self.bot.settle().await.unwrap();
        event
    }

    /// The oldest event recorded in the inbox and not yet handled.
    pub async fn pending(&self) -> Option<InboundEvent> {
        self.store
            .next_delivery("test", self.clock.now(), chrono::Duration::seconds(30))
            .await
            .unwrap()
            .map(|delivery| delivery.event)
    }

    pub async fn advance(&self, to: &str) {
        let to: DateTime<Utc> = to.parse().unwrap();
        assert!(to >= self.clock.now());
        self.clock.set(to);
        self.bot.run_due_jobs().await.unwrap();
    }

    /// RECONNECT, then waits for the client's RESUME.
    async fn reconnect(&self) {
        let resumes = self.double.ops(6);
        self.double.reconnect();
        self.double.until("RESUME", |d| d.ops(6) > resumes).await;
    }

    /// Disconnects; checks every request was documented and every message carried
    /// `allowed_mentions` (at least one message must have been sent).
    pub async fn stop(self) -> DiscordDouble {
        let double = self.disconnect().await;
        assert_allowed_mentions_everywhere(&double.requests());
        double
    }

    /// Disconnects; checks every request was documented.
    pub async fn disconnect(mut self) -> DiscordDouble {
        if let Some(connection) = self.connection.take() {
            tokio::time::timeout(Duration::from_secs(5), connection.shutdown()).await.unwrap();
        }
        assert_documented(&self.double.requests());
        self.double
    }
}

pub fn message_create(id: &str, author: &str, content: &str) -> Value {
    json!({
        "id": id, "channel_id": CHANNEL, "guild_id": GUILD, "content": content,
        "author": {"id": author, "username": format!("user{author}"), "discriminator": "0", "avatar": null},
        "timestamp": "2026-03-30T08:00:00.000000+00:00", "edited_timestamp": null, "tts": false,
        "mention_everyone": false, "mentions": [], "mention_roles": [], "attachments": [], "embeds": [],
        "pinned": false, "type": 0
    })
}

pub fn slash_command(id: &str, token: &str, user: &str, options: Value) -> Value {
    json!({
        "id": id, "application_id": APP, "type": 2, "token": token, "version": 1, "guild_id": GUILD,
        "channel_id": CHANNEL, "locale": "en-US", "app_permissions": "0", "entitlements": [],
        "attachment_size_limit": 8_388_608,
        "member": {"user": {"id": user, "username": "ana", "discriminator": "0", "avatar": null},
            "roles": [], "joined_at": "2026-01-01T00:00:00.000000+00:00", "deaf": false, "mute": false,
            "flags": 0, "permissions": "0"},
        "data": {"id": "77", "name": "async", "type": 1, "options": options}
    })
}

#[tokio::test]
async fn a_ping_becomes_one_message_in_a_thread_even_when_replayed_after_a_reconnect() {
    let mut h = Harness::start(|_| {}).await;
    h.double.dispatch("MESSAGE_CREATE", message_create("5001", "111", "hi <@222>"));
    let InboundEvent::Message(seen) = h.handle_next().await else { panic!("not a message") };
    assert_eq!((seen.workspace.as_str(), seen.channel.as_str(), seen.text.as_str()), (GUILD, CHANNEL, "hi <@222>"));
    h.advance("2026-03-30T08:01:05Z").await;

    let threads = h.double.matching("POST", |p| p == format!("/channels/{CHANNEL}/messages/5001/threads"));
    assert_eq!(threads.len(), 1);
    let posts = h.double.matching("POST", |p| p == "/channels/5001/messages");
    assert_eq!(posts.len(), 1, "{:#?}", h.double.requests());
    assert_eq!(posts[0].body["allowed_mentions"]["parse"], json!([]));
    assert_eq!(posts[0].body["allowed_mentions"]["users"], json!(["111"]), "the nudge pings its sender only");

    h.reconnect().await;
    h.double.dispatch("MESSAGE_CREATE", message_create("5001", "111", "hi <@222>"));
    // The next event in the inbox is the one after the replay: the replay made no row.
    h.double.dispatch("MESSAGE_CREATE", message_create("5003", "444", "the deploy finished at 10:12, all green"));
    let InboundEvent::Message(next) = h.handle_next().await else { panic!("not a message") };
    assert_eq!(next.id, "5003", "the replayed dispatch is not a second inbox row");
    h.advance("2026-03-30T08:03:00Z").await;
    assert_eq!(h.double.matching("POST", |p| p.ends_with("/messages")).len(), 1, "no second nudge");
    assert_eq!(h.double.ops(2), 1, "resumed, not re-identified");

    // The sender's follow-up in the thread reaches the engine as a reply in the ping's thread.
    let mut follow_up = message_create("5002", "111", "the build fails on main since 10:12, log attached?");
    follow_up["channel_id"] = json!("5001");
    h.double.dispatch("MESSAGE_CREATE", follow_up);
    let InboundEvent::Message(reply) = h.handle_next().await else { panic!("not a message") };
    assert_eq!((reply.channel.as_str(), reply.thread.as_deref()), (CHANNEL, Some("5001")));
    h.stop().await;
}

#[tokio::test]
async fn a_bare_mention_of_an_off_hours_member_gets_a_nudge_saying_so_with_a_native_time() {
    let mut h = Harness::start(|_| {}).await;
    // 222 works in Tokyo: Monday 08:00 UTC is 17:00 there, just after their working day.
    let set_zone = CommandInvocation {
        workspace: GUILD.into(),
        id: "tz-1".into(),
        channel: CHANNEL.into(),
        user: "222".into(),
        text: "tz Asia/Tokyo".into(),
        platform_admin: false,
        is_dm: false,
    };
    h.bot.handle(InboundEvent::Command(set_zone)).await.unwrap();
    h.double.dispatch("MESSAGE_CREATE", message_create("5101", "111", "<@222>"));
    h.handle_next().await;
    h.advance("2026-03-30T08:01:05Z").await;
    let posts = h.double.matching("POST", |p| p == "/channels/5101/messages");
    assert_eq!(posts.len(), 1, "{:#?}", h.double.requests());
    let text = posts[0].body["content"].as_str().unwrap();
    // Their next working day starts Tuesday 09:00 Tokyo = 00:00 UTC.
    assert!(text.contains("outside their working hours") && text.contains("<t:1774915200:f>"), "{text}");
    assert_eq!(posts[0].body["allowed_mentions"]["users"], json!(["111"]), "the off-hours member is not pinged");
    h.stop().await;
}

#[tokio::test]
async fn a_ping_where_threads_are_forbidden_gets_a_reply_referencing_it() {
    let mut h = Harness::start(DiscordDouble::forbid_threads).await;
    h.double.dispatch("MESSAGE_CREATE", message_create("6001", "111", "you there?"));
    h.handle_next().await;
    h.advance("2026-03-30T08:01:05Z").await;
    let posts = h.double.matching("POST", |p| p == format!("/channels/{CHANNEL}/messages"));
    assert_eq!(posts.len(), 1, "{:#?}", h.double.requests());
    assert_eq!(posts[0].body["message_reference"]["message_id"], "6001");
    h.stop().await;
}

#[tokio::test]
async fn a_429_delays_the_nudge_for_the_retry_after_discord_names_and_the_outbox_delivers_it_once_later() {
    let mut h = Harness::start(|d| d.rate_limit_posts(1)).await;
    h.double.dispatch("MESSAGE_CREATE", message_create("6501", "111", "got a sec?"));
    h.handle_next().await;
    h.advance("2026-03-30T08:01:05Z").await;
    let posts = || h.double.matching("POST", |p| p == "/channels/6501/messages");
    assert_eq!(posts().len(), 1, "the rate-limited attempt");
    // The 429 asks for 64.57 s, kept as 65: never early.
    h.advance("2026-03-30T08:02:09Z").await;
    assert_eq!(posts().len(), 1, "not before Discord's Retry-After");
    h.advance("2026-03-30T08:02:10Z").await;
    assert_eq!(posts().len(), 2, "retried once the wait is over");
    h.advance("2026-03-30T08:05:00Z").await;
    assert_eq!(posts().len(), 2, "delivered once, not again");
    assert_eq!(h.double.matching("POST", |p| p.ends_with("/threads")).len(), 1, "the thread is reused");
    h.stop().await;
}

#[tokio::test]
async fn a_slash_command_gets_one_ephemeral_reply_even_when_replayed() {
    let mut h = Harness::start(|_| {}).await;
    let options =
        json!([{"type": 1, "name": "tz", "options": [{"type": 3, "name": "zone", "value": "Europe/Berlin"}]}]);
    h.double.dispatch("INTERACTION_CREATE", slash_command("7001", "tok-7001", "111", options.clone()));
    let InboundEvent::Command(command) = h.handle_next().await else { panic!("not a command") };
    assert_eq!(command.text, "tz Europe/Berlin");
    let callbacks = h.double.matching("POST", |p| p == "/interactions/7001/tok-7001/callback");
    assert_eq!(callbacks.len(), 1);
    assert_eq!(callbacks[0].body["type"], 5, "deferred, so the 3 s ack never waits for the engine");
    assert_eq!(callbacks[0].body["data"]["flags"], 64, "ephemeral");
    let replies = h.double.matching("PATCH", |p| p == format!("/webhooks/{APP}/tok-7001/messages/@original"));
    assert_eq!(replies.len(), 1);
    assert!(replies[0].body["content"].as_str().unwrap().contains("Europe/Berlin"), "{}", replies[0].body);

    h.reconnect().await;
    h.double.dispatch("INTERACTION_CREATE", slash_command("7001", "tok-7001", "111", options));
    // A later dispatch as a barrier: once it arrives, the replay has been seen too.
    h.double.dispatch("MESSAGE_CREATE", message_create("7002", "111", "the deploy finished at 10:12, all green"));
    h.handle_next().await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(h.double.matching("POST", |p| p.starts_with("/interactions/")).len(), 1, "replay not acked again");
    assert_eq!(h.pending().await, None, "replayed interaction reached the engine");
    h.stop().await;
}

#[tokio::test]
async fn a_dm_to_a_member_with_closed_dms_marks_them_unreachable_once() {
    let h = Harness::start(|d| d.close_dms("333")).await;
    let create = CommandInvocation {
        workspace: GUILD.into(),
        id: "setup-1".into(),
        channel: CHANNEL.into(),
        user: "111".into(),
        text: format!(
            "standup create daily at=09:30 days=mon-fri channel=<#{CHANNEL}> questions=\"A?|B?\" members=<@333>"
        ),
        platform_admin: true,
        is_dm: false,
    };
    h.bot.handle(InboundEvent::Command(create)).await.unwrap();
    h.advance("2026-03-30T09:31:00Z").await;
    let workspace = h.bot.workspace_id(GUILD).await.unwrap();
    let member = h.bot.store.find_member(workspace, "333").await.unwrap().unwrap();
    assert!(member.unreachable_since.is_some(), "50007 marks the member unreachable");
    h.advance("2026-03-31T09:31:00Z").await;
    let dm_sends = h.double.matching("POST", |p| p == "/channels/9333/messages");
    assert_eq!(dm_sends.len(), 1, "one attempt, never retried");
    assert_eq!(h.pending().await, None);
    h.stop().await;
}

#[tokio::test]
async fn check_names_the_bot_its_guilds_and_the_permissions_each_guild_withholds() {
    use serenity::all::Permissions;
    let double = DiscordDouble::start().await;
    let bits = |p: Permissions| p.bits();
    // Team: @everyone may view and talk; the bot's role grants the rest.
    double.set_role(GUILD, GUILD, bits(Permissions::VIEW_CHANNEL | Permissions::SEND_MESSAGES));
    let threads_and_more = Permissions::CREATE_PUBLIC_THREADS
        | Permissions::SEND_MESSAGES_IN_THREADS
        | Permissions::EMBED_LINKS
        | Permissions::READ_MESSAGE_HISTORY;
    double.set_role(GUILD, "310", bits(threads_and_more));
    double.give_role(GUILD, BOT, "310");
    // Ops: the bot holds only @everyone's permissions; a role it lacks would grant the rest.
    double.add_guild("301", "Ops");
    double.set_role("301", "301", bits(Permissions::SEND_MESSAGES | Permissions::READ_MESSAGE_HISTORY));
    double.set_role("301", "311", bits(threads_and_more));
    double.give_role("301", "999", "311");
    // Admins: Administrator implies every permission.
    double.add_guild("302", "Admins");
    double.set_role("302", "312", bits(Permissions::ADMINISTRATOR));
    double.give_role("302", BOT, "312");

    let mut settings = Settings::defaults();
    settings.discord.api_url = double.rest_url.clone();
    let report = discord::check(&SecretString::from("sentinel-token".to_owned()), &settings).await.unwrap();
    assert!(!report.complete, "Ops withholds permissions");
    let report = report.text;
    assert_eq!(
        report.lines().collect::<Vec<_>>(),
        [
            format!("Discord: bot unhurried (id {BOT}) in 3 guilds: Team ({GUILD}), Ops (301), Admins (302)"),
            format!("Discord: Team ({GUILD}): has every permission it needs"),
            "Discord: Ops (301): missing Embed Links, Create Public Threads, Send Messages in Threads".to_owned(),
            "Discord: Admins (302): has every permission it needs".to_owned(),
        ]
    );
    assert!(!report.contains("sentinel"));
    let members = double.matching("GET", |p| p.contains("/members/"));
    assert!(members.iter().all(|r| r.path.ends_with(&format!("/members/{BOT}"))), "{members:#?}");
    assert_eq!(members.len(), 3);
    assert_documented(&double.requests());
}

#[tokio::test]
async fn check_lists_every_needed_permission_in_a_guild_that_grants_none() {
    let double = DiscordDouble::start().await;
    let mut settings = Settings::defaults();
    settings.discord.api_url = double.rest_url.clone();
    let report = discord::check(&SecretString::from("t".to_owned()), &settings).await.unwrap();
    assert!(!report.complete);
    assert_eq!(
        report.text.lines().nth(1),
        Some(
            format!(
                "Discord: Team ({GUILD}): missing Send Messages, Embed Links, Read Message History, Create Public \
                 Threads, Send Messages in Threads"
            )
            .as_str()
        )
    );
}

#[test]
fn without_the_message_content_permission_the_intent_is_not_requested() {
    use serenity::all::{ApplicationFlags, GatewayIntents};
    assert!(!discord::intents_for(None).contains(GatewayIntents::MESSAGE_CONTENT));
    let limited = Some(ApplicationFlags::GATEWAY_MESSAGE_CONTENT_LIMITED);
    assert!(discord::intents_for(limited).contains(GatewayIntents::MESSAGE_CONTENT | GatewayIntents::DIRECT_MESSAGES));
}

pub fn dm_interaction(id: &str, kind: u8, user: &str, data: Value, message: Option<Value>) -> Value {
    let mut value = json!({
        "id": id, "application_id": APP, "type": kind, "token": format!("tok-{id}"), "version": 1,
        "channel_id": format!("9{user}"), "locale": "en-US", "app_permissions": "0", "entitlements": [],
        "attachment_size_limit": 8_388_608,
        "user": {"id": user, "username": "bo", "discriminator": "0", "avatar": null},
        "data": data
    });
    if let Some(message) = message {
        value["message"] = message;
    }
    value
}

#[tokio::test]
async fn the_answer_button_on_a_dm_prompt_opens_a_modal_whose_submission_answers_the_standup() {
    let mut h = Harness::start(|_| {}).await;
    let create = CommandInvocation {
        workspace: GUILD.into(),
        id: "setup-1".into(),
        channel: CHANNEL.into(),
        user: "111".into(),
        text: format!(
            "standup create daily at=09:30 days=mon-fri channel=<#{CHANNEL}> questions=\"Yesterday?|Today?|Blockers?\" \
             blocker=3 members=<@222>,<@333> digest=17:00 digest_tz=UTC"
        ),
        platform_admin: true,
        is_dm: false,
    };
    h.bot.handle(InboundEvent::Command(create)).await.unwrap();
    h.advance("2026-03-30T09:31:00Z").await;
    let prompts = h.double.matching("POST", |p| p == "/channels/9222/messages");
    assert_eq!(prompts.len(), 1);
    let button = &prompts[0].body["components"][0]["components"][0];
    assert_eq!(button["custom_id"], "unhurried:standup-answer:daily");

    let mut prompt = message_create("8000", BOT, "Time for the daily standup");
    prompt["channel_id"] = json!("9222");
    prompt["author"]["bot"] = json!(true);
    prompt.as_object_mut().unwrap().remove("guild_id");
    let click = json!({"custom_id": "unhurried:standup-answer:daily", "component_type": 2});
    h.double.dispatch("INTERACTION_CREATE", dm_interaction("8001", 3, "222", click, Some(prompt)));
    h.double
        .until("the modal", |d| !d.matching("POST", |p| p == "/interactions/8001/tok-8001/callback").is_empty())
        .await;
    let modal = &h.double.matching("POST", |p| p == "/interactions/8001/tok-8001/callback")[0].body;
    assert_eq!(modal["type"], 9);
    let labels: Vec<&str> = modal["data"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["components"][0]["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["Yesterday?", "Today?", "Blockers?"]);

    let input = |i: usize, value: &str| json!({"type": 1, "components": [{"type": 4, "custom_id": format!("q{i}"), "value": value}]});
    let submit = json!({"custom_id": modal["data"]["custom_id"], "components": [
        input(0, "shipped the importer"), input(1, "DST tests"), input(2, "none")]});
    h.double.dispatch("INTERACTION_CREATE", dm_interaction("8002", 5, "222", submit, None));
    let InboundEvent::StandupSubmission(submission) = h.handle_next().await else { panic!("not a submission") };
    assert_eq!(submission.standup, "daily");
    assert_eq!(submission.answers, ["shipped the importer", "DST tests", "none"]);
    assert_eq!(submission.workspace, GUILD);
    let acks = h.double.matching("POST", |p| p == "/interactions/8002/tok-8002/callback");
    assert_eq!(acks[0].body["type"], 6);
    assert_eq!(h.double.matching("POST", |p| p == "/channels/9222/messages").len(), 2, "the engine confirmed by DM");

    // The digest at 17:00 UTC carries the modal's answers, names 333 (not answered) with a
    // native time, and pings nobody.
    h.advance("2026-03-30T17:00:30Z").await;
    let digests = h.double.matching("POST", |p| p == format!("/channels/{CHANNEL}/messages"));
    assert_eq!(digests.len(), 1, "{:#?}", h.double.requests());
    let text = digests[0].body["content"].as_str().unwrap();
    assert!(text.contains("shipped the importer") && text.contains("DST tests"), "{text}");
    // The test moved the clock straight to 09:31, when both prompts went out.
    assert!(text.contains("user333: prompted <t:1774863060:f>"), "333's prompt as a native time: {text}");
    assert!(!text.contains("<@333>"), "{text}");
    assert_eq!(digests[0].body["allowed_mentions"]["parse"], json!([]));
    assert_eq!(digests[0].body["allowed_mentions"]["users"], json!([]), "a digest pings nobody");
    h.stop().await;
}

#[tokio::test]
async fn with_two_open_standups_the_answer_button_opens_the_form_of_its_own_message_with_the_blocker_optional() {
    let h = Harness::start(|_| {}).await;
    for (n, (name, at, questions)) in
        [("daily", "09:30", "Yesterday?|Today?|Blockers?"), ("retro", "10:00", "Went well?|To change?")]
            .into_iter()
            .enumerate()
    {
        let create = CommandInvocation {
            workspace: GUILD.into(),
            id: format!("setup-{n}"),
            channel: CHANNEL.into(),
            user: "111".into(),
            text: format!(
                "standup create {name} at={at} days=mon-fri channel=<#{CHANNEL}> questions=\"{questions}\" blocker=2 \
                 members=<@222> digest=17:00 digest_tz=UTC"
            ),
            platform_admin: true,
            is_dm: false,
        };
        h.bot.handle(InboundEvent::Command(create)).await.unwrap();
    }
    // Both prompts go out; retro's is the member's most recent open run.
    h.advance("2026-03-30T10:01:00Z").await;
    let prompts = h.double.matching("POST", |p| p == "/channels/9222/messages");
    assert_eq!(prompts.len(), 2);
    let ids: Vec<&str> =
        prompts.iter().map(|p| p.body["components"][0]["components"][0]["custom_id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["unhurried:standup-answer:daily", "unhurried:standup-answer:retro"]);

    // The member clicks Answer under the first prompt, daily's.
    let mut prompt = message_create("8100", BOT, "Time for the daily standup");
    prompt["channel_id"] = json!("9222");
    prompt["author"]["bot"] = json!(true);
    prompt.as_object_mut().unwrap().remove("guild_id");
    let click = json!({"custom_id": ids[0], "component_type": 2});
    h.double.dispatch("INTERACTION_CREATE", dm_interaction("8101", 3, "222", click, Some(prompt)));
    let callback = |d: &DiscordDouble| d.matching("POST", |p| p == "/interactions/8101/tok-8101/callback");
    h.double.until("the modal", |d| !callback(d).is_empty()).await;
    let modal = &callback(&h.double)[0].body;
    assert_eq!(modal["type"], 9);
    assert_eq!(modal["data"]["custom_id"], "unhurried:answers:daily");
    assert_eq!(modal["data"]["title"], "daily standup");
    let inputs: Vec<(&str, bool)> = modal["data"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| (row["components"][0]["label"].as_str().unwrap(), row["components"][0]["required"] == json!(true)))
        .collect();
    assert_eq!(inputs, [("Yesterday?", true), ("Today?", false), ("Blockers?", true)], "blocker=2 is optional");
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_serves_discord_when_only_a_discord_token_is_set_and_check_reports_the_bot() {
    let double = DiscordDouble::start().await;
    let dir = tempfile::tempdir().unwrap();
    let command = |args: &[&str]| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_unhurried"));
        command
            .args(args)
            .env("DISCORD_TOKEN", "sentinel-discord-token")
            .env_remove("SLACK_BOT_TOKEN")
            .env("UNHURRIED_DISCORD__API_URL", &double.rest_url)
            .env("UNHURRIED_DATABASE__URL", format!("sqlite://{}", dir.path().join("d.db").display()))
            .env("UNHURRIED_HTTP__ADDR", "127.0.0.1:0")
            .env_remove("RUST_LOG")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        command
    };
    let run_check = || {
        let mut check = command(&["check"]);
        tokio::task::spawn_blocking(move || check.output().unwrap())
    };
    // The double's guild grants the bot nothing yet: check names what is missing and fails.
    let check = run_check().await.unwrap();
    let stdout = String::from_utf8_lossy(&check.stdout);
    assert_eq!(check.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains(&format!("Discord: Team ({GUILD}): missing Send Messages")), "{stdout}");
    double.set_role(GUILD, "310", serenity::all::Permissions::ADMINISTRATOR.bits());
    double.give_role(GUILD, BOT, "310");
    let check = run_check().await.unwrap();
    let stdout = String::from_utf8_lossy(&check.stdout);
    assert!(check.status.success(), "{stdout} {}", String::from_utf8_lossy(&check.stderr));
    assert!(stdout.contains("Discord: bot unhurried"), "{stdout}");
    assert!(stdout.contains("has every permission it needs"), "{stdout}");

    let mut serve = command(&["serve"]).spawn().unwrap();
    let started = std::time::Instant::now();
    while double.ops(2) == 0 {
        assert!(started.elapsed() < Duration::from_secs(30), "serve never identified on the gateway");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    serve.kill().unwrap();
    let output = serve.wait_with_output().unwrap();
    let logs = String::from_utf8_lossy(&output.stderr);
    assert!(!logs.contains("sentinel-discord-token"), "the token must never be logged");
    assert_documented(&double.requests());
}
