//! Purpose: the `unhurried` command line (SPEC §8). Each subcommand is a function that returns
//! an exit code; `main.rs` only parses and dispatches.

mod config;
mod database;
mod export;
mod healthcheck;
mod outbox;
mod serve;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::{Settings, process_env};

/// Exit code for bad input (config, arguments): nothing was run.
pub const EXIT_BAD_INPUT: u8 = 2;

/// `--version`: the crate version and the commit it was built from.
pub const LONG_VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (commit ", env!("BUILD_GIT_COMMIT"), ")");

/// The environment `--help` lists, with examples.
const ENVIRONMENT_HELP: &str = "\
Environment:
  UNHURRIED_CONFIG=FILE            the config file, like --config (the flag wins)
  UNHURRIED_<SECTION>__<KEY>=VALUE any setting, over the file: UNHURRIED_HTTP__ADDR=0.0.0.0:8080,
                                   UNHURRIED_NUDGE__GRACE=5s, UNHURRIED_WORKSPACE__ADMINS=U1,U2
  SLACK_BOT_TOKEN                  Slack bot token (xoxb-…); with one of:
  SLACK_APP_TOKEN                    Socket Mode app-level token (xapp-…), no public URL needed
  SLACK_SIGNING_SECRET               HTTP mode: verifies Slack's requests to /slack/*
  DISCORD_TOKEN                    Discord bot token
  DISCORD_PUBLIC_KEY               Discord HTTP interactions (POST /discord/interactions), optional
  <SECRET>_FILE                    any secret above read from a file instead (Docker or Kubernetes
                                   secrets): SLACK_BOT_TOKEN_FILE=/run/secrets/slack_bot_token
  RUST_LOG                         log filter over log.level: RUST_LOG=info,unhurried=debug

Examples:
  unhurried check                               validate settings and credentials
  unhurried config                              show every setting and where it came from
  SLACK_BOT_TOKEN=xoxb-… SLACK_APP_TOKEN=xapp-… unhurried serve
  unhurried --config /etc/unhurried.toml serve
  unhurried healthcheck                         exit 0 when /healthz answers 200 (containers)";

/// unhurried — makes a team's chat asynchronous by default.
#[derive(Debug, Parser)]
#[command(name = "unhurried", version = LONG_VERSION, about, after_help = ENVIRONMENT_HELP)]
pub struct Cli {
    /// A TOML file overlaid on the embedded defaults (config/default.toml shows every key).
    #[arg(long, global = true, value_name = "FILE", env = "UNHURRIED_CONFIG")]
    pub config: Option<PathBuf>,

    /// What to do.
    #[command(subcommand)]
    pub command: CliCommand,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum CliCommand {
    /// Run the bot: migrations, then every platform with credentials, and the job scheduler.
    /// Without chat credentials: a playground in the browser on `http.addr`, on its own store.
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate,
    /// Validate the configuration and show which platforms are enabled.
    Check,
    /// Print the next fire instants of a schedule, as UTC RFC 3339, one per line.
    Schedule(ScheduleArgs),
    /// Run the real engine on a scenario with a virtual clock; print the transcript.
    Simulate(SimulateArgs),
    /// Read JSON lines `{"text": "..."}` on stdin; write one verdict line per input.
    Classify,
    /// Show the outbox: messages by state, and the failed and unknown ones with their reasons.
    Outbox(OutboxArgs),
    /// Write a consistent copy of the database to FILE (safe while serve runs; never overwrites).
    Backup(FileArgs),
    /// Replace the database with a backup, checked first (serve must be stopped).
    Restore(FileArgs),
    /// Erase a member everywhere, by platform user id (an erasure request that came by email).
    Forget(ForgetArgs),
    /// Print every setting with its value and where it came from; secrets only as set or not.
    Config,
    /// Ask the running `serve` for /healthz (or /readyz); exit 0 if it answers 200, else 1.
    Healthcheck(HealthcheckArgs),
    /// Write answers, runs, decisions and digests (member names, local dates) as JSON or CSV.
    /// Reads only: safe while `serve` runs.
    Export(ExportArgs),
}

/// Arguments of `unhurried backup` and `unhurried restore`.
#[derive(Debug, clap::Args)]
pub struct FileArgs {
    /// The backup file.
    pub file: PathBuf,
}

/// Arguments of `unhurried forget`.
#[derive(Debug, clap::Args)]
pub struct ForgetArgs {
    /// The member's platform user id (Slack `U…`, a Discord user id).
    pub user_id: String,
    /// Erase without asking: without it, only shows whom it would erase.
    #[arg(long)]
    pub yes: bool,
}

/// Arguments of `unhurried healthcheck`.
#[derive(Debug, clap::Args)]
pub struct HealthcheckArgs {
    /// Ask /readyz instead: also every platform connection must be up.
    #[arg(long)]
    pub ready: bool,
    /// Seconds to wait for the answer.
    #[arg(long, default_value_t = 5)]
    pub timeout: u64,
}

/// Arguments of `unhurried serve` (they matter only to the playground, without chat credentials).
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The playground's workspace: a scenario file (TOML, SPEC §8); the built-in demo without it.
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
    /// Keep the playground's store in this SQLite file (a fresh temporary one without it); never
    /// the configured database.
    #[arg(long, value_name = "FILE")]
    pub playground_db: Option<PathBuf>,
}

/// The format of `unhurried export`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ExportFormat {
    /// One JSON document: {"answers": […], "runs": […], "decisions": […], "digests": […]}.
    Json,
    /// One CSV table, a `kind` column telling answer, run, decision and digest apart.
    Csv,
}

/// Arguments of `unhurried export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// json or csv.
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// Only records of this local date (YYYY-MM-DD) or later.
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only this standup (and the decisions of its report channel).
    #[arg(long, value_name = "NAME")]
    pub standup: Option<String>,
    /// Write to this file instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Arguments of `unhurried outbox`.
#[derive(Debug, clap::Args)]
pub struct OutboxArgs {
    /// How many failed and unknown messages to list, newest first.
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
}

/// Arguments of `unhurried simulate`.
#[derive(Debug, clap::Args)]
pub struct SimulateArgs {
    /// The scenario file (TOML; scenarios/demo.toml is a commented example).
    pub scenario: PathBuf,
    /// Keep the store in this SQLite file (or `sqlite:` / `postgres://` URL) instead of a
    /// temporary SQLite file.
    #[arg(long, value_name = "FILE_OR_URL")]
    pub db: Option<String>,
    /// One readable line per message instead of JSON lines.
    #[arg(long)]
    pub pretty: bool,
    /// Also write the transcript as one self-contained HTML page (the playground's chat view).
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
}

/// Arguments of `unhurried schedule`.
#[derive(Debug, clap::Args)]
pub struct ScheduleArgs {
    /// IANA timezone the schedule is evaluated in (`Europe/Berlin`).
    #[arg(long)]
    pub tz: String,
    /// Local time of day, HH:MM.
    #[arg(long)]
    pub at: Option<String>,
    /// Day spec: daily, mon-fri, sun-thu, mon,wed,fri … (default daily).
    #[arg(long)]
    pub days: Option<String>,
    /// A cron expression with seconds, instead of --at/--days.
    #[arg(long)]
    pub cron: Option<String>,
    /// Print instants strictly after this RFC 3339 instant.
    #[arg(long)]
    pub from: String,
    /// How many instants to print.
    #[arg(long, default_value_t = 5)]
    pub count: usize,
}

/// Loads settings for `cli`, printing a one-line error on failure.
fn load_settings(cli: &Cli) -> Result<Settings, ExitCode> {
    Settings::load(cli.config.as_deref(), &process_env()).map_err(|error| {
        eprintln!("unhurried: {error}");
        ExitCode::from(EXIT_BAD_INPUT)
    })
}

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> ExitCode {
    match &cli.command {
        CliCommand::Schedule(args) => schedule(args),
        CliCommand::Serve(args) => match load_settings(&cli) {
            Ok(settings) => {
                let playground = crate::playground::PlaygroundOptions {
                    scenario: args.scenario.clone(),
                    db: args.playground_db.clone(),
                };
                serve::serve(settings, playground).await
            }
            Err(code) => code,
        },
        CliCommand::Migrate => match load_settings(&cli) {
            Ok(settings) => serve::migrate(settings).await,
            Err(code) => code,
        },
        CliCommand::Check => match load_settings(&cli) {
            Ok(settings) => serve::check(settings).await,
            Err(code) => code,
        },
        CliCommand::Classify => match load_settings(&cli) {
            Ok(settings) => classify(&settings),
            Err(code) => code,
        },
        CliCommand::Simulate(args) => match load_settings(&cli) {
            Ok(settings) => simulate(args, settings).await,
            Err(code) => code,
        },
        CliCommand::Outbox(args) => match load_settings(&cli) {
            Ok(settings) => outbox::outbox(args, settings).await,
            Err(code) => code,
        },
        CliCommand::Backup(args) => match load_settings(&cli) {
            Ok(settings) => database::backup(&args.file, settings).await,
            Err(code) => code,
        },
        CliCommand::Restore(args) => match load_settings(&cli) {
            Ok(settings) => database::restore(&args.file, settings).await,
            Err(code) => code,
        },
        CliCommand::Forget(args) => match load_settings(&cli) {
            Ok(settings) => database::forget(&args.user_id, args.yes, settings).await,
            Err(code) => code,
        },
        CliCommand::Config => config::config(cli.config.as_deref()),
        CliCommand::Healthcheck(args) => match load_settings(&cli) {
            Ok(settings) => healthcheck::healthcheck(args, &settings).await,
            Err(code) => code,
        },
        CliCommand::Export(args) => match load_settings(&cli) {
            Ok(settings) => export::export(args, settings).await,
            Err(code) => code,
        },
    }
}

async fn simulate(args: &SimulateArgs, settings: Settings) -> ExitCode {
    crate::telemetry::init(settings.log.format, "warn");
    let scenario = match crate::simulation::Scenario::load(&args.scenario) {
        Ok(scenario) => scenario,
        Err(error) => {
            eprintln!("unhurried simulate: {error}");
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    match crate::simulation::run(scenario, settings, args.db.clone()).await {
        Ok(run) => {
            if let Some(file) = &args.html {
                let page = crate::simulation::html::page(&run.scenario, &run.transcript);
                if let Err(error) = std::fs::write(file, page) {
                    eprintln!("unhurried simulate: cannot write {}: {error}", file.display());
                    return ExitCode::FAILURE;
                }
            }
            if args.pretty {
                print!("{}", crate::simulation::pretty::render(&run.scenario, &run.transcript));
            } else {
                for entry in &run.transcript {
                    println!("{}", serde_json::to_string(entry).expect("transcript entries serialize"));
                }
            }
            ExitCode::SUCCESS
        }
        // A scenario that cannot be set up is bad input, like a malformed one: `file:line: reason`.
        Err(error) if error.downcast_ref::<crate::simulation::ScenarioError>().is_some() => {
            eprintln!("unhurried simulate: {error}");
            ExitCode::from(EXIT_BAD_INPUT)
        }
        Err(error) => {
            eprintln!("unhurried simulate: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Streams stdin to stdout line by line, so it works on a pipe of any length, and flushes each
/// answer so a caller can also talk to it one line at a time. A line that is not UTF-8 gets its
/// error line like any other bad line, and the rest continues.
fn classify(settings: &Settings) -> ExitCode {
    use std::io::{BufRead as _, Write as _};
    let classifier = crate::features::nudge::classifier_for(settings);
    let mut out = std::io::stdout().lock();
    let mut input = std::io::stdin().lock();
    let mut line = Vec::new();
    loop {
        line.clear();
        match input.read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(error) => {
                eprintln!("unhurried classify: cannot read stdin: {error}");
                return ExitCode::FAILURE;
            }
        }
        let verdict = match std::str::from_utf8(&line) {
            Ok(text) => crate::domain::classifier::classify_json_line(&classifier, text),
            Err(_) => r#"{"error":"the line is not valid UTF-8"}"#.to_owned(),
        };
        if writeln!(out, "{verdict}").and_then(|()| out.flush()).is_err() {
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

fn schedule(args: &ScheduleArgs) -> ExitCode {
    let lines = crate::domain::schedule::schedule_command_lines(
        &args.tz,
        args.at.as_deref(),
        args.days.as_deref(),
        args.cron.as_deref(),
        &args.from,
        args.count,
    );
    match lines {
        Ok(lines) => {
            for line in lines {
                println!("{line}");
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("unhurried schedule: {error}");
            ExitCode::from(EXIT_BAD_INPUT)
        }
    }
}
