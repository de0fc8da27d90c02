//! Purpose: `unhurried serve`, `migrate` and `check` — the long-running bot and its preflight.

use std::process::ExitCode;
use std::sync::Arc;

use secrecy::SecretString;
use tokio::sync::{Notify, watch};

use crate::adapters::clock::SystemClock;
use crate::adapters::database::Database;
use crate::adapters::discord;
use crate::adapters::http::{HttpState, bind, metrics_router, router, serve as serve_http};
use crate::adapters::metrics::{Metered as MeteredPlatform, Metrics};
use crate::adapters::readiness::Readiness;
use crate::adapters::server::Limits;
use crate::adapters::slack::events::SlackHttp;
use crate::adapters::slack::socket::{SocketMode, SocketOptions};
use crate::adapters::slack::verify::RequestVerifier;
use crate::adapters::slack::{self, Intake, SlackPlatform};
use crate::bot::Bot;
use crate::config::{Secrets, Settings, process_env};
use crate::health::StoreHealth;
use crate::inbox::InboxWriter;
use crate::ports::{ChatPlatform, Clock};

/// Runs the bot until SIGINT/SIGTERM; without chat credentials, the playground.
pub async fn serve(settings: Settings, playground: crate::playground::PlaygroundOptions) -> ExitCode {
    crate::telemetry::init(settings.log.format, &settings.log.level);
    let secrets = match load_secrets() {
        Ok(secrets) => secrets,
        Err(code) => return code,
    };
    match serve_inner(settings, secrets, playground).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error:#}");
            // Straight to stderr as well, through the same redaction as the log.
            eprintln!("unhurried: {}", crate::telemetry::redact(&format!("{error:#}")));
            ExitCode::FAILURE
        }
    }
}

/// How Slack reaches the bot, decided by which secrets are set.
enum SlackMode {
    /// `SLACK_APP_TOKEN`: websockets opened by the bot, no public URL needed.
    Socket(SecretString),
    /// `SLACK_SIGNING_SECRET`: Slack POSTs to `http.addr`, every request signed.
    Http(SecretString),
}

fn slack_mode(secrets: &Secrets) -> Option<(SecretString, SlackMode)> {
    let bot_token = secrets.slack_bot_token.clone()?;
    if let Some(app_token) = &secrets.slack_app_token {
        Some((bot_token, SlackMode::Socket(app_token.clone())))
    } else {
        secrets.slack_signing_secret.as_ref().map(|secret| (bot_token, SlackMode::Http(secret.clone())))
    }
}

/// What a connected platform leaves to shut down.
enum Connection {
    Socket(SocketMode),
    Discord(discord::DiscordConnection),
}

/// The secrets from the environment (or their `_FILE`s), or a one-line error and exit code 2.
fn load_secrets() -> Result<Secrets, ExitCode> {
    Secrets::load(&process_env()).map_err(|error| {
        eprintln!("unhurried: {error}");
        ExitCode::from(super::EXIT_BAD_INPUT)
    })
}

async fn serve_inner(
    settings: Settings,
    secrets: Secrets,
    playground: crate::playground::PlaygroundOptions,
) -> anyhow::Result<()> {
    slack::install_crypto_provider();
    if slack_mode(&secrets).is_none() && secrets.discord_token.is_none() {
        // Without a platform: the playground, on a store of its own. database.url is not even
        // opened, so a production database whose tokens are missing by mistake is untouched.
        return crate::playground::serve(settings, playground, shutdown_signal()).await;
    }
    let (database, _instance) = Database::open_for_serve(&settings.database).await?;
    let store = database.store();
    let enabled = enabled_platforms(&secrets);
    let metrics = Arc::new(Metrics::default());
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let listener = bind(settings.http.addr).await?;
    let metrics_listener = match settings.http.metrics_addr {
        Some(addr) => Some(bind(addr).await?),
        None => None,
    };
    let (stop, stopped) = watch::channel(false);
    tokio::spawn(async move {
        shutdown_signal().await;
        tracing::info!("stopping: no new events are taken; finishing what is in hand");
        let _ = stop.send(true);
    });
    let limits = Limits::from_settings(&settings.http);
    let readiness = Readiness::default();
    let http_state = HttpState {
        store: store.clone(),
        metrics: metrics.clone(),
        clock: clock.clone(),
        readiness: readiness.clone(),
    };
    let metrics_here = metrics_listener.is_none();
    let metrics_http = metrics_listener.map(|listener| {
        tokio::spawn(serve_http(listener, metrics_router(http_state.clone()), limits, wait_for(stopped.clone())))
    });
    tracing::info!(
        database = %crate::adapters::postgres::redact(&settings.database.url),
        http = %settings.http.addr,
        metrics = %settings.http.metrics_addr.unwrap_or(settings.http.addr),
        platforms = ?enabled,
        "unhurried is running"
    );
    let shutdown_timeout = settings.shutdown.timeout;

    let slack = slack_mode(&secrets);

    // Checked before connecting, so a wrong key is a one-line error, not a half-started bot.
    let interactions_key = match &secrets.discord_token {
        Some(_) => discord::interactions_key(secrets.discord_public_key.as_ref())?,
        None => None,
    };
    let recorded = Arc::new(Notify::new());
    let inbox = InboxWriter::start(store.clone(), clock.clone(), recorded.clone());
    let mut chats: Vec<Arc<dyn ChatPlatform>> = Vec::new();
    let mut connections = Vec::new();
    let mut slack_http = None;
    let mut discord_routes = None;

    if let Some((bot_token, mode)) = slack {
        let client = slack::client(&settings.slack.api_url)?;
        let platform = SlackPlatform::new(client.clone(), &bot_token);
        let identity =
            platform.identify().await.map_err(|e| anyhow::anyhow!("the Slack bot token was refused: {e:#}"))?;
        tracing::info!(workspace = %identity.team, bot_user = %identity.user, "signed in to Slack");
        // The intake keeps each command's response_url where the platform's private replies read it.
        let intake = Arc::new(
            Intake::new(inbox.clone(), metrics.clone(), Some(identity.user_id))
                .with_response_urls(platform.response_urls()),
        );
        match mode {
            SlackMode::Socket(app_token) => {
                let socket = SocketMode::start(client, &app_token, intake, SocketOptions::default()).await?;
                readiness.register(socket.readiness_check());
                connections.push(Connection::Socket(socket));
            }
            SlackMode::Http(secret) => {
                let verifier = RequestVerifier::new(secret);
                slack_http = Some(SlackHttp { verifier, clock: clock.clone(), intake });
            }
        }
        chats.push(Arc::new(MeteredPlatform::new(Arc::new(platform), metrics.clone())));
    }
    if let Some(token) = &secrets.discord_token {
        let sharding = match database.worker() {
            Some(worker) => discord::Sharding::Leased { worker: worker.to_owned() },
            None => discord::Sharding::All,
        };
        let (platform, connection) =
            discord::connect(token, &settings, store.clone(), clock.clone(), inbox.clone(), metrics.clone(), sharding)
                .await?;
        if let Some(key) = interactions_key {
            discord_routes = Some(connection.interactions_routes(key));
            tracing::info!("Discord HTTP interactions: POST /discord/interactions");
        }
        readiness.register(connection.readiness_check());
        connections.push(Connection::Discord(connection));
        chats.push(Arc::new(MeteredPlatform::new(platform, metrics.clone())));
    }

    let mut routes = router(http_state, slack_http, metrics_here);
    if let Some(discord_routes) = discord_routes {
        routes = routes.merge(discord_routes);
    }
    let http = tokio::spawn(serve_http(listener, routes, limits, wait_for(stopped.clone())));
    let tick = settings.scheduler.tick.to_std().unwrap_or(std::time::Duration::from_secs(15));
    let health = database.health();
    let heartbeat_every = settings.database.heartbeat.to_std().unwrap_or(std::time::Duration::from_secs(10));
    let bot = Arc::new(Bot::on_platforms(store, clock, chats, Arc::new(settings)));
    bot.start().await?;
    // The heartbeat: this process's claims stay its own while it lives (on PostgreSQL other
    // processes take over a dead one's after `database.lease`).
    let heartbeat = tokio::spawn({
        let (bot, mut stopped) = (bot.clone(), stopped.clone());
        async move {
            let mut every = tokio::time::interval(heartbeat_every);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = every.tick() => {
                        if let Err(error) = bot.renew_claims().await {
                            tracing::warn!(error = format!("{error:#}"), "could not renew this process's claims");
                        }
                    }
                    _ = stopped.changed() => return,
                }
            }
        }
    });
    let deliverer = bot.deliverer().clone();
    let delivery = tokio::spawn({
        let stopped = stopped.clone();
        async move { deliverer.run(wait_for(stopped)).await }
    });
    // On the stop signal, at once: the consumer starts no other event or job batch, and the
    // sockets close, so nothing new is taken (the HTTP servers stop accepting by themselves).
    let stop_taking = {
        let (bot, stopped) = (bot.clone(), stopped.clone());
        async move {
            wait_for(stopped).await;
            bot.stop();
            for connection in connections {
                match connection {
                    Connection::Socket(socket) => socket.shutdown().await,
                    Connection::Discord(discord) => discord.shutdown().await,
                }
            }
        }
    };
    let drain = async {
        tokio::join!(run_consumer(&bot, &health, &recorded, tick, wait_for(stopped.clone())), stop_taking);
        http.await??;
        if let Some(metrics_http) = metrics_http {
            metrics_http.await??;
        }
        delivery.await?;
        anyhow::Ok(())
    };
    let stopped_in_time = finish_within(drain, stopped.clone(), shutdown_timeout).await;
    heartbeat.abort();
    close_cleanly(&database).await;
    stopped_in_time
}

/// Folds the `-wal` file back into the database file, so the file alone is the whole database
/// (on the clean path and after the shutdown timeout alike). A failure is logged, not fatal: the
/// `-wal` still belongs to the database and the next start reads it.
async fn close_cleanly(database: &Database) {
    // Bounded: after the shutdown timeout a task cut off may still hold a connection, and closing
    // the pool waits for every connection to come back.
    match tokio::time::timeout(std::time::Duration::from_secs(5), database.close()).await {
        Ok(Ok(())) => tracing::info!("database checkpointed and closed"),
        Ok(Err(error)) => tracing::warn!(
            error = format!("{error:#}"),
            "could not checkpoint the database on stop; its -wal file still holds recent writes"
        ),
        Err(_) => tracing::warn!("closing the database took too long; its -wal file still holds recent writes"),
    }
}

/// Runs `drain` (the whole process until it has stopped) and returns when it ends, or
/// `timeout` after the stop signal, whichever comes first. What is cut off is safe: an unfinished
/// unit of work rolls back and is redone by the next start, a message cut mid-send is reconciled
/// before any resend.
async fn finish_within(
    drain: impl Future<Output = anyhow::Result<()>>,
    stopped: watch::Receiver<bool>,
    timeout: std::time::Duration,
) -> anyhow::Result<()> {
    let deadline = async {
        wait_for(stopped).await;
        tokio::time::sleep(timeout).await;
    };
    tokio::select! {
        finished = drain => {
            finished?;
            tracing::info!("unhurried stopped");
        }
        () = deadline => tracing::warn!(
            timeout = ?timeout,
            "not everything finished within shutdown.timeout; exiting anyway (the next start picks up what was left)"
        ),
    }
    Ok(())
}

/// The one consumer: inbox rows as they are recorded, due jobs every tick, one at a time, so an
/// event, its reply and a due job never race. It decides only; the delivery workers send. Each
/// tick's outcome goes to `health`, so ticks that keep failing make `/healthz` fail.
pub async fn run_consumer(
    bot: &Bot,
    health: &StoreHealth,
    recorded: &Notify,
    tick: std::time::Duration,
    shutdown: impl Future<Output = ()>,
) {
    let mut ticker = tokio::time::interval(tick);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // Rows recorded before this process started (or retried ones) are due without a wake-up.
    let mut poll = tokio::time::interval(std::time::Duration::from_secs(1));
    poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tokio::pin!(shutdown);
    loop {
        // Unbiased on purpose: a steady stream of events must not starve the scheduler tick.
        tokio::select! {
            () = &mut shutdown => return,
            () = recorded.notified() => handle_inbox(bot).await,
            _ = poll.tick() => handle_inbox(bot).await,
            _ = ticker.tick() => match bot.decide_due_jobs().await {
                Ok(_) => health.tick_succeeded(),
                Err(error) => {
                    tracing::error!(error = format!("{error:#}"), "running due jobs failed; retrying next tick");
                    health.tick_failed(&error);
                }
            }
        }
    }
}

async fn handle_inbox(bot: &Bot) {
    // Each failed event is logged with its chain where it failed; the rest still ran.
    if let Err(error) = bot.handle_pending().await {
        tracing::debug!(error = format!("{error:#}"), "an event failed; it will be retried");
    }
}

/// Resolves once the stop flag is raised.
async fn wait_for(mut stopped: watch::Receiver<bool>) {
    let _ = stopped.wait_for(|stop| *stop).await;
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

fn enabled_platforms(secrets: &Secrets) -> Vec<&'static str> {
    let set = |s: &Option<SecretString>| s.is_some();
    let mut platforms = Vec::new();
    if set(&secrets.slack_bot_token) && set(&secrets.slack_app_token) {
        platforms.push("slack (socket mode)");
    } else if set(&secrets.slack_bot_token) && set(&secrets.slack_signing_secret) {
        platforms.push("slack (http)");
    }
    if set(&secrets.discord_token) {
        platforms.push("discord");
    }
    platforms
}

/// Applies migrations and exits.
pub async fn migrate(settings: Settings) -> ExitCode {
    match Database::open(&settings.database).await {
        Ok(database) => {
            // The migrated schema in the file itself, not left in the -wal.
            if let Err(error) = database.close().await {
                eprintln!("unhurried: {error:#}");
                return ExitCode::FAILURE;
            }
            println!("database {} is up to date", settings.database.url);
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("unhurried: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Prints the validated configuration summary and the enabled platforms; with Slack
/// credentials, asks Slack (`auth.test`) which workspace and bot user the token belongs to; with
/// `DISCORD_TOKEN`, checks `DISCORD_PUBLIC_KEY` if set and asks Discord for the bot, its guilds
/// and the permissions it lacks in each.
pub async fn check(settings: Settings) -> ExitCode {
    let secrets = match load_secrets() {
        Ok(secrets) => secrets,
        Err(code) => return code,
    };
    println!("configuration is valid");
    println!("database:  {}", crate::adapters::postgres::redact(&settings.database.url));
    match crate::adapters::database::describe(&settings.database).await {
        Ok(store) => println!("store:     {store}"),
        Err(error) => {
            eprintln!("unhurried: {error:#}");
            return ExitCode::FAILURE;
        }
    }
    println!("http:      {}", settings.http.addr);
    println!("workspace: {} {} {}", settings.workspace.timezone, settings.workspace.hours, settings.workspace.days);
    let platforms = enabled_platforms(&secrets);
    if platforms.is_empty() {
        println!(
            "platforms: none (set SLACK_BOT_TOKEN with SLACK_APP_TOKEN or SLACK_SIGNING_SECRET, or DISCORD_TOKEN)"
        );
        return ExitCode::SUCCESS;
    }
    println!("platforms: {}", platforms.join(", "));
    if let Some((bot_token, _)) = slack_mode(&secrets) {
        match slack::preflight::check_token(&settings.slack.api_url, &bot_token).await {
            Ok(report) => {
                println!("{report}");
                if !report.is_complete() {
                    return ExitCode::FAILURE;
                }
            }
            Err(error) => {
                eprintln!("unhurried: Slack refused the bot token: {error:#}");
                return ExitCode::FAILURE;
            }
        }
    }
    if let Some(token) = &secrets.discord_token {
        match discord::interactions_key(secrets.discord_public_key.as_ref()) {
            Ok(Some(_)) => {
                println!("Discord: HTTP interactions on POST /discord/interactions (DISCORD_PUBLIC_KEY is valid)")
            }
            Ok(None) => {}
            Err(error) => {
                eprintln!("unhurried: {error:#}");
                return ExitCode::FAILURE;
            }
        }
        slack::install_crypto_provider();
        match discord::check(token, &settings).await {
            Ok(report) => {
                println!("{report}");
                if !report.complete {
                    return ExitCode::FAILURE;
                }
            }
            Err(error) => {
                eprintln!("unhurried: {error:#}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
