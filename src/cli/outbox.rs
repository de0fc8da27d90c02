//! Purpose: `unhurried outbox` — what an operator asks when a message did not arrive: how many
//! messages are in each state, how old the oldest undelivered one is, and which failed or are
//! unknown (the platform may have them: they are checked before any resend), with their reasons.
//! It reads the database only, so it is safe while `serve` runs.

use std::process::ExitCode;

use crate::adapters::clock::SystemClock;
use crate::adapters::database::Database;
use crate::cli::OutboxArgs;
use crate::config::Settings;
use crate::ports::Clock as _;

/// Prints the outbox report; exit code 1 if the database cannot be read.
pub async fn outbox(args: &OutboxArgs, settings: Settings) -> ExitCode {
    match report(args, &settings).await {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("unhurried: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn report(args: &OutboxArgs, settings: &Settings) -> anyhow::Result<String> {
    let store = Database::open(&settings.database).await?.store();
    let stats = store.outbox_stats().await?;
    let now = SystemClock.now();
    let mut text = String::new();
    let counts: Vec<String> = stats.by_state.iter().map(|(state, count)| format!("{state} {count}")).collect();
    text.push_str(&format!("messages: {}\n", if counts.is_empty() { "none".to_owned() } else { counts.join(", ") }));
    if let Some(oldest) = stats.oldest_pending {
        text.push_str(&format!("oldest undelivered: queued {}s ago\n", (now - oldest).num_seconds().max(0)));
    }
    let undelivered = store.undelivered(args.limit).await?;
    if !undelivered.is_empty() {
        text.push_str("id\tstate\tpurpose\tconversation\tattempts\tqueued\terror\n");
    }
    for message in undelivered {
        text.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            message.id,
            message.state,
            message.purpose,
            message.lane,
            message.attempts,
            message.queued_at.to_rfc3339(),
            message.error.as_deref().unwrap_or("-").replace(['\n', '\t'], " "),
        ));
    }
    Ok(text)
}
