//! The `unhurried` binary: parse the command line and run the chosen command.

use std::process::ExitCode;

use clap::Parser as _;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = unhurried::cli::Cli::parse();
    unhurried::cli::run(cli).await
}
