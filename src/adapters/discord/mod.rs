//! Purpose: the Discord adapter — a serenity gateway client whose dispatches become
//! [`InboundEvent`]s, and [`DiscordPlatform`], the [`crate::ports::ChatPlatform`] on Discord's
//! REST API. No serenity type leaves this module.
//!
//! Wiring (for `serve` and `check`):
//! - [`connect`] checks the token, picks the gateway intents, starts the gateway client in a task
//!   and returns the platform for [`crate::bot::Bot::new`] plus a [`DiscordConnection`] handle.
//!   Inbound events are recorded in the inbox through the [`crate::inbox::InboxWriter`] it is given.
//! - With `DISCORD_PUBLIC_KEY`, [`interactions_key`] checks the key before anything connects and
//!   [`DiscordConnection::interactions_routes`] gives the `POST /discord/interactions` route to
//!   mount on the HTTP server; it records into the same inbox as the gateway.
//! - [`check`] reports the bot user, its guilds and the permissions it lacks in each, for
//!   `unhurried check`.
//!
//! DMs carry no guild; a DM is placed in the workspace of the guild the bot last saw its author in,
//! else the bot's only guild, else the fixed workspace [`convert::DM_WORKSPACE`].

pub mod commands;
pub mod convert;
pub mod forms;
pub mod gateway;
pub mod handler;
pub mod intake;
#[cfg(feature = "discord-interactions-endpoint")]
pub mod interactions_endpoint;
pub mod messages;
pub mod platform;

use std::sync::Arc;

use anyhow::Context as _;
use secrecy::{ExposeSecret as _, SecretString};
use serenity::all::{ApplicationFlags, GatewayIntents, GuildInfo, HttpBuilder, Permissions, RoleId, UserId};
use serenity::http::Http;

pub use gateway::Sharding;
pub use platform::DiscordPlatform;

use crate::config::Settings;
use crate::inbox::InboxWriter;
use crate::ports::{Clock, Store};

/// Discord's own REST base; any other `discord.api_url` is a stand-in (a proxy or a test double).
pub const DISCORD_API_URL: &str = "https://discord.com";

/// The permissions the bot needs in a guild (README's invite list, less Use Application
/// Commands, which is the members' to have): to post nudges, prompts and digests, start and post
/// in threads, show permalinks, and read the messages it replies to.
pub const NEEDED_PERMISSIONS: Permissions = Permissions::SEND_MESSAGES
    .union(Permissions::CREATE_PUBLIC_THREADS)
    .union(Permissions::SEND_MESSAGES_IN_THREADS)
    .union(Permissions::EMBED_LINKS)
    .union(Permissions::READ_MESSAGE_HISTORY);

/// A checked `DISCORD_PUBLIC_KEY`, for [`DiscordConnection::interactions_routes`].
#[cfg(feature = "discord-interactions-endpoint")]
pub type InteractionsKey = interactions_endpoint::InteractionVerifier;
/// Builds without the `discord-interactions-endpoint` feature never have a key.
#[cfg(not(feature = "discord-interactions-endpoint"))]
pub enum InteractionsKey {}

/// Checks `DISCORD_PUBLIC_KEY` (`None` when unset). The error is one line that says what is wrong
/// without repeating the value; a build without the endpoint refuses a set key rather than
/// leaving Discord's requests unanswered.
pub fn interactions_key(public_key: Option<&SecretString>) -> anyhow::Result<Option<InteractionsKey>> {
    let Some(public_key) = public_key else { return Ok(None) };
    #[cfg(feature = "discord-interactions-endpoint")]
    return interactions_endpoint::InteractionVerifier::new(public_key).map(Some);
    #[cfg(not(feature = "discord-interactions-endpoint"))]
    {
        let _ = public_key;
        anyhow::bail!("DISCORD_PUBLIC_KEY is set, but this build has no HTTP interactions endpoint")
    }
}

/// The running gateway sessions (one per shard this process holds).
pub struct DiscordConnection {
    gateway: Arc<gateway::Gateway>,
    /// Shared with the gateway handler, for the HTTP interactions endpoint.
    #[cfg(feature = "discord-interactions-endpoint")]
    intake: Arc<intake::Intake>,
}

impl DiscordConnection {
    /// `POST /discord/interactions`, verified with `key`, answering and de-duplicating
    /// interactions exactly as the gateway does, into the same event channel.
    pub fn interactions_routes(&self, key: InteractionsKey) -> axum::Router {
        #[cfg(feature = "discord-interactions-endpoint")]
        return interactions_endpoint::routes(interactions_endpoint::DiscordHttp {
            verifier: key,
            intake: self.intake.clone(),
        });
        #[cfg(not(feature = "discord-interactions-endpoint"))]
        match key {}
    }

    /// For `/readyz`: up while every gateway shard this process holds is connected.
    pub fn readiness_check(&self) -> Arc<dyn crate::adapters::readiness::ConnectionCheck> {
        Arc::new(GatewayCheck { gateway: self.gateway.clone() })
    }

    /// The shards whose gateway sessions run in this process now.
    pub async fn held_shards(&self) -> Vec<u32> {
        self.gateway.held().await
    }

    /// Closes every gateway session, waits for their clients to end and releases this process's
    /// shard leases.
    pub async fn shutdown(self) {
        self.gateway.shutdown().await;
    }
}

/// The gateway sessions as `/readyz` sees them.
struct GatewayCheck {
    gateway: Arc<gateway::Gateway>,
}

#[async_trait::async_trait]
impl crate::adapters::readiness::ConnectionCheck for GatewayCheck {
    fn name(&self) -> &'static str {
        "discord gateway"
    }

    async fn check(&self) -> Result<(), String> {
        self.gateway.check().await
    }
}

/// The REST client. Against Discord itself it uses serenity's rate limiter (buckets, global and
/// shared scopes, 429 back-off). serenity's limiter ignores the proxy URL, so against a stand-in
/// the limiter is off and 429s come back as transient errors the outbox retries.
pub fn http_client(token: &SecretString, settings: &Settings) -> Http {
    let builder = HttpBuilder::new(token.expose_secret());
    let api = settings.discord.api_url.trim_end_matches('/');
    if api == DISCORD_API_URL { builder.build() } else { builder.proxy(api).ratelimiter_disabled(true).build() }
}

/// The intents to ask for: GUILDS, GUILD_MESSAGES, DIRECT_MESSAGES and, when the application
/// may have them, GUILD_MEMBERS and MESSAGE_CONTENT. Asking for a privileged intent the application lacks closes the
/// gateway (4014), so without it the bot runs on mentions and DMs only, with one warning.
pub fn intents_for(flags: Option<ApplicationFlags>) -> GatewayIntents {
    let mut base = GatewayIntents::GUILDS | GatewayIntents::GUILD_MESSAGES | GatewayIntents::DIRECT_MESSAGES;
    // Member updates (role changes) keep admin flags true at once; without the intent the daily
    // profile read does, a day late at most.
    let members = ApplicationFlags::GATEWAY_GUILD_MEMBERS | ApplicationFlags::GATEWAY_GUILD_MEMBERS_LIMITED;
    if flags.is_some_and(|f| f.intersects(members)) {
        base |= GatewayIntents::GUILD_MEMBERS;
    }
    let content = ApplicationFlags::GATEWAY_MESSAGE_CONTENT | ApplicationFlags::GATEWAY_MESSAGE_CONTENT_LIMITED;
    if flags.is_some_and(|f| f.intersects(content)) {
        base | GatewayIntents::MESSAGE_CONTENT
    } else {
        tracing::warn!(
            "the Discord application lacks the Message Content intent: only mentions and DMs carry text, so most \
             pings go unseen. Turn it on under Bot → Privileged Gateway Intents."
        );
        base
    }
}

/// The number of gateway shards: `discord.shards`, else Discord's recommendation
/// (`GET /gateway/bot`); a stand-in (`discord.api_url` not Discord's) that does not answer it
/// gets 1.
pub async fn shard_count(http: &Http, settings: &Settings) -> anyhow::Result<u32> {
    if let Some(shards) = settings.discord.shards {
        return Ok(shards);
    }
    match http.get_bot_gateway().await {
        Ok(gateway) => Ok(gateway.shards.max(1)),
        Err(error) if settings.discord.api_url.trim_end_matches('/') != DISCORD_API_URL => {
            tracing::info!(error = %convert::error_text(&error), "the Discord stand-in gives no shard count; using 1");
            Ok(1)
        }
        Err(error) => Err(anyhow::anyhow!(convert::error_text(&error)))
            .context("reading Discord's recommended shard count (set discord.shards to skip it)"),
    }
}

/// Connects to Discord: checks the token, starts one gateway session per shard this process
/// holds (`sharding`: every shard, or those leased through `store`), registers `/async` once
/// READY arrives, and records inbound events in the inbox through `inbox`, counting them in
/// `metrics`. Returns the platform the engine sends through (one REST client, shared) and the
/// connection. `store` and `clock` are the engine's: the standup answer button reads the
/// questions of the member's open run from them, and shard leases are kept in it.
#[allow(clippy::too_many_arguments, reason = "the wiring serve does, each part named")]
pub async fn connect(
    token: &SecretString,
    settings: &Settings,
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    inbox: InboxWriter,
    metrics: Arc<crate::adapters::metrics::Metrics>,
    sharding: Sharding,
) -> anyhow::Result<(Arc<DiscordPlatform>, DiscordConnection)> {
    let http = http_client(token, settings);
    let app = http
        .get_current_application_info()
        .await
        .context("reading the Discord application (is DISCORD_TOKEN right?)")?;
    http.set_application_id(app.id);
    let intents = intents_for(app.flags);
    let directory = Arc::new(convert::Directory::default());
    let interactions = Arc::new(platform::Interactions::default());
    let total = shard_count(&http, settings).await?;
    let forms = forms::FormSource { store: store.clone(), clock: clock.clone() };
    let intake = Arc::new(intake::Intake::new(inbox, directory.clone(), interactions.clone(), forms, metrics));
    let caches = Arc::new(gateway::GuildCaches::default());
    let http = Arc::new(http);
    let platform = Arc::new(DiscordPlatform::new(http, caches.clone(), directory.clone(), interactions));
    let kit = gateway::SessionKit {
        token: token.clone(),
        settings: settings.clone(),
        intents,
        application: app.id,
        intake: intake.clone(),
        directory,
        caches,
        next_slot: std::sync::Mutex::new(tokio::time::Instant::now()),
    };
    let gateway = Arc::new(gateway::Gateway::start(kit, total, sharding, store, clock).await?);
    let connection = DiscordConnection {
        gateway,
        #[cfg(feature = "discord-interactions-endpoint")]
        intake,
    };
    Ok((platform, connection))
}

/// For `unhurried check`: the bot user and the guilds it is in, then one line per guild saying
/// which of [`NEEDED_PERMISSIONS`] the bot lacks there, e.g.
/// `Discord: bot unhurried (id 123) in 2 guilds: Team (456), Ops (789)`,
/// `Discord: Team (456): has every permission it needs`,
/// `Discord: Ops (789): missing Create Public Threads, Embed Links`.
pub async fn check(token: &SecretString, settings: &Settings) -> anyhow::Result<CheckReport> {
    let http = http_client(token, settings);
    let user = http.get_current_user().await.context("DISCORD_TOKEN was refused")?;
    let guilds = http.get_guilds(None, None).await.context("listing the bot's guilds")?;
    let names: Vec<String> = guilds.iter().map(guild_label).collect();
    let plural = if guilds.len() == 1 { "" } else { "s" };
    let mut lines = vec![format!("Discord: bot {} (id {}) in {} guild{plural}", user.tag(), user.id, guilds.len())];
    if !names.is_empty() {
        lines[0].push_str(&format!(": {}", names.join(", ")));
    }
    let mut complete = true;
    for (guild, label) in guilds.iter().zip(&names) {
        let verdict = match bot_permissions(&http, guild, user.id).await {
            Ok(have) if have.contains(NEEDED_PERMISSIONS) => "has every permission it needs".to_owned(),
            Ok(have) => {
                complete = false;
                format!("missing {}", (NEEDED_PERMISSIONS - have).get_permission_names().join(", "))
            }
            Err(error) => {
                complete = false;
                format!("cannot read its permissions: {}", convert::error_text(&error))
            }
        };
        lines.push(format!("Discord: {label}: {verdict}"));
    }
    Ok(CheckReport { text: lines.join("\n"), complete })
}

/// What `check` found: the lines to print, and whether the bot has what it needs everywhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckReport {
    /// One line for the bot and its guilds, then one per guild.
    pub text: String,
    /// Every guild grants every needed permission (so `check` can exit 0).
    pub complete: bool,
}

impl std::fmt::Display for CheckReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

fn guild_label(guild: &GuildInfo) -> String {
    format!("{} ({})", guild.name, guild.id)
}

/// The bot's permissions in a guild from its roles there, before channel overwrites (which can
/// change them channel by channel).
async fn bot_permissions(http: &Http, guild: &GuildInfo, bot: UserId) -> serenity::Result<Permissions> {
    let member = http.get_member(guild.id, bot).await?;
    let roles: Vec<(RoleId, Permissions)> =
        http.get_guild_roles(guild.id).await?.into_iter().map(|r| (r.id, r.permissions)).collect();
    Ok(convert::guild_permissions(guild.id, &roles, &member.roles, guild.owner))
}
