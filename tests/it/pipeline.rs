//! The pipeline as an operator runs it: one `serve` process for Slack and Discord at once, a
//! message that keeps failing given up while its conversation moves on, and `unhurried outbox`
//! saying why. (`serve` with no credentials is the playground: tests/it/playground.rs.)

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use serde_json::json;
use unhurried::adapters::clock::ManualClock;
use unhurried::adapters::simulated::SimulatedPlatform;
use unhurried::adapters::sqlite::SqliteStore;
use unhurried::bot::Bot;
use unhurried::config::Settings;
use unhurried::domain::events::{Destination, OutgoingMessage, Purpose};
use unhurried::domain::platform::Platform;
use unhurried::ports::{ChatPlatform, OutboxTag, Profile, SendError};

use crate::discord_double::{DiscordDouble, GUILD};
use crate::discord_gateway::{CHANNEL, message_create};
use crate::slack_cli::{Served, for_serve, now_unix};
use crate::slack_double::SlackDouble;
use crate::slack_support::{SIGNING_SECRET, message_callback, request};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_process_serves_slack_and_discord_on_one_database() {
    let slack = SlackDouble::start().await;
    slack.add_user("U1", "alice", "Europe/Berlin");
    slack.add_user("U2", "bob", "Europe/Berlin");
    let discord = DiscordDouble::start().await;
    let dir = tempfile::tempdir().unwrap();
    let mut command = for_serve(&slack, &dir.path().join("db"));
    command
        .env("DISCORD_TOKEN", "sentinel-discord-token")
        .env("UNHURRIED_DISCORD__API_URL", &discord.rest_url)
        .env("RUST_LOG", "info");
    let served = Served::start(command).await;
    discord.until("READY", |d| d.ops(2) == 1).await;

    // A ping on each platform; each gets its nudge on its own platform, threaded on the ping.
    let ts = format!("{}.000100", now_unix());
    let ping = message_callback("EvBoth1", "U1", "C1", &ts, "hi <@U2>").to_string();
    assert_eq!(served.post_signed("/slack/events", &ping, SIGNING_SECRET, now_unix(), &[]).await, 200);
    discord.dispatch("MESSAGE_CREATE", message_create("9001", "111", "hi <@222>"));

    slack
        .wait_until_within("the Slack nudge", Duration::from_secs(30), |d| {
            d.calls_of("chat.postMessage").iter().any(|c| c.params.get("thread_ts") == Some(&json!(ts)))
        })
        .await;
    discord
        .until("the Discord nudge", |d| {
            !d.matching("POST", |p| p == format!("/channels/{CHANNEL}/messages/9001/threads")).is_empty()
        })
        .await;
    // /metrics tells the two platforms' outboxes apart: each nudge, delivered, on its own platform.
    let (slack_sent, discord_sent) = (
        "unhurried_outbox_messages{platform=\"slack\",state=\"sent\"} 1\n",
        "unhurried_outbox_messages{platform=\"discord\",state=\"sent\"} 1\n",
    );
    let metrics = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let metrics = request(served.addr, "GET", "/metrics", "", &[]).await.1;
            if metrics.contains(slack_sent) && metrics.contains(discord_sent) {
                return metrics;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("both nudges marked sent in /metrics"));
    for platform in ["slack", "discord"] {
        let oldest = format!("unhurried_outbox_oldest_pending_seconds{{platform=\"{platform}\"}} 0\n");
        assert!(metrics.contains(&oldest), "{metrics}");
    }
    let logs = served.stop().await;
    assert!(logs.contains("slack (http)") && logs.contains("discord"), "both platforms enabled: {logs}");
    assert_eq!(slack.calls_of("chat.postMessage").len(), 1, "one Slack post, the nudge");
    assert_eq!(discord.matching("POST", |p| p.ends_with("/messages")).len(), 1, "one Discord post, the nudge");

    let store = SqliteStore::open(&format!("sqlite://{}", dir.path().join("db").display())).await.unwrap();
    let workspaces: Vec<(String, String)> =
        sqlx::query_as("SELECT platform, platform_id FROM workspaces ORDER BY platform")
            .fetch_all(store.pool())
            .await
            .unwrap();
    assert_eq!(workspaces, [("discord".to_owned(), GUILD.to_owned()), ("slack".to_owned(), "T1".to_owned())]);
    let jobs: Vec<(String, String)> =
        sqlx::query_as("SELECT kind, platform FROM jobs WHERE kind = 'nudge_grace' ORDER BY platform")
            .fetch_all(store.pool())
            .await
            .unwrap();
    assert_eq!(
        jobs,
        [("nudge_grace".to_owned(), "discord".to_owned()), ("nudge_grace".to_owned(), "slack".to_owned())]
    );
}

/// The simulated platform, with one message ("stuck") failing in a way nobody has seen before.
struct Flaky {
    inner: SimulatedPlatform,
}

#[async_trait]
impl ChatPlatform for Flaky {
    fn platform(&self) -> Platform {
        self.inner.platform()
    }

    async fn send(&self, tag: OutboxTag, message: &OutgoingMessage) -> Result<String, SendError> {
        if message.text == "stuck" {
            return Err(SendError::Transient("Slack API error weird_new_error".into()));
        }
        self.inner.send(tag, message).await
    }

    async fn profile(&self, workspace: &str, user: &str) -> anyhow::Result<Option<Profile>> {
        self.inner.profile(workspace, user).await
    }

    async fn permalink(&self, channel: &str, message: &str) -> anyhow::Result<Option<String>> {
        self.inner.permalink(channel, message).await
    }
}

#[tokio::test]
async fn an_unknown_error_is_retried_with_backoff_then_given_up_and_its_conversation_moves_on() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("db").display());
    let store = Arc::new(SqliteStore::open(&url).await.unwrap());
    let clock = Arc::new(ManualClock::new("2026-03-30T09:00:00Z".parse().unwrap()));
    let inner = SimulatedPlatform::new(Platform::Slack, clock.clone(), HashMap::new());
    let chat = Arc::new(Flaky { inner });
    let settings = Arc::new(Settings::defaults());
    let bot = Bot::new(store.clone(), clock.clone(), chat.clone(), settings.clone());
    bot.start().await.unwrap();
    let workspace_id = bot.workspace_id("T1").await.unwrap();
    let post = |channel: &str, text: &str| {
        OutgoingMessage::new(Destination::Post { channel: channel.into() }, Purpose::Digest, text)
    };
    bot.send(workspace_id, vec![post("C-BROKEN", "stuck"), post("C-BROKEN", "behind it"), post("C2", "elsewhere")])
        .await
        .unwrap();

    bot.settle().await.unwrap();
    let texts: Vec<String> = chat.inner.transcript().into_iter().map(|e| e.text).collect();
    assert_eq!(texts, ["elsewhere"], "the other conversation went on at once; the failing one waits");
    let mut retried_at = Vec::new();
    for _ in 0..200 {
        bot.settle().await.unwrap();
        let attempts: (i64, String, i64) =
            sqlx::query_as("SELECT attempts, state, not_before FROM outbox WHERE message LIKE '%\"stuck\"%'")
                .fetch_one(store.pool())
                .await
                .unwrap();
        if attempts.1 == "failed" {
            break;
        }
        if retried_at.last() != Some(&attempts.2) {
            retried_at.push(attempts.2);
        }
        clock.advance(chrono::Duration::seconds(5));
    }
    let gaps: Vec<i64> = retried_at.windows(2).map(|w| w[1] - w[0]).collect();
    assert_eq!(gaps.len() as i64, settings.delivery.max_attempts - 2, "one wait per retry: {gaps:?}");
    assert!(gaps.windows(2).all(|w| w[1] > w[0]), "each wait longer than the last: {gaps:?}");

    // Given up after max_attempts; the message queued behind it in its conversation goes out.
    bot.settle().await.unwrap();
    let texts: Vec<String> = chat.inner.transcript().into_iter().map(|e| e.text).collect();
    assert_eq!(texts, ["elsewhere", "behind it"]);

    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_unhurried"))
        .arg("outbox")
        .env_clear()
        .env("UNHURRIED_DATABASE__URL", &url)
        .output()
        .await
        .unwrap();
    let report = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{report}");
    assert!(report.starts_with("messages: failed 1, sent 2\n"), "{report}");
    let failed = report.lines().find(|l| l.contains("\tfailed\t")).expect(&report).to_owned();
    assert!(failed.contains("digest") && failed.contains("channel:C-BROKEN"), "{failed}");
    assert!(failed.contains("gave up after 8 attempts: Slack API error weird_new_error"), "{failed}");
}

/// The simulated platform whose profile lookup fails for `UERR` and panics for `UPANIC`.
struct Broken {
    inner: SimulatedPlatform,
}

#[async_trait]
impl ChatPlatform for Broken {
    fn platform(&self) -> Platform {
        self.inner.platform()
    }

    async fn send(&self, tag: OutboxTag, message: &OutgoingMessage) -> Result<String, SendError> {
        self.inner.send(tag, message).await
    }

    async fn find_sent(&self, tag: OutboxTag, message: &OutgoingMessage) -> Result<Option<String>, SendError> {
        self.inner.find_sent(tag, message).await
    }

    async fn profile(&self, workspace: &str, user: &str) -> anyhow::Result<Option<Profile>> {
        match user {
            "UERR" => anyhow::bail!("users.info: connection reset"),
            "UPANIC" => panic!("a bug in the profile code"),
            _ => self.inner.profile(workspace, user).await,
        }
    }

    async fn permalink(&self, channel: &str, message: &str) -> anyhow::Result<Option<String>> {
        self.inner.permalink(channel, message).await
    }
}

#[tokio::test]
async fn a_failing_or_panicking_command_is_answered_with_a_reference_and_the_bot_goes_on() {
    use unhurried::domain::events::{CommandInvocation, InboundEvent};
    for platform in [Platform::Slack, Platform::Discord] {
        let dir = tempfile::tempdir().unwrap();
        let store =
            Arc::new(SqliteStore::open(&format!("sqlite://{}", dir.path().join("db").display())).await.unwrap());
        let clock = Arc::new(ManualClock::new("2026-03-30T09:00:00Z".parse().unwrap()));
        let profiles: HashMap<String, Profile> = [("U1".to_owned(), crate::support::profile("alice", None))].into();
        let chat = Arc::new(Broken { inner: SimulatedPlatform::new(platform, clock.clone(), profiles) });
        let bot = Bot::new(store.clone(), clock.clone(), chat.clone(), Arc::new(Settings::defaults()));
        bot.start().await.unwrap();
        let command = |id: &str, user: &str| {
            InboundEvent::Command(CommandInvocation {
                workspace: "T1".into(),
                id: id.into(),
                channel: "C1".into(),
                user: user.into(),
                text: "tz Europe/Paris".into(),
                platform_admin: false,
                is_dm: false,
            })
        };
        let failed = bot.handle(command("c1", "UERR")).await.unwrap_err();
        let panicked = bot.handle(command("c2", "UPANIC")).await.unwrap_err();
        bot.handle(command("c3", "U1")).await.unwrap();

        let replies: Vec<(Option<String>, String)> =
            chat.inner.transcript().into_iter().map(|e| (e.to, e.text)).collect();
        assert_eq!(replies.len(), 3, "{platform}: {replies:?}");
        for (entry, error) in replies.iter().zip([&failed, &panicked]) {
            let reference = format!("{error:#}").split("ref ").nth(1).unwrap()[..6].to_owned();
            assert!(entry.1.starts_with(&format!("Something went wrong on our side (ref {reference})")), "{entry:?}");
        }
        assert_eq!(replies[0].0.as_deref(), Some("UERR"));
        assert_eq!(replies[1].0.as_deref(), Some("UPANIC"));
        assert!(format!("{panicked:#}").contains("panicked: a bug in the profile code"), "{panicked:#}");
        assert!(replies[2].1.contains("Europe/Paris"), "the next command is handled as usual: {:?}", replies[2]);
        let failed_rows: Vec<String> = sqlx::query_scalar("SELECT error FROM inbox WHERE state = 'failed' ORDER BY id")
            .fetch_all(store.pool())
            .await
            .unwrap();
        assert_eq!(failed_rows.len(), 2, "not retried: the user was told");
        assert!(failed_rows[0].contains("connection reset"), "{failed_rows:?}");
    }
}

#[tokio::test]
async fn an_over_long_message_is_split_before_it_is_queued_and_every_piece_is_delivered() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(SqliteStore::open(&format!("sqlite://{}", dir.path().join("db").display())).await.unwrap());
    let clock = Arc::new(ManualClock::new("2026-03-30T09:00:00Z".parse().unwrap()));
    let chat = Arc::new(SimulatedPlatform::new(Platform::Discord, clock.clone(), HashMap::new()));
    let bot = Bot::new(store.clone(), clock, chat.clone(), Arc::new(Settings::defaults()));
    bot.start().await.unwrap();
    let workspace_id = bot.workspace_id("G1").await.unwrap();
    // A brief of 60 lines of 90 characters: 5,460 characters, over Discord's 2,000.
    let text: Vec<String> = (0..60).map(|n| format!("• line {n:02} {}", "x".repeat(80))).collect();
    let text = text.join("\n");
    let brief = OutgoingMessage::new(Destination::Dm { user: "111".into() }, Purpose::Brief, text.clone());
    bot.send(workspace_id, vec![brief]).await.unwrap();
    let queued: Vec<String> =
        sqlx::query_scalar("SELECT message FROM outbox ORDER BY id").fetch_all(store.pool()).await.unwrap();
    assert_eq!(queued.len(), 3, "split into pieces before queueing");
    bot.settle().await.unwrap();
    let sent: Vec<String> = chat.transcript().into_iter().map(|e| e.text).collect();
    assert!(
        sent.iter().all(|piece| piece.chars().count() <= 2000),
        "{:?}",
        sent.iter().map(|p| p.len()).collect::<Vec<_>>()
    );
    assert_eq!(sent.join("\n"), text, "every line once, in order");
}
