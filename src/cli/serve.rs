//! Purpose: `unhurried serve`, `migrate` and `check` — the long-running bot and its preflight.

use std::process::ExitCode;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use secrecy::SecretString;

use crate::adapters::clock::SystemClock;
use crate::adapters::sqlite::SqliteStore;
use crate::config::{Secrets, Settings, process_env};
use crate::jobs::{ClaimedJob, JobHandler, JobOutcome, JobRunner, run_scheduler};
use crate::ports::{Clock, Store};

/// Runs the bot until SIGINT/SIGTERM.
pub async fn serve(settings: Settings) -> ExitCode {
    crate::telemetry::init(settings.log.format, &settings.log.level);
    match serve_inner(settings).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error:#}");
            eprintln!("unhurried: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve_inner(settings: Settings) -> anyhow::Result<()> {
    let store = Arc::new(SqliteStore::open(&settings.database.url).await?);
    let _instance = store.lock_instance()?;
    let secrets = Secrets::from_env(&process_env());
    let platforms = enabled_platforms(&secrets);
    if platforms.is_empty() {
        tracing::warn!("no chat credentials set (SLACK_BOT_TOKEN, DISCORD_TOKEN): running the scheduler only");
    }
    tracing::info!(database = %settings.database.url, platforms = ?platforms, "unhurried is running");
    let clock = SystemClock;
    let worker = format!("pid{}-{}", std::process::id(), clock.now().timestamp());
    let runner = JobRunner { store: store.as_ref(), clock: &clock, worker: &worker, lease: settings.scheduler.lease };
    run_scheduler(&runner, &UnknownJobs, settings.scheduler.tick, shutdown_signal()).await;
    tracing::info!("unhurried stopped");
    Ok(())
}

/// Until the engine registers its features, every job kind is unknown: a permanent failure.
struct UnknownJobs;

#[async_trait]
impl JobHandler for UnknownJobs {
    async fn run(&self, job: &ClaimedJob, _now: DateTime<Utc>) -> anyhow::Result<JobOutcome> {
        Ok(JobOutcome::Failed { error: format!("unknown job kind '{}'", job.kind) })
    }

    async fn missed(&self, _job: &ClaimedJob, _now: DateTime<Utc>) -> anyhow::Result<()> {
        Ok(())
    }
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
    match SqliteStore::open(&settings.database.url).await {
        Ok(_) => {
            println!("database {} is up to date", settings.database.url);
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("unhurried: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Prints the validated configuration summary and the enabled platforms.
pub fn check(settings: Settings) -> ExitCode {
    let secrets = Secrets::from_env(&process_env());
    println!("configuration is valid");
    println!("database:  {}", settings.database.url);
    println!("http:      {}", settings.http.addr);
    println!("workspace: {} {} {}", settings.workspace.timezone, settings.workspace.hours, settings.workspace.days);
    let platforms = enabled_platforms(&secrets);
    if platforms.is_empty() {
        println!(
            "platforms: none (set SLACK_BOT_TOKEN with SLACK_APP_TOKEN or SLACK_SIGNING_SECRET, or DISCORD_TOKEN)"
        );
    } else {
        println!("platforms: {}", platforms.join(", "));
    }
    ExitCode::SUCCESS
}
