//! Purpose: `unhurried config` — every setting with its value and where it came from (the
//! embedded default, the config file, or an environment variable), then each secret as set or
//! not and from where. A secret's value is never printed.

use std::path::Path;
use std::process::ExitCode;

use crate::config::{SecretSource, Secrets, Settings, process_env};

/// Prints the effective settings; a bad setting or secret file is a one-line error (exit 2).
pub fn config(file: Option<&Path>) -> ExitCode {
    let env = process_env();
    let settings = match Settings::effective(file, &env) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("unhurried: {error}");
            return ExitCode::from(super::EXIT_BAD_INPUT);
        }
    };
    let secrets = match Secrets::sources(&env) {
        Ok(secrets) => secrets,
        Err(error) => {
            eprintln!("unhurried: {error}");
            return ExitCode::from(super::EXIT_BAD_INPUT);
        }
    };
    let width = settings.iter().map(|s| s.key.len() + s.value.len() + 3).max().unwrap_or(0);
    for setting in &settings {
        let assignment = format!("{} = {}", setting.key, setting.value);
        println!("{assignment:width$}  # {}", setting.source);
    }
    println!();
    for (name, source) in secrets {
        let shown = match source {
            SecretSource::Unset => "not set".to_owned(),
            SecretSource::Environment => "set (environment)".to_owned(),
            SecretSource::File(path) => format!("set (file {path})"),
        };
        println!("{name}: {shown}");
    }
    ExitCode::SUCCESS
}
