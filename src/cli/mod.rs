//! Purpose: the `unhurried` command line (SPEC §8). Each subcommand is a function that returns
//! an exit code; `main.rs` only parses and dispatches.

mod export;
mod outbox;
mod serve;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::{Settings, process_env};

/// Exit code for bad input (config, arguments): nothing was run.
pub const EXIT_BAD_INPUT: u8 = 2;

/// unhurried — makes a team's chat asynchronous by default.
#[derive(Debug, Parser)]
#[command(name = "unhurried", version, about)]
pub struct Cli {
    /// A TOML file overlaid on the embedded defaults (config/default.toml shows every key).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// What to do.
    #[command(subcommand)]
    pub command: CliCommand,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum CliCommand {
    /// Run the bot: migrations, then every platform with credentials, and the job scheduler.
    Serve,
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
    /// Write answers, runs, decisions and digests (member names, local dates) as JSON or CSV.
    /// Reads only: safe while `serve` runs.
    Export(ExportArgs),
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
    /// The scenario file (TOML, SPEC §8).
    pub scenario: PathBuf,
    /// Keep the store in this SQLite file instead of a temporary one.
    #[arg(long)]
    pub db: Option<PathBuf>,
    /// One readable line per message instead of JSON lines.
    #[arg(long)]
    pub pretty: bool,
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
        CliCommand::Serve => match load_settings(&cli) {
            Ok(settings) => serve::serve(settings).await,
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
