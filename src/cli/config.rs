//! Purpose: `unhurried config` — every setting with its value and where it came from (the
//! embedded default, the config file, or an environment variable), then each secret as set or
//! not and from where. A secret's value is never printed.

use std::io::Write as _;
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
    let mut lines = Vec::new();
    for setting in &settings {
        // A PostgreSQL URL may carry a password: shown as ***.
        let value = match setting.value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
            Some(url) if setting.key == "database.url" => format!("\"{}\"", crate::adapters::postgres::redact(url)),
            _ => setting.value.clone(),
        };
        let assignment = format!("{} = {value}", setting.key);
        // Sources line up, except after the odd long value (the nudge text).
        lines.push(format!("{assignment:ALIGN$}  # {}", setting.source));
    }
    lines.push(String::new());
    for (name, source) in secrets {
        let shown = match source {
            SecretSource::Unset => "not set".to_owned(),
            SecretSource::Environment => "set (environment)".to_owned(),
            SecretSource::File(path) => format!("set (file {path})"),
        };
        lines.push(format!("{name}: {shown}"));
    }
    // A closed pipe (`unhurried config | head`) ends the output quietly.
    let mut out = std::io::stdout().lock();
    for line in lines {
        if writeln!(out, "{line}").is_err() {
            break;
        }
    }
    ExitCode::SUCCESS
}

/// The column the sources start at.
const ALIGN: usize = 48;
