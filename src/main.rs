//! The `unhurried` binary: parse the command line and run the chosen command.

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser as _;

fn main() -> ExitCode {
    let cli = unhurried::cli::Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a tokio runtime starts");
    let code = runtime.block_on(unhurried::cli::run(cli));
    // `serve` returns within `shutdown.timeout` even when work was cut off; what is left (a
    // connection task, a blocking read) must not hold the exit.
    runtime.shutdown_timeout(Duration::from_millis(500));
    code
}
